"""The claim model: verdicts, expectations, evidence and results."""

from __future__ import annotations

import dataclasses
import json
import math
import pickle

import pytest

from derive.errors import ClaimError, Location
from derive.model import (
    Claim,
    Counterexample,
    Estimate,
    Evidence,
    Expect,
    Method,
    Outcome,
    Point,
    Relation,
    Result,
    Verdict,
)


def test_holding_verdicts() -> None:
    assert {v for v in Verdict if v.holds} == {Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT}
    assert not Verdict.UNDECIDED.decisive
    assert not Verdict.ERROR.decisive


@pytest.mark.parametrize(
    ("expect", "verdict", "ok"),
    [
        (Expect.HOLDS, Verdict.PROVED, True),
        (Expect.HOLDS, Verdict.CONSISTENT, True),
        (Expect.HOLDS, Verdict.UNDECIDED, False),
        (Expect.HOLDS, Verdict.REFUTED, False),
        (Expect.FAILS, Verdict.REFUTED, True),
        (Expect.FAILS, Verdict.VERIFIED, False),
        (Expect.FAILS, Verdict.UNDECIDED, False),
        (Expect.FAILS, Verdict.ERROR, False),
    ],
)
def test_expect_matches(expect: Expect, verdict: Verdict, ok: bool) -> None:
    assert expect.matches(verdict) is ok


@pytest.mark.parametrize(
    ("text", "rel"), [("==", Relation.EQ), ("=", Relation.EQ), ("<=", Relation.LE), ("≥", Relation.GE)]
)
def test_relation_parse(text: str, rel: Relation) -> None:
    assert Relation.parse(text) is rel


def test_relation_parse_error_lists_choices() -> None:
    with pytest.raises(ClaimError, match="'<='"):
        Relation.parse("=<")


def test_relation_flip() -> None:
    assert Relation.LE.flipped() is Relation.GE
    assert Relation.EQ.flipped() is Relation.EQ


def test_claim_normalises_convenient_inputs() -> None:
    c = Claim(
        id="x", lhs="a", rhs="b", symbols={"b": "positive", "a": "real"}, relation="<=", expect="fails", tags=["t"]
    )
    assert c.symbols == (("a", "real"), ("b", "positive"))
    assert c.relation is Relation.LE
    assert c.expect is Expect.FAILS
    assert c.tags == ("t",)
    assert c.text == "a <= b"
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.id = "y"  # type: ignore[misc]
    assert c.evolve(id="y").id == "y"


def test_claim_rejects_bad_expect() -> None:
    with pytest.raises(ClaimError, match="'holds' or 'fails'"):
        Claim(id="x", lhs="a", rhs="b", expect="maybe")


def test_evidence_is_immutable_hashable_and_serialisable() -> None:
    cx = Counterexample((("x", "1/2"),), lhs="1", rhs="2", difference="-1", digits=50)
    est = Estimate(mean=1.0, stderr=0.01, n=1000, target=1.0, p_value=0.9, backend="numpy x2")
    ev = Evidence(Method.NUMERIC, "differs at x = 1/2", counterexample=cx, estimates=(est,), seed=3)
    hash(ev)
    d = ev.to_dict()
    assert d["counterexample"]["values"] == {"x": "1/2"}
    assert d["estimates"][0]["backend"] == "numpy x2"
    assert d["seed"] == 3
    assert "x=1/2" in repr(cx)
    assert "lhs - rhs = -1" in cx.describe()


def test_result_ok_detail_and_pickling() -> None:
    claim = Claim(id="wrong", lhs="x**2", rhs="x", expect="fails", where=Location("c.yaml", 3))
    cx = Counterexample((("x", "2"),), lhs="4", rhs="2", difference="2", digits=100)
    res = Result(
        claim,
        Verdict.REFUTED,
        Method.NUMERIC,
        0.1,
        (Outcome(Verdict.REFUTED, Evidence(Method.NUMERIC, "differs", counterexample=cx)),),
    )
    assert res.ok
    assert "counterexample at x = 2" in res.detail
    d = res.to_dict()
    assert (d["id"], d["file"], d["line"], d["verdict"], d["ok"]) == ("wrong", "c.yaml", 3, "refuted", True)
    assert pickle.loads(pickle.dumps(res)) == res


def test_undecided_detail_names_every_tier_that_tried() -> None:
    claim = Claim(id="u", lhs="p(x)", rhs="1")
    outcomes = (
        Outcome(Verdict.UNDECIDED, Evidence(Method.SYMBOLIC, "could not prove lhs - rhs = 0", reason="no rewrite")),
        Outcome(
            Verdict.UNDECIDED,
            Evidence(Method.NUMERIC, "unknown function p(x): no numeric value", reason="unknown function"),
        ),
        Outcome(Verdict.UNDECIDED, Evidence(Method.MONTECARLO, "no expectation to estimate", reason="no expectation")),
    )
    detail = Result(claim, Verdict.UNDECIDED, Method.MONTECARLO, 0.0, outcomes).detail
    assert detail == "symbolic: could not prove lhs - rhs = 0; numeric: unknown function p(x): no numeric value"


# ---------------------------------------------------------------------------------------
# to_dict / from_dict: the result cache stores results as this JSON (issue 18).


def _rich_outcomes() -> tuple[Outcome, ...]:
    point = Point((("a", "3/2"), ("x", "-0.25")), lhs="1.5", rhs="1.5", difference="0", digits=60)
    cx = Counterexample((("x", "2"),), lhs="4", rhs="2", difference="2", digits=100)
    est = Estimate(
        mean=-1.25e-17,
        stderr=0.1 + 0.2,
        n=20_000_000,
        target=math.pi,
        p_value=0.5,
        backend="numba x2",
        params=(("mu", "0.7"), ("sigma", "1/3")),
        nonfinite=3,
    )
    return (
        Outcome(Verdict.UNDECIDED, Evidence(Method.SYMBOLIC, "s", difference="x - 1", route="expand", reason="r")),
        Outcome(Verdict.VERIFIED, Evidence(Method.NUMERIC, "agree", points=(point, point), seed=7)),
        Outcome(Verdict.REFUTED, Evidence(Method.NUMERIC, "differs ∫ é", counterexample=cx, seed=0)),
        Outcome(Verdict.CONSISTENT, Evidence(Method.MONTECARLO, "consistent", estimates=(est, est), seed=1)),
        Outcome(Verdict.UNDECIDED, Evidence(Method.BUDGET, "stopped", reason="timeout")),
        Outcome(Verdict.ERROR, Evidence(Method.PARSE, "bad", reason="input")),
        Outcome(Verdict.UNDECIDED, Evidence(Method.NONE, "")),
    )


@pytest.mark.parametrize("verdict", list(Verdict))
@pytest.mark.parametrize("method", list(Method))
def test_results_round_trip_through_json_exactly(verdict: Verdict, method: Method) -> None:
    claim = Claim(id="c", lhs="x", rhs="x", where=Location("f.yaml", 2))
    for outcomes in ((), _rich_outcomes()[:1], _rich_outcomes()):
        result = Result(claim, verdict, method, 0.123456789012345, outcomes)
        text = json.dumps(result.to_dict(exact=True))
        assert Result.from_dict(json.loads(text), claim) == result
    # The report's rounded seconds read back too (to its four decimals).
    rounded = Result.from_dict(json.loads(json.dumps(result.to_dict())), claim)
    assert rounded == dataclasses.replace(result, seconds=0.1235)


def test_outcome_and_evidence_round_trip() -> None:
    for outcome in _rich_outcomes():
        assert Outcome.from_dict(json.loads(json.dumps(outcome.to_dict()))) == outcome
        assert Evidence.from_dict(outcome.evidence.to_dict()) == outcome.evidence


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"method": "symbolic"},  # no summary
        {"method": "telepathy", "summary": "s"},
        {"method": "symbolic", "summary": "s", "__reduce__": "os.system"},
        {"method": "symbolic", "summary": 3},
        {"method": "symbolic", "summary": "s", "seed": True},
        {"method": "symbolic", "summary": "s", "seed": 1.5},
        {"method": "symbolic", "summary": "s", "points": {"values": {}}},
        {"method": "symbolic", "summary": "s", "points": [{"values": {}, "lhs": "1", "rhs": "1", "difference": "0"}]},
        {"method": "symbolic", "summary": "s", "counterexample": {"values": {"x": 1}}},
        {"method": "symbolic", "summary": "s", "estimates": [{"mean": "1"}]},
    ],
)
def test_evidence_from_anything_else_is_refused(data: object) -> None:
    with pytest.raises(ValueError):
        Evidence.from_dict(data)  # type: ignore[arg-type]


def test_result_from_dict_refuses_unknown_keys_and_values() -> None:
    claim = Claim(id="c", lhs="x", rhs="x")
    good = {"verdict": "proved", "method": "symbolic", "seconds": 1.0, "evidence": []}
    assert Result.from_dict(good, claim).verdict is Verdict.PROVED
    for bad in (
        good | {"class": "Result"},
        good | {"verdict": "PROVED"},
        good | {"seconds": -1},
        good | {"seconds": float("nan")},
        good | {"evidence": [{"method": "symbolic", "summary": "s"}]},  # an outcome needs its verdict
    ):
        with pytest.raises(ValueError):
            Result.from_dict(bad, claim)


@pytest.mark.parametrize(
    ("evidence", "limited"),
    [
        (Evidence(Method.NUMERIC, "time budget: 1 usable of 1 points", reason="timeout"), True),
        (Evidence(Method.MONTECARLO, "time budget: stopped after 1000 samples", reason="timeout"), True),
        (Evidence(Method.SYMBOLIC, "stopped after its 2.5 s budget", reason="symbolic time budget exhausted"), True),
        (Evidence(Method.SYMBOLIC, "...; evaluating integrals/expectations ran out of time", reason="x"), True),
        (Evidence(Method.NUMERIC, "agree at 4 points (...); stopped early: time budget"), True),
        (Evidence(Method.NUMERIC, "the sides have no usable value: time budget", reason="time budget"), True),
        (Evidence(Method.NUMERIC, "numeric tier gave up: MemoryError", reason="MemoryError"), True),
        (Evidence(Method.BUDGET, "worker killed by signal 9", reason="killed: signal 9 (SIGKILL)"), True),
        (Evidence(Method.MONTECARLO, "sample budget of 20000000 samples exhausted", reason="sample budget"), False),
        (Evidence(Method.MONTECARLO, "heavy tails", reason="heavy tails"), False),
        (Evidence(Method.SYMBOLIC, "could not prove lhs - rhs = 0", reason="no rewrite reduced lhs - rhs to 0"), False),
        (Evidence(Method.PARSE, "unknown function", reason="input"), False),
    ],
)
def test_budget_limited_names_every_decline_a_budget_caused(evidence: Evidence, limited: bool) -> None:
    assert evidence.budget_limited is limited
    claim = Claim(id="c", lhs="x", rhs="x")
    undecided = Result(claim, Verdict.UNDECIDED, evidence.method, 1.0, (Outcome(Verdict.UNDECIDED, evidence),))
    assert undecided.load_dependent is limited
    proved = Result(claim, Verdict.CONSISTENT, Method.MONTECARLO, 1.0, (Outcome(Verdict.UNDECIDED, evidence),))
    assert proved.load_dependent is limited
    refuted = Result(claim, Verdict.REFUTED, Method.NUMERIC, 1.0, (Outcome(Verdict.UNDECIDED, evidence),))
    assert not refuted.load_dependent
