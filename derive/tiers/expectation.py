"""Exact expectations: replace ``E(f)`` by its value where the value has a closed form.

The strategy is cheap first. Linearity pulls out everything free of random variables;
independent random variables (each entry of ``Problem.random`` is independent of the
others) factor products apart; Gaussian polynomials use exact moments (Stein's identity
``E[x_i g(x)] = m_i E[g] + sum_j S_ij E[d_j g]``, which is Isserlis/Wick for any degree);
``exp`` of a linear form in Gaussians uses the moment generating function (and tilts the
mean for the polynomial factors next to it); finite distributions are summed exactly over
their support. Only when asked (``integrate=True``, which the symbolic tier does under its
time budget) is a remaining single-variable integrand integrated against the density. A
node that cannot be evaluated exactly is left as ``E(...)`` for the numeric and Monte
Carlo tiers; nothing here ever produces a float.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import sympy
from sympy import S
from sympy.calculus.util import continuous_domain
from sympy.polys.polyerrors import BasePolynomialError

from derive.language.distributions import (
    Bernoulli,
    Beta,
    Categorical,
    Distribution,
    Exponential,
    Gamma,
    Gumbel,
    MultivariateNormal,
    Normal,
    Uniform,
)
from derive.language.functions import Expectation
from derive.tiers._gauss_sign import positive_where_defined

__all__ = [
    "evaluate_expectations",
    "gaussian_exponent",
    "gaussian_integral",
    "gaussian_terms",
    "has_expectation",
    "random_symbols",
]

#: Beyond these sizes exact evaluation is not worth its cost: the Monte Carlo tier goes next.
_MAX_DEGREE = 12
_MAX_SUPPORT = 4096
_MAX_OPS_INTEGRATE = 80
_MAX_OPS_EXPAND = 4000

#: Functions sympy integrates against the densities in reasonable time.
_INTEGRABLE = (sympy.exp, sympy.log, sympy.sin, sympy.cos, sympy.Abs, sympy.Heaviside, sympy.Piecewise)


def random_symbols(random: Iterable[tuple[object, Distribution]]) -> set[sympy.Symbol]:
    """Every scalar symbol that stands for (an entry of) a random variable.

    >>> from derive.language.distributions import Normal
    >>> eps = sympy.Symbol("eps", real=True)
    >>> random_symbols(((eps, Normal(0, 1)),)) == {eps}
    True
    """
    out: set[sympy.Symbol] = set()
    for rv, _dist in random:
        if isinstance(rv, sympy.MatrixBase):
            out.update(e for e in rv if isinstance(e, sympy.Symbol))
        elif isinstance(rv, sympy.Symbol):
            out.add(rv)
    return out


def has_expectation(expr: object) -> bool:
    """Whether ``expr`` (a sympy expression or explicit matrix) contains an ``E(...)`` node."""
    if isinstance(expr, sympy.MatrixBase):
        return any(has_expectation(e) for e in expr)
    return isinstance(expr, sympy.Basic) and expr.has(Expectation)


def evaluate_expectations(
    expr: object, random: Sequence[tuple[object, Distribution]], *, integrate: bool = False
) -> object:
    """Replace each ``E(f)`` in ``expr`` by its exact value where one is found.

    ``random`` is ``Problem.random``. Inner expectations are evaluated first. With
    ``integrate=True`` a leftover integrand in one continuous variable is integrated
    against its density with sympy (this can be slow: call it under a time budget).

    >>> from derive.language.distributions import Normal
    >>> mu, eps = sympy.Symbol("mu", real=True), sympy.Symbol("eps", real=True)
    >>> sigma = sympy.Symbol("sigma", positive=True)
    >>> evaluate_expectations(Expectation((mu + sigma * eps) ** 2), ((eps, Normal(0, 1)),))
    mu**2 + sigma**2
    """
    if isinstance(expr, sympy.MatrixBase):
        return sympy.ImmutableMatrix(
            expr.shape[0], expr.shape[1], [evaluate_expectations(e, random, integrate=integrate) for e in expr]
        )
    if not has_expectation(expr):
        return expr
    groups = _groups(random)
    evaluator = _Evaluator(groups, integrate)
    top = expr

    def value(node: sympy.Basic) -> sympy.Basic:
        result = evaluator.expectation(node.args[0])
        if result is None:
            return node
        if isinstance(result, sympy.MatrixBase) and node is not top:
            # Inside a scalar expression only a 1x1 value can take the node's place.
            return result[0, 0] if result.shape == (1, 1) else node
        return result

    return expr.replace(lambda e: isinstance(e, Expectation), value)


# ---------------------------------------------------------------------------------------
# Random variables grouped into independent blocks.


@dataclass(frozen=True)
class _Group:
    """One independent block: a scalar random variable or a Gaussian random vector."""

    symbols: tuple[sympy.Symbol, ...]
    dist: Distribution

    @property
    def gaussian(self) -> bool:
        return isinstance(self.dist, (Normal, MultivariateNormal))

    @property
    def finite(self) -> bool:
        return isinstance(self.dist, (Bernoulli, Categorical))

    def mean_cov(self) -> tuple[tuple[sympy.Expr, ...], sympy.ImmutableMatrix]:
        if isinstance(self.dist, MultivariateNormal):
            m, c = self.dist.args
            return tuple(m), sympy.ImmutableMatrix(c)
        m, v = self.dist.args
        return (m,), sympy.ImmutableMatrix([[v]])

    def support_values(self) -> list[tuple[sympy.Expr, sympy.Expr]] | None:
        """(value, probability) pairs of a finite distribution."""
        if isinstance(self.dist, Bernoulli):
            p = self.dist.args[0]
            return [(S.Zero, 1 - p), (S.One, p)]
        if isinstance(self.dist, Categorical):
            return [(sympy.Integer(i), p) for i, p in enumerate(self.dist.probs)]
        return None


def _groups(random: Sequence[tuple[object, Distribution]]) -> list[_Group]:
    groups: list[_Group] = []
    for rv, dist in random:
        if isinstance(rv, sympy.MatrixBase):
            entries = tuple(e for e in rv if isinstance(e, sympy.Symbol))
            if isinstance(dist, MultivariateNormal):
                groups.append(_Group(entries, dist))
            else:  # a vector of independent draws from a scalar distribution
                groups.extend(_Group((e,), dist) for e in entries)
        elif isinstance(rv, sympy.Symbol):
            if isinstance(dist, MultivariateNormal):
                continue  # a scalar symbol cannot carry a vector distribution
            groups.append(_Group((rv,), dist))
    return groups


# ---------------------------------------------------------------------------------------
# Gaussian moments.


def _gaussian_moment(index: tuple[int, ...], mean: tuple[sympy.Expr, ...], cov: sympy.ImmutableMatrix) -> sympy.Expr:
    """E[x_{i1} ... x_{id}] for x ~ N(mean, cov), exactly, by Stein's identity."""

    @cache
    def moment(idx: tuple[int, ...]) -> sympy.Expr:
        if not idx:
            return S.One
        i, rest = idx[0], idx[1:]
        total = mean[i] * moment(rest)
        for pos, j in enumerate(rest):
            total += cov[i, j] * moment(rest[:pos] + rest[pos + 1 :])
        return total

    return moment(tuple(sorted(index)))


def gaussian_exponent(exponent: sympy.Expr, x: sympy.Symbol) -> tuple[sympy.Expr, sympy.Expr, sympy.Expr] | None:
    """``(a, b, c)`` with ``exponent == -a x² + b x + c`` and ``a`` provably positive, else None.

    That is the exponent of a Gaussian factor: exp of it times any polynomial in x is
    integrable over the whole line. Positive means positive wherever ``a`` is defined
    (`positive_where_defined`): ``1/(2 sigma^2)`` of a real ``sigma``, whose integrand has no
    value at ``sigma = 0`` either.
    """
    if not exponent.is_polynomial(x):
        return None
    try:
        q = sympy.Poly(sympy.expand(exponent), x)
    except BasePolynomialError:
        return None
    if q.degree() != 2:
        return None
    a = sympy.cancel(-q.coeff_monomial(x**2))
    if not positive_where_defined(a):
        return None
    return a, q.coeff_monomial(x), q.coeff_monomial(1)


def gaussian_terms(f: sympy.Expr, x: sympy.Symbol) -> dict[sympy.Expr, sympy.Expr] | None:
    """``f`` as ``{exponent: polynomial}`` with ``f == sum(p * exp(e))``, each p a polynomial in x, else None.

    >>> t = sympy.Symbol("t", real=True)
    >>> gaussian_terms(t * sympy.exp(-t**2) + sympy.exp(-t**2) * sympy.exp(t), t)
    {-t**2: t, -t**2 + t: 1}
    """
    if sympy.count_ops(f) > _MAX_OPS_EXPAND:
        return None
    expanded = sympy.expand(f, deep=True, power_exp=True, mul=True, multinomial=True, log=False, power_base=False)
    by_exponent: dict[sympy.Expr, sympy.Expr] = {}
    for term in sympy.Add.make_args(expanded):
        exponent, rest = S.Zero, S.One
        for factor in sympy.Mul.make_args(term):
            if isinstance(factor, sympy.exp) and factor.has(x):
                exponent += factor.args[0]
            elif factor.is_Pow and isinstance(factor.base, sympy.exp) and factor.exp.is_Integer and factor.has(x):
                exponent += factor.base.args[0] * factor.exp
            else:
                rest *= factor
        if not rest.is_polynomial(x):
            return None
        exponent = sympy.expand(exponent)
        by_exponent[exponent] = by_exponent.get(exponent, S.Zero) + rest
    return by_exponent


def gaussian_integral(f: sympy.Expr, x: sympy.Symbol) -> sympy.Expr | None:
    """∫_{-oo}^{oo} f dx exactly, for f a sum of polynomial(x) * exp(quadratic in x) terms.

    Each exponent -a x² + b x + c must have a leading coefficient a that sympy proves
    positive (otherwise the integral diverges, or its convergence is not established, and
    None is returned). Then ∫ x^k exp(-a x² + b x + c) dx = √(π/a) e^{c + b²/4a} E[Y^k] with
    Y ~ N(b/2a, 1/2a), whose moments are exact. This is how a Gaussian density times the
    ratio of two Gaussian densities (importance weights) or times a log-density (KL) is
    integrated without sympy's general integrator, which can take minutes on them.

    >>> t = sympy.Symbol("t", real=True)
    >>> gaussian_integral(t**2 * sympy.exp(-t**2 / 2), t)
    sqrt(2)*sqrt(pi)
    """
    by_exponent = gaussian_terms(f, x)
    if by_exponent is None:
        return None
    total = S.Zero
    for exponent, poly_part in by_exponent.items():
        coefficients = gaussian_exponent(exponent, x)
        if coefficients is None:
            return None  # no Gaussian factor: the integral over the line diverges or is not this form
        a, b, c = coefficients
        mean, var = b / (2 * a), 1 / (2 * a)
        try:
            p = sympy.Poly(poly_part, x)
        except BasePolynomialError:
            return None
        if p.degree() > _MAX_DEGREE:
            return None
        moments = S.Zero
        for (k,), coeff in p.terms():
            moments += coeff * _gaussian_moment((0,) * k, (mean,), sympy.ImmutableMatrix([[var]]))
        total += sympy.sqrt(sympy.pi / a) * sympy.exp(c + b**2 / (4 * a)) * moments
    return total


# ---------------------------------------------------------------------------------------
# Moments of scalar distributions (E[x^k]).


def _scalar_moment(dist: Distribution, k: int) -> sympy.Expr | None:
    if k == 0:
        return S.One
    if isinstance(dist, Uniform):
        a, b = dist.args
        return (b ** (k + 1) - a ** (k + 1)) / ((k + 1) * (b - a))
    if isinstance(dist, Exponential):
        return sympy.factorial(k) / dist.args[0] ** k
    if isinstance(dist, Gamma):
        shape, rate = dist.args
        return sympy.RisingFactorial(shape, k) / rate**k
    if isinstance(dist, Beta):
        a, b = dist.args
        return sympy.Mul(*((a + j) / (a + b + j) for j in range(k)))
    if isinstance(dist, Gumbel) and k <= 2:
        return dist.mean() if k == 1 else dist.variance() + dist.mean() ** 2
    return None


# ---------------------------------------------------------------------------------------


class _Evaluator:
    def __init__(self, groups: list[_Group], integrate: bool) -> None:
        self.groups = groups
        self.integrate = integrate
        self.owner: dict[sympy.Symbol, int] = {s: n for n, g in enumerate(groups) for s in g.symbols}

    def _touched(self, expr: sympy.Basic) -> set[int]:
        return {self.owner[s] for s in expr.free_symbols if s in self.owner}

    def expectation(self, f: object) -> object | None:
        """E[f], or None when no exact value was found."""
        if isinstance(f, sympy.MatrixBase):
            values = [self.expectation(e) for e in f]
            if any(v is None for v in values):
                return None
            return sympy.ImmutableMatrix(f.shape[0], f.shape[1], values)
        if not isinstance(f, sympy.Basic) or has_expectation(f):
            return None
        if not self._touched(f):
            return f
        return self._linear(f)

    def _linear(self, f: sympy.Expr) -> sympy.Expr | None:
        polynomial = self._polynomial(f)
        if polynomial is not None:
            return polynomial
        if sympy.count_ops(f) > _MAX_OPS_EXPAND:
            return None
        if f.has(sympy.log):
            # log of a density, log(e^{-(x-z)²/2}/√(2π)), is a polynomial in z once split;
            # force=False splits only what the assumptions make positive.
            f = sympy.expand_log(f, force=False)
            polynomial = self._polynomial(f)
            if polynomial is not None:
                return polynomial
        expanded = sympy.expand(f, deep=True, power_exp=True, mul=True, multinomial=True, log=False, power_base=False)
        total = S.Zero
        for term in sympy.Add.make_args(expanded):
            value = self._product(term)
            if value is None:
                return None
            total += value
        return total

    def _polynomial(self, f: sympy.Expr) -> sympy.Expr | None:
        """E[f] for f a polynomial in the random symbols with moments known for each block."""
        gens = sorted((s for s in f.free_symbols if s in self.owner), key=sympy.default_sort_key)
        if not gens:
            return f
        if not f.is_polynomial(*gens):
            return None
        try:
            poly = sympy.Poly(f, *gens)
        except BasePolynomialError:
            return None
        if poly.total_degree() > _MAX_DEGREE:
            return None
        total = S.Zero
        for exponents, coeff in poly.terms():
            factors: dict[int, list[tuple[sympy.Symbol, int]]] = {}
            for sym, k in zip(gens, exponents, strict=True):
                if k:
                    factors.setdefault(self.owner[sym], []).append((sym, k))
            value = S.One
            for gid, powers in factors.items():
                moment = self._block_moment(self.groups[gid], powers)
                if moment is None:
                    return None
                value *= moment
            total += coeff * value
        return total

    def _block_moment(self, group: _Group, powers: list[tuple[sympy.Symbol, int]]) -> sympy.Expr | None:
        if group.gaussian:
            mean, cov = group.mean_cov()
            index = tuple(group.symbols.index(s) for s, k in powers for _ in range(k))
            return _gaussian_moment(index, mean, cov)
        if group.finite:
            ((sym, k),) = powers
            return sympy.Add(*(p * v**k for v, p in group.support_values()))
        ((sym, k),) = powers
        moment = _scalar_moment(group.dist, k)
        if moment is None and self.integrate:
            moment = self._integrate(sym**k, group)
        return moment

    def _product(self, term: sympy.Expr) -> sympy.Expr | None:
        """E of one product term: constant factors out, independent blocks factor apart."""
        coeff, factors = S.One, []
        for factor in sympy.Mul.make_args(term):
            if self._touched(factor):
                factors.append(factor)
            else:
                coeff *= factor
        if not factors:
            return term
        # Connected components of blocks: factors sharing a block must stay together.
        components: list[tuple[set[int], list[sympy.Expr]]] = []
        for factor in factors:
            touched = self._touched(factor)
            merged = [c for c in components if c[0] & touched]
            for c in merged:
                components.remove(c)
                touched |= c[0]
            components.append((touched, [factor] + [f for c in merged for f in c[1]]))
        value = coeff
        for blocks, fs in components:
            part = self._component(blocks, sympy.Mul(*fs))
            if part is None:
                return None
            value *= part
        return value

    def _component(self, blocks: set[int], g: sympy.Expr) -> sympy.Expr | None:
        polynomial = self._polynomial(g)
        if polynomial is not None:
            return polynomial
        finite = [b for b in blocks if self.groups[b].finite]
        if finite:
            return self._sum_over(self.groups[finite[0]], g)
        if len(blocks) == 1:
            group = self.groups[next(iter(blocks))]
            if group.gaussian:
                tilted = self._gaussian_exp(group, g)
                if tilted is not None:
                    return tilted
                quadratic = self._gaussian_quadratic(group, g)
                if quadratic is not None:
                    return quadratic
            if self.integrate and len(group.symbols) == 1:
                return self._integrate(g, group)
        return None

    def _sum_over(self, group: _Group, g: sympy.Expr) -> sympy.Expr | None:
        """Exact sum over a finite support (recursing into what the values leave)."""
        pairs = group.support_values()
        if pairs is None or len(pairs) > _MAX_SUPPORT:
            return None
        (sym,) = group.symbols
        total = S.Zero
        for v, p in pairs:
            if p.is_zero:
                continue
            rest = g.xreplace({sym: v})
            value = self.expectation(rest)
            if value is None or not isinstance(value, sympy.Expr) or value.has(S.ComplexInfinity, S.NaN):
                return None  # e.g. log(0) on an outcome: no finite expectation to report
            total += p * value
        return total

    def _gaussian_exp(self, group: _Group, g: sympy.Expr) -> sympy.Expr | None:
        """E[exp(b.x + c) * monomial(x)] for Gaussian x: the MGF, with the mean tilted by S b."""
        syms = group.symbols
        exponent, rest = S.Zero, S.One
        for factor in sympy.Mul.make_args(g):
            if isinstance(factor, sympy.exp):
                exponent += factor.args[0]
            elif factor.is_Pow and isinstance(factor.base, sympy.exp) and factor.exp.is_Integer:
                exponent += factor.base.args[0] * factor.exp
            else:
                rest *= factor
        if exponent == 0:
            return None
        exponent = sympy.expand(exponent)
        if not exponent.is_polynomial(*syms) or sympy.Poly(exponent, *syms).total_degree() > 1:
            return None
        b = [exponent.coeff(s) for s in syms]
        c = exponent.xreplace(dict.fromkeys(syms, S.Zero))
        mean, cov = group.mean_cov()
        n = len(syms)
        bvec = sympy.ImmutableMatrix(n, 1, b)
        shift = cov * bvec
        mgf = sympy.exp(c + sum(bi * mi for bi, mi in zip(b, mean, strict=True)) + (bvec.T * cov * bvec)[0, 0] / 2)
        tilted = _Group(
            syms, MultivariateNormal(sympy.ImmutableMatrix(n, 1, [mean[i] + shift[i] for i in range(n)]), cov)
        )
        sub = _Evaluator([tilted], self.integrate)
        value = sub._polynomial(rest)
        return None if value is None else mgf * value

    def _gaussian_quadratic(self, group: _Group, g: sympy.Expr) -> sympy.Expr | None:
        """E[g] for g = polynomial * exp(quadratic) of one normal variable (e.g. a ratio of
        Gaussian densities): the density joins the exponent and `gaussian_integral` decides
        convergence from the sign of the combined x² coefficient."""
        if not (isinstance(group.dist, Normal) and len(group.symbols) == 1) or not g.has(sympy.exp):
            return None
        (sym,) = group.symbols
        m, v = group.dist.args
        density = sympy.exp(-((sym - m) ** 2) / (2 * v)) / sympy.sqrt(2 * sympy.pi * v)
        return gaussian_integral(g * density, sym)

    def _integrate(self, g: sympy.Expr, group: _Group) -> sympy.Expr | None:
        """∫ g p over the support, for a small integrand in one continuous variable."""
        if group.finite or sympy.count_ops(g) > _MAX_OPS_INTEGRATE:
            return None
        if any(not isinstance(f, _INTEGRABLE) for f in g.atoms(sympy.Function)):
            # sympy has no closed form for, e.g., a sigmoid against a Gaussian and can spend
            # minutes and gigabytes looking for one: those go to Monte Carlo instead.
            return None
        (sym,) = group.symbols
        t = sympy.Dummy("t", real=True)
        lo, hi = group.dist.support()
        density = _density_on_support(group.dist, t)
        if density is None:
            return None
        integrand = g.xreplace({sym: t})
        if not _continuous_on(integrand, t, lo, hi):
            # A singular integrand (1/x under a Gaussian) may have no expectation at all,
            # while sympy returns a principal value: refuse rather than invent a mean.
            return None
        rational = _rational_against_gaussian(integrand, t, group.dist)
        if rational is not None:
            result = _meijer_only(rational * density, t, lo, hi)
            if result is None:
                return None
        else:
            result = sympy.integrate(integrand * density, (t, lo, hi))
        if result.has(sympy.Integral) or result.has(Expectation) or result.has(S.NaN):
            return None
        if result.is_infinite or result.has(S.ComplexInfinity):
            return None  # divergent (or not absolutely integrable): not a value to compare
        return result


#: Wall seconds for the Meijer G route on a rational function against a Gaussian density.
_MEIJER_SECONDS = 1.0


def _rational_against_gaussian(g: sympy.Expr, t: sympy.Symbol, dist: Distribution) -> sympy.Expr | None:
    """``g`` as a factored rational function of ``t`` with ``t`` in its denominator (log-densities
    split), when it is one and is to be integrated against a normal density; else None.

    Over the line such an integral is a combination of erfc at the roots of the denominator
    (∫ e^{-t²/2}/(1+t²) dt = π √e erfc(1/√2)), which sympy's Meijer G route finds in a tenth
    of a second when the denominator is factored (expanded, 1/(t⁴+2t²+1), it does not match).
    sympy's other routes look for an antiderivative through partial fractions over the roots
    (the quartic formula for log p / log q of two Gaussians): seconds spent, mostly for nothing.
    """
    if not isinstance(dist, Normal):
        return None
    split = sympy.expand_log(g, force=False)
    if not split.is_rational_function(t):
        return None
    try:
        rational = sympy.factor(sympy.cancel(split))
    except BasePolynomialError:
        return None
    _numerator, denominator = sympy.fraction(rational)
    return rational if denominator.has(t) else None


def _meijer_only(f: sympy.Expr, t: sympy.Symbol, lo: sympy.Expr, hi: sympy.Expr) -> sympy.Expr | None:
    """∫ f dt by the Meijer G route alone, within `_MEIJER_SECONDS` (None when out of time).

    That route can itself be slow (e^{-t²/2}/(1+t⁴) takes seconds and finds nothing), hence the cap.
    """
    from derive.tiers.symbolic import bounded  # noqa: PLC0415 - derive.tiers.symbolic imports this module

    result = bounded(lambda: sympy.integrate(f, (t, lo, hi), meijerg=True), _MEIJER_SECONDS)
    return result if isinstance(result, sympy.Expr) else None


def _continuous_on(f: sympy.Expr, t: sympy.Symbol, lo: sympy.Expr, hi: sympy.Expr) -> bool:
    """Whether ``f`` has no singularity on [lo, hi]: jumps of bounded switches do not count.

    Heaviside and sign jump but stay bounded, so they cannot make an expectation diverge
    (E[z^2 + 1e11 [z > 6.5]] is an ordinary number); they are set to constants for the test,
    and a Piecewise is tested through the squares of its pieces (each piece on the whole
    interval, which is stricter than needed; squares cannot cancel a singularity).
    """
    f = f.replace(lambda e: isinstance(e, (sympy.Heaviside, sympy.sign)), lambda e: S.One)
    f = f.replace(lambda e: isinstance(e, sympy.Piecewise), lambda e: sympy.Add(*(piece.expr**2 for piece in e.args)))
    try:
        domain = sympy.Interval(lo, hi)
        return bool(continuous_domain(f, t, domain) == domain)
    except (ValueError, TypeError, NotImplementedError, AttributeError):
        return False


def _density_on_support(dist: Distribution, t: sympy.Symbol) -> sympy.Expr | None:
    """The density without its Piecewise guard (valid on the support, where we integrate)."""
    if isinstance(dist, MultivariateNormal):
        return None
    pdf = dist.pdf(t)
    if isinstance(pdf, sympy.Piecewise):
        return pdf.args[0].expr
    return pdf
