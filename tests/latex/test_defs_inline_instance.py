"""Inline math after "like", "such as", "e.g.", "for example" states an example, not a definition.

d2l: "More complex relationships like $X = Y^2$ where $Y$ is randomly chosen ... can be missed." and later
"if $X$ and $Y$ are two independent random variables then Var(X+Y) = Var(X) + Var(Y)": the X of the later
display is any random variable, not Y^2 (under which the step would be about Var(Y^2 + Y)).
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict

_ACCEPTED = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)
_LATER = "Recall that if $X$ and $Y$ are two independent random variables then\n\n$${step}$$\n"


def _last(prose: str, step: str) -> tuple[Verdict, str]:
    r = derive.check_latex(f"{prose}\n\n{_LATER.replace('{step}', step)}")[-1]
    return r.verdict, r.detail


@pytest.mark.parametrize(
    "prose",
    [
        "More complex relationships like $X = Y^2$ where $Y$ is random can be missed.",
        "Relationships such as $X = Y^2$ can be missed.",
        "A deterministic function, e.g. $X = Y^2$, can be missed.",
        "A deterministic function, for example $X = Y^2$, can be missed.",
    ],
)
def test_an_example_is_not_substituted(prose: str) -> None:
    verdict, detail = _last(prose, "\\textrm{Var}(X+Y) = \\textrm{Var}(X) + \\textrm{Var}(Y)")
    assert verdict is Verdict.PROVED, detail
    assert "Y**2" not in detail


@pytest.mark.parametrize(
    "step",
    [
        "\\textrm{Var}(X+Y) = \\textrm{Var}(X) + 2\\textrm{Var}(Y)",
        "\\textrm{Var}(X+Y) = \\textrm{Var}(X) - \\textrm{Var}(Y)",
        "\\textrm{Var}(2X+Y) = 2\\textrm{Var}(X) + \\textrm{Var}(Y)",
    ],
)
def test_wrong_twins_after_an_example_are_not_accepted(step: str) -> None:
    verdict, _ = _last("More complex relationships like $X = Y^2$ can be missed.", step)
    assert verdict not in _ACCEPTED, step


def test_an_example_s_name_is_not_free_either() -> None:
    # X is not Y^2 here, but the text used it as one: a counterexample through X does not stand, nor an acceptance
    for step in ("X - Y^2 = 0", "X - Y^2 = 1"):
        r = derive.check_latex(f"Relationships like $X = Y^2$ can be missed.\n\n$${step}$$\n")[-1]
        assert r.verdict is Verdict.UNDECIDED, step


def test_a_definition_without_the_example_word_is_still_substituted() -> None:
    verdict, detail = _last("Let $X = Y^2$.", "\\textrm{Var}(X+Y) = \\textrm{Var}(X) + \\textrm{Var}(Y)")
    assert verdict is not Verdict.PROVED, detail  # Var(Y^2 + Y) = Var(Y^2) + Var(Y) needs Cov(Y^2, Y) = 0
