"""A size letter the reader lists among the names given before a step (`Step.defined`) is swept when the text only
describes it (`derive.latex.shapes._only_described`): an equation stated in the text counts with it (the bound of a
sum, ``\\mathbb{R}^{k}``, ``N \\times k``), or a function of the same letter is defined. A value, a bound or a
definition the text gives it, a number use in a condition, or the step applying the letter keeps it unswept."""

from __future__ import annotations

from dataclasses import replace

import pytest

import derive.latex
from derive.latex.records import Step
from derive.latex.shapes import _settled_elsewhere, size_readings

#: A condition that counts with k and says nothing of its value: the reason k is listed as defined.
COUNTS = ("\\|S\\|^2 = \\sum_{i=1}^{k} a_{i}^2 (line 1, stated in the text)",)
DOC = "Let $\\mathbf{x} \\in \\mathbb{R}^k$.\n\n$$\\mathbf{x}^\\top \\mathbf{x} = \\sum_{i=1}^k x_i^2$$\n"


def _step(**changes: object) -> Step:
    step = derive.latex.read_document(DOC).steps[0]
    return replace(step, **changes)  # type: ignore[arg-type]


def test_a_declared_size_with_nothing_said_is_swept() -> None:
    assert _settled_elsewhere(_step(), {"k"}) is None


@pytest.mark.parametrize(
    "condition",
    [
        "\\|S\\|^2 = \\sum_{i=1}^{k} a_{i}^2 (line 1, stated in the text)",  # k bounds a sum of other names
        "\\prod_{j=1}^{k} w_j = y (line 1, stated in the text)",  # k bounds a product
        "\\mathbf{a} \\in \\mathbb{R}^{k} (line 1, stated in the text)",
    ],
)
def test_a_size_only_counting_in_a_stated_equation_is_swept(condition: str) -> None:
    step = _step(defined=("k",), conditions=(condition,))
    assert _settled_elsewhere(step, {"k"}) is None
    readings = size_readings(step)
    assert isinstance(readings, list) and [r.sizes for r in readings][:3] == [(("k", 1),), (("k", 2),), (("k", 3),)]


@pytest.mark.parametrize(
    "condition",
    [
        "k = 3 (line 1, stated in the text)",
        "\\sum_{i=1}^{k} i = 6 (line 1, stated in the text)",  # says k = 3: only the bound and its index
        "\\frac{1}{k} S = T (line 1, stated in the text)",  # k as a number
        "k^2 = 4 (line 1, stated in the text)",
    ],
)
def test_a_size_with_a_value_or_a_condition_is_not_swept(condition: str) -> None:
    step = _step(defined=("k",), conditions=(condition,))
    assert "given a value or a condition" in (_settled_elsewhere(step, {"k"}) or "")


@pytest.mark.parametrize(
    "prose",
    [
        "Let $k = 4$ and $\\mathbf{x} \\in \\mathbb{R}^k$.",
        "Here $k := |\\mathcal{D}|$.",
        "Assume $k \\geq 3$.",
        "Take $k^2 = 9$.",
        "with $4 = k$, we have",
        "$$k \\coloneqq 2$$",
    ],
)
def test_a_size_the_prose_gives_a_value_or_bound_is_not_swept(prose: str) -> None:
    step = _step(defined=("k",), prose=prose, conditions=COUNTS)
    assert "given a value or a condition" in (_settled_elsewhere(step, {"k"}) or "")


def test_subscripts_and_bounds_in_the_prose_give_no_value() -> None:
    prose = (
        "the eigenvalues $\\lambda_{1}\\ge \\cdots \\ge \\lambda_{k}\\ge 0$ and $x_k = 1$, $\\sum_{i=1}^{k} a_i = 1$"
    )
    step = _step(defined=("k",), prose=prose, conditions=COUNTS)
    assert _settled_elsewhere(step, {"k"}) is None


def test_a_letter_the_step_applies_as_a_function_is_not_swept() -> None:
    step = _step(defined=("k",), lhs_tex="k(\\mathbf{x})", conditions=COUNTS)
    assert "given a value or a condition" in (_settled_elsewhere(step, {"k"}) or "")


def test_a_letter_given_a_value_by_a_definition_is_not_swept() -> None:
    step = _step(uses=("k := 3 (line 1)",))
    assert "given a value or a condition" in (_settled_elsewhere(step, {"k"}) or "")


def test_a_letter_listed_as_defined_with_no_condition_naming_it_is_not_swept() -> None:
    # defined outside the prose the step sees, or twice: derive cannot tell it is only described
    step = _step(defined=("k",))
    assert "given a value or a condition" in (_settled_elsewhere(step, {"k"}) or "")
