"""Entropies the text names: the chain rule and Shannon's inequalities (derive.latex.prob_entropy)."""

from __future__ import annotations

import pytest
import sympy

import derive
import derive.latex.context as context
from derive import Verdict
from derive.latex.prob_entropy import entropy_normal_form, shannon_certificate

X, Y, Z = sympy.symbols("X Y Z")
H, given = sympy.Function("H"), sympy.Function("given")

_INTRO = (
    "## Joint entropy\n\nThe *entropy* of a random variable $X$ is written $H(X)$, and the joint entropy of a "
    "pair is $H(X, Y)$.\n\n"
)
#: Applied in context.py by the lead (patch PROB-1): without it a bare H(X) keeps its H-times-X doubt.
_PATCHED = hasattr(context, "_read_as_entropy")


def _last(doc: str) -> tuple[Verdict, str]:
    r = derive.check_latex(doc)[-1]
    return r.verdict, r.detail or ""


def test_the_chain_rule_is_the_normal_form() -> None:
    assert entropy_normal_form(H(Y, given(X)) - H(X, Y) + H(X)) == ({}, 0)
    assert entropy_normal_form(H(Y, X) - H(X, Y)) == ({}, 0)  # a joint is a set


@pytest.mark.parametrize(
    "expr",
    [
        H(X) * H(Y),  # not linear
        H(X) + X,  # a name outside an entropy
        H(X, given(sympy.Function("event")(Y, 1))),  # conditioned on an event: H(X | Y = 1)
        H(X) + sympy.Function("I")(X, Y),  # another function
        sympy.sqrt(2) * H(X),  # no rational coefficient
    ],
)
def test_anything_but_a_rational_combination_of_entropies_has_no_normal_form(expr: sympy.Expr) -> None:
    assert entropy_normal_form(expr) is None


def test_a_certificate_is_elemental_mutual_informations() -> None:
    subadditive = {frozenset({X}): 1, frozenset({Y}): 1, frozenset({X, Y}): -1}
    assert shannon_certificate(subadditive, sympy.Integer(0)) == [(1, "I(X; Y)")]
    # H(X, Y) - H(Y) = H(X | Y) >= 0 holds for discrete variables only: no certificate
    assert shannon_certificate({frozenset({X, Y}): 1, frozenset({Y}): -1}, sympy.Integer(0)) is None
    assert shannon_certificate(subadditive, sympy.Integer(-1)) is None


@pytest.mark.parametrize(
    "step",
    [
        r"H(X | Y, Z) \le H(X | Z)",
        r"H(X | Z) \ge H(X | Y, Z)",
        r"H(X, Y | Z) = H(X | Z) + H(Y | X, Z)",
    ],
)
def test_conditional_entropies_are_proved(step: str) -> None:
    verdict, detail = _last(f"{_INTRO}$${step}$$\n")
    assert verdict is Verdict.PROVED, detail
    assert "H read as entropy" in detail


@pytest.mark.skipif(not _PATCHED, reason="needs patch PROB-1 in derive/latex/context.py")
@pytest.mark.parametrize(
    "step",
    [r"H(X, Y) \le H(X) + H(Y)", r"H(Y \mid X) = H(X, Y) - H(X)", r"H(X, Y, Z) + H(Z) \le H(X, Z) + H(Y, Z)"],
)
def test_steps_with_a_bare_entropy_are_proved(step: str) -> None:
    verdict, detail = _last(f"{_INTRO}$${step}$$\n")
    assert verdict is Verdict.PROVED, detail


@pytest.mark.parametrize(
    "step",
    [
        r"H(Y) \le H(X, Y)",  # false for differential entropy
        r"H(X | Y) \ge 0",  # likewise
        r"H(Y \mid X) = H(X, Y) - H(Y)",
        r"H(X, Y) \ge H(X) + H(Y)",
        r"H(X, Y) \le H(X) + H(Y) - 1",
        r"H(X, Y, Z) + H(Z) \le H(X, Z) + H(Y)",
        r"H(X | Y = y) \le H(X)",
        r"H(X | Y, Z) < H(X | Z)",  # strict: equality under independence
        r"H(X | Y, Z) \le H(X | Z) - 1",
    ],
)
def test_wrong_twins_are_not_proved(step: str) -> None:
    verdict, detail = _last(f"{_INTRO}$${step}$$\n")
    assert verdict is not Verdict.PROVED and verdict is not Verdict.VERIFIED, detail


@pytest.mark.parametrize(
    "intro",
    [
        # H never called an entropy: a Hessian, a function
        "## Curvature\n\nLet $H(X)$ be the Hessian of the loss at $X$.\n\n",
        # a cross-entropy written H(p, q): two laws, not two variables
        "## Losses\n\nThe entropy $H(X)$ and the cross-entropy $H(X, Y)$ of two laws.\n\n",
    ],
)
def test_h_read_as_entropy_only_where_the_text_says_so(intro: str) -> None:
    verdict, detail = _last(f"{intro}$$H(X | Y, Z) \\le H(X | Z)$$\n")
    assert verdict is not Verdict.PROVED, detail


_KL = "## Divergences\n\nThe KL divergence of two laws is non-negative:\n\n"


@pytest.mark.parametrize(
    "step",
    [
        r"D_{\textrm{KL}}(P\|Q) \geq 0",
        r"0 \le \mathrm{KL}[Q || P]",
        r"2 D_{\textrm{KL}}(P\|Q) + \mathrm{KL}[Q || P] \geq 0",
        r"D_{\textrm{KL}}(P\|Q) + a^2 \geq 0",
    ],
)
def test_gibbs_inequality_proves_a_kl_bound(step: str) -> None:
    verdict, detail = _last(f"{_KL}$${step}$$\n")
    assert verdict is Verdict.PROVED, detail
    assert "Gibbs' inequality" in detail


@pytest.mark.parametrize(
    "step",
    [
        r"D_{\textrm{KL}}(P\|Q) \geq 1",
        r"D_{\textrm{KL}}(P\|Q) \leq 0",
        r"D_{\textrm{KL}}(P\|Q) > 0",  # 0 when P = Q
        r"D_{\textrm{KL}}(P\|Q) - D_{\textrm{KL}}(Q\|P) \geq 0",  # KL is not symmetric
        r"D_{\textrm{KL}}(P\|Q) - a^2 \geq 0",
        r"\int P(x) \log \frac{P(x)}{Q(x)} dx \geq 0",  # written out: P and Q may be any functions
    ],
)
def test_gibbs_wrong_twins_are_not_proved(step: str) -> None:
    verdict, detail = _last(f"{_KL}$${step}$$\n")
    assert verdict is not Verdict.PROVED, detail


def test_an_unnormalised_law_is_no_gibbs_instance() -> None:
    doc = "## Energy\n\nHere $Q$ is an unnormalised density.\n\n$$D_{\\textrm{KL}}(P\\|Q) \\geq 0$$\n"
    verdict, detail = _last(doc)
    assert verdict is not Verdict.PROVED, detail


_MEANFIELD = "## Mean field\n\nWe minimise the KL divergence over $q_1$.\n\n"


@pytest.mark.parametrize(
    "step",
    [
        r"\mathbb{E}_{q_1(y_1|x)}\left[ \log \frac{\bar{p}(y_1|x)}{ q_1(y_1|x)} \right] = "
        r"-\mathrm{KL}( q_1(y_1|x) || \bar{p}(y_1|x) )",
        r"\mathrm{KL}( q(z|x) \| p(z|x) ) = \mathbb{E}_{q(z|x)}\left[\log q(z|x) - \log p(z|x)\right]",
    ],
)
def test_a_kl_of_conditional_laws_is_the_expectation_under_the_first(step: str) -> None:
    verdict, detail = _last(f"{_MEANFIELD}$${step}$$\n")
    assert verdict is Verdict.PROVED, detail


@pytest.mark.parametrize(
    "step",
    [
        # the sign
        r"\mathbb{E}_{q_1(y_1|x)}\left[ \log \frac{\bar{p}(y_1|x)}{ q_1(y_1|x)} \right] = "
        r"\mathrm{KL}( q_1(y_1|x) || \bar{p}(y_1|x) )",
        # the laws swapped: KL is not symmetric, and the expectation is under the first law
        r"\mathbb{E}_{q_1(y_1|x)}\left[ \log \frac{\bar{p}(y_1|x)}{ q_1(y_1|x)} \right] = "
        r"-\mathrm{KL}( \bar{p}(y_1|x) || q_1(y_1|x) )",
        r"\mathrm{KL}( q(z|x) \| p(z|x) ) = \mathbb{E}_{p(z|x)}\left[\log q(z|x) - \log p(z|x)\right]",
    ],
)
def test_conditional_kl_wrong_twins_are_not_proved(step: str) -> None:
    verdict, detail = _last(f"{_MEANFIELD}$${step}$$\n")
    assert verdict is not Verdict.PROVED and verdict is not Verdict.VERIFIED, detail


@pytest.mark.parametrize(
    ("prose", "step"),
    [
        # attacker K25: other entropies are not subadditive and have no chain rule
        (
            r"Let $H(X)$ denote the collision entropy (Rényi entropy of order 2) of $X$, $H(X) = -\log \sum_x p(x)^2$.",
            r"H(X, Y) \le H(X) + H(Y)",
        ),
        (r"Let $H(X)$ denote the min-entropy of $X$, $H(X) = -\log \max_x p(x)$.", r"H(X, Y) \le H(X) + H(Y)"),
        # a cross-entropy written H(p, q) without the word "cross"
        (
            r"The entropy of a distribution $p$ is $H(p) = -\sum_x p(x) \log p(x)$, and for two distributions we write "
            r"$H(p, q) = -\sum_x p(x) \log q(x)$.",
            r"H(p, q) = H(q, p)",
        ),
        # H is said not to be an entropy, or given another body or role
        (r"We write $H(x, y)$ for the Hamiltonian, not for an entropy.", r"H(x, y) = H(y, x)"),
        (r"Note that in this problem $H$ is not the entropy: $H(q, p)$ is the Hamiltonian.", r"H(q, p) = H(p, q)"),
        (
            r"The entropy $H(X)$ of $X$. Suppose $H$ is now any function of two arguments, $H(a, b) = a - b$.",
            r"H(a, b) = H(b, a)",
        ),
        # a two-variable H defined with no word "joint" before it
        (
            r"The entropy is $H(X) = -\sum_x p(x) \log p(x)$. We also set $H(X, Y) = -\sum_x p(x) \log q(y)$.",
            r"H(X, Y) = H(Y, X)",
        ),
    ],
)
def test_h_is_no_shannon_entropy_here(prose: str, step: str) -> None:
    verdict, detail = _last(f"## Entropy\n\n{prose}\n\n$${step}$$\n")
    assert verdict is not Verdict.PROVED, detail


def test_a_joint_entropy_defined_as_such_is_read() -> None:
    prose = (
        r"The entropy of $X$ is $H(X) = -\sum_x p(x) \log p(x)$. We define the *joint entropy* as"
        "\n\n$$H(X, Y) = - \\sum_{x, y} p(x, y) \\log p(x, y).$$\n\n"
    )
    verdict, detail = _last(f"## Entropy\n\n{prose}$$H(X, Y) \\le H(X) + H(Y)$$\n")
    assert verdict is Verdict.PROVED, detail


@pytest.mark.parametrize(
    ("prose", "step"),
    [
        # attacker K32: other entropies and roles the K25 word lists missed
        (r"Let $H(X, Y)$ denote the relative entropy of $X$ with respect to $Y$.", r"H(X, Y) = H(Y, X)"),
        (r"Let $H(X)$ denote the entropy of order $\alpha = 2$ of $X$.", r"H(X, Y) \le H(X) + H(Y)"),
        (r"Let $H(X)$ be the $\alpha$-entropy of $X$ for $\alpha = 3$.", r"H(X, Y) \le H(X) + H(Y)"),
        (r"Unlike the entropy, $H(x, y)$ here denotes the free energy of the state.", r"H(x, y) = H(y, x)"),
        (
            r"The entropy $H(X)$ of a discrete variable. Let $H(a, b)$ be the hinge loss of score $a$ and label $b$.",
            r"H(a, b) = H(b, a)",
        ),
        (
            "The entropy $H(X)$ is defined for discrete $X$.\n\nWe now use $H$ for the Hamiltonian.",
            r"H(x, y) = H(y, x)",
        ),
    ],
)
def test_h_named_otherwise_is_no_entropy(prose: str, step: str) -> None:
    verdict, detail = _last(f"## Entropy\n\n{prose}\n\n$${step}$$\n")
    assert verdict is not Verdict.PROVED, detail
