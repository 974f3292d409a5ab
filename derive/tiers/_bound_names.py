"""Sums and products equal up to the name of their index: Σ_k e^{x w_k} / Σ_j e^{x w_j} = 1.

sympy compares bound variables by name, so two sums that differ only in their index letter
(the normaliser of a softmax written with j, its numerator summed with k) never cancel. Renaming
every index to one canonical name per nesting depth (alpha-equivalence) makes them the same
expression, after factors free of the index are taken out of each sum. Sound by construction: a
bound variable's name carries no meaning, and the canonical name keeps the variable's assumptions
(an integer index stays an integer) and cannot clash with a name the readers produce.
"""

from __future__ import annotations

import sympy
from sympy.simplify.simplify import factor_sum

_BIG = (sympy.Sum, sympy.Product)


def canonical_bound(expr: sympy.Basic, depth: int = 0) -> sympy.Basic:
    """``expr`` with the index of every one-index sum and product renamed by its nesting depth."""
    if isinstance(expr, _BIG) and all(len(limit) == 3 for limit in expr.limits):
        body, limits = expr.function, []
        for var, lo, hi in expr.limits:  # innermost first; a bound may use the indices inside it
            # a leading "·" is no name the LaTeX or claim readers make, so it cannot capture a free name
            name = sympy.Symbol(f"·bound{depth}", **var.assumptions0)
            body = body.xreplace({var: name})
            limits = [(v, a.xreplace({var: name}), b.xreplace({var: name})) for v, a, b in limits]
            limits.append((name, lo, hi))
            depth += 1
        body = canonical_bound(body, depth)
        limits = [(v, canonical_bound(a, depth), canonical_bound(b, depth)) for v, a, b in limits]
        return type(expr)(body, *limits)
    if not expr.args or isinstance(expr, sympy.MatrixBase):
        return expr
    return expr.func(*[canonical_bound(a, depth) for a in expr.args])


def factored_sums(expr: sympy.Expr) -> sympy.Expr:
    """Each sum with the factors free of its index taken out (sympy's factor_sum), indices renamed."""
    out = expr.replace(lambda n: isinstance(n, sympy.Sum), factor_sum)
    return sympy.cancel(sympy.together(canonical_bound(out)))
