"""Rows a text solves: does a statement after an arrow follow from the equation it is solved from?

``(\\lambda - 1)^2 = 0 \\Rightarrow \\lambda_1 = \\lambda_2 = 1``, ``\\ln c + 1 = k \\Rightarrow \\ln c = k - 1``,
``x^2 - 5x + 6 = 0 \\Rightarrow x = 2``: the row after the arrow is no identity in its names, it is what
the text derives from the premise. `follows` decides that implication exactly, from the premise's
sides as `derive.latex.steps` read them (`Step.premise_sides`, definitions applied):

- **an algebraic consequence**: ``row = c · premise`` (lhs - rhs of each) with ``c`` a polynomial
  (no pole anywhere), so every solution of the premise solves the row; ``c`` a nonzero number: the
  two are equivalent. Any number of unknowns and parameters;
- **the premise solved**: one real unknown ``u``, and the premise's complete real solution set found
  exactly (a polynomial of degree at most 6 with number coefficients, or an equation sympy's
  ``solveset`` solves to a finite set of numbers, each substituted back). The row may use ``u``
  and the text's names for its roots ``u_1, u_2, ...`` (``\\lambda_1 = \\lambda_2``); it is checked at
  every assignment of solutions to them, exactly:

  - holds at all of them: ``proved`` (every solution of the premise satisfies the row);
  - holds at none, and the premise has a solution its kinds certainly allow: ``refuted``, showing
    that solution and the row's difference there;
  - holds at some only (``x^2 = 4 \\Rightarrow x = 2``): the row names *a* solution; as "the
    solutions" it would be wrong. The premise is the last relation of its statement, which may be
    a longer chain the other relations of which exclude solutions: ``undecided``, never refuted,
    saying which solutions hold (`one_of_the_solutions` gives `derive.latex.refutation` that reason).

Nothing is decided where a step is read under definitions or values (its own sides would not be
what its claim reads), where the premise has matrices, unknown functions, sums or integrals, or
where the solving runs out of its budget: the caller keeps its own answer.
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING, Any

from derive.errors import DeriveError
from derive.language.symbols import SymbolTable
from derive.latex.results_systems import linear_system
from derive.latex.results_vectors import entrywise
from derive.model import Evidence, Method, Outcome, Relation, Result, Verdict

if TYPE_CHECKING:
    from derive.latex.records import Step

__all__ = ["follows", "one_of_the_solutions"]

_TEXT_LIMIT = 600  # characters of a premise or row read here, in the reader's process
_OPS_LIMIT = 200
_DEGREE_LIMIT = 6
_ROOTS_LIMIT = 8
_ASSIGNMENTS_LIMIT = 64
_SECONDS = 2.0  # solving and checking one row stops after this long (no answer: the caller's stands)
_DIGITS = 50
_SYSTEM_LIMIT = 4  # unknowns of a linear system solved here
_DECIDED = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT, Verdict.REFUTED)
#: A note a step's claim may carry that does not change its sides: its premise, a kind the prose declares,
#: the band of an \approx to the digits written.
#: A law (``x \\sim N(0, 1)``) is harmless too: it does not change the algebra of the premise or the row.
_HARMLESS_NOTE = re.compile(r"^given |^[^\s:]+: [^,]+, from |^[^\s:]+ random, from |^≈ .* agrees to the ")
_REAL_KINDS = frozenset(
    {
        "real",
        "positive",
        "nonnegative",
        "negative",
        "nonpositive",
        "integer",
        "positive integer",
        "negative integer",
        "nonnegative integer",
        "probability",
    }
)


def follows(step: Step, result: Result) -> Result | None:
    """The step decided as a consequence of the statement it is solved from, or of the values the text
    concluded before it (`derive.latex.results_concluded`), or None (keep ``result``)."""
    from derive.latex.results_concluded import with_conclusions  # noqa: PLC0415
    from derive.latex.results_roots import chosen_root  # noqa: PLC0415

    chosen = chosen_root(step, result)
    if chosen is not None:  # accepted under x := 3 stated right after (x - 3)(x + 3) = 0: a root chosen
        why = f"{chosen} (where the step is {result.verdict.value})"
        ev = Evidence(result.method, why, reason="context")
        return Result(result.claim, Verdict.UNDECIDED, result.method, result.seconds, (Outcome(Verdict.UNDECIDED, ev),))
    return _solved(step, result) or with_conclusions(step, result)


def _solved(step: Step, result: Result) -> Result | None:
    """The step decided as a consequence of the statement it is solved from, or None (keep ``result``).

    Looked at: an equation whose claim was undecided or refuted as an identity (or could not be read for
    its ``\\pm``), after an arrow from an equation derive read (``Step.premise_sides``), from a chain or a
    linear system, or beginning the display after one the words say the text solves
    (`derive.latex.solving_context`). Every other step is left to ``result``."""
    from derive.latex.solving_context import several_statements  # noqa: PLC0415

    several = step.premise is not None and bool(step.premise_sides) and several_statements(step)
    if several and step.premise_solution and result.verdict in _DECIDED:
        # x = 2 \text{ or } x = 3 \implies x^2 = 9: the reader solved only the last statement before the arrow
        why = (
            f"the arrow leads from more than the one statement derive solved ({step.premise_solution}): alternatives "
            "or a list, whose other members it did not use; write the premise as one equation to check the step"
        )
        ev = Evidence(result.method, f"{why} (where the step is {result.verdict.value})", reason="context")
        return Result(result.claim, Verdict.UNDECIDED, result.method, result.seconds, (Outcome(Verdict.UNDECIDED, ev),))
    plus_minus = _PM.search(f"{step.lhs_tex} {step.rhs_tex}") is not None
    if result.verdict not in (Verdict.REFUTED, Verdict.UNDECIDED) and not (
        plus_minus and result.verdict is Verdict.ERROR
    ):
        return None
    found = _read(step, step.premise_sides) if step.premise_sides and not several else None
    decided = _bounded_decide(found) if found is not None else None
    if decided is None or not decided[1]:
        decided = _from_statement(step)
    if (decided is None or not decided[1]) and step.premise_sides and not several and _plain(step):
        decided = _bounded(lambda: entrywise(step, step.premise_sides))  # (A - I)x = 0 => x_2 = 0
    if decided is None or not decided[1]:
        return None
    verdict, summary = decided  # (the premise is named where `settle` adds what the step is read with)
    if verdict is None:  # a row naming one solution: never refuted, never accepted as the solutions
        ev = Evidence(Method.SYMBOLIC, summary, reason="context")
        return Result(
            result.claim, Verdict.UNDECIDED, Method.SYMBOLIC, result.seconds, (Outcome(Verdict.UNDECIDED, ev),)
        )
    ev = Evidence(Method.SYMBOLIC, summary, route="solving")
    return Result(result.claim, verdict, Method.SYMBOLIC, result.seconds, (Outcome(verdict, ev),))


def _plain(step: Step) -> bool:
    """Whether the step is read as written (no definitions or values applied) and its premise is an equation."""
    return (
        step.kind == "step"
        and step.error is None
        and all(_HARMLESS_NOTE.search(note) for note in step.uses)
        and not _NOT_AN_EQUATION.search(_given(step))
    )


def _bounded(decide: Any) -> tuple[Verdict | None, str] | None:
    from derive.tiers.symbolic import bounded  # noqa: PLC0415

    try:
        decided = bounded(decide, _SECONDS)
    except (DeriveError, RecursionError, MemoryError, TypeError, ValueError, AttributeError, NotImplementedError):
        return None
    return decided if isinstance(decided, tuple) else None


def _bounded_decide(found: tuple[Any, ...]) -> tuple[Verdict | None, str] | None:
    from derive.tiers.symbolic import bounded  # noqa: PLC0415 - sympy only when a row is solved

    try:
        decided = bounded(lambda: _decide(*found), _SECONDS)
    except (DeriveError, RecursionError, MemoryError, TypeError, ValueError, AttributeError, NotImplementedError):
        return None
    return decided if isinstance(decided, tuple) else None


def _from_statement(step: Step) -> tuple[Verdict, str] | None:
    """Proved when the row follows from one equation ``a_0 = a_k`` of the statement it is solved from as
    the text wrote it (`derive.latex.solving_context`): the premise's whole chain, or the display right
    before. Only proved: nothing but their order links a display to the one before."""
    from derive.latex.solving_context import premise_chain, premise_system, previous_chain  # noqa: PLC0415

    system = premise_system(step)
    if system is not None:
        found = _read_system(step, system)
        decided = _bounded_system(found) if found is not None else None
        if decided is None and found is not None:
            decided = _bounded(lambda: linear_system(*found))  # letters as coefficients or right sides
        if decided is not None:
            return decided
    members = premise_chain(step)
    before = members is None
    members = members or previous_chain(step, concluded=False)
    if members is None:
        return None
    said = " = ".join(m.strip() for m in members)
    where = "the statement it is solved from" if step.premise is not None else "the display right before it"
    # members derive cannot read (p(\\lambda) of an unknown p) only drop equations the statement also makes
    readable = []
    for m in members:
        state = _member(step, m)
        if state is None:
            return None  # 2 \\lor x: not a member derive reads; the statement may say something else
        if state:
            readable.append(m)
    proof: tuple[Verdict, str] | None = None
    for member in readable[:-1]:
        found = _read(step, (member, readable[-1]), premise_note=False)
        if found is None:
            return None
        equal = _identity(found[0])
        if equal is True:
            continue  # two members equal as expressions: no condition on the unknown
        if equal is None or not found[0].free_symbols:
            return None  # two numbers that differ (or may): the statement contradicts itself
        decided = _bounded_decide(found)
        if decided is None or decided[0] is not Verdict.PROVED:
            return None  # every equation of the statement must give the row, or it may contradict itself
        used = f"{member.strip()} = {readable[-1].strip()}"
        proof = proof or (Verdict.PROVED, f"{decided[1]} (the premise: {used}, from {where}: {said})")
    if proof is not None and before:
        from derive.latex.results_concluded import wrong_conclusion  # noqa: PLC0415

        wrong = wrong_conclusion(step)
        if wrong is not None:
            return None, f"{proof[1]}; but {wrong}: a step built on it is not right by it"
    return proof


def _member(step: Step, tex: str) -> bool | None:
    """Whether a member of a chain reads as a scalar derive can solve with (True), reads but applies an
    unknown function or the like (False: left out), or cannot be read (None)."""
    import sympy  # noqa: PLC0415

    from derive.latex.parser import parse_latex  # noqa: PLC0415

    if len(tex) > _TEXT_LIMIT:
        return None
    try:
        e = parse_latex(tex, SymbolTable(dict(step.claim.symbols)))
    except (DeriveError, RecursionError, MemoryError, TypeError, ValueError, AttributeError, NotImplementedError):
        return None
    if not isinstance(e, sympy.Expr) or e.is_Matrix:
        return None
    return not _opaque(e)


def _identity(e: Any) -> bool | None:
    """Whether lhs - rhs ``e`` is zero as an expression (True), is not (False), or that is not known (None)."""
    import sympy  # noqa: PLC0415

    from derive.tiers.symbolic import bounded  # noqa: PLC0415

    def check() -> bool | None:
        if sympy.expand(e) == 0 or sympy.simplify(e) == 0:
            return True
        return False if e.free_symbols else _zero(e)

    try:
        found = bounded(check, _SECONDS)
    except (DeriveError, RecursionError, MemoryError, TypeError, ValueError, AttributeError, NotImplementedError):
        return None
    return found if isinstance(found, bool) else None


def _read_system(step: Step, equations: list[tuple[str, str]]) -> tuple[list[Any], Any, str] | None:
    """(each equation's lhs - rhs, the row's, how the row is written) as sympy, or None."""
    found = [_read(step, sides, premise_note=False) for sides in equations]
    if any(f is None or isinstance(f[1], tuple) for f in found):
        return None
    return [f[0] for f in found if f is not None], found[0][1], found[0][3]  # type: ignore[index]


def _bounded_system(found: tuple[list[Any], Any, str]) -> tuple[Verdict, str] | None:
    from derive.tiers.symbolic import bounded  # noqa: PLC0415

    try:
        decided = bounded(lambda: _linear_system(*found), _SECONDS)
    except (DeriveError, RecursionError, MemoryError, TypeError, ValueError, AttributeError, NotImplementedError):
        return None
    return decided if isinstance(decided, tuple) else None


def _linear_system(equations: list[Any], row: Any, written: str) -> tuple[Verdict, str] | None:
    """Proved when the equations are linear with number coefficients, have exactly one solution, and the
    row holds there (``x + y = 3, x - y = 1 \\implies x = 2``). Only proved: which statements before the
    arrow make up the system is read from the layout."""
    import sympy  # noqa: PLC0415

    unknowns = sorted(set().union(*(e.free_symbols for e in equations)), key=str)
    if not unknowns or len(unknowns) > _SYSTEM_LIMIT or not row.free_symbols <= set(unknowns):
        return None
    for e in equations:
        poly = sympy.Poly(sympy.expand(e), *unknowns) if e.is_polynomial(*unknowns) else None
        if poly is None or poly.total_degree() > 1 or not all(c.is_number for c in poly.coeffs()):
            return None
    solved = sympy.linsolve(equations, *unknowns)
    if not isinstance(solved, sympy.FiniteSet) or len(solved) != 1:
        return None
    (point,) = tuple(solved)
    if any(v.free_symbols for v in point):
        return None  # a family of solutions: not solved to values here
    values = dict(zip(unknowns, point, strict=True))
    if _zero(row.subs(values)) is not True:
        return None
    at = ", ".join(f"{u} = {sympy.latex(v)}" for u, v in values.items())
    return Verdict.PROVED, (
        f"follows from the system the arrow leads from ({len(equations)} linear equations): its only solution is "
        f"{at} (exact), where the row {written} holds"
    )


def one_of_the_solutions(step: Step) -> str | None:
    """Why a row after an arrow that holds at some solutions of its premise but not at all of them
    (``x^2 = 4 \\Rightarrow x = 2``) is not refuted: it names a solution, which the text may mean."""
    found = _read(step, step.premise_sides) if step.premise_sides else None
    decided = _bounded_decide(found) if found is not None else None
    if decided is None or decided[0] is not None or _SOME not in decided[1]:
        return None
    premise = _given(step)
    return f"{decided[1]} ({premise})" if premise else decided[1]


def _given(step: Step) -> str:
    """The note naming the premise (``given (x - 1)^2 = 0 (line 4), solved: ...``), up to its solution."""
    for note in step.uses:
        if note.startswith("given "):
            return note.split(", solved:", 1)[0].split(", which derive", 1)[0]
    return ""


#: ``\\pm`` and ``\\mp``: a row that states two values (``18 - \\lambda = \\pm 9``), read as its two rows.
_PM = re.compile(r"\\(?:pm|mp)(?![A-Za-z])")


def _signs(tex: str) -> list[str]:
    """``tex`` with ``\\pm`` (``\\mp``) read as + (-), then as - (+): two texts; ``[tex]`` without them."""
    if _PM.search(tex) is None:
        return [tex]
    out = []
    for pm, mp in ((" + ", " - "), (" - ", " + ")):
        out.append(_PM.sub(lambda m, pm=pm, mp=mp: pm if m.group(0) == "\\pm" else mp, tex))
    return out


def _read(
    step: Step, premise_sides: tuple[str, ...], premise_note: bool = True
) -> tuple[Any, Any, SymbolTable, str, frozenset[str]] | None:
    """(premise lhs - rhs, the row's lhs - rhs (a tuple of two for a row with ``\\pm``), the table, how the
    row is written, the names the prose gives a range no kind states) as sympy, or None."""
    if step.kind != "step" or step.error is not None or len(premise_sides) != 2:
        return None
    approx = step.relation is Relation.APPROX  # x \approx 1.41: checked to the digits written (claim: a band)
    if not approx and (step.relation is not Relation.EQ or step.claim.relation is not Relation.EQ):
        return None
    if any(not _HARMLESS_NOTE.search(note) for note in step.uses):
        return None  # read under definitions or values: the written sides are not what the claim reads
    if premise_note and _NOT_AN_EQUATION.search(_given(step)):
        return None  # x \geq 1 \implies x = 1: the premise is no equation to solve
    texts = (*premise_sides, step.lhs_tex, step.rhs_tex)
    if any(not t.strip() for t in texts) or sum(len(t) for t in texts) > 2 * _TEXT_LIMIT:
        return None
    import sympy  # noqa: PLC0415

    from derive.latex.parser import parse_latex  # noqa: PLC0415 - the parser imports the package

    table = SymbolTable(dict(step.claim.symbols))
    row_text = f"\\left({step.lhs_tex}\\right) - \\left({step.rhs_tex}\\right)"
    try:
        sides = [parse_latex(t, table) for t in (*premise_sides, *_signs(row_text))]
    except (DeriveError, RecursionError, MemoryError, TypeError, ValueError, AttributeError, NotImplementedError):
        return None
    if not all(isinstance(s, sympy.Expr) and not s.is_Matrix for s in sides):
        return None
    premise, rows = sides[0] - sides[1], tuple(sides[2:])
    for e in (premise, *rows):
        if sympy.count_ops(e) > _OPS_LIMIT or _opaque(e):
            return None
    row = rows[0] if len(rows) == 1 else rows
    ranged = frozenset(name for name, _ in step.ranges)
    relation = "\\approx" if approx else "="
    return premise, row, table, f"{step.lhs_tex.strip()} {relation} {step.rhs_tex.strip()}", ranged


def _opaque(e: Any) -> bool:
    """Whether ``e`` holds what is not solved here: unknown functions, sums, integrals, limits, matrices."""
    import sympy  # noqa: PLC0415
    from sympy.core.function import AppliedUndef  # noqa: PLC0415

    return bool(
        e.atoms(AppliedUndef)
        or e.has(sympy.Integral, sympy.Sum, sympy.Product, sympy.Limit, sympy.Derivative, sympy.Piecewise)
        or e.atoms(sympy.MatrixSymbol)
        or e.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo)
    )


_SOME = "names one of the solutions"
#: How the note of a premise that is no equation shows its relation (`derive.latex.steps`: "given a <= b").
_NOT_AN_EQUATION = re.compile(r" (?:<=|>=|<|>|≈|!=|≠) ")


def _decide(
    premise: Any, row: Any, table: SymbolTable, written: str, ranged: frozenset[str] = frozenset()
) -> tuple[Verdict | None, str]:
    verdict, why = _implication(premise, row, table, written)
    if verdict is Verdict.REFUTED and any(str(s) in ranged for s in premise.free_symbols):
        # the prose bounds the unknown by a range no kind states: the solutions shown may be outside it
        return None, ""
    return verdict, why


def _implication(premise: Any, row: Any, table: SymbolTable, written: str) -> tuple[Verdict | None, str]:
    import sympy  # noqa: PLC0415

    if not premise.free_symbols:
        return None, ""
    approx = "\\approx" in written
    if isinstance(row, tuple):
        return (None, "") if approx else _both_signs(premise, row, table, written)
    half = _half_unit(written)
    if approx and half is None:
        return None, ""  # \approx without a decimal: no tolerance the text fixes
    multiple = None if approx else _multiple(premise, row)
    if multiple is not None:
        return Verdict.PROVED, multiple
    found = _real_unknown(premise, table)
    if found is None:
        return None, ""
    u, spec = found
    solved = _solutions(premise, u, spec.kind.base)
    if solved is None:
        return None, ""
    roots, allowed = solved
    names = _root_names(row, u)
    if names is None or not roots:
        return None, ""
    shown = ", ".join(sympy.latex(r) for r in roots)
    solutions = f"its solutions are {spec.name} \\in \\{{{shown}\\}}"
    results: list[tuple[dict[Any, Any], bool | None]] = []
    assignments = list(itertools.product(roots, repeat=len(names)))
    if len(assignments) > _ASSIGNMENTS_LIMIT:
        return None, ""
    for values in assignments:
        point = dict(zip(names, values, strict=True))
        value = row.subs(point)
        results.append((point, _within(value, half) if approx else _zero(value)))
    if any(holds is None for _, holds in results):
        return None, ""
    which = ", ".join(str(n) for n in names)
    if all(holds for _, holds in results):
        each = "at each" if len(names) == 1 else f"with {which} any of them"
        return Verdict.PROVED, (
            f"follows from the premise by solving for {spec.name}: {solutions} (exact, complete), and the row "
            f"{written} holds {each}"
        )
    if not any(holds for _, holds in results):
        certain = [(p, h) for p, h in results if all(v in allowed for v in p.values())]
        if not certain:
            return None, ""
        near = [p for p, _ in results if half is not None and not approx and abs(sympy.N(row.subs(p), _DIGITS)) <= half]
        if near:
            return None, _rounded_solution(written, near[0], half)
        point = certain[0][0]
        tolerance = f" (to within {sympy.N(half, 3)}, the digits written)" if approx else ""
        at = ", ".join(f"{n} = {sympy.latex(v)}" for n, v in point.items())
        value = sympy.nsimplify(row.subs(point)) if row.subs(point).is_Rational else row.subs(point)
        return Verdict.REFUTED, (
            f"does not follow from the premise: {solutions} (exact, complete), and the row {written} holds at none "
            f"of them{tolerance}; at {at}, lhs - rhs of the row = {sympy.latex(sympy.simplify(value))} "
            f"≈ {sympy.N(value, 15)}"
        )
    good = sorted({sympy.latex(v) for p, h in results if h for v in p.values()})
    bad = sorted({sympy.latex(v) for p, h in results if not h for v in p.values()} - set(good))
    fails = f"; it fails at {which} = {', '.join(bad)}" if bad else ""
    return None, (
        f"{written} {_SOME} of the premise ({solutions}; it holds at {which} = {', '.join(good)}{fails}): "
        "as 'a solution' it holds, as 'the solutions' it would not, and the premise may be one relation of a "
        "longer statement that excludes some of them; say which (or list every solution) to check it"
    )


def _real_unknown(premise: Any, table: SymbolTable) -> tuple[Any, Any] | None:
    """The premise's one unknown and its declaration, or None: several unknowns, or one that is a matrix or
    of a kind that is not real (nothing `_solutions` may solve for)."""
    unknowns = list(premise.free_symbols)
    if len(unknowns) != 1:
        return None
    spec = table.spec_of(unknowns[0])
    if spec is None or spec.kind.is_matrix or spec.kind.base not in _REAL_KINDS:
        return None
    return unknowns[0], spec


def _both_signs(premise: Any, rows: tuple[Any, Any], table: SymbolTable, written: str) -> tuple[Verdict | None, str]:
    """A row with ``\\pm`` states the premise's solutions: those of its two rows together. Equivalent when the
    product of the two rows is a nonzero multiple of the premise; else, one unknown solved exactly, proved
    when the values the rows give are exactly the premise's solutions, refuted when one of them is none."""
    import sympy  # noqa: PLC0415

    plus, minus = rows
    both = _multiple(premise, sympy.expand(plus * minus))
    if both is not None and both.startswith("equivalent"):
        return Verdict.PROVED, (
            f"the two rows of {written} (+ and -) together have exactly the premise's solutions: the product of "
            f"their lhs - rhs is {both}"
        )
    found = _real_unknown(premise, table)
    if found is None or any(r.free_symbols != {found[0]} for r in rows):
        return None, ""
    u, spec = found
    solved = _solutions(premise, u, spec.kind.base)
    given = [_solutions(r, u, "real") for r in rows]
    if solved is None or any(g is None for g in given):
        return None, ""
    roots = set(solved[0])
    values = {v for g in given if g is not None for v in g[0]}
    shown = ", ".join(sympy.latex(r) for r in solved[0])
    solutions = f"its solutions are {spec.name} \\in \\{{{shown}\\}} (exact, complete)"
    stated = ", ".join(sympy.latex(v) for v in sorted(values, key=float))
    extra = sorted(values - roots, key=float)
    half = _half_unit(written)
    if extra and half is not None and all(any(abs(sympy.N(v - r, _DIGITS)) <= half for r in roots) for v in extra):
        return None, _rounded_solution(written, {u: extra[0]}, half, "gives a value, {at}, that agrees with a solution")
    if extra and _zero(premise.subs(u, extra[0])) is False:
        v = extra[0]
        return Verdict.REFUTED, (
            f"{written} gives {spec.name} = {stated}, but {spec.name} = {sympy.latex(v)} does not solve the premise "
            f"({solutions}): its lhs - rhs there is {sympy.latex(sympy.simplify(premise.subs(u, v)))}"
        )
    if values == roots:
        return Verdict.PROVED, (
            f"{written} gives {spec.name} = {stated}, exactly the premise's solutions ({solutions}): both directions"
        )
    return None, ""


_DECIMAL = re.compile(r"(?<![\\\w.])\d*\.(\d+)")


def _half_unit(written: str) -> Any | None:
    """Half a unit of the last digit of the coarsest decimal the row writes (``x = 1.414``: 0.0005), or None
    when it writes none: a decimal may be a solution rounded to the digits written."""
    import sympy  # noqa: PLC0415

    places = [len(m.group(1)) for m in _DECIMAL.finditer(written)]
    return sympy.Rational(1, 2 * 10 ** min(places)) if places else None


def _within(value: Any, half: Any) -> bool | None:
    """Whether an exact number is within ``half`` of zero (True), clear of it (False), or too near the edge
    to tell at 50 digits (None)."""
    import sympy  # noqa: PLC0415

    approx = sympy.N(value, _DIGITS)
    if not approx.is_number or approx.is_real is not True:
        return None
    edge = sympy.Float(10) ** (-(_DIGITS // 2))
    if abs(approx) <= half - edge:
        return True
    if abs(approx) >= half + edge:
        return False
    return None


def _rounded_solution(
    written: str, point: dict[Any, Any], half: Any, how: str = "agrees with the premise's solution {at}"
) -> str:
    import sympy  # noqa: PLC0415

    at = ", ".join(f"{n} = {sympy.latex(v)}" for n, v in point.items())
    return (
        f"{written} {how.format(at=at)} to within {sympy.N(half, 3)}, half a unit of the last "
        "digit written: = with a rounded number is not refuted; write \\approx to have it checked to those digits"
    )


def _multiple(premise: Any, row: Any) -> str | None:
    """``row = c · premise`` with ``c`` a polynomial (finite everywhere): every solution of the premise
    solves the row; ``c`` a nonzero number: equivalent. None otherwise."""
    import sympy  # noqa: PLC0415

    if row == 0:
        return None
    c = sympy.cancel(sympy.together(row / premise))
    if c == 0 or c.has(sympy.nan, sympy.zoo, sympy.oo):
        return None
    num, den = sympy.fraction(c)
    if den == 0:
        return None
    where = ""
    if den.free_symbols:
        # x = -b/a from a x + b = 0: c = 1/a has poles only where the row itself is undefined (a = 0)
        poles = _factors(den)
        own = _factors(sympy.fraction(sympy.together(row))[1])
        if poles is None or own is None or not poles <= own:
            return None
        nonzero = ", ".join(sympy.latex(f) + " \\neq 0" for f in sorted(poles, key=str))
        where = f" wherever the row is defined ({nonzero})"
    if not num.free_symbols:
        if num.is_nonzero is not True:
            return None
        factor = "a nonzero number" if not den.free_symbols else "nonzero"
        return (
            f"equivalent to the premise{where}: lhs - rhs of the row is {sympy.latex(c)} times that of the "
            f"premise ({factor})"
        )
    if num.free_symbols and not num.is_polynomial(*sorted(num.free_symbols, key=str)):
        return None
    return (
        f"follows from the premise: lhs - rhs of the row is ({sympy.latex(c)}) times that of the premise, a "
        f"factor with no pole{where}, so every solution of the premise solves the row"
    )


def _factors(poly: Any) -> set[Any] | None:
    """The irreducible factors of a polynomial with a free name (numbers left out), or None."""
    import sympy  # noqa: PLC0415

    if not poly.free_symbols:
        return set()
    if not poly.is_polynomial(*sorted(poly.free_symbols, key=str)):
        return None
    _, factors = sympy.factor_list(poly)
    return {f for f, _ in factors if f.free_symbols}


def _root_names(row: Any, u: Any) -> list[Any] | None:
    """The row's free names when each is the unknown ``u`` or the text's name for a root of it
    (``lambda_1`` for ``lambda``), in a fixed order; None when the row uses any other name."""
    names = sorted(row.free_symbols, key=str)
    if not names:
        return None
    base = str(u)
    for n in names:
        if n != u and not re.fullmatch(re.escape(base) + r"_\{?\d+\}?", str(n)):
            return None
        if n != u and n.assumptions0 != u.assumptions0:
            return None  # a root's name declared of another kind: not one of these solutions
    return names


def _solutions(premise: Any, u: Any, kind: str) -> tuple[list[Any], set[Any]] | None:
    """The complete set of real solutions of ``premise = 0`` in ``u`` that the kind does not certainly
    exclude, in order, and those it certainly allows; None when they cannot be found exactly."""
    import sympy  # noqa: PLC0415

    expr = sympy.together(premise)
    num, den = sympy.fraction(expr)
    found: list[Any] | None = None
    if num.is_polynomial(u) and den.is_polynomial(u):
        poly = sympy.Poly(num, u)
        if not all(c.is_number for c in poly.all_coeffs()) or poly.degree() < 1 or poly.degree() > _DEGREE_LIMIT:
            return None
        if not all(c.is_real for c in poly.all_coeffs()):
            return None
        found = list(poly.real_roots())
        explicit = sympy.roots(poly)
        if sum(explicit.values()) == poly.degree():
            # radicals where sympy finds them (1 + sqrt(5))/2, read back by any reader
            real = [r for r in explicit if r.is_real]
            if len(real) == len(set(found)) and all(r.is_real is not None for r in explicit):
                found = real
    elif not premise.has(sympy.sin, sympy.cos, sympy.tan):
        solved = sympy.solveset(sympy.Eq(premise, 0), u, domain=sympy.S.Reals)
        if not isinstance(solved, sympy.FiniteSet):
            return None
        found = list(solved)
    if found is None:
        return None
    roots: list[Any] = []
    for r in found:
        if not r.is_number or r.is_real is not True:
            return None
        if r in roots:
            continue
        if den.subs(u, r).is_zero is not False or _zero(premise.subs(u, r)) is not True:
            continue  # a pole, or a root sympy gave that does not solve it: not a solution
        roots.append(r)
    if len(roots) > _ROOTS_LIMIT:
        return None
    roots.sort(key=float)
    kept = [r for r in roots if _possible(kind, r) is not False]
    allowed = {r for r in kept if _possible(kind, r) is True}
    return kept, allowed


def _possible(kind: str, value: Any) -> bool | None:
    """Whether the kind allows the exact number (True), excludes it (False), or sympy cannot say (None).
    A probability is in [0, 1], ends included."""
    facts = {
        "real": (),
        "positive": ("positive",),
        "nonnegative": ("nonnegative",),
        "negative": ("negative",),
        "nonpositive": ("nonpositive",),
        "integer": ("integer",),
        "positive integer": ("integer", "positive"),
        "negative integer": ("integer", "negative"),
        "nonnegative integer": ("integer", "nonnegative"),
        "probability": ("nonnegative",),
    }[kind]
    checks = [getattr(value, f"is_{fact}") for fact in facts]
    if kind == "probability":
        checks.append((1 - value).is_nonnegative)
    if any(c is False for c in checks):
        return False
    return True if all(c is True for c in checks) else None


def _zero(value: Any) -> bool | None:
    """Whether an exact number is zero: True (sympy proves it), False (it is not: nonzero at 50 digits,
    far above the error of evaluating it), None (neither)."""
    import sympy  # noqa: PLC0415

    if value.free_symbols:
        return None
    if value == 0:
        return True
    simple = sympy.simplify(value)
    if simple == 0 or simple.is_zero is True:
        return True
    if simple.is_zero is False:
        return False
    if sympy.nsimplify(sympy.expand(simple)) == 0 and sympy.expand(simple).is_zero is True:
        return True
    approx = sympy.N(simple, _DIGITS)
    if not approx.is_number:
        return None
    if abs(approx) > sympy.Float(10) ** (-(_DIGITS // 2)):
        return False
    return None
