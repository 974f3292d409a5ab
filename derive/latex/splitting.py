"""Splitting a display block into chains of relations, and chains into steps.

Splitting rules (the issue's): ``&`` and ``\\\\`` continue a chain: a row that begins with a
relation continues from the previous expression (numbering before it, ``\\nonumber &=``,
``\\label{..} &=``, ``\\tag{..} &=``, is layout); a row that begins with ``+``/``-`` continues the
expression unless it has a left side and a relation of its own (see `_next_row`: ``-B + C &= 0``
is an equation of its own, ``&\\quad - 2ab`` goes on, and with no alignment mark to tell, a
``-`` row with a relation is read as its own equation that is never refuted at a point). Rows
that are separate equations (``A &= 0 \\\\ B &= 1``) are often a system to solve (normal
equations, the conditions of an optimum) or definitions the next rows use: none of them is
refuted at a point on its own (`Step.annotated`), a proof or a refutation without one stands. A
block that begins with a relation continues the previous block's chain, one that begins with
``+`` continues its last expression, and one after a block that ends at a relation (``$$ a =
$$ $$ b $$``) gives that relation its right side. TeX comments are blanked first (see
`derive.latex.blocks.strip_comments`): a ``%`` line between rows is no row. Implication arrows
(``\\to``, ``\\Rightarrow``, ``\\implies``, ``\\xrightarrow{..}``, ``\\stackrel{..}{\\to}``, ...),
top-level ``,``/``;`` lists, definitions (``:=``) and ``\\sim``/``\\in`` start independent
statements; ``\\text{...}`` and ``\\quad`` annotations end the row (what follows is prose); a
``label:`` before the first relation is dropped. An ``&`` next to a relation is an alignment
mark in any block; elsewhere it separates columns in an alignment environment and is a stray
``&`` (an ``error`` step) outside one (see `_resolve_ampersands`). A block without a relation
has no step, and `Block.note` says why (a relation in a subscript or superscript, ``\\sum_{i=1}``,
is a range, not a claim: see `hidden_relation`); a block whose brackets do not balance and that
gives no step gets one ``error`` step naming it, so every block appears in the report. A
relation derive does not check (``\\ne``, ``\\ll``, ...) ends the statement and is reported as such.
``\\propto`` (equal up to a positive factor that does not depend on the variable, never an equality)
is a relation of its chain (`_Rel.proportional`, with the variable of ``\\propto_\\theta``): the steps
stage checks it in its variable or, with none, reports it as not checked (`_UNCHECKED_MEANING`).
``\\text``/``\\textrm`` of a word applied to a bracket (``\\text{var}[x]``, an acronym with a space:
``\\textrm{CE} (P, Q)``) is a function's name, kept in the side; ``\\hbox`` and ``\\mbox`` annotate like ``\\text``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from derive.errors import DeriveError
from derive.latex.blocks import _DISPLAY_ENVS, _Piece, strip_comments
from derive.latex.parser import brace_end, name_of
from derive.latex.tokens import _FUNCS, _ML_NAMES, _OPERATOR_NAMES
from derive.model import Relation

_INNER_ENVS = ("aligned", "split", "gathered", "alignedat", "multlined")
#: Environments whose ``&`` separates columns (see `_resolve_ampersands`).
_ALIGN_ENVS = frozenset({"align", "alignat", "flalign", "eqnarray", "aligned", "alignedat", "split"})
_MATRIX_ENVS = ("matrix", "pmatrix", "bmatrix", "vmatrix", "Bmatrix", "Vmatrix", "smallmatrix", "cases", "array")
_REL_CMDS = {
    "le": Relation.LE, "leq": Relation.LE, "leqslant": Relation.LE, "ge": Relation.GE, "geq": Relation.GE,
    "geqslant": Relation.GE, "lt": Relation.LT, "gt": Relation.GT, "approx": Relation.APPROX, "equiv": Relation.EQ,
}  # fmt: skip
_REL_CHARS = {"=": Relation.EQ, "<": Relation.LT, ">": Relation.GT, "≤": Relation.LE, "≥": Relation.GE,
              "≈": Relation.APPROX}  # fmt: skip
_ARROW_CMDS = frozenset(
    {
        "to", "rightarrow", "Rightarrow", "implies", "longrightarrow", "Longrightarrow", "iff", "Leftrightarrow",
        "leftrightarrow", "Longleftrightarrow", "mapsto", "therefore", "because", "impliedby", "Leftarrow",
        "leftarrow", "longleftarrow", "Longleftarrow",
    }
)  # fmt: skip
#: Equivalences: both sides are conditions (checking one direction would accept a = 2 <=> a^2 = 4).
_EQUIVALENCES = frozenset({"iff", "Leftrightarrow", "leftrightarrow", "Longleftrightarrow"})
#: Arrows that read "the statement before gives the one after": the next statement is a
#: conclusion whose premise is the previous one (``\\Leftarrow``, ``\\because``, ``\\mapsto`` only separate).
_FORWARD_ARROWS = frozenset(
    {
        "to", "rightarrow", "Rightarrow", "implies", "longrightarrow", "Longrightarrow",
        "therefore", "xrightarrow", "xRightarrow", "xLongrightarrow",
    }
)  # fmt: skip
_BREAK_CMDS = frozenset({"sim", "in", "notin", "ne", "neq", "propto", "doteq",
                         "subset", "subseteq", "ll", "gg", "forall", "exists", "colon"})  # fmt: skip
#: Relations that claim something derive does not check (≠, ≐, ∝, ≪, ≃, ≅, ≲, ≦, ...): the block
#: gets an error step naming them, so a wrong "2 + 2 \\geqq 5" cannot vanish from the report.
_UNCHECKED_RELS = frozenset(
    {"ne", "neq", "doteq", "propto", "ll", "gg", "simeq", "approxeq", "cong", "lesssim", "gtrsim", "geqq", "leqq",
     "prec", "succ", "preceq", "succeq", "asymp", "eqsim", "backsimeq", "lessapprox", "gtrapprox", "nleq", "ngeq"}
)  # fmt: skip
#: What a relation derive does not check claims, when a reader may take it for one it does check.
_UNCHECKED_MEANING = {
    "\\propto": "\\propto (equal up to a positive factor that does not depend on the variable, not an equality)",
}
_TEXT_CMDS = ("\\text", "\\textrm", "\\mbox", "\\hbox", "\\textit", "\\textbf", "\\intertext")
#: An annotation starting with one of these words is followed by another claim, not a condition.
#: "2 = 1 \\text{ plus } 1": a word naming an arithmetic operation is part of the side (which
#: derive then cannot read), never an annotation to drop
_ARITHMETIC_WORDS = re.compile(
    r"\s*(plus|minus|times|of|over|divided\s+by|multiplied\s+by|percent|squared|cubed|to\s+the|\d|\\%)(?![A-Za-z])",
    re.IGNORECASE,
)
_CLAIM_WORDS = re.compile(r"\s*[,;.]?\s*(and|also|i\.?e\.?)\b", re.IGNORECASE)
#: "x = 2 \\text{ or } x = 3": a disjunction, whose members are no claims (see `_Splitter.disjunction`).
_OR_WORDS = re.compile(r"\s*[,;]?\s*(?:or|either)\s*[,;]?\s*", re.IGNORECASE)
#: ... by a consequence of what came before: read as an arrow (premise, conclusion).
_THEN_WORDS = re.compile(
    r"\s*[,;.]?\s*(so|thus|hence|therefore|then|we get|which gives|giving|gives|yields|implies)\b", re.IGNORECASE
)
#: A leading annotation with one of these words makes what follows a condition, not a claim.
_IF_WORDS = re.compile(
    r"\s*[,;.]?\s*(if|suppose|assume|assuming|let|setting|solving|given|for|when|where|with|since)\b",
    re.IGNORECASE,
)
_OPERATOR_WORDS = frozenset({"tr", "Tr", "KL", "JS", "det", "log", "exp", "E"})
# File, shell and macro commands: reported where they appear (never obeyed); inside a step
# they make the step an error. \usepackage and friends in a preamble are harmless and not reported.
_HOSTILE = re.compile(
    r"\\(input|include|write18|write|immediate|openout|openin|read|def|edef|gdef|xdef|let|newcommand|"
    r"renewcommand|providecommand|catcode|csname|expandafter|special|directlua)(?![A-Za-z])"
)


# ----------------------------------------------------------------------------------------
# Splitting a block into statements and chains.


_TOKEN = re.compile(r"\\(?:[A-Za-z]+|.)|\s+|.", re.DOTALL)


@dataclass
class _Sep:
    kind: str  # "rel", "list", "arrow", "row", "drop", "label", "ignore"
    relation: Relation | None
    start: int
    end: int
    #: ``\\propto`` (a "rel" that claims proportionality), with the variable of ``\\propto_\\theta`` or "".
    proportional: bool = False
    variable: str = ""


def _group_end(text: str, i: int) -> int:
    """Given ``text[i] == '{'``, the index just after its matching ``}`` (or len(text))."""
    end = brace_end(text, i)
    return end if end >= 0 else len(text)


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


_OPENERS = frozenset({"{", "(", "[", "\\{", "\\langle", "\\lfloor", "\\lceil"})
_CLOSERS = frozenset({"}", ")", "]", "\\}", "\\rangle", "\\rfloor", "\\rceil"})


def _scan_separators(  # noqa: PLR0915 - one linear pass, one state
    tex: str, *, align: bool = False
) -> tuple[list[_Sep], bool]:
    """Top-level separators of a block's LaTeX, and whether its brackets balance.

    ``align``: the block is an alignment environment (``align``, ``eqnarray``, ...); an
    ``\\begin{aligned}`` inside the block makes what follows one too.
    """
    seps: list[_Sep] = []
    depth = 0
    aligning = 1 if align else 0
    balanced = True
    i, n = 0, len(tex)
    lead = re.match(r"\s*\{\s*\d+\s*\}", tex) if align else None
    if lead:  # the column count of a display alignat, \begin{alignat}{2} ...
        seps.append(_Sep("ignore", None, 0, lead.end()))
        i = lead.end()
    while i < n:
        m = _TOKEN.match(tex, i)
        assert m is not None
        tok, start = m.group(), i
        i = m.end()
        if tok.isspace():
            continue
        if tok in ("\\left", "\\right", "\\bigl", "\\bigr", "\\Bigl", "\\Bigr", "\\biggl", "\\biggr"):
            depth += 1 if tok in ("\\left", "\\bigl", "\\Bigl", "\\biggl") else -1
            j = _skip_space(tex, i)
            d = _TOKEN.match(tex, j) if j < n else None
            if d is not None:
                i = d.end()  # the delimiter belongs to \left / \right
            continue
        if tok in _OPENERS:  # \\langle x, y \\rangle: the comma is inside, no list
            depth += 1
            continue
        if tok in _CLOSERS:
            depth -= 1
            if depth < 0:
                balanced, depth = False, 0
            continue
        if tok in ("\\begin", "\\end"):
            j = _skip_space(tex, i)
            if j < n and tex[j] == "{":
                end = _group_end(tex, j)
                name = tex[j + 1 : end - 1].strip().rstrip("*")
                if name in _INNER_ENVS or name in _DISPLAY_ENVS:
                    if tok == "\\begin" and name in ("alignat", "alignedat"):
                        k = _skip_space(tex, end)
                        if k < n and tex[k] == "{":
                            end = _group_end(tex, k)  # {3}: the number of columns, not a factor
                    seps.append(_Sep("env", None, start, end))
                    if name in _ALIGN_ENVS:
                        aligning += 1 if tok == "\\begin" else -1
                elif tok == "\\begin":
                    depth += 1
                else:
                    depth -= 1
                i = end
            continue
        if depth > 0:
            continue
        if tok == "&":
            seps.append(_Sep("amp" if aligning > 0 else "stray", None, start, i))
        elif tok in ("\\\\", "\\cr"):  # \\cr: plain TeX's end of row
            j = _skip_space(tex, i)
            if tok == "\\\\" and j < n and tex[j] == "[":  # \\[2pt]
                close = tex.find("]", j)
                i = close + 1 if close > 0 else i
            seps.append(_Sep("row", None, start, i))
        elif tok in _REL_CHARS:
            relation = _REL_CHARS[tok]
            if tok in "<>" and i < n and tex[i] == "=":
                relation, i = (Relation.LE if tok == "<" else Relation.GE), i + 1
            seps.append(_Sep("rel", relation, start, i))
        elif tok == ":":
            if i < n and tex[i] == "=":
                seps.append(_Sep("defn", Relation.EQ, start, i + 1))  # a definition: read, never checked
                i += 1
            else:
                seps.append(_Sep("label", None, start, i))
        elif tok in (",", ";"):
            seps.append(_Sep("list", None, start, i))
        elif tok in ("\\lor", "\\vee"):
            seps.append(_Sep("or", None, start, i))
        elif tok.startswith("\\") and tok[1:] in _REL_CMDS:
            seps.append(_Sep("rel", _REL_CMDS[tok[1:]], start, i))
        elif tok in ("\\coloneqq", "\\triangleq", "\\defeq"):
            seps.append(_Sep("defn", Relation.EQ, start, i))
        elif tok.startswith("\\") and tok[1:] in _EQUIVALENCES:
            seps.append(_Sep("iff", None, start, i))  # both sides are conditions, neither a claim
        elif tok.startswith("\\") and tok[1:] in _ARROW_CMDS:
            seps.append(_Sep("arrow" if tok[1:] in _FORWARD_ARROWS else "list", None, start, i))
        elif tok in ("\\xrightarrow", "\\xleftarrow", "\\xRightarrow", "\\xLongrightarrow"):
            j = _skip_space(tex, i)
            if j < n and tex[j] == "[":
                close = tex.find("]", j)
                j = _skip_space(tex, close + 1 if close > 0 else j)
            if j < n and tex[j] == "{":
                j = _group_end(tex, j)
            seps.append(_Sep("arrow" if tok[1:] in _FORWARD_ARROWS else "list", None, start, j))
            i = j
        elif tok in ("\\stackrel", "\\overset", "\\underset"):
            j = _skip_space(tex, i)
            first_end = _group_end(tex, j) if j < n and tex[j] == "{" else j + 1
            k = _skip_space(tex, first_end)
            second_end = _group_end(tex, k) if k < n and tex[k] == "{" else k + 1
            base = tex[k:second_end].strip("{} \t\n")
            rel = _REL_CHARS.get(base) or _REL_CMDS.get(base.lstrip("\\"))
            arrow = "arrow" if base.lstrip("\\") in _FORWARD_ARROWS else "list"
            if rel and "?" in tex[j:first_end]:
                # "x^2 \\overset{?}{=} x": a question (does it hold?), not a claim
                seps.append(_Sep("unchecked", None, start, second_end))
            else:
                seps.append(_Sep("rel", rel, start, second_end) if rel else _Sep(arrow, None, start, second_end))
            i = second_end
        elif tok in _TEXT_CMDS and tex[:start].rstrip().endswith(("_", "^")):
            # "\\theta_\\text{MAP}", "x^\\text{new}": a script of a name, never an annotation
            j = _skip_space(tex, i)
            i = _group_end(tex, j) if j < n and tex[j] == "{" else j
        elif tok in _TEXT_CMDS:
            j = _skip_space(tex, i)
            end = _group_end(tex, j) if j < n and tex[j] == "{" else j
            word = tex[j + 1 : end - 1].strip() if end > j else ""
            if (tok == "\\text" and word in _OPERATOR_WORDS) or word.rstrip(".") in ("const", "constant"):
                # "+ \\text{const}" is the additive-constant idiom, an operand (see `additive_constant`)
                i = end
                continue
            if _text_operand(tex, start, end):
                # "= \\text{# heads} \\cdot \\log\\theta + \\text{# tails} \\cdot ...": a quantity named in words
                # between operators is an operand; the reader reads it as a name or says it cannot
                i = end
                continue
            if _applied_text(tex, j, end):
                # "\\text{var}[x]", "\\text{softmax}(z)": an operator name applied to what follows
                # is mathematics, never an annotation to drop; the reader reads it or says it cannot
                i = end
                continue
            if _OR_WORDS.fullmatch(word):
                seps.append(_Sep("or", None, start, end))
                i = end
                continue
            if _leads(tex, seps, start):
                in_row = bool(seps) and seps[-1].kind in ("row", "amp")
                if not in_row and _starts_with_relation(_first_token(tex, end, n)):
                    continue  # "\\text{LHS} = ...": the text is an operand; the reader says it cannot read it
                if seps and seps[-1].kind == "list" and _THEN_WORDS.match(word):
                    # "2v - 4 = 0, \\text{ so } v = 2": the comma and the word make one arrow
                    seps[-1] = _Sep("arrow", None, seps[-1].start, end)
                    i = end
                    continue
                # "\\text{Suppose } k > 3": a condition; "\\text{Thus } a = b": an introduction
                seps.append(_Sep("cond" if _IF_WORDS.match(word) else "ignore", None, start, end))
            elif _ARITHMETIC_WORDS.match(word):
                i = end
                continue
            elif _CLAIM_WORDS.match(word):
                seps.append(_Sep("list", None, start, end))  # "a = b, \\text{ and } c = d": another claim
            elif _THEN_WORDS.match(word):
                seps.append(_Sep("arrow", None, start, end))  # "2w - 4 = 0 \\text{ gives } w = 2"
            else:
                seps.append(_Sep("drop", None, start, end))
            i = end
        elif tok in ("\\quad", "\\qquad"):
            if _leads(tex, seps, start):
                # "a = b, \\quad c = d" or "&\\qquad + 2x": spacing, not an annotation
                seps.append(_Sep("ignore", None, start, i))
                continue
            # an annotation follows; a relation after it is read as a condition (see the splitter)
            seps.append(_Sep("drop", None, start, i))
        elif tok in ("\\phantom", "\\hphantom", "\\vphantom", "\\hspace"):
            j = _skip_space(tex, i)
            end = _group_end(tex, j) if j < n and tex[j] == "{" else j
            seps.append(_Sep("ignore", None, start, end))  # invisible: "&\\phantom{=} + 1"
            i = end
        elif tok == "\\propto":
            # a claim "equal up to a positive factor that does not depend on the variable": a relation of
            # the chain, checked as such where derive can name the variable (`derive.latex.steps`)
            j = _skip_space(tex, i)
            variable = ""
            if j < n and tex[j] == "_":
                k = _skip_space(tex, j + 1)
                sub = _TOKEN.match(tex, k) if k < n else None
                if sub is not None:
                    end = _group_end(tex, k) if tex[k] == "{" else sub.end()
                    variable = tex[k + 1 : end - 1].strip() if tex[k] == "{" else sub.group()
                    i = end
            seps.append(_Sep("rel", Relation.EQ, start, i, proportional=True, variable=variable))
        elif tok.startswith("\\") and tok[1:] in _UNCHECKED_RELS:
            seps.append(_Sep("unchecked", None, start, i))  # a claim derive does not check: said, not dropped
        elif tok.startswith("\\") and tok[1:] in _BREAK_CMDS:
            seps.append(_Sep("list", None, start, i))
        elif tok in ("\\nonumber", "\\notag", "\\displaystyle"):
            seps.append(_Sep("ignore", None, start, i))
        elif tok in ("\\tag", "\\label"):
            j = _skip_space(tex, i)
            if tok == "\\tag" and j < n and tex[j] == "*":
                j = _skip_space(tex, j + 1)  # \\tag*{(i)}: a tag without parentheses
            end = _group_end(tex, j) if j < n and tex[j] == "{" else j
            seps.append(_Sep("ignore", None, start, end))
            i = end
    if depth != 0:
        balanced = False
    return _resolve_ampersands(tex, seps), balanced


#: A relation inside what an annotation drops (``\\quad (x, y > 0)``, ``\\text{for all } x \\ne 0``).
_CONDITION_INSIDE = re.compile(r"[<>=≤≥]|\\(?:le|ge|leq|geq|lt|gt|neq|ne|in|notin|leqslant|geqslant)(?![A-Za-z])")

#: Words in a dropped annotation that make the statement conditional ("(valid for positive reals)").
_ANNOTATION_CONDITION = re.compile(
    r"\b(if|when|whenever|assum\w*|suppos\w*|unless|provided|given|for|where|valid|s\.\s*t\.|such\s+that|with|only)\b",
    re.IGNORECASE,
)
#: An annotation that states where a statement does not hold: its relations give no kinds.
_NEGATED = re.compile(r"\b(except|unless|not|otherwise|fails?|never|but|outside|excluding)\b", re.IGNORECASE)
_UNIVERSAL = re.compile(r"\b(for\s+(all|every|any|each))\b|\\forall", re.IGNORECASE)
#: A reason that states a property of a name (``\\text{since $A$ is symmetric}``): the statement holds
#: under it, a condition derive does not read, so it is not refuted at a point on its own.
_PROPERTY_REASON = re.compile(r"\b(?:since|because|as|using)\b[^$]{0,40}\$[^$]{1,60}\$\s*(?:is|are)\b", re.IGNORECASE)

_APPLIED = re.compile(r"\(|\[|\\\{|\\left\b|_|\^")


_ONE_NAME = re.compile(
    r"(?:\\(?:quad|qquad|[,;: ])|~|\s)*(?:\\[A-Za-z]+|[A-Za-z])(?:\s*_\s*(?:\{[^{}]*\}|[A-Za-z0-9]))?"
    r"(?:\s*,\s*(?:\\[A-Za-z]+|[A-Za-z])(?:\s*_\s*(?:\{[^{}]*\}|[A-Za-z0-9]))?)*\s*"
)
_BOUND_RELATIONS = frozenset({Relation.LT, Relation.GT, Relation.LE, Relation.GE})


def _constrains_one_name(tex: str, seps: list[_Sep], k: int) -> bool:
    """Whether what follows the list separator ``seps[k]`` bounds single names (``a > 0``,
    ``\\quad x \\in \\mathbb{R}``, ``x, y > 0``): a condition of the statement before, not a claim."""
    j = k + 1
    while (
        j < len(seps)
        and seps[j].kind in ("ignore", "list")
        and tex[seps[j].start : seps[j].end]
        not in (
            "\\in",
            "\\notin",
        )
    ):
        if seps[j].kind == "list" and tex[seps[j].start : seps[j].end].strip() not in (",",):
            return False
        j += 1
    if j >= len(seps):
        return False
    nxt = seps[j]
    membership = nxt.kind == "list" and tex[nxt.start : nxt.end] in ("\\in", "\\notin")
    if not membership and not (nxt.kind == "rel" and nxt.relation in _BOUND_RELATIONS):
        return False
    segment = tex[seps[k].end : nxt.start]
    if _ONE_NAME.fullmatch(segment) is None:
        return False
    try:
        for part in segment.split(","):
            cleaned = re.sub(r"\\(?:quad|qquad|[,;: ])|~", " ", part).strip()
            name_of(cleaned)
    except DeriveError:
        return False
    return True


#: An annotation naming the variable of a proportionality: ``\\quad \\text{(in } \\theta)``,
#: ``\\text{as a function of } \\mu``, ``\\text{w.r.t. } x``.
_VARIABLE_WORDS = re.compile(
    r"(?:\\q?quad\s*)*\\(?:text|textrm|mbox|hbox)\s*\{\s*\(?\s*(?:in|as\s+a\s+function\s+of|w\.\s*r\.\s*t\.?)\s*\}"
    r"\s*(?P<v>\\[A-Za-z]+|[A-Za-z])\s*(?:\\text\s*\{\s*\)\s*\}|\))?\s*[.,]?\s*"
)


def _name_variable(chain: _Chain | None, dropped: str) -> None:
    """Give the ``\\propto`` relations of ``chain`` the variable an annotation after it names, where
    none is written on them (``\\propto_\\theta`` wins)."""
    m = _VARIABLE_WORDS.fullmatch(dropped)
    if chain is None or m is None:
        return
    for rel in chain.rels:
        if rel.proportional and not rel.variable:
            rel.variable = m.group("v")


_OPERAND_BEFORE = re.compile(r"(?:[=+\-*/{]|\\cdot|\\times)\s*$")
_OPERAND_AFTER = re.compile(r"\s*(?:[+\-*/}=<>]|\\(?:cdot|times|leq?|geq?)(?![A-Za-z]))")


def _text_operand(tex: str, start: int, end: int) -> bool:
    """Whether the ``\\text{...}`` group at ``tex[start:end]`` stands between operators (or opens a group
    and is followed by one), so it is a quantity named in words, not an annotation of the row."""
    return _OPERAND_BEFORE.search(tex, 0, start) is not None and _OPERAND_AFTER.match(tex, end) is not None


def _applied_text(tex: str, j: int, end: int) -> bool:
    """Whether the ``\\text{...}`` group ``tex[j:end]`` is one word applied to a bracket that
    follows it at once (``\\text{var}[x]``), rather than prose (``\\text{Thus } (a+b)^2``)."""
    word = tex[j + 1 : end - 1]
    if not re.fullmatch(r"[A-Za-z]+", word):
        return False
    if _APPLIED.match(tex, end) is not None:
        return True
    # "\\textrm{CE} (P, Q)", "\\textrm{MSE} (a, b)", "\\textrm{Var} [x]": an acronym or an operator the
    # reader knows is a function's name, not prose, even with a space before its argument bracket
    # (a word of prose is not written in capitals, and is no operator's name)
    named = bool(re.fullmatch(r"[A-Z]{2,6}", word)) or word in _OPERATOR_NAMES or word in _ML_NAMES or word in _FUNCS
    return named and _APPLIED.match(tex, _skip_space(tex, end)) is not None


def _leads(tex: str, seps: list[_Sep], start: int) -> bool:
    """Whether position ``start`` opens a statement, row or cell (nothing but a separator before it)."""
    if tex[seps[-1].end if seps else 0 : start].strip():
        return False
    return not seps or seps[-1].kind in ("list", "row", "amp", "env", "ignore")


def _resolve_ampersands(tex: str, seps: list[_Sep]) -> list[_Sep]:
    """Decide what each top-level ``&`` is.

    An ``&`` next to a relation (``&=``, ``= &``), at the start or end of the block or of a
    row, or next to another separator or annotation is an alignment mark and is ignored,
    in every kind of block. Markdown authors often write ``x &= y`` in a plain ``$$`` block
    and forget ``\\begin{aligned}``; MathJax would show an error there, but what the
    author meant is not in doubt. So is an ``&`` after a binary operator or before a ``+``
    (``A &+& B &=& C``, ``m x &+ b &= y``: the terms are aligned, the expression goes on; a
    column can begin with a minus sign, so ``&-`` is not one). Any other ``&`` is not: in an
    alignment environment it separates columns (``x &= 1 & y &= 2``), so it ends the statement; outside one it is a
    stray ``&`` and stays in the step's text, where the LaTeX reader refuses it ("a stray
    '&'"), so the step is an ``error`` naming it. Dropping it would join its neighbours
    into a product (``2 & 3 = 6`` read as 2·3 = 6) and accept a step nobody wrote.
    """
    amps = [k for k, sep in enumerate(seps) if sep.kind in ("amp", "stray")]
    if not amps:
        return seps

    def touches(k: int, step: int) -> int | None:
        """The neighbour of seps[k] in direction ``step``: an index, -1 for the block edge,
        None when text lies between."""
        j = k + step
        if step < 0:
            gap = tex[seps[j].end if j >= 0 else 0 : seps[k].start]
        else:
            gap = tex[seps[k].end : seps[j].start if j < len(seps) else len(tex)]
        if gap.strip():
            return None
        return j if 0 <= j < len(seps) else -1

    anchored = {k for k in amps if _beside_operator(tex, seps[k])}
    changed = True
    while changed:  # an anchored & anchors the & beside it (``&&`` before a comment)
        changed = False
        for k in amps:
            if k in anchored:
                continue
            for step in (-1, 1):
                j = touches(k, step)
                if j is None or (j >= 0 and seps[j].kind == "ignore"):
                    continue
                if j == -1 or seps[j].kind not in ("amp", "stray") or j in anchored:
                    anchored.add(k)
                    changed = True
                    break
    out: list[_Sep] = []
    for k, sep in enumerate(seps):
        if sep.kind not in ("amp", "stray"):
            out.append(sep)
        elif k in anchored:
            out.append(_Sep("ignore", None, sep.start, sep.end))
        elif sep.kind == "amp":
            out.append(_Sep("list", None, sep.start, sep.end))  # a column boundary
        # a stray & is left in the text
    return out


_OPERATOR_BEFORE = re.compile(r"(?:(?<!\\)[+\-]|\\(?:cdot|times|pm|mp))\s*$")
_OPERATOR_AFTER = re.compile(r"\s*(?:\+|\\(?:cdot|times|pm|mp)(?![A-Za-z]))")


def _beside_operator(tex: str, sep: _Sep) -> bool:
    """Whether the ``&`` ``sep`` stands after a binary operator or before a ``+``: it aligns terms."""
    return bool(_OPERATOR_BEFORE.search(tex, max(0, sep.start - 12), sep.start) or _OPERATOR_AFTER.match(tex, sep.end))


@dataclass
class _Expr:
    parts: list[tuple[int, int]]  # (start, end) offsets in the document
    blocks: set[int] = field(default_factory=set)  # the blocks its text comes from

    def text(self, read: Callable[[int, int], str]) -> str:
        """Its LaTeX; ``read(start, end)`` gives the document's text there (comments blanked)."""
        raw = " ".join(read(a, b) for a, b in self.parts)
        raw = " ".join(raw.split())
        if raw.endswith(".") and not raw.endswith("\\."):
            raw = raw[:-1].rstrip()
        return raw


@dataclass
class _Rel:
    relation: Relation
    offset: int
    block: int
    proportional: bool = False  # ``\\propto``: read as an equality of ratios only where checked as one
    variable: str = ""  # the variable of ``\\propto_\\theta`` ("" when not written)


@dataclass(eq=False)
class _Chain:
    exprs: list[_Expr] = field(default_factory=list)
    rels: list[_Rel] = field(default_factory=list)
    premise: _Chain | None = None  # the statement before an arrow that leads to this one
    arrow_after: bool = False  # an arrow follows: this statement is a premise
    after_arrow: bool = False  # an arrow leads to this statement (its premise may be unreadable)
    annotated: bool = False  # it follows an annotation (\\quad \\text{for ...}): a condition, not a claim
    defining: bool = False  # its first relation is := (\\coloneqq, \\triangleq): a definition, not a step
    conditions: str = ""  # the conditions its row states after it ("x, y > 0"): kinds for its names
    #: the equation of the row before, when this statement begins a row of its own ("A &= 0 \\\\ B &= 1"):
    #: a row of a chain of equations being solved may follow from it (see `derive.latex.steps`)
    row_before: _Chain | None = None


#: Layout that neither starts nor continues an expression: spacing, empty rows, phantoms,
#: equation numbering (``\\nonumber &= ...``, ``\\label{eq:1} &= ...``, ``\\tag*{} &= ...``).
_LAYOUT = frozenset({"&", "\\left", "\\right", "\\big", "\\Big", "\\quad", "\\qquad", "\\\\"})
_LAYOUT |= {"\\,", "\\;", "\\:", "\\!", "\\ ", "\\cr", "\\nonumber", "\\notag", "\\displaystyle"}
_LAYOUT_GROUPS = frozenset(
    {"\\begin", "\\end", "\\phantom", "\\hphantom", "\\vphantom", "\\hspace", "\\label", "\\tag"}
)


def _first_token(tex: str, start: int, end: int, *, skip_text: bool = False) -> str:
    """The first token of ``tex[start:end]`` that is mathematics, not layout.

    Spacing (``&\\qquad + 2x``, ``&\\phantom{=} + 1``), numbering (``\\nonumber``, ``\\tag{2}``)
    and empty rows (``\\\\ \\\\``) are skipped, so a continuation row is recognised by its ``+`` or ``=``.
    """
    return _lead(tex, start, end, skip_text=skip_text)[0]


def _lead(tex: str, start: int, end: int, *, skip_text: bool = False) -> tuple[str, int]:
    """`_first_token` and where it starts (``("", end)`` when there is none)."""
    j = start
    while j < end:
        m = _TOKEN.match(tex, j)
        assert m is not None
        tok = m.group()
        if tok in _LAYOUT_GROUPS or (skip_text and tok in _TEXT_CMDS):
            k = _skip_space(tex, m.end())
            if tok == "\\tag" and k < end and tex[k] == "*":
                k = _skip_space(tex, k + 1)
            j = _group_end(tex, k) if k < end and tex[k] == "{" else m.end()
            continue
        if tok == "\\\\":
            k = _skip_space(tex, m.end())
            j = tex.find("]", k) + 1 if k < end and tex[k] == "[" and "]" in tex[k:end] else m.end()
            continue
        if not tok.isspace() and tok not in _LAYOUT:
            return tok, j
        j = m.end()
    return "", end


_ENV_NAME = re.compile(r"\{\s*([A-Za-z]+)")
_OPENED_ENV = re.compile(r"\\begin\s*\{\s*([A-Za-z]+)\*?\s*\}\s*$")
#: What ends a row's own statement: after an annotation, a list or an arrow, a relation is another's.
_ROW_ENDS = frozenset({"row", "drop", "cond", "arrow", "list", "iff", "unchecked", "defn"})


def _next_row(tex: str, seps: list[_Sep], k: int, env: str) -> str:
    """How the row after the row break ``seps[k]`` goes on, in environment ``env``.

    ``"continue"``: it goes on with the chain (``&= c``) or with its last expression (``&\\quad
    - 2ab``, ``\\cdot x``, a ``+``/``-`` row without a relation of its own, any row of ``multline``,
    one equation broken over lines); ``"new"``: it is an equation of its own (``c &= d``; ``-B + C
    &= 0`` whose alignment mark stands at its own relation, not before its sign; a ``-`` row of
    ``gather``, whose rows are separate equations); ``"either"``: a ``-`` row with a relation and
    no alignment mark to tell (``x = a \\\\ - b = c``), where both readings are plausible.
    """
    lead, at = _lead(tex, seps[k].end, len(tex), skip_text=True)
    if _starts_with_relation(lead) or lead in ("\\cdot", "\\times") or _decorated_relation(tex, lead, at):
        return "continue"
    if lead not in ("+", "-"):
        return "new"
    rel = None
    for j in range(k + 1, len(seps)):
        if seps[j].kind == "rel" and seps[j].start > at:
            rel = j
            break
        if seps[j].kind in _ROW_ENDS:
            break
    if rel is None or env.startswith("multline"):
        return "continue"
    marks = [seps[j].start for j in range(k + 1, rel) if tex[seps[j].start : seps[j].end] == "&"]
    if any(m < at for m in marks):
        return "continue"  # "& + b^2 = c": the sign stands after the alignment mark, in the right column
    if marks or env.startswith("gather"):
        return "new"
    return "either" if lead == "-" else "continue"  # no equation of its own begins with "+"


#: Layout at the end of a row: spacing, alignment marks, numbering.
_TRAILING_LAYOUT = re.compile(r"(?:\s+|&|\\[,;:! ]|\\q?quad|\\(?:nonumber|notag)|\\(?:label|tag\*?)\s*\{[^{}]*\})$")
#: A binary operator: an expression cannot end with one, so a row that does goes on in the next.
#: (``x^*``, ``A^+``, ``\\mathbb{R}_+``: a script, not an operator.)
_OPEN_OPERATOR = re.compile(r"(?:(?<![\^_])[-+*/]|\\(?:cdot|times|pm|mp|div|circ|otimes|odot))$")


def _row_before(tex: str, seps: list[_Sep], k: int) -> str:
    """The text of the row that the row break ``seps[k]`` ends, without its trailing layout."""
    start = next((seps[j].end for j in range(k - 1, -1, -1) if seps[j].kind == "row"), 0)
    row = tex[start : seps[k].start]
    while (m := _TRAILING_LAYOUT.search(row)) is not None and m.start() < len(row):
        row = row[: m.start()]
    return row


def _broken_expression(tex: str, seps: list[_Sep], k: int) -> bool:
    """Whether the row break ``seps[k]`` falls inside an expression: the row before ends with a binary
    operator (``\\cdot \\\\ &\\exp[..]``), or splits a bracket with invisible delimiters (``\\left[ a
    \\right. \\\\ &\\left. + b \\right]``, the usual way to break a long bracket)."""
    row = _row_before(tex, seps, k)
    if _OPEN_OPERATOR.search(row) is not None:
        return True
    if re.search(r"\\right\s*\.$", row) is None:
        return False
    lead, at = _lead(tex, seps[k].end, len(tex), skip_text=True)
    return lead == "." and re.search(r"\\left\s*$", tex[seps[k].end : at]) is not None


def _decorated_relation(tex: str, lead: str, at: int) -> bool:
    """Whether ``tex[at:]`` is ``\\overset{..}{=}``/``\\underset{..}{\\le}``: a relation with a note over
    or under it (a decorated letter, ``\\overset{\\circ}{x}``, is no relation)."""
    if lead not in ("\\overset", "\\underset"):
        return False
    j = _skip_space(tex, at + len(lead))
    first_end = _group_end(tex, j) if j < len(tex) and tex[j] == "{" else j + 1
    k = _skip_space(tex, first_end)
    second_end = _group_end(tex, k) if k < len(tex) and tex[k] == "{" else k + 1
    base = tex[k:second_end].strip("{} \t\n")
    return base in _REL_CHARS or base.lstrip("\\") in _REL_CMDS


def _row_relation(tex: str, seps: list[_Sep], k: int) -> bool:
    """Whether the row after the row break ``seps[k]`` states a relation of its own."""
    for j in range(k + 1, len(seps)):
        if seps[j].kind == "rel":
            return True
        if seps[j].kind in _ROW_ENDS:
            return False
    return False


def _starts_with_relation(tok: str) -> bool:
    return tok in _REL_CHARS or (tok.startswith("\\") and tok[1:] in _REL_CMDS) or tok in ("\\stackrel", "\\propto")


#: What may stand between two displays that one expression runs across: delimiters, environments.
_LAYOUT_GAP = re.compile(r"\\(?:begin|end)\s*\{[^{}]*\}|\\[\[\]()]|\$+|\\label\s*\{[^{}]*\}")
_PROSE_WORD = re.compile(r"[A-Za-z]{2,}")


class _Splitter:
    """Walks the blocks in order, keeping the open chain across rows and blocks."""

    def __init__(self, doc: str) -> None:
        self.doc = doc
        self.chains: list[_Chain] = []
        self.chain: _Chain | None = None
        self.block_errors: dict[int, str] = {}
        self.flags: dict[int, set[str]] = {}  # what a block held, to say why it has no step
        self.block = 0  # the block being split
        self.arrowed = False  # an arrow was read and no statement has started since
        self.conditional = False  # the next statement is a condition (after \\iff)
        self.unchecked: dict[int, list[str]] = {}  # block -> relation commands it does not check
        self.last: _Chain | None = None  # the last closed statement with a relation
        self.pending: _Chain | None = None  # the premise of the next statement (after an arrow)
        self.row_before: _Chain | None = None  # the equation row the next statement's row follows
        #: In a disjunction ("x = 2 or x = 3"): the statements closed are its members, conditions, and an
        #: arrow after it has no premise derive reads
        self.disjunction = False
        self.listed: list[_Chain] = []  # statements of a comma list in the open row, before any arrow
        # the pieces whose TeX comments were blanked, by offset: their text is read from here
        self._starts: list[int] = []
        self._blanked: dict[int, str] = {}
        self._piece_end = 0  # where the last piece ended: the text between pieces is prose or layout

    def read(self, start: int, end: int) -> str:
        """The document's text from ``start`` to ``end`` (within one piece), comments blanked."""
        k = bisect.bisect_right(self._starts, start) - 1
        if k >= 0:
            offset = self._starts[k]
            text = self._blanked[offset]
            if end <= offset + len(text):
                return text[start - offset : end - offset]
        return self.doc[start:end]

    def close(self) -> None:
        if self.chain is not None and self.disjunction and self.chain.rels:
            self.chain.annotated = self.chain.arrow_after = True  # a member of a disjunction: a condition
        if self.chain is not None and (self.chain.rels or self.chain.exprs):
            self.chains.append(self.chain)
            if self.chain.rels:
                self.last = self.chain
        self.chain = None

    def new_chain(self, start: int) -> None:
        self.close()
        self.chain = _Chain([_Expr([])], [], premise=self.pending, after_arrow=self.arrowed, annotated=self.conditional)
        self.chain.row_before, self.row_before = self.row_before, None
        self.pending = None
        self.arrowed = self.conditional = False
        self._cursor = start

    def _dangling(self) -> bool:
        """Whether the open statement ends at a relation with nothing after it (``a =``, not ``a :=``)."""
        chain = self.chain
        return chain is not None and bool(chain.rels) and not chain.defining and not chain.exprs[-1].blocks

    def arrow(self) -> None:
        """An implication arrow: the statement before it is the premise of the next one."""
        current = self.chain
        empty = current is None or not any(e.parts for e in current.exprs)
        premise = current if current is not None and current.rels else (self.last if empty else None)
        for member in self.listed:
            # "x + y = 3, x - y = 1 \\implies ...": every member of a list before an arrow is a condition (the
            # solving stage reads them as one system), never a claim refuted on its own
            member.arrow_after = member.annotated = True
        self.listed = []
        if self.disjunction and premise is not None:
            # "x = 2 or x = 3 \\implies ...": the premise is the whole disjunction, which derive does not read
            # as one; its last member is a condition like the others
            premise.arrow_after = premise.annotated = True
            premise = None
        self.close()
        self.disjunction = False
        if premise is not None:
            premise.arrow_after = True
        self.pending = premise
        self.arrowed = True

    def extend(self, start: int, end: int) -> None:
        if self.chain is None:
            if not self.read(start, end).strip():
                return  # nothing after an arrow at the end of a block: the premise waits for the next
            self.new_chain(start)
        assert self.chain is not None
        if end > start:
            self.chain.exprs[-1].parts.append((start, end))
            if self.read(start, end).strip():
                self.chain.exprs[-1].blocks.add(self.block)

    def piece(  # noqa: PLR0915 - one pass over the separators, one state
        self, piece: _Piece, block: int, first: bool, *, align: bool = False
    ) -> None:
        tex = strip_comments(piece.text)  # a comment between rows is no row (callers may pass raw text)
        if tex != piece.text and piece.offset not in self._blanked:
            bisect.insort(self._starts, piece.offset)
            self._blanked[piece.offset] = tex
        if block != self.block:
            self.row_before = None  # a row of another block follows no equation row of this one
            self.disjunction = False
            self.listed = []
        self.block = block
        seps, balanced = _scan_separators(tex, align=align)
        if not balanced:
            self.block_errors[block] = "unbalanced braces or brackets in this block"
        lead = _first_token(tex, 0, len(tex))
        base = piece.offset
        flags = self.flags.setdefault(block, set())
        if tex.strip():
            flags.add("text")
        gap, self._piece_end = self.doc[self._piece_end : base], base + len(piece.text)
        if first and lead == "+" and self.chain is not None and self.chain.exprs[-1].parts:
            flags.add("continued")  # "+ ..." continues the previous block's last expression
            if _PROSE_WORD.search(_LAYOUT_GAP.sub(" ", gap)):
                # "$$ (a-b)^2 \\ge 0 $$ Adding the bounds, $$ + 2ab \\ge 2ab $$": with prose between,
                # "+ ..." may add to both sides rather than go on: the joined step is no claim to refute
                self.chain.annotated = True
        elif _starts_with_relation(lead) and self.chain is not None and first:
            pass  # "= ..." continues the previous block's chain
        elif first and self._dangling() and lead not in (":", "\\coloneqq", "\\triangleq", "\\defeq"):
            flags.add("continued")  # "$$ a = $$ $$ b $$": the previous block ended at a relation
        else:
            self.new_chain(base)
        cursor = 0
        k = 0
        opened = _OPENED_ENV.search(self.doc, max(0, base - 40), base) if base else None
        outer = opened.group(1) if opened else ""  # the environment the piece is the body of
        envs: list[str] = []  # the environments opened inside the piece, innermost last
        # after a condition annotation ("\\text{at } a = 0, b = 0", "\\text{for } x, y > 0") the rest
        # of the row is conditions, comma-separated: none of them is a claim or a definition
        conditions_row = False
        stmt: _Chain | None = None  # the statement the row's conditions qualify
        cond_start = 0

        def qualify(chain: _Chain | None, start: int, said: str = "") -> None:
            nonlocal stmt, cond_start
            if _NEGATED.search(said):
                return  # "\\text{except when } x > 0": the statement is claimed outside that case
            if stmt is None and chain is not None and chain.rels:
                stmt, cond_start = chain, start

        def qualified(end: int) -> None:
            nonlocal stmt
            if stmt is not None:
                said = tex[cond_start:end]
                stmt.conditions = f"{stmt.conditions}, {said}" if stmt.conditions else said
            stmt = None

        while k < len(seps):
            sep = seps[k]
            self.extend(base + cursor, base + sep.start)
            cursor = sep.end
            if sep.kind == "rel":
                assert sep.relation is not None
                if self.chain is None:  # "= c" after an empty or annotation-only row
                    self.new_chain(base + sep.start)
                assert self.chain is not None
                self.chain.rels.append(_Rel(sep.relation, base + sep.start, block, sep.proportional, sep.variable))
                self.chain.exprs.append(_Expr([]))
            elif sep.kind == "defn" and (self.chain is None or self.chain.rels):
                self.close()  # "a = b := c": a definition cannot continue a chain
                self.last = self.pending = None
            elif sep.kind == "defn":
                flags.add("definition")
                self.chain.defining = True
                self.chain.rels.append(_Rel(Relation.EQ, base + sep.start, block))
                self.chain.exprs.append(_Expr([]))
            elif sep.kind == "list":
                bound_next = _constrains_one_name(tex, seps, k)
                if bound_next and self.chain is not None and self.chain.rels and not conditions_row:
                    # "\\log(ab) = \\log a + \\log b, \\quad a > 0, b > 0": conditions of the statement
                    self.chain.annotated = True
                    conditions_row = True
                    qualify(self.chain, sep.end)
                if tex[sep.start : sep.end] in ("\\in", "\\notin") and conditions_row and self.chain is not None:
                    self.chain.annotated = True  # "\\text{for } x \\in [0, 1]": the membership is a condition
                if self.chain is not None and self.chain.rels:
                    self.listed.append(self.chain)  # an arrow after the list makes it a premise (`arrow`)
                self.close()
                self.last = self.pending = None
                if conditions_row:
                    self.conditional = True
            elif sep.kind == "arrow":
                flags.add("arrow")
                self.arrow()
            elif sep.kind == "unchecked":
                said = tex[sep.start : sep.end]
                self.unchecked.setdefault(block, []).append(_UNCHECKED_MEANING.get(said, said))
                self.close()
                self.last = self.pending = None
            elif sep.kind == "cond":
                if self.chain is not None and self.chain.rels:
                    self.chain.annotated = True  # "|d| &= d && \\text{if } d \\ge 0": a case, not an identity
                qualify(self.chain, sep.end, tex[sep.start : sep.end])
                self.close()
                self.last = self.pending = None
                self.conditional = True
                conditions_row = True
            elif sep.kind == "iff":
                if self.chain is not None:
                    self.chain.annotated = True
                self.close()
                self.last = self.pending = None
                self.conditional = True
            elif sep.kind == "or":
                # "x = 2 \\text{ or } x = 3", "x = 2 \\lor x = 3": each member is a condition, none a claim,
                # and an arrow after them leads from the whole disjunction, which derive does not read
                self.disjunction = True
                self.close()
                self.last = self.pending = None
            elif sep.kind == "label":
                assert self.chain is not None
                if not self.chain.rels:
                    self.chain.exprs[-1].parts.clear()  # "itr 1: (1,1) = 1": the label is not maths
                else:
                    self.close()
            elif sep.kind == "drop":
                j = k + 1
                while j < len(seps) and seps[j].kind != "row" and seps[j].kind != "rel":
                    j += 1
                end_row = j
                while end_row < len(seps) and seps[end_row].kind != "row":
                    end_row += 1
                member = any(tex[seps[m].start : seps[m].end] in ("\\in", "\\notin") for m in range(k + 1, end_row))
                if member and self.chain is not None and self.chain.rels:
                    self.chain.annotated = True  # "r = r^2 \\quad \\text{for } r \\in \\{0, 1\\}"
                if j < len(seps) and seps[j].kind == "rel":
                    # "\\quad \\text{for } x > 0": what follows the annotation is read, but as a
                    # condition or justification (see `Step.annotated`), never dropped unseen; the
                    # statement it qualifies holds under it, so it is conditional too
                    if self.chain is not None and self.chain.rels:
                        self.chain.annotated = True
                    qualify(self.chain, sep.end, tex[sep.start : seps[j].start])
                    self.close()
                    self.new_chain(base + sep.end)
                    assert self.chain is not None
                    self.chain.annotated = True
                    conditions_row = True
                else:
                    # prose follows an annotation: skip to the end of the row; a relation in it
                    # ("\\quad (x, y > 0)") is a condition the statement holds under
                    cursor = seps[j].start if j < len(seps) else len(tex)
                    dropped = tex[sep.start : cursor]
                    _name_variable(self.chain, dropped)
                    conditional = (
                        _CONDITION_INSIDE.search(tex[sep.end : cursor])
                        or (_ANNOTATION_CONDITION.search(dropped) and not _UNIVERSAL.search(dropped))
                        or _PROPERTY_REASON.search(dropped)
                    )
                    if self.chain is not None and self.chain.rels and conditional:
                        self.chain.annotated = True
                        qualify(self.chain, sep.end, dropped)
                        qualified(cursor)
                    k = j - 1
            elif sep.kind == "env":
                name = _ENV_NAME.search(tex, sep.start, sep.end)
                if name is not None and tex.startswith("\\begin", sep.start):
                    envs.append(name.group(1))
                elif name is not None and envs:
                    envs.pop()
            elif sep.kind == "row":
                conditions_row = False
                self.listed = []
                qualified(sep.start)
                row = _next_row(tex, seps, k, envs[-1] if envs else outer)
                if row != "continue" and (self._dangling() or _broken_expression(tex, seps, k)):
                    # "a = \\\\ & b", "x \\cdot \\\\ & y": one expression broken over two rows
                    row = "continue"
                if row == "either":
                    # "x = a \\\\ - b = c" with no alignment mark: "a - b" continued, or a second
                    # equation "-b = c"? Read as two, but neither is refuted at a point on its own
                    if self.chain is not None and self.chain.rels:
                        self.chain.annotated = True
                        self.row_before = self.chain
                    self.close()
                    self.conditional = True
                elif row == "new":
                    if self.chain is not None and self.chain.rels and _row_relation(tex, seps, k):
                        # rows of separate equations ("A &= 0 \\\\ B &= 1"): often a system to solve
                        # (normal equations, conditions of an optimum), so none is refuted at a point
                        self.chain.annotated = True
                        self.row_before = self.chain
                        self.close()
                        self.conditional = True
                    self.close()
            k += 1
        self.extend(base + cursor, base + len(tex))
        qualified(len(tex))

    def steps(self) -> list[tuple[_Rel, str, str, _Chain, int]]:
        """(relation, lhs, rhs, statement, position in the statement) in document order."""
        self.close()
        out: list[tuple[_Rel, str, str, _Chain, int]] = []
        for chain in self.chains:
            for k, rel in enumerate(chain.rels):
                lhs = chain.exprs[k].text(self.read)
                rhs = chain.exprs[k + 1].text(self.read) if k + 1 < len(chain.exprs) else ""
                out.append((rel, lhs, rhs, chain, k))
        out.sort(key=lambda item: item[0].offset)
        return out


_RELATION_TOKENS = frozenset({"=", "<", ">", "≤", "≥", "≈"}) | {
    f"\\{name}" for name in ("le", "ge", "leq", "geq", "neq", "ne", "approx", "leqslant", "geqslant")
}


def hidden_relation(tex: str) -> bool:
    """Whether a block's LaTeX holds a relation outside every subscript and superscript.

    A block with no step asks this to tell relations the splitter cannot reach (inside
    ``\\underbrace{a = b}``, an array, cases) from an expression with none: ``=`` in
    ``\\sum_{i=1}^{n}``, ``\\int_{x=0}`` or ``\\mathbb{1}_{x > 0}`` is the range of a bound index or
    a condition, not a claim, so ``$$ \\sum_{i=1}^n x_i $$`` is an expression, not an unread step.
    """
    tex = strip_comments(tex)
    scripts: list[bool] = []  # per open brace group: whether it is (inside) a script
    script_next = False
    for m in _TOKEN.finditer(tex):
        tok = m.group()
        if tok.isspace():
            continue
        if tok in ("_", "^"):
            script_next = True
            continue
        inside = script_next or (bool(scripts) and scripts[-1])
        script_next = False
        if tok == "{":
            scripts.append(inside)
        elif tok == "}":
            if scripts:
                scripts.pop()
        elif tok in _RELATION_TOKENS and not inside:
            return True
    return False


def split_block(tex: str) -> list[tuple[str, Relation, str]]:
    """The steps of one block of LaTeX, as (lhs, relation, rhs) text triples.

    >>> split_block(r"a = b \\le c")
    [('a', <Relation.EQ: '=='>, 'b'), ('b', <Relation.LE: '<='>, 'c')]
    """
    s = _Splitter(tex)
    s.piece(_Piece(tex, 0), 1, first=False)
    return [
        (lhs, rel.relation, rhs)
        for rel, lhs, rhs, chain, k in s.steps()
        if not (chain.defining and k == 0) and not rel.proportional  # A \\propto B is no equality
    ]
