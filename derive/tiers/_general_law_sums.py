"""Finite sums under an expectation of an unknown law: ``E[sum_{i=1}^n f_i] = sum_{i=1}^n E[f_i]``.

Linearity of expectation holds for every law over a *finite* sum whose number of terms is not
itself random (where the expectations exist). Two things decide whether a written sum is one:

- its bounds are finite: an integer, or a name (``n``, ``K``, derive's ``|index set|`` for
  ``\\sum_i``); never ``oo`` (an infinite series needs convergence a general law does not give);
- its bounds are *sizes*, not random variables: a bound's name must not also stand inside an
  expectation's argument elsewhere in the step (``E[N] ... E[sum_{i=1}^N X_i]``: Wald's
  identity needs more than linearity), nor be one the operator averages over.

`fixed_size_sum` says whether a sum qualifies; `canonical_sums` puts sums into one normal form
(index-free factors pulled out, a sum of terms split, nested sums merged, independent limits
ordered) so that two sides that differ only in how their sums are written compare equal. The
normal form is only ever used to show two sides *equal*; a difference refutes nothing.
"""

from __future__ import annotations

from collections.abc import Collection

import sympy

__all__ = ["canonical_sums", "fixed_size_sum", "names_in_arguments"]

#: Beyond this many terms a sum's body is not expanded (the step stays undecided).
_MAX_TERMS = 200
_MAX_POWER = 6


def fixed_size_sum(node: object, random: Collection[str]) -> bool:
    """Whether ``node`` is a finite sum whose bounds are sizes: no infinite bound, and no bound's
    name among ``random`` (names that stand inside an expectation's argument outside sum limits).

    >>> i, n = sympy.symbols("i n", integer=True)
    >>> X = sympy.IndexedBase("X")
    >>> fixed_size_sum(sympy.Sum(X[i], (i, 1, n)), set())
    True
    >>> fixed_size_sum(sympy.Sum(X[i], (i, 1, n)), {"n"})
    False
    >>> fixed_size_sum(sympy.Sum(X[i], (i, 1, sympy.oo)), set())
    False
    """
    if not isinstance(node, sympy.Sum):
        return False
    for limit in node.limits:
        if len(limit) != 3:
            return False
        _, low, high = limit
        for bound in (low, high):
            if not isinstance(bound, sympy.Expr) or bound.has(sympy.oo, -sympy.oo, sympy.zoo, sympy.nan):
                return False
            if not (bound.is_Integer or bound.free_symbols):
                return False  # 1/2 or a float: not a count
            if any(s.name in random for s in bound.free_symbols if isinstance(s, sympy.Symbol)):
                return False
    return True


def names_in_arguments(expr: object, is_operator: object) -> set[str]:
    """The names that stand in an argument of an operator (``is_operator(node)`` true) of ``expr``,
    outside the limits of the sums there: the names the step treats as possibly random."""
    if not isinstance(expr, sympy.Basic):
        return set()
    found: set[str] = set()
    for node in sympy.preorder_traversal(expr):
        if callable(is_operator) and is_operator(node):
            for arg in node.args:
                found |= _names_outside_limits(arg)
    return found


def _names_outside_limits(expr: sympy.Basic) -> set[str]:
    """The names of ``expr`` outside sum limits, without the indices its sums bind."""
    if isinstance(expr, sympy.Symbol):
        return {expr.name}
    if isinstance(expr, sympy.Sum):
        bound = {str(limit[0]) for limit in expr.limits}
        return _names_outside_limits(expr.function) - bound  # bounds are sizes, checked apart
    names: set[str] = set()
    for arg in expr.args:
        names |= _names_outside_limits(arg)
    return names


def canonical_sums(expr: object) -> object:
    """``expr`` with each sum in one normal form: its body expanded and split term by term, each
    term's factors free of the sum's indices pulled out, nested sums merged into one with all
    limits, and limits that do not depend on each other ordered by index name.

    >>> i, k, n, K = sympy.symbols("i k n K", integer=True)
    >>> a, b = sympy.IndexedBase("a"), sympy.IndexedBase("b")
    >>> c = sympy.Symbol("c")
    >>> left = sympy.Sum(sympy.Sum(c * a[i] + b[k], (k, 1, K)), (i, 1, n))
    >>> right = c * sympy.Sum(a[i], (i, 1, n), (k, 1, K)) + sympy.Sum(b[k], (k, 1, K), (i, 1, n))
    >>> sympy.expand(canonical_sums(left) - canonical_sums(right))
    0
    """
    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.Sum):
        return expr
    try:
        return expr.replace(lambda n: isinstance(n, sympy.Sum), _canonical_one)
    except (TypeError, ValueError, AttributeError, NotImplementedError, RecursionError):
        return expr


def _canonical_one(node: sympy.Sum) -> sympy.Basic:
    if any(len(limit) != 3 for limit in node.limits) or _steep(node.function):
        return node
    body = sympy.expand(node.function)
    terms = sympy.Add.make_args(body)
    if len(terms) > _MAX_TERMS:
        return node
    out = []
    for term in terms:
        limits = list(node.limits)
        indices = {limit[0] for limit in limits}
        inside, outside = [], []
        for factor in sympy.Mul.make_args(term):
            (inside if factor.free_symbols & indices else outside).append(factor)
        kept = sympy.Mul(*inside)
        if isinstance(kept, sympy.Sum) and all(len(limit) == 3 for limit in kept.limits):
            limits = list(kept.limits) + limits  # sum_i sum_k f: one sum over k (inner) and i
            kept = kept.function
        out.append(sympy.Mul(*outside) * sympy.Sum(kept, *_ordered(limits)))
    return sympy.Add(*out)


def _steep(body: sympy.Basic) -> bool:
    """A power of a sum whose expansion would be large: (a + b + c)^9 is not expanded here."""
    return any(
        isinstance(p, sympy.Pow) and p.base.is_Add and p.exp.is_Integer and abs(int(p.exp)) > _MAX_POWER
        for p in sympy.preorder_traversal(body)
    )


def _ordered(limits: list[tuple]) -> list[tuple]:
    """The limits sorted by index name when no bound depends on another limit's index (the sum
    over a rectangle does not depend on the order); otherwise as written."""
    indices = {limit[0] for limit in limits}
    if any((low.free_symbols | high.free_symbols) & indices for _, low, high in limits):
        return limits
    if len(indices) != len(limits):
        return limits  # an index repeated: leave it to sympy
    return sorted(limits, key=lambda limit: str(limit[0]))
