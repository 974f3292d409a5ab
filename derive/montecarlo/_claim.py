"""Claim reduction and the statistical decision of the Monte Carlo tier.

`reduce_claim` writes ``lhs - rhs`` (entrywise) as a function of the expectations in it: one
integrand per entry when the function is linear, the separate expectations otherwise.
`estimate_looks` turns merged batch statistics into estimates (with control variates when the batches
carry them, and the delta method for nonlinear functions), and `decide` compares an
estimate with the relation, the tolerance band and the refutation threshold.

The rule for an equality, with ``z = (estimate - target) / SE``:

* REFUTED when ``|z|`` exceeds the refutation threshold (6 SE, Bonferroni-corrected by the
  caller), whatever the band: a significant difference disproves an exact equality;
* CONSISTENT only when the ``Z_CONSISTENT``-SE confidence interval contains the target
  (``|z| <= Z_CONSISTENT``: no significant difference) *and* lies inside the tolerance band;
* otherwise UNDECIDED: the caller samples more, up to its budget.

The band is ``tol * max(|target|, min(sd, FLOOR_SCALE))`` with ``sd`` the integrand's standard
deviation: relative to the target, with an absolute floor so a target at or near 0 (a
difference of two probabilities, a small probability at some parameter point) gets a band
that the sample budget can resolve. The floor is ``tol * sd`` for an integrand that varies
less than ``FLOOR_SCALE`` (so quantities on a small scale keep a band on their own scale), at
most ``tol * FLOOR_SCALE`` (so a wildly varying integrand does not widen its own band).
``≈`` claims are refuted only when the estimate is significantly *outside* the band;
inequalities are consistent when the whole interval is on the right side of 0 and refuted
when the violation is significant.

Every rule keeps ``Look.hidden`` in its margin: the bound on what regions the sample did not
resolve can add (`audit_integrand`, `Audit.hidden`, at exact probabilities).
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from statistics import NormalDist
from typing import Any

import numpy as np
import sympy
from sympy.polys.polyerrors import BasePolynomialError

from derive.language._calls import HeldDerivative
from derive.language.functions import JS, KL, W1, Expectation
from derive.model import Problem, Relation, Verdict
from derive.montecarlo._batches import Totals

__all__ = [
    "FLOOR_SCALE",
    "RESOLVED_HITS",
    "Z_CONSISTENT",
    "Audit",
    "Look",
    "Reduced",
    "Region",
    "Undecided",
    "audit_integrand",
    "control_variates",
    "decide",
    "describe_hidden",
    "differences",
    "estimate_looks",
    "explain",
    "hopeless",
    "p_value",
    "reduce_claim",
    "rounding_resolution",
    "stratify",
    "with_hidden",
]

#: Half-width of the confidence interval (in SE) that must contain the target and fit in the band.
Z_CONSISTENT = 3.0
#: The band never gets narrower than ``tol * min(sd, FLOOR_SCALE)`` (see the module docstring).
FLOOR_SCALE = 1.0
_MAX_CONTROLS = 8  # control variates at most (each adds a row to every batch)
#: The relative error of a control-variate residual variance (a difference of sums of the raw
#: variance's size, merged over batches): 32 machine epsilons (`_cancellation`).
_CANCELLATION = 32 * float(np.finfo(float).eps)


class Undecided(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Stop the tier with an UNDECIDED outcome and this reason."""

    def __init__(self, summary: str, reason: str) -> None:
        super().__init__(summary)
        self.summary = summary
        self.reason = reason


# ---------------------------------------------------------------------------------------
# Reduction of a claim to expectations.


def _entries(expr: Any) -> tuple[tuple[int, int] | None, list[sympy.Expr]]:
    if isinstance(expr, sympy.MatrixBase):
        return expr.shape, list(expr)
    if isinstance(expr, Expectation) and isinstance(expr.args[0], sympy.MatrixBase):
        m = expr.args[0]
        return m.shape, [Expectation(e) for e in m]
    return None, [sympy.sympify(expr, strict=True)]


def _scalarize(e: sympy.Expr) -> sympy.Expr:
    # A 1x1 matrix (x^T A x) inside a scalar expression is its single entry.
    def one(m: sympy.Basic) -> sympy.Basic:
        if m.shape != (1, 1):
            raise Undecided(f"matrix of shape {m.shape} inside a scalar expression", "unsupported")
        return m[0, 0]

    return e.replace(lambda n: isinstance(n, sympy.MatrixBase), one)


def differences(problem: Problem) -> list[sympy.Expr]:
    """``lhs - rhs`` as scalar expressions, one per matrix entry (divergences expanded)."""
    ls, lhs = _entries(problem.lhs)
    rs, rhs = _entries(problem.rhs)
    if ls != rs:
        if ls in (None, (1, 1)) and rs in (None, (1, 1)):
            pass
        else:
            raise Undecided(f"sides have different shapes {ls} and {rs}", "shape")
    diffs = [_scalarize(a - b) for a, b in zip(lhs, rhs, strict=True)]
    _decline_held(diffs)
    if any(d.has(KL, JS, W1) for d in diffs):
        from derive.tiers.divergences import expand_divergences  # noqa: PLC0415 - another tier's module

        diffs = [expand_divergences(d) for d in diffs]
    return diffs


def _decline_held(diffs: Sequence[sympy.Expr]) -> None:
    # d/dθ E[f] with θ moving the distribution has no integrand to sample (the gradient does
    # not pass inside E), and estimating E[f] instead would answer another question.
    for d in diffs:
        held = sorted(d.atoms(HeldDerivative), key=sympy.default_sort_key)
        if held:
            raise Undecided(f"Monte Carlo declines: {held[0].reason}: not estimated", "derivative of an expectation")


@dataclass
class Reduced:
    """One parameter point: K integrands and the quantities (one per entry) built from their means."""

    integrands: list[sympy.Expr]  # in the random variables
    quantities: list[sympy.Expr]  # lhs - rhs of each entry, in the T symbols
    tsyms: list[sympy.Symbol]
    linear: bool
    targets: list[float]  # linear case: value E[F_j] must equal
    varying: list[bool]  # whether each integrand depends on a random variable at all


def reduce_claim(diffs: Sequence[sympy.Expr], rvs: set[sympy.Symbol]) -> Reduced:
    """Replace each distinct E(f) by a symbol T_i; linear claims fold into one integrand per entry."""
    _decline_held(diffs)
    nodes: dict[sympy.Basic, sympy.Symbol] = {}
    for d in diffs:
        for node in sorted(d.atoms(Expectation), key=sympy.default_sort_key):
            if node.atoms(Expectation) - {node}:
                raise Undecided("nested expectations are not estimated by Monte Carlo", "unsupported")
            nodes.setdefault(node, sympy.Dummy(f"T{len(nodes)}"))
    tsyms = list(nodes.values())
    gs = [d.xreplace(nodes) for d in diffs]
    for g in gs:
        if g.has(sympy.Derivative, sympy.Subs) and (g.free_symbols & rvs):
            raise Undecided("an unevaluated derivative of an expectation is not estimated", "unsupported")
        if g.free_symbols & rvs:
            raise Undecided("a random variable appears outside E(...): the claim is itself random", "random")
    linear = all(not (sympy.diff(g, t).free_symbols & set(tsyms)) for g in gs for t in tsyms)
    integrands = [n.args[0] for n in nodes]
    if linear:
        fs, targets = [], []
        for g in gs:
            coefs = [sympy.diff(g, t) for t in tsyms]
            c0 = g.xreplace(dict.fromkeys(tsyms, 0))
            fs.append(sympy.Add(*(c * f for c, f in zip(coefs, integrands, strict=True))))
            targets.append(-_num(c0))
        return Reduced(fs, gs, tsyms, True, targets, [bool(f.free_symbols & rvs) for f in fs])
    if len(gs) != 1:
        raise Undecided("a matrix claim that is nonlinear in its expectations is not estimated", "unsupported")
    return Reduced(integrands, gs, tsyms, False, [0.0], [bool(f.free_symbols & rvs) for f in integrands])


def _num(e: sympy.Expr) -> float:
    try:
        v = complex(sympy.N(e, 30))
    except (TypeError, ValueError):
        raise Undecided(f"the non-random part {e} cannot be evaluated numerically", "unsupported") from None
    if v.imag != 0 or not math.isfinite(v.real):
        raise Undecided(f"the non-random part {e} is not a finite real number", "nonreal")
    return v.real


# ---------------------------------------------------------------------------------------
# Estimates and decisions.


@dataclass(frozen=True)
class Look:
    mean: float  # estimated quantity (E[F] for linear entries, lhs - rhs otherwise)
    se: float
    target: float
    band: float
    note: str = ""  # non-empty: this entry cannot be decided (why, for the summary)
    why: str = ""  # short reason tag for the evidence
    floored: bool = False  # the band is the absolute floor (target small next to the spread)
    resolution: float = 0.0  # measured float64 rounding of the integrand (see `rounding_resolution`)
    hidden_up: float = 0.0  # how far regions the sample did not resolve can raise the mean (`Audit.hidden`)
    hidden_down: float = 0.0  # ... and lower it
    hidden_note: str = ""  # the worst such region, for the summary (`describe_hidden`)

    @property
    def hidden(self) -> float:
        """How far regions the sample did not resolve can move the mean, either way."""
        return max(self.hidden_up, self.hidden_down)

    def hidden_against(self, relation: Relation) -> tuple[float, float]:
        """(shift of lhs - rhs toward violating ``relation``, shift toward satisfying it)."""
        if relation in (Relation.GE, Relation.GT):
            return self.hidden_down, self.hidden_up
        return self.hidden_up, self.hidden_down

    @property
    def rounding(self) -> float:
        """Floating-point noise of the difference: the SE is never taken below it.

        An integrand exactly linear in the control variates has an SE of ~0 and an error
        of ~1e-16 relative, which must not count as a significant difference; nor may a
        difference within the integrand's measured rounding error (`resolution`).
        """
        return 1e-12 * max(abs(self.mean), abs(self.target)) + 1e-9 * self.band + self.resolution

    def at_resolution(self, resolution: float) -> Look:
        """This look with the integrand's float64 rounding error taken into account.

        A difference within the rounding error cannot refute (the SE is floored at it). When
        the error is tiny in absolute terms (an identity whose float64 mean is 3e-18), it
        cannot be told from 0 either, so the band is at least that wide. When it is larger
        than the band, float64 Monte Carlo cannot decide the entry at all: it is noted, and the
        entry ends undecided (exp(x)(1 - σ(x)) at |x| ~ 1000 loses every digit).
        """
        scale = max(1.0, abs(self.mean), abs(self.target))
        if resolution <= RESOLUTION_ABSOLUTE * scale:
            return replace(self, resolution=resolution, band=max(self.band, resolution))
        if resolution > self.band:
            note = (
                f"the integrand's float64 rounding error (up to {resolution:.2g}, measured against 40-digit values "
                f"at sample points) exceeds the tolerance band ±{self.band:.2g}: float64 Monte Carlo cannot decide it"
            )
            return replace(self, resolution=resolution, note=self.note or note, why=self.why or "rounding")
        return replace(self, resolution=resolution)

    @property
    def z(self) -> float:
        """(estimate - target) / SE, with the SE floored at the rounding noise."""
        d, se = self.mean - self.target, max(self.se, self.rounding)
        if se == 0:
            return 0.0 if d == 0 else math.copysign(math.inf, d)
        return d / se


def band_for(tol: float, target: float, sd: float) -> float:
    """Half-width of the tolerance band around ``target`` for an integrand of standard deviation ``sd``."""
    return tol * max(abs(target), min(sd, FLOOR_SCALE))


def _floored(target: float, sd: float) -> bool:
    return min(sd, FLOOR_SCALE) > abs(target)


def control_variates(draws: Sequence[Any], integrands: Sequence[sympy.Expr] = ()) -> list[sympy.Expr]:
    """Functions of the primitive draws with known mean 0, used as control variates.

    An exponential draw that the integrands use through its logarithm (Gumbel noise is
    -log E) gets log(E) + γ (E[log E] = -γ), which correlates with a Gumbel-max indicator
    far better than E - 1 does (residual variance about 0.5 instead of 0.75 of the plain
    estimate's); E - 1 is kept when E also appears outside a logarithm.
    """
    out: list[sympy.Expr] = []
    for d in draws:
        z = d.symbol
        if d.kind == "normal":
            out += [z, z**2 - 1]
        elif d.kind == "uniform":
            out.append(z - sympy.Rational(1, 2))
        elif d.kind == "exponential":
            logged = [f for f in integrands if f.has(sympy.log(z))]
            if logged:
                out.append(sympy.log(z) + sympy.EulerGamma)
            marker = sympy.Dummy()
            if not logged or any(z in f.xreplace({sympy.log(z): marker}).free_symbols for f in integrands):
                out.append(z - 1)
        else:
            out.append(z - sympy.Float(d.shape))
    return out[:_MAX_CONTROLS]


def _adjusted(tot: Totals, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Means of the first k rows and their covariance, regressed on the control rows after them.

    The regression (control-variate) estimator E[F] ~ mean(F) - beta . mean(C), with beta
    fitted from the same samples, is consistent and never has a larger asymptotic variance
    than mean(F); its variance is the residual variance of F given C.
    """
    assert tot.mean is not None and tot.comoment is not None
    n, m, s = tot.n, tot.mean, tot.comoment
    j = len(m) - k
    if j == 0:
        return m, tot.covariance_of_mean
    scc, scf = s[k:, k:], s[k:, :k]
    beta = np.linalg.lstsq(scc, scf, rcond=None)[0]
    residual = s[:k, :k] - scf.T @ beta
    return m[:k] - beta.T @ m[k:], residual / (n * max(n - 1 - j, 1))


def _cancellation(tot: Totals, k: int) -> np.ndarray:
    """Per entry, the standard error of the mean that the control-variate residual cannot resolve.

    The residual variance is a difference of two sums of size ~ the raw variance, so it is known
    only to `_CANCELLATION` times that: an integrand exactly linear in the controls comes out
    with a residual of +1e-16 or -1e-16 of the raw variance as the CPU's summation order falls,
    and one with a true residual that small (E[10^6 x + σ(x)]) is not told from it. The
    standard error is floored at it (`estimate_looks`), so neither is decided on the residual's
    rounding: no refutation by a difference it cannot resolve (E[10^6 x + σ(x)] = 1/2 with an
    SE of 0), and no tie called exact (E[max(z, 0)] <= E[max(-z, 0)]: undecided, on every CPU).
    """
    assert tot.mean is not None and tot.comoment is not None
    j = len(tot.mean) - k
    if j == 0:
        return np.zeros(k)
    raw = np.abs(np.diag(tot.comoment)[:k])
    return np.sqrt(_CANCELLATION * raw / (tot.n * max(tot.n - 1 - j, 1)))


def estimate_looks(red: Reduced, tot: Totals, tol: float) -> list[Look]:
    assert tot.mean is not None and tot.comoment is not None
    k = len(red.integrands)
    means, cov = _adjusted(tot, k)
    cancelled = _cancellation(tot, k)
    raw_var = np.diag(tot.comoment)[:k] / max(tot.n - 1, 1)
    out = []
    # An integrand that never varied may still vary on an event too rare to have been
    # sampled (1[x > 6] is 0 in 20M normal draws): its zero standard error proves nothing.
    flat = [bool(v) and raw_var[j] <= 0 for j, v in enumerate(red.varying)]
    flat_note = f"all {tot.n} samples of an integrand were equal, so its standard error cannot be estimated"
    if red.linear:
        for j, target in enumerate(red.targets):
            mean, var = float(means[j]), float(max(cov[j, j], 0.0))
            # The floor uses the integrand's own spread (before control variates), so the band
            # does not depend on how well the variance reduction worked.
            sd = math.sqrt(max(float(raw_var[j]), 0.0))
            note, why = (flat_note, "no variation") if flat[j] else ("", "")
            floored = _floored(target, sd)
            # (the SE is never below what the residual's cancellation leaves unresolved)
            se = max(math.sqrt(max(var, 0.0)), float(cancelled[j]))
            out.append(Look(mean, se, target, band_for(tol, target, sd), note, why, floored))
        return out
    (g,) = red.quantities
    t = {s: sympy.Float(float(m)) for s, m in zip(red.tsyms, means, strict=True)}
    value = _real(g.xreplace(t))
    slopes = [_real(sympy.diff(g, s).xreplace(t)) for s in red.tsyms]
    note = flat_note if any(flat) else ""
    if value is None or any(v is None for v in slopes):
        note = "the function of the expectations is not real at the estimate"
        return [Look(math.nan, math.inf, 0.0, 0.0, note, "delta method")]
    grad = np.array(slopes, dtype=float)
    se = math.sqrt(max(float(grad @ cov @ grad), 0.0))
    # The delta method is trusted only where g is close to linear over +-3 SE of each mean.
    for i, s in enumerate(red.tsyms):
        h = 3.0 * math.sqrt(max(float(cov[i, i]), 0.0))
        if h == 0:
            continue
        up, down = (_real(g.xreplace({**t, s: t[s] + sign * h})) for sign in (1, -1))
        if up is None or down is None:
            note = "the function of the expectations is not smooth over the confidence region"
            break
        curvature, slope = abs(up + down - 2 * value) / 2, abs(up - down) / 2
        if curvature > 0.1 * max(slope, se, 1e-300):
            note = "the function of the expectations is too curved over the confidence region for the delta method"
            break
    # The linearised quantity's own spread (before control variates) gives the band's floor.
    raw_cov = tot.comoment[:k, :k] / max(tot.n - 1, 1)
    sd = math.sqrt(max(float(grad @ raw_cov @ grad), 0.0))
    side = max(abs(value), *(abs(v) for v in _side_values(g, t)))
    why = "" if not note else "no variation" if note == flat_note else "delta method"
    return [Look(value, se, 0.0, band_for(tol, side, sd), note, why, _floored(side, sd))]


def _side_values(g: sympy.Expr, t: dict) -> list[float]:
    vals = []
    for term in sympy.Add.make_args(g):
        v = _real(term.xreplace(t))
        if v is not None:
            vals.append(v)
    return vals or [0.0]


def _real(e: sympy.Basic, digits: int = 20) -> float | None:
    try:
        v = complex(sympy.N(e, digits))
    except (TypeError, ValueError):
        return None
    if v.imag != 0 or not math.isfinite(v.real):
        return None
    return v.real


#: Sample points at which `rounding_resolution` compares float64 with 40-digit values.
RESOLUTION_POINTS = 48
#: A rounding error up to this (times the size of the estimate, at least 1) widens the band:
#: below it, float64 cannot tell the estimate from the target, and no tolerance is that fine.
RESOLUTION_ABSOLUTE = 1e-9
#: The float64 mean may be off by its samples' rounding errors, which need not cancel: the
#: resolution is this multiple of the largest error seen at the sample points.
RESOLUTION_FACTOR = 100.0


def rounding_resolution(integrand: sympy.Expr, draws: Sequence[Any], rng: np.random.Generator) -> float:
    """How far float64 evaluation of ``integrand`` can move its Monte Carlo mean.

    The integrand is evaluated at `RESOLUTION_POINTS` sample points both by the compiled
    numpy program (as the batches are) and by sympy at 40 significant digits; the result
    is `RESOLUTION_FACTOR` times the largest difference. Points where the 40-digit value is
    not a finite real are skipped; 0.0 when nothing could be compared.
    """
    from derive.montecarlo._lowering import compile_program  # noqa: PLC0415 - avoids an import cycle

    program = compile_program([integrand], draws)
    ws = program.workspace(RESOLUTION_POINTS)
    with np.errstate(all="ignore"):
        for d, buf in zip(draws, ws["draws"], strict=True):
            d.fill(rng, buf)
        program.run(ws)
    fast = ws["y"][0]
    worst = 0.0
    for i in range(RESOLUTION_POINTS):
        point = {d.symbol: sympy.Float(float(buf[i]), 40) for d, buf in zip(draws, ws["draws"], strict=True)}
        if not math.isfinite(float(fast[i])) or not _tame(integrand, point):
            # (an exponent of 1e6 at a far parameter point: sympy would build the number for
            # minutes, and float64 gives its 0 or inf anyway)
            continue
        exact = _real(integrand.xreplace(point), digits=40)
        if exact is None:
            continue
        worst = max(worst, abs(float(fast[i]) - exact))
    return RESOLUTION_FACTOR * worst


def p_value(d: float, se: float, relation: Relation, scale: float) -> float:
    # A zero standard error (an integrand that is exactly linear in the control variates)
    # leaves only rounding error, of the order of 1e-12 relative to the values involved.
    se = max(se, 1e-12 * scale)
    if se == 0:
        return 1.0 if d == 0 or relation not in (Relation.EQ, Relation.APPROX) else 0.0
    z = d / se
    if relation in (Relation.EQ, Relation.APPROX):
        return math.erfc(abs(z) / math.sqrt(2))
    if relation in (Relation.LE, Relation.LT):
        return 0.5 * math.erfc(z / math.sqrt(2))  # evidence that lhs - rhs > 0
    return 0.5 * math.erfc(-z / math.sqrt(2))


def decide(look: Look, relation: Relation, z_refute: float) -> Verdict:
    """CONSISTENT, REFUTED or UNDECIDED (sample more) for one estimate at the current sample size.

    See the module docstring for the rule; ``z_refute`` is the (Bonferroni-corrected) number
    of standard errors beyond which a difference refutes. ``look.hidden`` (what regions the
    sample did not resolve can add, either way) stays in every margin: a difference refutes
    only beyond it, and an interval widened by it must still fit.
    """
    d, se, band, hidden = look.mean - look.target, look.se, look.band, look.hidden
    worse, better = look.hidden_against(relation)
    if relation in (Relation.GE, Relation.GT):
        d, relation = -d, relation.flipped()
    noise = max(se, look.rounding)
    if relation is Relation.EQ:
        if abs(d) - hidden > z_refute * noise:
            return Verdict.REFUTED
        # No significant difference beyond what the unresolved regions may add, and the
        # whole error bound inside the band.
        if max(abs(d) - hidden, 0.0) <= Z_CONSISTENT * noise and abs(d) + Z_CONSISTENT * se + hidden <= band:
            return Verdict.CONSISTENT
        return Verdict.UNDECIDED
    if relation is Relation.APPROX:
        # "≈ within the band": only a significant excess over the band refutes.
        if abs(d) - band - hidden > z_refute * noise:
            return Verdict.REFUTED
        if abs(d) + Z_CONSISTENT * se + hidden <= band:
            return Verdict.CONSISTENT
        return Verdict.UNDECIDED
    # lhs - rhs <= 0 must hold clearly: the whole interval on the right side of 0 (no band,
    # which would accept a gap of the wrong sign that is merely small). An equality that is
    # exact up to rounding satisfies <= but not <.
    # (a region can only raise lhs - rhs by `worse`, lower it by `better`)
    if d - better > z_refute * noise and d - better > look.rounding:
        return Verdict.REFUTED
    upper = d + Z_CONSISTENT * se + worse
    if upper < -look.rounding or (upper <= look.rounding and relation is Relation.LE):
        return Verdict.CONSISTENT
    return Verdict.UNDECIDED


def hopeless(look: Look, relation: Relation, at_budget: Look) -> bool:
    """Whether even the whole sample budget cannot decide: the unresolved regions' bound alone is too wide.

    ``at_budget`` is ``look`` with its `Look.hidden` bounds at the largest sample size the
    budget allows. For an equality the bound must fit in the band; a refutation needs the
    difference to exceed it (the difference does not shrink as the sample grows, only its
    noise does).
    """
    if at_budget.hidden <= 0:
        return False
    d = look.mean - look.target
    worse, better = at_budget.hidden_against(relation)
    if relation in (Relation.GE, Relation.GT):
        d, relation = -d, relation.flipped()
    slack = Z_CONSISTENT * look.se
    if relation in (Relation.EQ, Relation.APPROX):
        reach = look.band if relation is Relation.APPROX else 0.0
        return at_budget.hidden >= look.band and abs(d) - reach <= at_budget.hidden + slack
    # (the regions are the obstacle only where the estimate alone is on the claim's side: a tie,
    # d ~ 0, is undecided by its own noise, which the full budget shows, not by a region)
    return d < 0 and d + worse >= 0 and d - better <= slack


def explain(look: Look, relation: Relation, z_refute: float) -> str:
    """Why ``look`` is still undecided (for the summary when the budget runs out)."""
    z = look.z
    if relation in (Relation.GE, Relation.GT):
        z = -z
    # The unresolved regions are the reason only when the estimate alone would decide.
    alone = decide(replace(look, hidden_up=0.0, hidden_down=0.0), relation, z_refute)
    if look.hidden_note and look.hidden > 0 and alone is not Verdict.UNDECIDED:
        return look.hidden_note
    ci = f"{look.mean:.6g} ± {Z_CONSISTENT * look.se:.2g}"
    if relation in (Relation.EQ, Relation.APPROX):
        if relation is Relation.EQ and abs(z) > Z_CONSISTENT:
            return (
                f"the estimate differs from the target {look.target:.6g} by {abs(z):.1f} SE: significant, "
                f"but below the refutation threshold of {z_refute:.2f} SE"
            )
        return f"the interval {ci} does not fit in the band ±{look.band:.2g} around {look.target:.6g}"
    side = "below" if relation in (Relation.LE, Relation.LT) else "above"
    d = look.mean - look.target
    return (
        f"the estimate of lhs - rhs, {d:.6g} ± {Z_CONSISTENT * look.se:.2g} ({Z_CONSISTENT:g} SE), "
        f"is not clearly {side} 0 (z = {z:.1f})"
    )


# ---------------------------------------------------------------------------------------
# Rare regions and far tails: what a sample of n draws cannot see.
#
# A sample of n draws almost surely misses a region of probability p when n * p is small,
# and then neither its mean nor its standard error says anything about the integrand there:
# E[z^2 + 1e11 [z > 6.5]] is about 5, yet 2e7 normal draws see 1 +- 0. So before a verdict,
# each integrand is audited along *axes*: every primitive draw, and every direction a.z of
# normal draws that a switching condition is linear in; a condition coupling draws
# nonlinearly (x * y > 40), or two draws with conditions of their own ([z > 4] [w > 4] is a
# 1e-9 event), add a grid of boxes over each such pair. An axis is cut into
# cells at the breakpoints of the integrand's switches (Heaviside, Piecewise and relational
# conditions, sign, Abs, Max/Min) and at a ladder of far quantiles (tail probabilities 1e-1
# ... 1e-300); each cell's probability is computed exactly from the draw's CDF (a box's is
# the product: the draws are independent), and the integrand (with control variates: the
# residual the estimate uses) is evaluated at points inside it, the other draws at random.
# The cells the sample expects at least `RESOLVED_HITS` draws in are in the sample, and their
# values span a range [lo, hi] that its standard error accounts for. A cell with fewer can
# raise the mean by p * (its largest value - hi) and lower it by p * (lo - its smallest):
# the sums over such cells bound what the sample can miss, each way, and every decision
# keeps them in its margin (`Look.hidden_up`, `Look.hidden_down`).
#
# What the audit does not see: a bump of the integrand narrower than its cells (it is
# evaluated at a few points per cell), a region cut out by a condition coupling three or more
# draws nonlinearly (only pairs are gridded), smooth growth along a direction that is not an
# axis (exp(x*y); the heavy-tail check of the batches is the guard there).

#: A cell is resolved when the sample expects at least this many draws in it: the chance of
#: none is e^-21 < 1e-9, the error budget of one look.
RESOLVED_HITS = 21.0
_CELL_POINTS = 6  # evaluation points per audited cell
_MAX_SWITCH_ARGS = 4  # Max/Min with more arguments: only consecutive pairs are cut
_SQRT2 = math.sqrt(2.0)


def _tail_probs(deepest: float) -> list[float]:
    # Half-decades to 1e-30, then decades: cells narrow enough that |F| changes little in each.
    out = [10.0 ** (-k / 2) for k in range(2, 61)]
    out += [10.0**-k for k in range(31, 301) if 10.0**-k >= deepest]
    return [p for p in out if p >= deepest]


@dataclass(frozen=True)
class _Axis:
    """One standard primitive draw (or a unit direction of normal draws), with its exact CDF."""

    kind: str  # normal | uniform | exponential | gamma
    shape: float = 0.0
    direction: tuple[tuple[int, float], ...] = ()  # (draw index, weight): the axis is sum w * draw
    name: str = ""

    @property
    def support(self) -> tuple[float, float]:
        if self.kind == "normal":
            return -math.inf, math.inf
        if self.kind == "uniform":
            return 0.0, 1.0
        return 0.0, math.inf

    def cdf(self, x: float) -> float:
        """P(X <= x), accurate in the lower tail."""
        if self.kind == "normal":
            return 0.5 * math.erfc(-x / _SQRT2)
        if x <= 0:
            return 0.0
        if self.kind == "uniform":
            return min(x, 1.0)
        if self.kind == "exponential":
            return -math.expm1(-x) if math.isfinite(x) else 1.0
        return _gamma_p(self.shape, x, upper=False)

    def sf(self, x: float) -> float:
        """P(X > x), accurate in the upper tail."""
        if self.kind == "normal":
            return 0.5 * math.erfc(x / _SQRT2)
        if x <= 0:
            return 1.0
        if self.kind == "uniform":
            return max(1.0 - x, 0.0)
        if self.kind == "exponential":
            return math.exp(-x)
        return _gamma_p(self.shape, x, upper=True)

    def prob(self, a: float, b: float) -> float:
        """P(a < X <= b), from whichever tail keeps the digits."""
        if b <= a:
            return 0.0
        lo, hi = self.cdf(a), self.sf(b)
        if lo <= 0.5 and self.cdf(b) <= 0.5:
            return max(self.cdf(b) - lo, 0.0)
        if hi <= 0.5 and self.sf(a) <= 0.5:
            return max(self.sf(a) - hi, 0.0)
        return max(1.0 - lo - hi, 0.0)

    def inner(self) -> list[float]:
        """Quantiles 1/512, 3/512, ... of the bulk (where the ladder does not reach)."""
        ps = [(i + 0.5) / 256 for i in range(256)]
        if self.kind == "uniform":
            return ps
        if self.kind == "normal":
            nd = NormalDist()
            return [nd.inv_cdf(p) for p in ps]
        if self.kind == "exponential":
            return [-math.log1p(-p) for p in ps]
        ladder = _gamma_ladder(self.shape)
        return np.geomspace(ladder[0], ladder[-1], 512).tolist()

    def ladder(self) -> list[float]:
        """Far quantiles of both tails (the points where the audit cuts the axis)."""
        if self.kind == "uniform":
            ps = _tail_probs(1e-16)
            return [*ps, *(1.0 - p for p in ps)]
        if self.kind == "normal":
            ps = _tail_probs(1e-300)
            nd = NormalDist()
            lows = [nd.inv_cdf(p) for p in ps]
            return [*lows, *(-x for x in lows)]
        if self.kind == "exponential":
            ps = _tail_probs(1e-300)
            return [*(-math.log1p(-p) for p in ps), *(-math.log(p) for p in ps)]
        return _gamma_ladder(self.shape)


def _gamma_p(k: float, x: float, *, upper: bool) -> float:
    import mpmath  # noqa: PLC0415 - only gamma draws need it

    if not math.isfinite(x):
        return 0.0 if upper else 1.0
    with mpmath.workdps(20):
        v = mpmath.gammainc(k, x, mpmath.inf, regularized=True) if upper else mpmath.gammainc(k, 0, x, regularized=True)
    return float(v)


@functools.cache
def _gamma_ladder(k: float) -> list[float]:
    # Lower tail: P(G <= x) ~ x^k / Gamma(k + 1) for small x. Upper tail: bisection in log x
    # on the regularised upper incomplete gamma (mpmath), on a coarser ladder (it is slow).
    tiny = (1e-6, 1e-8, 1e-10, 1e-12, 1e-16, 1e-20, 1e-30, 1e-50, 1e-100)
    lows = [math.exp((math.log(p) + math.lgamma(k + 1)) / k) for p in tiny]
    highs = []
    for p in (1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-10, 1e-12, 1e-16, 1e-20, 1e-30, 1e-50, 1e-100, 1e-200, 1e-300):
        lo, hi = math.log(max(k, 1e-3)), math.log(-math.log(p) + 10 * k + 50)
        for _ in range(40):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if _gamma_p(k, math.exp(mid), upper=True) > p else (lo, mid)
        highs.append(math.exp(hi))
    return [x for x in lows if x > 0] + highs


@dataclass(frozen=True)
class Region:
    """A cell of an axis: its exact probability and the largest |F| found in it."""

    prob: float
    peak: float
    where: str  # for the summary: "z in (6.5, 6.71]"


@dataclass(frozen=True)
class Audit:
    """The cells of one integrand's axes with the values found in them (see the section comment).

    ``values[c, i, 0]`` is the integrand at point i of cell c, ``values[c, i, 1:]`` the
    control variates there: with controls the estimate is that of the residual
    ``F - beta . C``, whose size is what a region can hide.
    """

    probs: np.ndarray = field(default_factory=lambda: np.zeros(0))
    values: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 1)))
    blocks: tuple[_Block, ...] = ()
    coupled: frozenset[int] = frozenset()  # draws in a condition on several draws
    features: tuple[str, ...] = ()  # the narrow features' cells, after the blocks' (`_feature_cells`)

    def where(self, c: int) -> str:
        """The summary's name of cell ``c`` (cells are numbered block after block, then the features)."""
        for blk in self.blocks:
            if c < blk.size:
                return blk.where(c)
            c -= blk.size
        return self.features[c] if c < len(self.features) else "?"

    def hidden(self, n: int, beta: np.ndarray | None = None) -> tuple[float, float, Region | None]:
        """(how far unresolved cells can raise the mean, how far lower it, the worst of them).

        A cell is unresolved when a sample of ``n`` expects fewer than `RESOLVED_HITS` draws
        in it. The resolved cells' values span [lo, hi]: values in that range are in the
        sample, and in its standard error. An unresolved cell can raise the mean by
        ``prob * (its largest value - hi)`` and lower it by ``prob * (lo - its smallest)``.
        """
        if self.probs.size == 0:
            return 0.0, 0.0, None
        v = self.values[..., 0]
        if beta is not None and beta.size and self.values.shape[2] > 1:
            v = v - self.values[..., 1:] @ beta
        with np.errstate(invalid="ignore", over="ignore"):
            finite = np.isfinite(v).all(axis=1)
            top = np.where(finite, v.max(axis=1), np.inf)
            bottom = np.where(finite, v.min(axis=1), -np.inf)
            resolved = n * self.probs >= RESOLVED_HITS
            hi = float(top[resolved].max()) if resolved.any() else 0.0
            lo = float(bottom[resolved].min()) if resolved.any() else 0.0
            # (an infinite value in a resolved cell leaves hi or lo infinite: the sample's own
            # non-finite values are counted and reported elsewhere)
            up = np.where(~resolved & (top > hi), self.probs * (top - hi), 0.0)
            down = np.where(~resolved & (bottom < lo), self.probs * (lo - bottom), 0.0)
        total_up, total_down = float(up.sum()), float(down.sum())
        if total_up <= 0 and total_down <= 0:
            return 0.0, 0.0, None
        worst = np.maximum(up, down)
        c = int(np.argmax(worst))
        peak = float(max(abs(top[c]), abs(bottom[c])))
        return total_up, total_down, Region(float(self.probs[c]), peak, self.where(c))


def describe_hidden(region: Region, n: int, up: float, down: float) -> str:
    """The summary of an unresolved cell: its probability, the integrand's size there, n."""
    peak = "not finite" if not math.isfinite(region.peak) else f"up to {region.peak:.3g} in size"
    bound = f"{up:.3g}" if up == down else f"+{up:.3g} / -{down:.3g}"
    return (
        f"a region of probability {region.prob:.2g} ({region.where}) where the integrand is {peak} "
        f"is not resolved by {n} samples (expected {n * region.prob:.2g} draws in it, fewer than "
        f"{RESOLVED_HITS:g}): such regions can move the mean by {bound}"
    )


def _switches(f: sympy.Basic) -> list[sympy.Expr]:
    """Expressions whose sign change switches the integrand's formula (conditions, kinks)."""
    out: list[sympy.Expr] = []
    for node in sympy.preorder_traversal(f):
        if isinstance(node, sympy.core.relational.Relational) and not isinstance(node, (sympy.Eq, sympy.Ne)):
            out.append(node.lhs - node.rhs)
        elif isinstance(node, (sympy.Heaviside, sympy.sign, sympy.Abs)):
            out.append(node.args[0])
        elif isinstance(node, (sympy.Max, sympy.Min)):
            args = node.args[:_MAX_SWITCH_ARGS]
            out += [a - b for i, a in enumerate(args) for b in args[i + 1 :]]
    return [g for g in out if isinstance(g, sympy.Expr) and not g.is_number]


def audit_integrand(
    f: sympy.Expr,
    draws: Sequence[Any],
    rng: np.random.Generator,
    controls: Sequence[sympy.Expr] = (),
    names: dict[Any, str] | None = None,
) -> Audit:
    """The cells along every axis of ``f``, with ``f`` and the ``controls`` evaluated in each.

    ``f`` is an integrand in the primitive draws (after `lower_random`); ``names`` says how
    the summary calls each draw. Raises `LoweringError` when ``f`` cannot be compiled (then
    it cannot be sampled either), `Undecided` when it has too many conditions to audit.
    """
    from derive.montecarlo._lowering import compile_program  # noqa: PLC0415 - avoids an import cycle

    all_blocks, coupled = _blocks(f, draws, names or {})
    blocks = [blk for blk in all_blocks if blk.size]
    exprs = [f, *controls]
    f_probs, f_values, f_names = _feature_cells(f, exprs, draws, rng, names or {})
    if not blocks and not f_names:
        return Audit()
    program = compile_program(exprs, draws)
    parts = []
    for blk in blocks:  # one block at a time: the memory is that of the largest block
        ws = program.workspace(blk.size * _CELL_POINTS)
        with np.errstate(all="ignore"):
            for d, buf in zip(draws, ws["draws"], strict=True):
                d.fill(rng, buf)
            for axis, x in zip(blk.axes, blk.points(), strict=True):
                _place(axis, x, ws["draws"], slice(0, x.size))
            program.run(ws)
        _exact_where_nonfinite(exprs, draws, ws)
        parts.append(ws["y"].T.reshape(blk.size, _CELL_POINTS, len(exprs)).copy())
    probs = np.concatenate([*(blk.probs() for blk in blocks), f_probs])
    values = np.concatenate([*parts, f_values])
    return Audit(probs, values, tuple(blocks), frozenset(coupled), f_names)


def _blocks(f: sympy.Expr, draws: Sequence[Any], names: dict[Any, str]) -> tuple[list[_Block], set[int]]:
    """The cells to audit: one block per axis (cut at its breakpoints and far quantiles), one
    grid per pair of draws that a nonlinear condition couples."""
    from derive.montecarlo._lowering import compile_program  # noqa: PLC0415 - avoids an import cycle

    index = {d.symbol: i for i, d in enumerate(draws)}
    axes: dict[Any, tuple[_Axis, set[float]]] = {}
    pairs: set[tuple[int, int]] = set()
    for i, d in enumerate(draws):
        if d.symbol in f.free_symbols:
            axes[i] = (_Axis(d.kind, d.shape, ((i, 1.0),), names.get(d.symbol, str(d.symbol))), set())
    switches = list(dict.fromkeys(_switches(f)))
    if len(switches) > _MAX_SWITCHES:
        msg = f"the integrand switches on {len(switches)} conditions, more than the rare-region audit examines"
        raise Undecided(f"{msg} ({_MAX_SWITCHES}): a rare region among them cannot be excluded", "rare region")
    single: dict[int, list[sympy.Expr]] = {}  # draw -> the conditions on it alone
    coupled: set[int] = set()  # draws in a condition on several draws
    for g in switches:
        used = sorted(index[s] for s in g.free_symbols if s in index)
        if not used or len(g.free_symbols) != len(used):
            continue
        if len(used) == 1:
            single.setdefault(used[0], []).append(g)
            continue
        coupled.update(used)
        line = _linear_normal(g, draws, used)
        if line is None:
            # A condition on several draws that is not linear in normals (x * y > 40): audited
            # on a grid of boxes over each pair of them, at the product of the probabilities.
            pairs.update(itertools.combinations(used[:_MAX_PAIR_DRAWS], 2))
            continue
        key, weights, cut = line
        if key not in axes:
            name = " + ".join(f"{w:.3g}*{names.get(draws[i].symbol, draws[i].symbol)}" for i, w in weights)
            axes[key] = (_Axis("normal", 0.0, weights, name), set())
        axes[key][1].add(cut)
    for i, gs in single.items():
        axis, cuts = axes[i]
        cuts.update(_roots(gs, draws, i, axis, compile_program))
    # Conditions on single draws can combine into a rare joint region ([z > 4] [w > 4] has
    # probability 1e-9 though each has 3e-5): every pair of switched draws is gridded too.
    pairs.update(itertools.combinations(sorted(i for i in single if axes[i][1]), 2))
    if len(pairs) > _MAX_PAIRS:
        msg = f"conditions couple {len(pairs)} pairs of draws nonlinearly, more than the rare-region audit grids"
        raise Undecided(f"{msg} ({_MAX_PAIRS}): a rare region among them cannot be excluded", "rare region")
    blocks: list[_Block] = []
    for axis, cuts in axes.values():
        lo, hi = axis.support
        points = sorted({lo, hi, *(x for x in axis.ladder() if lo < x < hi), *(x for x in cuts if lo < x < hi)})
        blocks.append(_Block((axis,), (_sides(axis, points),)))
    for i, j in sorted(pairs):
        blocks.append(_Block((axes[i][0], axes[j][0]), (_coarse_sides(axes[i][0]), _coarse_sides(axes[j][0]))))
    return blocks, coupled


@dataclass(frozen=True)
class _Block:
    """Cells of one axis, or the grid of boxes over two axes (probability: the product)."""

    axes: tuple[_Axis, ...]
    sides: tuple[tuple[np.ndarray, np.ndarray, np.ndarray], ...]  # per axis: cell starts, ends, probabilities

    @property
    def size(self) -> int:
        return math.prod(len(p) for _, _, p in self.sides)

    def probs(self) -> np.ndarray:
        if len(self.sides) == 1:
            return self.sides[0][2]
        return np.outer(self.sides[0][2], self.sides[1][2]).ravel()

    def points(self) -> list[np.ndarray]:
        """Per axis, its coordinate at every evaluation point (cell-major, _CELL_POINTS per cell)."""
        if len(self.sides) == 1:
            a, b, _ = self.sides[0]
            return [_inside(a, b, (np.arange(_CELL_POINTS) + 0.5) / _CELL_POINTS).ravel()]
        (a0, b0, _), (a1, b1, _) = self.sides
        x0 = _inside(a0, b0, _CORNERS[0])[:, None, :].repeat(len(a1), axis=1)
        x1 = _inside(a1, b1, _CORNERS[1])[None, :, :].repeat(len(a0), axis=0)
        return [x0.ravel(), x1.ravel()]

    def where(self, c: int) -> str:
        """The summary's name of cell ``c`` of this block."""
        index = np.unravel_index(c, [len(p) for _, _, p in self.sides])
        return " and ".join(
            f"{axis.name} in ({a[k]:.7g}, {b[k]:.7g}]"
            for axis, (a, b, _), k in zip(self.axes, self.sides, index, strict=True)
        )


def _sides(axis: _Axis, points: list[float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # The cells between consecutive cut points that have probability.
    cells = [(a, b, axis.prob(a, b)) for a, b in itertools.pairwise(points)]
    cells = [c for c in cells if c[2] > 0]
    return tuple(np.array([c[k] for c in cells], dtype=float) for k in range(3))  # type: ignore[return-value]


def _inside(a: np.ndarray, b: np.ndarray, frac: np.ndarray) -> np.ndarray:
    """Points at fractions ``frac`` of each cell (a, b]: shape (cells, len(frac)).

    A half-infinite end cell (beyond the deepest quantile) gets points just past its end.
    """
    a2, b2 = a[:, None], b[:, None]
    with np.errstate(all="ignore"):
        inner = a2 + (b2 - a2) * frac
        upper = a2 + (1.0 + np.abs(a2)) * frac * 0.05
        lower = b2 - (1.0 + np.abs(b2)) * frac * 0.05
    return np.where(np.isfinite(a2) & np.isfinite(b2), inner, np.where(np.isfinite(a2), upper, lower))


#: Draws of one condition whose pairs are audited on a grid (the first few, by index).
_MAX_PAIR_DRAWS = 4
#: Beyond these counts the audit would cost more than the sampling (each pair grid has a few
#: thousand boxes): the claim is undecided, since a rare region could not be excluded.
_MAX_SWITCHES = 256
_MAX_PAIRS = 28
#: Where the points of a 2-D box sit, as fractions of each side: the four corners (a region
#: such as x * y > 40 reaches a box through a corner) and the centre.
_CORNERS = (
    np.array([0.05, 0.95, 0.05, 0.95, 0.5, 0.3]),
    np.array([0.05, 0.05, 0.95, 0.95, 0.5, 0.7]),
)


def _coarse_sides(axis: _Axis) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """An axis cut at decades of tail probability and its quartiles: one side of a 2-D grid."""
    lo, hi = axis.support
    ps = [10.0**-k for k in (*range(1, 7), *range(8, 21, 2), 25, 30, 40, 60, 100, 200, 300)]
    if axis.kind == "uniform":
        cuts = [*(p for p in ps if p >= 1e-16), *(1 - p for p in ps if p >= 1e-16), 0.25, 0.5, 0.75]
    elif axis.kind == "normal":
        nd = NormalDist()
        cuts = [*(nd.inv_cdf(p) for p in ps), *(-nd.inv_cdf(p) for p in ps), -0.674, 0.0, 0.674]
    elif axis.kind == "exponential":
        cuts = [*(-math.log1p(-p) for p in ps), *(-math.log(p) for p in ps), 0.288, 0.693, 1.386]
    else:
        cuts = _gamma_ladder(axis.shape)
    return _sides(axis, sorted({lo, hi, *(x for x in cuts if lo < x < hi)}))


#: Audit points whose float64 value is not finite that are recomputed at 40 digits (at most).
_EXACT_POINTS = 48


def _exact_where_nonfinite(exprs: Sequence[sympy.Expr], draws: Sequence[Any], ws: dict[str, Any]) -> None:
    """Recompute at 40 digits the audit points where float64 gave inf/nan.

    Far out (z ~ 37) float64 loses what the integrand means: log(1 - σ(z)) is log(0) there
    although log σ(z) - log(1 - σ(z)) = z. A point that is still not a finite real at 40
    digits stays as it is (the cell then cannot be bounded).
    """
    y = ws["y"]
    bad = np.nonzero(~np.isfinite(y).all(axis=0))[0][:_EXACT_POINTS]
    for i in bad:
        point = {d.symbol: sympy.Float(float(buf[i]), 40) for d, buf in zip(draws, ws["draws"], strict=True)}
        for row, e in enumerate(exprs):
            if not math.isfinite(float(y[row, i])) and _tame(e, point):
                v = _real(e.xreplace(point), digits=40)
                y[row, i] = math.nan if v is None else v


#: An exponent beyond which a value is astronomically large: no point evaluating it exactly.
_HUGE_EXPONENT = 1e4


def _tame(e: sympy.Expr, point: dict) -> bool:
    """Whether every exp in ``e`` has a moderate argument at ``point`` (innermost first).

    exp(exp(exp(9))) has an exponent of 1e3500: mpmath would build that integer, for a value
    that is not finite in float64 anyway.
    """
    for node in sorted(e.atoms(sympy.exp), key=sympy.count_ops):
        v = _real(node.args[0].xreplace(point), digits=15)
        if v is None or abs(v) > _HUGE_EXPONENT:
            return False
    return True


def _place(axis: _Axis, x: np.ndarray, bufs: list[np.ndarray], rows: slice) -> None:
    """Set the axis coordinate of the evaluation points ``rows`` to ``x``."""
    if len(axis.direction) == 1:
        bufs[axis.direction[0][0]][rows] = x
        return
    # A direction w.z of normal draws: move each point along w to the coordinate x, keeping
    # its component orthogonal to w (so the conditional law of the rest is the right one).
    proj = sum(w * bufs[i][rows] for i, w in axis.direction)
    for i, w in axis.direction:
        bufs[i][rows] += (x - proj) * w


def _linear_normal(g: sympy.Expr, draws: Sequence[Any], used: list[int]) -> tuple[Any, tuple, float] | None:
    """A condition ``a.z + b > 0`` on normal draws: (key, unit weights, cut point along them)."""
    if any(draws[i].kind != "normal" for i in used):
        return None
    syms = [draws[i].symbol for i in used]
    try:
        poly = sympy.Poly(g, *syms)
    except (BasePolynomialError, TypeError, ValueError):
        return None
    if poly.total_degree() != 1:
        return None
    try:
        coefs = [float(poly.coeff_monomial(s)) for s in syms]
        b = float(poly.coeff_monomial(1))
    except (TypeError, ValueError):
        return None
    norm = math.sqrt(sum(c * c for c in coefs))
    if norm == 0 or not math.isfinite(norm) or not math.isfinite(b):
        return None
    sign = 1.0 if next(c for c in coefs if c != 0) > 0 else -1.0
    weights = tuple((i, sign * c / norm) for i, c in zip(used, coefs, strict=True) if c != 0)
    key = tuple((i, round(w, 12)) for i, w in weights)
    return key, weights, -sign * b / norm


def _roots(gs: Sequence[sympy.Expr], draws: Sequence[Any], i: int, axis: _Axis, compile_program: Any) -> set[float]:
    """Points of the axis where any of ``gs`` (functions of draw i alone) changes sign."""
    out: set[float] = set()
    sym = draws[i].symbol
    for g in gs:
        if not g.is_polynomial(sym):
            continue
        try:
            poly = sympy.Poly(g, sym)
            if poly.degree() <= 12:
                for r in np.roots([float(c) for c in poly.all_coeffs()]):
                    if abs(r.imag) <= 1e-9 * (1 + abs(r.real)):
                        out.add(float(r.real))
        except (BasePolynomialError, TypeError, ValueError, ArithmeticError, np.linalg.LinAlgError):
            pass
    # A grid scan (ladder and a uniform grid in between) and bisection finds the other
    # crossings; one program evaluates every condition (they share their subexpressions).
    lo, hi = axis.support
    grid = np.array(sorted({*axis.ladder(), *axis.inner()}), dtype=float)
    grid = grid[(grid > lo) & (grid < hi)]
    if grid.size < 2 or not gs:
        return out
    program = compile_program(list(gs), draws)

    def signs(x: np.ndarray) -> np.ndarray:
        ws = program.workspace(x.size)
        for buf in ws["draws"]:
            buf.fill(0.5)
        ws["draws"][i][:] = x
        with np.errstate(all="ignore"):
            program.run(ws)
        return np.sign(ws["y"])  # (conditions, points)

    s = signs(grid)
    rows, flips = np.nonzero((s[:, :-1] != s[:, 1:]) & np.isfinite(s[:, :-1]) & np.isfinite(s[:, 1:]))
    if flips.size:
        a, b, sa = grid[flips], grid[flips + 1], s[rows, flips]
        for _ in range(60):
            mid = 0.5 * (a + b)
            same = signs(mid)[rows, np.arange(mid.size)] == sa
            a, b = np.where(same, mid, a), np.where(same, b, mid)
        out.update(float(x) for x in b)
    return out


def with_hidden(
    red: Reduced, looks: list[Look], tot: Totals, audits: Sequence[Audit], n: int | None = None
) -> list[Look]:
    """The looks with what unresolved regions can hide at sample size ``n`` (default: the sample's).

    A linear entry's bound is its integrand's (of its residual after the control variates,
    when the batches carry them); a nonlinear claim ``g(E[f_1], ...)`` gets
    ``sum |dg/dT_i| * bound_i`` (first order, as the delta method itself).
    """
    assert tot.mean is not None and tot.comoment is not None
    n = tot.n if n is None else n
    k = len(red.integrands)
    beta = _betas(tot, k)
    parts = [a.hidden(n, None if beta is None else beta[:, i]) for i, a in enumerate(audits)]
    if red.linear:
        return [_hide(lk, *parts[j], n) for j, lk in enumerate(looks)]
    t = {s: sympy.Float(float(m)) for s, m in zip(red.tsyms, tot.mean[:k], strict=True)}
    (g,) = red.quantities
    up, down, worst, most = 0.0, 0.0, None, 0.0
    for s, (raise_, lower, region) in zip(red.tsyms, parts, strict=True):
        if region is None:
            continue
        slope = _real(sympy.diff(g, s).xreplace(t))
        if slope is None:
            up = down = math.inf
        elif slope >= 0:
            up, down = up + slope * raise_, down + slope * lower
        else:
            up, down = up - slope * lower, down - slope * raise_
        size = (abs(slope) if slope is not None else math.inf) * max(raise_, lower)
        if worst is None or size > most:
            worst, most = region, size
    return [_hide(lk, up, down, worst, n) for lk in looks]


def _betas(tot: Totals, k: int) -> np.ndarray | None:
    # The control-variate coefficients `_adjusted` uses (None without control rows).
    assert tot.comoment is not None
    if tot.comoment.shape[0] == k:
        return None
    s = tot.comoment
    return np.linalg.lstsq(s[k:, k:], s[k:, :k], rcond=None)[0]


def _hide(look: Look, up: float, down: float, region: Region | None, n: int) -> Look:
    if region is None or (up <= 0 and down <= 0):
        return replace(look, hidden_up=0.0, hidden_down=0.0, hidden_note="")
    return replace(look, hidden_up=up, hidden_down=down, hidden_note=describe_hidden(region, n, up, down))


# ---------------------------------------------------------------------------------------
# Strata: rare cells estimated apart, by sampling inside them.

#: Rare cells of one integrand estimated as strata at most, and draws inside each.
_MAX_STRATA = 8
_STRATUM_DRAWS = 1 << 13
#: Rare cells are stratified when they can add more than this share of the largest value the
#: sample resolves.
_STRATIFY_SHARE = 1e-3


@dataclass(frozen=True)
class Strata:
    """Rare cells of single draws whose contribution ``sum p_k E[F | cell_k]`` is estimated apart.

    Only cells of a normal, uniform or exponential draw (exact inverse CDFs) that is in no
    condition on several draws, when no box of a pair grid is itself rare and heavy (it could
    lie inside a stratum, whose own sample would miss it), and when no draw dominates a
    stratum's sum of squares; otherwise the audit's bound stands.

    The sample then estimates ``F`` with those cells cut out (`Strata.cut`), which it can
    resolve; ``mean`` and ``var`` are the strata's estimate and its variance (conditional
    sampling: the draw by inversion of its CDF inside the cell, the others as usual).
    """

    cells: tuple[tuple[int, float, float, float], ...] = ()  # (draw index, a, b, probability)
    mean: float = 0.0
    var: float = 0.0

    @property
    def prob(self) -> float:
        return sum(p for *_, p in self.cells)

    def cut(self, f: sympy.Expr, draws: Sequence[Any]) -> sympy.Expr:
        """``f`` with the strata's cells cut out (0 there)."""
        if not self.cells:
            return f
        inside = sympy.Or(
            *(sympy.And(draws[i].symbol > a, draws[i].symbol <= b) for i, a, b, _ in self.cells), evaluate=False
        )
        return sympy.Piecewise((0, inside), (f, True), evaluate=False)


def stratify(f: sympy.Expr, audit: Audit, draws: Sequence[Any], rng: np.random.Generator, n_max: int) -> Strata:
    """Strata for the single-draw cells of ``f`` that a sample of ``n_max`` would leave unresolved.

    The cells with the largest excess over the resolved range (`Audit.hidden`), at most
    `_MAX_STRATA`; none when a cell's conditional sample is not finite (the cell then stays
    in the bound instead).
    """
    from derive.montecarlo._lowering import compile_program  # noqa: PLC0415 - avoids an import cycle

    picked = _rare_cells(audit, n_max)
    if not picked:
        return Strata()
    program = compile_program([f], draws)
    ws = program.workspace(_STRATUM_DRAWS)
    total, var, cells = 0.0, 0.0, []
    for axis, a, b, p in picked:
        with np.errstate(all="ignore"):
            for d, buf in zip(draws, ws["draws"], strict=True):
                d.fill(rng, buf)
            ((i, _),) = axis.direction
            ws["draws"][i][:] = _conditional(axis, a, b, rng, _STRATUM_DRAWS)
            program.run(ws)
        v = ws["y"][0]
        if not np.all(np.isfinite(v)) or _one_dominates(v):
            return Strata()  # the stratum's own sample cannot be trusted: the bound stands
        total += p * float(v.mean())
        var += p * p * float(v.var(ddof=1)) / v.size
        cells.append((i, a, b, p))
    return Strata(tuple(cells), total, var)


def _one_dominates(v: np.ndarray) -> bool:
    # A stratum whose sum of squares is dominated by one draw (exp(3w) inside the cell) has
    # no trustworthy standard error (the batches' heavy-tail check, for the strata).
    dev = np.square(v - v.mean())
    total = float(dev.sum())
    return total > 0 and float(dev.max()) > _STRATUM_TAIL * total


#: Largest share of a stratum's sum of squares one draw may take (see `_one_dominates`).
_STRATUM_TAIL = 0.05


def _rare_cells(audit: Audit, n_max: int) -> list[tuple[_Axis, float, float, float]]:
    # The 1-D cells of single draws (normal, uniform, exponential: their inverse CDFs are
    # exact) that stay unresolved at the budget and lie beyond the resolved range.
    if audit.probs.size == 0:
        return []
    v = audit.values[..., 0]
    with np.errstate(invalid="ignore", over="ignore"):
        top, bottom = v.max(axis=1), v.min(axis=1)
        resolved = n_max * audit.probs >= RESOLVED_HITS
        if not resolved.any():
            return []
        hi, lo = float(top[resolved].max()), float(bottom[resolved].min())
        excess = np.where(~resolved, audit.probs * np.maximum(top - hi, lo - bottom), 0.0)
    # Worth it only when the rare cells can add a visible share of what the sample resolves
    # (far tails of exp(z) add 1e-5 of it: those stay in the bound).
    if not excess.sum() > _STRATIFY_SHARE * max(abs(hi), abs(lo), 1e-300):
        return []
    # A rare box of a pair grid may lie inside a cell's stratum, where its sample (the other
    # draws as usual) would not see it: then nothing is stratified, the bound stands.
    start = 0
    for blk in audit.blocks:
        if len(blk.axes) > 1 and np.any(excess[start : start + blk.size] > 0):
            return []
        start += blk.size
    out = []
    start = 0
    for blk in audit.blocks:
        (axis,) = blk.axes if len(blk.axes) == 1 else (None,)
        stratifiable = axis is not None and len(axis.direction) == 1 and axis.direction[0][0] not in audit.coupled
        if stratifiable and axis.kind in ("normal", "uniform", "exponential"):
            a, b, p = blk.sides[0]
            for k in range(blk.size):
                e = excess[start + k]
                if e > 0 and math.isfinite(e) and math.isfinite(a[k]) and math.isfinite(b[k]):
                    out.append((e, axis, float(a[k]), float(b[k]), float(p[k])))
        start += blk.size
    out.sort(key=lambda t: -t[0])
    return [(axis, a, b, p) for _, axis, a, b, p in out[:_MAX_STRATA]]


def _conditional(axis: _Axis, a: float, b: float, rng: np.random.Generator, size: int) -> np.ndarray:
    """Draws of the axis conditioned on the cell (a, b], by inverting the CDF from the near tail."""
    u = rng.random(size)
    if axis.kind == "uniform":
        return a + (b - a) * u
    upper = axis.cdf(a) > 0.5  # the cell is in the upper half: invert the survival function
    if upper:
        s = axis.sf(b) + (axis.sf(a) - axis.sf(b)) * u  # survival probabilities in the cell
        if axis.kind == "exponential":
            return -np.log(s)
        nd = NormalDist()
        return np.array([-nd.inv_cdf(x) for x in s])
    c = axis.cdf(a) + (axis.cdf(b) - axis.cdf(a)) * u
    if axis.kind == "exponential":
        return -np.log1p(-c)
    nd = NormalDist()
    return np.array([nd.inv_cdf(x) for x in c])


# ---------------------------------------------------------------------------------------
# Narrow interior features: a bump far narrower than the audit's cells.
#
# exp(-1e12 ((x - 1/3)^2 + (y - 1/2)^2)) is a spike of width ~1e-6 at an interior point: no
# axis cell or pair grid lands a point in it, and a sample of 1e7 draws expects ~1e-4 draws
# there, so with a prefactor of 1e14 it holds a mean of ~90 that neither sees. The claim's own
# large numbers (|c| >= `NARROW_COEFF` in an exponent or a rational's denominator) signal such
# a feature: it is located by minimising the exponent's negation over the draws (multi-start
# damped Newton), its region (where the factor is within e^-`_FEATURE_DROP` of its peak) is
# measured from the Hessian there, and it joins the audit as one more cell, with that
# probability and the integrand's values at the peak. An unresolved feature whose peak stands
# out then bounds the estimate like any rare cell (`Audit.hidden`).

#: A number this large inside an exponent or a rational bump of the draws signals a narrow feature.
NARROW_COEFF = 1e4
_FEATURE_DROP = 40.0  # the region: where the factor's log is within this of its peak
_FEATURE_STARTS = 32
_FEATURE_STEPS = 60
_MAX_FEATURES = 8
_NARROW_WIDTH = 0.1  # a region wider than this along every axis is no narrow feature (the audit sees it)
_ROUGH = (sympy.Max, sympy.Min, sympy.Piecewise, sympy.Heaviside, sympy.sign, sympy.floor, sympy.ceiling)


def _big_number(e: sympy.Expr) -> float:
    """The largest constant in ``e``, atoms or not (100 exp(10) is 2.2e6 though no atom is large)."""
    best = 0.0
    for node in sympy.preorder_traversal(e):
        if not (isinstance(node, sympy.Expr) and node.is_number):
            continue
        try:
            best = max(best, abs(complex(node.evalf(15))))
        except (TypeError, ValueError, OverflowError):
            return math.inf
    return best


def _narrow_logs(f: sympy.Expr, dsyms: set[sympy.Symbol]) -> list[sympy.Expr]:
    """The logs of the factors of ``f`` that carry a large number: exp(A) gives A, base^-k gives -k log(base).

    Smooth ones, or with |u| (located through u^2): no Max or conditions, which Newton cannot follow.
    """
    out: list[sympy.Expr] = []
    for node in sympy.preorder_traversal(f):
        if isinstance(node, sympy.exp):
            log_size = node.args[0]
        elif node.is_Pow and node.exp.is_number and node.exp.is_negative and not node.base.is_number:
            log_size = node.exp * sympy.log(node.base)
        else:
            continue
        if not (log_size.free_symbols & dsyms) or log_size.has(*_ROUGH) or log_size in out:
            continue
        if _big_number(log_size) >= NARROW_COEFF:
            out.append(log_size)
    return out[:_MAX_FEATURES]


def _density(d: Any, x: float) -> float:
    """The draw's density at ``x`` (0 outside its support)."""
    if d.kind == "normal":
        return math.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
    if x < 0 or (d.kind == "uniform" and x > 1):
        return 0.0
    if d.kind == "uniform":
        return 1.0
    if d.kind == "exponential":
        return math.exp(-x)
    k = d.shape
    if x == 0:
        return math.inf if k < 1 else (1.0 if k == 1 else 0.0)
    return math.exp((k - 1) * math.log(x) - x - math.lgamma(k))


def _mode(d: Any) -> float:
    return max(d.shape - 1.0, 0.0) if d.kind == "gamma" else 0.0


def _clip(d: Any, x: np.ndarray) -> np.ndarray:
    if d.kind == "normal":
        return x
    return np.clip(x, 0.0, 1.0) if d.kind == "uniform" else np.maximum(x, 0.0)


@dataclass(frozen=True)
class _Feature:
    point: dict[Any, float]  # draw symbol -> coordinate of the peak (the draws the factor uses)
    prob: float  # probability of its region (upper estimate)
    width: float  # the region's smallest half-width
    where: str


def _locate(log_size: sympy.Expr, draws: Sequence[Any], rng: np.random.Generator) -> tuple[np.ndarray, float] | None:
    """The draws' values where ``log_size`` peaks (multi-start damped Newton), and the peak."""
    from derive.montecarlo._lowering import compile_program  # noqa: PLC0415 - avoids an import cycle

    syms = [d.symbol for d in draws]
    used = [i for i, s in enumerate(syms) if s in log_size.free_symbols]
    scale = _big_number(log_size)
    # O(1) coefficients keep the steps' arithmetic well scaled; |u| is located through u^2
    # (the same zeros, and derivatives Newton can use).
    phi = (-log_size / scale).replace(sympy.Abs, lambda u: u**2)
    grad = [sympy.diff(phi, syms[i]) for i in used]
    hess = [sympy.diff(g, syms[j]) for g in grad for j in used]
    program = compile_program([phi, *grad, *hess], draws)
    m, k = _FEATURE_STARTS, len(used)
    ws = program.workspace(m)
    with np.errstate(all="ignore"):
        for d, buf in zip(draws, ws["draws"], strict=True):
            d.fill(rng, buf)
        x = np.array([ws["draws"][i] for i in used]).T.copy()  # (m, k) starts: draws from the law itself
        x[0] = [0.5 if draws[i].kind == "uniform" else (0.0 if draws[i].kind == "normal" else 1.0) for i in used]

        def evaluate(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            for col, i in enumerate(used):
                ws["draws"][i][:] = _clip(draws[i], x[:, col])
            program.run(ws)
            y = ws["y"]
            return y[0].copy(), y[1 : 1 + k].T.copy(), y[1 + k :].T.reshape(m, k, k).copy()

        value, g, h = evaluate(x)
        damp = np.full(m, 1e-3)
        for _ in range(_FEATURE_STEPS):
            step = np.zeros_like(x)
            for s in range(m):
                if not (np.isfinite(value[s]) and np.isfinite(g[s]).all() and np.isfinite(h[s]).all()):
                    continue
                a = h[s] + damp[s] * (1.0 + np.abs(np.diag(h[s])).max()) * np.eye(k)
                try:
                    step[s] = -np.linalg.solve(a, g[s])
                except np.linalg.LinAlgError:
                    step[s] = -g[s]
            trial = np.column_stack([_clip(draws[i], (x + step)[:, c]) for c, i in enumerate(used)])
            tv, tg, th = evaluate(trial)
            better = np.isfinite(tv) & ((tv <= value) | ~np.isfinite(value))
            x[better], value[better], g[better], h[better] = trial[better], tv[better], tg[better], th[better]
            damp = np.where(better, damp / 10, damp * 10)
            if np.all(damp[better] < 1e-12) and not (~better).any():
                break
    ok = np.isfinite(value)
    if not ok.any():
        return None
    best = int(np.argmin(np.where(ok, value, np.inf)))
    full = np.array([float(ws["draws"][i][0]) for i in range(len(draws))])
    for col, i in enumerate(used):
        full[i] = float(_clip(draws[i], x[best : best + 1, col])[0])
    return full, -float(value[best]) * scale


def _feature(log_size: sympy.Expr, draws: Sequence[Any], rng: np.random.Generator, names: dict) -> _Feature | None:
    """The narrow feature of one large factor, or None when it is not narrow (or cannot be located)."""
    found = _locate(log_size, draws, rng)
    if found is None:
        return None
    x, _ = found
    syms = [d.symbol for d in draws]
    used = [i for i, s in enumerate(syms) if s in log_size.free_symbols]
    half = _half_widths(log_size, draws, x, used)
    if half is None or half.min() >= _NARROW_WIDTH:
        return None
    if half.max() < _NARROW_WIDTH:
        density = math.prod(_density(draws[i], float(x[i])) for i in used)
    else:  # a ridge: the law's largest density along it (normal 0.4, others their mode)
        density = math.prod(_density(draws[i], _mode(draws[i])) for i in used)
    # The box around the peak that holds the region (a ball would do for a Gaussian bump; the
    # box also holds an exp(-c|u|) diamond, and its probability bounds the bump's mass over peak).
    prob = min(1.0, density * float(np.prod(2 * half)))
    if not math.isfinite(prob) or prob <= 0:
        return None
    where = ", ".join(f"{names.get(syms[i], str(syms[i]))} = {x[i]:.6g}" for i in used)
    return _Feature(
        {syms[i]: float(x[i]) for i in used},
        prob,
        float(half.min()),
        f"a narrow feature of half-width ~{half.min():.2g} at {where}, located by minimising its exponent",
    )


#: Distances from the peak tried along each axis for the region's edge (a quarter decade apart).
_STEPS = 10.0 ** np.arange(-16.0, 1.01, 0.25)


def _half_widths(log_size: sympy.Expr, draws: Sequence[Any], x: np.ndarray, used: list[int]) -> np.ndarray | None:
    """How far from the peak along each axis ``log_size`` stays within `_FEATURE_DROP` of it (capped at 10).

    Measured, not derived: the next quarter decade beyond the last distance still inside, on
    either side, so the box is never smaller than the region along the axes.
    """
    from derive.montecarlo._lowering import compile_program  # noqa: PLC0415 - avoids an import cycle

    program = compile_program([log_size], draws)
    k, m = len(used), _STEPS.size
    size = 1 + 2 * k * m
    ws = program.workspace(size)
    with np.errstate(all="ignore"):
        for i, buf in enumerate(ws["draws"]):
            buf[:] = x[i]
        for c, i in enumerate(used):
            for sign, block in ((1.0, 2 * c), (-1.0, 2 * c + 1)):
                rows = slice(1 + block * m, 1 + (block + 1) * m)
                ws["draws"][i][rows] = _clip(draws[i], x[i] + sign * _STEPS)
        program.run(ws)
    y = ws["y"][0]
    if not np.isfinite(y[0]):
        return None
    peak = float(np.nanmax(np.where(np.isfinite(y), y, -np.inf)))
    out = np.full(k, 10.0)
    for c in range(k):
        inside = np.zeros(m, dtype=bool)
        for block in (2 * c, 2 * c + 1):
            vals = y[1 + block * m : 1 + (block + 1) * m]
            inside |= ~(vals <= peak - _FEATURE_DROP)  # nan counts as inside
        last = np.nonzero(inside)[0]
        nxt = 0 if last.size == 0 else int(last.max()) + 1
        if nxt < m:
            out[c] = float(_STEPS[nxt])
    return out


def _feature_cells(
    f: sympy.Expr, exprs: Sequence[sympy.Expr], draws: Sequence[Any], rng: np.random.Generator, names: dict
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """The audit cells of the narrow features of ``f``: probabilities, values (cells x points x exprs), names."""
    from derive.montecarlo._lowering import compile_program  # noqa: PLC0415 - avoids an import cycle

    dsyms = {d.symbol for d in draws}
    feats: list[_Feature] = []
    for log_size in _narrow_logs(f, dsyms):
        try:
            feat = _feature(log_size, draws, rng, names)
        except (TypeError, ValueError, ArithmeticError, NotImplementedError):
            feat = None
        if feat is not None:
            feats.append(feat)
    if not feats:
        return np.zeros(0), np.zeros((0, _CELL_POINTS, len(exprs))), ()
    program = compile_program(list(exprs), draws)
    ws = program.workspace(len(feats) * _CELL_POINTS)
    with np.errstate(all="ignore"):
        for d, buf in zip(draws, ws["draws"], strict=True):
            d.fill(rng, buf)
        for c, feat in enumerate(feats):
            rows = slice(c * _CELL_POINTS, (c + 1) * _CELL_POINTS)
            for d, buf in zip(draws, ws["draws"], strict=True):
                if d.symbol in feat.point:
                    buf[rows] = feat.point[d.symbol]
        program.run(ws)
    _exact_where_nonfinite(exprs, draws, ws)
    values = ws["y"].T.reshape(len(feats), _CELL_POINTS, len(exprs)).copy()
    return np.array([ft.prob for ft in feats]), values, tuple(ft.where for ft in feats)
