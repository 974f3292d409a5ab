"""Rows a text solves from a linear system whose coefficients or right sides are letters.

``a x + b y = c,\\ d x + e y = f \\implies x = \\frac{c e - b f}{a e - b d}``; ``2x + 3y = s,\\ x - y = t
\\implies x = \\frac{s + 3t}{5}``. `linear_system` proves such a row exactly: for some choice of the
system's unknowns (as many as equations, among its letters, each equation of degree at most 1 in them
with coefficients free of them) the coefficient matrix has a determinant that is not identically zero,
the unique solution makes the row's lhs - rhs exactly 0, and wherever that determinant vanishes the row
itself is undefined (each factor of it divides the row's denominator), so the row follows at every
point where it means anything. Only proved: which letters the text solves for is not written, and a
row that does not follow for one choice may for another.
"""

from __future__ import annotations

import itertools
from typing import Any

from derive.model import Verdict

__all__ = ["linear_system"]

_UNKNOWNS_LIMIT = 3  # equations (and so unknowns) of a system solved here
_LETTERS_LIMIT = 10  # letters of a system whose choices of unknowns are tried


def linear_system(equations: list[Any], row: Any, written: str) -> tuple[Verdict, str] | None:
    """``(PROVED, why)`` when the row follows from the linear system ``equations`` (each lhs - rhs) as the
    module says, else None."""
    import sympy  # noqa: PLC0415

    k = len(equations)
    letters = sorted(set().union(*(e.free_symbols for e in equations)), key=str)
    if not 2 <= k <= _UNKNOWNS_LIMIT or len(letters) > _LETTERS_LIMIT or not row.free_symbols:
        return None
    choices = [u for u in itertools.combinations(letters, k) if set(u) & row.free_symbols]
    # the letters solved for: those the row names least and the equations share most (x = \frac{s + 3t}{5}
    # from 2x + 3y = s, x - y = t: x and y, not s and t); the proof holds whichever it is
    choices.sort(
        key=lambda u: (len(set(u) & row.free_symbols), -sum(v in e.free_symbols for v in u for e in equations))
    )
    for unknowns in choices:
        found = _solve(equations, list(unknowns))
        if found is None:
            continue
        point, det = found
        value = sympy.cancel(sympy.together(row.subs(point, simultaneous=True)))
        if value != 0 or not _undefined_where_singular(row, det):
            continue
        at = ", ".join(f"{sympy.latex(u)} = {sympy.latex(v)}" for u, v in point.items())
        where = (
            "" if not det.free_symbols else f" (where {sympy.latex(sympy.factor(det))} \\neq 0, as the row requires)"
        )
        return Verdict.PROVED, (
            f"follows from the system the arrow leads from ({k} equations, linear in "
            f"{', '.join(sympy.latex(u) for u in unknowns)}): its only solution{where} is {at} (exact), where the "
            f"row {written} holds"
        )
    return None


def _solve(equations: list[Any], unknowns: list[Any]) -> tuple[dict[Any, Any], Any] | None:
    """(the unique solution, the determinant) of ``equations`` as a linear system in ``unknowns``, or None."""
    import sympy  # noqa: PLC0415

    rows, rhs = [], []
    for e in equations:
        expanded = sympy.expand(e)
        if not expanded.is_polynomial(*unknowns):
            return None
        poly = sympy.Poly(expanded, *unknowns)
        if poly.total_degree() > 1:
            return None
        coeffs = [poly.coeff_monomial(u) for u in unknowns]
        constant = poly.coeff_monomial(1)
        if any(c.has(*unknowns) for c in [*coeffs, constant]):
            return None
        rows.append(coeffs)
        rhs.append(-constant)
    a = sympy.Matrix(rows)
    det = sympy.factor(sympy.cancel(a.det(method="berkowitz")))
    if det == 0 or sympy.simplify(det) == 0:
        return None
    solution = a.LUsolve(sympy.Matrix(rhs))
    point = {u: sympy.cancel(sympy.together(v)) for u, v in zip(unknowns, solution, strict=True)}
    return point, det


def _undefined_where_singular(row: Any, det: Any) -> bool:
    """Whether every factor of the determinant with a letter divides the denominator of the row, so the row
    is undefined wherever the system may have other solutions (a number determinant: always)."""
    import sympy  # noqa: PLC0415

    num, _ = sympy.fraction(sympy.together(det))
    if not num.free_symbols:
        return num != 0
    row_den = sympy.fraction(sympy.together(row))[1]
    if not row_den.free_symbols:
        return False
    try:
        row_factors = {f for f, _ in sympy.factor_list(row_den)[1]}
        det_factors = {f for f, _ in sympy.factor_list(num)[1] if f.free_symbols}
    except (sympy.PolynomialError, ValueError, TypeError):
        return False
    return det_factors <= row_factors | {-f for f in row_factors}
