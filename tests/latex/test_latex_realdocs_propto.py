"""Real documents: ``\\propto`` chains checked in their variable, and three document-reading gaps.

``A \\propto B`` in v holds iff A/B does not depend on v and is positive. derive checks it as
"A/B equals its value at one point of v" where the text names v (the density the chain starts
with, ``p(\\theta|D)`` -> θ, or ``\\propto_\\theta``) and the factor is provably positive there;
otherwise the block keeps saying it holds a relation derive does not check.
"""

from __future__ import annotations

import derive
from derive import Verdict
from derive.latex import read_document, split_block
from derive.model import Relation

PROVED, VERIFIED, REFUTED, UNDECIDED = Verdict.PROVED, Verdict.VERIFIED, Verdict.REFUTED, Verdict.UNDECIDED
UNCHECKED = "equal up to a positive factor that does not depend on the variable, not an equality"


def _verdicts(text: str, **kw: object) -> list[Verdict]:
    return [r.verdict for r in derive.check_latex(text, **kw)]  # type: ignore[arg-type]


# -- the variable, and a true or false proportionality --------------------------------------------------


def test_a_true_proportionality_in_the_posteriors_variable_is_proved() -> None:
    text = r"$$p(\theta|D) \propto \theta^2 (1-\theta) \propto \theta^2 - \theta^3$$"
    doc = read_document(text)
    assert [(s.lhs_tex, s.rhs_tex, s.proportional_in) for s in doc.steps if s.kind == "step"] == [
        (r"p(\theta|D)", r"\theta^2 (1-\theta)", ""),
        (r"\theta^2 (1-\theta)", r"\theta^2 - \theta^3", "theta"),
    ]
    results = derive.check_latex(text)
    # the first link names the density itself (nothing derive can write out): read, and undecided with why
    assert [r.verdict for r in results] == [UNDECIDED, PROVED]
    assert "\\propto in \\theta" in results[1].claim.statement
    assert "a function derive does not know" in (results[0].detail or "")
    assert "\\propto" in results[0].claim.statement  # shown with the relation written, not as an equality


def test_completing_the_square_in_a_gaussian_posterior_is_proved() -> None:
    text = (
        r"$$p(\theta|D) \propto \exp(-\frac{(\theta-\mu)^2}{2\sigma^2}) "
        r"\propto \exp(-\frac{\theta^2 - 2\theta\mu}{2\sigma^2})$$"
    )
    assert _verdicts(text) == [UNDECIDED, PROVED]  # the dropped factor exp(-mu^2/2sigma^2) is positive


def test_a_likelihood_over_a_sample_is_checked_in_its_parameter() -> None:
    text = r"$$L(\mu) \propto \prod_{i=1}^n e^{-(x_i-\mu)^2/2} \propto e^{-\sum_{i=1}^n (x_i-\mu)^2/2}$$"
    results = derive.check_latex(text)
    assert [r.verdict for r in results] == [UNDECIDED, VERIFIED]
    assert "says nothing about other n" in (results[1].detail or "")


def test_a_ratio_that_depends_on_the_variable_is_refuted_at_a_point() -> None:
    results = derive.check_latex(r"$$p(\theta) \propto \theta^2 e^{-\theta} \propto \theta e^{-\theta}$$")
    assert [r.verdict for r in results] == [UNDECIDED, REFUTED]
    ce = results[1].evidence.counterexample
    assert ce is not None and [name for name, _ in ce.values] == ["theta"]


def test_a_wrong_gaussian_exponent_is_refuted() -> None:
    text = (
        r"$$p(\theta|D) \propto \exp(-\frac{(\theta-\mu)^2}{2\sigma^2}) "
        r"\propto \exp(-\frac{\theta^2 - \theta\mu}{2\sigma^2})$$"
    )
    assert _verdicts(text) == [UNDECIDED, REFUTED]


def test_the_variable_may_be_written_on_the_relation() -> None:
    assert _verdicts(r"$$\theta^2 e^{-x} \propto_\theta \theta^2$$") == [PROVED]
    assert _verdicts(r"$$\theta^2 e^{-x} \propto_{x} \theta^2$$") == [REFUTED]  # in x the factor is e^{-x}


def test_earlier_definitions_are_applied_to_both_sides() -> None:
    text = r"$$a = \mu^2$$ $$p(\mu) \propto e^{a} \propto e^{\mu}$$"
    assert _verdicts(text)[2] is REFUTED  # e^{mu^2} / e^{mu} depends on mu
    text = r"$$a = \mu^2$$ $$p(\mu) \propto e^{a} \propto e^{\mu^2 + 1}$$"
    assert _verdicts(text)[2] is PROVED


# -- the factor's sign ---------------------------------------------------------------------------------


def test_a_negative_or_zero_factor_is_never_accepted() -> None:
    for text in (r"$$p(x) \propto -e^{-x} \propto e^{-x}$$", r"$$p(x) \propto 0 \propto e^{-x}$$"):
        results = derive.check_latex(text)
        assert [r.verdict for r in results] == [UNDECIDED, UNDECIDED], text
        assert "not known to be positive" in (results[1].detail or "")


def test_a_factor_of_unknown_sign_is_checked_once_its_sign_is_declared() -> None:
    text = r"$$p(x) \propto a e^{-x} \propto e^{-x}$$"
    results = derive.check_latex(text)
    assert [r.verdict for r in results] == [UNDECIDED, UNDECIDED]
    assert "declare the sign" in (results[1].detail or "")
    assert _verdicts(text, symbols={"a": "positive"}) == [UNDECIDED, PROVED]


# -- no variable derive can name: unchanged ---------------------------------------------------------------


def test_a_chain_with_no_clear_variable_keeps_the_unchecked_message() -> None:
    for text in (r"$$2x \propto x$$", r"$$p(x, y) \propto x y \propto 2 x y$$", r"$$2 \propto 4$$"):
        results = derive.check_latex(text)
        assert [r.verdict for r in results][-1] is UNDECIDED, text
        assert all(UNCHECKED in (r.detail or "") and r.verdict is UNDECIDED for r in results), text
        assert all("\\propto" in r.claim.statement for r in results), text


def test_a_density_on_either_side_is_not_checked() -> None:
    text = r"$$p(\theta|D) \propto p(D|\theta)p(\theta) \propto \exp(-\frac{(\theta-\mu)^2}{2\sigma^2})$$"
    results = derive.check_latex(text)
    # Bayes' rule (probabilities alone on both sides) is proved by the probability calculus (CONST);
    # a density beside an expression it does not write out stays unchecked
    assert [r.verdict for r in results] == [PROVED, UNDECIDED]
    assert "a function derive does not know" in (results[1].detail or "")


def test_a_proportionality_is_no_equality_for_split_block_or_a_definition() -> None:
    assert split_block(r"p(x) \propto e^{-x}") == []
    doc = read_document(r"Here $p(x) \propto e^{-x}$. $$p(1) = e^{-1}$$")
    assert [s.uses for s in doc.steps] == [()]  # the prose's proportionality defines no p


# -- attacks ---------------------------------------------------------------------------------------------


def test_a_variable_bound_inside_a_side_is_not_given_a_value() -> None:
    results = derive.check_latex(r"$$p(\theta) \propto \sum_{\theta=1}^{3} \theta^2 \propto 14$$")
    assert [r.verdict for r in results] == [UNDECIDED, UNDECIDED]
    assert "bound inside a side" in (results[1].detail or "")


def test_the_variable_in_the_dropped_factor_is_caught() -> None:
    # theta x e^{-x} / (x e^{-x}) = theta: the dropped factor depends on the variable
    assert _verdicts(r"$$p(\theta|x) \propto \theta x e^{-x} \propto x e^{-x}$$") == [UNDECIDED, REFUTED]
    # x e^{-x} theta / (theta e^{-x}) = x: free of theta, and positive once x is
    text = r"$$p(\theta|x) \propto x e^{-x} \theta \propto \theta e^{-x}$$"
    assert _verdicts(text, symbols={"x": "positive"}) == [UNDECIDED, PROVED]


def test_a_proportionality_between_numbers_claims_nothing_about_the_variable() -> None:
    results = derive.check_latex(r"$$p(x) \propto 2 \propto 4$$")
    assert [r.verdict for r in results] == [UNDECIDED, UNDECIDED]
    assert "neither side depends on x" in (results[1].detail or "")


# -- named functions in \text, \hbox annotations ---------------------------------------------------------


def test_an_acronym_before_its_argument_bracket_is_a_function_not_prose() -> None:
    doc = read_document(r"$$\textrm{CE} (P, Q) = H(P) + D_{\textrm{KL}}(P\|Q)$$")
    assert doc.steps[0].lhs_tex == r"\textrm{CE} (P, Q)"
    assert split_block(r"\textrm{MSE} (a, b) = (a - b)^2")[0][0] == r"\textrm{MSE} (a, b)"
    # a word of prose before a bracket stays an annotation
    assert split_block(r"\text{Thus} (a+b)^2 = a^2 + 2ab + b^2") == [("(a+b)^2", Relation.EQ, "a^2 + 2ab + b^2")]


def test_an_hbox_annotation_after_a_relation_is_dropped_like_text() -> None:
    assert split_block(r"u^T D u \ge 0 \hbox{(it's a sum of squares)}") == [("u^T D u", Relation.GE, "0")]
    assert _verdicts(r"$$x^2 - 1 = (x-1)(x+1) \hbox{ by algebra}$$") == [PROVED]


# -- MyST and Jekyll math ---------------------------------------------------------------------------------

_MYST = """Intro.

```{math}
:label: eq-sq
(a+b)^2 = a^2 + 2ab + b^2

(a-b)^2 = a^2 + b^2
```

```{admonition} Check
The identity $$x^2 - 1 = (x-1)(x+1)$$ holds.
```

```python
y = 2  # $$ 1 = 2 $$
```

{% math %}
2 + 2 = 5
{% endmath %}
"""


def test_myst_math_fences_admonitions_and_jekyll_math_are_read() -> None:
    doc = read_document(_MYST, path="notes.md")
    assert [b.kind for b in doc.blocks] == ["{math}", "$$", "{% math %}"]
    assert [(s.lhs_tex, s.rhs_tex, s.line) for s in doc.steps] == [
        ("(a+b)^2", "a^2 + 2ab + b^2", 5),  # the :label: option is no math
        ("(a-b)^2", "a^2 + b^2", 7),  # a blank line separates MyST equations: no chain through both
        ("x^2 - 1", "(x-1)(x+1)", 11),
        ("2 + 2", "5", 19),
    ]
    assert _verdicts(_MYST) == [PROVED, REFUTED, PROVED, REFUTED]  # the python fence stays code


def test_a_variable_whose_entries_a_side_uses_is_not_given_one_value() -> None:
    # x := 1/3 would leave the x_i free, and "constant in x" would hold for a product that is not
    results = derive.check_latex(r"$$p(x) \propto \prod_{i=1}^n e^{-x_i^2} \propto 1$$")
    assert [r.verdict for r in results] == [UNDECIDED, UNDECIDED]
    assert "entries of x" in (results[1].detail or "")


def test_a_variable_declared_as_a_vector_is_not_given_a_scalar_value() -> None:
    results = derive.check_latex(r"$$p(w) \propto e^{-w^T w} \propto 1$$", symbols={"w": "vector 2"})
    assert PROVED not in [r.verdict for r in results] and REFUTED not in [r.verdict for r in results]


def test_a_myst_math_role_is_inline_math() -> None:
    text = "Let {math}`\\sigma > 0` be given. Then {math}`2+2=5` and\n\n$$ \\sqrt{\\sigma^2} = \\sigma $$\n"
    assert _verdicts(text) == [PROVED]  # the role declares sigma positive, as $\sigma > 0$ would
    assert _verdicts(text, inline=True) == [Verdict.UNDECIDED, REFUTED, PROVED]


def test_the_variable_may_be_named_in_an_annotation_after_the_chain() -> None:
    assert _verdicts(r"$$\theta^2 e^{-x} \propto \theta^2 \quad \text{(in } \theta)$$") == [PROVED]
    assert _verdicts(r"$$\theta^2 e^{-x} \propto \theta^2 \quad \text{as a function of } x$$") == [REFUTED]
    # any other annotation names no variable: unchanged
    results = derive.check_latex(r"$$\theta^2 e^{-x} \propto \theta^2 \quad \text{(by algebra)}$$")
    assert [r.verdict for r in results] == [UNDECIDED] and UNCHECKED in (results[0].detail or "")


def test_random_names_are_values_of_a_pointwise_proportionality() -> None:
    # a posterior in mu of data X ~ N(mu, 1): checked for every value of X; proved, it holds on the law's support
    head = r"Let $X \sim \mathcal{N}(\mu, 1)$. "
    assert _verdicts(head + r"$$p(\mu|X) \propto e^{-(X-\mu)^2/2} \propto e^{X\mu - \mu^2/2}$$") == [UNDECIDED, PROVED]
    # refuted at a point that gives X a value, which may lie outside the law's support: only undecided
    results = derive.check_latex(head + r"$$p(\mu|X) \propto e^{-(X-\mu)^2/2} \propto e^{X\mu - \mu^2}$$")
    assert [r.verdict for r in results] == [UNDECIDED, UNDECIDED]
    assert "X is random in the text" in (results[1].detail or "")
    # the variable itself random on (0, 1): refuted at x = -5/2 refutes nothing
    text = r"Let $x \sim \mathcal{U}(0, 1)$. $$p(x) \propto x^2 e^{-1} \propto x$$"
    assert _verdicts(text) == [UNDECIDED, UNDECIDED]
