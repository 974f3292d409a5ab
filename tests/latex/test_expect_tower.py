"""The tower property under an unknown law, E[g(Y) E[X | Y]] = E[g(Y) X] (derive.tiers._linearity), with wrong
twins: a factor that is no function of Y, a square of the conditional mean, an event, another law or condition."""

from __future__ import annotations

import pytest

import derive

_PRE = "Let $X$, $Y$, $Z$ be random variables and $a$, $b$ constants.\n\n"


def _verdict(step: str) -> tuple[str, str]:
    result = derive.check_latex(_PRE + f"$${step}$$\n", timeout=8)
    return result[-1].verdict.value, result[-1].detail


@pytest.mark.parametrize(
    "step",
    [
        r"\mathbb{E}[\mathbb{E}[X|Y]] = \mathbb{E}[X]",
        r"\mathbb{E}[Y\mathbb{E}[X|Y]] = \mathbb{E}[XY]",
        r"\mathbb{E}[a Y^2 \mathbb{E}[X|Y]] = a\mathbb{E}[XY^2]",
        r"\mathbb{E}[\mathbb{E}[X|Y, Z]] = \mathbb{E}[X]",
        r"\mathbb{E}[(X - \mathbb{E}[X|Y])Y] = 0",
        r"\mathbb{E}[X - \mathbb{E}[X|Y]] = 0",
    ],
)
def test_the_tower_property(step: str) -> None:
    verdict, detail = _verdict(step)
    assert verdict == "proved", detail
    assert "tower property" in detail


@pytest.mark.parametrize(
    "step",
    [
        r"\mathbb{E}[Z\mathbb{E}[X|Y]] = \mathbb{E}[XZ]",  # Z is no function of Y
        r"\mathbb{E}[(X - \mathbb{E}[X|Y])Z] = 0",
        r"\mathbb{E}[\mathbb{E}[X|Y]^2] = \mathbb{E}[X^2]",  # Jensen's gap
        r"\mathbb{E}[\mathbb{E}[X|Y]^2] = \mathbb{E}[X]^2",
        r"\mathbb{E}[\mathbb{E}[X|Y] | Z] = \mathbb{E}[X | Z]",  # another sigma-field
        r"\mathbb{E}_{q}[\mathbb{E}[X|Y]] = \mathbb{E}[X]",  # another law
        r"\mathbb{E}[f(Y)\mathbb{E}[X|Y]] = \mathbb{E}[f(Y) X]",  # f may be random
        r"\mathbb{E}[\mathbb{E}[X|Y]] = \mathbb{E}[X|Y]",
    ],
)
def test_wrong_twins_are_not_accepted(step: str) -> None:
    verdict, detail = _verdict(step)
    assert verdict == "undecided", detail
