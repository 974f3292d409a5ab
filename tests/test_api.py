"""The Python API: derive.check and derive.check_latex, with notebook reprs."""

from __future__ import annotations

import pytest

from derive.api import CheckResult, StepResults, check, check_latex
from derive.errors import UsageError
from derive.model import Method, Relation, Result, Verdict


def test_check_proves_the_sigmoid_gradient():
    result = check("diff(log(1 - sigmoid(a)), a) == -sigmoid(a)", symbols={"a": "real"})
    assert isinstance(result, CheckResult)
    assert isinstance(result, Result)
    assert result.verdict is Verdict.PROVED
    assert result.method is Method.SYMBOLIC
    assert result.ok


def test_check_refutes_a_wrong_step_with_counterexample():
    result = check("(x + 1)**2 == x**2 + 1", symbols={"x": "real"}, seed=1)
    assert result.verdict is Verdict.REFUTED
    assert result.evidence.counterexample is not None
    assert not result.ok
    md = result._repr_markdown_()
    assert "**refuted**" in md
    assert "counterexample" in md
    assert "expected holds" in md


def test_check_inequality_and_expect_fails():
    result = check("x**2 + 1 > 2*x - 1", symbols={"x": "real"})
    assert result.claim.relation is Relation.GT
    assert result.verdict.holds
    wrong = check("exp(pi*sqrt(163)) == 640320**3 + 744", expect="fails")
    assert wrong.verdict is Verdict.REFUTED
    assert wrong.ok


def test_check_with_random_variable():
    result = check(
        "E((mu + sigma*eps)**2) == mu**2 + sigma**2",
        symbols={"mu": "real", "sigma": "positive"},
        random={"eps": "Normal(0, 1)"},
    )
    assert result.verdict.holds


def test_bad_text_is_an_error_result_not_an_exception():
    result = check("__import__('os').system('echo hi') == 0")
    assert result.verdict is Verdict.ERROR
    assert result.method is Method.PARSE
    no_relation = check("x + 1")
    assert no_relation.verdict is Verdict.ERROR


def test_unknown_setting_and_wrong_type_are_usage_errors():
    with pytest.raises(UsageError, match="unknown setting"):
        check("x == x", sed=3)
    with pytest.raises(UsageError, match="as a string"):
        check(42)  # type: ignore[arg-type]


def test_html_repr_is_escaped_and_coloured():
    result = check("x < x + 1", symbols={"x": "real"})
    html = result._repr_html_()
    assert "&lt;" in html
    assert "<b style=" in html
    assert result.verdict.value in html
    assert "<details>" in html


def test_check_latex_gives_one_result_per_step():
    text = "Some text\n\n$$\\frac{d}{da} \\log(1 - \\sigma(a)) = -\\sigma(a) = \\sigma(a)$$\n"
    results = check_latex(text)
    assert isinstance(results, StepResults)
    assert len(results) == len(results.steps) == 2
    assert results[0].verdict is Verdict.PROVED
    assert results[1].verdict is Verdict.REFUTED
    assert "refuted" in results._repr_markdown_()
    assert "block 1, step 2" in results._repr_html_()


def test_markdown_repr_escapes_untrusted_text():
    result = check("x < x + 1 + `<b>`")  # not in the language: an error result quoting the text
    md = result._repr_markdown_()
    assert "<b>" not in md
    assert result.verdict is Verdict.ERROR
