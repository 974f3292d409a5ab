"""Landau remainders in the symbolic tier (`derive.tiers._landau`): one-way equalities of asymptotics."""

from __future__ import annotations

import pytest
import sympy

from derive.engine import decide
from derive.language.symbols import SymbolTable
from derive.model import Problem, Relation, Settings, Verdict
from derive.tiers._landau import Landau, check_landau, landau, landau_order
from derive.tiers.symbolic import prove_zero

eps = sympy.Symbol("epsilon", real=True)
x, u, w, h = sympy.symbols("x u w h", real=True)
z = sympy.Symbol("z", positive=True)
n = sympy.Symbol("n", positive=True)


def _zero(d: sympy.Expr) -> str:
    return prove_zero(d, step_seconds=2.0).status


def _check(lhs: object, rhs: object, relation: Relation = Relation.EQ) -> tuple[Verdict, str]:
    out = check_landau(sympy.sympify(lhs), sympy.sympify(rhs), relation, _zero)
    return out.verdict, out.evidence.summary


def O(g: sympy.Expr, limit: str | None = None) -> Landau:  # noqa: E743 - the notation's letter
    return landau(g, limit)


def test_each_occurrence_is_its_own_function_and_has_no_value() -> None:
    a, b = O(eps**2), O(eps**2)
    assert a - b != 0
    assert a.evalf() == a
    assert str(a) == "O(epsilon**2)"


def test_polynomial_expansion_holds_in_both_limits() -> None:
    verdict, summary = _check((w + eps * h) ** 2, w**2 + 2 * eps * w * h + O(eps**2))
    assert verdict is Verdict.PROVED
    assert "as epsilon → 0: lhs − rhs = O(epsilon^2)" in summary
    assert "as epsilon → ∞: lhs − rhs = O(epsilon^2)" in summary


def test_sqrt_expansion_proved_with_the_limit_stated_undecided_without() -> None:
    lhs = sympy.sqrt(z + eps * u + O(eps**2, "0"))
    rhs = sympy.sqrt(z) + (eps * u + O(eps**2, "0")) / (2 * sympy.sqrt(z)) + O(eps**2, "0")
    assert _check(lhs, rhs)[0] is Verdict.PROVED
    lhs = sympy.sqrt(z + eps * u + O(eps**2))
    rhs = sympy.sqrt(z) + (eps * u + O(eps**2)) / (2 * sympy.sqrt(z)) + O(eps**2)
    verdict, summary = _check(lhs, rhs)
    assert verdict is Verdict.UNDECIDED
    assert "stating the limit (e.g. 'as epsilon → 0')" in summary


def test_exp_holds_at_zero_only() -> None:
    assert _check(sympy.exp(eps), 1 + eps + O(eps**2, "0"))[0] is Verdict.PROVED
    verdict, summary = _check(sympy.exp(eps), 1 + eps + O(eps**2))
    assert verdict is Verdict.UNDECIDED
    assert "as epsilon → ∞: the difference is not rational" in summary
    assert _check(sympy.exp(eps), 1 + eps + O(eps**2, "oo"))[0] is Verdict.UNDECIDED


def test_wrong_first_order_coefficient_refuted_with_the_coefficient() -> None:
    verdict, summary = _check(sympy.exp(eps), 1 + 2 * eps + O(eps**2, "0"))
    assert verdict is Verdict.REFUTED
    assert "the coefficient of epsilon in lhs − rhs is -1" in summary
    verdict, summary = _check((w + eps * h) ** 2, w**2 + eps * w * h + O(eps**2, "0"))
    assert verdict is Verdict.REFUTED
    assert "is h*w (= 1 at h = 1, w = 1, the O-terms taken as 0)" in summary


def test_wrong_coefficient_true_at_infinity_stays_undecided_without_the_limit() -> None:
    verdict, summary = _check((w + eps * h) ** 2, w**2 + eps * w * h + O(eps**2))
    assert verdict is Verdict.UNDECIDED
    assert "as epsilon → ∞: lhs − rhs = O(epsilon^2)" in summary


def test_weaker_order_on_the_right_holds_one_way_only() -> None:
    assert _check(x + O(eps**2, "0"), x + O(eps, "0"))[0] is Verdict.PROVED
    verdict, summary = _check(x + O(eps, "0"), x + O(eps**2, "0"))
    assert verdict is Verdict.REFUTED
    assert "the coefficient of epsilon in lhs − rhs is _landau_t0" in summary
    assert _check(x + O(eps**2), x + O(eps))[0] is Verdict.UNDECIDED
    assert _check(x + O(eps), x + O(eps**2))[0] is Verdict.UNDECIDED


def test_no_o_term_on_the_right_is_never_refuted() -> None:
    # O(t) = t^2 in a text most likely defines O: the Landau reading is the doubtful one
    verdict, summary = _check(x + O(eps**2), x)
    assert verdict is Verdict.UNDECIDED
    assert "the left side changes with it (1·δ), so the step would fail" in summary
    assert _check(O(eps**2), eps**4)[0] is Verdict.UNDECIDED
    assert _check(O(eps**2) - O(eps**2), 0)[0] is Verdict.UNDECIDED
    assert _check(O(eps**2) - O(eps**2), O(eps**2))[0] is Verdict.PROVED  # two functions, never cancelled
    assert _check(x * O(eps**2), 0)[0] is Verdict.UNDECIDED


def test_negative_powers_have_both_readings() -> None:
    # O(1/n) holds at 0 and at ∞ here; O(1/n²) holds at 0 only (attacker R99/R100)
    verdict, summary = _check((n + 1) / n, 1 + O(1 / n))
    assert verdict is Verdict.PROVED
    assert "as n → 0: lhs − rhs = O(1/n); as n → ∞: lhs − rhs = O(1/n)" in summary
    verdict, summary = _check((n + 1) / n, 1 + O(n**-2))
    assert verdict is Verdict.UNDECIDED
    assert "as n → ∞: the coefficient of 1/n in lhs − rhs is 1" in summary
    assert "stating the limit" in summary
    verdict, summary = _check((n + 1) / n, 1 + O(n**-2, "oo"))
    assert verdict is Verdict.REFUTED
    assert "the coefficient of 1/n in lhs − rhs is 1" in summary
    assert _check((n + 1) / n, 1 + O(n**-2, "0"))[0] is Verdict.PROVED
    assert _check((n + 1) / n, 1 + O(1 / n, "0"))[0] is Verdict.PROVED


def test_one_over_epsilon_is_big_o_of_its_square_only_at_zero() -> None:
    verdict, summary = _check(1 / eps, O(eps**-2))
    assert verdict is Verdict.UNDECIDED
    assert "as epsilon → 0: lhs − rhs = O(epsilon^-2)" in summary
    assert "as epsilon → ∞: the coefficient of 1/epsilon in lhs − rhs is 1" in summary
    assert _check(1 / eps, O(eps**-2, "0"))[0] is Verdict.PROVED
    assert _check(1 / eps, O(eps**-2, "oo"))[0] is Verdict.REFUTED
    # the mirror image: holds at ∞ only
    verdict, summary = _check(eps**-2, O(1 / eps))
    assert verdict is Verdict.UNDECIDED
    assert "as epsilon → 0: the coefficient of epsilon^-2 in lhs − rhs is 1" in summary
    # a constant is O(1/ε) at 0 but not at ∞
    assert _check(sympy.Integer(1), O(1 / eps))[0] is Verdict.UNDECIDED
    assert _check(1 + 1 / eps, O(1 / eps, "0"))[0] is Verdict.PROVED


def test_o_of_one_beside_a_power_depends_on_the_limit() -> None:
    verdict, summary = _check(O(eps) + O(sympy.Integer(1)), O(sympy.Integer(1)))
    assert verdict is Verdict.UNDECIDED
    assert "as epsilon → 0: lhs − rhs = O(1)" in summary
    assert _check(O(1 / eps) + O(sympy.Integer(1)), O(sympy.Integer(1)))[0] is Verdict.UNDECIDED
    assert _check(O(1 / eps, "oo") + O(sympy.Integer(1)), O(sympy.Integer(1)))[0] is Verdict.PROVED


def test_an_integer_variable_tends_to_infinity_only() -> None:
    k = sympy.Symbol("k", integer=True, positive=True)
    verdict, summary = _check((k + 1) / k, 1 + O(k**-2))
    assert verdict is Verdict.REFUTED
    assert "(k is an integer: read as k → ∞)" in summary
    assert "the coefficient of 1/k in lhs − rhs is 1" in summary


def test_not_one_power_of_one_name_is_undecided() -> None:
    d = sympy.Symbol("delta", real=True)
    assert _check(eps * d + O(eps * d), O(eps * d))[0] is Verdict.UNDECIDED
    assert _check(eps + O(eps**2), eps + O(d**2))[0] is Verdict.UNDECIDED
    assert _check(1 + O(sympy.sin(eps)), 1 + O(eps))[0] is Verdict.UNDECIDED
    assert not landau_order(eps * d)
    assert not landau_order(sympy.sin(eps))
    assert landau_order(2 * eps**2) and landau_order(1 / n)


def test_coefficient_on_the_right_that_may_vanish_is_undecided() -> None:
    verdict, summary = _check(eps * x + eps**2, eps * x + x * O(eps))
    assert verdict is Verdict.UNDECIDED
    assert "may vanish" in summary
    assert _check(eps + eps**2, eps + 3 * O(eps**2, "0"))[0] is Verdict.PROVED


def test_fractional_order() -> None:
    assert _check(sympy.sqrt(1 + eps), 1 + eps / 2 + O(eps ** sympy.Rational(3, 2), "0"))[0] is Verdict.PROVED
    assert _check(sympy.sqrt(1 + eps), 1 + O(eps ** sympy.Rational(3, 2), "0"))[0] is Verdict.REFUTED


def test_matrix_inverse_expansion_with_one_o_term_per_entry() -> None:
    a = sympy.Matrix(2, 2, sympy.symbols("a b c d"))
    m = sympy.Matrix(2, 2, sympy.symbols("p q r s"))
    rest = sympy.Matrix(2, 2, lambda i, j: O(eps**2, "0"))
    lhs = (a.inv() - eps * a.inv() * m * a.inv() + rest) * (a + eps * m)
    rhs = sympy.eye(2) + sympy.Matrix(2, 2, lambda i, j: O(eps**2, "0"))
    assert _check(sympy.ImmutableMatrix(lhs), sympy.ImmutableMatrix(rhs))[0] is Verdict.PROVED
    wrong = (a.inv() + eps * a.inv() * m * a.inv() + rest) * (a + eps * m)
    assert _check(sympy.ImmutableMatrix(wrong), sympy.ImmutableMatrix(rhs))[0] is not Verdict.PROVED


def test_one_right_o_term_in_two_entries_is_undecided() -> None:
    shared = O(eps**2)
    verdict, summary = _check(sympy.ImmutableMatrix([x, x]), sympy.ImmutableMatrix([x + shared, x + shared]))
    assert verdict is Verdict.UNDECIDED
    assert "several entries" in summary


def test_inequality_with_o_terms_is_undecided() -> None:
    assert _check(x, x + O(eps), Relation.LE)[0] is Verdict.UNDECIDED


@pytest.mark.parametrize("rhs", [1 + eps + O(eps**2), 1 + 2 * eps + O(eps**2)])
def test_no_other_tier_decides_a_landau_claim(rhs: sympy.Expr) -> None:
    outcomes = decide(Problem(sympy.exp(eps), rhs, Relation.EQ, SymbolTable()), Settings(timeout=5))
    assert all(o.verdict is Verdict.UNDECIDED for o in outcomes)
    assert outcomes[0].evidence.summary.startswith("O-terms: as epsilon → 0")


def test_both_sides_of_zero_unless_the_sign_is_declared() -> None:
    # sympy's series is one-sided: |ε| = ε + O(ε²) holds from the right only
    verdict, summary = _check(sympy.Abs(eps), eps + O(eps**2, "0"))
    assert verdict is Verdict.UNDECIDED
    assert "epsilon > 0: holds; epsilon < 0: the coefficient of epsilon in lhs − rhs is -2" in summary
    assert _check(sympy.sign(eps) * eps, eps + O(eps**2, "0"))[0] is Verdict.UNDECIDED
    pos = sympy.Symbol("epsilon", positive=True)
    assert _check(sympy.Abs(pos), pos + O(pos**2, "0"))[0] is Verdict.PROVED
    assert _check(sympy.Abs(eps) ** 3, O(eps**2, "0"))[0] is Verdict.PROVED
    assert _check(sympy.Abs(eps), 2 * eps + O(eps**2, "0"))[0] is Verdict.REFUTED  # fails on both sides


def test_o_term_in_a_denominator_is_not_a_constant() -> None:
    # 1/O(ε) is unbounded when the bounded function tends to 0; at ∞ a bounded t may tend to 0
    assert _check(1 / O(eps, "0"), O(1 / eps, "0"))[0] is Verdict.UNDECIDED
    assert _check(1 / (1 + O(eps, "oo")), O(1 / eps, "oo"))[0] is Verdict.UNDECIDED
    assert _check(1 / (1 + O(eps, "0")), 1 + O(eps, "0"))[0] is Verdict.PROVED
    assert _check(1 / (eps**2 + O(eps**3, "0")), eps**-2 + O(1 / eps, "0"))[0] is Verdict.UNDECIDED  # 1/ε at 0


def test_o_term_the_remainder_divides_by_is_not_bounded() -> None:
    # ε/O(ε) is not O(1): O(ε) may be ε², and ε/ε² is unbounded
    one = O(sympy.S.One, "0")
    assert _check(eps / O(eps, "0"), eps + one)[0] is Verdict.UNDECIDED
    assert _check(eps**3 / O(eps**2, "0"), O(eps, "0"))[0] is Verdict.UNDECIDED
    assert _check(sympy.sqrt(O(eps**2, "0")), O(eps, "0"))[0] is Verdict.UNDECIDED  # conservative
