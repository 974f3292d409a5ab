"""The symbolic tier: prove ``lhs - rhs == 0`` (or an inequality) under the declared assumptions.

One ``simplify`` is not enough and is often too slow, so the tier runs a small portfolio of
rewrites, cheapest first, and stops at the first that reduces the difference to zero. Every
rewrite is *sound under the assumptions sympy knows* (no ``force=True``; logarithms are
split only when each factor is known positive, from sympy's assumptions or because it is a
principal minor of a declared SPD matrix). Zero is only ever concluded exactly, never from
float closeness; a difference is refuted when it is an exact nonzero number, a constant
whose high-precision value is confirmed nonzero at two precisions, or an expression sympy
proves nonzero for every admissible value. Everything else is UNDECIDED with the best
simplified difference, and the numeric tier goes next.

The tier guards its own time (a share of ``Settings.timeout``, with a sub-budget per
expensive step) so that a slow ``simplify`` or integral leaves time for the numeric tier.
"""

from __future__ import annotations

import cmath
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import combinations

import sympy
from sympy import S
from sympy.integrals import meijerint
from sympy.polys.polyerrors import BasePolynomialError

from derive.divergences import expand_divergences
from derive.expectation import evaluate_expectations
from derive.functions import JS, KL, W1, Expectation, logit, sigmoid, softplus
from derive.model import Evidence, Method, Outcome, Problem, Relation, Settings, Verdict

__all__ = ["check_symbolic", "prove_zero"]

#: Share of the claim's time budget the symbolic tier may use, and the cap per step.
_TIER_SHARE = 0.4
_STEP_SHARE = 0.3
_HEAVY_SHARE = 0.6
_MAX_OPS_SIMPLIFY = 2000
_MAX_OPS_EXPAND = 20000
_MAX_SHOWN_NODES = 3000  # evidence beyond this size is summarised, not printed
_PROOF_DIGITS = 50  # precision of the evaluation that confirms a constant is nonzero

_INFINITIES = (S.Infinity, S.NegativeInfinity, S.ComplexInfinity, S.NaN)
_UNEVALUATED = (Expectation, KL, JS, W1, sympy.Integral, sympy.Sum, sympy.Product, sympy.Limit)
_HEAVY = (sympy.Integral, sympy.Sum, sympy.Product, sympy.Limit, sympy.Derivative, Expectation, KL, JS, W1)
_EXP_REWRITABLE = (sigmoid, softplus, logit, sympy.tanh, sympy.sinh, sympy.cosh, sympy.coth, sympy.sech, sympy.csch)
_PIECEWISE_LIKE = (sympy.Piecewise, sympy.Abs, sympy.Max, sympy.Min, sympy.Heaviside, sympy.sign)
_TRIG = (sympy.sin, sympy.cos, sympy.tan, sympy.cot, sympy.sec, sympy.csc)


# ---------------------------------------------------------------------------------------
# Time budgets (SIGALRM in the main thread; elsewhere the runner's process budget applies).


class _OutOfTime(BaseException):
    """Raised by the alarm; a BaseException so sympy's ``except Exception`` cannot swallow it."""

    def __init__(self, token: object) -> None:
        super().__init__("symbolic time budget exhausted")
        self.token = token


@contextmanager
def _alarm(seconds: float, token: object) -> Iterator[None]:
    usable = seconds > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return
    start = time.monotonic()
    old_delay, old_interval = signal.getitimer(signal.ITIMER_REAL)
    delay = seconds if old_delay <= 0 else min(seconds, old_delay)

    def fire(signum: int, frame: object) -> None:
        raise _OutOfTime(token)

    old_handler = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, delay)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
        if old_delay > 0:
            # Give an enclosing budget back what is left of it (at least a tick, so it fires).
            left = old_delay - (time.monotonic() - start)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-4), old_interval)


def _attempt(rewrite: Callable[[sympy.Expr], sympy.Expr], d: sympy.Expr, seconds: float) -> sympy.Expr | None:
    """``rewrite(d)`` within ``seconds`` (0: no sub-budget), or None if it failed or ran out of time."""
    try:
        out = _bounded(lambda: rewrite(d), seconds) if seconds else rewrite(d)
    except (RecursionError, ValueError, TypeError, NotImplementedError, AttributeError, IndexError):
        # sympy sometimes gives up with an error on exotic input: that rewrite just fails.
        return None
    except BasePolynomialError:
        return None
    return out if isinstance(out, sympy.Expr) else None


def _bounded(fn: Callable[[], object], seconds: float) -> object | None:
    """``fn()``, or None when it did not finish within ``seconds``."""
    token = object()
    try:
        with _alarm(seconds, token):
            return fn()
    except _OutOfTime as exc:
        if exc.token is token:
            return None
        raise


# ---------------------------------------------------------------------------------------
# Positivity the assumptions imply but sympy cannot see: principal minors of SPD matrices.


def _spd_positives(table: object) -> frozenset[sympy.Expr]:
    out: set[sympy.Expr] = set()
    specs = getattr(table, "values", None)
    if specs is None:
        return frozenset()
    for spec in specs():
        if getattr(spec.kind, "base", None) != "spd":
            continue
        m = spec.obj
        n = m.shape[0]
        if n > 4:  # all minors of a larger symbolic matrix cost more than they help
            continue
        for k in range(1, n + 1):
            for rows in combinations(range(n), k):
                minor = m.extract(list(rows), list(rows)).det(method="berkowitz")
                out.add(sympy.expand(minor))
    return frozenset(out)


def _split_logs(expr: sympy.Expr, positives: frozenset[sympy.Expr]) -> sympy.Expr:
    """log(prod f_i^k_i) -> sum k_i log f_i when every factor f_i is known positive."""

    def known_positive(f: sympy.Expr) -> bool:
        return bool(f.is_positive) or sympy.expand(f) in positives

    def split(node: sympy.Basic) -> sympy.Basic:
        arg = node.args[0]
        if arg.is_positive is False or not arg.free_symbols:
            return node
        num, den = sympy.together(arg).as_numer_denom()
        pieces: list[sympy.Expr] = []
        sign = S.One
        for part, weight in ((num, 1), (den, -1)):
            try:
                coeff, factors = sympy.factor_list(part)
            except BasePolynomialError:
                return node
            for f, k in factors:
                if known_positive(f):
                    pieces.append(weight * k * sympy.log(sympy.expand(f)))
                elif k % 2 == 1 and sympy.expand(-f) in positives:
                    sign = -sign
                    pieces.append(weight * k * sympy.log(sympy.expand(-f)))
                else:
                    return node
            c = coeff * sign if weight == 1 else coeff
            sign = S.One
            if not c.is_positive:
                return node
            pieces.append(weight * sympy.log(c))
        return sympy.Add(*pieces)

    return expr.replace(lambda e: isinstance(e, sympy.log), split)


# ---------------------------------------------------------------------------------------
# Preprocessing.


def _exact(value: object) -> object:
    """sympy object with Float literals read as the decimals they print as (exact rationals)."""
    if isinstance(value, sympy.MatrixBase):
        return sympy.ImmutableMatrix(value.shape[0], value.shape[1], [_exact(e) for e in value])
    value = sympy.sympify(value, strict=True)
    if isinstance(value, sympy.MatrixExpr) and not isinstance(value, sympy.MatrixBase):
        value = value.as_explicit()
    if isinstance(value, sympy.Basic) and value.has(sympy.Float):
        value = value.xreplace({f: sympy.Rational(str(f)) for f in value.atoms(sympy.Float)})
    return value


def _prepare(value: object, random: tuple, *, heavy: bool) -> object:
    value = _exact(value)
    value = expand_divergences(value)
    value = evaluate_expectations(value, random, integrate=heavy)
    if heavy:
        _warm_up_integration()
        if isinstance(value, sympy.MatrixBase):
            value = sympy.ImmutableMatrix(value.shape[0], value.shape[1], [_doit(e) for e in value])
        else:
            value = _doit(value)
        value = expand_divergences(value)
        value = evaluate_expectations(value, random, integrate=True)
    return value


def _warm_up_integration() -> None:
    """Build sympy's Meijer-G lookup table atomically before any integral is attempted.

    sympy builds it lazily, in place, on the first definite integral; an alarm arriving in
    the middle would leave a partial table behind for the rest of the worker's life (weaker
    integration, never wrong results). Building it into a fresh dict and publishing it
    at the end cannot leave anything partial.
    """
    if getattr(meijerint, "_lookup_table", True):
        return
    table: dict = {}
    meijerint._create_lookup_table(table)
    meijerint._lookup_table = table


def _doit(expr: sympy.Basic) -> sympy.Basic:
    return expr.doit() if isinstance(expr, sympy.Basic) and expr.has(*_HEAVY) else expr


def _has(value: object, *types: type) -> bool:
    if isinstance(value, sympy.MatrixBase):
        return any(_has(e, *types) for e in value)
    return isinstance(value, sympy.Basic) and value.has(*types)


# ---------------------------------------------------------------------------------------
# The zero test.


@dataclass
class ZeroTest:
    """Result of `prove_zero`: ``status`` is "zero", "nonzero" or "unknown"."""

    status: str
    difference: sympy.Expr
    route: str | None = None
    detail: str | None = None
    tried: list[str] = field(default_factory=list)


def _size(expr: sympy.Basic) -> int:
    return int(sympy.count_ops(expr))


def _rewrite_exp(d: sympy.Expr) -> sympy.Expr:
    return d.rewrite(list(_EXP_REWRITABLE), sympy.exp) if d.has(*_EXP_REWRITABLE) else d


def _portfolio(positives: frozenset[sympy.Expr]) -> list[tuple[str, Callable[[sympy.Expr], bool], Callable]]:
    """(route name, applies-to predicate, rewrite) in the order tried: cheap first."""

    def always(d: sympy.Expr) -> bool:
        return True

    def small(d: sympy.Expr) -> bool:
        return _size(d) <= _MAX_OPS_SIMPLIFY

    def has_logs(d: sympy.Expr) -> bool:
        return d.has(sympy.log)

    def has_rewritable(d: sympy.Expr) -> bool:
        return d.has(*_EXP_REWRITABLE)

    def has_trig(d: sympy.Expr) -> bool:
        return d.has(*_TRIG) and small(d)

    def has_piecewise(d: sympy.Expr) -> bool:
        return d.has(*_PIECEWISE_LIKE) and small(d)

    def logs(d: sympy.Expr) -> sympy.Expr:
        return sympy.cancel(sympy.expand(_split_logs(sympy.expand_log(d, force=False), positives)))

    return [
        ("cancel", always, lambda d: sympy.cancel(sympy.together(d))),
        ("expand", lambda d: _size(d) <= _MAX_OPS_EXPAND, sympy.expand),
        ("rewrite(exp)+cancel", has_rewritable, lambda d: sympy.cancel(sympy.together(sympy.expand(_rewrite_exp(d))))),
        ("expand_log+cancel", has_logs, logs),
        (
            "rewrite(exp)+expand_log+cancel",
            lambda d: has_logs(d) and has_rewritable(d),
            lambda d: logs(_rewrite_exp(d)),
        ),
        ("powsimp+logcombine", always, lambda d: sympy.cancel(sympy.logcombine(sympy.powsimp(d), force=False))),
        ("trigsimp", has_trig, lambda d: sympy.trigsimp(sympy.expand(d))),
        ("simplify", small, lambda d: sympy.simplify(d, ratio=1.7)),
        ("rewrite(exp)+simplify", lambda d: has_rewritable(d) and small(d), lambda d: sympy.simplify(_rewrite_exp(d))),
        (
            "expand_log+simplify",
            lambda d: has_logs(d) and small(d),
            lambda d: sympy.simplify(_split_logs(sympy.expand_log(_rewrite_exp(d), force=False), positives)),
        ),
        (
            "piecewise_fold+simplify",
            has_piecewise,
            lambda d: sympy.simplify(sympy.piecewise_fold(d.rewrite(sympy.Piecewise))),
        ),
    ]


def _is_zero(d: sympy.Expr) -> bool:
    # is_zero on a constant holding an Integral would run numerical quadrature: skip it.
    return d == 0 or (not d.has(sympy.Float, *_UNEVALUATED) and d.is_zero is True)


def _confirmed_constant(d: sympy.Expr) -> sympy.Float | None:
    """The value of a symbol-free elementary constant, when two precisions agree it is nonzero."""
    if d.free_symbols or d.has(*_UNEVALUATED) or d.has(sympy.Float):
        return None
    try:
        lo = d.evalf(_PROOF_DIGITS, strict=True)
        hi = d.evalf(2 * _PROOF_DIGITS, strict=True)
    except (sympy.core.evalf.PrecisionExhausted, ValueError, TypeError, ArithmeticError):
        return None
    if not (lo.is_Number and hi.is_Number) and not (lo.is_number and hi.is_number):
        return None
    try:
        a, b = complex(lo), complex(hi)
    except (TypeError, ValueError):
        return None
    if not (cmath.isfinite(a) and cmath.isfinite(b)) or a == 0 or b == 0 or abs(a - b) > 1e-30 * abs(b):
        return None
    return hi


def _nonzero_reason(d: sympy.Expr) -> str | None:
    """Why ``d`` is never zero (a refutation), or None when that is not established."""
    if d.has(*_UNEVALUATED, *_INFINITIES) or d.has(sympy.Float):
        return None  # nan = oo - oo is not a nonzero number
    if d.is_Rational and d != 0:
        return f"lhs - rhs simplifies to the nonzero constant {d}"
    if not d.free_symbols:
        value = _confirmed_constant(d)
        if value is not None:
            shown = sympy.N(value, 15)
            return f"lhs - rhs is the nonzero constant {_show(d)} ≈ {shown} (confirmed at {2 * _PROOF_DIGITS} digits)"
        return None
    if d.is_zero is False:
        return f"lhs - rhs = {_show(d)} is nonzero for every value the assumptions allow"
    return None


def prove_zero(d: sympy.Expr, *, positives: frozenset[sympy.Expr] = frozenset(), step_seconds: float = 0.0) -> ZeroTest:
    """Try the portfolio on ``d``; "zero" only on an exact proof, "nonzero" only on a refutation.

    >>> x = sympy.Symbol("x", real=True)
    >>> prove_zero(sympy.sin(x) ** 2 + sympy.cos(x) ** 2 - 1).status
    'zero'
    >>> prove_zero(sympy.log(4) - 2 * sympy.log(2) + 1).status
    'nonzero'
    """
    d = sympy.sympify(d, strict=True)
    if d.has(*_UNEVALUATED):
        # Unevaluated integrals, sums and expectations become opaque atoms (symbols with no
        # assumptions): a zero found that way holds whatever their values are, so it is a
        # proof; a nonzero result says nothing about the actual values, so it never refutes.
        # (It also keeps sympy from running numerical quadrature inside its simplifiers.)
        atoms = {node: sympy.Dummy(f"op{i}") for i, node in enumerate(_outermost(d, _UNEVALUATED))}
        inner = _prove_zero(d.xreplace(atoms), positives, step_seconds)
        back = {v: k for k, v in atoms.items()}
        if inner.status == "zero":
            return inner
        return ZeroTest("unknown", inner.difference.xreplace(back), None, None, inner.tried)
    return _prove_zero(d, positives, step_seconds)


def _outermost(d: sympy.Basic, types: tuple[type, ...]) -> list[sympy.Basic]:
    found: list[sympy.Basic] = []

    def walk(node: sympy.Basic) -> None:
        if isinstance(node, types):
            if node not in found:
                found.append(node)
            return
        for arg in node.args:
            walk(arg)

    walk(d)
    return found


def _prove_zero(d: sympy.Expr, positives: frozenset[sympy.Expr], step_seconds: float) -> ZeroTest:
    best = d
    tried = ["structural"]
    if _is_zero(d):
        return ZeroTest("zero", S.Zero, "structural" if d == 0 else "assumptions", tried=tried)
    reason = _nonzero_reason(d) if d.is_Rational else None
    if reason:
        return ZeroTest("nonzero", d, "structural", reason, tried)
    for name, applies, rewrite in _portfolio(positives):
        if not applies(d):
            continue
        tried.append(name)
        out = _attempt(rewrite, d, step_seconds)
        if out is None:
            tried[-1] += " (failed or timed out)"
            continue
        if _is_zero(out):
            return ZeroTest("zero", S.Zero, name, tried=tried)
        if _size(out) < _size(best):
            best = out
        reason = _nonzero_reason(out) if out.is_Rational else None
        if reason:
            return ZeroTest("nonzero", out, name, reason, tried)
    if not best.free_symbols and best.is_algebraic and not best.has(*_UNEVALUATED, sympy.Float):
        # An algebraic number is zero exactly when its minimal polynomial is x.
        tried.append("minimal_polynomial")
        x = sympy.Dummy("x")
        poly = _attempt(lambda e: sympy.minimal_polynomial(e, x), best, step_seconds)
        if poly is not None and sympy.expand(poly - x) == 0:
            return ZeroTest("zero", S.Zero, "minimal_polynomial", tried=tried)
    reason = _nonzero_reason(best)
    if reason:
        return ZeroTest("nonzero", best, "nonzero", reason, tried)
    return ZeroTest("unknown", best, None, None, tried)


# ---------------------------------------------------------------------------------------
# Inequalities.


def _sign_test(g: sympy.Expr, strict: bool, positives: frozenset[sympy.Expr], step_seconds: float) -> ZeroTest:
    """Prove g >= 0 (g > 0 when ``strict``); "nonzero" here means the inequality is refuted."""
    zero = prove_zero(g, positives=positives, step_seconds=step_seconds)
    if zero.status == "zero":
        if strict:
            return ZeroTest("nonzero", S.Zero, zero.route, "both sides are equal, so the strict inequality fails")
        return ZeroTest("zero", S.Zero, zero.route, "both sides are equal")
    candidates: list[tuple[str, sympy.Expr]] = [("assumptions", g), ("simplified", zero.difference)]
    for name, rewrite in (
        ("factor", sympy.factor),
        ("rewrite(exp)+factor", lambda e: sympy.factor(sympy.together(_rewrite_exp(e)))),
    ):
        out = _attempt(rewrite, zero.difference, step_seconds)
        if out is not None:
            candidates.append((name, out))
    for name, c in candidates:
        if c.has(*_UNEVALUATED) or c.has(sympy.Float):
            continue
        if (c.is_positive if strict else c.is_nonnegative) is True:
            return ZeroTest("zero", c, f"sign:{name}", "the difference is provably of the claimed sign")
        if (c.is_nonpositive if strict else c.is_negative) is True:
            return ZeroTest("nonzero", c, f"sign:{name}", "the difference is provably of the wrong sign everywhere")
        if not c.free_symbols:
            value = _confirmed_constant(c)
            if value is not None and value.is_real:
                ok = value > 0
                return ZeroTest(
                    "zero" if ok else "nonzero",
                    c,
                    "sign:constant",
                    f"the difference is the constant {_show(c)} ≈ {sympy.N(value, 15)}",
                )
    return ZeroTest("unknown", zero.difference, None, None, zero.tried)


# ---------------------------------------------------------------------------------------
# The tier.


def _show(value: object) -> str:
    """A printed expression; order="none" because ordering terms evaluates them numerically
    (for a term holding an Integral that means quadrature, which can take seconds)."""
    try:
        nodes = _node_count(value, _MAX_SHOWN_NODES)
        if nodes > _MAX_SHOWN_NODES:
            return f"<an expression of more than {_MAX_SHOWN_NODES} nodes, too large to show>"
        return sympy.sstr(value, order="none")
    except (TypeError, ValueError, RecursionError):
        return "<an expression that could not be printed>"


def _node_count(value: object, limit: int) -> int:
    """Tree size of ``value``, counting no further than just past ``limit``."""
    items = list(value) if isinstance(value, sympy.MatrixBase) else [value]
    count = 0
    for item in items:
        if not isinstance(item, sympy.Basic):
            continue
        for _ in sympy.preorder_traversal(item):
            count += 1
            if count > limit:
                return count
    return count


def _undecided(summary: str, reason: str, difference: object = None, route: str | None = None) -> Outcome:
    diff = None if difference is None else _show(difference)
    return Outcome(Verdict.UNDECIDED, Evidence(Method.SYMBOLIC, summary, difference=diff, route=route, reason=reason))


def _shapes(lhs: object, rhs: object) -> tuple[object, object, str | None]:
    """Bring both sides to comparable shapes; a message when the shapes cannot match."""
    lm, rm = isinstance(lhs, sympy.MatrixBase), isinstance(rhs, sympy.MatrixBase)
    if lm and lhs.shape == (1, 1):
        lhs, lm = lhs[0, 0], False
    if rm and rhs.shape == (1, 1):
        rhs, rm = rhs[0, 0], False
    if lm and rm:
        if lhs.shape != rhs.shape:
            return (
                lhs,
                rhs,
                f"shapes differ: lhs is {lhs.shape[0]}x{lhs.shape[1]}, rhs is {rhs.shape[0]}x{rhs.shape[1]}",
            )
        return lhs, rhs, None
    if lm or rm:
        matrix, scalar = (lhs, rhs) if lm else (rhs, lhs)
        if scalar == 0:  # the literal 0 stands for the zero matrix of the other side's shape
            zero = sympy.zeros(*matrix.shape).as_immutable()
            return (matrix, zero, None) if lm else (zero, matrix, None)
        shape = f"{matrix.shape[0]}x{matrix.shape[1]}"
        where = "lhs" if lm else "rhs"
        return lhs, rhs, f"shapes differ: {where} is a {shape} matrix, the other side a scalar"
    return lhs, rhs, None


def _reason_for(d: object) -> str:
    if _has(d, Expectation):
        return "expectation not evaluated symbolically"
    if _has(d, KL, JS, W1):
        return "divergence not evaluated symbolically"
    if _has(d, sympy.Integral):
        return "integral not evaluated symbolically"
    if _has(d, sympy.Sum, sympy.Product):
        return "sum or product not evaluated symbolically"
    if _has(d, sympy.Limit):
        return "limit not evaluated symbolically"
    return "no rewrite reduced lhs - rhs to 0"


def check_symbolic(problem: Problem, settings: Settings) -> Outcome:
    """Decide ``problem`` symbolically: PROVED, REFUTED, or UNDECIDED with the best difference."""
    if problem.relation is Relation.APPROX:
        return _undecided("≈ is checked numerically, not proved", "≈ is checked numerically")
    budget = max(0.5, _TIER_SHARE * float(settings.timeout))
    step = max(0.25, _STEP_SHARE * budget)
    state: dict[str, object] = {}
    token = object()
    try:
        with _alarm(budget, token):
            return _check(problem, budget, step, state)
    except _OutOfTime as exc:
        if exc.token is not token:
            raise
        return _undecided(
            f"symbolic tier stopped after its {budget:.3g} s budget",
            "symbolic time budget exhausted",
            state.get("difference"),
        )


def _check(problem: Problem, budget: float, step: float, state: dict[str, object]) -> Outcome:
    positives = _spd_positives(problem.symbols)
    random = tuple(problem.random)
    # Cheap pass: closed forms only (no doit, no integration).
    light = _attempt_pass(problem, random, positives, step=step, state=state, heavy=False)
    if not isinstance(light, Outcome) or light.verdict is not Verdict.UNDECIDED:
        return light
    lhs, rhs = state.pop("sides")
    if not (_has(lhs, *_HEAVY) or _has(rhs, *_HEAVY)):
        return light
    # Heavy pass: doit on integrals/sums/limits and integration of leftover expectations,
    # under a share of the budget so a hopeless integral still leaves the light evidence.
    token = object()
    try:
        with _alarm(_HEAVY_SHARE * budget, token):
            heavy = _attempt_pass(problem, random, positives, step=step, state=state, heavy=True)
    except _OutOfTime as exc:
        if exc.token is not token:
            raise
        ev = light.evidence
        return _undecided(
            ev.summary + "; evaluating integrals/expectations ran out of time", ev.reason or "", ev.difference
        )
    return heavy


def _attempt_pass(
    problem: Problem,
    random: tuple,
    positives: frozenset[sympy.Expr],
    *,
    step: float,
    state: dict[str, object],
    heavy: bool,
) -> Outcome:
    lhs = _prepare(problem.lhs, random, heavy=heavy)
    rhs = _prepare(problem.rhs, random, heavy=heavy)
    lhs, rhs, mismatch = _shapes(lhs, rhs)
    if mismatch:
        return Outcome(Verdict.REFUTED, Evidence(Method.SYMBOLIC, mismatch, route="shape", reason="shape"))
    state["sides"] = (lhs, rhs)
    if isinstance(lhs, sympy.MatrixBase) and problem.relation is not Relation.EQ:
        return _undecided("an inequality between matrices is not an order derive knows", "matrix inequality")
    return _decide(lhs, rhs, problem.relation, positives, step=step, state=state)


def _compare_infinite(lhs: object, rhs: object) -> Outcome | None:
    """Equality when a side is infinite, where lhs - rhs would be nan (oo - oo)."""
    if isinstance(lhs, sympy.MatrixBase) or not (lhs in _INFINITIES or rhs in _INFINITIES):
        return None
    if lhs in (S.Infinity, S.NegativeInfinity) and lhs == rhs:
        return Outcome(Verdict.PROVED, Evidence(Method.SYMBOLIC, f"both sides are {lhs}", difference="0", route="infinite"))
    for a, b in ((lhs, rhs), (rhs, lhs)):
        if a in (S.Infinity, S.NegativeInfinity) and isinstance(b, sympy.Expr) and b.is_finite:
            return Outcome(
                Verdict.REFUTED,
                Evidence(Method.SYMBOLIC, f"one side is {a}, the other is finite", difference=_show(a), route="infinite"),
            )
    return _undecided("a side is infinite or undefined", "infinite value", sympy.Tuple(lhs, rhs))


def _decide(
    lhs: object,
    rhs: object,
    relation: Relation,
    positives: frozenset[sympy.Expr],
    *,
    step: float,
    state: dict[str, object],
) -> Outcome:
    if relation is Relation.EQ:
        infinite = _compare_infinite(lhs, rhs)
        if infinite is not None:
            return infinite
        if isinstance(lhs, sympy.MatrixBase):
            entries = [sympy.sympify(a - b) for a, b in zip(lhs, rhs, strict=True)]
            shape = lhs.shape
        else:
            entries, shape = [sympy.sympify(lhs - rhs)], None
        state["difference"] = entries[0] if shape is None else sympy.ImmutableMatrix(*shape, entries)
        results = []
        for d in entries:
            r = prove_zero(d, positives=positives, step_seconds=step)
            results.append(r)
            if r.status == "nonzero":
                where = "" if shape is None else f" (entry {divmod(len(results) - 1, shape[1])})"
                return Outcome(
                    Verdict.REFUTED,
                    Evidence(Method.SYMBOLIC, f"{r.detail}{where}", difference=_show(r.difference), route=r.route),
                )
        diff = (
            results[0].difference if shape is None else sympy.ImmutableMatrix(*shape, [r.difference for r in results])
        )
        state["difference"] = diff
        if all(r.status == "zero" for r in results):
            routes = sorted({r.route for r in results if r.route})
            return Outcome(
                Verdict.PROVED,
                Evidence(Method.SYMBOLIC, "lhs - rhs simplifies to 0", difference="0", route="; ".join(routes)),
            )
        tried = next(r.tried for r in results if r.status == "unknown")
        return _undecided(f"could not prove lhs - rhs = 0 (tried {', '.join(tried)})", _reason_for(diff), diff)
    # Inequalities: g = larger side - smaller side must be >= 0 (> 0 when strict).
    lhs, rhs = sympy.sympify(lhs), sympy.sympify(rhs)
    g = rhs - lhs if relation in (Relation.LE, Relation.LT) else lhs - rhs
    strict = relation in (Relation.LT, Relation.GT)
    state["difference"] = g
    r = _sign_test(g, strict, positives, step)
    if r.status == "zero":
        return Outcome(
            Verdict.PROVED,
            Evidence(Method.SYMBOLIC, f"proved: {r.detail}", difference=_show(r.difference), route=r.route),
        )
    if r.status == "nonzero":
        return Outcome(
            Verdict.REFUTED,
            Evidence(Method.SYMBOLIC, f"refuted: {r.detail}", difference=_show(r.difference), route=r.route),
        )
    state["difference"] = r.difference
    return _undecided(
        "could not establish the sign of the difference symbolically", _reason_for(r.difference), r.difference
    )
