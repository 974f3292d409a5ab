"""Certified evaluation of both sides of a claim at one point, on a ladder of precisions.

The machinery behind `derive.numeric`: `Ladder` substitutes a point's exact values, then
evaluates both sides lazily at increasing precision (``evalf`` with sympy's own accuracy
report kept as an error bound) and `Ladder.settle` decides, per entry, whether the
difference is zero, nonzero (confirmed at two precisions) or unstable. See the rules in the
`derive.numeric` docstring.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import mpmath
import sympy
from sympy import S

from derive._integrals import QuadratureError, integrals_to_floats, prepare_integrals

__all__ = ["BUDGET", "MARGIN", "UNSTABLE", "Ladder", "SkipPointError", "Status", "imaginary"]

#: Decimal digits given up to rounding: at d digits, "zero" means below 10**-(d - MARGIN), relative.
MARGIN = 10
_STABLE = mpmath.mpf("1e-6")  # two precisions must agree this well for a difference to be real
BUDGET = "time budget"
UNSTABLE = "unstable value"


class SkipPointError(Exception):
    """A point cannot be used; ``reason`` is counted in the evidence."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Status:
    """A settled difference in one cell: ``kind`` is "zero", "nonzero" or "unstable"."""

    kind: str
    value: mpmath.mpc | None = None
    level: int = 0  # index into the precision ladder where it settled


class Ladder:
    """Both sides at one point, evaluated lazily at increasing precision.

    Each value carries sympy's own error bound (the accuracy ``evalf`` reports), so a
    difference is called nonzero only when it stands clear of the error of both sides.
    """

    def __init__(
        self,
        cells_l: Sequence[sympy.Basic],
        cells_r: Sequence[sympy.Basic],
        values: dict[sympy.Symbol, sympy.Rational],
        ladder: Sequence[int],
        deadline: float = float("inf"),
    ) -> None:
        self.ladder = ladder
        self.deadline = deadline
        self.exprs_l = [_substitute(c, values) for c in cells_l]
        self.exprs_r = [_substitute(c, values) for c in cells_r]
        self.cache: dict[int, tuple[list, list]] = {}

    def _level(self, level: int) -> tuple[list, list]:
        if level not in self.cache:
            if level > 0 and time.perf_counter() > self.deadline:
                raise SkipPointError(BUDGET)
            digits = self.ladder[level]
            self.cache[level] = (
                [_evaluate(_quadrature(e, digits), digits) for e in self.exprs_l],
                [_evaluate(_quadrature(e, digits), digits) for e in self.exprs_r],
            )
        return self.cache[level]

    def values(self, level: int) -> tuple[tuple, tuple]:
        """The two sides' values (without error bounds) at a rung of the ladder."""
        lhs, rhs = self._level(level)
        return tuple(v for v, _ in lhs), tuple(v for v, _ in rhs)

    def _diff(self, i: int, level: int) -> tuple[mpmath.mpc, mpmath.mpf, mpmath.mpf]:
        """lhs - rhs in cell ``i``, its error bound, and the size of the sides."""
        lhs, rhs = self._level(level)
        (a, err_a), (b, err_b) = lhs[i], rhs[i]
        with mpmath.workdps(self.ladder[level] + 20):
            d = a - b
            return d, err_a + err_b, max(abs(a), abs(b))

    def _tolerance(self, level: int, scale: mpmath.mpf) -> mpmath.mpf:
        return mpmath.mpf(10) ** (-(self.ladder[level] - MARGIN)) * scale

    def _small(self, i: int, level: int) -> bool:
        d, err, scale = self._diff(i, level)
        with mpmath.workdps(self.ladder[level] + 20):
            return abs(d) + err <= self._tolerance(level, scale)

    def _clear(self, i: int, level: int) -> bool:
        """The difference stands clear of both the error bound and the rounding noise."""
        d, err, scale = self._diff(i, level)
        with mpmath.workdps(self.ladder[level] + 20):
            return abs(d) > 4 * err + self._tolerance(level, scale)

    def settle(self, i: int, need: int) -> Status:
        """Whether cell ``i``'s difference is zero, nonzero (confirmed) or unstable."""
        top = min(len(self.ladder), need + 1)
        for k in range(1, top):
            if k + 1 >= need and all(self._small(i, j) for j in range(k - need + 1, k + 1)):
                return Status("zero", level=k)
            d_prev, err_prev, _ = self._diff(i, k - 1)
            d_now, err_now, _ = self._diff(i, k)
            if self._clear(i, k - 1) and self._clear(i, k) and _stable(d_prev, d_now):
                return Status("nonzero", d_now, k)
            if k >= 2:
                d_first, err_first, _ = self._diff(i, k - 2)
                bounds = (abs(d_first) + err_first, abs(d_prev) + err_prev, abs(d_now) + err_now)
                if _shrinking(*bounds, self.ladder[0]):
                    # Noise around an exact zero that sympy cannot see: it falls with every
                    # doubling of the precision, while a true difference would converge.
                    return Status("zero", level=k)
        return Status("unstable", level=top - 1)


def _substitute(expr: sympy.Basic, values: dict[sympy.Symbol, sympy.Rational]) -> sympy.Basic:
    try:
        out = expr.xreplace(values) if values else expr
        if out.has(sympy.Limit, sympy.MatrixExpr):
            out = out.replace(lambda e: isinstance(e, (sympy.Limit, sympy.MatrixExpr)), lambda e: e.doit())
        if out.has(sympy.Integral):
            out = prepare_integrals(out)
    except (RecursionError, MemoryError):
        raise
    except Exception as exc:  # one bad point must not end the claim; counted in the evidence
        raise SkipPointError(f"undefined ({type(exc).__name__})") from exc
    return out


def _quadrature(expr: sympy.Basic, digits: int) -> sympy.Basic:
    try:
        return integrals_to_floats(expr, digits, margin=MARGIN)
    except QuadratureError as exc:
        raise SkipPointError(str(exc)) from exc


def _evaluate(expr: sympy.Basic, digits: int) -> tuple[mpmath.mpc, mpmath.mpf]:
    """``expr``'s value at ``digits`` digits and an absolute error bound from sympy's accuracy."""
    try:
        # Quadrature is slow to push past its accuracy: give it less room (a low accuracy
        # is reported, not hidden, and the point is then skipped rather than trusted).
        room = 20 if expr.has(sympy.Integral) else digits + 20
        value = expr.evalf(digits, maxn=digits + room)
    except (RecursionError, MemoryError):
        raise
    except Exception as exc:  # sympy/mpmath raise many types on bad points
        raise SkipPointError(f"evaluation failed ({type(exc).__name__})") from exc
    if value.has(S.NaN, S.ComplexInfinity, S.Infinity, S.NegativeInfinity):
        raise SkipPointError("non-finite value")
    if not all(a.is_Number or a is S.ImaginaryUnit for a in value.atoms()):
        raise SkipPointError("no numeric value")
    bits = int(digits * 3.33) + 30
    with mpmath.workprec(bits):
        out = mpmath.mpc(value._to_mpmath(bits))
        if not mpmath.isfinite(out):
            raise SkipPointError("non-finite value")
        # evalf returns Floats whose precision is the accuracy it could vouch for.
        err = mpmath.mpf(0)
        for part in value.as_real_imag():
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


def imaginary(value: mpmath.mpc, digits: int) -> bool:
    return abs(mpmath.im(value)) > mpmath.mpf(10) ** (-(digits // 2)) * max(1, abs(value))
