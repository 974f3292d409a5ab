"""Streaming batch statistics and the numpy backend of the Monte Carlo tier.

A *batch* is a fixed number of samples (64k) drawn from its own random stream: SFC64 seeded
by ``SeedSequence(seed, spawn_key=(stream, batch))``, the same children
``SeedSequence(seed).spawn`` hands out. So a batch's numbers depend only on the seed and
its index, never on which thread ran it. Each batch is reduced to `BatchStats` (count,
means, co-moment matrix, extremes, non-finite count; `ScalarStats` on Python floats for one
integrand); batches are merged in index order
with Chan's pairwise formulas, so the estimate for a seed is identical for any thread
count. Memory is a few preallocated buffers per thread, independent of the sample count.
The standard normals may be drawn by a compiled loop (``run_numpy(..., normals=...)``) that
must reproduce numpy's numbers exactly, so that too leaves every estimate unchanged.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from derive.montecarlo._lowering import Draw, Program

__all__ = [
    "BATCH",
    "BatchStats",
    "ScalarStats",
    "Stats",
    "Totals",
    "cpu_count",
    "merge",
    "normal_batches",
    "run_numpy",
    "stream_entropy",
    "stream_rng",
]

#: Samples per batch: 64k float64 values (512 KiB) stay cache-friendly per thread.
BATCH = 1 << 16


@dataclass(frozen=True)
class BatchStats:
    """One batch reduced: finite sample count, means and co-moments of the K integrands."""

    n: int
    mean: np.ndarray  # (K,)
    comoment: np.ndarray  # (K, K): sum of products of deviations from the batch mean
    maxdev: np.ndarray  # (K,): largest |value - batch mean|
    nonfinite: int


class ScalarStats:
    """One batch of one integrand on Python floats: `BatchStats`'s content without its arrays.

    The fused kernel and the numpy backend summarise most batches this way: building four
    small arrays and a frozen dataclass cost ~3 us per batch with the GIL held, which the
    other batch threads wait on. ``mean``, ``comoment`` and ``maxdev`` give `BatchStats`'s
    arrays (fresh copies) for any other reader.
    """

    __slots__ = ("c", "dev", "m", "n", "nonfinite")

    def __init__(self, n: int, m: float, c: float, dev: float, nonfinite: int) -> None:
        self.n, self.m, self.c, self.dev, self.nonfinite = n, m, c, dev, nonfinite

    @property
    def mean(self) -> np.ndarray:
        return np.array([self.m])

    @property
    def comoment(self) -> np.ndarray:
        return np.array([[self.c]])

    @property
    def maxdev(self) -> np.ndarray:
        return np.array([self.dev])


#: A batch's summary: K integrands on arrays, or one on Python floats.
Stats = BatchStats | ScalarStats


class Totals:
    """Batches merged so far, plus what the heavy-tail check needs from each batch.

    ``mean`` (K,), ``comoment`` (K, K) and ``max_dev_sq`` (K,) are arrays (None before the
    first batch). One-integrand runs keep them on Python floats between batches (`_one`) and
    build the arrays when they are read: the merge runs serially after the batch threads,
    so its cost per batch limits thread scaling.
    """

    def __init__(self) -> None:
        self.n = 0
        self.nonfinite = 0
        self.batches = 0
        self.tail_fractions: list[np.ndarray | float] | None = None  # per batch: maxdev^2 / co-moment diagonal
        self._mean: np.ndarray | None = None
        self._comoment: np.ndarray | None = None
        self._max_dev_sq: np.ndarray | None = None  # the largest maxdev^2 of any batch so far
        self._one: list[float] | None = None  # [mean, comoment, max_dev_sq] while they live on floats

    def _arrays(self) -> None:
        # The float state back into arrays (exact), read by everything but `_add_one`.
        if self._one is not None:
            m, c, d2 = self._one
            self._mean, self._comoment, self._max_dev_sq = np.array([m]), np.array([[c]]), np.array([d2])
            self._one = None

    @property
    def mean(self) -> np.ndarray | None:
        self._arrays()
        return self._mean

    @property
    def comoment(self) -> np.ndarray | None:
        self._arrays()
        return self._comoment

    @property
    def max_dev_sq(self) -> np.ndarray | None:
        self._arrays()
        return self._max_dev_sq

    def add(self, b: Stats) -> None:
        if self.tail_fractions is None:
            self.tail_fractions = []
        self.batches += 1
        self.nonfinite += b.nonfinite
        one = isinstance(b, ScalarStats) or b.mean.shape == (1,)
        if one and self.n > 0 and (self._one is not None or self._mean is not None):
            self._add_one(b)
            return
        self._arrays()
        maxdev, comoment = b.maxdev, b.comoment
        self._max_dev_sq = maxdev**2 if self._max_dev_sq is None else np.maximum(self._max_dev_sq, maxdev**2)
        diag = np.diag(comoment)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            frac = np.where(diag > 0, maxdev**2 / np.where(diag > 0, diag, 1.0), 0.0)
        self.tail_fractions.append(frac)
        if self._mean is None or self.n == 0:
            self.n, self._mean, self._comoment = b.n, b.mean.copy(), comoment.copy()
            return
        assert self._comoment is not None
        self.n, self._mean, self._comoment = merge((self.n, self._mean, self._comoment), (b.n, b.mean, comoment))

    def _add_one(self, b: Stats) -> None:
        # One integrand: the same operations as `add` and `merge` in the same order, on Python
        # floats (bit-identical results), without a dozen small-array numpy calls per batch.
        assert self.tail_fractions is not None
        if self._one is None:
            assert self._mean is not None and self._comoment is not None and self._max_dev_sq is not None
            self._one = [float(self._mean[0]), float(self._comoment[0, 0]), float(self._max_dev_sq[0])]
            self._mean = self._comoment = self._max_dev_sq = None
        state = self._one
        if isinstance(b, ScalarStats):
            c, dev, mb = b.c, b.dev, b.m
        else:
            c, dev, mb = float(b.comoment[0, 0]), float(b.maxdev[0]), float(b.mean[0])
        worst, d2 = state[2], dev * dev
        # np.maximum's rule: a NaN on either side wins
        state[2] = worst if worst >= d2 or math.isnan(worst) else d2
        self.tail_fractions.append(d2 / c if c > 0 else 0.0)  # a float: `tail_fraction` stacks them
        if b.n == 0:
            return
        na, nb = self.n, b.n
        n = na + nb
        ma = state[0]
        delta = mb - ma
        self.n = n
        state[0] = ma + delta * (nb / n)
        state[1] = state[1] + c + delta * delta * (na * nb / n)

    @property
    def covariance_of_mean(self) -> np.ndarray:
        """Estimated covariance matrix of the K sample means."""
        assert self.comoment is not None
        return self.comoment / (self.n * (self.n - 1)) if self.n > 1 else np.full_like(self.comoment, np.inf)

    def tail_fraction(self) -> np.ndarray:
        """Median over batches of the share of a batch's sum of squares due to its most extreme sample.

        For a finite-variance integrand this share shrinks like 1/batch size (about 1e-3
        for a normal); with infinite variance it stays of order one in every batch.
        """
        assert self.tail_fractions
        return np.median(np.vstack([np.atleast_1d(f) for f in self.tail_fractions]), axis=0)

    def global_tail_fraction(self) -> np.ndarray:
        """The share of the whole sample's sum of squares due to its single most extreme sample.

        With infinite variance this stays of order one however many batches are merged (the
        largest of n draws keeps pace with the sum); with finite variance it shrinks as the
        sample grows. A rare but bounded value (an indicator with p = 5e-5) dominates every
        batch's sum, so the per-batch median flags it, but once it has occurred often enough in
        the whole sample no single draw dominates, and the standard error is sound again.
        """
        assert self.max_dev_sq is not None and self.comoment is not None
        diag = np.diag(self.comoment)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return np.where(diag > 0, self.max_dev_sq / np.where(diag > 0, diag, 1.0), 0.0)


def merge(
    a: tuple[int, np.ndarray, np.ndarray], b: tuple[int, np.ndarray, np.ndarray]
) -> tuple[int, np.ndarray, np.ndarray]:
    """Chan et al.'s pairwise merge of (count, mean, co-moment) summaries."""
    (na, ma, ca), (nb, mb, cb) = a, b
    if nb == 0:
        return a
    n = na + nb
    delta = mb - ma
    return n, ma + delta * (nb / n), ca + cb + np.outer(delta, delta) * (na * nb / n)


def stream_rng(seed: int, stream: int, batch: int) -> np.random.Generator:
    """The generator for one batch: SFC64 seeded by child ``(stream, batch)`` of ``SeedSequence(seed)``.

    SFC64 (a small fast chaotic generator that passes PractRand and BigCrush) draws normals
    about 20% faster than PCG64 on the reference machine; the draws are the bottleneck.
    """
    return np.random.Generator(np.random.SFC64(np.random.SeedSequence(seed, spawn_key=(stream, batch))))


def _words(n: int) -> list[int]:
    # numpy's _int_to_uint32_array: 32-bit words, least significant first; 0 is one word
    n = operator.index(n)
    if n < 0:
        raise ValueError("expected non-negative integer")
    out = [n & 0xFFFFFFFF]
    while n >> 32:
        n >>= 32
        out.append(n & 0xFFFFFFFF)
    return out


@functools.lru_cache(maxsize=64)
def stream_entropy(seed: int, stream: int) -> np.ndarray:
    """The entropy words of ``SeedSequence(seed, spawn_key=(stream, batch))`` before the batch's own.

    numpy assembles the seed's 32-bit words padded to its pool size (4), then the spawn key's
    words; a compiled generator (`derive.montecarlo._ziggurat`) appends the batch index's words
    and runs numpy's mixing, so it seeds SFC64 exactly as `stream_rng` does, without the GIL.
    """
    run = _words(seed)
    words = run + [0] * (4 - len(run)) + _words(stream)
    out = np.array(words, dtype=np.uint64)
    out.flags.writeable = False
    return out


def cpu_count() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


_CHUNK = 8192  # below OpenBLAS's threading threshold for dot products
_VECDOT = getattr(np, "vecdot", None)  # numpy >= 2.0


def _gram(y: np.ndarray, tmp: np.ndarray) -> np.ndarray:
    # Dot products over 8k-long rows: a single 64k-long np.dot makes OpenBLAS start its own
    # threads, which fight the batch threads for the cores (measured 100x slower on a
    # busy 2-core machine); 8k rows stay single-threaded and need no scratch writes.
    k, size = y.shape
    q = np.empty((k, k))
    chunked = _VECDOT is not None and size % _CHUNK == 0
    for i in range(k):
        for j in range(i, k):
            if chunked:
                value = _VECDOT(y[i].reshape(-1, _CHUNK), y[j].reshape(-1, _CHUNK)).sum()
            else:
                value = np.multiply(y[i], y[j], out=tmp[:size]).sum()
            q[i, j] = q[j, i] = value
    return q


def reduce_rows(y: np.ndarray, tmp: np.ndarray | None = None) -> Stats:
    """Summarise a (K, L) block of integrand values without writing to it on the fast path."""
    size = y.shape[1]
    tmp = np.empty(size) if tmp is None else tmp
    if y.shape[0] == 1:
        return _reduce_one(y, tmp)
    s = np.array([row.sum() for row in y])
    if not np.all(np.isfinite(s)):
        return _reduce_nonfinite(y, tmp)
    mean = s / size
    q = _gram(y, tmp)
    comoment = q - np.outer(s, mean)
    diag = np.diag(comoment)
    # Cancellation: when the mean dwarfs the spread, recompute around the mean (rare).
    if np.any(diag < 1e-6 * np.diag(q)):
        comoment = _gram(y - mean[:, None], tmp)
    hi = np.array([row.max() for row in y])
    lo = np.array([row.min() for row in y])
    maxdev = np.maximum(hi - mean, mean - lo)
    return BatchStats(size, mean, comoment, maxdev, 0)


def _reduce_one(y: np.ndarray, tmp: np.ndarray) -> ScalarStats:
    # The common single-integrand case with Python floats: fewer small numpy calls per batch.
    row, size = y[0], y.shape[1]
    s = float(row.sum())
    if not math.isfinite(s):
        return _reduce_nonfinite(y, tmp)
    mean = s / size
    q = float(_gram(y, tmp)[0, 0])
    m2 = q - s * mean
    if m2 < 1e-6 * q:  # cancellation: recompute around the mean (rare)
        np.subtract(row, mean, out=tmp[:size])
        m2 = float(_gram(tmp[None, :size], tmp.copy())[0, 0])
    dev = max(float(row.max()) - mean, mean - float(row.min()))
    return ScalarStats(size, mean, m2, dev, 0)


def _reduce_nonfinite(y: np.ndarray, tmp: np.ndarray) -> BatchStats:
    finite = np.isfinite(y).all(axis=0)
    bad = int(finite.size - np.count_nonzero(finite))
    z = y[:, finite]
    k, n = z.shape
    if n == 0:
        return BatchStats(0, np.zeros(k), np.zeros((k, k)), np.zeros(k), bad)
    mean = z.mean(axis=1)
    d = z - mean[:, None]
    maxdev = np.abs(d).max(axis=1) if np.isfinite(d).all() else np.full(k, np.inf)
    return BatchStats(n, mean, _gram(d, tmp), maxdev, bad)


# Batches with normal draws run in this process: `derive.montecarlo.tier` switches to compiled
# normal draws once they have cost about as much as loading numba would.
_normal_batches = 0

#: ``fill(rng, out)``: draws ``rng.standard_normal(out=out)``'s numbers by other means.
NormalFill = Callable[[np.random.Generator, np.ndarray], None]


def normal_batches() -> int:
    """How many batches with normal draws this process has run."""
    return _normal_batches


_local = threading.local()
_pools: dict[tuple[int, int], ThreadPoolExecutor] = {}
_pool_lock = threading.Lock()


def _executor(threads: int) -> ThreadPoolExecutor:
    # Keyed by process id too: a worker forked from a process that already had a pool
    # inherits the pool object but not its threads, and would wait on it forever.
    key = (os.getpid(), threads)
    with _pool_lock:
        pool = _pools.get(key)
        if pool is None:
            pool = _pools[key] = ThreadPoolExecutor(threads, thread_name_prefix="derive-mc")
        return pool


def _workspace(program: Program) -> dict:
    cached = getattr(_local, "ws", None)
    if cached is None or cached[0] is not program:
        ws = program.workspace(BATCH)
        ws["tmp"] = np.empty(BATCH)
        cached = (program, ws)
        _local.ws = cached
    return cached[1]


def _one_batch(
    program: Program, draws: Sequence[Draw], seed: int, stream: int, batch: int, *, fast: NormalFill | None
) -> Stats:
    # The caller sets np.errstate(all="ignore") once for all its batches (non-finite values
    # are counted in the statistics, not warned about).
    ws = _workspace(program)
    rng = stream_rng(seed, stream, batch)
    for d, buf in zip(draws, ws["draws"], strict=True):
        if fast is not None and d.kind == "normal":
            fast(rng, buf)
        else:
            d.fill(rng, buf)
    program.run(ws)
    return reduce_rows(ws["y"], ws["tmp"])


def run_numpy(
    program: Program,
    draws: Sequence[Draw],
    seed: int,
    stream: int,
    batches: range,
    *,
    threads: int,
    normals: NormalFill | None = None,
) -> list[Stats]:
    """Run ``batches`` of ``program`` on ``threads`` threads; results in batch order.

    ``normals`` (see `derive.montecarlo._numba.normal_filler`) draws the standard normals instead of
    numpy; it must produce the same numbers, so the results do not depend on it.
    """
    global _normal_batches  # noqa: PLW0603 - a process-wide tally
    if any(d.kind == "normal" for d in draws):
        _normal_batches += len(batches)
    if threads <= 1 or len(batches) == 1:
        with np.errstate(all="ignore"):
            return [_one_batch(program, draws, seed, stream, b, fast=normals) for b in batches]

    def one(b: int) -> Stats:
        with np.errstate(all="ignore"):  # per thread: numpy's error state is thread-local
            return _one_batch(program, draws, seed, stream, b, fast=normals)

    return on_threads(one, batches, threads)


def on_threads(one: Callable[[int], Stats], batches: Sequence[int], threads: int) -> list[Stats]:
    """``one(b)`` for every batch b on ``threads`` threads, results in batch order.

    One task per thread (the calling thread is one of them), each taking the next batch
    index from a shared ticket: a future per batch cost ~30 us of GIL-held bookkeeping
    per batch, which the threads then wait on for each other. Results go to their
    batch's slot, so the order (and the merged estimate) does not depend on scheduling.
    """
    out: list[Stats | None] = [None] * len(batches)
    ticket = itertools.count()
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                i = next(ticket)
            if i >= len(batches):
                return
            out[i] = one(batches[i])

    helpers = [_executor(threads - 1).submit(work) for _ in range(min(threads, len(batches)) - 1)]
    try:
        work()
    finally:
        for h in helpers:
            h.result()
    assert all(b is not None for b in out)
    return out  # type: ignore[return-value]
