"""A family defined for every index (``\\bar{y}_i := \\frac{1}{n_i}\\sum_{j=1}^{n_i} y_{ij}``) is read again from
its text where a sum uses it; the entries of that text (``y_{ij}``) are no uses the step makes of an
enclosing sum's index. Counted as such, a later ``\\sum_{i} n_i \\bar{y}_i^2`` looked like a term of an
earlier sum over i written after an inner sum (ESL 2, m-alipay-esl-ch2 #53 #54: not read)."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict

ACCEPT = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)
DEFINITION = r"Let $\bar{y}_i := \frac{1}{n_i}\sum_{j=1}^{n_i}y_{ij}$."
LEFT = (
    r"\sum_{i=1}^{N_u}n_i\left(\bar{y}_i^2-2f_\theta\left(x_i\right)\bar{y}_i+f_\theta\left(x_i\right)^2\right)"
    r"+\sum_{i=1}^{N_u}\sum_{j=1}^{n_i}y_{ij}^2-\sum_{i=1}^{N_u}{n_i\bar{y}_i^2}"
)
TAIL = r"+\sum_{i=1}^{N_u}\sum_{j=1}^{n_i}y_{ij}^2-\sum_{i=1}^{N_u}{n_i\bar{y}_i^2}"


def one(body: str) -> tuple[Verdict, str]:
    got = [(r.verdict, r.detail or "") for r in derive.check_latex(f"{DEFINITION}\n\n$$\n{body}\n$$\n")]
    assert len(got) == 1, got
    return got[0]


def test_the_completed_square_under_the_family_is_proved() -> None:
    right = r"\sum_{i=1}^{N_u}n_i\left(\bar{y}_i-f_\theta\left(x_i\right)\right)^2" + TAIL
    verdict, detail = one(f"{LEFT} = {right}")
    assert verdict is Verdict.PROVED, detail


@pytest.mark.parametrize(
    "right",
    [
        r"\sum_{i=1}^{N_u}n_i\left(\bar{y}_i+f_\theta\left(x_i\right)\right)^2" + TAIL,
        r"\sum_{i=1}^{N_u}\left(\bar{y}_i-f_\theta\left(x_i\right)\right)^2" + TAIL,
        r"\sum_{i=1}^{N_u}n_i\left(\bar{y}_i-f_\theta\left(x_i\right)\right)^2"
        r"+\sum_{i=1}^{N_u}\sum_{j=1}^{n_i}y_{ij}^2+\sum_{i=1}^{N_u}{n_i\bar{y}_i^2}",
    ],
)
def test_wrong_twins_are_not_accepted(right: str) -> None:
    verdict, detail = one(f"{LEFT} = {right}")
    assert verdict not in ACCEPT, detail


def test_a_term_after_an_inner_sum_is_still_refused() -> None:
    # the rule the family's entries tripped stays: a term after an inner sum that uses the outer index
    verdict, detail = one(r"\sum_{i=1}^{n} \sum_{j=1}^{m} a_{ij} + b_i = \sum_{i=1}^{n} b_i")
    assert verdict is Verdict.ERROR, detail
    assert "may belong to the inner sum" in detail
