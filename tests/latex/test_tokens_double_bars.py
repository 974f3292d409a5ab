"""Norms typed with two bars side by side, ``||w||_2`` (derive.latex.tokens._double_bars)."""

from __future__ import annotations

import pytest

from derive.latex.tokens import _tokenize


@pytest.mark.parametrize(
    ("tex", "tokens"),
    [
        # a second norm after a first one: each pair of bars is one (the first merge shifts the positions)
        (r"f(||\mathbf{w}||_2) \nabla ||\mathbf{w}||_2", "f ( ‖ mathbf { w } ‖ _ 2 ) nabla ‖ mathbf { w } ‖ _ 2"),
        (r"||a||\,||b||", "‖ a ‖ ‖ b ‖"),
        (r"||x|| + |a||b|", "‖ x ‖ + | a | | b |"),
        # a product of absolute values, a divergence's bars, nested absolute values: kept
        (r"|a||b|", "| a | | b |"),
        (r"D(p||q) + ||x||", "D ( p | | q ) + ‖ x ‖"),
        (r"||a| - |b||", "| | a | - | b | |"),
    ],
)
def test_double_bars(tex: str, tokens: str) -> None:
    assert " ".join(t.text for t in _tokenize(tex)) == tokens
