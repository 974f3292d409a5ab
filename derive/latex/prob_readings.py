"""Probability readings a step's own document contradicts: for `derive.latex.context.settle`.

The parser reads a step alone, so two readings it makes cannot see what the text says elsewhere:

- ``p(x|y)`` of an undeclared P, p, q, Pr is probability notation, which the symbolic tier
  rewrites by the definition of conditional probability (`derive.tiers._probability`). A text
  that *defines* the name (``Let $p(a \\mid b) = a - b$``, ``Let $p(t) = t^2 + 1$ be a polynomial``,
  ``$p = 0.3$``, in prose or a display) or *describes* it as something else ("P is an
  unnormalised score, not a probability", "the charge at x", "the transition probability of a
  Markov chain", "a proposal density that moves from x to y") gives it a meaning under which
  that proof says nothing (a difference of numbers; a kernel applied both ways, where
  ``p(t|s)p(s) = p(s|t)p(t)`` is detailed balance, true only for reversible chains).
- a plain ``E(x)`` inside the body of a certain expectation (``\\mathbb{E}[x - E(x)]``) is an
  expectation (`derive.latex.grammar_probability`), after d2l's ``E[(X - E(X))^2]``. A text that
  defines or describes E itself (``Let $E$ denote the energy, with $E(x) = x^2 + 1$``) means
  the other E.

`probability_doubt` says why such a decided step is undecided, or None; `described_names` reads
the prose descriptions ("$q(x|y)$ is the charge ...") it is given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from derive.errors import DeriveError
from derive.latex.tokens import _tokenize
from derive.model import Result, Verdict

if TYPE_CHECKING:
    from derive.latex.records import Step
    from derive.latex.tokens import _Tok

__all__ = ["described_names", "probability_doubt"]

#: The route `derive.tiers._probability` gives its proofs.
_ROUTE = "conditional probability"
_DECIDED = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT, Verdict.REFUTED)
#: A probability name applied to a parenthesis (``p(``, ``q_\\phi(``, ``\\Pr(``, ``\\mathbb{P}(``).
_APPLIED = re.compile(
    r"(?<![A-Za-z\\])(\\Pr|\\mathbb\s*\{\s*P\s*\}|Prob|Pr|P|p|q)"
    r"(\s*_\s*(?:\{[^{}]*\}|\\?[A-Za-z0-9]+))?\s*(?:\\left\s*|\\big\s*|\\Big\s*)?\("
)
#: Words that make a name a transition kernel rather than a conditional of one joint.
_KERNEL = re.compile(r"\b(?:transition|kernel|markov|proposal|policy|policies|mdp|moves?|jumps?)\b", re.I)
#: Words that make a name a probability, a density or a law.
_PROBABILITY = re.compile(
    r"\b(?:probabilit(?:y|ies)|densit(?:y|ies)|distributions?|likelihoods?|priors?|posteriors?|laws?|"
    r"pmf|pdf|mass\s+function|conditionals?|marginals?|joint|evidence|approximation|variational|model|"
    r"encoder|decoder|generative|predictive|classifier|belief|chance|odds|fractions?|frequenc(?:y|ies)|"
    r"proportions?|rates?|percentages?)\b",
    re.I,
)
#: A density or a law by its formula: a named density, an exponential, a Gaussian normaliser.
_DENSITY_BODY = re.compile(
    r"\\mathcal\s*\{?\s*N\b|\\mathrm\s*\{\s*(?:Bern|Beta|Gam|Bin|Dir|Cat|Mult|Poisson|Gauss)|\\exp\b|e\s*\^|\\sqrt\s*\{\s*2\s*\\pi"
)
#: Words that make a plain E an expectation.
_EXPECTATION = re.compile(r"\bexpectations?\b|\bexpected\b|\bmean\b|\baverage\b", re.I)
#: Words that take the probability reading back ("unnormalised", "not a probability").
_NOT_PROBABILITY = re.compile(r"\bunnormali[sz]ed\b|\bnot\s+(?:a\s+|the\s+)?(?:probabilit|densit|distribution)", re.I)
#: ``$P$ is ...``, ``$q(x|y)$ be the ...``, ``$E$ denote(s) ...``: a name, then the words saying what it is.
_DESCRIBED = re.compile(
    r"\$(?P<math>[^$]{1,80})\$\s*(?:,\s*)?(?:(?:is|be)\s+(?=(?:a|an|the|some)\b)|(?:denotes?|represents?|stands?\s+for)\s+)"
    r"(?P<words>[^.;$]{1,200})",
    re.I,
)


def probability_doubt(step: Step, result: Result, prose: str = "") -> str | None:
    """Why ``result`` of ``step`` rests on a probability reading the document contradicts, or None.

    ``prose``: the document before the step (its scope), read for what it says each name is
    (`described_names`) and for its definitions (`_defined_otherwise`); the names it defines or
    declares are ``step.defined``, ``step.functions`` and the claim's symbols.
    """
    if result.verdict not in _DECIDED:
        return None
    said = described_names(prose)
    declared = set(step.functions) | {name for name, _ in step.claim.symbols}
    text = f"{step.lhs_tex} = {step.rhs_tex}"
    if any(o.evidence is not None and o.evidence.route == _ROUTE for o in result.outcomes):
        for name in _probability_names(text):
            why = _other_meaning(name, name in declared, name in step.defined and prose, said, prose)
            if why:
                return (
                    f"{name}(...) is read as probability notation (the definition of conditional probability proves "
                    f"the step), but the text {why}; under that meaning the proof says nothing, so the step is not "
                    "decided"
                )
    laws = _laws_in_doubt(result, prose)
    if laws:
        return laws
    if _nested_plain_e(text):
        why = _other_meaning("E", "E" in declared, "E" in step.defined and prose, said, prose, expectation=True)
        if why:
            return (
                f"E(...) inside the expectation is read as an expectation, but the text {why}: it may be that E "
                "applied to its argument (declare `functions: [E]` for the function, or write \\mathbb{E} for "
                "the inner expectation)"
            )
    return None


#: The laws a proof put in (`derive.tiers._prob_values`): "under the law the text states (x ~ Normal(0, 1))".
_PUT_IN = re.compile(r"under the law the text states \((?P<laws>.*?)\) by the definition")
#: Words that state a law of the name before them ("$x$ is uniform on ...", "$x$ follows a Gaussian").
_LAW_WORDS = (
    r"(?:is|be|was|follows|has)\s+(?:an?\s+|the\s+)?(?:standard\s+)?"
    r"(?P<word>uniform|normal|gaussian|bernoulli|binomial|exponential|beta|gamma|poisson|categorical|laplace|"
    r"student|cauchy|geometric|multinomial|dirichlet)"
)


def _laws_in_doubt(result: Result, prose: str) -> str | None:
    """Why a proof under a stated law is not certain: the text states more than one law for its
    variable (``$x \\sim \\mathcal{N}(1, 1)$`` and later ``$x \\sim \\mathcal{N}(0, 1)$``, or a law in
    words and another by ``\\sim``), so which one p(x) means is a guess; None otherwise."""
    for outcome in result.outcomes:
        ev = outcome.evidence
        found = _PUT_IN.search(ev.summary) if ev is not None and ev.route == _ROUTE else None
        if found is None:
            continue
        for name in re.findall(r"(?:^|, )([A-Za-z][A-Za-z0-9_]*) ~ ", found.group("laws")):
            stated = _stated_laws(name, prose)
            if len(stated) > 1:
                return (
                    f"the step is proved under one law of {name}, but the text states more than one for it "
                    f"({'; '.join(sorted(stated))}): which one p({name}) means is not certain, so the step is not "
                    "decided (state one law per problem, or declare it under random:)"
                )
    return None


def _stated_laws(name: str, prose: str) -> set[str]:
    """The distinct laws ``prose`` states for the variable derive calls ``name``, as written."""
    base, _, sub = name.partition("_")
    head = rf"\\{base}" if len(base) > 1 else re.escape(base)
    if sub:
        head += rf"\s*_\s*(?:\{{\s*{re.escape(sub)}\s*\}}|{re.escape(sub)})"
    out: set[str] = set()
    for m in re.finditer(rf"(?<![A-Za-z\\]){head}(?![A-Za-z_])\s*\\sim\s*", prose):
        out.add(re.sub(r"\s+", "", _law_text(prose, m.end())))
    for m in re.finditer(rf"\$\s*{head}\s*\$\s*{_LAW_WORDS}", prose, re.I):
        out.add(m.group("word").lower())
    return out


def _law_text(prose: str, at: int) -> str:
    """The law written from ``at`` to the end of its inline math, a semicolon or a comma outside brackets."""
    depth, k = 0, at
    while k < len(prose) and prose[k] != "$" and k - at < 200:
        c = prose[k]
        depth += c in "([{"
        depth -= c in ")]}"
        if depth <= 0 and k > at and (c in ",;" or prose.startswith("\\quad", k)):
            break
        k += 1
    return prose[at:k]


def _other_meaning(
    name: str, declared: bool, defined: object, said: Mapping[str, str], prose: str, *, expectation: bool = False
) -> str:
    """What the text gives ``name`` other than a probability (an expectation), or "" when nothing:
    a declaration, a definition `_defined_otherwise`, or a description `described_names`."""
    if declared:
        return f"declares {name} itself"
    if defined:
        found = _defined_otherwise(name, prose, expectation=expectation)
        if found:
            return f"defines {name} otherwise ({found})"
    words = said.get(name, "").strip().rstrip(",")
    if not words:
        return ""
    if _KERNEL.search(words) and not expectation:
        return (
            f"says {name} is {words}: a transition kernel, applied from one value to another, not the "
            "conditional of one joint (name the random variables, P(X_{n+1} = t | X_n = s), to check it)"
        )
    if _NOT_PROBABILITY.search(words):
        return f"says {name} is {words}"
    if expectation:
        return "" if _EXPECTATION.search(words) else f"says {name} is {words}"
    return "" if _PROBABILITY.search(words) else f"says {name} is {words}, not a probability"


def _defined_otherwise(name: str, prose: str, *, expectation: bool = False) -> str:
    """A definition of ``name`` in ``prose`` that gives it a meaning outside probability notation, as
    written, or "": a value (``p = 0.3``, ``E = mc^2``), a conditional by a formula of its own
    arguments (``p(a \\mid b) = a - b``), or, for E, any function by a formula (``E(x) = x^2 + 1``).
    A body in probability notation (``P(A|B) = \\frac{P(A \\cap B)}{P(B)}``, ``E(X) = \\sum_x x p(x)``, a
    density ``\\mathcal{N}(x|...)`` or ``\\exp``) states probability calculus, and a conditional equal to a
    constant (``P(A|B) = 1/10``) its value, and a body that uses the name again (``P_y``) is in terms of
    its own probabilities; ``P(k, N) = \\binom{N}{k} p^k ...`` (no bar, not E) is the
    probability of an outcome at a point, which documents write with the same P."""
    head = re.escape(name)
    pattern = (
        rf"(?<![A-Za-z\\{{])({head})\s*(?:\((?P<args>[^()]*)\))?\s*"
        r"(?::=|\\coloneqq|=)(?![=<>])\s*(?P<body>[^$\n]*)"
    )
    for m in re.finditer(pattern, prose):
        body, args = m.group("body").strip(), m.group("args")
        before = prose[: m.start()].rstrip()
        if before.endswith(("(", ",", "|", "\\mid")):
            continue  # P(p = p_1 | H): an event inside a probability, not a definition
        if not body or _in_probability_notation(body) or re.search(rf"(?<![A-Za-z\\]){head}(?![A-Za-z])", body):
            continue  # P(X|y) = X \\log P_y + ...: in terms of its own probabilities, no other meaning
        if args is None:
            return m.group(0).strip()  # a value
        arg_names = set(re.findall(r"\\?[A-Za-z]+", args)) - {"\\mid", "\\vert", "\\middle", "\\left", "\\right"}
        uses_args = any(re.search(rf"(?<![A-Za-z\\]){re.escape(a)}(?![A-Za-z])", body) for a in arg_names)
        conditional = bool(re.search(r"\||\\mid|\\vert|;", args))
        if uses_args and (conditional or expectation):
            return m.group(0).strip()
    return ""


def _in_probability_notation(body: str) -> bool:
    """Whether a definition's body is written in probability notation (so the definition states
    probability calculus or a density): a probability name applied, an expectation, a bar, a
    named density, an exponential."""
    return bool(
        _probability_names(body)
        or _DENSITY_BODY.search(body)
        or re.search(r"\\mathbb\s*\{?\s*E|(?<![A-Za-z\\])E\s*(?:_\S+)?\s*\[", body)
    )


def _probability_names(text: str) -> list[str]:
    """The probability names applied in ``text`` as the LaTeX reader names them (``\\mathbb{P}`` is P)."""
    out: list[str] = []
    for m in _APPLIED.finditer(text):
        raw = m.group(1)
        name = "Pr" if raw == "\\Pr" else ("P" if raw.startswith("\\mathbb") else raw)
        if name not in out:
            out.append(name)
    return out


def _nested_plain_e(text: str) -> bool:
    """Whether a plain letter ``E`` before a parenthesis lies inside the bracket of an expectation
    whose font or bracket makes it certain (``\\mathbb{E}[``, ``\\mathbb{E}(``, ``E[``, ``E_{...}[``)."""
    try:
        toks = _tokenize(text)
    except DeriveError:
        return False
    stack: list[bool] = []  # per open bracket: whether it is a certain expectation's body
    for j, t in enumerate(toks):
        if t.kind == "sym" and t.text in ("(", "[", "{"):
            stack.append(_opens_expectation(toks, j))
        elif t.kind == "sym" and t.text in (")", "]", "}"):
            if stack:
                stack.pop()
        elif _plain_e_applied(toks, j) and any(stack):
            return True
    return False


def _plain_e_applied(toks: list[_Tok], j: int) -> bool:
    t = toks[j]
    if t.kind != "letter" or t.text != "E" or j + 1 >= len(toks):
        return False
    in_font = j >= 2 and toks[j - 1].text == "{" and toks[j - 2].kind == "cmd"
    return not in_font and toks[j + 1].kind == "sym" and toks[j + 1].text == "("


def _opens_expectation(toks: list[_Tok], j: int) -> bool:
    """Whether the bracket at ``j`` opens the body of ``\\mathbb{E}``, ``\\mathrm{E}``, ``E[``, ``E_x[``."""
    if toks[j].text == "{":
        return False
    k = j - 1
    if k >= 0 and toks[k].text == "}":  # E_{x \sim p}[, \mathbb{E}[: back over one group
        depth = 0
        while k >= 0:
            depth += toks[k].text == "}"
            depth -= toks[k].text == "{"
            if depth == 0:
                break
            k -= 1
        k -= 1
        if k >= 0 and toks[k].text == "_":
            k -= 1
        elif k >= 0 and toks[k].kind == "cmd" and toks[k].text in ("mathbb", "mathrm", "operatorname"):
            return toks[k + 2].text == "E" if k + 2 < len(toks) else False
    elif k >= 1 and toks[k - 1].text == "_":  # E_x[
        k -= 2
    if k < 0:
        return False
    if toks[k].text == "}" and k >= 2 and toks[k - 1].text == "E" and toks[k - 3].kind == "cmd":
        return True  # \mathbb{E}_x[
    return toks[k].kind == "letter" and toks[k].text == "E" and toks[j].text == "["


def described_names(prose: str) -> dict[str, str]:
    """Name -> the words the prose says it is: ``$P$ is an unnormalised score`` gives P, ``Let
    $q(x|y)$ be the charge at $x$`` gives q. Only a noun phrase counts ("is a/an/the ...", "denotes
    ..."): "is given by" or "is proportional to" says how to compute it, not what it is. A later
    description wins."""
    out: dict[str, str] = {}
    for m in _DESCRIBED.finditer(prose):
        name = _described_name(m.group("math"))
        if name:
            out[name] = m.group("words")
    return out


def _described_name(math: str) -> str | None:
    """The function or name a piece of inline math stands for (``q(x|y)`` -> q, ``\\mathbb{P}`` -> P,
    ``p_\\theta`` -> p, ``p(t) = t^2 + 1`` -> p), or None when it is more than one name (``x = 3``)."""
    lhs, eq, _ = math.partition("=")
    if eq and "(" in lhs:
        math = lhs  # "Let $p(t) = t^2 + 1$ be a polynomial": what is described is p
    m = re.fullmatch(r"\s*(\\mathbb\s*\{\s*P\s*\}|\\Pr|[A-Za-z]+)(?:_\{?[^{}()]*\}?)?\s*(\([^()]*\))?\s*", math)
    if m is None:
        return None
    raw = m.group(1)
    return "Pr" if raw == "\\Pr" else ("P" if raw.startswith("\\mathbb") else raw)
