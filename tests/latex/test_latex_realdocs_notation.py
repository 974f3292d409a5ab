"""Expressions, functions, linear algebra and ML vocabulary as real documents write them.

One test per notation rule, through the public API: the true reading is decided, a false
variant is refuted (with a confirmed counterexample) or left undecided, and the attacks
(odd spacing, nesting, shadowing names, far-out values) keep their reading.
"""

from __future__ import annotations

import re

import pytest
import sympy

from derive.api import check_latex
from derive.errors import LatexError
from derive.language.symbols import SymbolTable, parse_kind
from derive.latex import parse_latex
from derive.model import Verdict

PROVED, VERIFIED, REFUTED, UNDECIDED, ERROR = (
    Verdict.PROVED,
    Verdict.VERIFIED,
    Verdict.REFUTED,
    Verdict.UNDECIDED,
    Verdict.ERROR,
)
DECIDED_TRUE = (PROVED, VERIFIED)


def one(tex: str, **symbols: str):
    """The result of the one step of ``$$tex$$``."""
    results = check_latex(f"$$ {tex} $$", symbols=symbols or None)
    assert len(results) == 1, [r.claim.text for r in results]
    return results[0]


def verdict(tex: str, **symbols: str) -> Verdict:
    return one(tex, **symbols).verdict


def value(tex: str, **symbols: str) -> sympy.Expr:
    """The sympy value one side is read as (through the public document reader)."""
    table = SymbolTable()
    for name, kind in symbols.items():
        table.declare(name, parse_kind(kind))
    return parse_latex(tex, table)


x, y, theta = (sympy.Symbol(n, real=True) for n in ("x", "y", "theta"))


# -- powers and inverses of named functions ---------------------------------------------


@pytest.mark.parametrize(
    "tex",
    [
        r"\sin^2\theta + \cos^2\theta = 1",
        r"\sin^{2}\theta + \cos^{2} \theta = 1",
        r"\sin ^ 2 \theta+\cos^2(\theta) = 1",
        r"\tan^2(\theta) + 1 = \frac{1}{\cos^2\theta}",
    ],
)
def test_a_power_written_on_a_function_is_the_power_of_its_value(tex):
    assert verdict(tex, theta="real") is PROVED


def test_a_power_on_the_function_is_not_a_power_of_the_argument():
    assert value(r"\sin^2 x", x="real") == sympy.sin(x) ** 2
    assert value(r"\sin x^2", x="real") == sympy.sin(x**2)
    assert value(r"\sin^2 2x", x="real") == sympy.sin(2 * x) ** 2
    wrong = one(r"\sin^2 x = \sin x^2", x="real")
    assert wrong.verdict is REFUTED
    assert "confirmed" in wrong.detail


def test_log_squared_is_the_square_of_the_log():
    assert value(r"\log^2 x", x="positive") == sympy.log(sympy.Symbol("x", positive=True)) ** 2
    assert value(r"\log_2^2 x", x="positive") == (sympy.log(sympy.Symbol("x", positive=True)) / sympy.log(2)) ** 2
    # readings.py flags \log^2 x as "\log before several factors" (the power is taken for a factor):
    # these need `_log_of_product` to skip a ^{...} after \log as it skips _{...}
    assert verdict(r"\log^2 x = (\log x)^2", x="positive") is PROVED
    assert verdict(r"\log^2 x = 2\log x", x="positive") is REFUTED


def test_a_power_after_the_bracket_of_a_function_is_a_power_of_its_value():
    assert value(r"\sin(x)^2", x="real") == sympy.sin(x) ** 2
    assert value(r"\exp(x)^2", x="real") == sympy.exp(x) ** 2
    assert verdict(r"\exp(x)^2 = \exp(2x)", x="real") is PROVED
    assert verdict(r"\cos\left(\theta\right)^2 + \sin(\theta)^2 = 1", theta="real") is PROVED
    assert verdict(r"\exp(x)^2 = \exp(x^2)", x="real") is REFUTED


def test_a_power_after_the_bracket_of_a_logarithm_is_not_guessed():
    # \log(x)^2: (log x)^2 and log(x^2) are both written this way
    for tex in (r"\log(x)^2 = 2 \log x", r"\ln\left[x\right]^2 = 2 \ln x"):
        result = one(tex, x="positive")
        assert result.verdict is ERROR
        assert "\\log^k(...)" in result.detail


def test_minus_one_on_a_trigonometric_function_is_its_inverse():
    assert value(r"\sin^{-1} x", x="real") == sympy.asin(x)
    assert value(r"\tan^{-1}(x)", x="real") == sympy.atan(x)
    assert value(r"(\sin x)^{-1}", x="real") == 1 / sympy.sin(x)
    assert verdict(r"\sin^{-1}(x) = \arcsin(x)", x="real") is PROVED
    # the inverse function is not the reciprocal
    assert verdict(r"\sin^{-1} x = \frac{1}{\sin x}", x="real") is not PROVED


@pytest.mark.parametrize("tex", [r"\log^{-1} x = e^x", r"\exp^{-1}(x) = \log x", r"\sin^{-2} x = 1"])
def test_other_negative_powers_on_functions_are_not_guessed(tex):
    result = one(tex, x="positive")
    assert result.verdict is ERROR
    assert "write" in result.detail


def test_sigma_inverse_stays_ambiguous():
    result = one(r"\sigma^{-1}(y) = \log\frac{y}{1-y}", y="probability")
    assert result.verdict is UNDECIDED
    assert "inverse" in result.detail


# -- numbers, floor, ceiling -------------------------------------------------------------


def test_decimals_without_a_leading_zero():
    assert verdict(r".4 + .1 = 0.5") is PROVED
    assert verdict(r"2 \cdot .5 = 1") is PROVED
    assert verdict(r"-.25 = -\frac{1}{4}") is PROVED
    assert verdict(r"\frac{.9 \cdot .01}{.9 \cdot .01 + .05} = \frac{9}{59}") is PROVED
    assert verdict(r".4 + .1 = 0.6") is REFUTED
    assert value(r"(.5)^2") == sympy.Rational(1, 4)


def test_a_period_after_a_name_is_not_a_decimal_point():
    # x.4 is a typo or punctuation, never x times 0.4 nor x_4
    assert one(r"x.4 = 1", x="real").verdict is ERROR


def test_floor_and_ceiling():
    assert verdict(r"\lfloor -0.5 \rfloor = -1") is PROVED
    assert verdict(r"\lceil -0.5 \rceil = 0") is PROVED
    assert verdict(r"\left\lfloor 7/2 \right\rfloor = 3") is PROVED
    assert verdict(r"\lfloor -0.5 \rfloor = 0") is REFUTED
    assert verdict(r"\lfloor x \rfloor \le x", x="real") in DECIDED_TRUE
    assert value(r"\lceil x \rceil", x="real") == sympy.ceiling(x)
    assert value(r"\lfloor \lfloor x \rfloor / 2 \rfloor", x="real") == sympy.floor(sympy.floor(x) / 2)


def test_ceiling_minus_floor_is_not_always_one():
    wrong = one(r"\lceil x \rceil - \lfloor x \rfloor = 1", x="real")
    assert wrong.verdict is REFUTED


# -- matrices ---------------------------------------------------------------------------


def test_array_inside_brackets_is_a_matrix():
    tex = (
        r"\left[\begin{array}{cc} 1 & 2 \\ 3 & 4 \end{array}\right]"
        r"\left[\begin{array}{c} 1 \\ 1 \end{array}\right] = \begin{bmatrix} 3 \\ 7 \end{bmatrix}"
    )
    assert verdict(tex) is PROVED
    wrong = tex.replace("3 \\\\ 7 \\end{bmatrix}", "3 \\\\ 8 \\end{bmatrix}")
    assert verdict(wrong) is REFUTED


def test_array_column_specs_with_rules_and_spacing():
    assert value(r"\begin{array}{|c|c|} a & b \end{array}", a="real", b="real") == sympy.ImmutableMatrix(
        [[sympy.Symbol("a", real=True), sympy.Symbol("b", real=True)]]
    )


def test_a_matrix_with_dots_has_no_size_and_is_not_read_as_a_smaller_one():
    result = one(
        r"\begin{bmatrix} x_1 \\ \vdots \\ x_n \end{bmatrix}^T \begin{bmatrix} 1 \\ \vdots \\ 1 \end{bmatrix} = 2"
    )
    assert result.verdict is ERROR
    assert "\\vdots" in result.detail


# -- products of vectors and matrices ---------------------------------------------------


def test_cdot_between_vectors_is_the_dot_product():
    assert verdict(r"x \cdot y = x^T y", x="vector 3", y="vector 3") is PROVED
    assert verdict(r"\mathbf{x} \cdot \mathbf{x} = \|\mathbf{x}\|^2", x="vector 3") is PROVED
    assert verdict(r"x \cdot y = x^T x", x="vector 3", y="vector 3") is REFUTED


def test_times_between_three_vectors_is_the_cross_product():
    assert verdict(r"(x \times y)^T x = 0", x="vector 3", y="vector 3") is PROVED
    assert verdict(r"x \times y = -(y \times x)", x="vector 3", y="vector 3") is PROVED
    assert verdict(r"x \times y = y \times x", x="vector 3", y="vector 3") is REFUTED


def test_times_between_other_vectors_is_not_guessed():
    result = one(r"x \times y = 0", x="vector 2", y="vector 2")
    assert result.verdict is ERROR
    assert "cross product" in result.detail


def test_cdot_and_times_between_scalars_multiply():
    assert verdict(r"2 \times 3 = 6") is PROVED
    assert verdict(r"a \cdot b = b a", a="real", b="real") is PROVED
    assert verdict(r"2 \times 3 = 5") is REFUTED


def test_cdot_between_a_matrix_and_a_vector_is_the_matrix_product():
    assert verdict(r"A \cdot x = A x", A="matrix 2x2", x="vector 2") is PROVED


def test_circ_between_declared_matrices_is_the_hadamard_product():
    assert verdict(r"A \circ B = B \circ A", A="matrix 2x2", B="matrix 2x2") is PROVED
    assert (
        verdict(r"x \cdot y = \begin{bmatrix} 1 & 1 & 1 \end{bmatrix} (x \circ y)", x="vector 3", y="vector 3")
        is PROVED
    )
    assert verdict(r"A \circ B = A B", A="matrix 2x2", B="matrix 2x2") is REFUTED


def test_circ_between_undeclared_names_is_not_guessed():
    result = one(r"f \circ g = g \circ f")
    assert result.verdict is ERROR
    assert "composition" in result.detail


# -- accents ------------------------------------------------------------------------------


def test_capital_accents_are_accents():
    assert value(r"\Bar{x}", x_bar="real") == value(r"\bar{x}", x_bar="real")
    assert verdict(r"\Bar{x} - \bar{x} = 0") is PROVED


# -- names: subscripted Greek letters, pi and e -------------------------------------------


def test_subscripted_pi_is_a_name():
    assert value(r"\pi_k") == sympy.Symbol("pi_k", real=True)
    assert value(r"\pi_{k}^2") == sympy.Symbol("pi_k", real=True) ** 2
    assert verdict(r"\sum_{k=1}^{3} \pi_k = \pi_1 + \pi_2 + \pi_3") is PROVED


def test_mixture_weights_are_not_the_constant():
    result = one(r"\pi_k = \frac{N_k}{N}", N_k="positive", N="positive")
    assert result.verdict is not REFUTED or "pi" not in result.detail


def test_bare_pi_stays_the_constant_unless_declared():
    assert value(r"\pi") == sympy.pi
    assert value(r"2\pi^2") == 2 * sympy.pi**2
    assert verdict(r"\cos \pi = -1") is PROVED
    # declared pi (mixture weight, prior) wins over the constant
    assert value(r"\pi", pi="probability") == sympy.Symbol("pi", positive=True)
    assert verdict(r"\pi = 3", pi="real") is not REFUTED
    assert verdict(r"\pi (1 - \pi) \le \frac{1}{4}", pi="probability") in DECIDED_TRUE


def test_subscripted_e_and_gamma_are_names():
    assert value(r"e_i") == sympy.Symbol("e_i", real=True)
    assert value(r"\gamma_k") == sympy.Symbol("gamma_k", real=True)
    assert value(r"e^{x}", x="real") == sympy.exp(x)
    assert verdict(r"e_1 + e_1 = 2 e_1") is PROVED


# -- norms ------------------------------------------------------------------------------


def test_euclidean_norm_of_a_declared_vector():
    assert verdict(r"\|x\|_2^2 = x^T x", x="vector 3") is PROVED
    assert verdict(r"\|x\|^2 = x^T x", x="vector 3") is PROVED
    assert verdict(r"\lVert x \rVert_{2}^{2} = \sum_{i=1}^{3} x_i^2", x="vector 3") is PROVED
    assert verdict(r"\| x - y \|^2 = \|x\|^2 - 2 x^T y + \|y\|^2", x="vector 2", y="vector 2") is PROVED
    assert verdict(r"\left\| x \right\|_2 \ge 0", x="vector 3") in DECIDED_TRUE


def test_one_norm_is_not_the_two_norm():
    wrong = one(r"\|x\|_1 = \|x\|_2", x="vector 3")
    assert wrong.verdict is REFUTED
    assert "confirmed" in wrong.detail
    assert verdict(r"\|x\|_2 \le \|x\|_1", x="vector 3") in DECIDED_TRUE


def test_max_norm_and_frobenius_norm():
    assert verdict(r"\|x\|_\infty \le \|x\|_2", x="vector 3") in DECIDED_TRUE
    assert verdict(r"\|A\|_F^2 = \operatorname{tr}(A^T A)", A="matrix 2x3") is PROVED
    assert verdict(r"\|A\|_F^2 = \operatorname{tr}(A A)", A="matrix 2x2") is REFUTED


def test_a_bare_or_spectral_norm_of_a_matrix_is_not_guessed():
    for tex in (r"\|A\| = 1", r"\|A\|_2 = 1"):
        result = one(tex, A="matrix 2x2")
        assert result.verdict is ERROR
        assert "norm" in result.detail


def test_a_norm_of_undeclared_names_is_not_read_as_an_absolute_value():
    # written for vectors the text did not declare: as scalars, a . b = |a||b| cos(theta) is false; it is read in
    # the vectors' shapes only (theta an angle, a number), where the step defines theta: neither refuted nor accepted
    result = one(r"a \cdot b = \|a\| \|b\| \cos\theta")
    assert result.verdict is Verdict.UNDECIDED
    assert "a: vector 2, b: vector 2, theta: scalar" in result.detail
    assert not re.search(r"(?<![A-Za-z_])[ab]: scalar", result.detail)
    result = one(r"\|x\| = |x|", x="real")
    assert result.verdict is ERROR
    assert "not declared a vector" in result.detail


# -- ML vocabulary ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "tex",
    [
        r"\mathrm{ReLU}(x) - \mathrm{ReLU}(-x) = x",
        r"\operatorname{relu}(x) - \operatorname{relu}(-x) = x",
        r"\text{ReLU}(x) - \text{ReLU}(-x) = x",
        r"\max(0, x) - \max(0, -x) = x",
    ],
)
def test_relu(tex):
    assert verdict(tex, x="real") is PROVED


def test_relu_false_variants():
    assert verdict(r"\mathrm{ReLU}(x) = x", x="real") is REFUTED
    assert verdict(r"\mathrm{ReLU}(x) \ge 0", x="real") in DECIDED_TRUE
    assert verdict(r"\mathrm{ReLU}(x) = x", x="positive") is PROVED


def test_relu_of_a_vector_is_entrywise():
    assert verdict(r"\mathrm{ReLU}(\mathbf{x}) - \mathrm{ReLU}(-\mathbf{x}) = \mathbf{x}", x="vector 3") is PROVED


def test_softmax_entries_sum_to_one():
    assert verdict(r"\sum_{i=1}^{3} \mathrm{softmax}(\mathbf a)_i = 1", a="vector 3") is PROVED
    assert verdict(r"\mathrm{softmax}(\mathbf a)_1 + \mathrm{softmax}(\mathbf a)_2 = 1", a="vector 2") is PROVED
    assert verdict(r"\sum_{i=1}^{3} \mathrm{softmax}(\mathbf a)_i = 2", a="vector 3") is REFUTED


def test_softmax_entry_is_its_closed_form():
    tex = r"\operatorname{softmax}(\mathbf{a})_2 = \frac{e^{a_2}}{\sum_{j=1}^{3} e^{a_j}}"
    assert verdict(tex, a="vector 3") is PROVED
    assert verdict(tex.replace("e^{a_2}", "e^{a_1}"), a="vector 3") is REFUTED
    ones = r"\begin{bmatrix} 1 \\ 1 \end{bmatrix}"
    shifted = rf"\mathrm{{softmax}}(\mathbf{{a}}) = \mathrm{{softmax}}\left(\mathbf{{a}} + c {ones}\right)"
    assert verdict(shifted, a="vector 2", c="real") is PROVED


def test_softmax_summed_past_its_last_entry_is_undecided():
    result = one(r"\sum_{i=1}^{4} \mathrm{softmax}(\mathbf a)_i = 1", a="vector 3")
    assert result.verdict is UNDECIDED
    assert "softmax_outside" in result.detail


def test_softmax_of_an_undeclared_vector_is_not_guessed():
    result = one(r"\mathrm{softmax}(a)_i = 1")
    assert result.verdict is ERROR
    assert "vector" in result.detail


def test_log_softmax_and_logsumexp():
    a3 = {"a": "vector 3"}
    assert verdict(r"\log \mathrm{softmax}(\mathbf a)_1 = a_1 - \operatorname{logsumexp}(\mathbf a)", **a3) is PROVED
    assert verdict(r"\log \mathrm{softmax}(\mathbf a)_1 = a_1", **a3) is REFUTED
    assert verdict(r"\operatorname{logsumexp}(\mathbf a) \ge a_2", **a3) in DECIDED_TRUE
    assert verdict(r"\operatorname{logsumexp}(x, y) = \log(e^x + e^y)", x="real", y="real") is PROVED
    assert verdict(r"\operatorname{logsumexp}(x, y) = \max(x, y)", x="real", y="real") is REFUTED
    assert value(r"\mathrm{LSE}(x, y)", x="real", y="real") == sympy.log(sympy.exp(x) + sympy.exp(y))


def test_lse_is_known_vocabulary_not_a_factor():
    # \mathrm{LSE}(x, y) = ... on the left is the author's definition of LSE; on the right it is read
    assert verdict(r"\log(e^x + e^y) = \mathrm{LSE}(x, y)", x="real", y="real") is PROVED
    assert verdict(r"\max(x, y) = \mathrm{LSE}(x, y)", x="real", y="real") is REFUTED
    assert verdict(r"\mathrm{LSE}(\mathbf{a}) \ge a_1", a="vector 2") in DECIDED_TRUE


def test_onehot_entry_is_a_kronecker_delta():
    assert value(r"\mathrm{onehot}(y)_k", y="integer", k="integer") == sympy.KroneckerDelta(
        sympy.Symbol("y", integer=True), sympy.Symbol("k", integer=True)
    )


# -- entries of a declared vector ---------------------------------------------------------


def test_an_integer_subscript_of_a_declared_vector_is_its_entry():
    assert verdict(r"x_1 + x_2 = x^T \begin{bmatrix} 1 \\ 1 \end{bmatrix}", x="vector 2") is PROVED
    assert verdict(r"2 x_1 = 2 x^T \begin{bmatrix} 0 \\ 1 \end{bmatrix}", x="vector 2") is REFUTED
    # a declaration of x_1 itself wins
    assert value(r"x_1", x="vector 2", x_1="positive") == sympy.Symbol("x_1", positive=True)


def test_a_bold_subscripted_vector_may_be_a_sample_and_is_not_guessed():
    result = one(r"\mathbf{x}_1 + \mathbf{x}_2 = 0", x="vector 2")
    assert result.verdict is ERROR
    assert "a sample" in result.detail


def test_an_entry_past_the_end_of_a_declared_vector_is_an_error():
    result = one(r"x_3 + 1 = 1 + x_3", x="vector 2")
    assert result.verdict is ERROR
    assert "has 2 entries" in result.detail


# -- bold over a group --------------------------------------------------------------------


def test_bold_over_a_group_bolds_each_letter():
    syms = {"x": "vector 2", "A": "matrix 2x2"}
    assert verdict(r"\mathbf{x^T A x} = \mathbf{x}^T \mathbf{A} \mathbf{x}", **syms) is PROVED
    assert verdict(r"\boldsymbol{x^\top A x} = x^T A^T x", **syms) is PROVED
    assert verdict(r"\mathbf{x^T A x} = \mathbf{x}^T \mathbf{x}", **syms) is REFUTED


# -- scripts in either order --------------------------------------------------------------


def test_a_subscript_after_the_power_of_a_name_joins_the_name():
    assert value(r"\sigma^{2}_{S}") == sympy.Symbol("sigma_S", real=True) ** 2
    assert verdict(r"\sigma^2_S + \sigma_S^2 = 2\sigma_{S}^{2}") is PROVED
    assert verdict(r"x^2_i = x_i", x_i="real") is not PROVED
    # a subscript star is its own name, not the superscript star of an optimum
    assert value(r"\sigma^2_*") == sympy.Symbol("sigma_ast", real=True) ** 2
    assert value(r"\sigma^*") == sympy.Symbol("sigma_star", real=True)


# -- attacks ------------------------------------------------------------------------------


def test_far_out_values_stay_exact():
    assert verdict(r"\lfloor 10^{30} + .5 \rfloor = 10^{30}") is PROVED
    assert verdict(r"\lceil 10^{30} + .5 \rceil = 10^{30}") is REFUTED
    # softmax entries stay in (0, 1) where exp overflows doubles
    assert verdict(r"\mathrm{softmax}(\mathbf a)_1 \le 1", a="vector 2") in DECIDED_TRUE
    assert verdict(r"\mathrm{ReLU}(x) \le |x| + 1", x="real") in DECIDED_TRUE


def test_a_declared_pi_and_a_subscripted_pi_are_two_names():
    assert value(r"\pi + \pi_1", pi="positive") == sympy.Symbol("pi", positive=True) + sympy.Symbol("pi_1", real=True)
    assert verdict(r"\pi_1 + \pi_2 = 1 - \pi_3", pi_1="probability", pi_2="probability") is not PROVED


def test_odd_spacing_and_nesting():
    assert verdict(r"\sin ^ { 2 } \left( \theta \right) = 1 - \cos^2 \theta", theta="real") is PROVED
    assert verdict(r"\sin^2(\sin^{-1}(x)) = x^2", x="real") is PROVED
    assert verdict(r"\lfloor \lceil x \rceil \rfloor = \lceil x \rceil", x="real") is PROVED
    assert value(r"\left\| \mathbf{x} \right\|_{\mathrm{F}}", x="vector 2") == value(r"\|x\|_2", x="vector 2")


def test_minus_transpose_is_the_inverse_of_the_transpose():
    syms = {"S": "matrix 2x2"}
    assert verdict(r"S^{-\top} = (S^{-1})^T", **syms) is PROVED
    assert verdict(r"S^{-T} S^T = I_2", **syms) is PROVED
    assert verdict(r"S^{-\top} = S^{-1}", **syms) is REFUTED


def test_diag_of_a_vector_and_of_a_matrix():
    syms = {"x": "vector 2", "y": "vector 2"}
    assert verdict(r"\mathrm{diag}(\mathbf{x}) \mathbf{y} = \mathbf{x} \circ \mathbf{y}", **syms) is PROVED
    # a 2-vector, not their dot product: never accepted (settle may leave a shape mismatch undecided)
    assert verdict(r"\operatorname{diag}(x) y = x^T y", **syms) in (REFUTED, UNDECIDED)
    assert verdict(r"\mathrm{tr}(\mathrm{diag}(\mathbf{x})) = x_1 + x_2", x="vector 2") is PROVED
    assert verdict(r"\mathrm{diag}(A) = A \begin{bmatrix} 1 \\ 1 \end{bmatrix}", A="matrix 2x2") is REFUTED
    result = one(r"\mathrm{diag}(a) = a")
    assert result.verdict is ERROR
    assert "not declared a vector" in result.detail


def test_angle_brackets_are_an_inner_product_of_declared_vectors_never_a_parenthesis():
    syms = {"x": "vector 3", "y": "vector 3"}
    assert value(r"\langle x, y \rangle", **syms) == value(r"x^T y", **syms)
    assert value(r"\left\langle \mathbf{x}, \mathbf{x} \right\rangle", **syms) == value(r"\|x\|^2", **syms)
    ab = {"A": "matrix 2x3", "B": "matrix 2x3"}
    assert sympy.expand(value(r"\langle A, B \rangle", **ab) - value(r"\mathrm{tr}(A^T B)", **ab)) == 0
    # an average, as physics writes it: <x>^2 = <x^2> is false for a random x, never read as x^2 = x^2
    for tex in (r"\langle x \rangle^2 = \langle x^2 \rangle", r"\langle a \rangle = a"):
        assert verdict(tex) is ERROR
    for tex in (r"\langle a, b \rangle", r"\langle x \rangle"):
        with pytest.raises(LatexError, match="langle"):
            value(tex)


def test_an_inner_product_in_a_document():
    syms = {"x": "vector 3", "y": "vector 3"}
    assert verdict(r"\left\langle x, y \right\rangle = x^T y", **syms) is PROVED
    assert verdict(r"\left\langle x, y \right\rangle = x^T x", **syms) is REFUTED
    # needs the step splitter (splitting.py) to count \langle ... \rangle as brackets, as \left ... \right
    assert verdict(r"\langle x, y \rangle = x^T y", **syms) is PROVED


def test_deep_nesting_of_new_brackets_is_refused_cheaply():
    assert one(r"\lfloor" * 80 + "x" + r"\rfloor" * 80 + " = x", x="integer").verdict is ERROR
    for open_, close in ((r"\lfloor ", r"\rfloor "), (r"\lceil ", r"\rceil "), (r"\langle ", r"\rangle ")):
        with pytest.raises(LatexError, match="nested more than"):
            value(open_ * 80 + "x" + close * 80, x="integer")


def test_a_bold_one_is_not_the_number_one():
    # \mathbf{1}^T x is the sum of the entries of x; read as 1, it would be x itself
    for tex in (r"\mathbf{1}^T \mathbf{x} = x_1 + x_2", r"\mathbb{1}[y = k] = 1"):
        result = one(tex, x="vector 2")
        assert result.verdict is ERROR
        assert "vector of ones" in result.detail
    assert verdict(r"\mathrm{1} + 1 = 2") is PROVED


def test_cdot_between_undeclared_bold_names_is_not_read_as_a_scalar_product():
    # (a.b)c = a(b.c) holds for scalars, not for vectors
    tex = r"(\mathbf{a} \cdot \mathbf{b}) \mathbf{c} = \mathbf{a} (\mathbf{b} \cdot \mathbf{c})"
    result = one(tex)
    assert result.verdict is ERROR
    assert "bold names read as scalars" in result.detail
    assert verdict(r"\vec{a} \times \vec{b} = -\vec{b} \times \vec{a}") is ERROR
    three = {"a": "vector 3", "b": "vector 3", "c": "vector 3"}
    assert verdict(tex, **three) is REFUTED
    assert verdict(r"2 \cdot \mathbf{a} = \mathbf{a} + \mathbf{a}", a="vector 2") is PROVED


def test_plain_tex_rows_end_with_cr():
    matrix = r"\left[\begin{matrix} 1 & 2 \cr 3 & 4 \end{matrix}\right]"
    assert verdict(matrix + r" \begin{bmatrix} 1 \\ 0 \end{bmatrix} = \begin{bmatrix} 1 \\ 3 \end{bmatrix}") is PROVED


def test_sigmoid_of_a_declared_vector_is_entrywise():
    syms = {"z": "vector 2"}
    assert verdict(r"\sigma(\mathbf{z}) + \sigma(-\mathbf{z}) = \begin{bmatrix} 1 \\ 1 \end{bmatrix}", **syms) is PROVED
    assert verdict(r"\sigma(\mathbf{z}) = \mathrm{softmax}(\mathbf{z})", **syms) is REFUTED


def test_typed_dots_are_an_ellipsis():
    result = one(r"\begin{bmatrix} 0 \\ 1 \\ ... \\ 0 \end{bmatrix} = e_2")
    assert result.verdict is ERROR
    assert "\\ldots has no fixed size" in result.detail


def test_a_bare_decimal_right_after_a_number_is_not_read():
    assert one(r"3 .4 = 3.4").verdict is ERROR
    assert verdict(r"3.4 = 3 + .4") is PROVED


def test_a_declared_e_wins_over_eulers_number():
    assert value(r"e", e="real") == sympy.Symbol("e", real=True)
    assert value(r"e") == sympy.E
    assert verdict(r"e = 3", e="real") is not REFUTED


def test_cdot_between_declared_bold_matrices_is_their_product():
    syms = {"A": "matrix 2x2", "B": "matrix 2x2"}
    assert verdict(r"\mathbf{A} \cdot \mathbf{B} = \mathbf{A}\mathbf{B}", **syms) is PROVED
    assert verdict(r"\mathbf{A} \cdot \mathbf{B} = \mathbf{B}\mathbf{A}", **syms) is REFUTED


def test_long_argument_lists_are_refused_cheaply():
    many = ", ".join(f"a_{{{k}}}" for k in range(200))
    for tex in (rf"\mathrm{{softmax}}({many})_1 = 1", rf"\mathrm{{diag}}({many}) = 0"):
        result = one(tex)
        assert result.verdict is ERROR
        assert "more than" in result.detail


def test_secant_cosecant_and_cotangent():
    assert verdict(r"\sec^2\theta = 1 + \tan^2\theta", theta="real") is PROVED
    assert verdict(r"\csc^2\theta - \cot^2\theta = 1", theta="real") is PROVED
    assert verdict(r"\sec\theta = \cos\theta", theta="real") is REFUTED


def test_bars_around_a_vector_are_not_guessed():
    result = one(r"|\mathbf{x}| = 1", x="vector 3")
    assert result.verdict is ERROR
    assert "write \\|x\\| for a norm" in result.detail


def test_two_digit_subscripts_of_a_declared_matrix_are_its_entries():
    a = {"A": "matrix 2x2"}
    assert verdict(r"|A| = A_{11} A_{22} - A_{12} A_{21}", **a) is PROVED
    assert verdict(r"|A| = A_{11} A_{22} - A_{12} A_{12}", **a) is REFUTED
    assert verdict(r"\mathrm{tr}(A) = A_{11} + A_{22}", **a) is PROVED
    result = one(r"A_{13} + 1 = 1 + A_{13}", **a)
    assert result.verdict is ERROR
    assert "is 2x2" in result.detail


def test_a_norm_subscript_after_its_power():
    assert verdict(r"\|x\|^2_2 = x^T x", x="vector 3") is PROVED
    assert verdict(r"\|x\|^2_1 = x^T x", x="vector 3") is REFUTED


def test_a_bold_one_or_zero_with_a_size_is_that_vector():
    assert verdict(r"\mathbf{x}^T \mathbf{1}_3 = x_1 + x_2 + x_3", x="vector 3") is PROVED
    assert verdict(r"\mathbf{x}^T \mathbf{1}_{3} = x_1", x="vector 3") is REFUTED
    assert value(r"\mathbf{1}_3^T \mathbf{x}", x="vector 3") == value(r"x_1 + x_2 + x_3", x="vector 3")
    assert verdict(r"\mathbf{x} + \mathbf{0}_3 = \mathbf{x}", x="vector 3") is PROVED
    # a size that is not a number: not guessed
    assert one(r"\mathbf{1}_n^T \mathbf{x} = 0", x="vector 3").verdict is ERROR


def test_a_matrix_of_undeclared_capitals_is_a_block_matrix_and_not_guessed():
    for tex in (
        r"\begin{vmatrix} A & B \\ C & D \end{vmatrix} = |D| \cdot |A - B D^{-1} C|",
        r"\begin{vmatrix} \Sigma_{11} & \Sigma_{12} \\ \Sigma_{21} & \Sigma_{22} \end{vmatrix} = 0",
    ):
        result = one(tex)
        assert result.verdict is ERROR
        assert "whose shapes are not declared" in result.detail
    # declared scalars, or lower-case entries, are a matrix of numbers
    assert verdict(r"\begin{vmatrix} a & b \\ c & d \end{vmatrix} = a d - b c") is PROVED
    scalars = {"A": "real", "B": "real", "C": "real", "D": "real"}
    assert verdict(r"\begin{vmatrix} A & B \\ C & D \end{vmatrix} = A D - B C", **scalars) is PROVED


@pytest.mark.parametrize(
    ("text", "said"),
    [(r"$$3!! = 720$$", "double factorial"), (r"$$\lg 8 = \ln 8$$", "log base 10 (ISO) or base 2")],
)
def test_notation_with_two_conventions_is_refused_not_guessed(text, said):
    (got,) = check_latex(text)
    assert got.verdict is Verdict.ERROR
    assert said in got.detail
