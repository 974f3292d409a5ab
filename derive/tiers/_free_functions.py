"""Steps through unknown functions read "for every function" (the numeric tier's last check on them).

When the only obstacle to evaluating a step is an unknown function (sympy ``AppliedUndef``: an ``f``, ``g``,
``J`` or ``L`` the text never writes out, a conditional ``p(x | theta)`` that the reader makes
``p(x, given(theta))``), each such function is replaced by random concrete interpretations and the step is
evaluated by the numeric tier as any other, at its points, far points and precision ladder. Derivatives,
substitutions (``f'(x^2)`` is ``Subs(Derivative(f(u), u), u, x^2)``) and integrals of a function are taken of
its interpretation, so ``f`` and ``f'`` stay one function and its derivative.

Soundness. An interpretation is a random mixture of several different families at once, so that no
finite-dimensional family can hide a failure: ``exp(a t - b t^2)``, ``sin(c t + d)``, ``r / (1 + s (t - e)^2)``
and a polynomial of degree 5 or 6, with random rational coefficients (four significant digits); a function of
several arguments adds such a mixture in each argument, a product of one factor per argument and asymmetric
cross terms (so ``f(x, y) != f(y, x)`` and ``f`` is not a sum of functions of one argument each). An identity
that holds for a finite-dimensional family only (additive, even, linear, polynomial of low degree,
exponential of a quadratic, a pure sinusoid) fails for such a mixture; one that fails only for functions
outside these analytic families (a discontinuous f, one that grows faster than every family) could pass,
and the evidence names the families so a reader can judge. A step that fails for some interpretation is
never refuted: the text may mean a particular function. It is left undecided, and the detail says to state
what the function is.

Positivity. A density's or likelihood's name (p, q, P, Q, L, N, Pr, Prob) applied directly under a log, or
with a bar (``p(x | theta)``, a conditional density or probability), gets positive interpretations (``exp``
of a mixture), so its log is real; elsewhere such a name may be a polynomial or a loss, and another name with
a bar (``y(x | w)``, a regression function of its parameters) may be negative: general interpretations. A step that
needs a density to integrate to one (a normalised sum) fails for a random positive function and stays
undecided. Functions the text defines are substituted by the reader before this tier: they never arrive
here as unknown functions.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import sympy

from derive.model import Evidence, Method, Outcome, Problem, Relation, Settings, Verdict
from derive.tiers import numeric as _numeric  # a module object: its names are read at call time (no cycle)
from derive.tiers.symbolic import bounded

#: Random interpretations each unknown function is given, in turn; every one must agree to verify.
INTERPRETATIONS = 3
#: Of the time left after the independent-values check: the share these interpretations may spend.
_SHARE = 0.85
_SOFT = 1.8  # the inner numeric tier's timeout, in budgets: it stops its points at half of it
_MAX_ARITY = 6  # functions of more arguments than this get no interpretation (too large to evaluate)
_GIVEN = "given"
_COEF_DIGITS = 10**4
#: What the evidence says the interpretations are.
FAMILIES = (
    "random mixtures of exp(a t - b t^2), sin(c t + d), r/(1 + s (t - e)^2) and a polynomial of degree 5 or 6 "
    "with random rational coefficients; in several arguments, such a mixture in each argument plus a product "
    "of one factor per argument and asymmetric cross terms"
)
_POSITIVE_FAMILY = "positive ones: exp of such a mixture"


def for_every_function(
    lhs: sympy.Basic, rhs: sympy.Basic, problem: Problem, settings: Settings, start: float
) -> Outcome | None:
    """VERIFIED when the step holds with each unknown function replaced by each of `INTERPRETATIONS` random
    interpretations (`interpretation`); UNDECIDED, saying to state the function, when one of them makes the
    sides differ (confirmed by the numeric tier at high precision: never a refutation); None when no
    interpretation could stand for every reading of the step (`_readable`) or the numerics could not decide."""
    flat = _flattened(lhs, rhs)
    if flat is None:
        return None
    (l1, r1), conditional = flat
    arity = _readable(l1, r1, lhs, rhs, problem)
    if arity is None:
        return None
    logged = _numeric._under_log(l1, r1)
    # a density's name: positive where its log is taken, and as a conditional (p(x | theta)); f(x | w) and
    # y(x | w), a regression function of its parameters, may be negative and stay general
    positive = {f for f in arity if _numeric._positive_name(f) and (f in conditional or f in logged)}
    rng = np.random.default_rng(settings.seed + 7919)
    verified: list[Outcome] = []
    for turn in range(INTERPRETATIONS):
        # an even share of what is left, so that a quick interpretation leaves its time to the next ones
        budget = _SHARE * _numeric._time_left(settings, start) / (INTERPRETATIONS - turn)
        if budget <= 0.5:
            return None
        funcs = {f: interpretation(rng, k, positive=f in positive, turn=turn) for f, k in arity.items()}
        try:
            l2, r2 = _numeric._interpreted(l1, funcs), _numeric._interpreted(r1, funcs)
        except (TypeError, ValueError, NotImplementedError, RecursionError, AttributeError):
            return None
        if _numeric._undefined(l2) or _numeric._undefined(r2):
            return None
        # the tier stops its points, far points and tight points at half its timeout (the rest is for the Monte
        # Carlo tier, not run here): that half is most of this interpretation's budget
        own = replace(settings, timeout=_SOFT * budget)
        inner = bounded(
            lambda l2=l2, r2=r2, own=own: _numeric.check_numeric(replace(problem, lhs=l2, rhs=r2), own), budget
        )
        if inner is None:
            return None
        if inner.verdict is Verdict.REFUTED and inner.evidence.counterexample is not None:
            return _particular((lhs, rhs), arity, conditional, turn=turn, inner=inner, settings=settings)
        if inner.verdict is not Verdict.VERIFIED:
            return None
        verified.append(inner)
    return _verified(arity, conditional, positive, verified)


def _readable(
    l1: sympy.Basic, r1: sympy.Basic, lhs: sympy.Basic, rhs: sympy.Basic, problem: Problem
) -> dict[sympy.FunctionClass, int] | None:
    """Each unknown function of the (flattened) sides with its number of arguments, or None where an
    interpretation could not stand for every reading: an inequality (it holds by the functions' ranges),
    matrices, a limit or an infinite range (the families share their growth), a range-dependent operation
    (max, |.|, floor) on a function, values that need not be real, a declared random variable anywhere (a
    function of a random variable is no number), or what `numeric._function_names` rules out (one name with
    two numbers of arguments, two tuples of plain names, an entry of a vector)."""
    sides = (l1, r1)
    if problem.relation is not Relation.EQ or any(isinstance(s, sympy.MatrixBase) for s in sides):
        return None
    if sum(sympy.count_ops(s) for s in sides) > _numeric._FUNCTION_OPS:
        return None
    if any(_numeric._at_infinity(s) or _numeric._ranged_use(s) for s in sides):
        return None
    applied = lhs.atoms(sympy.core.function.AppliedUndef) | rhs.atoms(sympy.core.function.AppliedUndef)
    if _numeric._values_not_real(dict.fromkeys(applied)) is not None:
        return None
    random = _numeric._random_symbols(problem)
    if random and any(s.free_symbols & random for s in sides):
        return None
    arity = _arities(*sides)
    if not arity or any(k > _MAX_ARITY for k in arity.values()):
        return None
    return arity


def _arities(*sides: sympy.Basic) -> dict[sympy.FunctionClass, int] | None:
    """`numeric._function_names`, except that applications at plain names differing only in the entries of
    one sample (``p(x_1 | theta)``, ``p(x_2 | theta)``: x_1, x_2 entries of one x) are one function: the
    sample notation means one density at each entry. Applications at different letters (``E(m)``, ``E(b)``;
    ``p(x)``, ``p(y)``, two densities in the generic notation) still get none, and so do entries a derivative
    is taken in (a bare E under d/dw_1 and d/dw_2 is read E(w_1), E(w_2): a function of both) or that an integral
    or sum runs over (with ``p(x_1)``, ``p(x_2)`` two marginals, the integrals of p over x_1 and over x_2 differ;
    at free entries the values of one function there are as independent as those of two)."""
    varied: set[sympy.Basic] = set()
    for side in sides:
        for d in side.atoms(sympy.Derivative):
            varied.update(d.variables)
        for node in side.atoms(sympy.Integral, sympy.Sum, sympy.Product):
            varied.update(lim[0] for lim in node.limits)
    stand_in: dict[sympy.Symbol, sympy.Symbol] = {}
    for side in sides:
        for app in side.atoms(sympy.core.function.AppliedUndef):
            for a in app.args:
                base, _, sub = a.name.rpartition("_") if isinstance(a, sympy.Symbol) else ("", "", "")
                if base and sub.isdigit() and a not in varied:
                    stand_in[a] = sympy.Symbol(f"{base}_entry", real=True)
    return _numeric._function_names(*(side.xreplace(stand_in) for side in sides))


def _flattened(
    lhs: sympy.Basic, rhs: sympy.Basic
) -> tuple[tuple[sympy.Basic, sympy.Basic], dict[sympy.FunctionClass, str]] | None:
    """The sides with each conditional ``F(a, ..., given(b, ...))`` made a function of all of a, ..., b (one new
    function per name and number of arguments on each side of the bar: ``p(x | theta)`` and ``p(theta)`` are
    different functions, as the generic density notation means), and those new functions with the name written;
    None where a condition stands anywhere else (not the last argument of an unknown function)."""
    made: dict[tuple[str, int, int], sympy.FunctionClass] = {}
    conditional: dict[sympy.FunctionClass, str] = {}

    def is_conditional(node: sympy.Basic) -> bool:
        return (
            isinstance(node, sympy.core.function.AppliedUndef)
            and node.func.__name__ != _GIVEN
            and bool(node.args)
            and isinstance(node.args[-1], sympy.core.function.AppliedUndef)
            and node.args[-1].func.__name__ == _GIVEN
        )

    def flat(node: sympy.Basic) -> sympy.Basic:
        before, cond = node.args[:-1], node.args[-1].args
        key = (node.func.__name__, len(before), len(cond))
        if key not in made:
            new = sympy.Function(f"{node.func.__name__}_cond{len(before)}x{len(cond)}")
            made[key] = new
            conditional[new] = node.func.__name__
        return made[key](*before, *cond)

    out = []
    for side in (lhs, rhs):
        if not isinstance(side, sympy.Basic):
            return None
        made_flat = side.replace(is_conditional, flat) if side.has(sympy.Function(_GIVEN)) else side
        if any(a.func.__name__ == _GIVEN for a in made_flat.atoms(sympy.core.function.AppliedUndef)):
            return None
        out.append(made_flat)
    return (out[0], out[1]), conditional


# ---------------------------------------------------------------------------------------
# The interpretations.


def _q(rng: np.random.Generator, lo: float, hi: float, *, away: float = 0.0) -> sympy.Rational:
    """A random rational in [lo, hi] with four decimals; ``away``: at least that far from 0."""
    while True:
        value = sympy.Rational(int(rng.integers(round(lo * _COEF_DIGITS), round(hi * _COEF_DIGITS) + 1)), _COEF_DIGITS)
        if abs(value) >= away:
            return value


def _signed(rng: np.random.Generator, lo: float, hi: float) -> sympy.Rational:
    """A random rational with lo <= |value| <= hi and a random sign."""
    return _q(rng, lo, hi) * (1 if rng.integers(0, 2) else -1)


def _mixture(rng: np.random.Generator, t: sympy.Symbol, degree: int) -> sympy.Expr:
    """One random function of t mixing every family: an exponential of a concave quadratic, a sinusoid, a
    rational bump and a polynomial of ``degree``."""
    bump = _signed(rng, 0.5, 2) * sympy.exp(_q(rng, -1, 1) * t - _q(rng, 0.05, 0.5) * t**2)
    wave = _signed(rng, 0.5, 2) * sympy.sin(_signed(rng, 0.5, 2) * t + _q(rng, -3, 3))
    peak = _signed(rng, 0.5, 2) / (1 + _q(rng, 0.5, 3) * (t - _q(rng, -2, 2)) ** 2)
    poly = sum((_q(rng, -1, 1) * t**k for k in range(degree)), _signed(rng, 0.1, 1) * t**degree)
    return bump + wave + peak + poly


def _bounded_mixture(rng: np.random.Generator, t: sympy.Symbol, degree: int) -> sympy.Expr:
    """A random function of t that decays like -b t^2: the exponent of a positive interpretation (a
    sinusoid, a rational bump and a polynomial of ``degree`` over 1 + t^(degree + 1), beside a concave
    quadratic), so that it is positive, small far out, and neither convex nor log-concave."""
    wave = _signed(rng, 0.5, 2) * sympy.sin(_signed(rng, 0.5, 2) * t + _q(rng, -3, 3))
    peak = _signed(rng, 0.5, 2) / (1 + _q(rng, 0.5, 3) * (t - _q(rng, -2, 2)) ** 2)
    poly = sum((_q(rng, -1, 1) * t**k for k in range(degree)), _signed(rng, 0.1, 1) * t**degree)
    return _q(rng, -1, 1) * t - _q(rng, 0.05, 0.5) * t**2 + wave + peak + poly / (1 + t ** (2 * (degree // 2) + 2))


def interpretation(rng: np.random.Generator, arity: int, *, positive: bool, turn: int) -> sympy.Lambda:
    """A random function of ``arity`` real numbers (`FAMILIES`); ``positive``: exp of a random function that
    decays in every argument (`_bounded_mixture`). ``turn`` alternates the polynomial's degree (5, 6)."""
    if arity == 0:
        return _numeric._random_function(rng, 0, positive=positive)  # one unknown number, drawn wide
    degree = 5 + turn % 2
    ts = sympy.symbols(f"t_1:{arity + 1}", real=True)
    one = _bounded_mixture if positive else _mixture
    body = sum((one(rng, t, degree) for t in ts), sympy.Integer(0))
    if arity > 1:
        factors = [
            _signed(rng, 0.5, 2) * sympy.sin(_signed(rng, 0.5, 2) * t + _q(rng, -3, 3))
            + _signed(rng, 0.5, 2) / (1 + (t - _q(rng, -2, 2)) ** 2)
            for t in ts
        ]
        body += _signed(rng, 0.5, 2) * sympy.Mul(*factors)
        body += _signed(rng, 0.5, 2) * sympy.sin(sum((_signed(rng, 0.5, 2) * t for t in ts), _q(rng, -3, 3)))
        cross = sum((_signed(rng, 0.2, 1) * a * b**2 for k, a in enumerate(ts) for b in ts[k + 1 :]), sympy.Integer(0))
        body += cross / (1 + sum(t**4 for t in ts)) if positive else cross
    return sympy.Lambda(ts, sympy.exp(body) if positive else body)


# ---------------------------------------------------------------------------------------
# What the evidence says.


def _names(arity: dict[sympy.FunctionClass, int], conditional: dict[sympy.FunctionClass, str]) -> str:
    shown = sorted({conditional.get(f, f.__name__) + ("(.|.)" if f in conditional else "") for f in arity})
    return ", ".join(shown)


def _verified(
    arity: dict[sympy.FunctionClass, int],
    conditional: dict[sympy.FunctionClass, str],
    positive: set[sympy.FunctionClass],
    verified: list[Outcome],
) -> Outcome:
    names = _names(arity, conditional)
    points = min(len(o.evidence.points) for o in verified)
    where = f"at {points} points each" if points else "each at its one value (no free symbols)"
    dense = sorted({conditional.get(f, f.__name__) for f in positive})
    plus = f"; {', '.join(dense)} {_numeric.POSITIVE_BY_NAME}" if dense else ""
    kinds = f"{FAMILIES}; {_POSITIVE_FAMILY}" if positive else FAMILIES
    what = (
        f"holds for every function {names}: checked with {INTERPRETATIONS} random analytic interpretations "
        f"(families: {kinds}{plus}) {where}, wherever both sides are defined; excludes a step "
        "that holds only for particular functions (additive, even, linear, polynomial of low degree, exponential "
        "of a quadratic, sinusoid); a step that fails only for functions outside these families "
        "(discontinuous, faster growing) could pass"
    )
    first = verified[0].evidence
    return Outcome(Verdict.VERIFIED, replace(first, summary=f"{what}: {first.summary}"))


def _particular(
    sides: tuple[sympy.Basic, sympy.Basic],
    arity: dict[sympy.FunctionClass, int],
    conditional: dict[sympy.FunctionClass, str],
    *,
    turn: int,
    inner: Outcome,
    settings: Settings,
) -> Outcome:
    """Undecided: the step fails for a random interpretation, so it holds (if at all) for particular
    functions only; the counterexample is reported as what the interpretation showed, never as a refutation."""
    names = _names(arity, conditional)
    apps = sorted(sympy.Tuple(*sides).atoms(sympy.core.function.AppliedUndef), key=str)
    head = f"unknown function {_numeric._short(apps[0])}: no numeric value; " if apps else ""
    cex = inner.evidence.counterexample
    where = ", ".join(f"{name} = {value}" for name, value in cex.values) if cex is not None else ""
    where = f", at {where}" if where else ""
    is_are = "is" if len(arity) == 1 else "are"
    summary = (
        f"{head}holds only for particular {names}, if at all (fails for a random {names}: interpretation {turn + 1} of "
        f"{INTERPRETATIONS}, a random mixture of exponential, sine, rational and polynomial terms, makes the sides "
        f"differ{where}, confirmed at high precision); not refuted, since the text may mean a particular {names}: "
        f"say what {names} {is_are} (define it) to check the step"
    )
    return Outcome(Verdict.UNDECIDED, Evidence(Method.NUMERIC, summary, reason="unknown function", seed=settings.seed))
