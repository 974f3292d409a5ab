"""Vectors of size 1 (a size reading at n = 1, the shape readings at size 1): bars, norms and dots of them
(derive.latex.grammar_expressions, derive.latex.grammar_linear)."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict
from derive.language.symbols import SymbolTable
from derive.latex.parser import parse_latex

_ONE = {"v": "vector 1", "w": "vector 1", "A": "matrix 1x1"}


@pytest.mark.parametrize(
    ("tex", "reading"),
    [
        # |x| of a 1-vector is its length, never the determinant of a 1x1 matrix (which is the entry itself)
        (r"|\mathbf{v}|", "Abs(v[1])"),
        (r"|\mathbf{v}||\mathbf{w}|", "Abs(v[1])*Abs(w[1])"),
        (r"|\mathbf{v}^\top A \mathbf{v}|", "v[1]**2*Abs(A[1,1])"),
        # a declared 1x1 matrix alone between bars keeps its determinant reading
        (r"|A|", "A[1,1]"),
        # every norm of one number is its absolute value
        (r"\|\mathbf{v}\|", "Abs(v[1])"),
        (r"\|\mathbf{v}\|_1", "Abs(v[1])"),
        (r"\|\mathbf{v}\|_\infty", "Abs(v[1])"),
        (r"\|A\|", "Abs(A[1,1])"),
        # the dot of two 1-vectors is their product (not a refusal of bold names read as numbers)
        (r"\mathbf{v} \cdot \mathbf{w}", "v[1]*w[1]"),
    ],
)
def test_size_one_reads(tex: str, reading: str) -> None:
    assert str(parse_latex(tex, SymbolTable(_ONE))) == reading


def test_undeclared_bold_names_under_a_dot_are_still_refused() -> None:
    with pytest.raises(derive.errors.LatexError, match="between bold names read as scalars"):
        parse_latex(r"\mathbf{v} \cdot \mathbf{w}", SymbolTable({}))


@pytest.mark.parametrize(
    "text",
    [
        r"\mathbf{v}\cdot \mathbf{w} \le \|\mathbf{v}\|\|\mathbf{w}\|",
        r"|\mathbf{v}^\top\mathbf{w}| \le \|\mathbf{v}\|\|\mathbf{w}\|",
    ],
)
def test_cauchy_schwarz_is_checked_at_n_1_too(text: str) -> None:
    (r,) = derive.check_latex(f"$${text}$$", symbols={"v": "vector n", "w": "vector n"})
    assert r.verdict is Verdict.VERIFIED and (r.detail or "").startswith("holds at every size checked (n = 1; n = 2")


def test_a_1_vector_is_not_its_own_length() -> None:
    (r,) = derive.check_latex(r"$$|\mathbf{v}| = \mathbf{v}$$", symbols={"v": "vector 1"})
    assert r.verdict is Verdict.REFUTED
    assert r.detail == "differs at v[1] = -27/50: lhs = 0.54, rhs = -0.54, lhs - rhs = 1.08 (confirmed at 100 digits)"


def test_a_norm_is_nonnegative_at_size_1_too() -> None:
    (r,) = derive.check_latex(r"$$\|\mathbf{v}\| \ge 0$$")
    assert r.verdict is Verdict.VERIFIED and "and at size 1 (v: vector 1)" in (r.detail or "")


@pytest.mark.parametrize(
    "text",
    [
        # an accent over a bold name (a unit vector) is a vector by its notation: never a product of numbers (R131)
        r"\hat{\mathbf{v}}\cdot\hat{\mathbf{w}} \le 1",
        r"\hat\mathbf{v}\cdot\hat\mathbf{w} \le 1",
        r"\hat{\vec{v}}\cdot\hat{\vec{w}} \le 1",
        r"\bar{\mathbf{x}}\cdot\mathbf{w} \le 1",
        r"\vec{v}\cdot\vec{w} \le 1",
    ],
)
def test_a_dot_of_accented_bold_names_is_not_read_as_numbers(text: str) -> None:
    (r,) = derive.check_latex(f"$${text}$$")
    assert r.verdict is Verdict.ERROR and "between bold names read as scalars" in (r.detail or "")


def test_a_dot_of_accented_plain_names_is_a_product() -> None:
    (r,) = derive.check_latex(r"$$\hat{v}\cdot\hat{w} = \hat{w}\cdot \hat{v}$$")
    assert r.verdict is Verdict.PROVED
