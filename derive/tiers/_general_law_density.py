"""An integral against a random variable's own density is its expectation: ``int g(x) p_X(x) dx = E[g(X)]``.

``p_X`` (``p_{X}``, ``f_X``) is the density of X in every text that writes it (a text that defines
``p_X`` otherwise has it substituted before this reading). The rewrite is the definition of
the expectation of g(X) (where it exists), so a step such as
``E[X^2] - mu_X^2 = int x^2 p_X(x) dx - (int x p_X(x) dx)^2`` (mu_X defined as the mean integral)
is decided by the general-law prover. It applies only when:

- the integral is over the whole real line in one variable x, of the density at x times g(x);
- X stands in an argument of an unknown-law expectation of the same step (it is the step's
  random variable: the reading connects the integral to that expectation, nothing else);
- g depends on x alone (besides numbers and plain expectations, which are numbers):
  ``int x Y p_X(x) dx`` is Y E[X], not E[XY], so an integrand with any other name is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import sympy
from sympy.core.function import AppliedUndef

__all__ = ["density_integrals"]

#: The names of a density of one random variable: p_X, p_{X}, f_X (sympy keeps the braces if written).
_DENSITY = re.compile(r"^[pf]_\{?(?P<var>[A-Za-z][A-Za-z0-9]*)\}?$")


def density_integrals(
    expr: object,
    random: dict[str, sympy.Symbol],
    operator: Callable[[sympy.Basic], sympy.Basic],
    is_plain_expectation: Callable[[sympy.Basic], bool],
) -> tuple[object, list[str]]:
    """``expr`` with each integral against a density of a random variable in ``random`` (name ->
    the step's symbol) replaced by ``operator`` applied to the integrand at that variable, and the
    densities so read (``p_X``); ``is_plain_expectation(node)``: whether an application in the
    integrand is an unconditional expectation (a number).

    >>> E = sympy.Function("E")
    >>> x, X = sympy.symbols("x X")
    >>> p = sympy.Function("p_X")
    >>> integral = sympy.Integral(x**2 * p(x), (x, -sympy.oo, sympy.oo))
    >>> value, used = density_integrals(integral, {"X": X}, E, lambda n: False)
    >>> value, used
    (E(X**2), ['p_X'])
    """
    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.Integral) or not random:
        return expr, []
    used: list[str] = []

    def read(node: sympy.Basic) -> sympy.Basic:
        found = _density_form(node, random, is_plain_expectation)
        if found is None:
            return node
        density, rest, variable = found
        if density.func.__name__ not in used:
            used.append(density.func.__name__)
        return operator(rest.xreplace({variable: random[_DENSITY.match(density.func.__name__)["var"]]}))

    try:
        # bottom-up: an inner mean integral (the mean inside a variance integral) is read first
        value = expr.replace(lambda n: isinstance(n, sympy.Integral), read)
    except (TypeError, ValueError, AttributeError, NotImplementedError, RecursionError):
        return expr, []
    return value, used


def _density_form(
    node: sympy.Basic, random: dict[str, sympy.Symbol], is_plain_expectation: Callable[[sympy.Basic], bool]
) -> tuple[AppliedUndef, sympy.Basic, sympy.Symbol] | None:
    """(the density, the integrand without it, the integration variable) of ``int g(x) p_X(x) dx`` over
    the whole line with X in ``random`` and g of x alone; else None."""
    if not isinstance(node, sympy.Integral) or len(node.limits) != 1 or len(node.limits[0]) != 3:
        return None
    variable, low, high = node.limits[0]
    if low != -sympy.oo or high != sympy.oo:
        return None
    densities = [
        f
        for f in sympy.Mul.make_args(node.function)
        if isinstance(f, AppliedUndef) and f.args == (variable,) and _DENSITY.match(f.func.__name__)
    ]
    if len(densities) != 1:
        return None
    density = densities[0]
    name = _DENSITY.match(density.func.__name__)["var"]
    if name not in random:
        return None
    rest = sympy.Mul(*(f for f in sympy.Mul.make_args(node.function) if f is not density))
    if rest.has(density.func):
        return None  # p_X(x)^2: not an expectation
    # g of x alone: numbers, x, and plain expectations (numbers) — no other name, no other function
    masked = rest.replace(is_plain_expectation, lambda n: sympy.Integer(1))
    if masked.free_symbols - {variable}:
        return None
    if any(isinstance(n, AppliedUndef) for n in sympy.preorder_traversal(masked)):
        return None
    if any(isinstance(n, (sympy.Integral, sympy.Sum, sympy.Derivative)) for n in sympy.preorder_traversal(masked)):
        return None
    return density, rest, variable
