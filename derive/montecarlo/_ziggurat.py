"""numpy's SeedSequence, SFC64 and ziggurat normals inlined into the fused kernel's draw loop.

numba's ``Generator.standard_normal`` (what `derive.montecarlo._numba.normal_filler` uses)
calls the bit generator through a function pointer, so SFC64's four state words go to
memory and back on every draw, and each batch's Generator is built in Python (~7 us with
the GIL held, `derive.montecarlo._batches.stream_rng`). `SOURCE` is the same arithmetic
written out for numba, state in local variables: numpy's ``SeedSequence`` (``mix_entropy``
over the stream's entropy words, `derive.montecarlo._batches.stream_entropy`, plus the
batch index's words, then ``generate_state(3, uint64)``), ``sfc64_set_seed`` (those three
words, counter 1, twelve discarded outputs), ``sfc64_next``, ``next_double``
(``(next >> 11) * 2**-53``) and ``random_standard_normal`` (``distributions.c``) with
numpy's ziggurat tables, which numba ships for its own port (``numba.np.random._constants``).
Its numbers are *the same* as ``stream_rng(seed, stream, batch).standard_normal()`` and
``.random()`` draw in sequence (tested bit for bit; `derive.montecarlo._numba.inline_draws`
self-checks them before the fused kernel uses them, else it draws through numba's
Generator). Measured on the reference machine (1 thread, 64k batches, CPU ns per sample):
about 1.5 against 2.0 for the Generator and its construction, so this is the fastest raw
standard-normal fill derive has, and `bench/montecarlo.py` times its ceiling with it.

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


SS_M32 = np.uint64(0xFFFFFFFF)
SS_INIT_A = np.uint64(0x43B0D7E5)
SS_MULT_A = np.uint64(0x931E8875)
SS_INIT_B = np.uint64(0x8B51F9DD)
SS_MULT_B = np.uint64(0x58F38DED)
SS_MIX_L = np.uint64(0xCA01F9DD)
SS_MIX_R = np.uint64(0x4973F715)


@njit(inline="always")
def ss_hashmix(value, h):
    # numpy's SeedSequence hashmix in 32-bit words (kept in uint64, masked): (value, new hash constant)
    value = (value ^ h) & SS_M32
    h = (h * SS_MULT_A) & SS_M32
    value = (value * h) & SS_M32
    return value ^ (value >> _u64(16)), h


@njit(inline="always")
def ss_mix(x, y):
    r = (SS_MIX_L * x - SS_MIX_R * y) & SS_M32
    return r ^ (r >> _u64(16))


@njit(inline="always")
def ss_word(prefix, batch, i):
    # entropy word i: the prefix's, then the batch index's 32-bit words (little end first)
    n = prefix.shape[0]
    return prefix[i] if i < n else (_u64(batch) >> _u64(32 * (i - n))) & SS_M32


@njit(inline="always")
def ss_state(prefix, batch):
    # SeedSequence(entropy).generate_state(3, np.uint64) for the entropy words prefix + batch's
    # words (mix_entropy, then generate_state): SFC64's three seed words, without the GIL.
    b = _u64(batch)
    n = prefix.shape[0] + (1 if b >> _u64(32) == _u64(0) else 2)
    h = SS_INIT_A
    m0, h = ss_hashmix(ss_word(prefix, batch, 0), h)
    m1, h = ss_hashmix(ss_word(prefix, batch, 1), h)
    m2, h = ss_hashmix(ss_word(prefix, batch, 2), h)
    m3, h = ss_hashmix(ss_word(prefix, batch, 3), h)
    mixer = [m0, m1, m2, m3]
    for src in range(4):
        for dst in range(4):
            if src != dst:
                v, h = ss_hashmix(mixer[src], h)
                mixer[dst] = ss_mix(mixer[dst], v)
    for src in range(4, n):
        w = ss_word(prefix, batch, src)
        for dst in range(4):
            v, h = ss_hashmix(w, h)
            mixer[dst] = ss_mix(mixer[dst], v)
    hb = SS_INIT_B
    out = [_u64(0), _u64(0), _u64(0)]
    for i in range(6):
        v = (mixer[i % 4] ^ hb) & SS_M32
        hb = (hb * SS_MULT_B) & SS_M32
        v = (v * hb) & SS_M32
        v ^= v >> _u64(16)
        out[i // 2] |= v << _u64(32 * (i % 2))
    return out[0], out[1], out[2]


@njit(inline="always")
def sfc_seeded(prefix, batch):
    # numpy's sfc64_set_seed over the batch's SeedSequence.generate_state(3, np.uint64)
    w0, w1, w2 = ss_state(prefix, batch)
    st = (w0, w1, w2, _u64(1))
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
def zig_fill(prefix, batch, out):
    # the raw fill: one batch's standard normals from its stream's entropy words and its index
    st = sfc_seeded(prefix, batch)
    for i in range(out.shape[0]):
        out[i], st = zig_normal(st)


@njit(cache=True, nogil=True)
def zig_uniform_fill(prefix, batch, out):
    st = sfc_seeded(prefix, batch)
    for i in range(out.shape[0]):
        out[i], st = sfc_double(st)


@njit(cache=True, nogil=True)
def zig_fill_state(state, out):
    # standard normals from an SFC64 state (a, b, c, counter), which is advanced in place
    st = (state[0], state[1], state[2], state[3])
    for i in range(out.shape[0]):
        out[i], st = zig_normal(st)
    state[0], state[1], state[2], state[3] = st


@njit(cache=True, nogil=True)
def zig_state(prefix, batch, out):
    out[0], out[1], out[2] = ss_state(prefix, batch)
"""
