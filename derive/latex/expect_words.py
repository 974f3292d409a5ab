"""Independence stated in words, for the laws of unknown-law expectations (derive.tiers._linearity).

"$X$ and $Y$ are independent", "two independent random variables $X$ and $Y$", "$X, Y, Z$ are mutually
independent": the names of each such statement form a group whose plain expectations of products factor
(``E[XY] = E[X] E[Y]``, so ``Var(X + Y) = Var(X) + Var(Y)``). Said "pairwise independent", only its pairs
are groups (pairwise independence does not factor ``E[XYZ]``). Nothing else counts: not "conditionally
independent" (given what?), not "uncorrelated" (it factors ``E[XY]`` but not ``E[X^2 Y]``), not "independent
of $Z$" (which pairs?), not a negated or doubted statement ("we cannot assume $X$ and $Y$ are independent").

Numbers beside random variables: "For any random variable $X$ and numbers $a$ and $b$", "$a$ and $b$ are
real numbers" in a sentence that speaks of random variables: a and b are not random (an expectation takes
them out), to the next heading. Not "random numbers", nor a sentence that says nothing of random variables
(there "number" may be a count or a value of a random variable).

A statement after a case word ("If $X$ and $Y$ are independent, then $$...$$") is *hypothetical*: it holds for
what that sentence introduces (the next display) only; any other holds from its end on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations

from derive.errors import DeriveError
from derive.latex.parser import name_of

__all__ = [
    "IndependenceStatement",
    "NumbersStatement",
    "independent_at",
    "independent_in_words",
    "nonrandom_at",
    "numbers_in_words",
]

_MATH = r"\$[^$]{1,80}\$"
_LIST = rf"{_MATH}(?:\s*(?:,|,?\s*and)\s*{_MATH}){{0,7}}"
#: Words allowed between the names and "independent": how independent, never conditionally.
_HOW = r"(?:(?:mutually|pairwise|statistically|jointly)\s+)?"
#: "independent" as written, emphasis included (``*independent*``, ``\\emph{independent}``).
_WORD = r"(?:\\(?:emph|textit|textbf|mathit)\{|[*_]{1,2})?independent(?:\}|[*_]{1,2})?(?![A-Za-z])"
_AFTER = re.compile(
    rf"(?P<names>{_LIST})\s+(?:are|be|being|were)\s+(?:(?:all|both|two|three)\s+)?(?P<how>{_HOW}){_WORD}"
    r"(?:\s+(?:(?:real(?:-valued)?|discrete|continuous|scalar)\s+)?(?:random\s+)?(?:variables|quantities|samples))?",
    re.IGNORECASE,
)
_BEFORE = re.compile(
    rf"(?<![A-Za-z])(?P<how>{_HOW}){_WORD}\s+(?:(?:real(?:-valued)?|discrete|continuous|scalar)\s+)?"
    rf"(?:random\s+variables|variables|samples|copies|draws)\s+(?P<names>{_LIST})",
    re.IGNORECASE,
)
#: What narrows "independent" after it: of/from something, given something, conditional on it.
_NARROWED = re.compile(r"\s*(?:of|from|given|conditional(?:ly)?|when|under|for|in)\b", re.IGNORECASE)
#: Words that negate or doubt the statement in its sentence before it.
_DOUBT = re.compile(
    r"\b(?:not|no|never|cannot|can't|don't|doesn't|without|unless|whether|nor|neither|dependent|"
    r"uncorrelated|conditionally|instead\s+of)\b|n't\b",
    re.IGNORECASE,
)
_CASE = re.compile(r"\b(?:if|when|whenever|provided|in\s+case)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n\s*\n|\$\$|\\\]|\\end\{")
#: A heading ends what a section states (Markdown ``## ...``, LaTeX sectioning commands).
_HEADING = re.compile(r"^#{1,6}\s|\\(?:chapter|section|subsection|subsubsection|paragraph)\*?\{", re.MULTILINE)
#: What ends a hypothetical statement's reach before the display it introduces (a blank line does not: Markdown
#: sets a display apart by blank lines).
_ANOTHER = re.compile(r"[.!?](?:\s|$)|\$\$|\\\[|\\begin\{")


@dataclass(frozen=True)
class IndependenceStatement:
    """One statement of independence: where it ends, the groups it states, whether it is a case."""

    end: int
    groups: tuple[tuple[str, ...], ...]
    hypothetical: bool
    said: str


def independent_in_words(doc: str) -> list[IndependenceStatement]:
    """Every statement of independence in ``doc`` (prose with inline math), in document order.

    >>> [s.groups for s in independent_in_words("Let $X$ and $Y$ be independent.")]
    [(('X', 'Y'),)]
    >>> independent_in_words("$X$ and $Y$ are independent of $Z$.")
    []
    """
    out: list[IndependenceStatement] = []
    for pattern in (_AFTER, _BEFORE):
        for m in pattern.finditer(doc):
            names = _names(m.group("names"))
            if len(names) < 2 or len(set(names)) != len(names):
                continue
            if pattern is _AFTER and _NARROWED.match(doc, m.end()):
                continue
            before = _sentence_before(doc, m.start())
            between = doc[m.start() : m.end()]
            if _DOUBT.search(before) or _DOUBT.search(re.sub(_MATH, " ", between)):
                continue
            if pattern is _BEFORE and _NARROWED.match(doc, m.end()):
                continue
            pairwise = m.group("how").strip().lower() == "pairwise"
            groups = tuple(combinations(names, 2)) if pairwise else (tuple(names),)
            said = " ".join(between.split())
            out.append(IndependenceStatement(m.end(), groups, _CASE.search(before) is not None, said))
    return sorted(out, key=lambda s: s.end)


def independent_at(
    doc: str, statements: list[IndependenceStatement], offset: int, display: int
) -> tuple[tuple[str, ...], ...]:
    """The groups stated independent for a step at ``offset`` of ``doc`` whose display starts at ``display``:
    each statement before it in its section (no heading between); a hypothetical one only when the step's
    display is what its sentence introduces (no sentence end nor other display between them)."""
    groups: list[tuple[str, ...]] = []
    for s in statements:
        if s.end > offset or _scope_ends(doc, s.end, offset):
            continue
        if s.hypothetical and (display < s.end or _ANOTHER.search(doc[s.end : display])):
            continue
        names = {n for g in s.groups for n in g}
        if _retracted(doc, s.end, offset, names, _NOT_INDEPENDENT):
            continue
        groups += [g for g in s.groups if g not in groups]
    return tuple(groups)


#: "numbers $a$ and $b$", "real scalars $a, b$".
_NUMBERS_BEFORE = re.compile(
    rf"(?<![A-Za-z-])(?P<pre>[A-Za-z-]+\s+)?(?:real\s+)?(?:numbers|scalars|constants|number|scalar|constant)\s+"
    rf"(?P<names>{_LIST})",
    re.IGNORECASE,
)
#: "$a$ and $b$ are (real) numbers".
_NUMBERS_AFTER = re.compile(
    rf"(?P<names>{_LIST})\s+(?:are|be|is)\s+(?:an?\s+|two\s+|some\s+|any\s+)?(?P<pre>[A-Za-z-]+\s+)?"
    r"(?:real\s+)?(?:numbers?|scalars?|constants?)(?![A-Za-z])",
    re.IGNORECASE,
)
_RANDOM_VARIABLE = re.compile(r"\brandom\s+variables?\b", re.IGNORECASE)
_NOT_A_NUMBER = re.compile(r"random|stochastic|complex|natural|integer|whole|prime|index", re.IGNORECASE)


@dataclass(frozen=True)
class NumbersStatement:
    """Names a sentence about random variables calls numbers: where it ends, the names, what was said."""

    end: int
    names: tuple[str, ...]
    said: str


def numbers_in_words(doc: str) -> list[NumbersStatement]:
    """Every statement in ``doc`` that calls names numbers beside random variables, in document order.

    >>> [s.names for s in numbers_in_words("For any random variable $X$ and numbers $a$ and $b$, we have")]
    [('a', 'b')]
    >>> numbers_in_words("Let $a$ and $b$ be numbers.")
    []
    """
    out: list[NumbersStatement] = []
    for pattern in (_NUMBERS_BEFORE, _NUMBERS_AFTER):
        for m in pattern.finditer(doc):
            names = _leading_names(m.group("names"))
            pre = m.group("pre") or ""
            if not names or _NOT_A_NUMBER.search(pre) or _DOUBT.search(pre):
                continue
            before = _sentence_before(doc, m.start())
            sentence = before + re.sub(_MATH, " ", doc[m.start() : _sentence_end(doc, m.end())])
            if _RANDOM_VARIABLE.search(sentence) is None or _DOUBT.search(before):
                continue
            out.append(NumbersStatement(m.end(), tuple(names), " ".join(doc[m.start() : m.end()].split())))
    return sorted(out, key=lambda s: s.end)


def nonrandom_at(doc: str, statements: list[NumbersStatement], offset: int) -> tuple[str, ...]:
    """The names called numbers before ``offset`` in their scope, unless a later sentence calls them random."""
    names: list[str] = []
    for s in statements:
        if s.end <= offset and not _scope_ends(doc, s.end, offset):
            names += [n for n in s.names if n not in names and not _retracted(doc, s.end, offset, {n}, _RANDOM_AGAIN)]
    return tuple(names)


#: Words of a later sentence that end an independence statement for the names it mentions: "$X$ and $Y$ are
#: dependent", "correlated", "arbitrary", "we drop this assumption", "no longer", "let $X$ and $Y$ be random variables".
_NOT_INDEPENDENT = re.compile(
    r"\b(?:dependent|dependence|correlated|correlation|arbitrary|any|general|drop|dropped|no\s+longer|not|"
    r"random\s+variables?|let|suppose|assume|now)\b",
    re.IGNORECASE,
)
#: ... and a names-as-numbers statement: "$a$ is a random variable", "random", "varies", "let $a$ be".
_RANDOM_AGAIN = re.compile(r"(?<!non-)(?<!non)\brandom\b|\bvar(?:y|ies|ying)\b|\blet\b|\bdrawn\b", re.IGNORECASE)


def _scope_ends(doc: str, start: int, end: int) -> bool:
    """Whether a heading, a problem label, a part or a list item (`derive.latex.steps.scope_marks`) stands
    between ``start`` and ``end``: what was stated before it may not hold after it."""
    if _HEADING.search(doc, start, end):
        return True
    return any(start < at < end for at in _marks(doc))


def _marks(doc: str) -> tuple[int, ...]:
    global _MARKS_OF  # noqa: PLW0603 - one document at a time: its marks are found once
    if _MARKS_OF[0] != doc:
        from derive.latex.steps import scope_marks  # noqa: PLC0415 - steps imports this module

        _MARKS_OF = (doc, tuple(at for at, _ in scope_marks(doc)))
    return _MARKS_OF[1]


_MARKS_OF: tuple[str, tuple[int, ...]] = ("", ())
_DISPLAY = re.compile(r"\$\$.*?(?:\$\$|$)|\\\[.*?(?:\\\]|$)|\\begin\{(\w+\*?)\}.*?(?:\\end\{\1\}|$)", re.DOTALL)


def _retracted(doc: str, start: int, end: int, names: set[str], words: re.Pattern[str]) -> bool:
    """Whether a sentence between ``start`` and ``end`` mentions one of ``names`` in its math and says
    ``words`` (another statement about them, which may undo the first: derive does not read which)."""
    text = _DISPLAY.sub(". ", doc[start:end])  # a display ends a sentence, and its math is no mention
    for sentence in re.split(r"(?<=[.!?])[\s}*]+|\n\s*\n", text):
        mentioned = {n for math in re.findall(_MATH, sentence) for n in _names(math)}
        if mentioned & names and words.search(re.sub(_MATH, " ", sentence)):
            return True
    return False


def _leading_names(listed: str) -> list[str]:
    """The names of the math groups of ``listed`` up to the first that is not a list of plain names
    (``$a$ and $b$, $\\mathrm{Cov}(aX + b, Y) = 0$``: a and b)."""
    out: list[str] = []
    for math in re.findall(r"\$[^$]+\$", listed):
        names = _names(math)
        if not names:
            break
        out += names
    return out


def _sentence_end(doc: str, at: int) -> int:
    m = _SENTENCE_END.search(doc, at, at + 400)
    return m.start() if m else min(len(doc), at + 400)


def _names(listed: str) -> list[str]:
    """The derive names in ``$X$ and $Y$``, ``$X, Y$``; [] when a piece is not a plain name (``$X_1, \\ldots$``)."""
    out: list[str] = []
    for math in re.findall(r"\$([^$]+)\$", listed):
        for raw in math.split(","):
            piece = raw.strip()
            if not piece or "\\ldots" in piece or "\\dots" in piece or "\\cdots" in piece:
                return []
            try:
                out.append(name_of(piece))
            except (DeriveError, RecursionError):
                return []
    return out


def _sentence_before(doc: str, start: int) -> str:
    """The sentence before ``start`` (from its last end), its inline math blanked."""
    before = doc[max(0, start - 300) : start]
    ends = list(_SENTENCE_END.finditer(before))
    return re.sub(_MATH, " ", before[ends[-1].end() :] if ends else before)
