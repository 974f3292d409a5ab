"""Checking claims on a Dask distributed cluster instead of local worker processes.

``derive check|latex|grade --executor dask://HOST:PORT`` (or ``DERIVE_EXECUTOR``) sends the
claims to the scheduler at HOST:PORT in batches. On each Dask worker a batch runs through
`derive.runner.run_claims` with one local worker process: the same fork, time and memory
budget and isolation as a local run, so a hostile claim costs only its own budget there too,
and each claim is decided exactly as locally (the engine's randomness comes from the
settings' seed and the claim, never from where it runs: same ``--seed``, same results).

The result cache stays with the caller: hits never leave the machine, and results come back
to be stored here. Copies of one claim are sent once (as `run_claims` does).

Workers start child processes, which Dask's default daemonic worker processes may not do:
start them with ``DASK_DISTRIBUTED__WORKER__DAEMON=False dask worker tcp://HOST:PORT`` (the
scheduler with ``dask scheduler``). A worker that is daemonic returns an ``error`` result for
each claim saying so, rather than checking without isolation.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
from collections.abc import Sequence
from typing import Any

from derive.errors import UsageError
from derive.model import Claim, Evidence, Method, Outcome, Result, Settings, Verdict
from derive.runner import Progress, plan_run, run_claims

__all__ = ["BATCH", "run_on_dask", "scheduler_address"]

BATCH = 8  # claims per task: enough to amortise a round trip, small enough to spread a class
_CONNECT_TIMEOUT = "20s"


def scheduler_address(executor: str) -> str:
    """``tcp://HOST:PORT`` from ``dask://HOST:PORT`` (or a ``tcp://`` address as it is)."""
    text = executor.strip()
    if text.startswith("dask://"):
        text = "tcp://" + text[len("dask://") :]
    if not text.startswith(("tcp://", "tls://", "inproc://")) or text.endswith("//"):
        msg = f"--executor wants dask://HOST:PORT (a Dask scheduler), not {executor!r}"
        raise UsageError(msg)
    return text


def _check_batch(claims: list[Claim], settings: Settings) -> list[Result]:
    """Runs on a Dask worker: the claims through a one-process local pool, budgets and all."""
    if multiprocessing.current_process().daemon:
        why = (
            "this Dask worker is a daemonic process and may not start the isolated process derive checks "
            "each claim in: start workers with DASK_DISTRIBUTED__WORKER__DAEMON=False"
        )
        return [
            Result(
                c,
                Verdict.ERROR,
                Method.NONE,
                0.0,
                (Outcome(Verdict.ERROR, Evidence(Method.NONE, why, reason="executor")),),
            )
            for c in claims
        ]
    return run_claims(claims, settings, jobs=1)


def run_on_dask(
    claims: Sequence[Claim],
    settings: Settings,
    executor: str,
    *,
    cache: Any = None,
    progress: Progress | None = None,
    batch: int = BATCH,
) -> list[Result]:
    """`derive.runner.run_claims`, with the workers of the Dask cluster at ``executor``."""
    try:
        from distributed import Client, as_completed  # noqa: PLC0415 - an optional extra
    except ImportError as exc:
        msg = f"--executor dask:// needs dask.distributed ({exc}); install it with: pip install 'derive[cluster]'"
        raise UsageError(msg) from None
    address = scheduler_address(executor)
    claims = list(claims)
    results: list[Result | None] = [None] * len(claims)
    done = 0

    def finish(index: int, result: Result) -> None:
        nonlocal done
        results[index] = result
        done += 1
        if progress is not None:
            progress(done, len(claims), result)

    plan = plan_run(claims, settings, cache)
    keys, twins, pending = plan.keys, plan.twins, plan.pending
    for index, hit in plan.hits.items():
        finish(index, hit)
    if pending:
        try:
            client = Client(address, timeout=_CONNECT_TIMEOUT)
        except (OSError, ValueError, TypeError) as exc:  # refused, unreachable, or an address it cannot parse
            msg = f"cannot reach the Dask scheduler at {address}: {exc}"
            raise UsageError(msg) from None
        try:
            chunks = [pending[i : i + batch] for i in range(0, len(pending), batch)]
            futures = {
                client.submit(_check_batch, [claims[i] for i in chunk], settings, pure=False): chunk for chunk in chunks
            }
            for future in as_completed(futures):
                for index, result in zip(futures[future], future.result(), strict=True):
                    result = dataclasses.replace(result, claim=claims[index])  # noqa: PLW2901 - the caller's object
                    if cache is not None:
                        cache.put(keys[index], result)
                    finish(index, result)
                    for other in twins.pop(index, ()):
                        finish(other, dataclasses.replace(result, claim=claims[other]))
        finally:
            client.close()
    return [r for r in results if r is not None]
