"""The optional numba backend (``pip install derive[fast]``): one fused kernel per integrand.

The integrands (already lowered to expressions in primitive draws and checked against the
whitelist of `derive._mc_lowering`) are printed as scalar Python with sympy's code printer
into a small module, written to ``user_cache_dir("derive")/numba/mc_<hash>.py`` so numba's
``cache=True`` keeps the compiled kernel across runs. The kernel runs batches in parallel
with ``prange``; each batch seeds numba's per-thread generator from its own
``SeedSequence(seed, spawn_key=(stream, batch))`` child and reduces its samples to the same
`BatchStats` as the numpy backend (shifted sums, so one pass and no arrays of samples).

numba's in-kernel generators are slower than numpy's ziggurat on CPUs without Intel SVML,
so ``auto`` only picks numba for an integrand whose measured speed (`calibrate`, recorded in
the cache directory) beat numpy's.

A second, smaller use of numba serves the numpy backend: `normal_filler` compiles a loop
over ``Generator.standard_normal`` (numba's port of numpy's ziggurat, fed by the same bit
generator), which draws *the same numbers* as ``rng.standard_normal(out=buf)`` about 2.5x
faster on the reference machine. The integrand is still evaluated by numpy's SIMD ufuncs,
so the estimate is bit-for-bit the one without numba; the filler is self-checked against
numpy before it is used.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

import numpy as np
import sympy

from derive._mc_batches import BATCH, BatchStats, run_numpy
from derive._mc_lowering import Draw, compile_program, heaviside_piecewise

__all__ = ["Kernel", "available", "cache_dir", "calibrate", "kernel_for", "normal_filler", "prefer"]

_DRAW_CALL = {
    "normal": "np.random.standard_normal()",
    "uniform": "np.random.random()",
    "exponential": "np.random.standard_exponential()",
}


def available() -> bool:
    """Whether numba can be imported (the ``fast`` extra is installed)."""
    try:
        import numba  # noqa: F401, PLC0415
    except ImportError:
        return False
    return True


def cache_dir() -> Path:
    """Where generated kernels, numba's compiled cache and speed records live.

    ``$DERIVE_CACHE_DIR/numba`` when that variable is set (as for the result cache), else
    ``user_cache_dir("derive")/numba``.
    """
    from platformdirs import user_cache_dir  # noqa: PLC0415

    path = Path(os.environ.get("DERIVE_CACHE_DIR") or user_cache_dir("derive")) / "numba"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _constants(integrands: Sequence[sympy.Expr], draws: Sequence[Draw]) -> tuple[list[sympy.Expr], list[float]]:
    """The integrands with draws named d0, d1, ... and non-integer constants as p0, p1, ...

    Constants (parameter values, Cholesky factors, gamma shapes) become kernel arguments, so
    every parameter point of a claim reuses one compiled kernel.
    """
    names = {d.symbol: sympy.Symbol(f"d{i}") for i, d in enumerate(draws)}
    exprs = [sympy.sympify(f, strict=True).xreplace(names) for f in integrands]
    exprs = [e.replace(lambda n: isinstance(n, sympy.Heaviside), heaviside_piecewise) for e in exprs]
    consts: dict[sympy.Expr, sympy.Symbol] = {}
    for e in exprs:
        for a in sorted(e.atoms(sympy.Number), key=sympy.default_sort_key):
            if not a.is_Integer and a.is_finite:
                consts.setdefault(a, sympy.Symbol(f"p{len(consts)}"))
    exprs = [e.xreplace(consts) for e in exprs]
    values = [float(c) for c in consts]
    values += [float(d.shape) for d in draws if d.kind == "gamma"]
    return exprs, values


def _source(integrands: Sequence[sympy.Expr], draws: Sequence[Draw]) -> str:
    from sympy.printing.pycode import PythonCodePrinter  # noqa: PLC0415

    exprs, values = _constants(integrands, draws)
    shapes = iter(range(len(values) - sum(d.kind == "gamma" for d in draws), len(values)))
    assignments, reduced = sympy.cse(exprs, symbols=sympy.numbered_symbols("c"))
    printer = PythonCodePrinter({"fully_qualified_modules": True})
    k = len(reduced)
    pairs = [(i, j) for i in range(k) for j in range(i, k)]
    setup = ["n = 0", "bad = 0"] + [f"p{i} = params[{i}]" for i in range(len(values))]
    setup += [f"h{j} = 0.0\ns{j} = 0.0\nhi{j} = -math.inf\nlo{j} = math.inf" for j in range(k)]
    setup += [f"q{i}_{j} = 0.0" for i, j in pairs]
    sample = [
        f"d{i} = {_DRAW_CALL[d.kind]}" if d.kind in _DRAW_CALL else f"d{i} = np.random.standard_gamma(p{next(shapes)})"
        for i, d in enumerate(draws)
    ]
    sample += [f"{printer.doprint(c)} = {printer.doprint(v)}" for c, v in assignments]
    sample += [f"y{j} = float({printer.doprint(e)})" for j, e in enumerate(reduced)]
    finite = " and ".join(f"math.isfinite(y{j})" for j in range(k))
    sample += [f"if not ({finite}):\n    bad += 1\n    continue", "if n == 0:"]
    sample += [f"    h{j} = y{j}" for j in range(k)]  # shift by the first sample: one pass, no cancellation
    sample += [f"e{j} = y{j} - h{j}\ns{j} += e{j}" for j in range(k)]
    sample += [f"q{i}_{j} += e{i} * e{j}" for i, j in pairs]
    sample += [f"hi{j} = max(hi{j}, y{j})\nlo{j} = min(lo{j}, y{j})" for j in range(k)]
    sample += ["n += 1"]
    store = ["counts[b] = n", "bads[b] = bad"]
    store += [f"sums[b, {j}] = s{j}\nshifts[b, {j}] = h{j}\nhis[b, {j}] = hi{j}\nlos[b, {j}] = lo{j}" for j in range(k)]
    store += [f"prods[b, {i}, {j}] = q{i}_{j}" for i, j in pairs]

    def block(lines: list[str], indent: int) -> str:
        return "\n".join(" " * indent + line for chunk in lines for line in chunk.split("\n"))

    return f"""# Generated by derive._mc_numba for {k} integrand(s); do not edit.
import math

import numpy as np
from numba import njit, prange


@njit(parallel=True, cache=True, error_model="numpy")
def kernel(seeds, size, params, counts, bads, sums, shifts, prods, his, los):
    for b in prange(seeds.shape[0]):
        np.random.seed(seeds[b])
{block(setup, 8)}
        for _ in range(size):
{block(sample, 12)}
{block(store, 8)}
"""


_modules: dict[str, ModuleType] = {}
_lock = threading.Lock()


def _load(source: str) -> tuple[str, ModuleType]:
    digest = hashlib.sha256(source.encode()).hexdigest()[:20]
    with _lock:
        if digest in _modules:
            return digest, _modules[digest]
        path = cache_dir() / f"mc_{digest}.py"
        if not path.exists() or path.read_text() != source:
            tmp = path.with_suffix(f".{time.time_ns()}.tmp")
            tmp.write_text(source)
            tmp.replace(path)  # atomic, so concurrent workers never import half a file
        name = f"derive_mc_kernel_{digest}"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)  # our own generated file, from whitelisted sympy nodes
        _modules[digest] = module
        return digest, module


class Kernel:
    """A compiled fused kernel for K integrands; `run` returns per-batch `BatchStats`."""

    def __init__(self, integrands: Sequence[sympy.Expr], draws: Sequence[Draw]) -> None:
        self.k = len(integrands)
        self.params = np.array(_constants(integrands, draws)[1], dtype=float)
        self.digest, self.module = _load(_source(integrands, draws))

    def run(self, seed: int, stream: int, batches: range, threads: int) -> list[BatchStats]:
        import numba  # noqa: PLC0415

        nb, k = len(batches), self.k
        seeds = np.array(
            [np.random.SeedSequence(seed, spawn_key=(stream, b)).generate_state(1)[0] for b in batches], dtype=np.uint32
        )
        counts, bads = np.zeros(nb, dtype=np.int64), np.zeros(nb, dtype=np.int64)
        sums, shifts, his, los = (np.zeros((nb, k)) for _ in range(4))
        prods = np.zeros((nb, k, k))
        numba.set_num_threads(max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))
        self.module.kernel(seeds, BATCH, self.params, counts, bads, sums, shifts, prods, his, los)
        out = []
        for b in range(nb):
            n = int(counts[b])
            if n == 0:
                out.append(BatchStats(0, np.zeros(k), np.zeros((k, k)), np.zeros(k), int(bads[b])))
                continue
            q = np.triu(prods[b]) + np.triu(prods[b], 1).T
            s = sums[b]
            mean = shifts[b] + s / n
            comoment = q - np.outer(s, s) / n
            maxdev = np.maximum(his[b] - mean, mean - los[b])
            out.append(BatchStats(n, mean, comoment, maxdev, int(bads[b])))
        return out


_kernels: dict[tuple, Kernel] = {}


def kernel_for(integrands: Sequence[sympy.Expr], draws: Sequence[Draw]) -> Kernel:
    """The (cached) kernel for these integrands; compiles or loads numba's cache on first use."""
    key = (tuple(integrands), tuple(draws))
    if key not in _kernels:
        _kernels[key] = Kernel(integrands, draws)
    return _kernels[key]


def _speed_file() -> Path:
    return cache_dir() / "speeds.json"


def _key(integrands: Sequence[sympy.Expr], draws: Sequence[Draw]) -> str:
    names = {d.symbol: sympy.Symbol(f"d{i}") for i, d in enumerate(draws)}
    text = repr([sympy.srepr(sympy.sympify(f, strict=True).xreplace(names)) for f in integrands])
    text += repr([(d.kind, d.shape) for d in draws])
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def prefer(integrands: Sequence[sympy.Expr], draws: Sequence[Draw]) -> bool:
    """True when a recorded measurement (see `calibrate`) found numba faster for these integrands."""
    try:
        record = json.loads(_speed_file().read_text()).get(_key(integrands, draws))
    except (OSError, ValueError):
        return False
    return bool(record) and record.get("numba", 0.0) > 1.05 * record.get("numpy", float("inf"))


def calibrate(integrands: Sequence[sympy.Expr], draws: Sequence[Draw], threads: int, batches: int = 32) -> dict:
    """Measure samples/s of both backends on these integrands and record them for ``auto``."""
    kernel = kernel_for(integrands, draws)
    kernel.run(0, 0, range(threads), threads)  # compile or load the cache outside the timing
    program = compile_program(integrands, draws)
    normals = normal_filler()  # numpy at its best: what ``auto`` uses on a long run
    run_numpy(program, draws, 0, 0, range(threads), threads=threads, normals=normals)
    speeds = {}
    for name, fn in (
        ("numpy", lambda: run_numpy(program, draws, 1, 0, range(batches), threads=threads, normals=normals)),
        ("numba", lambda: kernel.run(1, 0, range(batches), threads)),
    ):
        t0 = time.perf_counter()
        fn()
        speeds[name] = batches * BATCH / (time.perf_counter() - t0)
    path = _speed_file()
    try:
        table = json.loads(path.read_text())
    except (OSError, ValueError):
        table = {}
    table[_key(integrands, draws)] = speeds
    tmp = path.with_suffix(f".{time.time_ns()}.tmp")
    tmp.write_text(json.dumps(table, indent=1, sort_keys=True))
    tmp.replace(path)
    return speeds


_FILLER_SOURCE = """# Generated by derive._mc_numba: numpy's standard normals, drawn in compiled code.
from numba import njit


@njit(cache=True, nogil=True)
def fill_normal(gen, out):
    for i in range(out.shape[0]):
        out[i] = gen.standard_normal()
"""

_filler: list = []  # [] not tried yet; [None] unusable; [fn] ready


def normal_filler() -> Callable[[np.random.Generator, np.ndarray], None] | None:
    """``fill(rng, out)`` drawing exactly ``rng.standard_normal(out=out)``'s numbers, or None.

    None when numba is missing, cannot compile it, or its numbers differ from numpy's on
    the self-check (three streams of 64k draws, enough to pass through the ziggurat's
    wedge and tail branches): the estimate must not depend on whether numba is installed.
    """
    if not available():  # checked every time, so that tests can take numba away
        return None
    with _lock:
        if _filler:
            return _filler[0]
    try:
        fill = _load(_FILLER_SOURCE)[1].fill_normal
        ours, theirs = np.empty(BATCH), np.empty(BATCH)
        for seed in range(3):
            fill(np.random.Generator(np.random.SFC64(seed)), ours)
            np.random.Generator(np.random.SFC64(seed)).standard_normal(out=theirs)
            if not np.array_equal(ours, theirs):
                fill = None
                break
    except Exception:  # any numba failure (typing, compiling, loading) means: draw with numpy
        fill = None
    with _lock:
        if not _filler:
            _filler.append(fill)
        return _filler[0]
