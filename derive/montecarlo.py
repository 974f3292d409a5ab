"""The Monte Carlo tier: estimate the expectations the symbolic tier left, with an honest verdict.

How a claim is reduced:

* ``lhs - rhs`` (entrywise for matrices) is written as ``g(E[f_1], ..., E[f_K])``. When ``g`` is
  linear (the usual case) the claim becomes ``E[F] == target`` for one integrand ``F`` per
  entry, estimated from one stream of samples (differences of expectations share their
  samples, which cancels most of their noise). When ``g`` is nonlinear (``log E[X] >= E[log X]``)
  the K expectations are estimated jointly and combined with the delta method, after checking
  that ``g`` is close to linear over the confidence region.
* Free parameters (mu, sigma, ...) are drawn at ``settings.mc_param_points`` points that respect
  their declared kinds; every point is checked and the refutation threshold gets a
  Bonferroni correction for the number of points and entries.

The sequential test: samples grow in rounds (1M, 2M, 4M, ... up to ``settings.mc_max_samples``
per point). After each round the claim is *consistent* when the 3-SE confidence interval lies in
the tolerance band ``tol * scale`` around the target (``tol`` is the claim's tolerance or
``settings.mc_tolerance``; ``scale`` is ``|target|``, or the integrand's RMS when the target is
0), *refuted* when the estimate misses the relation by more than the band and by more than
6 SE (Bonferroni-adjusted), and otherwise the sample grows. Non-finite samples and heavy tails
(a batch's sum of squares dominated by one sample, so the SE cannot be trusted) end the check
as *undecided* with the reason.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
import sympy

from derive._mc_batches import BATCH, Totals, cpu_count, run_numpy
from derive._mc_lowering import LoweringError, compile_program, lower_random, stable_form
from derive.functions import JS, KL, W1, Expectation
from derive.model import Estimate, Evidence, Method, Outcome, Problem, Relation, Settings, Verdict

__all__ = ["Z_CONSISTENT", "Z_REFUTE", "check_montecarlo", "select_backend"]

#: Half-width of the confidence interval (in SE) that must fit in the tolerance band.
Z_CONSISTENT = 3.0
#: SE beyond which a miss is a refutation, before the multiple-testing correction.
Z_REFUTE = 6.0
#: Median share of a batch's sum of squares taken by its most extreme sample above which
#: the variance is considered infinite (heavy tails or very rare events).
TAIL_LIMIT = 0.05
_FIRST_ROUND = 16  # batches (about 1M samples) before the first look


class _Undecided(Exception):  # noqa: N818 - a control-flow signal, not an error
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
            raise _Undecided(f"matrix of shape {m.shape} inside a scalar expression", "unsupported")
        return m[0, 0]

    return e.replace(lambda n: isinstance(n, sympy.MatrixBase), one)


def _differences(problem: Problem) -> list[sympy.Expr]:
    ls, lhs = _entries(problem.lhs)
    rs, rhs = _entries(problem.rhs)
    if ls != rs:
        if ls in (None, (1, 1)) and rs in (None, (1, 1)):
            pass
        else:
            raise _Undecided(f"sides have different shapes {ls} and {rs}", "shape")
    diffs = [_scalarize(a - b) for a, b in zip(lhs, rhs, strict=True)]
    if any(d.has(KL, JS, W1) for d in diffs):
        from derive.divergences import expand_divergences  # noqa: PLC0415 - another tier's module

        diffs = [expand_divergences(d) for d in diffs]
    return diffs


@dataclass
class _Reduced:
    """One parameter point: K integrands and the quantities (one per entry) built from their means."""

    integrands: list[sympy.Expr]  # in the random variables
    quantities: list[sympy.Expr]  # lhs - rhs of each entry, in the T symbols
    tsyms: list[sympy.Symbol]
    linear: bool
    targets: list[float]  # linear case: value E[F_j] must equal
    sides: list[tuple[sympy.Expr, sympy.Expr]]  # lhs, rhs of each entry in the T symbols (scale)


def _reduce(diffs: Sequence[sympy.Expr], rvs: set[sympy.Symbol]) -> _Reduced:
    nodes: dict[sympy.Basic, sympy.Symbol] = {}
    for d in diffs:
        for node in sorted(d.atoms(Expectation), key=sympy.default_sort_key):
            if node.atoms(Expectation) - {node}:
                raise _Undecided("nested expectations are not estimated by Monte Carlo", "unsupported")
            nodes.setdefault(node, sympy.Dummy(f"T{len(nodes)}"))
    tsyms = list(nodes.values())
    gs = [d.xreplace(nodes) for d in diffs]
    for g in gs:
        if g.has(sympy.Derivative, sympy.Subs) and (g.free_symbols & rvs):
            raise _Undecided("an unevaluated derivative of an expectation is not estimated", "unsupported")
        if g.free_symbols & rvs:
            raise _Undecided("a random variable appears outside E(...): the claim is itself random", "random")
    linear = all(not (sympy.diff(g, t).free_symbols & set(tsyms)) for g in gs for t in tsyms)
    integrands = [n.args[0] for n in nodes]
    if linear:
        fs, targets = [], []
        for g in gs:
            coefs = [sympy.diff(g, t) for t in tsyms]
            c0 = g.xreplace(dict.fromkeys(tsyms, 0))
            fs.append(sympy.Add(*(c * f for c, f in zip(coefs, integrands, strict=True))))
            targets.append(-_num(c0))
        return _Reduced(fs, gs, tsyms, True, targets, [])
    if len(gs) != 1:
        raise _Undecided("a matrix claim that is nonlinear in its expectations is not estimated", "unsupported")
    return _Reduced(integrands, gs, tsyms, False, [0.0], [])


def _num(e: sympy.Expr) -> float:
    try:
        v = complex(sympy.N(e, 30))
    except (TypeError, ValueError):
        raise _Undecided(f"the non-random part {e} cannot be evaluated numerically", "unsupported") from None
    if v.imag != 0 or not math.isfinite(v.real):
        raise _Undecided(f"the non-random part {e} is not a finite real number", "nonreal")
    return v.real


# ---------------------------------------------------------------------------------------
# Estimates and decisions.


@dataclass(frozen=True)
class _Look:
    mean: float  # estimated quantity (E[F] for linear entries, lhs - rhs otherwise)
    se: float
    target: float
    band: float
    note: str = ""  # non-empty: this entry cannot be decided (reason)


def _looks(red: _Reduced, tot: Totals, tol: float) -> list[_Look]:
    assert tot.mean is not None
    cov = tot.covariance_of_mean
    out = []
    if red.linear:
        for j, target in enumerate(red.targets):
            mean, var = float(tot.mean[j]), float(cov[j, j])
            rms = math.sqrt(max(var * tot.n + mean * mean, 0.0))
            scale = abs(target) if target != 0 else rms
            out.append(_Look(mean, math.sqrt(max(var, 0.0)), target, tol * scale))
        return out
    (g,) = red.quantities
    t = {s: sympy.Float(float(m)) for s, m in zip(red.tsyms, tot.mean, strict=True)}
    value = _real(g.xreplace(t))
    grad = np.array([_real(sympy.diff(g, s).xreplace(t)) for s in red.tsyms])
    note = ""
    if value is None or grad is None or not np.all(np.isfinite(grad.astype(float))):
        return [_Look(math.nan, math.inf, 0.0, 0.0, "the function of the expectations is not real at the estimate")]
    grad = grad.astype(float)
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
    scale = max(abs(value), *(abs(v) for v in _side_values(g, t)))
    return [_Look(value, se, 0.0, tol * scale, note)]


def _side_values(g: sympy.Expr, t: dict) -> list[float]:
    vals = []
    for term in sympy.Add.make_args(g):
        v = _real(term.xreplace(t))
        if v is not None:
            vals.append(v)
    return vals or [0.0]


def _real(e: sympy.Basic) -> float | None:
    try:
        v = complex(sympy.N(e, 20))
    except (TypeError, ValueError):
        return None
    if v.imag != 0 or not math.isfinite(v.real):
        return None
    return v.real


def _p_value(d: float, se: float, relation: Relation) -> float:
    if se == 0:
        return 0.0 if (d != 0 and relation in (Relation.EQ, Relation.APPROX)) else 1.0
    z = d / se
    if relation in (Relation.EQ, Relation.APPROX):
        return math.erfc(abs(z) / math.sqrt(2))
    if relation in (Relation.LE, Relation.LT):
        return 0.5 * math.erfc(z / math.sqrt(2))  # evidence that lhs - rhs > 0
    return 0.5 * math.erfc(-z / math.sqrt(2))


def _decide(look: _Look, relation: Relation, z_refute: float) -> Verdict:
    d, se, band = look.mean - look.target, look.se, look.band
    if relation in (Relation.GE, Relation.GT):
        d, relation = -d, relation.flipped()
    if relation in (Relation.EQ, Relation.APPROX):
        if abs(d) + Z_CONSISTENT * se <= band:
            return Verdict.CONSISTENT
        if abs(d) > z_refute * se and abs(d) > band:
            return Verdict.REFUTED
        return Verdict.UNDECIDED
    # lhs - rhs <= 0 (LE: a band above 0 is tolerated; LT must be clearly below 0)
    allowance = band if relation is Relation.LE else 0.0
    if d + Z_CONSISTENT * se <= allowance and (relation is Relation.LE or d + Z_CONSISTENT * se < 0):
        return Verdict.CONSISTENT
    if d > z_refute * se and d > band:
        return Verdict.REFUTED
    return Verdict.UNDECIDED


# ---------------------------------------------------------------------------------------
# Backends.


def select_backend(requested: str, integrands: Sequence[sympy.Expr] = (), draws: Sequence[Any] = ()) -> str:
    """Resolve ``"auto"``: numba only where it was measured faster (see `derive._mc_numba`)."""
    if requested == "numpy":
        return "numpy"
    try:
        from derive import _mc_numba  # noqa: PLC0415 - numba is an optional extra
    except ImportError:
        return "numpy"
    if not _mc_numba.available():
        return "numpy"
    if requested == "numba":
        return "numba"
    return "numba" if integrands and _mc_numba.prefer(integrands, draws) else "numpy"


def _runner(backend: str, integrands: list[sympy.Expr], draws: Any, threads: int) -> Any:
    program = compile_program(integrands, draws)  # also checks the whitelist for the numba printer
    if backend == "numba":
        from derive import _mc_numba  # noqa: PLC0415 - numba is an optional extra

        kernel = _mc_numba.kernel_for(integrands, draws)
        return lambda seed, stream, batches: kernel.run(seed, stream, batches, threads)
    return lambda seed, stream, batches: run_numpy(program, draws, seed, stream, batches, threads=threads)


# ---------------------------------------------------------------------------------------
# The tier.


def _param_points(problem: Problem, params: set[sympy.Symbol], settings: Settings) -> list[dict]:
    if not params:
        return [{}]
    from derive.sampling import sample_point  # noqa: PLC0415 - only claims with parameters need it

    rng = np.random.default_rng(settings.seed)
    # "simple" points (1/2, -3/2, 2, ...): moderate magnitudes keep the integrand's variance
    # and tails tame, so the relative tolerance band can be met within the sample budget.
    return [sample_point(problem.symbols, params, rng, style="simple") for _ in range(max(1, settings.mc_param_points))]


def _random_symbols(problem: Problem) -> set[sympy.Symbol]:
    out: set[sympy.Symbol] = set()
    for rv, _ in problem.random:
        out.update(rv if isinstance(rv, sympy.MatrixBase) else [rv])
    return out


def check_montecarlo(problem: Problem, settings: Settings) -> Outcome:
    """Estimate the claim's expectations by Monte Carlo and decide it (see the module docstring)."""
    start = time.perf_counter()
    try:
        diffs = _differences(problem)
    except _Undecided as why:
        return _undecided(why.summary, why.reason, settings)
    if not any(d.has(Expectation) for d in diffs):
        return _undecided("no expectation to estimate", "no expectation", settings)
    rvs = _random_symbols(problem)
    params: set[sympy.Symbol] = set()
    for d in diffs:
        params |= d.free_symbols
    for _, dist in problem.random:
        params |= dist.free_symbols
    params -= rvs
    try:
        points = _param_points(problem, params, settings)
        return _run(problem, settings, diffs, rvs, points=points, start=start)
    except _Undecided as why:
        return _undecided(why.summary, why.reason, settings)
    except LoweringError as exc:
        return _undecided(f"cannot estimate by Monte Carlo: {exc}", "unsupported", settings)
    except (TypeError, ValueError, ArithmeticError, NotImplementedError) as exc:
        # sympy gives up on some expressions (undecidable comparisons, non-numeric parts):
        # that is an honest "cannot estimate", not a crash of the whole claim.
        why = f"{type(exc).__name__}: {exc}"
        return _undecided(f"cannot estimate by Monte Carlo ({why})", "unsupported", settings)


def _undecided(summary: str, reason: str, settings: Settings, estimates: tuple[Estimate, ...] = ()) -> Outcome:
    ev = Evidence(Method.MONTECARLO, summary, estimates=estimates, seed=settings.seed, reason=reason)
    return Outcome(Verdict.UNDECIDED, ev)


@dataclass(frozen=True)
class _Plan:
    """What every parameter point shares: budgets, thresholds, relation."""

    problem: Problem
    settings: Settings
    tol: float
    threads: int
    tests: int
    z_refute: float
    max_batches: int
    deadline: float


@dataclass
class _PointResult:
    verdict: Verdict
    reason: str
    detail: str
    estimates: list[Estimate]
    headline: Estimate | None  # the estimate that decided (or the worst one)


def _run(
    problem: Problem,
    settings: Settings,
    diffs: list[sympy.Expr],
    rvs: set[sympy.Symbol],
    *,
    points: list[dict],
    start: float,
) -> Outcome:
    tests = max(1, len(points) * len(diffs))
    # Bonferroni: the per-test refutation level is the 6-SE two-sided level divided by the number of tests.
    p_refute = math.erfc(Z_REFUTE / math.sqrt(2)) / tests
    plan = _Plan(
        problem=problem,
        settings=settings,
        tol=problem.tolerance if problem.tolerance is not None else settings.mc_tolerance,
        threads=settings.mc_threads if settings.mc_threads > 0 else cpu_count(),
        tests=tests,
        z_refute=-NormalDist().inv_cdf(p_refute / 2),
        max_batches=max(_FIRST_ROUND, math.ceil(settings.mc_max_samples / BATCH)),
        # Half the claim's time budget: the symbolic and numeric tiers ran first, and a
        # worker stopped by the runner's timeout would lose the Monte Carlo evidence.
        deadline=start + 0.5 * settings.timeout,
    )
    results: list[_PointResult] = []
    for index, values in enumerate(points):
        results.append(_check_point(plan, diffs, rvs, index, values))
        if results[-1].verdict is not Verdict.CONSISTENT:
            break  # a refuting point decides; an undecided one means the claim cannot be called consistent
    return _combine(plan, results, len(points))


def _check_point(
    plan: _Plan, diffs: list[sympy.Expr], rvs: set[sympy.Symbol], index: int, values: dict
) -> _PointResult:
    red = _reduce([d.xreplace(values) for d in diffs], rvs)
    subs, draws = lower_random(plan.problem.random, values)
    integrands = [stable_form(f.xreplace(subs)) for f in red.integrands]
    backend = select_backend(plan.settings.mc_backend, integrands, draws)
    run = _runner(backend, integrands, draws, plan.threads)
    relation = plan.problem.relation
    tot = Totals()
    done, verdict, reason, detail = 0, Verdict.UNDECIDED, "", ""
    looks: list[_Look] = []
    decided: list[Verdict] = []
    while True:
        size = _FIRST_ROUND if done == 0 else min(done, plan.max_batches - done)
        for b in run(plan.settings.seed, index, range(done, done + size)):
            tot.add(b)
        done += size
        looks = _looks(red, tot, plan.tol) if tot.n > 1 else []
        heavy = tot.tail_fraction()
        notes = [lk.note for lk in looks if lk.note]
        decided = [_decide(lk, relation, plan.z_refute) for lk in looks]
        if tot.nonfinite:
            reason = "non-finite samples"
            detail = f"{tot.nonfinite} of {tot.n + tot.nonfinite} samples were not finite (inf/nan)"
        elif np.any(heavy > TAIL_LIMIT):
            reason = "heavy tails"
            detail = (
                "heavy tails: single samples dominate the sample variance "
                f"(median share {float(np.max(heavy)):.2g} per batch), so the standard error does not settle"
            )
        elif notes:
            reason, detail = "delta method", notes[0]
        elif any(v is Verdict.REFUTED for v in decided):
            verdict = Verdict.REFUTED
        elif decided and all(v is Verdict.CONSISTENT for v in decided):
            verdict = Verdict.CONSISTENT
        elif done >= plan.max_batches:
            worst = max(looks, key=_badness)
            reason = "sample budget"
            detail = (
                f"sample budget of {tot.n} exhausted: interval ±{Z_CONSISTENT * worst.se:.2g} around "
                f"{worst.mean:.6g} does not fit in the band ±{worst.band:.2g} around {worst.target:.6g}"
            )
        elif time.perf_counter() > plan.deadline:
            reason, detail = "timeout", f"time budget: stopped after {tot.n} samples"
        else:
            continue
        break
    pv = tuple(sorted((str(k), str(v)) for k, v in values.items()))
    estimates = [
        Estimate(
            mean=lk.mean,
            stderr=lk.se,
            n=tot.n,
            target=lk.target + 0.0,
            p_value=_p_value(lk.mean - lk.target, lk.se, relation),
            backend=f"{backend} x{plan.threads}",
            params=pv,
            nonfinite=tot.nonfinite,
        )
        for lk in looks
    ]
    headline = None
    if estimates:
        refuting = [i for i, v in enumerate(decided) if v is Verdict.REFUTED]
        pick = refuting[0] if refuting else max(range(len(looks)), key=lambda i: _badness(looks[i]))
        headline = estimates[pick]
    return _PointResult(verdict, reason, detail, estimates, headline)


def _badness(look: _Look) -> float:
    return (abs(look.mean - look.target) + Z_CONSISTENT * look.se) / max(look.band, 1e-300)


def _combine(plan: _Plan, results: list[_PointResult], n_points: int) -> Outcome:
    settings = plan.settings
    est = tuple(e for r in results for e in r.estimates)
    last = results[-1]
    correction = (
        f"; refutation threshold {plan.z_refute:.2f} SE (Bonferroni over {plan.tests} tests)" if plan.tests > 1 else ""
    )
    head = last.headline.describe() if last.headline is not None else ""
    if last.verdict is Verdict.REFUTED:
        where = f" at parameter point {len(results)} of {n_points}" if n_points > 1 else ""
        summary = f"Monte Carlo refutes the claim{where}: {head}{correction}"
        return Outcome(Verdict.REFUTED, Evidence(Method.MONTECARLO, summary, estimates=est, seed=settings.seed))
    if last.verdict is Verdict.CONSISTENT and len(results) == n_points:
        where = f" at all {n_points} parameter points" if n_points > 1 else ""
        worst = min(results, key=lambda r: r.headline.p_value if r.headline else 1.0)
        head = worst.headline.describe() if worst.headline is not None else head
        summary = f"Monte Carlo estimate consistent{where}: {head}{correction}"
        return Outcome(Verdict.CONSISTENT, Evidence(Method.MONTECARLO, summary, estimates=est, seed=settings.seed))
    where = f" (parameter point {len(results)} of {n_points})" if n_points > 1 else ""
    summary = f"Monte Carlo undecided{where}: {last.detail}" + (f"; {head}" if head else "")
    return _undecided(summary, last.reason, settings, est)
