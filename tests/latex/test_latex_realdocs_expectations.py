"""Steps about expectations whose law the text does not give, as real documents write them.

``\\mathbb{E}[x]``, ``E_{\\mathcal{T}}[\\hat y_0]``, ``\\mathrm{Var}(x)`` of nothing declared random are
unknown-law operators (derive.tiers._linearity): a step is proved when it holds for every law
(linearity, non-random factors, Var/Cov by definition), never refuted for differing. Attacks:
independence, Jensen-like swaps, an undeclared factor, E declared or read as a function,
``E[a - b]^2`` with two readings, conditional expectations.
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict


def _one(tex: str, front: str = "") -> tuple[Verdict, str]:
    text = f"---\nderive:\n{front}---\n\n$${tex}$$\n" if front else f"$${tex}$$\n"
    ((result,),) = [derive.check_latex(text)]
    return result.verdict, result.detail


PROVED_FOR_EVERY_LAW = "proved for every law (where the expectations exist): both sides have the same normal form by "


@pytest.mark.parametrize(
    ("tex", "laws"),
    [
        ("\\mathbb{E}[2 x + 3] = 2 \\mathbb{E}[x] + 3", "E[c] = c for non-random c, linearity of expectation, "),
        ("\\mathbb{E}[x + y] = \\mathbb{E}[x] + \\mathbb{E}[y]", "linearity of expectation"),
        ("\\mathbb{E}[\\mathbb{E}[x]^2] = \\mathbb{E}[x]^2", "E[c] = c for non-random c"),
        ("\\mathbb{E}[(x - \\mathbb{E}[x])^2] = \\mathbb{E}[x^2] - \\mathbb{E}[x]^2", "E[c] = c for non-random c, "),
        ("\\text{var}[x] = \\mathbb{E}[x^2] - \\mathbb{E}[x]^2", "Var by definition"),
        ("\\mathrm{Var}(2x) = 4 \\mathrm{Var}(x)", "Var by definition, non-random factors out of the expectation"),
        ("\\mathrm{Cov}[x, y] = \\mathbb{E}[x y] - \\mathbb{E}[x]\\mathbb{E}[y]", "Cov by definition"),
        ("E_{\\mathcal{T}}[2 \\hat y_0] = 2 E_{\\mathcal{T}}[\\hat y_0]", "non-random factors out of the expectation"),
        ("\\mathbb{E}[x \\mid z] + \\mathbb{E}[y \\mid z] = \\mathbb{E}[x + y \\mid z]", "linearity of expectation"),
        (
            "\\mathbb{E}\\big[f(x)^2 - 2f(x)\\mathbb{E}[f(x)] + \\mathbb{E}[f(x)]^2\\big] = "
            "\\mathbb{E}[f(x)^2] - 2\\mathbb{E}[f(x)]^2 + \\mathbb{E}[f(x)]^2",
            "linearity of expectation",
        ),
    ],
)
def test_proved_for_every_law(tex: str, laws: str) -> None:
    verdict, detail = _one(tex)
    assert verdict is Verdict.PROVED
    assert detail.startswith(PROVED_FOR_EVERY_LAW)
    assert laws in detail


@pytest.mark.parametrize(
    "tex",
    [
        "\\mathbb{E}[x y] = \\mathbb{E}[x] \\mathbb{E}[y]",  # needs independence
        "\\mathbb{E}[x^2] = \\mathbb{E}[x]^2",
        "\\mathbb{E}\\left[\\frac{1}{x}\\right] = \\frac{1}{\\mathbb{E}[x]}",
        "\\mathrm{Var}(x + y) = \\mathrm{Var}(x) + \\mathrm{Var}(y)",
        "\\mathrm{Var}(2x) = 2 \\mathrm{Var}(x)",
        "\\mathbb{E}[x \\mid z] = \\mathbb{E}[x]",
        "\\mathbb{E}[\\exp(x)] = \\exp(\\mathbb{E}[x])",
        "E_{\\mathcal{T}}[\\hat y_0] = \\mathbb{E}[\\hat y_0]",  # two operators
        "\\mathbb{E}[f(2x)] = 2 \\mathbb{E}[f(x)]",
    ],
)
def test_false_for_some_law_is_undecided_not_refuted(tex: str) -> None:
    verdict, detail = _one(tex)
    assert verdict is Verdict.UNDECIDED
    assert "proved for every law" not in detail


def test_undeclared_factor_is_not_pulled_out_and_the_detail_names_it():
    verdict, detail = _one("\\mathbb{E}[a x] = a \\mathbb{E}[x]")
    assert verdict is Verdict.UNDECIDED
    assert "by linearity of expectation it holds if a is not random, which nothing declares" in detail


def test_a_prose_kind_is_not_a_declaration_of_non_randomness():
    # "a > 0" says nothing about whether a is random
    verdict, _ = _one("\\mathbb{E}[a x] = a \\mathbb{E}[x]", front="  symbols: {a: positive, x: real}\n")
    assert verdict is Verdict.UNDECIDED


def test_e_declared_as_a_function_is_not_an_expectation():
    front = "  functions: [E]\n"
    for tex in ("E(2 w) = 2 E(w)", "E[2 w] = 2 E[w]", "E(w_1 + w_2) = E(w_1) + E(w_2)"):
        verdict, detail = _one(tex, front=front)
        assert verdict is Verdict.UNDECIDED, tex
        assert "proved for every law" not in detail


def test_e_of_a_parenthesis_keeps_its_two_readings():
    # E(w), E_D(w), E_W(w): expectations, or Bishop's error functions (E_D(w) = 1/2 sum (t_n - w^T phi_n)^2)
    for tex in ("E(2 w) = 2 E(w)", "E_D(2 w) = 2 E_D(w)", "E_W(w_1 + w_2) = E_W(w_1) + E_W(w_2)"):
        verdict, detail = _one(tex)
        assert verdict is Verdict.UNDECIDED, tex
        assert "proved for every law" not in detail
    # an expectation by its font, its square bracket, or a subscript only a law has (a set, a bar)
    for tex in (
        "\\mathbb{E}_D(2 w) = 2 \\mathbb{E}_D(w)",
        "E_D[2 w] = 2 E_D[w]",
        "E_{\\mathcal{T}}(2 \\hat y_0) = 2 E_{\\mathcal{T}}(\\hat y_0)",
        "E_{y_0|x_0}(2 y_0) = 2 E_{y_0|x_0}(y_0)",
    ):
        verdict, detail = _one(tex)
        assert verdict is Verdict.PROVED, tex
        assert detail.startswith(PROVED_FOR_EVERY_LAW)


def test_a_defined_e_is_not_an_expectation():
    text = "$$E(w) = \\frac{1}{2} (w - t)^2$$\n\n$$E(2 w + 1) = 2 E(w) + 1$$\n"
    results = derive.check_latex(text)
    assert results[-1].verdict is not Verdict.PROVED or "proved for every law" not in results[-1].detail


def test_square_after_the_bracket_must_hold_in_both_readings():
    # E[x - E[x]]^2: (E[x - E[x]])^2 = 0 to Bishop, the variance to ESL
    verdict, detail = _one("\\mathbb{E}[x - \\mathbb{E}[x]]^2 = 0")
    assert verdict is Verdict.UNDECIDED
    assert "reading E[a - b]^2 as (E[a - b])^2, but not reading it as E[(a - b)^2]" in detail
    verdict, _ = _one("\\mathbb{E}[2x]^2 = 4 \\mathbb{E}[x]^2")
    assert verdict is Verdict.UNDECIDED
    # the same in both readings: proved
    verdict, _ = _one("\\mathbb{E}[x + 1]^2 = \\mathbb{E}[x + 1]^2 + 0")
    assert verdict is Verdict.PROVED
    verdict, detail = _one("\\mathbb{E}[x]^2 = \\mathbb{E}[x]\\mathbb{E}[x]")
    assert verdict is Verdict.PROVED


def test_declared_random_variable_keeps_its_law():
    # a law is declared: the exact tier evaluates, not the unknown-law strategy
    verdict, detail = _one("\\mathbb{E}[x^2] = \\mu^2 + 1", front='  random: {x: "Normal(mu, 1)"}\n')
    assert verdict is Verdict.PROVED
    assert "proved for every law" not in detail


def test_moments_of_a_vector_are_not_scalar_moments():
    # Cov[x] of a 2-vector is its covariance matrix, never the covariance of x_1 and x_2
    front = "  symbols: {x: vector 2}\n"
    verdict, detail = _one(
        "\\mathrm{Cov}[\\mathbf{x}] = \\mathbb{E}[x_1 x_2] - \\mathbb{E}[x_1]\\mathbb{E}[x_2]", front
    )
    assert verdict is not Verdict.PROVED
    assert "proved for every law" not in detail
