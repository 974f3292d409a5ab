"""Numeric evidence for steps through unknown functions: "verified for every function".

A step such as ``f(x) + g(y) f(x) = f(x) (1 + g(y))`` holds whatever f and g are. The
numeric tier cannot evaluate ``f``; Ackermann's reduction says what to do instead: at each
test point, give every application of an unknown function a random value, the *same* value
to applications of the same function whose arguments are equal there, independent values
otherwise. If both sides agree at every point for every such draw, the step holds for
(almost) every function, so for the one the text means; the evidence says it is sampling.

A disagreement refutes nothing: the step may hold for the particular function meant
(``E`` is linear, a density is positive), so `opaque_agreement` only ever accepts. Arguments
are compared exactly when they are rational at the point (points are rational, so
polynomial and rational arguments are); otherwise they share a value only when sympy's
adaptive evaluation of their difference certifies no digit of it (as it does for the sides). Derivatives, integrals,
sums and limits of unknown functions are out of scope (None).

Not hooked into the numeric tier (derive/numeric.py belongs to the numeric tier's owner):
see `opaque_agreement` for the call it would make.
"""

from __future__ import annotations

import random as _random
from dataclasses import dataclass

import sympy
from sympy.core.evalf import PrecisionExhausted
from sympy.core.function import AppliedUndef

__all__ = ["OpaqueAgreement", "opaque_agreement"]

_OUT_OF_SCOPE = (sympy.Derivative, sympy.Integral, sympy.Sum, sympy.Product, sympy.Limit, sympy.Subs)
_MAX_APPLICATIONS = 200


@dataclass(frozen=True)
class OpaqueAgreement:
    """Both sides agreed at ``points`` points, with ``applications`` distinct values drawn in all."""

    points: int
    applications: int
    functions: tuple[str, ...]

    @property
    def summary(self) -> str:
        names = ", ".join(self.functions)
        return (
            f"verified for every function {names}: at {self.points} points, each application given an "
            f"independent random value ({self.applications} in all), applications with equal arguments "
            "sharing one (Ackermann's reduction); sampling, not a proof"
        )


def opaque_agreement(
    lhs: sympy.Expr, rhs: sympy.Expr, *, points: int = 8, digits: int = 40, seed: int = 0
) -> OpaqueAgreement | None:
    """`OpaqueAgreement` when lhs = rhs at every point for random values of the unknown functions.

    None when the sides disagree somewhere (never a refutation), contain no unknown function,
    or contain what this check does not evaluate (derivatives, integrals, sums, matrices).

    >>> f, g = sympy.Function("f"), sympy.Function("g")
    >>> x, y = sympy.symbols("x y", real=True)
    >>> opaque_agreement(f(x) + g(y) * f(x), f(x) * (1 + g(y))) is not None
    True
    >>> opaque_agreement(f(2 * x), 2 * f(x)) is None
    True
    """
    if not all(isinstance(s, sympy.Expr) for s in (lhs, rhs)):
        return None
    both = sympy.Tuple(lhs, rhs)
    if both.has(*_OUT_OF_SCOPE):
        return None
    calls = both.atoms(AppliedUndef)
    if not calls or len(calls) > _MAX_APPLICATIONS:
        return None
    rng = _random.Random(seed)  # noqa: S311 - reproducible test values, not secrets
    symbols = sorted(both.free_symbols, key=sympy.default_sort_key)
    drawn = 0
    for _ in range(points):
        point = {s: _value_for(s, rng) for s in symbols}
        pool: list[tuple[object, list, sympy.Rational]] = []
        left = _evaluate(lhs, point, pool, rng, digits)
        right = _evaluate(rhs, point, pool, rng, digits)
        drawn += len(pool)
        if left is None or right is None or not _equal(left, right, digits):
            return None
    names = tuple(sorted({c.func.__name__ for c in calls}))
    return OpaqueAgreement(points, drawn, names)


def _value_for(sym: sympy.Symbol, rng: _random.Random) -> sympy.Rational:
    """A rational value the symbol's assumptions allow (positive, nonnegative, integer, ...)."""
    if sym.is_integer:
        n = rng.randint(1, 9)
        return sympy.Integer(n if sym.is_nonnegative or sym.is_positive else rng.choice((-1, 1)) * n)
    q = sympy.Rational(rng.randint(1, 997), rng.randint(1, 97))
    if sym.is_positive or sym.is_nonnegative:
        return q
    if sym.is_negative:
        return -q
    return q if rng.random() < 0.5 else -q


def _evaluate(
    expr: sympy.Basic, point: dict, pool: list[tuple[object, list, sympy.Rational]], rng: _random.Random, digits: int
) -> sympy.Basic | None:
    """``expr`` at ``point`` with each unknown application replaced by its drawn value."""

    def value(node: sympy.Basic) -> sympy.Basic | None:
        if isinstance(node, AppliedUndef):
            args = [value(a) for a in node.args]
            if any(a is None or a.free_symbols for a in args):
                return None
            for func, seen, drawn in pool:
                if func == node.func and _same_arguments(seen, args, digits):
                    return drawn
            drawn = sympy.Rational(rng.randint(-999, 999), rng.randint(1, 97))
            pool.append((node.func, args, drawn))
            return drawn
        if not node.args:
            return point.get(node, node)
        args = [value(a) for a in node.args]
        if any(a is None for a in args):
            return None
        try:
            return node.func(*args)
        except (TypeError, ValueError, ZeroDivisionError):
            return None

    out = value(expr)
    if out is None or out.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo) or out.free_symbols:
        return None
    return out


def _same_arguments(seen: list, args: list, digits: int) -> bool:
    return len(seen) == len(args) and all(_equal(u, v, digits) for u, v in zip(seen, args, strict=True))


def _equal(a: sympy.Basic, b: sympy.Basic, digits: int) -> bool:
    """Equal at the point: exactly for rationals; otherwise when sympy's adaptive evaluation of the
    difference certifies no digit at all (it raises its precision to overcome cancellation, so a
    nonzero difference, however small, comes out as a number)."""
    d = a - b
    if d.is_Rational:
        return d == 0
    try:
        v = d.evalf(2 * digits, strict=True)
    except PrecisionExhausted:
        return True
    return v == 0
