"""What the prose states about names besides their kinds: nonzero, and constants.

- "nonzero matrix $M$", "$x$ is non-zero", ``$x \\neq 0$``, ``$\\mathbf v \\neq \\mathbf 0$``: a refutation
  whose point makes the name all zero is a point the text excludes (``undecided``, naming the line);
  a refutation at a point where the name is nonzero stands, and nothing is proved from it;
- "for constants $a$ and $b$", "$c$ is a constant", "$\\mu, \\sigma \\in \\mathbb{R}$ are constants": the
  names depend on no differentiation variable, as under ``constants:``.

Attacks: negated and doubted sentences declare nothing; a declaration ends with its section; a
partly zero vector is nonzero; words that narrow "constant" (in $x$, a constant function, a fixed
point) and ``x \\in \\mathbb{R}`` alone declare no constant.
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict
from derive.latex.assumptions import constants_in_words, nonzero_in_words

P, R, U = Verdict.PROVED, Verdict.REFUTED, Verdict.UNDECIDED


def _results(text: str, **kw: object) -> list[tuple[Verdict, str]]:
    return [(r.verdict, r.detail) for r in derive.check_latex(text, **kw)]


SQUARES = "$$\\sum_{ij} (M_{ji})^2 > 0$$"


# -- nonzero: the counterexample at zero is excluded ------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "line"),
    [
        (f"For any (nonzero) matrix $M$, it holds that\n{SQUARES}", "M", 1),
        (f"Let $M$ be a non-zero matrix.\n{SQUARES}", "M", 1),
        (f"Here\n$M \\neq 0$.\n{SQUARES}", "M", 2),
        ("Let $x \\neq 0$.\n$$ x^2 > 0 $$", "x", 1),
        ("Let $x \\ne 0$.\n$$ x^2 > 0 $$", "x", 1),
        ("Let $x$ be nonzero.\n$$ x^2 > 0 $$", "x", 1),
        ("Take a non-zero real number $x$.\n$$ x^2 > 0 $$", "x", 1),
        ("The values $a$ and $b$ are nonzero.\n$$ a^2 b^2 > 0 $$", "b", 1),
        ("For non-zero $a, b$:\n$$ a^2 b^2 > 0 $$", "b", 1),
        ("$$ x^2 > 0 $$ where $x \\neq 0$.", "x", 1),
    ],
)
def test_a_refutation_at_zero_of_a_nonzero_name_is_undecided(text: str, name: str, line: int) -> None:
    ((verdict, detail),) = _results(text)
    assert verdict is U
    assert f"the text says {name} is nonzero (line {line}: " in detail
    assert f"the counterexample sets {name} = 0, a point the text excludes" in detail


def test_not_equals_written_with_not() -> None:
    # \\not= is also read as a prose equation stating a condition on x: undecided either way
    ((verdict, detail),) = _results("Let $x \\not= 0$.\n$$ x^2 > 0 $$")
    assert verdict is U
    assert "x = 0" in detail


def test_a_nonzero_vector_with_its_size() -> None:
    text = "Let $\\mathbf{v} \\in \\mathbb{R}^3$, $\\mathbf v \\neq \\mathbf 0$.\n$$ \\mathbf{v}^T \\mathbf{v} > 0 $$"
    ((verdict, detail),) = _results(text)
    assert verdict is U
    assert "the text says v is nonzero (line 1: $\\mathbf v \\neq \\mathbf 0$)" in detail
    assert "at v[1] = 0, v[2] = 0, v[3] = 0" in detail


def test_a_vector_declared_positive_is_nonzero() -> None:
    # "x > 0 elementwise" then its size: x = 0 is excluded; a negative one too, a nonnegative one is not
    said = "Let $\\mathbf{x} > 0$ elementwise, with $\\mathbf{x} \\in \\mathbb{R}^3$."
    text = f"{said}\n\n$$ \\mathbf{{x}}^T\\mathbf{{x}} > 0 $$"
    ((verdict, detail),) = _results(text)
    assert verdict is U
    assert "the text says x is nonzero (line 1: \\mathbf{x} > 0)" in detail
    ((verdict, _),) = _results(text.replace("> 0$ elementwise", "< 0$ elementwise"))
    assert verdict is U
    ((verdict, detail),) = _results(text.replace("> 0$ elementwise", "\\ge 0$ elementwise"))
    assert verdict is R
    assert "x[1] = 0, x[2] = 0, x[3] = 0" in detail


def test_a_vector_zero_only_in_the_entries_the_step_uses_is_still_nonzero() -> None:
    # v = (0, 1) is nonzero and v_1^2 > 0 fails there: the refutation stands
    text = "Let $\\mathbf{v} \\in \\mathbb{R}^2$ be nonzero.\n$$ v_1^2 > 0 $$"
    ((verdict, detail),) = _results(text)
    assert verdict is R
    assert "v[1] = 0" in detail


def test_a_false_step_about_a_nonzero_name_is_still_refuted() -> None:
    ((verdict, detail),) = _results("For nonzero $a$,\n$$ a^2 > a $$")
    assert verdict is R
    assert "a = 1/2" in detail
    ((verdict, _),) = _results("For nonzero $a$,\n$$ a^2 + 1 < 0 $$")
    assert verdict is R


def test_another_name_at_zero_is_refuted() -> None:
    ((verdict, detail),) = _results("Let $x \\neq 0$.\n$$ y^2 > 0 $$")
    assert verdict is R
    assert "y = 0" in detail


def test_nonzero_proves_nothing() -> None:
    # no kind states "nonzero": x^2 > 0, true for every nonzero x, is not proved, only not refuted
    ((verdict, detail),) = _results("Let $x \\neq 0$.\n$$ x^2 > 0 $$")
    assert verdict is U
    assert "could not establish the sign of the difference symbolically" in detail


@pytest.mark.parametrize(
    "text",
    [
        f"We do not assume $M \\neq 0$.\n{SQUARES}",
        f"$M$ need not be nonzero.\n{SQUARES}",
        f"It would be wrong to say $M$ is nonzero.\n{SQUARES}",
        f"Here $M \\neq 0$ is not assumed.\n{SQUARES}",
        f"$M$ may be zero.\n{SQUARES}",
        f"For any matrix $M$, it holds that\n{SQUARES}",
        f"{SQUARES} where $M \\neq 0$ is not assumed.",
    ],
)
def test_negated_or_doubted_nonzero_declares_nothing(text: str) -> None:
    ((verdict, detail),) = _results(text)
    assert verdict is R
    assert "M_1,1 = 0" in detail


def test_nonzero_ends_with_its_section() -> None:
    text = "## Problem 1\n\nLet $x \\neq 0$.\n$$ x^2 > 0 $$\n\n## Problem 2\n\n$$ x^2 > 0 $$\n"
    got = _results(text)
    assert [v for v, _ in got] == [U, R]
    assert "x = 0" in got[1][1]


def test_nonzero_holds_after_the_name_is_declared_again() -> None:
    text = "Let $x \\neq 0$. Now $x \\in \\mathbb{R}$.\n$$ x^2 > 0 $$"
    ((verdict, detail),) = _results(text)
    assert verdict is U
    assert "the text says x is nonzero (line 1" in detail


def test_nonzero_after_the_step_does_not_reach_back() -> None:
    # a sentence of its own after the display, not a clause of it
    ((verdict, _),) = _results("$$ x^2 > 0 $$\n\nLater we take $x \\neq 0$.")
    assert verdict is R


def test_nonzero_readers_skip_expressions_and_the_zero_itself() -> None:
    assert nonzero_in_words("if $A \\nabla J(W) B$ is non-zero, then") == []
    assert nonzero_in_words("$x \\neq y$ and $\\mathbf 0 \\neq \\mathbf{0}$") == []
    assert [n for _, _, n, _, _ in nonzero_in_words("non-zero matrices $A$ and $B$")] == ["nonzero:A", "nonzero:B"]
    # a count of nonzero entries, a nonzero variance: nothing said of the name after them
    assert nonzero_in_words("the number of nonzero entries of $x$ is $k$") == []
    assert nonzero_in_words("with non-zero variance then $\\rho(X, Y) = 0$") == []
    assert nonzero_in_words("with non-zero noise ($\\sigma^2 > 0$)") == []
    # a list keeps all its names or none
    assert nonzero_in_words("$a$ and $b + c$ are nonzero") == []


# -- constants in prose ----------------------------------------------------------------------------

DERIV = "$$ \\frac{d}{dx} (a x + b) = a $$"


@pytest.mark.parametrize(
    "said",
    [
        "For constants $a$ and $b$,",
        "Here $a$ and $b$ are constants.",
        "Let $a, b$ be real numbers (deterministic).",
        "Let $a$ and $b$ be non-random.",
        "where $a, b \\in \\mathbb{R}$ are constants.",
        "Treating $a$ and $b$ as constants,",
    ],
)
def test_constants_in_words_are_constants(said: str) -> None:
    ((verdict, detail),) = _results(f"{said}\n{DERIV}")
    assert verdict is P
    assert "lhs - rhs simplifies to 0" in detail


def test_without_words_a_and_b_may_depend_on_x() -> None:
    ((verdict, detail),) = _results(DERIV)
    assert verdict is U
    assert "treats a, b as constant in x" in detail


@pytest.mark.parametrize(
    "said",
    [
        "$a$ and $b$ are not constants.",
        "$a$ and $b$ need not be constants.",
        "If $a$ and $b$ are constants, then",
        "Here $a$ and $b$ are constant in $y$.",
        "$a$ and $b$ are constant functions of time.",
        "We write $a$ and $b$ as constants times $x$.",
        "where $a$ and $b$ are constants that depend on $x$.",
    ],
)
def test_constants_negated_narrowed_or_a_case_declare_nothing(said: str) -> None:
    ((verdict, detail),) = _results(f"{said}\n{DERIV}")
    assert verdict is U
    assert "treats a, b as constant in x" in detail


def test_constants_end_with_their_section_and_false_steps_stay_refuted() -> None:
    text = f"## One\n\nFor constants $a$ and $b$,\n{DERIV}\n$$ \\frac{{d}}{{dx}} (a x + b) = b $$\n\n## Two\n\n{DERIV}"
    got = _results(text)
    assert [v for v, _ in got] == [P, R, U]


def test_constants_readers() -> None:
    assert constants_in_words("$x^*$ is a fixed point of $f$") == []
    assert constants_in_words("if and only if $X$ is a constant") == []
    found = constants_in_words("where $\\mu, \\sigma \\in \\mathbb{R}$ are constants.")
    assert [n for _, _, n, _, _ in found] == ["a constant:mu", "a constant:sigma"]


# -- an order condition in a clause right after a display is that display's case ------------------------


def test_a_case_clause_after_a_display_is_not_read_with_an_earlier_kind() -> None:
    text = "For $x \\ge 0$ we have\n$$ |x| = x $$\nand\n$$ |x| = -x $$\nfor $x \\le 0$.\n"
    got = _results(text)
    assert [v for v, _ in got] == [P, U]
    assert "the text states a range for it (x \\le 0, a condition of the display before it (line 5))" in got[1][1]


def test_case_clauses_between_displays_refute_neither() -> None:
    # "for $x \\ge 0$, and": the sentence runs on into the next display, whose own clause is x <= 0
    got = _results("$$ |x| = x $$ for $x \\ge 0$, and\n$$ |x| = -x $$ for $x \\le 0$.\n")
    assert [v for v, _ in got] == [U, U]
    assert all("a condition of the display before it" in d for _, d in got)


def test_a_where_clause_still_gives_its_display_the_kind() -> None:
    got = _results("$$ |x| = -x $$ for $x < 0$.\n\n$$ |x| = 2x $$ for $x \\ge 0$.\n\n$$ \\sqrt{x^2} = x $$\n")
    assert [v for v, _ in got] == [P, R, U]
    assert "x: negative, from x < 0, right after the display" in got[0][1]
    assert "x = 3/4" in got[1][1]


def test_a_new_sentence_after_a_display_opens_the_next_one() -> None:
    # "...$$\n\nFor $x \\ge 0$ we have": not a clause of the display before
    got = _results("$$ y = 1. $$\n\nFor $x \\ge 0$ we have\n$$ |x| = x $$\n")
    assert got[-1][0] is P
    assert "x: nonnegative, from x \\ge 0 (line 3)" in got[-1][1]


def test_an_earlier_kind_that_meets_the_clause_still_holds_in_its_display() -> None:
    # every positive integer is >= 1: n keeps its kind in the display; a kind wider than the clause does not
    got = _results("Let $n \\in \\mathbb{N}$.\n\n$$ \\sum_{k=1}^{n} k = \\frac{n(n+1)}{2} $$ for $n \\ge 1$.\n")
    assert got[0][0] is P
    assert "n: positive integer, from n \\in \\mathbb{N} (line 1)" in got[0][1]
    ((verdict, detail),) = _results("Let $0 < p < 1$.\n\n$$ 2p \\ge 1 $$ for $0.5 \\le p \\le 1$.\n")
    assert verdict is U
    assert "0.5 \\le p \\le 1, a condition of the display before it" in detail
