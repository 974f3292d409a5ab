"""KL, JS and W1: closed forms checked against definitions, support rules, exactness."""

from __future__ import annotations

import mpmath
import pytest
import sympy
from sympy import Rational, log, oo

from derive.language.distributions import (
    Bernoulli,
    Beta,
    Categorical,
    Exponential,
    Gamma,
    Gumbel,
    MultivariateNormal,
    Normal,
    Uniform,
)
from derive.language.functions import JS, KL, W1, Expectation
from derive.language.symbols import SymbolTable
from derive.tiers.divergences import expand_divergences, kl_divergence
from derive.tiers.expectation import evaluate_expectations

t = sympy.Symbol("t", real=True)


def density(dist):
    pdf = dist.pdf(t)  # on the support, without the Piecewise guard
    return pdf.args[0].expr if isinstance(pdf, sympy.Piecewise) else pdf


def numeric_kl(p, q, lo, hi) -> mpmath.mpf:
    f = sympy.lambdify(t, density(p) * sympy.log(density(p) / density(q)), "mpmath")
    mpmath.mp.dps = 30
    return mpmath.quad(f, [lo, hi])


def test_seed_uniforms_kl_js_w1() -> None:
    p, q = Uniform(-2, -1), Uniform(1, 2)
    assert expand_divergences(KL(p, q)) == oo
    assert expand_divergences(KL(q, p)) == oo
    assert expand_divergences(JS(p, q)) == log(2)
    assert expand_divergences(W1(p, q)) == 3


def test_nested_uniforms() -> None:
    assert expand_divergences(KL(Uniform(0, 1), Uniform(0, 2))) == log(2)
    assert expand_divergences(KL(Uniform(0, 2), Uniform(0, 1))) == oo
    js = expand_divergences(JS(Uniform(0, 1), Uniform(0, 2)))
    # by hand: on [0,1] p=1, q=1/2, m=3/4; on [1,2] only q=1/2
    expected = (log(Rational(4, 3)) + log(Rational(2, 3)) / 2) / 2 + log(2) / 4
    assert sympy.simplify(js - expected) == 0
    assert expand_divergences(W1(Uniform(0, 1), Uniform(0, 3))) == 1


def test_uniforms_with_symbolic_ends_when_ordering_is_decidable() -> None:
    a = sympy.Symbol("a", real=True)
    assert expand_divergences(JS(Uniform(a, a + 1), Uniform(a + 2, a + 3))) == log(2)
    assert expand_divergences(W1(Uniform(a, a + 1), Uniform(a + 2, a + 3))) == 2
    b = sympy.Symbol("b", real=True)
    undecidable = KL(Uniform(a, a + 1), Uniform(b, b + 1))
    assert expand_divergences(undecidable) == undecidable


def test_gaussian_kl_closed_form_matches_integral() -> None:
    p, q = Normal(1, 2), Normal(-1, 3)
    closed = expand_divergences(KL(p, q))
    assert abs(sympy.N(closed, 30) - numeric_kl(p, q, -mpmath.inf, mpmath.inf)) < 1e-20


@pytest.mark.parametrize(
    ("p", "q", "lo", "hi"),
    [
        (Exponential(2), Exponential(3), 0, mpmath.inf),
        (Gamma(2, 3), Gamma(3, 1), 0, mpmath.inf),
        (Beta(2, 3), Beta(3, 2), 0, 1),
    ],
)
def test_closed_forms_match_the_definition(p, q, lo, hi) -> None:
    closed = kl_divergence(p, q)
    assert not closed.has(sympy.Integral)
    assert abs(sympy.N(closed, 30) - numeric_kl(p, q, lo, hi)) < 1e-15


def test_finite_distributions() -> None:
    half, quarter = Rational(1, 2), Rational(1, 4)
    kl = expand_divergences(KL(Bernoulli(half), Bernoulli(quarter)))
    assert sympy.simplify(kl - (half * log(2) + half * log(Rational(2, 3)))) == 0
    assert expand_divergences(KL(Categorical([half, half]), Categorical([1, 0]))) == oo
    assert expand_divergences(KL(Categorical([1, 0]), Categorical([half, half]))) == log(2)
    assert expand_divergences(JS(Bernoulli(0), Bernoulli(1))) == log(2)
    assert expand_divergences(W1(Categorical([half, 0, half]), Categorical([0, 1, 0]))) == 1
    p = sympy.Symbol("p", positive=True)
    assert expand_divergences(W1(Bernoulli(p), Bernoulli(p / 2))) == sympy.Abs(p / 2)


def test_location_shifts_have_w1_equal_to_the_shift() -> None:
    m1, m2 = sympy.symbols("m1 m2", real=True)
    s = sympy.Symbol("s", positive=True)
    assert expand_divergences(W1(Normal(m1, s), Normal(m2, s))) == sympy.Abs(m1 - m2)
    assert expand_divergences(W1(Gumbel(m1, s), Gumbel(m2, s))) == sympy.Abs(m1 - m2)


@pytest.mark.parametrize(("m2", "v2"), [(0, 4), (1, 4), (-2, Rational(1, 9))])
def test_normals_of_different_scales_have_the_folded_normal_w1(m2, v2) -> None:
    # The quantile coupling gives a closed form; check it against ∫|F_P - F_Q| dt.
    p, q = Normal(0, 1), Normal(m2, v2)
    closed = expand_divergences(W1(p, q))
    assert not closed.has(sympy.Integral)
    mpmath.mp.dps = 30
    s2 = mpmath.sqrt(mpmath.mpf(sympy.Rational(v2).p) / sympy.Rational(v2).q)

    def gap(x):
        return abs(mpmath.ncdf(x) - mpmath.ncdf(x, mu=m2, sigma=s2))

    kink = -m2 / (s2 - 1)  # where the two CDFs cross: x = (x - m2)/s2
    direct = mpmath.quad(gap, [-mpmath.inf, kink, mpmath.inf])
    assert abs(sympy.N(closed, 30) - direct) < 1e-20
    if m2 == 0:
        assert sympy.simplify(closed - sympy.sqrt(2 / sympy.pi)) == 0  # E|Z| for sd 1 vs sd 2


def test_support_mismatch_gives_infinity_only_when_provable() -> None:
    assert expand_divergences(KL(Normal(0, 1), Uniform(0, 1))) == oo
    assert expand_divergences(KL(Normal(0, 1), Exponential(1))) == oo
    form = expand_divergences(KL(Uniform(0, 1), Normal(0, 1)))
    assert form.has(sympy.Integral)
    assert abs(sympy.N(form, 20) - numeric_kl(Uniform(0, 1), Normal(0, 1), 0, 1)) < 1e-12


def test_unknown_pairs_become_integral_forms() -> None:
    js = expand_divergences(JS(Normal(0, 1), Normal(1, 1)))
    assert js.has(sympy.Integral)
    # a normal and a Gumbel: different families, no quantile-coupling closed form
    w1 = expand_divergences(W1(Normal(0, 1), Gumbel(0, 1)))
    assert w1.has(sympy.Integral)
    # JS between N(0,1) and N(1,1) is positive and below log 2 (quadrature through mpmath:
    # sympy's own evalf of this integral takes minutes)
    mpmath.mp.dps = 20
    value = (
        sum(
            mpmath.quad(sympy.lambdify(v, f, "mpmath"), [float(lo), float(hi)])
            for integral in js.atoms(sympy.Integral)
            for f, (v, lo, hi) in [(integral.function, integral.limits[0])]
        )
        / 2
    )
    assert 0 < value < mpmath.log(2)


def test_same_divergence_twice_cancels_without_evaluation() -> None:
    a = expand_divergences(JS(Normal(0, 1), Normal(1, 1)))
    b = expand_divergences(JS(Normal(0, 1), Normal(1, 1)))
    assert a - b == 0


def test_mvn_kl_matches_expected_log_density_ratio_at_size_two() -> None:
    table = SymbolTable(
        {"x": "vector 2", "m1": "vector 2", "m2": "vector 2", "S1": "spd matrix 2x2", "S2": "spd matrix 2x2"}
    )
    x, m1, m2, S1, S2 = (table.symbol(n) for n in ("x", "m1", "m2", "S1", "S2"))
    p, q = MultivariateNormal(m1, S1), MultivariateNormal(m2, S2)

    def logpdf(m, cov):
        d = x - m
        return -(d.T * cov.inv() * d)[0, 0] / 2 - log(cov.det()) / 2 - log(2 * sympy.pi)

    by_expectation = evaluate_expectations(Expectation(logpdf(m1, S1) - logpdf(m2, S2)), ((x, p),))
    closed = expand_divergences(KL(p, q))
    d = m2 - m1
    textbook = ((S2.inv() * S1).trace() + (d.T * S2.inv() * d)[0, 0] - 2 + log(S2.det() / S1.det())) / 2
    # log(det S2 / det S1) and log det S2 - log det S1 agree for SPD matrices: compare them
    # at an SPD point exactly after cancelling the rational parts.
    point = {
        S1[0, 0]: 2, S1[0, 1]: Rational(1, 2), S1[1, 1]: 1,
        S2[0, 0]: 3, S2[0, 1]: -1, S2[1, 1]: 2,
        m1[0]: 1, m1[1]: 0, m2[0]: Rational(-1, 2), m2[1]: 2,
    }  # fmt: skip
    for value in (by_expectation, closed):
        assert sympy.simplify(value.xreplace(point) - textbook.xreplace(point)) == 0


def test_outputs_are_exact() -> None:
    for expr in (KL(Normal(1, 2), Normal(0, 1)), JS(Uniform(0, 1), Uniform(0, 2)), W1(Uniform(-2, -1), Uniform(1, 2))):
        assert not expand_divergences(expr).has(sympy.Float)
