"""The numeric tier: evaluate both sides at test points with certified high precision.

A claim is evaluated at points that satisfy every declared assumption (`derive.tiers.sampling`):
a few readable ones first (1/2, -3/2, 2 ...), then generic random ones, plus points near the
edges of each kind for inequalities. Both sides are substituted with exact rationals and
evaluated by sympy's adaptive ``evalf`` at a working precision of ``settings.digits``
decimal digits, then again at twice (and if needed four times) that precision.

Certification rules (a float being "close" is never enough):

* two sides rounded separately agree to the working precision whether or not they are equal,
  so once they cannot be told apart, the difference ``lhs - rhs`` is evaluated again as one
  expression by sympy's adaptive ``evalf``, which raises its own precision to work through
  the cancellation and reports the accuracy it reached (`derive.tiers._ladder`);
* a difference counts as **nonzero** only when it agrees to six significant digits between
  two consecutive precisions and stands clear of the rounding noise, or is certified
  nonzero by that direct evaluation at both: that is the confirmation a counterexample needs
  before the claim is refuted (``exp(10**-300) == 1`` is refuted with lhs - rhs = 1e-300);
* a difference counts as **zero** only when it is below ``10**-(digits - 10)`` relative to
  the sides at two consecutive precisions (three for claims without free symbols), or keeps
  shrinking by many orders of magnitude as the precision grows (the signature of evaluation
  noise around an exact zero), and is not certified nonzero, *and* the precision is beyond
  the resolution of the claim's own numbers: the digits of its exact constants, the orders
  of magnitude its sums span, the smallness of its functions' arguments, and what a large
  argument of an exponentially saturating function hides (``tanh(x + 1000) == 1`` differs
  by 1e-867 and is refuted) (`derive.tiers._ladder.resolution`). The point climbs to higher precision (up to
  `derive.tiers._ladder.MAX_DIGITS`) when they need it; beyond that the point is *unresolved*
  and counted, never accepted (``2**(2**33) - 2**(2**33 - 1) == 2**(2**33 - 1) + 1`` is off by
  one part in 2**(2**33): undecided);
* anything else (a value that changes with the precision) is skipped and counted, never used
  to decide.

So ``exp(pi*sqrt(163)) == 640320**3 + 744`` (relative gap 3e-30) and ``pi == 355/113`` are
refuted, while identities hold to 90 digits. A claim that agrees at every point is
*verified*, not proved. A claim without free symbols is a single number, with no random
point to make a coincidence unlikely: it is verified only when its sides agree at three
precisions up to 200 digits, ``lhs - rhs`` evaluated as one expression is bounded far below
that (or is exactly 0), and the precision is beyond the claim's resolution; the evidence
says that this is numeric agreement, not a proof. When that cannot be had, it is undecided
with the reason. No fixed precision can see every near-miss (``exp(10**-6000) == 1`` is
undecided, not refuted): the guarantee is that what this tier cannot resolve it does not
accept.

Random points stay near 1, so every claim is also judged at **far points**
(`derive.tiers.sampling.far_points`: magnitudes 1e3 to 1e12 and 10x and 1e6x the largest number
the claim writes, both signs, large integers, large matrix entries, tiny values,
probabilities near 0 and 1), substituted through derive's guarded constructors (2**x at
x = 3e12 stays unexpanded). A failure there, or at any point the margin checks below
propose, is a counterexample only when mpmath's own evaluation of lhs - rhs agrees with the
ladder's (sympy's evalf gives log(sigmoid(x)) + softplus(-x) as 4.9e-1580 at x = 7273/2, at
every precision; it is 0).

**Inequalities** are then judged where they are tightest (`derive.tiers._margin`): with one free
scalar and lhs - rhs rational in it, by exact sign analysis (one exact point per interval
between its real roots and poles, and the roots themselves: complete); otherwise by sympy's
limits at the ends of the domain (a limit on the wrong side is walked out to a confirmed
point; a strict inequality whose margin tends to 0 there needs its sign certified at every
point of the walk), and by a multi-start margin search (Nelder-Mead on a reparametrisation
that respects kinds, Newton on the gradient to as many digits as the claim's numbers need,
then exact points: the minimiser itself, small-denominator snaps onto the zero set, pivots
and critical points next to it). A margin certified negative refutes; sides that meet
exactly refute a strict inequality and are allowed for a non-strict one; sides that meet to
the search's precision with nothing exact to show for it leave the claim undecided, naming
the point (``(x - cos(2*x))**2 > 0``). The verified evidence says how far out the points
went and what the margin search saw.

The search covers up to 12 scalars: entries of general matrices as reals, SPD matrices
through their Cholesky factor (S = L Lᵀ, diagonal e^u: every point positive definite, and S
can approach singular), sums and products through sympy's closed form when it has one that
mpmath evaluates (checked against the sums at the sample points; a refutation says so). An
inequality the search cannot cover (an integral, a sum without such a closed form, more
scalars) is **undecided**, not verified: sampling never sees a failure on a point
(``(trace(S) - 3)**2 + (det(S) - 2)**2 > 0`` fails only at S = diag(1, 2)). So is a strict
inequality polynomial in two or more integer variables that comes near 0 over the reals: its
integer zeros may be astronomically far apart (Pell: ``(m**2 - 61*n**2 - 1)**2 > 0``).

Two kinds of features the random points never hit are looked for in every claim: the jumps of
floor/ceiling/frac/Mod (an argument linear in some variable is solved exactly for the
integers around its sampled values, and the claim judged on each jump and beside it; an
argument that is not leaves the claim undecided), and **narrow features**: a constant
|c| >= 1e4 times a non-constant g (``exp(-10**12*(x - cos(x))**2) < 1/2``) may hide a bump
1/sqrt(c) wide around the zeros of g, so those are searched and the claim judged there.

Each value carries sympy's own error bound (``evalf`` reports the accuracy it reached), so
a value sympy cannot vouch for never decides anything. Definite integrals go through
`derive.tiers._integrals`: split at kinks, polynomials exact, the rest by cross-checked mpmath
quadrature at 30/60 digits, refused when the quadrature cannot reach the working precision.
Finite sets (eigenvalues) are compared through their power sums. Floats are read as the
decimals they print as.

Points where a side is infinite, undefined (log 0, division by zero) or has no numeric value
are skipped and counted; so are points whose value changes with the precision, and when
those outnumber the usable points the tier does not verify. A side that is complex where
the other is real is a genuine difference for ``==`` (sympy's principal branches:
``log(a*b) == log(a) + log(b)`` is refuted at a, b < 0, where the left side is real and the
right side is not); a point where both sides are non-real, in a claim over real names with
no imaginary unit, is outside the step's real domain: it refutes nothing (log(β^y (1-β)^(1-y))
= y log(β) + (1 - y) log(1 - β) at β = 5/2, where the principal branches differ by 2πi), and a
step that agrees only where it is real is undecided (it holds on its real domain, not in the
complex reading); for inequalities such a point is skipped, since
``<=`` means nothing between complex numbers.
"""

from __future__ import annotations

import functools
import itertools
import math
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import mpmath
import numpy as np
import sympy

from derive.language._calls import HeldDerivative
from derive.language._exact import safe_replace
from derive.language.functions import JS, KL, W1, Expectation, sigmoid, softplus
from derive.model import Counterexample, Evidence, Method, Outcome, Point, Problem, Relation, Settings, Verdict
from derive.tiers._ladder import (
    BUDGET,
    GUARD,
    MARGIN,
    MAX_DIGITS,
    NON_FINITE,
    POLE,
    UNRESOLVED,
    UNSTABLE,
    Ladder,
    SkipPointError,
    Status,
    excluded,
    imaginary,
    resolution,
)
from derive.tiers._margin import (
    MarginSearch,
    Minimum,
    UnsupportedError,
    compile_mp,
    end_limits,
    positive_near,
    real_value,
    sign_points,
    walk,
)
from derive.tiers.sampling import allows, far_points, kind_of, pivot_points, sample_point
from derive.tiers.symbolic import bounded, check_symbolic, outermost

__all__ = ["MARGIN", "check_numeric"]

_MIN_VALID = 3  # fewer valid points than this: undecided
_EDGE_POINTS = 4  # extra boundary-seeking points for inequalities
_SIMPLE_POINTS = 3
_MIN_DIGITS = 30
_MAX_SEARCH_DIM = 12  # Nelder-Mead in more scalars than this is not worth its cost
_FEW_STARTS_DIM = 6  # beyond this many scalars, fewer starts share the search's time
_SEARCH_STARTS = 10
_UNSETTLED = 1e-6  # a positive relative margin below this at the search's best point settles nothing
_SEARCH_SECONDS = 1.5  # at most, and 40% of the numeric budget left
_WALK_CERTIFIED = 2  # points of a walk towards an end certified before unresolved ones may end it


class _DeclineError(Exception):
    """The tier cannot evaluate this claim numerically at all."""

    def __init__(self, reason: str, summary: str) -> None:
        super().__init__(summary)
        self.reason = reason
        self.summary = summary


@dataclass(frozen=True)
class _Verdict:
    """What one point says: "ok", "fail" or "skip" (with a reason), and the data behind it."""

    kind: str
    digits: int = 0
    lhs: tuple = ()
    rhs: tuple = ()
    note: str = ""
    diffs: tuple = ()  # the certified lhs - rhs per cell, when it is not simply lhs minus rhs
    needed: int = 0  # digits the claim's numbers needed, for an unresolved point
    direct: bool = False  # every cell's lhs - rhs was bounded by evaluating it as one expression


# ---------------------------------------------------------------------------------------
# Entry point.


def check_numeric(problem: Problem, settings: Settings) -> Outcome:
    """Decide ``problem`` by certified high-precision evaluation at test points.

    Returns VERIFIED when every usable point agrees (inequalities: holds), REFUTED with a
    `Counterexample` confirmed at a higher precision, or UNDECIDED with a reason (an
    expectation left for Monte Carlo, an unknown function, too few usable points, the time
    budget).
    """
    start = time.perf_counter()
    try:
        lhs, rhs = _broadcast_zero(_prepare(problem.lhs, problem), _prepare(problem.rhs, problem))
        lhs, rhs = _sets_as_power_sums(lhs, rhs, problem.relation)
        shape_l, shape_r = _shape(lhs), _shape(rhs)
        if shape_l != shape_r:
            summary = f"the sides have different shapes: lhs is {_shape_text(shape_l)}, rhs is {_shape_text(shape_r)}"
            return Outcome(Verdict.REFUTED, Evidence(Method.NUMERIC, summary, reason="shape"))
        if shape_l != (1, 1) and problem.relation not in (Relation.EQ, Relation.APPROX):
            raise _DeclineError("matrix inequality", "inequalities between matrices are not checked numerically")
        cells_l, cells_r = _cells(lhs), _cells(rhs)
        cells_l, cells_r, counted = _counts_as_integers(cells_l, cells_r, problem)
        free = _free_symbols(cells_l + cells_r)
        _check_evaluable(cells_l + cells_r, free, problem)
    except _DeclineError as exc:
        declined = Outcome(
            Verdict.UNDECIDED, Evidence(Method.NUMERIC, exc.summary, reason=exc.reason, seed=settings.seed)
        )
        if exc.reason == "unknown function":
            return (
                _for_every_value(lhs, rhs, problem, settings, start)
                or _for_every_function(lhs, rhs, problem, settings, start)
                or declined
            )
        return declined
    checker = _Checker(
        problem=problem, settings=settings, cells_l=cells_l, cells_r=cells_r, shape=shape_l, free=free, start=start
    )
    if counted:
        names = ", ".join(sorted(str(s) for s in counted))
        verb = "bounds" if len(counted) == 1 else "bound"
        checker.notes.append(f"{names} {verb} a sum or product: judged at integers where every such range is non-empty")
        checker.counted = counted
        checker.ranges = tuple(
            (lim[1], lim[2])
            for c in cells_l + cells_r
            for n in c.atoms(sympy.Sum, sympy.Product)
            for lim in n.limits
            if len(lim) == 3 and (lim[1].free_symbols | lim[2].free_symbols) & set(counted)
        )
    return checker.run()


def _counts_as_integers(
    cells_l: tuple[sympy.Basic, ...], cells_r: tuple[sympy.Basic, ...], problem: Problem
) -> tuple[tuple[sympy.Basic, ...], tuple[sympy.Basic, ...], tuple[sympy.Symbol, ...]]:
    """The cells with each non-integer free symbol that bounds a sum or product (the k of
    ``Σ_{m=0}^{k}``) replaced by an integer symbol of the same name, and those symbols. Only
    names read as plain reals (undeclared) change; a declared kind stands.

    A sum up to k = 5/2 has no meaning an author intends, and sympy evaluates it by
    Euler-Maclaurin for minutes (or continues it analytically, a value nobody meant): only whole
    values of k are sampled. Values where a range runs backwards are skipped (`_ladder`).
    """
    limits = {s for c in cells_l + cells_r for n in c.atoms(sympy.Sum, sympy.Product) for s in _limit_symbols(n)}
    swap: dict[sympy.Symbol, sympy.Symbol] = {}
    for sym in sorted(limits, key=sympy.default_sort_key):
        spec, kind = kind_of(problem.symbols, sym)
        if "integer" in kind or (spec is not None and spec.kind.is_matrix) or sym.is_integer is False:
            continue
        if kind != "real":
            # A name declared positive (a spring constant k) keeps its declaration: cos(2πk) = 1
            # must not hold because a sum also runs to k. Only the default reading gives way.
            continue
        swap[sym] = sympy.Symbol(sym.name, integer=True)
    if not swap:
        return cells_l, cells_r, ()
    return (
        tuple(c.xreplace(swap) for c in cells_l),
        tuple(c.xreplace(swap) for c in cells_r),
        tuple(swap.values()),
    )


def _limit_symbols(node: sympy.Sum | sympy.Product) -> set[sympy.Basic]:
    """The free symbols of bounds that are polynomials with integer coefficients (k, k + 1, 2n - 1):
    whole numbers exactly when the symbols are. A bound such as floor(x) or n/2 leaves its symbols
    real (points where it is not whole are skipped)."""
    out: set[sympy.Basic] = set()
    for lim in node.limits:
        for bound in lim[1:]:
            syms = bound.free_symbols
            if not syms or not all(isinstance(s, sympy.Symbol) for s in syms):
                continue
            try:
                poly = sympy.Poly(bound, *sorted(syms, key=sympy.default_sort_key))
            except (sympy.PolynomialError, sympy.GeneratorsNeeded):
                continue
            if poly.domain == sympy.ZZ:
                out |= syms
    return out & node.free_symbols


#: What an unknown function's application may sit under: the whole node is one unknown value.
_OPAQUE_NODES = (sympy.Derivative, sympy.Integral, sympy.Sum, sympy.Product, sympy.Limit, sympy.Subs)
#: Sums and integrals through unknown functions are split term by term before they become values.
_LINEAR_NODES = (sympy.Sum, sympy.Integral)
_SPLIT_GROWTH = 20  # a summand whose expansion is this many times larger (or over _SPLIT_OPS) stays whole
_SPLIT_OPS = 400
_SPLIT_SECONDS = 0.5  # for expanding a summand and closing its known terms, per sum or integral
_MERGE_OPS = 200  # arguments larger than this are compared structurally only
#: Of the time left to the numeric tier: at most for the numerics with independent values, and the
#: timeout then given to the symbolic proof for every value (which spends 40 % of it).
_NUMERIC_SHARE = 0.7
_PROOF_SHARE = 0.8


def _undefined(node: sympy.Basic) -> bool:
    return node.has(sympy.core.function.AppliedUndef)


def _split_linear(expr: sympy.Basic) -> sympy.Basic:
    """``expr`` with each sum and definite integral through an unknown function split by linearity:
    ``Σ (f(i) + 1) = Σ f(i) + n``, ``∫ 3 f(x) dx = 3 ∫ f(x) dx`` (innermost first).

    Finite sums are linear outright; an integral or infinite sum splits only where its terms without
    an unknown function come out finite in closed form, and the pieces through one are then read, as
    the whole was, as numbers (the integrals the text writes exist). A piece that does not close, or a
    summand that would grow too much when expanded, leaves that sum or integral whole (one value).
    """
    if not isinstance(expr, sympy.Basic) or not expr.has(*_LINEAR_NODES) or not _undefined(expr):
        return expr
    if isinstance(expr, sympy.MatrixBase):
        return sympy.ImmutableMatrix(expr.shape[0], expr.shape[1], [_split_linear(e) for e in expr])
    return expr.replace(lambda n: isinstance(n, _LINEAR_NODES) and _undefined(n), _split_one)


def _split_one(node: sympy.Basic) -> sympy.Basic:
    split = bounded(lambda: _split_terms(node), _SPLIT_SECONDS)
    return node if split is None else split


def _split_terms(node: sympy.Basic) -> sympy.Basic:
    limits = node.limits
    if any(len(lim) != 3 for lim in limits):
        return node  # an indefinite integral is linear only up to a constant
    bound = [lim[0] for lim in limits]
    body = sympy.expand(node.function)
    if sympy.count_ops(body) > max(_SPLIT_OPS, _SPLIT_GROWTH * sympy.count_ops(node.function)):
        return node
    pieces = []
    for term in sympy.Add.make_args(body):
        outside, inside = term.as_independent(*bound, as_Add=False)
        piece = node.func(inside, *limits)
        if not _undefined(inside):
            piece = piece.doit()
            if piece.has(*_LINEAR_NODES) or piece.has(sympy.oo, -sympy.oo, sympy.zoo, sympy.nan):
                return node
        pieces.append(outside * piece)
    return sympy.Add(*pieces)


def _unknown_values(*sides: sympy.Basic) -> dict[sympy.Basic, sympy.Symbol]:
    """A real symbol for each outermost application of an unknown function in ``sides`` (and each
    derivative, integral, sum, limit of one): the same symbol for the same value, which is what
    equal nodes, applications of one function to arguments that expand to the same expression
    (``f((x+1)^2)``, ``f(x^2+2x+1)``) and integrals or sums that differ only in the name of their
    variable have; anything else (``f(x)`` and ``f(2x)``, ``f(x)`` and its derivative) stays apart."""

    def of_one(node: sympy.Basic) -> bool:
        return isinstance(node, _OPAQUE_NODES) and _undefined(node)

    nodes = outermost(sympy.Tuple(*sides), (sympy.core.function.AppliedUndef,), of_one)
    found: dict[sympy.Basic, sympy.Symbol] = {}
    for node in nodes:
        twin = next((found[seen] for seen in found if _same_value(node, seen)), None)
        found[node] = twin if twin is not None else sympy.Dummy(_label(node), real=True)
    return found


def _same_value(a: sympy.Basic, b: sympy.Basic) -> bool:
    """Whether ``a`` and ``b`` are provably the same value whatever the unknown functions are."""
    if isinstance(a, sympy.core.function.AppliedUndef) and isinstance(b, sympy.core.function.AppliedUndef):
        return a.func == b.func and len(a.args) == len(b.args) and all(map(_equal_exactly, a.args, b.args))
    return type(a) is type(b) and a.as_dummy() == b.as_dummy()


def _equal_exactly(a: sympy.Basic, b: sympy.Basic) -> bool:
    if a == b:
        return True
    if not (isinstance(a, sympy.Expr) and isinstance(b, sympy.Expr)) or isinstance(a, sympy.MatrixExpr):
        return False
    if sympy.count_ops(a) + sympy.count_ops(b) > _MERGE_OPS:
        return False
    try:
        return sympy.expand(a - b) == 0
    except (TypeError, ValueError, NotImplementedError, RecursionError):
        return False


def _label(node: sympy.Basic) -> str:
    """``f(x)``; ``f'(x)``, ``f''(x)`` for derivatives of a one-argument application in its argument."""
    if isinstance(node, sympy.Derivative) and isinstance(node.expr, sympy.core.function.AppliedUndef):
        (arg,) = node.expr.args if len(node.expr.args) == 1 else (None,)
        if arg is not None and len(node.variable_count) == 1 and node.variable_count[0][0] == arg:
            order = int(node.variable_count[0][1])
            if order <= 3:
                primes = "'" * order
                return _short(f"{node.expr.func}{primes}({arg})", 30)
    return _short(node, 30)


def _for_every_value(
    lhs: sympy.Basic, rhs: sympy.Basic, problem: Problem, settings: Settings, start: float
) -> Outcome | None:
    """Proved or verified whatever the unknown functions are, or None (no verdict from this check).

    Each application of an unknown function becomes an independent real number (the same number
    for the same value, `_unknown_values`), after sums and integrals through one are split by
    linearity (`_split_linear`). If the claim holds for every value of those numbers, it holds for
    every real-valued function, so for the one the text means: VERIFIED when this tier's points, far
    points and precision ladder agree; where they cannot decide (an evaluation that does not
    return), PROVED when the symbolic tier shows it with the numbers as real symbols
    (``\\log(1 + e^{J}) - \\log(1 + e^{-J}) = J``, which sympy proves only for J real).
    That is one way to hold: a claim that fails with independent values may still hold for the
    particular function meant (f(2x + 2) and f(2(x + 1)) are one value; a density is positive;
    E is linear), so a failure here refutes nothing and the caller keeps its own undecided.
    """
    l1, r1 = _split_linear(lhs), _split_linear(rhs)
    found = _unknown_values(l1, r1)
    if not found:
        return None
    doubt = _values_not_real(found)
    if doubt is not None:
        return Outcome(
            Verdict.UNDECIDED, Evidence(Method.NUMERIC, doubt, reason="unknown function", seed=settings.seed)
        )
    inner_problem = replace(problem, lhs=l1.xreplace(found), rhs=r1.xreplace(found))
    labels = sorted({value.name for value in found.values()})
    names = ", ".join(labels[:4]) + (f" and {len(labels) - 4} more" if len(labels) > 4 else "")
    split = "; sums and integrals through one split term by term, where they exist" if (l1, r1) != (lhs, rhs) else ""
    what = (
        f"for every value of {names} (each application of an unknown function an independent real number{split}; "
        "so whatever the functions are)"
    )
    # Numerics first: most steps through unknown functions fail at once with independent values,
    # and no proof is looked for then. A proof is looked for when the numerics could not decide
    # (an evaluation that does not return is stopped to leave it time).
    inner = bounded(lambda: check_numeric(inner_problem, settings), _NUMERIC_SHARE * _time_left(settings, start))
    if inner is not None and inner.verdict is Verdict.VERIFIED:
        return Outcome(Verdict.VERIFIED, replace(inner.evidence, summary=f"{what}: {inner.evidence.summary}"))
    if inner is not None and inner.verdict is Verdict.REFUTED:
        return None
    proof = _proof_for_every_value(inner_problem, settings, start)
    if proof is None:
        return None
    return Outcome(Verdict.PROVED, replace(proof.evidence, summary=f"{what}: {proof.evidence.summary}"))


#: A hat on a function's name (``\\hat f``, ``\\widehat{F}``; the LaTeX reader names it ``f_hat``) is its
#: Fourier or Laplace transform as plausibly as an estimate, and a transform's values are complex.
_TRANSFORM_MARK = "hat"


def _values_not_real(found: dict[sympy.Basic, sympy.Symbol]) -> str | None:
    """Why the applications in ``found`` may not be taken as real numbers, or None.

    Their values are real numbers only when nothing says otherwise: a function declared with
    sympy assumptions that allow a non-real value (``Function("g", complex=True)``, ``real=False``;
    the way a caller states a codomain ℂ) is not real-valued, and a hatted name may be a transform.
    A step that holds for every real value may fail for complex ones (``|g|^2 = g^2``,
    ``e^{g^2} \\ge 1``), so such a step gets no verdict from this check: it would need the values'
    range, which only a declaration gives."""
    for node in found:
        for app in sorted(node.atoms(sympy.core.function.AppliedUndef), key=str):
            name = app.func.__name__
            if app.is_extended_real is not True and (app.is_complex or app.is_real is False):
                return (
                    f"unknown function {name}: declared with values that need not be real ({_short(app, 30)} "
                    "complex), so its values were not taken as independent real numbers; "
                    "the step holds only if it holds for complex values"
                )
            if app.is_extended_real is not True and _TRANSFORM_MARK in name.split("_")[1:]:
                return (
                    f"unknown function {name}: a hat may mark a transform (the Fourier transform of "
                    f"{name.split('_')[0]}), whose values are complex, so they were not taken as real numbers; "
                    f"if {name} is a real-valued function (an estimate), declare it real-valued"
                )
    return None


def _time_left(settings: Settings, start: float) -> float:
    """Seconds left of the numeric tier's hard budget (the engine stops it at the claim's timeout)."""
    return max(settings.timeout, 1.0) - (time.perf_counter() - start)


def _proof_for_every_value(problem: Problem, settings: Settings, start: float) -> Outcome | None:
    """The symbolic tier's proof of ``problem`` (unknown values as real symbols), within a share of
    the time left, or None."""
    left = _time_left(settings, start)
    if left <= 1.0:
        return None
    # check_symbolic spends a share (its _TIER_SHARE, 0.4) of the timeout it is given.
    out = check_symbolic(problem, replace(settings, timeout=_PROOF_SHARE * left))
    return out if out.verdict is Verdict.PROVED else None


# ---------------------------------------------------------------------------------------
# Preparation: rewrite derive's operators away, do derivatives, reject what has no value.


def _prepare(side: object, problem: Problem) -> sympy.Basic:
    expr = _sympify(side)
    if _has(expr, KL, JS, W1):
        expand = _optional("derive.tiers.divergences", "expand_divergences")
        if expand is not None:
            expr = _sympify(_rewrite(expand, expr))
    held = _atoms(expr, HeldDerivative)
    if held:
        raise _DeclineError("derivative of an expectation", f"{held[0].reason}: not evaluated")
    if _has(expr, Expectation):
        if _chain_rule_through_expectation(expr):
            raise _DeclineError(
                "derivative of an expectation",
                "a derivative was taken through E(...) by the chain rule, as if E were an ordinary function:"
                " not evaluated",
            )
        evaluate = _optional("derive.tiers.expectation", "evaluate_expectations")
        if evaluate is not None and problem.random:
            expr = _sympify(_rewrite(evaluate, expr, problem.random))
        if _has(expr, Expectation):
            raise _DeclineError("expectation", "expectation: left to Monte Carlo")
    if _has(expr, KL, JS, W1):
        raise _DeclineError("divergence", "a divergence (KL/JS/W1) has no closed form here: left unevaluated")
    if isinstance(expr, sympy.MatrixExpr) and not isinstance(expr, sympy.MatrixBase):
        expr = expr.doit()
        if expr.has(sympy.MatrixSymbol):
            raise _DeclineError("abstract matrix", "abstract matrix symbols have no entries to evaluate")
        expr = sympy.ImmutableMatrix(expr.as_explicit())
    if isinstance(expr, sympy.MatrixBase):
        return sympy.ImmutableMatrix(expr.shape[0], expr.shape[1], [_differentiate(e) for e in expr])
    return _differentiate(expr)


def _chain_rule_through_expectation(expr: sympy.Basic) -> bool:
    """Whether sympy differentiated E(...) like a function of one variable (Derivative(E(_xi), _xi))."""
    nodes = [e for part in _cells(expr) for e in part.atoms(sympy.Derivative)]
    return any(d.expr.has(Expectation) and any(isinstance(v, sympy.Dummy) for v in d.variables) for d in nodes)


def _sympify(obj: object) -> sympy.Basic:
    if isinstance(obj, sympy.MatrixBase):
        return _exact(sympy.ImmutableMatrix(obj))
    if isinstance(obj, sympy.Basic):
        return _exact(obj)
    try:
        return _exact(sympy.sympify(obj, strict=True))
    except (sympy.SympifyError, TypeError) as exc:
        raise _DeclineError("not numeric", f"a side is not a sympy expression: {obj!r:.80}") from exc


def _exact(expr: sympy.Basic) -> sympy.Basic:
    """Read each Float as the decimal it prints as (0.1 is 1/10, not the binary 0.1000000000000000055...).

    A float in a claim stands for a decimal number; comparing its binary expansion at 100
    digits would refute ``x*0.1 == x/10``.
    """
    floats = expr.atoms(sympy.Float)
    if not floats:
        return expr
    return expr.xreplace({f: sympy.Rational(str(f)) for f in floats if f.is_finite})


def _optional(module: str, name: str) -> Callable | None:
    # The rewriting modules are optional for this tier: without them it declines instead.
    try:
        mod = __import__(module, fromlist=[name])
        return getattr(mod, name)
    except (ImportError, AttributeError):
        return None


def _rewrite(func: Callable, *args: object) -> object:
    try:
        return func(*args)
    except (RecursionError, MemoryError):
        raise
    except Exception as exc:  # a failing rewriter makes this tier decline, not crash
        why = f"{func.__name__} failed ({type(exc).__name__}: {exc})"
        raise _DeclineError("rewrite failed", _short(why, 160)) from exc


def _atoms(expr: sympy.Basic, *types: type) -> list[sympy.Basic]:
    cells = expr if isinstance(expr, sympy.MatrixBase) else (expr,)
    found = {a for c in cells if isinstance(c, sympy.Basic) for a in c.atoms(*types)}
    return sorted(found, key=sympy.default_sort_key)


def _has(expr: sympy.Basic, *types: type) -> bool:
    if isinstance(expr, sympy.MatrixBase):
        return any(e.has(*types) for e in expr)
    return expr.has(*types)


def _differentiate(expr: sympy.Basic) -> sympy.Basic:
    """Carry out derivatives and substitutions symbolically: cheap, and needed before numbers go in."""
    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.Derivative, sympy.Subs):
        return expr
    return expr.replace(lambda e: isinstance(e, (sympy.Derivative, sympy.Subs)), lambda e: e.doit(deep=False))


def _broadcast_zero(lhs: sympy.Basic, rhs: sympy.Basic) -> tuple[sympy.Basic, sympy.Basic]:
    """``M == 0`` means the zero matrix of M's shape; any other scalar against a matrix stays a mismatch."""
    if isinstance(lhs, sympy.MatrixBase) and rhs == 0 and not isinstance(rhs, sympy.MatrixBase):
        return lhs, sympy.ImmutableMatrix.zeros(*lhs.shape)
    if isinstance(rhs, sympy.MatrixBase) and lhs == 0 and not isinstance(lhs, sympy.MatrixBase):
        return sympy.ImmutableMatrix.zeros(*rhs.shape), rhs
    return lhs, rhs


def _sets_as_power_sums(lhs: sympy.Basic, rhs: sympy.Basic, relation: Relation) -> tuple[sympy.Basic, sympy.Basic]:
    """Finite sets (eigenvalues) compare through their power sums: equal sizes and power sums
    1..n mean equal collections of values (Newton's identities), whatever order they print in."""
    sets = [isinstance(side, sympy.FiniteSet) for side in (lhs, rhs)]
    if not any(sets):
        return lhs, rhs
    if not all(sets) or relation is not Relation.EQ:
        raise _DeclineError("set", "a set can only be compared for equality with another set")
    if len(lhs) != len(rhs):
        raise _DeclineError("set", f"sets of different sizes ({len(lhs)} and {len(rhs)} elements) are not compared")

    def sums(side: sympy.FiniteSet) -> sympy.ImmutableMatrix:
        return sympy.ImmutableMatrix([sympy.Add(*(e**k for e in side.args)) for k in range(1, len(side) + 1)])

    return sums(lhs), sums(rhs)


def _shape(expr: sympy.Basic) -> tuple[int, int]:
    return tuple(expr.shape) if isinstance(expr, sympy.MatrixBase) else (1, 1)  # type: ignore[return-value]


def _shape_text(shape: tuple[int, int]) -> str:
    return "a scalar" if shape == (1, 1) else f"{shape[0]}x{shape[1]}"


def _cells(expr: sympy.Basic) -> tuple[sympy.Basic, ...]:
    cells = tuple(expr) if isinstance(expr, sympy.MatrixBase) else (expr,)
    return tuple(_guard_integer_parts(c) for c in cells)


class _IntegerPart(sympy.Function):
    """floor/ceiling that evaluate only when the argument is clear of an integer at the precision.

    sympy evaluates floor(tanh(1006.25)) to 1 on construction (it is 0: tanh < 1); this
    one waits for a number, decides the integer part at the evaluation's own precision and
    gives no value (the point is skipped) when the argument cannot be told from an integer.
    """

    nargs = 1
    up = False

    @classmethod
    def eval(cls, arg: sympy.Expr) -> sympy.Expr | None:
        if isinstance(arg, sympy.Rational):  # exact: sympy's own answer is right
            return sympy.ceiling(arg) if cls.up else sympy.floor(arg)
        return None

    def _eval_evalf(self, prec: int) -> sympy.Expr | None:
        dps = mpmath.libmp.prec_to_dps(prec)
        value = self.args[0].evalf(dps + 10)
        if not (isinstance(value, sympy.Float) and value.is_finite):
            return None
        v = mpmath.mpmathify(value)
        nearest = mpmath.nint(v)
        if abs(v - nearest) <= mpmath.mpf(10) ** -(dps + 5) * max(1, abs(v)):
            return None  # too close to an integer to say which side
        whole = mpmath.ceil(v) if self.up else mpmath.floor(v)
        return sympy.Float(whole, dps)


class _Floor(_IntegerPart):
    up = False


class _Ceiling(_IntegerPart):
    up = True


#: Digits per unit of argument that an exponentially saturating function hides at a large
#: argument (tanh t = 1 - 2e^{-2t} + 2e^{-4t}: the second term, 4t/ln 10), as `derive.tiers._ladder`
#: counts them; erf and erfc per unit of t².
_SATURATING = {
    **dict.fromkeys((sympy.tanh, sympy.coth, sympy.cosh, sympy.sinh, sympy.sech, sympy.csch), 4 / math.log(10)),
    sigmoid: 2 / math.log(10),
    softplus: 2 / math.log(10),
    sympy.erf: 2 / math.log(10),
    sympy.erfc: 2 / math.log(10),
}

#: The guarded integer parts, for the margin search's mpmath compiler.
_MP_EXTRA = {_Floor: mpmath.floor, _Ceiling: mpmath.ceil}


def _guard_integer_parts(expr: sympy.Basic) -> sympy.Basic:
    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.floor, sympy.ceiling):
        return expr
    return expr.replace(sympy.floor, _Floor).replace(sympy.ceiling, _Ceiling)


def _free_symbols(cells: Sequence[sympy.Basic]) -> tuple[sympy.Symbol, ...]:
    free: set[sympy.Symbol] = set()
    for c in cells:
        free |= c.free_symbols
    return tuple(sorted(free, key=sympy.default_sort_key))


def _check_evaluable(cells: Sequence[sympy.Basic], free: Sequence[sympy.Symbol], problem: Problem) -> None:
    for c in cells:
        if not isinstance(c, sympy.Expr) or isinstance(c, sympy.core.relational.Relational):
            raise _DeclineError("not numeric", f"a side is not a number-valued expression: {_short(c)}")
        undefined = sorted(c.atoms(sympy.core.function.AppliedUndef), key=sympy.default_sort_key)
        if undefined:
            raise _DeclineError("unknown function", f"unknown function {_short(undefined[0])}: no numeric value")
        if c.has(sympy.MatrixSymbol):
            raise _DeclineError("abstract matrix", "abstract matrix symbols have no entries to evaluate")
    random = _random_symbols(problem)
    loose = [s for s in free if s in random]
    if loose:
        names = ", ".join(str(s) for s in loose)
        raise _DeclineError("random variable", f"random variable {names} appears outside E(...): left to Monte Carlo")


def _random_symbols(problem: Problem) -> set[sympy.Basic]:
    out: set[sympy.Basic] = set()
    for rv, _dist in problem.random:
        out.update(rv if isinstance(rv, sympy.MatrixBase) else (rv,))
    return out


_NARROW = 10**4  # a constant this large times a non-constant term may make a narrow feature


def _narrow_inners(cells: Sequence[sympy.Basic]) -> list[sympy.Expr]:
    """The g of every c*g with |c| >= `_NARROW` (several such terms of one sum together, over
    their largest c: sympy distributes 10**12*(a + b) into 10**12*a + 10**12*b)."""
    out: list[sympy.Expr] = []

    def big(term: sympy.Expr) -> sympy.Rational | None:
        coeff, _ = term.as_coeff_Mul()
        if coeff.is_Rational and abs(coeff) >= _NARROW and term.free_symbols:
            return abs(coeff)
        return None

    def visit(node: sympy.Basic) -> None:
        if isinstance(node, sympy.Add):
            terms = [t for t in node.args if big(t) is not None]
            if terms:
                scale = max(big(t) for t in terms)
                out.append(sympy.Add(*terms) / scale)
                for t in node.args:
                    visit(t.as_coeff_Mul()[1] if t in terms else t)
                return
        elif isinstance(node, sympy.Mul) and big(node) is not None:
            rest = node.as_coeff_Mul()[1]
            out.append(rest)
            visit(rest)
            return
        for a in node.args:
            visit(a)

    for c in cells:
        visit(c)
    unique: list[sympy.Expr] = []
    for g in out:
        if g not in unique:
            unique.append(g)
    return unique[:3]


# ---------------------------------------------------------------------------------------
# The margin search's space: scalars as they are, SPD matrices through their Cholesky factor.


class _SearchSpace:
    """The unconstrained scalars the margin search moves, and the way back to the claim's symbols.

    Scalars (and entries of general matrices, as reals) are searched as they are. An SPD
    matrix S is searched through S = L Lᵀ with L lower triangular, its diagonal positive
    (e^u in the search): every point is positive definite, and the search can move S towards
    singular or huge. A rational L gives a rational S, positive definite exactly.
    """

    def __init__(
        self, problem: Problem, free: Sequence[sympy.Symbol], point_kind: Callable[[sympy.Symbol], str]
    ) -> None:
        self.variables: list[tuple[sympy.Symbol, str]] = []
        self._sub: dict[sympy.Symbol, sympy.Expr] = {}  # S entry -> polynomial in L's entries
        self._factors: list[tuple[sympy.Matrix, sympy.Matrix]] = []  # (S's symbols, L)
        done: set[sympy.Symbol] = set()
        for s in free:
            if s in done:
                continue
            kind = point_kind(s)
            spec, _ = kind_of(problem.symbols, s)
            if kind != "none" or spec is None:
                self.variables.append((s, kind))
                continue
            n = spec.kind.rows
            entries = sympy.Matrix(spec.obj)
            lower = sympy.zeros(n, n)
            for i in range(n):
                for j in range(i + 1):
                    d = sympy.Dummy(f"L_{spec.name}[{i + 1},{j + 1}]", real=True)
                    lower[i, j] = d
                    self.variables.append((d, "positive" if i == j else "real"))
            product = lower * lower.T
            for i in range(n):
                for j in range(n):
                    self._sub[entries[i, j]] = sympy.expand(product[i, j])
                    done.add(entries[i, j])
            self._factors.append((entries, lower))

    def substitute(self, expr: sympy.Expr) -> sympy.Expr:
        return expr.xreplace(self._sub) if self._sub else expr

    def to_search(self, values: dict[sympy.Symbol, sympy.Expr]) -> dict[sympy.Symbol, sympy.Expr] | None:
        """A start point in the search's variables (Cholesky factors to 30 digits), or None."""
        if not self._factors:
            return values
        out = {s: v for s, v in values.items() if s not in self._sub}
        with mpmath.workdps(30):
            for entries, lower in self._factors:
                n = entries.rows
                try:
                    rows = [[mpmath.mpf(sympy.N(values[entries[i, j]], 30)) for j in range(n)] for i in range(n)]
                    chol = mpmath.cholesky(mpmath.matrix(rows))
                except (KeyError, ValueError, TypeError, ZeroDivisionError):
                    return None
                for i in range(n):
                    for j in range(i + 1):
                        out[lower[i, j]] = sympy.Rational(mpmath.nstr(chol[i, j], 30))
        return out

    def to_claim(self, values: dict[sympy.Symbol, sympy.Expr]) -> dict[sympy.Symbol, sympy.Expr]:
        if not self._factors:
            return values
        dummies = {d for _, lower in self._factors for d in lower if d != 0}
        out = {s: v for s, v in values.items() if s not in dummies}
        for entry, poly in self._sub.items():
            out[entry] = poly.xreplace(values)
        return out

    def lift(self, m: Minimum, free: Sequence[sympy.Symbol]) -> Minimum:
        """``m`` with its points in the claim's symbols."""
        if not self._factors:
            return m
        values = self.to_claim(m.values)
        return replace(
            m,
            values=values,
            snaps=tuple(self.to_claim(p) for p in m.snaps),
            retreat=tuple(self.to_claim(p) for p in m.retreat),
            beyond=tuple(self.to_claim(p) for p in m.beyond),
            near=tuple(float(values[s]) for s in free),
            where=", ".join(f"{s} = {float(values[s]):.8g}" for s in free),
        )


# ---------------------------------------------------------------------------------------
# The point loop.


class _Checker:
    def __init__(
        self,
        *,
        problem: Problem,
        settings: Settings,
        cells_l: tuple[sympy.Basic, ...],
        cells_r: tuple[sympy.Basic, ...],
        shape: tuple[int, int],
        free: tuple[sympy.Symbol, ...],
        start: float,
    ) -> None:
        self.problem = problem
        self.relation = problem.relation
        self.settings = settings
        self.cells_l, self.cells_r = cells_l, cells_r
        self.shape = shape
        self.free = free
        self.start = start
        # Leave the rest of the claim's budget to the Monte Carlo tier and to the worker.
        self.deadline = start + max(0.5, 0.5 * settings.timeout)
        # Below 30 digits the first two rungs could both call a 1e-30 near-miss zero.
        base = max(_MIN_DIGITS, int(settings.digits))
        self.expensive = any(c.has(sympy.Integral, sympy.Sum, sympy.Product) for c in cells_l + cells_r)
        if self.expensive:
            # Quadrature and series costs grow fast with precision; two levels from 30 digits still
            # separate a 1e-30 near-miss (zero means below 1e-50 at 60 digits).
            base = min(base, 30)
        self.ladder = (base, 2 * base, 4 * base, 8 * base)
        # Points climb past the ladder only when the claim's own numbers need it; quadrature
        # cannot follow them there.
        self.max_digits = self.ladder[-1] if self.expensive else max(MAX_DIGITS, self.ladder[-1])
        self.needed = 0  # the most digits an unresolved point needed
        self.held = 0  # the most digits a zero was held to (what the claim can hide, `_ladder.excluded`)
        self.tie: tuple[tuple[str, str], ...] = ()  # a point where a strict inequality tied (not exactly equal)
        self.far_used: list[Point] = []  # far points that agreed (or held)
        self.far_skipped: Counter[str] = Counter()
        self.far_note = ""  # why far points were not (all) tried
        self.starts: list[dict[sympy.Symbol, sympy.Expr]] = []  # usable random points: margin search starts
        self.exact_candidates: list[dict[sympy.Symbol, sympy.Expr]] = []  # pivots and critical points
        self.exact = ""  # the exact sign analysis decided the claim (one rational scalar)
        self.notes: list[str] = []  # what the margin checks showed, for the evidence
        self.tight = ""  # why a tight point leaves the claim undecided
        self.kink_points: list[sympy.Expr] = []  # the last `_kinks` call's kinks and branch points
        self.unbounded = ""  # why an inequality unbounded near a pole is not verified (`_unbounded_near`)
        self.tolerance = problem.tolerance if problem.tolerance is not None else 1e-2
        self.closed_note = ""  # the claim's sums are evaluated on sympy's closed form (said in a refutation)
        # Points of a declared range where a side of an inequality is infinite or undefined (`_undefined_at`)
        self.undefined: list[dict[sympy.Symbol, sympy.Expr]] = []
        # Integer symbols that bound a sum or product (`_counts_as_integers`) and those ranges:
        # a point where one is empty (k = -1 in Σ_{m=0}^{k}) is no case the author meant.
        self.counted: tuple[sympy.Symbol, ...] = ()
        self.ranges: tuple[tuple[sympy.Expr, sympy.Expr], ...] = ()

    # -- the loop ----------------------------------------------------------------------

    def run(self) -> Outcome:
        out = self._run_points()
        if self.undefined and out.verdict is Verdict.VERIFIED:
            return self._undefined_outcome(out)
        return out

    def _run_points(self) -> Outcome:
        seed = self.settings.seed
        if not self.free:
            return self._run_constant()

        rng = np.random.default_rng(seed)
        n_random = max(1, int(self.settings.numeric_points))
        target = n_random + (_EDGE_POINTS if self._inequality else 0)
        styles = self._styles(n_random)
        seen: set[tuple] = set()
        points: list[Point] = []
        skipped: Counter[str] = Counter()
        attempts = 0
        timed_out = False
        while len(points) < target and attempts < 3 * target + 6:
            style = styles[attempts] if attempts < len(styles) else "random"
            attempts += 1
            if time.perf_counter() > self.deadline:
                timed_out = True
                break
            values = sample_point(self.problem.symbols, self.free, rng, style=style)
            values = {s: v for s, v in values.items() if s in self.free}
            if not _first_visit(values, seen):
                continue
            verdict = self._judge(values, need=2)
            if verdict.kind == "fail":
                return self._refuted(values, verdict)
            if verdict.kind == "skip":
                skipped[verdict.note] += 1
                self._undefined_at(values, verdict)
                self.needed = max(self.needed, verdict.needed)
                if verdict.note == BUDGET:
                    timed_out = True
                    break
                continue
            self.held = max(self.held, verdict.needed)
            points.append(self._record(values, verdict))
            self.starts.append(values)
        undecided = self._too_few_points(points, skipped, timed_out, target)
        if undecided is not None:
            return undecided
        decided = self._beyond_samples(seen)  # with the budget spent, a failure found there still refutes
        if decided is not None:
            return decided
        if timed_out:
            # Random points cut by the budget, so far and tight points were not all looked at: under load this
            # verified what a quiet machine refutes (ATK A8, log x + y = log(x - 1/8) + ... at --timeout 1).
            summary = (
                f"time budget: random points stopped after {len(points)} of {target}, before the far and tight "
                "points were all checked; not verified on random points alone: rerun with a larger --timeout"
            )
            return Outcome(
                Verdict.UNDECIDED,
                Evidence(Method.NUMERIC, summary, points=tuple(points), seed=self.settings.seed, reason="timeout"),
            )
        outside = skipped[OUTSIDE_REAL] + self.far_skipped[OUTSIDE_REAL]
        if outside:
            # Where both sides are non-real they differ (principal branches): the step holds on its real
            # domain only, false in the complex reading, so neither verdict holds under every reading.
            summary = (
                f"the sides agree at {len(points)} points where they are real, but at {outside} point(s) both are "
                "non-real and differ (principal branches of log or powers): the step holds on its real domain "
                "only; declare the ranges that keep it real (e.g. y: positive) to settle"
            )
            return Outcome(
                Verdict.UNDECIDED,
                Evidence(Method.NUMERIC, summary, points=tuple(points), seed=seed, reason="real domain"),
            )
        return self._verified(points, skipped, timed_out)

    def _too_few_points(
        self, points: list[Point], skipped: Counter[str], timed_out: bool, target: int
    ) -> Outcome | None:
        """An undecided outcome where the usable points cannot verify (too few of ``target``, outnumbered by
        the uncertain ones, a point where an integral or series may diverge, the time budget); else None."""
        seed = self.settings.seed
        n_skipped = sum(skipped.values())
        skip_text = self._skip_text(skipped)
        # Points whose value changed with the precision say nothing either way; when they
        # outnumber the usable ones, agreement elsewhere is not enough to verify.
        # So do points where a side is infinite or undefined: lim x e^{-lambda x} = 0 is +oo = 0 for every
        # lambda < 0, and agreement at the other half is no verification (ATK A9).
        uncertain = sum(
            n for why, n in skipped.items() if why in (UNSTABLE, UNRESOLVED, NON_FINITE) or why.startswith("quadrature")
        )
        # An integral or series that fails at even one point may diverge there (∫_0^oo e^{bt} dt =
        # -1/b holds only for b < 0; ∫ e^{-(a²-1)x²} dx only for |a| > 1, which two points in 14
        # missed): agreement on the rest is not enough to verify.
        failing = sum(n for why, n in skipped.items() if why.startswith(("quadrature", "evaluation failed")))
        too_few = len(points) < min(_MIN_VALID, target) or uncertain > len(points)
        if too_few or failing > 0:
            why = "time budget" if timed_out else "too few usable points"
            if not (timed_out or too_few):
                why = f"no value at {failing} point(s), where an integral or series may diverge"
            summary = f"{why}: {len(points)} usable of {len(points) + n_skipped} points ({skip_text})"
            if skipped[UNRESOLVED]:
                summary += (
                    f"; the claim's own numbers need {self._digits_text(self.needed)} digits to tell a difference"
                    f" from zero, more than the {self.max_digits} this tier works at"
                )
            reason = "timeout" if timed_out else "too few points"
            return Outcome(
                Verdict.UNDECIDED, Evidence(Method.NUMERIC, summary, points=tuple(points), seed=seed, reason=reason)
            )
        return None

    def _beyond_samples(self, seen: set[tuple]) -> Outcome | None:
        """Where random points do not look: far out, tight points, and (inequalities) the margin."""
        # Points near 1 miss claims that fail only far out (x < 5000, n < 10**6).
        far = self._far(seen)
        if far is not None:
            return far
        # Random points miss a failure confined to one point or a short interval.
        tight = self._tight_points(seen)
        if tight is not None:
            return tight
        jump = self._jumps()
        if jump is not None or self.tight:
            return jump
        narrow = self._narrow_features()
        if narrow is not None or self.tight:
            return narrow
        if self._inequality and len(self.cells_l) == 1:
            return self._margins()
        return None

    def _verified(self, points: list[Point], skipped: Counter[str], timed_out: bool) -> Outcome:
        seed = self.settings.seed
        if skipped[TIE] or self.tie:
            return self._tied(points)
        if self.tight or self.unbounded:
            why = self.tight or self.unbounded
            ev = Evidence(Method.NUMERIC, why, points=tuple(points), seed=seed, reason="tight")
            return Outcome(Verdict.UNDECIDED, ev)
        digits = max(p.digits for p in points)
        stop = "; stopped early: time budget" if timed_out else ""
        reach = self._reach_text(points)
        margin = "".join(f"{note}; " for note in self.notes)
        summary = (
            f"{self._agree_word()} at {len(points)} points{reach}, {self._far_text()}{margin}"
            f"certified to {digits - MARGIN} digits: {excluded(digits, self.held)} "
            f"(evaluated at {self.ladder[0]} and {digits} digits; {self._skip_text(skipped)}){stop}"
        )
        # The evidence's points stay the sampled ones (numeric_points of them); the summary says
        # what the far points reached.
        return Outcome(Verdict.VERIFIED, Evidence(Method.NUMERIC, summary, points=tuple(points), seed=seed))

    # -- inequalities: exact sign analysis, limits at the ends, margin search -----------

    def _margins(self) -> Outcome | None:
        """A refutation, or an undecided outcome, from where an inequality is tightest; None if neither.

        One free scalar with lhs - rhs rational in it: exact sign analysis (a complete answer).
        Otherwise sympy's limits at the ends of the domain, then the margin search
        (`derive.tiers._margin`). Every failure is confirmed at an exact point by the ladder.
        """
        g = self.cells_l[0] - self.cells_r[0]
        if len(self.free) == 1 and self._point_kind(self.free[0]) != "none":
            x, kind = self.free[0], self._point_kind(self.free[0])
            decided = self._sign_analysis(g, x, kind)
            if decided is not None or self.exact:
                return decided
            decided = self._end_limits(g, x, kind)
            if decided is not None:
                return decided
        return self._margin_search()

    @property
    def _sense(self) -> int:
        """+1 when the claim says lhs - rhs is above 0 (>, >=), -1 when below."""
        return 1 if self.relation in (Relation.GT, Relation.GE) else -1

    @property
    def _strict(self) -> bool:
        return self.relation in (Relation.LT, Relation.GT)

    def _sign_analysis(self, g: sympy.Expr, x: sympy.Symbol, kind: str) -> Outcome | None:
        found = sign_points(g, x, kind, self._seconds(4))
        if found is None:
            return None
        tests, zeros = found
        for p in tests:
            verdict = self._judge({x: p}, need=2, safe=True)
            if verdict.kind == "fail":
                return self._refuted({x: p}, verdict)
            if verdict.kind == "skip":
                return None  # not complete: the other checks go on
        if self._strict:
            for z in zeros:
                verdict = self._judge({x: z}, need=2, safe=True)
                if verdict.kind == "fail":
                    return self._refuted({x: z}, verdict)
                if verdict.kind == "skip" and verdict.note == TIE:
                    # z is a root of the numerator of lhs - rhs, not of its denominator: exactly 0.
                    exact = _Verdict("fail", verdict.digits, verdict.lhs, verdict.rhs, note="equality")
                    return self._refuted({x: z}, exact)
                return None
        roots = f"{len(zeros)} real root{'s' if len(zeros) != 1 else ''}"
        self.exact = (
            f"exact sign analysis: lhs - rhs is rational in {x}, {roots} in the domain, "
            f"holds at an exact point of each of the {len(tests)} intervals and ends between its roots and poles"
        )
        self.notes.append(self.exact)
        return None

    def _end_limits(self, g: sympy.Expr, x: sympy.Symbol, kind: str) -> Outcome | None:
        notes = []
        # sympy's limit knows floor (floor(x) - x has AccumBounds(-1, 0) at -oo), not the guarded
        # integer parts, whose limits came out as oo.
        plain = g.replace(_Floor, sympy.floor).replace(_Ceiling, sympy.ceiling)
        for end, limit in end_limits(plain, x, kind, self._seconds(3)):
            signed = self._sense * limit
            wrong = bool(signed.is_extended_negative)
            if not wrong and not (self._strict and limit == 0):
                continue
            if not wrong and positive_near(self._sense * g, x, end, self._seconds(4)):
                notes.append(f"lhs - rhs -> 0 as {x} -> {end}, on the claimed side there (sympy proves its sign)")
                continue
            last, certified, beyond = None, 0, ""
            for p in walk(end, kind, further=wrong):
                if time.perf_counter() > self.deadline:
                    break
                verdict = self._judge({x: p}, need=2, safe=True)
                if verdict.kind == "fail":
                    return self._refuted({x: p}, verdict)
                if not wrong and verdict.note == UNRESOLVED and certified >= _WALK_CERTIFIED:
                    # Further out no affordable precision tells the sides apart (softplus(-1e4)
                    # hides 8700 digits): the walk ends at the last certified point, and says so.
                    beyond = f"; beyond, {self.max_digits} digits cannot tell the sides apart"
                    break
                if not wrong and (verdict.kind != "ok" or verdict.note == ZERO):
                    self.tight = (
                        f"lhs - rhs tends to 0 as {x} -> {end}, and at {x} = {_short(p, 24)} the sides cannot be told"
                        f" apart ({verdict.note or 'no certified sign'}): a strict {self.relation.value} can fail"
                        " there unseen"
                    )
                    return None
                last, certified = p, certified + 1
            if wrong:
                self.tight = (
                    f"sympy's limit of lhs - rhs as {x} -> {end} is {_short(limit, 24)}, on the wrong side,"
                    f" but no point out to {x} = {_short(last, 24)} confirms a failure"
                )
                return None
            notes.append(f"lhs - rhs -> 0 as {x} -> {end}, its sign certified out to {x} = {_short(last, 24)}{beyond}")
        if notes:
            self.notes.append("; ".join(notes))
        return None

    def _margin_search(self) -> Outcome | None:
        space = _SearchSpace(self.problem, self.free, self._point_kind)
        if len(space.variables) > _MAX_SEARCH_DIM:
            return self._unsearched(f"{len(space.variables)} scalars to search, more than {_MAX_SEARCH_DIM}")
        lhs, rhs = (space.substitute(c) for c in (self.cells_l[0], self.cells_r[0]))
        try:
            search = MarginSearch(lhs, rhs, self._sense, space.variables, self._search_digits(), extra=_MP_EXTRA)
        except (UnsupportedError, ValueError, TypeError) as exc:
            if self.expensive and not self.closed_note:
                decided = self._closed_form_search()
                if decided is not None or self.closed_note:
                    return decided
            return self._unsearched(f"the margin search cannot evaluate {_short(exc, 40)}")
        now = time.perf_counter()
        n_starts = _SEARCH_STARTS if len(space.variables) <= _FEW_STARTS_DIM else _SEARCH_STARTS // 2
        starts = [p for p in (space.to_search(s) for s in self.starts[:n_starts]) if p is not None]
        minima = search.run(starts, now + min(_SEARCH_SECONDS, 0.4 * (self.deadline - now)))
        for m in minima:
            decided = self._judge_minimum(space.lift(m, self.free))
            if decided is not None:
                return decided
            if self.tight:
                self._diophantine()  # the more telling reason, where it applies
                return None
        if self._diophantine():
            return None
        best = space.lift(search.best, self.free) if search.best is not None else None
        if search.cut_short:
            # On a loaded machine the deadline can stop the search before the start that would
            # have found the tight point (det, trace and tr S^2 of an SPD 3x3 meeting at
            # eigenvalues 1, 2, 3): what was not searched cannot be vouched for.
            where = f"; smallest margin so far {best.margin:.2g} (relative)" if best is not None else ""
            self.tight = (
                f"the margin search ran out of time after {search.starts_used} of {len(starts)} starts{where}: "
                "an unsearched tight point may hide a failure; raise --timeout"
            )
            return None
        if best is None:
            self.notes.append(f"margin search from {search.starts_used} starts: no usable minimum")
        else:
            smallest = f"0 to {search.digits - 10} digits" if best.state == "zero" else f"{best.margin:.2g}"
            if best.state == "end":
                smallest += ", tending to 0 towards an end of the domain,"
            head = f"margin search from {search.starts_used} starts: smallest margin {smallest} (relative)"
            self.notes.insert(0, f"{head} at {best.where}")
        return None

    def _jumps(self) -> Outcome | None:
        """A refutation at a jump of floor/ceiling/frac/Mod, or None.

        Two sides can disagree exactly on a jump (``floor(x + 1/3) == ceiling(x - 2/3)`` fails
        at x = 2/3 + k only): a set of measure zero that sampling never hits. For each integer
        part's argument a, linear in some variable v, and each usable sample point, v is solved
        exactly for a = k (k around a's value there; sympy's solve where a is not linear), and
        the claim judged there and just beside (the integers around it, for an integer v).
        Where the jumps cannot be solved for, the claim is undecided.
        """
        args: list[sympy.Expr] = []
        for cell in (*self.cells_l, *self.cells_r):
            for node in sympy.preorder_traversal(cell):
                if isinstance(node, (_IntegerPart, sympy.floor, sympy.ceiling, sympy.frac)):
                    args.append(node.args[0])
                elif isinstance(node, sympy.Mod) and node.args[1].is_number:
                    args.append(node.args[0] / node.args[1])
        args = [a for a in dict.fromkeys(args) if a.free_symbols & set(self.free)]
        if not args:
            return None
        near = sympy.Rational(1, 1000)
        for a in args[:4]:
            inverse = self._invert(a)
            if inverse is None:
                self.tight = (
                    f"the jumps of an integer part of {_short(a, 40)} cannot be solved for, and a disagreement"
                    " exactly on a jump is invisible to sampling"
                )
                return None
            v, at_level = inverse
            kind = self._point_kind(v)
            for start in self.starts[:4]:
                value = _real_number(a.xreplace(start))
                if value is None or abs(value) > 1e12:
                    continue
                for k in range(math.floor(value) - 1, math.floor(value) + 3):
                    for root in at_level(start, sympy.Integer(k)):
                        number = _real_number(root)
                        if number is None:
                            continue
                        if v.is_integer or "integer" in kind:
                            options = [sympy.Integer(math.floor(number) + d) for d in (-1, 0, 1, 2)]
                        else:
                            options = [root, root - near, root + near]
                        for option in options:
                            if not _respects(kind, option):
                                continue
                            if time.perf_counter() > self.deadline:
                                self.tight = "the time budget ran out while judging the jumps of its integer parts"
                                return None
                            point = {**start, v: option}
                            verdict = self._judge(point, need=2, safe=True)
                            if verdict.kind == "fail":
                                return self._refuted(point, verdict)
        self.notes.append("judged at the jumps of its integer parts next to the sample points")
        return None

    def _invert(self, a: sympy.Expr) -> tuple[sympy.Symbol, Callable[[dict, sympy.Integer], list[sympy.Expr]]] | None:
        """A variable v of ``a`` and a way to the values of v where a = k (the others at a start):
        exact algebra where a is linear in v, else sympy's solve of a = K (sqrt(n) = K at n = K**2)."""
        candidates = [
            v
            for v in sorted(a.free_symbols & set(self.free), key=sympy.default_sort_key)
            if self._point_kind(v) not in ("none", "probability")
        ]
        for v in candidates:
            slope = a.diff(v)
            if slope.is_number and slope.is_nonzero:

                def linear(start: dict, k: sympy.Integer, v: sympy.Symbol = v, slope: sympy.Expr = slope) -> list:
                    return [start[v] + (k - a.xreplace(start)) / slope]

                return v, linear
        level = sympy.Dummy("k", real=True)
        for v in candidates:
            y = sympy.Dummy("y", real=True)
            found = self._solve(lambda v=v, y=y: sympy.solve(a.xreplace({v: y}) - level, y), share=8)
            if not isinstance(found, list) or not found or len(found) > 4:
                continue
            if not all(isinstance(r, sympy.Expr) and not r.has(y) for r in found):
                continue

            def solved(start: dict, k: sympy.Integer, v: sympy.Symbol = v, roots: list = found) -> list:
                others = {s: x for s, x in start.items() if s != v}
                return [r.xreplace({level: k, **others}) for r in roots]

            return v, solved
        return None

    def _narrow_features(self) -> Outcome | None:
        """A refutation where a feature of the claim's own scale may hide, or None.

        A large constant c multiplying a non-constant g (``exp(-10**12*(x - cos(x))**2)``,
        ``1/(1 + 10**12*g)``, ``sigmoid(10**9*g)``) makes a feature about 1/sqrt(c) wide around
        the zeros of g, which random points and the margin search (it starts where the margin
        is flat) never see. So the zeros or minima of each such g are searched (g itself where
        sympy knows it is nonnegative, else g**2) and the claim is judged at each minimiser,
        exact to the search's digits. A feature that cannot be searched leaves the claim undecided.
        """
        inners = _narrow_inners((*self.cells_l, *self.cells_r))
        if not inners:
            return None
        space = _SearchSpace(self.problem, self.free, self._point_kind)
        seen: set[tuple] = set()
        for inner in inners:
            target = inner if inner.is_nonnegative else inner**2
            why = f"a narrow feature (a large constant times {_short(inner, 40)})"
            if len(space.variables) > _MAX_SEARCH_DIM:
                self.tight = f"{why} may hide a failure, and {len(space.variables)} scalars are too many to search"
                return None
            try:
                search = MarginSearch(
                    space.substitute(target), sympy.S.Zero, 1, space.variables, self._search_digits(), extra=_MP_EXTRA
                )
            except (UnsupportedError, ValueError, TypeError) as exc:
                self.tight = f"{why} may hide a failure, and its zeros cannot be searched ({_short(exc, 40)})"
                return None
            now = time.perf_counter()
            starts = [p for p in (space.to_search(s) for s in self.starts[:_SEARCH_STARTS]) if p is not None]
            minima = search.run(starts, now + min(_SEARCH_SECONDS, 0.3 * (self.deadline - now)))
            for m in minima:
                lifted = space.lift(m, self.free)
                for point in (lifted.values, *lifted.snaps):
                    if not _first_visit(point, seen):
                        continue
                    verdict = self._judge(point, need=2, safe=True)
                    if verdict.kind == "fail":
                        return self._refuted(point, verdict)
            if not minima:
                self.tight = f"{why} may hide a failure, and the search for its zeros found no minimum"
                return None
            self.notes.append(f"{why}: judged at the minima of {_short(target, 40)} ({search.starts_used} starts)")
        return None

    def _diophantine(self) -> bool:
        """Whether a strict inequality is a polynomial in two or more integer variables that comes
        near 0 over the reals; then it is undecided (`self.tight`): its integer zeros, if any,
        can be astronomically far apart ((m**2 - 61*n**2 - 1)**2 > 0 fails first at m =
        1766319049) and no sampling or local search finds them.

        The real relaxation puts each integer variable past its bound (m = 1 + e^u for a
        positive integer), so m**2 + n**2 > 0 keeps its margin of 2 and stays searchable.
        """
        kinds = {s: self._point_kind(s) for s in self.free}
        shift = {"positive integer": 1, "nonnegative integer": 0, "negative integer": -1}
        if not self._strict or len(self.free) < 2 or any("integer" not in k for k in kinds.values()):
            return False
        g = self._sense * (self.cells_l[0] - self.cells_r[0])
        try:
            if (
                not g.is_polynomial(*self.free)
                or not sympy.Poly(g, *self.free).domain.is_QQ | sympy.Poly(g, *self.free).domain.is_ZZ
            ):
                return False
        except (sympy.PolynomialError, ValueError, TypeError):
            return False
        relaxed: dict[sympy.Symbol, sympy.Expr] = {}
        variables: list[tuple[sympy.Symbol, str]] = []
        for s, kind in kinds.items():
            d = sympy.Dummy(str(s), real=True)
            if kind in shift:
                relaxed[s] = shift[kind] + (d if shift[kind] >= 0 else -d)
                variables.append((d, "nonnegative"))
            else:
                relaxed[s] = d
                variables.append((d, "real"))
        try:
            search = MarginSearch(g.xreplace(relaxed), sympy.S.Zero, 1, variables, self._search_digits())
        except (UnsupportedError, ValueError, TypeError):
            return False
        starts = []
        for start in self.starts[:_SEARCH_STARTS]:
            point = {}
            for s, kind in kinds.items():
                value = start[s] - shift.get(kind, 0)
                point[relaxed[s].free_symbols.pop()] = abs(value) + sympy.Rational(1, 2) if kind in shift else value
            starts.append(point)
        now = time.perf_counter()
        search.run(starts, now + min(1.0, 0.3 * (self.deadline - now)))
        best = search.best
        if best is None or (best.state == "positive" and best.margin > 1e-3):
            return False
        self.tight = (
            f"lhs - rhs is a polynomial in the integer variables {', '.join(map(str, self.free))} that comes within"
            f" {max(best.margin, 0):.2g} (relative) of 0 over the reals (at {best.where}): its integer zeros, if any,"
            " can lie astronomically far apart, beyond any sampling; a strict inequality needs a proof here"
        )
        return True

    def _closed_form_search(self) -> Outcome | None:
        """Far points and the margin search on sympy's closed form of the claim's sums and
        products (``Sum(1/(k*(k + 1)), (k, 1, n))`` is ``1 - 1/(n + 1)``): a refutation, or
        None with what they showed. The closed form must be free of sums, integrals and
        Piecewise (conditions sympy may have got wrong) and agree with the sums themselves at
        the sample points; counterexamples are evaluated on it, and say so."""
        closed = self._closed_form()
        if closed is None:
            return None
        child = _Checker(
            problem=self.problem,
            settings=self.settings,
            cells_l=closed[0],
            cells_r=closed[1],
            shape=self.shape,
            free=self.free,
            start=self.start,
        )
        child.deadline, child.starts = self.deadline, self.starts
        form = _short(closed[0][0] - closed[1][0], 60)
        child.closed_note = self.closed_note = f"evaluated on sympy's closed form lhs - rhs = {form}"
        decided = child._far(set()) or child._margins()
        if decided is not None:
            return decided
        self.tight = child.tight
        self.far_note = f"far points and margin search on sympy's closed form of the sums ({form}): {child._far_text()}"
        self.far_note = self.far_note.rstrip(", ")
        self.notes += child.notes
        return None

    def _closed_form(self) -> tuple[tuple[sympy.Expr, ...], tuple[sympy.Expr, ...]] | None:
        """sympy's doit() of both sides, when it leaves no sum, product, integral or Piecewise,
        has an mpmath form, and agrees with the original at two or more sample points to 30 digits."""
        found = self._solve(lambda: (tuple(c.doit() for c in self.cells_l), tuple(c.doit() for c in self.cells_r)))
        if not isinstance(found, tuple):
            return None
        closed = (*found[0], *found[1])
        if any(c.has(sympy.Sum, sympy.Product, sympy.Integral, sympy.Piecewise) for c in closed):
            return None
        if any(not c.free_symbols <= set(self.free) for c in closed):
            return None
        try:
            # Only what mpmath evaluates directly: sympy turns harmonic(10**6) into an exact
            # rational of millions of digits, and far points would never return.
            for c in closed:
                compile_mp(c, self.free, _MP_EXTRA)
        except (UnsupportedError, ValueError, TypeError):
            return None
        agreed = 0
        for start in self.starts[:4]:
            for orig, form in zip((*self.cells_l, *self.cells_r), closed, strict=True):
                a, b = (_real_number(sympy.N(e.xreplace(start), 40)) for e in (orig, form))
                if a is None or b is None or abs(a - b) > 1e-12 * max(1.0, abs(a)):
                    return None
            agreed += 1
        return found if agreed >= 2 else None

    def _unsearched(self, why: str) -> None:
        """No margin search: sampling alone never sees a failure on a point or a narrow region
        (``(trace(S) - 3)**2 + (det(S) - 2)**2 > 0`` fails only at S = diag(1, 2)), so the
        inequality is not verified."""
        self.tight = (
            f"{why}: the points where the sides are tightest were not searched, and a failure on a point or a"
            f" narrow region is invisible to sampling"
        )

    def _judge_minimum(self, m: Minimum) -> Outcome | None:
        """Judge a refined minimum of the margin at exact points; a failure refutes, a tight
        point nothing exact settles leaves the claim undecided (`self.tight`)."""
        for point in m.beyond:
            far = self._judge(point, need=2, safe=True)
            if far.kind == "fail":
                return self._refuted(point, far)
        verdict = self._judge(m.values, need=2, safe=True)
        if verdict.kind == "fail":
            return self._refuted(m.values, verdict)
        # Newton neither brought the margin to 0 nor showed a clear positive minimum: the search may
        # have stopped on its way to a point where the sides meet (in 6 scalars, under load).
        unsettled = m.state == "positive" and m.margin < _UNSETTLED and not m.settled
        if m.state == "positive" and not unsettled:
            return None
        for point in [*m.snaps, *self._exact_near(m.near)]:
            exact = self._judge(point, need=2, safe=True)
            if exact.kind == "fail":
                return self._refuted(point, exact)
            if (
                m.state in ("zero", "positive")
                and exact.kind == "ok"
                and exact.note == ZERO
                and self._exactly_equal(point)
            ):
                at = ", ".join(f"{k} = {v}" for k, v in _values_text(point))
                note = f"tight exactly at {at} (allowed by {self.relation.value})"
                if note not in self.notes:  # several starts converge on one point
                    self.notes.append(note)
                return None
        # The ladder certified the margin's sign at the minimiser itself (not a tie).
        certified = verdict.kind == "ok" and verdict.note != ZERO
        if certified and (m.state == "end" or (m.state == "zero" and not self._strict)):
            where = "towards the end of the domain " if m.state == "end" else ""
            if not any(note.startswith("tight") for note in self.notes):  # the lowest minimum speaks
                self.notes.append(
                    f"tight {where}at {m.where}, the sign certified there ({verdict.digits - MARGIN} digits)"
                )
            return None
        if m.state == "end":
            return self._retreat(m)
        if unsettled:
            self.tight = (
                f"the margin search came within {m.margin:.2g} (relative) of 0 at {m.where} and could not settle"
                f" whether the sides meet there: {self.relation.value} may fail there, or hold tightly"
            )
        elif m.state == "negative":
            self.tight = (
                f"the margin search reached lhs - rhs = {m.margin:.2g} (relative to the sides) at {m.where}, but no"
                " exact point near it confirms a failure"
            )
        else:
            self.tight = (
                f"the sides meet at {m.where} to {self._search_digits() - 10} digits (margin {m.margin:.1g} relative),"
                f" and no exact point there shows them equal: {self.relation.value} may fail there, or hold tightly"
            )
        return None

    def _retreat(self, m: Minimum) -> Outcome | None:
        """An end the ladder cannot see the sign at (the margin below its precision): the sign
        certified at the first point on the way back, or undecided."""
        for point in m.retreat:
            verdict = self._judge(point, need=2, safe=True)
            if verdict.kind == "fail":
                return self._refuted(point, verdict)
            if verdict.kind == "ok" and verdict.note != ZERO:
                at = ", ".join(f"{k} = {_short(v, 16)}" for k, v in _values_text(point))
                self.notes.append(
                    f"lhs - rhs tends to 0 towards the end of the domain ({m.where}), its sign certified on the"
                    f" way there at {at}"
                )
                return None
        self.tight = (
            f"lhs - rhs tends to 0 towards {m.where}, where the sides cannot be told apart, and no point on the"
            f" way there certifies its sign: {self.relation.value} may fail there unseen"
        )
        return None

    def _exact_near(self, near: tuple[float, ...]) -> list[dict[sympy.Symbol, sympy.Expr]]:
        """Pivot and critical points (exact values) next to a minimiser: the tight point may be one of them."""
        out = []
        for candidate in self.exact_candidates:
            values = [_real_number(candidate.get(s, sympy.nan)) for s in self.free]
            if any(v is None for v in values):
                continue
            if all(abs(v - n) <= 1e-6 * max(1.0, abs(n)) for v, n in zip(values, near, strict=True)):
                out.append(candidate)
        return out

    def _search_digits(self) -> int:
        """Digits a minimiser is refined to: twice the digits of the claim's exact numbers, plus room."""
        digits = 0
        for c in (*self.cells_l, *self.cells_r):
            for r in c.atoms(sympy.Rational):
                digits = max(digits, max(abs(int(r.p)), int(r.q)).bit_length() * 0.30103)
        return int(min(400, max(60, 2 * digits + 20)))

    def _seconds(self, share: float) -> float:
        return min(2.0, max(0.0, self.deadline - time.perf_counter()) / share)

    def _far(self, seen: set[tuple]) -> Outcome | None:
        """A refutation at a far point (`derive.tiers.sampling.far_points`), or None; records what they showed."""
        if self.expensive:
            # Quadrature and series at 1e12 cost more than the claim's budget and prove little.
            self.far_note = "no far points (integrals or sums)"
            return None
        rng = np.random.default_rng(self.settings.seed + 7919)
        # Inequalities also go towards singular SPD matrices (trace(inverse(S)) < 10**40); for
        # equalities those points cost the most digits and rarely show more.
        found = far_points(self.problem.symbols, self.free, rng, largest=self._largest(), singular=self._inequality)
        for candidate in found:
            if time.perf_counter() > self.deadline:
                self.far_note = "far points stopped: time budget"
                return None
            values = {s: v for s, v in candidate.items() if s in self.free}
            if not _first_visit(values, seen):
                continue
            verdict = self._judge(values, need=2, safe=True)
            if verdict.kind == "fail":
                return self._refuted(values, verdict)
            if verdict.kind == "skip":
                self.far_skipped[verdict.note] += 1
                if verdict.note == TIE:
                    self.tie = _values_text(values)
                continue
            self.far_used.append(self._record(values, verdict))
        return None

    def _unresolvable(self, values: dict[sympy.Symbol, sympy.Expr]) -> _Verdict | None:
        """A skip for a far (or walked, or searched) point where an exponentially saturating function's argument hides
        more digits than the ladder has (tanh at -1193200 hides 2e6 digits, and sympy's evalf
        of lhs - rhs there runs for minutes), before any rung is paid for."""
        needed = 0.0
        for cell in (*self.cells_l, *self.cells_r):
            for node in cell.atoms(sympy.Function):
                hidden = _SATURATING.get(node.func)
                if hidden is None or len(node.args) != 1:
                    continue
                try:
                    t = abs(float(sympy.N(safe_replace(node.args[0], values), 15)))
                except (TypeError, ValueError, OverflowError):
                    continue
                needed = max(needed, hidden * min(t, 1e7) ** (2 if node.func in (sympy.erf, sympy.erfc) else 1))
        if needed > self.max_digits:
            return _Verdict("skip", note=UNRESOLVED, needed=int(min(needed, 1e9)))
        return None

    def _largest(self) -> float:
        """The largest magnitude of an exact number the claim writes (0 if none): far points go beyond it."""
        out = 0.0
        for c in (*self.cells_l, *self.cells_r):
            for r in c.atoms(sympy.Rational):
                bits = max(abs(int(r.p)).bit_length() - int(r.q).bit_length(), 0)
                out = max(out, 2.0 ** min(bits, 1000))
        return out

    def _far_text(self) -> str:
        if self.far_note:
            return self.far_note + ", "
        used = len(self.far_used)
        total = used + sum(self.far_skipped.values())
        if not total:
            return ""
        reach = self._reach_text(self.far_used, bare=True)
        skipped = f" ({self._skip_text(self.far_skipped)})" if used < total else ""
        return f"{used} of {total} far points{skipped}{reach}, "

    @staticmethod
    def _reach_text(points: Sequence[Point], *, bare: bool = False) -> str:
        """How far out the points went: "(|x| up to 3.7e12)"."""
        top = 0.0
        for p in points:
            for _, v in p.values:
                try:
                    top = max(top, abs(float(sympy.Rational(v))))
                except (TypeError, ValueError, OverflowError):
                    continue
        if top == 0:
            return ""
        return f" (|values| up to {top:.2g})" if not bare else f" reaching |values| {top:.2g}"

    def _run_constant(self) -> Outcome:
        seed = self.settings.seed
        # Constants get a third rung (near-misses live there), unless quadrature is involved.
        need = 2 if self.expensive else 3
        verdict = self._judge({}, need=need)
        if verdict.kind == "fail":
            return self._refuted({}, verdict)
        if verdict.note == UNRESOLVED:
            lhs, rhs, _ = self._render(verdict)
            summary = (
                f"the sides agree to {verdict.digits - MARGIN} digits (lhs = {lhs}, rhs = {rhs}), but the claim's"
                f" own numbers need {self._digits_text(verdict.needed)} digits to tell a difference from zero,"
                f" more than the {self.max_digits} this tier works at: "
                + ("their order cannot be told" if self._inequality else "agreement cannot certify equality")
            )
            return Outcome(Verdict.UNDECIDED, Evidence(Method.NUMERIC, summary, reason=UNRESOLVED, seed=seed))
        if verdict.note == UNSTABLE:
            summary = (
                "lhs - rhs does not settle as the precision grows (a difference seen at one precision is not"
                " confirmed at the next): neither agreement nor a counterexample"
            )
            return Outcome(Verdict.UNDECIDED, Evidence(Method.NUMERIC, summary, reason=UNSTABLE, seed=seed))
        if verdict.kind == "skip":
            summary = f"the sides have no usable value: {verdict.note}"
            return Outcome(Verdict.UNDECIDED, Evidence(Method.NUMERIC, summary, reason=verdict.note, seed=seed))
        point = self._record({}, verdict)
        # One number, no random point to make a coincidence unlikely: say what was measured,
        # and that it is not a proof.
        how = f"agreement at {need} precisions" + (", lhs - rhs evaluated as one expression" if verdict.direct else "")
        summary = (
            f"{self._agree_word()}, certified to {verdict.digits - MARGIN} digits"
            f" (no free symbols: {how}; numeric agreement, not a proof)"
        )
        return Outcome(Verdict.VERIFIED, Evidence(Method.NUMERIC, summary, points=(point,), seed=seed))

    def _tied(self, points: list[Point]) -> Outcome:
        # A strict inequality whose sides agree to working precision at a point, without a
        # proof that they are equal there: it may fail exactly there, so it is not verified.
        at = ", ".join(f"{k} = {v}" for k, v in self.tie) if self.tie else "a sample point"
        summary = (
            f"the sides agree to working precision at {at} but could not be shown equal there: a strict "
            f"{self.relation.value} may fail exactly at that point ({len(points)} other points hold)"
        )
        ev = Evidence(Method.NUMERIC, summary, points=tuple(points), seed=self.settings.seed, reason=TIE)
        return Outcome(Verdict.UNDECIDED, ev)

    def _tight_points(self, seen: set[tuple]) -> Outcome | None:
        """A refutation at a point where the claim is typically tight, or None.

        Random points almost never hit the one point where ``log x < x - 1`` fails (x = 1),
        nor a narrow interval of failure (a Piecewise that differs on (3, 4)); so claims are also judged at pivot points
        (`derive.tiers.sampling.pivot_points`) and, with one free scalar, at the critical points of
        lhs - rhs that sympy can solve for (and the integers next to them).
        """
        # The points that catch narrow failures get a reserved slice of the budget: on a loaded machine the random
        # points may have spent the first half, and without these points nothing is verified (ATK A8).
        self.deadline = max(self.deadline, self.start + max(1.0, 0.75 * self.settings.timeout))
        candidates = pivot_points(self.problem.symbols, self.free) + self._critical_points() + self._branch_probes()
        self.exact_candidates = [c for c in candidates if all(s in c for s in self.free)]
        for candidate in candidates:
            if time.perf_counter() > self.deadline:
                # These points exist to catch what random points miss: a cut list proves nothing (ATK A8).
                self.tight = self.tight or _BUDGET_CUT
                return None
            values = {s: v for s, v in candidate.items() if s in self.free}
            if len(values) != len(self.free) or not _first_visit(values, seen):
                continue
            verdict = self._judge(values, need=2)
            if verdict.kind == "fail":
                return self._refuted(values, verdict)
            self._undefined_at(values, verdict)
            if verdict.kind == "skip" and verdict.note == TIE:
                self.tie = _values_text(values)
        return None

    def _undefined_at(self, values: dict[sympy.Symbol, sympy.Expr], verdict: _Verdict) -> None:
        """Keep a sampled or pivot point where a side of an inequality is infinite or undefined while a name
        sits at a value of the range its declaration states (log n at n = 0 for n in N_0, log x at x = 0 for
        x >= 0): the declaration allows the point, and -inf >= 0 or an undefined side is no inequality that
        holds there. A name only derive reads as real (1/x at x = 0) has its natural domain, which the
        author did not state: such a point is skipped, as for equalities."""
        if verdict.kind != "skip" or not verdict.note.startswith((NON_FINITE, POLE)) or not self._inequality:
            return
        for sym in values:
            spec, kind = kind_of(self.problem.symbols, sym)
            if spec is not None and not spec.kind.is_matrix and kind != "real":
                self.undefined.append(values)
                return

    def _undefined_outcome(self, held: Outcome) -> Outcome:
        """Undecided: an inequality that holds wherever it is defined, but not at a point its declarations allow."""
        at = "; ".join(", ".join(f"{k} = {v}" for k, v in _values_text(p)) for p in self.undefined[:3])
        summary = (
            f"a side is infinite or undefined at {at}, which the declared ranges allow: the inequality is not "
            f"shown to hold there (elsewhere: {held.evidence.summary}); declare a range that leaves the point out "
            "(e.g. a positive integer, x > 0) or state the convention at that point to settle"
        )
        points = held.evidence.points
        ev = Evidence(Method.NUMERIC, summary, points=points, seed=self.settings.seed, reason="undefined in range")
        return Outcome(Verdict.UNDECIDED, ev)

    def _critical_points(self) -> list[dict[sympy.Symbol, sympy.Expr]]:
        """Where lhs - rhs may be tight: critical points (one or two free scalars) and, for one
        scalar, the kinks of Abs/Max/Min/Heaviside/sign/Piecewise with points between them."""
        free = sorted(self.free, key=sympy.default_sort_key)
        if not 1 <= len(free) <= 2 or len(self.cells_l) != 1:
            return []
        dummies = [sympy.Dummy(f"y{k}", real=True) for k in range(len(free))]  # n's critical point is 61/2
        g = (self.cells_l[0] - self.cells_r[0]).xreplace(dict(zip(free, dummies, strict=True)))
        kinds = [self._point_kind(x) for x in free]
        solutions: list[list[sympy.Expr]] = []
        grad = [sympy.diff(g, y) for y in dummies]
        found = self._solve(lambda: sympy.solve(grad, dummies, dict=True), obligation=True)
        for sol in found if isinstance(found, list) else []:
            if isinstance(sol, dict) and all(y in sol for y in dummies):
                solutions.append([sol[y] for y in dummies])
        if len(free) == 1:
            solutions += [[b] for b in self._kinks(g, dummies[0], _DEEP_OFFSETS)]
            if self._inequality and kinds[0] != "none":
                self._unbounded_near(g, dummies[0], kinds[0], free[0])
        out: list[dict[sympy.Symbol, sympy.Expr]] = []
        for values in solutions[:24]:
            numbers = [_real_number(v) for v in values]
            if any(v is None for v in numbers):
                continue
            options = [
                [sympy.Integer(math.floor(n)), sympy.Integer(math.ceil(n))] if x.is_integer else [v]
                for x, v, n in zip(free, values, numbers, strict=True)
            ]
            for combo in itertools.product(*options):
                if all(_respects(k, v) for k, v in zip(kinds, combo, strict=True)):
                    out.append(dict(zip(free, combo, strict=True)))
        return out

    def _branch_probes(self) -> list[dict[sympy.Symbol, sympy.Expr]]:
        """With two or more free scalars, the kinks and branch points of lhs - rhs along each scalar alone, the others
        at the first usable sample point: a log's argument in x alone (``log(x - 1/8)`` beside a free y) has its
        branch points in x wherever y is, and ``log x + y = log(x - 1/8) + log(x/(x - 1/8)) + y`` fails only for x in
        (0, 1/8), which random points miss (ATK K22b; one free scalar: `_critical_points`)."""
        if len(self.free) < 2 or len(self.cells_l) != 1 or not self.starts:
            return []
        base = self.starts[0]
        g = self.cells_l[0] - self.cells_r[0]
        out: list[dict[sympy.Symbol, sympy.Expr]] = []
        for x in sorted(self.free, key=sympy.default_sort_key)[:_PROBED_SCALARS]:
            kind = self._point_kind(x)
            if time.perf_counter() > self.deadline:
                self.tight = self.tight or _BUDGET_CUT
                break
            if kind == "none":
                continue
            y = sympy.Dummy("y", real=True)
            along = g.xreplace({s: v for s, v in base.items() if s != x}).xreplace({x: y})
            # one deep probe per side along each scalar: many scalars share the budget
            for b in self._kinks(along, y, _DEEP_OFFSETS[1:2]):
                n = _real_number(b)
                if n is None:
                    continue
                for v in [sympy.Integer(math.floor(n)), sympy.Integer(math.ceil(n))] if x.is_integer else [b]:
                    if _respects(kind, v):
                        out.append({**base, x: v})
        return out[:_MAX_PROBES]

    def _point_kind(self, x: sympy.Symbol) -> str:
        """The kind a solved value for ``x`` must respect ("none": never use one)."""
        spec, kind = kind_of(self.problem.symbols, x)
        if spec is not None and spec.kind.is_matrix:
            if kind == "spd":
                # the single entry of a 1x1 SPD matrix is positive; other SPD entries are coupled
                return "positive" if spec.kind.rows == 1 else "none"
            return "real"
        return kind

    def _kinks(self, g: sympy.Expr, y: sympy.Symbol, deep: tuple[int, ...] = ()) -> list[sympy.Expr]:
        """The kinks of g in y, the midpoints between them and points just beside each. The branch points of a log or
        a fractional power (the zeros and poles of its argument) count as kinks: ``log x = log(x - 1/8) + log(x / (x -
        1/8))`` fails only for x in (0, 1/8), which random points miss (ATK K22)."""
        args: list[sympy.Expr] = []
        for node in sympy.preorder_traversal(g):
            if isinstance(node, (sympy.Abs, sympy.Heaviside, sympy.sign)):
                args.append(node.args[0])
            elif isinstance(node, sympy.log) or (
                isinstance(node, sympy.Pow) and node.exp.is_number and node.exp.is_integer is False
            ):
                if node.args[0].has(y):
                    args += [part for part in sympy.together(node.args[0]).as_numer_denom() if part.has(y)]
            elif isinstance(node, (sympy.Max, sympy.Min)):
                args += [a - b for a, b in itertools.combinations(node.args, 2)]
            elif self._inequality and isinstance(node, sympy.Pow) and node.exp.is_negative and node.base.has(y):
                # a pole: 1/sin(x) <= 10**40 fails only within 1e-40 of 0 (ATK A7)
                args += [part for part in sympy.together(node.base).as_numer_denom() if part.has(y)]
            elif isinstance(node, sympy.Piecewise):
                for _, cond in node.args:
                    args += [r.lhs - r.rhs for r in cond.atoms(sympy.core.relational.Relational)]
        points: set[sympy.Expr] = set()
        for a in args[:12]:
            if not a.has(y):
                continue
            roots = self._solve(lambda a=a: sympy.solve(a, y), obligation=True)
            for r in roots if isinstance(roots, list) else []:
                if isinstance(r, sympy.Expr) and r.is_number and _real_number(r) is not None:
                    points.add(r)
        ordered = sorted(points, key=lambda r: _real_number(r) or 0.0)
        near = sympy.Rational(1, 1000)
        out = [p + d for p in ordered for d in (0, -near, near)]
        out += [(a + b) / 2 for a, b in itertools.pairwise(ordered)]
        if self._inequality:
            # A side unbounded at a pole or at the edge of a log's domain crosses any bound within a tiny
            # distance of it: log x >= -100 fails only for x < e**-100 (ATK A7). Exact powers of ten, so the
            # ladder confirms a failure there at the digits it needs.
            ten = sympy.Integer(10)
            out += [p + d for p in ordered[:4] for k in deep for d in (-(ten**-k), ten**-k)]
        self.kink_points = ordered[:4]
        return out

    def _unbounded_near(self, g: sympy.Expr, y: sympy.Symbol, kind: str, name: sympy.Symbol) -> None:
        """Leave an inequality undecided where lhs - rhs tends to infinity on the wrong side at a pole or branch
        point: log x >= -1000 fails only for x < 1e-434, closer than any probe; a limit no probe confirms is no
        verification."""
        wrong = sympy.oo if self._sense < 0 else -sympy.oo
        tiny = sympy.Integer(10) ** -12
        for p in self.kink_points:
            for side in ("+", "-"):
                beside = p + tiny if side == "+" else p - tiny
                # a side the declaration excludes, or where lhs - rhs is not real, is no failure
                if not _respects(kind, beside) or not sympy.N(g.xreplace({y: beside}), 30).is_extended_real:
                    continue
                found = self._solve(lambda p=p, side=side: sympy.limit(g, y, p, side), share=8)
                if found == wrong:
                    where = "above" if side == "+" else "below"
                    # not self.tight: the margin search may still find (and confirm) the crossing point
                    self.unbounded = self.unbounded or (
                        f"lhs - rhs tends to {found} as {name} tends to {p} from {where}, "
                        "so the inequality fails arbitrarily close to it unless the text excludes that side; "
                        "no point checked there shows it"
                    )
                    return

    def _solve(self, fn: Callable[[], object], share: float = 4, *, obligation: bool = False) -> object:
        """``fn()`` (a sympy solve or simplify) within 1/share of the time left, at most 2 s; None if it fails.

        ``obligation``: the solve finds tight points (critical points, kinks, branch points); when the budget
        cuts it, nothing is verified on random points alone (ATK A8, under load)."""
        budget = min(2.0, max(0.0, self.deadline - time.perf_counter()) / share)
        if budget <= 0.05:
            if obligation:
                self.tight = self.tight or _BUDGET_CUT
            return None
        try:
            return bounded(fn, budget)  # a solve sympy cannot finish in its share is best effort
        except (RecursionError, MemoryError):
            raise
        except Exception:
            return None

    @property
    def _inequality(self) -> bool:
        return self.relation in (Relation.LE, Relation.GE, Relation.LT, Relation.GT)

    def _styles(self, n_random: int) -> list[str]:
        styles = ["simple"] * min(_SIMPLE_POINTS, n_random) + ["random"] * max(0, n_random - _SIMPLE_POINTS)
        if self._inequality:
            # Edge points early: inequalities tend to fail near the boundary of a kind.
            styles[1:1] = ["edge"] * _EDGE_POINTS
        return styles

    def _agree_word(self) -> str:
        if self.relation is Relation.APPROX:
            return f"agrees within relative tolerance {self.tolerance:g}"
        return "holds" if self._inequality else "agrees"

    @staticmethod
    def _digits_text(digits: int) -> str:
        return f"{digits:.2g}" if digits >= 10**6 else str(digits)

    @staticmethod
    def _skip_text(skipped: Counter[str]) -> str:
        total = sum(skipped.values())
        if not total:
            return "0 skipped"
        detail = ", ".join(f"{why}: {n}" for why, n in skipped.most_common())
        return f"{total} skipped: {detail}"

    # -- one point ---------------------------------------------------------------------

    def _empty_range(self, values: dict[sympy.Symbol, sympy.Expr]) -> bool:
        for lo, hi in self.ranges:
            a, b = lo.xreplace(values), hi.xreplace(values)
            if a.is_Integer and b.is_Integer and b < a:
                return True
        return False

    def _judge(self, values: dict[sympy.Symbol, sympy.Expr], *, need: int, safe: bool = False) -> _Verdict:
        """What the point ``values`` says. ``safe``: substitute through derive's guarded
        constructors first (a far point: 2**x at x = 3e12 must not become an exact integer)."""
        if self.ranges and self._empty_range(values):
            return _Verdict("skip", note="a sum or product range is empty there")
        if safe:
            try:
                cells_l = tuple(safe_replace(c, values) for c in self.cells_l)
                cells_r = tuple(safe_replace(c, values) for c in self.cells_r)
            except (RecursionError, MemoryError):
                raise
            except Exception as exc:  # a bad point is skipped and counted, as in the ladder
                return _Verdict("skip", note=f"undefined ({type(exc).__name__})")
            verdict = self._unresolvable(values) or self._judge_values(
                {}, need=need, cells=(cells_l, cells_r), point=values
            )
            if verdict.kind == "fail" and verdict.note != "equality":  # an exact equality needs no second look
                verdict = self._reconfirm(verdict, values, cells_l, cells_r)
        else:
            verdict = self._judge_values(values, need=need)
        if verdict.kind == "fail" and not self._series_confirmed(values):
            return _Verdict("skip", note=SERIES)
        return verdict

    def _reconfirm(
        self,
        verdict: _Verdict,
        values: dict[sympy.Symbol, sympy.Expr],
        cells_l: tuple[sympy.Basic, ...],
        cells_r: tuple[sympy.Basic, ...],
    ) -> _Verdict:
        """A failure at a far or searched point, confirmed by a second, independent evaluation.

        Far out, sympy's error bounds can be wrong in a way two precisions agree on:
        log(sigmoid(x)) + softplus(-x) is exactly 0, yet at x = 7273/2 evalf gives 4.9e-1580 at
        50, 100 and 400 digits alike. So the difference is evaluated again by mpmath directly
        (`derive.tiers._margin.compile_mp`, which rounds differently) and must agree to six digits;
        where mpmath cannot evaluate the claim, it must be confirmed at a precision beyond the
        digits the point's own numbers hide (`derive.tiers._ladder.resolution`), and beyond
        `MAX_DIGITS` the point is unresolved, never a counterexample.
        """
        agreed = self._mpmath_agrees(verdict, values)
        if agreed is not None:
            return verdict if agreed else _Verdict("skip", verdict.digits, verdict.lhs, verdict.rhs, note=UNSTABLE)
        needed = 0
        for a, b in zip(cells_l, cells_r, strict=True):
            try:
                needed = max(needed, resolution(sympy.Add(a, -b), self.deadline + 1.0) + MARGIN + GUARD)
            except SkipPointError as exc:
                return _Verdict("skip", note=exc.reason)
        if needed <= verdict.digits:
            return verdict
        if 2 * needed > max(MAX_DIGITS, self.max_digits) or self.expensive:
            return _Verdict("skip", verdict.digits, verdict.lhs, verdict.rhs, note=UNRESOLVED, needed=needed)
        again = self._judge_values({}, need=2, cells=(cells_l, cells_r), point=values, ladder=(needed, 2 * needed))
        if again.kind != "fail":
            return _Verdict("skip", verdict.digits, verdict.lhs, verdict.rhs, note=UNSTABLE)
        return again

    def _mpmath_agrees(self, verdict: _Verdict, values: dict[sympy.Symbol, sympy.Expr]) -> bool | None:
        """Whether mpmath's own value of the largest difference agrees (None: it cannot evaluate it)."""
        diffs = list(verdict.diffs) or [a - b for a, b in zip(verdict.lhs, verdict.rhs, strict=True)]
        i = max(range(len(diffs)), key=lambda k: abs(diffs[k]))
        syms = sorted(values, key=sympy.default_sort_key)
        try:
            fn = compile_mp(self.cells_l[i] - self.cells_r[i], syms, _MP_EXTRA)
        except (UnsupportedError, ValueError, TypeError):
            return None
        with mpmath.workdps(verdict.digits + 20):
            try:
                point = [mpmath.mpf(sympy.N(values[s], verdict.digits + 20)) for s in syms]
            except (TypeError, ValueError):
                return None
            theirs = real_value(fn, point)
            if theirs is None:
                return False
            ours = mpmath.re(diffs[i])
            return theirs != 0 and abs(theirs - ours) <= mpmath.mpf("1e-6") * abs(ours)

    def _series_confirmed(self, values: dict[sympy.Symbol, sympy.Expr]) -> bool:
        """Whether every infinite sum's value at this point agrees with mpmath's nsum.

        sympy's evalf gives Sum(exp(-3k/4), (k, 0, oo)) as exactly 2 (it is 1.8952...): a
        refutation through an infinite sum needs a second, independent evaluation.
        """
        cells = [safe_replace(c, values) for c in (*self.cells_l, *self.cells_r)]
        sums = {n for c in cells if isinstance(c, sympy.Basic) for n in c.atoms(sympy.Sum)}
        for node in sums:
            if len(node.limits) != 1 or node.limits[0][2] is not sympy.oo or node.free_symbols:
                continue
            k, lo, _ = node.limits[0]
            try:
                with mpmath.workdps(30):
                    f = sympy.lambdify(k, node.function, modules="mpmath")
                    theirs = mpmath.nsum(f, [mpmath.mpf(int(lo)), mpmath.inf])
                    ours = mpmath.mpmathify(node.evalf(30))
                    if not abs(theirs - ours) <= mpmath.mpf(10) ** -15 * max(1, abs(theirs)):
                        return False
            except Exception:
                return False
        return True

    def _judge_values(
        self,
        values: dict[sympy.Symbol, sympy.Expr],
        *,
        need: int,
        cells: tuple[tuple[sympy.Basic, ...], tuple[sympy.Basic, ...]] | None = None,
        point: dict[sympy.Symbol, sympy.Expr] | None = None,
        ladder: tuple[int, ...] | None = None,
    ) -> _Verdict:
        """``cells``: the sides already substituted at ``point`` (then ``values`` is empty);
        ``ladder``: other rungs than the claim's."""
        cells_l, cells_r = cells if cells is not None else (self.cells_l, self.cells_r)
        point = values if point is None else point
        rungs = ladder or self.ladder
        try:
            ladder = Ladder(cells_l, cells_r, values, rungs, self.deadline, max_digits=max(self.max_digits, rungs[-1]))
            # A single number (no free symbols) looks deeper for a difference before it agrees.
            deep = not point and not self.free and not self.expensive
            statuses = [ladder.settle(i, need, deep=deep) for i in range(len(self.cells_l))]
        except SkipPointError as exc:
            return _Verdict("skip", note=exc.reason)
        nonzero = [s for s in statuses if s.kind == "nonzero"]
        unresolved = [s for s in statuses if s.kind == "unresolved"]
        if any(s.kind == "unstable" for s in statuses) and not nonzero:
            return _Verdict("skip", note=UNSTABLE)
        level = max(s.level for s in statuses)
        lhs, rhs = ladder.values(level)
        digits = ladder.digits(level)
        if self.relation is Relation.EQ:
            if nonzero and self._outside_real_domain(ladder, nonzero, statuses):
                return _Verdict("skip", note=OUTSIDE_REAL)
            if nonzero:
                return self._fail(ladder, max(s.level for s in nonzero))
            if unresolved:
                return self._unresolved(ladder, unresolved)
            held = max(st.needed for st in statuses)
            return _Verdict("ok", digits, lhs, rhs, direct=len(ladder.direct) == len(statuses), needed=held)
        if self.relation is Relation.APPROX:
            if any(s.kind == "unstable" for s in statuses):
                return _Verdict("skip", note=UNSTABLE)
            for i, s in enumerate(statuses):
                if s.kind == "nonzero":
                    scale = max(abs(lhs[i]), abs(rhs[i]))
                    if abs(s.value) > self.tolerance * scale:
                        return self._fail(ladder, s.level)
            # An unresolved difference is below 10**-(digits - MARGIN) relative: within any tolerance.
            return _Verdict("ok", digits, lhs, rhs)
        # Inequalities (1x1): the status of lhs - rhs says zero (equality) or a confirmed sign.
        (s,) = statuses
        if s.kind == "unresolved":
            return self._unresolved(ladder, unresolved)  # too small to show its sign
        lhs, rhs = ladder.values(s.level)
        digits = ladder.digits(s.level)
        # Also an imaginary part small only beside a huge real one (log(x - 1) at x = 1 - 1e-120 is -276 + pi i):
        # a complex side is no counterexample to an inequality, however large its real part.
        tiny = mpmath.mpf(10) ** (-(digits // 2))
        if any(imaginary(v, digits) or abs(mpmath.im(v)) > tiny for v in (lhs[0], rhs[0])):
            return _Verdict("skip", note="complex value")
        strict = self.relation in (Relation.LT, Relation.GT)
        if s.kind == "zero":
            if strict:
                # Agreement to working precision is not equality (softplus(t) - t is 1e-434 at
                # t = 1000): a strict inequality fails only where the sides are equal exactly.
                if self._exactly_equal(point):
                    return _Verdict("fail", digits, lhs, rhs, note="equality")
                return _Verdict("skip", digits, lhs, rhs, note=TIE)
            # Allowed for <= and >=, but the margin search needs to know it was not certified.
            return _Verdict("ok", digits, lhs, rhs, note=ZERO)
        # The certified difference, not the sides' values: it may lie below their precision.
        slack = -s.value if self.relation in (Relation.LE, Relation.LT) else s.value
        if mpmath.re(slack) < 0:
            return self._fail(ladder, s.level)
        return _Verdict("ok", digits, lhs, rhs)

    def _outside_real_domain(self, ladder: Ladder, nonzero: list[Status], statuses: list[Status]) -> bool:
        """Whether every differing entry has both sides non-real at this point of a claim over real
        names with no imaginary unit: a point outside both sides' real domain (log(1 - beta) at beta =
        5/2), where principal branches may differ by 2 pi i though the step holds wherever it means
        something. A side real where the other is not stays a difference (log(x^2) = 2 log(x))."""
        if not self._real_claim:
            return False
        level = max(s.level for s in nonzero)
        lhs, rhs = ladder.values(level)
        digits = ladder.digits(level)
        return all(
            imaginary(lhs[i], digits) and imaginary(rhs[i], digits)
            for i, s in enumerate(statuses)
            if s.kind == "nonzero"
        )

    @functools.cached_property
    def _real_claim(self) -> bool:
        cells = self.cells_l + self.cells_r
        return all(sym.is_real for sym in self.free) and not any(
            c.has(sympy.I) or any(sym.is_real is not True for sym in c.free_symbols) for c in cells
        )

    def _exactly_equal(self, values: dict[sympy.Symbol, sympy.Expr]) -> bool:
        d = safe_replace(self.cells_l[0] - self.cells_r[0], values)
        if d == 0:
            return True
        out = self._solve(lambda: sympy.simplify(d), share=2)
        return isinstance(out, sympy.Expr) and out == 0

    @staticmethod
    def _fail(ladder: Ladder, level: int) -> _Verdict:
        lhs, rhs = ladder.values(level)
        diffs = tuple(ladder.difference(i, level) for i in range(len(lhs)))
        return _Verdict("fail", ladder.digits(level), lhs, rhs, diffs=diffs)

    @staticmethod
    def _unresolved(ladder: Ladder, statuses: Sequence[Status]) -> _Verdict:
        level = max(s.level for s in statuses)
        lhs, rhs = ladder.values(level)
        needed = max(s.needed for s in statuses)
        return _Verdict("skip", ladder.digits(level), lhs, rhs, note=UNRESOLVED, needed=needed)

    # -- evidence ----------------------------------------------------------------------

    def _record(self, values: dict[sympy.Symbol, sympy.Rational], verdict: _Verdict) -> Point:
        lhs, rhs, diff = self._render(verdict)
        return Point(_values_text(values), lhs, rhs, diff, verdict.digits)

    def _render(self, verdict: _Verdict) -> tuple[str, str, str]:
        with mpmath.workdps(verdict.digits + 10):
            diffs = list(verdict.diffs) or [a - b for a, b in zip(verdict.lhs, verdict.rhs, strict=True)]
            if self.shape == (1, 1):
                # Show as many digits as it takes for two close values to differ visibly.
                shown = _shown_digits(verdict.lhs[0], verdict.rhs[0], diffs[0], verdict.digits)
                return _num(verdict.lhs[0], shown), _num(verdict.rhs[0], shown), _num(diffs[0])
            rows, cols = self.shape
            worst = max(abs(d) for d in diffs)
            return _matrix_text(verdict.lhs, rows, cols), _matrix_text(verdict.rhs, rows, cols), _num(worst)

    def _refuted(self, values: dict[sympy.Symbol, sympy.Rational], verdict: _Verdict) -> Outcome:
        lhs, rhs, diff = self._render(verdict)
        cex = Counterexample(_values_text(values), lhs, rhs, diff, verdict.digits)
        at = ", ".join(f"{k} = {v}" for k, v in cex.values) or "(no free symbols)"
        if self.relation is Relation.EQ:
            head = f"differs at {at}" if values else "the sides differ"
            if self.shape != (1, 1):
                head += f" (largest entry difference {diff})"
        elif self.relation is Relation.APPROX:
            head = f"relative difference above {self.tolerance:g} at {at}" if values else "not within tolerance"
        elif verdict.note == "equality":
            head = f"equality (strict {self.relation.value} fails) at {at}"
        else:
            head = f"{self.relation.value} fails at {at}" if values else f"{self.relation.value} fails"
        gap = f", lhs - rhs = {diff}" if self.shape == (1, 1) and verdict.note != "equality" else ""
        summary = f"{head}: lhs = {lhs}, rhs = {rhs}{gap} (confirmed at {verdict.digits} digits)"
        if self.closed_note:
            summary += f" ({self.closed_note})"
        return Outcome(Verdict.REFUTED, Evidence(Method.NUMERIC, summary, counterexample=cex, seed=self.settings.seed))


#: How many free scalars `_Checker._branch_probes` probes one at a time, and how many points it gives at most.
_PROBED_SCALARS = 6
# How close to a pole or a log's branch point an inequality is probed (powers of ten).
_DEEP_OFFSETS = (12, 45, 120, 400)
# Why a claim whose tight points (pivots, critical points, branch probes) were cut by the time budget is
# undecided: on a loaded machine the budget ran out before the points that catch narrow failures.
_BUDGET_CUT = (
    "time budget spent before the tight points (pivots, critical points, branch points) were all checked; "
    "not verified on random points alone: rerun with a larger --timeout"
)
_MAX_PROBES = 48
#: An infinite sum's value at a point that two evaluations do not agree on.
SERIES = "infinite sum not confirmed by a second evaluation"
#: A strict inequality's sides agree to working precision at a point, without being equal exactly.
TIE = "sides agree to working precision (not exactly)"
#: A non-strict inequality holds at a point because its sides agree to working precision (not a certified sign).
ZERO = "sides agree to working precision"
#: Both sides non-real at a point of a claim over real names: outside the step's real domain.
OUTSIDE_REAL = "both sides non-real (outside the real domain)"


def _real_number(value: sympy.Expr) -> float | None:
    try:
        v = complex(sympy.N(value, 30))
    except (TypeError, ValueError):
        return None
    return v.real if v.imag == 0 and math.isfinite(v.real) else None


def _respects(kind: str, value: sympy.Expr) -> bool:
    """Whether a solved value is allowed for a scalar of this kind (a critical point may not be)."""
    return kind != "none" and allows(kind, value)


# ---------------------------------------------------------------------------------------
# Rendering.


def _values_text(values: dict[sympy.Symbol, sympy.Rational]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(s), str(v)) for s, v in values.items()))


def _first_visit(values: dict[sympy.Symbol, sympy.Expr], seen: set[tuple]) -> bool:
    """Whether the point ``values`` is new to ``seen`` (and now recorded there)."""
    key = _values_text(values)
    if key in seen:
        return False
    seen.add(key)
    return True


def _num(value: mpmath.mpc | mpmath.mpf, digits: int = 15) -> str:
    value = mpmath.mpmathify(value)
    if isinstance(value, mpmath.mpc) and value.imag == 0:
        value = value.real
    return mpmath.nstr(value, digits)


def _shown_digits(a: mpmath.mpc, b: mpmath.mpc, diff: mpmath.mpc, limit: int) -> int:
    diff, scale = abs(diff), max(abs(a), abs(b))
    if diff == 0 or scale == 0:
        return 15
    needed = int(mpmath.ceil(mpmath.log10(scale / diff))) + 3
    return max(15, min(needed, limit - MARGIN))


def _matrix_text(cells: Sequence[mpmath.mpc], rows: int, cols: int) -> str:
    inner = ", ".join("[" + ", ".join(_num(cells[r * cols + c]) for c in range(cols)) + "]" for r in range(rows))
    return f"[{inner}]"


def _short(expr: object, limit: int = 80) -> str:
    text = str(expr)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ---------------------------------------------------------------------------------------
# Unknown functions as random analytic functions.

#: How the evidence says a function was taken positive by its name (read by the LaTeX context, which may doubt it).
POSITIVE_BY_NAME = "positive (a density or likelihood, positive where its log is taken)"
#: Names whose values are positive where the text takes their log: a density, a probability, a likelihood.
_POSITIVE_NAMES = frozenset({"p", "q", "P", "Q", "L", "N", "Pr", "Prob"})
_FUNCTION_OPS = 400  # sides larger than this (operations) are not given interpretations


def _function_names(*sides: sympy.Basic) -> dict[sympy.FunctionClass, int] | None:
    """Each unknown function of ``sides`` with its number of arguments, or None when an interpretation could
    not stand for every reading: a function applied with different numbers of arguments (``f(x)`` and the
    ``f(x, y)`` derive widens it to under d/dy), applied at two tuples of plain names (``E(m)``, ``E(b)``: what
    derive makes of a bare E under ∂/∂m and ∂/∂b, a function of both), at an entry of a vector or matrix
    (a function of the whole vector, of which derive saw one entry), or a conditional ``p(x | y)``. Applications
    inside applications (``f(g(x))``) and at entries of a sample (``f(x_i)`` in a sum) are functions of numbers."""
    arity: dict[sympy.FunctionClass, int] = {}
    plain: dict[sympy.FunctionClass, set[tuple]] = {}
    for side in sides:
        for app in side.atoms(sympy.core.function.AppliedUndef):
            if arity.setdefault(app.func, len(app.args)) != len(app.args):
                return None
            if app.func.__name__ == "given" or any(
                a.has(sympy.matrices.expressions.matexpr.MatrixElement) or isinstance(a, sympy.MatrixBase)
                for a in app.args
            ):
                return None  # F(u[1]) (F of the vector u, one entry seen), p(x | given(y)): not a function of numbers
            if all(isinstance(a, sympy.Symbol) for a in app.args):
                plain.setdefault(app.func, set()).add(app.args)
    if any(len(tuples) > 1 for tuples in plain.values()):
        return None
    return arity


def _positive_name(func: sympy.FunctionClass) -> bool:
    name = func.__name__
    return name in _POSITIVE_NAMES or name.split("_", 1)[0] in _POSITIVE_NAMES


def _at_infinity(side: sympy.Basic) -> bool:
    """Whether ``side`` holds a limit, or an integral, sum or product with an infinite bound: its value depends
    on how the functions grow, which the interpretations share (``\\lim_{x \\to \\infty} f(x) e^{-x^2} = 0`` holds for
    every one of them, not for ``f(x) = e^{x^2}``)."""
    if side.has(sympy.Limit):
        return True
    for node in side.atoms(sympy.Integral, sympy.Sum, sympy.Product):
        for lim in node.limits:
            if any(b.has(sympy.oo, -sympy.oo, sympy.zoo) for b in lim[1:]):
                return True
    return False


#: Operations whose value on an unknown function depends on the range of its values: max(p(x), 1/10) = p(x) is
#: the inequality p >= 1/10 in disguise, which no few interpretations settle for every p.
_RANGE_OPS: tuple[type, ...] = (
    sympy.Max,
    sympy.Min,
    sympy.Abs,
    sympy.sign,
    sympy.floor,
    sympy.ceiling,
    sympy.frac,
    sympy.Heaviside,
    sympy.Piecewise,
    sympy.Mod,
    _IntegerPart,
)


def _ranged_use(side: sympy.Basic) -> bool:
    """Whether ``side`` applies a range-dependent operation (`_RANGE_OPS`) to an unknown function."""
    return any(
        isinstance(node, _RANGE_OPS) and node.has(sympy.core.function.AppliedUndef)
        for node in sympy.preorder_traversal(side)
    )


def _under_log(*sides: sympy.Basic) -> set[sympy.FunctionClass]:
    """The unknown functions applied directly under a log in ``sides`` (``log p(x)``, ``log p(x)^2``), the only
    ones a density's name makes positive: ``P(x)`` elsewhere may be a polynomial, ``L(w)`` a loss."""
    out: set[sympy.FunctionClass] = set()
    for side in sides:
        for node in side.atoms(sympy.log):
            arg = node.args[0]
            base = arg.base if isinstance(arg, sympy.Pow) else arg
            if isinstance(base, sympy.core.function.AppliedUndef):
                out.add(base.func)
    return out


def _random_function(rng: np.random.Generator, arity: int, *, positive: bool) -> sympy.Lambda:
    """A random analytic function of ``arity`` numbers with small rational coefficients: a quadratic, an
    exponential and a sine of random linear forms (so its derivatives of every order are not all alike);
    ``positive``: squares, a positive constant and a positive multiple of an exponential, positive everywhere."""

    def q(lo: int, hi: int) -> sympy.Rational:
        return sympy.Rational(int(rng.integers(lo, hi + 1)), int(rng.integers(2, 8)))

    if arity == 0:
        # A name applied to nothing (an event of P(W+), a text's \text{const}()) is one unknown number, drawn
        # from a wide range so that two such names never share a value by chance (P(A) = P(B) would pass).
        value = sympy.Rational(int(rng.integers(1 if positive else -(10**6), 10**6)), int(rng.integers(2, 1000)))
        return sympy.Lambda((), value)
    ts = sympy.symbols(f"t_1:{arity + 1}", real=True)
    linear = [sum((q(-5, 5) * t for t in ts), q(-3, 3)) for _ in range(3)]
    if positive:
        # exp of a bump modulated by a sine: positive, as small as you like far out, neither convex nor bounded
        # below by a constant (a family of squares plus a constant verified log max(p, 1/10) = log p, ATK K21)
        bump = sum((q(1, 4) * (q(1, 4) * t + q(-3, 3)) ** 2 for t in ts), 0)  # no slope 0: it decays in every t
        body = sympy.exp(q(-3, 3) + q(1, 4) * sympy.sin(linear[0]) - bump)
    else:
        quad = sum((q(-4, 4) * a * b for i, a in enumerate(ts) for b in ts[i:]), 0)
        body = (
            linear[0]
            + quad
            + q(-4, 4) * sympy.exp(linear[1] / 3)
            + q(1, 4) * sympy.sin(linear[2])
            + q(-3, 3) * ts[0] ** 3
        )
    return sympy.Lambda(ts, body)


def _interpreted(expr: sympy.Basic, funcs: dict[sympy.FunctionClass, sympy.Lambda]) -> sympy.Basic:
    if not isinstance(expr, sympy.Basic):
        return expr

    def one(app: sympy.Basic) -> sympy.Basic:
        return funcs[app.func](*app.args)

    out = expr.replace(lambda e: isinstance(e, sympy.core.function.AppliedUndef) and e.func in funcs, one)
    return _differentiate(out)


def _for_every_function(
    lhs: sympy.Basic, rhs: sympy.Basic, problem: Problem, settings: Settings, start: float
) -> Outcome | None:
    """Each unknown function replaced by random interpretations of several families: verified when every one
    agrees, undecided (never refuted) when one fails (`derive.tiers._free_functions.for_every_function`)."""
    from derive.tiers import _free_functions  # noqa: PLC0415 - it reads this module's helpers: no import cycle

    return _free_functions.for_every_function(lhs, rhs, problem, settings, start)
