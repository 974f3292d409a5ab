"""Functions the document defines, applied in later steps as lambdas.

``f(x) = \\frac{1}{1+e^{-x}}`` defined once in scope makes ``\\frac{d}{dx} f(x)``, ``f(2y)``, ``f'(c)`` and a
differentiated bare ``f`` read as the body, with the parameters renamed all at once; the evidence names the
definition and its line. The attacks: a false step about a defined function, the same letter a function in
one section and a number in another, too few arguments, a ``cases`` body, a definition after its use, a
chain ``f(x) = ... = ...`` (its later relations are checked, never taken as the definition), a redefinition,
a restatement in words, a binder of the body that would capture the argument, a density name.
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict

SIGMOID = "Let\n$$ f(x) = \\frac{1}{1+e^{-x}} $$\n"


def _steps(text: str, **kw: object) -> list[derive.Result]:
    return [r for r in derive.check_latex(text, **kw) if "a definition, not a claim" not in r.detail]


def _one(text: str, **kw: object) -> derive.Result:
    (r,) = _steps(text, **kw)
    return r


# -- the reading ----------------------------------------------------------------------------------------


def test_derivative_of_a_defined_function_is_proved_and_names_the_definition():
    r = _one(SIGMOID + "Then\n$$ \\frac{d}{dx} f(x) = f(x)(1 - f(x)) $$\n")
    assert r.verdict is Verdict.PROVED
    assert "f(x) := \\frac{1}{1+e^{-x}} (line 2)" in r.detail


def test_application_at_another_argument_renames_the_parameter():
    r = _one(SIGMOID + "$$ f(2y) = \\frac{1}{1+e^{-2y}} $$\n")
    assert r.verdict is Verdict.PROVED
    assert "f(x) := " in r.detail


def test_derivative_written_with_a_prime_at_the_parameter_and_at_another_name():
    doc = (
        "Let\n$$ f(x) = x \\ln(x) $$\n"
        "$$ f'(x) = \\ln(x) + 1 $$\n$$ f'(c) = \\ln(c) + 1 $$\n$$ f''(t) = \\frac{1}{t} $$\n"
    )
    assert [r.verdict for r in _steps(doc)] == [Verdict.PROVED] * 3


def test_a_bare_function_name_under_a_derivative_is_the_body_at_its_parameters():
    doc = "Let\n$$ f(x, y) = 9x^2 - y^3 + 9xy $$\n$$ \\frac{\\partial f}{\\partial x} = 18x + 9y $$\n"
    r = _one(doc)
    assert r.verdict is Verdict.PROVED
    assert "f(x, y) := 9x^2 - y^3 + 9xy (line 2)" in r.detail


def test_two_parameters_are_renamed_at_once_not_one_after_the_other():
    # (h(y, x) = ... alone would define h anew: the steps are sums, which define nothing)
    doc = "Let\n$$ h(x, y) = x - 2y $$\n$$ h(y, x) + h(x, y) = -x - y $$\n$$ h(y, x) - h(x, y) = 0 $$\n"
    first, second = _steps(doc)
    assert first.verdict is Verdict.PROVED
    assert second.verdict is Verdict.REFUTED  # (y - 2x) - (x - 2y) = 3y - 3x, not 0
    assert "h(x, y) := x - 2y (line 2)" in second.detail


def test_a_parameter_name_that_is_also_free_in_the_step_is_not_confused():
    doc = "Let\n$$ f(x) = x + a $$\n$$ f(a) + x = x + 2a $$\n$$ f(x) - x = a $$\n"
    assert [r.verdict for r in _steps(doc)] == [Verdict.PROVED, Verdict.PROVED]


def test_a_vector_parameter_takes_a_vector_argument():
    doc = (
        "Let $\\mathbf w \\in \\mathbb{R}^3$, $\\mathbf h \\in \\mathbb{R}^3$, $\\mathbf a \\in \\mathbb{R}^3$ and\n"
        "$$ J(\\mathbf w) = \\mathbf a^\\top \\mathbf w $$\n"
        "$$ J(\\mathbf w + \\epsilon \\mathbf h) = "
        "\\mathbf a^\\top \\mathbf w + \\epsilon \\mathbf a^\\top \\mathbf h $$\n"
    )
    assert _one(doc).verdict is Verdict.PROVED


def test_a_function_defined_in_inline_prose_counts_like_a_display():
    r = _one("Let $f(x) = x^2 + 1$.\n\n$$ f(3) = 10 $$\n")
    assert r.verdict is Verdict.PROVED


def test_far_out_arguments_are_read_exactly():
    doc = "Let\n$$ f(x) = \\log(1 + e^{x}) $$\n$$ f(1000) = 1000 + \\log(1 + e^{-1000}) $$\n"
    assert _one(doc).verdict is Verdict.PROVED


def test_a_body_that_applies_another_defined_function_is_substituted_through():
    doc = "Let\n$$ g(x) = x + 1 $$\nand\n$$ f(x) = g(x)^2 $$\n$$ f(2) = 9 $$\n"
    r = _one(doc)
    assert r.verdict is Verdict.PROVED
    assert "g(x) := x + 1" in r.detail and "f(x) := g(x)^2" in r.detail


def test_a_restatement_that_provably_agrees_keeps_the_definition_in_use():
    doc = (
        "Let $ f(x) = x \\cdot \\ln(x) $ on $[1, e^2]$.\n\n"
        "Since $ f(x) = x \\ln(x) $ is differentiable for $x > 0$, we may go on:\n"
        "$$ f(e^2) = 2e^2 $$\n"
    )
    assert _one(doc).verdict is Verdict.PROVED


# -- the attacks -------------------------------------------------------------------------------------------


def test_a_false_step_about_a_defined_function_is_refuted_never_accepted():
    r = _one(SIGMOID + "Then\n$$ \\frac{d}{dx} f(x) = f(x)(1 + f(x)) $$\n")
    assert r.verdict is Verdict.REFUTED
    assert "nonzero for every value" in r.detail and "f(x) := " in r.detail


def test_a_false_value_of_a_defined_function_is_refuted():
    r = _one("Let\n$$ f(x) = x^2 $$\n$$ f(3) = 6 $$\n")
    assert r.verdict is Verdict.REFUTED


def test_the_same_letter_a_function_in_one_section_and_a_number_in_another():
    doc = (
        "## Problem 1\n\nLet\n$$ f(x) = x^2 $$\n$$ f(3) = 9 $$\n\n"
        "## Problem 2\n\nLet\n$$ f = 3 $$\n$$ f + 1 = 4 $$\n$$ f(2) = 4 $$\n"
    )
    first, second, third = _steps(doc)
    assert first.verdict is Verdict.PROVED
    assert second.verdict is Verdict.PROVED
    # f(2) in problem 2 is not problem 1's f: never proved through x^2
    assert third.verdict is not Verdict.PROVED and third.verdict is not Verdict.VERIFIED
    assert "f(x) :=" not in third.detail


def test_a_function_of_two_parameters_applied_to_one_argument_is_not_substituted():
    r = _one("Let\n$$ g(x, y) = x + y $$\n$$ g(1) = 1 $$\n")
    assert r.verdict is Verdict.UNDECIDED
    assert "g(x, y) :=" not in r.detail


def test_a_definition_whose_body_is_a_cases_environment_is_not_substituted():
    doc = "Let\n$$ f(x) = \\begin{cases} x & x > 0 \\\\ 0 & \\text{otherwise} \\end{cases} $$\n$$ f(2) = 3 $$\n"
    results = _steps(doc)
    assert all(r.verdict not in (Verdict.PROVED, Verdict.VERIFIED, Verdict.REFUTED) for r in results)


def test_definitions_inside_a_cases_environment_are_not_taken_as_definitions():
    doc = "We have\n$$ \\begin{cases} f(x) = x^2 \\\\ g(x) = 2x \\end{cases} $$\n$$ f(3) = 9 $$\n$$ g(3) = 7 $$\n"
    results = [r for r in _steps(doc) if r.claim.lhs.text.strip().startswith(("f(3)", "g(3)"))]
    assert results and all(r.verdict is Verdict.UNDECIDED for r in results)


def test_a_definition_after_its_use_is_not_used():
    r = derive.check_latex("$$ f(3) = 10 $$\nwhere\n$$ f(x) = x^2 $$\n")[0]
    assert r.verdict is Verdict.UNDECIDED
    assert "f(x) :=" not in r.detail


def test_a_chain_defines_by_its_first_relation_and_checks_the_rest():
    doc = "Let\n$$ f(x) = x^2 = x \\cdot x + 1 $$\n$$ f(1) = 1 $$\n"
    chain, later = _steps(doc)
    assert chain.verdict is Verdict.REFUTED  # x^2 = x x + 1 is a claim of the chain, checked
    assert later.verdict is Verdict.PROVED
    assert "f(x) := x^2 (line 2)" in later.detail  # the first relation, not the claimed x x + 1


def test_a_chain_about_a_defined_function_is_checked_against_the_definition():
    doc = "Let\n$$ f(x) = x^2 $$\nThen\n$$ f(x) = x \\cdot x = x + x $$\n"
    results = _steps(doc)
    assert [r.verdict for r in results][-1] is Verdict.REFUTED
    assert all(r.verdict is not Verdict.PROVED for r in results[1:])


def test_a_redefinition_in_the_same_section_uses_neither():
    doc = "Let\n$$ f(x) = x^2 $$\nNow let\n$$ f(x) = x^3 $$\n$$ f(2) = 8 $$\n"
    r = _steps(doc)[-1]
    assert r.verdict is Verdict.UNDECIDED
    assert "f(x) :=" not in r.detail


def test_a_function_given_a_new_meaning_in_words_is_not_substituted_after():
    doc = (
        "Let\n$$ f(x) = \\log(x^4) \\sin(x^3) $$\n"
        "By the product rule, with $f(x)$ as $\\log(x^4)$ and $g(x)$ as $\\sin(x^3)$,\n"
        "$$ \\frac{d}{dx} f(x) = \\frac{4}{x} $$\n"
    )
    r = _one(doc)
    assert r.verdict is Verdict.UNDECIDED
    assert "f(x) :=" not in r.detail


def test_an_argument_a_binder_of_the_body_would_capture_is_not_substituted():
    doc = "Let\n$$ g(x) = \\sum_{i=1}^{3} x^i $$\n$$ g(i) + 1 = 1 + i + i^2 + i^3 $$\n"
    r = _one(doc)
    assert r.verdict is Verdict.UNDECIDED
    assert "g(x) :=" not in r.detail


def test_a_prime_at_a_name_the_body_uses_otherwise_is_not_substituted():
    # f(x) = x y: f'(y) is y, but d/dy of y y is 2y; derive leaves f'(y) unknown
    doc = "Let\n$$ f(x) = x y $$\n$$ f'(y) = 2y $$\n"
    assert _one(doc).verdict is Verdict.UNDECIDED


def test_a_density_name_is_never_substituted():
    doc = "Let\n$$ p(x) = \\frac{1}{\\sqrt{2\\pi}} e^{-x^2/2} $$\n$$ p(y) = \\frac{1}{\\sqrt{2\\pi}} e^{-x^2/2} $$\n"
    results = _steps(doc)
    assert all("p(x) :=" not in r.detail for r in results)
    assert all(r.verdict is not Verdict.PROVED for r in results)


def test_a_condition_on_a_function_is_no_definition():
    doc = "If $f(x) = 0$ for some $x$, then\n$$ f(x) + 1 = 1 $$\n"
    r = _one(doc)
    assert "f(x) :=" not in r.detail


def test_a_definition_out_of_its_section_is_not_used():
    doc = "## Problem 1\n\nLet\n$$ f(x) = x^2 $$\n\n## Problem 2\n\n$$ f(3) = 9 $$\n"
    r = _one(doc)
    assert r.verdict is Verdict.UNDECIDED
    assert "f(x) :=" not in r.detail


@pytest.mark.parametrize(
    "use",
    [
        "f(|z|, 1) = |z| + 1",  # bars inside the arguments: not split into arguments
        "f\\left(z, 1\\right) = z + 2",  # \\left( ... \\right): read, and false
    ],
)
def test_odd_argument_notation_is_never_accepted_when_false(use: str):
    r = _one(f"Let\n$$ f(x, y) = x + y $$\n$$ {use} $$\n")
    assert r.verdict not in (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)


def test_a_bare_function_name_that_is_not_differentiated_stays_as_written():
    # f + 1 may be f(x) + 1, or a number f of another part: only a derivative of a bare f reads its body
    r = _one("Let\n$$ f(x) = x^2 $$\n$$ f + 1 = x^2 + 1 $$\n")
    assert r.verdict is not Verdict.PROVED
    assert "f(x) :=" not in r.detail


def test_the_parameters_of_an_applied_function_are_independent_in_its_partial_derivatives():
    # y is a parameter of f: held fixed in the partial derivative by x, so no 'treats y as constant' doubt
    doc = "Let\n$$ f(x, y) = x^2 y $$\n$$ \\frac{\\partial f}{\\partial x} = 2xy $$\n"
    assert _one(doc).verdict is Verdict.PROVED


def test_a_name_outside_the_body_keeps_its_doubt_in_a_derivative():
    # z is no name of f's body: whether it depends on x is not said, so the step is not decided on it
    doc = "Let\n$$ f(x) = x^2 $$\n$$ \\frac{d}{dx} (f(x) z) = 2xz $$\n"
    r = _one(doc)
    assert r.verdict is Verdict.UNDECIDED
    assert "treats z as constant" in r.detail


def test_a_composition_of_a_defined_function_with_itself():
    r = _one("Let\n$$ f(x) = x + 1 $$\n$$ f(f(x)) = x + 2 $$\n")
    assert r.verdict is Verdict.PROVED


def test_a_body_using_a_defined_name_reads_it_under_that_definition():
    doc = "Let\n$$ a = 3 $$\nand\n$$ f(x) = a x $$\n$$ f(2) = 6 $$\n"
    r = _one(doc)
    assert r.verdict is Verdict.PROVED
    assert "f(x) := a x" in r.detail and "a := 3" in r.detail


def test_a_function_defined_in_a_list_item_holds_to_the_end_of_that_item():
    # each part of an exercise defines J anew: each is used in its own part, never in the next
    doc = (
        "\\begin{enumerate}\n"
        "\\item $J(x) = 3x$.\n\\[ J(2y) = 6y \\]\n"
        "\\item $J(x) = x^2$.\n\\[ J(2y) = 4y^2 \\]\n"
        "\\end{enumerate}\n"
        "\\[ J(1) = 1 \\]\n"
    )
    first, second, after = _steps(doc)
    assert first.verdict is Verdict.PROVED and "J(x) := 3x" in first.detail
    assert second.verdict is Verdict.PROVED and "J(x) := x^2" in second.detail
    assert after.verdict is Verdict.UNDECIDED and "J(x) :=" not in after.detail


def test_two_definitions_in_one_item_use_neither():
    doc = "\\begin{itemize}\n\\item $J(x) = 3x$ and $J(x) = 4x$.\n\\[ J(1) = 3 \\]\n\\end{itemize}\n"
    r = _one(doc)
    assert r.verdict is Verdict.UNDECIDED


def test_a_parameter_is_not_held_constant_in_a_derivative_by_another_variable():
    # d/dt f(x) with x = x(t) possible: derive reads d/dt (x^2) = 0 only by treating x as constant in t, so
    # the step is not decided on that
    doc = "Let\n$$ f(x) = x^2 $$\n$$ \\frac{d}{dt} f(x) = 0 $$\n"
    r = _one(doc)
    assert r.verdict is Verdict.UNDECIDED
    assert "treats x as constant in t" in r.detail


def test_a_name_the_body_holds_free_is_not_captured_by_a_binder_of_the_step():
    # f(x) = x t: in \\int_0^1 f(x) dt, is t the definition's or the integral's? Neither reading is taken
    doc = (
        "Let\n$$ f(x) = x t $$\n"
        "$$ \\int_0^1 f(x) \\, dt = \\frac{x}{2} $$\n$$ \\int_0^1 f(s) \\, ds = \\frac{t}{2} $$\n"
    )
    captured, renamed = _steps(doc)
    assert captured.verdict is Verdict.UNDECIDED and "f(x) :=" not in captured.detail
    assert renamed.verdict is Verdict.PROVED and "f(x) := x t" in renamed.detail


@pytest.mark.parametrize(
    "text",
    ["$$f(x)=x^2$$\n$$f'(x)=3x$$", "$$h(a) = \\log\\sigma(a)$$\n$$h'(a) = \\sigma(a)$$", "$$f(x)=x^2$$\n$$f''(x)=3$$"],
)
def test_a_false_derivative_of_a_defined_function_is_refuted_never_a_definition(text: str):
    (r,) = _steps(text)
    assert r.verdict is Verdict.REFUTED
    # a counterexample confirmed at high precision, or a nonzero constant difference (f'' - 3 = -1)
    assert ("confirmed at 100 digits" in r.detail or "nonzero constant" in r.detail) and ":= " in r.detail
    assert "defines" not in r.detail


GRADIENT = (
    "Let $\\mathbf w \\in \\mathbb{R}^n$ and $\\mathbf A \\in \\mathbb{R}^{n \\times n}$, and\n"
    "$$ J(\\mathbf w) = \\mathbf w^\\top \\mathbf A \\mathbf w $$\n"
)


@pytest.mark.parametrize(
    "step",
    [
        "\\nabla J(\\mathbf w)^\\top = \\mathbf w^\\top \\mathbf A + \\mathbf w^\\top \\mathbf A^\\top",
        "\\nabla J(\\mathbf w) = (\\mathbf A + \\mathbf A^\\top) \\mathbf w",
    ],
)
def test_a_gradient_with_no_variable_written_is_the_gradient_by_the_parameter(step: str):
    # (a true step: \\nabla J(\\mathbf w) of a J of one parameter, applied at it as written, is \\nabla_{\\mathbf w} of
    # the body; it used to stay as written, since an unknown \\nabla(...) may be taken for a scalar against a vector)
    r = _one(GRADIENT + f"$$ {step} $$\n")
    assert r.verdict is Verdict.VERIFIED
    assert "J(\\mathbf w) := \\mathbf w^\\top \\mathbf A \\mathbf w" in r.claim.statement


def test_a_body_derive_cannot_read_leaves_the_step_undecided_naming_the_definition():
    doc = (
        "Let\n$$ L(\\theta) = p(x_1, \\dots, x_n; \\theta) $$\n"
        "$$ \\log L(\\theta) = \\sum_{i=1}^n \\log p(x_i; \\theta) $$\n"
    )
    r = _one(doc)
    assert r.verdict is Verdict.UNDECIDED
    assert "what cannot be read is in the definition L(\\theta) := " in r.detail


def test_what_the_step_itself_cannot_read_stays_an_error():
    # the unreadable norm is the step's own, not in the applied body x^2
    r = _one("Let\n$$ f(x) = x^2 $$\n$$ f(x) + ||\\mathbf w||_2 = 1 $$\n")
    assert r.verdict is Verdict.ERROR
    assert "what cannot be read is in the definition" not in r.detail
