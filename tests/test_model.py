"""The claim model: verdicts, expectations, evidence and results."""

from __future__ import annotations

import dataclasses
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
