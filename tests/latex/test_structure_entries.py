"""Entries of matrices at summation indices (derive.latex.structure_entries)."""

from __future__ import annotations

import re

import pytest

import derive
from derive import Verdict

_SQUARE = {"A": "matrix n x n", "M": "matrix n x n", "w": "vector n"}


def _one(text: str, symbols: dict[str, str]) -> tuple[Verdict, str]:
    (r,) = derive.check_latex(f"$${text}$$", symbols=symbols)
    return r.verdict, r.detail or ""


@pytest.mark.parametrize(
    "text",
    [
        r"\sum_{i=1}^n A_{ii} = \mathrm{tr}(A)",
        r"\sum_{i=1}^n (A^\top)_{ii} = \mathrm{tr}(A)",
        r"\sum_{i=1}^n \sum_{j=1}^n A_{ij} w_i w_j = w^\top A w",
        r"\sum_{i=1}^n \sum_{j=1}^n (M^\top)_{ij} M_{ji} = \mathrm{tr}(M^\top M)",
        r"\sum_{k=1}^n (A w)_k = \sum_{k=1}^n\sum_{j=1}^n A_{kj} w_j",
        r"\sum_{i=1}^n \sum_{j=1}^n (M^\top)_{i,j} M_{j,i} = \mathrm{tr}(M^\top M)",
    ],
)
def test_entries_at_summation_indices_are_checked_at_each_size(text: str) -> None:
    verdict, detail = _one(text, _SQUARE)
    assert verdict is Verdict.VERIFIED and "n = 1; n = 2; n = 3" in detail


def test_a_wrong_entry_identity_is_refuted() -> None:
    verdict, _ = _one(r"\sum_{i=1}^n A_{ii} = \mathrm{tr}(A) + 1", _SQUARE)
    assert verdict is Verdict.REFUTED


@pytest.mark.parametrize(
    "text",
    [
        # sum_ij M_ji M_ij is tr(M M), not tr(M^T M): never accepted
        r"\sum_{i=1}^n \sum_{j=1}^n (M^\top)_{ij} M_{ij} = \mathrm{tr}(M^\top M)",
        # a sum past the matrix: its last terms are unknown
        r"\sum_{i=1}^{n+1} A_{ii} = \mathrm{tr}(A)",
        # a free index letter: an unknown past the matrix, so no value of k refutes
        r"\sum_{j=1}^n A_{kj}w_j = \sum_{j=1}^n (A^\top)_{jk} w_j + 1",
    ],
)
def test_entries_never_accepted_wrongly_nor_refuted_past_the_matrix(text: str) -> None:
    verdict, _ = _one(text, _SQUARE)
    assert verdict not in (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)
    if "n+1" in text or "A_{kj}" in text:
        assert verdict is not Verdict.REFUTED


def test_the_transpose_of_tr_m_m_is_verified() -> None:
    verdict, _ = _one(r"\sum_{i=1}^n \sum_{j=1}^n (M^\top)_{ij} M_{ij} = \mathrm{tr}(M M)", _SQUARE)
    assert verdict is Verdict.VERIFIED


def test_two_indices_of_a_declared_vector_are_another_family() -> None:
    # x_{ij} next to a declared vector x is a data matrix's entry, read as without the declaration
    verdict, detail = _one(r"\sum_{j=1}^2 x_{ij} = x_{i1} + x_{i2}", {"x": "vector 2"})
    assert verdict is Verdict.UNDECIDED and "x_outside" not in detail


def test_fixed_entries_and_names_read_as_before() -> None:
    assert _one(r"A_{12} = A_{12}", {"A": "matrix 2x2"})[0] is Verdict.PROVED
    # A_{ij} at no summation index is a name of its own, as before
    assert _one(r"A_{ij} + 1 = 1 + A_{ij}", {"A": "matrix 2x2"})[0] is Verdict.PROVED


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (r"\sum_{i=1}^2 (a b)_{ii} = 1", "the bracket holds what derive reads as a number"),
        (r"\sum_{i=1}^2 (A)_{i+1} = 1", "derive reads entries at integers and index letters"),
        (r"(A)_{13} = 1", "entry (1, 3) of a 2x2 matrix"),
        (r"(A)_{xy} = 1", "derive reads entries at integers and index letters"),
    ],
)
def test_unreadable_entries_say_why(text: str, why: str) -> None:
    verdict, detail = _one(text, {"A": "matrix 2x2"})
    assert verdict is Verdict.ERROR and why in detail


def test_a_false_trace_through_entries_is_refuted_with_its_counterexample() -> None:
    # the sum runs over 1..n at each size, inside the n x n matrix: no entry past it is left unknown
    verdict, detail = _one(r"\mathrm{tr}(M^\top M) = \sum_{i=1}^n (M M)_{ii}", _SQUARE)
    assert verdict is Verdict.REFUTED
    shown = "at n = 2: differs at M[1,1] = 2, M[1,2] = 1, M[2,1] = 0, M[2,2] = -2: lhs = 9.0, rhs = 8.0"
    assert detail.startswith(shown)


def test_a_false_double_sum_of_entries_is_refuted() -> None:
    text = r"\sum_{i=1}^n\sum_{j=1}^n (M^\top)_{ij} (M)_{ji} = \sum_{i=1}^n\sum_{j=1}^n M_{ij} M_{ji}"
    verdict, detail = _one(text, _SQUARE)
    assert verdict is Verdict.REFUTED and "lhs = 9.0, rhs = 8.0" in detail


def test_bracketed_entries_at_rectangular_sizes() -> None:
    shapes = {"A": "matrix n x m", "w": "vector m"}
    verdict, detail = _one(r"\sum_{i=1}^n (A w)_i = \sum_{i=1}^n \sum_{j=1}^m A_{ij} w_j", shapes)
    assert verdict is Verdict.VERIFIED and "m = 1, n = 2" in detail
    # the index runs to m: past the n rows of A w where n < m (unknown terms there), short of them where m < n, and
    # that size refutes, with the range inside the matrix
    verdict, detail = _one(r"\sum_{i=1}^m (A w)_i = \sum_{i=1}^n \sum_{j=1}^m A_{ij} w_j", shapes)
    sizes = re.match(r"at m = (\d+), n = (\d+): differs", detail)  # the first unequal size tried, m < n
    assert verdict is Verdict.REFUTED and sizes is not None and int(sizes[1]) < int(sizes[2]), detail
    # inside the matrix at every size, a wrong index is refuted
    verdict, _ = _one(r"\sum_{i=1}^n (A w)_i = \sum_{i=1}^n \sum_{j=1}^m A_{ij} w_i", shapes)
    assert verdict is Verdict.REFUTED


@pytest.mark.parametrize(
    "text",
    [
        # a sum past the matrix through a bracket: its last term is unknown
        r"\sum_{i=1}^{n+1} (A)_{ii} = \mathrm{tr}(A)",
        # an empty range (sympy sums it backwards): the outside stays unknown
        r"\sum_{i=n+2}^{n} (A)_{ii} = 0",
    ],
)
def test_sums_past_or_before_the_matrix_are_never_refuted(text: str) -> None:
    assert _one(text, _SQUARE)[0] is not Verdict.REFUTED


def test_an_evaluation_bar_value_is_not_a_bound_index() -> None:
    # i given a value by the bar, and also the sum's index: the sum's own range counts
    verdict, _ = _one(r"\left. \sum_{i=1}^{3} (A)_{ii} \right|_{i=1} = \mathrm{tr}(A)", {"A": "matrix 2x2"})
    assert verdict is not Verdict.VERIFIED and verdict is not Verdict.PROVED


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (r"(x)_+ = x", "the positive or negative part?"),
        (r"(a+b)_i = a_i + b_i", "the bracket holds what derive reads as a number"),
        (r"u_k v_l = (u v)_{kl}", "declare their shapes"),
    ],
)
def test_a_subscript_after_a_bracket_around_a_number_says_why(text: str, why: str) -> None:
    verdict, detail = _one(text, {})
    assert verdict is Verdict.ERROR and why in detail
