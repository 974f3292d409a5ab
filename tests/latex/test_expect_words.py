"""Independence stated in words (derive.latex.expect_words): which sentences state it, for which names,
and for which steps.

Attacks: negation and doubt, conditional independence, "independent of", "uncorrelated", ellipses,
pairwise independence (pairs only), a case ("If ... independent, then $$...$$" reaches its display only),
a heading (a new section may reuse the names).
"""

from __future__ import annotations

import dataclasses

import pytest

import derive
from derive import Verdict
from derive.latex.expect_words import independent_at, independent_in_words, nonrandom_at, numbers_in_words
from derive.model import Claim


def _groups(doc: str) -> list[tuple[tuple[str, ...], ...]]:
    return [s.groups for s in independent_in_words(doc)]


@pytest.mark.parametrize(
    ("doc", "groups"),
    [
        ("Let $X$ and $Y$ be independent.", [(("X", "Y"),)]),
        ("Let $f$ and $g$ be two independent random variables.  Then", [(("f", "g"),)]),
        ("If we have two *independent* random variables $X$ and $Y$, we have", [(("X", "Y"),)]),
        (r"two \emph{independent} variables $X$ and $Y$", [(("X", "Y"),)]),
        ("where $y_1, y_2, n$ are statistically independent.", [(("y_1", "y_2", "n"),)]),
        ("Suppose $X$, $Y$ and $Z$ are mutually independent.", [(("X", "Y", "Z"),)]),
        (r"$\epsilon$ and $x$ are independent.", [(("epsilon", "x"),)]),
        ("$X$, $Y$ and $Z$ are pairwise independent.", [(("X", "Y"), ("X", "Z"), ("Y", "Z"))]),
    ],
)
def test_statements_of_independence(doc: str, groups: list) -> None:
    assert _groups(doc) == groups


@pytest.mark.parametrize(
    "doc",
    [
        "We cannot assume $X$ and $Y$ are independent.",
        "$X$ and $Y$ are not independent.",
        "$X$ and $Y$ are conditionally independent given $Z$.",
        "$X$ and $Y$ are independent given $Z$.",
        "$X$ and $Y$ are independent of $Z$.",
        "Let $f$ and $g$ be two independent random variables given $Z$.",
        "$X$ and $Y$ are uncorrelated.",
        r"independent random variables $X_1, \ldots, X_n$",
        "$X$ and $X$ are independent.",
        "$X$ is independent.",
        "It is unclear whether $X$ and $Y$ are independent.",
    ],
)
def test_no_statement(doc: str) -> None:
    assert _groups(doc) == []


def test_a_case_is_hypothetical():
    (s,) = independent_in_words("If $X$ and $Y$ are independent, then")
    assert s.hypothetical
    (s,) = independent_in_words("Assume $X$ and $Y$ are independent.")
    assert not s.hypothetical


def test_reach_of_a_standing_statement_ends_at_a_heading():
    doc = "Let $X$ and $Y$ be independent.\n\n$$E[XY] = E[X]E[Y]$$\n\n## Next\n\n$$E[XY] = E[X]E[Y]$$\n"
    stated = independent_in_words(doc)
    first, second = (doc.index("$$E"), doc.rindex("$$E"))
    assert independent_at(doc, stated, first + 2, first) == (("X", "Y"),)
    assert independent_at(doc, stated, second + 2, second) == ()
    assert independent_at(doc, stated, 0, 0) == ()  # before the statement


def test_reach_of_a_case_is_the_display_it_introduces():
    doc = "If $X$ and $Y$ are independent, then $$E[XY] = E[X]E[Y]$$ In general $$E[XY] = E[X]E[Y]$$"
    stated = independent_in_words(doc)
    first, second = doc.index("$$E"), doc.rindex("$$E")
    assert independent_at(doc, stated, first + 2, first) == (("X", "Y"),)
    assert independent_at(doc, stated, second + 2, second) == ()


# -- numbers beside random variables ------------------------------------------------------


@pytest.mark.parametrize(
    ("doc", "names"),
    [
        ("For any random variable $X$ and numbers $a$ and $b$, we have", [("a", "b")]),
        (r"For any random variables $X, Y$ and numbers $a$ and $b$, $\textrm{Cov}(aX+b, Y) = 0$.", [("a", "b")]),
        ("$a$ and $b$ are real numbers and $X$ is a random variable.", [("a", "b")]),
        ("If $X$ is a random variable and $c$ is a constant, then", [("c",)]),
    ],
)
def test_numbers_beside_random_variables(doc: str, names: list) -> None:
    assert [s.names for s in numbers_in_words(doc)] == names


@pytest.mark.parametrize(
    "doc",
    [
        "Let $a$ and $b$ be numbers.",  # nothing random in the sentence: a count, a value
        "For a random variable $X$ and random numbers $a$ and $b$",
        "Let $a$ be a random number and $X$ a random variable.",
        "The random variable $X$ takes natural numbers $k$",
        "We cannot say that $a$ is a number, since it is a random variable.",
    ],
)
def test_no_numbers(doc: str) -> None:
    assert numbers_in_words(doc) == []


def test_numbers_reach_to_the_next_heading():
    doc = "For a random variable $X$ and numbers $a$ and $b$:\n\n$$x$$\n\n## Next\n\n$$y$$\n"
    stated = numbers_in_words(doc)
    assert nonrandom_at(doc, stated, doc.index("$$x")) == ("a", "b")
    assert nonrandom_at(doc, stated, doc.index("$$y")) == ()
    assert nonrandom_at(doc, stated, 0) == ()


# -- end to end, once the front end passes them on (Claim.independent, Claim.nonrandom: EXP.patch) ------

_WIRED = {"independent", "nonrandom"} <= {f.name for f in dataclasses.fields(Claim)}
_VAR_SUM = r"$$\mathrm{Var}(X+Y) = \mathrm{Var}(X) + \mathrm{Var}(Y)$$"
_VAR_AFFINE = r"$$\mathrm{Var}(aX+b) = a^2\mathrm{Var}(X)$$"


PROVED, UNDECIDED = Verdict.PROVED, Verdict.UNDECIDED


def _verdicts(doc: str) -> list[Verdict]:
    return [r.verdict for r in derive.check_latex(doc)]


@pytest.mark.skipif(not _WIRED, reason="the front end does not pass independence on yet (EXP.patch)")
@pytest.mark.parametrize(
    ("doc", "verdicts"),
    [
        (f"Let $X$ and $Y$ be independent random variables.\n\n{_VAR_SUM}\n", [Verdict.PROVED]),
        (f"Let $X$ and $Y$ be random variables.\n\n{_VAR_SUM}\n", [Verdict.UNDECIDED]),
        (f"We do not assume $X$ and $Y$ are independent.\n\n{_VAR_SUM}\n", [Verdict.UNDECIDED]),
        (
            f"If $X$ and $Y$ are independent, then\n\n{_VAR_SUM}\n\nIn general\n\n{_VAR_SUM}\n",
            [Verdict.PROVED, Verdict.UNDECIDED],
        ),
        (f"Let $X$ and $Y$ be independent.\n\n## Next\n\n{_VAR_SUM}\n", [Verdict.UNDECIDED]),
        (f"For any random variable $X$ and numbers $a$ and $b$:\n\n{_VAR_AFFINE}\n", [Verdict.PROVED]),
        (f"For a random variable $X$ and random numbers $a$ and $b$:\n\n{_VAR_AFFINE}\n", [Verdict.UNDECIDED]),
    ],
)
def test_wired(doc: str, verdicts: list[Verdict]) -> None:
    assert _verdicts(doc) == verdicts


_E_PRODUCT = r"$$\mathbb{E}[XY] = \mathbb{E}[X]\,\mathbb{E}[Y]$$"


@pytest.mark.skipif(not _WIRED, reason="the front end does not pass independence on yet (EXP.patch)")
@pytest.mark.parametrize(
    ("doc", "verdicts"),
    [
        # X16: a problem label, a bold label in the same paragraph, a list item, a retraction end the statement
        (
            f"**Problem 1.** Let $X$ and $Y$ be independent.\n{_E_PRODUCT}\n\n"
            f"**Problem 2.** Let $X$ and $Y$ be two random variables.\n{_VAR_SUM}\n",
            [PROVED, UNDECIDED],
        ),
        (
            rf"\textbf{{Problem 1.}} Let $X$ and $Y$ be independent. {_E_PRODUCT} "
            rf"\textbf{{Problem 2.}} Let $X$ and $Y$ be two random variables. {_VAR_SUM}",
            [PROVED, UNDECIDED],
        ),
        (
            rf"\begin{{enumerate}} \item Let $X$ and $Y$ be independent. {_E_PRODUCT} "
            rf"\item Now $X$ and $Y$ are arbitrary. {_VAR_SUM} \end{{enumerate}}",
            [PROVED, UNDECIDED],
        ),
        (
            f"Let $X$ and $Y$ be independent. Later we drop this assumption: $X$ and $Y$ are dependent.\n{_VAR_SUM}",
            [UNDECIDED],
        ),
        # X86: numbers past a problem label, and a name said random later
        (
            r"**Problem 1.** For any random variable $X$ and numbers $a$ and $b$, "
            r"$$\mathbb{E}[aX + b] = a\mathbb{E}[X] + b$$"
            "\n\n"
            r"**Problem 2.** Let $a$ be a random variable. $$\mathbb{E}[aX] = a\,\mathbb{E}[X]$$",
            [PROVED, UNDECIDED],
        ),
        (
            r"For any random variable $X$ and numbers $a$ and $b$. Now let $a$ be a random variable. "
            r"$$\mathbb{E}[aX] = a\,\mathbb{E}[X]$$",
            [UNDECIDED],
        ),
    ],
)
def test_scope_and_retraction(doc: str, verdicts: list[Verdict]) -> None:
    assert _verdicts(doc) == verdicts
