"""What the prose declares: kinds of names (``\\sigma > 0``, ``n \\in \\mathbb{N}``), finite sets,
conditions after condition words and annotations.
"""

from __future__ import annotations

import re

from derive.errors import DeriveError
from derive.latex.parser import name_of
from derive.latex.splitting import _CONDITION_INSIDE

_PLAIN_NUMBER = re.compile(r"\s*-?\s*(\d+(\.\d+)?|\\[dt]?frac\s*\{\s*\d+\s*\}\s*\{\s*\d+\s*\}|\\frac\d\d)\s*")


def _is_number(tex: str) -> bool:
    return _PLAIN_NUMBER.fullmatch(tex) is not None


#: Inline declarations: ``x \in \mathbb{R}``, ``x, y \in \mathbb{R}^n``, ``p \in [0, 1]``, ``\sigma > 0``.
_DECLARED_IN = re.compile(r"(?P<names>[^=<>]+?)\\in(?![A-Za-z])\s*(?:\\mathbb\s*\{?\s*[RNZQC]|\\\{|\[|\()")
_DECLARED_BY = re.compile(r"(?P<names>[^=<>]+?)(?:>|<|\\geq?|\\leq?|\\gt|\\lt)(?![A-Za-z])\s*=?\s*-?\s*\d+(\.\d+)?\s*$")


_SET_KINDS = (
    (re.compile(r"\\mathbb\s*\{?\s*N\s*\}?(?:\s*_\s*\{?\s*(?:\+|>\s*0|\\geq?\s*1)\s*\}?)?"), "positive integer"),
    (
        re.compile(r"\\mathbb\s*\{?\s*Z\s*\}?\s*(?:\^\s*\{?\s*\+\s*\}?|_\s*\{?\s*(?:\+|>\s*0|\\geq?\s*1)\s*\}?)"),
        "positive integer",
    ),
    (re.compile(r"\\mathbb\s*\{?\s*Z\s*\}?"), "integer"),
    (re.compile(r"\\mathbb\s*\{?\s*R\s*\}?\s*(?:\^\s*\{?\s*\+\s*\}?|_\s*\{?\s*(?:\+|>\s*0)\s*\}?)"), "positive"),
    (re.compile(r"\\mathbb\s*\{?\s*R\s*\}?\s*_\s*\{?\s*(?:\\geq?\s*0)\s*\}?"), "nonnegative"),
    (re.compile(r"\\mathbb\s*\{?\s*R\s*\}?\s*\^\s*\{?\s*(\d+)\s*\}?"), "vector {0}"),
    (re.compile(r"\\mathbb\s*\{?\s*R\s*\}?\s*\^\s*\{\s*(\d+)\s*(?:\\times|x)\s*(\d+)\s*\}"), "matrix {0}x{1}"),
    (re.compile(r"\\mathbb\s*\{?\s*R\s*\}?"), "real"),
    (re.compile(r"(?:\\left\s*)?\(\s*0\s*,\s*1\s*(?:\\right\s*)?\)"), "probability"),
)
_BOUND_KINDS = {(">", "0"): "positive", ("\\gt", "0"): "positive", ("\\ge", "0"): "nonnegative",
                ("\\geq", "0"): "nonnegative", ("<", "0"): "negative", ("\\lt", "0"): "negative"}  # fmt: skip
_BOUND_DECLARATION = re.compile(
    r"(?P<names>[^=<>]+?)(?P<rel>>|<|\\geq?|\\leq?|\\gt|\\lt)(?![A-Za-z])\s*(?P<eq>=)?\s*(?P<value>-?\s*\d+(?:\.\d+)?)\s*$"
)


def _declared_kinds(tex: str) -> list[tuple[str, str | None]]:
    """What an inline declaration says of each name: the kind it maps to exactly (``\\sigma > 0``:
    positive, ``p \\in (0, 1)``: probability, ``n \\in \\mathbb{N}``: positive integer, ``x \\in
    \\mathbb{R}^3``: vector 3), or None for a range no kind states (``y \\in \\{0, 1\\}``, ``x \\in
    [a, b]``, ``t > 1``, ``x \\in \\mathbb{R}^n``): no refutation may rest on a value outside it."""
    names = _declared_names(tex)
    if not names:
        return []
    text = tex.strip()
    kind: str | None = None
    member = _DECLARED_IN.match(text)
    if member is not None:
        rest = text[member.end("names") :].strip()
        rest = re.sub(r"^\\in(?![A-Za-z])\s*", "", rest).rstrip(" .,;")
        for pattern, name in _SET_KINDS:
            m = pattern.fullmatch(rest)
            if m is not None:
                kind = name.format(*m.groups())
                break
    else:
        m = _BOUND_DECLARATION.match(text)
        if m is not None:
            rel = m.group("rel") + ("q" if m.group("eq") and m.group("rel").startswith("\\") else "")
            rel = {">": "\\gt", "<": "\\lt"}.get(rel, rel) if not m.group("eq") else {">": "\\ge", "<": "\\le"}.get(
                m.group("rel"), rel
            )
            value = m.group("value").replace(" ", "")
            kind = _BOUND_KINDS.get((rel, value)) or _BOUND_KINDS.get((rel.rstrip("q"), value))
    return [(name, kind) for name in names]


_FINITE_SET = re.compile(r".*?\\in(?![A-Za-z])\s*\\\{(?P<values>[^{}]*)\\\}\s*[.,;]?\s*\(line \d+\)$")


def _finite_set(where: str) -> list[str]:
    """The numbers of a declared finite set (``y \\in \\{0, 1\\} (line 2)``), or [] for any other range."""
    m = _FINITE_SET.fullmatch(where.strip())
    if m is None:
        return []
    values = [v.strip() for v in m.group("values").split(",")]
    return values if 0 < len(values) <= 8 and all(_is_number(v) for v in values) else []


def _top_commas(tex: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(tex):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(tex[start:i])
            start = i + 1
    parts.append(tex[start:])
    return parts


_ROW_WORDS = re.compile(r"\\(?:text|textrm|mbox|mathrm|begin|end)\s*\{[^{}]*\}|\\q?quad|\\[,;:! ]|~|&")


def _condition_kinds(conditions: str) -> list[tuple[str, str, str]]:
    """(name, kind, what was said) for each condition of a statement's row that states a kind
    exactly (``x, y > 0``: both positive; ``n \\in \\mathbb{N}``): the statement is read under them."""
    if not conditions or len(conditions) > 400:
        return []
    out: list[tuple[str, str, str]] = []
    pending: list[str] = []
    for raw in _top_commas(_ROW_WORDS.sub(" ", conditions)):
        part = raw.strip().strip("()").strip()
        if not part:
            continue
        if not _CONDITION_INSIDE.search(part):
            pending.append(part)  # "x" of "x, y > 0"
            continue
        said = ", ".join([*pending, part])
        pending = []
        out += [(name, kind, said) for name, kind in _declared_kinds(said) if kind is not None]
    return out


def _declared_names(tex: str) -> list[str]:
    """The names an inline formula declares as quantities of their own (``x \\in \\mathbb{R}``,
    ``\\sigma > 0``): they count as independent variables (see `Step.constants`)."""
    m = _DECLARED_IN.match(tex.strip()) or _DECLARED_BY.match(tex.strip())
    if m is None:
        return []
    out: list[str] = []
    for part in m.group("names").split(","):
        try:
            out.append(name_of(part.strip()))
        except DeriveError:
            return []
    return out


#: Words that make the inline math after them (in the same sentence) a condition, not a definition.
_CONDITION_WORDS = re.compile(
    r"\b(if|when|whenever|suppose|supposing|assume|assuming|unless|in\s+case|given\s+that|provided|for)\b",
    re.IGNORECASE,
)
_INLINE_MATH = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|\\\(.*?\\\)", re.DOTALL)
_SENTENCE_END = re.compile(r"[.!?;:](?:\s|$)|\n\s*\n")


#: Condition words that make a prose range a case rather than a standing assumption ("Let", "Assume", "For" declare).
_CASE_WORDS = frozenset({"if", "when", "whenever", "unless", "in case", "provided", "suppose", "supposing"})


def _condition_word(doc: str, start: int) -> str:
    """The condition word ("if", "when", "for", ...) that opens the sentence part before the
    inline math starting at ``start``, or "": ``When $\\hat y = y$ the loss is zero`` states a
    case, not a definition of ŷ for the rest of the document."""
    before = doc[max(0, start - 400) : start]
    opener = before.rstrip("$(\\ ")  # the inline math's own opener
    opener = _INLINE_MATH.sub(" x ", opener)
    ends = list(_SENTENCE_END.finditer(opener))
    sentence = opener[ends[-1].end() :] if ends else opener
    words = _CONDITION_WORDS.findall(sentence)
    return " ".join(words[-1].lower().split()) if words else ""
