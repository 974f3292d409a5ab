"""A derivative of |.|, max or min evaluated where it does not exist (attacker K5): never decided from
sympy's conventions (Heaviside(0) = 1/2, sign(0) = 0); elsewhere it is evaluated as before."""

from __future__ import annotations

import pytest

import derive
from derive.model import Verdict

NOT_THERE = "does not exist where its argument is 0"


def one(tex: str) -> derive.Result:
    (result,) = derive.check_latex(f"$$ {tex} $$")
    return result


@pytest.mark.parametrize(
    "step",
    [
        r"\left. \frac{d}{dx} \max(0, x) \right|_{x=0} = \frac{1}{2}",  # Heaviside(0), proved before
        r"\left. \frac{d}{dx} \max(0, x) \right|_{x=0} = 0",  # ReLU'(0) = 0 by convention, refuted before
        r"\left. \frac{d}{dx} \sqrt{x^2} \right|_{x=0} = 0",  # sign(0)
        r"\left. \frac{d}{dx} |x - 1| \right|_{x=1} = 0",
        r"\left. \frac{d}{dx} \min(x, 2x) \right|_{x=0} = 1",
    ],
)
def test_a_derivative_at_a_kink_is_not_decided(step: str) -> None:
    r = one(step)
    assert r.verdict in (Verdict.ERROR, Verdict.UNDECIDED), r.detail
    assert NOT_THERE in r.detail


@pytest.mark.parametrize(
    ("step", "verdict"),
    [
        (r"\left. \frac{d}{dx} |x - 1| \right|_{x=3} = 1", Verdict.PROVED),
        (r"\left. \frac{d}{dx} \max(0, x) \right|_{x=2} = 1", Verdict.PROVED),
        (r"\left. \frac{d}{dx} \max(0, x) \right|_{x=-2} = 1", Verdict.REFUTED),
        (r"\left. \frac{d}{dx} x^2 \right|_{x=0} = 0", Verdict.PROVED),
    ],
)
def test_a_derivative_away_from_its_kink_is_evaluated(step: str, verdict: Verdict) -> None:
    r = one(step)
    assert r.verdict is verdict, r.detail
