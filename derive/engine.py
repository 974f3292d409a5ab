"""The tier walk: symbolic proof, then high-precision numerics, then Monte Carlo.

A tier either decides (any verdict but UNDECIDED) or declines with a reason; the first
decisive tier ends the walk. Nothing escapes `check_claim`: bad input becomes an
``error`` result and an unexpected failure inside a tier an ``error`` naming it, so one
claim can never take down a run.
"""

from __future__ import annotations

import contextvars
import dataclasses
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from derive.errors import DeriveError
from derive.model import Claim, Evidence, Method, Outcome, Problem, Result, Settings, Verdict

if TYPE_CHECKING:
    from derive.language._indexed import Instance

__all__ = ["TIERS", "check_claim", "decide"]

Tier = Callable[[Problem, Settings], Outcome]


def _symbolic(problem: Problem, settings: Settings) -> Outcome:
    from derive.tiers.symbolic import check_symbolic

    return check_symbolic(problem, settings)


def _numeric(problem: Problem, settings: Settings) -> Outcome:
    from derive.language._indexed import has_indexed

    if has_indexed(problem):
        return _numeric_indexed(problem, settings)
    return _numeric_plain(problem, settings)


def _numeric_plain(problem: Problem, settings: Settings) -> Outcome:
    from derive.tiers.numeric import check_numeric
    from derive.tiers.symbolic import bounded

    # The tier paces itself between evaluations, but one sympy evalf can run for ever
    # (Sum(exp(-k/2), (k, 0, oo)).evalf(30)): a hard stop at the claim's budget keeps an
    # in-process check (derive.check) from hanging; workers have their own kill limit.
    out = bounded(lambda: check_numeric(problem, settings), max(settings.timeout, 1.0))
    if out is None:
        why = f"numeric tier: time budget of {settings.timeout:g} s ran out inside an evaluation"
        return Outcome(Verdict.UNDECIDED, Evidence(Method.NUMERIC, why, reason="timeout"))
    return out  # type: ignore[return-value]


def _numeric_indexed(problem: Problem, settings: Settings) -> Outcome:
    """The numeric tier on concrete instances (`derive.language._indexed`): x_1, x_2, ... independent.

    Evaluating ``Sum(x[i], (i, 1, n))`` as it stands would give every x[i] one value, and
    anything true for equal terms would pass. A confirmed refutation of any instance refutes
    the claim (the counterexample names the size); all instances verified is verified for
    those sizes only, and the evidence says so; anything else is undecided.
    """
    from derive.language._indexed import IndexedError, instances

    try:
        cases = instances(problem)
    except IndexedError as exc:
        why = f"indexed entries cannot be given independent values here: {exc}; not evaluated with one shared value"
        return Outcome(Verdict.UNDECIDED, Evidence(Method.NUMERIC, why, reason="indexed"))
    start = time.perf_counter()
    # A worker is stopped at the claim's budget, and the symbolic tier has had its share of it.
    budget = max(_LATE * settings.timeout, _MARGIN * (settings.timeout - (start - _CLAIM_START.get(start))))
    held: list[tuple[Instance, Outcome]] = []
    open_: list[tuple[Instance, Outcome]] = []
    for j, case in enumerate(cases):
        share = (budget - (time.perf_counter() - start)) / (len(cases) - j)
        out = _instance(case, settings, share)
        if out.verdict is Verdict.REFUTED:
            why = _not_every_reading(case, settings, share)
            if why is None:
                return Outcome(Verdict.REFUTED, _relabel(out.evidence, case, readings=case.readings is not None))
            # a failure the step may not speak about: the claim is not refuted by it
            out = Outcome(
                Verdict.UNDECIDED, dataclasses.replace(out.evidence, summary=f"{out.evidence.summary}, {why}")
            )
        (held if out.verdict in (Verdict.PROVED, Verdict.VERIFIED) else open_).append((case, out))
    if open_:
        case, out = open_[0]
        where = f"for {case.label()}" if case.label() else "with independent entries"
        summary = f"{where}: {out.evidence.summary}"
        if held:
            labels = [c.label() for c, _ in held if c.label()]
            sep = "; " if any(", " in label for label in labels) else ", "  # n = 1, n = 2; N = 1, i = 1; N = 2, i = 1
            summary += f" (holds for {sep.join(labels) or 'the others'})"
        return Outcome(Verdict.UNDECIDED, _relabel(out.evidence, case, summary))
    if not held[0][0].sizes and held[0][1].verdict is Verdict.PROVED:
        # Fixed bounds: the written-out claim is the claim itself, so its proof is one.
        case, out = held[0]
        return Outcome(
            Verdict.PROVED,
            dataclasses.replace(out.evidence, summary=f"{out.evidence.summary} (written out: {_independent(case)})"),
        )
    return Outcome(Verdict.VERIFIED, _verified_evidence(held, settings))


def _not_every_reading(case: Instance, settings: Settings, share: float) -> str | None:
    """Why a refuted instance does not refute the claim (None: it does, under every reading).

    A free index outside a range that ties it (fringe) may lie outside what the step speaks
    about; a failure that goes away with a two-index family symmetric (a text's d_{ij} is often
    a symmetric matrix's entry) or with a collapsed delta's index inside its range depends on
    how the notation is read.
    """
    from derive.language._indexed import IndexedError

    if case.fringe:
        return "where a free index lies outside a range that ties it (the step may not speak about it)"
    if case.readings is None:
        return None
    try:
        readings = case.readings()
    except IndexedError as exc:
        return f"and the other readings of the notation were not checked ({exc})"
    for words, problem in readings:
        alt = dataclasses.replace(case, problem=problem, readings=None)
        out = _instance(alt, settings, share / max(1, len(readings)))
        if out.verdict is not Verdict.REFUTED:
            return f"but not refuted with {words} (a text may mean that without saying so)"
    return None


def _instance(case: Instance, settings: Settings, share: float) -> Outcome:
    """One instance, symbolic tier first (softmax at n = 2 simplifies exactly), within ``share`` seconds."""
    if share < _MIN_SHARE:
        why = f"time budget ran out before {case.label() or 'the instance'}"
        return Outcome(Verdict.UNDECIDED, Evidence(Method.NUMERIC, why, reason="timeout"))
    start = time.perf_counter()
    out = decide(case.problem, dataclasses.replace(settings, timeout=share), TIERS[:1])[-1]
    if out.verdict is not Verdict.UNDECIDED:
        return out
    left = max(_MIN_SHARE, share - (time.perf_counter() - start))
    return decide(case.problem, dataclasses.replace(settings, timeout=left), ((Method.NUMERIC, _numeric_plain),))[-1]


_MIN_SHARE = 0.05  # seconds: below this an instance cannot even be prepared
_MARGIN = 0.9  # of the claim's remaining budget, for the instances (the rest: rounding up to 1 s, reporting)
_LATE = 0.25  # of the claim's budget, at least, when the symbolic tier took nearly all of it
#: When the claim being decided started (`check_claim`), for tiers that must end by its budget.
_CLAIM_START: contextvars.ContextVar[float] = contextvars.ContextVar("claim_start")


def _free_text(cases: Sequence[Instance]) -> str:
    """``; the free indices took every value and equality pattern that changes the step: at k = 3,
    i = 1, 2, 3`` (empty without free indices)."""
    if not cases[0].free:
        return ""
    last = cases[-1].sizes
    at = [c for c in cases if c.sizes == last]
    names = ", ".join(name for name, _ in at[0].free)
    shown = "; ".join(", ".join(str(v) for _, v in c.free) for c in at)
    where = f"at {', '.join(f'{n} = {v}' for n, v in last)}: " if last else ""
    shown = f"({names}) = {shown}" if len(at[0].free) > 1 else f"{names} = {shown.replace('; ', ', ')}"
    return f"; the free indices took every value and equality pattern that can change the step ({where}{shown})"


def _ragged_text(cases: Sequence[Instance]) -> str:
    if not cases[0].ragged:
        return ""
    last = cases[-1].sizes
    shown = dict.fromkeys(f"({', '.join(str(v) for _, v in c.ragged)})" for c in cases if c.sizes == last)
    names = ", ".join(n for n, _ in cases[-1].ragged)
    where = f" at {', '.join(f'{n} = {v}' for n, v in last)}" if last else ""
    return f"; the ragged bounds ({names}) took {', '.join(shown)}{where}"


def _entries_text(case: Instance) -> str:
    if case.sizes:
        return ", ".join(case.bases) or "no indexed entries"
    return ", ".join(case.entries)


def _independent(case: Instance) -> str:
    same = f"; {', '.join(case.identified)} outside the sum read as the sum's own term" if case.identified else ""
    return f"{_entries_text(case)} drawn independently{same}"


def _relabel(ev: Evidence, case: Instance, summary: str | None = None, *, readings: bool = False) -> Evidence:
    """``ev`` of one instance as evidence about the claim: the sizes (and the free indices' values)
    join every point's values."""
    sizes = tuple((name, str(value)) for name, value in case.fixed())
    counter = ev.counterexample
    if counter is not None:
        counter = dataclasses.replace(counter, values=sizes + counter.values)
    if summary is None:
        # "<= fails at x_1 = 3/4, ..." names the size first: "<= fails at n = 2, x_1 = 3/4, ..."
        inner = ev.summary
        if case.sizes:
            if counter is not None and " at " in inner:
                inner = inner.replace(" at ", f" at {case.label()}, ", 1)
            else:  # a symbolic verdict on the instance: no point to name the size in
                inner = f"at {case.label()}: {inner}"
        summary = f"{inner} ({_independent(case)})"
        if readings:
            summary += "; it also fails with the two-index families symmetric and any collapsed delta in range"
    points = tuple(dataclasses.replace(p, values=sizes + p.values) for p in ev.points)
    return dataclasses.replace(ev, summary=summary, counterexample=counter, points=points)


def _sizes_text(cases: Sequence[Instance]) -> str:
    """``n = 1, 2, 3`` for one size symbol, ``m = 1, n = 2; m = 2, n = 3`` for several."""
    sizes = list(dict.fromkeys(c.sizes for c in cases))  # the free indices' patterns are told apart elsewhere
    if len(sizes[0]) == 1:
        return f"{sizes[0][0][0]} = {', '.join(str(s[0][1]) for s in sizes)}"
    return "; ".join(", ".join(f"{name} = {value}" for name, value in s) for s in sizes)


def _verified_evidence(held: Sequence[tuple[Instance, Outcome]], settings: Settings) -> Evidence:
    first, _ = held[0]
    if first.sizes:
        proved = [c for c, o in held if o.verdict is Verdict.PROVED]
        names = ", ".join(name for name, _ in first.sizes)
        how = f"proved symbolically for {_sizes_text(proved)}" if proved else ""
        last = next(((c, o) for c, o in reversed(held) if o.verdict is Verdict.VERIFIED), None)
        if last is not None:
            how += f"{'; ' if how else ''}at {last[0].label()}: {last[1].evidence.summary}"
        cases = [c for c, _ in held]
        summary = (
            f"verified for {_sizes_text(cases)} with {_independent(first)}{_free_text(cases)}{_ragged_text(cases)};"
            f" says nothing about other {names} ({how})"
        )
    else:
        summary = f"{held[0][1].evidence.summary} ({_independent(first)})"
    points = tuple(p for case, o in held for p in _relabel(o.evidence, case, "").points)
    return Evidence(Method.NUMERIC, summary, points=points, seed=settings.seed)


def _montecarlo(problem: Problem, settings: Settings) -> Outcome:
    from sympy import Basic

    from derive.language._indexed import has_indexed
    from derive.language.functions import Expectation
    from derive.montecarlo.tier import check_montecarlo

    if has_indexed(problem) and any(isinstance(s, Basic) and s.has(Expectation) for s in (problem.lhs, problem.rhs)):
        # Monte Carlo would draw one value for every x_i, as the numeric tier would have.
        why = "indexed entries inside E(...): Monte Carlo does not draw them independently"
        return Outcome(Verdict.UNDECIDED, Evidence(Method.MONTECARLO, why, reason="indexed"))

    return check_montecarlo(problem, settings)


#: The tiers in the order they run; each is imported only when first needed.
TIERS: tuple[tuple[Method, Tier], ...] = (
    (Method.SYMBOLIC, _symbolic),
    (Method.NUMERIC, _numeric),
    (Method.MONTECARLO, _montecarlo),
)


def decide(problem: Problem, settings: Settings, tiers: Sequence[tuple[Method, Tier]] = TIERS) -> tuple[Outcome, ...]:
    """Run the tiers in order until one decides; return every tier's outcome."""
    outcomes: list[Outcome] = []
    for method, tier in tiers:
        try:
            outcome = tier(problem, settings)
        except DeriveError as exc:
            outcome = Outcome(Verdict.ERROR, Evidence(method, str(exc), reason="input"))
        except (RecursionError, MemoryError, OverflowError) as exc:
            # Huge or deeply nested input: an honest "could not decide", not a crash.
            why = type(exc).__name__
            outcome = Outcome(Verdict.UNDECIDED, Evidence(method, f"{method.value} tier gave up: {why}", reason=why))
        except Exception as exc:
            # sympy signals "I cannot do this" with NotImplementedError, TypeError, ValueError,
            # PolynomialError, ... from deep inside; none of them says the claim is wrong, so the
            # walk goes on to the next tier with the reason recorded.
            why = f"{type(exc).__name__}: {exc}"[:300]
            summary = f"{method.value} tier could not handle this expression ({why})"
            outcome = Outcome(Verdict.UNDECIDED, Evidence(method, summary, reason="unsupported"))
        outcomes.append(outcome)
        if outcome.verdict is not Verdict.UNDECIDED:
            break
    return tuple(outcomes)


def check_claim(claim: Claim, settings: Settings | None = None) -> Result:
    """Parse ``claim`` and decide it. Never raises for bad input (except KeyboardInterrupt)."""
    from derive.language.parsing import prepare

    settings = settings or Settings()
    if claim.timeout is not None and claim.timeout != settings.timeout:
        # The tiers pace themselves on settings.timeout; a claim that asked for more (or
        # less) time must get it inside the worker too, not only as the kill limit.
        settings = dataclasses.replace(settings, timeout=float(claim.timeout))
    start = time.perf_counter()
    try:
        problem = prepare(claim)
    except DeriveError as exc:
        ev = Evidence(Method.PARSE, exc.message if hasattr(exc, "message") else str(exc), reason="input")
        return Result(claim, Verdict.ERROR, Method.PARSE, time.perf_counter() - start, (Outcome(Verdict.ERROR, ev),))
    except (RecursionError, MemoryError) as exc:
        ev = Evidence(
            Method.PARSE, f"expression too deeply nested or too large to read ({type(exc).__name__})", reason="input"
        )
        return Result(claim, Verdict.ERROR, Method.PARSE, time.perf_counter() - start, (Outcome(Verdict.ERROR, ev),))
    from derive.language._bound_vars import bound_clash
    from derive.language._indexed import entry_derivatives

    clash = bound_clash(problem)
    if clash is not None:
        # the declaration already simplified the integrand when it was built: no tier can see past it
        ev = Evidence(Method.PARSE, clash, reason="input")
        return Result(
            claim, Verdict.UNDECIDED, Method.PARSE, time.perf_counter() - start, (Outcome(Verdict.UNDECIDED, ev),)
        )
    entry = entry_derivatives(problem)
    if entry is not None:
        # Every tier would read w_j as independent of the w[i] and differentiate to 0.
        ev = Evidence(Method.SYMBOLIC, entry, reason="unsupported")
        outcomes = (Outcome(Verdict.UNDECIDED, ev),)
        return Result(claim, Verdict.UNDECIDED, Method.SYMBOLIC, time.perf_counter() - start, outcomes)
    token = _CLAIM_START.set(start)
    try:
        outcomes = decide(problem, settings)
    finally:
        _CLAIM_START.reset(token)
    last = outcomes[-1]
    method = last.evidence.method if last.verdict is not Verdict.UNDECIDED else _undecided_method(outcomes)
    return Result(claim, last.verdict, method, time.perf_counter() - start, outcomes)


def _undecided_method(outcomes: Sequence[Outcome]) -> Method:
    # An undecided claim names the last tier that actually tried, so the reader knows
    # how far the walk got; a tier that declined at once (Monte Carlo with no
    # expectation to estimate) did not try.
    tried = [o for o in outcomes if o.evidence.reason != "no expectation"]
    return tried[-1].evidence.method if tried else Method.NONE
