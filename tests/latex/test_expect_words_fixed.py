"""Bias-variance under a labelled expectation: f(x_0) is fixed under E_T only where the text says so."""

from __future__ import annotations

import pytest

import derive
from derive.latex.expect_words import numbers_in_words

_MSE = (
    "$$\nE_{\\mathcal{T}} \\left[f\\left(x_0\\right) - \\hat{y}_0\\right]^2 = E_{\\mathcal{T}} \\left[\\hat{y}_0 - "
    "E_{\\mathcal{T}}\\left(\\hat{y}_0\\right)\\right]^2 + \\left[E_{\\mathcal{T}}\\left(\\hat{y}_0\\right) - "
    "f\\left(x_0\\right)\\right]^2\n$$\n"
)


def _results(doc: str) -> list[tuple[str, str]]:
    return [(r.verdict.value, r.detail) for r in derive.check_latex(doc, timeout=6)]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Consider a fixed test point $x_0$ and the deterministic function $f$.", [("x_0",), ("f",)]),
        ("Here $f$ and $x_0$ are fixed.", [("f", "x_0")]),
        ("Let $x^*$ be a fixed point of $T$.", []),
        ("We use fixed points $a$ and $b$ of $T$.", []),
        ("$x_0$ is not fixed.", []),
        ("If $f$ is fixed, then", []),
    ],
)
def test_fixed_in_words(text: str, names: list[tuple[str, ...]]) -> None:
    assert sorted(s.names for s in numbers_in_words(text)) == sorted(names)


def test_nothing_stated_names_the_declaration_that_settles_it() -> None:
    ((verdict, detail),) = _results(_MSE)
    assert verdict == "undecided"
    assert "f(x_0) is not random under the expectation" in detail
    assert "(declare `constants: [f, x_0]` if so)" in detail


@pytest.mark.parametrize(
    "said",
    [
        "---\nderive:\n  constants: [f, x_0]\n---\n",
        "For a fixed test point $x_0$, the true function $f$ is deterministic.\n\n",
        "Here $f$ and $x_0$ are fixed.\n\n",
    ],
)
def test_a_fixed_function_at_a_fixed_point_comes_out(said: str) -> None:
    ((verdict, detail),) = _results(said + _MSE)
    assert verdict == "proved", detail
    assert "f, x_0 non-random" in detail


@pytest.mark.parametrize(
    "said",
    [
        # only f fixed, only x_0 fixed, a nonlinear function of the averaged estimate
        "Here $f$ is fixed.\n\n" + _MSE,
        "Here $x_0$ is fixed.\n\n" + _MSE,
        "Here $f$ is fixed.\n\n$$E[f(\\hat{y}_0)] = f(E[\\hat{y}_0])$$\n",
        # fixed in another section
        "## One\n\nHere $f$ and $x_0$ are fixed.\n\n## Two\n\n" + _MSE,
    ],
)
def test_anything_less_stays_undecided(said: str) -> None:
    assert _results(said)[-1][0] == "undecided"
