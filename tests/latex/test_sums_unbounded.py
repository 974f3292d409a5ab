"""Sums whose index set is not written as bounds (`derive.latex.sums_unbounded`): no subscript (``\\sum t_n``),
several indices (``\\sum_{s,t,u}``), an index used as a value (``\\sum_x x p(x)``, ``\\sum_{x \\in D} f(x)``)."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict

ACCEPT = (Verdict.PROVED, Verdict.VERIFIED)


def _one(tex: str):
    (got,) = derive.check_latex(f"$${tex}$$")
    return got


# -- an index used as a value: a sum over an unspecified finite set of values ------------------------------------


@pytest.mark.parametrize(
    "tex",
    [
        r"\sum_x x\, p(x) = \sum_x p(x)\, x",
        r"\sum_x (f(x) + g(x)) = \sum_x f(x) + \sum_x g(x)",
        r"\sum_x (x + 1)^2 = \sum_x x^2 + 2 \sum_x x + \sum_x 1",
        r"\sum_{x \in D} 2 x = 2 \sum_{y \in D} y",
        r"\sum_x \log(x^2 + 1) = \log \prod_x (x^2 + 1)",
        # the same name bound twice on one side: the same values, an inner sum shadowing the outer one
        r"\sum_x x \sum_x x^2 = \left(\sum_x x\right) \left(\sum_x x^2\right)",
    ],
)
def test_an_identity_over_every_finite_set_of_values_is_accepted(tex):
    assert _one(tex).verdict in ACCEPT


@pytest.mark.parametrize(
    "tex",
    [
        r"\sum_x x^2 = \sum_x x",
        r"\sum_x x \sum_x x^2 = \sum_x x^3",
        r"\sum_{x \in D} x^2 = \sum_{y \in D} y",
        r"\sum_x (x + 1)^2 = \sum_x x^2 + \sum_x 1",
        r"\sum_x 10^{300} x = 10^{300} \sum_x x + 10^{-300}",
    ],
)
def test_a_wrong_step_in_the_same_notation_is_never_accepted(tex):
    got = _one(tex)
    assert got.verdict not in ACCEPT
    assert got.verdict in (Verdict.REFUTED, Verdict.UNDECIDED)


@pytest.mark.parametrize("tex", [r"\sum_x x^2 = \sum_x x", r"\sum_{x \in S} x = 1", r"\sum_x x \mu^x = 1"])
def test_a_failure_over_some_set_of_values_is_no_refutation(tex):
    # true over {0, 1} (the text's set, for all derive knows): never refuted, the reason named
    got = _one(tex)
    assert got.verdict is Verdict.UNDECIDED
    assert "may hold for the text's own set" in got.detail


@pytest.mark.parametrize(
    ("tex", "why"),
    [
        (r"\sum_j j a_j = 0", "the index j of a \\sum without bounds is used as a number"),
        (r"\sum_n \cos(2 \pi n) = \sum_n 1", "the index n of a \\sum without bounds is used as a number"),
        (r"\sum_{\mathbf x} p(\mathbf x) = 1", "the index x of a \\sum without bounds is used as a number"),
        (r"\sum_{n \in S} n = 3", "is used as a number, and derive does not know that set"),
    ],
)
def test_an_integer_index_or_a_vector_used_as_a_number_stays_unread(tex, why):
    got = _one(tex)
    assert got.verdict is Verdict.ERROR
    assert why in got.detail


def test_a_wrong_step_with_unknown_functions_is_not_accepted():
    assert _one(r"\sum_x x\, p(x) = \sum_x p(x)\, x^2").verdict not in ACCEPT


@pytest.mark.parametrize(
    "tex",
    [
        r"\sum_x p(x) = 1",  # needs p to be a distribution over the set
        r"\sum_{x \in D} 1 = N",  # needs |D| = N, not stated
    ],
)
def test_a_step_whose_truth_needs_the_set_is_not_decided(tex):
    assert _one(tex).verdict not in (*ACCEPT, Verdict.REFUTED)


def test_a_step_that_states_the_values_uses_them():
    # x \in \{0, 1\} written: the sum runs over those two values (read before this module)
    (got,) = derive.check_latex(r"Let $x \in \{0, 1\}$. $$\sum_x (x + 1) = 3$$")
    assert got.verdict in ACCEPT


@pytest.mark.parametrize(
    "tex",
    [
        r"\sum_x f(x) = \sum_z f(z)",  # two sets of values: the same set or not?
        r"\sum_x p(x) = \sum_j p(x_j)",  # values and indices: x_j the values of x or not?
        r"\sum_x x^2 + \sum_j a_j = \sum_j a_j + \sum_x x^2",
        r"\sum_{x \in D} x = \sum_{x \in E} x",
        r"\sum_x x f(x) + x = x + \sum_x f(x)\, x",  # the index used after the sum: in it or not?
        r"\sum_x x^2 + x = x + \sum_x x^2",
        r"\sum_x \frac{\partial}{\partial x} x^2 = \sum_x 2 x",  # a derivative by a value of the set
    ],
)
def test_a_sum_whose_set_or_extent_is_not_settled_is_refused(tex):
    assert _one(tex).verdict is Verdict.ERROR


def test_the_values_are_named_apart_from_the_documents_own_entries():
    # x_1 written outside is no value of the set over which \sum_x runs
    got = _one(r"\sum_x x = x_1 + \sum_x x")
    assert got.verdict not in ACCEPT


# -- a sum without subscript: the one subscript letter after it ---------------------------------------------------


@pytest.mark.parametrize(
    "tex",
    [
        r"\sum x_n + \sum y_n = \sum (x_n + y_n)",
        r"\sum t_n x_n - c \sum t_n = \sum (x_n - c) t_n",
        r"-\sum\left(t_n (1 - y_n) + (1 - t_n)(-y_n)\right) = \sum (y_n - t_n)",
    ],
)
def test_a_sum_without_subscript_runs_over_the_one_subscript_letter(tex):
    assert _one(tex).verdict in ACCEPT


def test_a_wrong_step_without_subscript_is_refuted():
    assert _one(r"\sum x_n^2 = \left(\sum x_n\right)^2").verdict is Verdict.REFUTED


@pytest.mark.parametrize(
    "tex",
    [
        r"\sum x_i y_j = 0",  # two letters: over which?
        r"\sum 1 = 3",  # none
        r"\sum x_{nk} = 0",
    ],
)
def test_a_sum_without_subscript_and_no_single_letter_is_refused(tex):
    assert _one(tex).verdict is Verdict.ERROR


def test_a_sum_without_subscript_beside_a_count_is_not_decided():
    # the sum may run from 1 to n (then the step is a rearrangement) or over another set
    assert _one(r"\frac{n}{\theta} - \sum x_i = \sum \left(\frac{1}{\theta} - x_i\right)").verdict not in (
        *ACCEPT,
        Verdict.REFUTED,
    )


def test_an_enclosing_sums_index_is_not_the_bare_sums_index():
    assert _one(r"\sum_k \sum a_{n} b_k = \sum_k b_k \sum a_n").verdict in ACCEPT


# -- several indices in one subscript --------------------------------------------------------------------------


def test_three_indices_are_nested_sums():
    assert _one(r"\sum_{s,t,u} a_{st} b_{tu} c_{su} = \sum_{u,s,t} c_{su} a_{st} b_{tu}").verdict in ACCEPT


def test_three_indices_wrong_step_is_refuted():
    got = _one(r"\sum_{s,t,u} a_{st} b_{tu} c_{su} = \sum_{s,t,u} a_{st} b_{tu} c_{su}^2")
    assert got.verdict is Verdict.REFUTED


@pytest.mark.parametrize("sub", ["s,s,u", "s,t,", "s,t,uv", "s,t,u=1"])
def test_three_indices_odd_subscripts_are_refused(sub):
    assert _one(rf"\sum_{{{sub}}} a_{{st}} = 0").verdict is Verdict.ERROR
