"""Multiple integrals over a box whose integrand separates: evaluated as products of 1-D integrals.

Before, every multiple integral was skipped ("only one-dimensional definite integrals are
evaluated numerically"), and a 2-D quadrature rule costs more than a claim's budget.
"""

from __future__ import annotations

import sympy

import derive
from derive import Verdict
from derive.tiers._integrals import prepare_integrals

r, t = sympy.symbols("r theta", real=True)
POLAR = (
    r"\int_{0}^{2\pi} \int_0^\infty \exp\left(-\frac{r^2\sin^2 \theta + r^2\cos^2 \theta}{2\sigma^2}\right)"
    r" r\,dr\,d\theta"
)


def _latex(text: str, **symbols: str) -> derive.CheckResult:
    (res,) = derive.check_latex(f"$${text}$$", symbols=symbols)
    return res


def test_polar_gaussian_normalisation_is_proved() -> None:
    # Verified by the product of quadratures before the exact Gaussian rule (derive.tiers._gauss_integrals).
    for sigma in ("positive", "real"):
        res = _latex(POLAR + r" = 2\pi\sigma^2", sigma=sigma)
        assert res.verdict is Verdict.PROVED, res.detail


def test_polar_gaussian_with_a_wrong_constant_is_refuted() -> None:
    res = _latex(POLAR + r" = \pi\sigma^2", sigma="positive")
    assert res.verdict is Verdict.REFUTED, res.detail


def test_separable_box_becomes_a_product_of_single_integrals() -> None:
    node = sympy.Integral(sympy.exp(-(r**2)) * sympy.cos(t) ** 2, (r, 0, sympy.oo), (t, 0, 1))
    out = prepare_integrals(node)
    assert not any(len(i.limits) > 1 for i in out.atoms(sympy.Integral))


def test_inseparable_integrand_is_left_whole() -> None:
    node = sympy.Integral(sympy.exp(-((r + t) ** 2)), (r, 0, 1), (t, 0, 1))
    assert prepare_integrals(node) == node


def test_bounds_depending_on_the_other_variable_are_left_whole() -> None:
    node = sympy.Integral(r * t, (r, 0, t), (t, 0, 1))
    assert prepare_integrals(node) == node


def test_triangle_is_not_read_as_a_box() -> None:
    # ∫_0^1 ∫_0^t r t dr dt = 1/8, while the box [0,1]² would give 1/4.
    res = _latex(r"\int_0^1 \int_0^t r t \,dr\,dt = \frac{1}{4}")
    assert res.verdict is not Verdict.VERIFIED and res.verdict is not Verdict.PROVED


def test_divergent_factor_is_no_value() -> None:
    # ∫_{-1}^{1} θ dθ = 0 times the divergent ∫_0^∞ dr: no number, never "0".
    res = _latex(r"\int_{-1}^{1} \int_0^\infty \theta e^{s r} \,dr\,d\theta = 0", s="positive")
    assert res.verdict is Verdict.UNDECIDED, res.detail


def test_divergent_polar_integral_is_not_accepted() -> None:
    # The exponent's sign flipped: the r-integral diverges, so no value and no verdict for it.
    text = r"\int_{0}^{2\pi} \int_0^\infty \exp\left(\frac{r^2}{2\sigma^2}\right) r\,dr\,d\theta = 2\pi\sigma^2"
    res = _latex(text, sigma="positive")
    assert res.verdict is Verdict.UNDECIDED, res.detail


def test_mixed_term_in_the_exponent_is_left_whole() -> None:
    node = sympy.Integral(sympy.exp(-(r**2) - r * t - t**2), (r, 0, 1), (t, 0, 1))
    assert prepare_integrals(node) == node


def test_separated_gaussian_box_value() -> None:
    # ∫_0^∞∫_0^∞ e^{-x²-y²} dx dy = π/4; π/3 is refuted.
    text = r"\int_0^\infty \int_0^\infty e^{-x^2 - y^2} \,dx\,dy = \frac{\pi}{4}"
    assert _latex(text).verdict in (Verdict.PROVED, Verdict.VERIFIED)
    wrong = r"\int_0^\infty \int_0^\infty e^{-x^2 - y^2} \,dx\,dy = \frac{\pi}{3}"
    assert _latex(wrong).verdict is Verdict.REFUTED
