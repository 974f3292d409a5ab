"""Tests for the Dask executor (derive/cluster.py): same results as the local pool, budgets on the workers."""

from __future__ import annotations

import dataclasses

import pytest

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")

from derive import cluster  # noqa: E402 - after the optional-extra skip
from derive.errors import UsageError  # noqa: E402
from derive.language.loading import load_claims  # noqa: E402
from derive.model import Claim, Settings, Verdict  # noqa: E402
from derive.runner import run_claims  # noqa: E402

SETTINGS = Settings(timeout=20.0, memory_mb=1024, seed=7)


def _address(c: distributed.LocalCluster) -> str:
    return "dask://" + c.scheduler_address.removeprefix("tcp://")


@pytest.fixture(scope="module")
def local_cluster():
    # Workers start one child process per claim batch (derive's isolation), which daemonic
    # processes may not: the documented setting for real clusters, here for a LocalCluster.
    with dask.config.set({"distributed.worker.daemon": False}):
        c = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
    yield c
    c.close()


def _comparable(results):
    return [{k: v for k, v in r.to_dict(exact=True).items() if k != "seconds"} for r in results]


def test_the_cluster_gives_the_local_pools_results_bit_for_bit(local_cluster):
    claims, errors = load_claims(["claims/sigmoid.yaml", "claims/gaussians.yaml"])
    assert not errors and len(claims) > 10
    claims = [*claims, dataclasses.replace(claims[0], id="copy-of-the-first")]
    local = run_claims(claims, SETTINGS, jobs=2)
    remote = cluster.run_on_dask(claims, SETTINGS, _address(local_cluster), batch=3)
    assert [r.claim for r in remote] == claims
    assert _comparable(remote) == _comparable(local)


def test_the_workers_keep_the_time_budget(local_cluster):
    slow = Claim(id="slow", lhs="integrate(exp(-x**4)*cos(x**3)*log(1 + x**2), (x, 0, oo))", rhs="1", timeout=1.0)
    fine = Claim(id="fine", lhs="(a + b)**2", rhs="a**2 + 2*a*b + b**2")
    slow_result, fine_result = cluster.run_on_dask([slow, fine], SETTINGS, _address(local_cluster), batch=1)
    assert fine_result.verdict is Verdict.PROVED
    assert slow_result.verdict in {Verdict.UNDECIDED, Verdict.REFUTED}
    assert slow_result.seconds < 10


def test_a_daemonic_worker_refuses_rather_than_checking_without_isolation():
    c = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0")
    try:
        (result,) = cluster.run_on_dask([Claim(id="a", lhs="x", rhs="x")], SETTINGS, _address(c))
    finally:
        c.close()
    assert result.verdict is Verdict.ERROR
    assert "DASK_DISTRIBUTED__WORKER__DAEMON=False" in result.detail


@pytest.mark.parametrize(
    ("text", "address"),
    [("dask://10.0.0.5:8786", "tcp://10.0.0.5:8786"), ("tcp://h:1", "tcp://h:1"), (" dask://h:2 ", "tcp://h:2")],
)
def test_scheduler_addresses(text, address):
    assert cluster.scheduler_address(text) == address


@pytest.mark.parametrize("text", ["http://h:1", "h:1", "dask://", ""])
def test_bad_executor_urls_are_usage_errors(text):
    with pytest.raises(UsageError, match="--executor wants dask://HOST:PORT"):
        cluster.scheduler_address(text)


def test_an_unreachable_scheduler_is_a_usage_error(monkeypatch):
    monkeypatch.setattr(cluster, "_CONNECT_TIMEOUT", "1s")
    with pytest.raises(UsageError, match="cannot reach the Dask scheduler"):
        cluster.run_on_dask([Claim(id="a", lhs="x", rhs="x")], SETTINGS, "dask://127.0.0.1:9")
