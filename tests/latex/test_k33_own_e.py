"""A text's own E written with square brackets (attacker K33): ``E[w] = \\frac12 (w - 3)^2`` defines a function E.

An expectation is not random, so its definition sums or integrates its argument out (``E[x] = \\int x p(x) dx``),
applies it (``E[f] = \\sum_x f(x) p(x)``) or gives it a value (``E[x] = \\mu``). A right side that uses the bracket's
names as free values defines a function E of its own, whatever the words around it ("the mean squared error"), and
the expectation reading of a later ``E[2X]`` is then one of two: linearity proves nothing (undecided, naming the doubt).
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict
from derive.latex.definitions_words import own_function_target
from derive.latex.expect_named import expectation_named

_ACCEPTED = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)
_DOUBT = "may be an expectation or the E the text defines"


def _results(text: str) -> list[derive.Result]:
    return derive.check_latex(text)


@pytest.mark.parametrize(
    "text",
    [
        # the attacker's cases: "mean squared error" and "the mean ... of the loss" named E the expectation
        "Here $E[w]$ is the mean squared error of the weight $w$,\n$$E[w] = \\frac{1}{2}(w - 3)^2$$\n"
        "$$E[2X] = 2E[X]$$\n",
        "The mean $E[w]$ of the loss over the data is\n$$E[w] = \\frac{1}{N}\\sum_{n=1}^N (y_n - w x_n)^2$$\n"
        "$$E[2w] = 2E[w]$$\n",
        # no words at all: the free use of w is the evidence
        "$$E[w] = \\frac{1}{2}(w - 3)^2$$\n$$E[2X] = 2E[X]$$\n",
        # round brackets without words: no definition (nothing substituted), but E[2X] may still be that E
        "$$E(w) = \\frac{1}{2}(w - 3)^2$$\n$$E[2X] = 2E[X]$$\n",
        "Consider $E(\\theta) = \\theta^2 + 1$.\n$$E[X + 1] = E[X] + 1$$\n",
        # Greek, bold, two parameters, \left[ \right]
        "$$E[\\theta] = (\\theta - 1)^2$$\n$$E[X + 1] = E[X] + 1$$\n",
        "$$E[\\mathbf{w}] = \\|\\mathbf{w}\\|^2$$\n$$E[2X] = 2E[X]$$\n",
        "$$E[w, b] = (w + b - 1)^2$$\n$$E[2X] = 2E[X]$$\n",
        "$$E\\left[w\\right] = w^2 + 1$$\n$$E[2X] = 2E[X]$$\n",
        # an expected loss as a function of the prediction: x is integrated out, w stays free
        "The risk of the prediction $w$ is\n$$E[w] = \\int (w - x)^2 p(x) \\, dx$$\n$$E[2w] = 2E[w]$$\n",
        # the definition in the prose, later naming E "the mean" does not undo it
        "Let $E[w] = (w - 3)^2$. The mean $E[X]$ of $X$ is used below.\n$$E[2X] = 2E[X]$$\n",
        # a heading between: the definition before any heading holds to the end, as a declaration does
        "Here $E[\\theta]$ is the mean squared error,\n$$E[\\theta] = \\frac{1}{2}(\\theta - 3)^2.$$\n\n"
        "# Expectations\n\n$$E[2X] = 2E[X]$$\n",
    ],
)
def test_linearity_is_not_accepted_under_a_text_defined_e(text: str) -> None:
    r = _results(text)[-1]
    assert r.verdict is Verdict.UNDECIDED, r.detail
    assert _DOUBT in (r.detail or "")


def test_the_definition_itself_is_a_definition() -> None:
    first = _results("$$E[w] = \\frac{1}{2}(w - 3)^2$$\n$$E[2X] = 2E[X]$$\n")[0]
    assert first.verdict is Verdict.UNDECIDED
    assert "defines E" in (first.detail or "")


@pytest.mark.parametrize(
    "text",
    [
        # wrong twins: definitions of the expectation itself keep linearity proved
        "The mean of $x$ is\n$$E[x] = \\int x p(x) \\, dx$$\n$$E[2x] = 2E[x]$$\n",
        "For a constant $c$,\n$$E[c] = c$$\n$$E[2X] = 2E[X]$$\n",
        "The expectation of $f$ is\n$$E[f] = \\sum_x f(x) p(x)$$\n$$E[2X] = 2E[X]$$\n",
        "The expectation $E[X]$ of $X$ is the mean of $X$.\n$$E[2X] = 2E[X]$$\n",
        "$$E[X] = \\sum_i x_i p_i$$\n$$E[2X] = 2E[X]$$\n",
        "$$E[x] = \\mu$$\n$$E[2x + 1] = 2E[x] + 1$$\n",
    ],
)
def test_an_expectation_definition_keeps_linearity(text: str) -> None:
    r = _results(text)[-1]
    assert r.verdict is Verdict.PROVED, r.detail


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        ("E[w]", "\\frac{1}{2}(w - 3)^2"),
        ("E[w]", "\\frac{1}{N}\\sum_{n=1}^N (y_n - w x_n)^2"),
        ("E[w]", "\\int (w - x)^2 p(x) \\mathrm{d}x"),
        ("E[\\theta]", "(\\theta - 1)^2"),
        ("E[w, b]", "(w + b)^2"),
        ("E[X]", "(X - 3)^2"),  # a capital used freely is no expectation either
    ],
)
def test_own_function_targets(lhs: str, rhs: str) -> None:
    assert own_function_target(lhs, rhs) == ("E", False)


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        ("E[f]", "\\int_X f(x)dP"),  # applied: the expectation of a function
        ("E[f]", "\\sum_{x\\in X} f(x)P(x)"),
        ("E[f]", "1\\cdot p+0\\cdot (1-p)"),  # f not used: a value
        ("E[x]", "\\frac{1}{\\sigma\\sqrt{2\\pi}}\\int_{-\\infty}^{\\infty} xe^{-x^2/2\\sigma^2}dx"),  # integrated out
        ("E[x]", "\\sum_x x p(x)"),  # summed out
        ("E[x]", "\\sum x p(x)"),  # a sum over what is not said
        ("E[x]", "\\int x p(x)"),  # an integral without its differential
        ("E[x]", "\\mu"),
        ("E[c]", "c"),  # the expectation of a constant
        ("E[X]", "\\sum_i x_i p_i"),  # x_i is not X
        ("E[w]", "\\mathbb{E}[(w - x)^2]"),  # an expectation on the right
        ("E[w]", "w^2 + E[w]"),
        ("E_p[w]", "w^2"),  # an expectation with its law
        ("E[2w]", "w"),  # not an application to names
        ("E(w)", "w^2"),  # round brackets: an error function when words say so (`error_function_target`)
        ("E[x | y]", "x + y"),  # a conditional expectation
        ("E[f_n]", "\\sum_n f_n(x)"),  # applied with an index
    ],
)
def test_expectation_shaped_definitions_define_nothing(lhs: str, rhs: str) -> None:
    assert own_function_target(lhs, rhs) is None


@pytest.mark.parametrize(
    "prose",
    [
        "Here $E[w]$ is the mean squared error of $w$.",
        "Here $E[w]$ is the mean absolute error of $w$.",
        "Then $E$ is the mean field energy.",
        "The mean $E[w]$ of the loss is $$E[w] = \\frac{1}{N}\\sum_{n=1}^N (y_n - w x_n)^2$$",
    ],
)
def test_mean_before_another_noun_or_an_own_e_names_no_expectation(prose: str) -> None:
    assert expectation_named(prose) is None


@pytest.mark.parametrize(
    "prose",
    [
        "$E[X]$ is the mean of $X$.",
        "$E[X]$ denotes the mean, and",
        "The mean $E[X]$ of $X$ is",
        "the mean value $E[X]$ of $X$",
        "The expectation $E[f]$ of $f$ is $$E[f] = \\sum_{x} f(x) p(x)$$",
    ],
)
def test_mean_as_the_head_noun_still_names_the_expectation(prose: str) -> None:
    assert expectation_named(prose) is not None


def test_a_round_e_of_a_random_argument_or_an_expectation_shape_raises_nothing() -> None:
    # E(x) = \\int ...: x integrated out; E(X) = \\mu: a value; neither is a function E of its own
    for before in ("$$E(x) = \\int x p(x) \\, dx$$\n", "$$E(X) = \\mu$$\n"):
        r = _results(before + "$$E[2X] = 2E[X]$$\n")[-1]
        assert _DOUBT not in (r.detail or ""), r.detail


@pytest.mark.parametrize(
    "text",
    [
        # attacker A2: E given another role in words, or defined by a formula no expectation has
        "Here $E[X]$ is the mean absolute value of $X$:\n$$E[X] = \\sum_x |x| p(x)$$\nThen\n$$E[-X] = -E[X]$$\n",
        "Throughout, $E[X]$ denotes the expected value of $X^2$, the second moment.\n$$E[2X] = 2E[X]$$\n",
        "The *expectation* $E[f]$ of $f$ is\n$$E[f] = \\sum_x f(x) p(x)$$\n"
        "In the next part $E[\\cdot]$ is the energy of a configuration.\n$$E[2x] = 2E[x]$$\n",
        "The *expectation* $E[f]$ of $f$ is\n$$E[f] = \\sum_x f(x) p(x)$$\n"
        "We also write $E[f]$ for the mean of $f^2$ from now on, so\n$$E[2f] = 2E[f]$$\n",
        "The expectation $E[f]$ of $f$ under $p$ is\n$$E[f] = \\sum_x f(x) p(x)$$\n"
        "Let $E[f] = \\max_x f(x)$ in the worst-case analysis below.\n$$E[f + g] = E[f] + E[g]$$\n",
    ],
)
def test_another_role_in_words_or_a_max_leaves_linearity_undecided(text: str) -> None:
    r = _results(text)[-1]
    assert r.verdict is Verdict.UNDECIDED, r.detail
    assert _DOUBT in (r.detail or "")


@pytest.mark.parametrize(
    "text",
    [
        # wrong twins: the naming is the expectation's own, of its own argument
        "The *expectation* $E[f]$ of $f$ is\n$$E[f] = \\sum_x f(x) p(x)$$\nLinearity:\n$$E[2f] = 2E[f]$$\n",
        "$E[X]$ denotes the expected value of $X$.\n$$E[2X] = 2E[X]$$\n",
        "$E[X]$ is the expected value of the random variable $X$.\n$$E[2X] = 2E[X]$$\n",
        "Consider $E(\\hat\\theta)$, the expected sample mean.\n$$E[2X] = 2E[X]$$\n",
        # 'for random variables' after the math is no role
        "The linearity of $E[X]$ for random variables $X, Y$ is used below.\n$$E[2X] = 2E[X]$$\n",
    ],
)
def test_the_expectations_own_naming_keeps_linearity(text: str) -> None:
    r = _results(text)[-1]
    assert r.verdict is Verdict.PROVED, r.detail


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [("E[f]", "\\max_x f(x)"), ("E[f]", "f(0) + f(1)")],
)
def test_an_applied_argument_without_a_sum_or_integral_is_an_own_function(lhs: str, rhs: str) -> None:
    assert own_function_target(lhs, rhs) == ("E", False)
