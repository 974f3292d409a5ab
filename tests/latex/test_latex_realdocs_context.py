"""The document's context: which prose math is a standing assumption, and for which steps.

Each rule has its reading and the attacks on it: a declaration the sentence negates, hedges or
quantifies (after the math too), an abbreviation inside the sentence, two declarations of one
name in a paragraph (combined or a case split), a later one in words ("any real"), a declaration
written right after its display (for that display only), a declaration in display math the text
negates.
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict

SQRT = "$$ \\sqrt{x^2} = x $$"


def _verdicts(text: str, **kw: object) -> list[Verdict]:
    return [r.verdict for r in derive.check_latex(text, **kw)]


def _one(text: str) -> tuple[Verdict, str]:
    (r,) = derive.check_latex(text)
    return r.verdict, r.detail


# -- a declaration the sentence does not assert ------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Note that $x > 0$ need not hold.",  # negated after the math
        "A common mistake is to assume $x > 0$ here.",
        "Unlike the previous problem, where $x > 0$, we know nothing here.",
        "There is some $x > 0$ with this property, but in general",
        "The bound holds for all $x > 0$; for negative $x$ it fails.",
        "When, as in Fig. 2, $x > 0$, the two curves coincide.",  # "Fig." ends no sentence
        "If (see Sec. 3) $x > 0$ then the map is monotone.",
        "Consider e.g. the case $x > 0$ only if it helps.",
        "Otherwise, $x > 0$ and the other branch applies.",
    ],
)
def test_a_hedged_declaration_gives_no_kind(sentence):
    # x > 0 would prove the step; read as a range, the step is neither proved nor refuted
    verdict, detail = _one(f"{sentence}\n\n{SQRT}\n")
    assert verdict is Verdict.UNDECIDED
    assert "x > 0" in detail  # the range it rests on is named


def test_a_plain_declaration_still_holds_after_an_abbreviation():
    verdict, detail = _one(f"As in Fig. 2. Let $x > 0$ be given.\n\n{SQRT}\n")
    assert verdict is Verdict.PROVED
    assert "x: positive, from x > 0 (line 1)" in detail


def test_display_declaration_negated_before_or_after():
    got = _verdicts(f"We must not assume\n\n$$ x > 0 $$\n\nhere, so in general\n\n{SQRT}\n")
    assert got == [Verdict.UNDECIDED, Verdict.UNDECIDED]
    law = "$$ x \\sim \\mathcal{N}(0, 1) $$"
    doc = f"If the data were Gaussian,\n\n{law}\n\nwould give it.\n\n$$ \\mathbb{{E}}[x^2] = 1 $$\n"
    assert _verdicts(doc) != [Verdict.PROVED]
    doc = "Take\n\n$$ x \\sim \\mathcal{N}(0, 1) $$\n\nas the model.\n\n$$ \\mathbb{E}[x^2] = 1 $$\n"
    assert _verdicts(doc) == [Verdict.PROVED]  # the same display, asserted


# -- two declarations of one name ----------------------------------------------------------


def test_one_paragraph_combines_compatible_declarations():
    verdict, detail = _one(f"Let $x > 0$ be a real number, $x \\in \\mathbb{{R}}$.\n\n{SQRT}\n")
    assert verdict is Verdict.PROVED
    assert "x: positive, from x > 0 (line 1)" in detail
    # in another sentence, "real" may restate or widen ("Now let ..."): neither kind is sure
    text = "Let $\\sigma > 0$. Recall that $\\sigma \\in \\mathbb{R}$.\n\n$$ \\sqrt{\\sigma^2} = \\sigma $$\n"
    assert _verdicts(text) == [Verdict.UNDECIDED]
    text = f"Let $x > 0$ at first. Now let $x \\in \\mathbb{{R}}$.\n\n{SQRT}\n"
    assert _verdicts(text) == [Verdict.UNDECIDED]
    text = f"Let $x \\in \\mathbb{{R}}$ with $x > 0$.\n\n{SQRT}\n"  # narrower after real, one sentence
    assert _verdicts(text) == [Verdict.PROVED]


def test_one_paragraph_with_excluding_declarations_is_a_case_split():
    text = f"About half the samples have $x < 0$; the rest have $x > 0$.\n\n{SQRT}\n"
    assert _verdicts(text) == [Verdict.UNDECIDED]
    text = "Some have $x < 0$; the rest have $x > 0$.\n\n$$ |x| = -x $$\n"
    assert _verdicts(text) == [Verdict.UNDECIDED]  # not refuted under x > 0 either


def test_a_wider_declaration_in_a_later_paragraph_is_a_range():
    text = f"Let $x > 0$.\n\n$$ |x| = x $$\n\nNow let $x \\in \\mathbb{{R}}$.\n\n{SQRT}\n"
    assert _verdicts(text) == [Verdict.PROVED, Verdict.UNDECIDED]


@pytest.mark.parametrize(
    "words",
    ["Now $x$ is an arbitrary real number.", "Here $x$ is any real number.", "Next, $x$ may be negative."],
)
def test_any_real_in_words_replaces_a_narrower_kind(words):
    text = f"Let $x > 0$.\n\n{SQRT}\n\n{words}\n\n{SQRT}\n"
    got = derive.check_latex(text)
    assert [r.verdict for r in got] == [Verdict.PROVED, Verdict.REFUTED]
    assert "x: real, from $x$" in got[1].detail
    assert "x = -5/2" in got[1].detail


def test_latex_items_do_not_keep_a_kind_replaced_in_words():
    text = (
        "\\documentclass{article}\n\\begin{document}\n\\begin{enumerate}\n\\item Let $x > 0$.\n"
        "\\[ \\sqrt{x^2} = x \\]\n\\item Now $x$ is an arbitrary real number.\n\\[ \\sqrt{x^2} = x \\]\n"
        "\\end{enumerate}\n\\end{document}\n"
    )
    assert _verdicts(text) == [Verdict.PROVED, Verdict.REFUTED]


# -- a declaration written after its display -------------------------------------------------


@pytest.mark.parametrize(
    "after",
    ["where $x > 0$.", "for all $x > 0$.", "valid for $x \\geq 0$.", "provided that $x > 0$."],
)
def test_condition_after_the_display_reads_that_display(after):
    verdict, detail = _one(f"{SQRT}\n\n{after}\n")
    assert verdict is Verdict.PROVED
    assert "right after the display" in detail


def test_condition_after_a_display_is_no_wider():
    # the next display is not read under it: not proved (the author may mean any real there)
    text = "$$ \\sqrt{y^2} = y $$\n\nwhere $y > 0$. Next,\n\n$$ \\sqrt{y^2} = y $$\n"
    assert _verdicts(text) == [Verdict.PROVED, Verdict.UNDECIDED]
    text = f"{SQRT}\n\nFor the second part, let $x > 0$.\n\n{SQRT}\n"  # "For" opening a new sentence: no condition
    assert _verdicts(text) == [Verdict.REFUTED, Verdict.PROVED]


def test_two_conditions_after_the_display():
    text = "$$ \\log(xy) = \\log x + \\log y $$\n\nwhere $x > 0$ and $y > 0$.\n"
    assert _verdicts(text) == [Verdict.PROVED]
    text = "$$ \\sqrt{x^2 y^2} = xy $$\n\nwhere $x > 0$. Let $y > 0$.\n"
    (r,) = derive.check_latex(text)  # y > 0 is a new sentence, for the steps after it: no condition here
    assert r.verdict is Verdict.REFUTED
    assert "y: positive" not in r.detail


# -- rows of a chain of equations being solved ------------------------------------------------

CHAIN = """$$ m_2 = \\frac{1}{2}(x - m_1) $$

$$
\\begin{aligned}
2 m_1 &= x - m_2 \\\\
4 m_1 &= 2x - x + m_1 \\\\
3 m_1 &= x \\\\
m_1 &= \\frac{1}{3} x \\\\
m_1 &= \\frac{1}{2} x
\\end{aligned}
$$
"""


def test_a_row_that_is_a_nonzero_multiple_of_the_row_before_follows_from_it():
    got = derive.check_latex(CHAIN)
    assert [r.verdict for r in got] == [
        Verdict.UNDECIDED,  # the definition
        Verdict.UNDECIDED,  # the first equation: a condition, nothing before it
        Verdict.PROVED,
        Verdict.PROVED,
        Verdict.PROVED,
        Verdict.UNDECIDED,  # m_1 = x/2 is no multiple of m_1 = x/3: not refuted (a system's rows need not follow)
    ]
    assert "follows from the row before (line 5): lhs - rhs = (2) (2 m_1 - (x - m_2))" in got[2].detail
    assert "m_2 := \\frac{1}{2}(x - m_1) (line 1)" in got[2].detail
    assert "(\\frac{1}{3}) (3 m_1 - (x))" in got[4].detail


def test_multiplying_by_a_positive_factor_follows():
    text = (
        "$$\n\\begin{aligned}\n-\\frac{n}{2v} + \\frac{1}{2v^2} S &= 0 \\quad (\\text{multiply with } v^2) \\\\\n"
        "\\frac{1}{2} S &= \\frac{n}{2} v\n\\end{aligned}\n$$\n"
    )
    got = derive.check_latex(text, symbols={"v": "positive", "n": "positive integer"})
    assert got[1].verdict is Verdict.PROVED
    assert "(v^{2})" in got[1].detail
    # with v any real, v^2 may vanish: no factor found, and the row is not refuted either
    got = derive.check_latex(text, symbols={"n": "positive integer"})
    assert got[1].verdict is Verdict.UNDECIDED


def test_a_factor_that_may_vanish_is_no_reason():
    # x (x - 1) = 0 -> x - 1 = 0 loses the root x = 0: the factor x is not nonzero
    text = "$$\n\\begin{aligned}\nx^2 - x &= 0 \\\\\nx - 1 &= 0\n\\end{aligned}\n$$\n"
    got = derive.check_latex(text)
    assert got[1].verdict is Verdict.UNDECIDED
    assert "follows from the row before" not in got[1].detail


def test_rows_of_separate_blocks_are_not_chained():
    text = "$$ 2 m = x $$\n\n$$ 4 m = 2 x $$\n"
    got = derive.check_latex(text)
    assert all("row before" not in r.detail for r in got)


def test_a_factor_with_a_pole_at_a_root_is_no_reason():
    # x (x - 1) = 0 -> x = 0 divides by x - 1, which vanishes at the other root x = 1
    text = "$$\n\\begin{aligned}\nx^2 - x &= 0 \\\\\nx &= 0\n\\end{aligned}\n$$\n"
    got = derive.check_latex(text, symbols={"x": "nonnegative"})
    assert got[1].verdict is not Verdict.PROVED
    assert "follows from the row before" not in got[1].detail


# -- a name stated again: a claim against its definition -----------------------------------------

RESTATED = """Let $w = \\frac{\\tau}{\\tau + \\tau_0}$.

$$ \\mu_1 = \\frac{X\\tau+\\mu_0\\tau_0}{\\tau+\\tau_0} $$

which we can write as

$$ \\mu_1 = wX + (1-w)\\mu_0 $$
"""


def test_a_second_statement_of_a_defined_name_is_checked_against_it():
    got = derive.check_latex(RESTATED)
    assert [r.verdict for r in got] == [Verdict.UNDECIDED, Verdict.PROVED]
    assert "defines mu_1" in got[0].detail
    assert "states again \\mu_1, defined at line 3: checked against that definition" in got[1].detail


def test_a_wrong_second_statement_is_undecided_not_refuted():
    got = derive.check_latex(RESTATED.replace("(1-w)\\mu_0", "w\\mu_0"))
    assert got[1].verdict is Verdict.UNDECIDED
    assert "disagrees with the definition of \\mu_1, defined at line 3" in got[1].detail


@pytest.mark.parametrize("words", ["Now let", "For the second part, define", "Setting instead"])
def test_words_that_define_anew_make_a_second_definition(words):
    text = f"$$ a = x + 1 $$\n\n$$ a^2 = x^2 + 2x + 1 $$\n\n{words}\n\n$$ a = 2x $$\n\n$$ a^2 = 4x^2 $$\n"
    got = derive.check_latex(text)
    # both are definitions: a is substituted nowhere, and no step is decided through it
    assert [r.verdict for r in got] == [Verdict.UNDECIDED] * 4
    assert "defines a" in got[2].detail


def test_a_statement_in_another_section_is_a_new_definition():
    text = "## A\n\n$$ a = x + 1 $$\n\n$$ a - 1 = x $$\n\n## B\n\n$$ a = 2x $$\n\n$$ a = 2 x $$\n"
    got = derive.check_latex(text)
    assert [r.verdict for r in got] == [Verdict.UNDECIDED, Verdict.PROVED, Verdict.UNDECIDED, Verdict.PROVED]
    assert "defines a" in got[2].detail
    assert "defined at line 9" in got[3].detail  # against B's definition, not A's


def test_a_definition_does_not_reach_into_the_next_section():
    text = "## A\n\nWith $z = x^2$ we get\n\n$$ z + 1 = x^2 + 1 $$\n\n## B\n\n$$ z + 1 = x^2 + 1 $$\n"
    got = derive.check_latex(text)
    assert [r.verdict for r in got] == [Verdict.PROVED, Verdict.UNDECIDED]
    assert "defines z earlier" in got[1].detail or "z is defined earlier" in got[1].detail


@pytest.mark.parametrize(
    "sentence",
    ["The claim $z = x^2$ is false in general.", "It would be wrong to set $z = x^2$ here."],
)
def test_a_prose_equation_the_text_does_not_assert_defines_nothing(sentence):
    (r,) = derive.check_latex(f"{sentence}\n\n$$ z - x^2 = 0 $$\n")
    assert r.verdict is Verdict.UNDECIDED
    assert "z := x^2" not in r.detail


# -- facts the prose states: constraints, properties in words, excluded cases ---------------------


@pytest.mark.parametrize(
    ("prose", "step"),
    [
        ("Assume $a + b = 1$.", "a^2 + 2ab + b^2 = 1"),
        ("The mixing weights satisfy $\\sum_k \\pi_k = 1$.", "\\sum_k \\pi_k \\mu = \\mu"),
        ("The weights satisfy $\\sum_{k=1}^{K} w_k = 1$.", "\\sum_{k=1}^{K} w_k \\mu = \\mu"),
    ],
)
def test_a_relation_the_prose_states_blocks_refutations_through_its_names(prose, step):
    (r,) = derive.check_latex(f"{prose}\n\n$$ {step} $$\n")
    assert r.verdict is Verdict.UNDECIDED
    assert "stated in the text" in r.detail


def test_a_relation_on_other_names_does_not_block():
    (r,) = derive.check_latex("Assume $a + b = 1$.\n\n$$ (x + y)^2 = x^2 + y^2 $$\n")
    assert r.verdict is Verdict.REFUTED


@pytest.mark.parametrize(
    "words",
    [
        "Since $\\mathbf{y}$ is a one-hot vector of length $q$,",
        "With one-hot labels $\\mathbf{y}$,",
        "The entries $y_j$ sum to one.",
    ],
)
def test_a_property_in_words_blocks_refutations_through_the_name(words):
    step = "\\sum_{j=1}^q y_j \\log \\sum_{k=1}^q \\exp(o_k) = \\log \\sum_{k=1}^q \\exp(o_k)"
    (r,) = derive.check_latex(f"{words}\n\n$$ {step} $$\n")
    assert r.verdict is Verdict.UNDECIDED
    assert "the text states a range for it" in r.detail
    (r,) = derive.check_latex(f"{words}\n\n$$ \\sum_{{k=1}}^q (o_k + 1) = q + \\sum_{{k=1}}^q o_k + 1 $$\n")
    assert r.verdict is Verdict.REFUTED  # a step without y is refuted as before


def test_an_equation_of_one_name_against_the_others_states_it():
    # the logistic model: p given implicitly, not an identity in p
    (r,) = derive.check_latex("$$ \\frac{p}{1-p} = e^{ax+b} $$\n")
    assert r.verdict is Verdict.UNDECIDED
    assert "a value for $\\frac{p}{1-p}$" in r.detail
    (r,) = derive.check_latex("$$ \\frac{x}{2} + \\frac{x}{2} = 2x $$\n")  # both sides use x: an identity
    assert r.verdict is Verdict.REFUTED


DIFFERENT = "Two coins have probabilities of heads $p_1$ and $p_2$; assume these probabilities are different.\n\n"
RATIO = "\\frac{p_1^2+p_2^2}{p_1+p_2}"


def test_a_strict_inequality_at_an_equality_the_text_excludes_is_not_refuted():
    symbols = {"p_1": "probability", "p_2": "probability"}
    (r,) = derive.check_latex(f"{DIFFERENT}$$ {RATIO} > \\frac{{p_1+p_2}}{{2}} $$\n", symbols=symbols)
    assert r.verdict is Verdict.UNDECIDED
    assert "which the text excludes (p_1, p_2 (are different, before line 3))" in r.detail
    # the wrong direction fails away from equality too: refuted
    (r,) = derive.check_latex(f"{DIFFERENT}$$ {RATIO} < \\frac{{p_1+p_2}}{{2}} $$\n", symbols=symbols)
    assert r.verdict is Verdict.REFUTED
    # without the sentence, equality refutes the strict inequality
    (r,) = derive.check_latex(f"$$ {RATIO} > \\frac{{p_1+p_2}}{{2}} $$\n", symbols=symbols)
    assert r.verdict is Verdict.REFUTED


# -- \providecommand over a command LaTeX defines -----------------------------------------------


def test_providecommand_leaves_a_latex_command_alone():
    (r,) = derive.check_latex("$$\\providecommand{\\exp}{\\log}$$\n\n$$ \\exp(0) = 1 $$\n")
    assert r.verdict is Verdict.PROVED
    # a new name is defined, and \\newcommand over a command still replaces it
    (r,) = derive.check_latex("$$\\providecommand{\\two}{2}$$\n\n$$ \\two + 1 = 3 $$\n")
    assert r.verdict is Verdict.PROVED
    (r,) = derive.check_latex("$$\\renewcommand{\\exp}{\\log}$$\n\n$$ \\exp(1) = 0 $$\n")
    assert r.verdict is Verdict.PROVED


def test_a_reason_stating_a_property_in_the_display_blocks_refutation_at_a_point():
    symbols = {"u": "vector 2", "v": "vector 2", "A": "matrix 2x2"}
    step = "\\mathbf{u}^T A \\mathbf{v} = \\mathbf{v}^T A \\mathbf{u}"
    (r,) = derive.check_latex(f"$$ {step} \\quad \\text{{since $A$ is symmetric}} $$\n", symbols=symbols)
    assert r.verdict is Verdict.UNDECIDED
    assert "not refuted at a point on its own" in r.detail
    (r,) = derive.check_latex(f"$$ {step} $$\n", symbols=symbols)  # without the reason: refuted
    assert r.verdict is Verdict.REFUTED
    # a reason that states no property keeps the refutation
    (r,) = derive.check_latex("$$ (x+1)^2 = x^2 + 1 \\quad \\text{by expanding} $$\n")
    assert r.verdict is Verdict.REFUTED


def test_a_second_kind_in_one_paragraph_other_than_real_is_no_sure_kind():
    # "n \\in N with n >= 0": this author's N has 0, so 0^n = 0 is not proved (n = 0)
    got = _verdicts("Let $n \\in \\mathbb{N}$ with $n \\geq 0$.\n\n$$ 0^n = 0 $$\n")
    assert got == [Verdict.UNDECIDED]
    got = _verdicts("Let $n \\geq 0$ and $n \\in \\mathbb{N}$.\n\n$$ 0^n = 0 $$\n")
    assert got == [Verdict.UNDECIDED]


def test_distinct_values_from_a_neq_between_names_only():
    symbols = {"p_1": "probability", "p_2": "probability"}
    step = f"$$ {RATIO} > \\frac{{p_1+p_2}}{{2}} $$\n"
    (r,) = derive.check_latex(f"Let $p_1 \\neq p_2$.\n\n{step}", symbols=symbols)
    assert r.verdict is Verdict.UNDECIDED
    # a display claim with \\ne between expressions states no two names differ
    text = f"Since\n\n$$ \\frac{{p_1^2}}{{2}} \\ne p_2 $$\n\nwe see $p_1$, $p_2$.\n\n{step}"
    got = derive.check_latex(text, symbols=symbols)
    assert got[-1].verdict is Verdict.REFUTED


def test_a_function_stated_again_at_the_same_arguments_is_checked():
    got = derive.check_latex(
        "$$ F(\\theta, q) = \\theta^2 + q $$\n\nwhich is also\n\n$$ F(\\theta,q) = q + \\theta \\cdot \\theta $$\n\n"
        "$$ F(\\theta,q) = q $$\n\n$$ F(a, b) = 3 $$\n"
    )
    assert [r.verdict for r in got] == [Verdict.UNDECIDED, Verdict.PROVED, Verdict.UNDECIDED, Verdict.UNDECIDED]
    assert "states again F(\\theta, q), defined at line 1" in got[1].detail
    assert "disagrees with the definition of F(\\theta, q)" in got[2].detail
    assert "defines F" in got[3].detail  # other arguments: a value at a point, not compared here


def test_a_clause_that_runs_into_the_next_display_is_no_condition_of_the_one_before():
    text = f"{SQRT}\n\nfor $x > 0$ we have\n\n$$ |x| = x $$\n"
    got = derive.check_latex(text)
    assert got[0].verdict is Verdict.REFUTED
    assert "right after the display" not in got[0].detail


def test_a_step_read_under_an_unreadable_definition_is_undecided_not_an_error():
    doc = (
        "$$ X = \\{x_1, \\ldots, x_N\\} $$\n\n$$ 2X = X + X $$\n\n"
        "$$ L(a,b) = C' p(-3)^{10} \\cdots p(3)^{86} $$\n\n$$ L(a,b) = C \\prod_{i=0}^{N-1} p(x_i) $$\n\n"
        "$$ 2 = (x_1, \\ldots, x_N) $$\n"
    )
    got = derive.check_latex(doc)
    assert [r.verdict for r in got] == [
        Verdict.UNDECIDED,
        Verdict.UNDECIDED,
        Verdict.UNDECIDED,
        Verdict.UNDECIDED,
        Verdict.ERROR,  # the step's own text cannot be read: an error as before
    ]
    assert "what cannot be read is in the definition X := \\{x_1, \\ldots, x_N\\} (line 1) this step" in got[1].detail
    assert "in the definition L(a,b) := C' p(-3)^{10} \\cdots p(3)^{86} (line 5) this step" in got[3].detail


@pytest.mark.parametrize(
    "text",
    [
        "Let $c = 5$.\n\n$$x + 3 = x + c$$\n",
        "If $c = 5$, then $$x+3=x+c$$\n",
        "Let $C = 5$.\n\n$$x + 3 = x + C$$\n",
    ],
)
def test_a_name_given_a_value_right_before_the_step_is_no_additive_constant(text):
    # the "+ C" idiom reads an otherwise unused C as an arbitrary constant; a C the text just gave a
    # value is that value, so the step is not proved "up to an additive constant"
    result = derive.check_latex(text)[-1]
    assert result.verdict is not Verdict.PROVED
    assert "additive constant" not in result.detail


def test_a_declared_function_written_as_a_word_in_a_font_is_applied():
    # functions: [foo] with \mathrm{foo}(x) was read as foo times x and refuted at foo = -5/2
    text = "---\nderive:\n  functions: [foo]\n---\n$$\\mathrm{foo}(x)^2 \\ge 0$$\n"
    (result,) = derive.check_latex(text)
    assert result.verdict is Verdict.VERIFIED
    assert "for every value of foo(x)" in result.detail
