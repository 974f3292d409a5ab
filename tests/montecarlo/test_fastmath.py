"""The fused kernel's branch-free exp/log/log1p (`derive.montecarlo._fastmath`): bounds, special values, SIMD.

Error bounds stated in `derive.montecarlo._fastmath`: vexp < 0.96 ulp, vlog1p < 1.04 ulp,
vlog < 1 ulp. Each is checked on 10^6 points against a long-double reference (glibc's expl
and log1pl, within ~2**-63 relative: 0.001 ulp of a double), whose worst points are then
recomputed in mpmath, plus tens of thousands of points straight in mpmath (the boundaries of
the range reduction, the overflow and underflow thresholds, the extremes). Set
``DERIVE_FASTMATH_POINTS=1000000`` to check that many random points directly in mpmath
(about a minute per function).
"""

from __future__ import annotations

import math
import os
import re
import struct
import sys
import types

import mpmath
import numpy as np
import pytest
import sympy

pytest.importorskip("numba")

from derive.montecarlo import _fastmath
from derive.montecarlo import _fused as _mc_fused

BOUND = {"exp": 0.96, "log1p": 1.04, "log": 1.0}
EXACT = {"exp": mpmath.exp, "log1p": mpmath.log1p, "log": mpmath.log}
LONG = {"exp": np.exp, "log1p": np.log1p, "log": np.log}
LN2 = math.log(2)


def _arrays():
    fns = _mc_fused.math_functions()
    return {"exp": fns.vexp_array, "log1p": fns.vlog1p_array, "log": fns.vlog_array}


def _run(name: str, x: np.ndarray) -> np.ndarray:
    out = np.empty_like(x)
    _arrays()[name](np.ascontiguousarray(x), out)
    return out


def _mp_ulps(got: float, x: float, name: str) -> float:
    """Error of ``got`` in ulps of the correctly rounded result (subnormal ulps below 2**-1022)."""
    exact = EXACT[name](mpmath.mpf(x))
    ref = float(exact)
    if math.isinf(ref) or math.isnan(ref):
        return 0.0 if got == ref else math.inf
    return float(abs(mpmath.mpf(got) - exact) / (math.ulp(ref) if ref != 0 else 5e-324))


def _boundaries(name: str, rng: np.random.Generator) -> np.ndarray:
    """Points where the range reduction switches, the thresholds and the extremes, with neighbours."""
    if name == "exp":
        # k flips at (j + 1/2) ln2; overflow above 709.78..., underflow to subnormals below
        # -708.39..., to zero below -745.13...
        centres = [(j + 0.5) * LN2 for j in range(-1077, 1025)]
        centres += [709.782712893384, -708.3964185322641, -745.1332191019411, -745.1332191019412, 0.0]
    elif name == "log1p":
        # 1 + x crosses 2**k sqrt(2)/2 (the reduction's switch), x near -1, k = 0 around 0,
        # 1 + x exact or not (2**53), huge arguments
        centres = [2.0**k * math.sqrt(2) / 2 - 1 for k in range(-52, 1024)] + [-1 + 2**-53, 2.0**53, 2.0**54]
        centres += [1.7976931348623157e308, 2.0**-1022, 5e-324, -(2.0**-1022), 1e-300, -1e-300]
    else:
        centres = [2.0**k * math.sqrt(2) / 2 for k in range(-1074, 1024)] + [2.0**-1022, 1.0]
    pts = []
    for c in centres:
        v = c
        for _ in range(3):
            pts.append(v)
            v = math.nextafter(v, math.inf)
        v = c
        for _ in range(3):
            v = math.nextafter(v, -math.inf)
            pts.append(v)
    pts = np.array(pts)
    if name == "log1p":
        pts = pts[pts > -1]
    if name == "log":
        pts = pts[pts > 0]
    return pts


def _million(name: str, rng: np.random.Generator) -> np.ndarray:
    if name == "exp":
        parts = [
            rng.uniform(-745.2, 709.8, 400_000),
            rng.uniform(-0.35, 0.35, 200_000),  # the reduced range itself (k = 0)
            -np.abs(rng.normal(0, 4, 200_000)),  # exp(-|x|), the stable softplus and sigmoid
            np.sign(rng.uniform(-1, 1, 200_000)) * 10 ** rng.uniform(-320, 2.8, 200_000),
        ]
    elif name == "log1p":
        parts = [
            np.exp(-np.abs(rng.normal(0, 5, 300_000))),  # log1p(exp(-|x|)): (0, 1]
            rng.uniform(-1, 1, 200_000),
            10 ** rng.uniform(-320, 308, 200_000),
            -(10 ** rng.uniform(-320, 0, 150_000)),
            -1 + 10 ** rng.uniform(-15.9, 0, 150_000),
        ]
    else:
        parts = [10 ** rng.uniform(-323, 308, 500_000), rng.uniform(0.5, 2, 500_000)]
    x = np.concatenate(parts)
    return x[(x > -1) if name == "log1p" else (x > 0) if name == "log" else np.isfinite(x)]


@pytest.mark.parametrize("name", ["exp", "log1p", "log"])
def test_a_million_points_within_the_stated_bound(name):
    x = _million(name, np.random.default_rng(21))
    assert x.size >= 10**6 - 1000
    got = _run(name, x)
    with np.errstate(all="ignore"):
        ref = LONG[name](x.astype(np.longdouble))
        ref64 = ref.astype(np.float64)
    ulp = np.spacing(np.abs(ref64))
    ulp = np.where(ref64 == 0, 5e-324, ulp)
    err = np.abs(got.astype(np.longdouble) - ref) / ulp.astype(np.longdouble)
    finite = np.isfinite(ref64)
    assert np.array_equal(got[~finite], ref64[~finite])  # overflow to inf where the result does
    # The long-double reference is within ~0.002 ulp: the margin makes the screen sound.
    assert float(np.max(err[finite])) < BOUND[name] - 0.01
    # The worst points, in mpmath.
    worst = np.argsort(err[finite])[-200:]
    xs, gs = x[finite][worst], got[finite][worst]
    mpmath.mp.prec = 120
    try:
        assert max(_mp_ulps(float(g), float(v), name) for v, g in zip(xs, gs, strict=True)) < BOUND[name]
    finally:
        mpmath.mp.prec = 53


@pytest.mark.parametrize("name", ["exp", "log1p", "log"])
def test_boundaries_and_random_points_in_mpmath(name):
    rng = np.random.default_rng(7)
    n = int(os.environ.get("DERIVE_FASTMATH_POINTS", "0"))
    x = np.concatenate([_boundaries(name, rng), _million(name, rng)[rng.permutation(10**6)[: max(n, 5000)]]])
    got = _run(name, x)
    mpmath.mp.prec = 120
    try:
        errs = [_mp_ulps(float(g), float(v), name) for v, g in zip(x, got, strict=True)]
    finally:
        mpmath.mp.prec = 53
    worst = int(np.argmax(errs))
    assert errs[worst] < BOUND[name], (x[worst], got[worst])


def _bits(values) -> list:
    return [struct.pack("<d", v) if not math.isnan(v) else "nan" for v in values]


def test_special_values_are_libms():
    cases = {
        "exp": [
            np.inf,
            -np.inf,
            np.nan,
            0.0,
            -0.0,
            710.0,
            -746.0,
            1e300,
            -1e300,
            709.782712893384,
            math.nextafter(709.782712893384, 800),
            -745.1332191019411,
            -745.1332191019412,
            5e-324,
            -5e-324,
        ],
        "log1p": [-1.0, -2.0, np.inf, -np.inf, np.nan, -1 - 2**-52, 0.0, -0.0, 5e-324, -5e-324, 1.7976931348623157e308],
        "log": [0.0, -0.0, -1.0, np.inf, -np.inf, np.nan, 1.0, 5e-324, 1.7976931348623157e308],
    }
    libm = {"exp": math.exp, "log1p": math.log1p, "log": math.log}
    for name, values in cases.items():
        got = _run(name, np.array(values, dtype=float))
        with np.errstate(all="ignore"):
            ref = LONG[name](np.array(values, dtype=float))  # numpy's NaN/inf conventions
        assert _bits(got) == _bits(ref), name
        for v, g in zip(values, got, strict=True):  # and the finite ones are libm's last bit here
            try:
                want = libm[name](v)
            except (OverflowError, ValueError):
                continue
            if math.isnan(want) or math.isinf(want):
                continue
            assert g == want or abs(g - want) <= math.ulp(want), (name, v)


def _uncached_module() -> types.ModuleType:
    # Inspecting assembly needs code numba compiled in this process, not loaded from its cache.
    source = _fastmath.SOURCE.replace("cache=True, ", "")
    mod = types.ModuleType("derive_fastmath_asm_probe")
    sys.modules[mod.__name__] = mod
    exec(compile(source, "<derive fastmath probe>", "exec"), mod.__dict__)
    return mod


def test_loops_vectorise_without_libm_calls():
    from llvmlite import binding  # noqa: PLC0415

    features = binding.get_host_cpu_features()
    if not (features.get("avx2") and features.get("fma")):
        pytest.skip("no AVX2/FMA on this CPU: LLVM keeps the loops scalar")
    mod = _uncached_module()
    for name in ("vexp_array", "vexp_nonpos_array", "vlog1p_array", "vlog1p_unit_array", "vlog_array"):
        fn = getattr(mod, name)
        x = np.linspace(0.1, 2, 64)
        fn(x, np.empty_like(x))
        asm = next(iter(fn.inspect_asm().values()))
        assert re.search(r"vfmadd\w*pd\s+.*%[yz]mm", asm), name  # packed fma on 4 or 8 lanes
        assert not re.search(r"call\w*\s+.*(exp|log)", asm), name


def test_bit_identical_to_the_scalar_path():
    # The vector loop and the remainder loop must give the same bits: sample i's value cannot
    # depend on where i falls in the batch (else a result would depend on the batch length).
    x = -np.abs(np.random.default_rng(3).normal(0, 3, 1003))
    for name in ("exp", "log1p", "log"):
        arg = np.exp(x) if name != "exp" else x
        whole = _run(name, arg)
        one_by_one = np.concatenate([_run(name, arg[i : i + 1]) for i in range(arg.size)])
        assert whole.tobytes() == one_by_one.tobytes(), name


def _extreme_cases():
    from derive.language import distributions as dist  # noqa: PLC0415
    from derive.language.functions import sigmoid, softplus  # noqa: PLC0415

    x, u = sympy.symbols("x u", real=True)
    return [
        # subnormal and zero results of exp, exp near overflow, log of subnormals
        ([(x, dist.Normal(0, 1))], [sympy.exp(x - 740), sympy.exp(x + 705), sympy.log(sympy.exp(x - 740))]),
        # log1p near its pole (-1) and at -1 exactly (u = 0 is drawn with probability 2**-53)
        ([(u, dist.Uniform(0, 1))], [sympy.log(u), sympy.log(1 - u + u**60), sympy.log(u**40)]),
        # softplus and sigmoid at scales where exp(-|x|) underflows for most samples
        ([(x, dist.Normal(0, 1))], [softplus(800 * x), sigmoid(800 * x), softplus(x / 1000)]),
        # a shift far from the spread (cancellation in the sums) through exp
        ([(x, dist.Normal(0, 1))], [sympy.exp(x / 1e6) * 1e8]),
    ]


@pytest.mark.parametrize("case", range(4))
def test_fused_kernel_agrees_with_numpy_at_the_functions_extremes(case):
    from derive.montecarlo import _numba as _mc_numba  # noqa: PLC0415
    from derive.montecarlo._batches import run_numpy  # noqa: PLC0415
    from derive.montecarlo._lowering import compile_program, lower_random, stable_form  # noqa: PLC0415

    random, fs = _extreme_cases()[case]
    subs, draws = lower_random(random, {})
    exprs = [stable_form(f.xreplace(subs)) for f in fs]
    kernel = _mc_numba.kernel_for(exprs, draws)
    ours = kernel.run(11, 0, range(3), 2)
    assert [b.mean.tobytes() for b in ours] == [b.mean.tobytes() for b in kernel.run(11, 0, range(3), 1)]
    theirs = run_numpy(compile_program(exprs, draws), draws, 11, 0, range(3), threads=1)
    for a, b in zip(ours, theirs, strict=True):
        assert (a.n, a.nonfinite) == (b.n, b.nonfinite)
        np.testing.assert_allclose(a.mean, b.mean, rtol=1e-13, atol=1e-300)
        # the deviation is a difference of values of the mean's size: their rounding, not its own
        np.testing.assert_allclose(a.maxdev, b.maxdev, rtol=1e-12, atol=1e-14 * float(np.max(np.abs(b.mean))))


def test_softplus_stages_of_the_fused_kernel_vectorise():
    # The generated kernel, not only the test wrappers: its exp and log1p stage loops use
    # packed fma and call no libm function.
    from llvmlite import binding  # noqa: PLC0415

    from derive.language import distributions as dist  # noqa: PLC0415
    from derive.language.functions import softplus  # noqa: PLC0415
    from derive.montecarlo._lowering import lower_random, stable_form  # noqa: PLC0415
    from derive.montecarlo._numba import _constants  # noqa: PLC0415

    features = binding.get_host_cpu_features()
    if not (features.get("avx2") and features.get("fma")):
        pytest.skip("no AVX2/FMA on this CPU: LLVM keeps the loops scalar")
    x = sympy.Symbol("x", real=True)
    subs, draws = lower_random([(x, dist.Normal(0, 1))], {})
    exprs, values = _constants([stable_form(softplus(x).xreplace(subs))], draws)
    source = _mc_fused.fused_source(exprs, draws, len(values)).replace("cache=True, ", "")
    mod = types.ModuleType("derive_fused_asm_probe")
    sys.modules[mod.__name__] = mod
    exec(compile(source, "<derive fused probe>", "exec"), mod.__dict__)
    bufs, temps = np.random.default_rng(0).standard_normal((1, 256)), np.empty((1, 256))
    mod.stages(bufs, np.array(values or [0.0]), temps)
    asm = next(iter(mod.stages.inspect_asm().values()))
    assert len(re.findall(r"vfmadd\w*pd\s+.*%[yz]mm", asm)) >= 10  # exp's and log1p's polynomials
    assert not re.search(r"call\w*\s+.*(exp|log)", asm)
    assert np.allclose(temps[0], np.log1p(np.exp(-np.abs(bufs[0]))), rtol=1e-15, atol=0)


def _unit_points(rng: np.random.Generator) -> np.ndarray:
    # What exp(-|z|) gives (softplus), the whole of [0, 1] on linear and log scales down to the
    # subnormals, and the switch of k from 0 to 1 (u = 1 + x crossing the high word 0x3FF6A09E).
    switch = struct.unpack("<d", struct.pack("<Q", 0x3FF6A09E00000000))[0] - 1.0
    near = [np.nextafter(switch, 2.0 * (j > 0)) if j else switch for j in (-1, 0, 1)]
    fixed = [0.0, 5e-324, 1e-310, 2.2250738585072014e-308, 2.0**-53, 1.5 * 2**-53, 2.0**-52, 1.0]
    fixed += [np.nextafter(1.0, 0.0), 0.5, math.sqrt(2) - 1, *near]
    return np.concatenate(
        [
            np.exp(-np.abs(rng.normal(0, 1, 400_000))),
            np.exp(-np.abs(rng.normal(0, 300, 100_000))),
            rng.uniform(0, 1, 300_000),
            10 ** rng.uniform(-323, 0, 200_000),
            switch + rng.integers(-3000, 3000, 20_000) * 2.0**-53,
            fixed,
        ]
    ).clip(0.0, 1.0)


def test_log1p_unit_is_log1p_bit_for_bit_on_its_domain():
    x = _unit_points(np.random.default_rng(21))
    assert x.size > 10**6
    fns = _mc_fused.math_functions()
    ours, general = np.empty_like(x), np.empty_like(x)
    fns.vlog1p_unit_array(x, ours)
    fns.vlog1p_array(x, general)
    assert ours.tobytes() == general.tobytes()  # so vlog1p's bound (< 1.04 ulp) holds as proved
    assert ours[x == 0.0].tobytes() == np.zeros(np.count_nonzero(x == 0.0)).tobytes()  # +0.0, not -0.0


def test_log1p_unit_propagates_nan_of_either_sign():
    nans = np.array([np.nan, -np.nan, struct.unpack("<d", struct.pack("<Q", 0x7FF0000000000001))[0]])
    nans = np.concatenate([nans, -nans])
    out = np.empty_like(nans)
    _mc_fused.math_functions().vlog1p_unit_array(nans, out)
    assert np.isnan(out).all()


def test_only_log1p_of_exp_minus_abs_uses_the_unit_version():
    from sympy.codegen.cfunctions import log1p  # noqa: PLC0415

    d0, p0 = sympy.symbols("d0 p0")
    cases = {
        log1p(sympy.exp(-abs(d0))) + sympy.Max(d0, 0): True,
        log1p(sympy.exp(-abs(d0 - p0))): True,
        log1p(sympy.exp(d0)): False,  # exp(x) may exceed 1
        log1p(sympy.exp(abs(d0))): False,
        log1p(-sympy.exp(-abs(d0))): False,  # in [-1, 0)
        log1p(2 * sympy.exp(-abs(d0))): False,
        log1p(sympy.exp(-2 * abs(d0))): False,  # also in [0, 1], but not the pattern: the general path
    }
    for expr, unit in cases.items():
        stages, _ = _mc_fused._stages([expr])
        names = {type(e).__name__ for _, e in stages}
        assert ("Log1pUnit" in names) is unit, expr
        source = _mc_fused.fused_source([expr], [], 1)
        assert ("vlog1p_unit(t" in source) is unit, expr


def test_exp_nonpos_is_exp_bit_for_bit_on_its_domain():
    rng = np.random.default_rng(22)
    fixed = [0.0, -0.0, -5e-324, -1e-300, -(2.0**-53), -math.log(2) / 2, -708.39, -709.78, -745.13, -745.14]
    fixed += [-746.0, -746.5, -1e300, -np.inf, np.nan, -np.nan]
    x = np.concatenate(
        [
            -np.abs(rng.normal(0, 1, 400_000)),
            -np.abs(rng.normal(0, 300, 200_000)),
            rng.uniform(-750, 0, 300_000),
            -(10 ** rng.uniform(-320, 300, 100_000)),
            # k flips at (j + 1/2) ln2: both sides of the first hundred switches
            np.repeat(-(np.arange(100) + 0.5) * math.log(2), 20) + np.tile(np.arange(-10, 10) * 2.0**-50, 100),
            fixed,
        ]
    )
    assert x.size > 10**6
    fns = _mc_fused.math_functions()
    ours, general = np.empty_like(x), np.empty_like(x)
    fns.vexp_nonpos_array(x, ours)
    fns.vexp_array(x, general)
    same = (ours.view(np.int64) == general.view(np.int64)) | (np.isnan(ours) & np.isnan(general))
    assert same.all()  # so vexp's bound (< 0.96 ulp) holds as proved
    assert np.isnan(ours[np.isnan(x)]).all()


def test_exp_nonpos_only_for_exp_minus_abs():
    d0 = sympy.Symbol("d0")
    for expr, nonpos in {
        sympy.exp(-abs(d0)): True,
        sympy.exp(-abs(d0 + 1)): True,
        sympy.exp(d0): False,
        sympy.exp(-d0): False,
        sympy.exp(-abs(d0) + 1): False,
        sympy.exp(-2 * abs(d0)): False,  # also <= 0, but not the pattern: the general path
    }.items():
        stages, _ = _mc_fused._stages([expr])
        assert (type(stages[0][1]).__name__ == "ExpNonpos") is nonpos, expr
        assert ("= float(vexp_nonpos(" in _mc_fused.fused_source([expr], [], 1)) is nonpos, expr
