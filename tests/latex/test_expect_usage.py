"""A name centred by its own expectation (X - E(X)) is random by the step's usage (derive.latex.expect_usage)."""

from __future__ import annotations

import pytest

from derive.latex.expect_usage import centred_names


@pytest.mark.parametrize(
    ("texts", "names"),
    [
        ([r"\sqrt{E[(\hat{\theta}_n - E(\hat{\theta}_n))^2]}"], {"theta_hat_n"}),
        ([r"\operatorname{E}[ (X-\operatorname{E}(X)) (Y-\operatorname{E}(Y))]"], {"X", "Y"}),
        ([r"\mathbb{E}\left[\left(x - \mathbb{E}\left[x\right]\right)^2\right]"], {"x"}),
        ([r"E[(E(X) - X)^2]"], {"X"}),
        ([r"a", r"\mathrm{E}[z] - z"], {"z"}),
    ],
)
def test_centred_names(texts: list[str], names: set[str]) -> None:
    assert centred_names(texts) == names


@pytest.mark.parametrize(
    "texts",
    [
        # an expectation of an energy, a different name, a multiple, a power, a product, an index, a subscripted E
        [r"E[E(x)] = E(x)"],
        [r"x - E(y)"],
        [r"2x - E(x)", r"ax - E(x)", r"x^2 - E(x)", r"E(x) - x^2", r"E(x) - x_1"],
        [r"E(x) - x y"],
        [r"\hat{y}_0 - E_{\mathcal{T}}(\hat{y}_0)"],
        [r"y - E(y | x)"],
        [r"x - E(x"],
        [""],
    ],
)
def test_nothing_else_is_centred(texts: list[str]) -> None:
    assert centred_names(texts) == set()
