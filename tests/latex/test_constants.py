"""``+ \\text{const}``: equal up to a term that does not depend on the variable (derive.latex.constants).

Read as "lhs - rhs, every constant set to 0, does not depend on V", V named by the text, by the density
the chain starts with, or (with none) every name; checked as ``D = D|_{V := V'}``.
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict
from derive.latex.constants import density_variables, stated_variables, up_to_constant

P, V, R, U = Verdict.PROVED, Verdict.VERIFIED, Verdict.REFUTED, Verdict.UNDECIDED
ACCEPTED = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)


def _results(text: str, **kw: object) -> list[derive.Result]:  # type: ignore[name-defined]
    return list(derive.check_latex(text, **kw))  # type: ignore[arg-type]


def _steps(text: str) -> list[tuple[Verdict, str]]:
    return [(r.verdict, r.detail or "") for r in _results(text) if "a definition, not a claim" not in (r.detail or "")]


# -- reading the variable ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "names"),
    [
        (r"\log \bar p(y_1|x)", ["y_1"]),
        (r"\log \bar{p}(y_1 \mid x)", ["y_1"]),
        (r"\log \mathcal{N}(y; m, \sigma^2)", ["y"]),
        (r"\log p(y_1, y_2, x)", ["y_1", "y_2", "x"]),
        (r"\log q_1^*(y_1)", ["y_1"]),
        (r"-\ln p({\boldsymbol{w}}| {\boldsymbol{x}})", ["w"]),
        (r"p(Y_0 = k|\mathbf{x}_0)", ["k"]),
        (r"f(\mathbf w)", ["w"]),
    ],
)
def test_the_variable_of_the_density_a_chain_starts_with(first: str, names: list[str]) -> None:
    found = density_variables(first)
    assert found is not None and found[0] == names


@pytest.mark.parametrize("first", [r"x^2 + 1", r"p(x_1, \dots, x_n)", r"\log(2 e^{x})", r"\frac{1}{Z} e^{-y}"])
def test_no_variable_where_no_density_is_applied_to_names(first: str) -> None:
    assert density_variables(first) is None


@pytest.mark.parametrize(
    ("words", "names"),
    [
        ("where $\\text{const}$ refers to terms not depending on $y_1$.", ["y_1"]),
        ("where we have absorbed all terms not involving $y_1$ into the constant.", ["y_1"]),
        ("where the constant is independent of $\\mu$.", ["mu"]),
        ("with a constant w.r.t. $\\theta$.", ["theta"]),
        ("the constant, as a function of $\\mu, \\sigma$.", ["mu", "sigma"]),
        ("where const refers to terms not depending on $\\mu$ or $\\sigma$.", ["mu", "sigma"]),
        ("up to a constant w.r.t. $\\theta$. Next, we", ["theta"]),
    ],
)
def test_the_variable_the_text_names_after_the_display(words: str, names: list[str]) -> None:
    doc = "$$a = b + \\text{const}$$ " + words
    found = stated_variables(doc, 0, doc.index("$$ ") + 2)
    assert found is not None and found[0] == names


@pytest.mark.parametrize(
    "words",
    [
        "Fine. Here the constant does not depend on $y$.",  # another sentence
        "Let $g$ not depend on $y$.",  # not about the constant
        "collecting the terms in $x$ into the constant.",  # the terms that do depend on x
    ],
)
def test_words_that_do_not_name_the_constants_variable(words: str) -> None:
    doc = "$$a = b + \\text{const}$$ " + words
    assert stated_variables(doc, 0, doc.index("$$ ") + 2) is None


# -- decided -------------------------------------------------------------------------------------------


def test_algebra_carried_along_with_the_constant_is_proved() -> None:
    text = (
        r"$$-\frac{1}{2} \left( 2 y_1^2 + 2 y_1 m - 2 y_1 x \right) + \text{const}"
        r" = -\frac{1}{2} \left( 2 y_1^2 - 2 y_1 x + 2 y_1 m \right) + \text{const}$$"
    )
    ((verdict, detail),) = _steps(text)
    assert verdict is P
    assert "every constant set to 0" in detail


def test_a_gaussian_in_log_form_is_equal_up_to_terms_free_of_its_argument() -> None:
    text = (
        r"$$\log \mathcal{N}(y; m, \sigma^2) = -\frac{1}{2}\frac{(y-m)^2}{\sigma^2} + \text{const}"
        r" = -\frac{1}{2} \left( \frac{y^2}{\sigma^2} -2y \frac{m}{\sigma^2} \right) + \text{const}$$"
    )
    steps = _steps(text)
    assert [v in ACCEPTED for v, _ in steps] == [True, True]
    # the second link drops -m^2/(2 sigma^2): free of y, not of m, so only the density's variable decides it
    assert "up to terms not depending on y (the chain starts with a density or function of y)" in steps[1][1]


def test_two_constants_may_be_different_numbers() -> None:
    ((verdict, detail),) = _steps(r"$$(y-1)^2 + \text{const} = y^2 - 2y + \text{const}$$")
    assert verdict is P
    assert "every name (y)" in detail


def test_a_term_in_the_variable_hidden_in_the_constant_is_refuted_with_two_values() -> None:
    (r,) = _results(r"$$y^2 + \text{const} = y + \text{const}$$")
    assert r.verdict is R
    values = dict(r.evidence.counterexample.values)
    assert set(values) == {"y", "y_prime"} and values["y"] != values["y_prime"]


def test_the_variable_named_in_words_decides_and_refutes() -> None:
    words = " where const refers to terms not depending on $y$."
    right = r"$$f(y) = y^2 + a y + \text{const} = (y + a/2)^2 + \text{const}$$" + words
    wrong = r"$$f(y) = y^2 + a y + \text{const} = (y + a)^2 + \text{const}$$" + words
    assert [v for v, _ in _steps(right)] == [P]
    ((verdict, detail),) = _steps(wrong)
    assert verdict is R
    assert "'not depending on $y$' in the text" in detail


def test_expectations_are_taken_linearly_in_the_variable_the_text_names() -> None:
    text = (
        r"$$-\frac{1}{2} \mathbb{E}_{q_2(y_2)}\left[ 2 y_1^2 + 2 y_1 y_2 + y_2^2 \right] + \text{const}"
        r" = -\frac{1}{2} \left(2 y_1^2 + 2 y_1 \mathbb{E}_{q_2(y_2)}[y_2] \right) + \text{const}$$"
        " where we absorbed all terms not involving $y_1$ into the constant."
    )
    assert [v for v, _ in _steps(text)] == [P]


# -- attacks: never decided on one reading ---------------------------------------------------------------


def test_every_variable_the_text_lists_must_be_left_out() -> None:
    text = r"$$a m + b s + \text{const} = a m + \text{const}$$ where const has no terms depending on $m$ or $s$."
    ((verdict, _),) = _steps(text.replace("has no terms depending", "refers to terms not depending"))
    assert verdict is R  # b s depends on s, which the text lists too


def test_a_constant_only_for_one_reading_of_the_variable_is_undecided() -> None:
    # b is dropped: constant in y, not in b; nothing says which is meant
    ((verdict, detail),) = _steps(r"$$a y + b + \text{const} = a y + \text{const}$$")
    assert verdict is U
    assert "not constant in every name" in detail
    words = " where const refers to terms not depending on $y$."
    assert [v for v, _ in _steps(r"$$a y + b + \text{const} = a y + \text{const}$$" + words)] == [P]


def test_a_chain_about_y1_whose_difference_depends_on_y1_is_never_accepted() -> None:
    text = r"$$\log \bar p(y_1|x) = y_1 x + \text{const} = y_1 + \text{const}$$"
    verdicts = [v for v, _ in _steps(text)]
    assert verdicts[-1] is U  # the density's variable is plausible, not certain: no refutation either


def test_a_constant_inside_a_function_is_not_the_idiom() -> None:
    for text in (
        r"$$\log(y + \text{const}) = \log y + \text{const}$$",
        r"$$y \, \text{const} + y^2 = y^2 + \text{const}$$ where const does not depend on $y$.",
    ):
        assert _steps(text)[-1][0] not in ACCEPTED, text


def test_a_declared_const_is_an_ordinary_name() -> None:
    assert up_to_constant("y", "y", items=[], symbols={"const": "real"}, random={}, stated=None, density=None) is None
    fm = "---\nderive:\n  symbols: {const: real}\n---\n"
    assert [v for v, _ in _steps(fm + r"$$y + \mathrm{const} = y + 1$$")] == [R]


def test_constants_on_one_side_only_keep_the_point_reading() -> None:
    (r,) = _results(r"$$\log(2 e^{x}) = x + \text{const}$$")
    assert r.verdict is P
    assert "up to an additive constant \\text{const}" in (r.detail or "")


def test_an_expectation_whose_law_holds_the_variable_is_not_renamed() -> None:
    # E_{q(y|x)}[y] depends on x through the law: renaming x inside it would leave the law behind
    text = r"$$\mathbb{E}_{q(y|x)}[y] + x + \text{const} = x + \text{const}$$ where const does not depend on $x$."
    assert _steps(text)[-1][0] not in ACCEPTED


def test_a_letter_c_the_prose_names_is_that_name_not_the_constant() -> None:
    # the number of classes: log(2 e^x) = x + C is no identity in C
    (r,) = _results(r"Let $C$ be the number of classes. $$\log(2 e^{x}) = x + C$$")
    assert r.verdict not in ACCEPTED
    (r,) = _results(r"where $C$ is an arbitrary constant. $$\log(2 e^{x}) = x + C$$")
    assert r.verdict is P
    (r,) = _results(r"Let $C_1$ be the first cluster. $$\log(2 e^{x}) = x + C_1$$")
    assert r.verdict not in ACCEPTED


def test_a_name_the_density_holds_given_keeps_its_value_while_the_variable_varies() -> None:
    # x = y_1 + y_2 + n describes how the data arose; in \bar p(y_1|x) x is given, so y_1 varies with x held
    text = (
        "Let $x = y_1 + y_2 + n$ be observed. We get\n"
        r"$$\log \bar{p}(y_1|x) = \log \bar{p}(y_1|x) + y_1 - y_1 + x^2 + \text{const}"
        r" = \log \bar{p}(y_1|x) + \text{const}$$"
    )
    steps = _steps(text)
    assert steps[-1][0] is P
    assert "with x held given (not substituted)" in steps[-1][1]
    assert "x := y_1 + y_2 + n" not in steps[-1][1]


@pytest.mark.parametrize(
    "text",
    [
        r"$$\log p(\theta | D) = \log p(D | \theta) + \log p(\theta) + \text{const}$$",
        r"$$\log p(\mathbf{w} | D) = \log p(D | \mathbf{w}) + \log p(\mathbf{w}) + \text{const}$$",
    ],
)
def test_a_log_posterior_is_the_log_likelihood_plus_log_prior_up_to_a_constant(text: str) -> None:
    ((verdict, detail),) = _steps(text)
    assert verdict is P
    assert "definition of conditional probability" in detail


def test_a_log_posterior_without_its_prior_is_not_accepted() -> None:
    # log p(theta) depends on theta: not a constant; the probability calculus never refutes either
    ((verdict, _),) = _steps(r"$$\log p(\theta | D) = \log p(D | \theta) + \text{const}$$")
    assert verdict is U


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        (r"$$\log \mathcal{N}(x; 0, 1) \stackrel{c}{=} -\frac{x^2}{2}$$", P),  # never the plain equality
        (r"$$\log \mathcal{N}(x; 0, 1) \overset{+}{=} -\frac{x^2}{2}$$", P),
        (r"$$\log \mathcal{N}(x; 0, 1) \overset{c}{=} -x^2$$", U),  # the density's x is plausible, not certain
        (r"$$x^2 + 1 \stackrel{c}{=} x^2$$", P),
        (r"$$x^2 \stackrel{c}{=} x$$", R),  # x is the only name: false under every reading
        (r"$$\log(2 e^{x}) = x + C'$$", P),  # the constant of an integration, primed or numbered
        (r"$$\log(2 e^{x}) = x + C_1$$", P),
        (r"$$\log(2 e^{x}) = x^2 + C_1$$", U),
        (r"$$C_1 x + C_2 = C_1 x + C_2$$", P),  # on both sides: names
    ],
)
def test_equal_up_to_a_constant_written_on_the_relation_or_as_a_numbered_letter(text: str, verdict: Verdict) -> None:
    ((got, detail),) = _steps(text)
    assert got is verdict, detail


def test_a_name_read_at_each_value_of_a_finite_set_is_not_renamed() -> None:
    # y in {0, 1}: y^2 = y there, so the constant hides nothing; never refuted with y free
    ((verdict, _),) = _steps(r"Labels are $y \in \{0, 1\}$. $$y^2 + \text{const} = y + \text{const}$$")
    assert verdict is U


def test_a_size_written_as_a_letter_does_not_stop_the_reading() -> None:
    # w: vector n cannot build a symbol table for one claim; the document is still read
    text = "---\nderive:\n  symbols: {w: vector n}\n---\n$$y^2 + \\text{const} = y^2 + 1 + \\text{const}$$"
    assert len(_results(text)) == 1
