"""Document structure of real documents: TeX comments, align rows, chains over blocks, \\propto.

Each rule is pinned by its true reading and a false variant (refuted or undecided, never
accepted), plus attacks: escaped ``\\%``, ``\\\\%``, comments holding ``$$``, ``\\\\`` or ``&=``,
labels and tags before relations, ``\\intertext``, rows led by ``-`` with and without a relation.
"""

from __future__ import annotations

import pytest

import derive
from derive import Verdict
from derive.latex import read_document, split_block
from derive.model import Relation

EQ = Relation.EQ
PROVED, REFUTED, UNDECIDED, ERROR = Verdict.PROVED, Verdict.REFUTED, Verdict.UNDECIDED, Verdict.ERROR


def sides(text: str, **kw: object) -> list[tuple[str, str]]:
    return [(s.lhs_tex, s.rhs_tex) for s in read_document(text, **kw).steps]  # type: ignore[arg-type]


def verdicts(text: str, symbols: dict[str, str] | None = None) -> list[Verdict]:
    return [r.verdict for r in derive.check_latex(text, symbols=symbols)]


# -- TeX comments ----------------------------------------------------------------------------

ALIGN_WITH_COMMENT = r"""
\begin{align}
(a+b)^2 &= a^2 + 2ab + b^2 \\
% a^2 + 3ab + b^2 was my first, wrong attempt
&= a^2 + b^2 + 2ab
\end{align}
"""


def test_a_comment_line_between_align_rows_is_not_read() -> None:
    # issue 20 #5: the comment became the left side of the next step (a false refute)
    assert sides(ALIGN_WITH_COMMENT) == [("(a+b)^2", "a^2 + 2ab + b^2"), ("a^2 + 2ab + b^2", "a^2 + b^2 + 2ab")]
    assert verdicts(ALIGN_WITH_COMMENT) == [PROVED, PROVED]


def test_a_comment_does_not_hide_a_wrong_row() -> None:
    wrong = ALIGN_WITH_COMMENT.replace("&= a^2 + b^2 + 2ab", "&= a^2 + b^2 + 3ab")
    assert verdicts(wrong) == [PROVED, REFUTED]


def test_a_comment_holding_a_relation_row_is_not_a_step() -> None:
    text = r"""
\begin{align}
(a+b)^2 &= a^2 + 2ab + b^2 \\
% &= a^2 + 7ab \\
&= b^2 + 2ab + a^2
\end{align}
"""
    assert sides(text) == [("(a+b)^2", "a^2 + 2ab + b^2"), ("a^2 + 2ab + b^2", "b^2 + 2ab + a^2")]
    assert verdicts(text) == [PROVED, PROVED]


def test_a_comment_at_the_end_of_a_row_ends_at_the_line() -> None:
    text = "$$\n(a+b)^2 = a^2 + 2ab + b^2 % expand, then = 7\n= b^2 + 2ab + a^2\n$$"
    assert sides(text) == [("(a+b)^2", "a^2 + 2ab + b^2"), ("a^2 + 2ab + b^2", "b^2 + 2ab + a^2")]


def test_an_escaped_percent_is_text() -> None:
    text = r"$$ \frac{1}{2} = 0.5 \quad \text{(50\% of it)} $$"
    assert sides(text) == [(r"\frac{1}{2}", "0.5")]
    assert verdicts(text) == [PROVED]


def test_an_escaped_percent_in_a_number_is_not_a_comment() -> None:
    # "50\%" stays in the step (the reader says what it cannot read): nothing after it is dropped
    doc = read_document(r"$$ x = 50\% + y $$")
    assert [(s.lhs_tex, s.rhs_tex) for s in doc.steps] == [("x", r"50\% + y")]


def test_a_double_backslash_before_percent_starts_a_comment() -> None:
    # "\\%" is a row break, then a comment: the parity of the backslashes decides
    text = "\\begin{align}\na + a &= 2a \\\\% &= 3a\n&= a \\cdot 2\n\\end{align}"
    assert sides(text) == [("a + a", "2a"), ("2a", r"a \cdot 2")]
    assert verdicts(text) == [PROVED, PROVED]
    # three backslashes: a row break and an escaped percent, which is text
    doc = read_document("\\begin{align}\nx &= y \\\\\\% z\n\\end{align}")
    assert [(s.lhs_tex, s.rhs_tex) for s in doc.steps] == [("x", "y")]
    assert "\\%" in doc.blocks[0].tex


def test_a_comment_with_a_row_break_and_alignment_marks_is_inert() -> None:
    text = "\\begin{align}\n(a-b)^2 &= a^2 - 2ab + b^2 % \\\\ x &= 1 \\\\ &= 2\n\\end{align}"
    assert sides(text) == [("(a-b)^2", "a^2 - 2ab + b^2")]
    assert verdicts(text) == [PROVED]


def test_in_a_tex_file_a_comment_holding_dollars_opens_no_block() -> None:
    text = "\\begin{document}\nSome prose % with $$ x = 1 $$ in a comment\n\\[ a + a = 2a \\]\n\\end{document}\n"
    doc = read_document(text)
    assert [(s.lhs_tex, s.rhs_tex) for s in doc.steps] == [("a + a", "2a")]
    assert len(doc.blocks) == 1


def test_in_a_tex_file_an_escaped_percent_then_dollars_is_math() -> None:
    text = "\\begin{document}\nA rate of 5\\% and $$ a + a = 2a $$\n\\end{document}\n"
    assert sides(text) == [("a + a", "2a")]


def test_in_markdown_a_percent_in_prose_is_text() -> None:
    # Markdown prose has no comments (MathJax reads % as one only inside math)
    text = "A 50% rate, $$ a + a = 2a $$ and 10% of $$ b + b = 2b $$"
    assert sides(text) == [("a + a", "2a"), ("b + b", "2b")]


def test_in_markdown_a_comment_inside_display_math_ends_at_the_delimiter() -> None:
    text = "$$ a + a = 2a % the rest of this line is a comment $$\n\n$$ b + b = 3b $$"
    assert sides(text) == [("a + a", "2a"), ("b + b", "3b")]
    assert verdicts(text) == [PROVED, REFUTED]


def test_a_comment_in_inline_math_of_the_prose_is_dropped() -> None:
    # a declaration in the prose is read without what a comment says after it
    doc = read_document("Let $\\sigma > 0 % not really\n$.\n$$ \\sqrt{\\sigma^2} = \\sigma $$")
    assert [(s.lhs_tex, s.rhs_tex) for s in doc.steps] == [(r"\sqrt{\sigma^2}", r"\sigma")]


# -- align rows --------------------------------------------------------------------------------


def test_rows_led_by_nonumber_label_or_tag_continue_the_chain() -> None:
    # issue 15 item 6
    text = r"""
\begin{align}
(a+b)^2 \nonumber &= a^2 + 2ab + b^2 \\
\nonumber &= a^2 + b^2 + 2ab \\
\label{eq:sq} &= b^2 + 2ab + a^2 \\
\tag{3} &= (b + a)^2 \\
\notag &= (a + b)(b + a)
\end{align}
"""
    assert sides(text) == [
        ("(a+b)^2", "a^2 + 2ab + b^2"),
        ("a^2 + 2ab + b^2", "a^2 + b^2 + 2ab"),
        ("a^2 + b^2 + 2ab", "b^2 + 2ab + a^2"),
        ("b^2 + 2ab + a^2", "(b + a)^2"),
        ("(b + a)^2", "(a + b)(b + a)"),
    ]
    assert verdicts(text) == [PROVED] * 5


def test_a_starred_tag_is_layout_not_a_factor() -> None:
    text = "\\begin{align}\n(a+b)^2 &= a^2 + 2ab + b^2 \\tag*{(i)} \\\\\n\\tag*{} &= b^2 + 2ab + a^2\n\\end{align}"
    assert sides(text) == [("(a+b)^2", "a^2 + 2ab + b^2"), ("a^2 + 2ab + b^2", "b^2 + 2ab + a^2")]


def test_a_label_before_the_first_relation_is_dropped() -> None:
    text = r"\begin{equation}\label{eq:1} (a+b)^2 = a^2 + 2ab + b^2 \end{equation}"
    assert sides(text) == [("(a+b)^2", "a^2 + 2ab + b^2")]
    assert verdicts(text) == [PROVED]


def test_rows_of_separate_equations_are_not_merged() -> None:
    # issue 20 #4: "1 - \lambda/n" was read as one expression across the rows
    text = r"""
\begin{align}
-\lambda \sum_{k=1}^{c} \frac{1}{N_k} &= 1 \\
-\lambda \frac{1}{n} &= 1
\end{align}
"""
    assert sides(text) == [(r"-\lambda \sum_{k=1}^{c} \frac{1}{N_k}", "1"), (r"-\lambda \frac{1}{n}", "1")]
    # each row is an equation for lambda (a condition to solve), not an identity: never refuted
    results = derive.check_latex(text, symbols={"N_k": "positive", "n": "positive", "c": "positive integer"})
    assert [r.verdict for r in results] == [UNDECIDED, UNDECIDED]
    assert all("one of several equations in one display" in (r.detail or "") for r in results)


def test_a_row_led_by_minus_with_its_own_relation_is_its_own_equation() -> None:
    text = r"""
\begin{align}
(a+b)^2 &= a^2 + 2ab + b^2 \\
-(a-b)^2 &= -a^2 + 2ab - b^2
\end{align}
"""
    assert sides(text) == [("(a+b)^2", "a^2 + 2ab + b^2"), ("-(a-b)^2", "-a^2 + 2ab - b^2")]
    assert verdicts(text) == [PROVED, PROVED]
    # rows of separate equations may be a system to solve: a false row is not refuted at a point
    wrong = text.replace("-a^2 + 2ab - b^2", "-a^2 - 2ab - b^2")
    assert verdicts(wrong) == [PROVED, UNDECIDED]
    # ... but one false without a point is
    assert verdicts("\\begin{align}\n2 + 2 &= 4 \\\\\n-3 + 5 &= 3\n\\end{align}") == [PROVED, REFUTED]


def test_a_row_led_by_plus_with_its_alignment_mark_before_its_relation_is_its_own_equation() -> None:
    text = "\\begin{align}\n(a+b)^2 &= a^2 + 2ab + b^2 \\\\\n+ (a-b)^2 &= (a-b)^2\n\\end{align}"
    assert sides(text) == [("(a+b)^2", "a^2 + 2ab + b^2"), ("+ (a-b)^2", "(a-b)^2")]


def test_a_row_led_by_minus_without_a_relation_continues_the_expression() -> None:
    text = r"""
\begin{align}
(a-b)^2 &= a^2 + b^2 \\
&\quad - 2ab \\
&= a^2 - 2ab + b^2
\end{align}
"""
    assert sides(text) == [("(a-b)^2", "a^2 + b^2 - 2ab"), ("a^2 + b^2 - 2ab", "a^2 - 2ab + b^2")]
    assert verdicts(text) == [PROVED, PROVED]
    # the same without an alignment mark on the continued row
    text2 = "\\begin{align}\n(a-b)^2 &= a^2 + b^2 \\\\\n- 2ab\n\\end{align}"
    assert sides(text2) == [("(a-b)^2", "a^2 + b^2 - 2ab")]


def test_a_continued_row_that_goes_on_with_a_relation_stays_in_the_chain() -> None:
    # the "+" sits after the alignment mark: a continuation, then the chain goes on
    text = "\\begin{align}\n(a+b)^2 &= a^2 + 2ab \\\\\n&\\quad + b^2 = b^2 + 2ab + a^2\n\\end{align}"
    assert sides(text) == [("(a+b)^2", "a^2 + 2ab + b^2"), ("a^2 + 2ab + b^2", "b^2 + 2ab + a^2")]
    assert verdicts(text) == [PROVED, PROVED]


def test_in_gather_a_row_led_by_minus_is_its_own_equation() -> None:
    text = "\\begin{gather}\n(a+b)^2 = a^2 + 2ab + b^2 \\\\\n-(a-b)^2 = -a^2 + 2ab - b^2\n\\end{gather}"
    assert sides(text) == [("(a+b)^2", "a^2 + 2ab + b^2"), ("-(a-b)^2", "-a^2 + 2ab - b^2")]


def test_in_multline_a_row_led_by_minus_continues_the_one_equation() -> None:
    text = "\\begin{multline}\n(a-b)^2 = a^2 + b^2 \\\\\n- 2ab = a^2 - 2ab + b^2\n\\end{multline}"
    assert sides(text) == [("(a-b)^2", "a^2 + b^2 - 2ab"), ("a^2 + b^2 - 2ab", "a^2 - 2ab + b^2")]


def test_an_unaligned_row_led_by_minus_with_a_relation_is_never_refuted() -> None:
    # "$$ x = a \\ - b = c $$": one chain through "a - b", or two equations? Either reading can
    # be the author's, so neither is refuted on its own
    text = "$$ (a-b)^2 = a^2 + b^2 \\\\ - 2ab = a^2 - 2ab + b^2 $$"
    assert sides(text) == [("(a-b)^2", "a^2 + b^2"), ("- 2ab", "a^2 - 2ab + b^2")]
    results = derive.check_latex(text)
    assert [r.verdict for r in results] == [UNDECIDED, UNDECIDED]
    assert all("a row break that has two readings" in (r.detail or "") for r in results)
    # without a relation of its own the row can only continue the expression
    assert sides("$$ (a-b)^2 = a^2 + b^2 \\\\ - 2ab $$") == [("(a-b)^2", "a^2 + b^2 - 2ab")]
    # a row led by "+" begins no equation of its own: the expression goes on
    assert sides("$$ (a+b)^2 = a^2 + 2ab \\\\ + b^2 = (b+a)^2 $$") == [
        ("(a+b)^2", "a^2 + 2ab + b^2"),
        ("a^2 + 2ab + b^2", "(b+a)^2"),
    ]


def test_intertext_separates_two_chains() -> None:
    text = r"""
\begin{align}
(a+b)^2 &= a^2 + 2ab + b^2 \\
\intertext{and likewise}
(a-b)^2 &= a^2 - 2ab + b^2
\end{align}
"""
    assert sides(text) == [("(a+b)^2", "a^2 + 2ab + b^2"), ("(a-b)^2", "a^2 - 2ab + b^2")]
    assert verdicts(text) == [PROVED, PROVED]


def test_split_block_keeps_the_old_rules() -> None:
    assert split_block(r"\begin{split} a &= b \\ &+ c \\ &= d \end{split}") == [("a", EQ, "b + c"), ("b + c", EQ, "d")]
    assert split_block(r"a &= b \\ c &= d") == [("a", EQ, "b"), ("c", EQ, "d")]
    assert split_block(r"a &= b \\ -c &= d") == [("a", EQ, "b"), ("-c", EQ, "d")]


def test_an_alignment_mark_beside_a_binary_operator_aligns_terms() -> None:
    # "A &+& B &=& C" (corpus: normal equations aligned term by term) is one equation per row
    text = "$$\\begin{aligned} 2a &+& 3a &=& 5a \\\\ a &+& b &=& b + a \\end{aligned}$$"
    assert sides(text) == [("2a + 3a", "5a"), ("a + b", "b + a")]
    assert verdicts(text) == [PROVED, PROVED]
    assert verdicts(text.replace("5a", "6a")) == [UNDECIDED, PROVED]  # one of a system: not refuted at a point
    # a column that begins with a minus sign is still a column of its own
    assert split_block(r"\begin{aligned} x &= 1 & -y &= 2 \end{aligned}") == [("x", EQ, "1"), ("-y", EQ, "2")]
    # outside an alignment, "2 & 3" stays a stray '&' (an error), never a product
    doc = read_document(r"$$ 2 & 3 = 6 $$")
    assert doc.steps[0].error is not None and "a stray '&'" in doc.steps[0].error


def test_plain_tex_cr_ends_a_row() -> None:
    text = "$$ \\begin{aligned} 2(b + c) &+ a &= 2b + 2c + a \\cr (a+b)^2 &+ 0 &= a^2 + 2ab + b^2 \\cr\\end{aligned}$$"
    assert sides(text) == [("2(b + c) + a", "2b + 2c + a"), ("(a+b)^2 + 0", "a^2 + 2ab + b^2")]
    assert verdicts(text) == [PROVED, PROVED]


# -- a chain over two blocks -------------------------------------------------------------------


def test_a_chain_split_over_two_dollar_blocks_is_joined() -> None:
    text = "$$ (a+b)^2 = $$\n$$ a^2 + 2ab + b^2 $$"
    doc = read_document(text)
    assert [(s.block, s.lhs_tex, s.rhs_tex, s.error) for s in doc.steps] == [(1, "(a+b)^2", "a^2 + 2ab + b^2", None)]
    assert doc.blocks[1].note == "it continues the expression of the block before it, checked in block 1 step 1"
    assert verdicts(text) == [PROVED]
    assert verdicts(text.replace("2ab", "3ab")) == [REFUTED]


def test_a_chain_over_two_blocks_goes_on_in_the_second() -> None:
    text = "$$ (a+b)^2 = a^2 + 2ab + b^2 = $$\nso\n$$ b^2 + 2ab + a^2 \\le 2a^2 + 2b^2 $$"
    assert sides(text) == [
        ("(a+b)^2", "a^2 + 2ab + b^2"),
        ("a^2 + 2ab + b^2", "b^2 + 2ab + a^2"),
        ("b^2 + 2ab + a^2", "2a^2 + 2b^2"),
    ]


def test_a_block_after_a_complete_chain_starts_its_own() -> None:
    assert sides("$$ a + a = 2a $$\n$$ b + b = 2b $$") == [("a + a", "2a"), ("b + b", "2b")]


# -- text inside display math --------------------------------------------------------------------


def test_inline_math_inside_text_is_prose() -> None:
    text = r"$$ (a+b)^2 = a^2 + 2ab + b^2 \quad \text{since $ab = ba$ for numbers} $$"
    assert sides(text) == [("(a+b)^2", "a^2 + 2ab + b^2")]
    text2 = r"\[ (a+b)^2 = a^2 + 2ab + b^2 \text{ since $a = b$ is not needed} \]"
    assert sides(text2)[0] == ("(a+b)^2", "a^2 + 2ab + b^2")


# -- a display without a relation ------------------------------------------------------------------


@pytest.mark.parametrize(
    "tex",
    [r"\sum_{i=1}^{n} x_i", r"\frac{a}{b} + c", r"\prod_{k=1}^{K} \pi_k^{z_k}", r"\int_{x=0}^{1} f(x)\, dx"],
)
def test_a_display_without_a_relation_says_so(tex: str) -> None:
    doc = read_document(f"$$ {tex} $$")
    assert doc.steps == ()
    assert doc.blocks[0].note == "no relation (=, \\le, ...) outside brackets: an expression, not a step"


def test_a_relation_inside_underbrace_is_still_reported() -> None:
    doc = read_document(r"$$ \underbrace{a + a = 3a}_{\text{wrong}} $$")
    assert [s.kind for s in doc.steps] == ["unreadable"]
    assert doc.steps[0].error is not None and "not at the top level" in doc.steps[0].error


# -- \propto --------------------------------------------------------------------------------------


def test_a_proportionality_is_never_checked_as_an_equality() -> None:
    text = r"$$ p(\theta|D) \propto p(D|\theta) p(\theta) $$"
    results = derive.check_latex(text)
    # Bayes' rule as a proportionality in theta (CONST): proved by the probability calculus, as a ratio
    assert [r.verdict for r in results] == [Verdict.PROVED]
    assert "proportional in theta: lhs/rhs does not depend on theta and is positive" in (results[0].detail or "")
    assert "\\propto" in results[0].claim.statement


def test_a_false_proportionality_is_not_refuted_as_an_equality() -> None:
    results = derive.check_latex(r"$$ 2x \propto x $$")
    assert REFUTED not in [r.verdict for r in results]
    assert PROVED not in [r.verdict for r in results]


def test_an_equality_after_a_proportionality_is_checked() -> None:
    text = r"$$ f(x) \propto e^{-x^2/2} e^{x} = e^{x - x^2/2} $$"
    doc = read_document(text)
    assert [(s.lhs_tex, s.rhs_tex, s.kind) for s in doc.steps] == [
        (r"f(x)", r"e^{-x^2/2} e^{x}", "step"),  # its proportionality: read, answered undecided with why
        (r"e^{-x^2/2} e^{x}", r"e^{x - x^2/2}", "step"),
    ]
    assert [r.verdict for r in derive.check_latex(text)] == [Verdict.UNDECIDED, PROVED]


# -- brackets that hide a comma ---------------------------------------------------------------------


def test_a_comma_inside_angle_brackets_or_floors_is_no_list() -> None:
    assert split_block(r"\langle x, y \rangle = x^T y") == [(r"\langle x, y \rangle", EQ, "x^T y")]
    assert split_block(r"\left\langle x, y \right\rangle = 1, a = b") == [
        (r"\left\langle x, y \right\rangle", EQ, "1"),
        ("a", EQ, "b"),
    ]
    assert split_block(r"\max(\lfloor a, b \rfloor) = 1") == [(r"\max(\lfloor a, b \rfloor)", EQ, "1")]
