"""What the atom model of events refutes: a statement about one (compound) event is the model's, not a rule."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict


def _last(doc: str) -> tuple[Verdict, str]:
    r = derive.check_latex(doc)[-1]
    return r.verdict, r.detail or ""


@pytest.mark.parametrize(
    "step",
    [r"P(A \cap B) = P(A \cap B)^2", r"P(A \cap B) = P(A \cap B) P(A \cap B)", r"P(A \cup B) = 2 P(A \cup B)^2"],
)
def test_a_statement_about_one_compound_event_is_not_refuted(step: str) -> None:
    # attacker K26: as P(A) = P(A)^2, it says what the model is (A ∩ B null or sure), not a rule to refute
    verdict, detail = _last(f"## Events\n\nSome events.\n\n$${step}$$\n")
    assert verdict is not Verdict.REFUTED, detail


def test_a_rule_between_two_events_is_still_refuted() -> None:
    verdict, detail = _last("## Events\n\nSome events.\n\n$$P(A \\cap B) = P(A) + P(B)$$\n")
    assert verdict is Verdict.REFUTED, detail
