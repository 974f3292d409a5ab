"""Probability notation of real documents (issue 15 items 2, 3, 5; issue 20's reading list).

One test per notation rule, each with the true reading and a false variant that must be refuted
or left undecided, plus attacks: odd spacing, shadowed names, nested use, far-out values.

- conditional bars ``p(x|\\mu)``, ``p(x \\mid \\mu)``, ``p(x \\vert \\mu)``, semicolon parameters
  ``p(\\mathcal{D}; \\theta)``, events ``p(x=0|\\mu)``, ``\\mathbb{E}[x \\mid y]``;
- Bishop's density notation ``\\mathcal{N}(x|\\mu,\\sigma^2)``, ``\\mathrm{Bern}(x|\\mu)``,
  ``\\mathrm{Beta}(\\mu|a,b)``, ``\\mathrm{Gam}(\\lambda|a,b)``, ``\\mathrm{Bin}(m|N,\\mu)`` (Appendix B);
- named operators ``\\text{var}``, ``\\mathrm{Var}``, ``\\mathrm{Cov}``, ``\\mathrm{H}``, ``\\mathrm{KL}``,
  ``\\mathbb{E}_x`` / ``E_x`` (an expectation before a bracket, otherwise a name);
- expectations whose law the document states elsewhere (``random:``).
"""

from __future__ import annotations

import time

import pytest

from derive.api import check_latex
from derive.model import Verdict

P, V, R, U, E = Verdict.PROVED, Verdict.VERIFIED, Verdict.REFUTED, Verdict.UNDECIDED, Verdict.ERROR


def one(text: str, symbols: dict[str, str] | None = None):
    (r,) = check_latex(f"$${text}$$\n", symbols=symbols)
    return r


def with_law(law: dict[str, str], text: str, symbols: dict[str, str] | None = None):
    """A step read under front matter that declares random variables (``random:``)."""
    random = ", ".join(f'{k}: "{v}"' for k, v in law.items())
    syms = ", ".join(f"{k}: {v}" for k, v in (symbols or {}).items())
    front = f"---\nderive:\n  random: {{{random}}}\n" + (f"  symbols: {{{syms}}}\n" if syms else "") + "---\n"
    (r,) = check_latex(front + f"$${text}$$\n")
    return r


# -- conditional bars ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "other",
    [
        r"p(x \mid \mu)",
        r"p(x \vert \mu)",
        r"p\left(x \middle| \mu\right)",
        r"p( x\,|\,\mu )",
        r"p\left(x \,\middle\vert\, \mu\right)",
    ],
)
def test_every_spelling_of_the_conditional_bar_is_the_same_bar(other: str) -> None:
    r = one(f"p(x|\\mu) = {other}")
    assert r.verdict is P, r.detail
    assert r.detail == "lhs - rhs simplifies to 0"


@pytest.mark.parametrize("other", [r"p(x, \mu)", r"p(\mu | x)", r"p(x)", r"q(x|\mu)", r"p(x; \mu)"])
def test_a_conditional_is_not_the_joint_the_reverse_the_marginal_or_the_parametrised_density(other: str) -> None:
    r = one(f"p(x|\\mu) = {other}")
    assert r.verdict is U, r.detail  # unknown functions (or, for q, a definition of p): never proved
    assert one(f"2 p(x|\\mu) = p(x|\\mu) + {other}").verdict is U


def test_semicolon_parameters_are_read() -> None:
    r = one(r"\log p(\mathcal{D}; \theta) = \log p(\mathcal{D};\theta)")
    assert r.verdict is P
    assert one(r"p(\mathcal{D}; \theta) = p(\mathcal{D}; \phi)").verdict is U


def test_the_log_of_a_product_of_unknown_densities_is_split_only_as_probabilities() -> None:
    # log(ab) = log a + log b needs a, b > 0: p written with a bar is probability notation, and a
    # probability is positive where its log is taken (the definition of conditional probability)
    r = one(r"\log p(x|\mu) + \log p(\mu) = \log \left(p(x|\mu) p(\mu)\right)")
    assert r.verdict is P, r.detail
    assert "definition of conditional probability" in r.detail
    # rearranging the same logs is proved
    assert one(r"\log p(x|\mu) + \log p(\mu) = \log p(\mu) + \log p(x \mid \mu)").verdict is P
    # false variants: never accepted
    wrong = one(r"\log p(x|\mu) + \log p(\mu) = \log p(x|\mu) \log p(\mu)")
    assert wrong.verdict is U
    assert "unknown function" in wrong.detail
    assert one(r"\log p(x|\mu) + \log p(\mu) = \log \left(p(x|\mu) + p(\mu)\right)").verdict is U


def test_a_function_without_a_bar_is_not_made_positive() -> None:
    # f(x) with no bar anywhere on its side is any function: its log does not split
    assert one(r"\log f(x) + \log f(y) = \log (f(x) f(y))").verdict is U


def test_an_event_argument_is_read_and_keeps_its_variable() -> None:
    assert one(r"p(x=0|\mu) + p(x=1|\mu) = p(x=1|\mu) + p(x=0|\mu)").verdict is P
    r = one(r"p(x=0|\mu) = 1 - \mu")
    assert r.verdict is U
    assert "unknown function" in r.detail
    assert one(r"P(Y_n = k|\mathbf{x}_n) = P(Y_n = k \mid \mathbf{x}_n)").verdict is P
    assert one(r"P(X > 0) + P(X \le 0) = P(X \leq 0) + P(X>0)").verdict is P
    # P(X = 1) and P(Y = 1) are not one value: X and Y may have different laws
    assert one(r"P(X = 1) = P(Y = 1)").verdict is U
    assert one(r"p(x = 0 | \mu) = p(0 | \mu)").verdict is U
    # under a product the event keeps its index: never p(t_1 = 1)^N
    assert one(r"\prod_{n=1}^{N} p(t_n = 1 | \phi) = p(t_1 = 1 | \phi)^N").verdict is U
    # an indicator of an event, I(Z_i = k), is an opaque function of it too
    assert one(r"\sum_{k=1}^{K} I(Z_i = k) \pi_k = \sum_{k=1}^{K} \pi_k I(Z_i = k)").verdict is P
    assert one(r"I(Z_i = k) = I(Z_i = j)").verdict is U


def test_a_bar_inside_an_absolute_value_stays_an_absolute_value() -> None:
    assert one(r"|x| = x", {"x": "real"}).verdict is R
    assert one(r"|x| = x", {"x": "positive"}).verdict is P
    # |x| as the argument of a conditional density: still the absolute value, not a bar
    assert one(r"p(|x| \mid \mu) = p(|-x| \mid \mu)", {"x": "real"}).verdict is P


def test_a_name_declared_a_function_takes_every_bar() -> None:
    front = "---\nderive:\n  functions: [p, H]\n---\n"
    (r,) = check_latex(front + "$$p(x \\mid \\mu) + H[x] = H[x] + p(x|\\mu)$$\n")
    assert r.verdict is P
    (r,) = check_latex(front + "$$p(x \\mid \\mu) = p(x; \\mu)$$\n")
    assert r.verdict is U


def test_a_declared_scalar_before_parentheses_is_not_a_density() -> None:
    # p declared a number: p(x|mu) is no density derive may invent; never proved, never refuted
    r = one(r"\log p(x|\mu) + \log p(\mu) = \log (p(x|\mu) p(\mu))", {"p": "real"})
    assert r.verdict in (E, U)


def test_conditional_expectation_is_opaque_never_the_unconditional_one() -> None:
    assert one(r"\mathbb{E}[x \mid y] = \mathbb{E}[x|y]").verdict is P
    r = with_law({"x": "Normal(0, 1)", "y": "Normal(0, 1)"}, r"\mathbb{E}[x \mid y] = \mathbb{E}[x]")
    assert r.verdict is U
    assert "E(x, given(y))" in r.detail


# -- Bishop's density notation -----------------------------------------------------------------


@pytest.mark.parametrize(
    "density",
    [
        r"\mathcal{N}(x|0,1)",
        r"\mathcal{N}(x \mid 0, 1)",
        r"\mathcal N\left(x\,\middle|\,0,1\right)",
        r"\mathcal{N}(x;0,1)",
    ],
)
def test_the_standard_normal_density_in_bishop_notation(density: str) -> None:
    r = one(f"{density} = \\frac{{1}}{{\\sqrt{{2\\pi}}}} e^{{-x^2/2}}")
    assert r.verdict is P, r.detail
    wrong = one(f"{density} = \\frac{{1}}{{2\\pi}} e^{{-x^2/2}}")
    assert wrong.verdict is R
    assert "is nonzero for every value" in wrong.detail


GAUSS = r"\frac{1}{\sqrt{2\pi\sigma^2}} \exp\left(-\frac{(x-\mu)^2}{2\sigma^2}\right)"
SIGMA = {"x": "real", "mu": "real", "sigma": "positive"}


def test_the_gaussian_density_with_parameters() -> None:
    assert one(rf"\mathcal{{N}}(x|\mu,\sigma^2) = {GAUSS}", SIGMA).verdict is P
    # a bare sigma may be the variance (Bishop) or the standard deviation (others), and the step
    # holds under the second reading: not refuted, an error naming both
    r = one(rf"\mathcal{{N}}(x|\mu,\sigma) = {GAUSS}", SIGMA)
    assert r.verdict is E, r.detail
    assert "may be the variance (Bishop) or the standard deviation" in r.detail
    square = r"\frac{(x-\mu)^2}{2\sigma^2}"
    assert one(rf"\ln \mathcal{{N}}(x|\mu,\sigma^2) = -\frac{{1}}{{2}}\ln(2\pi\sigma^2) - {square}", SIGMA).verdict is P
    assert one(rf"\ln \mathcal{{N}}(x|\mu,\sigma^2) = -\ln(2\pi\sigma^2) - {square}", SIGMA).verdict is R


def test_the_log_likelihood_of_a_gaussian_sample_bishop_1_54() -> None:
    kinds = {"mu": "real", "sigma": "positive", "N": "positive integer"}
    lhs = r"\ln \prod_{n=1}^{N} \mathcal{N}(x_n|\mu,\sigma^2)"
    square = r"\frac{1}{2\sigma^2}\sum_{n=1}^{N} (x_n-\mu)^2"
    r = one(rf"{lhs} = -{square} - \frac{{N}}{{2}}\ln\sigma^2 - \frac{{N}}{{2}}\ln(2\pi)", kinds)
    assert r.verdict is V, r.detail
    assert "with x_n drawn independently" in r.detail
    wrong = one(rf"{lhs} = -{square} - N\ln\sigma^2 - \frac{{N}}{{2}}\ln(2\pi)", kinds)
    assert wrong.verdict is R
    assert "confirmed at 100 digits" in wrong.detail


def test_a_normal_without_a_bar_stays_a_distribution() -> None:
    assert one(r"\mathbb{E}_{x \sim \mathcal{N}(\mu, \sigma^2)}[x] = \mu", SIGMA).verdict is P
    assert one(r"\mathbb{E}_{x \sim \mathcal{N}(\mu, \sigma^2)}[x^2] = \mu^2", SIGMA).verdict is R


def test_an_expectation_over_a_density_in_bishop_notation() -> None:
    # with \sim the variable is drawn from the law; without, derive cannot tell the claim that x is
    # random (a Monte Carlo run would take x for a parameter): opaque, never refuted
    assert one(r"\mathbb{E}_{x \sim \mathcal{N}(x|\mu,\sigma^2)}[x^2] = \mu^2 + \sigma^2", SIGMA).verdict is P
    assert one(r"\mathbb{E}_{x \sim \mathcal{N}(x|\mu,\sigma^2)}[x^2] = \mu^2", SIGMA).verdict is R
    assert one(r"\mathbb{E}_{x \sim N(x|\mu,\sigma^2)}[x] = \mu", SIGMA).verdict is P
    r = one(r"\mathbb{E}_{\mathcal{N}(x|\mu,\sigma^2)}[x^2] = \mu^2 + \sigma^2", SIGMA)
    assert r.verdict is U
    assert "unknown function E_{N(x|mu,sigma^2)}" in r.detail


def test_the_multivariate_gaussian_density_of_declared_vectors() -> None:
    kinds = {"x": "vector 2", "mu": "vector 2", "Sigma": "spd matrix 2x2"}
    true = (
        r"\ln \mathcal{N}(\mathbf{x}|\boldsymbol{\mu},\boldsymbol{\Sigma}) = -\ln(2\pi) - \frac{1}{2}\ln(\det\Sigma)"
        r" - \frac{1}{2}(\mathbf{x}-\boldsymbol{\mu})^T\Sigma^{-1}(\mathbf{x}-\boldsymbol{\mu})"
    )
    assert one(true, kinds).verdict in (P, V)
    assert one(true.replace(r"\frac{1}{2}\ln(\det\Sigma)", r"\ln(\det\Sigma)"), kinds).verdict is R
    # a point that is not a declared vector of the mean's size is no density derive guesses
    assert one(r"\mathcal{N}(y|\boldsymbol{\mu},\boldsymbol{\Sigma}) = 1", kinds).verdict is E


def test_bernoulli_in_bishop_notation() -> None:
    kinds = {"x": "real", "mu": "probability"}
    assert one(r"\mathrm{Bern}(x|\mu) = \mu^x (1-\mu)^{1-x}", kinds).verdict is P
    assert one(r"\mathrm{Bern}(1|\mu) = \mu", kinds).verdict is P
    assert one(r"\mathrm{Bern}(0|\mu) = \mu", kinds).verdict is R
    assert one(r"\mathrm{Bern}(x|\mu)\,\mathrm{Bern}(y|\mu) = \mu^{x+y}(1-\mu)^{2-x-y}", kinds).verdict is P
    assert one(r"\ln \mathrm{Bern}(x|\mu) = x \ln \mu + x\ln(1-\mu)", kinds).verdict is R


def test_beta_gamma_and_binomial_in_bishop_notation() -> None:
    pos = {"mu": "probability", "a": "positive", "b": "positive", "lambda": "positive"}
    beta = r"\frac{\Gamma(a+b)}{\Gamma(a)\Gamma(b)} \mu^{a-1} (1-\mu)^{b-1}"
    assert one(rf"\mathrm{{Beta}}(\mu|a,b) = {beta}", pos).verdict in (P, V)
    assert one(rf"\mathrm{{Beta}}(\mu|b,a) = {beta}", pos).verdict is R
    gam = r"\frac{1}{\Gamma(a)} b^a \lambda^{a-1} e^{-b\lambda}"
    assert one(rf"{gam} = \mathrm{{Gam}}(\lambda|a,b)", pos).verdict is P
    assert one(rf"\mathrm{{Gamma}}(\lambda|a,b) = {gam}", pos).verdict is P
    assert one(rf"\mathrm{{Gam}}(\lambda|a,b) = {gam}", pos).verdict is P
    wrong = r"\frac{1}{\Gamma(a)} b^{a-1} \lambda^{a-1} e^{-b\lambda}"
    assert one(rf"\mathrm{{Gam}}(\lambda|a,b) = {wrong}", pos).verdict is R
    kinds = {"m": "positive integer", "N": "positive integer", "mu": "probability"}
    assert one(r"\mathrm{Bin}(2|4,\mu) = 6 \mu^2 (1-\mu)^2", kinds).verdict is P
    assert one(r"\mathrm{Bin}(2|4,\mu) = 4 \mu^2 (1-\mu)^2", kinds).verdict is R
    assert one(r"\text{Bin}(2 | 4, \mu) = 6 \mu^2 (1-\mu)^2", kinds).verdict is P


# -- named operators and the law stated elsewhere ------------------------------------------------

LAW = {"x": "Normal(1, 1)"}


@pytest.mark.parametrize("var", [r"\text{var}[x]", r"\operatorname{var}[x]", r"\mathrm{Var}(x)", r"\mathrm{Var}[x]"])
def test_the_variance_of_a_random_variable_is_its_variance(var: str) -> None:
    r = with_law(LAW, f"{var} = \\mathbb{{E}}[x^2] - \\mathbb{{E}}[x]^2")
    assert r.verdict is P, r.detail
    assert with_law(LAW, f"{var} = 1").verdict is P
    wrong = with_law(LAW, f"{var} = \\mathbb{{E}}[x^2]")
    assert wrong.verdict is R
    assert "-1" in wrong.detail  # Var = 1 while E[x^2] = 2


def test_variance_and_entropy_of_a_discrete_law() -> None:
    law, kinds = {"x": "Bernoulli(mu)"}, {"mu": "probability"}
    assert with_law(law, r"\mathrm{Var}[x] = \mu(1-\mu)", kinds).verdict is P
    wrong = with_law(law, r"\mathrm{Var}[x] = \mu(1+\mu)", kinds)
    assert wrong.verdict is R
    assert "is nonzero for every value the assumptions allow" in wrong.detail
    assert with_law(law, r"\mathrm{H}[x] = -\mu\ln\mu - (1-\mu)\ln(1-\mu)", kinds).verdict is P
    assert with_law(law, r"\mathrm{H}[x] = -\mu\ln\mu", kinds).verdict in (R, U)


def test_the_variance_without_a_law_stays_an_unknown_function() -> None:
    # no law is guessed: the definition holds for every law (derive.tiers._linearity), a wrong one is undecided
    r = one(r"\text{var}[x] = \mathbb{E}[x^2] - \mathbb{E}[x]^2")
    assert r.verdict is P
    assert "Var by definition" in r.detail
    r = one(r"\text{var}[x] = \mathbb{E}[x^2] + \mathbb{E}[x]^2")
    assert r.verdict is U
    assert "Var" in r.detail  # an unknown function Var (the every-function check names it with E)


def test_covariance_of_random_variables() -> None:
    law = {"x": "Normal(1, 1)", "y": "Normal(0, 4)"}
    assert with_law(law, r"\mathrm{Cov}[x, x] = \text{var}[x]").verdict is P
    assert with_law(law, r"\operatorname{cov}(x, y) = 0").verdict is P  # independent draws
    assert with_law(law, r"\operatorname{cov}(x, 2x) = 2").verdict is P
    assert with_law(law, r"\operatorname{cov}(x, 2x) = 1").verdict is R


def test_expectations_read_against_a_law_stated_in_front_matter() -> None:
    law = {"x": "Normal(mu, sigma**2)"}
    kinds = {"mu": "real", "sigma": "positive"}
    assert with_law(law, r"\mathbb{E}[x^2] = \mu^2 + \sigma^2", kinds).verdict is P
    assert with_law(law, r"\mathbb{E}[(x-\mu)^2] = \sigma^2", kinds).verdict is P
    assert with_law(law, r"\text{var}[x] = \sigma^2", kinds).verdict is P
    assert with_law(law, r"\text{var}[x] = 2\sigma^2", kinds).verdict is R


def test_a_law_stated_in_prose_reads_the_variance() -> None:
    text = "Let $x \\sim \\mathcal{N}(\\mu, \\sigma^2)$ with $\\sigma > 0$.\n\n"
    results = check_latex(text + "$$\\text{var}[x] = \\sigma^2$$\n\n$$\\text{var}[x] = 2\\sigma^2$$\n")
    assert [r.verdict for r in results] == [P, R]
    assert "x random, from x \\sim \\mathcal{N}(\\mu, \\sigma^2) (line 1)" in results[0].detail


def test_entropy_written_upright_is_the_entropy_of_the_law() -> None:
    r = with_law(LAW, r"\mathrm{H}[x] = \frac{1}{2}\ln(2\pi e)")
    assert r.verdict is P, r.detail
    assert with_law(LAW, r"\mathrm{H}[x] = \ln(2\pi e)").verdict is R
    assert with_law({"u": "Uniform(0, 2)"}, r"\mathrm{H}[u] = \ln 2").verdict is P
    assert with_law({"u": "Exponential(2)"}, r"\mathrm{H}[u] = 1 - \ln 2").verdict is P
    assert with_law({"u": "Exponential(2)"}, r"\mathrm{H}[u] = \ln 2").verdict is R
    # a bare capital before a bracket keeps both readings: the entropy or a function H
    bare = with_law(LAW, r"H[x] = \frac{1}{2}\ln(2\pi e)")
    assert bare.verdict is U


@pytest.mark.parametrize(
    "kl", [r"\mathrm{KL}(p\|q)", r"\operatorname{KL}(p \| q)", r"D_{\mathrm{KL}}(p\|q)", r"KL(p||q)"]
)
def test_every_spelling_of_kl_is_the_same_divergence(kl: str) -> None:
    assert one(f"{kl} = D_{{KL}}(p \\| q)").verdict is P
    assert one(f"{kl} = D_{{KL}}(q \\| p)").verdict is U


def test_kl_between_gaussian_densities_in_bishop_notation() -> None:
    kinds = {"mu_1": "real", "mu_2": "real", "sigma_1": "positive", "sigma_2": "positive"}
    closed = r"\ln\frac{\sigma_2}{\sigma_1} + \frac{\sigma_1^2 + (\mu_1-\mu_2)^2}{2\sigma_2^2} - \frac{1}{2}"
    kl = r"\mathrm{KL}(\mathcal{N}(x|\mu_1,\sigma_1^2) \| \mathcal{N}(x|\mu_2,\sigma_2^2))"
    assert one(f"{kl} = {closed}", kinds).verdict is P
    wrong = closed.replace(r"- \frac{1}{2}", "")
    assert one(f"{kl} = {wrong}", kinds).verdict is R


def test_a_subscripted_e_before_a_bracket_is_an_expectation_otherwise_a_name() -> None:
    assert with_law(LAW, r"\mathbb{E}_x[x^2] = 2").verdict is P
    assert with_law(LAW, r"E_x[x^2] = 3").verdict is R
    # E_x outside a bracket: a name (an energy, a count), not an expectation without its argument
    assert one(r"E_x + E_y = E_y + E_x").verdict is P
    assert one(r"E_x + E_y = 2 E_x").verdict is R


def test_an_expectation_without_brackets_is_of_the_term_that_follows() -> None:
    assert one(r"\mathbb{E}_{x \sim \mathcal{N}(0,1)} x^2 + 1 = 2").verdict is P
    assert one(r"\mathbb{E}_{x \sim \mathcal{N}(0,1)} x^2 + 1 = 3").verdict is R
    # over a law derive cannot name: read (no error), opaque, never the constant
    r = one(r"\mathbb{E}_{q(y|x)} \log p(x,y) - \mathbb{E}_{q(y|x)} \log q(y|x) = \log p(x,y) - \log q(y|x)")
    assert r.verdict is U
    assert "unknown function E_{q(y|x)}" in r.detail
    # a plain E still needs its bracket (E x may be a product)
    assert one(r"E_x x = E_x x").verdict is P
    # \mathbb E without braces is the blackboard E all the same: never the name E_x
    assert with_law(LAW, r"\mathbb E_x x^2 = 2").verdict is P
    assert with_law(LAW, r"\mathbb E_x x^2 = 1").verdict is R
    assert with_law(LAW, r"\operatorname{E}_x x^2 = 2").verdict is P
    assert with_law(LAW, r"E_x x^2 = 2").verdict is U  # E_x times x^2, or an expectation: not guessed


def test_a_divergence_in_square_brackets() -> None:
    assert one(r"D_{KL}[P\,||\,Q] = D_{KL}(P \| Q)").verdict is P
    assert one(r"\mathrm{KL}[P\,||\,Q] = \mathrm{KL}(P \| Q)").verdict is P
    # a semicolon in a divergence separates its two arguments: never a density given parameters
    assert one(r"D_{KL}(P ; Q) = D_{KL}(P \| Q)").verdict is P
    assert one(r"D_{KL}[P \| Q] = D_{KL}(Q \| P)").verdict is U


def test_expectation_over_an_unnamed_density_stays_opaque() -> None:
    assert one(r"\mathbb{E}_{p(x)}[f(x)] = \mathbb{E}_{p(x)}[f(x)]").verdict is P
    r = one(r"\mathbb{E}_{p(x)}[f(x)] = f(x)")
    assert r.verdict is U


# -- attacks: nesting is read once per bracket, bars inside absolute values stay absolute values --


def test_nested_conditional_expectations_and_absolute_values() -> None:
    assert one(r"\mathbb{E}[\mathbb{E}[x \mid y] \mid z] = \mathbb{E}[\mathbb{E}[x|y]|z]").verdict is P
    assert one(r"\mathbb{E}[|x| \mid y] = \mathbb{E}[\left|x\right| | y]").verdict is P
    # two bars are an absolute value, not a condition: E[a|x|] of a random x is evaluated
    assert with_law({"x": "Normal(0, 1)"}, r"\mathbb{E}[2|x|] = 2\mathbb{E}[|x|]").verdict is P


@pytest.mark.parametrize(
    "side",
    [
        r"\mathbb{E}_{q} " * 40 + "x",
        r"\mathrm{H}[" * 30 + "x" + "]" * 30,
        r"\mathbb{E}[" * 30 + "x | y" + "]" * 30,
        r"p(" * 30 + "x | y" + ")" * 30,
    ],
)
def test_deep_nesting_is_read_in_linear_time(side: str) -> None:
    began = time.perf_counter()
    r = with_law({"x": "Normal(0, 1)"}, f"{side} = {side}")
    assert r.verdict in (P, U, E)
    assert time.perf_counter() - began < 60  # a bracket read twice per level would take 2^30 reads
