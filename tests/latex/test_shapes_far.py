"""The far size of every sweep (`derive.latex.shapes_far`): a step true only at sizes 1, 2, 3, or at the sizes its
own numbers name, is not verified; a step true at every size still is, naming every size checked; a bold capital is
tried as a matrix too (`derive.latex.shapes.shape_readings`)."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict
from derive.latex.shapes_far import far_kind, far_size

SQUARE = "Let $A$ be a square matrix and $I$ the identity of its size.\n\n"
DECLARED = "Let $x \\in \\mathbb{R}^n$ and $A, \\Sigma \\in \\mathbb{R}^{n \\times n}$.\n\n"
TRACE_ROOTS = "(\\mathrm{tr}(I_n) - 1)(\\mathrm{tr}(I_n) - 2)(\\mathrm{tr}(I_n) - 3)"


def _one(tex: str, prefix: str = "") -> tuple[Verdict, str]:
    ((result,),) = [derive.check_latex(prefix + f"$${tex}$$\n")]
    return result.verdict, result.detail


# -- the far size itself ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "size"),
    [
        (["x^T x"], 4),
        (["\\mathrm{tr}(I) - 3"], 4),
        (["\\mathrm{tr}(I) - 7"], 8),
        (["(n - 4.0)", "x_{2}"], 5),  # a decimal written counts too
        (["\\frac{1}{2} x"], 4),
    ],
)
def test_the_far_size_passes_the_small_sizes_and_every_number_written(texts: list[str], size: int) -> None:
    assert far_size(texts) == size


@pytest.mark.parametrize(
    ("kind", "far"),
    [
        ("vector 2", "vector 5"),
        ("matrix 2x3", "matrix 5x5"),
        ("spd matrix 3x3", "spd matrix 5x5"),
        ("identity 2", "identity 5"),
        ("real", "real"),
    ],
)
def test_a_far_kind_makes_every_dimension_the_far_size(kind: str, far: str) -> None:
    assert far_kind(kind, 5) == far


# -- steps true only at small sizes: never verified ---------------------------------------------------------------


def test_a_trace_polynomial_with_roots_at_one_two_three_is_not_verified_in_shape_readings() -> None:
    # H183: the undeclared square A and identity I, true at sizes 1, 2, 3 only
    tex = "\\mathrm{tr}(A^\\top A)^0 (\\mathrm{tr}(I) - 1)(\\mathrm{tr}(I) - 2)(\\mathrm{tr}(I) - 3) = 0"
    verdict, detail = _one(tex, SQUARE)
    assert verdict is Verdict.UNDECIDED
    assert "undecided with A: matrix 4x4, I: identity 4" in detail
    assert "the step does not hold there: lhs - rhs = 6.00000 there, not 0" in detail


def test_a_trace_polynomial_of_a_declared_size_is_refuted_at_the_far_size() -> None:
    verdict, detail = _one(f"{TRACE_ROOTS} = 0", DECLARED)
    assert verdict is Verdict.REFUTED
    assert detail.startswith("at n = 4:")


def test_a_threshold_at_three_is_refuted_past_it() -> None:
    verdict, detail = _one("\\mathrm{tr}(I_n) \\le 3 + x^\\top x - x^\\top x", DECLARED)
    assert verdict is Verdict.REFUTED
    assert detail.startswith("at n = 4:")


def test_a_threshold_at_a_number_the_step_writes_is_refuted_past_that_number() -> None:
    # 7 in the step: the far size is 8, where tr(I) <= 7 fails (at 4 it holds)
    verdict, detail = _one("\\mathrm{tr}(I_n) \\le 7 + x^\\top x - x^\\top x", DECLARED)
    assert verdict is Verdict.REFUTED
    assert detail.startswith("at n = 8:")


def test_a_polynomial_with_a_root_at_the_number_written_is_not_verified() -> None:
    # roots at 1, 2, 3 and 4 (written): a far size of 4 would hide it, 5 does not
    verdict, detail = _one(f"{TRACE_ROOTS}(\\mathrm{{tr}}(I_n) - 4) = 0", DECLARED)
    assert verdict is Verdict.REFUTED
    assert detail.startswith("at n = 5:")


def test_a_polynomial_under_an_inverse_is_checked_with_numbers_and_left_undecided() -> None:
    # an inverse of a 4x4 matrix of symbols is too costly: the far size is checked with numbers, and a failure
    # found so is no refutation
    verdict, detail = _one(f"{TRACE_ROOTS} x^\\top \\Sigma^{{-1}} x = 0", DECLARED)
    assert verdict is Verdict.UNDECIDED
    assert "checked with numbers for the entries and scalars, the step does not hold there" in detail


def test_a_determinant_of_a_size_dependent_matrix_is_not_verified() -> None:
    # det(2 I_n) = 2^n, which equals 2 n only at n = 1, 2
    verdict, detail = _one("\\det(2 I_n) + \\mathrm{tr}(A - A) = 2\\,\\mathrm{tr}(I_n)", DECLARED)
    assert verdict is Verdict.REFUTED
    assert "at n = 3" in detail or "at n = 4" in detail


def test_an_even_size_sweeps_an_even_far_size() -> None:
    # roots 2, 4, 6: true at every even size the small sweep checks, not at 8 (past the 6 written)
    prefix = "Let $x \\in \\mathbb{R}^k$ where $k$ is even.\n\n"
    tex = "(\\mathrm{tr}(I_k) - 2)(\\mathrm{tr}(I_k) - 4)(\\mathrm{tr}(I_k) - 6) = 0"
    verdict, detail = _one(tex, prefix)
    assert verdict is Verdict.REFUTED
    assert detail.startswith("at k = 8:")


def test_an_odd_size_sweeps_an_odd_far_size() -> None:
    prefix = "Let $x \\in \\mathbb{R}^k$ where $k$ is odd.\n\n"
    tex = "(\\mathrm{tr}(I_k) - 1)(\\mathrm{tr}(I_k) - 3)(\\mathrm{tr}(I_k) - 5) = 0"
    verdict, detail = _one(tex, prefix)
    assert verdict is Verdict.REFUTED
    assert detail.startswith("at k = 7:")


def test_a_number_too_large_to_pass_leaves_the_step_undecided() -> None:
    verdict, detail = _one("\\mathrm{tr}(I_n) \\cdot 7 \\le 49 + \\mathrm{tr}(A^\\top A)", DECLARED)
    assert verdict is Verdict.UNDECIDED
    assert "not checked at size 50" in detail


@pytest.mark.parametrize("condition", ["n > 5", "n \\le 2"])
def test_a_condition_on_the_size_is_respected_and_said(condition: str) -> None:
    prefix = f"Let $x \\in \\mathbb{{R}}^n$ with ${condition}$.\n\n"
    verdict, detail = _one("(\\mathrm{tr}(I_n) - 1)(\\mathrm{tr}(I_n) - 2) = 0", prefix)
    assert verdict is Verdict.UNDECIDED
    assert "the size n is given a value or a condition in the document" in detail


# -- steps true at every size: still verified, naming every size --------------------------------------------------


def test_an_inner_product_of_an_undeclared_vector_is_verified_at_the_far_size_too() -> None:
    verdict, detail = _one("x^T x \\ge 0")
    assert verdict is Verdict.VERIFIED
    # an inequality is never verified by the two-point number check: the engine proves it at 4 and 5 too
    assert "(x: vector 2 | x: vector 3 | x: vector 4 | x: vector 5: proved in each)" in detail


def test_a_trace_of_a_product_commutes_at_the_far_size_too() -> None:
    verdict, detail = _one("\\mathrm{tr}(AB) = \\mathrm{tr}(BA)")
    assert verdict is Verdict.VERIFIED
    assert "A: matrix 4x4, B: matrix 4x4" in detail


def test_a_transpose_of_a_product_is_verified_at_every_declared_size() -> None:
    verdict, detail = _one("(A\\Sigma)^\\top = \\Sigma^\\top A^\\top", DECLARED)
    assert verdict is Verdict.VERIFIED
    assert "n = 1; n = 2; n = 3; n = 4 (checked with numbers); n = 5 (checked with numbers)" in detail


def test_the_trace_of_the_identity_is_its_declared_size() -> None:
    verdict, detail = _one("\\mathrm{tr}(I_n) = n + x^\\top x - x^\\top x", DECLARED)
    assert verdict is Verdict.VERIFIED
    assert "n = 4" in detail


def test_an_inverse_at_the_far_size_is_checked_with_numbers_and_says_so() -> None:
    verdict, detail = _one("\\Sigma^{-1} \\Sigma x = x", DECLARED)
    assert verdict is Verdict.VERIFIED
    assert "n = 1; n = 2; n = 3; n = 4 (checked with numbers); n = 5 (checked with numbers)" in detail


def test_a_step_with_seven_in_it_is_verified_at_eight() -> None:
    verdict, detail = _one("7 x^\\top x = x^\\top (7 x)", DECLARED)
    assert verdict is Verdict.VERIFIED
    assert "n = 8" in detail


# -- a bold capital is a matrix by convention: tried as one -----------------------------------------------------


def test_a_bold_capital_that_reads_only_as_a_vector_is_not_verified() -> None:
    # H190: true for vectors only; as a matrix the sides have different shapes
    verdict, detail = _one("\\mathbf{A}^\\top\\mathbf{A} = \\mathrm{tr}(\\mathbf{A}^\\top\\mathbf{A})")
    assert verdict is Verdict.UNDECIDED
    assert "A is a bold capital, a matrix by convention, but the step reads only with it a vector" in detail


def test_a_bold_greek_capital_that_reads_only_as_a_vector_is_not_verified() -> None:
    verdict, detail = _one("\\|\\boldsymbol{\\Sigma}\\|^2 = \\boldsymbol{\\Sigma}^\\top\\boldsymbol{\\Sigma}")
    assert verdict is Verdict.UNDECIDED
    assert "Sigma is a bold capital" in detail


def test_a_bold_capital_that_holds_as_a_vector_and_a_matrix_stays_verified() -> None:
    verdict, detail = _one("\\mathrm{tr}(\\mathbf{A}^\\top\\mathbf{A}) \\ge 0")
    assert verdict is Verdict.VERIFIED
    assert "A: matrix 2x2" in detail
    assert "A: vector 2" in detail


def test_a_bold_lower_case_vector_is_no_bold_capital() -> None:
    verdict, detail = _one("\\mathbf{a}^\\top\\mathbf{a} = \\mathrm{tr}(\\mathbf{a}^\\top\\mathbf{a})")
    assert verdict is Verdict.VERIFIED
    assert "a: vector 4" in detail


@pytest.mark.parametrize("root", ["2^2", "\\frac{8}{2}", "3 + 1", "2 \\cdot 2"])
def test_a_root_the_step_computes_from_its_numbers_is_passed_too(root: str) -> None:
    # roots at 1, 2, 3 and at 4 computed from smaller numbers: the far size passes the computed 4
    tex = f"{TRACE_ROOTS}(\\mathrm{{tr}}(I_n) - ({root})) = 0"
    verdict, detail = _one(tex, DECLARED)
    assert verdict is Verdict.REFUTED
    assert "at n = 4:" not in detail


def test_an_exponent_of_a_name_is_no_sum_with_the_next_number() -> None:
    # \|a\|^2 + 2 is no 4: the far size stays 4
    assert far_size(["\\|a + b\\|^2 = \\|a\\|^2 + 2 a^T b + \\|b\\|^2"]) == 4


@pytest.mark.parametrize(
    "tex",
    [
        "(|n - 5| - 1)(n - 1)(n - 2)(n - 3)\\, x^\\top x = 0",  # vanishes at 1, 2, 3, 4, 6: not at 5
        "x^\\top x\\,(n - 1)(n - 3)\\sin\\left(\\frac{\\pi n}{2}\\right) = 0",  # every even size and 1, 3: not 5
        "x^\\top x\\,\\max(0, 5 - n)(n - 1)(n - 2)(n - 3) = 0",  # vanishes past 4: not at 4
    ],
)
def test_a_factor_vanishing_at_the_far_size_but_not_between_is_refuted(tex: str) -> None:
    # every size from 1 to one past the far size is checked, not 1, 2, 3 and the far size only
    verdict, detail = _one(tex, "Let $x \\in \\mathbb{R}^n$.\n\n")
    assert verdict is Verdict.REFUTED
    assert detail.startswith(("at n = 4:", "at n = 5:"))


def test_a_cosine_of_the_size_is_checked_at_both_parities_past_the_far_size() -> None:
    # vanishes at 2, 4 (written) and every odd size: the far size is 5, and 6 is checked too
    tex = "(\\mathrm{tr}(I) - 2)(\\mathrm{tr}(I) - 4)\\cos\\left(\\frac{\\pi\\,\\mathrm{tr}(I)}{2}\\right) = 0"
    verdict, detail = _one(tex, SQUARE)
    assert verdict is Verdict.UNDECIDED
    assert "undecided with I: identity 6" in detail


def test_a_complex_difference_at_the_far_size_is_no_crash() -> None:
    # log of a negative determinant at numbers drawn for a general matrix: no sign to compare (H48)
    prefix = "Let $\\Sigma$ be the $d \\times d$ covariance matrix (positive definite).\n\n"
    verdict, _ = _one("\\log|\\Sigma| \\le \\mathrm{tr}(\\Sigma) - d", prefix)
    assert verdict is not Verdict.REFUTED


def test_entries_written_apart_are_left_to_the_engine_at_the_far_size() -> None:
    # w_i, A_{ij} of declared w, A: the check with numbers does not read them, the engine does
    prefix = "Let $\\mathbf{w} \\in \\mathbb{R}^n$ and $A \\in \\mathbb{R}^{n \\times n}$.\n\n"
    verdict, detail = _one("\\mathbf{w}^\\top A \\mathbf{w} = \\sum_{i=1}^n \\sum_{j=1}^n w_i A_{ij} w_j", prefix)
    assert verdict is Verdict.VERIFIED
    assert "n = 1; n = 2; n = 3; n = 4; n = 5: proved at each" in detail


@pytest.mark.parametrize(
    "text",
    [
        # true at sizes 1-3 (Cauchy-Schwarz gives n), false from 4 on only near equal entries
        r"Let $\mathbf{x} \in \mathbb{R}^p$. $$\left(\sum_{i=1}^p x_i\right)^2 \leq 3\,\mathbf{x}^T\mathbf{x}$$",
        r"Let $\mathbf{A} \in \mathbb{R}^{n \times n}$. "
        r"$$\operatorname{tr}(\mathbf{A})^2 \leq 3\operatorname{tr}(\mathbf{A}^T\mathbf{A})$$",
    ],
)
def test_an_inequality_at_the_far_size_is_not_verified_at_two_points(text: str) -> None:
    (result,) = derive.check_latex(text)
    assert result.verdict is Verdict.REFUTED, result.detail
    assert "= 4:" in (result.detail or "")


def test_a_true_inequality_stays_verified_at_every_size() -> None:
    (result,) = derive.check_latex(r"Let $\mathbf{x} \in \mathbb{R}^p$. $$\mathbf{x}^T\mathbf{x} \ge 0$$")
    assert result.verdict is Verdict.VERIFIED, result.detail
    assert "p = 4; p = 5" in (result.detail or "")
