"""Grammar mixin of `derive.latex.parser._Parser`: expectations, divergences, densities, distributions.

Probability notation as real documents write it:

- a conditional bar in an application, ``p(x|\\mu)``, ``p(x \\mid \\mu)``, ``p(x \\vert \\mu)``,
  ``p\\left(x \\middle| \\mu\\right)``, is the unknown function p of x and of ``given(mu)``;
  semicolon parameters ``p(\\mathcal{D}; \\theta)`` give ``parameters(theta)`` instead, so
  p(x|μ), p(x, μ), p(x; μ) and p(μ|x) are four different values derive cannot evaluate
  (steps that only rearrange them can be proved; a log of their product does not split, as
  nothing says an unknown density is positive there). An event ``p(x=0|\\mu)``, ``P(X > 0)`` is
  the opaque ``event(x, 0)``, ``event_gt(X, 0)``: P(X=1) and P(Y=1) stay apart;
- Bishop's density notation (PRML, Appendix B) is the density at the point before the bar:
  ``\\mathcal{N}(x|\\mu,\\sigma^2)``, ``\\mathcal{N}(\\mathbf{x}|\\boldsymbol\\mu,\\Sigma)``
  (declared vectors), ``\\mathrm{Bern}(x|\\mu)``, ``\\mathrm{Beta}(\\mu|a,b)``, ``\\mathrm{Gam}(\\lambda|a,b)``,
  ``\\mathrm{Bin}(m|N,\\mu)``, each in the closed form Bishop writes; without a bar
  ``\\mathcal{N}(\\mu,\\sigma^2)`` stays a distribution. Inside ``\\mathrm{KL}(\\cdot\\|\\cdot)`` a density at a
  plain variable is its distribution, so the divergence has its closed form;
- ``\\mathbb{E}[x \\mid y]`` is an opaque conditional expectation, never the unconditional one;
- ``\\text{var}[x]``, ``\\mathrm{Var}(x)``, ``\\mathrm{Cov}[x, y]``, ``\\mathrm{Std}``, ``\\mathrm{Corr}`` and
  the entropy ``\\mathrm{H}[x]`` of arguments that mention random variables (declared under
  ``random:`` or drawn in a subscript) are their definitions under that law (E[(x - E x)^2],
  ..., -E[log p(x)]); of anything else they stay unknown functions (`moment`);
- a subscripted plain ``E_x`` not followed by a bracket is a name (an energy), not an expectation.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sympy
from sympy import S
from sympy.core.function import AppliedUndef

from derive._exact import _binomial
from derive.distributions import (
    Bernoulli,
    Beta,
    Categorical,
    Distribution,
    Gamma,
    MultivariateNormal,
    Normal,
)
from derive.errors import LatexError
from derive.functions import JS, KL, Expectation
from derive.latex.grammar_linear import _is_matrix, _scalar
from derive.latex.tokens import _ACCENTS, _DISTS, _FONTS, _GREEK, _KL_NAMES
from derive.symbols import SymbolKind

if TYPE_CHECKING:
    from derive.latex.tokens import _Tok

#: What a conditional application records after its arguments: ``p(x|mu)`` is p(x, given(mu)),
#: ``p(D; theta)`` is p(D, parameters(theta)).
_GIVEN = sympy.Function("given")
_PARAMETERS = sympy.Function("parameters")
#: Bishop's names of densities derive has no distribution for, read only before a bar.
_BISHOP_DENSITIES = frozenset({"Gam", "Bin"})
#: Upright fonts that mark H[x] as the entropy (a bare H[x] may be a function H).
_UPRIGHT = frozenset({"mathrm", "operatorname", "text", "textrm", "rm", "mathsf"})


class _ProbabilityGrammar:
    """`_Parser` grammar: expectations, variances, KL/JS divergences, densities and distributions."""

    # -- probability ----------------------------------------------------------------------
    def expectation(self) -> Any:
        start = self.i
        sub_toks = None
        if self.at_sym("_"):
            self.i += 1
            sub_toks = self.group_tokens()
        if sub_toks is not None and not self.at_sym("[", "(") and self._plain_e(start):
            # E_x + E_y: a subscripted plain E before no bracket is a name (an energy, a count); read
            # as the italic name, whose font is not an expectation's
            self.i = start
            return self.named("E", "mathit")
        inner: list[_Tok] | None = None
        if self.at_sym("["):
            inner = self.balanced("[", "]")
        elif self.at_sym("("):
            inner = self.balanced("(", ")")
        elif self._plain_e(start) or not self.starts_factor():
            raise self.fail("an expectation E needs its argument in brackets: E[...]")
        if inner is not None and not inner:
            raise self.fail("an empty expectation E[]")
        wrap, sample = self._expectation_operator(sub_toks)
        if inner is not None and _conditioning(inner):
            return self._conditional_expectation(inner, wrap)
        saved, self.st.sample = self.st.sample, sample or self.st.sample
        try:
            with self.shadowing(self._averaged_names(sub_toks, sample)):
                # \mathbb{E}_{q(z)} \log p(x, z) - ...: without brackets an expectation, like a sum,
                # is of the term that follows (up to the next + or -)
                body = self.sub(inner).parse_all() if inner is not None else self.term()
        finally:
            self.st.sample = saved
        if sub_toks is None and not self._mentions_random(body):
            # E[X^2] with nothing declared random: reading X as a constant would make
            # E[X^2] = E[X]^2 an identity. An opaque E(...) leaves such steps undecided.
            wrap = sympy.Function("E")
        if _is_matrix(body):
            if body.shape == (1, 1):
                return wrap(body[0, 0])
            return sympy.ImmutableMatrix(body.shape[0], body.shape[1], [wrap(e) for e in body])
        return wrap(body)

    def _plain_e(self, start: int) -> bool:
        """Whether the E before ``start`` is a plain letter (not ``\\mathbb{E}``, ``\\mathbb E``, ``\\mathrm{E}``)."""
        prev = self.toks[start - 1] if start > 0 else None
        font = self.toks[start - 2] if start > 1 else None
        if font is not None and font.kind == "cmd" and font.text in _FONTS:
            return False
        return prev is not None and prev.kind == "letter" and prev.text == "E"

    def _conditional_expectation(self, inner: list[_Tok], wrap: Callable[[Any], Any]) -> Any:
        """``E[x \\mid y]``, ``E_z[f(z) | x]``: an opaque E of the body and given(condition).

        derive knows no conditional law, so it is never the unconditional expectation: a step
        through it is proved only where it rearranges the same conditional expectations."""
        q = self.sub(inner)
        q.bars += 1
        body = _scalar(q.expr())
        if self._condition_mark(q) != "given":
            raise self.fail(q._unexpected(q.peek()))
        q.i += 1
        condition = [q.expr()]
        while q.at_sym(","):
            q.i += 1
            condition.append(q.expr())
        if q.peek().kind != "end":
            raise self.fail(q._unexpected(q.peek()))
        if _is_matrix(body):
            raise self.fail("a conditional expectation of a vector or matrix")
        opaque = sympy.Function("E") if wrap is Expectation else wrap
        return opaque(body, _GIVEN(*_flat(condition)))

    @staticmethod
    def _condition_mark(p: Any) -> str:
        """``given`` at a conditioning bar (``|``, ``\\mid``, ``\\vert``, ``\\middle|``), ``parameters``
        at a semicolon, else ``""``."""
        t = p.peek()
        if (t.kind == "sym" and t.text == "|") or (t.kind == "cmd" and t.text == "mid"):
            return "given"
        if t.kind == "sym" and t.text == ";":
            return "parameters"
        return ""

    def _averaged_names(self, sub_toks: list[_Tok] | None, sample: str) -> set[str]:
        """The variable an expectation averages over (``y`` of ``E_{y \\sim N(0,1)}``, ``x`` of
        ``E_x`` or of a bound ``E_p``): bound inside it, so its definitions do not apply there."""
        names = {sample} if sample else set()
        if sub_toks is None:
            return names
        sim = next((k for k, t in enumerate(sub_toks) if t.kind == "cmd" and t.text == "sim"), None)
        with contextlib.suppress(LatexError):  # E_{x_1, x_2}: nothing single to bind
            names.add(self.sub(sub_toks[:sim] if sim is not None else sub_toks).name_only())
        return names

    def _mentions_random(self, body: Any) -> bool:
        names = set(self.st.random) | set(self.st.found)
        free = body.free_symbols if isinstance(body, (sympy.Basic, sympy.MatrixBase)) else set()
        return any(str(sym).split("[", 1)[0] in names for sym in free)

    def _expectation_operator(self, sub_toks: list[_Tok] | None) -> tuple[Callable[[Any], Any], str]:
        """The operator for ``E_{sub}`` and, for a bound density, the variable it averages over."""
        if sub_toks is None:
            return Expectation, ""
        sim = next((k for k, t in enumerate(sub_toks) if t.kind == "cmd" and t.text == "sim"), None)
        label = re.sub(r"\s+", "", self._src(sub_toks)).replace("\\sim", "~")
        label = re.sub(r"\\(?:mathcal|mathbb|mathrm|mathbf|boldsymbol|bm|text|operatorname)\{([^{}]*)\}", r"\1", label)
        label = label.replace("\\", "")
        opaque = sympy.Function(f"E_{label}" if len(sub_toks) == 1 else f"E_{{{label}}}")
        if sim is None:
            p = self.sub(sub_toks)
            try:
                name = p.base_name() if len(sub_toks) == 1 else p.name_only()
            except LatexError:
                return opaque, ""
            if name in self.st.random:
                return Expectation, ""
            var = self.st.densities.variable(name)
            return (Expectation, var) if var is not None and var in self.st.random else (opaque, "")
        var_name = self.sub(sub_toks[:sim]).name_only()
        dist_toks = sub_toks[sim + 1 :]
        p = self.sub(dist_toks)
        p.dist_context = True
        if not p.starts_distribution():
            # E_{x ~ p}[...] of a bound density p over x; otherwise (E_{x ~ p_G}[...]) a
            # distribution derive cannot name.
            try:
                name = self.sub(dist_toks).name_only()
            except LatexError:
                return opaque, ""
            var = self.st.densities.variable(name)
            return (Expectation, var) if var == var_name and var in self.st.random else (opaque, "")
        dist = p.parse_all()
        if not isinstance(dist, Distribution):
            return opaque, ""
        self.declare_random(var_name, dist)
        return Expectation, ""

    def name_only(self) -> str:
        t = self.next()
        if t.kind == "letter" or (t.kind == "cmd" and t.text in _GREEK):
            name = self.name_suffixes(t.text)
        elif t.kind == "cmd" and t.text in _FONTS | set(_ACCENTS):
            inner = self.sub(self.group_tokens()).base_name()
            suffix = _ACCENTS.get(t.text, "")
            name = self.name_suffixes(f"{inner}_{suffix}" if suffix else inner)
        else:
            raise self.fail(f"expected a variable name, found {t!r}")
        if self.peek().kind != "end":
            raise self.fail(f"expected a variable name, found more after {name!r}")
        return name

    def starts_distribution(self) -> bool:
        t = self.peek()
        if t.kind in ("letter", "word") and t.text in _DISTS:
            return True
        if t.kind == "cmd" and t.text in _FONTS:
            return self._font_word(0) in _DISTS
        return False

    def declare_random(self, name: str, dist: Distribution) -> None:
        table = self.st.table
        previous = self.st.found.get(name) or self.st.random.get(name)
        if isinstance(previous, Distribution) and previous != dist:
            raise self.fail(f"{name} is drawn from two different distributions ({previous} and {dist})")
        size = dist.size
        if size is not None:
            spec = table.get(name)
            if spec is None or spec.kind.shape != (size, 1):
                table.declare(name, SymbolKind("vector", size, 1))
        else:
            self.symbol(name)
        self.st.found[name] = dist
        self.st.random[name] = dist

    def distribution(self, word: str) -> Distribution:
        cls = _DISTS[word]
        close = {"(": ")", "[": "]"}[self.peek().text]
        inner = self.balanced(self.peek().text, close)
        if _conditioning(inner) and not any(t.kind == "sym" and t.text == ";" for t in inner):
            point, args = self._point_and_parameters(inner, word)
            return self._density_at(cls, args, point)
        parts: list[list[_Tok]] = [[]]
        depth = 0
        for t in inner:
            if t.kind == "sym" and t.text in ("(", "[", "{", "\\{"):
                depth += 1
            elif t.kind == "sym" and t.text in (")", "]", "}", "\\}"):
                depth -= 1
            if depth == 0 and t.kind == "sym" and t.text in (",", ";"):
                parts.append([])
                continue
            parts[-1].append(t)
        args = [self.sub(p).parse_all() for p in parts if p]
        if any(t.kind == "sym" and t.text == ";" for t in inner):
            # \mathcal{N}(x; \mu, \sigma^2) is the density at x
            return self._density_at(cls, args[1:], args[0])
        return self._law(cls, args)

    def _law(self, cls: type[Distribution], args: list[Any]) -> Distribution:
        if cls is Normal and len(args) == 2 and (_is_matrix(args[0]) or _is_matrix(args[1])):
            mean, cov = args
            if not _is_matrix(cov) or cov.shape[0] != cov.shape[1]:
                raise self.fail("a multivariate normal needs a square covariance matrix")
            if not _is_matrix(mean):
                if mean != 0:
                    raise self.fail("a multivariate normal needs a mean vector")
                mean = sympy.zeros(cov.shape[0], 1)
            if not (isinstance(mean, sympy.MatrixBase) and isinstance(cov, sympy.MatrixBase)):
                raise self.fail("a multivariate normal of symbolic size (declare the vector's and matrix's sizes)")
            return MultivariateNormal(sympy.ImmutableMatrix(mean), sympy.ImmutableMatrix(cov))
        if cls is Categorical:
            return Categorical(list(args))
        return cls(*[_scalar(a) for a in args])

    def _point_and_parameters(self, inner: list[_Tok], word: str) -> tuple[Any, list[Any]]:
        """``x | \\mu, \\sigma^2``: the point before the bar and the parameters after it."""
        q = self.sub(inner)
        q.bars += 1  # |x| as a whole argument is still an absolute value; a bar after one ends it
        point = _scalar(q.expr())
        if self._condition_mark(q) != "given":
            raise self.fail(f"{word}(...) with a bar needs the point before it and the parameters after it")
        q.i += 1
        args = [q.expr()]
        while q.at_sym(","):
            q.i += 1
            args.append(q.expr())
        if q.peek().kind != "end":
            raise self.fail(q._unexpected(q.peek()))
        return point, args

    def _density_at(self, cls: type[Distribution], args: list[Any], point: Any) -> Any:
        """Bishop's density notation: the density of ``cls(*args)`` at ``point``, in the closed form
        of PRML's Appendix B (Beta and Gamma without the indicator of their support, as Bishop
        writes them); inside a divergence, at a plain variable, the distribution itself."""
        law = self._law(cls, args)
        variables = list(point) if _is_matrix(point) else [point]
        if self.dist_context and all(isinstance(v, sympy.Symbol) for v in variables):
            return law  # KL(N(x|mu_1, s_1) || N(x|mu_2, s_2)) is KL of the two laws of x
        if law.size is None and _is_matrix(point):
            raise self.fail(f"the density of {law} at a vector or matrix")
        if law.size is not None and not (_is_matrix(point) and point.shape == (law.size, 1)):
            raise self.fail(f"the density of {law} needs a point of size {law.size} (declare the vector)")
        if isinstance(law, Beta):
            a, b = law.args
            return sympy.gamma(a + b) / (sympy.gamma(a) * sympy.gamma(b)) * point ** (a - 1) * (1 - point) ** (b - 1)
        if isinstance(law, Gamma):
            a, b = law.args
            return b**a * point ** (a - 1) * sympy.exp(-b * point) / sympy.gamma(a)
        return law.pdf(point)

    def probability_notation(self, base: str, name: str, font: str) -> Any | None:
        """What ``name`` (a name just read, at what follows it) means in probability notation, or
        None (not consumed) when it is not such notation:

        - ``p(x|\\mu)``, ``q_\\phi(z \\mid x)``, ``p(\\mathcal{D}; \\theta)``, ``P(Y_n = k | x)``: a
          conditional application of an unknown function (`conditional_application`);
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
        if name in _KL_NAMES and self.at_sym("["):
            return self.divergence(_KL_NAMES[name])  # D_{KL}[q || p]
        if not self.at_sym("("):
            return None
        bar, event = self._marks(self.i)
        if not bar and not event:
            return None
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

    def _bishop_density(self, name: str, point: Any, args: list[Any]) -> Any:
        if _is_matrix(point) or any(_is_matrix(a) for a in args):
            raise self.fail(f"\\mathrm{{{name}}} of a vector or matrix")
        args = [_scalar(a) for a in args]
        if name == "Gam" and len(args) == 2:
            return self._density_at(Gamma, args, point)
        if name == "Bin" and len(args) == 2:
            n, mu = args
            Bernoulli(mu)  # the range of the probability: Bin(m|N, 2) is an error, not a value
            return _binomial(n, point) * mu**point * (1 - mu) ** (n - point)
        raise self.fail(f"\\mathrm{{{name}}}(x|...) with {len(args)} parameters")

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
        while True:
            arg = self.expr()
            relation = _event_relation(self.peek())
            if relation is not None:
                self.i += 1
                arg = self._event(relation, arg, self.expr())
            groups[mark].append(arg)
            if self.at_sym(","):
                self.i += 1
                continue
            nxt = self._condition_mark(self)
            if nxt and not groups[nxt] and (nxt == "parameters" or not groups["parameters"]):
                self.i += 1
                mark = nxt
                continue
            break
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
        unknown = sympy.Function(name)(*_flat(scalars))
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

    def divergence(self, op: type[sympy.Function]) -> Any:
        close = "]" if self.at_sym("[") else ")"  # KL[q || p] as often as KL(q || p)
        self.expect_sym("[" if close == "]" else "(")
        saved = self.dist_context
        self.dist_context = True
        self.bars += 1
        try:
            first = self.expr()
            if self.at_sym("‖"):
                self.i += 1
            elif self.at_sym("|") and self.at_sym("|", k=1):
                self.i += 2
            elif self.at_sym(",", ";"):
                self.i += 1
            elif self.at(("cmd"), "mid") and self.at("cmd", "mid", k=1):
                self.i += 2
            else:
                raise self.fail(f"{op.__name__} needs two arguments separated by || or \\|")
            second = self.expr()
        finally:
            self.bars -= 1
            self.dist_context = saved
        self.expect_sym(close)
        first, second = _scalar(first), _scalar(second)
        if isinstance(first, Distribution) or isinstance(second, Distribution):
            return op(first, second)
        return self._density_divergence(op, first, second)

    def _density_divergence(self, op: type[sympy.Function], first: Any, second: Any) -> Any:
        """KL and JS of densities derive does not know (``D_{KL}(p||q)``, ``JS(p_{data}||p_g)``,
        ``KL(p || \\frac{p(x) + q(x)}{2})``) by their definitions: ∫ p log(p/q) dx, and
        ½KL(p||m) + ½KL(q||m) with m = (p + q)/2. A bare name is the density applied to the
        variable the other argument uses (x when neither names one; a declared vector x
        gives an integral over R^n). Anything else (a conditional q(z|x), a declared
        parameter, two different variables) stays an opaque divergence."""
        if _is_matrix(first) or _is_matrix(second):
            raise self.fail(f"{op.__name__} of a matrix")
        parts = [e for e in (first, second) if isinstance(e, sympy.Basic)]
        if len(parts) != 2:
            return op(first, second)
        arguments = {app.args for e in parts for app in e.atoms(AppliedUndef)}
        if len(arguments) > 1:
            return op(first, second)
        if arguments:
            (variables,) = arguments
            if not all(isinstance(v, sympy.Symbol) for v in variables) or len(set(variables)) != len(variables):
                return op(first, second)
            variables = tuple(variables)
        else:
            x = self.symbol("x")
            if isinstance(x, sympy.MatrixBase) and 1 in x.shape and all(isinstance(e, sympy.Symbol) for e in x):
                variables = tuple(x)
            elif isinstance(x, sympy.Symbol):
                variables = (x,)
            else:
                return op(first, second)
        names = (first.free_symbols | second.free_symbols) - set(variables)
        if any(self.declared(n.name) or not isinstance(n, sympy.Symbol) for n in names):
            return op(first, second)  # a declared parameter: not a density derive can name
        lift = {n: sympy.Function(n.name)(*variables) for n in names}
        p, q = first.xreplace(lift), second.xreplace(lift)
        if op is JS:
            m = (p + q) / 2
            return (self._kl_integral(p, m, variables) + self._kl_integral(q, m, variables)) / 2
        if op is KL:
            return self._kl_integral(p, q, variables)
        return op(first, second)

    @staticmethod
    def _kl_integral(p: Any, q: Any, variables: tuple[Any, ...]) -> Any:
        return sympy.Integral(p * sympy.log(p / q), *[(v, S.NegativeInfinity, S.Infinity) for v in variables])


def _flat(values: list[Any]) -> list[Any]:
    """Arguments of an unknown function: a declared vector gives its entries."""
    out: list[Any] = []
    for v in values:
        s = _scalar(v)
        out.extend(list(s) if isinstance(s, sympy.MatrixBase) else [s])
    return out


_EVENTS = {
    "=": "event", "<": "event_lt", ">": "event_gt", "<=": "event_le", ">=": "event_ge", "!=": "event_ne",
    "le": "event_le", "leq": "event_le", "leqslant": "event_le", "ge": "event_ge", "geq": "event_ge",
    "geqslant": "event_ge", "ne": "event_ne", "neq": "event_ne", "lt": "event_lt", "gt": "event_gt",
}  # fmt: skip


def _event_relation(t: _Tok) -> str | None:
    """The opaque function an event's relation gives (``=``: ``event``), or None for any other token."""
    if t.kind == "sym" or (t.kind == "cmd" and t.text.isalpha()):
        return _EVENTS.get(t.text)
    return None


def _conditioning(toks: list[_Tok]) -> bool:
    """Whether a bracket's tokens hold a conditioning bar at their own depth: a ``\\mid``, or an odd
    number of ``|`` (absolute values come in pairs: ``|x|`` is no bar, ``|x| | y`` and ``x | y`` hold one).
    Decided from the tokens, so each bracket is read once."""
    depth, bars = 0, 0
    for t in toks:
        if t.kind == "sym" and t.text in ("(", "[", "{", "\\{"):
            depth += 1
        elif t.kind == "sym" and t.text in (")", "]", "}", "\\}"):
            depth -= 1
        elif depth == 0 and t.kind == "cmd" and t.text == "mid":
            return True
        elif depth == 0 and t.kind == "sym" and t.text == "|":
            bars += 1
    return bars % 2 == 1
