"""Grading a synthetic class: are injected mistakes caught, is correct work left alone, and how fast?

Usage (from the repository root)::

    .venv/bin/python bench/grading.py                        # example homework, N = 200
    .venv/bin/python bench/grading.py --n 60 --reference ../shared/seeds/000_c9ed6ca5ac52d457.txt \\
        --symbols examples/seed-symbols.yaml

A class of N submissions is made from a reference solution: about a third are unmutated
copies, the rest carry one or two mistakes of the kinds students make, each injected into the
right side of a step derive *proves* in the reference: a sign flip, a dropped square, a dropped
factor, a dropped transpose, an off-by-one bound, a wrong constant. A mutation counts only if
it really changes the value: derive must refute ``original side = mutated side`` with a
confirmed counterexample (mutations it cannot judge, or that leave the value unchanged, are
not used). Then:

- ``mutation_score``: share of injected mistakes (steps of mutated submissions whose text
  changed) that ``derive grade`` refutes; ``undecided_share``: share left undecided;
- ``false_alarms``: steps refuted in unmutated text (the reference steps derive accepts, in
  any submission) — must be 0;
- ``steps_per_s`` for a class of ``--speed-n`` submissions checked cold (no cache) at 1 and 2
  local workers and on a 2-worker Dask LocalCluster (verdicts compared: ``cluster_identical``);
- ``cold_s``: the whole class in one run on an empty cache (copies of a step are decided once);
  ``shared_cache_s``: the same run again on the warm cache; ``naive_s``: a per-file loop with no
  cache and no sharing, measured on 3 files and scaled to N (``naive_over_shared``).

Prints a summary, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import derive  # noqa: E402
from derive import cli, grading  # noqa: E402
from derive.latex import read_document  # noqa: E402
from derive.model import Verdict  # noqa: E402

# (name, pattern, replacement): each applied to the first match in a right side.
MUTATIONS = (
    ("sign flip", re.compile(r"(?<=[^\s{(])\s*\+\s*"), " - "),
    ("sign flip", re.compile(r"(?<=[^\s{(=])\s*-\s*"), " + "),
    ("dropped square", re.compile(r"\^\s*\{?\s*2\s*\}?"), ""),
    ("dropped factor", re.compile(r"(?<![\d.^_{])2(?=\s*\\?[A-Za-z(])"), ""),
    ("dropped factor", re.compile(r"\\frac\s*\{\s*1\s*\}\s*\{\s*2\s*\}"), ""),
    ("dropped transpose", re.compile(r"\^\s*(?:\{\s*)?(?:T|\\top|\\intercal)(?:\s*\})?"), ""),
    ("off-by-one bound", re.compile(r"(?<=_\{[a-z]=)1(?=\})"), "0"),
    ("wrong constant", re.compile(r"(?<![\d.^_{a-zA-Z])([2-8])(?![\d.])"), None),
)


def _mutate(text: str, rng: random.Random) -> tuple[str, str] | None:
    options = [(name, pat, rep) for name, pat, rep in MUTATIONS if pat.search(text)]
    if not options:
        return None
    name, pat, rep = rng.choice(options)
    if rep is None:  # a wrong constant: the digit plus one
        return name, pat.sub(lambda m: str(int(m.group(1)) + 1), text, count=1)
    return name, pat.sub(rep, text, count=1)


def _args(jobs: int, cache_dir: Path | None, executor: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(
        seed=0,
        timeout=derive.Settings().timeout,
        memory=derive.Settings().memory_mb,
        jobs=jobs,
        no_cache=cache_dir is None,
        quiet=True,
        verbose=False,
        executor=executor,
    )


def _check(steps: list[Any], args: SimpleNamespace, cache_dir: Path | None) -> list[Any]:
    old = os.environ.get("DERIVE_CACHE_DIR")
    if cache_dir is not None:
        os.environ["DERIVE_CACHE_DIR"] = str(cache_dir)
    try:
        return cli._check_steps(steps, args)[0]
    finally:
        if old is None:
            os.environ.pop("DERIVE_CACHE_DIR", None)
        else:
            os.environ["DERIVE_CACHE_DIR"] = old


def _real_mutations(reference: str, symbols: Any, rng: random.Random, jobs: int) -> tuple[list, list, list, list]:
    """(original rhs, mutated rhs, kind, step lhs) of proved reference steps whose value a mutation
    changes; and the reference's proved steps, results and steps."""
    document = read_document(reference, symbols=symbols)
    steps = [s for s in document.steps if s.kind == "step"]
    results = _check(steps, _args(jobs, None), None)
    proved = [s for s, r in zip(steps, results, strict=True) if r.verdict is Verdict.PROVED]
    candidates = []
    for step in proved:
        mutated = _mutate(step.rhs_tex, rng)
        if mutated and mutated[1].strip() and mutated[1] != step.rhs_tex and step.rhs_tex in reference:
            candidates.append((step, *mutated))
    front = grading._front_matter(reference)
    probe = "".join(f"$$ {{{s.rhs_tex}}} = {{{m}}} $$\n\n" for s, _, m in candidates)
    checks = read_document(front + probe, symbols=symbols)
    verdicts = _check(list(checks.steps), _args(jobs, None), None)
    # One block per candidate: a candidate is real when its block has one step, and it is refuted.
    per_block: dict[int, list[Verdict]] = {}
    for c, r in zip(checks.steps, verdicts, strict=True):
        per_block.setdefault(c.block, []).append(r.verdict)
    real = [
        (s.rhs_tex.strip(), m.strip(), kind, s.lhs_tex)
        for i, (s, kind, m) in enumerate(candidates, 1)
        if per_block.get(i) == [Verdict.REFUTED]
    ]
    return real, proved, results, steps


def _make_class(reference: str, mutations: list, n: int, rng: random.Random, folder: Path) -> dict[str, list]:
    """Write N submissions; returns student -> the mutations it carries."""
    carried: dict[str, list] = {}
    for i in range(n):
        student = f"s{i:03d}"
        text = reference
        chosen: list = []
        if i % 3 and mutations:
            for m in rng.sample(mutations, k=min(len(mutations), 1 + (i % 2))):
                original, mutated = m[0], m[1]
                at = text.find(original)
                if at >= 0 and all(c[0] != original for c in chosen):
                    text = text[:at] + mutated + text[at + len(original) :]
                    chosen.append(m)
        (folder / f"{student}.md").write_text(text, encoding="utf-8")
        carried[student] = chosen
    return carried


def _grade(
    folder: Path, symbols: Any, jobs: int, cache_dir: Path | None, executor: str | None = None
) -> tuple[list, float]:
    submissions = grading.find_submissions(sorted(folder.iterdir()))
    args = _args(jobs, cache_dir, executor)
    start = time.perf_counter()
    grades, _, _ = grading.grade_class(
        submissions,
        read=lambda source, **kw: read_document(source, symbols=symbols, **kw),
        check=lambda steps: _check(steps, args, cache_dir),
        max_chars=8_000_000,
    )
    return grades, time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reference", default=str(ROOT / "examples" / "homework.md"))
    ap.add_argument("--symbols", default=None)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--speed-n", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-cluster", action="store_true")
    opts = ap.parse_args()
    rng = random.Random(opts.seed)
    reference = Path(opts.reference).read_text(encoding="utf-8")
    symbols = opts.symbols  # read_document takes the file itself (a derive: mapping)
    mutations, proved, ref_results, ref_steps = _real_mutations(reference, symbols, rng, 2)
    accepted = {
        (s.lhs_tex, s.rhs_tex) for s, r in zip(ref_steps, ref_results, strict=True) if r.verdict in grading.ACCEPTED
    }
    print(f"reference: {len(ref_steps)} steps, {len(proved)} proved; {len(mutations)} real mutations", file=sys.stderr)
    out: dict[str, Any] = {"reference": opts.reference, "n": opts.n, "mutations_available": len(mutations)}
    work = Path(tempfile.mkdtemp(prefix="derive-grading-"))
    try:
        klass = work / "class"
        klass.mkdir()
        carried = _make_class(reference, mutations, opts.n, rng, klass)
        cache = work / "cache"
        grades, cold = _grade(klass, symbols, 2, cache)
        _, warm = _grade(klass, symbols, 2, cache)
        injected = caught = undecided = alarms = 0
        kinds: dict[str, list[int]] = {}
        for grade in grades:
            mine = {m[1]: m for m in carried[grade.student]}
            for paper in grade.papers:
                for step, result in zip(paper.steps, paper.results, strict=True):
                    sides = (step.rhs_tex.strip(), step.lhs_tex.strip())
                    hit = next((m for text, m in mine.items() if text in sides), None)
                    if hit is not None:
                        injected += 1
                        caught += result.verdict is Verdict.REFUTED
                        undecided += result.verdict is Verdict.UNDECIDED
                        if result.verdict is not Verdict.REFUTED and os.environ.get("DERIVE_BENCH_SHOW"):
                            print(f"missed: {step.lhs_tex} = {step.rhs_tex}: {result.detail[:300]}", file=sys.stderr)
                        kinds.setdefault(hit[2], [0, 0])[0] += 1
                        kinds[hit[2]][1] += result.verdict is Verdict.REFUTED
                    elif (
                        step.block,
                        step.index,
                        step.lhs_tex,
                        step.rhs_tex,
                    ) in accepted and result.verdict is Verdict.REFUTED:
                        alarms += 1
                        print(
                            f"false alarm: {grade.student} {step.lhs_tex} = {step.rhs_tex}: {result.detail}",
                            file=sys.stderr,
                        )
        out |= {
            "injected_steps": injected,
            "mutation_score": round(caught / injected, 3) if injected else None,
            "undecided_share": round(undecided / injected, 3) if injected else None,
            "false_alarms": alarms,
            "by_kind": {k: f"{v[1]}/{v[0]}" for k, v in sorted(kinds.items())},
            "cold_s": round(cold, 2),
            "shared_cache_s": round(warm, 2),
        }
        # A naive per-file loop: each file alone, no cache, no sharing (3 files, scaled to N).
        naive = 0.0
        for path in sorted(klass.iterdir())[:3]:
            document = read_document(path.read_text(encoding="utf-8"), symbols=symbols)
            start = time.perf_counter()
            _check(list(document.steps), _args(2, None), None)
            naive += time.perf_counter() - start
        out["naive_s"] = round(naive / 3 * opts.n, 1)
        out["naive_over_shared"] = round(out["naive_s"] / max(cold, 1e-9), 1)
        # Throughput, cold, on a smaller class.
        small = work / "small"
        small.mkdir()
        for path in sorted(klass.iterdir())[: opts.speed_n]:
            shutil.copy(path, small / path.name)
        speed: dict[str, float] = {}
        verdicts: dict[str, list] = {}
        for jobs in (1, 2):
            graded, seconds = _grade(small, symbols, jobs, None)
            n_steps = sum(len(p.steps) for g in graded for p in g.papers)
            speed[f"jobs{jobs}"] = round(n_steps / seconds, 2)
            verdicts[f"jobs{jobs}"] = [r.verdict.value for g in graded for p in g.papers for r in p.results]
        if not opts.no_cluster:
            import dask  # noqa: PLC0415
            import distributed  # noqa: PLC0415

            with dask.config.set({"distributed.worker.daemon": False}):
                lc = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
            try:
                address = "dask://" + lc.scheduler_address.removeprefix("tcp://")
                graded, seconds = _grade(small, symbols, 2, None, executor=address)
            finally:
                lc.close()
            n_steps = sum(len(p.steps) for g in graded for p in g.papers)
            speed["cluster2"] = round(n_steps / seconds, 2)
            out["cluster_identical"] = [
                r.verdict.value for g in graded for p in g.papers for r in p.results
            ] == verdicts["jobs2"]
            out["cluster_over_local"] = round(speed["jobs2"] / speed["cluster2"], 2)
        out["steps_per_s"] = speed
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for key, value in out.items():
        print(f"{key:>20}: {value}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
