"""``\\propto`` in the variable of the posterior the chain starts with: a bold name, an event's value, a
list after the bar; Bayes' rule proved by the probability calculus (the ratio 1/p(D) is positive and free
of the variable), anything that is not probabilities alone left to the other routes."""

from __future__ import annotations

import pytest

import derive
from derive import Verdict

P, V, R, U = Verdict.PROVED, Verdict.VERIFIED, Verdict.REFUTED, Verdict.UNDECIDED
ACCEPTED = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)


def _results(text: str, **kw: object) -> list[derive.Result]:  # type: ignore[name-defined]
    return list(derive.check_latex(text, **kw))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "variable"),
    [
        (
            r"$$p(\mathbf{\theta} | x_1, \dots, x_n) \propto p(\mathbf{\theta})p(x_1, \dots, x_n | \mathbf{\theta})$$",
            "theta",
        ),
        (r"$$p(\mathbf{w} \mid \mathbf{y}) \propto p(\mathbf{y} \mid \mathbf{w}) \cdot p(\mathbf{w})$$", "w"),
        (r"$$p(Y_0 = k|\mathbf{x}_0) \propto p(\mathbf{x}_0|Y_0 = k)p(Y_0 = k)$$", "k"),
        (r"$$p(\theta | D) \propto p(\theta, D)$$", "theta"),
        (r"$$p(\theta | D) \propto 2 p(D | \theta) p(\theta)$$", "theta"),
    ],
)
def test_bayes_rule_is_proportional_in_the_posteriors_variable(text: str, variable: str) -> None:
    (r,) = _results(text)
    assert r.verdict is P
    assert f"proportional in {variable}: lhs/rhs does not depend on {variable} and is positive" in (r.detail or "")
    assert "definition of conditional probability" in (r.detail or "")


def test_laws_in_the_prose_do_not_matter_to_bayes_rule() -> None:
    text = (
        r"Let $\mu \sim \mathcal{N}(\mu_0, 1)$ and $X \sim \mathcal{N}(\mu, 1)$. "
        r"$$p(\mu | X) \propto p(X | \mu) p(\mu)$$"
    )
    (r,) = _results(text)
    assert r.verdict is P  # holds for every law: no independence is used
    assert "never says they are independent" not in (r.detail or "")


@pytest.mark.parametrize(
    "text",
    [
        r"$$p(\theta | D) \propto p(D|\theta)$$",  # the prior depends on theta: not a constant factor
        r"$$p(\theta | D) \propto p(D)$$",
        r"$$p(\theta | D) \propto -p(D|\theta)p(\theta)$$",  # a negative factor
        r"$$p(\theta | D) \propto \theta p(D|\theta)p(\theta)$$",  # a factor in the variable
        r"$$p(\theta | D) \propto p(D|\theta)p(\theta) + 1$$",
        r"$$p(s' | s) \propto p(s | s') p(s')$$",  # a kernel read both ways: no joint law
    ],
)
def test_what_is_not_bayes_rule_is_never_accepted_nor_refuted(text: str) -> None:
    (r,) = _results(text)
    assert r.verdict is U, r.detail


def test_a_prior_on_the_wrong_variable_is_not_accepted() -> None:
    (r,) = _results(r"$$p(\theta | D) \propto p(D|\theta)p(D)$$")
    assert r.verdict is U


def test_a_density_of_the_data_alone_is_a_statement_of_the_law() -> None:
    (r,) = _results(r"$$p(y) \propto \exp(-y^2/2 + y)$$")
    assert r.verdict is U
    assert "a function derive does not know" in (r.detail or "")


def test_the_product_of_two_gaussians_in_their_argument() -> None:
    text = r"$$\mathcal{N}(x; m, s^2) \mathcal{N}(x; m, s^2) \propto \mathcal{N}(x; m, s^2/2)$$"
    (r,) = _results(text)
    assert r.verdict in ACCEPTED
    assert "proportional in x" in (r.detail or "")
    wrong = r"$$\mathcal{N}(x; m, s^2) \mathcal{N}(x; m, s^2) \propto \mathcal{N}(x; m, s^2)$$"
    (r,) = _results(wrong)
    assert r.verdict is R
    assert "not proportional in x" in (r.detail or "")


def test_a_value_the_text_fixes_after_bayes_rule_is_one_of_every_value() -> None:
    text = (
        r"$$p(Y_0 = k|\mathbf{x}_0) \propto p(\mathbf{x}_0|Y_0 = k)p(Y_0 = k)$$"
        " We then predict $Y_0 = k$ for whichever value $k$ maximizes the above expression."
    )
    assert [r.verdict for r in _results(text)] == [P]


def test_a_pointwise_proportionality_needs_no_independence() -> None:
    text = (
        r"Let $\mu \sim \mathcal{N}(0, 1)$ and $X \sim \mathcal{N}(\mu, 1)$."
        r"$$p(\mu | X) \propto e^{-(X-\mu)^2/2} e^{-\mu^2/2} \propto e^{-\mu^2 + X \mu}$$"
    )
    rs = _results(text)
    assert rs[-1].verdict is P
    assert "independent" not in (rs[-1].detail or "")


@pytest.mark.parametrize(
    "text",
    [r"$$p(x) \propto e^{-x} \propto -e^{-x}$$", r"$$p(x) \propto x^2 e^{-x} \propto - 2 x^2 e^{-x - a^2}$$"],
)
def test_a_negative_factor_is_never_accepted_nor_refuted(text: str) -> None:
    # y = k x with k < 0 is proportional in the general sense (F \propto -x): only the density's reading
    # needs k > 0, and the link itself does not say which is meant
    r = _results(text)[-1]
    assert r.verdict is U
    assert "not known to be positive" in (r.detail or "")


def test_a_factor_of_unknown_sign_is_not_refuted() -> None:
    r = _results(r"$$p(x) \propto e^{-x} \propto -a e^{-x}$$")[-1]
    assert r.verdict is U
    assert "declare the sign" in (r.detail or "")


def test_the_product_of_two_gaussians_with_unstated_parameters_is_not_refuted() -> None:
    # "for some m_3, s_3": the parameters only the right side writes may be the ones that make it hold
    text = r"$$\mathcal{N}(x; m_1, s_1^2) \mathcal{N}(x; m_2, s_2^2) \propto \mathcal{N}(x; m_3, s_3^2)$$"
    (r,) = _results(text)
    assert r.verdict is U
    assert "appears only right of \\propto" in (r.detail or "")
    stated = (
        r"Let $s_3 = \frac{s_1 s_2}{\sqrt{s_1^2+s_2^2}}$ and $m_3 = s_3^2 ( \frac{m_1}{s_1^2}+ \frac{m_2}{s_2^2})$. "
    )
    assert _results(stated + text)[-1].verdict in ACCEPTED
    assert _results(stated + text.replace("m_3, s_3^2", "m_3, 2 s_3^2"))[-1].verdict is R
