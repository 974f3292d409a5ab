"""Membership events inside a probability: ``P(X \\in (a, b])``, ``P(X \\notin [a, b])``, ``P(X \\in \\{0, 1\\})``
(derive.latex.prob_events)."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict
from derive.language.symbols import SymbolTable
from derive.latex.parser import parse_latex


def _one(text: str) -> tuple[Verdict, str]:
    (r,) = derive.check_latex(f"$${text}$$")
    return r.verdict, r.detail or ""


@pytest.mark.parametrize(
    ("tex", "reading"),
    [
        (r"P(X \in (a, b])", "P(event_and(event_gt(X, a), event_le(X, b)))"),
        (r"P(X \in [a, b))", "P(event_and(event_ge(X, a), event_lt(X, b)))"),
        (r"P(X \in \left[a, b\right])", "P(event_and(event_ge(X, a), event_le(X, b)))"),
        (r"P(X \notin [a, b])", "P(event_not(event_and(event_ge(X, a), event_le(X, b))))"),
        (r"P(X \not\in [a, b])", "P(event_not(event_and(event_ge(X, a), event_le(X, b))))"),
        # an infinite end: a real X is always above -oo, so that side says nothing
        (r"P(X \in (-\infty, b])", "P(event_le(X, b))"),
        (r"P(X \in \mathbb{R})", "P(event_and(event_gt(X, -oo), event_lt(X, oo)))"),
        (r"P(X \in \{0, 1\})", "P(event_or(event(X, 0), event(X, 1)))"),
        (r"P(X \in (a, b] \mid Y = 1)", "P(event_and(event_gt(X, a), event_le(X, b)), given(event(Y, 1)))"),
    ],
)
def test_membership_reads_as_the_events_it_names(tex: str, reading: str) -> None:
    assert str(parse_latex(tex, SymbolTable({}))) == reading


@pytest.mark.parametrize(
    "text",
    [
        r"P(X \in (a, b]) = P(X > a \cap X \le b)",
        r"P(X \notin [a, b]) = 1 - P(X \in [a, b])",
        r"P(X \in (-\infty, b]) = P(X \le b)",
        r"P(X \in \{0, 1\}) = P(X = 0) + P(X = 1)",
    ],
)
def test_true_membership_steps_are_proved(text: str) -> None:
    assert _one(text)[0] is Verdict.PROVED


def test_a_false_membership_step_is_refuted_with_a_measure() -> None:
    verdict, detail = _one(r"P(X \in \{0, 1\}) = P(X = 0)")
    assert verdict is Verdict.REFUTED
    assert detail == ("refuted by an exact probability measure: with P(X=1) = 1/3, P(X=0) = 2/3: lhs = 1, rhs = 2/3")


@pytest.mark.parametrize(
    "text",
    [
        # closed or open at an end: the events differ by P(X = a), which a continuous X gives 0, a discrete one not
        r"P(X \in (a, b]) = P(X \ge a \cap X \le b)",
        r"P(X \in (-\infty, b)) = P(X \le b)",
        # the density is not known to be X's: read, never decided
        r"P(X \in (a, b]) = \int_a^b p(x) \, dx",
        r"P(X \in \mathbb{R}) = 1",
    ],
)
def test_membership_steps_that_depend_on_more_stay_undecided(text: str) -> None:
    assert _one(text)[0] is Verdict.UNDECIDED


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (r"P(X \in U) = 1", "membership in U: derive reads an interval"),
        (r"P(X \in \mathbb{N}) = 1", r"membership in \mathbb{N}"),
        (r"P(X \in (\infty, b]) = 0", "an interval that starts at oo"),
        (r"P(X \in (a, b, c)) = 0", "membership in (a, b, c)"),
        (r"P(X \in ) = 0", "membership in nothing"),
    ],
)
def test_membership_of_sets_derive_does_not_know_says_why(text: str, why: str) -> None:
    verdict, detail = _one(text)
    assert verdict is Verdict.ERROR and why in detail


def test_a_vector_in_an_interval_is_no_event() -> None:
    verdict, _ = _one(r"P(\mathbf{x} \in [a, b]) = 1")
    assert verdict is not Verdict.PROVED and verdict is not Verdict.REFUTED
