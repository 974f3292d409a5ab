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
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import sympy

from derive._calls import HeldDerivative
from derive._mc_batches import Totals
from derive.functions import JS, KL, W1, Expectation
from derive.model import Problem, Relation, Verdict

__all__ = [
    "FLOOR_SCALE",
    "Z_CONSISTENT",
    "Look",
    "Reduced",
    "Undecided",
    "control_variates",
    "decide",
    "differences",
    "estimate_looks",
    "explain",
    "p_value",
    "reduce_claim",
    "rounding_resolution",
]

#: Half-width of the confidence interval (in SE) that must contain the target and fit in the band.
Z_CONSISTENT = 3.0
#: The band never gets narrower than ``tol * min(sd, FLOOR_SCALE)`` (see the module docstring).
FLOOR_SCALE = 1.0
_MAX_CONTROLS = 8  # control variates at most (each adds a row to every batch)


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
        from derive.divergences import expand_divergences  # noqa: PLC0415 - another tier's module

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


def estimate_looks(red: Reduced, tot: Totals, tol: float) -> list[Look]:
    assert tot.mean is not None and tot.comoment is not None
    k = len(red.integrands)
    means, cov = _adjusted(tot, k)
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
            out.append(Look(mean, math.sqrt(max(var, 0.0)), target, band_for(tol, target, sd), note, why, floored))
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
    from derive._mc_lowering import compile_program  # noqa: PLC0415 - avoids an import cycle

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
        exact = _real(integrand.xreplace(point), digits=40)
        if exact is None or not math.isfinite(float(fast[i])):
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
    of standard errors beyond which a difference refutes.
    """
    d, se, band, z = look.mean - look.target, look.se, look.band, look.z
    if relation in (Relation.GE, Relation.GT):
        d, z, relation = -d, -z, relation.flipped()
    if relation is Relation.EQ:
        if abs(z) > z_refute:
            return Verdict.REFUTED
        if abs(z) <= Z_CONSISTENT and abs(d) + Z_CONSISTENT * se <= band:
            return Verdict.CONSISTENT
        return Verdict.UNDECIDED
    if relation is Relation.APPROX:
        # "≈ within the band": only a significant excess over the band refutes.
        if abs(d) - band > z_refute * max(se, look.rounding):
            return Verdict.REFUTED
        if abs(d) + Z_CONSISTENT * se <= band:
            return Verdict.CONSISTENT
        return Verdict.UNDECIDED
    # lhs - rhs <= 0 must hold clearly: the whole interval on the right side of 0 (no band,
    # which would accept a gap of the wrong sign that is merely small). An equality that is
    # exact up to rounding satisfies <= but not <.
    if z > z_refute and d > look.rounding:
        return Verdict.REFUTED
    upper = d + Z_CONSISTENT * se
    if upper < -look.rounding or (upper <= look.rounding and relation is Relation.LE):
        return Verdict.CONSISTENT
    return Verdict.UNDECIDED


def explain(look: Look, relation: Relation, z_refute: float) -> str:
    """Why ``look`` is still undecided (for the summary when the budget runs out)."""
    z = look.z
    if relation in (Relation.GE, Relation.GT):
        z = -z
    ci = f"{look.mean:.6g} ± {Z_CONSISTENT * look.se:.2g}"
    if relation in (Relation.EQ, Relation.APPROX):
        if relation is Relation.EQ and abs(z) > Z_CONSISTENT:
            return (
                f"the estimate differs from the target {look.target:.6g} by {abs(z):.1f} SE: significant, "
                f"but below the refutation threshold of {z_refute:.2f} SE"
            )
        return f"the interval {ci} does not fit in the band ±{look.band:.2g} around {look.target:.6g}"
    side = "below" if relation in (Relation.LE, Relation.LT) else "above"
    return f"the interval {ci} is not clearly {side} the bound {look.target:.6g} (z = {z:.1f})"
