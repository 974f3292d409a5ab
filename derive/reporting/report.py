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
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

from derive.errors import DeriveError, UsageError
from derive.model import Method, Result, Verdict
from derive.reporting._formats import junit, markdown_claims, markdown_steps
from derive.reporting._html import render_html
from derive.reporting._text import (
    _evidence_lines,
    _relation_text,
    _step_file,
    _step_text,
    _summary_line,
    shorten_numbers,
    summary,
)

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


# ---------------------------------------------------------------------------------------
# Plain data: the dictionaries behind JSON (and the schemas in derive/schema/).


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


def _step_entry(step: Any, result: Result) -> dict[str, Any]:
    entry = {
        "block": step.block,
        "index": step.index,
        "line": step.line,
        "lhs": step.lhs_tex,
        "rhs": step.rhs_tex,
        "relation": "propto" if getattr(step, "proportional_in", "") else _relation_text(step.relation),
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
    document: Any = None,
    verbose: bool = False,
) -> str:
    """Render ``results`` as ``fmt`` (one of `FORMATS`) and return the text.

    ``steps`` (parallel to ``results``) switches to the homework layout of ``derive latex``;
    ``document`` is the homework (its text or `derive.latex.Document`), which Markdown echoes back with
    a verdict mark after each block (without it the Markdown is a table of steps).
    """
    results = list(results)
    _check_parallel(results, steps)
    if fmt == "json":
        payload = check_payload(results) if steps is None else latex_payload(results, steps)
        return json.dumps(_json_safe(payload), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if fmt == "junit":
        return junit(results, steps)
    if fmt == "markdown":
        if steps is None:
            return markdown_claims(results)
        return markdown_steps(results, steps, document)
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
    from rich.console import Console  # noqa: PLC0415 - rich loads only when a table is printed

    if no_color is None:
        no_color = bool(os.environ.get("NO_COLOR"))
    return Console(file=file, width=width, no_color=no_color, highlight=False, soft_wrap=False)


def print_table(
    results: Sequence[Result],
    console: Any,
    *,
    verbose: bool = False,
    steps: Sequence[Any] | None = None,
    summary_of: Sequence[Result] | None = None,
) -> None:
    """Print a rich table of ``results`` and a summary line to ``console``.

    Refuted rows show their counterexample; ``verbose`` adds every tier's evidence.
    ``summary_of`` counts a larger run in the summary line (``--quiet`` prints only the
    failing rows but still tells how the whole run went).
    """
    from rich.table import Table  # noqa: PLC0415 - as in make_console
    from rich.text import Text  # noqa: PLC0415

    results = list(results)
    _check_parallel(results, steps)
    table = Table(show_lines=verbose, header_style="bold")
    if steps is None:
        table.add_column("claim", overflow="fold", width=_id_width(results, console.width))
    else:
        table.add_column("block", justify="right")
        table.add_column("line", justify="right")
        table.add_column("step", overflow="fold")
    # Fold rather than cut with an ellipsis: on a narrow console a verdict must stay whole.
    table.add_column("verdict", overflow="fold")
    table.add_column("method", overflow="fold")
    table.add_column("seconds", justify="right", overflow="fold")
    table.add_column("detail", overflow="fold")
    for i, result in enumerate(results):
        verdict = Text(result.verdict.value, style=VERDICT_COLOURS[result.verdict])
        if steps is None and result.not_loaded:
            verdict.append(" (not loaded)", style="bold")
        elif steps is None and not result.ok:
            verdict.append(f" (expected {result.claim.expect.value})", style="bold")
        detail = result.detail
        if verbose:
            detail = "\n".join([detail, *_evidence_lines(result)]) if detail else "\n".join(_evidence_lines(result))
        if steps is None:
            lead = [Text(result.claim.id)]
        else:
            step = steps[i]
            lead = [str(step.block), str(step.line or ""), Text(_step_text(step))]
        table.add_row(*lead, verdict, result.method.value, f"{result.seconds:.2f}", Text(shorten_numbers(detail)))
    if results:
        console.print(table)
    console.print(Text(_summary_line(results if summary_of is None else summary_of, steps)))


#: Room the verdict, method and seconds columns need at their narrowest, plus the borders
#: and padding of a five-column table.
_FIXED_COLUMNS = 43


def _id_width(results: Sequence[Result], console_width: int) -> int:
    """The claim column's width: the longest id, within two thirds of what the fixed columns leave.

    An id is what a reader copies into ``-k`` or ``derive plot``, so on a narrow console the
    verdict and detail columns fold before it does; an id longer than its share still folds
    (rich's ``overflow="fold"``), it is never cut.
    """
    longest = max((len(r.claim.id) for r in results), default=5)
    share = max(12, (console_width - _FIXED_COLUMNS) * 2 // 3)
    return min(longest, share)


# ---------------------------------------------------------------------------------------
# HTML.


def write_html(
    results: Sequence[Result],
    path: str | os.PathLike[str],
    *,
    steps: Sequence[Any] | None = None,
    title: str = "derive report",
    plots: Mapping[str, str | os.PathLike[str]] | None = None,
    auto_plots: bool = True,
    katex: str = "inline",
) -> Path:
    """Write a self-contained HTML report (math typeset by the bundled KaTeX, no network) to ``path``.

    ``katex="inline"`` puts KaTeX (about 640 kB) into the file; a relative folder (``"katex"``)
    links the copy `derive.reporting._html.write_katex` wrote there instead.

    ``plots`` maps a claim id (or, for homework steps, ``"block.index"``) to a PNG or SVG
    file, embedded as a data URI under that row. With ``auto_plots`` (and matplotlib
    installed) every refuted claim and every Monte Carlo claim without a given plot gets one
    drawn by `derive.reporting.plotting.plot_result`.
    """

    results = list(results)
    _check_parallel(results, steps)
    given = dict(plots or {})
    with tempfile.TemporaryDirectory(prefix="derive-plots-") as tmp:
        if auto_plots:
            given |= _auto_plots(results, steps, given, Path(tmp))
        text = render_html(results, steps=steps, title=title, plots=given, katex=katex)
    out = Path(path)
    out.write_text(text, encoding="utf-8")
    return out


#: At most this many plots are drawn for one report; a library with hundreds of refuted
#: claims would otherwise spend minutes drawing.
MAX_AUTO_PLOTS = 40


def _auto_plots(
    results: Sequence[Result], steps: Sequence[Any] | None, given: Mapping[str, Any], folder: Path
) -> dict[str, Path]:
    """Plots for the results a reader would rather look at: refuted and Monte Carlo ones."""
    try:
        import matplotlib  # noqa: F401, PLC0415 - only to know whether plots can be drawn (an optional extra)
    except ImportError:
        return {}
    from derive.reporting.plotting import plot_result  # noqa: PLC0415 - needs matplotlib

    made: dict[str, Path] = {}
    for i, result in enumerate(results):
        if len(made) >= MAX_AUTO_PLOTS:
            break
        key = result.claim.id if steps is None else f"{steps[i].block}.{steps[i].index}"
        wanted = result.verdict is Verdict.REFUTED or result.method is Method.MONTECARLO
        if key in given or not wanted:
            continue
        target = folder / f"plot-{i}.png"
        try:
            made[key] = plot_result(result, target, dpi=72)  # small: the page embeds up to 40
        except (DeriveError, ArithmeticError, ValueError, TypeError):
            continue  # nothing to plot for this one; the report is complete without it
    return made
