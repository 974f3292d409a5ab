"""Author macros: definitions read from a text, and their bounded expansion.

Real documents are written in their authors' own commands (``\\E``, ``\\vect{x}``, ``\\var``),
defined in a preamble, a ``.sty`` file or a MathJax ``$$\\newcommand..$$`` block. This module
reads such definitions *as data* (`read_definitions`: ``\\newcommand``, ``\\renewcommand``,
``\\providecommand``, ``\\DeclareMathOperator``, ``\\DeclarePairedDelimiter``, ``\\def``, ``\\let``;
nothing is ever executed) and rewrites a fragment with them (`expand`), before the fragment is
split and parsed. `load_macros` reads macro files (``--macros FILE``) and ``macros:`` mappings.

Expansion is a token-level rewrite, as TeX does it: a command name is a backslash and a run of
letters (``\\xy`` is not ``\\x`` then ``y``) or a backslash and one other character (``\\\\``,
``\\{`` and ``\\%`` are never macros unless defined as such -- and control symbols cannot be).
An argument is a braced group (its braces dropped) or a single token, spaces before it skipped;
``#1..#9`` in a body are replaced by the arguments, and the result is read again, so a macro may
use others. Every expansion is bounded, whatever the definitions: at most `MAX_DEPTH` nested
rescans of bodies, `MAX_STEPS` expansions, an output of ``OUTPUT_FACTOR`` times the input
(at least `MIN_OUTPUT`, at most `MAX_OUTPUT` characters) and `MAX_WORK` tokens moved; beyond any
of them `expand` raises `LatexError` naming the macro; an `ExpansionBudget` bounds what the
blocks of one document spend together. Definitions that name or use commands
reading files, running programs or redefining the language (`HOSTILE_COMMANDS`: ``\\input``,
``\\write18``, ``\\catcode``, ``\\csname``, ``\\def`` inside a body, ...) are refused as problems.

Package macros (``physics``: ``\\pdv``, ``\\dv``, ``\\abs``, ``\\norm``, ``\\qty``, ``\\eval``,
``\\vb``, ``\\dd``, ``\\grad``, ``\\tr``; ``mathtools``' ``\\coloneqq``; ``\\ensuremath``, ``\\xspace``,
``\\relax``, plain TeX's ``\\cr`` row end and ``\\hbox``) are always available unless a table
defines the name itself; ``\\operatorname*`` reads as ``\\operatorname`` and the
spacing idiom ``\\mathop{}\\!\\mathrm{d}`` as ``\\mathrm{d}``. ``\\bm`` needs nothing (the parser
reads it as a bold name font). Typography: spacing (``\\hspace{..}``, ``\\hskip 2pt``, ``\\kern``,
``\\mskip``, ``\\hfill``) is dropped; ``\\not=`` and ``\\not\\in`` are ``\\neq`` and ``\\notin``;
``\\underbrace{X}_{label}`` and ``\\overbrace{X}^{label}`` are X, the label unread, and are refused
where the brace's grouping changes the formula (`_braced_content`).
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from derive.errors import LatexError, UsageError
from derive.latex.tokens import HOSTILE_COMMANDS

__all__ = [
    "MAX_DEPTH",
    "MAX_OUTPUT",
    "MAX_STEPS",
    "PACKAGE_MACROS",
    "Definition",
    "ExpansionBudget",
    "Macro",
    "MacroSource",
    "MacroTable",
    "expand",
    "load_macros",
    "macros_from_mapping",
    "read_definitions",
    "scan_definitions",
]

MAX_DEPTH = 32  # nested rescans of a body: \def\a{\a} ends here
MAX_STEPS = 5_000  # expansions in one fragment (a display block rarely needs a hundred)
MAX_OUTPUT = 200_000  # characters, whatever the input
OUTPUT_FACTOR = 20
MIN_OUTPUT = 4_000  # a two-character \L may legitimately stand for a long formula
MAX_WORK = 1_000_000  # tokens moved while grabbing arguments (bounds quadratic rescans)
MAX_NESTING = 100  # braces around macro uses in the input
MAX_BODY = 10_000  # characters of one definition's body
MAX_DEFINITIONS = 10_000  # in one text (a long preamble has a few hundred)

_TOKEN = re.compile(r"\\(?:[A-Za-z]+|.)?|%[^\n]*\n?|\s+|.", re.DOTALL)
_WORD_USE = re.compile(r"\\([A-Za-z]+)")
_SPECIAL_USE = re.compile(r"\\operatorname\s*\*|\\mathop\s*\{\s*\}|\\(?:under|over)brace(?![A-Za-z])")
_DEFINERS = frozenset({"newcommand", "renewcommand", "providecommand", "DeclareRobustCommand"})
#: Loading packages is harmless in a preamble (their macros are known or unknown, never run).
_QUIET = frozenset({"usepackage", "RequirePackage", "documentclass", "makeatletter", "makeatother"})
#: Reserved besides the hostile commands: redefining them would change how blocks are found.
_RESERVED = frozenset({"begin", "end"})

Tok = tuple[str, int]  # (text, depth) in expansion, (text, offset) in definitions


def _is_word(text: str) -> bool:
    return len(text) > 1 and text[0] == "\\" and text[1].isascii() and text[1].isalpha()


def _blank(text: str) -> bool:
    return text.isspace() or text.startswith("%")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _join(texts: Iterator[str] | list[str]) -> str:
    """Tokens back to text; a space keeps a command word from running into a following letter."""
    parts: list[str] = []
    word = False
    for t in texts:
        if word and t[:1].isascii() and t[:1].isalpha():
            parts.append(" ")
        parts.append(t)
        word = _is_word(t)
    return "".join(parts)


@dataclass(frozen=True)
class Macro:
    """One definition: ``body`` holds tokens, a parameter as one token ``"#k"``.

    ``default`` is the default of an optional first argument (``\\newcommand{\\x}[2][0]{..}``),
    None without one. ``provide`` marks ``\\providecommand`` (it never replaces a definition),
    ``star`` a package command whose ``*`` form is read as the plain one.
    """

    name: str
    nargs: int = 0
    body: tuple[str, ...] = ()
    default: tuple[str, ...] | None = None
    origin: str = ""
    provide: bool = False
    star: bool = False
    handler: Callable[[_Stream, str, int], list[Tok]] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class MacroTable:
    """Macros by name (without the backslash); package macros answer for names it lacks."""

    macros: Mapping[str, Macro] = field(default_factory=lambda: MappingProxyType({}))
    packages: bool = True

    def lookup(self, name: str) -> Macro | None:
        found = self.macros.get(name)
        if found is None and self.packages:
            found = PACKAGE_MACROS.get(name)
        return found

    def over(self, earlier: MacroTable) -> MacroTable:
        """This table's definitions laid over ``earlier``'s (``\\providecommand`` only fills gaps)."""
        merged = dict(earlier.macros)
        for name, macro in self.macros.items():
            if not (macro.provide and name in merged):
                merged[name] = macro
        return MacroTable(MappingProxyType(merged), self.packages and earlier.packages)

    def __len__(self) -> int:
        return len(self.macros)

    def __contains__(self, name: object) -> bool:
        return name in self.macros


class _Stream:
    """Tokens still to read, next one last (so pushing a body back in front is cheap)."""

    def __init__(self, stack: list[Tok], work_limit: int = MAX_WORK) -> None:
        self.stack = stack
        self.work = 0
        self.steps = 0  # expansions made
        self.work_limit = work_limit
        self.longest = 0  # a group longer than this many tokens is refused (0: no limit)

    def more(self) -> bool:
        """Put more tokens at the back of the stack (a stream of the whole input has none)."""
        return False

    def has(self) -> bool:
        return bool(self.stack) or self.more()

    def _pop(self, name: str) -> Tok:
        self.work += 1
        if self.work > self.work_limit:
            raise LatexError(f"macro \\{name}: expansion reads more than {self.work_limit} tokens")
        if not self.stack:
            self.more()
        return self.stack.pop()

    def _next(self) -> int:
        """Where the next token that is no space or comment is in the stack (-1: none).

        Looking ahead leaves the spaces in place: a line break after ``\\pdv{f}{x}`` stays in the
        text (lines of later steps are counted from it); taking a token drops them, as TeX does.
        """
        i = len(self.stack) - 1
        while i >= 0 and _blank(self.stack[i][0]):
            i -= 1
        if i < 0 and self.more():
            return self._next()
        return i

    def peek(self) -> str | None:
        i = self._next()
        return self.stack[i][0] if i >= 0 else None

    def take(self, name: str = "") -> Tok:
        """The next token that is no space (the spaces before it dropped)."""
        del self.stack[self._next() + 1 :]
        return self._pop(name)

    def group(self, name: str) -> list[Tok] | None:
        """A braced group after spaces (braces dropped), or None when the next token is no ``{``."""
        if self.peek() != "{":
            return None
        self.take(name)
        inner: list[Tok] = []
        level = 0
        while self.has():
            if self.longest and len(inner) >= self.longest:
                raise LatexError(
                    f"macro \\{name}: a group longer than {self.longest} tokens (or one that does not close)"
                )
            tok = self._pop(name)
            if tok[0] == "{":
                level += 1
            elif tok[0] == "}":
                if level == 0:
                    return inner
                level -= 1
            inner.append(tok)
        raise LatexError(f"macro \\{name}: an argument's braces do not close")

    def argument(self, name: str) -> list[Tok]:
        braced = self.group(name)
        if braced is not None:
            return braced
        nxt = self.peek()
        if nxt is None or nxt == "}":
            raise LatexError(f"macro \\{name} is missing an argument")
        return [self.take(name)]

    def delimited(self, name: str, opener: str, closer: str) -> list[Tok] | None:
        """``opener .. closer`` after spaces, nested pairs kept and braces respected; else None."""
        if self.peek() != opener:
            return None
        self.take(name)
        inner: list[Tok] = []
        level = braces = 0
        while self.has():
            tok = self._pop(name)
            text = tok[0]
            braces += (text == "{") - (text == "}")
            if braces < 0 or len(inner) > MAX_BODY:
                break
            if braces == 0 and text == closer and level == 0:
                return inner
            if braces == 0 and opener != closer:
                level += (text == opener) - (text == closer)
            inner.append(tok)
        raise LatexError(f"macro \\{name}: {opener!r} is not closed by {closer!r}")

    def star(self) -> None:
        if self.peek() == "*":
            self.take()


# ---------------------------------------------------------------------------------------
# Expansion


@dataclass
class ExpansionBudget:
    """What the expansions of one document may spend together, besides each call's own limits
    (a document of many blocks each just within them would otherwise take minutes)."""

    steps: int = 100_000
    tokens: int = 5_000_000

    def spend(self, steps: int, tokens: int) -> None:
        self.steps -= steps
        self.tokens -= tokens


def expand(tex: str, table: MacroTable, budget: ExpansionBudget | None = None) -> str:
    """``tex`` with the table's macros (and package macros) expanded; unchanged if it uses none.

    Raises `LatexError` naming the macro when an expansion exceeds a limit (see the module
    docstring) or a macro lacks an argument, and when ``budget`` (shared by the calls for one
    document) is spent.
    """
    if not any(table.lookup(m.group(1)) for m in _WORD_USE.finditer(tex)) and not _SPECIAL_USE.search(tex):
        return tex
    if budget is not None and (budget.steps <= 0 or budget.tokens <= 0):
        raise LatexError("not expanded: the document's macros used up their budget in earlier blocks")
    toks = _tokens(tex)
    _check_nesting(toks, table)
    stream = _Stream([(t, 0) for t in reversed(toks)])
    out: list[str] = []
    try:
        return _expand(stream, out, table, tex)
    finally:
        if budget is not None:
            budget.spend(stream.steps, len(toks) + stream.work + len(out))


def _expand(stream: _Stream, out: list[str], table: MacroTable, tex: str) -> str:
    limit = min(MAX_OUTPUT, max(MIN_OUTPUT, OUTPUT_FACTOR * len(tex)))
    size = 0
    while stream.stack:
        text, depth = stream.stack.pop()
        macro = table.lookup(text[1:]) if _is_word(text) else None
        if macro is None:
            if text == "\\operatorname":
                stream.star()  # \operatorname*{argmax}: the star only moves limits
            elif text == "\\mathop" and _empty_group(stream):
                continue  # \mathop{}\!\mathrm{d}: spacing around a differential
            elif text in _BRACES:
                stream.stack.extend(reversed(_braced_content(stream, out, text, table)))
                continue
            out.append(text)
            size += len(text)
            if size > limit:
                raise LatexError(f"expansion gives more than {limit} characters", fragment=tex[:200])
            continue
        name = macro.name
        stream.steps += 1
        if depth >= MAX_DEPTH:
            raise LatexError(f"macro \\{name} expands without end (depth {MAX_DEPTH})", fragment=tex[:200])
        if stream.steps > MAX_STEPS:
            raise LatexError(
                f"macro \\{name} expands without end (more than {MAX_STEPS} expansions)", fragment=tex[:200]
            )
        try:
            body = macro.handler(stream, name, depth) if macro.handler else _substitute(stream, macro, depth)
        except LatexError as exc:
            raise LatexError(str(exc), fragment=tex[:200]) from None
        if len(stream.stack) + len(body) + size > limit:
            raise LatexError(f"macro \\{name} expands to more than {limit} characters", fragment=tex[:200])
        stream.stack.extend(reversed(body))
    return _join(out)


def _check_nesting(toks: list[str], table: MacroTable) -> None:
    level = 0
    for t in toks:
        level += (t == "{") - (t == "}")
        if level > MAX_NESTING:
            used = next((t[1:] for t in toks if _is_word(t) and table.lookup(t[1:])), "")
            raise LatexError(f"macro \\{used} is used inside braces nested more than {MAX_NESTING} deep")


def _empty_group(stream: _Stream) -> bool:
    if stream.peek() != "{":
        return False
    brace = stream.take()
    if stream.peek() == "}":
        stream.take()
        return True
    stream.stack.append(brace)
    return False


def _substitute(stream: _Stream, macro: Macro, depth: int) -> list[Tok]:
    if macro.star:
        stream.star()
    args: list[list[Tok]] = []
    if macro.default is not None:
        given = stream.delimited(macro.name, "[", "]")
        args.append(given if given is not None else [(t, depth + 1) for t in macro.default])
    while len(args) < macro.nargs:
        args.append(stream.argument(macro.name))
    size = sum(len(args[int(t[1]) - 1]) if t[0] == "#" else 1 for t in macro.body)
    if size > MAX_OUTPUT:
        raise LatexError(f"macro \\{macro.name} expands to more than {MAX_OUTPUT} characters")
    body: list[Tok] = []
    for t in macro.body:
        if t[0] == "#":
            body.extend(args[int(t[1]) - 1])
        else:
            body.append((t, depth + 1))
    return body


# ---------------------------------------------------------------------------------------
# Package macros (physics, mathtools)


def _lit(tex: str, depth: int) -> list[Tok]:
    return [(t, depth + 1) for t in _tokens(tex)]


def _derivative(symbol: str) -> Callable[[_Stream, str, int], list[Tok]]:
    """physics' ``\\pdv``/``\\dv``: ``{f}{x}``, ``[n]{f}{x}``, ``{f}{x}{y}`` (mixed), ``{x}`` (operator)."""

    def handler(stream: _Stream, name: str, depth: int) -> list[Tok]:
        stream.star()
        order = stream.delimited(name, "[", "]")
        args: list[list[Tok]] = []
        while len(args) < 3 and (arg := stream.group(name)) is not None:
            args.append(arg)
        if not args:
            raise LatexError(f"macro \\{name} is missing an argument")
        power = _lit("^{", depth) + order + _lit("}", depth) if order else []
        if len(args) == 3:
            f, x, y = args
            return (_lit(f"\\frac{{{symbol}^{{2}} ", depth) + f + _lit(f"}}{{{symbol} ", depth) + x
                    + _lit(f" {symbol} ", depth) + y + _lit("}", depth))  # fmt: skip
        f, x = ([], args[0]) if len(args) == 1 else args
        return (_lit(f"\\frac{{{symbol}", depth) + power + _lit(" ", depth) + f + _lit(f"}}{{{symbol} ", depth)
                + x + power + _lit("}", depth))  # fmt: skip

    return handler


_QTY_PAIRS = {"(": (")", "\\left(", "\\right)"), "[": ("]", "\\left[", "\\right]"), "|": ("|", "\\left|", "\\right|")}


def _qty(stream: _Stream, name: str, depth: int) -> list[Tok]:
    """physics' ``\\qty(..)``, ``\\qty[..]``, ``\\qty{..}``, ``\\qty|..|``: sized brackets."""
    stream.star()
    braced = stream.group(name)
    if braced is not None:
        return _lit("\\left\\{", depth) + braced + _lit("\\right\\}", depth)
    opener = stream.peek()
    if opener not in _QTY_PAIRS:
        raise LatexError(f"macro \\{name} is missing a bracket")
    closer, left, right = _QTY_PAIRS[opener]
    inner = stream.delimited(name, opener, closer) or []
    return _lit(left, depth) + inner + _lit(right, depth)


def _eval(stream: _Stream, name: str, depth: int) -> list[Tok]:
    """physics' ``\\eval{f}_a^b`` (also ``\\eval(f|_a^b``): the evaluation bar ``\\left. f \\right|_{a}^{b}``."""
    stream.star()
    inner = stream.group(name)
    left = "\\left. "
    if inner is None:
        opener = stream.peek()
        if opener not in ("(", "["):
            raise LatexError(f"macro \\{name} is missing an argument")
        inner = stream.delimited(name, opener, "|") or []
        left = "\\left" + opener + " "
    body = _lit(left, depth) + inner + _lit(" \\right|", depth)
    seen: set[str] = set()
    while (mark := stream.peek() or "") in ("_", "^") and mark not in seen:  # limits as written, each braced
        seen.add(mark)
        stream.take(name)
        body += _lit(mark + "{", depth) + stream.argument(name) + _lit("}", depth)
    return body


def _dd(stream: _Stream, name: str, depth: int) -> list[Tok]:
    """physics' ``\\dd x`` / ``\\dd{x}``: the differential ``\\mathrm{d} x``."""
    arg = stream.group(name)
    return _lit("\\mathrm{d}", depth) + (_lit(" ", depth) + arg if arg else [])


# ---------------------------------------------------------------------------------------
# Typography: labelling braces, spacing, negated relations

#: ``\\underbrace{X}_{label}`` / ``\\overbrace{X}^{label}``: the mark that carries each one's label.
_BRACES = {"\\underbrace": "_", "\\overbrace": "^"}
#: Relations and operators after which (or before which) an expression stands alone: a sum under a
#: brace there reads the same with or without parentheses (``a = \\underbrace{b + c}_{s} + d``).
_RELATION_WORDS = frozenset(
    {"\\le", "\\leq", "\\ge", "\\geq", "\\ne", "\\neq", "\\approx", "\\equiv", "\\sim", "\\propto", "\\simeq",
     "\\leqslant", "\\geqslant", "\\quad", "\\qquad", "\\\\", "\\coloneqq", "\\to", "\\implies", "\\iff",
     "\\Rightarrow", "\\Leftrightarrow"}
)  # fmt: skip
_SAFE_BEFORE = frozenset({"(", "[", "{", "\\{", "+", "=", "<", ">", "&", ",", ";", ":"}) | _RELATION_WORDS
_SAFE_AFTER = (
    frozenset({")", "]", "}", "\\}", "+", "-", "=", "<", ">", "&", ",", ";", ".", "\\right", "\\bigr", "\\Bigr",
               "\\biggr", "\\Biggr", "\\text", "\\mathrm", "\\textrm", "\\underbrace", "\\overbrace"})
    | _RELATION_WORDS
)  # fmt: skip
#: Between these and what follows, grouping matters even for a product (``1/\\underbrace{ab}_{c}``).
_BINDS_AFTER = frozenset({"/", "^", "_", "\\div"})
_BINDS_BEFORE = frozenset({"^", "_", "'", "!"})
_SPACING = frozenset({"\\,", "\\;", "\\:", "\\!", "\\ ", "\\left", "\\bigl", "\\Bigl", "\\biggl", "\\Biggl"})
_RELATION_TOKENS = frozenset({"=", "<", ">"}) | _RELATION_WORDS - {"\\quad", "\\qquad", "\\\\"}


def _label(stream: _Stream, name: str) -> None:
    """Drop a brace's label: ``{...}``, a token, or a font or text command with its group
    (``_\\text{$\\sum_j W_{ij}v_j$}``)."""
    if stream.group(name) is not None:
        return
    tok = stream.take(name)[0]
    if _is_word(tok):
        stream.star()
        stream.group(name)


def _top_level(toks: list[Tok]) -> list[str]:
    """The tokens of ``toks`` outside braces and brackets, spaces dropped."""
    out: list[str] = []
    level = 0
    for text, _ in toks:
        if text in ("}", ")", "]"):
            level -= 1
        elif level == 0 and not _blank(text):
            out.append(text)
        if text in ("{", "(", "["):
            level += 1
    return out


_SUM_SIGNS = frozenset({"+", "-", "\\pm", "\\mp"})


def _may_be_sum(top: list[str], table: MacroTable, depth: int = 0) -> bool:
    """Whether the top-level tokens ``top`` hold a sum, macros looked into (``\\w`` for ``\\mathbf{w}``
    is none; a body that places an argument at its top level, ``#1``, may be one, as may a macro
    nested too deep)."""
    for t in top:
        if t in _SUM_SIGNS:
            return True
        macro = table.lookup(t[1:]) if _is_word(t) else None
        if macro is None or macro.handler is not None:
            continue  # a package macro with a handler gives a bracket, a fraction or a differential
        body = _top_level([(b, 0) for b in macro.body])
        if depth >= 4 or any(b.startswith("#") for b in body) or _may_be_sum(body, table, depth + 1):
            return True
    return False


def _takes_operand(tok: str) -> bool:
    """Whether the command ``tok`` applies to what follows it (``\\exp``, ``\\sqrt``, a font)."""
    from derive.latex import tokens  # noqa: PLC0415 - its tables, read only here

    word = tok[1:]
    return _is_word(tok) and (
        word in tokens._FUNCS or word in tokens._FONTS or word in tokens._ACCENTS or word in tokens._ROUTINES
    )


def _atomic(toks: list[Tok]) -> bool:
    """Whether ``toks`` is one operand however it is grouped: a token, a bracketed group, a fraction
    or root (``\\frac{a}{b}``, ``(a + b)``, ``\\left(a + b\\right)``)."""
    top = [t for t in _top_level(toks) if t not in _SPACING and t != "\\right"]
    if len(top) <= 1:
        return not (top and top[0] in ("-", "+", "\\pm", "\\mp"))
    return top[0] in ("\\frac", "\\dfrac", "\\tfrac", "\\sqrt") and all(t in ("{", "}") for t in top[1:])


def _braced_content(stream: _Stream, out: list[str], mark: str, table: MacroTable) -> list[Tok]:
    """The content X of ``\\underbrace{X}_{label}`` (``\\overbrace{X}^{label}``), read as X: the label
    names or justifies X, and is not checked (a relation inside it, ``_{=1}``, is no claim read).

    The brace also groups X, which the formula without it does not: ``2\\underbrace{x + y}_{s}`` is
    2(x + y) to its author and 2x + y as typeset. Where the two readings differ (a sum, or a product
    next to a power, a division or a function name), nothing is read: `LatexError` says to write
    parentheses. A relation under a brace, even a lone one (``a \\underbrace{=}_{x = 0} b``, whose label
    may be the condition it holds under), is not read.
    """
    name = mark[1:]
    content = stream.group(name)
    if content is None:
        raise LatexError(f"\\{name} without braces around what it marks")
    if stream.peek() == _BRACES[mark]:
        stream.take(name)
        _label(stream, name)
    top = [t for t in _top_level(content) if t not in _SPACING]
    if any(t in _RELATION_TOKENS for t in top):
        # also a lone one, a \\underbrace{=}_{x = 0} b: its label may be the condition it holds under
        raise LatexError(f"\\{name} around a relation: it is not at the top level, and derive does not read it")
    before = next((t for t in reversed(out) if not _blank(t) and t not in _SPACING), None)
    after = stream.peek()
    summed = _may_be_sum(top, table)
    alone = (before is None or before in _SAFE_BEFORE) and (after is None or after in _SAFE_AFTER)
    binds = before in _BINDS_AFTER or after in _BINDS_BEFORE or (before is not None and _takes_operand(before))
    if (summed and not alone) or (binds and not _atomic(content)):
        raise LatexError(
            f"\\{name} groups what it marks, the formula without it does not (next to {before or after!r}): "
            f"write parentheses inside it, \\{name}{{(...)}}"
        )
    return content


#: ``\\hskip``, ``\\kern``, ...: the TeX length after them (``0.25em``, ``-3mu``, ``2pt plus 1fil``).
_UNIT = r"(?:em|ex|pt|pc|in|cm|mm|bp|dd|cc|sp|mu|px)"
_LENGTH = re.compile(
    rf"\s*[-+]?\s*(?:\d+(?:\.\d*)?|\.\d+)\s*(?:true\s*)?{_UNIT}"
    rf"(?:\s*plus\s*[-+]?\s*(?:\d+(?:\.\d*)?|\.\d+)?\s*(?:{_UNIT}|fil{{1,3}}))?"
    rf"(?:\s*minus\s*[-+]?\s*(?:\d+(?:\.\d*)?|\.\d+)?\s*(?:{_UNIT}|fil{{1,3}}))?"
)
_LENGTH_LOOKAHEAD = 60  # tokens: a length is a few characters


def _skip(stream: _Stream, name: str, depth: int) -> list[Tok]:
    """``\\hskip 0.25em``, ``\\kern-3mu``, ``\\mskip 2mu plus 1fil``: spacing, read as a thin space."""
    ahead: list[Tok] = []
    while len(ahead) < _LENGTH_LOOKAHEAD and stream.has() and not stream.stack[-1][0].startswith("\\"):
        ahead.append(stream.stack.pop())
    text = "".join(t for t, _ in ahead)
    m = _LENGTH.match(text)
    if m is None:
        stream.stack.extend(reversed(ahead))
        raise LatexError(f"\\{name}: cannot read the length after it (write \\hspace{{0.5em}}, or \\quad)")
    used = 0
    while ahead and used < m.end():
        used += len(ahead[0][0])
        ahead.pop(0)
    stream.stack.extend(reversed(ahead))
    return _lit("\\,", depth)


def _space(stream: _Stream, name: str, depth: int) -> list[Tok]:
    """``\\hspace{1em}``, ``\\hspace*{2pt}``, ``\\vspace{..}``: spacing, read as a thin space (which keeps
    two numerals apart, ``2\\hspace{3pt}3`` is no 23)."""
    stream.star()
    if stream.group(name) is None:
        raise LatexError(f"macro \\{name} is missing its length in braces")
    return _lit("\\,", depth)


#: ``\\not`` before a relation: the negated relation (amssymb's single commands).
_NEGATED = {"=": "\\neq", "\\in": "\\notin", "\\ni": "\\notni"}


def _not(stream: _Stream, name: str, depth: int) -> list[Tok]:
    """``\\not=``, ``\\not\\in``: ≠ and ∉. Other negations are not read (an error says so)."""
    nxt = stream.peek()
    if nxt not in _NEGATED:
        raise LatexError(f"\\not before {nxt or 'nothing'}: derive reads \\not= (\\neq) and \\not\\in (\\notin)")
    stream.take(name)
    return _lit(_NEGATED[nxt], depth)


def _package(name: str, body: str = "", nargs: int = 0, handler: Any = None) -> Macro:
    star = nargs > 0  # handlers read their own star; a star after a plain word is no argument of it
    return Macro(name, nargs, tuple(_param_tokens(_tokens(body))), origin="package", star=star, handler=handler)


def _param_tokens(toks: list[str]) -> Iterator[str]:
    i = 0
    while i < len(toks):
        if toks[i] == "#" and i + 1 < len(toks) and toks[i + 1] in "123456789":
            yield "#" + toks[i + 1]
            i += 2
        else:
            yield toks[i]
            i += 1


#: Always available unless the document defines the name (physics' ``\\var`` is a functional
#: variation, not a variance: deliberately absent, so an undefined ``\\var`` stays unread).
PACKAGE_MACROS: Mapping[str, Macro] = MappingProxyType(
    {
        m.name: m
        for m in (
            _package("pdv", handler=_derivative("\\partial")),
            _package("dv", handler=_derivative("d")),
            _package("qty", handler=_qty),
            _package("eval", handler=_eval),
            _package("dd", handler=_dd),
            _package("abs", "\\left|#1\\right|", 1),
            _package("norm", "\\left\\|#1\\right\\|", 1),
            _package("vb", "\\mathbf{#1}", 1),
            _package("grad", "\\nabla"),
            _package("tr", "\\operatorname{tr}"),
            _package("Tr", "\\operatorname{Tr}"),
            _package("coloneqq", ":="),
            _package("boxed", "{#1}", 1),  # a boxed result is its content (derive grade reads the box itself)
            # TeX and LaTeX commands that often end up in macro bodies or plain-TeX rows
            _package("ensuremath", "{#1}", 1),
            _package("xspace"),
            _package("relax"),
            _package("cr", "\\\\"),
            _package("hbox", "\\mbox"),
            # spacing and negation (see `_skip`, `_space`, `_not`)
            *(_package(n, handler=_skip) for n in ("hskip", "kern", "mkern", "mskip", "vskip")),
            *(_package(n, handler=_space) for n in ("hspace", "vspace")),
            _package("hfill", "\\,"),
            _package("hfil", "\\,"),
            _package("not", handler=_not),
        )
    }
)


# ---------------------------------------------------------------------------------------
# Reading definitions


class _NotReadError(Exception):
    """A definition that is not read; the message says why (becomes a problem line)."""


@dataclass(frozen=True)
class Definition:
    """One definition command found in a text: where it is, and the macro or why it is not read."""

    start: int
    end: int
    command: str
    macro: Macro | None
    problem: str | None


_DEFINING = ("newcommand", "renewcommand", "providecommand", "DeclareRobustCommand", "DeclareMathOperator",
             "DeclarePairedDelimiter", "NewDocumentCommand", "RenewDocumentCommand", "ProvideDocumentCommand",
             "DeclareDocumentCommand", "def", "gdef", "edef", "xdef", "let")  # fmt: skip
_DEFINITION = re.compile(r"\\(" + "|".join(_DEFINING) + r")(?![A-Za-z])")
_ANY_COMMAND = re.compile(
    r"\\(" + "|".join(sorted(set(_DEFINING) | HOSTILE_COMMANDS, key=len, reverse=True)) + r")(?![A-Za-z])"
)


def read_definitions(text: str, origin: str = "") -> tuple[MacroTable, list[str]]:
    """The macro definitions anywhere in ``text``, and a problem line for each one not read.

    ``origin`` prefixes the problems (``"common.tex line 3: ..."``). Text that is no definition
    is skipped; ``\\input``/``\\include`` and the other hostile commands are reported, never
    followed. A later definition of a name replaces an earlier one (``\\providecommand`` never
    does). Never raises.
    """
    found = scan_definitions(text, origin)
    macros: dict[str, Macro] = {}
    for d in found:
        if d.macro is not None and not (d.macro.provide and d.macro.name in macros):
            macros[d.macro.name] = d.macro
    return MacroTable(MappingProxyType(macros)), [d.problem for d in found if d.problem]


def scan_definitions(text: str, origin: str = "", *, others: bool = True) -> list[Definition]:
    """The definition commands of ``text`` in order (with ``others``, the hostile commands too).

    A command in a TeX comment or inside an earlier definition is not one; only the text after
    a command is tokenized, so a long document without definitions costs one regex scan.
    """
    where = f"{origin} line" if origin else "line"
    found: list[Definition] = []
    known: dict[str, Macro] = {}
    done = counted = 0
    line = 1
    skipped = _false_spans(text)
    for m in (_ANY_COMMAND if others else _DEFINITION).finditer(text):
        if m.start() < done or _commented(text, m.start()) or any(a <= m.start() < b for a, b in skipped):
            continue
        name = m.group(1)
        line += text.count("\n", counted, m.start())
        counted = m.start()
        if len(found) >= MAX_DEFINITIONS:
            problem = (
                f"{where} {line}: more than {MAX_DEFINITIONS} definitions; the rest of the text is not read for them"
            )
            found.append(Definition(m.start(), len(text), name, None, problem))
            break
        macro, problem, end = _one_definition(text, m.end(), name, f"{where} {line}", known)
        if name in _DEFINING:
            done = end
        elif problem is None:
            continue  # \usepackage and friends: harmless, not reported
        found.append(Definition(m.start(), end, name, macro, problem))
        if macro is not None and not (macro.provide and macro.name in known):
            known[macro.name] = macro
    return found


def _one_definition(
    text: str, at: int, name: str, origin: str, known: Mapping[str, Macro]
) -> tuple[Macro | None, str | None, int]:
    """The definition whose command ends at ``at``: the macro or the problem, and where it ends.

    The text after the command is tokenized in a short window first, and in the longest one
    a definition may take only when the short one does not hold it (most definitions are a line).
    """
    stream = _Lazy(text, at)
    try:
        macro, problem = _definition(stream, name, origin, known), None
        if macro is not None and macro.provide and _built_in(macro.name):
            macro = None  # \\providecommand{\\exp}{...}: LaTeX keeps \\exp, and so does derive
    except (_NotReadError, LatexError) as exc:
        why = str(exc).removeprefix("macro \\" + name + ": ")
        macro, problem = None, f"{origin}: \\{name}: {why}"
    end = stream.stack[-1][1] if stream.has() else len(text)
    return macro, problem, end


def _built_in(name: str) -> bool:
    """Whether LaTeX already defines ``\\name``, which ``\\providecommand`` then leaves as it is:
    the commands the reader knows (functions, Greek letters, fonts, operators)."""
    from derive.latex import tokens  # noqa: PLC0415 - its tables, read only here

    tables = (
        tokens._FUNCS, tokens._WORDS, tokens._GREEK, tokens._FONTS, tokens._ACCENTS, tokens._BOLD,
        tokens._ROUTINES, tokens._RELATIONS, tokens._ARROWS, tokens._MULTIPLY, tokens._ELLIPSES,
        tokens._TRACE, tokens._IGNORED, tokens._INVERSES,
    )  # fmt: skip
    return any(name in table for table in tables)  # a package macro (\\abs) may be the author's own


_CONDITIONAL = re.compile(r"(?<!\\)\\(iffalse|if[A-Za-z]*|fi)(?![A-Za-z])")


def _false_spans(text: str) -> list[tuple[int, int]]:
    """The spans of ``\\iffalse ... \\fi`` (nested conditionals counted): TeX skips them, so a definition
    there is none (a macro file's commented-out ``\\renewcommand``)."""
    spans: list[tuple[int, int]] = []
    start, depth = -1, 0
    for m in _CONDITIONAL.finditer(text):
        if _commented(text, m.start()):
            continue
        word = m.group(1)
        if word in ("iff", "ifthenelse"):
            continue  # the relation \\iff and the ifthen package's macro close with no \\fi
        if start < 0:
            if word == "iffalse":
                start, depth = m.start(), 1
        elif word == "fi":
            depth -= 1
            if depth == 0:
                spans.append((start, m.end()))
                start = -1
        else:
            depth += 1
    if start >= 0:
        spans.append((start, len(text)))  # never closed: TeX skips to the end
    return spans


def _commented(text: str, at: int) -> bool:
    """Whether an unescaped ``%`` earlier on its line comments out the position ``at``."""
    start = text.rfind("\n", 0, at) + 1
    if text.find("%", start, at) < 0:
        return False
    return re.search(r"(?<!\\)(?:\\\\)*%", text[start:at]) is not None


class _Lazy(_Stream):
    """The tokens after a definition command, tokenized as they are read (most definitions are
    a line; a brace that never closes costs at most `MAX_BODY` tokens, not the rest of the file)."""

    def __init__(self, text: str, at: int) -> None:
        super().__init__([], work_limit=4 * MAX_BODY)
        self.longest = MAX_BODY
        self._source = _TOKEN.finditer(text, at)
        self._chunk = 16

    def more(self) -> bool:
        chunk = [(m.group(), m.start()) for m in itertools.islice(self._source, self._chunk)]
        self._chunk = min(2 * self._chunk, 4_096)
        self.stack[:0] = reversed(chunk)
        return bool(chunk)


def _definition(stream: _Stream, cmd: str, origin: str, known: Mapping[str, Macro]) -> Macro | None:
    if cmd in _DEFINERS:
        return _newcommand(stream, cmd, origin)
    if cmd == "DeclareMathOperator":
        star = stream.peek() == "*"
        stream.star()
        name = _defined_name(stream, cmd)
        word = stream.group(cmd)
        if word is None:
            raise _NotReadError("the operator's name is missing (\\DeclareMathOperator{\\name}{text})")
        text = "".join(t for t, _ in word)
        if re.fullmatch(r"(?:[A-Za-z\s-]|\\[,;:! ])+", text):
            body = "\\operatorname" + ("*" if star else "") + "{" + text + "}"
        else:  # \DeclareMathOperator{\E}{\mathbb{E}}: an upright font over what is already a symbol
            body = text
        return _checked(name, body, 0, None, origin)
    if cmd == "DeclarePairedDelimiter":
        return _paired(stream, cmd, origin)
    if cmd.endswith("DocumentCommand"):
        return _document_command(stream, cmd, origin)
    if cmd in ("def", "gdef"):
        return _def(stream, origin)
    if cmd == "let":
        return _let(stream, origin, known)
    if cmd in ("edef", "xdef"):
        raise _NotReadError("not read (it expands its body when defined; write \\def or \\newcommand)")
    if cmd in _QUIET:
        return None
    if cmd in ("input", "include", "InputIfFileExists", "import", "subimport"):
        raise _NotReadError("not followed (derive reads no other files; name macro files with --macros FILE)")
    raise _NotReadError("ignored (derive never runs programs or changes how TeX reads)")


def _defined_name(stream: _Stream, cmd: str) -> str:
    """The command a definition names: ``\\x`` or ``{\\x}``."""
    braced = stream.group(cmd)
    toks = [t for t, _ in braced] if braced is not None else ([stream.take(cmd)[0]] if stream.peek() else [])
    toks = [t for t in toks if not t.isspace()]
    if len(toks) != 1 or not toks[0].startswith("\\") or len(toks[0]) < 2:
        raise _NotReadError(f"cannot read the name being defined ({''.join(toks)[:40]!r})")
    name = toks[0][1:]
    if not _is_word(toks[0]):
        raise _NotReadError(f"redefining \\{name} is refused (a character command)")
    if name in HOSTILE_COMMANDS or name in _RESERVED:
        raise _NotReadError(f"redefining \\{name} is refused")
    return name


def _newcommand(stream: _Stream, cmd: str, origin: str) -> Macro:
    stream.star()  # \newcommand*: the star forbids paragraphs in arguments, nothing else
    name = _defined_name(stream, cmd)
    count = stream.delimited(cmd, "[", "]")
    nargs = 0
    if count is not None:
        digits = "".join(t for t, _ in count).strip()
        if digits not in tuple("0123456789"):
            raise _NotReadError(f"\\{name}: the argument count [{digits[:20]}] is not a digit 0-9")
        nargs = int(digits)
    default = stream.delimited(cmd, "[", "]")
    if default is not None and nargs == 0:
        raise _NotReadError(f"\\{name}: an optional argument needs an argument count")
    body = stream.group(cmd)
    if body is None:
        raise _NotReadError(f"\\{name} has no body in braces")
    return _checked(
        name,
        "".join(t for t, _ in body),
        nargs,
        None if default is None else "".join(t for t, _ in default),
        origin,
        provide=cmd == "providecommand",
    )


def _paired(stream: _Stream, cmd: str, origin: str) -> Macro:
    """mathtools' ``\\DeclarePairedDelimiter{\\abs}{\\lvert}{\\rvert}``: ``\\abs{x}``, ``\\abs*{x}`` and
    ``\\abs[\\big]{x}`` all read as ``\\left\\lvert x \\right\\rvert`` (the size is typography)."""
    name = _defined_name(stream, cmd)
    left, right = stream.group(cmd), stream.group(cmd)
    if left is None or right is None:
        raise _NotReadError(
            f"\\{name}: the delimiters are missing (\\DeclarePairedDelimiter{{\\name}}{{left}}{{right}})"
        )
    body = f"\\left{''.join(t for t, _ in left).strip()} #2 \\right{''.join(t for t, _ in right).strip()}"
    return replace(_checked(name, body, 2, "", origin), star=True)


def _document_command(stream: _Stream, cmd: str, origin: str) -> Macro:
    """xparse's ``\\NewDocumentCommand{\\inner}{mm}{..}``: mandatory arguments (``m``), after at most
    one optional first one (``o``, or ``O{default}``); other argument types are not read."""
    name = _defined_name(stream, cmd)
    spec, body = stream.group(cmd), stream.group(cmd)
    if spec is None or body is None:
        raise _NotReadError(f"\\{name}: write \\{cmd}{{\\name}}{{argument types}}{{body}}")
    text = "".join(t for t, _ in spec if not t.isspace())
    m = re.fullmatch(r"(o|O\{([^{}]*)\})?(m*)", text)
    if m is None or len(text) > 40:
        raise _NotReadError(f"\\{name}: argument types {text[:40]!r} are not read (only m, and o or O{{..}} first)")
    default = None if m.group(1) is None else (m.group(2) or "")
    nargs = (m.group(1) is not None) + len(m.group(3))
    if nargs > 9:
        raise _NotReadError(f"\\{name}: more than 9 arguments")
    provide = cmd == "ProvideDocumentCommand"
    return _checked(name, "".join(t for t, _ in body), nargs, default, origin, provide=provide)


def _def(stream: _Stream, origin: str) -> Macro:
    if not (stream.peek() or "").startswith("\\"):
        raise _NotReadError("cannot read the name being defined")
    name = _defined_name(stream, "def")
    params: list[str] = []
    while stream.has() and stream.stack[-1][0] != "{" and len(params) <= 18:
        params.append(stream.stack.pop()[0])
    expected = "".join(f"#{k}" for k in range(1, len(params) // 2 + 1))
    if "".join(params) != expected or len(params) % 2:
        raise _NotReadError(f"\\{name}: parameter text {''.join(params)[:40]!r} is not read (only #1#2...)")
    body = stream.group("def")
    if body is None:
        raise _NotReadError(f"\\{name} has no body in braces")
    return _checked(name, "".join(t for t, _ in body), len(params) // 2, None, origin)


def _let(stream: _Stream, origin: str, known: Mapping[str, Macro]) -> Macro:
    """``\\let\\a=\\b`` / ``\\let\\a\\b``: \\a takes \\b's definition as it is now."""
    if not (stream.peek() or "").startswith("\\"):
        raise _NotReadError("cannot read the name being defined")
    name = _defined_name(stream, "let")
    if stream.peek() == "=":
        stream.take()
    if stream.peek() is None:
        raise _NotReadError(f"\\{name}: nothing to copy")
    target = stream.take()[0]
    if _is_word(target) and target[1:] in known:
        return replace(known[target[1:]], name=name, origin=origin, provide=False)
    return _checked(name, target, 0, None, origin)


def _checked(name: str, body: str, nargs: int, default: str | None, origin: str, *, provide: bool = False) -> Macro:
    """A macro whose body uses no hostile command and only parameters it has."""
    if len(body) > MAX_BODY:
        raise _NotReadError(f"\\{name}: a body longer than {MAX_BODY} characters")
    toks = [t for t in _tokens(body) if not t.startswith("%")]  # "{%" ending a line: layout of the source
    for i, t in enumerate(toks):
        if _is_word(t) and (t[1:] in HOSTILE_COMMANDS or t[1:] in _RESERVED):
            raise _NotReadError(f"\\{name}: its body uses {t}, which is refused")
        if t == "\\":  # a lone backslash would make a new command of the letters after it
            raise _NotReadError(f"\\{name}: its body ends in a lone backslash")
        if t == "#":
            nxt = toks[i + 1] if i + 1 < len(toks) else ""
            if nxt == "#":
                raise _NotReadError(f"\\{name}: its body uses ## (an inner definition's parameter), not read")
            if nxt not in tuple("123456789") or int(nxt) > nargs:
                raise _NotReadError(f"\\{name}: its body uses #{nxt} but it takes {nargs} argument(s)")
    return Macro(
        name,
        nargs,
        tuple(_param_tokens(toks)),
        None if default is None else tuple(_tokens(default)),
        origin,
        provide=provide,
    )


def macros_from_mapping(mapping: Mapping[Any, Any], origin: str = "macros") -> tuple[MacroTable, list[str]]:
    """A ``macros:`` mapping of front matter or a symbols file, and a problem line per entry not read.

    ``{E: "\\\\mathbb{E}", vect: "\\\\mathbf{#1}"}``: the name (with or without its backslash) and
    the body, which takes as many arguments as the highest ``#k`` it uses; ``[body, n]`` gives
    the count ``n`` explicitly (a macro may ignore an argument).
    """
    macros: dict[str, Macro] = {}
    problems: list[str] = []
    for key, value in mapping.items():
        name = str(key).removeprefix("\\")
        try:
            if isinstance(value, (list, tuple)) and len(value) == 2 and isinstance(value[1], int):
                body, nargs = str(value[0]), value[1]
            elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
                body = str(value)
                nargs = max((int(d) for d in re.findall(r"#([1-9])", body)), default=0)
            else:
                raise _NotReadError("give a body, or [body, number of arguments]")
            if not re.fullmatch(r"[A-Za-z]+", name):
                raise _NotReadError("a macro name is letters only")
            if name in HOSTILE_COMMANDS or name in _RESERVED:
                raise _NotReadError(f"redefining \\{name} is refused")
            if not 0 <= nargs <= 9:
                raise _NotReadError("the number of arguments is 0 to 9")
            macros[name] = _checked(name, body, nargs, None, origin)
        except _NotReadError as exc:
            why = str(exc)
            problems.append(f"{origin}: {why}" if why.startswith(f"\\{name}:") else f"{origin}: \\{name}: {why}")
    return MacroTable(MappingProxyType(macros)), problems


MacroSource = str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | Mapping[str, Any] | MacroTable | None


def load_macros(source: MacroSource) -> tuple[MacroTable, list[str]]:
    """Macros given from outside a document, and a problem line for each definition not read.

    ``source``: a macro file (``.tex``/``.sty``, read for its definitions only, never run), a list
    of them (later files win), a ``macros:`` mapping (see `macros_from_mapping`) or a table.
    Raises `UsageError` when a file cannot be read.
    """
    if source is None:
        return MacroTable(), []
    if isinstance(source, MacroTable):
        return source, []
    if isinstance(source, Mapping):
        return macros_from_mapping(source)
    paths = [source] if isinstance(source, (str, os.PathLike)) else list(source)
    table, problems = MacroTable(), []
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            msg = f"cannot read macro file {os.fspath(path)!r}: {exc.strerror or exc}"
            raise UsageError(msg) from exc
        found, more = read_definitions(data.decode("utf-8", errors="replace"), Path(path).name)
        table = found.over(table)
        problems += more
    return table, problems
