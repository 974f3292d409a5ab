"""The probability atom model's verdicts (`derive.tiers._events`) read in their document.

Apart from the event grammar (`derive.latex.prob_events`), which the parser imports: what this
module reads in the prose (independence in words, `derive.latex.expect_words`) would otherwise close
an import cycle through the parser. `derive.latex.context` calls `settle_events` on every result.
"""

from __future__ import annotations

import re
from typing import Any

#: What the prose may say about events that the atom model does not know: a counterexample measure
#: ignoring it is not one of the step as meant (independence, disjointness, a partition, a subset,
#: a law, a complement, what a test's results are).
_CONSTRAINT_WORDS = re.compile(
    r"independen|i\.\s?i\.\s?d|\biid\b|disjoint|exclusive|exhaustive|partition|complement|\bsubsets?\b|"
    r"\\subset|\\subseteq|\\supset|\\perp|\\emptyset|\\varnothing|naive|\bmarkov\b|\beither\b|"
    r"\bfair\b|\bunbiased\b|\buniform|\bequally likely\b|\bdistributed\b|\bsymmetr|"
    # a law: X \sim \mathcal{N}(...), X \sim Bern(...) (the negation \sim A is no law)
    r"\\sim\s*(?:\\(?:mathcal|mathrm|text|operatorname|mathbb|mathscr)\b|[A-Z][A-Za-z]*\s*\()",
    re.IGNORECASE,
)
#: A probability given a number in the prose or an earlier display: ``P(A) = 0.3``, ``P(+|S) = .75``.
_NUMBER_GIVEN = re.compile(
    r"(?:\\Pr|\\mathbb\{P\}|\bPr|\bP|\bp)\s*(?:\\left)?\s*\((?:[^()]|\([^()]*\))*\)\s*(?:=|&=)\s*"
    r"\\?(?:frac|tfrac|dfrac)?\s*\{?\s*-?\s*\.?\d"
)
#: What says that a statement holds given a class (naive Bayes: features independent within each class).
_GIVEN_WORDS = re.compile(r"\bgiven\b|conditional|\bwithin\b|\bin each\b|\bfor each\b|\bclass\b", re.IGNORECASE)
_NAIVE = re.compile(r"naive[\s-]+bayes", re.IGNORECASE)
#: Words that negate, doubt, only suppose, weaken or share out the statement of their sentence.
_NOT_STATED = re.compile(
    r"\bnot\b|n't\b|\bnever\b|\bif\b|\bsuppose|\bwhether\b|\bdependent\b|\bcannot\b|\bwere\b|"
    # pairwise independence is not the mutual independence a proof under it used; "and so are B and C"
    # pairs names of two statements
    r"\bpairwise\b|\bpairs?\b|\bso\s+(?:are|is|do|does)\b|\bas\s+(?:are|is)\b|\brespectively\b|\blikewise\b",
    re.IGNORECASE,
)
_HOLDS = re.compile(r"it holds if (?P<names>[^;]+?) are independent(?: given (?P<given>[^;()]+?))?(?=;|\)|$)")
_RANGE = re.compile(
    r"it holds if (?P<var>\S+) takes exactly the values (?P<lo>[^,\s]+), \.\.\., (?P<hi>[^\s(]+) "
    r"\(then (?P<then>verified|proved)"
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n\s*\n|\$\$|\\\[|\\\]|\\begin\{|\\end\{")
#: A display opened and not closed at the end of the prose: the step's own (its earlier rows included).
_OPENERS = (("$$", "$$"), ("\\[", "\\]"), ("\\begin{", "\\end{"))
_MATH_NAME = re.compile(r"\$([^$]+)\$")


#: Seconds for reading a step again under the values or densities the text states (per proof).
_RESETTLE_SECONDS = 5.0


def settle_events(step: Any, result: Any, prose: str = "") -> Any:
    """``result`` of a step the probability atom model (`derive.tiers._events`) decided or left open,
    read in its document (``prose``: the text before the step, its own display cut off):

    - undecided where the step holds if a variable takes exactly the values of a sum's range, and the
      text states that range (``$Z_i \\in \\{1, \\ldots, K\\}$``): **verified** (or proved) as the
      model found, the statement quoted;
    - refuted or undecided where the step holds under an independence that the text states: of all
      its events, in `expect_words`' reading (``$A$ and $B$ are independent``); given a class, in one
      sentence naming exactly its events and "independent" with "given", "conditional", "within",
      "for each", "class" (or naive Bayes said), no negation, supposition, "pairwise" or "so are":
      **proved** under it, the sentence quoted;
    - refuted where the text may relate the events otherwise: it says a word the model does not
      know (independent, disjoint, a partition, a law, a number for a probability), a sentence or a
      display before mentions two or more of the step's events together, or the step holds under an
      independence (which the text may state after it): **undecided**, naming why;
    - decided where ``P`` may mean something else in this text (`prob_readings.probability_doubt`):
      **undecided**.

    Anything else is returned as it is."""
    from derive.model import Evidence, Method, Outcome, Result, Verdict  # noqa: PLC0415
    from derive.tiers._events import EVENTS_NOTE, ROUTE  # noqa: PLC0415

    if result.verdict in (Verdict.UNDECIDED, Verdict.REFUTED):
        # a refutation that ignores the values the text states is none of the step as meant
        from derive.latex.prob_density_words import density_proof  # noqa: PLC0415
        from derive.latex.prob_entropy import entropy_proof, gibbs_proof  # noqa: PLC0415
        from derive.latex.prob_mass import stated_mass_proof  # noqa: PLC0415
        from derive.latex.prob_stated import stated_values_proof  # noqa: PLC0415
        from derive.tiers.symbolic import bounded  # noqa: PLC0415

        # both read the step again (a matrix side can take sympy minutes): a budget, and no proof past it
        before = _before_display(prose)
        for proof in (stated_values_proof, density_proof, entropy_proof, gibbs_proof, stated_mass_proof):
            stated = bounded(lambda proof=proof: proof(step, result, before, prose), _RESETTLE_SECONDS)
            if stated is not None:
                return stated
    if result.verdict is Verdict.PROVED and any(
        o.evidence is not None and "events have positive probability" in o.evidence.summary for o in result.outcomes
    ):
        from derive.latex.prob_stated import conditioned_on_null  # noqa: PLC0415

        null = conditioned_on_null(step, _before_display(prose), prose)
        if null is not None:
            note = Evidence(result.method, f"{null} (where the step is proved)", reason="context")
            outcomes = (*result.outcomes, Outcome(Verdict.UNDECIDED, note))
            return Result(result.claim, Verdict.UNDECIDED, result.method, result.seconds, outcomes)
    mine = [
        o
        for o in result.outcomes
        if o.evidence is not None and (o.evidence.route == ROUTE or EVENTS_NOTE in o.evidence.summary)
    ]
    if not mine:
        return result
    last = mine[-1]
    before = _before_display(prose)
    if result.verdict is not Verdict.PROVED:
        promoted = _stated_range(last.evidence.summary, before) or _stated_independence(last.evidence.summary, before)
        if promoted is not None:
            verdict, summary = promoted
            ev = Evidence(Method.SYMBOLIC, summary, difference="0" if verdict == "proved" else None, route=ROUTE)
            v = Verdict.PROVED if verdict == "proved" else Verdict.VERIFIED
            return Result(result.claim, v, result.method, result.seconds, (Outcome(v, ev),))
    why = None
    if result.verdict is Verdict.REFUTED:
        why = _constrained(before) or _mentioned_together(last.evidence, before) or _independence_hint(last.evidence)
    if why is None and result.verdict in (Verdict.PROVED, Verdict.VERIFIED, Verdict.REFUTED):
        why = _other_meaning(step, result, prose) or _function_defined(step, before)
    if why is None:
        return result
    note = Evidence(result.method, f"{why} (where the step is {result.verdict.value})", reason="context")
    outcomes = (*result.outcomes, Outcome(Verdict.UNDECIDED, note))
    return Result(result.claim, Verdict.UNDECIDED, result.method, result.seconds, outcomes)


def _before_display(prose: str) -> str:
    """``prose`` without the display it ends in (the step's own, open at its end)."""
    cut = len(prose)
    for opener, closer in _OPENERS:
        if opener == closer:
            if prose.count(opener) % 2:
                cut = min(cut, prose.rfind(opener))
            continue
        start = prose.rfind(opener)
        if start >= 0 and prose.rfind(closer) < start:
            cut = min(cut, start)
    return prose[:cut]


def _stated_range(summary: str, prose: str) -> tuple[str, str] | None:
    """("verified" or "proved", the new summary) when ``summary`` says the step holds if a variable takes
    exactly the values of a sum's range and ``prose`` states that range, ``Z_i \\in \\{1, ..., K\\}``."""
    m = _RANGE.search(summary)
    if m is None or not prose:
        return None
    var = _tex_name(m.group("var"))
    lo, hi = (re.escape(m.group(g)) for g in ("lo", "hi"))
    dots = r"(?:\\[lc]?dots|\\ldots|\.\.\.)"
    stated = re.search(
        rf"(?<![A-Za-z\\]){var}\s*\\in\s*\\\{{\s*{lo}\s*,(?:\s*[^,{{}}$]+\s*,)*?\s*{dots}\s*,\s*{hi}\s*\\\}}", prose
    )
    if stated is None:
        return None
    rest = summary[m.end("then") :].lstrip()
    said = f"the text states {stated.group(0)}"
    return m.group("then"), f"{m.group('then')} {rest.rstrip(')')} ({said}, the range of the sum)"


def _tex_name(name: str) -> str:
    """A pattern for how TeX writes a derive name: ``Z_i`` as ``Z_i`` or ``Z_{i}``."""
    base, _, sub = name.partition("_")
    if not sub:
        return re.escape(base)
    return rf"{re.escape(base)}_\{{?\s*{re.escape(sub)}\s*\}}?"


def _stated_independence(summary: str, prose: str) -> tuple[str, str] | None:
    """("proved", the new summary) when ``prose`` states the independence ``summary`` says the step holds
    under; else None."""
    m = _HOLDS.search(summary)
    if m is None or not prose:
        return None
    names = [n.strip() for n in m.group("names").split(",")]
    if any(not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", n) for n in names):
        return None  # a label (+, -) or a value event: which words would name it?
    given = m.group("given")
    said = _unconditional(names, prose) if given is None else _conditional(names, given.strip(), prose)
    if said is None:
        return None
    held = _HOLDS.sub("the step holds under it", summary)
    return "proved", f"proved under the independence the text states (\u201c{said}\u201d): {held}"


def _unconditional(names: list[str], prose: str) -> str | None:
    """The statement (`expect_words.independent_in_words`) making all ``names`` mutually independent."""
    from derive.latex.expect_words import independent_in_words  # noqa: PLC0415

    for statement in independent_in_words(prose):
        if not statement.hypothetical and any(set(names) <= set(g) for g in statement.groups):
            return " ".join(statement.said.split())[:200]
    return None


def _conditional(names: list[str], given: str, prose: str) -> str | None:
    """The sentence of ``prose`` making ``names`` independent given ``given`` (see `settle_events`)."""
    wanted = {*names, given}
    for sentence in _SENTENCE.split(prose):
        if not re.search(r"independen", sentence, re.IGNORECASE) or _NOT_STATED.search(sentence):
            continue
        if not all(_mentions(sentence, n) for n in names):
            continue
        if not (_GIVEN_WORDS.search(sentence) or _NAIVE.search(prose)):
            continue
        math = {" ".join(x.split()) for x in _MATH_NAME.findall(sentence)}
        if any(not _is_one_of(x, wanted) for x in math):
            continue  # other names in the sentence: which are independent of which?
        after = re.search(r"\bgiven\s+(?:the\s+)?(\$[^$]+\$|\S+)", sentence)
        if after is not None and not _mentions(after.group(1), given):
            continue  # independent given something else
        return " ".join(sentence.split())[:200]
    return None


def _is_one_of(math: str, names: set[str]) -> bool:
    return any(re.fullmatch(rf"\s*(?:\\mathbf\{{|\\textbf\{{|\\text\{{)?{_tex_name(n)}\}}?\s*", math) for n in names)


def _mentions(text: str, name: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_\\]){_tex_name(name)}(?![A-Za-z0-9_])", text) is not None


def _constrained(prose: str) -> str | None:
    """What the prose says about events that a counterexample measure would have to respect, or None."""
    words = _CONSTRAINT_WORDS.search(prose)
    if words is not None:
        return (
            f"the text says \u201c{words.group(0).strip()}\u201d before the step: a counterexample measure that "
            "ignores what it states of the events is not one of the step as meant; state the assumption in a "
            "declaration or check the step without it"
        )
    number = _NUMBER_GIVEN.search(prose)
    if number is not None:
        return (
            f"the text gives a probability a number before the step (\u201c{number.group(0).strip()}\u201d): the "
            "counterexample measure need not agree with it"
        )
    return None


def _mentioned_together(evidence: Any, prose: str) -> str | None:
    """A sentence or display before the step that names two or more of the events the counterexample
    measure is over: it may relate them ("cannot occur together", "whenever A occurs, B does")."""
    cex = evidence.counterexample
    if cex is None:
        return None
    events = set()
    for atom, _ in cex.values:
        for part in atom.split(" \u2229 "):
            name = part.lstrip("\u00ac").split("=")[0].split(" \u2209")[0].strip()
            if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
                events.add(name)
    for chunk in _SENTENCE.split(prose):
        named = sorted(n for n in events if _mentions(chunk, n))
        if len(named) >= 2:
            return (
                f"the text relates {', '.join(named)} before the step (\u201c{' '.join(chunk.split())[:120]}\u201d): "
                "a counterexample measure that ignores it is not one of the step as meant"
            )
    return None


def _independence_hint(evidence: Any) -> str | None:
    """A refutation of a step that holds under an independence: in a document the text may state it after
    the step, which is not read before it."""
    m = _HOLDS.search(evidence.summary)
    if m is None:
        return None
    return (
        f"{m.group(0)}, which the text may state after the step (derive reads only what comes before); state it "
        "before the step to have it proved, or declare the events' law to check it"
    )


def _function_defined(step: Any, prose: str) -> str | None:
    """A definition before the step of a probability name it applies, as a formula of plain arguments
    (``Let $P(t) = t^2 - 1$``, ``P(k, N) = \\binom{N}{k} ...``): P takes numbers there, so reading it as a
    measure on the step's events is one reading among two."""
    text = f"{step.lhs_tex} {step.rhs_tex}"
    for name in ("P", "Pr", "Prob", "p"):
        head = r"\\Pr\b" if name == "Pr" else rf"(?<![A-Za-z\\]){name}"
        if not re.search(rf"{head}\s*(?:\\left)?\s*\(", text):
            continue
        m = re.search(rf"{head}\s*\(([^()|]*)\)\s*(?::=|\\coloneqq|=)(?![=<>])\s*([^$\n]*)", prose)
        if m is None or "\\mid" in m.group(1):
            continue
        body = m.group(2).strip()
        if re.fullmatch(r"(?:[\s\d.,/{}()+\-]|\\[dt]?frac)*", body):
            continue  # a number given for a probability (P(A) = 0.3): a measure, no other meaning
        if body and not re.search(rf"{head}\s*(?:\\left)?\s*\(|\\mid|\|", body):
            return (
                f"the text defines {m.group(0).strip()} before the step: {name} applied to numbers, so reading it as "
                "a probability of the step's events is one reading of two"
            )
    return None


def _other_meaning(step: Any, result: Any, prose: str) -> str | None:
    """`prob_readings.probability_doubt` for the atom model's verdicts (it reads those of the definition
    of conditional probability): P defined or described as something else in this text."""
    from dataclasses import replace  # noqa: PLC0415

    from derive.latex.prob_readings import _ROUTE, probability_doubt  # noqa: PLC0415

    outcomes = tuple(
        replace(o, evidence=replace(o.evidence, route=_ROUTE)) if o.evidence is not None else o for o in result.outcomes
    )
    return probability_doubt(step, replace(result, outcomes=outcomes), prose)
