"""Independence, numbers and moments stated in words, for unknown-law expectations (derive.tiers._linearity).

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

Moments the text states of a random variable whose law it does not give: an inline equation through an
expectation, variance or covariance in a sentence that assumes it ("Suppose $E[X] = \\mu$ and
$\\mathrm{Var}(X) = \\sigma^2$", "where $\\mathbb{E}[\\epsilon] = 0$"), or words ("$X$ has mean $\\mu$ and
variance $\\sigma^2$", "a random variable $X$ with mean $0$"). Each is an equation the general-law prover
(derive.tiers._general_law_facts) may substitute, quoted in the detail; never one the text shows, asks or
doubts ("we show that $E[X] = \\mu$", "is $E[X] = 0$?", "$E[X] \\neq 0$"). One in the clause right after a display
("where $E[y_2] = m_2$", "Moreover, we set $E[y_2] = m_2$"; never "Now suppose ...") that names a plain name the
display uses holds for that display too.

Names made non-random by randomness words: "a fixed test point $x_0$", "$f$ is deterministic", "$f$ and $x_0$ are
fixed" (never "a fixed point of $T$"), so ESL's f(x_0) comes out of E_T. Names made non-random by the role the text
gives them: "the true parameter $\\theta$" (an estimate's target; it lasts past headings, to a sentence that mentions
theta with a prior, a draw or randomness; never "the true value $y$" or "the true function $f$", often random), and
the coefficients of a map called a deterministic function of its arguments ("$Y = aX + b$ as any linear deterministic
function of $X$": a and b).

Discrete laws stated by a table (`_value_tables`): "$X$ takes the value $a-2$ with probability $p$, ...", "the
values ... with probabilities ...", equally likely values, ``P(X = v) = q`` for two or more values; each gives
the moments ``E[X^k] = sum_i q_i v_i^k`` (k <= 4) when its probabilities sum to 1 and stay in [0, 1] at what
the section states of their parameters, else a statement that it is no law (said in the detail). The text's
notation for moments (`_notations`: ``\\mu_X = E[X]``, ``\\sigma_X^2 = \\mathrm{Var}(X)`` as a first link) holds
past headings, to a sentence that says the name anew.

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
    "MomentStatement",
    "NumbersStatement",
    "independent_at",
    "independent_in_words",
    "moments_at",
    "moments_in_words",
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
#: "Let $X$ be a random variable and $a$, $b$ constants": the verb of the list before it, elided.
_NUMBERS_ELIDED = re.compile(
    rf"\band\s+(?P<names>{_LIST})\s+(?P<pre>)(?:real\s+)?(?:numbers|scalars|constants)(?![A-Za-z])",
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
    #: a role the text gives the name ("the true parameter $\\theta$"): it holds past headings, to a later
    #: sentence that mentions the name with randomness words (`_RANDOM_AGAIN`)
    lasting: bool = False


def numbers_in_words(doc: str) -> list[NumbersStatement]:
    """Every statement in ``doc`` that calls names numbers beside random variables, in document order.

    >>> [s.names for s in numbers_in_words("For any random variable $X$ and numbers $a$ and $b$, we have")]
    [('a', 'b')]
    >>> numbers_in_words("Let $a$ and $b$ be numbers.")
    []
    """
    out: list[NumbersStatement] = []
    for pattern in (_NUMBERS_BEFORE, _NUMBERS_AFTER, _NUMBERS_ELIDED):
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
    for pattern in (_FIXED_BEFORE, _FIXED_AFTER):
        for m in pattern.finditer(doc):
            names = _leading_names(m.group("names"))
            before = _sentence_before(doc, m.start())
            if not names or _DOUBT.search(before) or _DOUBT.search(re.sub(_MATH, " ", m.group()) + " "):
                continue
            if _FIXED_POINT.match(doc, m.end()) or _CASE.search(before):
                continue  # "a fixed point of $T$" is no statement of randomness; "if $f$ is fixed" a case
            out.append(NumbersStatement(m.end(), tuple(names), " ".join(doc[m.start() : m.end()].split())))
    out += _true_parameters(doc) + _deterministic_maps(doc)
    return sorted(out, key=lambda s: s.end)


#: "the true parameter $\\theta$", "$\\theta$ is the true parameter": the value an estimate estimates, fixed (never
#: "the true function", which a Bayesian text draws from a prior, nor "the true value $y$", often a random label).
_TRUE_BEFORE = re.compile(
    rf"(?<![A-Za-z-])true\s+(?:underlying\s+|population\s+|unknown\s+)?parameters?\s+(?P<names>{_LIST})",
    re.IGNORECASE,
)
_TRUE_AFTER = re.compile(
    rf"(?P<names>{_LIST})\s+(?:is|are|be|being|denotes?)\s+the\s+true\s+(?:underlying\s+|population\s+|unknown\s+)?"
    r"parameters?(?![A-Za-z])",
    re.IGNORECASE,
)
#: Words of the same sentence that make a "true" parameter random after all (a prior, a draw, a posterior).
_TRUE_BUT_RANDOM = re.compile(
    r"(?<!non-)(?<!non)\brandom\b|\bdrawn\b|\bprior\b|\bposterior\b|\bdistributed\b|\bsampled?\b|\\sim\b",
    re.IGNORECASE,
)


def _true_parameters(doc: str) -> list[NumbersStatement]:
    """The names a sentence calls the true parameter or value (lasting: a role in the whole text)."""
    out: list[NumbersStatement] = []
    for pattern in (_TRUE_BEFORE, _TRUE_AFTER):
        for m in pattern.finditer(doc):
            names = _leading_names(m.group("names"))
            before = _sentence_before(doc, m.start())
            sentence = before + re.sub(_MATH, " ", doc[m.start() : _sentence_end(doc, m.end())])
            if not names or _DOUBT.search(before) or _CASE.search(before) or _TRUE_BUT_RANDOM.search(sentence):
                continue
            if _DOUBT.search(re.sub(_MATH, " ", m.group()) + " "):
                continue
            said = " ".join(doc[m.start() : m.end()].split())
            out.append(NumbersStatement(m.end(), tuple(names), said, lasting=True))
    return out


#: "$Y = aX + b$ as any linear deterministic function of $X$", "$Y = aX + b$ is a deterministic affine map of $X$": the
#: names of the map other than its arguments (a, b: its coefficients and intercept) are fixed. Linear or affine must be
#: said: "$Y = X + Z$ is a deterministic function of $X$" holds with Z = X^2, a function of X, not a constant.
_DETERMINISTIC_MAP = re.compile(
    rf"\$(?P<lhs>[^$=]{{1,40}})=(?P<rhs>[^$=]{{1,80}})\$\s*,?\s+(?:is|as|be|being|for)\s+(?:an?|any|some|the)\s+"
    rf"(?:(?:fixed|known)\s+)*(?:(?:linear|affine)\s+(?:deterministic|non-?random)|(?:deterministic|non-?random)\s+"
    rf"(?:linear|affine))\s+(?:function|map|transformation|transform)\s+of\s+(?P<of>{_LIST})",
    re.IGNORECASE,
)


_GREEK_NAMES = frozenset(
    [
        "alpha",
        "beta",
        "gamma",
        "delta",
        "epsilon",
        "varepsilon",
        "zeta",
        "eta",
        "theta",
        "vartheta",
        "iota",
        "kappa",
        "lambda",
        "mu",
        "nu",
        "xi",
        "rho",
        "sigma",
        "tau",
        "upsilon",
        "phi",
        "varphi",
        "chi",
        "psi",
        "omega",
        "Gamma",
        "Delta",
        "Theta",
        "Lambda",
        "Xi",
        "Sigma",
        "Phi",
        "Psi",
        "Omega",
    ]
)
_LETTER = re.compile(r"\\([A-Za-z]+)|([A-Za-z])(?:_(?:\{([A-Za-z0-9]+)\}|([A-Za-z0-9])))?|([0-9.+\-\s()]|\\,|\\cdot)")


def _letters(tex: str) -> list[str] | None:
    """The names of an affine-looking expression letter by letter (``aX + b``: a, X, b; ``\\alpha x_1``: alpha, x_1),
    or None when it holds anything else (a function, a fraction, a bracket of another kind)."""
    out: list[str] = []
    at = 0
    text = tex.strip()
    while at < len(text):
        m = _LETTER.match(text, at)
        if m is None or m.end() == at:
            return None
        if m.group(1) is not None:
            if m.group(1) in ("cdot",):
                at = m.end()
                continue
            if m.group(1) not in _GREEK_NAMES:
                return None
            out.append(m.group(1))
        elif m.group(2) is not None:
            sub = m.group(3) or m.group(4)
            out.append(f"{m.group(2)}_{sub}" if sub else m.group(2))
        at = m.end()
    return out


def _deterministic_maps(doc: str) -> list[NumbersStatement]:
    """The names of a map the text calls a deterministic function of its arguments (a, b of Y = aX + b)."""
    out: list[NumbersStatement] = []
    for m in _DETERMINISTIC_MAP.finditer(doc):
        args = set(_names(m.group("of")))
        try:
            target = name_of(m.group("lhs").strip())
        except (DeriveError, RecursionError):
            continue
        before = _sentence_before(doc, m.start())
        if not args or _DOUBT.search(before) or _CASE.search(before) or _DOUBT.search(re.sub(_MATH, " ", m.group())):
            continue
        letters = _letters(m.group("rhs"))
        names = [n for n in dict.fromkeys(letters or ()) if n not in args and n != target]
        if letters is None or not names or not set(letters) & args:
            continue
        out.append(NumbersStatement(m.end(), tuple(sorted(names)), " ".join(doc[m.start() : m.end()].split())))
    return out


#: "a fixed (test) point $x_0$", "the deterministic function $f$", "non-random inputs $x_1, \\ldots$": randomness
#: words need no sentence about random variables (they are about randomness).
_FIXED_WORD = r"(?:fixed|deterministic|non-?random|nonstochastic|non-stochastic)"
_FIXED_BEFORE = re.compile(
    rf"(?<![A-Za-z-]){_FIXED_WORD}\s+(?:(?:test|query|input|true|target|regression|unknown)\s+)?"
    rf"(?:points?|inputs?|functions?|values?|vectors?|parameters?|locations?|quantit(?:y|ies))\s+(?P<names>{_LIST})",
    re.IGNORECASE,
)
#: "$f$ and $x_0$ are fixed", "$x_0$ is deterministic", "$f$ is a fixed function".
_FIXED_AFTER = re.compile(
    rf"(?P<names>{_LIST})\s+(?:is|are|be|being|remains?|stays?)\s+(?:held\s+)?(?:an?\s+|both\s+)?{_FIXED_WORD}(?![A-Za-z-])"
    r"(?:\s+(?:test\s+)?(?:points?|inputs?|functions?|values?|vectors?|parameters?|quantit(?:y|ies)))?",
    re.IGNORECASE,
)
#: "fixed point of", "fixed points of": the fixed point of a map, a value, not a statement of randomness.
_FIXED_POINT = re.compile(r"\s*(?:of|for|under)\b", re.IGNORECASE)


def nonrandom_at(doc: str, statements: list[NumbersStatement], offset: int) -> tuple[str, ...]:
    """The names called numbers before ``offset`` in their scope, unless a later sentence calls them random."""
    names: list[str] = []
    for s in statements:
        if s.end <= offset and (s.lasting or not _scope_ends(doc, s.end, offset)):
            undone = _LASTING_UNDONE if s.lasting else _RANDOM_AGAIN
            for n in s.names:
                if n in names or _retracted(doc, s.end, offset, {n}, undone):
                    continue
                if s.lasting and _treated_random(doc, s.end, offset, n):
                    continue
                names.append(n)
    return tuple(names)


#: Words that give a name a law, said of it in any later sentence (past a heading, a lasting role ends there).
_LAW_WORDS = re.compile(
    r"\b(?:uniform(?:ly)?|gaussian|normal(?:ly)?|bernoulli|beta|gamma|poisson|binomial|exponential|laplace|"
    r"follows?|following|distribution|distributed|density|law|prior|posterior|random|stochastic|drawn|sampled?|"
    r"variance|mean|expectation|expected|bayes(?:ian)?|uncertain(?:ty)?|belief)\b",
    re.IGNORECASE,
)
#: The math of a text: displays and inline math.
_EVERY_MATH = re.compile(r"\$\$.*?\$\$|\\\[.*?\\\]|\\begin\{(\w+\*?)\}.*?\\end\{\1\}|\$[^$]+\$", re.DOTALL)


def _treated_random(doc: str, start: int, offset: int, name: str) -> bool:
    """Whether, between a lasting role's statement and the end of the display at ``offset``, the text treats
    ``name`` as random: a sentence that mentions it with a law word (`_LAW_WORDS`), math that draws it or gives
    it a density (``\\theta \\sim``, ``p(\\theta)``), or a moment of it alone (``E[\\theta]``, ``Var(\\theta)``)."""
    end = _display_around(doc, offset)
    if _retracted(doc, start, end, {name}, _LAW_WORDS):
        return True
    for m in _EVERY_MATH.finditer(doc, start, end):
        math = m.group()
        if name not in _names_of_value(math):
            continue
        if "\\sim" in math or re.search(r"\\mid|\|", math) or _applied_to(math, name) or _moment_of(math, name):
            return True
    return False


def _display_around(doc: str, offset: int) -> int:
    """The end of the display holding ``offset`` (``offset`` itself when none does)."""
    for m in _EVERY_MATH.finditer(doc, max(0, offset - 20000), min(len(doc), offset + 20000)):
        if m.start() <= offset < m.end():
            return m.end()
        if m.start() > offset:
            break
    return offset


def _applied_to(math: str, name: str) -> bool:
    """Whether ``math`` applies something to ``name`` alone (``p(\\theta)``, ``\\pi(\\theta)``): a density of it."""
    for m in re.finditer(r"(?:\\[A-Za-z]+|[A-Za-z])(?:_\{?[A-Za-z0-9]+\}?)?\s*(?:\\left)?\s*\(([^()]{1,40})\)", math):
        try:
            if name_of(re.sub(r"\\right\s*$", "", m.group(1)).strip()) == name:
                return True
        except (DeriveError, RecursionError):
            continue
    return False


def _moment_of(math: str, name: str) -> bool:
    """Whether ``math`` takes an expectation, variance or covariance of ``name`` alone (``E[\\theta]``,
    ``E[\\theta^2]``)."""
    for m in _MOMENT_TEX.finditer(math):
        opened = m.group().rstrip()[-1:]
        rest = math[m.end() :]
        if opened not in "([":
            after = re.match(r"\}?\s*(?:\\left|\\big|\\Big)?\s*([(\[])", rest)
            if after is None:
                continue
            opened, rest = after.group(1), rest[after.end() :]
        close = "]" if opened == "[" else ")"
        inner = rest.split(close, 1)[0] if close in rest else ""
        inner = re.sub(r"\\(?:right|left)\b", " ", inner).strip()
        if not inner:
            continue
        try:
            if name_of(inner) == name:
                return True  # E[theta], Var(theta)
            continue  # another name alone (E[\\hat\\theta])
        except (DeriveError, RecursionError):
            pass
        # E[theta^2], E[2 theta]: a moment of theta alone (no accent: \\hat\\theta is another name)
        if not re.search(
            r"\\(?:hat|widehat|bar|overline|tilde|widetilde|check|dot|ddot|vec|mathbf|boldsymbol)\b|'", inner
        ) and _names_of_value(inner) == {name}:
            return True
    return False


#: Words of a later sentence that end an independence statement for the names it mentions: "$X$ and $Y$ are
#: dependent", "correlated", "arbitrary", "we drop this assumption", "no longer", "let $X$ and $Y$ be random variables".
_NOT_INDEPENDENT = re.compile(
    r"\b(?:dependent|dependence|correlated|correlation|arbitrary|any|general|drop|dropped|no\s+longer|not|"
    r"random\s+variables?|let|suppose|assume|now)\b",
    re.IGNORECASE,
)
#: ... and a names-as-numbers statement: "$a$ is a random variable", "random", "varies", "let $a$ be".
_RANDOM_AGAIN = re.compile(r"(?<!non-)(?<!non)\brandom\b|\bvar(?:y|ies|ying)\b|\blet\b|\bdrawn\b", re.IGNORECASE)
#: ... and a lasting role ("the true parameter"), past headings: also a prior, a posterior, a draw, a distribution.
_LASTING_UNDONE = re.compile(
    r"(?<!non-)(?<!non)\brandom\b|\bvar(?:y|ies|ying)\b|\blet\b|\bdrawn\b|\bprior\b|\bposterior\b|"
    r"\bdistributed\b|\bsampled?\b|\bbayes(?:ian)?\b|\\sim\b",
    re.IGNORECASE,
)


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


#: A sentence that assumes what its inline math states (not one that shows, asks or concludes it).
_ASSUMING = re.compile(
    r"\b(?:let|suppose|assume[sd]?|assuming|where|with|such\s+that|has|have|having|denote[sd]?|"
    r"recall|satisf(?:y|ies|ying)|we\s+(?:set|write|define))\b",
    re.IGNORECASE,
)
#: Words in a statement's sentence that make its moment conditional or inexact ("Given $Y$, $X$ has mean $Y$",
#: "conditional on", "asymptotically", "for large $n$", "approximately"): never the unconditional, exact E[X].
_NOT_EXACT = re.compile(
    r"\b(?:given|conditional(?:ly)?|conditioned|condition|asymptotic(?:ally)?|approximate(?:ly)?|approx|roughly|"
    r"about|nearly|almost|large|limit|limiting|converges?|tends?|eventually|estimated?|empirical|sample|"
    r"per|each|every|locally)\b|\\approx|\\to\b|\\sim",
    re.IGNORECASE,
)
_SHOWING = re.compile(
    r"\b(?:show|shows|showed|shown|prove|proves|proved|verify|check|claim|conclude|derive|find|compute|obtain|"
    r"so|thus|hence|therefore|then|gives?|yields?)\b|\?",
    re.IGNORECASE,
)
#: The operators whose stated values count: an expectation, a variance, a covariance, a standard deviation.
_MOMENT_TEX = re.compile(
    r"(?:\\mathbb\s*\{?E\}?|\\operatorname\{E\}|\\mathrm\{E\}|(?<![A-Za-z\\])E)\s*(?:_\{[^{}]*\}|_\w)?"
    r"\s*(?:\\left|\\big|\\Big)?\s*[\[(]|"
    r"(?:\\(?:mathrm|operatorname|text|textrm)\{|(?<![A-Za-z\\]))(?:Var|var|Cov|cov|Std|std)\b"
)
_INLINE_EQUATION = re.compile(r"(?<![$\\])\$(?P<math>[^$]{3,160})\$(?!\$)")
_RELATIONS = re.compile(r"\\(?:neq|ne|le|ge|leq|geq|approx|sim|propto|in|to)\b|[<>]|:=")
#: "$X$ has mean $\\mu$ (and variance $\\sigma^2$)", "random variable $X$ with mean $0$ and variance $1$".
_MEAN_WORDS = re.compile(
    r"(?P<var>\$[^$]{1,40}\$)\s*,?\s*(?:(?:be|is|being)\s+an?\s+(?:(?:real|real-valued|scalar|continuous|discrete)\s+)?"
    r"random\s+variable\s*,?\s*)?(?:which\s+|that\s+)?(?:has|have|having|with)\s+(?:an?\s+)?"
    r"(?:(?:mean|expectation|expected\s+value)\s+(?:of\s+|equal\s+to\s+)?(?P<mean>\$[^$]{1,40}\$)"
    r"(?:\s*,?\s*and\s+(?:a\s+)?variance\s+(?:of\s+|equal\s+to\s+)?(?P<var2>\$[^$]{1,40}\$))?|"
    r"variance\s+(?:of\s+|equal\s+to\s+)?(?P<only>\$[^$]{1,40}\$))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class MomentStatement:
    """One stated moment: where it ends, the equation (LaTeX of both sides), whether it is a case, what was said."""

    end: int
    lhs: str
    rhs: str
    hypothetical: bool
    said: str
    #: the text's notation for a moment (``\\mu_X = E[X]``): it holds past headings, until the name is said anew
    notation: bool = False
    #: a moment of a table of values: a later sentence that speaks of probabilities anew (`_LAW_CHANGED`) drops it,
    #: whether or not it names the variable ("We now load the die so that $6$ comes up half the time")
    table: bool = False
    #: the table's variable and values as written (``X``, ``1``, ``a-2``): a later sentence whose math is one of them
    #: alone ("the die favours $6$") may change the law
    written: tuple[str, ...] = ()
    #: where its math starts, and whether its sentence names what a display before it uses ("$$...$$ where
    #: $E[y_2] = m_2$", "Moreover, we set $E[y_2] = m_2$"): it also holds for that display (`moments_at`)
    start: int = -1
    trailing: bool = False


def moments_in_words(doc: str) -> list[MomentStatement]:
    """Every moment ``doc`` states in its prose, in document order.

    >>> for s in moments_in_words("Suppose $E[X] = \\mu$ and $\\mathrm{Var}(X) = \\sigma^2$."):
    ...     print(s.lhs, "=", s.rhs)
    E[X] = \\mu
    \\mathrm{Var}(X) = \\sigma^2
    >>> for s in moments_in_words("Let $X$ have mean $\\mu$ and variance $s$."):
    ...     print(s.lhs, "=", s.rhs)
    \\mathbb{E}[X] = \\mu
    \\mathrm{Var}(X) = s
    >>> moments_in_words("We show that $E[X] = \\mu$.")
    []
    """
    out: list[MomentStatement] = []
    random = _random_in_words(doc)
    for m in _INLINE_EQUATION.finditer(doc):
        math = m.group("math")
        sides = math.split("=")
        if len(sides) != 2 or _RELATIONS.search(math) or not _MOMENT_TEX.search(math):
            continue
        before = _sentence_before(doc, m.start())
        if not _ASSUMING.search(before) or _SHOWING.search(before) or _DOUBT.search(before) or _qualified(doc, m.end()):
            continue
        if _NOT_EXACT.search(before) or _NOT_EXACT.search(math):
            continue
        lhs, rhs = sides[0].strip(), sides[1].strip().rstrip(",.;")
        if _names_of_value(lhs) & random and not _MOMENT_TEX.search(lhs):
            continue  # "Y = E[X | ...]"-like: the plain side names a random variable
        if _names_of_value(rhs) & random and not _MOMENT_TEX.search(rhs):
            continue  # E[X] = Y with Y random: a conditional mean, never E[X]
        if lhs and rhs:
            said = f"{lhs} = {rhs} (line {_line(doc, m.start())})"
            trailing = _TRAILING.search(before) is not None and _NEW_SCOPE.search(before) is None
            case = _CASE.search(before) is not None
            out.append(MomentStatement(m.end(), lhs, rhs, case, said, start=m.start(), trailing=trailing))
    for m in _MEAN_WORDS.finditer(doc):
        piece = m.group("var")[1:-1].strip()
        if len(_names(m.group("var"))) != 1:
            continue  # a plain name only: "$X_1, X_2$ with mean 0" is not one random variable
        before = _sentence_before(doc, m.start())
        if _DOUBT.search(before) or _SHOWING.search(before) or _qualified(doc, m.end()):
            continue
        if _NOT_EXACT.search(before) or _NOT_EXACT.search(re.sub(_MATH, " ", doc[m.start() : m.end()])):
            continue
        values = [g[1:-1] for g in (m.group("mean"), m.group("var2"), m.group("only")) if g]
        if any(_names_of_value(v) & random for v in values):
            continue  # "$X$ has mean $Y$" with Y random: a conditional mean
        case = _CASE.search(before) is not None
        words = " ".join(doc[m.start() : m.end()].split())
        where = f"('{words}', line {_line(doc, m.start())})"
        if m.group("mean"):
            mean = m.group("mean")[1:-1].strip()
            said = f"E[{piece}] = {mean} {where}"
            out.append(MomentStatement(m.end(), f"\\mathbb{{E}}[{piece}]", mean, case, said))
        variance = m.group("var2") or m.group("only")
        if variance:
            value = variance[1:-1].strip()
            said = f"Var({piece}) = {value} {where}"
            out.append(MomentStatement(m.end(), f"\\mathrm{{Var}}({piece})", value, case, said))
    out += _value_tables(doc, random)
    out += _notations(doc)
    return sorted(out, key=lambda s: s.end)


#: Math of the document: a display (its first row) or inline math.
_ANY_MATH = re.compile(
    r"\$\$(?P<a>.+?)\$\$|\\\[(?P<b>.+?)\\\]|\\begin\{(?P<env>equation|align|gather|multline)(?P<star>\*?)\}(?P<c>.+?)"
    r"\\end\{(?P=env)(?P=star)\}|(?<![$\\])\$(?P<d>[^$]{1,200})\$(?!\$)",
    re.DOTALL,
)


def _sub(group: str) -> str:
    """A subscript of one or two letters, ``_X``, ``_{XY}``, as the named group (and ``group``1)."""
    return rf"(?:_\s*\{{\s*(?P<{group}>[A-Za-z]{{1,2}})\s*\}}|_\s*(?P<{group}1>[A-Za-z]))"


_SQUARED = r"\^\s*(?:\{\s*2\s*\}|2)"
#: ``\mu_X``, ``\sigma_X``, ``\sigma_X^2``, ``\sigma^2_{X}``, ``\sigma_{XY}``.
_NOTATION_NAME = re.compile(
    rf"\s*\\(?P<greek>mu|sigma)\s*(?:{_sub('s')}\s*(?P<sq>{_SQUARED})?|(?P<sq2>{_SQUARED})\s*{_sub('t')})\s*"
)
_E_OF = r"(?:\\mathbb\s*\{\s*E\s*\}|\\mathbb\s+E|\\operatorname\{E\}|\\mathrm\{E\}|E)"
_OPEN, _CLOSE = r"\s*(?:\\left\s*)?[\[(]\s*", r"\s*(?:\\right\s*)?[\])]\s*"
_OP = r"(?:\\(?:mathrm|operatorname|text|textrm)\{{{0}\}}|{0})"
#: The moment a notation names: E[X], Var(X), sqrt(Var(X)), Cov(X, Y) of plain one-letter names.
_NOTATION_MOMENT = re.compile(
    rf"\s*(?:{_E_OF}{_OPEN}(?P<mean>[A-Za-z]){_CLOSE}|{_OP.format('(?:Var|var)')}{_OPEN}(?P<var>[A-Za-z]){_CLOSE}|"
    rf"\\sqrt\s*\{{\s*{_OP.format('(?:Var|var)')}{_OPEN}(?P<sd>[A-Za-z]){_CLOSE}\}}|"
    rf"{_OP.format('(?:Cov|cov)')}{_OPEN}(?P<c1>[A-Za-z])\s*,\s*(?P<c2>[A-Za-z]){_CLOSE})\s*[.,;]?\s*"
)


def _notations(doc: str) -> list[MomentStatement]:
    """The text's notation for the moments of a random variable, from the first link of its math: ``\\mu_X =
    E[X]``, ``\\sigma_X^2 = \\mathrm{Var}(X)``, ``\\sigma_X = \\sqrt{\\mathrm{Var}(X)}``, ``\\sigma_{XY} =
    \\mathrm{Cov}(X, Y)``: the subscript names the variable (the variables) of the moment, and a mean is a mu, a
    variance the square of a sigma. Each holds from the end of its math to the end of the document (`moments_at`)
    unless a later sentence says the name anew; a later link of a chain is a claim, never notation.

    >>> [(s.lhs, s.rhs) for s in _notations(r"$$\\mu_X = E[X] = \\sum_i x_i p_i.$$")]
    [('E[X]', '\\\\mu_X')]
    """
    out: list[MomentStatement] = []
    for m in _ANY_MATH.finditer(doc):
        math = next(g for g in (m.group("a"), m.group("b"), m.group("c"), m.group("d")) if g is not None)
        row = re.split(r"\\\\|&", _LABELS.sub(" ", math), maxsplit=1)[0] if m.group("d") is None else math
        sides = row.split("=")
        if len(sides) < 2 or _RELATIONS.search(sides[0] + sides[1]):
            continue
        name, moment = _NOTATION_NAME.fullmatch(sides[0]), _NOTATION_MOMENT.fullmatch(sides[1])
        if name is None or moment is None:
            continue
        before = _sentence_before(doc, m.start()) if m.group("d") is not None else ""
        if m.group("d") is not None and (_DOUBT.search(before) or _CASE.search(before) or _qualified(doc, m.end())):
            continue  # "we cannot assume $\\mu_X = E[X]$", "$\\mu_X = E[X]$ only if ...": no notation
        sub = next(name.group(g) for g in ("s", "s1", "t", "t1") if name.group(g))
        squared = bool(name.group("sq") or name.group("sq2"))
        fits = {
            "mean": name.group("greek") == "mu" and not squared and moment.group("mean") == sub,
            "var": name.group("greek") == "sigma" and squared and moment.group("var") == sub,
            "sd": name.group("greek") == "sigma" and not squared and moment.group("sd") == sub,
            "cov": name.group("greek") == "sigma"
            and not squared
            and moment.group("c1") is not None
            and moment.group("c1") + moment.group("c2") == sub,
        }
        if not any(fits.values()):
            continue
        lhs, rhs = sides[1].strip().rstrip(".,;").strip(), sides[0].strip()
        said = f"{rhs} = {lhs} (line {_line(doc, m.start())}, the text's notation)"
        out.append(MomentStatement(m.end(), lhs, rhs, False, said, notation=True))
    return out


_LABELS = re.compile(r"\\(?:tag|label)\*?\s*\{[^{}]*\}|\\(?:nonumber|notag)\b")


#: Between the name and "takes": only words that keep the name the subject ("$X$ to be the random variable which
#: takes", "$X$ is a discrete random variable that takes"); never another noun ("$Y$ is independent of the die, which
#: takes ...": the die takes them).
_SUBJECT = (
    r"\s*,?\s*(?:(?:to\s+)?(?:be|is|denotes?)\s+)?(?:(?:the|a|an)\s+)?(?:(?:discrete|real|real-valued|integer-valued)\s+)?"
    r"(?:random\s+variable\s*,?\s*)?(?:(?:which|that)\s+)?(?:only\s+)?"
)
_PAIR = r"\$[^$]{1,40}\$\s+with\s+probability\s+\$[^$]{1,40}\$"
#: "$X$ ... takes the value $a-2$ with probability $p$, $a+2$ with probability $p$ and $a$ with probability $1-2p$".
_TABLE_PAIRS = re.compile(
    rf"(?P<var>\$[^$]{{1,40}}\$)(?P<between>{_SUBJECT})takes?\s+(?:on\s+)?(?:the\s+)?values?\s+"
    rf"(?P<pairs>{_PAIR}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+){_PAIR}){{1,11}})",
    re.IGNORECASE,
)
#: "$X$ takes the values $0$ and $1$ with probabilities $1 - p$ and $p$ (respectively)".
_TABLE_LISTS = re.compile(
    rf"(?P<var>\$[^$]{{1,40}}\$)(?P<between>{_SUBJECT})takes?\s+(?:on\s+)?(?:the\s+)?values\s+"
    rf"(?P<vals>{_MATH}(?:\s*(?:,|,?\s*and)\s*{_MATH}){{0,11}})\s*,?\s+with\s+(?:the\s+)?probabilities\s+"
    rf"(?P<probs>{_MATH}(?:\s*(?:,|,?\s*and)\s*{_MATH}){{0,11}})",
    re.IGNORECASE,
)
#: "$X$ takes the values $1, 2, 3$ with equal probability", "$Y$ is randomly chosen from $\\{-2, \\ldots, 2\\}$ with
#: equal probability", "... each with probability $\\frac16$".
_TABLE_EQUAL = re.compile(
    rf"(?P<var>\$[^$]{{1,40}}\$)(?P<between>{_SUBJECT})(?:takes?\s+(?:on\s+)?(?:the\s+)?values|"
    r"(?:is|are)\s+(?:uniformly\s+|randomly\s+)?(?:chosen|drawn|picked|sampled)\s+(?:uniformly\s+)?"
    r"(?:randomly\s+|at\s+random\s+)?(?:from|among|in))\s+"
    rf"(?P<vals>{_MATH}(?:\s*(?:,|,?\s*and)\s*{_MATH}){{0,11}})\s*,?\s+(?:each\s+)?with\s+"
    r"(?:(?P<equal>equal|the\s+same)\s+probabilit(?:y|ies)|probability\s+(?P<each>\$[^$]{1,30}\$))",
    re.IGNORECASE,
)
#: The powers of a stated table's values that become moments (E[X], ..., E[X^4]).
_TABLE_POWERS = 4
#: A written-out range of integers ``\\{1, \\ldots, 6\\}`` is read up to this many values.
_MAX_RANGE = 12


def _value_tables(doc: str, random: set[str]) -> list[MomentStatement]:
    """The moments ``E[X^k] = sum_i p_i v_i^k`` (k = 1.._TABLE_POWERS) of each discrete law the prose states by
    its values and their probabilities (`_TABLE_PAIRS`, `_TABLE_LISTS`), when the table is a law
    (`derive.tiers._discrete_law.table_law`: its probabilities sum to 1) of one plain name, its values and
    probabilities name nothing random, and the sentence neither doubts nor shows it (a case word makes it
    hold for the display it introduces only, as any stated moment)."""
    out: list[MomentStatement] = []
    for pattern in (_TABLE_PAIRS, _TABLE_LISTS, _TABLE_EQUAL):
        for m in pattern.finditer(doc):
            names = _names(m.group("var"))
            if len(names) != 1 or re.search(r"\b(?:not|never|no|if\s+and\s+only)\b", m.group("between"), re.I):
                continue
            if pattern is _TABLE_PAIRS:
                pairs = re.findall(r"\$([^$]+)\$\s+with\s+probability\s+\$([^$]+)\$", m.group("pairs"))
                values, probabilities = [v for v, _ in pairs], [q for _, q in pairs]
            elif pattern is _TABLE_EQUAL:
                # a set's braces go before its items are split: $\\{-2, -1, 0, 1, 2\\}$
                unbraced = re.sub(r"\$\s*(?:\\\{|\\lbrace)(.*?)(?:\\\}|\\rbrace)\s*\$", r"$\1$", m.group("vals"))
                values = _range_items(_math_items(unbraced))
                each = m.group("each")[1:-1].strip() if m.group("each") else f"\\frac{{1}}{{{len(values)}}}"
                probabilities = [each] * len(values)
            else:
                values, probabilities = _math_items(m.group("vals")), _math_items(m.group("probs"))
            before = _sentence_before(doc, m.start())
            if _DOUBT.search(before) or _SHOWING.search(before) or _NOT_EXACT.search(before):
                continue
            if any(_names_of_value(t) & (random - set(names)) for t in values + probabilities):
                continue  # a value or probability that is itself random: no law of X alone
            if _table_qualified(doc, m.end()):
                continue
            piece = m.group("var")[1:-1].strip()
            words = " ".join(doc[m.start() : m.end()].split())
            out += _table_moments(doc, (m.start(), m.end()), piece, (values, probabilities), words=words, before=before)
    return out + _probability_tables(doc, random)


def _table_moments(
    doc: str, span: tuple[int, int], piece: str, table: tuple[list[str], list[str]], *, words: str, before: str
) -> list[MomentStatement]:
    """The moments of the law ``table`` (values, probabilities) states for ``piece`` (its LaTeX), said at ``span``
    of ``doc`` in ``words``; or one statement that it is no law (its two sides the same moment: it substitutes
    nothing, and the step's detail says so)."""
    values, probabilities = table
    if len(values) < 2 or len(values) != len(probabilities):
        return []  # a description ("takes the values $x_i$ with probabilities $p_i$"), not a table
    why = _not_a_law(values, probabilities, _stated_values(doc, *_section_of(doc, span[0])))
    where = f"('{words}', line {_line(doc, span[0])})"
    case = _CASE.search(before) is not None
    mean = f"\\mathbb{{E}}[{{{piece}}}]"
    if why is not None:
        return [MomentStatement(span[1], mean, mean, case, f"the table {where} is no law of {piece}: {why}")]
    out: list[MomentStatement] = []
    for k in range(1, _TABLE_POWERS + 1):
        power = "" if k == 1 else f"^{{{k}}}"
        rhs = " + ".join(
            f"\\left({v}\\right){power} \\left({q}\\right)" for v, q in zip(values, probabilities, strict=True)
        )
        said = f"E[{piece}{'' if k == 1 else f'^{k}'}] from the law {where}"
        written = (piece, *values)
        out.append(
            MomentStatement(span[1], f"\\mathbb{{E}}[{{{piece}}}{power}]", rhs, case, said, table=True, written=written)
        )
    return out


_FRAC = r"\\frac\s*\{[^{}]*\}\s*\{[^{}]*\}|\\frac\d\d"
#: ``P(X = v) = q`` (``\\Pr``, ``\\mathbb{P}``; never a lowercase p, a density or a mass function of its own).
_P_AT = re.compile(
    r"(?<![A-Za-z\\])(?:\\Pr|\\mathbb\s*\{\s*P\s*\}|\\operatorname\{P\}|P)\s*(?:\\left\s*)?\(\s*"
    r"(?P<name>[A-Za-z](?:_\{?[A-Za-z0-9]{1,3}\}?)?)\s*=\s*(?P<value>[^()=,|]{1,30}?)\s*(?:\\right\s*)?\)\s*=\s*"
    rf"(?P<prob>(?:{_FRAC}|[^,;$&\\=<>])+?)(?=\s*(?:[,;$&.]|\\\\|\\(?:text|quad|qquad)|\band\b|$))"
)


#: The longest text whose sentences are scanned for P(X = v) = q tables.
_SCAN_LIMIT = 200_000


def _probability_tables(doc: str, random: set[str]) -> list[MomentStatement]:
    """The moments of each law stated as ``P(X = v_i) = q_i`` for two or more values of one plain name, in one
    display or one sentence of prose (``$P(X = 1) = p$ and $P(X = 0) = 1 - p$``), by `_table_moments`; a name
    given the same value twice, a conditional (``P(X = 1 | Y)``, never matched) or a sentence that doubts or
    shows it: nothing."""
    out: list[MomentStatement] = []
    if _P_AT.search(doc) is None or len(doc) > _SCAN_LIMIT:
        # no P(X = v) = q anywhere, or a text too long for the sentence scan below (quadratic on a long text
        # without stops, a hostile flood): no table read, so nothing proved through one
        return out
    units = [(m.start(), m.end(), True) for m in _ANY_MATH.finditer(doc) if m.group("d") is None]
    blanked = _DISPLAY.sub(lambda d: " " * len(d.group()), doc)
    units += [
        (m.start(), m.end(), False) for m in re.finditer(r"[^.!?\n]*\$[^.!?]*?(?:[.!?](?=\s|$)|\n\s*\n|$)", blanked)
    ]
    for lo, hi, display in units:
        found: dict[str, list[tuple[str, str]]] = {}
        first: dict[str, int] = {}
        last: dict[str, int] = {}
        for m in _P_AT.finditer(doc, lo, hi):
            found.setdefault(m.group("name"), []).append((m.group("value").strip(), m.group("prob").strip()))
            first.setdefault(m.group("name"), m.start())
            last[m.group("name")] = m.end()
        for tex, rows in found.items():
            names = _names(f"${tex}$")
            values = [v for v, _ in rows]
            if len(rows) < 2 or len(names) != 1 or len(set(values)) != len(values):
                continue
            # a display: the sentence that introduces it; prose: its own sentence up to the first probability
            before = _sentence_before(doc, lo if display else first[tex])
            if _DOUBT.search(before) or _SHOWING.search(before) or _NOT_EXACT.search(before):
                continue
            if any(_names_of_value(t) & (random - set(names)) for row in rows for t in row):
                continue
            if _table_qualified(doc, last[tex]):
                continue
            words = " ".join(doc[lo:hi].split())[:160]
            # the statement ends at its last probability: a later sentence that says X anew is checked (`moments_at`)
            span = (lo, last[tex])
            out += _table_moments(doc, span, tex, (values, [q for _, q in rows]), words=words, before=before)
    return out


#: Words after a table, in its sentence, that make it a law under a condition ("under the null hypothesis", "given
#: $Y$", "if ...", "when ..."), not the law of X.
_TABLE_CONDITION = re.compile(
    r"\b(?:under|given|conditional(?:ly)?|conditioned|assuming|if|iff|when|whenever|unless|provided|hypothes[ie]s|"
    r"null|alternative|only|approximately|roughly|about)\b",
    re.IGNORECASE,
)


def _table_qualified(doc: str, at: int) -> bool:
    """Whether the rest of the table's sentence after ``at`` makes it conditional or inexact (`_TABLE_CONDITION`)."""
    rest = re.sub(_MATH, " ", doc[at : _sentence_end(doc, at)])
    return _TABLE_CONDITION.search(rest) is not None or _NOT_EXACT.search(rest) is not None


def _range_items(items: list[str]) -> list[str]:
    """``\\{-2, \\ldots, 2\\}`` and ``1, 2, \\ldots, 6`` written out (integers only, at most `_MAX_RANGE`); braces
    of a set dropped; any other ellipsis leaves a list that pairs with nothing (no table)."""
    items = [re.sub(r"^\\\{|\\\}$|^\\lbrace|\\rbrace$", "", i).strip() for i in items]
    dots = [k for k, i in enumerate(items) if i in ("\\ldots", "\\dots", "\\cdots", "...")]
    if not dots:
        return items
    if len(dots) != 1 or dots[0] in (0, len(items) - 1):
        return []
    k = dots[0]
    try:
        low, high = int(items[k - 1]), int(items[k + 1])
        start = int(items[0])
    except ValueError:
        return []
    written = list(range(start, high + 1))
    if not 0 < len(written) <= _MAX_RANGE or [str(v) for v in written[:k]] != items[:k] or low != written[k - 1]:
        return []
    return [str(v) for v in written]


def _math_items(listed: str) -> list[str]:
    """The items of ``$0$, $1$ and $2$`` or ``$0, 1, 2$``: each math group split at its top-level commas."""
    items: list[str] = []
    for math in re.findall(r"\$([^$]+)\$", listed):
        depth, start = 0, 0
        for i, ch in enumerate(math):
            depth += 1 if ch in "{[(" else -1 if ch in "}])" else 0
            if ch == "," and depth == 0:
                items.append(math[start:i].strip())
                start = i + 1
        items.append(math[start:].strip())
    return [i for i in items if i]


_NUMBER_TEX = r"\s*[-+]?[\d.\s]*(?:\\frac\s*\{?\d+\}?\s*\{?\d+\}?)?\s*\.?\s*"
_BOUND = re.compile(r"\\(?:geqslant|leqslant|geq|leq|ge|le)(?![A-Za-z])|<|>")
#: "$p$ equals $0.7$", "$p$ is equal to $0.7$".
_EQUALS_WORDS = re.compile(r"\$(?P<name>[^$]{1,20})\$\s+(?:equals|is\s+equal\s+to|is)\s+\$(?P<value>[^$]{1,20})\$")


def _section_of(doc: str, at: int) -> tuple[int, int]:
    """The span of the section ``at`` is in: from the heading before it to the next one."""
    starts = [m.start() for m in _HEADING.finditer(doc)]
    return max((s for s in starts if s <= at), default=0), min((s for s in starts if s > at), default=len(doc))


def _stated_values(doc: str, lo: int = 0, hi: int | None = None) -> dict[str, list[str]]:
    """name -> values the text gives it in ``doc[lo:hi]`` (``$p = 0.7$``, ``$$p = \\frac{1}{3}$$``, "$p$ equals
    $0.7$"), and for a bound (``$p > \\frac12$``, ``$0 \\le p \\le 1$``) values just inside it: numbers only, as
    LaTeX; never in a sentence that makes it a case ("if $p = 1$, ...")."""
    out: dict[str, list[str]] = {}
    hi = len(doc) if hi is None else hi

    def add(name_tex: str, value: str, shift: str = "") -> None:
        names = _names(f"${name_tex.strip()}$")
        if len(names) == 1 and value.strip(" .") and re.fullmatch(_NUMBER_TEX, value):
            out.setdefault(names[0], []).append(value.strip(" .") + shift)

    for m in _ANY_MATH.finditer(doc, lo, hi):
        math = next(g for g in (m.group("a"), m.group("b"), m.group("c"), m.group("d")) if g is not None)
        if _CASE.search(_sentence_before(doc, m.start())):
            continue
        for row in re.split(r"\\\\|,|;", _LABELS.sub(" ", math).replace("&", " ")):
            sides = row.split("=")
            if len(sides) == 2 and not _BOUND.search(row):
                add(sides[0], sides[1])
                continue
            parts, rels = _BOUND.split(row), _BOUND.findall(row)
            for i, rel in enumerate(rels):
                # the side of a bound that is a number: a value just inside it for the name on the other side
                low = rel in (">", "\\geq", "\\ge", "\\geqslant")
                left, right = parts[i], parts[i + 1]
                strict = rel in ("<", ">")
                if re.fullmatch(_NUMBER_TEX, right) and right.strip(" ."):
                    add(left, right, f" {'+' if low else '-'} 0.001" if strict else "")
                elif re.fullmatch(_NUMBER_TEX, left) and left.strip(" ."):
                    add(right, left, f" {'-' if low else '+'} 0.001" if strict else "")
    for m in _EQUALS_WORDS.finditer(doc, lo, hi):
        if not _CASE.search(_sentence_before(doc, m.start())):
            add(m.group("name"), m.group("value"))
    return out


def _not_a_law(values: list[str], probabilities: list[str], stated: dict[str, list[str]] | None = None) -> str | None:
    """Why the table is no law (`derive.tiers._discrete_law.table_law`), or None when it is one; ``stated``: the
    values the text gives the parameters elsewhere (a probability outside [0, 1] at one of them: no law)."""
    from derive.language.symbols import SymbolTable  # noqa: PLC0415 - sympy only for a stated table
    from derive.latex.parser import parse_latex  # noqa: PLC0415
    from derive.tiers._discrete_law import table_law  # noqa: PLC0415

    if len(values) != len(probabilities) or "\\ldots" in "".join(values + probabilities):
        return "its values and probabilities do not pair up"
    table = SymbolTable({})
    try:
        read_values = [parse_latex(v, table) for v in values]
        read_probabilities = [parse_latex(q, table) for q in probabilities]
    except (DeriveError, RecursionError, TypeError, ValueError):
        return "its values or probabilities could not be read"
    why = table_law(read_values, read_probabilities)
    if why is not None:
        return why
    for q in read_probabilities:
        for symbol in q.free_symbols:
            for given in (stated or {}).get(symbol.name, ()):
                try:
                    at = q.subs(symbol, parse_latex(given, table))  # a value, or one just inside a stated bound
                except (DeriveError, RecursionError, TypeError, ValueError):
                    return f"the value {given} the text gives {symbol} could not be read"
                if at.is_number and (at.is_negative or (at - 1).is_positive):
                    return f"the probability {q} is {at} at {symbol} = {given}, as the text states"
    return None


#: Words of a sentence after a display that name what the display uses: "where", "here", "we set", "we write".
_TRAILING = re.compile(r"\b(?:where|here|we\s+(?:have\s+)?(?:set|write|wrote|define|defined|denote|denoted))\b", re.I)
#: ... and words that turn to what comes next instead ("Now suppose", "Next, let", "Consider").
_NEW_SCOPE = re.compile(
    r"\b(?:now|next|suppose|assume|let|consider|then|similarly|later|below|following|instead|if|when)\b", re.I
)
#: What ends the clause right after a display: another display, a heading, a blank line before words of a new scope.
_CLAUSE_LIMIT = 400


def _display_end(doc: str, display: int) -> int | None:
    """Where the display that starts at ``display`` ends (None when no display starts there)."""
    m = _DISPLAY.match(doc, display)
    return m.end() if m is not None and m.end() > display else None


def _right_after(doc: str, end: int, start: int) -> bool:
    """Whether ``start`` is in the clause right after a display ending at ``end``: near, nothing but prose between
    (no display, heading, problem label or list item), no words that turn to what comes next."""
    if not end <= start <= end + _CLAUSE_LIMIT:
        return False
    between = doc[end:start]
    if _DISPLAY.search(between) or _HEADING.search(between) or _scope_ends(doc, end, start):
        return False
    return _NEW_SCOPE.search(re.sub(_MATH, " ", between)) is None


def _names_its_display(doc: str, s: MomentStatement, display: int, end: int) -> bool:
    """Whether a plain name of the statement (m_2 of ``E[y_2] = m_2``) is used in the display."""
    used = _names_of_value(doc[display:end])
    plain = [side for side in (s.lhs, s.rhs) if not _MOMENT_TEX.search(side)]
    return any(_names_of_value(side) & used for side in plain)


def moments_at(
    doc: str, statements: list[MomentStatement], offset: int, display: int
) -> tuple[tuple[str, str, str], ...]:
    """The moments stated for a step at ``offset`` whose display starts at ``display``, as (lhs, rhs, said):
    each before it in its scope (no heading, problem label, part or list item between); a case only for the
    display its sentence introduces. A later sentence that mentions the names with words that may undo
    the statement (`_RANDOM_AGAIN`: "let", "random", "drawn"; or "now", "instead") drops it.
    A statement in the clause right after the display ("where $E[y_2] = m_2$", "Moreover, we set $E[y_2] = m_2$",
    never "Now suppose ...") that names a plain name the display uses holds for that display too."""
    out: list[tuple[str, str, str]] = []
    end_of_display = _display_end(doc, display) if display <= offset else None
    for s in statements:
        if s.end > offset:
            after_it = (
                s.trailing
                and not s.hypothetical
                and end_of_display is not None
                and _right_after(doc, end_of_display, s.start)
                and _names_its_display(doc, s, display, end_of_display)
            )
            if after_it and (s.lhs, s.rhs, s.said) not in out:
                out.append((s.lhs, s.rhs, s.said + ", right after the display"))
            continue
        if not s.notation and _scope_ends(doc, s.end, offset):
            continue
        if s.hypothetical and (display < s.end or _ANOTHER.search(doc[s.end : display])):
            continue
        # a later sentence (after the statement's own) that mentions a name of either side with words that may
        # redefine or undo it ("From now on, $\\mu_X$ instead denotes the sample mean") drops the statement;
        # for notation, a sentence about its name only (the variable itself is talked about everywhere)
        names = (_names_of_value(s.lhs) | _names_of_value(s.rhs) | set(_names_in_tex(s.lhs))) - {"E"}
        if s.notation:
            names = _names_of_value(s.rhs)
        after = min(_sentence_end(doc, s.end) + 1, offset)
        if s.table and _table_changed(doc[after:offset], s.written):
            continue
        if names and _retracted(doc, after, offset, names, _MOMENT_UNDONE):
            continue
        fact = (s.lhs, s.rhs, s.said)
        if fact not in out:
            out.append(fact)
    return _without_conflicts(out)


def _moment_key(tex: str) -> str:
    """A stated side written alike whatever the expectation's font (``\\mathbb{E}[X]``, ``E[X]``, ``E(X)``)."""
    key = re.sub(r"\\(?:mathbb|operatorname|mathrm|textrm|text)\s*\{\s*(E|Var|var|Cov|cov)\s*\}", r"\1", tex)
    key = re.sub(r"\\(?:left|right|big|Big)", "", key)
    key = re.sub(r"\s+", "", key).replace("(", "[").replace(")", "]")
    return key.replace("var", "Var").replace("cov", "Cov")


def _one_name(tex: str) -> bool:
    try:
        name_of(tex.strip())
    except (DeriveError, RecursionError):
        return False
    return True


def _without_conflicts(facts: list[tuple[str, str, str]]) -> tuple[tuple[str, str, str], ...]:
    """``facts`` without the moments stated with two different values in scope (attacker K16: "for the treatment
    group, $X$ has mean $5$; for the control group, $X$ has mean $3$"): which one holds is not derive's to guess."""
    values: dict[str, set[str]] = {}
    names: dict[str, set[str]] = {}
    for lhs, rhs, _ in facts:
        for side, other in ((lhs, rhs), (rhs, lhs)):
            if _MOMENT_TEX.search(side) and not _MOMENT_TEX.search(other):
                # a name alone is the text's notation (mu_X = E[X]), no value that conflicts with a number;
                # two different names for one moment (mu_A, mu_B for two groups, attacker K17) do conflict
                said = names if _one_name(other) else values
                said.setdefault(_moment_key(side), set()).add(re.sub(r"\s+", "", other))
    conflicted = {key for key, said in values.items() if len(said) > 1}
    conflicted |= {key for key, said in names.items() if len(said) > 1}
    return tuple(f for f in facts if not {_moment_key(f[0]), _moment_key(f[1])} & conflicted)


def _table_changed(text: str, written: tuple[str, ...]) -> bool:
    """Whether ``text`` (between a table's sentence and a step) may change the table's law: words of a new law
    (`_LAW_CHANGED`), or inline math that is the variable or one of its values alone ("favours $6$")."""
    prose = _DISPLAY.sub(". ", text)
    if _LAW_CHANGED.search(re.sub(_MATH, " ", prose)):
        return True
    alone = {re.sub(r"\s+", "", w) for w in written}
    return any(re.sub(r"\s+", "", math) in alone for math in re.findall(r"\$([^$]{1,40})\$", prose))


#: Words of a later sentence that may change a table's law without naming its variable.
_LAW_CHANGED = re.compile(
    r"\b(?:now|instead|suppose|assume|load(?:ed|s)?|bias(?:ed)?|unfair|weighted|rigged|comes?\s+up|of\s+the\s+time|"
    r"probabilit(?:y|ies)|chances?|likely|odds|frequency|another|different|changed?|replaced?)\b",
    re.IGNORECASE,
)
_MOMENT_UNDONE = re.compile(
    r"\b(?:let|suppose|assume|now|instead|another|new|different|arbitrary|general|drop|dropped|no\s+longer|"
    r"not|denote[sd]?|(?:re)?define[sd]?|redefin\w*|becomes?|replaced?|random)\b",
    re.IGNORECASE,
)


#: Words after a statement, in its sentence, that make it a condition or a result ("$\\mathrm{Var}(X) = 0$ if and
#: only if $X$ is a constant", "... when $X$ is symmetric", "..., which we show below").
_QUALIFIED_AFTER = re.compile(
    r"\b(?:if|iff|only|when|whenever|unless|provided|exactly|precisely|show|prove|verify|not)\b|\?", re.IGNORECASE
)


def _qualified(doc: str, at: int) -> bool:
    """Whether the rest of the sentence after ``at`` qualifies what the sentence states (a condition, a result,
    or an inexact or conditional moment: `_NOT_EXACT`)."""
    rest = re.sub(_MATH, " ", doc[at : _sentence_end(doc, at)])
    return _QUALIFIED_AFTER.search(rest) is not None or _NOT_EXACT.search(rest) is not None


_CALLED_RANDOM = (
    re.compile(rf"(?<!non-)\brandom\s+(?:variables?|vectors?|quantit(?:y|ies)|numbers?)\s+(?P<names>{_LIST})", re.I),
    re.compile(
        rf"(?P<names>{_LIST})\s+(?:is|are|be|being|were)\s+(?:an?\s+|two\s+|both\s+|(?:jointly\s+)?independent\s+)*"
        r"(?<!non-)random\b",
        re.IGNORECASE,
    ),
)
_IDENTIFIER = re.compile(r"\\?[A-Za-z]+(?:_\{?[A-Za-z0-9]+\}?)?")


def _random_in_words(doc: str) -> set[str]:
    """The names the text calls random ("random variables $X$ and $Y$", "$Y$ is random") or draws
    (``$Y \\sim p$``): a moment whose value names one is conditional."""
    names: set[str] = set()
    for pattern in _CALLED_RANDOM:
        for m in pattern.finditer(doc):
            names |= set(_leading_names(m.group("names")))
    for math in re.findall(r"\$([^$]+)\$", doc):
        if "\\sim" in math:
            names |= _names_of_value(math.split("\\sim", 1)[0])
    return names


def _names_of_value(tex: str) -> set[str]:
    """The derive names of the identifiers in ``tex`` (``\\mu + Y`` gives mu and Y), best effort."""
    out: set[str] = set()
    for piece in _IDENTIFIER.findall(tex):
        try:
            out.add(name_of(piece))
        except (DeriveError, RecursionError):
            continue
    return out


def _line(doc: str, at: int) -> int:
    return doc.count("\n", 0, at) + 1


def _names_in_tex(tex: str) -> list[str]:
    """The plain names inside the brackets of a moment's LaTeX (``X`` of ``E[X]``), for `_retracted`."""
    m = re.search(r"[\[(](.*)[\])]", tex)
    if not m:
        return []
    return [n for n in (_names(f"${piece}$") for piece in m.group(1).split(",")) if n for n in n]
