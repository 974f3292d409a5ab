"""Distributions as textbooks write them: ``Normal(mean, variance)``, ``Uniform(a, b)``, ...

Each distribution is an immutable sympy ``Basic`` node, so parameters can be symbols and
``subs``/``xreplace`` reach them. Parameterisations follow machine-learning texts, not
sympy.stats: Normal takes the *variance*, Exponential and Gamma take a *rate*.
"""

from __future__ import annotations

from typing import ClassVar

import sympy
from sympy import S, exp, pi, sqrt

from derive.errors import DistributionError

__all__ = [
    "DISTRIBUTIONS",
    "Bernoulli",
    "Beta",
    "Categorical",
    "Distribution",
    "Exponential",
    "Gamma",
    "Gumbel",
    "MultivariateNormal",
    "Normal",
    "Uniform",
]


class Distribution(sympy.Basic):
    """Base class: ``params`` names the parameters in order; ``args`` holds their values."""

    params: ClassVar[tuple[str, ...]] = ()
    discrete: ClassVar[bool] = False

    def __new__(cls, *args: object) -> Distribution:
        if len(args) != len(cls.params):
            names = ", ".join(cls.params)
            msg = f"{cls.__name__} takes {len(cls.params)} parameters ({names}), got {len(args)}"
            raise DistributionError(msg)
        converted = tuple(_to_basic(a) for a in args)
        obj = super().__new__(cls, *converted)
        for name, value, low, high in obj._ranges():
            _check_range(cls.__name__, name, value, low, high)
        return obj

    def _ranges(self) -> list[tuple[str, sympy.Basic, tuple[sympy.Expr, bool] | None, sympy.Expr | None]]:
        """(parameter, value, (lower bound, inclusive) or None, inclusive upper bound or None)."""
        bounds = _BOUNDS.get(type(self).__name__, {})
        return [(n, v, *bounds[n]) for n, v in zip(self.params, self.args, strict=True) if n in bounds]

    @property
    def size(self) -> int | None:
        """Length of a random vector drawn from it; None for a scalar distribution."""
        return None

    def pdf(self, x: sympy.Expr) -> sympy.Expr:
        """Density (or mass function, for discrete distributions) at ``x``."""
        raise NotImplementedError

    def support(self) -> tuple[sympy.Expr, sympy.Expr]:
        """Lower and upper end of the support of a scalar distribution."""
        return (S.NegativeInfinity, S.Infinity)

    def mean(self) -> sympy.Expr:
        raise NotImplementedError

    def variance(self) -> sympy.Expr:
        raise NotImplementedError

    def _sympystr(self, printer: sympy.printing.str.StrPrinter) -> str:
        return f"{type(self).__name__}({', '.join(printer.doprint(a) for a in self.args)})"


_POSITIVE = ((S.Zero, False), None)
#: Parameter ranges: Normal(0, -1) or Bernoulli(2) is an error, not a distribution to reason about.
_BOUNDS: dict[str, dict[str, tuple[tuple[sympy.Expr, bool] | None, sympy.Expr | None]]] = {
    "Normal": {"variance": _POSITIVE},
    "Exponential": {"rate": _POSITIVE},
    "Bernoulli": {"p": ((S.Zero, True), S.One)},
    "Gumbel": {"scale": _POSITIVE},
    "Beta": {"a": _POSITIVE, "b": _POSITIVE},
    "Gamma": {"shape": _POSITIVE, "rate": _POSITIVE},
}


def _check_range(
    dist: str, name: str, value: sympy.Basic, low: tuple[sympy.Expr, bool] | None, high: sympy.Expr | None
) -> None:
    """Raise `DistributionError` when ``value`` is certainly outside the range (symbols: unknown, allowed)."""
    if not isinstance(value, sympy.Expr):
        return
    fails = []
    if low is not None:
        bound, inclusive = low
        fails.append(sympy.Ge(value, bound) if inclusive else sympy.Gt(value, bound))
    if high is not None:
        fails.append(sympy.Le(value, high))
    for cond in fails:
        if cond is S.false:
            where = f"{'at least' if low and low[1] else 'greater than'} {low[0]}" if low else ""
            if high is not None:
                where = f"between {low[0] if low else '-oo'} and {high}"
            msg = f"{dist}: {name} must be {where}, not {value}"
            raise DistributionError(msg)


def _to_basic(value: object) -> sympy.Basic:
    if isinstance(value, (list, tuple)):
        return sympy.Tuple(*(_to_basic(v) for v in value))
    if isinstance(value, sympy.MatrixBase):
        return sympy.ImmutableMatrix(value)
    return sympy.sympify(value, strict=True)


class Normal(Distribution):
    """Normal(mean, variance)."""

    params = ("mean", "variance")

    def pdf(self, x: sympy.Expr) -> sympy.Expr:
        m, v = self.args
        return exp(-((x - m) ** 2) / (2 * v)) / sqrt(2 * pi * v)

    def mean(self) -> sympy.Expr:
        return self.args[0]

    def variance(self) -> sympy.Expr:
        return self.args[1]


class MultivariateNormal(Distribution):
    """MultivariateNormal(mean_vector, covariance): an n x 1 mean and an n x n covariance."""

    params = ("mean", "covariance")

    def __new__(cls, *args: object) -> Distribution:
        obj = super().__new__(cls, *args)
        if len(args) == 2:
            m, c = obj.args
            if not (isinstance(m, sympy.MatrixBase) and isinstance(c, sympy.MatrixBase)):
                msg = "MultivariateNormal takes a mean vector and a covariance matrix"
                raise DistributionError(msg)
            if m.shape[1] != 1 or c.shape != (m.shape[0], m.shape[0]):
                msg = f"MultivariateNormal: mean of shape {m.shape} does not fit covariance of shape {c.shape}"
                raise DistributionError(msg)
        return obj

    @property
    def size(self) -> int:
        return self.args[0].shape[0]

    def pdf(self, x: sympy.Expr) -> sympy.Expr:
        m, c = self.args
        d = sympy.ImmutableMatrix(x) - m
        k = self.size
        return exp(-(d.T * c.inv() * d)[0, 0] / 2) / sqrt((2 * pi) ** k * c.det())

    def mean(self) -> sympy.Expr:
        return self.args[0]

    def variance(self) -> sympy.Expr:
        return self.args[1]


class Uniform(Distribution):
    """Uniform(a, b) on the interval [a, b]."""

    params = ("a", "b")

    def __new__(cls, *args: object) -> Distribution:
        obj = super().__new__(cls, *args)
        a, b = obj.args
        if isinstance(a, sympy.Expr) and isinstance(b, sympy.Expr) and sympy.Gt(b, a) is S.false:
            msg = f"Uniform: the upper end b must be greater than a, not Uniform({a}, {b})"
            raise DistributionError(msg)
        return obj

    def pdf(self, x: sympy.Expr) -> sympy.Expr:
        a, b = self.args
        return sympy.Piecewise((1 / (b - a), (x >= a) & (x <= b)), (0, True))

    def support(self) -> tuple[sympy.Expr, sympy.Expr]:
        return (self.args[0], self.args[1])

    def mean(self) -> sympy.Expr:
        a, b = self.args
        return (a + b) / 2

    def variance(self) -> sympy.Expr:
        a, b = self.args
        return (b - a) ** 2 / 12


class Exponential(Distribution):
    """Exponential(rate)."""

    params = ("rate",)

    def pdf(self, x: sympy.Expr) -> sympy.Expr:
        (r,) = self.args
        return sympy.Piecewise((r * exp(-r * x), x >= 0), (0, True))

    def support(self) -> tuple[sympy.Expr, sympy.Expr]:
        return (S.Zero, S.Infinity)

    def mean(self) -> sympy.Expr:
        return 1 / self.args[0]

    def variance(self) -> sympy.Expr:
        return 1 / self.args[0] ** 2


class Bernoulli(Distribution):
    """Bernoulli(p) on {0, 1}."""

    params = ("p",)
    discrete = True

    def pdf(self, x: sympy.Expr) -> sympy.Expr:
        (p,) = self.args
        return p**x * (1 - p) ** (1 - x)

    def support(self) -> tuple[sympy.Expr, sympy.Expr]:
        return (S.Zero, S.One)

    def mean(self) -> sympy.Expr:
        return self.args[0]

    def variance(self) -> sympy.Expr:
        p = self.args[0]
        return p * (1 - p)


class Categorical(Distribution):
    """Categorical([p1, ..., pk]) on {0, ..., k-1} (0-based, like argmax in code)."""

    params = ("probs",)
    discrete = True

    def __new__(cls, *args: object) -> Distribution:
        obj = super().__new__(cls, *args)
        if not isinstance(obj.args[0], sympy.Tuple) or len(obj.args[0]) < 1:
            msg = "Categorical takes a list of probabilities, e.g. Categorical([0.2, 0.3, 0.5])"
            raise DistributionError(msg)
        for p in obj.args[0]:
            _check_range("Categorical", "each probability", p, (S.Zero, True), S.One)
        total = sympy.Add(*obj.args[0])
        if total.is_number and total.is_comparable and abs(float(total) - 1) > 1e-12:
            msg = f"Categorical: the probabilities must sum to 1, not {total}"
            raise DistributionError(msg)
        return obj

    @property
    def probs(self) -> tuple[sympy.Expr, ...]:
        return tuple(self.args[0])

    def pdf(self, x: sympy.Expr) -> sympy.Expr:
        return sympy.Piecewise(*((p, sympy.Eq(x, i)) for i, p in enumerate(self.probs)), (0, True))

    def support(self) -> tuple[sympy.Expr, sympy.Expr]:
        return (S.Zero, sympy.Integer(len(self.probs) - 1))

    def mean(self) -> sympy.Expr:
        return sum((i * p for i, p in enumerate(self.probs)), S.Zero)

    def variance(self) -> sympy.Expr:
        m = self.mean()
        return sum(((i - m) ** 2 * p for i, p in enumerate(self.probs)), S.Zero)


class Gumbel(Distribution):
    """Gumbel(location, scale); Gumbel(0, 1) is -log(-log U) for U uniform."""

    params = ("location", "scale")

    def pdf(self, x: sympy.Expr) -> sympy.Expr:
        m, b = self.args
        z = (x - m) / b
        return exp(-(z + exp(-z))) / b

    def mean(self) -> sympy.Expr:
        m, b = self.args
        return m + b * S.EulerGamma

    def variance(self) -> sympy.Expr:
        return pi**2 * self.args[1] ** 2 / 6


class Beta(Distribution):
    """Beta(a, b) on [0, 1]."""

    params = ("a", "b")

    def pdf(self, x: sympy.Expr) -> sympy.Expr:
        a, b = self.args
        return sympy.Piecewise((x ** (a - 1) * (1 - x) ** (b - 1) / sympy.beta(a, b), (x >= 0) & (x <= 1)), (0, True))

    def support(self) -> tuple[sympy.Expr, sympy.Expr]:
        return (S.Zero, S.One)

    def mean(self) -> sympy.Expr:
        a, b = self.args
        return a / (a + b)

    def variance(self) -> sympy.Expr:
        a, b = self.args
        return a * b / ((a + b) ** 2 * (a + b + 1))


class Gamma(Distribution):
    """Gamma(shape, rate)."""

    params = ("shape", "rate")

    def pdf(self, x: sympy.Expr) -> sympy.Expr:
        k, r = self.args
        return sympy.Piecewise((r**k * x ** (k - 1) * exp(-r * x) / sympy.gamma(k), x >= 0), (0, True))

    def support(self) -> tuple[sympy.Expr, sympy.Expr]:
        return (S.Zero, S.Infinity)

    def mean(self) -> sympy.Expr:
        k, r = self.args
        return k / r

    def variance(self) -> sympy.Expr:
        k, r = self.args
        return k / r**2


#: Name -> class, as the expression language spells them.
DISTRIBUTIONS: dict[str, type[Distribution]] = {
    cls.__name__: cls
    for cls in (Normal, MultivariateNormal, Uniform, Exponential, Bernoulli, Categorical, Gumbel, Beta, Gamma)
}
