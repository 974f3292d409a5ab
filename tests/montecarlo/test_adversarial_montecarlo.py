"""The attacker's suite for soundness class 5: Monte Carlo must not accept what rare, heavy events change.

A sample of n draws does not see a region of probability p << 1/n, so its mean and standard
error say nothing about the integrand there: E[z^2 + 1e11 [z > 6.5]] is about 5.016, while
2e7 normal draws estimate 1 +- 0.001. Each case calls the Monte Carlo tier directly (so the
tier itself is exercised, not the exact tiers in front of it) and asserts the exact verdict,
its reason and the evidence; the last cases go through `derive.check` to show what the whole
engine answers.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy

import derive
from derive.language.distributions import Normal
from derive.language.parsing import prepare, split_relation
from derive.model import Claim, Outcome, Settings, Verdict
from derive.montecarlo._batches import BatchStats, Totals
from derive.montecarlo._claim import RESOLVED_HITS, Audit, _Axis, audit_integrand
from derive.montecarlo._lowering import lower_random
from derive.montecarlo.tier import TAIL_LIMIT, check_montecarlo

Z = {"z": "Normal(0, 1)"}
U = {"u": "Uniform(0, 1)"}
XY = {"x": "Normal(0, 1)", "y": "Normal(0, 1)"}


def mc(text: str, random: dict[str, str], symbols: dict[str, str] | None = None, **settings: object) -> Outcome:
    """The Monte Carlo tier's outcome for one claim written as text."""
    lhs, relation, rhs = split_relation(text)
    claim = Claim(
        id="attack",
        lhs=lhs,
        rhs=rhs,
        relation=relation,
        symbols=tuple((symbols or {}).items()),
        random=tuple(random.items()),
    )
    return check_montecarlo(prepare(claim), Settings(**settings))


def assert_rare_region(out: Outcome, where: str) -> None:
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.reason == "rare region"
    summary = out.evidence.summary
    assert "a region of probability" in summary and "is not resolved by 20054016 samples" in summary
    assert where in summary


# ---------------------------------------------------------------------------------------
# Rare regions with huge values. A cell of one normal, uniform or exponential draw that the
# budget cannot resolve is estimated apart, by sampling inside it (a stratum); the rest stays
# in the bound. Wrong claims are then refuted beyond that bound, true ones consistent.


@pytest.mark.parametrize(
    ("text", "random", "estimate"),
    [
        # True value 1 + 1e11 P(z > 6.5) = 5.016000584: the plain sample sees 1 +- 0.0014 (this
        # was consistent), and refuted the true value at 2900 SE.
        ("E(z**2 + 1e11*Heaviside(z - 6.5)) == 1", Z, "estimate 5.0131 ± 0.0014"),
        ("E(z + 1e20*Heaviside(z - 9)) == 0", Z, "estimate 11.2838 ± 0.00098"),  # 1e20 P(z > 9) = 11.286
        ("E(z + Piecewise((1e9, z > 6), (0, True))) == 0", Z, "estimate 0.98761 ± 0.00098"),  # 0.98659
        ("E(z + 1e20*Max(z - 9, 0)) == 0", Z, "estimate 1.22217 ± 0.0029"),  # 1e20 (phi(9) - 9 P(z > 9)) = 1.22
        ("E(z + 1e12*Heaviside(-(z - 6.5)*(z - 6.6))) == 0", Z, "estimate 19.6032"),  # a narrow interval: 19.60
        ("E(u + 1e12*Heaviside(u - 0.9999999)) == 1/2", U, "estimate 99990.5"),  # P = 1e-7: 1e5 (+- the bound 10)
        ("E(e + 1e12*Heaviside(e - 25)) == 1", {"e": "Exponential(1)"}, "estimate 14.8858"),  # 1 + 1e12 e^-25
        ("E(g + 1e12*Heaviside(g - 30)) == 0.5772156649015329", {"g": "Gumbel(0, 1)"}, "estimate 0.669801"),  # 0.6708
        ("E(z + 1e12*Heaviside(Abs(z) - 7)) == 0", Z, "estimate 2.4975"),  # 2.56: found by the grid scan
        ("E(z + 1e12*k) == 0", {"z": "Normal(0, 1)", "k": "Categorical([0.999999999, 0.000000001])"}, "999.901"),
        ("E(z + 1e11*exp(-1000*(z - 7)**2)) == 0", Z, "estimate 0.052227"),  # a smooth bump far out: 0.0512
    ],
)
def test_rare_heavy_regions_refute_a_wrong_claim_through_strata(text, random, estimate):
    out = mc(text, random)
    assert out.verdict is Verdict.REFUTED
    assert estimate in out.evidence.summary
    assert "that regions the sample did not resolve can add" in out.evidence.summary


@pytest.mark.parametrize(
    ("text", "random"),
    [
        ("E(z**2 + 1e11*Heaviside(z - 6.5)) == 5.016000583859139", Z),
        ("E(z**2 + 1e11*Heaviside(z - 6.5)) == 5.016", Z),  # within the band
        ("E(u + 1e12*Heaviside(u - 0.9999999)) == 100000.5", U),
        ("E(e + 1e12*Heaviside(e - 25)) == 1 + 1e12*exp(-25)", {"e": "Exponential(1)"}),
    ],
)
def test_rare_heavy_regions_of_a_true_claim_are_consistent_through_strata(text, random):
    out = mc(text, random)
    assert out.verdict is Verdict.CONSISTENT
    assert "for regions the sample did not resolve" in out.evidence.summary


@pytest.mark.parametrize(
    ("text", "random", "where"),
    [
        # Not stratified (no exact inverse CDF to sample inside the cell, or not one draw's cell):
        # the bound keeps them undecided.
        ("E(g + 1e16*Heaviside(g - 40)) == 2", {"g": "Gamma(2, 1)"}, "gamma draw of g"),
        ("E(b + 1e12*Heaviside(b - 0.9999999)) == 0.5", {"b": "Beta(1, 1)"}, "gamma draw of b"),
        ("E(x + y + 1e10*Heaviside(x + y - 9)) == 0", XY, "0.707*x + 0.707*y in"),  # a direction of two normals
        ("E(x*y + 1e20*Heaviside(x*y - 40)) == 0", XY, "and y in"),  # a nonlinear condition on two draws
        # Conditions on single draws that combine into a rare joint region: the pair grid sees it.
        ("E(x + 1e25*Heaviside(x - 6.5)*Heaviside(y - 6)) == 0", XY, "x in (6.361341, 7.034484] and y in"),
        ("E(x + 1e25*Piecewise((1, (x > 6.5) & (y > 6)), (0, True))) == 0", XY, "and y in"),
        ("E(x + 1e15*Heaviside(x - 4)*Heaviside(y - 4)) == 0", XY, "and y in"),  # each 3e-5, jointly 1e-9
        # A stratum of x would hide the joint region x > 6.5, y > 6 from its own sample: none is made.
        ("E(x + 1e11*Heaviside(x - 6.5) + 1e25*Heaviside(x - 6.5)*Heaviside(y - 6)) == 4.016", XY, "and y in"),
        # Inside a stratum of x, exp(3y) is heavy: the stratum's sample is not trusted.
        ("E(y + 1e11*Heaviside(x - 6.5)*exp(3*y)) == 0", XY, "x in ("),
    ],
)
def test_rare_heavy_regions_are_not_decided(text, random, where):
    assert_rare_region(mc(text, random), where)


def test_an_inequality_that_a_rare_region_breaks_is_refuted():
    # E = 5.016 > 1.5: the plain sample (1 +- 0.0014) held the claim clearly.
    out = mc("E(z**2 + 1e11*Heaviside(z - 6.5)) <= 1.5", Z)
    assert out.verdict is Verdict.REFUTED
    assert "the estimate of lhs - rhs is 3.5131 ± 0.0041 (3 SE): 2545.6 SE above 0" in out.evidence.summary


def test_a_rare_region_that_can_only_help_an_inequality_does_not_block_it():
    out = mc("E(z**2 + 1e11*Heaviside(z - 6.5)) >= 0.9", Z)
    assert out.verdict is Verdict.CONSISTENT
    assert "the estimate of lhs - rhs is 4.1131 ± 0.0041 (3 SE): 2980.3 SE above 0" in out.evidence.summary


def test_a_rare_event_never_sampled_stays_undecided():
    # No variation at all: the existing check says so first.
    out = mc("E(1e20*Heaviside(z - 9)) == 0", Z)
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.reason == "no variation"


# ---------------------------------------------------------------------------------------
# Heavy smooth integrands.


@pytest.mark.parametrize(
    ("text", "share"),
    [
        ("E(exp(z**2/4)) == sqrt(2)", "0.17"),  # finite mean, infinite variance
        ("E(exp(z**2/4)) == 1.4", "0.17"),
        ("E(exp(3*z)) == exp(9/2)", "0.5"),  # E = e^4.5; the sample says 93 +- 6
        ("E(exp(3*z)) == exp(4)", "0.5"),
    ],
)
def test_heavy_tails_are_undecided(text, share):
    out = mc(text, Z)
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.reason == "heavy tails"
    assert f"(share {share} of the sum of squares, in the median batch and in the whole sample)" in out.evidence.summary


def test_a_light_enough_tail_is_decided_both_ways():
    # E[exp(z^2/8)] = 2/sqrt(3) with finite variance: the far tails can add at most ~1e-4.
    true = mc("E(exp(z**2/8)) == 2/sqrt(3)", Z)
    assert true.verdict is Verdict.CONSISTENT
    assert "for regions the sample did not resolve" in true.evidence.summary
    wrong = mc("E(exp(z**2/8)) == 1.154", Z)
    assert wrong.verdict is Verdict.REFUTED
    assert (
        "beyond the" in wrong.evidence.summary
        and "regions the sample did not resolve can add" in wrong.evidence.summary
    )


# ---------------------------------------------------------------------------------------
# True claims stay consistent, wrong ones are refuted; the evidence states the resolution.


@pytest.mark.parametrize(
    ("text", "random", "symbols"),
    [
        ("E((mu + sigma*eps)**2) == mu**2 + sigma**2", {"eps": "Normal(0, 1)"}, {"mu": "real", "sigma": "positive"}),
        ("E(Heaviside(z)) == 1/2", Z, {}),
        ("E(exp(z)) == exp(1/2)", Z, {}),
        ("E(Max(z, 0)) == 1/sqrt(2*pi)", Z, {}),
        ("E(Abs(z)) == sqrt(2/pi)", Z, {}),
        ("E(sigmoid(z)) == 1/2", Z, {}),
        ("E(Piecewise((1, -log(-log(u)) <= -5/2), (0, True))) == exp(-exp(5/2))", U, {}),  # P = 5e-6
    ],
)
def test_true_claims_stay_consistent(text, random, symbols):
    out = mc(text, random, symbols)
    assert out.verdict is Verdict.CONSISTENT
    summary = out.evidence.summary
    assert "agrees with the target to ±" in summary and "(its distance, 3 SE" in summary
    assert "the rare regions and far tails it did not sample" in summary
    assert "interval contains the target" not in summary


def test_a_wrong_mean_of_exp_is_refuted():
    out = mc("E(exp(z)) == exp(2/5)", Z)
    assert out.verdict is Verdict.REFUTED
    assert "SE from the target (threshold 6.00 SE)" in out.evidence.summary


def test_an_inequality_is_reported_as_an_inequality_test():
    holds = mc("log(E(1 + z**2)) >= E(log(1 + z**2))", Z)
    assert holds.verdict is Verdict.CONSISTENT
    summary = holds.evidence.summary
    assert "the estimate of lhs - rhs is 0.159632 ± 0.00083 (3 SE): 578.8 SE above 0" in summary
    assert "contains the target" not in summary and "band" not in summary
    reverse = mc("log(E(1 + z**2)) <= E(log(1 + z**2))", Z)
    assert reverse.verdict is Verdict.REFUTED
    assert "the estimate of lhs - rhs is 0.159632 ± 0.00083 (3 SE): 578.8 SE above 0 (threshold 6.00 SE)" in (
        reverse.evidence.summary
    )


def test_a_tie_does_not_satisfy_a_strict_inequality_and_the_summary_says_why():
    out = mc("E(Max(z, 0)) < E(Max(-z, 0))", Z, mc_max_samples=2**21)
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.reason == "sample budget"
    assert "the estimate of lhs - rhs, " in out.evidence.summary and "is not clearly below 0" in out.evidence.summary


def test_a_tie_is_not_called_exact_on_a_residuals_rounding():
    # E[max(z, 0)] - E[max(-z, 0)] = E[z] is 0 through the control variates, up to the
    # residual's cancellation error: a violation that small would look the same, and the
    # rounding's sign differs between CPUs, so the non-strict tie is not accepted either.
    # Nor is it blamed on the far tails: the tie, not a rare region, holds it back.
    out = mc("E(Max(z, 0)) <= E(Max(-z, 0))", Z, mc_max_samples=2**21)
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.reason == "sample budget"
    assert "is not clearly below 0" in out.evidence.summary


def test_a_true_claim_with_a_large_linear_part_is_not_refuted_on_a_zero_residual():
    # (attacker K24) the residual of sigma(x) after x, x^2 - 1 is 7e-16 of the raw variance of
    # 10^6 x + sigma(x): no larger than the residual's own rounding, so its SE is floored there
    out = mc("E(10**6*z + sigmoid(z)) == 1/2", Z)
    assert out.verdict is Verdict.CONSISTENT, out.evidence.summary
    wrong = mc("E(10**6*z + sigmoid(z)) == 1/2 + 1/100", Z)
    assert wrong.verdict is Verdict.REFUTED, wrong.evidence.summary


# ---------------------------------------------------------------------------------------
# The audit itself.


def test_cell_probabilities_are_exact_in_the_far_tail():
    axis = _Axis("normal")
    assert axis.prob(6.5, math.inf) == pytest.approx(0.5 * math.erfc(6.5 / math.sqrt(2)), rel=1e-14)
    assert axis.prob(-math.inf, -37.0) == pytest.approx(0.5 * math.erfc(37.0 / math.sqrt(2)), rel=1e-12)
    assert _Axis("exponential").prob(25.0, math.inf) == pytest.approx(math.exp(-25.0), rel=1e-14)
    assert _Axis("uniform").prob(0.9999999, 1.0) == pytest.approx(1e-7, rel=1e-8)
    gamma = _Axis("gamma", 2.0)
    assert gamma.prob(40.0, math.inf) == pytest.approx(41 * math.exp(-40.0), rel=1e-12)


def test_audit_cuts_at_the_breakpoint_and_bounds_the_hidden_mass():
    z = sympy.Symbol("z", real=True)
    subs, draws = lower_random(((z, Normal(0, 1)),), {})
    f = (z**2 + sympy.Float(1e11) * sympy.Heaviside(z - sympy.Float(6.5))).xreplace(subs)
    audit = audit_integrand(f, draws, np.random.default_rng(0))
    beyond = 0.5 * math.erfc(6.5 / math.sqrt(2))
    ends = [c for c in range(audit.probs.size) if audit.where(c).startswith(f"{draws[0].symbol} in (6.5,")]
    assert len(ends) == 1  # the breakpoint is a cell boundary
    up, down, region = audit.hidden(20_054_016)
    assert region is not None and region.peak == pytest.approx(1e11, rel=1e-6)
    assert 1e11 * beyond * 0.999 < up < 1e11 * beyond * 1.01  # the whole region z > 6.5, nothing more
    assert down == 0  # the region can only raise the mean
    # Once a region is resolved it hides nothing: a sample that expects 21 draws beyond 6.5.
    assert audit.hidden(int(2 * RESOLVED_HITS / beyond))[0] < 1e-3


def test_an_empty_audit_hides_nothing():
    assert Audit().hidden(10**6) == (0.0, 0.0, None)


# ---------------------------------------------------------------------------------------
# The whole engine: the exact tiers compute what Monte Carlo cannot see.


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("E(z**2 + 1e11*Heaviside(z - 6.5)) == 1", Verdict.REFUTED),
        ("E(Piecewise((1e9, z > 6), (0, True))) == 0", Verdict.REFUTED),
        ("E(1e20*Heaviside(z - 9)) == 0", Verdict.REFUTED),
        ("E(exp(3*z)) == exp(9/2)", Verdict.PROVED),
        ("E(exp(3*z)) == exp(4)", Verdict.REFUTED),
        ("E(exp(z)) == exp(1/2)", Verdict.PROVED),
    ],
)
def test_the_engine_decides_them_exactly(text, verdict):
    out = derive.check(text, random=Z)
    assert out.verdict is verdict
    assert out.method.value == "symbolic"


def test_too_many_conditions_to_audit_is_undecided():
    # An integrand that switches on hundreds of conditions would cost the audit more than the
    # sampling; a rare region among them cannot be excluded, so it is not estimated.
    text = "E(" + " + ".join(f"Heaviside(z - {k}/100)" for k in range(300)) + ") == 150"
    out = mc(text, Z)
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.reason == "rare region"
    assert "switches on 300 conditions, more than the rare-region audit examines (256)" in out.evidence.summary


# ---------------------------------------------------------------------------------------
# Narrow interior features and far parameter points (second attack round).

SPIKE = "10**14*exp(-10**12*((x - 1/3)**2 + (y - 1/2)**2))*(2 + sin(x*y))"


@pytest.mark.parametrize(
    ("text", "random", "where"),
    [
        # true value 90.405: a spike of width 1e-6 at an interior point, no tail box
        (f"E({SPIKE} + sin(x)) == 0", XY, "x = 0.333333, y = 0.5"),
        (f"E({SPIKE} + sin(x)) <= 1", XY, "x = 0.333333, y = 0.5"),
        (
            "E(10**14*exp(-10**12*((u - 1/3)**2 + (v - 1/2)**2))*(2 + sin(u*v)) + cos(2*pi*u)) == 0",
            {"u": "Uniform(0, 1)", "v": "Uniform(0, 1)"},
            "u = 0.333333, the standard uniform draw of v = 0.5",
        ),
    ],
)
def test_a_narrow_interior_spike_is_located_and_not_accepted(text, random, where):
    out = mc(text, random)
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.reason == "rare region"
    assert "a narrow feature of half-width ~1e-05 at" in out.evidence.summary
    assert where in out.evidence.summary
    assert "located by minimising its exponent" in out.evidence.summary


def test_a_narrow_feature_too_small_to_matter_does_not_block():
    # E[exp(-1e12 (x - 1/3)^2)] = 6.7e-7: the feature is found, and its bound fits the band.
    out = mc("E(x**2 + exp(-10**12*(x - 1/3)**2)) == 1 + 6.68894355e-7", Z | {"x": "Normal(0, 1)"})
    assert out.verdict is Verdict.CONSISTENT


def test_an_inequality_over_a_parameter_is_refuted_at_a_moderate_point():
    # E[sigmoid(mu + x)] > 1e-9 fails from mu = -20.7 on; the simple points never go there.
    out = mc("E(sigmoid(mu + x)) > 10**-9", {"x": "Normal(0, 1)"}, {"mu": "real"})
    assert out.verdict is Verdict.REFUTED
    assert "at parameter point 6 of 13: estimate 5.50275e-15" in out.evidence.summary
    assert "at mu=-100/3" in out.evidence.summary


def test_a_sample_that_never_varied_refutes_beyond_what_the_audit_allows():
    # E[max(x - mu, 0)] > 1e-12 fails from mu = 6.7 on; at mu = 100/3 every draw gives 0, the
    # strata beyond 33 give 1.9e-245 and the unresolved cells at most 6e-252.
    out = mc("E(Max(x - mu, 0)) > 10**-12", {"x": "Normal(0, 1)"}, {"mu": "real"})
    assert out.verdict is Verdict.REFUTED
    assert "at parameter point 7 of 13: estimate 1.90453e-245 ± 0" in out.evidence.summary
    assert "at mu=100/3" in out.evidence.summary


@pytest.mark.parametrize("text", ["E(Max(x - mu, 0)) > 0", "E(sigmoid(mu + x)) > 0"])
def test_a_sample_that_never_varied_does_not_refute_a_true_strict_inequality(text):
    # float64 gives exactly 0 (or 1) at the far points: no difference, no refutation, no acceptance.
    out = mc(text, {"x": "Normal(0, 1)"}, {"mu": "real"})
    assert out.verdict is Verdict.UNDECIDED


def test_a_flat_sample_refutes_an_inequality_through_its_strata():
    # Every draw gives 0; the stratum beyond 6 (sampled inside it) gives P(z > 6) = 9.9e-10 > 0.
    out = mc("E(Heaviside(z - 6)) <= 0", Z)
    assert out.verdict is Verdict.REFUTED
    assert "estimate 9.86488e-10 ± 0" in out.evidence.summary
    # the true direction: every draw ties with 0, which is no violation
    assert mc("E(Heaviside(z - 6)) >= 0", Z).verdict is not Verdict.REFUTED


def test_a_parameter_point_float64_cannot_resolve_leaves_a_true_inequality_undecided():
    # 1 - E[sigmoid(100/3 + x)] = 5.5e-15 is below float64's resolution of 1: not consistent.
    out = mc("E(sigmoid(mu + x)) < 1", {"x": "Normal(0, 1)"}, {"mu": "real"})
    assert out.verdict is Verdict.UNDECIDED
    assert "(parameter point 7 of 13)" in out.evidence.summary


def test_a_true_inequality_over_a_parameter_names_the_range_it_covered():
    out = mc("E((x - mu)**2) >= 1/2", {"x": "Normal(0, 1)"}, {"mu": "real"})
    assert out.verdict is Verdict.CONSISTENT
    assert "at all 3 simple, 4 moderate and 6 far parameter points (mu up to" in out.evidence.summary


@pytest.mark.parametrize(
    "text",
    [
        # true value 37.7: sigmoid(c z) sigmoid(-c z) <= exp(-|c z|) is a spike of width 1e-12
        "E(10**14*sigmoid(10**12*(z - 1/3))*sigmoid(-10**12*(z - 1/3)) + sin(z)) == 0",
        # true value 75.4: a kink-shaped spike, located through its exponent's square
        "E(10**14*exp(-10**12*Abs(z - 1/3)) + sin(z)) == 0",
    ],
)
def test_a_spike_through_abs_is_located_too(text):
    out = mc(text, Z)
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.reason == "rare region"
    assert (
        "a region of probability 4.2e-11 (a narrow feature of half-width ~5.6e-11 at z = 0.333333"
        in out.evidence.summary
    )


def test_a_feature_the_sample_resolves_is_estimated():
    # Width 7e-4 (coefficient 100 exp(10) = 2.2e6, no large atom): the sample lands in it and
    # refutes (true value 4.5e10).
    out = mc("E(10**14*exp(-100*exp(10)*(z - 1/3)**2) + sin(z)) == 0", Z)
    assert out.verdict is Verdict.REFUTED
    assert "estimate 4.52932e+10 ± 1.8e+09" in out.evidence.summary


def test_a_width_parameter_is_tried_tiny():
    # At s = 5.4e-12 the bump is a spike of height 4e13: never consistent there (true, but
    # the sample cannot show it).
    out = mc("E(10**8*exp(-(z - 1/3)**2/s)/sqrt(s) + sin(z)) <= 10**8", Z, {"s": "positive"})
    assert out.verdict is Verdict.UNDECIDED
    assert "(parameter point 11 of 11)" in out.evidence.summary
    assert "at s=54267/10000000000000000" in out.evidence.summary


def test_a_far_parameter_point_with_a_huge_exponent_stays_within_the_time_budget():
    # At mu = -6.6e6 the rounding check would have sympy build exp(6.6e6) at 40 digits for
    # minutes; such points are skipped there (float64 gives the 0 or inf anyway).
    out = mc("E(log(sigmoid(mu*x + x**3))) <= 0", {"x": "Normal(0, 1)"}, {"mu": "real"})
    assert out.verdict is Verdict.CONSISTENT
    assert "at all 3 simple, 4 moderate and 6 far parameter points" in out.evidence.summary


def _stats(values):
    v = np.asarray(values, dtype=float)
    mean = v.mean()
    return BatchStats(
        n=v.size,
        mean=np.array([mean]),
        comoment=np.array([[((v - mean) ** 2).sum()]]),
        maxdev=np.array([np.abs(v - mean).max()]),
        nonfinite=0,
    )


def test_a_rare_bounded_value_seen_often_is_not_a_heavy_tail_but_infinite_variance_is():
    rng = np.random.default_rng(1)
    rare, heavy = Totals(), Totals()
    for _ in range(200):
        batch = np.zeros(4096)
        batch[rng.choice(4096, size=3, replace=False)] = 1.0  # p ~ 7e-4: three per batch
        rare.add(_stats(batch))
        heavy.add(_stats(rng.pareto(1.2, 4096)))  # tail index 1.2: infinite variance
    # Per batch the rare value dominates the sum of squares, in the whole sample it does not.
    assert rare.tail_fraction()[0] > TAIL_LIMIT > rare.global_tail_fraction()[0]
    # With infinite variance one draw dominates both.
    assert min(heavy.tail_fraction()[0], heavy.global_tail_fraction()[0]) > TAIL_LIMIT
