"""Malformed and hostile LaTeX: per-step errors, a complete read, and nothing ever executed."""

from __future__ import annotations

import contextlib
import os

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from derive.engine import check_claim
from derive.errors import LatexError
from derive.latex import read_document
from derive.latex_notation import MAX_DEPTH, MAX_LENGTH, parse_latex
from derive.model import Method, Settings, Verdict
from derive.symbols import SymbolTable

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
        (r"\sum x_i", "bounds"),
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
    value = P(r"10^{10^{10}}")
    assert isinstance(value, sympy.Pow)
    assert not value.is_Integer
    value = P(r"(10^9)!")
    assert isinstance(value, sympy.factorial)
    with pytest.raises(LatexError, match="digits"):
        P("9" * 10_000)


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
    doc = read_document(r"$$\frac{1}{2 = x$$" + "\n" + GOOD)
    assert doc.steps[-1].error is None
    assert read_document(r"$$x = \left( 1$$").steps[0].error is not None


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
