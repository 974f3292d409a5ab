"""Probability calculus on a finite atom model: a step about named events, checked for every measure.

The definition of conditional probability (`derive.tiers._probability`) proves Bayes' rule and the
product rule, but not the complement, total probability, inclusion-exclusion or a partition: those
use what the events *are*. Here the events a step names generate a finite probability space:

- its *propositions* are the names (``P(A)``), the class labels (``+``, ``-``: opaque, see
  `derive.latex.prob_events`), and the events of a variable at a value (``X = 1``, ``Z_i = k``);
  ``\\neg``, ``\\cap``, ``\\cup`` and the comma of a joint (``P(A, B)``) combine them;
- its *atoms* are the truth assignments of the propositions, except that one variable takes at most
  one of its written numeric values (``X = 1`` and ``X = 2`` are disjoint). A sum over a variable's
  values (``\\sum_{k=1}^K P(Z = k) ...``) is written out with Z taking exactly the values of the
  sum's range, its symbolic bound swept over `SWEEP`; that reading is the text's to state (Z may take
  other values), so such a step is undecided, saying what follows once it is stated (`TAKES`);
- each atom has an unknown positive weight q; ``P(E) = q(E)/q(all)`` and ``P(E|F) = q(E and F)/q(F)``
  (the sums of the weights of the atoms in the event), so every side is a rational function of q.

Verdicts:

- **proved** when lhs - rhs cancels to 0 as a rational function: it holds for every probability
  measure on these events wherever the conditioning events have positive probability (written-out
  values of a variable are merely disjoint, never assumed to be all its values);
- **refuted** with an exact rational measure at which the sides differ, shown in the evidence, only
  when no reading is open: the step is wholly about these events (no other name, both sides hold a
  probability, not every probability of one unconditioned event: that states values, by symmetry or
  from a table), no label reading (``\\pm``; ``+`` beside ``-``, which may be each other's
  complement), no value of a variable a name (``X = x`` beside ``X = 1`` may be one event), no barred
  or primed name (``\\bar A`` may be the complement of A), no two names used apart that the step
  holds for as complements (``P(-) = P(S-) + P(W-)``: sick and well); the values of a variable written
  out are taken as its whole range for the counterexample (so it holds under that reading as well). A
  front end that knows more (the text states independence, numbers, disjointness) must keep such a
  refutation from standing: its evidence's route is `ROUTE` (`derive.latex.prob_settle.settle_events`);
- independence the claim states (``Claim.independent``: names of one group mutually independent) is
  modelled by a product parametrisation of the atoms (the group's marginals times any law of the
  other propositions given them), so a step that needs it is proved under it, and refuted only
  within it; more than one group touching the step leaves it undecided;
- a step that fails for some measure but holds when the propositions are independent, or
  independent given one conditioning proposition (naive Bayes), says so (`HOLDS_IF`), so that a text
  stating that assumption can be read under it.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import sympy
from sympy.core.function import AppliedUndef

from derive.model import Counterexample, Evidence, Method, Outcome, Verdict
from derive.tiers._prob_values import split_roles, undecorated

__all__ = ["EVENTS_NOTE", "HOLDS_IF", "ROUTE", "SWEEP", "TAKES", "THEN", "UNDER_STATED", "by_atoms"]

ROUTE = "probability atoms"
#: What introduces the model's reason in an undecided step's evidence.
EVENTS_NOTE = "as events: "
#: Sizes a symbolic bound of a sum over a variable's values is written out at.
SWEEP = (1, 2, 3, 4)
#: Beyond this many atoms (or propositions) the model is not built: the step stays undecided.
_MAX_ATOMS = 64
_MAX_PROPS = 7
_MAX_OPS = 6000
#: The evidence's phrase for a proof that used the independence the claim states.
UNDER_STATED = "under the independence stated for"
#: How the evidence says a variable's whole range is the sum's, and what follows from it.
TAKES = "takes exactly the values"
THEN = "then"
#: The evidence's phrase for an assumption under which a refuted or undecided step holds.
HOLDS_IF = "it holds if"
#: Weights tried, in turn, for a counterexample: the j-th parameter's (all positive, so every nonempty
#: event is; three unrelated patterns, so a difference vanishing at one by chance is found at another).
_WEIGHTS: tuple[Callable[[int], int], ...] = (
    lambda j: j + 1,
    lambda j: 2 * j + 3,
    lambda j: (7 * j + 4) % 11 + 1,
)
_LABELS = {"event_plus": "+", "event_minus": "-", "event_pm": "\u00b1", "event_mp": "\u2213"}
_RELATIONS = {"event": "=", "event_lt": "<", "event_gt": ">", "event_le": "\u2264", "event_ge": "\u2265"}
_RELATIONS["event_ne"] = "\u2260"

#: A formula over propositions: ("p", key) | ("not", f) | ("and", fs) | ("or", fs).
Formula = tuple


@dataclass
class _Reading:
    """The step's probability applications read as formulas, and what they say about refuting."""

    apps: dict[sympy.Basic, tuple[Formula, Formula | None]] = field(default_factory=dict)
    props: list[sympy.Basic] = field(default_factory=list)
    ranged: dict[sympy.Basic, tuple[int, ...]] = field(default_factory=dict)
    doubts: list[str] = field(default_factory=list)


def by_atoms(
    sides: tuple[sympy.Expr, sympy.Expr],
    names: set[str],
    independent: Sequence[Sequence[str]] = (),
    declared: Callable[[str], bool] = lambda _n: False,
) -> Outcome | None:
    """The atom model's verdict on ``lhs = rhs`` (see the module docstring), or None when it does not
    apply (an application that is no event, a name both event and value, too many propositions).

    ``names``: the function names read as probabilities; ``independent``: groups of names stated
    mutually independent; ``declared``: whether a name has a declared kind (then it is no event to
    refute with)."""
    sweep = _sweep_bound(sides)
    if sweep is None:
        return None
    bound, ranged = sweep
    outcomes = []
    for size in SWEEP if bound is not None else (None,):
        written = _written(sides, bound, size)
        if written is None:
            return None
        at = {bound: sympy.Integer(size)} if bound is not None else {}
        sized = {v: (lo, hi.xreplace(at)) for v, (lo, hi) in ranged.items()}
        outcome = _decide(written, names, independent, declared, sized)
        if outcome is None:
            return None
        if outcome.verdict is not Verdict.PROVED:
            if bound is not None or (ranged and outcome.verdict is Verdict.REFUTED):
                return _at_size(outcome, bound, size)
            return outcome
        outcomes.append(outcome)
    then = outcomes[-1].evidence.summary
    if bound is not None:
        sizes = ", ".join(str(s) for s in SWEEP)
        then = f"verified for {bound} = {sizes} (each proved exactly: {then}); not proved for every {bound}"
    if not ranged:
        return Outcome(
            outcomes[-1].verdict if bound is None else Verdict.VERIFIED, Evidence(Method.SYMBOLIC, then, route=ROUTE)
        )
    # The sum's range read as the variable's whole range is one reading (the variable may take other
    # values too, P(Z = 0) left out): undecided, saying which statement of the text settles it.
    said = "; ".join(f"{v} {TAKES} {lo}, ..., {hi}" for v, (lo, hi) in ranged.items())
    summary = f"{HOLDS_IF} {said} ({THEN} {then})"
    return Outcome(Verdict.UNDECIDED, Evidence(Method.SYMBOLIC, summary, route=ROUTE, reason="events"))


def _at_size(outcome: Outcome, bound: sympy.Symbol | None, size: int | None) -> Outcome:
    """An outcome found with ``bound`` written out at ``size`` (or the sum's range read as its variable's):
    a refutation of one size, or of one reading of the range, is not one of the step, so only the
    undecided reason is kept."""
    summary = outcome.evidence.summary
    if outcome.verdict is Verdict.REFUTED:
        summary = (
            "not refuted: a sum's range read as all the values of its variable is one reading (and one size is "
            f"not every size); under it, {summary}"
        )
    if bound is not None:
        summary = f"with {bound} = {size}: {summary}"
    return Outcome(Verdict.UNDECIDED, Evidence(Method.SYMBOLIC, summary, route=ROUTE, reason="events"))


def _sweep_bound(
    sides: tuple[sympy.Expr, sympy.Expr],
) -> tuple[sympy.Symbol | None, dict[sympy.Basic, tuple[sympy.Expr, sympy.Expr]]] | None:
    """The one symbolic upper bound of the sides' sums (None if they have none) and the variables the
    sums range over (``Z`` of ``\\sum_k P(Z = k)``: its range is the sum's); None when a sum is not over
    a variable's values with a lower bound that is a number, or bounds differ."""
    bounds: set[sympy.Basic] = set()
    ranged: dict[sympy.Basic, tuple[sympy.Expr, sympy.Expr]] = {}
    for side in sides:
        for node in sympy.preorder_traversal(side):
            if isinstance(node, (sympy.Product, sympy.Integral)):
                return None
            if not isinstance(node, sympy.Sum):
                continue
            if len(node.limits) != 1 or len(node.limits[0]) != 3:
                return None
            k, lo, hi = node.limits[0]
            if not lo.is_Integer:
                return None
            if not hi.is_Integer:
                if not isinstance(hi, sympy.Symbol):
                    return None
                bounds.add(hi)
            over = {
                e.args[0]
                for e in sympy.preorder_traversal(node.function)
                if isinstance(e, AppliedUndef) and _name(e) == "event" and len(e.args) == 2 and e.args[1] == k
            }
            if len(over) != 1:
                return None
            ranged[over.pop()] = (lo, hi)
    if len(bounds) > 1:
        return None
    bound = next(iter(bounds), None)
    if bound is not None and any(bound in app.free_symbols for s in sides for app in _apps(s)):
        return None
    return bound, ranged


def _written(sides: tuple[sympy.Expr, sympy.Expr], bound: sympy.Symbol | None, size: int | None) -> tuple | None:
    """The sides with ``bound`` set to ``size`` and every sum written out term by term."""
    out = []
    for side in sides:
        s = side.xreplace({bound: sympy.Integer(size)}) if bound is not None else side
        try:
            s = s.replace(lambda e: isinstance(e, sympy.Sum), lambda e: e.doit())
        except Exception:  # a sum sympy cannot write out proves nothing (the tier's alarm is no Exception)
            return None
        if s.has(sympy.Sum):
            return None
        out.append(s)
    return tuple(out)


def _decide(
    sides: tuple[sympy.Expr, ...],
    names: set[str],
    independent: Sequence[Sequence[str]],
    declared: Callable[[str], bool],
    ranged: dict[sympy.Basic, tuple[sympy.Expr, sympy.Expr]],
) -> Outcome | None:
    reading = _read(sides, names, declared)
    if reading is None:
        return None
    space = _Space.build(reading, ranged, exhaustive=False)
    if space is None:
        return None
    difference = _difference(sides, reading, space.probability)
    if difference is None:
        return None
    if _zero(difference):
        return _proved(space, "")
    group = _stated_group(reading, independent)
    if group == ():
        return _undecided("more than one group of stated independent events touches the step", "events")
    if group:
        product = _Space.build(reading, ranged, exhaustive=False, independent=group)
        if product is not None:
            diff = _difference(sides, reading, product.probability)
            if diff is not None and _zero(diff):
                return _proved(product, f" {UNDER_STATED} {', '.join(group)}")
    hint = _holds_if(sides, reading, ranged)
    if reading.doubts:
        return _undecided(f"no counterexample shown: {reading.doubts[0]}{hint}", "events")
    pair = _complementary(sides, reading, ranged)
    if pair is not None:
        why = (
            f"no counterexample shown: {HOLDS_IF} {pair[1]} is the complement of {pair[0]} (two names for the two "
            "classes of one split, as texts write sick and well, spam and ham, C_1 and C_2); say so, or that they "
            f"are not, to settle{hint}"
        )
        return _undecided(why, "events")
    return _refute(sides, reading, ranged, group, hint)


def _complementary(
    sides: tuple[sympy.Expr, ...], reading: _Reading, ranged: dict[sympy.Basic, tuple[sympy.Expr, sympy.Expr]]
) -> tuple[str, str] | None:
    """Two named events (U, V), never written in one probability, such that the step holds when V is
    the complement of U, or None. Texts name the two classes of a split and use each on its own
    (``P(-) = P(S-) + P(W-)``: sick and well) without saying they are complements; a counterexample
    that makes them overlap refutes a step the author never meant. Events written together
    (``P(A | \\neg B)``, ``P(A \\cup B)``) are related by the step itself, and stay refutable."""
    named = [i for i, p in enumerate(reading.props) if _is_name(p)]
    together = set()
    for event, condition in reading.apps.values():
        inside = _indices(event) | (_indices(condition) if condition is not None else set())
        together |= {(a, b) for a in inside for b in inside}
    for u, v in itertools.combinations(named, 2):
        if (u, v) in together:
            continue
        space = _Space.build(reading, ranged, exhaustive=False, complement=(u, v))
        if space is not None and _zero(_difference(sides, reading, space.probability)):
            return _show_prop(reading.props[u]), _show_prop(reading.props[v])
    return None


def _refute(
    sides: tuple[sympy.Expr, ...],
    reading: _Reading,
    ranged: dict[sympy.Basic, tuple[sympy.Expr, sympy.Expr]],
    group: tuple[str, ...] | None,
    hint: str,
) -> Outcome:
    """REFUTED at an exact rational measure (values written out taken as the variable's whole range, and
    any stated independence kept), else UNDECIDED."""
    space = _Space.build(reading, ranged, exhaustive=True, independent=group or None)
    if space is None:
        return _undecided(f"the sides differ as functions of the measure but no model was built{hint}", "events")
    difference = _difference(sides, reading, space.probability)
    if difference is not None and _zero(difference):
        said = "; ".join(space.notes)
        return _undecided(f"the step holds only with {said}, which the text does not state{hint}", "events")
    for weights in _WEIGHTS:
        point = space.point(weights)
        if difference is None:
            break
        value = _exact(difference.xreplace(point))
        if value is None or value == 0:
            continue
        lhs, rhs = (_exact(_substituted(s, reading, space.probability).xreplace(point)) for s in sides)
        if lhs is None or rhs is None:
            continue
        shown = space.describe(point)
        within = f" (with {', '.join(group)} independent, as stated)" if group else ""
        summary = f"refuted by an exact probability measure{within}: with {shown}: lhs = {lhs}, rhs = {rhs}{hint}"
        cex = Counterexample(space.values(point), str(lhs), str(rhs), str(value), 0)
        return Outcome(
            Verdict.REFUTED, Evidence(Method.SYMBOLIC, summary, route=ROUTE, counterexample=cex, reason="events")
        )
    return _undecided(f"the sides differ as functions of the measure, but not at the measures tried{hint}", "events")


def _proved(space: _Space, under: str) -> Outcome:
    events = ", ".join(space.shown)
    summary = (
        f"proved for every probability measure on the events {events}{under}, wherever the conditioning events "
        f"have positive probability (each probability a sum over the atoms of the events{space.reading_note()})"
    )
    return Outcome(Verdict.PROVED, Evidence(Method.SYMBOLIC, summary, difference="0", route=ROUTE))


def _undecided(why: str, reason: str) -> Outcome:
    return Outcome(Verdict.UNDECIDED, Evidence(Method.SYMBOLIC, why, route=ROUTE, reason=reason))


def _holds_if(
    sides: tuple[sympy.Expr, ...], reading: _Reading, ranged: dict[sympy.Basic, tuple[sympy.Expr, sympy.Expr]]
) -> str:
    """``"; it holds if A, B are independent [given C]"`` when the step holds under that assumption
    (mutual independence of the named events, or of all but one given that one and given its
    complement: naive Bayes); else ""."""
    plain = [p for p in reading.props if _is_name(p) or _name(p) in _LABELS]
    if len(plain) < 2 or len(plain) != len(reading.props):
        return ""
    for given in _conditions(reading):
        if given not in plain or len(plain) < 3:
            continue
        rest = [_show_prop(p) for p in plain if p != given]
        naive = _Space.build(reading, ranged, exhaustive=False, independent=tuple(rest), given=given)
        if naive is not None and _zero(_difference(sides, reading, naive.probability)):
            return f"; {HOLDS_IF} {', '.join(rest)} are independent given {_show_prop(given)}"
    shown = [_show_prop(p) for p in plain]
    whole = _Space.build(reading, ranged, exhaustive=False, independent=tuple(shown))
    if whole is not None and _zero(_difference(sides, reading, whole.probability)):
        return f"; {HOLDS_IF} {', '.join(shown)} are independent"
    return ""


def _conditions(reading: _Reading) -> list[sympy.Basic]:
    """The propositions some application conditions on alone (``P(. | C)``), in reading order."""
    out: list[sympy.Basic] = []
    for _main, given in reading.apps.values():
        if given is not None and given[0] == "p" and reading.props[given[1]] not in out:
            out.append(reading.props[given[1]])
    return out


def _stated_group(reading: _Reading, independent: Sequence[Sequence[str]]) -> tuple[str, ...] | None:
    """The one stated group of independent names with two or more of the step's events; None when no
    group has; () when several have (not modelled)."""
    shown = {_show_prop(p) for p in reading.props if _is_name(p)}
    touching = [tuple(n for n in g if n in shown) for g in independent]
    touching = [g for g in touching if len(g) >= 2]
    if not touching:
        return None
    return touching[0] if len(touching) == 1 else ()


# --- reading ---------------------------------------------------------------------------------------


def _read(sides: tuple[sympy.Expr, ...], names: set[str], declared: Callable[[str], bool]) -> _Reading | None:
    """The probability applications of the sides as formulas over one list of propositions; None when
    one is not a set of events (a value ``P(1)``, a sequence ``P(H, H)``, parameters ``P(x; theta)``) or
    an event name also stands as a value."""
    reading = _Reading()
    for side in sides:
        for app in _apps(side):
            if _name(app) not in names or app in reading.apps:
                continue
            main, given, params = split_roles(app)
            if params or not main:
                return None
            plain = [a for a in (*main, *given) if _is_name(a)]
            if len(plain) != len(set(plain)):
                return None
            if plain and _name(app)[:1].islower():
                return None  # p(x | y): a density of x as plausibly as the probability of an event x
            formulas = [_formula(a, reading) for a in main]
            conditions = [_formula(a, reading) for a in given]
            if any(f is None for f in (*formulas, *conditions)):
                return None
            reading.apps[app] = (_conj(formulas), _conj(conditions) if conditions else None)
    if not reading.apps or len(reading.props) > _MAX_PROPS:
        return None
    outside = set().union(*(_outside(s, reading) for s in sides))
    events = {p for p in reading.props if _is_name(p)} | {p.args[0] for p in reading.props if _valued(p)}
    if outside & events:
        return None  # a name both an event and a value (P(X | theta) = theta^9): not a set of events
    _collect_doubts(sides, reading, outside, declared)
    return reading


def _collect_doubts(
    sides: tuple[sympy.Expr, ...], reading: _Reading, outside: set[sympy.Basic], declared: Callable[[str], bool]
) -> None:
    """Why a counterexample of this reading may not be one of the step as meant (see the module docstring)."""
    labels = {_name(p) for p in reading.props if isinstance(p, AppliedUndef) and _name(p) in _LABELS}
    if outside:
        shown = ", ".join(sorted(str(s) for s in outside))
        reading.doubts.append(f"the step also holds {shown}, which the text may define through these probabilities")
    if not all(any(a in reading.apps for a in _apps(s)) for s in sides):
        reading.doubts.append("one side holds no probability (a value the text states or computes, not an identity)")
    if labels & {"event_pm", "event_mp"}:
        reading.doubts.append("\u00b1 stands for each class, so nothing is refuted through it")
    if {"event_plus", "event_minus"} <= labels:
        reading.doubts.append("+ and - may be each other's complement (a test's two results)")
    if any(_name(p) != "event" and not _is_name(p) and p.args for p in reading.props if isinstance(p, AppliedUndef)):
        reading.doubts.append("an event with an inequality is not related to the values of its variable here")
    for variable in {p.args[0] for p in reading.props if _valued(p)}:
        values = [p.args[1] for p in reading.props if _valued(p) and p.args[0] == variable]
        if len(values) > 1 and not all(v.is_number for v in values):
            reading.doubts.append(f"{variable} is taken at a named value and another: they may be one event")
    unconditioned = all(given is None for _main, given in reading.apps.values())
    one_event = len({main for main, _given in reading.apps.values()}) == 1  # P(A ∩ B) = P(A ∩ B)^2 (attacker K26)
    if unconditioned and (one_event or all(main[0] == "p" for main, _given in reading.apps.values())):
        reading.doubts.append(
            "every probability is of one event, unconditioned: a statement of what these probabilities are "
            "(by symmetry, from a table), not a rule of probability to refute"
        )
    marked = sorted(str(p) for p in reading.props if _is_name(p) and undecorated(p) != str(p))
    if marked:
        reading.doubts.append(f"{marked[0]} may be the complement of {undecorated(marked[0])} (a bar, a prime)")
    plain_declared = sorted(str(p) for p in reading.props if _is_name(p) and declared(str(p)))
    if plain_declared:
        reading.doubts.append(f"{', '.join(plain_declared)} has a declared kind: a quantity, not an event")


def _formula(arg: sympy.Basic, reading: _Reading) -> Formula | None:
    if isinstance(arg, AppliedUndef):
        name = _name(arg)
        if name in ("event_and", "event_or") and arg.args:
            parts = [_formula(a, reading) for a in arg.args]
            if any(p is None for p in parts):
                return None
            return ("and" if name == "event_and" else "or", tuple(parts))
        if name == "event_not" and len(arg.args) == 1:
            inner = _formula(arg.args[0], reading)
            return None if inner is None else ("not", inner)
        if name in _LABELS and not arg.args:
            return _prop(arg, reading)
        if name in _RELATIONS and len(arg.args) == 2 and _is_name(arg.args[0]):
            return _prop(arg, reading)
        return None
    return _prop(arg, reading) if _is_name(arg) else None


def _prop(key: sympy.Basic, reading: _Reading) -> Formula:
    if key not in reading.props:
        reading.props.append(key)
    return ("p", reading.props.index(key))


def _conj(parts: list[Formula]) -> Formula:
    return parts[0] if len(parts) == 1 else ("and", tuple(parts))


def _apps(side: sympy.Basic) -> list[AppliedUndef]:
    return [a for a in sympy.preorder_traversal(side) if isinstance(a, AppliedUndef)]


def _outside(side: sympy.Basic, reading: _Reading) -> set[sympy.Basic]:
    """The free names of ``side`` outside its probability applications."""
    bare = side.xreplace({app: sympy.Integer(1) for app in reading.apps})
    return set(bare.free_symbols)


# --- the finite space ------------------------------------------------------------------------------


@dataclass
class _Space:
    """The atoms (truth assignments of the propositions) with their weights."""

    props: list[sympy.Basic]
    atoms: list[tuple[bool, ...]]
    weights: list[sympy.Expr]
    symbols: list[sympy.Symbol]
    shown: list[str]
    exhaustive: bool
    notes: list[str] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        reading: _Reading,
        ranged: dict[sympy.Basic, tuple[sympy.Expr, sympy.Expr]],
        *,
        exhaustive: bool,
        independent: tuple[str, ...] | None = None,
        given: sympy.Basic | None = None,
        complement: tuple[int, int] | None = None,
    ) -> _Space | None:
        props = list(reading.props)
        groups = _value_groups(props, ranged)
        if groups is None:
            return None
        atoms = []
        for bits in itertools.product((False, True), repeat=len(props)):
            if complement is not None and bits[complement[0]] == bits[complement[1]]:
                continue
            if all(_allowed(bits, g, exhaustive or g.ranged) for g in groups):
                atoms.append(bits)
        if not atoms or len(atoms) > _MAX_ATOMS:
            return None
        notes = [
            f"{g.variable} taking exactly the values {g.values_text()} (the range of the sum over them)"
            for g in groups
            if g.ranged
        ]
        if exhaustive and any(not g.ranged for g in groups):
            notes.append("the values written of each variable taken as all its values")
        shown = [_show_prop(p) for p in props[: len(reading.props)]]
        if independent is None:
            symbols = [sympy.Symbol(f"q{i}", positive=True) for i in range(len(atoms))]
            return cls(props, atoms, list(symbols), symbols, shown, exhaustive, notes)
        return _product(
            cls,
            props=props,
            atoms=atoms,
            shown=shown,
            exhaustive=exhaustive,
            notes=notes,
            independent=independent,
            given=given,
        )

    def probability(self, event: Formula, condition: Formula | None) -> sympy.Expr | None:
        inside = [w for a, w in zip(self.atoms, self.weights, strict=True) if _holds(event, a)]
        if condition is None:
            return sympy.Add(*inside) / sympy.Add(*self.weights)
        within = [w for a, w in zip(self.atoms, self.weights, strict=True) if _holds(condition, a)]
        if not within:
            return None  # conditioned on an impossible event
        both = [w for a, w in zip(self.atoms, self.weights, strict=True) if _holds(condition, a) and _holds(event, a)]
        return sympy.Add(*both) / sympy.Add(*within)

    def point(self, weight: Callable[[int], int]) -> dict[sympy.Symbol, sympy.Expr]:
        """Positive rational values of the parameters: the weights themselves, or (a product space)
        marginals in (0, 1) made from them."""
        return {s: _value(s, weight(j)) for j, s in enumerate(self.symbols)}

    def atom_probabilities(self, point: dict[sympy.Symbol, sympy.Expr]) -> list[sympy.Expr]:
        total = sympy.Add(*self.weights).xreplace(point)
        return [sympy.cancel(w.xreplace(point) / total) for w in self.weights]

    def describe(self, point: dict[sympy.Symbol, sympy.Expr]) -> str:
        return ", ".join(f"P({k}) = {v}" for k, v in self.values(point))

    def values(self, point: dict[sympy.Symbol, sympy.Expr]) -> tuple[tuple[str, str], ...]:
        return tuple(
            (self._atom_text(a), str(p)) for a, p in zip(self.atoms, self.atom_probabilities(point), strict=True)
        )

    def _atom_text(self, atom: tuple[bool, ...]) -> str:
        parts = []
        done: set[sympy.Basic] = set()
        for prop, truth in zip(self.props, atom, strict=True):
            if _valued(prop) and prop.args[1].is_number:
                variable = prop.args[0]
                if variable in done:
                    continue
                done.add(variable)
                mine = [(p, t) for p, t in zip(self.props, atom, strict=True) if _valued(p) and p.args[0] == variable]
                hit = [p for p, t in mine if t]
                if hit:
                    parts.append(_show_prop(hit[0]))
                else:
                    listed = ", ".join(str(p.args[1]) for p, _ in mine)
                    parts.append(f"{variable} \u2209 {{{listed}}}")
                continue
            parts.append(_show_prop(prop) if truth else f"\u00ac{_show_prop(prop)}")
        return " \u2229 ".join(parts)

    def reading_note(self) -> str:
        return f"; {'; '.join(self.notes)}" if self.notes else ""


def _product(
    cls: type[_Space],
    *,
    props: list[sympy.Basic],
    atoms: list[tuple[bool, ...]],
    shown: list[str],
    exhaustive: bool,
    notes: list[str],
    independent: tuple[str, ...],
    given: sympy.Basic | None,
) -> _Space | None:
    """The space where the propositions shown as ``independent`` are mutually independent (given the
    event ``given`` only, when it is set: nothing is said of its complement), the others of any law
    given them. Every measure with that independence is one of its points (up to normalisation)."""
    index = {s: i for i, s in enumerate(shown)}
    members = [index[n] for n in independent if n in index]
    if len(members) < 2 or any(not _is_name(props[i]) and _name(props[i]) not in _LABELS for i in members):
        return None
    cond = props.index(given) if given is not None else None
    marginal = {i: sympy.Symbol(f"a{j}", positive=True) for j, i in enumerate(members)}
    # One free weight per atom: the law of the other propositions given the members' assignment (and
    # the mass of the condition), or the whole weight of an atom outside the condition.
    free = [sympy.Symbol(f"t{i}", positive=True) for i in range(len(atoms))]
    inside = [cond is None or a[cond] for a in atoms]

    def key(a: tuple[bool, ...]) -> tuple[bool, ...]:
        return tuple(a[i] for i in members)

    totals: dict[tuple[bool, ...], sympy.Expr] = {}
    for a, t, within in zip(atoms, free, inside, strict=True):
        if within:
            totals[key(a)] = totals.get(key(a), sympy.Integer(0)) + t
    mass = sympy.Add(*(t for t, within in zip(free, inside, strict=True) if within))
    weights = []
    for a, t, within in zip(atoms, free, inside, strict=True):
        if not within:
            weights.append(t)
            continue
        w = t / totals[key(a)] * mass
        for i in members:
            w *= marginal[i] if a[i] else 1 - marginal[i]
        weights.append(w)
    return cls(props, atoms, weights, [*marginal.values(), *free], shown, exhaustive, notes)


@dataclass
class _Group:
    variable: sympy.Basic
    members: list[int]
    ranged: bool
    values: list[sympy.Expr]

    def values_text(self) -> str:
        return ", ".join(str(v) for v in self.values)


def _value_groups(props: list[sympy.Basic], ranged: dict[sympy.Basic, tuple[sympy.Expr, sympy.Expr]]) -> list | None:
    """The events of one variable at distinct numeric values (disjoint), with the values of a summed
    variable's whole range added as propositions; None when a range is not written out."""
    for variable, (lo, hi) in ranged.items():
        if not (lo.is_Integer and hi.is_Integer) or hi < lo or hi - lo + 1 > _MAX_PROPS:
            return None
        for v in range(int(lo), int(hi) + 1):
            key = sympy.Function("event")(variable, sympy.Integer(v))
            if key not in props:
                props.append(key)
    groups = []
    for variable in dict.fromkeys(p.args[0] for p in props if _valued(p) and p.args[1].is_number):
        members = [i for i, p in enumerate(props) if _valued(p) and p.args[0] == variable and p.args[1].is_number]
        values = [props[i].args[1] for i in members]
        is_ranged = variable in ranged and all(
            v.is_Integer and ranged[variable][0] <= v <= ranged[variable][1] for v in values
        )
        groups.append(_Group(variable, members, is_ranged, values))
    if len(props) > _MAX_PROPS + 4:
        return None
    return groups


def _allowed(bits: tuple[bool, ...], group: _Group, exhaustive: bool) -> bool:
    hits = sum(bits[i] for i in group.members)
    return hits == 1 if exhaustive else hits <= 1


def _indices(formula: Formula) -> set[int]:
    """The propositions a formula names."""
    if formula[0] == "p":
        return {formula[1]}
    if formula[0] == "not":
        return _indices(formula[1])
    return set().union(*(_indices(f) for f in formula[1]))


def _holds(formula: Formula, atom: tuple[bool, ...]) -> bool:
    kind = formula[0]
    if kind == "p":
        return atom[formula[1]]
    if kind == "not":
        return not _holds(formula[1], atom)
    if kind == "and":
        return all(_holds(f, atom) for f in formula[1])
    return any(_holds(f, atom) for f in formula[1])


# --- sides as rational functions -------------------------------------------------------------------


def _substituted(
    side: sympy.Expr, reading: _Reading, probability: Callable[[Formula, Formula | None], sympy.Expr | None]
) -> sympy.Expr | None:
    values = {}
    for app, (event, condition) in reading.apps.items():
        value = probability(event, condition)
        if value is None:
            return None
        values[app] = value
    return side.xreplace(values)


def _difference(
    sides: tuple[sympy.Expr, ...],
    reading: _Reading,
    probability: Callable[[Formula, Formula | None], sympy.Expr | None],
) -> sympy.Expr | None:
    lhs, rhs = (_substituted(s, reading, probability) for s in sides)
    if lhs is None or rhs is None:
        return None
    return lhs - rhs


def _zero(difference: sympy.Expr | None) -> bool:
    """Whether ``difference`` is exactly 0 as a function of the (positive) weights: nonzero at an exact
    rational point settles it cheaply; else it must cancel to 0."""
    if difference is None or sympy.count_ops(difference) > _MAX_OPS:
        return False
    symbols = sorted(difference.free_symbols, key=lambda s: s.name)
    for weight in _WEIGHTS[:2]:
        point = {s: _value(s, weight(j)) for j, s in enumerate(symbols)}
        value = _exact(difference.xreplace(point))
        if value is not None and value != 0:
            return False
    for step in (
        lambda e: sympy.cancel(sympy.together(e)),
        lambda e: sympy.cancel(sympy.together(sympy.expand(sympy.expand_log(e, force=False)))),
    ):
        with contextlib.suppress(Exception):  # a rewrite sympy cannot do proves nothing (the alarm is no Exception)
            if step(difference) == 0:
                return True
    return False


def _value(symbol: sympy.Symbol, weight: int) -> sympy.Expr:
    """A parameter's value from a positive integer: a marginal (``a...``) in (0, 1), a weight itself."""
    return sympy.Rational(weight, weight + 2) if symbol.name.startswith("a") else sympy.Integer(weight)


def _exact(value: sympy.Expr) -> sympy.Rational | None:
    """``value`` as an exact rational, or None (a logarithm left, a division by zero)."""
    try:
        v = sympy.cancel(sympy.together(value))
    except Exception:  # not a number sympy can settle exactly
        return None
    return v if isinstance(v, sympy.Rational) else None


# --- names -----------------------------------------------------------------------------------------


def _is_name(arg: sympy.Basic) -> bool:
    if isinstance(arg, sympy.Indexed):
        return all(isinstance(i, (sympy.Symbol, sympy.Integer)) for i in arg.indices)
    return isinstance(arg, sympy.Symbol) and not isinstance(arg, sympy.Dummy)


def _valued(prop: sympy.Basic) -> bool:
    return isinstance(prop, AppliedUndef) and _name(prop) == "event" and len(prop.args) == 2


def _show_prop(prop: sympy.Basic) -> str:
    if isinstance(prop, AppliedUndef):
        name = _name(prop)
        if name in _LABELS:
            return _LABELS[name]
        if name in _RELATIONS:
            return f"{prop.args[0]}{_RELATIONS[name]}{prop.args[1]}"
    return str(prop)


def _name(node: sympy.Basic) -> str:
    return str(node.func.__name__) if isinstance(node, AppliedUndef) else ""


def shown_events(props: Iterable[sympy.Basic]) -> list[str]:
    """How the evidence writes each proposition (``X=1``, ``+``, ``A``)."""
    return [_show_prop(p) for p in props]
