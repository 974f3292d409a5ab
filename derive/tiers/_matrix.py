"""Exact zero test for rational functions with many nested inverses (matrix identities).

A claim such as Woodbury's ``inv(A + UCV) = inv(A) - inv(A) U inv(inv(C) + V inv(A) U) V inv(A)``
reaches the symbolic tier with every inverse already written out as adjugate / determinant
(`derive.language._grammar`), so each entry is a rational function of the matrix entries with
determinants nested several levels deep. ``cancel`` or ``simplify`` on such an entry runs
a multivariate gcd at every step and took minutes; this module decides the same question,
"is lhs - rhs the zero rational function", with polynomial multiplication only.

Every value is kept as ``n / d * D_1^e_1 * ... * D_k^e_k``: ``n`` an integer polynomial,
``d`` a positive integer and the ``D_i`` the distinct denominators met so far (the
determinants the inverses divide by), with integer exponents. Products add exponents;
a sum pulls out the smaller exponent of each ``D_i`` and adds the cofactors; an inverse
turns its numerator into a new ``D_i`` after dividing out the ones already known (exact
division, so that a determinant built from known ones stays small). Nothing here is a
heuristic for the verdict: the value is zero exactly when its ``n`` is the zero
polynomial, since no ``D_i`` is zero (an inverse of the zero polynomial gives up). The
factoring only keeps the polynomials small.

What a zero proves: the two sides are the same rational function, so they are equal at
every point where both are defined (every inverse in them exists). A nonzero ``n`` proves
the sides differ as rational functions, hence on a dense open set of every admissible
region (declared kinds are open sets, or integers, where a nonzero polynomial cannot
vanish everywhere); that is no counterexample, which the numeric tier finds.
"""

from __future__ import annotations

import heapq
import math
import random
from dataclasses import dataclass

import sympy
from sympy.polys.rings import PolyElement, PolyRing, ring

__all__ = ["RationalZero", "rational_zero"]

_MAX_SYMBOLS = 64
_DIVISION_STEPS = 200_000  # per exact division; past it the factor is just not divided out


@dataclass(frozen=True)
class RationalZero:
    """The answer of `rational_zero`: all entries zero, or the first that is not."""

    zero: bool
    nonzero_entry: int | None
    denominators: int  # distinct denominators D_i met (determinants of the inverses)
    why: str = ""  # for a nonzero entry: what showed it


class _NotRationalError(Exception):
    """The expression is not a rational function of its symbols (or divides by 0)."""


def _exquo(n: PolyElement, a: PolyElement, budget: int) -> PolyElement | None:
    """n / a when a divides n exactly in Z[x], else None (also when ``budget`` steps run out).

    Division by leading terms in lex order with a heap of the remainder's monomials:
    sympy's ``div`` recomputes the leading term with a scan of the whole remainder at each
    step, which made a 1000-term division take seconds.
    """
    lead = max(a)
    lead_c = a[lead]
    rest = [(m, c) for m, c in a.items() if m != lead]
    rem = dict(n)
    heap = [tuple(-e for e in m) for m in rem]
    heapq.heapify(heap)
    quotient: dict[tuple[int, ...], int] = {}
    while rem:
        budget -= 1
        if budget < 0:
            return None
        m = tuple(-e for e in heapq.heappop(heap))
        c = rem.pop(m, 0)
        if not c:
            continue  # a stale heap entry: that monomial cancelled earlier
        qm = tuple(x - y for x, y in zip(m, lead, strict=True))
        if min(qm) < 0 or c % lead_c:
            return None
        qc = c // lead_c
        quotient[qm] = qc
        for am, ac in rest:
            mm = tuple(x + y for x, y in zip(am, qm, strict=True))
            old = rem.get(mm, 0)
            new = old - qc * ac
            if new:
                if not old:
                    heapq.heappush(heap, tuple(-e for e in mm))
                rem[mm] = new
            elif old:
                del rem[mm]
    return n.ring.from_dict(quotient)


class _Field:
    """Values ``(n, d, exps)`` meaning ``n / d * prod D_i^exps[i]``, with the known D_i."""

    def __init__(self, symbols: list[sympy.Symbol]) -> None:
        self.ring: PolyRing = ring(symbols, sympy.ZZ)[0]
        self.gens = dict(zip(symbols, self.ring.gens, strict=True))
        self.atoms: list[PolyElement] = []
        self._index: dict[PolyElement, int] = {}
        self._powers: dict[tuple[int, int], PolyElement] = {}
        self._memo: dict[sympy.Basic, tuple] = {}

    def _power(self, k: int, e: int) -> PolyElement:
        key = (k, e)
        out = self._powers.get(key)
        if out is None:
            out = self._powers[key] = self.atoms[k] ** e
        return out

    def _times_atoms(self, n: PolyElement, exps: dict[int, int]) -> PolyElement:
        for k, e in exps.items():
            if e:
                n = n * self._power(k, e)
        return n

    def constant(self, q: sympy.Rational) -> tuple:
        return (self.ring(int(q.p)), int(q.q), {})

    def add(self, x: tuple, y: tuple) -> tuple:
        (n1, d1, e1), (n2, d2, e2) = x, y
        if not n1:
            return y
        if not n2:
            return x
        keys = set(e1) | set(e2)
        low = {k: min(e1.get(k, 0), e2.get(k, 0)) for k in keys}
        a = self._times_atoms(n1, {k: e1.get(k, 0) - low[k] for k in keys})
        b = self._times_atoms(n2, {k: e2.get(k, 0) - low[k] for k in keys})
        d = math.lcm(d1, d2)
        n = a * (d // d1) + b * (d // d2)
        return (n, d, {k: v for k, v in low.items() if v}) if n else (self.ring(0), 1, {})

    def mul(self, x: tuple, y: tuple) -> tuple:
        (n1, d1, e1), (n2, d2, e2) = x, y
        n = n1 * n2
        if not n:
            return (self.ring(0), 1, {})
        exps = dict(e1)
        for k, v in e2.items():
            exps[k] = exps.get(k, 0) + v
        return (n, d1 * d2, {k: v for k, v in exps.items() if v})

    def inverse(self, x: tuple) -> tuple:
        n, d, e = x
        if not n:
            raise _NotRationalError("a side divides by an expression that is identically 0")
        exps = {k: -v for k, v in e.items()}
        content, n = n.primitive()
        if n.LC < 0:
            content, n = -content, -n
        for k, atom in enumerate(self.atoms):
            while not n.is_ground:
                q = _exquo(n, atom, _DIVISION_STEPS)
                if q is None:
                    break
                n = q
                exps[k] = exps.get(k, 0) - 1
        if not n.is_ground:
            k = self._index.get(n)
            if k is None:
                k = self._index[n] = len(self.atoms)
                self.atoms.append(n)
            exps[k] = exps.get(k, 0) - 1
        else:
            content *= int(n.LC)
        sign = -1 if content < 0 else 1
        return (self.ring(sign * d), abs(content), {k: v for k, v in exps.items() if v})

    def value(self, expr: sympy.Basic) -> tuple:
        out = self._memo.get(expr)
        if out is not None:
            return out
        if expr.is_Symbol:
            out = (self.gens[expr], 1, {})
        elif expr.is_Rational:
            out = self.constant(expr)
        elif expr.is_Add:
            out = (self.ring(0), 1, {})
            for arg in expr.args:
                out = self.add(out, self.value(arg))
        elif expr.is_Mul:
            out = (self.ring(1), 1, {})
            for arg in expr.args:
                out = self.mul(out, self.value(arg))
        elif expr.is_Pow and expr.exp.is_Integer:
            base, k = self.value(expr.base), int(expr.exp)
            if k < 0:
                base, k = self.inverse(base), -k
            n, d, e = base
            out = (n**k, d**k, {a: v * k for a, v in e.items()})
        else:
            raise _NotRationalError(f"{type(expr).__name__} is not a rational operation")
        self._memo[expr] = out
        return out


def _symbols(entries: list[sympy.Expr]) -> list[sympy.Symbol] | None:
    """The symbols of ``entries``, or None if a node is no rational operation.

    A walk over distinct subexpressions: the entries share their determinants, and a plain
    tree walk visited the same ones hundreds of thousands of times.
    """
    seen: set[sympy.Basic] = set()
    symbols: set[sympy.Symbol] = set()
    stack: list[sympy.Basic] = list(entries)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if node.is_Symbol:
            symbols.add(node)
        elif node.is_Add or node.is_Mul:
            stack.extend(node.args)
        elif node.is_Pow and node.exp.is_Integer:
            stack.append(node.base)
        elif not node.is_Rational:
            return None
    return sorted(symbols, key=sympy.default_sort_key)


def has_inverse(expr: sympy.Basic) -> bool:
    """Whether ``expr`` divides by something other than a number (a determinant, say).

    A walk over distinct subexpressions, like `_symbols`.
    """
    seen: set[sympy.Basic] = set()
    stack: list[sympy.Basic] = [expr]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if node.is_Pow and node.exp.is_Integer and node.exp.is_negative and not node.base.is_number:
            return True
        stack.extend(node.args)
    return False


#: The modular screen: a Mersenne prime, and how many points to try before the exact test.
_PRIME = 2**61 - 1
_SCREEN_POINTS = 3


def _modular(expr: sympy.Basic, point: dict[sympy.Symbol, int], memo: dict[sympy.Basic, int]) -> int:
    """``expr`` at an integer point, modulo `_PRIME` (raises ZeroDivisionError on a zero divisor)."""
    out = memo.get(expr)
    if out is not None:
        return out
    if expr.is_Symbol:
        out = point[expr]
    elif expr.is_Rational:
        out = int(expr.p) * pow(int(expr.q), -1, _PRIME) % _PRIME
    elif expr.is_Add:
        out = sum(_modular(a, point, memo) for a in expr.args) % _PRIME
    elif expr.is_Mul:
        out = 1
        for a in expr.args:
            out = out * _modular(a, point, memo) % _PRIME
    else:  # an integer power, as `_symbols` checked
        base, k = _modular(expr.base, point, memo), int(expr.exp)
        if k < 0 and base == 0:
            raise ZeroDivisionError
        out = pow(base, k, _PRIME)
    memo[expr] = out
    return out


def _screen(entries: list[sympy.Expr], symbols: list[sympy.Symbol]) -> int | None:
    """The first entry shown nonzero by its value mod a prime at an integer point, if any.

    A nonzero value there, with no divisor 0 on the way, proves the numerator is not the zero
    polynomial: exact, and far cheaper than expanding a wrong identity's numerators. A zero
    says nothing (it happens by chance with probability about degree / 2^61).
    """
    rng = random.Random(0)  # noqa: S311 (fixed seed: the same claim always gets the same evidence)
    for _ in range(_SCREEN_POINTS):
        point = {s: rng.randrange(1, _PRIME) for s in symbols}
        memo: dict[sympy.Basic, int] = {}
        try:
            values = [_modular(e, point, memo) for e in entries]
        except (ZeroDivisionError, ValueError):  # a divisor 0 mod p (ValueError: a constant's)
            continue
        for i, v in enumerate(values):
            if v:
                return i
    return None


def rational_zero(entries: list[sympy.Expr]) -> RationalZero | None:
    """Whether every entry is the zero rational function; None if one is not rational.

    Exact: integer polynomial arithmetic, after a screen modulo a prime that can only show
    an entry nonzero. Callers bound the time (the tier's alarm).
    """
    symbols = _symbols(entries)
    if not symbols or len(symbols) > _MAX_SYMBOLS:
        return None
    nonzero = _screen(entries, symbols)
    if nonzero is not None:
        return RationalZero(False, nonzero, 0, "its value at an integer point is not 0 modulo the prime 2^61 - 1")
    field = _Field(symbols)
    try:
        for i, entry in enumerate(entries):
            if field.value(entry)[0]:
                why = "its numerator, with the inverses' determinants cleared, is not the zero polynomial"
                return RationalZero(False, i, len(field.atoms), why)
    except _NotRationalError:
        return None
    return RationalZero(True, None, len(field.atoms))


def spd_trace_form(g: sympy.Expr, table: object) -> str | None:
    """Why ``g > 0`` for every admissible value, when ``g`` is ``tr(C_1 S_1) + ... + c`` with PSD ``C_k``.

    ``g`` must be of degree one in the entries of matrices declared SPD, with no other symbol:
    then ``g = sum_k tr(C_k S_k) + c`` for symmetric rational ``C_k`` read off the coefficients
    (an off-diagonal symbol stands for two entries). ``tr(C S) = tr(S^1/2 C S^1/2)`` is positive
    for a positive definite ``S`` and a nonzero positive semidefinite ``C``, so ``g > 0`` when
    every ``C_k`` is PSD (checked exactly), one is nonzero, and ``c >= 0``. This is how
    ``x^T S x > 0`` for a fixed nonzero x reaches the tier: ``S[1,1] - 2 S[1,2] + S[2,2]``.
    None when the form does not apply; it never shows ``g`` negative.
    """
    specs = [s for s in getattr(table, "values", list)() if getattr(s.kind, "base", None) == "spd"]
    owner = {e: spec for spec in specs for e in spec.entries}
    if not g.free_symbols or not g.free_symbols <= set(owner):
        return None
    try:
        poly = sympy.Poly(g, *sorted(g.free_symbols, key=sympy.default_sort_key))
    except sympy.PolynomialError:
        return None
    if poly.total_degree() > 1 or not all(c.is_Rational for c in poly.coeffs()):
        return None
    constant = poly.coeff_monomial(1)
    if constant < 0:
        return None
    forms: list[str] = []
    names: list[str] = []
    for spec in specs:
        n = spec.obj.shape[0]
        c = sympy.zeros(n, n)
        for i in range(n):
            for j in range(i, n):
                coeff = poly.coeff_monomial(spec.obj[i, j]) if spec.obj[i, j] in g.free_symbols else 0
                c[i, j] = c[j, i] = coeff if i == j else sympy.Rational(coeff, 2)
        if c.is_zero_matrix:
            continue
        if c.is_positive_semidefinite is not True:
            return None
        forms.append(f"tr(C {spec.name}) with C = {c.tolist()} positive semidefinite")
        names.append(spec.name)
    if not forms:
        return None
    shift = f" + {constant}" if constant else ""
    return f"the difference is {' + '.join(forms)}{shift}, positive for positive definite {', '.join(names)}"
