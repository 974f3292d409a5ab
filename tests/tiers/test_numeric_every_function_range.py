"""The every-function check (derive.tiers.numeric._for_every_function) against claims that hold only for functions
with a particular range (ATK K21): max, min, |.|, floor or sign of an unknown function is an inequality in disguise,
and a density's interpretations must be able to be small and non-convex, as densities are.

Each false claim below was verified "for every function p" when the positive interpretations were a constant >= 1/7
plus squares (convex, bounded below)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

import derive
from derive.model import Verdict
from derive.tiers.numeric import _random_function, _ranged_use

ACCEPTS = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)


def _last(doc: str) -> derive.CheckResult:
    return derive.check_latex(doc, timeout=30)[-1]


@pytest.mark.parametrize(
    "doc",
    [
        "Let $p$ be a density.\n$$|p(0) + p(2) - 2p(1)| + \\log p(1) = p(0) + p(2) - 2p(1) + \\log p(1)$$\n",
        "Let $p$ be a density on the real line.\n$$\\max(\\log p(x), -2) = \\log p(x)$$\n",
        "For a density $p$,\n$$\\log p(x) + \\min(p(x), \\frac{1}{8}) = \\log p(x) + \\frac{1}{8}$$\n",
        "For a density $p$,\n$$\\log p(x) = \\log p(x) + \\max(0, -\\frac{d^2}{dx^2} p(x))$$\n",
        "$$\\log \\max(p(x), 0.1) = \\log p(x)$$\n",
        "With a density $p$,\n$$\\log p(x) = \\log \\max(p(x), \\frac{1}{10})$$\n",
        "Let $f$ be a differentiable function.\n$$|f(x)| = f(x)$$\n",
        "A function $f$ with\n$$\\max(f(x), -10^{6}) = f(x)$$\n",
    ],
)
def test_a_claim_about_the_range_of_a_function_is_not_accepted(doc):
    result = _last(doc)
    assert result.verdict not in ACCEPTS, result.detail
    assert result.verdict is not Verdict.REFUTED, result.detail  # the text may mean a function that meets it


def test_range_operations_on_unknown_functions_are_found():
    x = sympy.Symbol("x", real=True)
    p = sympy.Function("p")
    assert _ranged_use(sympy.log(sympy.Max(p(x), sympy.Rational(1, 10))))
    assert _ranged_use(sympy.Abs(sympy.Derivative(p(x), x)))
    assert _ranged_use(sympy.floor(1 / p(x)))
    assert not _ranged_use(sympy.Abs(x) + p(x))  # |x| beside p(x): the range of p is not asked
    assert not _ranged_use(sympy.log(p(x)) ** 2)


def test_positive_interpretations_are_small_far_out_and_not_convex():
    t = sympy.Symbol("t", real=True)
    rng = np.random.default_rng(3)
    small = convex_everywhere = 0
    for _ in range(20):
        lam = _random_function(rng, 1, positive=True)
        f = lam(t)
        values = [sympy.N(f.subs(t, v), 30) for v in (-60, -3, 0, 3, 60)]
        assert all(v > 0 for v in values)
        small += bool(min(values) < 1e-3)
        second = [float(sympy.diff(f, t, 2).subs(t, v)) for v in np.linspace(-4, 4, 17)]
        convex_everywhere += all(s >= 0 for s in second)
    assert small == 20  # a density's interpretation reaches values near 0 (far out)
    assert convex_everywhere <= 2


@pytest.mark.parametrize(
    "tex",
    [
        r"\log p(x)^2 = 2\log p(x)",
        r"\frac{d}{dx}\log p(x) = \frac{p'(x)}{p(x)}",
    ],
)
def test_identities_for_every_positive_function_still_hold(tex):
    result = _last(f"$${tex}$$\n")
    assert result.verdict in (Verdict.PROVED, Verdict.VERIFIED), result.detail


def test_wrong_twin_of_a_log_rule_with_a_density_is_not_accepted():
    result = _last("$$\\frac{d}{dx}\\log p(x) = \\frac{p'(x)}{2 p(x)}$$\n")
    assert result.verdict not in ACCEPTS, result.detail
