"""Which normal law a density written out in one variable is, if any: ``c exp(a x^2 + b x + d)`` with a < 0.

A text that computes ``E[x] = \\int \\mathcal{N}(x | \\mu, \\sigma^2) x \\, dx`` or
``E[x^2] = \\frac{1}{\\sqrt{2 \\pi \\sigma^2}} \\int e^{-(x - \\mu)^2 / (2 \\sigma^2)} x^2 \\, dx`` states, in its first
link, the law its expectations are taken under. `normal_law` finds that law from the density (the integrand
divided by the expectation's body, times the factors outside the integral): it is the normal law N(m, v)
exactly when the density is ``c exp(q(x))`` with q a quadratic of negative leading coefficient, and it is
normalised, ``c exp(d + m^2 / (2 v)) sqrt(2 pi v) = 1``, which sympy must prove for every value of the
parameters (real, the variance's own square roots taken positive as the density's ``|\\sigma|`` says). Any other
density (not normalised, as ``e^{-x^2/2\\sigma^2}`` read literally, ``exp(-x^2 \\sigma^2 / 2)``; a product with
another function; a quadratic whose sign is unknown) gives None: the expectation's law stays unknown.
"""

from __future__ import annotations

import sympy

__all__ = ["normal_law"]

#: Beyond this size a density is not examined (a density written out is a handful of operations).
_MAX_OPS = 120


def normal_law(
    density: sympy.Expr, x: sympy.Symbol, positive: frozenset[str] = frozenset()
) -> tuple[sympy.Expr, sympy.Expr] | None:
    """(mean, variance) of the normal law whose density in ``x`` is ``density``, or None. ``positive``: the
    parameters the text states positive (``\\sigma > 0``): ``\\frac{1}{\\sigma \\sqrt{2 \\pi}}`` is then a density's
    constant; any other parameter may take every nonzero real value.

    >>> x, mu, s = sympy.symbols("x mu sigma", real=True)
    >>> normal_law(sympy.exp(-((x - mu) ** 2) / (2 * s**2)) / sympy.sqrt(2 * sympy.pi * s**2), x)
    (mu, sigma**2)
    >>> normal_law(sympy.exp(-(s**2) * x**2 / 2) / (s * sympy.sqrt(2 * sympy.pi)), x) is None
    True
    """
    if not isinstance(density, sympy.Expr) or x not in density.free_symbols:
        return None
    if sympy.count_ops(density) > _MAX_OPS or density.has(sympy.Integral, sympy.Sum, sympy.Derivative):
        return None
    # where a parameter is 0 the density is undefined (1/sigma): each is a nonzero real for the sign test
    nonzero = {
        p: sympy.Dummy(p.name, positive=True) if p.name in positive else sympy.Dummy(p.name, real=True, nonzero=True)
        for p in density.free_symbols - {x}
    }
    back = {d: p for p, d in nonzero.items()}
    try:
        found = _normal_law(sympy.powsimp(sympy.factor_terms(density.xreplace(nonzero)), combine="exp"), x)
        return None if found is None else (found[0].xreplace(back), found[1].xreplace(back))
    except (TypeError, ValueError, NotImplementedError, AttributeError, RecursionError, sympy.PolynomialError):
        return None


def _normal_law(density: sympy.Expr, x: sympy.Symbol) -> tuple[sympy.Expr, sympy.Expr] | None:
    constant, rest = density.as_independent(x, as_Add=False)
    if constant == 0 or constant.has(sympy.nan, sympy.zoo, sympy.oo):
        return None
    exponent = sympy.S.Zero
    for factor in sympy.Mul.make_args(rest):
        base, power = factor.as_base_exp()
        if isinstance(factor, sympy.exp):
            exponent += factor.args[0]
        elif base == sympy.E:
            exponent += power
        else:
            return None  # x * exp(...), |x|, another function of x: no normal density
    poly = sympy.Poly(sympy.expand(exponent), x)
    if poly.degree() != 2:
        return None
    a, b, d = (poly.coeff_monomial(x**k) for k in (2, 1, 0))
    if (-a).is_positive is not True:
        return None  # the sign of the square's coefficient must be known: negative for every value
    variance = sympy.simplify(-1 / (2 * a))
    mean = sympy.simplify(b * variance)
    # normalised for every value of the parameters: c e^{d + m^2/(2v)} sqrt(2 pi v) = 1
    total = constant * sympy.exp(d + mean**2 / (2 * variance)) * sympy.sqrt(2 * sympy.pi * variance)
    if sympy.simplify(sympy.powsimp(total, force=False) - 1) != 0:
        return None
    return mean, variance
