"""Typography in real documents: labelling braces, spacing commands and negated relations.

``\\underbrace{X}_{label}`` reads as X where grouping cannot matter, and is refused where the
brace groups what the typeset formula does not (a sum next to a factor); ``\\hspace``, ``\\hskip``,
``\\kern`` are dropped; ``\\not=`` and ``\\not\\in`` are ≠ and ∉.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import derive
from derive import Verdict
from derive.errors import LatexError
from derive.latex.macros import MacroTable, expand, read_definitions


def verdicts(text: str, **kw: object) -> list[tuple[Verdict, str]]:
    return [(r.verdict, r.detail or "") for r in derive.check_latex(text, **kw)]


def one(text: str, **kw: object) -> tuple[Verdict, str]:
    got = verdicts(text, **kw)
    assert len(got) == 1, got
    return got[0]


# ---------------------------------------------------------------------------------------
# \underbrace / \overbrace


@pytest.mark.parametrize(
    ("tex", "expected"),
    [
        (r"\underbrace{x + x}_{2x}", "x + x"),
        (r"a = \underbrace{b + c}_{s} + d", "a = b + c + d"),
        (r"\left(\underbrace{b - c}_{\text{gap}}\right)^2", r"\left(b - c\right)^2"),
        (r"2\underbrace{xy}_{=z}", "2xy"),
        (r"\epsilon \underbrace{\mathbf a^\top \mathbf h}_{\nabla J^\top h}", r"\epsilon \mathbf a^\top \mathbf h"),
        (r"x \underbrace{\int_0^1 y\,dy}_{=1/2}", r"x \int_0^1 y\,dy"),
        (r"u \overbrace{v}^{\text{by (2)}} w", "u v w"),
        (r"\underbrace{a}_\text{$\sum_j W_{ij}$} + 1", "a + 1"),
        (r"\underbrace{\frac{x}{2}}_{h}^2", r"\frac{x}{2}^2"),
    ],
)
def test_a_brace_reads_as_what_it_marks(tex: str, expected: str) -> None:
    assert " ".join(expand(tex, MacroTable()).split()) == " ".join(expected.split())


@pytest.mark.parametrize(
    "tex",
    [
        r"2\underbrace{x + y}_{s}",  # 2(x + y) to its author, 2x + y as typeset
        r"a - \underbrace{b + c}_{s}",
        r"\underbrace{x + y}_{s} z",
        r"\underbrace{x + y}_{s}^2",
        r"\frac{1}{2}\underbrace{-b}_{c}",
        r"1/\underbrace{ab}_{c}",
        r"\sqrt\underbrace{ab}_{c}",
        r"\exp \underbrace{a b}_{c}",
        r"\underbrace{ab}_{c}^2",
        r"x + \underbrace{a = b}_{c}",
        r"a \underbrace{=}_{x = 0} b",  # the label may be the condition the relation holds under
    ],
)
def test_a_brace_whose_grouping_matters_is_not_read(tex: str) -> None:
    with pytest.raises(LatexError, match="underbrace"):
        expand(tex, MacroTable())


def test_a_macro_under_a_brace_may_be_a_sum() -> None:
    table, problems = read_definitions(
        r"\newcommand{\loss}{a + b}\newcommand{\both}{\loss}\newcommand{\id}[1]{#1}"
        r"\newcommand{\w}{\mathbf{w}}\newcommand{\vect}[1]{\mathbf{#1}}"
    )
    assert problems == []
    for sum_ in (r"\loss", r"\both", r"\id{a + b}"):
        with pytest.raises(LatexError, match="parentheses"):
            expand(rf"2\underbrace{{{sum_}}}_{{L}}", table)
    assert " ".join(expand(r"= \underbrace{\loss}_{L} =", table).split()) == "= a + b ="
    # a macro for a letter or a font is no sum: read next to a factor
    assert expand(r"2\underbrace{\w^\top \vect{v}}_{s}", table).replace(" ", "") == r"2\mathbf{w}^\top\mathbf{v}"


def test_an_author_underbrace_wins() -> None:
    table, _ = read_definitions(r"\newcommand{\underbrace}[1]{(#1)}")
    assert expand(r"2\underbrace{x + y}", table).replace(" ", "") == "2(x+y)"


def test_brace_steps_are_checked_as_the_marked_expression() -> None:
    assert one(r"$$\underbrace{x + x}_{2x} = 2x$$")[0] is Verdict.PROVED
    assert one(r"$$(x+1)^2 = x^2 + \underbrace{2x}_{\text{cross}} + 1$$")[0] is Verdict.PROVED
    # the label is not a claim: a wrong label neither refutes nor proves the step
    assert one(r"$$(x+1)^2 = x^2 + \underbrace{2x}_{=3x} + 1$$")[0] is Verdict.PROVED
    assert one(r"$$(x+1)^2 = x^2 + \underbrace{3x}_{=2x} + 1$$")[0] is Verdict.REFUTED


def test_an_ambiguous_brace_decides_nothing() -> None:
    # true as 2(x + y) = 2x + 2y, false as 2x + y: neither verdict
    verdict, detail = one(r"$$2\underbrace{x + y}_{s} = 2x + 2y$$")
    assert verdict is Verdict.ERROR
    assert "parentheses" in detail


@settings(max_examples=60, deadline=None)
@given(
    before=st.sampled_from(["", "2", "a -", "a +", "(", "1/", r"\exp", "=", r"\cdot"]),
    inner=st.sampled_from(["x", "x + y", "xy", "-x", r"\frac{x}{y}", "(x - y)"]),
    after=st.sampled_from(["", "z", "^2", "+ 1", ")", "=", "!"]),
)
def test_a_brace_is_read_only_when_its_grouping_cannot_matter(before: str, inner: str, after: str) -> None:
    """Whenever the brace is read, the grouped reading and the typeset one agree."""
    tex = f"{before} \\underbrace{{{inner}}}_{{s}} {after}"
    try:
        read = expand(tex, MacroTable())
    except LatexError:
        return
    grouped = f"{before} {{{inner}}} {after}"
    typeset = " ".join(read.split())
    if ("(" in before) != (")" in after):
        return  # unbalanced on purpose: nothing to compare
    a = derive.check_latex(f"$${typeset} = {grouped}$$".replace("!", "+ 0"))
    assert all(r.verdict in (Verdict.PROVED, Verdict.ERROR, Verdict.UNDECIDED) for r in a), (tex, a)


# ---------------------------------------------------------------------------------------
# Spacing


@pytest.mark.parametrize(
    "tex",
    [
        r"$$\int_0^1 x \hspace{0.25em} \!\mathrm{d}x = \bigg(\frac{1}{2} \hspace*{2pt} x^0\bigg)$$",
        r"$$x \hskip 2pt + 1 = 1 + x$$",
        r"$$x \hskip0.5em plus 1fil minus 2pt + 1 = 1 + x$$",
        r"$$a \kern-3mu b = ab$$",
        r"$$a \mkern 3mu b \mskip 2mu c = abc$$",
        r"$$a \hfill b = ab$$",
        r"$$\bigg(a \hspace{1em} b\bigg) = ab$$",
    ],
)
def test_spacing_is_dropped(tex: str) -> None:
    assert one(tex)[0] is Verdict.PROVED


def test_a_spacing_length_never_swallows_mathematics() -> None:
    # "2 x" after \hskip is no length (no unit): not read, rather than dropping the 2
    assert one(r"$$a \hskip 2 x = 2ax$$")[0] is Verdict.ERROR
    assert one(r"$$a \hskip\fill b = ab$$")[0] is Verdict.ERROR
    # "2em" is a length; the em of "2 empty" would be the unit: read as the length only
    assert expand(r"a \hskip 2em b", MacroTable()).split() == ["a", r"\,", "b"]


# ---------------------------------------------------------------------------------------
# \not


def test_negated_relations() -> None:
    assert expand(r"x \not= y", MacroTable()).split() == ["x", r"\neq", "y"]
    assert expand(r"x \not \in A", MacroTable()).split() == ["x", r"\notin", "A"]
    with pytest.raises(LatexError, match=r"\\not before"):
        expand(r"x \not\equiv y", MacroTable())


def test_not_equal_is_the_unchecked_relation_it_always_was() -> None:
    (verdict, detail), (before, said) = one(r"$$x + 1 \not= x$$"), one(r"$$x + 1 \neq x$$")
    assert verdict is before is Verdict.ERROR
    assert detail.split(":")[0] == said.split(":")[0] == "\\neq"


@pytest.mark.parametrize(
    "tex",
    [
        r"$$2\hspace{3pt}3 = 6$$",
        r"$$2\hspace{3pt}3 = 23$$",
        r"$$0.5\hspace{1pt}5 = 0.55$$",
        r"$$2\hfill3 = 6$$",
        r"$$1\kern1pt2 = 12$$",
        r"$$3\mkern2mu4 = 12$$",
        r"$$2^{1\hspace{1pt}0} = 1024$$",
    ],
)
def test_spacing_between_numerals_never_glues_them(tex: str) -> None:
    # TeX prints "2 3": numerals side by side, which derive refuses as it refuses 2\,3
    verdict, detail = one(tex)
    assert verdict is Verdict.ERROR
    assert "numerals side by side" in detail
