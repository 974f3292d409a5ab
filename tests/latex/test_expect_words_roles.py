"""Names fixed by the role the text gives them: "the true parameter $\\theta$", "$Y = aX + b$ ... a deterministic
function of $X$" (derive.latex.expect_words), each with wrong twins and readings that must stay undecided."""

from __future__ import annotations

import pytest

import derive
from derive.latex.expect_words import nonrandom_at, numbers_in_words


def _verdicts(doc: str) -> list[tuple[str, str]]:
    return [(r.verdict.value, r.detail) for r in derive.check_latex(doc, timeout=6)]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("we assume that the true parameter $\\theta$ of a given population is a scalar.", [("theta",)]),
        ("Here $\\theta$ is the true parameter.", [("theta",)]),
        ("the true parameters $\\alpha, \\beta$ of the model", [("alpha", "beta")]),
        # a true parameter drawn from a prior, a doubted one, a case, a true value or function (often random)
        ("the true parameter $\\theta$ is drawn from the prior.", []),
        ("the true parameter $\\theta \\sim p$ is unknown.", []),
        ("$\\theta$ is not the true parameter.", []),
        ("If $\\theta$ is the true parameter, then", []),
        ("the true value $y$ of the label", []),
        ("the true function $f$", []),
        ("the true parameterization $\\phi$", []),
    ],
)
def test_true_parameters_in_words(text: str, names: list[tuple[str, ...]]) -> None:
    assert sorted(s.names for s in numbers_in_words(text)) == sorted(names)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("consider $Y=aX+b$ as any linear deterministic function of $X$.", [("a", "b")]),
        ("Here $Z = \\alpha X_1 + \\beta$ is a deterministic affine function of $X_1$.", [("alpha", "beta")]),
        ("$Y = f(X)$ is a linear deterministic function of $X$.", [("f",)]),
        ("$Y = aX + b$ is a deterministic function of $X$.", []),
        # not a statement: negated, a case, the map's arguments not in it, a non-affine expression, no of-names
        ("$Y = aX + b$ is not a deterministic function of $X$.", []),
        ("If $Y = aX + b$ is a deterministic function of $X$, then", []),
        ("$Y = aX + b$ is a deterministic function of $Z$.", []),
        ("$Y = \\log(aX)$ is a deterministic function of $X$.", []),
        ("$Y = aX + b$ is a random function of $X$.", []),
    ],
)
def test_deterministic_maps_in_words(text: str, names: list[tuple[str, ...]]) -> None:
    assert sorted(s.names for s in numbers_in_words(text)) == sorted(names)


def test_a_true_parameter_lasts_past_headings_until_the_text_makes_it_random() -> None:
    doc = "Estimate the true parameter $\\theta$.\n\n## Next\n\nText.\n\n## Bayes\n\nNow put a prior on $\\theta$.\n\n"
    statements = numbers_in_words(doc)
    assert nonrandom_at(doc, statements, doc.index("Text.")) == ("theta",)
    assert nonrandom_at(doc, statements, len(doc)) == ()
    # a number said beside random variables still ends at the heading
    doc = "For a random variable $X$ and numbers $a$ and $b$.\n\n## Next\n\nText."
    assert nonrandom_at(doc, numbers_in_words(doc), len(doc)) == ()


_TRUE = "We assume that the true parameter $\\theta$ of a given population is a scalar value.\n\n## Bias\n\n"


@pytest.mark.parametrize(
    ("step", "verdict"),
    [
        ("E[\\hat{\\theta}_n - \\theta] = E[\\hat{\\theta}_n] - \\theta", "proved"),
        (
            "E[(\\hat{\\theta}_n - \\theta)^2] = E[\\hat{\\theta}_n^2] - 2\\theta E[\\hat{\\theta}_n] + \\theta^2",
            "proved",
        ),
        # wrong twins: the cross term dropped, the square of the mean for the mean of the square
        ("E[(\\hat{\\theta}_n - \\theta)^2] = E[\\hat{\\theta}_n^2] - \\theta^2", "undecided"),
        ("E[\\hat{\\theta}_n^2 \\theta] = \\theta E[\\hat{\\theta}_n]^2", "undecided"),
    ],
)
def test_the_true_parameter_comes_out_of_the_expectation(step: str, verdict: str) -> None:
    ((got, detail),) = _verdicts(_TRUE + f"$${step}$$\n")
    assert got == verdict, detail
    if verdict == "proved":
        assert "theta non-random" in detail


def test_without_the_role_the_parameter_stays_inside() -> None:
    ((got, _),) = _verdicts("## Bias\n\n$$E[\\hat{\\theta}_n - \\theta] = E[\\hat{\\theta}_n] - \\theta$$\n")
    assert got == "undecided"


_MAP = "Consider $X$ as any random variable, and $Y=aX+b$ as any linear deterministic function of $X$.  Then\n\n"


@pytest.mark.parametrize(
    ("step", "verdict"),
    [
        ("\\textrm{Cov}(X, aX+b) = a\\textrm{Cov}(X, X)", "proved"),
        ("\\textrm{Var}(aX+b) = a^2\\textrm{Var}(X)", "proved"),
        ("E[aX+b] = aE[X] + b", "proved"),
        # wrong twins: Var(aX) = a Var X, Cov picks up a^2 or b, E[X^2] taken for E[X]^2
        ("\\textrm{Var}(aX+b) = a\\textrm{Var}(X)", "undecided"),
        ("\\textrm{Cov}(X, aX+b) = a^2\\textrm{Cov}(X, X)", "undecided"),
        ("\\textrm{Cov}(X, aX+b) = a\\textrm{Cov}(X, X) + b", "undecided"),
        ("E[a X^2] = a E[X]^2", "undecided"),
    ],
)
def test_the_coefficients_of_a_deterministic_map_come_out(step: str, verdict: str) -> None:
    ((got, detail),) = _verdicts(_MAP + f"$${step}$$\n")
    assert got == verdict, detail
    ((alone, _),) = _verdicts("Consider $X$ as any random variable.\n\n" + f"$${step}$$\n")
    assert alone == "undecided"  # nothing says a and b are fixed


_ROLE = "Let $\\hat\\theta$ be an estimator of the true parameter $\\theta$.\n"


@pytest.mark.parametrize(
    "later",
    [
        # attacker K1: a draw in math, past a heading or not
        "## Another view\n\nSuppose now that $\\theta \\sim \\mathcal{N}(0, 1)$.\n",
        "Suppose now that $\\theta \\sim \\mathcal{N}(0, 1)$.\n",
        # attacker K3: a law in words; a density of theta; the author's own moment of theta alone
        "## Part 2\n\nIn this part $\\theta$ is uniform on $[0, 1]$.\n",
        "## Part 3\n\nHere $\\theta$ follows a Beta distribution.\n",
        "## Part 4\n\nWe put $p(\\theta) = 1$ on $[0, 1]$.\n",
        "## Part 5\n\nText.\n",
    ],
)
def test_a_lasting_role_ends_where_the_text_treats_theta_as_random(later: str) -> None:
    doc = _ROLE + "\n" + later + "\n$$\\mathbb{E}[\\theta^2] = \\theta^2$$\n\n$$\\mathrm{Var}(\\theta) = 0$$\n"
    assert [v for v, _ in _verdicts(doc)] == ["undecided", "undecided"]


def test_the_role_still_holds_past_a_heading_that_says_nothing_of_theta() -> None:
    doc = (
        _ROLE + "\n## Bias\n\nText.\n\n$$\\mathbb{E}[\\hat\\theta - \\theta] = \\mathbb{E}[\\hat\\theta] - \\theta$$\n"
    )
    assert [v for v, _ in _verdicts(doc)] == ["proved"]


def test_a_map_not_said_linear_fixes_nothing() -> None:
    # attacker K2: "Y = X + Z is a deterministic function of X" holds with Z = X^2
    doc = (
        "Let $X$ be a random variable. The output $Y = X + Z$ is a deterministic function of $X$.\n"
        "$$\\mathbb{E}[X + Z] = \\mathbb{E}[X] + Z$$\n$$\\mathrm{Var}(X + Z) = \\mathrm{Var}(X)$$\n"
    )
    assert [v for v, _ in _verdicts(doc)] == ["undecided", "undecided"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Let $X$, $Y$, $Z$ be random variables and $a$, $b$ constants.", [("a", "b")]),
        ("Let $X$ be a random variable and $a, b$ real numbers.", [("a", "b")]),
        # random numbers, no random variable in the sentence, a negation
        ("Let $X$ be a random variable and $a$ and $b$ random numbers.", []),
        ("Take $a$ and $b$ numbers.", []),
        ("Let $X$ be a random variable and not $a$ constants.", []),
    ],
)
def test_numbers_with_the_verb_elided(text: str, names: list[tuple[str, ...]]) -> None:
    assert sorted(s.names for s in numbers_in_words(text)) == sorted(names)


@pytest.mark.parametrize(
    ("step", "verdict"),
    [
        ("\\mathrm{Cov}(aX+b, Y) = a\\mathrm{Cov}(X, Y)", "proved"),
        ("\\mathrm{Var}(aX) = a^2\\mathrm{Var}(X)", "proved"),
        ("\\mathrm{Cov}(aX+b, Y) = a\\mathrm{Cov}(X, Y) + b", "undecided"),
        ("\\mathrm{Var}(aX) = a\\mathrm{Var}(X)", "undecided"),
        ("\\mathrm{Std}(aX) = a\\,\\mathrm{Std}(X)", "undecided"),  # |a|, not a
    ],
)
def test_elided_constants_come_out(step: str, verdict: str) -> None:
    doc = "Let $X$, $Y$, $Z$ be random variables and $a$, $b$ constants.\n\n" + f"$${step}$$\n"
    ((got, detail),) = _verdicts(doc)
    assert got == verdict, detail


def test_two_names_for_one_moment_conflict() -> None:
    # attacker K17: two groups' means given as names; the first must not be used for the second group
    doc = (
        "For the treatment group, $X$ has mean $\\mu_A$; for the control group, $X$ has mean $\\mu_B$. "
        "We now look at the control group.\n$$\\mathbb{E}[X + 1] = \\mu_A + 1$$\n"
    )
    assert _verdicts(doc)[-1][0] != "proved"
