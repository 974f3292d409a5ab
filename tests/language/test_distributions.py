"""Distributions with textbook parameterisations."""

from __future__ import annotations

import mpmath
import pytest
import sympy
from sympy import oo

from derive.errors import DistributionError
from derive.language.distributions import (
    DISTRIBUTIONS,
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

x = sympy.Symbol("x", real=True)
R = sympy.Rational


@pytest.mark.parametrize(
    ("dist", "lo", "hi"),
    [
        (Normal(1, 4), -oo, oo),
        (Uniform(-2, -1), sympy.Integer(-2), sympy.Integer(-1)),
        (Exponential(3), sympy.Integer(0), oo),
        (Gumbel(0, 1), sympy.Integer(-6), sympy.Integer(80)),  # exp(-exp(-x)) is below 1e-150 left of -6
        (Beta(2, 3), sympy.Integer(0), sympy.Integer(1)),
        (Gamma(2, 3), sympy.Integer(0), oo),
    ],
)
def test_densities_integrate_to_one_and_match_mean(dist, lo, hi) -> None:
    # Checked by quadrature: sympy's symbolic integral of the Gumbel mean is wrong
    # (it returns EulerGamma + I*pi), which is one reason derive cross-checks.
    pdf = sympy.lambdify(x, dist.pdf(x), modules="mpmath")
    ends = [
        mpmath.mpf(float(lo)) if lo.is_finite else -mpmath.inf,
        mpmath.mpf(float(hi)) if hi.is_finite else mpmath.inf,
    ]
    with mpmath.workdps(30):
        assert abs(mpmath.quad(pdf, ends) - 1) < 1e-15
        assert abs(mpmath.quad(lambda t: t * pdf(t), ends) - mpmath.mpf(str(dist.mean().evalf(30)))) < 1e-15


def test_normal_takes_variance_not_standard_deviation() -> None:
    assert Normal(0, 4).variance() == 4
    assert Normal(0, 4).pdf(0) == 1 / sympy.sqrt(8 * sympy.pi)


def test_discrete_distributions() -> None:
    b = Bernoulli(sympy.Rational(1, 3))
    assert b.pdf(1) == sympy.Rational(1, 3)
    assert b.discrete
    c = Categorical([sympy.Rational(1, 5), sympy.Rational(3, 10), sympy.Rational(1, 2)])
    assert c.probs[2] == sympy.Rational(1, 2)
    assert c.mean() == sympy.Rational(3, 10) + 1


def test_multivariate_normal_shape_and_density() -> None:
    d = MultivariateNormal(sympy.Matrix([0, 0]), sympy.eye(2))
    assert d.size == 2
    assert sympy.simplify(d.pdf(sympy.Matrix([0, 0])) - 1 / (2 * sympy.pi)) == 0
    with pytest.raises(DistributionError, match="does not fit"):
        MultivariateNormal(sympy.Matrix([0, 0]), sympy.eye(3))


def test_parameters_are_substitutable() -> None:
    mu = sympy.Symbol("mu")
    assert Normal(mu, 1).subs(mu, 3) == Normal(3, 1)
    assert Normal(mu, 1).free_symbols == {mu}


def test_wrong_parameter_count_is_a_clear_error() -> None:
    with pytest.raises(DistributionError, match=r"Normal takes 2 parameters \(mean, variance\), got 1"):
        Normal(1)


def test_registry_names_every_distribution() -> None:
    assert set(DISTRIBUTIONS) == {
        "Normal",
        "MultivariateNormal",
        "Uniform",
        "Exponential",
        "Bernoulli",
        "Categorical",
        "Gumbel",
        "Beta",
        "Gamma",
    }


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Normal(0, -1), "variance must be greater than 0"),
        (lambda: Uniform(1, 0), "greater than a"),
        (lambda: Bernoulli(2), "between 0 and 1"),
        (lambda: Categorical([R(1, 2), R(1, 3)]), "sum to 1"),
        (lambda: Categorical([R(3, 2), R(-1, 2)]), "between 0 and 1"),
        (lambda: Beta(-1, 2), "greater than 0"),
        (lambda: Gamma(2, 0), "greater than 0"),
        (lambda: Exponential(-3), "greater than 0"),
    ],
)
def test_parameters_outside_their_range_are_errors(make, message):
    with pytest.raises(DistributionError, match=message):
        make()


def test_symbolic_parameters_are_allowed_when_their_range_is_unknown():
    s, p = sympy.Symbol("s", positive=True), sympy.Symbol("p")
    assert Normal(0, s).args[1] == s
    assert Bernoulli(p).args[0] == p
