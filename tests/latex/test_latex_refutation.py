"""Refutations a real document does not support (derive/latex/refutation.py): each rule, and its limits."""

from __future__ import annotations

import pytest

import derive
from derive.latex import read_document
from derive.latex.refutation import unsupported
from derive.latex.solving import one_of_the_solutions
from derive.model import Verdict


def _judge(text: str) -> tuple[Verdict, str]:
    """The verdict and detail `derive.check_latex` gives (`settle` applies `unsupported`)."""
    (result,) = derive.check_latex(text)
    return result.verdict, result.detail


@pytest.mark.parametrize(
    ("text", "why"),
    [
        # A value for a decorated name: a result or an assumption, never an identity in it.
        (r"$$\sigma_1^2 = \frac{1}{2}$$", r"a value for $\sigma_1^2$"),
        (r"$$\sigma^2_* = \frac{1}{N}\sum_{i=1}^{N}(y_i - m x_i)^2$$", r"a value for $\sigma^2_*$"),
        # Numbers rounded to the decimals written.
        (r"$$\frac{.184}{.097}(.5) = 0.948$$", "the sides agree to the 3 decimals of 0.948"),
        (r"$$\frac{408}{903} = .452$$", "the sides agree to the 3 decimals of .452"),
        # Information theory's log.
        (r"$$-\log \left( \frac{1}{2^4} \right) = 4$$", r"holds exactly with \log read as \log_{2}"),
        (r"$$\log 1000 = 3$$", r"holds exactly with \log read as \log_{10}"),
        # A shape derive guessed.
        (r"$$\Sigma^{-1} = \begin{pmatrix} 2 & 1 \\ 1 & 2 \end{pmatrix}$$", "Sigma not declared"),
    ],
)
def test_refutations_a_document_does_not_support(text, why):
    verdict, detail = _judge(text)
    assert verdict is Verdict.UNDECIDED
    assert why in detail


@pytest.mark.parametrize(
    "text",
    [
        r"$$\frac{d}{da}\log\sigma(a) = \sigma(a)$$",  # a wrong derivative: no lone name
        r"$$\sigma(a) = \sigma(-a)$$",  # a property of a known function
        r"$$x^2 = 2x$$",  # an identity claim in x
        r"$$\sigma^2 = \sigma$$",  # the name is on both sides
        r"$$\frac{408}{903} = .46$$",  # off by more than the digits written
        r"$$\frac{.184}{.097}(.5) = 0.949$$",  # 0.94845... is not 0.949 to 3 decimals
        r"$$-\log \left( \frac{1}{2^4} \right) = 5$$",  # false in every base tried
        r"$$\log 8 = 2$$",  # log2(8) = 3, log10(8) = 0.9
        r"$$x^2 > 2x + 1$$",  # fails strictly (x = 0)
        r"$$x^2 + 1 > 2x$$",  # fails at x = 1, where the sides are equal: a real counterexample
        r"$$5 = \begin{pmatrix} 2 & 1 \\ 1 & 2 \end{pmatrix}$$",  # no name to declare
    ],
)
def test_real_mistakes_stay_refuted(text):
    verdict, _ = _judge(text)
    assert verdict is Verdict.REFUTED


def test_a_value_statement_read_under_a_premise_keeps_its_verdict():
    # no value statement under a premise: x = 3 solves x^2 = 4 nowhere, and stays refuted
    text = "$$x^2 = 4 \\implies x = 3$$"
    results = derive.check_latex(text)
    steps = read_document(text).steps
    assert results[-1].verdict is Verdict.REFUTED
    assert steps[-1].premise is not None
    assert unsupported(steps[-1], results[-1]) is None


def test_one_solution_of_a_premise_is_not_refuted():
    # x = 2 is one of the solutions of x^2 = 4 (as "a solution" it holds, as "the solution" it would
    # not): never refuted (derive.latex.solving), and not for being a value statement either
    text = "$$x^2 = 4 \\implies x = 2$$"
    results = derive.check_latex(text)
    steps = read_document(text).steps
    assert results[-1].verdict is Verdict.UNDECIDED
    why = one_of_the_solutions(steps[-1])
    assert why is not None and "names one of the solutions" in why
    assert "names one of the solutions" in results[-1].detail
    assert "a value for" not in results[-1].detail


@pytest.mark.parametrize(
    "text",
    [
        # a computed left side claimed equal to a lone name on the right: an identity to check
        "---\nderive:\n  symbols: {sigma: positive}\n  random: {x: 'Normal(0, sigma**2)'}\n---\n"
        r"$$\mathbb{E}[x^2] = \sigma$$",
        # a declared name is a parameter of the text, never assigned a value
        "---\nderive:\n  symbols: {sigma: positive}\n---\n" r"$$\sigma^2 = \frac{1}{2}$$",
    ],
)
def test_a_lone_name_on_the_right_or_a_declared_one_is_no_value_statement(text):
    verdict, _ = _judge(text)
    assert verdict is Verdict.REFUTED


def test_a_discrete_density_refuted_off_its_support_is_undecided():
    # Bishop's Bern(x|mu) is meant at x in {0, 1}, where mu x + (1 - mu)(1 - x) is the same thing.
    verdict, detail = _judge(r"$$\mathrm{Bern}(x|\mu) = \mu x + (1-\mu)(1-x)$$")
    assert verdict is Verdict.UNDECIDED
    assert "is no probability: the density is meant at counts" in detail
    assert _judge(r"$$\mathrm{Bern}(x|\mu) = \mu^x (1-\mu)^{1-x}$$")[0] is Verdict.PROVED


def test_an_inverse_sine_refuted_may_be_one_over_the_sine():
    verdict, detail = _judge(r"$$\sin^{-1}(x) = \frac{1}{\sin x}$$")
    assert verdict is Verdict.UNDECIDED
    assert "may mean 1/\\sin" in detail
    assert _judge(r"$$\sin(\sin^{-1}(x)) = x$$")[0] is Verdict.PROVED


def test_a_name_and_its_entries_in_one_step_are_not_read_as_unrelated():
    verdict, detail = _judge(
        r"$$Y \cdot \log\sigma(XM) = \sum_{i=0}^{N-1} y_{i}\log\sigma(\sum_{j=0}^{k} x_{ij} m_{j})$$"
    )
    assert verdict is Verdict.UNDECIDED
    assert "may be an entry of" in detail


def test_a_guessed_shape_is_undecided_even_under_a_definition():
    text = "$$x := y_1 + y_2$$\n\n$$m = \\frac{x}{3} \\begin{pmatrix} 1 \\\\ 1 \\end{pmatrix}$$\n"
    got = derive.check_latex(text)
    assert got[-1].verdict is Verdict.UNDECIDED
    assert "not declared, so derive read it as a scalar" in got[-1].detail


def test_a_false_constant_conclusion_of_an_unsolved_premise_stays_refuted():
    # no value of x makes 1 + 1 = 3, whatever the premise says; x^2 = 4 may hold under it
    got = derive.check_latex(r"$$e^x + x^5 = 3 \implies 1 + 1 = 3$$")
    assert got[-1].verdict is Verdict.REFUTED
    got = derive.check_latex(r"$$e^x + x^5 = 3 \implies x^2 = 4$$")
    assert got[-1].verdict is Verdict.UNDECIDED


@pytest.mark.parametrize(
    "text",
    [
        # a declaration no kind expresses: the proof over real scalars says nothing
        # (R^{n x n} is a kind of letter size now, checked at n = 1, 2, 3: AB = BA is refuted at n = 2)
        "Let $A \\in \\mathbb{R}^{2n \\times 2n}$ and $B \\in \\mathbb{R}^{2n \\times 2n}$.\n\n$$AB = BA$$\n",
        "Let $z \\in \\mathbb{C}$.\n\n$$|z|^2 = z^2$$\n",
        # a matrix operator on an undeclared capital
        "$$\\det(2A) = 2\\det A$$\n",
        # a negated or hedged sentence declares nothing
        "We do not assume $x > 0$.\n\n$$\\sqrt{x^2} = x$$\n",
    ],
)
def test_no_proof_rests_on_a_scalar_reading_or_a_negated_assumption(text):
    assert [r.verdict for r in derive.check_latex(text)] == [Verdict.UNDECIDED]


def test_r_plus_is_read_with_and_without_zero():
    # 0^x = 0 fails only at x = 0, which R_+ holds in some texts and not in others: no refutation
    got = derive.check_latex("Let $x \\in \\mathbb{R}_+$.\n\n$$0^x = 0$$\n")
    assert got[0].verdict is Verdict.UNDECIDED and "positive or nonnegative" in got[0].detail
    assert derive.check_latex("Let $x > 0$.\n\n$$\\sqrt{x^2} = x$$\n")[0].verdict is Verdict.PROVED


def test_an_unbounded_sum_is_also_checked_one_size_past_the_claims_own_numbers():
    (got,) = derive.check_latex(r"$$\left(\sum_j a_j\right)^2 \le 8\sum_j a_j^2$$")
    assert got.verdict is Verdict.REFUTED and "|index set| = 9" in got.detail


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Problem 1\n===\n", "Problem 2\n===\n"),
        ("**Problem 1.** ", "**Problem 2.** Now\n\n"),
        ("\\begin{problem}\n", "\\end{problem}\n\\begin{problem}\n"),
    ],
)
def test_a_problem_marker_ends_what_the_previous_problem_declared(first, second):
    text = first + "Let $x > 0$.\n\n$$\\sqrt{x^2}=x$$\n\n" + second + "$$\\sqrt{x^2}=x$$\n"
    assert [r.verdict for r in derive.check_latex(text)] == [Verdict.PROVED, Verdict.REFUTED]
