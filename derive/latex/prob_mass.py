"""A mass function the text states as a formula on a finite set, put in at its values: ``p(x = -1 | \\mu)``.

Bishop's exercise 2.2 states a law of ``x \\in \\{-1, 1\\}`` by its formula,
``p(x | \\mu) = (\\frac{1 - \\mu}{2})^{(1 - x)/2} (\\frac{1 + \\mu}{2})^{(1 + x)/2}``, and then evaluates it:
``p(x = -1 | \\mu) + p(x = 1 | \\mu) = \\frac{1 - \\mu}{2} + \\frac{1 + \\mu}{2}``. No named law fits (a Bernoulli
variable takes 0 and 1), so the probability tier cannot put a density in; `stated_mass_proof` does, and proves
(never refutes) such a step when

- the section of the step (from its last heading) states exactly one formula ``p(x | params) = F`` for the
  variable, in a math span of its own with one ``=``, and exactly one finite set of numbers ``x \\in \\{v_1, ...\\}``;
- the formula is a mass function on that set (`derive.tiers._discrete_law.table_law`: its values there sum to
  1 for every value of the parameters, and none is identically negative or above 1), and uses no name but x and
  its parameters;
- every probability of the step is ``p(x = v | params)`` with the formula's name and parameters and v one of the
  set's values (a value outside the set, another variable or other parameters: nothing is read);
- with F(v) put in for each, the two sides have the same value exactly.

The step may also be written under the set (derive then reads it at each of the values, an evaluation bar
``x \\in \\{-1, 1\\}``): the bar is taken off, since x is only the event's variable there.
"""

from __future__ import annotations

import re
from typing import Any

import sympy
from sympy.core.function import AppliedUndef

__all__ = ["stated_mass_proof"]

_BAR = re.compile(r"^\s*\\left\.\s*(?P<inner>.*)\s*\\right\|_\{(?P<sub>[^{}]*(?:\{[^{}]*\}[^{}]*)*)\}\s*$", re.DOTALL)
_SET_ITEM = re.compile(r"(?P<name>[A-Za-z](?:_\{?\w+\}?)?)\s*\\in\s*\\\{(?P<values>[^{}]*)\\\}")
_NUMBER = re.compile(r"^\s*-?\s*\d+(?:\.\d+)?\s*$")


def _unbarred(tex: str) -> tuple[str, set[str]] | None:
    """``tex`` without an evaluation bar that only gives names finite sets (and those names), or None."""
    m = _BAR.match(tex)
    if m is None:
        return (tex, set()) if "\\right|" not in tex else None
    sub = m.group("sub")
    names = {found.group("name") for found in _SET_ITEM.finditer(sub)}
    if _SET_ITEM.sub("", sub).replace(",", "").strip():
        return None  # the bar also gives a value or a definition: not only the set
    if not names:
        return None
    return m.group("inner"), names


def _sets_stated(section: str, name: str) -> list[list[str]]:
    tex = re.escape(name)
    pattern = re.compile(tex + r"\s*\\in\s*\\\{(?P<values>[^{}$]*)\\\}")
    out = []
    for m in pattern.finditer(section):
        values = [v.strip() for v in m.group("values").split(",")]
        if values and all(_NUMBER.match(v) for v in values):
            out.append(values)
    return out


def _formulas(section: str, fn: str, name: str) -> list[tuple[str, str, int]]:
    """Each ``fn(name | params) = F`` the section writes as a math span of its own: (params, F, offset)."""
    from derive.latex.prob_stated import _MATH, _split_top  # noqa: PLC0415

    variable = re.escape(name) if name else r"[^()|=]+?"
    head = re.compile(
        r"^\s*" + re.escape(fn) + r"\s*\(\s*" + variable + r"\s*(?:\||\\mid)\s*(?P<params>[^()|]+?)\s*\)\s*$"
    )
    out = []
    for m in _MATH.finditer(section):
        body = next(g for g in (m.group("d1"), m.group("d2"), m.group("d3"), m.group("i1"), m.group("i2")) if g)
        body = re.sub(r"\\(?:tag|label)\{[^{}]*\}|\\nonumber|\\notag|&", " ", body).strip().rstrip(".,")
        sides = _split_top(body)
        if len(sides) == 2:
            found = head.match(sides[0])
            if found is not None:
                out.append((found.group("params"), sides[1], m.start()))
    return out


#: Words that suppose, negate or take back the formula of their sentence ("Suppose ...", "is not", "wrong").
_HEDGE = re.compile(
    r"\bnot\b|n't\b|\bsuppose|\bif\b|\bwrong|\bincorrect|\bmistake|\bwould\b|\bmight\b|\bcould\b|\bmyth|"
    r"\bmisconception|\bunless\b|\bwhether\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n\s*\n")


def _hedged(section: str, at: int) -> bool:
    """Whether the sentence the formula at ``at`` ends, or the words right after it, only suppose or negate it."""
    cut = 0
    for m in _SENTENCE_END.finditer(section, max(0, at - 400), at):
        cut = m.end()
    after = section[at : at + 600]
    close = re.search(r"\$\$|\\\]|\\end\{[a-z]+\*?\}|\$", after[2:])
    rest = after[2 + close.end() :] if close else ""
    tail = _SENTENCE_END.split(rest, maxsplit=1)[0]
    return bool(_HEDGE.search(section[cut:at]) or _HEDGE.search(tail[:200]))


def _side(inner: str, barred: str, table: Any) -> sympy.Expr | None:
    """One side read without its bar (x only the variable of its events), or, where it sums over the set's values
    (``\\sum_x p(x | \\mu)``, which needs the set), with it: the same value at each of them (else None)."""
    from derive.errors import DeriveError  # noqa: PLC0415
    from derive.latex.parser import parse_latex  # noqa: PLC0415
    from derive.latex.sums_unbounded import over_unlisted_values  # noqa: PLC0415

    try:
        plain = parse_latex(inner, table)
        if not over_unlisted_values(plain):  # \sum_x over unlisted values: read again with the stated set
            return plain
    except (DeriveError, RecursionError, ValueError, TypeError):
        pass
    try:
        column = parse_latex(barred, table)
    except (DeriveError, RecursionError, ValueError, TypeError):
        return None
    if not isinstance(column, sympy.MatrixBase) or column.shape[1] != 1 or any(e != column[0] for e in column):
        return None
    value = column[0]
    if any(str(a.func).startswith("event") for a in value.atoms(AppliedUndef)):
        return None  # an event's variable the bar put a value in: not the event the text writes
    return value


def stated_mass_proof(step: Any, result: Any, prose: str, full: str = "") -> Any | None:
    """A PROVED result for ``step`` under the mass function its section states (see the module), or None."""
    from derive.errors import DeriveError  # noqa: PLC0415
    from derive.language.symbols import SymbolTable  # noqa: PLC0415
    from derive.latex.parser import parse_latex  # noqa: PLC0415
    from derive.latex.prob_stated import _section  # noqa: PLC0415
    from derive.model import Evidence, Method, Outcome, Relation, Result, Verdict  # noqa: PLC0415
    from derive.tiers._discrete_law import table_law  # noqa: PLC0415

    claim = getattr(step, "claim", None)
    if claim is None or claim.relation is not Relation.EQ:
        return None
    if any("(checked at each" not in used for used in getattr(step, "uses", ())):
        return None  # read under a definition or a value: another reading than the one checked here
    step_tex = f"{claim.lhs}{claim.rhs}"
    if not re.search(r"\\in\s*\\\{", prose) or ("|" not in step_tex and "\\mid" not in step_tex):
        return None  # no finite set stated, or no conditional probability in the step: nothing to read
    read = [_unbarred(str(side)) for side in (claim.lhs, claim.rhs)]
    if read[0] is None or read[1] is None:
        return None
    table = SymbolTable(dict(claim.symbols))
    sides = [_side(inner, str(side), table) for (inner, _), side in zip(read, (claim.lhs, claim.rhs), strict=True)]
    if not all(isinstance(s, sympy.Expr) for s in sides):
        return None
    taken = _probabilities_taken(sides, read[0][1] | read[1][1], table)
    if taken is None:
        return None
    fn, var, at = taken
    section = _section(prose)
    name = str(var)
    sets = _sets_stated(section, name)
    formulas = _formulas(section, fn, name)
    if len({tuple(s) for s in sets}) != 1 or len(formulas) != 1:
        return None
    if any(not isinstance(first.args[0], AppliedUndef) for first in at) and len(_formulas(section, fn, "")) != 1:
        return None  # p(1 | mu) with a formula of p for another variable too: whose mass at 1 is unclear
    params_tex, formula_tex, _at = formulas[0]
    if _hedged(section, _at):
        return None
    try:
        formula = parse_latex(formula_tex, table)
        params = parse_latex(f"{fn}(t | {params_tex})", table)
        support = [parse_latex(v, table) for v in sets[0]]
    except (DeriveError, RecursionError, ValueError, TypeError):
        return None
    if not isinstance(formula, sympy.Expr) or formula.atoms(AppliedUndef):
        return None
    given = params.args[1] if isinstance(params, AppliedUndef) and len(params.args) == 2 else None
    if given is None or not all(isinstance(g, sympy.Symbol) for g in given.args):
        return None
    if formula.free_symbols - {var, *given.args}:
        return None
    masses = {v: sympy.simplify(formula.subs(var, v)) for v in support}
    why = table_law(list(masses), list(masses.values()))
    if why is not None:
        return None
    difference = _difference_with_masses(sides, at, given, masses)
    if difference != 0:
        return None
    params_at = len(prose) - len(section) + formulas[0][2]
    line = step.line - full[params_at:].count("\n") if isinstance(getattr(step, "line", None), int) and full else None
    where = f" (line {line})" if line else ""
    summary = (
        f"proved with {fn}({name} = v | {', '.join(map(str, given.args))}) the mass function the text states, "
        f"{fn}({name} | ...) = {sympy.sstr(formula)}{where}, on {name} in {{{', '.join(sets[0])}}}: its values there "
        f"({', '.join(f'{v}: {sympy.sstr(m)}' for v, m in masses.items())}) sum to 1, and put in, the sides agree"
    )
    evidence = Evidence(Method.SYMBOLIC, summary, difference="0", route="stated mass function")
    return Result(result.claim, Verdict.PROVED, Method.SYMBOLIC, result.seconds, (Outcome(Verdict.PROVED, evidence),))


def _probabilities_taken(
    sides: list[sympy.Expr], names_set: set[str], table: Any
) -> tuple[str, sympy.Symbol, dict[sympy.Basic, sympy.Expr]] | None:
    """The probabilities of the step's ``sides``: the one function they apply (``p``), the one variable they
    take it at (``p(x = -1 | \\mu)``; or the one name of the bar's set ``names_set`` for ``p(-1 | \\mu)``) and
    each application's value of it; None where they are not all of that form."""
    apps = {a for s in sides for a in s.atoms(AppliedUndef) if not str(a.func).startswith(("event", "given"))}
    if not apps:
        return None
    fns = {str(a.func) for a in apps}
    if len(fns) != 1:
        return None
    (fn,) = fns
    variables = set()
    at: dict[sympy.Basic, sympy.Expr] = {}  # each application -> the value of the variable it is taken at
    for a in apps:
        if len(a.args) != 2 or not isinstance(a.args[1], AppliedUndef) or str(a.args[1].func) != "given":
            return None
        first = a.args[0]
        if isinstance(first, AppliedUndef) and str(first.func) == "event" and isinstance(first.args[0], sympy.Symbol):
            variables.add(first.args[0])
            at[a] = first.args[1]
        elif first.is_number:
            at[a] = first  # p(-1 | mu): a sum over the set's values wrote out the mass function at -1
        else:
            return None
        if not at[a].is_number:
            return None
    if not variables and len(names_set) == 1:
        variables = {table.symbol(next(iter(names_set)))}
    if len(variables) != 1:
        return None
    (var,) = variables
    return fn, var, at


def _difference_with_masses(
    sides: list[sympy.Expr], at: dict[sympy.Basic, sympy.Expr], given: sympy.Basic, masses: dict[Any, sympy.Expr]
) -> sympy.Expr | None:
    """The difference of the two ``sides`` with each probability (taken ``at`` a value of the variable, under the
    parameters ``given``) replaced by the stated mass there; None where one is of other parameters or a value
    outside the set."""
    put: dict[sympy.Basic, sympy.Expr] = {}
    for a, value in at.items():
        if a.args[1] != given or value not in masses:
            return None
        put[a] = masses[value]
    try:
        return sympy.simplify(sides[0].xreplace(put) - sides[1].xreplace(put))
    except (TypeError, ValueError, RecursionError):
        return None
