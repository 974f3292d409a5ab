"""What the text states of an undeclared matrix next to declared vectors (`derive.latex.shapes_said`): a matrix
stated symmetric (a Hessian, ``H = H^\\top``) or positive definite is drawn symmetric positive definite in the
shape readings; a symmetric one only in an equation without roots, logarithms or absolute values (where definite
draws stand for every symmetric matrix). Never on a word said of another name, negated, supposed or skew."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

import derive
import derive.latex
from derive import Verdict
from derive.latex.shapes_said import said_structure

VECTORS = r"Let $\mathbf{w} \in \mathbb{R}^n$ and $\mathbf{v} \in \mathbb{R}^n$"
SWAP = r"$$\mathbf{v}^\top \mathbf{H}^\top \mathbf{w} = \mathbf{v}^\top \mathbf{H} \mathbf{w}$$"
#: Its wrong twin: true for no matrix but the zero one (w and v swapped on one side only, and the sign).
SWAP_WRONG = r"$$\mathbf{v}^\top \mathbf{H}^\top \mathbf{w} = -\mathbf{w}^\top \mathbf{H} \mathbf{w}$$"
#: True for positive (semi)definite H, false for an indefinite symmetric one.
ABSOLUTE = r"$$|\mathbf{w}^\top \mathbf{H} \mathbf{w}| = \mathbf{w}^\top \mathbf{H} \mathbf{w}$$"


def _one(text: str) -> derive.Result:
    results = derive.check_latex(text)
    assert len(results) == 1
    return results[0]


def test_transpose_of_a_matrix_stated_symmetric_is_verified_and_says_why() -> None:
    r = _one(f"{VECTORS}, and let $\\mathbf{{H}}$ be a symmetric matrix.\n\n{SWAP}\n")
    assert r.verdict is Verdict.VERIFIED
    assert "H: spd matrix n x n" in r.detail and "symmetric matrix" in r.detail and "the text says" in r.detail


def test_transpose_of_an_unnamed_matrix_stays_undecided() -> None:
    assert _one(f"{VECTORS}.\n\n{SWAP}\n").verdict is Verdict.UNDECIDED


def test_wrong_twin_under_a_symmetric_matrix_is_not_accepted() -> None:
    r = _one(f"{VECTORS}, and let $\\mathbf{{H}}$ be a symmetric matrix.\n\n{SWAP_WRONG}\n")
    assert r.verdict not in (Verdict.PROVED, Verdict.VERIFIED)


@pytest.mark.parametrize(
    "said",
    [
        "let $\\mathbf{H}$ be a skew-symmetric matrix",
        "let $\\mathbf{H}$ be an antisymmetric matrix",
        "note that $\\mathbf{H}$ is not symmetric",
        "if $\\mathbf{H}$ is symmetric, the two agree",
        "suppose $\\mathbf{H}$ were symmetric",
        "let $\\mathbf{A}$ be symmetric and $\\mathbf{H}$ arbitrary",
        "let $\\mathbf{H}$ be the inverse of the symmetric matrix $\\mathbf{A}$",
    ],
)
def test_symmetric_said_otherwise_or_of_another_name_draws_nothing(said: str) -> None:
    assert _one(f"{VECTORS}, and {said}.\n\n{SWAP}\n").verdict is Verdict.UNDECIDED


def test_symmetric_is_no_definite_draw_under_an_absolute_value() -> None:
    # |w^T H w| = w^T H w holds for every positive definite H and fails for an indefinite symmetric one
    r = _one(f"{VECTORS}, and let $\\mathbf{{H}}$ be a symmetric matrix.\n\n{ABSOLUTE}\n")
    assert r.verdict is Verdict.UNDECIDED


def test_positive_definite_said_makes_the_absolute_value_step_hold() -> None:
    r = _one(f"{VECTORS}, and let $\\mathbf{{H}}$ be a positive definite matrix.\n\n{ABSOLUTE}\n")
    assert r.verdict is Verdict.VERIFIED
    assert "H drawn symmetric positive definite" in r.detail


def test_a_hessian_and_a_stated_transpose_are_symmetric() -> None:
    for said in ("$\\mathbf{H}$ is the Hessian of $f$", "we have $\\mathbf{H} = \\mathbf{H}^\\top$"):
        assert _one(f"{VECTORS}. Here {said}.\n\n{SWAP}\n").verdict is Verdict.VERIFIED, said


def test_a_hedge_in_a_parenthesis_hedges_only_itself() -> None:
    said = (
        "and $\\mathbf{H}$ a symmetric positive definite matrix (e.g. the Hessian of $J(\\mathbf{w})$ if positive "
        "definite)"
    )
    assert _one(f"{VECTORS}, {said}.\n\n{SWAP}\n").verdict is Verdict.VERIFIED


def test_a_definite_matrix_is_not_drawn_in_an_inequality() -> None:
    # a covariance may be singular: strictness does not follow from definite draws
    text = f"{VECTORS}, and let $\\mathbf{{H}}$ be a positive definite matrix.\n\n"
    r = _one(text + r"$$\mathbf{w}^\top \mathbf{H} \mathbf{w} > 0$$" + "\n")
    assert r.verdict not in (Verdict.PROVED, Verdict.VERIFIED)


@dataclass
class _Said:
    prose: str
    ranges: tuple[tuple[str, str], ...] = ()
    conditions: tuple[str, ...] = ()


@pytest.mark.parametrize(
    ("prose", "kind"),
    [
        ("the symmetric matrix $H$ is given", "symmetric"),
        ("a symmetric $n\\times n$ matrix $H$.", "symmetric"),
        ("$H \\in \\mathbb{R}^{n\\times n}$ is symmetric.", "symmetric"),
        ("the covariance matrix $H$ of x.", "spd"),
        ("where $H$ is positive semidefinite.", None),
        ("and $H^\\top$ is symmetric", None),
        # a sentence that calls something arbitrary or general leaves the structure in doubt (K11), even when
        # the word is said of another name: conservative, never an acceptance
        ("Let $A$ be arbitrary, $H$ symmetric", None),
        ("Let $A$ be square, $H$ symmetric", "symmetric"),
        ("Let $H$ be arbitrary, $A$ symmetric", None),
        ("if $H = H^\\top$ then", None),
        ("$H = A^\\top$ is symmetric", None),
    ],
)
def test_said_structure_reads_the_words_of_the_name_itself(prose: str, kind: str | None) -> None:
    said = said_structure(_Said(prose), "H")  # type: ignore[arg-type]
    assert (said[0] if said else None) == kind


def test_a_condition_stating_the_transpose_makes_it_symmetric() -> None:
    stated = _Said("", conditions=("H^\\top = H (line 3, stated in the text)",))
    said = said_structure(stated, "H")  # type: ignore[arg-type]
    assert said is not None and said[0] == "symmetric"
    other = _Said("", conditions=("A^\\top = H (line 3, stated in the text)",))
    assert said_structure(other, "H") is None  # type: ignore[arg-type]


# --- K9: "$\mathbf{x} \in \mathbb{R}^n$ nonzero" (the word right after the name) excludes x = 0 ---------------

NONZERO = (
    "Let $\\mathbf{P} \\in \\mathbb{R}^{n\\times n}$ be symmetric positive definite, and $\\mathbf{x} \\in "
    "\\mathbb{R}^n$ {word}.\n\n$$\\mathbf{{x}}^\\top \\mathbf{{P}} \\mathbf{{x}} > 0$$\n"
)


def test_nonzero_right_after_a_declaration_keeps_the_zero_vector_from_refuting() -> None:
    r = _one(NONZERO.replace("{word}", "nonzero").replace("{{", "{").replace("}}", "}"))
    assert r.verdict is not Verdict.REFUTED


def test_without_nonzero_the_zero_vector_still_refutes_the_strict_form() -> None:
    r = _one(NONZERO.replace("{word}", "arbitrary").replace("{{", "{").replace("}}", "}"))
    assert r.verdict is Verdict.REFUTED


def test_a_count_of_nonzero_entries_says_nothing_of_the_name() -> None:
    from derive.latex.assumptions import nonzero_in_words  # noqa: PLC0415

    assert nonzero_in_words("a vector with $k$ nonzero entries") == []
    assert [n for _, _, n, _, _ in nonzero_in_words("and $\\mathbf{x} \\in \\mathbb{R}^n$ nonzero.")] == ["nonzero:x"]


GRADIENT = r"$$\nabla_{\mathbf{w}} (\mathbf{w}^\top \mathbf{H} \mathbf{w}) = {rhs}$$"


def test_a_gradient_by_a_vector_through_a_symmetric_matrix_is_verified() -> None:
    text = f"{VECTORS}, and let $\\mathbf{{H}}$ be a symmetric matrix.\n\n"
    r = _one(text + GRADIENT.replace("{rhs}", r"2\mathbf{H}\mathbf{w}") + "\n")
    assert r.verdict is Verdict.VERIFIED


def test_the_wrong_gradient_through_a_symmetric_matrix_is_not_accepted() -> None:
    text = f"{VECTORS}, and let $\\mathbf{{H}}$ be a symmetric matrix.\n\n"
    for wrong in (r"\mathbf{H}\mathbf{w}", r"2\mathbf{H}^\top\mathbf{H}\mathbf{w}"):
        r = _one(text + GRADIENT.replace("{rhs}", wrong) + "\n")
        assert r.verdict not in (Verdict.PROVED, Verdict.VERIFIED), wrong


def test_a_derivative_by_the_symmetric_matrix_itself_is_no_definite_draw() -> None:
    from derive.latex.shapes_said import covers_symmetric  # noqa: PLC0415

    text = (
        f"{VECTORS}, and let $\\mathbf{{H}}$ be a symmetric matrix.\n\n"
        r"$$\frac{\partial}{\partial \mathbf{H}} (\mathbf{w}^\top \mathbf{H} \mathbf{w}) = \mathbf{w}\mathbf{w}^\top$$"
        "\n"
    )
    step = derive.latex.read_document(text).steps[0]
    assert not covers_symmetric(step, "H")
    assert "drawn symmetric positive definite" not in (_one(text).detail or "")


# --- K11: a case, a law's symmetry, a cross-covariance, a name called general: no structure -----------------


@pytest.mark.parametrize(
    "said",
    [
        "When $\\mathbf{H}$ is symmetric the two forms below agree; here $\\mathbf{H}$ is a general square matrix",
        "In the special case that $\\mathbf{H}$ is symmetric the forms agree",
        "The random matrix $\\mathbf{H}$ is symmetric in distribution: its entries are i.i.d. and symmetric about zero",
        "The matrix $\\mathbf{H}$ is symmetric about its mean",
        "The matrix $\\mathbf{H}$ is the covariance matrix between $\\mathbf{x}_1$ and $\\mathbf{x}_2$",
        "The matrix $\\mathbf{H}$ is the covariance matrix of $\\mathbf{x}$ and $\\mathbf{y}$",
        "Let $\\mathbf{H}$ be symmetric. Below, $\\mathbf{H}$ is an arbitrary matrix again",
    ],
)
def test_no_structure_from_a_case_a_law_a_cross_covariance_or_a_general_name(said: str) -> None:
    r = _one(f"{VECTORS}. {said}.\n\n{SWAP}\n")
    assert r.verdict is Verdict.UNDECIDED, said


def test_the_covariance_of_one_vector_is_still_definite() -> None:
    r = _one(f"{VECTORS}. The matrix $\\mathbf{{H}}$ is the covariance matrix of $\\mathbf{{x}}$.\n\n{SWAP}\n")
    assert r.verdict is Verdict.VERIFIED
