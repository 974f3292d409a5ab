"""``\\mathbb{V}_q[2u]``: the variance under q (which the reader does not read with a label) or V_q times the bracket.
Read as the product only, ``\\mathbb{V}_q[2u] = 4\\mathbb{V}_q[u]`` was refuted (ESUB, session 11)."""

from __future__ import annotations

import derive
from derive.model import Verdict


def _verdict(doc: str) -> Verdict:
    return derive.check_latex(doc, timeout=30)[-1].verdict


def test_a_labelled_blackboard_variance_is_not_refuted_as_a_product() -> None:
    result = derive.check_latex("$$\\mathbb{V}_q[2u] = 4\\mathbb{V}_q[u]$$\n", timeout=30)[-1]
    assert result.verdict is Verdict.UNDECIDED, result.detail
    assert "variance under the law q" in result.detail


def test_the_plain_blackboard_variance_and_a_false_twin_are_not_accepted() -> None:
    assert _verdict("$$\\mathbb{V}_q[2u] = 2\\mathbb{V}_q[u]$$\n") is not Verdict.PROVED
    assert _verdict("$$\\mathbb{V}[2u] = 2\\mathbb{V}[u]$$\n") in (Verdict.UNDECIDED, Verdict.REFUTED)
