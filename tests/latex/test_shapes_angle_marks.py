"""Marks that settle an undeclared name's shape: a plain name a trigonometric function is applied to is an angle
(derive.latex.names.name_marks); a far reading whose sides sympy cannot compute is not checked there
(derive.latex.shapes_far)."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict
from derive.latex.names import name_marks

_ACCEPTED = (Verdict.PROVED, Verdict.VERIFIED)


def _one(text: str, symbols: dict[str, str] | None = None) -> tuple[Verdict, str]:
    (r,) = derive.check_latex(f"$${text}$$", symbols=symbols or {})
    return r.verdict, r.detail or ""


@pytest.mark.parametrize(
    "tex", [r"\cos \theta", r"\cos(\theta)", r"\cos^2 \theta", r"\sin\theta_a + 1", r"\|a\| \cos \theta"]
)
def test_a_plain_trigonometric_argument_is_a_number(tex: str) -> None:
    marks = name_marks(tex)
    assert marks is not None
    assert any(n.startswith("theta") for n in marks[2]), marks


@pytest.mark.parametrize(
    ("tex", "name"),
    [
        (r"\cos(\theta + \phi)", "theta"),  # not the whole argument
        (r"\theta \cos x", "theta"),  # a factor before the function
        (r"\exp \theta", "theta"),  # exp of a vector is elementwise in some texts: not settled here
    ],
)
def test_other_places_are_no_angle(tex: str, name: str) -> None:
    marks = name_marks(tex)
    assert marks is not None and name not in marks[2], marks


def test_a_bold_trigonometric_argument_stays_bold() -> None:
    marks = name_marks(r"\cos \mathbf{x}")
    assert marks is not None and "x" in marks[0]


def test_the_angle_of_two_undeclared_vectors_is_never_refuted_nor_accepted() -> None:
    # the step defines theta: false for most theta in every shape, true as meant
    verdict, detail = _one(r"a \cdot b = \|a\|\|b\|\cos(\theta)")
    assert verdict is Verdict.UNDECIDED, detail


def test_a_norm_limit_of_undeclared_vectors_reads_in_their_shapes() -> None:
    text = (
        r"\lim_{\Vert\mathbf{w}\Vert \to \infty} \frac{1}{1 + \exp{-\Vert\mathbf{w}\Vert \Vert{\bm{\phi}_a}\Vert "
        r"\cos \theta_a}} = 1"
    )
    # false where cos(theta_a) < 0: read (in phi_a's shapes, theta_a an angle), never accepted; the far size,
    # whose limit sympy cannot compute (its sign is unknown), is not checked there rather than crashing
    verdict, detail = _one(text)
    assert verdict not in _ACCEPTED and verdict is not Verdict.ERROR, detail
    assert "theta_a: scalar" in detail


def test_a_wrong_norm_limit_is_never_accepted() -> None:
    verdict, detail = _one(r"\lim_{\|\mathbf{w}\| \to \infty} \sigma(\|\mathbf{w}\| \|\mathbf{x}\|) = 0")
    assert verdict not in _ACCEPTED, detail
