"""Unknown-law moments in real documents, second part: what the detail asks to declare, and a plain
``E(...)`` inside an expectation.

d2l writes ``\\textrm{Cov}(X, aX+b) = a\\textrm{Cov}(X, X)`` for "numbers a and b": the step holds when
a and b are non-random, so the detail names them (never X, the variable whose covariance is
taken). ``\\textrm{Var}(X+Y) = \\textrm{Var}(X) + \\textrm{Var}(Y)`` holds for independent X and Y: the
detail says so, and the step stays undecided without a law. d2l also writes
``E[(\\hat\\theta_n - E(\\hat\\theta_n))^2]``: inside an expectation a plain ``E(...)`` is one too, never
Bishop's error function E of its argument. Attacks: the variable itself, dependence, an outer
``E(...)`` that may be a function, a subscripted ``E_D(w)`` inside, ``E(w)`` beside (not inside) an
expectation.
"""

from __future__ import annotations

import pytest
import sympy
from sympy.core.function import AppliedUndef

import derive
from derive import Verdict
from derive.language.symbols import SymbolTable
from derive.latex import parse_latex
from derive.tiers._linearity import is_unknown_law


def _one(tex: str) -> tuple[Verdict, str]:
    ((result,),) = [derive.check_latex(f"$${tex}$$\n")]
    return result.verdict, result.detail


def _operators(tex: str) -> list[tuple[str, bool]]:
    """Each application in the reading of ``tex``: its name and whether it is an unknown-law operator."""
    expr = parse_latex(tex, SymbolTable({}))
    return [(str(n.func), is_unknown_law(n)) for n in sympy.preorder_traversal(expr) if isinstance(n, AppliedUndef)]


# -- what the detail asks to declare ------------------------------------------------------


@pytest.mark.parametrize(
    "tex",
    [
        "\\textrm{Cov}(X, aX+b) = a\\textrm{Cov}(X, X)",
        "\\mathrm{Cov}(aX+b, X) = a\\,\\mathrm{Var}(X)",
        "\\textrm{Var}(aX+b) = a^2\\textrm{Var}(X)",
    ],
)
def test_a_linear_function_names_its_factors_not_the_variable(tex: str) -> None:
    verdict, detail = _one(tex)
    assert verdict is Verdict.UNDECIDED
    assert "by linearity of expectation it holds if a, b are not random, which nothing declares" in detail
    assert "X is not random" not in detail


def test_variance_of_a_sum_says_which_independence_would_settle_it():
    verdict, detail = _one("\\textrm{Var}(X+Y) = \\textrm{Var}(X) + \\textrm{Var}(Y)")
    assert verdict is Verdict.UNDECIDED
    assert "it holds if X and Y are independent, which nothing states" in detail
    assert "not random" not in detail


def test_the_covariance_form_of_a_sum_needs_no_independence():
    verdict, detail = _one("\\textrm{Var}(X+Y) = \\textrm{Var}(X) + \\textrm{Var}(Y) + 2\\textrm{Cov}(X, Y)")
    assert verdict is Verdict.PROVED
    assert "independen" not in detail


@pytest.mark.parametrize(
    "tex",
    [
        "\\mathbb{E}[XY] = \\mathbb{E}[X]\\mathbb{E}[Y]",
        "\\textrm{Cov}(X, Y) = 0",
        "\\textrm{Var}(X - Y) = \\textrm{Var}(X) + \\textrm{Var}(Y)",
    ],
)
def test_dependence_not_excluded_stays_undecided(tex: str) -> None:
    verdict, detail = _one(tex)
    assert verdict is Verdict.UNDECIDED
    assert "not random" not in detail


def test_a_square_of_the_mean_is_not_the_mean_of_the_square():
    verdict, detail = _one("\\mathbb{E}[X^2] = \\mathbb{E}[X]^2")
    assert verdict is Verdict.UNDECIDED
    assert "independent" not in detail and "not random" not in detail


# -- a plain E(...) inside an expectation ------------------------------------------------


def test_a_plain_e_inside_an_expectation_is_an_expectation():
    assert _operators("E[(x - E(x))^2]") == [("E", True), ("E", True)]
    assert _operators("\\mathbb{E}(x - E(x))") == [("E", True), ("E", True)]
    assert _operators("E_{\\mathcal{T}}(y - E(y))") == [("E_{T}", True), ("E", True)]


def test_an_outer_plain_e_of_a_parenthesis_keeps_both_as_functions():
    # E(w - E(w)) of nothing random: Bishop's error function as plausibly as an expectation
    assert _operators("E(w - E(w))") == [("E", False), ("E", False)]


def test_a_subscripted_e_inside_an_expectation_stays_a_function():
    assert _operators("E[E_D(w)]") == [("E", True), ("E_D", False)]


def test_a_plain_e_beside_an_expectation_is_not_inside_it():
    assert sorted(_operators("E[x] + E(w)")) == [("E", False), ("E", True)]


def test_the_flag_ends_with_the_body():
    # after E[...] closes, a plain E(...) of the same side is read as before
    assert sorted(_operators("E[x - E(x)] E(w)")) == [("E", False), ("E", True), ("E", True)]


# -- Bishop's var[f]: the variance of the f(x) the step writes ------------------------------


def test_bishops_var_of_a_function_is_the_variance_of_its_application():
    verdict, detail = _one("\\text{var}[f] = \\mathbb{E}[f(x)^2] - 2\\mathbb{E}[f(x)]^2 + \\mathbb{E}[f(x)]^2")
    assert verdict is Verdict.PROVED
    assert detail.endswith("; reading f as f(x) (the function the step applies), as Bishop's var[f] and E[f]")


@pytest.mark.parametrize(
    "tex",
    [
        "\\text{var}[f] = \\mathbb{E}[f(x)^2] - \\mathbb{E}[f(y)]^2",  # f(x) or f(y)?
        "\\text{var}[f] = \\mathbb{E}[f(x)^2]",  # the mean's square is missing
        "\\text{var}[f] = \\mathbb{E}[f(x)]^2 - \\mathbb{E}[f(x)]^2",
    ],
)
def test_bishops_var_of_a_function_is_not_proved_otherwise(tex: str) -> None:
    verdict, _ = _one(tex)
    assert verdict is Verdict.UNDECIDED


# -- E_{x, y}[...] over every name its body has: the plain expectation ----------------------


def test_an_expectation_over_all_its_names_is_the_plain_one():
    assert _operators("E_{x, y}[xy]") == [("E", True)]
    assert _operators("\\mathbb{E}_{x_1, x_2}[x_1 x_2]") == [("E", True)]
    verdict, detail = _one("\\text{cov}[x, y] = \\mathbb{E}_{x, y} [xy] - E[x]E[y]")
    assert verdict is Verdict.PROVED
    assert detail.endswith("by Cov by definition")


@pytest.mark.parametrize(
    ("tex", "name"),
    [
        ("E_{x, y}[x z]", "E_{x,y}"),  # z is held fixed (or random under another law): not the plain E
        ("E_x[x^2]", "E_x"),  # one name: E_q[q] may average over a law q
        ("E_{\\mathcal{T}, y}[T y]", "E_{T,y}"),  # a calligraphic letter may name a set or a law
    ],
)
def test_an_expectation_over_some_names_keeps_its_subscript(tex: str, name: str) -> None:
    assert _operators(tex) == [(name, True)]


def test_a_plain_subscripted_e_of_a_parenthesis_stays_a_function():
    assert _operators("E_{x,y}(x y)") == [("E_{x,y}", False)]


def test_averaging_over_one_name_holds_the_others_only_if_declared():
    verdict, detail = _one("\\mathbb{E}_{x}[x y] = y \\mathbb{E}_{x}[x]")
    assert verdict is Verdict.UNDECIDED
    assert "it holds if y is not random" in detail


def test_an_expectation_over_all_its_names_keeps_their_declared_laws():
    front = "---\nderive:\n  random:\n    x: Normal(1, 1)\n    y: Normal(2, 1)\n---\n\n"
    results = derive.check_latex(
        front + "$$\\mathbb{E}_{x, y}[xy] = \\mathbb{E}[x]\\mathbb{E}[y]$$\n\n$$\\mathbb{E}_{x, y}[x^2] = 1$$\n"
    )
    assert [r.verdict for r in results] == [Verdict.PROVED, Verdict.REFUTED]  # E[x^2] = 2 under N(1, 1)


def test_a_variable_outside_its_own_expectation_is_not_pulled_in():
    verdict, detail = _one("\\mathbb{E}[X] X = \\mathbb{E}[X^2]")
    assert verdict is Verdict.UNDECIDED
    assert "not random" not in detail and "independent" not in detail
    verdict, detail = _one("X \\mathbb{E}[Y] = \\mathbb{E}[XY]")
    assert verdict is Verdict.UNDECIDED
    assert "it holds if X is not random, which nothing declares" in detail
