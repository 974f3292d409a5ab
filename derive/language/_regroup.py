"""Regrouping of very long flat chains so that Python's parser can read them.

Python's parser builds a left-deep tree for ``a + b + c + ...`` and gives up after a few
thousand terms. `regroup` works on the token stream (``tokenize`` only splits text; it runs
nothing) and inserts parentheses every `_CHUNK` terms: ``(a + ...) + (- c + ...)`` for sums,
each chunk after the first carrying its own leading sign, and ``(a * ...) * (1 / c * ...)``
for products, so the value is unchanged and the tree stays shallow.
"""

from __future__ import annotations

import io
import tokenize

__all__ = ["regroup"]

_CHUNK = 500
_RESET_OPS = frozenset({",", "<", ">", "==", "!=", "<=", ">=", "&", "|", "<<", ">>", ":", "=", ":=", "->", ";"})
_RESET_WORDS = frozenset({"and", "or", "not", "if", "else", "lambda", "in", "is", "for", "await", "yield"})


def regroup(code: str) -> tuple[str, list[int]]:
    """Insert parentheses into long flat chains; return the new code and inserted positions."""
    try:
        tokens = [
            t
            for t in tokenize.generate_tokens(io.StringIO(code).readline)
            if t.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.COMMENT)
        ]
    except (tokenize.TokenError, SyntaxError):
        return code, []
    grouper = _Grouper()
    prev: tokenize.TokenInfo | None = None
    for i, tok in enumerate(tokens):
        operand_before = prev is not None and (
            (prev.type in (tokenize.NAME, tokenize.NUMBER, tokenize.STRING) and prev.string not in _RESET_WORDS)
            or prev.string in (")", "]", "}")
        )
        grouper.token(i, tok, operand_before)
        prev = tok
    grouper.finish(len(tokens))
    if not grouper.inserts:
        return code, []
    return _apply_inserts(code, tokens, grouper.inserts)


class _Level:
    """Chain bookkeeping for one bracket level: where the current sum and product started."""

    def __init__(self, start: int) -> None:
        self.add, self.add_n, self.add_open = start, 0, False
        self.mul, self.mul_n, self.mul_open = start, 0, False


class _Grouper:
    def __init__(self) -> None:
        self.inserts: dict[int, list[str]] = {}
        self.levels = [_Level(0)]

    def insert(self, index: int, piece: str) -> None:
        self.inserts.setdefault(index, []).append(piece)

    def close_mul(self, level: _Level, index: int) -> None:
        if level.mul_open:
            self.insert(index, ")")
        level.mul, level.mul_n, level.mul_open = index + 1, 0, False

    def close(self, level: _Level, index: int) -> None:
        self.close_mul(level, index)
        if level.add_open:
            self.insert(index, ")")
        level.add, level.add_n, level.add_open = index + 1, 0, False

    def token(self, i: int, tok: tokenize.TokenInfo, operand_before: bool) -> None:
        text, level = tok.string, self.levels[-1]
        if text in ("(", "[", "{"):
            self.levels.append(_Level(i + 1))
        elif text in (")", "]", "}"):
            self.close(level, i)
            if len(self.levels) > 1:
                self.levels.pop()
        elif text in _RESET_OPS or (tok.type == tokenize.NAME and text in _RESET_WORDS):
            self.close(level, i)
        elif text in ("+", "-") and operand_before:
            self.close_mul(level, i)
            level.add_n += 1
            if level.add_n % _CHUNK == 0:
                if not level.add_open:
                    self.insert(level.add, "(")
                    level.add_open = True
                self.insert(i, ")+(")  # the operator stays as the next chunk's sign
        elif text in ("*", "/", "@", "%", "//"):
            level.mul_n += 1
            if level.mul_n % _CHUNK == 0:
                if not level.mul_open:
                    self.insert(level.mul, "(")
                    level.mul_open = True
                self.insert(i, ")*(1")  # (a*b)*(1/c*d) keeps a division inside its chunk

    def finish(self, end: int) -> None:
        for level in reversed(self.levels):
            self.close(level, end)


def _apply_inserts(code: str, tokens: list[tokenize.TokenInfo], inserts: dict[int, list[str]]) -> tuple[str, list[int]]:
    pieces: list[str] = []
    positions: list[int] = []
    length = pos = 0
    for i in range(len(tokens) + 1):
        start = tokens[i].start[1] if i < len(tokens) else len(code)
        gap = code[pos:start]
        pieces.append(gap)
        length += len(gap)
        for piece in inserts.get(i, ()):
            positions.extend(range(length, length + len(piece)))
            pieces.append(piece)
            length += len(piece)
        pos = start
    pieces.append(code[pos:])
    return "".join(pieces), positions
