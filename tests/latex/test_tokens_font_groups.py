"""Plain-TeX font switches in a group: ``{\\cal N}``, ``{\\bf x}``, ``{\\mathcal N}`` (herumi's PRML notes write
``{\\cal N}(x | \\mu, \\Sigma)``). A group holding only a font and one letter is that letter in the font."""

from __future__ import annotations

import pytest

import derive
from derive.model import Verdict


def _verdicts(doc: str) -> list[Verdict]:
    return [r.verdict for r in derive.check_latex(doc, timeout=30)]


@pytest.mark.parametrize("font", ["{\\cal N}", "{\\mathcal N}", "\\mathcal{N}"])
def test_a_calligraphic_gaussian_in_a_group_is_the_density(font: str) -> None:
    assert _verdicts(f"$${font}(x | 0, 1) = \\frac{{1}}{{\\sqrt{{2\\pi}}}} e^{{-x^2/2}}$$\n") == [Verdict.PROVED]


def test_a_wrong_density_in_the_same_notation_is_refuted() -> None:
    assert _verdicts("$${\\cal N}(x | 0, 1) = \\frac{1}{\\sqrt{2\\pi}} e^{-x^2}$$\n") == [Verdict.REFUTED]


def test_an_upright_d_in_a_group_is_still_the_differential() -> None:
    assert _verdicts("$$\\int_0^1 x \\, {\\rm d}x = \\frac{1}{2}$$\n") == [Verdict.PROVED]
    assert _verdicts("$$\\int_0^1 x {\\rm d} x = \\frac{1}{3}$$\n") == [Verdict.REFUTED]


def test_a_bold_name_in_a_group_keeps_its_name() -> None:
    assert _verdicts("$${\\bf x}_1 + {\\rm e}^0 = {\\bf x}_1 + 1$$\n") == [Verdict.PROVED]


def test_a_font_group_that_is_a_script_keeps_its_braces() -> None:
    # x_{\mathbf y}, E_{\mathcal T}: the braces belong to the subscript (ESUB found 62f05c8 broke them)
    assert _verdicts("$$x_{\\mathbf y} + 1 = 1 + x_{\\mathbf y}$$\n") == [Verdict.PROVED]
    assert _verdicts("$$E_{\\mathcal T}[2u] = 2E_{\\mathcal T}[u]$$\n") == [Verdict.PROVED]
    assert _verdicts("$$\\mathrm{Var}_{\\mathcal T}(2u) = 4\\mathrm{Var}_{\\mathcal T}(u)$$\n") == [Verdict.PROVED]
