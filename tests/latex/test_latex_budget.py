"""Reading a LaTeX step runs outside the engine's per-claim budget: it must stay cheap.

Symbolic inverses of 3x3 matrices used to be built with sympy's ``inv()`` and intermediate
``dotprodsimp`` cancellation while reading, which on ``(A^{-1} + B^{-1})^{-1}`` ran for
minutes before the engine (and its time budget) was reached. They are now read as
adjugate / determinant without cancellation, as the claim language does, so the exact
rational test of `derive.tiers._matrix` decides them. The bound below is generous for a loaded
machine; before the fix these steps gave no verdict in 300 s.
"""

from __future__ import annotations

import time

import pytest

import derive
from derive import Verdict

_BOUND = 60.0  # seconds for the whole step, reading included, on a loaded 2-core machine

_INVERTIBLE3 = "Let $A, B, C \\in \\mathbb{R}^{3\\times3}$ be invertible.\n"
_PLAIN3 = "Let $A, B \\in \\mathbb{R}^{3\\times3}$.\n"
_MATRICES3 = "Let $A$ and $B$ be $3 \\times 3$ real matrices.\n"


def _step(text: str) -> derive.Result:
    start = time.monotonic()
    steps = derive.check_latex(text)
    assert time.monotonic() - start < _BOUND
    assert len(steps) == 1
    return steps[0]


@pytest.mark.parametrize("head", [_INVERTIBLE3, _PLAIN3, _MATRICES3])
def test_sum_of_inverses_3x3_is_proved_exactly(head: str) -> None:
    r = _step(head + "$$(A^{-1}+B^{-1})^{-1} = A(A+B)^{-1}B$$\n")
    assert r.verdict is Verdict.PROVED
    assert "rational function" in r.detail
    assert "3 determinant(s)" in r.detail


@pytest.mark.parametrize(
    "rhs",
    [
        "B(A+B)^{-1}B",  # the attacker's false variant
        "A(A+B)^{-1}A",
        "B(A+B)^{-1}A + A",
        "(A+B)^{-1}",
    ],
)
def test_false_sum_of_inverses_3x3_is_refuted_with_a_point(rhs: str) -> None:
    r = _step(_INVERTIBLE3 + f"$$(A^{{-1}}+B^{{-1}})^{{-1}} = {rhs}$$\n")
    assert r.verdict is Verdict.REFUTED
    assert "differs at A[1,1] = " in r.detail


def test_nested_inverses_3x3_three_matrices_read_quickly() -> None:
    r = _step(_INVERTIBLE3 + "$$(A^{-1}+B^{-1})^{-1} + C = A(A+B)^{-1}B + C$$\n")
    assert r.verdict is Verdict.PROVED


def test_other_letters_and_declaration_in_words() -> None:
    r = _step("Let $P, Q \\in \\mathbb{R}^{3\\times3}$ be invertible.\n$$(P^{-1}+Q^{-1})^{-1} = P(P+Q)^{-1}Q$$\n")
    assert r.verdict is Verdict.PROVED
    r = _step(_INVERTIBLE3 + "$$(B^{-1}+A^{-1})^{-1} = B(B+A)^{-1}A$$\n")
    assert r.verdict is Verdict.PROVED


def test_numeric_inverse_exact() -> None:
    good = (
        "$$\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}^{-1}"
        " = \\frac{1}{2}\\begin{pmatrix} -4 & 2 \\\\ 3 & -1 \\end{pmatrix}$$\n"
    )
    assert _step(good).verdict is Verdict.PROVED
    bad = good.replace("3 & -1", "3 & 1")
    r = _step(bad)
    assert r.verdict is Verdict.REFUTED
    assert "nonzero constant" in r.detail


def test_singular_numeric_matrix_has_no_inverse() -> None:
    r = _step(
        "$$\\begin{pmatrix} 1 & 2 \\\\ 2 & 4 \\end{pmatrix}^{-1} = \\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}$$\n"
    )
    assert r.verdict is Verdict.ERROR
    assert "determinant is 0" in r.detail


def test_singular_symbolic_matrix_is_not_accepted() -> None:
    # det = sin^2 x - (1 - cos^2 x) is 0 but not structurally: no inverse exists anywhere
    r = _step(
        "Let $x \\in \\mathbb{R}$.\n$$\\begin{pmatrix} \\sin^2 x & 1-\\cos^2 x \\\\ 1 & 1 \\end{pmatrix}^{-1}"
        " = \\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}$$\n"
    )
    assert r.verdict in (Verdict.UNDECIDED, Verdict.ERROR)


@pytest.mark.parametrize("n", [8, 12])
@pytest.mark.parametrize("side", ["\\det(A)", "\\det(A^T)", "|A|"])
def test_determinant_of_a_large_symbolic_matrix_is_refused_while_reading(n: int, side: str) -> None:
    # Bareiss on a declared 6x6 ran for minutes while reading; 9x9 and up never ended
    r = _step(f"Let $A \\in \\mathbb{{R}}^{{{n}\\times{n}}}$.\n$$\\det(A) = {side}$$\n")
    if side == "|A|":
        assert r.verdict is not Verdict.REFUTED
        return
    assert r.verdict is Verdict.ERROR
    assert f"determinant of a symbolic {n}x{n} matrix is too large" in r.detail


def test_determinant_of_a_6x6_symbolic_matrix_is_read_and_checked() -> None:
    r = _step("Let $A \\in \\mathbb{R}^{6\\times6}$.\n$$\\det(A) = \\det(A^T)$$\n")
    assert r.verdict in (Verdict.PROVED, Verdict.VERIFIED)
    r = _step("Let $A \\in \\mathbb{R}^{6\\times6}$.\n$$\\det(2A) = 2\\det(A)$$\n")
    assert r.verdict is Verdict.REFUTED


def test_determinant_of_a_large_numeric_matrix_is_still_exact() -> None:
    rows = " \\\\ ".join(" & ".join("1" if i == j else "0" for j in range(9)) for i in range(9))
    r = _step(f"$$\\det\\begin{{pmatrix}} {rows} \\end{{pmatrix}} = 1$$\n")
    assert r.verdict is Verdict.PROVED
