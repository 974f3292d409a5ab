"""Tests for derive.cache: keys, what is cached, corruption tolerance, concurrency."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest
import sympy

from derive.cache import ResultCache, cacheable, claim_fingerprint, default_cache_dir
from derive.model import Claim, Evidence, LatexSource, Method, Outcome, Result, Settings, Verdict
from derive.runner import budget_result


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


def test_budget_stops_are_cached_under_their_budget_and_say_so(cache: ResultCache) -> None:
    stopped = budget_result(CLAIM, "timeout", "stopped after 1 s (timeout)", 1.0)
    assert cacheable(stopped)
    assert cacheable(budget_result(CLAIM, "memory", "out of memory", 1.0))
    cache.put(cache.key(CLAIM, Settings(timeout=1.0)), stopped)
    assert cache.get(cache.key(CLAIM, Settings(timeout=2.0)), CLAIM) is None  # a larger budget re-runs it
    hit = cache.get(cache.key(CLAIM, Settings(timeout=1.0)), CLAIM)
    assert hit is not None
    assert hit.verdict is Verdict.UNDECIDED
    assert hit.evidence is not None
    assert hit.evidence.reason == "timeout"
    assert "cached from an earlier run; --no-cache runs it again" in hit.detail


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
