"""The machine-learning functions sympy lacks, and the unevaluated operators derive adds.

``sigmoid``, ``softplus`` and ``logit`` are real sympy functions: they differentiate,
rewrite to ``exp``/``log`` (``expr.rewrite(sympy.exp)``) and evaluate numerically at any
precision. ``Expectation``, ``KL``, ``JS`` and ``W1`` stay unevaluated in expressions;
the engine tiers decide what they are (`derive.expectation`, `derive.divergences`).
"""

from __future__ import annotations

import sympy
from sympy import S, exp, log

__all__ = ["JS", "KL", "W1", "Expectation", "logit", "sigmoid", "softplus"]


class _RewritingFunction(sympy.Function):
    """A function defined by a closed form; numeric evaluation goes through it."""

    def _closed_form(self, x: sympy.Expr) -> sympy.Expr:
        raise NotImplementedError

    def _eval_evalf(self, prec: int) -> sympy.Expr:
        return self._closed_form(self.args[0])._eval_evalf(prec)

    def _eval_rewrite_as_exp(self, x: sympy.Expr, **kwargs: object) -> sympy.Expr:
        return self._closed_form(x)

    _eval_rewrite_as_log = _eval_rewrite_as_exp

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _eval_conjugate(self) -> sympy.Expr | None:
        if self.args[0].is_real:
            return self
        return None


class sigmoid(_RewritingFunction):  # noqa: N801 - sympy function names are lower case
    """The logistic function 1 / (1 + exp(-x))."""

    nargs = 1

    @classmethod
    def eval(cls, x: sympy.Expr) -> sympy.Expr | None:
        if x.is_zero:
            return S.Half
        if x is S.Infinity:
            return S.One
        if x is S.NegativeInfinity:
            return S.Zero
        return None

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return self * (1 - self)

    def _closed_form(self, x: sympy.Expr) -> sympy.Expr:
        return 1 / (1 + exp(-x))

    def _eval_rewrite_as_tanh(self, x: sympy.Expr, **kwargs: object) -> sympy.Expr:
        return (1 + sympy.tanh(x / 2)) / 2

    def _eval_is_positive(self) -> bool | None:
        return True if self.args[0].is_real else None


class softplus(_RewritingFunction):  # noqa: N801
    """log(1 + exp(x)), whose derivative is the sigmoid."""

    nargs = 1

    @classmethod
    def eval(cls, x: sympy.Expr) -> sympy.Expr | None:
        if x.is_zero:
            return log(2)
        return None

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return sigmoid(self.args[0])

    def _closed_form(self, x: sympy.Expr) -> sympy.Expr:
        return log(1 + exp(x))

    def _eval_is_positive(self) -> bool | None:
        return True if self.args[0].is_real else None


class logit(_RewritingFunction):  # noqa: N801
    """log(p / (1 - p)), the inverse of the sigmoid on (0, 1)."""

    nargs = 1

    @classmethod
    def eval(cls, p: sympy.Expr) -> sympy.Expr | None:
        if p == S.Half:
            return S.Zero
        return None

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        p = self.args[0]
        return 1 / (p * (1 - p))

    def _closed_form(self, p: sympy.Expr) -> sympy.Expr:
        return log(p / (1 - p))

    def _eval_is_real(self) -> bool | None:
        return None  # real only on (0, 1), which sympy cannot express


class _Operator(sympy.Function):
    """An operator derive evaluates itself: never auto-evaluated, printed by its public name."""

    _public_name = ""

    @classmethod
    def eval(cls, *args: sympy.Basic) -> None:
        return None

    def _sympystr(self, printer: sympy.printing.str.StrPrinter) -> str:
        return f"{self._public_name}({', '.join(printer.doprint(a) for a in self.args)})"

    def _latex(self, printer: sympy.printing.latex.LatexPrinter) -> str:
        inner = ", ".join(printer.doprint(a) for a in self.args)
        return rf"\operatorname{{{self._public_name}}}\left({inner}\right)"

    def _eval_evalf(self, prec: int) -> None:
        return None  # no numeric value until a tier rewrites the operator away


class Expectation(_Operator):
    """E(expr): the expectation of ``expr`` over the claim's declared random variables."""

    nargs = 1
    _public_name = "E"

    def _latex(self, printer: sympy.printing.latex.LatexPrinter) -> str:
        return rf"\mathbb{{E}}\left[{printer.doprint(self.args[0])}\right]"


class KL(_Operator):
    """KL(P, Q): the Kullback-Leibler divergence of distribution P from Q."""

    nargs = 2
    _public_name = "KL"


class JS(_Operator):
    """JS(P, Q): the Jensen-Shannon divergence (natural log, so at most log 2)."""

    nargs = 2
    _public_name = "JS"


class W1(_Operator):
    """W1(P, Q): the Wasserstein-1 (earth mover's) distance between univariate P and Q."""

    nargs = 2
    _public_name = "W1"
