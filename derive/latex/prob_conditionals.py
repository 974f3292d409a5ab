"""Grammar mixin of the probability grammar: conditional applications, events and moments.

``p(x|\\mu)``, ``p(x \\mid \\mu)``, ``p(\\mathcal{D}; \\theta)`` are unknown functions of the arguments
and of given(...) / parameters(...); an event ``P(Y = 1)`` is the opaque ``event(Y, 1)``;
``\\mathrm{Var}``, ``\\mathrm{Cov}``, ``\\mathrm{Std}``, ``\\mathrm{Corr}`` and the entropy ``\\mathrm{H}`` of
random variables are their definitions under the law (`moment`), of anything else unknown functions.
"""

from __future__ import annotations

from typing import Any

import sympy

from derive.language.distributions import Distribution
from derive.language.functions import Expectation
from derive.latex.grammar_linear import _is_matrix, _scalar
from derive.latex.prob_densities import _BISHOP_DENSITIES
from derive.latex.prob_events import _PROBABILITY_NAMES, _EventGrammar, has_event_marks
from derive.latex.prob_marks import _GIVEN, _PARAMETERS, _condition_mark, _conditioning, _event_relation, _flat
from derive.latex.tokens import _DISTS, _KL_NAMES
from derive.tiers._linearity import moment_operator

#: Upright fonts that mark H[x] as the entropy (a bare H[x] may be a function H).
_UPRIGHT = frozenset({"mathrm", "operatorname", "text", "textrm", "rm", "mathsf"})


class _ConditionalGrammar(_EventGrammar):
    """`_Parser` grammar: what a name applied to a bracket means in probability notation."""

    def probability_notation(self, base: str, name: str, font: str) -> Any | None:
        """What ``name`` (a name just read, at what follows it) means in probability notation, or
        None (not consumed) when it is not such notation:

        - ``p(x|\\mu)``, ``q_\\phi(z \\mid x)``, ``p(\\mathcal{D}; \\theta)``, ``P(Y_n = k | x)``: a
          conditional application of an unknown function (`conditional_application`); so is a
          probability of named events, ``P(+)``, ``P(B \\cap A)`` (`derive.latex.prob_events`);
        - ``\\mathrm{Gam}(\\lambda|a,b)``, ``\\mathrm{Bin}(m|N,\\mu)``: Bishop's densities;
        - ``\\mathrm{H}[x]`` of a random variable: the entropy (`moment`); a bare ``H[x]``, or one of
          nothing random, is left to its two readings.
        """
        function = name in self.functions  # functions: [p] -- an unknown function all the same
        if (self.declared(name) and not function) or not self.at_sym("(", "["):
            return None
        if name == "H" and not function and font in _UPRIGHT and self._may_name_random(self.i):
            close = "]" if self.at_sym("[") else ")"
            return self.moment("H", [self.sub(self.balanced(self.peek().text, close)).parse_all()])
        if name in _DISTS and (font == "mathcal" or self.dist_context):
            return None  # \mathcal{N}(x|...), N(x|...) after \sim: the distribution grammar reads them
        if name in _KL_NAMES:  # D_{KL}(p; q) is a divergence, never p given parameters q
            return self.divergence(_KL_NAMES[name]) if self.at_sym("[") else None
        if not self.at_sym("("):
            return None
        bar, event = self._marks(self.i)
        named_events = name in _PROBABILITY_NAMES and has_event_marks(self.toks[self.i + 1 :])
        if not bar and not event and not named_events:
            return None  # named events (P(+), P(S-), P(B \cap A)): prob_events, only in a probability
        if name in _BISHOP_DENSITIES and bar:
            inner = self.balanced("(", ")")
            point, args = self._point_and_parameters(inner, name)
            return self._bishop_density(name, point, args)
        return self.conditional_application(name)

    def _may_name_random(self, at: int) -> bool:
        """Whether the bracket at token ``at`` has a letter that starts the name of a random
        variable (a cheap look, so the bracket is read once: what it finds is checked by `moment`).
        Without one, ``\\mathrm{H}[x]`` keeps its two readings (H·x or a function H)."""
        starts = {name.split("_", 1)[0] for name in (*self.st.random, *self.st.found)}
        depth = 0
        for t in self.toks[at:]:
            if t.kind == "sym" and t.text in ("(", "[", "{", "\\{"):
                depth += 1
            elif t.kind == "sym" and t.text in (")", "]", "}", "\\}"):
                depth -= 1
                if depth == 0:
                    return False
            elif t.kind in ("letter", "cmd") and t.text in starts:
                return True
        return False

    def _marks(self, at: int) -> tuple[bool, bool]:
        """Whether the parenthesis at token ``at`` holds, at its own depth, a conditioning bar or a
        semicolon (`_conditioning`), and an event's relation (``P(Y = 1)``, ``P(X > 0)``)."""
        depth, end, event, semicolon = 0, len(self.toks), False, False
        for j in range(at, len(self.toks)):
            t = self.toks[j]
            if t.kind == "sym" and t.text in ("(", "[", "{", "\\{"):
                depth += 1
            elif t.kind == "sym" and t.text in (")", "]", "}", "\\}"):
                depth -= 1
                if depth == 0:
                    end = j
                    break
            elif depth == 1:
                semicolon = semicolon or (t.kind == "sym" and t.text == ";")
                event = event or _event_relation(t) is not None
        return semicolon or _conditioning(self.toks[at + 1 : end]), event

    def conditional_application(self, name: str) -> Any:
        """``p(x, y | z; \\theta)``: the unknown function ``name`` of the arguments, then given(the
        conditioning variables), then parameters(those after a semicolon). An event among the
        arguments, ``t_n = 1``, ``X > 0``, is ``event(t_n, 1)``, ``event_gt(X, 0)``: opaque, so p(x=0) and
        p(y=0) stay apart (x and y may have different laws) and a product over n keeps its t_n.
        Declared vectors give their entries."""
        self.expect_sym("(")
        self.bars += 1
        groups: dict[str, list[Any]] = {"": [], "given": [], "parameters": []}
        mark = ""
        self.st.applying += 1  # the arguments of an unknown function: a data set \\{x_n\\}_{n=1}^N is one value
        try:
            while True:
                groups[mark].append(self.event_argument())  # a value, X = 1, or a named event
                if self.at_sym(","):
                    self.i += 1
                    continue
                nxt = _condition_mark(self)
                if nxt and not groups[nxt] and (nxt == "parameters" or not groups["parameters"]):
                    self.i += 1
                    mark = nxt
                    continue
                break
        finally:
            self.st.applying -= 1
        self.bars -= 1
        self.expect_sym(")")
        if not groups[""]:
            raise self.fail(f"{name}(...) with nothing before its bar")
        values = _flat(groups[""])
        if groups["given"]:
            values.append(_GIVEN(*_flat(groups["given"])))
        if groups["parameters"]:
            values.append(_PARAMETERS(*_flat(groups["parameters"])))
        if any(isinstance(v, sympy.MatrixExpr) for v in values):
            raise self.fail(f"a symbolic-size matrix argument to the unknown function {name}")
        return sympy.Function(name)(*values)

    def _event(self, relation: str, variable: Any, value: Any) -> Any:
        variable, value = _scalar(variable), _scalar(value)
        if _is_matrix(variable) or _is_matrix(value):
            raise self.fail("an event of a vector or matrix")
        return sympy.Function(relation)(variable, value)

    def moment(self, name: str, args: list[Any]) -> Any:
        """``Var``, ``Std``, ``Cov``, ``Corr`` or the entropy ``H`` of ``args``: under the law of the
        random variables they mention, their definitions (E[(x - E x)^2], sqrt of it, E[(x - E x)(y - E y)],
        Cov/(Std Std), -E[log p(x)]); otherwise (nothing random, a vector, a law derive cannot
        name) the unknown function of the arguments, which no tier evaluates."""
        scalars = [_scalar(a) for a in args]
        # an unknown law: marked (derive.tiers._linearity) unless the text declares a function of that name, or
        # an argument is a vector (Cov[x] of a 2-vector is a matrix, not the covariance of x_1 and x_2)
        vector = any(_is_matrix(a) for a in scalars)
        operator = None if name in self.functions or vector else moment_operator(name)
        unknown = (operator or sympy.Function(name))(*_flat(scalars))
        if not scalars or any(_is_matrix(a) or not self._mentions_random(a) for a in scalars):
            return unknown
        centred = [a - Expectation(a) for a in scalars]
        if name == "Var" and len(centred) == 1:
            return Expectation(centred[0] ** 2)
        if name == "Std" and len(centred) == 1:
            return sympy.sqrt(Expectation(centred[0] ** 2))
        if name == "Cov" and len(centred) == 2:
            return Expectation(centred[0] * centred[1])
        if name == "Corr" and len(centred) == 2:
            spread = sympy.sqrt(Expectation(centred[0] ** 2) * Expectation(centred[1] ** 2))
            return Expectation(centred[0] * centred[1]) / spread
        if name == "H" and len(scalars) == 1:
            return self._entropy(scalars[0], unknown)
        return unknown

    def _entropy(self, x: Any, unknown: Any) -> Any:
        """H[x] = -E[log p(x)] for a random variable x whose law derive knows; else ``unknown``."""
        law = (self.st.random.get(str(x)) or self.st.found.get(str(x))) if isinstance(x, sympy.Symbol) else None
        if not isinstance(law, Distribution) or law.size is not None:
            return unknown
        return Expectation(sympy.expand_log(-sympy.log(law.pdf(x)), force=False))
