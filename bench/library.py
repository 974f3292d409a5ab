"""Time and peak memory of checking the whole claim library, cold and warm cache, at --jobs 1 and 2.

Usage (from the repository root)::

    .venv/bin/python bench/library.py                # claims/, jobs 1 and 2
    .venv/bin/python bench/library.py --jobs 2 --path claims/

Each run is ``python -m derive check PATH --jobs N --format json`` in a subprocess, with its
own cache directory (``DERIVE_CACHE_DIR``): a cold run on an empty cache, then a warm run on
the cache the cold run filled. The engine and the library are copied to a temporary folder
first and the runs use those copies, so that edits to the working tree during the benchmark
change neither the claims nor the engine's cache key between the cold and the warm run.

Memory: the peak over the run of the summed proportional set size (PSS, from
``/proc/PID/smaps_rollup``; RSS where that is missing) of the derive process and all its
worker processes, sampled every 50 ms; PSS splits pages shared by forked workers fairly, so
the sum is the real footprint. Also the largest single-process peak RSS (``getrusage``).

Also the CPU time (user + system) of each run, which load barely changes.

Prints a table, the ten slowest claims of each cold run with the tier that decided them,
then one JSON object as the last line (each run's ``slowest`` holds that list).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _proc import children, snapshot  # bench/ is the script folder, so on sys.path

#: How many of the slowest claims each cold run lists.
SLOWEST = 10


def _footprint_kb(pid: int) -> int:
    for name, field in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            with open(f"/proc/{pid}/{name}") as fh:
                for line in fh:
                    if line.startswith(field):
                        return int(line.split()[1])
        except OSError:
            continue
    return 0


def _tree_kb(root: int) -> int:
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _footprint_kb(pid)
        stack += children(pid)
    return total


def run_once(path: str, jobs: int, cache_dir: Path, env: dict[str, str], timeout: float | None, cwd: Path) -> dict:
    cmd = [sys.executable, "-m", "derive", "check", path, "--jobs", str(jobs), "--format", "json"]
    if timeout is not None:
        cmd += ["--timeout", str(timeout)]
    run_env = dict(env, DERIVE_CACHE_DIR=str(cache_dir))
    peak = 0
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=run_env, cwd=cwd)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_kb(proc.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU time of derive and the workers it waited for: unlike wall time, barely moved by load.
    cpu = (after.ru_utime - used.ru_utime) + (after.ru_stime - used.ru_stime)
    done.set()
    sampler.join()
    try:
        report = json.loads(out)
        summary = report["summary"]
    except (ValueError, KeyError):
        report, summary = {}, {"unparsed": True, "stderr": err[-500:]}
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "exit": proc.returncode,
        "peak_tree_mb": round(peak / 1024, 1),
        "summary": summary,
        "slowest": _slowest(report.get("claims", [])),
    }


def _slowest(claims: list[dict], n: int = SLOWEST) -> list[dict]:
    """The ``n`` claims that took longest, with the tier that decided each (its ``method``)."""
    rows = sorted(claims, key=lambda c: -float(c.get("seconds") or 0))[:n]
    return [
        {"id": c.get("id"), "seconds": c.get("seconds"), "tier": c.get("method"), "verdict": c.get("verdict")}
        for c in rows
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default="claims", help="claim folder or files (default claims/)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="job counts to measure (default 1 2)")
    parser.add_argument("--timeout", type=float, default=None, help="--timeout passed to derive (default: its own)")
    args = parser.parse_args()

    # Run from a scratch folder: `python -m` puts the working directory first on sys.path,
    # which would shadow the snapshot with the live tree.
    source = Path(args.path).resolve()
    work = Path(tempfile.mkdtemp(prefix="derive-bench-"))
    try:
        target, env = snapshot(work, source)
        env.pop("NO_COLOR", None)
        check = subprocess.run(
            [sys.executable, "-c", "import derive; print(derive.__file__)"],
            check=False,
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
        )
        if not check.stdout.strip().startswith(str(work / "src")):
            print(f"warning: the runs import {check.stdout.strip()}, not the snapshot", file=sys.stderr)

        rows = []
        for jobs in args.jobs:
            cache_dir = work / f"cache-j{jobs}"
            cold = run_once(target, jobs, cache_dir, env, args.timeout, work)
            warm = run_once(target, jobs, cache_dir, env, args.timeout, work)
            del warm["slowest"]  # cache hits report the cold run's seconds
            rows.append((jobs, cold, warm))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    children_peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    print(f"claim library: {args.path}   cores: {os.cpu_count()}   python {sys.version.split()[0]}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end (wall time grows with load, CPU time barely)")
    print(f"{'jobs':>4} {'cache':>5} {'seconds':>8} {'cpu s':>7} {'exit':>4} {'peak MB':>8} {'speed-up':>8}  verdicts")
    result: dict = {"path": args.path, "cores": os.cpu_count(), "runs": {}}
    for jobs, cold, warm in rows:
        speedup = cold["seconds"] / warm["seconds"] if warm["seconds"] else float("inf")
        for label, run in (("cold", cold), ("warm", warm)):
            counts = ", ".join(f"{k} {v}" for k, v in run["summary"].items() if isinstance(v, int) and v)
            extra = f"{speedup:7.1f}x" if label == "warm" else ""
            print(
                f"{jobs:>4} {label:>5} {run['seconds']:>8.2f} {run['cpu_seconds']:>7.2f} {run['exit']:>4} "
                f"{run['peak_tree_mb']:>8.1f} {extra:>8}  {counts}"
            )
            result["runs"][f"{label}_jobs{jobs}"] = run
        result[f"warm_speedup_jobs{jobs}"] = round(speedup, 1)
    for jobs, cold, _warm in rows:
        print(f"slowest claims, cold, jobs {jobs} (seconds in the worker, deciding tier):")
        for row in cold["slowest"]:
            print(f"  {row['seconds']:>7.2f}  {row['tier'] or '?':<10} {row['verdict'] or '?':<10} {row['id']}")
    result["largest_process_peak_rss_mb"] = round(children_peak_mb, 1)
    result["load_average"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
