"""A word in ``\\text{...}`` with a subscript (``\\text{Col}_1``, the first column) is a symbol's name, as
``\\mathrm{Col}_1`` is; a word without one stays unread (it may be prose), and so does one whose subscript is
followed by a bracket (``\\text{foo}_k(z)``: an operator's label)."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict
from derive.language.symbols import SymbolTable
from derive.latex.parser import parse_latex

ACCEPT = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)


def one(text: str) -> tuple[Verdict, str]:
    got = [(r.verdict, r.detail or "") for r in derive.check_latex(text)]
    assert len(got) == 1, got
    return got[0]


@pytest.mark.parametrize(("tex", "name"), [(r"\text{Col}_1", "Col_1"), (r"\textrm{Row}_{2}", "Row_2")])
def test_a_text_word_with_a_subscript_is_a_name(tex: str, name: str) -> None:
    assert str(parse_latex(tex, SymbolTable())) == name


def test_steps_with_such_names_are_read() -> None:
    verdict, detail = one(r"$$\text{Col}_{2} + \text{Col}_1 = \text{Col}_1 + \text{Col}_{2}$$")
    assert verdict is Verdict.PROVED, detail
    verdict, detail = one(r"$$\text{Col}_{2} + \text{Col}_1 = 2\,\text{Col}_1$$")
    assert verdict not in ACCEPT, detail


@pytest.mark.parametrize(
    "tex", [r"$$\text{foo}_k(z) = 1$$", r"$$x + \text{Col} \cdot y = 1$$", r"$$\text{foo}_{k}\left(z\right) = 1$$"]
)
def test_words_without_a_subscript_or_applied_stay_unread(tex: str) -> None:
    verdict, detail = one(tex)
    assert verdict is Verdict.ERROR, detail
