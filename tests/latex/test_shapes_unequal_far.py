"""Two letter sizes are also checked unequal past 3 (derive.latex.shapes._combinations): a step true when the
sizes are equal or all small is not verified."""

from __future__ import annotations

import derive
from derive import Verdict

DECL = r"Let $\mathbf{x} \in \mathbb{R}^D$ and $\mathbf{w} \in \mathbb{R}^N$. "
XW = r"\mathbf{x}^T \mathbf{x} \cdot \mathbf{w}^T \mathbf{w}"
WX = r"\mathbf{w}^T \mathbf{w} \cdot \mathbf{x}^T \mathbf{x}"


def test_a_step_true_only_for_equal_or_small_sizes_is_refuted_at_unequal_far_sizes() -> None:
    step = f"$${XW} + (D-1)(D-2)(D-3)(D-N) = {XW}$$"
    (r,) = derive.check_latex(DECL + step)
    assert r.verdict is Verdict.REFUTED
    assert r.detail.startswith("at N = 4, D = 5:")


def test_a_true_step_names_the_unequal_far_sizes_it_was_checked_at() -> None:
    step = f"$${XW} = {WX}$$"
    (r,) = derive.check_latex(DECL + step)
    assert r.verdict is Verdict.VERIFIED
    assert "N = 5, D = 1 (checked with numbers); N = 1, D = 5 (checked with numbers)" in r.detail
