"""The machine-learning functions sympy lacks, and the unevaluated operators derive adds.

``sigmoid``, ``softplus`` and ``logit`` are real sympy functions: they differentiate,
rewrite to ``exp``/``log`` (``expr.rewrite(sympy.exp)``) and evaluate numerically at any
precision. ``Expectation``, ``KL``, ``JS`` and ``W1`` stay unevaluated in expressions;
the engine tiers decide what they are (`derive.tiers.expectation`, `derive.tiers.divergences`).

The rest of the ML vocabulary is written out in what sympy already reasons with, so every
tier sees the closed form and no new rule can be wrong:

- ``relu(x)`` is ``Max(0, x)`` (entry by entry on a vector or matrix);
- ``logsumexp(v)`` is ``log(exp(v_1) + ... + exp(v_n))``;
- ``softmax(v)`` is the vector ``exp(v_j) / sum_k exp(v_k)``, ``softmax(v, i)`` its entry i;
- ``log_softmax(v)`` / ``log_softmax(v, i)`` is ``v_i - logsumexp(v)``;
- ``onehot(k, n)`` is the column of n entries ``KroneckerDelta(k, j)``, j = 1..n.

``v`` is a declared vector (``vector 3``), ``Matrix([a, b, c])`` or a tuple of scalars
``(a, b, c)``; entries count from 1, as mathematics texts and the entry names of a declared
vector (``x[1]``, ``x[2]``, ...) count them. An index that is not an integer literal is refused rather than
guessed: write ``ones(1, n)*softmax(v)`` for the sum of the entries. `ML_FUNCTIONS` holds
the claim language's entries for these names (see `derive.language._calls.FUNCTIONS`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import mpmath
import sympy
from sympy import S, exp, log, sympify
from sympy.core.evalf import evalf, quad_to_mpmath

if TYPE_CHECKING:
    import ast

    from derive.language._grammar import Builder

__all__ = [
    "JS",
    "KL",
    "ML_FUNCTIONS",
    "W1",
    "Expectation",
    "log_softmax",
    "logit",
    "logsumexp",
    "one_hot",
    "relu",
    "sigmoid",
    "softmax",
    "softplus",
]


class _RewritingFunction(sympy.Function):
    """A function defined by a closed form; numeric evaluation uses a stable form of it.

    Evaluating the closed form as written loses the answer where it cancels: at low
    precision ``log(1 + exp(-16.9))`` rounds ``1 + exp(-16.9)`` to 1 and gives exactly 0,
    and sympy's sign checks (``is_positive``, ``is_zero`` at 2 digits) would then call a
    positive number zero and rebuild expressions around that. So each function evaluates
    its argument with relative accuracy and guard bits, then applies a formula that keeps
    full relative accuracy (``log1p``, split at the sign of the argument) in mpmath.
    """

    # Guard bits beyond the requested precision; the argument also gets as many extra bits
    # as its magnitude has, because exp(x) magnifies a relative error in x by |x|.
    _GUARD = 20
    # Beyond this many extra bits the value is not worth computing: evalf gets no value.
    _MAX_EXTRA = 1 << 16

    def _closed_form(self, x: sympy.Expr) -> sympy.Expr:
        raise NotImplementedError

    def _mpmath_value(self, x: mpmath.mpf | mpmath.mpc) -> mpmath.mpf | mpmath.mpc:
        raise NotImplementedError

    def _eval_evalf(self, prec: int) -> sympy.Expr | None:
        x = self.args[0]
        if not x.is_number:
            return self._closed_form(x)._eval_evalf(prec)  # keeps the symbolic form
        work = prec + self._GUARD
        try:
            value = x._to_mpmath(work)
            extra = max(0, int(mpmath.mag(value))) if value else 0
            if extra > self._MAX_EXTRA:
                return None
            if extra:
                work += extra
                value = x._to_mpmath(work)
            with mpmath.workprec(work):
                result = self._mpmath_value(value)
        except (ValueError, TypeError, ZeroDivisionError):
            return None
        if isinstance(result, mpmath.mpc) and not result.imag:
            result = result.real
        return sympy.Expr._from_mpmath(result, prec)

    def _eval_rewrite_as_exp(self, x: sympy.Expr, **kwargs: object) -> sympy.Expr:
        return self._closed_form(x)

    _eval_rewrite_as_log = _eval_rewrite_as_exp

    def _real_argument(self) -> bool:
        return self.args[0].is_real is True

    def _eval_is_real(self) -> bool | None:
        # A complex argument can still give a real value (sigmoid(2*pi*I) = 1/2): unknown.
        return True if self._real_argument() else None

    def _eval_is_finite(self) -> bool | None:
        return True if self._real_argument() else None

    def _eval_conjugate(self) -> sympy.Expr | None:
        if self.args[0].is_real:
            return self
        return None


class _PositiveOnReals(_RewritingFunction):
    """Positive (never zero) at every real argument; stated so sympy never guesses by evalf."""

    def _eval_is_positive(self) -> bool | None:
        return True if self._real_argument() else None

    _eval_is_extended_positive = _eval_is_positive

    def _eval_is_zero(self) -> bool | None:
        return False if self._real_argument() else None

    def _eval_is_negative(self) -> bool | None:
        return False if self._real_argument() else None

    _eval_is_extended_negative = _eval_is_negative


class sigmoid(_PositiveOnReals):  # noqa: N801 - sympy function names are lower case
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

    def _mpmath_value(self, x: mpmath.mpf | mpmath.mpc) -> mpmath.mpf | mpmath.mpc:
        return 1 / (1 + mpmath.exp(-x))

    def _eval_rewrite_as_tanh(self, x: sympy.Expr, **kwargs: object) -> sympy.Expr:
        return (1 + sympy.tanh(x / 2)) / 2

    def _eval_is_integer(self) -> bool | None:
        return False if self._real_argument() else None  # strictly between 0 and 1


class softplus(_PositiveOnReals):  # noqa: N801
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

    def _mpmath_value(self, x: mpmath.mpf | mpmath.mpc) -> mpmath.mpf | mpmath.mpc:
        if isinstance(x, mpmath.mpc):
            return mpmath.log1p(mpmath.exp(x))
        if x > 0:  # x + log(1 + e^-x): no overflow, no cancellation
            return x + mpmath.log1p(mpmath.exp(-x))
        return mpmath.log1p(mpmath.exp(x))  # log1p keeps e^x when it is tiny


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

    def _eval_evalf(self, prec: int) -> sympy.Expr | None:
        p = self.args[0]
        if not p.is_number:
            return self._closed_form(p)._eval_evalf(prec)
        # logit cancels near p = 1/2 (value near 0) and near p = 1 (1 - p loses digits), so
        # 1 - p and 2p - 1 are evaluated as expressions, which sympy's evalf does adaptively.
        work = prec + self._GUARD
        try:
            pv, qv, dv = (_accurate(e, work) for e in (p, 1 - p, 2 * p - 1))
            if pv is None or qv is None or dv is None or not pv or not qv:
                return None  # no value sympy can vouch for, or a pole
            with mpmath.workprec(work):
                if isinstance(pv, mpmath.mpc) or not 0 < pv < 1:
                    result = mpmath.log(pv / qv)  # the principal branch, as the closed form
                elif abs(dv) <= 0.5:  # 2p - 1 = q * (p/q - 1): log1p keeps a small result
                    result = mpmath.log1p(dv / qv)
                else:
                    result = mpmath.log(pv) - mpmath.log(qv)  # |result| > log 3: no cancellation
        except (ValueError, TypeError, ZeroDivisionError):
            return None
        if isinstance(result, mpmath.mpc) and not result.imag:
            result = result.real
        return sympy.Expr._from_mpmath(result, prec)

    def _inside_unit_interval(self) -> bool:
        p = self.args[0]
        if isinstance(p, sigmoid) and p._real_argument():
            return True  # sympy has no fact for "less than 1", so the sigmoid's range is stated here
        return p.is_positive is True and (1 - p).is_positive is True

    def _eval_is_real(self) -> bool | None:
        # Real on (0, 1); outside, unknown rather than a claim sympy might build on.
        return True if self._inside_unit_interval() else None

    _eval_is_finite = _eval_is_real

    def _eval_is_zero(self) -> bool | None:
        if self._inside_unit_interval():
            return (2 * self.args[0] - 1).is_zero
        return None

    def _eval_is_extended_positive(self) -> bool | None:
        if self._inside_unit_interval():
            return (2 * self.args[0] - 1).is_positive
        return None

    def _eval_is_extended_negative(self) -> bool | None:
        if self._inside_unit_interval():
            return (2 * self.args[0] - 1).is_negative
        return None

    def _eval_conjugate(self) -> sympy.Expr | None:
        return self if self._inside_unit_interval() else None


def _accurate(expr: sympy.Expr, prec: int) -> mpmath.mpf | mpmath.mpc | int | None:
    """``expr`` to ``prec`` bits of relative accuracy, or None if evalf cannot vouch for that."""
    re, im, re_acc, im_acc = evalf(sympify(expr), prec, {"maxprec": 8 * prec})
    if re is None and im is None:
        return 0  # evalf found an exact zero
    for part, acc in ((re, re_acc), (im, im_acc)):
        if part is not None and (acc is None or acc < prec - _RewritingFunction._GUARD // 2):
            return None
    return quad_to_mpmath((re, im, re_acc, im_acc))


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


# ---------------------------------------------------------------------------------------
# The ML vocabulary as closed forms sympy already reasons with.

#: Longest vector the closed forms are written out for (a declared vector has at most 12).
MAX_ENTRIES = 256


def relu(x: sympy.Expr) -> sympy.Expr:
    """The rectifier max(0, x), as sympy's Max (whose kinks the numeric tier already knows)."""
    return sympy.Max(S.Zero, x)


def logsumexp(values: Sequence[sympy.Expr]) -> sympy.Expr:
    """log(exp(v_1) + ... + exp(v_n)) of at least one value."""
    if not values:
        raise ValueError("logsumexp of no values")
    return log(sympy.Add(*(exp(v) for v in values)))


def softmax(values: Sequence[sympy.Expr], i: int) -> sympy.Expr:
    """exp(v_i) / (exp(v_1) + ... + exp(v_n)), with i counted from 1."""
    _check_index(values, i)
    return exp(values[i - 1]) / sympy.Add(*(exp(v) for v in values))


def log_softmax(values: Sequence[sympy.Expr], i: int) -> sympy.Expr:
    """v_i - logsumexp(v), with i counted from 1 (the log of `softmax`)."""
    _check_index(values, i)
    return values[i - 1] - logsumexp(values)


def one_hot(k: sympy.Expr, n: int) -> list[sympy.Expr]:
    """The n entries KroneckerDelta(k, j), j = 1..n: the k-th standard basis vector for k in 1..n."""
    if not 1 <= n <= MAX_ENTRIES:
        raise ValueError(f"a one-hot vector of {n} entries (1 to {MAX_ENTRIES})")
    return [sympy.KroneckerDelta(k, j) for j in range(1, n + 1)]


def _check_index(values: Sequence[sympy.Expr], i: int) -> None:
    if not values:
        raise ValueError("softmax of no values")
    if not 1 <= i <= len(values):
        raise ValueError(f"index {i} outside 1..{len(values)}")


# -- the claim language's entries (name -> handler, min args, max args, usage) ---------------


def _is_matrix(value: object) -> bool:
    return isinstance(value, sympy.MatrixBase)


def _entries(b: Builder, node: ast.Call, args: list[Any], name: str) -> list[sympy.Expr]:
    """The values a vector function runs over: one vector, one tuple/list, or the scalars given."""
    first = args[0]
    if len(args) == 1 and _is_matrix(first):
        if 1 not in first.shape:
            raise b.error(f"{name} takes a vector, got a {first.rows}x{first.cols} matrix at column {{col}}", node)
        values = list(first)
    elif len(args) == 1 and isinstance(first, (tuple, list)):
        values = [b.scalar(v, node.args[0], name) for v in first]
    else:
        values = [b.scalar(v, sub, name) for v, sub in zip(args, node.args[: len(args)], strict=True)]
    if not 1 <= len(values) <= MAX_ENTRIES:
        raise b.error(f"{name} takes 1 to {MAX_ENTRIES} values (column {{col}})", node)
    return values


def _literal_index(b: Builder, node: ast.Call, value: Any, size: int, name: str) -> int:
    if not isinstance(value, sympy.Integer) or not 1 <= int(value) <= size:
        msg = (
            f"{name}: the index at column {{col}} must be an integer literal from 1 to {size}"
            " (entries count from 1; for the sum of the entries write ones(1, n)*softmax(v))"
        )
        raise b.error(msg, node.args[1])
    return int(value)


def _relu_call(b: Builder, node: ast.Call, args: list[Any]) -> Any:
    x = b.value(args[0], node.args[0], "relu")
    return x.applyfunc(relu) if _is_matrix(x) else relu(x)


def _logsumexp_call(b: Builder, node: ast.Call, args: list[Any]) -> Any:
    return logsumexp(_entries(b, node, args, "logsumexp"))


def _softmax_like(per_entry: Callable[[Sequence[sympy.Expr], int], sympy.Expr], name: str) -> Any:
    def handler(b: Builder, node: ast.Call, args: list[Any]) -> Any:
        if not (_is_matrix(args[0]) or isinstance(args[0], (tuple, list))):
            # softmax(a, b) of two scalars would read as the vector a at index b: refuse
            msg = f"{name} takes a vector first, (a, b, ...) or a declared vector (column {{col}})"
            raise b.error(msg, node.args[0])
        values = _entries(b, node, args[:1], name)
        if len(args) == 2:
            return per_entry(values, _literal_index(b, node, args[1], len(values), name))
        column = [per_entry(values, i) for i in range(1, len(values) + 1)]
        return sympy.ImmutableMatrix(column)

    return handler


def _one_hot_call(b: Builder, node: ast.Call, args: list[Any]) -> Any:
    k = b.scalar(args[0], node.args[0], "onehot")
    n = args[1]
    if not isinstance(n, sympy.Integer) or not 1 <= int(n) <= MAX_ENTRIES:
        raise b.error(f"onehot: the size at column {{col}} must be an integer from 1 to {MAX_ENTRIES}", node.args[1])
    return sympy.ImmutableMatrix(one_hot(k, int(n)))


_SOFTMAX_USAGE = "{0}(v) or {0}(v, i): v a vector, (a, b, ...) or Matrix([...]); i from 1"

#: The claim language's entries for the ML vocabulary, merged into `derive.language._calls.FUNCTIONS`.
ML_FUNCTIONS: dict[str, tuple[Callable[..., Any], int, int, str]] = {
    "relu": (_relu_call, 1, 1, "relu(x)"),
    "logsumexp": (_logsumexp_call, 1, MAX_ENTRIES, "logsumexp(v) or logsumexp(a, b, ...)"),
    "softmax": (_softmax_like(softmax, "softmax"), 1, 2, _SOFTMAX_USAGE.format("softmax")),
    "log_softmax": (_softmax_like(log_softmax, "log_softmax"), 1, 2, _SOFTMAX_USAGE.format("log_softmax")),
    "onehot": (_one_hot_call, 2, 2, "onehot(k, n)"),
}
