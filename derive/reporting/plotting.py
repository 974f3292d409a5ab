"""Plots for results people would rather look at than read (``derive plot``; needs ``derive[plot]``).

- A claim with a counterexample (or test points): both sides over a range of one variable,
  the others fixed at the counterexample's values, with lhs - rhs underneath.
- A Monte Carlo claim: the running estimate with its 95% confidence band against the
  claimed value, from a small seeded re-run of the estimator.
- A gradient descent-ascent claim (tag ``gda``): the iterates of simultaneous GDA on
  f(x, y) = x*y with step 0.2 from (1, 1), spiralling out by sqrt(1 + 0.2**2) per step.

matplotlib is imported inside the functions and used through its object API (no pyplot,
no global backend switch), so plotting in a notebook does not change the user's backend.
"""

from __future__ import annotations

import math
import os
import textwrap
import time
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from derive.errors import DeriveError, UsageError
from derive.model import Method, Result, Verdict
from derive.reporting._plot_mc import _number

__all__ = ["GDA_START", "GDA_STEP", "SideCurves", "gda_iterates", "plot_result", "side_curves"]

#: The GDA experiment of the seed homework: f(x, y) = x*y, x maximises, y minimises.
GDA_START: tuple[float, float] = (1.0, 1.0)
GDA_STEP: float = 0.2

_SUFFIXES = {".png": "png", ".svg": "svg"}
_CURVE_POINTS = 161
_CURVE_SECONDS = 10.0  # per curve; see _evaluate


def gda_iterates(
    steps: int, *, start: tuple[float, float] = GDA_START, eta: float = GDA_STEP
) -> list[tuple[float, float]]:
    """Simultaneous gradient ascent (on x) and descent (on y) for f(x, y) = x*y.

    Each step maps (x, y) to (x + eta*y, y - eta*x), a rotation scaled by sqrt(1 + eta**2),
    as in the seed homework (x maximises, y minimises).

    >>> gda_iterates(2)
    [(1.0, 1.0), (1.2, 0.8), (1.36, 0.56)]
    """
    x, y = start
    out = [(x, y)]
    for _ in range(steps):
        x, y = round(x + eta * y, 12), round(y - eta * x, 12)
        out.append((x, y))
    return out


def _figure() -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        msg = "plotting needs matplotlib, which is not installed; install it with: pip install 'derive[plot]'"
        raise DeriveError(msg) from None
    return Figure(figsize=(7.5, 5.5), layout="constrained")


def plot_result(
    result: Result, path: str | os.PathLike[str], *, claimed: Sequence[tuple[float, float]] = (), dpi: int = 120
) -> Path:
    """Draw the plot that fits ``result`` and save it to ``path`` (PNG or SVG by suffix).

    ``claimed`` are iterates a homework wrote down, overlaid on a GDA trajectory; by default
    they are the rhs points of the known-wrong GDA claims in the claim's file. ``dpi`` sets
    the resolution of a PNG.
    Raises `UsageError` when the result has nothing to plot (say, a proved identity with no
    test points) and `DeriveError` when matplotlib is missing.
    """
    out = Path(path)
    fmt = _SUFFIXES.get(out.suffix.lower())
    if fmt is None:
        msg = f"cannot write a plot to {out.name!r}: use a .png or .svg file name"
        raise UsageError(msg)
    fig = _figure()
    claim = result.claim
    evidence = [o.evidence for o in result.outcomes]
    if "gda" in claim.tags:
        _plot_gda(fig, result, claimed)
    elif any(ev.estimates for ev in evidence):
        _plot_montecarlo(fig, result, _running_stream(result))
    elif any(ev.counterexample is not None or ev.points for ev in evidence) or (
        result.verdict is Verdict.REFUTED and result.method is not Method.MONTECARLO
    ):
        # A symbolic refutation (lhs - rhs is a nonzero constant) has no point, but both sides
        # still have curves: drawn around 1 for every free symbol.
        _plot_sides(fig, result)
    elif result.verdict is not Verdict.ERROR and (stream := _running_stream(result)) is not None:
        # An expectation the symbolic tier settled: still worth seeing the estimator converge.
        _plot_montecarlo(fig, result, stream)
    else:
        msg = (
            f"nothing to plot for claim {claim.id!r} ({result.verdict.value}): plots exist for claims with a "
            "counterexample or numeric test points, claims with expectations, and GDA claims (tag 'gda')"
        )
        raise UsageError(msg)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, format=fmt, dpi=dpi)
    return out


def _title(result: Result) -> str:
    text = f"{result.claim.id}: {result.verdict.value} ({result.method.value})"
    return text if len(text) < 90 else text[:87] + "..."


# ---------------------------------------------------------------------------------------
# Both sides over one variable.


def _anchor(result: Result) -> tuple[tuple[tuple[str, str], ...], bool]:
    """The values to plot around: the counterexample, else the first test point."""
    for outcome in reversed(result.outcomes):
        if outcome.evidence.counterexample is not None:
            return outcome.evidence.counterexample.values, True
    for outcome in result.outcomes:
        if outcome.evidence.points:
            return outcome.evidence.points[0].values, False
    return (), False


def _scalar_sides(lhs: Any, rhs: Any, values: dict[Any, Any]) -> tuple[Any, Any]:
    import sympy

    if isinstance(lhs, sympy.MatrixBase) or isinstance(rhs, sympy.MatrixBase):
        lm, rm = sympy.Matrix(lhs), sympy.Matrix(rhs)
        if lm.shape != rm.shape:
            msg = f"cannot plot sides of different shapes {lm.shape} and {rm.shape}"
            raise UsageError(msg)
        # Plot the entry where the sides differ most at the anchor point.
        gaps = [abs(complex(sympy.N((lm[k] - rm[k]).xreplace(values), 15))) for k in range(len(lm))]
        k = max(range(len(gaps)), key=gaps.__getitem__)
        return lm[k], rm[k]
    return lhs, rhs


def _range(name: str, centre: float, kinds: dict[str, str], symbol: Any) -> tuple[float, float]:
    kind = kinds.get(name.split("[", maxsplit=1)[0], "real")
    if kind == "probability":
        return 0.005, 0.995
    width = max(2.0, 1.5 * abs(centre))
    if symbol.is_positive or symbol.is_nonnegative:
        return max(centre - width, centre / 20 if centre > 0 else 1e-3), centre + width
    if symbol.is_negative:
        return centre - width, min(centre + width, centre / 20 if centre < 0 else -1e-3)
    return centre - width, centre + width


def _carry_out(expr: Any) -> Any:
    """Carry out derivatives and substitutions (as the numeric tier does) so numbers can go in:
    d/da log sigma(a) from a homework stays an unevaluated Derivative until then."""
    import sympy

    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.Derivative, sympy.Subs):
        return expr
    return expr.replace(lambda e: isinstance(e, (sympy.Derivative, sympy.Subs)), lambda e: e.doit(deep=False))


def _evaluate(expr: Any, symbol: Any, xs: Sequence[float], budget: float = _CURVE_SECONDS) -> list[float]:
    """``expr`` at each x (NaN where it has no real value).

    Plots are drawn in the calling process, outside the workers' budgets, so a curve whose
    points are slow to evaluate (an unevaluated integral at each x) stops after ``budget``
    seconds and shows what it has, rather than holding up ``derive plot`` or an HTML report.
    """
    import sympy

    deadline = time.monotonic() + budget
    out: list[float] = []
    for x in xs:
        if time.monotonic() > deadline:
            out.append(float("nan"))
            continue
        try:
            value = complex(sympy.N(expr.xreplace({symbol: sympy.Float(x, 30)}), 20))
            out.append(value.real if abs(value.imag) < 1e-12 * max(1.0, abs(value.real)) else float("nan"))
        except (TypeError, ValueError, ZeroDivisionError, OverflowError):
            out.append(float("nan"))
    return out


@dataclass(frozen=True)
class SideCurves:
    """Both sides of a claim along one variable, as `plot_result` draws them (for tests too).

    ``lhs``/``rhs`` are NaN where a side has no real value or could not be evaluated; ``notes``
    say why a side is missing along the axis (never silently drawn as nothing or as zeros);
    ``fixed`` are the other symbols' values (never a random variable: an expectation averages
    over it); ``anchor`` is the counterexample or test point and ``is_counterexample`` says which.
    """

    var: Any
    xs: list[float]
    lhs: list[float]
    rhs: list[float]
    fixed: dict[Any, Any]
    anchor: float
    is_counterexample: bool
    notes: tuple[str, ...] = ()
    from_evidence: bool = True  # False: the evidence has no point (a symbolic refutation); drawn around 1
    evidence_values: tuple[float, float] | None = None  # (lhs, rhs) the evidence gives at the anchor

    @property
    def difference(self) -> list[float]:
        return [a - b for a, b in zip(self.lhs, self.rhs, strict=True)]


def _reduced(side: Any, random: Any) -> Any:
    """A side with expectations and divergences replaced as the tiers do: closed forms, else
    integral forms sympy can evaluate by quadrature; what has neither stays as it is."""
    from derive.tiers.divergences import expand_divergences
    from derive.tiers.expectation import evaluate_expectations

    try:
        return expand_divergences(evaluate_expectations(side, random))
    except Exception:  # a reduction that fails leaves the side unevaluable, which the figure says
        return side


def _unevaluable(side: Any, rvs: set[Any]) -> bool:
    import sympy

    from derive.language.functions import Expectation
    from derive.tiers.divergences import JS, KL, W1

    if not isinstance(side, sympy.Basic):
        return False
    return side.has(Expectation, KL, JS, W1) or bool(side.free_symbols & rvs)


def side_curves(result: Result) -> SideCurves | None:
    """Both sides of ``result``'s claim along its first free variable (None: no variable)."""
    import sympy

    from derive.language.parsing import prepare
    from derive.tiers.expectation import random_symbols

    problem = prepare(result.claim)
    rvs = random_symbols(problem.random)
    anchor, is_counterexample = _anchor(result)
    lhs, rhs = _reduced(problem.lhs, problem.random), _reduced(problem.rhs, problem.random)
    free = ((problem.lhs.free_symbols | problem.rhs.free_symbols) - rvs) | ((lhs.free_symbols | rhs.free_symbols) - rvs)
    by_name = {str(s): s for s in free}
    values = {by_name[k]: sympy.Rational(Fraction(str(_number(v)))) for k, v in anchor if k in by_name}
    for s in free:  # symbols the evidence did not mention (constants of the point): 1 is as good as any
        values.setdefault(s, sympy.Integer(1))
    lhs, rhs = _scalar_sides(lhs, rhs, values)
    candidates = [s for s in sorted(free, key=str) if s in (lhs - rhs).free_symbols]
    if not candidates:
        return None
    var = candidates[0]
    fixed = {s: v for s, v in values.items() if s != var}
    lhs1, rhs1 = _carry_out(lhs.xreplace(fixed)), _carry_out(rhs.xreplace(fixed))
    centre = float(values[var])
    lo, hi = _range(str(var), centre, dict(result.claim.symbols), var)
    xs = [lo + (hi - lo) * i / (_CURVE_POINTS - 1) for i in range(_CURVE_POINTS)]
    notes = []
    curves = []
    for name, side in (("lhs", lhs1), ("rhs", rhs1)):
        if _unevaluable(side, rvs):
            notes.append(
                f"{name} has no closed form or quadrature along {var} (derive's tiers estimate it at fixed "
                "points): not drawn"
            )
            curves.append([float("nan")] * len(xs))
        else:
            curves.append(_evaluate(side, var, xs))
    for name, ys in zip(("lhs", "rhs"), curves, strict=True):
        if curves and all(math.isnan(y) for y in ys) and not any(name in n for n in notes):
            notes.append(f"{name} has no real value along {var} in [{lo:.3g}, {hi:.3g}]: not drawn")
    return SideCurves(
        var,
        xs,
        curves[0],
        curves[1],
        fixed,
        centre,
        is_counterexample,
        notes=tuple(notes),
        from_evidence=bool(anchor),
        evidence_values=_evidence_values(result),
    )


def _evidence_values(result: Result) -> tuple[float, float] | None:
    for outcome in reversed(result.outcomes):
        ce = outcome.evidence.counterexample
        if ce is not None:
            try:
                return _number(ce.lhs), _number(ce.rhs)
            except DeriveError:
                return None
    return None


def _plot_sides(fig: Any, result: Result) -> None:
    import sympy

    curves = side_curves(result)
    if curves is None:
        # No variable: a constant claim (pi vs 355/113). Show the two numbers as bars.
        from derive.language.parsing import prepare

        problem = prepare(result.claim)
        lhs, rhs = (_reduced(side, problem.random) for side in (problem.lhs, problem.rhs))
        ax = fig.add_subplot()
        lv, rv = (float(sympy.N(side, 30)) for side in (lhs, rhs))
        ax.bar(["lhs", "rhs"], [lv, rv], color=["tab:blue", "tab:orange"])
        ax.set_title(_title(result) + f"\nlhs - rhs = {sympy.N(lhs - rhs, 6)}")
        return
    var, xs = curves.var, curves.xs
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 1))
    top.plot(xs, curves.lhs, label=f"lhs: {_short(result.claim.lhs)}", color="tab:blue")
    top.plot(xs, curves.rhs, label=f"rhs: {_short(result.claim.rhs)}", color="tab:orange", linestyle="--")
    label = "counterexample" if curves.is_counterexample else "test point" if curves.from_evidence else "drawn around"
    colour = "tab:red" if curves.is_counterexample else "grey"
    top.axvline(curves.anchor, color=colour, linewidth=0.8, label=f"{label} {var} = {curves.anchor:.4g}")
    if curves.evidence_values is not None:  # the values the tier confirmed, whatever the curves show
        top.plot([curves.anchor] * 2, list(curves.evidence_values), "o", color=colour, markersize=4)
    top.legend(loc="best", fontsize="small")
    others = ", ".join(f"{s} = {float(v):.4g}" for s, v in sorted(curves.fixed.items(), key=lambda kv: str(kv[0])))
    # Wrapped: a matrix claim fixes many entries, and one long line would run off the figure.
    fixed_text = textwrap.fill(f"other symbols fixed: {others}", 90) if others else ""
    top.set_title(_title(result) + (f"\n{fixed_text}" if others else ""), fontsize="medium")
    for k, note in enumerate(curves.notes):
        top.text(
            0.01, 0.02 + 0.07 * k, textwrap.fill(note, 80), transform=top.transAxes, fontsize="small", color="tab:red"
        )
    difference = curves.difference
    if all(math.isnan(d) for d in difference):
        bottom.text(
            0.5,
            0.5,
            f"lhs - rhs not drawn: a side cannot be evaluated along {var}",
            ha="center",
            va="center",
            transform=bottom.transAxes,
            fontsize="small",
            color="tab:red",
        )
    else:
        bottom.plot(xs, difference, color="tab:red")
    if curves.evidence_values is not None:
        gap = curves.evidence_values[0] - curves.evidence_values[1]
        bottom.plot([curves.anchor], [gap], "o", color=colour, markersize=4)
    bottom.axhline(0, color="black", linewidth=0.6)
    bottom.set_ylabel("lhs - rhs")
    bottom.set_xlabel(str(var))


def _short(side: Any) -> str:
    text = " ".join(str(side).split())
    return text if len(text) <= 50 else text[:47] + "..."


# ---------------------------------------------------------------------------------------
# Monte Carlo.


def _plot_montecarlo(fig: Any, result: Result, stream: Any) -> None:
    estimates = [e for o in result.outcomes for e in o.evidence.estimates]
    ax = fig.add_subplot()
    if stream is not None:
        ns, means, halfwidths, target, what = stream
        ax.plot(ns, means, color="tab:blue", label=f"running estimate of {what}")
        ax.fill_between(
            ns,
            [m - h for m, h in zip(means, halfwidths, strict=True)],
            [m + h for m, h in zip(means, halfwidths, strict=True)],
            color="tab:blue",
            alpha=0.25,
            label="95% confidence band",
        )
        ax.axhline(target, color="tab:orange", linestyle="--", label=f"claimed value {target:.6g}")
        ax.set_xscale("log")
        ax.set_xlabel("samples")
    else:
        # Only the recorded estimates are available: one interval per parameter point.
        xs = list(range(1, len(estimates) + 1))
        ax.errorbar(
            xs,
            [e.mean for e in estimates],
            yerr=[1.96 * e.stderr for e in estimates],
            fmt="o",
            capsize=4,
            label="estimate ± 1.96 SE",
        )
        ax.scatter(xs, [e.target for e in estimates], marker="_", s=400, color="tab:orange", label="claimed value")
        ax.set_xticks(
            xs, [", ".join(f"{k}={v}" for k, v in e.params)[:30] or f"point {i}" for i, e in enumerate(estimates, 1)]
        )
        ax.set_xlabel("parameter point")
    ax.legend(loc="best", fontsize="small")
    ax.set_title(_title(result), fontsize="medium")


def _running_stream(result: Result) -> tuple[list[int], list[float], list[float], float, str] | None:
    """A seeded re-run of the estimator as (n, running mean, 95% half-width, claimed value, label).

    Uses the Monte Carlo tier's own lowering (see `derive.reporting._plot_mc`); returns None when the
    claim's expectations cannot be re-run that way, and the plot falls back to the recorded
    estimates.
    """
    try:
        from derive.reporting._plot_mc import running_estimate

        return running_estimate(result)
    except (ImportError, DeriveError):
        return None


# ---------------------------------------------------------------------------------------
# Gradient descent-ascent on x*y.


def _plane_point(side: Any) -> tuple[float, float] | None:
    import sympy

    if isinstance(side, sympy.MatrixBase) and len(side) == 2 and not side.free_symbols:
        try:
            return float(sympy.N(side[0], 20)), float(sympy.N(side[1], 20))
        except TypeError:
            return None
    return None


def _written_iterates(result: Result) -> list[tuple[float, float]]:
    """What a homework wrote: the rhs points of the known-wrong GDA claims in this claim's file.

    A known-wrong claim (``expect: fails``) records what the homework wrote as its rhs, so in
    file order these are the homework's tabulated iterates. The file is the one the claim
    itself was loaded from, so reading it again trusts nothing new.
    """
    from derive.language.loading import load_claims
    from derive.language.parsing import prepare
    from derive.model import Expect

    file = result.claim.where.file
    if not file or not Path(file).is_file():
        return []
    try:
        claims, _ = load_claims([file])
    except DeriveError:
        return []
    points = []
    for claim in claims:
        if claim.expect is not Expect.FAILS or "gda" not in claim.tags:
            continue
        try:
            point = _plane_point(prepare(claim).rhs)
        except DeriveError:
            continue
        if point is not None:
            points.append(point)
    return points


def _claim_points(result: Result) -> list[tuple[str, tuple[float, float]]]:
    """The claim's sides when they are numeric points of the plane (an iterate and its claimed value)."""
    from derive.language.parsing import prepare

    try:
        problem = prepare(result.claim)
    except DeriveError:
        return []
    points = []
    for label, side in (("lhs", problem.lhs), ("rhs", problem.rhs)):
        point = _plane_point(side)
        if point is not None:
            points.append((label, point))
    return points


def _plot_gda(fig: Any, result: Result, claimed: Sequence[tuple[float, float]]) -> None:
    import math

    fig.set_size_inches(10.5, 6.0)
    claimed = list(claimed) or _written_iterates(result)
    if claimed and claimed[0] != GDA_START:
        claimed.insert(0, GDA_START)  # the homework's table starts where GDA does
    steps = max(32, len(claimed) + 4)  # one full turn takes about 32 steps
    points = gda_iterates(steps)
    ax = fig.add_subplot()
    label = f"simultaneous GDA on f = xy, step {GDA_STEP}, from {GDA_START}"
    ax.plot([p[0] for p in points], [p[1] for p in points], "o-", markersize=3, color="tab:blue", label=label)
    ax.annotate("start", points[0], textcoords="offset points", xytext=(6, 6))
    r0 = math.hypot(*GDA_START)
    growth = math.sqrt(1 + GDA_STEP**2)
    ts = [2 * math.pi * i / 200 for i in range(201)]
    for k in range(0, steps + 1, 8):
        r = r0 * growth**k
        ax.plot([r * math.cos(t) for t in ts], [r * math.sin(t) for t in ts], color="grey", lw=0.5, ls=":")
    if claimed:
        xs, ys = [p[0] for p in claimed], [p[1] for p in claimed]
        ax.plot(xs, ys, "s--", markersize=4, color="tab:red", alpha=0.6, label="iterates as the homework wrote them")
    styles = {"lhs": ("D", "tab:green", "claim lhs"), "rhs": ("X", "tab:red", "claim rhs (the value claimed)")}
    for side, (x, y) in _claim_points(result):
        marker, colour, text = styles[side]
        ax.plot([x], [y], marker, markersize=7, color=colour, label=f"{text}: ({x:.4g}, {y:.4g})", zorder=5)
    ax.plot([0], [0], "k+", markersize=10, label="saddle point (0, 0)")
    ax.set_aspect("equal")
    ax.set_xlabel("x (ascent: x maximises xy)")
    ax.set_ylabel("y (descent: y minimises xy)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="small", borderaxespad=0.0)
    ax.set_title(
        _title(result) + f"\nradius grows by sqrt(1 + {GDA_STEP}^2) ≈ {growth:.4f} per step (dotted circles)",
        fontsize="medium",
    )
