"""Regression tests for the attacker's findings of session 10 (K20-K32) that are fixed: each input was a false
accept or a false refute; none may come back. The inputs are the attacker's cases (/tmp/p10/ATK/cases)."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict

ACCEPTED = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)


def _verdict(text: str) -> tuple[Verdict, str]:
    result = derive.check_latex(text)[-1]
    return result.verdict, result.detail


@pytest.mark.parametrize(
    "text",
    [
        # K20, K23: one written term before the dots leaves the step open (harmonic, halving, 1 - 2^-k)
        "$$1 + \\frac{1}{2} + \\cdots + \\frac{1}{8} = \\frac{761}{280}$$\n",
        "$$\\frac{1}{2} + \\cdots + \\frac{7}{8} = \\frac{1}{2} + \\frac{2}{3} + \\frac{3}{4} + \\frac{4}{5}"
        " + \\frac{5}{6} + \\frac{6}{7} + \\frac{7}{8}$$\n",
        # K21: the density interpretations were convex and >= 1/7
        "Clipping the density at $0.1$ before the log:\n$$\\log \\max(p(x), 0.1) = \\log p(x)$$\n",
        "Let $p$ be a density on the real line.\n$$\\max(\\log p(x), -2) = \\log p(x)$$\n",
        # K22: false only on (0, 1/8)
        "$$\\log x = \\log(x - \\frac{1}{8}) + \\log\\frac{x}{x - \\frac{1}{8}}$$\n",
        # K25, K32: H is not Shannon's entropy here
        "Let $H(X)$ denote the collision entropy (Rényi entropy of order 2) of $X$, $H(X) = -\\log \\sum_x p(x)^2$.\n"
        "$$H(X, Y) \\le H(X) + H(Y)$$\n",
        "The entropy of a distribution $p$ is $H(p) = -\\sum_x p(x) \\log p(x)$, and for two distributions we write "
        "$H(p, q) = -\\sum_x p(x) \\log q(x)$.\n$$H(p, q) = H(q, p)$$\n",
        "Let $H(X, Y)$ denote the relative entropy of $X$ with respect to $Y$.\n$$H(X, Y) = H(Y, X)$$\n",
        "The entropy $H(X)$ of a discrete variable. Let $H(a, b)$ be the hinge loss of score $a$ and label $b$.\n"
        "$$H(a, b) = H(b, a)$$\n",
        # K30: log 0 = -inf at an allowed point
        "Let $n \\in \\mathbb{N}_0$.\n$$\\log n \\geq 0$$\n",
    ],
)
def test_wrong_or_unsettled_steps_are_not_accepted(text: str) -> None:
    verdict, detail = _verdict(text)
    assert verdict not in ACCEPTED, detail


@pytest.mark.parametrize(
    "text",
    [
        # K26: one compound event's value is a statement of the model
        "$$P(A \\cap B) = P(A \\cap B)^2$$\n",
        # K31: a positive integer in words
        "Let $n$ be a positive integer.\n$$\\cos(\\pi n) = (-1)^n$$\n",
        "Let $n$ be a positive integer.\n$$n^2 \\geq n$$\n",
        # K24: a control-variate residual zeroed as rounding gave SE 0
        '---\nderive:\n  random: {x: "Normal(0, 1)"}\n---\n$$\\mathbb{E}[10^{6} x + \\sigma(x)] = \\frac{1}{2}$$\n',
    ],
)
def test_true_or_unsettled_steps_are_not_refuted(text: str) -> None:
    verdict, detail = _verdict(text)
    assert verdict is not Verdict.REFUTED, detail
