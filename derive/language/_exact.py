"""Exact numbers kept cheap: sympy expands integer powers, factorials and binomials eagerly.

`HugePower` and the guarded constructors keep numbers whose exact value would have more than
about 4 000 digits unevaluated (``10**10**10``, ``factorial(10**9)``), so that building and
combining expressions stays fast; the engine evaluates them numerically under its budget.
`safe_replace` is ``xreplace`` rebuilt through the same guards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy
from sympy.printing.precedence import PRECEDENCE

__all__ = ["GUARDED", "HugePower", "freeze", "has_type", "is_huge", "is_matrix", "is_symbolic_matrix", "safe_replace"]

#: Exact numbers beyond this many bits (about 4200 decimal digits) stay unevaluated.
_LIMIT_BITS = 14_000
_MAX_FACTORIAL = 1500  # 1500! has about 4100 digits


class HugePower(sympy.Function):
    """``base**exp`` for exact numbers too large to expand (``10**10**10``).

    sympy re-expands numeric powers whenever they take part in arithmetic, so a plain
    unevaluated ``Pow`` would hang the first ``+``. This opaque node keeps the value exact
    and evaluates numerically (mpmath handles huge exponents) without ever expanding.
    """

    nargs = 2
    #: Printed as a power, so printers parenthesise it like one: (10**10**10)**2.
    precedence = PRECEDENCE["Pow"]

    @classmethod
    def eval(cls, base: sympy.Expr, exp: sympy.Expr) -> None:
        return None

    def _eval_evalf(self, prec: int) -> sympy.Expr:
        base, exp = self.args
        return sympy.Pow(base._eval_evalf(prec) if base.is_number else base, exp)

    def _eval_is_positive(self) -> bool | None:
        base, exp = self.args
        if base.is_positive:
            return True
        if base.is_negative and exp.is_integer:
            return exp.is_even
        return None

    def _eval_is_integer(self) -> bool | None:
        base, exp = self.args
        if base.is_integer and exp.is_integer and exp.is_nonnegative:
            return True
        return None

    def _eval_is_real(self) -> bool | None:
        base, exp = self.args
        if base.is_positive and exp.is_real:
            return True
        if base.is_real and exp.is_integer:
            return True
        return None

    def _eval_is_finite(self) -> bool | None:
        base, exp = self.args
        return True if (base.is_number and exp.is_number and base.is_nonzero) else None

    def _sympystr(self, printer: Any) -> str:
        base, exp = self.args
        return f"{printer.parenthesize(base, 60)}**{printer.parenthesize(exp, 60)}"

    def _latex(self, printer: Any, exp: Any = None) -> str:
        base, power = self.args
        tex = f"{printer.parenthesize(base, PRECEDENCE['Pow'])}^{{{printer.doprint(power)}}}"
        return tex if exp is None else rf"\left({tex}\right)^{{{exp}}}"


# Guarded constructors: the only places exact numbers can grow.


def _bits(r: sympy.Rational) -> int:
    return max(int(r.p).bit_length(), int(r.q).bit_length())


def _power(base: sympy.Basic, exp: sympy.Basic) -> sympy.Basic:
    """``base**exp`` for scalars, keeping results with huge exact values unevaluated."""
    if not isinstance(exp, sympy.Rational) and exp.is_number and is_huge(exp):
        # A tower over a HugePower (2**2**...**2, ten levels): sympy's assumption queries on
        # an evaluated Pow would compute the exponent's digits (OverflowError), and nothing
        # could expand the result anyway. The engine evaluates it numerically under budget.
        return sympy.Pow(base, exp, evaluate=False)
    if isinstance(exp, sympy.Rational):
        magnitude = abs(int(exp.p)) // int(exp.q) + 1
        if isinstance(base, sympy.Rational):
            if base not in (sympy.S.Zero, sympy.S.One, sympy.S.NegativeOne) and _bits(base) * magnitude > _LIMIT_BITS:
                return HugePower(base, exp)
        elif not isinstance(base, sympy.Symbol) and magnitude > 4096:
            # Numeric factors inside the base (2*x, sqrt(2)) would be expanded to huge integers.
            return HugePower(base, exp)
    return sympy.Pow(base, exp)


def _factorial(n: sympy.Basic) -> sympy.Basic:
    if n.is_Number and n > _MAX_FACTORIAL:
        return sympy.factorial(n, evaluate=False)
    return sympy.factorial(n)


def _gamma(z: sympy.Basic) -> sympy.Basic:
    if z.is_Number and abs(z) > _MAX_FACTORIAL:
        return sympy.gamma(z, evaluate=False)
    return sympy.gamma(z)


def _binomial(n: sympy.Basic, k: sympy.Basic) -> sympy.Basic:
    if isinstance(n, sympy.Integer) and isinstance(k, sympy.Integer):
        small = min(int(k), int(n) - int(k))
        if small > 0 and small * max(int(n).bit_length(), 1) > _LIMIT_BITS:
            return sympy.binomial(n, k, evaluate=False)
    return sympy.binomial(n, k)


def is_huge(expr: sympy.Basic) -> bool:
    """Whether ``expr`` holds an exact number kept unevaluated because it is huge."""
    if not isinstance(expr, sympy.Basic):
        return False
    return any(
        isinstance(a, HugePower) or all(arg.is_number for arg in a.args)
        for a in expr.atoms(HugePower, sympy.factorial, sympy.binomial, sympy.gamma)
    )


def _rounding(func: type) -> Callable[[sympy.Basic], sympy.Basic]:
    # floor/ceiling of a huge number would compute its integer part to the last digit.
    def build(x: sympy.Basic) -> sympy.Basic:
        return func(x, evaluate=False) if is_huge(x) else func(x)

    return build


_floor, _ceiling = _rounding(sympy.floor), _rounding(sympy.ceiling)

GUARDED: dict[Any, Callable[..., sympy.Basic]] = {
    sympy.Pow: _power,
    sympy.factorial: _factorial,
    sympy.gamma: _gamma,
    sympy.binomial: _binomial,
    sympy.floor: _floor,
    sympy.ceiling: _ceiling,
}

_MATRIX_OPS = (
    sympy.MatMul,
    sympy.MatAdd,
    sympy.MatPow,
    sympy.Transpose,
    sympy.Inverse,
    sympy.Trace,
    sympy.Determinant,
)


def safe_replace(expr: sympy.Basic, mapping: dict[sympy.Basic, sympy.Basic]) -> sympy.Basic:
    """``expr.xreplace(mapping)``, rebuilt bottom-up through the guarded constructors.

    Iterative, so deep expressions do not exhaust the Python stack. Matrix expressions whose
    arguments became explicit matrices are evaluated (``MatMul`` of explicit matrices).
    """
    if not mapping:
        return expr
    memo: dict[sympy.Basic, sympy.Basic] = {}
    stack: list[tuple[sympy.Basic, bool]] = [(expr, False)]
    while stack:
        node, ready = stack.pop()
        if node in memo:
            continue
        if node in mapping:
            memo[node] = mapping[node]
            continue
        bound = getattr(node, "bound_symbols", None)
        if bound and not ready and any(b in mapping for b in bound):
            # Integral, Sum, Limit, ... over a replaced variable: sympy's subs keeps the
            # bound variable and replaces only the free occurrences (in the limits).
            memo[node] = freeze(node.subs(mapping))
            continue
        is_matrix = isinstance(node, sympy.MatrixBase)
        args = tuple(node) if is_matrix else node.args
        if not args:
            memo[node] = node
            continue
        if not ready:
            stack.append((node, True))
            stack.extend((a, False) for a in args if a not in memo)
            continue
        new_args = [memo[a] for a in args]
        if all(n is o for n, o in zip(new_args, args, strict=True)):
            memo[node] = node
            continue
        func = node.func
        if is_matrix:
            built = sympy.ImmutableMatrix(node.rows, node.cols, new_args)
        elif func in GUARDED:
            built = GUARDED[func](*new_args)
        else:
            built = func(*new_args)
        if isinstance(built, _MATRIX_OPS) and not any(is_symbolic_matrix(a) for a in built.args):
            built = built.doit(deep=False)
        memo[node] = freeze(built)
    return memo[expr]


def freeze(value: Any) -> Any:
    if isinstance(value, sympy.MatrixBase) and not isinstance(value, sympy.ImmutableMatrix):
        return sympy.ImmutableMatrix(value)
    return value


def is_symbolic_matrix(value: Any) -> bool:
    return isinstance(value, sympy.MatrixExpr) and not isinstance(value, sympy.MatrixBase)


def is_matrix(value: Any) -> bool:
    return isinstance(value, sympy.MatrixBase)


def has_type(value: object, *types: type) -> bool:
    """``value.has(*types)`` for a class pattern, visiting each distinct subexpression once.

    Matrix identities with nested inverses share their determinants hundreds of times, and
    sympy's ``has`` walks the tree (4 million nodes for a rank-two Woodbury claim, seconds);
    as a graph it has a few thousand. Matrices are searched entry by entry.
    """
    stack: list[object] = list(value) if isinstance(value, sympy.MatrixBase) else [value]
    seen: set[sympy.Basic] = set()
    while stack:
        node = stack.pop()
        if not isinstance(node, sympy.Basic) or node in seen:
            continue
        seen.add(node)
        if isinstance(node, types):
            return True
        stack.extend(node.args)
    return False
