"""A plain E the text itself names the expectation: its definitions define the expectation, not another E.

A plain ``E[...]`` that the text also defines (``E[f] = \\sum_x f(x) P(x)``) or defines more than once is
ambiguous to `derive.latex.readings`: an unknown-law expectation, or the E the text gives a meaning of its
own (``E(w) = w^2``, an error function). Where the prose says in words that its E *is* the expectation
("the *expectation* or *expected value* $E[f]$ of $f$ is", "$E[X]$ denotes the expectation of $X$"), the
two readings are one: the text's definitions define the expectation, and a step proved for every law holds
for the law they describe.

The naming holds to the next heading of its own level or higher (a subsection under it keeps it) and only
where nothing in the prose before the step gives E another role:

- a word before or after a plain E's math naming another role ("the error $E(w)$", "$E$ is the energy",
  "Let $E(w) = ...$ be the loss");
- an equation of the prose that makes E a quantity or a function of its own: a bare ``E =``, ``E^2``,
  ``E(w) = ...`` (round brackets: the form an error or energy function takes; ``E[f] = ...`` stays the
  expectation's definition);
- a doubt about the naming itself ("not the expectation").

Nothing here reads a law; it only says that the text's E and the parser's expectation are the same operator.
"""

from __future__ import annotations

import re

from derive.latex.assumptions import headings
from derive.latex.definitions_words import own_function_target

__all__ = ["expectation_named", "own_e_defined"]

#: What may follow "mean" for it to be the head of its noun phrase: "the mean of", "the mean $E[X]$", "the mean,"
#: ("the mean squared error", "the mean field" name other things).
_MEAN_ENDS = r"(?=\s*(?:$|[,.;:()$]|\b(?:of|or|and|is|over|under|with|for|in|taken|w\.r\.t\.?|wrt)\b))"
#: The words that name the expectation (an "or" chain ends with one of them).
_ROLE = rf"(?:expectation(?:\s+operator)?|expected\s+value|mean(?:\s+value)?{_MEAN_ENDS})"
#: Emphasis around words: ``*expectation*``, ``\\emph{expectation}``, ``**mean**``.
_EMPHASIS = re.compile(r"\\(?:emph|textit|textbf)\{([^{}]*)\}|[*_]{1,2}")
#: Inline math opening with a plain E (not ``\\mathbb{E}``, not ``E_D``): what the naming and the roles are about.
_E_MATH = re.compile(r"(?<![$\\])\$(?!\$)\s*E(?![A-Za-z_])(?P<rest>[^$]{0,160})\$")
#: The sentence part before a math naming it: "... the expectation or expected value " (emphasis removed).
_NAMED_BEFORE = re.compile(rf"\b{_ROLE}\s*$", re.IGNORECASE)
#: ... or after it: "$E[X]$ denotes the expectation", "$E$ is the expectation operator".
_NAMED_AFTER = re.compile(
    rf"^\s*(?:is|denotes|stands\s+for|means)\s+(?:the\s+|an\s+)?{_ROLE}\b",
    re.IGNORECASE,
)
#: Another role said of E right before its math ("the error $E(w)$", "Let $E$ be the energy").
_ROLE_BEFORE = re.compile(
    r"\b(?:the|an?|our|its|this)\s+(?P<noun>[A-Za-z-]+)\s*$"
    r"|\b(?P<bare>energy|error|loss|cost|objective|event|edges?|field|evidence|risk|matrix|set)\s*$",
    re.IGNORECASE,
)
_ROLE_AFTER = re.compile(
    r"^\s*,?\s*(?:(?:is|be|denotes?|stands?\s+for|represents?|means?|equals?|as)\s+(?:the\s+|an?\s+|our\s+)?"
    r"|(?:the|an?|our)\s+)"
    r"(?:[A-Za-z-]+\s+){0,2}?(?P<noun>[A-Za-z-]+)",
    re.IGNORECASE,
)
#: Nouns that name the expectation (or say nothing of E's role).
_EXPECTATION_NOUNS = frozenset({"expectation", "expected", "mean", "average", "expectations", "operator"})
#: Nouns that say what form E takes, not what it is ("the expression of $E$ as a sum (or integral)").
_FORM_NOUNS = frozenset({"sum", "integral", "series", "limit", "weighted"})
#: A doubt about the naming: "not the expectation", "unlike the expectation".
_DOUBT = re.compile(r"\b(?:not|no|never|unlike|instead\s+of|rather\s+than)\b", re.IGNORECASE)
#: An equation making E a quantity or a function of its own: bare ``E =``, ``E^2``, ``E +``; ``E(w) = ...``.
_OWN_E = re.compile(
    r"(?<![A-Za-z\\{_])E\s*&?\s*(?:=|\^|\\cdot|:=)"
    r"|(?<![A-Za-z\\{_])E\s*(?:\\left\s*)?\([^()=]{0,80}\)\s*(?:\\right\s*\))?\s*&?\s*:?="
)
_MATH_ANY = re.compile(r"\$\$.*?\$\$|\\\[.*?\\\]|\\begin\{(\w+\*?)\}.*?\\end\{\1\}|\$[^$]+\$", re.DOTALL)
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n\s*\n")


def _plain(text: str) -> str:
    return _EMPHASIS.sub(lambda m: m.group(1) or "", text)


def _sentence_part_before(prose: str, at: int) -> str:
    before = prose[max(0, at - 300) : at]
    ends = list(_SENTENCE_END.finditer(before))
    part = before[ends[-1].end() :] if ends else before
    return _plain(re.sub(r"\$[^$]*\$", " x ", part)).rstrip()


def _sentence_part_after(prose: str, at: int) -> str:
    after = prose[at : at + 200]
    m = _SENTENCE_END.search(after)
    return _plain(after[: m.start()] if m else after)


def _section_holds(prose: str, at: int) -> bool:
    """Whether the naming at ``at`` still holds at the end of ``prose``: no heading of its own section's level
    or higher stands after it (a subsection under it keeps it)."""
    marks = headings(prose)
    own = [d for o, d in marks if o <= at]
    if not own:
        return True  # before any heading: it holds to the end, as a declaration does (assumptions.Prose)
    return not any(o > at and d <= own[-1] for o, d in marks)


def _other_role(prose: str) -> bool:
    """Whether the prose gives a plain E a role other than the expectation, in words or by an equation."""
    if _role_in_words(prose) is not None:
        return True
    for math in _MATH_ANY.finditer(prose):
        body = re.sub(r"\\mathbb\s*\{\s*E\s*\}|\\(?:operatorname|mathrm)\s*\{\s*E\s*\}", "", math.group())
        if _OWN_E.search(body.strip("$")) or _own_function(math.group()):
            return True
    return False


#: The phrases after "is the" that name the expectation itself ("the mean", "the expected value"); a longer
#: phrase that starts the same way names something else ("the mean squared error", "the mean absolute value").
_EXPECTATION_PHRASES = frozenset(
    {"expectation", "expectation operator", "expected value", "expected", "mean", "mean value", "average",
     "average value", "expectations", "operator"}
)  # fmt: skip
#: First words of a phrase that names an expectation of what follows ("the expected sample mean").
_EXPECTED_OF = frozenset({"expected", "expectation", "expectations", "average"})
#: Words that end the noun phrase after "is the" (what follows says of what, not what).
_PHRASE_STOP = frozenset(
    {"of", "for", "over", "under", "with", "in", "on", "at", "and", "or", "is", "that", "which", "when", "where",
     "taken", "as", "to", "from", "by", "wrt"}
)  # fmt: skip
_PHRASE_AFTER = re.compile(
    r"^\s*,?\s*(?:(?:is|be|denotes?|stands?\s+for|represents?|means?|equals?|as)\s+(?:the\s+|an?\s+|our\s+)?"
    r"|(?:for\s+)?(?:the|an?|our)\s+)"
    r"(?P<phrase>(?:[A-Za-z-]+\s*){1,5})",
    re.IGNORECASE,
)
#: "... the expected value of $X^2$": what the naming is of.
_OF_MATH = re.compile(r"^\s*of\s+(?:the\s+)?(?:(?:random\s+)?(?:variable|vector|function)\s+)?\$(?P<of>[^$]{1,80})\$")


def _role_in_words(prose: str) -> str | None:
    """The words by which the prose gives a plain ``$E...$`` another role than the expectation of its argument, or
    None: a noun before or after it ("the error $E(w)$", "$E$ is the energy"), a longer phrase than the
    expectation's own ("$E[X]$ is the mean absolute value of $X$"), or the expectation of something else than
    its argument ("$E[X]$ denotes the expected value of $X^2$", "we write $E[f]$ for the mean of $f^2$")."""
    for m in _E_MATH.finditer(prose):
        before = _ROLE_BEFORE.search(_sentence_part_before(prose, m.start()))
        noun = (before.group("noun") or before.groupdict().get("bare") or "").lower() if before is not None else ""
        if noun and noun not in _EXPECTATION_NOUNS and noun not in _FORM_NOUNS:
            return f"the {noun} {m.group().strip()}"
        after = _sentence_part_after(prose, m.end())
        said = _PHRASE_AFTER.match(after)
        if said is None:
            continue
        words: list[str] = []
        for word in said.group("phrase").split():
            if word.lower() in _PHRASE_STOP:
                break
            words.append(word.lower())
        phrase = " ".join(words)
        if not words or words[0] in _FORM_NOUNS:
            continue
        if phrase not in _EXPECTATION_PHRASES:
            if words[0] in _EXPECTED_OF:
                continue  # "the expected sample mean", "the expected loss": an expectation of what it names
            return f"{m.group().strip()} {' '.join(after.split()[:6])}"
        rest = after[said.start("phrase") + len(" ".join(said.group("phrase").split()[: len(words)])) :]
        of = _OF_MATH.match(rest) if words else None
        argument = _argument(m.group("rest"))
        if of is not None and argument is not None and _squash(of.group("of")) != _squash(argument):
            return f"{m.group().strip()} {' '.join(after.split()[:8])}"
    return None


def _argument(rest: str) -> str | None:
    """What a plain E's math applies it to (``[X]`` -> ``X``), or None (``E_D``, ``E`` alone, ``[\\cdot]``)."""
    inner = rest.strip()
    inner = re.sub(r"^\\left\s*", "", inner)
    if not inner.startswith(("[", "(")):
        return None
    body = re.sub(r"\\right\s*[\])]\s*$", "", inner[1:]).rstrip("])").strip()
    return None if not body or "cdot" in body else body


def _squash(tex: str) -> str:
    return re.sub(r"\s+|\\[,;!: ]", "", tex)


#: ``E[w] =`` or ``E\\left[w\\right] =`` in math: the left side of what may define a function E.
_E_BRACKET = re.compile(r"(?<![A-Za-z\\{_])E\s*(?:\\left\s*)?\[[^\[\]=]{0,80}\](?:\s*\\right\s*\])?\s*&?\s*:?=")
#: Where the right side of such an equation ends, outside braces: another relation, a row break, a column, the math.
_RHS_END = re.compile(
    r"(?<!\\)(?:=|<|>|\\\\|\$|&|\\(?:end|label|tag|le|ge|leq|geq|approx|quad|qquad|text)(?![A-Za-z]))"
)


def _right_side(rest: str) -> str:
    """The right side at the start of ``rest``: up to the first `_RHS_END` outside braces or brackets."""
    depth = 0
    for k, ch in enumerate(rest):
        if ch in "{[(" and (k == 0 or rest[k - 1] != "\\"):
            depth += 1
        elif ch in "}])" and (k == 0 or rest[k - 1] != "\\"):
            depth -= 1
        elif depth <= 0 and _RHS_END.match(rest, k):
            return rest[:k]
    return rest


def _own_function(math: str) -> bool:
    """Whether ``math`` defines a plain E as a function of its own in square brackets (``E[w] = \\frac12 (w - 3)^2``,
    `own_function_target`): the text's E is then no expectation."""
    for m in _E_BRACKET.finditer(math):
        lhs = math[m.start() : m.end()].rstrip().rstrip("=").rstrip(":").rstrip().rstrip("&").rstrip()
        rest = math[m.end() :]
        rhs = _right_side(rest).strip().rstrip(".,;").strip()
        if rhs and own_function_target(lhs, rhs) is not None:
            return True
    return False


def expectation_named(prose: str) -> str | None:
    """The sentence in which ``prose`` (the text before a step) names its plain E the expectation, when that
    naming holds at the step and nothing gives E another role there; else None.

    >>> expectation_named("Then the *expectation* or *expected value* $E[f]$ of $f$ is $$E[f] = p.$$")
    'the expectation or expected value $E[f]$'
    >>> expectation_named("Let $E(w) = w^2$ be the error. The expectation $E[f]$ of $f$ is") is None
    True
    """
    named: str | None = None
    for m in _E_MATH.finditer(prose):
        rest = m.group("rest").lstrip()
        if rest and not rest.startswith(("[", "(", "\\left", "\\big", "\\Big")):
            continue  # E = mc^2, E_D: not the expectation's application
        before = _sentence_part_before(prose, m.start())
        after = _sentence_part_after(prose, m.end())
        said = _NAMED_BEFORE.search(before) or _NAMED_AFTER.match(after)
        if said is None or _DOUBT.search(before):
            continue
        if not _section_holds(prose, m.start()):
            continue
        if said.re is _NAMED_BEFORE:
            start = before.rfind("the ", 0, said.start())
            named = f"{before[start if start >= 0 else said.start() :]} {m.group().strip()}"
        else:
            named = f"{m.group().strip()} {after[: said.end()].strip()}"
        named = " ".join(named.split())
    if named is None or _other_role(prose):
        return None
    return named


#: ``E(w) =``: the left side of what may define an error function E (round brackets).
_E_ROUND = re.compile(r"(?<![A-Za-z\\{_])E\s*(?:\\left\s*)?\(([^()=]{1,80})(?:\\right\s*)?\)\s*&?\s*:?=")


def own_e_defined(prose: str) -> str | None:
    """The words that give a plain E another role (`_role_in_words`: "$E[X]$ is the mean absolute value of $X$"),
    or the first equation of ``prose``'s math that defines a plain E as a function of its own, ``E[w] = \\frac12
    (w - 3)^2`` or ``E(w) = \\frac12 (w - 3)^2`` (its right side uses the bracket's names as free values,
    `own_function_target`), whether or not the reader took it as a definition (``E(w) = ...`` without words saying
    what E is defines nothing): a later plain ``E[...]`` may be that E, not an expectation. None when there is none."""
    said = _role_in_words(prose)
    if said is not None:
        return said
    for math in _MATH_ANY.finditer(prose):
        text = math.group()
        if _own_function(text):
            return " ".join(text.strip("$").split())[:80]
        for m in _E_ROUND.finditer(text):
            rhs = _right_side(text[m.end() :]).strip().rstrip(".,;").strip()
            if rhs and own_function_target(f"E[{m.group(1)}]", rhs) is not None:
                return " ".join(text[m.start() : m.end()].split()) + " " + rhs[:60]
    return None
