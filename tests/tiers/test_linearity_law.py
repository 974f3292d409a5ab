"""An expectation under a density its subscript names (``E_{q(y|x)}``): that density is positive almost
surely under its own law, so its log splits off (derive.tiers._linearity).

``E_q[log(p/q)] = E_q[log p] - E_q[log q]`` is the ELBO's first step in every variational derivation.
Only the law's own density splits: another density (``r``), the same letter at another point
(``q(y)`` under ``E_{q(z)}``), a density inside a sum or under a fractional power stay inside their log;
a wrong sign still never reaches the same normal form, and nothing is refuted.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sympy

from derive.model import Evidence, Method, Outcome, Relation, Verdict
from derive.tiers._linearity import by_linearity, expectation_operator, linear_form

GIVEN = sympy.Function("given")
p, q, r = sympy.Function("p"), sympy.Function("q"), sympy.Function("r")
x, y, z = sympy.symbols("x y z", real=True)
QZ = q(z)
EQ = expectation_operator("E_{q(z)}", QZ)
EQ_PLAIN = expectation_operator("E_{q(z)}")  # the same label without its density: no split
ER = expectation_operator("E_{r(z)}", r(z))
log = sympy.log


def _same(lhs: sympy.Expr, rhs: sympy.Expr) -> bool:
    left, right = linear_form(lhs), linear_form(rhs)
    lv = lhs if left is None else left.value
    rv = rhs if right is None else right.value
    return sympy.expand(lv - rv) == 0


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        (EQ(log(p(x, z) / QZ)), EQ(log(p(x, z))) - EQ(log(QZ))),
        (EQ(log(QZ / p(x, z))), EQ(log(QZ)) + EQ(log(1 / p(x, z)))),
        (EQ(log(p(x, z) * QZ**2)), EQ(log(p(x, z))) + 2 * EQ(log(QZ))),
        (EQ(log(-QZ)), EQ(log(QZ)) + sympy.I * sympy.pi),  # principal log of a negative: q is positive
        (EQ(log(p(x, z) / QZ), GIVEN(y)), EQ(log(p(x, z)), GIVEN(y)) - EQ(log(QZ), GIVEN(y))),
        (EQ(3 * log(2 * QZ)), 3 * log(2) + 3 * EQ(log(QZ))),
    ],
)
def test_the_laws_own_density_splits_off(lhs: sympy.Expr, rhs: sympy.Expr) -> None:
    assert _same(lhs, rhs)


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        (EQ(log(p(x, z) / r(z))), EQ(log(p(x, z))) - EQ(log(r(z)))),  # r: another density, maybe not positive
        (EQ(log(p(x, z) / q(y))), EQ(log(p(x, z))) - EQ(log(q(y)))),  # q at another point
        (EQ(log(QZ + 1)), EQ(log(QZ))),  # inside a sum
        (EQ(log(p(x, z) * sympy.sqrt(QZ))), EQ(log(p(x, z))) + EQ(log(QZ)) / 2),  # a fractional power
        (EQ_PLAIN(log(p(x, z) / QZ)), EQ_PLAIN(log(p(x, z))) - EQ_PLAIN(log(QZ))),  # no density named
        (ER(log(p(x, z) / QZ)), ER(log(p(x, z))) - ER(log(QZ))),  # q is not the law of E_r
        (EQ(log(p(x, z) / QZ)), EQ(log(p(x, z))) + EQ(log(QZ))),  # the wrong sign
        (EQ(log(p(x, z) / QZ)), ER(log(p(x, z))) - ER(log(QZ))),  # another law on the right
        (EQ(ER(log(p(x, z) / QZ))), EQ(ER(log(p(x, z))) - ER(log(QZ)))),  # inside another operator: its own law
    ],
)
def test_nothing_else_splits(lhs: sympy.Expr, rhs: sympy.Expr) -> None:
    assert not _same(lhs, rhs)


def test_the_densitys_conditioning_is_held_fixed():
    eqx = expectation_operator("E_{q(z|x)}", q(z, GIVEN(x)))
    assert _same(eqx(x * z + x), x * eqx(z) + x)
    assert not _same(eqx(y * z), y * eqx(z))  # y: nothing says it is fixed
    assert not _same(EQ(x * z), x * EQ(z))  # q(z) conditions on nothing


def test_names_a_subscript_conditions_on_are_held_fixed():
    eyx = expectation_operator("E_{z|x}", held=("x",))
    assert _same(eyx(x * z), x * eyx(z))
    assert not _same(eyx(y * z), y * eyx(z))
    assert eyx != expectation_operator("E_{z|x}")


def test_the_density_is_part_of_the_operator():
    assert EQ != EQ_PLAIN
    assert expectation_operator("E_{q(z)}", q(z)) == EQ
    assert expectation_operator("E_{q(z)}", q(y)) != EQ


@dataclass
class _Problem:
    relation: Relation = Relation.EQ


_LIGHT = Outcome(Verdict.UNDECIDED, Evidence(Method.SYMBOLIC, "could not prove lhs - rhs = 0"))


def test_strategy_names_the_split():
    out = by_linearity(_Problem(), (EQ(log(p(x, z) / QZ)), EQ(log(p(x, z))) - EQ(log(QZ))), _LIGHT, lambda d: d == 0)
    assert out.verdict is Verdict.PROVED
    assert out.evidence.summary == (
        "proved for every law (where the expectations exist): both sides have the same normal form by "
        "linearity of expectation, non-random factors out of the expectation, "
        "q(z) > 0 almost surely under its own law (its log splits off)"
    )


def test_strategy_never_refutes_a_wrong_split():
    out = by_linearity(_Problem(), (EQ(log(p(x, z) / QZ)), EQ(log(p(x, z))) + EQ(log(QZ))), _LIGHT, lambda d: d == 0)
    assert out.verdict is Verdict.UNDECIDED
