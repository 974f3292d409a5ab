"""A sum's summand runs on over the terms after it that use its index (``\\sum_n y_n a - (1 - y_n) b``):
outside the sum such an entry would have no index, so that is the one sensible reading. Every term up
to the end of the expression must use it; otherwise (or where an inner sum could own the term) the
reader refuses instead of guessing."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict

ACCEPT = (Verdict.PROVED, Verdict.VERIFIED)


def one(text: str) -> tuple[Verdict, str]:
    got = [(r.verdict, r.detail or "") for r in derive.check_latex(text)]
    assert len(got) == 1, got
    return got[0]


@pytest.mark.parametrize(
    "tex",
    [
        r"\sum_{i=1}^n x_i + y_i = \sum_{i=1}^n x_i + \sum_{i=1}^n y_i",
        r"\sum_{i=1}^n x_i - y_i = \sum_{i=1}^n (x_i - y_i)",
        r"-\sum_{i=1}^n x_i - y_i = \sum_{i=1}^n (y_i - x_i)",
        r"2\sum_{i=1}^n x_i - y_i = 2\sum_{i=1}^n x_i - 2\sum_{i=1}^n y_i",
        r"\sum_{n=1}^N y_n a_n - (1 - y_n) b_n = \sum_{n=1}^N \left(a_n y_n + b_n y_n - b_n\right)",
        r"\frac{1}{N}\sum_{n=1}^N x_n + x_n^2 = \frac{1}{N}\sum_{n=1}^N x_n(1 + x_n)",
        # a term using the index through a sum of its own belongs to the outer summand
        r"\sum_{n=1}^N a_n - \sum_{k=1}^K b_k c_n = \sum_{n=1}^N a_n - \sum_{k=1}^K b_k \sum_{n=1}^N c_n",
        # brackets end an inner sum, so the outer one owns the term
        r"\sum_{n=1}^N (\sum_{k=1}^K a_k) + b_n = N\sum_{k=1}^K a_k + \sum_{n=1}^N b_n",
    ],
)
def test_terms_using_the_index_belong_to_the_summand(tex: str) -> None:
    verdict, detail = one(f"$${tex}$$")
    assert verdict in ACCEPT, detail


@pytest.mark.parametrize(
    "tex",
    [
        # wrong twins: the extended summand is not the sum of the first term alone
        r"\sum_{i=1}^n x_i + y_i = \sum_{i=1}^n x_i + y_1",
        r"\sum_{i=1}^n x_i - y_i = \sum_{i=1}^n (x_i + y_i)",
        r"-\sum_{i=1}^n x_i - y_i = \sum_{i=1}^n (x_i - y_i)",
        r"\sum_{n=1}^N y_n a_n - (1 - y_n) b_n = \sum_{n=1}^N y_n (a_n - b_n)",
        r"\sum_{i=1}^n x_i + y_i = \sum_{i=1}^n x_i + n y_1",
    ],
)
def test_wrong_twins_are_not_accepted(tex: str) -> None:
    verdict, detail = one(f"$${tex}$$")
    assert verdict not in ACCEPT, detail


def test_a_term_without_the_index_keeps_the_entry_refused() -> None:
    # c summed n times or once? the reader does not guess, and y_i is no name of its own
    verdict, detail = one(r"$$\sum_{i=1}^n x_i + c + y_i = \sum_{i=1}^n (x_i + y_i) + c$$")
    assert verdict is Verdict.ERROR
    assert "y_i appears outside the sum" in detail
    verdict, detail = one(r"$$\sum_{i=1}^n x_i + y_i + c = \sum_{i=1}^n (x_i + y_i) + c$$")
    assert verdict is Verdict.ERROR
    assert "y_i appears outside the sum" in detail


def test_a_term_after_an_inner_sum_is_refused() -> None:
    # inside the k-sum (counted K times) or after it? both plausible
    verdict, detail = one(r"$$\sum_{n=1}^N \sum_{k=1}^K a_{k} + b_n = \sum_{n=1}^N \sum_{k=1}^K (a_k + b_n)$$")
    assert verdict is Verdict.ERROR
    assert "may belong to the inner sum or follow it" in detail


def test_a_rebound_index_in_a_later_sum_does_not_extend() -> None:
    # the second sum binds i again: its y_i is its own, the first summand stays x_i
    verdict, detail = one(r"$$\sum_{i=1}^n x_i + \sum_{i=1}^n y_i = \sum_{i=1}^n (x_i + y_i)$$")
    assert verdict in ACCEPT, detail
    verdict, detail = one(r"$$\sum_{i=1}^n x_i + \sum_{i=1}^n y_i = \sum_{i=1}^n x_i (1 + \sum_{j=1}^n y_j)$$")
    assert verdict not in ACCEPT, detail


def test_the_plain_index_letter_does_not_extend() -> None:
    # n after the sum is the bound n, read as written: (sum) + n
    verdict, detail = one(r"$$\sum_{i=1}^n x_i + n = n + \sum_{i=1}^n x_i$$")
    assert verdict in ACCEPT, detail
    verdict, detail = one(r"$$\sum_{i=1}^n x_i + n = \sum_{i=1}^n (x_i + n)$$")
    assert verdict not in ACCEPT, detail


@pytest.mark.parametrize(
    "tex",
    [
        # attacker K7: x_i with i free elsewhere in the step: (\sum_i x_i) - x_i (leave one out) is plausible too
        r"\sum_{i=1}^n x_i - x_i = \sum_{j=1}^n x_j - x_i",
        r"x_i + \sum_{i=1}^n y_i + x_i = 2x_i + \sum_{i=1}^n y_i",
    ],
)
def test_an_index_free_elsewhere_in_the_step_is_refused(tex: str) -> None:
    verdict, detail = one(f"$${tex}$$")
    assert verdict is Verdict.ERROR, detail
    assert "leave one out" in detail


@pytest.mark.parametrize(
    ("tex", "verdict"),
    [
        # attacker K6: a factor after \cdot or \times belongs to the summand, as a juxtaposed one does
        (r"\sum_{i=1}^n x_i \cdot y_i = \sum_{i=1}^n x_i y_i", ACCEPT),
        (r"\sum_{i=1}^n 2 \cdot x_i = 2\sum_{i=1}^n x_i", ACCEPT),
        (r"\sum_{i=1}^n x_i \times y_i = \sum_{i=1}^n x_i y_i", ACCEPT),
        (r"\sum_{i=1}^n w_i \cdot x_i + b = b + \sum_{i=1}^n w_i x_i", ACCEPT),
        (r"\sum_{i=1}^n x_i / y_i = \sum_{i=1}^n \frac{x_i}{y_i}", ACCEPT),
        # wrong twins
        (r"\sum_{i=1}^n x_i \cdot y_i = \sum_{i=1}^n x_i \sum_{j=1}^n y_j", (Verdict.REFUTED,)),
        (r"\sum_{i=1}^n 2 \cdot x_i = \sum_{i=1}^n x_i", (Verdict.REFUTED,)),
    ],
)
def test_multiplied_factors_stay_in_the_summand(tex: str, verdict: tuple[Verdict, ...]) -> None:
    got, detail = one(f"$${tex}$$")
    assert got in verdict, detail


def test_a_sum_closed_inside_a_fraction_leaves_its_letter_free_after_it() -> None:
    # \pi_k after the fraction cannot be in the k-sum of its denominator: k is free there
    verdict, detail = one(r"$$\frac{1}{\sum_{k=1}^K \pi_k} \pi_k = \frac{\pi_k}{\sum_{j=1}^K \pi_j}$$")
    assert verdict in ACCEPT, detail
    verdict, detail = one(r"$$\frac{1}{\sum_{k=1}^K \pi_k} \pi_k = \frac{2\pi_k}{\sum_{j=1}^K \pi_j}$$")
    assert verdict not in ACCEPT, detail
    # an entry of an index a sum around the fraction binds stays that sum's: x_i after the sum is refused
    verdict, detail = one(r"$$\sum_{i=1}^n \frac{x_i}{n} \cdot 2 = \frac{2}{n}\sum_{i=1}^n x_i$$")
    assert verdict in ACCEPT, detail
    verdict, detail = one(r"$$\sum_{i=1}^n \frac{x_i}{n} + c + x_i = 0$$")
    assert verdict is Verdict.ERROR, detail
