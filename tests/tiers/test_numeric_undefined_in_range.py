"""An inequality whose side is infinite or undefined at a point its declarations allow (attacker K30).

``log n >= 0`` for n in N_0 holds wherever it is defined, but log 0 = -inf: the point n = 0 is allowed and the
inequality is not shown there, so it is undecided, naming the point, never verified. A name only derive reads as
real keeps its natural domain (``x^2 + 1/x^2 >= 2`` skips x = 0 and is still accepted); a refutation elsewhere still
stands.
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict

_ACCEPTED = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)


def _one(text: str) -> derive.Result:
    (r,) = derive.check_latex(text)
    return r


@pytest.mark.parametrize(
    ("declaration", "step", "point"),
    [
        ("Let $n \\in \\mathbb{N}_0$.", "\\log n \\geq 0", "n = 0"),
        ("Let $n \\in \\mathbb{N}_0$.", "\\log(n) + 1 \\geq 1", "n = 0"),
        ("Let $k \\in \\mathbb{N}_0$.", "\\frac{1}{k} \\leq 1", "k = 0"),
        ("Let $x \\geq 0$.", "\\log x \\geq -10^{6}", "x = 0"),
        ("Let $x \\geq 0$.", "\\frac{1}{x} + x \\geq 2", "x = 0"),
    ],
)
def test_an_undefined_point_of_the_declared_range_leaves_an_inequality_undecided(
    declaration: str, step: str, point: str
) -> None:
    r = _one(f"{declaration}\n$$ {step} $$\n")
    assert r.verdict is Verdict.UNDECIDED, r.detail
    # the point itself, or (since A7) the side's infinite limit there, names why
    name, value = point.split(" = ")
    assert ("infinite or undefined at" in r.detail and point in r.detail) or (
        f"tends to -oo as {name} tends to {value}" in r.detail
    ), r.detail


def test_both_readings_of_n_in_N_must_hold_at_zero() -> None:
    r = _one("Let $n \\in \\mathbb{N}$.\n$$ \\log n \\geq 0 $$\n")
    assert r.verdict is Verdict.UNDECIDED
    assert "0 a natural number" in r.detail


@pytest.mark.parametrize(
    ("declaration", "step"),
    [
        ("Let $n \\in \\mathbb{N}_{>0}$.", "\\log n \\geq 0"),  # n = 0 is not allowed
        ("Let $x > 0$.", "\\log x \\leq x - 1"),
        ("", "x^2 + \\frac{1}{x^2} \\geq 2"),  # an undeclared real: its natural domain
        ("Let $x \\in \\mathbb{R}$.", "x^2 + \\frac{1}{x^2} \\geq 2"),
    ],
)
def test_wrong_twins_a_point_outside_the_range_or_the_natural_domain_still_accepts(declaration: str, step: str) -> None:
    r = _one(f"{declaration}\n$$ {step} $$\n")
    assert r.verdict in _ACCEPTED, r.detail


@pytest.mark.parametrize(
    ("declaration", "step", "point"),
    [
        ("Let $n \\in \\mathbb{N}_0$.", "\\log(n + 1) \\geq 1", "n = 0"),
        ("Let $k \\in \\mathbb{N}_0$.", "\\frac{1}{k} \\leq \\frac{1}{2}", "k = 1"),
    ],
)
def test_a_failure_elsewhere_is_still_refuted(declaration: str, step: str, point: str) -> None:
    r = _one(f"{declaration}\n$$ {step} $$\n")
    assert r.verdict is Verdict.REFUTED, r.detail
    assert point in r.detail


def test_an_equality_skips_the_point_as_before() -> None:
    r = _one("Let $n \\in \\mathbb{N}_0$.\n$$ \\log(n) + \\log(n) = 2 \\log n $$\n")
    assert r.verdict in _ACCEPTED, r.detail
