"""Ellipses in real documents: written-out sums and products, argument lists (derive.latex.ellipsis).

Each reading is pinned on its own small examples, and each attack on it (a pattern that is
not determined, a step that is not 1, a reading another plausible meaning would contradict)
must end in an error or undecided, never in a verdict.
"""

from __future__ import annotations

import pytest
import sympy

import derive
from derive import Verdict
from derive.errors import LatexError
from derive.language.symbols import SymbolTable
from derive.latex.parser import parse_latex


def _read(tex: str, symbols: dict[str, str] | None = None) -> sympy.Basic:
    return parse_latex(tex, SymbolTable(symbols or {}))


def _step(tex: str, symbols: dict[str, str] | None = None) -> derive.Result:
    results = derive.check_latex(f"$$ {tex} $$", symbols=symbols or {})
    assert len(results) == 1, results
    return results[0]


# -- readings -------------------------------------------------------------------------------


@pytest.mark.parametrize("dots", ["\\cdots", "\\ldots", "\\dots", "\\dotsb", "..."])
def test_sum_with_each_horizontal_ellipsis(dots: str) -> None:
    value = _read(f"x_1 + x_2 + {dots} + x_n")
    x, i, n = sympy.IndexedBase("x"), sympy.Symbol("i", real=True), sympy.Symbol("n")
    assert isinstance(value, sympy.Sum)
    assert value.limits[0][1:] == (1, value.limits[0][2])
    assert str(value.limits[0][2]) == "n"
    assert str(value.function) == "x[i]"
    del x, i, n


def test_sum_reads_the_whole_run_from_the_first_written_index() -> None:
    assert str(_read(r"x_0 + x_1 + \cdots + x_{n-1}")) == "Sum(x[i], (i, 0, n - 1))"
    assert str(_read(r"c + x_1 + \cdots + x_n + d")) == "c + d + Sum(x[i], (i, 1, n))"
    assert str(_read(r"1 + x + x^2 + \cdots + x^n")) == "x + Sum(x**i, (i, 2, n)) + 1"


def test_minus_runs_subtract_the_sum() -> None:
    assert str(_read(r"a - x_1 - x_2 - \cdots - x_n")) == "a - Sum(x[i], (i, 1, n))"
    # the first term has no minus of its own: it stays outside the run
    assert str(_read(r"x_1 - x_2 - \cdots - x_n")) == "x_1 - Sum(x[i], (i, 2, n))"
    assert str(_read(r"-x_1 - x_2 - \cdots - x_n")) == "-x_1 - Sum(x[i], (i, 2, n))"


def test_products_juxtaposed_and_with_cdot() -> None:
    assert str(_read(r"a_1 a_2 \cdots a_n")) == "Product(a[i], (i, 1, n))"
    assert str(_read(r"2 a_1 \cdot a_2 \cdots a_n y")) == "2*y*Product(a[i], (i, 1, n))"
    value = _read(r"p(x_1|\theta)\cdot p(x_2|\theta)\cdots p(x_n|\theta)")
    assert str(value) == "Product(p(x[i], given(theta)), (i, 1, n))"


def test_factorials_in_a_product() -> None:
    assert str(_read(r"f_1!f_2!\cdots f_k!")) == "Product(factorial(f[i]), (i, 1, k))"


@pytest.mark.parametrize("op", ["\\log", "\\sqrt", "\\exp", "\\det", "\\sin"])
def test_an_operator_before_a_written_product_is_not_given_the_whole_product(op: str) -> None:
    # \sqrt x_1 x_2 is sqrt(x_1) x_2 in TeX; \log x_1 x_2 is ambiguous: never the log of the whole run
    with pytest.raises(LatexError, match="before a product written with"):
        _read(f"{op} x_1 x_2 \\cdots x_n")
    assert str(_read(r"\log(a_1 a_2 \cdots a_n)")) == "log(Product(a[i], (i, 1, n)))"


def test_a_division_takes_only_the_next_factor() -> None:
    # a / x_1 x_2 ... x_n is (a / x_1) x_2 ... x_n, as the grammar reads a / x_1 x_2
    assert str(_read(r"a/x_1 x_2 \cdots x_n")) == "a*Product(x[i], (i, 2, n))/x_1"


def test_index_letter_avoids_names_of_the_side() -> None:
    value = _read(r"i + x_1 + x_2 + \cdots + x_n")
    (index, _, _) = value.args[1].limits[0] if isinstance(value.args[1], sympy.Sum) else value.args[0].limits[0]
    assert str(index) != "i"


def test_shifted_slots_and_shifted_entries() -> None:
    assert str(_read(r"x_1 y_2 + x_2 y_3 + \cdots + x_{n-1} y_n")) == "Sum(x[i]*y[i + 1], (i, 1, n - 1))"
    # x_{i+1} under a sum is the entry after x_i, never one name for every i
    assert str(_read(r"\sum_{i=1}^{n} x_{i+1}")) == "Sum(x[i + 1], (i, 1, n))"


def test_argument_list_of_an_unknown_function_is_one_opaque_argument() -> None:
    a, b = _read(r"f(x_1, \ldots, x_n)"), _read(r"f(x_1, x_2, \ldots, x_n)")
    assert a == b
    assert str(_read(r"F_{i}(u_1,\ldots, u_k)")) == "F_i(u_1, …, u_k)"
    assert str(_read(r"f(x_1, \ldots, x_n, y)")) == "f(x_1, …, x_n, y)"


# -- verdicts -------------------------------------------------------------------------------


def test_gauss_sum_proved_and_its_wrong_closed_form_refuted() -> None:
    assert _step(r"1 + 2 + \cdots + n = \frac{n(n+1)}{2}").verdict is Verdict.PROVED
    wrong = _step(r"1 + 2 + \cdots + n = \frac{n(n-1)}{2}")
    assert wrong.verdict is Verdict.REFUTED


def test_claim_true_only_for_small_sizes_is_refuted() -> None:
    # equal to the closed form at n = 1, 2, 3 only
    result = _step(r"1 + 2 + \cdots + n = \frac{n(n+1)}{2} + (n-1)(n-2)(n-3)")
    assert result.verdict is Verdict.REFUTED


def test_written_sum_equals_sigma_sum_at_every_size() -> None:
    assert _step(r"x_1 + x_2 + \cdots + x_n = \sum_{i=1}^n x_i").verdict is Verdict.PROVED
    # the same sum under another index letter (derive.tiers._bound_names)
    result = _step(r"x_1 + x_2 + \cdots + x_n = \sum_{k=1}^n x_k")
    assert result.verdict is Verdict.PROVED, result.detail
    assert result.evidence.route == "sums compared up to their index names"
    assert _step(r"a_1 a_2 \cdots a_n = \prod_{k=1}^n a_k").verdict is Verdict.PROVED
    result = _step(r"x_1 + x_2 + \cdots + x_n = \sum_{k=0}^n x_k")
    assert result.verdict is Verdict.REFUTED, result.detail


def test_inequality_false_beyond_three_terms_is_refuted() -> None:
    result = _step(r"(x_1 + x_2 + \cdots + x_n)^2 \le 3 (x_1^2 + x_2^2 + \cdots + x_n^2)")
    assert result.verdict is Verdict.REFUTED
    assert "n = 4" in str(result.detail)


def test_off_by_one_sum_is_refuted() -> None:
    assert _step(r"x_1 + \cdots + x_n = \sum_{i=1}^{n-1} x_i").verdict is Verdict.REFUTED


def test_same_tuple_on_both_sides_is_the_same_value() -> None:
    assert _step(r"f(x_1, \ldots, x_n) + 1 = 1 + f(x_1, x_2, \ldots, x_n)").verdict is Verdict.PROVED
    other = _step(r"f(x_1, \ldots, x_n) = f(x_1, \ldots, x_m)")
    assert other.verdict is Verdict.UNDECIDED


# -- attacks: never a verdict ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("tex", "reason"),
    [
        (r"x_1 + x_3 + \cdots + x_n", "step by 2"),
        (r"x_2 + x_4 + \cdots + x_{2n}", "'2n' is not an index"),
        (r"x_2 + x_4 + \cdots + x_{10}", "step by 2"),
        (r"2 + 4 + \cdots + 2n", "no single pattern"),
        (r"x_1 + x_2 + \cdots + x_{2n}", "'2n' is not an index"),
        (r"x_1 + \cdots", "no last term"),
        (r"x_1 + y_2 + \cdots + x_n", "no single pattern"),
        (r"x_1 - x_2 + \cdots + x_n", "no single pattern"),
        (r"x_1 - x_2 + \cdots - x_n", "different signs"),
        (r"x_1 + x_2 - \cdots - x_n", "no single pattern"),
        (r"x_1 - \cdots", "no last term"),
        (r"x_{11} + \cdots + x_{1n}", "'1n' is not an index"),
        (r"x_1 + x_2 + \cdots + x_1", "comes before"),
        (r"1 + 1 + \cdots + 1", "all alike"),
        (r"a + b + \cdots + z", "no single pattern"),
        (r"x_1 y_1 + x_2 y_3 + \cdots + x_n y_n", "do not move together"),
        (r"x_1 + \cdots + x_n + \cdots", "no last term"),
        (r"(x_1, \ldots, x_n)", "not a value"),
        (r"\max(x_1, \ldots, x_n)", "ellipsis \\ldots here"),
        (r"a(x_1, \ldots, x_n)", "not the arguments of an unknown function"),
        (r"f(x_1, x_3, \ldots, x_n)", "step by 2"),
        (r"f(x_1, y_2, \ldots, x_n)", "no single pattern"),
        (r"f(1, \ldots, n)", "names with an index"),
        (r"\vdots", "\\vdots outside a matrix"),
    ],
)
def test_undetermined_ellipses_are_errors_naming_why(tex: str, reason: str) -> None:
    with pytest.raises(LatexError, match=None) as info:
        _read(tex)
    assert reason in str(info.value)


def test_nested_ellipses_do_not_read_as_one_pattern() -> None:
    with pytest.raises(LatexError):
        _read(r"x_{11} + \cdots + x_{1n} + \cdots + x_{mn}")


@pytest.mark.parametrize(
    "tex",
    [
        r"f(x_1, \ldots, x_n) + x_1 = x_1 + f(x_1, \ldots, x_n)",
        r"\frac{\partial}{\partial x_1} g(x_1, \ldots, x_n) = 0",
        r"g(x_1, \ldots, x_n) = \sum_{i=1}^n x_i",
        r"\sum_{i=1}^n x_i = g(x_1, \ldots, x_n)",
    ],
)
def test_tuple_next_to_a_name_of_its_family_is_not_read(tex: str) -> None:
    # the tuple is opaque: d/dx_1 of it would be 0, a false proof
    result = _step(tex)
    assert result.verdict is Verdict.ERROR
    assert "opaque argument" in str(result.detail)


def test_wrong_product_rule_with_ellipsis_is_not_accepted() -> None:
    result = _step(r"\log(a_1 a_2 \cdots a_n) = \sum_{i=1}^{n-1} \log a_i", {"a": "positive"})
    assert result.verdict is Verdict.REFUTED


# -- far-out sizes and declared kinds ----------------------------------------------------------


def test_concrete_long_runs_are_exact() -> None:
    assert _step(r"1 + 2 + \cdots + 1000 = 500500").verdict is Verdict.PROVED
    assert _step(r"1 + 2 + \cdots + 1000 = 500501").verdict is Verdict.REFUTED
    assert _step(r"1 \cdot 2 \cdots n = n!").verdict is Verdict.PROVED
    # one term short of 100 independent entries: more than derive draws, so not refuted on a guess
    short = _step(r"x_1 + \cdots + x_{100} = \sum_{k=1}^{99} x_k")
    assert short.verdict is Verdict.UNDECIDED


def test_declared_kind_of_the_entries_applies_to_the_run() -> None:
    amgm = r"x_1 x_2 \cdots x_n \le \left(\frac{x_1 + x_2 + \cdots + x_n}{n}\right)^n"
    assert _step(amgm).verdict is Verdict.REFUTED  # reals: a negative entry breaks it
    # with positive entries: the same verdict as the \prod/\sum spelling (never refuted)
    written = _step(r"\prod_{i=1}^n x_i \le \left(\frac{\sum_{i=1}^n x_i}{n}\right)^n", {"x": "positive"})
    positive = _step(amgm, {"x": "positive"})
    assert positive.verdict is written.verdict
    assert positive.verdict is not Verdict.REFUTED


def test_no_free_index_letter_is_an_error() -> None:
    crowded = "i + j + k + l + m + r + s + t + u + v + p + q + x_1 + x_2 + \\cdots + x_n"
    with pytest.raises(LatexError, match="no free letter"):
        _read(crowded)
