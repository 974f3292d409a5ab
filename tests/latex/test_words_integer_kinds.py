"""Integer kinds said in words (attacker K31): "Let $n$ be a positive integer", "For a positive integer $n$",
"where $n$ is a positive integer", "Let $n$ be a natural number", "Assume $n$ is a nonnegative integer".

They declare what ``n \\in \\mathbb{N}_{>0}`` and ``n \\in \\mathbb{N}_0`` declare; a bare natural number is said as
``n \\in \\mathbb{N}``, so a step must hold whether 0 is natural or not. Negated, hedged or conditional sentences, a
positive *number*, and a kind that is not an integer kind declare no integer; a claim false at some integer of the
kind is still refuted there.
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict
from derive.latex.assumptions import integers_in_words

_ACCEPTED = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)


def _one(text: str) -> derive.Result:
    (r,) = derive.check_latex(text)
    return r


@pytest.mark.parametrize(
    "sentence",
    [
        "Let $n$ be a positive integer.",
        "For a positive integer $n$,",
        "where $n$ is a positive integer:",
        "Assume $n$ is a positive integer.",
        "Let $n$ be a strictly positive integer.",
        "Let $m$ and $n$ be positive integers.",
    ],
)
def test_a_positive_integer_in_words_is_the_kind(sentence: str) -> None:
    r = _one(f"{sentence}\n$$ n^2 \\geq n $$\n")
    assert r.verdict in _ACCEPTED, r.detail
    assert "n: positive integer, from" in r.detail


def test_integer_identities_hold_for_a_positive_integer_in_words() -> None:
    steps = derive.check_latex(
        "Let $n$ be a positive integer.\n$$\\cos(\\pi n) = (-1)^n$$\n$$\\sin(n \\pi) = 0$$\n$$(-1)^{2n} = 1$$\n"
    )
    assert [s.verdict for s in steps] == [Verdict.PROVED] * 3, [s.detail for s in steps]


def test_a_claim_false_at_a_positive_integer_is_still_refuted() -> None:
    r = _one("Let $n$ be a positive integer.\n$$ n^2 \\geq 2 n $$\n")
    assert r.verdict is Verdict.REFUTED
    assert "n = 1" in r.detail


@pytest.mark.parametrize(
    "sentence",
    [
        "Let $n$ be a positive number.",  # not an integer
        "Let $n$ be a positive real number.",
        "Here $n$ is not a positive integer.",  # negated
        "We do not assume that $n$ is a natural number.",
        "Let $n$ be a positive number, for example an integer.",  # an example is no kind
        "Let $n$ be a positive integer-valued weight.",  # not the kind of n itself
    ],
)
def test_wrong_twins_declare_no_integer(sentence: str) -> None:
    r = _one(f"{sentence}\n$$ n^2 \\geq n $$\n")
    assert r.verdict is Verdict.REFUTED, r.detail
    assert "n = 1/2" in r.detail


def test_an_example_value_declares_no_integer() -> None:
    r = _one("Let $n > 0$, for example $n = 3$ (a positive integer).\n$$ n^2 \\geq n $$\n")
    assert r.verdict not in _ACCEPTED
    assert "positive integer, from" not in r.detail


def test_a_nonnegative_integer_in_words_allows_zero() -> None:
    ok = _one("Let $k$ be a nonnegative integer.\n$$ k^2 \\geq k $$\n")
    assert ok.verdict in _ACCEPTED, ok.detail
    assert "k: nonnegative integer, from" in ok.detail
    # true for every positive integer, false at 0: refuted there
    bad = _one("Let $k$ be a non-negative integer.\n$$ k^2 + 1 \\leq 2 k^2 $$\n")
    assert bad.verdict is Verdict.REFUTED
    assert "k = 0" in bad.detail


def test_a_natural_number_reads_both_ways() -> None:
    # true for positive integers, false at 0: in one reading of "natural number" only
    r = _one("Let $n$ be a natural number.\n$$ 0^n = 0 $$\n")
    assert r.verdict is Verdict.UNDECIDED
    assert "0 a natural number" in r.detail
    both = _one("Let $n$ be a natural number.\n$$ n^2 \\geq n $$\n")
    assert both.verdict in _ACCEPTED
    assert "holds in both readings" in both.detail
    positive = _one("Let $n$ be a positive natural number.\n$$ 0^n = 0 $$\n")
    assert positive.verdict is Verdict.PROVED, positive.detail


def test_a_case_is_a_range_not_a_kind() -> None:
    r = _one("If $n$ is a positive integer, then\n$$ n^2 \\geq n $$\n")
    assert r.verdict is Verdict.UNDECIDED
    assert "states a range for it" in r.detail


def test_a_clause_after_the_display_holds_in_it() -> None:
    r = _one("$$ n^2 \\geq n $$\nwhere $n$ is a positive integer.\n")
    assert r.verdict in _ACCEPTED, r.detail


def test_the_kind_ends_with_its_section() -> None:
    r = _one("# One\n\nLet $n$ be a positive integer.\n\n# Two\n\n$$ n^2 \\geq n $$\n")
    assert r.verdict is Verdict.REFUTED


def test_a_later_declaration_replaces_it() -> None:
    r = _one(
        "# One\n\nLet $n$ be a positive integer.\n\nLater, let $n \\in \\mathbb{R}$ be any real.\n\n$$ n^2 \\geq n $$\n"
    )
    assert r.verdict is not Verdict.PROVED


def test_the_sample_size_is_a_range() -> None:
    r = _one("Let $n$ denote the sample size.\n$$ n^2 \\geq n $$\n")
    assert r.verdict is Verdict.UNDECIDED
    assert "states a range for it" in r.detail


def test_what_the_words_declare() -> None:
    found = integers_in_words("For natural numbers $m$ and $n$, and a nonnegative integer $k$, we have")
    kinds = {name: (kind, said) for _, _, name, kind, said in found}
    assert kinds["m"][0] == kinds["n"][0] == "positive integer"
    assert "\\mathbb{N}" in kinds["n"][1]
    assert kinds["k"] == ("nonnegative integer", "nonnegative integer $k$")
    assert integers_in_words("Let $\\mathbf{n}$ be a positive integer.")[0][3] is None  # a vector font: a range
    assert integers_in_words("Let $n$ be an integer.") == []  # a bare integer: read by no rule here


@pytest.mark.parametrize(
    "sentence",
    [
        "Let $n$ be a positive integer or a half-integer.",  # attacker K34: a disjunction
        "Let $n$ be a positive integer or zero.",
        "Let $n$ be a positive integer, possibly replaced by a positive real later.",  # a hedge
        "Let $n$ be a natural number, e.g. a sample size.",
    ],
)
def test_a_widened_or_hedged_integer_kind_is_a_range(sentence: str) -> None:
    for step in ("n^2 \\geq n", "n \\geq 1"):
        r = _one(f"{sentence}\n$$ {step} $$\n")
        assert r.verdict is Verdict.UNDECIDED, (sentence, step, r.detail)
        assert "states a range for it" in r.detail


def test_either_kind_is_no_integer_kind() -> None:
    # n may be the positive real 1/2: the claim fails there, under a reading the text allows
    r = _one("Let $n$ be either a positive integer or a positive real.\n$$ n^2 \\geq n $$\n")
    assert r.verdict not in _ACCEPTED


def test_a_kind_followed_by_other_words_still_holds() -> None:
    r = _one("Let $n$ be a positive integer and let $x$ be real.\n$$ n^2 \\geq n $$\n")
    assert r.verdict in _ACCEPTED, r.detail
