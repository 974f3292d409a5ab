"""Attacks on probability readings a document contradicts (derive.latex.prob_readings, derive.tiers._probability).

- A kernel read both ways between two values of one variable (``p(s'|s)``, ``p(s|s')``): detailed
  balance, not Bayes; the symbolic tier leaves it undecided (checked end to end here).
- A probability name the text defines (``Let $p(a \\mid b) = a - b$``, a polynomial ``p``, ``p = 0.3``)
  or describes as something else (an unnormalised score, a charge, a Markov chain's transition
  probability, a proposal) and a plain E the text defines inside an expectation (``\\mathbb{E}[x - E(x)]``
  after ``Let $E$ denote the energy``): `probability_doubt` names why the proof says nothing. The
  steps are paired here with their results as `derive.latex.context.settle` receives them.
- Neighbours that must keep their proof: Bayes and the product rule with likelihoods, posteriors,
  a probability measure, components ``x_1``, ``x_2``, a kernel used one way, d2l's E[(X - E(X))^2].
"""

from __future__ import annotations

from dataclasses import fields
from unittest.mock import patch

import pytest

import derive
from derive.latex import context
from derive.latex.prob_readings import described_names, probability_doubt
from derive.latex.records import Step
from derive.model import Result, Verdict

#: Whether `derive.latex.context.settle` applies `probability_doubt` (it reads Step.prose).
_WIRED = "prose" in {f.name for f in fields(Step)}

BAYES = r"$$p(x|y)\,p(y) = p(y|x)\,p(x)$$"
CYCLE = r"$$p(x|y)\,p(y|z)\,p(z|x) = p(x|z)\,p(z|y)\,p(y|x)$$"


def _doubts(doc: str) -> list[tuple[str, str, str | None, str]]:
    """(statement, verdict, doubt, final verdict) of each step: the verdict the tiers give, before
    `settle` reads it in the document, the doubt `probability_doubt` gives it there, and the verdict
    `check_latex` reports. Where `settle` applies the doubt (Step.prose), a doubted decided step ends
    undecided. A definition (no `settle`) has no doubt."""
    raw: dict[str, tuple[Step, Result]] = {}
    settle = context.settle

    def spy(step: Step, result: Result) -> Result:
        raw[step.claim.id] = (step, result)
        return settle(step, result)

    with patch.object(context, "settle", spy):
        results = derive.check_latex(doc)
    lines = doc.splitlines()
    out = []
    for final in results:
        step, result = raw.get(final.claim.id, (None, final))
        doubt = None
        if step is not None:
            doubt = probability_doubt(step, result, "\n".join(lines[: max(step.line - 1, 0)]))
        if doubt is not None and _WIRED:
            assert final.verdict is Verdict.UNDECIDED
        out.append((final.claim.statement, result.verdict.value, doubt, final.verdict.value))
    return out


def _last(doc: str) -> tuple[str, str | None]:
    _, verdict, doubt, _ = _doubts(doc)[-1]
    return verdict, doubt


# --- the kernel pair, end to end (derive.tiers._probability) ---------------------------------------


@pytest.mark.parametrize(
    ("doc", "shown"),
    [
        ("Let $p(s'|s)$ be the transition kernel of a Markov chain.\n$$p(s'|s)\\,p(s) = p(s|s')\\,p(s')$$", "p(s'|s)"),
        ("$$P(s'|s,a)\\,P(s,a) = P(s,a|s')\\,P(s')$$", "P(s'|s)"),
        ("$$\\log q(x^*|x) + \\log q(x) = \\log q(x|x^*) + \\log q(x^*)$$", "q(x^*|x)"),
        ("$$p(s|s') = \\frac{p(s'|s)\\,p(s)}{p(s')}$$", "p(s|s')"),
        ("$$P(X=s'|X=s)\\,P(X=s) = P(X=s|X=s')\\,P(X=s')$$", "P(X = s'|X = s)"),
    ],
)
def test_kernel_both_ways_is_undecided_end_to_end(doc: str, shown: str) -> None:
    (result,) = derive.check_latex(doc)
    assert result.verdict is Verdict.UNDECIDED
    assert f"{shown} and " in result.detail
    assert "may be a transition kernel" in result.detail
    assert "only for reversible chains" in result.detail


@pytest.mark.parametrize(
    "doc",
    [
        "$$p(s'|s)\\,p(s) = p(s, s')$$",  # one way: the product rule under both readings
        "$$p(x_1|x_2)\\,p(x_2) = p(x_2|x_1)\\,p(x_1)$$",  # two components: Bayes
        "$$P(A|B) = \\frac{P(B|A)P(A)}{P(B)}$$",
        "$$P(Z_i=k|X_i) = \\frac{P(X_i|Z_i=k)P(Z_i=k)}{P(X_i)}$$",
        # the random variables named, as the kernel detail asks: Bayes for the chain at two times
        "$$P(X_{n+1}=t|X_n=s)\\,P(X_n=s) = P(X_n=s|X_{n+1}=t)\\,P(X_{n+1}=t)$$",
    ],
)
def test_bayes_and_one_way_kernels_stay_proved(doc: str) -> None:
    (result,) = derive.check_latex(doc)
    assert result.verdict is Verdict.PROVED
    assert "definition of conditional probability" in result.detail


# --- names the text defines --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pre", "why"),
    [
        (r"For numbers $a, b$ let $p(a \mid b) = a - b$.", r"defines p otherwise (p(a \mid b) = a - b)"),
        (r"Let $p(a|b) = a - b$ for all numbers $a$ and $b$.", "defines p otherwise (p(a|b) = a - b)"),
        ("Define\n$$p(a|b) = a - b.$$\nThen", "defines p otherwise (p(a|b) = a - b.)"),
        (r"Let $p(a; b) := a b$.", "defines p otherwise (p(a; b) := a b)"),
        (r"Let $p = 0.3$.", "defines p otherwise (p = 0.3)"),
        # a polynomial: no bar, so by its description
        (r"Let $p(t) = t^2 + 1$ be a polynomial and let $|$ denote divisibility.", "says p is a polynomial"),
    ],
)
def test_a_probability_name_the_text_defines_gets_a_doubt(pre: str, why: str) -> None:
    verdict, doubt = _last(pre + "\n" + CYCLE)
    assert verdict == "proved"  # what the tier says; the doubt makes it undecided in settle
    assert doubt is not None
    assert doubt.startswith(
        f"p(...) is read as probability notation (the definition of conditional probability "
        f"proves the step), but the text {why}"
    )
    assert doubt.endswith("under that meaning the proof says nothing, so the step is not decided")


@pytest.mark.parametrize(
    "pre",
    [
        # probability statements, not other meanings: a value, the definition itself, a density, a pmf at a point
        "We are told\n$$P(x|y) = 1/10$$",
        "By definition\n$$p(x|y) = \\frac{p(x, y)}{p(y)}$$",
        "Let $p(x|\\mu) = \\mathcal{N}(x|\\mu, 1)$.",
        "Let $p(x|\\mu) = \\frac{1}{\\sqrt{2\\pi}} e^{-(x - \\mu)^2/2}$.",
        "Then\n$$p(k, N) = \\binom{N}{k} r^k (1 - r)^{N - k}$$",
        # naive Bayes: an "=" inside the product's subscript does not end the body
        "Then\n$$p(x|y) = \\prod_{i: x_i = 1} p(w_i|y)$$",
        # in terms of its own probabilities p_y (a log-likelihood written sloppily)
        "Then\n$$p(x|y) = x \\log p_y + (1 - x) \\log(1 - p_y).$$",
        # an event inside a probability is no definition of p
        "We know $P(p = 1/2) = 1/3$ for the coin.",
    ],
)
def test_a_probability_statement_is_no_other_meaning(pre: str) -> None:
    verdict, doubt = _last(pre + "\n" + BAYES)
    assert (verdict, doubt) == ("proved", None)


def test_a_definition_of_another_name_leaves_the_proof() -> None:
    # q is defined, p is not; p_1 = 0.3 is a value, not the function p
    verdict, doubt = _last("Let $q(t) = t^2$ and $p_1 = 0.3$.\n" + BAYES)
    assert (verdict, doubt) == ("proved", None)


# --- names the prose describes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc", "said"),
    [
        (
            "Here $P$ is an unnormalised score, not a probability.\n$$P(A|B) P(B) = P(B|A) P(A)$$",
            "P is an unnormalised",
        ),
        (
            "Let $q(x|y)$ be the charge at $x$ induced by a unit charge at $y$.\n$$q(x|y) q(y) = q(y|x) q(x)$$",
            "q is the charge",
        ),
        (
            "Let $p(t|s)$ be the transition probability of a Markov chain from state $s$ to state $t$, and $p(s)$ its "
            "stationary distribution.\n$$p(t|s)\\,p(s) = p(s|t)\\,p(t)$$",
            "p is the transition probability of a Markov chain",
        ),
        (
            "Let $q(y|x)$ be a proposal density that moves from $x$ to $y$, and $q(x)$ the initial density.\n"
            "$$q(y|x)\\,q(x) = q(x|y)\\,q(y)$$",
            "q is a proposal density",
        ),
        (
            "Here $\\pi$ is fixed and $p(a|s)$ is the policy of the agent.\n$$p(a|s)\\,p(s) = p(s|a)\\,p(a)$$",
            "p is the policy",
        ),
    ],
)
def test_a_name_the_prose_describes_as_no_probability_gets_a_doubt(doc: str, said: str) -> None:
    verdict, doubt = _last(doc)
    assert verdict == "proved"
    assert doubt is not None
    assert doubt.startswith(f"{said.split(maxsplit=1)[0]}(...) is read as probability notation")
    assert f"the text says {said}" in doubt


def test_a_kernel_description_names_the_kernel_reading() -> None:
    doc = "Let $p(t|s)$ be the transition probability from state $s$ to state $t$.\n$$p(t|s)\\,p(s) = p(s|t)\\,p(t)$$"
    _, doubt = _last(doc)
    assert doubt is not None
    assert "a transition kernel, applied from one value to another, not the conditional of one joint" in doubt


@pytest.mark.parametrize(
    "pre",
    [
        "Let $p(x|y)$ be the likelihood of the data and $p(y)$ the prior.",
        "Here $P$ is a probability measure on the events.",
        "Let $q(x|y)$ be the variational posterior.",
        "The evidence $p(x)$ is given by the sum over $y$.",  # "is given by" is no description
        "Let $p$ denote the joint distribution of $x$ and $y$.",
        "",
    ],
)
def test_a_probability_description_keeps_the_proof(pre: str) -> None:
    verdict, doubt = _last(pre + "\n" + BAYES)
    assert (verdict, doubt) == ("proved", None)


# --- a plain E the text defines, inside an expectation -----------------------------------------------

STEP_E = r"$$\mathbb{E}[x - E(x)] = 0$$"


@pytest.mark.parametrize(
    ("pre", "why"),
    [
        ("Let $E$ denote the energy, with $E(x) = x^2 + 1$.", "defines E otherwise (E(x) = x^2 + 1)"),
        ("Here $E$ denotes the energy function, $E(x) = x^2 + 1$.", "defines E otherwise (E(x) = x^2 + 1)"),
        ("Let $E = m c^2$.", "defines E otherwise (E = m c^2)"),
    ],
)
def test_a_plain_e_the_text_defines_inside_an_expectation_gets_a_doubt(pre: str, why: str) -> None:
    verdict, doubt = _last(pre + "\n" + STEP_E)
    assert verdict == "proved"
    assert doubt == (
        f"E(...) inside the expectation is read as an expectation, but the text {why}: it may be that E applied to "
        "its argument (declare `functions: [E]` for the function, or write \\mathbb{E} for the inner expectation)"
    )


def test_a_plain_e_only_described_is_undecided_by_its_two_readings_and_doubted() -> None:
    ((_, verdict, doubt, final),) = _doubts("Here $E$ denotes the energy of the configuration.\n" + STEP_E)
    assert (verdict, final) == ("proved", "undecided")  # the readings check already doubts E(x)
    assert doubt == (
        "E(...) inside the expectation is read as an expectation, but the text says E is the energy of the "
        "configuration: it may be that E applied to its argument (declare `functions: [E]` for the function, or "
        "write \\mathbb{E} for the inner expectation)"
    )


@pytest.mark.parametrize(
    "doc",
    [
        "Here $E$ denotes the expectation.\n" + STEP_E,  # the text says E is the expectation
        "Let $E(X) = \\sum_x x\\, p(x)$.\n" + STEP_E,  # E defined as the expectation itself
        "Let $E(x) = x^2$.\n$$E(2) = 4$$",  # E defined but not nested in an expectation
        "Let $f(x) = x^2$.\n$$\\mathbb{E}[x - f(x)] = \\mathbb{E}[x] - \\mathbb{E}[f(x)]$$",
    ],
)
def test_no_doubt_where_e_is_the_expectation_or_not_nested(doc: str) -> None:
    assert all(doubt is None for _, _, doubt, _ in _doubts(doc))


# --- the prose reader ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prose", "expected"),
    [
        ("Here $P$ is an unnormalised score, not a probability.", {"P": "an unnormalised score, not a probability"}),
        ("Let $\\mathbb{P}$ be a probability measure.", {"P": "a probability measure"}),
        ("Let $\\Pr$ denote the chance of rain.", {"Pr": "the chance of rain"}),
        ("Let $q_\\phi(z|x)$ be the encoder.", {"q": "the encoder"}),
        ("where $p(x)$ is given by the sum", {}),  # no noun phrase
        ("where $x = 3$ is the value", {}),  # more than a name
        ("Let $p$ be a polynomial. Later $p$ is the density of $x$.", {"p": "the density of "}),  # the later wins
    ],
)
def test_described_names(prose: str, expected: dict[str, str]) -> None:
    assert described_names(prose) == expected
