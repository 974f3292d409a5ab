"""Definite integrals for the numeric tier: split at kinks, polynomials exact, the rest by quadrature.

After a claim's symbols are replaced by numbers, its definite integrals are numbers too.
`prepare_integrals` makes them easy: across a kink (``|u - 1/3|``) or a jump
(``Heaviside(u - a)``, a uniform density written as a ``Piecewise``) quadrature converges
slowly, so integrals are split at the kinks that can be located exactly (real roots of
polynomial arguments), each kink function is resolved to the smooth branch it takes on each
piece, and polynomial pieces are integrated exactly. A multiple integral over a box whose
integrand is a product of one-variable factors (a Gaussian in polar coordinates) becomes the
product of its one-dimensional integrals (`_separate`).

`integrals_to_floats` then replaces each remaining one-dimensional integral by a sympy
``Float`` whose precision is full: mpmath's tanh-sinh rule on the integrand compiled to mpmath
(sympy's own ``evalf`` of an integral re-evaluates the integrand symbolically at every node
and can take minutes), cross-checked against the same rule on the interval split in two.
The error estimate and the disagreement bound the error; an integral whose bound is not
tiny (a kink that could not be located, a singularity) is refused rather than entered with
digits nobody can vouch for.

>>> u = sympy.Symbol("u", real=True)
>>> prepare_integrals(sympy.Integral(sympy.Abs(u - sympy.Rational(1, 3)), (u, 0, 1)))
5/18
"""

from __future__ import annotations

import itertools

import mpmath
import sympy
from sympy import S

__all__ = ["QuadratureError", "integrals_to_floats", "prepare_integrals"]


class QuadratureError(ValueError):
    """An integral has no numeric value here (nested, symbolic bounds, a distribution...)."""


def prepare_integrals(expr: sympy.Basic) -> sympy.Basic:
    """Rewrite the numeric definite integrals in ``expr`` into pieces quadrature handles well."""
    if not expr.has(sympy.Integral):
        return expr
    expr = expr.replace(lambda e: isinstance(e, sympy.Integral) and len(e.limits) > 1, _separate)
    if expr.has(*_KINKS):
        expr = expr.replace(lambda e: isinstance(e, sympy.Integral), _split_at_kinks)
    return expr.replace(lambda e: isinstance(e, sympy.Integral), _polynomial_integral)


_KINKS = (sympy.Abs, sympy.Heaviside, sympy.sign, sympy.Max, sympy.Min, sympy.Piecewise)
_MAX_PIECES = 64


_SEPARATE_OPS = 80  # integrands larger than this are not simplified to look for separate factors


def _separate(node: sympy.Integral) -> sympy.Basic:
    """A multiple integral over a box whose integrand is a product of one-variable factors, as the
    product of one-dimensional integrals (which quadrature evaluates; a 2-D tanh-sinh rule at 40
    digits takes half a minute).

    ``∫_0^{2π} ∫_0^∞ e^{-(r² sin²θ + r² cos²θ)/2σ²} r dr dθ`` is ``(∫_0^∞ e^{-r²/2σ²} r dr)(∫_0^{2π} dθ)``:
    the iterated integral equals the product whenever both factors exist, and quadrature refuses
    a factor that does not. The integrand is only rewritten by exact identities (trigsimp).
    Anything else (bounds that depend on another variable, a factor of two variables) is left
    as it is.
    """
    if any(len(lim) != 3 for lim in node.limits):
        return node
    variables = [lim[0] for lim in node.limits]
    if len(set(variables)) != len(variables):
        return node
    for _, lo, hi in node.limits:
        if not (lo.is_number and hi.is_number):
            return node
    f = node.function
    if f.free_symbols - set(variables) or f.has(sympy.Integral, sympy.Sum, sympy.DiracDelta):
        return node
    parts = _one_variable_factors(f, variables)
    if parts is None:
        return node
    factors = [_polynomial_integral(sympy.Integral(parts[var], (var, lo, hi))) for var, lo, hi in node.limits]
    if any(f == 0 for f in factors):
        # 0 times a divergent factor would fold to 0 (∫_{-1}^{1} θ dθ ∫_0^∞ e^{r} dr): keep it whole.
        return node
    return sympy.Mul(parts[None], *factors)


def _one_variable_factors(f: sympy.Expr, variables: list[sympy.Symbol]) -> dict | None:
    """``f`` as a product of factors of one variable each (key None: of none), or None.

    Written by hand rather than with sympy's separatevars, which factors exp(-625 r²/4418)
    as a polynomial of degree 4418 in a root of e^{r²} (seconds per point).
    """
    parts: dict = {None: S.One, **{v: S.One for v in variables}}
    for factor in sympy.Mul.make_args(f):
        if isinstance(factor, sympy.exp):
            pieces = _additive_pieces(factor.args[0], variables)
            if pieces is None:
                return None
            for var, piece in pieces.items():
                parts[var] *= sympy.exp(piece)
            continue
        owners = factor.free_symbols & set(variables)
        if len(owners) > 1:
            return None
        parts[owners.pop() if owners else None] *= factor
    return parts


def _additive_pieces(arg: sympy.Expr, variables: list[sympy.Symbol]) -> dict | None:
    """``arg`` as a sum of terms of one variable each, after expanding (and, where a term mixes
    variables through sines and cosines, after trigsimp: r² sin²θ + r² cos²θ is r²)."""
    pieces = _pieces(arg, variables)
    if pieces is None and sympy.count_ops(arg) <= _SEPARATE_OPS and arg.has(sympy.sin, sympy.cos):
        pieces = _pieces(sympy.trigsimp(arg), variables)
    return pieces


def _pieces(arg: sympy.Expr, variables: list[sympy.Symbol]) -> dict | None:
    pieces: dict = {}
    for term in sympy.Add.make_args(sympy.expand(arg)):
        owners = term.free_symbols & set(variables)
        if len(owners) > 1:
            return None
        key = owners.pop() if owners else None
        pieces[key] = pieces.get(key, S.Zero) + term
    return pieces


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


def integrals_to_floats(expr: sympy.Basic, digits: int, *, margin: int = 10) -> sympy.Basic:
    """Replace each numeric 1-D definite integral by its value at ``digits`` digits.

    A value enters only when quadrature vouches for all but ``margin`` of the digits (or the
    integral is zero up to that noise). Raises `QuadratureError` otherwise, and for integrals
    that cannot be evaluated this way (several variables, free symbols left in the integrand,
    functions mpmath does not know).
    """
    if not expr.has(sympy.Integral):
        return expr
    return expr.replace(lambda e: isinstance(e, sympy.Integral), lambda e: _quadrature(e, digits, margin))


def _quadrature(node: sympy.Integral, digits: int, margin: int) -> sympy.Expr:
    if len(node.limits) != 1 or len(node.limits[0]) != 3:
        msg = "only one-dimensional definite integrals are evaluated numerically"
        raise QuadratureError(msg)
    var, lo, hi = node.limits[0]
    f = _closed_forms(node.function)
    if f.free_symbols - {var} or not (lo.is_number and hi.is_number):
        msg = "an integral still has free symbols"
        raise QuadratureError(msg)
    if f.has(sympy.Integral, sympy.DiracDelta, sympy.Sum):
        msg = "the integrand has no pointwise numeric value"
        raise QuadratureError(msg)
    try:
        func = sympy.lambdify(var, f, modules="mpmath", dummify=True)
    except Exception as exc:  # the printer rejects what mpmath cannot evaluate
        raise QuadratureError(f"cannot compile the integrand ({type(exc).__name__})") from exc
    prec = int(digits * 3.33) + 4
    with mpmath.workdps(digits + 10):
        try:
            a, b = _bound(lo), _bound(hi)
            value, err = mpmath.quad(func, [a, b], error=True)
            split = mpmath.quad(func, [a, _interior(a, b), b])
            # On an infinite interval both of those can agree on garbage when the mass sits far
            # from the finite end (∫_{-oo}^{100} e^{-s²/2} ds came out 4e-615): a third estimate
            # splits at the points where such mass usually is.
            marks = [m for m in (-10, -1, 0, 1, 10) if a < m < b]
            anchored = mpmath.quad(func, [a, *marks, b]) if (mpmath.isinf(a) or mpmath.isinf(b)) and marks else split
        except (ValueError, TypeError, ZeroDivisionError, ArithmeticError, NameError) as exc:
            raise QuadratureError(f"quadrature failed ({type(exc).__name__})") from exc
        if not (mpmath.isfinite(value) and mpmath.isfinite(split) and mpmath.isfinite(anchored)):
            msg = "the integral is not finite"
            raise QuadratureError(msg)
        bound = max(abs(err), abs(value - split), abs(value - anchored)) * 4
        size = abs(value)
        target = mpmath.mpf(10) ** (-(digits - margin))
        if bound <= target * size:
            # sympy's evalf takes a Float as exact at the working precision: only a value
            # accurate to (nearly) that precision may enter it.
            return _float(value, prec)
        if size + bound <= target and size <= bound:
            # An integral that is zero up to the quadrature noise: enter it as a number of
            # the noise's size with no accurate digits; the tier's precision ladder sees
            # whether it keeps shrinking. (A tiny value that stands clear of its own error
            # bar, a Gaussian tail of 5.6e-64, is not noise: it must be computed accurately.)
            return sympy.Float._new(mpmath.mpf(size + bound)._mpf_, 1)
    msg = "quadrature could not reach the working precision (a kink or singularity inside the interval?)"
    raise QuadratureError(msg)


def _float(value: mpmath.mpf | mpmath.mpc, prec: int) -> sympy.Expr:
    if isinstance(value, mpmath.mpc):
        re = sympy.Float._new(value.real._mpf_, prec) if value.real else S.Zero
        im = sympy.Float._new(value.imag._mpf_, prec) if value.imag else S.Zero
        return re + im * S.ImaginaryUnit
    return sympy.Float._new(value._mpf_, prec)


def _closed_forms(f: sympy.Basic) -> sympy.Basic:
    # derive's sigmoid/softplus/logit are defined by closed forms mpmath can evaluate.
    return f.replace(lambda e: hasattr(e, "_closed_form"), lambda e: e._closed_form(e.args[0]))


def _bound(value: sympy.Expr) -> mpmath.mpf:
    if value is S.Infinity:
        return mpmath.inf
    if value is S.NegativeInfinity:
        return -mpmath.inf
    out = mpmath.mpmathify(value.evalf(mpmath.mp.dps))
    if not mpmath.isfinite(out) or isinstance(out, mpmath.mpc):
        msg = f"integration bound {value} is not a finite real number"
        raise QuadratureError(msg)
    return out


def _interior(a: mpmath.mpf, b: mpmath.mpf) -> mpmath.mpf:
    """A point inside (a, b), off-centre so the split rule's nodes differ from the whole rule's."""
    if mpmath.isinf(a) and mpmath.isinf(b):
        return mpmath.mpf(1) / 3
    if mpmath.isinf(a):
        return b - mpmath.mpf(4) / 3
    if mpmath.isinf(b):
        return a + mpmath.mpf(4) / 3
    return a + (b - a) * mpmath.mpf(3) / 7
