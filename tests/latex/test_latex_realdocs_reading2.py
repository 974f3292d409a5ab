"""Notation real documents write that derive could not read, and the readings that must stay unread.

- ``{\\boldsymbol{w}}_{\\mathrm{ML}}``: a brace group around one name before its subscript is that name.
- ``\\sum_{n \\in C_k}``: a sum over a set the text names but does not list is a sum over an
  unspecified finite index set of its own size |C_k|, checked at several sizes as a sum without
  bounds is. Two sets in one step (they may overlap or not), number sets (\\mathbb{R}, a bare Z), a set
  depending on an outer index, a count that may be its size (N_k) are not read, or leave the step
  undecided.
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict


def _one(text: str, **symbols: str) -> tuple[Verdict, str]:
    (result,) = derive.check_latex(f"$${text}$$", symbols=symbols or None)
    return result.verdict, result.detail


# --- {name}_sub -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tex",
    [
        r"{\mathbf{w}}_{ML} = \mathbf{w}_{ML}",
        r"{w}_{i} + 1 = 1 + w_i",
        r"{\pi}_k = \pi_k",
        r"{\hat{\mu}}_k - \hat{\mu}_k = 0",
        r"\frac 1 N \sum_{n=1}^N \{ y_n - {\boldsymbol{w}}_{\mathrm{ML}} \}^2 = \frac 1 N \sum_{n=1}^N "
        r"( y_n - \boldsymbol{w}_{\mathrm{ML}} )^2",
    ],
)
def test_braced_name_before_a_subscript_is_the_name(tex: str) -> None:
    verdict, detail = _one(tex)
    assert verdict is Verdict.PROVED, detail


def test_braced_name_keeps_the_subscript_apart_from_the_bare_name() -> None:
    # w_ML is not w: a wrong step through the bare name is refuted, not read as w = w
    verdict, detail = _one(r"{\mathbf{w}}_{ML} = \mathbf{w}")
    assert verdict is Verdict.REFUTED, detail


@pytest.mark.parametrize(
    ("tex", "why"),
    [
        (r"{x_1}_2 = 3", "unexpected _"),  # a subscript of a subscripted name: which index?
        (r"{ab}_i = 3", "unexpected _"),  # the entry of a product, or a name ab_i?
        (r"{x^2}_i = 3", "unexpected _"),
        (r"{}_nC_k = 3", "empty {}"),  # a prescript
    ],
)
def test_braced_group_that_is_no_lone_name_stays_unread(tex: str, why: str) -> None:
    verdict, detail = _one(tex)
    assert verdict is Verdict.ERROR, detail
    assert why in detail


# --- \sum_{n \in C_k} ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tex", "size", "expected"),
    [
        # linear, or the same sum under another index name: proved for every finite set (derive.tiers._bound_names)
        (r"\sum_{n \in C_k} (x_n + y_n) = \sum_{n \in C_k} x_n + \sum_{n \in C_k} y_n", "|C_k|", Verdict.PROVED),
        (r"\sum_{n \in C_k} 2 x_n = 2\sum_{m \in C_{k}} x_m", "|C_k|", Verdict.PROVED),
        (r"\sum_{n \in \mathcal{D}} x_n^2 \ge 0", r"|\mathcal{D}|", Verdict.VERIFIED),
        (
            r"\sum_{\mathbf{x} \in \mathcal{D}} f_x = \sum_{\mathbf{y} \in \mathcal{D}} f_y",
            r"|\mathcal{D}|",
            Verdict.PROVED,
        ),
        (
            r"\sum_{n \in S} \sum_{m \in S} x_n y_m = \left(\sum_{n\in S} x_n\right)\left(\sum_{m\in S} y_m\right)",
            "|S|",
            Verdict.VERIFIED,
        ),
        # D the dimension next to the data set \mathcal{D}: two names
        (r"\sum_{n \in \mathcal{D}} D x_n = D\sum_{m \in \mathcal{D}} x_m", r"|\mathcal{D}|", Verdict.PROVED),
    ],
)
def test_sum_over_a_named_set_is_an_unspecified_finite_index_set(tex: str, size: str, expected: Verdict) -> None:
    verdict, detail = _one(tex)
    assert verdict is expected, detail
    if expected is Verdict.VERIFIED:
        assert f"verified for {size} = 1, 2, 3, 4, 5, 6, 8" in detail


def test_sum_over_a_named_set_refutes_a_wrong_expansion() -> None:
    verdict, detail = _one(r"\sum_{n \in S} (x_n - y_n)^2 = \sum_{n \in S} (x_n^2 + y_n^2)")
    assert verdict is Verdict.REFUTED, detail
    assert "differs at |S| = 1, x_1 = -5/2, y_1 = 1/3" in detail


@pytest.mark.parametrize(
    ("tex", "why"),
    [
        # number sets, written or not in blackboard bold: infinite, derive does not sum them
        (r"\sum_{a \in Z} x_a = 0", "derive does not know that set"),
        (r"\sum_{a \in \mathbb{Z}} x_a = 0", "derive does not know that set"),
        (r"\sum_{a \in \mathbf{R}} x_a = 0", "derive does not know that set"),
        (r"\sum_{n \in C} x_n = 0", "derive does not know that set"),  # C: the complex numbers?
        # sets built or written out, pairs as the index
        (r"\sum_{n \in A \cup B} x_n = 1", "derive does not know that set"),
        (r"\sum_{(u,v) \in S} x_u = 1", "derive does not know that set"),
        (r"\sum_{n \in \{1, 2\}} x_n = 1", "derive does not know that set"),
        # one set per k: one size cannot stand for all of them
        (r"\sum_{k=1}^K \sum_{n \in C_k} x_n = \sum_{k=1}^K \sum_{n \in C_k} x_n", "derive does not know that set"),
        # two sets (or a set and the unspecified one) may overlap or not: read as 1..|A| and 1..|B| they nest
        (r"\sum_{n \in C_k} x_n = \sum_{n \in C_j} x_n", "whether the two index sets overlap"),
        (r"\sum_{n \in A} x_n = \sum_{n} x_n", "whether the two index sets overlap"),
        (r"\sum_{n} x_n = \sum_{n \in A} x_n", "whether the two index sets overlap"),
        # the set is not 1..|S|: the entry after x_n need not be in it; nor is n a number
        (r"\sum_{n \in S} x_{n+1} = \sum_{n\in S} x_n", "shifted from n"),
        (r"\sum_{n \in S} n = 3", "is used as a number, and derive does not know that set"),
        (r"\sum_{n \in S}^{N} x_n = 1", "with an upper bound"),
    ],
)
def test_sum_over_a_set_derive_cannot_stand_for_stays_unread(tex: str, why: str) -> None:
    verdict, detail = _one(tex)
    assert verdict is Verdict.ERROR, detail
    assert why in detail


def test_sum_over_a_declared_or_defined_set_name_stays_unread() -> None:
    verdict, detail = _one(r"\sum_{n \in S} x_n = 1", S="real")
    assert verdict is Verdict.ERROR, detail
    assert "derive does not know that set" in detail
    results = derive.check_latex("$$S := 3$$\n\n$$\\sum_{n \\in S} x_n = x_1 + x_2 + x_3$$")
    assert results[-1].verdict is Verdict.ERROR, results[-1].detail
    assert "derive does not know that set" in results[-1].detail


@pytest.mark.parametrize(
    ("tex", "why"),
    [
        # N_k may be |C_k|: read as a number of its own, the step is false
        (r"\sum_{n \in C_k} 1 = N_k", "N_k may be the size of C_k"),
        (r"\frac{1}{N_k}\sum_{n \in C_k} x_n = \frac{1}{N_k}\sum_{n \in C_k} x_n + 0", "N_k may be the size of C_k"),
        # |C_k| is its size, which derive would read as the absolute value of a number C_k
        (r"\sum_{n \in C_k} 1 = |C_{k}|", "C_k also appears outside the sum"),
        (r"\sum_{n \in \mathcal{D}} x_n = \mathcal{D}", r"\mathcal{D} also appears outside the sum"),
        # C_k within 1..N or not: a sum with bounds next to it
        (r"\sum_{n \in C_k} x_n \le \sum_{i=1}^N x_i", "may run"),
        (r"\sum_{n \in C_k} x_n \le \sum_{i=1}^3 x_i", "another sum in one step may run over overlapping indices"),
    ],
)
def test_sum_over_a_set_next_to_its_possible_size_is_undecided(tex: str, why: str) -> None:
    verdict, detail = _one(tex)
    assert verdict is Verdict.UNDECIDED, detail
    assert why in detail


# --- norms of undeclared bold names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tex", "shapes"),
    [
        # bold lower-case: a vector; sigma raised to a number and n divided by: scalars; so 3 names to shape
        (
            r"-\frac{n}{2\sigma^2} + \frac{1}{2\sigma^4} \|\mathbf{y} - \mathbf{X}\mathbf{w}\|^2 = "
            r"\frac{(\mathbf{y} - \mathbf{X}\mathbf{w})^T(\mathbf{y} - \mathbf{X}\mathbf{w}) - n\sigma^2}{2\sigma^4}",
            "X: matrix 3x2, n: scalar, sigma: scalar, w: vector 2, y: vector 3",
        ),
        (
            r"\frac{1}{n}\|\mathbf{y} - \mathbf{X}\hat{\mathbf{w}}\|^2 = "
            r"\frac{1}{n}(\mathbf{y} - \mathbf{X}\hat{\mathbf{w}})^T(\mathbf{y} - \mathbf{X}\hat{\mathbf{w}})",
            "X: matrix 2x3, n: scalar, w_hat: vector 3, y: vector 2",
        ),
        (
            r"\|\mathbf{u} + \mathbf{v}\|^2 = \|\mathbf{u}\|^2 + 2\mathbf{u}^T\mathbf{v} + \|\mathbf{v}\|^2",
            "u: vector 3, v: vector 3",
        ),
        (r"\frac{\|\mathbf{x}\|^2}{\sigma^2} = \frac{\mathbf{x}^T\mathbf{x}}{\sigma^2}", "sigma: scalar, x: vector 2"),
        (r"(\mathbf{u}^T\mathbf{v})^2 \le \|\mathbf{u}\|^2\|\mathbf{v}\|^2", "u: vector 2, v: vector 2"),
    ],
)
def test_norm_of_undeclared_bold_names_holds_in_every_shape(tex: str, shapes: str) -> None:
    verdict, detail = _one(tex)
    assert verdict is Verdict.VERIFIED, detail
    assert detail.startswith("holds in every shape the undeclared names may have here")
    assert shapes in detail
    assert "other sizes are the gap: not a proof" in detail


@pytest.mark.parametrize(
    "tex",
    [
        # the cross term's 2 dropped
        r"\frac{1}{n}\|\mathbf{y} - \mathbf{X}\mathbf{w}\|^2 = \frac{1}{n}\mathbf{y}^T\mathbf{y} - "
        r"\frac{1}{n}\mathbf{w}^T\mathbf{X}^T\mathbf{y} + \frac{1}{n}\mathbf{w}^T\mathbf{X}^T\mathbf{X}\mathbf{w}",
        r"\|\mathbf{u} + \mathbf{v}\|^2 = \|\mathbf{u}\|^2 + \|\mathbf{v}\|^2",
        r"(\mathbf{u}^T\mathbf{v})^2 \ge \|\mathbf{u}\|^2\|\mathbf{v}\|^2",
        # lambda may be negative: no absolute value written
        r"\|\lambda\mathbf{w}\| = \lambda \|\mathbf{w}\|",
        # A A^T is not A^T A
        r"\|\mathbf{A}\mathbf{w}\|^2 = \mathbf{w}^T\mathbf{A}\mathbf{A}^T\mathbf{w}",
    ],
)
def test_wrong_norm_step_of_undeclared_names_is_never_accepted(tex: str) -> None:
    # failing in every shape guessed for undeclared names is no refutation (the text may define them in words)
    verdict, detail = _one(tex)
    assert verdict is Verdict.UNDECIDED, detail
    assert "fails in every shape the undeclared names may have" in detail


def test_a_plain_name_without_a_power_keeps_every_shape() -> None:
    # beta and epsilon of a regression are plain but vectors: not read as scalars because written plainly
    tex = (
        r"\left(\mathbf{X}^T\mathbf{X}\right)^{-1}\mathbf{X}^T\left(\mathbf{X}\beta + \epsilon\right) = "
        r"\beta + \left(\mathbf{X}^T\mathbf{X}\right)^{-1}\mathbf{X}^T\epsilon"
    )
    verdict, detail = _one(tex)
    assert verdict is Verdict.VERIFIED, detail
    assert "X: matrix 3x2, beta: vector 2, epsilon: vector 3" in detail


def test_a_lone_bold_name_equal_to_its_square_stays_unread() -> None:
    # x bold and x plain are one name to derive: no shape makes x^2 and a norm of x read together
    verdict, detail = _one(r"\|\mathbf{x}\|^2 = x^2")
    assert verdict is Verdict.ERROR, detail
    assert "a norm \\|...\\| of what is not declared a vector or matrix" in detail


def test_name_marks() -> None:
    from derive.latex.names import name_marks  # noqa: PLC0415

    bold, normed, numbers = name_marks(
        r"-\frac{n}{2\sigma^2} + \|\mathbf{y} - \hat{\mathbf{w}}\|^2 + \vec{v} + \frac{a}{b \cdot c} + d^{-1} + f^{1/2}"
    )
    assert bold == {"y", "w_hat", "v"}
    assert normed == {"y", "w_hat"}
    assert numbers == {"sigma", "f"}  # b divides through a dot product; d^{-1} may be an inverse


# --- \nabla without a subscript, and a transpose after its function ---------------------------------------------

_WA = {"w": "vector 2", "A": "matrix 2x2", "v": "vector 2"}


@pytest.mark.parametrize(
    "tex",
    [
        # the one declared vector the scalar depends on is the variable (A is a parameter)
        r"\nabla \left(\mathbf{w}^\top \mathbf{A}\mathbf{w}\right) = (\mathbf{A} + \mathbf{A}^\top)\mathbf{w}",
        # a transpose right after the function is the gradient's: a row, times what follows
        r"\nabla \left(\mathbf{w}^\top \mathbf{A}\mathbf{w}\right)^\top = "
        r"\mathbf{w}^\top(\mathbf{A} + \mathbf{A}^\top)",
        r"\nabla \left(\mathbf{w}^\top \mathbf{A}\mathbf{w}\right)^\top \mathbf{v} = "
        r"\mathbf{w}^\top(\mathbf{A} + \mathbf{A}^\top)\mathbf{v}",
        r"\nabla_{\mathbf{w}} \left(\mathbf{w}^\top \mathbf{A}\mathbf{w}\right)^\top = "
        r"\mathbf{w}^\top(\mathbf{A} + \mathbf{A}^\top)",
        # a product after \nabla_w is still its operand
        r"\nabla_{\mathbf{w}} \mathbf{w}^\top \mathbf{A} \mathbf{w} = (\mathbf{A}+\mathbf{A}^\top)\mathbf{w}",
        r"\nabla \left(\mathbf{w}^\top \mathbf{A}\mathbf{w}\right) + \mathbf{v} = "
        r"(\mathbf{A} + \mathbf{A}^\top)\mathbf{w} + \mathbf{v}",
    ],
)
def test_gradient_by_the_one_declared_vector(tex: str) -> None:
    verdict, detail = _one(tex, **_WA)
    assert verdict is Verdict.PROVED, detail


def test_wrong_gradient_is_refuted_at_a_point() -> None:
    verdict, detail = _one(
        r"\nabla \left(\mathbf{w}^\top \mathbf{A}\mathbf{w}\right)^\top \mathbf{v} = "
        r"2\mathbf{w}^\top\mathbf{A}\mathbf{v}",
        **_WA,
    )
    assert verdict is Verdict.REFUTED, detail
    assert "(confirmed at 100 digits)" in detail


def test_gradient_row_at_letter_sizes_is_not_refuted_for_its_shape() -> None:
    # read as the gradient of a transposed scalar (a column), the row on the right was refuted at n = 2
    verdict, detail = _one(
        r"\nabla \left(\mathbf{w}^\top \mathbf{A}\mathbf{w}\right)^\top = "
        r"\mathbf{w}^\top(\mathbf{A} + \mathbf{A}^\top)",
        w="vector n",
        A="matrix n x n",
    )
    assert verdict is Verdict.VERIFIED, detail
    assert "n = 2; n = 3; n = 4" in detail  # and n = 5, past the far size


@pytest.mark.parametrize(
    ("tex", "symbols", "why"),
    [
        # two declared vectors: which is the variable?
        (
            r"\nabla \left(\mathbf{x}^\top \mathbf{w}\right) = \mathbf{x}",
            {"w": "vector 2", "x": "vector 2"},
            "which variable",
        ),
        # of a vector: a Jacobian, never an opaque scalar compared with a matrix
        (r"\nabla \mathbf{A}\mathbf{w} = \mathbf{A}", _WA, "a Jacobian"),
        (r"\nabla_{\mathbf{w}} \mathbf{A}\mathbf{w} = \mathbf{A}", _WA, "a Jacobian"),
    ],
)
def test_gradient_derive_cannot_place_stays_unread(tex: str, symbols: dict[str, str], why: str) -> None:
    verdict, detail = _one(tex, **symbols)
    assert verdict is Verdict.ERROR, detail
    assert why in detail


def test_gradient_of_an_unknown_function_is_never_decided() -> None:
    verdict, detail = _one(r"\nabla J(\mathbf{w})^\top = \mathbf{w}^\top", w="vector 2")
    assert verdict is Verdict.UNDECIDED, detail
    verdict, detail = _one(r"\nabla f = 0")
    assert verdict is Verdict.UNDECIDED, detail


# --- ||w|| typed with two bars ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tex",
    [
        r"||\mathbf{w}||_2^2 = \mathbf{w}^\top\mathbf{w}",
        r"\frac{\mathbf{w}}{||\mathbf{w}||_2} = \frac{\mathbf{w}}{\sqrt{\mathbf{w}^\top\mathbf{w}}}",
        r"x||\mathbf{w}|| = x\sqrt{\mathbf{w}^T \mathbf{w}}",
        r"|x| \, ||\mathbf{w}||^2 = |x| \mathbf{w}^T \mathbf{w}",
    ],
)
def test_double_bars_around_a_vector_are_its_norm(tex: str) -> None:
    verdict, detail = _one(tex, w="vector 2")
    assert verdict is Verdict.PROVED, detail


@pytest.mark.parametrize(
    ("tex", "verdict"),
    [
        (r"|a||b| = |ab|", Verdict.PROVED),  # a product of absolute values
        (r"|a|| b| = |ab|", Verdict.PROVED),
        (r"||a|-|b|| \le |a - b| + 1", Verdict.VERIFIED),  # the absolute value of a difference of them
    ],
)
def test_double_bars_that_close_and_open_absolute_values_keep_them(tex: str, verdict: Verdict) -> None:
    got, detail = _one(tex)
    assert got is verdict, detail


def test_double_bars_of_an_undeclared_name_are_no_absolute_value() -> None:
    verdict, detail = _one(r"||x|| = |x|")
    assert verdict is Verdict.ERROR, detail
    assert "a norm \\|...\\| of what is not declared a vector or matrix" in detail


# --- \mathbf{w}_0 next to a declared vector w -----------------------------------------------------------------

_WH = {"w": "vector 2", "H": "matrix 2x2"}


def test_bold_w0_is_a_vector_of_ws_kind() -> None:
    verdict, detail = _one(
        r"(\mathbf{w}^\top \mathbf{H} \mathbf{w}_0)^\top = \mathbf{w}_0^\top \mathbf{H}^\top \mathbf{w}", **_WH
    )
    assert verdict is Verdict.PROVED, detail
    verdict, detail = _one(
        r"\mathbf{w}_0^\top \mathbf{H}^\top \mathbf{w} = \mathbf{w}^\top \mathbf{H} \mathbf{w}_0",
        w="vector n",
        H="matrix n x n",
    )
    assert verdict is Verdict.VERIFIED, detail
    assert (
        "n = 1; n = 2; n = 3; n = 4 (checked with numbers); n = 5 (checked with numbers): proved or verified at each"
    ) in detail


def test_bold_w0_step_that_needs_a_symmetric_matrix_is_refuted() -> None:
    verdict, detail = _one(
        r"\mathbf{w}_0^\top \mathbf{H}^\top \mathbf{w} = \mathbf{w}_0^\top \mathbf{H} \mathbf{w}", **_WH
    )
    assert verdict is Verdict.REFUTED, detail
    assert "w_0[1] = " in detail and "(confirmed at 100 digits)" in detail


@pytest.mark.parametrize(
    ("tex", "why"),
    [
        (r"w_0 + w_1 = 1", "the declared vector w has 2 entries"),  # plain: an entry, and there is no entry 0
        (r"\mathbf{w}_1 + \mathbf{w}_2 = 1", "may be entry 1 of the declared vector w or another vector"),
    ],
)
def test_other_subscripts_of_a_declared_vector_are_not_guessed(tex: str, why: str) -> None:
    verdict, detail = _one(tex, w="vector 2")
    assert verdict is Verdict.ERROR, detail
    assert why in detail


# --- \sum_x over a name the text gives a finite set of values -----------------------------------------------------

_BERNOULLI = "Let $x \\in \\{0, 1\\}$ and $0 < \\mu < 1$.\n\n"


@pytest.mark.parametrize(
    "tex",
    [
        r"\sum_x \mu^x (1-\mu)^{1-x} = 1",
        r"\sum_{x} x \mu^x (1-\mu)^{1-x} = \mu",
        r"\sum_x x^2 \mu^x (1-\mu)^{1-x} - \mu^2 = \mu(1-\mu)",
        r"\prod_x (1 + x) = 2",
    ],
)
def test_sum_over_a_name_with_finite_values_runs_over_them(tex: str) -> None:
    (result,) = derive.check_latex(f"{_BERNOULLI}$${tex}$$")
    assert result.verdict is Verdict.PROVED, result.detail
    assert "x in {0, 1}, from x \\in \\{0, 1\\}" in result.detail


@pytest.mark.parametrize(
    ("tex", "shown"),
    [
        (r"\sum_x x \mu^x (1-\mu)^{1-x} = 1 - \mu", "differs at mu = "),
        (r"\sum_x \mu^x (1-\mu)^{1-x} = 2", "nonzero constant -1"),
    ],
)
def test_wrong_sum_over_finite_values_is_refuted(tex: str, shown: str) -> None:
    (result,) = derive.check_latex(f"{_BERNOULLI}$${tex}$$")
    assert result.verdict is Verdict.REFUTED, result.detail
    assert shown in result.detail


def test_sum_over_a_name_with_no_listed_values_is_not_refuted() -> None:
    # read over an unspecified set of values (derive.latex.sums_unbounded): failing for some set refutes nothing
    verdict, detail = _one(r"\sum_x x \mu^x = 1")
    assert verdict is Verdict.UNDECIDED, detail
    assert "may hold for the text's own set" in detail


def test_bounded_sum_over_a_name_with_finite_values_keeps_its_bounds() -> None:
    (result,) = derive.check_latex(f"{_BERNOULLI}$$\\sum_{{x=1}}^{{3}} x = 6$$")
    assert result.verdict is Verdict.PROVED, result.detail


# --- an accent over a subscripted name -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tex", [r"\hat{\mu_k} = \hat{\mu}_k", r"\bar{x_i} = \bar{x}_i", r"\tilde{\pi_k} = \tilde{\pi}_k"]
)
def test_accent_over_a_subscripted_name_is_the_accented_name(tex: str) -> None:
    verdict, detail = _one(tex)
    assert verdict is Verdict.PROVED, detail


def test_accented_subscripted_name_is_not_the_plain_one() -> None:
    # two names (mu_hat_k, mu_k) that differ at a point; a value for a lone estimate is no refutation
    verdict, detail = _one(r"\hat{\mu_k} + 1 = \mu_k + 1")
    assert verdict is Verdict.UNDECIDED, detail
    assert "differs at mu_hat_k = -5/2, mu_k = 1/3" in detail


@pytest.mark.parametrize(("tex", "why"), [(r"\hat{\sigma_k^2} = 3", "as a name"), (r"\hat{x_1 y} = 3", "as a name")])
def test_accent_over_a_power_or_a_product_stays_unread(tex: str, why: str) -> None:
    verdict, detail = _one(tex)
    assert verdict is Verdict.ERROR, detail
    assert why in detail


# --- a bare I added to a square matrix -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tex", "symbols"),
    [
        (r"\det(A - \lambda I) = (A_{11} - \lambda)(A_{22}-\lambda) - A_{12}A_{21}", {"A": "matrix 2x2"}),
        (r"A + I = I + A", {"A": "matrix 2x2"}),
        (r"(A^\top - I)\mathbf{x} = A^\top\mathbf{x} - \mathbf{x}", {"A": "matrix 3x3", "x": "vector 3"}),
    ],
)
def test_bare_i_next_to_a_square_matrix_is_the_identity(tex: str, symbols: dict[str, str]) -> None:
    verdict, detail = _one(tex, **symbols)
    assert verdict is Verdict.PROVED, detail


def test_bare_i_at_letter_sizes_is_the_identity_at_size_one_too() -> None:
    verdict, detail = _one(r"(A + I)\mathbf{x} = A\mathbf{x} + \mathbf{x}", A="matrix n x n", x="vector n")
    assert verdict is Verdict.VERIFIED, detail
    assert (
        "n = 1; n = 2; n = 3; n = 4 (checked with numbers); n = 5 (checked with numbers): proved or verified at each"
    ) in detail


def test_characteristic_polynomial_of_a_2x2_is_refuted_for_any_size() -> None:
    verdict, detail = _one(r"\det(A - \lambda I) = \lambda^2 - \mathrm{tr}(A)\lambda + \det A", A="matrix n x n")
    assert verdict is Verdict.REFUTED, detail
    assert detail.startswith("at n = 3: differs at")


@pytest.mark.parametrize(
    ("tex", "symbols"),
    [
        (r"A + I^2 = I + A", {"A": "matrix 2x2"}),  # I^2 is no multiple of I
        (r"A + I = 1 + A", {"A": "matrix 2x2"}),  # a number plus a matrix stays unread
        (r"A + I = I + A", {"A": "matrix 2x3"}),  # no identity of a non-square shape
        (r"A + I = I + A", {"A": "matrix 2x2", "I": "real"}),  # I declared a scalar
    ],
)
def test_other_scalars_added_to_a_matrix_stay_unread(tex: str, symbols: dict[str, str]) -> None:
    verdict, detail = _one(tex, **symbols)
    assert verdict is Verdict.ERROR, detail
    assert "cannot add a" in detail
