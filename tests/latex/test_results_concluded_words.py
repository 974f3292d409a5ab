"""A number displayed for a bare name after a result word is a conclusion, not a definition (attacker K29).

"Setting the derivative to zero, we get $$\\lambda = 2$$": the text's λ is its minimiser, whatever value the
text found; a later step that holds only with λ = 2 is not right by it (`derive.latex.results_concluded`).
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict

_ACCEPTED = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)
_PREMISE = "The objective is $\\theta^2 - \\theta$ and its derivative $2\\theta - 1$ vanishes. "
_AFTER = "\n$$\\theta = 0.4$$\nso\n$$\\log \\theta = \\log 2 - \\log 5$$\n"


def _last(text: str) -> tuple[Verdict, str]:
    results = derive.check_latex(text)
    return results[-1].verdict, results[-1].detail or ""


def test_a_value_after_we_get_is_not_substituted_as_a_definition() -> None:
    text = (
        "Setting the derivative of $\\lambda^2 - 6\\lambda$ to zero, we get\n$$\\lambda = 2$$\nand so\n"
        "$$\\lambda^2 = 4$$\n"
    )
    results = derive.check_latex(text)
    # the derivative 2\lambda - 6 is -2 at 2, not 0: the display is wrong by its own words (results_stationary, K29b)
    assert results[0].verdict is Verdict.REFUTED, results[0].detail
    assert "is -2, not 0" in (results[0].detail or "")
    assert results[-1].verdict is Verdict.UNDECIDED
    detail = results[-1].detail or ""
    assert "holds if \\lambda = 2, as concluded at line 2" in detail
    assert "concluded in words" in detail


@pytest.mark.parametrize(
    "words",
    [
        "Therefore",
        "Thus",
        "So",
        "It follows that",
        "This yields",
        "We obtain",
        "Which gives",
        "Solving for theta,",
        "Consequently",
        "As a result",
        "The optimum is at",
        "The minimiser is",
        "Hence we find",
    ],
)
def test_every_result_word_makes_the_value_a_conclusion(words: str) -> None:
    verdict, detail = _last(_PREMISE + words + _AFTER)
    assert verdict is Verdict.UNDECIDED, detail
    assert "holds if \\theta = 0.4" in detail


@pytest.mark.parametrize("words", ["Let", "We set", "Now take", "Define", "Fix the step size"])
def test_a_value_given_stays_a_definition(words: str) -> None:
    # the wrong twin of the above: the same display after words that give the value, not conclude it
    verdict, detail = _last(words + _AFTER)
    assert verdict is Verdict.PROVED, detail
    assert "\\theta := 0.4" in detail


def test_a_false_step_after_a_conclusion_is_not_accepted() -> None:
    verdict, _ = _last(_PREMISE + "Therefore\n$$\\theta = 0.4$$\nso\n$$\\log \\theta = \\log 3$$\n")
    assert verdict not in _ACCEPTED


def test_a_conclusion_derive_proves_from_the_equation_before_proves_the_step() -> None:
    steps = (
        "Setting the derivative to zero:\n$$2\\lambda - 6 = 0$$\n"
        "hence\n$$\\lambda = {value}$$\nso\n$$\\lambda^2 = {sq}$$\n"
    )
    verdict, detail = _last(steps.format(value="3", sq="9"))
    assert verdict is Verdict.PROVED, detail
    assert "the only solution of 2\\lambda - 6 = 0" in detail
    # wrong twin: 2 solves it not, so the step built on it is not right by it
    verdict, detail = _last(steps.format(value="2", sq="4"))
    assert verdict is Verdict.UNDECIDED
    assert "holds if \\lambda = 2" in detail


def test_a_chosen_root_proves_only_what_holds_at_every_root() -> None:
    steps = "$$x^2 - 9 = 0$$\nhence\n$$x = 3$$\nso\n$$x^2 {rest}$$\n"
    assert _last(steps.format(rest="= 9"))[0] is Verdict.PROVED
    verdict, detail = _last(steps.format(rest="+ x = 12"))
    assert verdict is Verdict.UNDECIDED
    assert "one root chosen" in detail


def test_a_case_word_keeps_the_conclusion_unproved() -> None:
    text = "Suppose the derivative is zero:\n$$2\\lambda - 6 = 0$$\nhence\n$$\\lambda = 3$$\nso\n$$\\lambda^2 = 9$$\n"
    verdict, detail = _last(text)
    assert verdict is Verdict.UNDECIDED
    assert "holds if \\lambda = 3" in detail


def test_a_formula_after_a_result_word_stays_a_definition() -> None:
    # a name given by a formula in other names is what the text works with (the sample mean): substituted as before
    text = "Setting the derivative to zero gives\n$$m = \\frac{a + b}{2}$$\nso\n$$2m - a = b$$\n"
    assert _last(text)[0] is Verdict.PROVED


def test_a_later_redefinition_is_not_proved_through_the_conclusion() -> None:
    text = (
        "Setting the derivative to zero:\n$$2\\lambda - 6 = 0$$\nhence\n$$\\lambda = 3$$\n"
        "Now let $\\lambda = 5$ instead. Then\n$$\\lambda^2 = 9$$\n"
    )
    assert _last(text)[0] not in _ACCEPTED
