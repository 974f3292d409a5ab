"""Inequalities that hold for every law (derive.tiers._general_law_order, wired in _linearity.by_linearity).

Proved: a variance, a positive multiple of one plus a nonnegative number, the mean of a square of real
names. Never: Jensen the wrong way, a strict inequality (a variance may be 0), a factor of unknown sign,
an odd power, Cauchy-Schwarz (not in this class), a comparison of two variances, a shadowed E.
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict


@pytest.mark.parametrize(
    "step",
    [
        "\\mathrm{Var}(X) \\geq 0",
        "E[X^2] \\geq E[X]^2",
        "E[X]^2 \\leq E[X^2]",
        "2\\mathrm{Var}(X) + 1 \\geq 1",
        "E[(X - a)^2] \\geq 0",
        "E[(X - E[X])^2] \\geq 0",
        "E[|X|] \\geq 0",
        "\\mathbb{E}_q[(z - m)^2] \\geq 0",
    ],
)
def test_nonnegative_for_every_law(step: str) -> None:
    (r,) = derive.check_latex(f"$${step}$$")
    assert r.verdict is Verdict.PROVED, r.detail
    assert "the difference of the sides is nonnegative" in r.detail


@pytest.mark.parametrize(
    "step",
    [
        "E[X]^2 \\geq E[X^2]",
        "\\mathrm{Var}(X) > 0",
        "a\\,\\mathrm{Var}(X) \\geq 0",
        "E[X^3] \\geq 0",
        "E[(X - a)^3] \\geq 0",
        "E[X^2] \\geq E[X]",
        "-E[X^2] \\geq 0",
        "\\mathrm{Var}(X) \\geq \\mathrm{Var}(Y)",
        "E[X^2] \\geq E[X]^2 + 10^{-30}",
        "E[X^2 \\mid Z] \\geq E[X \\mid Y]^2",
    ],
)
def test_never_proved(step: str) -> None:
    for r in derive.check_latex(f"$${step}$$"):
        assert r.verdict not in (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT), r.detail


def test_the_square_of_a_bracket_is_left_to_its_readings() -> None:
    # E[X - a]^2 is (E[X - a])^2 to Bishop and E[(X - a)^2] to ESL: no variance certificate is read into it
    (r,) = derive.check_latex("$$E[X - a]^2 \\geq 0$$")
    assert "the difference of the sides is nonnegative" not in (r.detail or "")


def test_a_shadowed_e_is_no_expectation() -> None:
    doc = "Let $E(w) = \\frac{1}{2}(t - w)^2$ be the error function.\n\n$$E(w^2) \\geq E(w)^2$$"
    for r in derive.check_latex(doc):
        assert "the difference of the sides is nonnegative" not in (r.detail or ""), r.detail
