"""Moments whose subscript names their law (``\\mathrm{Var}_{\\mathcal{T}}``), italic Var and Cov, conditional moments.

Each is read as the moment under the expectation operator the reader builds for the same subscript
(derive.latex.expect_subscript), so linearity proves what holds for every law and nothing else: the tests below
also try what must stay undecided (a factor that may be random, another law, a false identity).
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict

_OK = (Verdict.PROVED, Verdict.VERIFIED)


def _step(lhs: str, rhs: str) -> tuple[Verdict, str]:
    doc = "$$\n\\begin{aligned}\nZ &= " + lhs + " \\\\\n &= " + rhs + "\n\\end{aligned}\n$$\n"
    r = derive.check_latex(doc)[-1]
    return r.verdict, r.detail


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        # ESL's variance over training sets, upright or typed as letters, against E_T of the same subscript
        (r"\mathrm{Var}_{\mathcal{T}}(\hat{y}_0)", r"E_{\mathcal{T}}[\hat{y}_0^2] - E_{\mathcal{T}}(\hat{y}_0)^2"),
        (
            r"Var_{\mathcal{T}}\left(\hat{y}_0\right)",
            r"E_{\mathcal{T}}\left[\hat{y}_0^2\right] - E_{\mathcal{T}}(\hat{y}_0)^2",
        ),
        (r"\mathrm{Var}_{\mathcal{T}}(\hat{y}_0)", r"E_{\mathcal{T}}[(\hat{y}_0 - E_{\mathcal{T}}(\hat{y}_0))^2]"),
        (r"\operatorname{Var}_{\mathcal{T}}(2u)", r"4 \operatorname{Var}_{\mathcal{T}}(u)"),
        (r"\mathrm{Var}_{\mathcal{T}}(u + 1)", r"\mathrm{Var}_{\mathcal{T}}(u)"),
        (r"\mathrm{Var}_{x}(2x)", r"4 \mathrm{Var}_{x}(x)"),
        (r"\mathrm{Var}_{n-1}(2u)", r"4 \mathrm{Var}_{n-1}(u)"),
        (r"\mathrm{Cov}_{q}(u, v)", r"\mathbb{E}_{q}[u v] - \mathbb{E}_{q}[u]\mathbb{E}_{q}[v]"),
        (r"\mathrm{Cov}_{q}(u, u)", r"\mathrm{Var}_{q}(u)"),
        (r"\mathrm{Std}_{\mathcal{T}}(u)", r"\sqrt{\mathrm{Var}_{\mathcal{T}}(u)}"),
        # italic words and conditional moments
        (r"Var(2u)", r"4 Var(u)"),
        (r"Cov(u, v)", r"E[uv] - E[u]E[v]"),
        (r"\mathrm{Var}(y_0 \mid x_0)", r"E[y_0^2 \mid x_0] - E[y_0 \mid x_0]^2"),
        (r"Var\left(y_0|x_0\right)", r"\mathbb{E}\left[\left(y_0 - \mathbb{E}[y_0|x_0]\right)^2 \mid x_0\right]"),
        (r"Cov(u, v | w)", r"E[uv|w] - E[u|w]E[v|w]"),
    ],
)
def test_moments_under_the_subscripts_law_are_proved(lhs: str, rhs: str) -> None:
    verdict, detail = _step(lhs, rhs)
    assert verdict is Verdict.PROVED, detail
    assert "for every law" in detail or "simplifies to 0" in detail, detail


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        (r"\mathrm{Var}_{\mathcal{T}}(a u)", r"a^2 \mathrm{Var}_{\mathcal{T}}(u)"),  # a may depend on T
        (r"Var(a y_0|x_0)", r"a^2 Var(y_0|x_0)"),  # a may be random given x_0
        (r"\mathrm{Var}_{\mathcal{T}}(u)", r"\mathrm{Var}_{\mathcal{S}}(u)"),  # another law
        (r"\mathrm{Var}_{n-1}(u)", r"\mathrm{Var}_{n}(u)"),  # another law (GPML: n - 1 against n observations)
        (r"\mathrm{Var}_{\mathcal{T}}(\hat{y}_0)", r"E[\hat{y}_0^2] - E(\hat{y}_0)^2"),  # the plain E: no law named
        (r"\mathrm{Var}_{\mathcal{T}}(\hat{y}_0)", r"E_{\mathcal{T}}[\hat{y}_0^2] + E_{\mathcal{T}}(\hat{y}_0)^2"),
        (
            r"\mathrm{Var}_{\mathcal{T}}(\hat{y}_0)",
            r"E_{\mathcal{T}}[\hat{y}_0 - E_{\mathcal{T}}(\hat{y}_0)]^2",
        ),  # 2 readings
        (r"\mathrm{Cov}_{q}(u, v)", r"\mathbb{E}_{q}[u v] - \mathbb{E}_{q}[u]\mathbb{E}_{p}[v]"),
        (r"\mathrm{Cov}_{q}(u, u)", r"\mathrm{Var}(u)"),
        (r"\mathrm{Var}_{\mathcal{T}}(\hat y)", r"\mathrm{Var}_{\mathcal{T}}(\hat y)^2"),
        (r"\mathrm{Var}_{x}(x)", r"x^2"),
        (r"\mathrm{Var}_{\mathcal{T}}(u + v)", r"\mathrm{Var}_{\mathcal{T}}(u) + \mathrm{Var}_{\mathcal{T}}(v)"),
        (r"Var(y_0|x_0)", r"Var(y_0)"),  # conditional against unconditional
        (r"E_{\mathcal{T}}[\hat{y}_0^2]", r"E_{\mathcal{T}}(\hat{y}_0)^2"),
        (r"E_{x}[x]", r"x"),
        (r"\mathbb{E}_{q}[q(y)]", r"q(y)"),
        (r"E_{\mathcal{T}}[c + u]", r"c + E_{\mathcal{T}}[u]"),
    ],
)
def test_what_needs_more_than_the_law_is_not_accepted(lhs: str, rhs: str) -> None:
    verdict, detail = _step(lhs, rhs)
    assert verdict not in _OK, detail
    assert verdict is not Verdict.REFUTED, detail  # nothing here is false for every law


def test_a_scaled_variance_names_the_declaration_that_settles_it() -> None:
    _, detail = _step(r"\mathrm{Var}_{\mathcal{T}}(a u)", r"a^2 \mathrm{Var}_{\mathcal{T}}(u)")
    assert "constants: [a]" in detail, detail


def test_a_declared_var_function_is_not_a_moment() -> None:
    head = "---\nderive:\n  functions: [Var]\n---\n"
    doc = head + "$$\n\\begin{aligned}\nZ &= Var(2u) \\\\\n &= 4 Var(u)\n\\end{aligned}\n$$\n"
    r = derive.check_latex(doc)[-1]
    assert r.verdict not in _OK, r.detail


def test_var_alone_is_a_name() -> None:
    verdict, detail = _step("Var_1 + Var_2", "Var_2 + Var_1")
    assert verdict is Verdict.PROVED, detail


def test_a_vector_covariance_is_not_one_covariance() -> None:
    doc = (
        "---\nderive:\n  symbols: {x: vector 2}\n---\n"
        "$$\n\\begin{aligned}\nZ &= \\mathrm{Cov}_q[x] \\\\\n &= \\mathbb{E}_q[x x^T]\n\\end{aligned}\n$$\n"
    )
    r = derive.check_latex(doc)[-1]
    assert r.verdict not in _OK, r.detail
