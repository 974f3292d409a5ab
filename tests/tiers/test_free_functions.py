"""The "for every function" check of the numeric tier (derive.tiers._free_functions).

When the only obstacle to evaluating a step is an unknown function (f, g, p(x | theta) read as
p(x, given(theta)), ...), each such function is replaced by random concrete interpretations, drawn from
several different families at once (mixtures of exp(a t - b t^2), sin(c t + d), r / (1 + s (t - e)^2) and a
polynomial of degree >= 5; for several arguments, sums and products in each argument plus asymmetric cross
terms), and the step is evaluated at the numeric tier's points. A step that holds for every interpretation is
verified, and the evidence says for every function and which families; a step that fails for one is never
refuted (the text may mean a particular function) but left undecided with what to state.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
import sympy

import derive
from derive.language.symbols import SymbolTable
from derive.model import Problem, Relation, Settings, Verdict
from derive.tiers import _free_functions as ff
from derive.tiers.numeric import check_numeric

x, y, z, u, th = sympy.symbols("x y z u theta", real=True)
i = sympy.Symbol("i", integer=True)
f, g, p, given = sympy.Function("f"), sympy.Function("g"), sympy.Function("p"), sympy.Function("given")
ACCEPTS = (Verdict.VERIFIED, Verdict.PROVED)


def _check(lhs: sympy.Basic, rhs: sympy.Basic, *, timeout: float = 600, random: tuple = ()) -> object:
    # a generous timeout: an upper bound, spent only on a busy machine (each interpretation is a full numeric run)
    problem = Problem(lhs=lhs, rhs=rhs, relation=Relation.EQ, symbols=SymbolTable(), random=random)
    return ff.for_every_function(lhs, rhs, problem, Settings(timeout=timeout), time.perf_counter())


def _whole(lhs: sympy.Basic, rhs: sympy.Basic) -> object:
    problem = Problem(lhs=lhs, rhs=rhs, relation=Relation.EQ, symbols=SymbolTable())
    return check_numeric(problem, Settings(timeout=60))


def _d(expr: sympy.Basic, var: sympy.Symbol) -> sympy.Basic:
    return sympy.Derivative(expr, var)


# --- steps that hold for every function -----------------------------------------------------------


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        # the log-derivative, written with the derivative unevaluated on one side only
        (_d(-sympy.log(f(th) ** 2 + 1), th), -2 * f(th) * _d(f(th), th) / (f(th) ** 2 + 1)),
        # the chain rule through an argument: f'(x^2) is the derivative of the same f at x^2
        (_d(f(x**2) * g(x), x), 2 * x * sympy.Subs(_d(f(u), u), u, x**2) * g(x) + f(x**2) * _d(g(x), x)),
        # integration by parts: f and f' of one function
        (sympy.Integral(x * _d(f(x), x), (x, 0, 1)), f(1) - sympy.Integral(f(x), (x, 0, 1))),
        # two arguments: the derivative in the second one only
        (_d(f(x, y) ** 2, y), 2 * f(x, y) * _d(f(x, y), y)),
    ],
)
def test_a_step_that_holds_for_every_function_is_verified_and_says_so(lhs, rhs):
    out = _check(lhs, rhs)
    assert out is not None and out.verdict is Verdict.VERIFIED, out and out.evidence.summary
    summary = out.evidence.summary
    assert "holds for every function" in summary and "random analytic interpretations" in summary
    assert "families:" in summary and ("points each" in summary or "no free symbols" in summary)
    assert "polynomial of degree" in summary and "sin(" in summary  # the families are named


def test_a_density_under_a_log_is_positive_and_its_conditional_is_a_function_of_both_arguments():
    lhs = sympy.log(p(x, given(th)) * p(th))
    rhs = sympy.log(p(x, given(th))) + sympy.log(p(th))
    out = _check(lhs, rhs)
    assert out is not None and out.verdict is Verdict.VERIFIED, out and out.evidence.summary
    assert "p positive (a density or likelihood, positive where its log is taken)" in out.evidence.summary
    # -d/dtheta log p(x | theta) = -p'/p: the conditional's derivative in its conditioning argument
    out = _check(_d(-sympy.log(p(x, given(th))), th), -_d(p(x, given(th)), th) / p(x, given(th)))
    assert out is not None and out.verdict is Verdict.VERIFIED, out and out.evidence.summary


def test_only_a_density_name_with_a_bar_is_positive():
    yy = sympy.Function("y")
    # y(x | w): a regression function of its parameters, which may be negative
    out = _check(sympy.sqrt(yy(x, given(th)) ** 2), yy(x, given(th)))
    assert out is not None and out.verdict is Verdict.UNDECIDED, out and out.evidence.summary
    # p(x | theta): a conditional density, positive (said in the evidence, which the reader may doubt)
    out = _check(sympy.sqrt(p(x, given(th)) ** 2), p(x, given(th)))
    assert out is not None and out.verdict is Verdict.VERIFIED, out and out.evidence.summary
    assert "; p positive (a density" in out.evidence.summary


def test_a_log_of_a_product_over_a_sample_is_the_sum_of_logs():
    xs = sympy.symbols("x_1:4", real=True)
    lhs = sympy.log(sympy.Mul(*(p(xk, given(th)) for xk in xs)))
    rhs = sympy.Add(*(sympy.log(p(xk, given(th))) for xk in xs))
    out = _check(lhs, rhs)
    assert out is not None and out.verdict is Verdict.VERIFIED, out and out.evidence.summary


# --- attacks: identities that hold only for particular functions ---------------------------------

# One tuple of plain names per function at most (f(x) and f(y) together get no interpretation at all, see
# test_applications_at_two_letters_get_no_interpretation), so that each claim reaches the interpretations.
_PARTICULAR = [
    (f(x + x**2), f(x) + f(x**2)),  # additive f only
    (f(-x), f(x)),  # even f only
    (f(x), f(x) ** 2),  # f in {0, 1}
    (_d(f(x), x), f(x)),  # f = c e^x
    (f(2 * x), 2 * f(x)),  # linear f
    (f(x) + sympy.Rational(1, 10**40), f(x)),  # a tiny gap
    (f(x, 2 * y), f(2 * y, x)),  # symmetric f only
    (f(x), g(x)),  # two functions nothing makes equal
    (sympy.log(f(x) ** 2), 2 * sympy.log(f(x))),  # false where f < 0: no positivity for a general f
    (sympy.sqrt(p(x) ** 2), p(x)),  # p not under a log: it may be a polynomial, not positive
    (f(x, y + 1), f(x, 1) + f(0, y + 1) - f(0, 1)),  # f a sum of functions of one argument each
]
#: Identities that hold for every function of one family (the test after checks that they do).
_FAMILY_ONLY = [
    # a fifth difference vanishes for every polynomial of degree <= 4
    (sum((-1) ** k * sympy.binomial(5, k) * f(x + k) for k in range(6)), sympy.Integer(0)),
    # f(x+1)^2 / (f(x) f(x+2)) = e^{-2b} for every exp(a t + b t^2): it does not depend on x
    (f(x + 1) ** 2 * f(2 * x) * f(2 * x + 2), f(2 * x + 1) ** 2 * f(x) * f(x + 2)),
    # f(x+1) + f(x-1) = 2 cos(c) f(x) for every sin(c t + d)
    ((f(x + 1) + f(x - 1)) * f(2 * x), (f(2 * x + 1) + f(2 * x - 1)) * f(x)),
    # a second difference is constant for every quadratic
    (f(x + 2) - 2 * f(x + 1) + f(x), f(2 * x + 2) - 2 * f(2 * x + 1) + f(2 * x)),
]


@pytest.mark.parametrize(("lhs", "rhs"), _PARTICULAR + _FAMILY_ONLY)
def test_a_step_true_only_for_particular_functions_is_never_verified_and_says_so(lhs, rhs):
    out = _check(lhs, rhs)
    assert out is not None and out.verdict is Verdict.UNDECIDED, out and out.evidence.summary
    summary = out.evidence.summary
    assert "holds only for particular" in summary and "say what" in summary, summary
    assert "for every function" not in summary


def test_the_family_only_identities_do_hold_for_their_family():
    t, a, b, c, d = sympy.symbols("t a b c d", real=True)
    families = [sympy.Lambda(t, sum(sympy.Symbol(f"c{k}") * t**k for k in range(5)))]
    families += [sympy.Lambda(t, sympy.exp(a * t + b * t**2)), sympy.Lambda(t, sympy.sin(c * t + d))]
    families += [sympy.Lambda(t, a * t**2 + b * t + c)]
    for (lhs, rhs), family in zip(_FAMILY_ONLY, families, strict=True):
        diff = (lhs - rhs).replace(lambda e: e.func == f, lambda e, fam=family: fam(*e.args))
        assert sympy.simplify(sympy.expand_trig(sympy.expand(sympy.powsimp(diff)))) == 0


def test_applications_at_two_letters_get_no_interpretation():
    # f(x) and f(y): E(m), E(b) of a bare E, or p(x), p(y) two densities in the generic notation
    assert _check(f(x + y), f(x) + f(y)) is None


@pytest.mark.parametrize(("lhs", "rhs"), _PARTICULAR[:8])
def test_a_failing_interpretation_never_refutes_and_asks_what_f_is(lhs, rhs):
    out = _whole(lhs, rhs)
    assert out.verdict is Verdict.UNDECIDED, out.evidence.summary
    assert out.evidence.counterexample is None
    assert "holds only for particular" in out.evidence.summary
    assert "say what" in out.evidence.summary


def test_the_sum_with_a_shadowed_index_is_not_rearranged():
    # i is bound in the sum and free outside: moving it out is wrong for every f but the constant ones
    lhs = sympy.Sum(i * f(i), (i, 1, 3))
    rhs = i * sympy.Sum(f(i), (i, 1, 3))
    out = _check(lhs, rhs)
    assert out is None or out.verdict is Verdict.UNDECIDED


# --- readings an interpretation could not stand for --------------------------------------------


def test_no_interpretation_for_a_matrix_argument_a_misplaced_condition_or_a_random_variable():
    w = sympy.MatrixSymbol("w", 2, 1)
    assert _check(f(w[0, 0]) + f(w[1, 0]), f(w[1, 0]) + f(w[0, 0])) is None
    assert _check(p(given(th), x), p(given(th), x)) is None  # a condition that is not the last argument
    assert _check(f(x + given(y)) + 1, 1 + f(x + given(y))) is None  # a condition inside an argument
    assert _check(f(x) * 2, 2 * f(x), random=((x, None),)) is None  # x a random variable: f(x) no number


def test_entries_of_a_sample_are_one_function_only_where_they_are_free():
    x1, x2 = sympy.symbols("x_1 x_2", real=True)
    assert ff._arities(p(x1, given(th)) + p(x2, given(th))) is None  # given: flattened first in the check
    flat = ff._flattened(sympy.log(p(x1, given(th)) * p(x2, given(th))), sympy.Integer(0))
    assert flat is not None and ff._arities(*flat[0]) is not None
    # bound by integrals: two marginals p(x_1), p(x_2) would make these differ, one function makes them equal
    same = (sympy.Integral(p(x1) * x1, (x1, 0, 1)), sympy.Integral(p(x2) * x2, (x2, 0, 1)))
    assert ff._arities(*same) is None
    assert _check(*same) is None
    # under derivatives: a bare E under d/dw_1 and d/dw_2 is a function of both
    w1, w2 = sympy.symbols("w_1 w_2", real=True)
    assert ff._arities(_d(f(w1), w1), _d(f(w2), w2)) is None


def test_inequalities_get_no_interpretations():
    problem = Problem(lhs=f(x) ** 2, rhs=sympy.Integer(0), relation=Relation.GE, symbols=SymbolTable())
    assert ff.for_every_function(f(x) ** 2, sympy.Integer(0), problem, Settings(), time.perf_counter()) is None


# --- the families ------------------------------------------------------------------------------


def _at(lam: sympy.Lambda, *values: object) -> float:
    return float(sympy.N(lam(*[sympy.nsimplify(v) for v in values]), 30))


def test_an_interpretation_mixes_every_family_and_has_a_high_degree_polynomial():
    rng = np.random.default_rng(3)
    for turn in range(4):
        lam = ff.interpretation(rng, 1, positive=False, turn=turn)
        body = lam.expr
        assert body.has(sympy.exp) and body.has(sympy.sin)
        (t,) = lam.variables
        poly_part = [a for a in sympy.Add.make_args(body) if a.is_polynomial(t)]
        assert sympy.degree(sympy.Add(*poly_part), t) >= 5
        assert any(isinstance(a, sympy.Pow) and a.exp == -1 for a in sympy.preorder_traversal(body))


def test_an_interpretation_of_two_arguments_is_not_symmetric_and_not_separable():
    rng = np.random.default_rng(5)
    for turn in range(4):
        lam = ff.interpretation(rng, 2, positive=False, turn=turn)
        assert abs(_at(lam, 0.3, 1.7) - _at(lam, 1.7, 0.3)) > 1e-6
        # f(a, b) + f(c, d) != f(a, d) + f(c, b): not a sum of functions of one argument each
        mixed = _at(lam, 0.3, 1.1) + _at(lam, -0.8, 2.0) - _at(lam, 0.3, 2.0) - _at(lam, -0.8, 1.1)
        assert abs(mixed) > 1e-6


def test_positive_interpretations_are_positive_near_and_far():
    rng = np.random.default_rng(11)
    for turn in range(4):
        for arity in (1, 2, 3):
            lam = ff.interpretation(rng, arity, positive=True, turn=turn)
            for point in ((0.1,), (-3.0,), (40.0,), (-900.0,)):
                value = sympy.N(lam(*([sympy.nsimplify(point[0])] * arity)), 40)
                assert value.is_positive, (lam, point)


def test_interpretations_differ_from_turn_to_turn():
    rng = np.random.default_rng(0)
    a = ff.interpretation(rng, 1, positive=False, turn=0)
    b = ff.interpretation(rng, 1, positive=False, turn=1)
    assert abs(_at(a, 0.4) - _at(b, 0.4)) > 1e-9


# --- through the LaTeX reader ----------------------------------------------------------------------


def _one(doc: str) -> derive.CheckResult:
    return derive.check_latex(doc, timeout=40)[-1]


def test_a_function_the_text_defines_is_substituted_not_randomised():
    doc = "Let $f(x) = 3x$.\n\n$$f(x + y) = f(x) + f(y)$$\n"
    result = _one(doc)
    assert result.verdict in ACCEPTS, result.detail
    assert "for every function" not in result.detail


def test_a_doubling_law_of_an_unknown_function_is_left_open_through_the_reader():
    result = _one("$$f(2x) = 2 f(x)$$\n")
    assert result.verdict is Verdict.UNDECIDED, result.detail
    assert "holds only for particular f" in result.detail
