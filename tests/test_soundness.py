"""Soundness audit of the symbolic tier (issue 7): no rewrite may prove a false step.

Each test here is a step that an unsound rewrite (``expand_log(force=True)``,
``sqrt(x**2) -> x``, ``powdenest(force=True)``, commuting matrix factors) would "prove".
With real (not positive) symbols the tier must not say PROVED; with the assumptions that
make the step true it should.
"""

from __future__ import annotations

import sympy
from hypothesis import given
from hypothesis import strategies as st
from sympy import Rational, exp, log, sqrt

from derive.language.functions import sigmoid, softplus
from derive.language.symbols import SymbolTable
from derive.model import Problem, Relation, Settings, Verdict
from derive.tiers.symbolic import check_symbolic

SETTINGS = Settings(timeout=10)


def verdict(lhs, rhs, table: SymbolTable, relation: Relation = Relation.EQ) -> Verdict:
    return check_symbolic(Problem(lhs=lhs, rhs=rhs, relation=relation, symbols=table), SETTINGS).verdict


def test_log_of_product_needs_positivity() -> None:
    real = SymbolTable({"a": "real", "b": "real"})
    a, b = real.symbol("a"), real.symbol("b")
    assert verdict(log(a * b), log(a) + log(b), real) is not Verdict.PROVED
    positive = SymbolTable({"a": "positive", "b": "positive"})
    a, b = positive.symbol("a"), positive.symbol("b")
    assert verdict(log(a * b), log(a) + log(b), positive) is Verdict.PROVED


def test_sqrt_of_square_is_abs_not_identity() -> None:
    real = SymbolTable({"x": "real"})
    x = real.symbol("x")
    assert verdict(sqrt(x**2), x, real) is not Verdict.PROVED
    assert verdict(sqrt(x**2), sympy.Abs(x), real) is Verdict.PROVED
    positive = SymbolTable({"x": "positive"})
    x = positive.symbol("x")
    assert verdict(sqrt(x**2), x, positive) is Verdict.PROVED


def test_transpose_of_product_does_not_keep_order() -> None:
    t = SymbolTable({"A": "matrix 2x2", "B": "matrix 2x2"})
    A, B = t.symbol("A"), t.symbol("B")
    assert verdict((A * B).T, A.T * B.T, t) is not Verdict.PROVED
    assert verdict(A * B, B * A, t) is not Verdict.PROVED


def test_log_of_square_needs_positivity() -> None:
    real = SymbolTable({"x": "real"})
    x = real.symbol("x")
    assert verdict(log(x**2), 2 * log(x), real) is not Verdict.PROVED
    positive = SymbolTable({"x": "positive"})
    x = positive.symbol("x")
    assert verdict(log(x**2), 2 * log(x), positive) is Verdict.PROVED


def test_power_rules_need_positivity() -> None:
    # exp(log(x)) == x is true for every nonzero x (sympy even evaluates it on sight), so the
    # false power rules are tested instead: x=-1, y=2, z=1/2 and x=y=-1 are counterexamples.
    real = SymbolTable({"x": "real", "y": "real", "z": "real"})
    x, y, z = (real.symbol(n) for n in "xyz")
    assert verdict((x**y) ** z, x ** (y * z), real) is not Verdict.PROVED
    assert verdict(sqrt(x * y), sqrt(x) * sqrt(y), real) is not Verdict.PROVED
    assert verdict(log(x / y), log(x) - log(y), real) is not Verdict.PROVED


def test_log_of_determinant_splits_only_for_spd() -> None:
    spd = SymbolTable({"S": "spd matrix 2x2", "T": "spd matrix 2x2"})
    S, T = spd.symbol("S"), spd.symbol("T")
    assert verdict(log(S.det() * T.det()), log(S.det()) + log(T.det()), spd) is Verdict.PROVED
    general = SymbolTable({"S": "matrix 2x2", "T": "matrix 2x2"})
    S, T = general.symbol("S"), general.symbol("T")
    assert verdict(log(S.det() * T.det()), log(S.det()) + log(T.det()), general) is not Verdict.PROVED


def test_inequalities_are_not_proved_from_partial_knowledge() -> None:
    real = SymbolTable({"x": "real"})
    x = real.symbol("x")
    assert verdict(x, x**2, real, Relation.LE) is not Verdict.PROVED  # fails at x = 1/2
    assert verdict(log(1 + x**2), x, real, Relation.LE) is not Verdict.PROVED  # fails at x = -1


# ---------------------------------------------------------------------------------------
# Property: an expression and the same expression plus a nonzero constant are never proved
# equal, even after one side is rewritten by a true identity; and a true rewrite alone is
# never refuted.

_TABLE = SymbolTable({"x": "real", "y": "real", "p": "positive"})
_X, _Y, _P = _TABLE.symbol("x"), _TABLE.symbol("y"), _TABLE.symbol("p")

_leaves = st.sampled_from([_X, _Y, _P, Rational(1, 2), sympy.Integer(2), sympy.Integer(-3)])


def _combine(children: st.SearchStrategy) -> st.SearchStrategy:
    unary = st.sampled_from([exp, sigmoid, softplus, sympy.sin, sympy.tanh, lambda e: e**2, lambda e: log(1 + e**2)])
    binary = st.sampled_from([sympy.Add, sympy.Mul, lambda a, b: a - b, lambda a, b: a / (1 + b**2)])
    return st.one_of(
        st.builds(lambda f, e: f(e), unary, children),
        st.builds(lambda f, a, b: f(a, b), binary, children, children),
    )


_expressions = st.recursive(_leaves, _combine, max_leaves=5)

_TRUE_REWRITES = [
    ("identity", lambda e: e),
    ("expand", sympy.expand),
    ("rewrite(exp)", lambda e: e.rewrite([sigmoid, softplus, sympy.tanh], sympy.exp)),
    ("together", sympy.together),
    ("expand_log", lambda e: sympy.expand_log(e, force=False)),
]
_constants = st.sampled_from([Rational(1, 7), sympy.Integer(-1), Rational(-3, 2), log(2), sqrt(2), sympy.pi / 100])


@given(_expressions, st.sampled_from(_TRUE_REWRITES), _constants)
def test_expression_plus_nonzero_constant_is_never_proved(e, rewrite, c) -> None:
    _name, fn = rewrite
    assert verdict(e, fn(e) + c, _TABLE) is not Verdict.PROVED


@given(_expressions, st.sampled_from(_TRUE_REWRITES))
def test_true_rewrite_is_never_refuted(e, rewrite) -> None:
    _name, fn = rewrite
    assert verdict(e, fn(e), _TABLE) is not Verdict.REFUTED


def test_divergent_gaussian_type_integral_is_never_proved() -> None:
    # The formula √(π/a) e^{b²/4a} continues analytically to a < 0, where the integral
    # diverges: ∫ e^{t²/4} dt is not 2i√π (or anything finite).
    t = sympy.Symbol("t", real=True)
    table = SymbolTable({})
    divergent = sympy.Integral(exp(t**2 / 4), (t, -sympy.oo, sympy.oo))
    assert verdict(divergent, 2 * sympy.I * sqrt(sympy.pi), table) is not Verdict.PROVED
    assert verdict(divergent, 2 * sqrt(sympy.pi), table) is not Verdict.PROVED


def test_delta_on_an_end_point_is_not_given_a_convention() -> None:
    # ∫_{-2}^{-1} δ(x + 1) dx is 1/2 by sympy's convention, 0 or 1 by others: no proof of any.
    x = sympy.Symbol("x", real=True)
    table = SymbolTable({"x": "real"})
    at_end = sympy.Integral(sympy.DiracDelta(x + 1), (x, -2, -1))
    for value in (0, Rational(1, 2), 1):
        assert verdict(at_end, value, table) is not Verdict.PROVED


def test_numeric_tier_never_refutes_identities_where_softplus_underflows() -> None:
    # softplus(x) for x near -17 is below the 2-digit working precision of sympy's sign
    # checks; evaluating it as 0 once rebuilt exp(x + softplus(x)) as exp(x) and refuted these.
    from derive.tiers.numeric import check_numeric  # noqa: PLC0415 - this file is append-only here

    table = SymbolTable({"x": "real"})
    x = table.symbol("x")
    a = x + softplus(x)
    pairs = [
        (sigmoid(-a), 1 - sigmoid(a)),
        (exp(a), exp(a).rewrite([sigmoid, softplus], exp)),
        (softplus(x - 20), log(1 + exp(x - 20))),
        (sigmoid(x - 40) * (1 + exp(40 - x)), sympy.Integer(1)),
    ]
    for seed in range(3):
        for lhs, rhs in pairs:
            problem = Problem(lhs=lhs, rhs=rhs, relation=Relation.EQ, symbols=table)
            outcome = check_numeric(problem, Settings(timeout=10, seed=seed))
            assert outcome.verdict is Verdict.VERIFIED, (lhs, rhs, outcome.evidence)
