"""Rows a text solves from a vector equation, entry by entry.

``(A - I)\\vec{x} = \\begin{pmatrix} 0 & 1 \\\\ 0 & 0 \\end{pmatrix} \\vec{x} = 0 \\Rightarrow x_2 = 0``: the
premise is a linear system in the entries ``x_1, ..., x_n`` of the vector ``x`` (a matrix of numbers times
it), and the row is an equation in those entries. `entrywise` decides the implication exactly:

- the row's lhs - rhs is a combination of the system's equations (number coefficients), and the system
  has a solution: every solution satisfies the row, whatever the system leaves free: ``proved``;
- on the system's solutions the row's lhs - rhs is a nonzero number: no solution satisfies it:
  ``refuted``, showing an exact solution;
- it holds at some solutions only (``x_1 = 1`` where x_1 is free: a choice of one solution, as texts
  normalise an eigenvector): ``undecided``, saying so.

The vector's size is the one size at which the premise reads as a column of linear forms in its
entries; a name the step declares of another kind, any other name, or anything nonlinear gives None.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from derive.errors import DeriveError
from derive.language.symbols import SymbolTable
from derive.model import Relation, Verdict

if TYPE_CHECKING:
    from derive.latex.records import Step

__all__ = ["entrywise"]

_SIZES = range(2, 7)
_TEXT_LIMIT = 600
_ERRORS = (DeriveError, RecursionError, MemoryError, TypeError, ValueError, AttributeError, NotImplementedError)
#: An entry of a vector written with a subscript: ``x_1``, ``x_{2}`` (derive's name ``x_1``).
_ENTRY = re.compile(r"(?P<base>[A-Za-z]+)_(?P<i>[1-9])")
_ZERO = re.compile(r"\s*(?:0|\\(?:mathbf|vec|boldsymbol|bm)\s*\{?\s*0\s*\}?)\s*")


def entrywise(step: Step, premise_sides: tuple[str, ...]) -> tuple[Verdict | None, str] | None:
    """The row decided from a vector equation of numbers and one vector's entries (see the module), or None."""
    if len(premise_sides) != 2 or sum(len(t) for t in premise_sides) > _TEXT_LIMIT:
        return None
    row = _row(step)
    if row is None:
        return None
    base, diff, entries = row
    for n in _SIZES:
        if max(entries) > n:
            continue
        system = _system(step, premise_sides, base, n)
        if system is not None:
            return _decide(system, diff, base, n)
    return None


def _row(step: Step) -> tuple[str, Any, set[int]] | None:
    """(the vector's name, the row's lhs - rhs, the entries it uses) when every name of the row is an
    entry ``x_i`` of one undeclared vector x, else None."""
    import sympy  # noqa: PLC0415

    from derive.latex.parser import parse_latex  # noqa: PLC0415

    if step.relation is not Relation.EQ or len(step.lhs_tex) + len(step.rhs_tex) > _TEXT_LIMIT:
        return None
    declared = dict(step.claim.symbols)
    table = SymbolTable(declared)
    try:
        diff = parse_latex(f"\\left({step.lhs_tex}\\right) - \\left({step.rhs_tex}\\right)", table)
    except _ERRORS:
        return None
    if not isinstance(diff, sympy.Expr) or diff.is_Matrix or not diff.free_symbols:
        return None
    found = [_ENTRY.fullmatch(str(s)) for s in diff.free_symbols]
    if any(m is None for m in found):
        return None
    bases = {m.group("base") for m in found if m is not None}
    if len(bases) != 1:
        return None
    (base,) = bases
    if base in declared or any(declared.get(str(s), "real") != "real" for s in diff.free_symbols):
        return None  # a vector (or entries) the text declares: their kinds are not these
    return base, diff, {int(m.group("i")) for m in found if m is not None}


def _system(step: Step, sides: tuple[str, ...], base: str, n: int) -> list[Any] | None:
    """The premise's entries as linear forms in the vector's entries ``base[1..n]``, or None."""
    import sympy  # noqa: PLC0415

    from derive.latex.parser import parse_latex  # noqa: PLC0415

    table = SymbolTable({**dict(step.claim.symbols), base: f"vector {n}"})
    parsed = []
    for tex in sides:
        if _ZERO.fullmatch(tex):
            parsed.append(None)
            continue
        try:
            parsed.append(parse_latex(tex, table))
        except _ERRORS:
            return None
    matrices = [p for p in parsed if p is not None]
    if len(matrices) == 0 or not all(isinstance(p, sympy.MatrixBase) for p in matrices):
        return None
    if len({p.shape for p in matrices}) != 1 or matrices[0].shape[1] != 1:
        return None  # a column of equations (as many as the matrix has rows)
    column = matrices[0] - matrices[1] if len(matrices) == 2 else matrices[0]
    entries = {sympy.Symbol(f"{base}[{i}]") for i in range(1, n + 1)}
    out = []
    for entry in column:
        e = sympy.expand(entry)
        if not {str(s) for s in e.free_symbols} <= {str(s) for s in entries}:
            return None
        if not e.is_polynomial(*e.free_symbols) or (
            e.free_symbols and sympy.Poly(e, *e.free_symbols).total_degree() > 1
        ):
            return None
        out.append(e)
    return out


def _decide(system: list[Any], diff: Any, base: str, n: int) -> tuple[Verdict | None, str] | None:
    import sympy  # noqa: PLC0415

    # one set of symbols for both: the premise's entries (derive names them x[i]) and the row's (x_i)
    entries = [sympy.Symbol(f"{base}_{i}") for i in range(1, n + 1)]
    premise = [e.subs({s: entries[int(str(s)[len(base) + 1 : -1]) - 1] for s in e.free_symbols}) for e in system]
    row = sympy.expand(diff.subs({s: entries[int(str(s).split("_", 1)[1]) - 1] for s in diff.free_symbols}))
    if not row.is_polynomial(*entries) or sympy.Poly(row, *entries).total_degree() > 1:
        return None
    solved = sympy.linsolve(premise, *entries)
    if not isinstance(solved, sympy.FiniteSet) or len(solved) != 1:
        return None  # no solution: the premise says nothing derive can use
    (point,) = tuple(solved)
    stated = ", ".join(f"{sympy.latex(e)} = 0" for e in premise if e != 0) or "0 = 0"
    at = ", ".join(
        f"{sympy.latex(u)} any" if v == u else f"{sympy.latex(u)} = {sympy.latex(v)}"
        for u, v in zip(entries, point, strict=True)
    )
    vector = ", ".join(sympy.latex(u) for u in entries)
    equations = (
        f"entry by entry, with {base} = ({vector}), the premise is the linear system {{{stated}}}, whose "
        f"solutions are {at} (exact, complete)"
    )
    on_solutions = sympy.simplify(row.subs(dict(zip(entries, point, strict=True))))
    if on_solutions == 0:
        return Verdict.PROVED, f"follows from the premise: {equations}, and the row holds at every one of them"
    if not on_solutions.free_symbols and on_solutions.is_nonzero:
        return Verdict.REFUTED, (
            f"does not follow from the premise: {equations}, and at every one of them lhs - rhs of the row is "
            f"{sympy.latex(on_solutions)}"
        )
    return None, (
        f"the row fixes what the premise leaves free ({equations}): a choice of one solution (as a text "
        "normalises an eigenvector), not a consequence; not refuted"
    )
