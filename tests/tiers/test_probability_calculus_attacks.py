"""Attacks on the probability-calculus strategy (derive.tiers._probability): transition kernels.

``p(s'|s)`` and ``p(s|s')`` in one step condition two values of one variable on each other. As the
conditionals of one joint, ``p(s'|s)p(s) = p(s|s')p(s')`` is Bayes' rule; as a Markov chain's (an
MDP's, an MCMC proposal's) kernel applied from s to s' and back it is detailed balance, which holds
only for reversible chains. Such a step is undecided, naming the kernel reading; a kernel used one
way only (the product rule ``p(s'|s)p(s) = p(s, s')``) and subscripted names (``x_1``, ``x_2``: two
variables) keep the set reading and stay proved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
import sympy

from derive.model import Evidence, Method, Outcome, Relation, Verdict
from derive.tiers._probability import by_probability_calculus

P, p, q = (sympy.Function(n) for n in ("P", "p", "q"))
GIVEN = sympy.Function("given")
s, s1, s2, a, x, x1, x2 = sympy.symbols("s s_prime s_prime_prime a x x_1 x_2", real=True)
xt, xs, xh, xp1 = sympy.symbols("x_tilde x_star x_hat x_prime_1", real=True)
X, Y = sympy.symbols("X Y", real=True)
EVENT = sympy.Function("event")
Xn = sympy.IndexedBase("X")
n = sympy.Symbol("n", integer=True)


@dataclass
class _Table:
    kinds: dict[str, str] = field(default_factory=dict)
    _latex_functions: set[str] = field(default_factory=set)
    _latex_implicit: set[str] = field(default_factory=set)

    def keys(self) -> list[str]:
        return list(self.kinds)


@dataclass
class _Problem:
    relation: Relation = Relation.EQ
    symbols: _Table = field(default_factory=_Table)


_LIGHT = Outcome(Verdict.UNDECIDED, Evidence(Method.SYMBOLIC, "could not prove lhs - rhs = 0"))


def _check(lhs: sympy.Expr, rhs: sympy.Expr) -> Outcome:
    return by_probability_calculus(_Problem(), (sympy.sympify(lhs), sympy.sympify(rhs)), _LIGHT)


@pytest.mark.parametrize(
    ("lhs", "rhs", "shown"),
    [
        # detailed balance written with a primed next state
        (p(s1, GIVEN(s)) * p(s), p(s, GIVEN(s1)) * p(s1), "p(s'|s) and p(s|s')"),
        # an MDP's transition with the action among the conditions
        (P(s1, GIVEN(s, a)) * P(s, a), P(s, a, GIVEN(s1)) * P(s1), "P(s'|s) and P(s|s')"),
        # Bayes for the backward kernel, as a quotient
        (p(s, GIVEN(s1)), p(s1, GIVEN(s)) * p(s) / p(s1), "p(s|s') and p(s'|s)"),
        # two primes against one
        (q(s2, GIVEN(s1)) * q(s1), q(s1, GIVEN(s2)) * q(s2), "q(s''|s') and q(s'|s'')"),
        # a proposal x^* or \tilde x from x, and a primed component x'_1 from x_1
        (q(xs, GIVEN(x)) * q(x), q(x, GIVEN(xs)) * q(xs), "q(x^*|x) and q(x|x^*)"),
        (q(xt, GIVEN(x)) * q(x), q(x, GIVEN(xt)) * q(xt), "q(x_tilde|x) and q(x|x_tilde)"),
        (p(xp1, GIVEN(x1)) * p(x1), p(x1, GIVEN(xp1)) * p(xp1), "p(x'_1|x_1) and p(x_1|x'_1)"),
        # events of one variable at two values: P(X = s'|X = s), P(X = 1|X = 0)
        (
            P(EVENT(X, s1), GIVEN(EVENT(X, s))) * P(EVENT(X, s)),
            P(EVENT(X, s), GIVEN(EVENT(X, s1))) * P(EVENT(X, s1)),
            "P(X = s'|X = s) and P(X = s|X = s')",
        ),
        (
            P(EVENT(X, 1), GIVEN(EVENT(X, 0))) * P(EVENT(X, 0)),
            P(EVENT(X, 0), GIVEN(EVENT(X, 1))) * P(EVENT(X, 1)),
            "P(X = 1|X = 0) and P(X = 0|X = 1)",
        ),
        # logs of it
        (
            sympy.log(p(s1, GIVEN(s))) + sympy.log(p(s)),
            sympy.log(p(s, GIVEN(s1))) + sympy.log(p(s1)),
            "p(s'|s) and p(s|s')",
        ),
    ],
)
def test_a_kernel_read_both_ways_is_undecided_naming_the_kernel(lhs: sympy.Expr, rhs: sympy.Expr, shown: str) -> None:
    out = _check(lhs, rhs)
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.reason == "notation"
    assert out.evidence.summary.startswith(shown + " condition two values of one variable on each other")
    assert "transition kernel" in out.evidence.summary
    assert "only for reversible chains" in out.evidence.summary


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        # a kernel used one way: the product rule holds under both readings
        (p(s1, GIVEN(s)) * p(s), p(s, s1)),
        (p(s, s1) / p(s), p(s1, GIVEN(s))),
        # subscripts name two variables: Bayes between components stays proved
        (p(x1, GIVEN(x2)) * p(x2), p(x2, GIVEN(x1)) * p(x1)),
        # events of two variables, or of one chain at two times: Bayes
        (
            P(EVENT(X, 1), GIVEN(EVENT(Y, 0))) * P(EVENT(Y, 0)),
            P(EVENT(Y, 0), GIVEN(EVENT(X, 1))) * P(EVENT(X, 1)),
        ),
        (
            P(EVENT(Xn[n + 1], s1), GIVEN(EVENT(Xn[n], s))) * P(EVENT(Xn[n], s)),
            P(EVENT(Xn[n], s), GIVEN(EVENT(Xn[n + 1], s1))) * P(EVENT(Xn[n + 1], s1)),
        ),
        # different letters: the set reading (the prose may still say otherwise: derive.latex.prob_readings)
        (p(x, GIVEN(s)) * p(s), p(s, GIVEN(x)) * p(x)),
    ],
)
def test_no_kernel_pair_keeps_the_set_reading(lhs: sympy.Expr, rhs: sympy.Expr) -> None:
    out = _check(lhs, rhs)
    assert out.verdict is Verdict.PROVED
    assert out.evidence.route == "conditional probability"


def test_a_wrong_step_with_a_kernel_pair_keeps_its_own_evidence() -> None:
    # not provable as conditionals either: the tier's evidence stands, no kernel note
    out = _check(p(s1, GIVEN(s)) * p(s), p(s, GIVEN(s1)) * p(s))
    assert out is _LIGHT


def test_different_functions_both_ways_are_no_kernel_pair() -> None:
    # p(s'|s) and q(s|s'): two functions, each its own joint; not provable, so left as it was
    out = _check(p(s1, GIVEN(s)) * p(s), q(s, GIVEN(s1)) * q(s1))
    assert out is _LIGHT
