"""Benchmark of the Monte Carlo tier against the naive baseline and the hardware ceiling.

Run: ``.venv/bin/python bench/montecarlo.py`` (add ``--quick`` for a smoke run). Prints a
table, then as the last line one JSON object:

    {"cores", "speedup_vs_naive", "fraction_of_ceiling", "bandwidth_bound_msps", "binds", ...}

* derive's numpy backend with 1 thread and with all cores; when numba is installed, the
  same with its standard normals drawn by numba (``np+nbN``: the same numbers, what
  ``auto`` runs on long runs) and the fused numba kernel (``numba``, `derive.montecarlo._fused`: the
  same draws, one vectorised pass for the integrand and one for the statistics), 1 thread
  and all cores: samples/s of a whole estimate (draws, integrand, streaming statistics,
  merging), on the same integrands and sample count as
* the naive baseline a user would write: ``sympy.lambdify`` + numpy on one array of
  N = 10^7 samples, single thread (mean and standard error included);
* the ceiling: the fastest raw standard-normal fill derive can use, with the estimate's own
  per-batch streams: for each 64k batch, the stream's entropy words (`stream_entropy`) and numpy's
  SFC64 and ziggurat inlined in numba (`derive.montecarlo._ziggurat`, what the fused kernel
  draws with: numpy's numbers, state in registers) into a preallocated 64k buffer, single
  thread, times the number of cores. The previous ceiling, numba's
  ``Generator.standard_normal`` over ``stream_rng(seed, stream, batch)``
  (`derive.montecarlo._numba.normal_filler`, ~20% slower), is printed beside it. Without
  numba: numpy's ``standard_normal(out=buf)`` on the same streams.
* the memory-bandwidth bound: a copy kernel timed in the same run (``np.copyto`` between
  two 64k buffers, the cache level a batch lives in, single thread, times the cores; and
  between two 64 MiB arrays, main memory, for reference) over the bytes each sample makes
  the best backend read and write (`bytes_per_sample`).

``speedup_vs_naive`` is the minimum over the five integrands of best derive backend / naive;
``fraction_of_ceiling`` the minimum over the three one-normal integrands of best derive
backend / ceiling, each against the ceiling measured in its own interleaved repeats
(``fraction_of_ceiling_numpy_only``: the same without numba). ``binds``
says which limit is lower for the integrand that sets ``fraction_of_ceiling``: the normal
draws (the ceiling) or memory bandwidth. Timings take the best of a few interleaved
repeats (the machine may be shared); the ``cpu x1/raw`` and ``cpu x1/naive`` columns compare
CPU time instead of wall time, which other processes' load does not distort.
The ceiling (one thread, needs one free core) and an all-cores estimate (needs every core)
are not timed under the same conditions, so load elsewhere lowers ``best/ceil``. Each
one-normal integrand therefore also gets 3 x repeats *paired rounds* (`paired_rounds`): the
raw fill on one thread, the raw fill on all cores at once (``raw xN``, through the estimates'
own dispatcher), and the best backends, back to back; the JSON gives the median and range of
the per-round ratios (``fraction_of_ceiling_paired``: best / (raw x1 x cores), the target's
ratio; ``fraction_of_parallel_fill``: the best all-cores backend / raw xN, the same-conditions
diagnostic) and ``parallel_fill_scaling`` (best raw xN / (best raw x1 x cores): about 1 only
when the cores were free). ``fraction_of_ceiling`` itself is unchanged: best rate / ceiling.
For each one-normal integrand the fused kernel's single-threaded batch is also split into its
parts, in CPU nanoseconds per sample (`kernel_costs`; ``fused_ns_per_sample`` in the JSON):
what the raw fill also pays (``stream``, ``draw``) and what it does not (``stages``,
``statistics``, ``rest``), which says what keeps an integrand below the ceiling; for
softplus, ``softplus_floor`` (`arithmetic_floor`) sets the most its stages may cost at 0.85
against what a bare pass over the batch, a vector fma, the exp and log1p stages and a scalar
operation in the draw loop cost, timed in the same run.
``rss_growth_mb`` is the peak RSS of a whole estimate at N = 10^8 minus at N = 10^6, each in
a fresh process. ``claim_median_s`` is the median wall time of ``derive check`` on single
expectation claims decided by the Monte Carlo tier, with a warm result cache;
``claim_nocache_median_s`` is the same with ``--no-cache`` (the claim is decided afresh).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import sympy
from sympy import Piecewise, Rational, log

from derive.language import distributions as dist
from derive.language.functions import softplus
from derive.montecarlo._batches import BATCH, Totals, cpu_count, on_threads, run_numpy, stream_entropy, stream_rng
from derive.montecarlo._lowering import Program, compile_program, lower_random, stable_form

ROOT = Path(__file__).resolve().parent.parent
N_NAIVE = 10_000_000


def integrands():
    """(name, integrand, random, one_normal) for the five benchmark integrands."""
    x, eps = sympy.Symbol("x", real=True), sympy.Symbol("eps", real=True)
    normal = [(x, dist.Normal(0, 1))]
    g = [sympy.Symbol(f"g{i}", real=True) for i in range(3)]
    logits = [log(Rational(1, 2)), log(Rational(3, 10)), log(Rational(1, 5))]
    gumbel = Piecewise((1, (logits[0] + g[0] >= logits[1] + g[1]) & (logits[0] + g[0] >= logits[2] + g[2])), (0, True))
    v = sympy.ImmutableMatrix(3, 1, [sympy.Symbol(f"v{i}", real=True) for i in range(3)])
    cov = sympy.ImmutableMatrix(
        [[2, Rational(1, 2), 0], [Rational(1, 2), 1, Rational(1, 5)], [0, Rational(1, 5), Rational(3, 2)]]
    )
    a = sympy.ImmutableMatrix([[1, 2, 0], [0, 1, 0], [1, 0, 3]])
    mean = sympy.ImmutableMatrix([1, 0, -1])
    return [
        ("max(x, 0)", sympy.Max(x, 0), normal, True),
        ("softplus(x)", softplus(x), normal, True),
        ("(mu+sigma*eps)^2", (Rational(3, 10) + Rational(17, 10) * eps) ** 2, [(eps, dist.Normal(0, 1))], True),
        ("gumbel-max 1[argmax=0]", gumbel, [(gi, dist.Gumbel(0, 1)) for gi in g], False),
        ("x^T A x (3-dim)", (v.T * a * v)[0, 0], [(v, dist.MultivariateNormal(mean, cov))], False),
    ]


def best_rate(fn, samples: int, repeats: int) -> float:
    """Samples per second of ``fn`` (best of ``repeats``: the least disturbed run)."""
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return samples / best


def cpu_rate(fn, samples: int) -> float:
    """Samples per CPU-second of a single-threaded ``fn``: insensitive to other processes' load."""
    t0 = time.process_time()
    fn()
    return samples / max(time.process_time() - t0, 1e-9)


def bytes_per_sample(program: Program, draws, variant: str, stages: int = 0) -> int:
    """Bytes one sample makes a backend read or write in its batch buffers (cache-resident).

    numpy: every draw written once, every instruction reads its array operands and writes its
    output, the statistics read each output row four times (sum, the dot product of the row
    with itself twice over, max, min; one integrand). Fused kernel: draws written then read,
    each exp/log stage written then read, each output written then read once.
    """
    k = program.n_outputs
    if variant == "numba":
        return 16 * (len(draws) + stages + k)
    total = 8 * len(draws)
    itemsize = {0: 8, 1: 8, 2: 1, 3: 8}  # pools: draws, float scratch, bool scratch, outputs
    for _, args, (pool, _) in program.code:
        total += sum(itemsize[p] for p, _ in args if p >= 0) + itemsize[pool]
    return total + 8 * (4 * k if k == 1 else 2 * k + 2 * k * (k + 1))


def copy_rate(nbytes: int, seconds: float = 0.3) -> float:
    """Bytes moved (read + written) per second by ``np.copyto`` between two arrays of ``nbytes``."""
    src, dst = np.ones(nbytes // 8), np.empty(nbytes // 8)
    np.copyto(dst, src)
    best, t_end = math.inf, time.perf_counter() + seconds
    reps = max(1, (1 << 24) // nbytes)
    while time.perf_counter() < t_end:
        t0 = time.perf_counter()
        for _ in range(reps):
            np.copyto(dst, src)
        best = min(best, (time.perf_counter() - t0) / reps)
    return 2 * nbytes / best


def kernel_costs(kernel, batches: int = 64, repeats: int = 5) -> dict[str, float]:
    """CPU nanoseconds per sample of each part of the fused kernel's single-threaded batch.

    ``stream``: the batch's Generator (`stream_rng`; nothing for the inlined draws, which
    seed SFC64 from `stream_entropy` inside ``draw``); ``draw``: the ziggurat into the batch
    buffer; ``stages``: the exp/log/log1p passes;
    ``statistics``: the pass that evaluates the integrand and accumulates its statistics;
    ``rest``: the whole batch (`FusedKernel.run`) minus these (Python, the batch summary).
    """
    ws, m, params = kernel._workspace(), kernel.module, kernel.params
    args = (ws.bufs, params, ws.temps, ws.shift, ws.sums, ws.prods, ws.ext)
    rngs: list = []

    def stream() -> None:
        # the inlined draw seeds itself from the stream's entropy words (inside `draw`)
        rngs[:] = [(0, 0, b) if kernel.inline else stream_rng(0, 0, b) for b in range(batches)]

    def draw() -> None:
        for r in rngs:
            if kernel.inline:
                m.draw(stream_entropy(0, 0), r[2], ws.bufs, params)
            else:
                m.draw(r, ws.bufs, params)

    parts = {
        "stream": stream,
        "draw": draw,
        # no stages: `run` does not call (or compile) the empty function either
        "stages": lambda: [m.stages(ws.bufs, params, ws.temps) for _ in range(batches if kernel.n_temps else 0)],
        "statistics": lambda: [(m.first(*args[:4]), m.reduce_all(*args)) for _ in range(batches)],
        "whole": lambda: kernel.run(0, 0, range(batches), 1),
    }
    best = dict.fromkeys(parts, math.inf)
    for _ in range(repeats):
        for name, fn in parts.items():
            t0 = time.process_time()
            fn()
            best[name] = min(best[name], time.process_time() - t0)
    ns = {name: t / (batches * BATCH) * 1e9 for name, t in best.items()}
    ns["rest"] = ns.pop("whole") - sum(ns.values())
    return ns


# Probes of what an integrand's arithmetic can cost at best (`arithmetic_floor`): a pass over
# the batch that does nothing, vector polynomials of 8 and 16 fma, the fused kernel's exp and
# log1p stages, and the draw loop with 8 fma per sample evaluated inside it (no store).
_PROBES = """
P = np.linspace(0.5, 0.9, 17)


@njit(cache=True, nogil=True, error_model="numpy")
def probe_pass(b, t):
    for i in range(b.shape[0]):
        t[i] = abs(b[i])


@njit(inline="always", error_model="numpy")
def poly8(u):
    a = fma(fma(fma(fma(P[8], u, P[7]), u, P[6]), u, P[5]), u, P[4])
    return fma(fma(fma(fma(a, u, P[3]), u, P[2]), u, P[1]), u, P[0])


@njit(cache=True, nogil=True, error_model="numpy")
def probe_fma8(b, t):
    for i in range(b.shape[0]):
        t[i] = poly8(abs(b[i]))


@njit(cache=True, nogil=True, error_model="numpy")
def probe_fma16(b, t):
    for i in range(b.shape[0]):
        u = abs(b[i])
        t[i] = fma(fma(fma(fma(fma(fma(fma(fma(poly8(u), u, P[16]), u, P[15]), u, P[14]), u, P[13]), u, P[12]), u,
                   P[11]), u, P[10]), u, P[9])


@njit(cache=True, nogil=True, error_model="numpy")
def probe_exp(b, t):
    for i in range(b.shape[0]):
        t[i] = vexp_nonpos(-abs(b[i]))


@njit(cache=True, nogil=True, error_model="numpy")
def probe_log1p(t):
    for i in range(t.shape[0]):
        t[i] = vlog1p_unit(t[i])


@njit(cache=True, nogil=True, error_model="numpy")
def probe_draw_fma8(prefix, batch, out):
    st = sfc_seeded(prefix, batch)
    for i in range(out.shape[0]):
        x, st = zig_normal(st)
        out[i] = poly8(abs(x))
"""


def arithmetic_floor(costs: dict[str, float], target: float = 0.85, batches: int = 32) -> dict:
    """What binds softplus: the most its stages may cost at ``target``, against what arithmetic costs.

    ``costs``: the softplus kernel's parts (`kernel_costs`). With perfect thread scaling,
    fraction_of_ceiling = draw / (draw + stages + statistics + rest), so the stages may cost
    at most ``budget_at_target`` (an upper bound: real scaling, 0.97-0.98 on free cores, only
    lowers it). The probes give a bare pass over the batch, a vector fma (from the 8- and
    16-fma polynomials), the exp and log1p stages, and one scalar operation added to the
    draw loop. CPU ns per sample, 1 thread.
    """
    from derive.montecarlo import _fastmath, _ziggurat  # noqa: PLC0415
    from derive.montecarlo import _numba as _mc_numba  # noqa: PLC0415

    m = _mc_numba._load("# bench/montecarlo.py arithmetic probes\n" + _fastmath.SOURCE + _ziggurat.SOURCE + _PROBES)[1]
    entropy = stream_entropy(0, 0)
    b, t = np.empty(BATCH), np.empty(BATCH)
    m.zig_fill(entropy, 0, b)
    probes = {
        "draw": lambda k: m.zig_fill(entropy, k, t),
        "pass": lambda k: m.probe_pass(b, t),
        "fma8": lambda k: m.probe_fma8(b, t),
        "fma16": lambda k: m.probe_fma16(b, t),
        "exp": lambda k: m.probe_exp(b, t),
        "log1p": lambda k: m.probe_log1p(t),
        "draw_fma8": lambda k: m.probe_draw_fma8(entropy, k, t),
    }
    for fn in probes.values():
        fn(0)  # compile, or load numba's cache
    ns = dict.fromkeys(probes, math.inf)
    for _ in range(5):
        for name, fn in probes.items():
            if name == "log1p":
                m.probe_exp(b, t)  # log1p's argument is exp(-|x|), as in the kernel
            t0 = time.process_time()
            for k in range(batches):
                fn(k)
            ns[name] = min(ns[name], (time.process_time() - t0) / (batches * BATCH) * 1e9)
    draw = costs["stream"] + costs["draw"]
    budget = draw / target - draw - costs["statistics"] - costs["rest"]
    return {
        "stages_now": costs["stages"],
        "budget_at_target": budget,
        "bare_pass": ns["pass"],
        "vector_fma": (ns["fma16"] - ns["fma8"]) / 8,
        "exp_stage": ns["exp"],
        "log1p_stage": ns["log1p"],
        "scalar_op_in_draw_loop": (ns["draw_fma8"] - ns["draw"]) / 9,  # 8 fma and an abs
        "target": target,
    }


def paired_rounds(row: dict, variants: dict, samples: int, cores: int, rounds: int) -> None:
    """Time the best backend right after the raw fill (1 thread and all cores), ``rounds`` times.

    Each round's ratios compare timings taken a few milliseconds apart, so a burst of load
    elsewhere hits both sides of the ratio; the median and the spread of the ratios over
    the rounds say how stable the fraction is. The rounds also count toward the best-of
    rates (``fraction_of_ceiling`` stays best rate / (best single-threaded raw rate x cores)).
    """
    best, par = row["best"], f"raw x{cores}"
    # The all-cores comparison uses the best all-cores backend even when, under load, a
    # single-threaded one was faster.
    wide = [k for k in variants if k.startswith(("numpy", "np+nbN", "numba")) and k.endswith(f" x{cores}")]
    best_wide = max(wide, key=lambda k: row.get(k, 0.0)) if cores > 1 and wide else None
    serial, parallel = [], []
    for _ in range(rounds):
        rates = {}
        for key in dict.fromkeys(k for k in ("raw", par, best, best_wide) if k in variants):
            rates[key] = best_rate(variants[key][0], samples, 1)
            row[key] = max(row.get(key, 0.0), rates[key])
        serial.append(rates[best] / (rates["raw"] * cores))
        if par in rates and best_wide:
            parallel.append(rates[best_wide] / rates[par])
    row["paired"] = serial
    row["paired_parallel"] = parallel
    row["best_wide"] = best_wide


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} [{min(values):.2f}-{max(values):.2f}]" if values else "-"


def lowered(expr, random):
    subs, draws = lower_random(random, {})
    lowered_expr = stable_form(expr.xreplace(subs))
    return lowered_expr, draws, compile_program([lowered_expr], draws)


def numpy_estimate(program, draws, batches: int, threads: int, normals=None) -> Totals:
    tot = Totals()
    for b in run_numpy(program, draws, 0, 0, range(batches), threads=threads, normals=normals):
        tot.add(b)
    return tot


def numba_estimate(kernel, batches: int, threads: int) -> Totals:
    tot = Totals()
    for b in kernel.run(0, 0, range(batches), threads):
        tot.add(b)
    return tot


def naive_estimate(expr, random, n: int) -> tuple[float, float]:
    """What a user would write: lambdify + numpy over one array of n samples."""
    rng = np.random.default_rng(0)
    (rv, d0) = random[0]
    if isinstance(d0, dist.MultivariateNormal):
        m = np.array(d0.args[0], dtype=float).ravel()
        c = np.array(d0.args[1].tolist(), dtype=float)
        values = rng.multivariate_normal(m, c, size=n).T
        syms = list(rv)
    else:
        syms, values = [], []
        for sym, d in random:
            syms.append(sym)
            if isinstance(d, dist.Gumbel):
                values.append(-np.log(-np.log(rng.random(n))))
            else:
                values.append(rng.standard_normal(n))
    # lambdify does not know softplus: a user writes its textbook form log(1 + exp(x)).
    textbook = expr.replace(lambda e: isinstance(e, softplus), lambda e: log(1 + sympy.exp(e.args[0])))
    f = sympy.lambdify(syms, textbook, "numpy")
    y = np.asarray(f(*values), dtype=float)
    return float(y.mean()), float(y.std() / math.sqrt(n))


def peak_rss_mb(samples: int) -> float:
    """Peak RSS of a fresh process that makes one whole estimate of ``samples`` samples."""
    out = subprocess.run(
        [sys.executable, __file__, "--rss-child", str(samples)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return float(out.stdout.strip().splitlines()[-1])


def rss_child(samples: int) -> None:
    expr, random = integrands()[2][1:3]
    _, draws, program = lowered(expr, random)
    batches = math.ceil(samples / BATCH)
    numpy_estimate(program, draws, batches, cpu_count())
    # VmHWM belongs to this process image; ru_maxrss would include the forking parent's peak.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            print(int(line.split()[1]) / 1024)
            return
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


CLAIMS = {
    "gumbel_max": (
        "E(Piecewise((1, (log(1/2) + g0 >= log(3/10) + g1) & (log(1/2) + g0 >= log(1/5) + g2)), (0, True)))",
        "1/2",
        {"g0": "Gumbel(0, 1)", "g1": "Gumbel(0, 1)", "g2": "Gumbel(0, 1)"},
    ),
    "softplus_mean": ("E(softplus(x))", "0.806059", {"x": "Normal(0, 1)"}),
    "sigmoid_mean": ("E(sigmoid(x))", "0.696735", {"x": "Normal(1, 1)"}),
}


def claim_times(runs: int) -> tuple[list[float], list[float], list[str]]:
    """Wall times of ``derive check`` per claim: warm result cache, and --no-cache."""
    warm, fresh, verdicts = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, DERIVE_CACHE_DIR=str(Path(tmp) / "cache"))
        exe = str(Path(sys.executable).with_name("derive"))
        for cid, (lhs, rhs, random) in CLAIMS.items():
            path = Path(tmp) / f"{cid}.yaml"
            rand = ", ".join(f'{k}: "{v}"' for k, v in random.items())
            path.write_text(
                f"claims:\n  - id: bench.{cid}\n    lhs: '{lhs}'\n    rhs: '{rhs}'\n"
                f"    random: {{{rand}}}\n    tolerance: 0.01\n"
            )
            cmd = [exe, "check", str(path), "-f", "json"]
            first = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
            try:
                verdicts.append(f"{cid}: {json.loads(first.stdout)['claims'][0]['verdict']}")
            except (ValueError, KeyError, IndexError):
                verdicts.append(f"{cid}: ? (exit {first.returncode})")
            for _ in range(runs):
                t0 = time.perf_counter()
                subprocess.run(cmd, capture_output=True, env=env, check=False)
                warm.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                subprocess.run([*cmd, "--no-cache"], capture_output=True, env=env, check=False)
                fresh.append(time.perf_counter() - t0)
    return warm, fresh, verdicts


def tier_times(runs: int) -> list[float]:
    """In-process wall times of the Monte Carlo tier alone on the same claims (parsed once)."""
    from derive.language.parsing import prepare  # noqa: PLC0415
    from derive.model import Claim, Settings  # noqa: PLC0415
    from derive.montecarlo.tier import check_montecarlo  # noqa: PLC0415

    times = []
    for cid, (lhs, rhs, random) in CLAIMS.items():
        problem = prepare(Claim(cid, lhs, rhs, random=random, tolerance=0.01))
        for _ in range(runs):
            t0 = time.perf_counter()
            check_montecarlo(problem, Settings())
            times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples and repeats (smoke run)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rss-child", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_child:
        rss_child(args.rss_child)
        return
    cores = cpu_count()
    repeats = 1 if args.quick else args.repeats
    n = 2_000_000 if args.quick else N_NAIVE
    batches = math.ceil(n / BATCH)
    samples = batches * BATCH
    from derive.montecarlo import _numba as _mc_numba  # noqa: PLC0415 - imports numba lazily itself

    has_numba = _mc_numba.available()
    # numpy backend with its normals drawn by numba (the same numbers): what "auto" runs
    # once a process has drawn enough normals to repay loading numba.
    normals = _mc_numba.normal_filler() if has_numba else None
    # The fastest raw fill: numpy's SFC64 and ziggurat inlined in numba (the fused kernel's draws).
    zig = _mc_numba.inline_draws() if has_numba else None
    # The previous ceiling: numba's Generator.standard_normal (`normals` now runs the inlined
    # ziggurat on the Generator's state).
    generator_fill = _mc_numba._load(_mc_numba._FILLER_SOURCE)[1].fill_normal if has_numba else None
    # Memory first: the naive baseline's 10^7-sample arrays would inflate this process.
    rss_small = peak_rss_mb(10**6)
    rss_large = peak_rss_mb(10**7 if args.quick else 10**8)

    buf = np.empty(BATCH)

    def generator_batch(b: int, out: np.ndarray) -> None:
        rng = stream_rng(0, 0, b)
        if generator_fill is not None:
            generator_fill(rng, out)
        else:
            rng.standard_normal(out=out)

    def raw_batch(b: int, out: np.ndarray) -> None:
        if zig is not None:
            zig.zig_fill(stream_entropy(0, 0), b, out)
        elif normals is not None:
            normals(stream_rng(0, 0, b), out)
        else:
            rng = stream_rng(0, 0, b)
            rng.standard_normal(out=out)

    ceiling_source = (
        "numpy's SFC64 + ziggurat inlined in numba"
        if zig is not None
        else "numba ziggurat over SFC64"
        if normals is not None
        else "numpy standard_normal over SFC64"
    )

    def generator_normals() -> None:
        # The previous ceiling: numba's Generator.standard_normal (the bit generator through a pointer).
        for b in range(batches):
            generator_batch(b, buf)

    def raw_normals() -> None:
        # The estimate's own streams, one generator per 64k batch, as the backends draw them.
        for b in range(batches):
            raw_batch(b, buf)

    local = threading.local()

    def raw_one(b: int) -> int:
        if not hasattr(local, "buf"):
            local.buf = np.empty(BATCH)
        raw_batch(b, local.buf)
        return b

    def raw_parallel() -> None:
        # The same fill on every core at once, through the dispatcher the estimates use: timed
        # under the conditions of an all-cores estimate (the other jobs on the machine, the
        # clock with every core busy), which the single-threaded fill x cores is not.
        on_threads(raw_one, range(batches), cores)

    copy_cache = copy_rate(BATCH * 8) * cores  # per-core caches: each core copies its own batch
    copy_dram = copy_rate(64 << 20)

    rows = []
    for name, expr, random, one_normal in integrands():
        lowered_expr, draws, program = lowered(expr, random)
        nbytes = {"numpy": bytes_per_sample(program, draws, "numpy")}
        variants = {}
        for threads in sorted({1, cores}):
            variants[f"numpy x{threads}"] = (
                lambda t=threads, p=program, d=draws: numpy_estimate(p, d, batches, t),
                samples,
            )
        numpy_estimate(program, draws, 2 * cores, cores)  # warm the thread pool and buffers
        if normals is not None and any(d.kind == "normal" for d in draws):
            for threads in sorted({1, cores}):
                variants[f"np+nbN x{threads}"] = (
                    lambda t=threads, p=program, d=draws: numpy_estimate(p, d, batches, t, normals),
                    samples,
                )
        costs = None
        if has_numba:
            kernel = _mc_numba.kernel_for([lowered_expr], draws)
            nbytes["numba"] = bytes_per_sample(program, draws, "numba", kernel.n_temps)
            numba_estimate(kernel, 2 * cores, cores)  # compile, or load numba's on-disk cache
            costs = kernel_costs(kernel, repeats=1 if args.quick else 5) if one_normal else None
            for threads in sorted({1, cores}):
                variants[f"numba x{threads}"] = (lambda t=threads, k=kernel: numba_estimate(k, batches, t), samples)
        variants["naive"] = (lambda e=expr, r=random: naive_estimate(e, r, n), n)
        variants["raw"] = (raw_normals, samples)
        if zig is not None:
            variants["raw gen"] = (generator_normals, samples)
        if cores > 1:
            variants[f"raw x{cores}"] = (raw_parallel, samples)
        # Interleaved repeats: on a shared machine every variant sees the same mix of load.
        row = {"integrand": name, "one_normal": one_normal, "costs": costs}
        for _ in range(repeats):
            for key, (fn, count) in variants.items():
                row[key] = max(row.get(key, 0.0), best_rate(fn, count, 1))
            # Load-robust diagnostic: CPU time of the best single-threaded estimate vs raw normals.
            for x1 in ("np+nbN x1" if "np+nbN x1" in variants else "numpy x1", "numba x1"):
                if x1 in variants:
                    row["cpu x1"] = max(row.get("cpu x1", 0.0), cpu_rate(variants[x1][0], samples))
            row["cpu raw"] = max(row.get("cpu raw", 0.0), cpu_rate(raw_normals, samples))
            row["cpu naive"] = max(row.get("cpu naive", 0.0), cpu_rate(variants["naive"][0], n))
        derive_rates = {k: v for k, v in row.items() if k.startswith(("numpy", "np+nbN", "numba"))}
        row["best"] = max(derive_rates, key=derive_rates.get)
        if one_normal:
            paired_rounds(row, variants, samples, cores, 3 * repeats)
        # Each row's own ceiling, measured in the same interleaved repeats as its variants:
        # the best of 25 raw runs over all rows would meet the machine's quietest moment.
        row["ceiling"] = row.pop("raw") * cores
        if "raw gen" in row:
            row["generator ceiling"] = row.pop("raw gen") * cores
        row["best_rate"] = row[row["best"]]
        row["bytes"] = nbytes["numba" if row["best"].startswith("numba") else "numpy"]
        row["bw_bound"] = copy_cache / row["bytes"]
        rows.append(row)
    ceiling = max(r["ceiling"] for r in rows)
    floor = None
    soft = next((r for r in rows if r["integrand"] == "softplus(x)" and r["costs"]), None)
    if soft is not None and zig is not None:
        floor = arithmetic_floor(soft["costs"])

    warm, fresh, verdicts = claim_times(1 if args.quick else 3)
    tier = tier_times(1 if args.quick else 3)

    columns = ["numpy x1", f"numpy x{cores}"]
    columns += ["np+nbN x1", f"np+nbN x{cores}"] if normals is not None else []
    columns += ["numba x1", f"numba x{cores}"] if has_numba else []
    columns += ["naive"]
    columns = list(dict.fromkeys(columns))
    versions = f"numpy {np.__version__}" + (f", numba {__import__('numba').__version__}" if has_numba else "")
    when = time.strftime("%Y-%m-%d %H:%M %Z")
    print(f"# derive Monte Carlo benchmark, {when}, {platform.machine()}, {cores} cores, {versions}")
    print(f"# samples per estimate: {samples:,} (naive: {n:,}); rates in million samples/s; best of {repeats}")
    header = (
        f"{'integrand':<24}"
        + "".join(f"{c:>12}" for c in columns)
        + f"{'best/naive':>12}{'best/ceil':>11}{'cpu x1/raw':>12}{'cpu x1/naive':>14}{'B/sample':>10}{'bw bound':>10}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        cells = "".join(f"{row[c] / 1e6:>12.1f}" if c in row else f"{'-':>12}" for c in columns)
        frac = f"{row['best_rate'] / row['ceiling']:>11.2f}" if row["one_normal"] else f"{'-':>11}"
        cpu = row["cpu x1"] / row["cpu raw"]
        cpu_naive = row["cpu x1"] / row["cpu naive"]
        print(
            f"{row['integrand']:<24}{cells}{row['best_rate'] / row['naive']:>12.2f}{frac}{cpu:>12.2f}{cpu_naive:>14.2f}"
            f"{row['bytes']:>10}{row['bw_bound'] / 1e6:>10.0f}"
        )
    per_row = ", ".join(f"{r['ceiling'] / 1e6:.0f}" for r in rows)
    print(
        f"{'ceiling':<24}{ceiling / 1e6:>12.1f}  = single-thread raw rate x {cores} cores ({ceiling_source}; "
        f"per row {per_row}: best/ceil uses its row's)"
    )
    if zig is not None:
        gen_ceiling = max(r["generator ceiling"] for r in rows)
        print(
            f"{'previous ceiling':<24}{gen_ceiling / 1e6:>12.1f}  = numba's Generator.standard_normal (SFC64 through "
            f"a function pointer) x {cores} cores; best/that: "
            + ", ".join(
                f"{r['integrand']} {r['best_rate'] / r['generator ceiling']:.2f}" for r in rows if r["one_normal"]
            )
        )
    print(
        f"copy kernel: {copy_cache / 1e9:.1f} GB/s over 64k buffers (x {cores} cores), {copy_dram / 1e9:.1f} GB/s "
        "over 64 MiB arrays (main memory, 1 thread; a batch never leaves the cache)"
    )
    for r in rows:
        if r["costs"]:
            c = r["costs"]
            print(
                f"fused kernel, {r['integrand']}: CPU ns per sample (1 thread): "
                + ", ".join(f"{k} {v:.2f}" for k, v in c.items())
                + f"; beyond the raw fill (stream + draw): {c['stages'] + c['statistics'] + c['rest']:.2f}"
            )
    if floor is not None:
        f = floor
        print(
            f"softplus(x) against {f['target']}: its stages cost {f['stages_now']:.2f} ns per sample and may cost at "
            f"most {f['budget_at_target']:.2f} (draw / (draw + stages + statistics + rest), perfect thread scaling); "
            f"a bare pass over the batch costs {f['bare_pass']:.2f}, a vector fma "
            f"{f['vector_fma']:.3f} per sample, the exp and log1p stages {f['exp_stage']:.2f} + "
            f"{f['log1p_stage']:.2f}; an operation inside the (scalar) draw loop "
            f"{f['scalar_op_in_draw_loop']:.3f}"
        )
    binding = min((r for r in rows if r["one_normal"]), key=lambda r: r["best_rate"] / r["ceiling"])
    binds = "normal draws (ceiling)" if binding["ceiling"] <= binding["bw_bound"] else "memory bandwidth"
    print(
        f"limit for {binding['integrand']} (sets fraction_of_ceiling): ceiling {binding['ceiling'] / 1e6:.0f} vs "
        f"bandwidth bound {binding['bw_bound'] / 1e6:.0f} Msamples/s: {binds} binds"
    )
    par = f"raw x{cores}"
    for r in rows:
        if r.get("paired"):
            scaling = r[par] / r["ceiling"] if par in r else 1.0
            print(
                f"paired rounds, {r['integrand']} ({len(r['paired'])} rounds, median [min-max]): {r['best']} vs "
                f"raw x1 x {cores} {spread(r['paired'])}; {r['best_wide']} vs the raw fill on {cores} cores at "
                f"once {spread(r['paired_parallel'])}; best raw x{cores} / (best raw x1 x {cores}) {scaling:.2f}"
            )
    print(
        "best/ceil: best rate over best single-threaded raw rate x cores (fraction_of_ceiling). The ceiling is "
        "timed on one thread and needs one free core; an all-cores estimate needs every core, so load from "
        "other jobs lowers the estimate more than the ceiling. Paired rounds time the raw fill and the best "
        "backend back to back, so both sides of each ratio see the same moment; 'vs the raw fill on N cores "
        "at once' is the same-conditions comparison (a diagnostic, not the target's ceiling), and raw xN / "
        "(raw x1 x N) below ~0.9 says the cores were not free during the run"
    )
    print(
        "np+nbN: the numpy backend with its normals drawn by numba (the inlined ziggurat on each batch "
        "Generator's SFC64 state: the same numbers; what auto runs on long runs with numba installed); numba: "
        "the fused kernel (mc_backend='numba': the same draws)\n"
        "cpu x1/raw: CPU-time rate of the best 1-thread derive estimate over the raw normal fill (robust to load; "
        "an upper bound of best/ceil for perfect thread scaling); cpu x1/naive: the same against the naive "
        f"baseline (times {cores} cores: best/naive for perfect thread scaling)\n"
        "B/sample: bytes of batch buffers the best backend reads and writes per sample; bw bound: the copy "
        "kernel's cache bandwidth over B/sample, in Msamples/s"
    )
    print(f"peak RSS: {rss_small:.1f} MB at 10^6 samples, {rss_large:.1f} MB at {'10^7' if args.quick else '10^8'}")
    print(
        f"derive check (warm result cache): median {statistics.median(warm):.3f} s over {len(warm)} runs; "
        f"--no-cache: median {statistics.median(fresh):.3f} s; verdicts: {', '.join(verdicts)}"
    )
    print(f"Monte Carlo tier alone (in-process, same claims): median {statistics.median(tier):.3f} s, {len(tier)} runs")
    result = {
        "cores": cores,
        "speedup_vs_naive": round(min(r["best_rate"] / r["naive"] for r in rows), 3),
        "fraction_of_ceiling": round(min(r["best_rate"] / r["ceiling"] for r in rows if r["one_normal"]), 3),
        "fraction_of_ceiling_by_integrand": {
            r["integrand"]: round(r["best_rate"] / r["ceiling"], 3) for r in rows if r["one_normal"]
        },
        "fraction_of_ceiling_paired_median": round(
            min(statistics.median(r["paired"]) for r in rows if r["one_normal"]), 3
        ),
        "fraction_of_ceiling_paired": {
            r["integrand"]: {
                "median": round(statistics.median(r["paired"]), 3),
                "min": round(min(r["paired"]), 3),
                "max": round(max(r["paired"]), 3),
                "rounds": len(r["paired"]),
            }
            for r in rows
            if r["one_normal"]
        },
        "fraction_of_parallel_fill": {
            r["integrand"]: {
                "backend": r["best_wide"],
                "best": round(r[r["best_wide"]] / r[par], 3),
                "median": round(statistics.median(r["paired_parallel"]), 3),
                "min": round(min(r["paired_parallel"]), 3),
                "max": round(max(r["paired_parallel"]), 3),
            }
            for r in rows
            if r["one_normal"] and r["paired_parallel"]
        },
        "parallel_fill_scaling": {r["integrand"]: round(r[par] / r["ceiling"], 3) for r in rows if par in r},
        "fraction_of_ceiling_numpy_only": round(
            min(max(r["numpy x1"], r[f"numpy x{cores}"]) / r["ceiling"] for r in rows if r["one_normal"]), 3
        ),
        "rss_growth_mb": round(rss_large - rss_small, 2),
        "claim_median_s": round(statistics.median(warm), 3),
        "claim_nocache_median_s": round(statistics.median(fresh), 3),
        "mc_tier_median_s": round(statistics.median(tier), 3),
        "ceiling_msps": round(ceiling / 1e6, 1),
        "ceiling_source": ceiling_source,
        "fraction_of_generator_ceiling": {
            r["integrand"]: round(r["best_rate"] / r["generator ceiling"], 3)
            for r in rows
            if r["one_normal"] and "generator ceiling" in r
        },
        "bandwidth_bound_msps": round(binding["bw_bound"] / 1e6, 1),
        "bytes_per_sample": binding["bytes"],
        "copy_gbps_cache": round(copy_cache / 1e9, 1),
        "copy_gbps_dram": round(copy_dram / 1e9, 1),
        "binds": binds,
        "fused_ns_per_sample": {
            r["integrand"]: {k: round(v, 3) for k, v in r["costs"].items()} for r in rows if r["costs"]
        },
        "softplus_floor": {k: round(v, 3) for k, v in floor.items()} if floor else None,
        "cpu_fraction_x1_min": round(min(r["cpu x1"] / r["cpu raw"] for r in rows if r["one_normal"]), 3),
        "cpu_speedup_x1_min": round(min(r["cpu x1"] / r["cpu naive"] for r in rows), 3),
        "best_backend": {r["integrand"]: r["best"] for r in rows},
        "quick": bool(args.quick),
        "load_average": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
