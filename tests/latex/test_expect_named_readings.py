"""End to end: a plain E the prose names the expectation and also defines is read as that expectation.

The text's definitions (``E[f] = \\sum_x f(x) P(x)``) define the expectation it names, so a step proved for every
law is not left undecided between "an expectation" and "the E the text defines" (derive.latex.expect_named).
Wrong twins stay unaccepted; a second meaning of E, or E declared a quantity, keeps the doubt.
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict
from derive.latex.document import read_document

_SHADOWED = "may be an expectation or the E the text defines or declares"
_NAMING = (
    "### Expectation\n\nLet $f$ be a random variable.  Then the *expectation* or *expected value* $E[f]$ of $f$ "
    "is\n$$\nE[f] = \\sum_{i=1}^{n} f(x_i) P(x_i)\n$$\nLet $f$ and $g$ be two independent random variables.  "
    "Then $E[fg]=E[f]E[g]$.\n\n#### Variance\n\nThe calculation\n"
)


def _last(text: str) -> tuple[Verdict, str]:
    return (r := derive.check_latex(text)[-1]).verdict, r.detail


@pytest.mark.parametrize(
    "step",
    [
        "E[(f-E[f])^2] = E[f^2]-(E[f])^2",
        "E[(f^2-2fE[f]+E[f]^2)] = E[f^2]-2E[f]^2+E[f]^2",
        "E[2f + 3] = 2E[f] + 3",
    ],
)
def test_an_e_the_text_names_the_expectation_is_proved_for_every_law(step: str) -> None:
    assert "E" in read_document(f"{_NAMING}$$\n{step}\n$$\n").steps[-1].defined  # the text's E too
    verdict, detail = _last(f"{_NAMING}$$\n{step}\n$$\n")
    assert verdict is Verdict.PROVED, detail
    assert _SHADOWED not in detail


@pytest.mark.parametrize(
    "step",
    [
        "E[(f-E[f])^2] = E[f^2]-2(E[f])^2",  # a factor 2 too many
        "E[(f-E[f])^2] = E[f^2]+(E[f])^2",  # sign
        "E[2f + 3] = 2E[f] + 2",
        "E[f^2] = E[f]^2",  # only for a constant f
    ],
)
def test_wrong_twins_are_not_accepted(step: str) -> None:
    verdict, _ = _last(f"{_NAMING}$$\n{step}\n$$\n")
    assert verdict not in (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT), step


@pytest.mark.parametrize(
    "extra",
    [
        "Let $E(w) = \\frac12 w^2$ be the error.\n\n",  # the text's E is also an error function
        "Here $E$ is the energy.\n\n",
        "$$E = m c^2$$\n\n",
    ],
)
def test_a_second_meaning_of_e_keeps_the_doubt(extra: str) -> None:
    verdict, detail = _last(f"{_NAMING}{extra}$$\nE[(f-E[f])^2] = E[f^2]-(E[f])^2\n$$\n")
    assert verdict is Verdict.UNDECIDED
    assert _SHADOWED in detail


def test_e_declared_a_quantity_keeps_the_doubt() -> None:
    front = "---\nderive:\n  symbols: {E: real}\n---\n"
    verdict, detail = _last(f"{front}{_NAMING}$$\nE[(f-E[f])^2] = E[f^2]-(E[f])^2\n$$\n")
    assert verdict is Verdict.UNDECIDED
    assert _SHADOWED in detail


def test_a_heading_of_the_naming_s_level_ends_it() -> None:
    text = f"{_NAMING}\n### Energy\n\nWe now write\n$$\nE[f] = 3\n$$\n$$\nE[(f-E[f])^2] = E[f^2]-(E[f])^2\n$$\n"
    verdict, detail = _last(text)
    assert verdict is Verdict.UNDECIDED
    assert _SHADOWED in detail
