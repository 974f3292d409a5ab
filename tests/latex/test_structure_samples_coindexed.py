"""Sums over a family of vectors written out (`derive.latex.structure_samples.write_out`): the names subscripted by
the sum's index alone (y_n, p_n, a Greek sigma_n) are one number per sample and are numbered with the member; a
Greek member (phi_n) is written out too; an index left in a subscript (I_{nk}) is no family derive writes out."""

from __future__ import annotations

import re

import pytest

from derive.latex.structure_samples import write_out


def test_co_indexed_scalars_are_numbered_with_the_member() -> None:
    out = write_out(r"\sum_{n=1}^N y_n(1 - y_n) \mathbf{x}_n", "x", "n", "N", 2)
    assert "y_{1}(1 - y_{1})" in out and "y_{2}(1 - y_{2})" in out
    assert re.search(r"x\}?_\{1\}", out) and re.search(r"x\}?_\{2\}", out)  # x_1, \mathbf{x}_{1}: the member
    assert "y_n" not in out and "x_n" not in out


def test_a_greek_member_is_written_out() -> None:
    out = write_out(r"\sum_{n=1}^N \boldsymbol{\phi}_n \boldsymbol{\phi}_n^T", "phi", "n", "N", 2)
    assert r"\phi_{1}" in out and r"\phi_{2}" in out


def test_accented_and_greek_scalars_are_numbered() -> None:
    out = write_out(r"\sum_{i=1}^n \hat{y}_{i} \sigma_i \mathbf{x}_i", "x", "i", "n", 2)
    assert r"\hat{y}_{1}" in out and r"\sigma_{2}" in out


def test_a_name_outside_the_sum_keeps_its_index() -> None:
    out = write_out(r"\sum_{n=1}^N \mathbf{x}_n + y_n", "x", "n", "N", 2)
    assert out.rstrip().endswith("y_n")


def test_an_index_left_in_a_subscript_is_not_written_out() -> None:
    with pytest.raises(ValueError, match="more than the family"):
        write_out(r"\sum_{n=1}^N I_{nk} \mathbf{x}_n", "x", "n", "N", 2)


def test_the_index_used_as_a_number_is_not_written_out() -> None:
    with pytest.raises(ValueError, match="more than the family"):
        write_out(r"\sum_{n=1}^N n \mathbf{x}_n", "x", "n", "N", 2)


# --- end to end, with the family named by its marks (`derive.latex.shapes_transposed`) ---------------------------


def _one(text: str) -> object:
    import derive  # noqa: PLC0415

    results = derive.check_latex(text)
    assert len(results) == 1
    return results[0]


def test_a_quadratic_form_of_a_weighted_outer_product_is_verified() -> None:
    from derive import Verdict  # noqa: PLC0415

    r = _one(
        r"$$\sum_{n=1}^{N} y_n(1 - y_n)\mathbf{u}^T\boldsymbol{\phi}_n\boldsymbol{\phi}_n^T\mathbf{u}"
        r" = \sum_{n=1}^{N} y_n(1 - y_n) (\boldsymbol{\phi}_n^T\mathbf{u})^T \boldsymbol{\phi}_n^T\mathbf{u}$$"
    )
    assert r.verdict is Verdict.VERIFIED


def test_a_step_true_for_numbers_only_is_not_accepted() -> None:
    from derive import Verdict  # noqa: PLC0415

    # u^T phi phi^T u = (phi^T phi)(u^T u) holds at size 1 (numbers) and fails for vectors
    r = _one(
        r"$$\sum_{n=1}^{N} y_n\mathbf{u}^T\boldsymbol{\phi}_n\boldsymbol{\phi}_n^T\mathbf{u}"
        r" = \sum_{n=1}^{N} y_n \boldsymbol{\phi}_n^T\boldsymbol{\phi}_n \mathbf{u}^T\mathbf{u}$$"
    )
    assert r.verdict not in (Verdict.VERIFIED, Verdict.PROVED)


def test_a_declared_co_indexed_name_is_not_written_out_as_a_number() -> None:
    from derive import Verdict  # noqa: PLC0415

    # y_n declared a vector: written out y_1, y_2 undeclared it would be read as numbers
    text = (
        "---\nderive:\n  symbols:\n    y_n: vector 2\n---\n\n"
        r"$$\sum_{n=1}^{N} \mathbf{y}_n^T \mathbf{x}_n \mathbf{x}_n^T \mathbf{y}_n"
        r" = \sum_{n=1}^{N} \mathbf{x}_n^T \mathbf{x}_n \mathbf{y}_n^T \mathbf{y}_n$$"
    )
    r = _one(text)
    assert r.verdict not in (Verdict.VERIFIED, Verdict.PROVED)
