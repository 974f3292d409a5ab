"""Attacker's suite, soundness class 3: gaps below the working precision.

A truncated Gaussian integral (∫_{-25}^{25} e^{-x²} "= √π", off by 1.5e-273), a partial sum of
a convergent series (Σ_{n≤150} 1/n! "= e", off by 1e-265) and a function evaluated far out on
its horizontal asymptote (atan(e^{e^{x+7}}) "= π/2") agree with the truth to far more digits
than the numeric tier's first rungs. None of them may be accepted: a closed-form constant
difference is evaluated through its cancellation until its sign shows (refuted, value shown),
and what a claim's structure can hide (the tail beyond a finite bound, the distance of a
saturated function to its asymptote) must be below the precision a zero is certified at, or
the claim is undecided. The true claims next to them must keep their verdicts.
"""

from __future__ import annotations

import re

import mpmath
import pytest
import sympy

import derive
from derive.language.parsing import prepare, split_relation
from derive.model import Claim, Method, Settings, Verdict
from derive.tiers._ladder import Ladder, excluded, resolution
from derive.tiers.numeric import check_numeric

x = sympy.Symbol("x", real=True)
n = sympy.Symbol("n", integer=True)


def numeric(text: str, symbols: dict[str, str] | None = None) -> derive.model.Outcome:
    """The numeric tier alone: what it says when the symbolic tier has no closed form to offer."""
    lhs, relation, rhs = split_relation(text)
    problem = prepare(Claim(id="attack", lhs=lhs, rhs=rhs, relation=relation, symbols=dict(symbols or {})))
    out = check_numeric(problem, Settings())
    assert out.evidence.method is Method.NUMERIC
    return out


# ---------------------------------------------------------------------------------------
# Constant differences the symbolic tier reduces to a closed form: decided through the
# cancellation, with the value shown.


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("integrate(exp(-x**2), (x, -25, 25)) == sqrt(pi)", "-1.47116728369976E-273"),
        ("integrate(exp(-x**2/2), (x, -40, 40)) == sqrt(2*pi)", "-1.83279322373969E-349"),
        ("integrate(exp(-x), (x, 0, 700)) == 1", "-9.85967654375977E-305"),
    ],
)
def test_truncated_integral_is_refuted_with_its_tail(claim: str, value: str) -> None:
    r = derive.check(claim)
    assert r.verdict is Verdict.REFUTED
    assert r.method is Method.SYMBOLIC
    assert f"≈ {value} (confirmed at 100 digits)" in r.detail


def test_partial_sum_of_e_is_refuted_with_its_tail() -> None:
    r = derive.check("Sum(1/factorial(n), (n, 0, 150)) == exp(1)")
    assert r.verdict is Verdict.REFUTED
    assert r.method is Method.SYMBOLIC
    shown = r.detail.rsplit("≈ ", 1)[1].split(" ")[0]
    # e - Σ_{n≤150} 1/n! = Σ_{n>150} 1/n!, computed independently.
    with mpmath.workdps(400):
        tail = mpmath.nsum(lambda k: 1 / mpmath.factorial(k), [151, mpmath.inf])
        assert mpmath.mpf(shown) == pytest.approx(-tail, rel=1e-12)
    assert "(confirmed at 100 digits)" in r.detail


def test_partial_geometric_and_alternating_sums_are_refuted() -> None:
    r = derive.check("Sum(1/2**n, (n, 0, 1000)) == 2")
    assert r.verdict is Verdict.REFUTED
    assert "nonzero constant -1/" in r.detail
    r = derive.check("Sum((-1)**n/factorial(n), (n, 0, 150)) == exp(-1)")
    assert r.verdict is Verdict.REFUTED
    assert r.method is Method.SYMBOLIC


def test_truncated_integral_inequality_has_the_sign_of_the_tail() -> None:
    r = derive.check("integrate(exp(-x**2), (x, -25, 25)) < sqrt(pi)")
    assert r.verdict is Verdict.PROVED
    assert "≈ 1.47116728369976E-273" in r.detail
    r = derive.check("integrate(exp(-x**2), (x, -25, 25)) >= sqrt(pi)")
    assert r.verdict is Verdict.REFUTED
    assert "≈ -1.47116728369976E-273" in r.detail


def test_constant_beyond_every_precision_is_undecided_and_says_so() -> None:
    # atan(10**6000) = π/2 - 1e-6000: no affordable precision tells it from π/2.
    r = derive.check("atan(10**6000) == pi/2")
    assert r.verdict is Verdict.UNDECIDED
    symbolic, numeric_ = r.outcomes[0].evidence, r.outcomes[1].evidence
    assert "lhs - rhs not told from 0 at 5000 digits: beyond working precision" in symbolic.summary
    assert numeric_.reason == "beyond working precision"
    assert "need 18020 digits" in numeric_.summary


# ---------------------------------------------------------------------------------------
# The numeric tier alone: truncations it cannot see through are undecided, with the digits
# they would need; those it can reach are refuted.


@pytest.mark.parametrize(
    ("claim", "digits"),
    [
        ("integrate(exp(-x**2), (x, -25, 25)) == sqrt(pi)", 292),
        ("integrate(exp(-x**2/2), (x, -40, 40)) == sqrt(2*pi)", 368),
        ("integrate(exp(-x), (x, 0, 700)) == 1", 325),
        ("Sum(1/factorial(n), (n, 0, 400)) == exp(1)", 890),
    ],
)
def test_numeric_tier_does_not_accept_a_truncation_it_cannot_resolve(claim: str, digits: int) -> None:
    # Quadrature stops at 240 digits and a value computed by it is never taken as exact, so
    # nothing below shows the tail of the integrals; the sum's (1e-869) is too deep.
    out = numeric(claim)
    assert out.verdict is Verdict.UNDECIDED
    assert out.evidence.reason == "beyond working precision"
    # (the sum is added up exactly now, which moves the estimate of its own digits by a few)
    said = re.search(r"need (\d+) digits to tell a difference from zero, more than the 240", out.evidence.summary)
    need = int(said[1])
    assert abs(need - digits) <= 5


@pytest.mark.parametrize(
    ("claim", "difference"),
    [
        ("Sum(1/factorial(n), (n, 0, 150)) == exp(1)", "-1.1667992947876e-265"),
        ("Sum(1/2**n, (n, 0, 1000)) == 2", "-9.33263618503219e-302"),
        (
            "Product(1 + 1/factorial(k), (k, 1, 150)) == Product(1 + 1/factorial(k), (k, 1, 149))",
            "6.44478677479642e-263",
        ),
    ],
)
def test_numeric_tier_looks_past_what_it_cannot_resolve(claim: str, difference: str) -> None:
    # No rung resolves these sums (a zero would need 283+ digits), but lhs - rhs evaluated as
    # one expression at the top rungs shows the tail, at two precisions.
    out = numeric(claim)
    assert out.verdict is Verdict.REFUTED
    assert out.evidence.counterexample.difference == difference
    assert out.evidence.counterexample.digits <= 240  # a sum added up exactly is confirmed at an earlier rung


def test_numeric_tier_refutes_a_truncation_within_reach() -> None:
    out = numeric("Sum(1/factorial(n), (n, 0, 100)) == exp(1)")
    assert out.verdict is Verdict.REFUTED
    diff = mpmath.mpf(out.evidence.counterexample.difference)
    with mpmath.workdps(300):
        tail = mpmath.nsum(lambda k: 1 / mpmath.factorial(k), [101, mpmath.inf])
    assert diff == pytest.approx(-tail, rel=1e-9)


def test_truncation_with_a_free_bound_is_not_verified() -> None:
    out = numeric("integrate(exp(-t**2), (t, -25, x)) == sqrt(pi)/2*(1 + erf(x))", {"x": "real"})
    assert out.verdict is Verdict.UNDECIDED
    assert "need 292 digits" in out.evidence.summary
    out = numeric("Sum(1/factorial(n), (n, 0, m + 150)) == exp(1)", {"m": "positive integer"})
    assert out.verdict is Verdict.REFUTED
    ((_, m),) = out.evidence.counterexample.values
    with mpmath.workdps(400):
        tail = mpmath.nsum(lambda k: 1 / mpmath.factorial(k), [int(m) + 151, mpmath.inf])
    assert mpmath.mpf(out.evidence.counterexample.difference) == pytest.approx(-tail, rel=1e-9)


def test_partial_exponential_series_is_refuted_where_the_tail_shows() -> None:
    r = derive.check("Sum(x**n/factorial(n), (n, 0, 200)) == exp(x)", symbols={"x": "real"})
    assert r.verdict is Verdict.REFUTED
    cex = r.evidence.counterexample
    ((_, value),) = cex.values
    with mpmath.workdps(400):
        t = mpmath.mpf(sympy.Rational(value).p) / sympy.Rational(value).q
        truth = mpmath.fsum(t**k / mpmath.factorial(k) for k in range(201)) - mpmath.exp(t)
        assert mpmath.mpf(cex.difference) == pytest.approx(truth, rel=1e-9)


# ---------------------------------------------------------------------------------------
# Saturation: functions evaluated far out on a horizontal asymptote.


def test_atan_of_a_double_exponential_is_not_verified() -> None:
    # At x = 1/2 the gap is 1e-785 (beyond the ladder: that point is unresolved); nearer 0
    # it is reachable, and the counterexample replays.
    r = derive.check("atan(exp(exp(x + 7))) == pi/2", symbols={"x": "positive"})
    assert r.verdict is Verdict.REFUTED
    cex = r.evidence.counterexample
    ((_, value),) = cex.values
    t = sympy.Rational(value)
    truth = sympy.N(sympy.atan(sympy.exp(sympy.exp(t + 7))) - sympy.pi / 2, 30, maxn=3000)
    assert mpmath.mpf(cex.difference) == pytest.approx(mpmath.mpf(str(truth)), rel=1e-9)


@pytest.mark.parametrize(
    ("claim", "symbols", "difference"),
    [
        ("atan(exp(exp(x + 5))) == pi/2", {"x": "positive"}, "-3.53777307554392e-137"),
        ("Piecewise((atan(exp(exp(x + 5))), x > 0), (0, True)) == pi/2", {"x": "positive"}, "-3.53777307554392e-137"),
        ("atan(x + 10**60) == pi/2", {"x": "real"}, None),
        ("atan(exp(x) + 10**40) == pi/2", {"x": "real"}, None),
        ("erfc(exp(x) + 30) == 0", {"x": "real"}, None),
        ("erf(x + 30) == 1", {"x": "positive"}, None),
        ("softplus(x + 800) - x == 800", {"x": "positive"}, None),
        ("(x + 10**40)/sqrt(1 + (x + 10**40)**2) == 1", {"x": "positive"}, None),
    ],
)
def test_saturated_functions_are_refuted_numerically(claim: str, symbols: dict, difference: str | None) -> None:
    r = derive.check(claim, symbols=symbols)
    assert r.verdict is Verdict.REFUTED
    assert r.method is Method.NUMERIC
    if difference is not None:
        assert r.evidence.counterexample.difference == difference


@pytest.mark.parametrize(
    "claim",
    [
        "1/(1 + exp(-exp(x + 5))) == 1",
        "exp(-exp(x + 7)) == 0",
        "log(1 + exp(-exp(x + 7))) == 0",
        "1 - exp(-exp(exp(x))) == 1",
    ],
)
def test_exponentially_small_terms_are_refuted_symbolically(claim: str) -> None:
    r = derive.check(claim, symbols={"x": "positive"})
    assert r.verdict is Verdict.REFUTED
    assert r.method is Method.SYMBOLIC
    assert "is nonzero for every value the assumptions allow" in r.detail


def test_tanh_of_an_exponential_is_refuted_past_what_resolves_it() -> None:
    # A zero would need 1e7 digits; at x = 3/4 the first hidden term, 2e^{-2e^{7.75}} = 6e-2017,
    # shows at the top rungs all the same.
    r = derive.check("tanh(exp(x + 7)) == 1", symbols={"x": "positive"})
    assert r.verdict is Verdict.REFUTED
    cex = r.evidence.counterexample
    ((_, value),) = cex.values
    truth = sympy.N(sympy.tanh(sympy.exp(sympy.Rational(value) + 7)) - 1, 30, maxn=9000)
    assert mpmath.mpf(cex.difference) == pytest.approx(mpmath.mpf(str(truth)), rel=1e-9)


def test_resolution_sizes_the_asymptotes_and_the_tails() -> None:
    # atan u = π/2 - 1/u + 1/(3u³): the second term, 3 × 100 orders below.
    assert resolution(sympy.atan(sympy.Integer(10) ** 100) - sympy.pi / 2) == 300
    assert resolution(sympy.acot(sympy.Integer(10) ** 100)) == 300
    assert resolution(sympy.Si(sympy.Integer(10) ** 50) - sympy.pi / 2) == 100
    assert resolution(sympy.atan(sympy.Rational(3, 2))) <= 3
    # e^{-625} at the bounds of ∫_{-25}^{25} e^{-x²}, against an integrand of size 1.
    cut = resolution(sympy.Integral(sympy.exp(-(x**2)), (x, -25, 25)) - sympy.sqrt(sympy.pi))
    assert cut == 272
    assert resolution(sympy.Integral(sympy.exp(-(x**2)), (x, -sympy.oo, sympy.oo)) - sympy.sqrt(sympy.pi)) <= 3
    # 1/150! is the last term; a bound like 10**100 is sized without expanding 2**(10**100).
    assert resolution(sympy.Sum(1 / sympy.factorial(n), (n, 0, 150)) - sympy.E) == 263
    assert resolution(sympy.Sum(2**-n, (n, 0, 10**100)) - 2) > 10**99
    # Relative to the sides' size when the ladder knows it: a tail of 1e-158 in a sum of size 1e-158 hides nothing.
    assert resolution(sympy.Sum(1 / sympy.factorial(n), (n, 100, sympy.oo)), scale=-158.0) <= 3


def test_a_zero_says_what_gap_it_excludes() -> None:
    # atan(x + 1e30) hides 1e-90 (its second term): a zero is held to 90 + 20 digits, reached at 200.
    u = x + sympy.Integer(10) ** 30
    ladder = Ladder([sympy.atan(u) + sympy.atan(1 / u)], [sympy.pi / 2], {x: sympy.Rational(1, 2)}, (50, 100, 200, 400))
    status = ladder.settle(0, 2)
    assert (status.kind, status.needed, ladder.digits(status.level)) == ("zero", 110, 200)
    assert excluded(200, status.needed) == (
        "relative differences above 1e-190 excluded (past the 1e-90 the claim's own numbers and functions could hide)"
    )
    # A claim whose numbers hide nothing says only what the precision excludes.
    assert excluded(100, 0) == "relative differences above 1e-90 excluded"


# ---------------------------------------------------------------------------------------
# Values sympy's evalf vouches for wrongly must not refute a true claim.


def _settle(lhs: sympy.Expr, rhs: sympy.Expr, at: str) -> tuple[str, object]:
    ladder = Ladder([lhs], [rhs], {x: sympy.Rational(at)}, (50, 100, 200, 400))
    status = ladder.settle(0, 2)
    return status.kind, status.value


def test_log_near_one_is_not_an_exact_zero() -> None:
    # sympy's evalf gives log(1 + e^{-400.75}) as an exact 0: e^{400.75} log(1 + e^{-400.75}) "was" 0.
    t = x + 400
    kind, value = _settle(sympy.exp(t) * sympy.log(1 + sympy.exp(-t)), sympy.Rational(1, 2), "3/4")
    assert kind == "nonzero"
    assert value == pytest.approx(0.5, rel=1e-12)
    u = sympy.exp(sympy.exp(x + 5))
    kind, _ = _settle(u * sympy.log(1 + 1 / u), u * (sympy.log(u + 1) - sympy.exp(x + 5)), "3/4")
    assert kind == "zero"


def test_ill_conditioned_values_do_not_confirm_a_difference() -> None:
    # Γ(u + 1) = u Γ(u) at u ≈ 1e136: evalf's values at 50 and 100 digits are garbage with tight bounds.
    u = sympy.exp(sympy.exp(x + 5))
    kind, _ = _settle(sympy.gamma(u + 1) / (sympy.gamma(u) * u), sympy.Integer(1), "3/4")
    assert kind != "nonzero"


# ---------------------------------------------------------------------------------------
# True claims keep their verdicts.


@pytest.mark.parametrize(
    ("claim", "symbols", "expected"),
    [
        ("integrate(exp(-x**2), (x, -oo, oo)) == sqrt(pi)", {}, Verdict.PROVED),
        ("Sum(1/factorial(n), (n, 0, oo)) == exp(1)", {}, Verdict.PROVED),
        ("Sum(1/2**n, (n, 0, 10)) == 2 - 1/2**10", {}, Verdict.PROVED),
        ("integrate(exp(-x**2), (x, -3, 3)) == sqrt(pi)*erf(3)", {}, Verdict.PROVED),
        ("atan(x) + atan(1/x) == pi/2", {"x": "positive"}, Verdict.VERIFIED),
        ("atan(x + 10**30) + atan(1/(x + 10**30)) == pi/2", {"x": "positive"}, Verdict.VERIFIED),
        ("exp(pi*sqrt(163)) == 640320**3 + 744", {}, Verdict.REFUTED),
    ],
)
def test_true_claims_and_the_ramanujan_near_miss_keep_their_verdicts(
    claim: str, symbols: dict, expected: Verdict
) -> None:
    r = derive.check(claim, symbols=symbols)
    assert r.verdict is expected
    if claim.startswith("exp(pi"):
        assert "≈ -7.49927402801814E-13 (confirmed at 100 digits)" in r.detail


@pytest.mark.parametrize(
    "claim",
    [
        "integrate(exp(-x**2), (x, -oo, oo)) == sqrt(pi)",
        "Sum(1/factorial(n), (n, 0, oo)) == exp(1)",
        "Sum(1/2**n, (n, 0, 10)) == 2 - 1/2**10",
        "integrate(exp(-x**2), (x, 0, 1)) == sqrt(pi)/2*erf(1)",
    ],
)
def test_numeric_tier_still_verifies_complete_integrals_and_sums(claim: str) -> None:
    out = numeric(claim)
    assert out.verdict is Verdict.VERIFIED
    assert "numeric agreement, not a proof" in out.evidence.summary
