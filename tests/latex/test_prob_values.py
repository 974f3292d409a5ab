"""Probability notation at values, end to end (derive.tiers._prob_values behind the LaTeX reader).

Bishop's ``\\sum_{x=0}^{1} p(x|\\mu) = p(x = 0|\\mu) + p(x = 1|\\mu)`` and the sum rule
``p(X|\\theta) = \\int p(X, Z|\\theta)\\,dZ`` hold for every law and are proved, naming the rules used;
what needs the law (its support, its values), another variable, a bounded integral, an integrated
condition, a declared p or a text that defines p otherwise is never proved and never refuted by it.
"""

from __future__ import annotations

import pytest

from derive.api import check_latex
from derive.model import Verdict

P, U = Verdict.PROVED, Verdict.UNDECIDED
AT_VALUES = "p(x = v | ...) read as the law of the variable x at the value v"
SUM_RULE = "the sum rule: a density integrates to 1 over the whole line"


def one(text: str, symbols: dict[str, str] | None = None):
    (r,) = check_latex(f"$${text}$$\n", symbols=symbols)
    return r


@pytest.mark.parametrize(
    ("tex", "rule"),
    [
        (r"\sum_{x=0}^{1} p(x | \mu) = p(x = 0 | \mu) + p(x = 1 | \mu)", "written out term by term"),
        (r"\sum_{x=0}^{1} xp(x | \mu) = 0 \cdot p(x = 0 | \mu) + 1 \cdot p(x = 1 | \mu)", "written out"),
        (
            r"-\sum_{x=0}^{1} p(x | \mu) \ln p(x | \mu) = -p(x = 0 | \mu)\ln p(x = 0 | \mu) - p(x = 1 | \mu) "
            r"\ln p(x = 1 | \mu)",
            "written out",
        ),
        (r"\sum_{k=1}^{3} P(Z = k \mid x) = P(Z=1|x) + P(Z=2|x) + P(Z=3|x)", "written out"),
        (r"p(X | \theta) = \int p(X, Z| \theta) dZ", SUM_RULE),
        (r"p(x \mid \mu) = \int_{-\infty}^{\infty} p(x, y \mid \mu) \, dy", SUM_RULE),
        (r"\int p(y|x) \, dy = 1", SUM_RULE),
        (r"\int p(x|\theta) p(\theta) \, d\theta = \int p(x, \theta | \mu) d\theta \cdot 0 + p(x)", SUM_RULE),
    ],
)
def test_proved_for_every_law_at_values(tex: str, rule: str) -> None:
    r = one(tex)
    assert r.verdict is P, r.detail
    assert AT_VALUES in r.detail
    assert rule in r.detail


@pytest.mark.parametrize(
    "tex",
    [
        # the law's support and values are not in the notation
        r"\sum_{x=0}^{1} p(x | \mu) = 1",
        r"p(x = 0 | \mu) + p(x = 1 | \mu) = 1",
        r"\sum_{x=0}^{1} xp(x | \mu) = \mu",
        # another variable, a missing term, a doubled term
        r"\sum_{y=0}^{1} p(y | \mu) = p(x = 0 | \mu) + p(x = 1 | \mu)",
        r"\sum_{x=0}^{2} p(x | \mu) = p(x = 0 | \mu) + p(x = 1 | \mu)",
        r"\sum_{x=0}^{1} p(x | \mu) = 2p(x = 0 | \mu)",
        # a bounded integral, the condition integrated, two factors in the variable, the wrong marginal
        r"p(x \mid \mu) = \int_0^1 p(x, y \mid \mu) \, dy",
        r"\int p(y|x) \, dx = 1",
        r"\int p(x, y|z) p(y) \, dy = p(x|z)",
        r"\int p(x|\theta) p(\theta) \, d\theta = p(x|\theta)",
        r"\int y\, p(x, y|z) \, dy = p(x|z)",
        # a kernel and an initial law: integrating over s gives the next law, not p(s')
        r"\int_{-\infty}^{\infty} p(s' \mid s)\,p(s)\,ds = p(s')",
        # no bar or event: p may be any function
        r"\int_{-\infty}^{\infty} p(x) \, dx = 1",
        r"p(x) = \int p(x, y) \, dy",
    ],
)
def test_not_proved_without_the_law(tex: str) -> None:
    r = one(tex)
    assert r.verdict is U, r.detail
    assert AT_VALUES not in r.detail


def test_a_declared_p_is_no_probability() -> None:
    doc = "---\nderive:\n  functions: [p]\n---\n$$p(X | \\theta) = \\int p(X, Z| \\theta) dZ$$\n"
    (r,) = check_latex(doc)
    assert r.verdict is U
    assert AT_VALUES not in r.detail


def test_a_text_that_defines_p_otherwise_leaves_it_undecided() -> None:
    doc = (
        "Let $p(a \\mid b) = a - b$ for numbers $a, b$.\n\n"
        "$$\\sum_{x=0}^{1} p(x | \\mu) = p(x = 0 | \\mu) + p(x = 1 | \\mu)$$\n"
    )
    r = check_latex(doc)[-1]
    assert r.verdict is U
    assert "the text defines p otherwise (p(a \\mid b) = a - b)" in r.detail


# --- a law the text states, put in for p of its variable ---------------------------------------

NORMAL = "Let $x \\sim \\mathcal{N}(0, 1)$.\n\n"
BERN = "Let $x \\sim \\mathrm{Bern}(\\mu)$.\n\n"
UNIF = "Let $x \\sim \\mathcal{U}(0, 1)$.\n\n"


def last(doc: str):
    return check_latex(doc)[-1]


@pytest.mark.parametrize(
    ("doc", "law"),
    [
        (NORMAL + "$$\\int_{-\\infty}^{\\infty} x^2 p(x) \\, dx = 1$$\n", "x ~ Normal(0, 1)"),
        (NORMAL + "$$p(x = 0) = \\frac{1}{\\sqrt{2\\pi}}$$\n", "x ~ Normal(0, 1)"),
        (
            "Let $x \\sim \\mathcal{N}(\\mu, \\sigma^2)$.\n\n"
            "$$p(x = \\mu | \\mu, \\sigma) = \\frac{1}{\\sqrt{2\\pi\\sigma^2}}$$\n",
            "x ~ Normal(mu, sigma**2)",
        ),
        (BERN + "$$\\sum_{x=0}^{1} p(x|\\mu) = 1$$\n", "x ~ Bernoulli(mu)"),
        (BERN + "$$\\sum_{x=0}^{1} x p(x|\\mu) = \\mu$$\n", "x ~ Bernoulli(mu)"),
        (
            BERN + "$$p(x = 0 | \\mu) + p(x = 1 | \\mu) = \\mu^0(1 - \\mu)^1 + \\mu^1(1 - \\mu)^0$$\n",
            "x ~ Bernoulli(mu)",
        ),
        (BERN + "$$P(x = 1) = \\mu$$\n", "x ~ Bernoulli(mu)"),
        (UNIF + "$$p(x = \\tfrac{1}{2}) = 1$$\n", "x ~ Uniform(0, 1)"),
        # the same law stated twice is one law; an integral does not see the ends of the support
        (
            NORMAL + "Recall $x \\sim \\mathcal{N}(0,1)$.\n\n$$p(x = 0) = \\frac{1}{\\sqrt{2\\pi}}$$\n",
            "x ~ Normal(0, 1)",
        ),
        (
            "Let $x \\sim \\mathrm{Exp}(\\lambda)$ with $\\lambda > 0$.\n\n"
            "$$\\int_{0}^{\\infty} x p(x) dx = \\frac{1}{\\lambda}$$\n",
            "x ~ Exponential(lambda)",
        ),
    ],
)
def test_proved_under_the_stated_law(doc: str, law: str) -> None:
    r = last(doc)
    assert r.verdict is P, r.detail
    assert r.detail.startswith(f"proved under the law the text states ({law})")
    assert "that law's density or mass function put in for p of its variable" in r.detail


@pytest.mark.parametrize(
    "doc",
    [
        # false under the law: never proved, and never refuted through a reading of p
        NORMAL + "$$\\int_{-\\infty}^{\\infty} x^2 p(x) \\, dx = 2$$\n",
        BERN + "$$p(x = 1|\\mu) = 1 - \\mu$$\n",
        UNIF + "$$p(x = 2) = 1$$\n",
        # a mass function outside its support: Bernoulli's formula at 2 is no probability
        BERN + "$$p(x = 2|\\mu) = \\frac{\\mu^2}{1-\\mu}$$\n",
        # P of a continuous variable may be its distribution function; q is another law
        NORMAL + "$$P(x = 0) = \\frac{1}{\\sqrt{2\\pi}}$$\n",
        NORMAL + "$$q(x = 0) = \\frac{1}{\\sqrt{2\\pi}}$$\n",
        # conditioned on something that is no parameter of the law
        NORMAL + "$$p(x = 0 | y) = \\frac{1}{\\sqrt{2\\pi}}$$\n",
        # a parameter integrated over: p(x) does not vary with mu
        "Let $x \\sim \\mathcal{N}(\\mu, 1)$.\n\n$$\\int_{-\\infty}^{\\infty} p(x = 0) \\, d\\mu = 1$$\n",
        # a random parameter: the marginal of x is another law
        "Let $\\mu \\sim \\mathcal{N}(0, 1)$ and $x \\sim \\mathcal{N}(\\mu, 1)$.\n\n"
        "$$p(x = \\mu) = \\frac{1}{\\sqrt{2\\pi}}$$\n",
        # the text defines p otherwise
        "Let $x \\sim \\mathcal{N}(0, 1)$, and let $p(t) = t^2 + 1$ be a polynomial.\n\n"
        "$$p(x = 0) = \\frac{1}{\\sqrt{2\\pi}}$$\n",
        # a law stated in problem 1 does not hold in problem 2
        "**Problem 1.** Let $x \\sim \\mathcal{N}(0, 1)$.\n\n$$x = x$$\n\n**Problem 2.** Something else.\n\n"
        "$$p(x = 0) = \\frac{1}{\\sqrt{2\\pi}}$$\n",
        # the density at an end of the support is a convention (1 on [0, 1], 0 on (0, 1))
        UNIF + "$$p(x = 0) = 1$$\n",
        UNIF + "$$p(x = 1) = 0$$\n",
        # p also a value in the step
        UNIF + "$$p \\cdot p(x = \\tfrac{1}{2}) = p$$\n",
        # another variable's name: the law of x says nothing of y
        NORMAL + "$$p(y = 0) = \\frac{1}{\\sqrt{2\\pi}}$$\n",
    ],
)
def test_not_proved_beyond_the_stated_law(doc: str) -> None:
    r = last(doc)
    assert r.verdict is U, r.detail
    assert "that law's density" not in r.detail or "under that meaning the proof says nothing" in r.detail


@pytest.mark.parametrize(
    "doc",
    [
        "Let $x \\sim \\mathcal{N}(1, 1)$. In the second model, $x \\sim \\mathcal{N}(0, 1)$.\n\n"
        "$$p(x = 0) = \\frac{1}{\\sqrt{2\\pi}}$$\n",
        "We compare $x \\sim \\mathcal{N}(1, 1)$ with $x \\sim \\mathcal{N}(0, 1)$.\n\n"
        "$$p(x = 0) = \\frac{1}{\\sqrt{2\\pi}}$$\n",
        "Let $x \\sim \\mathrm{Bern}(1/2)$. In part two, $x \\sim \\mathrm{Bern}(\\theta)$.\n\n"
        "$$P(x = 1) = \\theta$$\n",
        "Here $x$ is uniform on $[0, 2]$; later $x \\sim \\mathcal{U}(0, 1)$.\n\n$$p(x = \\tfrac{1}{2}) = 1$$\n",
    ],
)
def test_two_laws_for_one_variable_leave_the_step_undecided(doc: str) -> None:
    r = last(doc)
    assert r.verdict is U, r.detail
    assert "but the text states more than one for it" in r.detail
