"""Tests for derive.tiers.sampling: every kind respected, SPD exactly positive definite, deterministic."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from derive.language.symbols import SymbolTable
from derive.tiers.sampling import STYLES, draw_scalar, far_points, is_positive_definite, kind_of, sample_point

KINDS = {
    "r": "real",
    "pos": "positive",
    "nn": "nonnegative",
    "neg": "negative",
    "i": "integer",
    "n": "positive integer",
    "p": "probability",
}

seeds = st.integers(min_value=0, max_value=2**32 - 1)
styles = st.sampled_from(STYLES)


def _table() -> SymbolTable:
    return SymbolTable({**KINDS, "A": "matrix 2x3", "S": "spd matrix 3x3", "v": "vector 4"})


def _all_symbols(table: SymbolTable) -> list[sympy.Symbol]:
    out: list[sympy.Symbol] = []
    for name in table:
        out.extend(table[name].entries)
    return out


@given(seed=seeds, style=styles)
def test_every_scalar_kind_is_respected(seed: int, style: str) -> None:
    table = _table()
    point = sample_point(table, _all_symbols(table), np.random.default_rng(seed), style=style)
    value = {name: point[table[name].obj] for name in KINDS}
    assert all(isinstance(v, sympy.Rational) for v in point.values())
    assert value["pos"] > 0
    assert value["nn"] >= 0
    assert value["neg"] < 0
    assert value["i"].is_integer
    assert value["n"].is_integer
    assert value["n"] >= 1
    assert 0 < value["p"] < 1


@given(seed=seeds, style=styles)
def test_every_symbol_asked_for_gets_a_value(seed: int, style: str) -> None:
    table = _table()
    symbols = _all_symbols(table)
    point = sample_point(table, symbols, np.random.default_rng(seed), style=style)
    assert set(symbols) <= set(point)


@given(seed=seeds, style=styles, n=st.integers(min_value=1, max_value=6))
def test_spd_matrix_is_exactly_positive_definite(seed: int, style: str, n: int) -> None:
    table = SymbolTable({"S": f"spd matrix {n}x{n}"})
    spec = table["S"]
    point = sample_point(table, spec.entries, np.random.default_rng(seed), style=style)
    mat = spec.obj.xreplace(point)
    assert mat.is_symmetric()
    rows = [[Fraction(int(mat[i, j].p), int(mat[i, j].q)) for j in range(n)] for i in range(n)]
    assert is_positive_definite(rows)
    # An independent exact check: every leading principal minor is positive.
    for k in range(1, n + 1):
        assert mat[:k, :k].det() > 0


def test_one_entry_draws_the_whole_matrix_jointly() -> None:
    table = SymbolTable({"S": "spd matrix 2x2", "A": "matrix 2x2"})
    s12 = table["S"].obj[0, 1]
    point = sample_point(table, [s12, table["A"].obj[1, 0]], np.random.default_rng(3))
    assert set(table["S"].entries) | set(table["A"].entries) <= set(point)
    assert table["S"].obj.xreplace(point).is_positive_definite


@given(seed=seeds)
def test_same_seed_same_point(seed: int) -> None:
    table = _table()
    symbols = _all_symbols(table)
    first = sample_point(table, symbols, np.random.default_rng(seed))
    second = sample_point(table, list(reversed(symbols)), np.random.default_rng(seed))
    assert first == second


def test_different_seeds_give_different_points() -> None:
    table = _table()
    symbols = _all_symbols(table)
    points = {
        tuple(sorted(map(str, sample_point(table, symbols, np.random.default_rng(s)).values()))) for s in range(5)
    }
    assert len(points) == 5


@given(seed=seeds, style=styles)
def test_kinds_inferred_from_sympy_assumptions(seed: int, style: str) -> None:
    rng = np.random.default_rng(seed)
    d = sympy.Dummy("d", positive=True)
    k = sympy.Symbol("k", integer=True, negative=True)
    m = sympy.Symbol("m", integer=True, nonnegative=True)
    q = sympy.Symbol("q", nonpositive=True)
    plain = sympy.Symbol("z")
    point = sample_point(None, [d, k, m, q, plain], rng, style=style)
    assert point[d] > 0
    assert point[k] < 0
    assert point[k].is_integer
    assert point[m] >= 0
    assert point[m].is_integer
    assert point[q] <= 0
    assert point[plain].is_rational


def test_kind_of_prefers_the_declaration() -> None:
    table = SymbolTable({"p": "probability"})
    spec, kind = kind_of(table, table["p"].obj)
    assert spec is table["p"]
    assert kind == "probability"
    assert kind_of(table, sympy.Symbol("t", positive=True)) == (None, "positive")


@given(seed=seeds)
def test_probability_edges_stay_strictly_inside(seed: int) -> None:
    value = draw_scalar("probability", np.random.default_rng(seed), style="edge")
    assert 0 < value < 1


def test_simple_points_are_readable() -> None:
    table = SymbolTable({"x": "real", "s": "positive"})
    point = sample_point(table, [table["x"].obj, table["s"].obj], np.random.default_rng(0), style="simple")
    assert all(v.q <= 5 for v in point.values())
    assert all(v not in (0, 1, -1) for v in point.values())


def test_is_positive_definite_rejects_indefinite_and_asymmetric() -> None:
    assert is_positive_definite([[2, -1, 0], [-1, 2, -1], [0, -1, 2]])
    assert not is_positive_definite([[1, 2], [2, 1]])
    assert not is_positive_definite([[0, 0], [0, 1]])
    assert not is_positive_definite([[2, 1], [0, 2]])


def test_unknown_style_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown point style"):
        sample_point(None, [sympy.Symbol("x")], np.random.default_rng(0), style="weird")


# ---------------------------------------------------------------------------------------
# Far points.


def _kinds_hold(table: SymbolTable, point: dict) -> None:
    value = {name: point[table[name].obj] for name in KINDS if table[name].obj in point}
    assert all(isinstance(v, sympy.Rational) for v in point.values())
    assert value["pos"] > 0
    assert value["nn"] >= 0
    assert value["neg"] < 0
    assert value["i"].is_integer
    assert value["n"].is_integer
    assert value["n"] >= 1
    assert 0 < value["p"] < 1


@given(seed=seeds, largest=st.sampled_from([0.0, 5000.0, 1e15, 1e80]))
def test_far_points_respect_every_kind(seed: int, largest: float) -> None:
    table = _table()
    points = far_points(table, _all_symbols(table), np.random.default_rng(seed), largest=largest)
    assert 1 <= len(points) <= 14
    for point in points:
        _kinds_hold(table, point)
        mat = table["S"].obj.xreplace(point)
        rows = [[Fraction(int(mat[i, j].p), int(mat[i, j].q)) for j in range(3)] for i in range(3)]
        assert is_positive_definite(rows)


@given(seed=seeds)
def test_far_points_reach_1e12_both_signs_and_beyond_the_claims_numbers(seed: int) -> None:
    table = SymbolTable({"x": "real"})
    values = [p[table["x"].obj] for p in far_points(table, [table["x"].obj], np.random.default_rng(seed), largest=1e20)]
    assert max(values) >= 10**12
    assert min(values) <= -(10**12)
    assert max(abs(v) for v in values) >= 10**26  # 1e6 times the largest number written
    assert any(10**21 <= abs(v) < 10**22 for v in values)  # 10 times it
    assert any(0 < abs(v) <= sympy.Rational(1, 10**11) for v in values)  # and tiny ones


@given(seed=seeds)
def test_far_integers_are_large_integers_and_probabilities_hug_the_edges(seed: int) -> None:
    table = SymbolTable({"n": "positive integer", "p": "probability", "S": "spd matrix 2x2"})
    symbols = [table["n"].obj, table["p"].obj, *table["S"].entries]
    points = far_points(table, symbols, np.random.default_rng(seed))
    ns = [p[table["n"].obj] for p in points]
    assert max(ns) >= 10**12
    assert all(n.is_integer and n >= 1 for n in ns)
    ps = [p[table["p"].obj] for p in points]
    assert any(min(v, 1 - v) <= sympy.Rational(1, 10**12) for v in ps)
    traces = [table["S"].obj.xreplace(p).trace() for p in points]
    assert max(traces) >= 10**12  # large eigenvalues


@given(seed=seeds)
def test_far_style_draws_stay_in_their_kind(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for kind in ("real", "positive", "nonnegative", "negative", "integer", "positive integer", "probability"):
        value = draw_scalar(kind, rng, style="far", reach=1e30)
        assert {"positive": value > 0, "negative": value < 0, "probability": 0 < value < 1}.get(kind, True)
        if "integer" in kind:
            assert value.denominator == 1


def test_far_points_towards_singular_spd_matrices_only_when_asked() -> None:
    table = SymbolTable({"S": "spd matrix 2x2"})
    entries = list(table["S"].obj)
    plain = far_points(table, entries, np.random.default_rng(0))
    singular = far_points(table, entries, np.random.default_rng(0), singular=True)
    tiny = [p for p in singular if max(abs(v) for v in p.values()) < sympy.Rational(1, 10**30)]
    assert len(tiny) == 2  # about 1e-40 and 1e-300 times L Lᵀ
    assert all(sympy.Matrix(2, 2, [p[e] for e in entries]).is_positive_definite for p in tiny)
    assert not any(max(abs(v) for v in p.values()) < sympy.Rational(1, 10**30) for p in plain)
