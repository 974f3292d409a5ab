"""Matrix identities with inverses: proved by clearing denominators, and attacks on that proof."""

from __future__ import annotations

import random

import pytest
import sympy

import derive
from derive import Verdict
from derive.language.parsing import parse_expression
from derive.language.symbols import SymbolTable
from derive.tiers._matrix import _exquo, has_inverse, rational_zero

WOODBURY_RHS = "inverse(A) - inverse(A)*U*inverse(inverse(C) + V*inverse(A)*U)*V*inverse(A)"
RANK_TWO = {"A": "spd matrix 3x3", "U": "matrix 3x2", "C": "spd matrix 2x2", "V": "matrix 2x3"}
SQUARE = {"A": "spd matrix 2x2", "U": "matrix 2x2", "C": "spd matrix 2x2", "V": "matrix 2x2"}


def _proved_by_clearing(result: derive.CheckResult) -> None:
    assert result.verdict is Verdict.PROVED, result.detail
    assert result.method.value == "symbolic"
    assert result.evidence.route == "cleared inverses"
    assert result.detail.startswith("every entry of lhs - rhs is 0 as a rational function")
    assert "wherever every inverse in them exists" in result.detail


def _refuted_with_point(result: derive.CheckResult) -> None:
    assert result.verdict is Verdict.REFUTED, result.detail
    assert result.method.value == "numeric"
    assert result.detail.startswith("differs at ")


def test_woodbury_rank_two_is_proved_quickly() -> None:
    result = derive.check(f"inverse(A + U*C*V) == {WOODBURY_RHS}", symbols=RANK_TWO)
    _proved_by_clearing(result)
    assert "3 determinant(s)" in result.detail
    assert result.seconds < 10  # was ~25 s of failed cancel, then verified numerically


def test_woodbury_without_declared_definiteness_is_proved_where_defined() -> None:
    # General A and C: the identity holds wherever A, C, A + UCV and the capacitance matrix are invertible.
    general = {"A": "matrix 3x3", "U": "matrix 3x2", "C": "matrix 2x2", "V": "matrix 2x3"}
    _proved_by_clearing(derive.check(f"inverse(A + U*C*V) == {WOODBURY_RHS}", symbols=general))


@pytest.mark.parametrize(
    ("rhs", "symbols"),
    [
        pytest.param(WOODBURY_RHS.replace("inverse(A) - ", "inverse(A) + "), RANK_TWO, id="sign-flipped"),
        pytest.param(WOODBURY_RHS.replace("inverse(inverse(C) +", "inverse(C +"), RANK_TWO, id="C-not-inverted"),
        pytest.param(WOODBURY_RHS.replace("V", "transpose(V)"), SQUARE, id="V-transposed"),
        pytest.param(WOODBURY_RHS.replace("*V*inverse(A)", "*inverse(A)*V"), SQUARE, id="factors-swapped"),
    ],
)
def test_wrong_woodbury_is_refuted_by_a_point(rhs: str, symbols: dict[str, str]) -> None:
    result = derive.check(f"inverse(A + U*C*V) == {rhs}", symbols=symbols)
    _refuted_with_point(result)
    # The symbolic tier said why it could not prove it, and did not spend the budget trying.
    first = result.outcomes[0].evidence
    assert first.reason == "nonzero rational function"
    assert "is not 0 modulo the prime 2^61 - 1" in first.summary


def test_sherman_morrison_and_push_through_are_proved() -> None:
    sm = "inverse(A) - inverse(A)*u*transpose(v)*inverse(A)/(1 + det(transpose(v)*inverse(A)*u))"
    symbols = {"A": "spd matrix 3x3", "u": "vector 3", "v": "vector 3"}
    _proved_by_clearing(derive.check(f"inverse(A + u*transpose(v)) == {sm}", symbols=symbols))
    push = derive.check(
        "inverse(eye(3) + B*A)*B == B*inverse(eye(2) + A*B)", symbols={"A": "matrix 2x3", "B": "matrix 3x2"}
    )
    _proved_by_clearing(push)
    # det(I + BA) = det(I + AB): the two inverses divide by one polynomial, recognised as one.
    assert "1 determinant(s)" in push.detail


def test_sherman_morrison_with_the_wrong_sign_is_refuted() -> None:
    sm = "inverse(A) - inverse(A)*u*transpose(v)*inverse(A)/(1 - det(transpose(v)*inverse(A)*u))"
    symbols = {"A": "spd matrix 3x3", "u": "vector 3", "v": "vector 3"}
    _refuted_with_point(derive.check(f"inverse(A + u*transpose(v)) == {sm}", symbols=symbols))


def test_non_square_inverse_is_an_input_error() -> None:
    result = derive.check("inverse(U) == transpose(U)", symbols={"U": "matrix 3x2"})
    assert result.verdict is Verdict.ERROR
    assert "non-square 3x2" in result.detail


def test_push_through_with_rectangular_factors_is_not_the_identity() -> None:
    # (AB)^-1 exists for A 2x3, B 3x2, but B (AB)^-1 A is a rank-2 projection, not I_3:
    # cancelling "inverse(AB) with A and B" would need A and B square and invertible.
    result = derive.check("B*inverse(A*B)*A == eye(3)", symbols={"A": "matrix 2x3", "B": "matrix 3x2"})
    _refuted_with_point(result)
    assert result.outcomes[0].evidence.reason == "nonzero rational function"


def test_identity_needing_an_inverse_the_claim_uses_holds_where_defined() -> None:
    # A general (not declared invertible): both sides are defined exactly where A is invertible.
    result = derive.check("inverse(A)*A*B == B", symbols={"A": "matrix 2x2", "B": "matrix 2x2"})
    _proved_by_clearing(result)


def test_an_everywhere_singular_inverse_is_never_proved() -> None:
    # det = (a+b)^2 - (a^2 + 2ab + b^2) is the zero polynomial though sympy does not see it:
    # the left side is defined nowhere, so there is nothing to prove.
    singular = "Matrix([[(a + b)**2, a**2 + 2*a*b + b**2], [1, 1]])"
    result = derive.check(f"inverse({singular}) == eye(2)", symbols={"a": "real", "b": "real"})
    assert result.verdict is Verdict.UNDECIDED, result.detail
    assert (
        rational_zero([sympy.sympify(e) for e in _entries(f"inverse({singular})", {"a": "real", "b": "real"})]) is None
    )


def test_shadowed_names_and_far_values_in_the_entries() -> None:
    # Entry symbols are named A[1,1]...; a scalar named like an entry, and huge constants, change nothing.
    symbols = {"A": "spd matrix 2x2", "a": "real"}
    text = "inverse(10**40*A + a*eye(2)) * (10**40*A + a*eye(2)) == eye(2)"
    _proved_by_clearing(derive.check(text, symbols=symbols))
    wrong = "inverse(10**40*A + a*eye(2)) * (10**40*A + a*eye(2)) == (1 + 10**-30)*eye(2)"
    assert derive.check(wrong, symbols=symbols).verdict is Verdict.REFUTED


def _entries(text: str, symbols: dict[str, str]) -> list[sympy.Expr]:
    return list(parse_expression(text, SymbolTable(symbols)))


def test_rational_zero_finds_the_nonzero_entry_and_ignores_non_rational_input() -> None:
    x, y = sympy.symbols("x y", real=True)
    same = 1 / (x + y) - y / (x * y + y**2)
    assert rational_zero([same, same]).zero
    found = rational_zero([same, 1 / (x + y) - 1 / (x + y + 1)])
    assert (found.zero, found.nonzero_entry) == (False, 1)
    assert rational_zero([sympy.sqrt(x) - sympy.sqrt(x) * (1 + 1 / (x + 1)) + sympy.sqrt(x) / (x + 1)]) is None
    assert rational_zero([x ** sympy.Symbol("n") / (x + 1)]) is None
    assert not has_inverse(x**2 / 3 + y)
    assert has_inverse(x / (x + y))


def test_exact_division_agrees_with_sympy() -> None:
    rng = random.Random(7)
    _ring, x, y, z = sympy.polys.rings.ring("x y z", sympy.ZZ)
    for _ in range(40):
        a = sum(
            rng.randint(-3, 3) * x ** rng.randint(0, 2) * y ** rng.randint(0, 2) * z ** rng.randint(0, 1)
            for _ in range(4)
        )
        b = sum(
            rng.randint(-3, 3) * x ** rng.randint(0, 2) * y ** rng.randint(0, 1) * z ** rng.randint(0, 2)
            for _ in range(3)
        )
        if not a or not b:
            continue
        assert _exquo(a * b, b, 10_000) == a
        _q, r = (a * b + 1).div(b)
        assert (_exquo(a * b + 1, b, 10_000) is None) == bool(r) or b.is_ground


def test_quadratic_form_of_an_spd_matrix_is_proved_positive() -> None:
    result = derive.check("transpose(Matrix([[1], [-1]]))*S*Matrix([[1], [-1]]) > 0", symbols={"S": "spd matrix 2x2"})
    assert result.verdict is Verdict.PROVED, result.detail
    assert result.evidence.route == "spd trace"
    assert result.detail == (
        "proved: the difference is tr(C S) with C = [[1, -1], [-1, 1]] positive semidefinite,"
        " positive for positive definite S"
    )
    trace = derive.check("trace(S) + trace(T) > 0", symbols={"S": "spd matrix 3x3", "T": "spd matrix 2x2"})
    assert trace.verdict is Verdict.PROVED
    assert trace.evidence.route == "spd trace"


@pytest.mark.parametrize(
    ("text", "symbols"),
    [
        # C = [[1, -3/2], [-3/2, 1]] is indefinite: S[1,1] + S[2,2] - 3 S[1,2] < 0 for some SPD S.
        ("trace(S) > 3*Matrix([[1, 0]])*S*Matrix([[0], [1]])", {"S": "spd matrix 2x2"}),
        # Positive semidefinite C but a negative constant: fails for small S.
        ("transpose(Matrix([[1], [2]]))*S*Matrix([[1], [2]]) > 1", {"S": "spd matrix 2x2"}),
        # Not declared SPD: no form applies.
        ("transpose(Matrix([[1], [1]]))*A*Matrix([[1], [1]]) > 0", {"A": "matrix 2x2"}),
    ],
)
def test_forms_that_are_not_positive_are_refuted(text: str, symbols: dict[str, str]) -> None:
    result = derive.check(text, symbols=symbols)
    assert result.verdict is Verdict.REFUTED, result.detail
    assert result.method.value == "numeric"
    assert result.detail.startswith("> fails at ")
    assert result.detail.endswith("(confirmed at 100 digits)")


def test_zero_vector_form_is_not_strictly_positive() -> None:
    result = derive.check("transpose(Matrix([[0], [0]]))*S*Matrix([[0], [0]]) > 0", symbols={"S": "spd matrix 2x2"})
    assert result.verdict is Verdict.REFUTED
    assert result.detail == "refuted: both sides are equal, so the strict inequality fails"


def test_a_constant_divisible_by_the_screen_prime_is_still_decided() -> None:
    p = 2**61 - 1
    x = sympy.Symbol("x", real=True)
    same = x / p / (x + 1) - x / (p * x + p)
    assert rational_zero([same]).zero
    # The screen cannot divide by p modulo p: the exact test decides.
    found = rational_zero([x / p / (x + 1) - x / (p * x + 2 * p)])
    assert (found.zero, found.nonzero_entry) == (False, 0)
    assert found.why == "its numerator, with the inverses' determinants cleared, is not the zero polynomial"


def test_the_exact_test_finds_a_wrong_identity_the_screen_misses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("derive.tiers._matrix._SCREEN_POINTS", 0)
    entries = _entries(WOODBURY_RHS.replace("inverse(A) - ", "inverse(A) + "), SQUARE)
    lhs = _entries("inverse(A + U*C*V)", SQUARE)
    found = rational_zero([a - b for a, b in zip(lhs, entries, strict=True)])
    assert (found.zero, found.nonzero_entry) == (False, 0)
    assert "not the zero polynomial" in found.why
