"""Steps through unknown functions, decided "for every value" of their applications (derive.tiers.numeric).

Each application of an unknown function is an independent real number: the same number only for
the same value (equal arguments, the same integral under another variable name), never for a
related one (f(2x) and f(x), f'(x) and f(x)). A step that holds for every value of those numbers
holds whatever the functions are: verified by the numeric tier, or proved symbolically when the
numerics cannot decide. A step that fails for some values is neither accepted nor refuted.
"""

from __future__ import annotations

import pytest
import sympy

import derive
from derive.language.symbols import SymbolTable
from derive.model import Method, Problem, Relation, Settings, Verdict
from derive.tiers.numeric import _split_linear, _unknown_values, check_numeric

_FUNCTIONS = "---\nderive:\n  functions: [f, g, J]\n---\n"


def _step(tex: str, **settings: object) -> derive.CheckResult:
    (result,) = derive.check_latex(_FUNCTIONS + f"$${tex}$$\n", **settings)
    return result


def _undecided_through_unknowns(tex: str) -> None:
    result = _step(tex)
    assert result.verdict is Verdict.UNDECIDED, result.detail
    assert "unknown function" in result.detail
    assert "for every value" not in result.detail


# --- true identities through unknown functions ---------------------------------------------


def test_an_identity_in_the_value_of_an_application_is_verified_with_far_points():
    result = _step(r"\arctan(e^{f(x)}) + \arctan(e^{-f(x)}) = \frac{\pi}{2}")
    assert result.verdict is Verdict.VERIFIED, result.detail
    assert result.detail.startswith("for every value of f(x) (each application of an unknown function")
    assert "so whatever the functions are" in result.detail
    assert "far points" in result.detail and "certified to" in result.detail  # the numeric gap stays


def test_applications_to_arguments_that_expand_alike_are_one_value():
    result = _step(r"\log e^{f((x+1)^2)} = f(x^2+2x+1)")
    assert result.verdict is Verdict.VERIFIED, result.detail
    assert "for every value of f((x + 1)**2) (" in result.detail  # one value, named once


def test_the_same_application_twice_is_the_same_number():
    result = _step(r"f(x) + f(x) = 2f(x)")
    assert result.verdict is Verdict.PROVED, result.detail


def test_a_claim_the_numerics_cannot_search_is_proved_with_the_values_as_real_symbols():
    # 13 independent values: more scalars than the margin search covers, so the numerics say nothing
    squares = " + ".join(f"f({k})^2" for k in range(1, 14))
    result = _step(squares + r" \ge 0")
    assert result.verdict is Verdict.PROVED, result.detail
    assert result.method is Method.SYMBOLIC
    assert result.detail.startswith("for every value of f(1), f(10), f(11), f(12) and 9 more (")
    assert "provably of the claimed sign" in result.detail


def test_an_identity_that_needs_the_value_real_is_proved_when_the_numerics_run_out():
    # sympy proves it only for real J; the numeric tier's far points do not return in time
    result = _step(r"\log(1+e^{J(w)}) - \log(1+e^{-J(w)}) = J(w)", timeout=20)
    assert result.verdict in (Verdict.PROVED, Verdict.VERIFIED), result.detail
    assert result.detail.startswith("for every value of J(w) (")


# --- traps: steps that depend on what the functions are ------------------------------------


@pytest.mark.parametrize(
    "tex",
    [
        r"\log f(x)^2 = 2\log f(x)",  # false for negative values: no positivity for a generic f
        r"f(x) = f(y)",
        r"\log e^{f((x+1)^2)} = f(x^2+2x)",  # arguments that differ: two values
        r"f(2x) = 2f(x)",
        r"\sqrt{f(x)^2} = f(x)",
    ],
)
def test_a_step_that_fails_for_some_values_is_neither_accepted_nor_refuted(tex):
    _undecided_through_unknowns(tex)


def test_an_inequality_tight_at_one_value_holds_non_strictly_and_is_undecided_strictly():
    # (f(x) - 1)^2 >= 0: the sides meet at f(x) = 1, which the margin search finds
    held = _step(r"f(x)^2 \ge 2 f(x) - 1")
    assert held.verdict is Verdict.VERIFIED, held.detail
    assert "for every value of f(x) (" in held.detail
    _undecided_through_unknowns(r"f(x)^2 > 2 f(x) - 1")  # fails only where f(x) = 1: refutes nothing


def test_a_strict_inequality_the_numerics_cannot_search_is_not_proved():
    # 0 when every value is 0: neither the margin search (13 scalars) nor the proof can accept it
    squares = " + ".join(f"f({k})^2" for k in range(1, 14))
    _undecided_through_unknowns(squares + " > 0")


# --- sums and integrals with unknown terms --------------------------------------------------


def test_the_same_sum_under_another_index_name_is_proved():
    result = _step(r"\sum_{i=1}^{n} 3 f(i) = 3\sum_{j=1}^{n} f(j)")
    assert result.verdict is Verdict.PROVED, result.detail
    result = _step(r"\sum_{i=1}^{n} 3 f(i) = 3\sum_{j=0}^{n} f(j)")
    assert result.verdict is not Verdict.PROVED, result.detail


@pytest.mark.parametrize(
    "tex",
    [
        r"\sum_{i=1}^{n} (f(i) + 1) = \sum_{i=1}^{n} f(i) + n",
        r"\int_0^1 (2 f(t) + t) \, dt = 2\int_0^1 f(x) \, dx + \frac{1}{2}",
    ],
)
def test_a_sum_or_integral_through_an_unknown_function_splits_term_by_term(tex):
    result = _step(tex)
    assert result.verdict is Verdict.VERIFIED, result.detail
    assert "sums and integrals through one split term by term, where they exist" in result.detail


@pytest.mark.parametrize(
    "tex",
    [
        r"\sum_{i=1}^n f(i)^2 = \left(\sum_{i=1}^n f(i)\right)^2",
        r"\sum_{i=1}^n f(i) = n f(1)",
        r"\sum_{i=1}^{n} (f(i) + 1) = \sum_{i=1}^{n} f(i) + n + 1",  # false, but not refuted
        r"\int_0^1 x f(x) \, dx = \frac{1}{2} \int_0^1 f(x) \, dx",  # x is the integration variable
        r"\int_0^1 (f(x)+1) \, dx = \int_0^2 f(x) \, dx + 1",  # other bounds: another value
        r"\int (f(x) + 1) \, dx = \int f(x) \, dx + x",  # indefinite: equal only up to a constant
        r"\int_1^\infty \left(f(x) + \frac{1}{x}\right) dx = \int_1^\infty f(x) \, dx + 1",  # 1/x diverges
    ],
)
def test_a_sum_or_integral_that_does_not_split_to_the_other_side_is_undecided(tex):
    _undecided_through_unknowns(tex)


def test_sums_of_indexed_unknown_terms_hold_for_every_value_at_each_size():
    result = _step(r"\sum_{i=1}^n \log e^{f(x_i)} = \sum_{i=1}^n f(x_i)")
    assert result.verdict is Verdict.VERIFIED, result.detail
    assert "verified for n = 1, 2, 3, 4, 5, 6, 8" in result.detail
    assert "for every value of f(x_1), f(x_2)" in result.detail


# --- derivatives of unknown functions ---------------------------------------------------------


def test_a_derivative_of_an_unknown_application_is_its_own_value():
    result = _step(r"\frac{d}{dx} \sqrt{f(x)^2} = \frac{f(x)}{|f(x)|}\frac{d}{dx}f(x)")
    assert result.verdict is Verdict.VERIFIED, result.detail
    assert result.detail.startswith("for every value of f'(x), f(x) (")


@pytest.mark.parametrize(
    "tex",
    [
        r"\frac{d}{dx} f(x)^2 = 2 f(x)",  # the chain rule's f'(x) is missing
        r"\frac{d}{dx} f(x) = f(x)",  # f'(x) and f(x) are independent numbers
        r"\frac{d}{dx} f(2x) = 2\frac{d}{dx}f(x)",  # f' at 2x and at x: two values
    ],
)
def test_a_derivative_is_not_related_to_other_values_of_the_function(tex):
    _undecided_through_unknowns(tex)


# --- shadowed names: a name that is a function and a variable ---------------------------------


def test_a_variable_named_like_a_function_is_not_its_value():
    held = _step(r"\log e^{f(x)} + f = f(x) + f")
    assert held.verdict is Verdict.VERIFIED, held.detail
    assert "for every value of f(x) (" in held.detail
    _undecided_through_unknowns(r"\log e^{f(x)} = f")
    _undecided_through_unknowns(r"\log e^{f(x)} = x")


# --- the tier itself ------------------------------------------------------------------------

x, y, t, i, n = sympy.symbols("x y t i n", real=True)
f, g = sympy.Function("f"), sympy.Function("g")


def _values(*sides: sympy.Basic) -> set[sympy.Symbol]:
    return set(_unknown_values(*sides).values())


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (f(x), f(x), True),
        (f((x + 1) ** 2), f(x**2 + 2 * x + 1), True),
        (f(x, y), f(x, y + 0 * x), True),
        (sympy.Integral(f(x), (x, 0, 1)), sympy.Integral(f(t), (t, 0, 1)), True),
        (sympy.Sum(f(i), (i, 1, n)), sympy.Sum(f(t), (t, 1, n)), True),
        (f(x), f(2 * x), False),
        (f(x), g(x), False),
        (f(x), sympy.Derivative(f(x), x), False),
        (f(x, y), f(y, x), False),
        (sympy.Integral(f(x), (x, 0, 1)), sympy.Integral(f(x), (x, 0, 2)), False),
        (sympy.Integral(f(x), (x, 0, 1)), f(x), False),
        (sympy.Derivative(f(x), x), sympy.Derivative(f(y), y), False),  # f'(x) and f'(y): the point is free
        (sympy.Integral(f(x), (x, 0, x)), sympy.Integral(f(y), (y, 0, y)), False),  # the bound is free
        (sympy.Subs(f(x), x, 1), sympy.Subs(f(y), y, 1), True),
    ],
)
def test_one_value_for_the_same_value_and_only_for_it(a, b, same):
    assert (len(_values(a, b)) == 1) is same


def test_the_values_are_real_symbols():
    (value,) = _values(f(x) + f(x) ** 2)
    assert value.is_real and value.name == "f(x)"


def test_only_sums_and_definite_integrals_through_unknown_functions_split():
    split = _split_linear(sympy.Sum(f(i) + i, (i, 1, n)))
    assert sympy.expand(split - sympy.Sum(f(i), (i, 1, n)) - n * (n + 1) / 2) == 0
    assert _split_linear(sympy.Integral(y * f(x), (x, 0, 1))) == y * sympy.Integral(f(x), (x, 0, 1))
    whole = [
        sympy.Sum(i**2, (i, 1, n)),  # no unknown function: the numerics evaluate it as it is
        sympy.Integral(f(x) + 1, x),  # indefinite
        sympy.Integral(f(x) + 1 / x, (x, 1, sympy.oo)),  # its known term diverges
    ]
    for node in whole:
        assert _split_linear(node) == node


def test_a_failure_with_independent_values_refutes_nothing():
    problem = Problem(lhs=f(x), rhs=f(x) + 1, relation=Relation.EQ, symbols=SymbolTable())
    outcome = check_numeric(problem, Settings())
    assert outcome.verdict is Verdict.UNDECIDED
    assert outcome.evidence.summary.startswith("unknown function f(x): no numeric value")
    assert outcome.evidence.counterexample is None
