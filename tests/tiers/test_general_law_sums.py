"""Finite sums under unknown-law expectations (derive.tiers._general_law_sums, wired in _linearity).

``E[sum_{i=1}^n f_i] = sum_{i=1}^n E[f_i]`` for every law when the number of terms is a fixed size;
attacks: a bound that is itself averaged (Wald), an infinite series, a square of a sum, a product
with another random factor (no independence), identically distributed terms nobody stated, an index
also used outside its sum.
"""

from __future__ import annotations

import pytest
import sympy

import derive
from derive import Verdict
from derive.tiers._general_law_sums import canonical_sums, fixed_size_sum
from derive.tiers._linearity import expectation_operator, linear_form

E = expectation_operator("E")
EZ = expectation_operator("E_{Z|X}")
i, j, k, n, K, N = sympy.symbols("i j k n K N", integer=True)
X, Y, a = sympy.IndexedBase("X"), sympy.IndexedBase("Y"), sympy.IndexedBase("a")
c, z = sympy.symbols("c z")


def _same(lhs: sympy.Expr, rhs: sympy.Expr, nonrandom: tuple[str, ...] = ()) -> bool:
    left, right = linear_form(lhs, nonrandom), linear_form(rhs, nonrandom)
    lv = lhs if left is None else left.value
    rv = rhs if right is None else right.value
    return sympy.expand(canonical_sums(lv) - canonical_sums(rv)) == 0


@pytest.mark.parametrize(
    ("lhs", "rhs", "nonrandom"),
    [
        (E(sympy.Sum(X[i], (i, 1, N))), sympy.Sum(E(X[i]), (i, 1, N)), ()),
        (
            E(sympy.Sum(2 * X[i] - Y[i], (i, 1, n))),
            2 * sympy.Sum(E(X[i]), (i, 1, n)) - sympy.Sum(E(Y[i]), (i, 1, n)),
            (),
        ),
        # a double sum, with declared non-random weights, nested or merged, in either order
        (
            E(sympy.Sum(sympy.Sum(a[i, k] * X[i], (k, 1, K)), (i, 1, n))),
            sympy.Sum(a[i, k] * E(X[i]), (i, 1, n), (k, 1, K)),
            ("a",),
        ),
        # a non-random factor outside the sum, a constant factor c declared
        (E(c * sympy.Sum(X[i] ** 2, (i, 1, n))), c * sympy.Sum(E(X[i] ** 2), (i, 1, n)), ("c",)),
        # the sum under a conditional expectation of the same conditioning
        (EZ(sympy.Sum(X[i], (i, 1, n))), sympy.Sum(EZ(X[i]), (i, 1, n)), ()),
        # a sum inside a variance: Var(sum X_i) = E[(sum X_i)^2] - (sum E X_i)^2 (the square stays whole)
        (
            E(sympy.Sum(X[i], (i, 1, n))) ** 2,
            sympy.Sum(E(X[i]), (i, 1, n)) ** 2,
            (),
        ),
    ],
)
def test_linearity_over_finite_sums(lhs: sympy.Expr, rhs: sympy.Expr, nonrandom: tuple[str, ...]) -> None:
    assert _same(lhs, rhs, nonrandom)


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        # the number of terms is averaged elsewhere in the step: Wald's identity needs more than linearity
        (E(sympy.Sum(X[i], (i, 1, N))) + E(N), sympy.Sum(E(X[i]), (i, 1, N)) + E(N)),
        (E(N * sympy.Sum(X[i], (i, 1, N))), N * sympy.Sum(E(X[i]), (i, 1, N))),
        # an infinite series: exchanging E and the sum needs convergence
        (E(sympy.Sum(X[i], (i, 1, sympy.oo))), sympy.Sum(E(X[i]), (i, 1, sympy.oo))),
        # the square of a sum is not the sum of squares
        (E(sympy.Sum(X[i], (i, 1, n)) ** 2), sympy.Sum(E(X[i] ** 2), (i, 1, n))),
        # another random factor: E[z sum X_i] is sum E[z X_i], never sum E[z] E[X_i]
        (E(z * sympy.Sum(X[i], (i, 1, n))), E(z) * sympy.Sum(E(X[i]), (i, 1, n))),
        # identically distributed terms are not stated
        (E(sympy.Sum(X[i], (i, 1, n))), n * E(X[1])),
        # weights whose randomness nothing declares stay inside
        (E(sympy.Sum(a[i] * X[i], (i, 1, n))), sympy.Sum(a[i] * E(X[i]), (i, 1, n))),
        # the index also names something outside its sum
        (E(X[i] * sympy.Sum(Y[i], (i, 1, n))), sympy.Sum(E(X[i]) * E(Y[i]), (i, 1, n))),
        # E[X^2] is not E[X]^2, through a sum either
        (E(sympy.Sum(X[i] ** 2, (i, 1, n))), sympy.Sum(E(X[i]) ** 2, (i, 1, n))),
    ],
)
def test_sums_that_must_not_be_proved(lhs: sympy.Expr, rhs: sympy.Expr) -> None:
    assert not _same(lhs, rhs)


def test_the_other_random_factor_goes_inside_the_sum() -> None:
    # E[z sum_i X_i] = sum_i E[z X_i]: true for every law
    assert _same(E(z * sympy.Sum(X[i], (i, 1, n))), sympy.Sum(E(z * X[i]), (i, 1, n)))


def test_fixed_size() -> None:
    assert fixed_size_sum(sympy.Sum(X[i], (i, 1, n)), set())
    assert fixed_size_sum(sympy.Sum(X[i], (i, 0, 5)), set())
    assert not fixed_size_sum(sympy.Sum(X[i], (i, 1, n)), {"n"})
    assert not fixed_size_sum(sympy.Sum(X[i], (i, 1, sympy.oo)), set())
    assert not fixed_size_sum(sympy.Sum(X[i], (i, 1, sympy.Rational(1, 2))), set())
    assert not fixed_size_sum(X[i], set())


def test_canonical_sums_merges_and_orders() -> None:
    nested = sympy.Sum(sympy.Sum(c * X[i] + Y[k], (k, 1, K)), (i, 1, n))
    flat = c * sympy.Sum(X[i], (k, 1, K), (i, 1, n)) + sympy.Sum(Y[k], (i, 1, n), (k, 1, K))
    assert sympy.expand(canonical_sums(nested) - canonical_sums(flat)) == 0
    # a triangle (k up to i) keeps its order: it is not a rectangle
    tri = sympy.Sum(X[k], (k, 1, i), (i, 1, n))
    assert canonical_sums(tri) == tri


def test_linearity_over_a_sum_end_to_end() -> None:
    (r,) = derive.check_latex(r"$$E\left[\sum_{i=1}^N X_i\right] = \sum_{i=1}^N E[X_i]$$")
    assert r.verdict is Verdict.PROVED
    assert "linearity of expectation over a finite sum (its bounds are sizes)" in r.detail
    (r,) = derive.check_latex(r"$$E\left[\sum_{i} X_i\right] = \sum_{i} E[X_i]$$")
    assert r.verdict is Verdict.PROVED


@pytest.mark.parametrize(
    "text",
    [
        r"$$E\left[\left(\sum_{i=1}^N X_i\right)^2\right] = \sum_{i=1}^N E[X_i^2]$$",
        r"$$E\left[\sum_{i=1}^N X_i\right] = N E[X_1]$$",
        r"$$E\left[\sum_{i=1}^N X_i Y\right] = \sum_{i=1}^N E[X_i] E[Y]$$",
    ],
)
def test_false_sums_end_to_end_are_never_accepted(text: str) -> None:
    for r in derive.check_latex(text):
        assert r.verdict not in (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT), r.detail


def test_entries_the_text_calls_constants_come_out() -> None:
    # "for constants $c_k$": c_k under a sum over k is non-random; c_i (never called so) is not
    c_ = sympy.IndexedBase("c")
    inside = sympy.Sum(c_[k] * X[k], (k, 1, K))
    assert _same(E(inside), sympy.Sum(c_[k] * E(X[k]), (k, 1, K)), ("c_k",))
    assert not _same(E(sympy.Sum(c_[i] * X[i], (i, 1, n))), sympy.Sum(c_[i] * E(X[i]), (i, 1, n)), ("c_k",))


def test_constants_written_with_their_index_end_to_end() -> None:
    text = (
        "For constants $c_k$:\n\n$$E_{Z|X}\\left[\\sum_{i=1}^n \\sum_{k=1}^K c_k I(Z_i = k)\\right] = "
        "\\sum_{i=1}^n \\sum_{k=1}^K c_k E_{Z|X}[I(Z_i = k)]$$"
    )
    (r,) = derive.check_latex(text)
    assert r.verdict is Verdict.PROVED, r.detail
    assert "c_k non-random as declared" in r.detail


def test_a_steep_power_under_a_sum_is_not_expanded() -> None:
    a_, b_ = sympy.symbols("a_ b_")
    steep = sympy.Sum((X[i] + a_ + b_) ** 30, (i, 1, n))
    assert canonical_sums(steep) == steep
