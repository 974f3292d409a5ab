"""The probability atom model (derive.tiers._events) through `by_event_calculus`.

Sides are built as the LaTeX reader builds them (``P(A|B)`` is ``P(A, given(B))``, ``\\neg A`` is
``event_not(A)``, ``X = 1`` is ``event(X, 1)``). True rules are proved for every measure; false
neighbours are refuted only with an exact rational measure shown; attacks: independence assumed
silently, conditional independence misused, Bayes with a wrong denominator, total probability over a
non-partition, the complement of the wrong side of the bar, labels that may be complements, a name both
event and value, a declared name, tight (impossible) conditions, sums whose range is the variable's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

import pytest
import sympy

from derive.model import Evidence, Method, Outcome, Relation, Verdict
from derive.tiers._events import HOLDS_IF, ROUTE, by_atoms
from derive.tiers._probability import by_event_calculus

P, p, f = (sympy.Function(n) for n in ("P", "p", "f"))
GIVEN, PARAMS = sympy.Function("given"), sympy.Function("parameters")
EVENT, NOT = sympy.Function("event"), sympy.Function("event_not")
AND, OR, LE = sympy.Function("event_and"), sympy.Function("event_or"), sympy.Function("event_le")
PLUS, MINUS, PM = sympy.Function("event_plus")(), sympy.Function("event_minus")(), sympy.Function("event_pm")()
A, B, C, X, Z, G, W = sympy.symbols("A B C X Z great waste", real=True)
x, k, K, theta = sympy.symbols("x k K theta", real=True)


class _Table(dict):
    """A symbol table as the LaTeX reader leaves it: kinds, and the implicit ones among them."""

    def __init__(self, kinds: dict[str, str], implicit: frozenset[str] = frozenset()) -> None:
        super().__init__(kinds)
        self._latex_functions: set[str] = set()
        self._latex_implicit = set(implicit)


@dataclass
class _Problem:
    relation: Relation = Relation.EQ
    symbols: object = None
    random: tuple = ()
    independent: tuple = ()


_LIGHT = Outcome(Verdict.UNDECIDED, Evidence(Method.SYMBOLIC, "could not prove lhs - rhs = 0"))


def _check(lhs: sympy.Expr, rhs: sympy.Expr, problem: _Problem | None = None) -> Outcome:
    return by_event_calculus(problem or _Problem(), (sympy.sympify(lhs), sympy.sympify(rhs)), _LIGHT)


def _g(a: sympy.Basic, *b: sympy.Basic) -> sympy.Expr:
    return P(a, GIVEN(*b))


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        # total probability over B and its complement
        (P(A), _g(A, B) * P(B) + _g(A, NOT(B)) * P(NOT(B))),
        # inclusion-exclusion, and for three events
        (P(OR(A, B)), P(A) + P(B) - P(AND(A, B))),
        (
            P(OR(A, B, C)),
            P(A) + P(B) + P(C) - P(AND(A, B)) - P(AND(A, C)) - P(AND(B, C)) + P(AND(A, B, C)),
        ),
        # the complement, of an event and of a conditional's event side
        (P(NOT(A)), 1 - P(A)),
        (_g(NOT(A), B), 1 - _g(A, B)),
        # Bayes with the total probability written out in the denominator
        (_g(A, B), _g(B, A) * P(A) / (_g(B, A) * P(A) + _g(B, NOT(A)) * P(NOT(A)))),
        # marginalisation, a joint list read as "and", De Morgan
        (P(A), P(A, B) + P(A, NOT(B))),
        (P(NOT(OR(A, B))), P(AND(NOT(A), NOT(B)))),
        # values of one variable are disjoint
        (P(OR(EVENT(X, 1), EVENT(X, 2))), P(EVENT(X, 1)) + P(EVENT(X, 2))),
        # a label is one more event: P(S+) + P(S, not +) = P(S)
        (P(AND(A, PLUS)) + P(AND(A, NOT(PLUS))), P(A)),
    ],
)
def test_rules_of_every_measure_are_proved(lhs: sympy.Expr, rhs: sympy.Expr) -> None:
    out = _check(lhs, rhs)
    assert out.verdict is Verdict.PROVED
    assert out.evidence.route == ROUTE
    assert out.evidence.summary.startswith("proved for every probability measure on the events ")
    assert "wherever the conditioning events have positive probability" in out.evidence.summary


def _measure(summary: str) -> dict[str, Fraction]:
    return {m[0]: Fraction(m[1]) for m in re.findall(r"P\(([^()]*)\) = (-?\d+(?:/\d+)?)", summary)}


@pytest.mark.parametrize(
    ("lhs", "rhs", "holds_if"),
    [
        # the false Bayes of the brief: P(B) cancels, leaving P(A)
        (_g(A, B), P(A) * P(B) / P(B), "A, B are independent"),
        # independence assumed silently (unmarked P: any function too)
        (P(A, B), P(A) * P(B), "A, B are independent"),
        # conditional independence misused
        (P(A, B, GIVEN(C)), _g(A, C) * _g(B, C), "A, B are independent given C"),
        # Bayes with a wrong denominator (P(A) for P(not A))
        (_g(A, B), _g(B, A) * P(A) / (_g(B, A) * P(A) + _g(B, NOT(A)) * P(A)), None),
        # the complement on the wrong side of the bar
        (_g(A, NOT(B)), 1 - _g(A, B), None),
        # inclusion-exclusion with the intersection forgotten
        (P(OR(A, B)), P(A) + P(B), None),
    ],
)
def test_false_rules_are_refuted_by_an_exact_measure(lhs: sympy.Expr, rhs: sympy.Expr, holds_if: str | None) -> None:
    out = _check(lhs, rhs)
    assert out.verdict is Verdict.REFUTED
    assert out.evidence.route == ROUTE
    summary = out.evidence.summary
    assert summary.startswith("refuted by an exact probability measure: with P(")
    measure = _measure(summary)
    assert sum(measure.values()) == 1 and all(v > 0 for v in measure.values())
    cex = out.evidence.counterexample
    assert cex is not None and Fraction(cex.lhs) != Fraction(cex.rhs)
    assert Fraction(cex.difference) == Fraction(cex.lhs) - Fraction(cex.rhs)
    if holds_if is None:
        assert HOLDS_IF not in summary
    else:
        assert summary.endswith(f"; {HOLDS_IF} {holds_if}")


def test_the_counterexample_is_the_measure_shown() -> None:
    # recompute both sides from the atoms the evidence lists: P(A|B) = P(A and B)/P(B), P(A)
    out = _check(_g(A, B), P(A) * P(B) / P(B))
    m = _measure(out.evidence.summary)
    p_b = m["¬A ∩ B"] + m["A ∩ B"]
    assert Fraction(out.evidence.counterexample.lhs) == m["A ∩ B"] / p_b
    assert Fraction(out.evidence.counterexample.rhs) == m["A ∩ ¬B"] + m["A ∩ B"]


def test_stated_independence_is_modelled() -> None:
    stated = _Problem(independent=(("A", "B"),))
    out = _check(P(A, B), P(A) * P(B), stated)
    assert out.verdict is Verdict.PROVED
    assert "under the independence stated for A, B" in out.evidence.summary
    assert _check(_g(A, B), P(A), stated).verdict is Verdict.PROVED
    # still false under it: refuted within it (the measure keeps A and B independent)
    out = _check(P(OR(A, B)), P(A) + P(B), stated)
    assert out.verdict is Verdict.REFUTED
    assert "(with A, B independent, as stated)" in out.evidence.summary
    # a third event is of any law: A, B independent says nothing of C
    assert _check(P(A, C), P(A) * P(C), stated).verdict is Verdict.REFUTED
    # independence of A and B is not independence given C
    assert _check(P(A, B, GIVEN(C)), _g(A, C) * _g(B, C), stated).verdict is Verdict.REFUTED


def test_two_stated_groups_touching_the_step_leave_it_undecided() -> None:
    stated = _Problem(independent=(("A", "B"), ("B", "C")))
    out = _check(P(A, B, C), P(A) * P(B) * P(C), stated)
    assert out.verdict is Verdict.UNDECIDED
    assert "more than one group of stated independent events" in out.evidence.summary


@pytest.mark.parametrize(
    ("lhs", "rhs", "why"),
    [
        # the class label ± stands for each class: never refuted through it
        (P(G, W, GIVEN(PM)), _g(G, PM) * _g(W, PM), "± stands for each class"),
        # + beside -: a test's two results may be each other's complement
        (P(AND(A, MINUS)) + P(AND(A, PLUS)), P(A), "+ and - may be each other's complement"),
        # one side holds no probability: a value the text states
        (_g(A, B), sympy.Rational(3, 10), "one side holds no probability"),
        # a name outside the probabilities may be defined through them (p := P(S))
        (P(A) * _g(B, A), sympy.Rational(3, 4) * theta, "the step also holds theta"),
        # X = x beside X = 1 may be one event
        (P(EVENT(X, x)) + P(EVENT(X, 1)), P(OR(EVENT(X, x), EVENT(X, 1))), "they may be one event"),
        # a bar or a prime may be the complement (A^c reads as a power: no event at all)
        (P(AND(A, sympy.Symbol("A_bar"))), P(A) * P(sympy.Symbol("A_bar")), "A_bar may be the complement of A"),
        (_g(sympy.Symbol("B_prime"), A), 1 - _g(B, A), "B_prime may be the complement of B"),
        # one event each, unconditioned: what the probabilities are (by symmetry), no rule of probability
        (P(A), P(B), "every probability is of one event, unconditioned"),
        (P(A) + P(B), P(C), "every probability is of one event, unconditioned"),
        # an inequality event is not related to the values of its variable
        (P(LE(X, 1)), P(EVENT(X, 1)), "an event with an inequality"),
    ],
)
def test_readings_that_forbid_a_counterexample_leave_it_undecided(lhs: sympy.Expr, rhs: sympy.Expr, why: str) -> None:
    out = _check(lhs, rhs)
    assert out.verdict is Verdict.UNDECIDED
    assert why in out.evidence.summary
    assert out.evidence.summary.startswith(_LIGHT.evidence.summary + "; as events: ")


def test_two_names_used_apart_may_be_the_classes_of_one_split() -> None:
    # total probability over B and C: true when C is not-B (sick and well), which texts leave unsaid
    out = _check(P(A), _g(A, B) * P(B) + _g(A, C) * P(C))
    assert out.verdict is Verdict.UNDECIDED
    assert "it holds if C is the complement of B" in out.evidence.summary
    # the sick and well of a test: P(-) = P(S-) + P(W-)
    out = _check(P(MINUS), P(AND(A, MINUS)) + P(AND(B, MINUS)))
    assert "it holds if B is the complement of A" in out.evidence.summary
    # a missing term is no split: refuted
    assert _check(P(A), _g(A, B) * P(B)).verdict is Verdict.REFUTED
    # names written together are related by the step itself: refuted
    assert _check(P(OR(A, B)), P(A) + P(B)).verdict is Verdict.REFUTED


def test_naive_bayes_hint_names_the_assumption() -> None:
    out = _check(P(G, W, GIVEN(PM)), _g(G, PM) * _g(W, PM))
    assert out.evidence.summary.endswith(f"; {HOLDS_IF} great, waste are independent given ±")
    rhs = _g(G, PLUS) * _g(NOT(W), PLUS) * P(PLUS) / P(G, NOT(W))
    out = _check(P(PLUS, GIVEN(G, NOT(W))), rhs)
    assert out.verdict is Verdict.REFUTED
    assert out.evidence.summary.endswith(f"; {HOLDS_IF} great, waste are independent given +")


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        # a density: p(x | y) of plain names is not an event probability
        (p(x, GIVEN(theta)), p(x)),
        # an unknown function with a bar
        (f(A, GIVEN(B)), f(A)),
        # a name both an event and a value: P(X | theta) = theta^9
        (P(X, GIVEN(theta)), theta**9),
        # parameters after a semicolon
        (P(A, GIVEN(B), PARAMS(theta)), P(A, PARAMS(theta))),
        # a sequence of outcomes: a name twice
        (P(A, A), P(A) ** 2),
        # a value, not an event
        (P(x + 1), P(x)),
    ],
)
def test_not_events_are_left_alone(lhs: sympy.Expr, rhs: sympy.Expr) -> None:
    assert _check(lhs, rhs) is _LIGHT


def test_declared_kinds_and_laws_are_no_events_to_refute_with() -> None:
    declared = _Problem(symbols=_Table({"A": "real"}))
    out = _check(_g(A, B), P(A), declared)
    assert out.verdict is Verdict.UNDECIDED
    assert "A has a declared kind" in out.evidence.summary
    # an implicit kind from an earlier side is no declaration
    implicit = _Problem(symbols=_Table({"A": "real"}, frozenset({"A"})))
    assert _check(_g(A, B), P(A), implicit).verdict is Verdict.REFUTED


def test_a_condition_that_is_impossible_is_not_read() -> None:
    # P(A | B and not B): conditioned on the empty event
    assert _check(P(A, GIVEN(AND(B, NOT(B)))), P(A)) is _LIGHT
    # a possible but tight condition is fine: P(A | A or B) >= P(A) as an equation is false
    assert _check(P(A, GIVEN(OR(A, B))), P(A)).verdict is Verdict.REFUTED


def test_total_probability_over_a_summed_variable_holds_if_the_sum_covers_its_range() -> None:
    lhs = P(EVENT(X, x))
    rhs = sympy.Sum(P(EVENT(Z, k)) * P(EVENT(X, x), GIVEN(EVENT(Z, k))), (k, 1, K))
    out = _check(lhs, rhs)
    # Z may take other values (0): undecided, saying what settles it and what follows then
    assert out.verdict is Verdict.UNDECIDED
    summary = out.evidence.summary
    assert f"{HOLDS_IF} Z takes exactly the values 1, ..., K (then verified for K = 1, 2, 3, 4 (each proved" in summary
    assert "Z taking exactly the values 1, 2, 3, 4 (the range of the sum over them)" in summary
    assert summary.endswith("not proved for every K)")
    # written-out bounds: a proof, under the same reading
    out = _check(lhs, rhs.subs(K, 3))
    assert f"{HOLDS_IF} Z takes exactly the values 1, ..., 3 (then proved for every probability" in out.evidence.summary
    # a term missing: never refuted at one size nor under one reading of the range
    for wrong in (rhs.subs(K, 3) - P(EVENT(Z, 1)) * P(EVENT(X, x), GIVEN(EVENT(Z, 1))), rhs.replace(1, 2)):
        out = _check(lhs, wrong)
        assert out.verdict is Verdict.UNDECIDED
        assert "refuted" not in out.evidence.summary.split("as events: ")[0]


def test_values_written_out_are_not_taken_as_the_whole_range_to_prove() -> None:
    # P(X=1) + P(X=2) = P(X=1 or X=2), not 1, unless X takes only those values
    two = P(EVENT(X, 1)) + P(EVENT(X, 2))
    out = _check(two, P(OR(EVENT(X, 1), EVENT(X, 2))))
    assert out.verdict is Verdict.PROVED
    out = _check(_g(EVENT(X, 1), A), 1 - _g(EVENT(X, 2), A))
    assert out.verdict is Verdict.UNDECIDED
    assert "holds only with the values written of each variable taken as all its values" in out.evidence.summary


def test_only_undecided_equations_are_looked_at() -> None:
    proved = Outcome(Verdict.PROVED, Evidence(Method.SYMBOLIC, "proved"))
    assert by_event_calculus(_Problem(), (P(A), P(A) + 1), proved) is proved
    le = _Problem(relation=Relation.LE)
    assert by_event_calculus(le, (P(A), P(A) + 1), _LIGHT) is _LIGHT
    assert by_event_calculus(_Problem(), None, _LIGHT) is _LIGHT


def test_by_atoms_rejects_too_many_events() -> None:
    many = sympy.symbols("E0:9")
    assert by_atoms((P(*many), P(many[0])), {"P"}) is None
