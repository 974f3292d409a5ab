"""What the prose declares: kinds of names (``\\sigma > 0``, ``n \\in \\mathbb{N}``, ``0 < \\mu < 1``,
``\\mathbf{x} \\in \\mathbb{R}^3``, ``A \\in \\mathbb{R}^{2 \\times 3}``, ``\\Sigma \\succ 0`` or "positive
definite" in words once its size is known), laws of random variables (``x \\sim \\mathcal{N}(\\mu,
\\sigma^2)``), finite sets, conditions after condition words and annotations.

`Prose` keeps what holds at a point of the document: a declaration (or a value the text concluded
after an arrow) holds from where it is written to the end of its section (`headings`: ``\\section``,
``\\subsection``, Markdown ``#``; one before any heading holds to the end) or until the name is
declared again. A range no kind states exactly (``\\mathbb{R}^D``, ``[0, 1]``, ``\\succeq 0``, a law
derive cannot read) gives no kind: the name stays real, and no refutation may rest on a value of it.

Besides kinds, the prose says a name is nonzero ("nonzero matrix $M$", ``$x \\neq 0$``: a refutation that
makes it all zero does not stand, `nonzero_in_words`) or a constant ("for constants $a$ and $b$": it
depends on no differentiation variable, `constants_in_words`, until a later sentence says it varies,
`constants_retracted`); both are scoped like declarations. A temporary statement ("for now", "only in the
next section") declares no kind or constant. Bounds in words ("$N$ is at least one hundred") are conditions
(`bounds_in_words`), and "a complex number $z$" declares as ``z \\in \\mathbb{C}`` (`complex_in_words`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from derive.errors import DeriveError
from derive.latex.parser import name_of, parse_latex
from derive.latex.splitting import _CONDITION_INSIDE

_PLAIN_NUMBER = re.compile(r"\s*-?\s*(\d+(\.\d+)?|\\[dt]?frac\s*\{\s*\d+\s*\}\s*\{\s*\d+\s*\}|\\frac\d\d)\s*")


def _is_number(tex: str) -> bool:
    return _PLAIN_NUMBER.fullmatch(tex) is not None


#: Inline declarations: ``x \in \mathbb{R}``, ``x, y \in \mathbb{R}^n``, ``p \in [0, 1]``, ``\sigma > 0``.
_DECLARED_IN = re.compile(
    r"(?P<names>[^=<>]+?)\\in(?![A-Za-z])\s*(?:\\mathbb\s*\{?\s*[RNZQC]|\\\{|\[|\(|\\left\s*[\[(])"
)
_DECLARED_BY = re.compile(r"(?P<names>[^=<>]+?)(?:>|<|\\geq?|\\leq?|\\gt|\\lt)(?![A-Za-z])\s*=?\s*-?\s*\d+(\.\d+)?\s*$")


#: ``\\infty``, ``+\\infty``, ``\\infty`` in braces: the open upper end of a half-line (the comma before it excluded).
_PLUS_INFINITY = r"\s*\+?\s*\\infty\s*"
_SET_KINDS = (
    (
        re.compile(r"\\mathbb\s*\{?\s*[NZ]\s*\}?\s*_\s*(?:0|\{\s*(?:0|\\geq?\s*0)\s*\})"),
        "nonnegative integer",
    ),
    (
        re.compile(r"\\mathbb\s*\{?\s*N\s*\}?(?:\s*_\s*\{?\s*(?:\+|>\s*0|\\geq?\s*1)\s*\}?|\s*\^\s*\{?\s*\+\s*\}?)?"),
        "positive integer",
    ),
    (
        re.compile(r"\\mathbb\s*\{?\s*Z\s*\}?\s*(?:\^\s*\{?\s*\+\s*\}?|_\s*\{?\s*(?:\+|>\s*0|\\geq?\s*1)\s*\}?)"),
        "positive integer",
    ),
    (re.compile(r"\\mathbb\s*\{?\s*Z\s*\}?"), "integer"),
    # R_{>0} is positive; R_+ and R^+ mean the nonnegative reals in many texts, the positive ones in
    # others: nonnegative covers both readings for a proof (and 0 is a fair point to test).
    (re.compile(r"\\mathbb\s*\{?\s*R\s*\}?\s*_\s*\{?\s*>\s*0\s*\}?"), "positive"),
    (re.compile(r"\\mathbb\s*\{?\s*R\s*\}?\s*(?:\^\s*\{?\s*\+\s*\}?|_\s*\{?\s*\+\s*\}?)"), "nonnegative"),
    (re.compile(r"\\mathbb\s*\{?\s*R\s*\}?\s*_\s*\{?\s*(?:\\geq?\s*0)\s*\}?"), "nonnegative"),
    (re.compile(r"\\mathbb\s*\{?\s*R\s*\}?\s*\^\s*\{?\s*(\d+)\s*\}?"), "vector {0}"),
    (re.compile(r"\\mathbb\s*\{?\s*R\s*\}?\s*\^\s*\{\s*(\d+)\s*(?:\\times|x)\s*(\d+)\s*\}"), "matrix {0}x{1}"),
    # letter sizes (R^D, R^{n \times d}): checked at several sizes (`derive.latex.shapes`)
    (re.compile(r"\\mathbb\s*\{?\s*R\s*\}?\s*\^\s*(?:([A-Za-z])|\{\s*([A-Za-z])\s*\})"), "vector {0}"),
    (
        re.compile(
            r"\\mathbb\s*\{?\s*R\s*\}?\s*\^\s*\{\s*([A-Za-z]|\d+)\s*(?:\\times(?![A-Za-z])|x)\s*([A-Za-z]|\d+)\s*\}"
        ),
        "matrix {0} x {1}",
    ),
    (re.compile(r"\\mathbb\s*\{?\s*R\s*\}?"), "real"),
    (re.compile(r"(?:\\left\s*)?\(\s*0\s*,\s*1\s*(?:\\right\s*)?\)"), "probability"),
    # half-lines written as intervals: (0, \infty) is the positive reals, [0, \infty) the nonnegative ones
    (re.compile(rf"(?:\\left\s*)?\(\s*0\s*,{_PLUS_INFINITY}(?:\\right\s*)?\)"), "positive"),
    (re.compile(rf"(?:\\left\s*)?\[\s*0\s*,{_PLUS_INFINITY}(?:\\right\s*)?\)"), "nonnegative"),
    (re.compile(r"(?:\\left\s*)?\(\s*-\s*\\infty\s*,\s*0\s*(?:\\right\s*)?\)"), "negative"),
    (re.compile(rf"(?:\\left\s*)?\(\s*-\s*\\infty\s*,{_PLUS_INFINITY}(?:\\right\s*)?\)"), "real"),
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
    [a, b]``, ``t > 1``, ``x \\in \\mathbb{R}^n``): no refutation may rest on a value outside it.

    Besides kinds: ``0 < \\mu < 1`` is a probability (a closed or other range gives None);
    ``\\Sigma \\succ 0`` gives `SPD` (positive definite: a kind once its size is known, see
    `derive.latex.steps`; ``\\succeq 0`` may be singular, so None); ``x \\sim \\mathcal{N}(\\mu,
    \\sigma^2)`` gives `LAW` followed by the law as written (the name is a random variable with it).
    """
    listed = _listed_declarations(tex)
    if listed is not None:
        return [found for part in listed for found in _declared_kinds(part)]
    found = _law_declaration(tex) or _between_declaration(tex) or _definite_declaration(tex) or _set_declaration(tex)
    # a bare \\pi declared is a name (a weight, a prior) only where the constant 3.14... is excluded
    return [(n, k) for n, k in found if n != "pi" or k == "probability" or _UNIT_RANGE.search(tex)]


_MEMBER = re.compile(r"\\in(?![A-Za-z])")


def _listed_declarations(tex: str) -> list[str] | None:
    """The declarations of a formula that lists several (``\\mathbf{u} \\in \\mathbb{R}^n, \\mathbf{v} \\in
    \\mathbb{R}^m``): the top-level comma groups, each ending in a membership (``x, y \\in \\mathbb{R}^n`` stays one);
    None for a formula with fewer than two, or with names after the last set (no list of declarations)."""
    parts = _top_commas(tex)
    if len(parts) < 2 or len(_MEMBER.findall(tex)) < 2:
        return None
    groups: list[str] = []
    pending: list[str] = []
    for part in parts:
        pending.append(part)
        if _MEMBER.search(part):
            groups.append(",".join(pending))
            pending = []
    return groups if len(groups) >= 2 and not "".join(pending).strip(" .;") else None


_UNIT_RANGE = re.compile(r"\\in(?![A-Za-z])\s*(?:\\left\s*)?[\[(]\s*0\s*,\s*1\s*(?:\\right\s*)?[\])]\s*[.,;]?\s*$")


def _set_declaration(tex: str) -> list[tuple[str, str | None]]:
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
                kind = name.format(*(g for g in m.groups() if g is not None))
                break
    else:
        m = _BOUND_DECLARATION.match(text)
        if m is not None:
            rel = m.group("rel") + ("q" if m.group("eq") and m.group("rel").startswith("\\") else "")
            rel = (
                {">": "\\gt", "<": "\\lt"}.get(rel, rel)
                if not m.group("eq")
                else {">": "\\ge", "<": "\\le"}.get(m.group("rel"), rel)
            )
            value = m.group("value").replace(" ", "")
            kind = _BOUND_KINDS.get((rel, value)) or _BOUND_KINDS.get((rel.rstrip("q"), value))
    return [(name, kind) for name in names]


#: Marks of `_declared_kinds` results that are not kinds themselves.
LAW = "~ "
SPD = "positive definite"
MATRIX = "a matrix"  # a matrix in words without its size: the size an earlier declaration gave, or a range

_LAW = re.compile(r"(?P<names>[^=<>~]+?)\\sim(?![A-Za-z])\s*(?P<law>\S.*?)\s*[.,;]?\s*$", re.DOTALL)
_NUMBER = r"-?\s*\d+(?:\.\d+)?"
_LESS = r"(?:<|\\lt(?![A-Za-z]))"
_LESS_EQ = r"(?:\\leq?(?![A-Za-z])|\\leqslant(?![A-Za-z]))"
_BETWEEN = re.compile(
    rf"\s*(?P<lo>{_NUMBER})\s*(?P<r1>{_LESS}|{_LESS_EQ})\s*(?P<names>[^=<>]+?)\s*(?P<r2>{_LESS}|{_LESS_EQ})\s*"
    rf"(?P<hi>{_NUMBER})\s*[.,;]?\s*$"
)
_ABOVE = re.compile(rf"\s*(?P<lo>{_NUMBER})\s*(?P<r1>{_LESS}|{_LESS_EQ})\s*(?P<names>[^=<>]+?)\s*[.,;]?\s*$")
_DEFINITE = re.compile(
    r"(?P<names>[^=<>]+?)\\(?P<rel>succ|succeq)(?![A-Za-z])\s*(?:0|\\mathbf\s*\{?\s*0\s*\}?)\s*[.,;]?\s*$"
)


def _names(part: str) -> list[str] | None:
    out: list[str] = []
    for piece in part.split(","):
        if piece.strip() == "\\pi":
            out.append("pi")  # a weight or prior; kept only where the constant cannot be meant
            continue
        try:
            out.append(name_of(piece.strip()))
        except DeriveError:
            return None
    return out or None


def _law_declaration(tex: str) -> list[tuple[str, str | None]] | None:
    """``x \\sim \\mathcal{N}(\\mu, \\sigma^2)``: each name with `LAW` and the law as written."""
    m = _LAW.fullmatch(tex.strip())
    if m is None or len(tex) > 300:
        return None
    names = _names(m.group("names"))
    if names is None:
        return None
    return [(name, LAW + m.group("law")) for name in names]


def _between_declaration(tex: str) -> list[tuple[str, str | None]] | None:
    """``0 < \\mu < 1``: probability; ``0 < x``: positive; ``0 \\le x``: nonnegative; another range: None."""
    m = _BETWEEN.fullmatch(tex) or _ABOVE.fullmatch(tex)
    if m is None:
        return None
    names = _names(m.group("names"))
    if names is None:
        return None
    lo = m.group("lo").replace(" ", "")
    strict = re.fullmatch(_LESS, m.group("r1")) is not None
    hi = m.groupdict().get("hi")
    kind: str | None = None
    if hi is None:
        kind = {("0", True): "positive", ("0", False): "nonnegative"}.get((lo, strict))
    elif lo == "0" and strict and hi.replace(" ", "") == "1" and re.fullmatch(_LESS, m.group("r2")):
        kind = "probability"  # open (0, 1): derive samples probabilities inside it
    return [(name, kind) for name in names]


def _definite_declaration(tex: str) -> list[tuple[str, str | None]] | None:
    """``\\Sigma \\succ 0``: `SPD`; ``\\succeq 0`` (semidefinite, maybe singular): None."""
    m = _DEFINITE.fullmatch(tex.strip())
    if m is None:
        return None
    names = _names(m.group("names"))
    if names is None:
        return None
    return [(name, SPD if m.group("rel") == "succ" else None) for name in names]


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
    return _names(m.group("names")) or []


#: Words that make the inline math after them (in the same sentence) a condition, not a definition.
_CONDITION_WORDS = re.compile(
    r"\b(if|when|whenever|suppose|supposing|assume|assuming|unless|in\s+case|given\s+that|provided|for)\b",
    re.IGNORECASE,
)
_INLINE_MATH = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|\\\(.*?\\\)", re.DOTALL)
_SENTENCE_END = re.compile(r"[.!?;:](?:\s|$)|\n\s*\n")


#: Condition words that make a prose range a case rather than a standing assumption ("Let", "Assume", "For" declare).
_CASE_WORDS = frozenset({"if", "when", "whenever", "unless", "in case", "provided", "suppose", "supposing"})


#: Words that make what a sentence states temporary ("for now", "only in the next section", "below we drop
#: this"): it may not hold where a step is, so it declares nothing (as a negated statement).
_TEMPORARY = (
    r"for\s+now|for\s+the\s+(?:moment|time\s+being)|temporarily|provisionally|tentatively"
    r"|until\s+(?:further|we|later|the\s+next)"
    r"|only\s+(?:in|for|within|during|until|on)\s+(?:the\s+|this\s+|that\s+)?(?:next|first|following|previous"
    r"|part|section|chapter|problem|exercise|case|moment|step|example)"
    r"|(?:below|later|next|afterwards?|eventually|soon)\s*,?\s*we(?:\s+will|\s+shall|'ll)?\s+(?:drop|relax"
    r"|remove|lift|generali[sz]e|abandon)"
    r"|we(?:\s+will|\s+shall|'ll)\s+(?:later\s+|soon\s+)?(?:drop|relax|remove|lift|generali[sz]e|abandon)"
    r"|(?:drop|relax|lift|remove|abandon)\s+(?:this|that|the|these|those)\s+assumptions?"
)
#: Words that make a sentence's math no standing assumption: negation, contrast, the subjunctive, a
#: temporary statement (`_TEMPORARY`).
_NEGATION_WORDS = (
    r"not|no|never|without|unless|except|neither|nor|cannot|instead|were|would|could|might"
    r"|don't|doesn't|isn't|aren't|wasn't|weren't|won't|shouldn't|fails?"
)
_NEGATION = re.compile(rf"\b(?:{_NEGATION_WORDS}|{_TEMPORARY})\b", re.IGNORECASE)
#: Negation alone: for what only keeps a refutation from standing, a temporary statement still holds here.
_NEGATED = re.compile(rf"\b(?:{_NEGATION_WORDS})\b", re.IGNORECASE)
_TEMPORARY_WORDS = re.compile(rf"\b(?:{_TEMPORARY})\b", re.IGNORECASE)


def negated(doc: str, start: int) -> bool:
    """Whether the sentence part before the inline math at ``start`` negates or hedges it
    (``We do not assume $x > 0$``, ``If the data were Gaussian, $x \\sim ...$``): such math
    declares nothing a step may be proved under."""
    before = _INLINE_MATH.sub(" x ", doc[max(0, start - 400) : start].rstrip("$(\\ "))
    ends = list(_SENTENCE_END.finditer(before))
    sentence = before[ends[-1].end() :] if ends else before
    return _NEGATION.search(sentence) is not None


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


#: Headings that end the scope of what the prose declared under them, with their depth.
_TEX_HEADING = re.compile(r"\\(part|chapter|section|subsection|subsubsection|paragraph)\*?\s*[\[{]")
_TEX_DEPTH = {"part": 1, "chapter": 2, "section": 3, "subsection": 4, "subsubsection": 5, "paragraph": 6}
_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+\S", re.MULTILINE)
_FENCE = re.compile(r"^ {0,3}(```|~~~).*?(?:^ {0,3}\1|\Z)", re.MULTILINE | re.DOTALL)
_SETEXT_HEADING = re.compile(r"^[^\n$\\|*-][^\n]*\n {0,3}(=+|-{3,})[ \t]*$", re.MULTILINE)
_PROBLEM_MARK = re.compile(
    r"^\s*(?:\*\*\s*(?:problem|question|exercise|task|q)\b|\\begin\s*\{\s*(?:problem|exercise|question)\*?\s*\}"
    r"|:::\s*\{?\s*(?:admonition|note|exercise)|```\s*\{\s*(?:admonition|note|exercise))",
    re.IGNORECASE | re.MULTILINE,
)


def headings(doc: str) -> list[tuple[int, int]]:
    """(offset, depth) of the section headings of a document, in order: ``\\section{..}`` (3),
    ``\\subsection`` (4), ..., Markdown ``#`` (1) to ``######`` (6). A heading in a code fence
    or after a TeX comment sign on its line is none."""
    fences = [(m.start(), m.end()) for m in _FENCE.finditer(doc)]
    found: list[tuple[int, int]] = []
    for m in _TEX_HEADING.finditer(doc):
        line = doc[doc.rfind("\n", 0, m.start()) + 1 : m.start()]
        if re.search(r"(?<!\\)%", line) is None:
            found.append((m.start(), _TEX_DEPTH[m.group(1)]))
    found += [(m.start(), len(m.group(1))) for m in _MD_HEADING.finditer(doc)]
    # what homework uses for problems: a setext heading (Problem 2 / ===), a bold **Problem 2.**
    # line, \item, a problem or exercise environment: each ends what was declared before it
    found += [(m.start(), 1 if m.group(1)[0] == "=" else 2) for m in _SETEXT_HEADING.finditer(doc)]
    found += [(m.start(), 1) for m in _PROBLEM_MARK.finditer(doc)]
    return sorted((at, depth) for at, depth in found if not any(lo <= at < hi for lo, hi in fences))


@dataclass
class Prose:
    """What the prose has declared so far, each entry with the depth of the heading it is under:
    a heading of the same or a higher level (``\\section`` after ``\\subsection``) ends it; a
    declaration before any heading holds to the end. A new declaration of a name replaces the old."""

    #: name -> (kind, where): ``\\sigma > 0`` gives positive; where is ``\\sigma > 0 (line 3)``
    kinds: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: name -> where, for a range no kind states (``y \\in \\{0, 1\\}``): no refutation through it
    ranges: dict[str, str] = field(default_factory=dict)
    #: name -> (the law as written, where): ``x \\sim \\mathcal{N}(\\mu, \\sigma^2)``
    laws: dict[str, tuple[str, str]] = field(default_factory=dict)
    depth: dict[str, int] = field(default_factory=dict)
    current: int = 0  # the depth of the heading the prose is under (0: none yet)
    #: name -> (what the text concluded of it, depth): ``\\implies \\lambda = -N`` (see `conclude`)
    concluded: dict[str, tuple[str, int]] = field(default_factory=dict)

    #: name -> (the condition `nonzero_condition` writes, depth): "nonzero matrix $M$", ``x \\neq 0``
    nonzero: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: name -> (what was said, depth): "for constants $a$ and $b$", "$c$ is a constant"
    constant: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: name -> (what was said, depth): a name the text later says varies ("now let $b$ depend on $x$",
    #: ``b = b(x)``, "$b$ is random"): no longer a constant, nor independent of a variable (`declared`)
    dependent: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: name -> the condition a bound in words gives it ("$N$ is at least one hundred": ``N \ge 100 (line
    #: 3, stated in words: ...)``), recorded as a math condition is (`facts`); kept to the end, as those are
    bounds: dict[str, str] = field(default_factory=dict)

    @property
    def facts(self) -> dict[str, str]:
        """name -> the conclusion, for the conclusions in scope; and, under a key that is no name
        (``M \\neq 0``), the condition of each name the text says is nonzero. The steps record them as
        conditions (`Step.conditions`), where `derive.latex.refutation` finds the nonzero ones; the
        names themselves stay free (a refutation at a nonzero point stands)."""
        out = {name: said for name, (said, _) in self.concluded.items()}
        out.update({f"{name} \\neq 0": said for name, (said, _) in self.nonzero.items()})
        for name, said in self.bounds.items():
            out.setdefault(name, said)  # the name is then constrained, as under a math condition
        return out

    def conclude(self, name: str, said: str) -> None:
        """A value the text concluded for a name (after an arrow): not a definition, but a step
        refuted with the name free may hold under it. Scoped like a declaration."""
        self.concluded[name] = (said, self.current)

    @property
    def declared(self) -> set[str]:
        """The names declared so far (kinds, ranges, laws) and those called constants: none depends on
        a differentiation variable (`Step.constants`), unless the text said since that it does (`dependent`)."""
        return (set(self.depth) | set(self.constant)) - set(self.dependent)

    def heading(self, depth: int) -> None:
        for name in [n for n, at in self.depth.items() if at >= depth]:
            self._forget(name)
        self.concluded = {n: fact for n, fact in self.concluded.items() if fact[1] < depth}
        self.nonzero = {n: fact for n, fact in self.nonzero.items() if fact[1] < depth}
        self.constant = {n: fact for n, fact in self.constant.items() if fact[1] < depth}
        self.dependent = {n: fact for n, fact in self.dependent.items() if fact[1] < depth}
        self.current = depth

    def declare(self, name: str, kind: str | None, said: str, line: int) -> None:
        if kind in (NONZERO, CONSTANT, DEPENDS, UNSAID, BOUND):
            self._state(kind, name.split(":", 1)[-1], said, line)
            return
        if kind == CASE:
            # the condition of a display, from its start: a kind declared before holds there only if
            # every value it allows meets the condition; else the name is a range in that display
            name = name.split(":", 1)[-1]
            if not _kind_within(self.kinds.get(name, ("", ""))[0], said):
                self.declare(name, None, f"{said}{_CASE_OF}", line)
            return
        where = f"{said} (line {line})"
        previous, before = self.kinds.get(name, ("", ""))
        if previous in ("positive", "negative") and kind is not None and re.match(r"vector |matrix ", kind):
            # "$\\mathbf{x} > 0$ elementwise, with $\\mathbf{x} \\in \\mathbb{R}^3$": a vector of that sign is nonzero
            m = re.fullmatch(r"(?P<said>.*) \(line (?P<line>\d+)\)", before)
            self._state(NONZERO, name, *((m.group("said"), int(m.group("line"))) if m else (said, line)))
        self._forget(name)
        self.depth[name] = self.current
        if kind == MATRIX:
            # "$\\Sigma$ is a covariance matrix" after "\\Sigma \\in \\mathbb{R}^{3 \\times 3}": the size stands
            kind = previous if re.match(r"(?:spd )?matrix ", previous) else None
        if kind == SPD:
            # positive definite needs a size: an earlier "\\Sigma \\in \\mathbb{R}^{3 \\times 3}" gives it
            m = re.fullmatch(r"(?:spd )?matrix (\w+)(x| x )(\w+)", previous)
            kind = f"spd matrix {m.group(1)}{m.group(2)}{m.group(3)}" if m and m.group(1) == m.group(3) else None
        if kind is None:
            self.ranges[name] = where
        elif kind.startswith(LAW):
            self.laws[name] = (kind[len(LAW) :], where)
        else:
            self.kinds[name] = (kind, where)

    def _state(self, kind: str, name: str, said: str, line: int) -> None:
        """What the text states of a name besides its kind: nonzero, or a constant. Neither is forgotten
        when the name is declared again in its section (``Let $v \\neq 0$, $v \\in \\mathbb{R}^3$``):
        nonzero only keeps a refutation at zero from standing, a constant only says what the name
        does not depend on."""
        where = f"{' '.join(said.split())} (line {line})"
        if kind == NONZERO:
            self.nonzero[name] = (nonzero_condition(name, said, line), self.current)
        elif kind == BOUND:
            math, _, words = said.partition(_SAID)
            self.bounds[name] = f"{math} (line {line}, stated in words: {' '.join(words.split())})"
        elif kind in (DEPENDS, UNSAID):
            self.constant.pop(name, None)
            if kind == DEPENDS:
                self.dependent[name] = (where, self.current)
                before = (self.kinds.get(name) or self.laws.get(name) or ("", ""))[1]
                if before:
                    # a kind reads the name as a quantity of its own in every derivative: a range keeps no
                    # step proved or refuted through it
                    self._forget(name)
                    self.depth[name], self.ranges[name] = self.current, f"{before}, then {where}"
        else:
            self.dependent.pop(name, None)
            self.constant[name] = (where, self.current)

    def constants_said(self) -> dict[str, str]:
        """name -> where, for the names the prose calls constants (in scope): `Step.constants`."""
        return {name: where for name, (where, _) in self.constant.items()}

    def _forget(self, name: str) -> None:
        for table in (self.kinds, self.ranges, self.laws, self.depth):
            table.pop(name, None)

    def random_for(self, symbols: dict[str, str], taken: set[str]) -> tuple[dict[str, Any], dict[str, str]]:
        """The random variables the prose declares, read as distributions under ``symbols`` (names
        in ``taken`` are declared otherwise and win), and (name -> where) for the notes. A law
        derive cannot read leaves its name out: it is then a range (no refutation through it)."""
        from derive.language.symbols import SymbolTable  # noqa: PLC0415
        from derive.latex.names import latex_of_name  # noqa: PLC0415 - names imports the parser too

        found: dict[str, Any] = {}
        where: dict[str, str] = {}
        for name, (law, said) in self.laws.items():
            if name in taken or name in symbols:
                continue
            got: dict[str, Any] = {}
            try:
                parse_latex(f"\\mathbb{{E}}_{{{latex_of_name(name)} \\sim {law}}}[1]", SymbolTable(symbols), random=got)
            except (DeriveError, RecursionError, MemoryError):
                got = {}
            if name in got:
                found[name], where[name] = got[name], said
        return found, where

    def unread_laws(self, read: set[str]) -> dict[str, str]:
        """name -> where, for the laws that could not be read: ranges for the step."""
        return {n: said for n, (_, said) in self.laws.items() if n not in read}


#: "$\\Sigma$ is positive definite", "a positive definite matrix $\\Sigma$", "$A$ is positive semidefinite".
_DEFINITE_WORDS = re.compile(
    r"\$(?P<a>[^$]{1,60})\$\s+is\s+(?:an?\s+)?(?:symmetric\s+(?:and\s+)?)?positive[- ]?(?P<semi1>semi[- ]?)?definite"
    r"|positive[- ]?(?P<semi2>semi[- ]?)?definite\s+(?:symmetric\s+)?(?:matrix|covariance(?:\s+matrix)?)\s+"
    r"\$(?P<b>[^$]{1,60})\$",
    re.IGNORECASE,
)


#: "Let $X$ and $Y$ be $n \\times n$ matrices", "$\\Sigma$ is a positive definite covariance matrix":
#: names, then a size in math (optional), then words a matrix is described with, then "matrix".
_MATRIX_WORDS = re.compile(
    r"(?P<names>\$[^$]{1,40}\$(?:\s*(?:,|,?\s*and)\s*\$[^$]{1,40}\$){0,5})\s+(?:be|are|is|denote|denotes)\s+"
    r"(?:an?\s+|two\s+|three\s+|some\s+|the\s+)?(?:\$(?P<size>[^$]{1,40})\$\s+)?"
    r"(?P<words>(?:(?:real|square|symmetric|invertible|non-?singular|orthogonal|diagonal|random|positive|"
    r"semi-?|definite|covariance|precision|weight|data|design|arbitrary|general|fixed|given|full-rank|"
    r"rectangular|triangular|lower|upper|and|"
    # named matrices and structures: a matrix all the same ("$P$ is a projection matrix", "the Hessian matrix")
    r"projection|idempotent|skew|skew-symmetric|nilpotent|stochastic|permutation|rotation|orthonormal|unitary|"
    r"hermitian|Hessian|Jacobian|Gram|kernel|transition|correlation|scatter|Fisher|information|interaction|"
    r"adjacency|Laplacian|feature|loading|mixing|hat|scaling|sparse|block|banded|Toeplitz|circulant|"
    r"unit|identity|zero|coefficient|parameter|linear)[\s-]+){0,5})"
    # a projection, a projector, a linear map or operator: a matrix in all but the word
    r"(?:matri(?:x|ces)|projections?|projectors?|(?<=linear )(?:maps?|operators?|transformations?))\b",
    re.IGNORECASE,
)
_SIZE = re.compile(r"\s*([A-Za-z]|\d+)\s*(?:\\times(?![A-Za-z])|x)\s*([A-Za-z]|\d+)\s*")


def _matrix_kind(size: str | None, words: str) -> str | None:
    """The kind a matrix described in words has: its size when written (``2 \\times 3``: matrix 2x3,
    ``n \\times n``: matrix n x n, checked at several sizes), spd when also called positive definite."""
    definite = re.search(r"positive[\s-]+definite", words, re.IGNORECASE) is not None
    m = _SIZE.fullmatch(size or "")
    if m is None:
        # no size here: an earlier declaration may give it (`Prose.declare`)
        return SPD if definite and not re.search(r"semi", words, re.IGNORECASE) else MATRIX
    rows, cols = m.groups()
    if rows.isdigit() and cols.isdigit():
        kind = f"matrix {rows}x{cols}"
    elif rows.isalpha() and cols.isalpha():
        kind = f"matrix {rows} x {cols}"
    else:
        return None  # one size a number, the other a letter: no kind writes that
    return f"spd {kind}" if definite and rows == cols else kind


#: Words that say random variables are not drawn independently of each other.
_DEPENDENT_WORDS = re.compile(
    r"\bcorrelat|\bdependent\b|\bjoint(?:ly)?\b|\bcovariance\b|\bcovary|\bnot\s+independent", re.IGNORECASE
)


def _dependent_laws(doc: str) -> list[tuple[int, int, str, str | None, str]]:
    """Random variables a sentence declares by their laws and calls correlated or dependent (``x \\sim
    \\mathcal{N}(0,1)`` and ``y \\sim ...`` "with correlation \\rho"): derive draws declared random variables
    independently, so each becomes a range from the sentence's end (no law, no refutation through it)."""
    out: list[tuple[int, int, str, str | None, str]] = []
    # sentences of the text with its math blanked out (a "0.5" in math ends none)
    masked = _INLINE_MATH.sub(lambda m: " " * len(m.group()), doc)
    for sentence in re.finditer(r"(?:[^.!?\n]|\n(?!\s*\n)|[.!?](?!\s|$))+", masked):
        text = doc[sentence.start() : sentence.end()]
        if _DEPENDENT_WORDS.search(sentence.group()) is None:
            continue
        named: list[str] = []
        for math in _INLINE_MATH.finditer(text):
            inner = math.group().strip("$").removeprefix("\\(").removesuffix("\\)")
            found = _law_declaration(inner) or []
            named += [n for n, _ in found if n not in named]
        if len(named) < 1:
            continue
        said = " ".join(text.split())[:200]
        why = f"{said}: not independent, which derive's independent draws cannot read"
        out += [(sentence.start(), sentence.end(), name, None, why) for name in named]
    return out


def definite_in_words(doc: str) -> list[tuple[int, int, str, str | None, str]]:
    """(offset, end, name, kind, what was said) for each name the prose declares in words:

    - a matrix called positive definite: `SPD` (a kind once its size is known); semidefinite
      (maybe singular) gives None;
    - a matrix in words ("Let $X$ and $Y$ be $n \\times n$ matrices"): its kind when the size is
      written (`_matrix_kind`), else None (a range: no real scalar, see `derive.latex.shapes.not_a_scalar`);
    - random variables the sentence declaring their laws calls correlated or dependent: None (their
      laws no longer hold: derive would draw them independently)."""
    out: list[tuple[int, int, str, str | None, str]] = []
    for m in _DEFINITE_WORDS.finditer(doc):
        names = _names(m.group("a") or m.group("b"))
        if names is None:
            continue
        semi = bool(m.group("semi1") or m.group("semi2"))
        said = " ".join(m.group().split())
        out += [(m.start(), m.end(), name, None if semi else SPD, said) for name in names]
    spans = [(at, end) for at, end, *_ in out]
    for m in _MATRIX_WORDS.finditer(doc):
        if any(at < m.end() and m.start() < end for at, end in spans):
            continue  # said positive definite: read above
        written = re.findall(r"\$([^$]+)\$", m.group("names"))
        names = [n for part in written for n in (_names(part) or [])]
        if len(names) != len(written):
            continue
        kind = _matrix_kind(m.group("size"), m.group("words"))
        said = " ".join(m.group().split())
        out += [(m.start(), m.end(), name, kind, said) for name in names]
    return (
        out
        + _dependent_laws(doc)
        + nonzero_in_words(doc)
        + constants_in_words(doc)
        + constants_retracted(doc)
        + _clause_ranges(doc)
        + bounds_in_words(doc)
        + complex_in_words(doc)
        + codomains_in_words(doc)
        + roles_in_words(doc)
        + integers_in_words(doc)
    )


_ORDER = re.compile(r"<|>|\\[lg]eq?(?![A-Za-z])|\\[lg]t(?![A-Za-z])|\\leqslant|\\geqslant")
_NOT_ORDER = re.compile(r"\\(?:in|sim|succ|succeq|prec|preceq)(?![A-Za-z])")


def _clause_ranges(doc: str) -> list[tuple[int, int, str, str | None, str]]:
    """Ranges for the names of an order condition in a clause right after a display ("$$|x| = -x$$ for
    $x \\le 0$", "$$A$$ for $x \\ge 0$, and $$B$$"): the clause is that display's case (or the next one's),
    so an earlier prose kind of the name does not hold in that display (from its start), and the clause's
    own kind holds for no display after it (from its end). The display's steps still get the kind the
    clause states exactly (`derive.latex.document`: where-clauses)."""
    out: list[tuple[int, int, str, str | None, str]] = []
    for m in _INLINE_MATH.finditer(doc):
        if m.group().startswith("$$"):
            continue
        inner = m.group().strip("$").removeprefix("\\(").removesuffix("\\)")
        if len(inner) > 200 or not _ORDER.search(inner) or _NOT_ORDER.search(inner):
            continue
        at = _display_start(doc, m.start())
        if at is None or not _asserted(doc, m.start(), m.end(), temporary=True):
            continue  # "where $x > 0$ is not assumed": the clause states nothing (`derive.latex.document`)
        said = " ".join(inner.split())
        for name, _ in _declared_kinds(inner):
            why = f"{said}{_CASE_OF}"
            out += [(m.start(), at, f"{CASE}:{name}", CASE, said), (m.start(), m.end(), name, None, why)]
    return out


#: The mark of a clause's condition at the start of its display (`Prose.declare`), and how a range from it reads.
CASE = "a case"
_CASE_OF = ", a condition of the display before it"
_INF = float("inf")
#: The values each scalar kind allows: (low, low included, high, high included); integers from their least.
_KIND_VALUES = {
    "positive": (0.0, False, _INF, False),
    "nonnegative": (0.0, True, _INF, False),
    "negative": (-_INF, False, 0.0, False),
    "probability": (0.0, False, 1.0, False),
    "positive integer": (1.0, True, _INF, False),
    "nonnegative integer": (0.0, True, _INF, False),
}


def _clause_values(tex: str) -> tuple[float, bool, float, bool] | None:
    """The values an order condition of one name allows (``x \\ge 0``, ``0 < p < 1``, ``n \\ge 1``), or None."""
    m = _BOUND_DECLARATION.fullmatch(tex.strip().rstrip(" .,;"))
    if m is not None and _names(m.group("names")) is not None and not _BETWEEN.fullmatch(tex):
        value = float(m.group("value").replace(" ", ""))
        closed = bool(m.group("eq")) or m.group("rel") in ("\\ge", "\\geq", "\\le", "\\leq")
        below = m.group("rel") in ("<", "\\lt", "\\le", "\\leq")
        return (-_INF, False, value, closed) if below else (value, closed, _INF, False)
    m = _BETWEEN.fullmatch(tex) or _ABOVE.fullmatch(tex)
    if m is None:
        return None
    lo = float(m.group("lo").replace(" ", ""))
    lo_closed = re.fullmatch(_LESS, m.group("r1")) is None
    if m.groupdict().get("hi") is None:
        return (lo, lo_closed, _INF, False)
    return (lo, lo_closed, float(m.group("hi").replace(" ", "")), re.fullmatch(_LESS, m.group("r2")) is None)


def _kind_within(kind: str, said: str) -> bool:
    """Whether every value ``kind`` allows lies in the condition ``said``: then the kind is what the
    condition of the display means there (``n \\in \\mathbb{N}`` and "for $n \\ge 1$")."""
    k, c = _KIND_VALUES.get(kind), _clause_values(said)
    if k is None or c is None:
        return False
    low = k[0] > c[0] or (k[0] == c[0] and (c[1] or not k[1]))
    high = k[2] < c[2] or (k[2] == c[2] and (c[3] or not k[3]))
    return low and high


# ----------------------------------------------------------------------------------------
# Nonzero names and constants, stated in words or in inline math.

#: Marks of `definite_in_words` results (with the name written ``nonzero:M``, ``a constant:a``, so that
#: the kinds declared of ``M`` itself are not read against them): what the text states of a name
#: besides its kind (`Prose.nonzero`, `Prose.constant`).
NONZERO = "nonzero"
CONSTANT = "a constant"
DEPENDS = "not a constant"  # the text says the name varies (`constants_retracted`)
UNSAID = "no constant"  # the text says the name is random: no constant, independent if declared otherwise
BOUND = "a bound"  # a bound in words (`bounds_in_words`): its said is the math, `_SAID`, the words
_SAID = " ;; "

_NAME_LIST = r"\$[^$]{1,60}\$(?:\s*(?:,|,?\s*and)\s*\$[^$]{1,60}\$){0,5}"
_NON_ZERO = r"non[- ]?zero"
#: "nonzero $x$", "a non-zero vector $\\mathbf v$", "for any (nonzero) matrix $M$", "non-zero matrices $A$ and $B$".
_NONZERO_BEFORE = re.compile(
    rf"\(?\s*{_NON_ZERO}\s*\)?\s+(?:(?:real|complex|square|symmetric|column|row)\s+)?"
    r"(?:(?:matri(?:x|ces)|vectors?|scalars?|numbers?|constants?|integers?|weights?|parameters?|coefficients?"
    rf"|values?|elements?)\s+)?(?P<names>{_NAME_LIST})",
    re.IGNORECASE,
)
#: "$x$ is nonzero", "$a$ and $b$ are non-zero", "$v$ must be a nonzero vector" (the words between checked
#: for negation: "$M$ need not be nonzero").
_NONZERO_AFTER = re.compile(
    rf"(?P<names>{_NAME_LIST})(?P<verb>(?:\s+(?!is\b|are\b|be\b)[A-Za-z']+){{0,3}}?)\s+(?:is|are|be)\s+"
    rf"(?:an?\s+|all\s+|both\s+)?{_NON_ZERO}(?![A-Za-z-])",
    re.IGNORECASE,
)
#: "$\\mathbf{x} \\in \\mathbb{R}^n$ nonzero", "$x$, nonzero,": the word right after the name, no verb (not "$k$
#: nonzero entries", a count of them).
_NONZERO_RIGHT_AFTER = re.compile(
    rf"(?P<names>{_NAME_LIST})\s*,?\s*\(?\s*{_NON_ZERO}(?![A-Za-z-])(?!\s*\)?\s*(?:entr|element|component|coefficient"
    r"|term|value|eigen|singular|row|column|digit|weight|part|bit|pixel|feature|index|indices))",
    re.IGNORECASE,
)
_ZERO = r"(?:0|\\(?:mathbf|boldsymbol|bm|vec|mathbb)\s*\{\s*0\s*\}|\\(?:mathbf|bm)\s+0)"
#: Inline math ``x \\neq 0``, ``\\mathbf v \\ne \\mathbf 0``, ``a, b \\neq 0``, ``x \\not= 0``.
_NONZERO_MATH = re.compile(rf"(?P<names>[^=<>$]{{1,60}}?)\s*(?:\\neq?|\\not\s*=)(?![A-Za-z])\s*{_ZERO}\s*[.,;]?\s*")
#: Words that undo a statement of their sentence (besides `_NEGATION`): a doubt, a mistake, the other case.
_UNDONE = re.compile(
    r"\b(?:need\s+not|needn't|unlike|mistakes?|mistaken(?:ly)?|wrong(?:ly)?|false|incorrect(?:ly)?|violated"
    r"|whether|otherwise|else|possibly|maybe|perhaps|may\s+(?:also\s+)?be\s+zero)\b",
    re.IGNORECASE,
)
#: A display's end, then the condition words of a clause after it ("$$...$$ where $x \\neq 0$").
#: The words in lower case and no blank line between: "$$A.$$\n\nFor $x > 0$ ..." opens a sentence of its own.
_AFTER_DISPLAY = re.compile(
    r"(?P<close>\$\$|\\\]|\\end\s*\{(?P<env>[A-Za-z]+\*?)\})[ \t]*(?:\n[ \t]*)?[,;]?[ \t]*"
    r"(?:where|for|with|provided(?:\s+that)?|as\s+long\s+as|if|when|whenever|assuming)"
    r"(?:\s+(?:all|any|every|each|some|a|an))?(?:\s+[A-Za-z-]+){0,2}\s*$"
)


def nonzero_condition(name: str, said: str, line: int) -> str:
    """The condition a step records for a name the text says is nonzero (see `stated_nonzero`)."""
    from derive.latex.names import latex_of_name  # noqa: PLC0415 - names imports the parser too

    plain = " ".join(re.sub(r"[()]", " ", said).split())
    return f"{latex_of_name(name)} \\neq 0 (line {line}, the text says {name} is nonzero: {plain})"


_STATED_NONZERO = re.compile(
    r".* \\neq 0 \(line (?P<line>\d+), the text says (?P<name>\S+) is nonzero: (?P<said>[^()]*)\)"
)


def stated_nonzero(conditions: tuple[str, ...]) -> list[tuple[str, int, str]]:
    """(name, line, what was said) for each `nonzero_condition` among a step's conditions."""
    found = (_STATED_NONZERO.fullmatch(c) for c in conditions)
    return [(m.group("name"), int(m.group("line")), m.group("said")) for m in found if m is not None]


def _clause(doc: str, start: int, end: int) -> tuple[str, str]:
    """The sentence part before ``start`` and the clause after ``end`` (to a comma, a sentence end or
    a display), with inline math blanked."""
    before = _INLINE_MATH.sub(" x ", doc[max(0, start - 400) : start])
    ends = list(_SENTENCE_END.finditer(before))
    before = before[ends[-1].end() :] if ends else before
    after = _INLINE_MATH.sub(" x ", doc[end : end + 300])
    cut = re.search(r"[,.;:!?]|\$\$|\\\[|\\begin|\n\s*\n", after)
    return before, after[: cut.start()] if cut else after


def _asserted(doc: str, start: int, end: int, extra: str = "", *, temporary: bool = False) -> bool:
    """Whether the statement at [start, end) of ``doc`` is asserted: not negated, doubted or undone in
    its sentence ("We do not assume $x \\neq 0$", "$M$ need not be nonzero", "where $x \\neq 0$ is not
    assumed"). A case word or a quantifier ("if", "for any") keeps it: it is the condition of what follows.
    ``temporary``: a temporary statement ("for now", `_TEMPORARY`) is asserted, as for what only keeps a
    refutation from standing (it holds where the step is, or may)."""
    before, after = _clause(doc, start, end)
    if any(p.search(t) for p in (_NEGATED if temporary else _NEGATION, _UNDONE) for t in (before, after, extra)):
        return False
    if temporary:
        return True
    # "Let $a$ and $b$ be constants; below we drop this": temporary, though past the clause's comma
    return _TEMPORARY_WORDS.search(_rest_of_sentence(doc, end)) is None


def _rest_of_sentence(doc: str, end: int) -> str:
    """The sentence after ``end`` to its end (past commas and semicolons), to a display, inline math blanked."""
    after = _INLINE_MATH.sub(" x ", doc[end : end + 400])
    cut = re.search(r"[.!?](?:\s|$)|\n\s*\n|\$\$|\\\[|\\begin", after)
    return after[: cut.start()] if cut else after


def _display_start(doc: str, at: int) -> int | None:
    """The start of the display that a clause starting at ``at`` qualifies ("$$...$$ where $x \\neq 0$",
    "\\end{align} for nonzero $M$"), or None when the math at ``at`` follows no display."""
    m = _AFTER_DISPLAY.search(doc, max(0, at - 200), at)
    if m is None:
        return None
    close = m.start("close")
    if m.group("close") == "$$":
        opened = doc.rfind("$$", 0, close)
    elif m.group("env"):
        opened = doc.rfind(f"\\begin{{{m.group('env')}}}", 0, close)
    else:
        opened = doc.rfind("\\[", 0, close)
    return opened if opened >= 0 else None


def _listed_names(names: str) -> list[str]:
    """The names of "$a$, $b$ and $c$" (all or none: a list with an expression in it names nothing)."""
    written = re.findall(r"\$([^$]+)\$", names)
    found = [n for part in written for n in (_declared_names(part) or _names(part) or [None])]
    good = [n for n in found if n is not None and not n[0].isdigit()]
    return good if len(good) == len(found) else []


def nonzero_in_words(doc: str) -> list[tuple[int, int, str, str | None, str]]:
    """(offset, end, ``nonzero:name``, `NONZERO`, what was said) for each name the text says is nonzero:
    in words ("nonzero matrix $M$", "$x$ is non-zero") or in inline math (``$x \\neq 0$``,
    ``$\\mathbf v \\neq \\mathbf 0$``), asserted (`_asserted`; temporary counts). A clause right after a display ("where
    $x \\neq 0$") holds from that display on. No kind: a refutation that makes the name all zero is
    not shown (`derive.latex.refutation`), and nothing is proved from it."""
    out: list[tuple[int, int, str, str | None, str]] = []
    found: list[tuple[int, int, list[str], str]] = []
    for m in _NONZERO_BEFORE.finditer(doc):
        found.append((m.start(), m.end(), _listed_names(m.group("names")), ""))
    for m in _NONZERO_AFTER.finditer(doc):
        found.append((m.start(), m.end(), _listed_names(m.group("names")), m.group("verb")))
    for m in _NONZERO_RIGHT_AFTER.finditer(doc):
        found.append((m.start(), m.end(), _listed_names(m.group("names")), ""))
    for m in _INLINE_MATH.finditer(doc):
        inner = m.group().strip("$").removeprefix("\\(").removesuffix("\\)")
        math = _NONZERO_MATH.fullmatch(inner)
        if math is not None and not m.group().startswith("$$"):
            names = _names(math.group("names")) or []
            found.append((m.start(), m.end(), [n for n in names if not n[0].isdigit()], ""))
    for start, end, names, verb in found:
        if not names or not _asserted(doc, start, end, verb, temporary=True):
            continue
        said = " ".join(doc[start:end].split())
        at = _display_start(doc, start)
        out += [(start, end if at is None else at, f"{NONZERO}:{n}", NONZERO, said) for n in names]
    return out


#: "for constants $a$ and $b$", "the constant $c$", "non-random $w$", "deterministic vector $b$".
_CONSTANT_BEFORE = re.compile(
    r"(?<![A-Za-z-])(?:constants?|non-?random|deterministic)\s+(?:(?:real\s+)?(?:numbers?|scalars?|vectors?"
    rf"|matri(?:x|ces)|values?|parameters?|coefficients?|quantit(?:y|ies))\s+)?(?P<names>{_NAME_LIST})",
    re.IGNORECASE,
)
#: "$c$ is a constant", "where $\\mu, \\sigma \\in \\mathbb{R}$ are constants", "$w$ is fixed",
#: "let $a, b$ be real numbers (deterministic)", "treating $y_i$ as a constant".
_CONSTANT_AFTER = re.compile(
    rf"(?P<names>{_NAME_LIST})(?P<verb>(?:\s+(?!is\b|are\b|be\b|as\b)[A-Za-z']+){{0,3}}?)\s+(?:is|are|be|(?P<as>as))\s+"
    r"(?:an?\s+|some\s+|the\s+)?(?:(?:real|given|known|unknown|fixed|non-?random|deterministic)\s+)?"
    r"(?:(?:numbers?|scalars?|values?|parameters?|quantit(?:y|ies))\s*\(?\s*)?"
    r"(?P<word>constants?|non-?random|deterministic|fixed)(?![A-Za-z-])",
    re.IGNORECASE,
)
#: Words right after "constant" that narrow it: constant in x only, a constant function, a fixed point.
_NARROWED = re.compile(
    r"\s*(?:\)\s*)?(?:in|with|w\.?r\.?t|wrt|during|while|when|along|over|across|for|on|at|until|except|until"
    r"|function|functions|point|points|times|multiples?|multiplied|factors?|plus|minus|of|to"
    r"|that\s+depends?|which\s+depends?|depending)\b",
    re.IGNORECASE,
)
#: The verbs before "$x$ as a constant" that make it say x is held constant.
_TREAT = re.compile(
    r"\b(?:treat|treats|treating|treated|regard|regards|regarding|regarded|hold|holding|keep|keeping)\s*$",
    re.IGNORECASE,
)
#: Case words that make "$X$ is a constant" a case, not a statement ("if and only if $X$ is a constant").
_CONSTANT_CASE = re.compile(r"\b(?:if|iff|when|whenever|unless|suppose|supposing|whether)\b", re.IGNORECASE)


def constants_in_words(doc: str) -> list[tuple[int, int, str, str | None, str]]:
    """(offset, end, ``a constant:name``, `CONSTANT`, what was said) for each name the text calls a
    constant, non-random, deterministic or fixed, asserted (`_asserted`, and not a case: "if $X$ is a
    constant") and not narrowed ("constant in $x$", "a constant function", "a fixed point"). It depends on
    no differentiation variable, as under ``constants:`` (`Step.constants`). ``a \\in \\mathbb{R}`` alone
    says nothing of the kind."""
    out: list[tuple[int, int, str, str | None, str]] = []
    for pattern in (_CONSTANT_BEFORE, _CONSTANT_AFTER):
        for m in pattern.finditer(doc):
            written = re.findall(r"\$([^$]+)\$", m.group("names"))
            names = [n for part in written for n in (_declared_names(part) or _names(part) or [])]
            names = [n for n in names if not n[0].isdigit()]
            verb = m.groupdict().get("verb") or ""
            before, _ = _clause(doc, m.start(), m.end())
            if not names or len(written) > len(names) or _NARROWED.match(doc, m.end()):
                continue
            if m.groupdict().get("as") and not _TREAT.search(before):
                continue  # "write $x$ as a constant times $y$": only "treat/regard/hold $x$ as" says so
            if _CONSTANT_CASE.search(before) or not _asserted(doc, m.start(), m.end(), verb):
                continue
            said = " ".join(doc[m.start() : m.end()].split())
            at = _display_start(doc, m.start())
            out += [(m.start(), m.end() if at is None else at, f"{CONSTANT}:{n}", CONSTANT, said) for n in names]
    return out


# ----------------------------------------------------------------------------------------
# What retracts a constant, bounds stated in words, complex numbers in words.

_MODAL = r"(?:\s+(?:now|also|then|here|still|instead|in\s+general|must|should|will|shall|can|may|might|could|does|do))*"
#: "now let $b$ depend on $x$", "$a$ and $b$ vary with $t$", "$b$ is now a function of $x$", "$b$ is random".
_VARYING = re.compile(
    rf"(?P<names>{_NAME_LIST}){_MODAL}\s+(?:(?:depends?|depending|var(?:y|ies|ying)|changes?|changing)"
    r"(?:\s+(?:smoothly|continuously|freely|arbitrarily))?\s+(?:on|with|in|along|over|across|as|between|from|by)\b"
    r"|(?:is|are|be|becomes?)\s+(?:now\s+)?(?:an?\s+|some\s+)?(?:(?:arbitrary|general|differentiable|smooth|"
    r"continuous|unknown|given|real-valued|scalar|non-?constant)\s+)*(?:functions?\s+of|(?P<random>random)"
    r"|non-?constant|variables?|varying)\b"
    r"|(?P<unsaid>(?:is|are|be)\s+(?:no\s+longer|not|never)\s+(?:an?\s+)?(?:constants?|fixed|non-?random"
    r"|deterministic)\b))",
    re.IGNORECASE,
)
_GREEK_NAME = (
    r"\\(?:alpha|beta|gamma|delta|epsilon|varepsilon|zeta|eta|theta|vartheta|kappa|lambda|mu|nu|xi|rho|sigma"
    r"|tau|phi|varphi|chi|psi|omega)(?![A-Za-z])"
)
#: A name written applied to variables in inline math (``b(x)``, ``b = b(x)``, ``\\mu(t)``, ``a(x, t)``).
_APPLIED = re.compile(rf"(?<![A-Za-z\\_^])(?P<name>[A-Za-z]|{_GREEK_NAME})\s*\(\s*[A-Za-z](?:\s*,\s*[A-Za-z])*\s*\)")


def constants_retracted(doc: str) -> list[tuple[int, int, str, str | None, str]]:
    """(offset, end, ``not a constant:name``, `DEPENDS`, what was said) for each name a later sentence says
    varies: "now let $b$ depend on $x$", "$a$ and $b$ are functions of $x$", "$b$ is random", ``b(x)`` written
    in prose math, or a statement that it is a constant negated, doubted or temporary ("$b$ is no longer a
    constant"). A constant the text declared before holds no more (`Prose.dependent`); said random (`UNSAID`),
    it is no constant but keeps the independence a kind declared gives (a random variable need not vary with
    the differentiation variable). Reading too much here
    only leaves a step undecided, so every such sentence retracts, whatever its case words."""
    out: list[tuple[int, int, str, str | None, str]] = []
    for m in _VARYING.finditer(doc):
        if not m.group("unsaid") and _NEGATION.search(m.group()) and not _TEMPORARY_WORDS.search(m.group()):
            continue  # "$b$ does not depend on $x$" says it is a constant
        said = " ".join(m.group().split())
        # random is no constant, but need not depend on a differentiation variable: it keeps a kind's independence
        kind = UNSAID if m.group("random") else DEPENDS
        out += [(m.start(), m.end(), f"{kind}:{n}", kind, said) for n in _listed_names(m.group("names"))]
    for m in _INLINE_MATH.finditer(doc):
        if m.group().startswith("$$"):
            continue  # a display is a step: its definitions are read there
        for applied in _APPLIED.finditer(m.group()):
            try:
                name = name_of(applied.group("name"))
            except DeriveError:
                continue
            said = f"{' '.join(applied.group().split())} written applied"
            out.append((m.start(), m.end(), f"{DEPENDS}:{name}", DEPENDS, said))
    for pattern in (_CONSTANT_BEFORE, _CONSTANT_AFTER):
        for m in pattern.finditer(doc):
            names = _listed_names(m.group("names"))
            verb = m.groupdict().get("verb") or ""
            if names and not _NARROWED.match(doc, m.end()) and not _asserted(doc, m.start(), m.end(), verb):
                said = " ".join(doc[m.start() : m.end()].split())
                out += [(m.start(), m.end(), f"{DEPENDS}:{n}", DEPENDS, f"{said}, not asserted") for n in names]
    return out


_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
_UNITS += "seventeen eighteen nineteen"
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety"
_NUMBER_WORDS = {w: i for i, w in enumerate(_UNITS.split())} | {w: 20 + 10 * i for i, w in enumerate(_TENS.split())}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_NUMBER_WORD = rf"(?:{'|'.join(sorted(_NUMBER_WORDS, key=len, reverse=True))}|a|an)"
_IN_WORDS = rf"{_NUMBER_WORD}(?:[\s-]+(?:{_NUMBER_WORD}|hundred|thousand|million|and))*"
#: How a bound is said, longest first, and its relation.
_RELATIONS = {
    "greater than or equal to": "\\ge", "larger than or equal to": "\\ge", "at least": "\\ge",
    "no less than": "\\ge", "not less than": "\\ge", "no fewer than": "\\ge", "not fewer than": "\\ge",
    "no smaller than": "\\ge", "not smaller than": "\\ge", "more than": ">", "greater than": ">",
    "larger than": ">", "bigger than": ">", "exceeds": ">", "exceeding": ">", "exceed": ">",
    "less than or equal to": "\\le", "smaller than or equal to": "\\le", "at most": "\\le", "no more than": "\\le",
    "not more than": "\\le", "no greater than": "\\le", "not greater than": "\\le", "no larger than": "\\le",
    "not larger than": "\\le", "less than": "<", "fewer than": "<", "smaller than": "<",
}  # fmt: skip
_RELATION = "(?P<rel>" + "|".join(r"\s+".join(k.split()) for k in sorted(_RELATIONS, key=len, reverse=True)) + ")"
_BOUND_VALUE = rf"(?P<value>\$[^$]{{1,30}}\$|\d+(?:\.\d+)?(?!\w|\.\d)|{_IN_WORDS})(?![A-Za-z])"
#: "$n$ is larger than $4$", "$N$ is at least one hundred", "let $d$ be at least 3", "$k$ must exceed $2$".
_NAME_BOUND = re.compile(
    rf"(?P<names>{_NAME_LIST}){_MODAL}\s+(?:(?:is|are|be|being|remains?|stays?)\s+(?:(?:an?\s+)?(?:positive\s+)?"
    rf"(?:integers?|numbers?|natural\s+numbers?|whole\s+numbers?)\s+)?)?(?:(?:strictly|much|far|always)\s+)?{_RELATION}"
    rf"\s+{_BOUND_VALUE}",
    re.IGNORECASE,
)
_SIZE_WORDS = r"(?:entries|components|coordinates|features|elements|dimensions|rows|columns)"
#: "of dimension at least $5$", "with at least five entries", "holding more than four features".
_SIZE_BOUNDS = (
    re.compile(
        rf"\b(?:dimension(?:ality)?|size|length)\s+(?:of\s+)?(?:(?:strictly|always)\s+)?{_RELATION}\s+{_BOUND_VALUE}",
        re.IGNORECASE,
    ),
    re.compile(rf"{_RELATION}\s+{_BOUND_VALUE}\s+{_SIZE_WORDS}\b", re.IGNORECASE),
)
#: A letter size in inline math: ``\\mathbb{R}^n``, ``\\mathbb{R}^{D}``, ``\\mathbb{R}^{n \\times d}``.
_LETTER_SIZES = re.compile(r"\\mathbb\s*\{?\s*R\s*\}?\s*\^\s*(?:\{(?P<braced>[^{}]{1,30})\}|(?P<one>[A-Za-z]))")


def _number_in_words(text: str) -> str | None:
    """The number "one hundred", "five", "a thousand" say ("100", "5", "1000"), or None for no number."""
    total, current = 0, 0
    for word in re.split(r"[\s-]+", text.lower().strip()):
        if word == "and":
            continue
        if word in ("a", "an"):
            current = max(current, 1)
        elif word in _NUMBER_WORDS:
            current += _NUMBER_WORDS[word]
        elif word in _SCALES:
            total, current = total + max(current, 1) * _SCALES[word], 0
        else:
            return None
    value = total + current
    return str(value) if text.strip().lower() not in ("a", "an") else None


def _bound_value(written: str) -> str | None:
    if written.startswith("$"):
        inner = written.strip("$").strip()
        return inner if inner and "$" not in inner else None
    return written if written[0].isdigit() else _number_in_words(written)


def _sentence_at(doc: str, start: int, end: int) -> str:
    """The sentence around [start, end): from the last sentence end before to the next after (math kept)."""
    masked = _INLINE_MATH.sub(lambda m: " " * len(m.group()), doc)
    ends = list(_SENTENCE_END.finditer(masked, max(0, start - 400), start))
    lo = ends[-1].end() if ends else max(0, start - 400)
    cut = _SENTENCE_END.search(masked, end)
    return doc[lo : cut.start() if cut else min(len(doc), end + 400)]


def bounds_in_words(doc: str) -> list[tuple[int, int, str, str | None, str]]:
    """(offset, end, ``a bound:name``, `BOUND`, the math and the words) for each bound stated in words on a
    name ("$n$ is larger than $4$", "$N$ is at least one hundred") or on the letter size of a space in its
    sentence ("$\\mathbf{x} \\in \\mathbb{R}^n$ of dimension at least $5$", "with at least five entries"),
    asserted (`_asserted`). Recorded as a math condition is (`Prose.bounds`, `Prose.facts`): the step is not
    checked at sizes against it, nor refuted through the name (derive cannot sample under a condition)."""
    from derive.latex.names import latex_of_name  # noqa: PLC0415 - names imports the parser too

    out: list[tuple[int, int, str, str | None, str]] = []

    def add(m: re.Match[str], names: list[str]) -> None:
        value = _bound_value(m.group("value"))
        rel = _RELATIONS.get(" ".join(m.group("rel").lower().split()))
        if value is None or rel is None or not names or not _asserted(doc, m.start(), m.end(), temporary=True):
            return
        words = " ".join(re.sub(r"[()]", " ", doc[m.start() : m.end()]).split())
        out.extend(
            (m.start(), m.end(), f"{BOUND}:{n}", BOUND, f"{latex_of_name(n)} {rel} {value}{_SAID}{words}")
            for n in names
        )

    for m in _NAME_BOUND.finditer(doc):
        add(m, _listed_names(m.group("names")))
    for m in (m for pattern in _SIZE_BOUNDS for m in pattern.finditer(doc)):
        # the space of its sentence ("$x \\in \\mathbb{R}^n$ with at least five entries"), else of its paragraph
        paragraph = doc[max(doc.rfind("\n\n", 0, m.start()), m.start() - 1500, 0) : m.end()]
        add(m, _size_letters(_sentence_at(doc, m.start(), m.end())) or _size_letters(paragraph))
    return out


def _size_letters(text: str) -> list[str]:
    """The letters of the letter sizes ``\\mathbb{R}^n``, ``\\mathbb{R}^{n \\times d}`` written in ``text``."""
    letters: list[str] = []
    for size in _LETTER_SIZES.finditer(text):
        written = size.group("one") or size.group("braced") or ""
        letters += [x for x in re.findall(r"(?<![A-Za-z\\])[A-Za-z](?![A-Za-z])", written) if x not in letters]
    return letters


#: "Let $z$ be a complex number", "complex numbers $z$ and $w$", "$z$ is complex": as ``z \\in \\mathbb{C}``.
_COMPLEX_NOUN = r"(?:numbers?|scalars?|constants?|variables?|values?|parameters?|coefficients?)"
_COMPLEX_BEFORE = re.compile(rf"\bcomplex\s+{_COMPLEX_NOUN}\s+(?P<names>{_NAME_LIST})", re.IGNORECASE)
_COMPLEX_AFTER = re.compile(
    rf"(?P<names>{_NAME_LIST}){_MODAL}\s+(?:is|are|be)\s+(?:an?\s+|two\s+|some\s+|arbitrary\s+|any\s+)?"
    rf"(?:(?:arbitrary|nonzero|non-zero|given|fixed)\s+)?complex(?:\s+{_COMPLEX_NOUN}\b|(?=\s*(?:[.,;:)]|$)"
    r"|\s+(?:and|with|such|where|for|so|satisfying)\b))",
    re.IGNORECASE,
)


def complex_in_words(doc: str) -> list[tuple[int, int, str, str | None, str]]:
    """(offset, end, name, None, what was said) for each name the prose calls a complex number, asserted: a
    range, as ``z \\in \\mathbb{C}`` gives (derive samples real scalars; `derive.latex.shapes.not_a_scalar`
    finds the ``\\mathbb{C}`` in what was said). A complex-valued function is not read here."""
    from derive.latex.names import latex_of_name  # noqa: PLC0415 - names imports the parser too

    out: list[tuple[int, int, str, str | None, str]] = []
    for pattern in (_COMPLEX_BEFORE, _COMPLEX_AFTER):
        for m in pattern.finditer(doc):
            names = _listed_names(m.group("names"))
            if not names or not _asserted(doc, m.start(), m.end(), temporary=True):
                continue
            said = " ".join(m.group().split())
            out += [(m.start(), m.end(), n, None, f"{said}: {latex_of_name(n)} \\in \\mathbb{{C}}") for n in names]
    return out


#: A codomain that is the reals or a part of them: values derive may take as real numbers.
_REAL_CODOMAIN = re.compile(
    r"\\mathbb\s*\{?\s*R\s*\}?(?:\s*_\s*(?:\+|\{[^{}]*\}|[+\-0-9])|\s*\^\s*(?:\+|\{\s*[+\-]\s*\}|\{?\s*1\s*\}?(?![0-9])))?"
    r"|\\mathbb\s*\{?\s*[NZQ]\s*\}?.*"
    r"|[\[(]\s*[^,\[\]()]+,\s*[^,\[\]()]+\s*[\])]",
)
_MAPS = re.compile(
    r"^\s*(?P<name>[^:]{1,40}?)\s*(?::|\\colon)\s*(?P<dom>[^:]{1,80}?)\s*"
    r"(?:\\to|\\rightarrow|\\longrightarrow|\\mapsto)(?![A-Za-z])\s*(?P<cod>.{1,200})$",
    re.DOTALL,
)
_APPLIED_IN = re.compile(
    r"^\s*(?P<name>[^()]{1,40}?)\s*\((?P<args>[^()]{0,60})\)\s*\\in\s*(?P<cod>.{1,200})$", re.DOTALL
)
_VALUED = r"(?:complex|vector|matrix|tensor|\$\\mathbb\s*\{?\s*C\s*\}?\$|\$\\mathbb\s*\{?\s*R\s*\}?\s*\^[^$]+\$)"
_VALUED_BEFORE = re.compile(rf"\b{_VALUED}[\s-]valued\s+(?:[a-z]+\s+){{0,2}}?(?P<names>{_NAME_LIST})", re.IGNORECASE)
_VALUED_AFTER = re.compile(
    rf"(?P<names>{_NAME_LIST}){_MODAL}\s+(?:is|are|be)\s+(?:an?\s+|some\s+|any\s+)?(?:[a-z]+\s+){{0,2}}?"
    rf"{_VALUED}[\s-]valued\b",
    re.IGNORECASE,
)
_TAKES_VALUES = re.compile(
    rf"(?P<names>{_NAME_LIST}){_MODAL}\s+(?:takes?|taking|has|have|having)\s+(?:only\s+)?"
    r"(?P<what>complex|vector|matrix)\s+values\b",
    re.IGNORECASE,
)


def _codomain_of(text: str) -> str:
    """The codomain at the start of ``text``: up to a comma, semicolon or = outside brackets, or a space command."""
    text = re.split(r"\\q?quad|\\text|\\mbox|\\;|~", text)[0]
    depth = 0
    for i, ch in enumerate(text):
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth <= 0 and ch in ",;=" and not (ch == "," and text[max(0, i - 1)] == "\\"):
            return text[:i].strip().rstrip(".")
    return text.strip().rstrip(".")


def _codomain_said(name: str, written: str, cod: str) -> str:
    # shapes.not_a_scalar looks for \mathbb{C}, R^, "vector", "matri" in what was said
    if re.search(r"\\mathbb\s*\{?\s*C\b|complex", cod, re.IGNORECASE):
        return f"{written}: values of {name} in \\mathbb{{C}}"
    return f"{written}: values of {name} in {cod}, no real scalar (a vector, a matrix or a set derive cannot sample)"


def codomains_in_words(doc: str) -> list[tuple[int, int, str, str | None, str]]:
    """(offset, end, name, None, what was said) for each function whose values the text states are not
    real numbers: ``g : \\mathbb{R} \\to \\mathbb{C}``, ``g(t) \\in \\mathbb{C}``, "complex-valued function $g$",
    "$\\psi$ is a complex-valued wave function", "$g$ takes complex values", a vector or matrix codomain.
    A range: a step read with its applications as real numbers says nothing (`shapes.not_a_scalar`).
    A codomain within the reals (``\\mathbb{R}``, ``\\mathbb{R}_+``, ``[0, 1]``, ``(0, \\infty)``) is none."""
    out: list[tuple[int, int, str, str | None, str]] = []
    for m in _INLINE_MATH.finditer(doc):
        inner = m.group().strip("$").removeprefix("\\(").removesuffix("\\)")
        found = _MAPS.match(inner) or _APPLIED_IN.match(inner)
        if found is None:
            continue
        # the math may go on past the codomain: "f : \\mathbb{R}^2 \\to \\mathbb{R}, \\quad f(x, y) = ..."
        cod = _codomain_of(found.group("cod"))
        if _REAL_CODOMAIN.fullmatch(cod):
            continue
        names = _names(found.group("name"))
        if not names or len(names) != 1 or not _asserted(doc, m.start(), m.end()):
            continue
        written = " ".join(inner.split())
        out.append((m.start(), m.end(), names[0], None, _codomain_said(names[0], written, cod)))
    for pattern in (_VALUED_BEFORE, _VALUED_AFTER, _TAKES_VALUES):
        for m in pattern.finditer(doc):
            names = _listed_names(m.group("names"))
            if not names or not _asserted(doc, m.start(), m.end()):
                continue
            said = " ".join(m.group().split())
            cod = "complex" if re.search(r"complex|mathbb\s*\{?\s*C", said, re.IGNORECASE) else "vectors"
            out += [(m.start(), m.end(), n, None, _codomain_said(n, said, cod)) for n in names]
    return out


# ----------------------------------------------------------------------------------------
# Roles in words: "Let $p$ be the probability of heads", "$\\sigma$ denotes the standard deviation".

#: A role noun and what it makes certain of the name: a kind (a standard deviation is never negative, the rate of
#: a Poisson or exponential law or a learning rate never zero or below), or None, a range that only keeps a
#: refutation outside it from standing (a probability lies in [0, 1], closed: no kind states it; a count, a
#: mixture weight, a rate of unknown sign).
_ROLE_KINDS = (
    (r"standard\s+deviations?|variances?|distances?|norms?|lengths?|radi(?:us|i|uses)|diameters?", "nonnegative"),
    (r"(?:(?:decay|hazard)\s+)rates?", "nonnegative"),
    (r"(?:(?:learning|arrival)\s+)rates?|(?:intensit(?:y|ies))", "positive"),
    (r"rates?", "rate"),
    (r"probabilit(?:y|ies)|proportions?|fractions?|frequenc(?:y|ies)", None),
    (r"(?:mixture|mixing)\s+(?:weights?|coefficients?|proportions?)|weights?\s+of\s+(?:the\s+|a\s+|each\s+)?(?:"
     r"mixture|component)|counts?|number\s+of|(?:sample|batch|population)\s+sizes?", None),
)  # fmt: skip
_ROLE = "|".join(f"(?:{pattern})" for pattern, _ in _ROLE_KINDS)
#: Words that may stand before a role noun and keep it its head ("the sample variance", "the success probability");
#: any other ("the change in distance", "the log probability", "the signed distance") makes no role.
_ROLE_MODIFIERS = (
    r"(?:(?:sample|population|empirical|true|marginal|posterior|prior|conditional|noise|residual|euclidean|total"
    r"|average|mean|expected|observed|unknown|common|shared|overall|success|failure|default|initial|fixed|head"
    r"|heads|tails|event|class|stationary|limiting|growth|interest|error|convergence|sampling|birth|death|infection"
    r"|mutation|per-\w+)\s+)"
)
#: What turns the role into another thing: a density, a function, a vector of them, an estimate.
_NOT_ROLE = (
    r"(?!\s*(?:-|density|densities|mass|distributions?|measures?|models?|functions?|maps?|vectors?|matri(?:x|ces)"
    r"|tables?|generating|operators?|estimat\w*|scales?|terms?|parameters?|penalt\w*|loss\w*|[a-z]+ing\b))"
)
_VERB = r"(?:be|is|are|being|denotes?|denoting|represents?|representing|stands?\s+for|gives?|equals?)"
#: "Let $p$ be the probability of heads", "where $\\sigma$ denotes the standard deviation of $X$".
_ROLE_AFTER = re.compile(
    rf"(?P<names>{_NAME_LIST})\s+{_VERB}\s+(?:the\s+|an?\s+|its\s+|our\s+|their\s+)?{_ROLE_MODIFIERS}{{0,2}}"
    rf"(?P<role>{_ROLE})\b{_NOT_ROLE}",
    re.IGNORECASE,
)
#: "the standard deviation $\\sigma$", "with learning rate $\\eta$", "success probability $p$".
_ROLE_BEFORE = re.compile(
    rf"(?<![A-Za-z-])(?:(?:the|a|an|with|of|and)\s+){_ROLE_MODIFIERS}{{0,2}}(?P<role>{_ROLE})\s+(?P<names>\$[^$]{{1,60}}\$)"
    r"(?!\s*\()",
    re.IGNORECASE,
)
#: A name in a vector or matrix font: a role noun then says what its entries are, not what it is.
_VECTOR_FONT = re.compile(r"\\(?:mathbf|boldsymbol|bm|vec|pmb|mathbb)(?![A-Za-z])")
#: Words right before a name that make it the owner of the role's subject ("the entries of $D$", "in $\\mathbf p$").
_PART_OF = re.compile(r"\b(?:of|in|for|to|from|by|on|at|with|than|over|within|under)\s*$", re.IGNORECASE)
_ROLE_CASE = re.compile(r"\b(?:if|iff|when|whenever|unless|whether)\b", re.IGNORECASE)
#: A law whose rate is positive by definition (the exponential *decay* of a loss says nothing of a rate's sign).
_POSITIVE_LAW = re.compile(
    r"\b(?:poisson|erlang|arrivals?|events?\s+per|(?:exponential|gamma)(?:ly)?\s+(?:distribut\w*|laws?|random"
    r"|variables?|densit\w*|models?|waiting|times?|process\w*))\b",
    re.IGNORECASE,
)


def _role_kind(role: str, sentence: str) -> str | None:
    """The kind a role noun makes certain (`_ROLE_KINDS`): a bare "rate" only of a Poisson or exponential law."""
    for pattern, kind in _ROLE_KINDS:
        if re.fullmatch(pattern, role, re.IGNORECASE):
            if kind == "rate":
                return "positive" if _POSITIVE_LAW.search(sentence) else None
            return kind
    return None


def roles_in_words(doc: str) -> list[tuple[int, int, str, str | None, str]]:
    """(offset, end, name, kind, what was said) for each name the prose gives a role with a known range: a
    standard deviation, variance, distance, norm, length or radius is nonnegative; a learning rate or the rate
    of a Poisson or exponential law positive; a probability, proportion, fraction, count or mixture weight a
    range (no kind states [0, 1] closed, and a count may be read as real): no refutation outside it stands.
    Only bare names, asserted (`_asserted`: not negated, hedged or temporary) and not a case ("if $p$ is the
    probability"); the declaration ends at the name, so a kind stated after it in the sentence wins
    ("Let $\\sigma$ be the standard deviation, $\\sigma > 0$")."""
    out: list[tuple[int, int, str, str | None, str]] = []
    for pattern in (_ROLE_AFTER, _ROLE_BEFORE):
        for m in pattern.finditer(doc):
            written = re.findall(r"\$([^$]+)\$", m.group("names"))
            names = [n for part in written for n in (_names(part) or [None])]
            if (
                not written
                or None in names
                or any(n[0].isdigit() for n in names if n)
                or _VECTOR_FONT.search(m["names"])
            ):
                continue
            if pattern is _ROLE_AFTER and _PART_OF.search(doc, max(0, m.start() - 40), m.start()):
                continue  # "the entries of $D$ are the variances": the role is of something in D, not of D
            before, _ = _clause(doc, m.start(), m.end())
            if _ROLE_CASE.search(before) or not _asserted(doc, m.start(), m.end()):
                continue
            stated = _stated_in_paragraph(doc, m.start())
            names = [n for n in names if n not in stated]
            said = " ".join(doc[m.start() : m.end()].split())
            kind = _role_kind(" ".join(m.group("role").split()), _sentence_at(doc, m.start(), m.end()))
            end = m.end("names")
            out += [(m.start(), end, n, kind, said) for n in names if n is not None]
    return out


def _stated_in_paragraph(doc: str, at: int) -> set[str]:
    """The names inline math gives a kind narrower than real (``\\sigma > 0``, ``p \\in (0, 1)``) in the
    paragraph around ``at`` or before it in its section: the math states the range exactly, and a role beside
    or after it would only blur it (two kinds in one paragraph read as a case split, a wider one later as a
    restatement: both a range, `derive.latex.steps`)."""
    lo = max([0, *(h for h, _ in headings(doc) if h <= at)])
    hi = doc.find("\n\n", at)
    out: set[str] = set()
    for m in _INLINE_MATH.finditer(doc, lo, hi if hi >= 0 else len(doc)):
        if m.group().startswith("$$"):
            continue
        inner = m.group().strip("$").removeprefix("\\(").removesuffix("\\)")
        out |= {n for n, k in _declared_kinds(inner) if k is not None and k != "real"}
    return out


# ----------------------------------------------------------------------------------------
# Integer kinds in words: "Let $n$ be a positive integer", "for a natural number $n$".

#: The adjective and noun of an integer kind in words; "natural number" alone may or may not hold 0.
_INTEGER_ADJECTIVE = r"(?:(?P<adj>(?:strictly\s+)?positive|non-?negative)\s+)?"
_INTEGER_NOUN = r"(?P<noun>integers?|natural\s+numbers?)"
#: "Let $n$ be a positive integer", "where $n$ is a natural number", "$m, n$ are nonnegative integers".
_INTEGER_AFTER = re.compile(
    rf"(?P<names>{_NAME_LIST}){_MODAL}\s+(?:be|is|are|denotes?|represents?|stands?\s+for)\s+"
    rf"(?:an?\s+|some\s+|any\s+|arbitrary\s+|fixed\s+|given\s+|two\s+)*(?:(?:arbitrary|fixed|given)\s+)?"
    rf"{_INTEGER_ADJECTIVE}{_INTEGER_NOUN}(?![A-Za-z-])(?!\s*(?:-\s*)?(?:valued|multiples?|powers?|parts?|vectors?"
    r"|matri(?:x|ces)|sequences?|combinations?|of\b))",
    re.IGNORECASE,
)
#: "For a positive integer $n$", "for natural numbers $m$ and $n$", "given any nonnegative integer $k$".
_INTEGER_BEFORE = re.compile(
    rf"(?<![A-Za-z-]){_INTEGER_ADJECTIVE}{_INTEGER_NOUN}\s+(?P<names>{_NAME_LIST})(?!\s*\()",
    re.IGNORECASE,
)


#: Words after an integer kind in its sentence that widen or hedge it: a disjunction, an example, a later change.
_INTEGER_WIDENED = re.compile(
    r"\b(?:or|possibly|perhaps|maybe|e\.\s?g|say|for\s+(?:example|instance)|such\s+as|later|replaced|generali[sz]\w*"
    r"|relax\w*|extend\w*|half-integers?)\b",
    re.IGNORECASE,
)


def _integer_kind(adjective: str | None, noun: str) -> tuple[str, bool] | None:
    """The kind an integer kind in words states, and whether 0 may or may not be in it (a bare natural
    number, as ``\\mathbb{N}``); None for a bare "integer" (read by no rule here)."""
    adjective = " ".join((adjective or "").lower().split())
    natural = noun.lower().startswith("natural")
    if adjective.endswith("positive"):
        return "positive integer", False
    if adjective:
        return "nonnegative integer", False
    return ("positive integer", True) if natural else None


def integers_in_words(doc: str) -> list[tuple[int, int, str, str | None, str]]:
    """(offset, end, name, kind, what was said) for each name the prose calls a positive integer, a
    nonnegative integer or a natural number in words, as ``n \\in \\mathbb{N}_{>0}``, ``\\mathbb{N}_0`` and
    ``\\mathbb{N}`` declare: a bare natural number is said as ``\\mathbb{N}``, so the step must hold whether 0
    is natural or not (`derive.latex.shapes`: two readings). Asserted only (`_asserted`: "$n$ is not a positive
    integer" says nothing); a case ("if $n$ is a positive integer") or a name in a vector font gives a range
    (no refutation through it, nothing proved from it). A clause right after a display ("$$...$$ where $n$ is a
    positive integer") holds from that display's start; a case there only in that display."""
    from derive.latex.names import latex_of_name  # noqa: PLC0415 - names imports the parser too

    out: list[tuple[int, int, str, str | None, str]] = []
    for pattern in (_INTEGER_AFTER, _INTEGER_BEFORE):
        for m in pattern.finditer(doc):
            found = _integer_kind(m.group("adj"), m.group("noun"))
            names = _listed_names(m.group("names"))
            if found is None or not names or not _asserted(doc, m.start(), m.end()):
                continue
            kind: str | None = found[0]
            said = " ".join(doc[m.start() : m.end()].split())
            before, _ = _clause(doc, m.start(), m.end())
            if _CONSTANT_CASE.search(before) or _VECTOR_FONT.search(m["names"]):
                kind = None
            elif _INTEGER_WIDENED.search(_rest_of_sentence(doc, m.end())) or re.search(r"\beither\b", before, re.I):
                kind = None  # "a positive integer or zero", "possibly a real later": the kind is not all it says
            at = _display_start(doc, m.start())
            for n in names:
                text = f"{said}: {latex_of_name(n)} \\in \\mathbb{{N}}" if found[1] else said
                if at is None:
                    out.append((m.start(), m.end(), n, kind, text))
                    continue
                # the display's own clause: its kind there, and past the clause only a range (it may be a case)
                out.append((m.start(), at, n, kind, text))
                out.append((m.start(), m.end(), n, None, f"{said}{_CASE_OF}"))
    return out
