"""Plain text of results shared by every reporter: verdict marks, counts, step text, evidence lines.

`derive.reporting.report` (tables, JSON), `derive.reporting._formats` (JUnit, Markdown) and
`derive.reporting._html` all import from here, so no reporter imports another.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from derive.model import Point, Result, Verdict

_MARKS: dict[Verdict, str] = {
    Verdict.PROVED: "✔",
    Verdict.VERIFIED: "✔",
    Verdict.CONSISTENT: "≈",
    Verdict.REFUTED: "✘",
    Verdict.UNDECIDED: "?",
    Verdict.ERROR: "!",
}


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


def _relation_text(relation: Any) -> str:
    return str(getattr(relation, "value", relation))


_STEP_RELATION = {"==": "=", "<=": "≤", ">=": "≥", "~=": "≈"}


def _step_text(step: Any) -> str:
    """A homework step as a reader writes it: ``lhs = rhs`` (not the claim syntax ``==``)."""
    if getattr(step, "kind", "step") == "unreadable":
        return step.lhs_tex  # a block that could not be split into sides: shown as written
    rel = "∝" if getattr(step, "proportional_in", "") else _relation_text(step.relation)
    return f"{step.lhs_tex} {_STEP_RELATION.get(rel, rel)} {step.rhs_tex}"


def _step_file(step: Any) -> str | None:
    where = getattr(step.claim, "where", None) if getattr(step, "claim", None) is not None else None
    return getattr(where, "file", None)


def _point_text(p: Point) -> str:
    at = ", ".join(f"{k} = {v}" for k, v in p.values) or "no free symbols"
    return f"at {at}: lhs = {p.lhs}, rhs = {p.rhs}, lhs - rhs = {p.difference} ({p.digits} digits)"


#: A number with more characters than a table cell should carry (JSON keeps it whole).
_LONG_NUMBER = re.compile(r"(?<![\w.])(-?\d[\d.]{20,})((?:[eE][+-]?\d+)?)")


def shorten_numbers(text: str, keep: int = 16) -> str:
    """``text`` with each number longer than ~20 characters cut to ``keep`` characters and marked.

    ``3.14159265358979323846264338327950288`` becomes ``3.14159265358979…(37 chars)``: a table
    row stays readable, and the mark says the value was cut (the JSON report has it whole).
    """

    def cut(m: re.Match[str]) -> str:
        mantissa, exponent = m.group(1), m.group(2)
        return f"{mantissa[:keep]}…{exponent}({len(mantissa)} chars)"

    return _LONG_NUMBER.sub(cut, text)


def _evidence_lines(result: Result) -> list[str]:
    lines = []
    for outcome in result.outcomes:
        ev = outcome.evidence
        lines.append(f"{ev.method.value}: {outcome.verdict.value} — {ev.summary}")
        if ev.route:
            lines.append(f"  route: {ev.route}")
        if ev.difference is not None:
            lines.append(f"  lhs - rhs simplified: {ev.difference}")
        lines.extend(f"  point {i}: {_point_text(p)}" for i, p in enumerate(ev.points[:3], 1))
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


def _summary_line(results: Sequence[Result], steps: Sequence[Any] | None) -> str:
    counts = summary(results)
    parts = [f"{counts[v.value]} {v.value}" for v in Verdict if counts[v.value]]
    what = ("claim" if steps is None else "step") + ("" if counts["total"] == 1 else "s")
    line = f"{counts['total']} {what}: " + (", ".join(parts) or "none")
    if steps is None:
        line += f" — {counts['ok']} as expected, {counts['failed']} not"
    return line
