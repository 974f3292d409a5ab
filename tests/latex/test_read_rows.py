"""Rows of an alignment that break one expression: a row ending with a binary operator or a
relation, or splitting a bracket with ``\\right. \\\\ \\left.``, goes on in the next row; and a
known operator written as a word before a spaced bracket (``\\textrm{Var} [x]``) is no prose."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict


def results(text: str) -> list[tuple[Verdict, str]]:
    return [(r.verdict, r.detail or "") for r in derive.check_latex(text)]


@pytest.mark.parametrize(
    "tex",
    [
        r"\begin{aligned} (x+1)^2 = &x^2 + \\ &2x + 1 \end{aligned}",
        r"\begin{aligned} (x+1)^2 &= x^2 - \\ &\quad (-2x - 1) \end{aligned}",
        r"\begin{split} (x+1)(x+2) = &(x+1) \cdot \\ &(x + 2) \end{split}",
        r"\begin{split} 2(x+1) = &2 \times \nonumber \\ &(x + 1) \end{split}",
        r"\begin{aligned} (a+b)^2 &= \\ &a^2 + 2ab + b^2 \end{aligned}",
        r"\begin{split} x\left[ 2 \cdot \right. \\ &\! \left. (x+1) \right] = &2x^2 + 2x \end{split}",
        r"\begin{split} \left[ x + \right. \\ &\hphantom{\left[\right.} \left. 1 \right]^2 = &x^2 + 2x + 1 \end{split}",
    ],
)
def test_a_broken_expression_is_one_side(tex: str) -> None:
    assert results(f"$${tex}$$") == [(Verdict.PROVED, "lhs - rhs simplifies to 0")]


def test_a_broken_false_step_is_refuted_as_one_side() -> None:
    [(verdict, _)] = results(r"$$\begin{aligned} (x+1)^2 = &x^2 + \\ &x + 1 \end{aligned}$$")
    assert verdict is Verdict.REFUTED


@pytest.mark.parametrize(
    "tex",
    [
        # scripts, not operators: the rows stay separate equations
        r"\begin{aligned} w &= X^* \\ x &= 2 \end{aligned}",
        r"\begin{aligned} s &= t_+ \\ x &= 2 \end{aligned}",
        # a bracket closed invisibly without one reopened: a cases-like display, rows separate
        r"\begin{aligned} f &= \left\{ y \right. \\ x &= 2 \end{aligned}",
    ],
)
def test_rows_that_end_an_expression_stay_apart(tex: str) -> None:
    steps = derive.check_latex(f"$${tex}$$")
    # the second row is its own equation, x = 2, never joined to the first
    assert any(r.claim.statement.replace(" ", "").endswith("x=2") for r in steps), [r.claim.statement for r in steps]


def test_a_row_after_an_equation_is_not_joined() -> None:
    steps = derive.check_latex(r"$$\begin{aligned} a &= b + u \\ d &= e \end{aligned}$$")
    assert [r.claim.statement.replace(" ", "") for r in steps] == ["a=b+u", "d=e"]


def test_a_known_operator_before_a_spaced_bracket_is_applied() -> None:
    steps = derive.check_latex(
        r"$$\begin{aligned} m &= \textrm{Var} [y] + E[y]^2 \\ &= \textrm{Var} (y) + E[y]^2 \end{aligned}$$"
    )
    sides = [r.claim.statement for r in steps]
    assert any(r"\textrm{Var} (y) + E[y]^2" in s for s in sides), sides


def test_a_prose_word_before_a_bracket_stays_prose() -> None:
    steps = derive.check_latex(r"$$x = 1 \quad \text{where} (a)$$")
    assert [r.claim.statement.replace(" ", "") for r in steps] == ["x=1"]


@pytest.mark.parametrize(
    ("tex", "names"),
    [
        (r"$$\theta_\text{map} = 2 = 1 + 1$$", ["theta_map"]),
        (r"$$x_\textrm{max} + 1 = 1 + x_\textrm{max}$$", ["x_max"]),
    ],
)
def test_a_text_subscript_is_a_label_not_an_annotation(tex: str, names: list[str]) -> None:
    got = results(tex)
    assert all(v is not Verdict.ERROR for v, _ in got), got
    assert got[-1] == (Verdict.PROVED, "lhs - rhs simplifies to 0")


def test_a_text_annotation_still_ends_the_statement() -> None:
    # "for" after a space is prose: the relation after it is a condition, never a claim refuted
    got = results(r"$$x = x \text{ for } y_\text{max} = 2$$")
    assert got[0] == (Verdict.PROVED, "lhs - rhs simplifies to 0")
    assert all(v is not Verdict.REFUTED for v, _ in got)


@pytest.mark.parametrize("over", [r"\overset{\textrm{hint}}{=}", r"\underset{(1)}{=}", r"\stackrel{\text{def}}{=}"])
def test_a_row_starting_with_a_noted_relation_continues(over: str) -> None:
    got = results(rf"$$\begin{{align}} a &= (x+1)^2 \\ &{over} x^2 + 2x + 1 \end{{align}}$$")
    assert got[-1] == (Verdict.PROVED, "lhs - rhs simplifies to 0")


def test_a_row_starting_with_a_decorated_letter_is_its_own() -> None:
    steps = derive.check_latex(r"$$\begin{align} a &= b \\ \overset{\circ}{x} &= x + 0 \end{align}$$")
    assert len(steps) == 2
    assert steps[0].claim.statement.replace(" ", "").startswith("a=b(")  # never "b \overset{\circ}{x}"


@pytest.mark.parametrize(
    "tex",
    [
        # attacker S88/S87: an arrow after "x = a or x = b" leads from all of it
        r"$$(x-2)(x-3) = 0 \implies x = 2 \text{ or } x = 3 \implies x^2 = 9$$",
        r"$$x^2 = 4 \implies x = 2 \text{ or } x = -2 \implies x^3 = -8$$",
        r"$$(x-2)(x-3) = 0 \implies x = 2 \lor x = 3 \implies x = 3$$",
        r"$$(x-2)(x-3) = 0 \implies x = 2 \vee x = 3 \implies x = 3$$",
        r"$$(x-2)(x-3) = 0 \implies x = 2 \text{ or } x = 3 \implies x = 2$$",
    ],
)
def test_a_row_after_a_disjunction_is_never_decided_through_one_member(tex: str) -> None:
    got = results(tex)
    assert got[-1][0] is Verdict.UNDECIDED, got[-1]
    assert all(v is Verdict.UNDECIDED for v, _ in got), got


def test_members_of_a_disjunction_are_conditions() -> None:
    got = results(r"$$x = 2 \text{ or } x = 3$$")
    assert [v for v, _ in got] == [Verdict.UNDECIDED, Verdict.UNDECIDED]


def test_or_inside_prose_words_is_no_disjunction() -> None:
    # "or equivalently" introduces another claim about the same quantity: both stay claims
    got = results(r"$$(x+1)^2 = x^2 + 2x + 1 \text{ or equivalently } (x+1)^2 - 1 = x^2 + 2x$$")
    assert got[0] == (Verdict.PROVED, "lhs - rhs simplifies to 0")


def test_a_solved_premise_without_a_list_still_decides() -> None:
    assert results(r"$$2x + 1 = 5 \implies x = 2$$")[-1][0] is Verdict.PROVED


@pytest.mark.parametrize(
    "tex",
    [
        # attacker S24: every member of a list before an arrow is a condition, never refuted on its own
        r"$$x + y = 3,\ x - y = 1 \implies x = 2,\ y = 1$$",
        r"$$2a + b = 5, \quad a - b = 1 \implies a = 2$$",
    ],
)
def test_members_of_a_list_before_an_arrow_are_conditions(tex: str) -> None:
    got = results(tex)
    assert all(v is not Verdict.REFUTED for v, _ in got), got
