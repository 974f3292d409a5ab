"""Attacks on functions the document defines (``f(x) = ...`` applied as a lambda) and on scopes.

Four classes of false accepts an attacker found, each fixed as a class:

- a definition with a domain clause ("for $x \\geq 0$", "on $[0, 1)$", "near 0 only") or a second piece
  ("and $g(x) = 0$ outside") is not the body for every argument: substituted only at a number provably in a
  range derive reads, else nowhere;
- a later statement giving the function another meaning (``f \\colon x \\mapsto x^3``, "take $f$ to be",
  "$f$ is instead", "Replace $f$ by") ends the definition;
- plain-text problem and part labels (``Problem 2.``, ``Exercise 3.2``, ``Q2.``, ``Part (b).``, ``(b)``,
  ``2.``), theorem-like environments and list items end scopes, for functions and prose declarations alike;
  a kind that a part or item ends is a range after it (neither proved under nor refuted through);
- an equation introduced as a result ("gives", "we get", "so") is a claim, not a definition.
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict
from derive.latex.steps import ITEM_DEPTH, PART_DEPTH, scope_marks


def _steps(text: str) -> list[derive.Result]:
    return [r for r in derive.check_latex(text) if "a definition, not a claim" not in r.detail]


def _verdicts(text: str) -> list[Verdict]:
    return [r.verdict for r in _steps(text)]


def _last(text: str) -> derive.Result:
    return _steps(text)[-1]


# -- a domain clause -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "clause",
    [
        "for $x \\geq 0$, and let $f$ be odd",
        "on $[0, 1)$, extended to $\\mathbb{R}$ with period $1$",
        "near $0$ only; far away $f$ is linear",
        "for $x \\geq 0$; for negative $x$ we set $f$ to zero",
        ", defined only for $x \\ge 0$ (for $x<0$ let $f(x) = 0$)",
        "when $x$ is small",
        "outside the unit interval",
        "if $x > 0$",
    ],
)
def test_a_definition_with_a_domain_clause_is_not_applied_outside_it(clause: str):
    doc = f"Let $f(x) = x^2$ {clause}.\n$$ f(-1) = 1 $$\n"
    r = _last(doc)
    assert r.verdict is Verdict.UNDECIDED
    assert "f(x) :=" not in r.detail


def test_a_range_derive_reads_is_applied_only_at_numbers_provably_inside():
    doc = (
        "Let $f(x) = x^2$ for $x \\geq 0$.\n"
        "$$ f(2) = 4 $$\n$$ f(0) = 0 $$\n$$ f(-1) = 1 $$\n$$ f(-10^{100}) = 10^{200} $$\n$$ f(y) + 1 = y^2 + 1 $$\n"
    )
    got = _steps(doc)
    assert [r.verdict for r in got] == [Verdict.PROVED, Verdict.PROVED] + [Verdict.UNDECIDED] * 3
    assert "read with f(x) := x^2 (line 1)" in got[0].detail


def test_an_open_end_excludes_its_point_exactly():
    doc = "Let $f(x) = x^2$ for $x > 0$.\n$$ f(0) = 0 $$\n$$ f(\\frac{1}{10^{50}}) = \\frac{1}{10^{100}} $$\n"
    assert _verdicts(doc) == [Verdict.UNDECIDED, Verdict.PROVED]
    doc = "Let $f(x) = x^2$ on $[0, 1)$.\n$$ f(1) = 1 $$\n$$ f(\\frac{1}{2}) = \\frac{1}{4} $$\n"
    assert _verdicts(doc) == [Verdict.UNDECIDED, Verdict.PROVED]


def test_a_false_value_inside_the_range_is_still_refuted():
    doc = "Let $f(x) = x^2$ on $[1, e^2]$.\n$$ f(e^2) = 2 e^2 $$\n"
    assert _last(doc).verdict is Verdict.REFUTED


def test_a_range_of_another_name_is_no_domain_derive_reads():
    doc = "Let $f(x) = x^2 + y$ for $y \\geq 0$.\n$$ f(1) = 1 + y $$\n"
    assert _last(doc).verdict is Verdict.UNDECIDED


def test_a_derivative_at_a_point_of_a_limited_domain_is_left_as_written():
    doc = "Let $f(x) = |x|$ for $x \\geq 0$.\n$$ f'(0) = 1 $$\n"
    assert _last(doc).verdict is Verdict.UNDECIDED


def test_a_bare_differentiated_function_on_a_limited_domain_is_left_as_written():
    doc = "Let $f(x) = x^2$ for $x \\geq 0$.\n$$ \\frac{d}{dx} f = 2x $$\n"
    assert _last(doc).verdict is Verdict.UNDECIDED


def test_a_display_definition_with_a_condition_in_its_row_or_after_it():
    doc = "$$ f(x) = x^2 \\quad \\text{for } x \\ge 0 $$\n$$ f(-1) = 1 $$\n"
    assert _last(doc).verdict is Verdict.UNDECIDED
    doc = "Let\n$$ f(x) = x^2 $$\nfor $x \\geq 0$.\n$$ f(-1) = 1 $$\n$$ f(3) = 9 $$\n"
    assert _verdicts(doc) == [Verdict.UNDECIDED, Verdict.PROVED]


def test_a_second_piece_in_the_prose_ends_the_definition():
    doc = "Let $g(x) = 2x$ for $0 \\le x \\le 1$, and $g(x) = 0$ outside.\n$$ \\int_0^2 g(x)\\,dx = 4 $$\n"
    assert _last(doc).verdict is Verdict.UNDECIDED
    doc = "Let $g(x) = 2x$. For $x < 0$ we let $g(x) = 0$ instead.\n$$ g(-1) = -2 $$\n"
    assert _last(doc).verdict is Verdict.UNDECIDED


def test_a_kind_declared_before_the_definition_is_no_domain():
    doc = (
        "Let $\\mathbf w \\in \\mathbb{R}^3$, $\\mathbf a \\in \\mathbb{R}^3$ and\n"
        "$$ J(\\mathbf w) = \\mathbf a^\\top \\mathbf w $$\n$$ J(2 \\mathbf w) = 2 \\mathbf a^\\top \\mathbf w $$\n"
    )
    assert _last(doc).verdict is Verdict.PROVED


# -- a redefinition ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "again",
    [
        "Now let $f \\colon x \\mapsto x^3$.",
        "Next we take $f$ to be the cube, so $f(2)$ is $8$.",
        "In part (b), $f$ is instead the identity.",
        "Replace $f$ by its negative.",
        "Now let\n$$ f \\colon x \\mapsto x^3 $$",
        "Let $f : \\mathbb{R} \\to \\mathbb{R}$ be any odd function.",
        "We now change $f$.",
    ],
)
def test_a_later_meaning_ends_the_definition(again: str):
    doc = f"Let $f(x) = x^2$.\n$$ f(3) = 9 $$\n{again}\n$$ f(2) = 4 $$\n"
    got = _steps(doc)
    assert got[0].verdict is Verdict.PROVED
    assert got[-1].verdict is Verdict.UNDECIDED
    assert "f(x) :=" not in got[-1].detail


def test_an_inline_mapsto_of_another_letter_does_not_end_it():
    doc = "Let $g(x) = 2x$.\n$$ g(1) = 2 $$\nFor part (b), $h : x \\mapsto 3x$.\n$$ g(1) = 2 $$\n"
    assert _verdicts(doc) == [Verdict.PROVED, Verdict.PROVED]


def test_a_mention_that_gives_no_meaning_keeps_the_definition():
    assert _last("Let $f(x) = x^2$. Note that $f$ is convex.\n$$ f(3) = 9 $$\n").verdict is Verdict.PROVED
    assert _last("Let $f$ be given by $f(x) = x^2$.\n$$ f(3) = 9 $$\n").verdict is Verdict.PROVED


# -- scope marks -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("\\textbf{Problem 1.}", "\\textbf{Problem 2.}"),
        ("Problem 1.", "Problem 2."),
        ("Exercise 3.1", "Exercise 3.2"),
        ("Q1.", "Q2."),
        ("Part (a).", "Part (b)."),
        ("(a)", "(b)"),
        ("1.", "2."),
        ("\\noindent\\textbf{(a)}", "\\noindent\\textbf{(b)}"),
    ],
)
def test_a_problem_or_part_label_ends_the_definition(first: str, second: str):
    doc = (
        f"{first} Let $f(x) = x^2$.\n$$ f(3) = 9 $$\n\n"
        f"{second} Let $f$ be an odd function with $f(1) = 1$.\n$$ f(-1) = 1 $$\n"
    )
    assert _verdicts(doc) == [Verdict.PROVED, Verdict.UNDECIDED]


def test_theorem_environments_end_scopes_but_a_proof_goes_on():
    doc = (
        "\\begin{lemma} Let $f(x) = x^2$. Then $f(3) = 9$. \\end{lemma}\n"
        "\\begin{theorem} Let $f$ be any convex function. Then\n$$ f(2) = 4 $$\n\\end{theorem}\n"
    )
    assert _verdicts(doc) == [Verdict.UNDECIDED]
    doc = (
        "\\begin{theorem} Let $f(x) = x^2$. Then $f(3) = 9$. \\end{theorem}\n"
        "\\begin{proof}\n$$ f(3) = 9 $$\n\\end{proof}\n$$ f(2) = 4 $$\n"
    )
    assert _verdicts(doc) == [Verdict.PROVED, Verdict.UNDECIDED]


def test_labels_inside_math_or_a_sentence_are_no_marks():
    doc = "Let $f(x) = x^2$, and consider\n$$\n(b) + f(3) = b + 9\n$$\n"
    assert _verdicts(doc) == [Verdict.PROVED]
    doc = "The value is 2. Let $f(x) = x^2$. It is 2. Then\n$$ f(3) = 9 $$\n"
    assert _verdicts(doc) == [Verdict.PROVED]
    text = "We have $f(b) = 2.$ Then\n$$\n2. x\n$$\nsee (b) and Problem 2 above, or Q2 and 3. So"
    assert scope_marks(text) == []


def test_scope_marks_and_their_depths():
    text = (
        "Problem 1. x\n\\textbf{Exercise 3.2} y\n(a) z\nPart (b). w\n2. Let\n"
        "\\begin{lemma} a \\end{lemma}\n\\begin{proof} b \\end{proof}\n"
        "\\begin{enumerate}\n\\item c\n\\end{enumerate}\n"
    )
    depths = [depth for _, depth in scope_marks(text)]
    assert depths == [1, 1, PART_DEPTH, PART_DEPTH, PART_DEPTH, PART_DEPTH, PART_DEPTH, ITEM_DEPTH, ITEM_DEPTH]


DERIVATIVE = "$$\\frac{d}{dx}(a x + b) = a$$\n"


@pytest.mark.parametrize(
    "doc",
    [
        "\\begin{enumerate}\n\\item For constants $a$ and $b$, the line is straight.\n"
        "\\item Now let $b$ depend on $x$.\n" + DERIVATIVE + "\\end{enumerate}\n",
        "(a) For constants $a$ and $b$, the line is straight.\n\n(b) Now $b$ varies with $x$.\n\n" + DERIVATIVE,
        "Problem 1. For constants $a$ and $b$, the line is straight.\n\nProblem 2. Now $b$ varies.\n\n" + DERIVATIVE,
        "\\begin{lemma} For constants $a$ and $b$, the line is straight. \\end{lemma}\nIn general $b$ varies.\n\n"
        + DERIVATIVE,
    ],
)
def test_prose_constants_end_with_their_part(doc: str):
    assert _verdicts(doc) == [Verdict.UNDECIDED]


def test_prose_constants_hold_within_their_part():
    doc = "(a) For constants $a$ and $b$, the line is straight.\n" + DERIVATIVE
    assert _verdicts(doc) == [Verdict.PROVED]


def test_a_kind_an_item_ended_is_neither_assumed_nor_refuted_through():
    doc = (
        "\\begin{enumerate}\n\\item Let $x > 0$.\n$$ \\sqrt{x^2} = x $$\n"
        "\\item Show the following.\n$$ \\sqrt{x^2} = x $$\n\\end{enumerate}\n$$ \\sqrt{x^2} = x $$\n"
    )
    got = _steps(doc)
    assert [r.verdict for r in got] == [Verdict.PROVED, Verdict.UNDECIDED, Verdict.UNDECIDED]
    assert "x > 0" in got[1].detail or any("x > 0" in w for _, w in got[1].claim.ranges)


def test_assumptions_listed_as_items_are_never_refuted_through():
    doc = (
        "Assume\n\\begin{itemize}\n\\item $x > 0$,\n\\item $y > 0$.\n\\end{itemize}\n"
        "$$ \\sqrt{x^2 y^2} = x y $$\n$$ \\sqrt{x^2} = -x $$\n"
    )
    assert _verdicts(doc) == [Verdict.UNDECIDED, Verdict.UNDECIDED]


def test_a_kind_declared_before_the_parts_holds_in_every_part():
    doc = "Let $x > 0$.\n\n(a) We have\n$$ \\sqrt{x^2} = x $$\n\n(b) Also\n$$ \\sqrt{x^2} = x $$\n"
    assert _verdicts(doc) == [Verdict.PROVED, Verdict.PROVED]


# -- an equation introduced as a result ------------------------------------------------------------------


@pytest.mark.parametrize(
    "doc",
    [
        "Integrating $g'(x) = \\cos x$ with $g(0) = 0$ gives\n$$ g(x) = \\cos x $$\nso\n$$ g(\\pi) = -1 $$\n",
        "Solving $g'(x) = 2x$, $g(0) = 0$ we get\n$$ g(x) = x^2 + 1 $$\nand so\n$$ g(2) = 5 $$\n",
        "Since $g'(x) = 2x$ and $g(0) = 1$, we get $g(x) = x^2 + 2$.\n$$ g(1) = 3 $$\n",
        "Hence\n$$ g(x) = 3x $$\nThus\n$$ g(1) = 3 $$\n",
        "The solution is\n$$ g(x) = e^{x} $$\nat $x = 0$ it is\n$$ g(0) = 1 $$\n",
    ],
)
def test_a_result_is_a_claim_not_a_definition(doc: str):
    got = _steps(doc)
    assert all(r.verdict is Verdict.UNDECIDED for r in got)
    assert not any("g(x) :=" in r.detail for r in got)


def test_a_true_result_is_not_refuted_either():
    doc = "Integrating $g'(x) = \\cos x$ with $g(0) = 0$ gives\n$$ g(x) = \\sin x $$\nso\n$$ g(\\pi) = 0 $$\n"
    assert _verdicts(doc) == [Verdict.UNDECIDED, Verdict.UNDECIDED]


def test_a_sentence_that_defines_keeps_the_definition():
    doc = "Then define\n$$ f(x) = 2 x $$\n$$ f(3) = 6 $$\n"
    assert _verdicts(doc) == [Verdict.PROVED]
    doc = "Let us write\n$$ f(x) = 2 x $$\nso that\n$$ f(3) = 6 $$\n"
    assert _verdicts(doc) == [Verdict.PROVED]


# -- laws written in an aligned display ------------------------------------------------------------------

LAWS = (
    "Assume\n\\begin{align}\n  y_1 &\\sim \\mathcal{N}(0, 1) &   y_2 &\\sim \\mathcal{N}(0, 4) \\\\\n"
    "  x & = y_1+y_2\n\\end{align}\n"
)


def test_laws_in_the_cells_of_an_aligned_display_are_read_like_inline_ones():
    got = _steps(LAWS + "where $y_1, y_2$ are independent.\n$$ \\mathrm{Var}(x) = 5 $$\n$$ \\mathrm{Var}(x) = 4 $$\n")
    assert [r.verdict for r in got] == [Verdict.PROVED, Verdict.REFUTED]
    assert "y_2 random, from y_2 \\sim \\mathcal{N}(0, 4) (line 2)" in got[0].detail


def test_laws_in_cells_are_not_independent_unless_the_text_says_so():
    assert _verdicts(LAWS + "$$ \\mathrm{Var}(x) = 5 $$\n") == [Verdict.UNDECIDED]


def test_orders_in_the_cells_of_a_display_declare_nothing():
    doc = "We have\n\\begin{align}\n  u &> 0 & v &\\sim \\mathcal{N}(0, 1)\n\\end{align}\n$$ \\sqrt{u^2} = u $$\n"
    assert _verdicts(doc) != [Verdict.PROVED]


def test_a_result_about_the_same_letter_in_another_font_is_not_read_through_the_definition():
    doc = "Let $g(t) = t^2$.\nFor the vector field $\\mathbf{g}$ we have\n$$\\mathbf{g}(x) = x^2$$\n"
    assert _verdicts(doc) == [Verdict.UNDECIDED]
    doc = "Let $\\mathbf g(t) = t^2$.\n$$ \\mathbf{g}(2) = 4 $$\n$$ g(2) = 4 $$\n"
    assert _verdicts(doc) == [Verdict.PROVED, Verdict.UNDECIDED]


def test_a_plain_name_given_a_new_meaning_in_words_is_not_substituted_after():
    doc = (
        "We define\n$$ m = \\frac{a + b}{2} $$\n$$ 2 m = a + b $$\n"
        "Now let $m$ be the median instead.\n$$ 2 m = a + b $$\n$$ 2 m = a + b + 1 $$\n"
    )
    got = _steps(doc)
    assert [r.verdict for r in got] == [Verdict.PROVED, Verdict.UNDECIDED, Verdict.UNDECIDED]
    assert "m :=" not in got[1].detail


def test_a_plain_name_explained_in_words_keeps_its_definition():
    doc = "We define\n$$ m = \\frac{a + b}{2} $$\nwhere $m$ is the midpoint.\n$$ 2 m = a + b $$\n"
    assert _verdicts(doc) == [Verdict.PROVED]


@pytest.mark.parametrize(
    ("doc", "want"),
    [
        ("With $g(0) = 0$, let\n$$ g(x) = \\cos x $$\n$$ g(\\pi) = -1 $$\n", Verdict.UNDECIDED),
        ("Let $g(x) = x^2 + 1$, with $g(1) = 3$.\n$$ g(2) = 5 $$\n", Verdict.UNDECIDED),
        ("Let $g(x) = x^2 + 1$, with $g'(0) = 0$.\n$$ g(2) = 5 $$\n", Verdict.UNDECIDED),  # unchecked: counts against
        ("With $g(0) = 0$, let\n$$ g(x) = \\sin x $$\n$$ g(\\pi) = 0 $$\n", Verdict.PROVED),
        ("Let $g(x) = x^2 + 1$, so that $g'(x) = 2x$ and $g(1) = 2$.\n$$ g(2) = 5 $$\n", Verdict.PROVED),
    ],
)
def test_a_definition_the_stated_facts_contradict_is_not_substituted(doc: str, want: Verdict):
    assert _last(doc).verdict is want


def test_after_a_list_or_theorem_closes_the_depth_before_it_holds_again():
    doc = (
        "\\begin{enumerate}\n\\item Let $x > 0$.\n\\end{enumerate}\nLet\n$$ m = a + b $$\n"
        "\\begin{enumerate}\n\\item Show\n$$ 2 m = 2a + 2b $$\n\\end{enumerate}\n"
    )
    assert _verdicts(doc) == [Verdict.PROVED]
    doc = (
        "\\begin{lemma} For constants $a$ and $b$, the line is straight. \\end{lemma}\nLet $y > 0$.\n"
        "\\begin{enumerate}\n\\item Show\n$$ \\sqrt{y^2} = y $$\n\\end{enumerate}\n"
    )
    assert _verdicts(doc) == [Verdict.PROVED]
