"""Where a row is solved from: the statement before it in the text (`derive.latex.solving` decides).

A step carries the document before it within its part (``Step.prose``). From it this module finds
the statement a row may be solved from, as the text wrote it:

- **the premise's whole chain**: ``\\ln c = \\frac{2e^2}{e^2-1} - 1 = \\frac{e^2+1}{e^2-1} \\Rightarrow c =
  ...``: the reader links the row to the last relation of the chain (two numbers), but the chain
  says ``\\ln c`` equals each member; `premise_chain` gives the members;
- **the display before**: "solve the characteristic equation: ``(18 - \\lambda)^2 - 81 = 0``", then, after a
  few words ("Simplifying:"), ``(18 - \\lambda)^2 = 81``: a row that begins its display may follow from the
  last statement of the display right before it (`previous_chain`), when the words around say the text
  solves (solve, root, zeros, eigenvalue, characteristic, setting ... to): two displays of
  identities in a row are no equation and its consequence. Nothing links them but their order, so
  only a row that follows is decided (proved); one that does not is left as it was.

Both give the members ``[a_0, a_1, ..., a_n]`` of ``a_0 = a_1 = ... = a_n`` as LaTeX, read by the
project's own reader from the text (so an inequality or an unreadable display gives nothing; the
members of a definition, ``p(\\lambda) = -\\lambda^3 + 2\\lambda + 1 = 0``, are equal all the same).
Every equation ``a_0 = a_k`` follows from such a statement. `premise_system` gives the
equations of a system the arrow leads from (``x + y = 3, \\ x - y = 1 \\implies x = 2``).
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING

from derive.model import Relation

if TYPE_CHECKING:
    from derive.latex.records import Step

__all__ = [
    "conclusion_display",
    "equation_before",
    "loose_random",
    "premise_chain",
    "premise_system",
    "previous_chain",
    "previous_conclusion",
    "several_statements",
    "solved_before",
]

_ENVS = r"equation|align|gather|multline|eqnarray"
_DISPLAY = re.compile(
    r"\$\$|\\\[|\\\]|\\begin\s*\{(?:" + _ENVS + r")\*?\}|\\end\s*\{(?:" + _ENVS + r")\*?\}",
)
_ARROW = re.compile(
    r"\\(?:Rightarrow|implies|Longrightarrow|longrightarrow|rightarrow|to|therefore|iff|Leftrightarrow|"
    r"xrightarrow|xRightarrow)(?![A-Za-z])"
    # "2v - 4 = 0, \\text{ so } v = 2": words the reader takes for an arrow (`derive.latex.splitting`)
    r"|\\(?:text|mathrm|textrm|mbox|textnormal)\s*\{\s*[,;.]?\s*(?:so|thus|hence|therefore|then|we get|which gives|"
    r"giving|gives|yields|implies)\b[^{}]*\}"
)
#: What a row that begins its display may not follow in its display: another relation, an arrow.
_RELATION = re.compile(r"=|<|>|\\(?:le|ge|leq|geq|neq|ne|approx|propto|sim|equiv)(?![A-Za-z])")
#: Words between two displays that start something else: a heading, an item, a case, inline math.
_NEW_PART = re.compile(
    r"(?m)^\s*#|\\(?:section|subsection|subsubsection|paragraph|item|part|chapter)\b|\$|\\\(|"
    r"\b(?:[Cc]ase|[Ff]or|[Ll]et|[Ss]uppose|[Ii]f|[Ww]hen|[Aa]ssume|[Nn]ow|[Pp]roblem|[Ee]xercise|[Pp]art)\b"
)
_GAP_LIMIT = 200  # characters of words between the two displays
#: Alternatives in a statement: "or" in words or symbols, a union, plus-minus.
_DISJUNCTION = re.compile(
    r"\\(?:lor|vee|cup|pm|mp)(?![A-Za-z])|\\(?:text|mathrm|textrm|mbox|textnormal|operatorname)\s*\{\s*or\s*\}"
    r"|(?<![A-Za-z\\])or(?![A-Za-z])"
)
#: Words that say the text solves an equation, in the words right before the display before or between the two.
_SOLVING = re.compile(
    # ("equation" alone is not one: "using the equation above" may stand between two identities)
    r"\b(?:solv\w*|roots?|zeros|eigenvalues?|characteristic|setting|set\s+(?:it|them|this|the\s+\w+)?\s*(?:to|equal)|"
    r"stationary|critical\s+points?)\b",
    re.IGNORECASE,
)
_CUE_WINDOW = 200  # characters before the display before, where the text says it solves
_TEXT_LIMIT = 1200  # characters of a display read again here


def premise_chain(step: Step) -> list[str] | None:
    """The members of the statement the arrow before ``step`` leads from, in the step's own display,
    when its last relation is the premise the reader linked (``Step.premise_sides``); else None."""
    text = _premise_text(step)
    if text is None or _DISJUNCTION.search(text):
        return None  # x = 2 \\lor x = 3 \\implies ...: no chain of equal members
    members = _last_statement(text)
    if members is None or len(members) < 3:
        return None  # one relation: the premise the reader already linked
    given = "".join(f"{members[-2]}={members[-1]}".split())
    said = next((u for u in step.uses if u.startswith("given ")), "")
    return members if given in "".join(said.split()) else None


def premise_system(step: Step) -> list[tuple[str, str]] | None:
    """The equations of every statement between the arrow before ``step`` and the arrow before that (or the
    start of the display): ``x + y = 3, \\ x - y = 1 \\implies x = 2``, a system the row is solved from;
    None unless there are two or more, equations all, the last being the premise the reader linked."""
    text = _premise_text(step)
    if text is None or _DISJUNCTION.search(text):
        return None  # x = 2 \\text{ or } x = 3: alternatives, not a system
    found = _steps(text)
    if found is None or len(found) < 2:
        return None
    if any(s.kind not in ("step", "definition") or s.error is not None or s.relation is not Relation.EQ for s in found):
        return None  # (a definition in the fragment is one more equation of the system)
    equations = [(s.lhs_tex, s.rhs_tex) for s in found]
    if step.premise is None:
        return equations  # the arrow leads from the whole list (`derive.latex.splitting`)
    given = "".join(f"{equations[-1][0]}={equations[-1][1]}".split())
    said = next((u for u in step.uses if u.startswith("given ")), "")
    return equations if given in "".join(said.split()) else None


def several_statements(step: Step) -> bool:
    """Whether the arrow before ``step`` leads from more than the one statement the reader linked as its
    premise: alternatives (``x = 2 \\text{ or } x = 3``, ``\\lor``, ``\\pm``) or a list (``x + y = 3,\\ x - y = 1``).
    Solved alone, that premise may have solutions the text excludes or lack ones it allows. Unreadable: True;
    no arrow found before the step (words the reader took for one): False."""
    text = _premise_text(step)
    if text is None:
        return False  # no arrow found in the display: the premise the reader linked stands as before
    if _DISJUNCTION.search(text):
        return True
    found = _steps(text)
    if not found:
        return True
    statements = 1
    for before, after in itertools.pairwise(found):
        if "".join(before.rhs_tex.split()) != "".join(after.lhs_tex.split()):
            statements += 1
    return statements > 1


def _premise_text(step: Step) -> str | None:
    """The LaTeX between the arrow before ``step`` and the arrow before that (or the start of the display),
    for a step the arrow leads to (a premise the reader linked, or one it could not read: a list, a system)."""
    if step.premise is None and not step.unread_premise:
        return None
    current = _current_display(step.prose)
    arrows = list(_ARROW.finditer(current or ""))
    if current is None or not arrows:
        return None
    start = arrows[-2].end() if len(arrows) > 1 else 0
    return current[start : arrows[-1].start()]


def previous_chain(step: Step, cue: bool = True, concluded: bool = True) -> list[str] | None:
    """The members of the last statement of the display right before ``step``'s, when ``step`` begins its
    display (no relation or arrow before it there), only a few plain words stand between them and (``cue``)
    the words around say the text solves. Without ``concluded``, None when that statement gives a name a
    value after an arrow: ``x^2 = 4 \\implies x = 2`` is a conclusion, which may name one root of several
    (`derive.latex.results_concluded` decides a row that rests on it)."""
    tex = _previous_display(step, cue)
    return None if tex is None else _last_statement(tex, concluded)


def previous_conclusion(step: Step) -> Step | None:
    """The first step of the statement `previous_chain` gives, read in its own display, when an arrow leads
    to it (``\\det(H - \\lambda I) = 0 \\Rightarrow (18 - \\lambda)^2 - 81 = 0``); else None."""
    tex = _previous_display(step, True)
    run = _last_run(_steps(tex) or []) if tex is not None else []
    return run[0] if run and run[0].premise is not None else None


def equation_before(prose: str, lhs: str, rhs: str) -> list[str] | None:
    """The members of the last statement of the display right before the last display of ``prose`` that
    holds only ``lhs = rhs`` (a value stated alone: ``$$x = 3$$``), when only a few plain words stand
    between the two; None otherwise."""
    spans = _spans(prose)  # (the step's own display is open at the end of the prose)
    if spans is None:
        return None
    closed = spans[0]
    wanted = "".join(f"{lhs}={rhs}".split())
    for k in range(len(closed) - 1, 0, -1):
        start, end, _ = closed[k]
        if "".join(prose[start:end].split()).rstrip(".,;") != wanted:
            continue
        b_start, b_end, b_after = closed[k - 1]
        gap = prose[b_after : _opener_start(prose, start)]
        if len(gap) > _GAP_LIMIT or _NEW_PART.search(gap):
            return None
        return _last_statement(prose[b_start:b_end])
    return None


def _previous_display(step: Step, cue: bool) -> str | None:
    """The LaTeX of the display right before ``step``'s under the conditions of `previous_chain`, or None."""
    if step.premise is not None:
        return None
    prose = step.prose
    spans = _spans(prose)
    if spans is None or len(spans[0]) == 0:
        return None
    closed, opened = spans
    current = prose[opened:]
    if _RELATION.search(current) or _ARROW.search(current):
        return None
    start, end, after = closed[-1]
    gap = prose[after : _opener_start(prose, opened)]
    if len(gap) > _GAP_LIMIT or _NEW_PART.search(gap):
        return None
    if cue and not _SOLVING.search(prose[max(0, start - _CUE_WINDOW) : start] + gap):
        # two displays of identities in a row ((x+1)^2 = x^2 + 1, then x^2 + 2x + 1 = x^2 + 1): the second
        # is equivalent to the first as an equation, but as an identity it is as false as the first
        return None
    return prose[start:end]


def solved_before(step: Step) -> str | None:
    """Why a row refuted at a point may be a condition solved from the display right before it (``(A -
    2I)\\mathbf{x} = \\mathbf{0}``, so ``x_1 - x_2 = 0``): that display ends in a zero, or the words say the
    text solves, and it uses every name of the row. None otherwise."""
    members = previous_chain(step, cue=False)
    if members is None:
        return None
    zero = _ZERO.fullmatch(members[-1]) is not None or _ZERO.fullmatch(members[0]) is not None
    if not zero and previous_chain(step) is None:
        return None
    from derive.latex.names import names_in  # noqa: PLC0415

    row = [names_in(t) for t in (step.lhs_tex, step.rhs_tex)]
    before = [names_in(m) for m in members]
    if any(r is None for r in [*row, *before]):
        return None
    used = set().union(*(r[0] for r in row if r is not None))
    said_before = set().union(*(b[0] for b in before if b is not None))
    known = said_before | {f"{base}_{k}" for base in said_before for k in range(1, 10)}  # x_1 of a vector x
    if not used or not used <= known:
        return None
    said = " = ".join(m.strip() for m in members)
    return (
        f"it may be a condition solved from the display right before it ({said}), not an identity: not refuted "
        "at a point on its own; write an arrow (\\Rightarrow) from that equation to have it checked as a "
        "consequence"
    )


#: A side that is zero: a number or a zero vector or matrix (``\\mathbf{0}``, ``\\vec{0}``, ``\\boldsymbol 0``).
_ZERO = re.compile(r"\s*(?:0|\\(?:mathbf|vec|boldsymbol|bm|mathbb)\s*\{?\s*0\s*\}?|\\(?:mathbf|vec)\s*0)\s*")


def _spans(prose: str) -> tuple[list[tuple[int, int, int]], int] | None:
    """The displays closed in ``prose`` ((content start, content end, end of the closing mark)) and where
    the content of the display still open at its end starts; None when none is open."""
    closed: list[tuple[int, int, int]] = []
    opened: int | None = None
    for m in _DISPLAY.finditer(prose):
        mark = m.group(0)
        closing = mark == "\\]" or mark.startswith("\\end") or (mark == "$$" and opened is not None)
        if closing and opened is not None:
            closed.append((opened, m.start(), m.end()))
            opened = None
        elif not closing:
            opened = m.end()
    if opened is None:
        return None
    return closed, opened


def _opener_start(prose: str, content: int) -> int:
    """Where the mark that opens the display whose content starts at ``content`` begins."""
    for m in _DISPLAY.finditer(prose):
        if m.end() == content:
            return m.start()
    return content


def _current_display(prose: str) -> str | None:
    spans = _spans(prose)
    return None if spans is None else prose[spans[1] :]


def conclusion_display(prose: str, lhs: str, rhs: str) -> tuple[Step, list[str], str, str] | None:
    """The step ``lhs = rhs`` after an arrow, as the reader finds it in the last display of ``prose`` that
    concludes it (read alone: its own premise, chain or system), the sides of every statement before it
    in that display, the words around it (from the end of the display before, or the start of ``prose``,
    to the end of ``prose``) and the text after that display; None when no display of ``prose`` concludes it."""
    spans = _spans(prose)
    if spans is None:
        return None
    closed, opened = spans
    wanted = ("".join(lhs.split()), "".join(rhs.split()))
    regions = [*closed, (opened, len(prose), len(prose))]
    for k, (start, end, after) in reversed(list(enumerate(regions))):
        tex = prose[start:end]
        if wanted[1] not in "".join(tex.split()) or not _ARROW.search(tex):
            continue
        found = _steps(tex) or []
        for j in range(len(found) - 1, -1, -1):
            s = found[j]
            if s.premise is None or ("".join(s.lhs_tex.split()), "".join(s.rhs_tex.split())) != wanted:
                continue
            before = [side for b in found[:j] for side in (b.lhs_tex, b.rhs_tex)]
            return s, before, prose[regions[k - 1][2] if k else 0 :], prose[after:]
    return None


def _steps(tex: str) -> list[Step] | None:
    """The steps the reader finds in a display's LaTeX, or None (too long, unreadable)."""
    if not tex.strip() or len(tex) > _TEXT_LIMIT:
        return None
    from derive.latex.document import read_document  # noqa: PLC0415 - the reader imports this package

    try:
        return [s for s in read_document(f"$$\n{tex}\n$$").steps if s.block == 1]
    except Exception:  # a fragment the reader cannot take is no statement
        return None


def _last_statement(tex: str, concluded: bool = True) -> list[str] | None:
    """The members of the last statement of a display's LaTeX, as the reader splits it, or None when it is
    no chain of equations the reader reads as steps (a definition, an inequality, an error)."""
    run = _last_run(_steps(tex) or [])
    if not run:
        return None
    if not concluded and (run[0].premise is not None or run[0].unread_premise) and _value_of_a_name(run[0]):
        return None  # x = 2 after an arrow: a value concluded (maybe one root of several), no equation stated
    if any(s.kind not in ("step", "definition") or s.error is not None or s.relation is not Relation.EQ for s in run):
        return None  # (p(\\lambda) = ... = 0: a definition's members are equal all the same)
    if len(run) == 1 and run[0].kind == "definition":
        return None  # a = 2x alone defines a (maybe anew: "Setting instead"): the definitions' rules decide
    return [run[0].lhs_tex, *(s.rhs_tex for s in run)]


def _last_run(steps: list[Step]) -> list[Step]:
    """The steps of the last statement (a chain ``a = b = c``) among ``steps``, in order."""
    if not steps:
        return []
    run = [steps[-1]]
    for s in reversed(steps[:-1]):
        if s.premise != run[0].premise or "".join(s.rhs_tex.split()) != "".join(run[0].lhs_tex.split()):
            break
        run.insert(0, s)
    return run


def _value_of_a_name(step: Step) -> bool:
    """Whether ``step`` gives a bare name a value (``x = 2``, ``\\lambda = -N``), as the reader records a
    conclusion after an arrow (`derive.latex.results_concluded` decides what rests on it)."""
    from derive.latex.names import definition_target, mentions  # noqa: PLC0415

    target = definition_target(step.lhs_tex)
    return target is not None and not mentions(step.rhs_tex, target[0])


#: Operators whose bracketed argument holds a random variable as a law, not as a value: E[X], Var(X), P(X = 2).
_LAW_OPERATOR = re.compile(
    r"(?:\\mathbb\s*\{\s*E\s*\}|\\operatorname\s*\{\s*(?:E|Var|Cov|Pr|P)\s*\}|\\mathrm\s*\{\s*(?:E|Var|Cov|P)\s*\}"
    r"|\\(?:E|Pr|Var|Cov)(?![A-Za-z])|(?<![A-Za-z\\])(?:E|P|Var|Cov)(?![A-Za-z]))"
    r"(?:\s*_\s*(?:\{[^{}]*\}|[A-Za-z0-9]))?\s*(?:\\left\s*)?[\[(]"
)
_CLOSE = {"[": "]", "(": ")"}


def loose_random(step: Step, route: str | None) -> str | None:
    """Why a row after an arrow refuted as an identity in a random variable is not refuted, or None.

    ``Let $x \\sim N(0, 1)$`` then ``x^2 - 4 = 0 \\implies x = 2``: the row states a value of x that the text
    derives from its premise; the law does not make it an identity in x. Only the exact solving of the
    premise (`derive.latex.solving.follows`, route "solving") refutes such a row. A random variable that
    stands only inside E[...], Var(...), P(...) is a law, and the row's refutation stands."""
    if step.premise is None or route == "solving" or not step.claim.random:
        return None
    row = _without_law_operators(f"{step.lhs_tex} {step.rhs_tex}")
    names = [name for name, _ in step.claim.random if _mentions(row, name)]
    if not names:
        return None
    said = ", ".join(names)
    return (
        f"after an arrow, the row is what the text derives from the statement before it, and {said} (random) "
        f"stands in it as a value, not as a law: it is no identity in {said}; derive did not solve the premise "
        "for it (write the premise as one equation in it to check the row)"
    )


def _without_law_operators(tex: str) -> str:
    """``tex`` with the bracketed argument of each E, Var, Cov, P removed (unbalanced: left as it is)."""
    out, at = [], 0
    for m in _LAW_OPERATOR.finditer(tex):
        if m.start() < at:
            continue
        opening = tex[m.end() - 1]
        depth, end = 0, None
        for i in range(m.end() - 1, len(tex)):
            if tex[i] == opening:
                depth += 1
            elif tex[i] == _CLOSE[opening]:
                depth -= 1
                if depth == 0:
                    end = i + 1
                    break
        if end is None:
            return tex  # not read: every name stays visible (the row is then not refuted)
        out.append(tex[at : m.start()])
        at = end
    out.append(tex[at:])
    return " ".join(out)


def _mentions(tex: str, name: str) -> bool:
    """Whether ``tex`` writes the name ``name`` (``x``, ``lambda`` as ``\\lambda``, ``x_1``) as a token."""
    base = re.escape(name.split("_", 1)[0])
    return re.search(rf"(?:\\|(?<![A-Za-z\\])){base}(?![A-Za-z])", tex) is not None
