"""The Python API for notebooks: ``derive.check("...")`` and ``derive.check_latex(text)``.

Results come back as `CheckResult` (a `Result` that renders itself in Jupyter through
``_repr_html_`` and ``_repr_markdown_``) and `StepResults` (a list of them for a homework).
Checks run in the calling process, which is fast for the interactive, trusted use a
notebook is; pass ``isolated=True`` to run through the worker pool with its time and
memory budget, as ``derive check`` does, when the text comes from someone else.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from derive.errors import DeriveError, UsageError
from derive.model import Claim, Evidence, LatexSource, Method, Outcome, Result, Settings, Verdict

__all__ = ["CheckResult", "StepResults", "check", "check_latex"]

_SETTINGS = {f.name for f in fields(Settings)}


class CheckResult(Result):
    """A `Result` with notebook renderings; everything else is the plain result."""

    @classmethod
    def of(cls, result: Result) -> CheckResult:
        """Wrap a plain `Result` (no copy of its data beyond the fields)."""
        if isinstance(result, cls):
            return result
        return cls(result.claim, result.verdict, result.method, result.seconds, result.outcomes)

    def _repr_markdown_(self) -> str:
        from derive.reporting._formats import _md_cell, _md_code
        from derive.reporting._html import claim_tex

        # Claim text is untrusted and notebooks render HTML inside Markdown: escape it.
        claim = self.claim
        text = _md_code(claim.text)
        lines = [f"**{self.verdict.value}** ({self.method.value}, {self.seconds:.2f} s): {text}"]
        lines.append(f"\n$${html.escape(claim_tex(self))}$$")
        if not self.ok:
            lines.append(f"\n*expected {claim.expect.value}*")
        cex = self.evidence.counterexample if self.evidence is not None else None
        if cex is not None:
            # Label it: the counterexample is what a reader of a refuted step looks for first.
            lines.append(f"\ncounterexample {_md_cell(cex.describe())}, confirmed at {cex.digits} digits")
        elif self.detail:
            lines.append(f"\n{_md_cell(self.detail)}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from derive.reporting._html import _COLOURS, claim_tex
        from derive.reporting._text import _evidence_lines

        colour = _COLOURS[self.verdict]
        tex = html.escape(claim_tex(self))
        detail = html.escape(self.detail)
        evidence = html.escape("\n".join(_evidence_lines(self)))
        return (
            f'<div style="border-left:5px solid {colour};padding:.3em .8em">'
            f'<b style="color:{colour}">{html.escape(self.verdict.value)}</b> '
            f"<span>({html.escape(self.method.value)}, {self.seconds:.2f} s)</span>"
            f"<div>$${tex}$$</div><code>{tex}</code>"
            f"<div>{detail}</div>"
            f'<details><summary>evidence</summary><pre style="white-space:pre-wrap">{evidence}</pre></details>'
            "</div>"
        )


class StepResults(list):
    """The results of `check_latex`, one per step, with the steps alongside (``.steps``)."""

    def __init__(self, results: list[CheckResult], steps: list[Any]) -> None:
        super().__init__(results)
        self.steps = steps

    def _repr_markdown_(self) -> str:
        from derive.reporting.report import render

        return render(list(self), "markdown", steps=self.steps)

    def _repr_html_(self) -> str:
        from derive.reporting._html import render_html

        return render_html(list(self), steps=self.steps, title="derive", plots={})


def _settings(overrides: Mapping[str, Any]) -> Settings:
    unknown = sorted(set(overrides) - _SETTINGS)
    if unknown:
        msg = f"unknown setting(s) {', '.join(map(repr, unknown))}; expected some of {', '.join(sorted(_SETTINGS))}"
        raise UsageError(msg)
    return Settings(**overrides)


def _run(claims: list[Claim], settings: Settings, isolated: bool) -> list[Result]:
    if isolated:
        from derive.runner import run_claims

        return run_claims(claims, settings, jobs=1, cache=None)
    from derive.engine import check_claim

    return [check_claim(c, settings) for c in claims]


def check(
    text: str,
    symbols: Mapping[str, str] | None = None,
    random: Mapping[str, Any] | None = None,
    *,
    expect: str = "holds",
    isolated: bool = False,
    **settings: Any,
) -> CheckResult:
    """Check one claim written as ``"lhs == rhs"`` (or ``<=``, ``>=``, ``<``, ``>``).

    ``symbols`` maps names to kinds (``{"a": "real", "S": "spd matrix 2x2"}``), ``random``
    maps random-variable names to distributions (``{"eps": "Normal(0, 1)"}``); other keyword
    arguments are `Settings` fields (``seed``, ``timeout``, ``numeric_points``, ...).

    Bad input does not raise: it gives an ``error`` result whose detail says what is wrong.
    """
    if not isinstance(text, str):
        msg = f"derive.check takes the claim as a string such as 'x**2 >= 0', not {type(text).__name__}"
        raise UsageError(msg)
    config = _settings(settings)
    try:
        from derive.language.parsing import split_relation

        lhs, relation, rhs = split_relation(text)
        claim = Claim(
            id="check",
            lhs=lhs,
            rhs=rhs,
            relation=relation,
            symbols=dict(symbols or {}),
            random=dict(random or {}),
            expect=expect,
            statement=text,
        )
    except DeriveError as exc:
        summary = exc.message
        claim = Claim(id="check", lhs=text, rhs="", statement=text)
        ev = Evidence(Method.PARSE, summary, reason="input")
        return CheckResult(claim, Verdict.ERROR, Method.PARSE, 0.0, (Outcome(Verdict.ERROR, ev),))
    return CheckResult.of(_run([claim], config, isolated)[0])


def check_latex(
    text: str,
    symbols: Mapping[str, str] | None = None,
    *,
    inline: bool = False,
    isolated: bool = False,
    macros: Any = None,
    **settings: Any,
) -> StepResults:
    """Check every step of a LaTeX/Markdown derivation given as text (or a file path).

    Returns one `CheckResult` per step, in document order; ``.steps`` holds the steps
    (block, index, line, LaTeX of both sides). A step that cannot be read is an ``error``.
    ``macros``: macro files (a path or a list of paths, read for their definitions only) or a
    mapping ``{"E": "\\mathbb{E}", "vect": "\\mathbf{#1}"}``, under the document's own definitions.
    """
    from derive.latex import read_document
    from derive.latex.shapes import StepRun

    config = _settings(settings)
    document = read_document(text, symbols=dict(symbols) if symbols else None, inline=inline, macros=macros)
    steps = list(document.steps)

    def error(step: Any) -> Result:
        ev = Evidence(Method.PARSE, str(step.error), reason="input")
        claim = step.claim or Claim(
            id=f"block{step.block}.step{step.index}", lhs=LatexSource(step.lhs_tex), rhs=LatexSource(step.rhs_tex)
        )
        return Result(claim, Verdict.ERROR, Method.PARSE, 0.0, (Outcome(Verdict.ERROR, ev),))

    run = StepRun(steps, error)  # one step may run as several claims (sizes), combined here
    results = run.results(_run(run.claims, config, isolated))
    return StepResults([CheckResult.of(r) for r in results], steps)
