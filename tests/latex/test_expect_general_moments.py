"""Moments the prose states without a law (derive.latex.expect_words.moments_in_words), and the steps they decide.

The words: an inline equation through E, Var, Cov in a sentence that assumes it, or "$X$ has mean $\\mu$ and
variance $\\sigma^2$". Never: what the text shows, asks, doubts, or qualifies ("if and only if"), a list of
names, a statement in another problem. End to end (once Claim.moments is wired, GENE.patch): a step that
follows from the statements for every law is proved quoting them; one that does not stays undecided.
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict
from derive.latex.expect_words import moments_at, moments_in_words
from derive.model import Claim


def _facts(doc: str) -> list[tuple[str, str]]:
    return [(s.lhs, s.rhs) for s in moments_in_words(doc)]


@pytest.mark.parametrize(
    ("doc", "facts"),
    [
        ("Suppose $E[X] = \\mu$.", [("E[X]", "\\mu")]),
        (
            "Assume $\\mathbb{E}[\\epsilon] = 0$ and $\\mathrm{Var}(\\epsilon) = \\sigma^2$.",
            [
                ("\\mathbb{E}[\\epsilon]", "0"),
                ("\\mathrm{Var}(\\epsilon)", "\\sigma^2"),
            ],
        ),
        ("where $\\mathbb{E}[x] = m$,", [("\\mathbb{E}[x]", "m")]),
        (
            "Let $X$ have mean $\\mu$ and variance $\\sigma^2$.",
            [
                ("\\mathbb{E}[X]", "\\mu"),
                ("\\mathrm{Var}(X)", "\\sigma^2"),
            ],
        ),
        ("Consider a random variable $Z$ with mean $0$.", [("\\mathbb{E}[Z]", "0")]),
        ("Let $Y$ have variance $4$.", [("\\mathrm{Var}(Y)", "4")]),
    ],
)
def test_statements_found(doc: str, facts: list[tuple[str, str]]) -> None:
    assert _facts(doc) == facts


@pytest.mark.parametrize(
    "doc",
    [
        "We show that $E[X] = \\mu$.",
        "Then $E[X] = \\mu$.",
        "Is $E[X] = 0$?",
        "We cannot assume $E[X] = 0$.",
        "For any $X$, $\\textrm{Var}(X) \\ge 0$, with $\\textrm{Var}(X) = 0$ if and only if $X$ is a constant.",
        "Suppose $E[X] \\neq 0$.",
        "Note $E[X] = \\mu$.",  # stated without assuming: a result of the text, not an assumption
        "Suppose $x = 2$.",  # no moment
        "Let $X_1, X_2$ have mean $0$.",  # a list of names, not one random variable
        "Assume $X$ has mean $\\mu$ when $t > 0$.",
        # conditional or inexact moments (attacker G128, G143, G144, G147)
        "Given $Y$, the random variable $X$ has mean $Y$ and variance $1$.",
        "Let $Y$ be a random variable. Conditional on $Y$, $X$ has mean $Y$ and variance $1$.",
        "For large $n$, $\\bar X_n$ has mean $\\mu$ and variance $\\sigma^2/n$ asymptotically.",
        "Suppose $E[X] \\approx \\mu$.",
        "Let $X$ have mean $\\mu$ approximately.",
        "Let $X$ and $Y$ be random variables, where $X$ has mean $Y$.",
        "Let $Y \\sim \\mathcal{N}(0, 1)$, and let $X$ have mean $Y$.",
        "Let $\\mu$ be random. Suppose $E[X] = \\mu$.",
    ],
)
def test_no_statement(doc: str) -> None:
    assert _facts(doc) == []


def test_a_statement_ends_at_the_next_problem_and_a_case_reaches_its_display_only() -> None:
    doc = "Suppose $E[X] = \\mu$.\n\n## Problem 2\n\nHere $$E[X] = \\mu$$"
    stated = moments_in_words(doc)
    assert moments_at(doc, stated, doc.index("$$E"), doc.index("$$E")) == ()
    doc = "If $X$ has mean $0$, then $$E[2X] = 0$$ and later. $$E[3X] = 0$$"
    stated = moments_in_words(doc)
    first, second = doc.index("$$E[2"), doc.index("$$E[3")
    assert [f[:2] for f in moments_at(doc, stated, first, first)] == [("\\mathbb{E}[X]", "0")]
    assert moments_at(doc, stated, second, second) == ()


def test_a_later_sentence_about_the_name_drops_the_statement() -> None:
    doc = "Suppose $E[X] = \\mu$. Now let $X$ be arbitrary. $$E[X] = \\mu$$"
    stated = moments_in_words(doc)
    at = doc.index("$$")
    assert moments_at(doc, stated, at, at) == ()


_WIRED = "moments" in getattr(Claim, "__dataclass_fields__", {})
wired = pytest.mark.skipif(not _WIRED, reason="Claim.moments is wired by GENE.patch")


def _verdicts(doc: str) -> list[tuple[Verdict, str]]:
    return [(r.verdict, r.detail or "") for r in derive.check_latex(doc, isolated=True)]


@wired
@pytest.mark.parametrize(
    "doc",
    [
        "Let $X$ have mean $\\mu$ and variance $\\sigma^2$.\n\n$$\\mathbb{E}[X^2] = \\sigma^2 + \\mu^2$$",
        "Suppose $\\mathbb{E}[X] = \\mu$ and $\\mathrm{Var}(X) = \\sigma^2$.\n\n"
        "$$\\mathbb{E}[X^2] = \\sigma^2 + \\mu^2$$",
        "Let $X$ have mean $\\mu$.\n\n$$\\mathbb{E}[(X - \\mu)^2] = \\mathbb{E}[X^2] - \\mu^2$$",
        "Consider a random variable $Z$ with mean $0$.\n\n$$\\mathbb{E}[(Z + 1)^2] = \\mathbb{E}[Z^2] + 1$$",
        "Let $X$ be a random variable with mean $\\mu$ and variance $\\sigma^2$.\n\n"
        "$$\\mathbb{E}[X^2] = \\sigma^2 + \\mu^2$$",
    ],
)
def test_stated_moments_prove_end_to_end(doc: str) -> None:
    ((verdict, detail),) = _verdicts(doc)
    assert verdict is Verdict.PROVED, detail
    assert "as the text states" in detail and "line 1" in detail


@wired
@pytest.mark.parametrize(
    "doc",
    [
        # a mean gives no second moment, no mean of a function, no product
        "Let $X$ have mean $\\mu$.\n\n$$\\mathbb{E}[X^2] = \\mu^2$$",
        "Let $X$ have mean $\\mu$.\n\n$$\\mathbb{E}[1/X] = 1/\\mu$$",
        "Let $X$ have mean $\\mu$.\n\n$$\\mathbb{E}[e^X] = e^{\\mu}$$",
        "Let $X$ have mean $\\mu$.\n\n$$\\mathbb{E}[XY] = \\mu \\mathbb{E}[Y]$$",
        # what the text shows is not assumed
        "We show that $\\mathbb{E}[X] = \\mu$.\n\n$$\\mathbb{E}[2X] = 2\\mu$$",
        # a statement of another problem
        "Suppose $\\mathbb{E}[X] = \\mu$.\n\n## Problem 2\n\n$$\\mathbb{E}[2X] = 2\\mu$$",
        # a mean stated for X says nothing about a factor a nobody calls a number
        "Let $X$ have mean $\\mu$.\n\n$$\\mathbb{E}[aX] = a\\mu$$",
        # E defined by the text as a function: its value is no moment
        "Let $E(x) = x^2$ and suppose $E(X) = \\mu$.\n\n$$E(2X) = 2\\mu$$",
        # conditional or inexact moments (attacker G128, G143, G144, G147)
        "Given $Y$, the random variable $X$ has mean $Y$ and variance $1$.\n\n$$E[X] = Y$$",
        "Let $Y$ be a random variable. Conditional on $Y$, $X$ has mean $Y$ and variance $1$.\n\n$$E[X^2] = Y^2 + 1$$",
        "Let $Y \\sim \\mathcal{N}(0, 1)$, and let $X$ have mean $Y$.\n\n$$E[X] = Y$$",
        "For large $n$, $\\bar X_n$ has mean $\\mu$ and variance $\\sigma^2/n$ asymptotically.\n\n"
        "$$E[\\bar X_n^2] = \\frac{\\sigma^2}{n} + \\mu^2$$",
        # the name is redefined after the statement (attacker X34)
        "Let $\\mu_X = \\mathbb{E}[X]$ denote the mean of $X$. From now on, $\\mu_X$ instead denotes the sample "
        "mean $\\frac{1}{n}\\sum_i X_i$.\n\n$$\\mathbb{E}[(X - \\mu_X)^2] = \\mathbb{E}[X^2] - \\mu_X^2$$",
        "Let $X$ have mean $\\mu$ and variance $\\sigma^2$. Here $\\mu$ denotes the sample mean.\n\n"
        "$$\\mathbb{E}[X^2] = \\sigma^2 + \\mu^2$$",
        # a value the step itself takes a moment of is random
        "Let $X$ have mean $Y$.\n\n$$E[X] + \\mathrm{Var}(Y) = Y + \\mathrm{Var}(Y)$$",
    ],
)
def test_stated_moments_never_accept_more(doc: str) -> None:
    for verdict, detail in _verdicts(doc):
        assert verdict not in (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT), detail
