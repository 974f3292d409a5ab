"""A plain ``^T`` where the text may make T a quantity (`derive.latex.shapes._mark_named`).

- A bold lower-case name (``\\mathbf{x}^T``) is a vector, and no vector has a power T: the mark is a transpose
  whatever T is, so the step is read.
- A T the reader lists as defined only because a condition writes the mark (``$\\mathbf{w}^T\\bm{\\phi} = 0$``),
  or a bold ``\\mathbf{T}`` (a matrix of targets), is no scalar T: the mark stays a transpose.
- A plain T the text names ("Let $T$ denote the temperature") keeps a plain or capital base undecided.
"""

from __future__ import annotations

import derive
from derive import Verdict

POWER = "^T may be a power"
TEMPERATURE = "Let $T$ denote the temperature.\n\n"


def _one(text: str) -> derive.CheckResult:
    return derive.check_latex(text)[-1]


def test_a_bold_vector_has_no_power_t():
    r = _one(TEMPERATURE + "$$\\mathbf{x}^T \\mathbf{y} = \\mathbf{y}^T \\mathbf{x}$$\n")
    assert r.verdict is Verdict.VERIFIED, r.detail
    assert POWER not in r.detail


def test_wrong_twin_a_bold_vector_step_that_fails_is_not_accepted():
    r = _one(TEMPERATURE + "$$\\mathbf{x}^T \\mathbf{y} = \\mathbf{x} \\mathbf{y}^T$$\n")
    assert r.verdict not in (Verdict.VERIFIED, Verdict.PROVED), r.detail


def test_a_plain_or_capital_base_stays_undecided_with_a_named_t():
    for tex in ("x^T x \\geq 0", "\\mathbf{A}^T \\mathbf{x} = \\mathbf{x}^T \\mathbf{A}", "(\\mathbf{x}^T \\mathbf{y})^T = 1"):
        r = _one(TEMPERATURE + f"$${tex}$$\n")
        assert r.verdict is Verdict.UNDECIDED, (tex, r.detail)
        assert POWER in r.detail, (tex, r.detail)


def test_a_mark_in_a_condition_and_a_bold_t_name_no_scalar_t():
    text = (
        "The boundary $\\mathbf{w}^T\\bm{\\phi} = 0$ separates the classes, and $\\mathbf{T}$ holds the targets.\n\n"
        "$$x^T x \\geq 0$$\n"
    )
    r = _one(text)
    assert POWER not in r.detail, r.detail
