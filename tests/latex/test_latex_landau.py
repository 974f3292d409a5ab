"""O(ε²), \\mathcal{O}(1/n) in LaTeX: Landau remainders (`derive.tiers._landau`) unless O means something else."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict
from derive.latex.parser import _Parser

pytestmark = pytest.mark.skipif(
    not hasattr(_Parser, "landau_term"), reason="the LaTeX reading of O(...) as a Landau term is not applied"
)


def _one(text: str) -> derive.Result:
    (result,) = derive.check_latex(text)
    return result


def test_taylor_step_with_a_polynomial_remainder_is_proved() -> None:
    result = _one(r"$$ (w + \epsilon h)^2 = w^2 + 2\epsilon w h + O(\epsilon^2) $$")
    assert result.verdict is Verdict.PROVED
    assert "one-way equality of asymptotics" in result.detail
    assert "as epsilon → 0: lhs − rhs = O(epsilon^2); as epsilon → ∞" in result.detail


def test_calligraphic_o_of_one_over_n() -> None:
    result = _one(r"$$ \frac{n+1}{n} = 1 + \mathcal{O}(1/n) $$")
    assert result.verdict is Verdict.PROVED
    assert "as n → ∞: lhs − rhs = O(1/n)" in result.detail


def test_exp_without_a_stated_limit_is_undecided_and_says_why() -> None:
    result = _one(r"$$ e^{\epsilon} = 1 + \epsilon + O(\epsilon^2) $$")
    assert result.verdict is Verdict.UNDECIDED
    assert "stating the limit (e.g. 'as epsilon → 0')" in result.detail


def test_wrong_coefficient_failing_in_both_limits_is_refuted() -> None:
    result = _one(r"$$ (1 + \epsilon)^3 = 1 + 2\epsilon + O(\epsilon^2) $$")
    assert result.verdict is Verdict.REFUTED
    assert "as epsilon → 0: the coefficient of epsilon in lhs − rhs is 1" in result.detail


def test_weaker_remainder_on_the_right_is_not_proved_in_reverse() -> None:
    assert _one(r"$$ x + O(\epsilon) = x + O(\epsilon^2) $$").verdict is Verdict.UNDECIDED


def test_o_declared_a_matrix_is_a_product() -> None:
    result = _one(r"Let $O$ be a $2\times 2$ matrix. $$ O(\epsilon^2) = \epsilon^2 O $$")
    assert result.verdict is Verdict.PROVED
    assert "asymptotics" not in result.detail


def test_o_the_text_defines_is_never_refuted() -> None:
    # derive's context does not read a capital's definition O(t) = t^2 yet: the Landau reading must not refute
    for text in (
        r"Let $O(t) = t^2$. Then $$ O(\epsilon^2) = \epsilon^4 $$",
        r"Define $O(t) := t^2$. Then $$ O(\epsilon^2) = \epsilon^4 $$",
        r"We write $$O(t) = t^2.$$",
        r"Let $O(t) := t^2$ for all $t$. $$ O(\epsilon) = \epsilon^2 + O(\epsilon^3) $$",
    ):
        assert all(r.verdict is Verdict.UNDECIDED for r in derive.check_latex(text)), text


def test_o_declared_a_function_is_not_a_remainder() -> None:
    result = _one("---\nfunctions: [O]\n---\n$$ O(\\epsilon^2) = O(\\epsilon^2) + \\epsilon^3 $$")
    assert result.verdict is not Verdict.PROVED


def test_o_of_a_difference_keeps_its_doubt() -> None:
    result = _one(r"$$ O(x - y) = O x - O y $$")
    assert result.verdict is Verdict.UNDECIDED
    assert "O(x - y) may be O·(its argument) or a function O of its argument" in result.detail


def test_o_of_two_variables_is_undecided() -> None:
    result = _one(r"$$ \epsilon\delta + O(\epsilon\delta) = O(\epsilon \delta) $$")
    assert result.verdict is Verdict.UNDECIDED


def test_negative_power_without_a_stated_limit_is_undecided() -> None:
    # attacker R99/R100: 1/ε = O(1/ε²) holds as ε → 0 and fails as ε → ∞
    for text in (
        r"$$\frac{1}{\epsilon} = O\left(\frac{1}{\epsilon^2}\right)$$",
        r"$$h^{-1} = O(h^{-2})$$",
    ):
        result = _one(text)
        assert result.verdict is Verdict.UNDECIDED, text
        assert "stating the limit" in result.detail, text
    result = _one(r"$$\frac{1}{\epsilon^2} = O\left(\frac{1}{\epsilon}\right)$$")
    assert result.verdict is Verdict.UNDECIDED
    assert "→ 0: the coefficient of epsilon^-2 in lhs − rhs is 1" in result.detail
