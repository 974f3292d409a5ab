"""A density the text names for a random variable (derive.latex.prob_density_words): the probability of an
interval is its integral, it integrates to 1; proves only."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict
from derive.latex.prob_density_words import densities_in

_SAID = "## D\n\nLet $X$ be a random variable with density $p(x)$.\n"


def _last(doc: str) -> tuple[Verdict, str]:
    r = derive.check_latex(doc)[-1]
    return r.verdict, r.detail or ""


@pytest.mark.parametrize(
    "step",
    [
        r"P(X\in(a, b]) = \int _ {a}^{b} p(x) \; dx",
        r"P(X\in[a, b]) = \int _ {a}^{b} p(t) \; dt",  # ends closed: no mass on a point
        r"\int_{-\infty}^{\infty} p(x) \; dx = 1",
        r"P(X\in\mathbb{R}) = \int_{-\infty}^{\infty} p(x) \; dx",
        r"\int _ {-\infty}^{x} p(x) \; dx = P(X \le x)",
        r"P(X > a) = \int_a^\infty p(x) \, dx",
        r"P(X \le b) - P(X \le a) = \int_a^b p(x) \, dx",
    ],
)
def test_what_a_density_is_proves_the_step(step: str) -> None:
    verdict, detail = _last(_SAID + f"$$\n{step}\n$$\n")
    assert verdict is Verdict.PROVED, detail
    assert "the density of X, as the text states" in detail and "line 3" in detail


@pytest.mark.parametrize(
    "step",
    [
        r"P(X\in(a, b]) = \int _ {a}^{b} p(x) \; dx + 1",
        r"P(X \ge a) = \int _ {-\infty}^{a} p(x) \; dx",  # the wrong tail
        r"\int_{-\infty}^{\infty} p(x) \; dx = 2",
        r"\int_{0}^{\infty} p(x) \; dx = 1",  # half the line
        r"P(Y \le a) = \int _ {-\infty}^{a} p(x) \; dx",  # another variable
        r"P(X \le a | Y) = \int _ {-\infty}^{a} p(x) \; dx",  # a conditional
        r"P(X^2 \le a) = \int _ {-\infty}^{a} p(x) \; dx",
        r"\int_{-\infty}^{\infty} q(x) \; dx = 1",  # another function
    ],
)
def test_anything_else_is_not_proved(step: str) -> None:
    verdict, detail = _last(_SAID + f"$$\n{step}\n$$\n")
    assert verdict not in (Verdict.PROVED, Verdict.VERIFIED), detail


@pytest.mark.parametrize(
    "said",
    [
        "If $X$ is a random variable with density $p(x)$, then",
        "We do not say that $p(x)$ is the density of $X$.",
        "A random variable $X$ would have density $p(x)$ here.",
    ],
)
def test_a_hedged_density_is_none(said: str) -> None:
    assert densities_in(f"## D\n\n{said}\n") == {}
    verdict, detail = _last(f"## D\n\n{said}\n$$\n\\int_{{-\\infty}}^{{\\infty}} p(x) \\; dx = 1\n$$\n")
    assert verdict is not Verdict.PROVED, detail


def test_what_is_read_and_what_is_not() -> None:
    assert densities_in("$p_X$ is the density of $X$.")["p_X"][0] == "X"
    assert "p" in densities_in("the density function for a random variable $X$ is a function $p(x)$ so that")
    assert densities_in("a random variable $X$ with density $p(y)$") == {}  # the argument names another variable
    # two variables for one density, or a heading between: none
    assert (
        densities_in("a random variable $X$ with density $p(x)$ and a random variable $Y$ with density $p(y)$.") == {}
    )
    assert densities_in("a random variable $X$ with density $p(x)$.\n\n## Next\n\nThen") == {}


def test_a_formula_given_after_the_statement_stands_it_down() -> None:
    doc = _SAID + "Now take $p(x) = x^2$ on the line.\n$$\n\\int_{-\\infty}^{\\infty} p(x) \\; dx = 1\n$$\n"
    verdict, detail = _last(doc)
    assert verdict is not Verdict.PROVED, detail
    doc = _SAID + "$$\np(x) = \\frac{1}{2}\n$$\n$$\n\\int_{-\\infty}^{\\infty} p(x) \\; dx = 1\n$$\n"
    assert _last(doc)[0] is not Verdict.PROVED
