"""Functions a text defines and later differentiates (issues 15/20, DEFS).

- ``\\log L(\\theta) = body`` with L given no meaning before defines L through its log: a later ``\\log L(a)``
  (or ``\\ln``) reads as the body at a, a bare ``L(a)`` stays unknown; a second such statement makes L ambiguous
  (never a claim refuted against the first); a density's log (``\\log p(x|\\theta)``) defines nothing.
- "We maximise the function $J(\\mu, v)$, $$J(\\mu, v) = ...$$": a display the sentence names is a definition,
  even after a result word; a result ("Hence $$g(x) = 3x$$") stays a claim.
- The names of a defined function's body besides its parameters (the data x_i of ``\\sum_i (x_i - \\mu)^2``) are
  constant in those parameters: the definition makes J a function of mu and v only.
"""

from __future__ import annotations

import derive
from derive import Verdict

DEFINITION = "a definition, not a claim"


def _steps(text: str, **kw: object) -> list[derive.Result]:
    return [r for r in derive.check_latex(text, **kw) if DEFINITION not in r.detail]


def _verdicts(text: str, **kw: object) -> list[Verdict]:
    return [r.verdict for r in _steps(text, **kw)]


BERNOULLI = "The log-likelihood is\n$$\\log L(p) = k\\log p + (n-k)\\log(1-p)$$\nDifferentiating,\n"


def test_a_log_definition_reads_the_log_of_its_function():
    got = _steps(BERNOULLI + "$$\\frac{d}{dp}\\log L(p) = \\frac{k}{p} - \\frac{n-k}{1-p}$$\n")
    assert [r.verdict for r in got] == [Verdict.PROVED]
    assert "\\log L(p) := k\\log p + (n-k)\\log(1-p) (line 2)" in got[0].detail


def test_a_false_step_about_a_log_definition_is_refuted_naming_it():
    (r,) = _steps(BERNOULLI + "$$\\frac{d}{dp}\\log L(p) = \\frac{k}{p} + \\frac{n-k}{1-p}$$\n")
    assert r.verdict is Verdict.REFUTED
    assert "read with \\log L(p) := k\\log p + (n-k)\\log(1-p) (line 2)" in r.detail


def test_ln_a_calligraphic_name_and_another_argument():
    doc = "Let\n$$\\ln \\mathcal{L}(w) = -\\frac{w^2}{2} + 3w$$\nthen\n"
    doc += "$$\\frac{\\partial \\ln \\mathcal{L}(w)}{\\partial w} = 3 - w$$\n"
    doc += "$$\\ln \\mathcal{L}(2) = 4$$\n$$\\ln \\mathcal{L}(2) = 5$$\n"
    assert _verdicts(doc) == [Verdict.PROVED, Verdict.PROVED, Verdict.REFUTED]


def test_the_function_itself_is_not_defined_by_its_log():
    # exp of the body is L only where the log is real: L(p) stays an unknown function
    doc = BERNOULLI + "$$L(p) = p^k (1-p)^{n-k}$$\n$$\\frac{d}{dp} L(p) = 0$$\n"
    assert _verdicts(doc) == [Verdict.UNDECIDED, Verdict.UNDECIDED]


def test_a_log_definition_after_the_step_is_not_used():
    doc = "First\n$$\\frac{d}{dp}\\log L(p) = \\frac{k}{p}$$\nwhere\n$$\\log L(p) = k\\log p$$\n"
    (r,) = _steps(doc)
    assert r.verdict is Verdict.UNDECIDED
    assert ":=" not in r.detail


def test_two_log_definitions_in_one_scope_are_ambiguous_not_refuted():
    doc = (
        "The log-likelihood is\n$$\\log L(\\theta) = -\\theta^2$$\n"
        "As we saw, we have\n$$\\log L(\\theta) = -2\\theta^2$$\n"
        "Then\n$$\\frac{d}{d\\theta}\\log L(\\theta) = -2\\theta$$\n"
    )
    (r,) = _steps(doc)
    assert r.verdict is Verdict.UNDECIDED
    assert ":=" not in r.detail


def test_log_definitions_in_two_sections_hold_each_in_its_own():
    doc = (
        "## A\n\n$$\\log L(\\theta) = -\\theta^2$$\n$$\\frac{d}{d\\theta}\\log L(\\theta) = -2\\theta$$\n\n"
        "## B\n\n$$\\log L(\\theta) = -\\theta^3$$\n$$\\frac{d}{d\\theta}\\log L(\\theta) = -2\\theta$$\n"
    )
    assert _verdicts(doc) == [Verdict.PROVED, Verdict.REFUTED]


def test_the_log_of_a_density_defines_nothing():
    doc = "The model is\n$$\\log p(x|\\theta) = -\\frac{(x-\\theta)^2}{2}$$\n"
    doc += "$$\\frac{d}{d\\theta}\\log p(x|\\theta) = x + \\theta$$\n"
    got = derive.check_latex(doc)
    assert all(r.verdict is Verdict.UNDECIDED for r in got)
    assert not any(DEFINITION in r.detail for r in got)


def test_a_log_after_a_definition_of_the_function_is_checked_through_it():
    doc = "Let\n$$L(\\theta) = \\theta^2 e^{-\\theta}$$\nso\n$$\\log L(\\theta) = 2\\log\\theta - \\theta$$\n"
    (r,) = _steps(doc, symbols={"theta": "positive"})
    assert r.verdict is Verdict.PROVED
    assert "L(\\theta) := \\theta^2 e^{-\\theta}" in r.detail


def test_a_log_definition_never_used_is_harmless():
    doc = "Here\n$$\\log L = 3$$\n$$x + x = 2x$$\n"
    assert _verdicts(doc) == [Verdict.UNDECIDED, Verdict.PROVED] or _verdicts(doc) == [Verdict.PROVED]


# -- a display the sentence names ---------------------------------------------------------------------------

NAMED = (
    "We now thus maximise the function $J(\\mu, v)$,\n\\begin{align}\n"
    "  J(\\mu, v) & = -\\frac{n}{2} \\log(2\\pi v) -\\frac{1}{2v} \\sum_{i=1}^n (x_i-\\mu)^2\n\\end{align}\n"
    "with respect to $\\mu$ and $v$. Taking partial derivatives gives\n\\begin{align}\n"
)


def test_a_function_the_sentence_names_is_defined_and_its_data_are_constant():
    got = _steps(
        NAMED
        + "  \\frac{\\partial J}{\\partial v} &= -\\frac{n}{2v}"
        + " + \\frac{1}{2v^2} \\sum_{i=1}^n (x_i-\\mu)^2\n\\end{align}\n"
    )
    assert [r.verdict for r in got] == [Verdict.PROVED]
    assert "J(\\mu, v) := -\\frac{n}{2}" in got[0].detail


def test_a_false_derivative_of_a_named_function_is_refuted_naming_it():
    (r,) = _steps(
        NAMED + "  \\frac{\\partial J}{\\partial \\mu} &= \\frac{1}{v} \\sum_{i=1}^n (x_i+\\mu)\n\\end{align}\n"
    )
    assert r.verdict is Verdict.REFUTED
    assert "(read with J(\\mu, v) := " in r.detail


def test_a_result_that_names_no_function_stays_a_claim():
    for doc in (
        "Hence\n$$ g(x) = 3x $$\nThus\n$$ g(1) = 3 $$\n",
        "Hence the function $g(x)$ satisfies\n$$ g(x) = 3x $$\nThus\n$$ g(1) = 3 $$\n",
        "Integrating $g'(x) = 3$ gives $g(x)$ as\n$$ g(x) = 3x $$\nThus\n$$ g(1) = 3 $$\n",
        "So we get $g(2x)$,\n$$ g(x) = 3x $$\nThus\n$$ g(1) = 3 $$\n",
    ):
        got = _steps(doc)
        assert all(r.verdict is Verdict.UNDECIDED for r in got), doc
        assert not any("g(x) :=" in r.detail for r in got), doc


def test_a_named_function_of_part_a_is_not_used_in_part_b():
    doc = (
        "**Problem 1.**\n\n(a) We thus maximise the function $f(x)$,\n$$ f(x) = x^2 $$\n$$ f'(x) = 2x $$\n\n"
        "(b) We thus maximise the function $f(x)$,\n$$ f(x) = x^3 $$\n$$ f'(x) = 3x^2 $$\n$$ f(2) = 4 $$\n"
    )
    assert _verdicts(doc) == [Verdict.PROVED, Verdict.PROVED, Verdict.REFUTED]


def test_a_body_name_that_is_defined_is_not_held_constant():
    # a := w x depends on w: J(w) = a^2 differentiated by w is not 0
    doc = "Let $a = w x$ and\n$$ J(w) = a^2 + w $$\n$$ \\frac{\\partial J(w)}{\\partial w} = 1 $$\n"
    assert Verdict.PROVED not in _verdicts(doc)


# -- E defined as an error function ------------------------------------------------------------------------

ERROR = "The error function is\n$$E(w) = \\sum_{n=1}^{N} (w x_n - t_n)^2$$\nThen\n"


def test_e_defined_as_an_error_function_is_that_function():
    got = _steps(ERROR + "$$\\frac{d}{dw} E(w) = \\sum_{n=1}^{N} 2 x_n (w x_n - t_n)$$\n")
    assert [r.verdict for r in got] == [Verdict.PROVED]
    assert "E(w) := \\sum_{n=1}^{N} (w x_n - t_n)^2 (line 2)" in got[0].detail


def test_a_false_step_about_the_error_function_is_refuted_naming_it():
    (r,) = _steps(ERROR + "$$\\frac{d}{dw} E(w) = \\sum_{n=1}^{N} x_n (w x_n - t_n)$$\n")
    assert r.verdict is Verdict.REFUTED
    assert "read with E(w) := " in r.detail


def test_an_expectation_after_e_is_defined_otherwise_is_not_decided():
    got = _steps(ERROR + "Let $x \\sim \\mathcal{N}(0, 1)$.\n$$E[2x] = 2E[x]$$\n$$E[x^2] = 1$$\n")
    assert [r.verdict for r in got] == [Verdict.UNDECIDED, Verdict.UNDECIDED]
    assert all("may be an expectation or the E the text defines" in r.detail for r in got)


def test_an_expectation_with_e_never_defined_stays_an_expectation():
    doc = "Let $x \\sim \\mathcal{N}(0, 1)$.\n$$E[x^2] = 1$$\n$$E[2x] = 2E[x]$$\n"
    assert _verdicts(doc) == [Verdict.PROVED, Verdict.PROVED]


def test_e_of_a_capital_is_no_error_function():
    # E(X) = sum x p(x) defines the expectation as plausibly: no definition, nothing substituted
    doc = "Let $X$ be a die roll. By definition\n$$E(X) = \\sum_{x=1}^{6} \\frac{x}{6}$$\n$$E(X) = 3.5$$\n"
    got = derive.check_latex(doc)
    assert not any(DEFINITION in r.detail or ":=" in r.detail for r in got)
    assert all(r.verdict is Verdict.UNDECIDED for r in got)


def test_e_of_a_conditional_is_no_error_function():
    doc = "Here\n$$E(t | w) = w^2$$\n$$E(t | w) = 1$$\n"
    got = derive.check_latex(doc)
    assert not any(":=" in r.detail for r in got)
    assert Verdict.REFUTED not in [r.verdict for r in got]


def test_e_without_words_saying_what_it_is_defines_nothing():
    doc = "$$E(w) = \\sum_{n=1}^{N} (w x_n - t_n)^2$$\n$$\\frac{d}{dw} E(w) = \\sum_{n=1}^{N} 2 x_n (w x_n - t_n)$$\n"
    got = derive.check_latex(doc)
    assert not any(DEFINITION in r.detail or ":=" in r.detail for r in got)
    assert all(r.verdict is Verdict.UNDECIDED for r in got)


def test_a_defined_error_function_is_not_substituted_at_a_random_argument():
    doc = ERROR + "Let $x \\sim \\mathcal{N}(0, 1)$.\n$$E(x) = 2x$$\n"
    (r,) = _steps(doc)
    assert r.verdict is Verdict.UNDECIDED
    assert ":=" not in r.detail


# -- a letter derive reads as a constant, given a value by the text (attacker D33) ---------------------------


def test_e_given_a_value_is_not_only_eulers_number():
    doc = "Let $e = 2$ denote the number of edges, so that $e^x$ grows like $2^x$.\n$$\\frac{d}{dx} e^x = e^x$$\n"
    doc += "$$e^x \\cdot e^x = e^{2x}$$\n$$x + x = 2x$$\n"
    got = derive.check_latex(doc)
    assert [r.verdict for r in got] == [Verdict.UNDECIDED, Verdict.UNDECIDED, Verdict.PROVED]
    assert "the text gives e a meaning of its own (e = 2 (line 1))" in got[0].detail


def test_e_given_a_value_in_a_display_and_a_false_step_is_not_refuted_either():
    doc = "Here\n$$e = 3$$\n$$e^2 = 10$$\n"
    got = _steps(doc)
    assert [r.verdict for r in got][-1] is Verdict.UNDECIDED


def test_a_statement_about_eulers_number_gives_e_no_other_value():
    doc = "Recall\n$$e = \\lim_{n \\to \\infty} \\left(1 + \\frac{1}{n}\\right)^n$$\n$$\\frac{d}{dx} e^x = e^x$$\n"
    assert derive.check_latex(doc)[-1].verdict is Verdict.PROVED


def test_e_given_a_value_after_the_step_makes_it_undecided_too():
    # "where $e = 2$ is the number of edges" right after: the display means that e (attacker D107)
    doc = "$$\\frac{d}{dx} e^x = e^x$$\nwhere $e = 2$ is the number of edges.\n"
    (r,) = derive.check_latex(doc)
    assert r.verdict is Verdict.UNDECIDED
    assert "e = 2 (line 2)" in r.detail


def test_sigma_and_gamma_given_a_value_are_not_only_the_built_in_functions():
    doc = "Let $\\sigma = 2$ denote the standard deviation.\n$$\\sigma(0) = \\frac{1}{2}$$\n$$\\sigma^2 = 4$$\n"
    got = _steps(doc)
    assert got[0].verdict is Verdict.UNDECIDED
    assert "so \\sigma here may be that value or the sigmoid" in got[0].detail
    doc = "Let $\\Gamma = 5$ be the number of groups.\n$$\\Gamma(3) = 2$$\n"
    (r,) = _steps(doc)
    assert r.verdict is Verdict.UNDECIDED
    assert "or the gamma function" in r.detail


def test_sigma_given_no_value_stays_the_sigmoid():
    assert _verdicts("$$\\sigma(0) = \\frac{1}{2}$$\n") == [Verdict.PROVED]


def test_a_function_of_a_parameter_given_a_value_before_is_a_value_at_a_point():
    # attacker D136: with a = 2 stated first, f(a) = a^2 may say f(2) = 4 only
    (r,) = _steps("Let $a = 2$ and $f(a) = a^2$.\n$$f(3) = 9$$\n")
    assert r.verdict is Verdict.UNDECIDED
    assert ":=" not in r.detail
    # a parameter given a value in another part does not count
    doc = "**Problem 1.** Let $a = 2$.\n$$a + a = 4$$\n\n**Problem 2.** Let $f(a) = a^2$.\n$$f(3) = 9$$\n"
    assert _verdicts(doc)[-1] is Verdict.PROVED


# -- a defined name transposed or inverted, its body's capitals undeclared (attacker H153, H154, H176) --------


def test_a_defined_product_of_capitals_inverted_or_transposed_is_not_decided_as_scalars():
    for doc in (
        "Let $M = BC$ with $B$, $C$ invertible matrices.\n$$M^{-1} = B^{-1}C^{-1}$$\n",
        "Let $A = BC$.\n$$A^\\top = A$$\n",
        "Let $A = B + C$.\n$$A^\\top = A$$\n",
        "Let $v = Ax$.\n$$v v^\\top = v^\\top v$$\n",
        "$$A^\\top = A$$ where $A = BC$.\n",
    ):
        got = _steps(doc)
        assert got[-1].verdict is Verdict.UNDECIDED, doc
        assert "is transposed or inverted here" in got[-1].detail, doc


def test_a_defined_number_inverted_is_still_decided():
    assert _verdicts("Let $a = b + c$.\n$$a^{-1} = \\frac{1}{b + c}$$\n") == [Verdict.PROVED]
    doc = "---\nderive:\n  symbols: {B: real, C: real}\n---\nLet $M = BC$.\n$$M^{-1} = B^{-1}C^{-1}$$\n"
    assert _verdicts(doc) == [Verdict.PROVED]


# -- the gradient by a declared scalar is its derivative ----------------------------------------------------


def test_nabla_by_a_declared_scalar_is_the_derivative():
    assert _verdicts("$$\\nabla_{x} (x^2 + 3x) = 2x + 3$$\n", symbols={"x": "real"}) == [Verdict.PROVED]
    assert _verdicts("$$\\nabla_{x} (x^2 + 3x) = 2x$$\n", symbols={"x": "real"}) == [Verdict.REFUTED]


def test_nabla_by_an_undeclared_name_stays_unknown():
    (r,) = _steps("$$\\nabla_{x} (x^2 + 3x) = 2x + 3$$\n")
    assert r.verdict is Verdict.UNDECIDED
    assert "unknown function nabla_x" in r.detail


def test_nabla_treats_other_names_as_constants_only_with_a_doubt():
    (r,) = _steps("$$\\nabla_{x} (x y_{nk}) = y_{nk}$$\n", symbols={"x": "real"})
    assert r.verdict is Verdict.UNDECIDED
    assert "treats y_nk as constant in x" in r.detail


def test_a_log_definition_differentiated_by_nabla_of_a_declared_scalar():
    doc = "Let\n$$\\log L(w) = -\\frac{w^2}{2} + 3w$$\nso\n$$-\\nabla_{w} \\log L(w) = w - 3$$\n"
    assert _verdicts(doc, symbols={"w": "real"}) == [Verdict.PROVED]


def test_a_built_in_letter_given_a_role_in_words_is_not_only_the_built_in():
    # attacker D108, D111: a role of its own in words, no value
    (r,) = _steps("Let $e$ denote the error vector.\n$$\\frac{d}{dx} e^x = e^x$$\n")
    assert r.verdict is Verdict.UNDECIDED
    assert "$e$ denote the error vector (line 1)" in r.detail
    (r,) = _steps("Let $\\sigma$ denote the standard deviation of the noise.\n$$\\sigma(0) = \\frac{1}{2}$$\n")
    assert r.verdict is Verdict.UNDECIDED
    assert "or the sigmoid" in r.detail


def test_a_role_that_is_the_built_in_meaning_keeps_it():
    assert _verdicts("Here $\\sigma$ is the logistic sigmoid.\n$$\\sigma(0) = \\frac{1}{2}$$\n") == [Verdict.PROVED]
    doc = "where $e$ is the base of the natural logarithm.\n$$\\frac{d}{dx} e^x = e^x$$\n"
    assert _verdicts(doc) == [Verdict.PROVED]
    assert _verdicts("Let $\\sigma > 0$.\n$$\\sigma(0) = \\frac{1}{2}$$\n") == [Verdict.PROVED]


def test_a_parameter_given_a_closed_form_constant_is_a_point_too():
    # attacker D164, D165: pi and sqrt(2) are numbers for this rule
    for doc in (
        "Let $a = \\pi$ and $f(a) = a^2$.\n$$f(3) = 9$$\n",
        "Let $a = \\sqrt{2}$ and $f(a) = a^3$.\n$$f(2) = 8$$\n",
    ):
        (r,) = _steps(doc)
        assert r.verdict is Verdict.UNDECIDED, doc
        assert ":=" not in r.detail, doc
