"""Rows solved entry by entry from a vector equation of numbers (derive.latex.results_vectors)."""

from __future__ import annotations

import derive
from derive import Verdict


def _row(premise: str, row: str, **kw: object) -> tuple[Verdict, str]:
    results = derive.check_latex(f"We solve:\n\n$$\n{premise} \\Rightarrow {row}\n$$\n", **kw)
    return results[-1].verdict, results[-1].detail or ""


NILPOTENT = "\\begin{pmatrix} 0 & 1 \\\\ 0 & 0 \\end{pmatrix} \\vec{x} = 0"
RANK_ONE = "\\begin{pmatrix} 2 & 2 \\\\ -2 & -2 \\end{pmatrix} \\mathbf{v} = \\mathbf{0}"


def test_an_entry_the_system_fixes_is_proved() -> None:
    verdict, detail = _row(NILPOTENT, "x_2 = 0")
    assert verdict is Verdict.PROVED
    assert "the linear system {x_{2} = 0}" in detail
    assert "x_{1} any, x_{2} = 0 (exact, complete)" in detail


def test_a_combination_of_the_equations_is_proved() -> None:
    verdict, detail = _row(RANK_ONE, "v_1 + v_2 = 0")
    assert verdict is Verdict.PROVED
    assert "v_{1} = - v_{2}, v_{2} any" in detail


def test_a_normalisation_is_a_choice_not_a_consequence() -> None:
    verdict, detail = _row(NILPOTENT, "x_1 = 1")
    assert verdict is Verdict.UNDECIDED
    assert "a choice of one solution" in detail


def test_a_row_no_solution_satisfies_is_refuted() -> None:
    verdict, detail = _row(NILPOTENT, "x_2 = 1")
    assert verdict is Verdict.REFUTED
    assert "at every one of them lhs - rhs of the row is -1" in detail


def test_a_non_square_system() -> None:
    premise = "\\begin{pmatrix} 1 & 0 & -1 \\\\ 0 & 1 & -1 \\end{pmatrix} \\vec{u} = \\vec{0}"
    verdict, _ = _row(premise, "u_1 - u_2 = 0")
    assert verdict is Verdict.PROVED
    verdict, _ = _row(premise, "u_1 + u_2 = 0")
    assert verdict is Verdict.UNDECIDED  # holds at u = 0 only


def test_a_vector_declared_otherwise_is_not_read_as_a_column() -> None:
    verdict, detail = _row(NILPOTENT, "x_2 = 0", symbols={"x": "matrix 2x2"})
    assert verdict is not Verdict.PROVED
    assert "linear system" not in detail


def test_a_premise_with_another_unknown_is_left_alone() -> None:
    premise = "\\begin{pmatrix} \\lambda & 1 \\\\ 0 & 0 \\end{pmatrix} \\vec{x} = 0"
    verdict, detail = _row(premise, "x_2 = 0")
    assert verdict is Verdict.UNDECIDED
    assert "linear system" not in detail


def test_a_row_with_another_name_is_left_alone() -> None:
    verdict, detail = _row(NILPOTENT, "x_2 = c")
    assert verdict is not Verdict.PROVED
    assert "linear system" not in detail


def test_a_system_with_no_solution_proves_nothing() -> None:
    premise = "\\begin{pmatrix} 1 & 0 \\\\ 1 & 0 \\end{pmatrix} \\vec{x} = \\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}"
    verdict, detail = _row(premise, "x_1 = 5")
    assert verdict is not Verdict.PROVED
    assert "linear system" not in detail


def test_an_inhomogeneous_system_with_one_solution() -> None:
    premise = "\\begin{pmatrix} 1 & 1 \\\\ 1 & -1 \\end{pmatrix} \\vec{x} = \\begin{pmatrix} 3 \\\\ 1 \\end{pmatrix}"
    assert _row(premise, "x_1 = 2")[0] is Verdict.PROVED
    assert _row(premise, "x_1 = 3")[0] is Verdict.REFUTED
