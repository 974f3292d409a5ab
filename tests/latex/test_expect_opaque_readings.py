"""E(x_0) of nothing random: an expectation or a function E of x_0. A proof that treats it as an opaque value holds
under both readings (ESL: ``Var(y_0|x_0) - 2 \\times 0 \\times E_T[...] + MSE(x_0) = Var(y_0|x_0) + MSE(x_0)``);
a proof that uses linearity, a law or a random variable does not, and another ambiguity keeps its doubt."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict

_ACCEPTED = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)
_DOUBT = "may be an expectation or a function E of"


def _last(text: str) -> tuple[Verdict, str]:
    return (r := derive.check_latex(text)[-1]).verdict, r.detail


@pytest.mark.parametrize(
    "step",
    [
        "Var(y_0|x_0) - 2 \\times 0 \\times E_{\\mathcal{T}}[\\hat{y}_0 - f(x_0)] + MSE(x_0) = Var(y_0|x_0) + MSE(x_0)",
        "MSE(x_0) - 2 \\times 0 \\times E(y) + 1 = MSE(x_0) + 1",
        "E(w) + E(w) = 2E(w)",
        "(E(w) + 1)^2 = E(w)^2 + 2E(w) + 1",
    ],
)
def test_an_opaque_proof_holds_under_both_readings(step: str) -> None:
    verdict, detail = _last(f"$${step}$$\n")
    assert verdict is Verdict.PROVED, detail
    assert _DOUBT not in detail


@pytest.mark.parametrize(
    "step",
    [
        "MSE(x_0) - 2 \\times 1 \\times E(y) = MSE(x_0)",  # the term is not zero
        "E(w) + E(w) = 3E(w)",
        "(E(w) + 1)^2 = E(w)^2 + 1",
        "E(2w) = 2E(w)",  # linearity: only the expectation reading
        "E(w + v) = E(w) + E(v)",
    ],
)
def test_wrong_twins_and_reading_dependent_steps_are_not_accepted(step: str) -> None:
    verdict, _ = _last(f"$${step}$$\n")
    assert verdict not in _ACCEPTED, step


def test_another_ambiguity_beside_it_keeps_the_doubt() -> None:
    verdict, detail = _last("$$K(\\sigma) - K(\\sigma) + E(w) = E(w)$$\n")
    assert verdict is Verdict.UNDECIDED
    assert "K(\\sigma) may be" in detail


def test_a_random_argument_is_an_expectation_anyway() -> None:
    # x random: E(x) is its expectation, no other reading is reported (and none is dropped here)
    front = "---\nderive:\n  random: {x: 'Normal(0, 1)'}\n---\n"
    verdict, detail = _last(f"{front}$$E(x) + E(x) = 2E(x)$$\n")
    assert verdict is Verdict.PROVED, detail
    assert _DOUBT not in detail
