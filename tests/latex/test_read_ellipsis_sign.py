"""A sum written with its ellipsis untyped on one side, ``- a_1 - a_2 \\cdots - a_n``: the sign after the
dots stands before them too, when the term the dots end follows the last term's pattern and carries
that sign (a sign, not a factor, follows the dots, so no product is meant). Anything else stays unread."""

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
    ("tex", "same"),
    [
        (r"x_1 + x_2 \cdots + x_n", r"x_1 + x_2 + \cdots + x_n"),
        (r"-x_1 - x_2 \cdots - x_n", r"-x_1 - x_2 - \cdots - x_n"),
        (r"x_1 - x_2 \cdots - x_n", r"x_1 - x_2 - \cdots - x_n"),
        (r"-\log(P(x_1)) - \log(P(x_2)) \cdots - \log(P(x_n))", r"-\sum_{i=1}^n \log(P(x_i))"),
        (r"x_1 \cdots + x_n", r"\sum_{i=1}^n x_i"),
    ],
)
def test_the_missing_sign_is_the_one_after_the_dots(tex: str, same: str) -> None:
    verdict, detail = one(f"$${tex} = {same}$$")
    assert verdict in ACCEPT, detail


@pytest.mark.parametrize(
    "tex",
    [
        r"x_1 + x_2 \cdots + x_n = \sum_{i=1}^n x_i^2",
        r"-x_1 - x_2 \cdots - x_n = \sum_{i=1}^n x_i",
        r"x_1 - x_2 \cdots - x_n = -\sum_{i=1}^n x_i",
        r"-\log(P(x_1)) - \log(P(x_2)) \cdots - \log(P(x_n)) = \sum_{i=1}^n \log(P(x_i))",
    ],
)
def test_wrong_twins_are_not_accepted(tex: str) -> None:
    verdict, detail = one(f"$${tex}$$")
    assert verdict not in ACCEPT, detail


@pytest.mark.parametrize(
    "tex",
    [
        r"-x_1 + x_2 \cdots - x_n",  # the term before the dots carries another sign
        r"-x_1 - x_2 \cdots + x_n",
        r"x_1 x_2 \cdots - x_n",  # a product with no last factor
        r"x_1 + 2 x_2 \cdots + x_n",  # the term before the dots is not of the last term's pattern
        r"x_1 + x_2 y \cdots + x_n",
    ],
)
def test_other_untyped_signs_stay_unread(tex: str) -> None:
    verdict, _ = one(f"$${tex} = 0$$")
    assert verdict is Verdict.ERROR
