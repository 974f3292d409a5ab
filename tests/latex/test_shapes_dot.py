"""A dot between undeclared bold names (``\\mathbf{v} \\cdot \\mathbf{w}``) is read in the shapes their notation
allows, as a norm of them is (derive.latex.shapes)."""

from __future__ import annotations

import derive
from derive import Verdict


def _one(text: str) -> tuple[Verdict, str]:
    (r,) = derive.check_latex(f"$${text}$$")
    return r.verdict, r.detail or ""


def test_cauchy_schwarz_with_a_dot_of_bold_names_is_verified_in_every_shape() -> None:
    verdict, detail = _one(r"\mathbf{v}\cdot \mathbf{w} \le \|\mathbf{v}\|\|\mathbf{w}\|")
    assert verdict is Verdict.VERIFIED
    assert detail.startswith("holds in every shape the undeclared names may have here (v: vector 2, w: vector 2")
    assert "and at size 1 (v: vector 1, w: vector 1)" in detail


def test_a_cosine_written_two_ways_is_verified() -> None:
    text = (
        r"\frac{\mathbf{v}\cdot \mathbf{w}}{\|\mathbf{v}\|\|\mathbf{w}\|} = "
        r"\frac{\mathbf{v}^\top\mathbf{w}}{\sqrt{\mathbf{v}^\top\mathbf{v}}\sqrt{\mathbf{w}^\top\mathbf{w}}}"
    )
    assert _one(text)[0] is Verdict.VERIFIED


def test_a_false_dot_identity_is_never_accepted() -> None:
    verdict, _ = _one(r"\mathbf{v}\cdot \mathbf{w} = \|\mathbf{v}\|\|\mathbf{w}\|")
    assert verdict in (Verdict.UNDECIDED, Verdict.REFUTED)
    cosine = r"\frac{\mathbf{v}\cdot \mathbf{w}}{\|\mathbf{v}\|\|\mathbf{w}\|}"
    verdict, _ = _one(cosine + r" = \frac{\mathbf{v}^\top\mathbf{w}}{\mathbf{v}^\top\mathbf{v}}")
    assert verdict in (Verdict.UNDECIDED, Verdict.REFUTED)


def test_entries_of_undeclared_vectors_under_an_unbounded_sum_stay_undecided() -> None:
    # v_i may be entries of v or names of their own; the sum's range is not written
    text = (
        r"\frac{\mathbf{v}\cdot \mathbf{w}}{\|\mathbf{v}\|\|\mathbf{w}\|} = "
        r"\frac{\sum_{i} v_iw_i}{\sqrt{\sum_{i}v_i^2}\sqrt{\sum_{i}w_i^2}}"
    )
    assert _one(text)[0] is Verdict.UNDECIDED


def test_a_dot_of_plain_undeclared_names_is_a_product() -> None:
    assert _one(r"a \cdot b = b \cdot a")[0] is Verdict.PROVED
