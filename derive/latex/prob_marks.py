"""What the probability grammar shares: the conditioning bar, events and the markers of a
conditional application (``p(x|mu)`` is p(x, given(mu)), ``p(D; theta)`` is p(D, parameters(theta)))."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy

from derive.latex.grammar_linear import _scalar

if TYPE_CHECKING:
    from derive.latex.tokens import _Tok

#: What a conditional application records after its arguments.
_GIVEN = sympy.Function("given")
_PARAMETERS = sympy.Function("parameters")


def _condition_mark(p: Any) -> str:
    """``given`` where the parser ``p`` is at a conditioning bar (``|``, ``\\mid``, ``\\vert``,
    ``\\middle|``), ``parameters`` at a semicolon, else ``""``."""
    t = p.peek()
    if (t.kind == "sym" and t.text == "|") or (t.kind == "cmd" and t.text == "mid"):
        return "given"
    if t.kind == "sym" and t.text == ";":
        return "parameters"
    return ""


def _flat(values: list[Any]) -> list[Any]:
    """Arguments of an unknown function: a declared vector gives its entries."""
    out: list[Any] = []
    for v in values:
        s = _scalar(v)
        out.extend(list(s) if isinstance(s, sympy.MatrixBase) else [s])
    return out


_EVENTS = {
    "=": "event", "<": "event_lt", ">": "event_gt", "<=": "event_le", ">=": "event_ge", "!=": "event_ne",
    "le": "event_le", "leq": "event_le", "leqslant": "event_le", "ge": "event_ge", "geq": "event_ge",
    "geqslant": "event_ge", "ne": "event_ne", "neq": "event_ne", "lt": "event_lt", "gt": "event_gt",
}  # fmt: skip


def _event_relation(t: _Tok) -> str | None:
    """The opaque function an event's relation gives (``=``: ``event``), or None for any other token."""
    if t.kind == "sym" or (t.kind == "cmd" and t.text.isalpha()):
        return _EVENTS.get(t.text)
    return None


def _conditioning(toks: list[_Tok]) -> bool:
    """Whether a bracket's tokens hold a conditioning bar at their own depth: a ``\\mid``, or an odd
    number of ``|`` (absolute values come in pairs: ``|x|`` is no bar, ``|x| | y`` and ``x | y`` hold one).
    Decided from the tokens, so each bracket is read once."""
    depth, bars = 0, 0
    for t in toks:
        if t.kind == "sym" and t.text in ("(", "[", "{", "\\{"):
            depth += 1
        elif t.kind == "sym" and t.text in (")", "]", "}", "\\}"):
            depth -= 1
        elif depth == 0 and t.kind == "cmd" and t.text == "mid":
            return True
        elif depth == 0 and t.kind == "sym" and t.text == "|":
            bars += 1
    return bars % 2 == 1
