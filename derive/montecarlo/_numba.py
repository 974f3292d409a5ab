"""The optional numba backend (``pip install derive[fast]``): compiled draws and the fused kernel.

Two uses of numba, both over the numpy backend's per-batch SFC64 streams
(``SeedSequence(seed, spawn_key=(stream, batch))``, `derive.montecarlo._batches.stream_rng`):

* `normal_filler` compiles a loop over ``Generator.standard_normal`` (numba's port of
  numpy's ziggurat, fed by the same bit generator), which draws *the same numbers* as
  ``rng.standard_normal(out=buf)`` about 3x faster on the reference machine. The integrand
  is still evaluated by numpy's SIMD ufuncs, so the estimate is bit for bit the one without
  numba; the filler is self-checked against numpy before it is used.
* `inline_draws` compiles and self-checks `derive.montecarlo._ziggurat` (numpy's SeedSequence,
  SFC64 and ziggurat written out for numba, the same numbers again), which the fused kernel
  draws with and `bench/montecarlo.py` times as the ceiling.
* `kernel_for` gives the fused kernel of `derive.montecarlo._fused` (``mc_backend="numba"``): the
  same draws, then one vectorised pass that evaluates the integrands and their streaming
  statistics. Bit for bit the same for any thread count, but not the numpy backend's last
  bits, so ``auto`` picks it only for an integrand whose recorded measurement (`calibrate`,
  in the cache directory) found it faster.

Generated sources are written to ``user_cache_dir("derive")/numba/mc_<hash>.py`` so numba's
``cache=True`` keeps the compiled code across runs.
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
from typing import TYPE_CHECKING

import numpy as np
import sympy

from derive.montecarlo._batches import BATCH, run_numpy, stream_entropy, stream_rng
from derive.montecarlo._lowering import Draw, compile_program, heaviside_piecewise

if TYPE_CHECKING:
    from derive.montecarlo._fused import FusedKernel

__all__ = ["available", "cache_dir", "calibrate", "inline_draws", "kernel_for", "normal_filler", "prefer"]


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


_kernels: dict[tuple, FusedKernel] = {}


def kernel_for(integrands: Sequence[sympy.Expr], draws: Sequence[Draw]) -> FusedKernel:
    """The (cached) fused kernel for these integrands; compiles or loads numba's cache on first use."""
    from derive.montecarlo._fused import FusedKernel  # noqa: PLC0415 - it imports this module

    key = (tuple(integrands), tuple(draws))
    if key not in _kernels:
        _kernels[key] = FusedKernel(integrands, draws)
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


_FILLER_SOURCE = """# Generated by derive.montecarlo._numba: numpy's standard normals, drawn in compiled code.
from numba import njit


@njit(cache=True, nogil=True)
def fill_normal(gen, out):
    for i in range(out.shape[0]):
        out[i] = gen.standard_normal()
"""

_filler: list = []  # [] not tried yet; [None] unusable; [fn] ready


def _state_filler(
    generator_fill: Callable[[np.random.Generator, np.ndarray], None],
) -> Callable[[np.random.Generator, np.ndarray], None]:
    """``fill(rng, out)`` through the inlined ziggurat on an SFC64 rng's state, else ``generator_fill``.

    The state goes out of the Generator and back (~3 us) instead of numba calling SFC64
    through a function pointer for every draw (~25 us less per 64k normals, measured);
    standard_normal uses neither ``has_uint32`` nor ``uinteger``, which are written back as
    they were, so the rng continues exactly as after ``rng.standard_normal(out=out)``.
    """
    module = inline_draws()
    if module is None:
        return generator_fill
    fill_state = module.zig_fill_state

    def fill(rng: np.random.Generator, out: np.ndarray) -> None:
        bitgen = rng.bit_generator
        state = bitgen.state
        if state.get("bit_generator") != "SFC64":
            generator_fill(rng, out)
            return
        words = np.array(state["state"]["state"], dtype=np.uint64)
        fill_state(words, out)
        state["state"]["state"] = words
        bitgen.state = state

    return fill


def normal_filler() -> Callable[[np.random.Generator, np.ndarray], None] | None:
    """``fill(rng, out)`` drawing exactly ``rng.standard_normal(out=out)``'s numbers, or None.

    The inlined ziggurat on the rng's SFC64 state when `inline_draws` passed its check
    (`_state_filler`), else numba's ``Generator.standard_normal``. None when numba is
    missing, cannot compile it, or its numbers differ from numpy's on the self-check (three
    SFC64 streams of 64k draws, enough to pass through the ziggurat's wedge and tail
    branches, one PCG64 stream for the Generator path, and the uniforms each rng draws
    after them): the estimate must not depend on whether numba is installed.
    """
    if not available():  # checked every time, so that tests can take numba away
        return None
    with _lock:
        if _filler:
            return _filler[0]
    try:
        fill = _state_filler(_load(_FILLER_SOURCE)[1].fill_normal)
        ours, theirs = np.empty(BATCH), np.empty(BATCH)
        # SFC64 (the inlined path) on three streams, and PCG64 (the Generator path) on one
        for seed, bitgen in ((0, np.random.SFC64), (1, np.random.SFC64), (2, np.random.SFC64), (3, np.random.PCG64)):
            rng, reference = np.random.Generator(bitgen(seed)), np.random.Generator(bitgen(seed))
            fill(rng, ours)
            reference.standard_normal(out=theirs)
            if not (np.array_equal(ours, theirs) and np.array_equal(rng.random(5), reference.random(5))):
                fill = None
                break
    except Exception:  # any numba failure (typing, compiling, loading) means: draw with numpy
        fill = None
    with _lock:
        if not _filler:
            _filler.append(fill)
        return _filler[0]


_inline: list = []  # as _filler: the self-checked module of derive.montecarlo._ziggurat, or None


def inline_draws() -> ModuleType | None:
    """The compiled inlined SeedSequence, SFC64 and ziggurat (`derive.montecarlo._ziggurat`), or None.

    ``zig_fill(stream_entropy(seed, stream), batch, out)`` fills ``out`` with
    ``stream_rng(seed, stream, batch).standard_normal(out=out)``'s numbers. None when numba or
    its copy of numpy's tables is missing, or when the self-check finds a different number
    (seed words for batch indices of one and two 32-bit words and a seed of three; three
    streams of 64k normals, through the wedge and tail branches; 64k uniforms): the fused
    kernel then draws through numba's Generator, with the same numbers.
    """
    if not available():
        return None
    from derive.montecarlo import _fastmath, _ziggurat  # noqa: PLC0415

    with _lock:
        if _inline:
            return _inline[0]
    module = None
    try:
        if _ziggurat.tables_available():
            module = _load("# derive.montecarlo._ziggurat draws\n" + _fastmath.SOURCE + _ziggurat.SOURCE)[1]
            ours, theirs, words = np.empty(BATCH), np.empty(BATCH), np.empty(3, dtype=np.uint64)
            for seed, stream, batch in ((0, 0, 0), (2**70 + 5, 3, 2**32 + 7), (1, 2**40, 2**31)):
                module.zig_state(stream_entropy(seed, stream), batch, words)
                expected = np.random.SeedSequence(seed, spawn_key=(stream, batch)).generate_state(3, np.uint64)
                if not np.array_equal(words, expected):
                    raise ValueError("seed words differ")
            for batch in range(3):
                module.zig_fill(stream_entropy(7, 3), batch, ours)
                stream_rng(7, 3, batch).standard_normal(out=theirs)
                if not np.array_equal(ours, theirs):
                    raise ValueError("normals differ")
            module.zig_uniform_fill(stream_entropy(7, 4), 0, ours)
            if not np.array_equal(ours, stream_rng(7, 4, 0).random(BATCH)):
                raise ValueError("uniforms differ")
    except Exception:  # any numba failure or difference means: draw through the Generator
        module = None
    with _lock:
        if not _inline:
            _inline.append(module)
        return _inline[0]
