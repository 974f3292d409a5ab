"""A value stated right after an equation in its name: a root the text chose, or a wrong result, not a definition.

``$$(x - 3)(x + 3) = 0$$ $$x = 3$$ $$x^2 + x = 12$$``: the reader takes ``x = 3`` for a definition and
reads the last step with x := 3. But ``x = 3`` follows an equation in x with two solutions: it names
one root (as ``(x-3)(x+3) = 0 \\implies x = 3`` would, `derive.latex.results_concluded`), and a step
that holds only at that root rests on the choice. A value that solves the equation not (``$$x^2 - 5x + 6 =
0$$ hence $$x = 4$$``) is a wrong result as plausibly as a new definition: a step built on it is not right
by it. `chosen_root` says so for a step accepted under such a value, unless the step holds at every
solution of that equation (then the value does not matter).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from derive.errors import DeriveError
from derive.language.symbols import SymbolTable
from derive.model import Verdict

if TYPE_CHECKING:
    from derive.latex.records import Step
    from derive.model import Result

__all__ = ["chosen_root"]

_DEFINED = re.compile(r"^(?P<lhs>[^:]+?) := (?P<rhs>.+) \(line (?P<line>\d+)\)$", re.S)
_ACCEPTED = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)
_ERRORS = (DeriveError, RecursionError, MemoryError, TypeError, ValueError, AttributeError, NotImplementedError)
_SECONDS = 2.0
_TEXT_LIMIT = 600


def chosen_root(step: Step, result: Result) -> str | None:
    """Why ``step``, accepted under a value the text states right after an equation that value solves
    among others, is only as right as that choice; None otherwise."""
    if result.verdict not in _ACCEPTED or not step.uses:
        return None
    from derive.tiers.symbolic import bounded  # noqa: PLC0415 - sympy only for a step read under a value

    for note in step.uses:
        m = _DEFINED.match(note)
        if m is None or len(m.group("rhs")) > _TEXT_LIMIT:
            continue
        try:
            why = bounded(lambda m=m: _chosen(step, m.group("lhs"), m.group("rhs"), int(m.group("line"))), _SECONDS)
        except _ERRORS:
            continue
        if isinstance(why, str):
            return why
    return None


def _chosen(step: Step, lhs: str, rhs: str, line: int) -> str | None:
    import sympy  # noqa: PLC0415

    from derive.latex.parser import parse_latex  # noqa: PLC0415
    from derive.latex.solving import _solutions, _zero  # noqa: PLC0415
    from derive.latex.solving_context import equation_before  # noqa: PLC0415

    members = equation_before(step.prose, lhs, rhs)
    if members is None:
        return None
    table = SymbolTable(dict(step.claim.symbols))
    name = parse_latex(lhs, table)
    value = parse_latex(rhs, table)
    a, b = parse_latex(members[0], table), parse_latex(members[-1], table)
    if not isinstance(name, sympy.Symbol) or not isinstance(value, sympy.Expr) or name in value.free_symbols:
        return None
    equation = a - b
    if not isinstance(equation, sympy.Expr) or equation.is_Matrix or name not in equation.free_symbols:
        return None
    if value.free_symbols or equation.free_symbols != {name}:
        return _with_letters(equation, name, value, f"{lhs.strip()} = {rhs.strip()} (line {line})", members)
    spec = table.spec_of(name)
    solved = _solutions(equation, name, spec.kind.base if spec is not None else "real")
    if solved is None:
        return None
    roots = solved[0]
    among = any(_zero(value - r) is True for r in roots)
    if among and len(roots) < 2:
        return None  # the only solution: no choice
    # the step as written, with the name free, at every solution: the choice does not matter if it holds at all
    sides = [parse_latex(t, table) for t in (step.lhs_tex, step.rhs_tex)]
    if roots and all(isinstance(s, sympy.Expr) and not s.is_Matrix for s in sides):
        diff = sides[0] - sides[1]
        if diff.free_symbols <= {name} and all(_zero(diff.subs(name, r)) is True for r in roots):
            return None
    shown = ", ".join(sympy.latex(r) for r in roots)
    said = " = ".join(m.strip() for m in members)
    solutions = f"whose solutions are {lhs.strip()} \\in \\{{{shown}\\}}" if roots else "which has no real solution"
    stated = f"it holds with {lhs.strip()} = {rhs.strip()} (line {line}), which the text states right after {said}, "
    if among:
        return (
            f"{stated}{solutions}: one root chosen, not a definition; the step holds if that is the root meant "
            "(say so, or state the value as an assumption, to check it)"
        )
    return (
        f"{stated}{solutions}: {rhs.strip()} solves it not; as a result of that equation the value is wrong and a "
        "step built on it is not right by it (as a new definition, say so, or state it as an assumption)"
    )


def _with_letters(equation: Any, name: Any, value: Any, stated: str, members: list[str]) -> str | None:
    """The same for an equation with other letters (``2\\lambda + 2N = 0``, then ``\\lambda = -N``): None when the
    value solves it identically and is its only solution (the equation is of degree 1 in the name)."""
    import sympy  # noqa: PLC0415

    from derive.latex.solving import _identity, _opaque  # noqa: PLC0415

    if _opaque(equation) or _opaque(value):
        return None
    said = " = ".join(m.strip() for m in members)
    solves = _identity(equation.subs(name, value))
    if solves is None:
        return None
    if not solves:
        return (
            f"it holds with {stated}, which the text states right after {said}, and derive could not show that this "
            "value solves it: as a result of that equation it may be wrong, and a step built on it is not right by "
            "it (as a new definition, say so, or state it as an assumption)"
        )
    num = sympy.fraction(sympy.together(equation))[0]
    if num.is_polynomial(name) and sympy.Poly(num, name).degree() == 1:
        lead = sympy.Poly(num, name).LC()
        if not lead.free_symbols and lead.is_nonzero:
            return None  # the only solution: no choice
        poles = sympy.fraction(sympy.together(value))[1]
        if _divides(lead, poles):
            return None  # lambda = b/a from a lambda = b: the only solution wherever the value is defined
        return (
            f"it holds with {stated}, which the text states right after {said}: its only solution where "
            f"{sympy.latex(lead)} \\neq 0, which nothing says (where it is 0, every value solves it); the step holds "
            "if that is the case meant"
        )
    return (
        f"it holds with {stated}, which the text states right after {said}, of which it is one solution; that "
        "equation may have others, so it may be a root chosen: the step holds if that is the root meant"
    )


def _divides(lead: Any, den: Any) -> bool:
    """Whether every factor of ``lead`` with a letter divides ``den`` (a value undefined where ``lead`` is 0)."""
    import sympy  # noqa: PLC0415

    if not den.free_symbols or not lead.is_polynomial(*lead.free_symbols) or not den.is_polynomial(*den.free_symbols):
        return False
    lead_factors = {f for f, _ in sympy.factor_list(lead)[1] if f.free_symbols}
    den_factors = {f for f, _ in sympy.factor_list(den)[1]}
    return bool(lead_factors) and lead_factors <= den_factors | {-f for f in den_factors}
