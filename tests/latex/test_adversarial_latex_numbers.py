"""An attacker's suite for how the LaTeX reader reads numerals, with exact verdicts.

1. digit groups (``12\\,345``, ``1 000``, ``1{,}000{,}000``) are one number, never a product of
   the groups; numerals side by side in any other way are refused;
2. a braced comma with one group of three (``12{,}345``) is a thousands separator or a decimal
   comma: refused; ``1{,}5`` is only the decimal 1.5;
3. ``2^10`` and ``x_12`` print as 2^1 0 and x_1 2 while their author meant the braces: refused;
4. a numeral followed by a fraction of integers (``2\\tfrac{1}{2}``) is a mixed number or a product:
   refused;
5. e-notation (``1.5e3``, ``1e-3``) is a power of ten or a product with Euler's e: refused.

A refused side makes its step an error whose detail says which readings compete; true steps
written without the ambiguity stay decided.
"""

from __future__ import annotations

import pytest

from derive.engine import check_claim
from derive.latex import definition_result, read_document, settle
from derive.model import Settings, Verdict

SETTINGS = Settings(timeout=20)
P, R, E = Verdict.PROVED, Verdict.REFUTED, Verdict.ERROR


def outcome(step_tex: str) -> tuple[Verdict, str]:
    """The verdict and detail of the one step of a display (a reading error is ERROR with its reason)."""
    doc = read_document(f"$$ {step_tex} $$\n")
    assert len(doc.steps) == 1, [s.error for s in doc.steps]
    step = doc.steps[0]
    if step.error is not None:
        return E, step.error
    result = definition_result(step) or settle(step, check_claim(step.claim, SETTINGS))
    return result.verdict, result.detail


# -- 1. digit groups ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "verdict"),
    [
        (r"12\,345 = 4140", R),  # 12·345 = 4140: read as a product it was proved
        (r"12\,345 = 12345", P),
        (r"1\,000\,000 = 10^6", P),
        (r"1\thinspace 000 = 1000", P),
        (r"1\;000 = 10^3", P),
        (r"1\ 000 = 10^3", P),
        (r"1 000 = 10^3", P),  # TeX drops the space: it prints 1000
        (r"1~000 = 10^3", P),
        (r"2\,500 \cdot 2 = 5000", P),
        (r"2\,500 \cdot 2 = 1000", R),
        (r"1\,000.5 = 1000.5", P),
        (r"1{,}000{,}000 = 10^6", P),  # two braced commas: only thousands separators
        (r"1{,}5 = \frac{3}{2}", P),  # not three digits after it: only a decimal comma
        (r"-12\,345 + 345 = -12000", P),
        (r"3\,000 x = 3000x", P),  # a grouped coefficient of a name
    ],
)
def test_digit_groups_are_one_number(step: str, verdict: Verdict) -> None:
    assert outcome(step)[0] is verdict


@pytest.mark.parametrize(
    "step",
    [
        r"3\,4 = 12",  # a group of one digit: not digit grouping
        r"12\,34 = 408",
        r"1234\,567 = 1234567",  # a first group of four digits
        r"2 3 = 6",  # prints as 23
        r"1\,000\,00 = 100000",
        r"3.141\,592 = 3.141592",  # decimals grouped: derive does not guess the convention
        r"1\,000{,}000 = 10^6",  # two kinds of separator
        r"2\!3 = 6",
        r"x = 1 \displaystyle 2",  # a command that prints nothing between two numerals
        r"\frac1 2 3 = \frac{3}{2}",  # \frac takes 1 and 2; what follows is a numeral beside 2
    ],
)
def test_numerals_side_by_side_are_refused(step: str) -> None:
    verdict, detail = outcome(step)
    assert verdict is E
    assert "numerals side by side" in detail


def test_spacing_before_a_name_or_after_a_script_is_no_digit_group() -> None:
    assert outcome(r"\int_0^1 2\,dx = 2")[0] is P
    assert outcome(r"2\,x = x + x")[0] is P
    assert outcome(r"\frac1 2 = \frac{1}{2}")[0] is P  # \frac takes one digit per argument
    assert outcome(r"\frac12 3 = \frac{3}{2}")[0] is P
    assert outcome(r"x^2 3 = 3x^2")[0] is P  # the exponent is the digit 2 alone
    assert outcome(r"x^2 1\,000 = 1000x^2")[0] is P  # a group after an exponent is still a number


# -- 2. a braced comma ---------------------------------------------------------------------------


@pytest.mark.parametrize("step", [r"12{,}345 = 12345", r"12{,}345 = 12.345", r"1{,}000 = 1000", r"x = 1{,}000 y"])
def test_one_braced_comma_before_three_digits_is_refused(step: str) -> None:
    verdict, detail = outcome(step)
    assert verdict is E
    assert "thousands separator" in detail and "decimal comma" in detail


# -- 3. a script of several digits without braces ------------------------------------------------


@pytest.mark.parametrize(
    ("step", "shown"),
    [
        (r"2^10 = 1024", "^10"),  # was refuted as 2^1 * 0 = 0
        (r"2^10 = 20", "^10"),  # the printed reading 2^1 0 is not accepted either
        (r"x^23 = x^2 \cdot 3", "^23"),
        (r"x_12 = x_{12}", "_12"),
        (r"\sum_{i=1}^10 i = 55", "^10"),
        (r"x^2.5 = x^{2.5}", "^2.5"),
    ],
)
def test_scripts_of_several_digits_are_refused(step: str, shown: str) -> None:
    verdict, detail = outcome(step)
    assert verdict is E
    assert f"{shown} without braces" in detail


def test_braced_scripts_stay_decided() -> None:
    assert outcome(r"2^{10} = 1024")[0] is P
    assert outcome(r"2^{10} = 1000")[0] is R
    assert outcome(r"\sum_{i=1}^{10} i = 55")[0] is P
    assert outcome(r"x^2 = x \cdot x")[0] is P


# -- 4. mixed numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "step",
    [
        r"2\tfrac{1}{2} = \frac{5}{2}",  # was refuted (read as 2 · 1/2)
        r"2\tfrac{1}{2} = 1",  # the product reading is not accepted either
        r"2\frac12 = 1",
        r"2 \dfrac{1}{3} = \frac{7}{3}",
        r"2\frac1{2} = 1",
        r"2\frac{1}2 = 1",
        r"-3\frac{10}{7} = -\frac{30}{7}",
        r"y = 1\frac{1}{2} x",
    ],
)
def test_mixed_numbers_are_refused(step: str) -> None:
    verdict, detail = outcome(step)
    assert verdict is E
    assert "mixed number" in detail


def test_products_with_other_fractions_stay_decided() -> None:
    assert outcome(r"2\frac{x}{3} = \frac{2x}{3}")[0] is P
    assert outcome(r"2\frac{1}{\sqrt{2}} = \sqrt{2}")[0] is P
    assert outcome(r"2 \cdot \frac{1}{2} = 1")[0] is P
    assert outcome(r"2 + \frac{1}{2} = \frac{5}{2}")[0] is P
    assert outcome(r"x^2\frac12 = \frac{x^2}{2}")[0] is P  # the digit is an exponent, no whole part
    assert outcome(r"\frac12\frac13 = \frac16")[0] is P


# -- 5. e-notation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "step",
    [
        r"1.5e3 = 1500",  # was refuted as 1.5 e 3
        r"1.5e3 = 4.5e",
        r"10^{-3} = 1e-3",
        r"2E+5 = 200000",
        r"x = 3e2 y",
    ],
)
def test_e_notation_is_refused(step: str) -> None:
    verdict, detail = outcome(step)
    assert verdict is E
    assert "e-notation" in detail


def test_euler_e_after_a_numeral_stays_decided() -> None:
    assert outcome(r"2e - 1 = e + e - 1")[0] is P  # spaced: a product with e
    assert outcome(r"2e^{x} = e^{x} + e^{x}")[0] is P
    assert outcome(r"3e = e + e + e")[0] is P
    assert outcome(r"3e = 9")[0] is R
