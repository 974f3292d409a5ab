"""The ML functions derive adds to sympy."""

from __future__ import annotations

import mpmath
import sympy
from sympy import exp, log, tanh

from derive.functions import JS, KL, W1, Expectation, logit, sigmoid, softplus

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
