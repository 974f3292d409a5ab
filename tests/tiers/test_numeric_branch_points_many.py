"""Branch points with several free scalars (attacker K22b): the zeros and poles of a log's or a fractional power's
argument are probed along each scalar alone, the others at a sample point. ``log x + y = log(x - 1/8) + log(x/(x -
1/8)) + y`` fails only for x in (0, 1/8), whatever y is; random points missed it and it was verified."""

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
        r"\log x + y = \log(x - \frac{1}{8}) + \log\frac{x}{x - \frac{1}{8}} + y",
        r"\log x + \log y = \log(x - \frac{1}{8}) + \log\frac{x}{x - \frac{1}{8}} + \log y",
        r"\log x + y z = \log(x - \frac{1}{8}) + \log\frac{x}{x - \frac{1}{8}} + y z",
        # the argument in two scalars: its branch point along x moves with y
        r"\log(x y) = \log(x y - \frac{1}{8}) + \log\frac{x y}{x y - \frac{1}{8}}",
        r"\sqrt{x} \sqrt{x - \frac{1}{100}} + y = \sqrt{x^2 - \frac{x}{100}} + y",
    ],
)
def test_a_failure_between_branch_points_is_not_verified_beside_other_scalars(tex):
    result = _last(f"$${tex}$$\n")
    assert result.verdict not in ACCEPTS, result.detail


def test_the_counterexample_keeps_the_other_scalar_at_a_sample_value():
    result = _last("$$\\log x + y = \\log(x - \\frac{1}{8}) + \\log\\frac{x}{x - \\frac{1}{8}} + y$$\n")
    assert result.verdict is Verdict.REFUTED, result.detail
    assert "y = " in result.detail


@pytest.mark.parametrize(
    "doc",
    [
        "$$\\log(x^2 + 1) + y = \\log\\frac{x^2 + 1}{2} + \\log 2 + y$$\n",
        "$$\\log(x^2 + y^2 + 1) = \\log\\frac{x^2 + y^2 + 1}{2} + \\log 2$$\n",
        "Let $x > 0$ and $y > 0$.\n$$\\log(x y) = \\log x + \\log y$$\n",
        "$$\\sqrt{x^2 + y^2 + 4} = 2\\sqrt{\\frac{x^2 + y^2}{4} + 1}$$\n",
    ],
)
def test_wrong_twins_identities_with_several_scalars_still_hold(doc):
    result = _last(doc)
    assert result.verdict in ACCEPTS, result.detail


def test_declared_beyond_the_branch_points_the_identity_is_not_refuted():
    result = _last(
        "Let $x > 1$ and $y > 0$.\n$$\\log x + y = \\log(x - \\frac{1}{8}) + \\log\\frac{x}{x - \\frac{1}{8}} + y$$\n"
    )
    assert result.verdict is not Verdict.REFUTED, result.detail
