"""Points where a side is infinite count against verification (attacker A9, session 11).

``lim_{x -> oo} x e^{-lambda x} = 0`` with lambda undeclared is +oo = 0 for every lambda < 0; it was verified on
the points with lambda > 0 while more than half the points were skipped as non-finite."""

from __future__ import annotations

import pytest

import derive
from derive.model import Verdict

ACCEPTS = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)


def _last(doc: str) -> derive.CheckResult:
    return derive.check_latex(doc, timeout=30)[-1]


def test_a_limit_infinite_for_half_the_parameters_is_not_verified() -> None:
    result = _last("$$\\lim_{x \\to \\infty} x e^{-\\lambda x} = 0$$\n")
    assert result.verdict not in ACCEPTS, result.detail
    assert "non-finite value" in result.detail


@pytest.mark.parametrize(
    "doc",
    [
        "Let $\\lambda > 0$.\n$$\\lim_{x \\to \\infty} x e^{-\\lambda x} = 0$$\n",
        "$$\\lim_{x \\to \\infty} \\frac{a x + 1}{x} = a$$\n",
        "$$\\frac{x^2 - 1}{x - 1} = x + 1$$\n",
    ],
)
def test_twins_that_hold_where_they_are_finite_still_hold(doc: str) -> None:
    assert _last(doc).verdict in ACCEPTS
