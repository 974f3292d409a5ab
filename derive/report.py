"""Reporters: turn results into a terminal table, JSON, JUnit XML, Markdown or HTML.

Results only flow outward: nothing here changes a verdict. Two shapes of run are reported:
a claim run (``derive check``), where each result is a claim from a claim file, and a
homework run (``derive latex``), where ``steps`` lists the `derive.latex.Step` each result
belongs to (parallel to ``results``). Claim and homework text is untrusted: every reporter
escapes it for its format (XML by ElementTree, HTML by `html.escape`, Markdown tables by
escaping pipes).
"""

from __future__ import annotations

import io
import json
import math
import os
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from derive.errors import UsageError
from derive.model import Expect, Result, Verdict

__all__ = [
    "FORMATS",
    "VERDICT_COLOURS",
    "check_payload",
    "latex_payload",
    "load_schema",
    "make_console",
    "print_table",
    "render",
    "summary",
    "write_html",
]

#: The formats `render` accepts.
FORMATS: tuple[str, ...] = ("table", "json", "junit", "markdown")

#: Rich styles per verdict; the HTML report uses the same palette.
VERDICT_COLOURS: dict[Verdict, str] = {
    Verdict.PROVED: "green",
    Verdict.VERIFIED: "green",
    Verdict.CONSISTENT: "cyan",
    Verdict.REFUTED: "red",
    Verdict.UNDECIDED: "yellow",
    Verdict.ERROR: "magenta",
}

_MARKS: dict[Verdict, str] = {
    Verdict.PROVED: "✔",
    Verdict.VERIFIED: "✔",
    Verdict.CONSISTENT: "≈",
    Verdict.REFUTED: "✘",
    Verdict.UNDECIDED: "?",
    Verdict.ERROR: "!",
}


# ---------------------------------------------------------------------------------------
# Plain data: the dictionaries behind JSON (and the schemas in derive/schema/).


def summary(results: Sequence[Result]) -> dict[str, int]:
    """Counts per verdict (every verdict present, zero or not) plus total, ok and failed.

    >>> summary([])["total"]
    0
    """
    counts = Counter(r.verdict for r in results)
    out = {v.value: counts.get(v, 0) for v in Verdict}
    ok = sum(1 for r in results if r.ok)
    out |= {"total": len(results), "ok": ok, "failed": len(results) - ok}
    return out


def _side(value: Any) -> str:
    return str(value)


def _claim_entry(result: Result) -> dict[str, Any]:
    claim = result.claim
    entry = result.to_dict()
    entry |= {
        "statement": claim.statement,
        "source": claim.source,
        "tags": list(claim.tags),
        "relation": claim.relation.value,
        "lhs": _side(claim.lhs),
        "rhs": _side(claim.rhs),
    }
    if claim.reason is not None:
        entry["reason"] = claim.reason
    return entry


def check_payload(results: Sequence[Result]) -> dict[str, Any]:
    """The ``derive check --format json`` document (see ``derive/schema/check.json``)."""
    return {"claims": [_claim_entry(r) for r in results], "summary": summary(results)}


def _relation_text(relation: Any) -> str:
    return str(getattr(relation, "value", relation))


_STEP_RELATION = {"==": "=", "<=": "≤", ">=": "≥", "~=": "≈"}


def _step_text(step: Any) -> str:
    """A homework step as a reader writes it: ``lhs = rhs`` (not the claim syntax ``==``)."""
    rel = _relation_text(step.relation)
    return f"{step.lhs_tex} {_STEP_RELATION.get(rel, rel)} {step.rhs_tex}"


def _step_file(step: Any) -> str | None:
    where = getattr(step.claim, "where", None) if getattr(step, "claim", None) is not None else None
    return getattr(where, "file", None)


def _step_entry(step: Any, result: Result) -> dict[str, Any]:
    entry = {
        "block": step.block,
        "index": step.index,
        "line": step.line,
        "lhs": step.lhs_tex,
        "rhs": step.rhs_tex,
        "relation": _relation_text(step.relation),
        "verdict": result.verdict.value,
        "method": result.method.value,
        "detail": result.detail,
    }
    return entry


def _latex_summary(results: Sequence[Result]) -> dict[str, int]:
    counts = Counter(r.verdict for r in results)
    return {v.value: counts.get(v, 0) for v in Verdict}


def latex_payload(results: Sequence[Result], steps: Sequence[Any]) -> dict[str, Any] | list[dict[str, Any]]:
    """The ``derive latex --format json`` document (see ``derive/schema/latex.json``).

    One object per file; a run over several files gives a list of them, in first-seen order.
    """
    _check_parallel(results, steps)
    groups: dict[str | None, list[tuple[Any, Result]]] = {}
    for step, result in zip(steps, results, strict=True):
        groups.setdefault(_step_file(step), []).append((step, result))
    docs = [
        {
            "file": file,
            "steps": [_step_entry(s, r) for s, r in pairs],
            "summary": _latex_summary([r for _, r in pairs]),
        }
        for file, pairs in groups.items()
    ]
    if not docs:
        return {"file": None, "steps": [], "summary": _latex_summary([])}
    return docs[0] if len(docs) == 1 else docs


def _json_safe(value: Any) -> Any:
    # JSON has no NaN or infinity: a non-finite estimate becomes null (the schema allows it).
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema shipped for a JSON output: ``"check"`` or ``"latex"``."""
    from importlib.resources import files

    if name not in ("check", "latex"):
        msg = f"no schema named {name!r}; expected 'check' or 'latex'"
        raise UsageError(msg)
    return json.loads(files("derive").joinpath("schema", f"{name}.json").read_text(encoding="utf-8"))


def _check_parallel(results: Sequence[Result], steps: Sequence[Any] | None) -> None:
    if steps is not None and len(steps) != len(results):
        msg = f"steps and results must be parallel lists; got {len(steps)} steps and {len(results)} results"
        raise UsageError(msg)


# ---------------------------------------------------------------------------------------
# render()


def render(
    results: Sequence[Result],
    fmt: str,
    *,
    steps: Sequence[Any] | None = None,
    document: str | None = None,
    verbose: bool = False,
) -> str:
    """Render ``results`` as ``fmt`` (one of `FORMATS`) and return the text.

    ``steps`` (parallel to ``results``) switches to the homework layout of ``derive latex``;
    ``document`` is the homework's source text, which the Markdown format echoes back with
    a verdict mark after each block (without it the Markdown is a table of steps).
    """
    results = list(results)
    _check_parallel(results, steps)
    if fmt == "json":
        payload = check_payload(results) if steps is None else latex_payload(results, steps)
        return json.dumps(_json_safe(payload), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if fmt == "junit":
        return _junit(results, steps)
    if fmt == "markdown":
        if steps is None:
            return _markdown_claims(results)
        return _markdown_steps(results, steps, document)
    if fmt == "table":
        buffer = io.StringIO()
        console = make_console(file=buffer, width=160, no_color=True)
        print_table(results, console, verbose=verbose, steps=steps)
        return buffer.getvalue()
    msg = f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}"
    raise UsageError(msg)


# ---------------------------------------------------------------------------------------
# Terminal.


def make_console(*, file: Any = None, width: int | None = None, no_color: bool | None = None) -> Any:
    """A rich Console that honours ``NO_COLOR`` and prints no colour when not writing to a TTY."""
    from rich.console import Console

    if no_color is None:
        no_color = bool(os.environ.get("NO_COLOR"))
    return Console(file=file, width=width, no_color=no_color, highlight=False, soft_wrap=False)


def _counterexample_text(result: Result) -> str:
    ev = result.evidence
    if ev is None or ev.counterexample is None:
        return ""
    return ev.counterexample.describe()


def _evidence_lines(result: Result) -> list[str]:
    lines = []
    for outcome in result.outcomes:
        ev = outcome.evidence
        lines.append(f"{ev.method.value}: {outcome.verdict.value} — {ev.summary}")
        if ev.route:
            lines.append(f"  route: {ev.route}")
        if ev.difference is not None:
            lines.append(f"  lhs - rhs simplified: {ev.difference}")
        lines.extend(f"  point {i}: {p!r}" for i, p in enumerate(ev.points[:3], 1))
        if len(ev.points) > 3:
            lines.append(f"  ... and {len(ev.points) - 3} more points")
        if ev.counterexample is not None:
            lines.append(f"  counterexample: {ev.counterexample.describe()} ({ev.counterexample.digits} digits)")
        lines.extend(f"  {e.describe()}" for e in ev.estimates)
        if ev.seed is not None:
            lines.append(f"  seed: {ev.seed}")
        if ev.reason:
            lines.append(f"  reason: {ev.reason}")
    return lines


def print_table(
    results: Sequence[Result],
    console: Any,
    *,
    verbose: bool = False,
    steps: Sequence[Any] | None = None,
) -> None:
    """Print a rich table of ``results`` and a summary line to ``console``.

    Refuted rows show their counterexample; ``verbose`` adds every tier's evidence.
    """
    from rich.table import Table
    from rich.text import Text

    results = list(results)
    _check_parallel(results, steps)
    table = Table(show_lines=verbose, header_style="bold")
    if steps is None:
        table.add_column("claim", overflow="fold")
    else:
        table.add_column("block", justify="right")
        table.add_column("line", justify="right")
        table.add_column("step", overflow="fold")
    table.add_column("verdict")
    table.add_column("method")
    table.add_column("seconds", justify="right")
    table.add_column("detail", overflow="fold")
    for i, result in enumerate(results):
        verdict = Text(result.verdict.value, style=VERDICT_COLOURS[result.verdict])
        if steps is None and not result.ok:
            verdict.append(f" (expected {result.claim.expect.value})", style="bold")
        detail = result.detail
        if verbose:
            detail = "\n".join([detail, *_evidence_lines(result)]) if detail else "\n".join(_evidence_lines(result))
        if steps is None:
            lead = [Text(result.claim.id)]
        else:
            step = steps[i]
            lead = [str(step.block), str(step.line or ""), Text(_step_text(step))]
        table.add_row(*lead, verdict, result.method.value, f"{result.seconds:.2f}", Text(detail))
    console.print(table)
    console.print(Text(_summary_line(results, steps)))


def _summary_line(results: Sequence[Result], steps: Sequence[Any] | None) -> str:
    counts = summary(results)
    parts = [f"{counts[v.value]} {v.value}" for v in Verdict if counts[v.value]]
    what = ("claim" if steps is None else "step") + ("" if counts["total"] == 1 else "s")
    line = f"{counts['total']} {what}: " + (", ".join(parts) or "none")
    if steps is None:
        line += f" — {counts['ok']} as expected, {counts['failed']} not"
    return line


# ---------------------------------------------------------------------------------------
# JUnit XML.


def _junit(results: Sequence[Result], steps: Sequence[Any] | None) -> str:
    suites = ET.Element("testsuites", name="derive")
    groups: dict[str, list[int]] = {}
    for i, result in enumerate(results):
        file = _step_file(steps[i]) if steps is not None else result.claim.where.file
        groups.setdefault(file or "<input>", []).append(i)
    totals = Counter()
    for file, indices in groups.items():
        suite = ET.SubElement(suites, "testsuite", name=file)
        counts = Counter()
        seconds = 0.0
        for i in indices:
            result = results[i]
            seconds += result.seconds
            case = ET.SubElement(suite, "testcase", classname=Path(file).stem or file, time=f"{result.seconds:.4f}")
            case.set("file", file)
            if steps is None:
                case.set("name", result.claim.id)
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
            if steps is None:
                message = f"expected {result.claim.expect.value}, got " + message
            child = ET.SubElement(case, kind, message=message, type=result.verdict.value)
            child.text = "\n".join([f"claim: {result.claim.text}", *_evidence_lines(result)])
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


def _md_cell(text: Any) -> str:
    if text is None:
        return ""
    out = str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")
    return out.replace("<", "&lt;").replace(">", "&gt;")


def _markdown_claims(results: Sequence[Result]) -> str:
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
            row = [f"`{_md_cell(r.claim.id)}`", verdict, r.claim.expect.value, r.method.value, _md_cell(r.detail)]
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")
    return "\n".join(lines)


def _markdown_steps(results: Sequence[Result], steps: Sequence[Any], document: str | None) -> str:
    if document is None:
        lines = ["| block | step | line | step text | verdict | method | detail |", "|---|---|---|---|---|---|---|"]
        for step, r in zip(steps, results, strict=True):
            row = [str(step.block), str(step.index), str(step.line or ""), f"`{_md_cell(_step_text(step))}`"]
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
    """Echo ``document`` with a verdict note after the last line of each checked block.

    ``document`` is the homework's text or its `derive.latex.Document`. Block ends come from
    the LaTeX front end's own block finder; a block it does not confirm (the step lines lie
    outside it) ends at the first closing ``$$``, ``\\]`` or ``\\end{...}`` from its last step line.
    """
    text = getattr(document, "text", document)
    lines = text.splitlines()
    ends = _block_ends(document, text)
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
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        for note in notes.pop(i, []):
            out += ["", note, ""]
    for leftover in notes.values():  # steps whose line lies past the end of the text
        for note in leftover:
            out += ["", note]
    return "\n".join(out) + "\n"


def _block_ends(document: Any, text: str) -> dict[int, tuple[int, int]]:
    """Block number -> (first line, last line), 1-based, from the LaTeX front end."""
    blocks = getattr(document, "blocks", None)
    if blocks is None:
        try:
            from derive.latex import read_document

            blocks = read_document(text).blocks
        except Exception:  # the heuristic in _block_end still places every note
            return {}
    return {b.index: (b.line, b.end_line) for b in blocks}


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


# ---------------------------------------------------------------------------------------
# HTML.


def write_html(
    results: Sequence[Result],
    path: str | os.PathLike[str],
    *,
    steps: Sequence[Any] | None = None,
    title: str = "derive report",
    plots: Mapping[str, str | os.PathLike[str]] | None = None,
) -> Path:
    """Write a self-contained HTML report (math rendered by KaTeX from a CDN) to ``path``.

    ``plots`` maps a claim id (or, for homework steps, ``"block.index"``) to a PNG or SVG
    file, embedded as a data URI under that row.
    """
    from derive._html import render_html

    results = list(results)
    _check_parallel(results, steps)
    text = render_html(results, steps=steps, title=title, plots=plots or {})
    out = Path(path)
    out.write_text(text, encoding="utf-8")
    return out
