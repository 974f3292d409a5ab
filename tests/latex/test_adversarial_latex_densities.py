"""Attacks on notation whose meaning depends on a range or a convention the text may not state.

- a Kronecker delta under a sum picks its term only where the free index lies in the sum's range:
  ``\\sum_{k=1}^{3} \\delta_{kj}`` is 0 at j = 4 (a false accept read as 1);
- a density identity holds on the support (``\\mathrm{Exp}(x|\\lambda) = \\lambda e^{-\\lambda x}`` for
  x >= 0): checked there when the declarations put the point there, never refuted off it, never
  accepted when they do not;
- ``\\mathcal{N}(x|\\mu,\\sigma)`` with a bare σ: the variance (Bishop) or the standard deviation;
- ``\\partial_x`` before several factors that vary in x: the first factor only, or their product.
"""

from __future__ import annotations

import pytest

from derive.api import check_latex
from derive.model import Verdict

P, V, R, U, E = Verdict.PROVED, Verdict.VERIFIED, Verdict.REFUTED, Verdict.UNDECIDED, Verdict.ERROR


def one(tex: str, symbols: dict[str, str] | None = None) -> tuple[Verdict, str]:
    results = check_latex(f"$$ {tex} $$", symbols=symbols or {})
    assert len(results) == 1
    return results[0].verdict, str(results[0].detail)


def doc(text: str) -> tuple[Verdict, str]:
    results = check_latex(text)
    return results[-1].verdict, str(results[-1].detail)


# -- Kronecker deltas and the range of the free index ------------------------------------------

RANGE = "picks the term of j only where j lies in"


@pytest.mark.parametrize(
    "tex",
    [
        r"\sum_{k=1}^{3} \delta_{kj} = 1",
        r"\sum_{k=1}^{3} \delta_{jk} a_k = a_j",
        r"\sum_{k=2}^{n} \delta_{kj} a_k = a_j",  # from 2: j = 1 is left out
        r"\sum_{k=0}^{n-1} \delta_{kj} = 1",
        r"\sum_{k=1}^{3} I_{kj} = 1",
    ],
)
def test_a_delta_over_a_specific_range_of_an_undeclared_index_is_an_error(tex):
    v, detail = one(tex)
    assert v is E, detail
    assert RANGE in detail


def test_a_delta_over_a_specific_range_of_an_integer_is_refuted_outside_it():
    v, detail = one(r"\sum_{k=1}^{3} \delta_{kj} = 1", {"j": "positive integer"})
    assert v is R, detail
    assert "lhs = 0.0, rhs = 1.0" in detail
    v, detail = one(r"\sum_{k=1}^{3} \delta_{kj} a_k = a_j", {"j": "integer"})
    assert v is R, detail


def test_a_delta_over_the_generic_index_set_picks_its_term():
    generic = (r"\sum_{i=1}^n \delta_{ki} a_i = a_k", r"\sum_{k=1}^K \delta_{kj} = 1", r"\sum_j \delta_{kj} a_j = a_k")
    for tex in generic:
        v, detail = one(tex)
        assert v is P, (tex, detail)


def test_a_delta_of_an_outer_index_over_the_same_range_picks_its_term():
    v, detail = one(r"\sum_{j=1}^{3}\sum_{k=1}^{3} \delta_{kj} a_k = \sum_{j=1}^{3} a_j")
    assert v is P, detail
    v, detail = one(r"\sum_{j=1}^{n}\sum_{k=1}^{n} \delta_{kj} = n")
    assert v is P, detail


def test_a_delta_of_an_outer_index_over_another_range_counts_the_overlap():
    # j runs to 5, k to 3: only j = 1, 2, 3 meet a k
    v, detail = one(r"\sum_{j=1}^{5}\sum_{k=1}^{3} \delta_{kj} = 5")
    assert v is R, detail
    assert "nonzero constant -2" in detail
    v, detail = one(r"\sum_{j=1}^{5}\sum_{k=1}^{3} \delta_{kj} = 3")
    assert v is P, detail
    v, detail = one(r"\sum_{j=1}^{n}\sum_{k=1}^{m} \delta_{kj} = n")
    assert v is R, detail  # m < n: min(m, n) terms


def test_an_inner_sum_does_not_leave_its_range_on_an_outer_index_of_the_same_letter():
    # the inner \sum_k's range is dropped after it: the second sum's delta of k is over 1..n again
    v, detail = one(r"\sum_{k=1}^{3} a_k + \sum_{i=1}^n \delta_{ki} b_i = a_1 + a_2 + a_3 + b_k")
    assert v is P, detail
    # (the outer sum's trial of that term as part of its summand must not leave delta_ki looking
    # like a name the user declared) and its wrong twin
    v, detail = one(r"\sum_{k=1}^{3} a_k + \sum_{i=1}^n \delta_{ki} b_i = a_1 + a_2 + a_3 + 2b_k")
    assert v is R and "confirmed at 60 digits" in detail, detail


# -- densities on their support ----------------------------------------------------------------

SUPPORT = "is its closed form only on the support"


@pytest.mark.parametrize(
    ("tex", "symbols"),
    [
        (r"\mathrm{Beta}(\mu|1,1) = 1", {"a": "positive"}),
        (r"\mathrm{Exp}(x|\lambda) = \lambda e^{-\lambda x}", {"x": "real"}),
        (r"\mathrm{Exp}(x|\lambda) = 0", {"lambda": "positive"}),  # x < 0 would make it true
        (r"\mathrm{Gam}(\tau|a,b) = \frac{b^a \tau^{a-1} e^{-b\tau}}{\Gamma(a)}", {"a": "positive", "b": "positive"}),
        (r"\mathrm{Beta}(2\mu|1,1) = 1", {"mu": "probability"}),  # 2 mu may exceed 1
        (r"\mathrm{Exp}(x - 1|\lambda) = \lambda e^{-\lambda (x-1)}", {"x": "positive"}),
    ],
)
def test_a_density_at_a_point_the_text_does_not_place_in_the_support_is_an_error(tex, symbols):
    v, detail = one(tex, symbols)
    assert v is E, detail
    assert SUPPORT in detail


def test_a_density_on_its_declared_support_is_its_closed_form():
    assert one(r"\mathrm{Beta}(\mu|1,1) = 1", {"mu": "probability"})[0] is P
    assert one(r"\mathrm{Beta}(\mu|1,1) = 2", {"mu": "probability"})[0] is R
    assert one(r"\mathrm{Beta}(\mu^2|1,1) = 1", {"mu": "probability"})[0] is P
    ab = {"mu": "probability", "a": "positive", "b": "positive"}
    assert one(r"\mathrm{Beta}(1-\mu|a,b) = \mathrm{Beta}(\mu|b,a)", ab)[0] is P
    pos = {"x": "positive", "lambda": "positive"}
    assert one(r"\mathrm{Exp}(x|\lambda) = \lambda e^{-\lambda x}", pos)[0] is P
    v, detail = one(r"\mathrm{Exp}(x|\lambda) = e^{-\lambda x}", pos)
    assert v is R, detail
    assert "x = " in detail  # the counterexample is on the support
    assert one(r"\mathrm{Exp}(x|\lambda) = \lambda e^{-\lambda x}", {"x": "nonnegative", "lambda": "positive"})[0] is P


def test_a_density_off_its_declared_support_is_zero():
    assert one(r"\mathrm{Exp}(x|\lambda) = 0", {"x": "negative", "lambda": "positive"})[0] is P
    v, _ = one(r"\mathrm{Exp}(x|\lambda) = \lambda e^{-\lambda x}", {"x": "negative", "lambda": "positive"})
    assert v is R


def test_the_prose_places_the_point_in_the_support():
    v, detail = doc("Let $0 < \\mu < 1$.\n\n$$ \\mathrm{Beta}(\\mu|1,1) = 1 $$\n")
    assert v is P, detail
    exp = "$$ \\mathrm{Exp}(x|\\lambda) = \\lambda e^{-\\lambda x} $$\n"
    v, detail = doc("Let $x \\ge 0$ and $\\lambda > 0$.\n\n" + exp)
    assert v is P, detail
    v, detail = doc("Let $\\mu \\in (0,1)$.\n\n$$ \\mathrm{Beta}(\\mu|2,1) = 3\\mu $$\n")
    assert v is R, detail


# -- a normal's second parameter written as a bare sigma ---------------------------------------

CONVENTION = "may be the variance (Bishop) or the standard deviation"


@pytest.mark.parametrize(
    "tex",
    [
        r"\mathcal{N}(x|\mu,\sigma) = \frac{1}{\sqrt{2\pi}\sigma}\exp\left(-\frac{(x-\mu)^2}{2\sigma^2}\right)",
        r"\mathcal{N}(x|\mu,\sigma) = \frac{1}{\sqrt{2\pi\sigma}}\exp\left(-\frac{(x-\mu)^2}{2\sigma}\right)",
        r"\mathcal{N}(x;\mu_k,\sigma_k) = \mathcal{N}(x;\mu_k,\sigma_k)",
        r"\mathbb{E}_{x \sim \mathcal{N}(0, \sigma)}[x^2] = \sigma",
    ],
)
def test_a_bare_sigma_as_the_normals_second_parameter_is_not_decided(tex):
    v, detail = one(tex, {"sigma": "positive", "sigma_k": "positive"})
    assert v is E, detail
    assert CONVENTION in detail


def test_a_bare_sigma_in_a_stated_law_leaves_the_moment_undecided():
    law = "Let $x \\sim \\mathcal{N}(\\mu, \\sigma)$ with $\\sigma > 0$.\n\n"
    v, detail = doc(law + "$$ \\mathbb{E}[(x-\\mu)^2] = \\sigma^2 $$\n")
    assert v in (U, E), detail
    v, detail = doc(law + "$$ \\mathbb{E}[(x-\\mu)^2] = \\sigma $$\n")
    assert v in (U, E), detail


def test_a_squared_sigma_or_another_name_keeps_the_variance_reading():
    sigma = {"sigma": "positive"}
    gauss = r"\frac{1}{\sqrt{2\pi\sigma^2}}\exp\left(-\frac{(x-\mu)^2}{2\sigma^2}\right)"
    assert one(rf"\mathcal{{N}}(x|\mu,\sigma^2) = {gauss}", sigma)[0] is P
    assert one(r"\mathbb{E}_{x \sim \mathcal{N}(0, s)}[x^2] = s", {"s": "positive"})[0] is P
    assert one(r"\mathbb{E}_{x \sim \mathcal{N}(0, \beta^{-1})}[x^2] = \beta^{-1}", {"beta": "positive"})[0] is P


# -- \partial_x before several factors ---------------------------------------------------------

SCOPE = "may apply to the first only or to their product"


@pytest.mark.parametrize(
    "tex",
    [
        r"\partial_x x \, x = 2x",
        r"\partial_x x \, x = x",
        r"\partial_x f(x) g(x) = f'(x) g(x) + f(x) g'(x)",
        r"\partial_\mu \mu \sin \mu = \sin\mu + \mu\cos\mu",
        r"\partial_x 2 x e^{x} = 2e^x + 2x e^x",
    ],
)
def test_partial_before_several_varying_factors_is_an_error(tex):
    v, detail = one(tex)
    assert v is E, detail
    assert SCOPE in detail


def test_partial_whose_later_factors_are_constant_reads_the_product():
    assert one(r"\partial_x 3 x^2 = 6x")[0] is P
    assert one(r"\partial_x -x^2 = -2x")[0] is P
    assert one(r"\partial_x (x \, x) = 2x")[0] is P
    assert one(r"\partial_x x^2 = 2x")[0] is P
    assert one(r"\partial_x x^2 = x")[0] is R
    v, detail = one(r"\partial_x x^2 y = 2xy")
    assert v is U, detail  # y may depend on x: the existing constant-assumed rule
