"""Roles named in prose (attack P129-P131): "Let $p$ be the probability of heads", "$\\sigma$ the standard deviation".

A role that fixes a sign is a kind (a standard deviation, distance, norm, length or radius is nonnegative; a learning
rate or the rate of a Poisson or exponential law positive); a probability, proportion, count, mixture weight or a rate
of unknown sign is a range: no refutation outside it stands. Negated, hedged, conditional or narrowed roles ("the
change in distance", "the log probability", "if $p$ is ...") declare nothing.
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict
from derive.latex.assumptions import roles_in_words


def _one(text: str) -> derive.Result:
    (r,) = derive.check_latex(text)
    return r


@pytest.mark.parametrize(
    "sentence",
    [
        "Let $p$ be the probability of heads.",
        "Let $\\theta$ denote the success probability.",
        "Let $P$ be the probability of the projection event.",
        "Here $q$ is the fraction of defective items.",
        "Let $\\pi_1$ be the mixing weight of the first component.",
        "with success probability $p$ for each trial.",
    ],
)
def test_a_probability_in_words_is_not_refuted_outside_the_unit_interval(sentence: str) -> None:
    name = sentence.split("$")[1]
    r = _one(f"{sentence}\n$$ {name}^2 \\le {name} $$\n")
    assert r.verdict is Verdict.UNDECIDED
    assert "states a range for it" in r.detail


@pytest.mark.parametrize(
    ("sentence", "step"),
    [
        ("Let $\\sigma$ be the standard deviation of $X$.", "\\sqrt{\\sigma^2} = \\sigma"),
        ("Let $d$ be the distance between $x$ and $y$.", "|d| = d"),
        ("Let $\\lambda$ be the rate of the exponential distribution.", "\\sqrt{\\lambda^2} = \\lambda"),
        ("where $r$ denotes the radius of the ball.", "|r| = r"),
        ("Let $s$ be the sample variance.", "|s| = s"),
        ("We train with learning rate $\\eta$.", "|\\eta| = \\eta"),
    ],
)
def test_a_role_that_fixes_a_sign_is_a_kind(sentence: str, step: str) -> None:
    r = _one(f"{sentence}\n$$ {step} $$\n")
    assert r.verdict is Verdict.PROVED
    assert ": nonnegative, from" in r.detail or ": positive, from" in r.detail


def test_a_positive_rate_still_refutes_a_false_step_inside_its_range() -> None:
    r = _one("Let $\\lambda$ be the rate of the Poisson process.\n$$ \\lambda^2 = \\lambda $$\n")
    assert r.verdict is Verdict.REFUTED


def test_a_rate_of_unknown_sign_is_only_a_range() -> None:
    r = _one("Let $g$ be the growth rate of the population.\n$$ |g| = g $$\n")
    assert r.verdict is Verdict.UNDECIDED
    assert "states a range for it" in r.detail


@pytest.mark.parametrize(
    "sentence",
    [
        "Let $d$ be the change in distance.",
        "Let $d$ be the signed distance to the plane.",
        "If $d$ is the distance between $x$ and $y$, the claim below is easy.",
        "We do not assume $d$ is the distance between the points.",
        "Possibly $d$ is the distance between the points.",
        "Let $d$ be the distance function.",
        "For now let $d$ be the distance between the points.",
    ],
)
def test_a_narrowed_negated_or_conditional_role_declares_nothing(sentence: str) -> None:
    r = _one(f"{sentence}\n$$ |d| = d $$\n")
    assert r.verdict is Verdict.REFUTED
    assert "d = -5/2" in r.detail


def test_a_log_probability_or_a_density_is_no_probability() -> None:
    assert roles_in_words("Let $\\ell$ be the log probability of the data.") == []
    assert roles_in_words("Let $p$ be the probability density of $X$.") == []
    assert roles_in_words("Let $f$ be the probability mass function.") == []


def test_only_bare_names_get_a_role() -> None:
    assert roles_in_words("Let $\\sigma^2$ be the variance.") == []
    assert roles_in_words("Let $d(x, y)$ be the distance.") == []
    assert roles_in_words("Let $\\sigma > 0$ be the standard deviation.") == []


def test_a_kind_stated_after_the_role_in_its_sentence_wins() -> None:
    text = "Let $\\sigma$ be the standard deviation, $\\sigma > 0$.\n$$ \\frac{\\sigma}{|\\sigma|} = 1 $$\n"
    assert _one(text).verdict is Verdict.PROVED


def test_a_role_ends_with_its_section() -> None:
    text = "# A\nLet $d$ be the distance between the points.\n# B\n$$ |d| = d $$\n"
    r = _one(text)
    assert r.verdict is Verdict.REFUTED


def test_an_exact_range_in_the_paragraph_wins_over_the_role() -> None:
    text = "Let $p$ be the probability of heads, $p \\in (0, 1)$.\n$$ p^2 < p $$\n"
    r = _one(text)
    assert r.verdict is _one("Let $p \\in (0, 1)$.\n$$ p^2 < p $$\n").verdict is Verdict.VERIFIED
    assert "(read with p: probability, from p \\in (0, 1) (line 1))" in r.detail


def test_a_probability_in_words_does_not_hide_a_refutation_inside_its_range() -> None:
    r = _one("Let $p$ be the probability of heads.\n$$ p^2 = p $$\n")
    assert r.verdict is not Verdict.PROVED
    assert r.verdict is not Verdict.VERIFIED


def test_an_exact_kind_earlier_in_the_section_is_not_blurred_by_a_role() -> None:
    step = "$$ \\frac{\\sigma}{|\\sigma|} = 1 $$\n"
    r = _one(f"Assume $\\sigma > 0$.\n\nLet $\\sigma$ be the standard deviation.\n{step}")
    assert r.verdict is Verdict.PROVED
    assert "sigma: positive, from \\sigma > 0 (line 1)" in r.detail
    # in another section the role stands alone
    r = _one("# A\nAssume $\\sigma > 0$.\n# B\nLet $\\sigma$ be the standard deviation.\n$$ \\sigma^2 = \\sigma $$\n")
    assert r.verdict is Verdict.REFUTED
    assert r.detail.startswith("differs at sigma = 3/4")
    assert "sigma: nonnegative, from $\\sigma$ be the standard deviation (line 4)" in r.detail


def test_only_a_rate_of_a_law_is_positive() -> None:
    (hit,) = roles_in_words("Let $\\lambda$ be the rate of the exponential distribution.")
    assert hit[2:4] == ("lambda", "positive")
    (hit,) = roles_in_words("Let $r$ be the rate at which the loss decays, exponential in time.")
    assert hit[2:4] == ("r", None)
