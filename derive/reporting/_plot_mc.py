"""A small seeded re-run of a Monte Carlo estimate, for `derive.reporting.plotting` to draw it converging.

This reuses the Monte Carlo tier's lowering (`derive.montecarlo._lowering`): random variables become
primitive draws and the integrand a compiled numpy program. It records the running mean
at log-spaced sample counts. It is a picture of the estimator, not a verdict: the tier's
own sequential test (with its error budget) decides, and the plot's title says what it said.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from derive.errors import DeriveError
from derive.model import Result

__all__ = ["running_estimate"]

_BATCH = 4096
_SAMPLES = 1 << 18
_CHECKPOINTS = 60


def _number(text: str) -> float:
    """A value from evidence (an exact rational or a decimal string), without evaluating text."""
    try:
        return float(Fraction(text.strip()))
    except (ValueError, ZeroDivisionError):
        import mpmath

        try:
            return float(mpmath.mpf(text.strip()))
        except (ValueError, TypeError):
            msg = f"cannot read the evidence value {text!r} as a number"
            raise DeriveError(msg) from None


def _param_point(problem: Any, result: Result, free: set[Any], seed: int) -> dict[Any, Any]:
    import sympy

    estimates = [e for o in result.outcomes for e in o.evidence.estimates]
    values: dict[Any, Any] = {}
    by_name = {str(s): s for s in free}
    if estimates:
        for name, text in estimates[0].params:
            if name in by_name:
                values[by_name[name]] = sympy.nsimplify(_number(text), rational=True)
    missing = [s for s in free if s not in values]
    if missing:
        import numpy as np

        from derive.tiers.sampling import sample_point

        values |= sample_point(problem.symbols, set(missing), np.random.default_rng(seed))
    return values


def _scalar(side: Any) -> Any:
    import sympy

    if isinstance(side, sympy.MatrixBase):
        return side[0, 0] if side.shape == (1, 1) else None
    return sympy.sympify(side, strict=True)


def _quantity(lhs: Any, rhs: Any) -> tuple[Any, Any, str] | None:
    """What to estimate, the value it is claimed to have, and a label; None if not estimable."""
    import sympy

    from derive.language.functions import Expectation

    if lhs is None or rhs is None:
        return None
    in_lhs, in_rhs = bool(lhs.atoms(Expectation)), bool(rhs.atoms(Expectation))
    if in_lhs and in_rhs:
        # Expectations on both sides: estimate lhs - rhs against 0.
        return lhs - rhs, sympy.Integer(0), "lhs - rhs"
    if in_lhs:
        return lhs, rhs, "lhs"
    if in_rhs:
        return rhs, lhs, "rhs"
    return None


def _per_sample(quantity: Any) -> Any | None:
    """The quantity with each E(f) replaced by f: its mean is the quantity when that is linear in the E's."""
    import sympy

    from derive.language.functions import Expectation

    nodes = sorted(quantity.atoms(Expectation), key=sympy.default_sort_key)
    dummies = [sympy.Dummy(f"e{i}") for i in range(len(nodes))]
    outer = quantity.xreplace(dict(zip(nodes, dummies, strict=True)))
    if any(sympy.diff(outer, a, b) != 0 for a in dummies for b in dummies):
        return None  # log(E(w)) and the like: a running plug-in estimate would be biased
    return outer.xreplace({d: n.args[0] for d, n in zip(dummies, nodes, strict=True)})


def _stream(program: Any, draws: Any, seed: int) -> tuple[list[int], list[float], list[float]]:
    import numpy as np

    rng = np.random.default_rng(seed)
    ws = program.workspace(_BATCH)
    ratio = _SAMPLES / _BATCH
    checkpoints = sorted({max(_BATCH, int(_BATCH * ratio ** (i / _CHECKPOINTS))) for i in range(_CHECKPOINTS + 1)})
    total = total_sq = 0.0
    n = 0
    ns: list[int] = []
    means: list[float] = []
    halves: list[float] = []
    for stop in checkpoints:
        while n < stop:
            for draw, buf in zip(draws, ws["draws"], strict=True):
                draw.fill(rng, buf)
            program.run(ws)
            y = ws["y"][0]
            total += float(np.sum(y))
            total_sq += float(np.dot(y, y))
            n += _BATCH
        mean = total / n
        if not math.isfinite(mean):
            break
        ns.append(n)
        means.append(mean)
        halves.append(1.96 * math.sqrt(max(total_sq / n - mean * mean, 0.0) / n))
    return ns, means, halves


def running_estimate(result: Result) -> tuple[list[int], list[float], list[float], float, str] | None:
    """(sample counts, running estimate, 95% half-widths, claimed value, what is estimated), or None.

    None when the claim has no expectation this can re-run (a nonlinear use of E(...), a
    matrix of more than one entry, a distribution the lowering does not know).
    """
    import sympy

    from derive.language.parsing import prepare
    from derive.montecarlo._lowering import LoweringError, compile_program, lower_random, stable_form

    problem = prepare(result.claim)
    found = _quantity(_scalar(problem.lhs), _scalar(problem.rhs))
    if found is None:
        return None
    quantity, target_expr, what = found
    per_sample = _per_sample(quantity)
    if per_sample is None:
        return None
    random_symbols: set[Any] = set()
    free = set()
    for rv, d in problem.random:
        random_symbols |= set(rv) if isinstance(rv, sympy.MatrixBase) else {rv}
        free |= d.free_symbols
    free = (free | per_sample.free_symbols | target_expr.free_symbols) - random_symbols
    seed = next((o.evidence.seed for o in result.outcomes if o.evidence.seed is not None), 0)
    try:
        values = _param_point(problem, result, free, seed)
        subs, draws = lower_random(problem.random, values)
        program = compile_program([stable_form(per_sample.xreplace(values).xreplace(subs))], draws)
        target = float(sympy.N(target_expr.xreplace(values), 20))
    except (LoweringError, TypeError, ValueError):
        return None
    ns, means, halves = _stream(program, draws, seed)
    return (ns, means, halves, target, what) if ns else None
