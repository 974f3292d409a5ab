"""Author macros: reading definitions, bounded expansion, package macros, and where macros come from."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.errors import LatexError
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
        (r"\def\diff{\mathrm{d}}", r"\int x \diff x", r"\int x \mathrm{d} x"),
        (r"\def\pair#1#2{(#1, #2)}", r"\pair ab", r"(a, b)"),
        (r"\let\eps=\varepsilon", r"\eps^2", r"\varepsilon^2"),
        (r"\let\eps\varepsilon", r"\eps^2", r"\varepsilon^2"),
        (r"\newcommand{\vect}[1]{\mathbf{#1}}\let\ve\vect", r"\ve{x}", r"\mathbf{x}"),
        (r"$$\newcommand{\E}{\mathbb{E}}$$", r"\E", r"\mathbb{E}"),
        (r"\newcommand{\R}{\mathbb{R}} % the reals", r"x \in \R", r"x \in \mathbb{R}"),
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
