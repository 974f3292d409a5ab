"""Probability notation at values (derive.tiers._prob_values): ``p(x = 0 | mu)`` is the law of x at 0,
sums over listed values are written out, whole-line integrals of a joint are its marginal.

Sides are built as the LaTeX reader builds them. Each rule has true cases and false neighbours that
must stay undecided: a sum of a pmf is not 1 without its support, another variable's law, a missing
or doubled term, a bounded integral, integrating the condition, two factors in the variable, an
integer variable, an entry whose index is bound, a variable at two values, no bar in the step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
import sympy

from derive.language.distributions import Bernoulli, Normal
from derive.model import Evidence, Method, Outcome, Relation, Verdict
from derive.tiers._prob_values import MARGINAL, WRITTEN_OUT, law_of, value_normal_form
from derive.tiers._probability import by_probability_calculus

P, p, q = (sympy.Function(n) for n in ("P", "p", "q"))
GIVEN, PARAMS = sympy.Function("given"), sympy.Function("parameters")
EVENT, EVENT_LE = sympy.Function("event"), sympy.Function("event_le")
PLUS = sympy.Function("event_plus")()
X, Y, Z = sympy.symbols("X Y Z", real=True)
a, b, x, y, z, w, mu, theta = sympy.symbols("a b x y z w mu theta", real=True)
k = sympy.Symbol("k", integer=True)
s, s2 = sympy.symbols("s s_prime", real=True)
n = sympy.Symbol("n", integer=True)
xs = sympy.IndexedBase("x")
oo = sympy.oo


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
    random: tuple[tuple[sympy.Basic, object], ...] = ()


_LIGHT = Outcome(Verdict.UNDECIDED, Evidence(Method.SYMBOLIC, "could not prove lhs - rhs = 0"))


def _check(lhs: sympy.Expr, rhs: sympy.Expr) -> Outcome:
    return by_probability_calculus(_Problem(), (sympy.sympify(lhs), sympy.sympify(rhs)), _LIGHT)


def _pmf(value: sympy.Expr) -> sympy.Expr:
    return p(EVENT(x, value), GIVEN(mu))


@pytest.mark.parametrize(
    ("lhs", "rhs", "rules"),
    [
        # Bishop's exercise 2.1: the sum over x in {0, 1} written out
        (sympy.Sum(p(x, GIVEN(mu)), (x, 0, 1)), _pmf(0) + _pmf(1), {WRITTEN_OUT}),
        (sympy.Sum(x * p(x, GIVEN(mu)), (x, 0, 1)), 0 * _pmf(0) + 1 * _pmf(1), {WRITTEN_OUT}),
        (sympy.Sum(x**2 * p(x, GIVEN(mu)), (x, 0, 1)) - mu**2, _pmf(1) - mu**2, {WRITTEN_OUT}),
        (
            -sympy.Sum(p(x, GIVEN(mu)) * sympy.log(p(x, GIVEN(mu))), (x, 0, 1)),
            -_pmf(0) * sympy.log(_pmf(0)) - _pmf(1) * sympy.log(_pmf(1)),
            {WRITTEN_OUT},
        ),
        # three values, an event with an expression for its value, a product written out
        (sympy.Sum(p(x, GIVEN(mu)), (x, -1, 1)), _pmf(-1) + _pmf(0) + _pmf(1), {WRITTEN_OUT}),
        (sympy.Product(p(x, GIVEN(mu)), (x, 1, 2)), _pmf(1) * _pmf(2), {WRITTEN_OUT}),
        # the law of X at a + 1, conditioned on Y = b: the definition of conditional probability at values
        (P(EVENT(X, a + 1), GIVEN(EVENT(Y, b))) * P(EVENT(Y, b)), P(EVENT(Y, b), EVENT(X, a + 1)), set()),
        # the sum rule over the whole line: marginals, and a density integrates to 1
        (sympy.Integral(p(x, y, GIVEN(mu)), (y, -oo, oo)), p(x, GIVEN(mu)), {MARGINAL}),
        (sympy.Integral(p(X, Z, GIVEN(theta)), (Z, -oo, oo)), p(X, GIVEN(theta)), {MARGINAL}),
        (sympy.Integral(p(y, GIVEN(x)), (y, -oo, oo)), 1, {MARGINAL}),
        (sympy.Integral(p(x, y, GIVEN(z)), (x, -oo, oo), (y, -oo, oo)), 1, {MARGINAL}),
        (sympy.Integral(p(x, GIVEN(theta)) * p(theta), (theta, -oo, oo)), p(x) + 0 * p(x, GIVEN(y)), {MARGINAL}),
        (sympy.Integral(3 * p(EVENT(x, y), GIVEN(z)), (y, -oo, oo)), 3 + 0 * p(x, GIVEN(z)), {MARGINAL}),
        (sympy.Integral(p(x, y, w, GIVEN(z)), (y, -oo, oo)), p(x, w, GIVEN(z)), {MARGINAL}),
        # a sum of joints integrates term by term
        (
            sympy.Integral(a * p(x, y, GIVEN(z)) + b * q(x, y, GIVEN(z)), (y, -oo, oo)),
            a * p(x, GIVEN(z)) + b * q(x, GIVEN(z)),
            {MARGINAL},
        ),
    ],
)
def test_proved_for_every_law_at_values(lhs: sympy.Expr, rhs: sympy.Expr, rules: set[str]) -> None:
    out = _check(lhs, rhs)
    assert out.verdict is Verdict.PROVED
    assert out.evidence.route == "conditional probability"
    summary = out.evidence.summary
    assert summary.startswith("proved for every law by the definition of conditional probability")
    assert ("written out term by term" in summary) is (WRITTEN_OUT in rules)
    assert ("the sum rule: a density integrates to 1 over the whole line" in summary) is (MARGINAL in rules)


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        # the support of x is not known: a pmf summed over 0 and 1 is not 1 for every law
        (sympy.Sum(p(x, GIVEN(mu)), (x, 0, 1)), 1 + 0 * _pmf(0)),
        (_pmf(0) + _pmf(1), 1),
        # another variable, a missing, a doubled, a wrong term
        (sympy.Sum(p(y, GIVEN(mu)), (y, 0, 1)), _pmf(0) + _pmf(1)),
        (sympy.Sum(p(x, GIVEN(mu)), (x, 0, 2)), _pmf(0) + _pmf(1)),
        (sympy.Sum(p(x, GIVEN(mu)), (x, 0, 1)), 2 * _pmf(0)),
        (sympy.Sum(x * p(x, GIVEN(mu)), (x, 0, 1)), _pmf(0)),
        # two laws under one name (Bishop's overloading): p(x = 0) is not p(y = 0)
        (_pmf(0), p(EVENT(y, 0), GIVEN(mu))),
        (p(EVENT(X, x)), p(x) + 0 * _pmf(0)),
        # a bounded integral, the condition integrated, two factors in the variable, a wrong marginal
        (sympy.Integral(p(x, y, GIVEN(mu)), (y, 0, 1)), p(x, GIVEN(mu))),
        (sympy.Integral(p(x, y, GIVEN(mu)), (y, -oo, 0)), p(x, GIVEN(mu))),
        (sympy.Integral(p(y, GIVEN(x)), (x, -oo, oo)), 1),
        (sympy.Integral(p(x, y, GIVEN(z)) * p(y), (y, -oo, oo)), p(x, GIVEN(z))),
        (sympy.Integral(p(x, y, GIVEN(z)) ** 2, (y, -oo, oo)), p(x, GIVEN(z)) ** 2),
        (sympy.Integral(p(x, GIVEN(theta)) * p(theta), (theta, -oo, oo)), p(x, GIVEN(theta))),
        (sympy.Integral(p(x, y, GIVEN(z)), (y, -oo, oo)), p(x) + 0 * p(x, GIVEN(z))),
        (sympy.Integral(y * p(x, y, GIVEN(z)), (y, -oo, oo)), p(x, GIVEN(z))),
        (sympy.Integral(p(x, GIVEN(z)), (y, -oo, oo)), p(x, GIVEN(z))),  # nothing in y: it diverges
        # the variable at two values, or elsewhere in the joint: p(x = y, y), an event in y
        (sympy.Integral(p(EVENT(x, y), y, GIVEN(z)), (y, -oo, oo)), 1),
        (sympy.Integral(P(EVENT_LE(X, y), y), (y, -oo, oo)), P(EVENT_LE(X, y))),
        # an integer variable is summed, not integrated
        (sympy.Integral(p(x, k, GIVEN(z)), (k, -oo, oo)), p(x, GIVEN(z))),
        # an entry whose index a sum binds is a different variable for each n (x_n = x_1 is another law)
        (
            sympy.Sum(p(xs[n], GIVEN(mu)), (n, 1, 2)),
            p(EVENT(xs[n], xs[1]), GIVEN(mu)) + p(EVENT(xs[n], xs[2]), GIVEN(mu)),
        ),
        # a variable at two values, a name twice, a value with no variable
        (p(EVENT(x, 0), EVENT(x, 1), GIVEN(mu)), 0 * _pmf(0)),
        (p(x, GIVEN(EVENT(x, 0))), 1),
        (sympy.Sum(p(x + 1, GIVEN(mu)), (x, 0, 1)), p(1, GIVEN(mu)) + p(2, GIVEN(mu))),
        # s and s' may be one chain at two times: a kernel p(s'|s) and an initial law p give the next law
        (sympy.Integral(p(s2, GIVEN(s)) * p(s), (s, -oo, oo)), p(s2) + 0 * p(x, GIVEN(y))),
        (sympy.Integral(p(s2, s), (s, -oo, oo)), p(s2) + 0 * p(x, GIVEN(y))),
        # no bar or event anywhere: p may be any function of two arguments
        (sympy.Integral(p(x, y), (y, -oo, oo)), p(x)),
        # an inner binder of the same name is not reached into
        (sympy.Sum(sympy.Sum(p(x, GIVEN(mu)), (x, 1, n)), (x, 0, 1)), 2 * sympy.Sum(_pmf(x), (x, 1, n))),
    ],
)
def test_not_proved_without_the_law(lhs: sympy.Expr, rhs: sympy.Expr) -> None:
    out = _check(lhs, rhs)
    assert out.verdict is Verdict.UNDECIDED
    # the tier's own evidence stands; at most a note on what would settle the step is added
    assert out is _LIGHT or out.evidence.summary.startswith(f"{_LIGHT.evidence.summary}; the step takes the law of ")


def test_an_undecided_step_at_values_says_what_would_settle_it() -> None:
    out = _check(_pmf(0) + _pmf(1), 1)
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.summary == (
        "could not prove lhs - rhs = 0; the step takes the law of x at a value, which no declaration states: a law "
        'for x in scope (for example $x \\sim \\mathrm{Bern}(\\mu)$ in the text, or random: {x: "Bernoulli(mu)"} '
        "in front matter) would let derive put in its density or mass function"
    )
    # no value taken, or the law stated: no note
    assert _check(p(x, GIVEN(mu)), p(y, GIVEN(mu))) is _LIGHT
    stated = _Problem(random=((x, Bernoulli(mu)),))
    assert by_probability_calculus(stated, (_pmf(1), 1 - mu), _LIGHT) is _LIGHT


def test_a_kernel_read_both_ways_stays_undecided_through_values() -> None:
    # the set reading cannot prove it (an event next to a name), the reading at values can: the
    # kernel pair p(s'|s), p(s|s') still makes it undecided
    lhs = p(s2, GIVEN(s)) * p(s) + sympy.Sum(p(x, GIVEN(mu)), (x, 0, 0))
    out = _check(lhs, p(s, GIVEN(s2)) * p(s2) + _pmf(0))
    assert out.verdict is Verdict.UNDECIDED
    assert "transition kernel" in out.evidence.summary


def test_the_joint_is_keyed_by_variables_and_takes_values() -> None:
    form, used = value_normal_form(p(EVENT(x, 0), GIVEN(mu)), {"p"})
    joint, marginal = sympy.Function("p[law|mu;x|0]", positive=True), sympy.Function("p[law|mu|0]", positive=True)
    assert form == joint(mu, 0) / marginal(mu)
    assert used == set()
    assert value_normal_form(p(x, GIVEN(mu)) + p(x, 1), {"p"}) is None
    assert value_normal_form(P(PLUS, EVENT(X, 1)), {"P"})[0] == sympy.Function("P[law|X|1]", positive=True)(PLUS, 1)
    # written out only over a short range of integers
    long = sympy.Sum(p(x, GIVEN(mu)), (x, 0, 1000))
    assert value_normal_form(long, {"p"})[1] == set()


def test_which_applications_take_the_stated_law() -> None:
    sigma = sympy.Symbol("sigma", positive=True)
    laws = {x: Normal(mu, sigma**2), y: Bernoulli(theta)}
    assert law_of(p(x), laws) == x
    assert law_of(p(EVENT(x, 0), GIVEN(mu, sigma)), laws) == x  # conditioned on its own parameters
    assert law_of(p(EVENT(x, 0), GIVEN(z)), laws) is None  # conditioned on another variable
    assert law_of(p(x, y), laws) is None  # a joint
    assert law_of(p(EVENT_LE(X, x)), laws) is None  # an opaque event
    assert law_of(P(x), laws) is None and law_of(P(EVENT(y, 1)), laws) == y  # P only of a discrete law
    assert law_of(q(x), laws) is None and law_of(sympy.Function("p_theta")(x), laws) is None
    assert law_of(p(x), laws, bound={mu}) is None  # a parameter bound in the step
    assert law_of(p(x), {**laws, mu: Normal(0, 1)}) is None  # a random parameter
    assert law_of(p(z), laws) is None


def test_a_stated_law_is_put_in_only_in_its_support() -> None:
    problem = _Problem(random=((x, Bernoulli(mu)),))
    light = _LIGHT

    def check(lhs: sympy.Expr, rhs: sympy.Expr) -> Outcome:
        return by_probability_calculus(problem, (sympy.sympify(lhs), sympy.sympify(rhs)), light)

    assert check(sympy.Sum(p(x, GIVEN(mu)), (x, 0, 1)), 1).verdict is Verdict.PROVED
    assert check(p(EVENT(x, 1)), mu).evidence.summary.startswith(
        "proved under the law the text states (x ~ Bernoulli(mu))"
    )
    assert check(p(EVENT(x, 2)), mu**2 / (1 - mu)) is light
    assert check(p(EVENT(x, 1)), 1 - mu) is light  # false under the law: never refuted here
