"""The tier walk, with stand-in tiers so the walk itself is what is tested."""

from __future__ import annotations

from derive import engine
from derive.engine import check_claim, decide
from derive.errors import ParseError
from derive.language.parsing import prepare
from derive.language.symbols import SymbolTable
from derive.model import Claim, Evidence, Method, Outcome, Problem, Relation, Settings, Verdict


def _tier(verdict: Verdict, method: Method, calls: list[Method]):
    def run(problem: Problem, settings: Settings) -> Outcome:
        calls.append(method)
        return Outcome(verdict, Evidence(method, f"{method.value} says {verdict.value}"))

    return run


def _problem() -> Problem:
    return Problem(lhs=1, rhs=1, relation=Relation.EQ, symbols=SymbolTable())


def test_first_decisive_tier_ends_the_walk() -> None:
    calls: list[Method] = []
    tiers = (
        (Method.SYMBOLIC, _tier(Verdict.UNDECIDED, Method.SYMBOLIC, calls)),
        (Method.NUMERIC, _tier(Verdict.VERIFIED, Method.NUMERIC, calls)),
        (Method.MONTECARLO, _tier(Verdict.CONSISTENT, Method.MONTECARLO, calls)),
    )
    outcomes = decide(_problem(), Settings(), tiers)
    assert calls == [Method.SYMBOLIC, Method.NUMERIC]
    assert [o.verdict for o in outcomes] == [Verdict.UNDECIDED, Verdict.VERIFIED]


def test_tier_errors_become_outcomes_not_exceptions() -> None:
    def boom(problem: Problem, settings: Settings) -> Outcome:
        raise ParseError("bad token", token="$")

    def deep(problem: Problem, settings: Settings) -> Outcome:
        raise RecursionError

    outcomes = decide(_problem(), Settings(), ((Method.SYMBOLIC, deep), (Method.NUMERIC, boom)))
    assert outcomes[0].verdict is Verdict.UNDECIDED
    assert outcomes[0].evidence.reason == "RecursionError"
    assert outcomes[1].verdict is Verdict.ERROR
    assert "bad token" in outcomes[1].evidence.summary


def test_check_claim_reports_parse_errors_as_error_results() -> None:
    result = check_claim(Claim(id="bad", lhs="__import__('os')", rhs="1"))
    assert result.verdict is Verdict.ERROR
    assert result.method is Method.PARSE
    assert not result.ok
    assert result.evidence is not None and result.evidence.summary


def test_unexpected_tier_exceptions_pass_the_walk_on() -> None:
    def unsupported(problem: Problem, settings: Settings) -> Outcome:
        raise NotImplementedError("limit of a Sum")

    calls: list[Method] = []
    outcomes = decide(
        _problem(),
        Settings(),
        ((Method.SYMBOLIC, unsupported), (Method.NUMERIC, _tier(Verdict.VERIFIED, Method.NUMERIC, calls))),
    )
    assert outcomes[0].verdict is Verdict.UNDECIDED
    assert "NotImplementedError: limit of a Sum" in outcomes[0].evidence.summary
    assert outcomes[-1].verdict is Verdict.VERIFIED


def test_a_claims_own_timeout_paces_the_tiers(monkeypatch):
    seen = []

    def fake_decide(problem, settings):
        seen.append(settings.timeout)
        return (Outcome(Verdict.PROVED, Evidence(Method.SYMBOLIC, "stub")),)

    monkeypatch.setattr(engine, "decide", fake_decide)
    check_claim(Claim(id="slow", lhs="x", rhs="x", timeout=60), Settings(timeout=10))
    check_claim(Claim(id="default", lhs="x", rhs="x"), Settings(timeout=10))
    assert seen == [60.0, 10.0]


def test_a_derivative_through_a_moving_expectation_without_closed_form_is_undecided_not_an_error() -> None:
    # x ~ Gumbel(theta, 1): d/dtheta E[sin(x) exp(x**3)] does not pass inside E and has no closed
    # form. The claim is valid input, so it is undecided with the reason, never an input error,
    # and never proved by differentiating E(...) as if it did not depend on theta.
    claim = Claim(
        id="moving",
        lhs="diff(E(sin(x)*exp(x**3)), theta)",
        rhs="0",
        symbols={"theta": "real"},
        random={"x": "Gumbel(theta, 1)"},
    )
    result = check_claim(claim, Settings(timeout=5))
    assert result.verdict is Verdict.UNDECIDED
    numeric = next(o for o in result.outcomes if o.evidence.method is Method.NUMERIC)
    assert numeric.evidence.reason == "derivative of an expectation"
    assert "depends on theta, so the derivative does not pass inside" in numeric.evidence.summary
    assert "does not pass inside" in result.detail
    # Monte Carlo declines at once: no integrand to sample, so no estimates (and no overflow).
    mc = next(o for o in result.outcomes if o.evidence.method is Method.MONTECARLO)
    assert mc.verdict is Verdict.UNDECIDED and mc.evidence.reason == "derivative of an expectation"
    assert mc.evidence.estimates == ()


# ---------------------------------------------------------------------------------------
# Indexed sums: the numeric tier runs on written-out instances with independent entries.


def test_indexed_claim_is_refuted_at_a_named_size_with_independent_entries() -> None:
    claim = Claim(
        id="mean",
        lhs="Sum(x_i, (i, 1, n))",
        rhs="n*Sum(x_i, (i, 1, 1))",
        symbols={"x": "positive", "n": "positive integer"},
    )
    result = check_claim(claim, Settings(timeout=20))
    assert result.verdict is Verdict.REFUTED
    assert result.method is Method.NUMERIC
    ev = result.evidence
    assert ev is not None and ev.counterexample is not None
    values = dict(ev.counterexample.values)
    assert values["n"] == "2" and values["x_1"] != values["x_2"]
    assert result.detail.startswith("differs at n = 2, x_1 = ")


def test_indexed_claim_verified_only_for_the_sizes_tried() -> None:
    claim = Claim(
        id="am-gm",
        lhs="Product(x_i, (i, 1, n))**(1/n)",
        rhs="Sum(x_i, (i, 1, n))/n",
        relation="<=",
        symbols={"x": "positive", "n": "positive integer"},
    )
    result = check_claim(claim, Settings(timeout=20))
    assert result.verdict is Verdict.VERIFIED
    assert result.method is Method.NUMERIC
    assert result.detail.startswith("verified for n = 1, 2, 3, 4, 5, 6, 8 with x_i drawn independently; says nothing")


def test_indexed_instances_share_the_budget(monkeypatch) -> None:
    shares: list[float] = []

    def plain(problem: Problem, settings: Settings) -> Outcome:
        shares.append(settings.timeout)
        return Outcome(Verdict.UNDECIDED, Evidence(Method.NUMERIC, "stand-in", reason="timeout"))

    monkeypatch.setattr(engine, "_numeric_plain", plain)
    monkeypatch.setattr(engine, "TIERS", ((Method.SYMBOLIC, _tier(Verdict.UNDECIDED, Method.SYMBOLIC, [])),))
    claim = Claim(id="s", lhs="Sum(y_i, (i, 1, n))", rhs="0", symbols={"n": "positive integer"})
    result = check_claim(claim, Settings(timeout=8))
    outcome = result.outcomes[1]
    assert outcome.verdict is Verdict.UNDECIDED
    assert outcome.evidence.summary == "for n = 1: stand-in"
    # each instance gets a fair share of what is left: 8/7 for the first, the rest as they finish
    assert len(shares) == 7
    assert 1.0 < shares[0] <= 8 / 7
    assert all(s <= 8.0 for s in shares)


def test_montecarlo_declines_indexed_expectations() -> None:
    claim = Claim(
        id="mc",
        lhs="E(Sum(y_i*eps, (i, 1, n)))",
        rhs="0",
        symbols={"n": "positive integer"},
        random={"eps": "Normal(0, 1)"},
    )
    outcome = engine._montecarlo(prepare(claim), Settings())
    assert outcome.verdict is Verdict.UNDECIDED
    assert outcome.evidence.reason == "indexed"
