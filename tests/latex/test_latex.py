"""Reading homework documents: blocks, chain splitting, assumptions, the seed and the example."""

from __future__ import annotations

from pathlib import Path

import pytest

from derive.engine import check_claim
from derive.errors import DeriveError, Location, UsageError
from derive.language.parsing import prepare
from derive.latex import definition_result, load_symbols_file, read_document, settle, split_block
from derive.model import LatexSource, Relation, Settings, Verdict
from derive.reporting import report
from derive.runner import budget_result

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "homework.md"
SEED = ROOT.parent / "shared" / "seeds" / "000_c9ed6ca5ac52d457.txt"

EQ, LE, LT, GE, APPROX = Relation.EQ, Relation.LE, Relation.LT, Relation.GE, Relation.APPROX


def steps(text: str, **kw) -> list[tuple[str, Relation, str]]:
    return [(s.lhs_tex, s.relation, s.rhs_tex) for s in read_document(text, **kw).steps]


# -- chains ------------------------------------------------------------------------------


def test_chain_gives_consecutive_steps():
    assert split_block(r"a = b \le c = d") == [("a", EQ, "b"), ("b", LE, "c"), ("c", EQ, "d")]


@pytest.mark.parametrize(
    ("tex", "relation"),
    [
        ("a < b", LT),
        ("a > b", Relation.GT),
        (r"a \leq b", LE),
        (r"a \geq b", GE),
        (r"a \ge b", GE),
        ("a <= b", LE),
        (r"a \approx b", APPROX),
        (r"a \stackrel{(a)}{=} b", EQ),
        (r"a \overset{\text{Jensen}}{\le} b", LE),
    ],
)
def test_relations(tex, relation):
    assert split_block(tex) == [("a", relation, "b")]


def test_aligned_rows_continue_the_chain():
    tex = r"""\begin{aligned} f(x) &= (x+1)^2 \\ &= x^2 + 2x + 1 \\
    &\ge 2x \end{aligned}"""
    assert split_block(tex) == [("f(x)", EQ, "(x+1)^2"), ("(x+1)^2", EQ, "x^2 + 2x + 1"), ("x^2 + 2x + 1", GE, "2x")]


def test_a_row_starting_with_an_operator_continues_the_expression():
    tex = r"\begin{split} a &= b \\ &+ c \\ &= d \end{split}"
    assert split_block(tex) == [("a", EQ, "b + c"), ("b + c", EQ, "d")]


def test_a_row_starting_with_an_expression_starts_a_new_chain():
    assert split_block(r"a &= b \\ c &= d") == [("a", EQ, "b"), ("c", EQ, "d")]


def test_block_beginning_with_a_relation_continues_the_previous_block():
    doc = read_document("$$a = b$$\n\ntext\n\n$$= c \\le d$$\n")
    assert [(s.block, s.index, s.lhs_tex, s.rhs_tex) for s in doc.steps] == [
        (1, 1, "a", "b"),
        (2, 1, "b", "c"),
        (2, 2, "c", "d"),
    ]


def test_block_beginning_with_plus_extends_the_previous_expression():
    doc = read_document("$$a = b$$\n$$+ c$$\n$$= d$$\n")
    assert [(s.block, s.lhs_tex, s.rhs_tex) for s in doc.steps] == [(1, "a", "b + c"), (3, "b + c", "d")]
    assert len(doc.blocks) == 3


@pytest.mark.parametrize(
    "arrow",
    [r"\to", r"\rightarrow", r"\Rightarrow", r"\implies", r"\Longrightarrow", r"\xrightarrow{x=0}",
     r"\xrightarrow[\text{below}]{\sigma = 1 \text{ because}}", r"\stackrel{p = q}{\longrightarrow}"],
)  # fmt: skip
def test_arrows_split_into_independent_statements(arrow):
    assert split_block(f"a = b {arrow} c = d") == [("a", EQ, "b"), ("c", EQ, "d")]


def test_lists_split_into_independent_statements():
    assert split_block(r"a = b, c = d; e \le f") == [("a", EQ, "b"), ("c", EQ, "d"), ("e", LE, "f")]
    assert split_block(r"f(x, y) = \gamma(x,y), \quad g = h") == [("f(x, y)", EQ, r"\gamma(x,y)"), ("g", EQ, "h")]


def test_text_and_quad_annotations_end_the_statement_and_what_follows_is_a_condition():
    # nothing after an annotation disappears: a relation there is read, as a condition
    assert split_block(r"a = b \text{ since } c = d") == [("a", EQ, "b"), ("c", EQ, "d")]
    assert split_block(r"a = b \quad \text{for all } x = 1") == [("a", EQ, "b"), ("x", EQ, "1")]
    assert split_block(r"a = b \quad subject \ to \ c < d \\ e = f") == [
        ("a", EQ, "b"),
        (r"subject \ to \ c", LT, "d"),
        ("e", EQ, "f"),
    ]
    assert split_block(r"a = b \quad \text{(by Jensen)}") == [("a", EQ, "b")]
    doc = read_document(r"$$a = b \quad \text{for } x > 0$$")
    assert [s.annotated for s in doc.steps] == [True, True]  # a = b holds under the condition
    doc = read_document(r"$$a = b \quad \text{(by Jensen)}$$")
    assert [s.annotated for s in doc.steps] == [False]
    # a leading annotation introduces the statement; "and", "so", "hence" lead to another claim
    assert split_block(r"\text{Thus } a^2 = b") == [("a^2", EQ, "b")]
    assert split_block(r"a = 2a, \text{ and } a \cdot a = 2a") == [("a", EQ, "2a"), (r"a \cdot a", EQ, "2a")]


def test_text_operator_names_are_kept():
    assert split_block(r"\text{tr}(A) = 1") == [(r"\text{tr}(A)", EQ, "1")]


def test_labels_before_the_first_relation_are_dropped():
    assert split_block("itr 1: (1,1) = 1,") == [("(1,1)", EQ, "1")]


def test_definitions_and_distributions_are_not_steps():
    assert split_block(r"f := x^2") == []
    assert split_block(r"x \sim \mathcal{N}(0, 1)") == []


def test_block_without_relation_has_no_step_but_is_counted():
    doc = read_document("$$x^2$$\n$$a = b$$")
    assert len(doc.blocks) == 2
    assert [(s.block, s.index) for s in doc.steps] == [(2, 1)]


def test_trailing_period_is_not_part_of_the_expression():
    assert split_block("a = b.") == [("a", EQ, "b")]


# -- finding the math --------------------------------------------------------------------


def test_display_environments():
    text = r"""
\[ a = b \]
\begin{equation} c = d \end{equation}
\begin{align*} e &= f \\ &= g \end{align*}
\begin{gather} h = i \end{gather}
\begin{eqnarray} j &=& k \end{eqnarray}
"""
    doc = read_document(text)
    assert [b.kind for b in doc.blocks] == ["\\[", "equation", "align*", "gather", "eqnarray"]
    assert [(s.lhs_tex, s.rhs_tex) for s in doc.steps] == [
        ("a", "b"), ("c", "d"), ("e", "f"), ("f", "g"), ("h", "i"), ("j", "k"),
    ]  # fmt: skip


def test_a_full_tex_document(tmp_path):
    path = tmp_path / "hw.tex"
    path.write_text(
        r"""\documentclass{article}
\usepackage{amsmath}
\newcommand{\R}{\mathbb{R}}
\begin{document}
Let $x \in \R$. % a comment $$ y = 2 $$
\begin{align}
\frac{d}{dx} x^2 &= 2x \label{eq:1} \\
\int_0^1 2x \, dx &= 1 \nonumber
\end{align}
\end{document}
"""
    )
    doc = read_document(path)
    assert [(s.line, s.lhs_tex, s.rhs_tex) for s in doc.steps] == [
        (7, r"\frac{d}{dx} x^2", "2x"),
        (8, r"\int_0^1 2x \, dx", "1"),
    ]
    assert doc.errors == ()  # \newcommand{\R} is read as a macro definition (never run)


def test_inline_math_only_when_asked():
    text = "Here $a = b$ and\n\n$$c = d$$\n"
    assert steps(text) == [("c", EQ, "d")]
    assert steps(text, inline=True) == [("a", EQ, "b"), ("c", EQ, "d")]


def test_code_fences_and_escaped_dollars_are_not_math():
    text = "```\n$$a = b$$\n```\nIt costs \\$5 and \\$6; type `$$e = f$$` for maths.\n$$c = d$$\n"
    assert steps(text) == [("c", EQ, "d")]


def test_inline_math_lines_after_a_display_block_belong_to_it():
    # the seed's PDF conversion split "$$z = B^T x, \hat{x} = Bz$$" over two lines
    doc = read_document("$$z = B^T x$$\n, $\\hat{x} = Bz$\n\n $y = 1,$\n $w = 2$\n\nprose $v = 3$\n")
    assert len(doc.blocks) == 1
    assert [(s.block, s.index, s.line, s.lhs_tex, s.rhs_tex) for s in doc.steps] == [
        (1, 1, 1, "z", "B^T x"),
        (1, 2, 2, r"\hat{x}", "Bz"),
        (1, 3, 4, "y", "1"),
        (1, 4, 5, "w", "2"),
    ]


def test_line_numbers_follow_the_rows():
    doc = read_document("text\n$$\\begin{aligned}\na &= b \\\\\n  &= c\n\\end{aligned}$$\n")
    assert [s.line for s in doc.steps] == [3, 4]
    assert doc.blocks[0].line == 2


# -- claims and assumptions ----------------------------------------------------------------


def test_steps_carry_latex_claims_with_locations():
    doc = read_document("$$a = b$$\n\n$$c \\le d = e$$", path="hw.md")
    step = doc.steps[2]
    claim = step.claim
    assert claim.id == "block 2, step 2"
    assert claim.lhs == LatexSource("d") and claim.rhs == LatexSource("e")
    assert claim.relation is EQ
    assert claim.where == Location("hw.md", 3)
    assert claim.statement == "d = e"
    assert step.error is None


def test_front_matter_symbols_and_random():
    text = (
        "---\ntitle: x\nderive:\n  symbols: {sigma: positive, A: matrix 3x3}\n"
        "  random: {eps: 'Normal(0, 1)'}\n---\n$$a = b$$"
    )
    doc = read_document(text)
    assert doc.errors == ()
    claim = doc.steps[0].claim
    assert claim.symbols == (("A", "matrix 3x3"), ("sigma", "positive"))
    assert claim.random == (("eps", "Normal(0, 1)"),)
    assert doc.steps[0].line == 7
    unquoted = read_document(text.replace("'Normal(0, 1)'", "Normal(0, 1)"))
    assert any("quote values" in e for e in unquoted.errors)


def test_front_matter_random_variables_count_for_a_bare_e_subscript():
    # E_x[...] over a random variable declared in front matter (not in the subscript)
    text = "---\nderive:\n  random: {x: 'Normal(0, 1)'}\n---\n$$\\mathbb{E}_x[x^2] = 1$$\n\n$$E_x[x^2] = 2$$\n"
    steps = read_document(text).steps
    got = [check_claim(s.claim, Settings(timeout=20)).verdict for s in steps]
    assert got == [Verdict.PROVED, Verdict.REFUTED]


def test_symbols_option_overrides_front_matter(tmp_path):
    text = "---\nderive:\n  symbols: {sigma: positive, n: integer}\n---\n$$a = b$$"
    doc = read_document(text, symbols={"sigma": "real", "k": "positive integer"})
    assert dict(doc.steps[0].claim.symbols) == {"sigma": "real", "n": "integer", "k": "positive integer"}
    path = tmp_path / "symbols.yaml"
    path.write_text("derive:\n  symbols: {x: vector 3}\n  random: {z: 'Normal(0, 1)'}\n")
    doc = read_document("$$a = b$$", symbols=path)
    assert doc.steps[0].claim.symbols == (("x", "vector 3"),)
    assert doc.steps[0].claim.random == (("z", "Normal(0, 1)"),)
    assert load_symbols_file(path) == ({"x": "vector 3"}, {"z": "Normal(0, 1)"})


def test_bad_symbols_file_is_a_usage_error(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("derive:\n  symbols: [x]\n")
    with pytest.raises(UsageError, match="symbols"):
        load_symbols_file(path)
    with pytest.raises(UsageError, match="cannot read"):
        load_symbols_file(tmp_path / "missing.yaml")


def test_expectation_subscripts_add_random_variables_to_the_claim():
    doc = read_document(r"$$\mathbb{E}_{\epsilon\sim\mathcal{N}(0,1)}[\epsilon^2] = 1$$")
    ((name, dist),) = doc.steps[0].claim.random
    assert name == "epsilon"
    assert str(dist) == "Normal(0, 1)"
    result = check_claim(doc.steps[0].claim, Settings(timeout=10))
    assert result.verdict is Verdict.PROVED


def test_symbol_names_reach_the_engine_with_their_kinds():
    # \sigma_{2} is sigma_2, declared positive: sqrt(sigma_2^2) = sigma_2 holds only because of that
    doc = read_document("$$\\sqrt{\\sigma_{2}^2} = \\sigma_2$$", symbols={"sigma_2": "positive"})
    assert check_claim(doc.steps[0].claim, Settings(timeout=10)).verdict is Verdict.PROVED
    doc = read_document("$$\\sqrt{\\sigma_{2}^2} = \\sigma_2$$")
    assert check_claim(doc.steps[0].claim, Settings(timeout=10)).verdict is Verdict.REFUTED


def test_reading_a_path(tmp_path):
    path = tmp_path / "hw.tex"
    path.write_text("% a comment with $$x = 1$$\n\\begin{equation} a = b \\end{equation}\n")
    doc = read_document(path)
    assert doc.file == str(path)
    assert [(s.lhs_tex, s.rhs_tex) for s in doc.steps] == [("a", "b")]
    assert doc.steps[0].claim.where == Location(str(path), 2)
    with pytest.raises(UsageError):
        read_document(Path(tmp_path / "missing.md"))


# -- the seed homework ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed():
    if not SEED.exists():
        pytest.skip("the seed homework is not beside the repository")
    return read_document(SEED)


def test_seed_is_read_end_to_end(seed):
    assert seed.errors == ()
    assert len(seed.blocks) == 58
    assert len(seed.steps) == 123
    assert all(s.error is None for s in seed.steps)
    # "\max ... \quad subject \ to \ D_KL(...) < \epsilon": read, as a condition after an annotation
    (constraint,) = [s for s in seed.steps if s.block == 21]
    assert constraint.annotated and constraint.relation is Relation.LT


def test_seed_blocks_without_a_step_say_why_and_are_marked_in_the_markdown_echo(seed):
    notes = {b.index: b.note for b in seed.blocks if b.note}
    assert notes == {
        12: "only an arrow; a label over an arrow is not checked",
        50: "it continues the expression of the block before it, checked in block 49 step 1 and block 51 step 1",
    }
    assert {s.block for s in seed.steps} | set(notes) == set(range(1, 59))
    assert 21 in {s.block for s in seed.steps}
    # the echo marks every block once, in order (verdicts are not what this test is about)
    results = [budget_result(s.claim, "timeout", "not checked here", 0.0) for s in seed.steps]
    text = report.render(results, "markdown", steps=list(seed.steps), document=seed.text)
    marks = [line for line in text.splitlines() if line.startswith("> derive, block ")]
    assert [int(line.split()[3].rstrip(":")) for line in marks] == list(range(1, 59))
    assert marks[49] == (
        "> derive, block 50: no step to check (it continues the expression of the block before it, checked in "
        "block 49 step 1 and block 51 step 1)"
    )


def test_seed_sigmoid_gradient_chain_is_split_into_its_steps(seed):
    chain = [(s.block, s.index, s.lhs_tex, s.rhs_tex) for s in seed.steps if s.block in (29, 30)]
    d = r"\frac{\partial}{\partial a}"
    assert chain == [
        (29, 1, d + r"\log(1-D(x))", d + r"\log(1-\sigma(a))"),
        (29, 2, d + r"\log(1-\sigma(a))", d + r"\log\left(1-\frac{1}{1+\exp(-a)}\right)"),
        (30, 1, d + r"\log\left(1-\frac{1}{1+\exp(-a)}\right)", d + r"\log\left(\frac{1}{1+\exp(a)}\right)"),
        (30, 2, d + r"\log\left(\frac{1}{1+\exp(a)}\right)", d + r"-\log(1+\exp(a))"),
        (30, 3, d + r"-\log(1+\exp(a))", r"-\frac{\exp(a)}{1+\exp(a)}"),
        (30, 4, r"-\frac{\exp(a)}{1+\exp(a)}", r"-\sigma(a)"),
    ]


def test_seed_oddities(seed):
    by_block: dict[int, list] = {}
    for s in seed.steps:
        by_block.setdefault(s.block, []).append((s.lhs_tex, s.rhs_tex))
    assert by_block[15] == [("z", "B^T x"), (r"\hat{x}", "Bz")]  # "$$z = B^T x$$" then ", $\hat{x} = Bz$"
    assert by_block[36][:2] == [("(1,1)", "1"), ("(1.2,0.8)", "0.96")]  # "itr 1: (1,1) = 1," lists
    assert len(by_block[36]) == 6
    assert by_block[25][0][0] == r"\min_{g} V(D^*, G)"  # \begin{aligned} & \min_g V = ... \\ & = ...
    assert by_block[25][1][0].startswith(r"\int \left[p_{data}(x) \log D^*(x)")
    assert 12 not in by_block  # \stackrel{q(x) = ...}{\longrightarrow}: an arrow, no step
    assert len(by_block[21]) == 1  # \max ... \quad subject to ... < ε: only the condition has a relation
    assert by_block[35][-2:] == [("0 * 0 - 1^2", "-1"), ("-1", "0")]
    # the uniform-distribution integrals and the Wasserstein-1 value
    assert by_block[53][-1] == (
        r"\frac{1}{2}\left(\int_{-2}^{-1}\log 2\,dx\right) + \frac{1}{2}\left(\int_{1}^{2}\log 2\,dx\right)",
        r"\log 2",
    )
    assert by_block[58][-1] == (r"\int_{1}^{2} \int_{-2}^{-1} -2x \, dx dy", "3")


def test_seed_decidable_steps(seed):
    chosen = {(s.block, s.index): s for s in seed.steps}
    settings = Settings(timeout=20)
    for key in [
        (1, 1),  # D_KL(p||q) = ∫ p log(p/q) dx: the definition
        (26, 1),  # D_JS = ½D_KL(p_data||m) + ½D_KL(p_g||m), continued over two blocks
        (52, 1),
        (47, 2),  # ∫ 0·log(0/1) + ∫ 0·log(0/0) + ∫ 1·log(1/0) = 0 + 0 + ∞
        (51, 2),
        (29, 2),
        (30, 1),
        (30, 2),
        (30, 3),
        (30, 4),
        (31, 2),
        (35, 1),
        (35, 2),
        (35, 3),
        (35, 4),
        (53, 2),
        (58, 2),
    ]:
        assert check_claim(chosen[key].claim, settings).verdict is Verdict.PROVED, key
    # D(x) depends on a only through the text's definition D = σ(a): not decidable from the step alone
    assert check_claim(chosen[(29, 1)].claim, settings).verdict is Verdict.UNDECIDED
    # the homework's wrong Dirac delta: δ(x - y) puts no mass on [-2, -1] x [1, 2]
    result = check_claim(chosen[(57, 2)].claim, settings)
    assert result.verdict is Verdict.REFUTED
    assert "-3" in result.detail


@pytest.fixture(scope="module")
def seed_with_symbols():
    if not SEED.exists():
        pytest.skip("the seed homework is not beside the repository")
    return read_document(SEED, symbols=ROOT / "examples" / "seed-symbols.yaml")


def test_seed_unreadable_steps_are_the_points_and_the_shape_mistakes(seed_with_symbols):
    # every step is parsed as the worker parses it; what cannot be read is the GDA table,
    # whose rows equate a point with a number ("(1.2, 0.8) = 0.96": no function is named),
    # and the homework's linear autoencoder with W_1 = B, W_2 = B^T for a 3x2 B (shapes)
    unreadable = {}
    for step in seed_with_symbols.steps:
        try:
            prepare(step.claim)
        except DeriveError as exc:
            unreadable[(step.block, step.index)] = str(exc)
    points = {(36, k) for k in range(1, 7)} | {(37, k) for k in range(1, 5)} | {(38, k) for k in range(1, 7)}
    # (18, 1) z = W_1 x and (18, 3) x-hat = W_2 W_1 x state z and x-hat again: checked against their
    # definitions (z := B^T x), they meet the same shape mistake
    shapes = {(18, 1), (18, 2), (18, 3), (18, 4), (18, 5), (18, 6)}
    assert set(unreadable) == points | shapes
    assert all("is not a value" in unreadable[key] for key in points)
    assert all("cannot multiply a" in unreadable[key] for key in shapes)


def test_seed_with_symbols_catches_the_trace_mistake(seed_with_symbols):
    chosen = {(s.block, s.index): s for s in seed_with_symbols.steps}
    settings = Settings(timeout=20)
    # tr{(x-μ1)^T Σ1^{-1} (x-μ1)} = tr{(x-μ1)^T (x-μ1) Σ1^{-1}}: the cyclic property misapplied
    wrong = chosen[(5, 2)]
    result = settle(wrong, check_claim(wrong.claim, settings))
    assert result.verdict is Verdict.REFUTED
    assert result.evidence.counterexample is not None
    for key in [(5, 1), (7, 4), (7, 5)]:  # a 1x1 matrix is its trace; ½tr{Σ1Σ1^{-1}} = ½tr{I_k} = k/2 at k = 2
        assert settle(chosen[key], check_claim(chosen[key].claim, settings)).verdict is Verdict.PROVED, key


def test_seed_with_symbols_reads_e_p_as_the_first_gaussian(seed_with_symbols):
    # densities: in the symbols file bind E_p to x ~ N(mu_1, Sigma_1) in blocks 1-9
    chosen = {(s.block, s.index): s for s in seed_with_symbols.steps}
    settings = Settings(timeout=20)

    def verdict(key):
        return settle(chosen[key], check_claim(chosen[key].claim, settings)).verdict

    # the same trace mistake under E_p, and E_p[(x-μ1)^T(x-μ1)] = Σ1 (it is tr Σ1, a scalar)
    assert verdict((6, 1)) is Verdict.REFUTED
    assert verdict((7, 3)) is Verdict.REFUTED
    # linearity, the expectation of a constant, the quadratic form under the other mean, and
    # the closing KL formula at k = 2 are right
    for key in [(4, 3), (4, 4), (7, 1), (7, 2), (8, 1), (9, 2)]:
        assert verdict(key) is Verdict.PROVED, key


# -- the public example ----------------------------------------------------------------------

EXAMPLE_STEPS = [
    (1, 1, 36, EQ, r"\frac{d}{da}\log(1-\sigma(a))", r"\frac{-\sigma(a)(1-\sigma(a))}{1-\sigma(a)}", "proved"),
    (1, 2, 36, EQ, r"\frac{-\sigma(a)(1-\sigma(a))}{1-\sigma(a)}", r"-\sigma(a)", "proved"),
    (2, 1, 40, EQ, r"\frac{d}{da}\left(-\log\sigma(a)\right)", r"\sigma(a) - 1", "proved"),
    (3, 1, 44, EQ, r"\frac{d}{da}\log\sigma(a)", r"\sigma(a)", "refuted"),
    (4, 1, 49, EQ, r"\sigma(a) + \sigma(-a)", r"\frac{1}{1+e^{-a}} + \frac{1}{1+e^{a}}", "proved"),
    (4, 2, 50, EQ, r"\frac{1}{1+e^{-a}} + \frac{1}{1+e^{a}}", "1", "proved"),
    (5, 1, 53, EQ, "1", r"2\sigma(0)", "proved"),
    (6, 1, 59, EQ,
     r"\det\begin{bmatrix} \frac{\partial^2 xy}{\partial x^2} & \frac{\partial^2 xy}{\partial x \partial y} \\ "
     r"\frac{\partial^2 xy}{\partial y \partial x} & \frac{\partial^2 xy}{\partial y^2} \end{bmatrix}",
     r"0 \cdot 0 - 1^2", "proved"),
    (6, 2, 59, EQ, r"0 \cdot 0 - 1^2", "-1", "proved"),
    (6, 3, 59, LT, "-1", "0", "proved"),
    (7, 1, 65, EQ, r"\mathrm{tr}(AB)", r"\mathrm{tr}(BA)", "proved"),
    (7, 2, 65, EQ, r"\operatorname{tr}(A^\top B)", r"\operatorname{tr}(B^\top A)", "proved"),
    (8, 1, 67, EQ, r"|2\Sigma|", r"4|\Sigma|", "proved"),
    (9, 1, 71, EQ, r"\mathrm{tr}(AB)", r"\mathrm{tr}(A)\,\mathrm{tr}(B)", "refuted"),
    (10, 1, 77, EQ, r"\mathbb{E}_{\epsilon\sim\mathcal{N}(0,1)}\left[(\mu + \sigma\epsilon)^2\right]",
     r"\mu^2 + \sigma^2", "proved"),
    (11, 1, 79, EQ, r"\mathbb{E}_{u\sim\mathcal{U}(0,1)}[u^2]", r"\frac{1}{3}", "proved"),
    (12, 1, 83, EQ, r"\mathbb{E}_{\epsilon\sim\mathcal{N}(0,1)}\left[e^{\epsilon}\right]", "1", "refuted"),
    (13, 1, 87, EQ, r"D_{KL}\left(\mathcal{N}(\mu_1,\sigma_1^2)\,\|\,\mathcal{N}(\mu_2,\sigma_2^2)\right)",
     r"\log\frac{\sigma_2}{\sigma_1} + \frac{\sigma_1^2 + (\mu_1-\mu_2)^2}{2\sigma_2^2} - \frac{1}{2}", "proved"),
    (14, 1, 91, EQ, r"D_{KL}\left(\mathcal{N}(\mu_1,\sigma_1^2)\,\|\,\mathcal{N}(\mu_2,\sigma_2^2)\right)",
     r"\log\frac{\sigma_2}{\sigma_1} + \frac{\sigma_1^2 + (\mu_1-\mu_2)^2}{2\sigma_2^2}", "refuted"),
    (15, 1, 95, EQ, r"\int_{0}^{1} x^2 \, dx", r"\frac{1}{3}", "proved"),
    (16, 1, 97, EQ, r"\int e^{-x^2/2}\,dx", r"\sqrt{2\pi}", "proved"),
    (16, 2, 97, EQ, r"\int \frac{1}{\sqrt{2\pi}} e^{-x^2/2}\,dx", "1", "proved"),
    (17, 1, 99, EQ, r"\sum_{i=1}^{n} i", r"\frac{n(n+1)}{2}", "proved"),
    (17, 2, 99, EQ, r"\lim_{n\to\infty}\left(1+\frac{1}{n}\right)^n", "e", "proved"),
    (18, 1, 103, EQ, r"\int_{0}^{1} x \, dx", "1", "refuted"),
    (19, 1, 110, EQ, r"\frac{d}{da}\log(1+e^{a})", r"\frac{e^{a}}{1+e^{a}}", "proved"),
    (19, 2, 111, EQ, r"\frac{e^{a}}{1+e^{a}}", r"\sigma(a)", "proved"),
    (19, 3, 112, EQ, r"\sigma(a)", r"\sigma(-a)", "refuted"),  # the wrong last row of an aligned chain
    (20, 1, 117, EQ, r"\tanh(a)", r"2\sigma(2a) - 1", "proved"),
    (21, 1, 119, EQ, r"2\sigma(2a) - 1", r"\sigma(a)", "refuted"),  # a block continuing the previous one
    (22, 1, 125, EQ, "2x + 1", "5", "undecided"),  # a premise: an equation to solve, not an identity
    (22, 2, 125, EQ, "x", "2", "proved"),  # its conclusion, at the premise's solution x = 2
    (23, 1, 129, EQ, "x^2", "4", "undecided"),
    # 2 is a solution, not the solutions (x = -2 also solves x^2 = 4): as "a solution" it holds, so it is
    # undecided, never refuted (a text may mean x > 0); see derive/latex/solving.py
    (23, 2, 129, EQ, "x", "2", "undecided"),
    (24, 1, 135, GE, r"\log\frac{u+v}{2}", r"\frac{\log u + \log v}{2}", "verified"),
    (25, 1, 139, LE, r"\sigma(a)", r"\frac{1}{2}", "refuted"),
    (26, 1, 143, APPROX, r"\sqrt{2}", "1.414", "proved"),  # |√2 - 1.414| <= 0.0005: the digits written
    (26, 2, 143, APPROX, r"\pi", r"\frac{22}{7}", "verified"),
    (27, 1, 147, APPROX, "e", "2.5", "refuted"),
    (28, 1, 151, EQ, r"(AB)^\top", r"B^\top A^\top", "proved"),
    (28, 2, 151, EQ, r"(2\Sigma)^{-1}", r"\frac{1}{2}\Sigma^{-1}", "proved"),
    (29, 1, 155, EQ, r"(AB)^\top", r"A^\top B^\top", "refuted"),
    (30, 1, 161, EQ, r"D_{KL}(p\|q)", r"\int p(x)\log\frac{p(x)}{q(x)}\,dx", "proved"),
    (30, 2, 161, EQ, r"D_{JS}(p\|q)", r"D_{JS}(q\|p)", "proved"),
    (31, 1, 165, EQ, r"D_{KL}\left(\mathcal{U}(0,1)\,\|\,\mathcal{U}(0,2)\right)", r"\log 2", "proved"),
    (31, 2, 165, EQ, r"\log 2", r"0 \cdot \log\frac{0}{1} + 1 \cdot \log\frac{1}{1/2}", "proved"),
    (32, 1, 169, EQ, r"D_{KL}(p\|q)", r"D_{KL}(q\|p)", "undecided"),  # unknown densities: no counterexample
]  # fmt: skip


@pytest.fixture(scope="module")
def example():
    return read_document(EXAMPLE)


def test_example_has_front_matter(example):
    symbols = dict(example.steps[0].claim.symbols)
    assert symbols["sigma"] == "positive"
    assert symbols["Sigma"] == "spd matrix 2x2"
    assert example.errors == ()


def test_example_step_split(example):
    assert len(example.blocks) == 32
    got = [(s.block, s.index, s.line, s.relation, s.lhs_tex, s.rhs_tex) for s in example.steps]
    assert got == [e[:6] for e in EXAMPLE_STEPS]


def test_example_verdicts(example):
    # read as `derive latex` reads it: definitions answered without a check, premises settled
    settings = Settings(timeout=30)
    got = [
        (s.block, s.index, (definition_result(s) or settle(s, check_claim(s.claim, settings))).verdict.value)
        for s in example.steps
    ]
    assert got == [(e[0], e[1], e[6]) for e in EXAMPLE_STEPS]
