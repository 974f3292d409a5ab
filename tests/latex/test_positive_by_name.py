"""The every-function check takes p, P, q, L, N positive under a log (a density, a likelihood); where the
text says the name may take values <= 0 (a polynomial, a loss, a real function), no acceptance rests on
that reading (attacker K18)."""

from __future__ import annotations

import pytest

import derive
from derive.model import Verdict


def last(doc: str) -> derive.Result:
    return derive.check_latex(doc)[-1]


@pytest.mark.parametrize(
    "doc",
    [
        "Let $P$ be a real polynomial; it takes negative values too.\n\n$$\\log P(x)^2 = 2 \\log P(x)$$\n",
        "Let $L(w)$ be a loss that may be negative.\n\n$$\\log L(w)^2 = 2 \\log L(w)$$\n",
        "Let $q$ be a real function.\n\n$$\\log (q(x)^2) = 2\\log q(x)$$\n",
    ],
)
def test_a_name_the_text_allows_negative_is_not_taken_positive(doc: str) -> None:
    r = last(doc)
    assert r.verdict is Verdict.UNDECIDED, r.detail
    assert "allows values <= 0" in r.detail


def test_a_density_stays_positive_under_its_log() -> None:
    r = last("Let $p$ be the density of $x$.\n\n$$\\log p(x)^2 = 2 \\log p(x)$$\n")
    assert r.verdict is Verdict.VERIFIED, r.detail
    assert "p positive (a density or likelihood" in r.detail
