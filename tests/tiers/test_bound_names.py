"""Sums compared up to the names of their indices (derive.tiers._bound_names)."""

import sympy

from derive.tiers._bound_names import canonical_bound, factored_sums
from derive.tiers.symbolic import prove_zero

x = sympy.IndexedBase("x")
j, k = sympy.symbols("j k", integer=True)
n = sympy.Symbol("n", integer=True, positive=True)


def test_sums_differing_only_in_their_index_name_are_equal():
    assert prove_zero(sympy.Sum(x[j], (j, 1, n)) - sympy.Sum(x[k], (k, 1, n))).status == "zero"


def test_a_free_name_equal_to_an_index_is_not_captured():
    # k is free in the first sum and bound in the second: different sums
    first = sympy.Sum(k * x[j], (j, 1, n))
    second = sympy.Sum(k * x[k], (k, 1, n))
    assert canonical_bound(first) != canonical_bound(second)
    assert prove_zero(first - second).status != "zero"


def test_different_ranges_stay_different():
    assert prove_zero(sympy.Sum(x[j], (j, 1, n)) - sympy.Sum(x[k], (k, 0, n))).status != "zero"


def test_nested_sums_are_renamed_by_depth():
    inner_j = sympy.Sum(sympy.Sum(x[j] * x[k], (k, 1, n)), (j, 1, n))
    inner_k = sympy.Sum(sympy.Sum(x[k] * x[j], (j, 1, n)), (k, 1, n))
    assert factored_sums(inner_j - inner_k) == 0


def test_the_index_keeps_its_assumptions():
    real = sympy.Symbol("j")  # no integer assumption: not the same variable as an integer index
    assert prove_zero(sympy.Sum(x[real], (real, 1, n)) - sympy.Sum(x[j], (j, 1, n))).status != "zero"


def test_softmax_normaliser_is_the_numerators_sum():
    w, t = sympy.IndexedBase("w"), sympy.Symbol("t", real=True)
    softmax = sympy.Sum(sympy.exp(t * w[k]) / sympy.Sum(sympy.exp(t * w[j]), (j, 1, n)), (k, 1, n))
    assert prove_zero(softmax - 1).status == "zero"
    assert prove_zero(softmax - 2).status != "zero"
