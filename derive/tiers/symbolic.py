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

import gc
import os
import signal
import threading
import time
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import combinations, pairwise

import mpmath
import sympy
from sympy import S
from sympy.calculus.util import continuous_domain
from sympy.integrals import meijerint
from sympy.polys.polyerrors import BasePolynomialError

from derive.language._exact import has_type
from derive.language.functions import JS, KL, W1, Expectation, logit, sigmoid, softplus
from derive.model import Evidence, Method, Outcome, Problem, Relation, Settings, Verdict
from derive.tiers._bound_names import factored_sums
from derive.tiers._events import EVENTS_NOTE
from derive.tiers._gauss_integrals import free_outside_integrals, gaussian_node, sign_notes
from derive.tiers._gauss_sign import finite_where_defined, signed_infinity
from derive.tiers._integrals import QuadratureError, integrals_to_floats, prepare_integrals
from derive.tiers._landau import check_landau, has_landau
from derive.tiers._linearity import by_linearity
from derive.tiers._matrix import RationalZero, has_inverse, rational_zero, spd_trace_form
from derive.tiers._probability import by_event_calculus, by_probability_calculus
from derive.tiers.divergences import expand_divergences
from derive.tiers.expectation import evaluate_expectations, gaussian_exponent, gaussian_integral

__all__ = ["bounded", "check_symbolic", "prove_zero"]

#: Share of the claim's time budget the symbolic tier may use, and the cap per step.
_TIER_SHARE = 0.4
_STEP_SHARE = 0.3
_HEAVY_SHARE = 0.6
_MAX_OPS_SIMPLIFY = 2000
_MAX_OPS_EXPAND = 20000
_MAX_SHOWN_NODES = 3000  # evidence beyond this size is summarised, not printed
_PROOF_DIGITS = 50  # precision of the evaluation that confirms a constant is nonzero
#: How deep into cancellation (digits) the evaluation of a constant difference may go, in steps.
_PROOF_REACH = (2 * _PROOF_DIGITS, 1000, 5000)
_PROOF_SECONDS = 2.0  # for all the steps together
#: A constant difference that sympy cannot tell from zero even at the last reach.
BEYOND = "beyond working precision"

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

    def __init__(self, token: _Budget) -> None:
        super().__init__("symbolic time budget exhausted")
        self.token = token


_REARM = 0.05  # seconds between repeated alarms once a budget has run out


class _Budget:
    """One SIGALRM budget: what it replaced, so that ending it (once) gives all of that back.

    The timer keeps firing every _REARM seconds after the deadline: an exception raised by a
    signal handler while a finaliser (__del__, a weakref callback) runs is printed and dropped by
    Python, and a one-shot alarm lost that way once let a claim run forever. A rearmed alarm may
    then land anywhere, also in the cleanup itself or in contextlib's ``__exit__`` before the
    cleanup runs; the exception then reaches the budget's owner, which calls `end` again, so the
    timer and handler are always given back (before, they stayed armed with a finished budget's
    handler, whose stale token escaped every ``except`` and killed the worker mid-claim).
    """

    def __init__(self) -> None:
        self.armed = False
        self.ended = False
        self.start = 0.0
        self.old: tuple[object, float, float] = (signal.SIG_DFL, 0.0, 0.0)

    def arm(self, seconds: float) -> None:
        self.start = time.monotonic()
        old_delay, old_interval = signal.getitimer(signal.ITIMER_REAL)
        delay = seconds if old_delay <= 0 else min(seconds, old_delay)
        blocked = {signal.SIGALRM}
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
        try:
            self.old = (signal.signal(signal.SIGALRM, self._fire), old_delay, old_interval)
            self.armed = True
            signal.setitimer(signal.ITIMER_REAL, delay, _REARM)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)

    def _fire(self, signum: int, frame: types.FrameType | None) -> None:
        if self.ended or _in_finaliser(frame):
            return  # raised in a finaliser it would be printed and dropped; the timer fires again
        raise _OutOfTime(self)

    def end(self) -> None:
        """Stop this budget's timer; give the enclosing one its handler and what is left of it.

        SIGALRM is blocked meanwhile, and an alarm already pending is this budget's own, so it is
        consumed rather than passed to the enclosing handler (which it would cut short).
        """
        if self.ended or not self.armed:
            return
        blocked = {signal.SIGALRM}
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
            if signal.SIGALRM in signal.sigpending():
                signal.sigtimedwait(blocked, 0)
            handler, old_delay, old_interval = self.old
            signal.signal(signal.SIGALRM, handler)  # type: ignore[arg-type]
            if old_delay > 0:
                # at least a tick, so an enclosing budget that has run out still fires
                left = old_delay - (time.monotonic() - self.start)
                signal.setitimer(signal.ITIMER_REAL, max(left, 1e-4), old_interval)
            self.ended = True
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def _alarm(seconds: float, token: _Budget) -> Iterator[None]:
    usable = seconds > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return
    try:
        token.arm(seconds)
        yield
    finally:
        token.end()


def _owned(exc: _OutOfTime, token: _Budget) -> bool:
    """Whether ``exc`` is ``token``'s own alarm (then the budget is ended, if the cleanup was cut short)."""
    if exc.token is not token:
        return False
    token.end()
    return True


_WEAKREF_FILES = frozenset({"weakref.py", "_weakrefset.py"})


def _in_finaliser(frame: types.FrameType | None, depth: int = 8) -> bool:
    """Whether the interrupted code runs inside a garbage-collector or weakref callback or a ``__del__``.

    Python prints and drops an exception raised there (hypothesis registers a gc callback, so a
    test run printed two PytestUnraisableExceptionWarning tracebacks), and the budget is lost.
    """
    callbacks = {getattr(cb, "__code__", None) for cb in gc.callbacks}
    while frame is not None and depth > 0:
        code = frame.f_code
        if code in callbacks or code.co_name == "__del__" or os.path.basename(code.co_filename) in _WEAKREF_FILES:
            # weakref callbacks (finalize, WeakSet's _remove) are finalisers too; code of those
            # files run otherwise only delays the alarm by one _REARM
            return True
        frame, depth = frame.f_back, depth - 1
    return False


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


def bounded(fn: Callable[[], object], seconds: float) -> object | None:
    """``fn()`` under a SIGALRM budget of ``seconds`` (main thread), or None when it ran out."""
    return _bounded(fn, seconds)


def _bounded(fn: Callable[[], object], seconds: float) -> object | None:
    """``fn()``, or None when it did not finish within ``seconds``."""
    token = _Budget()
    try:
        with _alarm(seconds, token):
            return fn()
    except _OutOfTime as exc:
        if _owned(exc, token):
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
        direct = _split_positive_product(arg, known_positive)
        if direct is not None:
            return direct
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


def _split_positive_product(arg: sympy.Expr, known_positive: Callable[[sympy.Expr], bool]) -> sympy.Expr | None:
    """log of a product whose every factor is positive, factor by factor; None otherwise.

    A Gaussian density's log, log(exp(-q/2) / (2 pi sqrt(det S))), has an exponential factor:
    ``exp(a)`` is positive when ``a`` is real wherever it is defined (a rational function of
    real symbols, say) and its log is ``a``; sympy leaves log(exp(a)) alone unless it can
    prove ``a`` real, which it cannot for a quotient whose denominator might vanish.
    """
    pieces: list[sympy.Expr] = []
    for factor in sympy.Mul.make_args(arg):
        base, k = factor.as_base_exp()
        if isinstance(factor, sympy.exp) and _real_where_defined(factor.args[0]):
            pieces.append(factor.args[0])
        elif factor.is_Number and factor.is_positive:
            pieces.append(sympy.log(factor))
        elif k.is_Rational and k != 1 and known_positive(base):
            pieces.append(k * sympy.log(base))
        elif k == 1 and known_positive(factor):
            pieces.append(sympy.log(factor))
        else:
            return None
    return sympy.Add(*pieces) if any(isinstance(f, sympy.exp) for f in sympy.Mul.make_args(arg)) else None


def _real_where_defined(e: sympy.Expr) -> bool:
    """Whether ``e`` is real at every point where it is defined: real symbols and numbers under
    +, *, integer powers and exp (no root, log or power that could leave the reals)."""
    stack, seen = [e], set()
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if node.is_Symbol:
            if node.is_real is not True:
                return False
        elif node.is_Number or node in (S.Pi, S.Exp1):
            if not node.is_real:
                return False
        elif node.is_Add or node.is_Mul or isinstance(node, sympy.exp):
            stack.extend(node.args)
        elif node.is_Pow and node.exp.is_Integer:
            stack.append(node.base)
        else:
            return False
    return True


# ---------------------------------------------------------------------------------------
# Preprocessing.


def _exact(value: object) -> object:
    """sympy object with Float literals read as the decimals they print as (exact rationals)."""
    if isinstance(value, sympy.MatrixBase):
        return sympy.ImmutableMatrix(value.shape[0], value.shape[1], [_exact(e) for e in value])
    value = sympy.sympify(value, strict=True)
    if isinstance(value, sympy.MatrixExpr) and not isinstance(value, sympy.MatrixBase):
        value = value.as_explicit()
    if isinstance(value, sympy.Basic) and has_type(value, sympy.Float):
        value = value.xreplace({f: sympy.Rational(str(f)) for f in value.atoms(sympy.Float)})
    return value


def _prepare(value: object, random: tuple, *, heavy: bool) -> object:
    value = _exact(value)
    # Both walk every entry with sympy's tree-walking `has` first; the graph walk is cheap.
    if has_type(value, KL, JS, W1):
        value = expand_divergences(value)
    if has_type(value, Expectation):
        value = evaluate_expectations(value, random, integrate=heavy)
    if heavy:
        _warm_up_integration()
        if isinstance(value, sympy.MatrixBase):
            done = sympy.ImmutableMatrix(value.shape[0], value.shape[1], [_doit(e) for e in value])
        else:
            done = _doit(value)
        done = expand_divergences(done)
        if done == value:
            return value  # every expectation left was just tried with integrate=True: trying again costs as much
        value = evaluate_expectations(done, random, integrate=True)
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
    if not (isinstance(expr, sympy.Basic) and expr.has(*_HEAVY)):
        return expr
    expr = _special_integrals(expr)
    # sympy's integrator gets some Dirac-delta integrals wrong (sympy 1.14 gives
    # ∫_{-2}^{-1} δ(x + y)|x - y| dx = 0): those `_delta_integral` could not do stay unevaluated.
    protected = {
        node: sympy.Dummy("delta_integral") for node in expr.atoms(sympy.Integral) if node.has(sympy.DiracDelta)
    }
    expr = expr.xreplace(protected)
    # sympy's closed forms are checked against quadrature: sympy 1.14 gives ∫_{-1}^{1} e^{-x⁴} dx
    # = 0 (it is 1.69). One that disagrees stays unevaluated, like the delta integrals above.
    closed: dict[sympy.Basic, sympy.Basic] = {}
    for node in outermost(expr, (sympy.Integral,)):
        value = node.doit()
        if _closed_form_disagrees(node, value):
            protected[node] = sympy.Dummy("unchecked_integral")
            closed[node] = protected[node]
        else:
            closed[node] = value
    out = expr.xreplace(closed).doit()
    return out.xreplace({v: k for k, v in protected.items()}) if protected else out


#: Values tried, in order, for a free symbol when a closed form is checked; the first one its
#: assumptions allow is used.
_CHECK_VALUES = tuple(sympy.Rational(v) for v in ("3/4", "2", "-1/2", "-2", "1", "0"))
_CHECK_DIGITS = 20
_CHECK_SECONDS = 1.0


def _closed_form_disagrees(node: sympy.Integral, value: sympy.Basic) -> bool:
    """Whether sympy's ``value`` of the definite integral ``node`` is refuted by quadrature.

    The integral is evaluated at one admissible value of its free symbols (3/4 for a
    positive one, ...) by `derive.tiers._integrals`' cross-checked quadrature, and compared with
    the closed form there. Only a confirmed disagreement counts: an integral that cannot be
    checked (no admissible value, quadrature refused, out of time) keeps sympy's value.
    """
    if isinstance(value, sympy.Integral) or not isinstance(value, sympy.Expr) or len(node.limits) != 1:
        return False
    point: dict[sympy.Symbol, sympy.Rational] = {}
    for sym in node.free_symbols:
        choice = next((v for v in _CHECK_VALUES if _admissible(sym, v)), None)
        if choice is None:
            return False
        point[sym] = choice
    verdict = _bounded(lambda: _quadrature_disagrees(node.xreplace(point), value.xreplace(point)), _CHECK_SECONDS)
    return bool(verdict)


def _admissible(sym: sympy.Symbol, value: sympy.Rational) -> bool:
    """Whether ``value`` has every property ``sym`` is declared to have (and none it is declared not to)."""
    for key, holds in sym.assumptions0.items():
        has = getattr(value, f"is_{key}", None)
        if holds is not None and has is not None and has != holds:
            return False
    return True


def _quadrature_disagrees(integral: sympy.Basic, closed: sympy.Basic) -> bool:
    try:
        numeric = integrals_to_floats(prepare_integrals(integral), _CHECK_DIGITS)
        exact = closed.evalf(_CHECK_DIGITS)
        if not (numeric.is_number and exact.is_number) or exact.has(*_INFINITIES, sympy.Piecewise):
            return False
        a, b = _to_mpmath(numeric), _to_mpmath(exact)
    except (QuadratureError, ValueError, TypeError, ArithmeticError, AttributeError):
        return False
    with mpmath.workdps(_CHECK_DIGITS + 10):
        # The quadrature is good to 10 digits at least; a wrong closed form is usually off in the first.
        return bool(abs(a - b) > mpmath.mpf(10) ** -8 * max(abs(a), abs(b), mpmath.mpf(10) ** -12))


# ---------------------------------------------------------------------------------------
# Integrals done by rule before sympy's general integrator.

_DISCONTINUOUS = (sympy.DiracDelta, sympy.Heaviside, sympy.Piecewise, sympy.sign, sympy.floor, sympy.ceiling)


def _special_integrals(expr: sympy.Basic) -> sympy.Basic:
    """Integrals with Dirac deltas, and Gaussian integrals (`derive.tiers._gauss_integrals`), by exact rules
    (innermost first). A Gaussian integral whose variable is also free outside the integrals is left to sympy."""
    outside = free_outside_integrals(expr)

    def rule(node: sympy.Integral) -> sympy.Basic:
        out = None
        if node.function.has(sympy.DiracDelta):
            out = _delta_integral(node)
        elif node.function.has(sympy.Abs):
            out = _abs_integral(node)  # a density's |sigma| is no kink in x: the Gaussian rule is next
        if (
            out is None
            and not node.function.has(sympy.DiracDelta)
            and not any(lim[0] in outside for lim in node.limits)
        ):
            out = gaussian_node(node)
        return node if out is None else out

    return expr.replace(lambda e: isinstance(e, sympy.Integral), rule)


def _abs_integral(node: sympy.Integral) -> sympy.Expr | None:
    """∫_a^b f dx with |g(x)| in f: split [a, b] at the zeros of each g, drop the bars with signs.

    Used when every g depends on x alone (an area between two CDFs, say). The zeros come
    from ``solveset`` on the open interval and are used only when it returns them as a
    finite set of numbers; each g must be continuous there, so its sign is constant between
    consecutive zeros. That sign is read exactly at a midpoint and cross-checked at other
    points of the piece (a zero solveset missed would show up as a change of sign).
    """
    if len(node.limits) != 1 or len(node.limits[0]) != 3:
        return None
    x, a, b = node.limits[0]
    f = node.function
    if not (a.is_extended_real and b.is_extended_real and (b - a).is_extended_positive):
        return None
    inner = [e.args[0] for e in f.atoms(sympy.Abs) if e.has(x)]
    if (
        not inner
        or any(g.free_symbols != {x} for g in inner)
        or f.has(*(t for t in _PIECEWISE_LIKE if t is not sympy.Abs))
    ):
        return None
    whole = sympy.Interval(a, b).intersect(sympy.Reals)
    points = {a, b}
    for g in inner:
        try:
            if not whole.is_subset(continuous_domain(g, x, whole)):
                return None
            zeros = sympy.solveset(g, x, sympy.Interval.open(a, b))
        except (ValueError, TypeError, NotImplementedError, AttributeError):
            return None
        if zeros is S.EmptySet:
            continue
        if not isinstance(zeros, sympy.FiniteSet) or len(zeros) > 16 or any(z.free_symbols for z in zeros):
            return None
        points |= set(zeros)
    try:
        ordered = sorted(
            points, key=lambda p: float(p) if p.is_finite else (-1e308 if p == S.NegativeInfinity else 1e308)
        )
    except (TypeError, ValueError):
        return None
    total = S.Zero
    for left, right in pairwise(ordered):
        signs: dict[sympy.Expr, sympy.Expr] = {}
        for g in inner:
            sign = _sign_on(g, x, left, right)
            if sign is None:
                return None
            signs[sympy.Abs(g)] = sign * g
        total += sympy.Integral(f.xreplace(signs), (x, left, right))
    return total


def _sign_on(g: sympy.Expr, x: sympy.Symbol, left: sympy.Expr, right: sympy.Expr) -> sympy.Expr | None:
    """+1 or -1: the sign of g on (left, right), where g has no zero; None if not certain."""
    if left.is_finite and right.is_finite:
        probes = [left + (right - left) * sympy.Rational(k, 8) for k in (4, 1, 7)]
    elif left.is_finite:
        probes = [left + 1, left + sympy.Rational(1, 64), left + 64]
    elif right.is_finite:
        probes = [right - 1, right - sympy.Rational(1, 64), right - 64]
    else:
        probes = [S.Zero, S.One * -64, S.One * 64]
    signs = set()
    for p in probes:
        value = g.xreplace({x: p})
        if value.is_positive:
            signs.add(S.One)
        elif value.is_negative:
            signs.add(S.NegativeOne)
        else:
            return None
    return signs.pop() if len(signs) == 1 else None


def _delta_integral(node: sympy.Integral) -> sympy.Expr | None:
    """Integrate out Dirac deltas with the sifting rule, variable by variable (innermost first).

    Once no delta is left, the remaining limits are returned as an ordinary Integral for
    sympy. None when a delta is outside what the rule covers (see `_sift`).
    """
    f = node.function
    limits = list(node.limits)
    while limits and f.has(sympy.DiracDelta):
        lim = limits.pop(0)
        if len(lim) != 3:
            return None
        f = _sift(f, *lim)
        if f is None:
            return None
    return sympy.Integral(f, *limits) if limits else f


def _sift(f: sympy.Expr, x: sympy.Symbol, a: sympy.Expr, b: sympy.Expr) -> sympy.Expr | None:
    """∫_a^b f dx for f = Σ g_i(x) δ(c_i x + d_i) + (terms free of deltas).

    Each delta term gives g(x0)/|c| at x0 = -d/c when a < x0 < b and 0 outside [a, b].
    The rule needs: one delta of order 0 per term, linear in x with a coefficient c proved
    nonzero, and g continuous at x0 (no Heaviside, Piecewise, sign, further deltas in x).
    At an end point the value is a convention (sympy takes half the mass): for a concrete
    x0 on an end point derive declines; for an x0 that depends on outer variables the half
    is kept, since the end points are then a set of measure zero for the outer integral.
    """
    if a == b:
        return S.Zero
    width = b - a
    if width.is_extended_positive:
        lo, hi, orientation = a, b, S.One
    elif width.is_extended_negative:
        lo, hi, orientation = b, a, S.NegativeOne
    else:
        return None
    sifted, plain = S.Zero, S.Zero
    for term in sympy.Add.make_args(sympy.expand_mul(f)):
        deltas = [e for e in sympy.Mul.make_args(term) if isinstance(e, sympy.DiracDelta) and e.has(x)]
        if not deltas:
            if term.has(sympy.DiracDelta):
                return None  # a delta in another variable: not this rule's business
            plain += term
            continue
        if len(deltas) != 1 or (len(deltas[0].args) > 1 and deltas[0].args[1] != 0):
            return None
        delta = deltas[0]
        g = term / delta
        if any(e.has(x) for e in g.atoms(*_DISCONTINUOUS)) or g.has(*_UNEVALUATED):
            return None
        arg = sympy.expand(delta.args[0])
        if not arg.is_polynomial(x):
            return None
        try:
            poly = sympy.Poly(arg, x)
        except BasePolynomialError:
            return None
        if poly.degree() != 1:
            return None
        c, d = poly.coeff_monomial(x), poly.coeff_monomial(1)
        if c.is_zero is not False or c.is_real is not True:
            return None
        x0 = sympy.cancel(-d / c)
        if x0.is_real is not True:
            return None
        value = sympy.cancel(g.xreplace({x: x0}) / sympy.Abs(c))
        if value.has(*_INFINITIES):
            return None
        inside = sympy.And(x0 > lo, x0 < hi)
        if not x0.free_symbols:
            if inside is S.true:
                sifted += value
            elif sympy.Or(sympy.Eq(x0, lo), sympy.Eq(x0, hi)) is not S.false:
                return None  # a delta on an end point: no convention is assumed
            continue
        edge = sympy.Or(sympy.Eq(x0, lo), sympy.Eq(x0, hi))
        sifted += sympy.Piecewise((value, inside), (value / 2, edge), (S.Zero, True))
    rest = sympy.Integral(plain, (x, a, b)) if plain != 0 else S.Zero
    return orientation * sifted + rest


def _has(value: object, *types: type) -> bool:
    return has_type(value, *types)


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
        (
            "piecewise branches",
            has_piecewise,
            lambda d: _zero_branches(sympy.simplify(sympy.piecewise_fold(d.rewrite(sympy.Piecewise)))),
        ),
    ]


def _zero_branches(d: sympy.Expr) -> sympy.Expr:
    """0 when every branch of the Piecewise ``d`` is 0 where it applies, else ``d`` unchanged.

    A branch applies where its condition holds and no earlier one does. When that region is
    a finite set of values of one variable (the s = 0 left over from ∫ e^{sx} dx, say), the
    branch is checked at each of those values; otherwise it must simplify to 0 as it is.
    """
    if not isinstance(d, sympy.Piecewise):
        return d
    earlier = sympy.false
    for expr, cond in d.args:
        region = sympy.And(cond, sympy.Not(earlier))
        earlier = sympy.Or(earlier, cond)
        if region is sympy.false or _is_zero(expr) or _is_zero(sympy.simplify(expr)):
            continue
        free = region.free_symbols
        if len(free) != 1:
            return d
        (v,) = free
        try:
            values = region.as_set()
        except (NotImplementedError, TypeError, ValueError):
            return d
        if not isinstance(values, sympy.FiniteSet) or len(values) > 16:
            return d
        for value in values:
            if not _is_zero(sympy.simplify(expr.xreplace({v: value}))):
                return d
    return S.Zero


def _is_zero(d: sympy.Expr) -> bool:
    # is_zero on a constant holding an Integral would run numerical quadrature: skip it.
    return d == 0 or (not d.has(sympy.Float, *_UNEVALUATED) and d.is_zero is True)


def _confirmed_constant(d: sympy.Expr) -> sympy.Float | None:
    """The value of a symbol-free elementary constant, when two precisions agree it is nonzero."""
    return _evaluate_constant(d)[0]


def _evaluate_constant(d: sympy.Expr) -> tuple[sympy.Float | None, int]:
    """A symbol-free constant's value confirmed nonzero at two precisions, or None; and the
    cancellation depth (digits) at which sympy could not tell it from zero, or 0.

    sympy's adaptive evalf raises its working precision to get through cancellation, as far as
    ``maxn`` allows: √π·(erf(25) - 1) is -1.5e-273, far below the 100 digits of its terms, and
    takes about 330 digits. The reach is widened step by step (a true zero that sympy could not
    simplify climbs all the way, so the cheap steps come first) under a time budget; a
    difference that is still not told from zero at the last step is "beyond working precision"
    (undecided), never zero.
    """
    if d.free_symbols or d.has(*_UNEVALUATED) or d.has(sympy.Float):
        return None, 0
    start = time.monotonic()
    depth = 0
    for reach in _PROOF_REACH:
        left = _PROOF_SECONDS - (time.monotonic() - start)
        if left <= 0.05:
            return None, 0
        try:
            pair = _bounded(
                lambda reach=reach: (
                    d.evalf(_PROOF_DIGITS, maxn=reach, strict=True),
                    d.evalf(2 * _PROOF_DIGITS, maxn=reach + _PROOF_DIGITS, strict=True),
                ),
                left,
            )
        except sympy.core.evalf.PrecisionExhausted:
            depth = reach
            continue
        except (ValueError, TypeError, ArithmeticError):
            return None, 0
        if pair is None:
            return None, 0  # out of time: neither a value nor a depth to report
        return _agreeing(*pair), 0
    return None, depth


def _agreeing(lo: sympy.Basic, hi: sympy.Basic) -> sympy.Float | None:
    """``hi`` when the two evaluations are finite, nonzero and agree to 30 digits."""
    if not (lo.is_number and hi.is_number) or lo.has(*_INFINITIES) or hi.has(*_INFINITIES):
        return None
    try:
        # mpmath, not complex(): a difference of 1e-4346 must not underflow to 0.
        a, b = _to_mpmath(lo), _to_mpmath(hi)
    except (TypeError, ValueError, AttributeError):
        return None
    if not (mpmath.isfinite(a) and mpmath.isfinite(b)) or a == 0 or b == 0:
        return None
    with mpmath.workdps(50):
        if abs(a - b) > mpmath.mpf(10) ** -30 * abs(b):
            return None
    return hi


def _to_mpmath(value: sympy.Basic) -> mpmath.mpc:
    bits = int(4 * _PROOF_DIGITS * 3.33)
    re, im = value.as_real_imag()
    return mpmath.mpc(re._to_mpmath(bits), im._to_mpmath(bits))


def _nonzero_reason(d: sympy.Expr) -> str | None:
    """Why ``d`` is never zero (a refutation), or None when that is not established."""
    return _constant_reason(d)[0]


def _constant_reason(d: sympy.Expr) -> tuple[str | None, str | None]:
    """Why ``d`` is never zero (a refutation), or None; and, for a constant sympy cannot tell
    from zero at any precision it may use, a note saying so (else None)."""
    if d.has(*_UNEVALUATED, *_INFINITIES) or d.has(sympy.Float):
        return None, None  # nan = oo - oo is not a nonzero number
    if d.is_Rational and d != 0:
        return f"lhs - rhs simplifies to the nonzero constant {d}", None
    if not d.free_symbols:
        value, depth = _evaluate_constant(d)
        if value is not None:
            shown = sympy.N(value, 15)
            return (
                f"lhs - rhs is the nonzero constant {_show(d)} ≈ {shown} (confirmed at {2 * _PROOF_DIGITS} digits)",
                None,
            )
        if depth:
            return None, f"high-precision evaluation (lhs - rhs not told from 0 at {depth} digits: {BEYOND})"
        return None, None
    if d.is_zero is False:
        return f"lhs - rhs = {_show(d)} is nonzero for every value the assumptions allow", None
    return None, None


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
        atoms = {node: sympy.Dummy(f"op{i}") for i, node in enumerate(_opaque_nodes(d))}
        inner = _prove_zero(d.xreplace(atoms), positives, step_seconds)
        back = {v: k for k, v in atoms.items()}
        if inner.status == "zero":
            return inner
        renamed = _attempt(factored_sums, d, step_seconds) if d.has(sympy.Sum, sympy.Product) else None
        if renamed is not None and renamed != d:
            # sums equal up to the letter of their index become one opaque atom (derive.tiers._bound_names)
            opaque = {node: sympy.Dummy(f"op{i}") for i, node in enumerate(_opaque_nodes(renamed))}
            again = _prove_zero(renamed.xreplace(opaque), positives, step_seconds) if renamed != 0 else None
            if again is None or again.status == "zero":
                route = "sums compared up to their index names" + (f"; {again.route}" if again else "")
                return ZeroTest("zero", S.Zero, route, tried=[*inner.tried, "sums up to their index names"])
        merged = _attempt(_merge_line_integrals, d, step_seconds) if d.has(sympy.Integral) else None
        if merged is not None and not merged.has(*_UNEVALUATED):
            again = _prove_zero(merged, positives, step_seconds)
            if again.status == "zero":
                return ZeroTest(
                    "zero", S.Zero, f"merged integrals; {again.route}", tried=[*inner.tried, "merged integrals"]
                )
        return ZeroTest("unknown", inner.difference.xreplace(back), None, None, inner.tried)
    return _prove_zero(d, positives, step_seconds)


# ---------------------------------------------------------------------------------------
# Integrals over the line that only cancel together (V(D*, G) against 2 JS - 2 log 2).


def _merge_line_integrals(d: sympy.Expr) -> sympy.Expr | None:
    """``d`` with its integrals over (-oo, oo) combined into one and evaluated, or None.

    d = Σ c_i ∫ f_i + r (linear in the integrals, c_i free of the integration variables)
    equals ∫ Σ c_i f_i + r when every ∫ f_i converges. Convergence is established, not
    assumed: after the rewrites of `_line_form` each f_i must be a sum of terms
    exp(-a t² + b t + c) · polynomial · log(1 + e^{linear})^k with a provably positive,
    which are dominated by an integrable Gaussian tail. The combined integrand must then
    lose its log(1 + e^u) terms (they cancel or the route fails) and is integrated exactly
    by `gaussian_integral`. Used only to prove zero, never to refute.
    """
    nodes = outermost(d, (sympy.Integral,))
    if len(nodes) < 2 or len(nodes) > 8:
        return None
    t = sympy.Dummy("t", real=True)
    marks = {node: sympy.Dummy("J") for node in nodes}
    e = sympy.expand(d.xreplace(marks))
    integrand, rest = S.Zero, e
    for node in nodes:
        if len(node.limits) != 1 or len(node.limits[0]) != 3:
            return None
        v, lo, hi = node.limits[0]
        if lo != S.NegativeInfinity or hi != S.Infinity:
            return None
        j = marks[node]
        coeff = e.coeff(j)
        if coeff.has(*marks.values()) or coeff.has(sympy.Integral):
            return None
        f = _line_form(node.function.xreplace({v: t}), t)
        if f is None or not _gaussian_dominated(f, t):
            return None
        integrand += coeff * f
        rest -= coeff * j
    rest = sympy.expand(rest)
    if rest.has(*marks.values()):
        return None  # not linear in the integrals
    value = gaussian_integral(sympy.expand(integrand), t)
    return None if value is None else value + rest


def _line_form(f: sympy.Expr, t: sympy.Symbol) -> sympy.Expr | None:
    """f with logs split (where the assumptions allow) and each log of a two-term sum of
    exponentials written canonically as A + log(1 + e^u), exp factors merged per term."""
    f = sympy.expand_log(f, force=False)
    f = f.replace(
        lambda e: isinstance(e, sympy.log) and isinstance(e.args[0], sympy.Add), lambda e: _log_two_exps(e, t)
    )
    # power_exp=False keeps e^{t - 1/2} whole inside log(1 + e^{t - 1/2}).
    f = sympy.expand(sympy.expand_log(f, force=False), power_exp=False)
    return sympy.Add(*(_merge_exps(term, t) for term in sympy.Add.make_args(f)))


def _log_two_exps(node: sympy.log, t: sympy.Symbol) -> sympy.Expr:
    """log(c1 e^{a1} + c2 e^{a2}) = A + log(1 + e^u), c_i > 0, with u chosen canonically
    (``u`` rather than ``-u``, by sympy's sign convention) so equal sums meet equal logs."""
    terms = sympy.Add.make_args(node.args[0])
    if len(terms) != 2:
        return node
    exponents = []
    for term in terms:
        c, a = S.One, S.Zero
        for factor in sympy.Mul.make_args(term):
            if isinstance(factor, sympy.exp):
                a += factor.args[0]
            elif factor.has(t):
                return node
            else:
                c *= factor
        if c.is_positive is not True or a.is_real is not True:
            return node
        exponents.append(a + sympy.log(c))
    u = sympy.expand(sympy.expand_log(exponents[1] - exponents[0], force=False))
    base = exponents[0]
    if u.could_extract_minus_sign():
        u, base = -u, exponents[1]
    if not u.has(t):
        return node
    return base + sympy.log(1 + sympy.exp(u))


def _merge_exps(term: sympy.Expr, t: sympy.Symbol) -> sympy.Expr:
    """One product term with all its t-dependent exp factors as a single exp."""
    exponent, rest = S.Zero, S.One
    for factor in sympy.Mul.make_args(term):
        if isinstance(factor, sympy.exp) and factor.has(t):
            exponent += factor.args[0]
        else:
            rest *= factor
    return rest * sympy.exp(sympy.expand(exponent)) if exponent != 0 else rest


def _gaussian_dominated(f: sympy.Expr, t: sympy.Symbol) -> bool:
    """Every term is exp(quadratic, leading coefficient < 0) · polynomial · log(1 + e^{linear})^k."""
    for term in sympy.Add.make_args(f):
        exponent, rest = S.Zero, S.One
        for factor in sympy.Mul.make_args(term):
            if isinstance(factor, sympy.exp) and factor.has(t):
                exponent += factor.args[0]
                continue
            base = factor.base if factor.is_Pow and factor.exp.is_Integer and factor.exp > 0 else factor
            if isinstance(base, sympy.log) and _soft_linear(base.args[0], t):
                continue  # log(1 + e^u) <= log 2 + |u|: polynomially bounded
            rest *= factor
        if not rest.is_polynomial(t) or gaussian_exponent(exponent, t) is None:
            return False
    return True


def _soft_linear(arg: sympy.Expr, t: sympy.Symbol) -> bool:
    """Whether ``arg`` is 1 + e^u with u real and linear in t."""
    if not isinstance(arg, sympy.Add) or len(arg.args) != 2 or S.One not in arg.args:
        return False
    other = next(a for a in arg.args if a != 1)
    if not isinstance(other, sympy.exp):
        return False
    u = other.args[0]
    return bool(u.is_real) and u.is_polynomial(t) and sympy.degree(u, t) <= 1


def _prove_zero_structural(d: sympy.Expr) -> ZeroTest:
    """The free part of `prove_zero`: exact zero, or an exact nonzero rational."""
    d = sympy.sympify(d, strict=True)
    if _is_zero(d):
        return ZeroTest("zero", S.Zero, "structural", tried=["structural"])
    reason = _nonzero_reason(d) if d.is_Rational else None
    if reason:
        return ZeroTest("nonzero", d, "structural", reason, ["structural"])
    return ZeroTest("unknown", d, None, None, ["structural (rewrites skipped: an earlier entry ran out of time)"])


def _opaque_nodes(d: sympy.Basic) -> list[sympy.Basic]:
    """The outermost unevaluated nodes of ``d``, each to stand for an opaque atom.

    A derivative or substitution around an unevaluated node is opaque as a whole: the atom
    would not depend on the variable, so d/dw ∫ w x dx would become d/dw (atom) = 0, and
    Subs(∫ x t dt, x, 2) the atom itself.
    """

    def binds(node: sympy.Basic) -> bool:
        return isinstance(node, (sympy.Derivative, sympy.Subs)) and node.has(*_UNEVALUATED)

    return outermost(d, _UNEVALUATED, binds)


def outermost(
    d: sympy.Basic, types: tuple[type, ...], also: Callable[[sympy.Basic], bool] | None = None
) -> list[sympy.Basic]:
    """The outermost nodes of ``d`` that are of ``types`` (or for which ``also`` holds)."""
    found: list[sympy.Basic] = []

    def walk(node: sympy.Basic) -> None:
        if isinstance(node, types) or (also is not None and also(node)):
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
    reason, beyond = _constant_reason(best)
    if reason:
        return ZeroTest("nonzero", best, "nonzero", reason, tried)
    if beyond:
        tried.append(beyond)
    return ZeroTest("unknown", best, None, None, tried)


# ---------------------------------------------------------------------------------------
# Inequalities.


def _bound_of_extremum(lhs: sympy.Expr, rhs: sympy.Expr, relation: Relation, strict: bool) -> Outcome | None:
    """PROVED when the smaller side is a Max (the larger a Min) and each of its arguments is
    provably on the claimed side: L >= Max(a, b) holds exactly when L >= a and L >= b.

    Each argument is tried with `_log_monotone` only (cheap, exact); None when any is not
    proved, and the general sign test goes on with the whole difference.
    """
    small, large = (lhs, rhs) if relation in (Relation.LE, Relation.LT) else (rhs, lhs)
    if isinstance(small, sympy.Max):
        pairs = [(large, a) for a in small.args]
    elif isinstance(large, sympy.Min):
        pairs = [(a, small) for a in large.args]
    else:
        return None
    shown = []
    for big, little in pairs:
        h = _log_monotone(big - little)
        if h is None or (h.is_positive if strict else h.is_nonnegative) is not True:
            return None
        shown.append(_show(h))
    summary = (
        f"proved: each argument of the {type(small if isinstance(small, sympy.Max) else large).__name__} is on the "
        f"claimed side (log X >= c exactly when X >= e^c, for X > 0): {', '.join(shown)} "
        f"{'> 0' if strict else '>= 0'} by the assumptions"
    )
    return Outcome(Verdict.PROVED, Evidence(Method.SYMBOLIC, summary, difference=_show(lhs - rhs), route="extremum"))


def _log_monotone(g: sympy.Expr) -> sympy.Expr | None:
    """For g = log(X) + r with X > 0 and r real wherever defined: X - e^(-r), which has g's sign
    (log is increasing); None when g is not of that form."""
    logs = [t for t in sympy.Add.make_args(g) if isinstance(t, sympy.log) and len(t.args) == 1]
    if len(logs) != 1 or logs[0].args[0].is_positive is not True:
        return None
    rest = g - logs[0]
    if rest.has(sympy.log) or not _real_where_defined(rest):
        return None
    return logs[0].args[0] - sympy.exp(-rest)


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
    token = _Budget()
    try:
        with _alarm(budget, token):
            return _check(problem, budget, step, state)
    except _OutOfTime as exc:
        if not _owned(exc, token):
            raise
        return _undecided(
            f"symbolic tier stopped after its {budget:.3g} s budget",
            "symbolic time budget exhausted",
            state.get("difference"),
        )


def _check(problem: Problem, budget: float, step: float, state: dict[str, object]) -> Outcome:
    positives = _spd_positives(problem.symbols)
    # --- Landau remainders (derive.tiers._landau): O(ε²) is a class of functions, never a value,
    # so no other rewrite of this tier may see it.
    if has_landau(problem.lhs, problem.rhs):
        status = lambda d: prove_zero(d, positives=positives, step_seconds=step).status  # noqa: E731
        return check_landau(problem.lhs, problem.rhs, problem.relation, status)
    # --- end Landau
    state["symbols"] = problem.symbols  # for `spd_trace_form` in `_decide`
    random = tuple(problem.random)
    # Cheap pass: closed forms only (no doit, no integration).
    light = _attempt_pass(problem, random, positives, step=step, state=state, heavy=False)
    if not isinstance(light, Outcome) or light.verdict is not Verdict.UNDECIDED:
        return light
    # Expectations of an unknown law: proved when both sides agree by the laws of every expectation.
    zero = lambda d: prove_zero(d, positives=positives, step_seconds=step).status == "zero"  # noqa: E731
    light = by_linearity(problem, state.get("sides"), light, zero)
    if light.verdict is not Verdict.UNDECIDED:
        return light
    # Probabilities of an unknown law: proved when both sides agree by the definition of conditional probability.
    light = by_probability_calculus(problem, state.get("sides"), light, zero)
    if light.verdict is not Verdict.UNDECIDED:
        return light
    # ... and on the finite space of the events they name: complement, total probability, a counterexample measure.
    light = by_event_calculus(problem, state.get("sides"), light)
    if light.verdict is not Verdict.UNDECIDED:
        return light
    if problem.relation in (Relation.LE, Relation.LT, Relation.GE, Relation.GT):
        # Before integrating anything: the general bounds on KL, JS and W1 may settle it.
        bounded = _divergence_bounds(problem, positives, step)
        if bounded is not None:
            return bounded
    lhs, rhs = state.pop("sides")
    if not (_has(lhs, *_HEAVY) or _has(rhs, *_HEAVY)):
        return light
    # Heavy pass: doit on integrals/sums/limits and integration of leftover expectations,
    # under a share of the budget so a hopeless integral still leaves the light evidence.
    token = _Budget()
    try:
        with _alarm(_HEAVY_SHARE * budget, token):
            heavy = _attempt_pass(problem, random, positives, step=step, state=state, heavy=True)
    except _OutOfTime as exc:
        if not _owned(exc, token):
            raise
        ev = light.evidence
        note = _gauss_note(lhs, rhs)
        return _undecided(
            ev.summary + "; evaluating integrals/expectations ran out of time" + note, ev.reason or "", ev.difference
        )
    if heavy.verdict is Verdict.UNDECIDED and EVENTS_NOTE in light.evidence.summary:
        return light  # the event model's note says what would settle the step (a variable's range)
    if heavy.verdict is Verdict.UNDECIDED and (note := _gauss_note(lhs, rhs)):
        ev = heavy.evidence
        return _undecided(ev.summary + note, ev.reason or "", ev.difference, ev.route)
    return heavy


_NOTE_SECONDS = 0.25  # advice, not evidence: it must not eat into the numeric tier's time


def _gauss_note(lhs: object, rhs: object) -> str:
    """``; <why a Gaussian integral was not evaluated>`` (an exponent's sign not provable), or ''."""
    try:
        note = _bounded(lambda: sign_notes(lhs, rhs), _NOTE_SECONDS)
    except (ValueError, TypeError, ArithmeticError, AttributeError):
        return ""
    return f"; {note}" if note else ""


#: The bounds every divergence obeys, whatever the distributions: (lower, upper or None).
_DIVERGENCE_BOUNDS: dict[type, tuple[sympy.Expr, sympy.Expr | None]] = {
    KL: (S.Zero, None),  # Gibbs' inequality
    JS: (S.Zero, sympy.log(2)),  # natural log: at most log 2
    W1: (S.Zero, None),
}


def _divergence_bounds(problem: Problem, positives: frozenset[sympy.Expr], step: float) -> Outcome | None:
    """PROVED when the inequality follows from 0 <= KL, 0 <= JS <= log 2 and 0 <= W1 alone.

    Each divergence node is replaced by a fresh nonnegative unknown above its lower bound
    (or below its upper bound); if the sign test then proves the inequality for every
    value of the unknowns, it holds for the actual divergences, whatever they evaluate to.
    This never refutes: failing here says nothing. The difference must be linear in the
    unknowns, so that an infinite KL keeps the proved sign.
    """
    lhs, rhs = _exact(problem.lhs), _exact(problem.rhs)
    if not (isinstance(lhs, sympy.Expr) and isinstance(rhs, sympy.Expr)):
        return None
    g = rhs - lhs if problem.relation in (Relation.LE, Relation.LT) else lhs - rhs
    nodes = [n for n in outermost(g, (KL, JS, W1)) if not n.free_symbols]
    if not nodes or len(nodes) > 3:
        return None
    strict = problem.relation in (Relation.LT, Relation.GT)
    options: list[list[tuple[sympy.Expr, str]]] = []
    for node in nodes:
        lower, upper = _DIVERGENCE_BOUNDS[type(node)]
        name = type(node).__name__
        u = sympy.Dummy("u", nonnegative=True)
        choices = [(lower + u, f"{name} >= {lower}")]
        if upper is not None:
            choices.append((upper - u, f"{name} <= {upper}"))
        options.append([(c, text) for c, text in choices])
    for combo in _product(options):
        sub = {node: value for node, (value, _text) in zip(nodes, combo, strict=True)}
        h = sympy.expand(g.xreplace(sub))
        unknowns = [a for a in h.free_symbols if isinstance(a, sympy.Dummy) and a.name == "u"]
        if h.has(*_UNEVALUATED) or any(not h.is_polynomial(u) or sympy.degree(h, u) > 1 for u in unknowns):
            continue
        r = _sign_test(h, strict, positives, step)
        if r.status == "zero":
            used = ", ".join(text for _value, text in combo)
            return Outcome(
                Verdict.PROVED,
                Evidence(
                    Method.SYMBOLIC,
                    f"proved from the general bounds {used} (holds for any distributions)",
                    difference=_show(h),
                    route="divergence bounds",
                ),
            )
    return None


def _product(options: list[list[tuple[sympy.Expr, str]]]) -> Iterator[tuple[tuple[sympy.Expr, str], ...]]:
    if not options:
        yield ()
        return
    for first in options[0]:
        for rest in _product(options[1:]):
            yield (first, *rest)


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
    if isinstance(lhs, sympy.FiniteSet) or isinstance(rhs, sympy.FiniteSet):
        sums = _power_sums(lhs, rhs, problem.relation)
        if isinstance(sums, str):
            state["sides"] = (lhs, rhs)
            return _undecided(sums, "set comparison")
        outcome = _decide(*sums, problem.relation, positives, step=step, state=state)
        state["sides"] = sums
        ev = outcome.evidence
        note = f"the sets {_show(lhs)} and {_show(rhs)}, compared through their power sums 1..{len(lhs)}: "
        return replace(outcome, evidence=replace(ev, summary=note + ev.summary))
    lhs, rhs, mismatch = _shapes(lhs, rhs)
    if mismatch:
        return Outcome(Verdict.REFUTED, Evidence(Method.SYMBOLIC, mismatch, route="shape", reason="shape"))
    state["sides"] = (lhs, rhs)
    if isinstance(lhs, sympy.MatrixBase) and problem.relation is not Relation.EQ:
        return _undecided("an inequality between matrices is not an order derive knows", "matrix inequality")
    return _decide(lhs, rhs, problem.relation, positives, step=step, state=state)


def _power_sums(
    lhs: object, rhs: object, relation: Relation
) -> tuple[sympy.ImmutableMatrix, sympy.ImmutableMatrix] | str:
    """Two finite sets (eigenvalues) as their power sums 1..n, or why they are not compared.

    Equal power sums 1..n of two n-element collections make them equal as multisets
    (Newton's identities), hence as sets: proving the sums equal proves the sets equal.
    Sets of different printed sizes are not refuted here, since symbolic elements may
    coincide; the numeric tier looks at them with values.
    """
    if not (isinstance(lhs, sympy.FiniteSet) and isinstance(rhs, sympy.FiniteSet)) or relation is not Relation.EQ:
        return "a set is only compared for equality with another set"
    if len(lhs) != len(rhs):
        return f"sets of different sizes ({len(lhs)} and {len(rhs)} elements) are not compared symbolically"

    def sums(side: sympy.FiniteSet) -> sympy.ImmutableMatrix:
        return sympy.ImmutableMatrix([sympy.Add(*(e**k for e in side.args)) for k in range(1, len(side) + 1)])

    return sums(lhs), sums(rhs)


def _clear_inverses(entries: list[sympy.Expr], shape: tuple[int, int], step: float) -> Outcome | None:
    """A matrix identity with inverses, decided by clearing denominators (`derive.tiers._matrix`).

    The inverses arrive as adjugate / determinant, nested; multiplying every entry of
    lhs - rhs through by the determinants and expanding is exact and fast where ``cancel``
    of the nested fractions is not. Zero proves the claim wherever both sides are defined;
    a nonzero numerator is no counterexample, so the claim goes to the numeric tier at once
    (no rewrite can prove a nonzero rational function zero).
    """
    if not any(has_inverse(e) for e in entries):
        return None
    found = _bounded(lambda: rational_zero(entries), step)
    if not isinstance(found, RationalZero):
        return None
    if found.zero:
        summary = (
            f"every entry of lhs - rhs is 0 as a rational function: multiplied through by the "
            f"{found.denominators} determinant(s) the inverses divide by, the numerators cancel exactly "
            "(integer polynomial arithmetic), so the sides agree wherever every inverse in them exists"
        )
        return Outcome(Verdict.PROVED, Evidence(Method.SYMBOLIC, summary, difference="0", route="cleared inverses"))
    where = divmod(found.nonzero_entry or 0, shape[1])
    summary = (
        f"entry {where} of lhs - rhs is a nonzero rational function ({found.why}), so no rewrite "
        "proves it 0; the numeric tier looks for a counterexample"
    )
    return _undecided(summary, "nonzero rational function", sympy.ImmutableMatrix(*shape, entries))


def _compare_infinite(lhs: object, rhs: object) -> Outcome | None:
    """Equality when a side is infinite, where lhs - rhs would be nan (oo - oo).

    ``oo`` times a factor positive wherever defined (a divergent integral under ``1/|sigma|``) counts as
    ``oo``, and the other side need only be finite wherever it is defined (`derive.tiers._gauss_sign`).
    """
    if isinstance(lhs, sympy.MatrixBase):
        return None
    lhs, rhs = signed_infinity(lhs), signed_infinity(rhs)
    if not (lhs in _INFINITIES or rhs in _INFINITIES):
        return None
    if lhs in (S.Infinity, S.NegativeInfinity) and lhs == rhs:
        return Outcome(
            Verdict.PROVED, Evidence(Method.SYMBOLIC, f"both sides are {lhs}", difference="0", route="infinite")
        )
    for a, b in ((lhs, rhs), (rhs, lhs)):
        if a in (S.Infinity, S.NegativeInfinity) and isinstance(b, sympy.Expr) and finite_where_defined(b):
            return Outcome(
                Verdict.REFUTED,
                Evidence(
                    Method.SYMBOLIC, f"one side is {a}, the other is finite", difference=_show(a), route="infinite"
                ),
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
        if shape is not None:
            cleared = _clear_inverses(entries, shape, step)
            if cleared is not None:
                return cleared
        results = []
        slow = False
        for d in entries:
            # Once an entry has exhausted its rewrites' time, no proof of the matrix is
            # possible; the remaining entries get only the cheap structural test (a nonzero
            # constant still refutes), which leaves the numeric tier its share of the budget.
            r = _prove_zero_structural(d) if slow else prove_zero(d, positives=positives, step_seconds=step)
            results.append(r)
            slow = slow or (r.status == "unknown" and any("timed out" in t for t in r.tried))
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
    traced = spd_trace_form(g, state.get("symbols"))
    if traced is not None:
        return Outcome(
            Verdict.PROVED, Evidence(Method.SYMBOLIC, f"proved: {traced}", difference=_show(g), route="spd trace")
        )
    bounded = _bound_of_extremum(lhs, rhs, relation, strict)
    if bounded is not None:
        return bounded
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
