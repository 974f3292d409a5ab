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
