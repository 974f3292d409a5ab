"""Assumptions real documents state in prose, facts they derive, and the rounding of ``\\approx``.

Each rule has its true reading and a false variant; attacks: a declaration after the step, in
another section, redeclared; front matter over prose; a law in an expectation's subscript.
"""

from __future__ import annotations

import derive
from derive import Verdict
from derive.latex import read_document


def _results(text: str, **kw: object) -> list[tuple[Verdict, str]]:
    return [(r.verdict, r.detail) for r in derive.check_latex(text, **kw)]


# -- \approx: the tolerance is the precision written -------------------------------------

BAYES = "\\frac{0.9 \\cdot 0.01}{0.9\\cdot 0.01 + 0.05 \\cdot 0.99}"  # 0.153846...


def test_approx_agrees_to_the_decimals_written():
    ((verdict, detail),) = _results(f"$${BAYES} \\approx 0.15$$")
    assert verdict is Verdict.PROVED
    assert "≈ 0.15 agrees to the 2 decimals written: checked |lhs - 0.15| <= 0.005" in detail


def test_approx_outside_the_written_band_is_refuted_with_the_band():
    ((verdict, detail),) = _results(f"$${BAYES} \\approx 0.16$$")
    assert verdict is Verdict.REFUTED
    assert "|lhs - 0.16| <= 0.005" in detail
    ((verdict, detail),) = _results("$$0.1449 \\approx 0.15$$")  # outside [0.145, 0.155]
    assert verdict is Verdict.REFUTED
    assert "|lhs - 0.15| <= 0.005" in detail


def test_approx_band_edges_and_coarser_side():
    # one decimal: ±0.05, so 0.1538 agrees with 0.2; the coarser of two numbers is the rounded one
    got = _results(f"$${BAYES} \\approx 0.2 \\approx 0.1538$$")
    assert [v for v, _ in got] == [Verdict.PROVED, Verdict.PROVED]
    assert all("<= 0.05)" in d for _, d in got)
    # half a unit of the last digit is inside the band
    ((verdict, _),) = _results("$$0.145 \\approx 0.15$$")
    assert verdict is Verdict.PROVED
    ((verdict, detail),) = _results("$$\\sqrt{2} \\approx 1.41421$$")
    assert verdict is Verdict.PROVED and "<= 0.000005" in detail
    ((verdict, detail),) = _results("$$\\sqrt{2} \\approx 1.41422$$")  # 1.414213..: 6e-6 away
    assert verdict is Verdict.REFUTED and "<= 0.000005" in detail


def test_approx_integer_and_far_values():
    ((verdict, detail),) = _results("$$\\frac{46}{3} \\approx 15$$")  # 15.33: the units written
    assert verdict is Verdict.PROVED and "agrees to the units written: checked |lhs - 15| <= 0.5" in detail
    ((verdict, _),) = _results("$$\\frac{47}{3} \\approx 15$$")  # 15.67
    assert verdict is Verdict.REFUTED
    ((verdict, _),) = _results("$$e^{20} \\approx 485165195.4$$")  # 485165195.409...
    assert verdict is Verdict.PROVED


def test_approx_without_a_written_number_keeps_the_relative_band():
    ((verdict, detail),) = _results("$$e^{0.001} \\approx 1 + 0.001$$")
    assert "written" not in detail  # 1 + 0.001 is no rounded number
    assert verdict is Verdict.VERIFIED or verdict is Verdict.PROVED
    # an integer ending in 0 does not say how many figures it has
    ((verdict, detail),) = _results("$$1530 \\approx 1500$$")
    assert "written" not in detail


# -- prose declarations ------------------------------------------------------------------


def test_a_law_in_the_prose_makes_a_random_variable():
    text = (
        "Let $x \\sim \\mathcal{N}(\\mu, \\sigma^2)$.\n\n"
        "$$\\mathbb{E}[x^2] = \\mu^2 + \\sigma^2$$\n\n"
        "$$\\mathbb{E}[x^2] = \\mu^2 + 2\\sigma^2$$\n"
    )
    (v1, d1), (v2, d2) = _results(text)
    assert v1 is Verdict.PROVED
    assert "x random, from x \\sim \\mathcal{N}(\\mu, \\sigma^2) (line 1)" in d1
    assert v2 is Verdict.REFUTED
    assert "x random, from" in d2


def test_a_bernoulli_law_in_the_prose():
    text = "where $y \\sim \\mathrm{Bern}(p)$ and $0 < p < 1$.\n\n"
    text += "$$\\mathbb{E}[y^2] = p$$\n\n$$\\mathbb{E}[y^2] = p^2$$\n"
    (v1, d1), (v2, _) = _results(text)
    assert v1 is Verdict.PROVED and "p: probability, from 0 < p < 1 (line 1)" in d1
    assert v2 is Verdict.REFUTED


def test_a_law_after_the_step_does_not_apply():
    text = "$$\\mathbb{E}[x^2] = \\mu^2 + \\sigma^2$$\n\nwhere $x \\sim \\mathcal{N}(\\mu, \\sigma^2)$.\n"
    ((verdict, detail),) = _results(text)
    assert verdict is Verdict.UNDECIDED
    # the law after the step is not read into it (the every-function check's wording may say "random E")
    assert "Normal" not in detail and "random variable" not in detail and "x ~" not in detail, detail


def test_a_law_in_the_subscript_wins_over_the_prose():
    text = (
        "Let $x \\sim \\mathcal{N}(0, 1)$.\n\n"
        "$$\\mathbb{E}_{x \\sim \\mathcal{N}(3, 1)}[x] = 3$$\n\n"
        "$$\\mathbb{E}[x] = 0$$\n"
    )
    got = _results(text)
    assert [v for v, _ in got] == [Verdict.PROVED, Verdict.PROVED]


def test_front_matter_wins_over_a_prose_law():
    text = (
        "---\nderive:\n  random: {x: 'Exponential(1)'}\n---\n"
        "Let $x \\sim \\mathcal{N}(0, 1)$.\n\n$$\\mathbb{E}[x] = 1$$\n"
    )
    ((verdict, detail),) = _results(text)
    assert verdict is Verdict.PROVED
    assert "random, from" not in detail


def test_a_law_derive_cannot_read_blocks_refutations_through_its_name():
    text = "Let $x \\sim p(x)$.\n\n$$x^2 = x$$\n"
    ((verdict, detail),) = _results(text)
    assert verdict is Verdict.UNDECIDED
    assert "x \\sim p(x) (line 1)" in detail


def test_open_unit_interval_written_as_bounds():
    text = "Let $0 < \\mu < 1$.\n\n$$\\sqrt{\\mu^2} = \\mu$$\n\n$$\\log \\mu < 0$$\n\n$$\\mu^2 > \\mu$$\n"
    got = _results(text)
    assert got[0][0] is Verdict.PROVED and "mu: probability, from 0 < \\mu < 1 (line 1)" in got[0][1]
    assert got[1][0] in (Verdict.PROVED, Verdict.VERIFIED)
    assert got[2][0] is Verdict.REFUTED


def test_closed_bounds_give_no_kind():
    # 0 <= p <= 1 includes the ends: p = 0 is no probability derive samples, so no kind
    text = "Let $0 \\le p \\le 1$.\n\n$$\\sqrt{p^2} = p$$\n\n$$p^2 = p$$\n"
    doc = read_document(text)
    assert doc.steps[0].ranges == (("p", "0 \\le p \\le 1 (line 1)"),)
    got = _results(text)
    assert got[1][0] is Verdict.UNDECIDED  # p = 0 and p = 1 satisfy it: no refutation through p


def test_vectors_and_matrices_of_a_written_size():
    text = (
        "Let $\\mathbf{v} \\in \\mathbb{R}^{2}$, $A \\in \\mathbb{R}^{2 \\times 2}$.\n\n"
        "$$(A \\mathbf{v})^T = \\mathbf{v}^T A^T$$\n\n"
        "$$(A \\mathbf{v})^T = \\mathbf{v}^T A$$\n"
    )
    (v1, d1), (v2, _) = _results(text)
    assert v1 is Verdict.PROVED
    assert "v: vector 2, from \\mathbf{v} \\in \\mathbb{R}^{2} (line 1)" in d1
    assert v2 is Verdict.REFUTED


def test_a_symbolic_size_is_a_vector_kind_not_a_scalar():
    # R^D is a vector of letter size D, checked at several sizes (derive.latex.shapes); x^2 of a vector
    # reads only at D = 1, where it fails: that is no refutation of the vectors the text means
    text = "Let $\\mathbf{x} \\in \\mathbb{R}^D$.\n\n$$\\mathbf{x}^2 = \\mathbf{x}$$\n"
    doc = read_document(text)
    assert doc.steps[0].ranges == ()
    assert ("x", "vector D") in doc.steps[0].claim.symbols
    ((verdict, detail),) = _results(text)
    assert verdict is Verdict.UNDECIDED
    assert "fails only at size 1 (D = 1" in detail


def test_positive_definite_takes_the_size_declared_before():
    text = (
        "Let $\\Sigma \\in \\mathbb{R}^{2 \\times 2}$ with $\\Sigma \\succ 0$ and $\\mathbf{v} \\in \\mathbb{R}^2$.\n\n"
        "$$\\det(\\Sigma) > 0$$\n\n"
        "$$\\mathbf{v}^T \\Sigma \\mathbf{v} > 0$$\n"
    )
    (v1, d1), (v2, d2) = _results(text)
    assert v1 in (Verdict.PROVED, Verdict.VERIFIED)
    assert "Sigma: spd matrix 2x2, from \\Sigma \\succ 0 (line 1)" in d1
    assert v2 is Verdict.REFUTED  # at v = 0
    assert "v[1] = 0, v[2] = 0" in d2


def test_semidefinite_is_no_spd_kind():
    text = "Let $\\Sigma \\in \\mathbb{R}^{2 \\times 2}$, $\\Sigma \\succeq 0$.\n\n$$\\det(\\Sigma) > 0$$\n"
    doc = read_document(text)
    assert doc.steps[0].ranges == (("Sigma", "\\Sigma \\succeq 0 (line 1)"),)
    assert ("Sigma", "spd matrix 2x2") not in doc.steps[0].claim.symbols


# -- scope ---------------------------------------------------------------------------------


def test_a_declaration_holds_to_the_end_of_its_section():
    text = (
        "# One\n\nLet $t > 0$.\n\n$$\\sqrt{t^2} = t$$\n\n"
        "# Two\n\n$$\\sqrt{t^2} = t$$\n\n"
        "Now $t < 0$.\n\n$$\\sqrt{t^2} = -t$$\n"
    )
    got = _results(text)
    assert got[0][0] is Verdict.PROVED and "t: positive, from t > 0 (line 3)" in got[0][1]
    assert got[1][0] is Verdict.REFUTED  # section Two says nothing of t
    assert got[2][0] is Verdict.PROVED and "t: negative, from t < 0 (line 11)" in got[2][1]


def test_a_subsection_ends_its_own_declarations_not_its_sections():
    text = (
        "\\section{A}\nLet $t > 0$.\n\\subsection{A.1}\nLet $s > 0$.\n"
        "\\[\\sqrt{t^2 s^2} = t s\\]\n"
        "\\subsection{A.2}\n\\[\\sqrt{t^2} = t\\]\n\\[\\sqrt{s^2} = s\\]\n"
    )
    got = _results(text)
    assert [v for v, _ in got] == [Verdict.PROVED, Verdict.PROVED, Verdict.REFUTED]


def test_a_heading_in_a_code_fence_or_a_comment_is_none():
    text = "Let $t > 0$ here.\n\n```python\n# t = -1\n```\n\n$$\\sqrt{t^2} = t$$\n"
    assert _results("# S\n\n" + text)[0][0] is Verdict.PROVED
    tex = "\\section{A}\nLet $t > 0$.\n% \\section{B}\n\\[\\sqrt{t^2} = t\\]\n"
    assert _results(tex)[0][0] is Verdict.PROVED


def test_a_redeclaration_replaces_the_kind():
    text = "Let $t > 0$.\n\n$$|t| = t$$\n\nNow let $t < 0$.\n\n$$|t| = t$$\n"
    got = _results(text)
    assert [v for v, _ in got] == [Verdict.PROVED, Verdict.REFUTED]


def test_symbols_given_win_over_the_prose():
    text = "Let $t > 0$.\n\n$$\\sqrt{t^2} = t$$\n"
    ((verdict, detail),) = _results(text, symbols={"t": "real"})
    assert verdict is Verdict.REFUTED
    assert "from t > 0" not in detail


# -- facts the text concluded (issue 20 #2) --------------------------------------------------

LAGRANGE = (
    "$$2 \\lambda + 2 N = 0 \\implies \\lambda = -N$$\n\nHence\n\n$$p_k = -\\frac{M_k}{\\lambda} = \\frac{M_k}{N}$$\n"
)


def test_a_step_that_holds_with_a_proved_conclusion_is_proved():
    # 2 lambda + 2N = 0 => lambda = -N is proved (equivalent), so the later step may use it (issue 20 #2)
    got = _results(LAGRANGE)
    verdict, detail = got[-1]
    assert verdict is Verdict.PROVED
    assert "holds with \\lambda = -N, as concluded at line 1" in detail


def test_a_step_false_only_without_an_unproved_conclusion_is_undecided():
    text = (
        "$$\\sum_k M_k = -\\lambda \\implies \\lambda = -N$$\n\n"
        "Hence\n\n$$p_k = -\\frac{M_k}{\\lambda} = \\frac{M_k}{N}$$\n"
    )
    verdict, detail = _results(text)[-1]
    assert verdict is Verdict.UNDECIDED
    assert "holds if \\lambda = -N, as concluded at line 1" in detail


def test_a_step_false_for_every_value_stays_refuted():
    text = LAGRANGE + "\n$$\\frac{M_k}{N} = \\frac{M_k + 1}{N}$$\n"
    assert _results(text)[-1][0] is Verdict.REFUTED


def test_a_conclusion_after_the_step_does_not_apply():
    text = "$$p_k = -\\frac{M_k}{\\lambda} = \\frac{M_k}{N}$$\n\n$$2 \\lambda + 2 N = 0 \\implies \\lambda = -N$$\n"
    assert _results(text)[1][0] is Verdict.REFUTED


def test_a_conclusion_is_not_a_definition():
    doc = read_document(LAGRANGE)
    concluded = doc.steps[1]
    assert concluded.kind == "step" and concluded.defines is None
    later = doc.steps[-1]
    assert "lambda" in later.defined
    assert "\\lambda" in later.claim.lhs.text and ":=" not in later.claim.lhs.text


# -- \pi as a name ---------------------------------------------------------------------------


def test_pi_declared_as_a_probability_is_a_name():
    text = "Let $\\pi \\in (0, 1)$ be the prior.\n\n$$\\pi + (1 - \\pi) = 1$$\n\n$$\\pi^2 < \\pi$$\n"
    doc = read_document(text)
    assert ("pi", "probability") in doc.steps[0].claim.symbols


def test_pi_declared_positive_stays_the_constant():
    doc = read_document("Since $\\pi > 0$,\n\n$$\\sin(\\pi) = 0$$\n")
    assert "pi" not in dict(doc.steps[0].claim.symbols)


def test_pi_assigned_a_value_is_a_definition():
    doc = read_document("$$\\pi = 0.3$$\n\n$$2 \\pi = 0.6$$\n")
    assert doc.steps[0].kind == "definition" and doc.steps[0].defines == "pi"
    assert dict(doc.steps[1].claim.symbols).get("pi") == "real"
    assert "\\pi := 0.3" in doc.steps[1].claim.lhs.text


def test_pi_written_as_its_approximation_defines_nothing():
    doc = read_document("$$\\pi = 3.14$$\n\n$$\\sin(\\pi) = 0$$\n")
    assert doc.steps[0].kind == "step"
    assert "pi" not in dict(doc.steps[1].claim.symbols)


# -- display math that only declares ------------------------------------------------------------


def test_a_display_that_only_declares_holds_after_it_and_is_not_refuted():
    text = "$$0 < \\mu < 1$$\n\n$$\\mu (1 - \\mu) > 0$$\n\n$$\\mu^2 > \\mu$$\n"
    got = _results(text)
    assert [v for v, _ in got[:2]] == [Verdict.UNDECIDED, Verdict.UNDECIDED]
    assert "0 < \\mu < 1 (line 1), which this display declares" in got[0][1]
    assert got[2][0] in (Verdict.PROVED, Verdict.VERIFIED)
    assert "mu: probability, from 0 < \\mu < 1 (line 1)" in got[2][1]
    assert got[3][0] is Verdict.REFUTED


def test_a_display_order_that_is_a_claim_is_checked():
    got = _results("$$x^2 > 0$$\n\n$$e > 2$$\n\n$$\\ln e = 1$$\n\n$$\\frac{a}{b} > 1$$\n")
    assert got[0][0] is Verdict.REFUTED  # at x = 0: not a declaration, x^2 is no bare name
    assert got[1][0] is Verdict.PROVED and got[2][0] is Verdict.PROVED  # e stays the constant
    assert got[3][0] is Verdict.REFUTED


def test_an_annotated_condition_declares_nothing_after_its_row():
    text = "$$\\sqrt{x^2} = x \\quad \\text{for } x > 0$$\n\n$$\\sqrt{x^2} = x$$\n"
    got = _results(text)
    assert got[-1][0] is Verdict.REFUTED


def test_positive_definite_in_words():
    text = (
        "Let $\\Sigma \\in \\mathbb{R}^{2 \\times 2}$, where $\\Sigma$ is symmetric positive definite.\n\n"
        "$$\\det(\\Sigma^{-1}) = \\frac{1}{\\det(\\Sigma)}$$\n\n"
        "Let $A \\in \\mathbb{R}^{2 \\times 2}$ be a positive semidefinite matrix $A$.\n\n"
        "$$\\det(A) > 0$$\n"
    )
    (v1, d1), (v2, d2) = _results(text)
    assert v1 is Verdict.PROVED
    assert "Sigma: spd matrix 2x2, from $\\Sigma$ is symmetric positive definite (line 1)" in d1
    assert v2 is Verdict.UNDECIDED  # semidefinite: det(A) = 0 is allowed, but no kind says so
    assert "positive semidefinite matrix $A$ (line 5)" in d2


def test_positive_definite_without_a_size_is_a_range():
    doc = read_document("where $\\Sigma$ is positive definite.\n\n$$\\det(\\Sigma) > 0$$\n")
    assert doc.steps[0].ranges == (("Sigma", "$\\Sigma$ is positive definite (line 1)"),)


def test_approx_to_a_number_with_dots_is_cut_off_or_rounded():
    got = _results(
        "$$\\frac{2}{3} \\approx 0.666\\ldots$$\n\n$$\\frac{2}{3} \\approx 0.667\\ldots$$\n\n"
        "$$\\frac{2}{3} \\approx 0.665\\ldots$$\n\n$$1000000000 \\cdot \\log(1/2) \\approx -301029995.6\\ldots$$\n"
    )
    assert [v for v, _ in got] == [Verdict.PROVED, Verdict.PROVED, Verdict.REFUTED, Verdict.REFUTED]
    assert (
        "≈ 0.666\\ldots is cut off or rounded after the 3 decimals written: checked |lhs - 0.66625| <= 0.00075"
        in (got[0][1])
    )
    assert "checked |lhs - -301029995.625| <= 0.075" in got[3][1]  # the natural log is -693147180.56


def test_a_conclusion_holds_to_the_end_of_its_section():
    text = "# One\n\n" + LAGRANGE + "\n# Two\n\n$$-\\frac{M_k}{\\lambda} = \\frac{M_k}{N}$$\n"
    got = _results(text)
    assert got[-2][0] is Verdict.PROVED  # section One: lambda = -N is proved from its premise
    assert got[-1][0] is Verdict.REFUTED  # section Two concluded nothing about lambda


def test_approx_with_spacing_around_the_number():
    ((verdict, detail),) = _results(f"$${BAYES} \\approx \\; 0.15 \\,$$")
    assert verdict is Verdict.PROVED and "checked |lhs - 0.15| <= 0.005" in detail


def test_a_wrong_conclusion_never_proves_a_later_step():
    text = "$$2\\lambda = 4 \\implies \\lambda = 3$$\n\n$$\\lambda^2 = 9$$\n"
    got = _results(text)
    assert got[1][0] is Verdict.REFUTED  # the conclusion, checked under its premise (lambda = 2)
    assert got[2][0] is Verdict.UNDECIDED  # true under the conclusion, which is wrong: not proved
    assert "holds if \\lambda = 3, as concluded at line 1" in got[2][1]
    assert "does not follow from the statement before its arrow" in got[2][1]


def test_a_display_that_only_declares_counts_like_prose():
    text = (
        "$$x \\sim \\mathcal{N}(\\mu, \\sigma^2)$$\n\n$$\\mathbb{E}[x^2] = \\mu^2 + \\sigma^2$$\n\n"
        "$$\\mathbb{E}[x^2] = \\mu^2 + 2\\sigma^2$$\n\n$$\\mathbf{v} \\in \\mathbb{R}^2$$\n\n"
        "$$\\mathbf{v}^T\\mathbf{v} = v_1^2 + v_2^2$$\n"
    )
    got = derive.check_latex(text)
    assert [r.verdict for r in got] == [Verdict.PROVED, Verdict.REFUTED, Verdict.PROVED]
    assert "x random, from x \\sim \\mathcal{N}(\\mu, \\sigma^2) (line 1)" in got[0].detail
    assert "v: vector 2, from \\mathbf{v} \\in \\mathbb{R}^2 (line 7)" in got[2].detail
