"""Scripts that are words: ``x^{\\text{new}}`` is a label or a power, never read as x^(n·e·w)."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict


@pytest.mark.parametrize(
    "tex",
    [
        r"$$x^{\text{new}} = 2$$",
        r"$$x^\text{new} = x$$",
        r"$$\theta^{\mathrm{MAP}} = 1$$",
        r"$$w^{\textrm{old}} + 1 = 2$$",
    ],
)
def test_a_word_superscript_is_not_a_power(tex: str) -> None:
    [result] = derive.check_latex(tex)
    assert result.verdict is Verdict.ERROR
    assert "a word as a superscript" in (result.detail or "")


@pytest.mark.parametrize("tex", [r"$$A^{\mathrm{T}} B = A^T B$$", r"$$x^{\mathrm{2}} = x^2$$", r"$$x^{ab} = x^{ba}$$"])
def test_letters_and_transposes_in_superscripts_are_read(tex: str) -> None:
    [result] = derive.check_latex(tex)
    assert result.verdict is not Verdict.ERROR, result.detail
