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
  Bonferroni correction for the number of points and entries. An inequality (which often
  fails only far out: E[sigmoid(mu + x)] > 1e-9 fails from mu = -20.7) is also checked at
  moderate points (tens and hundreds, both signs) and at the numeric tier's far points
  (`derive.tiers.sampling.far_points`, up to 1e12 and down to 1e-12); its evidence names the range
  covered. A point that cannot be estimated there (float64 saturates, heavy tails) leaves the
  claim undecided, but the later points are still tried for a refutation.

The sequential test: samples grow in rounds (1M, 2M, 4M, ... up to ``settings.mc_max_samples``
per point), with ``z = (estimate - target) / SE`` after each round. An equality is *refuted*
as soon as ``|z|`` exceeds 6 SE, Bonferroni-corrected for the number of parameter points and
entries tested (the threshold is in the summary); it is *consistent* only when the 3-SE
confidence interval both contains the target (``|z| <= 3``, no significant difference) and
lies inside the tolerance band. Anything else grows the sample; when the budget (or half the
claim's time budget) is spent the claim is *undecided* and the summary says which condition
failed. The band is ``tol * max(|target|, min(sd, 1))``: ``tol`` is the claim's tolerance or
``settings.mc_tolerance`` (1e-3), relative to the target, with an absolute floor of ``tol``
times the integrand's standard deviation ``sd`` (capped at 1) so that targets at or near 0
are decided (see `derive.montecarlo._claim`). An inequality must hold clearly, its whole interval on
the right side of 0, and is refuted by a violation beyond the same threshold; an ``≈`` claim
is refuted only when significantly outside its band. When the first round does not
decide, the same batches are rerun with control variates (z, z^2 - 1 for normal draws, u - 1/2,
e - 1 or log e + γ, g - k for the others: known means), which often removes most of the variance. Non-finite
samples, heavy tails (a batch's sum of squares dominated by one sample, so the SE cannot be
trusted) and integrands that never varied end the check as *undecided* with the reason,
before any other decision (except an inequality that a sample which never varied violates
beyond what the audit's rare regions and strata allow: that is refuted). A refutation
counts only beyond the integrand's float64 rounding error, measured against 40-digit values
at sample points (`_decisions`): an identity's float64 mean can be a few 1e-18 off with an
even smaller standard error.

Rare regions and far tails: a sample of n draws does not see a region of probability
p << 1/n, and its mean and SE then say nothing about the integrand there (E[z^2 + 1e11 [z > 6.5]]
is 5.016; 2e7 draws estimate 1 +- 0.001). Before sampling, each integrand is audited
(`derive.montecarlo._claim.audit_integrand`): along every primitive draw, every direction of normal draws
a switching condition is linear in, and on a grid over each pair of draws that a nonlinear
condition couples, the axis is cut at the conditions' breakpoints and at far quantiles, each
cell's probability is computed exactly from the draw's CDF and the integrand is evaluated in
it. A cell the sample expects fewer than 21 draws in (`RESOLVED_HITS`: none with probability
e^-21) can move the mean by p times how far its values lie beyond the range of the resolved
cells; those bounds (`Look.hidden_up`, `Look.hidden_down`) stay in every margin: an
equality is consistent only if distance + 3 SE + bound fits the band, a difference refutes
only beyond the bound, an inequality must hold with the shift toward violating it added
(and is refuted only beyond the shift toward satisfying it). A claim the bound keeps
undecided even at the full budget stops early with reason ``rare region`` and the summary
names the region, its probability and the integrand's size there. Before that, in a claim
linear in its expectations, the rare cells of one normal, uniform or exponential draw that the
whole budget would leave unresolved (at most 8, when they can add more than 0.1% of the
largest value the sample resolves) become strata (`derive.montecarlo._claim.stratify`): their
contribution is estimated by sampling inside them (the draw by inversion of its exact CDF),
the sample estimates the integrand with them cut out, and the two estimates and their
variances add. So E[z^2 + 1e11 [z > 6.5]] is estimated as 5.0131 +- 0.0014 (true 5.0160; the
cells beyond the eighth stay in the bound, up to 0.001). The evidence of a
consistent equality states the resolution reached ("agrees with the target to ±4.3e-04 (its
distance, 3 SE + ...)"); an inequality's states the sign and margin of lhs - rhs in SE.

Error budget: each look's false refutation of a true claim has probability at most
``2 * Phi(-6) / tests`` (~2e-9 / tests, for an approximately normal mean); with at most
about a dozen looks per point (two passes of ~6 rounds) the whole claim's false-refutation
probability stays below ~3e-8. A false *consistent* needs an error smaller than the band
that the estimate cannot distinguish from 0 at 3 SE after at least 1M samples, or a region the
audit does not see (a condition coupling three or more draws nonlinearly, a bump narrower than
its cells that no large number of the claim announces: see `derive.montecarlo._claim.audit_integrand`).

Narrow features: a large number (|c| >= 1e4) in an exponent or a rational bump of the draws
(exp(-1e12 ((x - 1/3)^2 + (y - 1/2)^2)), exp(-c|u|), the exp(-|cz|) inside sigmoid(cz)) makes
the audit locate the factor's peak (multi-start damped Newton on the exponent), measure the box
around it where the factor is within e^-40 of its peak, and add that box as one more cell, at
the draws' density there (`derive.montecarlo._claim._feature_cells`). So E[1e14 exp(-1e12 (...)) (2 +
sin(xy)) + sin x] == 0 (true value 90.4) is undecided, naming "a narrow feature of half-width
~1e-05 at x = 0.333333, y = 0.5", instead of consistent.

Modules: `derive.montecarlo._claim` (reduction and decision), `derive.montecarlo._lowering` (random variables
and integrands to numpy programs), `derive.montecarlo._batches` (streams, batch statistics, the numpy
backend), `derive.montecarlo._numba` (the optional numba extra: compiled normal draws for the numpy
backend, which ``auto`` switches to on long runs, see `NUMBA_NORMALS_AFTER`), `derive.montecarlo._fused`
(the fused kernel that ``mc_backend="numba"`` runs: the same draws, one vectorised pass).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from statistics import NormalDist
from typing import Any

import numpy as np
import sympy

from derive.language.functions import Expectation
from derive.model import Estimate, Evidence, Method, Outcome, Problem, Relation, Settings, Verdict
from derive.montecarlo._batches import BATCH, NormalFill, Totals, cpu_count, normal_batches, run_numpy
from derive.montecarlo._claim import (
    Z_CONSISTENT,
    Audit,
    Look,
    Strata,
    Undecided,
    audit_integrand,
    control_variates,
    decide,
    differences,
    estimate_looks,
    explain,
    hopeless,
    p_value,
    reduce_claim,
    rounding_resolution,
    stratify,
    with_hidden,
)
from derive.montecarlo._lowering import LoweringError, compile_program, lower_random, stable_form

__all__ = ["Z_CONSISTENT", "Z_REFUTE", "check_montecarlo", "select_backend"]

#: SE beyond which a miss is a refutation, before the multiple-testing correction.
Z_REFUTE = 6.0
#: Share of the sum of squares taken by the most extreme sample above which the variance is
#: considered infinite (heavy tails, or rare events seen too few times to trust the SE): it
#: must exceed this both as the median over batches and over the whole sample (see
#: `Totals.global_tail_fraction`), so a bounded rare value seen many times is not flagged.
TAIL_LIMIT = 0.05
_FIRST_ROUND = 16  # batches (about 1M samples) before the first look
#: Batches of normal draws a process runs with numpy before ``auto`` loads numba to draw its
#: normals (same numbers, ~2.5x faster): ~0.25 s of numpy's ziggurat on the reference
#: machine, about what importing numba and loading the compiled filler costs, so a short
#: run never pays for numba and a long one never pays more than twice the best choice.
NUMBA_NORMALS_AFTER = 512


# ---------------------------------------------------------------------------------------
# Backends.


def select_backend(requested: str, integrands: Sequence[sympy.Expr] = (), draws: Sequence[Any] = ()) -> str:
    """Resolve ``"auto"``: numba only where it was measured faster (see `derive.montecarlo._numba`)."""
    if requested == "numpy":
        return "numpy"
    try:
        from derive.montecarlo import _numba as _mc_numba  # noqa: PLC0415 - numba is an optional extra
    except ImportError:
        return "numpy"
    if not _mc_numba.available():
        return "numpy"
    if requested == "numba":
        return "numba"
    return "numba" if integrands and _mc_numba.prefer(integrands, draws) else "numpy"


def _compiled_normals(requested: str, draws: Sequence[Any]) -> NormalFill | None:
    """For ``auto``: numba's filler for the normal draws, once this process has drawn enough."""
    if requested != "auto" or normal_batches() < NUMBA_NORMALS_AFTER or not any(d.kind == "normal" for d in draws):
        return None
    try:
        from derive.montecarlo import _numba as _mc_numba  # noqa: PLC0415 - numba is an optional extra
    except ImportError:  # pragma: no cover - the module itself imports numba lazily
        return None
    return _mc_numba.normal_filler()


class _Runner:
    """Runs batches with one backend; ``label`` names it for the evidence."""

    def __init__(self, backend: str, requested: str, integrands: list[sympy.Expr], draws: Any, threads: int) -> None:
        self.backend, self.requested, self.draws, self.threads = backend, requested, draws, threads
        self.compiled_normals = False  # whether numba drew any of the normals (for the label)
        self.use(integrands)

    def use(self, integrands: list[sympy.Expr]) -> None:
        """Evaluate these integrands from now on (the plain ones, then with control variates)."""
        self.program = compile_program(integrands, self.draws)  # also checks the whitelist for the numba printer
        self.kernel = None
        if self.backend == "numba":
            from derive.montecarlo import _numba as _mc_numba  # noqa: PLC0415 - numba is an optional extra

            try:
                self.kernel = _mc_numba.kernel_for(integrands, self.draws)
            except Exception:  # numba could not compile it: numpy evaluates the same integrand
                self.backend = "numpy"

    def __call__(self, seed: int, stream: int, batches: range) -> list[Any]:
        if self.kernel is not None:
            return self.kernel.run(seed, stream, batches, self.threads)
        normals = _compiled_normals(self.requested, self.draws)
        self.compiled_normals |= normals is not None
        return run_numpy(self.program, self.draws, seed, stream, batches, threads=self.threads, normals=normals)

    @property
    def label(self) -> str:
        extra = " (normals drawn by numba)" if self.compiled_normals else ""
        return f"{self.backend} x{self.threads}{extra}"


# ---------------------------------------------------------------------------------------
# The tier.


#: Far parameter points (`derive.tiers.sampling.far_points`) added for an inequality over free
#: parameters: 1e3, -1e6, +-1e12, 1e-6, -1e-12 (every parameter at once, signs as kinds allow).
FAR_PARAM_POINTS = 6
#: Magnitudes of the moderate parameter points (`sample_point` scales), each with its mirror image.
MODERATE_SCALES = (10.0, 100.0)


def _param_points(problem: Problem, params: set[sympy.Symbol], settings: Settings) -> tuple[list[dict], str]:
    """The parameter points to check, and how the evidence names them ("" without parameters).

    An inequality over a free parameter often fails only far out (E[sigmoid(mu + x)] > 1e-9
    fails at mu = -30, never near the "simple" points): it is also checked at far points,
    where a point that cannot be estimated (overflow, rounding, heavy tails) leaves the claim
    undecided rather than consistent over a range it did not cover.
    """
    if not params:
        return [{}], ""
    from derive.tiers.sampling import far_points, sample_point  # noqa: PLC0415 - only claims with parameters need it

    rng = np.random.default_rng(settings.seed)
    # "simple" points (1/2, -3/2, 2, ...): moderate magnitudes keep the integrand's variance
    # and tails tame, so the relative tolerance band can be met within the sample budget.
    count = max(1, settings.mc_param_points)
    simple = [sample_point(problem.symbols, params, rng, style="simple") for _ in range(count)]
    if problem.relation not in (Relation.GE, Relation.GT, Relation.LE, Relation.LT):
        return simple, ""  # (the summary says "at all 3 parameter points")
    # Between the simple and the far points: tens and hundreds, both signs (E[max(x - mu, 0)] > 1e-12 fails
    # from mu = 7 on, where the far points' 1e3 only gives float64 zeros).
    moderate: list[dict] = []
    for scale in MODERATE_SCALES:
        point = sample_point(problem.symbols, params, rng, style="simple", scale=scale)
        moderate += [point, _mirrored(point)]
    moderate = _distinct(moderate, simple)
    # (largest=0: the six points 1e3, -1e6, +-1e12, 1e-6, -1e-12; beyond the claim's own
    # largest number would cost four more points per claim)
    far = _distinct(far_points(problem.symbols, params, rng, limit=FAR_PARAM_POINTS), simple + moderate)
    span = _span(moderate + far)
    described = f"{len(simple)} simple, {len(moderate)} moderate and {len(far)} far parameter points{span}"
    return simple + moderate + far, described


def _mirrored(point: dict) -> dict:
    """The point with every parameter that may be negative (a real, an integer) negated."""

    def may_flip(sym: sympy.Symbol, value: Any) -> bool:
        return (
            bool(sym.is_real) and sym.is_nonnegative is not True and sym.is_nonpositive is not True and value.is_number
        )

    return {k: -v if may_flip(k, v) else v for k, v in point.items()}


def _distinct(points: list[dict], seen: list[dict]) -> list[dict]:
    out: list[dict] = []
    for p in points:
        if p not in seen and p not in out:
            out.append(p)
    return out


def _span(points: list[dict]) -> str:
    """The magnitudes the far points reached, for the evidence ("|mu| from 1e-06 to 1.2e+12")."""
    sizes = [abs(float(v)) for p in points for v in p.values() if getattr(v, "is_number", False) and v != 0]
    if not sizes:
        return ""
    names = ", ".join(sorted({str(k) for p in points for k in p}))
    return f" ({names} up to {max(sizes):.2g} in magnitude, down to {min(sizes):.2g})"


def _random_symbols(problem: Problem) -> set[sympy.Symbol]:
    out: set[sympy.Symbol] = set()
    for rv, _ in problem.random:
        out.update(rv if isinstance(rv, sympy.MatrixBase) else [rv])
    return out


def check_montecarlo(problem: Problem, settings: Settings) -> Outcome:
    """Estimate the claim's expectations by Monte Carlo and decide it (see the module docstring)."""
    start = time.perf_counter()
    try:
        diffs = differences(problem)
    except Undecided as why:
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
        points, covered = _param_points(problem, params, settings)
        return _run(problem, settings, diffs, rvs, points=points, start=start, covered=covered)
    except Undecided as why:
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
    controls: int = 0  # control variates used (0: plain sample means)
    look: Look | None = None  # the headline's look (band, z)
    index: int = 0  # which parameter point (from 0)


def _run(
    problem: Problem,
    settings: Settings,
    diffs: list[sympy.Expr],
    rvs: set[sympy.Symbol],
    *,
    points: list[dict],
    start: float,
    covered: str = "",
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
    undecided: list[_PointResult] = []
    for index, values in enumerate(points):
        if index and time.perf_counter() > plan.deadline:
            # The remaining parameter points were never checked: not consistent over them.
            if not undecided:
                summary = f"time budget: parameter points {index + 1} to {len(points)} were not checked"
                undecided.append(_PointResult(Verdict.UNDECIDED, "timeout", summary, [], None, index=index))
            break
        result = replace(_check_point(plan, diffs, rvs, index, values), index=index)
        if result.verdict is Verdict.REFUTED:
            results.append(result)
            return _combine(plan, results, len(points), covered)
        if result.verdict is Verdict.UNDECIDED:
            # Not consistent any more, but a later point may still refute (a far point that
            # float64 cannot resolve, before the moderate one where the claim fails) while
            # the time budget lasts.
            undecided.append(result)
            if time.perf_counter() > plan.deadline:
                break
            continue
        if not undecided:
            results.append(result)
    if undecided:
        results.append(undecided[0])
    return _combine(plan, results, len(points), covered)


def _check_point(
    plan: _Plan, diffs: list[sympy.Expr], rvs: set[sympy.Symbol], index: int, values: dict
) -> _PointResult:
    red = reduce_claim([d.xreplace(values) for d in diffs], rvs)
    subs, draws = lower_random(plan.problem.random, values)
    integrands = [stable_form(f.xreplace(subs)) for f in red.integrands]
    controls = control_variates(draws, integrands)
    audit_rng = np.random.default_rng([plan.settings.seed, index, 0xA0D17])
    names = _draw_names(subs, draws)
    audits = [audit_integrand(f, draws, audit_rng, controls, names) for f in integrands]
    strata = [Strata()] * len(integrands)
    if red.linear:
        # Rare cells the whole budget would not resolve are estimated apart, by sampling
        # inside them; the sample estimates the rest (see `derive.montecarlo._claim.stratify`).
        strata_rng = np.random.default_rng([plan.settings.seed, index, 0x57A7A])
        for j, f in enumerate(integrands):
            strata[j] = stratify(f, audits[j], draws, strata_rng, plan.max_batches * BATCH)
            if strata[j].cells:
                integrands[j] = strata[j].cut(f, draws)
                audits[j] = audit_integrand(integrands[j], draws, audit_rng, controls, names)
    backend = select_backend(plan.settings.mc_backend, integrands, draws)
    run = _Runner(backend, plan.settings.mc_backend, integrands, draws, plan.threads)
    relation = plan.problem.relation
    tot = Totals()
    done, with_controls = 0, False
    looks: list[Look] = []
    decided: list[Verdict] = []
    resolutions: dict[int, float] = {}  # entry -> measured float64 rounding of its integrand
    while True:
        if done == _FIRST_ROUND and not with_controls and controls:
            # Not decided by the plain estimate: rerun the same batches (same streams, so the
            # same draws) with control variates, whose smaller variance may meet the band.
            with_controls, done, tot = True, 0, Totals()
            run.use(integrands + controls)
        size = _FIRST_ROUND if done == 0 else min(done, plan.max_batches - done)
        for b in run(plan.settings.seed, index, range(done, done + size)):
            tot.add(b)
        done += size
        looks = (
            with_hidden(red, _with_strata(estimate_looks(red, tot, plan.tol), strata), tot, audits) if tot.n > 1 else []
        )
        looks, decided = _decisions(
            plan, looks, red=red, integrands=integrands, draws=draws, index=index, resolutions=resolutions
        )
        status = _status(plan, tot, looks, decided, done)
        if status is None and (with_controls or not controls):
            # (the control variates may remove what a region could hide: try them first)
            status = _beyond_budget(plan, red, tot, looks, decided=decided, audits=audits)
        if status is not None:
            verdict, reason, detail = status
            break
    pv = tuple(sorted((str(k), str(v)) for k, v in values.items()))
    estimates = [
        Estimate(
            mean=lk.mean,
            stderr=lk.se,
            n=tot.n,
            target=lk.target + 0.0,
            p_value=p_value(
                lk.mean - lk.target, max(lk.se, lk.resolution), relation, max(abs(lk.mean), abs(lk.target))
            ),
            backend=run.label,
            params=pv,
            nonfinite=tot.nonfinite,
        )
        for lk in looks
    ]
    result = _PointResult(verdict, reason, detail, estimates, None, len(controls) if with_controls else 0)
    if estimates:
        refuting = [i for i, v in enumerate(decided) if v is Verdict.REFUTED]
        pick = refuting[0] if refuting else max(range(len(looks)), key=lambda i: _badness(looks[i]))
        result.headline, result.look = estimates[pick], looks[pick]
    return result


def _with_strata(looks: list[Look], strata: list[Strata]) -> list[Look]:
    """Each entry's estimate plus what its strata contribute (independent samples: variances add).

    Only linear claims are stratified (one integrand per entry); otherwise nothing changes.
    """
    if not any(st.cells for st in strata):
        return looks
    return [
        replace(lk, mean=lk.mean + st.mean, se=math.sqrt(lk.se**2 + st.var)) if st.cells else lk
        for lk, st in zip(looks, strata, strict=True)
    ]


def _draw_names(subs: dict, draws: Sequence[Any]) -> dict:
    """How the audit's summary names each primitive draw: the random variable it is, or stands behind."""
    names = {}
    for rv, expr in subs.items():
        for d in draws:
            if d.symbol in expr.free_symbols and d.symbol not in names:
                names[d.symbol] = str(rv) if expr == d.symbol else f"the standard {d.kind} draw of {rv}"
    return names


def _decisions(
    plan: _Plan,
    looks: list[Look],
    *,
    red: Any,
    integrands: list[sympy.Expr],
    draws: Sequence[Any],
    index: int,
    resolutions: dict[int, float],
) -> tuple[list[Look], list[Verdict]]:
    """Decide every look; no decision stands within the integrand's float64 rounding.

    A claim true as an identity can still give a float64 mean a few 1e-17 off its target
    with a far smaller standard error (the rounding errors of its samples do not average
    out); an integrand that cancels catastrophically can be off by more than the band.
    Before a refutation or a consistent verdict counts, the entry's integrand is evaluated
    at sample points in float64 and at 40 digits (`rounding_resolution`, once per entry);
    see `Look.at_resolution` for how the error then enters the decision.
    """
    looks = [lk.at_resolution(resolutions[j]) if j in resolutions else lk for j, lk in enumerate(looks)]
    decided = [decide(lk, plan.problem.relation, plan.z_refute) for lk in looks]
    for j, verdict in enumerate(decided):
        if j in resolutions or not red.linear:
            continue
        # Measured also when only an unresolved region's bound holds the decision back: a
        # float64 rounding failure is the more basic reason, and is said first.
        unhidden = decide(replace(looks[j], hidden_up=0.0, hidden_down=0.0), plan.problem.relation, plan.z_refute)
        if Verdict.UNDECIDED == verdict == unhidden:
            continue
        rng = np.random.default_rng([plan.settings.seed, index, j, 0x5E501])
        try:
            resolutions[j] = rounding_resolution(integrands[j], draws, rng)
        except (TypeError, ValueError, ArithmeticError, NotImplementedError, LoweringError):
            resolutions[j] = 0.0  # not measurable: the plain rule stands
        looks[j] = looks[j].at_resolution(resolutions[j])
        decided[j] = decide(looks[j], plan.problem.relation, plan.z_refute)
    return looks, decided


def _status(
    plan: _Plan, tot: Totals, looks: list[Look], decided: list[Verdict], done: int
) -> tuple[Verdict, str, str] | None:
    """(verdict, reason, detail) once the point is settled, None to sample more.

    The checks that make any estimate untrustworthy come first, so they can never be
    overridden by a confident-looking verdict.
    """
    heavy = np.minimum(tot.tail_fraction(), tot.global_tail_fraction())
    # A sample that never varied proves nothing about rare events, except that an inequality
    # violated beyond what the audit's rare regions can add is false (E[max(x - 10, 0)] > 1e-12:
    # every draw gives 0, and the cells beyond 10 add at most 1e-23). Equalities keep the
    # older rule: their refutation would lean on the bound being tight.
    inequality = plan.problem.relation in (Relation.GE, Relation.GT, Relation.LE, Relation.LT)
    notes = [
        (lk.why, lk.note)
        for lk, v in zip(looks, decided, strict=True)
        if lk.note and not (inequality and lk.why == "no variation" and v is Verdict.REFUTED)
    ]
    if tot.nonfinite:
        return (
            Verdict.UNDECIDED,
            "non-finite samples",
            (f"{tot.nonfinite} of {tot.n + tot.nonfinite} samples were not finite (inf/nan)"),
        )
    if np.any(heavy > TAIL_LIMIT):
        return (
            Verdict.UNDECIDED,
            "heavy tails",
            (
                "heavy tails: single samples dominate the sample variance "
                f"(share {float(np.max(heavy)):.2g} of the sum of squares, in the median batch and in the whole "
                "sample), so the standard error does not settle"
            ),
        )
    if notes:
        return Verdict.UNDECIDED, *notes[0]
    if any(v is Verdict.REFUTED for v in decided):
        return Verdict.REFUTED, "", ""
    if decided and all(v is Verdict.CONSISTENT for v in decided):
        return Verdict.CONSISTENT, "", ""
    out_of_samples = done >= plan.max_batches
    if not out_of_samples and time.perf_counter() <= plan.deadline:
        return None
    pending = [lk for lk, v in zip(looks, decided, strict=True) if v is not Verdict.CONSISTENT] or looks
    why = explain(max(pending, key=_badness), plan.problem.relation, plan.z_refute) if pending else "no estimate"
    if out_of_samples:
        return Verdict.UNDECIDED, "sample budget", f"sample budget of {tot.n} samples exhausted: {why}"
    return Verdict.UNDECIDED, "timeout", f"time budget: stopped after {tot.n} samples: {why}"


def _beyond_budget(
    plan: _Plan, red: Any, tot: Totals, looks: list[Look], *, decided: list[Verdict], audits: list[Audit]
) -> tuple[Verdict, str, str] | None:
    """Stop early when even the whole sample budget would leave a rare region unresolved."""
    if not any(lk.hidden > 0 for lk in looks):
        return None
    n_max = plan.max_batches * BATCH
    at_budget = with_hidden(red, looks, tot, audits, n=n_max)
    for lk, final, v in zip(looks, at_budget, decided, strict=True):
        if v is not Verdict.CONSISTENT and hopeless(lk, plan.problem.relation, final):
            return Verdict.UNDECIDED, "rare region", final.hidden_note
    return None


def _badness(look: Look) -> float:
    # How far from consistent: the significance of the difference, or the interval's overflow of the band.
    fit = (abs(look.mean - look.target) + Z_CONSISTENT * look.se) / max(look.band, 1e-300)
    return max(abs(look.z) / Z_CONSISTENT, fit)


#: What the rare-region audit (`derive.montecarlo._claim.audit_integrand`) excluded, for a consistent verdict.
_AUDITED = "; the rare regions and far tails it did not sample (exact probabilities along each axis) fit that margin"


def _side(relation: Relation) -> str:
    return "below" if relation in (Relation.LE, Relation.LT) else "above"


def _inequality_text(look: Look, relation: Relation) -> str:
    """The inequality test of a consistent verdict: the sign of lhs - rhs and its margin in SE."""
    d = look.mean - look.target
    se = max(look.se, look.rounding)
    margin = f"{abs(d) / se:.1f} SE {_side(relation)} 0" if se > 0 and d != 0 else f"{_side(relation)} 0"
    if d == 0 or abs(d) <= look.rounding:
        margin = "0 up to rounding, which satisfies the non-strict inequality"
    worse = look.hidden_against(relation)[0]
    hidden = f", even with the {worse:.2g} that regions the sample did not resolve can add" if worse else ""
    if look.hidden and not worse:
        hidden = f"; regions the sample did not resolve can only move it further {_side(relation)} 0"
    ci = f"{d:.6g} ± {Z_CONSISTENT * look.se:.2g} ({Z_CONSISTENT:g} SE)"
    return f"; the estimate of lhs - rhs is {ci}: {margin}{hidden}"


def _refutation_text(look: Look, plan: _Plan) -> str:
    relation = plan.problem.relation
    d = look.mean - look.target
    se = max(look.se, look.rounding)
    shift = look.hidden if relation in (Relation.EQ, Relation.APPROX) else look.hidden_against(relation)[1]
    hidden = f", beyond the {shift:.2g} that regions the sample did not resolve can add" if look.hidden else ""
    if relation in (Relation.EQ, Relation.APPROX):
        if not math.isfinite(look.z):
            return hidden
        return f", {abs(look.z):.1f} SE from the target (threshold {plan.z_refute:.2f} SE){hidden}"
    wrong = "above" if relation in (Relation.LE, Relation.LT) else "below"
    size = f"{abs(d) / se:.1f} SE" if se > 0 else "exactly"
    return (
        f"; the estimate of lhs - rhs is {d:.6g} ± {Z_CONSISTENT * look.se:.2g} ({Z_CONSISTENT:g} SE): "
        f"{size} {wrong} 0 (threshold {plan.z_refute:.2f} SE){hidden}"
    )


def _combine(plan: _Plan, results: list[_PointResult], n_points: int, covered: str = "") -> Outcome:
    settings = plan.settings
    est = tuple(e for r in results for e in r.estimates)
    last = results[-1]
    correction = (
        f"; refutation threshold {plan.z_refute:.2f} SE (Bonferroni over {plan.tests} tests)" if plan.tests > 1 else ""
    )
    head = last.headline.describe() if last.headline is not None else ""
    used = max(r.controls for r in results)
    if used:
        correction += f"; {used} control variates (functions of the draws with known mean)"
    if last.verdict is Verdict.REFUTED:
        where = f" at parameter point {last.index + 1} of {n_points}" if n_points > 1 else ""
        if last.look is not None:
            head += _refutation_text(last.look, plan)
        summary = f"Monte Carlo refutes the claim{where}: {head}{correction}"
        return Outcome(Verdict.REFUTED, Evidence(Method.MONTECARLO, summary, estimates=est, seed=settings.seed))
    if last.verdict is Verdict.CONSISTENT and len(results) == n_points:
        where = f" at all {n_points} parameter points" if n_points > 1 else ""
        if covered:
            where = f" at all {covered}"
        worst = min(results, key=lambda r: r.headline.p_value if r.headline else 1.0)
        head = worst.headline.describe() if worst.headline is not None else head
        if worst.look is not None and plan.problem.relation not in (Relation.EQ, Relation.APPROX):
            head += _inequality_text(worst.look, plan.problem.relation)
        elif worst.look is not None:
            lk = worst.look
            reach = abs(lk.mean - lk.target) + Z_CONSISTENT * lk.se + lk.hidden
            hidden = f" + {lk.hidden:.2g} for regions the sample did not resolve" if lk.hidden else ""
            head += (
                f"; agrees with the target to ±{reach:.2g} (its distance, {Z_CONSISTENT:g} SE{hidden}), "
                f"inside the band ±{lk.band:.2g}"
            )
            if lk.resolution and lk.band == lk.resolution:
                head += (
                    " (the integrand's float64 rounding error, measured against 40-digit values at sample points:"
                    " a smaller difference is no evidence)"
                )
            elif lk.floored:
                head += " (its absolute floor: tolerance x the integrand's standard deviation, larger than |target|)"
        head += _AUDITED
        summary = f"Monte Carlo estimate consistent{where}: {head}{correction}"
        return Outcome(Verdict.CONSISTENT, Evidence(Method.MONTECARLO, summary, estimates=est, seed=settings.seed))
    where = f" (parameter point {last.index + 1} of {n_points})" if n_points > 1 else ""
    summary = f"Monte Carlo undecided{where}: {last.detail}" + (f"; {head}" if head else "")
    return _undecided(summary, last.reason, settings, est)
