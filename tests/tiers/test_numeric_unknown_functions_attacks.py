"""Attacks on "for every value" (derive.tiers.numeric._for_every_value): values that need not be real.

Each application of an unknown function is taken as an independent *real* number only when nothing
says otherwise. A function whose values may be complex -- declared so through its sympy assumptions
(``Function("g", complex=True)``, the channel a caller states a codomain ℂ with), or a hatted name,
which may be a Fourier or Laplace transform -- is not checked that way: a step true for every real
value (``|g|^2 = g^2``, ``e^{g^2} \\ge 1``) may fail for complex ones, so it stays undecided. Steps that
hold for complex values too are still proved by the symbolic tier; real-valued functions keep the check.
"""

from __future__ import annotations

import pytest
import sympy

import derive
from derive.language.symbols import SymbolTable
from derive.model import Problem, Relation, Settings, Verdict
from derive.tiers.numeric import check_numeric

_X = sympy.Symbol("x", real=True)
_FUNCTIONS = "---\nderive:\n  functions: [f, g]\n---\n"


def _numeric(lhs: sympy.Basic, rhs: sympy.Basic, relation: Relation = Relation.EQ) -> derive.model.Outcome:
    problem = Problem(lhs=lhs, rhs=rhs, relation=relation, symbols=SymbolTable())
    return check_numeric(problem, Settings())


def _latex(doc: str) -> derive.CheckResult:
    (result,) = derive.check_latex(doc)
    return result


# --- a function declared with values that need not be real ---------------------------------


@pytest.mark.parametrize("assumptions", [{"complex": True}, {"real": False}, {"imaginary": True}])
@pytest.mark.parametrize(
    ("lhs", "rhs", "relation"),
    [
        (lambda g: sympy.Abs(g) ** 2, lambda g: g**2, Relation.EQ),  # |g|^2 = g^2 (U77)
        (lambda g: g**2, lambda g: sympy.Integer(0), Relation.GE),  # g^2 >= 0 (U70)
        (lambda g: sympy.sqrt(g**2), sympy.Abs, Relation.EQ),  # sqrt(g^2) = |g| (U79)
        (lambda g: sympy.Abs(sympy.exp(g)), sympy.exp, Relation.EQ),  # |e^g| = e^g (U80)
        (lambda g: sympy.exp(g**2), lambda g: sympy.Integer(1), Relation.GE),  # e^{g^2} >= 1 (U86)
    ],
)
def test_values_declared_not_real_are_not_taken_as_real_numbers(assumptions, lhs, rhs, relation):
    g = sympy.Function("g", **assumptions)(_X)
    outcome = _numeric(lhs(g), rhs(g), relation)
    assert outcome.verdict is Verdict.UNDECIDED, outcome.evidence.summary
    assert outcome.evidence.summary.startswith("unknown function g: declared with values that need not be real")
    assert "for every value" not in outcome.evidence.summary


def test_one_complex_function_among_real_ones_is_enough_to_decline():
    f, g = sympy.Function("f")(_X), sympy.Function("g", complex=True)(_X)
    outcome = _numeric(f**2 + sympy.Abs(g) ** 2, f**2 + g**2)
    assert outcome.verdict is Verdict.UNDECIDED
    assert outcome.evidence.summary.startswith("unknown function g: declared with values that need not be real")


def test_a_complex_function_under_a_derivative_or_inside_an_argument_is_seen():
    g = sympy.Function("g", complex=True)
    f = sympy.Function("f")
    deriv = sympy.Derivative(g(_X), _X)
    assert _numeric(sympy.Abs(deriv) ** 2, deriv**2).verdict is Verdict.UNDECIDED
    # f(g(x)): f's argument may be complex, so f need not be a real function of a real number
    outcome = _numeric(f(g(_X)) ** 2, sympy.Integer(0), Relation.GE)
    assert outcome.verdict is Verdict.UNDECIDED
    assert "unknown function g:" in outcome.evidence.summary


@pytest.mark.parametrize("assumptions", [{"real": True}, {"positive": True}, {}])
def test_real_valued_functions_keep_the_check_for_every_value(assumptions):
    g = sympy.Function("g", **assumptions)(_X)
    outcome = _numeric(sympy.Abs(g) ** 2, g**2)
    assert outcome.verdict is Verdict.VERIFIED, outcome.evidence.summary
    assert outcome.evidence.summary.startswith("for every value of g(x) (each application of an unknown function")


def test_a_wrong_step_through_a_complex_function_is_not_refuted_either():
    g = sympy.Function("g", complex=True)(_X)
    outcome = _numeric(g**2, g**2 + 1)
    assert outcome.verdict is Verdict.UNDECIDED
    assert outcome.evidence.counterexample is None


# --- a hat may mark a transform -------------------------------------------------------------


@pytest.mark.parametrize(
    "tex",
    [
        r"|\hat{f}(\omega)|^2 = \hat{f}(\omega)^2",  # U69 without the prose
        r"\hat f(\omega)^2 \ge 0",
        r"\widehat{F}(s)^2 \geq 0",
        r"\sqrt{\hat{g}(k)^2} = |\hat{g}(k)|",
        r"f(\hat{g}(x))^2 \ge 0",  # a transform's value as the argument of another function
        r"\hat{\phi}(t)^2 + 1 > 0",
    ],
)
def test_a_hatted_function_is_not_taken_as_real_valued(tex):
    result = _latex(_FUNCTIONS + f"$${tex}$$\n")
    assert result.verdict is Verdict.UNDECIDED, result.detail
    assert "a hat may mark a transform" in result.detail
    assert "for every value" not in result.detail


def test_the_fourier_transform_said_in_prose_is_undecided():
    doc = "Let $\\hat f$ be the Fourier transform of $f$.\n$$|\\hat{f}(\\omega)|^2 = \\hat{f}(\\omega)^2$$\n"
    result = _latex(doc)
    assert result.verdict is Verdict.UNDECIDED, result.detail
    assert "a hat may mark a transform" in result.detail


def test_a_hatted_step_that_holds_for_complex_values_is_still_proved():
    # linear identities hold whatever the values are: the symbolic tier proves them first
    result = _latex(_FUNCTIONS + "$$\\hat f(\\omega) + \\hat f(\\omega) - 3 = 2\\hat f(\\omega) - 3$$\n")
    assert result.verdict is Verdict.PROVED, result.detail


@pytest.mark.parametrize("tex", [r"\tilde f(x)^2 \ge 0", r"\bar f(x)^2 \ge 0", r"\check f(x)^2 \ge 0"])
def test_other_decorations_keep_the_check_for_every_value(tex):
    result = _latex("---\nderive:\n  functions: [f]\n---\n" + f"$${tex}$$\n")
    assert result.verdict is Verdict.VERIFIED, result.detail
    assert result.detail.startswith("for every value of ")


@pytest.mark.parametrize("name", ["hat", "that", "chat_x", "f_hats", "hat_f"])
def test_a_name_that_only_contains_hat_marks_no_transform(name):
    h = sympy.Function(name)(_X)
    outcome = _numeric(h**2, sympy.Integer(0), Relation.GE)
    assert outcome.verdict is Verdict.VERIFIED, outcome.evidence.summary


def test_a_hatted_function_declared_real_keeps_the_check_for_every_value():
    h = sympy.Function("f_hat", real=True)(_X)
    outcome = _numeric(sympy.Abs(h) ** 2, h**2)
    assert outcome.verdict is Verdict.VERIFIED, outcome.evidence.summary


# --- declarations the LaTeX front end honours -------------------------------------------------


def test_functions_front_matter_still_means_real_values():
    result = _latex(_FUNCTIONS + "$$|g(t)|^2 = g(t)^2$$\n")
    assert result.verdict is Verdict.VERIFIED, result.detail
    assert result.detail.startswith("for every value of g(t) (")


def test_a_real_codomain_keeps_the_check_for_every_value():
    doc = "Let $f: \\mathbb{R} \\to \\mathbb{R}$ be a function.\n$$|f(x)|^2 = f(x)^2$$\n"
    result = _latex(doc)
    assert result.verdict is Verdict.VERIFIED, result.detail


@pytest.mark.parametrize(
    "doc",
    [
        "Let $f: \\mathbb{R} \\to [0,1]$.\n$$|f(x)|^2 = f(x)^2$$\n",  # a codomain within the reals
        "Let $f: \\mathbb{R}^n \\to \\mathbb{R}_+$.\n$$|f(x)|^2 = f(x)^2$$\n",
        "Let $h: \\mathbb{R}\\to\\mathbb{R}^{+}$.\n$$\\sqrt{h(x)^2} = |h(x)|$$\n",
        "Let $p: \\mathcal{X} \\to (0, \\infty)$ be a density.\n$$p(x)^2 \\ge 0$$\n",
        # a complex codomain that is negated, or declared in another section, says nothing here
        "We never assume $g: \\mathbb{R}\\to\\mathbb{C}$; here $g$ is real.\n$$|g(t)|^2 = g(t)^2$$\n",
        "\\section{A} Let $g : \\mathbb{R} \\to \\mathbb{C}$.\n\\section{B} Let $g$ be any function.\n"
        "$$|g(t)|^2 = g(t)^2$$\n",
    ],
)
def test_real_codomains_and_retracted_complex_ones_keep_the_check(doc):
    result = _latex(doc)
    assert result.verdict is Verdict.VERIFIED, result.detail
    assert result.detail.startswith("for every value of ")


def test_a_complex_scalar_declared_with_in_is_undecided():
    result = _latex("Let $z \\in \\mathbb{C}$.\n$$|z|^2 = z^2$$\n")
    assert result.verdict is Verdict.UNDECIDED, result.detail


# The LaTeX front end records a function's stated codomain (`g : \mathbb{R} \to \mathbb{C}`, "complex-valued",
# `g(t) \in \mathbb{C}`, a vector or unknown codomain) as a range (derive/latex/assumptions.py), and a bold
# function name or a transform's application (`\mathcal{F}\{f\}(\omega)`) as no real scalar (shapes.py).
@pytest.mark.parametrize(
    "doc",
    [
        "Let $g : \\mathbb{R} \\to \\mathbb{C}$ be a complex-valued function.\n$$|g(t)|^2 = g(t)^2$$\n",
        "Let $g : \\mathbb{R} \\to \\mathbb{C}$ be a complex-valued function.\n$$g(t)^2 \\geq 0$$\n",
        "Let $\\psi$ be a complex-valued wave function.\n$$|\\psi(x)|^2 = \\psi(x)^2$$\n",
        "Here $g(t) \\in \\mathbb{C}$ for every $t$.\n$$\\sqrt{g(t)^2} = |g(t)|$$\n",
        "Let $g$ take complex values.\n$$|e^{g(t)}| = e^{g(t)}$$\n",
        "Let $g$ be a complex-valued function.\n$$e^{g(t)^2} \\geq 1$$\n",
        "Let $\\mathbf{f} : \\mathbb{R} \\to \\mathbb{R}^3$.\n$$\\mathbf{f}(x)^2 \\geq 0$$\n",
        "$$\\mathbf{f}(x)\\mathbf{f}(y) = \\mathbf{f}(y)\\mathbf{f}(x)$$\n",
        "Complex-valued functions $g$ and $h$ are given.\n$$|g(t)|^2 = g(t)^2$$\n",
        "Let $f: \\mathbb{R} \\to \\mathbb{R}^{n \\times n}$.\n$$f(x)^2 \\ge 0$$\n",
        "Let $f: \\mathcal{X} \\to \\mathcal{Y}$.\n$$|f(x)|^2 = f(x)^2$$\n",
        "$$|\\mathcal{F}\\{f\\}(\\omega)|^2 = (\\mathcal{F}\\{f\\}(\\omega))^2$$\n",
        "$$|\\mathcal{L}\\{f\\}(s)|^2 = (\\mathcal{L}\\{f\\}(s))^2$$\n",
    ],
)
def test_a_codomain_stated_in_prose_is_undecided(doc):
    assert _latex(doc).verdict is Verdict.UNDECIDED


def test_a_python_claim_keeps_its_functions_assumptions_through_the_engine():
    from derive.engine import check_claim  # noqa: PLC0415

    x = sympy.Symbol("x")
    g = sympy.Function("g", complex=True)(x)
    result = check_claim(derive.model.Claim(id="c", lhs=sympy.Abs(g) ** 2, rhs=g**2), Settings())
    assert result.verdict is Verdict.UNDECIDED
    assert "numeric: unknown function g: declared with values that need not be real" in result.detail
