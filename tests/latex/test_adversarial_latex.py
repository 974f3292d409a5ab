"""An attacker's suite for the LaTeX reader's soundness classes 6-9, with exact verdicts.

6. bound variables shadow definitions (limits, integrals, derivatives, expectations, sums);
7. a verdict that rests on treating an undeclared name as constant in a derivative is undecided;
8. notation with two plausible readings gives no verdict resting on one guess;
9. definitions and declarations in inline math are read as context.

Each class has wrong steps that must not be accepted, true steps that must stay decided, and
the declaration that settles an undecided step.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from derive.engine import check_claim
from derive.latex import definition_result, read_document, settle
from derive.latex.readings import ambiguous_readings
from derive.model import Result, Settings, Verdict

SETTINGS = Settings(timeout=20)
P, V, R, U, E = Verdict.PROVED, Verdict.VERIFIED, Verdict.REFUTED, Verdict.UNDECIDED, Verdict.ERROR


def results(text: str, **kw: object) -> list[Result]:
    """The settled result of every step (definitions answered as the CLI answers them)."""
    doc = read_document(text, **kw)  # type: ignore[arg-type]
    out = []
    for step in doc.steps:
        if step.error is not None:
            out.append(None)
            continue
        out.append(definition_result(step) or settle(step, check_claim(step.claim, SETTINGS)))
    return out


def verdict_list(text: str, **kw: object) -> list[Verdict]:
    return [E if r is None else r.verdict for r in results(text, **kw)]


# -- 6. bound variables shadow definitions -----------------------------------------------------

DEFINED_Y = "$$y = 3$$\n\n"


@pytest.mark.parametrize(
    ("step", "verdict"),
    [
        # E over y ~ N(0, 1): y^2 averages to 1 whatever an earlier y = 3 said
        (r"\mathbb{E}_{y \sim \mathcal{N}(0,1)}[y^2] = 1", P),
        (r"\mathbb{E}_{y \sim \mathcal{N}(0,1)}[y^2] = 9", R),
        (r"\lim_{y \to 0} \frac{\sin y}{y} = 1", P),
        (r"\lim_{y \to 0} \frac{\sin y}{y} = \frac{\sin 3}{3}", R),
        (r"\int_0^1 y \, dy = \frac{1}{2}", P),
        (r"\int_0^1 y \, dy = 3", R),
        (r"\int_0^1 \int_0^2 y \, dx \, dy = 1", P),  # dy belongs to the outer integral
        (r"\sum_{y=1}^{3} y = 6", P),
        (r"\prod_{y=1}^{3} y = 6", P),
        (r"\prod_{y=1}^{3} y = 27", R),
        # d/dy differentiates by y and is then read where y = 3: 2y at 3 is 6
        (r"\frac{d}{dy} y^2 = 2y", P),
        (r"\frac{d}{dy} y^2 = 6", P),
        (r"\frac{d}{dy} y^2 = 9", R),
        (r"\frac{\partial}{\partial y} (y^3) = 27", P),
        # after the binder the definition applies again
        (r"\int_0^1 y \, dy + y = \frac{7}{2}", P),
        (r"y + 1 = 4", P),
    ],
)
def test_a_bound_variable_shadows_its_definition(step: str, verdict: Verdict) -> None:
    got = results(DEFINED_Y + f"$${step}$$\n")
    assert got[0].verdict is U  # the definition itself
    assert got[1].verdict is verdict, got[1].detail


def test_a_definition_that_uses_a_bound_name_is_read_again_inside_the_binder() -> None:
    # dL/dy_hat: L is read with y_hat a variable, not with y_hat = sigma(a) (which would give 0)
    head = (
        "---\nderive:\n  symbols: {t: real, a: real}\n---\n"
        "$$\\hat y = \\sigma(a)$$\n\n$$L = -t \\log \\hat y - (1-t) \\log(1 - \\hat y)$$\n\n"
    )
    right = r"\frac{\partial L}{\partial \hat y} = -\frac{t}{\hat y} + \frac{1-t}{1-\hat y}"
    wrong = r"\frac{\partial L}{\partial \hat y} = 0"
    chain = r"\frac{\partial L}{\partial a} = \hat y - t"
    got = verdict_list(head + f"$${right}$$\n\n$${wrong}$$\n\n$${chain}$$\n")
    assert got == [U, U, P, R, P]


# -- 7. independence is never assumed silently ---------------------------------------------------


def test_a_derivative_through_an_undeclared_name_is_undecided_and_says_how_to_settle() -> None:
    # Bishop's y_nk depends on w; read as a constant, a typo in the bounds would be "proved"
    step = r"\frac{\partial}{\partial w} (w x - y_{nk})^2 = 2 (w x - y_{nk}) x"
    (r,) = results(f"$${step}$$\n", symbols={"x": "real", "w": "real"})
    assert r.verdict is U
    assert "treats y_nk as constant in w" in r.detail
    assert "constants: [y_nk]" in r.detail
    assert "where the step is proved" in r.detail
    # declared constant (front matter), or declared as a symbol: an independent variable
    head = "---\nderive:\n  symbols: {x: real, w: real}\n  constants: [y_nk]\n---\n"
    assert verdict_list(head + f"$${step}$$\n") == [P]
    assert verdict_list(f"$${step}$$\n", symbols={"x": "real", "w": "real", "y_nk": "real"}) == [P]


def test_a_wrong_derivative_through_an_undeclared_name_is_not_refuted_either() -> None:
    step = r"\frac{\partial}{\partial w} (w t - u)^2 = 2(wt - u)"
    (r,) = results(f"$${step}$$\n", symbols={"w": "real"})
    assert r.verdict is U
    assert "treats t, u as constant in w" in r.detail
    assert "where the step is refuted" in r.detail
    head = "---\nderive:\n  symbols: {w: real}\n  constants: [t, u]\n---\n"
    assert verdict_list(head + f"$${step}$$\n") == [R]


def test_a_name_from_a_definition_counts_and_a_scoped_constant_settles_it() -> None:
    text = (
        "---\nderive:\n  symbols: {w: real, x: real}\n  scopes:\n    - blocks: '2'\n      constants: [t]\n---\n"
        "$$C = (w x - t)^2$$\n\n$$\\frac{d C}{d w} = 2 (w x - t) x$$\n\n$$\\frac{d C}{d w} = 2 (w x - t) x$$\n"
    )
    got = results(text)
    assert [r.verdict for r in got] == [U, P, U]  # t is a constant in block 2 only
    assert "treats t as constant in w" in got[2].detail


def test_declared_names_and_coordinates_of_one_step_are_independent() -> None:
    # the Hessian test of xy: x and y are both variables of the step's derivatives
    step = (
        r"\frac{\partial^2 xy}{\partial x^2} \frac{\partial^2 xy}{\partial y^2} - "
        r"\left[\frac{\partial^2 xy}{\partial x \partial y}\right]^2 = -1"
    )
    assert verdict_list(f"$${step}$$\n") == [P]
    assert verdict_list(r"$$\frac{d}{da}\log\sigma(a) = 1 - \sigma(a)$$" + "\n") == [P]


# -- 8. no verdict resting on one guessed reading -------------------------------------------------


@pytest.mark.parametrize(
    ("step", "said"),
    [
        (r"K(\sigma) = K \sigma", r"K(\sigma) may be K·(sigma) or a function K of sigma"),
        (r"H[x] = H x", "H[x] may be H·(x) or a function H of x"),
        (r"\mathrm{H}[x] = H x", r"\mathrm{H}[x] may be H·(x) or a function H of x"),
        (r"W(x) + 1 = 1 + W x", "W(x) may be W·(x) or a function W of x"),
    ],
)
def test_an_unknown_name_before_a_bracket_is_not_guessed_to_be_a_factor(step: str, said: str) -> None:
    (r,) = results(f"$${step}$$\n")
    assert r.verdict is U
    assert said in r.detail
    assert "declare `functions: [" in r.detail


def test_the_declaration_settles_the_reading() -> None:
    assert verdict_list("$$K(\\sigma) = K \\sigma$$\n", symbols={"K": "real"}) == [P]
    functions = "---\nderive:\n  functions: [K, H]\n---\n"
    got = verdict_list(functions + "$$K(\\sigma) = K \\sigma$$\n\n$$K(\\sigma) + H[x] = H[x] + K(\\sigma)$$\n")
    assert got == [U, P]  # a function K of sigma is not K times sigma; the sum commutes either way


def test_e_of_a_non_random_vector_is_not_read_as_an_entrywise_expectation() -> None:
    # E(w) of a vector w was read as the vector of E(w_i), so the error function's value was refuted
    step = r"E(\mathbf w) = \frac{1}{2} \mathbf{w}^T \mathbf{w}"
    (r,) = results(f"$${step}$$\n", symbols={"w": "vector 2"})
    assert r.verdict is U
    assert r"E(\mathbf w) may be an expectation or a function E of w" in r.detail
    head = "---\nderive:\n  symbols: {w: vector 2}\n  functions: [E]\n---\n"
    (r,) = results(head + f"$${step}$$\n")
    assert r.verdict is U and "unknown function E" in r.detail
    # an E over a random variable is an expectation: decided
    random = "---\nderive:\n  random: {X: 'Normal(0, 1)'}\n---\n"
    assert verdict_list(random + "$$E(X^2) = 1$$\n") == [P]


@pytest.mark.parametrize(
    "step",
    [r"\text{var}[x] = x", r"\operatorname{var}[x] = x", r"\mathrm{Var}[x] = x", r"\text{Var}(x) = x"],
)
def test_variance_in_words_is_the_variance_and_is_never_dropped(step: str) -> None:
    (r,) = results(f"$${step}$$\n")
    assert r.verdict is U  # Var is an unknown function: not x, not var times x
    assert "Var(x)" in r.detail


def test_text_applied_to_a_bracket_is_never_dropped_silently() -> None:
    (r,) = results("$$\\text{softmax}(z) = z$$\n")
    assert r.verdict is E  # the reader names what it cannot read
    assert "softmax" in r.detail
    doc = read_document("$$\\text{softmax}(z) = z$$\n")
    assert doc.steps[0].lhs_tex == r"\text{softmax}(z)"
    # prose before a formula is still an annotation
    assert verdict_list("$$\\text{Thus } (a+b)^2 = a^2 + 2ab + b^2$$\n") == [P]


@pytest.mark.parametrize(
    "step",
    [
        r"x(1 - x) = x - x^2",
        r"\frac{N(N-1)}{2} = \frac{N^2 - N}{2}",
        r"\sigma(a)(1 - \sigma(a)) = \sigma(a) - \sigma(a)^2",
        r"\mathrm{tr}(A) = \mathrm{tr}(A)",
        r"\mathbb{E}_{x \sim \mathrm{Exp}(\lambda)}[x] = \frac{1}{\lambda}",
        r"\Gamma(3) = 2",
    ],
)
def test_products_and_known_functions_stay_decided(step: str) -> None:
    assert verdict_list(f"$${step}$$\n", symbols={"lambda": "positive"}) == [P]


def test_the_readings_scanner_lists_only_ambiguous_notation() -> None:
    assert ambiguous_readings(r"p(x) + f(x, y) + \Phi(z) + h'(t) + x^T(y)", set(), set()) == []
    assert [n for n, _ in ambiguous_readings(r"K(\sigma) + E(w) + \mathbb{E}(w)", set(), set())] == ["K", "E"]
    assert ambiguous_readings("K(x) + E(w)", {"K"}, {"w"}) == []


# -- 9. definitions and declarations in the prose ------------------------------------------------

CROSS_ENTROPY = "Cross-entropy, with $\\hat y = \\sigma(a)$ and $y \\in \\{0, 1\\}$:\n\n"


def test_an_inline_definition_is_applied_to_later_display_steps() -> None:
    text = CROSS_ENTROPY + (
        "$$L = -y \\log \\hat y - (1-y) \\log(1 - \\hat y)$$\n\n"
        "$$\\frac{\\partial L}{\\partial a} = \\hat y - y$$\n\n"
        "$$\\frac{\\partial L}{\\partial a} = \\hat y (1 - \\hat y)$$\n"
    )
    got = results(text)
    assert [r.verdict for r in got] == [U, P, R]
    assert r"\hat y := \sigma(a) (line 1)" in got[1].detail


def test_without_the_declaration_the_label_is_not_assumed_constant() -> None:
    text = "With $\\hat y = \\sigma(a)$:\n\n$$\\frac{\\partial}{\\partial a}(-y \\log \\hat y) = -y (1 - \\hat y)$$\n"
    (r,) = results(text)
    assert r.verdict is U
    assert "treats y as constant in a" in r.detail


def test_inline_math_gives_no_step_and_keeps_block_numbers() -> None:
    doc = read_document("Let $a = b + 1$ here.\n\n$$a - b = 1$$\n")
    assert [(s.block, s.index) for s in doc.steps] == [(1, 1)]
    assert len(doc.blocks) == 1
    assert verdict_list("Let $a = b + 1$ here.\n\n$$a - b = 1$$\n") == [P]


def test_a_number_given_in_prose_is_not_substituted_and_blocks_a_refutation() -> None:
    text = "At $x = 2$ the value is 4.\n\n$$x^2 - 4 = (x - 2)(x + 2)$$\n\n$$x^2 = 5$$\n"
    got = results(text)
    assert [r.verdict for r in got] == [P, U]
    assert "defines x earlier" in got[1].detail


def test_an_inline_definition_after_the_step_does_not_apply() -> None:
    # a definition clause right after the display ("where $\\hat y = \\sigma(a)$") defines y-hat for that
    # display, where d/da y-hat = 0 is wrong (it was proved with y-hat free before, then only undecided)
    text = "$$\\frac{d}{da} \\hat y = 0$$\n\nwhere $\\hat y = \\sigma(a)$.\n"
    (r,) = results(text, symbols={"a": "real", "y_hat": "real"})
    assert r.verdict is R
    assert "confirmed at 100 digits" in r.detail and "\\hat y := \\sigma(a) (line 3)" in r.detail
    # a later paragraph is no clause of the display: it still holds only for the steps after it
    text = "$$\\frac{d}{da} \\hat y = 0$$\n\nWe have $\\hat y = \\sigma(a)$.\n"
    (r,) = results(text, symbols={"a": "real", "y_hat": "real"})
    assert r.verdict is U
    assert "defines y_hat right after this block" in r.outcomes[-1].evidence.summary


def test_an_inline_declaration_makes_a_name_an_independent_variable() -> None:
    step = "$$\\frac{\\partial}{\\partial w} (w t - u)^2 = 2 (w t - u) t$$\n"
    assert verdict_list(step, symbols={"w": "real"}) == [U]
    assert verdict_list("Here $t, u \\in \\mathbb{R}$.\n\n" + step, symbols={"w": "real"}) == [P]
    assert verdict_list("Here $t > 0$ and $u \\ge 0$.\n\n" + step, symbols={"w": "real"}) == [P]
    # only what comes before the step counts
    assert verdict_list(step + "\nHere $t, u \\in \\mathbb{R}$.\n", symbols={"w": "real"}) == [U]


def test_constants_and_functions_are_read_from_a_symbols_mapping_and_checked() -> None:
    given = {"derive": {"symbols": {"w": "real"}, "constants": ["t", "u"], "functions": ["K"]}}
    doc = read_document("$$\\frac{\\partial}{\\partial w} (w t - u)^2 = 2 (w t - u) t$$\n", symbols=given)
    assert doc.steps[0].constants == ("t", "u")
    assert doc.steps[0].functions == ("K",)
    doc = read_document("$$a = a$$\n", symbols={"derive": {"constants": {"t": 1}}})
    assert any("'constants:' must be a list of names" in e for e in doc.errors)


def test_a_colon_equals_definition_is_applied_and_is_no_step() -> None:
    # "f := x^2" used to be dropped (and its block reported as unreadable): f stayed free
    text = (
        "$$f := x^2$$\n\n$$f + 1 = x^2 + 1$$\n\n$$\\hat y \\coloneqq \\sigma(a), \\quad g := 2$$\n\n"
        "$$\\frac{d \\hat y}{d a} = \\hat y (1 - \\hat y)$$\n\n$$g + g = 5$$\n"
    )
    doc = read_document(text)
    assert [(s.block, s.index) for s in doc.steps] == [(2, 1), (4, 1), (5, 1)]
    assert doc.blocks[0].note.startswith("a definition (:=)")
    got = results(text)
    assert [r.verdict for r in got] == [P, P, R]
    assert "g := 2 (line 5)" in got[2].detail


def test_an_update_with_colon_equals_is_not_substituted_and_blocks_a_refutation() -> None:
    got = results("$$n := n + 1$$\n\n$$n^2 = 4$$\n")
    assert [r.verdict for r in got] == [U]
    assert "defines n earlier" in got[0].detail


def test_pi_of_a_name_is_not_guessed_to_be_a_product() -> None:
    (r,) = results("$$\\pi(a) = \\pi a$$\n")
    assert r.verdict is U and r"\pi(a) may be pi·(a) or a function pi of a" in r.detail
    # sigma(...) is the sigmoid by the notation profile, declared sigma or not: decided
    assert verdict_list("$$\\sigma(a) + \\sigma(-a) = 1$$\n", symbols={"sigma": "positive"}) == [P]
    functions = "---\nderive:\n  functions: [pi]\n---\n"
    assert verdict_list(functions + "$$\\pi(a) = \\pi(a) + 0$$\n") == [P]


def test_a_fixed_value_or_a_premise_solution_does_not_reach_into_a_binder() -> None:
    head = "---\nderive:\n  values: {k: 2}\n---\n"
    steps = (
        "$$\\sum_{k=1}^{3} k = 6$$\n\n$$\\int_0^1 k \\, dk = \\frac{1}{2}$$\n\n"
        "$$\\lim_{k \\to 0} \\frac{\\sin k}{k} = 1$$\n\n$$k^2 = 4$$\n\n$$k + 1 = 4$$\n"
    )
    assert verdict_list(head + steps) == [P, P, P, P, R]
    assert verdict_list("$$x^2 = 4 \\implies \\lim_{x \\to 0} \\frac{\\sin x}{x} = 1$$\n")[1] is P


def test_a_name_with_a_fixed_value_is_a_constant_of_a_derivative() -> None:
    head = "---\nderive:\n  symbols: {x: real}\n  values: {k: 2}\n---\n"
    assert verdict_list(head + "$$\\frac{d}{dx} (k x^2) = 4 x$$\n") == [P]


def test_a_function_can_be_declared_among_the_symbols() -> None:
    step = "$$K(\\sigma) + H[x] = H[x] + K(\\sigma)$$\n"
    assert verdict_list(step) == [U]
    assert verdict_list(step, symbols={"K": "function", "H": "Function"}) == [P]
    head = "---\nderive:\n  scopes:\n    - blocks: '1'\n      symbols: {K: function, H: function}\n---\n"
    assert verdict_list(head + step + "\n" + step) == [P, U]


def test_a_where_clause_after_the_display_blocks_a_refutation_with_its_name_free() -> None:
    text = "$$\\frac{d}{da} \\log z = 1 - z$$\n\nwhere $z = \\sigma(a)$.\n\n$$\\frac{dz}{da} = z (1 - z)$$\n"
    got = results(text, symbols={"a": "real", "z": "real"})
    # read with z free it is false; the clause right after the display defines z = sigma(a) for it, where it holds
    assert got[0].verdict is P
    assert "z := \\sigma(a) (line 3)" in got[0].detail
    assert got[1].verdict is P  # after the where-clause, z is sigma(a)


def test_a_malformed_colon_equals_is_reported_not_dropped() -> None:
    doc = read_document("$$a := $$\n\n$$:= b$$\n")
    assert [(s.block, s.error) for s in doc.steps] == [
        (1, "nothing after the relation"),
        (2, "nothing before the relation (a chain cannot start with a relation here)"),
    ]


def test_a_declared_indexed_name_keeps_its_kind_under_a_sum() -> None:
    # N_k: positive declared by its written name: the reader's entry N[k] is positive in
    # every tier, so no counterexample may set an N_k below zero.
    doc = "---\nderive:\n  symbols: {N_k: positive, c: positive integer}\n---\n"
    true_step = "$$\\sum_{k=1}^{c} \\frac{1}{N_k} > 0$$\n"
    false_step = "$$\\sum_{k=1}^{c} \\frac{1}{N_k} > 1$$\n"
    (ok,) = results(doc + true_step)
    assert ok.verdict in (P, V)
    (bad,) = results(doc + false_step)
    assert bad.verdict is R
    cex = bad.evidence.counterexample
    assert cex is not None
    assert all(Fraction(v) > 0 for k, v in cex.values if k.startswith("N_"))


# -- second round: definitions compose, conditions are not definitions ---------------------------

_SIGMOID_LATER = "The prediction is $\\hat y = \\sigma(a)$ where $a = w x + b$.\n"


def test_definitions_that_use_a_name_defined_later_compose() -> None:
    # ŷ := σ(a) is applied after a := w x + b, so ∂ŷ/∂w is σ'(wx + b)·x, never 0
    rs = results(_SIGMOID_LATER + "$$\\frac{\\partial \\hat y}{\\partial w} = 0$$")
    assert [r.verdict for r in rs] == [U]
    assert "treats b, x as constant in w" in rs[0].outcomes[-1].evidence.summary
    display = "$$\\hat y = \\sigma(a)$$\n$$a = w x + b$$\n$$\\frac{\\partial \\hat y}{\\partial w} = 0$$"
    assert verdict_list(display) == [U, U, U]
    # and the true steps read with both definitions hold (they were refuted at a != wx + b)
    true_steps = (
        "$$\\hat y (1 - \\hat y) = \\sigma(w x + b)(1 - \\sigma(w x + b))$$\n"
        "$$\\frac{\\partial \\hat y}{\\partial a} = \\hat y (1 - \\hat y)$$"
    )
    rs = results(_SIGMOID_LATER + true_steps)
    assert [r.verdict for r in rs] == [P, P]
    assert "a := w x + b (line 1); \\hat y := \\sigma(a) (line 1)" in rs[0].outcomes[-1].evidence.summary


def test_definitions_on_a_cycle_are_not_applied_and_their_names_are_not_free() -> None:
    assert verdict_list("$$u = 2 v$$\n$$v = u / 4$$\n$$u + v = 3 v$$") == [U, U, U]


@pytest.mark.parametrize(
    ("text", "verdicts"),
    [
        ("When $\\hat y = y$ the loss is zero. In general,\n$$y^2 - 2y\\hat y + \\hat y^2 = 0$$", [U]),
        (
            "If $\\hat y = y$, then\n$$(y - \\hat y)^2 = 0.$$\nNow take a general prediction:\n"
            "$$(y - \\hat y)^2 \\le 0$$",
            [U, U],
        ),
        ("Assuming that $z = 2 x$, we get\n$$(z - x)^2 \\ge 0$$", [P]),  # true with z free: a proof stands
        ("Whenever $z = x$,\n$$z - x = 1$$", [U]),
    ],
)
def test_an_equation_after_a_condition_word_is_a_condition_not_a_definition(text: str, verdicts: list) -> None:
    rs = results(text)
    assert [r.verdict for r in rs] == verdicts
    for r in rs:
        assert ":=" not in r.outcomes[-1].evidence.summary  # never read with the case as a definition


@pytest.mark.parametrize(
    ("text", "verdicts"),
    [
        # "b = 0" after "\text{at } a = 0," is a condition of its row, never a definition for the next
        (
            "$$\\sigma(a) = \\frac{1}{2} \\quad \\text{at } a = 0, b = 0$$\n$$\\sigma(a + b) = \\sigma(a)$$",
            [U, U, U, U],
        ),
        # "x, y > 0" after an annotation bounds both names: no part of it is refuted as a claim
        ("$$\\log(xy) = \\log x + \\log y \\quad \\text{for } x, y > 0$$", [P, U]),  # read with x, y positive
        ("$$\\log(ab) = \\log a + \\log b, \\quad a > 0, b > 0$$", [P, U, U]),
        ("$$\\log(ab) = \\log a + \\log b \\quad \\text{where } a > 0, b > 0$$", [P, U, U]),
        ("$$\\log(ab) = \\log a - \\log b \\quad \\text{where } a > 0, b > 0$$", [U, U, U]),  # wrong: not refuted
        ("$$x^2 \\le 4 \\quad \\text{s.t. } x \\ge 1, x \\le 2$$", [U, U, U]),
        # a list of claims that bound no single name stays a list of claims
        ("$$1 + 1 = 2, \\quad 2 + 2 = 5$$", [P, R]),
    ],
)
def test_everything_after_a_condition_annotation_is_conditions(text: str, verdicts: list) -> None:
    assert verdict_list(text) == verdicts


def test_a_definition_right_after_the_block_blocks_proofs_too() -> None:
    fm = "---\nderive:\n  symbols: {z: real}\n---\n"
    # a definition clause right after the display defines z for it: d/dx (x x^2) = 3x^2, not x^2
    rs = results(fm + "$$\\frac{d}{dx}(x z) = z$$\nwhere $z = x^2$.")
    assert [r.verdict for r in rs] == [R]
    assert "z := x^2 (line 6)" in rs[0].detail
    # a definition in the next paragraph is no clause of the display: still undecided with z free
    rs = results(fm + "$$\\frac{d}{dx}(x z) = z$$\n\nWe set $z = x^2$.")
    assert [r.verdict for r in rs] == [U]
    assert "defines z right after this block" in rs[0].outcomes[-1].evidence.summary
    # a step that does not use the name defined after it keeps its verdict
    assert verdict_list(fm + "$$\\frac{d}{dx}(x y) = y$$\nwhere $z = x^2$.", symbols={"y": "real"}) == [P]


@pytest.mark.parametrize(
    ("step", "verdict"),
    [
        (r"\max_{x} x(1-x) = \max_{x} (-2)", U),  # x is bound: x := 2 does not apply inside
        (r"\max_{x \in [0, 1]} x(1-x) = \max_{x \in [0,1]} (-2)", U),
        (r"\sup_x x(1-x) = \sup_x (-2)", U),
        (r"\inf_x x(1-x) = \inf_x (-2)", U),
        (r"\min_x x(1-x) = \min_x x(1-x)", P),  # the same expression twice is still equal
        (r"\max_y x y = \max_y 2 y", P),  # x is not bound here: its definition applies
        (r"\operatorname{argmax}_x x(1-x) = \operatorname{argmax}_x (-2)", U),
        (r"\mathop{\mathrm{argmin}}_x x = \mathop{\mathrm{argmin}}_x 2", U),
        (r"\mathop{\mathrm{argmin}}_y x y = \mathop{\mathrm{argmin}}_y 2 y", P),
    ],
)
def test_max_min_sup_inf_bind_their_variable(step: str, verdict: Verdict) -> None:
    assert verdict_list(f"$$x = 2$$\n$${step}$$") == [U, verdict]


@pytest.mark.parametrize(
    ("text", "verdict", "said"),
    [
        (r"$$K(x - y) = Kx - Ky$$", U, "may be K·(its argument) or a function K"),
        (r"$$R(\theta + 1) = R\theta + R$$", U, "may be R·(its argument) or a function R"),
        (r"$$\pi(a + 1) = \pi a + \pi$$", U, "may be pi·(its argument) or a function pi"),
        ("---\nderive:\n  symbols: {K: real}\n---\n$$K(x - y) = Kx - Ky$$", P, ""),  # declared: a factor
        ("---\nderive:\n  functions: [K]\n---\n$$K(x - y) = Kx - Ky$$", U, ""),  # declared: a function
        (r"$$x(1 - x) = x - x^2$$", P, ""),  # the name inside its own argument: a product
        (r"$$N(N - 1) = N^2 - N$$", P, ""),
        (r"$$x^{(1)} x^{(2)} = x^{(3)}$$", U, "may be a power or an index label"),
        (r"$$W^{[2]} = W^{[1]} W$$", U, "may be a power or an index label"),
        (r"$$\sigma^{-1}(a) = \frac{a}{\sigma}$$", U, "may be the inverse or an iterate of \\sigma"),
        (r"$$1/2x = \frac{x}{2}$$", U, "may be read as a/(b·c) or (a/b)·c"),
        ("---\nderive:\n  symbols: {p: probability}\n---\n$$\\sigma^{-1}(p) = \\log\\frac{p}{1-p}$$", U, "inverse"),
        (r"$$\sigma^2(a) = \sigma(a)^2$$", U, "a power of its value"),
        ("---\nderive:\n  symbols: {sigma: positive}\n---\n$$\\sigma(x + 1) = \\sigma x + \\sigma$$", U, "sigmoid"),
        (r"$$\sigma(x) \sigma(-x) = \sigma(x)(1 - \sigma(x))$$", P, ""),  # the undeclared sigma: the sigmoid
        (r"$$e^{x} e^{y} = e^{x + y}$$", P, ""),
    ],
)
def test_notation_with_two_readings_is_undecided(text: str, verdict: Verdict, said: str) -> None:
    (r,) = results(text)
    assert r.verdict is verdict
    assert said in r.outcomes[-1].evidence.summary


@pytest.mark.parametrize(
    ("text", "verdict", "said"),
    [
        # a finite set of numbers is checked at each value, exactly
        ("Labels are $y \\in \\{0, 1\\}$.\n$$y^2 = y$$", P, "y in {0, 1}, from y \\in \\{0, 1\\} (line 1)"),
        ("Labels are $y \\in \\{0, 1\\}$.\n$$y^3 = 2 y$$", R, "y in {0, 1}"),
        ("Let $x \\in \\{a, b\\}$.\n$$x^2 = x$$", U, "states a range for it (x \\in \\{a, b\\} (line 1))"),
        ("Let $x \\in [a, b]$.\n$$x^2 = x$$", U, "states a range for it"),
        ("Let $p \\in (0, 1)$.\n$$\\log p < 0$$", V, "p: probability, from p \\in (0, 1) (line 1)"),
        ("Let $\\sigma > 0$.\n$$\\sqrt{\\sigma^2} = \\sigma$$", P, "sigma: positive, from \\sigma > 0 (line 1)"),
        ("For $n \\in \\mathbb{N}$,\n$$\\cos(2\\pi n) = 1$$", P, "n: positive integer, from n \\in \\mathbb{N}"),
        ("Let $k \\in \\mathbb{Z}$.\n$$\\cos(2\\pi k) = 1$$", P, "k: integer"),
        ("Let $t \\ge 0$.\n$$|t| = t$$", P, "t: nonnegative"),
        # the declaration holds from where it is written on, and the front matter wins over it
        # (with a, not sigma: an undeclared sigma is conventionally positive, see test_refutation_conventions)
        ("$$\\sqrt{a^2} = a$$\nLet $a > 0$.", R, ""),
        ("---\nderive:\n  symbols: {sigma: real}\n---\nLet $\\sigma > 0$.\n$$\\sqrt{\\sigma^2} = \\sigma$$", R, ""),
    ],
)
def test_a_prose_range_is_a_kind_or_blocks_refutations(text: str, verdict: Verdict, said: str) -> None:
    (r,) = results(text)
    assert r.verdict is verdict
    assert said in r.detail


@pytest.mark.parametrize(
    ("text", "verdict", "said"),
    [
        (r"$$e^{i\pi} = -1$$", U, "i may be the imaginary unit or an index"),
        ("---\nderive:\n  symbols: {i: real}\n---\n$$e^{i\\pi} = -1$$", R, ""),  # declared a variable: refuted
        (r"$$\sum_{i=1}^{3} i = 6$$", P, ""),  # bound by the sum
        (r"$$\log \sigma(a) \sigma(b) = \log\sigma(a) + \log\sigma(b)$$", U, "the log of their product"),
        (r"$$\log x y = \log x + \log y$$", U, "the log of their product"),
        (r"$$\log(\sigma(a) \sigma(b)) = \log\sigma(a) + \log\sigma(b)$$", P, ""),
        (r"$$\log \sigma(a) + \log \sigma(b) = \log(\sigma(a)\sigma(b))$$", P, ""),
    ],
)
def test_a_bare_i_and_an_unbracketed_log_of_a_product_have_two_readings(text: str, verdict: Verdict, said: str) -> None:
    (r,) = results(text)
    assert r.verdict is verdict
    assert said in r.detail


@pytest.mark.parametrize(
    "text",
    ["$$f(x)=x^2$$\n$$f'(x)=3x$$", "$$h(a) = \\log\\sigma(a)$$\n$$h'(a) = \\sigma(a)$$", "$$f(x)=x^2$$\n$$f''(x)=3$$"],
)
def test_the_derivative_of_a_defined_function_is_a_claim_not_a_definition(text: str) -> None:
    doc = read_document(text)
    assert [s.kind for s in doc.steps] == ["definition", "step"]
    # never "defines f_prime": f is applied as defined, so the false derivative is refuted
    assert verdict_list(text) == [U, R]
    assert "defines" not in results(text)[1].detail


@pytest.mark.parametrize(
    ("text", "verdict", "said"),
    [
        # checked as "lhs - rhs without the constant equals its value at one point": constant, so proved
        (
            r"$$\log\left(\frac{1}{\sqrt{2\pi}} e^{-\frac{(x-\mu)^2}{2}}\right)"
            r" = -\frac{(x-\mu)^2}{2} + \mathrm{const}$$",
            P,
            "up to an additive constant \\mathrm{const}: the difference without it is its value at \\mu = 1, x = 1",
        ),
        (r"$$\log(2 e^{x}) = x + C$$", P, "up to an additive constant C"),
        (r"$$C + x = \log(2 e^{x})$$", P, "up to an additive constant C"),
        (r"$$\log(2 e^{x}) = x + \text{const}$$", P, "up to an additive constant \\text{const}"),
        # wrong: the difference depends on x, but the constant is never given a value to refute it
        (r"$$\log(2 e^{x}) = x^2 + \mathrm{const}$$", U, "not constant in every name"),
        (
            r"$$\log\left(\frac{1}{\sqrt{2\pi}} e^{-\frac{(x-\mu)^2}{2}}\right)"
            r" = -\frac{(x-\mu)^2}{4} + \mathrm{const}$$",
            U,
            "not constant in every name",
        ),
        # with a binder derive does not give values: undecided, saying why
        (r"$$\int_0^1 x t \, dt = \frac{x}{2} + C$$", U, "equal up to an additive constant"),
        ("---\nderive:\n  symbols: {C: real}\n---\n$$\\log(2 e^{x}) = x + C$$", R, ""),  # a declared C is a variable
        (r"$$x + C - C = x$$", P, "lhs - rhs simplifies to 0"),  # on both sides it is an ordinary name
    ],
)
def test_an_additive_constant_on_one_side_is_never_refuted_by_its_value(text: str, verdict: Verdict, said: str) -> None:
    (r,) = results(text)
    assert r.verdict is verdict
    assert said in r.detail


def test_a_log_before_a_differential_is_not_a_product() -> None:
    assert verdict_list(r"$$\int_{-2}^{-1}\log 2\,dx = \log 2$$") == [P]


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        (r"$$\log(xy) = \log x + \log y \quad (x, y > 0)$$", P),  # a condition in brackets is read, not dropped
        (r"$$\log(xy) = \log x - \log y \quad (x, y > 0)$$", U),
        (r"$$\log(xy) = \log x + \log y \quad \text{(valid for positive reals)}$$", U),
        (r"$$x^2 < 0 \quad \text{for all } x$$", R),  # universal: the refutation stands
        (r"$$x^2 + 1 = 0 \quad \text{(by the quadratic formula)}$$", R),  # a justification, no condition
    ],
)
def test_a_condition_in_a_dropped_annotation_makes_the_step_conditional(text: str, verdict: Verdict) -> None:
    assert verdict_list(text) == [verdict]


@pytest.mark.parametrize(
    "text",
    [
        r"$$|x| = x \quad \text{except when } x > 0$$",  # claimed for x <= 0, where it is false
        r"$$|x| = x \quad \text{unless } x > 0$$",
        r"$$|x| = x \quad \text{(fails for } x > 0)$$",
    ],
)
def test_a_negated_condition_gives_no_kind(text: str) -> None:
    assert verdict_list(text)[0] is not P


def test_a_range_stated_as_a_case_is_no_standing_assumption() -> None:
    # "If x > 0" is a case: read as x positive for the rest, the general step would be proved
    rs = results("If $x > 0$, then $|x| = x$. In general,\n$$\\sqrt{x^2} = x$$")
    assert [r.verdict for r in rs] == [U]
    assert "states a range for it (x > 0 (line 1))" in rs[0].detail


def test_a_declared_kind_wins_over_a_prose_range() -> None:
    fm = "---\nderive:\n  symbols: {y: real}\n---\n"
    assert verdict_list(fm + "Labels are $y \\in \\{0, 1\\}$.\n$$y^2 = y$$") == [R]


def test_the_constant_advice_never_asks_to_declare_a_defined_name_constant() -> None:
    text = "$$\\hat y = \\sigma(a)$$\n$$a = w x + b$$\n$$a = w x$$\n$$\\frac{\\partial \\hat y}{\\partial w} = 0$$"
    r = results(text)[-1]
    assert r.verdict is U
    assert "but the document defines a" in r.detail and "constants: [a]" not in r.detail


@pytest.mark.parametrize(
    "text",
    [
        "If\n$$\\hat y = y$$\nthen the loss is zero. In general,\n$$(y - \\hat y)^2 = 0$$",
        "When the prediction is perfect,\n$$\\hat y = y,$$\nand the loss vanishes. In general\n"
        "$$(y - \\hat y)^2 \\ge 1$$",
    ],
)
def test_a_display_equation_after_a_condition_word_is_a_case(text: str) -> None:
    # neither a definition for the general step nor a wrong identity of its own
    assert verdict_list(text) == [U, U]


def test_a_display_definition_after_for_still_defines() -> None:
    text = "For the logistic model we define\n$$\\hat y = \\sigma(a)$$\n"
    text += "$$\\hat y (1 - \\hat y) = \\sigma(a) - \\sigma(a)^2$$"
    assert verdict_list(text) == [U, P]


def test_a_display_statement_after_suppose_is_a_case_not_an_identity() -> None:
    assert verdict_list("Suppose\n$$x + 1 = 3.$$\nThen $x = 2$. Also\n$$x^2 + 1 = 0$$") == [U, R]


def test_a_finite_set_in_an_inequality_stays_a_range() -> None:
    rs = results("Let $p \\in (0, 1)$ and $q \\in \\{1, 2, 3\\}$.\n$$p^q > 1$$")
    assert [r.verdict for r in rs] == [U]
    assert "states a range for it (q \\in \\{1, 2, 3\\} (line 1))" in rs[0].detail
