"""A macro file's ``\\iffalse ... \\fi`` block is skipped, as TeX skips it (herumi's notation.tex redefines
``\\trans`` and ``\\tr`` inside one): a definition there is none."""

from __future__ import annotations

from derive.latex.macros import read_definitions


def _bodies(text: str) -> dict[str, str]:
    table, problems = read_definitions(text)
    assert problems == []
    return {n: "".join(table.lookup(n).body) for n in "abcdefg" if table.lookup(n) is not None}


def test_a_definition_inside_iffalse_is_skipped() -> None:
    text = "\\newcommand{\\a}{A}\n\\iffalse\n\\renewcommand{\\a}{B}\n\\newcommand{\\d}{D}\n\\fi\n\\newcommand{\\e}{E}\n"
    assert _bodies(text) == {"a": "A", "e": "E"}


def test_nested_conditionals_close_in_order() -> None:
    text = "\\iffalse\n\\ifx\\foo\\bar \\newcommand{\\c}{C} \\fi\n\\newcommand{\\d}{D}\n\\fi\n\\newcommand{\\f}{F}\n"
    assert _bodies(text) == {"f": "F"}


def test_a_commented_iffalse_and_the_relation_iff_skip_nothing() -> None:
    assert _bodies("% \\iffalse\n\\newcommand{\\f}{F}\n") == {"f": "F"}
    text = "\\iffalse $a \\iff b$ \\newcommand{\\b}{B} \\fi \\newcommand{\\g}{G}\n"
    assert _bodies(text) == {"g": "G"}


def test_an_unclosed_iffalse_skips_to_the_end() -> None:
    assert _bodies("\\newcommand{\\a}{A}\n\\iffalse\n\\newcommand{\\b}{B}\n") == {"a": "A"}
