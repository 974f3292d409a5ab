"""A function the statement an arrow leads from states (``\\ell(\\mu) = body \\Rightarrow
\\frac{d}{d\\mu}\\ell(\\mu) = ...``) is read as that function's definition in the conclusion
(derive.latex.steps._premise_function)."""

from __future__ import annotations

import derive
from derive.model import Verdict


def _last(doc: str) -> derive.CheckResult:
    return derive.check_latex(doc, timeout=30)[-1]


_CHAIN = r"""We take logs.
$$
\begin{aligned}
L(\mu) &= \prod_{i=1}^n \exp\left(-\frac{(x_i-\mu)^2}{2}\right) \\
\Rightarrow \ell(\mu) &= -\sum_{i=1}^n \frac{(x_i-\mu)^2}{2} \\
\Rightarrow \frac{d}{d\mu}\ell(\mu) &= RHS
\end{aligned}
$$
"""


def test_a_derivative_of_the_function_the_premise_states_is_checked_with_it():
    result = _last(_CHAIN.replace("RHS", r"\sum_{i=1}^n (x_i - \mu)"))
    assert result.verdict in (Verdict.PROVED, Verdict.VERIFIED), result.detail
    assert "what the arrow leads from, read as ell's definition" in result.detail


def test_a_wrong_derivative_of_it_is_not_accepted_nor_refuted():
    # the premise may be the wrong row (checked on its own), so a disagreement with it refutes nothing
    result = _last(_CHAIN.replace("RHS", r"\sum_{i=1}^n (\mu - x_i)"))
    assert result.verdict is Verdict.UNDECIDED, result.detail
    assert "the premise may be what is wrong" in result.detail


def test_a_log_premise_defines_the_function_through_its_log_only():
    ok = _last(r"$$\log L(a) = a^2 + 3 a \implies \frac{d}{da} \log L(a) = 2a + 3$$" + "\n")
    assert ok.verdict is Verdict.PROVED, ok.detail
    bad = _last(r"$$\log L(a) = a^2 + 3 a \implies \frac{d}{da} \log L(a) = 2a + 4$$" + "\n")
    assert bad.verdict is Verdict.UNDECIDED, bad.detail
    # L itself is not a^2 + 3a: only its log is
    bare = _last(r"$$\log L(a) = a^2 + 3 a \implies L(a) = e^{a^2 + 3a}$$" + "\n")
    assert "read as L's definition" not in bare.detail or bare.verdict is not Verdict.REFUTED, bare.detail


def test_a_premise_at_a_point_or_of_a_density_defines_nothing():
    at_point = _last(r"$$L(\theta_0) = \theta_0^2 \implies \frac{d}{d\theta_0} L(\theta_0) = 2\theta_0$$" + "\n")
    assert "what the arrow leads from, read as" not in at_point.detail
    assert at_point.verdict is not Verdict.PROVED, at_point.detail
    density = _last(r"$$\log p(x) = -x^2 \implies \frac{d}{dx} \log p(x) = -2x$$" + "\n")
    assert "what the arrow leads from, read as" not in density.detail
    constant = _last(r"$$g(t) = 5 \implies g(t) + 1 = 6$$" + "\n")
    assert "what the arrow leads from, read as" not in constant.detail


def test_a_function_defined_before_is_not_redefined_by_a_premise():
    doc = (
        "Let $g(t) = t^2$ be the function.\n\n"
        r"$$g(t) = t^3 \implies \frac{d}{dt} g(t) = 2t$$" + "\n"
    )
    result = _last(doc)
    assert "what the arrow leads from, read as" not in result.detail


# --- a definition row that states its parameter's whole space, and a vector used through its entries ----------


def test_a_definition_row_with_only_a_whole_space_condition_still_defines():
    doc = (
        "Consider\n$$f(\\mathbf{x}) = \\sin(x_1)\\cos(x_2), \\quad \\mathbf{x} \\in \\mathbb{R}^2$$\n"
        "Then\n$$\\frac{\\partial f}{\\partial x_1} = RHS$$\n"
    )
    ok = _last(doc.replace("RHS", r"\cos(x_1)\cos(x_2)"))
    assert ok.verdict is Verdict.PROVED, ok.detail
    assert "f(\\mathbf{x}) := \\sin(x_1)\\cos(x_2)" in ok.detail
    bad = _last(doc.replace("RHS", r"-\sin(x_1)\sin(x_2)"))
    assert bad.verdict not in (Verdict.PROVED, Verdict.VERIFIED), bad.detail


def test_a_row_condition_that_limits_the_parameter_is_no_definition():
    doc = "Consider\n$$g(x) = x^2, \\quad x > 0$$\nThen\n$$\\frac{d}{dx} g(x) = 2x$$\n"
    result = _last(doc)
    assert "g(x) := x^2" not in result.detail, result.detail


def test_a_plain_parameter_named_only_through_indexed_names_defines_nothing():
    # f(x) = x_1 + x_2 with a plain x: x_1 may be any name, so f is no function of x
    doc = "Let\n$$f(x) = x_1 + x_2$$\nThen\n$$\\frac{d}{dx} f(x) = 0$$\n"
    result = _last(doc)
    assert "f(x) := x_1 + x_2" not in result.detail, result.detail
