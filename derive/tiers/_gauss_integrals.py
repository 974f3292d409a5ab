"""Gaussian integrals in closed form, exactly and in milliseconds: ∫ P(x) exp(Q(x)) dx.

P is a polynomial and Q a quadratic in the variable of integration. `gaussian_node` evaluates
a definite ``Integral`` over

- the whole line: ∫ x^k exp(-a x² + b x + c) dx = √(π/a) e^{c + b²/4a} E[Y^k], Y ~ N(b/2a, 1/2a)
  (`derive.tiers.expectation.gaussian_integral`: completing the square, exact normal moments);
- a half-line whose end is the vertex of Q (``[0, oo)`` of ``exp(-r²/2σ²)``, ``[μ, oo)`` of
  ``exp(-(x - μ)²)`` with μ a number): ∫_0^∞ s^k e^{-a s²} ds = Γ((k+1)/2) / (2 a^{(k+1)/2}); or of
  a decaying exponential (``exp(-u/2σ²)``, Q of degree 1): ∫_0^∞ s^k e^{-λ s} ds = k! / λ^{k+1};
- a box of such limits (∫∫ over ℝ², polar coordinates ∫_0^{2π} ∫_0^∞ ... r dr dθ): the
  innermost limits are done one at a time while they have this form, the rest is left as an
  ``Integral`` of the closed form (sympy does ∫_0^{2π} σ² dθ at once).

Each leading coefficient ``a`` must be provably positive wherever it is defined
(`derive.tiers._gauss_sign`): ``1/(2 σ²)`` of a real σ is, ``1/(2 σ)`` is not (declare σ
positive), and such an integral is left alone. Over the whole line an integrand
``c exp(Q)`` with ``c > 0`` free of x and Q's x² coefficient provably >= 0 (``exp(-x/2σ²)``,
the typo for ``x²``) is +oo: a positive integrand that does not decay has no finite integral.
Nothing else is evaluated: limits other than numbers, an integrand that is not
polynomial × exp(quadratic) (after ``expand_log``), a variable of integration that is also
free outside the integral (``x ∫ e^{-x²} dx``: which x the author means is not ours to
guess). Every value is a sympy expression, never a float.

>>> r, s = sympy.Symbol("r", real=True), sympy.Symbol("sigma", real=True)
>>> gaussian_node(sympy.Integral(r * sympy.exp(-(r**2) / (2 * s**2)), (r, 0, sympy.oo)))
sigma**2
"""

from __future__ import annotations

import sympy
from sympy import S

from derive.tiers._gauss_sign import (
    nonnegative_where_defined,
    positive_where_defined,
    real_where_defined,
    sign_hint,
)
from derive.tiers.expectation import gaussian_exponent, gaussian_integral, gaussian_terms

__all__ = ["free_outside_integrals", "gaussian_integrals", "gaussian_node", "sign_notes"]

#: Polynomial factors beyond this degree are left to sympy (the moments grow fast).
_MAX_DEGREE = 12


def gaussian_integrals(expr: sympy.Basic) -> sympy.Basic:
    """``expr`` with each Gaussian integral in it replaced by its closed form (innermost first).

    An integral whose variable is also a free symbol of ``expr`` outside every integral is
    left as it is.
    """
    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.Integral):
        return expr
    outside = free_outside_integrals(expr)

    def rule(node: sympy.Integral) -> sympy.Basic:
        if any(lim[0] in outside for lim in node.limits):
            return node
        out = gaussian_node(node)
        return node if out is None else out

    return expr.replace(lambda e: isinstance(e, sympy.Integral), rule)


def free_outside_integrals(expr: sympy.Basic) -> set[sympy.Basic]:
    """The free symbols of ``expr`` outside every integral in it."""
    marks = {node: sympy.Dummy() for node in expr.atoms(sympy.Integral)}
    return expr.xreplace(marks).free_symbols - set(marks.values())


def gaussian_node(node: sympy.Integral) -> sympy.Expr | None:
    """The closed form of ``node`` (or of its innermost limits, the rest left as an Integral), else None."""
    if not isinstance(node, sympy.Integral) or not node.function.has(sympy.exp):
        return None
    value: sympy.Expr = sympy.expand_log(_split_density_logs(node.function), force=False)
    limits = list(node.limits)
    done = 0
    while done < len(limits):
        one = _one_limit(value, limits[done])
        if one is None:
            break
        value, done = one, done + 1
    if done == 0:
        return None
    rest = limits[done:]
    return sympy.Integral(value, *rest) if rest else value


def _split_density_logs(f: sympy.Expr) -> sympy.Expr:
    """``log(c exp(q))`` as ``log(c) + q`` when c is positive and q real wherever they are defined.

    The log of a Gaussian density (an entropy, a KL) with σ only real: ``expand_log`` splits only
    what sympy calls positive, and ``exp(-(x - μ)²/2σ²)`` or ``√(2πσ²)`` are not, at σ = 0.
    """
    if not f.has(sympy.log):
        return f

    def split(node: sympy.log) -> sympy.Expr:
        if len(node.args) != 1 or not node.args[0].has(sympy.exp):
            return node
        total, rest = S.Zero, S.One
        for factor in sympy.Mul.make_args(node.args[0]):
            if isinstance(factor, sympy.exp) and real_where_defined(factor.args[0]):
                total += factor.args[0]
            elif positive_where_defined(factor):
                rest *= factor
            else:
                return node
        return total + sympy.log(rest)

    return f.replace(lambda e: isinstance(e, sympy.log), split)


def _one_limit(f: sympy.Expr, limit: tuple) -> sympy.Expr | None:
    if len(limit) != 3:
        return None
    x, lo, hi = limit
    if not (isinstance(x, sympy.Symbol) and lo.is_number and hi.is_number) or x.is_real is False:
        return None
    if f.has(sympy.Integral, sympy.Sum, sympy.Derivative, sympy.Piecewise, sympy.DiracDelta):
        return None
    if lo == S.NegativeInfinity and hi == S.Infinity:
        return _divergent(f, x) or gaussian_integral(f, x)
    if lo.is_extended_real is not True or hi.is_extended_real is not True:
        return None
    if hi == S.Infinity and lo.is_finite:
        return _half_line(f.xreplace({x: lo + x}), x)  # x = lo + s, s >= 0
    if lo == S.NegativeInfinity and hi.is_finite:
        return _half_line(f.xreplace({x: hi - x}), x)  # x = hi - s, s >= 0
    return None


def _half_line(f: sympy.Expr, s: sympy.Symbol) -> sympy.Expr | None:
    """∫_0^∞ f ds when every exponent of f is -a s² + c (vertex at 0) with a provably positive."""
    terms = gaussian_terms(f, s)
    if not terms:
        return None
    total = S.Zero
    for exponent, poly_part in terms.items():
        decay = _exponential_decay(exponent, s)
        if decay is not None:  # e^{-λ s + c}: ∫_0^∞ s^k e^{-λ s} ds = k! / λ^{k+1}
            rate, c = decay
            p = _poly(poly_part, s)
            if p is None:
                return None
            for (k,), coeff in p.terms():
                total += coeff * sympy.factorial(k) * sympy.cancel(1 / rate) ** (k + 1) * sympy.exp(c)
            continue
        coefficients = gaussian_exponent(exponent, s)
        if coefficients is None:
            return None
        a, b, c = coefficients
        if sympy.cancel(b) != 0:
            return None  # off-vertex: an erfc, not this form
        p = _poly(poly_part, s)
        if p is None:
            return None
        inv = sympy.cancel(1 / a)
        for (k,), coeff in p.terms():
            total += coeff * sympy.gamma(sympy.Rational(k + 1, 2)) / 2 * inv ** sympy.Rational(k + 1, 2) * sympy.exp(c)
    return total


def _poly(expr: sympy.Expr, s: sympy.Symbol) -> sympy.Poly | None:
    try:
        p = sympy.Poly(expr, s)
    except sympy.PolynomialError:
        return None
    return None if p.degree() > _MAX_DEGREE else p


def _exponential_decay(exponent: sympy.Expr, s: sympy.Symbol) -> tuple[sympy.Expr, sympy.Expr] | None:
    """``(λ, c)`` with ``exponent == -λ s + c`` and λ provably positive wherever defined, else None."""
    try:
        q = sympy.Poly(exponent, s)
    except sympy.PolynomialError:
        return None
    if q.degree() != 1:
        return None
    rate = sympy.cancel(-q.coeff_monomial(s))
    return (rate, q.coeff_monomial(1)) if positive_where_defined(rate) else None


def _divergent(f: sympy.Expr, x: sympy.Symbol) -> sympy.Expr | None:
    """+oo for ``c exp(Q)`` with c > 0 free of x and Q's x² coefficient >= 0: it does not decay on the line."""
    terms = gaussian_terms(f, x)
    if not terms or len(terms) != 1:
        return None
    ((exponent, c),) = terms.items()
    if c.has(x) or not positive_where_defined(c):
        return None
    try:
        q = sympy.Poly(exponent, x)
    except sympy.PolynomialError:
        return None
    if q.degree() > 2 or not all(real_where_defined(k) for k in q.all_coeffs()):
        return None  # a complex exponent oscillates: the integrand is not positive
    if not nonnegative_where_defined(sympy.cancel(q.coeff_monomial(x**2))):
        return None
    return S.Infinity


#: At most this many integrals are examined for a note (a note is advice, not evidence).
_MAX_NOTES_NODES = 8


def sign_notes(*sides: object) -> str:
    """Why a Gaussian integral in ``sides`` was not evaluated, when only its exponent's sign stopped it.

    ``∫ exp(-x²/(2σ)) dx`` with σ only real diverges for σ < 0: the note names the coefficient and the
    declaration that would settle it (σ positive). Empty when there is nothing to say.
    """
    notes: list[str] = []
    nodes = [n for side in sides if isinstance(side, sympy.Basic) for n in side.atoms(sympy.Integral)]
    for node in nodes[:_MAX_NOTES_NODES]:
        if len(node.limits) != 1 or len(node.limits[0]) != 3 or not node.function.has(sympy.exp):
            continue
        x = node.limits[0][0]
        terms = gaussian_terms(sympy.expand_log(node.function, force=False), x)
        for exponent in terms or {}:
            try:
                q = sympy.Poly(exponent, x)
            except sympy.PolynomialError:
                break
            if q.degree() != 2:
                continue
            a = sympy.cancel(-q.coeff_monomial(x**2))
            if not positive_where_defined(a) and not nonnegative_where_defined(-a):
                note = f"the integral over {x} is a Gaussian only if {sign_hint(a)}"
                if note not in notes:
                    notes.append(note)
    return "; ".join(notes)
