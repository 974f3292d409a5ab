"""A point where both sides of an equality over real names are non-real is outside the step's real domain.

``\\log(\\beta^y (1-\\beta)^{1-y}) = y \\log\\beta + (1-y) \\log(1-\\beta)`` holds wherever it means something
(β in (0, 1)); at β = 5/2 both sides are complex and sympy's principal branches differ by 2πi, which refuted a
true step. Such points refute nothing, and a step that agrees only where it is real is undecided (the complex
reading fails); a side real where the other is not stays a difference (log(x²) = 2 log x at x < 0).
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict

ACCEPTS = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)


def _one(tex: str) -> tuple[Verdict, str]:
    (result,) = derive.check_latex(f"$$ {tex} $$\n", timeout=60)
    return result.verdict, result.detail


def test_a_point_outside_both_sides_real_domain_refutes_nothing_and_verifies_nothing() -> None:
    # for beta > 1 both sides are logs of negative numbers: the principal branches differ by 2 pi i
    # and not verified either: in the complex reading it fails, so the step holds on its real domain only
    verdict, detail = _one(r"\log\left((1-\beta)^{3}\right) = 3\log(1-\beta)")
    assert verdict is Verdict.UNDECIDED, detail
    assert "the step holds on its real domain only" in detail
    tex = "$$ \\log\\left((1-\\beta)^{3}\\right) = 3\\log(1-\\beta) $$\n"
    declared = derive.check_latex(tex, symbols={"beta": "negative"})
    assert declared[0].verdict in ACCEPTS, declared[0].detail


def test_a_log_of_a_bernoulli_likelihood_is_not_refuted_at_a_point_where_both_sides_are_complex() -> None:
    verdict, detail = _one(r"\log\left(\beta^{y}(1-\beta)^{1-y}\right) = y\log\beta + (1-y)\log(1-\beta)")
    if verdict is Verdict.REFUTED:  # only where one side is real (beta = 3, y = 3: the left side is log(27/4))
        assert "lhs = (" not in detail or "rhs = (" not in detail, detail


@pytest.mark.parametrize(
    "tex",
    [
        # wrong twins: a real difference inside the real domain (beta in (0, 1)) is still found
        r"\log\left(\beta^{y}(1-\beta)^{1-y}\right) = y\log\beta + (1-y)\log(2-\beta)",
        r"\log\left(\beta^{y}(1-\beta)^{1-y}\right) = y\log\beta + y\log(1-\beta)",
    ],
)
def test_wrong_twins_are_refuted(tex: str) -> None:
    verdict, detail = _one(tex)
    assert verdict is Verdict.REFUTED, detail


@pytest.mark.parametrize("tex", [r"\log(x^2) = 2\log x", r"\log(ab) = \log a + \log b"])
def test_a_side_real_where_the_other_is_not_still_refutes(tex: str) -> None:
    verdict, detail = _one(tex)
    assert verdict is Verdict.REFUTED, detail
    assert "confirmed at" in detail


def test_wrong_twin_of_the_skipped_claim_is_refuted_inside_the_domain() -> None:
    verdict, detail = _one(r"\log\left((1-\beta)^{3}\right) = 3\log(2-\beta)")
    assert verdict is Verdict.REFUTED, detail
