"""Inequalities that hold for every law: a variance is nonnegative, and so is the mean of a nonnegative variable.

``Var(X) >= 0``, ``E[X^2] >= E[X]^2`` (Jensen for the square), ``E[(X - a)^2] >= 0``, ``2 Var(X) + 1 >= 1``:
the difference of the sides, in the normal form of `derive.tiers._linearity.linear_form`, is a sum of

- variances ``c (E[u^2] - E[u]^2)`` with a positive number c (for an expression u the step averages),
- expectations ``c E[v]`` of a body v sympy proves nonnegative (a square of real names), c > 0,

and a number that is nonnegative. Anything else (a strict inequality: a variance may be 0; a factor
whose sign is unknown; a square of a complex name) is left undecided. `nonnegative_for_every_law`
returns the certificate in words, or None.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy
from sympy.core.function import AppliedUndef

__all__ = ["nonnegative_for_every_law"]

_MAX_CANDIDATES = 12


def nonnegative_for_every_law(
    difference: sympy.Expr,
    is_expectation: Callable[[sympy.Basic], bool],
) -> str | None:
    """Words for why ``difference`` (in normal form) is >= 0 under every law, or None.

    ``is_expectation(node)``: whether ``node`` is an application of an unknown-law expectation
    (its first argument the body; further arguments a conditioning, kept).

    >>> E = sympy.Function("E")
    >>> x = sympy.Symbol("x", real=True)
    >>> nonnegative_for_every_law(E(x**2) - E(x) ** 2, lambda n: n.func == E)
    'E[x**2] - E[x]**2 is the variance of x'
    >>> nonnegative_for_every_law(E(x) ** 2 - E(x**2), lambda n: n.func == E) is None
    True
    """
    difference = sympy.expand(difference, deep=False)
    if not isinstance(difference, sympy.Expr) or difference.has(sympy.nan, sympy.zoo):
        return None
    reasons: list[str] = []
    rest = difference
    for u, func, conditioning in _variance_candidates(difference, is_expectation)[:_MAX_CANDIDATES]:
        square = func(sympy.expand(u**2), *conditioning)
        mean = func(u, *conditioning)
        coefficient = rest.coeff(square)
        if not (coefficient.is_Number and coefficient > 0):
            continue
        after = sympy.expand(rest - coefficient * (square - mean**2), deep=False)
        if after.has(square):
            continue
        rest = after
        reasons.append(f"{_said(square)} - {_said(mean)}**2 is the variance of {u}")
    terms = sympy.Add.make_args(rest)
    leftover: list[sympy.Expr] = []
    for term in terms:
        coefficient, atoms = term.as_coeff_Mul()
        if isinstance(atoms, AppliedUndef) and is_expectation(atoms) and coefficient > 0:
            if atoms.args[0].is_nonnegative is True:
                reasons.append(f"{_said(atoms)} is the mean of a nonnegative variable")
                continue
            return None
        leftover.append(term)
    constant = sympy.Add(*leftover)
    if any(is_expectation(n) for n in sympy.preorder_traversal(constant)):
        return None
    if constant != 0 and constant.is_nonnegative is not True:
        return None
    if not reasons:
        return None
    return "; ".join(reasons)


def _variance_candidates(
    expr: sympy.Expr, is_expectation: Callable[[sympy.Basic], bool]
) -> list[tuple[sympy.Expr, object, tuple]]:
    """(u, the operator, its conditioning) for each E[u]^2 of ``expr`` with a negative coefficient."""
    found: list[tuple[sympy.Expr, object, tuple]] = []
    for term in sympy.Add.make_args(expr):
        coefficient, rest = term.as_coeff_Mul()
        if not (coefficient.is_Number and coefficient < 0):
            continue
        base, exp = rest.as_base_exp()
        if exp == 2 and isinstance(base, AppliedUndef) and is_expectation(base) and base.args:
            candidate = (base.args[0], base.func, tuple(base.args[1:]))
            if candidate not in found:
                found.append(candidate)
    return sorted(found, key=lambda c: str(c[0]))


def _said(node: sympy.Basic) -> str:
    if isinstance(node, AppliedUndef) and node.args:
        inside = ", ".join(str(a) for a in node.args)
        return f"{node.func.__name__}[{inside}]"
    return str(node)
