"""Branch points of logs and fractional powers as points the numeric tier judges (ATK K22): a claim that fails only
between two zeros of log arguments (log x = log(x - 1/8) + log(x/(x - 1/8)) fails for x in (0, 1/8) only) is not
verified by random points that never fall there."""

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
        r"\log x = \log(x - \frac{1}{8}) + \log\frac{x}{x - \frac{1}{8}}",
        r"\log x = \log(x - \frac{1}{50}) + \log\frac{x}{x - \frac{1}{50}}",
        r"\log P(x) = \log(P(x) - \frac{1}{8}) + \log\frac{P(x)}{P(x) - \frac{1}{8}}",
    ],
)
def test_a_failure_between_branch_points_is_not_verified(tex):
    result = _last(f"$${tex}$$\n")
    assert result.verdict not in ACCEPTS, result.detail


def test_the_counterexample_lies_between_the_branch_points():
    result = _last("$$\\log x = \\log(x - \\frac{1}{8}) + \\log\\frac{x}{x - \\frac{1}{8}}$$\n")
    if result.verdict is Verdict.REFUTED:
        assert "x = " in result.detail, result.detail


@pytest.mark.parametrize(
    "tex",
    [
        r"\log(x^2 + 1) = \log\frac{x^2 + 1}{2} + \log 2",
        r"\sqrt{x^2 + 4} = 2\sqrt{\frac{x^2}{4} + 1}",
    ],
)
def test_identities_with_logs_and_roots_still_hold(tex):
    result = _last(f"$${tex}$$\n")
    assert result.verdict in (Verdict.PROVED, Verdict.VERIFIED), result.detail


def test_declared_beyond_the_branch_points_the_identity_holds():
    result = _last("Let $x > 1$.\n$$\\log x = \\log(x - \\frac{1}{8}) + \\log\\frac{x}{x - \\frac{1}{8}}$$\n")
    assert result.verdict is not Verdict.REFUTED, result.detail
