"""A claim whose tight points were cut by the time budget is not verified (attacker A8, session 11).

Pivot points, critical points and branch probes exist to catch failures random points miss:
``log x + y = log(x - 1/8) + log(x/(x - 1/8)) + y`` fails only for x in (0, 1/8). On a loaded machine
the budget ran out before those points and the claim was verified on random points alone."""

from __future__ import annotations

import sympy
from sympy import Rational, log

from derive.language.symbols import SymbolTable
from derive.model import Problem, Relation, Settings, Verdict
from derive.tiers import numeric
from derive.tiers.numeric import check_numeric

x, y = sympy.symbols("x y", real=True)
LHS = log(x) + y
RHS = log(x - Rational(1, 8)) + log(x / (x - Rational(1, 8))) + y


def _problem() -> Problem:
    return Problem(lhs=LHS, rhs=RHS, relation=Relation.EQ, symbols=SymbolTable())


def _spent_before(monkeypatch, method: str) -> None:
    """Make the budget run out just as ``method`` starts (as a loaded machine does)."""
    original = getattr(numeric._Checker, method)

    def spent(self, *args, **kwargs):
        self.deadline = 0.0
        return original(self, *args, **kwargs)

    monkeypatch.setattr(numeric._Checker, method, spent)


def test_with_its_budget_the_failure_is_found() -> None:
    out = check_numeric(_problem(), Settings(timeout=60))
    assert out.verdict is Verdict.REFUTED, out.evidence.summary


def test_branch_probes_cut_by_the_budget_leave_it_undecided(monkeypatch) -> None:
    _spent_before(monkeypatch, "_branch_probes")
    out = check_numeric(_problem(), Settings(timeout=60))
    assert out.verdict is Verdict.UNDECIDED, out.evidence.summary
    assert "tight points" in out.evidence.summary and "--timeout" in out.evidence.summary


def test_tight_points_cut_by_the_budget_leave_it_undecided(monkeypatch) -> None:
    _spent_before(monkeypatch, "_tight_points")
    out = check_numeric(_problem(), Settings(timeout=60))
    assert out.verdict is not Verdict.VERIFIED, out.evidence.summary


def test_a_true_identity_is_still_verified_with_its_budget() -> None:
    out = check_numeric(
        Problem(
            lhs=log(x**2 + 1) + y, rhs=log((x**2 + 1) / 2) + log(2) + y, relation=Relation.EQ, symbols=SymbolTable()
        ),
        Settings(timeout=60),
    )
    assert out.verdict is Verdict.VERIFIED, out.evidence.summary
