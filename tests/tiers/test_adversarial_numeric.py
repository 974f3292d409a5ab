"""An attacker's suite for the numeric tier: claims that fail only far out (class 1) and
inequalities that fail only where the sides meet, on a point or a curve random points never
hit (class 2). Each false claim must be refuted with a counterexample that replays exactly
(or be undecided where nothing exact can settle it); each true one must stay proved or
verified, never refuted.
"""

from __future__ import annotations

import time

import mpmath
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import derive
from derive import Verdict
from derive.language.functions import sigmoid, softplus
from derive.tiers._margin import MarginSearch, UnsupportedError, compile_mp, sign_points

HOLDS = (Verdict.PROVED, Verdict.VERIFIED)


def check(text: str, **symbols: str) -> derive.Result:
    return derive.check(text, symbols=symbols)


def replay(text: str, result: derive.Result, digits: int = 300) -> sympy.Expr:
    """lhs - rhs of ``text`` at the counterexample, evaluated independently by sympy."""
    cex = result.evidence.counterexample
    assert cex is not None
    for op in ("<=", ">=", "==", "<", ">"):
        if op in text:
            lhs, rhs = text.split(op)
            break
    names = {k: sympy.Symbol(k) for k, _ in cex.values}
    point = {names[k]: sympy.sympify(v, rational=True) for k, v in cex.values}
    local = {**names, "sigmoid": sigmoid, "softplus": softplus}
    diff = sympy.sympify(lhs, locals=local, rational=True) - sympy.sympify(rhs, locals=local, rational=True)
    return sympy.N(diff.xreplace(point), digits)


# ---------------------------------------------------------------------------------------
# Class 1: failures far out.


@pytest.mark.parametrize(
    ("claim", "symbols", "sign"),
    [
        ("x < 5000", {"x": "positive"}, 1),
        ("x**2 - 500*x <= 0", {"x": "positive"}, 1),
        ("x**2*exp(-x) > 10**-50", {"x": "positive"}, -1),
        ("n < 10**6", {"n": "positive integer"}, 1),
        ("x < 10**15", {"x": "positive"}, 1),
        ("x > -10**8", {"x": "real"}, -1),
        ("x < 10**40", {"x": "real"}, 1),
        ("n > -10**7", {"n": "integer"}, -1),
        ("log(x) > -100", {"x": "positive"}, -1),
        ("p > 10**-9", {"p": "probability"}, -1),
        ("log(p) + log(1 - p) > -40", {"p": "probability"}, -1),
        ("p > 10**-15", {"p": "probability"}, -1),
        ("p < 1 - 10**-15", {"p": "probability"}, 1),
        ("log(p/(1 - p)) < 30", {"p": "probability"}, 1),
        ("x - y < 10**6", {"x": "real", "y": "real"}, 1),
        ("x**2 >= 10**-30", {"x": "positive"}, -1),
        ("sigmoid(x) > 10**-100", {"x": "real"}, -1),
        ("n*(n + 1)/2 <= 10**12", {"n": "positive integer"}, 1),
        ("n**3 < 10**20", {"n": "positive integer"}, 1),
    ],
)
def test_claims_failing_only_far_out_are_refuted(claim: str, symbols: dict, sign: int) -> None:
    result = check(claim, **symbols)
    assert result.verdict is Verdict.REFUTED, result.detail
    # The shown point really violates the claim: lhs - rhs has the wrong sign there.
    assert sign * replay(claim, result) > 0


def test_integer_part_far_out_is_refuted() -> None:
    result = check("floor(x/5000) == 0", x="positive")
    assert result.verdict is Verdict.REFUTED
    assert replay("floor(x/5000) == 0", result) >= 1


def test_spd_trace_bound_fails_for_large_eigenvalues() -> None:
    result = check("trace(S) < 10**5", S="spd matrix 2x2")
    assert result.verdict is Verdict.REFUTED
    assert "S[1,1]" in result.detail


def test_matrix_with_large_entries_breaks_a_bound() -> None:
    result = check("trace(A*transpose(A)) < 10**8", A="matrix 2x2")
    assert result.verdict is Verdict.REFUTED


@settings(max_examples=8, deadline=None)
@given(exponent=st.integers(min_value=1, max_value=60), mantissa=st.integers(min_value=1, max_value=9))
def test_a_finite_upper_bound_on_a_positive_scalar_is_never_verified(exponent: int, mantissa: int) -> None:
    result = check(f"x < {mantissa}*10**{exponent}", x="positive")
    assert result.verdict is Verdict.REFUTED


def test_verified_evidence_says_how_far_out_points_went() -> None:
    result = check("exp(x) >= 1 + x", x="real")
    assert result.verdict is Verdict.VERIFIED
    assert "far points reaching |values|" in result.detail
    assert "e+12" in result.detail
    assert "margin search from" in result.detail


# ---------------------------------------------------------------------------------------
# Class 2: the sides meet where random points never go.


def test_strict_inequality_zero_on_a_curve_is_refuted_at_an_exact_point() -> None:
    result = check("(x*y - 0.52)**2 > 0", x="real", y="real")
    assert result.verdict is Verdict.REFUTED
    assert result.detail.startswith("equality (strict > fails)")
    assert replay("(x*y - 13/25)**2 > 0", result) == 0


def test_tight_point_sympy_cannot_solve_for_is_refuted_beyond_its_constant() -> None:
    claim = "(x - cos(2*x))**2 >= 10**-40"
    result = check(claim, x="real")
    assert result.verdict is Verdict.REFUTED
    assert replay(claim, result) == pytest.approx(-1e-40, rel=1e-6)
    assert check("(x - cos(2*x))**2 >= 1e-40", x="real").verdict is Verdict.REFUTED


def test_strict_inequality_meeting_zero_at_an_irrational_point_is_undecided() -> None:
    result = check("(x - cos(2*x))**2 > 0", x="real")
    assert result.verdict is Verdict.UNDECIDED
    assert "the sides meet at x = 0.5149" in result.detail
    assert "no exact point" in result.detail


def test_strict_inequality_zero_on_an_irrational_curve_is_undecided() -> None:
    result = check("(x*y - pi/10)**2 > 0", x="real", y="real")
    assert result.verdict is Verdict.UNDECIDED
    assert "the sides meet at x = " in result.detail


def test_tight_offset_written_in_the_claim_is_seen_at_its_own_precision() -> None:
    # The minimum of the left side is exactly 0 at 3/2: the claim's 10**-9 is what fails.
    result = check("x**2 - 3*x + 2.25 > 10**-9", x="real")
    assert result.verdict is Verdict.REFUTED
    assert replay("x**2 - 3*x + 9/4 > 10**-9", result) == pytest.approx(-1e-9)


def test_a_zero_set_that_is_not_an_end_of_the_domain_is_not_explained_away() -> None:
    # Tends to 0 as y grows, but also meets 0 at x = 0.5149... for every y.
    result = check("(x - cos(2*x))**2 * exp(-y) > 0", x="real", y="real")
    assert result.verdict is Verdict.UNDECIDED


@pytest.mark.parametrize(
    ("claim", "symbols"),
    [
        ("(x + y - 1/3)**2 > 0", {"x": "real", "y": "real"}),
        ("(p - 0.37)**2 > 0", {"p": "probability"}),
        ("(x - 3/7)**4 > 0", {"x": "real"}),
        ("p*(1 - p) < 1/4", {"p": "probability"}),
        ("(x*y*z - 2)**2 > 0", {"x": "positive", "y": "positive", "z": "positive"}),
    ],
)
def test_strict_inequalities_tight_at_a_rational_point_are_refuted_as_equality(claim: str, symbols: dict) -> None:
    result = check(claim, **symbols)
    assert result.verdict is Verdict.REFUTED, result.detail
    assert "equality" in result.detail
    assert replay(claim, result) == 0


def test_irrational_root_of_a_rational_difference_refutes_exactly() -> None:
    result = check("(x**2 - 2)**2 > 0", x="real")
    assert result.verdict is Verdict.REFUTED
    assert "sqrt(2)" in result.detail


def test_sign_change_between_roots_is_found_exactly() -> None:
    # Negative only on (1000, 1000.001): no sampled point lands there.
    result = check("(x - 1000)*(x - 1000.001) >= 0", x="real")
    assert result.verdict is Verdict.REFUTED
    assert replay("(x - 1000)*(x - 1000001/1000) >= 0", result) < 0


# ---------------------------------------------------------------------------------------
# True claims stay true (no false refutation, no needless undecided).


@pytest.mark.parametrize(
    ("claim", "symbols"),
    [
        ("x**2 - 500*x + 62500 >= 0", {"x": "real"}),
        ("log(x) <= x - 1", {"x": "positive"}),
        ("exp(x) >= 1 + x", {"x": "real"}),
        ("(x - y)**2 >= 0", {"x": "real", "y": "real"}),
        ("x**2 + 1 > 0", {"x": "real"}),
        ("(x + y)/2 >= sqrt(x*y)", {"x": "positive", "y": "positive"}),
        ("x*log(x) >= -exp(-1)", {"x": "positive"}),
        ("softplus(a) > Max(a, 0)", {"a": "real"}),
        ("log(exp(a) + exp(b) + exp(c)) >= Max(a, b, c)", {"a": "real", "b": "real", "c": "real"}),
        ("1/x > 0", {"x": "positive"}),
        ("n**2 >= n", {"n": "positive integer"}),
        ("(x - cos(2*x))**2 >= 0", {"x": "real"}),
        ("x < 5000", {"x": "negative"}),
        ("p*(1 - p) <= 1/4", {"p": "probability"}),
        ("log(sigmoid(x)) + softplus(-x) == 0", {"x": "real"}),
        ("p**2 < p", {"p": "probability"}),
        ("x**3 - 3*x + 2.0000001 > 0", {"x": "positive"}),
        ("log(1 + x) < x", {"x": "positive"}),
        ("2**x > x", {"x": "real"}),
        ("x**x >= exp(-exp(-1))", {"x": "positive"}),
        ("a*b*c*d*e*f <= (a**6 + b**6 + c**6 + d**6 + e**6 + f**6)/6", dict.fromkeys("abcdef", "positive")),
    ],
)
def test_true_claims_still_hold(claim: str, symbols: dict) -> None:
    result = check(claim, **symbols)
    assert result.verdict in HOLDS, result.detail


def test_exact_sign_analysis_is_named_in_the_evidence() -> None:
    result = check("x**3 - 3*x + 2.0000001 > 0", x="positive")
    assert result.verdict is Verdict.VERIFIED
    assert "exact sign analysis: lhs - rhs is rational in x, 0 real roots in the domain" in result.detail


def test_a_margin_tending_to_zero_at_an_end_says_how_far_its_sign_was_certified() -> None:
    result = check("softplus(a) > Max(a, 0)", a="real")
    assert result.verdict is Verdict.VERIFIED
    assert "tight towards the end of the domain" in result.detail
    assert "the sign certified there" in result.detail


def test_far_points_never_refute_through_sympys_wrong_error_bounds() -> None:
    # At x = 7273/2, sympy's evalf gives log(sigmoid(x)) + softplus(-x) = 4.9e-1580 at 50, 100
    # and 400 digits alike; it is exactly 0. mpmath's own evaluation must agree before it refutes.
    result = check("log(sigmoid(x)) + softplus(-x) == 0", x="real")
    assert result.verdict in HOLDS


# ---------------------------------------------------------------------------------------
# The machinery.


def test_exact_sign_analysis_gives_a_point_per_interval_and_the_roots() -> None:
    x = sympy.Symbol("x")
    tests, zeros = sign_points((x - 1) * (x - 2) / (x - 3), x, "real", 2.0)
    assert zeros == [1, 2]
    assert len(tests) == 4  # (-oo, 1), (1, 2), (2, 3), (3, oo)
    tests, zeros = sign_points(x**2 - 2, x, "positive integer", 2.0)
    assert zeros == []  # sqrt(2) is not an integer
    assert all(t.is_integer and t >= 1 for t in tests)
    assert sign_points(sympy.exp(x) - x, x, "real", 2.0) is None


def test_compile_mp_refuses_what_it_does_not_know() -> None:
    x = sympy.Symbol("x")
    with pytest.raises(UnsupportedError):
        compile_mp(sympy.Integral(x, (x, 0, 1)) + x, [x])
    fn = compile_mp(sympy.exp(x) + sympy.sqrt(x), [x])
    assert fn([mpmath.mpf(4)]) == pytest.approx(float(sympy.exp(4) + 2))


def test_margin_search_refines_a_minimum_to_the_digits_asked_for() -> None:
    x = sympy.Symbol("x")
    search = MarginSearch((x - sympy.cos(2 * x)) ** 2, sympy.Rational(1, 10**40), 1, [(x, "real")], 102)
    (minimum,) = search.run([{x: sympy.Rational(1, 2)}], time.perf_counter() + 5)
    assert minimum.state == "negative"
    assert minimum.where.startswith("x = 0.5149")


def test_a_margin_tending_to_zero_with_a_proved_sign_near_the_end_is_settled_by_sympy() -> None:
    result = check("log(1 + x) < x", x="positive")
    assert result.verdict is Verdict.VERIFIED
    assert "lhs - rhs -> 0 as x -> 0+, on the claimed side there (sympy proves its sign)" in result.detail


def test_integer_roots_of_a_polynomial_margin_refute_a_strict_inequality() -> None:
    result = check("n**2 - 61*n + 930 > 0", n="positive integer")
    assert result.verdict is Verdict.REFUTED
    assert replay("n**2 - 61*n + 930 > 0", result) == 0


# ---------------------------------------------------------------------------------------
# Second attack round: what sampling alone never sees.

R3 = {"x": "real", "y": "real", "z": "real"}


@pytest.mark.parametrize(
    ("claim", "symbols"),
    [
        # narrow features: a large constant times g, failing only near g's zeros
        ("exp(-10**12*(x - cos(x))**2) < 1/2", {"x": "real"}),
        ("sigmoid(10**9*(x - cos(x))) * sigmoid(-10**9*(x - cos(x))) < 1/8", {"x": "real"}),
        ("1/(1 + 10**12*((x - 7/3)**2 + (y - 5/2)**2 + (z - 3)**2)) < 1/2", R3),
        ("1/(1 + 10**12*((x - 7/3)**2 + (y - 5/2)**2 + (z - 3)**2)) <= 1/2", R3),
        ("exp(-10**12*((x - 7/3)**2 + (y - 5/2)**2 + (z - 3)**2)) < 1/2", R3),
        ("1/(1 + 10**12*((x*y - 7)**2 + (y*z - 5)**2 + (x*z - 3)**2)) < 1/2", R3),
        # jumps of integer parts
        ("floor(x + 1/3) == ceiling(x - 2/3)", {"x": "real"}),
        ("floor(x + 1/3) <= ceiling(x - 2/3)", {"x": "real"}),
        ("floor(n/97) == floor((n + 1)/97)", {"n": "positive integer"}),
        # a point zero of a margin in 7 scalars (searched, with Newton, up to 12)
        (
            "(a - 7/3)**2 + (b - 5/2)**2 + (c - 3)**2 + (d - 1/7)**2 + (e - 2/9)**2 + (f - 5)**2 + (g - 3/11)**2 > 0",
            dict.fromkeys("abcdefg", "real"),
        ),
        # SPD matrices: the Cholesky search, and far points towards singular
        ("(trace(S) - 3)**2 + (det(S) - 2)**2 >= 10**-40", {"S": "spd matrix 2x2"}),
        ("1/(1 + 10**12*((trace(S) - 3)**2 + (det(S) - 2)**2)) < 1/2", {"S": "spd matrix 2x2"}),
        ("trace(inverse(S)) < 10**40", {"S": "spd matrix 2x2"}),
        ("trace(inverse(S)) < exp(100)", {"S": "spd matrix 2x2"}),
        ("det(S) > 10**-40", {"S": "spd matrix 2x2"}),
    ],
)
def test_second_round_false_claims_are_refuted_at_an_exact_point(claim: str, symbols: dict[str, str]) -> None:
    result = derive.check(claim, symbols=symbols)
    assert result.verdict is Verdict.REFUTED, result.detail
    assert result.evidence.counterexample is not None


@pytest.mark.parametrize(
    ("claim", "symbols", "why"),
    [
        # the sides meet on a curve of SPD / general matrices with no rational point found
        ("(trace(S) - 3)**2 + (det(S) - 2)**2 > 0", {"S": "spd matrix 2x2"}, "the sides meet at"),
        ("(trace(S) - 6)**2 + (det(S) - 6)**2 + (trace(S*S) - 14)**2 > 0", {"S": "spd matrix 3x3"}, "meet"),
        ("(trace(A) - 3)**2 + (det(A) - 7)**2 > 0", {"A": "matrix 3x3"}, "the sides meet at"),
        # sums, products and integrals the margin search cannot evaluate
        ("Sum(1/k**2, (k, 1, n)) < 16449/10000", {"n": "positive integer"}, "cannot evaluate Sum"),
        ("Product(1 + 1/k**2, (k, 1, n)) < 367/100", {"n": "positive integer"}, "cannot evaluate Product"),
        ("integrate(t**x*(2 + sin(t)), (t, 0, 1)) > 10**-6", {"x": "positive"}, "cannot evaluate Integral"),
        # Diophantine: integer zeros far beyond any sampling
        ("(m**2 - 61*n**2 - 1)**2 > 0", {"m": "positive integer", "n": "positive integer"}, "integer zeros"),
        ("(a**5 + b**5 + c**5 + d**5 - e**5)**2 > 0", dict.fromkeys("abcde", "positive integer"), "integer zeros"),
        # true, but unprovable by sampling: undecided is the honest answer
        ("(m**2 - 2*n**2)**2 > 0", {"m": "positive integer", "n": "positive integer"}, "integer zeros"),
        # a jump that cannot be solved for
        ("floor(x + cos(x)) <= x + cos(x)", {"x": "real"}, "cannot be solved"),
    ],
)
def test_second_round_unsearchable_claims_are_undecided(claim: str, symbols: dict[str, str], why: str) -> None:
    result = derive.check(claim, symbols=symbols)
    assert result.verdict is Verdict.UNDECIDED, result.detail
    assert why in result.detail


def test_jumps_of_a_nonlinear_argument_are_solved_by_sympy() -> None:
    assert check("floor(sqrt(n))**2 <= n", n="positive integer").verdict is Verdict.VERIFIED
    strict = check("floor(sqrt(n))**2 < n", n="positive integer")
    assert strict.verdict is Verdict.REFUTED
    assert dict(strict.evidence.counterexample.values)["n"] == "1"
    assert check("floor(x) <= x", x="real").verdict is Verdict.VERIFIED  # sympy's limit of floor, not oo


def test_true_claims_stay_verified_with_the_new_searches() -> None:
    spd = derive.check("transpose(Matrix([[1], [-1]]))*S*Matrix([[1], [-1]]) > 0", symbols={"S": "spd matrix 2x2"})
    assert spd.verdict in HOLDS
    assert check("ceiling(x) - floor(x) <= 1", x="real").verdict in HOLDS
    wide = check("1/(1 + 10**12*(x - 7/3)**2) <= 1", x="real")
    assert wide.verdict in HOLDS
    assert check("m**2 + n**2 > 1", m="positive integer", n="positive integer").verdict in HOLDS


@pytest.mark.parametrize(
    "claim", ["Sum(1/(k*(k + 1)), (k, 1, n)) < 999/1000", "Sum(exp(-k/1000)/1000, (k, 1, n)) < 99/100"]
)
def test_a_sum_with_a_closed_form_is_refuted_far_out_on_it(claim: str) -> None:
    result = check(claim, n="positive integer")
    assert result.verdict is Verdict.REFUTED, result.detail
    assert "evaluated on sympy's closed form" in result.detail
    n = int(dict(result.evidence.counterexample.values)["n"])
    k = sympy.Symbol("k", integer=True, positive=True)
    lhs, rhs = claim.split("<")
    exact = sympy.sympify(lhs, locals={"k": k, "n": sympy.Integer(n)}).doit() - sympy.sympify(rhs)
    assert sympy.N(exact, 50) > 0  # the sum itself, not only its closed form, fails there


def test_a_true_sum_with_a_closed_form_is_verified_on_it() -> None:
    result = check("Sum(exp(-k), (k, 1, n)) < 1/(exp(1) - 1) + 10**-9", n="positive integer")
    assert result.verdict is Verdict.VERIFIED, result.detail
    assert "far points and margin search on sympy's closed form of the sums" in result.detail


@pytest.mark.parametrize(
    ("claim", "symbols"),
    [
        # beyond the margin search's bound (x = 1e-40): points further out along it
        ("log(x*y) > -1000", {"x": "positive", "y": "positive"}),
        ("log(det(S)) > -1000", {"S": "spd matrix 2x2"}),
        ("log(det(S)) > -1000", {"S": "spd matrix 3x3"}),
        # the walk towards 0+ goes on to 1e-512 when sympy's limit is on the wrong side
        ("log(x) > -1000", {"x": "positive"}),
    ],
)
def test_a_failure_beyond_1e_minus_40_is_found_and_log_of_a_tiny_number_evaluates(
    claim: str, symbols: dict[str, str]
) -> None:
    result = derive.check(claim, symbols=symbols)
    assert result.verdict is Verdict.REFUTED, result.detail
    assert "lhs - rhs = -" in result.detail


def test_a_margin_is_measured_against_the_sides_where_it_is_found_not_at_a_far_start() -> None:
    # x**x >= exp(-1/e) = 0.6922006...: the gap of 6.3e-7 at x = 1/e was reported as 3e-51 of
    # the sides' size at x = 40 (1e64) and left the claim undecided.
    result = check("x**x > 6922/10000", x="positive")
    assert result.verdict is Verdict.VERIFIED, result.detail
    assert "smallest margin 6.3e-07 (relative) at x = 0.36787944" in result.detail
    # the origin still counts as a meeting point where both sides vanish
    zero = check("x**2 + y**2 > 0", x="real", y="real")
    assert zero.verdict is Verdict.REFUTED


def test_log1p_in_the_margin_search_keeps_a_tiny_margin_positive() -> None:
    # log(1 + u) - (u - u**2/2) = u**3/3 - ...: 1e-64 of the sides at x = 74, where 1 + u lost the
    # digits and the margin came out as -1e-72 (undecided: "the sides meet")
    result = check("log(1 + exp(-x)) > exp(-x) - exp(-2*x)/2", x="positive")
    assert result.verdict is Verdict.VERIFIED, result.detail
    x = sympy.Symbol("x")
    fn = compile_mp(sympy.log(1 + sympy.exp(-x)), [x])
    with mpmath.workdps(30):
        assert fn([mpmath.mpf(100)]) == pytest.approx(float(sympy.exp(-100)), rel=1e-12)
