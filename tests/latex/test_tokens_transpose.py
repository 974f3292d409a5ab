"""Attacker findings on reading: an upright T in any font is the transpose, an upright i the imaginary
unit, a prime on a vector may be its transpose, and ``\\overset{?}{=}`` is a question."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import derive
from derive import Verdict
from derive.latex.tokens import _tokenize


def verdicts(text: str, **kw: object) -> list[Verdict]:
    return [r.verdict for r in derive.check_latex(text, **kw)]


@pytest.mark.parametrize(
    "mark", [r"^{\text{T}}", r"^\text{T}", r"^{\textrm{T}}", r"^{\textsf{T}}", r"^{\mathrm{T}}", r"^{\rm T}", "^T"]
)
def test_an_upright_t_is_the_transpose(mark: str) -> None:
    assert [t.text for t in _tokenize(f"x{mark}")] == ["x", "^", "{", "T", "}"] or mark == "^T"
    # inner product: true; inner = outer product: never accepted for an undeclared vector
    assert verdicts(rf"$$\mathbf{{x}}{mark}\mathbf{{y}} = \mathbf{{y}}{mark}\mathbf{{x}}$$") == [Verdict.VERIFIED]
    assert verdicts(rf"$$\mathbf{{x}}{mark}\mathbf{{x}} = \mathbf{{x}}\mathbf{{x}}{mark}$$") == [Verdict.UNDECIDED]
    declared = verdicts(
        rf"$$\mathbf{{x}}{mark}\mathbf{{x}} = \mathbf{{x}}\mathbf{{x}}{mark}$$", symbols={"x": "vector 2"}
    )
    assert declared in ([Verdict.REFUTED], [Verdict.UNDECIDED])


def test_an_italic_t_stays_a_power() -> None:
    assert [t.text for t in _tokenize(r"x^{\mathit{T}}")] == ["x", "^", "{", "mathit", "{", "T", "}", "}"]
    assert "Tr" in [t.text for t in _tokenize(r"x^{\text{Tr}}")]  # a word, not T


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["^", "{", "}", r"\text", r"\rm", "T", "x", " ", r"\mathrm", "_"]), max_size=12))
def test_the_transpose_rewrite_never_fails_and_only_shortens(parts: list[str]) -> None:
    text = "".join(parts)
    try:
        toks = _tokenize(text)
    except derive.DeriveError:
        return
    assert len(toks) <= len(text) + 1


@pytest.mark.parametrize(
    "tex", [r"$$e^{\mathrm{i}\pi} = -1$$", r"$$e^{\text{i}\pi} + 1 = 0$$", r"$$\mathrm{j}^2 = -1$$"]
)
def test_an_upright_i_is_not_a_real_name(tex: str) -> None:
    assert verdicts(tex) == [Verdict.ERROR]


def test_a_declared_upright_i_is_the_name() -> None:
    assert verdicts(r"$$\mathrm{i} + 1 = 1 + \mathrm{i}$$", symbols={"i": "integer"}) == [Verdict.PROVED]


@pytest.mark.parametrize(
    ("tex", "symbols"),
    [
        (r"$$\mathbf{x}'\mathbf{x} = \mathbf{x}\mathbf{x}'$$", None),
        (r"$$X'X = X X'$$", {"X": "matrix 2x2"}),
    ],
)
def test_a_prime_on_a_vector_may_be_its_transpose(tex: str, symbols: dict[str, str] | None) -> None:
    assert verdicts(tex, symbols=symbols) == [Verdict.ERROR]


def test_a_prime_on_a_scalar_or_function_is_read() -> None:
    assert verdicts(r"$$x' + 1 = 1 + x'$$") == [Verdict.PROVED]
    assert verdicts(
        r"$$\mathbf{x}' + \mathbf{x} = \mathbf{x} + \mathbf{x}'$$", symbols={"x_prime": "vector 2", "x": "vector 2"}
    ) == [Verdict.PROVED]


def test_a_questioned_equality_is_no_claim() -> None:
    [result] = derive.check_latex(r"$$x^2 \overset{?}{=} x$$")
    assert result.verdict is Verdict.ERROR
    assert "does not check" in (result.detail or "")
