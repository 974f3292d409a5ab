"""Unknown-law moments as real documents write them (derive.tiers._linearity): which names a hint
asks to declare, and independence only where a problem states it.

``Cov(X, aX + b) = a Cov(X, X)`` holds when a and b are non-random: the hint names a and b, never
X, the variable the step takes the covariance of. ``Var(X + Y) = Var(X) + Var(Y)`` holds when X
and Y are independent: proved only when the problem states exactly that, otherwise a hint.
Attacks: a name the step takes a moment of, independence of other names, a named law, a
conditioning, a function of a variable, E[X]^2 against E[X^2], two readings of a square.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from derive.model import Evidence, Method, Outcome, Relation, Verdict
from derive.tiers._linearity import (
    by_linearity,
    expectation_operator,
    independent_groups,
    linear_form,
    moment_operator,
)

E = expectation_operator("E")
EQ = expectation_operator("E_{q}")
VAR = moment_operator("Var")
COV = moment_operator("Cov")
GIVEN = sympy.Function("given")
X, Y, Z, a, b = sympy.symbols("X Y Z a b", real=True)
f = sympy.Function("f")

_LIGHT = Outcome(Verdict.UNDECIDED, Evidence(Method.SYMBOLIC, "could not prove lhs - rhs = 0"))


@dataclass
class _Problem:
    relation: Relation = Relation.EQ
    nonrandom: tuple[str, ...] = ()
    independent: tuple[tuple[str, ...], ...] = ()


@dataclass
class _Plain:
    """A problem with neither optional attribute (the engine's Problem today)."""

    relation: Relation = Relation.EQ


def _zero(d: sympy.Expr) -> bool:
    return sympy.simplify(d) == 0


def _run(lhs: sympy.Expr, rhs: sympy.Expr, problem: object | None = None) -> Outcome:
    return by_linearity(problem if problem is not None else _Plain(), (lhs, rhs), _LIGHT, _zero)


# -- which names a hint asks to declare ---------------------------------------------------


def test_covariance_with_a_linear_function_names_the_factors_not_the_variable():
    out = _run(COV(X, a * X + b), a * COV(X, X))
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.summary == (
        "could not prove lhs - rhs = 0; by linearity of expectation it holds if a, b are not random, which "
        "nothing declares"
    )


def test_variance_of_a_linear_function_names_the_factors():
    out = _run(VAR(a * X + b), a**2 * VAR(X))
    assert out.evidence.summary.endswith("it holds if a, b are not random, which nothing declares")


def test_declared_factors_prove_the_covariance():
    out = _run(COV(X, a * X + b), a * VAR(X), _Problem(nonrandom=("a", "b")))
    assert out.verdict is Verdict.PROVED
    assert out.evidence.summary.endswith("; with a, b non-random as declared")


def test_one_declared_factor_is_not_enough():
    # b random: Cov(X, aX + b) = a Var(X) + Cov(X, b)
    out = _run(COV(X, a * X + b), a * VAR(X), _Problem(nonrandom=("a",)))
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.summary.endswith(
        "it holds if b is not random, which nothing declares (declare `constants: [b]` if so)"
    )


def test_no_hint_names_a_variable_the_step_takes_a_moment_of():
    # were X non-random, Var(X + Y) = Var(Y) and Var(X) = 0: "holds if X is not random" is no help
    out = _run(VAR(X + Y), VAR(X) + VAR(Y))
    assert "not random" not in out.evidence.summary
    out = _run(E(a * X), a * E(X))
    assert out.evidence.summary.endswith("it holds if a is not random, which nothing declares")


# -- independence: stated, or a hint ----------------------------------------------------


def test_variance_of_a_sum_is_a_hint_without_independence():
    out = _run(VAR(X + Y), VAR(X) + VAR(Y))
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.summary == (
        "could not prove lhs - rhs = 0; it holds if X and Y are independent, which nothing states"
    )
    out = _run(VAR(X + Y + Z), VAR(X) + VAR(Y) + VAR(Z))
    assert out.evidence.summary.endswith("it holds if X, Y and Z are independent, which nothing states")


def test_stated_independence_proves_the_variance_of_a_sum():
    out = _run(VAR(X + Y), VAR(X) + VAR(Y), _Problem(independent=(("X", "Y"),)))
    assert out.verdict is Verdict.PROVED
    assert "independence of X, Y as stated" in out.evidence.summary
    out = _run(E(X**2 * Y), E(X**2) * E(Y), _Problem(independent=(("X", "Y", "Z"),)))
    assert out.verdict is Verdict.PROVED


def test_independence_of_other_names_proves_nothing():
    problem = _Problem(independent=(("X", "Y"),))
    for lhs, rhs in (
        (VAR(X + Z), VAR(X) + VAR(Z)),  # Z is not in the group
        (E(X * Z), E(X) * E(Z)),
        (COV(Y, Z), 0),
    ):
        out = _run(lhs, rhs, problem)
        assert out.verdict is Verdict.UNDECIDED, (lhs, rhs)


def test_two_groups_do_not_make_their_names_independent_across():
    problem = _Problem(independent=(("X", "Y"), ("Y", "Z")))
    assert _run(E(X * Z), E(X) * E(Z), problem).verdict is Verdict.UNDECIDED
    assert _run(E(X * Y * Z), E(X) * E(Y) * E(Z), problem).verdict is Verdict.UNDECIDED


def test_independence_never_gives_a_variable_no_spread():
    problem = _Problem(independent=(("X", "Y"),))
    assert _run(E(X**2), E(X) ** 2, problem).verdict is Verdict.UNDECIDED
    assert _run(E(X * X * Y), E(X) ** 2 * E(Y), problem).verdict is Verdict.UNDECIDED
    assert _run(VAR(X), 0, problem).verdict is Verdict.UNDECIDED


def test_independence_does_not_reach_named_laws_conditions_or_functions():
    problem = _Problem(independent=(("X", "Y"),))
    # under a law the text names (q may couple them), given z, or through a function f
    assert _run(EQ(X * Y), EQ(X) * EQ(Y), problem).verdict is Verdict.UNDECIDED
    assert _run(E(X * Y, GIVEN(Z)), E(X, GIVEN(Z)) * E(Y, GIVEN(Z)), problem).verdict is Verdict.UNDECIDED
    assert _run(E(f(X) * Y), E(f(X)) * E(Y), problem).verdict is Verdict.UNDECIDED
    assert _run(E(Y / X), E(Y) * E(1 / X), problem).verdict is Verdict.UNDECIDED


def test_the_same_law_on_both_sides_only():
    # linearity under a named law holds on both sides of the same law, not across laws
    assert _run(EQ(X) - EQ(Y), EQ(X - Y)).verdict is Verdict.PROVED
    assert _run(EQ(X) - E(Y), EQ(X - Y)).verdict is Verdict.UNDECIDED


def test_a_square_with_two_readings_is_not_settled_by_independence():
    # (E[X - Y])^2 = E[X]^2 - 2E[X]E[Y] + E[Y]^2, but E[(X - Y)^2] = E[X^2] - 2E[X]E[Y] + E[Y^2]
    problem = _Problem(independent=(("X", "Y"),))
    out = _run(E(X - Y) ** 2, E(X) ** 2 - 2 * E(X) * E(Y) + E(Y) ** 2, problem)
    assert out.verdict is Verdict.UNDECIDED


def test_groups_of_one_name_say_nothing():
    assert independent_groups(_Problem(independent=(("X",), ("X", "Y")))) == (frozenset({"X", "Y"}),)
    assert independent_groups(_Plain()) == ()


def test_linear_form_factors_powers_of_distinct_names_only():
    group = (frozenset({"X", "Y"}),)
    form = linear_form(E(2 * X**2 * Y + 3), independent=group)
    assert form is not None
    assert sympy.expand(form.value - (2 * E(X**2) * E(Y) + 3)) == 0
    form = linear_form(E((X + Y) * X), independent=group)
    assert form is not None
    assert sympy.expand(form.value - (E(X**2) + E(X) * E(Y))) == 0


# -- Bishop's var[f], E[f]: the moment of the function the step applies -------------------

g = sympy.Function("g")
w = sympy.Symbol("w", real=True)
F, G = sympy.symbols("f g", real=True)  # the bare names var[f], cov[f, g] hold


def test_a_bare_function_name_is_its_one_application():
    out = _run(VAR(F), E(f(X) ** 2) - 2 * E(f(X)) ** 2 + E(f(X)) ** 2)
    assert out.verdict is Verdict.PROVED
    assert out.evidence.summary.endswith(
        "; reading f as f(X) (the function the step applies), as Bishop's var[f] and E[f]"
    )
    out = _run(COV(F, G), E(f(X) * g(X)) - E(f(X)) * E(g(X)))
    assert out.verdict is Verdict.PROVED
    assert "reading f as f(X), g as g(X) (the functions the step applies)" in out.evidence.summary


def test_a_bare_name_is_not_read_when_the_function_has_two_arguments_lists():
    out = _run(VAR(F), E(f(X) ** 2) - E(f(w)) ** 2)
    assert out.verdict is Verdict.UNDECIDED
    assert "reading" not in out.evidence.summary


def test_a_bare_name_that_stands_elsewhere_too_is_not_read():
    # f outside the operator is a value of its own: var[f] + f may not be var[f(X)] + f(X)
    out = _run(VAR(F) + F, E(f(X) ** 2) - E(f(X)) ** 2 + F)
    assert out.verdict is Verdict.UNDECIDED


def test_a_bare_name_with_no_application_stays_itself():
    assert _run(VAR(F), E(F**2) - E(F) ** 2).verdict is Verdict.PROVED  # Var by definition, f itself
    out = _run(VAR(F), E(g(X) ** 2) - E(g(X)) ** 2)
    assert out.verdict is Verdict.UNDECIDED


def test_the_reading_does_not_make_a_mean_of_a_square_a_square_of_the_mean():
    assert _run(E(F) ** 2, E(f(X) ** 2)).verdict is Verdict.UNDECIDED
    assert _run(VAR(F), E(f(X)) ** 2).verdict is Verdict.UNDECIDED


def test_a_bare_name_is_not_read_as_an_application_to_a_number():
    out = _run(E(F), E(f(sympy.Integer(2))))
    assert out.verdict is Verdict.UNDECIDED
