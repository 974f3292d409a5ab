"""``\\begin{cases}`` as a piecewise value (derive.latex.structure_cases)."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict


def _one(step: str, pre: str = "") -> tuple[Verdict, str]:
    *_, r = derive.check_latex(f"{pre}$${step}$$\n")
    return r.verdict, r.detail or ""


@pytest.mark.parametrize(
    "step",
    [
        r"|x| = \begin{cases} x & x \ge 0 \\ -x & x < 0 \end{cases}",
        r"|x| = \begin{cases} x & \text{if } x \ge 0, \\ -x & \text{otherwise.} \end{cases}",
        # the conditions meet at 0, where x and -x agree
        r"|x| = \begin{cases} x & x \geq 0 \\ -x & x \leq 0 \end{cases}",
        r"\begin{cases} 1 & x = 1 \\ 0 & x = 0\end{cases} + 0 = \begin{cases} 1 & x = 1 \\ 0 & x = 0\end{cases}",
        r"\max(x, 0) = \begin{cases} x & 0 < x \\ 0 & \mathrm{else} \end{cases}",
    ],
)
def test_cases_proved(step: str) -> None:
    assert _one(step)[0] is Verdict.PROVED


def test_cases_refuted_at_a_point_of_a_row() -> None:
    verdict, detail = _one(r"|x| = \begin{cases} x & x \ge 0 \\ x & x < 0 \end{cases}")
    assert verdict is Verdict.REFUTED and "x = -5/2" in detail


def test_a_definition_by_cases_is_substituted() -> None:
    pre = "Let $$h = \\begin{cases} x & x \\ge 0 \\\\ 0 & \\text{otherwise} \\end{cases}$$\n"
    assert _one("h^2 = h x", pre)[0] is Verdict.PROVED
    assert _one("h^2 = x^2", pre)[0] is Verdict.REFUTED


def test_outside_the_rows_the_value_is_unknown() -> None:
    # a pmf given at 0 and 1 only: elsewhere nothing, never 0
    verdict, detail = _one(r"\begin{cases} 1 & x = 1 \\ 0 & x = 0\end{cases} = x")
    assert verdict is Verdict.UNDECIDED and "cases_outside" in detail


@pytest.mark.parametrize(
    ("step", "why"),
    [
        (r"\begin{cases} 1 & x \ge 0 \\ 2 & x \le 0 \end{cases} = 1", "meet where their values differ"),
        (r"\begin{cases} 1 & j \in J \\ 0 & \text{otherwise}\end{cases} = 1", "no comparison"),
        (r"\begin{cases} 1 & x > y \\ 0 & x \le y\end{cases} = 1", "one real variable"),
        (r"\begin{cases} 1 & \text{$x$ even} \\ 0 & \text{otherwise}\end{cases} = 1", "unexpected character"),
        (r"\begin{cases} 1 & \text{otherwise} \\ 0 & x > 0\end{cases} = 1", "before the last case"),
        (r"\begin{cases} x + y = 1 \\ x - y = 0 \end{cases} = 1", "value & condition"),
        (r"\begin{cases} 1 & \text{if x is even} \\ 0 & \text{otherwise}\end{cases} = 1", "in words"),
        (r"\begin{cases} 1 & x^3 > \sin x \\ 0 & \text{otherwise}\end{cases} = 1", "not linear"),
        (r"\begin{cases} 1 & x^2 = 1 \\ 0 & \text{otherwise}\end{cases} = 1", "not linear"),
    ],
)
def test_cases_not_read_say_why(step: str, why: str) -> None:
    verdict, detail = _one(step)
    assert verdict is Verdict.ERROR and why in detail
