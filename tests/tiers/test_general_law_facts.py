"""Moments the text states, substituted into unknown-law normal forms (derive.tiers._general_law_facts).

Every proof through a statement quotes it; a statement proves only what follows from it for every law
(E[X] = mu never gives E[X^2] = mu^2); contradictory or circular statements never loop; a statement with
no unknown-law expectation (a known law, a function E the text defines) is never used.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sympy

from derive.model import Evidence, Method, Outcome, Relation, Verdict
from derive.tiers._general_law_facts import stated_substitutions
from derive.tiers._linearity import by_linearity, expectation_operator, is_unknown_law, linear_form, moment_operator

E = expectation_operator("E")
ET = expectation_operator("E_{T}")
VAR = moment_operator("Var")
COV = moment_operator("Cov")
x, y, mu, nu, s, a, b = sympy.symbols("x y mu nu s a b", real=True)
PLAIN_E = sympy.Function("E")  # a function the text defines: not an expectation


@dataclass
class _Problem:
    relation: Relation = Relation.EQ
    nonrandom: tuple[str, ...] = ()
    independent: tuple[tuple[str, ...], ...] = ()
    moments: tuple[tuple[object, object, str], ...] = ()


_LIGHT = Outcome(Verdict.UNDECIDED, Evidence(Method.SYMBOLIC, "could not prove lhs - rhs = 0"))
_MEAN = (E(x), mu, "E[x] = \\mu (line 2)")
_VARIANCE = (VAR(x), s**2, "Var(x) = s^2 (line 2)")


def _zero(d: sympy.Expr) -> bool:
    return sympy.simplify(d) == 0


def _decide(lhs: object, rhs: object, *facts: tuple[object, object, str], nonrandom: tuple[str, ...] = ()) -> Outcome:
    return by_linearity(_Problem(moments=facts, nonrandom=nonrandom), (lhs, rhs), _LIGHT, _zero)


@pytest.mark.parametrize(
    ("lhs", "rhs", "facts"),
    [
        (E(x**2), s**2 + mu**2, (_MEAN, _VARIANCE)),
        (E(x**2) - E(x) ** 2, s**2, (_VARIANCE,)),
        (E(2 * x + 1), 2 * mu + 1, (_MEAN,)),
        (E((x - mu) ** 2), s**2, (_MEAN, _VARIANCE)),
        # the order of the statements does not matter
        (E(x**2), s**2 + mu**2, (_VARIANCE, _MEAN)),
        # a zero mean stated for a noise term
        (E((y + x) ** 2) - E(y**2), E(x**2) + 2 * E(x * y) + E(x), ((E(x), 0, "E[x] = 0"),)),
        # a statement written the other way round (mu = E[x])
        (E(3 * x), 3 * mu, ((mu, E(x), "\\mu = E[x]"),)),
        # a stated covariance
        (E(x * y), nu + E(x) * E(y), ((COV(x, y), nu, "Cov(x, y) = \\nu"),)),
    ],
)
def test_stated_moments_prove(lhs: object, rhs: object, facts: tuple) -> None:
    out = _decide(lhs, rhs, *facts)
    assert out.verdict is Verdict.PROVED, out.evidence.summary
    assert "as the text states" in out.evidence.summary
    used = [f[2] for f in facts if f[2] in out.evidence.summary]
    assert used, out.evidence.summary


def test_a_proof_that_needs_no_statement_quotes_none() -> None:
    out = _decide(VAR(x), E(x**2) - E(x) ** 2, _MEAN)
    assert out.verdict is Verdict.PROVED
    assert "as the text states" not in out.evidence.summary


@pytest.mark.parametrize(
    ("lhs", "rhs", "facts"),
    [
        # a mean says nothing of the second moment
        (E(x**2), mu**2, (_MEAN,)),
        (VAR(x), 0, (_MEAN,)),
        # nor of a function of x, nor of 1/x
        (E(1 / x), 1 / mu, (_MEAN,)),
        (E(sympy.exp(x)), sympy.exp(mu), (_MEAN,)),
        # a statement about x says nothing about y
        (E(y), mu, (_MEAN,)),
        (E(x * y), mu * E(y), (_MEAN,)),
        # variance stated, without the mean: E[x^2] = s^2 + E[x]^2, not s^2
        (E(x**2), s**2, (_VARIANCE,)),
        # a statement under another law (E_T) says nothing of the plain E
        (E(x), mu, ((ET(x), mu, "E_T[x] = \\mu"),)),
        # E a function the text defines: its statement is no moment
        (E(x), mu, ((PLAIN_E(x), mu, "E(x) = \\mu"),)),
        # E[a x] = a mu needs a non-random, which nothing declares
        (E(a * x), a * mu, (_MEAN,)),
    ],
)
def test_stated_moments_never_prove_more(lhs: object, rhs: object, facts: tuple) -> None:
    assert _decide(lhs, rhs, *facts).verdict is not Verdict.PROVED


def test_declared_constants_still_needed_with_statements() -> None:
    out = _decide(E(a * x + b), a * mu + b, _MEAN, nonrandom=("a", "b"))
    assert out.verdict is Verdict.PROVED
    assert "a, b non-random as declared" in out.evidence.summary


def test_contradictory_and_circular_statements_terminate() -> None:
    facts = [(E(x), E(y), "E[x] = E[y]"), (E(y), E(x) + 1, "E[y] = E[x] + 1"), (E(x), mu, "E[x] = mu")]

    def normal(e: object) -> object | None:
        f = linear_form(e)
        return None if f is None else f.value

    subs = stated_substitutions(facts, normal, is_unknown_law)
    value, _ = subs.apply(E(x) + E(y))
    assert isinstance(value, sympy.Basic)  # it terminates; whatever it proves rests on the statements quoted


def test_the_esl_square_reading_still_applies_with_statements() -> None:
    # E[x - mu]^2 = s^2 holds reading E[(x - mu)^2] (with the statements) but not as (E[x - mu])^2
    out = _decide(E(x - mu) ** 2, s**2, _MEAN, _VARIANCE)
    assert out.verdict is not Verdict.PROVED


def test_a_stated_value_that_is_random_is_never_used() -> None:
    # "X has mean Y" with Y a random variable (the step takes Var(Y)): E[X | Y] = Y, not E[X] = Y
    y_ = sympy.Symbol("Y", real=True)
    fact = (E(x), y_, "E[x] = Y")
    out = _decide(E(x) + VAR(y_), y_ + VAR(y_), fact)
    assert out.verdict is not Verdict.PROVED
    # a constant value is used
    out = _decide(E(x) + VAR(y_), mu + VAR(y_), (E(x), mu, "E[x] = mu"))
    assert out.verdict is Verdict.PROVED


def test_a_moment_under_a_named_law_is_defined_by_that_law() -> None:
    # Var_{T} (ESL's Var_T under the training-set law) is E_T[y^2] - E_T[y]^2, never under the plain E
    var_t = moment_operator("Var", ET, "T")
    f = sympy.Symbol("f", real=True)
    assert str(var_t) == "Var_{T}"
    assert _decide(var_t(y), ET(y**2) - ET(y) ** 2).verdict is Verdict.PROVED
    assert _decide(var_t(y), E(y**2) - E(y) ** 2).verdict is not Verdict.PROVED
    assert _decide(var_t(y), VAR(y)).verdict is not Verdict.PROVED
    # the bias-variance decomposition, with f declared non-random; not without
    bias_variance = (ET((f - y) ** 2), var_t(y) + (ET(y) - f) ** 2)
    assert _decide(*bias_variance, nonrandom=("f",)).verdict is Verdict.PROVED
    assert _decide(*bias_variance).verdict is not Verdict.PROVED
    # a moment under a function that is no expectation is none
    assert moment_operator("Var", sympy.Function("E_T")) is None
