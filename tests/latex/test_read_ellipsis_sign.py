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


@pytest.mark.parametrize(
    "tex",
    [
        # attacker K15: 1, 2, ..., 64 may count up by 1 or double; the sums differ, so neither is decided
        r"1 + 2 + \cdots + 64 = 127",
        r"1 + 2 + \cdots + 64 = 2080",
        r"2 + 4 + \cdots + 8 = 14",
        r"1 + 3 + \cdots + 27 = 40",
        r"1 \cdot 2 \cdots 4 = 24",
    ],
)
def test_two_written_numbers_that_fit_a_geometric_run_too_are_not_read(tex: str) -> None:
    verdict, detail = one(f"$${tex}$$")
    assert verdict is Verdict.ERROR, detail
    assert "fit two runs" in detail


@pytest.mark.parametrize(
    ("tex", "verdict"),
    [
        (r"1 + 2 + \cdots + 10 = 55", Verdict.PROVED),  # 10 is no power of 2: one run
        (r"1 + 2 + 3 + \cdots + 64 = 2080", Verdict.PROVED),  # a third term settles the step
        (r"1 + 2 + 3 + \cdots + 64 = 127", Verdict.REFUTED),
        (r"1 + 2 + \cdots + 3 = 6", Verdict.PROVED),  # the run ends where both agree on the next term
    ],
)
def test_runs_with_one_pattern_are_read(tex: str, verdict: Verdict) -> None:
    got, detail = one(f"$${tex}$$")
    assert got is verdict, detail
