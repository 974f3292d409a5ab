"""Values the text concluded after an arrow, used by later steps (derive.latex.results_concluded, issue 20 #2)."""

from __future__ import annotations

import derive
from derive import Verdict

LAGRANGE = (
    "Setting the derivative to zero:\n\n$$2 \\lambda + 2 N = 0 \\implies \\lambda = -N$$\n\nHence\n\n"
    "$$p_k = -\\frac{M_k}{\\lambda} = \\frac{M_k}{N}$$\n"
)


def _last(text: str, **kw: object) -> tuple[Verdict, str]:
    results = derive.check_latex(text, **kw)
    return results[-1].verdict, results[-1].detail or ""


def test_a_step_that_holds_with_a_proved_conclusion_is_proved() -> None:
    verdict, detail = _last(LAGRANGE)
    assert verdict is Verdict.PROVED
    assert "holds with \\lambda = -N, as concluded at line 3" in detail
    assert "equivalent to the premise" in detail


def test_a_step_false_even_with_the_conclusion_is_not_proved() -> None:
    text = LAGRANGE + "\nand\n\n$$-\\frac{M_k}{\\lambda} = \\frac{M_k}{2N}$$\n"
    verdict, detail = _last(text)
    assert verdict is Verdict.UNDECIDED
    assert "holds if" not in detail


def test_a_conclusion_naming_one_root_is_not_proved() -> None:
    text = "Solving:\n\n$$x^2 - 4 = 0 \\implies x = 2$$\n\nHence\n\n$$x + 1 = 3$$\n"
    verdict, detail = _last(text)
    assert verdict is Verdict.UNDECIDED
    assert "holds if x = 2, as concluded at line 3" in detail
    assert "names one of the solutions" in detail


def test_a_conclusion_that_does_not_follow_proves_nothing() -> None:
    text = (
        "Solving:\n\n$$2 \\lambda + 6 = 0 \\implies \\lambda = 3$$\n\n"
        "Hence\n\n$$\\frac{M_k}{\\lambda} = \\frac{M_k}{3}$$\n"
    )
    results = derive.check_latex(text)
    assert results[1].verdict is Verdict.REFUTED  # the conclusion itself: lambda = -3
    assert results[-1].verdict is Verdict.UNDECIDED
    assert "holds if \\lambda = 3, as concluded at line 3" in results[-1].detail
    assert "does not follow from the statement before its arrow" in results[-1].detail
    assert "not right by it" in results[-1].detail


def test_a_conclusion_from_another_case_is_only_a_condition() -> None:
    text = (
        "Case 1:\n\n$$2 \\lambda + 2 N = 0 \\implies \\lambda = -N$$\n\nCase 2: suppose instead\n\n"
        "$$-\\frac{M_k}{\\lambda} = \\frac{M_k}{N}$$\n"
    )
    verdict, detail = _last(text)
    assert verdict is Verdict.UNDECIDED
    assert "a case or problem of its own" in detail


def test_a_conclusion_in_another_section_does_not_apply() -> None:
    text = (
        "# A\n\n$$2 \\lambda + 2 N = 0 \\implies \\lambda = -N$$\n\n"
        "# B\n\n$$-\\frac{M_k}{\\lambda} = \\frac{M_k}{N}$$\n"
    )
    verdict, _ = _last(text)
    assert verdict is not Verdict.PROVED


def test_a_premise_with_names_the_step_does_not_use_is_not_read_with_guessed_kinds() -> None:
    # A may be a matrix (declared elsewhere, or meant so): A lambda + A N = 0 gives lambda = -N only for a scalar
    text = (
        "Setting it to zero:\n\n$$A \\lambda + A N = 0 \\implies \\lambda = -N$$\n\nHence\n\n"
        "$$-\\frac{M_k}{\\lambda} = \\frac{M_k}{N}$$\n"
    )
    verdict, detail = _last(text, symbols={"A": "matrix 2x2"})
    assert verdict is Verdict.UNDECIDED
    assert "holds if \\lambda = -N, as concluded at line 3" in detail


def test_a_premise_with_a_sum_is_not_solved() -> None:
    text = (
        "Setting it to zero:\n\n$$\\sum_k \\frac{N_k}{\\lambda} = -1 \\implies \\lambda = -N$$\n\nHence\n\n"
        "$$\\pi_k = -\\frac{N_k}{\\lambda} = \\frac{N_k}{N}$$\n"
    )
    verdict, detail = _last(text)
    assert verdict is Verdict.UNDECIDED
    assert "holds if \\lambda = -N, as concluded at line 3" in detail


def test_a_subscripted_pi_is_a_name_that_a_conclusion_gives_a_value() -> None:
    text = "Solving:\n\n$$2 \\pi_k - 1 = 0 \\implies \\pi_k = \\frac{1}{2}$$\n\nSo\n\n$$4 \\pi_k^2 = 1$$\n"
    verdict, detail = _last(text)
    assert verdict is Verdict.PROVED
    assert "\\pi_k = \\frac{1}{2}, as concluded at line 3" in detail


def test_the_constant_pi_is_never_substituted() -> None:
    # the conclusion gives y a value; pi in the step is the constant and stays so
    text = "Solving:\n\n$$2 y - 2 = 0 \\implies y = 1$$\n\nSo\n\n$$\\pi y = 3$$\n"
    verdict, _ = _last(text)
    assert verdict is not Verdict.PROVED


def test_an_equivalent_conclusion_of_a_family_of_solutions() -> None:
    # x - y = 0 has infinitely many solutions; x = y is equivalent to it, so x^2 = y^2 follows
    text = "Setting the difference to zero:\n\n$$x - y = 0 \\implies x = y$$\n\nHence\n\n$$x^2 = y^2$$\n"
    verdict, detail = _last(text)
    assert verdict is Verdict.PROVED
    assert "x = y, as concluded at line 3" in detail


def test_a_conclusion_after_the_step_does_not_apply() -> None:
    text = "$$-\\frac{M_k}{\\lambda} = \\frac{M_k}{N}$$\n\n$$2 \\lambda + 2 N = 0 \\implies \\lambda = -N$$\n"
    assert derive.check_latex(text)[0].verdict is Verdict.REFUTED


def test_a_step_true_on_its_own_keeps_its_proof() -> None:
    text = LAGRANGE + "\n$$\\lambda + N - N = \\lambda$$\n"
    verdict, detail = _last(text)
    assert verdict is Verdict.PROVED
    assert "concluded" not in detail


def test_a_concluded_equation_is_still_the_statement_the_next_display_is_solved_from() -> None:
    text = (
        "To find the roots, solve:\n\n$$y = 0 \\Rightarrow (x - 1)^2 - 4 = 0$$\n\nSimplifying:\n\n$$(x - 1)^2 = 4$$\n"
    )
    verdict, detail = _last(text)
    assert verdict is Verdict.PROVED
    assert "from the display right before it" in detail


def test_a_conclusion_in_a_case_does_not_prove_the_summary_after_the_cases() -> None:
    text = (
        "If $x = 0$:\n\n$$y - 1 = 0 \\implies y = 1$$\n\nOtherwise:\n\n$$y - 2 = 0 \\implies y = 2$$\n\n"
        "Therefore\n\n$$2 y = 4$$\n"
    )
    verdict, detail = _last(text)
    assert verdict is Verdict.UNDECIDED
    assert "holds if y = 2, as concluded at line 7" in detail


def test_a_conclusion_under_a_heading_or_cases_proves_nothing_after_them() -> None:
    text = (
        "\\section{A}\nSetting it to zero:\n\\[2 \\lambda + 2 N = 0 \\implies \\lambda = -N\\]\n"
        "\\subsection{B}\nHence\n\\[-\\frac{M_k}{\\lambda} = \\frac{M_k}{N}\\]\n"
    )
    assert derive.check_latex(text)[-1].verdict is not Verdict.PROVED


def test_naming_words_inside_a_derivation_do_not_block_a_proof() -> None:
    text = (
        "Let $\\lambda$ be the multiplier. Setting the derivative to zero, where $\\partial$ is taken in "
        "$\\pi_k$:\n\n$$2 \\lambda + 2 N = 0 \\implies \\lambda = -N$$\n\nLet us substitute:\n\n"
        "$$-\\frac{M_k}{\\lambda} = \\frac{M_k}{N}$$\n"
    )
    assert derive.check_latex(text)[-1].verdict is Verdict.PROVED


def test_a_display_solved_from_a_wrong_concluded_equation_is_not_proved() -> None:
    text = "Solve:\n\n$$x^2 - 4 = 0 \\Rightarrow (x - 3)(x + 3) = 0$$\n\nExpanding:\n\n$$x^2 = 9$$\n"
    results = derive.check_latex(text)
    assert results[1].verdict is Verdict.REFUTED
    assert results[-1].verdict is Verdict.UNDECIDED
    assert "does not follow from its premise" in results[-1].detail
    assert "not right by it" in results[-1].detail


def test_a_display_solved_from_a_concluded_equation_holding_at_one_root_is_not_proved() -> None:
    text = "Solve:\n\n$$x^2 - x - 6 = 0 \\Rightarrow (x - 3)(x - 2) = 0$$\n\nExpanding:\n\n$$x^2 - 5x + 6 = 0$$\n"
    verdict, detail = _last(text)
    assert verdict is Verdict.UNDECIDED
    assert "holds at some solutions of its premise only" in detail


def test_a_conclusion_is_not_used_after_the_text_gives_the_name_another_value() -> None:
    # attacker R61: "Let lambda = 5" between the conclusion and the step
    text = "$$3\\lambda = 6 \\implies \\lambda = 2$$\nLet $\\lambda = 5$.\n$$\\lambda^2 = 4$$\n"
    verdict, detail = _last(text)
    assert verdict is Verdict.UNDECIDED
    assert "the text says more of it since: \\lambda = 5" in detail
    for said in ("Define $\\lambda := 7$.", "Consider now $\\lambda \\in (0, 1)$.", "$$\\lambda = 3$$"):
        text = f"$$3\\lambda = 6 \\implies \\lambda = 2$$\n{said}\n\n$$\\lambda^2 = 4$$\n"
        assert _last(text)[0] is not Verdict.PROVED, said
