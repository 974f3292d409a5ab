"""A sum's trial of the terms after its summand (`_SumGrammar._extended_summand`) is rolled back when a
term does not use the index: nothing the trial did may change how the terms are read again.

* the Kronecker rewrite of ``I_{kj}`` as ``\\delta_{kj}`` is put back by identity, not by place: reading
  ``\\frac12`` splits a token and ``\\sigma^2_S`` reorders tokens, and a place then put ``I`` over
  another token (``\\frac12 I_{kj}`` was read as ``I \\delta_{kj} / 2``);
* the registry of random variables both sides share is rolled back in place, so that a law read after
  the rollback is still registered for the other side;
* the counters of constructs an error left inside (the bars of |...| and f(...), integrands) are put
  back, so that a later '|' read again does not end an expression that is not open."""

from __future__ import annotations

import pytest
import sympy

from derive.errors import DeriveError
from derive.language.symbols import SymbolTable
from derive.latex.parser import _Parser, parse_latex, random_variables


@pytest.mark.parametrize(
    "tex",
    [
        r"\sum_{j=1}^n a_j + \frac12 I_{kj} + c",
        r"\sum_{j=1}^n a_j + \frac12 \sigma^2_S I_{kj} + c",
        r"\sum_{j=1}^n a_j + \frac{1}{2} I_{kj} + c",
    ],
)
def test_an_identity_after_a_rolled_back_trial_is_not_misread(tex: str) -> None:
    # I_{kj} outside the sum over j is an identity matrix of size kj: adding it to a scalar is refused;
    # it must never come back as a product of I and a Kronecker delta
    try:
        value = parse_latex(tex, SymbolTable())
    except DeriveError as exc:
        assert "matrix" in str(exc)
        return
    names = {s.name for s in value.free_symbols}
    assert "I" not in names, value


@pytest.mark.parametrize(
    ("tex", "expected"),
    [
        (r"\sum_{j=1}^n a_j + \frac12 \sigma^2_S I_{kj} a_j", "a_k*sigma_S**2/2"),
        (r"\sum_{j=1}^n \frac12 I_{kj} a_j", "a_k/2"),
        (r"\sum_{j=1}^n \frac12 \sigma^2_S I_{kj} a_j", "a_k*sigma_S**2/2"),
    ],
)
def test_the_delta_picks_its_term_when_tokens_moved_before_it(tex: str, expected: str) -> None:
    value = parse_latex(tex, SymbolTable())
    picked = value.subs({s: 0 for s in value.atoms(sympy.Sum)})
    plain = picked.subs({s: sympy.Symbol(s.name) for s in picked.free_symbols})  # the reader's assumptions off
    assert sympy.simplify(plain - sympy.sympify(expected)) == 0, value
    assert "I" not in {s.name for s in value.free_symbols}


def test_a_law_read_after_a_rolled_back_trial_is_registered() -> None:
    table = SymbolTable()
    parse_latex(r"(\sum_{i=1}^n a_i + c) + \mathbb{E}_{y \sim \mathcal{N}(0,1)}[y^2]", table)
    assert "y" in random_variables(table)


def test_a_law_only_the_rolled_back_trial_read_is_registered_once() -> None:
    table = SymbolTable()
    parse_latex(r"\sum_{i=1}^n a_i + c + \mathbb{E}_{y \sim \mathcal{N}(0,1)}[y^2]", table)
    assert set(random_variables(table)) == {"y"}


def test_a_bar_the_trial_left_open_does_not_end_the_terms_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # a term the trial reads fails inside |...| only because the sum's index is bound there; read
    # again after the rollback, the bar it had counted must not make the next '|' close an expression
    symbol = _Parser.symbol

    def failing_under_the_sum(self: _Parser, name: str) -> object:
        if name == "q" and "i" in self.st.bound:
            raise self.fail("q is read under the sum over i")
        return symbol(self, name)

    monkeypatch.setattr(_Parser, "symbol", failing_under_the_sum)
    value = parse_latex(r"\sum_{i=1}^n a_i + |q + 1| + c |x|", SymbolTable())
    assert len(value.atoms(sympy.Abs)) == 2, value
