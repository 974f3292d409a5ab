"""Integrals against a random variable's own density read as its expectation (derive.tiers._general_law_density).

``int g(x) p_X(x) dx = E[g(X)]`` over the whole line, X a random variable of the step, g of x alone.
Attacks: another name in the integrand (Y E[X] is not E[XY]), the density of another variable, a
half line, a squared density, an expectation under another law, the unsquared mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sympy

import derive
from derive import Verdict
from derive.model import Evidence, Method, Outcome, Relation
from derive.tiers._general_law_density import density_integrals
from derive.tiers._linearity import by_linearity, expectation_operator

E = expectation_operator("E")
EQ = expectation_operator("E_q")
x, y, X, Y, c = sympy.symbols("x y X Y c")
P_X, P_Y, F_X = sympy.Function("p_X"), sympy.Function("p_Y"), sympy.Function("f_X")
oo = sympy.oo


def _int(body: sympy.Expr, var: sympy.Symbol = x, low: object = -oo, high: object = oo) -> sympy.Integral:
    return sympy.Integral(body, (var, low, high))


@dataclass
class _Problem:
    relation: Relation = Relation.EQ
    nonrandom: tuple[str, ...] = ()


_LIGHT = Outcome(Verdict.UNDECIDED, Evidence(Method.SYMBOLIC, "could not prove lhs - rhs = 0"))


def _decide(lhs: object, rhs: object) -> Outcome:
    return by_linearity(_Problem(), (lhs, rhs), _LIGHT, lambda d: sympy.simplify(d) == 0)


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        (E(X**2), _int(x**2 * P_X(x))),
        (E(X), _int(x * F_X(x))),
        (E(X**2) - _int(x * P_X(x)) ** 2, _int(x**2 * P_X(x)) - _int(x * P_X(x)) ** 2),
        (E((X - E(X)) ** 2), _int((x - _int(y * P_X(y), y)) ** 2 * P_X(x))),
        (E(X**2) - E(X) ** 2, _int((x - E(X)) ** 2 * P_X(x))),
    ],
)
def test_density_integrals_are_expectations(lhs: object, rhs: object) -> None:
    out = _decide(lhs, rhs)
    assert out.verdict is Verdict.PROVED, out.evidence.summary
    assert "as an expectation (the density of its variable)" in out.evidence.summary


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        # Y is a constant of the integral: int x Y p_X(x) dx = Y E[X], never E[XY]
        (E(X * Y), _int(x * Y * P_X(x))),
        # the density of another variable
        (E(X), _int(x * P_Y(x))),
        # a half line is no expectation without the support
        (E(X), _int(x * P_X(x), x, 0, oo)),
        # a squared density
        (E(X), _int(x * P_X(x) ** 2)),
        # under another law
        (EQ(X), _int(x * P_X(x))),
        # the unsquared mean
        (E(X**2) - E(X) ** 2, _int(x**2 * P_X(x)) - _int(x * P_X(x))),
        # Jensen the wrong way
        (E(X) ** 2, _int(x**2 * P_X(x))),
        # a factor c nothing calls a number
        (c * E(X), _int(c * x * P_X(x))),
    ],
)
def test_density_integrals_never_prove_more(lhs: object, rhs: object) -> None:
    assert _decide(lhs, rhs).verdict is not Verdict.PROVED


def test_no_random_variable_no_reading() -> None:
    value, used = density_integrals(_int(x * P_X(x)), {}, E, lambda n: False)
    assert used == [] and value == _int(x * P_X(x))


def test_end_to_end_with_the_mean_defined() -> None:
    text = (
        "Let $\\mu_X = \\int_{-\\infty}^\\infty x p_X(x)\\,dx$.\n\n"
        "$$E[X^2] - \\mu_X^2 = \\int_{-\\infty}^\\infty x^2 p_X(x)\\,dx - "
        "\\left(\\int_{-\\infty}^\\infty x p_X(x)\\,dx\\right)^2$$"
    )
    results = derive.check_latex(text)
    assert results[-1].verdict is Verdict.PROVED, results[-1].detail
    wrong = text.replace("\\right)^2$$", "\\right)$$")
    for r in derive.check_latex(wrong):
        assert r.verdict not in (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT), r.detail


@pytest.mark.parametrize(
    "text",
    [
        # Bishop's p(x), p(x, y): the density of the step's random variables of those names
        "$$\\mathbb{E}[x] = \\int x p(x) \\, dx$$",
        "$$E_{x, y}[xy] = \\iint p(x, y) xy \\, dx \\, dy$$",
        # the operator's own law, over the names it averages
        "$$\\mathbb{E}_{q(z)}[z^2] = \\int q(z) z^2 \\, dz$$",
        "$$\\mathbb{E}_{q(z|x)}[z] = \\int q(z|x) z \\, dz$$",
    ],
)
def test_bishop_and_law_densities_end_to_end(text: str) -> None:
    (r,) = derive.check_latex(text)
    assert r.verdict is Verdict.PROVED, r.detail
    assert "the integral against its density" in r.detail


@pytest.mark.parametrize(
    "text",
    [
        "$$\\mathbb{E}[x y] = \\int x y p(x) \\, dx$$",  # y is a constant of the integral
        "$$\\mathbb{E}_{q(z)}[z^2] = \\int p(z) z^2 \\, dz$$",  # another density than the law's
        "$$\\mathbb{E}[x] = \\int x p(y) \\, dy$$",  # the density of another variable
        "$$E_{x, y}[xy] = \\iint p(x) p(y) xy \\, dx \\, dy$$",  # independence nobody states
        "$$\\mathbb{E}[x^2] = \\left(\\int x p(x) \\, dx\\right)^2$$",
        "$$\\mathbb{E}_{q(z)}[z] = \\int_0^1 q(z) z \\, dz$$",  # not the whole line
    ],
)
def test_bishop_and_law_densities_never_prove_more(text: str) -> None:
    for r in derive.check_latex(text):
        assert r.verdict not in (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT), r.detail
