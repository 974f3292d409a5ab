"""Reliability of the result cache and the worker pool under concurrency, kills and corruption (issue 18).

Usage (from the repository root)::

    .venv/bin/python bench/reliability.py                 # claims/
    .venv/bin/python bench/reliability.py --path claims/gan.yaml --runs 4

Every run is ``python -m derive check PATH --format json`` in a subprocess (in its own
process group), on a snapshot of the engine and of the claims copied to a temporary
folder, so that edits to the working tree meanwhile change neither. The phases:

1. clean: one run on an empty cache of its own; its verdicts are the reference;
2. concurrent: ``--runs`` runs at once on one shared cache (on a small machine this
   overloads it on purpose: verdicts cut short by a budget may differ, and must not be cached);
3. warm: one more run on the shared cache; it must give the clean verdicts;
4. kill: a run on a fresh cache whose first worker is sent SIGKILL after ``--kill-after``
   seconds: the claim it was checking must be reported as killed (not out of memory),
   and a warm run afterwards on that cache must give the clean verdicts again;
5. corrupt: the shared cache file is overwritten with garbage; the next run must say it
   discarded it (one line) and give the clean verdicts.

After each run, any process left in its process group (a worker that outlived derive) is
counted and killed. Prints one line per phase, then one JSON object as the last line;
``warm_differ``, ``kill_warm_differ``, ``corrupt_differ`` and ``left_behind`` must be 0.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _proc import children, snapshot  # bench/ is the script folder, so on sys.path


@dataclass
class _Run:
    """One finished ``derive check``: its exit status, verdicts by claim id, evidence and stderr."""

    code: int
    verdicts: dict[str, str]
    reasons: dict[str, list[str]]
    details: dict[str, str]
    stderr: str
    seconds: float
    left_behind: int = 0
    killed: list[int] = field(default_factory=list)


def _group_members(pgid: int) -> list[int]:
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        # Fields after the command name (which may hold spaces): state, ppid, pgrp, ...
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 2 and int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry))
    return members


class _Bench:
    def __init__(self, work: Path, target: str, env: dict[str, str], timeout: float | None) -> None:
        self.work = work
        self.target = target
        self.env = env
        self.timeout = timeout

    def start(self, cache: Path) -> subprocess.Popen[str]:
        argv = [sys.executable, "-m", "derive", "check", self.target, "--format", "json"]
        if self.timeout is not None:
            argv += ["--timeout", str(self.timeout)]
        env = dict(self.env, DERIVE_CACHE_DIR=str(cache))
        return subprocess.Popen(
            argv,
            cwd=self.work,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group: what is left in it afterwards is a leak
        )

    def finish(self, proc: subprocess.Popen[str], started: float, killed: list[int] | None = None) -> _Run:
        out, err = proc.communicate()
        seconds = time.monotonic() - started
        time.sleep(0.5)  # the kernel delivers the workers' parent-death signal asynchronously
        left = _group_members(proc.pid)
        for pid in left:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        try:
            claims = json.loads(out)["claims"]
        except (ValueError, KeyError, TypeError):
            claims = []
            err += f"\n(no JSON report; exit {proc.returncode})"
        return _Run(
            code=proc.returncode,
            verdicts={c["id"]: c["verdict"] for c in claims},
            reasons={c["id"]: [e.get("reason") or "" for e in c["evidence"]] for c in claims},
            details={c["id"]: c["detail"] for c in claims},
            stderr=err,
            seconds=seconds,
            left_behind=len(left),
            killed=killed or [],
        )

    def run(self, cache: Path) -> _Run:
        started = time.monotonic()
        return self.finish(self.start(cache), started)

    def run_and_kill(self, cache: Path, after: float) -> _Run:
        started = time.monotonic()
        proc = self.start(cache)
        killed: list[int] = []
        deadline = started + after
        while proc.poll() is None and not killed:
            time.sleep(0.1)
            workers = children(proc.pid)
            if workers and time.monotonic() >= deadline:
                os.kill(workers[0], signal.SIGKILL)
                killed.append(workers[0])
        return self.finish(proc, started, killed)


def _differ(run: _Run, clean: _Run) -> list[str]:
    ids = set(run.verdicts) | set(clean.verdicts)
    return sorted(i for i in ids if run.verdicts.get(i) != clean.verdicts.get(i))


def _say(phase: str, run: _Run, clean: _Run | None) -> None:
    differ = _differ(run, clean) if clean is not None else []
    shown = (
        ", ".join(f"{i}: {run.verdicts.get(i)} (clean {clean.verdicts.get(i)})" for i in differ[:5]) if clean else ""
    )
    print(
        f"{phase:<14} exit {run.code}  {run.seconds:6.1f} s  {len(run.verdicts)} claims"
        f"  {len(differ)} differ from clean{': ' + shown if shown else ''}  {run.left_behind} left behind",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default="claims", help="claim folder or files (default claims/)")
    parser.add_argument("--runs", type=int, default=4, help="concurrent runs on one cache (default 4)")
    parser.add_argument("--kill-after", type=float, default=3.0, help="seconds before a worker is killed (default 3)")
    parser.add_argument("--timeout", type=float, default=None, help="--timeout passed to derive (default: its own)")
    args = parser.parse_args()

    # Run from a scratch folder: `python -m` puts the working directory first on sys.path.
    work = Path(tempfile.mkdtemp(prefix="derive-reliability-"))
    try:
        target, env = snapshot(work, Path(args.path).resolve())
        env.pop("DERIVE_CACHE_DIR", None)
        bench = _Bench(work, target, env, args.timeout)
        shared, killed_cache = work / "shared-cache", work / "kill-cache"

        clean = bench.run(work / "clean-cache")
        _say("clean", clean, None)

        started = time.monotonic()
        procs = [bench.start(shared) for _ in range(args.runs)]
        concurrent = [bench.finish(p, started) for p in procs]
        for i, run in enumerate(concurrent):
            _say(f"concurrent {i + 1}", run, clean)

        warm = bench.run(shared)
        _say("warm", warm, clean)

        killed = bench.run_and_kill(killed_cache, args.kill_after)
        _say("kill", killed, clean)
        victims = [i for i, reasons in killed.reasons.items() if any(r.startswith("killed:") for r in reasons)]
        as_memory = [i for i in victims if "ran out of memory" in killed.details[i]]
        for claim_id in victims:
            print(f"  killed while checking {claim_id}: {killed.details[claim_id]}", flush=True)
        kill_warm = bench.run(killed_cache)
        _say("kill + warm", kill_warm, clean)

        database = shared / "results.sqlite3"
        for suffix in ("-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        database.write_bytes(os.urandom(64 << 10))
        corrupt = bench.run(shared)
        _say("corrupt", corrupt, clean)
        notices = [line for line in corrupt.stderr.splitlines() if "discarded" in line]

        runs = [clean, *concurrent, warm, killed, kill_warm, corrupt]
        summary: dict[str, Any] = {
            "claims": len(clean.verdicts),
            "clean_exit": clean.code,
            "concurrent_differ": [len(_differ(r, clean)) for r in concurrent],
            "warm_differ": len(_differ(warm, clean)),
            "killed_workers": len(killed.killed),
            "killed_claims": victims,
            "killed_reported_as_memory": len(as_memory),
            "kill_differ": len(_differ(killed, clean)),
            "kill_warm_differ": len(_differ(kill_warm, clean)),
            "corrupt_notices": len(notices),
            "corrupt_differ": len(_differ(corrupt, clean)),
            "left_behind": sum(r.left_behind for r in runs),
            "seconds": round(sum(r.seconds for r in runs), 1),
        }
        print(json.dumps(summary))
        ok = (
            summary["warm_differ"] == 0
            and summary["kill_warm_differ"] == 0
            and summary["corrupt_differ"] == 0
            and summary["left_behind"] == 0
            and summary["killed_reported_as_memory"] == 0
            and summary["corrupt_notices"] == 1
        )
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
