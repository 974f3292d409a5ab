"""The ML vocabulary of the claim language: relu, logsumexp, softmax, log_softmax, onehot.

Each is a closed form sympy already reasons with (`derive.language.functions`), so the tests check
both the form and that the engine decides true and false claims through it.
"""

from __future__ import annotations

import pytest
import sympy
from sympy import Max, exp, log

import derive
from derive.language._calls import FUNCTIONS
from derive.language.functions import ML_FUNCTIONS, log_softmax, logsumexp, one_hot, relu, softmax
from derive.model import Verdict

x, y, z = sympy.symbols("x y z", real=True)


@pytest.fixture
def wired(monkeypatch: pytest.MonkeyPatch) -> None:
    """The claim language's table with the ML entries (a no-op once `derive.language._calls` merges them)."""
    for name, entry in ML_FUNCTIONS.items():
        if name not in FUNCTIONS:
            monkeypatch.setitem(FUNCTIONS, name, entry)


def test_the_function_table_merges_the_ml_entries() -> None:
    # derive.language._calls.FUNCTIONS must hold ML_FUNCTIONS (one line there: **ML_FUNCTIONS)
    assert {name: FUNCTIONS.get(name) for name in ML_FUNCTIONS} == ML_FUNCTIONS


def test_closed_forms() -> None:
    assert relu(x) == Max(0, x)
    assert logsumexp([x, y]) == log(exp(x) + exp(y))
    assert softmax([x, y, z], 2) == exp(y) / (exp(x) + exp(y) + exp(z))
    assert log_softmax([x, y], 1) == x - log(exp(x) + exp(y))
    assert one_hot(2, 3) == [0, 1, 0]
    k = sympy.Symbol("k", integer=True)
    assert one_hot(k, 2) == [sympy.KroneckerDelta(k, 1), sympy.KroneckerDelta(k, 2)]


@pytest.mark.parametrize("bad", [0, 4])
def test_an_index_outside_the_vector_is_an_error(bad: int) -> None:
    with pytest.raises(ValueError, match=f"index {bad} outside 1..3"):
        softmax([x, y, z], bad)


def check(text: str, **symbols: str) -> derive.Result:
    return derive.check(text, symbols=symbols)


@pytest.mark.usefixtures("wired")
@pytest.mark.parametrize(
    ("claim", "symbols"),
    [
        ("relu(x) - relu(-x) == x", {"x": "real"}),
        ("relu(x) >= 0", {}),
        ("ones(1, 3)*softmax(a) == 1", {"a": "vector 3"}),
        ("softmax(a + 5*ones(3, 1)) == softmax(a)", {"a": "vector 3"}),
        ("softmax((a, b, c), 1) == exp(a)/(exp(a) + exp(b) + exp(c))", {}),
        ("log_softmax(a, 2) == log(softmax(a, 2))", {"a": "vector 3"}),
        ("logsumexp(x, y) == log(exp(x) + exp(y))", {}),
        ("transpose(onehot(2, 3))*Matrix([a, b, c]) == b", {}),
    ],
)
def test_true_identities_are_proved(claim: str, symbols: dict[str, str]) -> None:
    result = check(claim, **symbols)
    assert result.verdict is Verdict.PROVED, result.detail


@pytest.mark.usefixtures("wired")
def test_logsumexp_bounds_are_decided_and_the_false_bound_refuted() -> None:
    # the lower bound is proved argument by argument (log X >= a exactly when X >= e^a)
    assert check("logsumexp(x, y) >= Max(x, y)").verdict is Verdict.PROVED
    assert check("logsumexp(x, y) <= Max(x, y) + log(2)").verdict is Verdict.VERIFIED
    wrong = check("logsumexp(x, y) <= Max(x, y)")
    assert wrong.verdict is Verdict.REFUTED
    assert "confirmed at 100 digits" in wrong.detail


@pytest.mark.usefixtures("wired")
def test_false_claims_are_refuted_with_a_confirmed_point() -> None:
    wrong = check("relu(x) == x", x="real")
    assert wrong.verdict is Verdict.REFUTED
    assert "confirmed at 100 digits" in wrong.detail
    assert check("softmax(a, 1) > 1", a="vector 3").verdict is Verdict.REFUTED
    # relu acts entry by entry on a matrix
    assert check("relu(A) == A", A="matrix 2x2").verdict is Verdict.REFUTED


@pytest.mark.usefixtures("wired")
@pytest.mark.parametrize(
    ("claim", "symbols", "message"),
    [
        ("softmax(a, 4) == 1", {"a": "vector 3"}, "must be an integer literal from 1 to 3"),
        ("softmax(a, k) == 1", {"a": "vector 3", "k": "positive integer"}, "must be an integer literal"),
        # two scalars would read as a vector a at index b: refused, never guessed
        ("softmax(x, y) == 1", {}, "softmax takes a vector first"),
        ("logsumexp(A) == 0", {"A": "matrix 2x2"}, "logsumexp takes a vector, got a 2x2 matrix"),
        ("onehot(1, 0) == 0", {}, "onehot: the size at column"),
    ],
)
def test_misuse_is_an_input_error(claim: str, symbols: dict[str, str], message: str) -> None:
    result = check(claim, **symbols)
    assert result.verdict is Verdict.ERROR
    assert message in result.detail
