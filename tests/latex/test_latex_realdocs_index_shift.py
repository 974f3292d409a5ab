"""Index-shifted entries: ``x_{n+1}``, ``x_{n-i+1}`` are entries of the family x, never names of their own.

Read as independent names, a true ``\\sum_{i=1}^n x_i + x_{n+1} = \\sum_{i=1}^{n+1} x_i`` was
refuted with x_{n+1} given its own value. Each true form has a false variant (a shift by one
more) that must still be refuted, and a form whose index no size fixes stays undecided.
A family's declaration (``a_i > 0``) reaches its entries a_1, a_2 outside any sum.
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict
from derive.language._indexed import index_terms


def _one(text: str) -> tuple[Verdict, str]:
    (result,) = derive.check_latex(text)
    return result.verdict, result.detail


TRUE_SHIFTS = [
    r"x_1 + x_2 + \cdots + x_{n+1} = \sum_{i=1}^n x_i + x_{n+1}",
    r"x_1 + x_2 + \cdots + x_n + x_{n+1} = \sum_{i=1}^{n+1} x_i",
    r"\sum_{i=1}^{n} x_i + x_{n+1} = \sum_{i=1}^{n+1} x_i",
    r"\sum_{i=1}^{n+1} x_i - x_{n+1} = \sum_{i=1}^{n} x_i",
    r"\sum_{i=1}^{n} (x_{n+1} - x_i) = n x_{n+1} - \sum_{i=1}^n x_i",
    r"x_1 x_2 \cdots x_n = \prod_{i=1}^{n} x_{n-i+1}",
    r"x_1 + x_2 + \cdots + x_n = \sum_{i=1}^{n} x_{n+1-i}",
    r"\sum_{i=1}^n i\, x_{n+1-i} = \sum_{i=1}^n (n+1-i) x_i",
    r"\sum_{k=1}^{m} w_{m-k+1} = \sum_{k=1}^{m} w_k",
]


@pytest.mark.parametrize("tex", TRUE_SHIFTS)
def test_shifted_entry_is_the_familys_entry(tex: str) -> None:
    verdict, detail = _one(f"$${tex}$$")
    assert verdict is Verdict.VERIFIED, detail
    assert "verified for n = 1, 2, 3" in detail or "verified for m = 1, 2, 3" in detail


FALSE_SHIFTS = [
    (r"\sum_{i=1}^n x_i + x_{n+1} = \sum_{i=1}^{n+2} x_i", "x_3 = 5/2"),
    (r"\sum_{i=1}^n x_i + x_{n-1} = \sum_{i=1}^{n+1} x_i", "differs at n = 2"),
    (r"\prod_{i=1}^n x_{n-i} = \prod_{i=1}^n x_i", "x_0 = "),
    (r"\sum_{i=1}^n x_{n+2-i} = \sum_{i=1}^n x_i", "differs at n = 1, x_1 = -5/2, x_2 = 1/3"),
    (r"\sum_{i=1}^n i\, x_{n+1-i} = \sum_{i=1}^n i\, x_i", "differs at n = 2"),
    (r"\sum_{i=1}^n x_i \ge x_{n+1}", ">= fails at n = 1, x_1 = -5/2, x_2 = 1/3"),
]


@pytest.mark.parametrize(("tex", "shown"), FALSE_SHIFTS)
def test_a_wrong_shift_is_still_refuted(tex: str, shown: str) -> None:
    verdict, detail = _one(f"$${tex}$$")
    assert verdict is Verdict.REFUTED, detail
    assert shown in detail
    assert "confirmed at" in detail


def test_an_index_no_size_fixes_is_undecided() -> None:
    # k is no sum's size: x_{k+1} has no single index (x_3 when k = 2), so it is not drawn on its own
    verdict, detail = _one(r"$$\sum_{i=1}^{3} x_i = x_1 + x_2 + x_{k+1}$$")
    assert verdict is Verdict.UNDECIDED
    assert "x_k+1 is an entry of x at an index (k) that no sum's size fixes" in detail


def test_a_name_of_another_family_stays_its_own() -> None:
    # y_{n+1} is no entry of the summed x: it is an independent number, and this is false
    verdict, detail = _one(r"$$\sum_{i=1}^{n} x_i + y_{n+1} = \sum_{i=1}^{n+1} x_i$$")
    assert verdict is Verdict.REFUTED, detail


def test_index_terms_reads_only_signed_sums() -> None:
    assert index_terms("n-i+1") == [(1, "n"), (-1, "i"), (1, 1)]
    assert index_terms("n+1") == [(1, "n"), (1, 1)]
    assert index_terms("2n") is None  # a letter beside a number is not read as a product
    assert index_terms("n") is None
    assert index_terms("data") is None
    assert index_terms("n+ab") is None


# -- a family's declaration reaches its entries --------------------------------------------


def test_family_declaration_reaches_numbered_entries() -> None:
    (result,) = derive.check_latex("Let $a_i > 0$.\n\n$$\\log(a_1 a_2) = \\log a_1 + \\log a_2$$")
    assert result.verdict is Verdict.PROVED, result.detail
    (result,) = derive.check_latex("Let $a_k > 0$.\n\n$$\\sqrt{a_{3}^2} = a_3$$")
    assert result.verdict is Verdict.PROVED, result.detail


def test_family_declaration_does_not_reach_another_family() -> None:
    (result,) = derive.check_latex("Let $a_i > 0$.\n\n$$\\sqrt{b_1^2} = b_1$$")
    assert result.verdict is Verdict.REFUTED, result.detail
    assert "b_1 = -" in result.detail


def test_family_declared_negative_still_refutes_the_split() -> None:
    (result,) = derive.check_latex("Let $a_i < 0$.\n\n$$\\log(a_1 a_2) = \\log a_1 + \\log a_2$$")
    assert result.verdict is Verdict.REFUTED, result.detail
    assert "a_1 = -" in result.detail and "a_2 = -" in result.detail


def test_a_declaration_under_a_non_index_letter_is_one_name() -> None:
    # a_x > 0 declares one name, not a family: a_1 stays a real that may be negative (written with a, not
    # sigma: an undeclared sigma_1 is conventionally a standard deviation, see test_refutation_conventions)
    (result,) = derive.check_latex("Let $a_x > 0$.\n\n$$\\sqrt{a_1^2} = a_1$$")
    assert result.verdict is Verdict.REFUTED, result.detail
    assert "a_1 = -" in result.detail


def test_family_declarations_that_disagree_leave_the_entry_unread() -> None:
    text = "Let $a_i > 0$ and $a_j < 0$.\n\n$$\\log(a_1 a_2) = \\log a_1 + \\log a_2$$"
    (result,) = derive.check_latex(text)
    assert result.verdict in (Verdict.UNDECIDED, Verdict.ERROR), result.detail
    assert "a_1 is an entry of families declared differently (a_i: positive, a_j: negative)" in result.detail


def test_evidence_names_the_shifted_entry_as_written_under_the_sum() -> None:
    verdict, detail = _one(r"$$\prod_{i=1}^n x_{n-i+1} = \prod_{i=1}^n x_i$$")
    assert verdict is Verdict.VERIFIED
    assert "with x_i, x_{-i + n + 1} drawn independently" in detail
