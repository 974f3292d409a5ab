"""A family the document defines for every index (``y_i = 2 x_i``) is read with its entries:
under a sum over any letter, and at numbered entries (y_1). Read as independent numbers, the
entries would refute steps that hold by the definition."""

import pytest

from derive import Verdict, check_latex

P, V, R, U, E = Verdict.PROVED, Verdict.VERIFIED, Verdict.REFUTED, Verdict.UNDECIDED, Verdict.ERROR
ACCEPTS = (P, V)


def last(doc: str):
    return check_latex(doc)[-1]


@pytest.mark.parametrize("sum_", [r"\sum_{i=1}^n y_i", r"\sum_{j=1}^n y_j"])
def test_the_family_follows_the_index_of_the_sum(sum_):
    r = last(f"Let $y_i = 2 x_i$.\n\n$${sum_} = 2\\sum_{{i=1}}^n x_i$$")
    assert r.verdict in ACCEPTS, r.detail
    assert "read with y_i := 2 x_i" in r.detail
    r = last(f"Let $y_i = 2 x_i$.\n\n$${sum_} = 3\\sum_{{i=1}}^n x_i$$")
    assert r.verdict is R, r.detail


def test_numbered_entries_take_the_familys_value():
    r = last("Let $y_i = 2 x_i$ for $i = 1, \\ldots, n$.\n\n$$y_1 + y_2 = 2(x_1 + x_2)$$")
    assert r.verdict is P, r.detail
    assert "read with y_i := 2 x_i" in r.detail
    r = last("Let $y_i = 2 x_i$ for $i = 1, \\ldots, n$.\n\n$$y_1 + y_2 = 2(x_1 + x_3)$$")
    assert r.verdict is R, r.detail


def test_the_index_letter_inside_the_value_follows_the_entry():
    r = last("Let $y_i = i x_i$.\n\n$$y_2 + y_1 = 2 x_2 + x_1$$")
    assert r.verdict is P, r.detail
    r = last("Let $y_i = i x_i$.\n\n$$y_2 + y_1 = x_2 + x_1$$")
    assert r.verdict is R, r.detail


def test_a_family_defined_through_another_family():
    doc = "Let $a_k = w_k x$ and $y_k = \\frac{\\exp(a_k)}{\\sum_{j=1}^K \\exp(a_j)}$.\n\n$$\\sum_{k=1}^K y_k = 1$$"
    assert last(doc).verdict is P, last(doc).detail


def test_a_recurrence_is_not_unrolled_or_refuted():
    r = last("Let $a_k = a_{k-1} + 1$.\n\n$$\\sum_{k=1}^n a_k = n a_0 + \\frac{n(n+1)}{2}$$")
    assert r.verdict not in (*ACCEPTS, R), r.detail


def test_a_name_that_is_no_index_letter_is_not_a_family():
    # sigma_x is one name; sigma_1 says nothing about it
    r = last("Let $\\sigma_x = 2 s$.\n\n$$\\sigma_1 = 2 s$$")
    assert r.verdict is not P, r.detail


def test_entry_zero_is_not_read_through_the_family():
    # y_0 is often a start value or a bias, not the family's entry at 0
    r = last("Let $y_i = 2 x_i$ for $i = 1, \\ldots, n$.\n\n$$y_0 + y_1 = 2 x_0 + 2 x_1$$")
    assert r.verdict is not P, r.detail


def test_a_numbered_entry_puts_in_the_families_its_value_uses():
    # y_1 through y_k, and a_1 inside it through a_k: a_1 left free would refute a true step
    doc = (
        "Let $a_k = w_k x$ and $y_k = \\frac{\\exp(a_k)}{\\sum_{j=1}^K \\exp(a_j)}$.\n\n"
        "$$y_1 + 0 = \\frac{\\exp(w_1 x)}{\\sum_{j=1}^K \\exp(w_j x)}$$"
    )
    assert last(doc).verdict in ACCEPTS, last(doc).detail
    wrong = doc.replace("\\exp(w_1 x)}{", "\\exp(w_2 x)}{")
    assert last(wrong).verdict is R, last(wrong).detail
