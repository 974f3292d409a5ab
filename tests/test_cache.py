"""Tests for derive.cache: keys, what is cached, corruption tolerance, concurrency."""

from __future__ import annotations

import json
import multiprocessing
import pickle
import sqlite3
from pathlib import Path

import pytest
import sympy

from derive.cache import CACHE_SCHEMA, ResultCache, cacheable, claim_fingerprint, decode, default_cache_dir, encode
from derive.model import (
    Claim,
    Counterexample,
    Evidence,
    LatexSource,
    Method,
    Outcome,
    Point,
    Result,
    Settings,
    Verdict,
)
from derive.runner import budget_result, run_claims


def _result(claim: Claim, verdict: Verdict = Verdict.PROVED, method: Method = Method.SYMBOLIC, reason=None) -> Result:
    ev = Evidence(method, f"{verdict.value} by {method.value}", difference="0", reason=reason)
    return Result(claim, verdict, method, 0.25, (Outcome(verdict, ev),))


CLAIM = Claim(id="c1", lhs="x**2", rhs="x*x", symbols={"x": "real"})


@pytest.fixture
def cache(tmp_path: Path) -> ResultCache:
    with ResultCache(tmp_path / "cache") as c:
        yield c


def test_default_directory_honours_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert default_cache_dir() == tmp_path / "elsewhere"
    assert ResultCache().path.parent == tmp_path / "elsewhere"


def test_round_trip_returns_the_callers_claim(cache: ResultCache) -> None:
    key = cache.key(CLAIM, Settings())
    assert cache.get(key, CLAIM) is None
    assert cache.put(key, _result(CLAIM))
    renamed = CLAIM.evolve(id="renamed", statement="same maths")
    hit = cache.get(cache.key(renamed, Settings()), renamed)
    assert hit is not None
    assert hit.claim is renamed
    assert (hit.verdict, hit.method, hit.seconds) == (Verdict.PROVED, Method.SYMBOLIC, 0.25)
    assert hit.evidence is not None
    assert hit.evidence.difference == "0"
    assert (cache.hits, cache.misses) == (1, 1)


@pytest.mark.parametrize(
    "change",
    [
        {"lhs": "x**3"},
        {"rhs": "x + x"},
        {"relation": ">="},
        {"symbols": {"x": "positive"}},
        {"random": {"eps": "Normal(0, 1)"}},
        {"tolerance": 0.01},
        {"timeout": 3.0},
        {"lhs": LatexSource("x^2")},
    ],
)
def test_the_key_changes_with_anything_that_affects_the_verdict(cache: ResultCache, change: dict) -> None:
    assert cache.key(CLAIM, Settings()) != cache.key(CLAIM.evolve(**change), Settings())


def test_the_key_ignores_names_and_prose_but_not_settings(cache: ResultCache) -> None:
    base = cache.key(CLAIM, Settings())
    prose = CLAIM.evolve(id="other", statement="s", source="book", tags=("t",))
    assert cache.key(prose, Settings()) == base
    assert cache.key(CLAIM, Settings(seed=1)) != base
    assert cache.key(CLAIM, Settings(digits=80)) != base


def test_sympy_sides_are_keyed_with_their_assumptions() -> None:
    plain = Claim(id="a", lhs=sympy.sqrt(sympy.Symbol("x") ** 2), rhs=sympy.Symbol("x"))
    positive = Claim(
        id="a", lhs=sympy.sqrt(sympy.Symbol("x", positive=True) ** 2), rhs=sympy.Symbol("x", positive=True)
    )
    assert claim_fingerprint(plain) != claim_fingerprint(positive)
    assert "positive=True" in claim_fingerprint(positive)


def test_only_reproducible_results_are_cached(cache: ResultCache) -> None:
    key = cache.key(CLAIM, Settings())
    assert not cacheable(budget_result(CLAIM, "worker crashed: signal 11", "crashed", 1.0))
    assert not cacheable(_result(CLAIM, Verdict.ERROR, Method.NONE, reason="internal"))
    assert not cacheable(_result(CLAIM, Verdict.UNDECIDED, Method.NUMERIC, reason="MemoryError"))
    assert cacheable(_result(CLAIM, Verdict.ERROR, Method.PARSE, reason="input"))
    assert cacheable(_result(CLAIM, Verdict.UNDECIDED, Method.MONTECARLO, reason="heavy tails"))
    assert cacheable(_result(CLAIM, Verdict.REFUTED, Method.NUMERIC))
    assert not cache.put(key, budget_result(CLAIM, "worker crashed: signal 11", "crashed", 1.0))
    assert cache.get(key, CLAIM) is None


def test_budget_stops_and_kills_are_never_cached(cache: ResultCache) -> None:
    # Issue 18: a worker stopped by its budget (or killed from outside) says nothing
    # reproducible about the claim; a calmer machine or a larger budget may decide it.
    for reason in ("timeout", "memory", "killed: signal 9 (SIGKILL)"):
        stopped = budget_result(CLAIM, reason, f"stopped ({reason})", 1.0)
        assert not cacheable(stopped)
        assert stopped.load_dependent
        assert not cache.put(cache.key(CLAIM, Settings(timeout=1.0)), stopped)
    assert cache.get(cache.key(CLAIM, Settings(timeout=1.0)), CLAIM) is None


def _two_tiers(first: Evidence, verdict: Verdict, last: Evidence) -> Result:
    outcomes = (Outcome(Verdict.UNDECIDED, first), Outcome(verdict, last))
    return Result(CLAIM, verdict, last.method, 3.0, outcomes)


_SYMBOLIC_OUT_OF_TIME = Evidence(
    Method.SYMBOLIC,
    "could not reduce lhs - rhs to 0; evaluating integrals/expectations ran out of time",
    reason="integral not evaluated symbolically",
)
_MC_CONSISTENT = Evidence(Method.MONTECARLO, "consistent with 0")


_UNDECIDED_AFTER_A_CUT = [
    # the symbolic tier ran out of time in an integral, and no other tier decided
    _two_tiers(_SYMBOLIC_OUT_OF_TIME, Verdict.UNDECIDED, Evidence(Method.NUMERIC, "no usable points", reason="x")),
    # any tier's reason "timeout" (the marker every tier uses for a budget-limited decline)
    _result(CLAIM, Verdict.UNDECIDED, Method.NUMERIC, reason="timeout"),
    _result(CLAIM, Verdict.UNDECIDED, Method.MONTECARLO, reason="timeout"),
    _result(CLAIM, Verdict.UNDECIDED, Method.SYMBOLIC, reason="symbolic time budget exhausted"),
    # the numeric ladder's budget note
    _result(CLAIM, Verdict.UNDECIDED, Method.NUMERIC, reason="time budget"),
    _result(CLAIM, Verdict.UNDECIDED, Method.NUMERIC, reason="MemoryError"),
]
_DECIDED_AFTER_A_CUT = [
    _two_tiers(_SYMBOLIC_OUT_OF_TIME, Verdict.CONSISTENT, _MC_CONSISTENT),
    _two_tiers(
        Evidence(
            Method.SYMBOLIC, "symbolic tier stopped after its 2.5 s budget", reason="symbolic time budget exhausted"
        ),
        Verdict.VERIFIED,
        Evidence(Method.NUMERIC, "agree at 12 points"),
    ),
    Result(
        CLAIM,
        Verdict.VERIFIED,
        Method.NUMERIC,
        1.0,
        (Outcome(Verdict.VERIFIED, Evidence(Method.NUMERIC, "agree at 5 points (...); stopped early: time budget")),),
    ),
]


@pytest.mark.parametrize("result", _UNDECIDED_AFTER_A_CUT)
def test_an_undecided_result_a_budget_cut_short_is_never_cached(cache: ResultCache, result: Result) -> None:
    # Issue 18: served from the cache, a load-induced "ran out of time" made every later run exit 1.
    assert result.load_dependent
    for starved in (None, False, True):
        assert not cacheable(result, starved=starved)
    key = cache.key(CLAIM, Settings())
    assert not cache.put(key, result, starved=False)
    assert cache.get(key, CLAIM) is None


@pytest.mark.parametrize("result", _DECIDED_AFTER_A_CUT)
def test_a_verdict_reached_after_a_budget_cut_is_cached_only_from_a_worker_that_was_not_starved(
    cache: ResultCache, result: Result
) -> None:
    # Under load the symbolic tier runs out and Monte Carlo says "consistent" where a calm
    # machine proves: that must not be remembered. A claim whose symbolic tier runs out on
    # a calm machine too (a full core all along) gets the same verdict every time.
    assert result.load_dependent
    key = cache.key(CLAIM, Settings())
    assert not cacheable(result, starved=True)
    assert not cacheable(result)  # not measured (an in-process check): as if starved
    assert not cache.put(key, result, starved=True)
    assert cache.get(key, CLAIM) is None
    assert cacheable(result, starved=False)
    assert cache.put(key, result, starved=False)
    assert cache.get(key, CLAIM) == result


def test_a_refutation_after_a_budget_cut_is_cached() -> None:
    # A confirmed counterexample does not depend on how long the symbolic tier had.
    cx = Counterexample((("x", "2"),), lhs="4", rhs="2", difference="2", digits=100)
    refuted = _two_tiers(_SYMBOLIC_OUT_OF_TIME, Verdict.REFUTED, Evidence(Method.NUMERIC, "differs", counterexample=cx))
    assert not refuted.load_dependent
    assert cacheable(refuted)


def test_a_load_induced_decline_from_the_real_engine_is_not_cached(tmp_path: Path) -> None:
    # A true claim whose integral sympy needs well over 0.5 s for: under a tiny budget the
    # symbolic tier runs out of time inside it, as it does with longer budgets on a loaded machine.
    claim = Claim(
        id="slow",
        lhs="integrate(exp(-a*x**2)*cos(x)**2, (x, -oo, oo))",
        rhs="sqrt(pi/a)*(1 + exp(-1/a))/2",
        symbols={"a": "positive"},
        timeout=0.5,
    )
    with ResultCache(tmp_path / "c") as cache:
        [result] = run_claims([claim], Settings(timeout=0.5), jobs=1, cache=cache)
        assert result.load_dependent, result.outcomes
        assert result.verdict is not Verdict.REFUTED
        assert cache.get(cache.key(claim, Settings(timeout=0.5)), claim) is None


def test_a_corrupt_database_file_is_rebuilt(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / "results.sqlite3").write_bytes(b"this is not a database" * 100)
    with ResultCache(folder) as cache:
        key = cache.key(CLAIM, Settings())
        assert cache.get(key, CLAIM) is None
        assert cache.put(key, _result(CLAIM))
        assert cache.get(key, CLAIM) is not None
        assert cache.enabled


def test_a_corrupt_row_is_a_miss_and_is_dropped(cache: ResultCache) -> None:
    key = cache.key(CLAIM, Settings())
    cache.put(key, _result(CLAIM))
    cache.close()
    with sqlite3.connect(cache.path) as conn:
        conn.execute("UPDATE results SET value = ? WHERE key = ?", (b"\x80\x04garbage", key))
    assert cache.get(key, CLAIM) is None
    with sqlite3.connect(cache.path) as conn:
        assert conn.execute("SELECT count(*) FROM results").fetchone()[0] == 0


def test_an_unusable_directory_disables_the_cache_with_a_warning(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    with ResultCache(blocker) as cache:
        key = cache.key(CLAIM, Settings())
        assert cache.get(key, CLAIM) is None
        assert not cache.put(key, _result(CLAIM))
        assert not cache.enabled
        assert cache.warning is not None
        assert str(blocker) in cache.warning


def test_clear_removes_everything(cache: ResultCache) -> None:
    key = cache.key(CLAIM, Settings())
    cache.put(key, _result(CLAIM))
    cache.clear()
    assert cache.get(key, CLAIM) is None


def _writer(folder: str, start: int) -> int:
    stored = 0
    with ResultCache(folder) as cache:
        for i in range(start, start + 150):
            claim = Claim(id=f"c{i}", lhs=f"x + {i}", rhs=f"{i} + x")
            stored += cache.put(cache.key(claim, Settings()), _result(claim))
            # Read someone else's rows while they write.
            other = Claim(id="o", lhs=f"x + {i + 150}", rhs=f"{i + 150} + x")
            cache.get(cache.key(other, Settings()), other)
    return stored


def test_concurrent_runs_share_the_cache_safely(tmp_path: Path) -> None:
    folder = str(tmp_path / "shared")
    with multiprocessing.get_context("fork").Pool(3) as pool:
        stored = pool.starmap(_writer, [(folder, 0), (folder, 150), (folder, 300)])
    assert stored == [150, 150, 150]
    with ResultCache(folder) as cache:
        for i in range(450):
            claim = Claim(id=f"c{i}", lhs=f"x + {i}", rhs=f"{i} + x")
            assert cache.get(cache.key(claim, Settings()), claim) is not None


# ---------------------------------------------------------------------------------------
# Rows are data (issue 18): a crafted row never runs code and is dropped with one notice.


class _Payload:
    """Unpickling this runs a command: what a crafted row in an old cache could do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple:
        import os  # noqa: PLC0415

        return (os.system, (f"touch {self.marker}",))


def _plant(cache: ResultCache, key: str, value: object) -> None:
    cache.close()
    with sqlite3.connect(cache.path) as conn:
        conn.execute("INSERT OR REPLACE INTO results (key, value, created) VALUES (?, ?, 0)", (key, value))


def test_a_crafted_pickle_row_never_executes(cache: ResultCache, tmp_path: Path) -> None:
    marker = tmp_path / "owned"
    key = cache.key(CLAIM, Settings())
    cache.put(key, _result(CLAIM))  # create the database
    _plant(cache, key, pickle.dumps(_Payload(marker)))
    assert cache.get(key, CLAIM) is None
    assert not marker.exists()
    assert cache.dropped == 1
    [message] = cache.messages
    assert message.startswith("dropped 1 unreadable cache row(s) from ")
    with sqlite3.connect(cache.path) as conn:  # the row is gone: the claim is recomputed and stored anew
        assert conn.execute("SELECT count(*) FROM results").fetchone()[0] == 0


@pytest.mark.parametrize(
    "row",
    [
        '{"schema": 1, "result": {}}',  # another schema
        '{"schema": 2, "result": {"verdict": "proved", "method": "symbolic", "seconds": 1, "evidence": []}, "x": 1}',
        '{"schema": 2, "result": {"verdict": "proved", "method": "symbolic", "seconds": 1, "evidence": [],'
        ' "__class__": "os.system"}}',
        '{"schema": 2, "result": {"verdict": "proved", "method": "symbolic", "seconds": 1,'
        ' "evidence": [{"method": "symbolic", "summary": "s", "verdict": "proved", "py/object": "os.system"}]}}',
        '{"schema": 2, "result": {"verdict": "certain", "method": "symbolic", "seconds": 1, "evidence": []}}',
        '{"schema": 2, "result": {"verdict": "proved", "method": "symbolic", "seconds": "1", "evidence": []}}',
        '{"schema": 2, "result": {"verdict": "proved", "method": "symbolic", "seconds": 1,'
        ' "evidence": [{"method": "numeric", "summary": "s", "verdict": "proved", "points": [{"values": {"x": 1}}]}]}}',
        "[" * 100_000,
        " " * (9 << 20),  # larger than any result: never parsed
        b"\xff\xfe not utf-8",
        "",
    ],
)
def test_rows_that_are_not_results_of_this_schema_are_refused(cache: ResultCache, row: object) -> None:
    with pytest.raises(ValueError):
        decode(row, CLAIM)  # type: ignore[arg-type]
    key = cache.key(CLAIM, Settings())
    cache.put(key, _result(CLAIM))
    _plant(cache, key, row)
    assert cache.get(key, CLAIM) is None
    assert cache.dropped == 1


def test_a_stored_row_is_plain_json(cache: ResultCache) -> None:
    key = cache.key(CLAIM, Settings())
    cache.put(key, _result(CLAIM))
    cache.close()
    with sqlite3.connect(cache.path) as conn:
        [value] = conn.execute("SELECT value FROM results").fetchone()
    data = json.loads(value)
    assert data["schema"] == CACHE_SCHEMA
    assert data["result"]["verdict"] == "proved"
    assert data["result"]["evidence"] == [
        {"method": "symbolic", "summary": "proved by symbolic", "difference": "0", "verdict": "proved"}
    ]


def test_a_result_that_does_not_read_back_equal_is_not_stored(cache: ResultCache) -> None:
    # Two values for one symbol collapse in the JSON mapping: storing it would change it.
    point = Point((("x", "1"), ("x", "2")), lhs="1", rhs="1", difference="0", digits=50)
    ev = Evidence(Method.NUMERIC, "agree", points=(point,))
    odd = Result(CLAIM, Verdict.VERIFIED, Method.NUMERIC, 1.0, (Outcome(Verdict.VERIFIED, ev),))
    assert encode(odd) is None
    assert not cache.put(cache.key(CLAIM, Settings()), odd)


def test_a_corrupt_database_is_discarded_with_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / "results.sqlite3").write_bytes(b"this is not a database" * 100)
    with ResultCache(folder) as cache:
        cache.get(cache.key(CLAIM, Settings()), CLAIM)
        [message] = cache.messages
        assert message.startswith(f"discarded the unreadable cache {folder / 'results.sqlite3'}")
        assert message.endswith("rebuilt it empty")


def test_a_database_with_triggers_is_not_used(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    with sqlite3.connect(folder / "results.sqlite3") as conn:
        conn.execute("CREATE TABLE results (key TEXT PRIMARY KEY, value BLOB NOT NULL, created REAL NOT NULL)")
        conn.execute("CREATE TABLE loot (x)")
        conn.execute("CREATE TRIGGER steal AFTER INSERT ON results BEGIN INSERT INTO loot VALUES (new.key); END")
    with ResultCache(folder) as cache:
        key = cache.key(CLAIM, Settings())
        assert cache.put(key, _result(CLAIM))
        assert "not a derive cache" in cache.messages[0]
    with sqlite3.connect(folder / "results.sqlite3") as conn:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert "steal" not in names
    assert "loot" not in names


def test_odd_text_in_evidence_round_trips(cache: ResultCache) -> None:
    ev = Evidence(Method.SYMBOLIC, "lone surrogate \ud800, NUL \x00, ∫ é 🙂", difference="0")
    odd = Result(CLAIM, Verdict.PROVED, Method.SYMBOLIC, 0.5, (Outcome(Verdict.PROVED, ev),))
    key = cache.key(CLAIM, Settings())
    assert cache.put(key, odd)
    assert cache.get(key, CLAIM) == odd


def test_a_symbolic_link_in_place_of_the_database_is_removed_not_followed(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    victim = tmp_path / "victim.sqlite3"
    with sqlite3.connect(victim) as conn:
        conn.execute("CREATE TABLE mine (x)")
    (folder / "results.sqlite3").symlink_to(victim)
    with ResultCache(folder) as cache:
        assert cache.put(cache.key(CLAIM, Settings()), _result(CLAIM))
        assert cache.messages == [
            f"removed {folder / 'results.sqlite3'}, a symbolic link where the cache keeps its file"
        ]
    assert not (folder / "results.sqlite3").is_symlink()
    with sqlite3.connect(victim) as conn:
        assert [row[0] for row in conn.execute("SELECT name FROM sqlite_master")] == ["mine"]
