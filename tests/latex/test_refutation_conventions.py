"""Verdicts that would rest on one reading of a conventional name: a standard deviation σ (positive),
and ``I_{nk}`` (an entry of the identity, a Kronecker delta, or of an indicator matrix)."""

from __future__ import annotations

import pytest

import derive
from derive.model import Verdict

SIGN = "conventionally names a standard deviation"
INDICATOR = "may be an entry of the identity (a Kronecker delta) or of another matrix"


def one(tex: str) -> derive.Result:
    (result,) = derive.check_latex(tex)
    return result


# -- sigma below zero ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "step",
    [
        r"\frac{1}{\sqrt{2\pi\sigma^2}} e^{-\frac{(x-\mu)^2}{2\sigma^2}}"
        r" = \frac{1}{\sigma\sqrt{2\pi}} e^{-\frac{(x-\mu)^2}{2\sigma^2}}",
        r"\sqrt{\sigma^2} = \sigma",
        r"\sqrt{\sigma_k^2} = \sigma_k",
        r"\log \sigma^2 = 2 \log \sigma",
    ],
)
def test_a_step_false_only_for_a_negative_sigma_is_not_refuted(step: str) -> None:
    r = one(f"$$ {step} $$")
    assert r.verdict is Verdict.UNDECIDED, r.detail
    assert SIGN in r.detail and "with sigma" in r.detail and "positive the step is proved" in r.detail


@pytest.mark.parametrize(
    "step",
    [
        r"\frac{1}{\sqrt{2\pi\sigma^2}} = \frac{1}{\sigma\sqrt{\pi}}",  # wrong for every sigma
        r"\sqrt{\sigma^2} = \sigma + 10^{-30}",  # a tiny gap, positive sigma included
        r"\sigma^2 \sigma = \sigma^3 + \sigma^{-1}",
    ],
)
def test_a_step_false_for_a_positive_sigma_too_stays_refuted(step: str) -> None:
    r = one(f"$$ {step} $$")
    assert r.verdict is Verdict.REFUTED, r.detail
    assert SIGN not in r.detail


def test_a_declared_real_sigma_keeps_its_refutation() -> None:
    doc = "---\nderive:\n  symbols: {sigma: real}\n---\n$$\\sqrt{\\sigma^2} = \\sigma$$\n"
    r = one(doc)
    assert r.verdict is Verdict.REFUTED, r.detail
    assert "sigma = -" in r.detail


def test_another_letter_keeps_its_refutation() -> None:
    r = one(r"$$ \sqrt{s^2} = s $$")
    assert r.verdict is Verdict.REFUTED, r.detail


def test_the_sigmoid_is_no_standard_deviation() -> None:
    assert one(r"$$ \sigma(a) = \frac{1}{1+e^{-a}} $$").verdict is Verdict.PROVED
    assert one(r"$$ \sigma(-a) = \sigma(a) $$").verdict is Verdict.REFUTED


# -- I_{nk}: a Kronecker delta or an indicator ----------------------------------------------------------


@pytest.mark.parametrize(
    "step",
    [
        r"\sum_{n=1}^N I_{nk} = 1",  # an indicator's column sums to N_k (a false accept as a delta)
        r"\sum_{k=1}^K I_{nk} = 1",  # true for one-hot rows, as a delta only for n <= K
        r"\sum_j I_{kj} a_j = a_k",
        r"\sum_{n=1}^N \sum_{k=1}^K I_{nk} = K",
        r"\sum_{n=1}^N \sum_{k=1}^K I_{nk} = N",  # true for one-hot rows (a false refute as a delta)
    ],
)
def test_an_undeclared_I_with_two_indices_under_a_sum_is_undecided(step: str) -> None:
    r = one(f"$$ {step} $$")
    assert r.verdict is Verdict.UNDECIDED, r.detail
    assert INDICATOR in r.detail


def test_an_explicit_delta_is_summed_out() -> None:
    assert one(r"$$ \sum_j \delta_{kj} a_j = a_k $$").verdict is Verdict.PROVED
    assert one(r"$$ \sum_j \delta_{kj} a_j = 2 a_k $$").verdict is Verdict.REFUTED


def test_another_letter_is_an_indicator_with_general_entries() -> None:
    assert one(r"$$ \sum_{n=1}^N \sum_{k=1}^K z_{nk} x_n = \sum_{k=1}^K \sum_{n=1}^N z_{nk} x_n $$").verdict in (
        Verdict.PROVED,
        Verdict.VERIFIED,
    )
    assert one(r"$$ \sum_{n=1}^N z_{nk} = 1 $$").verdict is not Verdict.PROVED


def test_a_declared_I_is_not_read_as_a_delta() -> None:
    doc = "---\nderive:\n  symbols: {I: real}\n---\n$$\\sum_{n=1}^N I_{nk} = 1$$\n"
    assert one(doc).verdict in (Verdict.UNDECIDED, Verdict.ERROR)


# -- a name written as a value on the same side is a factor before a bracket --------------------------------


@pytest.mark.parametrize(
    ("step", "verdict"),
    [
        (r"(a-2)p + a(1-2p) + (a+2)p = a", Verdict.PROVED),
        (r"\frac{t_n(1 - y_n) - y_n(1 - t_n)}{y_n(1 - y_n)} = \frac{t_n - y_n}{y_n(1-y_n)}", Verdict.PROVED),
        (r"(a-2)p + a(1-2p) + (a+2)p = 2a", Verdict.REFUTED),  # the wrong twin
    ],
)
def test_a_name_also_written_as_a_value_is_a_factor(step: str, verdict: Verdict) -> None:
    r = one(f"$$ {step} $$")
    assert r.verdict is verdict, r.detail


@pytest.mark.parametrize("step", [r"K(\sigma) = K\sigma", r"a(1-2p) = a - 2ap", r"H(S) = \sum_i p_i"])
def test_a_name_only_applied_on_its_side_keeps_both_readings(step: str) -> None:
    r = one(f"$$ {step} $$")
    assert r.verdict is Verdict.UNDECIDED, r.detail
    assert "or a function" in r.detail
