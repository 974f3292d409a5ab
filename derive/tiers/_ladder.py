"""Certified evaluation of both sides of a claim at one point, on a ladder of precisions.

The machinery behind `derive.tiers.numeric`: `Ladder` substitutes a point's exact values, then
evaluates both sides lazily at increasing precision (``evalf`` with sympy's own accuracy
report kept as an error bound) and `Ladder.settle` decides, per entry, whether the
difference is zero, nonzero (confirmed at two precisions), unstable, or unresolved (too
small for any precision this tier can afford to tell apart). See the rules in the
`derive.tiers.numeric` docstring.

Two sides rounded separately to d digits can only show that they agree to about d digits:
that is floating-point closeness, and ``exp(10**-300)`` agrees with 1 to 299 digits. So a
difference that the two sides cannot resolve is evaluated again as one expression,
``lhs - rhs``, by sympy's adaptive ``evalf``, which raises its working precision to get
through cancellation and reports the accuracy it reached: either the difference is then
certified nonzero, or sympy bounds it. A bound alone is not enough either (sympy's
``log(1 + 10**-300)`` evaluates to an exact-looking 0 at 50 digits, and no precision this
tier can afford separates ``2**(2**33) + 1`` from ``2**(2**33)``), so a difference counts
as zero only at a precision beyond the `resolution` of the claim's own numbers: the digits
its exact constants have, the orders of magnitude its sums span, how small the
arguments of its functions are; how close to its asymptote each function with one is taken
(atan u = π/2 - 1/u + ...), and what a finite bound of an integral, sum or product cuts off
(∫_{-25}^{25} e^{-x²} is √π - 1.5e-273). A claim that needs more digits than `MAX_DIGITS` is
unresolved, never accepted; its point still climbs to the top rung, where a difference may show.

sympy's own accuracy report is not taken on trust where it is known to fail: log is evaluated
through log1p (`_Log`: sympy gives log(1 + e^{-400}) as an exact 0), and a difference counts
as confirmed only where each side agrees with itself across the two rungs (`Ladder._consistent`:
Γ at 1e136 comes out as garbage with a tight bound).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import mpmath
import sympy
from sympy import S

from derive.language._exact import safe_replace
from derive.language.functions import sigmoid, softplus
from derive.tiers._integrals import QuadratureError, integrals_to_floats, prepare_integrals

__all__ = [
    "BUDGET",
    "GUARD",
    "MARGIN",
    "MAX_DIGITS",
    "NON_FINITE",
    "POLE",
    "UNRESOLVED",
    "UNSTABLE",
    "Ladder",
    "SkipPointError",
    "Status",
    "excluded",
    "imaginary",
    "resolution",
]

#: Decimal digits given up to rounding: at d digits, "zero" means below 10**-(d - MARGIN), relative.
MARGIN = 10
#: Digits of agreement beyond the claim's `resolution` before a difference may count as zero.
GUARD = 10
#: The highest working precision a point climbs to when its claim's numbers need it. Costs stay
#: in milliseconds for ordinary expressions; ``exp(10**-300) == 1`` needs 400 digits to refute.
MAX_DIGITS = 1600
_STABLE = mpmath.mpf("1e-6")  # two precisions must agree this well for a difference to be real
_LOG10_2 = math.log10(2)
_SIZING_GRACE = 1.0  # seconds `resolution` may run past the point's deadline
_PROBE_SECONDS = 0.5  # how long a single number may keep looking for a difference past its zero
BUDGET = "time budget"
UNSTABLE = "unstable value"
UNRESOLVED = "beyond working precision"
NON_FINITE = "non-finite value"  # a side infinite or undefined at the point
POLE = "undefined: "  # the start of the note for a point where a denominator is 0
# Nodes whose value is not a plain function of their arguments' values (bound variables,
# quadrature): `resolution` counts their exact constants and sizes what their finite bounds
# cut off, but does not evaluate inside them.
_OPAQUE = (sympy.Integral, sympy.Sum, sympy.Product, sympy.Limit)
#: Functions with a horizontal (or, for softplus, oblique) asymptote. At a large argument u,
#: f(u) is its limit plus terms no explicit term of the claim shows, and the claim can hide a
#: gap that size: exponentially small for tanh u = 1 - 2e^{-2u} + 2e^{-4u}, softplus u = u +
#: e^{-u} - e^{-2u}/2, erf u = 1 - e^{-u²}/(u√π) + ...; a power of 1/u for atan u = π/2 - 1/u +
#: 1/(3u³), Si u = π/2 - cos u/u - sin u/u², the Fresnel integrals. Each entry maps log10 |u|
#: to the orders of magnitude below the limit of the *second* such term, since a claim that
#: writes out the first one (1 - σ(u) = e^{-u}, atan u = π/2 - 1/u) differs from the truth by
#: the second.
_LN10 = math.log(10)


def _exponential(rate: float, power: int = 1) -> Callable[[float], float]:
    """Hidden terms of size e^{-rate · u**power}."""
    return lambda size: rate * 10.0 ** (power * min(size, 7.0)) / _LN10


def _algebraic(power: int) -> Callable[[float], float]:
    """Hidden terms of size u**-power."""
    return lambda size: power * size


_ASYMPTOTES: dict[type, Callable[[float], float]] = {
    sympy.tanh: _exponential(4),
    sympy.coth: _exponential(4),
    sympy.cosh: _exponential(4),
    sympy.sinh: _exponential(4),
    sympy.sech: _exponential(4),
    sympy.csch: _exponential(4),
    sigmoid: _exponential(2),
    softplus: _exponential(2),
    sympy.erf: _exponential(2, 2),
    sympy.erfc: _exponential(2, 2),
    sympy.uppergamma: _exponential(2),
    sympy.lowergamma: _exponential(2),
    sympy.expint: _exponential(2),
    sympy.Ei: _exponential(2),
    sympy.atan: _algebraic(3),
    sympy.acot: _algebraic(3),
    sympy.atan2: _algebraic(3),
    sympy.Si: _algebraic(2),
    sympy.Ci: _algebraic(2),
    sympy.Shi: _exponential(2),
    sympy.Chi: _exponential(2),
    sympy.fresnels: _algebraic(3),
    sympy.fresnelc: _algebraic(3),
}
_HUGE = 1e300  # the largest size (log10) `_measure` reports
_SATURATION_CAP = 1e7  # beyond any rung: the point is unresolved, which is honest


class SkipPointError(Exception):
    """A point cannot be used; ``reason`` is counted in the evidence."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Status:
    """A settled difference in one cell: ``kind`` is "zero", "nonzero", "unstable" or "unresolved".

    ``value`` is the certified difference for "nonzero"; ``needed`` is the precision (decimal
    digits) a "zero" needs: what it would have needed, for "unresolved"; what it was held to,
    for "zero" (the claim's `resolution` + MARGIN + GUARD: a verdict built on it excludes
    relative differences above 10**-(digits - MARGIN), and the claim's structure hides
    nothing above 10**-(needed - MARGIN - GUARD)).
    """

    kind: str
    value: mpmath.mpc | None = None
    level: int = 0  # index into the precision ladder where it settled
    needed: int = 0


class Ladder:
    """Both sides at one point, evaluated lazily at increasing precision.

    Each value carries sympy's own error bound (the accuracy ``evalf`` reports), so a
    difference is called nonzero only when it stands clear of the error of both sides, or
    when ``lhs - rhs`` evaluated as one expression is certified nonzero at two precisions.
    ``ladder`` is extended by doublings up to ``max_digits``; the higher rungs are only
    evaluated for a point whose claim has numbers that need them (see `resolution`).
    """

    def __init__(
        self,
        cells_l: Sequence[sympy.Basic],
        cells_r: Sequence[sympy.Basic],
        values: dict[sympy.Symbol, sympy.Rational],
        ladder: Sequence[int],
        deadline: float = float("inf"),
        *,
        max_digits: int = MAX_DIGITS,
    ) -> None:
        self.ladder = list(ladder)
        self._ordinary = len(self.ladder)  # rungs every point may use; the rest only when needed
        while 2 * self.ladder[-1] <= max_digits:
            self.ladder.append(2 * self.ladder[-1])
        self.deadline = deadline
        self.exprs_l = [_substitute(c, values) for c in cells_l]
        self.exprs_r = [_substitute(c, values) for c in cells_r]
        self.cache: dict[int, tuple[list, list]] = {}
        self._quad: dict[int, tuple[list, list]] = {}
        self._diffs: dict[tuple[int, int], tuple[mpmath.mpc, mpmath.mpf, mpmath.mpf, bool]] = {}
        self._needed: dict[int, int] = {}
        self._closer: set[int] = set()  # cells whose difference is evaluated directly when the sides cannot tell
        self._cost = 0.0  # seconds the last rung took (both sides, and lhs - rhs when evaluated)
        self.direct: set[int] = set()  # cells whose difference a direct evaluation bounded or certified

    def digits(self, level: int) -> int:
        return self.ladder[level]

    def _level(self, level: int) -> tuple[list, list]:
        if level not in self.cache:
            now = time.perf_counter()
            if level > 0 and now > self.deadline:
                raise SkipPointError(BUDGET)
            if level >= self._ordinary and now + 4 * self._cost > self.deadline:
                # A climbing rung doubles the digits: it costs about three times the last one,
                # and nothing stops an evaluation once it has begun.
                raise SkipPointError(BUDGET)
            digits = self.ladder[level]
            quad_l = [_quadrature(e, digits) for e in self.exprs_l]
            quad_r = [_quadrature(e, digits) for e in self.exprs_r]
            self._quad[level] = (quad_l, quad_r)
            self.cache[level] = (
                [_evaluate(e, digits) for e in quad_l],
                [_evaluate(e, digits) for e in quad_r],
            )
            self._cost = time.perf_counter() - now
        return self.cache[level]

    def values(self, level: int) -> tuple[tuple, tuple]:
        """The two sides' values (without error bounds) at a rung of the ladder."""
        lhs, rhs = self._level(level)
        return tuple(v for v, _ in lhs), tuple(v for v, _ in rhs)

    def difference(self, i: int, level: int) -> mpmath.mpc:
        """The best value of lhs - rhs in cell ``i`` at a rung (the direct one when it was needed)."""
        return self._diff(i, level)[0]

    def _diff(self, i: int, level: int) -> tuple[mpmath.mpc, mpmath.mpf, mpmath.mpf, bool]:
        """lhs - rhs in cell ``i``, its error bound, the size of the sides, and whether it is
        certified nonzero by the direct evaluation of ``lhs - rhs``."""
        key = (i, level)
        if key in self._diffs:
            return self._diffs[key]
        lhs, rhs = self._level(level)
        (a, err_a), (b, err_b) = lhs[i], rhs[i]
        digits = self.ladder[level]
        with mpmath.workdps(digits + 20):
            d, err, scale = a - b, err_a + err_b, max(abs(a), abs(b))
            certified = False
            if i in self._closer and abs(d) <= 4 * err + self._tolerance(level, scale):
                # The sides, rounded separately, cannot tell a zero from a difference below their
                # precision: evaluate lhs - rhs as one expression, so sympy works through the
                # cancellation (raising its precision) and bounds or certifies what is left.
                direct = self._direct(i, level)
                if direct is not None and direct[1] < err:
                    d, err = direct
                    certified = abs(d) > 4 * err
                    self.direct.add(i)
            # Exact sides (integers) differ exactly.
            certified = certified or (err == 0 and d != 0)
        self._diffs[key] = (d, err, scale, certified)
        return self._diffs[key]

    def _direct(self, i: int, level: int) -> tuple[mpmath.mpc, mpmath.mpf] | None:
        quad_l, quad_r = self._quad[level]
        diff = sympy.Add(quad_l[i], -quad_r[i])
        if diff.has(sympy.Float):
            # A quadrature result is accurate to its own error bound only, but evalf takes a Float
            # as exact: cancellation against it would "certify" the quadrature error.
            return None
        start = time.perf_counter()
        try:
            # Little room beyond the rung: sympy's first pass meets the cancellation and its
            # second already works at about three times the precision (an exact zero comes out
            # bounded near 10**(-3 * digits)); more room costs a further, bigger pass.
            return _evaluate(diff, self.ladder[level], room=20)
        except SkipPointError:
            return None  # the sides' own values and bounds still stand
        finally:
            self._cost += time.perf_counter() - start

    def _tolerance(self, level: int, scale: mpmath.mpf) -> mpmath.mpf:
        return mpmath.mpf(10) ** (-(self.ladder[level] - MARGIN)) * scale

    def _small(self, i: int, level: int) -> bool:
        d, err, scale, certified = self._diff(i, level)
        with mpmath.workdps(self.ladder[level] + 20):
            return not certified and abs(d) + err <= self._tolerance(level, scale)

    def _clear(self, i: int, level: int) -> bool:
        """The difference stands clear of the error bound, and of the rounding noise unless the
        direct evaluation of lhs - rhs certified it."""
        d, err, scale, certified = self._diff(i, level)
        with mpmath.workdps(self.ladder[level] + 20):
            return certified or abs(d) > 4 * err + self._tolerance(level, scale)

    def needed(self, i: int) -> int:
        """Digits of working precision at which a vanishing difference in cell ``i`` counts as zero."""
        if i not in self._needed:
            diff = sympy.Add(self.exprs_l[i], -self.exprs_r[i])
            # Sizing at 15 digits is cheap next to the rungs already paid for: a point that
            # finished its last rung just past the deadline may still be sized.
            deadline = max(self.deadline, time.perf_counter() + _SIZING_GRACE)
            self._needed[i] = resolution(diff, deadline, scale=self._scale(i)) + MARGIN + GUARD
        return self._needed[i]

    def _scale(self, i: int) -> float | None:
        """log10 of the larger side of cell ``i`` at the lowest rung evaluated, or None."""
        if not self.cache:
            return None
        lhs, rhs = self.cache[min(self.cache)]
        with mpmath.workdps(30):
            size = max(abs(lhs[i][0]), abs(rhs[i][0]))
            return float(mpmath.log10(size)) if size else None

    def settle(self, i: int, need: int, *, deep: bool = False) -> Status:
        """Whether cell ``i``'s difference is zero, nonzero (confirmed), unstable or unresolved.

        Zero takes ``need`` consecutive rungs where the difference is below the rounding noise
        (or a difference that keeps shrinking as the precision grows), the last one confirmed
        by the direct evaluation of lhs - rhs, at a precision beyond the claim's `resolution`;
        the ladder is climbed further when it is not. With ``deep`` (a claim that is a single
        number) a zero keeps climbing while that is cheap, see `_probe`.
        """
        top = min(len(self.ladder), need + 1)
        k = 1
        beyond = 0  # digits a zero would need that no rung has (the rungs above only look for a difference)
        while k < top:
            try:
                d_prev, d_now = self._diff(i, k - 1)[0], self._diff(i, k)[0]
            except SkipPointError:
                if beyond:  # out of time looking: what was seen is still the honest answer
                    return Status("unresolved", level=k - 1, needed=beyond)
                raise
            # A confirmed difference wins, however small: it was seen at two precisions.
            if self._clear(i, k - 1) and self._clear(i, k) and _stable(d_prev, d_now) and self._consistent(i, k - 1, k):
                return Status("nonzero", d_now, k)
            if self._vanishing(i, k, need):
                self._look_closer(i, k)
            if self._vanishing(i, k, need):
                needed = self.needed(i)
                if self.ladder[k] >= needed:
                    return self._probe(i, k) if deep else Status("zero", level=k, needed=needed)
                reach = next((j for j, digits in enumerate(self.ladder) if digits >= needed), None)
                if reach is None:
                    if k + 1 >= len(self.ladder):
                        return Status("unresolved", level=k, needed=needed)
                    # No rung resolves the claim's numbers, but the top ones may still show a
                    # difference (tanh(1000) = 1 - 2e-869 hides its second term beyond 1600
                    # digits; the first shows at 1600).
                    beyond = needed
                    top = len(self.ladder)
                else:
                    # Climb to the rung that resolves the claim's numbers, and one more to confirm
                    # a difference that shows up there.
                    top = max(top, min(len(self.ladder), reach + 2))
            elif self._diff(i, k)[3]:
                # The direct evaluation found a difference below the sides' precision: confirm
                # it one rung up.
                top = max(top, min(len(self.ladder), k + 2))
            k += 1
        if beyond:
            return Status("unresolved", level=top - 1, needed=beyond)
        return Status("unstable", level=top - 1)

    def _consistent(self, i: int, a: int, b: int) -> bool:
        """Whether each side of cell ``i`` has the same value at rungs ``a`` and ``b``, within
        the error bounds evalf reported and the rounding noise.

        sympy's bounds assume a function's argument is exact to the working precision: Γ(u)
        at u = e^{e^{5.75}} ≈ 10^136 comes out as 7e-30335957... at 50 digits and 3.5e-137 at
        100 (it is u^{-1} Γ(u + 1), to within 1e-136), each with a tight bound. A difference
        built on such values is stable by accident (both tiny against the other side) and
        would refute a true claim; two rungs that disagree beyond their bounds show it.
        """
        for (va, ea), (vb, eb) in zip(
            (self._level(a)[0][i], self._level(a)[1][i]), (self._level(b)[0][i], self._level(b)[1][i]), strict=True
        ):
            with mpmath.workdps(self.ladder[b] + 20):
                if abs(va - vb) > 4 * (ea + eb) + self._tolerance(a, max(abs(va), abs(vb))):
                    return False
        return True

    def _probe(self, i: int, k: int) -> Status:
        """A zero at rung ``k`` of a single number, checked at the higher rungs that fit in a short budget.

        A constant has no random point to make a coincidence unlikely, and the direct
        evaluation at rung k sees differences down to about 10**(-3 * digits) only
        (``tanh(1000) == 1`` is off by 1e-869). Higher rungs cost milliseconds for most
        constants; a difference that shows up there is confirmed one rung higher or, if it
        cannot be, leaves the point unstable rather than zero.
        """
        stop = min(self.deadline, time.perf_counter() + _PROBE_SECONDS)
        level = k
        for j in range(k + 1, len(self.ladder)):
            if time.perf_counter() + 4 * self._cost > stop:
                break
            try:
                if not self._clear(i, j):
                    # Still nothing above the noise (an exact zero's noise need not be "small").
                    level = j if self._small(i, j) else level
                    continue
                if j + 1 < len(self.ladder) and self._clear(i, j + 1):
                    d_prev, d_now = self._diff(i, j)[0], self._diff(i, j + 1)[0]
                    if _stable(d_prev, d_now) and self._consistent(i, j, j + 1):
                        return Status("nonzero", d_now, j + 1)
            except SkipPointError:
                pass
            return Status("unstable", level=j)  # seen once, not confirmed: neither zero nor a counterexample
        return Status("zero", level=level, needed=self.needed(i))

    def _look_closer(self, i: int, k: int) -> None:
        """From rung ``k`` on, evaluate cell ``i``'s lhs - rhs as one expression where the sides cannot tell.

        Done only once a difference looks like zero, so identities pay for one direct
        evaluation and counterexamples for none.
        """
        if i not in self._closer:
            self._closer.add(i)
            self._diffs.pop((i, k), None)

    def _vanishing(self, i: int, k: int, need: int) -> bool:
        if k + 1 >= need and all(self._small(i, j) for j in range(k - need + 1, k + 1)):
            return True
        if k < 2 or any(self._diff(i, j)[3] for j in (k - 2, k - 1, k)):
            return False
        bounds = [abs(d) + err for d, err, _, _ in (self._diff(i, j) for j in (k - 2, k - 1, k))]
        # Noise around an exact zero that sympy cannot see: it falls with every doubling of
        # the precision, while a true difference would converge.
        return _shrinking(*bounds, self.ladder[0])


def _pole(expr: sympy.Basic, values: dict[sympy.Symbol, sympy.Rational]) -> sympy.Basic | None:
    """A denominator of ``expr`` that vanishes at ``values`` (None: none does).

    Substituting first would hide it: sympy folds ``0 * Sum(..(1/0)..)`` to 0, so the side
    (1 - mu)^N Σ (mu/(1 - mu))^m would be 0 at mu = 1, where it is undefined.
    """
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Pow) and node.exp.is_negative and node.base.free_symbols & values.keys():
            base = node.base.xreplace(values)
            if base.is_number and base == 0:
                return node.base
    return None


#: Finite sums with at most this many terms are added up exactly before evaluation: sympy's
#: Sum.evalf gave 0 for sum_{m=0}^{100} binomial(100, m) (9/10)^m (1/10)^(100-m), which is 1.
_EXPLICIT_SUM = 2000


def _short_sum(node: sympy.Sum) -> bool:
    """A sum over concrete integer bounds with few enough terms to add up exactly."""
    total = 1
    for _, lo, hi in node.limits:
        if not (lo.is_Integer and hi.is_Integer):
            return False
        total *= max(0, int(hi) - int(lo) + 1)
        if total > _EXPLICIT_SUM:
            return False
    return not node.function.has(sympy.Sum, sympy.Integral)


def _written_out(node: sympy.Sum) -> sympy.Basic:
    """A short sum as the explicit sum of its terms.

    sympy's doit adds the terms itself only below 100 of them; from 100 on it looks for a
    closed form first (Σ_{m=0}^{100} binomial(100, m) 2^m (-1)^(100-m) m²: five seconds in solve).
    """
    if len(node.limits) != 1:
        return node.doit()
    var, lo, hi = node.limits[0]
    return sympy.Add(*(node.function.xreplace({var: sympy.Integer(v)}) for v in range(int(lo), int(hi) + 1)))


def _check_ranges(expr: sympy.Basic) -> None:
    """Skip a point where a sum or product has a bound that is not a whole number, or a range
    that runs backwards by more than an empty one.

    sympy takes Σ_{m=0}^{5/2} by Euler-Maclaurin (minutes) and Σ_{m=0}^{-3} by Karr's
    convention (minus the terms from -2 to -1): values no author means.
    """
    for node in expr.atoms(sympy.Sum, sympy.Product):
        for _, lo, hi in (lim for lim in node.limits if len(lim) == 3):
            for bound in (lo, hi):
                if bound.is_number and not bound.is_infinite and bound.is_integer is False:
                    raise SkipPointError("a sum or product runs to a bound that is not a whole number")
            if lo.is_Integer and hi.is_Integer and hi < lo - 1:
                raise SkipPointError("a sum or product range runs backwards")


def _substitute(expr: sympy.Basic, values: dict[sympy.Symbol, sympy.Rational]) -> sympy.Basic:
    try:
        pole = _pole(expr, values) if values else None
        if pole is not None:
            raise SkipPointError(f"{POLE}{pole} = 0 in a denominator")
        out = expr.xreplace(values) if values else expr
        if out.has(sympy.Sum, sympy.Product):
            _check_ranges(out)
        if out.has(sympy.Sum):
            out = out.replace(lambda e: isinstance(e, sympy.Sum) and _short_sum(e), _written_out)
        if out.has(sympy.Limit, sympy.MatrixExpr):
            out = out.replace(lambda e: isinstance(e, (sympy.Limit, sympy.MatrixExpr)), lambda e: e.doit())
        if out.has(sympy.Integral):
            out = prepare_integrals(out)
        if out.has(sympy.log):
            out = _guard_logs(out)
    except (RecursionError, MemoryError, SkipPointError):
        raise
    except Exception as exc:  # one bad point must not end the claim; counted in the evidence
        raise SkipPointError(f"undefined ({type(exc).__name__})") from exc
    return out


class _Log(sympy.Function):
    """log for evaluation at a point, accurate where its argument is close to 1.

    sympy's evalf of log(1 + e^{-400}) rounds the argument to 1 and returns an *exact* 0
    (not a low-accuracy float), so e^{400} log(1 + e^{-400}) "is" 0 and a true inequality
    about it was refuted. This one works out arg - 1 through the cancellation first (sympy's
    adaptive Add, strict: no value rather than a wrong one) and takes log1p of it.
    """

    nargs = 1

    def _eval_evalf(self, prec: int) -> sympy.Expr | None:
        arg = self.args[0]
        if not arg.is_number:
            return None
        dps = mpmath.libmp.prec_to_dps(prec)
        try:
            w = sympy.Add(arg, -1).evalf(dps + 10, maxn=3 * dps + 60, strict=True)
            re, im = w.as_real_imag()
            if not (isinstance(re, sympy.Number) and isinstance(im, sympy.Number)):
                return None
            bits = prec + 40
            with mpmath.workprec(bits):
                near = mpmath.mpc(re._to_mpmath(bits), im._to_mpmath(bits))
            if abs(near) >= 0.5:
                # Far from 1 there is no cancellation, but arg - 1 rounds a tiny argument to -1
                # (log(1e-600) became log 0): the argument itself keeps its digits.
                re, im = arg.evalf(dps + 10, maxn=3 * dps + 60, strict=True).as_real_imag()
                if not (isinstance(re, sympy.Number) and isinstance(im, sympy.Number)):
                    return None
                with mpmath.workprec(bits):
                    z = mpmath.mpc(re._to_mpmath(bits), im._to_mpmath(bits))
                    value = mpmath.log(z.real) if not z.imag and z.real > 0 else mpmath.log(z)
                return sympy.Expr._from_mpmath(value, prec)
            with mpmath.workprec(bits):
                value = mpmath.log1p(near.real) if not near.imag and near.real > -1 else mpmath.log(1 + near)
        except (sympy.core.evalf.PrecisionExhausted, ValueError, TypeError, ArithmeticError):
            return None
        return sympy.Expr._from_mpmath(value, prec)


def _guard_logs(expr: sympy.Basic) -> sympy.Basic:
    """``expr`` with its logs evaluated by `_Log`, except inside integrals and sums, whose
    terms are compiled or summed by routines that know sympy's log only."""
    hidden = {node: sympy.Dummy("opaque") for node in expr.atoms(*_OPAQUE)}
    out = expr.xreplace(hidden).replace(sympy.log, _Log)
    return out.xreplace({v: k for k, v in hidden.items()}) if hidden else out


def _quadrature(expr: sympy.Basic, digits: int) -> sympy.Basic:
    try:
        return integrals_to_floats(expr, digits, margin=MARGIN)
    except QuadratureError as exc:
        raise SkipPointError(str(exc)) from exc


def _evaluate(expr: sympy.Basic, digits: int, room: int | None = None) -> tuple[mpmath.mpc, mpmath.mpf]:
    """``expr``'s value at ``digits`` digits and an absolute error bound from sympy's accuracy.

    ``room`` is how many digits beyond ``digits`` evalf may raise its working precision to.
    """
    try:
        if room is None:
            # Quadrature is slow to push past its accuracy: give it less room (a low accuracy
            # is reported, not hidden, and the point is then skipped rather than trusted).
            room = 20 if expr.has(sympy.Integral) else digits + 20
        value = expr.evalf(digits, maxn=digits + room)
    except (RecursionError, MemoryError):
        raise
    except Exception as exc:  # sympy/mpmath raise many types on bad points
        raise SkipPointError(f"evaluation failed ({type(exc).__name__})") from exc
    if value.has(S.NaN, S.ComplexInfinity, S.Infinity, S.NegativeInfinity):
        raise SkipPointError(NON_FINITE)
    parts = value.as_real_imag()
    if not all(isinstance(p, sympy.Number) for p in parts):
        # What evalf could not evaluate (a function that declined) is left in place.
        raise SkipPointError("no numeric value")
    bits = int(digits * 3.33) + 30
    with mpmath.workprec(bits):
        out = mpmath.mpc(parts[0]._to_mpmath(bits), parts[1]._to_mpmath(bits))
        if not mpmath.isfinite(out):
            raise SkipPointError(NON_FINITE)
        # evalf returns Floats whose precision is the accuracy it could vouch for.
        err = mpmath.mpf(0)
        for part in parts:
            if isinstance(part, sympy.Float):
                err += abs(mpmath.mpf(part._to_mpmath(bits))) * mpmath.mpf(2) ** (1 - part._prec)
    return out, err


def _stable(a: mpmath.mpc, b: mpmath.mpc) -> bool:
    if b == 0:
        return False
    return abs(a - b) <= _STABLE * abs(b)


def _shrinking(a: mpmath.mpc, b: mpmath.mpc, c: mpmath.mpc, base: int) -> bool:
    drop = mpmath.mpf(10) ** (-(base // 4))
    return abs(b) <= drop * abs(a) and abs(c) <= drop * abs(b)


def resolution(expr: sympy.Basic, deadline: float = float("inf"), *, scale: float | None = None) -> int:
    """Decimal digits of relative precision the numbers in ``expr`` (a number) carry.

    A difference below this relative size may come from the claim's own constants, so no
    agreement at fewer digits can say it is zero. It is the largest of: the digits of each exact
    rational (``10**-300``: 301), the orders of magnitude between the largest and the smallest
    term of each sum (``2**(2**33) + 1``: 2.6e9), and the orders of magnitude below 1 of each
    function argument or exponent (``exp(exp(-1000))`` = 1 + 1e-434: 434), since f(t) for a
    tiny t is f(0) plus a term that small; and for a function that saturates exponentially,
    the orders its large argument hides (``tanh(1000)`` = 1 - 2e-869: 869). Magnitudes are
    taken at 15 digits; terms sympy cannot size are left out.

    Integrals, sums and products are not evaluated inside, but a finite bound is where a claim
    can cut off a tail (∫_{-25}^{25} e^{-x²} = √π - 1.5e-273, Σ_{n≤150} 1/n! = e - 1e-265): the
    integrand or term at each finite bound is sized, and the orders of magnitude between
    ``scale`` (log10 of the sides' size, when the caller knows it; else the largest term or
    integrand value seen) and the smaller of them count too. The integrand or term at the
    bound is also looked inside like any other expression (a factor 1 + 1/150! of a product).
    For an ordinary claim at an ordinary point all this is a few digits, far below the working
    precision. An exact rational difference is computed exactly: it needs no digits.
    """
    if isinstance(expr, sympy.Rational):
        return 0
    digits = 0.0
    for r in expr.atoms(sympy.Rational):  # inside integrals and sums too
        digits = max(digits, max(abs(int(r.p)), int(r.q)).bit_length() * _LOG10_2)
    sizes: dict[sympy.Basic, float | None] = {}
    seen: set[sympy.Basic] = set()
    stack = [expr]
    while stack:
        node = stack.pop()
        if node in seen or node.is_Atom:
            continue
        seen.add(node)
        if time.perf_counter() > deadline:
            raise SkipPointError(BUDGET)
        if isinstance(node, _OPAQUE):
            if isinstance(node, _TRUNCATABLE):
                cut, ends = _truncation(node, scale, sizes)
                digits = max(digits, cut)
                stack.extend(ends)
            continue
        if isinstance(node, sympy.Add):
            known = [s for s in (_size(a, sizes) for a in node.args) if s is not None]
            if len(known) > 1:
                digits = max(digits, max(known) - min(known))
        elif isinstance(node, (sympy.Function, sympy.Pow)):
            for arg in node.args[1:] if isinstance(node, sympy.Pow) else node.args:
                size = _size(arg, sizes)
                if size is not None and size < 0:
                    digits = max(digits, -size)
                hidden = _ASYMPTOTES.get(node.func)
                if hidden is not None and size is not None and size > 0:
                    digits = max(digits, min(hidden(size), _SATURATION_CAP))
        stack.extend(a for a in node.args if isinstance(a, sympy.Basic))
    return math.ceil(digits)


_TRUNCATABLE = (sympy.Integral, sympy.Sum, sympy.Product)
_INTERIOR = 8  # an integral's integrand is also sized at this many interior points


def _truncation(
    node: sympy.Integral | sympy.Sum | sympy.Product, scale: float | None, sizes: dict[sympy.Basic, float | None]
) -> tuple[float, list[sympy.Basic]]:
    """The orders of magnitude a finite bound of ``node`` can hide below ``scale``, and the
    integrand or term at each finite bound (to be looked inside).

    What lies beyond a finite bound is about the integrand (or term) there: ∫_b^∞ e^{-x²} is
    below e^{-b²}/(2b), Σ_{n>N} 1/n! below 2/(N+1)!. A product hides its factors' distance
    from 1 at the bound (1 + 1/150!). Several variables are taken as nested nodes; bounds
    that are not numbers are left out.
    """
    *inner, last = node.limits
    if len(last) != 3:
        return 0.0, []
    var, lo, hi = last
    # Several variables: the outermost bound here, the inner ones when the walk gets to them.
    f = node.func(node.function, *inner) if inner else node.function
    if f.free_symbols - {var} or not (lo.is_number and hi.is_number):
        return 0.0, []
    ends = [b for b in (lo, hi) if b.is_finite]
    # Through the guarded constructors: 2**n at n = 10**100 must stay unexpanded.
    at_ends = [safe_replace(f, {var: b}) for b in ends]
    if isinstance(node, sympy.Product):
        # A factor 1 + 1/150! is an exact rational: its distance from 1 is sized here; one
        # written as a sum (1 + e^{-k}) is sized by the walk over it.
        near_one = [_size(e - 1, sizes) for e in at_ends if isinstance(e, sympy.Rational) and e != 1]
        return max([0.0] + [-s for s in near_one if s is not None]), at_ends
    end_sizes = [s for s in (_size(e, sizes) for e in at_ends) if s is not None]
    if not end_sizes:
        return 0.0, at_ends
    reference = scale
    if reference is None:
        inside = [safe_replace(f, {var: p}) for p in _interior_points(lo, hi, integer=isinstance(node, sympy.Sum))]
        seen = end_sizes + [s for s in (_size(e, sizes) for e in inside) if s is not None]
        reference = max(seen)
    return max(0.0, reference - min(end_sizes)), at_ends


def _interior_points(lo: sympy.Expr, hi: sympy.Expr, *, integer: bool) -> list[sympy.Expr]:
    """A few points inside [lo, hi] (integers for a sum), spread out or stepping away from a finite end."""
    if lo.is_finite and hi.is_finite:
        points = [lo + (hi - lo) * sympy.Rational(k, _INTERIOR) for k in range(1, _INTERIOR)]
    elif lo.is_finite:
        points = [lo + 2**k for k in range(_INTERIOR)]
    elif hi.is_finite:
        points = [hi - 2**k for k in range(_INTERIOR)]
    else:
        points = [sympy.Integer(k) for k in range(-3, 4)]
    if integer:
        points = [sympy.floor(p) for p in points]
    return points


def _size(node: sympy.Basic, sizes: dict[sympy.Basic, float | None]) -> float | None:
    """log10 |node| from a 15-digit evaluation; None when sympy cannot vouch for any digit."""
    if node not in sizes:
        sizes[node] = _measure(node)
    return sizes[node]


def _measure(node: sympy.Basic) -> float | None:
    if not isinstance(node, sympy.Expr) or node.has(*_OPAQUE) or node.free_symbols:
        return None
    if isinstance(node, sympy.Rational):
        if node == 0:
            return None
        # Exactly (to rounding): bit lengths are off by up to a factor 2, which tanh(t) squares.
        return math.log10(abs(int(node.p))) - math.log10(int(node.q))
    try:
        value = node.evalf(15, maxn=45)
        parts = value.as_real_imag()
    except (RecursionError, MemoryError):
        raise
    except Exception:  # a term sympy cannot size is left out of the measure
        return None
    mags = []
    for part in parts:
        if isinstance(part, sympy.Rational) and part != 0:
            mags.append(_measure(part))
        elif isinstance(part, sympy.Float) and part._prec > 4 and part._mpf_[1]:
            _sign, man, exp, _bits = part._mpf_
            # exp(exp(10**12)) has a binary exponent no float holds: such sizes are clamped.
            huge = abs(exp) >= 10**300
            mags.append((_HUGE if exp > 0 else -_HUGE) if huge else exp * _LOG10_2 + math.log10(man))
    return max(mags) if mags else None


def excluded(digits: int, needed: int) -> str:
    """What agreement at ``digits`` digits, held to ``needed`` (`Status.needed`), rules out, in words."""
    hidden = needed - MARGIN - GUARD
    if hidden <= 0:
        return f"relative differences above 1e-{digits - MARGIN} excluded"
    return (
        f"relative differences above 1e-{digits - MARGIN} excluded (past the 1e-{hidden} the claim's own"
        " numbers and functions could hide)"
    )


def imaginary(value: mpmath.mpc, digits: int) -> bool:
    return abs(mpmath.im(value)) > mpmath.mpf(10) ** (-(digits // 2)) * max(1, abs(value))
