"""Indices the prose speaks of: the Kronecker pick and a summand that runs on (attacker K27, K28)."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict

_ACCEPTED = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)
_PICK = "$$\\sum_{k=1}^{K} \\delta_{jk} a_k = a_j$$\n"


def _last(text: str) -> tuple[Verdict, str]:
    results = derive.check_latex(text)
    return results[-1].verdict, results[-1].detail or ""


def test_the_pick_with_nothing_said_of_j_stays_proved() -> None:
    assert _last(_PICK)[0] is Verdict.PROVED
    # a_j, y_j named in the prose say nothing of j's range
    assert _last("Let $a_j$ be the activation of unit $y_j$.\n" + _PICK)[0] is Verdict.PROVED
    assert _last("Write $\\pi_j$ for $f(j)$ and $S = \\sum_{j=1}^K a_j$.\n" + _PICK)[0] is Verdict.PROVED


@pytest.mark.parametrize(
    "said",
    [
        "Here $j \\in \\{1, \\ldots, K\\}$.",
        "Here $j \\in \\{1, 2, \\ldots, K\\}$.",
        "For $1 \\le j \\le K$,",
        "For $j = 1, \\ldots, K$,",
        "Fix $j \\in [K]$.",
    ],
)
def test_the_pick_where_the_text_puts_j_in_the_range_stays_proved(said: str) -> None:
    verdict, detail = _last(said + "\n" + _PICK)
    assert verdict is Verdict.PROVED, detail


@pytest.mark.parametrize(
    "said",
    [
        "Here $j \\in \\{0, 1, \\ldots, K\\}$.",
        "For the new class $j > K$,",
        "Let $j = K + 1$ be the index of the new class.",
        "Here $j \\in \\{1, \\ldots, K + 1\\}$.",
        "Fix an index $j$.",
        "For $0 \\le j \\le K$,",
    ],
)
def test_the_pick_where_the_text_says_otherwise_of_j_is_undecided(said: str) -> None:
    verdict, detail = _last(said + "\n" + _PICK)
    assert verdict is Verdict.UNDECIDED, detail
    assert "the Kronecker delta of k picks the term k = j" in detail


def test_a_row_condition_on_j_stands_the_pick_down() -> None:
    row = derive.check_latex("$$\\sum_{k=1}^{K} \\delta_{jk} a_k = a_j \\quad \\text{for } j > K$$\n")[0]
    verdict, detail = row.verdict, row.detail or ""
    assert verdict is Verdict.UNDECIDED
    assert "the row carries a condition" in detail


def test_a_wrong_pick_is_never_accepted() -> None:
    assert _last("Here $j \\in \\{1, \\ldots, K\\}$.\n$$\\sum_{k=1}^{K} \\delta_{jk} a_k = a_k$$\n")[0] not in _ACCEPTED
    assert _last("Fix an index $j$.\n$$\\sum_{k=1}^{K} \\delta_{jk} a_k = 2 a_j$$\n")[0] not in _ACCEPTED


_RUN_ON = "$$\\sum_{i=1}^n x_i + y_i = \\sum_{i=1}^n x_i + \\sum_{i=1}^n y_i$$\n"


def test_a_summand_that_runs_on_past_an_index_the_prose_fixes_is_undecided() -> None:
    verdict, detail = _last("Fix an index $i$ and let $y_i$ be its label.\n" + _RUN_ON)
    assert verdict is Verdict.UNDECIDED
    assert "the summand of the sum over i may end before the +" in detail


def test_a_summand_that_runs_on_with_nothing_said_of_the_index_keeps_its_reading() -> None:
    assert _last(_RUN_ON)[0] is Verdict.PROVED
    assert _last("Let $y_i$ be the label of sample $x_i$.\n" + _RUN_ON)[0] is Verdict.PROVED


def test_a_bracketed_summand_is_one_summand_whatever_the_prose_says() -> None:
    text = "Fix an index $i$.\n$$\\sum_{i=1}^n (x_i + y_i) = \\sum_{i=1}^n x_i + \\sum_{i=1}^n y_i$$\n"
    assert _last(text)[0] is Verdict.PROVED


@pytest.mark.parametrize("shown", ["Let\n$$j = K + 1$$\nThen\n", "For the new class,\n$$j > K$$\nand\n"])
def test_a_display_that_says_something_of_j_stands_the_pick_down_too(shown: str) -> None:
    verdict, detail = _last(shown + _PICK)
    assert verdict is Verdict.UNDECIDED, detail
    assert "the Kronecker delta of k picks the term k = j" in detail


def test_a_display_that_only_sums_over_j_says_nothing_of_it() -> None:
    text = "$$y_k = \\frac{e^{a_k}}{\\sum_{j=1}^K e^{a_j}}$$\n" + _PICK
    assert _last(text)[0] is Verdict.PROVED
