"""Tests for derive.runner: isolation, budgets, order, crashes, progress, Ctrl-C.

Most tests replace ``derive.engine.check_claim`` with a scripted fake (workers are forked,
so they see the patched function): each claim's id says what the fake does, which makes
timeouts, memory exhaustion and crashes deterministic. A few tests run the real engine.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import time
from pathlib import Path

import pytest

import derive.engine
from derive.cache import ResultCache, cacheable
from derive.model import Claim, Evidence, Method, Outcome, Result, Settings, Verdict
from derive.runner import RunInterrupted, _death_result, budget_result, not_run_result, run_claims

FAST = Settings(timeout=2.0, memory_mb=1024)


def _scripted(claim: Claim, settings: Settings) -> Result:
    """A fake engine: the claim id names the behaviour."""
    calls = os.environ.get("DERIVE_TEST_CALLS")
    if calls:
        with open(calls, "a") as fh:
            fh.write(claim.id + "\n")
    kind = claim.id.split("-")[0]
    if kind == "sleep":
        time.sleep(60)
    elif kind == "nap":
        time.sleep(3)
    elif kind == "memory":
        blocks = [bytearray(64 << 20) for _ in range(1000)]  # far beyond the cap
        del blocks
    elif kind == "segv":
        faulthandler.disable()  # pytest's faulthandler would print this deliberate crash into the log
        os.kill(os.getpid(), signal.SIGSEGV)
    elif kind == "exit":
        os._exit(7)
    elif kind == "killed":  # as `kill -9 <worker>` from another terminal, or a CI runner reaping processes
        os.kill(os.getpid(), signal.SIGKILL)
    elif kind == "term":
        os.kill(os.getpid(), signal.SIGTERM)
    elif kind == "raise":
        msg = "scripted failure"
        raise ValueError(msg)
    elif kind == "recurse":

        def down(n: int) -> int:
            return down(n + 1) + 1

        down(0)
    elif kind == "waited":
        # A worker that waits (as one the machine starves of CPU does) and then decides after
        # its symbolic tier ran out of time.
        time.sleep(0.6)
        cut = Evidence(Method.SYMBOLIC, "symbolic tier stopped after its 2.5 s budget", reason="timeout")
        ok = Evidence(Method.MONTECARLO, "consistent")
        outcomes = (Outcome(Verdict.UNDECIDED, cut), Outcome(Verdict.CONSISTENT, ok))
        return Result(claim, Verdict.CONSISTENT, Method.MONTECARLO, 0.6, outcomes)
    elif kind == "refute":
        ev = Evidence(Method.NUMERIC, "differs")
        return Result(claim, Verdict.REFUTED, Method.NUMERIC, 0.01, (Outcome(Verdict.REFUTED, ev),))
    ev = Evidence(Method.SYMBOLIC, f"lhs - rhs simplifies to 0 (seed {settings.seed})")
    return Result(claim, Verdict.PROVED, Method.SYMBOLIC, 0.01, (Outcome(Verdict.PROVED, ev),))


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(derive.engine, "check_claim", _scripted)


def _claims(*ids: str) -> list[Claim]:
    # Distinct sides: the cache key ignores ids, and the fake engine's behaviour follows them.
    return [Claim(id=i, lhs=f"x + {n}", rhs=f"{n} + x") for n, i in enumerate(ids)]


def test_results_come_back_in_input_order_for_any_jobs(scripted: None) -> None:
    claims = _claims(*[f"ok-{i}" if i % 3 else f"refute-{i}" for i in range(12)])
    one = run_claims(claims, FAST, jobs=1)
    two = run_claims(claims, FAST, jobs=2)
    assert [r.claim.id for r in one] == [c.id for c in claims]
    assert [(r.claim.id, r.verdict) for r in one] == [(r.claim.id, r.verdict) for r in two]
    assert one[0].verdict is Verdict.REFUTED
    assert one[1].verdict is Verdict.PROVED


def test_results_carry_the_callers_claim_objects(scripted: None) -> None:
    claims = _claims("ok-a", "ok-b")
    results = run_claims(claims, FAST, jobs=1)
    assert all(r.claim is c for r, c in zip(results, claims, strict=True))


def test_timeout_kills_the_worker_and_the_run_continues(scripted: None) -> None:
    claims = _claims("ok-1", "sleep-1", "ok-2")
    results = run_claims(claims, Settings(timeout=0.5), jobs=1)
    assert [r.verdict for r in results] == [Verdict.PROVED, Verdict.UNDECIDED, Verdict.PROVED]
    slow = results[1]
    assert slow.method is Method.BUDGET
    assert slow.evidence is not None
    assert slow.evidence.reason == "timeout"
    assert slow.detail == "stopped after 0.5 s (timeout); raise --timeout or the claim's timeout:"


def test_claims_queued_behind_a_slow_one_are_taken_over_by_an_idle_worker(
    scripted: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = tmp_path / "calls.txt"
    monkeypatch.setenv("DERIVE_TEST_CALLS", str(calls))
    claims = _claims("nap-1", *[f"ok-{i}" for i in range(7)])
    results = run_claims(claims, Settings(timeout=30), jobs=2)
    assert [r.claim.id for r in results] == [c.id for c in claims]
    assert all(r.verdict is Verdict.PROVED for r in results)
    done = calls.read_text().split()
    # Every claim ran; the ones queued behind the nap also ran on the other worker (the
    # napping worker may start one of them again before it is stopped: first answer wins).
    assert set(done) == {c.id for c in claims}
    assert done.count("nap-1") == 1
    assert len(done) <= len(claims) + 2


def test_a_claims_own_timeout_overrides_the_setting(scripted: None) -> None:
    claim = Claim(id="sleep-own", lhs="x", rhs="x", timeout=0.3)
    (result,) = run_claims([claim], Settings(timeout=30), jobs=1)
    assert result.evidence is not None
    assert result.evidence.reason == "timeout"
    assert "0.3 s" in result.detail


def test_memory_exhaustion_is_undecided_memory(scripted: None) -> None:
    claims = _claims("memory-1", "ok-after")
    results = run_claims(claims, Settings(timeout=20, memory_mb=600), jobs=1)
    assert results[0].verdict is Verdict.UNDECIDED
    assert results[0].evidence is not None
    assert results[0].evidence.reason == "memory"
    assert "600 MB" in results[0].detail
    assert results[1].verdict is Verdict.PROVED


def test_a_crashed_worker_is_reported_and_replaced(scripted: None) -> None:
    claims = _claims("segv-1", "ok-1", "exit-1", "ok-2")
    results = run_claims(claims, FAST, jobs=2)
    assert [r.verdict for r in results] == [Verdict.UNDECIDED, Verdict.PROVED, Verdict.UNDECIDED, Verdict.PROVED]
    assert results[0].evidence is not None
    assert results[0].evidence.reason == "worker crashed: signal 11"
    assert "SIGSEGV" in results[0].detail
    assert results[2].evidence is not None
    assert results[2].evidence.reason == "worker crashed: exit 7"


def test_a_worker_killed_from_outside_is_reported_as_killed_not_out_of_memory(scripted: None, tmp_path: Path) -> None:
    # Issue 18: a SIGKILL had been reported as "ran out of memory (cap 2048 MB) ... killed by
    # the system" and cached, although the worker was far below its cap.
    claims = _claims("killed-1", "ok-1", "term-1")
    with ResultCache(tmp_path / "cache") as cache:
        results = run_claims(claims, Settings(timeout=20, memory_mb=2048), jobs=1, cache=cache)
        assert [r.verdict for r in results] == [Verdict.UNDECIDED, Verdict.PROVED, Verdict.UNDECIDED]
        killed, term = results[0], results[2]
        assert killed.evidence is not None
        assert killed.evidence.reason == "killed: signal 9 (SIGKILL)"
        assert killed.detail.startswith("worker killed by signal 9 (SIGKILL) from outside derive after ")
        assert "memory cap, which stops a claim with a MemoryError" in killed.detail
        assert "ran out of memory" not in killed.detail
        assert term.evidence is not None
        assert term.evidence.reason == "killed: signal 15 (SIGTERM)"
        for result in (killed, term):
            assert result.load_dependent
            assert cache.get(cache.key(result.claim, Settings(timeout=20, memory_mb=2048)), result.claim) is None
        assert cache.get(cache.key(claims[1], Settings(timeout=20, memory_mb=2048)), claims[1]) is not None


def test_a_sigkill_is_blamed_on_the_system_only_when_its_oom_killer_acted() -> None:
    claim = Claim(id="c", lhs="x", rhs="x")
    oom = _death_result(claim, -signal.SIGKILL, 2048, 3.0, oom_killed=True)
    assert oom.evidence is not None
    assert oom.evidence.reason == "killed: signal 9 (SIGKILL), out of memory (system)"
    assert "out-of-memory killer" in oom.detail
    assert "cap of 2048 MB was not reached" in oom.detail
    capped = _death_result(claim, 99, 2048, 3.0)  # a MemoryError while receiving the claim: the cap
    assert capped.evidence is not None
    assert capped.evidence.reason == "memory"
    assert "ran out of memory (cap 2048 MB)" in capped.detail
    assert not cacheable(oom)
    assert not cacheable(capped)


def test_an_exception_in_the_engine_is_an_error_row(scripted: None) -> None:
    (result,) = run_claims(_claims("raise-1"), FAST, jobs=1)
    assert result.verdict is Verdict.ERROR
    assert "internal error: ValueError: scripted failure" in result.detail
    assert "report" in result.detail


def test_runaway_recursion_is_undecided_not_a_crash(scripted: None) -> None:
    results = run_claims(_claims("recurse-1", "ok-1"), FAST, jobs=1)
    assert results[0].verdict is Verdict.UNDECIDED
    assert results[0].evidence is not None
    assert results[0].evidence.reason == "RecursionError"
    assert results[1].verdict is Verdict.PROVED


def test_progress_is_called_once_per_claim(scripted: None) -> None:
    seen: list[tuple[int, int, str]] = []
    claims = _claims("ok-1", "ok-2", "ok-3")
    run_claims(claims, FAST, jobs=2, progress=lambda done, total, r: seen.append((done, total, r.claim.id)))
    assert [d for d, _, _ in seen] == [1, 2, 3]
    assert {t for _, t, _ in seen} == {3}
    assert sorted(i for _, _, i in seen) == ["ok-1", "ok-2", "ok-3"]


def test_ctrl_c_returns_what_finished_and_marks_the_rest(scripted: None) -> None:
    def interrupt(done: int, total: int, result: Result) -> None:
        if done == 1:
            raise KeyboardInterrupt

    claims = _claims("ok-1", "ok-2", "ok-3")
    with pytest.raises(RunInterrupted) as info:
        run_claims(claims, FAST, jobs=1, progress=interrupt)
    results = info.value.results
    assert [r.claim.id for r in results] == ["ok-1", "ok-2", "ok-3"]
    assert results[0].verdict is Verdict.PROVED
    assert all(r.evidence is not None and r.evidence.reason == "interrupted" for r in results[1:])


def test_cache_hits_skip_the_workers(scripted: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = tmp_path / "calls.txt"
    monkeypatch.setenv("DERIVE_TEST_CALLS", str(calls))
    claims = _claims("ok-1", "refute-1", "sleep-1")
    with ResultCache(tmp_path / "cache") as cache:
        first = run_claims(claims, Settings(timeout=0.5), jobs=2, cache=cache)
        second = run_claims(claims, Settings(timeout=0.5), jobs=2, cache=cache)
        assert cache.hits == 2
    assert [r.verdict for r in first] == [r.verdict for r in second]
    # A claim stopped by its time budget is never cached (it may finish on a calmer machine): it runs again.
    assert sorted(calls.read_text().split()) == ["ok-1", "refute-1", "sleep-1", "sleep-1"]
    assert second[2].evidence is not None
    assert second[2].evidence.reason == "timeout"


def test_budget_and_not_run_results_are_undecided() -> None:
    claim = Claim(id="c", lhs="x", rhs="x")
    result = budget_result(claim, "timeout", "stopped", 1.0)
    assert (result.verdict, result.method, result.ok) == (Verdict.UNDECIDED, Method.BUDGET, False)
    assert not_run_result(claim).detail == "not run (interrupted)"


def test_the_real_engine_decides_inside_workers() -> None:
    claims = [
        Claim(id="sigmoid", lhs="diff(log(1 - sigmoid(a)), a)", rhs="-sigmoid(a)"),
        Claim(id="wrong", lhs="(a + b)**2", rhs="a**2 + b**2", expect="fails"),
        Claim(id="garbage", lhs="__import__('os')", rhs="1"),
    ]
    results = run_claims(claims, Settings(timeout=20), jobs=2)
    assert results[0].verdict in (Verdict.PROVED, Verdict.VERIFIED)
    assert results[1].verdict is Verdict.REFUTED
    assert results[1].ok
    assert results[2].verdict is Verdict.ERROR
    assert results[2].detail


def test_a_verdict_reached_under_load_after_a_budget_cut_is_not_cached(scripted: None, tmp_path: Path) -> None:
    # The worker got almost no CPU while the claim took 0.6 s of wall time: the symbolic
    # tier's "ran out" may be the machine's load, so the weaker verdict is not remembered.
    claims = _claims("waited-1", "ok-1")
    with ResultCache(tmp_path / "cache") as cache:
        results = run_claims(claims, FAST, jobs=1, cache=cache)
        assert [r.verdict for r in results] == [Verdict.CONSISTENT, Verdict.PROVED]
        assert cache.get(cache.key(claims[0], FAST), claims[0]) is None
        assert cache.get(cache.key(claims[1], FAST), claims[1]) is not None


def test_copies_of_one_claim_in_a_run_are_decided_once(scripted: None, tmp_path: Path, monkeypatch) -> None:
    calls = tmp_path / "calls.txt"
    monkeypatch.setenv("DERIVE_TEST_CALLS", str(calls))
    # Thirty students wrote the same step (same sides, their own ids) and one wrote another.
    same = [Claim(id=f"ok-{i}", lhs="x + 1", rhs="1 + x") for i in range(30)]
    other = Claim(id="refute-1", lhs="x + 2", rhs="2 + x")
    seen: list[int] = []
    results = run_claims([*same, other], FAST, jobs=2, progress=lambda done, total, r: seen.append(done))
    assert [r.claim.id for r in results] == [c.id for c in [*same, other]]
    assert all(r.claim is c for r, c in zip(results, [*same, other], strict=True))
    assert {r.verdict for r in results[:30]} == {Verdict.PROVED}
    assert results[30].verdict is Verdict.REFUTED
    assert sorted(calls.read_text().split()) == ["ok-0", "refute-1"]  # one engine call per distinct claim
    assert seen == list(range(1, 32))
