"""Probability notation at values, end to end (derive.tiers._prob_values behind the LaTeX reader).

Bishop's ``\\sum_{x=0}^{1} p(x|\\mu) = p(x = 0|\\mu) + p(x = 1|\\mu)`` and the sum rule
``p(X|\\theta) = \\int p(X, Z|\\theta)\\,dZ`` hold for every law and are proved, naming the rules used;
what needs the law (its support, its values), another variable, a bounded integral, an integrated
condition, a declared p or a text that defines p otherwise is never proved and never refuted by it.
"""

from __future__ import annotations

import pytest

from derive.api import check_latex
from derive.model import Verdict

P, U = Verdict.PROVED, Verdict.UNDECIDED
AT_VALUES = "p(x = v | ...) read as the law of the variable x at the value v"
SUM_RULE = "the sum rule: a density integrates to 1 over the whole line"


def one(text: str, symbols: dict[str, str] | None = None):
    (r,) = check_latex(f"$${text}$$\n", symbols=symbols)
    return r


@pytest.mark.parametrize(
    ("tex", "rule"),
    [
        (r"\sum_{x=0}^{1} p(x | \mu) = p(x = 0 | \mu) + p(x = 1 | \mu)", "written out term by term"),
        (r"\sum_{x=0}^{1} xp(x | \mu) = 0 \cdot p(x = 0 | \mu) + 1 \cdot p(x = 1 | \mu)", "written out"),
        (
            r"-\sum_{x=0}^{1} p(x | \mu) \ln p(x | \mu) = -p(x = 0 | \mu)\ln p(x = 0 | \mu) - p(x = 1 | \mu) "
            r"\ln p(x = 1 | \mu)",
            "written out",
        ),
        (r"\sum_{k=1}^{3} P(Z = k \mid x) = P(Z=1|x) + P(Z=2|x) + P(Z=3|x)", "written out"),
        (r"p(X | \theta) = \int p(X, Z| \theta) dZ", SUM_RULE),
        (r"p(x \mid \mu) = \int_{-\infty}^{\infty} p(x, y \mid \mu) \, dy", SUM_RULE),
        (r"\int p(y|x) \, dy = 1", SUM_RULE),
        (r"\int p(x|\theta) p(\theta) \, d\theta = \int p(x, \theta | \mu) d\theta \cdot 0 + p(x)", SUM_RULE),
    ],
)
def test_proved_for_every_law_at_values(tex: str, rule: str) -> None:
    r = one(tex)
    assert r.verdict is P, r.detail
    assert AT_VALUES in r.detail
    assert rule in r.detail


@pytest.mark.parametrize(
    "tex",
    [
        # the law's support and values are not in the notation
        r"\sum_{x=0}^{1} p(x | \mu) = 1",
        r"p(x = 0 | \mu) + p(x = 1 | \mu) = 1",
        r"\sum_{x=0}^{1} xp(x | \mu) = \mu",
        # another variable, a missing term, a doubled term
        r"\sum_{y=0}^{1} p(y | \mu) = p(x = 0 | \mu) + p(x = 1 | \mu)",
        r"\sum_{x=0}^{2} p(x | \mu) = p(x = 0 | \mu) + p(x = 1 | \mu)",
        r"\sum_{x=0}^{1} p(x | \mu) = 2p(x = 0 | \mu)",
        # a bounded integral, the condition integrated, two factors in the variable, the wrong marginal
        r"p(x \mid \mu) = \int_0^1 p(x, y \mid \mu) \, dy",
        r"\int p(y|x) \, dx = 1",
        r"\int p(x, y|z) p(y) \, dy = p(x|z)",
        r"\int p(x|\theta) p(\theta) \, d\theta = p(x|\theta)",
        r"\int y\, p(x, y|z) \, dy = p(x|z)",
        # no bar or event: p may be any function
        r"\int_{-\infty}^{\infty} p(x) \, dx = 1",
        r"p(x) = \int p(x, y) \, dy",
    ],
)
def test_not_proved_without_the_law(tex: str) -> None:
    r = one(tex)
    assert r.verdict is U, r.detail
    assert AT_VALUES not in r.detail


def test_a_declared_p_is_no_probability() -> None:
    doc = "---\nderive:\n  functions: [p]\n---\n$$p(X | \\theta) = \\int p(X, Z| \\theta) dZ$$\n"
    (r,) = check_latex(doc)
    assert r.verdict is U
    assert AT_VALUES not in r.detail


def test_a_text_that_defines_p_otherwise_leaves_it_undecided() -> None:
    doc = (
        "Let $p(a \\mid b) = a - b$ for numbers $a, b$.\n\n"
        "$$\\sum_{x=0}^{1} p(x | \\mu) = p(x = 0 | \\mu) + p(x = 1 | \\mu)$$\n"
    )
    r = check_latex(doc)[-1]
    assert r.verdict is U
    assert "the text defines p otherwise (p(a \\mid b) = a - b)" in r.detail
