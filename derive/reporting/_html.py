"""The HTML report behind `derive.reporting.report.write_html` (kept apart: it is mostly markup).

Every piece of claim or homework text is untrusted and goes through `html.escape`; math
is placed as escaped text in elements that KaTeX renders in the browser, with the LaTeX
source shown beside it. KaTeX is bundled (`derive/_assets/katex/`): inlined by default, so a
report renders offline and can be mailed as one file; or linked from a folder beside the
reports (`write_katex`), as `derive grade` does for a class.
"""

from __future__ import annotations

import base64
import html
import os
from collections.abc import Mapping, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

from derive.model import LatexSource, Relation, Result, Verdict
from derive.reporting._texprint import source_to_latex
from derive.reporting._text import _evidence_lines, _relation_text, summary

__all__ = ["claim_tex", "katex_head", "render_html", "write_katex"]

#: The KaTeX bundled with derive (MIT; rebuilt by derive/_assets/katex/vendor.py): the JS, and
#: the CSS with its fonts inlined, about 640 kB together, so a report renders with no network.
_KATEX_FILES = ("katex.min.css", "katex.min.js")
_MAX_TEX = 4000  # longer renderings are shown as source only; KaTeX on megabytes helps nobody
_RELATION_TEX = {
    Relation.EQ: "=",
    Relation.LE: r"\le",
    Relation.GE: r"\ge",
    Relation.LT: "<",
    Relation.GT: ">",
    Relation.APPROX: r"\approx",
}
_COLOURS = {
    Verdict.PROVED: "#1a7f37",
    Verdict.VERIFIED: "#2da44e",
    Verdict.CONSISTENT: "#0969da",
    Verdict.REFUTED: "#cf222e",
    Verdict.UNDECIDED: "#9a6700",
    Verdict.ERROR: "#8250df",
}

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1f2328}
h1{font-size:1.6rem} .summary span{margin-right:1rem}
.item{border:1px solid #d0d7de;border-left:6px solid var(--c);border-radius:6px;padding:.6rem 1rem;margin:.8rem 0}
.head{display:flex;gap:1rem;align-items:baseline;flex-wrap:wrap}
.verdict{color:#fff;background:var(--c);border-radius:1rem;padding:.05rem .6rem;font-weight:600}
.id{font-family:ui-monospace,monospace;font-weight:600} .muted{color:#656d76}
.math{overflow-x:auto;margin:.4rem 0} code.tex{display:block;white-space:pre-wrap;color:#656d76;font-size:.85em}
pre{white-space:pre-wrap;background:#f6f8fa;padding:.5rem;border-radius:4px} img{max-width:100%}
.unexpected{color:#cf222e;font-weight:700}
"""

_SCRIPT = """
document.addEventListener("DOMContentLoaded", function () {
  if (typeof katex === "undefined") return;
  document.querySelectorAll(".math[data-tex]").forEach(function (el) {
    try { katex.render(el.getAttribute("data-tex"), el, {displayMode: true, throwOnError: false}); }
    catch (e) { /* the LaTeX source stays visible below */ }
  });
});
"""


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _side_tex(value: Any) -> str:
    """LaTeX for one side as written: LaTeX kept, text printed from its syntax, sympy objects by sympy."""
    if isinstance(value, LatexSource):
        return value.text
    if isinstance(value, str):
        return source_to_latex(value) or value
    try:
        import sympy  # noqa: PLC0415 - only Python claims carry sympy objects

        return sympy.latex(value)
    except Exception:  # a printer failure must not lose the report
        return str(value)


def claim_tex(result: Result) -> str:
    r"""LaTeX for a claim's ``lhs <relation> rhs`` as its author wrote it (not evaluated).

    >>> from derive.model import Claim, Method
    >>> print(claim_tex(Result(Claim("c", "diff(x**2, x)", "2*x"), Verdict.PROVED, Method.SYMBOLIC, 0.0)))
    \frac{\partial}{\partial x}\left(x^{2}\right) = 2 x
    """
    claim = result.claim
    return f"{_side_tex(claim.lhs)} {_RELATION_TEX[claim.relation]} {_side_tex(claim.rhs)}"


def _math(tex: str) -> str:
    if len(tex) > _MAX_TEX:
        return f'<code class="tex">{_esc(tex[:_MAX_TEX])}…</code>'
    return f'<div class="math" data-tex="{_esc(tex)}">{_esc(tex)}</div><code class="tex">{_esc(tex)}</code>'


def _image(path: str | os.PathLike[str]) -> str:
    file = Path(path)
    mime = "image/svg+xml" if file.suffix.lower() == ".svg" else "image/png"
    data = base64.b64encode(file.read_bytes()).decode("ascii")
    return f'<img alt="plot" src="data:{mime};base64,{data}">'


def _item(result: Result, step: Any | None, plots: Mapping[str, Any]) -> str:

    colour = _COLOURS[result.verdict]
    claim = result.claim
    if step is None:
        key = claim.id
        label = f'<span class="id">{_esc(claim.id)}</span>'
        tex = claim_tex(result)
        unexpected = "" if result.ok else f'<span class="unexpected">expected {_esc(claim.expect.value)}</span>'
    else:
        key = f"{step.block}.{step.index}"
        where = f"line {step.line}" if step.line is not None else ""
        label = (
            f'<span class="id">block {_esc(step.block)}, step {_esc(step.index)}</span> '
            f'<span class="muted">{where}</span>'
        )
        rel = step.relation
        rel_tex = _RELATION_TEX.get(rel, _relation_text(rel)) if isinstance(rel, Relation) else _relation_text(rel)
        rel_tex = r"\propto" if getattr(step, "proportional_in", "") else rel_tex
        tex = f"{step.lhs_tex} {rel_tex} {step.rhs_tex}"
        unexpected = ""
    parts = [
        f'<div class="item" style="--c:{colour}">',
        '<div class="head">',
        label,
        f'<span class="verdict">{_esc(result.verdict.value)}</span>',
        f'<span class="muted">{_esc(result.method.value)} · {result.seconds:.2f} s</span>',
        unexpected,
        "</div>",
    ]
    if step is None and claim.statement:
        parts.append(f"<p>{_esc(claim.statement)}</p>")
    parts.append(_math(tex))
    if step is None and claim.source:
        parts.append(f'<p class="muted">source: {_esc(claim.source)}</p>')
    if result.detail:
        parts.append(f"<p>{_esc(result.detail)}</p>")
    evidence = _evidence_lines(result)
    if evidence:
        parts.append(f"<details><summary>evidence</summary><pre>{_esc(chr(10).join(evidence))}</pre></details>")
    if key in plots:
        parts.append(_image(plots[key]))
    parts.append("</div>")
    return "\n".join(parts)


def _katex_text(name: str) -> str:
    return files("derive").joinpath("_assets", "katex", name).read_text(encoding="utf-8")


def write_katex(folder: str | os.PathLike[str]) -> list[Path]:
    """Write the bundled KaTeX (CSS with fonts, JS) into ``folder``, for reports that link it (``katex=``)."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in _KATEX_FILES:
        (out / name).write_text(_katex_text(name), encoding="utf-8")
        written.append(out / name)
    return written


def katex_head(katex: str = "inline") -> str:
    """The ``<head>`` markup that loads KaTeX: inline (one self-contained file, the default), or
    from ``katex`` as a relative folder holding `write_katex`'s files (many reports, one copy)."""
    if katex != "inline":
        base = _esc(katex.rstrip("/"))
        return f'<link rel="stylesheet" href="{base}/katex.min.css">\n<script src="{base}/katex.min.js"></script>'
    # Only "</script" or "</style" could end the inline element early: KaTeX's files have none,
    # and a rebuilt bundle with one is refused rather than written broken.
    css, js = _katex_text("katex.min.css"), _katex_text("katex.min.js")
    if "</style" in css.lower() or "</script" in js.lower():
        msg = "the bundled KaTeX cannot be inlined (it contains a closing tag)"
        raise RuntimeError(msg)
    return f"<style>{css}</style>\n<script>{js}</script>"


def render_html(
    results: Sequence[Result],
    *,
    steps: Sequence[Any] | None,
    title: str,
    plots: Mapping[str, str | os.PathLike[str]],
    katex: str = "inline",
) -> str:
    """The whole HTML document as a string (``katex``: see `katex_head`)."""

    counts = summary(results)
    badges = "".join(
        f'<span style="color:{_COLOURS[v]}">{counts[v.value]} {v.value}</span>' for v in Verdict if counts[v.value]
    )
    noun = "claims" if steps is None else "steps"
    items = [_item(r, steps[i] if steps is not None else None, plots) for i, r in enumerate(results)]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_esc(title)}</title>",
            katex_head(katex),
            f"<style>{_STYLE}</style>",
            f"<script>{_SCRIPT}</script>",
            "</head><body>",
            f"<h1>{_esc(title)}</h1>",
            f'<p class="summary"><strong>{counts["total"]}</strong> {noun}: {badges}</p>',
            *items,
            "</body></html>",
            "",
        ]
    )
