"""The tier walk: symbolic proof, then high-precision numerics, then Monte Carlo.

A tier either decides (any verdict but UNDECIDED) or declines with a reason; the first
decisive tier ends the walk. Nothing escapes `check_claim`: bad input becomes an
``error`` result and an unexpected failure inside a tier an ``error`` naming it, so one
claim can never take down a run.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence

from derive.errors import DeriveError
from derive.model import Claim, Evidence, Method, Outcome, Problem, Result, Settings, Verdict

__all__ = ["TIERS", "check_claim", "decide"]

Tier = Callable[[Problem, Settings], Outcome]


def _symbolic(problem: Problem, settings: Settings) -> Outcome:
    from derive.symbolic import check_symbolic

    return check_symbolic(problem, settings)


def _numeric(problem: Problem, settings: Settings) -> Outcome:
    from derive.numeric import check_numeric
    from derive.symbolic import bounded

    # The tier paces itself between evaluations, but one sympy evalf can run for ever
    # (Sum(exp(-k/2), (k, 0, oo)).evalf(30)): a hard stop at the claim's budget keeps an
    # in-process check (derive.check) from hanging; workers have their own kill limit.
    out = bounded(lambda: check_numeric(problem, settings), max(settings.timeout, 1.0))
    if out is None:
        why = f"numeric tier: time budget of {settings.timeout:g} s ran out inside an evaluation"
        return Outcome(Verdict.UNDECIDED, Evidence(Method.NUMERIC, why, reason="timeout"))
    return out  # type: ignore[return-value]


def _montecarlo(problem: Problem, settings: Settings) -> Outcome:
    from derive.montecarlo import check_montecarlo

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
    from derive.parsing import prepare

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
    outcomes = decide(problem, settings)
    last = outcomes[-1]
    method = last.evidence.method if last.verdict is not Verdict.UNDECIDED else _undecided_method(outcomes)
    return Result(claim, last.verdict, method, time.perf_counter() - start, outcomes)


def _undecided_method(outcomes: Sequence[Outcome]) -> Method:
    # An undecided claim names the last tier that actually tried, so the reader knows
    # how far the walk got; a tier that declined at once (Monte Carlo with no
    # expectation to estimate) did not try.
    tried = [o for o in outcomes if o.evidence.reason != "no expectation"]
    return tried[-1].evidence.method if tried else Method.NONE
