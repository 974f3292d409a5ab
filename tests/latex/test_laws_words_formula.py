"""A Bernoulli variable named in words without its parameter, whose mass function the section states as a formula
(derive.latex.laws_words._bernoulli_formula): ``\\text{Bern}(x | \\mu) = \\mu^x (1 - \\mu)^{1-x}``."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict
from derive.latex.laws_words import laws_in_words

_WORDS = "Show that the entropy $H[x]$ of a Bernoulli distributed random binary variable $x$ is given by\n"
_FORMULA = "The Bernoulli distribution is given by\n\\begin{equation*}\n    {formula}\n\\end{{equation*}}\n"


def _laws(text: str) -> list[tuple[str, str | None]]:
    return [(name, kind) for _, _, name, kind, _ in laws_in_words(text)]


def _doc(formula: str, steps: str = "") -> str:
    return "\\section*{Ex 1}\n" + _WORDS + _FORMULA.replace("{formula}", formula).replace("{{", "{") + steps


def test_the_formula_names_the_parameter() -> None:
    assert _laws(_doc(r"\text{Bern}(x | \mu) = \mu^x (1 - \mu)^{1-x}")) == [("x", r"~ \mathrm{Bernoulli}(\mu)")]
    assert _laws(_doc(r"\mathrm{Bern}(x \mid q) = q^{x}(1-q)^{1-x}")) == [("x", r"~ \mathrm{Bernoulli}(q)")]
    # said in words with the formula quoted
    (said,) = [s for *_, s in laws_in_words(_doc(r"\text{Bern}(x | \mu) = \mu^x (1 - \mu)^{1-x}"))]
    assert r"\text{Bern}(x | \mu) = \mu^x (1 - \mu)^{1-x}" in said


@pytest.mark.parametrize(
    "formula",
    [
        r"\text{Bern}(x | \mu) = \mu^{1-x} (1 - \mu)^{x}",  # mu the failure probability: another law
        r"\text{Bern}(x | \mu) = \mu^x (1 - \mu)^{x}",  # no mass function
        r"\text{Bern}(y | \mu) = \mu^y (1 - \mu)^{1-y}",  # another variable's
        r"\text{Bern}(x | \mu) = \mu^x (1 - \nu)^{1-x}",  # another name in it
        r"\text{Bin}(x | \mu) = \mu^x (1 - \mu)^{1-x}",  # another law's name
    ],
)
def test_a_formula_of_another_law_or_variable_gives_none(formula: str) -> None:
    assert _laws(_doc(formula)) == []


def test_two_parameters_or_none_or_another_section_give_none() -> None:
    two = _doc(r"\text{Bern}(x | \mu) = \mu^x (1 - \mu)^{1-x}") + _FORMULA.replace(
        "{formula}", r"\text{Bern}(x | q) = q^x (1 - q)^{1-x}"
    ).replace("{{", "{")
    assert _laws(two) == []
    assert _laws("\\section*{Ex 1}\n" + _WORDS) == []
    other = (
        "\\section*{Ex 1}\n"
        + _WORDS
        + "\\section*{Ex 2}\n"
        + _FORMULA.replace("{formula}", r"\text{Bern}(x | \mu) = \mu^x (1 - \mu)^{1-x}").replace("{{", "{")
    )
    assert _laws(other) == []
    hedged = "\\section*{Ex 1}\nIf $x$ is a Bernoulli distributed variable, then\n" + _FORMULA.replace(
        "{formula}", r"\text{Bern}(x | \mu) = \mu^x (1 - \mu)^{1-x}"
    ).replace("{{", "{")
    assert _laws(hedged) == []


def test_steps_under_the_law_are_proved_and_their_wrong_twins_are_not() -> None:
    steps = (
        "\\[\n p(x = 0 | \\mu) + p(x = 1 | \\mu) = (1 - \\mu) + \\mu \\]\n"
        "\\[\n \\sum_{x=0}^{1} x^2 p(x|\\mu) = \\mu \\]\n"
        "\\[\n p(x = 1 | \\mu) = 1 - \\mu \\]\n"
        "\\[\n \\sum_{x=0}^{1} x p(x|\\mu) = \\mu^2 \\]\n"
    )
    got = derive.check_latex(_doc(r"\text{Bern}(x | \mu) = \mu^x (1 - \mu)^{1-x}", steps))
    verdicts = [r.verdict for r in got][-4:]
    assert verdicts[:2] == [Verdict.PROVED, Verdict.PROVED], [r.detail for r in got][-4:]
    assert "as the text states" in (got[-4].detail or "")
    assert Verdict.PROVED not in verdicts[2:] and Verdict.VERIFIED not in verdicts[2:]
    # a support the text changes in another section (x in {-1, 1}) is not this law's
    other = _doc(r"\text{Bern}(x | \mu) = \mu^x (1 - \mu)^{1-x}") + (
        "\\section*{Ex 2}\nNow $x \\in \\{-1, 1\\}$.\n\\[\n p(x = -1 | \\mu) + p(x = 1 | \\mu) = 1 \\]\n"
    )
    assert derive.check_latex(other)[-1].verdict is not Verdict.PROVED


def test_other_values_for_the_variable_give_none() -> None:
    formula = r"\text{Bern}(x | \mu) = \mu^x (1 - \mu)^{1-x}"
    assert _laws(_doc(formula) + "Here $x \\in \\{-1, 1\\}$.\n") == []
    assert _laws(_doc(formula) + "Here $x \\in \\{0, 1\\}$.\n") == [("x", r"~ \mathrm{Bernoulli}(\mu)")]
