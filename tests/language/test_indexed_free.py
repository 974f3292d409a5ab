"""Free indices (``x_{si}`` for every i) and ragged sums (``\\sum_{j=1}^{n_i}``) in indexed instances.

A free index takes every value and equality pattern that can change the step: each value
another index takes at its positions (every value of a sum's range when it shares a position
with the summed index), else one value no index takes there, and the free indices equal and
unequal. A refutation must also hold with square two-index families symmetric and collapsed
deltas' indices in range; a failure only outside a tying range is no refutation.
"""

from __future__ import annotations

import pytest
import sympy

import derive
from derive import Verdict
from derive.engine import check_claim
from derive.language._indexed import IndexedError, instances
from derive.language.parsing import prepare
from derive.model import Claim, LatexSource, Settings


def _latex(lhs: str, relation: str, rhs: str, symbols: dict[str, str] | None = None) -> derive.Result:
    claim = Claim(id="free", lhs=LatexSource(lhs), rhs=LatexSource(rhs), relation=relation, symbols=symbols or {})
    return check_claim(claim, Settings(timeout=20))


def _values(result: derive.Result) -> dict[str, str]:
    ev = result.evidence
    assert ev is not None and ev.counterexample is not None, result.detail
    return dict(ev.counterexample.values)


def _numeric(result: derive.Result) -> str:
    return next(o.evidence.summary for o in result.outcomes if o.evidence.method.value == "numeric")


# ---------------------------------------------------------------------------------------
# Attacks: identities true for some patterns of the free indices only.


def test_true_only_when_the_free_indices_are_equal_is_refuted_at_unequal_ones() -> None:
    r = _latex(r"\sum_{s=1}^{N} x_{si} x_{sj}", "==", r"\sum_{s=1}^{N} x_{si}^2")
    assert r.verdict is Verdict.REFUTED, r.detail
    values = _values(r)
    assert values["i"] != values["j"]


def test_a_strict_inequality_fails_at_equal_free_indices_and_at_a_tie() -> None:
    # (x_si - x_sj)^2 > 0 fails at i = j, and at i != j where the entries are equal
    r = _latex(r"\sum_{s=1}^{N} (x_{si} - x_{sj})^2", ">", "0")
    assert r.verdict is Verdict.REFUTED, r.detail
    assert {"i", "j"} <= set(_values(r))


def test_true_identity_with_free_indices_is_verified_naming_the_patterns() -> None:
    r = _latex(
        r"\sum_{s=1}^{N} (x_{si} - m_i)(x_{sj} - m_j)",
        "==",
        r"\sum_{s=1}^{N} x_{si} x_{sj} - m_j \sum_{s=1}^{N} x_{si} - m_i\sum_{s=1}^{N} x_{sj} + N m_i m_j",
    )
    assert r.verdict is Verdict.VERIFIED, r.detail
    assert "the free indices took every value and equality pattern" in r.detail
    assert "(i, j) = 1, 1; 1, 2" in r.detail or "(i, j) = 1, 2; 1, 1" in r.detail


def test_name_with_free_subscripts_is_the_same_entry_at_equal_indices() -> None:
    # mu_i and mu_j are one number at i = j: read as two names they would not be
    claim = Claim(
        id="mu",
        lhs=LatexSource(r"\sum_{s=1}^{N} (x_{si} - \mu_i)(x_{sj} - \mu_j)"),
        rhs=LatexSource("0"),
        relation="==",
    )
    cases = [c for c in instances(prepare(claim)) if c.sizes == (("N", 2),)]
    names = {c.free: {str(s) for s in c.problem.lhs.free_symbols} for c in cases}
    assert names[(("i", 1), ("j", 1))] == {"mu_1", "x_1,1", "x_2,1"}
    assert names[(("i", 1), ("j", 2))] == {"mu_1", "mu_2", "x_1,1", "x_1,2", "x_2,1", "x_2,2"}
    r = _latex(r"\sum_{s=1}^{N} (x_{si} - x_{sj}) (\mu_i - \mu_j)", ">=", "0")
    assert r.verdict is Verdict.REFUTED, r.detail  # false for i != j


def test_unsymmetric_swap_is_undecided_not_verified_nor_refuted() -> None:
    # true for a symmetric d only: a text's d_{ij} is often a symmetric matrix's entry
    r = _latex(r"\sum_{j=1}^{k} u_{j} d_{ji}", "==", r"\sum_{j=1}^{k} d_{ij} u_{j}")
    assert r.verdict is Verdict.UNDECIDED, r.detail
    assert "but not refuted with d symmetric" in _numeric(r)


def test_a_failure_with_the_family_symmetric_too_is_refuted() -> None:
    r = _latex(r"\sum_{j=1}^{k} u_{j} d_{ji}", "==", r"2\sum_{j=1}^{k} d_{ij} u_{j}")
    assert r.verdict is Verdict.REFUTED, r.detail
    assert "also fails with the two-index families symmetric" in _numeric(r)


def test_a_failure_only_outside_a_collapsed_deltas_range_is_not_a_refutation() -> None:
    # I_{nk} read as a Kronecker delta: \sum_{k=1}^K I_{nk} is 1 only for n <= K; a text's I_{nk}
    # is as often an indicator (one k per n), and the step holds when the range condition does
    r = _latex(
        r"\sum_{n = 1}^N \left(I_{nj} - p_{nj}\sum_{k = 1}^KI_{nk} \right)x_n",
        "==",
        r"\sum_{n = 1}^N (I_{nj} - p_{nj})x_n",
    )
    assert r.verdict is Verdict.UNDECIDED, r.detail
    assert "but not refuted with every Kronecker delta's index inside its range" in _numeric(r)


def test_a_tied_free_index_takes_every_value_of_the_range() -> None:
    p = prepare(Claim(id="t", lhs=LatexSource(r"\sum_{j=1}^{k} d_{ij} u_j"), rhs=LatexSource(r"u_i"), relation="=="))
    at3 = [c.free for c in instances(p) if c.sizes == (("k", 3),)]
    assert at3 == [(("i", 1),), (("i", 2),), (("i", 3),)]
    assert all(not c.fringe for c in instances(p))


def test_kronecker_delta_ties_the_free_index_to_the_range() -> None:
    i, j, k = sympy.symbols("i j k", integer=True)
    x = sympy.IndexedBase("x")
    lhs = sympy.Sum(sympy.KroneckerDelta(i, j) * x[j] ** 2, (j, 1, k))
    claim = Claim(id="delta", lhs=lhs, rhs=x[i] ** 2, symbols={"k": "positive integer"})
    r = check_claim(claim, Settings(timeout=20))
    # true for i in 1..k; i = k + 1 is not what the step speaks about: never refuted there
    assert r.verdict in (Verdict.VERIFIED, Verdict.PROVED), r.detail


def test_an_untied_index_may_equal_a_tied_one_where_they_share_a_position() -> None:
    # i is tied to j's range through y; l only shares x with i: l = i must be among the patterns
    p = prepare(
        Claim(
            id="share",
            lhs=LatexSource(r"\sum_{j=1}^{k} y_{j} + \sum_{s=1}^{N} x_{si} y_i"),
            rhs=LatexSource(r"\sum_{s=1}^{N} x_{sl}"),
            relation="==",
        )
    )
    at = {c.free for c in instances(p) if c.sizes == (("N", 1), ("k", 2))}
    assert at == {
        (("i", 1), ("l", 1)),
        (("i", 1), ("l", 2)),
        (("i", 1), ("l", 3)),
        (("i", 2), ("l", 1)),
        (("i", 2), ("l", 2)),
        (("i", 2), ("l", 3)),
    }


def test_a_free_index_used_as_a_number_is_undecided() -> None:
    r = _latex(r"\sum_{s=1}^{N} x_{si} + i", "==", r"\sum_{s=1}^{N} x_{si} + 1")
    assert r.verdict is Verdict.UNDECIDED, r.detail
    assert "also used as a number" in r.detail


def test_a_free_index_in_an_index_expression_is_undecided() -> None:
    i, n, s = sympy.symbols("i n s", integer=True)
    x = sympy.IndexedBase("x")
    claim = Claim(id="shift", lhs=sympy.Sum(x[s, i + 1], (s, 1, n)), rhs=sympy.Sum(x[s, i], (s, 1, n)))
    r = check_claim(claim, Settings(timeout=20))
    assert r.verdict is Verdict.UNDECIDED, r.detail
    assert "inside an index expression" in r.detail


def test_a_free_index_shadowed_by_a_sum_is_bound_there() -> None:
    # the i inside the sum is the sum's own; the one outside is free (tied to the sum's range)
    p = prepare(Claim(id="shadow", lhs=LatexSource(r"\sum_{i=1}^{n} x_i"), rhs=LatexSource("x_i"), relation=">="))
    at3 = [c for c in instances(p) if c.sizes == (("n", 3),)]
    assert [c.free for c in at3] == [(("i", 1),), (("i", 2),), (("i", 3),)]
    assert [str(c.problem.rhs) for c in at3] == ["x_1", "x_2", "x_3"]
    assert {str(c.problem.lhs) for c in at3} == {"x_1 + x_2 + x_3"}
    r = _latex(r"\sum_{i=1}^{n} x_i", "<=", r"x_i", {"x_i": "positive"})
    assert r.verdict is Verdict.REFUTED, r.detail


def test_a_letter_free_on_one_side_and_summed_on_the_other_is_tied_to_the_sum() -> None:
    # c_{sk} pulled out of the sum over s: s outside is free, tied to the range of the summed s
    r = _latex(r"\sum_{s=1}^{N} x_{si} c_{sk}", "==", r"c_{sk}\sum_{s=1}^{N} x_{si}")
    assert r.verdict is Verdict.REFUTED, r.detail
    values = _values(r)
    assert 1 <= int(values["s"]) <= int(values["N"]) == 2


def test_a_size_letter_is_never_a_free_index() -> None:
    # x_n beside a sum up to n is the last term, as before
    r = _latex(r"\sum_{i=1}^{n} x_i", "==", r"x_n + \sum_{i=1}^{n-1} x_i")
    assert r.verdict is Verdict.VERIFIED, r.detail
    assert "free indices" not in r.detail


def test_a_literal_index_is_one_of_the_free_values() -> None:
    # x_i = x_1 for every i is false: i = 2 is checked beside the literal 1
    r = _latex(r"\sum_{s=1}^{N} x_{si}", "==", r"\sum_{s=1}^{N} x_{s1}")
    assert r.verdict is Verdict.REFUTED, r.detail
    assert _values(r)["i"] != "1"


def test_a_family_name_beside_its_indexed_entries_is_an_entry() -> None:
    # z_nk outside the sum is z[n, k]: at K = 1 the step holds; it is refuted at K = 2 only
    r = _latex(
        r"\log\left(\frac{\exp(z_{nk})}{\sum_{j = 1}^K \exp(z_{nk})}\right)",
        "==",
        r"z_{nk} - \log\left(\sum_{j = 1}^K \exp(z_{nj})\right)",
    )
    assert r.verdict is Verdict.REFUTED, r.detail
    assert _values(r)["K"] == "2"
    r = _latex(
        r"\log\left(\frac{\exp(z_{nk})}{\sum_{j = 1}^K \exp(z_{nj})}\right)",
        "==",
        r"z_{nk} - \log\left(\sum_{j = 1}^K \exp(z_{nj})\right)",
    )
    assert r.verdict in (Verdict.VERIFIED, Verdict.PROVED), r.detail


def test_an_entry_with_a_free_index_and_no_sum_stays_undecided() -> None:
    i = sympy.Symbol("i", integer=True)
    x = sympy.IndexedBase("x")
    r = check_claim(Claim(id="free", lhs=x[i] ** 2, rhs=x[i], symbols={"x": "real"}), Settings(timeout=20))
    assert r.verdict is Verdict.UNDECIDED
    assert "no single value" in r.detail


def test_too_many_patterns_is_undecided_never_a_subset() -> None:
    # four free indices tied to one range: k^4 patterns, 81 at k = 3, beyond the cap
    p = prepare(
        Claim(
            id="many",
            lhs=LatexSource(r"\sum_{j=1}^{k} y_j (y_a + y_b + y_c + y_e)"),
            rhs=LatexSource(r"y_a"),
            relation="==",
        )
    )
    cases = instances(p)
    assert {c.sizes for c in cases} == {(("k", 1),), (("k", 2),)}  # whole sizes, never part of one's patterns
    assert len(cases) == 1 + 16
    with pytest.raises(IndexedError, match="patterns"):
        instances(p, sizes=(3,))
    # five untied free indices: 52 ways to be equal or not, beyond the cap at the first size
    p = prepare(
        Claim(
            id="bell",
            lhs=LatexSource(r"\sum_{j=1}^{k} d_{aj} d_{bj} d_{cj} d_{ej} d_{fj}"),
            rhs=LatexSource(r"0"),
            relation="==",
        )
    )
    with pytest.raises(IndexedError, match="52 equality patterns"):
        instances(p)


# ---------------------------------------------------------------------------------------
# Ragged sums.


def test_ragged_identity_is_verified_naming_the_bounds() -> None:
    r = _latex(
        r"\sum_{i=1}^{N}\sum_{j=1}^{n_i}(y_{ij} - f_i)^2",
        "==",
        r"\sum_{i=1}^{N}\sum_{j=1}^{n_i} y_{ij}^2 - 2\sum_{i=1}^{N} f_i \sum_{j=1}^{n_i} y_{ij}"
        r" + \sum_{i=1}^{N} n_i f_i^2",
    )
    assert r.verdict is Verdict.VERIFIED, r.detail
    assert "the ragged bounds (n_1, n_2, n_3, n_4) took (1, 1, 1, 1), (2, 2, 2, 2)" in r.detail
    assert "(1, 2, 3, 1), (3, 2, 1, 3)" in r.detail


def test_ragged_step_true_only_for_equal_counts_is_refuted() -> None:
    r = _latex(
        r"\sum_{i=1}^{N}\sum_{j=1}^{n_i} y_{ij}",
        "==",
        r"\sum_{i=1}^{N}\sum_{j=1}^{n_1} y_{ij}",
    )
    assert r.verdict is Verdict.REFUTED, r.detail
    values = _values(r)
    assert int(values["N"]) >= 2  # at N = 1 both sides are the same sum
    assert values["n_1"] != values["n_2"]


def test_the_claims_own_first_count_is_the_ragged_entry() -> None:
    # n_1 in the bound is the first of the n_i, not a size swept apart from it
    r = _latex(r"\sum_{j=1}^{n_1} y_{1j}", "==", r"\sum_{i=1}^{1}\sum_{j=1}^{n_i} y_{ij}")
    assert r.verdict in (Verdict.VERIFIED, Verdict.PROVED), r.detail


def test_a_ragged_count_of_ones_is_the_sum_of_the_counts() -> None:
    r = _latex(r"\sum_{i=1}^{N}\sum_{j=1}^{n_i} 1", "==", r"N n_1")
    assert r.verdict is Verdict.REFUTED, r.detail  # true only when every n_i equals n_1
    assert "at N = 2, n_1 = 1, n_2 = 2: lhs - rhs simplifies to the nonzero constant" in r.detail
    r = _latex(r"\sum_{i=1}^{N}\sum_{j=1}^{n_i} 1", "==", r"\sum_{i=1}^{N} n_i")
    assert r.verdict is Verdict.PROVED, r.detail


def test_every_size_up_to_one_past_the_numbers_written_is_checked() -> None:
    # a factor for each listed size 1..6 and 8 but not 7: the sizes list alone missed 7 (SAMPLES' report)
    claim = "Sum(x_i**2, (i, 1, n)) = Sum(x_i**2, (i, 1, n)) + (n-1)*(n-2)*(n-3)*(n-4)*(n-5)*(n-6)*(n-8)*x_1**2"
    r = derive.check(claim, symbols={"n": "positive integer"}, timeout=30)
    assert r.verdict is Verdict.REFUTED
    assert r.detail.startswith("differs at n = 7,")


def test_unequal_sizes_past_three_are_checked() -> None:
    # vanishes on the equal tuples and on every mix of 1..3: only a large size beside a small one shows it
    claim = (
        "Sum(x_i, (i, 1, n))*Sum(y_j, (j, 1, m)) + (n-1)*(n-2)*(n-3)*(n-m) = Sum(x_i, (i, 1, n))*Sum(y_j, (j, 1, m))"
    )
    r = derive.check(claim, symbols={"n": "positive integer", "m": "positive integer"}, timeout=30)
    assert r.verdict is Verdict.REFUTED
    assert "m = 1, n = 8" in r.detail
