"""Sums whose bound is a symbol (Σ_{m=0}^{k}): judged at whole k where every range is non-empty.

Before, k was sampled as a real number, and sympy evaluated Σ_{m=0}^{5/2} by Euler-Maclaurin
until the claim's budget ran out (the binomial theorem was undecided on a timeout).
"""

from __future__ import annotations

import time

import pytest
import sympy

import derive
from derive import Verdict
from derive.tiers._ladder import SkipPointError, _substitute


def _check(text: str, **symbols: str) -> derive.CheckResult:
    return derive.check(text, symbols=symbols)


def test_binomial_theorem_with_symbolic_upper_index_is_verified_for_integers() -> None:
    res = _check("(1 + x)**k == Sum(binomial(k, m)*x**m, (m, 0, k))")
    assert res.verdict is Verdict.VERIFIED
    assert "k bounds a sum or product: judged at integers where every such range is non-empty" in res.detail


def test_binomial_theorem_times_one_plus_x() -> None:
    res = _check("(1 + x)**(k + 1) == (1 + x)*Sum(binomial(k, m)*x**m, (m, 0, k))")
    assert res.verdict is Verdict.VERIFIED


@pytest.mark.parametrize(
    "rhs",
    [
        "Sum(binomial(k, m)*x**(m + 1), (m, 0, k))",  # shifted power
        "Sum(binomial(k, m)*x**m, (m, 0, k - 1))",  # one term short
        "Sum(binomial(k + 1, m)*x**m, (m, 0, k))",  # wrong upper index
    ],
)
def test_wrong_binomial_sums_are_refuted_at_a_whole_k(rhs: str) -> None:
    res = _check(f"(1 + x)**k == {rhs}")
    assert res.verdict is Verdict.REFUTED
    k = next(v for name, v in res.evidence.counterexample.values if name == "k")
    assert "/" not in k and int(k) >= 0


def test_empty_range_is_no_counterexample() -> None:
    # At k = -1 the sum is empty (0) while (1 + x)^-1 is not: no case the author meant.
    res = _check("(1 + x)**k == Sum(binomial(k, m)*x**m, (m, 0, k))")
    assert "k = -1" not in res.detail


def test_binomial_second_moment() -> None:
    lhs = "Sum(binomial(N, m)*mu**m*(1 - mu)**(N - m)*m**2, (m, 0, N))"
    assert _check(f"{lhs} == N*mu*(1 - mu) + N**2*mu**2", mu="probability").verdict is Verdict.VERIFIED
    assert _check(f"{lhs} == N*mu*(1 - mu) + N*mu**2", mu="probability").verdict is Verdict.REFUTED


def test_claim_true_at_one_size_only_is_refuted() -> None:
    res = _check("Sum(m, (m, 1, k)) == k**2")
    assert res.verdict is Verdict.REFUTED


def test_floor_bound_leaves_its_symbol_real() -> None:
    # floor(x) is a whole number for every real x: x must not be restricted to integers
    # (at integer x, floor(x) + 1 == x + 1 would hold).
    res = _check("Sum(1, (m, 0, floor(x))) == x + 1", x="positive")
    assert res.verdict is Verdict.REFUTED
    x = next(v for name, v in res.evidence.counterexample.values if name == "x")
    assert "/" in x


def test_a_sum_of_a_hundred_terms_is_written_out_not_solved() -> None:
    # sympy's doit looks for a closed form from 100 terms on (seconds in solve at N = 100).
    n, m, mu = sympy.symbols("N m mu")
    term = sympy.binomial(n, m) * mu**m * (1 - mu) ** (n - m) * (m**2 + m * (2 * mu - 2 * n * mu - 1))
    start = time.perf_counter()
    out = _substitute(sympy.Sum(term, (m, 0, n)), {n: sympy.Integer(100), mu: sympy.Integer(2)})
    assert time.perf_counter() - start < 2
    assert not out.has(sympy.Sum)
    assert out == -99 * 100 * 4  # -(N - 1) N mu^2


def test_a_bound_that_is_not_whole_skips_the_point() -> None:
    k, m = sympy.symbols("k m")
    with pytest.raises(SkipPointError, match="not a whole number"):
        _substitute(sympy.Sum(m, (m, 0, k)), {k: sympy.Rational(5, 2)})
    with pytest.raises(SkipPointError, match="backwards"):
        _substitute(sympy.Sum(m, (m, 0, k)), {k: sympy.Integer(-3)})
    assert _substitute(sympy.Sum(m, (m, 0, k)), {k: sympy.Integer(-1)}) == 0


def test_a_declared_positive_bound_stays_real() -> None:
    # k declared positive (a spring constant): the sum running to k does not make cos(2πk) = 1.
    res = _check("cos(2*pi*k) + Sum(0*m, (m, 1, k)) == 1", k="positive")
    assert res.verdict is not Verdict.VERIFIED and res.verdict is not Verdict.PROVED
    assert "bounds a sum" not in (res.detail or "")


def test_latex_binomial_step_with_k_met_before_the_sum() -> None:
    (res,) = derive.check_latex(r"$$(1 + x)^{k + 1} = (1 + x) \sum_{m=0}^{k} \binom{k}{m} x^m$$")
    assert res.verdict is Verdict.VERIFIED, res.detail
