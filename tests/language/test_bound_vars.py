"""A declaration made for a letter never simplifies an integral or sum over a range where it does not hold
(derive.language._bound_vars): sympy applies it when the integrand is built, before any tier looks."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict


@pytest.mark.parametrize(
    ("claim", "kinds"),
    [
        # |x| became x when built, so the false value 0 was proved and the true value 1 refuted
        ("integrate(Abs(x)*exp(-x**2), (x, -oo, oo)) = 0", {"x": "positive"}),
        ("integrate(Abs(x)*exp(-x**2), (x, -oo, oo)) = 1", {"x": "positive"}),
        ("integrate(sqrt(x**2)*exp(-x**2), (x, -oo, 0)) = -1/2", {"x": "positive"}),
        ("Sum(Abs(x), (x, -2, 2)) = 0", {"x": "positive"}),
        ("integrate(Abs(x)*exp(-x**2), (x, -oo, oo)) = 0", {"x": "negative"}),
        ("Sum(1/k, (k, 0, 3)) = 0", {"k": "positive integer"}),  # k = 0 is a term the declaration excludes
        ("integrate(x, (x, 0, 1)) = 1/2", {"x": "integer"}),  # an integer cannot run over an interval
    ],
)
def test_a_declaration_that_breaks_on_the_range_leaves_the_claim_undecided(claim, kinds):
    r = derive.check(claim, symbols=kinds)
    assert r.verdict is Verdict.UNDECIDED
    assert "is declared" in r.detail and "use another letter for the bound variable" in r.detail


@pytest.mark.parametrize(
    ("claim", "kinds", "verdict"),
    [
        ("integrate(Abs(x)*exp(-x**2), (x, 0, oo)) = 1/2", {"x": "positive"}, Verdict.PROVED),
        ("integrate(Abs(x)*exp(-x**2), (x, 0, oo)) = 1", {"x": "positive"}, Verdict.REFUTED),
        ("Sum(k, (k, 1, n)) = n*(n + 1)/2", {"k": "positive integer", "n": "positive integer"}, Verdict.PROVED),
        ("integrate(Abs(x)*exp(x), (x, -oo, 0)) = 1", {"x": "negative"}, Verdict.PROVED),  # |x| = -x there
        ("integrate(Abs(x)*exp(-x**2), (x, -oo, oo)) = 1", {"x": "real"}, Verdict.PROVED),
        ("integrate(Abs(x)*exp(-x**2), (x, -oo, oo)) = 0", {"x": "real"}, Verdict.REFUTED),
    ],
)
def test_a_declaration_that_holds_on_the_whole_range_is_kept(claim, kinds, verdict):
    assert derive.check(claim, symbols=kinds).verdict is verdict


def test_the_prose_declaration_does_not_reach_the_variable_of_integration():
    text = r"Let $x > 0$. $$\int_{-\infty}^{\infty} |x| e^{-x^2} \, dx = 0$$"
    (r,) = derive.check_latex(text)
    assert r.verdict is Verdict.UNDECIDED
    assert "x is declared positive, but it is also the variable of integration from -oo to oo" in r.detail
    (r,) = derive.check_latex(r"Let $t > 0$. $$\int_{0}^{\infty} t e^{-t} \, dt = 1$$")
    assert r.verdict is Verdict.PROVED
