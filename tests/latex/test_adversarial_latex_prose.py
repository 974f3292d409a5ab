"""Attacks on the readings of prose and notation around a step, with exact verdicts.

- ``\\approx`` between expressions of free names is a local or asymptotic approximation
  (``\\sin x \\approx x``): never refuted at a far point; wrong everywhere stays refuted;
- ``\\approx`` a number whose trailing zeros leave its figures unclear (``1200``, ``2 \\times 10^4``):
  not refuted within half a unit of its last nonzero digit, refuted beyond it;
- ``\\text{ plus }`` and other words of arithmetic inside a side are part of it, never dropped;
- a lone name after an arrow is the value the text solves for: not refuted with the name free;
"""

from __future__ import annotations

import pytest

import derive
from derive.model import Verdict

P, V, R, U, E = Verdict.PROVED, Verdict.VERIFIED, Verdict.REFUTED, Verdict.UNDECIDED, Verdict.ERROR


def run(text: str) -> list[tuple[Verdict, str]]:
    return [(r.verdict, r.detail) for r in derive.check_latex(text)]


# --- \approx with free names: a local or asymptotic approximation -------------------------------


@pytest.mark.parametrize(
    "tex",
    [
        r"\sin x \approx x",
        r"\log(1 + x) \approx x",
        r"(1+x)^{10} \approx 1 + 10x",
        r"n! \approx \sqrt{2\pi n}\left(\frac{n}{e}\right)^n",
        r"e^{t} \approx 1 + t + \frac{t^2}{2}",
    ],
)
def test_approx_in_free_names_is_not_refuted_at_a_far_point(tex: str) -> None:
    [(verdict, detail)] = run(f"$${tex}$$")
    assert verdict is U
    assert "local or asymptotic approximation" in detail


def test_approx_of_numbers_only_stays_refuted() -> None:
    # x + 5 \approx x holds for large x (relatively): only a step of numbers has no other reading
    [(free, _)] = run(r"$$x + 5 \approx x$$")
    [(numbers, _)] = run(r"$$e^2 \approx 3$$")
    assert (free, numbers) == (U, R)


def test_approx_in_free_names_that_holds_is_still_accepted() -> None:
    [(verdict, _)] = run(r"$$\frac{x^2 - 1}{x - 1} \approx x + 1$$")
    assert verdict in (P, V)


# --- \approx a round number: the figures written set the tolerance -------------------------------


@pytest.mark.parametrize(
    "tex",
    [r"e^{10} \approx 2 \times 10^{4}", r"\frac{1234}{1} \approx 1200", r"1049 \approx 1000", r"e^{5} \approx 150"],
)
def test_round_number_within_its_leading_figures_is_undecided(tex: str) -> None:
    [(verdict, detail)] = run(f"$${tex}$$")
    assert verdict is U
    assert "may be rounded to its leading figures" in detail


@pytest.mark.parametrize(
    "tex",
    [r"e^{10} \approx 3 \times 10^{4}", r"\frac{1290}{1} \approx 1200", r"1600 \approx 1000", r"e^{5} \approx 170"],
)
def test_round_number_beyond_its_leading_figures_is_refuted(tex: str) -> None:
    [(verdict, _)] = run(f"$${tex}$$")
    assert verdict is R


def test_a_number_with_decimals_keeps_its_exact_band() -> None:
    [(ok, _)] = run(r"$$\frac{34}{10} \approx 3$$")
    [(bad, _)] = run(r"$$\frac{36}{10} \approx 3$$")
    assert (ok, bad) == (P, R)


# --- words of arithmetic inside a side ----------------------------------------------------------


@pytest.mark.parametrize(
    "tex",
    [
        r"2 = 1 \text{ plus } 1",
        r"10 = 2 \text{ times } 5",
        r"\frac{3}{8} = \frac{3}{4} \text{ of } \frac{1}{2}",
        r"2 = 1 \text{ plus 50\% of } 2",
        r"6 = 3 \text{ multiplied by } 2",
        r"9 = 3\text{ squared}",
    ],
)
def test_a_word_of_arithmetic_in_a_side_is_not_dropped(tex: str) -> None:
    [(verdict, _)] = run(f"$${tex}$$")
    assert verdict in (U, E)  # never read as 2 = 1 and refuted


def test_an_annotation_in_words_is_still_dropped() -> None:
    [(verdict, _)] = run(r"$$(a+b)^2 = a^2 + 2ab + b^2 \quad \text{by expanding}$$")
    assert verdict is P


# --- a lone name after an arrow: the value solved for --------------------------------------------


def test_roots_named_after_an_arrow_are_not_refuted_free() -> None:
    got = run(r"$$(\lambda - 1)^2 = 0 \Rightarrow \lambda_1 = \lambda_2 = 1$$")
    # the premise's only solution is 1, so the roots' names lambda_1, lambda_2 are 1 whichever they name
    # (derive/latex/solving.py): proved as consequences, no longer only not refuted
    assert [v for v, _ in got] == [U, Verdict.PROVED, Verdict.PROVED]
    assert "follows from the premise by solving for lambda" in got[2][1]


def test_a_value_after_a_chain_that_does_not_mention_it_is_not_refuted() -> None:
    text = r"""$$
\ln(c) + 1 = \frac{2e^2}{e^2 - 1}
\Rightarrow \ln(c) = \frac{2e^2}{e^2 - 1} - 1 = \frac{e^2 + 1}{e^2 - 1}
\Rightarrow c = \exp\left( \frac{e^2 + 1}{e^2 - 1} \right)
$$"""
    got = run(text)
    # the whole chain before the arrow says ln c = (e^2 + 1)/(e^2 - 1): c = exp(...) is its only solution
    assert got[-1][0] is Verdict.PROVED
    assert "from the statement it is solved from" in got[-1][1]


def test_a_solved_value_that_is_wrong_stays_refuted() -> None:
    # derive solves 2w = 8 itself: w is substituted, so a wrong value is refuted without a point
    got = run(r"$$2w = 8 \implies w = 5$$")
    assert got[-1][0] is R


def test_a_name_on_the_right_after_an_arrow_is_still_checked() -> None:
    # only a lone name on the left is a value; "x + 1 = y" after an arrow keeps its refutation
    got = run(r"$$y = 2 \implies y + 1 = 4$$")
    assert got[-1][0] is R


# --- a display beginning with "+" after prose: going on, or adding to both sides? ----------------


def test_plus_display_after_prose_is_not_refuted_at_a_point() -> None:
    text = "$$ (a-b)^2 \\ge 0 $$\n\nAdding the two bounds,\n\n$$ +\\, 2ab \\ge 2ab $$"
    got = run(text)
    assert [v for v, _ in got] == [U, P]
    assert "may be a condition, a justification or part of a longer expression" in got[0][1]


@pytest.mark.parametrize("gap", ["\n", "\n\n", "\n\\label{eq:1}\n"])
def test_plus_display_right_after_a_display_goes_on(gap: str) -> None:
    ok = run(f"$$ (a+b)^2 = a^2 + 2ab $${gap}$$ + b^2 $$")
    bad = run(f"$$ (a+b)^2 = a^2 + 2ab $${gap}$$ + b^2 + 3ab $$")
    assert [ok[0][0], bad[0][0]] == [P, R]


def test_plus_display_after_prose_false_everywhere_stays_refuted() -> None:
    # no point needed: a nonzero constant apart under either reading of the join
    got = run("$$ (a+b)^2 = a^2 + 2ab $$\nand so\n$$ + b^2 + 1 $$")
    assert got[0][0] is R


# --- a clause right after a display that negates what it names states nothing (attacker A1) --------


@pytest.mark.parametrize(
    "clause",
    [
        "where $x > 0$ is not assumed.",
        "where $x > 0$ fails in general.",
        "where $x > 0$ need not hold.",
        "with $x > 0$ violated here.",
    ],
)
def test_a_negated_clause_after_a_display_declares_nothing(clause):
    (result,) = derive.check_latex(rf"$$\sqrt{{x^2}}=x$$ {clause}")
    assert result.verdict is Verdict.REFUTED, result.detail
    assert "right after the display" not in result.detail


def test_a_plain_clause_after_a_display_still_declares_for_it():
    (result,) = derive.check_latex(r"$$\sqrt{x^2}=x$$ where $x > 0$.")
    assert result.verdict is Verdict.PROVED
    assert "right after the display" in result.detail
