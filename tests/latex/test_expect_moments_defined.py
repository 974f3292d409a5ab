"""A moment the text states beside a definition of its value's name is read under that definition, as the sides are.

Gutmann's mean field: ``m_1 = (x - m_2)/2`` is displayed, later a display writes ``E_{q_1}[y_1]`` and the clause after
it says "we set $E_{q_1}[y_1] = m_1$". The sides are read with m_1 := (x - m_2)/2; the statement must be too, or
the step's E_{q_1}[y_1] becomes m_1 while its other side has (x - m_2)/2 (undecided, never wrong, but not decided).
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict

_DOC = (
    "The mean is\n\\begin{align}\n  m_1 & = \\frac{1}{2}(x-m_2)\n\\end{align}\n"
    "The update gives\n\\begin{align}\n  g(y_2) & = {LHS}\\\\\n  & = {RHS}\n\\end{align}\n"
    "where we have collected terms. Moreover, we set $\\E_{q_1(y_1|x)}[y_1]=m_1$.\n"
)
_MACROS = "\\newcommand{\\E}{\\mathbb{E}}\n"


def _verdict(lhs: str, rhs: str) -> tuple[Verdict, str]:
    text = _MACROS + _DOC.replace("{LHS}", lhs).replace("{RHS}", rhs)
    r = derive.check_latex(text)[-1]
    return r.verdict, r.detail


def test_the_statement_is_read_under_the_definition() -> None:
    verdict, detail = _verdict("2 \\E_{q_1(y_1|x)}[y_1] y_2 - 2 y_2 x", "2 m_1 y_2 - 2 y_2 x")
    assert verdict is Verdict.PROVED, detail
    assert "m_1" in detail


@pytest.mark.parametrize(
    "rhs",
    [
        "3 m_1 y_2 - 2 y_2 x",  # a factor off
        "2 m_2 y_2 - 2 y_2 x",  # the other mean
        "2 m_1 y_2 + 2 y_2 x",  # sign
        "(x - m_2) y_2 - 2 y_2 x + 1",
    ],
)
def test_wrong_twins_are_not_accepted(rhs: str) -> None:
    verdict, _ = _verdict("2 \\E_{q_1(y_1|x)}[y_1] y_2 - 2 y_2 x", rhs)
    assert verdict not in (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT), rhs
