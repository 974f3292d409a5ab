"""An attacker's suite for what the prose declares and how far a declaration reaches, with exact verdicts.

1. matrices declared in words ("Let $X$ and $Y$ be $n \\times n$ matrices", "$\\Sigma$ is a positive
   definite covariance matrix"): matrices of that size, or no real scalar when no size is written;
   a Greek capital under ``\\det`` is a matrix as a Latin one is;
2. random variables the sentence declaring their laws calls correlated or dependent are not drawn
   independently: no law holds for them;
3. a kind declared of a bare name (``w > 0``) may or may not be said of ``w_i`` and ``w_1``: both
   readings are checked;
4. sets whose boundary texts disagree on (``\\mathbb{N}`` with or without 0, ``\\mathbb{R}_+``): both
   readings are checked.

Each class: decided only when every reading agrees, otherwise undecided naming the readings.
"""

from __future__ import annotations

import pytest

import derive
from derive.model import Verdict

P, V, R, U = Verdict.PROVED, Verdict.VERIFIED, Verdict.REFUTED, Verdict.UNDECIDED
ACCEPTED = (Verdict.PROVED, Verdict.VERIFIED)


def last(text: str) -> tuple[Verdict, str]:
    """The verdict and detail of the document's last step."""
    result = derive.check_latex(text)[-1]
    return result.verdict, result.detail


# -- 1. matrices in words -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "step",
    [r"XY = YX", r"(X + Y)^2 = X^2 + 2XY + Y^2", r"(XY)^{-1} = X^{-1} Y^{-1}"],
)
def test_matrices_in_words_with_letter_size_refute_commuting(step: str) -> None:
    verdict, detail = last(f"Let $X$ and $Y$ be $n \\times n$ matrices.\n\n$$ {step} $$\n")
    assert verdict is R
    assert "n = 2" in detail and "matrix n x n" in detail


def test_matrices_in_words_with_number_size_are_that_size() -> None:
    verdict, detail = last("Let $A$ and $B$ be $2 \\times 2$ real matrices.\n\n$$ \\det(AB) = \\det A \\det B $$\n")
    assert verdict is P
    assert "A: matrix 2x2" in detail


def test_definite_matrix_in_words_without_size_is_no_scalar() -> None:
    doc = "Let $\\Sigma$ be a positive definite covariance matrix.\n\n$$ \\det(2\\Sigma) = 2\\det\\Sigma $$\n"
    verdict, detail = last(doc)
    assert verdict is U
    assert "no real scalar" in detail


def test_matrix_in_words_keeps_an_earlier_size() -> None:
    doc = (
        "Let $\\Sigma \\in \\mathbb{R}^{2 \\times 2}$. Here $\\Sigma$ is a covariance matrix.\n\n"
        "$$ \\det(2\\Sigma) = 2\\det\\Sigma $$\n"
    )
    verdict, detail = last(doc)
    assert verdict is R
    assert "Sigma: matrix 2x2" in detail


@pytest.mark.parametrize(
    "doc",
    [
        "Let $x$ be a column of the matrix $A$.\n\n$$ x + x = 2x $$\n",
        "Let $k$ be the number of matrices.\n\n$$ k + k = 2k $$\n",
        "The matrix $A$ is given, and $c$ is real.\n\n$$ c + c = 2c $$\n",
    ],
)
def test_words_near_matrix_declare_nothing_else(doc: str) -> None:
    assert last(doc)[0] is P


@pytest.mark.parametrize("name", ["Sigma", "Lambda", "Phi"])
def test_greek_capital_under_det_is_no_scalar(name: str) -> None:
    verdict, detail = last(f"$$ \\det(2\\{name}) = 2\\det\\{name} $$\n")
    assert verdict is U
    assert f"{name} under a matrix operator is not declared" in detail


# -- 2. dependent random variables -----------------------------------------------------------------

LAWS = "Let $x \\sim \\mathcal{N}(0,1)$ and $y \\sim \\mathcal{N}(0,1)$"


@pytest.mark.parametrize(
    "words",
    [" with correlation $\\rho = 0.5$.", " be correlated.", " be jointly Gaussian.", " be dependent."],
)
@pytest.mark.parametrize("step", [r"\mathbb{E}[xy] = 0", r"\mathbb{E}[(x+y)^2] = 2"])
def test_correlated_laws_are_not_independent(words: str, step: str) -> None:
    verdict, _ = last(f"{LAWS}{words}\n\n$$ {step} $$\n")
    assert verdict is U


def test_independent_laws_stay_independent() -> None:
    verdict, detail = last(f"{LAWS} be independent.\n\n$$ \\mathbb{{E}}[xy] = 0 $$\n")
    assert verdict is P
    assert "x random" in detail


def test_correlation_in_another_sentence_leaves_the_laws() -> None:
    doc = f"{LAWS}. Correlation is a later topic.\n\n$$ \\mathbb{{E}}[x^2] = 1 $$\n"
    assert last(doc)[0] in ACCEPTED


# -- 3. a kind of a bare name and its subscripted names -------------------------------------------


def test_bandwidth_kind_says_nothing_of_weights() -> None:
    doc = "Let $w > 0$.\n\n$$ \\sum_{i=1}^{3} |w_i| = \\sum_{i=1}^{3} w_i $$\n"
    verdict, detail = last(doc)
    assert verdict is U
    assert "w: positive may or may not be said of w_i" in detail
    assert "proved in the narrower reading and refuted in the wider" in detail


def test_explicit_entry_is_not_refuted_through_a_value_the_kind_excludes() -> None:
    verdict, detail = last("Let $x > 0$.\n\n$$ \\sqrt{x_1^2} = x_1 $$\n")
    assert verdict is U
    assert "x: positive may or may not be said of x_1" in detail


def test_entry_step_true_in_both_readings_is_accepted() -> None:
    verdict, detail = last("Let $x > 0$.\n\n$$ x_1^2 + x_2^2 \\ge 0 $$\n")
    assert verdict is P
    assert "holds in both readings" in detail


def test_entry_step_false_in_both_readings_is_refuted() -> None:
    verdict, detail = last("Let $x > 0$.\n\n$$ \\sqrt{x_1^2} = -x_1 - 1 $$\n")
    assert verdict is R
    assert "fails in both readings" in detail


def test_an_entry_declared_itself_is_read_as_declared() -> None:
    assert last("Let $w_1 > 0$.\n\n$$ \\sqrt{w_1^2} = w_1 $$\n")[0] is P


# -- 4. sets whose boundary is read two ways --------------------------------------------------------


def test_naturals_with_or_without_zero() -> None:
    verdict, detail = last("Let $n \\in \\mathbb{N}$.\n\n$$ 0^n = 0 $$\n")
    assert verdict is U
    assert "positive integer or nonnegative integer" in detail


@pytest.mark.parametrize("sets", ["\\mathbb{N}^+", "\\mathbb{N}_{>0}", "\\mathbb{Z}_+"])
def test_positive_naturals_are_positive(sets: str) -> None:
    assert last(f"Let $n \\in {sets}$.\n\n$$ 0^n = 0 $$\n")[0] is P


def test_naturals_refuted_in_both_readings() -> None:
    verdict, detail = last("Let $n \\in \\mathbb{N}$.\n\n$$ n \\ge 2 $$\n")
    assert verdict is R
    assert "n = 1" in detail


@pytest.mark.parametrize("sets", ["\\mathbb{R}_{+}", "\\mathbb{R}^+", "\\mathbb{R}_+"])
def test_nonnegative_reals_with_or_without_zero(sets: str) -> None:
    verdict, detail = last(f"Let $x \\in {sets}$.\n\n$$ \\lceil x \\rceil \\ge 1 $$\n")
    assert verdict is U
    assert "positive or nonnegative" in detail


def test_nonnegative_reals_proof_in_both_readings() -> None:
    assert last("Let $x \\in \\mathbb{R}_+$.\n\n$$ \\sqrt{x^2} = x $$\n")[0] is P


# -- 5. \pi declared as a weight next to 2\pi ------------------------------------------------------

PRIOR = "Let $\\pi \\in (0,1)$ be the class prior.\n\n"


@pytest.mark.parametrize(
    "step",
    [r"\frac{1}{\sqrt{2\pi}} > \frac{1}{2}", r"\frac{1}{\sqrt{2\pi}} \int_{-\infty}^{\infty} e^{-x^2/2}\,dx = 1"],
)
def test_two_pi_next_to_a_declared_prior_is_read_both_ways(step: str) -> None:
    verdict, detail = last(f"{PRIOR}$$ {step} $$\n")
    assert verdict is U
    assert "the declared probability or the constant" in detail


def test_prior_without_two_pi_is_the_prior() -> None:
    assert last(f"{PRIOR}$$ \\pi + (1 - \\pi) = 1 $$\n")[0] is P


def test_two_pi_true_either_way_is_accepted() -> None:
    verdict, detail = last(f"{PRIOR}$$ \\sqrt{{2\\pi}} > 0 $$\n")
    assert verdict in ACCEPTED
    assert "holds in both readings" in detail


def test_a_kind_the_user_declares_covers_the_entries() -> None:
    # front matter and --symbols follow derive's documented rule: x_i of a declared positive x is positive
    got = derive.check_latex("$$ \\sum_{i=1}^{3} |w_i| = \\sum_{i=1}^{3} w_i $$\n", symbols={"w": "positive"})
    assert got[-1].verdict is P


def test_one_bold_capital_times_vectors_reads_as_before() -> None:
    assert last("$$ \\boldsymbol{\\Sigma} + \\boldsymbol{\\Sigma} = 2\\boldsymbol{\\Sigma} $$\n")[0] is P


@pytest.mark.parametrize(
    "step",
    [r"\mathbf{W}\mathbf{V} = \mathbf{V}\mathbf{W}", r"(\mathbf{W}\mathbf{V})^{-1} = \mathbf{W}^{-1}\mathbf{V}^{-1}"],
)
def test_two_bold_capitals_are_not_read_as_commuting_scalars(step: str) -> None:
    verdict, detail = last(f"$$ {step} $$\n")
    assert verdict is U
    assert "matrix 2x2" in detail


@pytest.mark.parametrize("sets", ["\\mathbb{N}_0", "\\mathbb{N}_{0}", "\\mathbb{Z}_{\\geq 0}"])
def test_naturals_with_zero_written_out_are_refuted_at_zero(sets: str) -> None:
    verdict, detail = last(f"Let $n \\in {sets}$.\n\n$$ 0^n = 0 $$\n")
    assert verdict is R
    assert "n = 0" in detail and "nonnegative integer" in detail


def test_nonnegative_integer_kind_in_the_api() -> None:
    refuted = derive.check("0**n == 0", symbols={"n": "nonnegative integer"})
    assert refuted.verdict is R and "n = 0" in refuted.detail
    assert derive.check("n >= 0", symbols={"n": "nonnegative integer"}).verdict is P


# --- laws given one by one, independence never said (attackers: R9, Var(X+Y)) -------------------

_TWO_LAWS = r"Let $X \sim \mathcal{N}(0,1)$ and $Y \sim \mathcal{N}(0,1)$"


@pytest.mark.parametrize(
    "tex",
    [r"\mathrm{Var}(X+Y)=\mathrm{Var}(X)+\mathrm{Var}(Y)", r"\mathbb{E}[XY] = 0", r"\mathbb{E}[(X+Y)^2] = 2"],
)
def test_a_step_through_two_laws_never_said_independent_is_not_decided(tex):
    (result,) = derive.check_latex(f"{_TWO_LAWS}. $${tex}$$")
    assert result.verdict is Verdict.UNDECIDED, result.detail
    assert "never says they are independent" in result.detail


@pytest.mark.parametrize("said", [" be independent", ", i.i.d.", " independently"])
def test_the_same_steps_are_decided_once_the_text_says_independent(said):
    (result,) = derive.check_latex(f"{_TWO_LAWS}{said}. $$\\mathrm{{Var}}(X+Y)=\\mathrm{{Var}}(X)+\\mathrm{{Var}}(Y)$$")
    assert result.verdict is Verdict.PROVED, result.detail


def test_a_step_through_one_of_two_laws_is_decided():
    (result,) = derive.check_latex(f"{_TWO_LAWS}. $$\\mathbb{{E}}[X^2] = 1$$")
    assert result.verdict is Verdict.PROVED, result.detail
