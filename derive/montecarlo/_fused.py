"""The fused numba kernel of the Monte Carlo tier (``mc_backend="numba"``): one pass per batch.

The numpy backend evaluates an integrand as a chain of ufunc passes over each 64k batch
(draws, ``-|x|``, ``exp``, ``log1p``, ``max``, ``add``, then sum, dot, max and min for the
statistics): each pass reads and writes the batch again. This kernel draws each primitive
draw into its buffer over *the same per-batch SFC64 streams* (`derive.montecarlo._batches.stream_rng`)
with numpy's SeedSequence, SFC64 and ziggurat inlined in numba (`derive.montecarlo._ziggurat`;
numba's Generator for gamma draws), so it samples the same points as the numpy backend,
then makes **one** pass that evaluates every integrand and accumulates the streaming
statistics: shifted sums and co-moments, the non-finite count and the extremes.

That pass vectorises (AVX2/AVX-512) because everything in it is branch-free arithmetic:

* ``exp``, ``log`` and ``log1p`` are branch-free fma versions (`derive.montecarlo._fastmath`:
  Cody-Waite reduction, polynomial, proven bounds under 1.04 ulp), close to numpy's own SIMD
  versions but not always the same last bit (``exp(-|z|)`` and ``log1p(exp(-|z|))`` take
  their domain-restricted twins, the same bits with fewer selects); other functions
  (``sin``, ``tanh``, ...) call libm per sample;
* nothing is compiled with fastmath: only the accumulating additions of the statistics
  carry LLVM's ``reassoc`` flag, so their order is the compiler's fixed vector order, while
  the integrand keeps the order of operations of its expression (a cancellation such as
  ``(x + 1e20) - 1e20`` is evaluated as written, as the numpy program and
  `derive.montecarlo._claim.rounding_resolution` evaluate it);
* the extremes are tracked as order-preserving integer keys of the float bits, since float
  max/min reductions do not vectorise;
* the pass first runs without finiteness masks (``reduce_all``, half the work per sample):
  a NaN or infinite sample makes its own sum of squares NaN or infinite, and only such a
  batch is reduced again by ``reduce``, which skips and counts the non-finite samples.

Each batch's statistics depend only on its stream and the compiled code, so estimates are
bit for bit the same for any thread count. They are *not* bit for bit the numpy backend's:
the same draws, but integrand values can differ in the last bit and the sums are added in
another order. That is why ``auto`` keeps the numpy backend (whose estimate does not depend
on whether numba is installed) unless a recorded measurement chose this kernel.

Batches run on the calling thread plus a pool, a few numba calls per batch with the GIL
released (``nogil``); the shift of the sums is the batch's first finite sample, and a batch
whose variance cancels against it (mean far from the spread) is summed again around its mean.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence

import numpy as np
import sympy
from sympy.codegen.cfunctions import log1p

from derive.montecarlo import _ziggurat
from derive.montecarlo._batches import (
    BATCH,
    BatchStats,
    ScalarStats,
    Stats,
    on_threads,
    reduce_rows,
    stream_entropy,
    stream_rng,
)
from derive.montecarlo._fastmath import SOURCE
from derive.montecarlo._lowering import Draw

__all__ = ["FusedKernel", "fused_source", "math_functions"]

# Branch-free elementary functions for the vectorised pass, with their error bounds
# (`derive.montecarlo._fastmath`), and the intrinsics the generated code uses.
_MATH_SOURCE = SOURCE

_DRAW_CALL = {
    "normal": "gen.standard_normal()",
    "uniform": "gen.random()",
    "exponential": "gen.random()",  # then -log(1 - U) in a second, vectorised loop (see below)
}
# The same draws from the inlined generator (`derive.montecarlo._ziggurat`), state in `st`.
_INLINE_CALL = {"normal": "zig_normal(st)", "uniform": "sfc_double(st)", "exponential": "sfc_double(st)"}


def _printer() -> object:
    from sympy.printing.pycode import PythonCodePrinter  # noqa: PLC0415

    class Printer(PythonCodePrinter):
        """Python source for numba: the vectorisable functions, numpy's NaN rules for max/min."""

        def _print_exp(self, e: sympy.exp) -> str:
            return f"vexp({self._print(e.args[0])})"

        def _print_log(self, e: sympy.log) -> str:
            if len(e.args) != 1:
                return f"(vlog({self._print(e.args[0])}) / vlog({self._print(e.args[1])}))"
            return f"vlog({self._print(e.args[0])})"

        def _print_log1p(self, e: log1p) -> str:
            return f"vlog1p({self._print(e.args[0])})"

        def _print_Log1pUnit(self, e: sympy.Function) -> str:  # noqa: N802 - sympy printer hook
            return f"vlog1p_unit({self._print(e.args[0])})"

        def _print_ExpNonpos(self, e: sympy.Function) -> str:  # noqa: N802
            return f"vexp_nonpos({self._print(e.args[0])})"

        def _fold(self, name: str, args: Sequence[sympy.Basic]) -> str:
            acc = self._print(args[0])
            for a in args[1:]:
                acc = f"{name}({acc}, {self._print(a)})"
            return acc

        def _print_Max(self, e: sympy.Max) -> str:  # noqa: N802 - sympy printer hook
            return self._fold("vmax", [sympy.Float(a) if a.is_Integer else a for a in e.args])

        def _print_Min(self, e: sympy.Min) -> str:  # noqa: N802
            return self._fold("vmin", [sympy.Float(a) if a.is_Integer else a for a in e.args])

        def _print_Pow(self, e: sympy.Pow, rational: bool = False) -> str:  # noqa: N802
            # The products the numpy program uses (np.square, x*x*x, 1/x): the same roundings.
            base, ex = e.args
            if ex.is_Number and not base.is_Number and float(ex) in (2, 3, 4, -1, -2):
                b = f"({self._print(base)})"
                sq = f"({b} * {b})"
                return {2: sq, 3: f"({sq} * {b})", 4: f"({sq} * {sq})", -1: f"(1.0 / {b})", -2: f"(1.0 / {sq})"}[
                    int(ex)
                ]
            return super()._print_Pow(e, rational=rational)

        def _print_And(self, e: sympy.And) -> str:  # noqa: N802
            # Bitwise on booleans: `and` short-circuits, a branch that stops the loop vectorising.
            return "(" + " & ".join(f"({self._print(a)})" for a in e.args) + ")"

        def _print_Or(self, e: sympy.Or) -> str:  # noqa: N802
            return "(" + " | ".join(f"({self._print(a)})" for a in e.args) + ")"

        def _print_sign(self, e: sympy.sign) -> str:
            return f"vsign({self._print(e.args[0])})"

        def _print_Piecewise(self, e: sympy.Piecewise) -> str:  # noqa: N802
            # The first true condition wins; no true condition is NaN, as in the numpy program.
            acc = "math.nan"
            for value, cond in reversed(e.args):
                if cond is sympy.true:
                    acc = f"({self._print(value)})"
                elif cond is not sympy.false:
                    acc = f"(({self._print(value)}) if ({self._print(cond)}) else {acc})"
            return acc

        def _print_floor(self, e: sympy.floor) -> str:
            return f"np.floor({self._print(e.args[0])})"  # a float, as numpy's (math.floor gives an int)

        def _print_ceiling(self, e: sympy.ceiling) -> str:
            return f"np.ceil({self._print(e.args[0])})"

    return Printer({"fully_qualified_modules": True})


def _block(lines: list[str], indent: int) -> str:
    return "\n".join(" " * indent + line for chunk in lines for line in chunk.split("\n"))


_STAGED = (sympy.exp, sympy.log, log1p)


class Log1pUnit(sympy.Function):
    """log1p of an argument in [+0.0, 1] or NaN: printed as `vlog1p_unit` (vlog1p's bits, fewer selects)."""


class ExpNonpos(sympy.Function):
    """exp of an argument <= 0 or NaN: printed as `vexp_nonpos` (vexp's bits without its clamp at 710)."""


def _nonpositive(arg: sympy.Expr) -> bool:
    # -|z| of a real z: <= 0 (-0.0 at 0), NaN for a NaN z. The integrands are real (the
    # lowering's draws and parameters are), so |z| >= 0 or NaN.
    return isinstance(-arg, sympy.Abs)


def _unit_interval(arg: sympy.Expr) -> bool:
    # exp(-|z|): in [+0.0, 1] (+0.0 when it underflows), NaN for a NaN z
    return isinstance(arg, sympy.exp) and _nonpositive(arg.args[0])


def _stages(exprs: Sequence[sympy.Expr]) -> tuple[list[tuple[sympy.Symbol, sympy.Expr]], list[sympy.Expr]]:
    """Each exp/log/log1p call as its own stage (innermost first), then the outputs in terms of them.

    One loop per stage: a loop body holding several of these polynomial evaluations runs out
    of vector registers (measured 1.7x slower than two loops through a 64k temporary in cache).
    """
    temps: dict[sympy.Basic, sympy.Symbol] = {}
    stages: list[tuple[sympy.Symbol, sympy.Expr]] = []
    for e in exprs:
        for node in sympy.postorder_traversal(e):
            if isinstance(node, _STAGED) and len(node.args) == 1 and node not in temps:
                t = sympy.Symbol(f"t{len(stages)}")
                arg = node.args[0].xreplace(temps)
                if isinstance(node, log1p) and _unit_interval(node.args[0]):
                    stages.append((t, Log1pUnit(arg)))  # the stable softplus's log1p(exp(-|z|))
                elif isinstance(node, sympy.exp) and _nonpositive(node.args[0]):
                    stages.append((t, ExpNonpos(arg)))  # exp(-|z|) of softplus and sigmoid
                else:
                    stages.append((t, node.func(arg, evaluate=False)))
                temps[node] = t
    return stages, [e.xreplace(temps) for e in exprs]


def _slots(stages: Sequence[tuple[sympy.Symbol, sympy.Expr]], outputs: Sequence[sympy.Expr]) -> list[int]:
    """The temps row each stage writes: a stage may overwrite a temp it reads for the last time.

    Stage m computes its sample i from the temps' samples i only, so writing its result over
    an argument that no later stage and no output reads is safe; fewer 64k rows keep a batch
    in the core's cache (softplus: one temps row beside the draws' instead of two).
    """
    last = {}
    for m, (_, e) in enumerate(stages):
        for sym in e.free_symbols:
            last[sym] = m
    used_by_outputs = set().union(*(e.free_symbols for e in outputs)) if outputs else set()
    slot: dict[sympy.Symbol, int] = {}
    free: list[int] = []
    rows = 0
    for m, (t, e) in enumerate(stages):
        for sym in sorted(e.free_symbols, key=lambda x: x.name):
            if sym in slot and last[sym] == m and sym not in used_by_outputs:
                free.append(slot[sym])
        if free:
            slot[t] = free.pop(0)
        else:
            slot[t], rows = rows, rows + 1
    return [slot[t] for t, _ in stages]


def _loop(printer: object, exprs: Sequence[sympy.Expr], targets: Sequence[str]) -> list[str]:
    """The body of a loop over the batch computing ``exprs`` into ``targets`` at sample ``i``."""
    assignments, reduced = sympy.cse(list(exprs), symbols=sympy.numbered_symbols("c"))
    free = set().union(*(e.free_symbols for e in exprs))
    loads = []
    for sym in sorted(free, key=lambda x: x.name):
        if sym.name[0] == "d":
            loads.append(f"{sym.name} = b{sym.name[1:]}[i]")
        elif sym.name[0] == "t":
            loads.append(f"{sym.name} = T{sym.name[1:]}[i]")
    body = [f"{printer.doprint(c)} = {printer.doprint(v)}" for c, v in assignments]
    body += [f"{t} = float({printer.doprint(e)})" for t, e in zip(targets, reduced, strict=True)]
    return loads + body


def fused_source(exprs: Sequence[sympy.Expr], draws: Sequence[Draw], n_params: int, inline: bool = False) -> str:
    """Source of the generated module for integrands already in d0, d1, ... and p0, p1, ...

    ``draw(gen, bufs, params)`` fills the draw buffers (with ``inline``, ``draw(entropy,
    batch, bufs, params)`` draws the same numbers from the stream's entropy words and the
    batch index through the inlined generator of `derive.montecarlo._ziggurat`; not for gamma
    draws, which need numba's Generator); ``stages(bufs, params, temps)`` writes
    each exp/log/log1p of the integrands into its buffer (`_stages`); ``reduce(bufs, params,
    temps, shift, sums, prods, ext)`` evaluates the integrands and makes the statistics in
    the same loop, around ``shift``, and returns the non-finite count; ``reduce_all`` (same
    arguments) does the same without the masks for non-finite samples; ``first(bufs, params,
    temps, shift)`` sets ``shift`` to the first finite sample; ``evaluate(bufs, params,
    temps, ys)`` writes the integrands' values (for tests). Nothing is compiled with
    fastmath: only the accumulating additions carry LLVM's ``reassoc`` flag (`racc`), which
    lets the statistics loop vectorise while the integrand keeps its own order of operations.
    """
    printer = _printer()
    k = len(exprs)
    stages, outputs = _stages(exprs)
    n_gamma = sum(d.kind == "gamma" for d in draws)
    shapes = iter(range(n_params - n_gamma, n_params))
    fill = ["st = sfc_seeded(entropy, batch)"] if inline else []
    for j, d in enumerate(draws):
        if inline:  # the state carries over from one draw's buffer to the next, as in the Generator
            fill.append(f"b{j} = bufs[{j}]\nfor i in range(b{j}.shape[0]):\n    b{j}[i], st = {_INLINE_CALL[d.kind]}")
        else:
            call = _DRAW_CALL.get(d.kind) or f"gen.standard_gamma(params[{next(shapes)}])"
            fill.append(f"b{j} = bufs[{j}]\nfor i in range(b{j}.shape[0]):\n    b{j}[i] = {call}")
        if d.kind == "exponential":  # as the numpy backend draws it: -log(1 - U), exact in law
            fill.append(f"for i in range(b{j}.shape[0]):\n    b{j}[i] = -vlog(1.0 - b{j}[i])")
    setup = [f"p{i} = params[{i}]" for i in range(n_params)]
    setup += [f"b{j} = bufs[{j}]" for j in range(len(draws))]
    setup += [f"T{m} = temps[{row}]" for m, row in enumerate(_slots(stages, outputs))]
    staged = []
    for m, (_, e) in enumerate(stages):
        staged += ["for i in range(bufs.shape[1]):", _block(_loop(printer, [e], [f"T{m}[i]"]), 4)]
    values = _loop(printer, outputs, [f"y{j}" for j in range(k)])
    pairs = [(a, b) for a in range(k) for b in range(a, k)]
    finite = " & ".join(f"(abs(y{j}) < np.inf)" for j in range(k))
    acc_init = ["bad = 0"]
    acc_init += [f"h{j} = shift[{j}]\ns{j} = 0.0\nhi{j} = KEYLOW\nlo{j} = KEYHIGH" for j in range(k)]
    acc_init += [f"q{a}_{b} = 0.0" for a, b in pairs]
    acc_loop = [*values, f"ok = {finite}", "bad += 0 if ok else 1"]
    acc_loop += [f"e{j} = y{j} - h{j} if ok else 0.0\ns{j} = racc(s{j}, e{j})" for j in range(k)]
    acc_loop += [f"q{a}_{b} = racc(q{a}_{b}, e{a} * e{b})" for a, b in pairs]
    # A skipped sample must not move the extremes: it gets the key of -inf (for hi) and +inf
    # (for lo). Selects only: a branch in the loop body stops it from vectorising.
    acc_loop += [
        f"kk{j} = key(e{j})\nkh{j} = kk{j} if ok else KEYLOW\nkl{j} = kk{j} if ok else KEYHIGH\n"
        f"hi{j} = kh{j} if kh{j} > hi{j} else hi{j}\nlo{j} = kl{j} if kl{j} < lo{j} else lo{j}"
        for j in range(k)
    ]
    # The same statistics without the finiteness masks (half the work per sample): exact when
    # every sample is finite, and otherwise visibly wrong, since a NaN or infinite value makes
    # its own sum of squares q_jj NaN or infinite. `FusedKernel.one` then reduces again with masks.
    acc_all = [*values]
    acc_all += [f"e{j} = y{j} - h{j}\ns{j} = racc(s{j}, e{j})" for j in range(k)]
    acc_all += [f"q{a}_{b} = racc(q{a}_{b}, e{a} * e{b})" for a, b in pairs]
    acc_all += [
        f"kk{j} = key(e{j})\nhi{j} = kk{j} if kk{j} > hi{j} else hi{j}\nlo{j} = kk{j} if kk{j} < lo{j} else lo{j}"
        for j in range(k)
    ]
    store = [f"sums[{j}] = s{j}\next[0, {j}] = unkey(hi{j})\next[1, {j}] = unkey(lo{j})" for j in range(k)]
    store += [f"prods[{a}, {b}] = q{a}_{b}\nprods[{b}, {a}] = q{a}_{b}" for a, b in pairs]
    first = [*values, f"if {finite}:"] + [f"    shift[{j}] = y{j}" for j in range(k)] + ["    return i"]
    write = [*values] + [f"ys[{j}, i] = y{j}" for j in range(k)]
    return f"""# Generated by derive.montecarlo._fused for {k} integrand(s) of {len(draws)} draw(s); do not edit.
{_MATH_SOURCE}
{_ziggurat.SOURCE if inline else ""}

@njit(cache=True, nogil=True, error_model="numpy")
def draw({"entropy, batch" if inline else "gen"}, bufs, params):
{_block(fill, 4) if fill else "    pass"}


@njit(cache=True, nogil=True, error_model="numpy")
def stages(bufs, params, temps):
{_block(setup, 4)}
{_block(staged, 4) if staged else "    pass"}


@njit(cache=True, nogil=True, error_model="numpy")
def reduce(bufs, params, temps, shift, sums, prods, ext):
{_block(setup, 4)}
{_block(acc_init, 4)}
    for i in range(bufs.shape[1]):
{_block(acc_loop, 8)}
{_block(store, 4)}
    return bad


@njit(cache=True, nogil=True, error_model="numpy")
def reduce_all(bufs, params, temps, shift, sums, prods, ext):
{_block(setup, 4)}
{_block(acc_init, 4)}
    for i in range(bufs.shape[1]):
{_block(acc_all, 8)}
{_block(store, 4)}
    return bad


@njit(cache=True, nogil=True, error_model="numpy")
def first(bufs, params, temps, shift):
{_block(setup, 4)}
    for i in range(bufs.shape[1]):
{_block(first, 8)}
    return -1


@njit(cache=True, nogil=True, error_model="numpy")
def evaluate(bufs, params, temps, ys):
{_block(setup, 4)}
    for i in range(bufs.shape[1]):
{_block(write, 8)}
"""


#: Shifted sums lose precision when the variance is below this share of the shifted sum of squares.
_CANCELLATION = 1e-6


class _Workspace:
    """Per-thread buffers of one kernel: the draws and the statistics of one batch."""

    def __init__(self, n_draws: int, k: int, n_temps: int) -> None:
        self.bufs = np.empty((max(n_draws, 1), BATCH))
        self.ys = np.empty((k, BATCH))
        self.temps = np.empty((max(n_temps, 1), BATCH))
        self.shift = np.zeros(k)
        self.sums = np.zeros(k)
        self.prods = np.zeros((k, k))
        self.ext = np.zeros((2, k))
        self.entropy_key: tuple[int, int] | None = None  # the stream whose entropy words `entropy` holds
        self.entropy = np.zeros(0, dtype=np.uint64)


class FusedKernel:
    """The compiled kernel for K integrands; `run` returns per-batch `BatchStats` (`ScalarStats` for K = 1)."""

    def __init__(self, integrands: Sequence[sympy.Expr], draws: Sequence[Draw]) -> None:
        from derive.montecarlo._numba import _constants, _load, inline_draws  # noqa: PLC0415 - _mc_numba imports this module lazily

        self.k, self.n_draws = len(integrands), len(draws)
        exprs, values = _constants(integrands, draws)
        self.params = np.array(values, dtype=float) if values else np.zeros(1)
        stages, outputs = _stages(exprs)
        self.n_temps = len(stages)
        self.n_rows = max(_slots(stages, outputs), default=-1) + 1
        # The inlined generator when it passed its self-check and every draw is one it makes.
        self.inline = bool(draws) and all(d.kind in _INLINE_CALL for d in draws) and inline_draws() is not None
        self.digest, self.module = _load(fused_source(exprs, draws, len(values), self.inline))
        self._local = threading.local()

    def _workspace(self) -> _Workspace:
        ws = getattr(self._local, "ws", None)
        if ws is None:
            ws = self._local.ws = _Workspace(self.n_draws, self.k, self.n_rows)
        return ws

    def one(self, seed: int, stream: int, batch: int) -> Stats:
        """Draw and reduce one batch (its numbers depend only on seed, stream and batch)."""
        ws, k, m = self._workspace(), self.k, self.module
        # Separate passes over the batch rather than one loop: drawing, evaluating and summing
        # each sample in one scalar loop measured 1.9x slower for max(x, 0) and 5x slower for
        # softplus (these loops vectorise; the draw loop issues ~5 instructions per cycle, so
        # each scalar operation added to it costs ~0.05 ns per sample); the draws and the
        # statistics interleaved in chunks of 1k-16k samples in one compiled function, 3-12%
        # slower. One compiled function calling the passes saved ~1 us per batch (~1%) but
        # compiled each new kernel ~20% longer: the passes are called one by one.
        if self.inline:
            if ws.entropy_key != (seed, stream):
                ws.entropy, ws.entropy_key = stream_entropy(seed, stream), (seed, stream)
            m.draw(ws.entropy, batch, ws.bufs, self.params)
        else:
            m.draw(stream_rng(seed, stream, batch), ws.bufs, self.params)
        if self.n_temps:
            m.stages(ws.bufs, self.params, ws.temps)
        if m.first(ws.bufs, self.params, ws.temps, ws.shift) < 0:
            return BatchStats(0, np.zeros(k), np.zeros((k, k)), np.zeros(k), BATCH)
        # Unmasked first: when every q_jj is finite, so was every sample (see fused_source).
        reduce, bad = m.reduce_all, 0
        reduce(ws.bufs, self.params, ws.temps, ws.shift, ws.sums, ws.prods, ws.ext)
        if not (math.isfinite(ws.prods[0, 0]) if k == 1 else np.all(np.isfinite(np.diag(ws.prods)))):
            reduce = m.reduce  # skips and counts the non-finite samples
            bad = int(reduce(ws.bufs, self.params, ws.temps, ws.shift, ws.sums, ws.prods, ws.ext))
        n = BATCH - bad
        if k == 1:
            return self._one_integrand(ws, n, bad, reduce)
        if not (np.all(np.isfinite(ws.sums)) and np.all(np.isfinite(ws.prods))):
            return self._overflowed()
        s, q = ws.sums.copy(), ws.prods.copy()
        comoment = q - np.outer(s, s) / n
        if np.any(np.diag(comoment) < _CANCELLATION * np.diag(q)):
            # The mean lies far out from the first sample relative to the spread: sum again
            # around the mean (the draws are still in their buffers).
            ws.shift[:] = ws.shift + s / n
            reduce(ws.bufs, self.params, ws.temps, ws.shift, ws.sums, ws.prods, ws.ext)
            s, q = ws.sums.copy(), ws.prods.copy()
            comoment = q - np.outer(s, s) / n
        offset = s / n
        maxdev = np.maximum(ws.ext[0] - offset, offset - ws.ext[1])
        return BatchStats(n, ws.shift + offset, comoment, maxdev, bad)

    def _one_integrand(self, ws: _Workspace, n: int, bad: int, reduce: Callable[..., int]) -> Stats:
        # The same arithmetic on Python floats: a dozen small numpy calls per batch cost more
        # than the reduction itself, and they hold the GIL the other batch threads wait for.
        s, q = float(ws.sums[0]), float(ws.prods[0, 0])
        if not (math.isfinite(s) and math.isfinite(q)):
            return self._overflowed()
        m2 = q - s * s / n
        if m2 < _CANCELLATION * q:
            ws.shift[0] = float(ws.shift[0]) + s / n
            reduce(ws.bufs, self.params, ws.temps, ws.shift, ws.sums, ws.prods, ws.ext)
            s, q = float(ws.sums[0]), float(ws.prods[0, 0])
            m2 = q - s * s / n
        offset = s / n
        dev = max(float(ws.ext[0, 0]) - offset, offset - float(ws.ext[1, 0]))
        return ScalarStats(n, float(ws.shift[0]) + offset, m2, dev, bad)

    def _overflowed(self) -> Stats:
        # Finite values whose sums overflow (exp(400 z^2)): the numpy backend's reduction
        # of the stored values, so such a batch reads the same (inf, not inf - inf) there.
        with np.errstate(all="ignore"):
            return reduce_rows(self.last_values())

    def last_values(self) -> np.ndarray:
        """The integrands' values on this thread's last batch, (K, BATCH) (for tests and debugging)."""
        ws = self._workspace()
        self.module.evaluate(ws.bufs, self.params, ws.temps, ws.ys)
        return ws.ys

    def run(self, seed: int, stream: int, batches: range, threads: int) -> list[Stats]:
        """Run ``batches`` on ``threads`` threads; results in batch order, independent of ``threads``."""
        if threads <= 1 or len(batches) == 1:
            return [self.one(seed, stream, b) for b in batches]
        return on_threads(lambda b: self.one(seed, stream, b), batches, threads)


def math_functions() -> object:
    """The compiled module holding the vectorised ``exp``/``log``/``log1p`` (for tests)."""
    from derive.montecarlo._numba import _load  # noqa: PLC0415

    return _load("# derive.montecarlo._fused math functions\n" + _MATH_SOURCE)[1]
