"""Written-out sums and products with an ellipsis: ``x_1 + x_2 + \\cdots + x_n``, ``a_1 a_2 \\cdots a_n``.

Before a side is parsed, `rewrite_ellipses` replaces each run of terms (factors) around a
horizontal ellipsis (``\\cdots``, ``\\ldots``, ``\\dots``, ``\\dotsb``, ``\\dotsm``, typed ``...``) by the
sum (product) it abbreviates, in the tokens the grammar already reads: ``x_1 + x_2 + \\cdots + x_n``
is read as ``{\\sum_{i=1}^{n} (x_i)}``, an indexed sum checked by `derive.language._indexed` at several
sizes n, as a sum the text wrote with ``\\sum``. At n = 1 it is x_1 alone, the usual convention
(``1 + 2 + \\cdots + n = n(n+1)/2`` holds from n = 1 on).

The pattern is taken from the written terms, never guessed:

* the terms are compared token by token; the places where they differ (the *slots*: a
  subscript, a superscript, a lone number) must hold index values, each an integer or a name
  plus or minus an integer (``x_{n-1}``), and in every term each slot must differ from the
  first slot by the same integer (``x_1 y_2 + x_2 y_3 + \\cdots + x_{n-1} y_n``);
* consecutive written terms must step by exactly 1 (``x_1 + x_3 + \\cdots + x_n`` may step by 2
  or mean something else: refused); one written term before the ellipsis means step 1, the
  convention of ``x_1 + \\cdots + x_n``;
* the last term's index is an integer, a name, or a name plus or minus an integer (not ``2n``:
  ``x_2 + \\cdots + x_{2n}`` may run over the even indices);
* a subscript such as ``{1n}`` (a double index) or ``{2n}`` is not read as a product.

An ellipsis that fits none of this (a pattern not determined, corners that disagree, a single
term ``x_1 + \\cdots``, signs that alternate) is a `LatexError` saying why; ellipses in lists
(``x_1, \\ldots, x_n``) are left to the grammar, which reads them where it knows what a list
means and otherwise names the ellipsis it cannot read.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any

from derive.latex.tokens import _DIGIT_ARGUMENTS, _fail, _Tok

#: The horizontal ellipses of LaTeX and amsmath (typed ``...`` is tokenized as ``\\ldots``).
HORIZONTAL = frozenset({"cdots", "ldots", "dots", "dotsb", "dotsm", "dotsc", "dotsi", "dotso"})
#: Every ellipsis command, vertical and diagonal included.
ELLIPSES = HORIZONTAL | {"vdots", "ddots", "iddots", "adots"}

_OPEN = {"(": ")", "[": "]", "{": "}", "\\{": "\\}", "⟨": "⟩", "⌊": "⌋", "⌈": "⌉"}
_CLOSE = frozenset(_OPEN.values())
_MULT = frozenset({"cdot", "times", "ast"})
#: Tokens that end the region an ellipsis can stand in (a list item, a condition, a cell).
_STOPS = frozenset({",", ";", "&", "|", "=", "<", ">", "<=", ">=", "~=", "!=", ":"})
_STOP_CMDS = frozenset({"mid", "in", "le", "leq", "ge", "geq", "ne", "neq", "approx", "sim", "to", "\\", "cr"})
#: Commands that take two brace groups / one group as their arguments.
_TWO_ARGS = frozenset({"frac", "dfrac", "tfrac", "cfrac", "binom"})
_INDEX_LETTERS = "ijklmrstuvpq"


class _NotAPatternError(Exception):
    """Why the terms around an ellipsis do not determine one sum or product."""


@dataclass
class _Linear:
    """An index value: ``coeff * name + const`` (name "" for a plain integer)."""

    name: str
    coeff: int
    const: int

    def minus(self, other: _Linear) -> int | None:
        """``self - other`` when it is an integer, else None."""
        if self.name == other.name and self.coeff == other.coeff:
            return self.const - other.const
        if self.coeff == 0 and other.coeff == 0:
            return self.const - other.const
        return None


def rewrite_ellipses(toks: list[_Tok], text: str, taken: frozenset[str] = frozenset()) -> list[_Tok]:
    """``toks`` with each sum or product written with a horizontal ellipsis replaced by ``\\sum``/``\\prod``.

    ``taken`` holds names the index of a new sum must not be (declared names). Raises
    `LatexError` when an ellipsis stands between terms or factors whose pattern is not
    determined. Ellipses in lists are left in place.
    """
    if not any(t.kind == "cmd" and t.text in HORIZONTAL for t in toks):
        return toks
    toks = _braced_digit_arguments(toks)
    skipped: set[int] = set()  # ids of ellipsis tokens left for the grammar (lists)
    for _ in range(64):
        at = next(
            (k for k, t in enumerate(toks) if t.kind == "cmd" and t.text in HORIZONTAL and id(t) not in skipped),
            None,
        )
        if at is None:
            return toks
        done = _rewrite_one(toks, at, text, taken)
        if done is None:
            skipped.add(id(toks[at]))
        else:
            toks = done
    raise _fail(text, "more than 64 ellipses in one side")


#: Commands whose two arguments may both be digits of one numeral (``\\frac12``).
_TWO_DIGIT_ARGUMENTS = frozenset({"frac", "dfrac", "tfrac", "cfrac", "binom", "dbinom", "tbinom"})


def _braced_digit_arguments(toks: list[_Tok]) -> list[_Tok]:
    """``toks`` with the digit arguments TeX takes from one numeral braced: ``\\frac12`` as ``\\frac{1}{2}``,
    ``\\sqrt23`` as ``\\sqrt{2}3``. The terms of a run are compared token by token, and ``\\frac12`` against
    ``\\frac18`` would otherwise differ in the numeral 12 against 18, not in the denominator."""
    out: list[_Tok] = []
    k = 0
    while k < len(toks):
        t = toks[k]
        out.append(t)
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        if t.kind == "cmd" and t.text in _DIGIT_ARGUMENTS and nxt is not None and nxt.kind == "num":
            digits = nxt.text
            if len(digits) > 1 and digits.isdigit():
                taken = 2 if t.text in _TWO_DIGIT_ARGUMENTS else 1
                for d, ch in enumerate(digits[:taken]):
                    out += [_Tok("sym", "{", nxt.pos + d), _Tok("num", ch, nxt.pos + d), _Tok("sym", "}", nxt.pos + d)]
                if digits[taken:]:
                    out.append(_Tok("num", digits[taken:], nxt.pos + taken))
                k += 2
                continue
        k += 1
    return out


def _rewrite_one(toks: list[_Tok], e: int, text: str, taken: frozenset[str]) -> list[_Tok] | None:
    if 0 < e < len(toks) - 1 and _is_sym(toks[e - 1], ",") and _is_sym(toks[e + 1], ","):
        return _rewrite_tuple(toks, e, text)
    lo, hi = _region(toks, e)
    prev = toks[e - 1] if e - 1 >= lo else None
    nxt = toks[e + 1] if e + 1 < hi else None
    dots = "\\" + toks[e].text
    if nxt is None and (_is_sym(prev, "+") or _is_sym(prev, "-") or _is_mult(prev)):
        raise _fail(text, f"{dots} with no last term: the sum or product does not say where it ends")
    if (_is_sym(prev, "+") and _is_sym(nxt, "+")) or (_is_sym(prev, "-") and _is_sym(nxt, "-")):
        return _rewrite_sum(toks, (lo, hi), e, text, taken)
    signed = _unsigned_before(toks, (lo, hi), e)
    if signed is not None:
        return _rewrite_sum(signed, (lo, hi + 1), e + 1, text, taken)
    if _is_sym(prev, "-") or _is_sym(nxt, "-"):
        raise _fail(
            text, f"{dots} between different signs (derive reads x_1 + x_2 + {dots} + x_n and a - x_1 - {dots} - x_n)"
        )
    if prev is None or nxt is None or _is_sym(prev, ",") or _is_sym(nxt, ","):
        if prev is not None and nxt is None and (_is_sym(prev, "+") or _is_mult(prev)):
            raise _fail(text, f"{dots} with no last term: the sum or product does not say where it ends")
        return None  # a list, or an ellipsis alone: the grammar reads it or names it
    if _is_sym(prev, "+") or _is_sym(nxt, "+"):
        raise _fail(text, f"{dots} with '+' on one side only: write x_1 + x_2 + {dots} + x_n")
    if (_is_mult(prev) or _ends_atom(prev)) and (_is_mult(nxt) or _starts_atom(nxt)):
        return _rewrite_product(toks, (lo, hi), e, text, taken)
    return None


def _geometric_too(items: list[list[_Tok]], implied: list[int] | None = None) -> str:
    """Why the values a run's terms are written with leave its step open, or "".

    Where a subscript varies (``x_1 + \\cdots + x_8``) it is an index and the run takes every index
    between the written ends. Where only values vary (a lone number, a denominator, an exponent) and
    the last is an integer, the written terms must fix the step:

    * one written term before the ellipsis fixes none: ``\\frac{1}{2} + \\cdots + \\frac{1}{8}`` may be
      2, 3, ..., 8 or the halvings 2, 4, 8 (``2 + \\cdots + 8`` the evens too);
    * two written integers a, b whose last c both steps of b - a and ratios of b / a reach fit two runs
      (``1 + 2 + \\cdots + 64``: 1 to 64, or the doublings 1, 2, 4, ..., 64), whose sums differ.

    A symbolic last value (``\\frac{1}{2} + \\cdots + \\frac{1}{n}``, ``x^2 + \\cdots + x^n``) keeps the step
    1 of ``x_1 + \\cdots + x_n``: any other step would hold only for some n, which no text leaves unsaid.
    ``implied`` are the exponents of the terms written before the run as powers without a superscript
    (`_implied_powers`: ``1 + x + x^2 + \\cdots + x^8`` writes the exponents 0, 1, 2, which fix the step)."""
    slots = _value_slots(items)
    if slots is None:
        return ""
    if implied and len(slots) == 1 and None not in slots[0]:
        values = [*implied, *(int(v) for v in slots[0] if v is not None)]
        return "" if len(values) > 3 else _two_runs(list(values))
    if len(items) == 2:
        ends = [(v[0], v[1]) for v in slots if v[0] is not None and v[1] is not None]
        if not ends or ends[0][1] <= ends[0][0] + 1:
            return ""
        a, c = ends[0]
        return (
            f"leave the step open: one written term before the last, and the values {a} to {c} may step "
            "by 1 or more, or double"
        )
    if len(items) != 3:
        return ""
    runs = [_two_runs(v) for v in slots]
    return runs[0] if all(runs) else ""


def _implied_powers(lower: list[list[_Tok]], first: list[_Tok]) -> list[int]:
    """The exponents the terms just before a run of powers write without a superscript: ``x`` before ``x^2`` is
    x^1, and ``1`` before that x^0 (``1 + x + x^2 + \\cdots``); [] where the run is no power with an integer
    exponent or the terms before it are not those powers."""
    units = _units(first)
    if len(units) < 3 or not _is_sym(units[-2][1][0], "^"):
        return []
    exponent = units[-1][1]
    inner = exponent[1:-1] if len(exponent) == 3 and _is_sym(exponent[0], "{") else exponent
    if len(inner) != 1 or inner[0].kind != "num" or inner[0].text != "2":
        return []
    base = [t for _, unit in units[:-2] for t in unit]
    if not lower or not _same(lower[-1], base):
        return []
    if len(lower) >= 2 and _same(lower[-2], [_Tok("num", "1", 0)]):
        return [0, 1]
    return [1]


def _two_runs(values: list[int | None]) -> str:
    """Why a, b, c fit steps of b - a and ratios of b / a alike (``1, 2, 64``), or ""."""
    if None in values:
        return ""
    a, b, c = (int(v) for v in values if v is not None)
    if a <= 0 or b <= a or b % a or c <= b or (c - a) % (b - a):
        return ""
    ratio, power = b // a, b
    while power < c:
        power *= ratio
    if power != c or c == a + 2 * (b - a):
        return ""
    return f"fit two runs (steps of {b - a} or ratios of {ratio} from {a} to {c})"


def _value_slots(items: list[list[_Tok]]) -> list[list[int | None]] | None:
    """For each place where the items differ, its values in the items (an integer, or None for a name such as
    n); None when a subscript varies (an index run, whose step is 1), or the items differ in shape."""
    units = [_units(it) for it in items]
    if len({len(u) for u in units}) != 1:
        return None
    slots = [k for k in range(len(units[0])) if not all(_same(u[k][1], units[0][k][1]) for u in units)]
    if not slots or any(u[k][0] for u in units for k in slots):
        return None
    out: list[list[int | None]] = []
    for k in slots:
        found: list[int | None] = []
        for u in units:
            unit = u[k][1]
            inner = unit[1:-1] if len(unit) == 3 and _is_sym(unit[0], "{") and _is_sym(unit[-1], "}") else unit
            number = len(inner) == 1 and inner[0].kind == "num" and inner[0].text.isdigit()
            found.append(int(inner[0].text) if number else None)
        out.append(found)
    return out


def _unsigned_before(toks: list[_Tok], region: tuple[int, int], e: int) -> list[_Tok] | None:
    """``- a_1 - a_2 \\cdots - a_n`` (no sign typed before the ellipsis): the tokens with the sign after it
    put before it too, when the term the ellipsis ends is one written term of the last term's pattern
    carrying that same sign (a plus for the first term). A product cannot be meant (a sign, not a
    factor, follows the dots), so the sum is the one reading; anything else is None."""
    lo, hi = region
    prev = toks[e - 1] if e - 1 >= lo else None
    nxt = toks[e + 1] if e + 1 < hi else None
    if prev is None or not (_is_sym(nxt, "+") or _is_sym(nxt, "-")) or not _ends_atom(prev) or _is_mult(prev):
        return None
    chunks = _chunks(toks, lo, hi, frozenset({"+", "-"}))
    at = next((k for k, c in enumerate(chunks) if c[1] <= e < c[2]), None)
    if at is None or at + 1 >= len(chunks) or chunks[at][2] != e + 1:
        return None
    sep, a, _ = chunks[at]
    sign, a2, b2 = chunks[at + 1]
    if not (sep == sign or (sep == "" and sign == "+")) or a >= e or a2 >= b2:
        return None
    if not _same_shape(toks[a:e], toks[a2:b2]):
        return None
    return [*toks[:e], _Tok("sym", sign, toks[e].pos), *toks[e:]]


# -- regions, terms and factors ------------------------------------------------------------


def _region(toks: list[_Tok], e: int) -> tuple[int, int]:
    """The tokens around ``toks[e]`` inside its innermost bracket, cut at list separators and relations."""
    depth, lo = 0, e
    while lo > 0:
        t = toks[lo - 1]
        if t.kind == "sym" and t.text in _CLOSE:
            depth += 1
        elif t.kind == "sym" and t.text in _OPEN:
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and _is_stop(t):
            break
        lo -= 1
    depth, hi = 0, e + 1
    while hi < len(toks):
        t = toks[hi]
        if t.kind == "sym" and t.text in _OPEN:
            depth += 1
        elif t.kind == "sym" and t.text in _CLOSE:
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and _is_stop(t):
            break
        hi += 1
    return lo, hi


#: Commands before a product whose operand is the next product, as the grammar reads them.
_PRODUCT_OPERATORS = frozenset({"frac", "dfrac", "tfrac", "cfrac", "binom", "sum", "prod", "int", "lim"})


def _takes_an_argument(t: _Tok) -> bool:
    """Whether ``t`` starts a function or operator whose argument may be only the next factor
    (``\\log``, ``\\sqrt``, ``\\exp``, ``\\det``, ``tr``), not a name or a fraction."""
    from derive.latex.tokens import _ACCENTS, _FONTS, _GREEK  # noqa: PLC0415 - the tables live with the tokens

    if t.kind == "word":
        return True
    return t.kind == "cmd" and t.text not in _GREEK | _FONTS | set(_ACCENTS) | _PRODUCT_OPERATORS | _MULT


def _divides(t: _Tok) -> bool:
    return _is_sym(t, "/") or (t.kind == "cmd" and t.text == "div")


def _is_stop(t: _Tok) -> bool:
    return (t.kind == "sym" and t.text in _STOPS) or (t.kind == "cmd" and t.text in _STOP_CMDS)


def _is_sym(t: _Tok | None, text: str) -> bool:
    return t is not None and t.kind == "sym" and t.text == text


def _is_mult(t: _Tok | None) -> bool:
    return t is not None and ((t.kind == "cmd" and t.text in _MULT) or _is_sym(t, "*"))


def _ends_atom(t: _Tok) -> bool:
    if t.kind in ("letter", "num", "word") or (t.kind == "cmd" and t.text not in HORIZONTAL):
        return True
    return t.kind == "sym" and (t.text in _CLOSE or t.text in ("!", "'"))


def _starts_atom(t: _Tok) -> bool:
    return t.kind in ("letter", "num", "word", "cmd") or t.text in _OPEN


def _chunks(toks: list[_Tok], lo: int, hi: int, seps: frozenset[str]) -> list[tuple[str, int, int]]:
    """The spans of ``toks[lo:hi]`` between top-level separators: (separator before, start, end)."""
    out: list[tuple[str, int, int]] = []
    depth, start, sep = 0, lo, ""
    for k in range(lo, hi):
        t = toks[k]
        if t.kind == "sym" and t.text in _OPEN:
            depth += 1
        elif t.kind == "sym" and t.text in _CLOSE:
            depth -= 1
        elif depth == 0 and t.kind == "sym" and t.text in seps and k > lo and not _is_script(toks[k - 1]):
            out.append((sep, start, k))
            sep, start = t.text, k + 1
    out.append((sep, start, hi))
    return out


def _is_script(t: _Tok) -> bool:
    return t.kind == "sym" and t.text in ("^", "_")


def _group_end(toks: list[_Tok], j: int, hi: int) -> int:
    """The index past the bracket group opening at ``toks[j]`` (or past the single token there)."""
    if j >= hi:
        raise _NotAPatternError("a command is missing its argument")
    t = toks[j]
    if not (t.kind == "sym" and t.text in _OPEN):
        return j + 1
    depth = 0
    for k in range(j, hi):
        if toks[k].kind == "sym" and toks[k].text in _OPEN:
            depth += 1
        elif toks[k].kind == "sym" and toks[k].text in _CLOSE:
            depth -= 1
            if depth == 0:
                return k + 1
    raise _NotAPatternError("an unbalanced bracket")


def _atoms(toks: list[_Tok], lo: int, hi: int) -> list[tuple[int, int]]:
    """The factors of a product ``toks[lo:hi]`` (juxtaposed or joined by ``\\cdot``/``\\times``):
    a name or number with its scripts and its argument in brackets, a bracket group, a fraction."""
    out: list[tuple[int, int]] = []
    k = lo
    while k < hi:
        t = toks[k]
        if _is_mult(t):
            k += 1
            continue
        if _divides(t):
            out.append((k, k + 1))  # a division binds one factor: never part of a run
            k += 1
            continue
        end = _group_end(toks, k, hi)
        if t.kind == "cmd" and t.text in _TWO_ARGS:
            end = _group_end(toks, _group_end(toks, k + 1, hi), hi)
        elif t.kind == "cmd" and t.text not in HORIZONTAL and end < hi and _is_sym(toks[end], "{"):
            end = _group_end(toks, end, hi)  # \mathbf{x}, \sqrt{x}, \hat{x}
        while end < hi and (_is_script(toks[end]) or _is_sym(toks[end], "'") or _is_sym(toks[end], "!")):
            end = end + 1 if not _is_script(toks[end]) else _group_end(toks, end + 1, hi)
        if end < hi and _is_sym(toks[end], "(") and t.kind in ("letter", "cmd", "word"):
            end = _group_end(toks, end, hi)  # p(x_1 | \theta): an application
        out.append((k, end))
        k = end
    return out


# -- the pattern ---------------------------------------------------------------------------


def _units(toks: list[_Tok]) -> list[tuple[bool, list[_Tok]]]:
    """Comparison units: a script argument (``_{n-1}``, ``^2``) is one unit, marked True; any
    other token is its own unit."""
    out: list[tuple[bool, list[_Tok]]] = []
    k = 0
    while k < len(toks):
        t = toks[k]
        out.append((False, [t]))
        if _is_script(t) and k + 1 < len(toks):
            end = _group_end(toks, k + 1, len(toks))
            out.append((t.text == "_", toks[k + 1 : end]))
            k = end
            continue
        k += 1
    return out


def _same(a: list[_Tok], b: list[_Tok]) -> bool:
    return len(a) == len(b) and all(x.kind == y.kind and x.text == y.text for x, y in zip(a, b, strict=True))


def _index_value(toks: list[_Tok], subscript: bool) -> _Linear:
    """An index value: an integer, a name, or a name plus or minus an integer (``{n-1}``)."""
    inner = toks[1:-1] if toks and _is_sym(toks[0], "{") and _is_sym(toks[-1], "}") else toks
    words = [t for t in inner]
    if len(words) == 1 and words[0].kind == "num" and words[0].text.isdigit():
        return _Linear("", 0, int(words[0].text))
    if len(words) == 1 and words[0].kind == "letter":
        return _Linear(words[0].text, 1, 0)
    if (
        len(words) == 3
        and words[0].kind == "letter"
        and words[1].kind == "sym"
        and words[1].text in "+-"
        and words[2].kind == "num"
        and words[2].text.isdigit()
    ):
        sign = 1 if words[1].text == "+" else -1
        return _Linear(words[0].text, 1, sign * int(words[2].text))
    where = "subscript" if subscript else "place"
    shown = "".join(t.text for t in inner)
    raise _NotAPatternError(f"the {where} {shown!r} is not an index (an integer, n, or n ± an integer)")


def _pattern(items: list[list[_Tok]]) -> tuple[list[tuple[bool, list[_Tok]]], list[int], list[int], _Linear, int]:
    """For the written items (the last one is the term after the ellipsis): the last item's units,
    the slot positions, each slot's offset from the first slot, the last index and the first index."""
    units = [_units(it) for it in items]
    if len({len(u) for u in units}) != 1:
        raise _NotAPatternError("the terms differ in more than their indices")
    slots = [k for k in range(len(units[0])) if not all(_same(u[k][1], units[0][k][1]) for u in units)]
    if not slots:
        raise _NotAPatternError("the terms are all alike, so the text does not say how many there are")
    values = [[_index_value(u[k][1], u[k][0]) for k in slots] for u in units]
    offsets: list[int] = []
    for s in range(len(slots)):
        found = {v[s].minus(v[0]) for v in values}
        if len(found) != 1 or None in found:
            raise _NotAPatternError("the indices of the terms do not move together")
        offsets.append(found.pop() or 0)
    firsts = [v[0] for v in values[:-1]]
    if firsts[0].coeff != 0:
        raise _NotAPatternError("the first term's index is not a number")
    for a, b in itertools.pairwise(firsts):
        step = b.minus(a)
        if step != 1:
            raise _NotAPatternError(
                f"the written terms step by {step} (derive reads only consecutive indices, 1, 2, ..., n)"
                if step is not None
                else "the written terms do not step by 1"
            )
    last = values[-1][0]
    start = firsts[0].const
    if last.coeff == 0 and last.const < start + len(firsts):
        raise _NotAPatternError(f"the last index {last.const} comes before the terms written")
    return units[-1], slots, offsets, last, start


def _index_letter(toks: list[_Tok], taken: frozenset[str]) -> str:
    used = {t.text for t in toks if t.kind in ("letter", "word")} | set(taken)
    for c in _INDEX_LETTERS:
        if c not in used:
            return c
    raise _NotAPatternError("no free letter for the index of the sum")


def _replacement(op: str, toks: list[_Tok], items: list[list[_Tok]], pos: int, taken: frozenset[str]) -> list[_Tok]:
    """``{ \\sum_{i=a}^{b} ( template ) }`` for the unwritten terms of ``items`` (the written ones
    before the ellipsis and the last one)."""
    units, slots, offsets, _, start = _pattern(items)
    letter = _index_letter(toks, taken)

    def tok(kind: str, text: str) -> _Tok:
        return _Tok(kind, text, pos)

    body: list[_Tok] = []
    for k, (script, unit) in enumerate(units):
        if k not in slots:
            body.extend(unit)
            continue
        offset = offsets[slots.index(k)]
        value = [tok("letter", letter)]
        if offset:
            value += [tok("sym", "+" if offset > 0 else "-"), tok("num", str(abs(offset)))]
        is_script = k > 0 and _is_script(units[k - 1][1][0])
        if is_script or script:
            body.extend([tok("sym", "{"), *value, tok("sym", "}")])
        else:
            body.extend([tok("sym", "("), *value, tok("sym", ")")] if offset else value)
    last_unit = units[slots[0]][1]
    lower = start
    return [
        tok("cmd", op),
        tok("sym", "_"),
        tok("sym", "{"),
        tok("letter", letter),
        tok("sym", "="),
        tok("num", str(lower)),
        tok("sym", "}"),
        tok("sym", "^"),
        *(last_unit if _is_sym(last_unit[0], "{") else [tok("sym", "{"), *last_unit, tok("sym", "}")]),
        tok("sym", "("),
        *body,
        tok("sym", ")"),
    ]


def _rewrite_sum(toks: list[_Tok], region: tuple[int, int], e: int, text: str, taken: frozenset[str]) -> list[_Tok]:
    dots = "\\" + toks[e].text
    chunks = _chunks(toks, *region, frozenset({"+", "-"}))
    at = next(k for k, c in enumerate(chunks) if c[1] == e)
    if at + 1 >= len(chunks) or chunks[at + 1][1] == chunks[at + 1][2]:
        raise _fail(text, f"{dots} with no last term: the sum does not say where it ends")
    if chunks[at][2] != e + 1:
        raise _fail(text, f"{dots} followed by more than a sign in one term")
    return _apply(toks, text, dots, "sum", chunks[:at], chunks[at + 1], taken, e)


def _rewrite_product(toks: list[_Tok], region: tuple[int, int], e: int, text: str, taken: frozenset[str]) -> list[_Tok]:
    dots = "\\" + toks[e].text
    term = next(c for c in _chunks(toks, *region, frozenset({"+", "-"})) if c[1] <= e < c[2])
    try:
        atoms = _atoms(toks, term[1], term[2])
    except _NotAPatternError as exc:
        raise _fail(text, f"cannot read the product around {dots}: {exc}") from exc
    at = next(k for k, a in enumerate(atoms) if a[0] == e)
    if at + 1 >= len(atoms):
        raise _fail(text, f"{dots} with no last factor: the product does not say where it ends")
    # only factors joined by juxtaposition or \cdot/\times belong to the run (a division cuts it)
    chunks = [("*", a, b) for a, b in atoms[:at]]
    last = ("*", *atoms[at + 1])
    return _apply(toks, text, dots, "prod", chunks, last, taken, e)


def _apply(  # noqa: PLR0917 - one call site per kind
    toks: list[_Tok],
    text: str,
    dots: str,
    op: str,
    before: list[tuple[str, int, int]],
    last: tuple[str, int, int],
    taken: frozenset[str],
    e: int,
) -> list[_Tok]:
    """Replace the run (written items before ``toks[e]`` that fit the last item's pattern, the
    ellipsis, the last item) by the written items and the ``\\sum``/``\\prod`` of the rest."""
    what = "terms" if op == "sum" else "factors"
    sign = last[0]  # "+" or "-" (both sides of the ellipsis carry it), "*" for a product
    last_toks = toks[last[1] : last[2]]
    run: list[tuple[int, int]] = []
    for sep, a, b in reversed(before):
        if a >= b or _divides(toks[a]) or not _same_shape(toks[a:b], last_toks):
            break
        if sign == "-" and sep != "-":
            break  # a - x_1 - x_2 - \cdots - x_n: each term of the run carries its minus
        if sign != "-" and sep == "-":
            break
        run.insert(0, (a, b))
        if sep == "":
            break
    if op == "prod" and run and run[0][0] > 0 and _divides(toks[run[0][0] - 1]):
        run.pop(0)  # a / x_1 x_2 \cdots x_n: the division takes x_1 alone
    ahead = before[len(before) - len(run) - 1] if op == "prod" and run and len(run) < len(before) else None
    if ahead is not None and _takes_an_argument(toks[ahead[1]]):
        # \log x_1 x_2 \cdots x_n: the log of x_1 or of the whole product; \sqrt x_1 x_2 takes x_1 only
        raise _fail(
            text, f"\\{toks[ahead[1]].text} before a product written with {dots}: write its argument in brackets"
        )
    if not run:
        raise _fail(
            text,
            f"the {what} around {dots} follow no single pattern (the written {what.rstrip('s')} before it and "
            "the last one differ in more than their indices)",
        )
    items = [toks[a:b] for a, b in run] + [last_toks]
    lower = [toks[a:b] for _, a, b in before[: len(before) - len(run)]]
    doubling = _geometric_too(items, _implied_powers(lower, items[0]))
    if doubling:
        raise _fail(text, f"the {what} around {dots} {doubling}: write another {what.rstrip('s')} before {dots}")
    try:
        replacement = _replacement(op, toks, items, toks[e].pos, taken)
    except _NotAPatternError as exc:
        raise _fail(text, f"cannot read the {what} around {dots}: {exc}") from exc
    wrapped = [_Tok("sym", "{", toks[run[0][0]].pos), *replacement, _Tok("sym", "}", toks[e].pos)]
    return toks[: run[0][0]] + wrapped + toks[last[2] :]


def _same_shape(item: list[_Tok], last: list[_Tok]) -> bool:
    """Whether ``item`` has the last item's units, differing only in script arguments and lone
    numbers or letters (where an index may stand)."""
    a, b = _units(item), _units(last)
    if len(a) != len(b):
        return False
    for k, ((_, x), (_, y)) in enumerate(zip(a, b, strict=True)):
        if _same(x, y):
            continue
        if k > 0 and _is_script(a[k - 1][1][0]):
            continue  # a script argument: where an index stands
        lone = len(x) == 1 and len(y) == 1 and {x[0].kind, y[0].kind} <= {"num", "letter"}
        if not (lone and "num" in (x[0].kind, y[0].kind)):
            return False
    return True


# -- argument tuples: f(x_1, \ldots, x_n) ----------------------------------------------------

#: Joins the first and the last item of a tuple token's text (never in LaTeX source).
TUPLE_JOIN = ", …, "


def _opener(toks: list[_Tok], e: int) -> int | None:
    """The index of the bracket that opens the innermost group around ``toks[e]`` (None: top level)."""
    depth = 0
    for k in range(e - 1, -1, -1):
        t = toks[k]
        if t.kind == "sym" and t.text in _CLOSE:
            depth += 1
        elif t.kind == "sym" and t.text in _OPEN:
            if depth == 0:
                return k
            depth -= 1
    return None


def _applies(toks: list[_Tok], k: int) -> bool:
    """Whether the ``(`` at ``toks[k]`` follows a name (an application ``f(...)``, ``F_i(...)``,
    ``\\hat{f}(...)``), not a known function or operator (``\\max(...)``, ``\\mathrm{softmax}(...)``)."""
    if k == 0 or not _is_sym(toks[k], "("):
        return False
    before = toks[k - 1]
    if before.kind == "letter":
        return True
    if before.kind == "cmd":
        from derive.latex.tokens import _GREEK  # noqa: PLC0415 - the tables live with the tokens

        return before.text in _GREEK
    if _is_sym(before, "}"):
        # \hat{f}(...) or F_{i}(...): the group belongs to an accent or a subscript of a name
        depth, j = 0, k - 1
        while j >= 0:
            if _is_sym(toks[j], "}"):
                depth += 1
            elif _is_sym(toks[j], "{"):
                depth -= 1
                if depth == 0:
                    break
            j -= 1
        head = toks[j - 1] if j >= 1 else None
        return head is not None and (
            _is_sym(head, "_") or (head.kind == "cmd" and head.text in ("hat", "tilde", "bar", "mathcal", "mathbf"))
        )
    return False


def _rewrite_tuple(toks: list[_Tok], e: int, text: str) -> list[_Tok] | None:
    """``f(x_1, x_2, \\ldots, x_n)``: the items around the ellipsis become one ``tuple`` token, which
    the grammar reads as one opaque argument of an unknown function (the same tuple is the same
    value). Only names with an index subscript that follow one pattern; anything else is left."""
    k = _opener(toks, e)
    if k is None or not _applies(toks, k):
        return None
    inner = _chunks(toks, k + 1, _group_end(toks, k, len(toks)) - 1, frozenset({",", "|"}))
    at = next(n for n, c in enumerate(inner) if c[1] == e)
    if at + 1 >= len(inner) or at == 0 or inner[at + 1][0] != "," or inner[at][0] != ",":
        return None
    last = inner[at + 1]
    last_toks = toks[last[1] : last[2]]
    run: list[tuple[int, int]] = []
    for sep, a, b in reversed(inner[:at]):
        if a >= b or not _same_shape(toks[a:b], last_toks):
            break
        run.insert(0, (a, b))
        if sep != ",":
            break
    dots = "\\" + toks[e].text
    if not run:
        raise _fail(text, f"the items around {dots} follow no single pattern")
    items = [toks[a:b] for a, b in run] + [last_toks]
    try:
        units, slots, _, _, _ = _pattern(items)
    except _NotAPatternError as exc:
        raise _fail(text, f"cannot read the list around {dots}: {exc}") from exc
    if len(units) < 3 or slots != [len(units) - 1] or not _is_sym(units[-2][1][0], "_"):
        raise _fail(text, f"the list around {dots}: derive reads only names with an index, f(x_1, {dots}, x_n)")

    def source(span: tuple[int, int]) -> str:
        a, b = span
        end = toks[b - 1].pos + len(toks[b - 1].text) + (1 if toks[b - 1].kind == "cmd" else 0)
        return "".join(text[toks[a].pos : end].split())

    tuple_tok = _Tok("tuple", source(run[0]) + TUPLE_JOIN + source((last[1], last[2])), toks[run[0][0]].pos)
    return [*toks[: run[0][0]], tuple_tok, *toks[last[2] :]]


def name_family(name: str) -> str:
    """The family a name belongs to: ``x`` for ``x``, ``x_1``, ``x_i``, ``x_{n-1}``; the display name
    of a tuple (``x_1, …, x_n``) belongs to none."""
    return "" if TUPLE_JOIN in name else name.split("_", maxsplit=1)[0]


def read_tuple(p: Any, t: _Tok) -> Any:
    """``x_1, \\ldots, x_n`` (a ``tuple`` token) as the arguments of an unknown function, for the parser
    ``p``: one opaque value, the same for the same tuple. Its entries then have no value of their
    own, so a name of the same family elsewhere in the step (x_1, x_i, x, a derivative by x_j)
    would be read as unrelated to it: refused, here and (through ``_latex_tuple_bases``) in
    `derive.latex.parser._Parser.tuple_guard`."""
    from derive.latex.parser import name_of  # noqa: PLC0415 - the parser imports this module

    if not p.st.applying:
        raise p.fail(f"a list {t.text} that is not the arguments of an unknown function; derive cannot tell what it is")
    family = name_family(name_of(t.text.split(TUPLE_JOIN)[0]))
    table = p.st.table
    bases = getattr(table, "_latex_tuple_bases", None)
    if bases is None:
        bases = {}
        table._latex_tuple_bases = bases
    seen = [n for n in [*p.st.implicit, *table, *p.st.indexed] if name_family(n) == family]
    if family in getattr(table, "_latex_families", set()) and not seen:
        seen = [f"{family}_i"]
    if seen:
        raise p.fail(
            f"{seen[0]} and the list {t.text} in one step: derive reads the list as one opaque argument, "
            f"so it cannot relate {seen[0]} to it"
        )
    bases[family] = t.text
    return p.symbol(t.text)


# --- Vectors written with a vertical (horizontal) ellipsis, at a size the step is checked at ------------------

#: A matrix environment and its body (no environment nested in it).
_DOTTED_ENV = re.compile(
    r"\\begin\s*\{(?P<env>[pbvBV]?matrix|array)\}(?:\s*\{[^{}]*\})?(?P<body>(?:(?!\\begin\b|\\end\b).)*?)"
    r"\\end\s*\{(?P=env)\}",
    re.S,
)
_ENTRY_TOKEN = re.compile(r"\\[A-Za-z]+|\d|\S")
_VERTICAL = re.compile(r"^\s*\\vdots\s*$")
_ACROSS = re.compile(r"^\s*\\(?:cdots|ldots|dots|dotsc)\s*$")


def _indexed_entries(written: list[str], last: str, sizes: dict[str, int]) -> list[str] | None:
    """The entries of a vector written as ``written`` (its first entries), an ellipsis, then ``last``:
    the first and last entries differ only where the first has 1 and the last one letter of ``sizes``
    (``a_1`` and ``a_n``, ``A_{1j}`` and ``A_{nj}``), and each written entry is the pattern at its place;
    None for any other pattern."""
    first, end = _ENTRY_TOKEN.findall(written[0]), _ENTRY_TOKEN.findall(last)
    if len(first) != len(end):
        return None
    slots = [k for k, (a, b) in enumerate(zip(first, end, strict=True)) if a != b]
    letters = {end[k] for k in slots}
    if not slots or any(first[k] != "1" for k in slots) or len(letters) != 1 or next(iter(letters)) not in sizes:
        return None
    # a slot next to another digit or letter (a_{12}, a_{1n}): a double index, no single family
    if any(k + 1 < len(first) and re.fullmatch(r"\w", first[k + 1]) and first[k + 1] not in "ijkl" for k in slots):
        return None

    def entry(i: int) -> list[str]:
        value = str(i) if i < 10 else f"{{{i}}}"
        return [value if k in slots else t for k, t in enumerate(first)]

    if any(_ENTRY_TOKEN.findall(w) != entry(i) for i, w in enumerate(written, start=1)):
        return None
    return [_joined(entry(i)) for i in range(1, sizes[next(iter(letters))] + 1)]


def _joined(tokens: list[str]) -> str:
    """Tokens back into LaTeX: a space after a command that a letter follows (``\\alpha x``), none elsewhere."""
    out = ""
    for t in tokens:
        if out and re.search(r"\\[A-Za-z]+$", out) and t[:1].isalpha():
            out += " "
        out += t
    return out


def expand_dotted_vectors(tex: str, sizes: dict[str, int]) -> str:
    """``tex`` with each column written ``a_1 \\\\ a_2 \\\\ \\vdots \\\\ a_n`` (a row ``a_1 & \\cdots & a_n``)
    whose entries are one indexed family up to a letter ``sizes`` gives written out at that size
    (`_indexed_entries`); any other matrix with an ellipsis is left for the grammar to refuse."""

    def expand(m: re.Match[str]) -> str:
        rows = [r for r in re.split(r"\\\\(?:\[[^\]]*\])?", m.group("body")) if r.strip()]
        if len(rows) > 2 and all("&" not in r for r in rows) and sum(bool(_VERTICAL.match(r)) for r in rows) == 1:
            at = next(k for k, r in enumerate(rows) if _VERTICAL.match(r))
            entries = _indexed_entries(rows[:at], rows[-1], sizes) if at == len(rows) - 2 and at > 0 else None
            joined = " \\\\ ".join(entries) if entries else None
        elif len(rows) == 1 and sum(bool(_ACROSS.match(c)) for c in rows[0].split("&")) == 1:
            cells = rows[0].split("&")
            at = next(k for k, c in enumerate(cells) if _ACROSS.match(c))
            entries = _indexed_entries(cells[:at], cells[-1], sizes) if at == len(cells) - 2 and at > 0 else None
            joined = " & ".join(entries) if entries else None
        else:
            return m.group()
        if joined is None:
            return m.group()
        env = m.group("env")
        if env == "array":
            columns = len(entries) if "&" in joined else 1
            return f"\\begin{{array}}{{{'c' * columns}}}{joined}\\end{{array}}"
        return f"\\begin{{{env}}}{joined}\\end{{{env}}}"

    return _DOTTED_ENV.sub(expand, tex)


def dotted_size_letter(written: list[str], last: str) -> str | None:
    """The letter a vector written ``written``, an ellipsis, ``last`` runs up to (``n`` of ``x_1, x_2, \\ldots,
    x_n``), when its entries are one indexed family counted from 1 (`_indexed_entries`); None otherwise."""
    if not written:
        return None
    letters = dict.fromkeys(t for t in _ENTRY_TOKEN.findall(last) if re.fullmatch(r"[A-Za-z]", t))
    found = [x for x in letters if _indexed_entries(written, last, {x: len(written) + 2}) is not None]
    return found[0] if len(found) == 1 else None


def dotted_entries(written: list[str], last: str, letter: str, size: int) -> list[str] | None:
    """The entries of such a vector at ``size`` (see `dotted_size_letter`)."""
    return _indexed_entries(written, last, {letter: size})
