"""A data set written as an indexed set, ``L(\\theta, \\{x_n\\}_{n=1}^N)``: one opaque argument of an
unknown function, never a value of its own (elsewhere it is not read)."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict


def one(text: str, **kw: object) -> tuple[Verdict, str]:
    got = [(r.verdict, r.detail or "") for r in derive.check_latex(text, **kw)]
    assert len(got) == 1, got
    return got[0]


@pytest.mark.parametrize(
    "tex",
    [
        r"\log L\left(\{\boldsymbol{\mu}_k\}_{k = 1}^K, \boldsymbol{\Sigma}\right)",
        r"L(\theta, \{x_n, y_n\}_{n=1}^N)",
        r"L(\{x_n\}_{n=1})",
    ],
)
def test_the_same_set_is_the_same_argument(tex: str) -> None:
    assert one(f"$${tex} = {tex}$$")[0] is Verdict.PROVED


def test_a_renamed_index_is_not_proved_equal_nor_refuted() -> None:
    verdict, _ = one(r"$$L(\{x_n\}_{n=1}^N) = L(\{x_i\}_{i=1}^N)$$")
    assert verdict is Verdict.UNDECIDED


def test_a_function_of_the_set_is_never_refuted_against_its_members() -> None:
    verdict, _ = one(r"$$\log L(\theta, \{x_n\}_{n=1}^N) = \sum_{n=1}^N \log p(x_n)$$")
    assert verdict is Verdict.UNDECIDED


@pytest.mark.parametrize(
    "tex",
    [
        r"$$\{x_n\}_{n=1}^N = \{x_i\}_{i=1}^N$$",  # a set on its own: no value to compare
        r"$$f(|\{x_n\}_{n=1}^N|) = f(N)$$",  # its size: derive does not know it
        r"$$g(\{x_n\}_{n=1}^N + 1) = 2$$",  # part of a value
        r"$$x + \{y_n\}_{n=1}^N = 1$$",
        r"$$L(\{x_n, y_n\}) = 1$$",  # no range: a point or a set, not read
    ],
)
def test_a_set_that_is_not_a_whole_argument_is_not_read(tex: str) -> None:
    assert one(tex)[0] is Verdict.ERROR


def test_a_defined_function_of_the_set_is_applied() -> None:
    doc = r"""
Let $$L(\theta, \{x_n\}_{n=1}^N) = \prod_{n=1}^N \theta^{x_n}.$$
Then $$\log L(\theta, \{x_n\}_{n=1}^N) = \sum_{n=1}^N x_n \log \theta.$$
"""
    got = [(r.verdict, r.detail or "") for r in derive.check_latex(doc, symbols={"theta": "positive"})]
    # the definition is read (not an error), and no step through the opaque set is refuted
    assert got[0][0] is Verdict.UNDECIDED
    assert all(v is not Verdict.REFUTED and v is not Verdict.ERROR for v, _ in got), got
