"""Tests for the Monte Carlo tier (check_montecarlo called directly, so MC itself is exercised)."""

from __future__ import annotations

import math
import sys
from dataclasses import replace

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import Piecewise, Rational, log

from derive.errors import DistributionError
from derive.language import distributions as dist
from derive.language._calls import HeldDerivative, derivative
from derive.language.functions import Expectation, sigmoid, softplus
from derive.language.symbols import SymbolTable
from derive.model import Method, Problem, Relation, Settings, Verdict
from derive.montecarlo import _claim as _mc_claim
from derive.montecarlo import tier as montecarlo
from derive.montecarlo._batches import BATCH, BatchStats, ScalarStats, Totals, merge, reduce_rows, run_numpy
from derive.montecarlo._claim import Look, band_for, decide, explain, hopeless
from derive.montecarlo._lowering import LoweringError, compile_program, lower_random, stable_form
from derive.montecarlo.tier import Z_REFUTE, check_montecarlo, select_backend

R = Rational


@pytest.fixture
def table() -> SymbolTable:
    return SymbolTable({"mu": "real", "sigma": "positive", "x": "vector 3"})


def check(table, lhs, rhs, random, relation=Relation.EQ, tolerance=None, **settings):
    problem = Problem(lhs, rhs, relation, table, tuple(random), tolerance)
    return check_montecarlo(problem, Settings(**settings))


def gumbel_max(table):
    g = [table.symbol(f"g{i}") for i in range(3)]
    logits = [log(R(1, 2)), log(R(3, 10)), log(R(1, 5))]
    indicator = Piecewise(
        (1, (logits[0] + g[0] >= logits[1] + g[1]) & (logits[0] + g[0] >= logits[2] + g[2])), (0, True)
    )
    return Expectation(indicator), [(gi, dist.Gumbel(0, 1)) for gi in g]


# ---------------------------------------------------------------------------------------
# Verdicts on known expectations.


def test_reparameterised_second_moment_is_consistent(table):
    mu, sigma, eps = table.symbol("mu"), table.symbol("sigma"), table.symbol("eps")
    out = check(
        table, Expectation((mu + sigma * eps) ** 2), mu**2 + sigma**2, [(eps, dist.Normal(0, 1))], tolerance=3e-3
    )
    assert out.verdict is Verdict.CONSISTENT
    ev = out.evidence
    assert ev.method is Method.MONTECARLO and ev.seed == 0
    assert len(ev.estimates) == Settings().mc_param_points  # every parameter point was checked
    assert {e.params for e in ev.estimates} == {
        e.params for e in ev.estimates if dict(e.params).keys() == {"mu", "sigma"}
    }
    for e in ev.estimates:
        assert abs(e.mean - e.target) <= 3e-3 * abs(e.target)
        assert e.n >= 1_000_000 and e.nonfinite == 0 and e.backend.startswith("numpy")
    assert "Bonferroni" in ev.summary


def test_second_moment_off_by_one_percent_is_refuted(table):
    mu, sigma, eps = table.symbol("mu"), table.symbol("sigma"), table.symbol("eps")
    wrong = R(101, 100) * (mu**2 + sigma**2)
    out = check(table, Expectation((mu + sigma * eps) ** 2), wrong, [(eps, dist.Normal(0, 1))])
    assert out.verdict is Verdict.REFUTED
    e = out.evidence.estimates[-1]
    assert abs(e.mean - e.target) > 6 * e.stderr
    assert e.p_value < 1e-9


def test_control_variates_decide_what_the_plain_estimate_cannot(table):
    # At the default tolerance 1e-3 the plain estimate of E[(mu + sigma*eps)^2] would need
    # about 4e7 samples; with eps and eps^2 - 1 as control variates the residual variance is 0.
    mu, sigma, eps = table.symbol("mu"), table.symbol("sigma"), table.symbol("eps")
    lhs = Expectation((mu + sigma * eps) ** 2)
    out = check(table, lhs, mu**2 + sigma**2, [(eps, dist.Normal(0, 1))])
    assert out.verdict is Verdict.CONSISTENT
    assert "control variates" in out.evidence.summary
    # 0.3% off: inside the plain estimate's noise after 1M samples, clearly wrong with controls.
    wrong = check(table, lhs, R(1003, 1000) * (mu**2 + sigma**2), [(eps, dist.Normal(0, 1))])
    assert wrong.verdict is Verdict.REFUTED


def test_gumbel_max_indicator_is_the_category_probability(table):
    lhs, random = gumbel_max(table)
    assert check(table, lhs, R(1, 2), random, tolerance=1e-2).verdict is Verdict.CONSISTENT
    assert check(table, lhs, R(51, 100), random, tolerance=1e-3).verdict is Verdict.REFUTED


def _gumbel_pair(table):
    g0, g1 = table.symbol("g0"), table.symbol("g1")
    return g0, g1, [(g0, dist.Gumbel(0, 1)), (g1, dist.Gumbel(0, 1))]


@pytest.mark.parametrize(
    "case",
    ["max", "sigmoid", "gumbel-max", "gumbel-max-near-zero"],
)
def test_one_percent_off_is_refuted_at_the_default_tolerance(table, case):
    z = table.symbol("z")
    normal = [(z, dist.Normal(0, 1))]
    lhs, gumbels = gumbel_max(table)
    g0, g1, pair = _gumbel_pair(table)
    lhs, exact, random = {
        "max": (Expectation(sympy.Max(z, 0)), 1 / sympy.sqrt(2 * sympy.pi), normal),
        "sigmoid": (Expectation(sigmoid(z)), R(1, 2), normal),  # sigmoid(z) - 1/2 is odd
        "gumbel-max": (lhs, R(1, 2), gumbels),
        # g0 - g1 is logistic: P(g0 - g1 >= 4) = sigmoid(-4) ~ 0.018, a target near 0.
        "gumbel-max-near-zero": (Expectation(Piecewise((1, g0 >= g1 + 4), (0, True))), sigmoid(-4), pair),
    }[case]
    assert check(table, lhs, exact, random).verdict is Verdict.CONSISTENT
    out = check(table, lhs, R(101, 100) * exact, random)
    assert out.verdict is Verdict.REFUTED, out.evidence.summary
    e = out.evidence.estimates[-1]
    assert abs(e.mean - e.target) > Z_REFUTE * e.stderr and e.p_value < 1e-9


@pytest.mark.parametrize("seed", range(4))
def test_many_standard_errors_off_inside_the_band_is_not_consistent(table, seed):
    # E[sigmoid(z)] = 1/2 exactly. 0.5004 lies inside the band 0.5 ± 5e-4, but the estimate
    # pins the mean down to ~3e-5: a 0.0004 gap is more than ten standard errors.
    z = table.symbol("z")
    out = check(table, Expectation(sigmoid(z)), R(5004, 10000), [(z, dist.Normal(0, 1))], seed=seed)
    assert out.verdict is Verdict.REFUTED, out.evidence.summary
    e = out.evidence.estimates[0]
    assert abs(e.mean - 0.5) < 1e-4 and abs(e.mean - e.target) / e.stderr > 10
    assert "SE from the target (threshold 6.00 SE)" in out.evidence.summary


def test_decision_rule():
    band = band_for(1e-3, 0.5004, 0.2)
    assert band == pytest.approx(5.004e-4)
    # The reported bug: the interval fits in the band, but the gap is 16 SE.
    bug = Look(mean=0.5000, se=2.5e-5, target=0.5004, band=band)
    assert abs(bug.mean - bug.target) + 3 * bug.se <= bug.band
    assert decide(bug, Relation.EQ, Z_REFUTE) is Verdict.REFUTED
    # Significant (4 SE) but below the refutation threshold: neither verdict, sample more.
    mid = Look(mean=0.5, se=1e-5, target=0.50004, band=band)
    assert decide(mid, Relation.EQ, Z_REFUTE) is Verdict.UNDECIDED
    assert "significant" in explain(mid, Relation.EQ, Z_REFUTE)
    # Not significant, but the interval is wider than the band: sample more.
    wide = Look(mean=0.5, se=3e-4, target=0.5, band=band)
    assert decide(wide, Relation.EQ, Z_REFUTE) is Verdict.UNDECIDED
    assert "does not fit in the band" in explain(wide, Relation.EQ, Z_REFUTE)
    ok = Look(mean=0.50001, se=1e-5, target=0.5, band=band)
    assert decide(ok, Relation.EQ, Z_REFUTE) is Verdict.CONSISTENT
    # "≈" claims only need to lie in the band: a significant gap inside it is fine, a
    # significant excess over it refutes.
    assert decide(bug, Relation.APPROX, Z_REFUTE) is Verdict.CONSISTENT
    assert decide(Look(0.5, 1e-5, 0.501, band), Relation.APPROX, Z_REFUTE) is Verdict.REFUTED
    # Rounding noise of an exact estimate is not a significant difference.
    exact = Look(mean=0.5 + 1e-17, se=0.0, target=0.5, band=band)
    assert decide(exact, Relation.EQ, Z_REFUTE) is Verdict.CONSISTENT
    assert decide(exact, Relation.LE, Z_REFUTE) is Verdict.CONSISTENT
    assert decide(exact, Relation.LT, Z_REFUTE) is Verdict.UNDECIDED


def test_what_unresolved_regions_can_hide_stays_in_every_margin():
    band = 5e-4
    ok = Look(mean=0.50001, se=1e-5, target=0.5, band=band)
    assert decide(ok, Relation.EQ, Z_REFUTE) is Verdict.CONSISTENT
    # The same estimate, but a region the sample did not resolve can raise the mean by 5e-4:
    # the interval plus that shift no longer fits in the band.
    hidden = replace(ok, hidden_up=5e-4, hidden_note="a region")
    assert decide(hidden, Relation.EQ, Z_REFUTE) is Verdict.UNDECIDED
    assert explain(hidden, Relation.EQ, Z_REFUTE) == "a region"
    assert hopeless(hidden, Relation.EQ, hidden)  # the whole budget cannot shrink it below the band
    # A difference of 60 SE refutes only beyond the shift a region can explain.
    far = Look(mean=0.5006, se=1e-5, target=0.5, band=band)
    assert decide(far, Relation.EQ, Z_REFUTE) is Verdict.REFUTED
    assert decide(replace(far, hidden_up=1e-3), Relation.EQ, Z_REFUTE) is Verdict.UNDECIDED
    # Inequalities use the side that matters: a region that can only raise lhs - rhs does not
    # block lhs - rhs >= 0, and blocks <= 0.
    above = Look(mean=0.6, se=1e-3, target=0.5, band=band, hidden_up=10.0)
    assert decide(above, Relation.GE, Z_REFUTE) is Verdict.CONSISTENT
    below = Look(mean=0.4, se=1e-3, target=0.5, band=band, hidden_up=10.0)
    assert decide(below, Relation.LE, Z_REFUTE) is Verdict.UNDECIDED
    assert decide(replace(below, hidden_up=0.0, hidden_down=10.0), Relation.LE, Z_REFUTE) is Verdict.CONSISTENT
    # ... and a violation refutes only beyond the shift toward satisfying the relation.
    assert decide(below, Relation.GE, Z_REFUTE) is Verdict.UNDECIDED
    assert decide(replace(below, hidden_up=0.0, hidden_down=10.0), Relation.GE, Z_REFUTE) is Verdict.REFUTED


def test_band_floor():
    assert band_for(1e-3, 0.5, 0.2) == pytest.approx(5e-4)  # relative to the target
    assert band_for(1e-3, 0.0, 0.4) == pytest.approx(4e-4)  # target 0: tol x sd
    assert band_for(1e-3, 1e-6, 1e-4) == pytest.approx(1e-7)  # small scale keeps its own band
    assert band_for(1e-3, 0.0, 50.0) == pytest.approx(1e-3)  # floor capped at tol
    assert band_for(1e-3, 90.0, 8000.0) == pytest.approx(0.09)  # a huge spread does not widen the band
    assert band_for(1e-2, 0.0, 0.5) == pytest.approx(5e-3)  # a claim's tolerance scales it


def test_target_zero_is_decided(table):
    # P(g0 >= g1) - P(g1 >= g0) = 0 for iid Gumbels: a purely relative band would be 0.
    g0, g1, pair = _gumbel_pair(table)
    second = Expectation(Piecewise((1, g1 >= g0), (0, True)))
    lhs = Expectation(Piecewise((1, g0 >= g1), (0, True))) - second
    out = check(table, lhs, 0, pair)
    assert out.verdict is Verdict.CONSISTENT, out.evidence.summary
    e = out.evidence.estimates[0]
    assert e.target == 0 and abs(e.mean) <= 3 * e.stderr and e.n <= Settings().mc_max_samples
    assert "band ±0.001 (its absolute floor" in out.evidence.summary  # 1e-3 x sd, and sd = 1 here
    # Shifting one side by 0.05 makes the difference about -0.025: refuted.
    shifted = Expectation(Piecewise((1, g0 >= g1 + R(1, 20)), (0, True))) - second
    assert check(table, shifted, 0, pair).verdict is Verdict.REFUTED


def test_one_percent_of_a_small_probability_is_not_accepted(table):
    # P(z > 5/2) ~ 0.0062; 1% of it (6e-5) is below what 2e7 samples resolve: undecided, never consistent.
    z = table.symbol("z")
    tail = Expectation(Piecewise((1, z > R(5, 2)), (0, True)))
    exact = sympy.erfc(R(5, 2) / sympy.sqrt(2)) / 2
    random = [(z, dist.Normal(0, 1))]
    assert check(table, tail, exact, random).verdict is Verdict.CONSISTENT
    out = check(table, tail, R(101, 100) * exact, random)
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.reason == "sample budget" and "exhausted" in out.evidence.summary
    assert check(table, tail, R(105, 100) * exact, random).verdict is Verdict.REFUTED


def test_no_expectation_declines_at_once(table):
    out = check(table, table.symbol("mu") ** 2, table.symbol("mu") ** 2, [])
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.reason == "no expectation"


def test_heavy_tails_end_undecided_with_reason(table):
    a, b = table.symbol("a"), table.symbol("b")
    out = check(table, Expectation(a / b), 0, [(a, dist.Normal(0, 1)), (b, dist.Normal(0, 1))])
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.reason == "heavy tails"
    assert "standard error does not settle" in out.evidence.summary


def test_non_finite_samples_are_counted_not_dropped(table):
    k = table.symbol("k")
    out = check(table, Expectation(1 / k), 2, [(k, dist.Bernoulli(R(1, 2)))])
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.reason == "non-finite samples"
    assert out.evidence.estimates[0].nonfinite > 0


@pytest.mark.parametrize("claimed", [0, R(987, 10**12)])
def test_rare_event_never_sampled_is_not_decided(table, claimed):
    # P(z > 7) ~ 1.3e-12: no sample hits it, so the zero sample variance proves nothing.
    z = table.symbol("z")
    out = check(table, Expectation(Piecewise((1, z > 7), (0, True))), claimed, [(z, dist.Normal(0, 1))])
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.reason == "no variation"


def test_constant_integrand_is_exact(table):
    z = table.symbol("z")
    out = check(table, Expectation(z - z + 2), 2, [(z, dist.Normal(0, 1))])
    assert out.verdict is Verdict.CONSISTENT
    assert out.evidence.estimates[0].stderr == 0


def test_unsupported_function_is_undecided_with_reason(table):
    z = table.symbol("z")
    out = check(table, Expectation(sympy.loggamma(z + 3)), 1, [(z, dist.Exponential(1))])
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.reason == "unsupported"
    assert "loggamma" in out.evidence.summary


def test_random_variable_outside_expectation_is_not_estimated(table):
    z = table.symbol("z")
    out = check(table, Expectation(z) + z, 0, [(z, dist.Normal(0, 1))])
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.reason == "random"


@pytest.mark.parametrize("extra", [0, 1])
def test_held_derivative_of_a_moving_expectation_declines_without_sampling(table, monkeypatch, extra):
    # x ~ Gumbel(theta, 1): d/dtheta E[sin(x) exp(x^3)] does not pass inside E and has no closed
    # form, so there is no integrand to sample; estimating E[...] itself would answer another
    # question (and overflows: exp(x^3) of Gumbel draws). Also alongside an ordinary expectation.
    theta, x = table.symbol("theta"), table.symbol("x_")
    random = [(x, dist.Gumbel(theta, 1))]
    held = derivative(Expectation(sympy.sin(x) * sympy.exp(x**3)), theta, random)
    assert isinstance(held, HeldDerivative)

    def no_sampling(*args, **kwargs):
        raise AssertionError("the Monte Carlo tier sampled a held derivative")

    monkeypatch.setattr(montecarlo, "run_numpy", no_sampling)
    monkeypatch.setattr(montecarlo, "compile_program", no_sampling)
    out = check(table, held + extra * Expectation(x), extra * theta, random)
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.reason == "derivative of an expectation"
    assert "depends on theta, so the derivative does not pass inside" in out.evidence.summary
    assert out.evidence.estimates == ()


# ---------------------------------------------------------------------------------------
# Nonlinear uses of expectations (delta method) and inequalities.


def test_jensen_inequality_holds_and_its_reverse_is_refuted(table):
    z = table.symbol("z")
    random = [(z, dist.Gamma(2, 1))]
    holds = check(table, log(Expectation(z)), Expectation(log(z)), random, Relation.GE)
    assert holds.verdict is Verdict.CONSISTENT
    reverse = check(table, log(Expectation(z)), Expectation(log(z)), random, Relation.LE)
    assert reverse.verdict is Verdict.REFUTED


def test_nonlinear_equality_through_the_delta_method(table):
    z = table.symbol("z")
    random = [(z, dist.Normal(0, 1))]
    # log E[exp(z)] = 1/2 for a standard normal.
    assert check(table, log(Expectation(sympy.exp(z))), R(1, 2), random, tolerance=1e-2).verdict is Verdict.CONSISTENT
    assert check(table, Expectation(z**2) ** 2, R(11, 10), random, tolerance=1e-2).verdict is Verdict.REFUTED


def test_inequality_between_expectations_of_different_integrands(table):
    z = table.symbol("z")
    random = [(z, dist.Normal(0, 1))]
    # E[max(z, 0)] = 1/sqrt(2 pi) ~ 0.399 <= E[softplus(z)] ~ 0.813
    out = check(table, Expectation(sympy.Max(z, 0)), Expectation(softplus(z)), random, Relation.LE)
    assert out.verdict is Verdict.CONSISTENT
    out = check(table, Expectation(sympy.Max(z, 0)), Expectation(softplus(z)), random, Relation.GT)
    assert out.verdict is Verdict.REFUTED


@pytest.mark.parametrize("relation", [Relation.LE, Relation.LT])
def test_inequality_that_holds_with_equality(table, relation):
    # E[max(z, 0)] and E[max(-z, 0)] are equal for a symmetric z. Their difference is z, a
    # control variate, so the estimate is exact up to the residual's cancellation, which is
    # also all a violation of 1e-11 would leave: < must not be accepted, and neither may <=
    # on a residual's rounding (whose sign differs between CPUs). Both use the whole budget.
    z = table.symbol("z")
    random = [(z, dist.Normal(0, 1))]
    lhs, rhs = Expectation(sympy.Max(z, 0)), Expectation(sympy.Max(-z, 0))
    out = check(table, lhs, rhs, random, relation, mc_max_samples=2**21)
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.reason == "sample budget"


def test_small_violation_of_an_inequality_is_not_accepted(table):
    # E[z] <= -0.0005 is false by a margin smaller than the tolerance band: not consistent.
    z = table.symbol("z")
    out = check(
        table,
        Expectation(sympy.Max(z, 0)) - Expectation(sympy.Max(-z, 0)),
        R(-5, 10000),
        [(z, dist.Normal(0, 1))],
        Relation.LE,
        mc_max_samples=2**21,
    )
    assert out.verdict is not Verdict.CONSISTENT


# ---------------------------------------------------------------------------------------
# Vector and matrix integrands.


def _mvn(table):
    x = table["x"].obj
    cov = sympy.ImmutableMatrix([[2, R(1, 2), 0], [R(1, 2), 1, R(1, 5)], [0, R(1, 5), R(3, 2)]])
    mean = sympy.ImmutableMatrix([1, 0, -1])
    return x, cov, mean, [(x, dist.MultivariateNormal(mean, cov))]


def test_outer_product_expectation_elementwise(table):
    x, cov, mean, random = _mvn(table)
    target = cov + mean * mean.T
    out = check(table, Expectation(x * x.T), target, random, tolerance=1e-2)
    assert out.verdict is Verdict.CONSISTENT
    assert len(out.evidence.estimates) == 9
    bumped = target + sympy.ImmutableMatrix(3, 3, lambda i, j: R(1, 10) if (i, j) == (1, 1) else 0)
    wrong = check(table, Expectation(x * x.T), bumped, random, tolerance=1e-2)
    assert wrong.verdict is Verdict.REFUTED
    assert "target 1.1" in wrong.evidence.summary  # the summary names the refuting entry


def test_quadratic_form_as_one_by_one_matrix(table):
    x, cov, mean, random = _mvn(table)
    a = sympy.ImmutableMatrix([[1, 2, 0], [0, 1, 0], [1, 0, 3]])
    exact = (a * cov).trace() + (mean.T * a * mean)[0, 0]
    assert check(table, Expectation(x.T * a * x), exact, random, tolerance=1e-2).verdict is Verdict.CONSISTENT
    assert check(table, Expectation(x.T * a * x), exact + 1, random, tolerance=1e-2).verdict is Verdict.REFUTED


# ---------------------------------------------------------------------------------------
# Lowering: distributions in ML parameterisations, stable forms.


@pytest.mark.parametrize(
    ("distribution", "integrand", "expected"),
    [
        (dist.Normal(1, 4), lambda v: v**2, 5),  # variance, not standard deviation
        (dist.Uniform(1, 3), lambda v: v, 2),
        (dist.Exponential(4), lambda v: v, R(1, 4)),  # rate
        (dist.Gamma(3, 2), lambda v: v, R(3, 2)),  # shape, rate
        (dist.Beta(2, 3), lambda v: v, R(2, 5)),
        (dist.Bernoulli(R(3, 10)), lambda v: v, R(3, 10)),
        (dist.Categorical([R(6, 10), R(3, 10), R(1, 10)]), lambda v: v**2, R(7, 10)),
        (dist.Gumbel(1, 2), lambda v: v, 1 + 2 * sympy.EulerGamma),
    ],
)
def test_distribution_moments(table, distribution, integrand, expected):
    v = table.symbol("v")
    out = check(table, Expectation(integrand(v)), expected, [(v, distribution)], tolerance=1e-2)
    assert out.verdict is Verdict.CONSISTENT, out.evidence.summary


def test_stable_softplus_does_not_overflow(table):
    z = table.symbol("z")
    out = check(table, Expectation(softplus(1000 + z)), 1000, [(z, dist.Normal(0, 1))])
    assert out.verdict is Verdict.CONSISTENT
    assert out.evidence.estimates[0].nonfinite == 0


def test_stable_forms_match_the_definitions():
    z = sympy.Symbol("z", real=True)
    subs, draws = lower_random([(z, dist.Normal(0, 1))], {})
    exprs = [softplus(z), sigmoid(z), log(sigmoid(z)), log(1 + sympy.exp(z))]
    program = compile_program([stable_form(e.xreplace(subs)) for e in exprs], draws)
    ws = program.workspace(1000)
    ws["draws"][0][:] = np.linspace(-800, 800, 1000)
    program.run(ws)
    xs = ws["draws"][0]
    assert np.all(np.isfinite(ws["y"]))
    np.testing.assert_allclose(ws["y"][0], np.logaddexp(0, xs), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(ws["y"][1], np.exp(-np.logaddexp(0, -xs)), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(ws["y"][2], -np.logaddexp(0, -xs), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(ws["y"][3], np.logaddexp(0, xs), rtol=1e-12, atol=1e-300)


_X, _Y = sympy.symbols("x y", real=True)


def _expressions():
    leaves = st.sampled_from([_X, _Y, sympy.Integer(2), R(-3, 2), sympy.pi])
    unary = [sympy.exp, sympy.sin, sympy.Abs, sympy.tanh, softplus, sigmoid, lambda a: sympy.log(1 + a**2)]
    binary = [
        lambda a, b: a + b,
        lambda a, b: a * b,
        lambda a, b: a - 2 * b,
        sympy.Max,
        lambda a, b: sympy.Min(a, b, 1),
        lambda a, b: a**2 + b**3,
        lambda a, b: Piecewise((a, a > b), (b + 1, _X < 0), (0, True)),
        lambda a, b: Piecewise((1, (a >= b) & (b > -1)), (0, True)),
    ]

    def extend(children):
        return st.one_of(
            st.tuples(st.sampled_from(unary), children).map(lambda t: t[0](t[1])),
            st.tuples(st.sampled_from(binary), children, children).map(lambda t: t[0](t[1], t[2])),
        )

    return st.recursive(leaves, extend, max_leaves=6)


@settings(max_examples=25, deadline=None)
@given(st.lists(_expressions(), min_size=1, max_size=3))
def test_compiled_programs_match_direct_evaluation(exprs):
    # The register allocator reuses scratch buffers aggressively; compare every output with
    # an independent evaluation of the same (stable-form) expressions.
    subs, draws = lower_random([(_X, dist.Normal(0, 1)), (_Y, dist.Uniform(-2, 2))], {})
    lowered = [stable_form(e.xreplace(subs)) for e in exprs]
    program = compile_program(lowered, draws)
    ws = program.workspace(64)
    rng = np.random.default_rng(0)
    for d, buf in zip(draws, ws["draws"], strict=True):
        d.fill(rng, buf)
    with np.errstate(all="ignore"):
        program.run(ws)
        args = [d.symbol for d in draws]
        for row, e in zip(ws["y"], lowered, strict=True):
            f = sympy.lambdify(args, e, modules=[{"log1p": np.log1p}, "numpy"])
            expected = np.broadcast_to(np.asarray(f(*ws["draws"]), dtype=float), row.shape)
            np.testing.assert_allclose(row, expected, rtol=1e-9, atol=1e-12, equal_nan=True)


def test_invalid_distribution_parameters_are_rejected():
    z, s = sympy.Symbol("z", real=True), sympy.Symbol("s", real=True)
    with pytest.raises(DistributionError, match="variance must be greater than 0"):
        dist.Normal(0, -1)  # at construction, so no tier reasons about it
    with pytest.raises(LoweringError, match="variance must be greater than 0"):
        lower_random([(z, dist.Normal(0, s))], {s: -1})  # a parameter point outside the range
    with pytest.raises(LoweringError, match="not numeric"):
        lower_random([(z, dist.Normal(0, sympy.Symbol("s")))], {})


def test_identity_whose_float64_mean_is_biased_is_not_refuted(table, monkeypatch):
    # logit(sigmoid(x)) = x exactly, but float64 log(σ) - log(1 - σ) - x has a mean of a few
    # 1e-18 with an SE ten times smaller: 17 SE, which refuted this true claim before the
    # rounding error of the integrand was measured.
    z = table.symbol("z")
    claim = (Expectation(log(sigmoid(z)) - log(1 - sigmoid(z))), Expectation(z), [(z, dist.Normal(0, 1))])
    out = check(table, *claim)
    assert out.verdict is Verdict.CONSISTENT
    assert "float64 rounding error" in out.evidence.summary
    (est,) = out.evidence.estimates
    assert abs(est.mean) < 1e-15 and est.stderr < 1e-17
    monkeypatch.setattr(_mc_claim, "RESOLUTION_FACTOR", 0.0)  # without the measurement: the false refutation
    assert check(table, *claim).verdict is Verdict.REFUTED


def test_rounding_does_not_hide_a_small_real_difference(table):
    z = table.symbol("z")
    lhs = Expectation(log(sigmoid(z)) - log(1 - sigmoid(z)))
    out = check(table, lhs, Expectation(z) + R(1, 10**6), [(z, dist.Normal(0, 1))])
    assert out.verdict is Verdict.REFUTED


def test_rounding_resolution_compares_float64_with_40_digits():
    z = sympy.Symbol("z", real=True)
    subs, draws = lower_random([(z, dist.Normal(0, 1))], {})
    rng = np.random.default_rng(0)
    exact_zero = stable_form((log(sigmoid(z)) - log(1 - sigmoid(z)) - z).xreplace(subs))
    res = _mc_claim.rounding_resolution(exact_zero, draws, rng)
    assert 0 < res < 1e-12
    assert _mc_claim.rounding_resolution(stable_form((z**2).xreplace(subs)), draws, rng) < 1e-12
    # integer arithmetic in float64 is exact: no rounding, no widening
    assert _mc_claim.rounding_resolution(sympy.Integer(3) + 0 * subs[z], draws, rng) == 0.0


# ---------------------------------------------------------------------------------------
# Determinism and streaming statistics.


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_estimates_identical_for_one_and_two_threads(table, backend):
    if backend == "numba":
        pytest.importorskip("numba")
    lhs, random = gumbel_max(table)
    z = table.symbol("z")
    claims = [(lhs, R(1, 2), random), (Expectation(sympy.Max(z, 0) ** 3), 1, [(z, dist.Normal(0, 1))])]
    for a, b, r in claims:
        # A wide band keeps this quick: the point is that the numbers agree bit for bit.
        kw = {"mc_backend": backend, "timeout": 600, "tolerance": 1e-2}
        one = check(table, a, b, r, mc_threads=1, seed=7, **kw)
        two = check(table, a, b, r, mc_threads=2, seed=7, **kw)
        assert one.verdict is two.verdict
        assert [(e.mean, e.stderr, e.n) for e in one.evidence.estimates] == [
            (e.mean, e.stderr, e.n) for e in two.evidence.estimates
        ]
        assert all(e.backend.startswith(backend) for e in two.evidence.estimates)
        other = check(table, a, b, r, mc_threads=2, seed=8, **kw)
        assert other.evidence.estimates[0].mean != two.evidence.estimates[0].mean


@given(
    st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=6),
    st.integers(min_value=0, max_value=2**32 - 1),
    st.sampled_from([1, 2]),
    st.sampled_from([3.0, 1e4]),  # 1e4: mean >> spread, the cancellation-prone case
)
def test_batch_merge_matches_the_pooled_sample(sizes, seed, k, loc):
    rng = np.random.default_rng(seed)
    blocks = [rng.normal(loc, 2.0, size=(k, n)) for n in sizes]
    tot = Totals()
    for block in blocks:
        tot.add(reduce_rows(block))
    pooled = np.concatenate(blocks, axis=1)
    np.testing.assert_allclose(tot.mean, pooled.mean(axis=1), rtol=1e-12, atol=1e-300)
    centered = pooled - pooled.mean(axis=1, keepdims=True)
    np.testing.assert_allclose(tot.comoment, centered @ centered.T, rtol=1e-7, atol=1e-7)


def test_scalar_batch_summaries_merge_as_their_arrays_bit_for_bit():
    # ScalarStats (one integrand on floats) against the same numbers as BatchStats arrays,
    # with the totals read between batches (they turn into arrays and back) and not read.
    rng = np.random.default_rng(12)
    for trial in range(30):
        floats, arrays = Totals(), Totals()
        for i in range(int(rng.integers(1, 20))):
            n = int(rng.choice([0, 3, BATCH]))
            mean = float(rng.normal(0.0, 1e3))
            c = float(rng.choice([rng.exponential() * 1e2, 0.0, math.nan, math.inf]))
            dev = float(rng.choice([rng.exponential(), math.inf, math.nan, 0.0]))
            with np.errstate(all="ignore"):
                floats.add(ScalarStats(n, mean, c, dev, 2))
                arrays.add(BatchStats(n, np.array([mean]), np.array([[c]]), np.array([dev]), 2))
            if trial % 2 and i % 3 == 1:
                assert np.array_equal(floats.mean, arrays.mean, equal_nan=True)
        assert (floats.n, floats.nonfinite, floats.batches) == (arrays.n, arrays.nonfinite, arrays.batches)
        for got, want in [
            (floats.mean, arrays.mean),
            (floats.comoment, arrays.comoment),
            (floats.max_dev_sq, arrays.max_dev_sq),
            (floats.tail_fraction(), arrays.tail_fraction()),
            (floats.global_tail_fraction(), arrays.global_tail_fraction()),
        ]:
            assert got.shape == want.shape and np.array_equal(got, want, equal_nan=True)
    stats = ScalarStats(5, 1.5, 2.0, 0.25, 1)
    assert (stats.mean.tolist(), stats.comoment.tolist(), stats.maxdev.tolist()) == ([1.5], [[2.0]], [0.25])


def test_one_integrand_merge_on_floats_is_the_array_merge_bit_for_bit():
    # Totals merges one-integrand batches on Python floats (it runs serially after the batch
    # threads); the same batches doubled into two identical integrands take the array path.
    rng = np.random.default_rng(11)
    odd = [math.inf, math.nan, 0.0, 1e200]
    for _ in range(40):
        one, two = Totals(), Totals()
        for _ in range(int(rng.integers(1, 25))):
            n = int(rng.choice([0, 7, BATCH]))
            dev = float(rng.choice([rng.exponential(), *odd]))
            c = float(rng.choice([rng.exponential() * 1e3, 0.0, math.nan, math.inf]))
            mean = float(rng.normal(0.0, 1e4))
            with np.errstate(all="ignore"):
                one.add(BatchStats(n, np.array([mean]), np.array([[c]]), np.array([dev]), 1))
                two.add(BatchStats(n, np.array([mean] * 2), np.array([[c, c], [c, c]]), np.array([dev] * 2), 1))
        assert (one.n, one.nonfinite, one.batches) == (two.n, two.nonfinite, two.batches)
        for got, want in [
            (one.mean, two.mean[:1]),
            (one.comoment, two.comoment[:1, :1]),
            (one.max_dev_sq, two.max_dev_sq[:1]),
            (one.tail_fraction(), two.tail_fraction()[:1]),
            (one.global_tail_fraction(), two.global_tail_fraction()[:1]),
        ]:
            assert np.array_equal(got, want, equal_nan=True)


def test_merge_with_empty_side_is_identity():
    m, c = np.array([1.0]), np.array([[2.0]])
    assert merge((5, m, c), (0, np.zeros(1), np.zeros((1, 1))))[0] == 5


def test_batches_do_not_depend_on_thread_count():
    z = sympy.Symbol("z", real=True)
    subs, draws = lower_random([(z, dist.Normal(0, 1))], {})
    program = compile_program([stable_form(softplus(z).xreplace(subs))], draws)
    a = run_numpy(program, draws, 3, 0, range(6), threads=1)
    b = run_numpy(program, draws, 3, 0, range(6), threads=2)
    assert all(x.mean[0] == y.mean[0] and x.comoment[0, 0] == y.comoment[0, 0] for x, y in zip(a, b, strict=True))
    assert all(x.n == BATCH for x in a)


# ---------------------------------------------------------------------------------------
# Backends.


def test_compiled_normals_are_numpys_numbers():
    pytest.importorskip("numba")
    from derive.montecarlo import _numba as _mc_numba  # noqa: PLC0415

    fill = _mc_numba.normal_filler()
    assert fill is not None
    for seed, size in [(11, 7), (12, BATCH), (13, 3 * BATCH + 5)]:
        ours, theirs = np.empty(size), np.empty(size)
        fill(np.random.Generator(np.random.SFC64(seed)), ours)
        np.random.Generator(np.random.SFC64(seed)).standard_normal(out=theirs)
        assert np.array_equal(ours, theirs)
    # The last stream went through the ziggurat's tail branch (|x| > 3.654) dozens of times.
    assert np.count_nonzero(np.abs(ours) > 3.66) > 10


def test_compiled_normals_that_differ_from_numpy_are_not_used(monkeypatch):
    pytest.importorskip("numba")
    from derive.montecarlo import _numba as _mc_numba  # noqa: PLC0415

    wrong = _mc_numba._FILLER_SOURCE.replace("gen.standard_normal()", "gen.standard_normal() * 1.0000001")
    monkeypatch.setattr(_mc_numba, "_FILLER_SOURCE", wrong)
    monkeypatch.setattr(_mc_numba, "_filler", [])
    assert _mc_numba.normal_filler() is None


def test_compiled_normals_give_the_identical_batches():
    pytest.importorskip("numba")
    from derive.montecarlo import _numba as _mc_numba  # noqa: PLC0415

    z = sympy.Symbol("z", real=True)
    v = sympy.ImmutableMatrix(2, 1, sympy.symbols("v0 v1", real=True))
    cov = sympy.ImmutableMatrix([[2, R(1, 2)], [R(1, 2), 1]])
    cases = [
        ([(z, dist.Normal(1, 2))], [softplus(z)]),
        ([(v, dist.MultivariateNormal(sympy.ImmutableMatrix([1, -1]), cov))], [v[0] * v[1], v[0] ** 2]),
    ]
    for random, fs in cases:
        subs, draws = lower_random(random, {})
        program = compile_program([stable_form(f.xreplace(subs)) for f in fs], draws)
        plain = run_numpy(program, draws, 5, 0, range(4), threads=2)
        fast = run_numpy(program, draws, 5, 0, range(4), threads=2, normals=_mc_numba.normal_filler())
        for a, b in zip(plain, fast, strict=True):
            assert np.array_equal(a.mean, b.mean) and np.array_equal(a.comoment, b.comoment)
            assert np.array_equal(a.maxdev, b.maxdev)


def test_auto_draws_normals_with_numba_after_enough_batches(table, monkeypatch):
    pytest.importorskip("numba")
    eps = table.symbol("eps")
    claim = (Expectation(softplus(eps)), R(806059, 10**6), [(eps, dist.Normal(0, 1))])
    monkeypatch.setattr(montecarlo, "NUMBA_NORMALS_AFTER", 0)
    fast = check(table, *claim, tolerance=1e-2, mc_backend="auto")
    plain = check(table, *claim, tolerance=1e-2, mc_backend="numpy")
    assert fast.verdict is plain.verdict is Verdict.CONSISTENT
    assert [(e.mean, e.stderr, e.n) for e in fast.evidence.estimates] == [
        (e.mean, e.stderr, e.n) for e in plain.evidence.estimates
    ]
    assert "normals drawn by numba" in fast.evidence.estimates[0].backend
    assert "numba" not in plain.evidence.estimates[0].backend
    # Without numba, auto draws with numpy and says so.
    monkeypatch.setitem(sys.modules, "numba", None)
    absent = check(table, *claim, tolerance=1e-2, mc_backend="auto")
    assert "numba" not in absent.evidence.estimates[0].backend
    assert absent.evidence.estimates[0].mean == plain.evidence.estimates[0].mean


def test_auto_keeps_numpy_normals_on_short_runs(table, monkeypatch):
    eps = table.symbol("eps")
    monkeypatch.setattr(montecarlo, "NUMBA_NORMALS_AFTER", 10**12)
    out = check(table, Expectation(eps**2), 1, [(eps, dist.Normal(0, 1))], tolerance=1e-2, mc_backend="auto")
    assert out.verdict is Verdict.CONSISTENT
    assert out.evidence.estimates[0].backend.startswith("numpy x") and "numba" not in out.evidence.estimates[0].backend


def _verdicts(table, backend):
    eps = table.symbol("eps")
    normal = [(eps, dist.Normal(0, 1))]
    lhs, random = gumbel_max(table)
    g0, g1, pair = _gumbel_pair(table)
    tie = Expectation(Piecewise((1, g0 >= g1), (0, True))) - Expectation(Piecewise((1, g1 >= g0), (0, True)))
    claims = [
        (Expectation((R(3, 10) + 2 * eps) ** 2), R(9, 100) + 4, normal, None),
        (Expectation((R(3, 10) + 2 * eps) ** 2), R(101, 100) * (R(9, 100) + 4), normal, None),
        (lhs, R(1, 2), random, None),
        (lhs, R(101, 200), random, None),
        (Expectation(sigmoid(eps)), R(5004, 10000), normal, None),
        (tie, 0, pair, None),
        (Expectation(eps / g0), 0, [*normal, (g0, dist.Normal(0, 1))], None),  # heavy tails
    ]
    # A generous time budget: the first numba run compiles its kernels (seconds).
    outs = [check(table, a, b, r, tolerance=t, mc_backend=backend, timeout=600) for a, b, r, t in claims]
    return [o.verdict for o in outs], outs


_EXPECTED = [Verdict.CONSISTENT, Verdict.REFUTED, Verdict.CONSISTENT, Verdict.REFUTED]
_EXPECTED += [Verdict.REFUTED, Verdict.CONSISTENT, Verdict.UNDECIDED]


def test_numba_absent_gives_the_same_verdicts_through_numpy(table, monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)  # import numba now raises ImportError
    assert select_backend("numba") == "numpy"
    assert select_backend("auto") == "numpy"
    verdicts, outs = _verdicts(table, "numba")
    assert verdicts == _EXPECTED
    assert outs[-1].evidence.reason == "heavy tails"
    assert all(e.backend.startswith("numpy") for o in outs for e in o.evidence.estimates)


def test_numba_backend_gives_the_same_verdicts(table):
    pytest.importorskip("numba")
    verdicts, outs = _verdicts(table, "numba")
    assert verdicts == _EXPECTED
    assert outs[-1].evidence.reason == "heavy tails"
    assert all(e.backend.startswith("numba") for o in outs for e in o.evidence.estimates)
    assert verdicts == _verdicts(table, "numpy")[0]


def test_numba_backend_falls_back_to_numpy_when_the_kernel_cannot_be_built(table, monkeypatch):
    pytest.importorskip("numba")
    from derive.montecarlo import _numba as _mc_numba  # noqa: PLC0415

    def broken(*_args):
        raise RuntimeError("numba cannot compile this")

    monkeypatch.setattr(_mc_numba, "kernel_for", broken)
    eps = table.symbol("eps")
    claim = (Expectation(softplus(eps)), R(806059, 10**6), [(eps, dist.Normal(0, 1))])
    forced = check(table, *claim, tolerance=1e-2, mc_backend="numba")
    plain = check(table, *claim, tolerance=1e-2, mc_backend="numpy")
    assert forced.verdict is plain.verdict is Verdict.CONSISTENT
    assert [(e.mean, e.stderr, e.n, e.backend) for e in forced.evidence.estimates] == [
        (e.mean, e.stderr, e.n, e.backend) for e in plain.evidence.estimates
    ]


def test_evidence_serialises(table):
    eps = table.symbol("eps")
    out = check(table, Expectation(eps**2), 1, [(eps, dist.Normal(0, 1))], tolerance=1e-2)
    d = out.evidence.to_dict()
    assert d["method"] == "montecarlo" and d["seed"] == 0
    est = d["estimates"][0]
    assert 0.0 <= est["p_value"] <= 1.0 and math.isfinite(est["stderr"]) and est["n"] > 0


def test_catastrophic_float64_cancellation_decides_nothing(table):
    # exp(x)(1 - σ(x)) is σ(x), but at |x| ~ 50 float64 loses every digit of it: no target
    # may be called consistent (nor refuted) on such samples
    w = table.symbol("w")
    random = [(w, dist.Normal(0, 2500))]
    for target in (0, R(1, 2), R(2715, 10000)):
        out = check(table, Expectation(sympy.exp(w) * (1 - sigmoid(w))), target, random, tolerance=1e-2)
        assert out.verdict is Verdict.UNDECIDED
        assert "float64 rounding error" in out.evidence.summary


def test_an_identity_over_a_wide_normal_is_not_refuted_for_its_rounding(table):
    w = table.symbol("w")
    out = check(table, Expectation(1 - sigmoid(w)), Expectation(sigmoid(-w)), [(w, dist.Normal(0, 2500))])
    assert out.verdict is not Verdict.REFUTED


def test_heaviside_lowers_to_its_definition():
    # Built directly (sympy's rewrite canonicalises through sets, seconds on nested arguments),
    # with the value at 0 kept: H(0) = 1/2 by default, or the given h0.
    z = sympy.Symbol("z", real=True)
    _, draws = lower_random([(z, dist.Uniform(0, 1))], {})
    (u,) = (d.symbol for d in draws)
    exprs = [
        sympy.Heaviside(u - R(1, 2)),
        sympy.Heaviside(u - R(1, 2), 1),
        sympy.Heaviside(sigmoid(sigmoid(u)) - R(2, 3)),
    ]
    program = compile_program([stable_form(e) for e in exprs], draws)
    ws = program.workspace(5)
    ws["draws"][0][:] = [0.0, 0.25, 0.5, 0.75, 0.999]
    program.run(ws)
    for row, e in zip(ws["y"], exprs, strict=True):
        expected = [float(e.xreplace({u: sympy.Float(x)}).rewrite(sympy.Piecewise)) for x in ws["draws"][0]]
        assert row.tolist() == expected
    assert ws["y"][0].tolist() == [0.0, 0.0, 0.5, 1.0, 1.0]
    assert ws["y"][1].tolist() == [0.0, 0.0, 1.0, 1.0, 1.0]
