"""Bound variables that carry a declaration made for the free name of the same letter.

sympy applies a symbol's assumptions when an expression is built: with x declared positive,
``|x| e^{-x^2}`` is already ``x e^{-x^2}`` before any ``\\int_{-\\infty}^{\\infty} \\ldots dx`` wraps
it. The variable of an integral, sum or product written with that letter is then the declared
symbol, and the integrand was simplified with a sign it does not have over its range: ∫|x|e^{-x²}dx
over the line "equals" 0 and was proved. Nothing downstream can undo that, so a claim where a
declaration reaches a bound variable whose range it does not cover is left undecided, with the
reason and what would settle it (`bound_clash`).

A declaration that holds over the whole range is harmless and kept (x positive and ∫_0^∞, k a
positive integer and Σ_{k=1}^n): what sympy simplified with it is true wherever the variable runs.
"""

from __future__ import annotations

from typing import Any

import sympy
from sympy import Integral, Product, Sum

__all__ = ["bound_clash"]

#: Assumptions whose truth over a range can be read off its ends.
_SIGNS = ("positive", "nonnegative", "negative", "nonpositive")
#: The order in which a broken declaration is named (the one a user wrote first, not what sympy derived).
_ORDER = ("positive", "negative", "nonnegative", "nonpositive", "nonzero", "integer", "rational")
#: Assumptions a bound variable may carry without a check (what every real variable of a range has).
_HARMLESS = frozenset(
    {"real", "extended_real", "complex", "finite", "infinite", "commutative", "hermitian", "imaginary", "algebraic"}
)


def bound_clash(problem: Any) -> str | None:
    """Why a bound variable of ``problem`` carries a declaration its range breaks, or None."""
    exprs = [problem.lhs, problem.rhs, *(m[0] for m in problem.moments), *(m[1] for m in problem.moments)]
    for expr in exprs:
        if not isinstance(expr, sympy.Basic):
            continue
        for node in expr.atoms(Integral, Sum, Product):
            for limit in node.limits:
                why = _clash(node, limit)
                if why:
                    return why
    return None


def _clash(node: sympy.Basic, limit: tuple[Any, ...]) -> str | None:
    var = limit[0]
    if not isinstance(var, sympy.Symbol):
        return None
    stated = {k for k, v in var.assumptions0.items() if v is True} - _HARMLESS
    if not stated:
        return None
    lo, hi = (limit[1], limit[2]) if len(limit) == 3 else (None, None)
    summed = not isinstance(node, Integral)
    what = "index of a sum or product" if summed else "variable of integration"
    named = {k.removeprefix("extended_") for k in stated}
    for kind in [*(k for k in _ORDER if k in named), *sorted(named - set(_ORDER))]:
        if not _covers(kind, lo, hi, summed=summed):
            where = f"from {lo} to {hi}" if lo is not None else "without limits"
            return (
                f"{var} is declared {kind}, but it is also the {what} {where}, where that does not hold "
                f"(the declaration would simplify what is integrated or summed, e.g. |{var}| to {var}); "
                f"use another letter for the bound variable, or declare {var} real"
            )
    return None


def _covers(kind: str, lo: Any, hi: Any, *, summed: bool) -> bool:
    """Whether a variable running from ``lo`` to ``hi`` has ``kind`` everywhere (an integral's ends are
    measure zero, a sum's are terms)."""
    if lo is None or hi is None:
        return False
    if kind.startswith("extended_"):
        return _covers(kind.removeprefix("extended_"), lo, hi, summed=summed)
    if kind in _SIGNS:
        end = lo if kind in ("positive", "nonnegative") else hi
        strict = summed and kind in ("positive", "negative")
        test = {
            "positive": end > 0 if strict else end >= 0,
            "nonnegative": end >= 0,
            "negative": end < 0 if strict else end <= 0,
            "nonpositive": end <= 0,
        }[kind]
        return test is sympy.true
    if kind in ("nonzero", "integer", "rational"):
        if not summed:
            # a continuum: nonzero misses a null set of it, integer and rational its whole measure
            return kind == "nonzero"
        if kind == "nonzero":
            return (lo > 0) is sympy.true or (hi < 0) is sympy.true
        return True  # a sum's index runs over whole numbers
    return False  # an assumption this check does not know: never let it through silently
