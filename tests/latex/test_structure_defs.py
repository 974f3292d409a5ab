"""Definitions that declare structure (derive.latex.structure_defs): what each reads as, and what stays unread."""

from __future__ import annotations

import pytest

import derive
from derive.latex.structure_defs import TUPLE_MARK, Structure, structure_of, tuple_entries, tuple_sides


def test_listed_vector_of_its_own_entries_is_a_declaration() -> None:
    found = structure_of(r"\mathbf{x}", r"(x_1,\ldots,x_n)")
    assert found == Structure("x", "vector n", None, found.said)
    assert TUPLE_MARK in found.said


def test_braced_last_index_is_the_same_pattern() -> None:
    assert structure_of("u", r"(u_1,\ldots, u_{k})").kind == "vector k"
    assert structure_of("u", r"\left(u_{1}, u_2, \dots, u_{k}\right)").kind == "vector k"


def test_listed_vector_of_another_family_is_substituted_as_a_dotted_column() -> None:
    found = structure_of("X", r"(x_1,\ldots, x_N)")
    assert found.kind == "vector N"
    assert found.value == r"\begin{pmatrix}x_1 \\ \vdots \\ x_N\end{pmatrix}"


def test_column_environment_with_vdots_declares_and_keeps_its_text() -> None:
    rhs = r"\left[\begin{matrix} y_1 \\ y_2 \\ \vdots \\ y_N\end{matrix}\right]"
    found = structure_of("Y", rhs)
    assert (found.kind, found.value) == ("vector N", rhs)
    assert TUPLE_MARK not in found.said  # written as a column: no orientation guessed


def test_row_environment_with_cdots_is_a_row() -> None:
    assert structure_of("a", r"\begin{pmatrix} a_1 & \cdots & a_k\end{pmatrix}").kind == "matrix 1 x k"


def test_written_out_tuple_is_a_column_of_its_entries() -> None:
    found = structure_of("u", "[u_0,u_1]")
    assert (found.kind, found.value) == (None, r"\begin{pmatrix}u_0 \\ u_1\end{pmatrix}")
    theta = structure_of(r"\boldsymbol{\theta}", r"(\mu, \sigma)")
    assert theta.name == "theta" and theta.value == r"\begin{pmatrix}\mu \\ \sigma\end{pmatrix}"


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        ("I", "(0, 1)"),  # an interval as plausibly as a point
        ("p", "(0.2, 0.8)"),
        ("I", "[a, b]"),  # a capital given two entries: an interval
        (r"\Omega", "(a, b)"),
        ("J", r"\left[a, b\right]"),
        ("X", r"(\mathbf{x}_1, \ldots, \mathbf{x}_N)"),  # samples, not scalars
        (r"\mathbf I", r"[\mathbf i_1 \dots \mathbf i_K]"),
        ("y", r"\left\lbrace y_1, \ldots, y_n \right\rbrace"),  # a set of samples
        ("y", r"\{y_1, \ldots, y_n\}"),
        ("y_i", r"\left[ \begin{matrix} y_{i1} \\ \vdots \\ y_{ip} \end{matrix} \right]"),  # a family
        (r"\theta_k", r"(\mu_k, \sigma_k^2, p_k)"),
        ("x", r"(x_1, x_3, \ldots, x_n)"),  # steps by 2
        ("x", r"(x_0, \ldots, x_n)"),  # counted from 0: n + 1 entries
        ("x", r"(x_1, \ldots, x_x)"),  # the size is the name
        ("x", r"(x_1, \ldots)"),  # no last entry
        ("x", r"(x_1, \ldots, y_n)"),
        ("f", "(a)(b)"),
        ("f", "(a, b]"),  # half open
        ("p", r"(x; \theta)"),
        ("A", r"\begin{pmatrix} a_{11} & \cdots & a_{1n} \\ \vdots & \ddots & \vdots \end{pmatrix}"),
    ],
)
def test_not_read_as_a_structure(lhs: str, rhs: str) -> None:
    assert structure_of(lhs, rhs) is None


def test_tuple_entries() -> None:
    assert tuple_entries(r"(a, f(b, c), \{1, 2\})") == ["a", "f(b, c)", r"\{1, 2\}"]
    assert tuple_entries("(a)") is None
    assert tuple_entries("(a)(b, c)") is None
    assert tuple_entries(r"\{a, b\}") is None


def test_tuple_equation_is_componentwise() -> None:
    left, right = tuple_sides(r"(\frac{\partial f}{\partial x}, \frac{\partial f}{\partial y})", "(2x, 2y)")
    assert left.startswith(r"\begin{pmatrix}\frac{\partial f}") and right == r"\begin{pmatrix}2x \\ 2y\end{pmatrix}"


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        (r"(\hat\mu, \hat\sigma^2)", r"(\bar x, \frac1n\sum_{i=1}^n (x_i - \bar x)^2)"),  # defines the estimates
        ("(a, b)", "(b, a)"),  # names on both sides: never an identity to prove
        ("(a + 1, b)", "(a + 1, b, c)"),
        ("f(a, b)", "(a, b)"),
        ("(a + 1, b + 1)", r"(\mathbf{a}, b)"),
        (r"(f_1 + 1, \ldots, f_k + 1)", r"(g_1, \ldots, g_k)"),
    ],
)
def test_tuple_equations_left_as_written(lhs: str, rhs: str) -> None:
    assert tuple_sides(lhs, rhs) is None


def test_norm_of_a_scalar_stays_unread() -> None:
    (r,) = derive.check_latex(r"$$\|x\|^2 = x^2$$")
    assert r.verdict is derive.Verdict.ERROR
    assert "not declared a vector" in r.detail


def test_transposed_list_is_a_column_the_text_wrote() -> None:
    found = structure_of("u", r"[u_0, u_1]^\top")
    assert found.value == r"\begin{pmatrix}u_0 \\ u_1\end{pmatrix}" and TUPLE_MARK not in found.said
    assert structure_of("p", r"(0, 1)^T").value == r"\begin{pmatrix}0 \\ 1\end{pmatrix}"  # no interval is transposed
    assert TUPLE_MARK not in structure_of("x", r"(x_1,\ldots,x_n)^{\mathsf{T}}").said
    assert structure_of("u", "[u_0, u_1]^2") is None
