"""Reporters: JSON against the shipped schema, JUnit parsed back, Markdown, HTML, the rich table."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from derive.errors import Location, UsageError
from derive.model import (
    Claim,
    Counterexample,
    Estimate,
    Evidence,
    Expect,
    LatexSource,
    Method,
    Outcome,
    Point,
    Relation,
    Result,
    Verdict,
)
from derive.reporting import report
from derive.reporting._texprint import source_to_latex

HOSTILE = "<script>alert('x')</script> | & \"q\""


def _result(claim: Claim, verdict: Verdict, method: Method, evidence: Evidence, seconds: float = 0.25) -> Result:
    return Result(claim, verdict, method, seconds, (Outcome(verdict, evidence),))


@pytest.fixture
def results() -> list[Result]:
    return make_results()


def make_results() -> list[Result]:
    """One result of each kind, with hostile text in places a reporter must escape."""
    where = Location("claims/gan.yaml", 3)
    proved = _result(
        Claim("gan.sigmoid.grad", "diff(log(1 - sigmoid(a)), a)", "-sigmoid(a)", symbols={"a": "real"}, where=where),
        Verdict.PROVED,
        Method.SYMBOLIC,
        Evidence(Method.SYMBOLIC, "lhs - rhs simplifies to 0", difference="0", route="rewrite(exp)"),
    )
    cex = Counterexample((("x", "1/2"),), "0.25", "0.5", "-0.25", 60)
    refuted_expected = _result(
        Claim("wrong.square", "x**2", "x", expect=Expect.FAILS, where=Location("claims/gan.yaml", 9)),
        Verdict.REFUTED,
        Method.NUMERIC,
        Evidence(Method.NUMERIC, "sides differ", counterexample=cex, seed=0),
    )
    refuted_unexpected = _result(
        Claim("pi.approx", "pi", "355/113", statement=HOSTILE, source=HOSTILE, where=Location("claims/num.yaml", 2)),
        Verdict.REFUTED,
        Method.NUMERIC,
        Evidence(
            Method.NUMERIC, "sides differ", counterexample=Counterexample((), "3.14159", "3.14159", "-2.7e-7", 80)
        ),
    )
    mc = _result(
        Claim("reparam.m2", "E((mu + sigma*eps)**2)", "mu**2 + sigma**2", random={"eps": "Normal(0, 1)"}),
        Verdict.CONSISTENT,
        Method.MONTECARLO,
        Evidence(
            Method.MONTECARLO,
            "estimate within tolerance",
            estimates=(Estimate(0.0001, 0.0002, 10**6, 0.0, 0.6, "numpy x2", (("mu", "1/3"),)),),
            points=(Point((("mu", "1/3"),), "1", "1", "0", 30),),
            seed=7,
        ),
    )
    undecided = _result(
        Claim("hard.integral", "integrate(exp(-x**4), (x, 0, oo))", "gamma(5/4)", relation=Relation.LE),
        Verdict.UNDECIDED,
        Method.BUDGET,
        Evidence(Method.BUDGET, "stopped after 10 s", reason="timeout"),
    )
    error = _result(
        Claim("bad.parse", "__import__('os')", "1", where=Location("claims/num.yaml", 5)),
        Verdict.ERROR,
        Method.PARSE,
        Evidence(Method.PARSE, f"unknown name '__import__' {HOSTILE}", reason="input"),
    )
    nan = _result(
        Claim("heavy.tail", "E(x/y)", "0", random={"x": "Normal(0, 1)", "y": "Normal(0, 1)"}),
        Verdict.UNDECIDED,
        Method.MONTECARLO,
        Evidence(
            Method.MONTECARLO,
            "standard error does not settle",
            estimates=(Estimate(float("nan"), float("inf"), 1000, 0.0, float("nan"), "numpy x1"),),
            reason="heavy tails",
        ),
    )
    return [proved, refuted_expected, refuted_unexpected, mc, undecided, error, nan]


def _steps(results: list[Result]) -> list[SimpleNamespace]:
    steps = []
    for i, r in enumerate(results):
        claim = r.claim.evolve(where=Location("hw.md", 3 + 2 * i))
        steps.append(
            SimpleNamespace(
                block=1 + i // 2,
                index=1 + i % 2,
                line=3 + 2 * i,
                lhs_tex=r"\sigma(a)" if i else HOSTILE,
                rhs_tex=r"\frac{1}{1+e^{-a}}",
                relation=Relation.EQ,
                claim=claim,
                error=None,
            )
        )
    return steps


# --- JSON ------------------------------------------------------------------------------


def test_check_json_validates_against_schema_and_counts(results):
    doc = json.loads(report.render(results, "json"))
    jsonschema.validate(doc, report.load_schema("check"))
    summary = doc["summary"]
    assert summary["total"] == 7
    assert summary["refuted"] == 2
    assert summary["undecided"] == 2
    # proved (holds), refuted (fails) match; consistent holds; the rest do not.
    assert (summary["ok"], summary["failed"]) == (3, 4)
    by_id = {c["id"]: c for c in doc["claims"]}
    assert by_id["wrong.square"]["ok"] is True
    assert "x = 1/2" in by_id["wrong.square"]["detail"]
    assert by_id["wrong.square"]["evidence"][0]["counterexample"]["values"] == {"x": "1/2"}
    assert by_id["gan.sigmoid.grad"]["file"] == "claims/gan.yaml"
    assert by_id["gan.sigmoid.grad"]["line"] == 3
    # Non-finite floats become null rather than invalid JSON.
    assert by_id["heavy.tail"]["evidence"][0]["estimates"][0]["mean"] is None


def test_check_json_schema_rejects_wrong_shapes(results):
    schema = report.load_schema("check")
    doc = json.loads(report.render(results, "json"))
    doc["claims"][0]["verdict"] = "probably"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"claims": []}, schema)


def test_latex_json_validates_and_groups_by_file(results):
    steps = _steps(results)
    doc = json.loads(report.render(results, "json", steps=steps))
    jsonschema.validate(doc, report.load_schema("latex"))
    assert doc["file"] == "hw.md"
    assert [(s["block"], s["index"]) for s in doc["steps"]][:3] == [(1, 1), (1, 2), (2, 1)]
    assert doc["steps"][0]["lhs"] == HOSTILE
    assert doc["summary"] == {"proved": 1, "verified": 0, "consistent": 1, "refuted": 2, "undecided": 2, "error": 1}
    # Two files give a list of documents.
    steps[-1] = SimpleNamespace(**{**vars(steps[-1]), "claim": steps[-1].claim.evolve(where=Location("other.tex", 1))})
    docs = json.loads(report.render(results, "json", steps=steps))
    jsonschema.validate(docs, report.load_schema("latex"))
    assert [d["file"] for d in docs] == ["hw.md", "other.tex"]


def test_schema_name_is_checked():
    with pytest.raises(UsageError, match="no schema"):
        report.load_schema("nope")


def test_unknown_format_and_mismatched_steps_are_usage_errors(results):
    with pytest.raises(UsageError, match="unknown report format 'yaml'"):
        report.render(results, "yaml")
    with pytest.raises(UsageError, match="parallel"):
        report.render(results, "json", steps=_steps(results)[:2])


# --- JUnit -----------------------------------------------------------------------------


def test_junit_parses_back_with_failures_and_errors(results):
    root = ET.fromstring(report.render(results, "junit"))
    assert root.tag == "testsuites"
    cases = root.findall(".//testcase")
    assert len(cases) == 7
    assert root.get("tests") == "7"
    failures = root.findall(".//failure")
    errors = root.findall(".//error")
    # pi.approx (refuted but expected to hold), hard.integral and heavy.tail (undecided).
    assert sorted(f.get("type") for f in failures) == ["refuted", "undecided", "undecided"]
    assert [e.get("type") for e in errors] == ["error"]
    assert (root.get("failures"), root.get("errors")) == ("3", "1")
    by_name = {c.get("name"): c for c in cases}
    assert by_name["wrong.square"].find("failure") is None  # refuted as expected: a pass
    failure = by_name["pi.approx"].find("failure")
    assert "expected holds, got refuted (numeric)" in failure.get("message")
    assert "lhs - rhs = -2.7e-7" in failure.text
    assert by_name["gan.sigmoid.grad"].get("file") == "claims/gan.yaml"
    suites = root.findall("testsuite")
    assert sum(int(s.get("tests")) for s in suites) == 7


def test_junit_for_homework_steps(results):
    root = ET.fromstring(report.render(results, "junit", steps=_steps(results)))
    cases = root.findall(".//testcase")
    assert [c.get("name") for c in cases][:2] == ["block 1 step 1", "block 1 step 2"]
    # In a homework only refuted steps fail; undecided are skipped; errors are errors.
    assert len(root.findall(".//failure")) == 2
    assert len(root.findall(".//skipped")) == 2
    assert len(root.findall(".//error")) == 1


# --- Markdown --------------------------------------------------------------------------


def test_markdown_claims_escapes_and_marks(results):
    text = report.render(results, "markdown")
    assert "## claims/gan.yaml" in text
    assert "`wrong.square`" in text
    assert "<script>" not in text
    pi_row = next(line for line in text.splitlines() if "pi.approx" in line)
    assert "unexpected" in pi_row
    assert "refuted" in pi_row
    # Each table row has the same number of unescaped pipes as the header.
    header = next(line for line in text.splitlines() if line.startswith("| claim"))
    error_row = next(line for line in text.splitlines() if "bad.parse" in line)
    assert error_row.replace("\\|", "").count("|") == header.count("|")


def test_markdown_echoes_document_with_block_marks(results):
    steps = _steps(results[:3])
    document = "# Homework\n\nintro\n$$\na = b\n$$\ntext\n$$ c = d $$\nmore\n\n\nend"
    # Steps of block 1 are on lines 3 and 5; block 2 on line 7.
    text = report.render(results[:3], "markdown", steps=steps, document=document)
    lines = text.splitlines()
    assert lines[:6] == ["# Homework", "", "intro", "$$", "a = b", "$$"]
    note1 = next(i for i, line in enumerate(lines) if line.startswith("> derive, block 1"))
    note2 = next(i for i, line in enumerate(lines) if line.startswith("> derive, block 2"))
    assert note1 < lines.index("text") < lines.index("$$ c = d $$") < note2
    assert "**proved**" in lines[note1]
    assert "**refuted**" in lines[note2]
    assert "x = 1/2" in lines[note1]  # the counterexample of the refuted step 2 of block 1
    assert lines[-1] == "end"


MARK4 = (
    "> derive, block 4: ? step 1: **undecided** (numeric) — symbolic: could not establish the sign of the "
    "difference symbolically; numeric: unknown function g(x): no numeric value"
)


def test_markdown_echo_marks_blocks_without_a_step_and_says_why():
    from derive.engine import check_claim  # noqa: PLC0415 - the engine and LaTeX reader only here
    from derive.latex import read_document  # noqa: PLC0415
    from derive.model import Settings  # noqa: PLC0415

    document = "\n\n".join(
        [
            "$$x + x = 2x$$",
            "$$ $$",
            r"$$\stackrel{y = 2}{\longrightarrow}$$",
            r"$$\max_x f(x) \quad \text{subject to} \ g(x) < 1$$",
            "$$y + y$$",
            "$$+ 1 = 2y$$",
            "$$+ 1$$",
            "$$x^2 + 1$$",
        ]
    )
    doc = read_document(document)
    results = [check_claim(s.claim, Settings(timeout=5)) for s in doc.steps]
    # blocks 5-7 make one step: y + y + 1 = 2y + 1; block 4's constraint is read as a condition
    assert [(s.block, s.lhs_tex, s.rhs_tex, r.verdict) for s, r in zip(doc.steps, results, strict=True)] == [
        (1, "x + x", "2x", Verdict.PROVED),
        (4, "\\ g(x)", "1", Verdict.UNDECIDED),
        (6, "y + y + 1", "2y + 1", Verdict.PROVED),
    ]
    assert doc.steps[1].annotated
    for source in (document, doc):  # the text (as the CLI passes it) or the Document
        text = report.render(results, "markdown", steps=list(doc.steps), document=source)
        marks = [line for line in text.splitlines() if line.startswith("> derive, block ")]
        assert marks == [
            "> derive, block 1: ✔ step 1: **proved** (symbolic)",
            "> derive, block 2: no step to check (the block is empty)",
            "> derive, block 3: no step to check (only an arrow; a label over an arrow is not checked)",
            MARK4,
            "> derive, block 5: no step to check (its expression goes on in the next block, checked in block 6 step 1)",
            "> derive, block 6: ✔ step 1: **proved** (symbolic)",
            "> derive, block 7: no step to check (it continues the expression of the block before it, checked in "
            "block 6 step 1)",
            "> derive, block 8: no step to check (no relation (=, \\\\le, ...) outside brackets: an expression, "
            "not a step)",
        ]
        # each mark follows its own block
        lines = text.splitlines()
        for n, src in ((2, "$$ $$"), (7, "$$+ 1$$"), (8, "$$x^2 + 1$$")):
            at = lines.index(src)
            assert lines[at + 2].startswith(f"> derive, block {n}:")


def test_markdown_cells_render_as_the_text_they_hold(results):
    # Rendered by a CommonMark + GFM-table parser (rich's markdown-it): what a grader sees.
    render = MarkdownIt("commonmark").enable("table").render
    tricky = results[1].claim.evolve(id="odd|id`x", lhs=LatexSource(r"x*y_1 + \frac{a}{b}"), rhs="z*w_2")
    rows = [*results, Result(tricky, results[1].verdict, results[1].method, 0.1, results[1].outcomes)]
    claims_html = render(report.render(rows, "markdown"))
    assert "<code>odd|id`x</code>" in claims_html
    steps = _steps(rows)
    steps[-1].lhs_tex, steps[-1].rhs_tex = r"x*y_1 + \frac{a}{b}", "z*w_2"
    steps_html = render(report.render(rows, "markdown", steps=steps))
    for html in (claims_html, steps_html):
        assert "<script" not in html
        assert "<em>" not in html  # no emphasis made out of x*y ... z*w
    assert "x*y_1 + \\frac{a}{b} = z*w_2" in steps_html
    assert "&lt;script&gt;alert" in steps_html  # hostile step text shown, not run


def test_markdown_steps_without_document_is_a_table(results):
    text = report.render(results, "markdown", steps=_steps(results))
    assert "| block | step |" in text
    assert "<script>" not in text


# --- terminal --------------------------------------------------------------------------


def test_table_lists_every_claim_with_counterexample(results):
    text = report.render(results, "table")
    for r in results:
        assert r.claim.id in text
    assert "x = 1/2" in text
    assert "expected holds" in text
    assert "7 claims: 1 proved, 1 consistent, 2 refuted, 2 undecided, 1 error" in text
    assert "\x1b[" not in text  # no colour codes in rendered text


def test_table_verbose_adds_evidence(results):
    text = report.render(results, "table", verbose=True)
    assert "route: rewrite(exp)" in text
    assert "reason: timeout" in text


def test_print_table_for_steps_and_no_color(results, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    buffer = io.StringIO()
    console = report.make_console(file=buffer, width=200)
    assert console.no_color
    report.print_table(results, console, steps=_steps(results))
    out = buffer.getvalue()
    assert "\\frac{1}{1+e^{-a}}" in out
    assert "7 steps" in out


@pytest.mark.parametrize(
    ("width", "claim_id"), [(80, "wrong.expected_to_hold"), (120, "seed.gda.part3b.table.itr16.point_as_written")]
)
def test_a_narrow_table_keeps_ids_whole_and_cuts_nothing(results, width, claim_id):
    # An id is what a reader copies into -k or `derive plot`: the detail column folds first.
    long_id = results[2].claim.evolve(id=claim_id)
    rows = [*results, Result(long_id, results[2].verdict, results[2].method, 0.1, results[2].outcomes)]
    buffer = io.StringIO()
    report.print_table(rows, report.make_console(file=buffer, width=width, no_color=True))
    text = buffer.getvalue()
    table = [line for line in text.splitlines() if line[:1] in "┏┃┡│└"]
    assert all(len(line) <= width and line[-1] in "┓┃┩│┘" for line in table)  # nothing cropped
    for r in rows:
        assert r.claim.id in text
    folded = "".join(line.split("│")[5] for line in table if line.startswith("│"))
    assert "x = 1/2" in " ".join(folded.split())  # the counterexample is folded, not dropped


def test_console_in_a_terminal_keeps_colour_without_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert report.make_console(file=io.StringIO()).no_color is False


# --- HTML ------------------------------------------------------------------------------


def test_html_is_escaped_and_coloured(results, tmp_path):
    png = tmp_path / "p.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\nfake")
    out = report.write_html(results, tmp_path / "r.html", plots={"wrong.square": png})
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text
    assert "katex" in text
    assert "data:image/png;base64," in text
    # The given plot, plus plots drawn for the other refuted claim and the Monte Carlo ones.
    assert text.count("data:image/png;base64,") >= 3
    assert "#cf222e" in text  # refuted colour
    for verdict in ("proved", "refuted", "consistent", "undecided", "error"):
        assert f'class="verdict">{verdict}<' in text
    assert "<details><summary>evidence</summary>" in text


def test_html_shows_latex_source_of_steps(results, tmp_path):
    steps = _steps(results)
    steps[1].claim = steps[1].claim.evolve(lhs=LatexSource(r"\sigma(a)"))
    out = report.write_html(results, tmp_path / "h.html", steps=steps, title="hw <1>", auto_plots=False)
    text = out.read_text(encoding="utf-8")
    assert "<title>hw &lt;1&gt;</title>" in text
    assert r"\sigma(a) = \frac{1}{1+e^{-a}}" in text
    assert "block 1, step 2" in text


def test_html_math_shows_the_step_as_written_not_evaluated(tmp_path):
    claim = Claim("saddle.grad", "diff(x*y, x)", "y", symbols={"x": "real", "y": "real"})
    result = _result(claim, Verdict.PROVED, Method.SYMBOLIC, Evidence(Method.SYMBOLIC, "0"))
    text = report.write_html([result], tmp_path / "s.html", auto_plots=False).read_text(encoding="utf-8")
    assert r'data-tex="\frac{\partial}{\partial x}\left(x y\right) = y"' in text


@pytest.mark.parametrize(
    ("source", "tex"),
    [
        ("E((mu + sigma*eps)**2)", r"\mathbb{E}\left[\left(\mu + \sigma \varepsilon\right)^{2}\right]"),
        # A Greek letter with digits gets its index; s1, s2 print as written (s2 may be a variance).
        (
            "KL(Normal(mu1, s1), Normal(mu2, s2))",
            r"D_{\mathrm{KL}}\left(\mathcal{N}\left(\mu_{1}, \mathit{s1}\right) \,\|\, "
            r"\mathcal{N}\left(\mu_{2}, \mathit{s2}\right)\right)",
        ),
        ("integrate(p_g(x), (x, -2, 2))", r"\int_{-2}^{2} p_{g}\left(x\right) \, dx"),
        ("diff(diff(x*y, x), y)**2", r"\left(\frac{\partial}{\partial y}"
         r"\left(\frac{\partial}{\partial x}\left(x y\right)\right)\right)^{2}"),
        ("a - (b - c) + -d", r"a - \left(b - c\right) - d"),
        ("0.6*(-1.4) - (-x)", r"0.6 \cdot \left(-1.4\right) - \left(-x\right)"),
        ("Matrix([[1, 0.2], [-0.2, 1]])**2", r"\begin{pmatrix}1 & 0.2 \\ -0.2 & 1\end{pmatrix}^{2}"),
        ("Sum(1/k**2, (k, 1, oo))", r"\sum_{k=1}^{\infty} \frac{1}{k^{2}}"),
    ],
)  # fmt: skip
def test_source_to_latex(source, tex):
    assert source_to_latex(source) == tex


@pytest.mark.parametrize("source", ["__import__('os')", "x.__class__", "(lambda: 1)()", "[i for i in x]", "(" * 5000])
def test_source_to_latex_declines_what_it_does_not_print(source):
    assert source_to_latex(source) is None


def test_junit_survives_control_characters(results):
    bad = results[2].claim.evolve(id="ctl\x0c\x00id", statement="a\x1bb")
    odd = Result(bad, results[2].verdict, results[2].method, 0.1, results[2].outcomes)
    root = ET.fromstring(report.render([odd], "junit"))
    assert root.find(".//testcase").get("name") == "ctl\ufffd\ufffdid"


@given(st.text(alphabet="xyab0123.+-*/()_, []{}=<>EKLlogexpdiffSumtranspose", max_size=60))
def test_source_to_latex_never_raises(source):
    out = source_to_latex(source)
    assert out is None or isinstance(out, str)


@pytest.mark.parametrize("source", ["exp()", "transpose()", "Sum(x)", "KL(P)", "diff()", "limit(x)"])
def test_source_to_latex_with_missing_arguments(source):
    assert source_to_latex(source) is None
