"""Where an inequality is tightest: exact sign analysis, limits, and a numerical margin search.

Random and far points almost never hit the place where an inequality fails if that place is
a single point or a curve: ``(x*y - 0.52)**2 > 0`` fails exactly on x*y = 13/25, and
``(x - cos(2*x))**2 >= 1e-40`` only within 1e-20 of x = 0.5149..., a point sympy cannot
solve for. This module proposes *exact* candidate points; `derive.tiers.numeric` judges each with
its certified ladder, so nothing here decides a verdict on floating-point evidence.

* `sign_points`: for one free scalar and a difference ``g`` rational in it, the real roots
  of g's numerator and denominator (sympy, exact) cut the kind's domain into intervals where
  g keeps its sign; one exact point per interval plus the roots themselves decide the claim
  (``complete``).
* `end_limits`: sympy's limit of g at the ends of the kind's domain (oo, -oo, 0+, 1-), with
  points walking out towards each end (10**k): a limit on the wrong side is confirmed there,
  a limit exactly on the boundary is reported (a strict inequality can hide a failure there).
* `MarginSearch`: multi-start Nelder-Mead on the signed margin (lhs - rhs or rhs - lhs) in
  mpmath, over an unconstrained reparametrisation that respects every kind (positive x =
  e^u, probability = sigmoid(u), reals through sinh so far values are reachable), then
  Newton on the gradient at high precision, then rational points near each minimiser: a
  snap to small denominators (where the margin may be exactly 0) and the minimiser itself to
  as many digits as the claim's numbers need (where it may be certifiably negative).

The expression is compiled to mpmath by walking its tree against a table of functions:
nothing is evaluated as code. A node outside the table makes the search decline (and say so).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
import sympy

from derive.language._exact import HugePower
from derive.language.functions import logit, sigmoid, softplus
from derive.tiers.symbolic import bounded

__all__ = [
    "MarginSearch",
    "Minimum",
    "UnsupportedError",
    "compile_mp",
    "end_limits",
    "positive_near",
    "real_value",
    "sign_points",
    "walk",
]

_EVALS_PER_START = 160  # Nelder-Mead evaluations per start point
_clock = time.process_time  # the search's budget is CPU time (see MarginSearch.run)
_SEARCH_DPS = 30  # working digits of the coarse search
_UNSETTLED = mpmath.mpf(10) ** -6  # a positive margin this small (relative) is not a settled minimum
_GRADIENT_DIM = 12  # Newton on the gradient refines minimisers in up to this many scalars
_SNAP_DENOMINATORS = (1, 2, 4, 10, 100, 1000)  # for all but one coordinate
_LAST_DENOMINATORS = (1, 10, 100, 1000, 10**4, 10**6, 10**9)  # for the last coordinate


class UnsupportedError(Exception):
    """The expression has a node the mpmath compiler does not know."""


# ---------------------------------------------------------------------------------------
# A tree-walking compiler to mpmath closures (no code is generated or evaluated).

_Fn = Callable[[Sequence[mpmath.mpf]], mpmath.mpf]


def _sigmoid(x: mpmath.mpf) -> mpmath.mpf:
    return 1 / (1 + mpmath.exp(-x))


def _softplus(x: mpmath.mpf) -> mpmath.mpf:
    return x + mpmath.log1p(mpmath.exp(-x)) if x > 0 else mpmath.log1p(mpmath.exp(x))


_UNARY: dict[type, Callable[[mpmath.mpf], mpmath.mpf]] = {
    sympy.exp: mpmath.exp,
    sympy.sin: mpmath.sin,
    sympy.cos: mpmath.cos,
    sympy.tan: mpmath.tan,
    sympy.asin: mpmath.asin,
    sympy.acos: mpmath.acos,
    sympy.atan: mpmath.atan,
    sympy.sinh: mpmath.sinh,
    sympy.cosh: mpmath.cosh,
    sympy.tanh: mpmath.tanh,
    sympy.asinh: mpmath.asinh,
    sympy.acosh: mpmath.acosh,
    sympy.atanh: mpmath.atanh,
    sympy.erf: mpmath.erf,
    sympy.erfc: mpmath.erfc,
    sympy.erfi: mpmath.erfi,
    sympy.gamma: mpmath.gamma,
    sympy.loggamma: mpmath.loggamma,
    sympy.factorial: lambda x: mpmath.gamma(x + 1),
    sympy.Abs: abs,
    sympy.sign: mpmath.sign,
    sympy.floor: mpmath.floor,
    sympy.ceiling: mpmath.ceil,
    sympy.Heaviside: lambda x: mpmath.mpf(1) if x > 0 else (mpmath.mpf(0) if x < 0 else mpmath.mpf(1) / 2),
    sigmoid: _sigmoid,
    softplus: _softplus,
    logit: lambda p: mpmath.log(p / (1 - p)),
}


def compile_mp(expr: sympy.Basic, symbols: Sequence[sympy.Symbol], extra: dict | None = None) -> _Fn:
    """A closure computing ``expr`` at mpmath values of ``symbols`` (at the caller's mp.dps).

    ``extra`` maps further sympy function classes to mpmath functions of one argument. The
    closure raises (ValueError, ZeroDivisionError, ...) or returns a complex number where the
    expression has no real value; callers treat both as "no value here".
    """
    index = {s: i for i, s in enumerate(symbols)}
    table = {**_UNARY, **(extra or {})}
    return _compile(sympy.sympify(expr), index, table)


def _compile(node: sympy.Basic, index: dict, table: dict) -> _Fn:
    if isinstance(node, sympy.Symbol):
        if node not in index:
            raise UnsupportedError(f"free symbol {node}")
        i = index[node]
        return lambda v: v[i]
    if isinstance(node, sympy.Rational):
        p, q = int(node.p), int(node.q)
        return lambda v: mpmath.mpf(p) / q
    if node is sympy.pi:
        return lambda v: +mpmath.pi
    if node is sympy.E:
        return lambda v: mpmath.e + 0
    if isinstance(node, sympy.Float):
        text = str(node)
        return lambda v: mpmath.mpf(text)
    if isinstance(node, sympy.Add):
        parts = [_compile(a, index, table) for a in node.args]
        return lambda v: mpmath.fsum(f(v) for f in parts)
    if isinstance(node, sympy.Mul):
        parts = [_compile(a, index, table) for a in node.args]
        return lambda v: mpmath.fprod(f(v) for f in parts)
    if isinstance(node, (sympy.Pow, HugePower)):
        base, exp = (_compile(a, index, table) for a in node.args)
        if node.args[1] == sympy.S.Half:
            return lambda v: mpmath.sqrt(base(v))
        return lambda v: mpmath.power(base(v), exp(v))
    if isinstance(node, sympy.log):
        one, rest = node.args[0].as_coeff_Add()
        if len(node.args) == 1 and one == 1 and rest.free_symbols:
            # log(1 + u) through log1p: u = exp(-74) lost its 33 digits in 1 + u, and the noise
            # passed for a margin of -1e-72 where it is +1e-64.
            tail = _compile(rest, index, table)
            return lambda v: mpmath.log1p(tail(v))
        parts = [_compile(a, index, table) for a in node.args]
        if len(parts) == 1:
            return lambda v: mpmath.log(parts[0](v))
        return lambda v: mpmath.log(parts[0](v)) / mpmath.log(parts[1](v))
    if isinstance(node, (sympy.Max, sympy.Min)):
        parts = [_compile(a, index, table) for a in node.args]
        pick = max if isinstance(node, sympy.Max) else min
        return lambda v: pick(f(v) for f in parts)
    if isinstance(node, sympy.Piecewise):
        branches = [(_compile(e, index, table), _condition(c, index, table)) for e, c in node.args]

        def piecewise(v: Sequence[mpmath.mpf]) -> mpmath.mpf:
            for f, cond in branches:
                if cond(v):
                    return f(v)
            raise ValueError("no branch")

        return piecewise
    if isinstance(node, sympy.polygamma):  # the derivative of gamma, for Newton on the gradient
        m, z = (_compile(a, index, table) for a in node.args)
        return lambda v: mpmath.polygamma(m(v), z(v))
    if isinstance(node, sympy.binomial):
        n, k = (_compile(a, index, table) for a in node.args)
        return lambda v: mpmath.binomial(n(v), k(v))
    for cls, fn in table.items():
        if isinstance(node, cls) and len(node.args) == 1:
            arg = _compile(node.args[0], index, table)
            return lambda v, fn=fn: fn(arg(v))
    raise UnsupportedError(type(node).__name__)


def _condition(cond: sympy.Basic, index: dict, table: dict) -> Callable[[Sequence[mpmath.mpf]], bool]:
    if cond is sympy.true:
        return lambda v: True
    if cond is sympy.false:
        return lambda v: False
    if isinstance(cond, (sympy.And, sympy.Or)):
        parts = [_condition(c, index, table) for c in cond.args]
        join = all if isinstance(cond, sympy.And) else any
        return lambda v: join(p(v) for p in parts)
    if isinstance(cond, sympy.Not):
        inner = _condition(cond.args[0], index, table)
        return lambda v: not inner(v)
    ops = {
        sympy.StrictLessThan: lambda a, b: a < b,
        sympy.LessThan: lambda a, b: a <= b,
        sympy.StrictGreaterThan: lambda a, b: a > b,
        sympy.GreaterThan: lambda a, b: a >= b,
        sympy.Eq: lambda a, b: a == b,
        sympy.Ne: lambda a, b: a != b,
    }
    for cls, op in ops.items():
        if isinstance(cond, cls):
            a, b = (_compile(x, index, table) for x in cond.args)
            return lambda v, op=op: bool(op(a(v), b(v)))
    raise UnsupportedError(type(cond).__name__)


def real_value(fn: _Fn, values: Sequence[mpmath.mpf]) -> mpmath.mpf | None:
    """``fn`` at ``values``, or None where it has no finite real value."""
    try:
        out = fn(values)
    except (ValueError, ZeroDivisionError, OverflowError, TypeError, ArithmeticError):
        return None
    if isinstance(out, mpmath.mpc):
        if abs(out.imag) > mpmath.mpf(10) ** (-(mpmath.mp.dps // 2)) * max(1, abs(out)):
            return None
        out = out.real
    if not isinstance(out, mpmath.mpf) or not mpmath.isfinite(out):
        return None
    return out


# ---------------------------------------------------------------------------------------
# Reparametrisation: an unconstrained u per scalar, mapped into its kind's domain.

_POSITIVE = ("positive", "nonnegative", "positive integer", "nonnegative integer")
_NEGATIVE = ("negative", "nonpositive", "negative integer")


#: |u| stays below this: |x| up to about 1e40, probabilities down to 1e-40 from 0 and 1. Further
#: out, cos(x) alone costs as many digits of pi as x has (x = 1e46883 never returns).
_U_MAX = 92
_X_MAX = mpmath.mpf(10) ** 41


def to_x(kind: str, u: mpmath.mpf, *, clamp: bool = True) -> mpmath.mpf:
    if clamp:
        u = max(-_U_MAX, min(u, _U_MAX))
    if kind in _POSITIVE:
        return mpmath.exp(u)
    if kind in _NEGATIVE:
        return -mpmath.exp(u)
    if kind == "probability":
        return _sigmoid(u)
    return mpmath.sinh(u)  # real, integer: sinh reaches far values with moderate steps


def to_u(kind: str, x: mpmath.mpf) -> mpmath.mpf | None:
    try:
        if kind in _POSITIVE:
            return mpmath.log(x) if x > 0 else None
        if kind in _NEGATIVE:
            return mpmath.log(-x) if x < 0 else None
        if kind == "probability":
            return mpmath.log(x / (1 - x)) if 0 < x < 1 else None
        return mpmath.asinh(x)
    except (ValueError, ZeroDivisionError):
        return None


def _dec(x: mpmath.mpf, digits: int) -> str:
    """``x`` to ``digits`` significant digits, as decimal text (read exactly by Rational/Fraction)."""
    with mpmath.workdps(digits + 5):
        return mpmath.nstr(x, digits, strip_zeros=True)


def respects(kind: str, x: sympy.Rational) -> bool:
    if kind in ("integer", "positive integer", "negative integer", "nonnegative integer") and not x.is_integer:
        return False
    if kind in ("positive", "positive integer"):
        return x > 0
    if kind in ("nonnegative", "nonnegative integer"):
        return x >= 0
    if kind in ("negative", "negative integer"):
        return x < 0
    if kind == "nonpositive":
        return x <= 0
    if kind == "probability":
        return 0 < x < 1
    return True


# ---------------------------------------------------------------------------------------
# The search.


@dataclass(frozen=True)
class Minimum:
    """A local minimum of the margin, refined: what `derive.tiers.numeric` judges.

    ``values``: the minimiser as exact rationals to ``digits`` digits; ``margin``: the
    margin there (relative to the sides at the start point); ``state``: "negative" (below
    minus the search's precision), "zero" (within it: the sides meet there, as far as
    ``digits`` digits can tell) or "positive"; ``snaps``: small-denominator points on the
    zero set near it, where the margin may be exactly 0; ``where``: the minimiser, readable.
    """

    values: dict[sympy.Symbol, sympy.Expr]
    margin: float
    state: str
    snaps: tuple[dict[sympy.Symbol, sympy.Expr], ...]
    where: str
    near: tuple[float, ...]  # the minimiser as floats, to find exact pivots next to it
    #: For an "end": exact points on the way there from the start (halfway, a quarter, ...
    #: from the end), where the ladder can still tell a small margin's sign.
    retreat: tuple[dict[sympy.Symbol, sympy.Expr], ...] = ()
    #: For a minimiser at the search's bound (|u| = `_U_MAX`: x = 1e-40 or 1e40): exact points
    #: further out along those coordinates (1e-80 ... 1e-320), where the margin may go on falling.
    beyond: tuple[dict[sympy.Symbol, sympy.Expr], ...] = ()
    #: Newton brought the gradient to 0 there: a smooth minimum, not one the search stopped short of.
    settled: bool = False


@dataclass
class MarginSearch:
    """Multi-start minimisation of ``sense * (lhs - rhs)`` over ``variables`` (symbol, kind).

    ``digits`` is how many digits each minimiser is refined to (enough for the claim's own
    numbers to show: a margin of -1e-40 needs a point within 1e-20 of a zero of x - cos 2x).
    """

    lhs: sympy.Expr
    rhs: sympy.Expr
    sense: int
    variables: list[tuple[sympy.Symbol, str]]
    digits: int
    extra: dict = field(default_factory=dict)
    starts_used: int = 0
    best: Minimum | None = None  # the smallest margin found
    cut_short: bool = False  # the deadline stopped the search before every start was tried and refined

    def __post_init__(self) -> None:
        syms = [s for s, _ in self.variables]
        self._syms = syms
        self._kinds = [k for _, k in self.variables]
        g = self.sense * (self.lhs - self.rhs)
        self._g = compile_mp(g, syms, self.extra)
        self._sides = (compile_mp(self.lhs, syms, self.extra), compile_mp(self.rhs, syms, self.extra))
        self._grad: list[_Fn] | None = None
        if len(syms) <= _GRADIENT_DIM:
            try:
                self._grad = [compile_mp(sympy.diff(g, s), syms, self.extra) for s in syms]
            except (UnsupportedError, ValueError, TypeError, NotImplementedError):
                self._grad = None

    # -- public ------------------------------------------------------------------------

    def run(self, starts: Sequence[dict[sympy.Symbol, sympy.Expr]], deadline: float) -> list[Minimum]:
        """Refined local minima from ``starts`` found within ``deadline - now`` seconds of CPU time:
        a negative one alone as soon as it is found, else the three lowest. ``cut_short`` says
        whether the budget (or a wall-time cap of four times it) stopped the search early."""
        coarse: list[tuple[mpmath.mpf, list[mpmath.mpf], mpmath.mpf, list[mpmath.mpf]]] = []
        # The budget is CPU time, so a loaded machine gets the same search as a quiet one, only
        # slower; a wall-time cap still stops it (and says so) when the load is extreme.
        budget = max(0.0, deadline - time.perf_counter())
        wall_cap = time.perf_counter() + 4 * budget + 1.0
        now = _clock()
        deadline = now + budget
        # Refining and snapping the minima gets the last 40% of the time.
        coarse_deadline = now + 0.6 * budget
        with mpmath.workdps(_SEARCH_DPS):
            for start in starts:
                if _clock() > coarse_deadline or time.perf_counter() > wall_cap:
                    self.cut_short = True
                    break
                xs = self._start(start)
                if xs is None:
                    continue
                self.starts_used += 1
                scale = self._scale(xs)
                best = self._nelder_mead(xs, scale, coarse_deadline)
                if best is None:
                    continue
                coarse.append((best[0], best[1], scale, xs))
                if best[0] < -(mpmath.mpf(10) ** -20) * scale:
                    break  # a failure candidate: refine and judge it before spending more
        coarse.sort(key=lambda m: (m[0] >= 0, m[0] / m[2]))
        out: list[Minimum] = []
        for _, x, scale, origin in coarse[:3]:
            if (_clock() > deadline or time.perf_counter() > wall_cap) and out:
                self.cut_short = True
                break
            found = self._refine(x, scale, deadline, origin)
            if found is None:
                continue
            out.append(found)
            if self.best is None or found.margin < self.best.margin:
                self.best = found
            if found.state == "negative":
                break
        return out

    def _refine(
        self, x: list[mpmath.mpf], scale: mpmath.mpf, deadline: float, origin: list[mpmath.mpf]
    ) -> Minimum | None:
        with mpmath.workdps(self.digits + 10):
            x = [mpmath.mpf(v) for v in x]
            point = self._polish(x, range(len(x)))
            v = real_value(self._g, point)
            if v is None:
                return None
            if v > 0 and v <= mpmath.mpf(10) ** -8 * scale:
                # A degenerate minimum (a curve of them): Newton along one axis at a time.
                for i in range(len(point)):
                    other = self._polish(point, [i])
                    w = real_value(self._g, other)
                    if w is not None and w < v:
                        point, v = other, w
            # Rounding noise scales with the sides where they are evaluated (AM-GM for three x_i near
            # 1.6e23 came out at -1.6e-47 of the start's size), not with a far start's: x**x from
            # x = 40 (sides 1e64) made the gap of 6e-7 at x = 1/e look like 0. Sides that vanish
            # at the point still count as size min(start, 1): x**2 + y**2 meets 0 at the origin.
            scale = max(self._scale(point), min(scale, mpmath.mpf(1)))
            precision = mpmath.mpf(10) ** -(self.digits - 10) * scale
            values = self._readable(point, precision) or self._exact(point, self.digits)
            if values is None:
                return None
            # Judged on the exact point itself where it exists (integers rounded).
            at = self._at(values, self.digits + 10)
            v = at if at is not None else v
            state = "negative" if v < -precision else "zero" if v <= precision else "positive"
            if state == "zero" and self._at_an_end(point, v, origin, precision):
                state = "end"
            elif state == "positive" and v <= _UNSETTLED * scale and self._at_an_end(point, v, origin, precision):
                # Still on its way down towards an end where the margin only tends to 0 (x'Sx as S
                # nears singular): an end too, not a settled positive minimum.
                state = "end"
            snaps: tuple = ()
            if abs(v) <= _UNSETTLED * scale:
                # Snapping is what turns a meeting point into a decision: it always gets a little time.
                snaps = tuple(self._snaps(point, scale, max(deadline, _clock() + 0.3)))
            where = ", ".join(f"{s} = {mpmath.nstr(p, 8)}" for s, p in zip(self._syms, point, strict=True))
            rel = float(v / scale) if scale else float(v)
            retreat = tuple(self._retreat(origin, point)) if state == "end" else ()
            beyond = tuple(self._beyond(point))
            near = tuple(float(p) for p in point)
            return Minimum(values, rel, state, snaps, where, near, retreat, beyond, self._stationary(point, scale))

    def _stationary(self, point: list[mpmath.mpf], scale: mpmath.mpf) -> bool:
        """Whether Newton brought the gradient to 0 at ``point`` (to a third of the digits): a
        smooth minimum, settled; not a kink, nor a point the search stopped short of."""
        if self._grad is None:
            return False
        tolerance = mpmath.mpf(10) ** -(self.digits // 3) * max(scale, 1)
        size = max([mpmath.mpf(1)] + [abs(p) for p in point])
        for f in self._grad:
            d = real_value(f, point)
            if d is None or abs(d) * size > tolerance:
                return False
        return True

    def _beyond(self, point: list[mpmath.mpf]) -> list[dict[sympy.Symbol, sympy.Expr]]:
        """Exact points past the search's bound towards 0 along the coordinates that reached it (u
        doubled, and more): log(x*y) > -1000 fails only below x*y = 1e-434, far past x = 1e-40."""
        us = [to_u(k, x) for k, x in zip(self._kinds, point, strict=True)]
        # Only towards 0 (positive or negative kinds): further out, far points look, and cos(x) at
        # x = 1e320 costs 320 digits of pi.
        bound = [
            i
            for i, (u, k) in enumerate(zip(us, self._kinds, strict=True))
            if u is not None and u <= 1 - _U_MAX and (k in _POSITIVE or k in _NEGATIVE)
        ]
        if not bound:
            return []
        out = []
        for factor in (2, 4, 8):
            xs = list(point)
            for i in bound:
                xs[i] = to_x(self._kinds[i], us[i] * factor, clamp=False)
            values = self._exact(xs, 30)
            if values is not None:
                out.append(values)
        return out

    def _readable(self, point: list[mpmath.mpf], precision: mpmath.mpf) -> dict[sympy.Symbol, sympy.Expr] | None:
        """The minimiser to the fewest digits (3, 6, 15, 30) at which the margin is still clearly
        negative: a counterexample a reader can check. None where it is not negative."""
        for digits in (3, 6, 15, 30):
            values = self._exact(point, digits)
            if values is None:
                continue
            at = self._at(values, self.digits + 10)
            if at is not None and at < -precision:
                return values
        return None

    def _retreat(self, origin: list[mpmath.mpf], end: list[mpmath.mpf]) -> list[dict[sympy.Symbol, sympy.Expr]]:
        """Exact points between ``origin`` and ``end`` in u-space, from the end backwards."""
        out = []
        u0 = [to_u(k, x) for k, x in zip(self._kinds, origin, strict=True)]
        u1 = [to_u(k, x) for k, x in zip(self._kinds, end, strict=True)]
        if any(u is None for u in (*u0, *u1)):
            return out
        for t in (mpmath.mpf(3) / 4, mpmath.mpf(1) / 2, mpmath.mpf(1) / 4, mpmath.mpf(1) / 8):
            xs = [to_x(k, a + t * (b - a)) for k, a, b in zip(self._kinds, u0, u1, strict=True)]
            values = self._exact(xs, 30)
            if values is not None:
                out.append(values)
        return out

    # -- pieces --------------------------------------------------------------------------

    def _at_an_end(
        self, point: list[mpmath.mpf], v: mpmath.mpf, origin: list[mpmath.mpf], precision: mpmath.mpf
    ) -> bool:
        """Whether the margin only tends to 0 towards an end of the domain (softplus(a) - max(a, 0)
        as a -> -oo), rather than meeting 0 at ``point``.

        An end: some coordinates lower the margin further still when pushed out (u + 1 or
        u - 1), and with those brought back to where the search started, the others refined
        again, the margin is clearly above 0. ``(x - cos(2x))**2 * exp(-y)`` tends to 0 as
        y grows but also meets 0 at x = 0.5149...: brought back in y, it is still 0.
        """
        ends = []
        for i, kind in enumerate(self._kinds):
            u = to_u(kind, point[i])
            if u is None:
                continue
            for step in (1, -1):
                moved = list(point)
                moved[i] = to_x(kind, u + step)
                w = real_value(self._g, moved)
                # (the clamp at _U_MAX returns the same point, but rounded at another precision)
                if w is not None and w <= v + abs(v) * mpmath.mpf(10) ** -(_SEARCH_DPS - 5):
                    ends.append(i)
                    break
        if not ends:
            return False
        back = list(point)
        for i in ends:
            back[i] = origin[i]
        back = self._polish(back, [i for i in range(len(point)) if i not in ends])
        w = real_value(self._g, back)
        return w is not None and w > precision * 10**6

    def _start(self, start: dict[sympy.Symbol, sympy.Expr]) -> list[mpmath.mpf] | None:
        xs = []
        for s in self._syms:
            if s not in start:
                return None
            try:
                xs.append(mpmath.mpf(sympy.N(start[s], _SEARCH_DPS)))
            except (TypeError, ValueError):
                return None
        return xs

    def _scale(self, xs: list[mpmath.mpf]) -> mpmath.mpf:
        sides = [real_value(f, xs) for f in self._sides]
        known = [abs(v) for v in sides if v is not None]
        return max([*known, mpmath.mpf(10) ** -300]) if known else mpmath.mpf(1)

    def _value(self, u: list[mpmath.mpf]) -> mpmath.mpf | None:
        try:
            xs = [to_x(k, ui) for k, ui in zip(self._kinds, u, strict=True)]
        except (ValueError, OverflowError):
            return None
        return real_value(self._g, xs)

    def _nelder_mead(
        self, xs: list[mpmath.mpf], scale: mpmath.mpf, deadline: float
    ) -> tuple[mpmath.mpf, list[mpmath.mpf]] | None:
        """Nelder-Mead in u-space from ``xs``; stops early once the margin is clearly negative."""
        u0 = [to_u(k, x) for k, x in zip(self._kinds, xs, strict=True)]
        if any(u is None for u in u0):
            return None
        n = len(u0)
        simplex = [list(u0)]
        for i in range(n):
            u = list(u0)
            u[i] += max(mpmath.mpf("0.25"), abs(u[i]) / 4)
            simplex.append(u)
        inf = mpmath.inf
        values = [self._value(u) for u in simplex]
        values = [inf if v is None else v for v in values]
        evals = n + 1
        while evals < _EVALS_PER_START and _clock() < deadline:
            order = sorted(range(n + 1), key=lambda i: values[i])
            simplex = [simplex[i] for i in order]
            values = [values[i] for i in order]
            if values[0] < -(mpmath.mpf(10) ** -20) * scale:
                break
            spread = max(abs(a - b) for p in simplex[1:] for a, b in zip(p, simplex[0], strict=True))
            if spread < mpmath.mpf(10) ** -(_SEARCH_DPS - 5):
                break
            centre = [mpmath.fsum(p[i] for p in simplex[:-1]) / n for i in range(n)]
            worst = simplex[-1]

            def towards(t: float, worst: list = worst, centre: list = centre) -> list[mpmath.mpf]:
                return [c + t * (w - c) for c, w in zip(centre, worst, strict=True)]

            reflected = towards(-1)
            fr = self._value(reflected)
            evals += 1
            fr = inf if fr is None else fr
            if fr < values[0]:
                expanded = towards(-2)
                fe = self._value(expanded)
                evals += 1
                fe = inf if fe is None else fe
                simplex[-1], values[-1] = (expanded, fe) if fe < fr else (reflected, fr)
                continue
            if fr < values[-2]:
                simplex[-1], values[-1] = reflected, fr
                continue
            contracted = towards(0.5)
            fc = self._value(contracted)
            evals += 1
            fc = inf if fc is None else fc
            if fc < values[-1]:
                simplex[-1], values[-1] = contracted, fc
                continue
            simplex, values = self._shrink(simplex, values)
            evals += n
        i = min(range(n + 1), key=lambda j: values[j])
        if values[i] == inf:
            return None
        return values[i], [to_x(k, ui) for k, ui in zip(self._kinds, simplex[i], strict=True)]

    def _shrink(self, simplex: list, values: list) -> tuple[list, list]:
        """Nelder-Mead's shrink step: every vertex halfway towards the best one."""
        best = simplex[0]
        simplex = [best] + [[b + (p_i - b) / 2 for b, p_i in zip(best, p, strict=True)] for p in simplex[1:]]
        fresh = [self._value(u) for u in simplex[1:]]
        return simplex, [values[0]] + [mpmath.inf if v is None else v for v in fresh]

    def _polish(self, x: list[mpmath.mpf], free: Sequence[int]) -> list[mpmath.mpf]:
        """Newton on the gradient in the coordinates ``free`` (the others held), if it lowers the margin."""
        if self._grad is None or not free:
            return x
        start = real_value(self._g, x)
        if start is None:
            return x
        free = list(free)

        def grad(*ys: mpmath.mpf) -> list[mpmath.mpf] | mpmath.mpf:
            if any(abs(y) > _X_MAX for y in ys):
                raise ValueError("Newton left the search region")
            point = list(x)
            for i, y in zip(free, ys, strict=True):
                point[i] = y
            out = [self._grad[i](point) for i in free]
            return out[0] if len(out) == 1 else out

        try:
            root = mpmath.findroot(grad, [x[i] for i in free] if len(free) > 1 else x[free[0]])
        except (ValueError, ZeroDivisionError, TypeError, ArithmeticError):
            return x
        ys = [root] if len(free) == 1 else [root[k] for k in range(len(free))]
        point = list(x)
        for i, y in zip(free, ys, strict=True):
            if isinstance(y, mpmath.mpc):
                return x
            point[i] = y
        us = [to_u(k, p) for k, p in zip(self._kinds, point, strict=True)]
        if any(u is None or abs(u) > _U_MAX for u in us):
            return x  # outside the kind's domain, or beyond where the search may go
        value = real_value(self._g, point)
        tolerance = mpmath.mpf(10) ** -(mpmath.mp.dps // 2) * max(1, abs(start))
        return point if value is not None and value <= start + tolerance else x

    def _snaps(self, x: list[mpmath.mpf], scale: mpmath.mpf, deadline: float) -> list[dict[sympy.Symbol, sympy.Expr]]:
        """Small-denominator points on the zero set near ``x``: all coordinates but one snapped,
        the last one refined along its own axis and snapped with growing denominators."""
        n = len(x)
        out: list[dict[sympy.Symbol, sympy.Expr]] = []
        seen: set[tuple] = set()
        lasts = range(n - 1, -1, -1) if n <= 3 else (n - 1,)
        for last in lasts:
            for d in _SNAP_DENOMINATORS if n > 1 else (None,):
                if _clock() > deadline:
                    return out
                point = list(x)
                fixed = True
                for i in range(n):
                    if i == last:
                        continue
                    snapped = self._snap(i, x[i], d)
                    if snapped is None:
                        fixed = False
                        break
                    point[i] = mpmath.mpf(snapped.p) / snapped.q
                if not fixed:
                    continue
                point = self._polish(point, [last])
                for big in _LAST_DENOMINATORS:
                    r = self._snap(last, point[last], big)
                    if r is None:
                        continue
                    trial = list(point)
                    trial[last] = mpmath.mpf(r.p) / r.q
                    exact = {
                        s: (sympy.Rational(r) if i == last else self._snap(i, x[i], d))
                        for i, s in enumerate(self._syms)
                    }
                    key = tuple(exact.values())
                    if key in seen or any(v is None for v in exact.values()):
                        continue
                    seen.add(key)
                    v = real_value(self._g, trial)
                    if v is not None and abs(v) <= mpmath.mpf(10) ** -(mpmath.mp.dps - 15) * scale:
                        out.append(exact)
                        return out
        return out

    def _snap(self, i: int, value: mpmath.mpf, denominator: int | None) -> sympy.Rational | None:
        kind = self._kinds[i]
        if denominator is None:
            return None
        integer = kind in ("integer", "positive integer", "negative integer", "nonnegative integer")
        try:
            frac = Fraction(_dec(value, 40)).limit_denominator(1 if integer else denominator)
        except (ValueError, ZeroDivisionError):
            return None
        r = sympy.Rational(frac.numerator, frac.denominator)
        return r if respects(kind, r) else None

    def _exact(self, x: list[mpmath.mpf], digits: int) -> dict[sympy.Symbol, sympy.Expr] | None:
        out: dict[sympy.Symbol, sympy.Expr] = {}
        for s, k, xi in zip(self._syms, self._kinds, x, strict=True):
            if k in ("integer", "positive integer", "negative integer", "nonnegative integer"):
                r = sympy.Integer(int(mpmath.nint(xi)))
            else:
                r = sympy.Rational(_dec(xi, digits))
            if not respects(k, r):
                return None
            out[s] = r
        return out

    def _at(self, values: dict[sympy.Symbol, sympy.Expr], dps: int) -> mpmath.mpf | None:
        with mpmath.workdps(dps):
            xs = [mpmath.mpf(values[s].p) / values[s].q for s in self._syms]
            return real_value(self._g, xs)


# ---------------------------------------------------------------------------------------
# One free scalar: exact sign analysis and limits at the ends of the domain.

_DOMAINS: dict[str, tuple[sympy.Expr, sympy.Expr, bool, bool]] = {
    # (low, high, low included, high included)
    "real": (-sympy.oo, sympy.oo, False, False),
    "integer": (-sympy.oo, sympy.oo, False, False),
    "positive": (sympy.S.Zero, sympy.oo, False, False),
    "positive integer": (sympy.S.One, sympy.oo, True, False),
    "nonnegative": (sympy.S.Zero, sympy.oo, True, False),
    "nonnegative integer": (sympy.S.Zero, sympy.oo, True, False),
    "negative": (-sympy.oo, sympy.S.Zero, False, False),
    "negative integer": (-sympy.oo, -sympy.S.One, False, True),
    "nonpositive": (-sympy.oo, sympy.S.Zero, False, True),
    "probability": (sympy.S.Zero, sympy.S.One, False, False),
}


def sign_points(
    g: sympy.Expr, x: sympy.Symbol, kind: str, seconds: float
) -> tuple[list[sympy.Expr], list[sympy.Expr]] | None:
    """Exact points that decide the sign of ``g`` (rational in ``x``) over ``kind``'s domain.

    Returns (test points, zeros): one exact point inside every interval of the domain cut by
    the real roots of g's numerator and denominator (an integer, for integer kinds, where the
    interval holds one), the included ends of the domain, and the roots of the numerator that
    lie in the domain (where g is exactly 0). g keeps its sign on each interval, so these
    points decide the claim. None when g is not rational in x with rational coefficients, or
    sympy runs out of ``seconds``.
    """
    domain = _DOMAINS.get(kind)
    if domain is None or not g.is_rational_function(x):
        return None

    def analyse() -> tuple[list[sympy.Expr], list[sympy.Expr]] | None:
        num, den = sympy.fraction(sympy.cancel(sympy.together(g)))
        pn, pd = sympy.Poly(num, x), sympy.Poly(den, x)
        if not (pn.domain.is_QQ or pn.domain.is_ZZ) or not (pd.domain.is_QQ or pd.domain.is_ZZ):
            return None
        zeros = [r for r in sympy.real_roots(pn) if _inside(r, domain)] if pn.degree() > 0 else []
        cuts = sorted(
            {*zeros, *(r for r in sympy.real_roots(pd) if _inside(r, domain))} if pd.degree() > 0 else set(zeros),
            key=lambda r: float(sympy.N(r, 30)),
        )
        lo, hi, lo_in, hi_in = domain
        edges = [lo, *cuts, hi]
        tests: list[sympy.Expr] = [e for e, inc in ((lo, lo_in), (hi, hi_in)) if inc]
        integer = "integer" in kind
        for a, b in itertools.pairwise(edges):
            p = _between(a, b, integer)
            if p is not None:
                tests.append(p)
        if integer:
            zeros = [z for z in zeros if z.is_integer]
        return tests, zeros

    try:
        return bounded(analyse, seconds)
    except (RecursionError, MemoryError):
        raise
    except Exception:
        return None


def _inside(r: sympy.Expr, domain: tuple) -> bool:
    lo, hi, lo_in, hi_in = domain
    above = (r >= lo) if lo_in else (r > lo)
    below = (r <= hi) if hi_in else (r < hi)
    return bool(above) and bool(below)


def _between(a: sympy.Expr, b: sympy.Expr, integer: bool) -> sympy.Expr | None:
    """An exact rational strictly between a and b (an integer when ``integer``), or None."""
    if a is -sympy.oo and b is sympy.oo:
        return sympy.Integer(0)
    if a is -sympy.oo:
        return sympy.floor(b) - 1
    if b is sympy.oo:
        return sympy.floor(a) + 1
    if integer:
        p = sympy.floor(a) + 1
        return p if p < b else None
    with mpmath.workdps(60):
        mid = (mpmath.mpf(sympy.N(a, 60)) + mpmath.mpf(sympy.N(b, 60))) / 2
    for digits in (3, 10, 30, 50):
        cand = sympy.Rational(_dec(mid, digits))
        if bool(a < cand) and bool(cand < b):
            return cand
    return None


def end_limits(g: sympy.Expr, x: sympy.Symbol, kind: str, seconds: float) -> list[tuple[str, sympy.Expr]]:
    """sympy's limits of ``g`` at the open ends of ``kind``'s domain: [("oo", L), ("0+", L), ...].

    An end whose limit sympy cannot find (or not within ``seconds`` in all) is left out.
    """
    domain = _DOMAINS.get(kind)
    if domain is None:
        return []
    lo, hi, lo_in, hi_in = domain
    ends = []
    if hi is sympy.oo:
        ends.append(("oo", sympy.oo, "-"))
    elif not hi_in:
        ends.append((f"{hi}-", hi, "-"))
    if lo is -sympy.oo:
        ends.append(("-oo", -sympy.oo, "+"))
    elif not lo_in:
        ends.append((f"{lo}+", lo, "+"))
    out = []
    stop = time.perf_counter() + seconds
    for name, point, direction in ends:
        left = stop - time.perf_counter()
        if left <= 0.05:
            break
        value = _limit(g, x, point, direction, left)
        if isinstance(value, sympy.Expr) and (value.is_number or value in (sympy.oo, -sympy.oo)):
            out.append((name, value))
    return out


def positive_near(g: sympy.Expr, x: sympy.Symbol, end: str, seconds: float) -> bool:
    """Whether sympy proves ``g > 0`` on a neighbourhood of the end ``end`` ("oo", "-oo", "0+",
    "1-", ...) of x's domain: with x = 1/t, -1/t, a + t or b - t for t > 0, either sympy's
    assumptions show the substituted g positive, or its leading term in t is (x - log(1 + x)
    at 0+: t**2/2). False when neither shows it (not a refutation: the sign is then unknown).
    """
    t = sympy.Dummy("t", positive=True)
    if end == "oo":
        at = 1 / t
    elif end == "-oo":
        at = -1 / t
    elif end.endswith("+"):
        at = sympy.sympify(end[:-1]) + t
    elif end.endswith("-"):
        at = sympy.sympify(end[:-1]) - t
    else:
        return False

    def prove() -> bool:
        sub = g.xreplace({x: at})
        if sub.is_positive:
            return True
        exp_form = sub.rewrite(sympy.exp)
        if sympy.simplify(exp_form).is_positive:
            return True
        lead = exp_form.as_leading_term(t)
        return bool(lead.is_positive)

    try:
        return bool(bounded(prove, seconds))
    except (RecursionError, MemoryError):
        raise
    except Exception:  # no expansion, no decision: the sign near the end is just not proved
        return False


def _limit(g: sympy.Expr, x: sympy.Symbol, point: sympy.Expr, direction: str, seconds: float) -> object:
    try:
        return bounded(lambda: sympy.limit(g, x, point, direction), seconds)
    except (RecursionError, MemoryError):
        raise
    except Exception:  # sympy's limit fails in many ways; that end is simply not known
        return None


def walk(end: str, kind: str, *, further: bool = False) -> list[sympy.Rational]:
    """Exact points walking towards an end of the domain: 10, 100, 1000, ... 10**64 for oo;
    10**-1 ... 10**-64 for 0+; 1 - 10**-k for 1-; mirrored for negative ends. ``further``:
    on to 10**-512 towards 0 (log(x) > -1000 fails only below 1e-435)."""
    powers = [1, 2, 3, 4, 6, 8, 16, 32, 64]
    if further and end in ("0+", "0-"):
        powers += [128, 256, 512]
    integer = "integer" in kind
    if end in ("oo", "-oo"):
        sign = 1 if end == "oo" else -1
        return [sign * sympy.Integer(10) ** k for k in powers]
    if integer:
        return []
    if end == "0+":
        return [sympy.Rational(1, 10**k) for k in powers]
    if end == "0-":
        return [-sympy.Rational(1, 10**k) for k in powers]
    if end == "1-":
        return [1 - sympy.Rational(1, 10**k) for k in powers]
    return []
