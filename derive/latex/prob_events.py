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

The grammar relates none of these probabilities to each other: the tiers do (the definition of
conditional probability, `derive.tiers._probability`; the finite space the events generate, with
complement, total probability and counterexample measures, `derive.tiers._events`). `settle_events`
reads the latter's verdicts in their document: what the text states of the events (a variable's range,
an independence) may prove a step, and what it may say of them keeps a refutation from standing.
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
