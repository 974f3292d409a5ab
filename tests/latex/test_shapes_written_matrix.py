"""A matrix the text writes out and names (``$$A = \\begin{pmatrix} 3 & 2 \\\\ -2 & -1 \\end{pmatrix}$$``) is that
matrix in a later step under ``\\det`` or ``\\mathrm{tr}``: the step is read with the definition, so the capital is no
undeclared name read as a scalar (`derive.latex.shapes.not_a_scalar`), and an undeclared I beside it is the identity of
its size, unless the text says what else I is."""

from __future__ import annotations

import derive
from derive import Verdict

DEFINED = "$$\nA = \\begin{pmatrix} 3 & 2 \\\\ -2 & -1 \\end{pmatrix}\n$$\n\nThe characteristic polynomial:\n\n"


def _one(text: str) -> derive.CheckResult:
    return derive.check_latex(text)[-1]


def test_the_characteristic_polynomial_of_a_written_matrix_is_proved():
    r = _one(DEFINED + "$$\\det(A - \\lambda I) = \\lambda^2 - 2\\lambda + 1$$\n")
    assert r.verdict is Verdict.PROVED, r.detail
    r = _one(
        DEFINED
        + "$$\\det(A - \\lambda I) = \\det \\begin{pmatrix} 3 - \\lambda & 2 \\\\ -2 & -1 - \\lambda \\end{pmatrix}$$\n"
    )
    assert r.verdict is Verdict.PROVED, r.detail


def test_wrong_twin_a_wrong_polynomial_is_refuted():
    r = _one(DEFINED + "$$\\det(A - \\lambda I) = \\lambda^2 - 2\\lambda - 1$$\n")
    assert r.verdict is Verdict.REFUTED, r.detail
    r = _one(
        DEFINED
        + "$$\\det(A - \\lambda I) = \\det \\begin{pmatrix} 3 - \\lambda & 2 \\\\ 2 & -1 - \\lambda \\end{pmatrix}$$\n"
    )
    assert r.verdict is Verdict.REFUTED, r.detail


def test_an_undeclared_capital_beside_it_is_still_no_number():
    r = _one(DEFINED + "$$\\det(A - \\lambda B) = \\det(A) - \\lambda \\det(B)$$\n")
    assert r.verdict is not Verdict.PROVED, r.detail
    assert "B" in r.detail


def test_an_i_the_text_names_otherwise_is_no_sure_identity():
    text = (
        "Here $I$ is the Fisher information.\n\n" + DEFINED + "$$\\det(A - \\lambda I) = \\lambda^2 - 2\\lambda + 1$$\n"
    )
    r = _one(text)
    assert r.verdict is not Verdict.PROVED, r.detail
