"""Signs of a Gaussian exponent's leading coefficient, wherever the coefficient is defined.

A density written ``exp(-x^2 / (2 sigma^2))`` with ``sigma`` only declared real has the x² coefficient
``-1/(2 sigma^2)``: sympy cannot call ``1/(2 sigma^2)`` positive (at ``sigma = 0`` it is ``zoo``), yet
wherever the integrand has a value at all, the coefficient is negative and the integral converges. These
tests read a coefficient ``n/d`` (after ``cancel``) and ask sympy for the sign of ``n`` and of ``d``
separately: ``n > 0`` and ``d >= 0`` for every admissible value means ``n/d > 0`` wherever ``d != 0``, that
is wherever the coefficient (and the integrand holding it) is defined. ``cancel`` only removes common
factors, so its denominator vanishes only where the written coefficient already has a pole.

>>> s = sympy.Symbol("sigma", real=True)
>>> positive_where_defined(1 / (2 * s**2)), positive_where_defined(s**2 / 2)
(True, False)
"""

from __future__ import annotations

import sympy

__all__ = [
    "finite_where_defined",
    "nonnegative_where_defined",
    "positive_where_defined",
    "real_where_defined",
    "sign_hint",
    "signed_infinity",
]

#: Coefficients larger than this are not examined (a Gaussian's coefficient is a handful of operations).
_MAX_OPS = 200
_MAX_OPS_TRIG = 40


def _fraction(a: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr] | None:
    if not isinstance(a, sympy.Expr) or sympy.count_ops(a) > _MAX_OPS or a.has(sympy.I, sympy.zoo, sympy.nan):
        return None
    try:
        n, d = sympy.fraction(sympy.cancel(sympy.together(a)))
    except (sympy.PolynomialError, ValueError, TypeError):
        return None
    return n, d


def positive_where_defined(a: sympy.Expr) -> bool:
    """Whether ``a > 0`` at every value of its symbols where ``a`` is finite (provably, by sympy's assumptions)."""
    if a.is_positive is True:
        return True
    parts = _fraction(a)
    if parts is None:
        return False
    n, d = parts
    if n.has(sympy.sin, sympy.cos) and sympy.count_ops(n) <= _MAX_OPS_TRIG:
        n = sympy.trigsimp(n)  # sin²θ + cos²θ of a radius written in polar coordinates
    return (n.is_positive is True and d.is_nonnegative is True) or (n.is_negative is True and d.is_nonpositive is True)


def nonnegative_where_defined(a: sympy.Expr) -> bool:
    """Whether ``a >= 0`` at every value of its symbols where ``a`` is finite (provably)."""
    if a.is_nonnegative is True:
        return True
    parts = _fraction(a)
    if parts is None:
        return False
    n, d = parts
    return (n.is_nonnegative is True and d.is_nonnegative is True) or (
        n.is_nonpositive is True and d.is_nonpositive is True
    )


def real_where_defined(a: sympy.Expr) -> bool:
    """Whether ``a`` is real at every value of its symbols where it is finite (provably)."""
    if a.is_extended_real is True:
        return True
    parts = _fraction(a)
    return parts is not None and parts[0].is_extended_real is True and parts[1].is_extended_real is True


def signed_infinity(e: sympy.Basic) -> sympy.Basic:
    """``oo`` (``-oo``) for ``oo`` times factors positive (negative) wherever defined, else ``e`` unchanged.

    ``oo / |sigma|``, the divergent integral under a density's constant, is ``oo`` wherever it has a value.
    """
    if not isinstance(e, sympy.Mul):
        return e
    infinities = [f for f in e.args if f in (sympy.oo, -sympy.oo)]
    if len(infinities) != 1:
        return e
    rest = sympy.Mul(*(f for f in e.args if f is not infinities[0]))
    if rest.has(sympy.oo, -sympy.oo, sympy.zoo, sympy.nan, sympy.Integral, sympy.Sum, sympy.Limit):
        return e
    if positive_where_defined(rest):
        return infinities[0]
    if positive_where_defined(-rest):
        return -infinities[0]
    return e


def finite_where_defined(e: sympy.Basic) -> bool:
    """Whether ``e`` is finite at every value of its symbols where it is defined (``I / |sigma|``)."""
    if not isinstance(e, sympy.Expr):
        return False
    if e.is_finite is True:
        return True
    if e.has(sympy.oo, -sympy.oo, sympy.zoo, sympy.nan, sympy.Integral, sympy.Sum, sympy.Limit):
        return False
    parts = _fraction(e)
    return parts is not None and parts[0].is_finite is True and parts[1].is_finite is True


def sign_hint(a: sympy.Expr) -> str:
    """What declaration would make ``a`` (a coefficient that should be positive) provably positive."""
    names = sorted(str(s) for s in a.free_symbols)
    if not names:
        return f"{a} > 0"
    positive = {s: sympy.Dummy(str(s), positive=True) for s in a.free_symbols}
    if positive_where_defined(a.xreplace(positive)):
        return f"{a} > 0, which is not provable: declare {', '.join(names)} positive (or state it) if that is meant"
    return f"{a} > 0, which the declarations do not imply"  # a^2 - 1: no kind of a alone settles it
