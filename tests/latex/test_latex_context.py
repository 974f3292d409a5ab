"""Steps read in their document: definitions, premises and conclusions, scopes and values."""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy

from derive.engine import check_claim
from derive.errors import UsageError
from derive.language.parsing import prepare
from derive.language.symbols import SymbolTable
from derive.latex import definition_result, read_document, read_symbols_file, settle
from derive.latex.names import definition_target, mentions
from derive.latex.parser import parse_latex
from derive.model import Method, Relation, Settings, Verdict

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "seeds" / "000_c9ed6ca5ac52d457.txt"
SETTINGS = Settings(timeout=20)


def verdicts(text: str, **kw):
    doc = read_document(text, **kw)
    out = []
    for step in doc.steps:
        result = definition_result(step) or settle(step, check_claim(step.claim, SETTINGS))
        out.append((step, result))
    return out


# -- definitions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tex", "target"),
    [
        ("z", ("z", True)),
        (r"\hat{x}", ("x_hat", True)),
        ("W_1", ("W_1", True)),
        ("D^*", ("D_star", True)),
        ("f(x)", ("f", False)),
        (r"\mathcal{L}_{MLE}(\theta)", ("L_MLE", False)),
        (r"\gamma(x,y)", ("gamma", False)),
        (r"D_{KL}(p||q)", None),
        (r"\sigma(a)", None),
        (r"E_p[x]", None),
        ("I_k", None),
        ("2x", None),
        (r"\frac{\partial f}{\partial x}", None),
    ],
)
def test_definition_targets(tex, target):
    assert definition_target(tex) == target


def test_mentions_reads_names_like_the_parser():
    assert mentions("W_2 W_1 x", "W_1")
    assert not mentions("W_2 W_1 x", "x_hat")
    assert mentions(r"B\hat{x}", "x_hat")
    assert not mentions(r"\frac{p_{data}(x)}{p_{data}(x) + p_g(x)}", "D_star")
    assert not mentions(r"\nabla_{\theta} \mathcal{L}_{MLE-GAN}(\theta)", "L_MLE")


def test_definitions_are_undecided_not_refuted():
    results = verdicts("$$z = B^T x$$\n\n$$\\hat{x} = Bz, \\quad D^* = \\frac{p}{p+q}$$\n\n$$f(x) = x^2 + 1$$\n")
    assert [s.kind for s, _ in results] == ["definition"] * 4
    assert [s.defines for s, _ in results] == ["z", "x_hat", "D_star", "f"]
    for _, r in results:
        assert r.verdict is Verdict.UNDECIDED and r.method is Method.NONE
    assert results[0][1].detail == "defines z (a definition, not a claim to check)"


def test_only_the_first_equation_of_a_statement_defines():
    results = verdicts("$$W_1 = B$$\n\n$$z = W_1 x = Bx$$\n")
    kinds = [(s.kind, r.verdict) for s, r in results]
    assert kinds[:2] == [("definition", Verdict.UNDECIDED), ("definition", Verdict.UNDECIDED)]
    step, result = results[2]
    # W_1 x = Bx holds because W_1 := B: the claim says so, and so does the evidence
    assert step.kind == "step" and result.verdict is Verdict.PROVED
    assert "W_1 := B" in step.claim.lhs.text and "W_1 := B" in result.detail


def test_a_name_used_on_its_right_side_is_not_a_definition():
    ((step, result),) = verdicts("$$x = x^2$$")
    assert step.kind == "step" and result.verdict is Verdict.REFUTED


def test_a_plainly_wrong_step_stays_refuted():
    ((step, result),) = verdicts(r"$$\frac{d}{da}\log\sigma(a) = 1$$")
    assert step.kind == "step" and not step.condition
    assert result.verdict is Verdict.REFUTED


def test_matrix_definitions_keep_their_shape():
    front = "---\nderive:\n  symbols: {B: matrix 2x2, x: vector 2}\n---\n"
    text = front + "$$W_1 = B, W_2 = B^T$$\n\n$$W_2 W_1 x = B^T B x$$\n"
    results = verdicts(text)
    assert results[-1][1].verdict is Verdict.PROVED


def test_names_defined_twice_are_not_substituted_nor_free():
    results = verdicts("$$z = a$$\n\n$$z = b$$\n\n$$z + 1 = a + 1$$\n")
    step, result = results[-1]
    assert "z := " not in step.claim.lhs.text and step.defined == ("z",)
    assert result.verdict is Verdict.UNDECIDED
    assert "defines z earlier" in result.detail


def test_a_definition_made_once_is_substituted_into_later_steps():
    results = verdicts("$$c = a + 1$$\n\n$$c^2 = a^2 + 2a + 1$$\n\n$$c - 1 = a$$\n")
    assert [r.verdict for _, r in results] == [Verdict.UNDECIDED, Verdict.PROVED, Verdict.PROVED]
    # a second statement of c in its section is a claim against the first (refuted, only undecided: it may
    # define c anew); c is substituted up to it, not after it
    results = verdicts("$$c = a + 1$$\n\n$$c^2 = a^2 + 2a + 1$$\n\n$$c = a$$\n\n$$c^2 = a^2$$\n")
    assert results[2][0].kind == "step"
    assert "c := a + 1" in results[1][0].claim.lhs.text
    assert [r.verdict for _, r in results[1:]] == [Verdict.PROVED, Verdict.UNDECIDED, Verdict.UNDECIDED]
    assert "disagrees with the definition of c, defined at line 1" in results[2][1].detail
    assert "c := " not in results[3][0].claim.lhs.text
    # with := (or after "let"), the second is a new definition: c is then substituted nowhere
    results = verdicts("$$c = a + 1$$\n\n$$c^2 = a^2 + 2a + 1$$\n\nLet\n\n$$c = a$$\n")
    assert results[2][0].kind == "definition"
    assert "c := " not in results[1][0].claim.lhs.text
    assert results[1][1].verdict is Verdict.UNDECIDED


# -- premises and conclusions ----------------------------------------------------------------


def test_arrows_link_a_conclusion_to_its_premise():
    doc = read_document(r"$$a = b \to c = d, \quad e = f \Leftarrow g = h$$")
    assert [s.premise for s in doc.steps] == [None, 0, None, None]
    assert [s.condition for s in doc.steps] == [True, False, False, False]
    doc = read_document("$$a = b$$\n\n$$\\to c = d$$\n")
    assert doc.steps[1].premise == 0


def test_gradient_condition_then_conclusion():
    # x and y are declared: independent coordinates, so dxy/dx = y
    text = r"$$\frac{\partial xy}{\partial x} = 0 \to y = 0$$"
    (_premise, pr), (conclusion, cr) = verdicts(text, symbols={"x": "real", "y": "real"})
    assert pr.verdict is Verdict.UNDECIDED
    assert "a condition (equation to solve), not an identity" in pr.detail
    assert conclusion.premise_solution == "y = 0"
    assert cr.verdict is Verdict.PROVED
    assert "given" in conclusion.claim.statement


def test_a_conclusion_through_a_derivative_of_an_undeclared_name_is_undecided():
    # y undeclared may depend on x (dxy/dx = y + x y'): y = 0 rests on treating it as constant
    (_premise, _pr), (conclusion, cr) = verdicts(r"$$\frac{\partial xy}{\partial x} = 0 \to y = 0$$")
    assert conclusion.premise_solution == "y = 0"
    assert cr.verdict is Verdict.UNDECIDED
    assert "treats y as constant in x" in cr.detail
    assert "constants: [y]" in cr.detail
    (_premise, _pr), (_conclusion, cr) = verdicts(
        "---\nderive:\n  constants: [y]\n---\n$$\\frac{\\partial xy}{\\partial x} = 0 \\to y = 0$$\n"
    )
    assert cr.verdict is Verdict.PROVED


def test_a_conclusion_that_misses_a_solution_is_not_refuted():
    (_, pr), (conclusion, cr) = verdicts(r"$$x^2 = 4 \to x = 2$$")
    assert conclusion.premise_solution == "x in {-2, 2}"
    # x = -2 solves the premise and not the conclusion: 2 is a solution, not the solutions, and the text may
    # mean either (x > 0 in words): undecided, never refuted (derive/latex/solving.py)
    assert cr.verdict is Verdict.UNDECIDED
    assert "names one of the solutions" in cr.detail
    assert pr.verdict is Verdict.UNDECIDED


def test_the_declared_kind_restricts_the_premise_solutions():
    results = verdicts(r"$$x^2 = 4 \to x = 2$$", symbols={"x": "positive"})
    assert results[1][0].premise_solution == "x = 2"
    assert results[1][1].verdict is Verdict.PROVED


def test_an_unsolvable_premise_leaves_a_failing_conclusion_undecided():
    (_, _), (conclusion, cr) = verdicts(r"$$xy = 0 \to x = 0$$")
    assert conclusion.premise_solution is None
    assert cr.verdict is Verdict.UNDECIDED
    assert "may hold under the premise" in cr.detail


def test_a_closed_premise_does_not_excuse_a_wrong_conclusion():
    results = verdicts(r"$$\int_0^1 x\,dx = \frac{1}{2} \implies \int_0^1 2x\,dx = 2$$")
    assert results[1][0].premise_solution == ""
    assert [r.verdict for _, r in results] == [Verdict.PROVED, Verdict.REFUTED]


def test_conclusion_holding_on_its_own_is_proved_without_solving():
    results = verdicts(r"$$x + y = 1 \Rightarrow (x+y)^2 = x^2 + 2xy + y^2$$")
    assert results[1][0].premise_solution is None
    assert results[1][1].verdict is Verdict.PROVED


# -- evaluation bars ----------------------------------------------------------------------------


def test_evaluation_bar_substitutes_after_reading():
    t = SymbolTable()
    assert parse_latex(r"\left. \frac{d}{dx} x^3 \right|_{x=2}", t) == 12
    assert list(parse_latex(r"\left. x^2 \right|_{x \in \{-2, 3\}}", t)) == [4, 9]
    ((_, r),) = verdicts(r"$$\left. \frac{d}{dx} x^3 \right|_{x=2} = 12$$")
    assert r.verdict is Verdict.PROVED


# -- scopes and values ------------------------------------------------------------------------------


SCOPED = """---
derive:
  symbols: {x: positive}
  scopes:
    - blocks: "2-3"
      symbols: {x: vector 2, S: spd matrix 2x2}
      values: {k: 2}
    - blocks: "5-"
      symbols: {x: negative}
---
$$x = x$$

$$x^T S x = \\mathrm{tr}(S x x^T)$$

$$\\frac{1}{2}\\mathrm{tr}(I_k) = 1$$

$$|x| = x$$

$$|x| = -x$$
"""


def test_scopes_declare_symbols_for_their_blocks():
    doc = read_document(SCOPED)
    kinds = [dict(s.claim.symbols).get("x") for s in doc.steps]
    assert kinds == ["positive", "vector 2", "vector 2", "positive", "negative"]
    results = verdicts(SCOPED)
    assert [r.verdict for _, r in results[1:]] == [Verdict.PROVED] * 4
    assert "k = 2" in results[2][1].detail


def test_values_fix_a_symbol_everywhere_it_is_used():
    text = "---\nderive:\n  values: {k: 3}\n---\n$$\\frac{k}{3} = 1$$\n"
    assert verdicts(text)[0][1].verdict is Verdict.PROVED


def test_bad_scopes_are_reported(tmp_path):
    doc = read_document("---\nderive:\n  scopes: [{blocks: 'one'}]\n  values: {k: abc}\n---\n$$a = a$$\n")
    assert any("block range" in e for e in doc.errors)
    assert any("values entry 'k'" in e for e in doc.errors)
    bad = tmp_path / "s.yaml"
    bad.write_text("derive:\n  scopes:\n    - blocks: '1-2'\n      symbols: {x: wobbly}\n")
    with pytest.raises(UsageError, match="wobbly"):
        read_symbols_file(bad)


def test_seed_symbols_file_loads_and_scopes_the_seed():
    mapping = read_symbols_file(ROOT / "examples" / "seed-symbols.yaml")
    assert mapping["scopes"][0]["blocks"] == "1-9"
    assert mapping["scopes"][0]["values"] == {"k": "2"}
    if not SEED.is_file():
        pytest.skip("the seed homework is not next to the repository")
    doc = read_document(SEED, symbols={"derive": mapping})
    by_block = {s.block: dict(s.claim.symbols) for s in doc.steps}
    assert by_block[5]["x"] == "vector 2" and by_block[5]["Sigma_1"] == "spd matrix 2x2"
    assert by_block[33]["x"] == "real"  # the saddle-point problem's x is a real scalar, declared as f's argument
    assert by_block[18]["B"] == "matrix 3x2"


def test_tuple_message_says_what_is_missing():
    ((step, r),) = verdicts("$$itr 1: (1,1) = 1$$")
    assert r.verdict is Verdict.ERROR
    assert "a point (1,1) is not a value; derive cannot tell which function is evaluated there" in r.detail
    assert step.relation is Relation.EQ


# -- shapes the document does not declare ----------------------------------------------------------


def test_a_transpose_of_undeclared_names_is_not_decided_by_the_scalar_reading():
    # read with scalars, the seed's trace step holds; for vectors it is wrong: neither is said
    tex = r"$$tr\{(x - \mu)^T A (x - \mu)\} = tr\{(x - \mu)^T (x - \mu) A\}$$"
    ((_, result),) = verdicts(tex)
    assert result.verdict is Verdict.UNDECIDED
    assert "mu, x is transposed but not declared as a vector or matrix" in result.detail
    assert "where the step is proved" in result.detail
    # declared as vectors and a matrix, the same step is checked as written, and refuted
    shapes = {"x": "vector 2", "mu": "vector 2", "A": "spd matrix 2x2"}
    ((_, result),) = verdicts(tex, symbols=shapes)
    assert result.verdict is Verdict.REFUTED
    assert result.evidence.counterexample is not None


def test_a_transpose_under_a_definition_counts_and_a_defined_name_keeps_its_shape():
    # W := B^T with B undeclared: the associativity below is only a scalar fact here
    text = "$$W = B^T$$\n\n$$W W x = W (W x)$$\n"
    results = verdicts(text)
    assert results[1][1].verdict is Verdict.UNDECIDED
    assert "B is transposed" in results[1][1].detail
    # with B declared, W^T transposes a defined name, which keeps the definition's shape
    text = "$$W = B^T$$\n\n$$(W x)^T = x^T W^T$$\n"
    results = verdicts(text, symbols={"B": "matrix 2x2", "x": "vector 2"})
    assert results[1][1].verdict is Verdict.PROVED


def test_a_transposed_matrix_written_out_is_read_as_written():
    ((_, result),) = verdicts(r"$$\begin{bmatrix} 1 & 2 \end{bmatrix}^T = \begin{bmatrix} 1 \\ 2 \end{bmatrix}$$")
    assert result.verdict is Verdict.PROVED


def test_a_counterexample_that_sizes_an_undeclared_identity_is_not_trusted():
    # tr(Σ Σ^{-1}) = tr(I_k): with Σ read as a scalar the sides are 1 and k; that says
    # nothing about a k x k Σ, so the step is left undecided rather than refuted
    ((_, result),) = verdicts(r"$$\frac{1}{2}tr\{\Sigma\Sigma^{-1}\} = \frac{1}{2}tr\{I_k\}$$")
    assert result.verdict is Verdict.UNDECIDED
    assert "the size of an identity matrix I_k" in result.detail
    # with Σ declared and k fixed, the step is checked
    results = verdicts(
        r"$$\frac{1}{2}tr\{\Sigma\Sigma^{-1}\} = \frac{1}{2}tr\{I_k\}$$",
        symbols={"derive": {"symbols": {"Sigma": "spd matrix 2x2"}, "values": {"k": 2}}},
    )
    assert results[0][1].verdict is Verdict.PROVED


def test_a_premise_with_an_inequality_is_named_with_its_relation():
    doc = read_document(r"$$a - 1 < 0 \xrightarrow{a = 0} a - 1 = -1$$")
    assert "given a - 1 < 0 (line 1)" in doc.steps[1].claim.statement


def test_unknown_functions_are_checked_when_possible_else_undecided_with_the_reason():
    text = "$$p(x) + q(x) = q(x) + p(x)$$\n\n$$\\frac{d}{da}\\log(1-D(x)) = -\\sigma(a)$$\n"
    (_, commuted), (_, gradient) = verdicts(text)
    assert commuted.verdict is Verdict.PROVED
    assert gradient.verdict is Verdict.UNDECIDED  # D = σ(a) is the question's definition, not the step's
    assert "unknown function D(x, a)" in gradient.detail


# -- densities: E_p over a density the document defines --------------------------------------------

DENSITIES = """---
derive:
  symbols: {x: vector 2, mu: vector 2, S: spd matrix 2x2, m: vector 2, T: spd matrix 2x2}
  densities:
    p: "x ~ MultivariateNormal(mu, S)"
    q: "x ~ MultivariateNormal(m, T)"
---
$$E_p[(x-\\mu)^T S^{-1} (x-\\mu)] = 2$$

$$E_p[(x-\\mu)^T (x-\\mu)] = \\mathrm{tr}(S)$$

$$E_p[(x-\\mu)^T (x-\\mu)] = S$$

$$\\mathbb{E}_{x \\sim q}[x] = m$$

$$E_p[x] = E_q[x]$$

$$E_p[\\log p - \\log q] = E_p[\\log q]$$

$$E_r[x] = \\mu$$
"""


def test_densities_bind_expectations_to_their_gaussian():
    results = verdicts(DENSITIES)
    got = [r.verdict for _, r in results]
    # E[(x-μ)^T(x-μ)] is the scalar tr(S), not the matrix S (the seed's mistake in block 7)
    assert got[:4] == [Verdict.PROVED, Verdict.PROVED, Verdict.REFUTED, Verdict.PROVED]
    assert "shapes differ" in results[2][1].detail
    # E_p and E_q over the same x in one step: neither is bound, so nothing is misread
    assert got[4] is Verdict.UNDECIDED
    assert "E_p" in results[4][1].detail
    # inside E_p, bare densities are their values at the sample: p(x), q(x), unknown functions
    assert got[5] is Verdict.UNDECIDED
    steps = read_document(DENSITIES).steps
    lhs = prepare(steps[5].claim).lhs
    calls = {str(c) for c in lhs.atoms(sympy.core.function.AppliedUndef)}
    assert calls == {"p(x[1], x[2])", "q(x[1], x[2])"}
    # an unbound name stays an opaque expectation
    assert got[6] is Verdict.UNDECIDED
    assert dict(steps[0].claim.random) == {"x": "MultivariateNormal(mu, S)"}
    assert steps[0].claim.lhs.bound == ("p",)
    assert dict(steps[3].claim.random) == {"x": "MultivariateNormal(m, T)"}
    assert steps[4].claim.random == () and steps[4].claim.lhs.bound == ()


def test_densities_must_name_a_variable_and_a_distribution():
    doc = read_document("---\nderive:\n  densities: {p: 'MultivariateNormal(mu, S)'}\n---\n$$a = a$$\n")
    assert any("densities entry 'p'" in e and "x ~ Distribution" in e for e in doc.errors)
    doc = read_document("---\nderive:\n  scopes: [{blocks: '1', densities: {p: 'x ~ Normal(0, 1)'}}]\n---\n$$a=a$$\n")
    assert doc.errors == ()


# -- reading pitfalls found by an adversarial sweep ------------------------------------------------


def _by_step(text: str) -> dict[tuple[int, int], Verdict]:
    return {(s.block, s.index): r.verdict for s, r in verdicts(text)}


def test_empty_and_annotation_rows_inside_an_alignment_keep_the_chain():
    text = (
        "$$\\begin{aligned}\na + a &= 2a \\\\\n\\\\\n&= 3a\n\\end{aligned}$$\n\n"
        "$$\\begin{aligned}\nb + b &= 2b \\\\\n&\\text{so} \\\\\n&= 3b\n\\end{aligned}$$\n"
    )
    got = _by_step(text)  # used to stop the whole run with an internal AssertionError
    assert got == {(1, 1): Verdict.PROVED, (1, 2): Verdict.REFUTED, (2, 1): Verdict.PROVED, (2, 2): Verdict.REFUTED}


def test_continuation_rows_may_start_with_spacing():
    text = (
        "$$\\begin{aligned}\n(x+1)^2 &= x^2 \\\\\n&\\qquad + 2x + 1\n\\end{aligned}$$\n\n"
        "$$\\begin{aligned}\n(x+1)^2 &= x^2 + 2x \\\\\n&\\phantom{=} + 1\n\\end{aligned}$$\n"
    )
    assert set(_by_step(text).values()) == {Verdict.PROVED}


def test_function_notations_are_not_products():
    got = _by_step(
        "$$\\sigma'(0) = 0$$\n\n$$\\sigma'(0) = \\frac{1}{4}$$\n\n$$\\sigma'(a) = \\sigma(a)(1-\\sigma(a))$$\n\n"
        "$$\\Phi(0) = 0$$\n\n$$\\Gamma(5) = 24$$\n\n$$\\Gamma(x+1) = x\\Gamma(x)$$\n\n$$h'(x) = 2 h'(x)$$\n"
    )
    assert got[(1, 1)] is Verdict.REFUTED  # σ'(0) is 1/4: read as sigma_prime * 0 it was "proved"
    assert got[(2, 1)] is got[(3, 1)] is Verdict.PROVED
    assert got[(4, 1)] is Verdict.UNDECIDED  # Φ is a function derive does not know, not Φ times 0
    assert got[(5, 1)] is got[(6, 1)] is Verdict.PROVED  # Γ is the gamma function
    assert got[(7, 1)] is Verdict.UNDECIDED  # h' is an unknown function, not h_prime * x


def test_expectations_over_nothing_declared_random_are_not_constants():
    steps = "$$\\mathbb{E}[X^2] = \\mathbb{E}[X]^2$$\n\n$$E(XY) = X E(Y)$$\n\n$$E(X - E(X)) = 0$$\n"
    assert set(_by_step(steps).values()) == {Verdict.UNDECIDED}
    declared = "---\nderive:\n  random: {X: 'Exponential(1)'}\n---\n" + steps
    got = _by_step(declared)
    assert got[(1, 1)] is Verdict.REFUTED and got[(3, 1)] is Verdict.PROVED


def test_a_conclusion_from_an_unread_premise_is_not_a_definition():
    text = "$$\\begin{cases} x + y = 2 \\\\ x - y = 0 \\end{cases} \\implies x = 1$$\n\n$$x^3 = x$$\n"
    doc = read_document(text)
    assert [s.kind for s in doc.steps] == ["step", "step"]
    got = _by_step(text)
    assert got[(1, 1)] is Verdict.UNDECIDED  # may hold under the cases, which derive cannot read
    # x is not 1 everywhere (x := 1 is not substituted), but the text concluded x = 1 just before
    # and x^3 = x holds there: not refuted without that fact (issue 20 #2), nor proved with it.
    assert got[(2, 1)] is Verdict.UNDECIDED


def test_no_wrong_step_vanishes_from_the_report():
    text = (
        "$$3 \\times 4 = 12 \\qquad 5 \\times 5 = 24$$\n\n"
        "$$\\text{Thus } a^2 - b^2 = (a+b)^2$$\n\n"
        "$$a + a = 2a, \\text{ and } a\\cdot a = 2a$$\n\n"
        "$$\\begin{aligned}\na^2 - b^2 &= (a-b)(a+b) \\\\\n\\text{hence } &= (a+b)^2\n\\end{aligned}$$\n\n"
        "$$a \\underbrace{=}_{\\text{x}} 2a$$\n\n"
        "$$\\begin{array}{l} a + a = 3a \\end{array}$$\n\n"
        "$$g(x) = 0 \\quad \\text{for } x < 0$$\n"
    )
    got = _by_step(text)
    for key in [(1, 2), (2, 1), (3, 2), (4, 2)]:
        assert got[key] is Verdict.REFUTED, key
    assert got[(5, 1)] is got[(6, 1)] is Verdict.ERROR  # relations inside \underbrace and array: said, not lost
    # after "\text{for}" a relation is a condition: shown, not refuted at a point
    assert got[(7, 2)] is Verdict.UNDECIDED


def test_undeclared_identity_and_gradient_are_not_refuted_for_their_shape():
    head = "---\nderive:\n  symbols: {A: matrix 2x2, S: spd matrix 2x2, x: vector 2}\n---\n"
    got = _by_step(head + "$$S S^{-1} = I$$\n\n$$AI = A$$\n\n$$\\nabla_x (x^T A x) = (A + A^T)x$$\n\n$$A - A = 2A$$\n")
    assert [got[(b, 1)] for b in (1, 2)] == [Verdict.UNDECIDED] * 2  # I of an undeclared size
    # \nabla_x of a scalar in a declared vector is the gradient now, and the identity holds
    assert got[(3, 1)] is Verdict.PROVED
    assert got[(4, 1)] is Verdict.REFUTED  # a wrong step about declared matrices is still refuted
    assert _by_step(head + "$$S S^{-1} = I_2$$\n")[(1, 1)] is Verdict.PROVED


def test_reserved_names_that_a_step_defines_are_not_refuted_as_constants():
    got = _by_step("$$e = y - wx$$\n\n$$\\delta = \\hat{y} - y$$\n\n$$E = \\frac{1}{2}(y - t)^2$$\n\n$$e = 3$$\n")
    assert [got[(b, 1)] for b in (1, 2, 3)] == [Verdict.UNDECIDED] * 3
    # after e = y - wx gave e a value of its own, e = 3 may state that error's value: not refuted as Euler's number
    assert got[(4, 1)] is Verdict.UNDECIDED
    (alone,) = verdicts("$$e = 3$$\n")
    assert alone[1].verdict is Verdict.REFUTED  # Euler's number is not 3: no free name, a claim about e


def test_indexed_terms_inherit_the_declared_sign_and_stay_inside_their_sum():
    head = "---\nderive:\n  symbols: {x: positive, n: positive integer, p: probability}\n---\n"
    got = _by_step(head + "$$\\log \\prod_{i=1}^n x_i = \\sum_{i=1}^n \\log x_i$$\n")
    assert got[(1, 1)] in (Verdict.PROVED, Verdict.VERIFIED)  # was refuted at x[i] = -6/5
    # the summand's second term uses the sum's index, so it belongs to the summand (the one sensible
    # reading: outside the sum x_i would have no index). Moved from an error ("outside the sum") when
    # the reader learned that reading; the step is true, so it is read now and never refuted (undecided
    # here only because p^{x_i}(...) may be an iterate of a function p)
    steps = verdicts(
        head + "$$\\log\\prod_{i=1}^n p^{x_i}(1-p)^{1-x_i} = \\sum_{i=1}^n x_i \\log p + (1 - x_i)\\log(1-p)$$\n"
    )
    ((_, result),) = steps
    assert result.verdict in (Verdict.UNDECIDED, Verdict.VERIFIED, Verdict.PROVED), result.detail


def test_lambda_can_be_declared_and_drawn_in_latex():
    head = "---\nderive:\n  symbols: {lambda: positive}\n---\n"
    got = _by_step(head + "$$1 + 1 = 2$$\n\n$$\\sqrt{\\lambda^2} = \\lambda$$\n")
    assert set(got.values()) == {Verdict.PROVED}  # a keyword is a fine name where no Python is parsed
    got = _by_step("$$\\mathbb{E}_{x\\sim\\mathrm{Exp}(\\lambda)}[x] = \\frac{1}{\\lambda}$$\n")
    assert got[(1, 1)] is Verdict.PROVED


def test_conditions_and_premises_are_not_definitions_and_not_refuted():
    got = _by_step(
        "$$\\begin{alignedat}{3}\ng^2 &= 3 g \\cdot g\n\\end{alignedat}$$\n\n"  # {3} is a column count
        "$$\\begin{alignat*}{2}\ng + g &= 2g\n\\end{alignat*}$$\n\n"
        "$$x = 3 \\implies x^2 = 9$$\n\n$$x^2 = 3x$$\n\n"  # the premise x = 3 does not leak
        "$$h + h = 2h \\quad \\text{where } f = 0$$\n\n$$f \\cdot 7 = 0$$\n\n"  # nor does a where-condition
        "$$2a = 4 \\iff a^2 = 4$$\n\n"  # an equivalence: both sides conditions
        "$$d > 0 \\implies d^2 > 0$$\n\n"  # an inequality premise is an assumption
        "$$\\text{Suppose } k > 3. \\text{ Then } k^2 > 9$$\n\n"
        "$$2v - 4 = 0, \\text{ so } v = 3$$\n"
    )
    assert got[(1, 1)] is Verdict.REFUTED and got[(2, 1)] is Verdict.PROVED
    assert got[(3, 2)] is Verdict.PROVED and got[(4, 1)] is Verdict.REFUTED
    # "where f = 0" is not a definition, but neither is f free after it: f * 7 = 0 holds in the
    # case the text states, so it is not refuted at f != 0 (it was, before conditions were tracked)
    assert got[(6, 1)] is Verdict.UNDECIDED
    assert got[(7, 1)] is got[(7, 2)] is Verdict.UNDECIDED
    assert got[(8, 1)] is got[(8, 2)] is Verdict.UNDECIDED
    assert got[(9, 1)] is got[(9, 2)] is Verdict.UNDECIDED
    assert got[(10, 1)] is Verdict.UNDECIDED and got[(10, 2)] is Verdict.REFUTED  # 2v - 4 = 0 gives v = 2, not 3


def test_relations_derive_does_not_check_are_error_rows_not_silence():
    got = _by_step(
        "$$2 + 2 \\geqq 5$$\n\n$$x^2 + 1 = 1 + x^2 \\ne 1 + x^2$$\n\n$$p(x) \\propto e^{-x} = 2 + 2 = 5$$\n\n"
        "$$x \\in \\mathbb{R}$$\n"
    )
    assert got[(1, 1)] is Verdict.ERROR
    assert got[(2, 1)] is Verdict.PROVED and got[(2, 2)] is Verdict.ERROR  # the ≠ is said, after the checked step
    # a \propto derive cannot check in its variable is a row of its own, undecided with why (not silence)
    assert got[(3, 1)] is Verdict.UNDECIDED and got[(3, 3)] is Verdict.REFUTED
    assert (4, 1) not in got  # membership is not a claim


def test_a_statement_qualified_by_a_condition_is_not_refuted_at_a_point():
    got = _by_step(
        "$$\\begin{aligned}\n|d| &= d && \\text{if } d \\ge 0 \\\\\n"
        "|d| &= -d && \\text{if } d < 0\n\\end{aligned}$$\n\n"
        "$$r = r^2 \\quad \\text{for } r \\in \\{0, 1\\}$$\n\n"
        "$$\\log(ab) = \\log a + \\log b \\quad \\text{for } a > 0$$\n\n"
        "$$u + u = 3u \\quad \\text{(by algebra)}$$\n"
    )
    # each case is read under its own condition (d >= 0: nonnegative, d < 0: negative) and holds there;
    # the conditions themselves are not claims (both were undecided before conditions gave kinds)
    assert [got[(1, k)] for k in (1, 2, 3, 4)] == [Verdict.PROVED, Verdict.UNDECIDED, Verdict.PROVED, Verdict.UNDECIDED]
    assert got[(2, 1)] is Verdict.UNDECIDED
    assert got[(3, 1)] is Verdict.PROVED  # log(ab) = log a + log b holds for a > 0 and any b (principal log)
    assert got[(4, 1)] is Verdict.REFUTED  # a justification in words does not make a claim conditional


def test_a_density_with_a_braced_subscript_binds_too():
    text = "---\nderive:\n  densities: {p_G: 'x ~ Normal(0, 1)'}\n---\n$$\\mathbb{E}_{x \\sim p_{G}}[x^2] = 1$$\n"
    assert _by_step(text)[(1, 1)] is Verdict.PROVED
