"""E(...) of a name the step centres by its own expectation is the expectation, not a function E (context._readings
with derive.latex.expect_usage); without the centring the doubt stays, and wrong twins are never accepted."""

from __future__ import annotations

import pytest

import derive


def _verdict(step: str) -> tuple[str, str]:
    result = derive.check_latex(f"$${step}$$\n", timeout=6)
    return result[-1].verdict.value, result[-1].detail


@pytest.mark.parametrize(
    "step",
    [
        r"\sqrt{\textrm{Var} (\hat{\theta}_n )} = \sqrt{E[(\hat{\theta}_n - E(\hat{\theta}_n))^2]}",
        r"\operatorname{E}[ (X-\operatorname{E}(X)) (Y-\operatorname{E}(Y))] = "
        r"\operatorname{E}(XY) - \operatorname{E}(X)\operatorname{E}(Y)",
    ],
)
def test_a_centred_name_makes_its_e_an_expectation(step: str) -> None:
    verdict, detail = _verdict(step)
    assert verdict == "proved", detail


@pytest.mark.parametrize(
    "step",
    [
        # wrong twins: the square outside, E[X]^2 for E[X]E[Y], E[X^2] for E[X]^2
        r"\sqrt{\textrm{Var} (\hat{\theta}_n )} = \sqrt{E[(\hat{\theta}_n - E(\hat{\theta}_n))]^2}",
        r"\operatorname{E}[ (X-\operatorname{E}(X)) (Y-\operatorname{E}(Y))]"
        r" = \operatorname{E}(XY) - \operatorname{E}(X)^2",
        r"\textrm{Var} (\hat{\theta}_n ) = E[(\hat{\theta}_n - E(\hat{\theta}_n))^2] + E(\hat{\theta}_n)",
        # no centring: E(w) may be a function of w (an energy), the doubt stays
        r"\textrm{Var} (\hat{\theta}_n ) = E[\hat{\theta}_n^2] - E(\hat{\theta}_n)^2",
        r"E[E(x)] = E(x)",
    ],
)
def test_anything_else_is_not_accepted(step: str) -> None:
    verdict, detail = _verdict(step)
    assert verdict in ("undecided", "refuted"), detail
    assert verdict != "refuted" or "E(" not in step  # never refuted through an unknown law
