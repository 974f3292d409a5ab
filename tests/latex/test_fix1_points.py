"""A function given at an indexed or marked parameter (attack N105/N106): ``L(\\theta_0) = \\theta_0^2`` states L at
the point theta_0 as plausibly as it defines L, so ``L(3) = 10`` is not decided through it; ``f(x) = 2x`` and a
function of several indexed parameters still define."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict


def _last(text: str) -> derive.Result:
    return derive.check_latex(text)[-1]


@pytest.mark.parametrize(
    ("definition", "use"),
    [
        ("L(\\theta_0) = \\theta_0^2", "L(3) = 10"),
        ("L(\\theta_0) = \\theta_0^2", "L(3) = 9"),
        ("f(t_1) = 2 t_1", "f(5) = 10"),
        ("f(t_1) = 2 t_1", "f(5) = 11"),
        ("g(x_n) = x_n + 1", "g(2) = 3"),
        ("h(\\mathbf{w}_{t}) = \\mathbf{w}_{t}^2", "h(1) = 1"),
        ("F(x_{ij}) = 3 x_{ij}", "F(y) = 3y"),
    ],
)
def test_an_indexed_sole_parameter_gives_a_value_at_a_point(definition: str, use: str) -> None:
    r = _last(f"$$ {definition} $$\n\n$$ {use} $$\n")
    assert r.verdict is Verdict.UNDECIDED
    assert ":=" not in r.detail


@pytest.mark.parametrize(
    ("definition", "use", "verdict"),
    [
        ("f(t) = 2 t", "f(5) = 10", Verdict.PROVED),
        ("f(t) = 2 t", "f(5) = 11", Verdict.REFUTED),
        ("L(\\theta) = \\theta^2", "L(3) = 9", Verdict.PROVED),
        ("g(x_1, x_2) = x_1 + x_2", "g(1, 2) = 3", Verdict.PROVED),
        ("g(x_1, x_2) = x_1 + x_2", "g(1, 2) = 4", Verdict.REFUTED),
    ],
)
def test_a_plain_parameter_or_several_still_define(definition: str, use: str, verdict: Verdict) -> None:
    r = _last(f"$$ {definition} $$\n\n$$ {use} $$\n")
    assert r.verdict is verdict
    assert ":=" in r.detail
