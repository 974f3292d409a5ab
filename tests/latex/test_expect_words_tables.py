"""Discrete laws the prose states by their values (derive.latex.expect_words): E[X^k] as the weighted sum."""

from __future__ import annotations

import pytest

import derive
from derive.latex.expect_words import moments_in_words

_LAW = (
    "Let $X$ be the random variable which takes the value $a-2$ with probability $p$, $a+2$ with probability $p$ "
    "and $a$ with probability $1-2p$."
)


def _moments(doc: str) -> list[tuple[str, str]]:
    """The moments stated, without the statements that a table is no law (their two sides are the same)."""
    return [(s.lhs, s.rhs) for s in moments_in_words(doc) if s.lhs != s.rhs]


def _verdicts(doc: str) -> list[str]:
    return [r.verdict.value for r in derive.check_latex(doc, timeout=6)]


def test_a_table_of_values_gives_the_moments() -> None:
    found = _moments(_LAW)
    assert [lhs for lhs, _ in found] == [
        r"\mathbb{E}[{X}]",
        r"\mathbb{E}[{X}^{2}]",
        r"\mathbb{E}[{X}^{3}]",
        r"\mathbb{E}[{X}^{4}]",
    ]
    assert found[1][1] == (
        r"\left(a-2\right)^{2} \left(p\right) + \left(a+2\right)^{2} \left(p\right) "
        r"+ \left(a\right)^{2} \left(1-2p\right)"
    )


def test_values_and_probabilities_as_lists() -> None:
    found = _moments("Suppose $B$ takes the values $0$ and $1$ with probabilities $1-q$ and $q$, respectively.")
    assert found[0] == (r"\mathbb{E}[{B}]", r"\left(0\right) \left(1-q\right) + \left(1\right) \left(q\right)")
    found = _moments(r"The variable $Z$ takes the values $-1, 0, 1$ with probabilities $\frac14, \frac12, \frac14$.")
    assert len(found) == 4


@pytest.mark.parametrize(
    "doc",
    [
        # probabilities that do not sum to 1: no law
        "Let $X$ take the value $0$ with probability $p$ and $1$ with probability $p$.",
        "Let $X$ take the value $0$ with probability $\\frac{1}{3}$ and $1$ with probability $\\frac{1}{3}$.",
        # a probability outside [0, 1] whatever the parameters, values and probabilities that do not pair up
        "Let $X$ take the value $0$ with probability $2$ and $1$ with probability $-1$.",
        "Suppose $X$ takes the values $0$, $1$ and $2$ with probabilities $p$ and $1-p$.",
        # denied, shown rather than assumed, a value that is itself random, a list of variables
        "$X$ does not take the value $0$ with probability $p$ and $1$ with probability $1-p$.",
        "We show that $X$ takes the value $0$ with probability $p$ and $1$ with probability $1-p$.",
        "Let $Y$ be a random variable and $X$ take the value $Y$ with probability $p$ and $0$ with probability $1-p$.",
        "Let $X, Y$ take the value $0$ with probability $p$ and $1$ with probability $1-p$.",
        # the table belongs to another noun of the sentence, not to the name before it
        "Let $Y$ be independent of the die, which takes the value $1$ with probability $q$ "
        "and $0$ with probability $1-q$.",
    ],
)
def test_no_law_from_anything_else(doc: str) -> None:
    assert _moments(doc) == []


def test_the_law_proves_exact_moments_and_never_refutes() -> None:
    doc = (
        _LAW
        + "\n\n$$E\\left[X^2\\right] = (a-2)^2p + a^2(1-2p) + (a+2)^2p$$\n\n"
        + "$$\\mathrm{Var}(X) = E[X^2] - E[X]^2 = 8p$$\n\n"
        # wrong: a slip in the second moment, E[f(X)] = f(E[X]), a nonlinear function the moments do not give
        + "$$E[X^2] = a^2 + 9p$$\n\n$$E[X^2] = E[X]^2$$\n\n$$E[e^X] = e^{a}$$\n"
    )
    assert _verdicts(doc) == ["proved", "proved", "proved", "undecided", "undecided", "undecided"]


def test_the_law_is_of_its_variable_and_its_section_only() -> None:
    doc = (
        "## One\n\n"
        + _LAW
        + "\n\n$$E[Y] = a$$\n\n$$E[XY] = a E[Y]$$\n\n$$\\mathrm{Var}(X + Y) = 8p + \\mathrm{Var}(Y)$$\n\n"
        + "## Two\n\n$$E[X] = a$$\n"
    )
    assert _verdicts(doc) == ["undecided"] * 4


def test_a_case_holds_for_the_display_it_introduces_only() -> None:
    doc = (
        "If $X$ takes the value $0$ with probability $1-p$ and $1$ with probability $p$, then\n"
        "$$E[X] = p$$\n\nLater on\n\n$$E[X^2] = p$$\n"
    )
    assert _verdicts(doc) == ["proved", "undecided"]


def test_a_shadowed_expectation_takes_no_moment() -> None:
    doc = "---\nderive:\n  symbols:\n    E: function\n---\n" + _LAW + "\n\n$$E[X] = a$$\n"
    assert _verdicts(doc) != ["proved"]


# -- the text's notation for moments: \mu_X = E[X], \sigma_X^2 = Var(X) -----------------------------------------

_NOTATION = "## Means\n\n$$\\mu_X = E[X] = \\sum_i x_i p_i.$$\n\n## Variances\n\n"


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (r"$$\mu_X = E[X] = \sum_i x_i p_i.$$", [("E[X]", r"\mu_X")]),
        (r"$$\sigma^2_{X} = \mathrm{Var}(X)$$", [(r"\mathrm{Var}(X)", r"\sigma^2_{X}")]),
        (r"where $\sigma_{XY} = \mathrm{Cov}(X, Y)$.", [(r"\mathrm{Cov}(X, Y)", r"\sigma_{XY}")]),
        # another variable, a variance without its square, a later link, a conditional mean, a relation, a doubt
        (r"$$\mu_Y = E[X]$$", []),
        (r"$$\sigma_X = \mathrm{Var}(X)$$", []),
        (r"$$a = \mu_X = E[X]$$", []),
        (r"$$\mu_X = E[X | Y]$$", []),
        (r"$$\mu_X \le E[X]$$", []),
        (r"We cannot assume $\mu_X = E[X]$ here.", []),
        (r"If $\mu_X = E[X]$, the variance is as follows.", []),
    ],
)
def test_notation_for_moments(doc: str, expected: list[tuple[str, str]]) -> None:
    assert [(s.lhs, s.rhs) for s in moments_in_words(doc) if s.notation] == expected


def test_notation_holds_past_headings_and_decides_with_a_table() -> None:
    doc = (
        _NOTATION
        + "$$E\\left[(X-\\mu_X)^2\\right] = E[X^2] - \\mu_X^2$$\n\n"
        + _LAW
        + "\n\n$$E[X^2] - \\mu_X^2 = 8p$$\n\n$$E[X^2] - \\mu_X^2 = 9p$$\n"
    )
    # the definition, the sum of its first link (read, not decided), then the steps
    assert _verdicts(doc) == ["undecided", "undecided", "proved", "proved", "undecided"]


def test_notation_said_anew_is_dropped() -> None:
    doc = _NOTATION + "From now on $\\mu_X$ denotes the median of $X$.\n\n$$E[(X-\\mu_X)^2] = E[X^2] - \\mu_X^2$$\n"
    assert _verdicts(doc)[-1] == "undecided"


@pytest.mark.parametrize(("value", "law"), [("0.7", False), ("\\frac{3}{4}", False), ("0.2", True), ("-1", False)])
def test_a_value_the_text_gives_a_parameter_must_keep_the_table_a_law(value: str, law: bool) -> None:
    # attacker E65: at p = 0.7 the middle probability is -0.4: no law, nothing proved
    doc = (
        "The random variable $X$ takes the values $a - 2$, $a$ and $a + 2$ with probabilities $p$, $1 - 2p$ and $p$. "
        f"Here $p = {value}$.\n\n$$E[X] = a$$\n"
    )
    assert bool(_moments(doc)) is law
    assert _verdicts(doc)[-1] == ("proved" if law else "undecided")


@pytest.mark.parametrize(
    ("extra", "law"),
    [
        # attacker E78/E81: a bound or words that put a probability outside [0, 1]
        (r"We assume $p > \frac{1}{2}$.", False),
        (r"The probability $p$ equals $0.7$.", False),
        (r"Here $0 \le p \le 1$.", False),
        # a bound inside the table's own range, a value in a case, a value in another section
        (r"We assume $0 < p < \frac12$.", True),
        (r"If $p = 1$ then both outer values are certain.", True),
        ("\n\n## Other\n\nHere $p = 0.7$.", True),
    ],
)
def test_bounds_and_values_the_text_states_for_a_parameter(extra: str, law: bool) -> None:
    doc = "The random variable $X$ takes the values $a - 2$, $a$ and $a + 2$ with probabilities $p$, $1 - 2p$ and $p$. "
    assert bool(_moments(doc + extra)) is law


def test_a_table_that_is_no_law_says_so() -> None:
    doc = "Let $X$ take the value $0$ with probability $p$ and $1$ with probability $p$.\n\n"
    doc += "$$E[X] = p$$\n\n$$E[Y] = p$$\n"
    (first, other) = [r.detail for r in derive.check_latex(doc, timeout=6)]
    assert "is no law of X: its probabilities sum to 2*p, not 1" in first
    assert "no law" not in other


# -- a law stated as P(X = v) = q for each value -------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc", "count"),
    [
        (r"Let $P(X = 1) = p$ and $P(X = 0) = 1 - p$.", 4),
        ("The law is\n$$P(Y = -1) = \\frac{1}{4}, \\quad P(Y = 0) = \\frac12, \\quad P(Y = 1) = \\frac{1}{4}.$$", 4),
        # shown, conditional, a lowercase p (a mass function: another reader's), one value, a value twice, split
        (r"We show that $P(X = 1) = p$ and $P(X = 0) = 1 - p$.", 0),
        (r"Let $P(X = 1 | Z) = p$ and $P(X = 0 | Z) = 1 - p$.", 0),
        (r"Let $p(x = 1) = q$ and $p(x = 0) = 1 - q$.", 0),
        (r"Let $P(X = 1) = 1$.", 0),
        (r"Let $P(X = 1) = p$ and $P(X = 1) = 1 - p$.", 0),
        (r"Let $P(X = 1) = p$. Later $P(X = 0) = 1 - p$.", 0),
        # the joint table of two variables is no law of either
        (
            r"Let $P(X = 1 \; \textrm{and} \; Y = -1) = \frac{1}{2}$ and "
            r"$P(X = 3 \; \textrm{and} \; Y = 3) = \frac12$.",
            0,
        ),
    ],
)
def test_probability_tables(doc: str, count: int) -> None:
    assert len(_moments(doc)) == count


def test_a_probability_table_decides_moments() -> None:
    doc = (
        "Let $P(X = 1) = p$ and $P(X = 0) = 1 - p$.\n\n$$E[X] = p$$\n\n$$\\mathrm{Var}(X) = p - p^2$$\n\n"
        "$$E[X^2] = p^2$$\n"
    )
    assert _verdicts(doc) == ["proved", "proved", "undecided"]
    doc = "Let $P(X = 1) = p$ and $P(X = 0) = p$.\n\n$$E[X] = p$$\n"
    (result,) = derive.check_latex(doc, timeout=6)
    assert result.verdict.value == "undecided" and "is no law of X" in result.detail


@pytest.mark.parametrize(
    ("doc", "count"),
    [
        (r"Let $D$ take the values $1, 2, \ldots, 6$ with equal probability.", 4),
        (r"where $Y$ is randomly chosen from $\{-2, -1, 0, 1, 2\}$ with equal probability", 4),
        (r"$Y$ is chosen from $\{-2, \ldots, 2\}$ with equal probability.", 4),
        (r"Let $D$ take the values $1$, $2$ and $3$, each with probability $\frac13$.", 4),
        # each 1/2 of three values: no law (said so); a range up to a letter, a step other than 1: no table
        (r"Let $D$ take the values $1$, $2$ and $3$, each with probability $\frac12$.", 0),
        (r"Let $D$ take the values $1, \ldots, n$ with equal probability.", 0),
        (r"Let $D$ take the values $1, 3, \ldots, 9$ with equal probability.", 0),
    ],
)
def test_equally_likely_values(doc: str, count: int) -> None:
    assert len(_moments(doc)) == count


def test_a_fair_die() -> None:
    doc = (
        "Let $D$ take the values $1, 2, \\ldots, 6$ with equal probability.\n\n"
        "$$E[D] = \\frac{7}{2}$$\n\n$$\\mathrm{Var}(D) = \\frac{35}{12}$$\n\n$$E[D^2] = \\frac{49}{4}$$\n"
    )
    assert _verdicts(doc) == ["proved", "proved", "undecided"]


def test_a_probability_table_said_anew_or_under_a_condition_is_no_law() -> None:
    # attacker E62: X redefined in the next sentence; a table under the null hypothesis (E59) is not X's law
    doc = (
        r"Let $P(X = 1) = \frac{1}{2}$, $P(X = 2) = \frac{1}{3}$ and $P(X = 3) = \frac{1}{6}$. "
        "Now let $X$ be the number of heads in three fair coin tosses.\n$$E[X] = \\frac{5}{3}$$\n"
    )
    assert _verdicts(doc) == ["undecided"]
    doc = r"Let $P(X = 1) = \frac{1}{2}$ and $P(X = 2) = \frac{1}{2}$ under the null hypothesis."
    assert _moments(doc) == []
    doc = r"$X$ takes the values $1$ and $2$ with probabilities $\frac12$ and $\frac12$ given $Y = 0$."
    assert _moments(doc) == []


def test_a_later_sentence_that_changes_the_law_without_naming_the_variable() -> None:
    # attacker EC0: "We now load the die ..." changes the law of X without writing X
    doc = (
        r"The random variable $X$ takes the values $1, 2, \ldots, 6$ with equal probability. "
        "We now load the die so that $6$ comes up half the time.\n$$E[X] = \\frac{7}{2}$$\n"
    )
    assert _verdicts(doc) == ["undecided"]
    doc = r"The random variable $X$ takes the values $1, 2, \ldots, 6$ with equal probability. Then" + (
        "\n$$E[X] = \\frac{7}{2}$$\n"
    )
    assert _verdicts(doc) == ["proved"]


@pytest.mark.parametrize(
    ("later", "verdict"),
    [
        # attacker EC4/EC6: the law changed in other words, naming a value alone in math
        ("In practice the die favours $6$.", "undecided"),
        ("Then we tamper with it so that $6$ shows twice as often as $1$.", "undecided"),
        # a sentence with no math of the table keeps it
        ("This is the usual fair die.", "proved"),
    ],
)
def test_a_later_sentence_with_a_value_of_the_table_alone_may_change_it(later: str, verdict: str) -> None:
    doc = r"The random variable $X$ takes the values $1, 2, \ldots, 6$ with equal probability. " + later
    assert _verdicts(doc + "\n$$E[X] = \\frac{7}{2}$$\n") == [verdict]
