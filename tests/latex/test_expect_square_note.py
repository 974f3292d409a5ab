"""A step through ``E[a - b]^2`` that holds reading the square inside the bracket (ESL's E[(a - b)^2]) but not
outside it (Bishop's (E[a - b])^2) stays undecided and says which reading it holds in (derive.tiers._linearity).
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict


def _step(lhs: str, rhs: str) -> tuple[Verdict, str]:
    doc = "$$\n\\begin{aligned}\nZ &= " + lhs + " \\\\\n &= " + rhs + "\n\\end{aligned}\n$$\n"
    r = derive.check_latex(doc)[-1]
    return r.verdict, r.detail


def test_a_step_that_holds_in_the_esl_reading_only_says_so() -> None:
    # Var_T = E_T[y - E_T y]^2 holds reading the square inside (ESL), not outside (where the rhs is 0)
    verdict, detail = _step(
        r"\mathrm{Var}_{\mathcal{T}}(\hat{y}_0)",
        r"E_{\mathcal{T}}\left[\hat{y}_0 - E_{\mathcal{T}}(\hat{y}_0)\right]^2",
    )
    assert verdict is Verdict.UNDECIDED, detail
    assert "as E[(a - b)^2] (as ESL writes it), but not reading it as (E[a - b])^2" in detail, detail


@pytest.mark.parametrize(
    "rhs",
    [
        r"E[a^2] + E[b^2]",  # false in both readings: no note
        r"E[a^2] - 2E[a]E[b] + E[b^2]",  # the outside reading's expansion would need independence
    ],
)
def test_no_esl_reading_note_where_it_does_not_hold(rhs: str) -> None:
    _, detail = _step(r"E\left[a - b\right]^2", rhs)
    assert "as ESL writes it), but not" not in detail, detail


def test_the_non_random_hint_wins_over_the_reading_note() -> None:
    # with f(x_0) declared non-random the step holds in both readings: the hint names that declaration
    lhs = (
        r"E_{\mathcal{T}}\left[(\hat{y}_0 - E_{\mathcal{T}}(\hat{y}_0))"
        r" - (f(x_0) - E_{\mathcal{T}}(\hat{y}_0))\right]^2"
    )
    rhs = (
        r"E_{\mathcal{T}}\left[\hat{y}_0 - E_{\mathcal{T}}(\hat{y}_0)\right]^2"
        r" - 2E_{\mathcal{T}}\left[(\hat{y}_0 - E_{\mathcal{T}}(\hat{y}_0))(f(x_0) - E_{\mathcal{T}}(\hat{y}_0))\right]"
        r" + E_{\mathcal{T}}\left[f(x_0) - E_{\mathcal{T}}(\hat{y}_0)\right]^2"
    )
    verdict, detail = _step(lhs, rhs)
    assert verdict is Verdict.UNDECIDED, detail
    assert "f(x_0) is not random" in detail, detail
