"""Limits as a norm tends to a value: ``\\lim_{\\|\\mathbf{w}\\| \\to \\infty} \\sigma(\\|\\mathbf{w}\\| c)``.

Where the limit's body depends on the vector only through that same norm, the limit is one of a single
variable, r = ||w|| >= 0 (r > 0 near infinity, r -> 0 from above at 0): every plausible reader takes it so,
whatever w's size or direction. The body is read with each ``\\|w\\|`` written as the norm of the subscript
(same tokens, no subscript of its own such as ``_1``) replaced by that variable.

Not read (a reason is given): a body that uses w otherwise (``w_1``, ``w^T x``, a norm of another kind), so that
the limit depends on the direction along which w grows; a body with a function the text does not define
(``p(C_1 | \\phi)``: it may depend on w without writing it); a target below 0 or not a number.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import sympy
from sympy.core.function import AppliedUndef

if TYPE_CHECKING:
    from derive.latex.parser import _Parser
    from derive.latex.tokens import _Tok


def norm_key(toks: list[_Tok]) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """When ``toks`` are exactly one norm ``‖...‖``, with or without a subscript (``‖w‖_1``, ``‖w‖_{F}``): the
    token texts after its opening bar (through the subscript), and those between its bars; None otherwise."""
    bars = [k for k, t in enumerate(toks) if t.kind == "sym" and t.text == "‖"]
    if len(bars) != 2 or bars[0] != 0 or bars[1] < 2:
        return None
    close = bars[1]
    rest = toks[close + 1 :]
    if rest and not (rest[0].kind == "sym" and rest[0].text == "_" and len(rest) >= 2):
        return None  # \|w\|^2 \to \infty: not a norm alone
    if len(rest) > 2 and not (rest[1].text == "{" and rest[-1].text == "}"):
        return None
    return tuple(t.text for t in toks[1:]), tuple(t.text for t in toks[1:close])


def _letters(inner: tuple[str, ...]) -> set[str]:
    """The names the norm's inner tokens write (``\\mathbf{w}``: w; ``\\phi``: phi), fonts and braces left out."""
    return {t for t in inner if t.isalpha() and t not in _FONT_WORDS}


#: Font commands inside a norm's tokens, which name nothing.
_FONT_WORDS = frozenset({"mathbf", "boldsymbol", "bm", "pmb", "mathbfit", "vec", "mathrm", "mathit"})


def _match(p: _Parser) -> tuple[int, dict[str, Any]] | None:
    """At a norm's opening bar: (the index past the norm, the record of the enclosing norm limit) when the norm
    written here is that limit's norm (the same tokens, the same subscript or none); None otherwise."""
    active: dict[tuple[str, ...], Any] = getattr(p.st, "norm_limits", {})
    for key, record in active.items():
        end = p.i + 1 + len(key)
        if end > len(p.toks) or tuple(t.text for t in p.toks[p.i + 1 : end]) != key:
            continue
        after = p.toks[end] if end < len(p.toks) else None
        if key[-1] == "‖" and after is not None and after.kind == "sym" and after.text == "_":
            return None  # \|w\|_1 where the limit's norm has no subscript: another norm
        return end, record
    return None


def opens_substituted(p: _Parser) -> bool:
    r"""Whether the bar here opens the norm of an enclosing norm limit: a factor of its own even where a bar
    would end the expression (inside a function's brackets, ``\sigma(\|w\| \|x\|)``)."""
    return _match(p) is not None


def substituted(p: _Parser) -> sympy.Symbol | None:
    """At a norm's opening bar: the variable of an enclosing norm limit when the norm written here is its norm
    (`_match`); the parser is moved past the closing bar. None otherwise."""
    found = _match(p)
    if found is None:
        return None
    p.i, record = found
    record["used"] += 1
    return record["symbol"]


def norm_limit(p: _Parser, toks: list[_Tok], arrow: int) -> Any | None:
    """``\\lim_{\\|w\\| \\to a}`` followed by its body (see the module's docstring); None when the subscript is
    not one norm (the caller says why it cannot read it)."""
    found = norm_key(toks[:arrow])
    if found is None:
        return None
    key, inner = found
    target_toks = toks[arrow + 1 :]
    target = p.sub(target_toks).parse_all()
    shown = " ".join("\\" + t.text if t.kind == "cmd" else t.text for t in toks[1 : len(inner) + 1])
    if target is not sympy.S.Infinity and not (
        isinstance(target, sympy.Expr) and target.is_number and target.is_nonnegative
    ):
        raise p.fail(f"a limit as the norm ‖{shown}‖ tends to {target}: a norm tends to a number >= 0 or to infinity")
    variable = sympy.Symbol(f"‖{''.join(key)}", positive=True)
    active: dict[tuple[str, ...], Any] = dict(getattr(p.st, "norm_limits", {}))
    record = {"symbol": variable, "used": 0}
    saved = getattr(p.st, "norm_limits", {})
    start = p.i
    p.st.norm_limits = {**active, key: record}  # type: ignore[attr-defined]
    try:
        from derive.latex.grammar_linear import _scalar  # noqa: PLC0415 - the grammar builds on this module

        body = _scalar(p.operand_term())
    finally:
        p.st.norm_limits = saved  # type: ignore[attr-defined]
    _check_body(p, body, inner, record["used"], toks=p.toks[start : p.i], shown=shown)
    if target is sympy.S.Infinity:
        return sympy.Limit(body, variable, target)
    return sympy.Limit(body, variable, target, dir="+")


def _check_body(p: _Parser, body: Any, inner: tuple[str, ...], used: int, *, toks: list[_Tok], shown: str) -> None:
    """Refuse a body that depends on the vector otherwise than through its norm, or on a function the text
    does not define (see the module's docstring)."""
    texts = [t.text for t in toks]
    written = sum(1 for k in range(len(texts)) if tuple(texts[k : k + len(inner)]) == inner)
    names = _letters(inner)
    symbols = {str(s) for s in getattr(body, "free_symbols", set())}
    other = any(re.match(rf"{re.escape(n)}(?![A-Za-z])", s) for n in names for s in symbols)
    if written > used or other:
        raise p.fail(
            f"a limit as ‖{shown}‖ tends to a value, of what depends on the vector otherwise than through that norm: "
            "the limit may depend on the direction along which it grows"
        )
    if isinstance(body, sympy.Basic) and body.atoms(AppliedUndef):
        raise p.fail(
            f"a limit as ‖{shown}‖ tends to a value, of a function the text does not define "
            f"({sorted(str(f.func) for f in body.atoms(AppliedUndef))[0]}): it may depend on the vector unwritten"
        )
