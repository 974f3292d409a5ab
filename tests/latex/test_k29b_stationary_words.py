"""A formula concluded in words that does not satisfy how the words say it was found (attacker K29b).

"Setting the derivative of $\\theta^2 - 2a\\theta$ to zero, we get $$\\theta = 2a$$": the derivative at 2a is 2a, not
0, so θ := 2a is no definition a later step may rest on ("holds if θ = 2a, as concluded", naming why it is wrong).
A value that satisfies the words (θ = a), words derive does not read, or a derivative with respect to another name
keep the formula a definition, as before (`derive.latex.results_stationary`).
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict
from derive.latex.results_stationary import stationary_check

_ACCEPTED = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)


def _last(text: str) -> derive.Result:
    return derive.check_latex(text)[-1]


@pytest.mark.parametrize(
    ("premise", "value", "after"),
    [
        (
            "Setting the derivative of $\\theta^2 - 2a\\theta$ to zero, we get",
            "\\theta = 2a",
            "\\theta^2 - 2a\\theta = 0",
        ),
        ("Setting the derivative of $\\theta^2 - 2a\\theta$ to zero, we get", "\\theta = 2a", "\\theta^2 = 4a^2"),
        (
            "Setting the derivative of $\\theta^2 - 2a\\theta$ with respect to $\\theta$ equal to zero gives",
            "\\theta = 2a",
            "\\theta - a = a",
        ),
        ("Differentiating $(m - a)^2 + (m - b)^2$ and setting it to zero gives", "m = \\frac{a + b}{3}", "3m = a + b"),
        ("Solving $2w - 6b = 0$ for $w$, we obtain", "w = 2b", "w - b = b"),
        ("Setting $2w - 4b$ to zero gives", "w = 4b", "w - 3b = b"),
        # attacker A6: another variable, a second derivative, another value than zero
        (
            "Setting the derivative of $\\theta^2 - 2a\\theta$ with respect to $a$ to zero, we get",
            "\\theta = a",
            "\\theta^2 - 2a\\theta = -a^2",
        ),
        (
            "Setting the second derivative of $\\theta^3 - 3a\\theta^2$ to zero, we get",
            "\\theta = 2a",
            "\\theta - a = a",
        ),
        ("Setting the derivative of $\\theta^2 - 2a\\theta$ to one, we get", "\\theta = a", "\\theta^2 = a^2"),
    ],
)
def test_a_wrong_formula_is_a_conclusion_not_a_definition(premise: str, value: str, after: str) -> None:
    r = _last(f"{premise}\n$${value}$$\nand so\n$${after}$$\n")
    assert r.verdict is Verdict.UNDECIDED, r.detail
    detail = r.detail or ""
    assert "as concluded at line" in detail
    assert "does not satisfy what the words say it was found by" in detail
    assert "not 0" in detail


@pytest.mark.parametrize(
    ("premise", "value", "after"),
    [
        # the right values: still definitions, the later step proved with them
        ("Setting the derivative of $\\theta^2 - 2a\\theta$ to zero, we get", "\\theta = a", "\\theta^2 = a^2"),
        ("Differentiating $(m - a)^2 + (m - b)^2$ and setting it to zero gives", "m = \\frac{a + b}{2}", "2m = a + b"),
        ("Solving $2w - 6b = 0$ for $w$, we obtain", "w = 3b", "w - b = 2b"),
        # words derive does not check: a minimiser may sit at a boundary or a kink
        ("Minimising $\\theta^2 - 2a\\theta$ over $\\theta \\ge 0$, we get", "\\theta = 2a", "\\theta^2 = 4a^2"),
        # the derivative with respect to another name, and an assignment "setting $w = ...$"
        # an assignment: no equation solved
        ("Setting $b = 1$, we get", "w = 4b", "w - 3b = b"),
        # the math names the variable, not a function written out (the corpus's MLE sentences)
        (
            "Setting this derivative to zero gives the MLE for $\\mu$:",
            "\\hat\\mu = \\frac{a + b}{2}",
            "2\\hat\\mu = a + b",
        ),
        ("Setting the gradient to zero and solving for $w$, we get", "w = 4b", "w - 3b = b"),
    ],
)
def test_a_right_or_unchecked_formula_stays_a_definition(premise: str, value: str, after: str) -> None:
    r = _last(f"{premise}\n$${value}$$\nand so\n$${after}$$\n")
    assert r.verdict is Verdict.PROVED, r.detail
    assert ":=" in (r.detail or "")


def test_a_false_step_after_a_wrong_conclusion_is_not_accepted() -> None:
    text = (
        "Setting the derivative of $\\theta^2 - 2a\\theta$ to zero, we get\n$$\\theta = 2a$$\nso\n"
        "$$\\theta^2 - 2a\\theta = 1$$\n"
    )
    assert _last(text).verdict not in _ACCEPTED


@pytest.mark.parametrize(
    ("before", "lhs", "rhs"),
    [
        ("Setting the derivative of $\\theta^2$ to zero, we get", "\\theta", "0"),
        ("Setting the derivative of $\\sum_{i=1}^n (x_i - \\mu)^2$ to zero gives", "\\mu", "\\frac{1}{n}"),  # a sum
        ("Setting the derivative of $\\log L(\\mu)$ to zero, we get", "\\hat\\mu", "\\bar x"),  # another name
        ("Setting the derivative of $\\theta^2$ to zero. Then for any $\\theta$,", "\\theta", "2a"),  # sentence ended
        ("Setting the derivative of $x^2 - 2ax$ to zero, we get", "x", "a"),
        ("We set the derivative of $x^2 - 2ax$ to zero elsewhere, so here", "x", "2a"),  # no premise pattern
        ("Solving $x^2 = a^2$ for $x$,", "x", "-a"),  # one root of two: it satisfies the equation
    ],
)
def test_stationary_check_says_nothing_where_it_cannot_tell_or_the_value_fits(before: str, lhs: str, rhs: str) -> None:
    assert stationary_check(before, lhs, rhs) is None


def test_stationary_check_names_the_point() -> None:
    why = stationary_check("Setting the derivative of $\\theta^2 - 2a\\theta$ to zero, we get", "\\theta", "2a")
    assert why is not None
    assert "2 a, not 0" in why
    assert "at a = 1" in why


@pytest.mark.parametrize(
    ("premise", "value", "shown"),
    [
        ("Setting the derivative of $\\theta^2 - 2a\\theta$ to zero, we get", "\\theta = 2a", "is 2 a, not 0"),
        ("Setting the derivative of $\\lambda^2 - 6\\lambda$ to zero, we get", "\\lambda = 2", "is -2, not 0"),
        ("Setting $2w - 4b$ to zero gives", "w = 4b", "is 4 b, not 0"),
    ],
)
def test_the_wrong_display_itself_is_refuted(premise: str, value: str, shown: str) -> None:
    r = derive.check_latex(f"{premise}\n$${value}$$\n")[0]
    assert r.verdict is Verdict.REFUTED, r.detail
    assert shown in (r.detail or "")
    assert "does not satisfy what the words say it was found by" in (r.detail or "")


@pytest.mark.parametrize(
    "text",
    [
        # right values
        "Setting the derivative of $\\theta^2 - 2a\\theta$ to zero, we get\n$$\\theta = a$$\n",
        "Setting the derivative of $\\lambda^2 - 6\\lambda$ to zero, we get\n$$\\lambda = 3$$\n",
        # wrong only at some values of a (2a(1 - a) is 0 at a = 1): no refutation, whatever a's kind
        "Setting the derivative of $\\theta^2 - 2a^2\\theta$ to zero, we get\n$$\\theta = a$$\n",
        # a given a value before: the step is read with it, and derive does not re-read the premise with it
        "Let $a = 0$. Setting the derivative of $\\theta^2 - 2a\\theta$ to zero, we get\n$$\\theta = 2a$$\n",
        # the equation solved is also a condition the prose states: derive reads the display under it, as before
        "Solving $2w - 6b = 0$ for $w$, we obtain\n$$w = 2b$$\n",
        # the words do not say the value came from the derivative
        "Minimising $\\theta^2 - 2a\\theta$ over $\\theta \\ge 0$, we get\n$$\\theta = 2a$$\n",
        "The derivative of $\\theta^2 - 2a\\theta$ is $2\\theta - 2a$. We get\n$$\\theta = 2a$$\n",
    ],
)
def test_a_right_display_or_one_wrong_only_somewhere_is_not_refuted(text: str) -> None:
    r = derive.check_latex(text)[-1]
    assert r.verdict is not Verdict.REFUTED, r.detail


def test_wrong_only_somewhere_is_still_no_definition() -> None:
    text = (
        "Setting the derivative of $\\theta^2 - 2a^2\\theta$ to zero, we get\n$$\\theta = a$$\nso\n"
        "$$\\theta^2 = a^2$$\n"
    )
    r = derive.check_latex(text)[-1]
    assert r.verdict is Verdict.UNDECIDED, r.detail
    assert "holds if \\theta = a" in (r.detail or "")


@pytest.mark.parametrize(
    ("premise", "value", "after"),
    [
        (
            "Setting the second derivative of $\\theta^3 - 3a\\theta^2$ to zero, we get",
            "\\theta = a",
            "\\theta - a = 0",
        ),
        (
            "Setting the derivative of $\\theta^2 - 2a\\theta$ to one, we get",
            "\\theta = a + \\frac{1}{2}",
            "2\\theta = 2a + 1",
        ),
        (
            "Setting the derivative of $\\theta^2 - 2a\\theta$ equal to $2$, we get",
            "\\theta = a + 1",
            "\\theta - 1 = a",
        ),
        (
            "Setting the derivative of $\\theta^2 - 2a\\theta + a^2$ with respect to $a$ to zero, we get",
            "\\theta = a",
            "2\\theta = 2a",
        ),
    ],
)
def test_right_values_of_other_orders_targets_and_variables_stay_definitions(
    premise: str, value: str, after: str
) -> None:
    r = _last(f"{premise}\n$${value}$$\nand so\n$${after}$$\n")
    assert r.verdict is Verdict.PROVED, r.detail


@pytest.mark.parametrize(
    "premise",
    [
        # words that derive from a written function, which derive cannot check: the value is concluded, unchecked
        "Setting the derivative of $\\theta^2 - 2a\\theta$ to its largest value, we get",
        "Setting the gradient of $\\theta^2 - 2a\\theta$ to zero, we get",
        "Setting the derivative of $f(\\theta)$ to zero, we get",
    ],
)
def test_unchecked_words_leave_a_conclusion(premise: str) -> None:
    r = _last(f"{premise}\n$$\\theta = a$$\nand so\n$$\\theta^2 = a^2$$\n")
    assert r.verdict is Verdict.UNDECIDED, r.detail
    assert "holds if \\theta = a" in (r.detail or "")


@pytest.mark.parametrize(
    ("value", "after", "verdict"),
    [
        ("\\hat\\theta = a", "\\hat\\theta - a = 0", Verdict.PROVED),  # the marked value of theta, right
        ("\\theta^* = a", "2\\theta^* = 2a", Verdict.PROVED),
        ("\\hat\\theta = 2a", "\\hat\\theta - a = a", Verdict.UNDECIDED),  # wrong: a conclusion, not a definition
    ],
)
def test_a_marked_name_is_checked_as_its_variable(value: str, after: str, verdict: Verdict) -> None:
    text = f"Setting the derivative of $(\\theta - a)^2$ to zero gives\n$${value}$$\nso\n$${after}$$\n"
    results = derive.check_latex(text)
    assert results[-1].verdict is verdict, results[-1].detail
    if verdict is Verdict.UNDECIDED:
        assert results[0].verdict is Verdict.REFUTED
        assert "with respect to \\theta at" in (results[0].detail or "")
