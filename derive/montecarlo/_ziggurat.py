"""numpy's SFC64 and its ziggurat normals inlined into the fused kernel's draw loop.

numba's ``Generator.standard_normal`` (what `derive.montecarlo._numba.normal_filler` uses)
calls the bit generator through a function pointer, so SFC64's four state words go to
memory and back on every draw. `SOURCE` is the same arithmetic written out for numba with
the state in local variables: numpy's ``sfc64_next`` (``sfc64.h``), its seeding
(``sfc64_set_seed``: three words from ``SeedSequence.generate_state(3, uint64)``, counter 1,
twelve discarded outputs), ``next_double`` (``(next >> 11) * 2**-53``) and
``random_standard_normal`` (``distributions.c``) with numpy's ziggurat tables, which numba
ships for its own port (``numba.np.random._constants``). Its numbers are *the same* as
``Generator(SFC64(seed_sequence)).standard_normal()`` and ``.random()`` draw in sequence
(tested bit for bit; `derive.montecarlo._fused` also self-checks them before use and falls
back to numba's Generator otherwise). Measured on the reference machine (1 thread, 64k
batches, CPU ns per sample): 1.49-1.58 against 1.88-1.97 through the Generator, so this is
the fastest raw standard-normal fill derive has, and `bench/montecarlo.py` times its
ceiling with it.

The slow branches (the wedges, ~1.2% of draws, and the tail beyond r = 3.654) call
``np.exp`` and ``np.log1p`` as numba's port does: the platform libm, as numpy's C code.
"""

from __future__ import annotations

__all__ = ["SOURCE", "tables_available"]


def tables_available() -> bool:
    """Whether numba's copy of numpy's ziggurat tables can be imported (a private module)."""
    try:
        from numba.np.random import _constants  # noqa: F401, PLC0415
    except ImportError:
        return False
    return True


SOURCE = """
from numba import uint64 as _u64
from numba.np.random._constants import fi_double as _fi, ki_double as _ki, wi_double as _wi
from numba.np.random._constants import ziggurat_nor_inv_r as ZIG_INV_R, ziggurat_nor_r as ZIG_R

ZKI = _ki.astype(np.uint64)
ZWI = _wi.astype(np.float64)
ZFI = _fi.astype(np.float64)
ZDOUBLE = 1.0 / 9007199254740992.0  # 2**-53


@njit(inline="always")
def sfc_next(st):
    # numpy's sfc64_next: returns the output and the new state (a, b, c, counter)
    a, b, c, w = st
    tmp = a + b + w
    return tmp, (b ^ (b >> _u64(11)), c + (c << _u64(3)), ((c << _u64(24)) | (c >> _u64(40))) + tmp, w + _u64(1))


@njit(inline="always")
def sfc_seeded(seed):
    # numpy's sfc64_set_seed over SeedSequence.generate_state(3, np.uint64)
    st = (_u64(seed[0]), _u64(seed[1]), _u64(seed[2]), _u64(1))
    for _ in range(12):
        _out, st = sfc_next(st)
    return st


@njit(inline="always")
def sfc_double(st):
    # numpy's next_double: the 53 high bits over 2**53, in [0, 1)
    r, st = sfc_next(st)
    return float(r >> _u64(11)) * ZDOUBLE, st


@njit(inline="always")
def zig_normal(st):
    # numpy's random_standard_normal, branch for branch (so the same draws in the same order)
    while True:
        r, st = sfc_next(st)
        idx = np.int64(r & _u64(0xFF))
        r >>= _u64(8)
        rabs = (r >> _u64(1)) & _u64(0x000FFFFFFFFFFFFF)
        x = float(rabs) * ZWI[idx]
        x = -x if (r & _u64(1)) else x
        if rabs < ZKI[idx]:
            return x, st
        if idx == 0:
            while True:
                u1, st = sfc_double(st)
                xx = -ZIG_INV_R * np.log1p(-u1)
                u2, st = sfc_double(st)
                yy = -np.log1p(-u2)
                if yy + yy > xx * xx:
                    break
            return (-(ZIG_R + xx) if ((rabs >> _u64(8)) & _u64(1)) else ZIG_R + xx), st
        u, st = sfc_double(st)
        if (ZFI[idx - 1] - ZFI[idx]) * u + ZFI[idx] < np.exp(-0.5 * x * x):
            return x, st


@njit(cache=True, nogil=True)
def zig_fill(seed, out):
    # the raw fill: one batch's standard normals from its three seed words
    st = sfc_seeded(seed)
    for i in range(out.shape[0]):
        out[i], st = zig_normal(st)


@njit(cache=True, nogil=True)
def zig_uniform_fill(seed, out):
    st = sfc_seeded(seed)
    for i in range(out.shape[0]):
        out[i], st = sfc_double(st)
"""
