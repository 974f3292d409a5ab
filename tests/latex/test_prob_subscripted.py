"""Densities named by their variables' subscript, ``p_X(x)``, ``p_{X,Y}(x, y)`` (derive.tiers._prob_values):
the sum rule proves the marginal; anything else is left alone."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict
from derive.language.symbols import SymbolTable
from derive.latex.parser import parse_latex
from derive.tiers._prob_values import subscript_variables


def _last(step: str) -> tuple[Verdict, str]:
    r = derive.check_latex(f"## M\n\nLet $X, Y$ have a joint density.\n$$\n{step}\n$$\n")[-1]
    return r.verdict, r.detail or ""


@pytest.mark.parametrize(
    "step",
    [
        r"\int_{-\infty}^\infty p_{X, Y}(x, y) \; dy = p _ X(x)",
        r"\int_{-\infty}^\infty p_{X, Y}(x, y) \; dx = p _ Y(y)",
        r"\int_{-\infty}^\infty \int_{-\infty}^\infty p_{XY}(x, y) \, dx \, dy = 1",
        r"2 p_{X,Y}(x, y) = 2 p_{Y,X}(y, x)",
        r"\int_{-\infty}^\infty p_{X, Y, Z}(x, y, z) \; dz = p_{X,Y}(x, y)",
    ],
)
def test_the_sum_rule_in_subscript_notation_is_proved(step: str) -> None:
    verdict, detail = _last(step)
    assert verdict is Verdict.PROVED, detail
    assert "read as the density of the random variables its subscript names" in detail


@pytest.mark.parametrize(
    "step",
    [
        r"\int_{-\infty}^\infty p_{X, Y}(x, y) \; dx = p _ X(x)",  # the wrong variable integrated
        r"\int_{0}^1 p_{X, Y}(x, y) \; dy = p _ X(x)",  # over a bounded range
        r"p_X(x) p_Y(y) = p_{X, Y}(x, y)",  # independence, not stated
        r"2 p_{X,Y}(x, y) = 2 p_{Y,X}(x, y)",  # the values swapped between the variables
        r"\int_{-\infty}^\infty p_{X, X}(x, y) \; dy = p _ X(x)",  # a letter twice
        r"\int_{-\infty}^\infty p_{X, Y}(x, y) \; dy = p _ X(y)",  # X at another value
        r"\int_{-\infty}^\infty p_{\theta, \phi}(x, y) \; dy = p_\theta(x)",  # parameters, not variables
        r"\int_{-\infty}^\infty p_{K}(x) \; dx = 1",  # p_K: a polynomial of degree K?
        r"\int_{-\infty}^\infty p_{X, Y}(x, y) \; dy = p_X(x) + 1",
    ],
)
def test_anything_else_is_not_proved(step: str) -> None:
    verdict, detail = _last(step)
    assert verdict not in (Verdict.PROVED, Verdict.VERIFIED), detail


@pytest.mark.parametrize(
    ("tex", "named"),
    [
        (r"p_X(x)", ("X",)),
        (r"p_{X,Y}(x, y)", ("X", "Y")),
        (r"p_{XY}(x, y_1)", ("X", "Y")),
        (r"p_X(0)", ("X",)),
        (r"p_X(y)", None),
        (r"p_{X,Y}(x)", None),
        (r"p_\theta(x)", None),
        (r"q_X(x)", None),
        (r"p_X(x | y)", None),
    ],
)
def test_which_names_are_read_so(tex: str, named: tuple[str, ...] | None) -> None:
    assert subscript_variables(parse_latex(tex, SymbolTable({}))) == named
