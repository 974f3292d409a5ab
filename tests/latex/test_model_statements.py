"""Model statements (issues 15/20, MODEL): a display that states an opaque atom's formula is used by later steps.

``$$P(X \\mid \\theta) = \\theta^3 (1-\\theta)^2$$`` is a statement of the model (undecided, taken as given); later
steps read the same atom, token for token, as that formula, and their evidence names the statement and its line.
Attacks: another atom (other arguments, marks, a bold theta), a statement after the step or under "Suppose", two
formulas, a shadowed name, a binder that would capture a name of the formula, a wrong step (never proved, and never
refuted on the model).
"""

from __future__ import annotations

import derive
from derive import Verdict
from derive.latex.model_statements import apply_models, atom_key, model_statement

GIVEN = "a statement of the model, taken as given for later steps"
MODEL = "The likelihood is\n$$P(X \\mid \\theta) = \\theta^{3}(1-\\theta)^{2}.$$\nThen\n"
USED = "the model statement P(X \\mid \\theta) = \\theta^{3}(1-\\theta)^{2} at line 2"
DERIVATIVE = "3\\theta^2(1-\\theta)^2 - 2\\theta^3(1-\\theta)"


def _results(text: str, **kw: object) -> list[derive.Result]:
    return list(derive.check_latex(text, **kw))


def _verdicts(text: str, **kw: object) -> list[Verdict]:
    return [r.verdict for r in _results(text, **kw)]


def test_the_statement_is_taken_as_given_and_a_later_step_is_proved_with_it():
    got = _results(MODEL + f"$$\\frac{{d}}{{d\\theta}} P(X\\mid\\theta) = {DERIVATIVE}.$$\n")
    assert [r.verdict for r in got] == [Verdict.UNDECIDED, Verdict.PROVED]
    assert GIVEN in got[0].detail
    assert f"read with {USED}" in got[1].detail


def test_a_wrong_later_step_is_not_proved_nor_refuted_on_the_model():
    got = _results(MODEL + "$$\\frac{d}{d\\theta} P(X\\mid\\theta) = 3\\theta^2(1-\\theta)^2.$$\n")
    assert got[1].verdict is Verdict.UNDECIDED
    assert "refuted only with the model statement" in got[1].detail
    assert USED in got[1].detail


def test_the_log_of_the_atom_and_a_restatement_are_claims_checked_with_it():
    doc = MODEL + "$$\\log P(X\\mid\\theta) = 3\\log\\theta + 2\\log(1-\\theta).$$\n"
    doc += "$$P(X \\mid \\theta) = \\theta^{3}(1-2\\theta+\\theta^2).$$\n"
    got = _results(doc)
    # log(theta^3 (1 - theta)^2) splits only where theta and 1 - theta are positive: not proved, never refuted
    assert [r.verdict for r in got] == [Verdict.UNDECIDED, Verdict.UNDECIDED, Verdict.PROVED]
    assert GIVEN not in got[1].detail and USED in got[1].detail
    assert USED in got[2].detail


def test_another_atom_takes_nothing_from_the_statement():
    for other in (
        "P(Y \\mid \\theta)",
        "P(X \\mid \\boldsymbol\\theta)",
        "\\hat P(X \\mid \\theta)",
        "P(X \\mid \\theta, \\alpha)",
        "p(X \\mid \\theta)",
    ):
        (_, r) = _results(MODEL + f"$$\\frac{{d}}{{d\\theta}} {other} = {DERIVATIVE}.$$\n")
        assert r.verdict is Verdict.UNDECIDED, other
        assert "model statement" not in r.detail, other


def test_a_statement_after_the_step_is_not_used():
    doc = f"First\n$$\\frac{{d}}{{d\\theta}} P(X\\mid\\theta) = {DERIVATIVE}.$$\n" + MODEL
    r = _results(doc)[0]
    assert r.verdict is Verdict.UNDECIDED
    assert "model statement" not in r.detail


def test_a_supposed_formula_is_no_model():
    doc = "Suppose\n$$P(X \\mid \\theta) = \\theta^{3}(1-\\theta)^{2}.$$\nThen\n"
    doc += f"$$\\frac{{d}}{{d\\theta}} P(X\\mid\\theta) = {DERIVATIVE}.$$\n"
    got = _results(doc)
    assert [r.verdict for r in got] == [Verdict.UNDECIDED, Verdict.UNDECIDED]
    assert all("model statement" not in r.detail and GIVEN not in r.detail for r in got)


def test_two_formulas_for_one_atom_leave_the_steps_after_the_second_undecided():
    doc = MODEL + f"$$\\frac{{d}}{{d\\theta}} P(X\\mid\\theta) = {DERIVATIVE}.$$\n"
    doc += "Later\n$$P(X \\mid \\theta) = \\theta^{2}(1-\\theta)^{3}.$$\n"
    doc += "$$\\frac{d}{d\\theta} P(X\\mid\\theta) = 2\\theta(1-\\theta)^3 - 3\\theta^2(1-\\theta)^2.$$\n"
    got = _results(doc)
    assert [r.verdict for r in got] == [Verdict.UNDECIDED, Verdict.PROVED, Verdict.UNDECIDED, Verdict.UNDECIDED]
    for r in got[2:]:
        assert "two formulas" in r.detail
        assert "(line 2)" in r.detail and "(line 6)" in r.detail


def test_two_sections_with_two_models_each_use_their_own():
    doc = "## Part 1\nThe model is\n$$q(x \\mid \\lambda) = \\lambda e^{-\\lambda x}.$$\n"
    doc += "$$\\frac{d}{dx} q(x\\mid\\lambda) = -\\lambda^2 e^{-\\lambda x}.$$\n"
    doc += "## Part 2\nThe model is\n$$q(x \\mid \\lambda) = \\lambda^2 x e^{-\\lambda x}.$$\n"
    doc += "$$\\frac{d}{dx} q(x\\mid\\lambda) = \\lambda^2 e^{-\\lambda x} - \\lambda^3 x e^{-\\lambda x}.$$\n"
    doc += "$$\\frac{d}{dx} q(x\\mid\\lambda) = -\\lambda^2 e^{-\\lambda x}.$$\n"
    got = _results(doc)
    assert [r.verdict for r in got] == [
        Verdict.UNDECIDED,
        Verdict.PROVED,
        Verdict.UNDECIDED,
        Verdict.PROVED,
        Verdict.UNDECIDED,
    ]
    assert "at line 3" in got[1].detail and "at line 7" in got[3].detail


def test_a_name_of_the_model_given_a_value_in_between_ends_it():
    doc = MODEL + "Let\n$$\\theta = \\frac{1}{2} + \\alpha.$$\n"
    doc += f"$$\\frac{{d}}{{d\\theta}} P(X\\mid\\theta) = {DERIVATIVE}.$$\n"
    r = _results(doc)[-1]
    assert r.verdict is Verdict.UNDECIDED
    assert "model statement" not in r.detail


def test_a_binder_that_would_capture_a_name_of_the_formula_keeps_the_atom():
    doc = "The model is\n$$P(X \\mid \\theta) = \\theta^{n}(1-\\theta).$$\n"
    doc += "$$\\sum_{n=1}^{3} P(X \\mid \\theta) = "
    doc += "\\theta + \\theta^2 + \\theta^3 - \\theta^2 - \\theta^3 - \\theta^4.$$\n"
    r = _results(doc)[-1]
    assert r.verdict is Verdict.UNDECIDED
    assert "model statement" not in r.detail


def test_the_log_of_a_density_stated_once_is_used_under_that_log_only():
    doc = "The log-likelihood is\n$$\\ln p(\\mathbf{t} | w) = \\sum_{n=1}^{N} (w t_n - \\frac{w^2}{2}).$$\n"
    doc += "$$\\frac{\\partial}{\\partial w} \\ln p(\\mathbf t|w) = \\sum_{n=1}^{N} (t_n - w).$$\n"
    doc += "$$\\frac{\\partial}{\\partial w} p(\\mathbf t|w) = \\sum_{n=1}^{N} (t_n - w).$$\n"
    got = _results(doc, symbols={"N": "positive integer"})
    assert [r.verdict for r in got] == [Verdict.UNDECIDED, Verdict.PROVED, Verdict.UNDECIDED]
    assert "the model statement \\ln p(\\mathbf{t} | w)" in got[1].detail
    assert "model statement" not in got[2].detail


def test_a_rhs_with_an_unknown_function_or_an_update_states_no_model():
    assert model_statement("P(X|\\theta)", "\\prod_i p(x_i|\\theta)", 1, {}) is None
    assert model_statement("P(X|\\theta)", "P(X|\\theta) + 1", 1, {}) is None
    assert model_statement("E(X)", "\\mu", 1, {}) is None  # an expectation, not an opaque model
    assert model_statement("N(x|\\mu)", "2", 1, {}) is None
    assert model_statement("P(X \\mid \\theta)", "\\theta^2", 1, {}) is not None


def test_atoms_compare_token_for_token():
    a = atom_key("P(X \\mid \\theta)")
    assert a is not None and a == atom_key("P(X|\\theta)") == atom_key("P\\left(X \\mid \\theta\\right)")
    assert atom_key("P(Y|\\theta)") != a
    assert atom_key("\\ln p(\\mathbf{t}|\\mathbf w)") == atom_key("\\ln p(\\mathbf t | \\mathbf{w})")
    assert atom_key("2 P(X)") is None and atom_key("P(X) + 1") is None
    m = model_statement("P(X \\mid \\theta)", "\\theta^2", 1, {})
    assert m is not None
    assert apply_models("\\hat P(X|\\theta) + x_P(X|\\theta)", [m])[1] == []
    got, used = apply_models("\\log\\left(P(X|\\theta)\\right)", [m])
    assert used == [m] and got == "\\log\\left(\\left(\\theta^2\\right)\\right)"


def test_a_model_stated_for_part_of_its_arguments_is_not_used():
    doc = "The model is\n$$q(x \\mid \\lambda) = \\lambda e^{-\\lambda x}$$\nfor $x \\geq 0$, and zero otherwise.\n"
    doc += "$$\\int_{-1}^{1} q(x \\mid \\lambda) dx = e^{\\lambda} - e^{-\\lambda}.$$\n"
    got = _results(doc)
    assert [r.verdict for r in got] == [Verdict.UNDECIDED, Verdict.UNDECIDED]
    assert all("model statement" not in r.detail and GIVEN not in r.detail for r in got)


def test_a_second_formula_with_the_values_the_prose_states_is_checked_with_them():
    doc = "Then we see that\n$$\nP(X \\mid \\theta) = \\theta^{n_H}(1-\\theta)^{n_T}.\n$$\n\n"
    doc += "If the data has $n_H = 9$ and $n_T = 4$, we see that this is\n"
    doc += "$$\nP(X \\mid \\theta) = \\theta^9(1-\\theta)^4.\n$$\n"
    got = _results(doc)
    assert [r.verdict for r in got] == [Verdict.UNDECIDED, Verdict.PROVED]
    assert "n_H = 9 (line 6), stated in the text" in got[1].detail
    # another value, or none stated: not derived, and a wrong one is not refuted on the model either
    wrong = doc.replace("n_H = 9$", "n_H = 8$")
    assert [r.verdict for r in _results(wrong)] == [Verdict.UNDECIDED, Verdict.UNDECIDED]


def test_a_letter_before_parentheses_that_may_be_a_product_states_no_model():
    got = _results("$$K(\\sigma) = K \\sigma$$\n$$a(b + c) = ab + ac$$\n$$K(\\sigma) = 2$$\n$$K(\\sigma) + 1 = 3$$\n")
    assert all(GIVEN not in r.detail and "model statement" not in r.detail for r in got)
    assert model_statement("K(\\sigma)", "2", 1, {}) is None
    assert model_statement("K(x \\mid \\sigma)", "2", 1, {}) is not None


def test_numbers_the_prose_gives_a_name_of_the_model_keep_it_and_derive_the_second_formula():
    doc = "Then we see that\n$$\nP(X \\mid \\theta) = \\theta^{n_H}(1-\\theta)^{n_T}.\n$$\n\n"
    doc += "For a sequence which has $n_H = 9$ and $n_T = 4$, we see that this is\n"
    doc += "$$\nP(X \\mid \\theta) = \\theta^9(1-\\theta)^4.\n$$\nThen\n"
    doc += "$$\\frac{d}{d\\theta} P(X \\mid \\theta) = \\frac{d}{d\\theta} \\theta^9(1-\\theta)^4$$\n"
    got = _results(doc)
    assert [r.verdict for r in got] == [Verdict.UNDECIDED, Verdict.PROVED, Verdict.PROVED]
    assert "the model statement P(X \\mid \\theta) = \\theta^9(1-\\theta)^4 at line 8" in got[2].detail


COIN = "We can use the fact that independent probabilities multiply to see that\n"
COIN += "$$P(X \\mid \\theta) = \\theta^{n_H}(1-\\theta)^{n_T}.$$\n"
SQUARED = "$$P(X \\mid \\theta)^2 = \\theta^{2 n_H}(1-\\theta)^{2 n_T}$$\n"


def test_two_values_for_one_name_derive_nothing():
    doc = COIN + "In our example we have $n_H = 9$ and $n_T = 4$.\nFor the second coin $n_H = 3$ and $n_T = 10$.\n"
    doc += "Then\n$$P(X \\mid \\theta) = \\theta^9(1-\\theta)^4$$\n"
    assert _verdicts(doc)[-1] is Verdict.UNDECIDED


def test_a_formula_derived_with_values_ends_where_the_values_are_given_again():
    doc = COIN + "In our example we have $n_H = 9$ and $n_T = 4$.\nso\n"
    doc += "$$P(X \\mid \\theta) = \\theta^9(1-\\theta)^4.$$\nFor the second coin $n_H = 3$ and $n_T = 10$.\n"
    doc += "Then\n$$P(X \\mid \\theta)^2 = \\theta^{18}(1-\\theta)^{8}$$\n"
    assert _verdicts(doc)[-1] is Verdict.UNDECIDED


def test_words_that_change_the_model_or_a_new_problem_end_it():
    for between in (
        "We now change the model: the tosses are no longer independent.\nThen\n",
        "\n## Problem 2\n\nA die is rolled and $X$ is the face shown; $\\theta$ is the chance of a six.\nThen\n",
        "Instead, take a bent coin.\n",
    ):
        r = _results(COIN + between + SQUARED)[-1]
        assert r.verdict is Verdict.UNDECIDED, between
        assert "model statement" not in r.detail, between
    assert _verdicts(COIN + "Then\n" + SQUARED)[-1] is Verdict.PROVED


def test_a_value_at_a_point_is_not_integrated_or_differentiated():
    for step in ("$$\\int_0^1 p(x \\mid a) \\, dx = 0.3$$\n", "$$\\frac{d}{dx} p(x \\mid a) = 0$$\n"):
        r = _results("For the observed point we get\n$$p(x \\mid a) = 0.3.$$\nThen\n" + step)[-1]
        assert r.verdict is Verdict.UNDECIDED, step
        assert "model statement" not in r.detail, step
    # at the same point, the value is what the text stated
    got = _results("For the observed point we get\n$$p(x \\mid a) = 0.3.$$\nThen\n$$2 p(x \\mid a) = 0.6$$\n")
    assert got[-1].verdict is Verdict.PROVED


def test_an_example_a_wrong_or_a_hypothetical_formula_states_no_model():
    for text in (
        "Let $P(X \\mid \\theta)$ denote the likelihood. For example, with three heads,\n"
        "$$P(X \\mid \\theta) = \\theta^3.$$\nIn general the likelihood is a polynomial in $\\theta$.\nThen\n",
        "We first wrote\n$$P(X \\mid \\theta) = \\theta^3$$\nbut this is wrong: the likelihood has the tails.\n",
        "Under independence the likelihood would be\n$$P(X \\mid \\theta) = \\theta^3.$$\nBut they are dependent.\n",
        "A tempting but false guess is\n$$P(X \\mid \\theta) = \\theta^3.$$\nThen\n",
    ):
        got = _results(text + "$$P(X \\mid \\theta)^2 = \\theta^6$$\n")
        assert got[-1].verdict is Verdict.UNDECIDED, text
        assert all(GIVEN not in r.detail and "model statement" not in r.detail for r in got), text


def test_a_function_the_text_calls_false_or_hypothetical_is_no_definition():
    for before in (
        "A tempting but false guess is\n",
        "**Incorrect:**\n",
        "Under independence the likelihood would be\n",
    ):
        got = _results(before + "$$L(\\theta) = \\theta^2.$$\nThen\n$$L(\\theta)^3 = \\theta^6$$\n")
        assert got[-1].verdict is Verdict.UNDECIDED, before
        assert "L(\\theta) :=" not in got[-1].detail, before
    got = _results("The likelihood is\n$$L(\\theta) = \\theta^2.$$\nThen\n$$L(\\theta)^3 = \\theta^6$$\n")
    assert got[-1].verdict is Verdict.PROVED


def test_an_if_inside_the_sentence_that_describes_the_data_keeps_the_model():
    doc = "Suppose that we have a single parameter $\\theta$ representing the probability that a coin flip is heads. "
    doc += "Then the probability of getting a tails is $1-\\theta$, and so if our observed data $X$ is a sequence with "
    doc += "$n_H$ heads and $n_T$ tails, we can use the fact that independent probabilities multiply to see that\n\n"
    doc += "$$P(X \\mid \\theta) = \\theta^{n_H}(1-\\theta)^{n_T}.$$\nThen\n" + SQUARED
    got = _results(doc)
    assert [r.verdict for r in got] == [Verdict.UNDECIDED, Verdict.PROVED]
    assert GIVEN in got[0].detail


def test_a_misconception_or_a_display_the_next_sentence_denies_is_no_model_nor_definition():
    for atom, step in (("L(\\theta)", "$$L(\\theta)^3 = \\theta^6$$\n"), ("P(X \\mid \\theta)", SQUARED)):
        for text in (
            f"A naive student might write\n$${atom} = \\theta^2.$$\nThis does not hold here.\nThen\n",
            f"The following is a common misconception:\n$${atom} = \\theta^2.$$\nThen\n",
        ):
            r = _results(text + step)[-1]
            assert r.verdict is Verdict.UNDECIDED, text
            assert "model statement" not in r.detail and ":=" not in r.detail, text
