"""The JUnit XML and Markdown renderers behind `derive.reporting.report.render`.

JUnit: one ``<testcase>`` per claim or homework step; a claim whose verdict does not match its
``expect`` gets a ``<failure>`` (an ``error`` verdict an ``<error>``); in a homework, refuted
steps fail and undecided ones are ``<skipped>``. ElementTree escapes all text.

Markdown: a table per claim file, or a homework echoed back with a verdict note after each
display block. Table cells escape pipes and angle brackets (claim text is untrusted).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from derive.model import Expect, Result, Verdict
from derive.reporting._text import _MARKS, _evidence_lines, _step_file, _step_text, _summary_line

__all__ = ["junit", "markdown_claims", "markdown_steps"]


# Characters XML 1.0 cannot hold at all (ElementTree would write them and break the file).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def junit(results: Sequence[Result], steps: Sequence[Any] | None) -> str:
    """JUnit XML for ``results`` (``steps``: a homework run), one testsuite per file."""
    suites = ET.Element("testsuites", name="derive")
    groups: dict[str, list[int]] = {}
    for i, result in enumerate(results):
        file = _step_file(steps[i]) if steps is not None else result.claim.where.file
        groups.setdefault(file or "<input>", []).append(i)
    totals = Counter()
    for raw_file, indices in groups.items():
        file = _xml(raw_file)
        suite = ET.SubElement(suites, "testsuite", name=file)
        counts = Counter()
        seconds = 0.0
        for i in indices:
            result = results[i]
            seconds += result.seconds
            case = ET.SubElement(suite, "testcase", classname=Path(file).stem or file, time=f"{result.seconds:.4f}")
            case.set("file", file)
            if steps is None:
                case.set("name", _xml(result.claim.id))
                if result.claim.where.line is not None:
                    case.set("line", str(result.claim.where.line))
            else:
                step = steps[i]
                case.set("name", f"block {step.block} step {step.index}")
                if step.line is not None:
                    case.set("line", str(step.line))
            kind = _junit_kind(result, latex=steps is not None)
            counts["tests"] += 1
            if kind is None:
                continue
            counts[kind] += 1
            message = f"{result.verdict.value} ({result.method.value}): {result.detail}"
            if steps is None and not result.not_loaded:
                message = f"expected {result.claim.expect.value}, got " + message
            child = ET.SubElement(case, kind, message=_xml(message), type=result.verdict.value)
            child.text = _xml("\n".join([f"claim: {result.claim.text}", *_evidence_lines(result)]))
        suite.set("tests", str(counts["tests"]))
        for attribute, kind in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
            suite.set(attribute, str(counts[kind]))
        suite.set("time", f"{seconds:.4f}")
        totals.update(counts)
    suites.set("tests", str(totals["tests"]))
    suites.set("failures", str(totals["failure"]))
    suites.set("errors", str(totals["error"]))
    suites.set("skipped", str(totals["skipped"]))
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _junit_kind(result: Result, *, latex: bool) -> str | None:
    """The JUnit child element of a testcase: None (passed), failure, error or skipped."""
    if result.verdict is Verdict.ERROR:
        return None if (not latex and result.ok) else "error"
    if latex:
        # A homework step fails only when refuted; undecided is reported, not failed.
        if result.verdict is Verdict.REFUTED:
            return "failure"
        return "skipped" if result.verdict is Verdict.UNDECIDED else None
    return None if result.ok else "failure"


# ---------------------------------------------------------------------------------------
# Markdown.


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def _md_cell(text: Any) -> str:
    """Untrusted text as one Markdown table cell that renders as itself: no emphasis from the
    ``*`` of ``x*y``, no HTML, no broken columns."""
    if text is None:
        return ""
    out = _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
    return out.replace("<", "&lt;").replace(">", "&gt;")


def _md_code(text: Any) -> str:
    """Untrusted text as a code span in a table cell (a claim id), shown verbatim.

    Inside a code span Markdown neither decodes escapes nor reads HTML, so only the table's
    ``|`` is escaped (GFM removes that backslash) and the fence outgrows any backtick run.
    Text with ``<`` or ``>`` is escaped text instead: a renderer that misreads the span must
    still find no HTML in it.
    """
    if re.search(r"[<>]", str(text)):
        return _md_cell(text)
    body = " ".join(str(text).split()).replace("|", "\\|")
    runs = [len(m) for m in re.findall(r"`+", body)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if body.startswith("`") or body.endswith("`") else ""
    return f"{fence}{pad}{body}{pad}{fence}"


def markdown_claims(results: Sequence[Result]) -> str:
    """A Markdown report of a claim run: the summary, then a table per claim file."""
    lines = ["# derive report", "", _summary_line(results, None), ""]
    by_file: dict[str, list[Result]] = {}
    for r in results:
        by_file.setdefault(r.claim.where.file or "<input>", []).append(r)
    for file, group in by_file.items():
        lines += [f"## {_md_cell(file)}", "", "| claim | verdict | expect | method | detail |", "|---|---|---|---|---|"]
        for r in group:
            mark = "✔" if r.ok else "**✘ unexpected**"
            verdict = f"{mark} {r.verdict.value}"
            if r.ok and r.claim.expect is Expect.FAILS:
                verdict += " (known-wrong step)"
            row = [_md_code(r.claim.id), verdict, r.claim.expect.value, r.method.value, _md_cell(r.detail)]
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")
    return "\n".join(lines)


def markdown_steps(results: Sequence[Result], steps: Sequence[Any], document: Any) -> str:
    """A homework echoed back with verdict notes (``document``: its text or Document), else a table of steps."""
    if document is None:
        lines = ["| block | step | line | step text | verdict | method | detail |", "|---|---|---|---|---|---|---|"]
        for step, r in zip(steps, results, strict=True):
            # Escaped text rather than a code span: LaTeX steps hold < and > (see _md_code).
            row = [str(step.block), str(step.index), str(step.line or ""), _md_cell(_step_text(step))]
            row += [f"{_MARKS[r.verdict]} {r.verdict.value}", r.method.value, _md_cell(r.detail)]
            lines.append("| " + " | ".join(row) + " |")
        return "\n".join(["# derive report", "", _summary_line(results, steps), "", *lines, ""])
    return _echo_document(document, results, steps)


def _block_note(pairs: Sequence[tuple[Any, Result]]) -> str:
    parts = []
    for step, r in pairs:
        text = f"{_MARKS[r.verdict]} step {step.index}: **{r.verdict.value}** ({r.method.value})"
        if r.verdict in (Verdict.REFUTED, Verdict.ERROR, Verdict.UNDECIDED) and r.detail:
            text += f" — {_md_cell(r.detail)}"
        parts.append(text)
    return "> derive, block " + str(pairs[0][0].block) + ": " + "; ".join(parts)


def _echo_document(document: Any, results: Sequence[Result], steps: Sequence[Any]) -> str:
    """Echo ``document`` with a verdict note after the last line of each block.

    ``document`` is the homework's text or its `derive.latex.Document`. Block ends come from
    the LaTeX front end's own block finder; a block it does not confirm (the step lines lie
    outside it) ends at the first closing ``$$``, ``\\]`` or ``\\end{...}`` from its last step line.
    A block with no step of its own is marked too, with the reason the front end gives
    (`derive.latex.Block.note`), so that a grader sees that every block was read.
    """
    text = getattr(document, "text", document)
    lines = text.splitlines()
    found = _document_blocks(document, text)
    ends = {b.index: (b.line, b.end_line) for b in found}
    blocks: dict[int, list[tuple[Any, Result]]] = {}
    for step, r in zip(steps, results, strict=True):
        blocks.setdefault(step.block, []).append((step, r))
    notes: dict[int, list[str]] = {}
    for number, pairs in blocks.items():
        last = max((s.line or 1) for s, _ in pairs)
        span = ends.get(number)
        confirmed = span is not None and span[0] <= last <= span[1]
        end = span[1] - 1 if confirmed else _block_end(lines, last - 1)
        notes.setdefault(end, []).append(_block_note(pairs))
    for b in found:
        if b.index not in blocks and getattr(b, "note", ""):
            notes.setdefault(b.end_line - 1, []).append(
                f"> derive, block {b.index}: no step to check ({_md_cell(b.note)})"
            )
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        for note in notes.pop(i, []):
            out += ["", note, ""]
    for leftover in notes.values():  # steps whose line lies past the end of the text
        for note in leftover:
            out += ["", note]
    return "\n".join(out) + "\n"


def _document_blocks(document: Any, text: str) -> Sequence[Any]:
    """The `derive.latex.Block` list of the homework (lines 1-based), from the LaTeX front end."""
    blocks = getattr(document, "blocks", None)
    if blocks is None:
        try:
            from derive.latex import read_document  # noqa: PLC0415 - the LaTeX front end is heavy

            blocks = read_document(text).blocks
        except Exception:  # the heuristic in _block_end still places every step's note
            return ()
    return blocks


def _block_end(lines: Sequence[str], start: int) -> int:
    start = min(max(start, 0), max(len(lines) - 1, 0))
    closers = ("$$", "\\]", "\\end{")
    # A one-line block ("$$ a = b $$") closes on its own line.
    first = lines[start] if lines else ""
    if first.count("$$") >= 2 or ("\\[" in first and "\\]" in first):
        return start
    for j in range(start, min(len(lines), start + 200)):
        if any(c in lines[j] for c in closers) and (j > start or not lines[j].lstrip().startswith(("$$", "\\["))):
            return j
    return start
