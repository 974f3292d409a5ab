"""Names of losses and errors typed without ``\\mathrm`` (ESL: ``MSE\\left(x_0\\right)``, ``RSS(\\theta)``) are one name
each, as ``\\mathrm{MSE}`` is: read as the product M·S·E, their E(x_0) was an expectation or a function E, a doubt
that left ESL's 'drop the zero term' step (m-alipay-esl-ch2 #16) undecided."""

from __future__ import annotations

import pytest
import sympy

import derive
from derive import Verdict
from derive.language.symbols import SymbolTable
from derive.latex.parser import parse_latex

ACCEPT = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)


def one(text: str) -> tuple[Verdict, str]:
    got = [(r.verdict, r.detail or "") for r in derive.check_latex(text)]
    assert len(got) == 1, got
    return got[0]


@pytest.mark.parametrize("word", ["MSE", "RSS", "EPE", "NLL", "ELBO", "RMSE", "SSE"])
def test_a_loss_name_is_one_name(word: str) -> None:
    bare = parse_latex(f"{word}(x_0)", SymbolTable())
    upright = parse_latex(f"\\mathrm{{{word}}}(x_0)", SymbolTable())
    assert bare == upright
    applied = {type(f).__name__ for f in bare.atoms(sympy.Function)}
    assert applied == {word}, bare  # the loss of x_0, not a product with x_0
    assert not {str(s) for s in bare.free_symbols} & set(word), bare  # no letter of it a name of its own


def test_the_zero_term_is_dropped_with_no_expectation_doubt() -> None:
    step = (
        r"$$Var\left(y_0|x_0\right) -2 \times 0 \times E_{\mathcal{T}}"
        r" \left[\left(\hat{y}_0- f\left(x_0\right)\right)\right]"
        r" + MSE\left(x_0\right) = Var\left(y_0|x_0\right) + MSE\left(x_0\right)$$"
    )
    verdict, detail = one(step)
    assert verdict is Verdict.PROVED, detail
    assert "expectation" not in detail


@pytest.mark.parametrize(
    "step",
    [
        r"$$Var\left(y_0|x_0\right) -2 \times 0 \times E_{\mathcal{T}} \left[\hat{y}_0\right] + MSE\left(x_0\right)"
        r" = Var\left(y_0|x_0\right) + 2 MSE\left(x_0\right)$$",
        r"$$MSE(x_0) = MSE(x_1)$$",
        r"$$MSE(x_0) + RSS(x_0) = 2 MSE(x_0)$$",
    ],
)
def test_wrong_twins_are_not_accepted(step: str) -> None:
    verdict, detail = one(step)
    assert verdict not in ACCEPT, detail


def test_other_letter_runs_stay_letters() -> None:
    # only the listed names: AB(x) is still the product of A, B and x
    assert str(parse_latex("AB(x)", SymbolTable())) == "A*B*x"


def test_a_loss_of_several_arguments_is_read() -> None:
    # Teitelbaum writes MSE(m, b); read as the product M·S·E(m, b) it was a list where one value was expected
    value = parse_latex("MSE(m, b)", SymbolTable())
    assert {type(f).__name__ for f in value.atoms(sympy.Function)} == {"MSE"}
    verdict, detail = one(r"$$MSE(m, b) = MSE(b, m)$$")
    assert verdict not in ACCEPT, detail
