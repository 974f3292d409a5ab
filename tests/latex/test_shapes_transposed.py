"""A family of vectors named by its marks (`derive.latex.shapes_transposed`): a bold or transposed member x_i under
``\\sum_{i=1}^n``, nothing declared, is a vector per sample; the sums are written out at swept counts and sizes.
Verified only when every count, size and shape holds; never refuted; a step true for numbers only is not accepted."""

from __future__ import annotations

import derive
from derive import Verdict
from derive.latex import read_document
from derive.latex.shapes_transposed import inferred_family


def _one(text: str) -> derive.Result:
    results = derive.check_latex(text)
    assert len(results) == 1
    return results[0]


def _family(text: str) -> tuple[str, str, str] | None:
    steps = read_document(text).steps
    assert len(steps) == 1
    return inferred_family(steps[0])


SCATTER = (
    r"$$\frac{1}{n} \sum_{i=1}^n (\mathbf{x}_i - \hat{\boldsymbol{\mu}})(\mathbf{x}_i - \hat{\boldsymbol{\mu}})^\top"
    r" = \frac{1}{n} \sum_{i=1}^n \mathbf{x}_i \mathbf{x}_i^\top - \frac{1}{n} \sum_{i=1}^n \mathbf{x}_i"
    r" \hat{\boldsymbol{\mu}}^\top - \frac{1}{n} \sum_{i=1}^n \hat{\boldsymbol{\mu}} \mathbf{x}_i^\top"
    r" + \hat{\boldsymbol{\mu}} \hat{\boldsymbol{\mu}}^\top$$"
)


def test_a_bold_transposed_member_is_a_family_of_vectors() -> None:
    assert _family(SCATTER) == ("x", "i", "p")


def test_the_expanded_scatter_matrix_is_verified_for_vectors() -> None:
    r = _one(SCATTER)
    assert r.verdict is Verdict.VERIFIED
    assert "x_i: vector p" in r.detail
    assert "p = 2" in r.detail and "n = 3" in r.detail  # past size and count 1


def test_inner_and_outer_products_of_a_family_are_not_equal() -> None:
    # x^T x = x x^T holds at size 1 only: never verified (and a guessed shape never refutes)
    r = _one(r"$$\sum_{i=1}^n \mathbf{x}_i^\top \mathbf{x}_i = \sum_{i=1}^n \mathbf{x}_i \mathbf{x}_i^\top$$")
    assert r.verdict is Verdict.UNDECIDED


def test_a_sum_of_squares_is_no_square_of_the_sum() -> None:
    # true at n = 1 only: the counts swept past 1 keep it from being accepted
    r = _one(
        r"$$\sum_{i=1}^n \mathbf{x}_i^\top \mathbf{x}_i"
        r" = \left(\sum_{i=1}^n \mathbf{x}_i\right)^\top \left(\sum_{i=1}^n \mathbf{x}_i\right)$$"
    )
    assert r.verdict is Verdict.UNDECIDED


def test_a_transposed_inner_product_is_reversed_for_a_family() -> None:
    r = _one(r"$$\sum_{i=1}^n (\mathbf{x}_i^\top \mathbf{y})^\top = \sum_{i=1}^n \mathbf{y}^\top \mathbf{x}_i$$")
    assert r.verdict is Verdict.VERIFIED


def test_a_wrong_transpose_of_a_product_is_not_accepted() -> None:
    r = _one(
        r"$$\sum_{i=1}^n (\mathbf{A} \mathbf{x}_i)^\top \mathbf{y} = \sum_{i=1}^n \mathbf{A}^\top \mathbf{x}_i^\top"
        r" \mathbf{y}$$"
    )
    assert r.verdict is not Verdict.VERIFIED and r.verdict is not Verdict.PROVED


def test_a_declared_member_is_read_as_declared() -> None:
    text = "---\nderive:\n  symbols:\n    x_i: real\n---\n\n" + SCATTER
    assert _family(text) is None


def test_no_family_without_a_transpose_of_an_undeclared_name() -> None:
    assert _family(r"$$\sum_{i=1}^n \mathbf{x}_i = n \bar{\mathbf{x}}$$") is None


def test_no_family_without_a_sum_from_one_to_a_count() -> None:
    assert _family(r"$$\mathbf{x}_i^\top \mathbf{x}_i = \|\mathbf{x}_i\|^2$$") is None


def test_a_plain_member_in_a_transposed_group_is_no_family() -> None:
    # (a x_i)^T: x_i may be a number times a vector a; the marks do not make x_i a vector
    assert (
        _family(r"$$\sum_{i=1}^n (\mathbf{a} x_i)^\top \mathbf{b} = \sum_{i=1}^n x_i \mathbf{a}^\top \mathbf{b}$$")
        is None
    )


def test_two_candidate_families_are_left_as_before() -> None:
    text = r"$$\sum_{i=1}^n \mathbf{x}_i^\top \mathbf{y}_i = \sum_{i=1}^n \mathbf{y}_i^\top \mathbf{x}_i$$"
    assert _family(text) is None


def test_a_greek_family_true_for_numbers_only_is_not_accepted() -> None:
    # u^T phi phi^T u = (phi^T phi)(u^T u): true for numbers, false for vectors; read with phi_n a number in the
    # sum (phi[n]) the shape families verified it
    r = _one(
        r"$$\sum_{n=1}^{N} \mathbf{u}^T\boldsymbol{\phi}_n\boldsymbol{\phi}_n^T\mathbf{u}"
        r" = \sum_{n=1}^{N} \boldsymbol{\phi}_n^T\boldsymbol{\phi}_n \mathbf{u}^T\mathbf{u}$$"
    )
    assert r.verdict not in (Verdict.VERIFIED, Verdict.PROVED)


def test_a_family_with_a_transposed_sum_is_verified() -> None:
    r = _one(
        r"$$\sum_{i=1}^n (\mathbf{x}_i + \mathbf{a})^\top \mathbf{b}"
        r" = \sum_{i=1}^n \mathbf{x}_i^\top \mathbf{b} + n\, \mathbf{a}^\top \mathbf{b}$$"
    )
    assert r.verdict is Verdict.VERIFIED


def test_a_square_of_a_member_is_no_inner_product() -> None:
    # x_i^2 of a vector does not read: no reading fits, so the scalar reading's proof is no verdict
    r = _one(r"$$\sum_{i=1}^n \mathbf{x}_i^\top \mathbf{x}_i = \sum_{i=1}^n \mathbf{x}_i^2$$")
    assert r.verdict not in (Verdict.VERIFIED, Verdict.PROVED)


def test_a_sum_moved_past_a_transpose_is_verified() -> None:
    r = _one(r"$$\sum_{i=1}^n \mathbf{x}_i^\top \mathbf{w} = \mathbf{w}^\top \sum_{i=1}^n \mathbf{x}_i$$")
    assert r.verdict is Verdict.VERIFIED


def test_a_sum_true_for_one_sample_only_is_not_accepted() -> None:
    # the first member alone: true at n = 1, false past it
    r = _one(r"$$\sum_{i=1}^n \mathbf{x}_i^\top \mathbf{w} = \mathbf{w}^\top \mathbf{x}_1$$")
    assert r.verdict not in (Verdict.VERIFIED, Verdict.PROVED)
