"""Attacks on the readings real documents need (sums over named sets, letter sizes bounded in words).

- ``\\sum_{n \\in C_k}`` is read as 1..|C_k|, so a step that also writes another entry of the summed
  family (``x_1``, ``x_j``, ``r_{1k}``) would take that index to be a member: such a step is undecided,
  naming the entry, whatever the sweep gave (the text has not said whether C_k holds it).
- A size the prose bounds in words (at least five entries, dimension at least 5, larger than 4) is
  not swept below the bound: a refutation there is not a refutation of the text's claim.
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict


def _one(text: str, prose: str = "") -> tuple[Verdict, str]:
    results = derive.check_latex(f"{prose}\n$${text}$$\n" if prose else f"$${text}$$")
    assert len(results) == 1, [r.claim for r in results]
    return results[0].verdict, results[0].detail


# --- an entry of the summed family written outside the sum ------------------------------------------------


@pytest.mark.parametrize(
    ("tex", "entry"),
    [
        (r"\sum_{n \in S} x_n^2 \geq x_1^2", "x_1"),
        (r"\sum_{n \in S} |x_n| \geq |x_1|", "x_1"),
        (r"\sum_{n \in C_k} x_n^2 \geq x_2^2", "x_2"),
        (r"\sum_{n \in \mathcal{D}} e^{x_n} \geq e^{x_1}", "x_1"),
        (r"\sum_{n \in \mathcal{D}} (t_n - y_n)^2 \geq (t_1 - y_1)^2", "t_1"),
        (r"\sum_{m \in \mathcal{C}_2} (\theta_m - 1)^2 \geq (\theta_7 - 1)^2", "theta_7"),
        (r"\sum_{n \in S} x_{n,1}^2 \geq x_{1,1}^2", "x_11"),
        # undecided before the reading's doubt is needed (a tight point at |S| = 3): no reason asserted
        (r"\prod_{n \in S} e^{x_n^2} \geq e^{x_3^2}", None),
    ],
)
def test_written_entry_next_to_a_named_set_sum_is_not_accepted(tex: str, entry: str | None) -> None:
    verdict, detail = _one(tex)
    assert verdict is Verdict.UNDECIDED, detail
    if entry is None:
        return
    assert f"{entry} names an entry of a family the sum over" in detail
    assert "does not know which indices" in detail


def test_written_entry_in_prose_the_set_leaves_out_is_not_accepted() -> None:
    verdict, detail = _one(r"\sum_{n \in C_k} x_n^2 \geq x_1^2", prose=r"Point $1$ is not in cluster $C_k$.")
    assert verdict is Verdict.UNDECIDED, detail
    assert "x_1 names an entry" in detail


def test_entry_of_a_free_index_is_not_refuted() -> None:
    # j may be a member (then the step holds): a counterexample with j outside the set refutes nothing
    verdict, detail = _one(r"\sum_{n \in S} x_n^2 \geq x_j^2")
    assert verdict is Verdict.UNDECIDED, detail
    assert "x_j names an entry" in detail


def test_entry_of_a_two_index_family_is_not_accepted() -> None:
    verdict, detail = _one(r"\sum_{n \in C_k} r_{nk} \geq r_{1k}", prose=r"Let $r_{nk} \geq 0$.")
    assert verdict is Verdict.UNDECIDED, detail
    verdict, detail = _one(r"\sum_{n \in C_k} r_{nk}^2 \geq r_{1k}^2 - r_{2k}^2")
    assert verdict is Verdict.UNDECIDED, detail


def test_true_step_with_an_entry_outside_is_undecided_not_proved() -> None:
    # true for every set, but only because the sums cancel: derive does not argue so, it stays honest
    verdict, detail = _one(r"\sum_{n \in S} x_n = x_1 + \sum_{n \in S} x_{n} - x_1")
    assert verdict is Verdict.UNDECIDED, detail
    assert "x_1 names an entry" in detail


@pytest.mark.parametrize(
    ("tex", "verdict"),
    [
        # another family, or a name whose subscript is a word: no index of the set is claimed
        (r"\sum_{n \in S} x_n^2 \geq y_1^2 - y_1^2", Verdict.VERIFIED),
        (r"\sum_{n \in S} x_n^2 + x_{ML}^2 \geq x_{ML}^2", Verdict.VERIFIED),
        (r"\sum_{n \in S} x_n^2 \geq 0", Verdict.VERIFIED),
        # two sums over one set, entries of their own indices only
        (r"\sum_{i \in S}\sum_{j \in S} x_i x_j \geq 0", Verdict.VERIFIED),
        (r"\sum_{i \in S}\sum_{j \in S} x_i x_j \geq \sum_{i \in S} x_i^2", Verdict.REFUTED),
        (r"\left(\sum_{n \in S} x_n\right)^2 \leq \sum_{n \in S} x_n^2", Verdict.REFUTED),
    ],
)
def test_named_set_sum_without_outside_entries_still_decides(tex: str, verdict: Verdict) -> None:
    got, detail = _one(tex)
    assert got is verdict, detail
    assert "names an entry" not in detail
    if verdict is Verdict.VERIFIED:
        assert "says nothing about other |S|" in detail


# --- sizes bounded in words -------------------------------------------------------------------------------

_FIVE = r"\sum_{i=1}^n \sum_{j=1}^n x_i^2 \geq 5\sum_{i=1}^n x_i^2"


@pytest.mark.parametrize(
    ("prose", "tex"),
    [
        (r"Let $\mathbf{x} \in \mathbb{R}^n$ be a vector of dimension at least $5$.", _FIVE),
        (r"Let $\mathbf{x} \in \mathbb{R}^n$ with at least five entries.", _FIVE),
        (r"Let $\mathbf{x} \in \mathbb{R}^n$, where $n$ is larger than $4$.", _FIVE),
        (r"Let $\mathbf{x} \in \mathbb{R}^n$, where $n$ is greater than four.", _FIVE),
        (r"Let $\mathbf{x} \in \mathbb{R}^n$, where $n$ is larger than $4$.", r"\sum_{i=1}^n \sum_{j=1}^n 1 \geq 5n"),
        (r"Here $N$ is at least one hundred.", r"\sum_{i=1}^N \sum_{j=1}^N 1 \geq 100 N"),
    ],
)
def test_size_bounded_in_words_is_not_refuted_below_the_bound(prose: str, tex: str) -> None:
    verdict, detail = _one(tex, prose=prose)
    assert verdict is not Verdict.REFUTED, detail
    assert verdict in (Verdict.UNDECIDED, Verdict.VERIFIED, Verdict.PROVED), detail


def test_size_bounded_in_words_still_refutes_above_the_bound() -> None:
    # a bound in words stops the sweep below it, not a refutation that holds for every size
    verdict, detail = _one(
        r"\sum_{i=1}^n \sum_{j=1}^n x_i^2 \geq 500 \sum_{i=1}^n x_i^2 + 1",
        prose=r"Let $\mathbf{x} \in \mathbb{R}^n$ be a vector of dimension at least $5$.",
    )
    assert verdict is not Verdict.PROVED and verdict is not Verdict.VERIFIED, detail


# --- a derivative of a bracket that more factors follow -----------------------------------------------------


@pytest.mark.parametrize(
    "tex",
    [
        # true as (d/dx x^2) x, false as d/dx (x^3): neither reading may decide
        r"\frac{d}{dx}[x^2]\,x = 2x^2",
        r"\frac{d}{dx}\left[x^2\right] x^3 = 2x^4",
        r"\frac{d}{dx}\left[x^2 + 1\right] \cdot x = 3x^2 + 1",
        r"\frac{d}{dx}(x^2)\,e^{x} = 2x e^{x}",
        r"\frac{\partial}{\partial t}\left[t^2\right] \sin t = 2t\sin t",
    ],
)
def test_derivative_of_a_bracket_then_a_factor_is_undecided(tex: str) -> None:
    verdict, detail = _one(tex)
    assert verdict is Verdict.UNDECIDED, detail
    assert "[...] followed by more factors may differentiate the bracket alone" in detail


@pytest.mark.parametrize(
    ("tex", "verdict"),
    [
        (r"\frac{d}{dx}[x^2] + x = 2x + x", Verdict.PROVED),
        (r"\frac{d}{dx}[x^2 - 1] = 2x", Verdict.PROVED),
        (r"\frac{d}{dx}\left(x^3\right)^{2} = 6x^5", Verdict.PROVED),
        (r"\frac{d}{dx}[x^2] = 3x", Verdict.REFUTED),
    ],
)
def test_derivative_of_a_whole_bracket_still_decides(tex: str, verdict: Verdict) -> None:
    got, detail = _one(tex)
    assert got is verdict, detail
    assert "followed by more factors" not in detail


# --- an unread gradient is of unknown shape -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        # by a declared matrix the gradient is read (grammar_matrix_calculus): the matrix of partial derivatives
        (r"\nabla_{\mathbf{A}} (\mathbf{w}^T\mathbf{A}\mathbf{w}) = \mathbf{w}\mathbf{w}^T", Verdict.VERIFIED),
        (
            r"\nabla_{\mathbf{A}} \left(\mathbf{w}^T\mathbf{A}\mathbf{w}\right) = \mathbf{w}\mathbf{w}^T + \mathbf{A}",
            Verdict.REFUTED,
        ),
        # by an undeclared name it stays the unknown function nabla_B(...): never a scalar against a matrix
        (r"\nabla_{\mathbf{B}} (\mathbf{w}^T\mathbf{A}\mathbf{w}) = \mathbf{w}\mathbf{w}^T", Verdict.UNDECIDED),
    ],
)
def test_unread_gradient_never_refutes_a_shape(step: str, expected: Verdict) -> None:
    prose = r"Let $\mathbf{w} \in \mathbb{R}^n$ and $\mathbf{A} \in \mathbb{R}^{n\times n}$."
    verdict, detail = _one(step, prose=prose)
    assert verdict is expected, detail


# --- a Kronecker delta of an index and a number under a sum -------------------------------------------------


@pytest.mark.parametrize(
    ("tex", "verdict"),
    [
        (r"\sum_{k=1}^{3} \delta_{k1} = 1", Verdict.PROVED),
        (r"\sum_{k=1}^{3} \delta_{1k} = 1", Verdict.PROVED),
        (r"\sum_{k=1}^{3} \delta_{k5} = 0", Verdict.PROVED),
        (r"\sum_{k=2}^{3} \delta_{k1} = 1", Verdict.REFUTED),
        (r"\sum_{k=1}^{3} \delta_{k1} = 2", Verdict.REFUTED),
        (r"\sum_{k=1}^{n} \delta_{1k} x_k = x_1", Verdict.VERIFIED),
    ],
)
def test_kronecker_delta_with_a_number_index_is_summed_out(tex: str, verdict: Verdict) -> None:
    # not a name delta_k1 that is one number for every k (refuted at delta_k1 = -5/2 before)
    got, detail = _one(tex)
    assert got is verdict, detail
    assert "delta_k1 =" not in detail and "delta_1k =" not in detail


def test_kronecker_delta_with_a_number_over_a_named_set_stays_unread() -> None:
    # whether 1 is in S is what the step claims: the index used as a number is refused over a named set
    verdict, detail = _one(r"\sum_{n \in S} \delta_{n1} = 1")
    assert verdict is Verdict.ERROR, detail
    assert "is used as a number" in detail


@pytest.mark.parametrize(
    "tex",
    [
        r"\delta_{11} + \delta_{21} = 1",  # true as Kronecker deltas
        r"\delta_{11} + \delta_{21} = 2",  # false as Kronecker deltas: still not refuted, entries of delta?
        r"3\delta_{12} + \delta_{22} = 1",
    ],
)
def test_delta_of_two_numbers_is_undecided(tex: str) -> None:
    verdict, detail = _one(tex)
    assert verdict is Verdict.UNDECIDED, detail
    assert "may be a Kronecker delta" in detail
