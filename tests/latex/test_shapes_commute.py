"""Undeclared capitals read as numbers and as square matrices of every size from 2 to one past the far size
(`derive.latex.shapes.commute_readings`), not 2x2 only: a step that holds for numbers and for 2x2 matrices only (Hall's
identity: the square of a 2x2 commutator is a multiple of the identity) was proved."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict
from derive.latex import read_document, shapes_far
from derive.latex.shapes import StepRun, commute_readings
from derive.model import Evidence, Method, Outcome, Result


def _one(tex: str, prefix: str = "") -> tuple[Verdict, str]:
    ((result,),) = [derive.check_latex(prefix + f"$${tex}$$\n")]
    return result.verdict, result.detail


def _fake(claim: object, verdict: Verdict, reason: str | None = None) -> Result:
    ev = Evidence(Method.NUMERIC, "fake", reason=reason)
    return Result(claim, verdict, Method.NUMERIC, 0.0, (Outcome(verdict, ev),))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "tex",
    [
        r"(AB - BA)^2 \cdot D = D \cdot (AB - BA)^2",
        r"(AB - BA)(AB - BA) D = D (AB - BA)(AB - BA)",
        r"(BA - AB)^2 \cdot C - C \cdot (BA - AB)^2 = 0 \cdot C",
    ],
)
def test_an_identity_of_2x2_matrices_only_is_not_proved(tex: str) -> None:
    verdict, detail = _one(tex)
    assert verdict is Verdict.UNDECIDED
    assert "as numbers the step is proved, but with them matrices (" in detail and "matrix 3x3)" in detail


def test_identities_of_every_size_stay_proved_and_commuting_steps_stay_undecided() -> None:
    assert _one(r"(A+B)^2 = A^2 + AB + BA + B^2")[0] is Verdict.PROVED
    assert _one(r"(A + B)(A - B) = A^2 - AB + BA - B^2")[0] is Verdict.PROVED
    verdict, detail = _one(r"(A+B)^2 = A^2 + 2AB + B^2")
    assert verdict is Verdict.UNDECIDED and "(A, B: matrix 2x2)" in detail


def test_the_matrix_sizes_run_past_the_numbers_the_step_writes() -> None:
    (step,) = read_document("$$(A + B)^2 = A^2 + AB + BA + B^2$$\n").steps
    found = commute_readings(step)
    assert found is not None
    assert [(r.label, r.sizes) for r in found] == [
        ("", ()),
        ("A, B: matrix 2x2", ()),
        ("A, B: matrix 3x3", ()),
        ("A, B: matrix 4x4", (("size", 4),)),
        ("A, B: matrix 5x5", (("size", 5),)),
    ]
    (step,) = read_document("$$(A + B)^7 = (A + B)^6 (A + B)$$\n").steps
    found = commute_readings(step)
    assert found is not None and found[-1].label == "A, B: matrix 9x9"


def test_a_failure_found_with_numbers_past_3_leaves_the_step_undecided(monkeypatch: pytest.MonkeyPatch) -> None:
    # a step that holds for numbers, 2x2 and 3x3 matrices and fails at 4x4 (found exactly with numbers there)
    def checked(reading: object) -> Result:
        size = max(n for _, n in reading.sizes)  # type: ignore[attr-defined]
        if size == 4:
            return _fake(reading.step.claim, Verdict.UNDECIDED, shapes_far.FAILS)  # type: ignore[attr-defined]
        return _fake(reading.step.claim, Verdict.VERIFIED)  # type: ignore[attr-defined]

    monkeypatch.setattr(shapes_far, "offline_result", checked)
    doc = read_document("$$(A + B)^2 = A^2 + AB + BA + B^2$$\n")
    run = StepRun(list(doc.steps), lambda step: _fake(step.claim, Verdict.ERROR))
    assert len(run.claims) == 3  # as written, 2x2, 3x3: 4x4 and 5x5 are checked here with numbers
    (result,) = run.results([_fake(c, Verdict.PROVED) for c in run.claims])
    assert result.verdict is Verdict.UNDECIDED
    assert "but with them matrices (A, B: matrix 4x4 (checked with numbers))" in result.detail


def test_a_zero_side_is_the_zero_matrix_of_the_capitals() -> None:
    # 0 (or a bold 0) against a product of capitals: the zero matrix, as the reader takes it with matrices declared
    for tex in (r"AB - BA = 0", r"0 = AB - BA", r"A B - B A = \mathbf{0}", r"(AB - BA)^2 = 0"):
        verdict, detail = _one(tex)
        assert verdict is Verdict.UNDECIDED, tex
        assert "but with them matrices (A, B: matrix 2x2)" in detail, tex
    # an identity of matrices equal to 0 holds at every size, 4x4 and 5x5 checked with numbers
    assert _one(r"(A+B)^2 - A^2 - AB - BA - B^2 = 0")[0] is Verdict.PROVED
    verdict, detail = _one(r"AB - BA + BA - AB = 0", "Let $A, B \\in \\mathbb{R}^{n \\times n}$.\n\n")
    assert verdict is Verdict.VERIFIED
    assert "n = 4 (checked with numbers); n = 5 (checked with numbers)" in detail
