"""A value the words say was found by setting a derivative to zero, or by solving an equation (attacker K29b).

"Setting the derivative of $\\theta^2 - 2a\\theta$ to zero, we get $$\\theta = 2a$$": a formula in other names after a
result word stays a definition (``\\hat\\mu = \\frac1n \\sum_i x_i`` is what the text works with), but here the
sentence says how the value was found, and derive can read that: the derivative of the function named, with
respect to the name solved for, at the value, is 2a, not 0. A wrong conclusion is then no definition a later step
may rest on (`derive.latex.results_concluded`: "holds if θ = 2a, as concluded"), and the reason says why.

`stationary_check` reads the last sentence before a display:

- "setting the (partial) derivative of $F$ (with respect to $\\theta$) (equal) to zero", "differentiating $F$
  (with respect to $\\theta$) and setting it / the result / the derivative to zero": F' at the value;
- "setting $G$ (equal) to zero", "setting $G = 0$", "solving $G = H$ (for $\\theta$)": G (or G - H) at the value.

Only these: a minimiser in words ("minimising $F$") may sit at a boundary or a kink, where no derivative vanishes.
The value refutes the premise only where the difference is provably not identically zero: it is nonzero at an exact
point of the other names (exact rationals, `derive.latex.solving._zero`). A premise derive cannot read, a
derivative with respect to another name, or a value that satisfies it, changes nothing.
"""

from __future__ import annotations

import re
from typing import Any

from derive.errors import DeriveError
from derive.language.symbols import SymbolTable

__all__ = ["stationary_check"]

_MATH = r"\$(?P<{0}>[^$]{{1,300}})\$"
_ZERO = r"\s*(?:equal\s+)?to\s+(?:zero|0|\$\s*0\s*\$)"


def _wrt(group: str) -> str:
    return r"(?:\s*,?\s*(?:with\s+respect\s+to|w\.r\.t\.?|wrt)\s+" + _MATH.format(group) + r")?"


_DERIVATIVE = re.compile(
    r"\bsetting\s+(?:the\s+|its\s+)?(?:partial\s+)?derivatives?\s+of\s+" + _MATH.format("f") + _wrt("wrt") + _ZERO,
    re.IGNORECASE,
)
_DIFFERENTIATING = re.compile(
    r"\bdifferentiating\s+" + _MATH.format("f") + _wrt("wrt")
    + r"\s*(?:,\s*)?and\s+setting\s+(?:it|this|the\s+result|the\s+derivative|that)" + _ZERO,
    re.IGNORECASE,
)  # fmt: skip
_EQUATION = re.compile(
    r"\b(?:setting\s+" + _MATH.format("g") + _ZERO
    + r"|setting\s+\$(?P<z>[^$=]{1,300}=\s*0\s*)\$"
    + r"|solving\s+" + _MATH.format("h") + r"(?:\s+for\s+\$(?P<for>[^$]{1,60})\$)?)",
    re.IGNORECASE,
)  # fmt: skip
_SENTENCE_END = re.compile(r"[.!?;](?:\s|$)|\n\s*\n")
#: Exact points for the other names: a value that fails at one of them is not the premise's solution.
_POINTS = ("1", "2", "1/3", "-3/2", "5/7")
_SECONDS = 2.0
_LIMIT = 300


def stationary_check(before: str, lhs: str, rhs: str, *, everywhere: bool = False) -> str | None:
    """Why the value ``lhs = rhs`` displayed after ``before`` (the text up to the display) does not satisfy what
    the last sentence of ``before`` says it was found by (see the module), or None: it does, or derive cannot
    read or tell. With ``everywhere``, only a value that misses at every exact point tried (of either sign: any
    kind the other names may have) counts, as a refutation of the display needs."""
    sentence = _last_sentence(before)
    if not sentence or len(lhs) > 80 or len(rhs) > _LIMIT:
        return None
    d = _DERIVATIVE.search(sentence) or _DIFFERENTIATING.search(sentence)
    e = _EQUATION.search(sentence) if d is None else None
    if d is None and e is None:
        return None
    from derive.tiers.symbolic import bounded  # noqa: PLC0415 - sympy only when the words say how

    try:
        found = bounded(lambda: _check(d, e, lhs, rhs, everywhere=everywhere), _SECONDS)
    except (DeriveError, RecursionError, MemoryError, TypeError, ValueError, AttributeError, NotImplementedError):
        return None
    return found if isinstance(found, str) else None


def _last_sentence(before: str) -> str:
    tail = before[-600:]
    masked = re.sub(r"\$[^$]*\$", lambda m: "x" * len(m.group()), tail)
    ends = list(_SENTENCE_END.finditer(masked.rstrip()))
    return tail[ends[-1].end() :] if ends else tail


def _check(d: re.Match[str] | None, e: re.Match[str] | None, lhs: str, rhs: str, *, everywhere: bool) -> str | None:
    import sympy  # noqa: PLC0415

    table = SymbolTable({})
    name = _read(lhs, table)
    value = _read(rhs, table)
    if not isinstance(name, sympy.Symbol) or value is None or name in value.free_symbols:
        return None
    if d is not None:
        f = _read(d.group("f"), table)
        wrt = d.group("wrt")
        if f is None or name not in f.free_symbols or (wrt is not None and _read(wrt, table) != name):
            return None
        g = sympy.diff(f, name)
        what = f"the derivative of {d.group('f').strip()} with respect to {lhs.strip()}"
    else:
        assert e is not None
        written = e.group("g") or e.group("z") or e.group("h")
        sides = written.split("=")
        if len(sides) > 2 or (e.group("for") is not None and _read(e.group("for"), table) != name):
            return None
        a = _read(sides[0], table)
        b = _read(sides[1], table) if len(sides) == 2 else sympy.Integer(0)
        if a is None or b is None:
            return None
        g = a - b
        if name not in g.free_symbols:
            return None
        what = f"{written.strip()}" if len(sides) == 2 else f"{written.strip()} = 0"
    if _opaque(g) or _opaque(value):
        return None
    at = sympy.expand(g.subs(name, value))
    return _nonzero_at(at, what, lhs, rhs, everywhere=everywhere)


def _nonzero_at(at: Any, what: str, lhs: str, rhs: str, *, everywhere: bool) -> str | None:
    """The reason ``at`` (the premise at the value) shows the value wrong: it is nonzero at an exact point (with
    ``everywhere``: at each point tried where it is defined, at least two of them)."""
    import sympy  # noqa: PLC0415

    from derive.latex.solving import _zero  # noqa: PLC0415

    others = sorted(at.free_symbols, key=sympy.default_sort_key)
    if len(others) > 4:
        return None
    first: tuple[Any, str] | None = None
    tried = 0
    for k in range(len(_POINTS)):
        point = {s: sympy.Rational(_POINTS[(k + j) % len(_POINTS)]) for j, s in enumerate(others)}
        there = at.xreplace(point)
        if there.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
            continue
        tried += 1
        nonzero = _zero(there) is False
        if nonzero and first is None:
            shown = ", ".join(f"{s} = {point[s]}" for s in others)
            first = (there, f" at {shown}" if shown else "")
        if not everywhere and first is not None:
            break
        if everywhere and not nonzero:
            return None
        if not others:
            break
    if first is None or (everywhere and others and tried < 2):
        return None
    there, where = first
    return (
        f"{lhs.strip()} = {rhs.strip()} does not satisfy what the words say it was found by: {what} at "
        f"{lhs.strip()} = {rhs.strip()} is {sympy.latex(at)}, not 0 ({sympy.latex(there)}{where})"
    )


def _read(tex: str, table: SymbolTable) -> Any | None:
    import sympy  # noqa: PLC0415

    from derive.latex.parser import parse_latex  # noqa: PLC0415 - the parser imports the package

    if not tex.strip() or len(tex) > _LIMIT:
        return None
    try:
        out = parse_latex(tex.strip(), table)
    except (DeriveError, RecursionError, TypeError, ValueError, AttributeError, NotImplementedError):
        return None
    if not isinstance(out, sympy.Expr) or out.is_Matrix or out.atoms(sympy.MatrixSymbol):
        return None
    return out


def _opaque(e: Any) -> bool:
    from derive.latex.solving import _opaque as opaque  # noqa: PLC0415

    return opaque(e)
