"""Definite integrals made easy for quadrature: split at kinks, polynomials done exactly.

The numeric tier evaluates integrals (after the claim's symbols are replaced by numbers)
with sympy's ``evalf``, which uses tanh-sinh quadrature and reports the accuracy it reached.
Across a kink (``|u - 1/3|``) or a jump (``Heaviside(u - a)``, a uniform density written as
a ``Piecewise``) quadrature converges slowly, sympy reports a low accuracy, and the point
would be skipped. `prepare_integrals` splits such integrals at the kinks it can locate
exactly (real roots of polynomial arguments), resolves each kink function to the smooth
branch it takes on each piece, and integrates polynomial pieces exactly.

>>> u = sympy.Symbol("u", real=True)
>>> prepare_integrals(sympy.Integral(sympy.Abs(u - sympy.Rational(1, 3)), (u, 0, 1)))
5/18
"""

from __future__ import annotations

import itertools

import sympy
from sympy import S

__all__ = ["prepare_integrals"]


def prepare_integrals(expr: sympy.Basic) -> sympy.Basic:
    """Rewrite the numeric definite integrals in ``expr`` into pieces quadrature handles well."""
    if not expr.has(sympy.Integral):
        return expr
    if expr.has(*_KINKS):
        expr = expr.replace(lambda e: isinstance(e, sympy.Integral), _split_at_kinks)
    return expr.replace(lambda e: isinstance(e, sympy.Integral), _polynomial_integral)


_KINKS = (sympy.Abs, sympy.Heaviside, sympy.sign, sympy.Max, sympy.Min, sympy.Piecewise)
_MAX_PIECES = 64


def _split_at_kinks(node: sympy.Integral) -> sympy.Basic:
    """Split a 1-D definite integral where its integrand has a kink or a jump.

    Quadrature converges slowly across a kink (``|u - 1/3|``) and sympy then reports a low
    accuracy; on each smooth piece it is fast and accurate. Kinks are the real roots (in the
    interval) of the arguments of Abs, Heaviside, sign, Max/Min differences and Piecewise
    conditions when those are polynomials in the integration variable.
    """
    if len(node.limits) != 1 or len(node.limits[0]) != 3:
        return node
    var, lo, hi = node.limits[0]
    f = node.function
    if not (lo.is_number and hi.is_number) or f.free_symbols - {var}:
        return node
    cuts: dict[str, sympy.Expr] = {}
    complete = True  # every kink argument is a polynomial whose real roots are all known
    for g in _kink_arguments(f, var):
        roots = _real_roots(g, var)
        if roots is None:
            complete = False
            continue
        for root in roots:
            if (lo.is_infinite or sympy.N(root - lo, 30) > 0) and (hi.is_infinite or sympy.N(hi - root, 30) > 0):
                cuts[str(root)] = root
        if len(cuts) > _MAX_PIECES:
            return node
    edges = [lo, *sorted(cuts.values(), key=lambda r: sympy.N(r, 30)), hi]
    pieces = []
    for a, b in itertools.pairwise(edges):
        # Between consecutive cuts every kink function is smooth: resolve it to the branch it
        # takes there, so quadrature sees a smooth (and cheap) integrand.
        piece = _resolve_kinks(f, var, _inside(a, b)) if complete else f
        pieces.append(sympy.Integral(piece, (var, a, b)))
    return sympy.Add(*pieces)


def _polynomial_integral(node: sympy.Integral) -> sympy.Basic:
    """Integrate a polynomial over a finite interval exactly (quadrature would be slower)."""
    if len(node.limits) != 1 or len(node.limits[0]) != 3:
        return node
    var, lo, hi = node.limits[0]
    f = node.function
    if not (lo.is_number and hi.is_number and lo.is_finite and hi.is_finite) or f.free_symbols - {var}:
        return node
    try:
        poly = sympy.Poly(f, var)
    except sympy.PolynomialError:
        return node
    if poly.degree() > 50 or not all(c.is_number for c in poly.all_coeffs()):
        return node
    antiderivative = poly.integrate()
    return antiderivative.eval(hi) - antiderivative.eval(lo)


def _inside(a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
    if a.is_infinite and b.is_infinite:
        return S.Zero
    if a.is_infinite:
        return b - 1
    if b.is_infinite:
        return a + 1
    return (a + b) / 2


def _resolve_kinks(f: sympy.Basic, var: sympy.Symbol, at: sympy.Expr) -> sympy.Basic:
    def positive(g: sympy.Expr) -> bool | None:
        value = sympy.N(g.xreplace({var: at}), 30)
        return None if not value.is_real else bool(value > 0)

    def resolve(node: sympy.Basic) -> sympy.Basic:
        if isinstance(node, (sympy.Abs, sympy.Heaviside, sympy.sign)):
            g = node.args[0]
            if not g.has(var):
                return node
            pos = positive(g)
            if pos is None:
                return node
            if isinstance(node, sympy.Abs):
                return g if pos else -g
            if isinstance(node, sympy.Heaviside):
                return S.One if pos else S.Zero
            return S.One if pos else S.NegativeOne
        if isinstance(node, (sympy.Max, sympy.Min)):
            values = [sympy.N(a.xreplace({var: at}), 30) for a in node.args]
            if not all(v.is_real for v in values):
                return node
            pick = max if isinstance(node, sympy.Max) else min
            return node.args[values.index(pick(values))]
        if isinstance(node, sympy.Piecewise):
            for expr, cond in node.args:
                truth = cond.xreplace({var: at}) if isinstance(cond, sympy.Basic) else cond
                if truth is S.true or truth is True:
                    return expr
                if truth is not S.false and truth is not False:
                    return node
        return node

    return f.replace(lambda e: isinstance(e, _KINKS), resolve)


def _kink_arguments(f: sympy.Basic, var: sympy.Symbol) -> list[sympy.Expr]:
    out: list[sympy.Expr] = []
    for node in f.atoms(*_KINKS):
        if isinstance(node, (sympy.Max, sympy.Min)):
            args = node.args
            out.extend(a - b for i, a in enumerate(args) for b in args[i + 1 :])
        elif isinstance(node, sympy.Piecewise):
            for _expr, cond in node.args:
                rels = cond.atoms(sympy.core.relational.Relational) if isinstance(cond, sympy.Basic) else ()
                out.extend(r.lhs - r.rhs for r in rels)
        else:
            out.append(node.args[0])
    return [g for g in out if var in g.free_symbols]


def _real_roots(g: sympy.Expr, var: sympy.Symbol) -> list[sympy.Expr] | None:
    """All real roots of a polynomial ``g`` (exact), or None when they cannot all be found."""
    try:
        poly = sympy.Poly(g, var)
    except sympy.PolynomialError:
        return None
    if poly.degree() > 4 or not all(c.is_number for c in poly.all_coeffs()):
        return None
    try:
        found = sympy.roots(poly)
    except (NotImplementedError, ValueError, TypeError):
        return None
    if sum(found.values()) != poly.degree():
        return None  # some roots were not found in closed form
    return [r for r in found if r.is_real]
