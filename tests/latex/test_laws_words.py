"""Laws stated in words (derive.latex.laws_words): read only when the wording has one reading and stands."""

from __future__ import annotations

import pytest

import derive
from derive.latex.laws_words import case_laws_at, case_laws_in_words, laws_in_words


def _laws(text: str) -> list[tuple[str, str | None]]:
    return [(name, kind) for _, _, name, kind, _ in laws_in_words(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"Let $X$ be a Bernoulli random variable with parameter $p$.", [("X", r"~ \mathrm{Bernoulli}(p)")]),
        (r"Let $X$ be a Bernoulli variable with success probability $q$.", [("X", r"~ \mathrm{Bernoulli}(q)")]),
        (
            r"To compute the variance of the Bernoulli random variable $f$ with parameter $p$, we first",
            [("f", r"~ \mathrm{Bernoulli}(p)")],
        ),
        (r"$X$ is uniformly distributed on $[0, 1]$.", [("X", r"~ \mathcal{U}(0, 1)")]),
        (r"$U$ is a uniform random variable over the interval $(a, b)$.", [("U", r"~ \mathcal{U}(a, b)")]),
        (r"$Z$ is a standard normal random variable.", [("Z", r"~ \mathcal{N}(0, 1)")]),
        (
            r"$Y$ is normally distributed with mean $\mu$ and variance $\sigma^2$.",
            [("Y", r"~ \mathcal{N}(\mu, \sigma^2)")],
        ),
        (
            r"$Y$ is a Gaussian random variable with mean $0$ and standard deviation $s$.",
            [("Y", r"~ \mathcal{N}(0, (s)^2)")],
        ),
        (r"Take an exponential random variable $T$ with rate $\lambda$.", [("T", r"~ \mathrm{Exp}(\lambda)")]),
    ],
)
def test_stated_laws_are_read(text: str, expected: list[tuple[str, str]]) -> None:
    assert _laws(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # a case, a negation, a hedge: nothing stands
        r"If $f$ is a Bernoulli random variable with parameter $p$, then",
        r"When $X$ is uniformly distributed on $[0, 1]$ the mean is a half.",
        r"Suppose $X$ is uniformly distributed on $[0, 1]$.",
        r"We do not assume that $X$ is uniformly distributed on $[0, 1]$.",
        r"$X$ might be a Bernoulli random variable with parameter $p$.",
        r"$X$ is uniformly distributed on $[0, 1]$ for now.",
        r"$X$ is approximately normally distributed with mean $0$ and variance $1$.",
        # more than one reading: a rate or a scale, parameters in an unknown order, a missing variance
        r"$T$ is an exponential random variable with parameter $\beta$.",
        r"$X$ is a binomial random variable with parameters $N$ and $p$.",
        r"$X$ is a Bernoulli random variable with parameters $N$ and $p$.",
        r"$X$ is a Gaussian random variable with variance $1$.",
        r"$X$ is a normal random variable.",
        r"$X$ is normally distributed with mean $0$ and variance $1$ and standard deviation $1$.",
        r"$X$ is uniformly distributed.",
        r"$X$ is uniformly distributed on $S$.",
        # names that are no scalar variable
        r"$E$ is a Bernoulli random variable with parameter $p$.",
        r"$x + y$ is a Bernoulli random variable with parameter $p$.",
    ],
)
def test_nothing_is_read_without_one_standing_reading(text: str) -> None:
    assert _laws(text) == []


def test_the_said_names_the_words_and_the_law() -> None:
    (found,) = laws_in_words(r"Let $X$ be a Bernoulli random variable with parameter $p$.")
    assert found[4] == (r"$X$ be a Bernoulli random variable with parameter $p$ (read as X \sim \mathrm{Bernoulli}(p))")


def _wired() -> bool:
    """Whether steps.py reads laws_words (LAWS.patch): the end-to-end tests run only then."""
    import inspect  # noqa: PLC0415

    from derive.latex import steps  # noqa: PLC0415

    return "laws_in_words" in inspect.getsource(steps)


wired = pytest.mark.skipif(not _wired(), reason="laws_words is not wired into steps.py yet (LAWS.patch)")


def _verdicts(text: str) -> list[str]:
    return [r.verdict.name for r in derive.check_latex(text)]


@wired
def test_a_law_in_words_decides_expectations_under_it() -> None:
    text = (
        "Let $f$ be a Bernoulli random variable with parameter $p$.\n"
        "$$E[f] = 1\\cdot p + 0\\cdot(1-p)$$\n"
        "$$E[f^2] = p(1)^2 + (1-p)0^2$$\n"
    )
    results = derive.check_latex(text)
    assert [r.verdict for r in results] == [derive.Verdict.PROVED, derive.Verdict.PROVED]
    assert r"read as f \sim \mathrm{Bernoulli}(p)" in results[0].detail


@wired
def test_a_wrong_step_under_a_stated_uniform_law_is_refuted() -> None:
    text = "$X$ is uniformly distributed on $[0, 1]$.\n$$E[X^2] = \\frac{1}{3}$$\n$$E[X] = \\frac{1}{3}$$\n"
    assert _verdicts(text) == ["PROVED", "REFUTED"]


@wired
def test_a_law_after_if_or_under_a_negation_declares_nothing_past_its_sentence() -> None:
    for text in (
        "If $f$ is a Bernoulli random variable with parameter $p$, its mean is known.\n$$E[f] = p$$\n",
        "We do not assume that $X$ is uniformly distributed on $[0, 1]$.\n$$E[X] = \\frac{1}{3}$$\n",
    ):
        assert _verdicts(text) == ["UNDECIDED"]


@wired
def test_a_law_in_words_ends_at_the_next_heading() -> None:
    text = (
        "# A\n$Y$ is normally distributed with mean $\\mu$ and variance $\\sigma^2$.\n"
        "$$E[Y^2] = \\mu^2 + \\sigma^2$$\n# B\n$$E[Y^2] = \\mu^2$$\n"
    )
    assert _verdicts(text) == ["PROVED", "UNDECIDED"]


def _cases(text: str) -> list[tuple[str, str | None]]:
    return [(c.name, c.law) for c in case_laws_in_words(text)]


def test_cases_of_laws_are_read_with_their_law_or_none() -> None:
    assert _cases(r"If $f$ is a Bernoulli random variable with parameter $p$, then") == [
        ("f", r"\mathrm{Bernoulli}(p)")
    ]
    assert _cases(r"If $f$ is a binomial random variable with parameters $p$ and $N$, then") == [("f", None)]
    assert _cases(r"If $X \sim \mathcal{U}(0, 1)$, then") == [("X", r"\mathcal{U}(0, 1)")]
    # a standing statement, a negated or hedged case: no case
    assert _cases(r"Let $f$ be a Bernoulli random variable with parameter $p$.") == []
    assert _cases(r"If $X$ were uniformly distributed on $[0, 1]$, then") == []


def test_a_case_reaches_only_the_display_its_sentence_introduces() -> None:
    text = "If $X \\sim \\mathcal{U}(0, 1)$, then\n$$A$$\nBut in general\n$$B$$\n"
    cases = case_laws_in_words(text)
    first, second = text.index("$$A"), text.index("$$B")
    assert list(case_laws_at(text, cases, first)) == ["X"]
    assert case_laws_at(text, cases, second) == {}
    ended = "If $X \\sim \\mathcal{U}(0, 1)$. Then\n$$A$$\n"
    assert case_laws_at(ended, case_laws_in_words(ended), ended.index("$$A")) == {}


def test_two_cases_of_one_name_leave_it_unread() -> None:
    text = r"If $f$ is a Bernoulli random variable with parameter $p$ and $f \sim \mathcal{N}(0, 1)$, then $$A$$"
    found = case_laws_at(text, case_laws_in_words(text), text.index("$$A"))
    assert found["f"].law is None


@wired
def test_a_case_law_decides_its_display_only() -> None:
    text = (
        "If $f$ is a Bernoulli random variable with parameter $p$, then\n"
        "$$E[f] = 1\\cdot p + 0\\cdot(1-p)$$\nLater.\n$$E[f] = p$$\n"
    )
    results = derive.check_latex(text)
    assert [r.verdict.name for r in results] == ["PROVED", "UNDECIDED"]
    assert "for this display only" in results[0].detail


@wired
def test_a_case_against_a_stated_law_or_unread_decides_nothing() -> None:
    # the case of another law than the one stated before: which one holds is a guess
    text = (
        "Let $X$ be uniformly distributed on $[0, 1]$.\nIf $X$ is a standard normal random variable, then\n"
        "$$E[X] = \\frac{1}{2}$$\nAnd so\n$$E[X] = \\frac{1}{2}$$\n"
    )
    assert _verdicts(text) == ["UNDECIDED", "PROVED"]
    # a case of a law derive does not read: the stated Bernoulli law is not put in
    text = (
        "Let $f$ be a Bernoulli random variable with parameter $p$.\n"
        "If $f$ is a binomial random variable with parameters $N$ and $p$, then\n$$E[f] = p$$\n"
    )
    assert _verdicts(text) == ["UNDECIDED"]


def test_a_case_of_a_variable_that_is_no_random_variable_is_no_case_law() -> None:
    assert _cases(r"If $x$ is a real variable, then") == []
    assert _cases(r"If $X$ is Poisson distributed, then") == [("X", None)]


def test_a_law_said_of_a_list_is_read_for_no_name() -> None:
    # "Let $X$ and $Y$ be standard normal random variables": reading Y alone would leave X a number
    assert _laws(r"Let $X$ and $Y$ be standard normal random variables.") == []
    assert _laws(r"Let $X$, $Y$ be a standard normal random variable.") == []
    assert _laws(r"Let $X$ be a Bernoulli random variables with parameter $p$.") == []
    assert sorted(_cases(r"If $X$ and $Y$ are standard normal random variables, then")) == [("X", None), ("Y", None)]
    assert sorted(_cases(r"If $X$ and $Y$ is a standard normal random variable, then")) == [("X", None), ("Y", None)]


@wired
def test_no_refutation_at_a_parameter_value_the_law_excludes() -> None:
    # sampled as a plain real, p = -5/2 'refutes' a step true for every p in [0, 1]
    for text in (
        "Let $f$ be a Bernoulli random variable with parameter $p$.\n$$E[f] = \\sqrt{p^2}$$\n",
        "Let $f \\sim \\mathrm{Bernoulli}(p)$.\n$$E[f] = \\sqrt{p^2}$$\n",
        "$X$ is uniformly distributed on $[0, b]$.\n$$E[X] = \\frac{|b|}{2}$$\n",
    ):
        assert _verdicts(text) == ["UNDECIDED"]
    # a law without free parameters still refutes
    assert _verdicts("$X$ is uniformly distributed on $[0, 1]$.\n$$E[X] = \\frac{1}{3}$$\n") == ["REFUTED"]


@pytest.mark.parametrize("rest", [" is false", " does not hold", " were true", " fails"])
def test_a_case_the_sentence_denies_or_doubts_is_no_law(rest: str) -> None:
    # "If X ~ Bern(p) is false, then E[X] = p" says nothing of a Bernoulli X: the name is unread there
    text = f"If $X \\sim \\mathrm{{Bern}}(p)${rest}, then\n$$\\mathbb{{E}}[X] = p$$\n"
    found = case_laws_at(text, case_laws_in_words(text), text.index("$$"))
    assert found["X"].law is None
    assert [r.verdict.name for r in derive.check_latex(text)] == ["UNDECIDED"]
