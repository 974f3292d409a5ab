"""Names in LaTeX fragments: the derive name of a LaTeX name and back, names a fragment mentions,
definition targets, transposed names and identity sizes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from derive.errors import DeriveError
from derive.language.symbols import SymbolTable
from derive.latex.grammar_expressions import _read_name
from derive.latex.parser import _name_parser, _Parser, name_of
from derive.latex.prob_densities import _BISHOP_DENSITIES
from derive.latex.state import _END, _State
from derive.latex.tokens import _ACCENTS, _DISTS, _FONTS, _GREEK, _KL_NAMES, _OPERATOR_NAMES, _tokenize

if TYPE_CHECKING:
    from derive.latex.tokens import _Tok

# name_of reads with the parser and lives there (names.py imports the parser); kept importable from here
__all__ = [
    "definition_target",
    "identity_sizes",
    "latex_of_name",
    "mentions",
    "name_of",
    "names_in",
    "transposed_names",
]


def latex_of_name(name: str) -> str:
    """LaTeX that `name_of` reads back as ``name`` (``mu_1`` -> ``\\mu_{1}``)."""
    base, _, rest = name.partition("_")
    head = f"\\{base}" if base in _GREEK else base if len(base) == 1 else f"\\mathrm{{{base}}}"
    return f"{head}_{{{rest}}}" if rest else head


_NOT_DEFINABLE = frozenset(
    {
        "e",
        "E",
        "pi",
        "sigma",
        "sigma_prime",
        "Gamma",
        "delta",
        "nabla",
        *_KL_NAMES,
        *_DISTS,
        *_BISHOP_DENSITIES,
        *_OPERATOR_NAMES.values(),
    }
)


def definition_target(tex: str) -> tuple[str, bool] | None:
    """What ``tex = ...`` would define: (name, True) for a bare name such as ``z``,
    ``\\hat{x}``, ``D^*``, (name, False) for an unknown function applied to names such as
    ``f(x)``, ``\\mathcal{L}_{MLE}(\\theta)``; None for anything else (expressions, known
    operators such as ``D_{KL}(p||q)``, ``\\sigma(a)``, ``E_p[...]``).

    >>> definition_target(r"\\hat{x}"), definition_target("f(x)"), definition_target("2x")
    (('x_hat', True), ('f', False), None)
    """
    try:
        p = _name_parser(tex)
        if p.peek().kind == "cmd" and p.peek().text in ("mathbb", "operatorname", "mathop"):
            return None
        base = p.peek().text
        name = _read_name(p)
        if name in _NOT_DEFINABLE or (base == "I" and name.startswith("I_")):
            return None
        if p.peek().kind == "end":
            return name, True
        if not p.at_sym("(") or not p.is_function(base, name):
            return None
        args = p.balanced("(", ")")
        if p.peek().kind != "end" or not args:
            return None
        q = p.sub(args)
        while True:
            _read_name(q)
            if q.peek().kind == "end":
                return name, False
            if not q.at_sym(",", "|"):
                return None
            q.i += 1
    except (DeriveError, RecursionError):
        return None


def names_in(tex: str) -> tuple[frozenset[str], frozenset[str]] | None:
    """The names ``tex`` reads as the parser would, and the tokens that start names it could
    not read (``E_{x \\sim p}``); None when ``tex`` cannot even be tokenized."""
    try:
        toks = _tokenize(tex)
    except DeriveError:
        return None
    names: set[str] = set()
    unsure: set[str] = set()
    for j, _p, name in _each_name(tex, toks, _GREEK | _FONTS | set(_ACCENTS), _read_name):
        if name is None:
            unsure.update(u.text for u in toks[j : j + 4])
        else:
            names.add(name)
    return frozenset(names), frozenset(unsure)


#: Accents a bold name may wear (\\hat{\\mathbf{w}}); \\vec itself marks a vector.
_ACCENT_MARKS = frozenset(_ACCENTS) - {"vec"}


def name_marks(tex: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]] | None:
    """(the names ``tex`` writes in bold, ``\\mathbf{x}``, ``\\boldsymbol{\\mu}_k``, or with an arrow, ``\\vec{x}``;
    the names it writes inside a norm ``\\|...\\|``; the names it writes as numbers: raised to a number,
    ``\\sigma^2``, ``\\lambda^{-1}`` excepted, or in a denominator that multiplies no vectors, ``\\frac{n}{2 s}``),
    as `names_in` reads them; None when ``tex`` cannot be tokenized. What the shapes of undeclared names
    may be follows from these marks (`derive.latex.shapes`)."""
    try:
        toks = _tokenize(tex)
    except DeriveError:
        return None
    bars = [k for k, t in enumerate(toks) if t.kind == "sym" and t.text == "‖"]
    spans = list(zip(bars[::2], bars[1::2], strict=False))  # every second bar closes a norm
    below = _plain_denominators(toks)
    bold: set[str] = set()
    normed: set[str] = set()
    numbers: set[str] = set()
    for j, p, name in _each_name(tex, toks, _GREEK | _FONTS | set(_ACCENTS), _read_name):
        if name is None:
            continue
        if any(lo <= j < hi for lo, hi in below) or _numeric_power(toks, p.i) or _trig_argument(toks, j, p.i):
            numbers.add(name)
        k = j
        while k < len(toks) - 1 and (toks[k].text == "{" or (toks[k].kind == "cmd" and toks[k].text in _ACCENT_MARKS)):
            k += 1  # \hat{\mathbf{w}}: the accent over a bold name
        if toks[k].kind == "cmd" and toks[k].text in ("mathbf", "boldsymbol", "bm", "pmb", "mathbfit", "vec"):
            bold.add(name)
        if any(lo < j < hi for lo, hi in spans):
            normed.add(name)
    return frozenset(bold), frozenset(normed), frozenset(numbers)


#: What makes a product of vectors or matrices a number: a denominator holding one may divide by a dot product.
_VECTOR_MARKS = frozenset({"‖", "|", "cdot", "times", "langle", "top", "intercal", "T", "det", "operatorname"})


#: Trigonometric functions: a plain name they are applied to is an angle, a number.
_TRIG = frozenset({"sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan"})


def _trig_argument(toks: list[_Tok], start: int, end: int) -> bool:
    """Whether the name at ``toks[start:end]`` is the whole argument of a trigonometric function: ``\\cos \\theta_a``,
    ``\\sin(x)``, ``\\cos^2 \\theta`` (an angle: a number; bold names are vectors by their mark all the same)."""
    k = start - 1
    closing = None
    if k >= 0 and toks[k].kind == "sym" and toks[k].text == "(":
        k, closing = k - 1, ")"
    if k >= 1 and toks[k].kind == "num" and toks[k - 1].kind == "sym" and toks[k - 1].text == "^":
        k -= 2  # \cos^2 \theta
    if not (k >= 0 and toks[k].kind == "cmd" and toks[k].text in _TRIG):
        return False
    if closing is None:
        return True
    return end < len(toks) and toks[end].kind == "sym" and toks[end].text == closing


def _numeric_power(toks: list[_Tok], k: int) -> bool:
    """Whether ``toks[k:]`` starts ``^2``, ``^{4}``, ``^{1/2}`` (a power by a number other than -1)."""
    if not (k < len(toks) and toks[k].kind == "sym" and toks[k].text == "^"):
        return False
    group = toks[k + 1 : k + 2]
    if group and group[0].kind == "sym" and group[0].text == "{":
        end = next((m for m in range(k + 2, len(toks)) if toks[m].kind == "sym" and toks[m].text == "}"), k + 2)
        group = toks[k + 2 : end]
    texts = [t.text for t in group]
    if not group or texts in (["-", "1"], ["-1"]):
        return False
    return all(t.kind == "num" or (t.kind == "sym" and t.text in "-/") for t in group) and group[-1].kind == "num"


def _plain_denominators(toks: list[_Tok]) -> list[tuple[int, int]]:
    """The token spans of the denominators of ``\\frac`` that hold nothing a product of vectors could make a
    number of (no norm, bars, dot, transpose or determinant): a name there is divided by, so a number."""
    out: list[tuple[int, int]] = []
    for k, t in enumerate(toks):
        if t.kind != "cmd" or t.text not in ("frac", "dfrac", "tfrac"):
            continue
        numerator = _group_span(toks, k + 1)
        if numerator is None:
            continue
        denominator = _group_span(toks, numerator[1])
        if denominator is None:
            continue
        lo, hi = denominator
        if not any(u.text in _VECTOR_MARKS for u in toks[lo:hi]):
            out.append((lo, hi))
    return out


def _group_span(toks: list[_Tok], k: int) -> tuple[int, int] | None:
    """(start, end) of the ``{...}`` group or single token at ``toks[k]``, braces included."""
    if k >= len(toks):
        return None
    if not (toks[k].kind == "sym" and toks[k].text == "{"):
        return k, k + 1
    depth = 0
    for m in range(k, len(toks)):
        if toks[m].kind == "sym" and toks[m].text in ("{", "}"):
            depth += 1 if toks[m].text == "{" else -1
            if depth == 0:
                return k, m + 1
    return None


def _each_name(
    tex: str, toks: list[_Tok], starters: frozenset[str] | set[str], read: Callable[[_Parser], str]
) -> Iterator[tuple[int, _Parser, str | None]]:
    """(token index, a parser just past the name, the name) for each name ``tex`` starts; the
    name is None where ``read`` could not read one. The scan goes on right after each name, so
    names inside a bracket that follows it are found too, whatever the caller does with ``p``."""
    state = _State(table=SymbolTable(), text=tex, random={}, found={}, implicit=set())
    j = 0
    while j < len(toks):
        t = toks[j]
        if not (t.kind == "letter" or (t.kind == "cmd" and t.text in starters)):
            j += 1
            continue
        p = _Parser(toks, state)
        p.i = j
        try:
            name = read(p)
        except (DeriveError, RecursionError):
            yield j, p, None
            j += 1
            continue
        after = p.i
        yield j, p, name
        j = max(after, j + 1)


@functools.lru_cache(maxsize=1024)
def _names_of_text(tex: str) -> tuple[frozenset[str], frozenset[str]] | None:
    return names_in(tex)


def mentions(tex: str, name: str) -> bool:
    """Whether ``tex`` may use ``name`` (True when unsure: a subscript it cannot read)."""
    found = names_in(tex)
    return found is None or name in found[0] or name.split("_", 1)[0] in found[1]


def _is_transpose_mark(toks: list[_Tok], j: int) -> bool:
    """Whether ``toks[j]`` is ``^`` followed by T, ``\\top``, ``\\intercal`` or one of those in braces."""
    if not (toks[j].kind == "sym" and toks[j].text == "^") or j + 1 >= len(toks):
        return False

    def mark(t: _Tok) -> bool:
        return (t.kind == "letter" and t.text == "T") or (t.kind == "cmd" and t.text in ("top", "intercal"))

    nxt = toks[j + 1]
    if mark(nxt):
        return True
    return (
        nxt.kind == "sym"
        and nxt.text == "{"
        and j + 3 < len(toks)
        and mark(toks[j + 2])
        and toks[j + 3].kind == "sym"
        and toks[j + 3].text == "}"
    )


def transposed_names(tex: str) -> list[frozenset[str]] | None:
    """The names under each transpose of ``tex``: ``x^T`` gives {x}, ``(x - \\mu_1)^T`` gives
    {x, mu_1}, a literal matrix gives the empty set. None when ``tex`` cannot be tokenized.

    `derive.latex.context.settle` uses it to tell a step about vectors from its scalar reading.
    """
    try:
        toks = _tokenize(tex)
    except DeriveError:
        return None
    state = _State(table=SymbolTable(), text=tex, random={}, found={}, implicit=set())
    found: list[frozenset[str]] = []
    starters = _GREEK | _FONTS | set(_ACCENTS)
    opens = {")": "(", "]": "[", "}": "{", "\\}": "\\{"}
    j = 0
    while j < len(toks):
        t = toks[j]
        if t.kind == "sym" and t.text in opens and j + 1 < len(toks) and _is_transpose_mark(toks, j + 1):
            depth, k = 0, j
            while k >= 0:
                u = toks[k]
                if u.kind == "sym" and u.text in opens:
                    depth += 1
                elif u.kind == "sym" and u.text in opens.values():
                    depth -= 1
                    if depth == 0:
                        break
                k -= 1
            if k >= 1 and toks[k - 1].kind == "cmd" and toks[k - 1].text == "end":
                found.append(frozenset())  # \end{bmatrix}^T: a matrix written out
            else:
                inner = names_in(tex[toks[k].pos : t.pos + len(t.text)]) if k >= 0 else None
                found.append(inner[0] if inner is not None else frozenset())
            j += 1
            continue
        if t.kind == "letter" or (t.kind == "cmd" and t.text in starters):
            p = _Parser(toks, state)
            p.i = j
            try:
                name = _read_name(p)
            except (DeriveError, RecursionError):
                j += 1
                continue
            if p.i < len(toks) and _is_transpose_mark(toks, p.i):
                found.append(frozenset({name}))
            j = max(p.i, j + 1)
            continue
        j += 1
    return found


def identity_sizes(tex: str) -> frozenset[str]:
    """The names that size an identity matrix in ``tex``: ``I_k`` and ``I_{k}`` give {k}."""
    try:
        toks = _tokenize(tex)
    except DeriveError:
        return frozenset()
    sizes: set[str] = set()
    for j, t in enumerate(toks[:-1]):
        if t.kind == "letter" and t.text == "I" and toks[j + 1].kind == "sym" and toks[j + 1].text == "_":
            nxt = toks[j + 2] if j + 2 < len(toks) else _END
            if nxt.kind == "sym" and nxt.text == "{":
                nxt = toks[j + 3] if j + 3 < len(toks) else _END
            if nxt.kind == "letter":
                sizes.add(nxt.text)
    return frozenset(sizes)
