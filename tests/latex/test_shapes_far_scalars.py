"""A far size checked with numbers puts numbers in for the undeclared scalars before reading
(`derive.latex.shapes_far._plain_scalars`): an inverse of A + s I at size 4 or 5 with a symbol s took seconds and
ran out of the check's budget; with the number `_entries_hold` would give s it is exact and quick. Calculus, sums
and applied functions keep their symbols."""

from __future__ import annotations

import time
from dataclasses import replace

import derive
from derive import Verdict
from derive.latex import read_document
from derive.latex.shapes_far import _difference, _plain_scalars

DECLARED = "Let $\\mathbf{x}, \\mathbf{y} \\in \\mathbb{R}^n$, $A, B \\in \\mathbb{R}^{n \\times n}$ and $s > 0$.\n\n"


def _one(tex: str) -> derive.CheckResult:
    return derive.check_latex(DECLARED + f"$${tex}$$\n")[-1]


def test_a_shifted_inverse_is_checked_at_the_far_sizes():
    r = _one("\\mathbf{x}^\\top (A + s B)^{-1} \\mathbf{x} = \\mathbf{x}^\\top ((A + s B)^{-1})^\\top \\mathbf{x}")
    assert r.verdict is Verdict.VERIFIED, r.detail
    assert "n = 5 (checked with numbers)" in r.detail


def test_wrong_twin_a_nonsymmetric_bilinear_form_is_not_accepted():
    r = _one("\\mathbf{x}^\\top (A + s B)^{-1} \\mathbf{y} = \\mathbf{y}^\\top (A + s B)^{-1} \\mathbf{x}")
    assert r.verdict is not Verdict.VERIFIED and r.verdict is not Verdict.PROVED, r.detail


def _at_four(text: str):
    step = read_document(text).steps[-1]
    claim = step.claim.evolve(symbols=(("A", "matrix 4x4"), ("x", "vector 4")))
    return replace(step, claim=claim)


def test_the_scalars_get_numbers_and_the_check_is_quick():
    step = _at_four(
        "$$\\mathbf{x}^\\top (A + s I_{4})^{-1} \\mathbf{x}"
        " = \\mathbf{x}^\\top ((A + s I_{4})^{-1})^\\top \\mathbf{x}$$\n"
    )
    assert set(_plain_scalars(step, dict(step.claim.symbols), 0)) == {"s"}
    start = time.perf_counter()
    assert _difference(step, 0) == "holds"
    assert time.perf_counter() - start < 2


def test_calculus_and_applied_functions_keep_their_symbols():
    step = _at_four("$$\\frac{d}{ds} \\mathbf{x}^\\top (A + s I_{4}) \\mathbf{x} = \\mathbf{x}^\\top \\mathbf{x}$$\n")
    assert _plain_scalars(step, dict(step.claim.symbols), 0) == {}
    step = _at_four("$$f(s) \\mathbf{x}^\\top A \\mathbf{x} = f(s) \\mathbf{x}^\\top A^\\top \\mathbf{x}$$\n")
    assert "f" not in _plain_scalars(step, dict(step.claim.symbols), 0)
