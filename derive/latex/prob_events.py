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

from typing import TYPE_CHECKING, Any

import sympy
from sympy import S

from derive.latex.grammar_linear import _scalar
from derive.latex.prob_marks import _event_relation

if TYPE_CHECKING:
    from collections.abc import Callable

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
#: The most values a listed set X \in \{...\} may hold to be read as X = one of them.
_MAX_LISTED = 8


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
            if _membership(t, nxt) is not None:
                return True
    return False


def _membership(t: _Tok, nxt: _Tok | None) -> int | None:
    """How many tokens mark a membership at ``t``: ``\\in``, ``\\notin`` (1) or ``\\not\\in`` (2); None for none."""
    if t.kind == "cmd" and t.text in ("in", "notin"):
        return 1
    if t.kind == "cmd" and t.text == "not" and nxt is not None and nxt.kind == "cmd" and nxt.text == "in":
        return 2
    return None


def _closes_at_end(toks: list[_Tok]) -> bool:
    """Whether the bracket opening ``toks`` closes at their last token and not before (``(a, b]``, not
    ``(a, b) \\cup (c, d)``)."""
    depth = 0
    for k, t in enumerate(toks):
        if t.kind == "sym" and t.text in _OPEN:
            depth += 1
        elif t.kind == "sym" and t.text in _CLOSE:
            depth -= 1
            if depth == 0:
                return k == len(toks) - 1
    return False


def _split_top(toks: list[_Tok], cut: Callable[[_Tok], bool]) -> list[list[_Tok]]:
    """``toks`` cut at the tokens ``cut`` accepts outside every bracket."""
    parts: list[list[_Tok]] = [[]]
    depth = 0
    for t in toks:
        if t.kind == "sym" and t.text in _OPEN:
            depth += 1
        elif t.kind == "sym" and t.text in _CLOSE:
            depth -= 1
        elif depth == 0 and cut(t):
            parts.append([])
            continue
        parts[-1].append(t)
    return parts


def _top_commas(toks: list[_Tok]) -> list[list[_Tok]]:
    """``toks`` cut at the commas outside every bracket."""
    return _split_top(toks, lambda t: t.kind == "sym" and t.text == ",")


def _reals(toks: list[_Tok]) -> bool:
    """``\\mathbb{R}`` or ``\\mathbb R``."""
    words = [t.text for t in toks if not (t.kind == "sym" and t.text in "{}")]
    return words == ["mathbb", "R"]


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
        marks = _membership(self.peek(), self.peek(1))
        if marks is not None:
            negated = self.peek().text != "in"
            self.i += marks
            event = self._member(arg, self.toks[self.i : end])
            self.i = end
            return sympy.Function("event_not")(event) if negated else event
        relation = _event_relation(self.peek())
        if relation is not None:
            self.i += 1
            arg = self._event(relation, arg, self.expr())
        return arg

    def _member(self, variable: Any, toks: list[_Tok]) -> Any:
        """``X \\in (a, b]`` as ``a < X`` and ``X <= b`` (the same events ``P(a < X \\le b)`` names; an infinite end
        drops its side, a real X is always above -oo); ``X \\in \\mathbb{R}`` as ``-oo < X < oo``; ``X \\in \\{0, 1\\}``
        as ``X = 0`` or ``X = 1``. Any other set (a named U, \\mathbb{N}, a set-builder) is not read: derive does not
        know which values it holds."""
        if _reals(toks):
            return _combine(
                "event_and",
                [self._event("event_gt", variable, -S.Infinity), self._event("event_lt", variable, S.Infinity)],
            )
        if toks and toks[0].kind == "sym" and toks[0].text in ("(", "[", "\\{") and _closes_at_end(toks):
            parts = _top_commas(toks[1:-1])
            if toks[0].text == "\\{" and toks[-1].text == "\\}" and 1 <= len(parts) <= _MAX_LISTED and all(parts):
                values = [self.sub(part).parse_all() for part in parts]
                return _combine("event_or", [self._event("event", variable, v) for v in values])
            if toks[0].text != "\\{" and toks[-1].text in (")", "]") and len(parts) == 2 and all(parts):
                return self._interval(variable, toks[0].text == "(", toks[-1].text == ")", parts)
        raise self.fail(
            f"membership in {self._src(toks) or 'nothing'}: derive reads an interval (a, b], the reals \\mathbb{{R}} "
            "or a listed set \\{0, 1\\} here, not a set whose values it does not know"
        )

    def _interval(self, variable: Any, open_left: bool, open_right: bool, parts: list[list[_Tok]]) -> Any:
        low, high = (_scalar(self.sub(part).parse_all()) for part in parts)
        if low == S.Infinity or high == S.NegativeInfinity:
            raise self.fail("an interval that starts at oo or ends at -oo holds no number")
        sides = []
        if low != S.NegativeInfinity:
            sides.append(self._event("event_gt" if open_left else "event_ge", variable, low))
        if high != S.Infinity:
            sides.append(self._event("event_lt" if open_right else "event_le", variable, high))
        if not sides:
            sides = [self._event("event_gt", variable, -S.Infinity), self._event("event_lt", variable, S.Infinity)]
        return sides[0] if len(sides) == 1 else _combine("event_and", sides)

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
    return _split_top(span, _join)


def _combine(kind: str, values: list[Any]) -> Any:
    """``event_and``/``event_or`` of the parts: nested ones of the same kind flattened, sorted, so the
    reading does not depend on the order written (both operations are commutative and associative)."""
    flat: list[Any] = []
    for v in values:
        flat.extend(v.args if isinstance(v, sympy.Basic) and getattr(v, "func", None) == sympy.Function(kind) else [v])
    flat = sorted(flat, key=sympy.default_sort_key)
    return sympy.Function(kind)(*flat)
