"""The probability atom model's verdicts read in their document (derive.latex.prob_settle.settle_events).

Unit tests build the result the tiers give and the prose before the step; the end-to-end ones run
``check_latex`` and need the wiring of /tmp/p7/PROBCALC.patch (symbolic.py calls `by_event_calculus`,
context.py calls `settle_events`): they are skipped until it is applied. Attacks: a statement the prose
negates or only supposes, independence said of other names, unconditional independence for a step
that needs it given a class, a number given for a probability, constraint words, P a matrix.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

import pytest

import derive.tiers.symbolic as symbolic
from derive.api import check_latex
from derive.latex.prob_settle import settle_events
from derive.model import Claim, Counterexample, Evidence, Method, Outcome, Result, Verdict
from derive.tiers._events import EVENTS_NOTE, ROUTE

WIRED = "by_event_calculus" in inspect.getsource(symbolic)
wired = pytest.mark.skipif(not WIRED, reason="by_event_calculus is not wired into the symbolic tier yet")

_CLAIM = Claim(id="step", lhs="P(A|B)", rhs="P(A)")


@dataclass
class _Step:
    lhs_tex: str = "P(A|B)"
    rhs_tex: str = "P(A)"
    kind: str = "step"
    functions: tuple[str, ...] = ()
    defined: tuple[str, ...] = ()
    claim: Claim = field(default_factory=lambda: _CLAIM)


def _result(verdict: Verdict, summary: str, route: str | None = ROUTE) -> Result:
    ev = Evidence(Method.SYMBOLIC, summary, route=route)
    return Result(_CLAIM, verdict, Method.SYMBOLIC, 0.0, (Outcome(verdict, ev),))


_REFUTED = "refuted by an exact probability measure: with P(A ∩ B) = 1/2, P(¬A ∩ B) = 1/2: lhs = 1, rhs = 1/2"
_NAIVE = f"{_REFUTED}; it holds if great, waste are independent given +"
_PAIR = f"{_REFUTED}; it holds if A, B are independent"


def test_refutation_stands_where_the_prose_says_nothing_of_the_events() -> None:
    result = _result(Verdict.REFUTED, _REFUTED)
    assert settle_events(_Step(), result, "Let $A$ and $B$ be events with $P(B) > 0$.") is result
    assert settle_events(_Step(), result, "") is result


@pytest.mark.parametrize(
    ("prose", "said"),
    [
        ("Suppose $A$ and $B$ are disjoint.", "disjoint"),
        ("The events are mutually exclusive.", "exclusive"),
        ("Every person is either sick or well.", "either"),
        ("$B \\subset A$.", "\\subset"),
        ("Let $X \\sim \\mathcal{N}(0, 1)$.", "\\sim \\mathcal"),
        ("The coins are fair.", "fair"),
        ("We draw i.i.d. samples.", "i.i.d"),
        ("Note that $A \\perp B$.", "\\perp"),
        ("$B$ and $C$ partition the space.", "partition"),
    ],
)
def test_refutation_is_undecided_where_the_prose_constrains_events(prose: str, said: str) -> None:
    out = settle_events(_Step(), _result(Verdict.REFUTED, _REFUTED), prose)
    assert out.verdict is Verdict.UNDECIDED
    assert f"the text says \u201c{said}" in out.outcomes[-1].evidence.summary


@pytest.mark.parametrize("given", ["$P(A) = 0.3$", "$$P(+|S) = .75$$", "$P(B) = \\frac{1}{2}$"])
def test_a_number_given_for_a_probability_keeps_a_refutation_from_standing(given: str) -> None:
    out = settle_events(_Step(), _result(Verdict.REFUTED, _REFUTED), f"We know {given} here.")
    assert out.verdict is Verdict.UNDECIDED
    assert "gives a probability a number" in out.outcomes[-1].evidence.summary


def test_a_negation_is_no_law() -> None:
    result = _result(Verdict.REFUTED, _REFUTED)
    assert settle_events(_Step(), result, "The event $\\sim A$ is the complement").verdict is Verdict.UNDECIDED
    assert settle_events(_Step(), result, "We write $\\sim A$ for not A.") is result


def test_stated_conditional_independence_proves() -> None:
    prose = (
        "The Naive Bayes method. **Assumption:** We assume that the presence or absence of the words "
        "great and waste in a particular review (positive or negative) are independent events."
    )
    out = settle_events(_Step(), _result(Verdict.REFUTED, _NAIVE), prose)
    assert out.verdict is Verdict.PROVED
    summary = out.outcomes[-1].evidence.summary
    assert summary.startswith("proved under the independence the text states (\u201c**Assumption:** We assume")
    assert "the step holds under it" in summary
    # the undecided form (a ± in the step) is proved the same way
    undecided = _result(Verdict.UNDECIDED, f"could not prove; {EVENTS_NOTE}no counterexample shown{_NAIVE[-50:]}")
    assert settle_events(_Step(), undecided, prose).verdict is Verdict.PROVED


@pytest.mark.parametrize(
    "prose",
    [
        # negated, supposed, doubted
        "The words great and waste are not independent given the class.",
        "If great and waste were independent given the class, the method would be exact.",
        "We cannot assume that great and waste are independent within a class.",
        # pairwise is not mutual
        "Given the class, the words great and waste are pairwise independent.",
        # other names
        "The words good and bad are independent given the class.",
        # unconditional independence, and no class word nor naive Bayes anywhere
        "The words great and waste are independent.",
    ],
)
def test_independence_not_stated_for_the_step_does_not_prove(prose: str) -> None:
    out = settle_events(_Step(), _result(Verdict.REFUTED, _NAIVE), prose)
    assert out.verdict is Verdict.UNDECIDED  # the word "independent" keeps the refutation from standing


def test_unconditional_independence_stated_proves_what_needs_it() -> None:
    out = settle_events(_Step(), _result(Verdict.REFUTED, _PAIR), "The events $A$ and $B$ are independent.")
    assert out.verdict is Verdict.PROVED
    # attacker P11: conditional independence is not independence
    prose = "The events $A$ and $B$ are conditionally independent given $C$."
    assert settle_events(_Step(), _result(Verdict.REFUTED, _PAIR), prose).verdict is Verdict.UNDECIDED
    # attacker P69: A and B, and B and C, say nothing of A and C
    pair_ac = f"{_REFUTED}; it holds if A, C are independent"
    prose = "The events $A$ and $B$ are independent, and so are $B$ and $C$."
    assert settle_events(_Step(), _result(Verdict.REFUTED, pair_ac), prose).verdict is Verdict.UNDECIDED


def test_a_refutation_that_needs_only_an_independence_is_undecided_in_a_document() -> None:
    # the text may state it after the step, which is not read before it
    out = settle_events(_Step(), _result(Verdict.REFUTED, _PAIR), "Let $A$ and $B$ be events.")
    assert out.verdict is Verdict.UNDECIDED
    assert "it holds if A, B are independent, which the text may state after the step" in (
        out.outcomes[-1].evidence.summary
    )


@pytest.mark.parametrize(
    "prose",
    [
        "The events $A$ and $B$ cannot occur together.",  # attacker P81
        "Whenever $A$ occurs, $B$ occurs too.",  # P83
        "The events satisfy $$P(A \\cap B) = P(A)P(B).$$ Hence",  # P89: an earlier display
        "Knowing whether $B$ happened tells us nothing about $A$.",  # P92
    ],
)
def test_events_mentioned_together_before_keep_a_refutation_from_standing(prose: str) -> None:
    cex = Counterexample((("A \u2229 B", "1/2"), ("\u00acA \u2229 B", "1/2")), "1", "1/2", "1/2", 0)
    ev = Evidence(Method.SYMBOLIC, _REFUTED, route=ROUTE, counterexample=cex)
    result = Result(_CLAIM, Verdict.REFUTED, Method.SYMBOLIC, 0.0, (Outcome(Verdict.REFUTED, ev),))
    out = settle_events(_Step(), result, prose)
    assert out.verdict is Verdict.UNDECIDED
    assert "the text relates A, B before the step" in out.outcomes[-1].evidence.summary
    assert settle_events(_Step(), result, "Let $A$ be an event. Let $B$ be another.") is result


_RANGE = (
    "could not prove; as events: it holds if Z_i takes exactly the values 1, ..., K (then verified for K = 1, 2, "
    "3, 4 (each proved exactly: proved for every probability measure on the events X=x); not proved for every K)"
)


@pytest.mark.parametrize(
    ("prose", "verdict"),
    [
        ("where $Z_i \\in \\{1,\\ldots,K\\}$ is the latent variable", Verdict.VERIFIED),
        ("where $Z_{i} \\in \\{1, 2, \\dots, K\\}$", Verdict.VERIFIED),
        # attacker P62: a range with 0 in it
        ("Let $Z_i$ take values in $\\{0, 1, \\dots, K\\}$.", Verdict.UNDECIDED),
        ("where $Z_i \\in \\{0, 1, \\ldots, K\\}$", Verdict.UNDECIDED),
        ("where $Y_i \\in \\{1, \\ldots, K\\}$", Verdict.UNDECIDED),
        ("", Verdict.UNDECIDED),
    ],
)
def test_a_sum_over_a_variable_needs_its_range_stated(prose: str, verdict: Verdict) -> None:
    out = settle_events(_Step(), _result(Verdict.UNDECIDED, _RANGE, route=None), prose)
    assert out.verdict is verdict
    if verdict is Verdict.VERIFIED:
        summary = out.outcomes[-1].evidence.summary
        assert summary.startswith("verified for K = 1, 2, 3, 4 (each proved exactly")
        assert "(the text states Z_" in summary


def test_labels_are_never_named_in_words() -> None:
    summary = f"{_REFUTED}; it holds if +, great are independent given waste"
    out = settle_events(_Step(), _result(Verdict.REFUTED, summary), "+ and great are independent given waste.")
    assert out.verdict is Verdict.UNDECIDED


def test_other_routes_are_left_alone() -> None:
    result = _result(Verdict.REFUTED, "refuted at x = 1", route=None)
    assert settle_events(_Step(), result, "A and B are disjoint.") is result


def test_p_defined_as_a_matrix_keeps_no_verdict() -> None:
    proved = _result(Verdict.PROVED, "proved for every probability measure on the events A, B")
    out = settle_events(_Step(), proved, "Let $P$ be the projection matrix onto the column space.")
    assert out.verdict is Verdict.UNDECIDED


# --- end to end (with the wiring) -----------------------------------------------------------------


def _last(doc: str) -> Result:
    return check_latex(doc)[-1]


@wired
@pytest.mark.parametrize(
    ("tex", "verdict"),
    [
        (r"P(A) = P(A|B)P(B) + P(A|\neg B)P(\neg B)", Verdict.PROVED),
        (r"P(A \cup B) = P(A) + P(B) - P(A \cap B)", Verdict.PROVED),
        (r"P(\neg A|B) = 1 - P(A|B)", Verdict.PROVED),
        (r"P(A|\neg B) = 1 - P(A|B)", Verdict.REFUTED),
        (r"P(A|B) = \frac{P(B|A)P(A)}{P(B|A)P(A) + P(B|\neg A)P(A)}", Verdict.REFUTED),
        (r"P(A \cup B) = P(A) + P(B)", Verdict.REFUTED),
        # they hold under an independence the text may state after them
        (r"P(A|B) = \frac{P(A)P(B)}{P(B)}", Verdict.UNDECIDED),
        (r"P(A, B) = P(A)P(B)", Verdict.UNDECIDED),
        (r"P(A,B|C) = P(A|C)P(B|C)", Verdict.UNDECIDED),
        (r"P(A) = P(A|B)P(B) + P(A|C)P(C)", Verdict.UNDECIDED),
        (r"P(g,w|\pm) = P(g|\pm)P(w|\pm)", Verdict.UNDECIDED),
        # the range of Z is not stated
        (r"P(X_i = x) = \sum_{k=1}^K P(Z_i = k) P(X_i=x | Z_i = k)", Verdict.UNDECIDED),
    ],
)
def test_end_to_end_without_prose(tex: str, verdict: Verdict) -> None:
    assert _last(f"$${tex}$$\n").verdict is verdict


@wired
def test_end_to_end_stated_assumptions() -> None:
    doc = "Let $A$ and $B$ be independent events.\n\n$$P(A|B) = \\frac{P(A)P(B)}{P(B)}$$\n"
    assert _last(doc).verdict is Verdict.PROVED
    doc = "We assume $A$ and $B$ are independent given $C$.\n\n$$P(A,B|C) = P(A|C)P(B|C)$$\n"
    assert _last(doc).verdict is Verdict.PROVED
    doc = "$A$ and $B$ are not independent given $C$.\n\n$$P(A,B|C) = P(A|C)P(B|C)$$\n"
    assert _last(doc).verdict is Verdict.UNDECIDED
    total = "$$P(X_i = x) = \\sum_{k=1}^K P(Z_i = k) P(X_i=x | Z_i = k)$$\n"
    assert _last(f"where $Z_i \\in \\{{1,\\ldots,K\\}}$ is latent.\n\n{total}").verdict is Verdict.VERIFIED
    assert _last(f"Let $Z_i$ take values in $\\{{0, 1, \\dots, K\\}}$.\n\n{total}").verdict is Verdict.UNDECIDED


@wired
@pytest.mark.parametrize(
    ("doc", "verdict"),
    [
        # attacker P11: conditional independence read as independence
        ("The events $A$ and $B$ are conditionally independent given $C$.\n\n$$P(A, B) = P(A)P(B)$$", "undecided"),
        # P69: A and B, B and C
        ("The events $A$ and $B$ are independent, and so are $B$ and $C$.\n\n$$P(A \\cap C) = P(A)P(C)$$", "undecided"),
        # P71: independent given C says nothing given not C
        (
            "The events $A$ and $B$ are conditionally independent given $C$.\n\n$$P(A|B, \\neg C) = P(A|\\neg C)$$",
            "undecided",
        ),
        # P74: P a polynomial
        ("Let $P(t) = t^2 - 1$ for a real number $t$.\n\n$$P(A) = P(A|B)P(B) + P(A|\\neg B)P(\\neg B)$$", "undecided"),
        # P81, P83: the events related in words
        ("The events $A$ and $B$ cannot occur together.\n\n$$P(A \\cup B) = P(A) + P(B)$$", "undecided"),
        ("Whenever $A$ occurs, $B$ occurs too.\n\n$$P(A \\cap B) = P(A)$$", "undecided"),
        (
            "Here $P(A) = 0.3$ and $P(B) = 0.5$.\n\n$$P(A|B) = \\frac{P(B|A)P(A)}{P(B|A)P(A) + P(B|\\neg A)P(A)}$$",
            "undecided",
        ),
        ("Let $P$ be the transition matrix of the chain.\n\n$$P(A|\\neg B) = 1 - P(A|B)$$", "undecided"),
    ],
)
def test_end_to_end_attacks(doc: str, verdict: str) -> None:
    assert _last(doc + "\n").verdict.value == verdict


def test_p_defined_as_a_function_of_numbers_keeps_no_verdict() -> None:
    proved = _result(Verdict.PROVED, "proved for every probability measure on the events A, B")
    out = settle_events(_Step(), proved, "Let $P(t) = t^2 - 1$ for a real number $t$.")
    assert out.verdict is Verdict.UNDECIDED
    assert "the text defines P(t) = t^2 - 1" in out.outcomes[-1].evidence.summary
    # a number given for a probability is a measure: the proof holds for it too
    assert settle_events(_Step(), proved, "Here $P(A) = 0.3$ and $P(B) = \\frac{1}{2}$.") is proved
    # a definition in probability notation is no other meaning
    assert settle_events(_Step(), proved, "We write $P(A) = P(A \\mid B)P(B) + x$.") is proved
