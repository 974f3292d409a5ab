"""Grammar mixin of `derive.latex.parser._Parser`: expectations, divergences, densities, distributions."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sympy
from sympy import S
from sympy.core.function import AppliedUndef

from derive.distributions import (
    Categorical,
    Distribution,
    MultivariateNormal,
    Normal,
)
from derive.errors import LatexError
from derive.functions import JS, KL, Expectation
from derive.latex.grammar_linear import _is_matrix, _scalar
from derive.latex.tokens import _ACCENTS, _DISTS, _FONTS, _GREEK
from derive.symbols import SymbolKind

if TYPE_CHECKING:
    from derive.latex.tokens import _Tok


class _ProbabilityGrammar:
    """`_Parser` grammar: expectations, variances, KL/JS divergences, densities and distributions."""

    # -- probability ----------------------------------------------------------------------
    def expectation(self) -> Any:
        sub_toks = None
        if self.at_sym("_"):
            self.i += 1
            sub_toks = self.group_tokens()
        if self.at_sym("["):
            inner = self.balanced("[", "]")
        elif self.at_sym("("):
            inner = self.balanced("(", ")")
        else:
            raise self.fail("an expectation E needs its argument in brackets: E[...]")
        if not inner:
            raise self.fail("an empty expectation E[]")
        wrap, sample = self._expectation_operator(sub_toks)
        saved, self.st.sample = self.st.sample, sample or self.st.sample
        try:
            with self.shadowing(self._averaged_names(sub_toks, sample)):
                body = self.sub(inner).parse_all()
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
        point = None
        if any(t.kind == "sym" and t.text == ";" for t in inner):
            point, args = args[0], args[1:]  # \mathcal{N}(x; \mu, \sigma^2) is the density at x
        if cls is Normal and len(args) == 2 and (_is_matrix(args[0]) or _is_matrix(args[1])):
            mean, cov = args
            if not _is_matrix(cov) or cov.shape[0] != cov.shape[1]:
                raise self.fail("a multivariate normal needs a square covariance matrix")
            if not _is_matrix(mean):
                if mean != 0:
                    raise self.fail("a multivariate normal needs a mean vector")
                mean = sympy.zeros(cov.shape[0], 1)
            dist: Distribution = MultivariateNormal(sympy.ImmutableMatrix(mean), sympy.ImmutableMatrix(cov))
        elif cls is Categorical:
            dist = Categorical(list(args))
        else:
            dist = cls(*[_scalar(a) for a in args])
        return dist.pdf(point) if point is not None else dist  # type: ignore[return-value]

    def divergence(self, op: type[sympy.Function]) -> Any:
        self.expect_sym("(")
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
        self.expect_sym(")")
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
