"""The expression language: every whitelisted construct builds the sympy object it names."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import assume, given
from hypothesis import strategies as st
from sympy import Rational

from derive.errors import DistributionError, ParseError, SymbolKindError, UnknownNameError
from derive.language._calls import HeldDerivative
from derive.language.distributions import Bernoulli, Categorical, Gumbel, MultivariateNormal, Normal, Uniform
from derive.language.functions import JS, KL, W1, Expectation, logit, sigmoid, softplus
from derive.language.parsing import (
    FUNCTIONS,
    HugePower,
    parse_distribution,
    parse_expression,
    prepare,
    split_relation,
)
from derive.language.symbols import SymbolTable
from derive.model import Claim, LatexSource, Relation

x, y = sympy.Symbol("x", real=True), sympy.Symbol("y", real=True)


def parse(text: str, **symbols: str):
    return parse_expression(text, SymbolTable(symbols))


# ---------------------------------------------------------------------------------------
# Numbers and operators.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.6*(-1.4)", Rational(-21, 25)),
        ("0.1 + 0.2", Rational(3, 10)),
        ("1e-3", Rational(1, 1000)),
        ("2.5E2", sympy.Integer(250)),
        ("1_000", sympy.Integer(1000)),
        (".5", Rational(1, 2)),
        ("3.", sympy.Integer(3)),
        ("0.12345678901234567890123", Rational(12345678901234567890123, 10**23)),
        ("7", sympy.Integer(7)),
        ("2^10", sympy.Integer(1024)),
        ("2**-1", Rational(1, 2)),
        ("-2**2", sympy.Integer(-4)),
        ("(1 + 2)*3", sympy.Integer(9)),
        ("10/4", Rational(5, 2)),
        ("+3 - -3", sympy.Integer(6)),
    ],
)
def test_numbers_are_exact(text, expected):
    value = parse(text)
    assert value == expected
    assert isinstance(value, sympy.Rational)


def test_operators_build_the_expected_expression():
    assert parse("x^2 + 3*x - y/2") == x**2 + 3 * x - y / 2
    assert parse("x ^ 2 * y") == x**2 * y  # '^' binds like '**', not like Python's xor
    assert parse("-x**2") == -(x**2)
    assert parse("x**y**2") == x ** (y**2)
    assert parse("(x + y)**2") == (x + y) ** 2


def test_whitespace_and_newlines_are_ignored():
    assert parse("  x +\n   y\t") == x + y


def test_constants():
    assert parse("pi") is sympy.pi
    assert parse("oo") is sympy.oo
    assert parse("I**2") == -1
    assert parse("exp(1)") is sympy.E


def test_bare_E_is_rejected_with_a_hint():
    with pytest.raises(ParseError, match=r"E\(\.\.\.\) is the expectation; Euler's number is exp\(1\)") as info:
        parse("x + E")
    assert info.value.column == 4
    assert info.value.token == "E"


# ---------------------------------------------------------------------------------------
# Symbols and kinds.


@pytest.mark.parametrize(
    ("kind", "assumption"),
    [
        ("real", "is_real"),
        ("positive", "is_positive"),
        ("nonnegative", "is_nonnegative"),
        ("negative", "is_negative"),
        ("integer", "is_integer"),
        ("positive integer", "is_integer"),
        ("probability", "is_positive"),
    ],
)
def test_scalar_kinds_carry_their_assumptions(kind, assumption):
    table = SymbolTable({"s": kind})
    value = parse_expression("s", table)
    assert value is table["s"].obj
    assert getattr(value, assumption) is True


def test_undeclared_names_are_real_and_declared():
    table = SymbolTable()
    value = parse_expression("alpha + beta_1", table)
    assert {str(s) for s in value.free_symbols} == {"alpha", "beta_1"}
    assert all(s.is_real for s in value.free_symbols)
    assert set(table) == {"alpha", "beta_1"}


def test_matrix_and_vector_kinds_are_explicit_matrices():
    table = SymbolTable({"A": "matrix 2x3", "S": "spd matrix 2x2", "v": "vector 3"})
    assert parse_expression("A", table).shape == (2, 3)
    assert parse_expression("v", table).shape == (3, 1)
    S = parse_expression("S", table)
    assert S[0, 1] == S[1, 0]
    assert S[0, 0].is_positive


def test_function_names_may_be_declared_as_symbols():
    table = SymbolTable({"gamma": "positive"})
    assert parse_expression("2*gamma", table) == 2 * table["gamma"].obj
    assert parse_expression("gamma(3)", table) == 2  # a call is still the function
    with pytest.raises(ParseError, match="is a function; call it as gamma"):
        parse("2*gamma")


# ---------------------------------------------------------------------------------------
# Functions.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("exp(x)", sympy.exp(x)),
        ("log(x)", sympy.log(x)),
        ("log(8, 2)", sympy.Integer(3)),
        ("sqrt(x)", sympy.sqrt(x)),
        ("Abs(x)", sympy.Abs(x)),
        ("sign(x)", sympy.sign(x)),
        ("Max(x, y, 1)", sympy.Max(x, y, 1)),
        ("Min(x, y)", sympy.Min(x, y)),
        ("floor(x)", sympy.floor(x)),
        ("ceiling(x)", sympy.ceiling(x)),
        ("sin(x) + cos(x) + tan(x)", sympy.sin(x) + sympy.cos(x) + sympy.tan(x)),
        ("tanh(x) + atan(x)", sympy.tanh(x) + sympy.atan(x)),
        ("erf(x)", sympy.erf(x)),
        ("gamma(x)", sympy.gamma(x)),
        ("factorial(5)", sympy.Integer(120)),
        ("binomial(5, 2)", sympy.Integer(10)),
        ("Heaviside(x)", sympy.Heaviside(x)),
        ("sigmoid(x)", sigmoid(x)),
        ("softplus(x)", softplus(x)),
        ("logit(x)", logit(x)),
        ("Piecewise((x, x > 0), (0, True))", sympy.Piecewise((x, x > 0), (0, True))),
        ("Piecewise((1, 0 < x < 1), (0, True))", sympy.Piecewise((1, (x > 0) & (x < 1)), (0, True))),
        ("Piecewise((1, (x >= 0) & (x <= 1)), (0, True))", sympy.Piecewise((1, (x >= 0) & (x <= 1)), (0, True))),
        ("Piecewise((1, (x < 0) | (x > 1)), (0, True))", sympy.Piecewise((1, (x < 0) | (x > 1)), (0, True))),
        ("Piecewise((1, Eq_ == 0), (0, True))", None),
    ],
)
def test_scalar_functions(text, expected):
    if expected is None:
        table = SymbolTable()
        value = parse_expression(text, table)
        eq = table["Eq_"].obj
        assert value == sympy.Piecewise((1, sympy.Eq(eq, 0)), (0, True))
        return
    assert parse(text) == expected


def test_calculus_operators():
    assert parse("diff(log(1 - sigmoid(a)), a)") == -sigmoid(sympy.Symbol("a", real=True))
    assert parse("diff(x**3, x, 2)") == 6 * x
    assert parse("diff(x**2*y**2, x, y)") == 4 * x * y
    assert parse("integrate(exp(-x**2), (x, -oo, oo))") == sympy.Integral(sympy.exp(-(x**2)), (x, -sympy.oo, sympy.oo))
    assert parse("integrate(x, x)") == sympy.Integral(x, x)
    k, n = sympy.Symbol("k", integer=True), sympy.Symbol("n", integer=True, positive=True)
    table = SymbolTable({"k": "integer", "n": "positive integer"})
    assert parse_expression("Sum(k**2, (k, 1, n))", table) == sympy.Sum(k**2, (k, 1, n))
    assert parse_expression("Product(k, (k, 1, n))", table) == sympy.Product(k, (k, 1, n))
    assert parse("limit(sin(x)/x, x, 0)") == sympy.Limit(sympy.sin(x) / x, x, 0, "+-")
    assert parse("limit(1/x, x, 0, '+')") == sympy.Limit(1 / x, x, 0, "+")
    assert parse("limit(1/x, x, 0, dir='-')") == sympy.Limit(1 / x, x, 0, "-")
    assert parse("limit(sigmoid(x), x, oo)") == sympy.Limit(sigmoid(x), x, sympy.oo)
    assert parse("subs(x**2 + y, x, 3)") == 9 + y
    # A bound variable is not replaced; a free occurrence in the limits is.
    assert parse("subs(integrate(x*y, (x, 0, x)), x, 2)") == sympy.Integral(x * y, (x, 0, 2))
    assert parse("subs(x*integrate(x, (x, 0, 1)), x, 5)") == 5 * sympy.Integral(x, (x, 0, 1))


def test_integrals_sums_and_limits_stay_unevaluated():
    assert isinstance(parse("integrate(x, (x, 0, 1))"), sympy.Integral)
    assert isinstance(parse("Sum(1/k**2, (k, 1, oo))"), sympy.Sum)
    assert isinstance(parse("limit(x, x, 0)"), sympy.Limit)


# ---------------------------------------------------------------------------------------
# Matrices.


def test_matrix_literals_and_constructors():
    assert parse("Matrix([[1, 2], [3, 4]])") == sympy.ImmutableMatrix([[1, 2], [3, 4]])
    assert parse("Matrix([x, y])") == sympy.ImmutableMatrix([[x], [y]])
    assert parse("eye(2)") == sympy.ImmutableMatrix.eye(2)
    assert parse("zeros(2, 3)") == sympy.ImmutableMatrix.zeros(2, 3)
    assert parse("ones(2, 1)") == sympy.ImmutableMatrix.ones(2, 1)
    assert isinstance(parse("eye(2)"), sympy.ImmutableMatrix)


def test_matrix_operations():
    table = SymbolTable({"A": "matrix 2x2", "B": "matrix 2x2", "S": "spd matrix 2x2", "v": "vector 2"})
    A, B, S = (table[n].obj for n in "ABS")
    p = lambda text: parse_expression(text, table)  # noqa: E731
    assert p("A*B") == A * B
    assert p("A @ B") == A * B
    assert p("transpose(A)") == A.T
    assert p("trace(A*B)") == (A * B).trace()
    assert p("det(S)") == S[0, 0] * S[1, 1] - S[0, 1] ** 2
    assert sympy.simplify(p("inverse(A)") - A.inv()) == sympy.zeros(2, 2)
    assert p("A**-1") == p("inverse(A)")
    assert p("A**2") == A * A
    assert p("A**0") == sympy.eye(2)
    assert p("2*A - A") == A


def test_one_by_one_products_act_as_scalars():
    table = SymbolTable({"v": "vector 2", "A": "matrix 2x2"})
    v, A = table["v"].obj, table["A"].obj
    quad = parse_expression("transpose(v)*A*v", table)
    assert quad.shape == (1, 1)
    assert sympy.expand(quad[0, 0] - (v.T * A * v)[0, 0]) == 0
    assert parse_expression("transpose(v)*v + 1", table) == v[0] ** 2 + v[1] ** 2 + 1
    assert parse_expression("log(transpose(v)*v)", table) == sympy.log(v[0] ** 2 + v[1] ** 2)
    assert parse_expression("(transpose(v)*v)*A", table) == (v[0] ** 2 + v[1] ** 2) * A


def test_hessian_jacobian_eigenvals():
    assert parse("hessian(x*y, (x, y))") == sympy.ImmutableMatrix([[0, 1], [1, 0]])
    assert parse("det(hessian(x*y, (x, y)))") == -1
    assert parse("jacobian((x*y, x + y), (x, y))") == sympy.ImmutableMatrix([[y, x], [1, 1]])
    assert parse("eigenvals(Matrix([[2, 1], [1, 2]]))") == sympy.FiniteSet(1, 3)
    assert parse("{1, 3}") == sympy.FiniteSet(1, 3)


def test_gradient_with_respect_to_a_vector():
    table = SymbolTable({"v": "vector 2", "A": "matrix 2x2"})
    v, A = table["v"].obj, table["A"].obj
    grad = parse_expression("diff(transpose(v)*A*v, v)", table)
    assert grad.shape == (2, 1)
    assert sympy.expand(grad - (A + A.T) * v) == sympy.zeros(2, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A*v*v", "shapes do not fit: cannot multiply 2x1 by 2x1"),
        ("A + 1", "cannot add a scalar and a 2x2 matrix"),
        ("A + v", "cannot add 2x2 and 2x1"),
        ("det(v)", "non-square 2x1"),
        ("v**2", "not square"),
        ("1/A", "division by a 2x2 matrix"),
        ("exp(A)", "exp expects a scalar, got a 2x2 matrix"),
        ("inverse(Matrix([[1, 1], [1, 1]]))", "not invertible"),
        ("A**100", "too large"),
        ("A**x", "integer power"),
    ],
)
def test_shape_errors(text, message):
    table = SymbolTable({"A": "matrix 2x2", "v": "vector 2"})
    with pytest.raises(ParseError, match=message):
        parse_expression(text, table)


# ---------------------------------------------------------------------------------------
# Expectations, divergences and distributions.


def test_expectation_and_divergences():
    table = SymbolTable({"mu": "real", "sigma": "positive"})
    mu, sigma = table["mu"].obj, table["sigma"].obj
    eps = table.symbol("eps")
    assert parse_expression("E((mu + sigma*eps)**2)", table) == Expectation((mu + sigma * eps) ** 2)
    assert parse_expression("KL(Normal(mu, sigma**2), Normal(0, 1))", table) == KL(Normal(mu, sigma**2), Normal(0, 1))
    assert parse_expression("JS(Uniform(-2, -1), Uniform(1, 2))", table) == JS(Uniform(-2, -1), Uniform(1, 2))
    assert parse_expression("W1(Normal(0, 1), Normal(3, 1))", table) == W1(Normal(0, 1), Normal(3, 1))


def test_derivatives_go_inside_expectations():
    # d/dθ E[f] = E[df/dθ] for a parameter; sympy's chain rule would write E'(f) df/dθ.
    table = SymbolTable({"mu": "real", "sigma": "positive"})
    mu, sigma = table["mu"].obj, table["sigma"].obj
    value = parse_expression("diff(E((x - mu)**2/sigma), mu)", table)
    x = table["x"].obj
    assert value == Expectation(-2 * (x - mu) / sigma)
    assert not value.has(sympy.Subs, sympy.Derivative)
    assert parse_expression("diff(log(E(x*mu)), mu)", table) == Expectation(x) / Expectation(mu * x)
    assert parse_expression("diff(E(x**2*mu), mu, 2)", table) == 0


def test_a_random_variable_is_integrated_out_of_an_expectation():
    claim = Claim(id="rv", lhs="diff(E(x**2) + x, x)", rhs="1", random={"x": "Normal(0, 1)"})
    problem = prepare(claim)
    assert problem.lhs == 1


def test_a_gradient_does_not_pass_inside_when_the_distribution_moves():
    # x ~ N(θ, 1): E[x²] = θ² + 1, so d/dθ E[x²] = 2θ, while E[d/dθ x²] = 0.
    symbols, random = {"theta": "real"}, {"x": "Normal(theta, 1)"}
    problem = prepare(
        Claim(id="g", lhs="diff(E(x**2), theta)", rhs="E(diff(x**2, theta))", symbols=symbols, random=random)
    )
    theta = problem.symbols["theta"].obj
    assert problem.lhs == 2 * theta
    assert problem.rhs == Expectation(0)
    # Without a closed form the derivative is held whole, never guessed (nor an input error).
    claim = Claim(
        id="h", lhs="diff(E(sin(x)*exp(x**3)), theta)", rhs="0", symbols=symbols, random={"x": "Gumbel(theta, 1)"}
    )
    problem = prepare(claim)
    theta, x = problem.symbols["theta"].obj, problem.symbols["x"].obj
    held = problem.lhs
    assert isinstance(held, HeldDerivative)
    assert held.args == (Expectation(sympy.sin(x) * sympy.exp(x**3)), theta)
    assert str(held) == "diff(E(exp(x**3)*sin(x)), theta)"
    assert "depends on theta, so the derivative does not pass inside" in held.reason
    # No rule differentiates through it: not sympy's chain rule (which would give 0 here,
    # E(...) not mentioning theta), not doit, not a second derivative.
    assert sympy.diff(held, theta) == HeldDerivative(held, theta)
    assert held.doit() == held
    second = "diff(diff(E(sin(x)*exp(x**3)), theta), theta)"
    again = prepare(Claim(id="h2", lhs=second, rhs="0", symbols=symbols, random={"x": "Gumbel(theta, 1)"}))
    assert again.lhs.has(HeldDerivative)
    assert not again.lhs.has(sympy.Derivative, sympy.Subs)


def test_diff_orders():
    assert parse("diff(x**3*y, x, 0, y)") == x**3
    assert parse("diff(x**3*y**2, x, 2, y)") == 12 * x * y
    assert parse("diff(x**3*y**2, x, y, 2)") == 6 * x**2


def test_a_gradient_in_an_spd_matrix_treats_its_entries_as_independent():
    # S[1,2] and S[2,1] are one symbol: differentiating in it would count x1*x2 twice.
    table = SymbolTable({"S": "spd matrix 2x2", "A": "matrix 2x2", "v": "vector 2"})
    S, A, v = (table[n].obj for n in "SAv")
    assert parse_expression("diff(transpose(v)*S*v, S)", table) == v * v.T
    assert parse_expression("diff(trace(A*S), S)", table) == A.T
    grad = parse_expression("diff(log(det(S)), S)", table)
    assert sympy.simplify(grad - S.inv()) == sympy.zeros(2, 2)
    # S keeps its meaning outside the derivative, and no stand-in symbol leaks out.
    value = parse_expression("diff(trace(A*S), S)*trace(S)", table)
    assert value == A.T * S.trace()
    assert value.free_symbols <= set(S) | set(A)
    assert not any(isinstance(s, sympy.Dummy) for s in grad.free_symbols)


def test_a_gradient_in_a_matrix_with_tied_entries_is_refused():
    table = SymbolTable({"S": "spd matrix 2x2", "a": "real", "b": "real"})
    with pytest.raises(ParseError, match="has repeated entries"):
        parse_expression("diff(a*b, Matrix([[a, b], [b, a]]))", table)
    with pytest.raises(ParseError, match="has repeated entries"):
        parse_expression("diff(trace(S), transpose(S))", table)
    # S sets the distribution of y: inside E(...) its entries cannot be taken apart.
    claim = Claim(
        id="tied",
        lhs="diff(E(transpose(y)*y), S)",
        rhs="eye(2)",
        symbols={"S": "spd matrix 2x2", "y": "vector 2"},
        random={"y": "MultivariateNormal([0, 0], S)"},
    )
    with pytest.raises(ParseError, match="cannot be taken apart inside E"):
        prepare(claim)


def test_expectation_of_a_random_vector_is_taken_entrywise():
    table = SymbolTable({"z": "vector 2"})
    z = table["z"].obj
    assert parse_expression("E(z)", table) == sympy.ImmutableMatrix([[Expectation(z[0])], [Expectation(z[1])]])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Normal(0, 1)", Normal(0, 1)),
        ("Uniform(-2, -1)", Uniform(-2, -1)),
        ("Bernoulli(0.3)", Bernoulli(Rational(3, 10))),
        ("Categorical([0.2, 0.3, 0.5])", Categorical([Rational(1, 5), Rational(3, 10), Rational(1, 2)])),
        ("Gumbel(0, 1)", Gumbel(0, 1)),
        ("MultivariateNormal([0, 0], eye(2))", MultivariateNormal(sympy.ImmutableMatrix([0, 0]), sympy.eye(2))),
    ],
)
def test_distributions(text, expected):
    value = parse_distribution(text, SymbolTable())
    assert value == expected


def test_distribution_errors_are_parse_errors():
    with pytest.raises(ParseError, match=r"at column 0: Normal\(mean, variance\) takes 2 arguments, got 1"):
        parse("Normal(0)")
    with pytest.raises(ParseError, match="not a distribution"):
        parse_distribution("x + 1", SymbolTable())
    with pytest.raises(ParseError, match="KL takes two distributions"):
        parse("KL(x, Normal(0, 1))")


# ---------------------------------------------------------------------------------------
# Errors name the token and column.


@pytest.mark.parametrize(
    ("text", "token", "column", "message"),
    [
        ("1 + sigmoud(x)", "sigmoud", 4, "unknown function 'sigmoud' at column 4; did you mean 'sigmoid'?"),
        ("x.real", "x.real", 0, "attribute access"),
        ("a[0]", "a[0]", 0, "subscript"),
        ("x % 2", "%", 0, "operator '%'"),
        ("x // 2", "//", 0, "operator '//'"),
        ("2 + (x if x else y)", "x if x else y", 5, "conditional expression"),
        ("(x", None, 0, "never closed"),
        ("x == y", "x == y", 0, "relation goes in its `relation:` field"),
        ("f(x)", "f", 0, "unknown function 'f'"),
        ("exp(x, evaluate=False)", "evaluate", 7, "keyword argument 'evaluate'"),
        ("exp(x, y)", "exp", 0, "exp(x) takes 1 argument, got 2"),
        ("(x, y)", "(x, y)", 0, "tuple"),
        ("[x]", "[x]", 0, "list"),
        ("2j", "2j", 0, "imaginary literal"),
        ("'x'", "'x'", 0, "string"),
        ("x & y", "x & y", 0, "'&' and '|'"),
        ("x^2 + y.z", "y.z", 6, "attribute access"),
    ],
)
def test_errors_name_token_and_column(text, token, column, message):
    with pytest.raises(ParseError) as info:
        parse(text)
    err = info.value
    assert message in err.message
    assert err.column == column
    if token is not None:
        assert err.token == token
    assert err.text == text


def test_unknown_function_is_an_unknown_name_error():
    with pytest.raises(UnknownNameError, match=r"did you mean 'softplus'\?"):
        parse("softplis(x)")
    with pytest.raises(UnknownNameError, match=r"unknown function 'frobnicate' at column 0$"):
        parse("frobnicate(x)")


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("ln(x)", "did you mean 'log'?"),
        ("tr(x)", "did you mean 'trace'?"),
        ("sigma(x)", "did you mean 'sigmoid'?"),
        ("Exp(x)", "did you mean 'exp'?"),
        ("2x", "products need '*'"),
        ("x y", "products need '*'"),
        ("2(x + 1)", "write 2*(x + 1)"),
        ("a(x + 1)", "'a' at column 0 is a symbol, not a function (write a*(...) for a product)"),
        ("lambda + 1", "name the variable 'lam'"),
    ],
)
def test_common_mistakes_get_hints(text, hint):
    with pytest.raises(ParseError) as info:
        parse_expression(text, SymbolTable({"a": "real"}))
    assert hint in info.value.message


def test_columns_count_characters_not_bytes():
    with pytest.raises(ParseError) as info:
        parse("σ + τ.real")
    assert info.value.column == 4


def test_every_function_has_a_usage_string():
    for name, (_, lo, hi, usage) in FUNCTIONS.items():
        assert name in usage
        assert 0 < lo <= hi


# ---------------------------------------------------------------------------------------
# split_relation.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("diff(x**2, x) == 2*x", ("diff(x**2, x)", Relation.EQ, "2*x")),
        ("x^2 = y", ("x^2", Relation.EQ, "y")),
        ("x**2 >= 0", ("x**2", Relation.GE, "0")),
        ("a <= b", ("a", Relation.LE, "b")),
        ("a < b", ("a", Relation.LT, "b")),
        ("(a) > (b)", ("(a)", Relation.GT, "(b)")),
        ("(a == b)", ("a", Relation.EQ, "b")),
        ("Piecewise((1, x > 0), (0, True)) <= 1", ("Piecewise((1, x > 0), (0, True))", Relation.LE, "1")),
        ("pi ~= 3.14159", ("pi", Relation.APPROX, "3.14159")),
        ("a ≤ b", ("a", Relation.LE, "b")),
    ],
)
def test_split_relation(text, expected):
    assert split_relation(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a + b", "no relation"),
        ("a < b < c", "chained"),
        ("a != b", "not a claim relation"),
        ("a = b = c", "more than one"),
    ],
)
def test_split_relation_errors(text, message):
    with pytest.raises(ParseError, match=message):
        split_relation(text)


# ---------------------------------------------------------------------------------------
# prepare: claims become problems.


def test_prepare_declares_symbols_and_random_variables():
    claim = Claim(
        id="reparam",
        lhs="E((mu + sigma*eps)**2)",
        rhs="mu**2 + sigma**2",
        symbols={"mu": "real", "sigma": "positive"},
        random={"eps": "Normal(0, 1)", "z": "MultivariateNormal([0, 0], eye(2))"},
    )
    problem = prepare(claim)
    table = problem.symbols
    assert table["sigma"].obj.is_positive
    (eps, d_eps), (z, d_z) = problem.random
    assert eps is table["eps"].obj and d_eps == Normal(0, 1)
    assert z.shape == (2, 1) and str(table["z"].kind) == "vector 2" and d_z.size == 2
    assert problem.lhs == Expectation((table["mu"].obj + table["sigma"].obj * eps) ** 2)
    assert problem.relation is Relation.EQ


def test_prepare_rejects_kind_conflicting_with_random_variable():
    claim = Claim(id="c", lhs="x", rhs="x", symbols={"x": "matrix 2x2"}, random={"x": "Normal(0, 1)"})
    with pytest.raises(ParseError, match="draws scalars") as info:
        prepare(claim)
    assert info.value.claim_id == "c"
    claim = Claim(
        id="d", lhs="z", rhs="z", symbols={"z": "vector 3"}, random={"z": "MultivariateNormal([0, 0], eye(2))"}
    )
    with pytest.raises(ParseError, match="vectors of size 2"):
        prepare(claim)


@pytest.mark.parametrize(("name", "message"), [("lambda", "Python keyword"), ("_x", "reserved"), ("2x", "not a valid")])
def test_prepare_rejects_bad_symbol_names(name, message):
    with pytest.raises(ParseError, match=message):
        prepare(Claim(id="n", lhs="1", rhs="1", symbols={name: "real"}))


def test_prepare_rejects_a_random_variable_in_its_own_distribution():
    with pytest.raises(ParseError, match="'x' appears in its own distribution Normal"):
        prepare(Claim(id="self", lhs="E(x)", rhs="0", random={"x": "Normal(x, 1)"}))


def test_prepare_wraps_errors_with_claim_id_and_side():
    claim = Claim(id="bad.one", lhs="sigmoud(a)", rhs="0")
    with pytest.raises(UnknownNameError) as info:
        prepare(claim)
    assert info.value.claim_id == "bad.one"
    assert "lhs: unknown function 'sigmoud'" in str(info.value)
    with pytest.raises(ParseError, match="random variable 'eps'"):
        prepare(Claim(id="r", lhs="E(eps)", rhs="0", random={"eps": "Normal(0)"}))
    with pytest.raises(ParseError, match="is not a distribution"):
        prepare(Claim(id="r", lhs="E(eps)", rhs="0", random={"eps": "x + 1"}))
    with pytest.raises(SymbolKindError):
        prepare(Claim(id="k", lhs="x", rhs="x", symbols={"x": "postive"}))
    with pytest.raises(ParseError, match="is a distribution, not a value"):
        prepare(Claim(id="k", lhs="Normal(0, 1)", rhs="x"))


def test_prepare_adopts_python_sympy_sides():
    a = sympy.Symbol("a", positive=True)
    b = sympy.Symbol("b")
    A = sympy.MatrixSymbol("A", 2, 2)
    claim = Claim(
        id="py",
        lhs=sympy.log(a) + b + sympy.Trace(A * A.T),
        rhs=sympy.Integer(0),
        symbols={"A": "matrix 2x2"},
    )
    problem = prepare(claim)
    table = problem.symbols
    assert table["a"].obj.is_positive  # kept from the Python symbol's assumptions
    assert table["b"].obj.is_real  # a plain Symbol is real, like an undeclared name
    A_explicit = table["A"].obj
    expected = sympy.log(table["a"].obj) + table["b"].obj + (A_explicit * A_explicit.T).trace()
    assert sympy.expand(problem.lhs - expected) == 0


def test_prepare_accepts_numbers_and_distribution_objects():
    problem = prepare(Claim(id="n", lhs=0.1, rhs=1, random={"u": Uniform(0, 1)}))
    assert problem.lhs == Rational(1, 10)
    assert problem.rhs == 1
    assert problem.random[0][1] == Uniform(0, 1)


def test_prepare_latex_side_uses_the_latex_front_end():
    pytest.importorskip("derive.latex.parser")
    problem = prepare(Claim(id="tex", lhs=LatexSource(r"x^{2}"), rhs="x**2"))
    assert sympy.simplify(problem.lhs - problem.rhs) == 0


# ---------------------------------------------------------------------------------------
# Huge numbers stay unevaluated.


def test_huge_powers_stay_unevaluated_but_exact():
    value = parse("10**10**10")
    assert isinstance(value, HugePower)
    assert value.args == (10, 10**10)
    assert value.is_integer and value.is_positive
    assert (value + 1) - value == 1  # arithmetic does not expand it
    assert str(sympy.N(value, 5)) == "1.0000e+10000000000"
    tower = parse("2**2**2**2**2**2")
    assert tower.free_symbols == set()
    assert parse("1e100000") == HugePower(10, 100000)
    assert parse("2**100") == 2**100  # small powers are evaluated


def test_a_tower_over_a_huge_power_is_read_without_evaluating():
    # Ten levels: 2**65536 is a HugePower, and an evaluated power over it asks sympy
    # questions that compute its digits (OverflowError).
    tower = "**".join(["2"] * 10)
    value = parse(tower)
    assert value.has(HugePower) and value.free_symbols == set()
    assert (parse(f"{tower} + 1") - value) == 1


def test_huge_factorials_and_binomials_stay_unevaluated():
    f = parse("factorial(10**9)")
    assert isinstance(f, sympy.factorial) and f.args == (10**9,)
    b = parse("binomial(10**12, 10**6)")
    assert isinstance(b, sympy.binomial)
    assert parse("gamma(10**9)").func is sympy.gamma
    assert parse("factorial(20)") == sympy.factorial(20)


# ---------------------------------------------------------------------------------------
# Property tests: sympy's own printing of an expression parses back to the same object.

_TABLE = SymbolTable({"x": "real", "p": "positive", "n": "positive integer", "q": "probability"})
_SYMS = [_TABLE[n].obj for n in ("x", "p", "n", "q")]

_atoms = st.one_of(
    st.sampled_from(_SYMS),
    st.integers(-50, 50).map(sympy.Integer),
    st.fractions(max_denominator=30).map(lambda f: Rational(f.numerator, f.denominator)),
    st.sampled_from([sympy.pi, sympy.I]),
)
_unary = [sympy.exp, sympy.log, sympy.sin, sympy.tanh, sympy.sqrt, sympy.Abs, sigmoid, softplus, sympy.erf, sympy.atan]


def _extend(children):
    return st.one_of(
        st.tuples(children, children).map(lambda t: t[0] + t[1]),
        st.tuples(children, children).map(lambda t: t[0] * t[1]),
        st.tuples(children, children).map(lambda t: t[0] - t[1]),
        st.tuples(children, st.integers(-3, 3)).map(lambda t: t[0] ** t[1]),
        st.tuples(st.sampled_from(_unary), children).map(lambda t: t[0](t[1])),
        st.tuples(children, children).map(_max_or_sum),
    )


def _max_or_sum(t):
    # Max needs comparable (real) arguments; fall back to a sum otherwise.
    if all(a.is_extended_real for a in t):
        return sympy.Max(*t)
    return t[0] + t[1]


expressions = st.recursive(_atoms, _extend, max_leaves=12)


def _in_language(expr):
    # sympy can produce values the language does not write: E (Euler's number, which the
    # language spells exp(1)), zoo, nan, and interval results such as atan(zoo).
    return not expr.has(sympy.E, sympy.zoo, sympy.nan, sympy.oo, -sympy.oo, sympy.AccumBounds)


@given(expressions)
def test_printed_expressions_parse_back_to_themselves(expr):
    assume(_in_language(expr))
    text = sympy.sstr(expr)
    parsed = parse_expression(text, _TABLE)
    _assert_same(parsed, expr)
    # After one round the text is a fixed point: printing and parsing again changes nothing.
    assert parse_expression(sympy.sstr(parsed), _TABLE) == parsed


def _assert_same(parsed, expr):
    # Usually the very same tree. sympy can hold a product like (-1)*(1 - pi) unexpanded,
    # which its printer writes as -(1 - pi) and its constructors rebuild as pi - 1: then
    # the two must still be the same value.
    if parsed != expr:
        assert sympy.expand(parsed - expr) == 0 or sympy.simplify(parsed - expr) == 0, (parsed, expr)


@given(st.lists(st.lists(expressions, min_size=2, max_size=2), min_size=1, max_size=3))
def test_printed_matrices_parse_back_to_themselves(rows):
    matrix = sympy.ImmutableMatrix(rows)
    assume(_in_language(matrix))
    parsed = parse_expression(sympy.sstr(matrix), _TABLE)
    assert parsed.shape == matrix.shape
    for a, b in zip(parsed, matrix, strict=True):
        _assert_same(a, b)


# A small grammar that writes text the way people do and the sympy value it must mean.
_leaf_text = st.one_of(
    st.sampled_from([("x", _SYMS[0]), ("p", _SYMS[1]), ("n", _SYMS[2]), ("pi", sympy.pi)]),
    st.integers(0, 99).map(lambda i: (str(i), sympy.Integer(i))),
    st.tuples(st.integers(0, 99), st.integers(0, 99)).map(
        lambda t: (f"{t[0]}.{t[1]:02d}", Rational(t[0] * 100 + t[1], 100))
    ),
)


def _grow(children):
    def binop(t):
        (a_text, a), op, (b_text, b) = t
        value = {"+": a + b, "-": a - b, "*": a * b}[op]
        return (f"({a_text}) {op} ({b_text})", value)

    def power(t):
        (a_text, a), k, caret = t
        return (f"({a_text}){'^' if caret else '**'}{k}", a**k)

    def call(t):
        name, (a_text, a) = t
        func = {"exp": sympy.exp, "sigmoid": sigmoid, "softplus": softplus, "cos": sympy.cos}[name]
        return (f"{name}({a_text})", func(a))

    return st.one_of(
        st.tuples(children, st.sampled_from("+-*"), children).map(binop),
        st.tuples(children, st.integers(0, 3), st.booleans()).map(power),
        st.tuples(st.sampled_from(["exp", "sigmoid", "softplus", "cos"]), children).map(call),
        children.map(lambda c: (f"-({c[0]})", -c[1])),
    )


@given(st.recursive(_leaf_text, _grow, max_leaves=10))
def test_grammar_text_means_the_expected_expression(pair):
    text, expected = pair
    # Same meaning, not necessarily the same tree: "-(x) * (p + x)" is built as -x*(p + x)
    # while the grammar's value is x*(-p - x), depending on where sympy distributes the sign.
    _assert_same(parse_expression(text, _TABLE), expected)


def test_distribution_error_type_is_reported_as_parse_error():
    # DistributionError is raised by the constructors; the parser reports it with a column.
    with pytest.raises(ParseError) as info:
        parse("MultivariateNormal([0, 0], eye(3))")
    assert not isinstance(info.value, DistributionError)
    assert "does not fit" in info.value.message


# ---------------------------------------------------------------------------------------
# Indexed entries: x_i under a Sum or Product over i.


def test_suffix_of_the_bound_index_is_an_indexed_entry():
    i, n = sympy.Symbol("i", real=True), sympy.Symbol("n", integer=True, positive=True)
    value = parse("Sum(x_i, (i, 1, n))", x="positive", n="positive integer")
    assert value == sympy.Sum(sympy.Indexed(sympy.IndexedBase("x", positive=True), i), (i, 1, n))
    (entry,) = value.atoms(sympy.Indexed)
    assert entry.is_positive


def test_product_and_nested_sums_bind_their_indices():
    value = parse("Product(Sum(a_i*b_j, (j, 1, i)), (i, 1, 3))")
    assert {str(e) for e in value.atoms(sympy.Indexed)} == {"a[i]", "b[j]"}


def test_suffix_outside_the_binding_sum_stays_a_plain_symbol():
    table = SymbolTable({"x_i": "positive"})
    value = parse_expression("x_i + Sum(x_j, (j, 1, 2)) + Sum(x_i, (k, 1, 2))", table)
    plain = sympy.Symbol("x_i", positive=True)
    k = sympy.Symbol("k", real=True)
    assert value.coeff(plain) == 1
    assert sympy.Sum(plain, (k, 1, 2)) in value.args  # the sum over k does not bind i
    assert {str(e) for e in value.atoms(sympy.Indexed)} == {"x[j]"}


def test_declared_indexed_name_gives_its_kind_to_the_entry():
    value = parse("Sum(1/N_k, (k, 1, c))", N_k="positive", N="real")
    (entry,) = value.atoms(sympy.Indexed)
    assert entry.is_positive
    # an x_i that an earlier use declared real says nothing; the declared x does
    table = SymbolTable({"x": "negative"})
    value = parse_expression("x_i + Sum(x_i, (i, 1, 2))", table)
    (entry,) = value.atoms(sympy.Indexed)
    assert entry.is_negative


def test_names_that_only_look_indexed_are_plain_symbols():
    value = parse("Sum(xi + x_ii + i_x, (i, 1, 2))")
    assert not value.atoms(sympy.Indexed)
