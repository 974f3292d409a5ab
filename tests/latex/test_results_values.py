"""A value statement beside definitions in one display is not refuted as an identity (attacker M02)."""

from __future__ import annotations

import derive
from derive import Verdict


def test_a_value_beside_a_definition_is_not_refuted() -> None:
    text = (
        "Setting both to zero,\n\n$$\\hat\\mu = \\frac{1}{n}\\sum_{i=1}^{n} x_i, \\qquad "
        "\\hat\\sigma^2 = \\frac{1}{n}\\sum_{i=1}^{n}(x_i - \\hat\\mu)^2$$\n"
    )
    result = derive.check_latex(text)[-1]
    assert result.verdict is Verdict.UNDECIDED
    assert "a value for $\\hat\\sigma^2$" in result.detail
    result = derive.check_latex("$$a = 1, \\qquad b^2 = \\frac{1}{n}\\sum_{i=1}^{n}(x_i - a)^2$$\n")[-1]
    assert result.verdict is Verdict.UNDECIDED


def test_a_false_step_under_a_definition_stays_refuted() -> None:
    assert derive.check_latex("$$c = 1, \\qquad c^2 + d = d + 2$$\n")[-1].verdict is Verdict.REFUTED
    # the definition supplies every name: no value is stated, the refutation stands
    assert derive.check_latex("$$c = 2, \\qquad c^2 = 5$$\n")[-1].verdict is Verdict.REFUTED
