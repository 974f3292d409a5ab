"""``\\mathbb{E}_{q(\\mathbf y|\\mathbf x)}[\\cdot]``: the subscript names a density, which the reader keeps with
the operator, so the log of that density splits off inside it (the ELBO written both ways).

Attacks: another density in the log, the same letter at another point, two different subscripts,
a subscript that names a set (``\\mathcal T``), a value of the density (``q(2)``), the wrong sign.
"""

from __future__ import annotations

import pytest
import sympy
from sympy.core.function import AppliedUndef

import derive
from derive import Verdict
from derive.language.symbols import SymbolTable
from derive.latex import parse_latex

EQ = r"\mathbb{E}_{q(z)}"
ER = r"\mathbb{E}_{r(z)}"
LOG_RATIO = r"\left[\log \frac{p(x,z)}{q(z)}\right]"


def _one(tex: str) -> tuple[Verdict, str]:
    ((result,),) = [derive.check_latex(f"$${tex}$$\n")]
    return result.verdict, result.detail


def _laws(tex: str) -> list[str]:
    """The density kept by each expectation operator of ``tex`` ("" for none)."""
    expr = parse_latex(tex, SymbolTable({}))
    return [
        str((getattr(n.func, "_kwargs", None) or {}).get("law", ""))
        for n in sympy.preorder_traversal(expr)
        if isinstance(n, AppliedUndef) and str(n.func).startswith("E")
    ]


@pytest.mark.parametrize(
    "tex",
    [
        r"\mathbb{E}_{q(\mathbf{y}|\mathbf{x})}\left[\log \frac{p(\mathbf{x},\mathbf{y})}"
        r"{q(\mathbf{y}|\mathbf{x})}\right] = \mathbb{E}_{q(\mathbf{y}|\mathbf{x})} \log p(\mathbf{x},\mathbf{y})"
        r" - \mathbb{E}_{q(\mathbf{y}|\mathbf{x})} \log q(\mathbf{y}|\mathbf{x})",
        rf"{EQ}{LOG_RATIO} = {EQ}[\log p(x,z)] - {EQ}[\log q(z)]",
        rf"{EQ}\left[\log \left(p(x,z) q(z)^2\right)\right] = {EQ}[\log p(x,z)] + 2{EQ}[\log q(z)]",
        r"\mathbb{E}_{z \sim q}\left[\log p(x, z) - \log q(z)\right]"
        r" = \mathbb{E}_{z \sim q}\left[\log \frac{p(x, z)}{q(z)}\right]",
        r"\mathbb{E}_{q_1(y_1|x)} \log \bar{p}(y_1|x) - \mathbb{E}_{q_1(y_1|x)}\left[\log q_1(y_1|x)\right]"
        r" = \mathbb{E}_{q_1(y_1|x)}\left[ \log \frac{\bar{p}(y_1|x)}{ q_1(y_1|x)} \right]",
    ],
)
def test_elbo_split_is_proved(tex: str) -> None:
    verdict, detail = _one(tex)
    assert verdict is Verdict.PROVED, detail
    assert "almost surely under its own law (its log splits off)" in detail


@pytest.mark.parametrize(
    "tex",
    [
        # r is not the law: nothing says it is positive
        rf"{EQ}\left[\log \frac{{p(x,z)}}{{r(z)}}\right] = {EQ}[\log p(x,z)] - {EQ}[\log r(z)]",
        # q at another point than the law's
        rf"{EQ}\left[\log \frac{{p(x,z)}}{{q(y)}}\right] = {EQ}[\log p(x,z)] - {EQ}[\log q(y)]",
        # q(z) under E_{z ~ r}: not the law's density, and a factor 2 that no reading removes
        r"\mathbb{E}_{z \sim r}\left[\log p(x, z) - \log q(z)\right]"
        r" = \mathbb{E}_{z \sim r}\left[\log \frac{p(x, z)}{2q(z)}\right]",
        # another law on the right
        rf"{EQ}{LOG_RATIO} = {ER}[\log p(x,z)] - {ER}[\log q(z)]",
        # the wrong sign: not proved, and not refuted either (the law is unknown)
        rf"{EQ}{LOG_RATIO} = {EQ}[\log p(x,z)] + {EQ}[\log q(z)]",
    ],
)
def test_other_splits_stay_undecided(tex: str) -> None:
    verdict, detail = _one(tex)
    assert verdict is Verdict.UNDECIDED, detail


@pytest.mark.xfail(
    strict=True,
    reason="capability lost in e38b821: the every-function check (_free_functions) takes no interpretation of a "
    "function of a random variable (z ~ r), where the earlier family check verified; undecided, never refuted",
)
def test_a_split_under_another_law_holds_for_every_positive_density() -> None:
    # q(z) under E_{z ~ r} is not r's density, so the law proves nothing; but the integrands
    # agree wherever the logs are taken (p and q positive there, as densities), so the step
    # holds whatever E_{z ~ r} does with them: the every-function check says so, by sampling.
    verdict, detail = _one(
        r"\mathbb{E}_{z \sim r}\left[\log p(x, z) - \log q(z)\right]"
        r" = \mathbb{E}_{z \sim r}\left[\log \frac{p(x, z)}{q(z)}\right]"
    )
    assert verdict is Verdict.VERIFIED, detail
    assert detail.startswith("for every function E_{z~r}, p, q: 3 random analytic interpretations"), detail
    assert "p, q positive (a density or likelihood, positive where its log is taken)" in detail


@pytest.mark.parametrize(
    ("tex", "laws"),
    [
        (r"\mathbb{E}_{q(\mathbf{y}|\mathbf{x})}[y]", ["q(y, given(x))"]),
        (r"\mathbb{E}_{q_\phi(z)}[z]", ["q_phi(z)"]),
        (r"E_{\mathcal{T}}[y]", [""]),  # a set
        (r"\mathbb{E}_{y|x}[y]", [""]),  # a conditioning, no density
        (r"\mathbb{E}_{q(2)}[y]", [""]),  # a value of q, not a law
        (r"\mathbb{E}_{q(y|x+1)}[y]", [""]),  # conditioned on a value, not names
        (r"\mathbb{E}_{P(X=1)}[Y]", [""]),  # a probability of an event
        (r"\mathbb{E}_{p(\mathcal{D};\theta)}[y]", ["p(D, parameters(theta))"]),
        (r"\mathbb{E}_{z \sim q}[z]", ["q(z)"]),  # the density of the law z is drawn from, at z
        (r"\mathbb{E}_{z \sim q_\phi(z|x)}[z]", ["q_phi(z, given(x))"]),
        (r"\mathbb{E}_{z \sim q(y|x)}[z]", [""]),  # a density of another variable
        (r"\mathbb{E}_{z \sim 2}[z]", [""]),
        (r"\mathbb{E}_{\prod_{i=1}^d q_i(y_i)}[y]", [""]),  # a product of densities
    ],
)
def test_the_reader_keeps_only_a_density_applied_to_names(tex: str, laws: list[str]) -> None:
    assert _laws(tex) == laws


@pytest.mark.parametrize(
    ("tex", "verdict"),
    [
        (r"E_{y_0|x_0}[x_0 y_0 + x_0] = x_0 E_{y_0|x_0}[y_0] + x_0", Verdict.PROVED),  # x_0 is conditioned on
        (r"E_{y|x, z}[x z y] = x z E_{y|x,z}[y]", Verdict.PROVED),
        (r"\mathbb{E}_{z \sim q(z|x)}[x z] = x \mathbb{E}_{z \sim q(z|x)}[z]", Verdict.PROVED),
        (r"E_{y_0|x_0}[w y_0] = w E_{y_0|x_0}[y_0]", Verdict.UNDECIDED),  # w: nothing holds it
        (r"E_{y|x}[x y] = x E_{y|z}[y]", Verdict.UNDECIDED),  # another conditioning on the right
        (r"E_{\epsilon|\mathcal{X}}[X \epsilon] = X E_{\epsilon|\mathcal{X}}[\epsilon]", Verdict.UNDECIDED),  # a set
    ],
)
def test_a_subscripts_conditioning_is_held_fixed(tex: str, verdict: Verdict) -> None:
    assert _one(tex)[0] is verdict


@pytest.mark.parametrize(
    ("doc", "verdict"),
    [
        # a name the subscript averages over is random under it, even where the text calls it a constant (E03)
        ("Let $y$ be a constant. $$\\mathbb{E}_{x,y}[xy] = y\\,\\mathbb{E}[x]$$", Verdict.UNDECIDED),
        ("Let $x$ be a constant. $$\\mathbb{E}_{x}[x y] = x\\,\\mathbb{E}_x[y]$$", Verdict.UNDECIDED),
        ("Let $z$ be a constant. $$\\mathbb{E}_{q(z)}[z w] = z\\,\\mathbb{E}_{q(z)}[w]$$", Verdict.UNDECIDED),
        ("Let $z$ be a constant. $$\\mathbb{E}_{z \\sim q}[z w] = z\\,\\mathbb{E}_{z \\sim q}[w]$$", Verdict.UNDECIDED),
        ("Let $y_0$ be fixed. $$E_{y_0|x_0}[y_0 w] = y_0 E_{y_0|x_0}[w]$$", Verdict.UNDECIDED),
        # ... while another constant still comes out, and Bishop's cov over the joint law stays proved
        ("Let $c$ be a constant. $$\\mathbb{E}_{x}[c x] = c\\,\\mathbb{E}_{x}[x]$$", Verdict.PROVED),
        ("$$\\text{cov}[x, y] = \\mathbb{E}_{x,y}[xy] - \\mathbb{E}[x]\\mathbb{E}[y]$$", Verdict.PROVED),
    ],
)
def test_averaged_names_are_never_taken_out(doc: str, verdict: Verdict) -> None:
    ((result,),) = [derive.check_latex(doc)]
    assert result.verdict is verdict, result.detail
