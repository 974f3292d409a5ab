"""The symbolic tier: proofs, refutations and honest undecided answers, with their evidence."""

from __future__ import annotations

import pytest
import sympy
from sympy import Rational, cos, diff, exp, log, sin, tanh

from derive.distributions import MultivariateNormal, Normal
from derive.functions import KL, Expectation, sigmoid, softplus
from derive.model import Method, Problem, Relation, Settings, Verdict
from derive.symbolic import check_symbolic, prove_zero
from derive.symbols import SymbolTable


def check(lhs, rhs, relation=Relation.EQ, table=None, random=()):
    problem = Problem(lhs=lhs, rhs=rhs, relation=relation, symbols=table or SymbolTable({}), random=random)
    outcome = check_symbolic(problem, Settings(timeout=20))
    assert outcome.evidence.method is Method.SYMBOLIC
    return outcome


@pytest.fixture
def t() -> SymbolTable:
    return SymbolTable(
        {
            "a": "real",
            "x": "real",
            "y": "real",
            "mu": "real",
            "sigma": "positive",
            "A": "matrix 3x3",
            "B": "matrix 3x3",
            "P": "matrix 2x2",
            "Q": "matrix 2x2",
            "C": "matrix 2x3",
        }
    )


def test_sigmoid_gradient_of_log_one_minus(t) -> None:
    a = t.symbol("a")
    out = check(diff(log(1 - sigmoid(a)), a), -sigmoid(a), table=t)
    assert out.verdict is Verdict.PROVED
    assert out.evidence.difference == "0"
    assert out.evidence.route


def test_sigmoid_gradient_of_minus_log(t) -> None:
    a = t.symbol("a")
    assert check(diff(-log(sigmoid(a)), a), sigmoid(a) - 1, table=t).verdict is Verdict.PROVED


def test_tanh_sigmoid_identity_goes_through_exp(t) -> None:
    x = t.symbol("x")
    out = check(tanh(x), 2 * sigmoid(2 * x) - 1, table=t)
    assert out.verdict is Verdict.PROVED
    assert "rewrite(exp)" in out.evidence.route


def test_softplus_difference(t) -> None:
    x = t.symbol("x")
    assert check(softplus(x) - softplus(-x), x, table=t).verdict is Verdict.PROVED


def test_hessian_determinant_of_saddle(t) -> None:
    x, y = t.symbol("x"), t.symbol("y")
    assert check(sympy.hessian(x * y, (x, y)).det(), -1, table=t).verdict is Verdict.PROVED


def test_trace_is_cyclic_for_explicit_matrices(t) -> None:
    A, B, P, Q = (t.symbol(n) for n in "ABPQ")
    assert check((A * B).trace(), (B * A).trace(), table=t).verdict is Verdict.PROVED
    assert check((P * Q).trace(), (Q * P).trace(), table=t).verdict is Verdict.PROVED


def test_transpose_of_product_reverses_order(t) -> None:
    P, Q = t.symbol("P"), t.symbol("Q")
    assert check((P * Q).T, Q.T * P.T, table=t).verdict is Verdict.PROVED
    wrong = check((P * Q).T, P.T * Q.T, table=t)
    assert wrong.verdict is not Verdict.PROVED
    assert wrong.evidence.difference is not None


def test_pythagoras_off_by_one_is_refuted_with_difference(t) -> None:
    x = t.symbol("x")
    out = check(sin(x) ** 2 + cos(x) ** 2, 2, table=t)
    assert out.verdict is Verdict.REFUTED
    assert out.evidence.difference == "-1"


def test_square_is_nonnegative_and_exp_positive(t) -> None:
    x = t.symbol("x")
    assert check(x**2, 0, Relation.GE, table=t).verdict is Verdict.PROVED
    assert check(exp(x), 0, Relation.GT, table=t).verdict is Verdict.PROVED
    assert check(0, exp(x), Relation.LT, table=t).verdict is Verdict.PROVED


def test_inequality_by_factoring(t) -> None:
    x = t.symbol("x")
    out = check(x**2 + 1, 2 * x, Relation.GE, table=t)
    assert out.verdict is Verdict.PROVED
    assert out.evidence.route.startswith("sign:")


def test_inequality_of_wrong_sign_is_refuted(t) -> None:
    x = t.symbol("x")
    assert check(x + 1, x, Relation.LE, table=t).verdict is Verdict.REFUTED
    assert check(x, x, Relation.LT, table=t).verdict is Verdict.REFUTED
    assert check(x, x, Relation.LE, table=t).verdict is Verdict.PROVED


def test_inequality_with_unknown_sign_is_left_to_numerics(t) -> None:
    x = t.symbol("x")
    out = check(x, 1, Relation.LE, table=t)
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.difference is not None


def test_shape_mismatch_is_refuted(t) -> None:
    C = t.symbol("C")
    out = check(C, C.T, table=t)
    assert out.verdict is Verdict.REFUTED
    assert out.evidence.route == "shape"
    assert "2x3" in out.evidence.summary
    assert check(C, 1, table=t).verdict is Verdict.REFUTED


def test_one_by_one_matrix_compares_as_scalar_and_zero_as_zero_matrix(t) -> None:
    x = t.symbol("x")
    assert check(sympy.ImmutableMatrix([[x + 1]]), x + 1, table=t).verdict is Verdict.PROVED
    P = t.symbol("P")
    assert check(P - P, 0, table=t).verdict is Verdict.PROVED


def test_gaussian_kl_univariate_closed_form(t) -> None:
    m1, m2 = sympy.symbols("m1 m2", real=True)
    s1, s2 = sympy.symbols("s1 s2", positive=True)
    rhs = log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - Rational(1, 2)
    out = check(KL(Normal(m1, s1**2), Normal(m2, s2**2)), rhs, table=t)
    assert out.verdict is Verdict.PROVED
    wrong = check(KL(Normal(m1, s1**2), Normal(m2, s2**2)), rhs + Rational(1, 2), table=t)
    assert wrong.verdict is Verdict.REFUTED


def test_reparameterised_second_moment(t) -> None:
    mu, sigma = t.symbol("mu"), t.symbol("sigma")
    eps = t.symbol("eps")
    random = ((eps, Normal(0, 1)),)
    out = check(Expectation((mu + sigma * eps) ** 2), mu**2 + sigma**2, table=t, random=random)
    assert out.verdict is Verdict.PROVED
    off = check(Expectation((mu + sigma * eps) ** 2), mu**2 + sigma, table=t, random=random)
    assert off.verdict is not Verdict.PROVED


def test_quadratic_form_expectation_for_a_2d_gaussian() -> None:
    t = SymbolTable({"x": "vector 2", "m": "vector 2", "S": "spd matrix 2x2", "A": "matrix 2x2"})
    x, m, S, A = (t.symbol(n) for n in "xmSA")
    random = ((x, MultivariateNormal(m, S)),)
    rhs = (A * S).trace() + (m.T * A * m)[0, 0]
    assert check(Expectation(x.T * A * x), rhs, table=t, random=random).verdict is Verdict.PROVED
    assert check(Expectation(x.T * A * x), (A * S).trace(), table=t, random=random).verdict is not Verdict.PROVED


def test_mvn_kl_with_log_determinants_split_by_spd_positivity() -> None:
    t = SymbolTable({"m1": "vector 2", "m2": "vector 2", "S1": "spd matrix 2x2", "S2": "spd matrix 2x2"})
    m1, m2, S1, S2 = (t.symbol(n) for n in ("m1", "m2", "S1", "S2"))
    d = m2 - m1
    rhs = ((S2.inv() * S1).trace() + (d.T * S2.inv() * d)[0, 0] - 2 + log(S2.det()) - log(S1.det())) / 2
    out = check(KL(MultivariateNormal(m1, S1), MultivariateNormal(m2, S2)), rhs, table=t)
    assert out.verdict is Verdict.PROVED
    assert "expand_log" in out.evidence.route


def test_approx_relation_is_left_to_numerics(t) -> None:
    out = check(sympy.pi, Rational(22, 7), Relation.APPROX, table=t)
    assert out.verdict is Verdict.UNDECIDED
    assert "numerically" in out.evidence.reason


def test_near_miss_constants_are_refuted_not_accepted() -> None:
    out = check(exp(sympy.pi * sympy.sqrt(163)), 640320**3 + 744)
    assert out.verdict is Verdict.REFUTED
    assert "e-13" in out.evidence.summary.lower()
    assert check(sympy.pi, Rational(355, 113)).verdict is Verdict.REFUTED


def test_algebraic_identity_between_constants_is_proved() -> None:
    out = check(sympy.sqrt(2) + sympy.sqrt(3), sympy.sqrt(5 + 2 * sympy.sqrt(6)))
    assert out.verdict is Verdict.PROVED


def test_piecewise_functions(t) -> None:
    x = t.symbol("x")
    assert check(sympy.Max(x, 0) + sympy.Min(x, 0), x, table=t).verdict is Verdict.PROVED


def test_integrals_are_evaluated_when_needed(t) -> None:
    x = t.symbol("x")
    assert check(sympy.Integral(x**2, (x, 0, 1)), Rational(1, 3), table=t).verdict is Verdict.PROVED
    out = check(sympy.Integral(x**2, (x, 0, 1)), Rational(1, 2), table=t)
    assert out.verdict is Verdict.REFUTED
    assert out.evidence.difference == "-1/6"


def test_unevaluated_expectation_is_undecided_with_reason(t) -> None:
    eps = t.symbol("eps")
    out = check(
        Expectation(sympy.Abs(sympy.sin(eps)) ** Rational(1, 3) * sigmoid(eps)),
        Rational(1, 3),
        table=t,
        random=((eps, Normal(0, 1)),),
    )
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.reason == "expectation not evaluated symbolically"


def test_prove_zero_reports_route_and_difference() -> None:
    x = sympy.Symbol("x", real=True)
    r = prove_zero(sigmoid(x) + sigmoid(-x) - 1)
    assert r.status == "zero"
    assert r.route is not None
    r = prove_zero(x**2 + 1)
    assert r.status == "nonzero"  # sympy proves x**2 + 1 != 0 for every real x
    r = prove_zero(x - 1)
    assert r.status == "unknown"
    assert r.difference == x - 1


def test_time_budget_makes_slow_claims_undecided_not_hung() -> None:
    x = sympy.Symbol("x", real=True)
    hard = sympy.Integral(exp(-(x**4)) * sympy.sin(x) ** 2 * log(1 + x**2) * sympy.atan(x), (x, 0, sympy.oo))
    problem = Problem(lhs=hard, rhs=Rational(1, 3), relation=Relation.EQ, symbols=SymbolTable({}))
    out = check_symbolic(problem, Settings(timeout=2))
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.reason in ("integral not evaluated symbolically", "symbolic time budget exhausted")
    assert "Integral" in out.evidence.difference
