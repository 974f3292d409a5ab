"""Limits as a norm tends to a value (derive.latex.norm_limits), and norms side by side inside a function's
brackets (``\\sigma(\\|w\\| \\|x\\|)``)."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict

_ACCEPTED = (Verdict.PROVED, Verdict.VERIFIED)


def _one(text: str, symbols: dict[str, str] | None = None) -> tuple[Verdict, str]:
    (r,) = derive.check_latex(f"$${text}$$", symbols=symbols or {})
    return r.verdict, r.detail or ""


@pytest.mark.parametrize(
    ("text", "symbols"),
    [
        (r"\lim_{\|w\| \to \infty} \frac{1}{\|w\|} = 0", {}),
        (r"\lim_{\|\mathbf{w}\| \to 0} \frac{\sin\|\mathbf{w}\|}{\|\mathbf{w}\|} = 1", {}),
        (r"\lim_{\Vert w\Vert \to \infty} \frac{1}{1+e^{-\Vert w\Vert c}} = 1", {"c": "positive"}),
        # a norm with a subscript: the same norm in the body
        (r"\lim_{\|w\|_1 \to \infty} \frac{1}{\|w\|_1} = 0", {}),
        (r"\lim_{\|w\|_F \to \infty} \frac{\|w\|_F}{\|w\|_F + 1} = 1", {}),
        # declared: the same limit, whatever the vector's size
        (r"\lim_{\|w\| \to \infty} e^{-\|w\|^2} = 0", {"w": "vector 3"}),
        # another vector's norm beside it stays that norm
        (
            r"\lim_{\Vert\mathbf{w}\Vert \to \infty} "
            r"\frac{\Vert\mathbf{w}\Vert \Vert x\Vert}{\Vert\mathbf{w}\Vert + 1} = \Vert x \Vert",
            {"x": "vector 2"},
        ),
        # two norms side by side inside a function's brackets
        (r"\lim_{\|w\| \to \infty} \sigma(\|x\| \|w\|^{-1}) = \frac{1}{2}", {"x": "vector 2"}),
    ],
)
def test_a_limit_through_the_norm_only_is_a_limit_of_one_variable(text: str, symbols: dict[str, str]) -> None:
    verdict, detail = _one(text, symbols)
    assert verdict in _ACCEPTED, detail


@pytest.mark.parametrize(
    ("text", "symbols"),
    [
        (r"\lim_{\|w\| \to \infty} \frac{1}{\|w\|} = 1", {}),
        # the sign of c decides: c < 0 is a counterexample
        (r"\lim_{\|w\| \to \infty} \frac{1}{1+e^{-\|w\|c}} = 1", {}),
        (r"\lim_{\|w\| \to 0} \|w\| = 1", {}),
        (r"\lim_{\|w\| \to \infty} \sigma(\|x\| \|w\|^{-1}) = 1", {"x": "vector 2"}),
    ],
)
def test_a_wrong_norm_limit_is_refuted(text: str, symbols: dict[str, str]) -> None:
    assert _one(text, symbols)[0] is Verdict.REFUTED


@pytest.mark.parametrize(
    ("text", "symbols", "why"),
    [
        # w_1 / ||w|| depends on the direction: no single limit
        (r"\lim_{\|w\| \to \infty} \frac{w_1}{\|w\|} = 0", {"w": "vector 2"}, "otherwise than through that norm"),
        (r"\lim_{\|w\| \to \infty} \frac{w^\top x}{\|w\|} = 0", {"w": "vector 2", "x": "vector 2"}, "otherwise"),
        # another norm of the same vector
        (r"\lim_{\|w\| \to \infty} \frac{\|w\|_1}{\|w\|} = 1", {"w": "vector 2"}, "otherwise than through that norm"),
        # an undefined function may hide the vector
        (r"\lim_{\|w\| \to \infty} \frac{f(x)}{\|w\|} = 0", {}, "a function the text does not define"),
        (r"\lim_{\|w\| \to \infty} p(C_1 \mid x) = 1", {}, "a function the text does not define"),
        # a norm is never negative
        (r"\lim_{\|w\| \to -1} \|w\| = -1", {}, "a norm tends to a number >= 0 or to infinity"),
        # a norm with a subscript in the limit, or an expression: not one norm
        (r"\lim_{\|w\|_1 \to \infty} \frac{\|w\|}{\|w\|_1} = 1", {"w": "vector 2"}, "otherwise than through that norm"),
        (r"\lim_{\|w\|^2 \to \infty} \frac{1}{\|w\|^2} = 0", {}, "derive reads limits of one variable"),
        (r"\lim_{\|w\| + 1 \to \infty} \frac{1}{\|w\|} = 0", {}, "derive reads limits of one variable"),
    ],
)
def test_norm_limits_it_cannot_read_say_why(text: str, symbols: dict[str, str], why: str) -> None:
    verdict, detail = _one(text, symbols)
    assert verdict is Verdict.ERROR and why in detail, detail


def test_the_norm_outside_the_limit_is_not_replaced() -> None:
    # the limit's body is its first term: the norm after it is w's own, undeclared here
    verdict, detail = _one(r"\lim_{\|w\| \to \infty} e^{-\|w\|} + \|w\| = \|w\|")
    assert verdict not in _ACCEPTED and verdict is not Verdict.REFUTED, detail
    # declared, the term outside keeps w's norm: 0 + ||w|| = ||w||
    assert _one(r"\lim_{\|w\| \to \infty} e^{-\|w\|} + \|w\| = \|w\|", {"w": "vector 2"})[0] in _ACCEPTED
    assert _one(r"\lim_{\|w\| \to \infty} e^{-\|w\|} + \|w\| = 0", {"w": "vector 2"})[0] is Verdict.REFUTED


def test_a_kl_bar_inside_brackets_still_separates_the_laws() -> None:
    assert _one(r"\mathrm{KL}(p \| q) = \mathrm{KL}(p \| q)")[0] is Verdict.PROVED


def test_norms_side_by_side_inside_brackets_read_as_a_product() -> None:
    symbols = {"a": "vector 2", "b": "vector 2"}
    assert _one(r"\sigma(\|a\| \|b\|) = \sigma(\|b\| \|a\|)", symbols)[0] in _ACCEPTED
    assert _one(r"\sigma(\|a\| \|b\|) = \sigma(\|a\| + \|b\|)", symbols)[0] is Verdict.REFUTED
