"""Rows solved from a linear system with letters for coefficients or right sides (derive.latex.results_systems)."""

from __future__ import annotations

import derive
from derive import Verdict


def _row(tex: str) -> tuple[Verdict, str]:
    results = derive.check_latex(f"$${tex}$$\n")
    return results[-1].verdict, results[-1].detail or ""


def test_letters_on_the_right_sides() -> None:
    verdict, detail = _row("2x + 3y = s, \\quad x - y = t \\implies x = \\frac{s + 3t}{5}")
    assert verdict is Verdict.PROVED
    assert "linear in x, y): its only solution is x = \\frac{s}{5} + \\frac{3 t}{5}" in detail


def test_letters_as_coefficients_with_the_determinant_the_row_divides_by() -> None:
    verdict, detail = _row("a x + b y = c, \\quad d x + g y = f \\implies x = \\frac{c g - b f}{a g - b d}")
    assert verdict is Verdict.PROVED
    assert "\\neq 0, as the row requires" in detail


def test_a_wrong_solution_is_not_proved() -> None:
    assert _row("2x + 3y = s, \\quad x - y = t \\implies x = \\frac{s + 2t}{5}")[0] is not Verdict.PROVED
    assert _row("a x + b y = c, \\quad d x + g y = f \\implies x = c g - b f")[0] is not Verdict.PROVED


def test_a_row_defined_where_the_system_is_singular_is_not_proved() -> None:
    # at a = 1 the two equations agree and x is free: x = 0 does not follow
    assert _row("a x + y = 1, \\quad x + y = 1 \\implies x = 0")[0] is not Verdict.PROVED


def test_a_system_singular_everywhere_proves_nothing_it_does_not_imply() -> None:
    assert _row("x + y = s, \\quad 2x + 2y = 2s \\implies x = s")[0] is not Verdict.PROVED


def test_a_nonlinear_system_is_left_alone() -> None:
    verdict, detail = _row("x y = s, \\quad x - y = t \\implies x = \\frac{s + t}{2}")
    assert verdict is not Verdict.PROVED
    assert "linear in" not in detail
