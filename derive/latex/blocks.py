"""Finding the display-math blocks of a document: fences, TeX comments and code spans masked out.

TeX comments (`strip_comments`): inside math, in every file, an unescaped ``%`` comments out
the rest of its line, as TeX and MathJax read it; in a ``.tex`` file the prose's comments are
masked too before any block is looked for, so ``% $$ x = 1 $$`` opens no block. In Markdown
prose a ``%`` is text ("a 50% rate"), and a ``$$`` closes the display math even after a ``%``
on its line (MathJax finds the delimiters before it reads the TeX). A ``%`` is escaped when an
odd number of backslashes precedes it: ``\\%`` is a percent sign, ``\\\\%`` a row break and
then a comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_DISPLAY_ENVS = ("equation", "align", "gather", "eqnarray", "multline", "flalign", "alignat", "displaymath", "math")


# ----------------------------------------------------------------------------------------
# Finding the math.


def _mask(text: str, pattern: re.Pattern[str]) -> str:
    """Blank out regions (keeping newlines) so offsets and line numbers stay valid."""
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.DOTALL | re.MULTILINE)
#: A comment: ``%`` after an even number of backslashes (none, or ``\\\\`` pairs), to the line's end.
_TEX_COMMENT = re.compile(r"(?<!\\)(?:\\\\)*(%[^\n]*)")
_CODE_SPAN = re.compile(r"`[^`\n]+`")
_ONLY_INLINE = re.compile(r"[ \t,;.]*(\$[^$\n]+\$[ \t,;.]*)+")


def strip_comments(text: str) -> str:
    """``text`` with its TeX comments blanked out (offsets and newlines kept).

    >>> strip_comments("a = b % c = d\\nx") == "a = b        \\nx"
    True
    >>> strip_comments(r"50\\% = 0.5")
    '50\\\\% = 0.5'
    """
    if "%" not in text:
        return text
    return _TEX_COMMENT.sub(lambda m: m.group()[: m.start(1) - m.start()] + " " * len(m.group(1)), text)


@dataclass
class _Piece:
    text: str
    offset: int  # where ``text`` starts in the document


@dataclass
class _RawBlock:
    kind: str
    pieces: list[_Piece]
    start: int
    end: int


def _find_blocks(  # noqa: PLR0915 - one linear scan over the openers
    text: str,
    *,
    inline: bool,
    tex: bool,
    errors: list[str],
    line_of: Any,
    context: list[_RawBlock] | None = None,
) -> list[_RawBlock]:
    """The display blocks of ``text`` (and inline ones with ``inline``); without ``inline``,
    the inline ``$...$`` pieces go to ``context``, read for definitions and declarations only."""
    scan = _mask(text, _FENCE)
    scan = strip_comments(scan) if tex else _mask(scan, _CODE_SPAN)
    scan = scan.replace("\\$", "  ")
    env_open = re.compile(r"\\begin\{(" + "|".join(_DISPLAY_ENVS) + r")(\*?)\}")
    blocks: list[_RawBlock] = []
    i, n = 0, len(scan)
    j = k = -2
    m: re.Match[str] | None = None
    m_start = -2
    while i < n:
        # each opener's next position is searched again only once scanning has passed it,
        # so a document with thousands of blocks is read in linear time
        if -1 < j < i or j == -2:
            j = scan.find("$", i)
        if -1 < k < i or k == -2:
            k = scan.find("\\[", i)
        if -1 < m_start < i or m_start == -2:
            m = env_open.search(scan, i)
            m_start = m.start() if m else -1
        candidates = [p for p in (j, k, m.start() if m else -1) if p >= 0]
        if not candidates:
            break
        start = min(candidates)
        if start == j and scan.startswith("$$", j):
            close = scan.find("$$", j + 2)
            if close < 0:
                errors.append(f"line {line_of(j)}: '$$' is never closed; the rest of the file is not read as math")
                break
            blocks.append(_RawBlock("$$", [_Piece(text[j + 2 : close], j + 2)], j, close + 2))
            i = close + 2
            i = _absorb_inline_lines(text, scan, i, blocks[-1])
        elif start == j:
            close = scan.find("$", j + 1)
            if close < 0:
                errors.append(f"line {line_of(j)}: '$' is never closed")
                break
            if inline:
                blocks.append(_RawBlock("inline", [_Piece(text[j + 1 : close], j + 1)], j, close + 1))
            elif context is not None:
                context.append(_RawBlock("context", [_Piece(text[j + 1 : close], j + 1)], j, close + 1))
            i = close + 1
        elif start == k:
            close = scan.find("\\]", k + 2)
            if close < 0:
                errors.append(f"line {line_of(k)}: '\\[' is never closed")
                break
            blocks.append(_RawBlock("\\[", [_Piece(text[k + 2 : close], k + 2)], k, close + 2))
            i = close + 2
        else:
            assert m is not None
            name = m.group(1) + m.group(2)
            end_tag = f"\\end{{{name}}}"
            close = scan.find(end_tag, m.end())
            if close < 0:
                errors.append(f"line {line_of(m.start())}: \\begin{{{name}}} is never closed")
                break
            blocks.append(_RawBlock(name, [_Piece(text[m.end() : close], m.end())], m.start(), close + len(end_tag)))
            i = close + len(end_tag)
    for rb in blocks + (context or []):
        for piece in rb.pieces:
            piece.text = strip_comments(piece.text)  # inside math a % comments out the rest of its line
    return blocks


def _absorb_inline_lines(text: str, scan: str, i: int, block: _RawBlock) -> int:
    """Lines right after a ``$$`` block made only of ``$...$`` pieces belong to it.

    PDF-to-text conversions (the seed homework) break ``$$z = B^T x, \\hat{x} = Bz$$`` into
    a display block and a line ``, $\\hat{x} = Bz$``; such lines (blank lines between are
    allowed) are read as more list items of the block. Returns where scanning resumes.
    """
    line_end = scan.find("\n", i)
    if line_end < 0 or scan[i:line_end].strip():
        return i  # something else follows on the closing line
    pos = line_end + 1
    resume = i
    while pos < len(scan):
        le = scan.find("\n", pos)
        le = len(scan) if le < 0 else le
        line = scan[pos:le]
        if not line.strip():
            pos = le + 1
            continue
        if "$$" in line or not _ONLY_INLINE.fullmatch(line.rstrip()):
            break
        for m in re.finditer(r"\$([^$\n]+)\$", line):
            block.pieces.append(_Piece(text[pos + m.start(1) : pos + m.end(1)], pos + m.start(1)))
        block.end = resume = le
        pos = le + 1
    return resume
