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

__all__ = ["keeps_definition", "stationary_check"]

_MATH = r"\$(?P<{0}>[^$]{{1,300}})\$"
#: What the derivative or expression is set to: zero, a number, inline math (``to one``, ``to $c$``).
_TARGET = (
    r"\s*(?:equal\s+)?to\s+(?:(?P<zero>zero|nought|0\b|\$\s*0\s*\$)|(?P<one>one)\b|(?P<num>-?\d+(?:\.\d+)?)\b"
    r"|\$(?P<c>[^$]{1,60})\$)"
)
_ORDINAL = r"(?:(?P<order>first|second|third)\s+)?"


def _wrt(group: str) -> str:
    return r"(?:\s*,?\s*(?:with\s+respect\s+to|w\.r\.t\.?|wrt)\s+" + _MATH.format(group) + r")?"


_DERIVATIVE = re.compile(
    r"\b(?:setting|equating)\s+(?:the\s+|its\s+)?" + _ORDINAL + r"(?:partial\s+)?derivatives?\s+of\s+"
    + _MATH.format("f") + _wrt("wrt") + _TARGET,
    re.IGNORECASE,
)  # fmt: skip
_DIFFERENTIATING = re.compile(
    r"\bdifferentiating\s+" + _MATH.format("f") + _wrt("wrt")
    + r"\s*(?:,\s*)?and\s+(?:setting|equating)\s+(?:it|this|the\s+result|the\s+derivative|that)" + _TARGET,
    re.IGNORECASE,
)  # fmt: skip
_EQUATION = re.compile(
    r"\b(?:setting\s+" + _MATH.format("g") + _TARGET
    + r"|setting\s+\$(?P<z>[^$=]{1,300}=\s*0\s*)\$"
    + r"|solving\s+" + _MATH.format("h") + r"(?:\s+for\s+\$(?P<for>[^$]{1,60})\$)?)",
    re.IGNORECASE,
)  # fmt: skip
#: Words that say a value was found from a derivative or an equation of a function the sentence writes out in math
#: ("the derivative of $F$", "solving $G = 0$"; not "setting this derivative to zero gives the MLE for $\\mu$"): where
#: derive cannot read the rest ("to its maximum", "the gradient"), the value is what the text concluded, unchecked.
_LOOSE = re.compile(
    r"\b(?:setting|equating)\s+(?:the\s+|its\s+)?(?:[a-z]+\s+)?(?:partial\s+)?(?:derivatives?|gradients?)\s+of\s+\$"
    r"|\bdifferentiating\s+\$|\bsolving\s+\$|\b(?:setting|equating)\s+\$[^$]{1,300}\$\s*(?:equal\s+)?to\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?;](?:\s|$)|\n\s*\n")
#: Exact points for the other names: a value that fails at one of them is not the premise's solution.
_POINTS = ("1", "2", "1/3", "-3/2", "5/7")
_SECONDS = 2.0
_LIMIT = 300
_ERRORS = (DeriveError, RecursionError, MemoryError, TypeError, ValueError, AttributeError, NotImplementedError)
_ORDERS = {"first": 1, "second": 2, "third": 3}


def stationary_check(before: str, lhs: str, rhs: str, *, everywhere: bool = False) -> str | None:
    """Why the value ``lhs = rhs`` displayed after ``before`` (the text up to the display) does not satisfy what
    the last sentence of ``before`` says it was found by (see the module), or None: it does, or derive cannot
    read or tell. With ``everywhere``, only a value that misses at every exact point tried (of either sign: any
    kind the other names may have) counts, as a refutation of the display needs."""
    found = _decide(before, lhs, rhs, everywhere=everywhere)
    return found if isinstance(found, str) else None


def keeps_definition(before: str, lhs: str, rhs: str) -> bool:
    """Whether the formula ``lhs = rhs`` displayed after ``before`` stays a definition: the last sentence says
    nothing of how it was found from a function it writes out, or derive shows the value satisfies what it says
    (the derivative at the value is identically 0). A value the words derive from a written function that derive
    cannot confirm ("setting the derivative of $F$ to its maximum") is a conclusion, checked nowhere."""
    return _decide(before, lhs, rhs, everywhere=False) is True


def _decide(before: str, lhs: str, rhs: str, *, everywhere: bool) -> str | bool | None:
    """True: no such words, or the value satisfies them; a reason: it does not; None: words derive cannot check."""
    sentence = _last_sentence(before)
    if not sentence or _LOOSE.search(sentence) is None:
        return True
    if len(lhs) > 80 or len(rhs) > _LIMIT:
        return None
    d = _DERIVATIVE.search(sentence) or _DIFFERENTIATING.search(sentence)
    e = _EQUATION.search(sentence) if d is None else None
    if d is None and e is None:
        return None
    from derive.tiers.symbolic import bounded  # noqa: PLC0415 - sympy only when the words say how

    try:
        found = bounded(lambda: _check(d, e, lhs, rhs, everywhere=everywhere), _SECONDS)
    except _ERRORS:
        return None
    return found if isinstance(found, (str, bool)) else None


def _last_sentence(before: str) -> str:
    tail = before[-600:]
    masked = re.sub(r"\$[^$]*\$", lambda m: "x" * len(m.group()), tail)
    ends = list(_SENTENCE_END.finditer(masked.rstrip()))
    return tail[ends[-1].end() :] if ends else tail


def _check(
    d: re.Match[str] | None, e: re.Match[str] | None, lhs: str, rhs: str, *, everywhere: bool
) -> str | bool | None:
    import sympy  # noqa: PLC0415

    table = SymbolTable({})
    name = _read(lhs, table)
    value = _read(rhs, table)
    if not isinstance(name, sympy.Symbol) or value is None or name in value.free_symbols:
        return None
    m = d if d is not None else e
    assert m is not None
    target = _target(m, table)
    if target is None:
        return None
    if d is not None:
        f = _read(d.group("f"), table)
        if f is None:
            return None
        if name not in f.free_symbols:
            name = _unmarked(name, f)  # \\hat\\theta = ... after the derivative of a function of \\theta
        wrt = _read(d.group("wrt"), table) if d.group("wrt") is not None else name
        order = _ORDERS.get((d.groupdict().get("order") or "first").lower(), 1)
        if name is None or not isinstance(wrt, sympy.Symbol) or wrt not in f.free_symbols or name not in f.free_symbols:
            return None
        if name in value.free_symbols:
            return None
        g = sympy.diff(f, wrt, order) - target
        what = (
            f"the {'' if order == 1 else (d.group('order').lower() + ' ')}derivative of {d.group('f').strip()} with "
            f"respect to {(d.group('wrt') or sympy.latex(name)).strip()}"
        )
        if target != 0:
            what += f", less {sympy.latex(target)},"
    else:
        written = e.group("g") or e.group("z") or e.group("h")
        sides = written.split("=")
        if len(sides) > 2 or (e.group("for") is not None and _read(e.group("for"), table) != name):
            return None
        a = _read(sides[0], table)
        b = _read(sides[1], table) if len(sides) == 2 else target
        if a is None or b is None:
            return None
        g = a - b
        if name not in g.free_symbols:
            return None
        what = f"{written.strip()}" if len(sides) == 2 else f"{written.strip()} = {sympy.latex(target)}"
    if _opaque(g) or _opaque(value):
        return None
    at = sympy.expand(g.subs(name, value))
    from derive.latex.solving import _identity  # noqa: PLC0415

    if _identity(at) is True:
        return True
    return _nonzero_at(at, what, lhs, rhs, everywhere=everywhere)


#: Marks that make a name the value of its variable found (``\\hat\\theta``, ``\\theta^*``, ``\\theta_{MLE}``).
_VALUE_MARKS = ("hat", "star", "ast", "opt", "MLE", "mle", "MAP", "map", "ML")


def _unmarked(name: Any, f: Any) -> Any | None:
    """The variable of ``f`` that ``name`` marks as its value found (theta_hat -> theta), or None."""
    base, _, mark = str(name).rpartition("_")
    if not base or mark not in _VALUE_MARKS:
        return None
    return next((s for s in f.free_symbols if str(s) == base), None)


def _target(m: re.Match[str], table: SymbolTable) -> Any | None:
    """What the sentence sets its derivative or expression to: 0, 1, a number, inline math (None: unread)."""
    import sympy  # noqa: PLC0415

    groups = m.groupdict()
    if groups.get("one"):
        return sympy.Integer(1)
    if groups.get("num"):
        return sympy.Rational(groups["num"])
    if groups.get("c"):
        return _read(groups["c"], table)
    return sympy.Integer(0)


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
