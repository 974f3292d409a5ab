"""Finding the display-math blocks of a document: fences, TeX comments and code spans masked out.

TeX comments (`strip_comments`): inside math, in every file, an unescaped ``%`` comments out
the rest of its line, as TeX and MathJax read it; in a ``.tex`` file the prose's comments are
masked too before any block is looked for, so ``% $$ x = 1 $$`` opens no block. In Markdown
prose a ``%`` is text ("a 50% rate"), and a ``$$`` closes the display math even after a ``%``
on its line (MathJax finds the delimiters before it reads the TeX). A ``%`` is escaped when an
odd number of backslashes precedes it: ``\\%`` is a percent sign, ``\\\\%`` a row break and
then a comment.

Code fences are masked, except what static-site dialects write math in: a MyST ```` ```{math} ````
fence (Jupyter Book) and a Jekyll ``{% math %} ... {% endmath %}`` tag are display math (a MyST
block's equations are separated by blank lines, its ``:label:`` options are no math), and a MyST
prose directive (```` ```{admonition} ````, ```` ```{note} ````, ...) is prose, whose math is read.
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


#: The opening line of a MyST directive fence: ```` ```{math} ````, ```` ```{admonition} Title ````.
_DIRECTIVE = re.compile(r"(?:```|~~~)`*\s*\{(?P<name>[A-Za-z][\w:-]*)\}[^\n]*")
#: MyST directives whose body is prose (with math in it), not code.
_PROSE_DIRECTIVES = frozenset(
    {
        "admonition", "note", "tip", "hint", "important", "warning", "caution", "attention", "danger", "error",
        "seealso", "margin", "sidebar", "topic", "epigraph", "prf:theorem", "prf:lemma", "prf:proof",
        "prf:definition", "prf:proposition", "prf:corollary", "prf:example", "prf:remark",
    }
)  # fmt: skip
_DIRECTIVE_OPTION = re.compile(r"[ \t]*:[A-Za-z][\w-]*:[^\n]*\n?")
_JEKYLL_MATH = re.compile(r"\{%-?\s*math\s*-?%\}(?P<body>.*?)\{%-?\s*endmath\s*-?%\}", re.DOTALL)
_MATH_ROLE = re.compile(r"\{math\}`([^`\n]+)`")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def _fenced(text: str) -> tuple[str, list[_RawBlock]]:
    """``text`` with its code fences blanked, and the display blocks fences and Jekyll tags hold.

    A ```` ```{math} ```` fence gives one block, one piece per paragraph (MyST reads each as an
    equation); a prose directive keeps its body (only its fence lines and options are blanked);
    ``{% math %}...{% endmath %}`` gives one block. Offsets and newlines are kept.
    """
    out: list[str] = []
    blocks: list[_RawBlock] = []
    pos = 0
    for m in _FENCE.finditer(text):
        out.append(text[pos : m.start()])
        pos = m.end()
        fence = m.group()
        opening = _DIRECTIVE.match(fence)
        first_end = fence.find("\n")
        last_start = fence.rfind("\n")
        if opening is None or first_end < 0 or last_start <= first_end:
            out.append(_blank(fence))
            continue
        body_start = first_end + 1
        option = _DIRECTIVE_OPTION.match(fence, body_start)
        while option is not None and option.end() > option.start() and option.end() <= last_start:
            body_start = option.end()
            option = _DIRECTIVE_OPTION.match(fence, body_start)
        body = fence[body_start:last_start]
        name = opening.group("name")
        if name == "math":
            offset = m.start() + body_start
            pieces = []
            at = 0
            for para in [*_BLANK_LINE.finditer(body), None]:
                end = para.start() if para is not None else len(body)
                if body[at:end].strip():
                    pieces.append(_Piece(body[at:end], offset + at))
                at = para.end() if para is not None else at
            if pieces:
                blocks.append(_RawBlock("{math}", pieces, m.start(), m.end()))
            out.append(_blank(fence))
        elif name in _PROSE_DIRECTIVES:
            out.append(_blank(fence[:body_start]) + body + _blank(fence[last_start:]))
        else:
            out.append(_blank(fence))
    out.append(text[pos:])
    scan = "".join(out)
    for m in _JEKYLL_MATH.finditer(scan):
        if m.group("body").strip():
            blocks.append(
                _RawBlock(
                    "{% math %}", [_Piece(text[m.start("body") : m.end("body")], m.start("body"))], m.start(), m.end()
                )
            )
        scan = scan[: m.start()] + _blank(m.group()) + scan[m.end() :]
    return scan, blocks


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
    scan, fenced = _fenced(text)
    if not tex:
        # MyST's inline role {math}`x^2` is inline math, not a code span
        roles = [
            _RawBlock(
                "inline" if inline else "context", [_Piece(text[m.start(1) : m.end(1)], m.start(1))], m.start(), m.end()
            )
            for m in _MATH_ROLE.finditer(scan)
        ]
        if inline:
            fenced += roles
        elif context is not None:
            context.extend(roles)
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
    if fenced:
        blocks = sorted(blocks + fenced, key=lambda rb: rb.start)
    if context:
        context.sort(key=lambda rb: rb.start)  # roles were found before the $...$ pieces
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
