"""Attacks on what the prose declares in words (after `test_latex_realdocs_prose_nonzero`):

- a constant the text later says varies ("now let $b$ depend on $x$", "$b$ is random", ``b = b(x)``,
  "$b$ is no longer a constant") is a constant no more: ``d/dx(ax + b) = a`` is undecided after it;
- a temporary or hedged declaration ("for now", "only in the next section", "below we drop this")
  declares nothing, as a negated one;
- a bound on a name stated in words ("$n$ is larger than $4$", "$N$ is at least one hundred", "a vector
  of dimension at least $5$") is a condition on the name, as ``n \\ge 5`` written in math: the step is
  not checked at sizes against it, nor refuted through the name;
- "Let $z$ be a complex number" declares what ``z \\in \\mathbb{C}`` declares: no real scalar.
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict
from derive.latex.assumptions import (
    BOUND,
    DEPENDS,
    _number_in_words,
    bounds_in_words,
    complex_in_words,
    constants_retracted,
)

P, R, U = Verdict.PROVED, Verdict.REFUTED, Verdict.UNDECIDED
LINE = "$$\\frac{d}{dx}(a x + b) = a$$"


def _results(text: str, **kw: object) -> list[tuple[Verdict, str]]:
    return [(r.verdict, r.detail) for r in derive.check_latex(text, **kw)]


def _one(text: str, **kw: object) -> tuple[Verdict, str]:
    ((verdict, detail),) = _results(text, **kw)
    return verdict, detail


# -- a constant retracted by a later sentence ---------------------------------------------------


@pytest.mark.parametrize(
    "later",
    [
        "Now let $b$ depend on $x$.",
        "In general $b$ depends on $x$.",
        "From here on $b$ varies with $x$.",
        "Here $b = b(x)$.",
        "Consider $b(x)$ instead.",
        "Now $a$ and $b$ are arbitrary functions of $x$.",
        "In this part $b$ is a function of $x$.",
        "Let $b$ be random.",
        "Now $b$ is a random variable.",
        "Now $b$ is no longer a constant.",
        "We no longer assume that $b$ is a constant.",
    ],
)
def test_a_later_sentence_saying_the_constant_varies_retracts_it(later: str) -> None:
    verdict, detail = _one(f"For constants $a$ and $b$, the line is straight. {later}\n{LINE}")
    assert verdict is U
    assert "treats b as constant in x" in detail or "treats a, b as constant in x" in detail


def test_the_constant_still_holds_without_a_retraction() -> None:
    assert _one(f"For constants $a$ and $b$, the line is straight.\n{LINE}")[0] is P
    # said of the other name only: b is still a constant
    assert _one(f"For constants $a$ and $b$, the line is straight. Now $c$ varies with $x$.\n{LINE}")[0] is P
    # "does not depend on" says the name is constant: no retraction
    assert _one(f"For constants $a$ and $b$, note that $b$ does not depend on $x$.\n{LINE}")[0] is P


def test_a_constant_declared_again_after_the_retraction_holds() -> None:
    text = f"For constants $a$ and $b$. Now let $b$ depend on $x$. Back to constants $a$ and $b$.\n{LINE}"
    assert _one(text)[0] is P


def test_retraction_before_the_step_only() -> None:
    # the retraction after the step does not reach back; the step after it is undecided
    text = f"For constants $a$ and $b$,\n{LINE}\nNow let $b$ depend on $x$.\n{LINE}"
    assert [v for v, _ in _results(text)] == [P, U]


def test_a_wrong_step_is_still_refuted_after_a_retraction() -> None:
    verdict, _ = _one("For constants $a$ and $b$. Now let $b$ depend on $x$.\n$$\\frac{d}{dx}(a x) = 2a$$")
    assert verdict is R


def test_constants_retracted_lists_the_names() -> None:
    found = constants_retracted("Now $a$ and $b$ vary with $t$; $c$ does not depend on $t$.")
    assert [(name, kind) for _, _, name, kind, _ in found] == [(f"{DEPENDS}:a", DEPENDS), (f"{DEPENDS}:b", DEPENDS)]
    applied = constants_retracted("Here $b = b(x)$ and $\\mu(t)$, but $a(x + 1)$ is a product, $p_i(x)$ and $e^c(x)$.")
    assert sorted(name for _, _, name, _, _ in applied) == [f"{DEPENDS}:b", f"{DEPENDS}:mu"]


# -- temporary and hedged declarations declare nothing --------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        f"Assume for now that $a$ and $b$ are constants.\n{LINE}",
        f"Let $a$ and $b$ be constants; below we drop this.\n{LINE}",
        f"Let $a$ and $b$ be constants for the moment.\n{LINE}",
        f"Temporarily, $a$ and $b$ are constants.\n{LINE}",
        f"For constants $a$ and $b$ (we will later relax this assumption),\n{LINE}",
        f"{LINE}\nwhere $a$ and $b$ are constants only in the next section.",
        f"Assume for now that $a$ and $b$ are constants; below we drop this and let $b$ vary with $x$.\n{LINE}",
    ],
)
def test_a_temporary_constant_declares_nothing(text: str) -> None:
    verdict, detail = _one(text)
    assert verdict is U
    assert "as constant in x" in detail


@pytest.mark.parametrize(
    "said",
    [
        "Let $x > 0$; then we let $y = x^2$.",
        "To begin with, let $x > 0$.",
        "Let $x > 0$. Next we compute the root.",
        "Let $x > 0$ be a temporary value.",
    ],
)
def test_discourse_words_are_not_temporary(said: str) -> None:
    assert _one(f"{said}\n$$\\sqrt{{x^2}} = x$$")[0] is P


def test_said_random_a_name_is_no_constant_but_keeps_its_kind() -> None:
    # b random: no constant (undecided); with a kind declared, independent as any declared name
    assert _one(f"For constants $a$ and $b$. Now $b$ is random.\n{LINE}")[0] is U
    assert _one(f"Let $a, b > 0$. For constants $a$ and $b$. Now $b$ is random.\n{LINE}")[0] is P
    # said to depend on x, a declared kind does not keep it independent
    assert _one(f"Let $a, b > 0$. Now $b$ depends on $x$.\n{LINE}")[0] is U


def test_a_temporary_kind_declares_nothing() -> None:
    # "for now" in math declarations too: x > 0 is not a standing assumption, so sqrt(x^2) = x is not proved
    assert _one("Let $x > 0$ for now.\n$$\\sqrt{x^2} = x$$")[0] is not P
    assert _one("Let $x > 0$.\n$$\\sqrt{x^2} = x$$")[0] is P


def test_a_temporary_nonzero_still_blocks_a_refutation_at_zero() -> None:
    # "for now" holds where the step is, or may: the counterexample at zero is not shown, nothing is proved
    verdict, detail = _one("For now, let $x \\neq 0$.\n$$ x^2 > 0 $$")
    assert verdict is U
    assert "the counterexample sets x = 0, a point the text excludes" in detail
    assert _one("We do not assume $x \\neq 0$.\n$$ x^2 > 0 $$")[0] is R


def test_a_temporary_complex_number_is_still_no_real_scalar() -> None:
    verdict, detail = _one("For now, let $z$ be a complex number.\n$$|z|^2 = z^2$$")
    assert verdict is U
    assert "z is declared as no real scalar" in detail


# -- bounds stated in words -------------------------------------------------------------------------

SUM5 = "$$\\sum_{i=1}^n \\sum_{j=1}^n x_i^2 \\geq 5\\sum_{i=1}^n x_i^2$$"


@pytest.mark.parametrize(
    "said",
    [
        "Let $\\mathbf{x} \\in \\mathbb{R}^n$ be a vector of dimension at least $5$.",
        "Let $\\mathbf{x} \\in \\mathbb{R}^n$ with at least five entries.",
        "Let $\\mathbf{x} \\in \\mathbb{R}^n$ hold more than four features.",
        "Let $\\mathbf{x} \\in \\mathbb{R}^n$, where $n$ is larger than $4$.",
        "Let $\\mathbf{x} \\in \\mathbb{R}^n$, where $n$ is greater than or equal to 5.",
        "Let $\\mathbf{x} \\in \\mathbb{R}^n$.\nThe vector has at least five entries.",
        "Let $\\mathbf{x} \\in \\mathbb{R}^{n}$ and let $n$ be an integer at least $5$.",
    ],
)
def test_a_size_bound_in_words_stops_the_sweep(said: str) -> None:
    verdict, detail = _one(f"{said}\n{SUM5}")
    assert verdict is U
    assert "stated in words" in detail


def test_without_the_bound_the_sweep_refutes() -> None:
    verdict, detail = _one(f"Let $\\mathbf{{x}} \\in \\mathbb{{R}}^n$.\n{SUM5}")
    assert verdict is R
    assert "fails at n = 1" in detail


def test_a_bound_in_words_on_a_sum_limit() -> None:
    text = "We have $N$ samples, and $N$ is at least one hundred.\n$$\\sum_{i=1}^N \\sum_{j=1}^N 1 \\geq 100 N$$"
    verdict, detail = _one(text)
    assert verdict is U
    assert "N \\ge 100 (line 1, stated in words: $N$ is at least one hundred)" in detail
    bare = "We have $N$ samples.\n$$\\sum_{i=1}^N \\sum_{j=1}^N 1 \\geq 100 N$$"
    assert _one(bare)[0] is R


def test_a_bound_does_not_prove_anything() -> None:
    # the bound only keeps refutations from standing: a false step through n is never accepted
    text = "Let $n$ be at least $5$.\n$$ n^2 \\geq 100 $$"
    assert _one(text)[0] is U


def test_bounds_in_words_reads_relations_and_numbers() -> None:
    doc = (
        "Here $n$ is at most $3$, $m$ exceeds twenty-one, $k$ is not larger than one hundred and five, "
        "and $d$ is bigger than a constant. Also $p$ is no less than 5."
    )
    said = {name: text.split(" ;; ")[0] for _, _, name, kind, text in bounds_in_words(doc) if kind == BOUND}
    assert said == {
        f"{BOUND}:n": "n \\le 3",
        f"{BOUND}:m": "m > 21",
        f"{BOUND}:k": "k \\le 105",
        f"{BOUND}:p": "p \\ge 5",
    }


def test_a_negated_bound_records_nothing_a_temporary_one_does() -> None:
    assert bounds_in_words("We do not assume that $n$ is at least $5$.") == []
    # a bound only keeps a refutation from standing: "for now" holds where the step is, or may
    assert [name for _, _, name, _, _ in bounds_in_words("For now, $n$ is at least $5$.")] == [f"{BOUND}:n"]


def test_number_words() -> None:
    assert [_number_in_words(w) for w in ("five", "one hundred", "a thousand", "twenty-one", "a", "lots")] == [
        "5",
        "100",
        "1000",
        "21",
        None,
        None,
    ]


# -- complex numbers in words -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "said",
    [
        "Let $z$ be a complex number.",
        "Let $z$ and $w$ be complex numbers.",
        "For complex numbers $z$, $w$:",
        "Here $z$ is complex.",
        "Let $z$ be an arbitrary complex scalar.",
    ],
)
def test_a_complex_number_in_words_is_no_real_scalar(said: str) -> None:
    verdict, detail = _one(f"{said}\n$$|z|^2 = z^2$$")
    assert verdict is U
    assert "z is declared as no real scalar" in detail
    assert "z \\in \\mathbb{C}" in detail


@pytest.mark.parametrize(
    "said",
    [
        "The complex conjugate of $z$ is $\\bar z$.",
        "We do not need $z$ to be a complex number.",
        "Here $z$ is a complex expression of many terms.",
        "If $z$ were complex, this would fail.",
    ],
)
def test_complex_in_other_senses_declares_nothing(said: str) -> None:
    assert complex_in_words(said) == []


def test_a_complex_number_still_refuted_when_false_in_every_reading() -> None:
    # declared complex, a step false for real values too is not refuted through z (a range), but not proved
    assert _one("Let $z$ be a complex number.\n$$z + 1 = z$$")[0] is not P
