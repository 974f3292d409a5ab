"""Matrix calculus in LaTeX: derivatives of a scalar by a vector or a matrix (grammar_matrix_calculus) and the
readings a step is checked under (matcal_readings: the layout, a symmetric matrix's entries, a general matrix
that may be a covariance).

Until `derive.latex.shapes` runs `matcal_readings` itself, the fixture below wires it in for these tests, as
the patch does (`readings` once per variant, `_combine` per variant and then across them).
"""

from __future__ import annotations

import inspect

import pytest

import derive
from derive import Verdict
from derive.latex import shapes
from derive.latex.matcal_readings import combine_readings, declared_marks, matrix_calculus_readings

_WIRED = "matrix_calculus_readings" in inspect.getsource(shapes.readings)
_XA = r"Let $\mathbf x \in \mathbb R^n$ and $A \in \mathbb R^{n\times n}$."
_AX = r"Let $\mathbf a, \mathbf b \in \mathbb R^n$ and $X, A \in \mathbb R^{n\times n}$."
_AXV = r"Let $\mathbf a \in \mathbb R^n$, $\mathbf x \in \mathbb R^n$."
_SPD = {"S": "spd matrix n x n", "x": "vector n"}


@pytest.fixture(autouse=True)
def _wired(monkeypatch: pytest.MonkeyPatch) -> None:
    if _WIRED:
        return
    readings, combine = shapes.readings, shapes._combine
    monkeypatch.setattr(shapes, "readings", lambda step: matrix_calculus_readings(step, readings(step)))
    monkeypatch.setattr(shapes, "_combine", lambda step, pairs: combine_readings(step, pairs, combine))


def _one(text: str, prose: str = "", symbols: dict[str, str] | None = None) -> tuple[Verdict, str]:
    results = derive.check_latex(f"{prose}\n$${text}$$\n" if prose else f"$${text}$$", symbols=symbols)
    assert len(results) == 1, [r.claim for r in results]
    return results[0].verdict, results[0].detail


# --- the size-1 gradient: x^T at size 1 is a number, but not a scalar written transposed ------------------------


@pytest.mark.parametrize(
    ("tex", "verdict"),
    [
        (r"\nabla_{\mathbf x} \mathbf x^T A \mathbf x = (A+A^T)\mathbf x", Verdict.PROVED),
        (r"\nabla_{\mathbf x} \mathbf x^T A \mathbf x = 2 A \mathbf x", Verdict.PROVED),  # A = A^T at size 1
        (r"\nabla_{\mathbf x} \mathbf x^T A \mathbf x = A \mathbf x", Verdict.REFUTED),  # the old lhs
        (r"\frac{\partial}{\partial \mathbf x} \mathbf x^T A \mathbf x = (A+A^T)\mathbf x", Verdict.PROVED),
        (r"\frac{\partial \mathbf x^T A \mathbf x}{\partial \mathbf x} = (A+A^T)\mathbf x", Verdict.PROVED),
        (r"\frac{\partial \mathbf x^T A \mathbf x}{\partial \mathbf x} = A\mathbf x", Verdict.REFUTED),
        (r"\nabla_{\mathbf x} \mathbf a^T \mathbf x = \mathbf a", Verdict.PROVED),
        (r"\nabla_{\mathbf x} \mathbf x^T \mathbf a = \mathbf a", Verdict.PROVED),
        (r"\frac{\partial \mathbf a^T \mathbf x}{\partial \mathbf x} = \mathbf a", Verdict.PROVED),
        (r"\frac{\partial}{\partial \mathbf x} \mathbf x^T \mathbf a = 2\mathbf a", Verdict.REFUTED),
    ],
)
def test_forms_at_size_one(tex: str, verdict: Verdict) -> None:
    got, detail = _one(tex, symbols={"x": "vector 1", "a": "vector 1", "A": "matrix 1 x 1"})
    assert got is verdict, detail


def test_quadratic_form_swept_names_its_sizes() -> None:
    got, detail = _one(r"\nabla_{\mathbf x} \mathbf x^T A \mathbf x = (A+A^T)\mathbf x", _XA)
    assert got is Verdict.VERIFIED, detail
    assert "n = 1; n = 2; n = 3" in detail


def test_transposed_scalar_gradient_still_reads() -> None:
    # J(w)^T: a scalar written transposed; the transpose is the gradient's (a row), times v
    doc = r"Let $\mathbf w, \mathbf v \in \mathbb R^n$. $$J(\mathbf w) = \mathbf w^T \mathbf w$$"
    results = derive.check_latex(doc + r"$$\nabla J(\mathbf w)^T \mathbf v = 2 \mathbf w^T \mathbf v$$")
    assert results[-1].verdict is Verdict.VERIFIED, results[-1].detail


# --- only for symmetric matrices, never for a general one ----------------------------------------------------


def test_symmetric_only_quadratic_form_is_refuted_for_a_general_matrix() -> None:
    got, detail = _one(r"\nabla_{\mathbf x} \mathbf x^T A \mathbf x = 2 A\mathbf x", _XA)
    assert got is Verdict.REFUTED, detail
    assert "at n = 2" in detail


def test_symmetric_only_quadratic_form_holds_for_a_declared_spd_matrix() -> None:
    got, detail = _one(r"\nabla_{\mathbf x} \mathbf x^T S \mathbf x = 2 S\mathbf x", symbols=_SPD)
    assert got is Verdict.VERIFIED, detail


# --- by a matrix, with nabla (the gradient: the matrix's shape in every text) -----------------------------------


@pytest.mark.parametrize(
    ("tex", "verdict"),
    [
        (r"\nabla_X \mathbf a^T X \mathbf b = \mathbf a \mathbf b^T", Verdict.VERIFIED),
        (r"\nabla_X \mathbf a^T X \mathbf b = \mathbf b \mathbf a^T", Verdict.REFUTED),
        (r"\nabla_X \mathrm{tr}(X^T A X) = (A + A^T) X", Verdict.VERIFIED),
        (r"\nabla_X \mathrm{tr}(X^T A X) = 2 A X", Verdict.REFUTED),  # also with X symmetric: A is general
        (r"\nabla_X \log\det(X) = X^{T}", Verdict.REFUTED),  # a missing inverse: wrong for every X
        (r"\nabla_X \mathrm{tr}(X^{-1} A) = -X^{-1} A X^{-1}", Verdict.REFUTED),
        (r"\nabla_{X} \mathrm{tr}(A X) = A^T", Verdict.VERIFIED),
        (r"\nabla_{X} \mathrm{tr}(A X) = A", Verdict.REFUTED),
    ],
)
def test_gradient_by_a_matrix(tex: str, verdict: Verdict) -> None:
    got, detail = _one(tex, _AX)
    assert got is verdict, detail
    if verdict is Verdict.VERIFIED:
        assert "n = 1; n = 2; n = 3" in detail


@pytest.mark.parametrize(
    "tex", [r"\nabla_X \log\det(X) = X^{-T}", r"\nabla_X \mathrm{tr}(X^{-1} A) = -X^{-T} A^T X^{-T}"]
)
def test_gradient_through_an_inverse_at_a_given_size(tex: str) -> None:
    # at letter sizes the far size is checked with numbers within a time budget (derive.latex.shapes_far), which
    # under load may run out (undecided); at a size given in numbers the step is proved
    got, detail = _one(tex, symbols={"X": "matrix 2x2", "A": "matrix 2x2"})
    assert got is Verdict.PROVED, detail


def test_true_only_for_a_symmetric_matrix_is_not_refuted() -> None:
    # d log|X|/dX = X^{-T}: X^{-1} is right for a covariance, which a text may declare only as R^{n x n}
    got, detail = _one(r"\nabla_X \log\det(X) = X^{-1}", _AX)
    assert got is Verdict.UNDECIDED, detail
    assert "fails for a general matrix" in detail
    assert "the matrix symmetric" in detail


# --- by a matrix, with \partial or d: the layout -----------------------------------------------------------------


@pytest.mark.parametrize(
    "tex",
    [
        r"\frac{\partial}{\partial X}\mathrm{tr}(AX) = A^T",
        r"\frac{\partial \mathrm{tr}(AX)}{\partial X} = A^T",
        r"\partial_X \mathrm{tr}(AX) = A^T",
        r"\frac{d}{dX}\mathrm{tr}(AX) = A^T",
        r"\frac{\partial \mathbf a^T X \mathbf b}{\partial X} = \mathbf a \mathbf b^T",
    ],
)
def test_layout_decides_so_undecided(tex: str) -> None:
    got, detail = _one(tex, _AX)
    assert got is Verdict.UNDECIDED, detail
    assert "verified with the denominator layout; refuted with the numerator layout" in detail
    assert "layout: denominator or numerator" in detail


def test_numerator_layout_value_is_undecided_too() -> None:
    got, detail = _one(r"\frac{\partial}{\partial X}\mathrm{tr}(AX) = A", _AX)
    assert got is Verdict.UNDECIDED, detail
    assert "refuted with the denominator layout; verified with the numerator layout" in detail


@pytest.mark.parametrize(
    ("layout", "rhs", "verdict"),
    [
        ("denominator", "A^T", Verdict.VERIFIED),
        ("denominator", "A", Verdict.REFUTED),
        ("numerator", "A", Verdict.VERIFIED),
        ("numerator", "A^T", Verdict.REFUTED),
    ],
)
def test_layout_said_in_the_prose(layout: str, rhs: str, verdict: Verdict) -> None:
    prose = f"We use the {layout} layout. {_AX}"
    got, detail = _one(rf"\frac{{\partial}}{{\partial X}}\mathrm{{tr}}(AX) = {rhs}", prose)
    assert got is verdict, detail


def test_two_layouts_said_leave_it_open() -> None:
    prose = f"In the numerator layout this is A, in the denominator layout A^T. {_AX}"
    got, detail = _one(r"\frac{\partial}{\partial X}\mathrm{tr}(AX) = A^T", prose)
    assert got is Verdict.UNDECIDED, detail


def test_a_symmetric_derivative_needs_no_layout() -> None:
    got, detail = _one(r"\frac{\partial \mathbf a^T X \mathbf a}{\partial X} = \mathbf a \mathbf a^T", _AX)
    assert got is Verdict.VERIFIED, detail
    assert "holds in every reading of the matrix derivative" in detail


def test_inner_product_for_outer_is_refuted_in_every_layout() -> None:
    got, detail = _one(r"\frac{\partial \mathbf a^T X \mathbf a}{\partial X} = \mathbf a^T \mathbf a", _AX)
    assert got is Verdict.REFUTED, detail
    assert "fails in every reading of the matrix derivative" in detail
    assert "shapes differ" in detail


@pytest.mark.parametrize(
    ("tex", "verdict", "said"),
    [
        # a column is the denominator layout's, a row the numerator layout's: the other does not fit the shapes
        (r"\frac{\partial \mathbf a^T \mathbf x}{\partial \mathbf x} = \mathbf a", Verdict.VERIFIED, "numerator"),
        (r"\frac{\partial \mathbf a^T \mathbf x}{\partial \mathbf x} = \mathbf a^T", Verdict.VERIFIED, "denominator"),
        (r"\frac{\partial \mathbf a^T \mathbf x}{\partial \mathbf x} = 2\mathbf a", Verdict.REFUTED, "numerator"),
        (r"\frac{\partial \mathbf a^T \mathbf x}{\partial \mathbf x} = 2\mathbf a^T", Verdict.REFUTED, "denominator"),
    ],
)
def test_vector_layout_follows_the_shapes(tex: str, verdict: Verdict, said: str) -> None:
    got, detail = _one(tex, _AXV)
    assert got is verdict, detail
    assert f"the {said} layout: the shapes do not fit" in detail


# --- a symmetric matrix: independent entries or the distinct ones ------------------------------------------------


def test_symmetric_matrix_entry_reading_decides_so_undecided() -> None:
    got, detail = _one(r"\nabla_S \log\det(S) = S^{-1}", symbols=_SPD)
    assert got is Verdict.UNDECIDED, detail
    # the independent-entries reading is undecided now: its far size (4) cannot be checked (derive.latex.shapes_far)
    assert "with independent entries; refuted with the distinct entries" in detail
    assert "entries: independent or symmetric" in detail


def test_symmetric_matrix_distinct_entries_reading() -> None:
    # 2 S^{-1} - diag(S^{-1}) at n = 2: entries (1,1), (2,2) of S^{-1}, twice the off-diagonal one
    tex = r"\nabla_S \log\det(S) = 2 S^{-1} - S^{-1} \circ I_n"
    got, detail = _one(tex, symbols={**_SPD, "n": "positive integer"})
    assert got is not Verdict.REFUTED, detail
    assert got is not Verdict.VERIFIED, detail


def test_symmetric_matrix_wrong_in_both_readings_is_refuted() -> None:
    got, detail = _one(r"\nabla_S \log\det(S) = S", symbols=_SPD)
    assert got is Verdict.REFUTED, detail
    assert "independent entries" in detail
    assert "distinct entries" in detail


def test_symmetric_matrix_agreeing_readings_verified() -> None:
    # x^T S x has the same derivative by S's entries independent? x x^T vs 2 x x^T - diag: no; tr(S) agrees
    got, detail = _one(r"\nabla_S \mathrm{tr}(S) = I_n", symbols={**_SPD, "n": "positive integer"})
    assert got is Verdict.VERIFIED, detail


def test_gaussian_precision_gradient_depends_on_the_entry_reading() -> None:
    tex = (
        r"\nabla_{S} \left(\frac{1}{2}\log\det(S) - \frac{1}{2}\mathbf x^T S \mathbf x\right) = "
        r"\frac{1}{2} S^{-1} - \frac{1}{2}\mathbf x \mathbf x^T"
    )
    got, detail = _one(tex, symbols=_SPD)
    assert got is Verdict.UNDECIDED, detail
    assert "independent entries" in detail


def test_gaussian_covariance_gradient_for_a_general_matrix_is_undecided() -> None:
    prose = r"Let $\mathbf x \in \mathbb R^n$ and $\Sigma \in \mathbb R^{n\times n}$."
    tex = (
        r"\nabla_{\Sigma} \left(-\frac{1}{2}\log\det(\Sigma) - \frac{1}{2}\mathbf x^T \Sigma^{-1} \mathbf x\right) = "
        r"-\frac{1}{2}\Sigma^{-1} + \frac{1}{2}\Sigma^{-1}\mathbf x \mathbf x^T \Sigma^{-1}"
    )
    got, detail = _one(tex, prose)
    assert got is Verdict.UNDECIDED, detail
    assert "fails for a general matrix" in detail


def test_gaussian_covariance_gradient_missing_inverse_is_refuted() -> None:
    prose = r"Let $\mathbf x \in \mathbb R^n$ and $\Sigma \in \mathbb R^{n\times n}$."
    tex = (
        r"\nabla_{\Sigma} \left(-\frac{1}{2}\log\det(\Sigma) - \frac{1}{2}\mathbf x^T \Sigma^{-1} \mathbf x\right) = "
        r"-\frac{1}{2}\Sigma^{-1} + \frac{1}{2}\Sigma^{-1}\mathbf x \mathbf x^T"
    )
    got, detail = _one(tex, prose)
    assert got is Verdict.REFUTED, detail


# --- unread, never guessed -----------------------------------------------------------------------------------


def test_unknown_function_of_a_matrix_is_never_decided() -> None:
    got, detail = _one(r"\nabla_X f(X) = X", _AX)
    assert got in (Verdict.UNDECIDED, Verdict.ERROR), detail


def test_jacobian_is_not_read() -> None:
    got, detail = _one(r"\nabla_X X \mathbf a = \mathbf a", _AX)
    assert got in (Verdict.UNDECIDED, Verdict.ERROR), detail


def test_second_derivative_by_a_matrix_is_not_read() -> None:
    got, detail = _one(r"\frac{\partial^2}{\partial X^2} \mathrm{tr}(X) = 0", _AX)
    assert got in (Verdict.UNDECIDED, Verdict.ERROR), detail


# --- the front matter's keys -------------------------------------------------------------------------------------


def test_declared_marks() -> None:
    marks, errors = declared_marks({"layout": "Denominator", "entries": "independent"}, "front matter")
    assert marks == {"layout__denominator": "real", "entries__independent": "real"}
    assert errors == []
    marks, errors = declared_marks({"layout": "rows"}, "front matter")
    assert marks == {}
    assert errors == ["front matter: 'derive: layout:' must be one of denominator, numerator, not 'rows'"]


def test_declared_layout_through_symbols() -> None:
    symbols = {"layout__numerator": "real"}
    got, detail = _one(r"\frac{\partial}{\partial X}\mathrm{tr}(AX) = A", _AX, symbols=symbols)
    assert got is Verdict.VERIFIED, detail


def test_declared_entries_through_symbols() -> None:
    spd3 = {"S": "spd matrix 2x2"}
    got, detail = _one(r"\nabla_S \log\det(S) = S^{-1}", symbols={**spd3, "entries__independent": "real"})
    assert got is Verdict.PROVED, detail
    got, detail = _one(r"\nabla_S \log\det(S) = S^{-1}", symbols={**_SPD, "entries__symmetric": "real"})
    assert got is Verdict.REFUTED, detail


# --- by the inverse: the precision written Sigma^{-1} ------------------------------------------------------------

_INV = {"Sigma": "matrix 2x2", "S": "matrix 2x2"}
_LOGLIK = (
    r"\frac{\partial}{\partial \Sigma^{-1}} \left(-\frac{1}{2}\log\det(\Sigma) - "
    r"\frac{1}{2}\mathrm{tr}(\Sigma^{-1} S)\right)"
)


@pytest.mark.parametrize(
    ("rhs", "verdict", "said"),
    [
        # -X^T F X^T for F = d f/d Sigma: (Sigma^T - S^T) / 2 in the denominator layout, its transpose in the other
        (
            r"\frac{1}{2}\Sigma^T - \frac{1}{2}S^T",
            Verdict.UNDECIDED,
            "with the denominator layout; refuted with the numerator",
        ),
        (
            r"\frac{1}{2}\Sigma - \frac{1}{2}S",
            Verdict.UNDECIDED,
            "refuted with the denominator layout; proved with the numerator",
        ),
        (r"\frac{1}{2}\Sigma^{-1} - \frac{1}{2}S", Verdict.REFUTED, "fails in every reading"),  # an inverse too many
        (r"-\frac{1}{2}\Sigma^T + \frac{1}{2}S^T", Verdict.REFUTED, "fails in every reading"),  # the sign
    ],
)
def test_derivative_by_the_inverse(rhs: str, verdict: Verdict, said: str) -> None:
    got, detail = _one(f"{_LOGLIK} = {rhs}", symbols=_INV)
    assert got is verdict, detail
    assert said in detail


def test_derivative_by_the_inverse_of_a_symmetric_matrix() -> None:
    tex = (
        r"\frac{\partial}{\partial S^{-1}} \left(\frac{1}{2}\log\det(S) - \frac{1}{2}\mathbf x^T S^{-1}\mathbf x\right)"
    )
    spd = {"S": "spd matrix 2x2", "x": "vector 2"}
    got, detail = _one(f"{tex} = -\\frac{{1}}{{2}}S - \\frac{{1}}{{2}}\\mathbf x \\mathbf x^T", symbols=spd)
    assert got is Verdict.UNDECIDED, detail  # the distinct entries give 2G - diag(G)
    assert "independent entries" in detail
    marked = {**spd, "entries__independent": "real"}
    got, detail = _one(f"{tex} = -\\frac{{1}}{{2}}S - \\frac{{1}}{{2}}\\mathbf x \\mathbf x^T", symbols=marked)
    assert got is Verdict.PROVED, detail
    got, detail = _one(f"{tex} = \\frac{{1}}{{2}}S - \\frac{{1}}{{2}}\\mathbf x \\mathbf x^T", symbols=marked)
    assert got is Verdict.REFUTED, detail


def test_inverse_superscript_on_a_scalar_is_still_no_order() -> None:
    got, detail = _one(r"\frac{\partial f}{\partial x^{-1}} = 0", symbols={"x": "real"})
    assert got is Verdict.ERROR, detail
    assert "order" in detail


# --- a general matrix the text calls symmetric (attacker M81) -----------------------------------------------------

_SAID = (
    r"Let $\Sigma \in \mathbb{R}^{n \times n}$ be symmetric positive definite. Let $A \in \mathbb{R}^{n \times n}$ "
    r"and $\mathbf a, \mathbf b \in \mathbb R^n$."
)


@pytest.mark.parametrize(
    "tex",
    [
        r"\nabla_\Sigma \mathrm{tr}(\Sigma A) = A^\top",
        r"\nabla_\Sigma (\mathbf{a}^\top \Sigma \mathbf{b}) = \mathbf{a}\mathbf{b}^\top",
    ],
)
def test_matrix_said_symmetric_takes_both_entry_readings(tex: str) -> None:
    got, detail = _one(tex, _SAID)
    assert got is Verdict.UNDECIDED, detail
    assert "verified with independent entries; refuted with the distinct entries" in detail


def test_matrix_said_symmetric_agreeing_readings_verified() -> None:
    got, detail = _one(r"\nabla_\Sigma \mathrm{tr}(\Sigma) = I_n", _SAID)
    assert got is Verdict.VERIFIED, detail


def test_a_far_size_past_the_limit_is_no_crash() -> None:
    # 10^{-30} puts the far size past the largest size derive checks: that size is reported, the step still reads
    text = (
        "---\nlayout: denominator\n---\nLet $A, X \\in \\mathbb{R}^{n\\times n}$.\n\n"
        "$$\\frac{\\partial}{\\partial X}\\mathrm{tr}(AX) = A^\\top + 10^{-30} I$$\n"
    )
    (result,) = derive.check_latex(text)
    assert result.verdict is Verdict.REFUTED, result.detail  # the tiny gap is exact at every size read
