"""A model statement whose own display spells out an argument (``p(x; \\theta) = ..., \\quad \\theta = (\\mu,
\\sigma)``, Gutmann's Gaussian MLE exercise) still holds for later steps: the definition of theta beside it says
what theta stands for in the formula, it gives theta no other meaning (`derive.latex.steps._spelled_out`)."""

from __future__ import annotations

import derive
from derive.model import Verdict

ACCEPTS = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)

MODEL = (
    "The Gaussian pdf parametrised by mean $\\mu$ and standard deviation $\\sigma$ is given by\n"
    "$$ p(x; \\theta) = \\frac{1}{\\sqrt{2\\pi\\sigma^2}}\\exp\\left[-\\frac{(x-\\mu)^2}{2\\sigma^2}\\right], "
    "\\quad \\quad \\theta = (\\mu, \\sigma).$$\n\n"
)


def _last(doc: str) -> derive.CheckResult:
    return derive.check_latex(doc, timeout=30)[-1]


def test_the_model_is_read_with_its_parameters_spelled_out():
    step = (
        "$$ 2 p(x; \\theta) = \\frac{2}{\\sqrt{2\\pi\\sigma^2}}\\exp\\left[-\\frac{(x-\\mu)^2}{2\\sigma^2}\\right]$$\n"
    )
    result = _last(MODEL + step)
    assert result.verdict is Verdict.PROVED, result.detail
    assert "model statement" in result.detail


def test_wrong_twin_is_not_accepted():
    step = (
        "$$ 2 p(x; \\theta) = \\frac{2}{\\sqrt{2\\pi\\sigma^2}}\\exp\\left[-\\frac{(x-\\mu)^2}{\\sigma^2}\\right]$$\n"
    )
    result = _last(MODEL + step)
    assert result.verdict not in ACCEPTS, result.detail
    assert result.verdict is not Verdict.REFUTED, result.detail  # refuted through a model: undecided


def test_a_later_display_giving_theta_another_meaning_ends_the_model():
    later = "Now take $$\\theta = (\\mu, \\sigma^2)$$ instead.\n\n"
    step = (
        "$$ 2 p(x; \\theta) = \\frac{2}{\\sqrt{2\\pi\\sigma^2}}\\exp\\left[-\\frac{(x-\\mu)^2}{2\\sigma^2}\\right]$$\n"
    )
    result = _last(MODEL + later + step)
    assert result.verdict not in ACCEPTS, result.detail


def test_a_definition_beside_the_model_with_other_names_ends_it():
    doc = MODEL.replace("\\theta = (\\mu, \\sigma)", "\\theta = (\\mu, \\tau)")
    step = (
        "$$ 2 p(x; \\theta) = \\frac{2}{\\sqrt{2\\pi\\sigma^2}}\\exp\\left[-\\frac{(x-\\mu)^2}{2\\sigma^2}\\right]$$\n"
    )
    result = _last(doc + step)
    assert result.verdict not in ACCEPTS, result.detail
