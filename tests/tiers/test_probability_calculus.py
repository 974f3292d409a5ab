"""The probability-calculus strategy of the symbolic tier (derive.tiers._probability).

Sides are built as the LaTeX reader builds them (``p(x|y)`` is ``p(x, given(y))``, ``P(X=1)`` is
``P(event(X, 1))``, ``P(S+)`` is ``P(event_and(S, event_plus()))``). Each rule has true cases and
false neighbours that must stay undecided; attacks: wrong Bayes (swapped, missing factor,
P(A|B) = P(B|A)), a name that is no probability (f, L), a value at a point whose argument order
matters, a sequence of outcomes (a name twice), the function's name also a value, declarations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
import sympy

from derive.model import Evidence, Method, Outcome, Relation, Verdict
from derive.tiers._probability import by_probability_calculus, conditional_normal_form, probability_functions

P, p, q, f, L = (sympy.Function(n) for n in ("P", "p", "q", "f", "L"))
P2 = sympy.Function("P_2")
GIVEN, PARAMS = sympy.Function("given"), sympy.Function("parameters")
EVENT, EVENT_AND, EVENT_LE = sympy.Function("event"), sympy.Function("event_and"), sympy.Function("event_le")
PLUS, MINUS, PM = sympy.Function("event_plus")(), sympy.Function("event_minus")(), sympy.Function("event_pm")()
A, B, C, H, S, W, X, Y, Z = sympy.symbols("A B C H S W X Y Z", real=True)
a, b, x, y, z, theta, p1 = sympy.symbols("a b x y z theta p_1", real=True)
p_sym = sympy.Symbol("p", real=True)
t = sympy.IndexedBase("t")
n = sympy.Symbol("n", integer=True)


@dataclass
class _Table:
    """Stands for the LaTeX reader's symbol table: declared kinds and ``functions:``."""

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


def _check(lhs: sympy.Expr, rhs: sympy.Expr, problem: _Problem | None = None) -> Outcome:
    return by_probability_calculus(problem or _Problem(), (sympy.sympify(lhs), sympy.sympify(rhs)), _LIGHT)


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        # Bayes, as lecture notes write it: P(A|B) = P(B|A)P(A)/P(B)
        (P(A, GIVEN(B)), P(B, GIVEN(A)) * P(A) / P(B)),
        # ... and through the joint written with \cap (sorted by the reader) or a comma
        (P(B, GIVEN(A)) * P(A) / P(B), P(EVENT_AND(A, B)) / P(B)),
        (P(EVENT_AND(A, B)) / P(B), P(A, GIVEN(B))),
        (P(A, B), P(EVENT_AND(A, B))),
        # densities: p(x_1|x_2) = p(x_1, x_2)/p(x_2)
        (p(x, GIVEN(y)), p(x, y) / p(y)),
        (p(y, GIVEN(x)) * p(x), p(x, GIVEN(y)) * p(y)),
        # the product rule with a label: P(S+) = P(S)P(+|S)
        (P(EVENT_AND(S, PLUS)), P(S) * P(PLUS, GIVEN(S))),
        (P(PLUS, GIVEN(W)), P(EVENT_AND(W, PLUS)) / P(W)),
        # events with a relation: P(p=p_1|H) = P(H|p=p_1)P(p=p_1)/P(H)
        (P(EVENT(p_sym, p1), GIVEN(H)), P(H, GIVEN(EVENT(p_sym, p1))) * P(EVENT(p_sym, p1)) / P(H)),
        # a class label standing for either class
        (P(PM, GIVEN(a)), P(a, GIVEN(PM)) * P(PM) / P(a)),
        # logs split because every joint is positive
        (sympy.log(p(a, GIVEN(b))) + sympy.log(p(b)), sympy.log(p(a, b))),
        (sympy.log(P(PM, GIVEN(a))), sympy.log(P(a, GIVEN(PM))) + sympy.log(P(PM)) - sympy.log(P(a))),
        # the chain rule over three variables, and a conditioning on two
        (p(x, y, z), p(x, GIVEN(y, z)) * p(y, GIVEN(z)) * p(z)),
        (P(A, GIVEN(B, C)) * P(B, GIVEN(C)), P(A, B, GIVEN(C))),
        # the same event on both sides of the bar counts once: P(X=1 | X=1) = 1
        (P(EVENT(X, 1), GIVEN(EVENT(X, 1))), 1),
        # a variational q keeps its own joints: log p(x) = log p(x,z)/q(z|x) + log q(z|x)/p(z|x)
        (sympy.log(p(x)), sympy.log(p(x, z) / q(z, GIVEN(x))) + sympy.log(q(z, GIVEN(x)) / p(z, GIVEN(x)))),
        # semicolon parameters stay with the function: p(x|y; theta) = p(x, y; theta)/p(y; theta)
        (p(x, GIVEN(y), PARAMS(theta)), p(x, y, PARAMS(theta)) / p(y, PARAMS(theta))),
        # indexed variables under a product
        (p(t[n], GIVEN(x)) * p(x), p(x, GIVEN(t[n])) * p(t[n])),
    ],
)
def test_proved_by_the_definition_of_conditional_probability(lhs: sympy.Expr, rhs: sympy.Expr) -> None:
    out = _check(lhs, rhs)
    assert out.verdict is Verdict.PROVED
    assert out.evidence.route == "conditional probability"
    assert out.evidence.summary.startswith(
        "proved for every law by the definition of conditional probability, P(A|B) = P(A,B)/P(B), wherever the "
        "conditioning events have positive probability"
    )


def test_evidence_names_the_functions_read_as_probabilities() -> None:
    out = _check(p(x, GIVEN(y)) * P(A), p(x, y) / p(y) * P(A))
    assert out.verdict is Verdict.PROVED
    assert out.evidence.summary.endswith(
        "; p read as probability notation: written with a bar or events here, declared as nothing else"
    )


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        # wrong Bayes: the marginal of the wrong event, a missing factor, the conditional swapped
        (P(A, GIVEN(B)), P(B, GIVEN(A)) * P(A) / P(A)),
        (P(A, GIVEN(B)), P(B, GIVEN(A)) / P(B)),
        (P(A, GIVEN(B)), P(B, GIVEN(A))),
        (P(A, GIVEN(B)), P(A, B)),
        (P(A, GIVEN(B)), P(A)),  # independence is not in it
        (P(A, GIVEN(B, C)), P(A, GIVEN(B))),
        (p(x, y), p(x) * p(y)),
        # marginalisation and the complement are not in it
        (P(A), P(A, B) + P(A, sympy.Function("event_not")(B))),
        (P(EVENT_AND(S, MINUS)) + P(EVENT_AND(W, MINUS)), P(MINUS)),
        # a log of a sum does not split
        (sympy.log(p(x, GIVEN(y)) + p(y)), sympy.log(p(x, GIVEN(y))) + sympy.log(p(y))),
        # two probability measures keep apart: P_2(A|B) is not P(A,B)/P(B)
        (P2(A, GIVEN(B)), P(A, B) / P(B)),
        # a variational q is no p
        (q(z, GIVEN(x)), p(x, z) / p(x)),
        # conditioning moves events, it never drops a parameter
        (p(x, GIVEN(y), PARAMS(theta)), p(x, y) / p(y)),
    ],
)
def test_wrong_rearrangements_are_not_proved(lhs: sympy.Expr, rhs: sympy.Expr) -> None:
    assert _check(lhs, rhs) is _LIGHT


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        # an unknown f, or a likelihood L (unnormalised), with a bar: no probability
        (f(x, GIVEN(y)), f(x, y) / f(y)),
        (L(PLUS, GIVEN(a)), L(a, GIVEN(PLUS)) * L(PLUS) / L(a)),
        # no bar and no event anywhere: p may be any function (argument order, positivity)
        (p(a, b), p(b, a)),
        (P(A, B), P(B, A)),
        (sympy.log(p(a) * p(b)), sympy.log(p(a)) + sympy.log(p(b))),
        # a value at a point: its argument order matters, p(1, 2) is not p(2, 1)
        (p(1, 2, GIVEN(y)), p(2, 1, GIVEN(y))),
        (p(x + 1, GIVEN(y)), p(x + 1, y) / p(y)),
        # a sequence of outcomes: P(HH|H) reads H^2, P(H,T) is not P(T,H) read as a set of two
        (P(H**2, GIVEN(H)), P(H**2) / P(H)),
        (P(H, GIVEN(H)), 1),
        (P(H, H, GIVEN(H)), P(H, H) / P(H)),
        # the function's name also a value in the step: p \cdot p(x|y)
        (p_sym * p(x, GIVEN(y)), p_sym * p(x, y) / p(y)),
        # ... or a variable conditioned on: p(x | p) names p twice over
        (p(x, GIVEN(p_sym)), p(x, p_sym) / p(p_sym)),
        # one application of the same p at a point taints the whole step
        (p(x, GIVEN(y)) + p(0, y), p(x, y) / p(y) + p(0, y)),
    ],
)
def test_not_probability_notation_is_left_alone(lhs: sympy.Expr, rhs: sympy.Expr) -> None:
    assert _check(lhs, rhs) is _LIGHT


def test_a_name_declared_otherwise_is_no_probability() -> None:
    lhs, rhs = p(x, GIVEN(y)), p(x, y) / p(y)
    assert _check(lhs, rhs, _Problem(symbols=_Table(_latex_functions={"p"}))) is _LIGHT
    assert _check(lhs, rhs, _Problem(symbols=_Table(kinds={"p": "positive"}))) is _LIGHT
    # an implicit real from an earlier side is no declaration
    implicit = _Table(kinds={"p": "real"}, _latex_implicit={"p"})
    assert _check(lhs, rhs, _Problem(symbols=implicit)).verdict is Verdict.PROVED


def test_never_refutes_and_only_equations() -> None:
    assert _check(P(A, GIVEN(B)), P(B, GIVEN(A))).verdict is Verdict.UNDECIDED
    le = _Problem(relation=Relation.LE)
    assert _check(P(A, GIVEN(B)) * P(B), P(A, B), le) is _LIGHT
    assert by_probability_calculus(_Problem(), None, _LIGHT) is _LIGHT
    m = sympy.ImmutableMatrix([[P(A, GIVEN(B))]])
    assert by_probability_calculus(_Problem(), (m, m), _LIGHT) is _LIGHT


def test_joints_keep_their_variables_under_an_integral() -> None:
    # \int_0^1 p(x|y) dx = p(x|y) is false: the joint must still depend on the bound x
    integral = sympy.Integral(p(x, GIVEN(y)), (x, 0, 1))
    assert _check(integral, p(x, GIVEN(y))) is _LIGHT
    assert _check(sympy.Integral(p(x), (x, 0, 1)), p(x) + 0 * P(A, GIVEN(B))) is _LIGHT


def test_normal_form_is_a_set_over_each_bar() -> None:
    form = conditional_normal_form(P(A, GIVEN(B)), {"P"})
    joint = sympy.Function("P[joint]", positive=True)
    assert form == joint(A, B) / joint(B)
    assert conditional_normal_form(P(B, A), {"P"}) == joint(A, B)
    assert conditional_normal_form(P(EVENT_AND(A, B), GIVEN(A)), {"P"}) is None  # A twice: a sequence
    assert conditional_normal_form(P(EVENT_LE(X, x)), {"P"}) == joint(EVENT_LE(X, x))


def test_which_names_are_probabilities() -> None:
    sides = (P(A, GIVEN(B)) + p(x) + f(x, GIVEN(y)), q(EVENT(X, 1)) + L(a, GIVEN(b)))
    assert probability_functions(sides) == {"P", "q"}
    assert probability_functions((p(x) * p(y),)) == set()
    assert probability_functions((sympy.Function("q_phi")(z, GIVEN(x)),)) == {"q_phi"}
    assert probability_functions((sympy.Function("P_2")(z, GIVEN(x)),)) == {"P_2"}
    # decorated names are not probabilities: \bar{p}, \tilde{p} are often unnormalised, p' a derivative
    for decorated in ("p_bar", "p_tilde", "p_hat_k", "p_prime", "p_star", "q_bar_1", "pbar", "Q"):
        assert probability_functions((sympy.Function(decorated)(z, GIVEN(x)),)) == set(), decorated
