"""Undeclared names next to declared vectors of letter size (``\\mathbf{w} \\in \\mathbb{R}^n`` declared,
``\\mathbf{H}``, ``\\mathbf{g}``, ``a^\\top`` not): the step is checked in every shape family those names may
have (each size a letter of the step, 1, or a free letter) that reads at distinct sizes, swept over sizes as
declared names are (`derive.latex.shapes.mixed_readings`). Accepted in every family at every size is verified;
anything else is undecided (the shapes are guessed, so nothing is refuted through them)."""

from __future__ import annotations

import derive
from derive import Verdict
from derive.latex.ellipsis import expand_dotted_vectors

W = "Let $\\mathbf{w}, \\mathbf{w}_0 \\in \\mathbb{R}^n$.\n\n"


def _one(tex: str, prefix: str = W) -> tuple[Verdict, str]:
    (result,) = derive.check_latex(prefix + f"$${tex}$$\n")
    return result.verdict, " ".join(o.evidence.summary for o in result.outcomes)


def test_a_bold_capital_between_declared_vectors_is_a_square_matrix_of_their_size():
    verdict, detail = _one(
        r"(\mathbf{w}^\top \mathbf{H} \mathbf{w}_0)^\top = \mathbf{w}_0^\top \mathbf{H}^\top \mathbf{w}"
    )
    assert verdict is Verdict.VERIFIED
    assert "holds in every shape the undeclared names may have next to the declared ones (H: matrix n x n" in detail
    assert (
        "n = 1; n = 2; n = 3; n = 4 (checked with numbers); n = 5 (checked with numbers): proved or verified at each"
    ) in detail
    assert "not a proof" in detail


def test_a_step_that_needs_a_symmetric_matrix_is_undecided_not_refuted():
    verdict, detail = _one(r"\mathbf{w}_0^\top \mathbf{H}^\top \mathbf{w} = \mathbf{w}_0^\top \mathbf{H} \mathbf{w}")
    assert verdict is Verdict.UNDECIDED
    assert "the undeclared names may have several shapes (H: matrix n x n" in detail
    assert "the text may say orthogonal or symmetric in words" in detail


def test_a_false_step_through_an_undeclared_bold_vector_is_never_refuted():
    verdict, detail = _one("\\mathbf{g}^\\top \\mathbf{w} = \\mathbf{g}^\\top \\mathbf{w}_0")
    assert verdict is Verdict.UNDECIDED
    assert "(g: vector n; refuted" in detail
    assert "across the sizes n = 1; n = 2; n = 3; n = 4 (checked with numbers); n = 5 (checked with numbers))" in detail
    assert "with g: vector n; n = 2: differs at" in detail


def test_a_bold_lower_case_name_is_a_vector_of_the_size_it_meets():
    verdict, detail = _one("\\mathbf{g}^\\top \\mathbf{w} = \\mathbf{w}^\\top \\mathbf{g}")
    assert verdict is Verdict.VERIFIED
    assert "(g: vector n)" in detail
    verdict, detail = _one("\\mathbf{g} + \\mathbf{H}\\mathbf{w} = \\mathbf{H}\\mathbf{w} + \\mathbf{g}")
    assert verdict is Verdict.VERIFIED
    assert "H: matrix n x n, g: vector n" in detail


def test_a_plain_name_transposed_alone_is_a_vector_of_the_size_it_meets():
    verdict, detail = _one("a^\\top \\mathbf{w} = \\mathbf{w}^\\top a")
    assert verdict is Verdict.VERIFIED
    assert "(a: vector n)" in detail


def test_bold_i_next_to_vectors_is_the_identity_of_their_size():
    verdict, detail = _one("\\mathbf{I}\\mathbf{w} + \\mathbf{I}^\\top\\mathbf{w} = \\mathbf{w} + \\mathbf{w}")
    assert verdict is Verdict.VERIFIED
    assert "(I: identity n)" in detail
    # the same with I a general matrix would be false: the identity reading is the only one taken, and a
    # wrong step through it is not accepted
    assert _one("\\mathbf{I}\\mathbf{w} = 2\\mathbf{w}")[0] is Verdict.UNDECIDED


def test_an_i_applied_to_an_argument_is_a_function_not_the_identity():
    verdict, _ = _one("\\mathbf{I}(\\mathbf{w})^\\top \\mathbf{w} = \\mathbf{w}^\\top \\mathbf{w}")
    assert verdict is not Verdict.VERIFIED


def test_a_projection_is_no_identity_for_a_tall_or_wide_undeclared_matrix():
    # holds for a square invertible X only: the families of X n x 1 (a column) or n x k fail
    verdict, _ = _one("\\mathbf{X}(\\mathbf{X}^\\top\\mathbf{X})^{-1}\\mathbf{X}^\\top \\mathbf{w} = \\mathbf{w}")
    assert verdict is Verdict.UNDECIDED
    verdict, _ = _one("\\mathbf{B}^\\top(\\mathbf{B}\\mathbf{B}^\\top)^{-1}\\mathbf{B}\\mathbf{w} = \\mathbf{w}")
    assert verdict is Verdict.UNDECIDED


def test_two_undeclared_matrices_do_not_commute():
    verdict, _ = _one("\\mathbf{A}\\mathbf{B}\\mathbf{w} = \\mathbf{B}\\mathbf{A}\\mathbf{w}")
    assert verdict is Verdict.UNDECIDED


def test_an_inner_size_no_declaration_gives_is_a_free_letter_swept_too():
    verdict, detail = _one(
        r"\mathbf{w}^\top \mathbf{A}\mathbf{B}\mathbf{w} = \mathbf{w}^\top \mathbf{B}^\top\mathbf{A}^\top\mathbf{w}"
    )
    assert verdict is Verdict.VERIFIED
    assert "A: matrix n x k, B: matrix k x n" in detail
    assert "k = 2, n = 1" in detail


def test_a_scalar_factor_next_to_bold_vectors_stays_a_scalar():
    verdict, detail = _one(
        "(\\mathbf{w} + \\epsilon\\mathbf{h})^\\top \\mathbf{H}\\mathbf{w} = \\mathbf{w}^\\top\\mathbf{H}\\mathbf{w} "
        "+ \\epsilon\\mathbf{h}^\\top\\mathbf{H}\\mathbf{w}",
        prefix="Let $\\mathbf{w}, \\mathbf{h} \\in \\mathbb{R}^n$.\n\n",
    )
    assert verdict is Verdict.VERIFIED
    assert "H: matrix n x n, epsilon: real" in detail


# -- capitals under a matrix operator with nothing declared: matrices of sizes 2 and 3, I the identity ---------


def _bare(tex: str) -> tuple[Verdict, str]:
    return _one(tex, prefix="")


def test_the_trace_is_cyclic_for_every_shape_of_undeclared_capitals():
    verdict, detail = _bare(r"\mathrm{tr}(ABC) = \mathrm{tr}(BCA)")
    assert verdict is Verdict.VERIFIED
    assert "A: matrix 2x3, B: matrix 3x2, C: matrix 2x2" in detail
    assert "other sizes are the gap: not a proof" in detail


def test_a_trace_of_a_permutation_that_is_not_cyclic_is_undecided_not_refuted():
    verdict, detail = _bare(r"\mathrm{tr}(ABC) = \mathrm{tr}(ACB)")
    assert verdict is Verdict.UNDECIDED
    assert "differs at A[1,1]" in detail


def test_det_of_a_product_of_undeclared_capitals_may_be_rectangular():
    # det(AB) = det(BA) holds for square A, B only: a 2x3 times a 3x2 is a reading
    verdict, detail = _bare(r"\det(A B) = \det(B A)")
    assert verdict is Verdict.UNDECIDED
    assert "A: matrix 2x3, B: matrix 3x2" in detail


def test_an_undeclared_i_under_a_matrix_operator_is_the_identity_of_either_size():
    verdict, detail = _bare(r"\mathrm{tr}(I) = 2")
    assert verdict is Verdict.UNDECIDED
    assert "proved with I: identity 2; refuted with I: identity 3" in detail
    assert _bare(r"\det(2A) = 2\det(A)")[0] is Verdict.UNDECIDED


def test_an_applied_i_is_no_identity_under_a_matrix_operator():
    verdict, _ = _bare(r"\mathrm{tr}(A) = I(A)")
    assert verdict is not Verdict.VERIFIED


# -- a vector written with \vdots (\cdots) up to a letter size: its entries at each size checked ---------------


def test_a_column_written_with_vdots_is_the_declared_vector_at_each_size():
    verdict, detail = _one(r"\begin{pmatrix} w_1 \\ w_2 \\ \vdots \\ w_n \end{pmatrix} = \mathbf{w}")
    assert verdict is Verdict.VERIFIED
    assert (
        "holds at every size checked (n = 1; n = 2; n = 3; n = 4 (checked with numbers)"
        "; n = 5 (checked with numbers): proved or verified at each)"
    ) in detail
    verdict, _ = _one(r"\left[\begin{matrix} w_1 & \cdots & w_n \end{matrix}\right] = \mathbf{w}^\top")
    assert verdict is Verdict.VERIFIED


def test_a_column_of_the_wrong_entries_is_refuted_at_a_size_past_one():
    verdict, detail = _one(r"\begin{pmatrix} w_1 \\ \vdots \\ w_n \end{pmatrix} = \mathbf{w}_0")
    assert verdict is Verdict.REFUTED
    assert "at n = 2" in detail


def test_a_column_whose_entries_are_no_single_family_is_not_read():
    for tex in (
        r"\begin{pmatrix} a_1 \\ a_3 \\ \vdots \\ a_n \end{pmatrix}",  # steps by 2?
        r"\begin{pmatrix} a_{11} \\ \vdots \\ a_{nn} \end{pmatrix}",  # a diagonal: a double index
        r"\begin{pmatrix} a_{1n} \\ \vdots \\ a_{nn} \end{pmatrix}",  # the letter is also a fixed index
        r"\begin{pmatrix} a_1 \\ \vdots \\ a_m \end{pmatrix}",  # m is no size checked here
        r"\begin{pmatrix} a_1 & b_1 \\ \vdots & \vdots \\ a_n & b_n \end{pmatrix}",  # two columns
    ):
        assert expand_dotted_vectors(tex, {"n": 2}) == tex
    expanded = expand_dotted_vectors(
        r"\begin{bmatrix} \alpha x_{1j} \\ \vdots \\ \alpha x_{nj} \end{bmatrix}", {"n": 2}
    )
    assert expanded == r"\begin{bmatrix}\alpha x_{1j} \\ \alpha x_{2j}\end{bmatrix}"


# -- bold I is the identity unless the prose says what else it is; a bold capital next to a bold vector -----------

V = "Let $\\mathbf{v} \\in \\mathbb{R}^n$. "


def test_bold_i_the_prose_calls_something_else_is_no_identity():
    said = V + "Here $\\mathbf{I}$ is the Fisher information matrix, not the identity.\n\n"
    tex = r"(\mathbf{I} + \mathbf{v}\mathbf{v}^\top)\mathbf{v} = (1 + \mathbf{v}^\top\mathbf{v})\mathbf{v}"
    assert _one(tex, prefix=said)[0] is Verdict.UNDECIDED
    said = V + "Let $\\mathbf{I}$ be the interaction matrix estimated from data.\n\n"
    assert _one(r"\mathbf{I}\mathbf{v} = \mathbf{v}", prefix=said)[0] is Verdict.UNDECIDED
    said = V + "Let $\\mathbf{I}$ be the identity matrix.\n\n"
    assert _one(r"\mathbf{I}\mathbf{v} = \mathbf{v}", prefix=said)[0] is Verdict.VERIFIED


def test_bold_i_next_to_another_bold_capital_is_the_identity_with_nothing_declared():
    verdict, detail = _bare(r"(\mathbf{A} + \mathbf{I})(\mathbf{A} - \mathbf{I}) = \mathbf{A}^2 - \mathbf{I}")
    assert verdict is Verdict.VERIFIED
    assert (
        "(A: matrix 2x2, I: identity 2 | A: matrix 3x3, I: identity 3"
        " | A: matrix 4x4, I: identity 4 (checked with numbers) |"
    ) in detail
    verdict, _ = _bare(r"(\mathbf{A} + \mathbf{I})(\mathbf{A} - \mathbf{I}) = \mathbf{A}^2 + \mathbf{I}")
    assert verdict is Verdict.UNDECIDED


def test_a_bold_capital_and_a_bold_vector_are_no_commuting_numbers():
    verdict, detail = _bare(r"\mathbf{H}\mathbf{v} = \mathbf{v}\mathbf{H}")
    assert verdict is Verdict.UNDECIDED
    assert "no shape their marks allow" in detail
    # a bold H is a name, not the mark of a conjugate transpose
    verdict, detail = _bare(r"(\mathbf{H}\mathbf{v})^\top = \mathbf{v}^\top\mathbf{H}")
    assert verdict is Verdict.UNDECIDED
    assert "with H: matrix 2x2, v: vector 2: differs at" in detail
    verdict, detail = _bare(r"\mathbf{W}\mathbf{x} + \mathbf{b} = \mathbf{b} + \mathbf{W}\mathbf{x}")
    assert verdict is Verdict.VERIFIED
    assert "W: matrix 2x3, b: vector 2, x: vector 3" in detail


# -- a matrix the text says more of (covariance, symmetric) than its kind: no refutation by a general sample -------


def test_a_covariance_matrix_sampled_as_a_general_one_refutes_nothing():
    said = "$D_0$ is the $k \\times k$ covariance matrix of the data. Let $u \\in \\mathbb{R}^k$.\n\n"
    verdict, detail = _one("D_0 = D_0^\\top", prefix=said)
    assert verdict is Verdict.UNDECIDED
    assert "D_0 is declared matrix k x k, but the text says more of it ($D_0$ is the $k \\times k$ covariance" in detail
    assert _one("u^\\top D_0 u \\geq 0", prefix=said)[0] is Verdict.UNDECIDED
    said = "Let $\\Sigma$ be the $d \\times d$ covariance matrix (positive definite).\n\n"
    assert _one("(\\Sigma^{-1})^\\top = \\Sigma^{-1}", prefix=said)[0] is Verdict.UNDECIDED


def test_symmetric_said_in_a_sentence_of_its_own_counts_too():
    said = "Let $A \\in \\mathbb{R}^{n \\times n}$. Note that $A$ is symmetric.\n\n"
    verdict, detail = _one("A = A^\\top", prefix=said)
    assert verdict is Verdict.UNDECIDED
    assert "(Note that $A$ is symmetric.)" in detail
    # nothing said: the general sample's counterexample stands; accepted steps are accepted either way
    plain = "Let $A \\in \\mathbb{R}^{n \\times n}$.\n\n"
    assert _one("\\det(A+A) = 2\\det(A)", prefix=plain)[0] is Verdict.REFUTED
    assert _one("(A + A^\\top)^\\top = A + A^\\top", prefix=said)[0] is Verdict.VERIFIED


def test_an_i_the_text_defines_as_a_number_is_no_identity():
    said = "Let $I = 4$ denote the number of iterations.\n\n"
    assert _one(r"\det(I) = 1", prefix=said)[0] is not Verdict.VERIFIED
    said = "Let $I = 2$ be the number of items.\n\n"
    assert "identity" not in _one(r"\mathrm{tr}(I) = 2", prefix=said)[1]
    said = "Let $\\mathbf{I}$ denote the identity matrix.\n\n"
    tex = r"(\mathbf{A} + \mathbf{I})^2 = \mathbf{A}^2 + 2\mathbf{A} + \mathbf{I}"
    assert _one(tex, prefix=said)[0] is Verdict.VERIFIED


# -- undeclared capitals multiplied: a step that holds for numbers only because they commute ---------------------


def test_a_square_of_a_sum_of_undeclared_capitals_is_no_identity_of_matrices():
    verdict, detail = _bare(r"(A+B)^2 = A^2 + 2AB + B^2")
    assert verdict is Verdict.UNDECIDED
    assert "as numbers the step is proved, but with them matrices (A, B: matrix" in detail
    assert _bare(r"(A+B)^2 = A^2 + AB + BA + B^2")[0] is Verdict.PROVED  # holds for matrices too
    assert _bare(r"(A+B)^2 = A^2 + 3AB + B^2")[0] is Verdict.REFUTED  # false for numbers already


def test_capitals_used_as_counts_stay_numbers():
    assert _bare(r"\sum_{k=1}^{K} N = N K")[0] is Verdict.PROVED  # K a bound: a count
    assert _bare(r"\frac{A}{B} B = A")[0] is Verdict.PROVED  # B divides: a number
    assert _bare(r"x_N A B = B A x_N")[0] is Verdict.UNDECIDED  # N an index; A, B may be matrices


def test_a_covariance_counterexample_drawn_symmetric_positive_definite_refutes():
    said = "Let $\\Sigma \\in \\mathbb{R}^{2 \\times 2}$. Here $\\Sigma$ is a covariance matrix.\n\n"
    verdict, detail = _one("\\det(2\\Sigma) = 2\\det\\Sigma", prefix=said)
    assert verdict is Verdict.REFUTED
    assert "with Sigma drawn symmetric positive definite, as the text says: differs at Sigma[1,1]" in detail
    said = "$D_0$ is the $k \\times k$ covariance matrix of the data.\n\n"
    verdict, detail = _one("D_0 + D_0 = 3 D_0", prefix=said)
    assert verdict is Verdict.REFUTED
    assert "at k = 2: with D_0 drawn symmetric positive definite" in detail
    # an orthogonal matrix is no positive definite one: no redraw, no refutation
    said = "Let $Q \\in \\mathbb{R}^{n \\times n}$. Note $Q$ is an orthogonal matrix.\n\n"
    assert _one("Q^\\top Q = Q", prefix=said)[0] is Verdict.UNDECIDED


def test_a_matrix_named_for_a_structure_derive_does_not_draw_refutes_nothing():
    for said in (
        "Let $P \\in \\mathbb{R}^{k \\times k}$ be a projection matrix.\n\n",
        "Let $P$ be a $k \\times k$ projection matrix.\n\n",
        "Let $P$ be a projection matrix.\n\n",
        "Let $P$ be an idempotent matrix.\n\n",
    ):
        assert _one("P^2 = P", prefix=said)[0] is Verdict.UNDECIDED, said
    said = "Let $S$ be a $k \\times k$ skew-symmetric matrix and $x \\in \\mathbb{R}^k$.\n\n"
    assert _one("x^\\top S x = 0", prefix=said)[0] is Verdict.UNDECIDED
    # a covariance with more said of it (unit variances) is not redrawn as any positive definite matrix
    said = "Let $\\Sigma$ be a $k \\times k$ covariance matrix with unit variances.\n\n"
    assert _one("\\mathrm{tr}(\\Sigma) = k", prefix=said)[0] is Verdict.UNDECIDED


def test_a_projection_or_a_linear_map_in_words_is_no_scalar():
    for said, tex in (
        ("Let $P$ be an orthogonal projection.\n\n", "P^2 = P"),
        ("Let $P$ denote the projection onto the column space of $X$.\n\n", "P^2 = P"),
        ("Let $P$ be the orthogonal projector onto $\\mathrm{span}(u)$.\n\n", "P^2 = P"),
        ("Let $M$ be an invertible linear map.\n\n", "M M^{-1} = I"),
    ):
        verdict, detail = _one(tex, prefix=said)
        assert verdict is Verdict.UNDECIDED, said
        assert "is declared as no real scalar" in detail
    # the words elsewhere declare nothing
    assert _one("k + k = 2k", prefix="Let $k$ be the number of projections.\n\n")[0] is Verdict.PROVED
