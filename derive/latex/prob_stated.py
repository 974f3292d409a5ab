"""Probabilities the text states a value of, put in for later steps: ``P(S) = p``, ``P(+|S) = .75``.

Worked examples state the probabilities they use, in the prose or in displays before the steps that use
them: "In other words, $P(S)=p$ so $P(W)=1-p$", ``$$P(-|S) = P(S-)/P(S) = .25$$``, ``$P(+)=P(-)=.5$``.
A later step ``P(S)P(+|S) = .75p`` or ``\\frac{P(+|S)P(S)}{P(+)} = .75p/(.005+.745p)`` holds *under those
values* and the definition of conditional probability, and nowhere else: no identity proves it.
`stated_values_proof` proves such a step (never refutes one):

- a statement is a math span before the step, in its section (from the last heading on), outside its own
  display, whose sides are joined by ``=`` only, one row, whose last side holds no unknown function but
  probabilities and whose other sides include a lone probability application ``P(...)``; each such side
  is stated equal to the last one (a chain ``A = B = v`` states A = v and B = v). A statement in the prose is a
  given; a display is the text's claim, a given only when each of its links follows from the givens before it
  (``$$P(S+) = P(S)P(+|S) = .75p$$`` after ``$P(S) = p$``, ``$P(+|S) = .75$``; not ``$$P(A \\cap B) = 0.15$$`` after
  ``$P(A) = 0.3$``, ``$P(B) = 0.5$``). A later mention of the probability without a value ("$P(A)$ is larger")
  ends its statement. A sentence that only
  supposes, negates, asks, limits it to a case or calls it a myth ("if", "whether", "not", "were", "would",
  "might", "could", "when", "given", "for the ...", "misconception", "in fact", "unless",
  "assume") states nothing, and so does one followed by words that change the setting ("instead", "no
  longer", "another", "a second", "consider", "a new model");
- every probability (``P``, ``Pr``, ``Prob``, ``p`` written with a bar or an event in the step) becomes
  its joint-over-marginal form (`derive.tiers._probability.conditional_normal_form`); a statement of a
  joint gives that joint its value, one of a conditional ``P(A|B) = v`` gives the joint of A and B the value
  v P(B); the rules are put in until nothing changes (at most a few rounds);
- the statements must agree: a joint stated two values that are not provably equal, or a statement that
  the others' values do not satisfy, makes the rule stand down (the text then contradicts itself or
  means two things by one name);
- the step is proved when its two sides then have the same value exactly; its evidence names each
  statement it used and its line. A difference that does not vanish says nothing (the text's values may
  be rounded, or it may mean another law).

The proof holds wherever the conditioning events have positive probability, as every proof through the
definition of conditional probability.
"""

from __future__ import annotations

import contextlib
import itertools
import re
from collections.abc import Iterable
from typing import Any

import sympy
from sympy.core.function import AppliedUndef

__all__ = ["stated_values_proof", "statements_in"]

#: Names read as probabilities.
_NAMES = frozenset({"P", "Pr", "Prob", "p"})
#: Sentences that only suppose, negate, ask or hedge what they say.
_HEDGE = re.compile(
    r"\bif\b|\bwhether\b|\bnot\b|n't\b|\bnever\b|\bwere\b|\bwould\b|\bmight\b|\bcould\b|\bunless\b|\bassum|"
    r"\bsay\b|\bexample\b|\be\.g\.|\bsuch as\b|"
    # a goal or a question, not a given: "Show that $P(A) = 1/3$", "What is $P(B)$?"
    r"\bshow|\bprove|\bverif|\bcheck|\bfind\b|\bcompute|\bcalculat|\bdetermin|\bwhat\b|\bclaim|\bguess|"
    r"\bconjectur|\bexpect|\bwant|\bneed|\bexercise|\bproblem\b|\bfalse\b(?!\s+(?:positive|negative|alarm|discover))|\bwrong\b|\bincorrect\b|\bguess|"
    r"\btempting\b|\bunder\b|\bwrote\b|"
    # a case: "When it rains", "Given that $B$ occurred", "For the fair die", "In case"
    r"\bwhen|\bgiven\b|\bfor\s+(?:the|a|an|each|every|any|all)\b|\bin\s+case\b|\bprovided\b|"
    # taken back: "A common misconception is that"
    r"\bmisconception|\bmyth|\bfallac|\bmistaken|\bin\s+fact\b|\bactually\b",
    re.IGNORECASE,
)
#: Words after a statement, in its sentence, that take it back ("$P(A) = 1/2$ is wrong").
_TAKEN_BACK = re.compile(
    r"^\s*[^.!?]{0,80}?(?:\bnot\b|n't\b|\bfalse\b(?!\s+(?:positive|negative|alarm|discover))|\bwrong\b|\bincorrect\b|\bwould\b|\bmistake|\berror|\bbut\b|"
    r"\bin\s+general\b|\bdependent\b|\bmisconception|\bmyth|\bin\s+fact\b|\bactually\b|\bwhen|\bgiven\b|\?)",
    re.IGNORECASE,
)
_MATH = re.compile(
    r"\$\$(?P<d1>.+?)\$\$|\\\[(?P<d2>.+?)\\\]|\\begin\{(?P<env>equation|align|gather|multline)(?P<star>\*?)\}"
    r"(?P<d3>.+?)\\end\{(?P=env)(?P=star)\}|\$(?P<i1>[^$]+?)\$|\\\((?P<i2>.+?)\\\)",
    re.DOTALL,
)
_HEADING = re.compile(
    r"\\(?:part|chapter|section|subsection|subsubsection|paragraph)\*?\s*[\[{]|^ {0,3}#{1,6}[ \t]+\S",
    re.MULTILINE,
)
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n\s*\n")
_NOT_EQUAL = re.compile(
    r"<|>|\\[lg]eq?\b|\\n?eq\b|\\neq|\\approx|\\sim|\\propto|\\to\b|\\[lL]ongrightarrow|\\implies|\\in\b"
)
_DROP = re.compile(r"\\(?:tag|label)\{[^{}]*\}|\\nonumber|\\notag|&")
#: Words between a statement and the step that change the setting it was made in ("We now change the model",
#: "Instead, take a bent coin", "the tosses are no longer independent", "Consider a second test").
_CHANGED = re.compile(
    r"\b(?:instead|no\s+longer|chang\w*|another|different|second|alternatively|otherwise|consider\w*|"
    r"new\s+(?:model|coin|die|dice|example|problem|setting|data\w*|test|population)|from\s+here\s+on|"
    r"from\s+now\s+on|henceforth|loaded|biased|larger|smaller|higher|lower)\b",
    re.IGNORECASE,
)
_ROUNDS = 6
_MAX_STATEMENTS = 40


def _section(before: str) -> str:
    """``before`` from its last heading on (a value stated in another section may be another example's)."""
    last = None
    for last in _HEADING.finditer(before):  # noqa: B007 - the last one is wanted
        pass
    return before if last is None else before[last.start() :]


def _sentence_before(text: str, at: int) -> str:
    """The words of the sentence ``text`` is in up to ``at`` (from the last sentence end before it)."""
    cut = 0
    for m in _SENTENCE_END.finditer(text, max(0, at - 400), at):
        cut = m.end()
    return text[cut:at]


def _split_top(tex: str) -> list[str]:
    """``tex`` cut at its top-level ``=`` signs (outside braces, brackets and parentheses)."""
    parts: list[str] = []
    depth = 0
    start = 0
    for k, ch in enumerate(tex):
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        elif ch == "=" and depth == 0:
            parts.append(tex[start:k])
            start = k + 1
    parts.append(tex[start:])
    return [p.strip() for p in parts]


#: A statement: (probability application, its stated value, the statement as written, its line, the math span it is
#: in (an index), the links of that span when it is a display (adjacent sides, each read), None in the prose).
Statement = tuple[sympy.Basic, sympy.Expr, str, int, int, tuple[tuple[sympy.Expr, sympy.Expr], ...] | None]


def statements_in(before: str, table: Any, line: int) -> list[Statement]:
    """Each statement of ``before`` (the text before a step, its own display cut off, ending on ``line``; see the
    module docstring). A chain whose closed forms differ (``408/903 = .452``: rounded) states nothing."""
    from derive.errors import DeriveError  # noqa: PLC0415
    from derive.latex.parser import parse_latex  # noqa: PLC0415

    text = _section(before)
    out: list[Statement] = []
    mentioned: list[tuple[int, Any]] = []
    for span, m in enumerate(_MATH.finditer(text)):
        group = next(g for g in ("d1", "d2", "d3", "i1", "i2") if m.group(g))
        tex = m.group(group)
        tex = _DROP.sub(" ", tex).strip().rstrip(".,;").strip()
        if "=" not in tex and group.startswith("i") and len(tex) < 80:
            # "$P(A)$ is larger": a later mention of a stated probability without its value ends the statement
            with contextlib.suppress(DeriveError, RecursionError, ValueError, TypeError):
                mentioned.append((span, parse_latex(tex, table)))
            continue
        if "\\\\" in tex or _NOT_EQUAL.search(tex) or "=" not in tex or len(tex) > 300:
            continue
        if _HEDGE.search(_sentence_before(text, m.start())) or _TAKEN_BACK.search(text[m.end() :]):
            continue
        if _CHANGED.search(_MATH.sub(" ", text[m.end() :])):
            continue
        sides = _split_top(tex)
        if len(sides) < 2 or not all(sides):
            continue
        try:
            value = parse_latex(sides[-1], table)
        except (DeriveError, RecursionError, ValueError, TypeError):
            continue
        if not isinstance(value, sympy.Expr) or any(_name(a) not in _NAMES for a in _apps(value)):
            continue
        if not _closed_forms_agree(sides[:-1], value, table):
            continue
        first = m.start(group) + len(m.group(group)) - len(m.group(group).lstrip())
        at_line = line - text[first:].count("\n")
        read: list[Any] = []
        for side in sides[:-1]:
            try:
                read.append(parse_latex(side, table))
            except (DeriveError, RecursionError, ValueError, TypeError):
                read.append(None)
        read.append(value)
        display = group.startswith("d")
        links: tuple[tuple[sympy.Expr, sympy.Expr], ...] | None = None
        if display:
            if any(not isinstance(r, sympy.Expr) for r in read):
                continue  # a display is a given only where each of its links follows (below): all must be read
            links = tuple(itertools.pairwise(read))
        for side, atom in zip(sides[:-1], read[:-1], strict=True):
            if isinstance(atom, AppliedUndef) and _name(atom) in _NAMES and atom != value:
                out.append((atom, value, f"{side} = {sides[-1]}", at_line, span, links))
        if len(out) > _MAX_STATEMENTS:
            return []
    return [st for st in out if not any(span > st[4] and atom == st[0] for span, atom in mentioned)]


def _closed_forms_agree(sides: list[str], value: sympy.Expr, table: Any) -> bool:
    """Whether every side of ``sides`` that reads as a closed form (no function applied) equals ``value``
    exactly: ``92/500 = .184`` does, ``408/903 = .452`` (a rounded value) does not."""
    from derive.errors import DeriveError  # noqa: PLC0415
    from derive.latex.parser import parse_latex  # noqa: PLC0415

    for side in sides:
        try:
            read = parse_latex(side, table)
        except (DeriveError, RecursionError, ValueError, TypeError):
            return False
        if (
            isinstance(read, sympy.Expr)
            and not _joints(read)
            and not _joints(value)
            and sympy.simplify(read - value) != 0
        ):
            return False
    return True


def stated_values_proof(step: Any, result: Any, prose: str, full: str = "") -> Any | None:
    """A PROVED result for ``step`` (undecided in ``result``) under the probabilities the text states before it
    (``prose``: the text before the step, its own display cut off; ``full``: the same text up to the step,
    for line numbers), or None."""
    full = full if full.startswith(prose) else prose
    from derive.errors import DeriveError  # noqa: PLC0415
    from derive.language.symbols import SymbolTable  # noqa: PLC0415
    from derive.latex.parser import parse_latex  # noqa: PLC0415
    from derive.model import Evidence, Method, Outcome, Relation, Result, Verdict  # noqa: PLC0415
    from derive.tiers._probability import conditional_normal_form, probability_functions  # noqa: PLC0415

    claim = getattr(step, "claim", None)
    if claim is None or claim.relation is not Relation.EQ or getattr(step, "kind", "step") != "step":
        return None
    if getattr(step, "uses", ()) or not isinstance(getattr(step, "line", None), int):
        return None
    if not any(n in prose for n in ("P(", "p(", "Pr", "P (")):
        return None
    symbols = dict(claim.symbols)
    declared = {n for n in symbols if n in _NAMES}
    try:
        table = SymbolTable(symbols)
        sides = (parse_latex(str(claim.lhs), table), parse_latex(str(claim.rhs), table))
    except (DeriveError, RecursionError, ValueError, TypeError):
        return None
    if not all(isinstance(s, sympy.Expr) for s in sides):
        return None
    names = probability_functions(sides, lambda n: n in _NAMES and n not in declared)
    if not names:
        return None
    try:
        found = statements_in(prose, table, step.line - full[len(prose) :].count("\n"))
    except (DeriveError, RecursionError, ValueError, TypeError):
        return None
    # a statement of a name the step binds (P(X = a) = 0.3, then a sum over a) is of one value, not each
    bound = _bound(sides)
    found = [s for s in found if _name(s[0]) in names and not (s[0].free_symbols & bound)]
    if not found:
        return None
    try:
        return _prove(
            sides,
            names,
            found,
            normal=conditional_normal_form,
            model=(Evidence, Method, Outcome, Result, Verdict),
            result=result,
        )
    except (RecursionError, ValueError, TypeError, AttributeError, sympy.PolynomialError):
        return None


def _prove(
    sides: tuple[sympy.Expr, sympy.Expr],
    names: set[str],
    found: list[Statement],
    *,
    normal: Any,
    model: tuple[Any, ...],
    result: Any,
) -> Any | None:
    Evidence, Method, Outcome, Result, Verdict = model  # noqa: N806
    rules: dict[sympy.Basic, tuple[sympy.Expr, int]] = {}
    equations: list[tuple[sympy.Expr, int]] = []

    def put_in(expr: sympy.Expr) -> tuple[sympy.Expr, set[int]]:
        used: set[int] = set()
        values = {t: v for t, (v, _) in rules.items()}
        for _ in range(_ROUNDS):
            hit = {t for t in values if expr.has(t)}
            if not hit:
                break
            used |= {rules[t][1] for t in hit}
            expr = expr.xreplace({t: values[t] for t in hit})
        return expr, used

    def follows(a: sympy.Expr, b: sympy.Expr) -> bool:
        forms = normal(a, names), normal(b, names)
        if forms[0] is None or forms[1] is None:
            return False
        return bool(sympy.simplify(put_in(forms[0] - forms[1])[0]) == 0)

    spans: list[list[int]] = []
    for k, statement in enumerate(found):
        if spans and found[spans[-1][0]][4] == statement[4]:
            spans[-1].append(k)
        else:
            spans.append([k])
    for span in spans:
        links = found[span[0]][5]
        # a display is the text's claim, not a given, unless each of its links follows from the givens before it
        # (its own definitions, values the prose states, displays that follow so): P(A \cap B) = 0.15 after
        # P(A) = 0.3 and P(B) = 0.5 states nothing
        if links is not None and not all(follows(a, b) for a, b in links):
            continue
        for k in span:
            atom, value = found[k][0], found[k][1]
            lhs, rhs = normal(atom, names), normal(value, names)
            if lhs is None or rhs is None:
                continue
            target, scale = _target(lhs)
            if target is None:
                continue
            equations.append((lhs - rhs, k))
            new = sympy.simplify(rhs * scale)
            # one rule per joint, the one holding the fewest other joints; the others are checked below
            if target not in rules or len(_joints(new)) < len(_joints(rules[target][0])):
                rules[target] = (new, k)
    if not rules:
        return None
    # the statements agree with each other under the values put in (two values for one probability: which
    # the step means is a guess)
    for residual, _k in equations:
        if sympy.simplify(put_in(residual)[0]) != 0:
            return None
    forms = normal(sides[0], names), normal(sides[1], names)
    if forms[0] is None or forms[1] is None:
        return None
    difference, used = put_in(forms[0] - forms[1])
    if not used or any(isinstance(a, AppliedUndef) and a in rules for a in sympy.preorder_traversal(difference)):
        return None
    if sympy.simplify(difference) != 0:
        return None
    said = "; ".join(f"{found[k][2]} (line {found[k][3]})" for k in sorted(used))
    summary = (
        f"proved with the probabilities the text states before the step: {said}; and the definition of "
        "conditional probability, P(A|B) = P(A,B)/P(B), wherever the conditioning events have positive "
        f"probability ({', '.join(sorted(names))} read as probability notation)"
    )
    ev = Evidence(Method.SYMBOLIC, summary, difference="0", route="stated probabilities")
    return Result(result.claim, Verdict.PROVED, Method.SYMBOLIC, result.seconds, (Outcome(Verdict.PROVED, ev),))


def _target(form: sympy.Expr) -> tuple[sympy.Basic | None, sympy.Expr]:
    """(the joint a statement of ``form`` gives a value, what the value is multiplied by): a lone joint J, or
    J / K for a conditional (J = value K)."""
    if isinstance(form, AppliedUndef):
        return form, sympy.S.One
    num, den = sympy.fraction(form)
    if isinstance(num, AppliedUndef) and isinstance(den, AppliedUndef):
        return num, den
    return None, sympy.S.One


def _bound(sides: Iterable[sympy.Basic]) -> set[sympy.Basic]:
    """The names a sum, product, integral or derivative of ``sides`` binds."""
    out: set[sympy.Basic] = set()
    for side in sides:
        for node in sympy.preorder_traversal(side):
            if isinstance(node, (sympy.Sum, sympy.Product, sympy.Integral)):
                out |= {lim[0] for lim in node.limits}
            elif isinstance(node, sympy.Derivative):
                out |= {v for v, _ in node.variable_count}
            elif isinstance(node, sympy.Lambda):
                out |= set(node.variables)
    return out


def _joints(expr: sympy.Basic) -> set[sympy.Basic]:
    return {a for a in sympy.preorder_traversal(expr) if isinstance(a, AppliedUndef)}


def _apps(expr: sympy.Basic) -> Iterable[AppliedUndef]:
    """The applications of ``expr`` but the marks the reader puts inside probabilities (events, the bar)."""
    return [
        a
        for a in sympy.preorder_traversal(expr)
        if isinstance(a, AppliedUndef) and _name(a) not in ("given", "parameters") and not _name(a).startswith("event")
    ]


def _name(node: sympy.Basic) -> str:
    return getattr(getattr(node, "func", None), "__name__", "") or str(getattr(node, "func", ""))


def conditioned_on_null(step: Any, prose: str, full: str = "") -> str | None:
    """Why a step proved "wherever the conditioning events have positive probability" says nothing here: the text
    states probability 0 for an event the step conditions on (``$P(B) = 0$``, then ``P(A|B) = ...``), or None."""
    from derive.errors import DeriveError  # noqa: PLC0415
    from derive.language.symbols import SymbolTable  # noqa: PLC0415
    from derive.latex.parser import parse_latex  # noqa: PLC0415

    claim = getattr(step, "claim", None)
    if claim is None or not isinstance(getattr(step, "line", None), int) or not re.search(r"=\s*0(?![.\d])", prose):
        return None
    try:
        table = SymbolTable(dict(claim.symbols))
        sides = (parse_latex(str(claim.lhs), table), parse_latex(str(claim.rhs), table))
        full = full if full.startswith(prose) else prose
        found = statements_in(prose, table, step.line - full[len(prose) :].count("\n"))
    except (DeriveError, RecursionError, ValueError, TypeError, AttributeError):
        return None
    conditions = {
        g
        for side in sides
        if isinstance(side, sympy.Basic)
        for a in sympy.preorder_traversal(side)
        if isinstance(a, AppliedUndef) and _name(a) == "given"
        for g in a.args
    }
    for atom, value, said, line, _span, links in found:
        if links is None and value == 0 and len(atom.args) == 1 and atom.args[0] in conditions:
            return (
                f"the text states {said} (line {line}): the step conditions on an event of probability 0, where the "
                "conditional probability is not defined"
            )
    return None
