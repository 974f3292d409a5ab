"""A plain E the text itself defines or declares is not simply an unknown-law expectation.

``Define $E(w) = w^2$.`` then ``E[2x] = 2E[x]``: derive's parser reads ``E[...]`` as an expectation
of an unknown law, by which the step holds for every law, but under the text's own E it is
4x^2 = 2x^2. Either reading is plausible, so a step decided under the expectation is undecided
and names both (derive.latex.readings). ``\\mathbb{E}`` stays the expectation by its font, and an
E the text never gives a meaning stays the unknown-law expectation.
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict
from derive.latex.readings import ambiguous_readings

_SHADOWED = "may be an expectation or the E the text defines or declares"


def _last(text: str) -> tuple[Verdict, str]:
    return (r := derive.check_latex(text)[-1]).verdict, r.detail


@pytest.mark.parametrize(
    ("prose", "step"),
    [
        ("Define $E(w) = w^2$.", "E[2x] = 2E[x]"),  # false under the text's E
        ("Let $E(w) = \\frac{1}{2} w^2$ be the error.", "E[w + v] = E[w] + E[v]"),
        ("Let $E$ be the energy, $E = m c^2$.", "E[2x] = 2E[x]"),  # a value: E·(2x) or an expectation
        ("Let $E := \\frac12 w^2$.", "E[w+v] = E[w] + E[v]"),
        ("Define $E(w) = w^2$.", "E [ 2 x ]  =  2 E [ x ]"),  # spacing changes nothing
    ],
)
def test_an_e_the_prose_defines_leaves_an_expectation_law_undecided(prose: str, step: str) -> None:
    verdict, detail = _last(f"{prose}\n\n$${step}$$\n")
    assert verdict is Verdict.UNDECIDED, step
    assert _SHADOWED in detail
    assert "(where the step is proved)" in detail  # the expectation reading alone is shown as such


def test_a_subscripted_error_function_the_text_defines_is_shadowed_too() -> None:
    verdict, detail = _last("Define $E_D(w) = \\frac12 w^2$.\n\n$$E_D[2w] = 2E_D[w]$$\n")
    assert verdict is Verdict.UNDECIDED
    assert "E_D[2w] may be an expectation or the E_D the text defines or declares" in detail


def test_a_defined_e_of_a_random_variable_is_not_its_expectation() -> None:
    # with x random, E(2x) and E[2x] were the expectation under x's law: 2E[x] = 0 = E[2x] was decided
    front = "---\nderive:\n  random: {x: 'Normal(0, 1)'}\n---\nDefine $E(w) = w^2$.\n\n"
    for step in ("E(2x) = 2E(x)", "E[2x] = 2E[x]"):
        verdict, detail = _last(f"{front}$${step}$$\n")
        assert verdict is Verdict.UNDECIDED, step
        assert _SHADOWED in detail


def test_an_e_declared_a_quantity_is_shadowed() -> None:
    verdict, detail = _last("---\nderive:\n  symbols: {E: real}\n---\n$$E[2x] = 2E[x]$$\n")
    assert verdict is Verdict.UNDECIDED
    assert "E[2x] may be an expectation or the E the text defines or declares" in detail


def test_a_declared_e_before_a_parenthesis_is_still_a_product() -> None:
    # E(1 + x) of a declared quantity E is E times (1 + x), as the parser reads it: no second reading
    text = "---\nderive:\n  symbols: {E: real, x: real}\n---\n$$E(1 + x) = E + E x$$\n"
    verdict, detail = _last(text)
    assert verdict is Verdict.PROVED
    assert "may be an expectation" not in detail
    # the same E before a square bracket is read as an expectation, so the text's E is the other reading
    verdict, detail = _last(text.replace("E(1 + x) = E + E x", "E[1 + x] = 1 + E[x]"))
    assert verdict is Verdict.UNDECIDED
    assert "E[1 + x] may be an expectation or the E the text defines or declares" in detail


def test_an_e_declared_a_function_is_not_linear() -> None:
    verdict, detail = _last("---\nderive:\n  functions: [E]\n---\n$$E[2x] = 2E[x]$$\n")
    assert verdict is Verdict.UNDECIDED
    assert "proved for every law" not in detail


def test_the_expectation_by_its_font_or_undefined_is_still_proved() -> None:
    proved = "proved for every law (where the expectations exist)"
    for text in (
        "Define $E(w) = w^2$.\n\n$$\\mathbb{E}[2x] = 2\\mathbb{E}[x]$$\n",  # the font settles it
        "$$E[2x] = 2E[x]$$\n",  # nothing gives E another meaning
        "Define $F(w) = w^2$.\n\n$$E[2x] = 2E[x]$$\n",  # another name defined
    ):
        verdict, detail = _last(text)
        assert verdict is Verdict.PROVED, text
        assert proved in detail


def test_a_false_step_under_a_shadowed_e_is_never_accepted() -> None:
    for step in ("E[2x] = 3E[x]", "E[x^2] = E[x]^2", "E[3] = 3"):  # E(3) = 9 under the text's E
        verdict, _ = _last(f"Define $E(w) = w^2$.\n\n$${step}$$\n")
        assert verdict in (Verdict.UNDECIDED, Verdict.REFUTED, Verdict.ERROR), step
        assert verdict is not Verdict.PROVED


def test_readings_report_a_known_plain_e_only() -> None:
    said = ambiguous_readings(r"E[2x] + \mathbb{E}[x] + \mathrm{E}[x] + x^E(y) + E(w)", {"E"}, set())
    assert said == [("E", "E[2x] may be an expectation or the E the text defines or declares")]
    # before a parenthesis only over a random variable, which the parser reads as its expectation
    said = ambiguous_readings(r"E(2x) + E(w)", {"E"}, {"x"})
    assert said == [("E", "E(2x) may be an expectation or the E the text defines or declares")]
    assert ambiguous_readings(r"E[2x]", set(), set()) == []  # undefined: the expectation, settled


def test_a_caller_may_say_which_known_e_has_a_meaning_of_its_own() -> None:
    # "Suppose $E[X] = \\mu$" makes E known without defining it: the caller leaves it out of meant
    assert ambiguous_readings(r"E[2X] = 2E[X]", {"E", "X"}, set(), meant=set()) == []
    said = ambiguous_readings(r"E[2X] = 2E[X]", {"E", "X"}, set(), meant={"E"})
    assert [n for n, _ in said] == ["E", "E"]


def test_a_stated_expectation_is_read_with_caution_until_told_apart() -> None:
    # the context passes every defined name today, so a stated E[X] = mu leaves an expectation step
    # undecided (never accepted under one reading); see the report for the narrowing it needs
    verdict, detail = _last("Suppose $E[X] = \\mu$.\n\n$$E[2X + 1] = 2E[X] + 1$$\n")
    assert verdict is Verdict.UNDECIDED
    assert "E[2X + 1] may be an expectation or the E the text defines or declares" in detail
