"""Seed homework, problem 1, part 1: the log-density step of the Gaussian KL derivation.

The homework writes both densities out, p(x) = exp(-½(x-μ1)ᵀΣ1⁻¹(x-μ1)) / ((2π)^{k/2} √|Σ1|)
and likewise q, and then log p - log q as a sum of three terms. The quadratic form is a
1x1 matrix; building the density in code lets us take its scalar entry before exp and
log, at k = 2 with symbolic SPD covariances.
"""

from __future__ import annotations

import sympy
from sympy import Rational, exp, log, pi, sqrt

from derive import Claim
from derive.language.symbols import SymbolTable

_SYMBOLS = {"x": "vector 2", "m1": "vector 2", "m2": "vector 2", "S1": "spd matrix 2x2", "S2": "spd matrix 2x2"}
_T = SymbolTable(_SYMBOLS)
_x, _m1, _m2, _S1, _S2 = (_T[n].obj for n in ("x", "m1", "m2", "S1", "S2"))
_K = 2


def _quad(m: sympy.ImmutableMatrix, s: sympy.ImmutableMatrix) -> sympy.Expr:
    """(x - m)ᵀ S⁻¹ (x - m) as a scalar."""
    d = _x - m
    return (d.T * s.inv() * d)[0, 0]


def _density(m: sympy.ImmutableMatrix, s: sympy.ImmutableMatrix) -> sympy.Expr:
    return exp(-_quad(m, s) / 2) / ((2 * pi) ** Rational(_K, 2) * sqrt(s.det()))


CLAIMS = [
    Claim(
        id="seed.kl_gauss.part1.log_density_difference",
        statement="log p(x) - log q(x) = ½log(|Σ2|/|Σ1|) - ½(x-μ1)ᵀΣ1⁻¹(x-μ1) + ½(x-μ2)ᵀΣ2⁻¹(x-μ2), at k = 2",
        lhs=log(_density(_m1, _S1)) - log(_density(_m2, _S2)),
        rhs=log(_S2.det() / _S1.det()) / 2 - _quad(_m1, _S1) / 2 + _quad(_m2, _S2) / 2,
        symbols=_SYMBOLS,
        source="homework (seed), problem 1, part 1: KL of multivariate Gaussians, step 2 (log of the densities)",
        tags=("seed", "kl", "gaussian", "log"),
        timeout=30,
    ),
    Claim(
        id="seed.kl_gauss.part1.density_normalising_constant",
        statement="the density's constant 1/((2π)^{k/2}√|Σ|) is exp(-½ log((2π)^k |Σ|)), at k = 2",
        lhs=1 / ((2 * pi) ** Rational(_K, 2) * sqrt(_S1.det())),
        rhs=exp(-log((2 * pi) ** _K * _S1.det()) / 2),
        symbols=_SYMBOLS,
        source="homework (seed), problem 1, part 1: KL of multivariate Gaussians, the densities p(x), q(x)",
        tags=("seed", "kl", "gaussian"),
    ),
]
