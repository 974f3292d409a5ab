"""Probability notation with no stated law: prove a step from the definition of conditional probability.

Real documents rearrange probabilities without saying what they are: Bayes' rule
``P(S|+) = \\frac{P(+|S)P(S)}{P(+)}``, the product rule ``P(S+) = P(S)P(+|S)``,
``\\log p(a|b) + \\log p(b) = \\log p(a,b)``. The LaTeX reader gives each application an opaque
unknown function (``p(x|y)`` is ``p(x, given(y))``, ``P(X=1)`` is ``P(event(X, 1))``,
``P(S+)`` is ``P(event_and(S, event_plus()))``), which no tier can evaluate. Such a step holds
for *every* law when it follows from the definition alone:

- every conditional application becomes a quotient of joints, ``P(A|B) = P(A,B)/P(B)``, the
  joint over the events/variables before and after the bar taken as a set (``,`` and ``\\cap``
  both mean "and", written order does not matter, a repeated event counts once);
- each distinct joint ``P(set)`` is an unknown *positive* number (an undefined sympy function
  with ``positive=True``, so it keeps its arguments: a joint of x under an integral over x still
  depends on x), and the two sides are compared exactly.

The same normal form on both sides proves the step, wherever the conditioning events have
positive probability. A different normal form says nothing (independence and the complement
are not in it): this strategy never refutes. When the set reading fails, the reading at values
(`derive.tiers._prob_values`) is tried: ``p(x = 0 | \\mu)`` is the law of x at 0, sums over listed
integer values are written out, and a whole-line integral of a joint is its marginal.

Which applications are probabilities: positivity and the set reading are sound only for
probabilities and densities, so a name is read as one only when

- it is P, p, q, Pr or Prob (``\\mathbb{P}`` reads as P), with or without a subscript
  (``q_\\phi``, ``p_\\theta``: each subscript is its own function), but not decorated
  (``\\bar{p}``, ``\\tilde{p}``: often unnormalised; ``\\hat{p}``, ``p'``, ``p^*``);
- some application of it *in this step* has a conditioning bar or an event argument (what the
  LaTeX reader produces only for probability notation): ``L(+|x)`` (a likelihood, unnormalised)
  or an unknown ``f(x|y)`` is never rewritten, nor is a step where ``p`` carries no bar;
- the text does not declare it (a kind, or ``functions: [p]``: the author says it is a plain
  function), and it does not also stand as a value in the step (``p \\cdot p(x|y)``);
- every application of it has only names and events as arguments: ``p(1, 2)`` or
  ``p(x+1 | y)`` is a value at a point, whose argument order matters, and ``P(HH|H)`` or
  ``P(H, H)`` (a name twice) is a sequence of outcomes, not a set of events; either leaves the
  whole step to the other tiers;
- no conditional is read both ways between two values of one variable: ``p(s'|s)`` and
  ``p(s|s')`` (or ``x`` and ``\\tilde x``, ``x^*``) in one step may be a transition kernel (a
  Markov chain, an MDP, an MCMC proposal) applied from s to s' and from s' to s, not the
  conditionals of one joint, and ``p(s'|s)p(s) = p(s|s')p(s')`` is then detailed balance, true
  only for reversible chains: such a step is undecided, naming the kernel reading (`_kernel_pair`).
  Subscripts (``x_1``, ``z_{n-1}``) name different variables and keep the set reading.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import replace

import sympy
from sympy.core.function import AppliedUndef

from derive.language.distributions import Distribution
from derive.model import Evidence, Method, Outcome, Relation, Verdict
from derive.tiers._events import EVENTS_NOTE, UNDER_STATED, by_atoms
from derive.tiers._prob_values import (
    DECORATIONS,
    LAW,
    MARGINAL,
    WRITTEN_OUT,
    law_of,
    split_roles,
    subscript_variables,
    undecorated,
    value_normal_form,
)

__all__ = ["PROBABILITY_NAMES", "by_event_calculus", "by_probability_calculus", "conditional_normal_form"]

#: Function names read as a probability or a density (``\\mathbb{P}`` and ``\\Pr`` read as P and Pr).
PROBABILITY_NAMES = frozenset({"P", "p", "q", "Pr", "Prob"})
#: What the LaTeX reader records after a conditional application's arguments.
_GIVEN = "given"
_PARAMETERS = "parameters"
#: Beyond this many operations the comparison is not attempted (the step stays undecided).
_MAX_OPS = 4000
_ROUTE = "conditional probability"
_DECORATIONS = DECORATIONS


def by_probability_calculus(
    problem: object, sides: object, light: Outcome, zero: Callable[[sympy.Expr], bool] | None = None
) -> Outcome:
    """PROVED when both sides of an equation reach the same normal form by the definition of
    conditional probability alone (`conditional_normal_form`); else ``light`` unchanged.

    ``sides``: the sides as the symbolic tier prepared them; ``zero``: the tier's exact test that
    a difference is 0, tried after the cheap exact rewrites. Never refutes.
    """
    if getattr(problem, "relation", None) is not Relation.EQ or not isinstance(sides, tuple) or len(sides) != 2:
        return light
    lhs, rhs = sides
    if not all(isinstance(s, sympy.Expr) for s in sides):
        return light
    allowed = _undeclared(problem)
    names = probability_functions((lhs, rhs), allowed)
    laws = _laws(problem)
    lawful = _lawful((lhs, rhs), laws, allowed) - names
    subscripted = _subscripted((lhs, rhs), allowed) - names - lawful
    if not names and not lawful and not subscripted:
        return light
    shown = ", ".join(sorted(names | lawful | subscripted))
    forms = (conditional_normal_form(lhs, names), conditional_normal_form(rhs, names)) if names else (None, None)
    if forms[0] is not None and forms[1] is not None and _equal(forms[0], forms[1], zero):
        summary = (
            "proved for every law by the definition of conditional probability, P(A|B) = P(A,B)/P(B), wherever the "
            "conditioning events have positive probability (each joint taken over the set of events on both sides "
            f"of its bar); {shown} read as probability notation: written with a bar or events here, declared as "
            "nothing else"
        )
    elif _at_values((lhs, rhs)) or laws or subscripted:
        valued = _valued(lhs, names | lawful | subscripted, laws), _valued(rhs, names | lawful | subscripted, laws)
        if valued[0] is None or valued[1] is None:
            return _settle_hint(light, (lhs, rhs), names, laws)
        stated = any(u.startswith(LAW) for u in valued[0][1] | valued[1][1])
        if not _equal(valued[0][0], valued[1][0], zero, evaluate=stated):
            return _settle_hint(light, (lhs, rhs), names, laws)
        summary = _valued_summary(valued[0][1] | valued[1][1], shown)
        if subscripted:
            summary += (
                f"; {', '.join(sorted(subscripted))} read as the density of the random variables its subscript "
                "names (p_X(x): X at x; p_{X,Y}(x, y): X at x and Y at y)"
            )
    else:
        return _settle_hint(light, (lhs, rhs), names, laws)
    kernel = _kernel_pair((lhs, rhs), names)
    if kernel is not None:
        return _kernel_doubt(light, kernel)
    return Outcome(Verdict.PROVED, Evidence(Method.SYMBOLIC, summary, difference="0", route=_ROUTE))


def by_event_calculus(problem: object, sides: object, light: Outcome) -> Outcome:
    """The finite atom model's verdict (`derive.tiers._events`) where the definition of conditional
    probability did not prove the step (run after `by_probability_calculus`): PROVED or VERIFIED
    (complement, total probability, inclusion-exclusion, a partition), REFUTED by an exact
    counterexample measure, or ``light`` undecided with the model's reason added (what would make the
    step hold: a stated independence, a variable's whole range); else ``light`` unchanged.

    ``P``, ``Pr``, ``Prob`` applied to names only, with no bar or event in the step
    (``P(A, B) = P(A)P(B)``) may be any function: a measure where the sides differ is a function
    where they do, so such steps are refuted too (but never proved: `_unmarked`)."""
    if light.verdict is not Verdict.UNDECIDED or getattr(problem, "relation", None) is not Relation.EQ:
        return light
    if not isinstance(sides, tuple) or len(sides) != 2 or not all(isinstance(s, sympy.Expr) for s in sides):
        return light
    allowed = _undeclared(problem)
    marked = probability_functions(sides, allowed) or None
    names = marked or _unmarked(sides, allowed)
    if not names:
        return light
    outcome = _atom_outcome(problem, sides, names, _laws(problem))
    proof = outcome is not None and outcome.verdict in (Verdict.PROVED, Verdict.VERIFIED)
    if outcome is None or (proof and marked is None and UNDER_STATED not in outcome.evidence.summary):
        # an unmarked P may be any function: a proof for every measure is none for it, unless the text
        # states its arguments independent (then they are events, and P their probability)
        return light
    if outcome.verdict is not Verdict.UNDECIDED:
        kernel = _kernel_pair(sides, names)
        return _kernel_doubt(light, kernel) if kernel is not None else outcome
    summary = f"{light.evidence.summary}; {EVENTS_NOTE}{outcome.evidence.summary}"
    return replace(light, evidence=replace(light.evidence, summary=summary))


def _atom_outcome(
    problem: object, sides: tuple[sympy.Expr, sympy.Expr], names: set[str], laws: dict[sympy.Basic, Distribution]
) -> Outcome | None:
    """`by_atoms` under the problem's declarations: a name with a declared kind or a stated law is no
    event to refute with, and the groups the claim states independent are modelled."""
    table = getattr(problem, "symbols", None)
    kinds = set(table.keys()) if table is not None and hasattr(table, "keys") else set()
    implicit = set(getattr(table, "_latex_implicit", ()) or ())
    lawful = {str(v) for v in laws}
    independent = getattr(problem, "independent", ()) or ()
    return by_atoms(sides, names, independent, lambda n: (n in kinds and n not in implicit) or n in lawful)


def _unmarked(sides: tuple[sympy.Expr, sympy.Expr], allowed: Callable[[str], bool]) -> set[str]:
    """P, Pr, Prob applied to names only, with no bar or event anywhere in the step (``P(A, B)``):
    read as probabilities only to refute (`by_event_calculus`); a lowercase p is a density as often."""
    apps = [a for s in sides for a in sympy.preorder_traversal(s) if isinstance(a, AppliedUndef)]
    plain = {str(s) for side in sides for s in side.free_symbols}
    found = {_name(a) for a in apps if _name(a) in ("P", "Pr", "Prob")}
    return {
        n
        for n in found
        if allowed(n) and n not in plain and all(a.args and all(map(_is_name, a.args)) for a in apps if _name(a) == n)
    }


def _settle_hint(
    light: Outcome, sides: tuple[sympy.Expr, sympy.Expr], names: set[str], laws: dict[sympy.Basic, Distribution]
) -> Outcome:
    """``light``, its summary saying which declaration would settle the step when a probability is taken
    at a value of a variable (``p(x = 0 | \\mu)``) whose law no declaration states; else ``light`` itself."""
    if light.verdict is not Verdict.UNDECIDED:
        return light
    unstated = sorted(
        {
            str(arg.args[0])
            for side in sides
            for app in sympy.preorder_traversal(side)
            if isinstance(app, AppliedUndef) and _name(app) in names
            for arg in sympy.preorder_traversal(app)
            if isinstance(arg, AppliedUndef) and _name(arg) == "event" and len(arg.args) == 2
            if _is_name(arg.args[0]) and arg.args[0] not in laws
        }
    )
    if not unstated:
        return light
    first = unstated[0]
    hint = (
        f"the step takes the law of {', '.join(unstated)} at a value, which no declaration states: a law for "
        f"{first} in scope (for example ${first} \\sim \\mathrm{{Bern}}(\\mu)$ in the text, or random: "
        f'{{{first}: "Bernoulli(mu)"}} in front matter) would let derive put in its density or mass function'
    )
    return replace(light, evidence=replace(light.evidence, summary=f"{light.evidence.summary}; {hint}"))


def _valued(
    side: sympy.Expr, names: set[str], laws: dict[sympy.Basic, Distribution]
) -> tuple[sympy.Expr, set[str]] | None:
    """`value_normal_form` of one side; None where sympy cannot rebuild it (a rewrite that fails proves
    nothing; the tier's alarm is no Exception and passes)."""
    try:
        return value_normal_form(side, names, laws)
    except Exception:
        return None


def _laws(problem: object) -> dict[sympy.Basic, Distribution]:
    """The stated law of each scalar random variable of the problem."""
    pairs = getattr(problem, "random", ()) or ()
    return {v: law for v, law in pairs if isinstance(law, Distribution) and law.size is None}


def _lawful(
    sides: tuple[sympy.Expr, sympy.Expr], laws: dict[sympy.Basic, Distribution], allowed: Callable[[str], bool]
) -> set[str]:
    """The names written without a bar that are read as the density of a variable with a stated law:
    every application of the name is one `law_of` allows, the name is declared as nothing else and
    does not also stand as a value in the step."""
    if not laws:
        return set()
    apps = [a for s in sides for a in sympy.preorder_traversal(s) if isinstance(a, AppliedUndef)]
    plain = {str(s) for side in sides for s in side.free_symbols}
    candidates = {_name(a) for a in apps if law_of(a, laws) is not None}
    return {
        n
        for n in candidates
        if allowed(n) and n not in plain and all(law_of(a, laws) is not None for a in apps if _name(a) == n)
    }


def _subscripted(sides: tuple[sympy.Expr, sympy.Expr], allowed: Callable[[str], bool]) -> set[str]:
    """The names ``p_X``, ``p_{X,Y}`` (`subscript_variables`) every application of which in the step names its
    variables by its subscript, declared as nothing else and standing as no value in the step."""
    apps = [a for s in sides for a in sympy.preorder_traversal(s) if isinstance(a, AppliedUndef)]
    plain = {str(s) for side in sides for s in side.free_symbols}
    candidates = {_name(a) for a in apps if subscript_variables(a) is not None}
    return {
        n
        for n in candidates
        if allowed(n) and n not in plain and all(subscript_variables(a) is not None for a in apps if _name(a) == n)
    }


def _at_values(sides: tuple[sympy.Expr, sympy.Expr]) -> bool:
    """Whether the reading at values (`derive.tiers._prob_values`) may prove more than the set reading:
    a side holds an event with a value or a sum, product or integral."""
    kinds = (sympy.Sum, sympy.Product, sympy.Integral)
    return any(
        isinstance(node, kinds) or (isinstance(node, AppliedUndef) and _name(node) == "event")
        for side in sides
        for node in sympy.preorder_traversal(side)
    )


def _equal(a: sympy.Expr, b: sympy.Expr, zero: Callable[[sympy.Expr], bool] | None, *, evaluate: bool = False) -> bool:
    """Whether ``a - b`` is exactly 0; ``evaluate``: its integrals and sums of a stated law's density
    are worked out first (exactly, under the tier's alarm)."""
    difference = a - b
    if sympy.count_ops(difference) > _MAX_OPS:
        return False
    if _vanishes(difference, None):
        return True
    if evaluate and difference.has(sympy.Integral, sympy.Sum):
        with contextlib.suppress(Exception):  # an integral sympy cannot do proves nothing
            worked = sympy.piecewise_fold(difference.doit())
            if _vanishes(worked, zero):
                return True
    return zero is not None and zero(difference)


def _valued_summary(used: set[str], shown: str) -> str:
    """The evidence of a proof in `derive.tiers._prob_values`' reading, naming the rules it used: "for
    every law" only when no stated law was put in."""
    rules = ["p(x = v | ...) read as the law of the variable x at the value v (a name alone at its own value)"]
    if WRITTEN_OUT in used:
        rules.append("sums and products over the listed integer values written out term by term")
    if MARGINAL in used:
        rules.append(
            "an integral over the whole real line of a joint in one of its variables taken as the joint without it "
            "(the sum rule: a density integrates to 1 over the whole line)"
        )
    stated = sorted(u.split(": ", 1)[1] for u in used if u.startswith(f"{LAW}: "))
    scope = "for every law"
    if stated:
        scope = f"under the law the text states ({', '.join(stated)})"
        rules.append(
            "that law's density or mass function put in for p of its variable (p(x), p(x = v | its parameters); a "
            "mass function only at a value of its support)"
        )
    return (
        f"proved {scope} by the definition of conditional probability, P(A|B) = P(A,B)/P(B), wherever the "
        f"probabilities taken are positive, with {'; '.join(rules)}; {shown} read as probability notation: written "
        "with a bar or events here, or the density of a variable with a stated law, declared as nothing else"
    )


def probability_functions(sides: Iterable[sympy.Basic], allowed: Callable[[str], bool] = lambda _n: True) -> set[str]:
    """The function names of ``sides`` read as probabilities (see the module docstring): a
    probability name that carries a conditioning bar or an event argument somewhere in the
    sides, is ``allowed`` (not declared otherwise) and does not also stand as a plain name."""
    apps = [a for s in sides for a in sympy.preorder_traversal(s) if isinstance(a, AppliedUndef)]
    marked = {_name(a) for a in apps if _is_probability_name(_name(a)) and _marked(a)}
    plain = {str(s) for side in sides for s in side.free_symbols}
    return {n for n in marked if allowed(n) and n not in plain}


def conditional_normal_form(expr: sympy.Expr, names: Iterable[str]) -> sympy.Expr | None:
    """``expr`` with every application of the functions ``names`` replaced by its joint-over-marginal
    form in positive unknown joints; None when an application is not one of names and events
    (a value at a point, a sequence of outcomes), so the set reading might be wrong."""
    wanted = set(names)
    replacements: dict[sympy.Basic, sympy.Expr] = {}
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, AppliedUndef) and _name(node) in wanted and node not in replacements:
            form = _rewrite(node)
            if form is None:
                return None
            replacements[node] = form
    return expr.xreplace(replacements)


def _rewrite(app: AppliedUndef) -> sympy.Expr | None:
    """``P(A, B | C; theta)`` -> ``J(theta; A, B, C) / J(theta; C)``, or None if not readable as a set."""
    main, given, params = split_roles(app)
    if not main:
        return None
    atoms_main, atoms_given = _atoms(main), _atoms(given)
    if atoms_main is None or atoms_given is None:
        return None
    names = [a for a in (*atoms_main, *atoms_given) if not _is_event(a)]
    if len(names) != len(set(names)):
        return None  # P(H, H), P(H | H): a sequence of outcomes, not one event twice
    joint = _joint(_name(app), params, (*atoms_main, *atoms_given))
    return joint / _joint(_name(app), params, atoms_given) if atoms_given else joint


def _atoms(args: Iterable[sympy.Basic]) -> list[sympy.Basic] | None:
    """The events/variables an argument list names (``event_and`` flattened), or None when an
    argument is a value that names no variable (a number, ``x + 1``, ``H^2``)."""
    out: list[sympy.Basic] = []
    for arg in args:
        if isinstance(arg, AppliedUndef) and _name(arg) == "event_and":
            inner = _atoms(arg.args)
            if inner is None:
                return None
            out.extend(inner)
        elif _is_event(arg) or _is_name(arg):
            out.append(arg)
        else:
            return None
    return out


def _is_name(arg: sympy.Basic) -> bool:
    """A variable's name: a symbol (not a bound dummy) or an indexed entry x_n of names and integers."""
    if isinstance(arg, sympy.Indexed):
        return all(isinstance(i, (sympy.Symbol, sympy.Integer)) for i in arg.indices)
    return isinstance(arg, sympy.Symbol) and not isinstance(arg, sympy.Dummy)


def _joint(name: str, params: tuple[sympy.Basic, ...], atoms: Iterable[sympy.Basic]) -> sympy.Expr:
    """The positive unknown joint ``name`` of the set ``atoms`` (sorted, each once), under ``params``."""
    ordered = sorted(set(atoms), key=sympy.default_sort_key)
    return sympy.Function(f"{name}[joint]", positive=True)(*params, *ordered)


def _kernel_pair(sides: Iterable[sympy.Basic], names: set[str]) -> tuple[str, str, str] | None:
    """(function, u, v) when the sides condition u on v and v on u with one function, u and v two
    values of one variable: names equal but for primes, stars, accents (s and s', x and \\tilde x), or
    events of one variable at two values (X = s' and X = s, X = 1 and X = 0); else None. Such a pair
    reads as a transition kernel as plausibly as the conditionals of a joint."""
    seen: dict[str, list[tuple[set[sympy.Basic], set[sympy.Basic]]]] = {}
    for side in sides:
        for app in sympy.preorder_traversal(side):
            if isinstance(app, AppliedUndef) and _name(app) in names:
                given = [g for a in app.args if isinstance(a, AppliedUndef) and _name(a) == _GIVEN for g in a.args]
                main = [a for a in app.args if not (isinstance(a, AppliedUndef) and _name(a) in (_GIVEN, _PARAMETERS))]
                seen.setdefault(_name(app), []).append((_values(main), _values(given)))
    for function, apps in seen.items():
        for main_a, given_a in apps:
            for main_b, given_b in apps:
                for u in main_a & given_b:
                    for v in given_a & main_b:
                        if _one_variable(u, v):
                            return function, _shown(u), _shown(v)
    return None


def _values(args: Iterable[sympy.Basic]) -> set[sympy.Basic]:
    """The names and events of an argument list (``event_and`` flattened)."""
    out: set[sympy.Basic] = set()
    for arg in args:
        if isinstance(arg, AppliedUndef) and _name(arg) == "event_and":
            out |= _values(arg.args)
        elif _is_name(arg) or _is_event(arg):
            out.add(arg)
    return out


def _one_variable(u: sympy.Basic, v: sympy.Basic) -> bool:
    """Whether u and v are two values of one variable: s and s' (names equal but for decorations), or
    events of one variable at two values (``event(X, s_prime)``, ``event(X, s)``)."""
    if u == v:
        return False
    if _is_event(u) and _is_event(v):
        return _name(u) == _name(v) and len(u.args) == len(v.args) == 2 and u.args[0] == v.args[0]
    return _is_name(u) and _is_name(v) and _undecorated(u) == _undecorated(v)


def _undecorated(name: sympy.Basic) -> str:
    return undecorated(name)


def _shown(value: sympy.Basic) -> str:
    """``s_prime`` as the text writes it, ``s'`` (``x_star``: ``x^*``); an event ``event(X, s)`` as ``X = s``."""
    if _is_event(value) and _name(value) == "event" and len(value.args) == 2:
        return f"{_shown(value.args[0])} = {_shown(value.args[1])}"
    return str(value).replace("_prime", "'").replace("_star", "^*")


def _kernel_doubt(light: Outcome, kernel: tuple[str, str, str]) -> Outcome:
    """``light`` undecided for the transition-kernel reading of ``kernel`` (see `_kernel_pair`)."""
    function, u, v = kernel
    why = (
        f"{function}({u}|{v}) and {function}({v}|{u}) condition two values of one variable on each other: as "
        f"conditionals of one joint the definition of conditional probability proves the step, but {function} "
        f"may be a transition kernel (a Markov chain, an MDP, a proposal) applied from {v} to {u} and back, under "
        "which it holds only for reversible chains; name the random variables (P(X_{n+1} = s' | X_n = s)) or "
        "declare the reading to settle"
    )
    return Outcome(Verdict.UNDECIDED, replace(light.evidence, summary=why, reason="notation"))


def _vanishes(d: sympy.Expr, zero: Callable[[sympy.Expr], bool] | None) -> bool:
    """Whether ``d`` is exactly 0 with every joint positive: cancel, then logs split, then powers
    merged, then the tier's own exact test."""
    tries: list[Callable[[sympy.Expr], sympy.Expr]] = [
        lambda e: sympy.cancel(sympy.together(e)),
        lambda e: sympy.cancel(sympy.together(sympy.expand(sympy.expand_log(e, force=False)))),
        lambda e: sympy.cancel(sympy.together(sympy.powsimp(sympy.expand_power_base(e, force=False)))),
    ]
    for step in tries:
        with contextlib.suppress(Exception):  # a rewrite sympy cannot do proves nothing (the alarm is no Exception)
            if step(d) == 0:
                return True
    return zero is not None and zero(d)


def _undeclared(problem: object) -> Callable[[str], bool]:
    """Whether a function name is free of a declaration that gives it another meaning: a kind under
    ``symbols:`` or a plain function under ``functions:``."""
    table = getattr(problem, "symbols", None)
    declared = set(getattr(table, "_latex_functions", ()) or ())
    kinds = set(table.keys()) if table is not None and hasattr(table, "keys") else set()
    implicit = set(getattr(table, "_latex_implicit", ()) or ())
    return lambda name: name not in declared and (name not in kinds or name in implicit)


def _marked(app: AppliedUndef) -> bool:
    """Whether an application carries a conditioning bar or an event argument."""
    return any(isinstance(a, AppliedUndef) and (_name(a) == _GIVEN or _is_event(a)) for a in app.args)


def _is_event(node: sympy.Basic) -> bool:
    return isinstance(node, AppliedUndef) and _name(node).startswith("event")


def _name(node: AppliedUndef) -> str:
    return str(node.func.__name__)


def _is_probability_name(name: str) -> bool:
    """P, p, q, Pr, Prob, optionally subscripted (``p_theta``), but not decorated: ``\\bar{p}``,
    ``\\tilde{p}`` are often unnormalised, ``\\hat{p}`` an estimate fitted piece by piece, ``p'``
    a derivative, ``p^*`` whatever the text makes it."""
    base, *marks = name.split("_")
    return base in PROBABILITY_NAMES and not _DECORATIONS.intersection(marks)
