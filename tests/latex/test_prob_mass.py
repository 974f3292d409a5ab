"""A mass function the text states as a formula on a finite set, put in at its values (derive.latex.prob_mass)."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict

_FORMULA = r"p(x | \mu) = \bigg(\frac{1 - \mu}{2}\bigg)^{(1 - x)/2} \bigg(\frac{1 + \mu}{2}\bigg)^{(1 + x)/2}"


def _doc(step: str, *, formula: str = _FORMULA, values: str = r"\{-1 , 1\}", extra: str = "") -> str:
    return (
        "\\section*{Exercise 2.2}\nIt is convenient to use a formulation for which\n"
        f"$x \\in {values}$, in which case the distribution can be written\n"
        f"\\begin{{equation*}}\n    {formula}\n\\end{{equation*}}\nwhere $\\mu \\in [-1, 1].${extra}\n"
        f"\\begin{{proof}}\n    \\[\n        {step}\n    \\]\n\\end{{proof}}\n"
    )


def _last(doc: str) -> tuple[Verdict, str]:
    r = derive.check_latex(doc)[-1]
    return r.verdict, r.detail or ""


@pytest.mark.parametrize(
    "step",
    [
        r"p(x = -1 | \mu) + p(x = 1 | \mu) = \frac{1 - \mu}{2} + \frac{1 + \mu}{2}",
        r"p(x = 1 | \mu) - p(x = -1 | \mu) = \frac{1 + \mu}{2} - \frac{1 - \mu}{2}",
        r"\sum_{x} x^2 p(x | \mu) - \mu^2 = p(x = -1 | \mu) + p(x = 1 | \mu) - \mu^2",
        r"-p(x = -1 | \mu) \ln p(x = -1 | \mu) = -\frac{1 - \mu}{2} \ln\bigg(\frac{1 - \mu}{2}\bigg)",
    ],
)
def test_a_stated_mass_function_is_put_in_at_its_values(step: str) -> None:
    verdict, detail = _last(_doc(step))
    assert verdict is Verdict.PROVED, detail
    assert "the mass function the text states" in detail


@pytest.mark.parametrize(
    "step",
    [
        # the two values' masses swapped
        r"p(x = 1 | \mu) - p(x = -1 | \mu) = \frac{1 - \mu}{2} - \frac{1 + \mu}{2}",
        r"p(x = -1 | \mu) = \frac{1 + \mu}{2}",
        # a value outside the set: the formula is no mass there
        r"p(x = 0 | \mu) = \frac{1}{2}",
        # another parameter
        r"p(x = 1 | \nu) = \frac{1 + \nu}{2}",
        r"\sum_{x} x p(x | \mu) = 2\mu",
    ],
)
def test_mass_function_wrong_twins_are_not_proved(step: str) -> None:
    verdict, detail = _last(_doc(step))
    assert verdict is not Verdict.PROVED and verdict is not Verdict.VERIFIED, detail


def test_a_formula_that_is_no_mass_function_is_not_put_in() -> None:
    # (1 + mu)/2 at both values sums to 1 + mu: no law
    formula = r"p(x | \mu) = \frac{1 + \mu}{2}"
    verdict, detail = _last(_doc(r"p(x = 1 | \mu) = \frac{1 + \mu}{2}", formula=formula))
    assert verdict is not Verdict.PROVED, detail


def test_two_formulas_for_one_variable_stand_down() -> None:
    extra = "\nOr else\n$$p(x | \\mu) = \\frac{1 + x \\mu}{2}$$\n"
    verdict, detail = _last(_doc(r"p(x = -1 | \mu) = \frac{1 - \mu}{2}", extra=extra))
    assert verdict is not Verdict.PROVED, detail


def test_a_formula_with_no_stated_set_is_not_put_in() -> None:
    doc = _doc(r"p(x = -1 | \mu) = \frac{1 - \mu}{2}").replace(r"$x \in \{-1 , 1\}$", "$x$ taking two values")
    verdict, detail = _last(doc)
    assert verdict is not Verdict.PROVED, detail


def test_a_formula_in_another_section_is_not_put_in() -> None:
    doc = _doc(r"p(x = -1 | \mu) = \frac{1 - \mu}{2}").replace(
        "\\begin{proof}", "\\section*{Exercise 2.3}\n\\begin{proof}"
    )
    verdict, detail = _last(doc)
    assert verdict is not Verdict.PROVED, detail


@pytest.mark.parametrize(
    ("before", "after"),
    [("Suppose, wrongly, that", ""), ("", " This formula is not the law of x, as we show below.")],
)
def test_a_supposed_or_negated_formula_is_not_put_in(before: str, after: str) -> None:
    doc = _doc(r"p(x = -1 | \mu) = \frac{1 - \mu}{2}")
    doc = doc.replace("in which case the distribution can be written", f"{before} the distribution can be written")
    doc = doc.replace("where $\\mu \\in [-1, 1].$", f"where $\\mu \\in [-1, 1].${after}")
    verdict, detail = _last(doc)
    assert verdict is not Verdict.PROVED, detail
