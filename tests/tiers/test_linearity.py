"""The normal form of unknown-law expectations (derive.tiers._linearity) and its strategy in the symbolic tier.

(Steps through unknown functions verified for every value of their applications: tests/tiers/test_numeric.py.)

Each law has a true case and a false neighbour that must not reach the same normal form;
attacks: an unmarked function of the same name, another operator, conditioning on an event,
a factor whose randomness nothing declares, huge powers.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sympy

from derive.model import Evidence, Method, Outcome, Relation, Verdict
from derive.tiers._linearity import by_linearity, expectation_operator, is_unknown_law, linear_form, moment_operator

E = expectation_operator("E")
ET = expectation_operator("E_{T}")
VAR = moment_operator("Var")
COV = moment_operator("Cov")
STD = moment_operator("Std")
GIVEN = sympy.Function("given")
a, b, x, y, z, c = sympy.symbols("a b x y z c", real=True)
f = sympy.Function("f")


def _same(lhs: sympy.Expr, rhs: sympy.Expr, nonrandom: tuple[str, ...] = ()) -> bool:
    left, right = linear_form(lhs, nonrandom), linear_form(rhs, nonrandom)
    lv = lhs if left is None else left.value
    rv = rhs if right is None else right.value
    return sympy.expand(lv - rv) == 0


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        (E(2 * x + 3), 2 * E(x) + 3),
        (E(x + y), E(x) + E(y)),
        (E(sympy.pi * x - sympy.Rational(1, 2)), sympy.pi * E(x) - sympy.Rational(1, 2)),
        (E(E(x) ** 2), E(x) ** 2),  # E[x] is a number under E
        (E(E(x)), E(x)),
        (E(x * E(y)), E(x) * E(y)),
        (E((x - E(x)) ** 2), E(x**2) - E(x) ** 2),
        (VAR(x), E(x**2) - E(x) ** 2),
        (VAR(2 * x), 4 * VAR(x)),
        (VAR(x + 3), VAR(x)),
        (COV(x, y), E(x * y) - E(x) * E(y)),
        (COV(x, x), VAR(x)),
        (STD(x) ** 2, VAR(x)),
        (E(f(x) + f(x)), 2 * E(f(x))),
        (ET(2 * y) + ET(y), 3 * ET(y)),
        (E(x, GIVEN(z)) + E(y, GIVEN(z)), E(x + y, GIVEN(z))),
        (E(z * x, GIVEN(z)), z * E(x, GIVEN(z))),  # z is held fixed by the conditioning
        (E(E(x, GIVEN(z)) * y, GIVEN(z)), E(x, GIVEN(z)) * E(y, GIVEN(z))),
    ],
)
def test_laws_that_hold_for_every_law(lhs: sympy.Expr, rhs: sympy.Expr) -> None:
    assert _same(lhs, rhs)


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        (E(x * y), E(x) * E(y)),  # independence is not a law of every expectation
        (E(x**2), E(x) ** 2),
        (E(1 / x), 1 / E(x)),
        (E(a * x), a * E(x)),  # a's randomness is not declared
        (VAR(x + y), VAR(x) + VAR(y)),
        (VAR(2 * x), 2 * VAR(x)),
        (E(x), x),
        (E(f(2 * x)), 2 * E(f(x))),
        (ET(x), E(x)),  # two operators: E_T and E
        (ET(E(x) * y), E(x) * ET(y)),  # E[x] is not known to be fixed under E_T
        (E(x, GIVEN(z)), E(x)),
        (E(x * z, GIVEN(sympy.Function("event_gt")(z, 0))), z * E(x, GIVEN(sympy.Function("event_gt")(z, 0)))),
        (E(E(x, GIVEN(z)) * y), E(x, GIVEN(z)) * E(y)),  # E[x|z] is random under E
        (E(f(c) * x), f(c) * E(x)),  # f(c) may be random whatever c is
        (VAR(x), E(x**2)),
        (STD(2 * x), 2 * STD(x) + 1),
    ],
)
def test_false_identities_keep_different_normal_forms(lhs: sympy.Expr, rhs: sympy.Expr) -> None:
    assert not _same(lhs, rhs)


def test_declared_nonrandom_factor_comes_out():
    assert not _same(E(a * x + b), a * E(x) + b)
    assert _same(E(a * x + b), a * E(x) + b, nonrandom=("a", "b"))
    form = linear_form(E(a * x), {"a"})
    assert form is not None
    assert form.pulled == {"a"}
    assert str(form.value) == "a*E(x)"
    assert _same(E(f(a) * x), E(f(a) * x), nonrandom=("a",))
    assert not _same(E(f(a) * x), f(a) * E(x), nonrandom=("a",))  # f(a): an unknown function, maybe random


def test_unmarked_function_of_the_same_name_is_not_an_expectation():
    plain = sympy.Function("E")  # functions: [E], or E(w) an error function the text defines
    assert not is_unknown_law(plain(x))
    assert linear_form(plain(2 * x)) is None
    assert not _same(plain(2 * x), 2 * plain(x))
    assert not _same(E(x), plain(x))
    var = sympy.Function("Var")
    assert not _same(var(2 * x), 4 * var(x))
    assert moment_operator("Corr") is None
    assert moment_operator("H") is None


def test_undeclared_names_are_reported_not_pulled():
    form = linear_form(E(a * x + b))
    assert form is not None
    assert form.undeclared == {"a", "b", "x"}
    assert form.pulled == set()


def test_huge_power_is_not_expanded():
    assert linear_form(E((x + y + z) ** 40)) is None
    assert linear_form(E((x + y) ** 3)) is not None


def test_matrix_sides_entry_by_entry():
    m = sympy.ImmutableMatrix([[E(2 * x)], [E(x + y)]])
    form = linear_form(m)
    assert form is not None
    assert form.value == sympy.ImmutableMatrix([[2 * E(x)], [E(x) + E(y)]])


# -- the strategy: PROVED with the laws named, never refuted ------------------------------


@dataclass
class _Problem:
    relation: Relation = Relation.EQ
    nonrandom: tuple[str, ...] = ()


_LIGHT = Outcome(Verdict.UNDECIDED, Evidence(Method.SYMBOLIC, "could not prove lhs - rhs = 0"))


def _zero(d: sympy.Expr) -> bool:
    return sympy.simplify(d) == 0


def test_strategy_proves_with_laws_named():
    out = by_linearity(_Problem(), (VAR(2 * x + 1), 4 * E(x**2) - 4 * E(x) ** 2), _LIGHT, _zero)
    assert out.verdict is Verdict.PROVED
    assert out.evidence.route == "linearity"
    assert out.evidence.summary == (
        "proved for every law (where the expectations exist): both sides have the same normal form by "
        "E[c] = c for non-random c, Var by definition, linearity of expectation, "
        "non-random factors out of the expectation"
    )


def test_strategy_names_declared_nonrandom_factors():
    out = by_linearity(_Problem(nonrandom=("a",)), (E(a * x), a * E(x)), _LIGHT, _zero)
    assert out.verdict is Verdict.PROVED
    assert out.evidence.summary.endswith("; with a non-random as declared")


def test_strategy_says_which_name_would_settle():
    out = by_linearity(_Problem(), (E(a * x), a * E(x)), _LIGHT, _zero)
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.summary == (
        "could not prove lhs - rhs = 0; by linearity of expectation it holds if a is not random, which nothing "
        "declares (declare `constants: [a]` if so)"
    )


def test_strategy_never_refutes_and_gives_no_hint_for_the_variable_itself():
    for sides in ((E(x**2), E(x) ** 2), (E(x * y) + 1, E(x) * E(y)), (E(x), 3)):
        out = by_linearity(_Problem(), sides, _LIGHT, _zero)
        assert out is _LIGHT or out.verdict is Verdict.UNDECIDED
        assert "x is not random" not in out.evidence.summary


def test_strategy_only_for_equations():
    out = by_linearity(_Problem(relation=Relation.LE), (E(2 * x), 2 * E(x)), _LIGHT, _zero)
    assert out is _LIGHT


def test_no_hint_where_a_square_has_two_readings():
    # (E[a x - b])^2 = (a E[x] - b)^2 would hold for non-random a, b, but E[(a x - b)^2] would not
    out = by_linearity(_Problem(), (E(a * x - b) ** 2, (a * E(x) - b) ** 2), _LIGHT, _zero)
    assert out is _LIGHT


def test_conditioning_holds_only_plain_names_fixed():
    w = sympy.Symbol("w", real=True)
    assert _same(E(x, GIVEN(x)), x)  # E[x | x] = x
    # given y + z, y alone is not fixed
    assert not _same(E(x * y, GIVEN(y + z)), y * E(x, GIVEN(y + z)))
    # a second conditioning name is fixed too; a name outside it is not
    assert _same(E(w * x, GIVEN(z, w)), w * E(x, GIVEN(z, w)))
    assert not _same(E(w * x, GIVEN(z)), w * E(x, GIVEN(z)))


def test_far_out_coefficients_are_exact():
    big = sympy.Integer(10) ** 30
    assert _same(E(big * x), big * E(x))
    assert not _same(E((big + 1) * x), big * E(x))
    assert not _same(E(x + sympy.Rational(1, 10**40)), E(x))


def test_an_expectation_of_a_bare_number_stays_opaque():
    # sum_m (m - E[m])^2 written out for m = 0, 1, 2 must not collapse to 0: E[m] there is the mean
    written_out = sum((k - E(sympy.Integer(k))) ** 2 for k in range(3))
    assert not _same(written_out, sympy.Integer(0))
    assert linear_form(E(sympy.Integer(2))).value == E(sympy.Integer(2))
    # a number beside a random term still comes out
    assert _same(E(x + 3), E(x) + 3)
