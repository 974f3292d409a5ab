"""Runs whose terms differ only in a value (a lone number, a denominator, an exponent), not a subscript
(attacker K19): with one written term before the ellipsis and an integer last value, the step is not
written (``\\frac12 + \\cdots + \\frac18``: 2, 3, ..., 8 or the halvings 2, 4, 8), so nothing is read. A
subscript is an index (``x_1 + \\cdots + x_8`` takes every one), a symbolic end keeps step 1, and two
written terms fix the step. ``\\frac12`` is compared as ``\\frac{1}{2}`` (TeX takes one digit each)."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict

ACCEPT = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)


def one(text: str) -> tuple[Verdict, str]:
    got = [(r.verdict, r.detail or "") for r in derive.check_latex(text)]
    assert len(got) == 1, got
    return got[0]


@pytest.mark.parametrize(
    "tex",
    [
        # K19: harmonic 1 + 1/2 + ... + 1/8 or the halving series 1 + 1/2 + 1/4 + 1/8
        r"1 + \frac12 + \cdots + \frac18 = 1 + \frac12 + \frac13 + \frac14 + \frac15 + \frac16 + \frac17 + \frac18",
        r"1 + \frac12 + \cdots + \frac18 = 1 + \frac12 + \frac14 + \frac18",
        r"\frac{1}{2} + \cdots + \frac{1}{8} = \frac{7}{8}",
        r"\frac{1}{2} + \cdots + \frac{1}{8} = \sum_{k=2}^{8} \frac{1}{k}",
        r"\dfrac{1}{2} + \ldots + \dfrac{1}{8} = \frac{7}{8}",
        r"2 + \cdots + 8 = 35",  # 2..8, or the evens 2 + 4 + 6 + 8 = 20
        r"2 + \cdots + 8 = 20",
        r"1 + \cdots + 3 = 6",  # 1 + 2 + 3 or 1 + 3
        r"x^2 + \cdots + x^8 = x^2 + x^4 + x^6 + x^8",
        r"x^{2} + \cdots + x^{8} = \sum_{k=2}^{8} x^k",
        r"2x + \cdots + 8x = 35x",
        r"\sqrt2 + \cdots + \sqrt8 = \sqrt2 + \sqrt4 + \sqrt8",
        r"\frac{1}{2} \cdots \frac{1}{8} = \frac{1}{40320}",
    ],
)
def test_one_written_value_term_and_an_integer_end_is_not_read(tex: str) -> None:
    verdict, detail = one(f"$${tex}$$")
    assert verdict is Verdict.ERROR, detail
    assert "leave the step open" in detail
    assert "write another" in detail


@pytest.mark.parametrize(
    "tex",
    [
        r"\frac11 + \frac12 + \cdots + \frac18 = \sum_{k=1}^{8} \frac1k",  # 1, 2, ..., 8 or 1, 2, 4, 8
        r"x^1 + x^2 + \cdots + x^8 = \sum_{k=1}^{8} x^k",
    ],
)
def test_two_written_values_that_fit_a_doubling_are_not_read(tex: str) -> None:
    verdict, detail = one(f"$${tex}$$")
    assert verdict is Verdict.ERROR, detail
    assert "fit two runs" in detail


@pytest.mark.parametrize(
    "tex",
    [
        r"\frac12 + \frac13 + \cdots + \frac18 = \sum_{k=2}^{8} \frac{1}{k}",
        r"\frac{1}{2} + \frac{1}{3} + \cdots + \frac{1}{8}"
        r" = \frac{1}{2} + \frac13 + \frac14 + \frac15 + \frac16 + \frac17 + \frac18",
        r"1 + \frac12 + \frac13 + \cdots + \frac18 = \sum_{k=1}^{8} \frac{1}{k}",
        r"x_1 + \cdots + x_n = \sum_{i=1}^n x_i",
        r"x_1 + \cdots + x_8 = \sum_{i=1}^8 x_i",  # a subscript is an index: every one
        r"x_2^2 + \cdots + x_8^2 = \sum_{i=2}^8 x_i^2",
        r"\frac{1}{1} + \cdots + \frac{1}{n} = \sum_{k=1}^n \frac{1}{k}",  # a symbolic end keeps step 1
        r"1 + x + x^2 + \cdots + x^n = \sum_{k=0}^n x^k",
        r"2^1 + \cdots + 2^n = 2^{n+1} - 2",
        r"1 + \cdots + 2 = 3",  # no value between the ends: one run
        r"\frac{1}{2} \cdot \frac{1}{3} \cdots \frac{1}{6} = \frac{1}{720}",
    ],
)
def test_runs_whose_step_is_fixed_are_read(tex: str) -> None:
    verdict, detail = one(f"$${tex}$$")
    assert verdict in ACCEPT, detail


@pytest.mark.parametrize(
    "tex",
    [
        r"\frac12 + \frac13 + \cdots + \frac18 = \sum_{k=2}^{8} \frac{1}{k^2}",
        r"\frac12 + \frac13 + \cdots + \frac18 = \sum_{k=1}^{8} \frac{1}{k}",
        r"1 + \frac12 + \frac13 + \cdots + \frac18 = 1 + \frac12 + \frac14 + \frac18",
        r"x_1 + \cdots + x_8 = \sum_{i=1}^7 x_i",
        r"1 + x + x^2 + \cdots + x^n = \sum_{k=1}^n x^k",
        r"\frac{1}{2} \cdot \frac{1}{3} \cdots \frac{1}{6} = \frac{1}{120}",
    ],
)
def test_wrong_twins_of_read_runs_are_refuted_or_left(tex: str) -> None:
    verdict, detail = one(f"$${tex}$$")
    assert verdict not in ACCEPT, detail
    assert verdict is not Verdict.ERROR, detail  # read, and found wrong


def test_frac_digits_outside_a_run_are_read_as_tex_reads_them() -> None:
    verdict, detail = one(r"$$\frac12 + \frac13 + \cdots + \frac15 = \frac{77}{60}$$")
    assert verdict is Verdict.PROVED, detail
    verdict, detail = one(r"$$\frac12 + \frac13 + \cdots + \frac15 = \frac{77}{61}$$")
    assert verdict is Verdict.REFUTED, detail
    verdict, detail = one(r"$$\frac123 + \frac133 + \cdots + \frac153 = \frac{77}{20}$$")  # \frac{1}{2}3
    assert verdict is Verdict.PROVED, detail


@pytest.mark.parametrize(
    "tex",
    [
        # attacker K23: numerator and denominator both vary; 1/2, 2/3, ..., 15/16 or 1/2, 3/4, 7/8, 15/16
        r"\frac{1}{2} + \cdots + \frac{15}{16} = \frac{1}{2} + \frac{3}{4} + \frac{7}{8} + \frac{15}{16}",
        r"\frac{1}{2} + \cdots + \frac{7}{8}"
        r" = \frac{1}{2} + \frac{2}{3} + \frac{3}{4} + \frac{4}{5} + \frac{5}{6} + \frac{6}{7} + \frac{7}{8}",
        r"\frac{1}{2} + \cdots + \frac{7}{8} = \frac{17}{8}",
        # K20: a leading term that does not fit the run does not fix its step
        r"1 + \frac{1}{3} + \cdots + \frac{1}{9} = \frac{13}{9}",
        r"\frac{1}{3} + \cdots + \frac{1}{9} = \frac{4}{9}",
    ],
)
def test_one_written_term_with_several_values_is_not_read(tex: str) -> None:
    verdict, detail = one(f"$${tex}$$")
    assert verdict is Verdict.ERROR, detail
    assert "leave the step open" in detail


def test_powers_written_without_a_superscript_count_as_terms() -> None:
    # 1 + x + x^2 writes the exponents 0, 1, 2: the step is fixed (attacker K23's note, E33)
    verdict, detail = one(r"$$1 + x + x^2 + \cdots + x^8 = \frac{1 - x^9}{1 - x}$$")
    assert verdict is Verdict.PROVED, detail
    verdict, detail = one(r"$$1 + x + x^2 + \cdots + x^8 = \frac{1 - x^8}{1 - x}$$")
    assert verdict is Verdict.REFUTED, detail
    # x + x^2 writes the exponents 1, 2 only: counting or doubling to 8
    verdict, detail = one(r"$$x + x^2 + \cdots + x^8 = x + x^2 + x^4 + x^8$$")
    assert verdict is Verdict.ERROR, detail
    assert "fit two runs" in detail
    # 1 + x^2: the 1 is no power of the run written without its exponent (x^0 or a lone 1?)
    verdict, detail = one(r"$$1 + x^2 + \cdots + x^8 = 1 + x^2 + x^4 + x^6 + x^8$$")
    assert verdict is Verdict.ERROR, detail


def test_two_written_factors_with_two_values_are_read() -> None:
    verdict, detail = one(r"$$\frac{1}{2} \cdot \frac{2}{3} \cdots \frac{7}{8} = \frac{1}{8}$$")
    assert verdict is Verdict.PROVED, detail
    verdict, detail = one(r"$$\frac{1}{2} \cdot \frac{2}{3} \cdots \frac{7}{8} = \frac{1}{7}$$")
    assert verdict is Verdict.REFUTED, detail
