"""A moment the clause right after a display states ("where $E[y_2] = m_2$", "Moreover, we set ...") holds for that
display (derive.latex.expect_words.moments_at); anything that turns to what comes next does not."""

from __future__ import annotations

import pytest

import derive
from derive.latex.expect_words import moments_at, moments_in_words

_DISPLAY = (
    "Let $y_1$ and $y_2$ be random variables.\n\\begin{align}\n"
    "  a & = 2 y_1 \\mathbb{E}_{q_2(y_2|x)}[y_2] - 2 y_1 x\\\\\n"
    "    & = {twin}\n\\end{{align}}\n"
)


def _doc(after: str, twin: str = "2 y_1 m_2 - 2 y_1 x") -> str:
    return _DISPLAY.replace("{twin}", twin).replace("{{", "{").replace("}}", "}") + after


def _last(doc: str) -> tuple[str, str]:
    result = derive.check_latex(doc, timeout=6)
    return result[1].verdict.value, result[1].detail


@pytest.mark.parametrize(
    "after",
    [
        "where we have absorbed the rest into the constant. Moreover, we set $\\mathbb{E}_{q_2(y_2|x)}[y_2]=m_2$.\n",
        "where $\\mathbb{E}_{q_2(y_2|x)}[y_2] = m_2$.\n",
        "Here we write $\\mathbb{E}_{q_2(y_2|x)}[y_2]=m_2$.\n",
    ],
)
def test_a_moment_named_right_after_the_display_holds_for_it(after: str) -> None:
    verdict, detail = _last(_doc(after))
    assert verdict == "proved", detail
    assert "right after the display" in detail


@pytest.mark.parametrize(
    "after",
    [
        # what comes next, a result, a case, a heading or another display between, too far, nothing the display uses
        "Now suppose $\\mathbb{E}_{q_2(y_2|x)}[y_2]=m_2$.\n",
        "Next, we set $\\mathbb{E}_{q_2(y_2|x)}[y_2]=m_2$.\n",
        "where we show that $\\mathbb{E}_{q_2(y_2|x)}[y_2]=m_2$.\n",
        "where, if $x > 0$, $\\mathbb{E}_{q_2(y_2|x)}[y_2]=m_2$.\n",
        "## Next\n\nwhere $\\mathbb{E}_{q_2(y_2|x)}[y_2]=m_2$.\n",
        "$$b = 1$$\nwhere $\\mathbb{E}_{q_2(y_2|x)}[y_2]=m_2$.\n",
        "Some words. " * 40 + "where $\\mathbb{E}_{q_2(y_2|x)}[y_2]=m_2$.\n",
        "where $\\mathbb{E}_{q_2(y_2|x)}[y_2]=m_3$.\n",
        "",
    ],
)
def test_anything_else_leaves_the_display_undecided(after: str) -> None:
    verdict, detail = _last(_doc(after))
    assert verdict == "undecided", detail


@pytest.mark.parametrize("twin", ["2 y_1^2 m_2 - 2 y_1 x", "y_1 m_2 - 2 y_1 x", "2 y_1 m_2 + 2 y_1 x"])
def test_a_wrong_twin_is_not_accepted_with_the_moment(twin: str) -> None:
    verdict, detail = _last(_doc("where $\\mathbb{E}_{q_2(y_2|x)}[y_2] = m_2$.\n", twin))
    assert verdict in ("undecided", "refuted"), detail


def test_the_statement_holds_only_for_the_display_before_it() -> None:
    doc = _doc("where $\\mathbb{E}_{q_2(y_2|x)}[y_2] = m_2$.\n")
    statements = moments_in_words(doc)
    (s,) = statements
    assert s.trailing
    at = doc.index("2 y_1 m_2")
    assert moments_at(doc, statements, at, doc.index("\\begin{align}"))
    # a display after the statement's own: the ordinary rule (before it, in its scope) still applies
    later = doc + "\n$$c = d$$\n"
    assert moments_at(later, moments_in_words(later), later.index("c = d"), later.index("$$c")) != ()
    # an earlier display that the clause does not follow gets nothing
    earlier = "$$m_2 = 1$$\n\nText.\n\n" + doc
    first = earlier.index("m_2 = 1")
    assert moments_at(earlier, moments_in_words(earlier), first, earlier.index("$$m_2")) == ()


@pytest.mark.parametrize(
    "said",
    [
        # attacker K16: one moment, two values in scope (two groups): neither is used
        "For the treatment group, $X$ has mean $5$; for the control group, $X$ has mean $3$. We now look at the "
        "control group.\n",
        "Suppose $E[X] = 5$. Suppose also that $\\mathbb{E}[X] = 3$.\n",
    ],
)
def test_a_moment_stated_with_two_values_stands_down(said: str) -> None:
    doc = said + "$$\\mathbb{E}[X + 1] = 6$$\n$$\\mathbb{E}[X + 1] = 4$$\n"
    assert [r.verdict.value for r in derive.check_latex(doc, timeout=6)] == ["undecided", "undecided"]


def test_the_same_value_twice_is_no_conflict() -> None:
    doc = "Suppose $E[X] = 5$ and $\\mathbb{E}[X] = 5$.\n$$\\mathbb{E}[X + 1] = 6$$\n"
    assert [r.verdict.value for r in derive.check_latex(doc, timeout=6)] == ["proved"]


def test_a_name_for_the_moment_is_no_conflicting_value() -> None:
    doc = "Let $\\mu_X = E[X]$. Suppose $E[X] = 5$.\n$$\\mathbb{E}[X + 1] = 6$$\n"
    assert [r.verdict.value for r in derive.check_latex(doc, timeout=6)] == ["proved"]
