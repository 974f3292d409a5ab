"""KL, JS and Wasserstein-1 between distributions: closed forms, else exact integral forms.

`expand_divergences` replaces ``KL(P, Q)``, ``JS(P, Q)`` and ``W1(P, Q)`` nodes whose
arguments are `derive.language.distributions` objects. Known pairs get their textbook closed forms
(Gaussian KL at any fixed size, uniform, Bernoulli, categorical, exponential, gamma, beta);
uniforms and finite distributions are computed exactly segment by segment when the order
of their end points is decidable; everything else becomes an unevaluated sympy
``Integral`` or ``Sum`` that the symbolic tier may ``doit`` and the numeric tier may
evaluate by quadrature. Support mismatches give ``oo`` only when provable from the
parameters. Everything stays exact: no floats.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise

import sympy
from sympy import S, log, oo

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
from derive.language.functions import JS, KL, W1

__all__ = ["expand_divergences", "js_divergence", "kl_divergence", "wasserstein1"]

# One shared integration variable, so that the same divergence written twice gives
# structurally identical integrals (which cancel without being evaluated).
_T = sympy.Dummy("t", real=True)


def expand_divergences(expr: object) -> object:
    """Replace KL/JS/W1 nodes by closed forms or integral forms (left alone when neither fits).

    >>> from derive.language.distributions import Uniform
    >>> expand_divergences(JS(Uniform(-2, -1), Uniform(1, 2)))
    log(2)
    >>> expand_divergences(W1(Uniform(-2, -1), Uniform(1, 2)))
    3
    """
    if isinstance(expr, sympy.MatrixBase):
        return sympy.ImmutableMatrix(expr.shape[0], expr.shape[1], [expand_divergences(e) for e in expr])
    if not isinstance(expr, sympy.Basic) or not expr.has(KL, JS, W1):
        return expr
    rules: dict[type, Callable[[Distribution, Distribution], sympy.Expr | None]] = {
        KL: kl_divergence,
        JS: js_divergence,
        W1: wasserstein1,
    }

    def value(node: sympy.Basic) -> sympy.Basic:
        p, q = node.args
        if not (isinstance(p, Distribution) and isinstance(q, Distribution)):
            return node
        result = rules[type(node)](p, q)
        return node if result is None else result

    return expr.replace(lambda e: isinstance(e, (KL, JS, W1)), value)


# ---------------------------------------------------------------------------------------
# Helpers: decidable comparisons and exact x log x.


def _le(a: sympy.Expr, b: sympy.Expr) -> bool | None:
    """a <= b when provable, False when provably a > b, None when undecidable."""
    diff = sympy.simplify(b - a) if (b - a).free_symbols else b - a
    if diff.is_nonnegative:
        return True
    if diff.is_negative:
        return False
    return None


def _lt(a: sympy.Expr, b: sympy.Expr) -> bool | None:
    diff = sympy.simplify(b - a) if (b - a).free_symbols else b - a
    if diff.is_positive:
        return True
    if diff.is_nonpositive:
        return False
    return None


def _xlogy(x: sympy.Expr, ratio: sympy.Expr) -> sympy.Expr:
    """x * log(ratio) with the convention 0 log(...) = 0."""
    return S.Zero if x.is_zero else x * log(ratio)


def _sorted_points(points: Sequence[sympy.Expr]) -> list[sympy.Expr] | None:
    """Distinct points in increasing order, or None if any comparison is undecidable."""
    out: list[sympy.Expr] = []
    for pt in points:
        pos = 0
        for existing in out:
            if sympy.simplify(pt - existing) == 0:
                pos = -1
                break
            le = _le(existing, pt)
            if le is None:
                return None
            if le:
                pos += 1
        if pos >= 0:
            out.insert(pos, pt)
    return out


def _finite(dist: Distribution) -> list[sympy.Expr] | None:
    """Probabilities of outcomes 0, 1, ... of a finite distribution."""
    if isinstance(dist, Bernoulli):
        return [1 - dist.args[0], dist.args[0]]
    if isinstance(dist, Categorical):
        return list(dist.probs)
    return None


def _pad(p: list[sympy.Expr], q: list[sympy.Expr]) -> tuple[list[sympy.Expr], list[sympy.Expr]]:
    n = max(len(p), len(q))
    return p + [S.Zero] * (n - len(p)), q + [S.Zero] * (n - len(q))


def _uniform_segments(p: Uniform, q: Uniform) -> list[tuple[sympy.Expr, sympy.Expr, sympy.Expr, sympy.Expr]] | None:
    """[(left, right, density_p, density_q)] over the union of both supports, if ordered."""
    (a1, b1), (a2, b2) = p.args, q.args
    points = _sorted_points([a1, b1, a2, b2])
    if points is None:
        return None
    segments = []
    for left, right in pairwise(points):
        mid = (left + right) / 2
        inside = [_le(a1, mid), _le(mid, b1), _le(a2, mid), _le(mid, b2)]
        if None in inside:
            return None
        dp = 1 / (b1 - a1) if inside[0] and inside[1] else S.Zero
        dq = 1 / (b2 - a2) if inside[2] and inside[3] else S.Zero
        segments.append((left, right, dp, dq))
    return segments


def _scalar(dist: Distribution) -> bool:
    return not isinstance(dist, MultivariateNormal) and _finite(dist) is None


def _support_escapes(p: Distribution, q: Distribution) -> bool | None:
    """True when P has mass where Q has none (so KL(P||Q) = oo), None if undecidable."""
    (lp, hp), (lq, hq) = p.support(), q.support()
    below = False if lq == -oo else (True if lp == -oo else _lt(lp, lq))
    above = False if hq == oo else (True if hp == oo else _lt(hq, hp))
    if below or above:
        return True
    if below is False and above is False:
        return False
    return None


# ---------------------------------------------------------------------------------------
# KL.


def kl_divergence(p: Distribution, q: Distribution) -> sympy.Expr | None:
    """KL(P || Q) in closed form or as an integral; None when not even that is known."""
    if isinstance(p, MultivariateNormal) and isinstance(q, MultivariateNormal):
        return _kl_mvn(p, q)
    fp, fq = _finite(p), _finite(q)
    if fp is not None and fq is not None:
        return _kl_finite(fp, fq)
    if fp is not None or fq is not None or not (_scalar(p) and _scalar(q)):
        return None
    escapes = _support_escapes(p, q)
    if escapes:
        return oo
    if isinstance(p, Normal) and isinstance(q, Normal):
        (m1, v1), (m2, v2) = p.args, q.args
        return (log(v2 / v1) + (v1 + (m1 - m2) ** 2) / v2 - 1) / 2
    if isinstance(p, Uniform) and isinstance(q, Uniform):
        if escapes is None:
            return None
        (a1, b1), (a2, b2) = p.args, q.args
        return log((b2 - a2) / (b1 - a1))
    if isinstance(p, Exponential) and isinstance(q, Exponential):
        (l1,), (l2,) = p.args, q.args
        return log(l1 / l2) + l2 / l1 - 1
    if isinstance(p, Gamma) and isinstance(q, Gamma):
        (k1, r1), (k2, r2) = p.args, q.args
        return (
            (k1 - k2) * sympy.digamma(k1)
            - sympy.loggamma(k1)
            + sympy.loggamma(k2)
            + k2 * (log(r1) - log(r2))
            + k1 * (r2 - r1) / r1
        )
    if isinstance(p, Beta) and isinstance(q, Beta):
        (a1, b1), (a2, b2) = p.args, q.args
        return (
            log(sympy.beta(a2, b2) / sympy.beta(a1, b1))
            + (a1 - a2) * sympy.digamma(a1)
            + (b1 - b2) * sympy.digamma(b1)
            + (a2 - a1 + b2 - b1) * sympy.digamma(a1 + b1)
        )
    if escapes is None:
        return None
    t = _T
    lo, hi = p.support()
    lp, lq = _log_density(p, t), _log_density(q, t)
    if lp is not None and lq is not None:
        # Q's support covers P's here, so log q is the written-out formula on all of it.
        return sympy.Integral(sympy.exp(lp) * sympy.expand(lp - lq), (t, lo, hi))
    dp = _inner_density(p, t)
    return sympy.Integral(dp * log(dp / q.pdf(t)), (t, lo, hi))


def _kl_mvn(p: MultivariateNormal, q: MultivariateNormal) -> sympy.Expr | None:
    (m1, s1), (m2, s2) = p.args, q.args
    if s1.shape != s2.shape:
        return None
    k = s1.shape[0]
    d2 = s2.det()
    inv2 = s2.adjugate() / d2
    dm = m2 - m1
    return ((inv2 * s1).trace() + (dm.T * inv2 * dm)[0, 0] - k + log(d2 / s1.det())) / 2


def _kl_finite(p: list[sympy.Expr], q: list[sympy.Expr]) -> sympy.Expr:
    p, q = _pad(p, q)
    total = S.Zero
    for pi, qi in zip(p, q, strict=True):
        if pi.is_zero:
            continue
        if qi.is_zero:
            if pi.is_positive:
                return oo
            total += pi * log(pi / qi)  # undecidable zero: keep the term visible
            continue
        total += pi * log(pi / qi)
    return total


def _log_density(dist: Distribution, t: sympy.Symbol) -> sympy.Expr | None:
    """log of the density on the support, written out (no log(exp(...)) for quadrature to chew)."""
    if isinstance(dist, Normal):
        m, v = dist.args
        return -((t - m) ** 2) / (2 * v) - log(2 * sympy.pi * v) / 2
    if isinstance(dist, Exponential):
        (r,) = dist.args
        return log(r) - r * t
    if isinstance(dist, Gumbel):
        m, b = dist.args
        z = (t - m) / b
        return -z - sympy.exp(-z) - log(b)
    if isinstance(dist, Uniform):
        a, b = dist.args
        return -log(b - a)
    if isinstance(dist, Gamma):
        k, r = dist.args
        return k * log(r) + (k - 1) * log(t) - r * t - sympy.loggamma(k)
    if isinstance(dist, Beta):
        a, b = dist.args
        return (a - 1) * log(t) + (b - 1) * log(1 - t) - log(sympy.beta(a, b))
    return None


def _inner_density(dist: Distribution, t: sympy.Symbol) -> sympy.Expr:
    """The density on its support, without the Piecewise guard."""
    pdf = dist.pdf(t)
    return pdf.args[0].expr if isinstance(pdf, sympy.Piecewise) else pdf


# ---------------------------------------------------------------------------------------
# JS.


def js_divergence(p: Distribution, q: Distribution) -> sympy.Expr | None:
    """JS(P, Q) = KL(P||M)/2 + KL(Q||M)/2 with M = (P + Q)/2 (natural log)."""
    fp, fq = _finite(p), _finite(q)
    if fp is not None and fq is not None:
        fp, fq = _pad(fp, fq)
        total = S.Zero
        for pi, qi in zip(fp, fq, strict=True):
            total += (_xlogy(pi, 2 * pi / (pi + qi)) + _xlogy(qi, 2 * qi / (pi + qi))) / 2
        return total
    if not (_scalar(p) and _scalar(q)):
        return None
    if isinstance(p, Uniform) and isinstance(q, Uniform):
        segments = _uniform_segments(p, q)
        if segments is not None:
            total = S.Zero
            for left, right, dp, dq in segments:
                if dp.is_zero and dq.is_zero:
                    continue
                mix = dp + dq
                total += (right - left) * (_xlogy(dp, 2 * dp / mix) + _xlogy(dq, 2 * dq / mix)) / 2
            return total
    t = _T
    (lp, hp), (lq, hq) = p.support(), q.support()
    logp, logq = _log_density(p, t), _log_density(q, t)
    if logp is not None and logq is not None and lp == lq and hp == hq:
        # Same support: p log(2p/(p+q)) = p (log 2 - log(1 + e^(log q - log p))), which
        # quadrature evaluates without the 0/0 of two vanishing tails.
        r = sympy.expand(logq - logp)
        return (
            sympy.Integral(sympy.exp(logp) * (log(2) - log(1 + sympy.exp(r))), (t, lp, hp)) / 2
            + sympy.Integral(sympy.exp(logq) * (log(2) - log(1 + sympy.exp(-r))), (t, lq, hq)) / 2
        )
    dp, dq = p.pdf(t), q.pdf(t)
    ip, iq = _inner_density(p, t), _inner_density(q, t)
    return (
        sympy.Integral(ip * log(2 * ip / (ip + dq)), (t, lp, hp)) / 2
        + sympy.Integral(iq * log(2 * iq / (dp + iq)), (t, lq, hq)) / 2
    )


# ---------------------------------------------------------------------------------------
# W1.


def wasserstein1(p: Distribution, q: Distribution) -> sympy.Expr | None:
    """W1(P, Q) = ∫ |F_P(t) - F_Q(t)| dt for univariate P, Q."""
    fp, fq = _finite(p), _finite(q)
    if fp is not None and fq is not None:
        fp, fq = _pad(fp, fq)
        total, cp, cq = S.Zero, S.Zero, S.Zero
        for pi, qi in zip(fp[:-1], fq[:-1], strict=True):
            cp, cq = cp + pi, cq + qi
            total += sympy.Abs(cp - cq)
        return total
    if not (_scalar(p) and _scalar(q)):
        return None
    shift = _location_shift(p, q)
    if shift is not None:
        return sympy.Abs(shift)
    ordered = _w1_comonotone(p, q)
    if ordered is not None:
        return ordered
    if isinstance(p, Uniform) and isinstance(q, Uniform):
        exact = _w1_uniform(p, q)
        if exact is not None:
            return exact
    cp, cq = _cdf(p), _cdf(q)
    if cp is None or cq is None:
        return None
    t = _T
    (lp, hp), (lq, hq) = p.support(), q.support()
    lo = lp if lp == lq else (-oo if -oo in (lp, lq) else sympy.Min(lp, lq))
    hi = hp if hp == hq else (oo if oo in (hp, hq) else sympy.Max(hp, hq))
    return sympy.Integral(sympy.Abs(cp(t) - cq(t)), (t, lo, hi))


def _location_shift(p: Distribution, q: Distribution) -> sympy.Expr | None:
    """m_P - m_Q when Q is P shifted (same family, same shape), else None."""
    if type(p) is not type(q):
        return None
    if isinstance(p, (Normal, Gumbel)):
        (m1, s1), (m2, s2) = p.args, q.args
        return m1 - m2 if sympy.cancel(s1 - s2) == 0 else None
    if isinstance(p, Uniform):
        (a1, b1), (a2, b2) = p.args, q.args
        return a1 - a2 if sympy.cancel((b1 - a1) - (b2 - a2)) == 0 else None
    if p == q:
        return S.Zero
    return None


def _w1_comonotone(p: Distribution, q: Distribution) -> sympy.Expr | None:
    """W1 through the quantile coupling, W1 = E|F_P^-1(U) - F_Q^-1(U)|, where it has a closed form.

    Normals: F^-1(U) = m + s Z, so W1 = E|(m1 - m2) + (s1 - s2) Z|, the mean of a folded
    normal. Scale families on [0, oo) (exponential, gamma of equal shape): the quantile
    difference never changes sign, so W1 is the distance between the means.
    """
    if isinstance(p, Normal) and isinstance(q, Normal):
        (m1, v1), (m2, v2) = p.args, q.args
        mu = m1 - m2
        s = sympy.Abs(sympy.sqrt(v1) - sympy.sqrt(v2))
        if s.is_zero:
            return sympy.Abs(mu)
        if not s.is_positive:
            return None
        folded = s * sympy.sqrt(2 / sympy.pi) * sympy.exp(-(mu**2) / (2 * s**2))
        return folded + mu * sympy.erf(mu / (s * sympy.sqrt(2)))
    if isinstance(p, Exponential) and isinstance(q, Exponential):
        return sympy.Abs(p.mean() - q.mean())
    if isinstance(p, Gamma) and isinstance(q, Gamma) and sympy.cancel(p.args[0] - q.args[0]) == 0:
        return sympy.Abs(p.mean() - q.mean())
    return None


def _w1_uniform(p: Uniform, q: Uniform) -> sympy.Expr | None:
    """Exact ∫|F_P - F_Q| for uniforms: the CDF difference is linear on each segment."""
    segments = _uniform_segments(p, q)
    if segments is None:
        return None
    (a1, b1), (a2, b2) = p.args, q.args

    def cdf(a: sympy.Expr, b: sympy.Expr, x: sympy.Expr) -> sympy.Expr:
        if _le(x, a):
            return S.Zero
        if _le(b, x):
            return S.One
        return (x - a) / (b - a)

    total = S.Zero
    for left, right, _dp, _dq in segments:
        dl = sympy.simplify(cdf(a1, b1, left) - cdf(a2, b2, left))
        dr = sympy.simplify(cdf(a1, b1, right) - cdf(a2, b2, right))
        width = right - left
        if (dl.is_nonnegative and dr.is_nonnegative) or (dl.is_nonpositive and dr.is_nonpositive):
            total += width * sympy.Abs(dl + dr) / 2
        elif (dl * dr).is_negative:
            total += width * (dl**2 + dr**2) / (2 * (sympy.Abs(dl) + sympy.Abs(dr)))
        else:
            return None
    return sympy.simplify(total)


def _cdf(dist: Distribution) -> Callable[[sympy.Expr], sympy.Expr] | None:
    if isinstance(dist, Normal):
        m, v = dist.args
        return lambda t: (1 + sympy.erf((t - m) / sympy.sqrt(2 * v))) / 2
    if isinstance(dist, Uniform):
        a, b = dist.args
        return lambda t: sympy.Piecewise((0, t < a), ((t - a) / (b - a), t <= b), (1, True))
    if isinstance(dist, Exponential):
        (r,) = dist.args
        return lambda t: sympy.Piecewise((0, t < 0), (1 - sympy.exp(-r * t), True))
    if isinstance(dist, Gumbel):
        m, b = dist.args
        return lambda t: sympy.exp(-sympy.exp(-(t - m) / b))
    return None
