"""``\\begin{cases}`` read as a piecewise value: pmfs, indicators, ReLU-like definitions.

Each row is ``value & condition``; a condition is a chain of comparisons (``x = 1``, ``0 < x \\leq 1``,
``x \\neq 2``), optionally after ``\\text{if }`` / ``\\text{for }`` / ``\\text{when }``, or the last row's
``\\text{otherwise}`` (``else``, ``elsewhere``). The value is sympy's ``Piecewise`` of the rows.

Read only where no reading is guessed: every condition in one real variable (the same for all rows),
no two conditions that meet where their values differ (``x \\geq 0`` and ``x \\leq 0`` meet at 0, where
``x`` and ``-x`` agree), and, where the rows do not cover every real number and no row says
otherwise, an unknown value outside them (never 0: ``p(2)`` of a pmf given at 0 and 1 stays undecided).
Conditions in words (``x`` even), on sets (``j \\in J``), on several variables, or cases of matrices
are not read, saying why.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import sympy
from sympy import S

from derive.latex.grammar_linear import _is_matrix, _scalar

if TYPE_CHECKING:
    from derive.latex.parser import _Parser
    from derive.latex.tokens import _Tok

_OTHERWISE = frozenset({"otherwise", "else", "elsewhere"})
_LEAD_WORDS = frozenset({"if", "for", "when", "where"})
_TEXT_CMDS = frozenset({"text", "textrm", "mathrm", "mbox", "textit", "operatorname"})
_RELATIONS = {
    "=": sympy.Eq,
    "<": sympy.Lt,
    ">": sympy.Gt,
    "<=": sympy.Le,
    ">=": sympy.Ge,
    "!=": sympy.Ne,
    "le": sympy.Le,
    "leq": sympy.Le,
    "leqslant": sympy.Le,
    "ge": sympy.Ge,
    "geq": sympy.Ge,
    "geqslant": sympy.Ge,
    "lt": sympy.Lt,
    "gt": sympy.Gt,
    "ne": sympy.Ne,
    "neq": sympy.Ne,
}
_MAX_ROWS = 12


def _split(toks: list[_Tok], sep: str, kinds: tuple[str, ...] = ("sym",)) -> list[list[_Tok]]:
    """``toks`` split at top-level separators ``sep`` (braces and brackets nest)."""
    out: list[list[_Tok]] = [[]]
    depth = 0
    for t in toks:
        if t.kind == "sym" and t.text in "{([":
            depth += 1
        elif t.kind == "sym" and t.text in "})]":
            depth -= 1
        if depth == 0 and t.kind in kinds and t.text == sep:
            out.append([])
            continue
        out[-1].append(t)
    return out


def _strip_punctuation(toks: list[_Tok]) -> list[_Tok]:
    while toks and toks[-1].kind == "sym" and toks[-1].text in (",", ".", ";"):
        toks = toks[:-1]
    while toks and toks[0].kind == "cmd" and toks[0].text in ("quad", "qquad", ",", ";", " "):
        toks = toks[1:]
    return toks


def _text_words(toks: list[_Tok]) -> tuple[str, int] | None:
    """The word of a leading ``\\text{...}`` group and the number of its tokens, or None."""
    if len(toks) < 3 or toks[0].kind != "cmd" or toks[0].text not in _TEXT_CMDS or toks[1].text != "{":
        return None
    depth, k = 0, 1
    for k in range(1, len(toks)):
        depth += {"{": 1, "}": -1}.get(toks[k].text, 0) if toks[k].kind == "sym" else 0
        if depth == 0:
            break
    inner = [t for t in toks[2:k] if not (t.kind == "sym" and t.text in ",.;:")]
    if any(t.kind not in ("letter", "word") for t in inner):
        return None
    return "".join(t.text for t in inner).strip().lower(), k + 1


def _condition(p: _Parser, toks: list[_Tok], last: bool) -> Any:
    """A row's condition: a sympy relation (or And of a chain), ``True`` for otherwise."""
    toks = _strip_punctuation(toks)
    lead = _text_words(toks)
    if lead is not None:
        word, used = lead
        if word in _OTHERWISE and used == len(toks):
            if not last:
                raise p.fail("\\text{otherwise} before the last case")
            return S.true
        if word not in _LEAD_WORDS:
            raise p.fail(f"a case's condition in words ({word!r}); derive reads comparisons (x > 0, x = 1)")
        toks = toks[used:]
    if not toks:
        raise p.fail("a case without its condition")
    parts: list[list[_Tok]] = [[]]
    ops: list[Any] = []
    for t in toks:
        if (t.kind == "sym" and t.text in _RELATIONS) or (t.kind == "cmd" and t.text in _RELATIONS):
            ops.append(_RELATIONS[t.text])
            parts.append([])
        else:
            parts[-1].append(t)
    if not ops or any(not part for part in parts):
        raise p.fail(f"a case's condition that is no comparison ({p._src(toks)})")
    values = [_scalar(p.sub(part).parse_all()) for part in parts]
    if any(_is_matrix(v) for v in values):
        raise p.fail("a case's condition between matrices")
    relations = [op(a, b) for op, a, b in zip(ops, values, values[1:], strict=False)]
    return sympy.And(*relations)


def _variable(p: _Parser, conditions: list[Any]) -> Any:
    free = set().union(*(c.free_symbols for c in conditions if c is not S.true))
    if len(free) != 1:
        raise p.fail(
            "cases whose conditions are on several variables or none; derive reads conditions on one real variable"
        )
    return next(iter(free))


def _linear(condition: Any, x: Any) -> bool:
    """Whether every comparison of ``condition`` is between expressions linear in ``x`` with number coefficients."""
    if condition is S.true:
        return True
    relations = condition.args if isinstance(condition, sympy.And) else (condition,)
    for rel in relations:
        if not isinstance(rel, sympy.core.relational.Relational):
            return False
        diff = rel.lhs - rel.rhs
        if diff.free_symbols - {x}:
            return False
        try:
            poly = sympy.Poly(diff, x)
        except sympy.PolynomialError:
            return False
        if poly.degree() > 1 or not all(c.is_number and c.is_real for c in poly.all_coeffs()):
            return False
    return True


def _agree(meet: Any, a: Any, b: Any, x: Any) -> bool:
    """Whether two rows agree where their conditions meet (``otherwise`` is what no row before it covers)."""
    if meet is S.EmptySet:
        return True
    if not isinstance(meet, sympy.FiniteSet):
        return False
    return all(sympy.expand(a.subs(x, v) - b.subs(x, v)) == 0 for v in meet)


def read_cases(p: _Parser, body: list[_Tok]) -> Any:
    """The ``cases`` environment whose body is ``body``, as a ``Piecewise`` (see the module's docstring)."""
    rows = [r for r in _split(body, "\\", ("cmd",)) if r]
    rows = [r for row in rows for r in _split(row, "cr", ("cmd",)) if r]
    if not rows or len(rows) > _MAX_ROWS:
        raise p.fail(f"cases with {len(rows)} rows")
    values, conditions = [], []
    for k, row in enumerate(rows):
        cells = _split(row, "&")
        if len(cells) != 2:
            raise p.fail("a case that is not 'value & condition'")
        value = _scalar(p.sub(_strip_punctuation(cells[0])).parse_all())
        if _is_matrix(value):
            raise p.fail("cases whose values are matrices")
        values.append(value)
        conditions.append(_condition(p, cells[1], k == len(rows) - 1))
    if all(c is S.true for c in conditions):
        raise p.fail("cases without a condition")
    x = _variable(p, conditions)
    if getattr(x, "is_real", None) is False or not all(_linear(c, x) for c in conditions):
        # solving other conditions (x^3 > sin x) while reading would run outside any time budget
        raise p.fail("cases on a variable that is not real, or conditions not linear in it (x > 0, 0 < 2x + 1 <= 3)")
    try:
        sets = [S.Reals if c is S.true else c.as_set() for c in conditions]
        clash = any(
            conditions[j] is not S.true and not _agree(sets[i].intersect(sets[j]), values[i], values[j], x)
            for i, j in itertools.combinations(range(len(sets)), 2)
        )
        covered = sympy.Union(*sets)
    except (TypeError, NotImplementedError, ValueError, AttributeError) as exc:
        raise p.fail(f"cases whose conditions derive cannot compare ({type(exc).__name__})") from exc
    if clash:
        raise p.fail("cases whose conditions meet where their values differ: the text does not say which holds")
    pieces = list(zip(values, conditions, strict=True))
    if covered != S.Reals:
        # outside every row: no value the text gives, never 0
        pieces.append((sympy.Function("cases_outside")(x), S.true))
    return sympy.Piecewise(*pieces)
