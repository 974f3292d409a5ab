"""Symbol kinds and the symbol table."""

from __future__ import annotations

import pytest
import sympy

from derive.errors import SymbolKindError
from derive.language.symbols import KINDS, SymbolKind, SymbolTable, parse_kind


@pytest.mark.parametrize(
    ("text", "assumption"),
    [
        ("real", "is_real"),
        ("positive", "is_positive"),
        ("nonnegative", "is_nonnegative"),
        ("negative", "is_negative"),
        ("integer", "is_integer"),
        ("positive integer", "is_positive"),
        ("probability", "is_positive"),
    ],
)
def test_scalar_kinds_carry_their_assumptions(text: str, assumption: str) -> None:
    sym = SymbolTable({"t": text})["t"].obj
    assert isinstance(sym, sympy.Symbol)
    assert getattr(sym, assumption) is True


def test_positive_integer_is_both() -> None:
    n = SymbolTable({"n": "positive integer"})["n"].obj
    assert n.is_integer and n.is_positive


def test_matrix_kind_is_explicit_matrix_of_real_entries() -> None:
    a = SymbolTable({"A": "matrix 2x3"})["A"].obj
    assert a.shape == (2, 3)
    assert all(e.is_real for e in a)
    assert len(set(a)) == 6


def test_spd_kind_is_symmetric_with_positive_diagonal() -> None:
    spec = SymbolTable({"S": "spd matrix 3x3"})["S"]
    s = spec.obj
    assert s == s.T
    assert all(s[i, i].is_positive for i in range(3))
    assert len(spec.entries) == 6  # 3 diagonal + 3 off-diagonal symbols


def test_vector_kind_is_column() -> None:
    x = SymbolTable({"x": "vector 3"})["x"].obj
    assert x.shape == (3, 1)
    assert str(x[0]) == "x[1]"


def test_undeclared_names_are_real_and_declared_on_use() -> None:
    table = SymbolTable()
    y = table.symbol("y")
    assert y.is_real
    assert "y" in table
    assert table.symbol("y") is y


def test_spec_of_finds_matrix_entries() -> None:
    table = SymbolTable({"S": "spd matrix 2x2", "b": "positive"})
    entry = table["S"].obj[0, 1]
    assert table.spec_of(entry).name == "S"
    assert table.spec_of(table["b"].obj).name == "b"
    assert table.spec_of(sympy.Symbol("zz")) is None


@pytest.mark.parametrize("text", ["Positive", "  positive   integer ", "spd matrix 2 x 2", "matrix 3×2", "vector 4"])
def test_parse_kind_is_forgiving_about_spacing_and_case(text: str) -> None:
    assert isinstance(parse_kind(text), SymbolKind)


@pytest.mark.parametrize("text", ["postive", "matrix 0x3", "spd matrix 2x3", "vector 99", "tensor 3", ""])
def test_bad_kinds_are_clear_errors(text: str) -> None:
    with pytest.raises(SymbolKindError) as info:
        parse_kind(text)
    assert repr(text.strip()) in str(info.value) or "between" in str(info.value) or "square" in str(info.value)


def test_error_lists_the_kinds() -> None:
    with pytest.raises(SymbolKindError, match="positive integer"):
        parse_kind("positve")
    assert "spd matrix NxN" in KINDS


# -- letter sizes (vector D, matrix n x d): the LaTeX front end checks them at several sizes ------


@pytest.mark.parametrize(
    ("text", "shown", "letters"),
    [
        ("vector D", "vector D", {"D"}),
        ("matrix n x d", "matrix n x d", {"n", "d"}),
        ("matrix N×D", "matrix N x D", {"N", "D"}),
        ("spd matrix D x D", "spd matrix D x D", {"D"}),
        ("matrix 2 x n", "matrix 2 x n", {"n"}),
    ],
)
def test_letter_sizes_parse_and_print_back(text: str, shown: str, letters: set[str]) -> None:
    kind = parse_kind(text)
    assert kind.is_matrix
    assert str(kind) == shown
    assert kind.size_letters == letters
    assert parse_kind(str(kind)) == kind


def test_letter_sizes_become_numbers_at_a_size() -> None:
    assert str(parse_kind("matrix n x d").at({"n": 2, "d": 3})) == "matrix 2x3"
    assert str(parse_kind("spd matrix D x D").at({"D": 2})) == "spd matrix 2x2"
    assert parse_kind("vector D").at({"D": 3}) == parse_kind("vector 3")


@pytest.mark.parametrize("text", ["matrix nxd", "spd matrix D x d", "vector 3D", "matrix n x"])
def test_bad_letter_sizes_are_errors(text: str) -> None:
    with pytest.raises(SymbolKindError):
        parse_kind(text)


def test_a_table_refuses_a_letter_size() -> None:
    with pytest.raises(SymbolKindError, match="whose size is a letter"):
        SymbolTable({"x": "vector D"})
