"""Branch-free, vectorisable ``exp``, ``log`` and ``log1p`` for the fused Monte Carlo kernel.

`SOURCE` is numba source text that `derive.montecarlo._fused` pastes into every generated
kernel module (numba's on-disk cache keys on the module, so the functions are text, not
imports). Every function is straight-line arithmetic with selects and uses ``llvm.fma.f64``
(`fma`: one rounding; the FMA instruction where the CPU has one, an exact software fma
otherwise, so a result never depends on the machine or the thread count), which lets LLVM's
loop vectoriser turn a loop over a batch into AVX2/AVX-512 code: no libm call, no branch.
Nothing is compiled with fastmath. Measured on the reference machine (AVX-512, 1 thread, a
64k batch, CPU ns per sample, the loop's memory pass included): exp 0.70 -> 0.52-0.59, log1p
0.76 -> 0.69 against fdlibm's scheme written branch-free; numpy's own AVX-512 exp is 0.51.

Error bounds (``ulp`` of the exact result; ``T`` the exact value):

**vexp** (Cody-Waite reduction, Taylor polynomial, no division). ``k = round(x/ln2)`` by the
``1.5*2**52`` shift, so ``|x - k ln2| <= 0.3466 + 746*2**-53*ln2 < 0.347``; ``hi = x - k*LN2HI``
is exact (LN2HI has 32 significant bits, |k| <= 1076; Sterbenz for |x| < 1), ``lo = k*LN2LO``
leaves under ``4e-23`` of the reduced argument ``rho``. ``e**rho = (1 + hi) + (T(rho) - lo)``
with ``T(r) = e**r - 1 - r``: ``1 + hi`` is kept exactly as ``y0 + e0`` (Fast2Sum), and
``t = r*r*(1/2 + r*P(r)) - lo`` with ``P`` the Taylor polynomial c3..c13 (Estrin). Absolute
errors before the last addition, in units of 2**-53 (``y`` lies in [0.707, 1.415], so one
such unit is at most one ulp of ``y``): ``r = fl(hi - lo)`` moves ``T`` by at most
``max|T'| * 2**-55`` <= 0.104; truncation after r**13 ``<= e**0.347 * 0.347**14/14!`` <= 0.054;
the rounded coefficients 1/n! (n >= 3) <= 0.008; ``P``'s roundings times r**3 <= 0.042;
``1/2 + r*P`` rounded, times r**2 <= 0.060; ``r*r`` rounded <= 0.067; ``t`` rounded <= 0.0625;
``e0 + t`` rounded <= 0.0625. Sum <= 0.46, plus the final rounding of ``y0 + (e0 + t)``
(0.5 ulp): **|vexp(x) - T| < 0.96 ulp** (0.73 ulp where T >= 1). The scaling by ``2**k``
is two exact multiplications by powers of two, or one rounding into the subnormal range
(then at most 0.5 + 0.46 subnormal ulp, as the pre-rounding error shrinks with the scale).
Special values as libm: NaN -> NaN, +inf and x > 709.7827... -> inf, -inf and
x < -745.1332... -> +0, exp(-0.0) = 1.

**vexp_nonpos** is vexp for x <= 0 or NaN (``exp(-|z|)`` in the stable softplus and sigmoid)
without the clamp at 710, the identity there: the same operations on the same values, so the
same bits and bound. Measured 0.51 -> 0.41 ns per sample.

**vlog1p** (fdlibm's s_log1p.c reduction and Lg1..Lg7 minimax polynomial in ``s = f/(2+f)``,
whose published bound is < 1 ulp). ``u = 1 + x`` is split as ``2**k * (1 + f)`` with f in
[-0.293, 0.414] exactly, and ``c``, the rounding error of ``u``, as fdlibm keeps it. Two
changes: when k = 0, ``f = x`` itself and c = 0 (exact, no correction); otherwise the
correction ``c/u`` is ``c * 2**-k * (1 - 2s + 2s**2)`` instead of a division: since
``1/(1+f) = (1-s)/(1+s)``, its relative error is at most ``2|s|**3 * 1.414 <= 0.0143`` of a
term under ``1.42 * 2**-53``, while |result| >= 0.3466 when k != 0: at most 0.04 ulp. The
polynomial is evaluated with fma (each step one rounding instead of two). Bound:
**|vlog1p(x) - T| < 1.04 ulp**. Special values as libm: -1 -> -inf, x < -1 and NaN -> NaN,
+inf -> +inf, -0.0 -> -0.0.

**vlog1p_unit** is vlog1p for the arguments ``exp(-|z|)`` gives (the stable softplus),
+0.0 <= x <= 1 or NaN, without the selects that cannot fire there: ``u = fl(1 + x)`` lies in
[1, 2], so k is 0 or 1 (never >= 2 or >= 54), x is never -1, below -1 or infinite, and x = +0.0
gives +0.0 through the arithmetic itself (f = 0, every term 0). Every other operation is
vlog1p's, so on that domain its results are vlog1p's bit for bit and the bound is the same,
< 1.04 ulp; a NaN argument gives NaN (k is then far from 0, so the correction term c, NaN,
enters the sum). 0.74 -> 0.58 ns per sample measured. Not for -0.0 (it gives +0.0) or for
arguments outside [0, 1]: the kernel uses it only where the argument is ``exp(-|z|)``.

**vlog** is the same core with c = 0 (``f`` exact): fdlibm e_log.c's bound, < 1 ulp;
subnormal inputs are scaled by 2**54 first. 0 -> -inf, x < 0 and NaN -> NaN, inf -> inf.

tests/montecarlo/test_fastmath.py checks these bounds against mpmath (10^6 points with a
long-double screen by default, every point in mpmath with ``DERIVE_FASTMATH_POINTS``), the
range-reduction boundaries, the extremes and the special values. No Monte Carlo verdict
rests on errors this size: a relative error of 1.04 * 2**-53 in one call is of the order of
numpy's own SIMD functions, which the tier's rounding resolution already allows for (100 x
the largest float64 error of the integrand seen at sample points, and at least 1e-9:
`derive.montecarlo._claim.rounding_resolution`), and far below any standard error it reports.
"""

from __future__ import annotations

__all__ = ["SOURCE"]

SOURCE = """
import math

import numpy as np
from llvmlite import ir
from numba import njit, prange, types  # noqa: F401
from numba.core import cgutils
from numba.extending import intrinsic


@intrinsic
def f2i(typingctx, x):
    sig = types.int64(types.float64)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.int64))

    return sig, codegen


@intrinsic
def i2f(typingctx, x):
    sig = types.float64(types.int64)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.float64))

    return sig, codegen


@intrinsic
def fma(typingctx, a, b, c):
    # a * b + c rounded once (llvm.fma: exact on every target, vectorisable).
    sig = types.float64(types.float64, types.float64, types.float64)

    def codegen(context, builder, signature, args):
        d = ir.DoubleType()
        fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(d, [d, d, d]), "llvm.fma.f64")
        return builder.call(fn, args)

    return sig, codegen


@intrinsic
def racc(typingctx, a, b):
    # a + b flagged reassociable: the loop vectoriser may split this sum into lanes (a fixed
    # order for the compiled code), while the rest of the function keeps IEEE semantics.
    sig = types.float64(types.float64, types.float64)

    def codegen(context, builder, signature, args):
        r = builder.fadd(args[0], args[1])
        r.flags.append("reassoc")
        return r

    return sig, codegen


INVLN2 = 1.44269504088896338700e00
LN2HI = 6.93147180369123816490e-01  # 0x3fe62e42fee00000: 32 significant bits
LN2LO = 1.90821492927058770002e-10
SHIFT = 6755399441055744.0  # 1.5 * 2**52: fl(x + SHIFT) - SHIFT rounds x to an integer
# 1/n! rounded, n = 3..13
E3 = 1.0 / 6.0
E4 = 1.0 / 24.0
E5 = 1.0 / 120.0
E6 = 1.0 / 720.0
E7 = 1.0 / 5040.0
E8 = 1.0 / 40320.0
E9 = 1.0 / 362880.0
E10 = 1.0 / 3628800.0
E11 = 1.0 / 39916800.0
E12 = 1.0 / 479001600.0
E13 = 1.0 / 6227020800.0
LG1 = 6.666666666666735130e-01
LG2 = 3.999999999940941908e-01
LG3 = 2.857142874366239149e-01
LG4 = 2.222219843214978396e-01
LG5 = 1.818357216161805012e-01
LG6 = 1.531383769920937332e-01
LG7 = 1.479819860511658591e-01
KEYMASK = 0x7FFFFFFFFFFFFFFF
KEYLOW = -9218868437227405313  # key(-inf)
KEYHIGH = 9218868437227405312  # key(inf)


@njit(inline="always", error_model="numpy")
def vexp(x):
    # Error analysis in derive/montecarlo/_fastmath.py: < 0.96 ulp.
    # exp(-746) is 0 and exp(710) overflows: clamped, the same results. Written so that a NaN
    # passes through both selects (and then through every operation) without a final select.
    xc = 710.0 if x >= 710.0 else x
    xc = -746.0 if xc <= -746.0 else xc
    kd = fma(xc, INVLN2, SHIFT) - SHIFT
    hi = fma(kd, -LN2HI, xc)  # exact
    lo = kd * LN2LO
    r = hi - lo
    r2 = r * r
    r4 = r2 * r2
    a0 = fma(E4, r, E3)
    a1 = fma(E6, r, E5)
    a2 = fma(E8, r, E7)
    a3 = fma(E10, r, E9)
    a4 = fma(E12, r, E11)
    b0 = fma(a1, r2, a0)
    b1 = fma(a3, r2, a2)
    b2 = fma(E13, r2, a4)
    p = fma(fma(b2, r4, b1), r4, b0)
    t = fma(r2, fma(r, p, 0.5), -lo)
    y0 = 1.0 + hi
    e0 = (1.0 - y0) + hi  # Fast2Sum: y0 + e0 == 1 + hi exactly
    y = y0 + (e0 + t)
    # 2**k in two halves, so that a subnormal result is rounded once
    k = np.int64(kd)
    k1 = k >> 1
    s1 = i2f((k1 + 1023) << 52)
    s2 = i2f((k - k1 + 1023) << 52)
    return (y * s1) * s2


@njit(inline="always", error_model="numpy")
def vexp_nonpos(x):
    # vexp for x <= 0 or NaN, bit for bit: vexp's first clamp (x >= 710) is the identity there.
    xc = -746.0 if x <= -746.0 else x
    kd = fma(xc, INVLN2, SHIFT) - SHIFT
    hi = fma(kd, -LN2HI, xc)  # exact
    lo = kd * LN2LO
    r = hi - lo
    r2 = r * r
    r4 = r2 * r2
    a0 = fma(E4, r, E3)
    a1 = fma(E6, r, E5)
    a2 = fma(E8, r, E7)
    a3 = fma(E10, r, E9)
    a4 = fma(E12, r, E11)
    b0 = fma(a1, r2, a0)
    b1 = fma(a3, r2, a2)
    b2 = fma(E13, r2, a4)
    p = fma(fma(b2, r4, b1), r4, b0)
    t = fma(r2, fma(r, p, 0.5), -lo)
    y0 = 1.0 + hi
    e0 = (1.0 - y0) + hi
    y = y0 + (e0 + t)
    k = np.int64(kd)
    k1 = k >> 1
    s1 = i2f((k1 + 1023) << 52)
    s2 = i2f((k - k1 + 1023) << 52)
    return (y * s1) * s2


@njit(inline="always", error_model="numpy")
def _log_core(f, k, corr):
    # log(1 + f) + k ln2 + corr for f in [-0.293, 0.414] (fdlibm's Lg1..Lg7 in s = f/(2+f)).
    s = f / (2.0 + f)
    hfsq = 0.5 * f * f
    z = s * s
    w = z * z
    t1 = w * fma(w, fma(w, LG6, LG4), LG2)
    t2 = z * fma(w, fma(w, fma(w, LG7, LG5), LG3), LG1)
    dk = float(k)
    return fma(s, hfsq + (t2 + t1), fma(dk, LN2LO, corr)) - hfsq + f + dk * LN2HI


@njit(inline="always", error_model="numpy")
def vlog1p(x):
    # Error analysis in derive/montecarlo/_fastmath.py: < 1.04 ulp.
    u = 1.0 + x
    bits = f2i(u)
    hu = (bits >> 32) + (0x3FF00000 - 0x3FE6A09E)
    k = (hu >> 20) - 0x3FF  # u = 2**k * (1 + f), 1 + f in [sqrt(2)/2, sqrt(2))
    c = (1.0 - (u - x)) if k >= 2 else (x - (u - 1.0))  # u's rounding error, exactly
    hu = (hu & 0x000FFFFF) + 0x3FE6A09E
    f = i2f((hu << 32) | (bits & 0xFFFFFFFF)) - 1.0
    zero = k == 0
    f = x if zero else f
    s = f / (2.0 + f)
    # c/u = c 2**-k / (1 + f), and 1/(1 + f) = (1 - s)/(1 + s) ~ 1 - 2s + 2s**2
    corr = c * i2f((1023 - k) << 52) * fma(2.0 * s, s - 1.0, 1.0)
    corr = 0.0 if (zero or k >= 54) else corr
    out = _log_core(f, k, corr)
    out = -np.inf if x == -1.0 else out
    out = x if (x == np.inf or x == 0.0) else out  # log1p(-0.0) is -0.0
    return np.nan if (x < -1.0 or x != x) else out


@njit(inline="always", error_model="numpy")
def vlog1p_unit(x):
    # vlog1p for +0.0 <= x <= 1 or NaN (x = exp(-|z|)), bit for bit: see _fastmath.py.
    u = 1.0 + x
    bits = f2i(u)
    hu = (bits >> 32) + (0x3FF00000 - 0x3FE6A09E)
    k = (hu >> 20) - 0x3FF  # 0 or 1 here
    c = x - (u - 1.0)
    hu = (hu & 0x000FFFFF) + 0x3FE6A09E
    f = i2f((hu << 32) | (bits & 0xFFFFFFFF)) - 1.0
    zero = k == 0
    f = x if zero else f
    s = f / (2.0 + f)
    corr = c * i2f((1023 - k) << 52) * fma(2.0 * s, s - 1.0, 1.0)
    corr = 0.0 if zero else corr
    return _log_core(f, k, corr)


@njit(inline="always", error_model="numpy")
def vlog(x):
    sub = x < 2.2250738585072014e-308  # subnormal: scale by 2^54 first
    xs = x * 18014398509481984.0 if sub else x
    bits = f2i(xs)
    hu = (bits >> 32) + (0x3FF00000 - 0x3FE6A09E)
    k = (hu >> 20) - 0x3FF - (54 if sub else 0)
    hu = (hu & 0x000FFFFF) + 0x3FE6A09E
    f = i2f((hu << 32) | (bits & 0xFFFFFFFF)) - 1.0
    out = _log_core(f, k, 0.0)
    out = -np.inf if x == 0.0 else out
    out = x if x == np.inf else out
    return np.nan if (x < 0.0 or x != x) else out


@njit(inline="always", error_model="numpy")
def vmax(a, b):
    # np.maximum: NaN if either is NaN
    r = a if a >= b else b
    return a if a != a else r


@njit(inline="always", error_model="numpy")
def vmin(a, b):
    r = a if a <= b else b
    return a if a != a else r


@njit(inline="always", error_model="numpy")
def vsign(x):
    # np.sign: NaN stays NaN, -0.0 and 0.0 give 0.0
    r = 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0)
    return x if x != x else r


@njit(inline="always", error_model="numpy")
def key(x):
    # float64 bits as an int64 with the same order (for finite and infinite x)
    b = f2i(x)
    return b ^ ((b >> 63) & KEYMASK)


@njit(inline="always", error_model="numpy")
def unkey(k):
    return i2f(k ^ ((k >> 63) & KEYMASK))


@njit(cache=True, error_model="numpy")
def vexp_array(x, out):
    for i in range(x.shape[0]):
        out[i] = vexp(x[i])


@njit(cache=True, error_model="numpy")
def vexp_nonpos_array(x, out):
    for i in range(x.shape[0]):
        out[i] = vexp_nonpos(x[i])


@njit(cache=True, error_model="numpy")
def vlog_array(x, out):
    for i in range(x.shape[0]):
        out[i] = vlog(x[i])


@njit(cache=True, error_model="numpy")
def vlog1p_array(x, out):
    for i in range(x.shape[0]):
        out[i] = vlog1p(x[i])


@njit(cache=True, error_model="numpy")
def vlog1p_unit_array(x, out):
    for i in range(x.shape[0]):
        out[i] = vlog1p_unit(x[i])
"""
