"""Vectors and matrices of letter size (``\\mathbf{x} \\in \\mathbb{R}^D``, ``A \\in \\mathbb{R}^{m \\times n}``,
``vector D`` in front matter): each step is checked at several sizes (`derive.latex.shapes`).

A verdict holds for every size checked: verified at best (sizes not checked are the gap), refuted
at a size past 1 with that size shown, undecided when a size fixed elsewhere, a name that is both
size and matrix, or a failure only where vectors are numbers (size 1) leaves it open.
"""

from __future__ import annotations

import re

import pytest

import derive
from derive import Verdict
from derive.latex import read_document
from derive.latex.shapes import StepRun, shape_readings, size_readings
from derive.model import Evidence, Method, Outcome, Result

VECTORS = "Let $\\mathbf{x}, \\mathbf{y} \\in \\mathbb{R}^D$ and $A, B \\in \\mathbb{R}^{D \\times D}$.\n\n"


def _one(tex: str, prefix: str = VECTORS, **kw: object) -> tuple[Verdict, str]:
    ((result,),) = [derive.check_latex(prefix + f"$${tex}$$\n", **kw)]
    return result.verdict, result.detail


# -- identities true at every size: verified, never proved ---------------------------------------


def test_an_identity_for_all_sizes_is_verified_at_each_size():
    verdict, detail = _one("(\\mathbf{x}^T \\mathbf{x})^2 = \\mathbf{x}^T \\mathbf{x} \\mathbf{x}^T \\mathbf{x}")
    assert verdict is Verdict.VERIFIED
    assert (
        "holds at every size checked (D = 1; D = 2; D = 3; D = 4 (checked with numbers)"
        "; D = 5 (checked with numbers): proved or verified at each)"
    ) in detail
    assert "not a proof for every size" in detail


def test_a_quadratic_form_equals_the_form_of_the_transpose():
    verdict, detail = _one("\\mathbf{x}^T A \\mathbf{x} = \\mathbf{x}^T A^T \\mathbf{x}")
    assert verdict is Verdict.VERIFIED
    assert "D = 3" in detail


def test_det_of_a_product_verified_det_of_a_sum_refuted_at_two():
    assert _one("\\det(AB) = \\det(A)\\det(B)")[0] is Verdict.VERIFIED
    verdict, detail = _one("\\det(A+B) = \\det A + \\det B")
    assert verdict is Verdict.REFUTED
    assert detail.count("at D = 2: differs at A[1,1]") == 1
    assert "(confirmed at 100 digits)" in detail


def test_the_inverse_commutes_with_the_transpose():
    assert _one("(A^{-1})^T = (A^T)^{-1}")[0] is Verdict.VERIFIED
    assert _one("A A^{-1} = I_D")[0] is Verdict.VERIFIED


def test_a_letter_size_used_as_a_number_takes_the_size():
    verdict, detail = _one("\\mathrm{tr}(I_D) = D")
    assert verdict is Verdict.VERIFIED
    assert "D = 1; D = 2; D = 3" in detail
    # an identity sized by a letter, with nothing else undeclared, is swept too
    verdict, _ = _one("\\mathrm{tr}(I_n) = n", prefix="")
    assert verdict is Verdict.VERIFIED


# -- false at some size: refuted, showing the size -------------------------------------------------


def test_outer_and_inner_product_differ_in_shape_past_size_one():
    verdict, detail = _one("\\mathbf{x}\\mathbf{x}^T = \\mathbf{x}^T\\mathbf{x}")
    assert verdict is Verdict.REFUTED
    assert "at D = 2: shapes differ: lhs is a 2x2 matrix, the other side a scalar" in detail


def test_a_trace_written_for_one_size_is_refuted_at_another():
    verdict, detail = _one("\\mathrm{tr}(I_D) = 3")
    assert verdict is Verdict.REFUTED
    assert "at D = 2: lhs - rhs simplifies to the nonzero constant -1" in detail


def test_cayley_hamilton_of_two_by_two_fails_at_three():
    verdict, detail = _one("A^2 - \\mathrm{tr}(A) A + \\det(A) I_D = 0")
    assert verdict is Verdict.REFUTED
    assert "at D = 3: differs at A[1,1]" in detail


def test_a_size_past_the_largest_constant_is_checked():
    # tr(I) = 4 holds only at D = 4, which is 1 past 3: the sweep adds the size past the constant
    verdict, detail = _one("\\mathrm{tr}(I_D) \\leq 4")
    assert verdict is Verdict.REFUTED
    assert "at D = 5" in detail


def test_products_of_a_rectangular_matrix_sweep_both_letters():
    text = (
        "Let $X \\in \\mathbb{R}^{N \\times D}$.\n\n"
        "$$\\mathrm{tr}(X^T X) = \\mathrm{tr}(X X^T)$$\n\n$$X^T X = X X^T$$\n"
    )
    (first, second) = derive.check_latex(text)
    assert first.verdict is Verdict.VERIFIED
    assert "D = 1, N = 2" in first.detail and "D = 2, N = 3" in first.detail
    assert second.verdict is Verdict.REFUTED
    assert "at D = 2, N = 2" in second.detail


# -- attacks: what must stay undecided --------------------------------------------------------------


def test_failing_only_at_size_one_is_not_refuted():
    # x^2 of a vector reads only where the vector is a number; the text means larger sizes
    verdict, detail = _one("\\mathbf{x}^2 = \\mathbf{x}")
    assert verdict is Verdict.UNDECIDED
    assert "fails only at size 1 (D = 1; other sizes D = 2: error; D = 3: error; D = 4: error; D = 5: error)" in detail


def test_a_size_the_text_gives_one_value_refutes_only_at_that_value():
    # D = 3 may be the size throughout or an example: swept, a failure at D = 1 or 2 is no counterexample
    text = "Let $\\mathbf{x} \\in \\mathbb{R}^D$ with $D = 3$.\n\n$$\\mathrm{tr}(I_D) = 3$$\n"
    ((result,),) = [derive.check_latex(text)]
    assert result.verdict is Verdict.UNDECIDED
    assert "but the text gives D = 3" in result.detail
    ((result,),) = [derive.check_latex(text.replace("= 3$$", "= 2$$"))]
    assert result.verdict is Verdict.REFUTED
    assert "at D = 3" in result.detail


def test_a_size_the_text_gives_a_bound_is_not_swept():
    text = "Let $\\mathbf{x} \\in \\mathbb{R}^D$ with $D \\geq 3$.\n\n$$\\mathrm{tr}(I_D) = 3$$\n"
    ((result,),) = [derive.check_latex(text)]
    assert result.verdict is Verdict.UNDECIDED
    assert "the size D is given a value or a condition in the document" in result.detail


def test_a_letter_that_is_both_size_and_matrix_is_undecided():
    text = (
        "Let $\\mathbf{x} \\in \\mathbb{R}^n$ and $n \\in \\mathbb{R}^{2 \\times 2}$.\n\n"
        "$$\\mathbf{x}^T\\mathbf{x} = n$$\n"
    )
    ((result,),) = [derive.check_latex(text)]
    assert result.verdict is Verdict.UNDECIDED
    assert "n is both a size and a vector or matrix" in result.detail


def test_case_of_letters_matters_and_sizes_that_must_be_equal_leave_the_step_undecided():
    # N and n are two sizes; x^T y reads only where they are equal, which the text does not state
    text = (
        "Let $\\mathbf{x} \\in \\mathbb{R}^n$ and $\\mathbf{y} \\in \\mathbb{R}^N$.\n\n"
        "$$\\mathbf{x}^T\\mathbf{y} = \\mathbf{y}^T\\mathbf{x}$$\n"
    )
    doc = read_document(text)
    assert ("x", "vector n") in doc.steps[0].claim.symbols and ("y", "vector N") in doc.steps[0].claim.symbols
    ((result,),) = [derive.check_latex(text)]
    assert result.verdict is Verdict.UNDECIDED
    unequal = re.search(r"the shapes do not fit at n = (\d+), N = (\d+)", result.detail)
    assert unequal is not None and unequal.group(1) != unequal.group(2), result.detail
    assert "holds at n = 1, N = 1; n = 2, N = 2; n = 3, N = 3" in result.detail
    # an outer product of two sizes: false at n = N = 2, whatever the unequal sizes give
    text = text.replace(
        "\\mathbf{x}^T\\mathbf{y} = \\mathbf{y}^T\\mathbf{x}", "\\mathbf{x}\\mathbf{y}^T = \\mathbf{y}\\mathbf{x}^T"
    )
    ((result,),) = [derive.check_latex(text)]
    assert result.verdict is Verdict.REFUTED
    assert "at n = 2, N = 2: differs" in result.detail


def test_an_inverse_of_a_rectangular_matrix_is_not_accepted_at_square_sizes_only():
    # X^{-1} reads only for N = D: true there, but X is N x D
    text = "Let $X \\in \\mathbb{R}^{N \\times D}$.\n\n$$(X^T X)^{-1} X^T = X^{-1}$$\n\n$$(X^T)^{-1} = (X^{-1})^T$$\n"
    for result in derive.check_latex(text):
        assert result.verdict is Verdict.UNDECIDED
        assert "the step holds only if those sizes are equal" in result.detail
        assert "NonSquareMatrixError" in result.detail


def test_an_undeclared_name_next_to_shapes_keeps_shape_mismatch_undecided():
    # W is undeclared: it may be the matrix that makes the shapes agree
    verdict, _ = _one("\\mathbf{x}\\mathbf{x}^T = W")
    assert verdict is not Verdict.REFUTED


def test_a_name_the_step_does_not_use_adds_no_sizes():
    text = (
        "Let $X \\in \\mathbb{R}^{N \\times D}$ and $\\mathbf{x} \\in \\mathbb{R}^D$.\n\n"
        "$$\\mathbf{x}^T\\mathbf{x} \\geq 0$$\n"
    )
    (step,) = read_document(text).steps
    found = size_readings(step)
    assert isinstance(found, list)
    assert [r.label for r in found] == ["D = 1", "D = 2", "D = 3", "D = 4", "D = 5"]


def test_front_matter_letter_kinds_and_positive_definite_in_prose():
    text = (
        "---\nderive:\n  symbols:\n    x: vector D\n    S: spd matrix D x D\n---\n\n"
        "$$\\mathbf{x}^T S \\mathbf{x} \\geq 0$$\n"
    )
    ((result,),) = [derive.check_latex(text)]
    assert result.verdict in (Verdict.VERIFIED, Verdict.UNDECIDED)  # verified, or undecided: never refuted
    assert result.verdict is not Verdict.REFUTED
    prose = "Let $\\Sigma \\in \\mathbb{R}^{D \\times D}$ with $\\Sigma \\succ 0$.\n\n$$\\det(\\Sigma) > 0$$\n"
    doc = read_document(prose)
    assert ("Sigma", "spd matrix D x D") in doc.steps[0].claim.symbols
    ((result,),) = [derive.check_latex(prose)]
    assert result.verdict is not Verdict.REFUTED


def test_the_claim_language_needs_numbers():
    result = derive.check("x == x", symbols={"x": "vector D"})
    assert result.verdict is Verdict.ERROR
    assert "whose size is a letter" in result.detail


# -- StepRun: one helper for every caller ----------------------------------------------------------


def _fake(claim: object, verdict: Verdict) -> Result:
    ev = Evidence(Method.NUMERIC, "fake")
    return Result(claim, verdict, Method.NUMERIC, 0.0, (Outcome(verdict, ev),))  # type: ignore[arg-type]


def test_step_run_leaves_out_steps_whose_claims_did_not_all_run():
    doc = read_document(VECTORS + "$$\\mathbf{x}^T\\mathbf{y} = \\mathbf{y}^T\\mathbf{x}$$\n\n$$a + b = b + a$$\n")
    run = StepRun(list(doc.steps), lambda step: _fake(step.claim, Verdict.ERROR))
    assert len(run.claims) == 4  # sizes 1-3, then the scalar step (sizes 4, 5 are checked here with numbers)
    partial = run.results([_fake(c, Verdict.PROVED) for c in run.claims[:2]])
    assert partial == []
    full = run.results([_fake(c, Verdict.PROVED) for c in run.claims])
    assert [r.verdict for r in full] == [Verdict.VERIFIED, Verdict.PROVED]
    assert full[0].claim is doc.steps[0].claim


def test_a_size_letter_that_is_also_a_data_set_or_an_index_is_not_swept():
    # \\mathcal{D} and D are one derive name: giving the size a value would give the data set one
    text = (
        "Let $\\mathbf{w} \\in \\mathbb{R}^D$.\n\n"
        "$$p(\\mathcal{D}) \\mathbf{w}^T\\mathbf{w} = p(\\mathcal{D}) \\|\\mathbf{w}\\|^2$$\n"
    )
    ((result,),) = [derive.check_latex(text)]
    assert result.verdict is Verdict.UNDECIDED
    assert "D is a size here and also written in a font" in result.detail
    text = (
        "Let $\\mathbf{x} \\in \\mathbb{R}^n$.\n\n"
        "$$\\sum_{n=1}^{3} n \\mathbf{x}^T\\mathbf{x} = 6 \\mathbf{x}^T\\mathbf{x}$$\n"
    )
    ((result,),) = [derive.check_latex(text)]
    assert result.verdict is Verdict.UNDECIDED
    assert "also the index of a sum or product" in result.detail


def test_entries_of_a_vector_of_letter_size_sum_to_its_products():
    text = (
        VECTORS
        + "$$\\sum_{i=1}^D x_i y_i = \\mathbf{x}^T\\mathbf{y}$$\n\n"
        + "$$\\sum_{i=1}^D x_i y_i = \\mathbf{x}^T\\mathbf{x}$$\n"
    )
    first, second = derive.check_latex(text)
    assert first.verdict is Verdict.VERIFIED
    assert second.verdict is Verdict.REFUTED
    assert "at D = 2: differs at x[1] = 2" in second.detail


def test_a_norm_identity_is_verified_past_size_one_and_the_gap_is_named():
    verdict, detail = _one(
        "\\|\\mathbf{x} + \\mathbf{y}\\|^2 = \\|\\mathbf{x}\\|^2 + 2\\mathbf{x}^T\\mathbf{y} + \\|\\mathbf{y}\\|^2"
    )
    assert verdict is Verdict.VERIFIED
    # a 1-vector's norm is its absolute value (READ, session 8): D = 1 is checked too, the gap is past the sizes named
    assert detail.startswith("holds at every size checked (D = 1; D = 2; D = 3;")
    assert "sizes not checked are the gap" in detail
    verdict, detail = _one("\\|\\mathbf{x} + \\mathbf{y}\\|^2 = \\|\\mathbf{x}\\|^2 + \\|\\mathbf{y}\\|^2")
    assert verdict is Verdict.REFUTED
    assert "at D = 2" in detail


# -- shape readings of undeclared names: decided only when every reading agrees -------------------


def _alone(tex: str) -> tuple[Verdict, str]:
    ((result,),) = [derive.check_latex(f"$${tex}$$\n")]
    return result.verdict, result.detail


def test_an_identity_in_every_shape_of_an_undeclared_name_is_verified():
    verdict, detail = _alone("(X^T X)^T = X^T X")
    assert verdict is Verdict.VERIFIED
    assert "holds in every shape the undeclared names may have here (X: vector 2 | X: vector 3 |" in detail
    assert (
        "X: matrix 2x3 | X: matrix 3x2 | X: vector 4 (checked with numbers) | X: matrix 4x4 (checked with numbers) |"
    ) in detail
    verdict, detail = _alone("\\mathrm{tr}(X^T X) = \\mathrm{tr}(X X^T)")
    assert verdict is Verdict.VERIFIED


def test_a_norm_of_undeclared_names_reads_them_as_vectors():
    verdict, detail = _alone("\\|a + b\\|^2 = \\|a\\|^2 + 2 a^T b + \\|b\\|^2")
    assert verdict is Verdict.VERIFIED
    assert (
        "(a: vector 2, b: vector 2 | a: vector 3, b: vector 3 | a: vector 4, b: vector 4 (checked with numbers) |"
    ) in detail


def test_readings_that_disagree_leave_the_step_undecided():
    # x^T A x = x^T A^T x holds for a vector x, not for a matrix x
    verdict, detail = _alone("x^T A x = x^T A^T x")
    assert verdict is Verdict.UNDECIDED
    assert "the undeclared names may have several shapes and the step depends on them" in detail
    assert "proved with A: matrix 2x2, x: vector 2" in detail and "refuted with A: matrix 2x2, x: matrix 2x2" in detail


def test_a_step_false_in_every_shape_is_not_refuted_under_guessed_shapes():
    # the text may define W (orthonormal columns) or D_0 (a covariance) in words
    for tex in ("W^T W = I", "u^{\\intercal}D_{0}u \\ge 0", "x x^T = x^T x"):
        verdict, detail = _alone(tex)
        assert verdict is Verdict.UNDECIDED, tex
        assert "fails in every shape the undeclared names may have" in detail


def test_a_name_that_may_be_a_scalar_or_a_matrix_leaves_the_step_undecided():
    # B scalar: x^T B x = (x^T x) B holds; B a matrix: it does not (and the sides may not even conform)
    verdict, detail = _alone("x^T B x = (x^T x) B")
    assert verdict is Verdict.UNDECIDED
    assert "proved with B: scalar, x: vector 2" in detail
    assert "refuted with B: matrix 2x2, x: matrix 2x2" in detail


def test_too_many_shape_readings_are_undecided_with_the_count():
    verdict, detail = _alone("(A + B)^T C = A^T C + B^T C")
    assert verdict is Verdict.UNDECIDED
    assert "A, B, C are not declared, and 24 shapes (scalars, vectors, matrices) make the step read" in detail
    verdict, detail = _alone("(A B)^T = B^T A^T")  # 12 readings: checked, and true in each
    assert verdict is Verdict.VERIFIED


def test_shapes_declared_for_some_names_leave_the_others_as_written():
    text = "---\nderive:\n  symbols:\n    A: matrix 2x2\n---\n\n$$x^T A x = x^T A^T x$$\n"
    ((result,),) = [derive.check_latex(text)]
    assert result.verdict is Verdict.UNDECIDED
    assert "x is transposed but not declared" in result.detail


def test_a_regression_identity_holds_in_every_conforming_shape():
    tex = (
        "\\left(\\mathbf{X}^T\\mathbf{X}\\right)^{-1}\\mathbf{X}^T\\left(\\mathbf{X}\\beta + \\epsilon\\right) = "
        "\\beta + \\left(\\mathbf{X}^T\\mathbf{X}\\right)^{-1}\\mathbf{X}^T\\epsilon"
    )
    (step,) = read_document(f"$${tex}$$\n").steps
    from derive.latex.shapes import shape_readings  # noqa: PLC0415

    found = shape_readings(step)
    assert isinstance(found, list)
    labels = [r.label for r in found]
    assert "X: matrix 3x2, beta: vector 2, epsilon: vector 3" in labels
    assert "X: matrix 2x3, beta: vector 3, epsilon: vector 2" not in labels  # X^T X singular: no reading
    assert len(labels) == 11


def test_a_declaration_of_letter_size_the_step_does_not_use_is_left_out():
    text = "Let $A \\in \\mathbb{R}^{D \\times D}$.\n\n$$a + b = b + a$$\n\n$$(X^T X)^T = X^T X$$\n"
    doc = read_document(text)
    first, second = derive.check_latex(text)
    assert first.verdict is Verdict.PROVED
    assert first.claim is doc.steps[0].claim or first.claim == doc.steps[0].claim
    assert second.verdict is Verdict.VERIFIED
    assert "holds in every shape the undeclared names may have" in second.detail


def test_a_reading_derive_cannot_read_leaves_the_step_as_before():
    # exp of a matrix (beta, x matrices) may be meant entrywise or as a matrix exponential: no complete set
    verdict, detail = _alone("\\exp(\\beta^T x) = \\exp(x^T \\beta)")
    assert verdict is Verdict.UNDECIDED
    assert "is transposed but not declared as a vector or matrix" in detail


def test_stand_in_numbers_differ_between_names():
    # A - B with equal numbers for A and B would be singular, dropping every square reading
    from derive.latex.shapes import shape_readings  # noqa: PLC0415

    (step,) = read_document("$$((A - B)^T)^{-1} = (A^T - B^T)^{-1}$$\n").steps
    found = shape_readings(step)
    assert isinstance(found, list)
    assert "A: matrix 2x2, B: matrix 2x2" in [r.label for r in found]
    ((result,),) = [derive.check_latex("$$((A - B)^T)^{-1} = (A^T - B^T)^{-1}$$\n")]
    assert result.verdict is Verdict.VERIFIED


def test_a_matrix_norm_reading_is_kept_and_never_accepted_by_guess():
    # \\|X\\| of a matrix may be spectral or Frobenius: the reading fits (a norm is a number) but is not
    # checked, so the step cannot be accepted in every reading
    verdict, detail = _alone("\\|X\\|^2 = \\mathrm{tr}(X^T X)")
    assert verdict is Verdict.UNDECIDED
    assert "proved with X: vector 2; proved with X: vector 3; error with X: matrix 2x2" in detail


def test_matrices_of_letter_size_do_not_commute():
    text = "Let $A \\in \\mathbb{R}^{n \\times n}$ and $B \\in \\mathbb{R}^{n \\times n}$.\n\n$$AB = BA$$\n"
    ((result,),) = [derive.check_latex(text)]
    assert result.verdict is Verdict.REFUTED
    assert "at n = 2: differs at A[1,1]" in result.detail


@pytest.mark.parametrize("kl", ["\\mathrm{KL}(p \\| q) = D_{KL}(p \\| q)", "KL(p||q) = D_{KL}(p \\| q)"])
def test_a_double_bar_that_is_no_norm_gives_no_shape_readings(kl: str):
    (step,) = read_document(f"$${kl}$$\n").steps
    assert shape_readings(step) is None


def test_a_size_fixed_by_values_is_the_only_size_and_a_proof_there_stands():
    text = (
        "---\nderive:\n  values: {D: 3}\n---\nLet $\\mathbf{x} \\in \\mathbb{R}^D$.\n\n"
        "$$\\mathrm{tr}(I_D) = 3$$\n\n$$\\mathrm{tr}(I_D) = D$$\n\n$$\\mathbf{x}^T\\mathbf{x} = D$$\n"
    )
    first, second, third = derive.check_latex(text)
    assert first.verdict is Verdict.PROVED and second.verdict is Verdict.PROVED
    assert "read with D = 3 (values:)" in first.detail
    assert third.verdict is Verdict.REFUTED
    assert "x[3] = 0" in third.detail and "at D =" not in third.detail


def test_a_size_defined_right_after_the_step_is_not_swept():
    text = "Let $\\mathbf{x} \\in \\mathbb{R}^D$.\n\n$$\\mathrm{tr}(I_D) = 3$$\n\nwhere $D = 3$.\n"
    ((result,),) = [derive.check_latex(text)]
    assert result.verdict is Verdict.UNDECIDED
    assert "the size D is given a value or a condition in the document" in result.detail


def test_a_scalar_reading_leaves_the_name_undeclared_so_function_notation_stays_in_doubt():
    # declared real, g(x) would read g times x and the doubt "g a function?" would be lost
    (step,) = read_document("$$g(x)^T g(x) = g^2 x^T x$$\n").steps
    found = shape_readings(step)
    if isinstance(found, list):
        assert all(("g", "real") not in r.step.claim.symbols for r in found)
    ((result,),) = [derive.check_latex("$$g(x)^T g(x) = g^2 x^T x$$\n")]
    assert result.verdict is not Verdict.VERIFIED and result.verdict is not Verdict.PROVED


def test_a_condition_on_another_name_does_not_stop_the_sweep():
    # the recorded condition ends "(line 3, stated in the text)": the n of "line" and "in" is no size
    text = (
        "Let $\\mathbf{w} \\in \\mathbb{R}^n$ and $\\mathbf{a} \\in \\mathbb{R}^n$.\n\n"
        "We have $\\nabla J(\\mathbf{w}) = \\mathbf{a}$.\n\n"
        "$$\\mathbf{a}^T\\mathbf{w} = \\mathbf{w}^T\\mathbf{a}$$\n"
    )
    result = derive.check_latex(text)[-1]
    assert result.verdict is Verdict.VERIFIED
    assert "n = 1" in result.detail and "n = 3" in result.detail


def test_a_condition_on_the_size_itself_still_stops_the_sweep():
    text = (
        "Let $\\mathbf{w} \\in \\mathbb{R}^n$.\n\nWe have $n = 3$ or $n = 4$.\n\n"
        "$$\\mathbf{w}^T\\mathbf{w} = \\mathrm{tr}(\\mathbf{w}\\mathbf{w}^T)$$\n"
    )
    result = derive.check_latex(text)[-1]
    assert result.verdict is Verdict.UNDECIDED
    assert "the size n is given a value or a condition in the document" in result.detail


def test_one_value_of_the_size_sweeps_it_with_that_value():
    # "We have n = 3": an identity at every size holds at n = 3 too, whichever the text means
    text = (
        "Let $\\mathbf{w} \\in \\mathbb{R}^n$.\n\nWe have $n = 3$.\n\n"
        "$$\\mathbf{w}^T\\mathbf{w} = \\mathrm{tr}(\\mathbf{w}\\mathbf{w}^T)$$\n"
    )
    result = derive.check_latex(text)[-1]
    assert result.verdict is Verdict.VERIFIED
    assert "n = 3" in result.detail
