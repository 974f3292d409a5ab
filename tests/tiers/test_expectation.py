"""Exact expectations: Gaussian moments, MGFs, finite sums, scalar moments, integration."""

from __future__ import annotations

import time

import mpmath
import pytest
import sympy
from sympy import Rational, cancel, exp, expand, log

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
from derive.language.functions import Expectation, sigmoid
from derive.language.symbols import SymbolTable
from derive.tiers.expectation import evaluate_expectations, gaussian_integral, has_expectation, random_symbols

mu, b = sympy.symbols("mu b", real=True)
sigma, v = sympy.symbols("sigma v", positive=True)
eps, u, z = sympy.symbols("eps u z", real=True)
STD = ((eps, Normal(0, 1)),)


def E(f, random=STD, **kw):
    return evaluate_expectations(Expectation(f), random, **kw)


def test_helpers_find_random_symbols_and_expectations() -> None:
    t = SymbolTable({"x": "vector 2", "m": "vector 2", "S": "spd matrix 2x2"})
    x = t.symbol("x")
    random = ((x, MultivariateNormal(t.symbol("m"), t.symbol("S"))), (eps, Normal(0, 1)))
    assert random_symbols(random) == {x[0], x[1], eps}
    assert has_expectation(Expectation(eps) + 1)
    assert has_expectation(sympy.ImmutableMatrix([[Expectation(eps)]]))
    assert not has_expectation(eps + 1)


def test_reparameterised_moments() -> None:
    assert expand(E((mu + sigma * eps) ** 2)) == mu**2 + sigma**2
    assert E(mu + sigma * eps) == mu
    assert expand(E((mu + sigma * eps) ** 4)) == expand(mu**4 + 6 * mu**2 * sigma**2 + 3 * sigma**4)


def test_normal_with_symbolic_mean_and_variance() -> None:
    x = sympy.Symbol("x", real=True)
    random = ((x, Normal(mu, v)),)
    assert expand(E(x**2, random)) == mu**2 + v
    assert expand(E(x**3, random)) == expand(mu**3 + 3 * mu * v)
    assert expand(E((x - mu) ** 4, random)) == 3 * v**2


def test_linearity_pulls_out_constants_and_keeps_nonrandom_terms() -> None:
    f = sigmoid(mu) * eps**2 + log(sigma) + 3 * eps
    assert E(f) == sigmoid(mu) + log(sigma)


def test_lognormal_mean_by_moment_generating_function() -> None:
    assert cancel(E(exp(mu + sigma * eps)) - exp(mu + sigma**2 / 2)) == 0
    # the tilted mean handles a polynomial next to the exponential: E[eps e^{b eps}] = b e^{b^2/2}
    assert cancel(E(eps * exp(b * eps)) - b * exp(b**2 / 2)) == 0


def test_independent_variables_factor() -> None:
    e2 = sympy.Symbol("e2", real=True)
    random = ((eps, Normal(0, 1)), (e2, Normal(1, 4)))
    assert E(eps**2 * e2**2, random) == 5
    assert E(eps * e2, random) == 0


def test_quadratic_form_of_multivariate_normal() -> None:
    t = SymbolTable({"x": "vector 2", "m": "vector 2", "S": "spd matrix 2x2", "A": "matrix 2x2"})
    x, m, S, A = (t.symbol(n) for n in "xmSA")
    value = evaluate_expectations(Expectation(x.T * A * x), ((x, MultivariateNormal(m, S)),))
    assert value.shape == (1, 1)
    assert expand(value[0, 0] - (A * S).trace() - (m.T * A * m)[0, 0]) == 0


def test_trace_trick_at_size_three() -> None:
    t = SymbolTable(
        {"x": "vector 3", "m1": "vector 3", "m2": "vector 3", "S1": "spd matrix 3x3", "S2": "spd matrix 3x3"}
    )
    x, m1, m2, S1, S2 = (t.symbol(n) for n in ("x", "m1", "m2", "S1", "S2"))
    d = x - m2
    inv = S2.adjugate() / S2.det()
    value = evaluate_expectations(Expectation((d.T * inv * d)[0, 0]), ((x, MultivariateNormal(m1, S1)),))
    expected = (inv * S1).trace() + ((m1 - m2).T * inv * (m1 - m2))[0, 0]
    assert cancel(value - expected) == 0


def test_expectation_inside_a_larger_expression_becomes_a_scalar() -> None:
    t = SymbolTable({"x": "vector 2", "m": "vector 2", "S": "spd matrix 2x2"})
    x, m, S = (t.symbol(n) for n in "xmS")
    value = evaluate_expectations(Expectation(x.T * x) + 1, ((x, MultivariateNormal(m, S)),))
    assert not isinstance(value, sympy.MatrixBase)
    assert expand(value - (S.trace() + (m.T * m)[0, 0] + 1)) == 0


def test_vector_expectation_is_elementwise() -> None:
    t = SymbolTable({"x": "vector 2", "m": "vector 2", "S": "spd matrix 2x2"})
    x, m, S = (t.symbol(n) for n in "xmS")
    value = evaluate_expectations(Expectation(x * x.T), ((x, MultivariateNormal(m, S)),))
    assert (value - (S + m * m.T)).expand() == sympy.zeros(2, 2)


def test_finite_distributions_are_summed_exactly() -> None:
    p = sympy.Symbol("p", positive=True)
    random = ((z, Bernoulli(p)),)
    f = z * log(sigmoid(b)) + (1 - z) * log(1 - sigmoid(b))
    assert expand(E(f, random) - (p * log(sigmoid(b)) + (1 - p) * log(1 - sigmoid(b)))) == 0
    cat = ((z, Categorical([Rational(1, 2), Rational(1, 3), Rational(1, 6)])),)
    assert E(z, cat) == Rational(2, 3)
    assert E(exp(z), cat) == Rational(1, 2) + exp(1) / 3 + exp(2) / 6


@pytest.mark.parametrize(
    ("dist", "k", "expected"),
    [
        (Uniform(-2, -1), 2, Rational(7, 3)),
        (Exponential(3), 2, Rational(2, 9)),
        (Gamma(2, 3), 1, Rational(2, 3)),
        (Beta(2, 3), 2, Rational(1, 5)),
        (Gumbel(0, 1), 1, sympy.EulerGamma),
    ],
)
def test_scalar_moments(dist, k, expected) -> None:
    assert sympy.simplify(E(u**k, ((u, dist),)) - expected) == 0


def test_integration_only_when_asked() -> None:
    random = ((u, Uniform(1, 2)),)
    assert E(log(u), random) == Expectation(log(u))
    assert sympy.simplify(E(log(u), random, integrate=True) - (2 * log(2) - 1)) == 0
    assert E(sympy.cos(eps), integrate=True) == exp(Rational(-1, 2))


def test_unknown_integrands_are_left_alone() -> None:
    hard = Expectation(sigmoid(eps) * sympy.atan(eps) ** 3)
    assert evaluate_expectations(hard, STD) == hard
    assert evaluate_expectations(hard, STD, integrate=True) == hard


def test_values_are_exact_never_floats() -> None:
    value = E((mu + sigma * eps) ** 6)
    assert not value.has(sympy.Float)
    assert value.subs({mu: 0, sigma: 1}) == 15


def test_expectations_that_do_not_exist_are_not_given_a_value() -> None:
    # E[eps / e2] is the mean of a Cauchy variable: it does not exist. sympy's integral of
    # 1/t against a Gaussian is a principal value (0), which must not become a value.
    e2 = sympy.Symbol("e2", real=True)
    random = ((eps, Normal(0, 1)), (e2, Normal(0, 1)))
    for f in (eps / e2, 1 / e2):
        value = E(f, random, integrate=True)
        assert has_expectation(value)
    assert has_expectation(E(log(eps), integrate=True))  # log of a negative number: not real


def test_gaussian_integral_needs_a_provably_negative_leading_coefficient() -> None:
    t = sympy.Symbol("t", real=True)
    a = sympy.Symbol("a", positive=True)
    m = sympy.Symbol("m", real=True)
    assert gaussian_integral(t**2 * sympy.exp(-(t**2) / 2), t) == sympy.sqrt(2 * sympy.pi)
    assert (
        sympy.simplify(
            gaussian_integral(sympy.exp(-a * t**2 + t), t) - sympy.sqrt(sympy.pi / a) * sympy.exp(1 / (4 * a))
        )
        == 0
    )
    assert gaussian_integral(sympy.exp(t**2), t) is None  # diverges
    assert gaussian_integral(sympy.exp(-m * t**2), t) is None  # sign of m unknown
    assert gaussian_integral(t**2, t) is None  # no Gaussian factor
    assert gaussian_integral(sympy.log(1 + t**2) * sympy.exp(-(t**2)), t) is None  # not polynomial


def test_importance_weight_of_a_gaussian_proposal_is_unbiased() -> None:
    # E_{z~N(m, s2)}[p(x|z)p(z)/q(z)] = p(x) = N(x; 0, 2): the proposal's density cancels
    # inside the integral, for every proposal (the weight's variance is another matter).
    x, z, m = sympy.symbols("x z m", real=True)
    s2 = sympy.Symbol("s2", positive=True)

    def normal(v, mean, var):
        return sympy.exp(-((v - mean) ** 2) / (2 * var)) / sympy.sqrt(2 * sympy.pi * var)

    weight = normal(x, z, 1) * normal(z, 0, 1) / normal(z, m, s2)
    value = evaluate_expectations(Expectation(weight), ((z, Normal(m, s2)),))
    assert sympy.simplify(value - normal(x, 0, 2)) == 0


def test_a_bounded_jump_does_not_stop_integration() -> None:
    # E[z^2 + 1e11 [z > 13/2]] = 1 + 1e11 P(z > 6.5) ~ 5.016: the jump is no singularity (it
    # used to be refused as one, leaving a rare heavy region to Monte Carlo, which cannot see it).
    z = sympy.Symbol("z", real=True)
    rv = ((z, Normal(0, 1)),)
    value = evaluate_expectations(Expectation(z**2 + 10**11 * sympy.Heaviside(z - Rational(13, 2))), rv, integrate=True)
    exact = 1 + 10**11 * sympy.erfc(Rational(13, 2) / sympy.sqrt(2)) / 2
    assert abs(sympy.N(value - exact, 30)) < 1e-20
    assert abs(float(value) - 5.016000583859) < 1e-9
    step = Expectation(sympy.Piecewise((10**9, z > 6), (0, True)))
    assert (
        abs(float(evaluate_expectations(step, rv, integrate=True)) - 10**9 * float(sympy.erfc(6 / sympy.sqrt(2))) / 2)
        < 1e-6
    )
    u = sympy.Symbol("u", real=True)
    rare = Expectation(10**12 * sympy.Heaviside(u - Rational(9999999, 10**7)))
    value = evaluate_expectations(rare, ((u, Uniform(0, 1)),), integrate=True)
    assert abs(sympy.N(value - 10**5, 30)) < 1e-15  # sympy answers with Meijer G functions


def test_a_singular_piece_is_still_refused() -> None:
    # 1/z on z > 0 has no expectation under a normal: the Piecewise guard must not hide the pole.
    z = sympy.Symbol("z", real=True)
    node = Expectation(sympy.Piecewise((1 / z, z > 0), (0, True)))
    assert evaluate_expectations(node, ((z, Normal(0, 1)),), integrate=True) == node


def _normal_density(t, mean, var):
    return sympy.exp(-((t - mean) ** 2) / (2 * var)) / sympy.sqrt(2 * sympy.pi * var)


def test_log_ratio_of_gaussian_densities_is_left_to_monte_carlo_quickly() -> None:
    # log p / log q is a rational function of z with no real pole; sympy's antiderivative
    # routes spent 7 s on it (partial fractions through the quartic formula) and found nothing.
    z = sympy.Symbol("z", real=True)
    ratio = log(_normal_density(z, 0, 1)) / log(_normal_density(z, 1, 1))
    start = time.process_time()
    value = evaluate_expectations(Expectation(ratio), ((z, Normal(0, 1)),), integrate=True)
    assert value == Expectation(ratio)
    assert time.process_time() - start < 2.0
    # The Meijer G route is capped too: on 1/(1+z^4) it alone runs for seconds.
    start = time.process_time()
    quartic = Expectation(1 / (1 + z**4))
    assert evaluate_expectations(quartic, ((z, Normal(0, 1)),), integrate=True) == quartic
    assert time.process_time() - start < 2.5


@pytest.mark.parametrize(
    ("f", "dist", "exact"),
    [
        # E[1/(1+z^2)] = sqrt(pi/2) e^{1/2} erfc(1/sqrt 2): the erfc closed forms are still found.
        (
            1 / (1 + z**2),
            Normal(0, 1),
            sympy.sqrt(sympy.pi / 2) * sympy.exp(Rational(1, 2)) * sympy.erfc(1 / sympy.sqrt(2)),
        ),
        (1 / (1 + z**2) ** 2, Normal(0, 1), Rational(1, 2)),
        (z**3 / (1 + z**2), Normal(0, 1), 0),
        # log(exp(z)) is z for real z: the split integrand is odd.
        (log(exp(z)) / (1 + z**2), Normal(0, 1), 0),
        # far out: E[1/(10^6 + z^2)] just below 10^-6
        (
            1 / (10**6 + z**2),
            Normal(0, 1),
            sympy.sqrt(sympy.pi / 2) * sympy.exp(Rational(10**6, 2)) * sympy.erfc(1000 / sympy.sqrt(2)) / 1000,
        ),
        # not a normal density: sympy's full integrator, as before (log 2)
        (1 / (1 + z), Uniform(0, 1), log(2)),
    ],
)
def test_rational_functions_against_a_density_keep_their_closed_forms(f, dist, exact) -> None:
    value = evaluate_expectations(Expectation(f), ((z, dist),), integrate=True)
    assert not has_expectation(value)
    assert abs(sympy.N(value - exact, 40)) < sympy.Float(10) ** -30 * (1 + abs(sympy.N(exact, 40)))


def test_rational_function_with_symbolic_parameters_against_a_gaussian() -> None:
    # E[1/(a+z^2)] for z ~ N(0, s^2), a and s positive: exact, checked at a = 3/2, s = 2 by quadrature.
    a, s = sympy.symbols("a s", positive=True)
    value = evaluate_expectations(Expectation(1 / (a + z**2)), ((z, Normal(0, s**2)),), integrate=True)
    assert not has_expectation(value)
    at = sympy.N(value.subs({a: Rational(3, 2), s: 2}), 30)
    with mpmath.workdps(30):
        quad = mpmath.quad(lambda t: mpmath.npdf(t, 0, 2) / (mpmath.mpf(3) / 2 + t**2), [-mpmath.inf, mpmath.inf])
    assert abs(at - sympy.Float(quad, 30)) < 1e-20
    # A real pole is still refused, rational or not: E[1/(z - 1)] does not exist.
    node = Expectation(1 / (z - 1))
    assert evaluate_expectations(node, ((z, Normal(0, 1)),), integrate=True) == node
