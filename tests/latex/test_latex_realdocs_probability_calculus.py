"""Bayes, product-rule and conditional-definition steps of real documents, end to end
(derive.tiers._probability behind the LaTeX reader's probability notation).

True steps as lecture notes write them are proved with the route named; their false neighbours
(swapped Bayes, a missing factor, independence assumed) and notation that is no probability
(an unknown f, a likelihood L, a declared p, a p with no bar, a sequence of outcomes, a bar that
is an absolute value) are never proved and never refuted by it.
"""

from __future__ import annotations

import pytest

from derive.api import check_latex
from derive.model import Verdict

P, R, U, E = Verdict.PROVED, Verdict.REFUTED, Verdict.UNDECIDED, Verdict.ERROR
ROUTE = "by the definition of conditional probability, P(A|B) = P(A,B)/P(B)"


def one(text: str, symbols: dict[str, str] | None = None):
    (r,) = check_latex(f"$${text}$$\n", symbols=symbols)
    return r


@pytest.mark.parametrize(
    "tex",
    [
        r"P(S|+) = \frac{P(+|S)P(S)}{P(+)}",
        r"P(A|B) = \frac{P(B|A)P(A)}{P(B)}",
        r"\frac{P(B|A)P(A)}{P(B)} = \frac{P(B\cap A)}{P(B)}",
        r"\frac{P(B\cap A)}{P(B)} = P(A|B)",
        r"P(+|W) = P(W+)/P(W)",
        r"P(S+) = P(S)P(+|S)",
        r"p(x_1|x_2) = \frac{p(x_1,x_2)}{p(x_2)}",
        r"p(x_1 \mid x_2)\, p(x_2) = p(x_2 \mid x_1)\, p(x_1)",
        r"P(p=p_1|H) = \frac{P(H|p=p_1)P(p=p_1)}{P(H)}",
        r"\log p(a|b) + \log p(b) = \log p(a,b)",
        r"\log P(\pm|f) = \log P(f|\pm)+\log P(\pm) - \log P(f)",
        r"P(\mathbf{great},\mathbf{waste}|\pm)P(\pm) = "
        r"P(\pm|\mathbf{great},\mathbf{waste})P(\mathbf{waste},\mathbf{great})",
        r"\Pr(A \mid B, C)\Pr(B \mid C) = \Pr(A, B \mid C)",
        r"\mathbb{P}(X = 1 | Y = 0) = \frac{\mathbb{P}(X = 1, Y = 0)}{\mathbb{P}(Y = 0)}",
        r"\log p(x) = \log \frac{p(x, z)}{q(z|x)} + \log \frac{q(z|x)}{p(z|x)}",
    ],
)
def test_steps_from_the_definition_of_conditional_probability_are_proved(tex: str) -> None:
    r = one(tex)
    assert r.verdict is P, r.detail
    assert ROUTE in r.detail
    assert "wherever the conditioning events have positive probability" in r.detail


def test_a_bayes_chain_is_proved_step_by_step() -> None:
    doc = r"$$P(A|B) = \frac{P(B|A)P(A)}{P(B)} = \frac{P(B\cap A)}{P(B)} = P(A|B)$$" + "\n"
    results = check_latex(doc)
    assert [r.verdict for r in results] == [P, P, P]


def test_the_evidence_says_which_names_are_probabilities() -> None:
    r = one(r"q(z|x) = \frac{q(x, z)}{q(x)}")
    assert r.verdict is P
    assert "q read as probability notation: written with a bar or events here, declared as nothing else" in r.detail


@pytest.mark.parametrize(
    "tex",
    [
        # wrong Bayes: the wrong marginal, a missing factor, the conditional swapped or dropped
        r"P(A|B) = \frac{P(B|A)P(A)}{P(A)}",
        r"P(A|B) = \frac{P(B|A)}{P(B)}",
        r"P(A|B) = P(B|A)",
        r"P(A|B) = P(A)",
        r"P(S|+) = \frac{P(+|S)P(+)}{P(S)}",
        r"\log p(a|b) + \log p(b) = \log p(a) + \log p(b)",
        # the naive-Bayes factorisation and the complement rule need laws this does not assume
        r"P(\mathbf{great},\mathbf{waste}|\pm) = P(\mathbf{great}|\pm)P(\mathbf{waste}|\pm)",
        r"P(-) = P(S-)+P(W-)",
        # a mixture is not the sum rule: the weights are not P(Z = k)
        r"P(X_i = x) = \sum_{k=1}^K \pi_k P(X_i=x|Z_i=k)",
    ],
)
def test_wrong_rearrangements_are_never_proved(tex: str) -> None:
    r = one(tex)
    # the probability atoms (derive.tiers._events) refute a false one by an exact measure it shows
    assert r.verdict in (U, E, R), r.detail
    assert r.verdict is not R or "refuted by an exact probability measure: with P(" in r.detail
    assert ROUTE not in r.detail


@pytest.mark.parametrize(
    "tex",
    [
        # an unknown f and a likelihood L with a bar are no probabilities
        r"f(x|y) = \frac{f(x,y)}{f(y)}",
        r"L(+|x) = \frac{L(x|+)L(+)}{L(x)}",
        # no bar, no event: p may be any function of two arguments
        r"p(a, b) = p(b, a)",
        r"\log p(a) + \log p(b) = \log \left(p(a) p(b)\right)",
        # values at a point: argument order matters
        r"p(1, 2 | y) = p(2, 1 | y)",
        r"p(x + 1 | y) = \frac{p(x + 1, y)}{p(y)}",
        # a sequence of outcomes: HH is H^2, and H twice is not one event
        r"P(HH|H) = \frac{P(HH)}{P(H)}",
        r"P(H|H) = 1",
        # a bar inside an absolute value is no conditioning
        r"p(|x|) = \frac{p(|x|, y)}{p(y)}",
        # decorated names: an unnormalised \bar{p} or \tilde{p}, an estimate \hat{p}, a derivative p'
        r"\bar{p}(y_1|x) = \frac{\bar{p}(x, y_1)}{\bar{p}(x)}",
        r"\tilde{p}(z|x)\tilde{p}(x) = \tilde{p}(x|z)\tilde{p}(z)",
        r"\hat{p}(x|y) = \frac{\hat{p}(x, y)}{\hat{p}(y)}",
        r"p'(x|y) = \frac{p'(x, y)}{p'(y)}",
        # the function's name also a value in the step
        r"p \cdot p(x|y) = \frac{p \cdot p(x, y)}{p(y)}",
        r"p(x|p) = \frac{p(x, p)}{p(p)}",
    ],
)
def test_notation_that_is_no_probability_is_left_to_the_other_tiers(tex: str) -> None:
    r = one(tex)
    assert r.verdict is not P, r.detail
    assert ROUTE not in r.detail


def test_a_declared_meaning_wins_over_the_probability_reading() -> None:
    doc = "---\nderive:\n  functions: [p]\n---\n$$p(x|y) = \\frac{p(x,y)}{p(y)}$$\n"
    (r,) = check_latex(doc)
    assert r.verdict is not P and ROUTE not in r.detail
    r = one(r"p(x|y) = \frac{p(x,y)}{p(y)}", symbols={"p": "positive"})
    assert r.verdict is not P and ROUTE not in (r.detail or "")


def test_a_defined_number_p_is_no_density_where_it_has_no_bar() -> None:
    # p = 0.3 and p(a) read as 0.3 a: the log of a product of possibly negative values does not split
    doc = "$$p = 0.3$$\n\n$$\\log p(a) + \\log p(b) = \\log \\left(p(a) p(b)\\right)$$\n"
    results = check_latex(doc)
    assert results[-1].verdict is not P
    assert ROUTE not in results[-1].detail


def test_an_integral_keeps_the_variable_of_the_joint() -> None:
    r = one(r"\int_0^1 p(x|y) \, dx = p(x|y)")
    assert r.verdict is not P
    assert ROUTE not in r.detail
