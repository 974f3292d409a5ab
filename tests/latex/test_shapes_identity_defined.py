"""A defined name inverted in a step (``M^{-1}`` after ``$M = K + \\sigma^2_n I$``) whose body has an undeclared I:
where a shape reading made that I the identity of a size (`derive.latex.shapes._with_identity` writes I_{2}), I is
no loose matrix that need not commute (`derive.latex.context._defined_transposed`), so the reading's verdict
stands. Read on GPML exercise 4 (bench/corpus/s-nbgl-gpml-ex4), whose completed square is verified at every
size; a sign slip in it is not accepted."""

from __future__ import annotations

from pathlib import Path

from derive import Verdict
from derive.latex import read_document
from derive.latex.shapes import StepRun
from derive.model import Evidence, Method, Outcome, Result, Settings
from derive.runner import run_claims

DOC = (Path(__file__).resolve().parents[2] / "bench" / "corpus" / "s-nbgl-gpml-ex4" / "doc.tex").read_text()
SQUARE = "&= \\frac{\\left(1 - \\bfk_\\circ^\\top M^{-1}\\bfk_*\\right)^2}{c} \\\\"


def _square(doc: str) -> Result:
    """The result of the step (k_o^T M^{-1} k_*)^2 - 2 k_o^T M^{-1} k_* + 1 over c = (1 - ...)^2 over c alone."""
    steps = [
        s
        for s in read_document(doc, path="doc.tex").steps
        if s.lhs_tex.lstrip().startswith("\\frac{\\left(\\mathbf{k}_\\circ") and s.rhs_tex.lstrip().startswith("\\frac")
    ]
    assert len(steps) == 1

    def error(step: object) -> Result:
        ev = Evidence(Method.PARSE, str(step.error), reason="input")  # type: ignore[attr-defined]
        return Result(step.claim, Verdict.ERROR, Method.PARSE, 0.0, (Outcome(Verdict.ERROR, ev),))  # type: ignore[attr-defined]

    run = StepRun(steps, error)
    return run.results(run_claims(run.claims, Settings(), jobs=1))[0]


def test_the_completed_square_through_the_inverse_is_verified():
    assert SQUARE in DOC
    r = _square(DOC)
    assert r.verdict is Verdict.VERIFIED, r.detail
    assert "I: identity m" in r.detail


def test_wrong_twin_a_sign_slip_is_not_accepted():
    r = _square(DOC.replace(SQUARE, SQUARE.replace("\\left(1 -", "\\left(1 +")))
    assert r.verdict not in (Verdict.VERIFIED, Verdict.PROVED), r.detail
