"""Rows a text solves (derive/latex/solving.py): a statement after an arrow checked as a consequence of
its premise, exactly; and the rows that name one of several solutions, never refuted."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest

import derive
from derive.latex import read_document
from derive.latex.solving import follows, one_of_the_solutions
from derive.latex.solving_context import loose_random
from derive.model import Evidence, Method, Outcome, Result, Verdict


def _last(text: str, symbols: dict[str, str] | None = None):
    """The last step of ``text``, with its premise's sides as read even where derive could not solve the
    premise (the reader keeps them only for a solved premise until steps.py passes them always)."""
    doc = read_document(text, symbols=symbols)
    step = doc.steps[-1]
    if step.premise is not None and not step.premise_sides:
        premise = doc.steps[step.premise]
        # its sides as written are what the reader keeps for it, no definition applied (its own claim may be
        # checked "up to a constant" or to the digits of an \approx)
        assert not any(":=" in note or "(values:)" in note for note in premise.uses)
        step = replace(step, premise_sides=(premise.lhs_tex, premise.rhs_tex))
    return step


def _decide(text: str, symbols: dict[str, str] | None = None) -> Result | None:
    """What `follows` makes of the last step of ``text``, taken as refuted as an identity."""
    step = _last(text, symbols)
    refuted = Result(
        step.claim, Verdict.REFUTED, Method.NUMERIC, 0.0, (Outcome(Verdict.REFUTED, Evidence(Method.NUMERIC, "x")),)
    )
    return follows(step, refuted)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        # equivalent rows: a nonzero multiple of the premise
        (
            r"$$\ln(c) + 1 = \frac{2e^2}{e^2 - 1} \Rightarrow \ln(c) = \frac{2e^2}{e^2 - 1} - 1$$",
            "equivalent to the premise",
        ),
        (r"$$2x - 6 = 0 \implies 3x = 9$$", "equivalent to the premise"),
        (
            r"$$-\lambda^3 + 2\lambda + 1 = 0 \Rightarrow -(\lambda + 1)(\lambda - \frac{1 + \sqrt{5}}{2})"
            r"(\lambda - \frac{1 - \sqrt{5}}{2}) = 0$$",
            "equivalent to the premise",
        ),
        # a polynomial multiple: every solution of the premise solves the row (the converse need not hold)
        (r"$$x - 1 = 0 \Rightarrow x^2 - 1 = 0$$", "a factor with no pole"),
        (r"$$x = 0 \Rightarrow x y = 0$$", "a factor with no pole"),
        # solved for x where the row is defined (a = 0 makes -b/a meaningless)
        (r"$$a x + b = 0 \Rightarrow x = -\frac{b}{a}$$", r"wherever the row is defined (a \neq 0)"),
        # solved exactly: every solution satisfies the row
        (r"$$(\lambda - 1)^2 = 0 \Rightarrow \lambda_1 = \lambda_2 = 1$$", r"lambda \in \{1\}"),
        (r"$$x^2 - 5x + 6 = 0 \implies (x - 2)(x - 3) = 0$$", "equivalent"),
        (r"$$\frac{1}{x} = 2 \implies x = \frac{1}{2}$$", "a factor with no pole"),
        (r"$$\frac{1}{x} = 2 \implies x^2 = \frac{1}{4}$$", "a factor with no pole"),
        (r"$$e^{x} = 2 \implies x = \ln 2$$", r"x \in \{\log{\left(2 \right)}\}"),
    ],
)
def test_a_row_that_follows_is_proved(text, says):
    out = _decide(text)
    assert out is not None
    assert out.verdict is Verdict.PROVED, out.detail
    assert says in out.detail
    assert "premise" in out.detail  # settle adds the premise itself (read with given ...)


def test_the_roots_names_take_every_solution():
    out = _decide(r"$$(\lambda - 1)^2 = 0 \Rightarrow \lambda_1 = \lambda_2$$")
    assert out is not None and out.verdict is Verdict.PROVED
    assert "holds with lambda_1, lambda_2 any of them" in out.detail


def test_a_declared_kind_excludes_roots():
    out = _decide(r"$$n^2 = 4 \implies n = 2$$", {"n": "positive integer"})
    assert out is not None and out.verdict is Verdict.PROVED
    assert r"n \in \{2\}" in out.detail


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # a value that solves nothing: refuted at an exact solution
        (r"$$(18 - \lambda)^2 = 81 \Rightarrow \lambda = 10$$", "at lambda = 9, lhs - rhs of the row = -1"),
        # a lost sign: x = 1 solves x + 1 = 0 at no point
        (r"$$x + 1 = 0 \implies x = 1$$", "at x = -1, lhs - rhs of the row = -2"),
        # x = 1 is a pole of the premise, not a solution: its only solution is -1
        (r"$$\frac{x^2 - 1}{x - 1} = 0 \implies x = 1$$", "at x = -1"),
        # a wrong root of a cubic
        (r"$$-\lambda^3 + 2\lambda + 1 = 0 \Rightarrow \lambda_2 = 1$$", "holds at none of them"),
        # tight: off by 10^{-30}
        (r"$$x - 2 = 0 \implies x = 2 + 10^{-30}$$", "holds at none of them"),
    ],
)
def test_a_row_no_solution_satisfies_is_refuted(text, shown):
    out = _decide(text)
    assert out is not None
    assert out.verdict is Verdict.REFUTED, out.detail
    assert shown in out.detail


@pytest.mark.parametrize(
    "text",
    [
        r"$$(18 - \lambda)^2 = 81 \Rightarrow \lambda = 9$$",  # one of two solutions
        r"$$x^2 = 4 \implies x^3 = 8$$",  # true at x = 2, not at x = -2
        r"$$-\lambda^3 + 2\lambda + 1 = 0 \Rightarrow \lambda_2 = -1$$",  # one root named
        r"$$x^2 = 1 \implies x_1 x_2 = -1$$",  # which root is which: the text's labelling
    ],
)
def test_a_row_naming_one_solution_is_undecided(text):
    out = _decide(text)
    assert out is not None
    assert out.verdict is Verdict.UNDECIDED
    assert "names one of the solutions" in out.detail
    assert one_of_the_solutions(_last(text)) is not None


@pytest.mark.parametrize(
    ("text", "symbols"),
    [
        (r"$$x^2 = 4 \implies y = 2$$", None),  # another name: not what the premise solves
        (r"$$x + y = 1 \implies x = 1$$", None),  # two unknowns, no multiple: nothing decided here
        (r"$$x^2 = -1 \implies x = 1$$", None),  # no real solution: the implication is empty
        (r"$$\sin x = 0 \implies x = 0$$", None),  # infinitely many solutions: not solved here
        (r"$$(x + 1)^2 = x^2 + 2x + 1 \implies x = 3$$", None),  # an identity, nothing to solve
        (r"$$f(x) = 0 \implies x = 1$$", None),  # an unknown function
        (r"$$\lambda^2 = 4 \implies \lambda_1 = -2$$", {"lambda_1": "positive"}),  # a root name of its own kind
        (r"$$x^7 - x - 1 = 0 \implies x = 1$$", None),  # past the degree solved exactly
        (r"$$x^2 = 4 \quad x = 2$$", None),  # no arrow: no premise
    ],
)
def test_nothing_is_decided_where_the_premise_is_not_solved(text, symbols):
    out = _decide(text, symbols)
    assert out is None or out.verdict is Verdict.UNDECIDED


@pytest.mark.parametrize(
    "text",
    [
        r"$$x \geq 1 \implies x = 1$$",  # an inequality is no equation to solve (x = 1 would be "proved")
        r"$$x^2 > 4 \implies x = 3$$",  # nor refuted through the equation x^2 = 4
        r"$$x \approx 2 \implies x = 2$$",
    ],
)
def test_a_premise_that_is_no_equation_is_not_solved(text):
    assert _decide(text) is None


def test_no_refutation_where_the_prose_bounds_the_unknown():
    # x in (0, 2) excludes both solutions of x^2 = 4: the implication is empty there, so not refuted
    out = _decide("Let $x \\in (0, 2)$.\n\n$$x^2 = 4 \\implies x = 3$$")
    assert out is None or out.verdict is not Verdict.REFUTED


def test_a_step_read_under_a_definition_is_left_alone():
    # the row's written sides are not what its claim reads (a := 2): the caller's answer stands
    text = "Let $a = 2$.\n\n$$a x = 4 \\implies x = 2$$"
    assert _decide(text) is None


def test_a_proved_result_is_kept():
    step = _last(r"$$x - 1 = 0 \Rightarrow x^2 - 1 = 0$$")
    proved = Result(
        step.claim, Verdict.PROVED, Method.SYMBOLIC, 0.0, (Outcome(Verdict.PROVED, Evidence(Method.SYMBOLIC, "x")),)
    )
    assert follows(step, proved) is None


# --- the document as derive reads it today (`settle` applies `refutation.unsupported`) --------------------


@pytest.mark.parametrize(
    "text",
    [
        r"$$(18 - \lambda)^2 = 81 \Rightarrow \lambda = 9$$",
        r"$$x^2 = 4 \implies x^3 = 8$$",
    ],
)
def test_one_of_the_solutions_is_not_refuted(text):
    result = derive.check_latex(text)[-1]
    assert result.verdict is not Verdict.REFUTED
    assert result.verdict is Verdict.UNDECIDED or "names one of the solutions" in result.detail


@pytest.mark.parametrize(
    "text",
    [
        r"$$(18 - \lambda)^2 = 81 \Rightarrow \lambda = 10$$",  # no solution
        r"$$x^2 - 5x + 6 = 0 \implies x^2 = 7$$",  # holds at neither 2 nor 3
    ],
)
def test_a_row_no_solution_satisfies_stays_refuted(text):
    result = derive.check_latex(text)[-1]
    assert result.verdict is Verdict.REFUTED


# --- a row with \\pm states two values: the premise's solutions, both directions ----------------------------


def _unread(text: str) -> Result | None:
    """What `follows` makes of the last step of ``text``, taken as unreadable (the parser has no \\pm)."""
    step = _last(text)
    error = Result(
        step.claim, Verdict.ERROR, Method.PARSE, 0.0, (Outcome(Verdict.ERROR, Evidence(Method.PARSE, "\\pm")),)
    )
    return follows(step, error)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (r"$$(18 - \lambda)^2 = 81 \Rightarrow 18 - \lambda = \pm 9$$", "exactly the premise's solutions"),
        (r"$$x^2 - 4 = 0 \implies x = \pm 2$$", "exactly the premise's solutions"),
        (r"$$x^2 - 4 = 0 \implies x = \mp 2$$", "exactly the premise's solutions"),
        (r"$$x^2 - 2x - 3 = 0 \implies x = 1 \pm 2$$", "exactly the premise's solutions"),
        (
            r"$$a x^2 + b x + c = 0 \implies x = \frac{-b \pm \sqrt{b^2 - 4ac}}{2a}$$",
            r"wherever the row is defined (a \neq 0)",
        ),
    ],
)
def test_plus_minus_gives_the_solutions(text, says):
    out = _unread(text)
    assert out is not None and out.verdict is Verdict.PROVED, out and out.detail
    assert says in out.detail


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (r"$$x^2 - 2x - 3 = 0 \implies x = 2 \pm 1$$", "x = 1 does not solve the premise"),
        (r"$$x^2 - 4 = 0 \implies x = 1 \pm 1$$", "x = 0 does not solve the premise"),
    ],
)
def test_plus_minus_with_a_wrong_value_is_refuted(text, shown):
    out = _unread(text)
    assert out is not None and out.verdict is Verdict.REFUTED
    assert shown in out.detail


@pytest.mark.parametrize(
    "text",
    [
        r"$$a x^2 + b x + c = 0 \implies x = \frac{b \pm \sqrt{b^2 - 4ac}}{2a}$$",  # wrong, but not solved here
        r"$$x = \pm 2$$",  # no premise: nothing to solve from
        r"$$x^2 - 4 = 0 \implies x = 2 \pm y$$",  # another name
        r"$$x^4 = 16 \implies x = \pm 2$$",  # degree 4: exactly its real solutions +-2 (proved below)
    ],
)
def test_plus_minus_not_decided_here(text):
    out = _unread(text)
    if "x^4" in text:
        assert out is not None and out.verdict is Verdict.PROVED
    else:
        assert out is None


# --- the statement a row is solved from, as the text wrote it (derive/latex/solving_context.py) -------------


def _settled(text: str) -> list[tuple[str, Result | None]]:
    """Each step of ``text`` with what `follows` makes of it, taken as refuted as an identity."""
    doc = read_document(text)
    out = []
    for step in doc.steps:
        refuted = Result(
            step.claim, Verdict.REFUTED, Method.NUMERIC, 0.0, (Outcome(Verdict.REFUTED, Evidence(Method.NUMERIC, "x")),)
        )
        out.append((f"{step.lhs_tex.strip()} = {step.rhs_tex.strip()}", follows(step, refuted)))
    return out


def _verdict_of(text: str, row: str) -> Verdict | None:
    found = [r for written, r in _settled(text) if written == row]
    assert found, row
    return None if found[-1] is None else found[-1].verdict


def test_a_display_following_from_the_display_before():
    text = "We solve\n\n$$(18 - \\lambda)^2 - 81 = 0$$\n\nSimplifying:\n\n$$(18 - \\lambda)^2 = 81$$\n"
    assert _verdict_of(text, "(18 - \\lambda)^2 = 81") is Verdict.PROVED
    detail = [r for _, r in _settled(text) if r is not None][-1].detail
    assert "from the display right before it" in detail


def test_a_determinant_chain_before():
    text = (
        "The characteristic equation:\n\n"
        "$$\\begin{vmatrix} 18 - \\lambda & 9 \\\\ 9 & 18 - \\lambda \\end{vmatrix} = (18 - \\lambda)^2 - 81 = 0$$\n\n"
        "$$(18 - \\lambda)^2 = 81$$\n"
    )
    assert _verdict_of(text, "(18 - \\lambda)^2 = 81") is Verdict.PROVED


def test_the_whole_chain_of_the_premise():
    # the reader links c = ... to the last relation (two numbers); the chain says ln c equals both
    chain = "$$\\ln(c) = \\frac{2e^2}{e^2 - 1} - 1 = \\frac{e^2 + 1}{e^2 - 1} \\Rightarrow "
    text = chain + "c = \\exp\\left(\\frac{e^2 + 1}{e^2 - 1}\\right)$$"
    assert _verdict_of(text, "c = \\exp\\left(\\frac{e^2 + 1}{e^2 - 1}\\right)") is Verdict.PROVED
    wrong = chain + "c = \\exp\\left(\\frac{2e^2}{e^2 - 1}\\right)$$"
    assert _verdict_of(wrong, "c = \\exp\\left(\\frac{2e^2}{e^2 - 1}\\right)") is not Verdict.PROVED


@pytest.mark.parametrize(
    ("text", "row"),
    [
        # a row that does not follow from the display before: never refuted through that link
        ("$$x^2 - 4 = 0$$\n\n$$x = 3$$\n", "x = 3"),
        # another part starts between them
        ("$$x - 1 = 0$$\n\n## Part (b)\n\n$$x^2 = 1$$\n", "x^2 = 1"),
        ("$$x - 1 = 0$$\n\nNow let $y = 2$.\n\n$$x^2 = 1$$\n", "x^2 = 1"),
        ("$$x - 1 = 0$$\n\nFor the second case,\n\n$$x^2 = 1$$\n", "x^2 = 1"),
        # a long text between them
        ("$$x - 1 = 0$$\n\n" + "words " * 50 + "\n\n$$x^2 = 1$$\n", "x^2 = 1"),
        # the row is not the first relation of its display: its own chain says what it follows
        ("$$x - 1 = 0$$\n\n$$y = 2 = x^2 + 1$$\n", "2 = x^2 + 1"),
        # the display before is a definition or an inequality: no statement to solve from
        ("$$x \\geq 1$$\n\n$$x = 1$$\n", "x = 1"),
    ],
)
def test_a_display_before_that_is_no_premise(text, row):
    assert _verdict_of("To solve it:\n\n" + text, row) in (None, Verdict.UNDECIDED)


@pytest.mark.parametrize(
    "text",
    [
        # two identities in a row, the first false: the second is equivalent to it as an equation, and as
        # false as an identity
        "$$(x + 1)^2 = x^2 + 1$$\n\nExpanding,\n\n$$x^2 + 2x + 1 = x^2 + 1$$\n",
        "$$(x + 1)^2 = x^2 + 1$$\n\n$$x^2 + 2x + 1 = x^2 + 1$$\n",
    ],
)
def test_identities_in_a_row_are_no_equation_and_its_consequence(text):
    assert _verdict_of(text, "x^2 + 2x + 1 = x^2 + 1") in (None, Verdict.UNDECIDED)


# --- a row that may be solved from the display before is not refuted at a point (refutation.unsupported) ------


@pytest.mark.parametrize(
    "text",
    [
        # a homogeneous system, then one of its rows (the attacker's S11)
        "$$(A - 2I)\\mathbf{x} = \\begin{pmatrix} -1 & 1 \\\\ 1 & -1 \\end{pmatrix}"
        "\\begin{pmatrix} x_1 \\\\ x_2 \\end{pmatrix} = \\mathbf{0}$$\nso\n$$x_1 - x_2 = 0$$\n",
        # the words say the text solves
        "We solve\n\n$$x^2 + y^2 - 4 = 2y$$\n\nhence\n\n$$x^2 + (y - 1)^2 = 5$$\n",
    ],
)
def test_a_row_solved_from_the_display_before_is_not_refuted(text):
    result = derive.check_latex(text)[-1]
    assert result.verdict is not Verdict.REFUTED
    assert "solved from the display right before it" in result.detail or result.verdict is Verdict.PROVED


@pytest.mark.parametrize(
    "text",
    [
        # identities in a row, the second false: a real mistake, still caught
        "$$(x + 1)^2 = x^2 + 2x + 1$$\n\n$$x^2 + 2x + 1 = x^2 + 1$$\n",
        # the row uses a name the display before does not: not solved from it
        "$$x - 1 = 0$$\n\n$$y^2 = y + 1$$\n",
        # another part between them
        "$$x - 1 = 0$$\n\n## Part (b)\n\n$$x^2 = 2x + 3$$\n",
    ],
)
def test_a_row_not_solved_from_the_display_before_stays_refuted(text):
    result = derive.check_latex(text)[-1]
    assert result.verdict is Verdict.REFUTED


# --- a linear system the arrow leads from ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "row", "verdict"),
    [
        (r"$$x + y = 3,\ x - y = 1 \implies x = 2$$", "x = 2", Verdict.PROVED),
        (r"$$2a + b = 5, \quad a - b = 1 \implies a = 2$$", "a = 2", Verdict.PROVED),
        # a wrong value of a system: not proved (which statements make up the system is read from the layout)
        (r"$$2a + b = 5, \quad a - b = 1 \implies a = 3$$", "a = 3", None),
        # no unique solution: not solved to values
        (r"$$x + y = 3,\ 2x + 2y = 6 \implies x = 1$$", "x = 1", None),
        # not linear: not solved here
        (r"$$x y = 2,\ x - y = 1 \implies x = 2$$", "x = 2", None),
    ],
)
def test_a_linear_system_before_the_arrow(text, row, verdict):
    got = _verdict_of(text, row)
    if verdict is None:
        assert got is not Verdict.PROVED
    else:
        assert got is verdict


# --- decimals: a solution rounded to the digits written ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        r"$$x^2 = 2 \implies x = 1.414$$",  # sqrt(2) to 3 decimals
        r"$$x^2 - 2x - 1 = 0 \implies x = 1 \pm 1.414$$",
    ],
)
def test_a_rounded_solution_is_not_refuted(text):
    out = _decide(text) if "pm" not in text else _unread(text)
    assert out is not None and out.verdict is Verdict.UNDECIDED
    assert "= with a rounded number is not refuted" in out.detail


@pytest.mark.parametrize(
    "text",
    [
        r"$$x^2 = 2 \implies x = 1.42$$",  # 1.4142... is 1.41 to 2 decimals
        r"$$2x = 4 \implies x = 2.0000001$$",  # off by one unit of the last digit
        r"$$x^2 - 2x - 1 = 0 \implies x = 1 \pm 1.5$$",
    ],
)
def test_a_decimal_off_by_more_than_its_digits_is_refuted(text):
    out = _decide(text) if "pm" not in text else _unread(text)
    assert out is not None and out.verdict is Verdict.REFUTED


def test_a_chain_that_contradicts_itself_proves_nothing():
    # ln c = 2 - 1 = 3 is no consistent statement: c = e^3 follows from ln c = 3 but not from ln c = 1
    text = r"$$\ln(c) = 2 - 1 = 3 \Rightarrow c = e^{3}$$"
    assert _verdict_of(text, "c = e^{3}") is not Verdict.PROVED


def test_a_chain_member_derive_cannot_read_is_left_out():
    # p(\lambda) of an unknown p: the other members still say -\lambda^3 + 2\lambda + 1 = 0
    text = (
        "Solving the characteristic polynomial:\n\n"
        "$$p(\\lambda) = -\\lambda^3 + 2\\lambda + 1 = 0$$\n\n"
        "$$-(\\lambda + 1)(\\lambda^2 - \\lambda - 1) = 0$$\n"
    )
    assert _verdict_of(text, "-(\\lambda + 1)(\\lambda^2 - \\lambda - 1) = 0") is Verdict.PROVED


# --- attacks on the statement before the arrow (attacker S86-S89) ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "row"),
    [
        # a chain one of whose links is false proves nothing (S86)
        (r"$$\ln c = 2 - 1 = 3 \implies c = e^3$$", "c = e^3"),
        # alternatives before the arrow: no member alone is the premise (S87-S89)
        (r"$$(x-2)(x-3) = 0 \implies x = 2 \lor x = 3 \implies x = 3$$", "x = 3"),
        (r"$$(x-2)(x-3) = 0 \implies x = 2 \text{ or } x = 3 \implies x^2 = 9$$", "x^2 = 9"),
        (r"$$x^2 = 4 \implies x = 2 \text{ or } x = -2 \implies x^3 = -8$$", "x^3 = -8"),
        (r"$$(x-2)(x-3) = 0 \implies x = 2 \vee x = 3 \implies 2x = 4$$", "2x = 4"),
    ],
)
def test_no_proof_from_part_of_what_the_arrow_leads_from(text, row):
    result = [r for r in derive.check_latex(text) if r.claim.statement.startswith(row.replace(" = ", " == ", 1))]
    found = result[-1] if result else derive.check_latex(text)[-1]
    assert found.verdict not in (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT), found.detail


@pytest.mark.parametrize(
    "text",
    [
        r"$$(x-2)(x-3) = 0 \implies x = 2 \text{ or } x = 3 \implies x = 2$$",
        r"$$(x-2)(x-3) = 0 \implies x = 2, \; x = 3 \implies x = 2$$",
    ],
)
def test_no_refutation_from_part_of_what_the_arrow_leads_from(text):
    assert derive.check_latex(text)[-1].verdict is not Verdict.REFUTED


def test_a_list_before_the_arrow_is_a_system():
    result = derive.check_latex(r"$$x + y = 3,\ x - y = 1 \implies x = 2$$")[-1]
    assert result.verdict is Verdict.PROVED
    assert "its only solution is x = 2, y = 1" in result.detail


def test_the_word_equation_alone_links_no_displays():
    text = "Using the equation above,\n\n$$(x + 1)^2 = x^2 + 1$$\n\nExpanding,\n\n$$x^2 + 2x + 1 = x^2 + 1$$\n"
    assert _verdict_of(text, "x^2 + 2x + 1 = x^2 + 1") in (None, Verdict.UNDECIDED)


@pytest.mark.parametrize(
    ("text", "verdict", "says"),
    [
        # \approx to the digits written after an arrow: one of two solutions, never refuted
        (r"$$x^2 = 2 \implies x \approx 1.41$$", Verdict.UNDECIDED, "names one of the solutions"),
        (r"$$x^2 = 2 \implies x^2 \approx 2.00$$", Verdict.PROVED, "holds at each"),
        (r"$$x^2 = 2 \implies x \approx 1.42$$", Verdict.REFUTED, "to within 0.00500, the digits written"),
        (r"$$(x - 1)^2 = 0 \implies x \approx 1.3$$", Verdict.REFUTED, "holds at none of them"),
    ],
)
def test_an_approximation_after_an_arrow_to_the_digits_written(text, verdict, says):
    out = _decide(text)
    assert out is not None and out.verdict is verdict, out and out.detail
    assert says in out.detail


def test_words_for_an_arrow_keep_the_premise_the_reader_solved():
    # "\text{ so }" is an arrow to the reader: 2v - 4 = 0 gives v = 2, so v = 3 stays refuted
    got = derive.check_latex(r"$$2v - 4 = 0, \text{ so } v = 3$$")
    assert got[-1].verdict is Verdict.REFUTED


def test_a_definition_alone_before_is_no_premise():
    # a defined anew ("Setting instead"): the definitions' rules decide, not the display before
    text = "$$ a = x + 1 $$\n\nSetting instead\n\n$$ a = 2x $$\n\n$$ a^2 = 4x^2 $$\n"
    assert _verdict_of(text, "a^2 = 4x^2") in (None, Verdict.UNDECIDED)


@pytest.mark.parametrize(
    ("law", "display", "says"),
    [
        # attacker S92/S93: a law for the unknown does not change the algebra of its premise
        (r"x \sim \mathcal{N}(0, 1)", r"x^2 - 4 = 0 \implies x = 2", "x = 2 names one of the solutions"),
        (r"\lambda \sim \mathrm{Exp}(1)", r"(\lambda - 3)(\lambda - 5) = 0 \implies \lambda = 3", "names one of"),
        (r"\theta \sim \mathrm{Beta}(1, 1)", r"4\theta^2 - 1 = 0 \implies \theta = 1/2", "names one of"),
        (r"x \sim \mathcal{N}(0, 1)", r"x^2 = 4 \implies x = -2", "names one of the solutions"),
    ],
)
def test_a_random_unknown_naming_one_solution_is_not_refuted(law, display, says):
    (*_, result) = derive.check_latex(f"Let ${law}$.\n$${display}$$")
    assert result.verdict is Verdict.UNDECIDED
    assert says in result.detail


def test_a_random_unknown_is_solved_like_any_other():
    law = "Let $x \\sim \\mathcal{N}(0, 1)$.\n"
    (*_, wrong) = derive.check_latex(law + r"$$x^2 - 4 = 0 \implies x = 3$$")
    assert wrong.verdict is Verdict.REFUTED
    assert "does not follow from the premise: its solutions are x \\in \\{-2, 2\\} (exact, complete)" in wrong.detail
    (*_, both) = derive.check_latex(law + r"$$x^2 - 4 = 0 \implies x = \pm 2$$")
    assert both.verdict is Verdict.PROVED
    (*_, one) = derive.check_latex(law + r"$$(x - 1)^2 = 0 \implies x = 1$$")
    assert one.verdict is Verdict.PROVED


def _arrow_row(lhs: str, rhs: str, random: tuple[tuple[str, str], ...]):
    return SimpleNamespace(premise=0, lhs_tex=lhs, rhs_tex=rhs, claim=SimpleNamespace(random=random))


def test_a_random_value_after_an_arrow_is_no_identity_unless_solved():
    law = (("lambda", "Exp(1)"),)
    why = loose_random(_arrow_row(r"\lambda", "3", law), None)
    assert why is not None and "lambda (random) stands in it as a value" in why
    assert loose_random(_arrow_row(r"\lambda_1 + 1", "4", law), None) is not None  # indexed
    assert loose_random(_arrow_row(r"\lambda", "3", law), "solving") is None  # exact solving refutes
    # inside E, Var, P it is a law: the refutation stands
    for lhs in (
        r"\mathbb{E}[\lambda^2]",
        r"\operatorname{Var}(\lambda)",
        r"P(\lambda > 1)",
        r"\mathbb{E}_{p}\left[\lambda\right]",
    ):
        assert loose_random(_arrow_row(lhs, "3", law), None) is None, lhs
    assert loose_random(_arrow_row(r"\mathbb{E}[\lambda] + \lambda", "3", law), None) is not None
    assert loose_random(_arrow_row(r"\mathbb{E}[\lambda", "3", law), None) is not None  # unbalanced: kept
    assert loose_random(_arrow_row(r"\lambdax", "3", law), None) is None  # another name
    assert loose_random(_arrow_row("x", "3", (("x", "N(0,1)"),)), None) is not None
    assert loose_random(_arrow_row(r"\xi", "3", (("x", "N(0,1)"),)), None) is None
    no_arrow = _arrow_row(r"\lambda", "3", law)
    no_arrow.premise = None
    assert loose_random(no_arrow, None) is None
