"""Seed homework, problem 5, part 6: the coupling γ(x, y) = δ(x + y) and its transport cost.

The expression language has no Dirac delta, so these steps are built in code. The
homework writes L = ∫_1^2 ∫_{-2}^{-1} δ(x - y)|x - y| dx dy and then, in the same line,
∫∫ δ(x + y)(y - x) dx dy. With δ(x - y) the mass sits on y = x, which never meets the
disjoint supports [-2, -1] x [1, 2]: that integral is 0, so the first expression is a typo
for the reflection coupling δ(x + y) (y = -x), whose cost is 3.
"""

from __future__ import annotations

from sympy import Abs, DiracDelta, Integral, Rational, Symbol

from derive import Claim

_x = Symbol("x", real=True)
_y = Symbol("y", real=True)


def _cost(density: object) -> Integral:
    """∫_1^2 ∫_{-2}^{-1} density dx dy, left unevaluated for the engine."""
    return Integral(Integral(density, (_x, -2, -1)), (_y, 1, 2))


CLAIMS = [
    Claim(
        id="seed.uniform.part6.delta_marginal_x",
        statement="∫_1^2 δ(x + y) dy = 1 = p(x) at x = -3/2: the first marginal condition of γ = δ(x + y)",
        lhs=Integral(DiracDelta(Rational(-3, 2) + _y), (_y, 1, 2)),
        rhs=1,
        source="homework (seed), problem 5, part 6a: condition 1, ∫γ(x, y) dy = p(x)",
        tags=("seed", "wasserstein", "coupling"),
    ),
    Claim(
        id="seed.uniform.part6.delta_marginal_y",
        statement="∫_{-2}^{-1} δ(x + y) dx = 1 = q(y) at y = 3/2: the second marginal condition of γ = δ(x + y)",
        lhs=Integral(DiracDelta(_x + Rational(3, 2)), (_x, -2, -1)),
        rhs=1,
        source="homework (seed), problem 5, part 6a: condition 2, ∫γ(x, y) dx = q(y)",
        tags=("seed", "wasserstein", "coupling"),
    ),
    # The homework's first expression: δ(x - y) puts no mass on the supports.
    Claim(
        id="seed.uniform.part6.delta_minus_as_written",
        statement="∫_1^2 ∫_{-2}^{-1} δ(x - y)|x - y| dx dy = 3 (the homework's first expression)",
        lhs=_cost(DiracDelta(_x - _y) * Abs(_x - _y)),
        rhs=3,
        expect="fails",
        reason=(
            "δ(x - y) is concentrated on the line y = x, which misses [-2, -1] x [1, 2], so the integral is 0;"
            " the coupling the homework means is δ(x + y)"
        ),
        source="homework (seed), problem 5, part 6b: L = ∫∫ δ(x - y)|x - y| dx dy",
        tags=("seed", "wasserstein", "coupling", "homework-error"),
    ),
    Claim(
        id="seed.uniform.part6.delta_plus_cost",
        statement="∫_1^2 ∫_{-2}^{-1} δ(x + y)(y - x) dx dy = 3: the reflection coupling's cost",
        lhs=_cost(DiracDelta(_x + _y) * (_y - _x)),
        rhs=3,
        source="homework (seed), problem 5, part 6b: ∫∫ δ(x + y)(y - x) dx dy",
        tags=("seed", "wasserstein", "coupling", "integral"),
        timeout=30,
    ),
    Claim(
        id="seed.uniform.part6.delta_plus_abs_cost",
        statement="∫_1^2 ∫_{-2}^{-1} δ(x + y)|x - y| dx dy = 3 (|x - y| = y - x on the supports)",
        lhs=_cost(DiracDelta(_x + _y) * Abs(_x - _y)),
        rhs=3,
        source="homework (seed), problem 5, part 6b: |x - y| = y - x on the supports",
        tags=("seed", "wasserstein", "coupling", "integral"),
        timeout=30,
    ),
]
