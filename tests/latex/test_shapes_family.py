"""Shape families of undeclared names (`derive.latex.shapes_family`): a step that transposes undeclared names,
with nothing declared, is checked with each name a vector or matrix of letter sizes swept 1, 2, 3; a matrix the
text calls a covariance is drawn symmetric positive definite. Never accepted on a reading true for scalars only."""

from __future__ import annotations

import derive
from derive import Verdict
from derive.latex.shapes_family import _without_definitions


def _one(text: str) -> derive.Result:
    results = derive.check_latex(text)
    assert len(results) == 1
    return results[0]


def test_logistic_of_an_inner_product_is_verified_in_the_vector_family() -> None:
    # too many independent shapes at sizes 2 and 3 (w, sigma, x of every shape): the families are read instead
    r = _one(r"$$\sigma(\mathbf{w}^\top \mathbf{x}) = \frac{1}{1 + \exp(-\mathbf{w}^\top \mathbf{x})}$$")
    assert r.verdict is Verdict.VERIFIED
    assert "w: vector m, x: vector m" in r.detail or "w: vector n" in r.detail
    assert "= 1;" in r.detail and "= 3" in r.detail  # size 1 and past it


def test_inner_products_that_swap_through_a_general_matrix_are_not_accepted() -> None:
    # x^T A y = y^T A x holds for scalars and symmetric A only
    r = _one(r"$$\sigma(\mathbf{x}^\top \mathbf{A} \mathbf{y}) = \sigma(\mathbf{y}^\top \mathbf{A} \mathbf{x})$$")
    assert r.verdict is Verdict.UNDECIDED


def test_symmetric_in_words_is_no_positive_definite_draw() -> None:
    text = (
        "Here $A$ is a symmetric matrix.\n\n"
        r"$$\mathbf{x}^\top \mathbf{A} \mathbf{x} + \mathbf{y}^\top \mathbf{A} \mathbf{y} \ge 0$$"
    )
    assert _one(text).verdict is not Verdict.VERIFIED


QUADRATIC = (
    r"$$(\mathbf{x}-\boldsymbol{\mu})^\top \boldsymbol{\Sigma}^{-1} (\mathbf{x}-\boldsymbol{\mu}) = "
    r"\mathbf{x}^\top \boldsymbol{\Sigma}^{-1}\mathbf{x} - 2\boldsymbol{\mu}^\top \boldsymbol{\Sigma}^{-1}\mathbf{x}"
    r" + \boldsymbol{\mu}^\top \boldsymbol{\Sigma}^{-1}\boldsymbol{\mu}$$"
)


def test_expanded_quadratic_form_holds_for_a_covariance() -> None:
    r = _one("Here $\\Sigma$ is the covariance matrix of the data.\n\n" + QUADRATIC)
    assert r.verdict is Verdict.VERIFIED
    assert "Sigma: spd matrix 2x2" in r.detail


def test_expanded_quadratic_form_of_an_unnamed_matrix_stays_undecided() -> None:
    # needs Sigma symmetric: a general matrix fails, and a guessed shape refutes nothing
    assert _one(QUADRATIC).verdict is Verdict.UNDECIDED


def test_a_correlation_is_no_plain_covariance_draw() -> None:
    r = _one("Here $\\Sigma$ is the covariance matrix with unit variances.\n\n" + QUADRATIC)
    assert r.verdict is Verdict.UNDECIDED


def test_a_positive_definite_covariance_in_an_inequality_is_drawn_general() -> None:
    # a covariance may be singular: x^T Sigma x > 0 does not follow
    text = (
        "Here $\\Sigma$ is the covariance matrix.\n\n"
        r"$$\mathbf{x}^\top \boldsymbol{\Sigma} \mathbf{x} + \mathbf{y}^\top \boldsymbol{\Sigma} \mathbf{y} > 0$$"
    )
    assert _one(text).verdict is not Verdict.VERIFIED


def test_outer_product_against_inner_product_is_not_accepted() -> None:
    # x x^T y = y x^T x holds at size 1 only
    r = _one(
        r"$$\sigma(\mathbf{w}^\top \mathbf{x}) \mathbf{x} \mathbf{x}^\top \mathbf{y} = "
        r"\sigma(\mathbf{w}^\top \mathbf{x}) \mathbf{y} \mathbf{x}^\top \mathbf{x}$$"
    )
    assert r.verdict is not Verdict.VERIFIED and r.verdict is not Verdict.PROVED


def test_product_inverse_in_the_wrong_order_is_not_accepted() -> None:
    r = _one(
        r"$$\sigma(\mathbf{a}^\top (\mathbf{A}\mathbf{B})^{-1} \mathbf{b}) = "
        r"\sigma(\mathbf{a}^\top \mathbf{A}^{-1}\mathbf{B}^{-1} \mathbf{b})$$"
    )
    assert r.verdict is Verdict.UNDECIDED


def test_product_inverse_in_the_right_order_is_verified() -> None:
    r = _one(
        r"$$\sigma(\mathbf{a}^\top (\mathbf{A}\mathbf{B})^{-1} \mathbf{b}) = "
        r"\sigma(\mathbf{a}^\top \mathbf{B}^{-1}\mathbf{A}^{-1} \mathbf{b})$$"
    )
    assert r.verdict is Verdict.VERIFIED


def test_trace_of_a_product_is_no_product_of_traces() -> None:
    r = _one(
        r"$$\mathrm{tr}(A B) + \mathbf{x}^\top \mathbf{y} = "
        r"\mathrm{tr}(A)\,\mathrm{tr}(B) + \mathbf{y}^\top \mathbf{x}$$"
    )
    assert r.verdict is Verdict.UNDECIDED


def test_a_name_inside_the_definitions_block_is_no_bound() -> None:
    tex = r"\left. a^\top M^{-1} a \right|_{M := K + \sigma^2 I} + b"
    assert _without_definitions(tex) == r"\left. a^\top M^{-1} a  + b"


def test_size_letters_avoid_the_subscripts_of_the_step() -> None:
    # x_n: n indexes x here; a size n would be substituted into it
    r = _one(r"$$\sigma(\mathbf{w}^\top \mathbf{x}_n) = \frac{1}{1 + \exp(-\mathbf{w}^\top \mathbf{x}_n)}$$")
    assert r.verdict is Verdict.VERIFIED
    assert "vector n" not in r.detail


def test_hat_matrix_is_no_identity_of_a_tall_matrix() -> None:
    # X (X^T X)^{-1} X^T = I holds for square X only: the n x m family fails at n = 3, m = 2
    r = _one(
        r"$$\sigma(\mathbf{a}^\top \mathbf{X}(\mathbf{X}^\top \mathbf{X})^{-1}\mathbf{X}^\top \mathbf{b}) = "
        r"\sigma(\mathbf{a}^\top \mathbf{b})$$"
    )
    assert r.verdict is Verdict.UNDECIDED
    assert "X: matrix n x m" in r.detail


DENSITY = (
    r"$$\mathcal{N}(\mathbf{x} | \boldsymbol{\mu}, \boldsymbol{\Sigma}) = \frac{1}{(2\pi)^{D/2}} "
    r"\frac{1}{|\boldsymbol{\Sigma}|^{1/2}} \exp\left(-\frac{1}{2} (\mathbf{x} - \boldsymbol{\mu})^\top "
    r"\boldsymbol{\Sigma}^{-1} (\mathbf{x} - \boldsymbol{\mu})\right)$$"
)


def test_gaussian_normaliser_letter_is_the_dimension_and_the_covariance_is_drawn_spd() -> None:
    # the family reads with D the size; at D = 1 derive cannot read N(x | mu, Sigma) of a one-number x, and a size
    # it cannot read leaves the step undecided (a step may fail there only)
    r = _one(DENSITY)
    assert r.verdict is Verdict.UNDECIDED
    assert "Sigma: spd matrix D x D, mu: vector D, x: vector D" in r.detail
    assert "error, proved, verified across the sizes D = 1; D = 2; D = 3; D = 4 (checked with numbers)" in r.detail


def test_gaussian_normaliser_rewritten_is_verified_at_every_size_of_the_tied_letter() -> None:
    quad = (
        r"\exp\left(-\frac{1}{2} (\mathbf{x}-\boldsymbol{\mu})^\top \boldsymbol{\Sigma}^{-1}"
        r"(\mathbf{x}-\boldsymbol{\mu})\right)"
    )
    r = _one(
        rf"$$(2\pi)^{{-D/2}} {quad} |\boldsymbol{{\Sigma}}|^{{-1/2}} = "
        rf"\frac{{1}}{{(2\pi)^{{D/2}}|\boldsymbol{{\Sigma}}|^{{1/2}}}} {quad}$$"
    )
    assert r.verdict is Verdict.VERIFIED
    assert "Sigma: matrix D x D, mu: vector D, x: vector D" in r.detail
    assert "D = 1; D = 2; D = 3" in r.detail


def test_gaussian_density_with_the_covariance_for_its_inverse_is_not_accepted() -> None:
    assert _one(DENSITY.replace(r"\boldsymbol{\Sigma}^{-1} (", r"\boldsymbol{\Sigma} (")).verdict is Verdict.UNDECIDED


def test_gaussian_density_with_a_wrong_power_of_two_pi_is_not_accepted() -> None:
    assert _one(DENSITY.replace("(2\\pi)^{D/2}", "(2\\pi)^{D}")).verdict is Verdict.UNDECIDED


def test_a_normaliser_letter_the_text_gives_a_value_is_not_tied() -> None:
    # D = 3 in the text: D is no free size; the step is not verified at swept sizes of D
    r = _one("Let $D = 3$.\n\n" + DENSITY)
    assert "D = 2; D = 3" not in r.detail


def test_a_step_false_at_size_one_only_is_not_verified_in_the_shapes() -> None:
    # det(x x^T) = 0 at sizes 2 and 3, x^2 at size 1, where the step reads 2x^2 = x^2 (attack H116)
    r = _one(r"$$\|x\|^2 + \det(xx^\top) = x^\top x$$")
    assert r.verdict is Verdict.UNDECIDED
    assert "refuted with x: vector 1" in r.detail


def test_a_norm_at_size_one_is_the_absolute_value() -> None:
    r = _one(r"$$\|x - y\|^2 = x^\top x - 2 x^\top y + y^\top y$$")
    assert r.verdict is Verdict.VERIFIED
    assert "x: vector 1, y: vector 1" in r.detail


def test_an_undeclared_capital_between_bars_is_no_absolute_value_to_refute_with() -> None:
    # |Sigma| may be a determinant: the scalar reading's counterexample is none (attack H21)
    r = _one(r"$$(2\pi)^{D/2}|\Sigma|^{1/2} = |2\pi\Sigma|^{1/2}$$")
    assert r.verdict is Verdict.UNDECIDED
    assert "between bars" in r.detail


def test_an_undeclared_capital_between_bars_is_no_absolute_value_to_prove_with() -> None:
    assert _one(r"$$|\Sigma|^{2} = \Sigma^2$$").verdict is Verdict.UNDECIDED


def test_a_count_between_bars_reads_as_before() -> None:
    # |C_k| (a plain capital: a count, a number) is read as written
    assert _one(r"$$|C_k| + |C_k| = 2|C_k|$$").verdict is Verdict.PROVED


def test_a_normaliser_letter_is_no_real_number_to_refute_with() -> None:
    # D is the dimension (true at D = 3); D = -5/2 is no counterexample (attack H113)
    text = (
        "Let $\\Sigma$ be a $3 \\times 3$ covariance matrix.\n\n$$(2\\pi)^{D/2}|\\Sigma|^{1/2} = |2\\pi\\Sigma|^{1/2}$$"
    )
    r = _one(text)
    assert r.verdict is Verdict.UNDECIDED
    assert "Gaussian normaliser" in r.detail


SYMMETRIC_INVERSE = "\n\n$$(\\Sigma^{-1})^\\top = \\Sigma^{-1}$$"


def test_positive_definite_draws_only_for_the_name_the_words_describe() -> None:
    # attacks H126, H132, H144, H146, H151, H152: the word of another name, negated, supposed, a cross-covariance
    wrong = [
        "Let $\\Sigma_1$ be a covariance matrix and $\\Sigma$ an arbitrary invertible matrix.",
        "Let $\\Sigma$ be the cross-covariance matrix of $x$ and $y$.",
        "Let $A$ be positive definite and let $\\Sigma$ be invertible.",
        "Here $\\Sigma$ is not a covariance matrix; it is an arbitrary invertible matrix.",
        "The covariance matrix $A$ of $x$ and the matrix $\\Sigma$ of the linear map are both $d \\times d$.",
        "Suppose $\\Sigma$ were positive definite; in fact it is only invertible.",
    ]
    for prose in wrong:
        r = _one(prose + SYMMETRIC_INVERSE)
        assert r.verdict is Verdict.UNDECIDED, prose
        assert "spd" not in r.detail, prose


def test_positive_definite_draws_for_a_named_covariance_or_positive_definite_matrix() -> None:
    for prose in ("Let $\\Sigma$ be positive definite.", "where the covariance matrix $\\Sigma$ is estimated."):
        r = _one(prose + SYMMETRIC_INVERSE)
        assert r.verdict is Verdict.VERIFIED, prose
        assert "Sigma: spd matrix 2x2" in r.detail


def test_a_size_said_even_or_odd_in_words_is_swept_at_such_sizes_only() -> None:
    # attacks H32, H74: k = 3 is no counterexample when the text says k is even
    even = _one("Let $A$ be a $k \\times k$ matrix where $k$ is even.\n\n$$\\det(-A) = \\det(A)$$")
    assert even.verdict is Verdict.VERIFIED
    assert "k = 2; k = 4 (checked with numbers); k = 6 (checked with numbers)" in even.detail
    odd = _one("Let $A$ be a $k \\times k$ matrix where $k$ is odd.\n\n$$\\det(-A) = -\\det(A)$$")
    assert odd.verdict is Verdict.VERIFIED
    assert "k = 1; k = 3; k = 5" in odd.detail
    wrong = _one("Let $A$ be a $k \\times k$ matrix where $k$ is even.\n\n$$\\det(-A) = -\\det(A)$$")
    assert wrong.verdict is Verdict.REFUTED
    assert "at k = 2" in wrong.detail


def test_a_size_said_prime_in_words_is_not_swept() -> None:
    r = _one("Let $A$ be a $k \\times k$ matrix where $k$ is prime.\n\n$$\\det(-A) = -\\det(A)$$")
    assert r.verdict is Verdict.UNDECIDED
    assert "k is prime in words" in r.detail


def test_a_plain_t_the_text_names_is_no_sure_transpose() -> None:
    # attack H41: with T the temperature, x^T x may be x^{T+1}
    r = _one("Let $T$ denote the temperature.\n\n$$x^T x \\geq 0$$")
    assert r.verdict is Verdict.UNDECIDED
    assert "^T may be a power" in r.detail
    assert _one("$$x^T x \\geq 0$$").verdict is Verdict.VERIFIED


def test_a_normaliser_letter_the_text_names_a_count_is_not_tied() -> None:
    quad = (
        r"\exp\left(-\frac{1}{2} (\mathbf{x}-\boldsymbol{\mu})^\top \boldsymbol{\Sigma}^{-1}"
        r"(\mathbf{x}-\boldsymbol{\mu})\right)"
    )
    step = (
        rf"$$(2\pi)^{{-D/2}} {quad} |\boldsymbol{{\Sigma}}|^{{-1/2}} = "
        rf"\frac{{1}}{{(2\pi)^{{D/2}}|\boldsymbol{{\Sigma}}|^{{1/2}}}} {quad}$$"
    )
    counted = _one("Let $D$ be the number of data points.\n\n" + step)
    assert "mu: vector D" not in counted.detail
    sized = _one("Here $D$ is the dimension of the data.\n\n" + step)
    assert sized.verdict is Verdict.VERIFIED
    assert "mu: vector D" in sized.detail


def test_a_name_the_prose_calls_a_matrix_is_no_vector() -> None:
    # attacks H186-H188, H191, H192: A^T A = tr(A^T A) holds for vectors only
    wrong = [
        "Let $A$ be a square matrix.\n\n$$(A^\\top A)^{-1} A^\\top A = 1$$",
        "Let $A$ be a matrix.\n\n$$A^\\top A = \\mathrm{tr}(A A^\\top)$$",
        "Let $X$ be the data matrix.\n\n$$X^\\top X = \\mathrm{tr}(X^\\top X)$$",
    ]
    for text in wrong:
        assert _one(text).verdict is Verdict.UNDECIDED, text
    square = _one("Let $A$ be a square matrix.\n\n$$(A^\\top)^\\top = A$$")
    assert square.verdict is Verdict.VERIFIED
    shown = "A: matrix 4x4 (checked with numbers) | A: matrix 5x5 (checked with numbers): proved or verified in each"
    assert f"(A: matrix 2x2 | A: matrix 3x3 | {shown})" in square.detail


def test_a_defined_name_of_undeclared_vectors_transposed_is_not_decided_as_scalars() -> None:
    # attack H195, H196: u u^T = u^T u after u := a - b
    for text in (
        "Let $\\mathbf{u} = \\mathbf{a} - \\mathbf{b}$.\n\n"
        "$$\\mathbf{u}\\mathbf{u}^\\top = \\mathbf{u}^\\top\\mathbf{u}$$",
        "Let $u = a + b$.\n\n$$u u^\\top = u^\\top u$$",
    ):
        r = _one(text)
        assert r.verdict is Verdict.UNDECIDED, text
        assert "u is transposed but not declared" in r.detail
    declared = (
        "---\nderive:\n  symbols: {a: vector 3, b: vector 3}\n---\n"
        "Let $u = a + b$.\n\n$$u^\\top u = u^\\top a + u^\\top b$$"
    )
    assert _one(declared).verdict is Verdict.PROVED


def test_a_matrix_the_text_calls_identity_zero_ones_or_idempotent_is_no_general_counterexample() -> None:
    # attacks H206, H212, H216-H218, H224, H229, H236, H237: true steps, refuted through a general draw
    true_steps = [
        "Let $I$ be the $n \\times n$ identity matrix.\n\n$$I^2 = I$$",
        "Let $A$ and $O$ be $n \\times n$ matrices, $O$ the zero matrix.\n\n$$A + O = A$$",
        "Let $J$ be the $n \\times n$ matrix of ones.\n\n$$\\mathrm{tr}(J) = n$$",
        "Let $M$ be idempotent.\n\n$$M^2 = M$$",
        "Let $e_1 \\in \\mathbb{R}^n$ be the first standard basis vector.\n\n$$e_1^\\top e_1 = 1$$",
    ]
    for text in true_steps:
        assert _one(text).verdict is Verdict.UNDECIDED, text
    general = _one("Let $A$ be an $n \\times n$ matrix.\n\n$$A^2 = A$$")
    assert general.verdict is Verdict.REFUTED


def test_the_identity_in_words_is_no_number_to_refute_with() -> None:
    # attacks H249, H261: I drawn as a number other than 1
    for text in (
        "Let $A$ be an invertible $n \\times n$ matrix and $I$ the $n \\times n$ identity matrix.\n\n$$A A^{-1} = I$$",
        "Let $I$ be the identity and $A$ a matrix.\n\n$$AI = A$$",
    ):
        assert _one(text).verdict is Verdict.UNDECIDED, text
