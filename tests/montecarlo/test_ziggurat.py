"""The inlined SeedSequence, SFC64 and ziggurat of the fused kernel: numpy's numbers, bit for bit, or not used."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from sympy import Rational as R  # noqa: N817 - as in the other Monte Carlo tests

from derive.language import distributions as dist
from derive.montecarlo._batches import BATCH, stream_entropy, stream_rng
from derive.montecarlo._lowering import lower_random, stable_form

pytest.importorskip("numba")

from derive.montecarlo import _fused as _mc_fused
from derive.montecarlo import _numba as _mc_numba


def _draws():
    module = _mc_numba.inline_draws()
    assert module is not None  # numba is installed: the self-check must pass here
    return module


def test_inline_seed_words_are_seedsequences():
    # Seeds and keys of one to five 32-bit words (the pool of 4 padded, then overflowed),
    # batch indices of one and two words, and the zero words numpy keeps.
    rng = np.random.default_rng(2)
    words = np.empty(3, dtype=np.uint64)
    cases = [(0, 0, 0), (2**32 - 1, 2**32, 2**32 - 1), (2**160 - 1, 0, 2**63 - 1), (5, 2**64 + 3, 2**32)]
    cases += [tuple(int(rng.integers(0, 2 ** int(rng.choice([1, 20, 33, 63])))) for _ in range(3)) for _ in range(3000)]
    cases += [(int(rng.integers(0, 2**62)) << int(rng.choice([0, 40, 80, 100])), int(rng.integers(0, 99)), 7)]
    for seed, stream, batch in cases:
        _draws().zig_state(stream_entropy(seed, stream), batch, words)
        expected = np.random.SeedSequence(seed, spawn_key=(stream, batch)).generate_state(3, np.uint64)
        assert np.array_equal(words, expected), (seed, stream, batch)


def test_stream_entropy_rejects_what_seedsequence_rejects():
    with pytest.raises(ValueError):
        stream_entropy(-1, 0)
    with pytest.raises(TypeError):
        stream_entropy(1.5, 0)


@pytest.mark.parametrize(("seed", "stream"), [(0, 0), (1, 7), (2**63 + 5, 3), (123456789, 2**40)])
def test_inline_normals_are_numpys_numbers(seed, stream):
    # Eight 64k batches pass ~1000 times through the wedges and ~130 times through the tail.
    ours, theirs = np.empty(BATCH), np.empty(BATCH)
    for batch in (0, 1, 2, 3, 1000, 2**20, 2**31 - 1, 2**32 + 1):
        _draws().zig_fill(stream_entropy(seed, stream), batch, ours)
        stream_rng(seed, stream, batch).standard_normal(out=theirs)
        assert np.array_equal(ours, theirs)
    assert np.abs(theirs).max() > 3.6541528853610087  # the tail beyond the ziggurat's base strip


def test_inline_uniforms_are_numpys_numbers():
    ours = np.empty(BATCH)
    for batch in range(3):
        _draws().zig_uniform_fill(stream_entropy(11, 0), batch, ours)
        assert np.array_equal(ours, stream_rng(11, 0, batch).random(BATCH))
    assert ours.min() >= 0.0 and ours.max() < 1.0


def _kernel_pair(random, integrand, monkeypatch):
    subs, draws = lower_random(random, {})
    exprs = [stable_form(integrand.xreplace(subs))]
    inline = _mc_fused.FusedKernel(exprs, draws)
    monkeypatch.setattr(_mc_numba, "_inline", [None])  # as when the self-check failed
    through_generator = _mc_fused.FusedKernel(exprs, draws)
    monkeypatch.undo()
    return inline, through_generator


def _cases():
    x, y, z = sympy.symbols("x y z", real=True)
    v = sympy.ImmutableMatrix(2, 1, sympy.symbols("v0 v1", real=True))
    cov = sympy.ImmutableMatrix([[2, R(1, 2)], [R(1, 2), 1]])
    return [
        ([(x, dist.Normal(0, 1))], x),
        # several draws of mixed kinds: the state carries over from one buffer to the next
        ([(x, dist.Normal(1, 2)), (y, dist.Uniform(-1, 1)), (z, dist.Exponential(3))], x * y + z),
        ([(v, dist.MultivariateNormal(sympy.ImmutableMatrix([1, -1]), cov))], v[0] * v[1]),
        ([(x, dist.Gumbel(0, 1)), (y, dist.Normal(0, 1))], sympy.exp(-x) + y),
        # stages (exp and log1p of the stable softplus) run inside `batch_all` too
        ([(x, dist.Normal(-1, 3))], sympy.log(1 + sympy.exp(x))),
        # NaN samples (log of negative draws): the unmasked pass is redone with masks
        ([(x, dist.Normal(2, 1))], sympy.log(x)),
    ]


@pytest.mark.parametrize("case", range(len(_cases())))
def test_fused_kernel_draws_the_same_buffers_inline_and_through_the_generator(case, monkeypatch):
    inline, generator = _kernel_pair(*_cases()[case], monkeypatch)
    assert inline.inline and not generator.inline
    # (other seeds and streams after the first: the kernel keeps the last stream's entropy words)
    for seed, stream, batch in ((9, 1, 0), (9, 1, 5), (10, 1, 5), (9, 2, 5), (9, 1, 5)):
        a, b = inline.one(seed, stream, batch), generator.one(seed, stream, batch)
        assert np.array_equal(inline._workspace().bufs, generator._workspace().bufs)
        assert (a.n, a.nonfinite) == (b.n, b.nonfinite)
        assert np.array_equal(a.mean, b.mean) and np.array_equal(a.comoment, b.comoment)
        assert np.array_equal(a.maxdev, b.maxdev)


def test_gamma_draws_keep_numbas_generator():
    x = sympy.Symbol("x", real=True)
    subs, draws = lower_random([(x, dist.Gamma(R(1, 2), 1))], {})
    kernel = _mc_fused.FusedKernel([stable_form(sympy.sqrt(x).xreplace(subs))], draws)
    assert not kernel.inline
    kernel.one(0, 0, 0)
    expected = stream_rng(0, 0, 0).standard_gamma(0.5, BATCH)
    assert np.array_equal(kernel._workspace().bufs[0], expected)


def test_a_failed_self_check_means_the_generator(monkeypatch):
    monkeypatch.setattr(_mc_numba, "_inline", [])
    monkeypatch.setattr(_mc_numba, "stream_entropy", lambda seed, stream: stream_entropy(seed + 1, stream))
    assert _mc_numba.inline_draws() is None  # the check compares against the true streams
    x = sympy.Symbol("x", real=True)
    subs, draws = lower_random([(x, dist.Normal(0, 1))], {})
    assert not _mc_fused.FusedKernel([x.xreplace(subs)], draws).inline


def test_compiled_normals_continue_the_rng_as_numpy_does():
    # The numpy backend's filler runs the inlined ziggurat on the rng's SFC64 state: the rng
    # must go on exactly as after numpy's own fill (the next buffer, uniforms, gamma draws).
    fill = _mc_numba.normal_filler()
    assert fill is not None
    for batch in (0, 3):
        ours, theirs = stream_rng(4, 1, batch), stream_rng(4, 1, batch)
        a, b = np.empty(BATCH), np.empty(BATCH)
        for _ in range(2):
            fill(ours, a)
            theirs.standard_normal(out=b)
            assert np.array_equal(a, b)
        assert np.array_equal(ours.random(7), theirs.random(7))
        assert np.array_equal(ours.standard_gamma(0.5, 7), theirs.standard_gamma(0.5, 7))
    pcg, reference = np.random.Generator(np.random.PCG64(8)), np.random.Generator(np.random.PCG64(8))
    a, b = np.empty(1000), np.empty(1000)
    fill(pcg, a)
    reference.standard_normal(out=b)
    assert np.array_equal(a, b)  # another bit generator: numba's Generator path


def test_an_inlined_ziggurat_that_differs_is_not_used(monkeypatch):
    real = _draws()

    class Off:
        @staticmethod
        def zig_fill_state(state, out):
            real.zig_fill_state(state, out)
            out[-1] = np.nextafter(out[-1], np.inf)  # one last bit in 64k

    monkeypatch.setattr(_mc_numba, "_inline", [Off()])
    monkeypatch.setattr(_mc_numba, "_filler", [])
    assert _mc_numba.normal_filler() is None
