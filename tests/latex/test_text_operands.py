"""A quantity named in words between operators is an operand, not an annotation (CS228's
``L(\\theta) = \\text{# heads} \\cdot \\log(\\theta) + \\text{# tails} \\cdot \\log(1 - \\theta)``), and a Markdown
``#`` opening a text group is "the number of"."""

from __future__ import annotations

import derive
import derive.latex
from derive.model import Verdict


def _sides(doc: str) -> list[tuple[str, str]]:
    return [(s.lhs_tex, s.rhs_tex) for s in derive.latex.read_document(doc).steps]


def test_a_text_between_operators_is_an_operand() -> None:
    doc = "$$L(\\theta) = \\text{# heads} \\cdot \\log(\\theta) + \\text{# tails} \\cdot \\log(1 - \\theta)$$\n"
    rhs = "\\text{# heads} \\cdot \\log(\\theta) + \\text{# tails} \\cdot \\log(1 - \\theta)"
    assert _sides(doc) == [("L(\\theta)", rhs)]


def test_a_text_in_a_fraction_is_an_operand() -> None:
    doc = "$$t = \\frac{\\text{# heads}}{\\text{# heads} + \\text{# tails}}$$\n"
    assert _sides(doc) == [("t", "\\frac{\\text{# heads}}{\\text{# heads} + \\text{# tails}}")]


def test_an_annotation_after_a_quad_is_still_dropped() -> None:
    assert _sides("$$a = b \\quad \\text{for } x > 0$$\n")[0] == ("a", "b")


def test_a_wrong_step_with_a_quantity_in_words_is_not_accepted() -> None:
    bad = "$$1 + 3 \\cdot \\text{# heads} = \\text{# heads} \\cdot 2 + 1$$\n"
    assert derive.check_latex(bad, timeout=30)[0].verdict in (Verdict.REFUTED, Verdict.ERROR, Verdict.UNDECIDED)
