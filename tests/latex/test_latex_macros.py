"""Author macros: reading definitions, bounded expansion, package macros, and where macros come from."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import derive
from derive import Verdict
from derive.cli import main
from derive.errors import LatexError, UsageError
from derive.latex import read_document, read_symbols_file
from derive.latex.macros import (
    MAX_DEPTH,
    MAX_STEPS,
    MacroTable,
    expand,
    macros_from_mapping,
    read_definitions,
)


def table(text: str) -> MacroTable:
    t, problems = read_definitions(text, "test")
    assert problems == []
    return t


# ---------------------------------------------------------------------------------------
# Reading definitions


@pytest.mark.parametrize(
    ("definition", "use", "expected"),
    [
        (r"\newcommand{\E}{\mathbb{E}}", r"\E[x]", r"\mathbb{E}[x]"),
        (r"\newcommand\E{\mathbb{E}}", r"\E[x]", r"\mathbb{E}[x]"),
        (r"\newcommand*{\E}{\mathbb{E}}", r"\E[x]", r"\mathbb{E}[x]"),
        (r"\renewcommand{\E}{\mathbb{E}}", r"\E[x]", r"\mathbb{E}[x]"),
        (r"\providecommand{\E}{\mathbb{E}}", r"\E[x]", r"\mathbb{E}[x]"),
        (r"\newcommand{\vect}[1]{\mathbf{#1}}", r"\vect{x} + \vect y", r"\mathbf{x} + \mathbf{y}"),
        (r"\newcommand{\inner}[2]{\langle #1, #2 \rangle}", r"\inner{a}{b}", r"\langle a, b \rangle"),
        (r"\newcommand{\f}[2][0]{f_{#1}(#2)}", r"\f{x} = \f[k]{y}", r"f_{0}(x) = f_{k}(y)"),
        (r"\DeclareMathOperator{\var}{var}", r"\var[x]", r"\operatorname{var}[x]"),
        (r"\DeclareMathOperator*{\argmax}{argmax}", r"\argmax_x f", r"\operatorname{argmax}_x f"),
        (r"\DeclareMathOperator*{\argmin}{arg\,min}", r"\argmin_x f", r"\operatorname{arg\,min}_x f"),
        (r"\DeclareMathOperator*{\E}{\mathbb{E}}", r"\E[x]", r"\mathbb{E}[x]"),
        (r"\def\diff{\mathrm{d}}", r"\int x \diff x", r"\int x \mathrm{d} x"),
        (r"\NewDocumentCommand{\inner}{ m m }{\langle #1, #2 \rangle}", r"\inner{a}{b}", r"\langle a, b \rangle"),
        (r"\NewDocumentCommand\pr{O{P}m}{#1(#2)}", r"\pr{A} + \pr[Q]{B}", r"P(A) + Q(B)"),
        (
            r"\DeclarePairedDelimiter\abs{\lvert}{\rvert}",
            r"\abs{x} + \abs*{y} + \abs[\big]{z}",
            r"\left\lvert x \right\rvert + \left\lvert y \right\rvert + \left\lvert z \right\rvert",
        ),
        (r"\def\pair#1#2{(#1, #2)}", r"\pair ab", r"(a, b)"),
        (r"\let\eps=\varepsilon", r"\eps^2", r"\varepsilon^2"),
        (r"\let\eps\varepsilon", r"\eps^2", r"\varepsilon^2"),
        (r"\newcommand{\vect}[1]{\mathbf{#1}}\let\ve\vect", r"\ve{x}", r"\mathbf{x}"),
        (r"$$\newcommand{\E}{\mathbb{E}}$$", r"\E", r"\mathbb{E}"),
        (r"\newcommand{\R}{\mathbb{R}} % the reals", r"x \in \R", r"x \in \mathbb{R}"),
        ("\\newcommand{\\R}{%\n  \\mathbb{R}% the reals\n}", r"x \in \R", r"x \in   \mathbb{R}"),
    ],
)
def test_definition_forms(definition: str, use: str, expected: str) -> None:
    assert expand(use, table(definition)) == expected


def test_token_level_rewrite() -> None:
    t = table(r"\newcommand{\x}{X}\newcommand{\a}{\alpha}")
    # \xy is its own command, not \x followed by y; \\ \{ \% stay what they are
    assert expand(r"\xy + \x y + \x1", t) == r"\xy + X y + X1"
    assert expand(r"a \\ \{ \% \x", t) == r"a \\ \{ \% X"
    # a command word that lands before a letter keeps a space, so \alpha b is not \alphab
    assert expand(r"\a b", t) == r"\alpha b"
    assert expand(r"\a{}b", t) == r"\alpha{}b"
    assert expand(r"\a\a", t) == r"\alpha\alpha"


def test_a_macro_uses_others_and_its_arguments() -> None:
    t = table(r"\newcommand{\bx}{\mathbf{x}}\newcommand{\quadf}[1]{#1^T A #1}")
    assert expand(r"\quadf{\bx}", t) == r"\mathbf{x}^T A \mathbf{x}"


def test_unchanged_without_macros() -> None:
    text = r"\frac{a}{b} = \alpha   \\  x"
    assert expand(text, MacroTable()) is text


def test_provide_never_replaces() -> None:
    t = table(r"\newcommand{\E}{\mathbb{E}}\providecommand{\E}{E}")
    assert expand(r"\E", t) == r"\mathbb{E}"
    later, _ = read_definitions(r"\providecommand{\E}{E}\providecommand{\F}{F}", "b")
    merged = later.over(t)
    assert expand(r"\E \F", merged) == r"\mathbb{E} F"


def test_later_sources_override_earlier() -> None:
    early = table(r"\newcommand{\E}{E}\newcommand{\V}{V}")
    late = table(r"\renewcommand{\E}{\mathbb{E}}")
    assert expand(r"\E \V", late.over(early)) == r"\mathbb{E} V"


@pytest.mark.parametrize(
    ("definition", "problem"),
    [
        (r"\newcommand{\bad}{\input{secret}}", r"test line 1: \newcommand: \bad: its body uses \input, which is refused"),  # noqa: E501
        (r"\def\bad{\write18{rm -rf /}}", r"test line 1: \def: \bad: its body uses \write, which is refused"),
        (r"\def\bad{\immediate\write}", r"test line 1: \def: \bad: its body uses \immediate, which is refused"),
        (r"\def\bad{\openout}", r"test line 1: \def: \bad: its body uses \openout, which is refused"),
        (r"\def\bad{\catcode`\@=11}", r"test line 1: \def: \bad: its body uses \catcode, which is refused"),
        (r"\def\bad{\csname x\endcsname}", r"test line 1: \def: \bad: its body uses \csname, which is refused"),
        (r"\def\bad{\expandafter}", r"test line 1: \def: \bad: its body uses \expandafter, which is refused"),
        (r"\def\bad{\makeatletter}", r"test line 1: \def: \bad: its body uses \makeatletter, which is refused"),
        (r"\def\bad{\def\x{y}}", r"test line 1: \def: \bad: its body uses \def, which is refused"),
        (r"\newcommand{\input}{x}", r"test line 1: \newcommand: redefining \input is refused"),
        (r"\def\write{x}", r"test line 1: \def: redefining \write is refused"),
        (r"\let\def=\relax", r"test line 1: \let: redefining \def is refused"),
        (r"\newcommand{\begin}{x}", r"test line 1: \newcommand: redefining \begin is refused"),
        (r"\def\\{x}", r"test line 1: \def: redefining \\ is refused (a character command)"),
        (r"\newcommand{\y}[1]{#2}", r"test line 1: \newcommand: \y: its body uses #2 but it takes 1 argument(s)"),
        (r"\newcommand{\y}[x]{#1}", r"test line 1: \newcommand: \y: the argument count [x] is not a digit 0-9"),
        (r"\newcommand{\y}", r"test line 1: \newcommand: \y has no body in braces"),
        (r"\newcommand{\y}{\frac{a}", r"test line 1: \newcommand: an argument's braces do not close"),
        (r"\newcommand{x}{y}", r"test line 1: \newcommand: cannot read the name being defined ('x')"),
        (r"\def\x{\def\y##1{##1}}", r"test line 1: \def: \x: its body uses \def, which is refused"),
        (r"\newcommand{\x}{##1}", r"test line 1: \newcommand: \x: its body uses ## (an inner definition's parameter), not read"),  # noqa: E501
        (r"\NewDocumentCommand{\x}{s m}{#2}", r"test line 1: \NewDocumentCommand: \x: argument types 'sm' are not read (only m, and o or O{..} first)"),  # noqa: E501
        (r"\def\x#1.{#1}", r"test line 1: \def: \x: parameter text '#1.' is not read (only #1#2...)"),
        (r"\edef\x{y}", r"test line 1: \edef: not read (it expands its body when defined; write \def or \newcommand)"),
        (r"\input{common}", r"test line 1: \input: not followed (derive reads no other files; name macro files with --macros FILE)"),  # noqa: E501
        (r"\catcode`\@=11", r"test line 1: \catcode: ignored (derive never runs programs or changes how TeX reads)"),
    ],
)  # fmt: skip
def test_refused_definitions_are_problems(definition: str, problem: str) -> None:
    t, problems = read_definitions(definition, "test")
    assert problems == [problem]
    assert len(t) == 0


def test_problems_name_their_line_and_the_rest_is_read() -> None:
    text = "\\newcommand{\\a}{A}\n\\newcommand{\\b}{\\input{x}}\n\\usepackage{amsmath}\n\\newcommand{\\c}{C}\n"
    t, problems = read_definitions(text, "common.tex")
    assert problems == [r"common.tex line 2: \newcommand: \b: its body uses \input, which is refused"]
    assert expand(r"\a\b\c", t) == r"A\b C"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([*"\\{}[]#1239*=ab x%\n", "\\def", "\\newcommand", "\\let"]), max_size=80).map("".join))
def test_reading_never_raises(text: str) -> None:
    t, problems = read_definitions(text, "fuzz")
    assert all(p.startswith("fuzz line ") for p in problems)
    assert isinstance(t, MacroTable)


# ---------------------------------------------------------------------------------------
# Bounded expansion


def _fails_fast(definitions: str, use: str, message: str) -> None:
    t, problems = read_definitions(definitions, "bomb")
    assert problems == []
    start = time.perf_counter()
    with pytest.raises(LatexError) as info:
        expand(use, t)
    assert time.perf_counter() - start < 0.5  # 50 ms unloaded; the shared machine is slow
    assert str(info.value) == message


def test_self_reference_ends() -> None:
    _fails_fast(r"\newcommand{\a}{\a}", r"\a", rf"macro \a expands without end (depth {MAX_DEPTH})")


def test_doubling_self_reference_ends() -> None:
    _fails_fast(r"\def\a{\a\a}", r"x = \a", rf"macro \a expands without end (depth {MAX_DEPTH})")


def test_mutual_recursion_ends() -> None:
    _fails_fast(r"\def\a{\b}\def\b{\a}", r"\a", rf"macro \a expands without end (depth {MAX_DEPTH})")


def test_recursion_through_arguments_ends() -> None:
    _fails_fast(r"\def\a#1{#1#1}", r"\a\a", rf"macro \a expands without end (more than {MAX_STEPS} expansions)")


def test_exponential_growth_ends() -> None:
    defs = r"\def\a{xx}" + "".join(
        rf"\def\{c}{{\{p}\{p}}}" for p, c in zip("abcdefghijklmnopqrst", "bcdefghijklmnopqrstu", strict=True)
    )
    _fails_fast(defs, r"\u", r"macro \a expands to more than 4000 characters")


def test_ten_thousand_nested_uses_end() -> None:
    _fails_fast(r"\newcommand{\f}[1]{(#1)}", r"\f{" * 10_000 + "x" + "}" * 10_000,
                r"macro \f is used inside braces nested more than 100 deep")  # fmt: skip


def test_ten_thousand_chained_uses_end() -> None:
    _fails_fast(r"\newcommand{\f}[1]{(#1)}", r"\f" * 10_000 + "x",
                rf"macro \f expands without end (more than {MAX_STEPS} expansions)")  # fmt: skip


def test_missing_argument_is_an_error() -> None:
    with pytest.raises(LatexError, match=r"macro \\vect is missing an argument"):
        expand(r"\vect", table(r"\newcommand{\vect}[1]{\mathbf{#1}}"))


def test_a_hundred_uses_are_fine() -> None:
    t = table(r"\newcommand{\vect}[1]{\mathbf{#1}}")
    assert expand(r"\vect{x}+" * 100, t) == r"\mathbf{x}+" * 100


_BODY = st.lists(
    st.sampled_from(["\\a", "\\b", "\\c", "#1", "#2", "{", "}", "x", " ", "[", "]", "\\\\"]), max_size=12
).map("".join)
_USE = st.lists(st.sampled_from(["\\a", "\\b", "\\c", "{", "}", "y", "["]), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_BODY, min_size=3, max_size=3), _USE)
def test_expansion_terminates_within_limits(bodies: list[str], use: str) -> None:
    defs = "".join(rf"\newcommand{{\{n}}}[2]{{{b}}}" for n, b in zip("abc", bodies, strict=True))
    t, _ = read_definitions(defs, "fuzz")
    start = time.perf_counter()
    try:
        out = expand(use, t)
    except LatexError:
        pass
    else:
        assert len(out) <= max(4_000, 20 * len(use))
    assert time.perf_counter() - start < 2.0


# ---------------------------------------------------------------------------------------
# Package macros


@pytest.mark.parametrize(
    ("use", "expected"),
    [
        (r"\pdv{f}{x}", r"\frac{\partial f}{\partial x}"),
        (r"\pdv[2]{f}{x}", r"\frac{\partial^{2} f}{\partial x^{2}}"),
        (r"\pdv{f}{x}{y}", r"\frac{\partial^{2} f}{\partial x \partial y}"),
        (r"\pdv{x}", r"\frac{\partial }{\partial x}"),
        (r"\dv{f}{t}", r"\frac{d f}{d t}"),
        (r"\dv[3]{f}{t}", r"\frac{d^{3} f}{d t^{3}}"),
        (r"\dv{t}", r"\frac{d }{d t}"),
        (r"\abs{x}", r"\left|x\right|"),
        (r"\abs*{x}", r"\left|x\right|"),
        (r"\norm{x}", r"\left\|x\right\|"),
        (r"\qty(a + (b))", r"\left(a + (b)\right)"),
        (r"\qty[a]", r"\left[a\right]"),
        (r"\qty{a}", r"\left\{a\right\}"),
        (r"\qty|a|", r"\left|a\right|"),
        (r"\eval{x^2}_0^1", r"\left. x^2 \right|_{0}^{1}"),
        (r"\eval{x^2}_{x=1}", r"\left. x^2 \right|_{x=1}"),
        (r"\eval(x^2|_0^1", r"\left( x^2 \right|_{0}^{1}"),
        (r"\vb{x}", r"\mathbf{x}"),
        (r"\tr A", r"\operatorname{tr} A"),
        (r"\Tr(A)", r"\operatorname{Tr}(A)"),
        (r"\int f \dd x", r"\int f \mathrm{d} x"),
        (r"\int f \dd{x}", r"\int f \mathrm{d} x"),
        (r"\grad f", r"\nabla f"),
        (r"f \coloneqq x^2", r"f := x^2"),
        (r"\grad{f}", r"\nabla{f}"),
        (r"\operatorname*{argmax}_x f", r"\operatorname{argmax}_x f"),
        (r"\int f \mathop{}\!\mathrm{d}x", r"\int f \!\mathrm{d}x"),
        (r"\bm{x}", r"\bm{x}"),
        (r"\ensuremath{\mathbb{R}}^n", r"{\mathbb{R}}^n"),
        (r"x\xspace + y\relax", r"x + y"),
        (r"a \cr b", r"a \\ b"),
        (r"\hbox{if } x", r"\mbox{if } x"),
        (r"\diff x", r"\diff x"),  # only when defined
        (r"\var[x]", r"\var[x]"),  # physics' \var is a variation, not a variance: never assumed
    ],
)
def test_package_macros(use: str, expected: str) -> None:
    assert expand(use, MacroTable()) == expected


def test_a_document_definition_wins_over_the_package() -> None:
    t = table(r"\newcommand{\abs}[1]{|#1|}")
    assert expand(r"\abs{x}", t) == r"|x|"


def test_package_macros_can_be_switched_off() -> None:
    assert expand(r"\abs{x}", MacroTable(packages=False)) == r"\abs{x}"


# ---------------------------------------------------------------------------------------
# macros: mappings (front matter, --symbols files)


def test_mapping_infers_the_argument_count() -> None:
    t, problems = macros_from_mapping({"E": r"\mathbb{E}", "\\vect": r"\mathbf{#1}", "pick": [r"#1", 2]})
    assert problems == []
    assert expand(r"\E[\vect{x}] + \pick{a}{b}", t) == r"\mathbb{E}[\mathbf{x}] + a"


def test_mapping_problems() -> None:
    t, problems = macros_from_mapping({"input": "x", "bad": r"\write18", "x1": "y", "n": ["#1", 12], "d": {"a": 1}})
    assert problems == [
        r"macros: \input: redefining \input is refused",
        r"macros: \bad: its body uses \write, which is refused",
        r"macros: \x1: a macro name is letters only",
        r"macros: \n: the number of arguments is 0 to 9",
        r"macros: \d: give a body, or [body, number of arguments]",
    ]
    assert len(t) == 0


# ---------------------------------------------------------------------------------------
# Documents: where macros come from, expansion before splitting, what the report shows

PREAMBLE_TEX = r"""\documentclass{article}
\usepackage{amsmath}
\newcommand{\E}{\mathbb{E}}
\newcommand{\vect}[1]{\mathbf{#1}}
\DeclareMathOperator{\var}{var}
\def\diff{\mathrm{d}}
\def\bomb{\bomb\bomb}
\begin{document}
\begin{align}
\int_0^1 2t \diff t &= 1 \\
\E[\epsilon^2] &= 1 \\
\var(\epsilon) + \var(\epsilon) &= 2 \var(\epsilon) \\
\vect{w}^T \vect{w} &\geq 0
\end{align}
\[ \bomb + 1 = 2 \]
\[ \int_0^1 3t^2 \diff t = 2 \]
\end{document}
"""


def _verdicts(results) -> list[tuple[int, int, str, str, str]]:
    return [
        (s.block, s.line, s.lhs_tex, s.rhs_tex, r.verdict.value) for s, r in zip(results.steps, results, strict=True)
    ]


def test_a_tex_preamble_defines_the_macros_of_its_steps(tmp_path) -> None:
    path = tmp_path / "hw.tex"
    path.write_text(PREAMBLE_TEX)
    symbols = {"derive": {"symbols": {"w": "vector 2"}, "random": {"epsilon": "Normal(0, 1)"}}}
    results = derive.check_latex(str(path), symbols=symbols)
    assert _verdicts(results) == [
        (1, 10, r"\int_0^1 2t \mathrm{d} t", "1", "proved"),
        (1, 11, r"\mathbb{E}[\epsilon^2]", "1", "proved"),
        (1, 12, r"\operatorname{var}(\epsilon) + \operatorname{var}(\epsilon)", r"2 \operatorname{var}(\epsilon)",
         "proved"),
        (1, 13, r"\mathbf{w}^T \mathbf{w}", "0", "proved"),
        (2, 15, r"\bomb + 1 = 2", "", "error"),
        (3, 16, r"\int_0^1 3t^2 \mathrm{d} t", "2", "refuted"),
    ]  # fmt: skip
    assert results[4].detail == (
        r"macro \bomb expands without end (depth 32): '\\bomb + 1 = 2' (no step can be read from it)"
    )
    doc = read_document(path)
    assert doc.errors == ()  # the definitions are read, not reported as ignored
    # the blocks show what the author wrote; the steps what was checked
    assert doc.blocks[0].tex.startswith(r"\int_0^1 2t \diff t &= 1")
    assert doc.blocks[1].tex == r"\bomb + 1 = 2"


def test_a_markdown_definition_block_holds_for_the_blocks_after_it() -> None:
    text = (
        "Definitions:\n$$\\newcommand{\\E}{\\mathbb{E}} \\newcommand{\\sq}[1]{#1^{2}}$$\n\n"
        "$$\\sq{(a+b)} = a^2 + 2ab + b^2$$\n"
    )
    doc = read_document(text)
    assert [(s.block, s.lhs_tex, s.rhs_tex) for s in doc.steps] == [(2, "(a+b)^{2}", "a^2 + 2ab + b^2")]
    assert doc.blocks[0].note == r"macro definitions (\E, \sq), read for the steps after them"
    assert doc.errors == ()
    (result,) = derive.check_latex(text)
    assert result.verdict is Verdict.PROVED


def test_definitions_hold_from_where_they_are_made() -> None:
    text = (
        "\\newcommand{\\k}{2}\n$$x \\k = 2x$$\n"
        "\\renewcommand{\\k}{3}\n$$x \\k = 3x$$\n"
        "```\n\\renewcommand{\\k}{5}\n```\n$$x \\k = 3x$$\n"  # code is no definition
        "% \\renewcommand{\\k}{7}\n$$x \\k = 3x$$\n"  # nor is a TeX comment
    )
    doc = read_document(text, path="a.tex")
    assert [(s.lhs_tex, s.rhs_tex) for s in doc.steps] == [("x 2", "2x"), ("x 3", "3x"), ("x 3", "3x"), ("x 3", "3x")]


def test_macro_files_and_front_matter(tmp_path) -> None:
    common = tmp_path / "common.tex"
    common.write_text("\\newcommand{\\bx}{\\mathbf{x}}\n\\newcommand{\\sq}[1]{#1 #1}\n\\input{more}\n")
    text = (
        "---\nderive:\n  macros:\n    sq: '#1^2'\n---\n$$\\sq{a} = a^2$$\n\n$$\\newcommand{\\bx}{y}$$\n$$\\bx = y$$\n"
    )
    doc = read_document(text, macros=[common])
    # front matter wins over the file; the document's own \bx wins over the file's
    assert [(s.lhs_tex, s.rhs_tex) for s in doc.steps] == [("a^2", "a^2"), ("y", "y")]
    assert doc.errors == (
        r"common.tex line 3: \input: not followed (derive reads no other files; name macro files with --macros FILE)",
    )
    doc = read_document("$$\\bx = \\bx$$", macros=str(common))
    assert [(s.lhs_tex, s.rhs_tex) for s in doc.steps] == [(r"\mathbf{x}", r"\mathbf{x}")]
    doc = read_document("$$\\E = \\E$$", macros={"E": r"\mathbb{E}"})
    assert [(s.lhs_tex, s.rhs_tex) for s in doc.steps] == [(r"\mathbb{E}", r"\mathbb{E}")]
    with pytest.raises(UsageError, match="cannot read macro file"):
        read_document("$$a = a$$", macros=[tmp_path / "missing.tex"])


def test_front_matter_macro_problems_are_reported() -> None:
    doc = read_document("---\nderive:\n  macros:\n    bad: '\\write18{x}'\n    n: 3\n---\n$$\\n = 3$$\n")
    assert doc.errors == (
        r"<input>:1 (front matter): macros: \bad: its body uses \write, which is refused",
        r"line 4: \write18 is ignored (derive never reads files or runs programs)",
    )
    assert [(s.lhs_tex, s.rhs_tex) for s in doc.steps] == [("3", "3")]


def test_a_macro_may_expand_into_a_relation_and_keep_its_line() -> None:
    text = "\\newcommand{\\eqdef}{=}\n\\begin{align}\na &\\eqdef b \\\\\n  &= \\abs{c}\n\\end{align}\n"
    doc = read_document(text)
    assert [(s.line, s.lhs_tex, s.rhs_tex) for s in doc.steps] == [(3, "a", "b"), (4, "b", r"\left|c\right|")]


def test_hostile_definitions_in_a_document_are_reported_and_never_used(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = "\\newcommand{\\x}{\\input{/etc/passwd}}\n\\def\\y{\\write18{touch pwned}}\n$$\\x = 1$$\n"
    doc = read_document(text)
    assert doc.errors == (
        r"line 1: \newcommand: \x: its body uses \input, which is refused",
        r"line 2: \def: \y: its body uses \write, which is refused",
    )
    (step,) = doc.steps
    assert step.lhs_tex == r"\x"  # left as written: an unknown command when parsed
    assert list(tmp_path.iterdir()) == []


def test_physics_package_steps_end_to_end() -> None:
    text = "\n\n".join(
        [
            r"$$\pdv{x^3 y^2}{x}{y} = 6 x^2 y$$",
            r"$$\pdv{x^3}{x} = 3x$$",
            r"$$\dv[2]{x^3}{x} = 6x$$",
            r"$$\dv{x} x^3 = 3x^2$$",
            r"$$\abs{x} \geq 0$$",
            r"$$\qty(x+1)^2 = x^2 + 2x + 1$$",
            r"$$\eval{x^2}_{x=1} = 1$$",
            r"$$\int_0^1 x \dd{x} = \frac{1}{2}$$",
            r"$$\int_0^1 x \mathop{}\!\mathrm{d}x = \frac{1}{2}$$",
            r"$$\tr(a) = a$$",
            r"$$\vb{w}^T \vb{w} \geq 0$$",
        ]
    )
    results = derive.check_latex(text, symbols={"w": "vector 2"})
    assert [r.verdict.value for r in results] == ["proved", "refuted"] + ["proved"] * 9
    assert "confirmed" in results[1].detail


def test_cli_macros_option(tmp_path, capsys) -> None:
    common = tmp_path / "common.sty"
    common.write_text("\\newcommand{\\sq}[1]{#1^{2}}\n\\def\\bad{\\write18{x}}\n")
    hw = tmp_path / "hw.md"
    hw.write_text("$$\\sq{(a+1)} = a^2 + 2a + 1$$\n")
    assert main(["latex", str(hw), "--macros", str(common), "--format", "json", "--no-cache"]) == 0
    out, err = capsys.readouterr()
    assert [(s["lhs"], s["verdict"]) for s in json.loads(out)["steps"]] == [("(a+1)^{2}", "proved")]
    assert "warning: --macros common.sty line 2: \\def: \\bad: its body uses \\write, which is refused" in err
    assert main(["latex", str(hw), "--macros", str(tmp_path / "none.sty")]) == 2
    assert "--macros file not found" in capsys.readouterr().err


def test_a_definition_block_with_a_relation_in_its_body_is_no_step() -> None:
    doc = read_document("$$\\newcommand{\\set}[1]{\\{x : x > #1\\}}$$\n$$a = a$$\n")
    assert [(s.block, s.lhs_tex, s.error) for s in doc.steps] == [(2, "a", None)]
    assert doc.blocks[0].note == r"macro definitions (\set), read for the steps after them"


def test_a_refused_body_defines_nothing_inside_it() -> None:
    t, problems = read_definitions(r"\newcommand{\a}{\def\b{B}} \b", "t")
    assert problems == [r"t line 1: \newcommand: \a: its body uses \def, which is refused"]
    assert len(t) == 0


def test_a_document_of_many_expensive_blocks_is_read_within_its_budget() -> None:
    # each block just within its own limits (5 000 expansions): the document's budget stops the rest
    text = "\\def\\a#1{#1#1}\n" + "".join(f"$$\\a\\a = {k}$$\n" for k in range(100)) + "$$b = b$$\n"
    start = time.perf_counter()
    doc = read_document(text)
    assert time.perf_counter() - start < 20
    errors = [s.error for s in doc.steps if s.error]
    assert len(errors) == 100
    assert errors[0].startswith(rf"macro \a expands without end (more than {MAX_STEPS} expansions)")
    assert errors[-1].startswith("not expanded: the document's macros used up their budget in earlier blocks")
    assert (doc.steps[-1].lhs_tex, doc.steps[-1].error) == ("b", None)


def test_long_definitions_are_read_whole_and_overlong_ones_refused() -> None:
    body = "+".join(["x"] * 2_000)
    t, problems = read_definitions(rf"\newcommand{{\long}}{{{body}}} \newcommand{{\b}}{{B}}", "t")
    assert problems == []
    assert expand(r"\long", t) == body
    assert expand(r"\b", t) == "B"
    huge = "x" * 10_001
    t, problems = read_definitions(rf"\newcommand{{\huge}}{{{huge}}}\newcommand{{\b}}{{B}}", "t")
    assert problems == [r"t line 1: \newcommand: a group longer than 10000 tokens (or one that does not close)"]
    assert expand(r"\b", t) == "B"


_DOC_PIECES = [r"\newcommand{\a}", r"\def\b", r"\let\c\a", "[1]", "{", "}", "#1", r"\a", r"\b", r"\c", "$$", " = "]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([*_DOC_PIECES, "x", "\n", "%", "\\"]), max_size=40).map("".join))
def test_reading_a_document_with_macros_never_raises(text: str) -> None:
    doc = read_document(text)
    assert all(s.block <= len(doc.blocks) for s in doc.steps)
    assert all(isinstance(e, str) for e in doc.errors)


def test_line_breaks_after_a_package_macro_keep_the_lines_of_later_rows() -> None:
    text = "\\begin{align}\n\\pdv{a}{b}\n  &= \\pdv{c}{d}\n  \\\\ &= \\dv{e}{f}\n  \\\\ &= g\n\\end{align}\n"
    doc = read_document(text)
    assert [s.line for s in doc.steps] == [3, 4, 5]  # each step on the line of its relation, as without macros
    assert doc.steps[0].lhs_tex == r"\frac{\partial a}{\partial b}"


def test_a_symbols_file_gives_macros_through_the_cli_mapping(tmp_path) -> None:
    symbols = tmp_path / "s.yaml"
    symbols.write_text("derive:\n  symbols: {w: vector 2}\n  macros:\n    vect: '\\mathbf{#1}'\n    pick: ['#2', 2]\n")
    mapping = read_symbols_file(symbols)
    assert mapping["macros"] == {"vect": [r"\mathbf{#1}", 1], "pick": ["#2", 2]}
    doc = read_document("$$\\vect{w}^T \\vect{w} = \\pick{a}{b}$$", symbols={"derive": mapping})
    assert [(s.lhs_tex, s.rhs_tex) for s in doc.steps] == [(r"\mathbf{w}^T \mathbf{w}", "b")]
    doc = read_document("$$\\vect{w} = \\vect{w}$$", symbols=str(symbols))
    assert [(s.lhs_tex, s.rhs_tex) for s in doc.steps] == [(r"\mathbf{w}", r"\mathbf{w}")]
    bad = tmp_path / "bad.yaml"
    bad.write_text("derive:\n  macros:\n    x: '\\input{y}'\n")
    with pytest.raises(UsageError, match=r"macros: \\x: its body uses \\input, which is refused"):
        read_symbols_file(bad)


@pytest.mark.parametrize(
    "text",
    [
        "\\def\\a{x}\n" * 200_000,  # more definitions than any preamble
        "\\newcommand{\\a}{\n" * 100_000,  # braces that never close
        "\\newcommand{x}{y}\n" * 100_000,  # malformed, each a problem
        "\\let\\a\\b" * 200_000,  # one long line
    ],
)
def test_hostile_definition_floods_are_read_quickly(text: str) -> None:
    start = time.perf_counter()
    doc = read_document(text)
    assert time.perf_counter() - start < 30  # a few seconds unloaded
    assert len(doc.errors) <= 10_001
