"""``I_{kj}`` outside a sum next to names indexed by k and j (``y_k(I_{kj} - y_j)``) is an entry of a matrix I
(the identity's: a Kronecker delta; or an indicator's), read as a number of its own, never an identity of
size kj. A step that holds for every value of it is accepted (a delta's values are among them); a
refutation at a point giving it (or a ``\\delta_{kj}`` read as a name) a value is no refutation of the
delta reading: undecided."""

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
        r"y_k(I_{kj} - y_j) = y_k I_{kj} - y_k y_j",
        r"\frac{1}{y_{k}} y_{k}(I_{kj} - y_{j}) \phi = (I_{kj} - y_{j})\phi",
        r"a_k I_{k,j} + a_j I_{k,j} = (a_k + a_j) I_{k,j}",
    ],
)
def test_a_step_true_for_every_entry_is_accepted(tex: str) -> None:
    verdict, detail = one(f"$${tex}$$")
    assert verdict in ACCEPT, detail


@pytest.mark.parametrize(
    "tex",
    [
        # true as a Kronecker delta (its square is itself; at k = j, y_k = y_j), false for a general number
        r"\delta_{kj}^2 = \delta_{kj}",
        r"\delta_{kk}^2 = \delta_{kk}",
        r"I_{kj} y_k y_k = I_{kj}^2 y_k y_j",
        r"y_k(I_{kj} - y_j) = y_k I_{kj} + y_k y_j",  # a wrong twin: false, but a delta's point is none
    ],
)
def test_a_refutation_through_the_entry_is_undecided(tex: str) -> None:
    verdict, detail = one(f"$${tex}$$")
    assert verdict is Verdict.UNDECIDED, detail
    assert "may be a Kronecker delta" in detail


def test_wrong_twins_are_not_accepted() -> None:
    verdict, detail = one(r"$$y_k(I_{kj} - y_j) = y_k I_{kj} + y_k y_j$$")
    assert verdict not in ACCEPT, detail
    verdict, detail = one(r"$$\delta_{kj} + 1 = \delta_{kj}$$")
    assert verdict is Verdict.REFUTED, detail  # false under every reading


def test_an_identity_of_a_size_stays_an_identity() -> None:
    # m, n index nothing here: I_{mn} keeps its identity reading (sizes, as in I_{mn} = I_m \otimes I_n)
    doc = "---\nderive:\n  symbols: {A: matrix 2x2}\n---\n$$A I_{2} = A$$\n"
    assert one(doc)[0] in ACCEPT
    verdict, detail = one(r"$$x + I_{mn} = x$$")
    assert verdict not in ACCEPT, detail


def test_a_declared_I_is_not_an_entry() -> None:
    doc = "---\nderive:\n  symbols: {I_kj: real, y_k: real, y_j: real}\n---\n$$y_k I_{kj} = 2 y_j$$\n"
    assert one(doc)[0] is Verdict.REFUTED
