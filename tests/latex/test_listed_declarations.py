"""Several declarations in one inline formula (``\\mathbf{u} \\in \\mathbb{R}^n, \\mathbf{v} \\in \\mathbb{R}^m``):
each name takes its own set (`derive.latex.assumptions._listed_declarations`). Read as one declaration, the first
name took the whole rest as its set (no kind) and the others stayed undeclared, so a step with u^T H v read u and
v as numbers and its shapes did not fit."""

from __future__ import annotations

import derive
from derive import Verdict
from derive.latex.assumptions import _declared_kinds

LISTED = (
    "Let $\\mathbf{W}, \\mathbf{H} \\in \\mathbb{R}^{n\\times m}$, where\n"
    "$\\mathbf{u} \\in \\mathbb{R}^n, \\mathbf{v} \\in \\mathbb{R}^m, \\mathbf{A} \\in \\mathbb{R}^{n \\times m}$.\n\n"
)


def _one(tex: str, prefix: str = LISTED) -> tuple[Verdict, str]:
    ((result,),) = [derive.check_latex(prefix + f"$${tex}$$\n")]
    return result.verdict, result.detail


def test_each_listed_name_takes_its_own_set():
    tex = "\\mathbf{u} \\in \\mathbb{R}^n, \\mathbf{v} \\in \\mathbb{R}^m, \\mathbf{A} \\in \\mathbb{R}^{n \\times m}"
    assert _declared_kinds(tex) == [("u", "vector n"), ("v", "vector m"), ("A", "matrix n x m")]


def test_names_sharing_a_set_still_share_it():
    assert _declared_kinds("x, y \\in \\mathbb{R}^n") == [("x", "vector n"), ("y", "vector n")]
    tex = "x \\in \\mathbb{R}^n, y, z \\in \\mathbb{R}^{m}"
    assert _declared_kinds(tex) == [("x", "vector n"), ("y", "vector m"), ("z", "vector m")]


def test_a_set_with_commas_inside_is_one_part():
    assert _declared_kinds("x \\in \\{0, 1\\}, y \\in \\mathbb{R}") == [("x", None), ("y", "real")]


def test_names_after_the_last_set_are_no_list():
    # "x \in R^n, y": y has no set of its own; the formula is read as before (a range for x, nothing for y)
    assert _declared_kinds("x \\in \\mathbb{R}^n, y") == [("x", None)]


def test_a_bilinear_form_of_listed_vectors_is_verified_at_every_size():
    verdict, detail = _one(
        "\\mathbf{u}^\\top \\mathbf{H} \\mathbf{v} = \\mathrm{tr}(\\mathbf{v} \\mathbf{u}^\\top \\mathbf{H})"
    )
    assert verdict is Verdict.VERIFIED, detail
    assert "m = 2, n = 3" in detail


def test_wrong_twin_the_order_of_the_cyclic_trace_is_not_accepted():
    # tr(u v^T H) needs m = n and is v^T H u there, not u^T H v: not accepted
    verdict, detail = _one(
        "\\mathbf{u}^\\top \\mathbf{H} \\mathbf{v} = \\mathrm{tr}(\\mathbf{u} \\mathbf{v}^\\top \\mathbf{H})"
    )
    assert verdict is not Verdict.VERIFIED and verdict is not Verdict.PROVED, detail


def test_wrong_twin_a_transposed_factor_is_refuted():
    verdict, detail = _one(
        "\\mathbf{u}^\\top (\\mathbf{W} + \\mathbf{A}) \\mathbf{v} = \\mathbf{u}^\\top \\mathbf{W} \\mathbf{v} "
        "+ 2 \\mathbf{u}^\\top \\mathbf{A} \\mathbf{v}"
    )
    assert verdict is Verdict.REFUTED, detail
