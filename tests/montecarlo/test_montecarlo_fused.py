"""The fused numba kernel (``mc_backend="numba"``): its elementary functions, its draws, its statistics."""

from __future__ import annotations

import math
import struct

import mpmath
import numpy as np
import pytest
import sympy
from sympy import Piecewise, log
from sympy import Rational as R  # noqa: N817 - as in the other Monte Carlo tests
from sympy.codegen.cfunctions import log1p

from derive.language import distributions as dist
from derive.language.functions import sigmoid, softplus
from derive.montecarlo._batches import BATCH, run_numpy, stream_rng
from derive.montecarlo._lowering import compile_program, lower_random, stable_form

pytest.importorskip("numba")

from derive.montecarlo import _fused as _mc_fused
from derive.montecarlo import _numba as _mc_numba


def _ulps(got: float, exact: mpmath.mpf) -> float:
    """Distance of ``got`` from ``exact`` in units of the last place of the correctly rounded value."""
    ref = float(exact)
    if math.isinf(ref) or math.isnan(ref):
        return 0.0 if got == ref or (math.isnan(got) and math.isnan(ref)) else math.inf
    ulp = math.ulp(ref) if ref != 0 else 5e-324
    return float(abs(mpmath.mpf(got) - exact) / ulp)


def _points(rng: np.random.Generator) -> dict[str, np.ndarray]:
    # Spread over the whole range, the ranges the stable forms use (exp(-|x|) in (0, 1]),
    # and the edges: overflow, gradual underflow, tiny arguments, -1 for log1p.
    return {
        "exp": np.concatenate(
            [
                rng.uniform(-745.5, 709.9, 3000),
                -np.abs(rng.normal(0, 4, 3000)),
                rng.uniform(-1e-8, 1e-8, 300),
                [0.0, -0.0, 709.78, 709.79, -745.13, -745.14, -708.39, -720.0, 1e300, -1e300],
            ]
        ),
        "log1p": np.concatenate(
            [
                np.exp(-np.abs(rng.normal(0, 5, 3000))),
                rng.uniform(-1, 1, 3000),
                10 ** rng.uniform(-300, 300, 2000),
                [0.0, -0.0, 1e-320, -1e-320, 5e-324, -1 + 2**-53, 2.0**-53, 1.5 * 2**-53, 2.0**53, 1e308],
            ]
        ),
        "log": np.concatenate(
            [
                10 ** rng.uniform(-310, 308, 3000),
                rng.uniform(0.5, 2, 3000),
                [5e-324, 1e-310, 1.0, 2.2250738585072014e-308],
            ]
        ),
    }


def test_vectorised_exp_log_log1p_are_within_one_ulp():
    fns = _mc_fused.math_functions()
    arrays = {"exp": fns.vexp_array, "log": fns.vlog_array, "log1p": fns.vlog1p_array}
    exact = {"exp": mpmath.exp, "log": mpmath.log, "log1p": mpmath.log1p}
    mpmath.mp.prec = 120
    try:
        for name, x in _points(np.random.default_rng(1)).items():
            out = np.empty_like(x)
            arrays[name](x, out)
            worst = max(_ulps(float(o), exact[name](mpmath.mpf(float(v)))) for v, o in zip(x, out, strict=True))
            assert worst < 1.0, name
    finally:
        mpmath.mp.prec = 53


def test_vectorised_functions_special_values_follow_numpy():
    fns = _mc_fused.math_functions()
    cases = {
        fns.vexp_array: (np.exp, [np.inf, -np.inf, np.nan, 710.0, -746.0, 1e10, -1e10]),
        fns.vlog_array: (np.log, [0.0, -0.0, -1.0, np.inf, -np.inf, np.nan]),
        fns.vlog1p_array: (np.log1p, [-1.0, -2.0, np.inf, -np.inf, np.nan, -1 - 2**-52]),
    }
    for ours, (theirs, values) in cases.items():
        x = np.array(values)
        out = np.empty_like(x)
        ours(x, out)
        with np.errstate(all="ignore"):
            ref = theirs(x)
        assert [struct.pack("<d", a) if not math.isnan(a) else "nan" for a in out] == [
            struct.pack("<d", b) if not math.isnan(b) else "nan" for b in ref
        ]


def _lowered(random, fs):
    subs, draws = lower_random(random, {})
    exprs = [stable_form(f.xreplace(subs)) for f in fs]
    return exprs, draws


def _cases():
    x, y = sympy.symbols("x y", real=True)
    g = sympy.symbols("g0:3", real=True)
    v = sympy.ImmutableMatrix(2, 1, sympy.symbols("v0 v1", real=True))
    cov = sympy.ImmutableMatrix([[2, R(1, 2)], [R(1, 2), 1]])
    return [
        ([(x, dist.Normal(0, 1))], [softplus(x)]),
        ([(x, dist.Normal(1, 2))], [sigmoid(x), x**3, sympy.tanh(x)]),
        ([(gi, dist.Gumbel(0, 1)) for gi in g], [Piecewise((1, (g[0] >= g[1]) & (g[0] >= g[2])), (0, True))]),
        ([(x, dist.Beta(2, 3))], [log(x), x**2]),
        ([(x, dist.Gamma(R(1, 2), 1))], [sympy.sqrt(x), 1 / x]),
        ([(x, dist.Uniform(-1, 1))], [Piecewise((x, x > 0)), sympy.sign(x), sympy.floor(3 * x)]),
        ([(v, dist.MultivariateNormal(sympy.ImmutableMatrix([1, -1]), cov))], [v[0] * v[1], v[0] ** 2]),
        ([(x, dist.Exponential(2))], [sympy.exp(x), log(x)]),
        ([(x, dist.Bernoulli(R(1, 3))), (y, dist.Categorical([R(1, 2), R(1, 4), R(1, 4)]))], [x * y, y**2]),
        # out of domain (NaN), overflow (inf), a boolean if-then-else, three-way extremes, x^y
        ([(x, dist.Normal(0, 2)), (y, dist.Uniform(-1, 1))], [sympy.asin(x), sympy.tan(x), x**y]),
        ([(x, dist.Normal(0, 2))], [sympy.exp(400 * x**2)]),
        # stages sharing temps rows: exp(x) still read by the output after log1p(exp(x)); a
        # chain overwriting its argument; a stage reading two temps for the last time
        ([(x, dist.Normal(0, 1))], [sympy.exp(x) + sympy.log(1 + sympy.exp(x)), log(log(2 + sympy.exp(x)))]),
        ([(x, dist.Normal(0, 1))], [sympy.exp(sympy.exp(x) / 4) * log(sympy.exp(x) + sympy.exp(2 * x))]),
        (
            [(x, dist.Normal(0, 2)), (y, dist.Uniform(-1, 1))],
            [Piecewise((1, sympy.ITE(x > 0, y > 0, y < 0)), (0, True)), sympy.Min(x, y, 0), sympy.Max(x, y, 1)],
        ),
    ]


@pytest.mark.parametrize("case", range(len(_cases())))
def test_fused_batches_are_bit_identical_for_one_and_two_threads(case):
    exprs, draws = _lowered(*_cases()[case])
    kernel = _mc_numba.kernel_for(exprs, draws)
    one = kernel.run(5, 0, range(5), 1)
    two = kernel.run(5, 0, range(5), 2)
    for a, b in zip(one, two, strict=True):
        assert (a.n, a.nonfinite) == (b.n, b.nonfinite)
        assert np.array_equal(a.mean, b.mean) and np.array_equal(a.comoment, b.comoment)
        assert np.array_equal(a.maxdev, b.maxdev)
    # another stream, other numbers
    other = kernel.run(5, 1, range(1), 1)[0]
    assert (other.n, other.mean.tolist()) != (one[0].n, one[0].mean.tolist())


@pytest.mark.parametrize("case", range(len(_cases())))
def test_fused_kernel_draws_the_numpy_backends_samples(case):
    # The same draws: the batch statistics agree with the numpy backend's up to rounding
    # (last-bit differences of exp/log and another summation order, which differs with the
    # CPU's vector width: 1e-13 relative seen on an AVX-512 Xeon), the counts exactly.
    exprs, draws = _lowered(*_cases()[case])
    kernel = _mc_numba.kernel_for(exprs, draws)
    ours = kernel.run(7, 2, range(3), 1)
    theirs = run_numpy(compile_program(exprs, draws), draws, 7, 2, range(3), threads=1)
    for a, b in zip(ours, theirs, strict=True):
        assert (a.n, a.nonfinite) == (b.n, b.nonfinite)
        np.testing.assert_allclose(a.mean, b.mean, rtol=1e-11, atol=1e-15)
        # co-moments cancel (q - s^2/n; tan near its poles): rounding differences grow
        np.testing.assert_allclose(a.comoment, b.comoment, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(a.maxdev, b.maxdev, rtol=1e-13, atol=1e-15)


def test_stages_share_rows_only_where_no_later_reader_is():
    d0 = sympy.Symbol("d0")
    stages, outputs = _mc_fused._stages([log1p(sympy.exp(-abs(d0))) + sympy.Max(d0, 0)])
    assert _mc_fused._slots(stages, outputs) == [0, 0]  # softplus: log1p in place over exp
    stages, outputs = _mc_fused._stages([sympy.exp(d0) + log1p(sympy.exp(d0))])
    assert _mc_fused._slots(stages, outputs) == [0, 1]  # exp(d0) is still read by the output
    exprs = [sympy.exp(sympy.exp(d0)) * log(sympy.exp(d0) + sympy.exp(2 * d0)), sympy.exp(d0)]
    stages, outputs = _mc_fused._stages(exprs)
    slots = _mc_fused._slots(stages, outputs)
    assert stages[0][1] == sympy.exp(d0)
    assert slots.count(slots[0]) == 1  # exp(d0) is an output: nothing may overwrite it
    assert slots == [0, 1, 2, 2]  # log(t0 + t2) over exp(2 d0), read for the last time


def test_fused_normals_are_numpys_numbers():
    exprs, draws = _lowered([(sympy.Symbol("z", real=True), dist.Normal(0, 1))], [sympy.Symbol("z", real=True)])
    kernel = _mc_numba.kernel_for(exprs, draws)
    ws = kernel._workspace()
    for batch in (0, 9):
        kernel.one(3, 0, batch)
        expected = np.empty(BATCH)
        stream_rng(3, 0, batch).standard_normal(out=expected)
        assert np.array_equal(ws.bufs[0], expected)
        assert np.array_equal(kernel.last_values()[0], expected)  # the identity integrand, value for value


def test_fused_arithmetic_keeps_the_expression_order():
    # No reassociation in the integrand: ((z + 1e16) - 1e16)^2 loses z's low bits exactly as
    # numpy's program does (reassociated, it would be z^2).
    z = sympy.Symbol("z", real=True)
    big = sympy.Float(1e16)
    f = sympy.Max(z + big, -big) - big
    exprs, draws = _lowered([(z, dist.Normal(0, 1))], [f**2])
    kernel = _mc_numba.kernel_for(exprs, draws)
    kernel.one(0, 0, 0)
    program = compile_program(exprs, draws)
    ws = program.workspace(BATCH)
    stream_rng(0, 0, 0).standard_normal(out=ws["draws"][0])
    program.run(ws)
    assert np.array_equal(kernel.last_values()[0], ws["y"][0])
    assert set(np.unique(kernel.last_values()[0])) <= {0.0, 4.0, 16.0, 36.0}


def test_fused_statistics_of_an_offset_integrand_do_not_cancel():
    # mean 1e10, spread 1: shifted sums around the first sample, re-summed around the mean.
    z = sympy.Symbol("z", real=True)
    exprs, draws = _lowered([(z, dist.Normal(0, 1))], [sympy.Float(1e10) + z, sympy.Float(-1e12) + 3 * z])
    ours = _mc_numba.kernel_for(exprs, draws).run(1, 0, range(2), 1)
    theirs = run_numpy(compile_program(exprs, draws), draws, 1, 0, range(2), threads=1)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a.comoment, b.comoment, rtol=1e-9)
        np.testing.assert_allclose(np.diag(a.comoment) / a.n, [1.0, 9.0], rtol=0.02)


def test_fused_counts_non_finite_samples_and_skips_them():
    u = sympy.Symbol("u", real=True)
    # NaN below 0 (no piece applies), +inf at 0 never (continuous), finite elsewhere.
    exprs, draws = _lowered([(u, dist.Uniform(-1, 1))], [Piecewise((1 / u, u > 0))])
    ours = _mc_numba.kernel_for(exprs, draws).run(2, 0, range(2), 2)
    theirs = run_numpy(compile_program(exprs, draws), draws, 2, 0, range(2), threads=1)
    for a, b in zip(ours, theirs, strict=True):
        assert a.nonfinite == b.nonfinite > BATCH // 3
        assert a.n == b.n == BATCH - a.nonfinite
        np.testing.assert_allclose(a.mean, b.mean, rtol=1e-12)
        assert np.all(np.isfinite(a.maxdev))


def test_fused_batch_with_no_finite_sample():
    u = sympy.Symbol("u", real=True)
    exprs, draws = _lowered([(u, dist.Uniform(0, 1))], [Piecewise((u, u < 0))])
    (b,) = _mc_numba.kernel_for(exprs, draws).run(0, 0, range(1), 1)
    assert (b.n, b.nonfinite) == (0, BATCH)


@pytest.mark.parametrize("case", [0, 1, 6, 8])
def test_unmasked_reduction_is_the_masked_one_when_every_sample_is_finite(case):
    # `reduce_all` drops the finiteness masks; on a batch of finite values it must give the
    # masked pass's statistics (same loop, same order of additions) and count nothing.
    exprs, draws = _lowered(*_cases()[case])
    kernel = _mc_numba.kernel_for(exprs, draws)
    kernel.one(4, 0, 3)
    ws, m = kernel._workspace(), kernel.module
    args = (ws.bufs, kernel.params, ws.temps, ws.shift, ws.sums, ws.prods, ws.ext)
    assert m.reduce(*args) == 0
    masked = (ws.sums.copy(), ws.prods.copy(), ws.ext.copy())
    assert m.reduce_all(*args) == 0
    np.testing.assert_allclose(ws.sums, masked[0], rtol=1e-13, atol=1e-9)
    np.testing.assert_allclose(ws.prods, masked[1], rtol=1e-13)
    assert np.array_equal(ws.ext, masked[2])


@pytest.mark.parametrize("bad", [[math.nan], [math.inf], [-math.inf], [math.inf, -math.inf], [math.nan, 1e300]])
def test_a_few_non_finite_samples_make_the_unmasked_sums_of_squares_non_finite(bad):
    # The fast path's whole safety argument: any NaN or infinite sample among finite ones
    # leaves q_jj non-finite, so the masked pass runs and counts exactly those samples.
    z = sympy.Symbol("z", real=True)
    exprs, draws = _lowered([(z, dist.Normal(0, 1))], [z])
    kernel = _mc_numba.kernel_for(exprs, draws)
    ws, m = kernel._workspace(), kernel.module
    kernel.one(0, 0, 0)
    ws.bufs[0][1000 : 1000 + len(bad)] = bad
    ws.bufs[0][-1] = bad[0]  # the last lane of the last vector too
    args = (ws.bufs, kernel.params, ws.temps, ws.shift, ws.sums, ws.prods, ws.ext)
    assert m.first(ws.bufs, kernel.params, ws.temps, ws.shift) == 0
    m.reduce_all(*args)
    assert not math.isfinite(ws.prods[0, 0])
    expected = sum(not math.isfinite(v) for v in bad) + 1
    assert m.reduce(*args) == expected


def test_rare_non_finite_samples_are_counted_as_the_numpy_backend_counts_them():
    # log(u - 1e-4) is NaN for about 7 samples of a 64k batch: the unmasked pass sees them
    # only through q, and the counts and means must still be the numpy backend's, for one
    # integrand (the Python-float path) and for two.
    u = sympy.Symbol("u", real=True)
    for fs in ([log(u - sympy.Float(1e-4))], [log(u - sympy.Float(1e-4)), u]):
        exprs, draws = _lowered([(u, dist.Uniform(0, 1))], fs)
        ours = _mc_numba.kernel_for(exprs, draws).run(6, 0, range(4), 2)
        theirs = run_numpy(compile_program(exprs, draws), draws, 6, 0, range(4), threads=1)
        assert 0 < sum(b.nonfinite for b in ours) < 4 * 30
        for a, b in zip(ours, theirs, strict=True):
            assert (a.n, a.nonfinite) == (b.n, b.nonfinite)
            np.testing.assert_allclose(a.mean, b.mean, rtol=1e-12)
            np.testing.assert_allclose(a.comoment, b.comoment, rtol=1e-9)
            np.testing.assert_allclose(a.maxdev, b.maxdev, rtol=1e-12)
