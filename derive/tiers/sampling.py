"""Test points that satisfy every declared assumption, as exact rationals.

The numeric tier and the Monte Carlo tier (for parameter points) ask `sample_point` for
values of the free scalar symbols of a claim. Each value respects its symbol's kind:
``positive`` draws are positive, ``probability`` draws lie strictly inside (0, 1),
``positive integer`` draws are 1..8, and the entries of an ``spd matrix`` are drawn jointly
so that the matrix is symmetric positive definite *exactly* (checked in rational
arithmetic). Values are exact `sympy.Rational` numbers so that evaluating a claim at a
point involves no rounding before the high-precision evaluation starts, and so that a
counterexample can be printed and replayed exactly.

Three styles of point:

* ``"simple"``: small-denominator values such as 1/2, -3/2, 2 (readable counterexamples);
* ``"random"``: generic values with a mix of magnitudes (what finds coincidences out);
* ``"edge"``: values near the edges of a kind (tiny and large positives, probabilities near
  0 and 1), where inequalities tend to fail;
* ``"far"``: values far out, log-uniform in magnitude from 1e3 up to ``reach`` (at least
  1e12) with both signs for reals, large integers, probabilities within 1e-3..1e-12 of 0 or 1,
  matrices with large entries (SPD ones with large eigenvalues), and some tiny magnitudes:
  claims that fail only far out (``x < 5000``, ``n < 10**6``) are invisible near 1.

`far_points` gives a fixed set of far points per claim: every scalar at 1e3, 1e6, 1e12, at 10
and 1e6 times the largest number the claim writes, and at 1e-6 and 1e-12, then each scalar far
on its own while the others stay readable.

>>> import numpy as np
>>> from derive.language.symbols import SymbolTable
>>> t = SymbolTable({"p": "probability"})
>>> v = sample_point(t, [t["p"].obj], np.random.default_rng(0))[t["p"].obj]
>>> 0 < v < 1
True
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from fractions import Fraction

import numpy as np
import sympy

from derive.language.symbols import SymbolKind, SymbolSpec, SymbolTable

__all__ = [
    "FAR_REACH",
    "STYLES",
    "allows",
    "draw_scalar",
    "far_points",
    "is_positive_definite",
    "kind_of",
    "pivot_points",
    "sample_point",
]

#: The point styles `sample_point` understands.
STYLES: tuple[str, ...] = ("simple", "random", "edge", "far")
#: How far "far" points go at least (a claim's own large numbers push them further).
FAR_REACH = 1e12
_FAR_FROM = 3  # far magnitudes start at 10**3: nearer ones are what the other styles cover
#: Beyond 10**_FAR_CAP a far point says little more and costs digits (10**k needs k of them).
_FAR_CAP = 300

# Readable values per scalar kind. 0 and +-1 are left out of the simple pools on purpose:
# at those values many wrong steps happen to hold (x**2 == x, x*y == x).
_SIMPLE: dict[str, tuple[Fraction, ...]] = {
    "real": tuple(
        Fraction(s) for s in ("1/2", "-3/2", "2", "-1/3", "3/4", "-2", "5/2", "1/3", "-3/4", "3/2", "-5/2", "2/3")
    ),
    "positive": tuple(Fraction(s) for s in ("1/2", "2", "3/2", "1/3", "3", "5/2", "2/3", "4", "3/4", "5/4")),
    "integer": tuple(Fraction(s) for s in ("2", "-1", "3", "0", "-2", "1", "4", "-3")),
    "positive integer": tuple(Fraction(s) for s in ("2", "3", "1", "4", "5")),
    "probability": tuple(Fraction(s) for s in ("1/4", "2/3", "1/3", "3/5", "3/4", "1/5", "2/5", "4/5")),
}
_EDGE: dict[str, tuple[Fraction, ...]] = {
    "real": tuple(Fraction(s) for s in ("1/1000", "-1/1000", "40", "-40", "1/100", "-25")),
    "positive": tuple(Fraction(s) for s in ("1/1000", "1/100", "30", "100")),
    "nonnegative": tuple(Fraction(s) for s in ("0", "1/1000", "30")),
    "integer": tuple(Fraction(s) for s in ("0", "-12", "12", "1", "-1")),
    "positive integer": tuple(Fraction(s) for s in ("1", "12", "2")),
    "probability": tuple(Fraction(s) for s in ("1/1000", "999/1000", "1/100", "99/100")),
}


def kind_of(table: SymbolTable | None, sym: sympy.Symbol) -> tuple[SymbolSpec | None, str]:
    """The declaration ``sym`` belongs to (if any) and the kind name used to draw it.

    Symbols outside the table (sympy dummies, symbols built by other tiers) get a kind
    inferred from their sympy assumptions; a symbol with no assumptions is drawn as real.
    """
    spec = table.spec_of(sym) if table is not None else None
    if spec is not None:
        return spec, spec.kind.base
    if sym.is_integer:
        if sym.is_positive:
            return None, "positive integer"
        if sym.is_nonnegative:
            return None, "nonnegative integer"
        if sym.is_negative:
            return None, "negative integer"
        return None, "integer"
    for attr, kind in (
        ("is_positive", "positive"),
        ("is_negative", "negative"),
        ("is_nonnegative", "nonnegative"),
        ("is_nonpositive", "nonpositive"),
    ):
        if getattr(sym, attr):
            return None, kind
    return None, "real"


def sample_point(
    table: SymbolTable | None,
    symbols: Iterable[sympy.Symbol],
    rng: np.random.Generator,
    *,
    scale: float = 1.0,
    style: str = "random",
    reach: float = FAR_REACH,
) -> dict[sympy.Symbol, sympy.Rational]:
    """Exact rational values for ``symbols`` that respect every declared kind.

    ``symbols`` may contain matrix-entry symbols (``A[1,2]``): the whole matrix they belong
    to is drawn at once and every entry symbol of it is in the result (an SPD matrix must be
    drawn jointly to be positive definite). ``scale`` stretches the magnitude of real,
    positive and matrix draws; ``style`` is one of `STYLES`; ``reach`` is the largest
    magnitude a "far" draw may have. Symbols are visited in sympy's canonical order, so a
    seeded ``rng`` gives the same point every time.
    """
    if style not in STYLES:
        msg = f"unknown point style {style!r}; expected one of {', '.join(STYLES)}"
        raise ValueError(msg)
    out: dict[sympy.Symbol, sympy.Rational] = {}
    for sym in sorted(set(symbols), key=sympy.default_sort_key):
        if sym in out:
            continue
        spec, kind = kind_of(table, sym)
        if style == "far":
            exponent = _far_exponent(rng, reach)
            if spec is not None and spec.kind.is_matrix:
                out.update(_draw_matrix(spec, rng, 1.0, "far", exponent))
            else:
                out[sym] = sympy.Rational(far_scalar(kind, rng, exponent))
        elif spec is not None and spec.kind.is_matrix:
            out.update(_draw_matrix(spec, rng, scale, style))
        else:
            out[sym] = sympy.Rational(draw_scalar(kind, rng, scale=scale, style=style))
    return out


def draw_scalar(
    kind: str, rng: np.random.Generator, *, scale: float = 1.0, style: str = "random", reach: float = FAR_REACH
) -> Fraction:
    """One exact value of a scalar kind (see `derive.language.symbols.KINDS`, plus inferred kinds)."""
    if style == "far":
        return far_scalar(kind, rng, _far_exponent(rng, reach))
    if kind in ("negative", "nonpositive", "negative integer"):
        mirror = {"negative": "positive", "nonpositive": "nonnegative", "negative integer": "positive integer"}[kind]
        return -draw_scalar(mirror, rng, scale=scale, style=style)
    if kind == "nonnegative integer":
        return draw_scalar("positive integer", rng, style=style) - 1
    if style == "edge" and kind in _EDGE:
        return _pick(_EDGE[kind], rng)
    if style == "simple":
        pool = _SIMPLE.get("positive" if kind == "nonnegative" else kind, _SIMPLE["real"])
        value = _pick(pool, rng)
        return value * _rational(scale) if kind in ("real", "positive", "nonnegative") and scale != 1 else value
    if kind == "positive integer":
        return Fraction(int(rng.integers(1, 9)))
    if kind == "integer":
        return Fraction(int(rng.integers(-6, 7)))
    if kind == "probability":
        return _clamp(_rational(rng.uniform(0.02, 0.98)), Fraction(1, 50), Fraction(49, 50))
    if kind in ("positive", "nonnegative"):
        if kind == "nonnegative" and rng.random() < 0.1:
            return Fraction(0)
        wide = rng.random() < 0.2
        value = float(np.exp(rng.uniform(-5.0, 4.0) if wide else rng.uniform(-2.0, 2.0))) * scale
        return _rational(value) if value > 1e-6 else Fraction(1, 10**6)
    # real, and anything unknown: most draws moderate, some large, some tiny.
    r = rng.random()
    if r < 0.7:
        value = rng.uniform(-3.0, 3.0)
    else:
        magnitude = np.exp(
            rng.uniform(np.log(3.0), np.log(20.0)) if r < 0.85 else rng.uniform(np.log(0.01), np.log(0.3))
        )
        value = magnitude * (1 if rng.random() < 0.5 else -1)
    return _rational(float(value) * scale)


def _far_exponent(rng: np.random.Generator, reach: float) -> float:
    """log10 of a far magnitude: log-uniform from 1e3 to ``reach``; one draw in five tiny (1e-3..1e-12)."""
    if rng.random() < 0.2:
        return -float(rng.uniform(_FAR_FROM, 12.0))
    top = min(max(math.log10(max(reach, FAR_REACH)), 12.0), _FAR_CAP)
    return float(rng.uniform(_FAR_FROM, top))


def _magnitude(rng: np.random.Generator, exponent: float) -> Fraction:
    """About 10**exponent, exactly: a two-decimal mantissa in [1, 10) times a power of ten."""
    whole = math.floor(exponent)
    mantissa = Fraction(round(float(10 ** (exponent - whole)) * 100), 100)
    mantissa = min(max(mantissa, Fraction(1)), Fraction(999, 100)) + Fraction(int(rng.integers(0, 100)), 10**4)
    return mantissa * Fraction(10) ** whole


def far_scalar(kind: str, rng: np.random.Generator, exponent: float) -> Fraction:
    """One exact value of ``kind`` of magnitude about 10**exponent (a negative exponent: tiny).

    Integers round up to integers (a tiny exponent gives a readable small integer instead);
    probabilities lie about 10**-|exponent| from 0 or from 1.
    """
    exponent = max(-_FAR_CAP, min(float(exponent), _FAR_CAP))
    if kind == "probability":
        gap = 1 / _magnitude(rng, abs(exponent))
        return gap if rng.random() < 0.5 else 1 - gap
    if kind in ("negative", "nonpositive", "negative integer"):
        mirror = {"negative": "positive", "nonpositive": "nonnegative", "negative integer": "positive integer"}[kind]
        return -far_scalar(mirror, rng, exponent)
    if kind in ("integer", "positive integer", "nonnegative integer"):
        if exponent < 0:
            return draw_scalar(kind, rng, style="simple")
        value = Fraction(math.ceil(_magnitude(rng, exponent)))
        return -value if kind == "integer" and rng.random() < 0.5 else value
    value = _magnitude(rng, exponent)
    if kind in ("positive", "nonnegative"):
        return value
    return value if rng.random() < 0.5 else -value  # real, and anything unknown


def _draw_matrix(
    spec: SymbolSpec, rng: np.random.Generator, scale: float, style: str, exponent: float = 0.0
) -> dict[sympy.Symbol, sympy.Rational]:
    kind: SymbolKind = spec.kind
    n, m = kind.rows, kind.cols
    if kind.base == "spd":
        values = _spd(n, rng, scale, style, exponent)
    else:
        values = [[_entry(rng, scale, style, exponent) for _ in range(m)] for _ in range(n)]
    obj = spec.obj
    out: dict[sympy.Symbol, sympy.Rational] = {}
    for i in range(n):
        for j in range(m):
            out.setdefault(obj[i, j], sympy.Rational(values[i][j]))  # type: ignore[index]
    return out


def _entry(rng: np.random.Generator, scale: float, style: str, exponent: float = 0.0) -> Fraction:
    if style == "simple":
        return Fraction(int(rng.integers(-3, 4)))
    if style == "far":
        return far_scalar("real", rng, exponent)
    # Two decimals keep counterexamples readable; N(0, 1) keeps products well scaled.
    return Fraction(round(float(rng.standard_normal()) * scale * 100), 100)


def _spd(n: int, rng: np.random.Generator, scale: float, style: str, exponent: float = 0.0) -> list[list[Fraction]]:
    """L Lᵀ + c I with rational L and c > 0: positive definite by construction, checked exactly.

    A "far" matrix is that times about 10**exponent (large or tiny eigenvalues), and for n > 1
    its first diagonal entry is stretched by as much again: a large condition number too.
    """
    lower = [[Fraction(0)] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1):
            if style == "simple":
                lower[i][j] = Fraction(int(rng.integers(1, 3))) if i == j else Fraction(int(rng.integers(-2, 3)))
            else:
                v = Fraction(round(float(rng.standard_normal()) * 10), 10)
                lower[i][j] = abs(v) + Fraction(1, 10) if i == j else v
    shift = Fraction(1) if style == "simple" else Fraction(int(rng.integers(1, 11)), 10)
    s = _rational(scale) if style != "far" else _magnitude(rng, max(-_FAR_CAP, min(exponent, _FAR_CAP)))
    if style == "far" and n > 1 and exponent > 0:
        # L[0][0] large: one eigenvalue about s * L00², the others about s.
        lower[0][0] *= _magnitude(rng, min(exponent, _FAR_CAP) / 2)
    mat = [
        [
            s * (sum((lower[i][k] * lower[j][k] for k in range(n)), Fraction(0)) + (shift if i == j else 0))
            for j in range(n)
        ]
        for i in range(n)
    ]
    if not is_positive_definite(mat):  # cannot happen for scale > 0; a guard against future edits
        msg = f"internal error: drew a {n}x{n} matrix that is not positive definite"
        raise AssertionError(msg)
    return mat


def is_positive_definite(mat: Sequence[Sequence[Fraction | int]]) -> bool:
    """Exact test: symmetric, and every pivot of Gaussian elimination (LDLᵀ) is positive.

    >>> is_positive_definite([[2, 1], [1, 2]]), is_positive_definite([[1, 2], [2, 1]])
    (True, False)
    """
    n = len(mat)
    a = [[Fraction(v) for v in row] for row in mat]
    if any(len(row) != n for row in a) or any(a[i][j] != a[j][i] for i in range(n) for j in range(i)):
        return False
    for k in range(n):
        pivot = a[k][k]
        if pivot <= 0:
            return False
        for i in range(k + 1, n):
            factor = a[i][k] / pivot
            for j in range(k, n):
                a[i][j] -= factor * a[k][j]
    return True


def far_points(
    table: SymbolTable | None,
    symbols: Iterable[sympy.Symbol],
    rng: np.random.Generator,
    *,
    largest: float = 0.0,
    limit: int = 14,
    singular: bool = False,
) -> list[dict[sympy.Symbol, sympy.Rational]]:
    """Points far out for a claim whose largest written number is ``largest`` (in magnitude).

    First every symbol at once at magnitude about 1e3 and 1e6 (positive, then negative for
    reals), 1e12, 10x and 1e6x ``largest`` (when it is beyond 100), each once positive and once
    negative, then 1e-6 and 1e-12 (mantissas drawn; integers rounded up; probabilities that
    close to 0 or 1; matrices with entries or eigenvalues that large; with ``singular``, an SPD
    matrix also at about 1e-40, 1e-300 and a tenth of 1/``largest`` times I); then, with several
    symbols, each scalar alone at the farthest of those magnitudes, both signs, while the
    others take readable values. At most ``limit`` points, without repeats, in that order.
    """
    ordered = sorted(set(symbols), key=sympy.default_sort_key)
    far = [12.0]
    if largest > 100:
        size = math.log10(largest)
        far += [min(size + 1, _FAR_CAP), min(size + 6, _FAR_CAP)]
    # Nearest first: a refutation shows the smallest far counterexample found.
    plan = [(3.0, 1), (6.0, -1)] + [(e, sign) for e in far for sign in (1, -1)] + [(-6.0, 1), (-12.0, -1)]
    if singular and any(_is_spd(table, s) for s in ordered):
        # Towards singular: trace(inverse(S)) < 10**40 fails at 1e-41 I, log(det(S)) > -1000 near 1e-300 I.
        tiny = [40.0, 300.0] + ([min(math.log10(largest) + 1, _FAR_CAP)] if largest > 100 else [])
        plan += [(-e, 1) for e in sorted(set(tiny))]
    points: list[dict[sympy.Symbol, sympy.Rational]] = []
    for e, sign in plan:
        # A random fraction of a decade per symbol: mantissas not all 1.0..., symbols not all alike.
        shifted = {s: e + float(rng.uniform(0.0, 0.9)) for s in ordered}
        points.append(_far_point(table, ordered, rng, shifted, sign))
    if len(ordered) > 1:
        top = max(far) + float(rng.uniform(0.0, 0.9))
        for sym in (s for s in ordered if not _is_matrix_entry(table, s)):
            points += [_far_point(table, ordered, rng, {sym: top}, sign) for sign in (1, -1)]
    unique: list[dict[sympy.Symbol, sympy.Rational]] = []
    for p in points:
        if p not in unique:
            unique.append(p)
    return unique[:limit]


def _is_spd(table: SymbolTable | None, sym: sympy.Symbol) -> bool:
    spec, _ = kind_of(table, sym)
    return spec is not None and spec.kind.is_matrix and spec.kind.base == "spd"


def _is_matrix_entry(table: SymbolTable | None, sym: sympy.Symbol) -> bool:
    spec, _ = kind_of(table, sym)
    return spec is not None and spec.kind.is_matrix


def _far_point(
    table: SymbolTable | None,
    ordered: Sequence[sympy.Symbol],
    rng: np.random.Generator,
    exponents: dict[sympy.Symbol, float],
    sign: int,
) -> dict[sympy.Symbol, sympy.Rational]:
    """Symbols in ``exponents`` far at that magnitude (reals and integers with ``sign``); the rest readable."""
    out: dict[sympy.Symbol, sympy.Rational] = {}
    for sym in ordered:
        if sym in out:
            continue
        spec, kind = kind_of(table, sym)
        matrix = spec is not None and spec.kind.is_matrix
        if sym in exponents:
            if matrix:
                out.update(_draw_matrix(spec, rng, 1.0, "far", exponents[sym]))
                continue
            value = far_scalar(kind, rng, exponents[sym])
            if kind in ("real", "integer"):
                value = sign * abs(value)
            out[sym] = sympy.Rational(value)
        elif matrix:
            out.update(_draw_matrix(spec, rng, 1.0, "simple"))
        else:
            out[sym] = sympy.Rational(draw_scalar(kind, rng, style="simple"))
    return out


def _pick(pool: Sequence[Fraction], rng: np.random.Generator) -> Fraction:
    return pool[int(rng.integers(0, len(pool)))]


def _rational(value: float) -> Fraction:
    """``value`` rounded to three significant decimal digits, as an exact fraction (readable)."""
    return Fraction(format(float(value), ".3g"))


def _clamp(value: Fraction, lo: Fraction, hi: Fraction) -> Fraction:
    return min(max(value, lo), hi)


#: Values where textbook inequalities are tight (log x <= x - 1 at 1, e^x >= 1 + x at 0, p(1-p)
#: <= 1/4 at 1/2, x log x >= -1/e at 1/e), per kind: random points almost never hit them.
def _values(*texts: str) -> tuple[sympy.Expr, ...]:
    return tuple(sympy.sympify(t, rational=True) for t in texts)


_PIVOTS: dict[str, tuple[sympy.Expr, ...]] = {
    "real": _values("0", "1", "-1", "1/2", "2", "3", "-3", "10", "-10", "100", "-100"),
    "positive": _values("1", "1/2", "2", "exp(-1)", "E", "3", "10", "100"),
    "nonnegative": _values("0", "1", "1/2", "2", "10", "100"),
    "negative": _values("-1", "-1/2", "-2", "-3", "-10", "-100"),
    "nonpositive": _values("0", "-1", "-1/2", "-2", "-10"),
    "integer": _values("0", "1", "-1", "2", "-2", "3", "10", "-10"),
    "positive integer": _values("1", "2", "3", "10", "100"),
    "negative integer": _values("-1", "-2", "-3", "-10"),
    "nonnegative integer": _values("0", "1", "2", "3", "10"),
    "probability": _values("1/2", "1/4", "3/4", "1/3", "2/3", "1/10", "9/10"),
}
_MAX_PIVOTS = 40


def pivot_points(table: SymbolTable | None, symbols: Iterable[sympy.Symbol]) -> list[dict[sympy.Symbol, sympy.Expr]]:
    """Points where inequalities are typically tight: every scalar at one pivot value of its kind
    (all at the same position of their pools, then, for up to 3 scalars, every combination),
    square matrices at the identity, vectors at 0.

    The values are exact (``exp(-1)`` included). At most `_MAX_PIVOTS` points, in a fixed order.
    """
    scalars: list[tuple[sympy.Symbol, tuple[sympy.Expr, ...]]] = []
    fixed: dict[sympy.Symbol, sympy.Expr] = {}  # identity matrices, zero vectors
    other: dict[sympy.Symbol, sympy.Expr] = {}  # zero (singular) or 2I matrices, vectors of ones
    for sym in sorted(set(symbols), key=sympy.default_sort_key):
        if sym in fixed:
            continue
        spec, kind = kind_of(table, sym)
        if spec is not None and spec.kind.is_matrix:
            n, m = spec.kind.rows, spec.kind.cols
            spd = spec.kind.base == "spd"
            for i in range(n):
                for j in range(m):
                    entry = spec.obj[i, j]  # type: ignore[index]
                    diagonal = i == j and n == m
                    fixed.setdefault(entry, sympy.Integer(1 if diagonal else 0))
                    other.setdefault(entry, sympy.Integer(2 if (diagonal and spd) else 0 if n == m else 1))
            continue
        pool = _PIVOTS.get(kind, _values("1/2"))
        scalars.append((sym, pool))
    points: list[dict[sympy.Symbol, sympy.Expr]] = []
    depth = max((len(pool) for _, pool in scalars), default=1)
    for k in range(depth):
        points.append({**fixed, **{sym: pool[min(k, len(pool) - 1)] for sym, pool in scalars}})
    if other:
        points += [{**other, **{sym: pool[min(k, len(pool) - 1)] for sym, pool in scalars}} for k in range(2)]
    if 1 < len(scalars) <= 3:
        for combo in itertools.product(*(pool[:3] for _, pool in scalars)):
            points.append({**fixed, **dict(zip((sym for sym, _ in scalars), combo, strict=True))})
    unique: list[dict[sympy.Symbol, sympy.Expr]] = []
    for p in points:
        if p not in unique:
            unique.append(p)
    return unique[:_MAX_PIVOTS]


#: What an exact number must be to stand for a scalar of each kind (probability: also below 1).
_KIND_FACTS: dict[str, tuple[str, ...]] = {
    "real": ("real",),
    "positive": ("positive",),
    "nonnegative": ("nonnegative",),
    "negative": ("negative",),
    "nonpositive": ("nonpositive",),
    "integer": ("integer",),
    "positive integer": ("integer", "positive"),
    "negative integer": ("integer", "negative"),
    "nonnegative integer": ("integer", "nonnegative"),
    "probability": ("positive",),
}


def allows(kind: str, value: sympy.Expr) -> bool:
    """Whether the exact number ``value`` (a solved root, a critical point) may stand for a
    scalar of ``kind``. sympy's assumptions decide; where they cannot, a 30-digit value clear of
    the boundary does (integrality is never taken from a numeric value).
    """
    facts = _KIND_FACTS.get(kind)
    if facts is None:
        return False
    checks = [(fact, value) for fact in facts]
    if kind == "probability":
        checks.append(("positive", 1 - value))
    for fact, subject in checks:
        known = getattr(subject, f"is_{fact}")
        if not (known if known is not None else _numerically(fact, subject)):
            return False
    return True


def _numerically(fact: str, value: sympy.Expr) -> bool:
    try:
        v = complex(sympy.N(value, 30))
    except (TypeError, ValueError):
        return False
    margin = 1e-20 * max(1.0, abs(v))
    if abs(v.imag) > margin:
        return False
    x = v.real
    return {
        "real": True,
        "positive": x > margin,
        "nonnegative": x > margin,  # 0 itself must be shown exactly
        "negative": x < -margin,
        "nonpositive": x < -margin,
    }.get(fact, False)
