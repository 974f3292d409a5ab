"""Malformed and hostile LaTeX: per-step errors, a complete read, and nothing ever executed."""

from __future__ import annotations

import contextlib
import json
import os

import jsonschema
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from derive import cli
from derive.engine import check_claim
from derive.errors import LatexError, UsageError
from derive.language.parsing import HugePower
from derive.language.symbols import SymbolTable
from derive.latex import read_document
from derive.latex.parser import parse_latex
from derive.latex.tokens import MAX_DEPTH, MAX_LENGTH
from derive.model import Claim, Method, Settings, Verdict
from derive.reporting import report
from derive.runner import run_claims

GOOD = "$$x + x = 2x$$\n"


def P(text: str):
    return parse_latex(text, SymbolTable())


# -- parse_latex on one fragment -------------------------------------------------------------


@pytest.mark.parametrize(
    ("fragment", "needle"),
    [
        (r"\frac{1}{2", "unbalanced"),
        (r"(x + 1", "unbalanced"),
        (r"x + 1)", "unbalanced"),
        (r"a & b", "stray '&'"),
        (r"\foo{x}", r"unknown LaTeX command \\foo"),
        (r"\text{because} x", "text"),
        ("", "empty"),
        ("   ", "empty"),
        (r"x +", "ends too early"),
        (r"\sum x_i y_j", "bounds"),  # \sum x_i alone: over i (sums_unbounded)
        (r"\lim x", "subscript"),
        (r"(1, 2)", "a point .* is not a value"),
        (r"a = b", "relation"),
        (r"\int x", "differential"),
        (r"\frac{\partial^{1000} x}{\partial x^{1000}}", "order"),
        ("\\", "lone backslash"),
        (r"x # y", "unexpected character"),
        (r"\frac{0}{0}", "undefined"),
        (r"2 \log \frac{0}{0}", "undefined"),
        (r"\frac{1}{0}", "divides by zero"),
    ],
)
def test_unreadable_fragments_raise_latex_error_with_the_fragment(fragment, needle):
    with pytest.raises(LatexError, match=needle) as info:
        P(fragment)
    assert info.value.fragment == fragment


@pytest.mark.parametrize(
    ("fragment", "command"),
    [
        (r"\input{/etc/passwd}", "input"),
        (r"x + \input /etc/passwd", "input"),
        (r"\include{secret}", "include"),
        (r"\immediate\write18{rm -rf /}", "immediate"),
        (r"\write18{touch /tmp/derive-pwned}", "write18"),
        (r"\openout1=pwned.tex", "openout"),
        (r"\def\x{1} \x", "def"),
        (r"\newcommand{\x}{1}", "newcommand"),
        (r"\catcode`\^=7", "catcode"),
        (r"\csname input\endcsname{/etc/passwd}", "csname"),
    ],
)
def test_file_and_shell_commands_are_refused_by_name(fragment, command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(LatexError, match=rf"\\{command} is not allowed"):
        P(fragment)
    assert not os.path.exists("/tmp/derive-pwned")
    assert list(tmp_path.iterdir()) == []


def test_deep_nesting_is_refused_quickly():
    with pytest.raises(LatexError, match="nested"):
        P("(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1))
    with pytest.raises(LatexError, match="nested"):
        P("{" * 5_000 + "x" + "}" * 5_000)


def test_huge_input_is_refused_quickly():
    with pytest.raises(LatexError, match="longer than"):
        P("x+" * MAX_LENGTH + "x")


def test_huge_numbers_are_not_computed_while_reading():
    # the claim language's guards (derive.language._exact): an opaque HugePower, not an unevaluated
    # Pow that sympy would expand at the first + (see the test below)
    value = P(r"10^{10^{10}}")
    assert value == HugePower(10, 10**10)
    assert not value.is_Integer
    assert P(r"10^{10^{10}} + 1") == HugePower(10, 10**10) + 1
    assert P(r"\left. x^{10^{10}} \right|_{x=10}") == HugePower(10, 10**10)
    value = P(r"(10^9)!")
    assert isinstance(value, sympy.factorial)
    assert isinstance(P(r"\binom{10^{9}}{10^{5}}"), sympy.binomial)
    assert P(r"2^{100}") == 2**100  # small exact powers are still computed
    with pytest.raises(LatexError, match="digits"):
        P("9" * 10_000)


@pytest.mark.parametrize(
    ("tex", "text", "verdict", "detail"),
    [
        (r"10^{10^{10}} = 10^{10^{10}}+1", "10**10**10 == 10**10**10 + 1", Verdict.REFUTED, "nonzero constant -1"),
        (r"\left. x^{10^{10}} \right|_{x=10} = 10^{10^{10}}", "subs(y**(10**10), y, 10) == 10**10**10",
         Verdict.PROVED, "simplifies to 0"),
        (r"(10^9)! = (10^9)! + 1", "factorial(10**9) == factorial(10**9) + 1", Verdict.REFUTED, "nonzero constant -1"),
    ],
)  # fmt: skip
def test_huge_numbers_get_the_claim_languages_verdict(tex, text, verdict, detail):
    """The LaTeX path shares the guards of derive.language._exact, so it decides what the claim language
    decides (before, 10^{10^{10}} + 1 spent the whole budget and ended undecided)."""
    step = read_document(f"$${tex}$$").steps[0]
    lhs, rhs = text.split(" == ")
    claims = [step.claim, Claim(id="yaml", lhs=lhs, rhs=rhs)]
    latex, yaml = run_claims(claims, Settings(timeout=10), jobs=1)
    assert latex.verdict is verdict, latex.detail
    assert detail in latex.detail
    assert (yaml.verdict, yaml.detail) == (latex.verdict, latex.detail)


def test_very_long_identifiers_are_read_as_a_name_not_executed():
    value = P(r"x_{" + "a" * 300 + "}")
    assert isinstance(value, sympy.Symbol)


# -- documents --------------------------------------------------------------------------------

MALFORMED = [
    ("unbalanced brace", r"$$\frac{1}{2 = x$$"),
    ("stray ampersand", r"$$a & = b & & c = $$"),
    ("unknown command", r"$$\foo{x} = 1$$"),
    ("empty block", "$$ $$"),
    ("empty sides", "$$ = $$"),
    ("input", r"$$\input{/etc/passwd} = 1$$"),
    ("write18", r"$$x = \write18{touch /tmp/derive-pwned}$$"),
    ("unclosed block", "$$x = 1"),
]


@pytest.mark.parametrize(("name", "block"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_malformed_block_does_not_stop_the_document(name, block):
    doc = read_document(GOOD + block + "\n\n" + GOOD if name != "unclosed block" else GOOD + GOOD + block)
    good = [s for s in doc.steps if s.lhs_tex == "x + x"]
    assert len(good) == 2, name
    for step in doc.steps:
        if step.lhs_tex == "x + x":
            assert step.error is None


def test_hostile_commands_in_a_document_are_reported_and_never_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = "\\input{/etc/passwd}\n\n$$\\input{/etc/passwd} = 1$$\n\n$$x = \\write18{touch pwned}$$\n" + GOOD
    doc = read_document(text)
    assert any("\\input is ignored" in e for e in doc.errors)
    assert any("\\write18 is ignored" in e for e in doc.errors)
    bad = [s for s in doc.steps if s.block in (1, 2)]
    assert len(bad) == 2
    assert all(s.error and "is not allowed" in s.error for s in bad)
    for step in bad:
        result = check_claim(step.claim, Settings(timeout=5))
        assert result.verdict is Verdict.ERROR
        assert result.method is Method.PARSE
        assert "not allowed" in result.detail
    assert list(tmp_path.iterdir()) == []


def test_per_step_errors_name_the_fragment():
    doc = read_document(r"$$\foo{x} = 1 = 1$$")
    assert [(s.lhs_tex, s.rhs_tex) for s in doc.steps] == [(r"\foo{x}", "1"), ("1", "1")]
    first = check_claim(doc.steps[0].claim, Settings(timeout=5))
    assert first.verdict is Verdict.ERROR
    assert r"\foo" in first.detail
    second = check_claim(doc.steps[1].claim, Settings(timeout=5))
    assert second.verdict is Verdict.PROVED


def test_empty_sides_are_step_errors():
    doc = read_document("$$ = 1$$\n$$x = $$")
    assert [s.error is not None for s in doc.steps] == [True, True]
    assert "nothing before" in doc.steps[0].error
    assert "nothing after" in doc.steps[1].error


def test_unbalanced_block_marks_its_steps():
    # the '=' sits inside the unclosed brace, so no step can be split off; the block still
    # gets one row, an error naming the fragment, and the document goes on
    doc = read_document(r"$$\frac{1}{2 = x$$" + "\n" + GOOD)
    assert [(s.block, s.index) for s in doc.steps] == [(1, 1), (2, 1)]
    bad = doc.steps[0]
    assert (bad.kind, bad.lhs_tex, bad.rhs_tex, bad.line) == ("unreadable", r"\frac{1}{2 = x", "", 1)
    assert bad.error == r"unbalanced braces or brackets in this block: '\\frac{1}{2 = x' (no step can be read from it)"
    result = check_claim(bad.claim, Settings(timeout=5))
    assert (result.verdict, result.method) == (Verdict.ERROR, Method.PARSE)
    assert result.detail == "cannot read LaTeX " + repr(bad.lhs_tex) + ": unbalanced '{': no matching '}'"
    assert doc.steps[-1].error is None
    assert check_claim(doc.steps[-1].claim, Settings(timeout=5)).verdict is Verdict.PROVED
    # a side that is unbalanced where the relation is at the top level: that step only
    step = read_document(r"$$x = \left( 1$$").steps[0]
    assert (step.kind, step.lhs_tex, step.rhs_tex) == ("step", "x", r"\left( 1")
    assert step.error == r"unbalanced braces or brackets in this block: '\\left( 1'"


def test_unreadable_block_keeps_premise_links_of_later_steps():
    # the inserted error step shifts the steps after it; a premise index must follow
    doc = read_document("$$2y = 2 \\implies y + 1 = 2$$\n$$\\frac{1}{2$$\n$$2x = 0 \\implies x + 1 = 1$$")
    assert [(s.block, s.kind) for s in doc.steps] == [
        (1, "step"),
        (1, "step"),
        (2, "unreadable"),
        (3, "step"),
        (3, "step"),
    ]
    assert doc.steps[1].premise == 0
    assert doc.steps[4].premise == 3
    assert doc.steps[4].premise_solution == "x = 0"


# -- a stray '&' -----------------------------------------------------------------------------
# An '&' next to a relation is an alignment mark in any block (authors write x &= y in a
# plain $$ block); anywhere else outside an alignment environment it is a stray '&', an
# error naming it, never a product of its neighbours.


@pytest.mark.parametrize(
    ("tex", "lhs", "rhs"),
    [
        (r"$$2 & 3 = 6$$", "2 & 3", "6"),
        (r"$$x + x = 2 & x$$", "x + x", "2 & x"),
        (r"$$2 && 3 = 23$$", "2 && 3", "23"),
        (r"$$x &= 2 & x$$", "x", "2 & x"),
    ],
)
def test_stray_ampersand_is_an_error_naming_it_not_a_product(tex, lhs, rhs):
    (step,) = read_document(tex).steps
    assert (step.lhs_tex, step.rhs_tex, step.kind) == (lhs, rhs, "step")
    side = lhs if "&" in lhs else rhs
    assert step.error == (
        f"a stray '&' in '{side}': outside an alignment environment an '&' may only stand next to a relation "
        "(x &= y); derive does not guess what it joins"
    )
    # the claim alone (as a worker reads it) is refused too, naming the same fragment
    result = check_claim(step.claim, Settings(timeout=5))
    assert (result.verdict, result.method) == (Verdict.ERROR, Method.PARSE)
    assert result.detail == f"cannot read LaTeX '{side}': a stray '&' (alignment marks belong between steps)"


@pytest.mark.parametrize(
    "tex",
    [
        r"$$x + x &= 2x$$",
        r"$$x + x = & 2x$$",
        r"$$& x + x = 2x$$",
        r"$$x + x &= 2x && \text{(twice x)}$$",
        r"$$x + x &\le 2x$$",
    ],
)
def test_ampersand_next_to_a_relation_is_an_alignment_mark_in_a_plain_block(tex):
    (step,) = read_document(tex).steps
    assert (step.lhs_tex, step.rhs_tex) == ("x + x", "2x")
    assert check_claim(step.claim, Settings(timeout=5)).verdict is Verdict.PROVED


def test_ampersand_between_columns_of_an_alignment_ends_the_statement():
    for tex in (
        r"\begin{align} x + x &= 2x & y &= 3y \end{align}",
        r"$$\begin{aligned} x + x &= 2x & y &= 3y \end{aligned}$$",
    ):
        doc = read_document(tex)
        assert [(s.lhs_tex, s.rhs_tex) for s in doc.steps] == [("x + x", "2x"), ("y", "3y")]
        assert check_claim(doc.steps[1].claim, Settings(timeout=5)).verdict is Verdict.REFUTED


def test_non_utf8_bytes_are_replaced_and_reported():
    data = GOOD.encode() + b"$$y \xff\xfe = 1$$\n" + GOOD.encode()
    doc = read_document(data)
    assert any("not valid UTF-8" in e and "line 2" in e for e in doc.errors)
    assert len(doc.blocks) == 3
    assert [s.lhs_tex for s in doc.steps] == ["x + x", "y \ufffd\ufffd", "x + x"]
    bad = check_claim(doc.steps[1].claim, Settings(timeout=5))
    assert bad.verdict is Verdict.ERROR


def test_non_utf8_file_on_disk(tmp_path):
    path = tmp_path / "hw.md"
    path.write_bytes(b"\xc3\x28 text\n" + GOOD.encode())
    doc = read_document(path)
    assert doc.file == str(path)
    assert doc.errors and "UTF-8" in doc.errors[0]
    assert len(doc.steps) == 1


def test_unclosed_math_is_reported():
    doc = read_document(GOOD + "$$x = 1\n")
    assert any("never closed" in e for e in doc.errors)
    assert len(doc.steps) == 1


def test_huge_document_is_read_quickly_and_completely():
    text = GOOD * 5_000
    doc = read_document(text)
    assert len(doc.blocks) == 5_000
    assert len(doc.steps) == 5_000


def test_bad_front_matter_is_reported_not_raised():
    doc = read_document("---\nderive: [1, 2\n---\n" + GOOD)
    assert doc.errors and "front matter" in doc.errors[0]
    assert len(doc.steps) == 1
    doc = read_document("---\nderive:\n  symbols: {x: positive}\n  colour: red\n---\n" + GOOD)
    assert any("colour" in e for e in doc.errors)
    assert doc.steps[0].claim.symbols == (("x", "positive"),)


def test_yaml_python_tags_in_front_matter_are_not_executed():
    doc = read_document("---\nderive: !!python/object/apply:os.system ['touch pwned']\n---\n" + GOOD)
    assert doc.errors
    assert not os.path.exists("pwned")


# -- fuzzing -----------------------------------------------------------------------------------


_PIECES = st.sampled_from(
    [
        "x", "y", "2", "0.5", "+", "-", "*", "/", "^", "_", "(", ")", "[", "]", "{", "}", "|", "&", ",", "=", "<",
        r"\frac", r"\sqrt", r"\log", r"\sigma", r"\left(", r"\right)", r"\int", r"\sum", r"\partial", "d", r"\,",
        r"\mathbb{E}", r"\sim", r"\mathcal{N}", r"\|", r"\\", r"\text{a}", r"\begin{bmatrix}", r"\end{bmatrix}",
        r"\input", r"\det", "tr", r"\{", r"\}", "$$", "$", "\n", " ", r"\to", r"\quad", ":", "!", "'", r"\infty",
    ]
)  # fmt: skip


@given(st.lists(_PIECES, max_size=40).map("".join))
def test_parse_latex_only_ever_raises_latex_error(fragment):
    with contextlib.suppress(LatexError):
        parse_latex(fragment, SymbolTable())


@given(st.lists(_PIECES, max_size=60).map("".join))
def test_read_document_never_raises(text):
    doc = read_document(text)
    for step in doc.steps:
        assert step.claim.where.line == step.line


@pytest.mark.parametrize(
    "fragment",
    [
        "2^{" * 29 + "2" + "}" * 29,
        r"9^{9^{9^{9}}}",
        r"\log(" * 55 + "2" + ")" * 55,
        r"\sigma(" * 55 + "2" + ")" * 55,
        r"\sqrt{" * 55 + "2" + "}" * 55,
        r"\sum_{i=1}^{10^{12}} i",
    ],
    ids=["power tower", "9^9^9^9", "nested logs", "nested sigmoids", "nested roots", "huge sum"],
)
def test_hostile_but_valid_fragments_are_read_without_evaluating(fragment):
    value = P(fragment)
    assert isinstance(value, sympy.Basic)


# -- the malformed corpus through `derive latex`: per-step errors, every block reported ---------

CORPUS = (
    GOOD.encode()
    + rb"$$\frac{1}{2 = x$$" + b"\n"
    + rb"$$2 & 3 = 6$$" + b"\n"
    + rb"$$a & = b & & c = $$" + b"\n"
    + rb"$$\foo{x} = 1$$" + b"\n"
    + b"$$ $$\n"
    + b"$$ = $$\n"
    + b"$$y \xff\xfe = 1$$\n"
    + GOOD.encode()
)  # fmt: skip
STRAY = (
    "outside an alignment environment an '&' may only stand next to a relation (x &= y); "
    "derive does not guess what it joins"
)
CORPUS_ROWS = [
    (1, 1, "proved", "lhs - rhs simplifies to 0"),
    (2, 1, "error", r"unbalanced braces or brackets in this block: '\\frac{1}{2 = x' (no step can be read from it)"),
    (3, 1, "error", f"a stray '&' in '2 & 3': {STRAY}"),
    (4, 1, "error", f"a stray '&' in 'b & & c': {STRAY}"),
    (4, 2, "error", f"a stray '&' in 'b & & c': {STRAY}"),
    (5, 1, "error", r"cannot read LaTeX '\\foo{x}': unknown LaTeX command \foo"),
    (7, 1, "error", "nothing before the relation (a chain cannot start with a relation here)"),
    (8, 1, "error", "cannot read LaTeX 'y \ufffd\ufffd': unexpected character '\ufffd' at column 2"),
    (9, 1, "proved", "lhs - rhs simplifies to 0"),
]


def _latex_cli(capsys, path, fmt):
    code = cli.main(["latex", str(path), "--format", fmt, "--jobs", "1", "--timeout", "10", "--no-cache"])
    out, err = capsys.readouterr()
    return code, out, err


def test_malformed_corpus_gives_per_step_errors_and_a_complete_json_report(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "malformed.md"
    path.write_bytes(CORPUS)
    code, out, err = _latex_cli(capsys, path, "json")
    assert code == 0  # nothing refuted: errors are reported, not failed
    assert "line 8: the file is not valid UTF-8" in err
    data = json.loads(out)
    jsonschema.validate(data, report.load_schema("latex"))
    assert [(s["block"], s["index"], s["verdict"], s["detail"]) for s in data["steps"]] == CORPUS_ROWS
    assert data["summary"]["error"] == 7
    # every block is accounted for: a row, or (the empty block 6) a reason for having none
    doc = read_document(path)
    assert len(doc.blocks) == 9
    stepless = {b.index: b.note for b in doc.blocks if b.note}
    assert stepless == {6: "the block is empty"}
    assert {s["block"] for s in data["steps"]} | set(stepless) == set(range(1, 10))


def test_malformed_corpus_markdown_marks_every_block(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "malformed.md"
    path.write_bytes(CORPUS)
    code, out, _ = _latex_cli(capsys, path, "markdown")
    assert code == 0
    marks = [line for line in out.splitlines() if line.startswith("> derive, block ")]
    assert [int(line.split()[3].rstrip(":")) for line in marks] == list(range(1, 10))
    assert marks[5] == "> derive, block 6: no step to check (the block is empty)"
    assert marks[1].startswith("> derive, block 2: ! step 1: **error** (parse) — unbalanced braces")
    assert "stray '&'" in marks[2] and "stray '&'" in marks[3]


def test_a_document_over_the_limit_is_refused_whole_never_cut() -> None:
    # Reading only the first max_chars characters would drop a wrong step after the cut and
    # report the rest as the whole document.
    text = "$$x + x = 2x$$\n" * 10 + "$$(a + 1)^2 = a^2 + 1$$\n"
    with pytest.raises(UsageError, match="whole or not at all"):
        read_document(text, max_chars=100)
    assert len(read_document(text, max_chars=len(text)).steps) == 11
