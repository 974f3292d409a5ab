"""Sample sets and families of vectors in documents (structure_family, structure_samples wired in steps/shapes)."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict

_SET = r"Let $y = \left\lbrace y_1, \ldots, y_n \right\rbrace$ be the data."
_FAMILY = (
    _SET
    + "\n\n$$ y_i = \\left[ \\begin{matrix} y_{i1} \\\\ \\vdots \\\\ y_{ip} \\end{matrix} \\right] "
    + r"\sim \mathcal{N}(\mu, \Sigma), \quad i = 1, \ldots, n $$"
)


def _last(text: str) -> derive.Result:
    return derive.check_latex(text)[-1]


def test_a_sample_set_conditioned_on_is_read() -> None:
    found = _last(_SET + "\n\n$$ L(\\theta; y) = L(\\theta; y) $$\n")
    assert found.verdict is Verdict.PROVED
    assert "y: the sample {y_1, \\ldots, y_n}" in found.detail


@pytest.mark.parametrize("step", [r"|y| = n", r"y + 1 = 2", r"p(y|\mu) + y = p(y|\mu) + 1"])
def test_a_sample_set_as_a_value_is_never_refuted(step: str) -> None:
    assert _last(_SET + f"\n\n$$ {step} $$\n").verdict is Verdict.UNDECIDED


def test_a_family_step_is_verified_at_the_counts_and_sizes_checked() -> None:
    step = r"\Sigma^{-1} \sum_{i=1}^n \left( y_i - \mu \right) = \Sigma^{-1}\left(\sum_{i=1}^n y_i - n\mu\right)"
    found = _last(_FAMILY + f"\n\n$$ {step} $$\n")
    assert found.verdict is Verdict.VERIFIED
    assert "y_i: vector p for each i, written out for i = 1..n" in found.detail
    assert "Sigma: spd matrix p x p (from the law of the samples)" in found.detail
    assert "n = 3, p = 3" in found.detail and "not a proof" in found.detail


@pytest.mark.parametrize(
    "step",
    [
        # a missing n
        r"\Sigma^{-1} \sum_{i=1}^n \left( y_i - \mu \right) = \Sigma^{-1}\left(\sum_{i=1}^n y_i - \mu\right)",
        # a missing transpose
        r"\sum_{i=1}^n (y_i-\mu)^T (y_i-\mu) = \sum_{i=1}^n \left( y_i^T y_i - 2 \mu^T y_i + \mu \mu \right)",
        # the samples are not one vector
        r"\sum_{i=1}^n y_i^T y_i = n\, y_i^T y_i",
        # another member at a free index
        r"\sum_{i=1}^n y_i = y_j + \sum_{i=1}^n y_i - y_j",
    ],
)
def test_a_wrong_family_step_is_never_accepted(step: str) -> None:
    assert _last(_FAMILY + f"\n\n$$ {step} $$\n").verdict is Verdict.UNDECIDED


def test_a_matrix_the_text_calls_no_covariance_is_not_symmetric() -> None:
    text = (
        "Let the data be\n\n$$ y_i = \\left[ \\begin{matrix} y_{i1} \\\\ \\vdots \\\\ y_{ip} \\end{matrix} \\right] "
        "$$\n\n"
        r"$$ \sum_{i=1}^n (\Sigma^{-1} y_i)^T \mu = \sum_{i=1}^n y_i^T \Sigma^{-1} \mu $$" + "\n"
    )
    assert _last(text).verdict is Verdict.UNDECIDED
