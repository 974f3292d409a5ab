"""Grammar mixin of the probability grammar: distributions, Bishop's densities at a point, divergences.

``\\mathcal{N}(\\mu, \\sigma^2)`` is a distribution; with a bar or a semicolon,
``\\mathcal{N}(x|\\mu,\\sigma^2)``, ``\\mathcal{N}(x;\\mu,\\sigma^2)``, ``\\mathrm{Bern}(x|\\mu)``,
``\\mathrm{Beta}(\\mu|a,b)``, ``\\mathrm{Gam}(\\lambda|a,b)``, ``\\mathrm{Bin}(m|N,\\mu)`` are densities
at the point, in the closed forms of Bishop's Appendix B. KL and JS of named distributions keep
their closed forms; of unknown densities, their definitions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy
from sympy import S
from sympy.core.function import AppliedUndef

from derive.language._exact import _binomial
from derive.language.distributions import (
    Bernoulli,
    Beta,
    Categorical,
    Distribution,
    Exponential,
    Gamma,
    MultivariateNormal,
    Normal,
)
from derive.language.functions import JS, KL
from derive.latex.grammar_linear import _is_matrix, _scalar
from derive.latex.prob_marks import _condition_mark, _conditioning
from derive.latex.tokens import _DISTS, _split_top

if TYPE_CHECKING:
    from derive.latex.tokens import _Tok

#: Bishop's names of densities derive has no distribution for, read only before a bar.
_BISHOP_DENSITIES = frozenset({"Gam", "Bin"})


def _bare_scale(arg: Any) -> bool:
    """Whether a normal's second parameter is a bare σ (``\\sigma``, ``\\sigma_k``): the name of a standard
    deviation, which some texts write there and others square."""
    name = getattr(arg, "name", "") if isinstance(arg, sympy.Symbol) else ""
    return name == "sigma" or name.startswith("sigma_")


class _DensityGrammar:
    """`_Parser` grammar: distributions, densities at a point and divergences."""

    def distribution(self, word: str) -> Distribution:
        cls = _DISTS[word]
        close = {"(": ")", "[": "]"}[self.peek().text]
        inner = self.balanced(self.peek().text, close)
        if _conditioning(inner) and not any(t.kind == "sym" and t.text == ";" for t in inner):
            point, args = self._point_and_parameters(inner, word)
            return self._density_at(cls, args, point)
        parts = _split_top(inner, {",", ";"})
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
        if cls is Normal and len(args) == 2 and _bare_scale(args[1]):
            # Bishop writes N(x|mu, sigma^2), others N(mu, sigma) with the standard deviation: a bare
            # sigma gives each reading its own verdict (E[(x - mu)^2] = sigma^2 holds under one only)
            raise self.fail(
                f"\\mathcal{{N}}(..., {args[1]}): the second parameter may be the variance (Bishop) or the "
                f"standard deviation; write {args[1]}^2 for the variance"
            )
        return cls(*[_scalar(a) for a in args])

    def _point_and_parameters(self, inner: list[_Tok], word: str) -> tuple[Any, list[Any]]:
        """``x | \\mu, \\sigma^2``: the point before the bar and the parameters after it."""
        q = self.sub(inner)
        q.bars += 1  # |x| as a whole argument is still an absolute value; a bar after one ends it
        point = _scalar(q.expr())
        if _condition_mark(q) != "given":
            raise self.fail(f"{word}(...) with a bar needs the point before it and the parameters after it")
        q.i += 1
        args = q.expression_list(self)
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
        if isinstance(law, (Beta, Gamma, Exponential)):
            inside = self._in_support(law, point)
            if inside is False:
                return law.pdf(point)  # the density is 0 there, whatever its closed form says
            if inside is None:
                low, high = law.support()
                hint = f" (declare {point} {'a probability' if high == 1 else 'positive'})"
                raise self.fail(
                    f"the density of {law} at {point} is its closed form only on the support [{low}, {high}], "
                    f"and the text does not say {point} lies there{hint if isinstance(point, sympy.Symbol) else ''}"
                )
        if isinstance(law, Beta):
            a, b = law.args
            return sympy.gamma(a + b) / (sympy.gamma(a) * sympy.gamma(b)) * point ** (a - 1) * (1 - point) ** (b - 1)
        if isinstance(law, Gamma):
            a, b = law.args
            return b**a * point ** (a - 1) * sympy.exp(-b * point) / sympy.gamma(a)
        if isinstance(law, Exponential):
            (rate,) = law.args
            return rate * sympy.exp(-rate * point)
        return law.pdf(point)

    def _in_support(self, law: Distribution, point: Any) -> bool | None:
        """Whether the declarations put ``point`` in the support of ``law`` (an interval): True, False
        when they put it outside, None when they do not say. A density identity such as
        ``\\mathrm{Exp}(x|\\lambda) = \\lambda e^{-\\lambda x}`` holds on the support only: read off it the
        density is 0 (a false refutation of the formula the text means); read as the closed form
        everywhere, ``\\mathrm{Beta}(\\mu|1,1) = 1`` would be proved of a μ that may lie outside [0, 1]."""
        low, high = law.support()
        # sympy cannot state p < 1 of a declared probability: p = 1/(1 + t) with t > 0 says it
        odds = {
            s: 1 / (1 + sympy.Dummy("t", positive=True))
            for s in point.free_symbols
            if s.name in self.st.table and self.st.table[s.name].kind.base == "probability"
        }
        point = point.xreplace(odds)
        checks = []
        for gap in (point - low if low.is_finite else None, high - point if high.is_finite else None):
            if gap is not None:
                checks.append(sympy.factor(sympy.together(gap)).is_nonnegative)
        if any(c is False for c in checks):
            return False
        return True if all(c is True for c in checks) else None

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

    def divergence(self, op: type[sympy.Function]) -> Any:
        close = "]" if self.at_sym("[") else ")"  # KL[q || p] as often as KL(q || p)
        self.expect_sym("[" if close == "]" else "(")
        saved = self.dist_context
        self.dist_context = True
        self.bars += 1
        try:
            start = self.i
            first = self.expr()
            first_toks = self.toks[start : self.i]
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
        expectation = self._conditional_kl(op, first, second, first_toks)
        if expectation is not None:
            return expectation
        return self._density_divergence(op, first, second)

    def _conditional_kl(self, op: type[sympy.Function], first: Any, second: Any, first_toks: list[_Tok]) -> Any:
        """``KL(q(z|x) || p(z|x))`` (or ``KL[q || p(Z|X,θ)]``, a bare first law) of densities derive does not
        know, one of them conditional: its definition, the expectation under the first law (the operator
        ``E_{q(z|x)}`` / ``E_q`` the same subscript gives) of ``log q - log p``, both taken at the variables
        before the bar; None for anything else (then `_density_divergence` reads it)."""
        if op is not KL or not isinstance(second, AppliedUndef) or not second.args:
            return None
        given = [a for a in second.args if isinstance(a, AppliedUndef)]
        variables = [a for a in second.args if isinstance(a, sympy.Symbol)]
        if isinstance(first, AppliedUndef):
            if first.args != second.args:
                return None
            given = given or [a for a in first.args if isinstance(a, AppliedUndef)]
        elif isinstance(first, sympy.Symbol) and not self.declared(first.name):
            first_law = sympy.Function(first.name)(*variables)
            if given and str(given[0].func) != "given":
                return None
            first = first_law
        else:
            return None
        if not given or len(given) != 1 or str(given[0].func) != "given" or not variables:
            return None  # an unconditional KL keeps its integral; a parameters(...) argument is no law's bar
        if len(set(variables)) != len(variables) or second.args[: len(variables)] != tuple(variables):
            return None
        if any(self.declared(v.name) for v in variables):
            return None
        operator, _ = self._expectation_operator(first_toks)
        return operator(sympy.log(first) - sympy.log(second))

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
