"""What would settle an expectation step through an unknown function's value (ESL's ``f(x_0)`` under
``E_T``): the detail names the application, in both readings of ``E[a - b]^2``; never a proof.

Attacks: an application that would not settle it, one reading only, an application outside every
operator, the conditioning mark ``given(...)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from derive.model import Evidence, Method, Outcome, Relation, Verdict
from derive.tiers._linearity import by_linearity, expectation_operator

ET = expectation_operator("E_{T}")
GIVEN = sympy.Function("given")
f = sympy.Function("f")
x0, y = sympy.symbols("x_0 y", real=True)
F = f(x0)
_LIGHT = Outcome(Verdict.UNDECIDED, Evidence(Method.SYMBOLIC, "could not prove lhs - rhs = 0"))
_HINT = (
    "could not prove lhs - rhs = 0; by linearity of expectation it holds if f(x_0) is not random under the "
    "expectation (a fixed function at fixed points), which nothing states"
)


@dataclass
class _Problem:
    relation: Relation = Relation.EQ


def _run(lhs: sympy.Expr, rhs: sympy.Expr) -> Outcome:
    return by_linearity(_Problem(), (lhs, rhs), _LIGHT, lambda d: d == 0)


def test_a_fixed_value_of_an_unknown_function_is_named():
    out = _run(ET(F * y), F * ET(y))
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.summary == _HINT


def test_bias_variance_in_both_readings_of_the_square():
    # ESL: E_T[f - y]^2 = E_T[y - E_T y]^2 + [E_T y - f]^2 holds reading E[u]^2 either way, if f(x_0) is fixed
    out = _run(ET(F - y) ** 2, ET(y - ET(y)) ** 2 + (ET(y) - F) ** 2)
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.summary == _HINT + " (reading E[a - b]^2 either way)"


def test_no_hint_when_one_reading_fails_or_nothing_settles():
    # E_T[f - y]^2 = (f - E_T y)^2 holds reading (E[u])^2 only: no hint
    assert _run(ET(F - y) ** 2, (F - ET(y)) ** 2).evidence.summary == _LIGHT.evidence.summary
    # f(x_0) fixed or not, E_T[f y] is not E_T[y]
    assert _run(ET(F * y), ET(y)).evidence.summary == _LIGHT.evidence.summary
    # an application outside every operator is no candidate; the marks of the reader are none either
    assert _run(ET(y) * F, F * ET(y, GIVEN(x0))).evidence.summary == _LIGHT.evidence.summary


def test_a_hint_is_never_a_proof():
    for sides in ((ET(F * y), F * ET(y)), (ET(F - y) ** 2, ET(y - ET(y)) ** 2 + (ET(y) - F) ** 2)):
        assert _run(*sides).verdict is Verdict.UNDECIDED
