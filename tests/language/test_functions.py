"""The ML functions derive adds to sympy."""

from __future__ import annotations

import mpmath
import sympy
from sympy import exp, log, tanh

import derive
from derive.language.functions import JS, KL, W1, Expectation, logit, sigmoid, softplus
from derive.language.symbols import SymbolTable
from derive.model import Problem, Relation, Settings, Verdict
from derive.tiers.numeric import check_numeric

a = sympy.Symbol("a", real=True)


def test_sigmoid_derivative_and_rewrite() -> None:
    assert sympy.simplify(sympy.diff(sigmoid(a), a) - sigmoid(a) * (1 - sigmoid(a))) == 0
    assert sigmoid(a).rewrite(exp) == 1 / (1 + exp(-a))
    assert sympy.simplify((sigmoid(a).rewrite(tanh) - sigmoid(a).rewrite(exp)).rewrite(exp)) == 0


def test_special_values() -> None:
    assert sigmoid(0) == sympy.Rational(1, 2)
    assert sigmoid(sympy.oo) == 1
    assert sigmoid(-sympy.oo) == 0
    assert softplus(0) == log(2)
    assert logit(sympy.Rational(1, 2)) == 0


def test_high_precision_evaluation() -> None:
    value = sigmoid(sympy.Rational(1, 3)).evalf(60)
    with mpmath.workdps(70):
        expected = 1 / (1 + mpmath.exp(-mpmath.mpf(1) / 3))
        assert abs(mpmath.mpf(str(value)) - expected) < mpmath.mpf(10) ** -55


def test_softplus_derivative_is_sigmoid_and_logit_inverts_sigmoid() -> None:
    assert sympy.diff(softplus(a), a) == sigmoid(a)
    p = sympy.Symbol("p", positive=True)
    assert sympy.simplify(sympy.diff(logit(p), p) - 1 / (p * (1 - p))) == 0
    assert (
        sympy.simplify(logit(sigmoid(a)).rewrite(exp) - a) == 0
        or sympy.N((logit(sigmoid(a)) - a).subs(a, sympy.Rational(7, 3)), 30) == 0
    )


def test_sigmoid_is_positive_for_real_argument() -> None:
    assert sigmoid(a).is_positive
    assert softplus(a).is_positive


def test_operators_stay_unevaluated_and_print_by_public_name() -> None:
    e = Expectation(a**2)
    assert str(e) == "E(a**2)"
    assert sympy.latex(e) == r"\mathbb{E}\left[a^{2}\right]"
    assert str(KL(a, a)) == "KL(a, a)"
    assert JS(a, a).func is JS
    assert W1(a, a).evalf() == W1(a, a)  # no numeric value until a tier removes it


# Regression: at low precision the closed form log(1 + exp(-16.9)) rounds to exactly 0, and
# sympy's 2-digit sign checks (asked in a hash-dependent order) then cached softplus(-16.9) as
# zero, rebuilt exp(c + softplus(c)) as exp(c) and refuted sigmoid(-a) == 1 - sigmoid(a).
C = sympy.Rational(-169, 10)


def _mp(value: sympy.Expr) -> mpmath.mpf:
    return mpmath.mpf(str(value))


def test_softplus_of_a_negative_number_is_never_rounded_to_zero() -> None:
    with mpmath.workdps(60):
        expected = mpmath.log1p(mpmath.exp(mpmath.mpf(-169) / 10))
        for digits in (1, 2, 5, 15, 40):
            value = softplus(C).evalf(digits)
            assert value != 0
            assert abs(_mp(value) / expected - 1) < mpmath.mpf(10) ** (1 - digits)
        tiny = softplus(sympy.Integer(-2000)).evalf(20)  # e^-2000, far below any working precision
        assert abs(_mp(tiny) / mpmath.exp(-2000) - 1) < mpmath.mpf(10) ** -18
    assert sigmoid(sympy.Integer(-2000)).evalf(2) != 0
    assert softplus(sympy.Integer(3000)).evalf(30) == sympy.Float(3000, 30)


def test_sign_facts_are_stated_not_guessed_from_two_digits() -> None:
    # Every handler sympy may reach first (its order depends on the hash seed) must answer.
    for f in (softplus(C), sigmoid(C), softplus(a), sigmoid(a)):
        assert f._eval_is_extended_positive() is True
        assert f._eval_is_positive() is True
        assert f._eval_is_zero() is False
        assert f._eval_is_extended_negative() is False
        assert f.is_zero is False
        assert f.is_positive is True
        assert f.is_real is True
    assert sigmoid(a).is_integer is False
    assert exp(C + softplus(C)).args[0] == C + softplus(C)
    z = sympy.Symbol("z")
    assert sigmoid(z).is_real is None  # sigmoid(2*pi*I) = 1/2: a complex argument decides nothing
    assert softplus(z).is_positive is None


def test_identity_through_softplus_is_not_refuted() -> None:
    table = SymbolTable({"x": "real"})
    x = table.symbol("x")
    shifted = x + softplus(x)
    problem = Problem(lhs=sigmoid(-shifted), rhs=1 - sigmoid(shifted), symbols=table, relation=Relation.EQ)
    assert check_numeric(problem, Settings(timeout=10, seed=0)).verdict is Verdict.VERIFIED
    result = derive.check("sigmoid(-(x + softplus(x))) == 1 - sigmoid(x + softplus(x))", {"x": "real"}, seed=0)
    assert result.verdict in (Verdict.PROVED, Verdict.VERIFIED)
    wrong = derive.check(
        "sigmoid(-(x + softplus(x))) == 1 - sigmoid(x + softplus(x)) + exp(-40)", {"x": "real"}, seed=0
    )
    assert wrong.verdict is Verdict.REFUTED


def test_logit_keeps_relative_accuracy_where_it_cancels() -> None:
    half = sympy.Rational(1, 2)
    eps = sympy.Rational(1, 10**60)
    with mpmath.workdps(120):
        for p, digits in ((half + eps, 20), (1 - eps, 20), (eps, 20), (sympy.Rational(1, 3), 40)):
            pm = mpmath.mpf(p.p) / p.q
            expected = mpmath.log(pm / (1 - pm))
            value = logit(p).evalf(digits)
            assert abs(_mp(value) / expected - 1) < mpmath.mpf(10) ** (2 - digits)
    assert logit(sympy.Rational(3, 2)).evalf(15).as_real_imag()[1] != 0  # log of a negative number


def test_logit_is_real_only_where_the_argument_is_provably_in_the_unit_interval() -> None:
    q = sympy.Symbol("q", positive=True)
    assert logit(sympy.Rational(1, 3)).is_real is True
    assert logit(sympy.Rational(1, 3)).is_negative is True
    assert logit(sympy.Rational(2, 3)).is_positive is True
    assert logit(a).is_real is None
    assert logit(sympy.Rational(3, 2)).is_real is None
    assert logit(q).is_real is None  # q > 1 is allowed: log of a negative number
    assert logit(sigmoid(a)).is_real is True  # the sigmoid's range is (0, 1)
    assert logit(sigmoid(sympy.I)).is_real is None
