"""Steps through unknown functions decided "for every function" (derive.tiers.numeric._for_every_function), and
``f'(x)`` read as the derivative of an unknown f (derive.latex.context.unknown_derivatives).

Each unknown function becomes, in turn, one of a few random analytic functions (a quadratic, an exponential and a
sine of random linear forms): derivatives, integrals and other arguments of it are then those of one function,
which independent values cannot see (the fundamental theorem of calculus, integration by parts). A step that
fails for some interpretation is never refuted (the text may mean a particular function), only left undecided.
"""

from __future__ import annotations

import time

import pytest
import sympy

import derive
from derive.language.symbols import SymbolTable
from derive.model import Problem, Relation, Settings, Verdict
from derive.tiers.numeric import _for_every_function, _function_names, _prepare, _under_log, check_numeric


def _step(doc: str, **settings: object) -> derive.CheckResult:
    results = derive.check_latex(doc, **settings)
    return results[-1]


def _one(tex: str) -> derive.CheckResult:
    return _step(f"$${tex}$$\n", timeout=30)


# --- true steps that need one function, not independent values --------------------------------


@pytest.mark.parametrize(
    "tex",
    [
        r"\int_0^1 x f'(x) \, dx = f(1) - \int_0^1 f(x) \, dx",  # by parts: f' and f of one function
        r"\int_0^2 f'(x) f(x) \, dx = \frac{f(2)^2 - f(0)^2}{2}",
        r"\int_0^{\pi} g'(t) \cos(t) \, dt = -g(\pi) - g(0) + \int_0^{\pi} g(t) \sin(t) \, dt",
    ],
)
def test_a_step_through_one_function_and_its_derivative_is_accepted(tex):
    result = _one(tex)
    assert result.verdict in (Verdict.VERIFIED, Verdict.PROVED), result.detail
    if result.verdict is Verdict.VERIFIED:
        assert "for every function" in result.detail and "random analytic interpretations" in result.detail


@pytest.mark.parametrize(
    "tex",
    [
        r"\int_0^1 x f'(x) \, dx = f(1) + \int_0^1 f(x) \, dx",  # a sign wrong
        r"\int_0^2 f'(x) f(x) \, dx = \frac{f(2)^2 - f(0)^2}{4}",
        r"\int_0^{\pi} g'(t) \cos(t) \, dt = g(\pi) - g(0) + \int_0^{\pi} g(t) \sin(t) \, dt",
        r"\int_0^1 f'(x) \, dx = f(1)",  # true only when f(0) = 0
        r"f(x + 2\pi) = f(x)",  # true only for periodic f
        r"f(x) + f(-x) = 2 f(0)",  # true only for odd-plus-constant f
        r"\frac{d^2}{dx^2} f(x) = 0",  # true only for linear f
    ],
)
def test_a_step_true_only_for_particular_functions_is_neither_accepted_nor_refuted(tex):
    result = _one(tex)
    assert result.verdict is Verdict.UNDECIDED, result.detail
    assert "for every function" not in result.detail


# --- f'(x): the derivative of an unknown f ------------------------------------------------------


@pytest.mark.parametrize(
    "tex",
    [
        r"\frac{d}{dx}[f(x)g(x)] = f(x)g'(x) + f'(x)g(x)",
        r"\frac{d}{dx}\log f(x) = \frac{f'(x)}{f(x)}",
        r"\frac{d}{dx} \frac{f(x)}{g(x)} = \frac{f'(x) g(x) - f(x) g'(x)}{g(x)^2}",
        r"\frac{d^2}{dx^2} f(x)^2 = 2 f'(x)^2 + 2 f(x) f''(x)",
        r"\frac{d}{d\theta} e^{\phi(\theta)} = \phi'(\theta) e^{\phi(\theta)}",
    ],
)
def test_rules_of_differentiation_with_primes_are_accepted_and_say_the_reading(tex):
    result = _one(tex)
    assert result.verdict in (Verdict.PROVED, Verdict.VERIFIED), result.detail
    assert "read as the" in result.detail and "derivative of the function" in result.detail


@pytest.mark.parametrize(
    "tex",
    [
        r"\frac{d}{dx}[f(x)g(x)] = f(x)g'(x) + 2f'(x)g(x)",
        r"\frac{d}{dx}[f(x)g(x)] = f'(x)g'(x)",
        r"\frac{d}{dx}\log f(x) = \frac{1}{f(x)}",
        r"\frac{d}{dx} \frac{f(x)}{g(x)} = \frac{f'(x) g(x) + f(x) g'(x)}{g(x)^2}",
        r"\frac{d^2}{dx^2} f(x)^2 = 2 f(x) f''(x)",
        r"\frac{d}{dx} f(x)^3 = 3 f(x)^2",
    ],
)
def test_wrong_rules_with_primes_are_never_accepted(tex):
    result = _one(tex)
    assert result.verdict not in (Verdict.PROVED, Verdict.VERIFIED), result.detail


def test_a_prime_the_text_defines_itself_is_its_own_function():
    # f' is defined as a function of its own: the product rule does not follow for an independent f'
    doc = "Let $f'(x) = x^2$ be a new function.\n\n$$\\frac{d}{dx}[f(x)g(x)] = f(x)g'(x) + f'(x)g(x)$$\n"
    result = _step(doc)
    assert result.verdict not in (Verdict.PROVED, Verdict.VERIFIED), result.detail
    assert "derivative of the function f" not in result.detail


def test_a_primed_variable_and_a_declared_name_are_not_derivatives():
    assert _one(r"k(x, x') = k(x', x)").verdict is not Verdict.PROVED
    doc = "---\nderive:\n  symbols: {f: real}\n---\n$$f'(x) = \\frac{d}{dx} f(x)$$\n"
    result = _step(doc)
    assert "derivative of the function" not in result.detail


@pytest.mark.parametrize(
    "tex",
    [
        r"\frac{d}{dx} f(x^2) = 2x f'(x^2)",  # f' at another argument stays a function of its own
        r"\frac{d}{dx} f(g(x)) = f'(g(x)) g'(x)",
        r"\int_{-1}^{1} g''(t) \, dt = g'(1) - g'(-1)",  # g' at numbers: a function of its own
    ],
)
def test_a_prime_at_an_expression_is_not_read_and_leaves_the_step_open(tex):
    result = _one(tex)
    assert result.verdict is Verdict.UNDECIDED, result.detail


# --- positivity: only a density's name under a log ------------------------------------------------


def test_a_density_under_a_log_is_taken_positive_and_the_detail_says_so():
    result = _one(r"\log p(x)^2 = 2\log p(x)")
    assert result.verdict is Verdict.VERIFIED, result.detail
    assert "p positive (a density or likelihood, positive where its log is taken)" in result.detail


@pytest.mark.parametrize(
    "tex",
    [
        r"\log f(x)^2 = 2\log f(x)",  # f is no density: negative values break it
        r"p(x) = |p(x)|",  # p not under a log: no positivity
        r"P(x)^2 = P(x) \sqrt{P(x)^2}",
    ],
)
def test_no_positivity_without_a_density_under_a_log(tex):
    result = _one(tex)
    assert result.verdict is Verdict.UNDECIDED, result.detail


# --- the tier itself ----------------------------------------------------------------------------

x, y, m, b = sympy.symbols("x y m b", real=True)
f, g, E = sympy.Function("f"), sympy.Function("g"), sympy.Function("E")


def test_readings_an_interpretation_could_not_stand_for_are_skipped():
    assert _function_names(E(m), E(b)) is None  # a bare E under d/dm and d/db: a function of both
    assert _function_names(f(x), f(x, y)) is None  # widened under d/dy in one place only
    u = sympy.MatrixSymbol("u", 2, 1)
    assert _function_names(f(u[0, 0])) is None  # an entry of a vector
    assert _function_names(f(x, sympy.Function("given")(y))) is None
    assert _function_names(f(x**2), f(x)) == {f: 1}
    assert _function_names(f(g(x))) == {f: 1, g: 1}


def test_inequalities_and_matrices_get_no_interpretations():
    problem = Problem(f(x) ** 2, sympy.Integer(0), Relation.GE, SymbolTable({}))
    assert _for_every_function(f(x) ** 2, sympy.Integer(0), problem, Settings(), 0.0) is None
    lhs = sympy.ImmutableMatrix([[f(x)]])
    problem = Problem(lhs, lhs, Relation.EQ, SymbolTable({}))
    assert _for_every_function(lhs, lhs, problem, Settings(), 0.0) is None


def test_only_applications_directly_under_a_log_count_as_logged():
    p, q = sympy.Function("p"), sympy.Function("q")
    assert _under_log(sympy.log(p(x)) + q(x)) == {p}
    assert _under_log(sympy.log(p(x) ** 2 + 1)) == set()


def test_a_failing_interpretation_never_refutes():
    lhs = sympy.Derivative(f(x) ** 2, x)
    rhs = 2 * f(x)
    problem = Problem(lhs, rhs, Relation.EQ, SymbolTable({}))
    out = check_numeric(problem, Settings())
    assert out.verdict is Verdict.UNDECIDED
    every = _for_every_function(_prepare(lhs, problem), rhs, problem, Settings(), time.perf_counter())
    # a failing interpretation leaves the step undecided (say what f is), never refuted
    assert every is None or (every.verdict is Verdict.UNDECIDED and every.evidence.counterexample is None)


# --- attacks (ATK K4, K8, d17): a prime the prose names, an example definition, growth at infinity -------


@pytest.mark.parametrize(
    "prose",
    [
        "We compare a model $f$ with an updated model $f'$ obtained by retraining; both are positive functions of $x$.",
        "Let $f$ be a positive function, and let $f'$ denote a second, unrelated positive function (not its "
        "derivative).",
    ],
)
def test_a_prime_the_prose_names_as_its_own_object_is_not_read_as_a_derivative(prose):
    result = _step(prose + "\n$$\\frac{d}{dx}\\log f(x) = \\frac{f'(x)}{f(x)}$$\n", timeout=30)
    assert result.verdict is Verdict.UNDECIDED, result.detail
    assert "derivative of the function" not in result.detail


def test_a_prime_the_prose_calls_a_derivative_keeps_the_reading():
    doc = "Write $f'$ for the derivative of $f$.\n$$\\frac{d}{dx}\\log f(x) = \\frac{f'(x)}{f(x)}$$\n"
    result = _step(doc, timeout=30)
    assert result.verdict is Verdict.PROVED, result.detail


def test_an_example_definition_does_not_hold_where_the_text_speaks_of_any_function():
    doc = (
        "Let $f$ be any differentiable function. For example, take\n$$f(x) = x^2.$$\n"
        "In general, for any differentiable $f$,\n$$\\frac{d}{dx} f(x)^2 = 4x^3$$\n"
    )
    result = _step(doc, timeout=30)
    assert result.verdict is not Verdict.PROVED, result.detail
    assert "f(x) := x^2" not in result.detail


@pytest.mark.parametrize(
    "tex",
    [
        r"\lim_{x \to \infty} f(x) e^{-x^2} = 0",  # holds for the family's growth, not for f = e^{x^2}
        r"\int_0^\infty f'(x) e^{-x^2} \, dx = -f(0) + \int_0^\infty 2x f(x) e^{-x^2} \, dx",
    ],
)
def test_limits_and_infinite_ranges_get_no_interpretations(tex):
    result = _one(tex)
    assert "for every function" not in result.detail, result.detail
    assert result.verdict is not Verdict.VERIFIED


def test_a_prime_the_prose_says_is_the_derivative_of_another_function_is_not_its_own_derivative():
    # ATK K12 (a): f' = g' by the text, so f'(x)/f(x) is not the log-derivative of f
    doc = (
        "Let $f$ and $g$ be positive smooth functions. Here $f'$ is the derivative of $g$.\n"
        "$$\\frac{d}{dx}\\log f(x) = \\frac{f'(x)}{f(x)}$$\n"
    )
    result = _step(doc, timeout=30)
    assert result.verdict is Verdict.UNDECIDED, result.detail
    own = "Here $f'$ is the derivative of $f$.\n$$\\frac{d}{dx}\\log f(x) = \\frac{f'(x)}{f(x)}$$\n"
    assert _step(own, timeout=30).verdict is Verdict.PROVED


@pytest.mark.parametrize("lead", ["As an illustration, take", "For instance, say", "e.g. consider the special case"])
def test_a_definition_introduced_as_an_instance_is_substituted_nowhere(lead):
    # ATK K12 (b): the f of the text stays general
    doc = (
        f"Let $f$ be a differentiable function. {lead}\n$$f(x) = x^2.$$\n\n"
        "Back to the function $f$ of the theorem:\n$$\\frac{d}{dx} f(x)^2 = 4x^3$$\n"
    )
    result = _step(doc, timeout=30)
    assert result.verdict is not Verdict.PROVED, result.detail
    assert "f(x) := x^2" not in result.detail
