"""Reading a homework: display math out of Markdown/LaTeX, chains split into checkable steps.

`read_document` finds the display-math blocks (``$$...$$``, ``\\[...\\]``, ``equation``,
``align``, ``gather``, ``eqnarray``, ``multline``, starred too; inline ``$...$`` only with
``inline=True``), numbers them from 1, and splits each into steps: a chain
``a = b \\le c = d`` gives (a, b), (b, c), (c, d). Each step carries a `derive.model.Claim`
whose sides are `derive.model.LatexSource` fragments: the LaTeX is parsed into sympy later,
inside a budgeted worker (`derive.language.parsing.prepare` -> `derive.latex.parser.parse_latex`),
so reading a document is fast and never runs into hostile input.

Author macros are expanded in each block before it is split (`derive.latex.macros`): package
macros, then ``macros=`` files or mappings (``--macros FILE``), then the document's own
definitions from where each is made, then a ``macros:`` mapping of the front matter or symbols,
each source winning over the ones before it. `Block.tex` keeps the author's text; the steps hold
the expansion, which is what is checked.

Callers answer definitions with `definition_result` and pass every result through `settle`
(both in `derive.latex.context`).

The stages, in reading order: `derive.latex.frontmatter` (the ``derive:`` mapping),
`derive.latex.blocks` (display blocks), `derive.latex.splitting` (chains into steps),
`derive.latex.steps` (steps read in their document), `derive.latex.parser` (each side, later).
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from derive.errors import LatexError, Location, UsageError
from derive.latex.assumptions import _INLINE_MATH, LAW, SPD, _declared_kinds
from derive.latex.blocks import _CODE_SPAN, _FENCE, _find_blocks, _mask, _RawBlock, strip_comments
from derive.latex.frontmatter import _front_matter, _functions_apart, _Section, _section, _symbols_section
from derive.latex.macros import (
    Definition,
    ExpansionBudget,
    MacroSource,
    MacroTable,
    expand,
    load_macros,
    scan_definitions,
)
from derive.latex.records import Block, Document, Step
from derive.latex.splitting import _ALIGN_ENVS, _HOSTILE, _Splitter, hidden_relation
from derive.latex.steps import _build_steps, _hidden_definition, doubted_after, sentence_text, standing
from derive.model import Claim, LatexSource, Relation

if TYPE_CHECKING:
    from derive.latex.blocks import _RawBlock


MAX_DOCUMENT = 8_000_000  # characters; a longer document is refused whole, never cut


# ----------------------------------------------------------------------------------------


def _read_source(source: Any, path: str | None, max_chars: int = MAX_DOCUMENT) -> tuple[str, str | None, list[str]]:
    errors: list[str] = []
    data: bytes | str
    file = path
    if isinstance(source, os.PathLike) or (
        isinstance(source, str) and "\n" not in source and len(source) < 4096 and _is_file(source)
    ):
        file = path or os.fspath(source)
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            msg = f"cannot read {os.fspath(source)!r}: {exc.strerror or exc}"
            raise UsageError(msg) from exc
    else:
        data = source
    if isinstance(data, bytes):
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        if bad:
            first = text.index("\ufffd")
            line = text.count("\n", 0, first) + 1
            errors.append(f"line {line}: the file is not valid UTF-8 ({bad} byte sequence(s) replaced by U+FFFD)")
    elif isinstance(data, str):
        text = data
    else:
        msg = f"read_document takes text, bytes or a path, not {type(source).__name__}"
        raise UsageError(msg)
    if len(text) > max_chars:
        # Checking only the beginning would report every step read as the whole document.
        name = f"{file}: " if file else ""
        msg = (
            f"{name}the document has {len(text)} characters, more than the limit of {max_chars}; derive checks a"
            " document whole or not at all (raise the limit with max_chars / --max-chars)"
        )
        raise UsageError(msg)
    return text, file, errors


def _is_file(name: str) -> bool:
    try:
        return Path(name).is_file()
    except (OSError, ValueError):
        return False


def read_document(
    source: str | bytes | os.PathLike[str],
    *,
    symbols: Mapping[str, Any] | str | os.PathLike[str] | None = None,
    inline: bool = False,
    path: str | None = None,
    max_chars: int = MAX_DOCUMENT,
    macros: MacroSource = None,
) -> Document:
    """Read a Markdown/LaTeX homework into blocks and steps (no LaTeX is parsed here).

    ``source`` is the text (str or bytes) or a path to the file. ``symbols`` adds to the
    front matter's assumptions and wins over it: a mapping ``{name: kind}``, a mapping with
    a ``derive:`` key, or a path to a YAML file holding ``derive: {symbols:, random:}``.
    ``path`` names the file in locations when ``source`` is text. Never raises for bad
    content (non-UTF-8 bytes, unclosed math, hostile commands): those go to ``errors`` and
    to the affected steps. Raises `UsageError` only when a path cannot be read or the text
    is longer than ``max_chars`` characters (a document is read whole or not at all).

    Author macros are expanded in each block before it is split (`derive.latex.macros`); a
    later source wins: package macros (physics), ``macros`` (macro files, ``--macros FILE``,
    or a ``{name: body}`` mapping), the document's own definitions before the block's end
    (preamble, ``$$\\newcommand..$$`` blocks, ``\\def`` lines), then a ``macros:`` mapping of the
    front matter or of ``symbols``. `Block.tex` keeps what the author wrote; steps hold the
    expansion (what is checked). A block whose expansion fails is one ``error`` step naming the macro.

    >>> doc = read_document("$$a = b = c$$")
    >>> [(s.block, s.index, s.lhs_tex, s.rhs_tex) for s in doc.steps]
    [(1, 1, 'a', 'b'), (1, 2, 'b', 'c')]
    """
    text, file, errors = _read_source(source, path, max_chars)
    source_text = text
    outside, problems = load_macros(macros)
    errors.extend(problems)

    newlines = [m.start() for m in re.finditer("\n", text)]

    def line_of(offset: int) -> int:
        return bisect.bisect_left(newlines, offset) + 1

    fm, body = _front_matter(text, file)
    errors.extend(fm.errors)
    section = _given(symbols, errors).over(fm)
    merged_symbols, merged_random = section.symbols, section.random
    tex_mode = bool(file and file.endswith((".tex", ".ltx"))) or "\\begin{document}" in text
    masked = (" " * body) + text[body:]
    found = _commands(text, masked, tex_mode, line_of, errors)
    prose: list[_RawBlock] = []
    raw_blocks = _find_blocks(masked, inline=inline, tex=tex_mode, errors=errors, line_of=line_of, context=prose)
    # _find_blocks slices pieces from the masked text; take them from the real text instead
    for rb in raw_blocks + prose:
        for p in rb.pieces:
            p.text = strip_comments(text[p.offset : p.offset + len(p.text)])  # math: % starts a comment
    shown = [", ".join(p.text.strip() for p in rb.pieces) for rb in raw_blocks]  # what the author wrote
    tables = (outside, section.macros)
    expanded = _expand_macros(text, (raw_blocks, prose), found, tables, line_of=line_of, errors=errors)
    text, line_of = expanded.text, expanded.line_of  # offsets from here on are in the expanded text
    # inline math in the prose (without --inline): its definitions (``$\hat y = \sigma(a)$``)
    # and declarations (``$x \in \mathbb{R}$``) hold for the display steps after it
    context = _Splitter(text)
    starts = [rb.start for rb in raw_blocks]
    for rb in prose:
        for piece in rb.pieces:
            context.piece(piece, bisect.bisect_left(starts, rb.start), first=False)
    # "If $x > 0$, ..." states a case, not a standing assumption: its range gives no kind (`standing`)
    sentences = sentence_text(text)
    where_after = _where_after(sentences, raw_blocks, prose)
    after_math = {id(rb) for rbs in where_after.values() for rb in rbs}
    declared_at = [
        (
            rb.start,
            name,
            kind
            if id(rb) not in after_math and standing(sentences, rb.start, rb.end, display=rb.kind != "context")
            else None,
            said,
            line_of(rb.start),
        )
        # display math that declares (``$$x \sim \mathcal{N}(0, 1)$$``, ``$$\mathbf{x} \in \mathbb{R}^3$$``)
        # counts like prose: \sim and \in start no checked step of their own
        for rb in prose + [b for b in raw_blocks if _DECLARES.search(b.pieces[0].text)]
        for name, kind, said in _declared_in(rb)
    ]
    # "$$ \sqrt{x^2} = x $$ where $x > 0$": a kind for that display's steps, a range after it
    after_kinds = {
        block: [
            (name, kind, " ".join(rb.pieces[0].text.split()))
            for rb in rbs
            for name, kind in _declared_kinds(rb.pieces[0].text)
            if kind is not None and not kind.startswith(LAW) and kind != SPD
        ]
        for block, rbs in where_after.items()
    }

    splitter = _Splitter(text)
    blocks: list[Block] = []
    offsets: list[tuple[int, int]] = []
    for number, rb in enumerate(raw_blocks, start=1):
        blocks.append(Block(number, line_of(rb.start), line_of(rb.end), shown[number - 1], rb.kind))
        offsets.append((rb.start, rb.end))
        for k, piece in enumerate(rb.pieces):
            splitter.piece(piece, number, first=(k == 0), align=rb.kind.rstrip("*") in _ALIGN_ENVS)
    splitter.block_errors.update(expanded.failed)

    spans = {n: (rb.start, rb.end) for n, rb in enumerate(raw_blocks, start=1)}
    steps = _build_steps(
        splitter,
        section,
        file,
        line_of,
        context=context,
        declared_at=declared_at,
        spans=spans,
        where_after=after_kinds,
    )
    # the steps that read text of another block ("+ ..." continuing an expression)
    carried: dict[int, list[str]] = {}
    shown = [item for item in splitter.steps() if not _hidden_definition(item, splitter)]
    for (_rel, _lhs, _rhs, chain, k), step in zip(shown, steps, strict=True):
        for expr in chain.exprs[k : k + 2]:
            for b in sorted(expr.blocks - {step.block}):
                label = f"block {step.block} step {step.index}"
                if label not in carried.setdefault(b, []):
                    carried[b].append(label)
    checked = {n: ", ".join(p.text.strip() for p in rb.pieces) for n, rb in enumerate(raw_blocks, start=1)}
    steps = _unreadable_blocks(steps, blocks, splitter, section, file, checked=checked)
    blocks = _explain_stepless(blocks, steps, splitter.flags, carried)
    blocks = [
        replace(b, note=f"macro definitions ({expanded.defines[b.index]}), read for the steps after them")
        if b.index in expanded.defines and b.note
        else b
        for b in blocks
    ]
    sym_items = tuple(sorted(merged_symbols.items()))
    rnd_items = tuple(merged_random.items())
    return Document(file, tuple(steps), tuple(blocks), tuple(errors), source_text, sym_items, rnd_items)


def _given(symbols: Mapping[str, Any] | str | os.PathLike[str] | None, errors: list[str]) -> _Section:
    """What the caller's ``symbols`` (a mapping, a ``derive:`` mapping or a symbols file) declare."""
    if isinstance(symbols, (str, os.PathLike)):
        return _symbols_section(symbols)
    if isinstance(symbols, Mapping):
        if "derive" in symbols:
            given = _section(symbols, "symbols")
            errors.extend(given.errors)
            return given
        plain, declared = _functions_apart({str(k): str(v) for k, v in symbols.items()})
        return _Section(symbols=plain, functions=declared)
    return _Section()


_DEFINERS = frozenset({"def", "gdef", "edef", "xdef", "let", "newcommand", "renewcommand", "providecommand"})


def _commands(
    text: str, masked: str, tex_mode: bool, line_of: Callable[[int], int], errors: list[str]
) -> list[Definition]:
    """The document's macro definitions (outside code); file and shell commands reported in ``errors``."""
    visible = _mask(masked, _FENCE) if tex_mode else _mask(_mask(masked, _FENCE), _CODE_SPAN)
    found = scan_definitions(visible, others=False)
    starts = [d.start for d in found]
    for m in _HOSTILE.finditer(text):
        k = bisect.bisect_right(starts, m.start()) - 1
        if m.group(1) in _DEFINERS or (k >= 0 and m.start() < found[k].end):
            continue  # a macro definition: read, or reported below as refused
        if m.group(1) in ("input", "include"):
            why = "is ignored (derive reads no other file: give macro files with --macros FILE)"
        else:
            why = "is ignored (derive never reads files or runs programs)"
        errors.append(f"line {line_of(m.start())}: \\{m.group(1)} {why}")
    errors.extend(d.problem for d in found if d.problem)
    return found


@dataclass
class _Expanded:
    """The document's text with each block's macros expanded, and what that did per block."""

    text: str
    line_of: Callable[[int], int]  # line (in the author's file) of an offset in ``text``
    failed: dict[int, str]  # block -> why its expansion failed (the block gives one error step)
    defines: dict[int, str]  # block -> the macros it only defines ("\\E, \\vect")


#: A display block that may declare names (see `derive.latex.assumptions`).
_DECLARES = re.compile(r"\\(?:in|sim)(?![A-Za-z])")
_ALIGNED = re.compile(r"&\s*(?=\\sim(?![A-Za-z])|=)")


def _declared_in(rb: _RawBlock) -> list[tuple[str, str | None, str]]:
    """(name, kind, what was said) for what a block of math declares; an aligned display with no declaration as a
    whole gives the laws of its cells (``y_1 &\\sim \\mathcal{N}(0, 1) & y_2 &\\sim ...``), read like the same laws
    written inline: laws only (an order in a cell may be a case of a ``cases`` row)."""
    text = rb.pieces[0].text
    found = [(n, k, " ".join(text.split())) for n, k in _declared_kinds(text)]
    if found or rb.kind == "context" or len(rb.pieces) != 1 or "\\begin" in text:
        return found
    for row in text.split("\\\\") if "&" in text or "\\\\" in text else ():
        for cell in _ALIGNED.sub(" ", row).split("&"):
            if "\\sim" in cell:
                said = " ".join(cell.split())
                found += [(n, k, said) for n, k in _declared_kinds(cell) if k is not None and k.startswith(LAW)]
    return found


#: The words that open a sentence about the display before it: "$$...$$ where $x > 0$", "valid for $x \ge 0$".
_AFTER_WORDS = re.compile(
    r"\s*[,.;]?\s*(?:where\b|(?:(?:valid|true|which\s+holds|holds)\s+)?for\s+(?:all\s+|every\s+|each\s+|any\s+)?(?=\$)"
    r"|(?:whenever|when|if|provided(?:\s+that)?|as\s+long\s+as|with)\s+(?=\$))",
    re.IGNORECASE,
)


#: The end of the sentence after a display: a period, not a blank line ("for $x > 0$ we have\n\n$$...").
_PERIOD = re.compile(r"[.!?;](?:\s|$)")


def _where_after(sentences: str, raw_blocks: list[_RawBlock], prose: list[_RawBlock]) -> dict[int, list[_RawBlock]]:
    """block number -> the inline math of the sentence right after that display block when the sentence
    opens with a condition word ("where $x > 0$.", "for all $x > 0$") and ends before the next display:
    conditions of that display."""
    starts = sorted((rb.start, rb) for rb in prose)
    keys = [at for at, _ in starts]
    out: dict[int, list[_RawBlock]] = {}
    for number, rb in enumerate(raw_blocks, start=1):
        m = _AFTER_WORDS.match(sentences, rb.end)
        if m is None:
            continue
        stop = _PERIOD.search(_INLINE_MATH.sub(lambda g: " " * len(g.group()), sentences[m.end() : m.end() + 400]))
        end = m.end() + (stop.start() if stop else 400)
        nxt = raw_blocks[number].start if number < len(raw_blocks) else len(sentences)
        if stop is None or end > nxt:
            continue  # "$$A$$ for $x > 0$ we have $$B$$": the clause may open the next display, not close this one
        found_math = [r for at, r in starts[bisect.bisect_left(keys, m.end()) :] if at < end]
        if any(doubted_after(sentences, r.end) for r in found_math):
            continue  # "where $x > 0$ is not assumed", "... need not hold": the clause states nothing
        first = bisect.bisect_left(keys, m.end())
        found = [r for at, r in starts[first:] if at < end]
        if found:
            out[number] = found
    return out


#: ``:=`` (and ``\coloneqq`` once expanded) defines: a block of definitions hides no relation.
_DEFINES = re.compile(r":\s*=")


def _expand_macros(
    text: str,
    pieces: tuple[list[_RawBlock], list[_RawBlock]],
    found: list[Definition],
    tables: tuple[MacroTable, MacroTable],
    *,
    line_of: Callable[[int], int],
    errors: list[str],
) -> _Expanded:
    """Expand the macros of every display block and prose math piece, in document order.

    ``pieces``: the display blocks and the prose's inline math; ``tables``: the macros from
    outside the document (package macros, macro files) and the front matter's. A block is read
    with the document's definitions made before its end (TeX's order), over the outside ones
    and under the front matter's. Definitions inside a piece are cut out of it. The pieces and
    blocks are moved to offsets in the new text, whose lines map back to the file's.
    """
    raw_blocks, prose = pieces
    outside, front = tables
    numbers = {id(rb): k for k, rb in enumerate(raw_blocks, start=1)}
    read = [d for d in found if d.macro is not None]
    starts = [d.start for d in found]
    budget = ExpansionBudget()
    own: dict[str, Any] = {}
    table, k = front.over(outside), 0
    regions: list[tuple[int, int, str]] = []  # (offset, length, new text) of each changed piece
    failed: dict[int, str] = {}
    defines: dict[int, str] = {}
    for rb in sorted(raw_blocks + prose, key=lambda r: r.start):
        if k < len(read) and read[k].start < rb.end:
            while k < len(read) and read[k].start < rb.end:
                macro = read[k].macro
                assert macro is not None
                if not (macro.provide and macro.name in own):
                    own[macro.name] = macro
                k += 1
            table = front.over(MacroTable(dict(own)).over(outside))
        number = numbers.get(id(rb))
        inside = found[bisect.bisect_left(starts, rb.start) : bisect.bisect_left(starts, rb.end)]
        try:
            new = [expand(_cut(p.text, p.offset, inside), table, budget) for p in rb.pieces]
        except LatexError as exc:
            if number is None:
                errors.append(f"line {line_of(rb.start)}: inline math not read: {exc}")
                continue
            failed[number] = str(exc)
            new = ["" for _ in rb.pieces]
        if number is not None and inside and not "".join(new).strip():
            defines[number] = ", ".join(dict.fromkeys(f"\\{d.macro.name}" if d.macro else d.command for d in inside))
        # Against the document's own text: a piece differs from it by its expansion and by the
        # comments blanked out of it, and both must reach the text the blocks are read from.
        regions += [
            (p.offset, len(p.text), t)
            for p, t in zip(rb.pieces, new, strict=True)
            if t != text[p.offset : p.offset + len(p.text)]
        ]
    if not regions:
        return _Expanded(text, line_of, failed, defines)
    return _moved(text, sorted(regions), raw_blocks + prose, line_of, failed=failed, defines=defines)


def _cut(tex: str, offset: int, definitions: list[Definition]) -> str:
    """``tex`` (at ``offset`` in the document) without the definitions in it."""
    for d in sorted(definitions, key=lambda d: -d.start):
        a, b = d.start - offset, d.end - offset
        if 0 <= a < len(tex):
            tex = tex[:a] + " " + tex[min(b, len(tex)) :]
    return tex


def _moved(
    text: str,
    regions: list[tuple[int, int, str]],
    blocks: list[_RawBlock],
    line_of: Callable[[int], int],
    *,
    failed: dict[int, str],
    defines: dict[int, str],
) -> _Expanded:
    """The text with ``regions`` replaced; ``blocks`` and their pieces moved to its offsets."""
    parts: list[str] = []
    olds: list[int] = []  # where each region starts in the old text
    news: list[int] = []  # ... and in the new one
    shifts: list[int] = []  # the shift of offsets after each region
    prev = shift = 0
    for old, length, new in regions:
        parts += [text[prev:old], new]
        olds.append(old)
        news.append(old + shift)
        shift += len(new) - length
        shifts.append(shift)
        prev = old + length
    parts.append(text[prev:])

    def to_new(old: int) -> int:
        i = bisect.bisect_right(olds, old) - 1
        if i < 0:
            return old
        start, length, new = regions[i]
        if old < start + length:
            return news[i] + min(old - start, len(new))
        return old + shifts[i]

    def new_line_of(pos: int) -> int:
        i = bisect.bisect_right(news, pos) - 1
        if i < 0:
            return line_of(pos)
        start, length, new = regions[i]
        if pos < news[i] + len(new):  # inside an expansion: count its own line breaks, within the old piece
            return min(line_of(start) + new.count("\n", 0, pos - news[i]), line_of(start + length))
        return line_of(pos - shifts[i])

    by_offset = {old: new for old, _length, new in regions}
    for rb in blocks:
        for p in rb.pieces:
            if p.offset in by_offset:
                p.text = by_offset[p.offset]
            p.offset = to_new(p.offset)
        rb.start, rb.end = to_new(rb.start), to_new(rb.end)
    return _Expanded("".join(parts), new_line_of, failed, defines)


def _unreadable_blocks(
    steps: list[Step],
    blocks: list[Block],
    splitter: _Splitter,
    section: _Section,
    file: str | None,
    *,
    checked: Mapping[int, str],
) -> list[Step]:
    """Give a block one ``error`` step when relations in it would otherwise go unreported.

    That is a block with no step whose brackets do not balance (a relation inside an unclosed
    brace, ``\\frac{1}{2 = x``, is not at the top level) or whose relations sit inside
    ``\\underbrace``, an array or cases; and any block with a relation derive does not check
    (``\\ne``, ``\\propto``), after its own steps. The step's left side is the whole block, its
    right side empty. Indices of premises (into the steps) are renumbered around the inserted steps.
    ``checked``: each block's LaTeX after macro expansion, where hidden relations are looked for.
    """
    has_step = {s.block for s in steps}
    extra: dict[int, Step] = {}
    for b in blocks:
        problem = splitter.block_errors.get(b.index)
        unchecked = splitter.unchecked.get(b.index)
        if unchecked:
            names = ", ".join(dict.fromkeys(unchecked))
            problem = f"{names}: a relation derive does not check (it checks =, <, >, \\le, \\ge, \\approx)"
        elif (
            problem is None
            and hidden_relation(_DEFINES.sub(" ", checked.get(b.index, b.tex)))
            and not splitter.flags.get(b.index, set()) & {"arrow", "continued"}
        ):
            # "a \\underbrace{=}_{...} b", "\\begin{array}...": relations derive does not split
            # must not vanish from the report
            problem = "its relations are not at the top level (inside \\underbrace, an array, cases or a matrix)"
        if problem is None or (b.index in has_step and not unchecked):
            continue
        fragment = " ".join(b.tex.split())
        symbols, _values = section.for_block(b.index)
        index = 1 + sum(1 for st in steps if st.block == b.index)  # after the block's own steps
        claim = Claim(
            id=f"block {b.index}, step {index}",
            lhs=LatexSource(fragment),
            rhs=LatexSource(""),
            symbols=tuple(sorted(symbols.items())),
            random=tuple(section.random.items()),
            statement=fragment,
            source=f"{file or '<input>'}, block {b.index}",
            tags=("latex",),
            where=Location(file, b.line),
        )
        tail = "no step can be read from it" if index == 1 else "its other relations are checked as steps"
        error = f"{problem}: {fragment!r} ({tail})"
        extra[b.index] = Step(b.index, index, b.line, fragment, "", Relation.EQ, claim, error, kind="unreadable")
    if not extra:
        return steps
    merged: list[Step] = []
    moved: dict[int, int] = {}
    pending = sorted(extra)
    for old, step in enumerate(steps):
        while pending and pending[0] < step.block:
            merged.append(extra[pending.pop(0)])
        moved[old] = len(merged)
        merged.append(step)
    merged += [extra[n] for n in pending]
    return [s if s.premise is None else replace(s, premise=moved[s.premise]) for s in merged]


def _explain_stepless(
    blocks: list[Block], steps: list[Step], flags: Mapping[int, set[str]], carried: Mapping[int, list[str]]
) -> list[Block]:
    """Set `Block.note` on each block that has no step of its own, saying why.

    ``carried``: block -> the steps of other blocks that read some of its text.
    """
    has_step = {s.block for s in steps}
    out: list[Block] = []
    for b in blocks:
        if b.index in has_step:
            out.append(b)
            continue
        seen = flags.get(b.index, set())
        if "text" not in seen:
            note = "the block is empty"
        elif "continued" in seen or b.index in carried:
            where = carried.get(b.index, [])
            note = (
                "it continues the expression of the block before it"
                if "continued" in seen
                else "its expression goes on in the next block"
            )
            note += f", checked in {' and '.join(where)}" if where else " and no relation follows"
        elif "arrow" in seen:
            note = "only an arrow; a label over an arrow is not checked"
        elif "definition" in seen:
            note = "a definition (:=): later steps are read with it, there is nothing to check"
        else:
            note = "no relation (=, \\le, ...) outside brackets: an expression, not a step"
        out.append(replace(b, note=note))
    return out
