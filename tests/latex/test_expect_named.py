"""A plain E the prose names the expectation (derive.latex.expect_named): when its definitions are that one's."""

from __future__ import annotations

import pytest

from derive.latex.expect_named import expectation_named

_TEITELBAUM = (
    "### Expectation\n\nLet $f:X\\to \\mathbb{R}$ be a random variable.  Then the *expectation* or *expected value* "
    "$E[f]$ of $f$ is\n$$\nE[f] = \\sum_{x} f(x)P(x).\n$$\n"
)


@pytest.mark.parametrize(
    "prose",
    [
        _TEITELBAUM,
        "Here $E[X]$ denotes the expectation of $X$.",
        "We write the mean $E[X]$ of a random variable as a sum.",
        _TEITELBAUM
        + "\n#### Variance\n\nThe expression of $E$ as a sum (or integral) gives\n",  # a subsection keeps it
        "\\emph{expected value} $E[g]$ is the average.",
        _TEITELBAUM + "**Proposition:** Expectation is linear: $E[aX+bY]=aE[X]+bE[Y]$.",  # no role: linear
    ],
)
def test_the_prose_names_its_e_the_expectation(prose: str) -> None:
    assert expectation_named(prose) is not None


@pytest.mark.parametrize(
    "prose",
    [
        "",
        "Let $E(w) = w^2$.",  # no naming at all
        _TEITELBAUM + "Let $E(w) = \\frac12 w^2$ be the error.",  # a second E of the text's own
        "Let $E(w) = \\frac12 w^2$ be the error. " + _TEITELBAUM,  # before it, too
        _TEITELBAUM + "Minimise the error $E(w)$ over $w$.",  # a role in words
        _TEITELBAUM + "Here $E$ is the energy.",
        _TEITELBAUM + "A state with energy $E$ is likely.",  # a role word without an article
        _TEITELBAUM + "We minimise training error $E(w)$.",
        "Here $E[X]$ denotes the expectation and $E(w)$ the energy.",  # a role after the math, no verb
        _TEITELBAUM + "Let $E$ denote the number of edges.",  # the verb's other forms
        _TEITELBAUM + "Let $E$ stand for the evidence.",
        _TEITELBAUM + "$$E = m c^2$$",  # a bare E
        _TEITELBAUM + "$$E(w) = \\sum_n (y_n - w x_n)^2$$",  # a function E of its own
        _TEITELBAUM + "$$E^2 + 1 = 0$$",
        _TEITELBAUM + "\\begin{align} E &= m c^2 \\end{align}",  # an aligned definition
        _TEITELBAUM + "\\begin{align} E(w) &= \\frac12 w^2 \\end{align}",
        "Here $E$ is not the expectation. " + "Here $E[X]$ denotes the expectation of $X$.",
        "We do not mean the expectation $E[X]$ of $X$ here.",  # doubted
        _TEITELBAUM + "\n### Energy\n\nNow\n",  # a heading of its own level ends it
        _TEITELBAUM + "\n## Models\n\nNow\n",  # ... and a higher one
        "The expected value of the loss $E(w)$ is",
        # E(X) = ... with round brackets is the form an error function takes too: derive cannot tell which
        "The expectation $E(X)$ of $X$ is $$E(X) = \\int x p(x) dx.$$",  # the loss, not the expectation
        "The expectation $\\mathbb{E}[X]$ of $X$ is",  # another E: the plain E is not named
        "The expectation $E_D[X]$ under $D$ is",  # a subscripted E: never ambiguous, not named here
    ],
)
def test_no_naming_or_another_role_keeps_the_other_reading(prose: str) -> None:
    assert expectation_named(prose) is None


def test_the_naming_is_quoted() -> None:
    assert expectation_named(_TEITELBAUM) == "the expectation or expected value $E[f]$"
