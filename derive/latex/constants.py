"""Equal up to a term that does not depend on a variable: the ``+ \\text{const}`` idiom.

``\\log \\bar p(y_1|x) = -y_1^2 + y_1 m_2 + \\text{const}`` says: the two sides differ by a term that does
not depend on the variable of interest V (here y_1; the constant may depend on x). A step that carries
the idiom on one side or both (``\\text{const}``, ``\\mathrm{const.}``, ``\\text{constant(s)}``,
``\\mathrm{cst}``; each may be a different number: that is the reading) is checked as

    D = lhs - rhs, every constant set to 0, does not depend on V,

written as the claim ``D = D|_{V := V'}`` with V' a fresh name of V's kind: proved means D is free of V;
refuted shows two values of V, everything else fixed, where D differs. Setting the constants to 0 is
sound only where each enters its side affinely with a coefficient free of V (``-\\frac12(... + c)``,
``\\mathbb{E}_q[f - c]``): checked on the parsed side (`affine_in`), else the idiom is not read.

Which V (`stated_variables`, then `density_variables`):

- the text names it in words next to the display: "terms not depending on $y_1$", "constant w.r.t.
  $\\theta$", "independent of $\\mu$", "as a function of $\\mu$" (certain: a refutation stands);
- the density or function the chain starts with: ``\\log \\bar p(y_1|x)`` (left of the bar),
  ``\\log \\mathcal{N}(y; m, \\sigma^2)`` (before the semicolon), ``\\log p(y_1, y_2, x)`` (all three),
  ``f(\\mathbf w)`` (an expansion in w). Plausible, not certain: a refutation is only undecided;
- none: D must be free of every name (true under every reading, proved) or is checked as D = 0
  (where an expectation's law or a binder keeps names from being renamed). With exactly one name in
  D that name is the only candidate, and a refutation stands.

A V the text defines, one that a definition the step uses is built from, one an expectation's subscript
mentions (``\\mathbb{E}_{q(y|x)}``: renaming x inside would leave its law behind), or one bound by a sum or
integral is not renamed: the step falls back to the modes without V. A name the chain's density holds
given (x in ``\\bar p(y_1|x)``, `density_given`) keeps its value while V varies: its definition through V
(x := y_1 + y_2 + n) is not applied. Names no expectation integrates (all but y_2 under
``\\mathbb{E}_{q_2(y_2|x)}``) are values of the claim, so linearity takes them out. A single constant on
one side with no V keeps the older reading (the difference at one point, `derive.latex.steps`).

``\\propto`` between probabilities alone (`proportional_by_probability`): ``p(\\theta|D) \\propto
p(D|\\theta)p(\\theta)`` is the claim that lhs/rhs is the same at θ and at a fresh θ', which the
probability calculus proves for every law (the ratio is 1/p(D), positive).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from derive.errors import DeriveError
from derive.language.symbols import SymbolTable, parse_kind
from derive.latex import assumptions
from derive.latex.names import latex_of_name, names_in
from derive.latex.parser import name_of, parse_latex

__all__ = [
    "CONST_NAME",
    "PROBABILITY_NAMES",
    "UpTo",
    "const_count",
    "density_given",
    "density_variable_tex",
    "density_variables",
    "proportional_by_probability",
    "stated_variables",
    "up_to_constant",
    "up_to_relation",
]

#: The name every constant of the idiom is read as in the claim derive builds (set to 0 there).
CONST_NAME = "const"
_CONST_TEX = "\\mathrm{const}"

#: ``\\text{const}``, ``\\mathrm{const.}``, ``\\text{constant}``, ``\\text{constants}``, ``\\mathrm{cst}``.
_CONST_WORD = re.compile(
    r"\\(?:mathrm|text|textrm|operatorname|mathit|textit|mbox)\s*\{\s*(?:const(?:ant)?s?|cst)\s*\.?\s*\}"
)
#: Words next to a display that name what its constant does not depend on; the names are the inline
#: formulas listed there ("on $\\mu$ and $\\sigma$": both). "terms in $x$" names what they DO depend on.
_MATHS = r"(?P<m>\$[^$]{1,80}\$(?:\s*(?:,|and|or|nor)\s*(?:and\s+|or\s+)?\$[^$]{1,80}\$)*)"
_STATED = re.compile(
    r"(?:(?:not|n't)\s+(?:depend(?:s|ing)?\s+(?:up)?on|involv(?:e|es|ing)|contain(?:s|ing)?)"
    r"|independent\s+of|const(?:ant)?s?\s+(?:w\.\s*r\.\s*t\.?|wrt\.?|with\s+respect\s+to|in)"
    r"|as\s+a\s+function\s+of)\s+" + _MATHS,
    re.IGNORECASE,
)
#: A sentence that names the variable speaks of the constant (or of terms absorbed or dropped).
_ABOUT_CONSTANT = re.compile(r"const|absorb|normali[sz]", re.IGNORECASE)
#: The head of a density or function a chain starts with, after an optional minus and log.
_HEAD = re.compile(
    r"\s*-?\s*(?:\\(?:log|ln)\s*)?(?:\\left\s*)?[\[(]?\s*"
    r"(?:\\(?:bar|tilde|hat)\s*(?:\{\s*(?:p|q)\s*\}|\s(?:p|q))|\\mathcal\s*\{?\s*N\s*\}?|p|P|q|Q|f|g|L|\\ell|\\pi|N)"
    r"(?:\s*_\s*(?:\{[^{}]*\}|\\?[A-Za-z0-9]+))?(?:\s*\^\s*(?:\{[^{}]*\}|\*|\\star))?"
    r"\s*(?:\\left\s*)?\("
)
#: Where the reading stops: a bar, a semicolon or the closing parenthesis, at depth 0.
_ARG_END = re.compile(r"\\mid(?![A-Za-z])|\\middle\s*\||\\vert(?![A-Za-z])|\||;|\\right\s*\)|\)")
_EXPECTATION = re.compile(
    r"(?:\\mathbb\s*\{\s*E\s*\}|\\mathbb\s+E|(?<![A-Za-z\\])E|\\(?:operatorname|mathrm)\s*\{\s*E\s*\})\s*_\s*"
)
_ANY_EXPECTATION = re.compile(
    r"\\mathbb\s*\{\s*E\s*\}|\\mathbb\s+E|(?<![A-Za-z\\])E\s*[_\[(]|\\(?:operatorname|mathrm)\s*\{\s*E\s*\}"
)
_BINDER = re.compile(r"\\(?:sum|prod|int|iint|oint|lim|partial|nabla|frac\s*\{\s*d|max|min|arg)(?![A-Za-z])")


#: ``\\stackrel{c}{=}``, ``\\overset{+}{=}``, ``\\overset{\\text{const}}{=}``: "equal up to an additive constant".
_UP_TO_RELATION = re.compile(
    r"\\(?:stackrel|overset)\s*\{\s*(?:c|\+|\\(?:text|mathrm)\s*\{\s*(?:c|const\.?)\s*\})\s*\}\s*(?:=|\{\s*=\s*\})"
)


def up_to_relation(doc: str, offset: int) -> bool:
    """Whether the relation written at ``offset`` of ``doc`` is "=" marked up to a constant (``\\stackrel{c}{=}``):
    read as ``lhs + const = rhs + const``, never as an equality."""
    return _UP_TO_RELATION.match(doc, offset) is not None


#: Characters of the two sides read while reading the document, and operations of an expectation's argument
#: expanded to find its constant (the reading runs before any time budget).
_LIMIT = 1500
_AFFINE_OPS = 300


def const_count(side: str) -> int:
    """How many constants of the idiom ``side`` writes."""
    return len(_CONST_WORD.findall(side))


def _with_const_name(side: str) -> str:
    return _CONST_WORD.sub(lambda _m: f" {_CONST_TEX} ", side)


def _names_of(math: str) -> list[str]:
    """The derive names an inline formula lists (``y_1``, ``\\mathbf w, b``); [] when unreadable."""
    out: list[str] = []
    for raw in math.strip("$ ").split(","):
        part = raw.strip()
        if not part:
            continue
        try:
            out.append(name_of(part))
        except DeriveError:
            return []
    return out


def stated_variables(doc: str, start: int, end: int, reach: int = 400) -> tuple[list[str], str] | None:
    """(names, the words) the text names as what the constant of a display does not depend on, in the
    sentence before the display (from ``start``) or the first sentence after it (from ``end``)."""
    before = doc[max(0, start - reach) : start]
    cut = max(before.rfind(". "), before.rfind(".\n"), before.rfind("\n\n"))
    after = doc[end : end + reach]
    stop = re.search(r"\.\s+(?=[A-Z])|\n\s*\n", after)  # not at "w.r.t. $\\theta$"
    for text in (after[: stop.start()] if stop else after, before[cut + 1 :]):
        if not _ABOUT_CONSTANT.search(text):
            continue  # "Let $g$ not depend on $y$": about something else
        for m in _STATED.finditer(text):
            names = [n for math in re.findall(r"\$([^$]+)\$", m.group("m")) for n in _names_of(math)]
            if names:
                return names, " ".join(m.group(0).split())
    return None


def density_variables(first: str) -> tuple[list[str], str] | None:
    """(names, as written) of the variable of the density or function ``first`` applies: left of its
    bar or semicolon; None when it is no such application or lists what is no name (``x_1, \\dots``).
    An event ``Y_0 = k`` gives its value k."""
    parts = _density_parts(first)
    if not parts:
        return None
    names: list[str] = []
    for value in parts[1]:
        try:
            names.append(name_of(value))
        except DeriveError:
            return None
    return names, parts[0]


def density_variable_tex(first: str) -> str | None:
    """The one variable of the density ``first`` applies, as written (``\\mathbf{\\theta}``, the k of
    ``p(Y_0 = k|x)``), or None (no density, or several variables)."""
    parts = _density_parts(first)
    return parts[1][0] if parts and len(parts[1]) == 1 else None


def density_given(first: str) -> list[str]:
    """The names after the bar of the density ``first`` starts with (``\\bar p(y_1 | x)``: x), which the
    density holds given; [] when there is no bar or a name cannot be read."""
    parts = _density_parts(first)
    if parts is None:
        return []
    rest = first[first.find(parts[0]) + len(parts[0]) :].lstrip()
    bar = re.match(r"(?:\\mid(?![A-Za-z])|\\middle\s*\||\\vert(?![A-Za-z])|\|)", rest)
    if bar is None:
        return []
    depth, k = 0, bar.end()
    while k < len(rest):
        if rest[k] in "{[(":
            depth += 1
        elif rest[k] in "}])":
            if depth == 0:
                break
            depth -= 1
        k += 1
    inner = re.sub(r"\\right\s*$", "", rest[bar.end() : k]).strip()
    names: list[str] = []
    for part in _top_commas(inner):
        try:
            names.append(name_of(part))
        except DeriveError:
            return []
    return names


def _density_parts(first: str) -> tuple[str, list[str]] | None:
    """(the arguments before the bar or semicolon, each argument's value as written) of the density
    or function ``first`` starts with, or None."""
    m = _HEAD.match(first)
    if m is None:
        return None
    depth, i = 0, m.end()
    while i < len(first):
        ch = first[i]
        if ch in "{[(" and not first.startswith("\\right", i - 6):
            depth += 1
        elif ch in "}])" and depth:
            depth -= 1
        elif depth == 0 and _ARG_END.match(first, i) is not None:
            break
        i += 1
    else:
        return None
    written = first[m.end() : i].strip()
    values: list[str] = []
    for part in _top_commas(written):
        value = (part.split("=", 1)[1] if "=" in part else part).strip()
        if value.startswith("{") and value.endswith("}") and _balanced(value[1:-1]):
            value = value[1:-1]  # {\\boldsymbol{w}}: a group around the name
        values.append(value.strip())
    return (written, values) if values else None


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def _top_commas(text: str) -> list[str]:
    """The non-empty items of ``text`` split at commas outside brackets (`derive.latex.assumptions._top_commas`)."""
    return [p for p in (s.strip() for s in assumptions._top_commas(text)) if p]


def _subscripts(sides: Sequence[str]) -> list[str]:
    out: list[str] = []
    for side in sides:
        for m in _EXPECTATION.finditer(side):
            k = m.end()
            if k < len(side) and side[k] == "{":
                depth, j = 0, k
                while j < len(side):
                    depth += {"{": 1, "}": -1}.get(side[j], 0)
                    if depth == 0:
                        break
                    j += 1
                out.append(side[k + 1 : j])
            else:
                out.append(side[k : k + 1])
    return out


def expectation_names(sides: Sequence[str]) -> set[str] | None:
    """Every name an expectation's subscript in ``sides`` mentions (``E_{q_2(y_2|x)}``: y_2 and x, which
    a renaming inside would separate from the law); None when a subscript cannot be read."""
    out: set[str] = set()
    for sub in _subscripts(sides):
        found = names_in(sub)
        if found is None or found[1]:
            return None
        out |= set(found[0])
    return out


def integrated_names(sides: Sequence[str]) -> set[str] | None:
    """The names the expectations of ``sides`` integrate over, when every expectation says which in its
    subscript (``E_{q_2(y_2|x)}``: y_2; ``E_{x \\sim p}``: x); None when one does not (``E[x]``, ``E_q``)."""
    text = " ".join(sides)
    if len(_ANY_EXPECTATION.findall(text)) != len(_subscripts(sides)):
        return None
    out: set[str] = set()
    for sub in _subscripts(sides):
        m = re.search(r"\(\s*(?P<in>[^()|]*?)\s*(?:\||\\mid(?![A-Za-z]))", sub) or re.match(
            r"\s*(?P<in>[^~]*?)\s*\\sim(?![A-Za-z])", sub
        )
        found = names_in(m.group("in")) if m else None
        if found is None or found[1] or not found[0]:
            return None
        out |= set(found[0])
    return out


@dataclass(frozen=True)
class UpTo:
    """How a step with the constant idiom is checked: its claim's two sides, the names it adds to the
    symbols (the constants and V'), the random names it reads as values, and what the report says."""

    lhs: str
    rhs: str
    symbols: dict[str, str] = field(default_factory=dict)
    values: tuple[str, ...] = ()  # names read as values, never random (V and V', what no expectation integrates)
    certain: bool = False  # a refutation stands (V named by the text, or the only name)
    note: str = ""
    #: "variable" (renaming V), "every" (renaming every name) or "zero" (lhs - rhs without the constants is 0)
    mode: str = "variable"
    #: the definitions (as their targets are written) not applied: names the density holds given
    held: tuple[str, ...] = ()


def _wrap(side: str, items: Sequence[str]) -> str:
    return f"\\left. {side} \\right|_{{{', '.join(items)}}}" if items else side


def affine_in(expr: Any, c: Any, variables: set[Any]) -> bool:
    """Whether ``expr`` is a + b c with b free of c and of ``variables`` (b may be 0): sums, products
    with one factor holding c, and expectations (undefined functions named E...) of such, whose
    coefficient of c inside must be a number (E_q[a + 2c] = E_q[a] + 2c under a normalised law)."""
    import sympy  # noqa: PLC0415
    from sympy.core.function import AppliedUndef  # noqa: PLC0415

    if c not in expr.free_symbols:
        return True
    if expr == c:
        return True
    if isinstance(expr, sympy.Add):
        return all(affine_in(a, c, variables) for a in expr.args)
    if isinstance(expr, sympy.Mul):
        holding = [a for a in expr.args if c in a.free_symbols]
        rest = [a for a in expr.args if c not in a.free_symbols]
        return (
            len(holding) == 1
            and not any(a.free_symbols & variables for a in rest)
            and affine_in(holding[0], c, variables)
        )
    if isinstance(expr, AppliedUndef) and str(expr.func).startswith("E") and len(expr.args) == 1:
        if sympy.count_ops(expr.args[0]) > _AFFINE_OPS:
            return False  # (a + b c)^40 under E: not expanded here
        inner = sympy.expand(expr.args[0])
        coefficient = inner.coeff(c)
        return coefficient.is_number and affine_in(inner, c, set()) and (inner - coefficient * c).has(c) is False
    return False


def up_to_constant(
    lhs: str,
    rhs: str,
    *,
    items: list[str],
    symbols: Mapping[str, str],
    random: Mapping[str, Any],
    stated: tuple[list[str], str] | None,
    density: tuple[list[str], str] | None,
    given: Sequence[str] = (),
) -> UpTo | str | None:
    """The claim that checks ``lhs = rhs`` "up to a term not depending on V", or why it cannot be
    checked (a string), or None when the step has no constant of the idiom. ``stated`` and ``density``
    are what `stated_variables` and `density_variables` found; ``items`` the evaluation-bar items the
    step is read under (definitions ``n := body`` and values); ``given`` the names the chain's density
    holds given (``\\bar p(y_1|x)``: x), whose definitions through V (x := y_1 + y_2 + n) are not applied
    in V: V varies with them held."""
    import sympy  # noqa: PLC0415

    if not (const_count(lhs) or const_count(rhs)):
        return None
    if CONST_NAME in symbols:
        return None  # a declared const is an ordinary name
    if len(lhs) + len(rhs) > _LIMIT:
        return "its sides are too long to read here"
    if any("\\in" in it for it in items):
        return "it is read under a finite set of values"  # y \\in \\{0, 1\\}: each value, not a variable to rename
    left, right = _with_const_name(lhs), _with_const_name(rhs)
    try:
        table = SymbolTable({**symbols, CONST_NAME: "real"})
    except DeriveError:
        return "a declaration cannot be read here (a size written as a letter)"
    parsed = _read_sides(left, right, items, table)
    if isinstance(parsed, str):
        return parsed
    free = {str(s) for e in parsed for s in e.free_symbols} - {CONST_NAME}
    difference = f"\\left({left}\\right) - \\left({right}\\right)"
    zero = [*items, f"{_CONST_TEX} := 0"]
    listed = [(*m, sure) for m, sure in ((stated, True), (density, False)) if m is not None]
    bound = expectation_names((lhs, rhs))
    integrated = integrated_names((lhs, rhs))
    defined = {it.split(":=", 1)[0].strip() for it in items if ":=" in it}
    binders = any(_BINDER.search(t) for t in (lhs, rhs, *items)) or any(
        e.atoms(sympy.Indexed, sympy.Sum, sympy.Integral, sympy.Product, sympy.Derivative) for e in parsed
    )
    for names, said, certain in listed:
        held = [it for it in items if _through(it, given, names)]
        kept = [it for it in items if it not in held]
        own_free = free
        if held:
            try:
                own_free = {
                    str(x) for side in (left, right) for x in parse_latex(_wrap(side, kept), table).free_symbols
                } - {CONST_NAME}
            except (DeriveError, RecursionError, MemoryError, TypeError, ValueError, AttributeError):
                continue
        renamed = _renaming(
            names,
            symbols=symbols,
            free=own_free,
            bound=bound,
            defined={it.split(":=", 1)[0].strip() for it in kept if ":=" in it},
            bodies=" ".join(it.split(":=", 1)[1] for it in kept if ":=" in it),
            binders=binders,
        )
        if renamed is None:
            continue
        pairs, extra = renamed
        where = f"'{said}' in the text" if certain else f"the chain starts with a density or function of {said}"
        shown = ", ".join(names)
        note = (
            f"up to terms not depending on {shown} ({where}): lhs - rhs with every constant set to 0 "
            f"checked to be the same at {shown} and at {', '.join(n + chr(39) for n in names)}"
        )
        if held:
            note += f", with {', '.join(it.split(':=', 1)[0].strip() for it in held)} held given (not substituted)"
        own_zero = [*kept, f"{_CONST_TEX} := 0"]
        return UpTo(
            _wrap(difference, own_zero),
            _wrap(difference, [*own_zero, *pairs]),
            {**extra, CONST_NAME: "real"},
            _values(names, extra, own_free, integrated),
            certain,
            note,
            "variable",
            tuple(it.split(":=", 1)[0].strip() for it in held),
        )
    # no variable derive may rename: free of every name (true under every reading), or D = 0
    loose = sorted(free - set(random))
    if loose and not binders and bound is not None and not (bound & set(loose)) and not (free & set(random)):
        renamed = _renaming(loose, symbols=symbols, free=free, bound=bound, defined=set(), bodies="", binders=binders)
        if renamed is not None:
            pairs, extra = renamed
            note = (
                "up to an additive constant: lhs - rhs with every constant set to 0 checked to be the same when "
                f"every name ({', '.join(loose)}) takes another value"
            )
            return UpTo(
                _wrap(difference, zero),
                _wrap(difference, [*zero, *pairs]),
                {**extra, CONST_NAME: "real"},
                (),
                len(loose) == 1 and not defined,
                note,
                "every",
            )
    note = "up to an additive constant: checked that lhs - rhs with every constant set to 0 is 0"
    return UpTo(_wrap(difference, zero), "0", {CONST_NAME: "real"}, (), False, note, "zero")


def _read_sides(left: str, right: str, items: list[str], table: SymbolTable) -> list[Any] | str:
    """Both sides parsed with every constant a name, or why not: unreadable, not scalars, or a constant
    that is not a term of its side (`affine_in`)."""
    import sympy  # noqa: PLC0415

    try:
        parsed = [parse_latex(_wrap(side, items), table) for side in (left, right)]
    except (DeriveError, RecursionError, MemoryError, TypeError, ValueError, AttributeError, NotImplementedError):
        return "derive cannot read its sides with the constant as a term"
    if any(isinstance(e, (sympy.MatrixBase, sympy.MatrixExpr)) for e in parsed):
        return "its sides are not scalars"
    c = sympy.Symbol(CONST_NAME, real=True)
    others = {s for e in parsed for s in e.free_symbols if str(s) != CONST_NAME}
    try:
        affine = all(affine_in(e, c, others) for e in parsed)
    except (RecursionError, MemoryError, TypeError, ValueError, AttributeError, NotImplementedError):
        affine = False
    if not affine:
        return "a constant is not a term of its side (it sits inside a function or multiplies a variable)"
    return parsed


def _through(item: str, given: Sequence[str], names: Sequence[str]) -> bool:
    """Whether ``item`` defines a name the density holds given through one of ``names``."""
    if ":=" not in item:
        return False
    target, body = item.split(":=", 1)
    try:
        held = name_of(target.strip())
    except DeriveError:
        return False
    found = names_in(body)
    return held in given and (found is None or bool(set(found[0]) & set(names)))


def _values(
    names: Sequence[str], fresh: Mapping[str, str], free: set[str], integrated: set[str] | None
) -> tuple[str, ...]:
    """The names the claim holds as values: V and V' (the claim is about each value of V), and where
    every expectation names what it integrates (``E_{q_2(y_2|x)}``), every other name (x: a value there)."""
    held = set(names) | set(fresh)
    if integrated is not None:
        held |= free - integrated
    return tuple(sorted(held))


def _renaming(
    names: Sequence[str],
    *,
    symbols: Mapping[str, str],
    free: set[str],
    bound: set[str] | None,
    defined: set[str],
    bodies: str,
    binders: bool,
) -> tuple[list[str], dict[str, str]] | None:
    """The bar items ``v := v'`` and the kinds of the fresh names for renaming ``names``, or None when
    one may not be renamed (defined, used by a definition, in an expectation's subscript, under a
    binder) or its fresh name is taken."""
    if bound is None or (binders and any(n in free for n in names)):
        return None
    pairs: list[str] = []
    extra: dict[str, str] = {}
    for n in names:
        tex = latex_of_name(n)
        if tex in defined or n in bound or (bodies and n in (names_in(bodies) or ((n,), ()))[0]):
            return None
        fresh = f"{n}_prime"
        if fresh in free or fresh in symbols:
            return None
        try:
            kind = parse_kind(symbols.get(n, "real"))
        except DeriveError:
            return None
        if kind.is_matrix:
            return None
        pairs.append(f"{tex} := {tex}'")
        extra[fresh] = symbols.get(n, "real")
    return pairs, extra


#: Densities and probabilities the probability calculus reads (`derive.tiers._probability`).
PROBABILITY_NAMES = frozenset({"P", "p", "q", "Q", "Pr", "Prob"})
_PROBABILITY = PROBABILITY_NAMES - {"Q"}
_ARGUMENTS = frozenset({"given", "parameters", "event", "event_and"})


def proportional_by_probability(
    lhs: str, rhs: str, *, written: str, items: list[str], symbols: Mapping[str, str]
) -> tuple[str, str, dict[str, str], str] | str | None:
    """``p(\\theta|D) \\propto p(D|\\theta) p(\\theta)``: the claim that lhs/rhs is the same at the variable
    and at a fresh value of it (the probability calculus proves it for every law: the ratio is 1/p(D)),
    with the fresh name's kind and a note; why it cannot be checked; or None when the sides are not
    probabilities alone (another route reads them).

    The ratio is positive because each side is a product of powers of probabilities or densities (each
    positive where its conditioning events have positive probability, as the calculus assumes) and
    positive numbers; anything else (a minus sign, a function derive does not know) leaves the step to
    the other routes."""
    import sympy  # noqa: PLC0415
    from sympy.core.function import AppliedUndef  # noqa: PLC0415

    try:
        name = name_of(written)
        table = SymbolTable(dict(symbols))
        sides = [parse_latex(_wrap(side, items), table) for side in (lhs, rhs)]
    except (DeriveError, RecursionError, MemoryError, TypeError, ValueError, AttributeError, NotImplementedError):
        return None
    if any(isinstance(e, (sympy.MatrixBase, sympy.MatrixExpr)) for e in sides):
        return None
    apps = [a for e in sides for a in e.atoms(AppliedUndef)]
    probabilities = [a for a in apps if str(a.func) in _PROBABILITY]
    if not probabilities or any(str(a.func) not in _PROBABILITY | _ARGUMENTS for a in apps):
        return None
    if not all(_probability_product(e) for e in sides):
        return None
    fresh = f"{name}_prime"
    mentioned = {str(s) for e in sides for s in e.free_symbols}
    if name not in mentioned:
        return f"neither side depends on {written}"
    if fresh in mentioned or fresh in symbols:
        return None
    ratio = f"\\frac{{{lhs}}}{{{rhs}}}"
    note = (
        f"\\propto in {written}: checked that left side / right side is the same at {written} and at {written}', "
        "a ratio of probabilities and positive numbers, so positive"
    )
    other = f"{written} := {written}'"
    return _wrap(ratio, items), _wrap(ratio, [*items, other]), {fresh: symbols.get(name, "real")}, note


def _probability_product(e: Any) -> bool:
    """Whether ``e`` is a product of powers of probability applications and positive numbers."""
    import sympy  # noqa: PLC0415
    from sympy.core.function import AppliedUndef  # noqa: PLC0415

    if isinstance(e, AppliedUndef):
        return str(e.func) in _PROBABILITY
    if isinstance(e, sympy.Mul):
        return all(_probability_product(f) for f in e.args)
    if isinstance(e, sympy.Pow):
        return e.exp.is_real is True and _probability_product(e.base)
    return e.is_number is True and e.is_positive is True
