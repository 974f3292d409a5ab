"""An inequality over a stated interval derive samples as any real (attacker K30b).

``$p \\in [0, 1]$`` then ``\\log p + \\log(1 - p) \\ge -100`` was verified: the closed range is no kind, p was sampled
as a real, and neither p = 0 (log 0 = -inf) nor p near 0 (p = 1e-50 gives about -115) was looked at. An accepted
inequality over such a range is undecided, naming it (`derive.latex.ranges_unsampled`); the open ``(0, 1)`` is the
kind probability, sampled near both ends, and refutes the step with a point inside.
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict

_ACCEPTED = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)


def _one(text: str) -> derive.Result:
    return derive.check_latex(text)[-1]


@pytest.mark.parametrize(
    "declaration",
    [
        "p \\in [0, 1]",
        "p \\in [0,1]",
        "0 \\le p \\le 1",
        "0 \\leq p \\leq 1",
        "p \\in [0, 1)",
        "p \\in (0, 1]",
        "0 \\leq p < 1",
        "p \\in \\left[0, 1\\right]",
    ],
)
@pytest.mark.parametrize(
    "step",
    [
        "\\log p + \\log(1 - p) \\geq -100",
        "\\log p \\geq -1000",
        "\\frac{1}{p} + \\frac{1}{1 - p} \\leq 10^{40}",
    ],
)
def test_an_inequality_over_a_closed_or_half_open_interval_is_not_accepted(declaration: str, step: str) -> None:
    r = _one(f"Let ${declaration}$.\n$${step}$$\n")
    assert r.verdict not in _ACCEPTED, r.detail
    assert r.verdict is not Verdict.REFUTED or "confirmed" in (r.detail or ""), r.detail


def test_the_reason_names_the_range() -> None:
    r = _one("Let $p \\in [0, 1]$.\n$$\\log p + \\log(1 - p) \\ge -100$$\n")
    assert r.verdict is Verdict.UNDECIDED
    # accepted over the samples: the range is not sampled; refuted near 0: a point of a range derive does not sample
    assert "derive samples as any real" in r.detail or "states a range for it" in r.detail
    assert "p \\in [0, 1]" in r.detail


@pytest.mark.parametrize("declaration", ["p \\in (0, 1)", "0 < p < 1"])
def test_the_open_interval_is_sampled_near_its_ends_and_refuted_inside(declaration: str) -> None:
    r = _one(f"Let ${declaration}$.\n$$\\log p + \\log(1 - p) \\ge -100$$\n")
    assert r.verdict is Verdict.REFUTED, r.detail
    assert "confirmed at 100 digits" in r.detail


@pytest.mark.parametrize(
    ("declaration", "step"),
    [
        ("p \\in (0, 1)", "\\log p \\le 0"),  # the open interval: a kind, accepted as before
        ("0 < p < 1", "p^2 \\le p"),
        ("p \\in [0, 1]", "\\log p + \\log(1 - p) = \\log(p - p^2)"),  # an equality: where defined, as before
        ("x \\in [0, 1]", "y^2 + 1 \\geq 2y"),  # the ranged name is not in the step
    ],
)
def test_wrong_twins_still_accepted(declaration: str, step: str) -> None:
    r = _one(f"Let ${declaration}$.\n$${step}$$\n")
    assert r.verdict in _ACCEPTED, r.detail


def test_a_range_in_a_later_section_does_not_reach_the_step() -> None:
    text = "# One\n\n$$\\log p \\le 0 + \\log p$$\n\n# Two\n\nLet $p \\in [0, 1]$.\n"
    assert _one(text).verdict in _ACCEPTED


@pytest.mark.parametrize(
    ("declaration", "step"),
    [
        ("x \\in [a, b]", "\\log(x - a) \\geq -100"),  # letter ends: the same range no kind states
        ("x \\in (0, 2)", "\\log x \\geq -100"),  # open, but not the unit interval: no kind either
    ],
)
def test_other_intervals_are_not_accepted_either(declaration: str, step: str) -> None:
    r = _one(f"Let ${declaration}$.\n$${step}$$\n")
    assert r.verdict is Verdict.UNDECIDED, r.detail
    assert "derive samples as any real" in r.detail or "states a range for it" in r.detail


@pytest.mark.parametrize(
    ("declaration", "kind"),
    [
        ("x \\in (0, \\infty)", "positive"),
        ("x \\in (0, +\\infty)", "positive"),
        ("x \\in \\left(0, \\infty\\right)", "positive"),
        ("x \\in [0, \\infty)", "nonnegative"),
        ("x \\in (-\\infty, 0)", "negative"),
        ("x \\in (-\\infty, \\infty)", "real"),
    ],
)
def test_half_lines_written_as_intervals_are_kinds(declaration: str, kind: str) -> None:
    r = _one(f"Let ${declaration}$.\n$$x^2 + 1 \\geq 2x$$\n")
    assert r.verdict in _ACCEPTED, r.detail
    assert f"x: {kind}" in r.detail


def test_a_half_line_is_sampled_near_zero() -> None:
    # (0, infinity) is the positive reals: log x >= -100 fails near 0, a point inside the range
    r = _one("Let $x \\in (0, \\infty)$.\n$$\\log x \\geq -100$$\n")
    assert r.verdict is Verdict.REFUTED, r.detail
    assert "confirmed at 100 digits" in r.detail


@pytest.mark.parametrize("declaration", ["x \\in (1, \\infty)", "x \\in [0, 5)", "x \\in (0, \\infty]"])
def test_other_half_lines_stay_ranges(declaration: str) -> None:
    # no kind states them exactly: a refutation outside the range does not stand, an inequality is not accepted
    r = _one(f"Let ${declaration}$.\n$$x \\geq 1$$\n")
    assert r.verdict is Verdict.UNDECIDED, r.detail


@pytest.mark.parametrize(
    ("declaration", "step", "accepted"),
    [
        ("x \\in [0, 1]", "x^2 + 1 \\geq 2x", True),  # proved over every real, defined everywhere: so on the range
        ("x \\in [-1, 1]", "(x - 1)^2 \\geq 0", True),
        ("x \\in [0, 1]", "x^2 + \\frac{1}{x^2} \\geq 2", False),  # undefined at 0, which the range allows
        ("x \\in [0, 1]", "x^{-2} \\geq 1", False),
    ],
)
def test_a_proof_over_every_real_stands_only_where_the_sides_are_defined_everywhere(
    declaration: str, step: str, accepted: bool
) -> None:
    r = _one(f"Let ${declaration}$.\n$${step}$$\n")
    assert (r.verdict in _ACCEPTED) is accepted, r.detail
