"""``trace`` typed without a backslash (ESL: ``\\sigma^2/N \\cdot trace I_p``) is the trace, as ``tr`` already
was: the product t·r·a·c·e of five numbers is no reading anyone means (and beside a matrix it cannot be
added to a number)."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict

ACCEPT = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)
HEAD = "---\nderive:\n  symbols: {A: matrix 2 x 2}\n---\n"
HEAD2 = "---\nderive:\n  symbols: {A: matrix 2 x 2, B: matrix 2 x 2}\n---\n"


def one(text: str) -> tuple[Verdict, str]:
    got = [(r.verdict, r.detail or "") for r in derive.check_latex(text)]
    assert len(got) == 1, got
    return got[0]


@pytest.mark.parametrize(
    "tex",
    [
        r"$$trace I_p = p$$",
        r"$$Trace\, I_p = p$$",
        r"$$\frac{1}{N} trace I_p + 1 = \frac{p}{N} + 1$$",
        HEAD + "$$trace(A) = A_{11} + A_{22}$$",
        HEAD2 + "$$trace(AB) = \\mathrm{tr}(BA)$$",
    ],
)
def test_trace_is_the_trace(tex: str) -> None:
    verdict, detail = one(tex)
    assert verdict in ACCEPT, detail


@pytest.mark.parametrize(
    "tex",
    [
        r"$$trace I_p = p + 1$$",
        r"$$\frac{1}{N} trace I_p + 1 = \frac{p}{N^2} + 1$$",
        HEAD + "$$trace(A) = A_{11} + A_{12}$$",
        HEAD2 + "$$trace(AB) = \\mathrm{tr}(A)\\mathrm{tr}(B)$$",
    ],
)
def test_wrong_twins_are_not_accepted(tex: str) -> None:
    verdict, detail = one(tex)
    assert verdict not in ACCEPT, detail


def test_a_longer_run_of_letters_stays_letters() -> None:
    # only the word itself: traces, tracer are runs of letters as before (a product of names)
    verdict, detail = one(r"$$tracer = t r a c e r$$")
    assert verdict is Verdict.PROVED, detail
