"""Grammar mixin of the probability grammar: named events inside a probability, as lecture notes write them.

Inside ``P(...)`` (and inside any application with a conditioning bar, ``L(+ | \\mathbf{great})``) an
argument may be an *event*, not a value:

- a class label standing alone: ``+``, ``-``, ``\\pm``, ``\\mp`` (``P(+ | \\mathbf{great})``,
  ``P(\\mathbf{great} | \\pm)``) is the opaque ``event_plus()``, ``event_minus()``, ``event_pm()``,
  ``event_mp()``: it has no free symbol, so no tier can give it a value (an event name is never a
  number). ``\\pm`` stands for "either class": an identity proved with it as one opaque label holds for
  each class (a proof in uninterpreted atoms holds for every value of them); nothing is refuted through it.
  Outside a probability ``a \\pm b`` stays what it was (an error: two claims);
- a name followed by a label, ``P(S+)``, ``P(W-)``: both at once, ``event_and(S, event_plus())``;
- a negation ``\\sim A``, ``\\neg A``, ``\\lnot A`` at the start of an argument: ``event_not(A)``;
- ``A \\cap B`` and ``A \\cup B``: ``event_and`` / ``event_or`` of the parts, sorted (both are
  commutative, so ``P(A \\cap B) = P(B \\cap A)`` is proved). A mix of the two without brackets has two
  readings and is not read.

Nothing here relates these probabilities to each other (no product rule, no complement rule): steps
that only rearrange the same opaque probabilities can be proved, numbers given for them are
used only where the document defines them, and everything else is undecided.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import sympy

from derive.latex.grammar_linear import _scalar
from derive.latex.prob_marks import _event_relation

if TYPE_CHECKING:
    from derive.latex.tokens import _Tok

#: Names whose parenthesis holds events even without a bar or a relation: ``P(+)``, ``\Pr(A \cap B)``.
_PROBABILITY_NAMES = frozenset({"P", "Pr", "Prob"})
#: A label standing alone as an argument, and its opaque atom.
_LABELS = {"+": "event_plus", "-": "event_minus", "pm": "event_pm", "mp": "event_mp"}
_NEGATIONS = frozenset({"sim", "neg", "lnot"})
_JOINS = {"cap": "event_and", "cup": "event_or"}
#: Tokens that end an argument of an application.
_OPEN = ("(", "[", "{", "\\{")
_CLOSE = (")", "]", "}", "\\}")


def _label(t: _Tok) -> str | None:
    """The opaque atom's name for a label token (``+``, ``-``, ``\\pm``, ``\\mp``), else None."""
    if (t.kind == "sym" and t.text in ("+", "-")) or (t.kind == "cmd" and t.text in ("pm", "mp")):
        return _LABELS[t.text]
    return None


def _separator(t: _Tok, bar: bool = True) -> bool:
    """Whether ``t`` ends an argument: ``,``, ``;``, ``\\mid``, the closing parenthesis, the end, and
    ``|`` when ``bar`` (the one bar of the parenthesis: a pair of them may be an absolute value)."""
    if t.kind == "end":
        return True
    if t.kind == "sym" and t.text in (",", ";", ")"):
        return True
    if t.kind == "sym" and t.text == "|":
        return bar
    return t.kind == "cmd" and t.text == "mid"


def _one_bar(toks: list[_Tok]) -> bool:
    """Whether the tokens (up to their closing parenthesis) hold exactly one ``|`` at their own depth:
    only then is a ``|`` surely the conditioning bar (``|x| < 1`` holds two, absolute-value bars)."""
    depth, bars = 0, 0
    for t in toks:
        if t.kind == "sym" and t.text in _OPEN:
            depth += 1
        elif t.kind == "sym" and t.text in _CLOSE:
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and t.kind == "sym" and t.text == "|":
            bars += 1
    return bars == 1


def _join(t: _Tok) -> str | None:
    return _JOINS.get(t.text) if t.kind == "cmd" else None


def has_event_marks(toks: list[_Tok]) -> bool:
    """Whether the tokens after a probability's opening parenthesis (up to its close) name an event at
    their own depth: a label alone or after a name (``P(-)``, ``P(S+)``), ``\\cap``/``\\cup``, a leading
    negation, ``\\pm``/``\\mp``."""
    depth, bar = 0, _one_bar(toks)
    for k, t in enumerate(toks):
        if t.kind == "sym" and t.text in _OPEN:
            depth += 1
        elif t.kind == "sym" and t.text in _CLOSE:
            if depth == 0:
                return False  # the parenthesis closes
            depth -= 1
        elif depth == 0:
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            prev = toks[k - 1] if k else None
            if _join(t) or (t.kind == "cmd" and t.text in ("pm", "mp")):
                return True
            if _label(t) and (nxt is None or _separator(nxt, bar)):
                return True
            if t.kind == "cmd" and t.text in _NEGATIONS and (prev is None or _separator(prev, bar)):
                return True
    return False


class _EventGrammar:
    """`_Parser` grammar: one argument of a probability, which may be a named event."""

    def event_argument(self) -> Any:
        """One argument of a conditional application, up to its separator: an event (`prob_events`), or
        a value, or an event relation ``X = 1`` (``event(X, 1)``)."""
        end = self._argument_end()
        span = self.toks[self.i : end]
        joins = {_join(t) for t in self._top_level(span)} - {None}
        if joins:
            if len(joins) > 1:
                raise self.fail("\\cap and \\cup together without brackets have two readings")
            parts = _split_joins(span)
            if any(not part for part in parts):
                raise self.fail("\\cap or \\cup with no event on one side")
            self.i = end
            values = [self.sub(part).event_argument_all() for part in parts]
            return _combine(joins.pop(), values)
        return self._event_piece(end)

    def event_argument_all(self) -> Any:
        """The whole token list of this parser as one event (a part between ``\\cap``/``\\cup``)."""
        self.bars += 1
        value = self.event_argument()
        self.bars -= 1
        if self.peek().kind != "end":
            raise self.fail(self._unexpected(self.peek()))
        return value

    def _event_piece(self, end: int) -> Any:
        t = self.peek()
        if t.kind == "cmd" and t.text in _NEGATIONS:
            if self.i + 1 >= end:
                raise self.fail(f"\\{t.text} with no event after it")
            self.i += 1
            return sympy.Function("event_not")(self._event_piece(end))
        label = _label(t)
        if label is not None and self.i + 1 == end:
            self.i += 1
            return sympy.Function(label)()
        last = _label(self.toks[end - 1]) if end - 1 > self.i else None
        if last is not None and self.toks[end - 1].kind == "sym":
            # P(S+): the event S and the class +; a sign with nothing after it is no arithmetic
            value = _scalar(self.sub(self.toks[self.i : end - 1]).parse_all())
            self.i = end
            return _combine("event_and", [value, sympy.Function(last)()])
        arg = self.expr()
        relation = _event_relation(self.peek())
        if relation is not None:
            self.i += 1
            arg = self._event(relation, arg, self.expr())
        return arg

    def _argument_end(self) -> int:
        """The index of the token that ends the argument starting at ``self.i``."""
        depth, bar = 0, _one_bar(self.toks[self.i :])
        for j in range(self.i, len(self.toks)):
            t = self.toks[j]
            if t.kind == "sym" and t.text in _OPEN:
                depth += 1
            elif t.kind == "sym" and t.text in _CLOSE and depth:
                depth -= 1
            elif depth == 0 and _separator(t, bar):
                return j
        return len(self.toks)

    @staticmethod
    def _top_level(span: list[_Tok]) -> list[_Tok]:
        depth, out = 0, []
        for t in span:
            if t.kind == "sym" and t.text in _OPEN:
                depth += 1
            elif t.kind == "sym" and t.text in _CLOSE:
                depth -= 1
            elif depth == 0:
                out.append(t)
        return out


def _split_joins(span: list[_Tok]) -> list[list[_Tok]]:
    """``span`` cut at the ``\\cap``/``\\cup`` outside every bracket."""
    parts: list[list[_Tok]] = [[]]
    depth = 0
    for t in span:
        if t.kind == "sym" and t.text in _OPEN:
            depth += 1
        elif t.kind == "sym" and t.text in _CLOSE:
            depth -= 1
        elif depth == 0 and _join(t):
            parts.append([])
            continue
        parts[-1].append(t)
    return parts


def _combine(kind: str, values: list[Any]) -> Any:
    """``event_and``/``event_or`` of the parts: nested ones of the same kind flattened, sorted, so the
    reading does not depend on the order written (both operations are commutative and associative)."""
    flat: list[Any] = []
    for v in values:
        flat.extend(v.args if isinstance(v, sympy.Basic) and getattr(v, "func", None) == sympy.Function(kind) else [v])
    flat = sorted(flat, key=sympy.default_sort_key)
    return sympy.Function(kind)(*flat)


# --- the atom model's verdicts in a document -------------------------------------------------------

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
    r"(?:\\Pr|\\mathbb\{P\}|\bPr|\bP|\bp)\s*(?:\\left)?\s*\((?:[^()]|\([^()]*\))*\)\s*(?:\\right\))?\s*(?:=|&=)\s*"
    r"\\?(?:frac|tfrac|dfrac)?\s*\{?\s*-?\s*\.?\d"
)
#: What says that a statement holds given a class (naive Bayes: features independent within each class).
_GIVEN_WORDS = re.compile(r"\bgiven\b|conditional|\bwithin\b|\bin each\b|\bfor each\b|\bclass\b", re.IGNORECASE)
_NAIVE = re.compile(r"naive[\s-]+bayes", re.IGNORECASE)
#: Words that negate, doubt, only suppose or weaken the statement of their sentence.
_NOT_STATED = re.compile(
    r"\bnot\b|n't\b|\bnever\b|\bif\b|\bsuppose|\bwhether\b|\bdependent\b|\bcannot\b|\bwere\b|"
    # pairwise independence is not the mutual independence a proof under it used
    r"\bpairwise\b|\bpair\b",
    re.IGNORECASE,
)
_HOLDS = re.compile(r"it holds if (?P<names>[^;]+?) are independent(?: given (?P<given>[^;()]+?))?(?=;|\)|$)")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n\s*\n")


def settle_events(step: Any, result: Any, prose: str = "") -> Any:
    """``result`` of a step decided by the probability atom model (`derive.tiers._events`), read in its
    document (``prose``: the text before the step):

    - refuted, or undecided, where the step holds under an independence (given a class) that a
      sentence of the prose states of all its events, naming them and "independent" (given a class:
      with "given", "conditional", "within", "for each", "class" in it, or naive Bayes said), with no
      negation or supposition: **proved** under it, the sentence quoted;
    - refuted where the prose says anything about events the model does not know (independence,
      disjointness, a partition, a subset, a law, a complement, a number for a probability):
      **undecided**, naming what was said;
    - decided where ``P`` may mean something else in this text (`prob_readings.probability_doubt`):
      **undecided**.

    Anything else is returned as it is."""
    from derive.model import Evidence, Method, Outcome, Result, Verdict  # noqa: PLC0415
    from derive.tiers._events import EVENTS_NOTE, ROUTE  # noqa: PLC0415

    mine = [
        o
        for o in result.outcomes
        if o.evidence is not None and (o.evidence.route == ROUTE or EVENTS_NOTE in o.evidence.summary)
    ]
    if not mine:
        return result
    last = mine[-1]
    promoted = _stated_independence(last.evidence.summary, prose) if result.verdict is not Verdict.PROVED else None
    if promoted is not None:
        summary = (
            f"proved under the independence the text states (\u201c{promoted}\u201d): "
            f"{_HOLDS.sub('the step holds under it', last.evidence.summary)}"
        )
        ev = Evidence(Method.SYMBOLIC, summary, difference="0", route=ROUTE)
        return Result(result.claim, Verdict.PROVED, result.method, result.seconds, (Outcome(Verdict.PROVED, ev),))
    why = None
    if result.verdict is Verdict.REFUTED:
        why = _constrained(prose)
    if why is None and result.verdict in (Verdict.PROVED, Verdict.VERIFIED, Verdict.REFUTED):
        why = _other_meaning(step, result, prose)
    if why is None:
        return result
    note = Evidence(result.method, f"{why} (where the step is {result.verdict.value})", reason="context")
    outcomes = (*result.outcomes, Outcome(Verdict.UNDECIDED, note))
    return Result(result.claim, Verdict.UNDECIDED, result.method, result.seconds, outcomes)


def _stated_independence(summary: str, prose: str) -> str | None:
    """The sentence of ``prose`` stating the independence ``summary`` says the step holds under, or None."""
    m = _HOLDS.search(summary)
    if m is None or not prose:
        return None
    names = [n.strip() for n in m.group("names").split(",")]
    if any(not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", n) for n in names):
        return None  # a label (+, -) or a value event: which words would name it?
    given = m.group("given")
    for sentence in _SENTENCE.split(prose):
        if not re.search(r"independen", sentence, re.IGNORECASE) or _NOT_STATED.search(sentence):
            continue
        if not all(re.search(rf"(?<![A-Za-z0-9_]){re.escape(n)}(?![A-Za-z0-9_])", sentence) for n in names):
            continue
        if given is not None and not (_GIVEN_WORDS.search(sentence) or _NAIVE.search(prose)):
            continue
        return " ".join(sentence.split())[:200]
    return None


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


def _other_meaning(step: Any, result: Any, prose: str) -> str | None:
    """`prob_readings.probability_doubt` for the atom model's verdicts (it reads those of the definition
    of conditional probability): P defined or described as something else in this text."""
    from dataclasses import replace  # noqa: PLC0415

    from derive.latex.prob_readings import _ROUTE, probability_doubt  # noqa: PLC0415

    outcomes = tuple(
        replace(o, evidence=replace(o.evidence, route=_ROUTE)) if o.evidence is not None else o for o in result.outcomes
    )
    return probability_doubt(step, replace(result, outcomes=outcomes), prose)
