"""The ML notation profile: each LaTeX rule of the issue, read into the sympy object it means."""

from __future__ import annotations

import pytest
import sympy
from sympy import Abs, Derivative, Integral, Limit, Product, Rational, Sum, exp, log, oo, pi, sqrt

from derive.api import check_latex
from derive.errors import LatexError
from derive.language.distributions import MultivariateNormal, Normal, Uniform
from derive.language.functions import JS, KL, Expectation, sigmoid
from derive.language.symbols import SymbolTable
from derive.latex.parser import parse_latex, random_variables
from derive.model import Verdict
from derive.tiers._linearity import expectation_operator, moment_operator


def P(text: str, table: SymbolTable | None = None, **kw):
    return parse_latex(text, table if table is not None else SymbolTable(), **kw)


def sym(name: str, **assumptions) -> sympy.Symbol:
    return sympy.Symbol(name, real=True, **assumptions) if not assumptions else sympy.Symbol(name, **assumptions)


a, x, y, k, n, i = (sym(v) for v in "axykni")


# -- logarithms, exponentials, sigmoid ---------------------------------------------------


@pytest.mark.parametrize("text", [r"\log x", r"\ln x", r"\log(x)", r"\ln\left(x\right)", r"log(x)"])
def test_log_and_ln_are_natural(text):
    assert P(text) == log(x)


def test_log_with_a_base_subscript():
    assert P(r"\log_2 x") == log(x) / log(2)


def test_log_argument_runs_over_an_implicit_product_but_stops_after_an_application():
    assert P(r"\log 2\pi") == log(2 * pi)
    p = sympy.Function("p")
    f = sympy.Function("f")
    assert P(r"\log p(x) f(x)") == log(p(x)) * f(x)


def test_exp_and_e_power():
    assert P(r"\exp(-a)") == exp(-a)
    assert P(r"e^{-\frac{1}{2}x^2}") == exp(-(x**2) / 2)
    assert P(r"exp\left(a\right)") == exp(a)


def test_sigma_applied_to_parentheses_is_the_sigmoid_and_bare_sigma_is_a_symbol():
    assert P(r"\sigma(a)") == sigmoid(a)
    assert P(r"\sigma\left(a\right)") == sigmoid(a)
    assert P(r"\sigma") == sym("sigma")
    assert P(r"\sigma_1") == sym("sigma_1")
    assert P(r"\sigma_1 (a)") == sym("sigma_1") * a
    assert P(r"\sigma^2") == sym("sigma") ** 2


def test_declared_kinds_apply():
    table = SymbolTable({"sigma": "positive"})
    value = P(r"\sigma", table)
    assert value.is_positive


# -- names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (r"\Sigma_1", "Sigma_1"),
        (r"\sigma_{2}", "sigma_2"),
        (r"p_{data}", "p_data"),
        (r"q_\phi", "q_phi"),
        (r"\mu_{\theta}", "mu_theta"),
        (r"\hat{x}", "x_hat"),
        (r"\bar{x}", "x_bar"),
        (r"\mathbf{x}", "x"),
        (r"\boldsymbol{\beta}", "beta"),
        (r"\mu^*", "mu_star"),
        (r"x'", "x_prime"),
    ],
)
def test_symbol_name_mapping(text, name):
    value = P(text)
    assert isinstance(value, sympy.Symbol)
    assert value.name == name


def test_letters_multiply_implicitly():
    assert P("xy") == x * y
    assert P(r"2x \cdot y \times 3") == 6 * x * y
    assert P(r"a(x + y)") == a * (x + y)


def test_unknown_functions_are_undefined_sympy_functions():
    p, q, D = sympy.Function("p"), sympy.Function("q_phi"), sympy.Function("D")
    assert P(r"p(x)") == p(x)
    assert P(r"D(x)") == D(x)
    given = sympy.Function("given")
    assert P(r"q_\phi(z|x)") == q(sym("z"), given(x))
    assert P(r"\gamma(x,y)") == sympy.Function("gamma")(x, y)


def test_declared_name_before_parentheses_is_a_product():
    table = SymbolTable({"p": "probability"})
    assert P(r"p(1-p)", table) == table.symbol("p") * (1 - table.symbol("p"))


def test_name_seen_as_a_symbol_earlier_is_still_a_function_when_applied():
    table = SymbolTable()
    P(r"p_{data}", table)
    assert P(r"p_{data}(x)", table) == sympy.Function("p_data")(x)


# -- matrices ----------------------------------------------------------------------------


def test_trace_spellings():
    table = SymbolTable({"A": "matrix 2x2", "B": "matrix 2x2"})
    A, B = table.symbol("A"), table.symbol("B")
    expected = (A * B).trace()
    for text in [
        r"\mathrm{tr}(AB)",
        r"\operatorname{tr}(AB)",
        r"tr\{AB\}",
        r"\text{tr}(AB)",
        r"\mathrm{Tr}\left(A B\right)",
    ]:
        assert sympy.expand(P(text, table) - expected) == 0, text


def test_transpose_and_inverse():
    table = SymbolTable({"x": "vector 2", "A": "spd matrix 2x2"})
    X, A = table.symbol("x"), table.symbol("A")
    value = P(r"x^T A^{-1} x", table)
    assert sympy.simplify(value - (X.T * A.inv() * X)[0, 0]) == 0
    assert P(r"x^\top", table) == X.T
    assert P(r"x^{\top}", table) == X.T


def test_determinant_of_a_matrix_and_absolute_value_of_a_scalar():
    table = SymbolTable({"Sigma": "spd matrix 2x2"})
    S = table.symbol("Sigma")
    assert P(r"|\Sigma|", table) == S.det()
    assert P(r"\det \Sigma", table) == S.det()
    assert P(r"|x|", table) == Abs(x)
    assert P(r"\det(x)", table) == Abs(x)


def test_one_by_one_matrices_are_scalars():
    table = SymbolTable({"x": "vector 2"})
    X = table.symbol("x")
    assert P(r"x^T x + 1", table) == (X.T * X)[0, 0] + 1


def test_shape_mismatch_is_an_error():
    table = SymbolTable({"A": "matrix 2x2", "B": "matrix 3x3"})
    with pytest.raises(LatexError, match="multiply"):
        P("AB", table)
    with pytest.raises(LatexError, match="add"):
        P("A + 1", table)


def test_matrix_environment_and_identity():
    assert P(r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}") == sympy.ImmutableMatrix([[1, 2], [3, 4]])
    assert P(r"\begin{vmatrix} 1 & 2 \\ 3 & 4 \end{vmatrix}") == -2
    assert P(r"\mathrm{tr}(I_3)") == 3
    assert P(r"tr\{I_k\}") == k


# -- probability -------------------------------------------------------------------------


def test_expectation_with_a_named_distribution_declares_the_random_variable():
    table = SymbolTable({"mu": "real", "sigma": "positive"})
    found: dict = {}
    value = P(r"\mathbb{E}_{x\sim\mathcal{N}(\mu,\sigma^2)}[x^2]", table, random=found)
    assert value == Expectation(x**2)
    assert found == {"x": Normal(table.symbol("mu"), table.symbol("sigma") ** 2)}
    assert random_variables(table) == found


def test_expectation_spellings():
    table = SymbolTable()
    eps = sym("epsilon")
    assert P(r"E_{\epsilon\sim\mathcal{U}(0,1)}[\epsilon]", table) == Expectation(eps)
    assert random_variables(table)["epsilon"] == Uniform(0, 1)
    # with x random (declared, or found in a subscript) E[x] is an expectation
    assert P(r"\mathbb{E}[x]", random={"x": Normal(0, 1)}) == Expectation(x)
    assert P(r"E(\epsilon^2)", table) == Expectation(eps**2)  # E(...) of an undeclared E, over epsilon
    # with nothing random in it, E[...] stays opaque: X read as a constant would make
    # E[X^2] = E[X]^2 an identity
    big_x = sym("X")
    # an expectation of an unknown law: the marked operator of derive.tiers._linearity, not a function E
    assert P(r"\mathbb{E}[X^2]") == expectation_operator("E")(big_x**2)
    # a plain E before a parenthesis may be a function E (Bishop's error function): no laws of expectations
    assert P(r"E(XY)") == sympy.Function("E")(big_x * sym("Y"))


def test_expectation_over_a_multivariate_normal_declares_a_vector():
    table = SymbolTable({"m": "vector 2", "S": "spd matrix 2x2"})
    P(r"\mathbb{E}_{z\sim\mathcal{N}(m, S)}[z^T z]", table)
    assert isinstance(random_variables(table)["z"], MultivariateNormal)
    assert table["z"].kind.shape == (2, 1)


def test_expectation_over_an_unknown_distribution_is_opaque():
    value = P(r"E_p[\log(p) - \log(q)]")
    assert not value.has(Expectation)
    assert isinstance(value.func, sympy.core.function.UndefinedFunction)
    assert value.func.__name__ == "E_p"
    other = P(r"E_{x \sim p_G}[f(x)]")
    assert other.func.__name__ == "E_{x~p_G}"


def test_expectation_subscript_naming_a_declared_random_variable():
    value = P(r"E_x[x^2]", random={"x": Normal(0, 1)})
    assert value == Expectation(x**2)


def test_divergences_of_named_distributions_stay_divergences():
    m1, s1 = sym("mu_1"), sym("sigma_1")
    value = P(r"D_{KL}(\mathcal{N}(\mu_1, \sigma_1^2) \| \mathcal{N}(0, 1))")
    assert value == KL(Normal(m1, s1**2), Normal(0, 1))
    assert P(r"JS(\mathcal{U}(0, 1) \| \mathcal{U}(0, 2))") == JS(Uniform(0, 1), Uniform(0, 2))


def _kl(p, q, *limits):
    return Integral(p * log(p / q), *(limits or [(x, -oo, oo)]))


def test_divergences_of_unknown_densities_are_their_defining_integrals():
    # D_KL(p||q) of densities derive cannot name is ∫ p log(p/q) dx; every spelling alike
    p, q = sympy.Function("p")(x), sympy.Function("q")(x)
    for text in [r"D_{KL}(p\|q)", r"KL(p||q)", r"D_{\mathrm{KL}}\left(p \,\|\, q\right)", r"KL(p(x) \| q(x))"]:
        assert P(text) == _kl(p, q), text
    # JS(p||q) = ½KL(p||m) + ½KL(q||m), m = (p + q)/2; a mixture argument names the variable
    m = (p + q) / 2
    assert P(r"D_{JS}(p||q)") == (_kl(p, m) + _kl(q, m)) / 2
    assert (
        P(
            r"\frac{1}{2}KL\left(p||\frac{p(x) + q(x)}{2}\right)"
            r" + \frac{1}{2}KL\left(q \mid\mid \frac{p(x)+q(x)}{2}\right)"
        )
        == (_kl(p, m) + _kl(q, m)) / 2
    )
    # over a declared vector x the integral is over R^n
    t = SymbolTable({"x": "vector 2"})
    x1, x2 = t["x"].obj
    pv, qv = sympy.Function("p")(x1, x2), sympy.Function("q")(x1, x2)
    assert P(r"D_{KL}(p||q)", t) == _kl(pv, qv, (x1, -oo, oo), (x2, -oo, oo))


def test_divergences_that_cannot_be_written_as_integrals_stay_opaque():
    z = sym("z")
    given = sympy.Function("given")
    value = P(r"D_{KL}(q_{\varphi}(z|x)||p(z))")
    assert value == KL(sympy.Function("q_varphi")(z, given(x)), sympy.Function("p")(z))
    sigma = sympy.Symbol("sigma", positive=True)
    value = P(r"KL(p \| \sigma)", SymbolTable({"sigma": "positive"}))  # a declared parameter is no density
    assert value == KL(sym("p"), sigma)


def test_distribution_density_notation():
    assert P(r"\mathcal{N}(x; 0, 1)") == Normal(0, 1).pdf(x)


# -- calculus ----------------------------------------------------------------------------


def test_derivative_operators_apply_to_what_follows():
    assert P(r"\frac{d}{dx} x^3") == Derivative(x**3, x)
    assert P(r"\frac{\partial}{\partial a}\log(1-\sigma(a))") == Derivative(log(1 - sigmoid(a)), a)
    assert P(r"\frac{\partial}{\partial a}-\log(1+\exp(a))") == Derivative(-log(1 + exp(a)), a)
    assert P(r"\frac{d}{dx} x^2 + 1") == Derivative(x**2, x) + 1


def test_higher_and_mixed_derivatives():
    assert P(r"\frac{\partial^2 xy}{\partial x^2}") == Derivative(x * y, (x, 2))
    assert P(r"\frac{\partial^2 xy}{\partial x \partial y}") == Derivative(x * y, x, y)
    assert P(r"\frac{d^2}{dx^2} x^3") == Derivative(x**3, (x, 2))


def test_derivative_of_a_bare_name_is_of_a_function():
    f = sympy.Function("f")
    assert P(r"\frac{\partial f}{\partial x}") == Derivative(f(x), x)


def test_implicit_dependence_keeps_the_derivative_unknown():
    # D(x) = σ(a) in the homework: d/da of D(x) must not silently be 0
    value = P(r"\frac{\partial}{\partial a}\log(1-D(x))")
    assert value.doit() != 0
    assert P(r"\frac{\partial}{\partial \mu} D_{KL}(p||q)").doit() != 0


def test_a_fraction_is_not_a_derivative_when_the_denominator_is_not_a_differential():
    d = sym("d")
    assert P(r"\frac{d}{2}") == d / 2


def test_integrals():
    assert P(r"\int_0^1 x^2 \, dx") == Integral(x**2, (x, 0, 1))
    assert P(r"\int_{-2}^{-1}\log 2\,dx") == Integral(log(2), (x, -2, -1))
    assert P(r"\int x \, \mathrm{d}x") == Integral(x, (x, -oo, oo))
    assert P(r"\int_{1}^{2} \int_{-2}^{-1} -2x \, dx dy") == Integral(-2 * x, (x, -2, -1), (y, 1, 2))
    assert (
        P(r"\int p(x) \log p(x) dx - 1")
        == Integral(sympy.Function("p")(x) * log(sympy.Function("p")(x)), (x, -oo, oo)) - 1
    )


def test_integral_without_differential_is_an_error_unless_the_densities_name_it():
    with pytest.raises(LatexError, match="differential"):
        P(r"\int x^2")
    with pytest.raises(LatexError, match="differential"):
        P(r"\int p(x) q(y)")  # two candidate variables
    # \int p(x) (...) without dx: every unknown function takes x, so the integral is over x
    p, q = sympy.Function("p")(x), sympy.Function("q")(x)
    value = P(r"\int p(x) \left(\frac{\log p(x)}{\log q(x)}\right)")
    assert value == Integral(p * log(p) / log(q), (x, -oo, oo))


def test_integral_over_a_declared_vector_is_over_its_entries():
    t = SymbolTable({"x": "vector 2"})
    x1, x2 = t["x"].obj
    p = sympy.Function("p")(x1, x2)
    assert P(r"\int p(x) \, dx", t) == Integral(p, (x1, -oo, oo), (x2, -oo, oo))
    with pytest.raises(LatexError, match="vector"):
        P(r"\int_0^1 p(x) \, dx", t)


def test_information_theory_conventions_for_literal_zeros():
    # 0 log(0/q) = 0 and 0 log(0/0) = 0; log 0 = -oo and log(p/0) = +oo for p > 0 (limits)
    assert P(r"0 * \log \frac{0}{1}") == 0
    assert P(r"0 \cdot \log \frac{0}{0}") == 0
    assert P(r"\log \frac{0}{0} \cdot 0") == 0
    assert P(r"\log 0") == -oo
    assert P(r"1 * \log \frac{1}{0}") == oo
    assert P(r"\log\left(\frac{2}{0}\right)") == oo
    # the KL integrals of two disjoint uniforms, as the seed homework writes them
    text = (
        r"\int_{-2}^{-1} 0 * \log \frac{0}{1} dx + \int_{-1}^{1} 0 * \log \frac{0}{0} dx"
        r" + \int_{1}^{2} 1 * \log \frac{1}{0} dx"
    )
    assert P(text) == oo
    # outside a logarithm a zero denominator is still an error, and so is 0/0 on its own
    for bad in [r"\frac{1}{0}", r"\frac{0}{0}", r"\log\frac{-1}{0}", r"2 \log \frac{0}{0}"]:
        with pytest.raises(LatexError):
            P(bad)


def test_sums_products_limits():
    # a name first met as a sum's bound is a count: a positive integer
    count = sympy.Symbol("n", integer=True, positive=True)
    assert P(r"\sum_{i=1}^{n} i^2") == Sum(i**2, (i, 1, count))
    assert P(r"\prod_{i=1}^{n} x_i") == Product(sympy.Indexed(sympy.IndexedBase("x"), i), (i, 1, count))
    assert P(r"\lim_{n\to\infty} \left(1+\frac{1}{n}\right)^n") == Limit((1 + 1 / n) ** n, n, oo)
    assert P(r"\lim_{x \to 0^+} x") == Limit(x, x, 0, dir="+")


# -- grouping and sizes ------------------------------------------------------------------


def test_left_right_big_and_brace_grouping():
    assert P(r"\left(x+1\right)^2") == (x + 1) ** 2
    assert P(r"\big\{ x + y \big\} a") == a * (x + y)
    assert P(r"\Big[ x \Big]") == x
    assert P(r"\left. x \right.") == x
    assert P(r"\frac12 + \sqrt{4} + \sqrt[3]{8}") == Rational(1, 2) + 4


def test_decimals_are_exact():
    assert P("0.96") == Rational(24, 25)
    assert P("0.6 * (-1.4)") == Rational(-21, 25)


def test_constants():
    assert P(r"\pi") == pi
    assert P(r"\infty") == oo
    assert P("e") == sympy.E
    assert P(r"\sqrt{2\pi}") == sqrt(2 * pi)


def test_min_over_a_set_is_opaque_but_min_of_arguments_is_min():
    V = sympy.Function("V")
    value = P(r"\min_g V(D^*, G)")
    assert value == sympy.Function("min_g")(V(sym("D_star"), sym("G")))
    assert P(r"\min(x, y)") == sympy.Min(x, y)


def test_unicode_greek():
    assert P("σ(a)") == sigmoid(a)
    assert P("μ") == sym("mu")


def test_unknown_function_of_a_declared_vector_takes_its_entries():
    table = SymbolTable({"x": "vector 2"})
    X = table.symbol("x")
    assert P("p(x)", table) == sympy.Function("p")(X[0], X[1])


def test_a_gradient_by_a_symmetric_matrix_is_declined_not_miscounted():
    # S^{-1} with S's entries independent, 2 S^{-1} - diag(S^{-1}) by its distinct entries: neither reading alone
    (result,) = check_latex(r"$$\frac{\partial}{\partial S}\log\det S = S^{-1}$$", {"S": "spd matrix 2x2"})
    assert result.verdict is Verdict.UNDECIDED
    assert "proved with the denominator layout and independent entries" in result.detail
    assert "refuted with the denominator layout and the distinct entries" in result.detail


def test_binders_shadow_an_evaluation_bar_definition():
    y = sym("y")
    assert P(r"\left. \int_0^1 y \, dy + y \right|_{y := 3}") == Integral(y, (y, 0, 1)) + 3
    assert P(r"\left. \sum_{y=1}^{2} y \right|_{y := 3}") == Sum(y, (y, 1, 2))
    assert P(r"\left. \lim_{y \to 0} y \right|_{y := 3}") == Limit(y, y, 0, dir="+-")
    assert P(r"\left. \frac{d}{dy} y^2 \right|_{y := 3}") == 6  # d/dy, then at y = 3


def test_a_bar_declares_a_function_with_cdot():
    assert P(r"\left. K(\sigma) \right|_{K(\cdot)}") == sympy.Function("K")(sym("sigma"))
    assert P(r"\left. H[x] \right|_{H(\cdot)}") == sympy.Function("H")(x)
    assert P(r"K(\sigma)") == sym("K") * sym("sigma")  # undeclared: the product (settle says it is a guess)


def test_variance_written_as_a_word_is_the_variance():
    var = moment_operator("Var")  # of an unknown law (derive.tiers._linearity)
    for tex in (r"\text{var}[x]", r"\mathrm{Var}[x]", r"\operatorname{var}(x)", r"\mathrm{Var}(x)"):
        assert P(tex) == var(x), tex
