"""An integral against a random variable's own density is its expectation: ``int g(x) p_X(x) dx = E[g(X)]``.

Also Bishop's ``int p(x) g(x) dx = E[g(x)]`` (``p(x, y)`` the joint density of x and y, x and y random
variables of the step) and ``int q(z) g(z) dz = E_{q(z)}[g(z)]`` for an operator of the step that names
q(z) as its law.

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
    laws: dict[sympy.Basic, tuple[Callable[[sympy.Basic], sympy.Basic], tuple[str, ...]]] | None = None,
) -> tuple[object, list[str]]:
    """``expr`` with each integral against a density of the step's random variables read as an expectation,
    and the densities so read (``p_X``). ``random``: name -> the step's symbol, for the names in an argument
    of an unknown-law expectation; ``operator``: the plain expectation; ``is_plain_expectation(node)``: whether
    an application in the integrand is an unconditional expectation (a number); ``laws``: the density an
    operator of the step names (``q(z)`` of ``E_{q(z)}``) -> (that operator, the names it averages over).

    Three densities are read: ``p_X(x)`` (``p_{X}``, ``f_X``) of X in ``random``, in one variable; Bishop's
    ``p(x)``, ``p(x, y)``, applied to exactly the integration variables, each a name in ``random`` (the
    joint density of the variables of the same names); and the density of an operator's own law, applied
    as in its subscript, over exactly the names it averages (the definition of ``E_{q(z)}``).

    >>> E = sympy.Function("E")
    >>> x, X = sympy.symbols("x X")
    >>> p = sympy.Function("p_X")
    >>> integral = sympy.Integral(x**2 * p(x), (x, -sympy.oo, sympy.oo))
    >>> value, used = density_integrals(integral, {"X": X}, E, lambda n: False)
    >>> value, used
    (E(X**2), ['p_X(x)'])
    """
    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.Integral) or not (random or laws):
        return expr, []
    used: list[str] = []

    def read(node: sympy.Basic) -> sympy.Basic:
        found = _density_form(node, random, is_plain_expectation, laws or {}, operator)
        if found is None:
            return node
        density, rest, mapping, apply = found
        if str(density) not in used:
            used.append(str(density))
        return apply(rest.xreplace(mapping))

    try:
        # bottom-up: an inner mean integral (the mean inside a variance integral) is read first
        value = expr.replace(lambda n: isinstance(n, sympy.Integral), read)
    except (TypeError, ValueError, AttributeError, NotImplementedError, RecursionError):
        return expr, []
    return value, used


def _density_form(
    node: sympy.Basic,
    random: dict[str, sympy.Symbol],
    is_plain_expectation: Callable[[sympy.Basic], bool],
    laws: dict[sympy.Basic, tuple[Callable[[sympy.Basic], sympy.Basic], tuple[str, ...]]],
    operator: Callable[[sympy.Basic], sympy.Basic],
) -> tuple[AppliedUndef, sympy.Basic, dict, Callable[[sympy.Basic], sympy.Basic]] | None:
    """(the density, the integrand without it, integration variable -> random symbol, the operator) of an
    integral over the whole line in each of its variables of a density times a g of those variables alone;
    else None."""
    if not isinstance(node, sympy.Integral) or any(len(limit) != 3 for limit in node.limits):
        return None
    if any(low != -sympy.oo or high != sympy.oo for _, low, high in node.limits):
        return None
    variables = tuple(limit[0] for limit in node.limits)
    if len(set(variables)) != len(variables):
        return None
    factors = sympy.Mul.make_args(node.function)
    found = [
        (f, r)
        for f in factors
        if isinstance(f, AppliedUndef)
        for r in [_reading(f, variables, random, laws, operator)]
        if r
    ]
    if len(found) != 1:
        return None
    density, (mapping, apply) = found[0]
    rest = sympy.Mul(*(f for f in factors if f is not density))
    if rest.has(density.func):
        return None  # p_X(x)^2: not an expectation
    # g of the variables alone: numbers, the variables, and plain expectations (numbers) — no other name
    masked = rest.replace(is_plain_expectation, lambda n: sympy.Integer(1))
    if masked.free_symbols - set(variables):
        return None
    if any(isinstance(n, AppliedUndef) for n in sympy.preorder_traversal(masked)):
        return None
    if any(isinstance(n, (sympy.Integral, sympy.Sum, sympy.Derivative)) for n in sympy.preorder_traversal(masked)):
        return None
    return density, rest, mapping, apply


def _reading(
    density: AppliedUndef,
    variables: tuple[sympy.Symbol, ...],
    random: dict[str, sympy.Symbol],
    laws: dict[sympy.Basic, tuple[Callable[[sympy.Basic], sympy.Basic], tuple[str, ...]]],
    operator: Callable[[sympy.Basic], sympy.Basic],
) -> tuple[dict, Callable[[sympy.Basic], sympy.Basic]] | None:
    """How ``density`` reads an integral over ``variables``: (variable -> random symbol, the expectation)."""
    name = density.func.__name__
    if density in laws:
        apply, averaged = laws[density]
        if sorted(str(v) for v in variables) == sorted(averaged):
            return {}, apply  # E_{q(z)}'s own density over z: its definition, the same names
        return None
    match = _DENSITY.match(name)
    if match and density.args == variables and len(variables) == 1 and match["var"] in random:
        return {variables[0]: random[match["var"]]}, operator
    joint = name == "p" and set(density.args) == set(variables) and len(density.args) == len(variables)
    if joint and all(str(v) in random for v in variables):
        return {v: random[str(v)] for v in variables}, operator
    return None
