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
from derive.latex import read_document
from derive.latex.shapes import _unread_once_open
from derive.model import Evidence, Method, Outcome, Result

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
    for tex in (
        "x^T x \\geq 0",
        "\\mathbf{A}^T \\mathbf{x} = \\mathbf{x}^T \\mathbf{A}",
        "(\\mathbf{x}^T \\mathbf{y})^T = 1",
    ):
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


def _error_of(text: str):
    step = read_document(text).steps[-1]
    ev = Evidence(Method.PARSE, "cannot read LaTeX 'x': a norm of what is not declared", reason="input")
    return step, Result(step.claim, Verdict.ERROR, Method.PARSE, 0.0, (Outcome(Verdict.ERROR, ev),))


def test_a_step_that_does_not_read_as_a_transpose_is_undecided_not_an_error():
    # PRML ch. 4 #30 #41: before, "T is a quantity" (T listed only through the mark) left such a step undecided;
    # read as a transpose it does not read, and it stays undecided, saying both
    step, error = _error_of(
        "The boundary $\\mathbf{w}^T\\bm{\\phi} = 0$ separates the classes.\n\n"
        "$$\\mathbf{w}^T\\bm{\\phi}_n = \\Vert\\mathbf{w}\\Vert \\cos \\theta_n$$\n"
    )
    r = _unread_once_open(step, error)
    assert r.verdict is Verdict.UNDECIDED
    assert "^T is read as a transpose here" in r.detail and "a norm of what is not declared" in r.detail
    step, error = _error_of("$$\\mathbf{w}^\\top\\bm{\\phi}_n = \\Vert\\mathbf{w}\\Vert \\cos \\theta_n$$\n")
    assert _unread_once_open(step, error).verdict is Verdict.ERROR  # no T anywhere: the error stands
