"""Moments the text states, substituted into the normal form of unknown-law expectations.

A text that says "$X$ has mean $\\mu$ and variance $\\sigma^2$" (or "Suppose $E[X] = \\mu$") states
equations between expectations without stating a law. `derive.latex.expect_words.moments_in_words`
finds them; the problem carries each as ``(lhs, rhs, said)`` (an optional ``moments`` attribute).
Each is put into the same normal form as the step (`derive.tiers._linearity.linear_form`), and
solved for its most complex expectation (``Var(X) = sigma^2`` gives ``E[X^2] = sigma^2 + E[X]^2``,
``E[X] = mu`` gives ``E[X] = mu``), one after another, each substitution put through the ones
before (a triangular system: no cycle, whatever the text states). Replacing an expectation by
what the text states it equals proves nothing the text did not assume: the detail quotes every
statement a proof used. A statement with no unknown-law expectation in its normal form (the law
is known, or E is a function the text defines) is never used.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

import sympy

__all__ = ["Substitutions", "stated_substitutions"]

_MAX_FACTS = 12
_MAX_ROUNDS = 8


@dataclass
class Substitutions:
    """Expectation -> value, and for each expectation the statements its value rests on."""

    values: dict[sympy.Basic, sympy.Basic]
    sources: dict[sympy.Basic, tuple[str, ...]]

    def apply(self, expr: object) -> tuple[object, tuple[str, ...]]:
        """``expr`` with every stated expectation replaced, and the statements used (in order)."""
        if not self.values or not isinstance(expr, (sympy.Basic, sympy.MatrixBase)):
            return expr, ()
        atoms = _atoms(expr) + sorted(_solved_names(expr, self.values), key=str)
        used: list[str] = []
        for atom in atoms:
            for said in self.sources.get(atom, ()):
                if said not in used:
                    used.append(said)
        if not used:
            return expr, ()
        done = expr
        for _ in range(_MAX_ROUNDS):  # one round suffices for a triangular system; more cost nothing
            again = done.xreplace(self.values)
            if again == done:
                break
            done = again
        return sympy.expand(done) if isinstance(done, sympy.Basic) else done, tuple(used)


def stated_substitutions(
    facts: Iterable[tuple[object, object, str]],
    normal_form: Callable[[object], object | None],
    is_operator: Callable[[object], bool],
    random: Collection[str] = (),
    names: Collection[str] = (),
) -> Substitutions:
    """The substitutions the stated ``facts`` give: each ``(lhs, rhs, said)`` in normal form
    (``normal_form(expr)``: the value, or None when it has no operator), solved for the most
    complex operator application it still has after the substitutions before it, with a nonzero
    number as its coefficient; a fact with none is skipped, and so is one whose value names a
    name in ``random`` outside its operators ("$X$ has mean $Y$" with Y random: E[X | Y] = Y,
    not E[X] = Y).

    ``names``: the names a statement makes moments (mu_X of ``E[X] = mu_X``, sigma_X of ``Var(X) = sigma_X^2``).
    A fact left with no operator after the ones before it (``E[X] = a`` after ``E[X] = mu_X``) is solved for
    such a name, or its square, instead (mu_X = a): both sides are the same moment, as the text states."""
    values: dict[sympy.Basic, sympy.Basic] = {}
    sources: dict[sympy.Basic, tuple[str, ...]] = {}
    for lhs, rhs, said in list(facts)[:_MAX_FACTS]:
        left, right = normal_form(lhs), normal_form(rhs)
        if left is None and right is None:
            continue
        left = lhs if left is None else left
        right = rhs if right is None else right
        if isinstance(left, int) and not isinstance(left, bool):
            left = sympy.Integer(left)
        if isinstance(right, int) and not isinstance(right, bool):
            right = sympy.Integer(right)
        if not isinstance(left, sympy.Expr) or not isinstance(right, sympy.Expr):
            continue  # a matrix, a relation, a distribution: no moment to solve for
        difference = sympy.expand(left - right)
        outside = difference.replace(is_operator, lambda n: sympy.Integer(0))
        if {str(n) for n in outside.free_symbols} & set(random):
            continue  # the value is itself random: a conditional moment, never E[X]
        rests: set[str] = set()
        for atom in (*_atoms(difference), *_solved_names(difference, values)):
            rests |= set(sources.get(atom, ()))
        difference = sympy.expand(difference.xreplace(values))
        target = _target(difference, is_operator) or _name_target(difference, names)
        if target is None:
            continue
        stand = sympy.Dummy("t")
        linear = difference.xreplace({target: stand})
        coefficient = sympy.expand(linear.diff(stand))
        if not coefficient.is_Number or coefficient == 0 or linear.diff(stand, 2) != 0:
            continue
        value = sympy.expand(-(linear - coefficient * stand) / coefficient)
        if value.has(target):
            continue
        origin = (*sorted(rests), said) if said not in rests else tuple(sorted(rests))
        # the earlier values may mention the new target: put it through them (triangular)
        for atom, earlier in list(values.items()):
            if earlier.has(target):
                values[atom] = sympy.expand(earlier.xreplace({target: value}))
                sources[atom] = tuple(dict.fromkeys((*sources[atom], *origin)))
        values[target] = value
        sources[target] = origin
    return Substitutions(values, sources)


def _target(difference: sympy.Basic, is_operator: Callable[[object], bool]) -> sympy.Basic | None:
    """The operator application of ``difference`` to solve for: the most complex argument first
    (``E[X^2]`` before ``E[X]``), ties by text for a fixed choice."""
    found = [n for n in _atoms(difference) if is_operator(n)]
    if not found:
        return None
    return max(found, key=lambda n: (sympy.count_ops(n), len(str(n)), str(n)))


def _name_target(difference: sympy.Basic, names: Collection[str]) -> sympy.Basic | None:
    """The one name of ``names`` (or its square) ``difference`` has, when it has no operator left; else None."""
    found = [s for s in difference.free_symbols if isinstance(s, sympy.Symbol) and s.name in names]
    if len(found) != 1:
        return None
    (name,) = found
    square = name**2
    return square if difference.has(square) and not difference.xreplace({square: sympy.Dummy()}).has(name) else name


def _solved_names(expr: object, values: dict[sympy.Basic, sympy.Basic]) -> set[sympy.Basic]:
    """The names (and squares of names) ``values`` solves for that stand in ``expr``."""
    if not isinstance(expr, sympy.Basic):
        return set()
    return {k for k in values if not isinstance(k, sympy.core.function.AppliedUndef) and expr.has(k)}


def _atoms(expr: object) -> list[sympy.Basic]:
    """The applications of undefined functions in ``expr`` (outermost ones), in a fixed order."""
    if not isinstance(expr, (sympy.Basic, sympy.MatrixBase)):
        return []
    from sympy.core.function import AppliedUndef  # noqa: PLC0415 - kept local: only this helper needs it

    seen: dict[sympy.Basic, None] = {}
    stack = list(expr) if isinstance(expr, sympy.MatrixBase) else [expr]
    while stack:
        n = stack.pop()
        if isinstance(n, AppliedUndef):
            seen.setdefault(n, None)
            continue
        stack.extend(n.args)
    return sorted(seen, key=str)
