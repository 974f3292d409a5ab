"""Steps read in their document: premises solved, definitions answered, results settled.

`derive.latex.read_document` links each statement after an implication arrow to its premise
and marks definitions (`derive.latex.Step`); this module holds what depends on those links:
solving a premise while the document is read (`solve_premise`, cheap and complete or not at
all), the answer for a definition (`definition_result`, used instead of running its claim),
and `settle`, which reads a step's result in its document (a condition is not a wrong
identity; a conclusion of an unsolved premise is not refuted on its own).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from derive.errors import DeriveError
from derive.language.symbols import SymbolTable
from derive.latex.definitions_words import error_function_target
from derive.latex.expect_named import expectation_named, own_e_defined
from derive.latex.expect_usage import centred_names
from derive.latex.grammar_expressions import _read_name
from derive.latex.index_said import index_doubt
from derive.latex.names import _each_name, definition_target, identity_sizes, mentions, names_in
from derive.latex.norm_said import stated_norm_doubt
from derive.latex.parser import derivative_constants, name_of, parse_latex
from derive.latex.prob_entropy import ENTROPY_ROUTE
from derive.latex.prob_readings import probability_doubt
from derive.latex.prob_settle import settle_events
from derive.latex.ranges_unsampled import range_unsampled
from derive.latex.readings import ambiguous_readings, notation_readings
from derive.latex.refutation import unsupported
from derive.latex.shapes import not_a_scalar, scalar_reading
from derive.latex.solving import follows
from derive.latex.structure_defs import TUPLE_MARK
from derive.latex.sums_unbounded import value_sum_doubt
from derive.latex.tokens import _ACCENTS, _FONTS, _GREEK, _tokenize
from derive.model import Evidence, Method, Outcome, Relation, Result, Verdict
from derive.tiers.numeric import POSITIVE_BY_NAME

if TYPE_CHECKING:
    from derive.latex.records import Step


def value_tex(value: Any) -> str:
    import sympy  # noqa: PLC0415 - only when a premise was solved

    return sympy.latex(value)


_SOLVE_LIMIT = 600  # characters of a premise read while reading the document
_OPS_LIMIT = 200


def solve_premise(premise: Step, sides: tuple[str, str]) -> str | tuple[str, list[Any]] | None:
    """Solve the equation a premise states, cheaply and completely, or say it cannot.

    Returns ``""`` when the premise has no free symbols (nothing to solve: the conclusion
    is checked on its own), ``(name, roots)`` when it is a polynomial equation of degree 1
    or 2 with number coefficients in one scalar symbol (every real root that respects the
    symbol's kind), and None otherwise: a partial solution set would let a conclusion be
    "proved" from some of the premise's solutions only, so nothing else is attempted.
    """
    import sympy  # noqa: PLC0415 - the reader stays light until a premise needs solving
    from sympy.core.function import AppliedUndef  # noqa: PLC0415

    lhs, rhs = sides
    if premise.error is not None or premise.relation is not Relation.EQ or not lhs:
        return None
    if len(lhs) + len(rhs) > _SOLVE_LIMIT:
        return None
    try:
        table = SymbolTable(dict(premise.claim.symbols))
        a, b = parse_latex(lhs, table), parse_latex(rhs, table)
        if isinstance(a, (sympy.MatrixBase, sympy.MatrixExpr)) or isinstance(b, (sympy.MatrixBase, sympy.MatrixExpr)):
            return None
        e = sympy.sympify(a - b, strict=True)
        if sympy.count_ops(e) > _OPS_LIMIT:
            return None
        derivatives = e.atoms(sympy.Derivative)
        if derivatives and all(_cheap_derivative(d) for d in derivatives) and not e.atoms(AppliedUndef):
            e = e.doit()
        if e.atoms(AppliedUndef):
            return None  # a condition on unknown functions (p(x), D(x)): nothing derive can solve
        if not e.free_symbols:
            return ""
        if e.has(sympy.Integral, sympy.Sum, sympy.Product, sympy.Limit, sympy.Derivative):
            return None
        for sym in sorted(e.free_symbols, key=str):
            spec = table.spec_of(sym) if isinstance(sym, sympy.Symbol) else None
            if spec is None or spec.kind.is_matrix:
                continue
            poly = e.as_poly(sym)
            if poly is None or poly.degree() not in (1, 2):
                continue
            coeffs = poly.all_coeffs()
            if not all(c.is_number and c.is_real for c in coeffs):
                continue
            if poly.degree() == 1:
                roots = [-coeffs[1] / coeffs[0]]
            else:
                qa, qb, qc = coeffs
                disc = qb**2 - 4 * qa * qc
                if disc.is_negative:
                    return None  # no real solution: the premise never holds
                roots = sorted({(-qb - sympy.sqrt(disc)) / (2 * qa), (-qb + sympy.sqrt(disc)) / (2 * qa)}, key=float)
            from derive.tiers.sampling import allows  # noqa: PLC0415 - numpy only when a premise is solved

            roots = [r for r in roots if allows(spec.kind.base, r)]
            return (spec.name, roots) if roots and all(_round_trips(r) for r in roots) else None
    except (DeriveError, RecursionError, MemoryError, TypeError, ValueError, AttributeError, NotImplementedError):
        return None
    return None


#: The note of a row checked against the row before (`row_ratio`); `settle` reads it.
ROW_BEFORE = "follows from the row before"
#: The note of a display equation that states a defined name again (``\\mu_1 = ...`` twice): a claim
#: that it agrees with the definition; refuted, the text may define the name anew (`settle`).
RESTATES = "states again "
#: The condition of a strict inequality whose names the text says differ (`settle`: not refuted at equality).
DISTINCT = "the text says these differ: "
#: The note of a step read with an opaque atom replaced by the formula the text stated for it
#: (`derive.latex.model_statements`); `settle` never refutes on it.
MODEL_NOTE = "the model statement "


def row_ratio(before: str, this: str, symbols: dict[str, str]) -> str | None:
    """The factor r, as LaTeX, with ``this = r * before`` where both are the differences lhs - rhs of
    two equation rows (definitions applied), when r is finite and nonzero wherever the names' kinds allow (a
    number, ``v^2`` with v positive): then either row holds exactly where the other does, so the
    row follows from the row before (``2 m_1 = x - m_2`` to ``4 m_1 = 2x - 2 m_2``; multiplying by
    ``v^2``). None when no such factor is found cheaply (the row may still follow in another way)."""
    import sympy  # noqa: PLC0415

    if len(before) + len(this) > 2 * _SOLVE_LIMIT:
        return None
    try:
        table = SymbolTable(dict(symbols))
        a, b = parse_latex(this, table), parse_latex(before, table)
        if not isinstance(a, sympy.Expr) or not isinstance(b, sympy.Expr) or a.is_Matrix or b.is_Matrix:
            return None
        if sympy.count_ops(a) > _OPS_LIMIT or sympy.count_ops(b) > _OPS_LIMIT or b == 0 or a == 0:
            return None
        r = sympy.cancel(sympy.together(a / b))
        if r.has(sympy.nan, sympy.zoo, sympy.oo, sympy.Integral, sympy.Derivative, sympy.Limit):
            return None
        if r.is_nonzero is not True or r.is_finite is not True:
            return None  # 1/(x - 1) from x(x - 1) = 0 to x = 0: a pole at a root of the row before
        if r.free_symbols and r.has(sympy.Sum, sympy.Product):
            return None  # a factor that is a sum may vanish
        shown = value_tex(r)
        if sympy.simplify(parse_latex(shown, table) - r) != 0:
            return None
        return shown
    except (DeriveError, RecursionError, MemoryError, TypeError, ValueError, AttributeError, NotImplementedError):
        return None


def _cheap_derivative(d: Any) -> bool:
    """A derivative of a small polynomial (``\\partial xy / \\partial x``): safe to compute while reading."""
    return d.derivative_count <= 3 and d.expr.is_polynomial(*d.free_symbols) and d.expr.count_ops() <= 40


def _round_trips(value: Any) -> bool:
    import sympy  # noqa: PLC0415

    try:
        back = parse_latex(value_tex(value), SymbolTable())
    except DeriveError:
        return False
    return sympy.simplify(back - value) == 0


def definition_result(step: Step) -> Result | None:
    """The answer for a definition step (nothing to check), or None for any other step.

    Call it before running a step's claim: a definition is ``undecided`` with method
    ``none`` and says what it defines, never ``refuted`` for not being an identity.
    """
    if step.unchecked and step.error is None:
        ev = Evidence(Method.NONE, step.unchecked, reason="unchecked")
        return Result(step.claim, Verdict.UNDECIDED, Method.NONE, 0.0, (Outcome(Verdict.UNDECIDED, ev),))
    if step.kind != "definition" or step.error is not None:
        return None
    summary = f"defines {step.defines} (a definition, not a claim to check)"
    ev = Evidence(Method.NONE, summary, reason="definition")
    return Result(step.claim, Verdict.UNDECIDED, Method.NONE, 0.0, (Outcome(Verdict.UNDECIDED, ev),))


def settle(step: Step, result: Result) -> Result:
    """Read a step's result in its document: shapes, premises, conclusions and defined names.

    - a step that transposes names none of which is declared as a vector or matrix was
      read with scalars (`scalar_reading`): whatever it gave there, it is ``undecided``;
    - a step whose notation has another plausible reading (``K(\\sigma)``: K·σ or a function
      K of σ; ``E(\\mathbf{w})``: an expectation or a function E) is ``undecided``, naming the
      readings and the declaration that settles them (`_readings`);
    - notation with two readings that no kind settles (``x^{(1)}``, ``\\sigma^{-1}(a)``, ``1/2x``, a bare
      ``i``, ``\\log`` before several factors) is ``undecided``, naming them (`notation_readings`);
    - a step that uses a name the text defines right after its block is ``undecided``, proved or
      refuted (`_defined_after`); so is one "equal up to ``+ \\mathrm{const}``" that could not be
      checked as such (`_additive_constant`);
    - a step whose derivatives treat an undeclared name as constant in their variable
      (``y_{nk}`` in ∂/∂w) is ``undecided``, naming it (`_constants_assumed`);
    - a step refuted at a point that sets the size k of an identity ``I_k`` that is not
      declared is ``undecided``: derive cannot know which matrices are k x k;
    - a conclusion whose premise could not be solved, refuted at a point on its own, is ``undecided``
      ("does not hold as an identity; may hold under the premise"); one whose difference is a
      nonzero constant stays refuted (no value of the variables makes it hold);
    - a premise (an arrow follows) refuted at a point with free symbols is a condition, an
      equation to solve, not an identity: ``undecided``;
    - a step after an annotation (``\\quad \\text{for } x > 0``) refuted at a point may be a
      condition: ``undecided`` (one refuted without a point, ``5 \\times 5 = 24``, stays refuted);
    - an arrow's conclusion refuted on its own when the arrow leads from something derive
      could not read (``\\begin{cases}...\\end{cases} \\implies x = 1``) is ``undecided``;
    - a step refuted at a point that gives a value to a name the prose bounds by a range no kind
      states (``$y \\in \\{a, b\\}$``), or states a condition on (``If $\\hat y = y$``), is ``undecided``;
      one checked "up to an additive constant" and refuted is ``undecided`` (constant in some names only?);
    - a step refuted at a point that gives a value to a name the document defined earlier
      (more than once, so not substituted), or that the prose defines right after the step's
      block ("where $z = Wx$"), is ``undecided``: that name is not free;
    - a refutation a real document does not support (a value for a lone name, a number rounded
      to the decimals written, a ``\\log`` that holds in base 2 or 10, a discrete density off its
      support, a shape guessed for undeclared names) is ``undecided``
      (`derive.latex.refutation.unsupported`);
    - otherwise the verdict stands, and the evidence says which definitions, values and
      premise the step was read under.
    """
    if result.claim is not step.claim and result.claim != step.claim:
        return result
    solved = follows(step, result)  # a row after an arrow, decided as a consequence of its premise
    if solved is not None:
        result = solved  # and read in its document like any result (readings, shapes, premises)
    if result.verdict is Verdict.ERROR:
        unread = _unread_definition(step, result)
        if unread is not None:
            return _undecided(result, unread)
    result = settle_events(step, result, step.prose)  # the probability atom model's verdicts, read in the text
    decided = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT, Verdict.REFUTED)
    shapes = scalar_reading(step) if result.verdict in decided else None
    doubt = None
    if shapes is None and result.verdict in decided:
        doubt = (
            (None if _read_as_entropy(result) else _readings(step, result))
            or _constants_assumed(step)
            or _defined_after(step)
            or _additive_constant(step)
            or not_a_scalar(step)
            or _defined_transposed(step, result)
            or _joint_unstated(step)
            or probability_doubt(step, result, step.prose)
            or _positive_by_name(step, result)
            or index_doubt(step)
            or range_unsampled(step, result)
            or stated_norm_doubt(step, result)
            or value_sum_doubt(step, result)
        )
    if doubt is not None:
        return _undecided(result, f"{doubt} (where the step is {result.verdict.value})")
    if shapes is not None:
        why = (
            f"{shapes} is transposed but not declared as a vector or matrix, so derive read it as a scalar "
            f"(where the step is {result.verdict.value}); declare its shape (front matter or --symbols) to check "
            "the step as written"
        )
        return _undecided(result, why)
    ev = result.evidence
    if result.verdict is Verdict.REFUTED and ev is not None:
        why = _why_not_refuted(step, ev) or unsupported(step, result) or _model_refutation(step)
        if why is not None:
            # a condition is no claim: its "counterexample" would read as a refutation (issue 17)
            return _undecided(result, why, alone=why in _CONDITION_WHY)
    if getattr(step, "proportional_in", "") and result.outcomes and result.verdict in decided:
        v = step.proportional_in
        said = (
            f"not proportional in {v}: lhs/rhs depends on {v}"
            if result.verdict is Verdict.REFUTED
            else f"proportional in {v}: lhs/rhs does not depend on {v} and is positive"
        )
        last = result.outcomes[-1]
        note = replace(last.evidence, summary=f"{said} ({last.evidence.summary})")
        result = Result(
            result.claim,
            result.verdict,
            result.method,
            result.seconds,
            (*result.outcomes[:-1], Outcome(last.verdict, note)),
        )
    if step.uses and result.outcomes:
        last = result.outcomes[-1]
        used = "; ".join(step.uses)
        summary = f"{last.evidence.summary} (read with {used})"
        outcomes = (*result.outcomes[:-1], Outcome(last.verdict, replace(last.evidence, summary=summary)))
        return Result(result.claim, result.verdict, result.method, result.seconds, outcomes)
    return result


def _model_refutation(step: Step) -> str | None:
    """Why a step refuted with a model statement read in (`MODEL_NOTE`) is only undecided: the model may hold only
    where the text means it (a probability's parameter in [0, 1], counts that are natural numbers, another density
    of the same name), which derive does not know; a proof through it holds for every value."""
    used = [n[len(MODEL_NOTE) :] for n in step.uses if n.startswith(MODEL_NOTE)]
    if not used:
        return None
    return (
        f"refuted only with the model statement {'; '.join(used)} read in; the model may restrict its names "
        "(a probability's parameter in [0, 1], counts), which derive does not know, so it does not refute on it"
    )


def _defined_after(step: Step) -> str | None:
    """Why a step is not decided with a name free that the text defines right after its block
    ("$$\\frac{d}{dx}(x z) = z$$ where $z = x^2$"): proved or refuted with z free, it says nothing
    about the z meant."""
    if not step.defined_after:
        return None
    from derive.latex.names import names_in  # noqa: PLC0415

    used: set[str] = set()
    for tex in (step.lhs_tex, step.rhs_tex):
        found = names_in(tex)
        if found is None:
            used |= set(step.defined_after)  # cannot list its names: assume the worst
            continue
        used |= set(found[0])
        used |= {n for n in step.defined_after if n.split("_", 1)[0] in found[1]}
    which = sorted(used & set(step.defined_after))
    if not which:
        return None
    names = ", ".join(which)
    return (
        f"the step uses {names} free, but the text defines {names} right after this block (derive reads a "
        "definition only for the steps after it); move the definition before the step to check it"
    )


def _unread_definition(step: Step, result: Result) -> str | None:
    """Why a step that could not be read is only undecided: what failed is not in the step as written
    but in a definition it was read under (``X := (x_1, \\ldots, x_N)``) or the first statement of a
    name it states again."""
    if not step.uses:
        return None
    detail = result.detail or ""
    m = re.search(r"cannot read LaTeX (['\"])(?P<fragment>.*?)\1: ", detail, re.DOTALL)
    if m is None:
        return None
    fragment = "".join(m.group("fragment").replace("\\\\", "\\").split())
    written = "".join(f"{step.lhs_tex} {step.rhs_tex}".split())
    if not fragment or fragment in written:
        return None
    for note in step.uses:
        if " := " not in note:
            continue
        written_rhs = note.split(" := ", 1)[1].rsplit(" (line ", 1)[0]
        rhs = "".join(written_rhs.split())
        if fragment in rhs or (_applied_function(note) and not _readable(written_rhs, step)):
            # (a function's body stands in the step renamed and wrapped, so the fragment need not be part of
            # it: the body is read alone instead)
            return f"what cannot be read is in the definition {note} this step is read under, not in the step"
    return None


def _applied_function(note: str) -> bool:
    """Whether a note of what a step is read under is a function's definition (``f(x) := ...``)."""
    lhs = note.split(" := ", 1)[0]
    return "(" in lhs and lhs.rstrip().endswith(")")


def _readable(tex: str, step: Step) -> bool:
    """Whether ``tex`` reads on its own with the step's declarations."""
    try:
        parse_latex(tex, SymbolTable(dict(step.claim.symbols)))
    except (DeriveError, RecursionError, MemoryError, TypeError, ValueError, AttributeError, NotImplementedError):
        return False
    return True


def _against_its_text(step: Step, ev: Evidence) -> str | None:
    """Why a refutation checked what the text does not claim: a strict inequality at equality the text
    excludes, a name stated again that the text may define anew, a row checked as a multiple of the row before."""
    why = None
    restated = next((u for u in step.uses if u.startswith(RESTATES)), None)
    distinct = [c[len(DISTINCT) :] for c in step.conditions if c.startswith(DISTINCT)]
    if distinct and ev.summary.startswith("equality (strict"):
        why = (
            "the strict inequality fails only where values are equal, which the text excludes "
            f"({'; '.join(distinct)}); derive cannot sample values that differ: not refuted"
        )
    elif restated is not None:
        said = restated[len(RESTATES) :].rsplit(": checked against", 1)[0]
        name = said.split(", defined at line", 1)[0]
        why = (
            f"it disagrees with the definition of {said}, but the text may define {name} anew here (a new "
            "part or case); write 'let' or := for a new definition, or another name, to have it checked"
        )
    elif any(PREMISE_DEFINES in u for u in step.uses):
        said = next(u for u in step.uses if PREMISE_DEFINES in u)
        why = (
            f"it disagrees with {said}; the premise may be what is wrong (it is checked on its own), and the "
            "function it names may be another one: not refuted"
        )
    elif any(u.startswith(ROW_BEFORE) for u in step.uses):
        why = (
            "checked as a multiple of the row before, which the counterexample shows it is not; it may still "
            "follow from that row (or the rows before) in another way: not refuted"
        )
    return why


#: The name of a vector written as a list, in what a step is read with (`derive.latex.structure_defs`).
_LISTED = re.compile(r"(?:^|read as )([A-Za-z]\w*): ")


def _why_not_refuted(step: Step, ev: Evidence) -> str | None:
    """Why a refutation does not stand in the step's document (see `settle`), or None."""
    point = ev.counterexample.values if ev.counterexample is not None else ()
    names = {name.split("[", 1)[0] for name, _ in point}
    why = None
    declared = {name for name, _ in step.claim.symbols}
    undeclared = _undeclared_names(step, declared)
    reserved = step.lhs_tex.strip() in _RESERVED_TEX
    sizes = sorted((identity_sizes(step.lhs_tex) | identity_sizes(step.rhs_tex)) & names - declared)
    why = _against_its_text(step, ev)
    if why is not None:
        return why
    if step.up_to_constant:
        why = (
            f"the difference without {step.up_to_constant} is not the same at every point, so it is not constant "
            "in every name of the step; it may still be constant in the variables meant (up to a constant in "
            "theta, not in the data): declare the others as values or write the constant out"
        )
    elif ev.summary.startswith("shapes differ") and any(TUPLE_MARK in used for used in step.uses):
        which = next(m.group(1) for used in step.uses if (m := _LISTED.search(used)) and TUPLE_MARK in used)
        why = (
            f"the shapes differ, but the text writes {which} as a list, which derive read as a column; as a row the "
            f"shapes may fit: declare its shape (e.g. `{which}: vector 3`) to check this step"
        )
    elif ev.summary.startswith("shapes differ") and undeclared:
        why = (
            f"the shapes differ, but {', '.join(sorted(undeclared))} is not declared, so derive read it as a "
            "scalar; declare its shape (or write I_2 for an identity) to check this step"
        )
    elif "I" in names and "I" not in declared and any(" matrix" in kind for _, kind in step.claim.symbols):
        why = (
            "the counterexample gives a value to I, which is not declared: next to matrices it is probably the "
            "identity; write I_2 (of the right size) or declare I to check this step"
        )
    elif reserved and point:
        name = step.lhs_tex.strip()
        why = (
            f"{name} is read as {_RESERVED_TEX[name]}, but this step looks like it defines it; rename it or "
            "declare it (front matter) to check the step"
        )
    elif sizes:
        which = ", ".join(sizes)
        why = (
            f"the counterexample sets {which}, the size of an identity matrix I_{sizes[0]}, but derive does not "
            "know which matrices have that size (declare them, e.g. with --symbols, to check this step)"
        )
    elif _constrained(names, tuple(name for name, _ in step.ranges)):
        which = _constrained(names, tuple(name for name, _ in step.ranges))
        said = "; ".join(
            where for name, where in step.ranges if name in which or name in {n.split("_", 1)[0] for n in which}
        )
        why = (
            f"the counterexample gives {', '.join(which)} a value, but the text states a range for it ({said}) "
            "that derive cannot sample; declare its kind (front matter or --symbols) to check the step"
        )
    elif step.premise is not None and step.premise_solution is None and point:
        # (refuted without a point, lhs - rhs is a nonzero constant: no premise on the variables helps)
        why = "does not hold as an identity; may hold under the premise, which derive could not solve"
    elif step.annotated and point:
        why = (
            "it may be a condition, a justification or part of a longer expression rather than a claim: it "
            'follows an annotation (\\text{...}, \\quad: "for x > 0") or a case, is one of several equations '
            "in one display (often a system to solve), or meets a row break that has two readings (x = a \\\\ - b "
            "= c: one expression or two equations); not refuted at a point on its own"
        )
    elif step.unread_premise:
        why = "does not hold as an identity; may hold under what the arrow leads from, which derive could not read"
    elif step.condition and point and not step.premise_solution:
        why = _CONDITION_WHY[0] if step.relation is Relation.EQ else _CONDITION_WHY[1]
    elif names & set(step.defined_after):
        which = ", ".join(sorted(names & set(step.defined_after)))
        why = (
            f"does not hold with {which} free, but the text defines {which} right after this block (derive "
            "reads a definition only for the steps after it); move the definition before the step to check it"
        )
    elif _constrained(names, step.defined) and step.conditions:
        which = ", ".join(_constrained(names, step.defined))
        why = (
            f"does not hold with {which} free, but {which} is defined earlier or the text states a condition "
            f"on it ({'; '.join(step.conditions)}), which may be the case meant here; state the step's "
            "assumptions (front matter, or a definition without if/when) to check it"
        )
    elif names & set(step.defined):
        which = ", ".join(sorted(names & set(step.defined)))
        why = (
            f"does not hold with {which} free, but the document defines {which} earlier (more than once, or as "
            "a number in the prose, so derive does not substitute it)"
        )
    return why


#: ``+ \\mathrm{const}``, ``+ C``, ``- \\text{const.}``: a term that says "up to an additive constant".
_CONST_TERM = re.compile(
    r"(?:^|[+\-])\s*(?P<c>\\(?:mathrm|text|textrm|operatorname|mathit)\s*\{\s*(?:const(?:ant)?|cst)\.?\s*\}"
    r"|const(?:ant)?)\s*(?=$|[+\-])"
    # "+ C" only as the last term: c - 1 = a is about a name c; C', C'', C_1, C_{0} after an integration too
    r"|[+\-]\s*(?P<letter>(?:C|c)(?:'{1,2}|\^\s*\{?\s*\\prime\s*\}?|_\s*\{?\s*[0-9]\s*\}?)?)\s*$"
    r"|^\s*(?P<first>C)\s*(?=[+\-])"  # "C + x": a capital C as the first term too
)


def additive_constant(lhs: str, rhs: str, settled: set[str]) -> tuple[str, str, str] | None:
    """The "+ \\mathrm{const}" idiom in a step: (the constant as written, "lhs" or "rhs", that side
    without it), or None. The constant is a term on one side only, written once, and not a name
    the document ``settled`` (declared, random or defined)."""
    for where, side, other in (("lhs", lhs.strip(), rhs), ("rhs", rhs.strip(), lhs)):
        m = _CONST_TERM.search(side)
        if m is None:
            continue
        word = m.group("c") or m.group("letter") or m.group("first")
        letter = m.group("letter") or m.group("first")
        try:
            name = name_of(letter) if letter else "const"
        except DeriveError:
            continue
        if name in settled or (letter or "")[:1] in settled:
            continue  # a name the document settles (C, or the C of C_1), not the idiom
        if ("const" in other) if name == "const" else mentions(other, name):
            continue  # on both sides: an ordinary name
        alone = re.compile(r"(?<![A-Za-z\\])" + re.escape(letter[:1] if letter else name) + r"(?![A-Za-z])")
        if len(alone.findall(side)) != 1:
            continue  # x + C - C, C_1 x + C_2: an ordinary name, used more than once
        without = (side[: m.start()] + (" + " if m.start() and m.end() < len(side) else " ") + side[m.end() :]).strip()
        return word, where, without or "0"
    return None


def _constrained(names: set[str], defined: tuple[str, ...]) -> list[str]:
    """The point's names the text defines or states a condition on: by name, by the name they are
    entries of (``pi_1`` of a condition on ``\\pi_k``), or any (``*``: a condition whose names
    could not be listed)."""
    said = set(defined)
    # a family (mu_j, N_k: one letter after its name) says the same of each entry (mu_1, N_2)
    families = {s.split("_", 1)[0] for s in said if re.fullmatch(r"[A-Za-z]+_[A-Za-z]", s)}
    return sorted(n for n in names if "*" in said or n in said or n.split("_", 1)[0] in said | families)


def _additive_constant(step: Step) -> str | None:
    """Why a step written "up to an additive constant" (``\\log p(x) = -\\frac{x^2}{2} + \\mathrm{const}``)
    is not decided: the constant is undeclared and on one side only, so refuting by choosing its
    value, or reading it as a variable, says nothing about the claim meant. A step checked as
    "the difference without it is constant" (`Step.up_to_constant`) is read in `settle` instead."""
    if step.up_to_constant:
        return None
    settled = {name for name, _ in step.claim.symbols} | {name for name, _ in step.claim.random} | set(step.defined)
    settled |= {used.split(":=", 1)[0].strip() for used in step.uses if ":=" in used}
    found = additive_constant(step.lhs_tex, step.rhs_tex, settled)
    if found is None:
        return None
    return (
        f"{found[0]} on one side only reads as 'equal up to an additive constant', and derive could not check "
        "that the difference of the other terms depends on no variable (binders, shapes or a premise in the "
        "step); write the constant out, or declare it (symbols:) to check the step with it as a variable"
    )


_CONDITION_WHY = (
    "a condition (equation to solve), not an identity",
    "a condition (an assumption for what follows), not a claim",
)


def _joint_unstated(step: Step) -> str | None:
    """Why a step through two random variables whose laws the prose gives one by one says nothing:
    derive draws them independently, and the text never says they are (Var(x + y) = Var x + Var y
    holds only then)."""
    names = step.joint_unstated
    if len(names) < 2:
        return None
    listed = ", ".join(names)
    return (
        f"the text gives {listed} a law each but never says they are independent, and derive draws them "
        "independently; say so in the text (independent, i.i.d.) or declare them under random: to check the step"
    )


_TRANSPOSE_MARK = re.compile(r"\^\s*(?:\{\s*(?:T|\\top|\\intercal)\s*\}|T(?![A-Za-z])|\\top|\\intercal)")
_USE = re.compile(r"^(?P<name>.+?) := (?P<body>.*) \(line \d+\)$", re.DOTALL)
#: The identity of a size a shape reading writes for an undeclared I (`derive.latex.shapes._with_identity`).
_IDENTITY_READ = re.compile(r"(?<![A-Za-z\\])I_\{\d+\}")


def _defined_transposed(step: Step, result: Result) -> str | None:
    """Why a step that transposes or inverts a defined name (``M^{-1}`` after ``M := BC``) is not decided when the
    body's names are not declared: derive read them as scalars, which commute and are symmetric, but the text
    may mean matrices (``(BC)^{-1} = B^{-1} C^{-1}`` holds for scalars only). None when the shapes were tried."""
    if "shape" in result.evidence.summary:
        return None
    texts = " ".join(str(getattr(side, "text", side)) for side in (step.claim.lhs, step.claim.rhs))
    declared = {name for name, _ in step.claim.symbols} | {name for name, _ in step.claim.random}
    for used in step.uses:
        m = _USE.match(used)
        if m is None:
            continue
        written = re.escape(m.group("name").strip())
        if re.search(rf"(?<![A-Za-z\\]){written}\s*\^\s*\{{?\s*(?:-\s*1|-?\s*\\top|T|\\intercal)", texts) is None:
            continue
        found = names_in(_TRANSPOSE_MARK.sub(" ", m.group("body")))
        # capitals (B, \\Sigma) are the names a text writes matrices with; a lowercase a := b + c is a number
        loose = sorted(n for n in set(found[0]) - declared if n[:1].isupper()) if found is not None else ["*"]
        if "I" in loose and _IDENTITY_READ.search(texts):
            loose.remove("I")  # a shape reading made the undeclared I the identity (I_{2}): it commutes, symmetric
        if loose:
            return (
                f"{m.group('name').strip()} := {m.group('body').strip()} is transposed or inverted here, and "
                f"{', '.join(loose)} {'is' if len(loose) == 1 else 'are'} not declared: as matrices they need not "
                "commute or be symmetric; declare their shapes (front matter or --symbols) to check the step"
            )
    return None


def _undecided(result: Result, why: str, alone: bool = False) -> Result:
    """``result`` made undecided for ``why``; ``alone``: the tiers' evidence is not shown with it."""
    note = Evidence(result.method, why, reason="context")
    outcomes = (*(() if alone else result.outcomes), Outcome(Verdict.UNDECIDED, note))
    return Result(result.claim, Verdict.UNDECIDED, result.method, result.seconds, outcomes)


#: The evidence of the every-function check when it took functions positive by their names (numeric tier).
_POSITIVE_BY_NAME = re.compile(r"; ([\w, ]+) " + re.escape(POSITIVE_BY_NAME))
#: What the prose may call such a name that allows a value <= 0: then the density reading is not plausible.
_NOT_A_DENSITY = re.compile(
    r"polynomial|loss|cost|error|energy|score|real[- ]valued|real function|negative|any sign|arbitrary|"
    r"any (?:smooth |differentiable |real )?function|not (?:a |necessarily )?(?:density|probability|positive)",
    re.IGNORECASE,
)


#: A role the prose gives a name ("$p(x)$ is the residual", "denotes the logit", "be a signed measure").
_ROLE = re.compile(
    r"\$\s*(?:is|are|be|denotes?|as|means?)\s+(?:the|a|an|its|our)?\s*([A-Za-z][A-Za-z-]*)", re.IGNORECASE
)
#: The roles under which a name is a density or likelihood (positive), and adjectives such a role may start with.
_DENSITY_ROLES = frozenset(
    {
    "density", "densities", "likelihood", "probability", "probabilities", "distribution", "distributions", "pdf",
    "pmf", "law", "prior", "posterior", "mass", "conditional", "joint", "marginal", "predictive", "true", "model",
    "class", "gaussian", "normal", "bernoulli", "categorical", "multinomial", "poisson", "exponential", "beta",
    "gamma", "dirichlet", "mixture", "positive", "variational", "approximate", "unnormalised", "unnormalized",
    }
)  # fmt: skip


def _other_role(sentence: str) -> bool:
    """Whether the sentence gives a name in its math a role that is not a density's or likelihood's (the
    residual, a logit, a signed measure, the log-likelihood): positivity by the name is then no reading of the
    text (ATK A11)."""
    return any(m.group(1).lower() not in _DENSITY_ROLES for m in _ROLE.finditer(sentence))


def _positive_by_name(step: Step, result: Result) -> str | None:
    """Why an acceptance that took p, P, q, L or N positive by its name (a density or likelihood under a log)
    does not stand: the prose says something of that name that allows values <= 0 (a polynomial, a loss,
    "may be negative"), so the density reading is not the only plausible one (attacker K18)."""
    names = [
        n.strip()
        for o in result.outcomes
        for m in [_POSITIVE_BY_NAME.search(o.evidence.summary or "")]
        if m
        for n in m.group(1).split(",")
    ]
    if not names or not step.prose:
        return None
    for sentence in re.split(r"(?<=[.!?])\s+|\n\s*\n", step.prose[-20000:]):
        said = [
            n for n in names if re.search(r"\$[^$]*(?<![A-Za-z\\])" + re.escape(n) + r"(?![A-Za-z])[^$]*\$", sentence)
        ]
        if said and (_NOT_A_DENSITY.search(sentence) or _other_role(sentence)):
            listed = ", ".join(said)
            return (
                f"the step holds for {listed} positive (read as a density or likelihood under the log), but the "
                f'text says of {listed}: "{" ".join(sentence.split())[:120]}", which allows values <= 0; '
                f"say so in the text if {listed} is a density or likelihood"
            )
    return None


def _read_as_entropy(result: Result) -> bool:
    """Whether the entropy calculus (`derive.latex.prob_entropy`) proved the step: it read H as the entropy a
    sentence of the prose names (quoted in its evidence), and its normal form admits no name outside an
    H(...), so ``H(X)`` as H times X is no reading of the text left to doubt."""
    return any(o.evidence is not None and o.evidence.route == ENTROPY_ROUTE for o in result.outcomes)


def _readings(step: Step, result: Result | None = None) -> str | None:
    """Why the step's verdict rests on one reading of notation that has another (``K(\\sigma)``:
    K·σ or a function K of σ; ``E(\\mathbf{w})``: an expectation or a function E), or None.

    ``E(x_0)`` read either way is one opaque value of x_0: a proof that never looked inside it (lhs - rhs simplifies
    to 0 with E(...) an atom, ``-2 \\times 0 \\times E(x_0)``) holds under both, so that doubt alone does not stand."""
    known = {name for name, _ in step.claim.symbols} | set(step.functions) | set(step.defined)
    for used in step.uses:  # "\\hat y := \\sigma(a) (line 3)": a defined name
        if ":=" in used:
            try:
                known.add(name_of(used.split(":=", 1)[0]))
            except DeriveError:
                continue
    texts = [str(getattr(side, "text", side)) for side in (step.claim.lhs, step.claim.rhs)]
    # a name the step centres by its own expectation (X - E(X)) is random by the step's own usage
    random = {name for name, _ in step.claim.random} | centred_names(texts)
    found: dict[str, str] = {}  # what is said -> the name
    quantities = {name for name, _ in step.claim.symbols} - set(step.functions)
    if "E" not in known and own_e_defined(step.prose):
        known.add("E")  # E(w) = (w - 3)^2 / 2 before, a definition or not: a plain E[...] may be that E (K33)
    meant = None  # every known name may mean what the text gives it
    if "E" in known and "E" not in quantities | set(step.functions) and expectation_named(step.prose):
        meant = known - {"E"}  # the text names its E the expectation: its definitions define that one
    for text in texts:
        for name, said in ambiguous_readings(text, known, random, meant):
            found.setdefault(said, name)
    # read together: σ applied on one side and bare on the other is one ambiguity
    other = notation_readings(" = ".join(texts), quantities)
    if other:
        return f"derive reads notation here one way, but {'; '.join(other)}, to settle"
    if found and result is not None and _opaque_either_way(found, result, step):
        return None
    if not found:
        return None
    names = sorted(set(found.values()))
    listed = ", ".join(names)
    hint = f"declare `functions: [{listed}]` (a function) or its kind under symbols: (a factor, e.g. {names[0]}: real)"
    if names == ["E"]:
        hint = "declare `functions: [E]` (a function) or the random variables (random:) for an expectation"
    return f"derive reads notation here one way, but {'; '.join(found)}; {hint} to settle"


#: What `derive.latex.readings` says of an E(...) of nothing random: an expectation or a function E of it.
_EXPECTATION_OR_FUNCTION = "may be an expectation or a function E of"


def _opaque_either_way(found: dict[str, str], result: Result, step: Step) -> bool:
    """Whether every doubt in ``found`` is E(...) as an expectation or a function E, and the step is proved with each
    E(...) an opaque atom (lhs - rhs simplifies to 0: no linearity, no law, nothing random): a value of its argument
    under either reading, so the proof holds under both."""
    if result.verdict is not Verdict.PROVED or step.claim.random or result.evidence is None:
        return False
    if not all(_EXPECTATION_OR_FUNCTION in said for said in found):
        return False
    summary = result.evidence.summary or ""
    return summary.startswith("lhs - rhs simplifies to 0") and "law" not in summary and "random" not in summary


_DERIVATIVE = re.compile(
    r"\\partial|\\nabla(?![A-Za-z])|\\[dt]?frac\s*\{\s*d(?![a-zA-Z])|\\[dt]?frac\s*\{\s*d\s*[a-zA-Z\\^]"
)
_ANALYSIS_LIMIT = 4000  # characters of a step's sides read again for what its derivatives assume


def _constants_assumed(step: Step) -> str | None:
    """Why a step's verdict rests on treating an undeclared name as constant in a derivative.

    derive differentiates ``y_{nk}`` in ∂/∂w as a constant, so ∂/∂w (w x - y_{nk})^2 =
    2(w x - y_{nk}) x holds, but the text may mean y_{nk} = y_k(x_n, w). A name counts as
    independent of the variables when it is declared (``symbols:``, ``constants:``, or in the
    prose: ``$y \\in \\{0, 1\\}$``), random, bound, or itself a variable of a derivative in the
    same step (``\\partial^2 f / \\partial x \\partial y``: x and y are coordinates). The sides
    of a solved premise the step is read under count too. None when nothing is assumed.
    """
    sides = [(step.claim.lhs, step.claim.rhs)]
    if step.premise_sides:
        sides.append(step.premise_sides)
    texts = [str(getattr(side, "text", side)) for pair in sides for side in pair]
    if not any(_DERIVATIVE.search(t) for t in texts):
        return None
    if sum(len(t) for t in texts) > _ANALYSIS_LIMIT:
        return (
            "the step differentiates, and it is too long for derive to check which names its derivatives treat "
            "as constants; split it, or declare its names (symbols:, constants:)"
        )
    variables: set[str] = set()
    constants: set[str] = set()
    for pair in sides:
        for side in pair:
            text = str(getattr(side, "text", side))
            if not _DERIVATIVE.search(text):
                continue
            table = SymbolTable(dict(step.claim.symbols))
            try:
                found = derivative_constants(
                    text,
                    table,
                    random=dict(step.claim.random),
                    densities=dict(getattr(side, "densities", ())),
                    bound=frozenset(getattr(side, "bound", ())),
                )
            except Exception as exc:  # the step was decided, so it was read: never pass for "nothing assumed"
                return (
                    f"the step differentiates, and derive could not check which names its derivatives treat as "
                    f"constants ({type(exc).__name__}); declare its names (symbols:, constants:)"
                )
            variables |= found[0]
            constants |= found[1]
    names = sorted(constants - variables - set(step.constants))
    # f(x, y) applied: \partial / \partial x holds its other parameter y constant (a d/dt would not)
    names = [n for n in names if not any(n in group and variables <= set(group) for group in step.parameters)]
    if not names:
        return None
    defined = sorted(set(names) & set(step.defined))
    if defined:
        # declaring a defined name constant would be wrong advice: its definition says what it depends on
        listed = ", ".join(defined)
        return (
            f"treats {listed} as constant in {', '.join(sorted(variables))}, but the document defines {listed} "
            "(more than once, or as a condition, so derive does not substitute it); define it once before the step"
        )
    which = ", ".join(names)
    var = ", ".join(sorted(variables))
    one = len(names) == 1
    return (
        f"treats {which} as constant in {var} (derive cannot tell whether {'it depends' if one else 'they depend'} "
        f"on {var}); declare `constants: [{which}]` (or their kinds under symbols:) or define "
        f"{'it' if one else 'them'} to settle"
    )


#: Left sides that derive reads as constants or known functions, which a homework may define.
_RESERVED_TEX = {
    "e": "Euler's number",
    "E": "the expectation operator",
    "\\delta": "the Dirac delta",
    "\\sigma": "the sigmoid",
    "\\pi": "the constant pi",
}


def _undeclared_names(step: Step, declared: set[str]) -> set[str]:
    """Single-letter capital names (I, X) and operator names (nabla_x) the step uses undeclared."""
    from derive.latex.names import names_in  # noqa: PLC0415

    out: set[str] = set()
    for tex in (step.lhs_tex, step.rhs_tex):
        found = names_in(tex)
        if found is None:
            continue
        out |= {n for n in found[0] if n not in declared and len(n) == 1 and n.isupper() and n not in ("T", "H")}
        if "\\nabla" in tex:
            out.add("\\nabla (read as an unknown function)")
    return out


# -- functions the document defines, applied as lambdas -----------------------------------------------

#: Names read as densities, never substituted: ``p(y)`` after ``p(x) = ...`` is the density of y, not that p
#: at y, and derive reads ``D_{KL}(p \\| q)``, ``E_p`` and ``\\int p(x)`` through the density's name.
_DENSITY_NAMES = frozenset({"p", "q", "P", "Q", "Pr", "Prob"})
#: A body with a binder (a sum, an integral, a derivative, a limit, an expectation): renaming its
#: parameters must not capture a name it binds.
_BINDERS = re.compile(
    r"\\(?:sum|prod|int|iint|iiint|oint|lim|limsup|liminf|partial|max|min|sup|inf|arg|argmax|argmin|nabla"
    r"|mathbb|operatorname|mathop|E)(?![A-Za-z])|\\[dt]?frac\s*\{\s*d|(?<![A-Za-z\\])(?:d|E_)"
)
#: Just before a bare name: a derivative of it (``\partial f``, ``\frac{d}{dx} f``, ``\nabla_{\mathbf w} J``).
_DIFFERENTIATED = re.compile(
    r"(?:\\partial|(?<![A-Za-z\\])d|\\nabla(?:\s*_\s*(?:\{[^{}]*\}|\\?[A-Za-z]+))?)\s*(?:\^\s*\{?\s*\d+\s*\}?)?\s*$"
    r"|\\[dt]?frac\s*\{\s*(?:\\partial|d)\s*(?:\^\s*\{?\s*\d+\s*\}?)?\s*\}\s*\{[^{}]*\}\s*$"
)
_INTEGRAL = re.compile(r"\\(?:i+nt|oint)(?![A-Za-z])")
_DIFFERENTIAL = re.compile(r"(?<![A-Za-z\\])d\s*\\?[A-Za-z]|\\mathrm\s*\{\s*d\s*\}|\\(?:dd|diff)(?![A-Za-z])")
_LOG_BEFORE = re.compile(r"\\(?:log|ln)(?![A-Za-z])\s*$")
_BARE_NABLA = re.compile(r"\\nabla(?![A-Za-z])\s*(?:\^\s*\{?\s*\d+\s*\}?)?\s*$")
_CLOSERS = re.compile(r"(?:\\(?:right|bigr|Bigr|biggr|Biggr|big|Big|bigg|Bigg|middle)\s*)+$")
_MAX_PRIMES = 2
#: What a name's reader appends for x', x^*, \\hat x: another name, not an entry of x.
_MARKS = frozenset({"prime", "star", "hat", "bar", "tilde", "dot", "ddot", "check", "breve"})
_MAX_ROUNDS = 4  # a body may apply another defined function (f(x) = g(x)^2): substituted again, this deep
_MAX_APPLIED = 20_000  # characters a side may grow to while definitions are applied


@dataclass(frozen=True)
class FunctionDefinition:
    """``f(x, y) = body``, defined once where a step is read: ``f(a, b)`` reads as the body with x and y
    replaced by a and b at once (a lambda), ``f'(c)`` as d/dc of the body at c, a bare ``f`` (``\\partial f /
    \\partial x``) as the body at its own parameters."""

    name: str
    params: tuple[str, ...]  # the parameters' derive names
    written: tuple[str, ...]  # ... and as written
    body: str
    note: str  # "f(x) := body (line 3)", what a step's evidence says it was read under
    #: where the body holds, when the text limits it (``on $[1, e^2]$``, ``for $x \\geq 0$``): a sympy set of
    #: the one parameter; a use is then substituted only at a number provably in it (`_in_domain`)
    domain: Any = None
    #: the domain is where the function is defined ("defined on $[1, e^2]$", "on $[0, 1)$"), not one piece of it
    #: ("for $x \\geq 0$", which other pieces may complete): only then is a variable argument read as lying in it
    defined_on: bool = False
    font: str = ""  # the font its name is written in (``\\mathbf{g}(x)`` is another name than ``g(t)``)
    #: defined through its log (``\\log L(\\theta) = body``): only ``\\log L(a)`` (or ``\\ln``) reads as the body at a;
    #: a bare ``L(a)`` stays unknown (exp of the body is L only where the log is real)
    through_log: bool = False


def function_definition(lhs: str, rhs: str, line: int) -> FunctionDefinition | None:
    """The function ``lhs = rhs`` defines (``f(x) = x^2``, ``J(\\mathbf w) = \\mathbf a^\\top \\mathbf w``), or None
    when ``lhs`` is no application of a name to distinct parameter names, or the body is one derive cannot
    substitute into an expression (a ``cases`` environment)."""
    target = definition_target(lhs) or error_function_target(lhs)
    if target is None or target[1] or "\\begin" in rhs or len(rhs) > _SOLVE_LIMIT or mentions(rhs, target[0]):
        return None  # f(x) := f(x) + 1 is an update, not a function
    found = _application(lhs, 0)
    if found is None or found[0] != target[0] or found[2] != len(lhs.rstrip()):
        return None
    args = found[3]
    if not isinstance(args, list):
        return None
    try:
        params = tuple(name_of(a) for a in args)
    except DeriveError:
        return None
    if len(set(params)) != len(params):
        return None  # f(x, x) = ...: no function of two parameters
    if any(
        _no_parameter(p) or not (mentions(rhs, p) or _entries_in(rhs, p, w)) for p, w in zip(params, args, strict=True)
    ):
        # f(\\mathbf 0) = 5, L(\\theta_0) = 3, f(x^*) = 0, F(x) = 0: a value at a point (or a fact), not the function
        return None
    note = f"{lhs.strip()} := {rhs.strip()} (line {line})"
    return FunctionDefinition(target[0], params, tuple(args), rhs.strip(), note, font=_font(lhs))


def _entries_in(body: str, param: str, written: str) -> bool:
    """Whether ``body`` uses the bold (vector) parameter ``param`` through its entries only (``f_1(\\mathbf x) =
    \\sin(x_1)\\cos(x_2)``): a function of the vector all the same."""
    if _font(written) not in ("mathbf", "boldsymbol", "vec"):
        return False
    found = names_in(body)
    return found is not None and any(n.startswith(param + "_") and n != param for n in found[0])


def function_parameters(d: FunctionDefinition) -> tuple[str, ...]:
    """The parameters of ``d``, each vector parameter's entries the body uses with them (``f(\\mathbf x) =
    \\sin(x_1)\\cos(x_2)``: x, x_1, x_2): independent variables of the function, one held constant in a
    partial derivative by another."""
    found = names_in(d.body)
    entries = [
        n
        for p, w in zip(d.params, d.written, strict=True)
        if found is not None and _entries_in(d.body, p, w)
        for n in sorted(found[0])
        if n.startswith(p + "_")
    ]
    return (*d.params, *entries)


def _no_parameter(name: str) -> bool:
    """Whether a function's argument named ``name`` is a point, not a parameter: a number (``\\mathbf 0``), Euler's
    e or a unit vector ``\\mathbf e_1``, the identity I, or a marked name (x^*, \\hat x: a particular x)."""
    base, _, rest = name.partition("_")
    return name[:1].isdigit() or base in ("e", "I") or (bool(rest) and rest.rsplit("_", 1)[-1] in _MARKS)


_FONT_AT = re.compile(
    r"\s*\\(mathbf|boldsymbol|bm|pmb|vec|mathcal|mathrm|mathsf|mathit|mathbb|mathfrak|mathscr|mathtt|bf|rm)(?![A-Za-z])"
)


def _font(tex: str) -> str:
    m = _FONT_AT.match(tex)
    return (
        ""
        if m is None
        else {"bm": "boldsymbol", "pmb": "boldsymbol", "bf": "mathbf", "rm": "mathrm"}.get(m.group(1), m.group(1))
    )


def apply_functions(tex: str, defs: dict[str, FunctionDefinition]) -> tuple[str, tuple[str, ...]]:
    """``tex`` with each application of a defined function replaced by its body (see `FunctionDefinition`),
    and the names applied. An application derive cannot rewrite safely stays as written, an unknown
    function that leaves its step undecided: a different number of arguments than parameters, a density
    name (p, q) at other arguments than its own, ``f'(0)``, a renaming a binder of the body would capture."""
    used: list[str] = []
    if _INTEGRAL.search(tex) and not _DIFFERENTIAL.search(tex):
        return tex, ()  # \\int f(x) without dx: derive infers the differential from the unknown function f
    for _ in range(_MAX_ROUNDS):
        changed = False
        edits: list[tuple[int, int, str]] = []
        at = 0
        bound = _bound_names(tex)
        while True:
            found = _next_application(tex, at, defs, bound)
            if found is None:
                break
            start, end, text, name = found
            at = end
            if text is not None:
                edits.append((start, end, text))
                if name not in used:
                    used.append(name)
        for start, end, text in reversed(edits):
            tex = tex[:start] + text + tex[end:]
            changed = True
        if not changed or len(tex) > _MAX_APPLIED:
            break
    return tex, tuple(used)


def _next_application(
    tex: str, at: int, defs: dict[str, FunctionDefinition], bound: set[str]
) -> tuple[int, int, str | None, str] | None:
    """(start, end, replacement or None, name) of the first use of a defined function at or after ``at``;
    ``bound``: the names a binder of ``tex`` binds, which must not capture a name the body holds free
    (``f(x) = x t`` in ``\\int_0^1 f(x) \\, dt``: the t of the definition or the integral's?)."""
    found = _application(tex, at, wanted=lambda n: _base(n)[0] in defs)
    if found is None:
        return None
    name, start, end, args = found
    base, primes = _base(name)
    if _font(tex[start:end]) != defs[base].font:
        return start, end, None, base  # \\mathbf{g}(x) after g(t) = ...: another name, left as written
    if defs[base].through_log:
        log = _LOG_BEFORE.search(tex, 0, start)
        if log is None or primes:
            return start, end, None, base  # L(a) or L'(a) after \\log L(x) = ...: L itself is not defined
        start = log.start()
    if args is False or (args is None and not _DIFFERENTIATED.search(tex, 0, start)):
        # f(...) whose arguments derive cannot split, or a bare f that is not differentiated (a vector
        # \mathbf f, an f of another part?): left as written
        return start, end, None, base
    if bound and _free_in_body(defs[base]) & bound:
        return start, end, None, base
    if defs[base].domain is not None and isinstance(args, list) and args:
        ranged = _ranged_name(args[0], defs[base], primes)
        if ranged is not None and ranged in bound:
            return start, end, None, base  # \sum_k f(k) with f on [1, e^2]: k is no name a range can hold
    nabla = _BARE_NABLA.search(tex, 0, start)
    if nabla is not None:
        # \nabla J(\w) with no variable written: the gradient of J by its own variable, at that variable
        # (`_gradient`); read any other way, derive may take it for an unknown scalar function, so what
        # `_gradient` does not read stays as written
        gradient = _gradient(defs[base], primes, args, nabla.group())
        return (start, end, None, base) if gradient is None else (nabla.start(), end, gradient, base)
    if args is None and not primes:
        # \frac{\partial^2 f}{\partial x^2}(3, -3), the whole side: the derivative of the body at that point
        at_point = _derivative_at_point(tex, start, end, defs[base])
        if at_point is not None:
            return at_point[0], len(tex), at_point[1], base
    return start, end, _replacement(defs[base], primes, args), base


#: The numerator of a derivative up to a bare function: ``\frac{\partial^2 `` before ``f}{\partial x^2}``.
_DERIVATIVE_OPEN = re.compile(
    r"\\[dt]?frac\s*\{\s*(?:\\partial|d|\\mathrm\s*\{\s*d\s*\})\s*(?:\^\s*\{?\s*\d+\s*\}?)?\s*$"
)
_POINT_NUMBER = re.compile(r"^\s*-?\s*\d+(?:\.\d+)?\s*$")


def _derivative_at_point(tex: str, start: int, end: int, d: FunctionDefinition) -> tuple[int, str] | None:
    """``\\frac{\\partial^2 f}{\\partial x^2}(3, -3)`` as a whole side, after ``f(x, y) = body``: (start, the
    derivative of the body evaluated at x = 3, y = -3), the point's numbers given to the parameters in their
    order. Only a side that is nothing else (an evaluation bar reads a whole side), numbers for every
    parameter, and a function defined everywhere; None otherwise (the point stays unread, as before)."""
    opened = _DERIVATIVE_OPEN.search(tex, 0, start)
    if opened is None or tex[: opened.start()].strip() or d.domain is not None:
        return None
    close = re.match(r"\s*\}\s*\{", tex[end:])
    if close is None:
        return None
    depth, k = 0, end + close.end() - 1
    for k in range(end + close.end() - 1, len(tex)):
        depth += {"{": 1, "}": -1}.get(tex[k], 0)
        if depth == 0:
            break
    point = re.fullmatch(r"\s*(?:\\left\s*)?\((?P<args>[^()]*?)(?:\\right\s*)?\)\s*", tex[k + 1 :])
    if depth != 0 or point is None:
        return None
    values = point.group("args").split(",")
    if len(values) != len(d.params) or not all(_POINT_NUMBER.match(v) for v in values):
        return None
    at = ", ".join(f"{w} = {v.strip()}" for w, v in zip(d.written, values, strict=True))
    derivative = f"{tex[opened.start() : start]}\\left({d.body}\\right){tex[end : k + 1]}"
    return opened.start(), f"\\left. {derivative} \\right|_{{{at}}}"


def _gradient(d: FunctionDefinition, primes: int, args: list[str] | bool | None, nabla: str) -> str | None:
    """``\\nabla J(\\w)`` after ``J(\\w) = body``: ``\\nabla_{\\w}`` of the body, when J has one parameter and is
    applied at that parameter as written. At another argument the gradient is J's gradient evaluated there
    (``\\nabla J(2\\w)`` is not the gradient of J(2w) by w), ``\\nabla^2`` and ``\\nabla J'`` are other operators,
    and a density or a function defined on part of its arguments is not substituted anyway: None."""
    if primes or not isinstance(args, list) or len(args) != 1 or len(d.params) != 1 or "^" in nabla:
        return None
    if d.domain is not None or d.name in _DENSITY_NAMES or _base_letter(d.name) in _DENSITY_NAMES:
        return None
    try:
        same = name_of(args[0]) == d.params[0] and _font(args[0]) == _font(d.written[0])
    except DeriveError:
        return None
    if not same:
        return None  # \nabla J(\mathbf v), J(2\mathbf w): J's gradient evaluated elsewhere
    return f"\\left(\\nabla_{{{d.written[0]}}}\\left({d.body}\\right)\\right)"


#: What binds the name after it: a sum's, product's, limit's or extremum's subscript, a differential
#: (``dt``, ``\\partial x``).
_BINDER_AT = re.compile(
    r"\\(?:sum|prod|lim|max|min|sup|inf|argmax|argmin|bigcup|bigcap)\s*_\s*\{?"
    r"|\\partial(?![A-Za-z])\s*(?:\^\s*\{?\s*\d+\s*\}?)?"
    r"|(?<![A-Za-z\\])d(?=\s*\\?[A-Za-z])|\\mathrm\s*\{\s*d\s*\}"
)


def _bound_names(tex: str) -> set[str]:
    """The names ``tex`` binds somewhere (over-approximated: a name read right after any binder)."""
    out: set[str] = set()
    for m in _BINDER_AT.finditer(tex):
        found = _application(tex, m.end())
        if found is not None and found[1] - m.end() <= 2:
            out.add(found[0])
    return out


def _free_in_body(d: FunctionDefinition) -> set[str]:
    """The names the body of ``d`` holds free besides its parameters (``a`` in ``f(x) = a x``)."""
    found = names_in(d.body)
    if found is None:
        return {"*"}
    # the entries x_1, x_2 of a vector parameter \mathbf x are the parameter's, not free names of the body
    vectors = [p for p, w in zip(d.params, d.written, strict=True) if _entries_in(d.body, p, w)]
    free = set(found[0]) - set(d.params) - _bound_names(d.body)
    return {n for n in free if not any(n.startswith(v + "_") for v in vectors)}


def fixed_names(d: FunctionDefinition) -> set[str]:
    """The names the body of ``d`` holds besides its parameters, constant in them by the definition (``f(x) = a x``:
    a), with the family of an entry a bound index picks (``\\sum_i (x_i - \\mu)^2``: x, which derive differentiates
    as one name); never a parameter or its family (``J(\\mathbf w) = \\sum_k a_k w_k``: w varies)."""
    found = names_in(d.body)
    if found is None:
        return set()
    bound = _bound_names(d.body)
    out = set(found[0]) - set(d.params) - bound
    for name in list(out):
        base, _, index = name.partition("_")
        if index and index in bound:
            out.add(base)
    varying = set(d.params) | {p.partition("_")[0] for p in d.params}
    return {n for n in out if n not in varying and n.partition("_")[0] not in varying}


def _base(name: str) -> tuple[str, int]:
    primes = 0
    while name.endswith("_prime"):
        name, primes = name[: -len("_prime")], primes + 1
    return name, primes


def _replacement(d: FunctionDefinition, primes: int, args: list[str] | None) -> str | None:
    """What one use of ``d`` reads as (see `apply_functions`), or None to leave it as written."""
    if d.name in _DENSITY_NAMES or _base_letter(d.name) in _DENSITY_NAMES:
        return None  # p(x) = ...: a density, which derive reads in KL, E_p and integrals by its name
    if args is None:
        # a bare f (\\partial f / \\partial x): the body at its own parameters, anywhere (so not on a domain)
        return None if primes or d.domain is not None else f"\\left({d.body}\\right)"
    if len(args) != len(d.params):
        return None
    if (
        d.domain is not None
        and _ranged_name(args[0], d, primes) is None
        and (primes or not _in_domain(d.domain, args[0]))
    ):
        return None  # a derivative at a point of a limited domain may be one-sided: left as written
    same = ["".join(a.split()) == "".join(w.split()) for a, w in zip(args, d.written, strict=True)]
    if primes:
        return _derivative_at(d, primes, args[0]) if len(args) == 1 and primes <= _MAX_PRIMES else None
    if all(same):
        return f"\\left({d.body}\\right)"
    body = _renamed(d, {p: a for p, a, s in zip(d.params, args, same, strict=True) if not s})
    return None if body is None else f"\\left({body}\\right)"


def _ranged_name(arg: str, d: FunctionDefinition, primes: int) -> str | None:
    """The name ``arg`` is, when ``d`` (defined on a domain) may be applied at it as at a variable of that domain
    (``f(x)``, ``f'(c)`` with f on [1, e^2]): the step is then read with the name limited to the domain
    (`domain_arguments`), so a refutation outside it stands for nothing. A derivative needs a domain with an
    interior (at its points the derivative of the body is the function's)."""
    import sympy  # noqa: PLC0415

    if not d.defined_on:
        return None
    try:
        name = name_of(arg)
    except DeriveError:
        return None
    if primes and not (isinstance(d.domain, sympy.Interval) and d.domain.measure.is_positive):
        return None
    return name


def domain_arguments(
    tex: str, defs: dict[str, FunctionDefinition], kinds: Mapping[str, str]
) -> tuple[dict[str, str], set[str]]:
    """(name -> why it is limited, for each name a function defined on a domain is applied at in ``tex``
    (``f'(c)`` after ``f(x) = x \\ln x`` on ``[1, e^2]``: c lies in [1, e^2]); the functions applied at a
    name whose kind (``kinds``) keeps it out of the domain, or that no interval states (``Let $y < 0$``,
    an integer): f is not defined there, so those are not applied at all)."""
    out: dict[str, str] = {}
    clashing: set[str] = set()
    ranged = {n: fd for n, fd in defs.items() if fd.domain is not None}
    at = 0
    while ranged:
        found = _application(tex, at, wanted=lambda n: _base(n)[0] in ranged)
        if found is None:
            break
        name, start, _, args = found
        at = start + 1
        base, primes = _base(name)
        if isinstance(args, list) and len(args) == 1:
            arg = _ranged_name(args[0], ranged[base], primes)
            if arg is None:
                continue
            if not _kind_meets(kinds.get(arg), ranged[base].domain):
                clashing.add(base)
            out.setdefault(arg, f"{arg} in {_interval_text(ranged[base].domain)}, where {ranged[base].note} holds")
    return out, clashing


def _interval_text(domain: Any) -> str:
    """``[1, e^2]``, ``(0, \\infty)``: a domain as the text writes an interval."""
    import sympy  # noqa: PLC0415

    if not isinstance(domain, sympy.Interval):
        return str(domain)
    lo, hi = (sympy.latex(e) for e in (domain.start, domain.end))
    return f"{'(' if domain.left_open else '['}{lo}, {hi}{')' if domain.right_open else ']'}"


def _kind_meets(kind: str | None, domain: Any) -> bool:
    """Whether a name of ``kind`` (None: undeclared, real) can lie in ``domain`` (inside it, for a derivative)."""
    import sympy  # noqa: PLC0415

    oo = sympy.oo
    sets = {
        None: sympy.Reals,
        "real": sympy.Reals,
        "positive": sympy.Interval.open(0, oo),
        "nonnegative": sympy.Interval(0, oo),
        "negative": sympy.Interval.open(-oo, 0),
        "nonpositive": sympy.Interval(-oo, 0),
        "probability": sympy.Interval(0, 1),
    }
    if kind not in sets:
        return False  # an integer, a vector, a random variable: not a variable of an interval
    try:
        measure = sympy.sympify(sympy.Intersection(domain, sets[kind]).measure)
    except (TypeError, ValueError, AttributeError, NotImplementedError, RecursionError):
        return False
    return measure.is_positive is True  # (an interval of positive length: a variable, not one point)


def _in_domain(domain: Any, arg: str) -> bool:
    """Whether ``arg`` is a real number provably in ``domain`` (exactly, by sympy: never by closeness)."""
    import sympy  # noqa: PLC0415

    try:
        value = parse_latex(arg, SymbolTable({}))
        if not isinstance(value, sympy.Expr) or value.free_symbols or not value.is_real:
            return False
        return domain.contains(value) is sympy.true
    except (DeriveError, RecursionError, MemoryError, TypeError, ValueError, AttributeError, NotImplementedError):
        return False


_ORDER = {
    "<": "<",
    ">": ">",
    "\\lt": "<",
    "\\gt": ">",
    "\\le": "<=",
    "\\leq": "<=",
    "\\leqslant": "<=",
    "\\ge": ">=",
    "\\geq": ">=",
    "\\geqslant": ">=",
}
_ORDER_TOKEN = re.compile(r"\\(?:leqslant|geqslant|leq|geq|le|ge|lt|gt)(?![A-Za-z])|[<>]")
_INTERVAL_TEX = re.compile(r"^\s*(?:\\left\s*)?([\[(])([^,\[\]()]+),([^,\[\]()]+?)(?:\\right\s*)?([\])])\s*$")


def domain_set(tex: str, param: str) -> Any:
    """The set of the parameter written ``param`` that ``tex`` states (``[1, e^2]``, ``x \\geq 0``,
    ``0 \\le x < 1``, ``x \\in (0, 1]``) with number ends, or None when ``tex`` is not one of those."""
    import sympy  # noqa: PLC0415

    def number(t: str) -> Any:
        v = parse_latex(t, SymbolTable({}))
        if not isinstance(v, sympy.Expr) or v.free_symbols or not (v.is_real or v in (sympy.oo, -sympy.oo)):
            raise ValueError(t)
        return v

    same = "".join(param.split())
    try:
        m = re.match(r"^\s*(.+?)\s*\\in\s*(.+)$", tex)
        if m is not None and "".join(m.group(1).split()) == same:
            tex = m.group(2)
        m = _INTERVAL_TEX.match(tex)
        if m is not None:
            lo, hi = number(m.group(2)), number(m.group(3))
            return sympy.Interval(lo, hi, m.group(1) == "(", m.group(4) == ")")
        pieces = _ORDER_TOKEN.split(tex)
        ops = [_ORDER[o] for o in _ORDER_TOKEN.findall(tex)]
        if not 1 <= len(ops) <= 2 or sum("".join(p.split()) == same for p in pieces) != 1:
            return None
        k = next(i for i, p in enumerate(pieces) if "".join(p.split()) == same)
        out = sympy.Interval(-sympy.oo, sympy.oo)
        for i, op in enumerate(ops):
            other = pieces[i + 1] if i == k else pieces[i] if i + 1 == k else None
            if other is None:
                return None
            bound = number(other)
            below = (op in ("<", "<=")) == (i == k)  # x < b, or b > x: an upper bound
            strict = op in ("<", ">")
            out = out & (
                sympy.Interval(-sympy.oo, bound, True, strict)
                if below
                else sympy.Interval(bound, sympy.oo, strict, True)
            )
        return out
    except (DeriveError, RecursionError, MemoryError, TypeError, ValueError, AttributeError, NotImplementedError):
        return None


def _base_letter(name: str) -> str:
    return name.split("_", 1)[0]


def _derivative_at(d: FunctionDefinition, primes: int, arg: str) -> str | None:
    """``f'(c)``: d/dc of the body with its parameter named c, when c is a name the body does not use
    otherwise (``f(x) = x y``: f'(y) is y, not d/dy y^2); ``f'(0)`` stays as written."""
    try:
        name = name_of(arg)
    except DeriveError:
        return None
    if name != d.params[0]:
        found = names_in(d.body)
        if found is None or name in found[0] or _base_letter(name) in found[1] or found[1] & {name}:
            return None
        body = _renamed(d, {d.params[0]: arg})
        if body is None:
            return None
    else:
        body = d.body
    order = "" if primes == 1 else f"^{{{primes}}}"
    return f"\\left(\\frac{{d{order}}}{{d {arg}{order}}}\\left({body}\\right)\\right)"


def _renamed(d: FunctionDefinition, values: dict[str, str]) -> str | None:
    """The body with each parameter in ``values`` replaced by its argument, all at once, or None when
    that is not a plain substitution: a parameter the body binds or indexes (``x_i`` of a vector x), or
    an argument naming something a binder of the body binds."""
    try:
        toks = _tokenize(d.body)
    except DeriveError:
        return None
    starters = _GREEK | _FONTS | set(_ACCENTS)
    spans: list[tuple[int, int, str]] = []
    others: set[str] = set()
    for j, p, name in _each_name(d.body, toks, starters, _read_name):
        if name is None:
            return None  # a name derive cannot read: whatever it is, renaming may miss it
        if name in values:
            before = toks[j - 1] if j else None
            if before is not None and (
                (before.kind == "sym" and before.text in ("_", "{") and (before.text == "_" or _after_sub(toks, j)))
                or (before.kind == "cmd" and before.text == "partial")
                or (before.kind == "letter" and before.text == "d")
            ):
                return None  # bound in the body (\\sum_{x}, dx, \\partial x): no parameter to replace there
            end = _name_end(d.body, toks, p.i)
            if end is None:
                return None
            spans.append((toks[j].pos, end, values[name]))
        else:
            others.add(name)
    if any(o.split("_", 1)[0] in values and o.split("_")[1] not in _MARKS for o in others):
        return None  # x_i of a parameter x: an entry derive would not rename (x' and \\hat x are other names)
    if _BINDERS.search(d.body):
        for arg in values.values():
            found = names_in(arg)
            if found is None or found[1] or set(found[0]) & others:
                return None  # the argument may name what a binder of the body binds
    body = d.body
    for start, end, arg in reversed(spans):
        body = body[:start] + f"\\left({arg}\\right)" + body[end:]
    return body


def _after_sub(toks: list[Any], j: int) -> bool:
    return j >= 2 and toks[j - 2].kind == "sym" and toks[j - 2].text == "_"


def _name_end(tex: str, toks: list[Any], after: int) -> int | None:
    """Where the name whose tokens end before ``toks[after]`` ends in ``tex`` (not the ``\\left`` after it)."""
    last = toks[after - 1]
    if last.kind == "cmd":
        m = re.compile(r"\\(?:[A-Za-z]+|.)").match(tex, last.pos)
        return m.end() if m else None
    return last.pos + len(last.text) if tex.startswith(last.text, last.pos) else None


def _application(tex: str, at: int, wanted: Any = None) -> tuple[str, int, int, list[str] | bool | None] | None:
    """(name, start, end, arguments) of the first name at or after ``at`` that ``wanted`` accepts (the first
    name at all without it), read as the parser reads names: the arguments are None for a bare name and
    False for parentheses derive cannot split into arguments (then end is just past the name)."""
    try:
        toks = _tokenize(tex)
    except DeriveError:
        return None
    starters = _GREEK | _FONTS | set(_ACCENTS)
    for j, p, name in _each_name(tex, toks, starters, _read_name):
        if toks[j].pos < at or name is None:
            continue
        if wanted is not None and not wanted(name):
            continue
        k = p.i
        end = _name_end(tex, toks, k)
        if end is None:
            return name, toks[j].pos, toks[j].pos + 1, False
        if k < len(toks) and toks[k].kind == "sym" and toks[k].text == "(":
            close, splits = _matching(toks, k)
            if close is None:
                return name, toks[j].pos, end, False
            args, lo = [], toks[k].pos + 1
            for s in [*splits, close]:
                arg = _CLOSERS.sub("", tex[lo : toks[s].pos]).strip()
                if not arg:
                    return name, toks[j].pos, end, False
                args.append(arg)
                lo = toks[s].pos + len(toks[s].text) + (1 if toks[s].kind == "cmd" else 0)
            return name, toks[j].pos, toks[close].pos + 1, args
        return name, toks[j].pos, end, None
    return None


def _matching(toks: list[Any], k: int) -> tuple[int | None, list[int]]:
    """The index of the ``)`` closing ``toks[k]``, and of the top-level ``,``, ``|``, ``\\mid`` between."""
    depth = 0
    splits: list[int] = []
    for m in range(k, len(toks)):
        t = toks[m]
        if t.kind == "sym" and t.text in ("(", "[", "{", "\\{"):
            depth += 1
        elif t.kind == "sym" and t.text in (")", "]", "}", "\\}"):
            depth -= 1
            if depth == 0:
                return (m, splits) if t.text == ")" else (None, splits)
        elif depth == 1 and ((t.kind == "sym" and t.text in (",", "|")) or (t.kind == "cmd" and t.text == "mid")):
            splits.append(m)
    return None, splits


# -- primes of functions the document does not define --------------------------------------------------

#: An argument a prime's derivative may be taken by: one plain name, no font (``\\mathbf x`` is a vector).
_PLAIN_ARGUMENT = re.compile(r"^\s*\\?[A-Za-z]+(?:\s*_\s*(?:\{\s*[A-Za-z0-9]+\s*\}|[A-Za-z0-9]))?\s*$")
_NOT_AN_ARGUMENT = frozenset({"infty", "pi", "cdot", "dots", "ldots", "cdots", "top", "intercal"})
#: In what a conclusion is read with: the function its premise states, read as that function's definition.
PREMISE_DEFINES = ", what the arrow leads from, read as "
PRIME_NOTE = "read as the {}derivative of the function "


def unknown_derivatives(tex: str, blocked: set[str], symbols: Mapping[str, str]) -> tuple[str, tuple[str, ...]]:
    """``tex`` with ``f'(x)`` (``f''(x)``) of a function the document does not define read as ``\\frac{d}{dx} f(x)``
    (its second derivative), and the primed names so read. Only a one-argument application at one plain name
    (``f'(x^2)``, ``f'(\\mathbf w)``, ``f'(a, b)`` stay as written), of a name the reader takes as a function
    applied there (`parse_latex` reads ``\\frac{d}{dx} f(x)`` as the derivative of an unknown function of x),
    that is not declared (a vector's ``x'`` may be its transpose, a number's ``c'`` another number), and that
    is not in ``blocked``: a function defined where the step is read (`apply_functions` decides its primes),
    or one whose primed name the text defines itself (``f'`` is then a function of its own; as written,
    ``f'`` is an unknown function independent of f, and a step that holds so holds for the derivative too)."""
    edits: list[tuple[int, int, str]] = []
    used: list[str] = []
    at = 0
    while True:
        found = _application(tex, at, wanted=lambda n: n.endswith("_prime"))
        if found is None:
            break
        name, start, end, args = found
        at = max(end, start + 1)
        base, primes = _base(name)
        if not 1 <= primes <= _MAX_PRIMES or base in blocked or name in blocked or base in symbols:
            continue
        if not isinstance(args, list) or len(args) != 1 or _font(tex[start:end]):
            continue
        arg = args[0].strip()
        if not _PLAIN_ARGUMENT.match(arg) or arg.lstrip("\\").split("_")[0].strip() in _NOT_AN_ARGUMENT:
            continue
        try:
            var = name_of(arg)
        except DeriveError:
            continue
        if var == base or (var in symbols and symbols[var] not in ("real", "positive", "negative", "nonnegative")):
            continue
        order = "" if primes == 1 else f"^{{{primes}}}"
        written = latex_of_base(base)
        text = f"\\left(\\frac{{d{order}}}{{d {arg}{order}}} {written}({arg})\\right)"
        if not _reads_as_derivative(text, base, var, symbols):
            continue
        edits.append((start, end, text))
        if name not in used:
            used.append(name)
    for start, end, text in reversed(edits):
        tex = tex[:start] + text + tex[end:]
    return tex, tuple(used)


def latex_of_base(name: str) -> str:
    from derive.latex.names import latex_of_name  # noqa: PLC0415

    return latex_of_name(name)


def _reads_as_derivative(text: str, base: str, var: str, symbols: Mapping[str, str]) -> bool:
    """Whether the reader takes ``text`` as the derivative of the unknown function ``base`` at the name ``var``
    (and not ``u(x)`` as the product u x, which the bare letter u may be)."""
    import sympy  # noqa: PLC0415

    try:
        value = parse_latex(text, SymbolTable(dict(symbols)))
    except (DeriveError, RecursionError, MemoryError, TypeError, ValueError, AttributeError, NotImplementedError):
        return False
    if not isinstance(value, sympy.Derivative):
        return False
    inner = value.expr
    return (
        isinstance(inner, sympy.core.function.AppliedUndef)
        and inner.func.__name__ == base
        and len(inner.args) == 1
        and isinstance(inner.args[0], sympy.Symbol)
        and inner.args[0].name == var
        and tuple(v.name for v in value.variables if isinstance(v, sympy.Symbol)) == (var,) * len(value.variables)
    )
