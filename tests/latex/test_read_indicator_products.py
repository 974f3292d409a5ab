"""``I_{nk}`` under a product over its index (``\\prod_n \\prod_k \\pi_k^{I_{nk}}``, a likelihood with an indicator
matrix) is read as an entry of a matrix I, not refused as a Kronecker delta under a product: a product picks no
term, and the entry covers the identity's and an indicator's values alike. A ``\\delta`` the text writes under a
product stays unread; every verdict through I_{nk} stays undecided (`derive.latex.readings`), and sums are
read as before."""

from __future__ import annotations

import pytest
import sympy

import derive
from derive import Verdict
from derive.language.symbols import SymbolTable
from derive.latex.parser import parse_latex

ACCEPT = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)


def one(text: str) -> tuple[Verdict, str]:
    got = [(r.verdict, r.detail or "") for r in derive.check_latex(text)]
    assert len(got) == 1, got
    return got[0]


def test_the_entry_under_a_product_is_an_entry_of_a_matrix() -> None:
    value = parse_latex(r"\prod_{n=1}^N \prod_{k=1}^K \pi_k^{I_{nk}}", SymbolTable())
    bases = {str(e.base) for e in value.atoms(sympy.Indexed)}
    assert "I" in bases, value
    assert not any(str(s).startswith("delta") for s in value.free_symbols), value


@pytest.mark.parametrize(
    "tex",
    [
        r"$$\prod_{n=1}^N \prod_{k=1}^K \pi_k^{I_{nk}} = \prod_{n=1}^N \prod_{k=1}^K \pi_k^{I_{nk}}$$",
        r"$$\log \prod_{n=1}^N \prod_{k=1}^K \pi_k^{I_{nk}} = \sum_{n=1}^N \sum_{k=1}^K I_{nk} \log \pi_k$$",
        r"$$\prod_{n=1}^N \prod_{k=1}^K \pi_k^{I_{nk}} = \prod_{k=1}^K \pi_k^{N}$$",
    ],
)
def test_steps_through_it_are_read_and_not_accepted_on_one_reading(tex: str) -> None:
    verdict, detail = one(tex)
    assert verdict is not Verdict.ERROR, detail
    assert verdict is Verdict.UNDECIDED, detail  # the identity or an indicator: never one reading's verdict


def test_a_written_delta_under_a_product_stays_unread() -> None:
    verdict, detail = one(r"$$\prod_{k=1}^K \pi_k^{\delta_{nk}} = \pi_n$$")
    assert verdict is Verdict.ERROR, detail
    assert "under a product" in detail


def test_sums_keep_the_kronecker_reading() -> None:
    value = parse_latex(r"\sum_{k=1}^K I_{nk} a_k", SymbolTable())
    assert "a_n" in {str(s) for s in value.free_symbols}, value
