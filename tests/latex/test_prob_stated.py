"""Probabilities the text states a value of, put in for later steps (derive.latex.prob_stated)."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict

# The values are stated in the prose: a display is the text's claim, a given only where each of its links follows
# from the givens before it (attacker K13), so the displays below state P(S+) = .75p and P(-) only through them.
_COVID = r"""
## An example

The chance of a false negative is 1 in 4, so $P(-|S) = .25$, and we know $P(+|S) = .75$.
The false positive rate gives $P(+|W) = 1/200$.
The incidence is p.  In other words, $P(S)=p$ so $P(W)=1-p$.  Then
$$P(S+)=P(S)P(+|S)=.75p$$
Putting these together we get $P(+)=.005+.745p$.
"""


def _last(doc: str) -> tuple[Verdict, str]:
    r = derive.check_latex(doc)[-1]
    return r.verdict, r.detail or ""


@pytest.mark.parametrize(
    ("step", "used"),
    [
        (r"P(S)P(+|S) = .75p", ["P(S+) = .75p (line 7)"]),
        (r"P(+|S)(1 - P(W)) = .75p", ["P(S) = p (line 6)", "P(W) = 1-p (line 6)"]),
        (r"P(W)P(+|W) = .005(1-p)", ["P(+|W) = 1/200 (line 5)", "P(W) = 1-p"]),
        (r"\frac{P(+|S)P(S)}{P(+)} = \frac{750p}{5+745p}", ["P(+) = .005+.745p"]),
        # Bayes' rule run backwards through the stated values: P(S|+) is no stated value, but its joint is
        (r"P(S|+) = .75p/(.005+.745p)", ["P(+) = .005+.745p"]),
        (r"P(-|S) P(S) = p/4", ["P(-|S) = .25", "P(S) = p"]),
    ],
)
def test_a_step_through_stated_values_is_proved_naming_them(step: str, used: list[str]) -> None:
    verdict, detail = _last(_COVID + f"\n$$\n{step}\n$$\n")
    assert verdict is Verdict.PROVED, detail
    assert "the probabilities the text states" in detail
    for u in used:
        assert u in detail


@pytest.mark.parametrize(
    "step",
    [
        r"P(S)P(+|S) = .7p",  # the wrong twin
        r"P(W)P(+|W) = .005p",
        r"\frac{P(+|S)P(S)}{P(+)} = \frac{750p}{5+740p}",
        r"P(S|+) = .75",  # the likelihood for the posterior
        r"P(+|S) P(W) = .75(1-p) + 1",
    ],
)
def test_a_wrong_step_is_not_proved(step: str) -> None:
    verdict, detail = _last(_COVID + f"\n$$\n{step}\n$$\n")
    assert verdict is not Verdict.PROVED, detail
    assert verdict is not Verdict.VERIFIED, detail


def test_a_value_not_stated_proves_nothing() -> None:
    # P(-) is never stated: nothing follows for it
    verdict, _ = _last(_COVID + "\n$$\nP(-) = .995-.745p\n$$\n")
    assert verdict is Verdict.UNDECIDED


@pytest.mark.parametrize(
    "sentence",
    [
        "If $P(A) = 0.3$, then",
        "Suppose we were told $P(A) = 0.3$; then",
        "We do not know that $P(A) = 0.3$, and",
        "Show that $P(A) = 0.3$. Indeed",
        "What if $P(A) = 0.3$? Then",
        "It is wrong to say $P(A) = 0.3$ here, and",
        "Note $P(A) = 0.3$ would be a mistake, so",
        "For example, $P(A) = 0.3$, and",
    ],
)
def test_a_supposed_negated_or_asked_value_is_not_stated(sentence: str) -> None:
    doc = f"## S\n\n{sentence} we get\n$$\nP(A|B) P(B) = P(B|A) \\cdot 0.3\n$$\n"
    # P(A|B)P(B) = P(B|A)P(A) holds for every law; with P(A) = 0.3 only under the stated value
    verdict, detail = _last(doc)
    assert "the probabilities the text states" not in detail, detail
    assert verdict is not Verdict.PROVED or "the probabilities the text states" not in detail


def test_a_stated_value_proves_the_twin_step() -> None:
    doc = "## S\n\nWe know $P(A) = 0.3$ from the data.\n$$\nP(A|B) P(B) = P(B|A) \\cdot 0.3\n$$\n"
    verdict, detail = _last(doc)
    assert verdict is Verdict.PROVED, detail
    assert "P(A) = 0.3 (line 3)" in detail
    wrong = doc.replace("0.3\n$$", "0.4\n$$")
    assert _last(wrong)[0] is not Verdict.PROVED


def test_two_values_for_one_probability_stand_down() -> None:
    doc = "## S\n\nWe know $P(A) = 0.3$ and later $P(A) = 0.4$.\n$$\nP(A|B) P(B) = P(B|A) \\cdot 0.3\n$$\n"
    verdict, detail = _last(doc)
    assert "the probabilities the text states" not in detail
    # nor indirectly: the joint and its parts disagree
    doc = "## S\n\nWe know $P(A) = 0.5$, $P(B) = 0.5$, $P(A|B) = 0.9$ and $P(AB) = 0.1$.\n$$\nP(AB) = 0.45\n$$\n"
    verdict, detail = _last(doc)
    assert verdict is not Verdict.PROVED, detail


def test_a_value_in_another_section_is_not_used() -> None:
    doc = "## One\n\nHere $P(A) = 0.3$.\n\n## Two\n\nThen\n$$\nP(A|B) P(B) = P(B|A) \\cdot 0.3\n$$\n"
    _, detail = _last(doc)
    assert "the probabilities the text states" not in detail


def test_a_rounded_chain_states_nothing() -> None:
    # 408/903 = .452 only to three decimals: neither value is the stated one
    doc = "## S\n\n$$\nP(A) = \\frac{408}{903} = .452\n$$\nThen\n$$\nP(A|B) P(B) = P(B|A) \\cdot .452\n$$\n"
    verdict, detail = _last(doc)
    assert verdict is not Verdict.PROVED, detail


def test_a_value_at_one_point_is_not_put_in_for_every_index() -> None:
    # P(X = a) = 0.3 is a statement about one a, not about each a a sum runs over
    doc = "## S\n\nWe know $P(X = a) = 0.3$.\n$$\n\\sum_{a=1}^{n} P(X = a) = 0.3 n\n$$\n"
    verdict, detail = _last(doc)
    assert verdict is not Verdict.PROVED, detail


def test_the_steps_own_display_is_no_statement() -> None:
    # the chain states P(A) = 0.3 in the step's own display: not a given for its own steps
    doc = "## S\n\n$$\nP(A|B)P(B) = P(B|A)P(A) = P(B|A) \\cdot 0.3\n$$\n"
    verdict, detail = _last(doc)
    assert verdict is not Verdict.PROVED, detail


def test_a_declared_function_is_not_a_probability() -> None:
    doc = (
        "---\nderive:\n  symbols:\n    P: function\n---\n"
        "## S\n\nHere $P(A) = 0.3$.\n$$\nP(A|B) P(B) = P(B|A) \\cdot 0.3\n$$\n"
    )
    _, detail = _last(doc)
    assert "the probabilities the text states" not in detail


@pytest.mark.parametrize(
    "between",
    [
        "Instead, take a bent coin.",
        "We now change the model.",
        "Consider a second test.",
        "The events are no longer the same.",
    ],
)
def test_words_that_change_the_setting_end_a_statement(between: str) -> None:
    doc = f"## S\n\nWe know $P(A) = 0.3$ from the data.\n{between}\n$$\nP(A|B) P(B) = P(B|A) \\cdot 0.3\n$$\n"
    _, detail = _last(doc)
    assert "the probabilities the text states" not in detail


@pytest.mark.parametrize(
    "sentence",
    [
        "A common misconception is that $P(A) = 0.3$; in fact it is larger.",
        "When it rains, $P(A) = 0.3$.",
        "Given that $B$ occurred, $P(A) = 0.3$.",
        "For the fair die we know $P(A) = 0.3$ from the data. For the loaded die, which we study from here on, "
        "$P(A)$ is larger.",
        "We know $P(A) = 0.3$ from the data. Later $P(A)$ changes.",
    ],
)
def test_a_case_a_myth_or_a_value_taken_up_again_is_no_given(sentence: str) -> None:
    # attacker K10
    doc = f"## S\n\n{sentence}\n$$\nP(A|B) P(B) = P(B|A) \\cdot 0.3\n$$\n"
    verdict, detail = _last(doc)
    assert verdict is not Verdict.PROVED, detail


def test_a_display_the_text_claims_is_no_given() -> None:
    # attacker K13: P(A \\cap B) = 0.15 does not follow from P(A) = 0.3 and P(B) = 0.5 (independence unstated)
    doc = "## S\n\nWe know $P(A) = 0.3$ and $P(B) = 0.5$.\n$$P(A \\cap B) = 0.15$$\n$$P(A|B) P(B) = 0.15$$\n"
    verdict, detail = _last(doc)
    assert verdict is not Verdict.PROVED, detail
    # a display whose links follow from the givens is one: P(A|B) = 0.6 from P(AB) = 0.3 and P(B) = 0.5
    doc = (
        "## S\n\nWe know $P(A \\cap B) = 0.3$ and $P(B) = 0.5$.\n$$P(A|B) = \\frac{P(A \\cap B)}{P(B)} = 0.6$$\n"
        "and the data give $P(C) = 0.2$.\n$$P(A|B) \\cdot P(C) = 0.12$$\n"
    )
    verdict, detail = _last(doc)
    assert verdict is Verdict.PROVED, detail
    assert "P(A|B) = 0.6" in detail or "P(A \\cap B) = 0.3" in detail


def test_a_condition_the_text_gives_probability_zero_leaves_the_step_undecided() -> None:
    # attacker K14: proved "wherever the conditioning events have positive probability", which the text denies
    doc = "Let $A$ and $B$ be events with $P(B) = 0$.\n$$P(A \\mid B) = \\frac{P(A \\cap B)}{P(B)}$$\n"
    verdict, detail = _last(doc)
    assert verdict is Verdict.UNDECIDED, detail
    assert "P(B) = 0 (line 1)" in detail
    # a positive probability, or a zero for an event the step does not condition on, changes nothing
    assert _last(doc.replace("P(B) = 0$", "P(B) = 0.5$"))[0] is Verdict.PROVED
    assert _last(doc.replace("P(B) = 0$", "P(A) = 0$"))[0] is Verdict.PROVED
