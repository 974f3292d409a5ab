"""A name applied to no argument (an event ``W+`` read as ``event_W_plus()``, a text's ``\\text{const}``) inside the
every-function check (derive.tiers.numeric._for_every_function): one unknown number per name, never a crash.

The check used to build a random function of ``ts[0]`` for every name, and a function of no argument has none
(IndexError inside the numeric tier: h-m-gutmann-optim #43, n-teitelbaum-probability #6 #9 #18)."""

from __future__ import annotations

import time

import numpy as np
import sympy

from derive.language.symbols import SymbolTable
from derive.model import Problem, Relation, Settings, Verdict
from derive.tiers.numeric import _for_every_function, _random_function, check_numeric

x = sympy.Symbol("x", real=True)
P, A, B, f = (sympy.Function(n) for n in ("P", "event_A", "event_B", "f"))


def test_a_function_of_no_argument_is_one_number():
    rng = np.random.default_rng(1)
    for positive in (False, True):
        lam = _random_function(rng, 0, positive=positive)
        value = lam()
        assert value.is_Rational, value
        if positive:
            assert value > 0


def test_two_names_of_no_argument_do_not_share_a_value():
    # P(A) = P(B) would pass an interpretation that gave A and B one value: the range is wide
    rng = np.random.default_rng(0)
    values = [_random_function(rng, 0, positive=False)() for _ in range(200)]
    assert len(set(values)) == len(values)


def _every(lhs: sympy.Basic, rhs: sympy.Basic):
    problem = Problem(lhs, rhs, Relation.EQ, SymbolTable({}))
    return _for_every_function(lhs, rhs, problem, Settings(timeout=20), time.perf_counter())


def test_events_inside_an_unknown_function_are_interpreted_without_a_crash():
    out = _every(P(A()) / P(B()), P(A()) / P(B()))
    assert out is not None and out.verdict is Verdict.VERIFIED, out


def test_different_events_are_never_one_value():
    for out in (_every(P(A()), P(B())), _every(P(A()) / P(B()), sympy.Rational(5, 1000))):
        # wrong twin (two events, two probabilities); a stated value, no identity: never accepted nor refuted
        assert out is None or (out.verdict is Verdict.UNDECIDED and out.evidence.counterexample is None), out


def test_the_numeric_tier_does_not_crash_on_a_name_of_no_argument():
    c = sympy.Function("const")
    lhs = c() + x**2 + f(x)
    for rhs, accepted in ((f(x) + x**2 + c(), True), (f(x) + x**2 + 2 * c(), False)):
        problem = Problem(lhs, rhs, Relation.EQ, SymbolTable({}))
        out = check_numeric(problem, Settings(timeout=20))
        assert "IndexError" not in out.evidence.summary
        assert (out.verdict in (Verdict.VERIFIED, Verdict.PROVED)) is accepted, out
