"""Inequalities near a pole or a log's branch point (attacker A7, session 11).

A side unbounded at a pole or at the edge of a log's real domain crosses any bound within a tiny distance of it;
random points and the margin search stopped near 1e-31 and verified ``log x >= -100`` (false for x < e**-100).
Such points are probed at exact powers of ten down to 1e-400, and where lhs - rhs tends to infinity on the wrong
side closer still, the inequality is undecided. A complex side is no counterexample, however large its real part."""

from __future__ import annotations

import pytest

import derive
from derive.model import Verdict

ACCEPTS = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)


def _last(doc: str) -> derive.CheckResult:
    return derive.check_latex(doc, timeout=30)[-1]


@pytest.mark.parametrize(
    "tex",
    [
        r"\log x \geq -100",
        r"\frac{1}{\sin x} \leq 10^{40}",
        r"\frac{1}{\log(1 + x)} \leq 10^{40}",
        r"\frac{1}{x} \leq 10^{40}",
    ],
)
def test_a_bound_crossed_within_a_tiny_distance_of_a_pole_is_refuted(tex):
    result = _last(f"$${tex}$$\n")
    assert result.verdict is Verdict.REFUTED, result.detail
    assert "confirmed at" in result.detail


@pytest.mark.parametrize(
    "doc",
    [
        "$$\\log x \\geq -1000$$\n",
        "Let $x > 0$.\n$$\\log x \\geq -1000$$\n",
        "$$\\log(x - \\frac{1}{8}) \\geq -1000$$\n",
    ],
)
def test_a_crossing_closer_than_any_probe_is_undecided_not_verified(doc):
    result = _last(doc)
    # the margin search may still find and confirm the crossing (x = 1e-500 for x > 0); else the limit says why
    assert result.verdict in (Verdict.UNDECIDED, Verdict.REFUTED), result.detail
    assert result.verdict is Verdict.REFUTED or "tends to -oo" in result.detail


@pytest.mark.parametrize(
    "doc",
    [
        # log t + 1/t >= 1 with t = x - 1 > 0: left of 1 the side is complex, never a counterexample
        "$$\\log(x-1) + \\frac{1}{x-1} \\ge 1$$\n",
        "Let $x > 1$.\n$$\\log(x-1) + \\frac{1}{x-1} \\ge 1$$\n",
        # the excluded side of a declared positive name is not looked at
        "Let $t > 0$.\n$$\\log t + \\frac{1}{t} \\ge 1$$\n",
        "$$\\frac{x^2}{x^2+1} \\le 1$$\n",
    ],
)
def test_true_inequalities_near_poles_still_hold(doc):
    result = _last(doc)
    assert result.verdict in ACCEPTS, result.detail
