"""Laws of scalar random variables stated in words, read as the ``x \\sim ...`` the prose could have written.

"Let $X$ be a Bernoulli random variable with parameter $p$", "$X$ is uniformly distributed on $[0, 1]$",
"$Z$ is a standard normal random variable", "$Y$ is normally distributed with mean $\\mu$ and variance
$\\sigma^2$", "an exponential random variable $T$ with rate $\\lambda$" declare the law of that name exactly as
``X \\sim \\mathrm{Bernoulli}(p)``, ``X \\sim \\mathcal{U}(0, 1)``, ... would (`laws_in_words` gives them in
the form of `derive.latex.assumptions.definite_in_words`, with the kind `LAW` and the law in LaTeX), so the
existing machinery scopes them (to the next heading, problem label or item) and puts them in.

Only wordings with one reading count: a Bernoulli "parameter" is its success probability; a normal law
needs its mean and its variance or standard deviation named as such; an exponential law its *rate* (an
exponential "with parameter $\\beta$" may be a rate or a scale: nothing is read); a uniform law a written
interval. Binomial, Poisson, geometric... laws have no distribution in derive: nothing is read.

A Bernoulli variable named without its parameter ("a Bernoulli distributed random binary variable $x$") has the
law the part of the text it is in (between its headings) states as a formula, ``\\text{Bern}(x | \\mu) = \\mu^x
(1 - \\mu)^{1-x}``: x ~ Bernoulli(mu), when exactly one such formula of that variable is there and it is the
mass function of a success probability (a failure probability, another variable, two parameters: nothing is read).

A statement declares nothing when its sentence negates, doubts or hedges it ("we do not assume $X$ is
uniform on $[0, 1]$", "$X$ might be ..."), or makes it a case ("If $f$ is a Bernoulli random variable with
parameter $p$, then ..."; "when", "whenever", "suppose", "unless", "provided", "in case", "for any").

A law stated as a case ("If $f$ is a Bernoulli random variable with parameter $p$, then $$E[f] = p$$", also
"If $X \\sim \\mathcal{U}(0, 1)$, then") holds for the display its sentence introduces only (`case_laws_at`:
no sentence end nor other display between): that display is checked under it. A name the text states
another law of before is a range there instead (which law holds is a guess), and so is the name of a case
of a law derive cannot read ("If $f$ is a binomial random variable ..."): no law stated elsewhere is put in
for it, nothing is refuted through it.
Neither reaches a later display.

A law stated by the first link of a display (`laws_in_first_links`): ``E[g(x)] = \\int N(x | m, v) g(x) dx`` (or
the normal density written out, normalised for every value of its parameters, `derive.tiers._general_law_gauss`)
is x ~ N(m, v) from the display's end to the next heading, unless the text states a law of x before; a later
sentence that may give x another law makes it a range from there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from derive.errors import DeriveError
from derive.latex.assumptions import LAW, Prose, headings, negated
from derive.latex.parser import name_of

__all__ = ["CaseLaw", "case_laws_at", "case_laws_in_words", "case_random", "laws_in_words"]

_M = r"\$(?P<{}>[^$]{{1,60}})\$"
_NAME = _M.format("name")
_NAME2 = _M.format("name2")
_ARTICLE = r"(?:an?|the|some)\s+"
#: The words of a law before "random variable": which law, as a LaTeX template of its parameters.
_FAMILY = (
    r"(?P<family>bernoulli|standard\s+(?:normal|gaussian)|normal|gaussian|uniform|exponential)"
    r"(?:\s+distributed)?"
)
_RV = r"\s+(?:(?:random|binary|discrete)\s+){0,2}(?:variable|r\.\s?v\.)(?![A-Za-z])"
#: What the parameters are called after the law: "with parameter $p$", "with mean $m$ and variance $v$".
_PARAMS = (
    r"(?P<params>(?:\s*,)?\s+(?:with|of|having)\s+(?:[A-Za-z ]{0,30}?)(?:\$[^$]{1,60}\$)"
    r"(?:(?:\s*,\s*|\s*,?\s*and\s+)(?:[A-Za-z ]{0,30}?)(?:\$[^$]{1,60}\$)){0,2})?"
)
#: "on $[a, b]$", "over the interval $(0, 1)$": a uniform law's interval.
_ON = r"(?P<on>\s+(?:on|over|in)\s+(?:the\s+(?:interval|range)\s+)?\$(?P<interval>[^$]{1,60})\$)?"
_STATED = [
    # "$X$ is a Bernoulli random variable with parameter $p$", "Let $X$ be a standard normal variable"
    re.compile(
        rf"{_NAME}\s+(?:is|be|denotes?)\s+(?:{_ARTICLE})?{_FAMILY}{_RV}{_ON}{_PARAMS}",
        re.IGNORECASE,
    ),
    # "the Bernoulli random variable $f$ with parameter $p$"
    re.compile(rf"\b{_ARTICLE}{_FAMILY}{_RV}\s+{_NAME}{_ON}{_PARAMS}", re.IGNORECASE),
    # "$X$ is uniformly distributed on $[0, 1]$", "$Y$ is normally distributed with mean $0$ and variance $1$"
    re.compile(
        rf"{_NAME}\s+(?:is|be)\s+(?P<family>uniformly|normally|exponentially)\s+distributed{_ON}{_PARAMS}",
        re.IGNORECASE,
    ),
]
_CASE = re.compile(
    r"\b(?:if|when|whenever|suppose|supposing|unless|in\s+case|provided|whether|assuming|say"
    r"|for\s+(?:an?|any|every|each))\b",
    re.IGNORECASE,
)
_HEDGED = re.compile(
    r"\b(?:not|no|never|without|unless|except|instead|were|would|could|might|may|perhaps|maybe|possibly"
    r"|approximately|roughly|nearly|almost|like|for\s+now|temporarily|isn't|aren't)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?;](?:\s|$)|\n\s*\n")
_INLINE = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|\\\(.*?\\\)", re.DOTALL)
#: One parameter: its role word right before its math ("mean $\\mu$").
_PARAM = re.compile(r"(?P<role>[A-Za-z ]{0,30}?)\s*\$(?P<tex>[^$]{1,60})\$")


def laws_in_words(doc: str) -> list[tuple[int, int, str, str | None, str]]:
    """(offset, end, name, kind, what was said) for each law the prose states in words (module docstring):
    the kind is `LAW` and the law in LaTeX, the said names the words and the law read from them."""
    out: list[tuple[int, int, str, str | None, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern in _STATED:
        for m in pattern.finditer(doc):
            if any(at < m.end() and m.start() < end for at, end in taken):
                continue
            found = _read(m)
            if found is None or _listed(doc, m.start()) or not _asserted(doc, m.start(), m.end()):
                continue
            name, law = found
            words = " ".join(m.group().split())
            if law is None:  # a Bernoulli variable with no parameter named: the formula the section states
                stated = _bernoulli_formula(doc, m.start(), name)
                if stated is None:
                    continue
                law, formula = stated
                words = f"{words}, with {formula} as the text states"
            taken.append((m.start(), m.end()))
            out.append((m.start(), m.end(), name, LAW + law, f"{words} (read as {_tex_name(m)} \\sim {law})"))
    return sorted(out + laws_in_first_links(doc, out))


def _tex_name(m: re.Match[str]) -> str:
    return m.group("name").strip()


def _read(m: re.Match[str]) -> tuple[str, str | None] | None:
    """(name, law in LaTeX) of a statement, or None when its wording has more than one reading; the law None
    for a Bernoulli variable whose parameter the words do not name (`_bernoulli_formula` may)."""
    try:
        name = name_of(m.group("name").strip())
    except DeriveError:
        return None
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name) or name in ("E", "P", "p", "N"):
        return None  # an entry, an operator or a law's own letter: no scalar variable
    family = m.group("family").lower().split()[0]
    params = _roles(m.group("params") or "")
    if params is None:
        return None
    interval = m.group("interval")
    if family == "bernoulli" and not params and interval is None:
        return name, None
    law = _law(family, params, interval)
    return (name, law) if law is not None else None


#: ``\text{Bern}(x | \mu) = <formula>`` (also ``\mathrm``, ``\operatorname``, ``Bernoulli``, ``\mid``), up to
#: the end of its line or display.
_BERN_FORMULA = re.compile(
    r"\\(?:text|mathrm|operatorname|textrm|rm)\s*\{\s*Bern(?:oulli)?\s*\}\s*\(\s*(?P<var>[^()|]{1,20}?)\s*"
    r"(?:\||\\mid\b)\s*(?P<param>[^()|,]{1,20}?)\s*\)\s*=\s*(?P<formula>[^$\n]{1,200}?)"
    r"\s*(?=\\tag|\\label|\\end|\\\]|\\\\|\$|\n|[.,;]\s|$)"
)


def _bernoulli_formula(doc: str, at: int, name: str) -> tuple[str, str] | None:
    """(``\\mathrm{Bernoulli}(mu)``, the formula as written) when the part of ``doc`` around ``at`` (between its
    headings) states the Bernoulli mass function of ``name`` with one parameter,
    ``\\text{Bern}(x | \\mu) = \\mu^x (1 - \\mu)^{1-x}`` (exactly that of a success probability mu at 0 and 1);
    None when it states none, or two, or another formula, or gives the variable other values than 0 and 1."""
    import sympy  # noqa: PLC0415

    from derive.language.symbols import SymbolTable  # noqa: PLC0415
    from derive.latex.parser import parse_latex  # noqa: PLC0415

    marks = sorted(h for h, _ in headings(doc))
    start = max((h for h in marks if h <= at), default=0)
    end = min((h for h in marks if h > at), default=len(doc))
    found: set[str] = set()
    said = ""
    for m in re.finditer(r"\$([^$]{1,40}?)\\in\s*\\\{([^$]*?)\\\}", doc[start:end]):
        # the text gives the variable other values ($x \in \{-1, 1\}$): which law it means is a guess
        try:
            if name_of(m.group(1).strip()) == name and {v.strip() for v in m.group(2).split(",")} != {"0", "1"}:
                return None
        except DeriveError:
            continue
    for m in _BERN_FORMULA.finditer(doc, start, end):
        try:
            if name_of(m.group("var").strip()) != name:
                continue
            param = name_of(m.group("param").strip())
            table = SymbolTable({})
            formula = parse_latex(m.group("formula"), table)
            x, mu = sympy.Symbol(name), sympy.Symbol(param)
            variables = {str(s) for s in formula.free_symbols}
            if not variables <= {name, param}:
                return None
            formula = formula.subs({s: sympy.Symbol(str(s)) for s in formula.free_symbols})
            if any(sympy.simplify(formula.subs(x, v) - mu**v * (1 - mu) ** (1 - v)) != 0 for v in (0, 1)):
                return None  # another parameterisation (the failure probability) or another formula
        except (DeriveError, RecursionError, ValueError, TypeError, AttributeError):
            return None
        found.add(m.group("param").strip())
        said = said or " ".join(m.group().split())
    return (rf"\mathrm{{Bernoulli}}({found.pop()})", said) if len(found) == 1 else None


def _roles(text: str) -> dict[str, str] | None:
    """role word -> parameter LaTeX ("mean" -> ``\\mu``); None when a role is unknown or said twice."""
    out: dict[str, str] = {}
    for m in _PARAM.finditer(text):
        role = re.sub(r"\b(?:with|of|having|and|the|its|a|an|success|parameters?)\b", " ", m.group("role").lower())
        role = " ".join(role.split()) or "parameter"
        if "success" in m.group("role").lower() and role == "probability":
            role = "parameter"
        if role not in ("parameter", "mean", "variance", "standard deviation", "rate", "probability"):
            return None
        if role in out:
            return None
        out[role] = m.group("tex").strip()
    return out


def _law(family: str, params: dict[str, str], interval: str | None) -> str | None:
    """The law in LaTeX, when the words name each of its parameters by its role and nothing else."""
    if family == "standard":
        return r"\mathcal{N}(0, 1)" if not params and interval is None else None
    if interval is not None and family not in ("uniform", "uniformly"):
        return None
    if family == "bernoulli":
        p = params.get("parameter") or params.get("probability")
        return rf"\mathrm{{Bernoulli}}({p})" if p is not None and len(params) == 1 else None
    if family in ("normal", "normally", "gaussian"):
        mean, var, sd = params.get("mean"), params.get("variance"), params.get("standard deviation")
        if mean is None or len(params) != 2 or (var is None) == (sd is None):
            return None
        return rf"\mathcal{{N}}({mean}, {var})" if var is not None else rf"\mathcal{{N}}({mean}, ({sd})^2)"
    if family in ("exponential", "exponentially"):
        rate = params.get("rate")
        return rf"\mathrm{{Exp}}({rate})" if rate is not None and len(params) == 1 else None
    if family in ("uniform", "uniformly"):
        ends = _interval(interval) if interval is not None and not params else None
        return rf"\mathcal{{U}}({ends[0]}, {ends[1]})" if ends is not None else None
    return None


_ENDS = re.compile(r"\s*(?:\\left\s*)?[\[(]\s*([^,\[\]()]{1,30}?)\s*,\s*([^,\[\]()]{1,30}?)\s*(?:\\right\s*)?[\])]\s*")


def _interval(tex: str) -> tuple[str, str] | None:
    """The ends of ``[a, b]``, ``(a, b)``, ``[a, b)``: the same uniform law (a point has no mass)."""
    m = _ENDS.fullmatch(tex)
    return (m.group(1), m.group(2)) if m else None


def _asserted(doc: str, start: int, end: int) -> bool:
    """Whether the statement at [start, end) stands: no case word, negation or hedge in its sentence."""
    if negated(doc, start):
        return False
    before = _INLINE.sub(" x ", doc[max(0, start - 400) : start])
    ends = list(_SENTENCE_END.finditer(before))
    before = before[ends[-1].end() :] if ends else before
    after = _INLINE.sub(" x ", doc[end : end + 300])
    cut = _SENTENCE_END.search(after)
    after = after[: cut.start()] if cut else after
    inside = _INLINE.sub(" x ", doc[start:end])
    return not any(p.search(t) for p in (_CASE, _HEDGED) for t in (before, inside, after))


@dataclass(frozen=True)
class CaseLaw:
    """A law stated as a case: where its statement ends, the name, the law in LaTeX (None: not read), the words."""

    end: int
    name: str
    law: str | None
    said: str


_CASE_OPEN = re.compile(
    r"\b(?:if|when|whenever|suppose|supposing|assuming|provided|for\s+(?:an?|any|every|each))\b", re.IGNORECASE
)
#: "$f$ is a binomial random variable", "$X$ is Poisson distributed": a case of some law for the name (not "$i$
#: is an index variable": no law).
_ANY_LAW_WORDS = re.compile(
    rf"{_NAME}\s+(?:is|be|are)\s+(?:{_ARTICLE})?[A-Za-z-]+(?:\s+[A-Za-z-]+){{0,2}}?\s+(?:distributed|random\s+variables?)",
    re.IGNORECASE,
)
#: "If $X \\sim \\mathcal{U}(0, 1)$": a case stated in math.
_SIM = re.compile(r"\$(?P<name>[^$~]{1,40}?)\\sim(?![A-Za-z])\s*(?P<law>[^$]{1,120}?)\s*\$")
#: A sentence end or another display: a case's display is the next one, with nothing of this kind between.
_ANOTHER = re.compile(r"[.!?](?:\s|$)|\n\s*\n")
_DISPLAY = re.compile(r"\$\$|\\\[|\\begin\{")
#: Words after a case's law that deny or doubt it ("If $X \\sim \\mathrm{Bern}(p)$ is false, then"): no law.
_DENIED = re.compile(
    r"\b(?:false|untrue|wrong|not|fails?|failed|doesn't|does\s+not|isn't|is\s+not|never|no\s+longer|were|would)\b",
    re.IGNORECASE,
)


def case_laws_in_words(doc: str) -> list[CaseLaw]:
    """The laws the prose states as a case (module docstring), read (a law) or not (None)."""
    out: list[CaseLaw] = []
    seen: list[tuple[int, int]] = []
    for pattern in (*_STATED, _ANY_LAW_WORDS, _SIM):
        for m in pattern.finditer(doc):
            if any(at < m.end() and m.start() < end for at, end in seen) or not _case(doc, m.start(), m.end()):
                continue
            if _listed(doc, m.start()):
                # "If $X$ and $Y$ are ..." (one law for a list, or a law for the last name only?): both unread
                out += [CaseLaw(m.end(), n, None, " ".join(m.group().split())) for n in _list_before(doc, m)]
                seen.append((m.start(), m.end()))
                continue
            seen.append((m.start(), m.end()))
            if pattern is _SIM:
                try:
                    name = name_of(m.group("name").strip())
                except DeriveError:
                    continue
                law: str | None = m.group("law")
            else:
                found = _read(m) if pattern is not _ANY_LAW_WORDS else None
                try:
                    name = found[0] if found else name_of(m.group("name").strip())
                except DeriveError:
                    continue
                law = found[1] if found else None
            out.append(CaseLaw(m.end(), name, law, " ".join(m.group().split())))
    return out


def case_laws_at(doc: str, cases: list[CaseLaw], display: int) -> dict[str, CaseLaw]:
    """name -> its case law, for a step whose display starts at ``display``: the display the case's sentence
    introduces (nothing but words, a comma, "then" between). Two cases of one name: neither is sure (None)."""
    out: dict[str, CaseLaw] = {}
    for stated in cases:
        gap = doc[stated.end : display]
        if stated.end > display or _DISPLAY.search(gap) or _ANOTHER.search(_INLINE.sub(" x ", gap)):
            continue
        if any(stated.end < at < display for at, _ in headings(doc)):
            continue
        case = stated
        if _DENIED.search(_INLINE.sub(" x ", gap)):
            # the sentence goes on to deny or doubt the law: the name is no variable of that law here
            case = CaseLaw(stated.end, stated.name, None, f"{stated.said} {' '.join(gap.split())}".strip())
        before = out.get(case.name)
        doubted = before is not None and before.law != case.law
        out[case.name] = CaseLaw(case.end, case.name, None, f"{before.said}; {case.said}") if doubted else case
    return out


def case_random(
    cases: Mapping[str, CaseLaw], symbols: dict[str, str], stated: Mapping[str, Any], line_of: Callable[[int], int]
) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """(random variables, name -> where, ranges) for a display the cases introduce: a case law read
    and not in doubt is its name's law there; an unread one, or one of a name the text states another law
    of before (``stated``: which one holds is a guess), leaves the name a range."""
    good = {n: c for n, c in cases.items() if c.law is not None and n not in stated}
    prose = Prose()
    for name, case in good.items():
        prose.laws[name] = (case.law or "", f"the case {case.said!r} (line {line_of(case.end)}), for this display only")
    found, where = prose.random_for(symbols, set())
    ranges = {
        n: f"the case {c.said!r} (line {line_of(c.end)}), a law derive does not put in here"
        + (" (the text states another law of it before)" if n in stated else "")
        for n, c in cases.items()
        if n not in found
    }
    return found, where, ranges


def _case(doc: str, start: int, end: int) -> bool:
    """Whether the statement at [start, end) is a plain case: its sentence opens with a case word before it,
    and neither negates nor hedges it."""
    if negated(doc, start):
        return False
    before = _INLINE.sub(" x ", doc[max(0, start - 400) : start])
    ends = list(_SENTENCE_END.finditer(before))
    before = before[ends[-1].end() :] if ends else before
    inside = _INLINE.sub(" x ", doc[start:end])
    if not _CASE_OPEN.search(before):
        return False
    return not any(_HEDGED.search(t) for t in (before, inside))


_LIST_END = re.compile(r"\$\s*(?:,|\band|\bor)\s*$")


def _listed(doc: str, start: int) -> bool:
    """Whether the name at ``start`` ends a list ("$X$ and $Y$ are ..."): the law may be said of each."""
    return _LIST_END.search(doc[max(0, start - 20) : start]) is not None


def _list_before(doc: str, m: re.Match[str]) -> list[str]:
    """The names of the list the statement ``m`` ends, its own included (those that are names)."""
    sentence = doc[max(0, m.start() - 200) : m.start()]
    ends = list(_SENTENCE_END.finditer(sentence))
    sentence = sentence[ends[-1].end() :] if ends else sentence
    out: list[str] = []
    for tex in [*re.findall(r"\$([^$]{1,60})\$", sentence), m.group("name")]:
        try:
            out.append(name_of(tex.strip()))
        except DeriveError:
            continue
    return out


def law_parameter_ranges(random: Mapping[str, Any], said: Mapping[str, str]) -> dict[str, str]:
    """name -> where, for the names in the parameters of the laws ``random`` (name -> Distribution) the
    prose states: ranges, so no refutation rests on a value the law excludes (a Bernoulli p of -5/2, a
    uniform law on (0, b) with b < 0), since derive samples them as plain reals. A normal law's mean, and its
    variance when written as a square, take any real value: no range."""
    out: dict[str, str] = {}
    for name, law in random.items():
        args = tuple(getattr(law, "args", ()))
        if type(law).__name__ == "Normal" and len(args) == 2:
            # any real mean, and a variance written as a square (sigma^2) is a variance for any real sigma
            square = getattr(args[1], "is_Pow", False) and args[1].exp == 2
            args = () if square else (args[1],)
        for arg in args:
            for symbol in getattr(arg, "free_symbols", ()):
                out.setdefault(str(symbol), f"a parameter of the law of {name} ({said.get(name, 'stated')})")
    return out


# ---------------------------------------------------------------------------------------
# A law stated by the first link of a display: E[g(x)] = \int N(x | m, v) g(x) dx.

#: A display of the document: its math (``$$..$$``, ``\[..\]``, an equation or align environment).
_DISPLAYED = re.compile(
    r"\$\$(?P<a>.+?)\$\$|\\\[(?P<b>.+?)\\\]|\\begin\{(?P<env>equation|align|gather|multline|eqnarray)(?P<star>\*?)\}"
    r"(?P<c>.+?)\\end\{(?P=env)(?P=star)\}",
    re.DOTALL,
)
#: The plain expectation of a first link's left side: ``\mathbb{E}[...]``, ``E[...]`` (no subscript: a
#: labelled expectation names its own law), with square brackets (``E(x)`` may be a function the text defines).
_PLAIN_E = re.compile(
    r"\s*(?:\\mathbb\s*\{\s*E\s*\}|\\mathbb\s+E|\\operatorname\{E\}|\\mathrm\{E\}|E)\s*(?:\\left\s*|\\[bB]igg?l?\s*)?\[(?P<body>.+)\]\s*"
)
_NO_MATH = re.compile(r"\\(?:tag|label)\*?\s*\{[^{}]*\}|\\(?:nonumber|notag)\b|\\mathop\s*\{\s*\}|\\[!,;:]|&")


def laws_in_first_links(
    doc: str,
    stated: list[tuple[int, int, str, str | None, str]] = (),  # type: ignore[assignment]
) -> list[tuple[int, int, str, str | None, str]]:
    """(offset, end, name, kind, what was said) for each display whose first link writes an expectation as the
    integral against a normal density (`derive.tiers._general_law_gauss`): ``E[g(x)] = \\int_{-\\infty}^{\\infty}
    \\mathcal{N}(x | \\mu, \\sigma^2) g(x) \\, dx`` states x ~ N(mu, sigma^2) from that display on (its end is the
    display's end: the link itself is what states the law, never proved by it), to the next heading as any law.
    A law the text states for x before (``stated``: the laws in words; ``x \\sim ...`` in its math; a table of
    values) wins: the first link then states nothing (which law holds would be a guess).

    Only when the left side is the plain ``E[g]`` of a body in x (and numbers, parameters), the right side one
    integral over the whole line in x (times factors free of x), and the integrand divided by g is a normal
    density in x, normalised for every value of its parameters. Anything else states no law.

    >>> doc = r"$$\\mathbb{E}[x] = \\int_{-\\infty}^{\\infty} \\mathcal{N}(x | \\mu, \\sigma^2) x \\, dx = \\mu$$"
    >>> [(name, kind) for _, _, name, kind, _ in laws_in_first_links(doc)]
    [('x', '~ \\\\mathcal{N}(\\\\mu, \\\\sigma^{2})')]
    """
    if "\\int" not in doc:
        return []
    out: list[tuple[int, int, str, str | None, str]] = []
    for m in _DISPLAYED.finditer(doc):
        math = next(g for g in (m.group("a"), m.group("b"), m.group("c")) if g is not None)
        found = _first_link_law(_NO_MATH.sub(" ", math), _positive_before(doc, m.start()))
        if found is None or not _first_link_stands(doc, m.start(), m.end()):
            continue
        name, law, lhs, rhs = found
        if _law_stated_before(doc, name, m.start(), stated):
            continue
        reading = f"read as {name} \\sim {law}: the expectation as the integral against its density"
        said = f"the first link {lhs} = {rhs} ({reading})"
        out.append((m.start(), m.end(), name, LAW + law, " ".join(said.split())))
        undone = _law_undone(doc, name, m.end())
        if undone is not None:
            # from a sentence that may speak of another law of x, x is a range: nothing refuted through the law
            out.append((undone[0], undone[0], name, None, f"{undone[1]} (after the law the first link states)"))
    return out


#: Words of a later sentence about x that may give it another law or meaning ("Now suppose $x$ is uniform").
_ANOTHER_LAW = re.compile(
    r"\b(?:suppose|let|now|instead|assume[sd]?|another|new|uniform\w*|distributed|drawn|sampled|random|"
    r"exponential\w*|poisson|binomial|bernoulli|beta|gamma|define[sd]?|denotes?)\b|\\sim",
    re.IGNORECASE,
)


def _law_undone(doc: str, name: str, start: int) -> tuple[int, str] | None:
    """(offset, the sentence) of the first sentence after ``start`` in its section whose math mentions ``name`` and
    whose words may give it another law (`_ANOTHER_LAW`), or None."""
    end = min((at for at, _ in headings(doc) if at > start), default=len(doc))
    text = doc[start:end]
    for sentence in re.finditer(r"[^.!?\n]+(?:[.!?]|\n\s*\n|$)", text):
        piece = sentence.group()
        mentioned = set()
        for math in re.findall(r"\$([^$]{1,80})\$", piece):
            for raw in re.split(r"[,=<>~]|\\sim", math):
                try:
                    mentioned.add(name_of(raw.strip()))
                except (DeriveError, RecursionError):
                    continue
        if name in mentioned and _ANOTHER_LAW.search(_INLINE.sub(" ", piece) + (" \\sim" if "\\sim" in piece else "")):
            return start + sentence.start(), " ".join(piece.split())
    return None


_MATH_ANY = re.compile(
    r"\$\$(?P<a>.+?)\$\$|\$(?P<b>[^$]+)\$|\\\[(?P<c>.+?)\\\]|\\begin\{(?P<env>\w+\*?)\}(?P<d>.+?)\\end\{(?P=env)\}",
    re.DOTALL,
)
_TAKES_VALUES = re.compile(
    r"\$(?P<name>[^$]{1,40})\$[^$.;!?]{0,80}?\btakes?\s+(?:on\s+)?(?:the\s+)?values?\b", re.IGNORECASE
)


def _law_stated_before(doc: str, name: str, at: int, stated: list[tuple[int, int, str, str | None, str]]) -> bool:
    """Whether the text states a law of ``name`` before ``at``: in words (``stated``), as ``name \\sim ...`` in
    any of its math, or by a table of values ("$X$ takes the value ...")."""
    if any(start < at and n == name for start, _, n, _, _ in stated):
        return True
    for m in _MATH_ANY.finditer(doc, 0, at):
        math = next((g for g in (m.group("a"), m.group("b"), m.group("c"), m.group("d")) if g is not None), "")
        for left in re.findall(r"([^=<>~$]{1,80}?)\\sim(?![A-Za-z])", math):
            for piece in left.split(","):
                try:
                    if name_of(piece.strip().split("&")[-1].strip()) == name:
                        return True
                except (DeriveError, RecursionError):
                    continue
    for m in _TAKES_VALUES.finditer(doc, 0, at):
        try:
            if name_of(m.group("name").strip()) == name:
                return True
        except (DeriveError, RecursionError):
            continue
    return False


def _first_link_stands(doc: str, start: int, end: int) -> bool:
    """Whether the display at [start, end) is a computation the text makes, not a case ("If $x$ were
    Gaussian, $$...$$"), a hedge, nor one its next words deny ("$$...$$ is wrong")."""
    before = _INLINE.sub(" x ", doc[max(0, start - 400) : start])
    ends = list(_SENTENCE_END.finditer(before))
    before = before[ends[-1].end() :] if ends else before
    after = _INLINE.sub(" x ", doc[end : end + 200])
    cut = _SENTENCE_END.search(after)
    after = after[: cut.start()] if cut else after
    return not (_CASE.search(before) or _HEDGED.search(before) or _DENIED.search(after))


_POSITIVE = re.compile(r"\$\s*(?P<name>[^$<>=]{1,20}?)\s*>\s*0\s*\$")


def _positive_before(doc: str, at: int) -> frozenset[str]:
    """The names the text states positive (``$\\sigma > 0$``) in the section before ``at``, outside a case."""
    start = max((h for h, _ in headings(doc) if h < at), default=0)
    out: set[str] = set()
    for m in _POSITIVE.finditer(doc, start, at):
        if not _first_link_stands(doc, m.start(), m.end()):
            continue  # "if $\\sigma > 0$", "$\\sigma > 0$ is not assumed"
        try:
            out.add(name_of(m.group("name").strip()))
        except (DeriveError, RecursionError):
            continue
    return frozenset(out)


def _first_link_law(math: str, positive: frozenset[str] = frozenset()) -> tuple[str, str, str, str] | None:
    """(name, law in LaTeX, lhs, rhs) of a display's first link that states a normal law, else None."""
    from derive.language.symbols import SymbolTable  # noqa: PLC0415 - sympy only for a display with an integral
    from derive.latex.names import latex_of_name  # noqa: PLC0415 - names imports the parser too
    from derive.latex.parser import parse_latex  # noqa: PLC0415
    from derive.tiers._general_law_gauss import normal_law  # noqa: PLC0415

    row = re.split(r"\\\\", math, maxsplit=1)[0]
    sides = _top_level_split(row, "=")
    if len(sides) < 2 or "\\int" not in sides[1]:
        return None
    lhs, rhs = sides[0].strip(), sides[1].strip().rstrip(".,;")
    e = _PLAIN_E.fullmatch(lhs)
    if e is None or re.search(r"[|]|\\mid|\\vert", e.group("body")):
        return None  # a conditional expectation states no law of its own
    try:
        import sympy  # noqa: PLC0415

        table = SymbolTable({})
        body = parse_latex(e.group("body"), table)
        value = parse_latex(rhs, table)
        outside, integrals = sympy.S.One, []
        for factor in sympy.Mul.make_args(value):
            (integrals if isinstance(factor, sympy.Integral) else [outside]).append(factor)
            if not isinstance(factor, sympy.Integral):
                outside = outside * factor
        if len(integrals) != 1 or len(integrals[0].limits) != 1 or len(integrals[0].limits[0]) != 3:
            return None
        x, low, high = integrals[0].limits[0]
        if (low, high) != (-sympy.oo, sympy.oo) or outside.has(x) or x not in body.free_symbols:
            return None
        if body.has(sympy.Integral, sympy.Sum) or any(
            isinstance(n, sympy.core.function.AppliedUndef) for n in sympy.preorder_traversal(body)
        ):
            return None  # g of x alone: no unknown function, no other expectation inside
        found = normal_law(sympy.cancel(outside * integrals[0].function / body), x, positive)
        if found is None:
            return None
        law = rf"\mathcal{{N}}({sympy.latex(found[0])}, {sympy.latex(found[1])})"
        # the law must read back as written: N(m, v) with the same mean and variance
        got: dict[str, Any] = {}
        parse_latex(rf"\mathbb{{E}}_{{{latex_of_name(x.name)} \sim {law}}}[1]", table, random=got)
        read = got.get(x.name)
        if read is None or [sympy.simplify(a - b) for a, b in zip(read.args, found, strict=False)] != [0, 0]:
            return None
        return x.name, law, lhs, rhs
    except (DeriveError, RecursionError, TypeError, ValueError, AttributeError, ZeroDivisionError):
        return None


def _top_level_split(text: str, sign: str) -> list[str]:
    """``text`` split at ``sign`` outside braces, brackets and parentheses."""
    parts: list[str] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch in "{[(":
            depth += 1
        elif ch in "}])":
            depth -= 1
        elif ch == sign and depth == 0 and text[i - 1 : i] not in ("<", ">", "!", ":", "\\"):
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts
