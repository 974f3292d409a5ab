"""Results the text concluded, used by the steps after them.

A block ends ``\\implies \\lambda = -N``; a later block of the same part writes ``\\pi_k =
-\\frac{N_k}{\\lambda} = \\frac{N_k}{N}``. Checked with λ free, the second step is false; the text
means it with the value it derived. The reader records such conclusions (a bare name after an
arrow, ``Step.conditions``: "λ = -N (line 41, concluded after an arrow)") but never substitutes them
as definitions: a conclusion may be wrong, may name one root of several, or may belong to a case.
A bare name's value displayed after a result word ("Setting the derivative to zero, we get $$\\lambda =
2$$", `derive.latex.steps._derived`) is recorded the same way ("concluded in words"); with no premise
derive reads, it never proves a later step, which is at best undecided ("holds if λ = 2").
`with_conclusions` decides a step refuted (or left undecided) with such a name free:

- the step's lhs - rhs, with every concluded value in scope substituted for its name, is exactly 0,
  and each conclusion used is **proved** from the statement its arrow leads from (the solving of
  `derive.latex.solving`, re-read from that display with the kinds the step declares), with no case
  or new problem between that display and the step: ``proved``, naming the conclusion, its line and
  how it follows;
- it is 0 only with a conclusion derive could not prove there (one root of several, a premise it
  cannot solve, a conclusion that does not follow): ``undecided``, "holds if λ = -N, as concluded at
  line 41", saying why the conclusion is not taken as proved. A step built on a wrong conclusion
  is not thereby right: the detail says the conclusion does not follow.

Anything else (the substituted step is not exactly 0, sides derive cannot read here, matrices,
random variables, densities) gives None: the caller keeps its answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from derive.errors import DeriveError
from derive.language.symbols import SymbolTable
from derive.model import Evidence, LatexSource, Method, Outcome, Relation, Result, Verdict

if TYPE_CHECKING:
    from derive.latex.records import Step

__all__ = ["Conclusion", "conclusions", "with_conclusions", "wrong_conclusion"]

_CONCLUDED = re.compile(
    r"^(?P<lhs>.+?) = (?P<rhs>.+) \(line (?P<line>\d+), concluded (?P<how>after an arrow|in words)\)$", re.S
)
_TEXT_LIMIT = 600  # characters of a side read here
_OPS_LIMIT = 200
_SECONDS = 2.0  # the whole check of one step, conclusions' proofs included
_ERRORS = (DeriveError, RecursionError, MemoryError, TypeError, ValueError, AttributeError, NotImplementedError)
#: Words around a conclusion (from the display before it to the step) that make it a case or a problem of its
#: own: the value concluded there need not hold at the step (it may still: "holds if", never "proved").
_CASE_WORDS = re.compile(
    # ("Let", "where", "define" name things inside one derivation: "Let N = \\sum_k N_k" is no new case)
    r"\b(?:[Cc]ases?|[Ss]uppose|[Ii]f|[Oo]therwise|[Aa]lternatively|[Aa]ssume|[Aa]ssuming|[Ii]nstead|"
    r"[Pp]roblem|[Ee]xercise|[Pp]art|[Ww]henever)\b"
)
#: What starts a new part between a conclusion and the step: a heading, an item.
_NEW_PART = re.compile(r"(?m)^\s*#|\\(?:section|subsection|subsubsection|paragraph|item|part|chapter)\b")


@dataclass(frozen=True)
class Conclusion:
    """``lhs = rhs``, concluded after an arrow at ``line`` of the document."""

    lhs: str
    rhs: str
    line: int
    #: False for a value displayed after a result word ("we get $$\\lambda = 2$$"): no premise to prove it from
    arrow: bool = True

    @property
    def said(self) -> str:
        return f"{self.lhs.strip()} = {self.rhs.strip()}"


def conclusions(step: Step) -> list[Conclusion]:
    """The conclusions in scope at ``step`` that the reader recorded (`Step.conditions`), in order."""
    found = []
    for cond in step.conditions:
        m = _CONCLUDED.match(cond)
        if m is not None:
            found.append(
                Conclusion(m.group("lhs"), m.group("rhs"), int(m.group("line")), m.group("how") == "after an arrow")
            )
    return found


def with_conclusions(step: Step, result: Result) -> Result | None:
    """``step`` decided with the values the text concluded before it (see the module), or None."""
    if result.verdict not in (Verdict.REFUTED, Verdict.UNDECIDED) or step.kind != "step" or step.error is not None:
        return None
    if step.relation is not Relation.EQ or step.claim.relation is not Relation.EQ or step.claim.random:
        return None
    if step.premise_solution:
        return None  # the claim is checked at its own premise's solutions (`derive.latex.solving` decides it)
    found = conclusions(step)
    if not found:
        return _wrong_display(step, result)
    from derive.tiers.symbolic import bounded  # noqa: PLC0415 - sympy only when a step uses a conclusion

    try:
        decided = bounded(lambda: _decide(step, found, result.verdict is Verdict.REFUTED), _SECONDS)
    except _ERRORS:
        return None
    if not isinstance(decided, tuple):
        return None
    verdict, summary = decided
    if verdict is Verdict.PROVED:
        ev = Evidence(Method.SYMBOLIC, summary, route="solving")
    else:  # (a reason: what the step rests on is the text's, not derive's)
        ev = Evidence(Method.SYMBOLIC, summary, reason="context")
    return Result(result.claim, verdict, Method.SYMBOLIC, result.seconds, (Outcome(verdict, ev),))


def _side(tex: Any, table: SymbolTable) -> Any | None:
    """A side of a claim or a conclusion as a scalar sympy expression, or None."""
    import sympy  # noqa: PLC0415

    from derive.latex.parser import parse_latex  # noqa: PLC0415 - the parser imports the package

    if isinstance(tex, LatexSource):
        if tex.densities or tex.bound:
            return None
        tex = tex.text
    if not isinstance(tex, str) or not tex.strip() or len(tex) > _TEXT_LIMIT:
        return None
    try:
        e = parse_latex(tex, table)
    except _ERRORS:
        return None
    if not isinstance(e, sympy.Expr) or e.is_Matrix or e.atoms(sympy.MatrixSymbol):
        return None
    if sympy.count_ops(e) > _OPS_LIMIT or e.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        return None
    return e


def _decide(step: Step, found: list[Conclusion], refuted: bool) -> tuple[Verdict, str] | None:
    import sympy  # noqa: PLC0415

    from derive.latex.solving import _identity  # noqa: PLC0415

    table = SymbolTable(dict(step.claim.symbols))
    a, b = _side(step.claim.lhs, table), _side(step.claim.rhs, table)
    if a is None or b is None:
        return None
    diff = a - b
    values: dict[Any, Any] = {}
    used: list[Conclusion] = []
    for c in found:
        name = _side(c.lhs, table)
        if not isinstance(name, sympy.Symbol) or name not in diff.free_symbols or name in values:
            continue  # (\\pi = ... reads the constant: no name to substitute)
        value = _side(c.rhs, table)
        if value is None or name in value.free_symbols:
            continue
        values[name] = value
        used.append(c)
    if not used or _identity(diff) is not False:
        return None  # no conclusion names a value the step uses; or the step may hold on its own
    if _identity(diff.subs(values, simultaneous=True)) is not True:
        return None  # false (or not known) even with the text's values: the caller's answer stands
    given = " and ".join(f"{c.said}, as concluded at line {c.line}" for c in used)
    names = ", ".join(sorted(str(n) for n in values))
    why_not: list[str] = []
    proofs: list[str] = []
    for c in used:
        proof, why = _proved_there(step, c, table, diff.free_symbols | set(values.values()))
        if proof is None:
            why_not.append(f"{c.said} {why}")
        else:
            proofs.append(f"{c.said}, line {c.line}: {proof}")
    if not why_not:
        return Verdict.PROVED, (
            f"holds with {given} (substituted, lhs - rhs is exactly 0); "
            f"each follows from the statement it is concluded from ({'; '.join(proofs)})"
        )
    free = "it does not hold" if refuted else "derive did not find that it holds"
    return Verdict.UNDECIDED, (
        f"holds if {given} (substituted, lhs - rhs is exactly 0; with {names} free {free}): a conclusion is "
        f"not a definition, and derive did not take it as proved ({'; '.join(why_not)}); state it as a "
        "definition or an assumption to check the step with it"
    )


def _proved_there(step: Step, c: Conclusion, table: SymbolTable, known: set[Any]) -> tuple[str | None, str]:
    """(how conclusion ``c`` follows from the statement its arrow leads from, "") when derive proves it
    there, else (None, why not)."""
    from derive.latex.solving_context import conclusion_display  # noqa: PLC0415

    if not c.arrow:
        return _solved_before(step, c, table)
    found = conclusion_display(step.prose, c.lhs, c.rhs)
    if found is None:
        return None, "(derive did not find the display it is concluded in)"
    fragment, before, around, after = found
    if _CASE_WORDS.search(around) or _NEW_PART.search(after):
        return None, "(it may hold in a case or problem of its own: the words around it say so)"
    said_since = _said_since(after, c.lhs)
    if said_since is not None:
        return None, f"(the text says more of it since: {said_since})"
    if not _names_known([fragment.lhs_tex, fragment.rhs_tex, *before], table, known):
        return None, "(its statement uses names this step does not, whose kinds derive does not know here)"
    from derive.latex.solving import _SOME  # noqa: PLC0415

    decided = _alone(fragment, step)
    if decided is None:
        return None, "(derive could not check that it follows from the statement before its arrow)"
    detail = decided.detail or ""
    if decided.verdict is Verdict.PROVED:
        return detail, ""
    if decided.verdict is Verdict.REFUTED:
        return (
            None,
            f"(it does not follow from the statement before its arrow: {detail}; a step built on it is not "
            "right by it)",
        )
    if _SOME in detail:
        return None, "(it names one of the solutions of the statement before its arrow, not all of them)"
    return None, "(derive could not check that it follows from the statement before its arrow)"


def _solved_before(step: Step, c: Conclusion, table: SymbolTable) -> tuple[str | None, str]:
    """(how, "") when the value concluded in words is the only solution of the equation displayed right
    before it ("$$2\\lambda - 6 = 0$$ hence $$\\lambda = 3$$"), with no case word around; else (None, why not)."""
    import sympy  # noqa: PLC0415

    from derive.latex.solving import _identity, _opaque, _solutions, _zero  # noqa: PLC0415
    from derive.latex.solving_context import equation_before  # noqa: PLC0415

    no = "(it is concluded in words, from a statement derive does not check)"
    wrong = _wrong_in_words(step.prose, c)
    if wrong is not None:
        return None, f"(it is concluded in words, and {wrong}; a step built on it is not right by it)"
    members = equation_before(step.prose, c.lhs, c.rhs)
    if members is None or len(members) < 2:
        return None, no
    at = step.prose.rfind(c.rhs.strip())
    if _CASE_WORDS.search(step.prose[max(0, at - 400) :]) or _NEW_PART.search(step.prose[max(0, at) :]):
        return None, "(it may hold in a case or problem of its own: the words around it say so)"
    said_since = _said_since(step.prose[max(0, at) :], c.lhs)
    if said_since is not None:
        return None, f"(the text says more of it since: {said_since})"
    name, value = _side(c.lhs, table), _side(c.rhs, table)
    a, b = _side(members[0], table), _side(members[-1], table)
    if not isinstance(name, sympy.Symbol) or value is None or a is None or b is None:
        return None, no
    equation = a - b
    if name not in equation.free_symbols or name in value.free_symbols or _opaque(equation) or _opaque(value):
        return None, no
    said = " = ".join(m.strip() for m in members)
    if equation.free_symbols == {name} and not value.free_symbols:
        spec = table.spec_of(name)
        solved = _solutions(equation, name, spec.kind.base if spec is not None else "real")
        if solved is not None and len(solved[0]) == 1 and _zero(value - solved[0][0]) is True:
            return f"the only solution of {said}, displayed before it", ""
        lhs, rhs = _side(step.claim.lhs, table), _side(step.claim.rhs, table)
        if solved and solved[0] and lhs is not None and rhs is not None and (lhs - rhs).free_symbols <= {name}:
            roots = solved[0]
            if any(_zero(value - r) is True for r in roots) and all(
                _zero((lhs - rhs).subs(name, r)) is True for r in roots
            ):
                # x = 3 after x^2 - 9 = 0, then x^2 = 9: the step holds whichever root is meant
                shown = ", ".join(sympy.latex(r) for r in roots)
                return f"one of the solutions {shown} of {said}, displayed before it, and the step holds at each", ""
        return None, _not_solved(step, c, said)
    from derive.latex.results_roots import _chosen  # noqa: PLC0415

    # with letters: it solves the equation identically, and `_chosen` finds it the only solution (degree 1 in the
    # name, a coefficient that is a nonzero number or vanishes only where the value is undefined)
    if _identity(equation.subs(name, value)) is True and _chosen(step, c.lhs, c.rhs, c.line) is None:
        return f"the only solution of {said}, displayed before it", ""
    return None, _not_solved(step, c, said)


_OPENERS = re.compile(r"(?:\$\$|\\\[|\\begin\s*\{\s*(?:equation|align|gather)\*?\s*\}|\$)\s*$")


def _wrong_in_words(prose: str, c: Conclusion) -> str | None:
    """Why the value concluded in words does not satisfy what the sentence before its display says it was found
    by ("setting the derivative of $F$ to zero", `derive.latex.results_stationary`), or None."""
    from derive.latex.results_stationary import stationary_check  # noqa: PLC0415

    at = prose.rfind(c.rhs.strip())
    start = prose.rfind(c.lhs.strip(), 0, at) if at > 0 else -1
    if start <= 0:
        return None
    before = _OPENERS.sub("", prose[:start].rstrip())
    return stationary_check(before, c.lhs, c.rhs)


def _wrong_display(step: Step, result: Result) -> Result | None:
    """``step`` refuted when it displays a bare name's value (``\\theta = 2a``) right after words that say how the
    value was found ("setting the derivative of $F$ to zero, we get") and the value misses that at every exact point
    tried of the other names (`derive.latex.results_stationary`); None otherwise. A step read with definitions or a
    premise is left alone: a name given a value elsewhere (a = 0) may make it right."""
    from derive.latex.names import definition_target, mentions  # noqa: PLC0415
    from derive.latex.results_stationary import stationary_check  # noqa: PLC0415

    if step.uses or step.premise is not None or step.conditions or step.defined:
        return None
    lhs, rhs = step.lhs_tex.strip(), step.rhs_tex.strip()
    target = definition_target(lhs)
    if target is None or not target[1] or mentions(rhs, target[0]):
        return None
    before = step.prose.rstrip()
    if not before.endswith(lhs):
        return None
    why = stationary_check(_OPENERS.sub("", before[: -len(lhs)].rstrip()), lhs, rhs, everywhere=True)
    if why is None:
        return None
    ev = Evidence(Method.SYMBOLIC, f"{why}; the value is not what the text says it found", route="solving")
    return Result(result.claim, Verdict.REFUTED, Method.SYMBOLIC, result.seconds, (Outcome(Verdict.REFUTED, ev),))


def _not_solved(step: Step, c: Conclusion, said: str) -> str:
    """Why a value concluded in words right after equation ``said`` is not taken as its solution."""
    from derive.latex.results_roots import _chosen  # noqa: PLC0415

    why = _chosen(step, c.lhs, c.rhs, c.line)
    return f"({why})" if why else f"(derive did not show it is the only solution of {said}, displayed before it)"


#: Math in a text: display and inline (``$$..$$``, ``\\[..\\]``, environments, ``$..$``, ``\\(..\\)``).
_MATH = re.compile(
    r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\\begin\{(?:equation|align|gather|multline|eqnarray)\*?\}(.+?)"
    r"\\end\{(?:equation|align|gather|multline|eqnarray)\*?\}|\$(.+?)\$|\\\((.+?)\\\)",
    re.S,
)


def _said_since(text: str, lhs: str) -> str | None:
    """The first math in ``text`` (the words and displays between a conclusion and the step, the step's
    own display last) that mentions the concluded name, outside the step's display: "Let $\\lambda = 5$"
    may give it another value. None when none does (or the name is not read)."""
    from derive.latex.names import definition_target, mentions  # noqa: PLC0415

    target = definition_target(lhs)
    if target is None:
        return f"{lhs.strip()}, which derive does not read as a name"
    found = list(_MATH.finditer(text))
    for m in found:
        math = next(g for g in m.groups() if g is not None)
        if m.end() >= len(text.rstrip()) or math is None:
            continue  # (the step's own display, still open at the end of the prose, is not matched anyway)
        if mentions(math, target[0]):
            return math.strip()
    return None


def wrong_conclusion(step: Step) -> str | None:
    """Why the statement of the display right before ``step`` (`derive.latex.solving_context.previous_conclusion`),
    which an arrow concludes, is wrong: it does not follow from the statement that arrow leads from (derive
    refutes it there, read with the kinds ``step`` declares). None when it follows, or derive cannot tell."""
    from derive.latex.solving_context import previous_conclusion  # noqa: PLC0415

    fragment = previous_conclusion(step)
    if fragment is None:
        return None
    from derive.latex.solving import _SOME  # noqa: PLC0415

    decided = _alone(fragment, step)
    said = f"{fragment.lhs_tex.strip()} = {fragment.rhs_tex.strip()}"
    if decided is not None and decided.verdict is Verdict.REFUTED:
        return f"{said}, which the display before concludes, does not follow from its premise ({decided.detail})"
    if decided is not None and _SOME in (decided.detail or ""):
        # (x - 3)(x - 2) = 0 from x^2 - x - 6 = 0: it holds at x = 3 only, so as an equation it is not the premise's
        return (
            f"{said}, which the display before concludes, holds at some solutions of its premise only "
            f"({decided.detail})"
        )
    return None


def _alone(fragment: Step, step: Step) -> Result | None:
    """``fragment`` (a step read in its own display) decided as a row after its arrow, with ``step``'s kinds."""
    from derive.latex.solving import _solved  # noqa: PLC0415

    mine = replace(fragment, claim=replace(fragment.claim, symbols=tuple(sorted(dict(step.claim.symbols).items()))))
    ev = Evidence(Method.SYMBOLIC, "not checked", reason="context")
    blank = Result(mine.claim, Verdict.UNDECIDED, Method.SYMBOLIC, 0.0, (Outcome(Verdict.UNDECIDED, ev),))
    return _solved(mine, blank)


def _names_known(sides: list[str], table: SymbolTable, known: set[Any]) -> bool:
    """Whether every name of the conclusion's display up to it is one the step uses (its kind then comes
    from the step's declarations): a name declared only elsewhere (a matrix) is not read as a scalar."""
    allowed = {str(s) for k in known for s in k.free_symbols}
    for tex in sides:
        e = _side(tex, table)
        if e is None or not {str(s) for s in e.free_symbols} <= allowed:
            return False
    return True
