"""A refutation through a matrix the text calls invertible stands when the counterexample's matrix is
invertible (its determinant there is exact), and only then; any other structure word keeps it undecided."""

from __future__ import annotations

import derive
from derive import Verdict
from derive.latex.shapes import _invertible_at_counterexample
from derive.model import Claim, Counterexample, Evidence, Method, Outcome, Result

_HEAD = "Let $A, B \\in \\mathbb{R}^{3\\times3}$ be invertible.\n"


def _refuted_at(values: dict[str, str]) -> Result:
    ce = Counterexample(tuple(values.items()), "1", "0", "1", 100)
    ev = Evidence(Method.NUMERIC, "differs", counterexample=ce)
    return Result(
        Claim(id="c", lhs="x", rhs="y"), Verdict.REFUTED, Method.NUMERIC, 0.0, (Outcome(Verdict.REFUTED, ev),)
    )


def _matrix(name: str, rows: list[list[str]]) -> dict[str, str]:
    return {f"{name}[{i + 1},{j + 1}]": v for i, row in enumerate(rows) for j, v in enumerate(row)}


def test_a_wrong_inverse_identity_of_invertible_matrices_stays_refuted() -> None:
    (r,) = derive.check_latex(_HEAD + "$$(A^{-1}+B^{-1})^{-1} = (A+B)^{-1}$$\n")
    assert r.verdict is Verdict.REFUTED
    assert "differs at A[1,1] = " in r.detail


def test_an_invertible_counterexample_matrix_is_one_of_the_texts() -> None:
    ce = _refuted_at(_matrix("A", [["1", "2"], ["3", "5"]]))
    assert _invertible_at_counterexample(ce, "A", "Let $A$ be invertible")
    assert _invertible_at_counterexample(ce, "A", "A is a nonsingular matrix")


def test_a_singular_counterexample_matrix_is_no_counterexample_of_the_text() -> None:
    ce = _refuted_at(_matrix("A", [["1", "2"], ["2", "4"]]))
    assert not _invertible_at_counterexample(ce, "A", "Let $A$ be invertible")


def test_any_other_structure_said_keeps_the_doubt() -> None:
    ce = _refuted_at(_matrix("A", [["1", "2"], ["3", "5"]]))
    assert not _invertible_at_counterexample(ce, "A", "Let $A$ be invertible and symmetric")
    assert not _invertible_at_counterexample(ce, "A", "A is a covariance matrix")
    assert not _invertible_at_counterexample(ce, "A", "A is singular")


def test_a_matrix_the_counterexample_does_not_write_out_is_not_judged() -> None:
    partial = _matrix("A", [["1", "2"], ["3", "5"]])
    del partial["A[2,2]"]
    assert not _invertible_at_counterexample(_refuted_at(partial), "A", "A is invertible")
    assert not _invertible_at_counterexample(_refuted_at({"x": "1"}), "A", "A is invertible")
