"""The far size passes what a step computes from constants (attacker SA01-SA07): ``\\max(0, n - 2\\pi)`` holds at every
size up to 6 and the written numbers (2) put the far size at 4; the reader's value of each constant part, and where a
kink of the size sits, count too (`derive.latex.shapes_far._read_values`)."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict
from derive.latex.shapes_far import FAR_LIMIT, far_size

_FAMILY = (
    r"Let $y = \left\lbrace y_1, \ldots, y_n \right\rbrace$ be the data."
    "\n\n$$ y_i = \\left[ \\begin{matrix} y_{i1} \\\\ \\vdots \\\\ y_{ip} \\end{matrix} \\right] "
    r"\sim \mathcal{N}(\mu, \Sigma), \quad i = 1, \ldots, n $$"
)
_YY = r"\sum_{i=1}^n y_i^T y_i"


@pytest.mark.parametrize(
    ("tex", "past"),
    [
        (r"\max(0, n - 2\pi)", 6),  # 2pi = 6.28
        (r"\max(0, \mathrm{tr}(I) - 2\pi)", 6),
        (r"\left\lfloor \frac{n}{\pi^2} \right\rfloor", 9),  # steps at n = 9.87
        (r"\max(0, n - e^{\sqrt{3}})", 5),  # 5.65
        (r"\binom{n}{\lceil \pi \rceil + 3}", 7),
        (r"\max(0, n - e^{\ln 2 + \ln 3})", 6),
        (r"\max(0, 0.5 n - 3.5)", 7),  # a ratio of written numbers
        (r"\max(0, \lfloor \log_2 n \rfloor - 2)", 8),  # a kink of a kink, not a polynomial
    ],
)
def test_the_far_size_passes_constants_and_kinks(tex: str, past: int) -> None:
    assert far_size([tex]) > past
    assert far_size([r"\mathrm{tr}(I)", r"2\pi"]) == 7  # a constant side: \mathrm{tr}(I) \le 2\pi


@pytest.mark.parametrize(
    "tex",
    [
        r"x^T x",
        r"- \frac{np}{2} \log(2\pi) - \frac{n}{2} \log|\Sigma|",  # a constant factor is no threshold of a size
        r"\frac{1}{\sqrt{(2 \pi)^p |\Sigma|}} \exp\left[-\frac{1}{2} (y - \mu)^T \Sigma^{-1} (y - \mu)\right]",
    ],
)
def test_constants_that_meet_no_size_leave_the_far_size(tex: str) -> None:
    assert far_size([tex]) == 4


def test_a_constant_past_the_limit_or_a_side_too_long_to_read_is_past_every_size() -> None:
    assert far_size([r"\max(0, n - 10^7)"]) > FAR_LIMIT
    long = r"\max(0, n - 2\pi) + " + " + ".join(f"x_{{{k}}}" for k in range(400))
    assert far_size([long]) > FAR_LIMIT
    assert far_size([" + ".join(f"x_{{{k % 9}}}" for k in range(400))]) == 9  # no kink: the written numbers


@pytest.mark.parametrize(
    "step",
    [
        _YY + r" + \max(0, n - 2\pi) = " + _YY,
        _YY + r" + \left\lfloor \frac{n}{\pi^2} \right\rfloor = " + _YY,
        _YY + r" + \max(0, n - e^{\ln 2 + \ln 3}) = " + _YY,
        r"\prod_{i=1}^n e^{\mu^T y_i} = e^{\mu^T \sum_{i=1}^n y_i} \cdot e^{\max(0, n - 2\pi)}",
    ],
)
def test_a_family_step_with_a_threshold_in_constants_is_not_accepted(step: str) -> None:
    ((*_, found),) = [derive.check_latex(_FAMILY + f"\n\n$$ {step} $$\n")]
    assert found.verdict is Verdict.UNDECIDED


def test_a_size_threshold_in_constants_is_not_verified() -> None:
    text = "Let $A$ be a square matrix and $I$ the identity of its size.\n\n$$\\max(0, \\mathrm{tr}(I) - 2\\pi) = 0$$\n"
    ((found,),) = [derive.check_latex(text)]
    assert found.verdict is Verdict.UNDECIDED
    assert "identity 7" in found.detail


def test_a_side_that_reads_only_with_its_declarations_is_read_in_parts() -> None:
    # (AB)_{ii} needs A, B declared: the max is read on its own (attack R86)
    assert far_size([r"\sum_{i=1}^n (AB)_{ii} + \max(0, n - 2\pi)", r"\mathrm{tr}(BA)"]) == 8
    assert far_size([r"(AB)_{11} (n - e^{2\ln 2})(n - e^{\ln 2 + \ln 2.5})", "0"]) == 12  # the 11 written, 4 and 5
    assert far_size([r"(AB)_{ij} + \max(0, n - \operatorname{foo}(2))", "0"]) > FAR_LIMIT  # a kink not read
    text = "Let $A$, $B$ and $C$ be $n \\times n$ matrices.\n\n"
    ((found,),) = [derive.check_latex(text + r"$$\sum_{i=1}^n (AB)_{ii} + \max(0, n - 2\pi) = \mathrm{tr}(BA)$$")]
    assert found.verdict is Verdict.UNDECIDED and "at n = 7" in found.detail
    ((found,),) = [derive.check_latex(text + r"$$\sum_{i=1}^n (AB)_{ii} = \mathrm{tr}(BA)$$")]
    assert found.verdict is Verdict.VERIFIED


@pytest.mark.parametrize(
    "tex",
    [
        r"\mathrm{tr}(A)\left\lfloor \frac{\ln n}{2\pi} \right\rfloor",  # steps at n = 536 (attack SA67)
        r"\mathrm{tr}(A)\max(0, \sqrt{n} - \pi^2)",  # bends at n = 98 (SA68)
        r"\max\left(0, \sqrt{\mathrm{tr}(I)} - \pi^2\right)",  # SA71
    ],
)
def test_a_kink_past_the_scan_is_past_every_size(tex: str) -> None:
    assert far_size([tex, "0"]) > FAR_LIMIT


def test_a_kink_that_never_moves_past_the_scan_adds_nothing() -> None:
    assert far_size([r"|x|^2", r"\max(1, n)"]) == 4
    assert far_size([r"\lfloor n/2 \rfloor"]) == 5  # kinks at 2 and 4, seen within the sizes checked
