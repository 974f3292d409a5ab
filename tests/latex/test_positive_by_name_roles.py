"""Positivity by a density's name stands only where the prose gives the name no other role (attacker A11).

``log F(a)^2 = 2 log F(a)`` holds only where F(a) > 0: a density's or likelihood's name under a log is read
positive, but not where the text calls it a residual, a logit, a signed measure or a log-likelihood."""

from __future__ import annotations

import pytest

import derive
from derive.model import Verdict

ACCEPTS = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)


def _last(pre: str, f: str) -> derive.CheckResult:
    return derive.check_latex(f"{pre}\n\n$$\\log {f}(a)^2 = 2 \\log {f}(a)$$\n", timeout=60)[-1]


@pytest.mark.parametrize(
    ("pre", "f"),
    [
        ("Here $q(a)$ is a signed measure.", "q"),
        ("Here $p(a)$ is the residual of the fit at $a$.", "p"),
        ("Here $L(a)$ is the log-likelihood of the data.", "L"),
        ("Here $p(a)$ denotes the logit of the classifier.", "p"),
    ],
)
def test_another_role_in_words_drops_positivity_by_name(pre: str, f: str) -> None:
    result = _last(pre, f)
    assert result.verdict not in ACCEPTS, result.detail


@pytest.mark.parametrize(
    ("pre", "f"),
    [("Here $p(a)$ is the density of $a$.", "p"), ("Here $L(a)$ is the likelihood.", "L"), ("", "p")],
)
def test_a_density_or_likelihood_keeps_it(pre: str, f: str) -> None:
    result = _last(pre, f)
    assert result.verdict in ACCEPTS, result.detail
    assert "positive" in result.detail
