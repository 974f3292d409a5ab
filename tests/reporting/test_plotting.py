"""Plots: files are written in the requested format for each kind of result."""

from __future__ import annotations

import itertools
import sys

import pytest
import sympy

from derive.api import check_latex
from derive.errors import DeriveError, UsageError
from derive.language.loading import load_claims
from derive.language.parsing import prepare
from derive.model import (
    Claim,
    Counterexample,
    Estimate,
    Evidence,
    Method,
    Outcome,
    Point,
    Relation,
    Result,
    Verdict,
)
from derive.reporting._plot_mc import running_estimate
from derive.reporting.plotting import _carry_out, _evaluate, _written_iterates, gda_iterates, plot_result, side_curves

pytest.importorskip("matplotlib")

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _result(claim: Claim, verdict: Verdict, evidence: Evidence) -> Result:
    return Result(claim, verdict, evidence.method, 0.1, (Outcome(verdict, evidence),))


def test_gda_iterates_rotate_and_grow():
    points = gda_iterates(3)
    assert points[:3] == [(1.0, 1.0), (1.2, 0.8), (1.36, 0.56)]  # x ascends, y descends, as in the homework
    radii = [(x * x + y * y) ** 0.5 for x, y in gda_iterates(10)]
    growth = (1 + 0.2**2) ** 0.5
    for a, b in itertools.pairwise(radii):
        assert b / a == pytest.approx(growth)


def test_gda_plot_png_with_claimed_iterates(tmp_path):
    claim = Claim("seed.gda.step1", "x - 0.2*y", "0.8", tags=("seed", "gda"))
    result = _result(claim, Verdict.PROVED, Evidence(Method.SYMBOLIC, "0"))
    out = plot_result(result, tmp_path / "gda.png", claimed=[(1, 1), (1.2, 0.8), (1.4, 0.6)])
    assert out.read_bytes().startswith(PNG_MAGIC)


def test_montecarlo_plot_from_recorded_estimates_svg(tmp_path):
    est = (
        Estimate(1.02, 0.01, 10**5, 1.0, 0.04, "numpy x2", (("mu", "1/2"),)),
        Estimate(2.5, 0.02, 10**5, 2.5, 0.9, "numpy x2", (("mu", "3/2"),)),
    )
    claim = Claim("mc.claim", "E(x**2)", "mu**2 + 1", random={"x": "Normal(mu, 1)"})
    result = _result(claim, Verdict.CONSISTENT, Evidence(Method.MONTECARLO, "ok", estimates=est))
    out = plot_result(result, tmp_path / "mc.svg")
    text = out.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text


def test_sides_plot_for_counterexample(tmp_path):
    x = sympy.Symbol("x", real=True)
    claim = Claim("sq.wrong", (x + 1) ** 2, x**2 + 1, symbols={"x": "real"})
    cex = Counterexample((("x", "1/2"),), "9/4", "5/4", "1", 50)
    result = _result(claim, Verdict.REFUTED, Evidence(Method.NUMERIC, "differ", counterexample=cex))
    out = plot_result(result, tmp_path / "cex.png")
    assert out.read_bytes().startswith(PNG_MAGIC)


def test_sides_plot_from_test_points_of_a_string_claim(tmp_path):
    claim = Claim("sig", "sigmoid(a)", "1 - sigmoid(-a)", symbols={"a": "real"}, relation=Relation.EQ)
    point = Point((("a", "3/4"),), "0.679", "0.679", "0", 50)
    result = _result(claim, Verdict.VERIFIED, Evidence(Method.NUMERIC, "agree", points=(point,)))
    assert plot_result(result, tmp_path / "points.svg").stat().st_size > 1000


def test_running_estimate_converges_to_the_claimed_value(tmp_path):
    claim = Claim("m2", "E((mu + eps)**2)", "mu**2 + 1", symbols={"mu": "real"}, random={"eps": "Normal(0, 1)"})
    est = (Estimate(0.0, 0.001, 10**6, 0.0, 0.5, "numpy x1", (("mu", "1/2"),)),)
    result = _result(claim, Verdict.CONSISTENT, Evidence(Method.MONTECARLO, "ok", estimates=est, seed=3))
    ns, means, halves, target, what = running_estimate(result)
    assert what == "lhs"
    assert target == pytest.approx(1.25)  # at the recorded parameter point mu = 1/2
    assert ns == sorted(ns) and ns[-1] >= 200_000
    assert abs(means[-1] - target) < 4 * halves[-1] / 1.96
    assert halves[-1] < halves[0]
    # Same seed, same stream.
    assert running_estimate(result)[1] == means
    assert plot_result(result, tmp_path / "run.png").read_bytes().startswith(PNG_MAGIC)


def test_expectation_settled_symbolically_still_plots_its_estimator(tmp_path):
    claim = Claim("sp", "E(x**2)", "1", random={"x": "Normal(0, 1)"})
    result = _result(claim, Verdict.PROVED, Evidence(Method.SYMBOLIC, "0"))
    assert plot_result(result, tmp_path / "sp.svg").exists()


def test_nonlinear_expectation_has_no_running_stream():
    claim = Claim("log", "log(E(exp(x)))", "1/2", random={"x": "Normal(0, 1)"})
    result = _result(claim, Verdict.PROVED, Evidence(Method.SYMBOLIC, "0"))
    assert running_estimate(result) is None


def test_nothing_to_plot_and_bad_suffix(tmp_path):
    claim = Claim("plain", "1", "1")
    result = _result(claim, Verdict.PROVED, Evidence(Method.SYMBOLIC, "0"))
    with pytest.raises(UsageError, match="nothing to plot for claim 'plain'"):
        plot_result(result, tmp_path / "p.png")
    with pytest.raises(UsageError, match=r"\.png or \.svg"):
        plot_result(result, tmp_path / "p.jpg")


def test_missing_matplotlib_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    claim = Claim("g", "x", "x", tags=("gda",))
    result = _result(claim, Verdict.PROVED, Evidence(Method.SYMBOLIC, "0"))
    with pytest.raises(DeriveError, match=r"derive\[plot\]"):
        plot_result(result, tmp_path / "g.png")


def test_gda_overlay_reads_the_homework_points_from_known_wrong_claims(tmp_path):
    file = tmp_path / "gda.yaml"
    file.write_text(
        """
claims:
  - id: gda.itr2
    lhs: Matrix([[1, 0.2], [-0.2, 1]])*Matrix([[1], [1]])
    rhs: Matrix([[1.2], [0.8]])
    tags: [gda]
  - id: gda.itr3_as_written
    lhs: Matrix([[1, 0.2], [-0.2, 1]])**2*Matrix([[1], [1]])
    rhs: Matrix([[1.4], [0.6]])
    expect: fails
    reason: the second step uses the gradient at (1.2, 0.8)
    tags: [gda]
""",
        encoding="utf-8",
    )
    claims, errors = load_claims([file])
    assert not errors
    result = _result(claims[1], Verdict.REFUTED, Evidence(Method.SYMBOLIC, "differs"))
    assert _written_iterates(result) == [(1.4, 0.6)]
    assert plot_result(result, tmp_path / "gda.png").read_bytes().startswith(PNG_MAGIC)


def test_a_homework_derivative_is_carried_out_before_it_is_plotted():
    # LaTeX gives an unevaluated Derivative: d/da log sigma(a) must plot as 1 - sigma(a), not NaN.
    (result,) = check_latex("$$\\frac{d}{da}\\log\\sigma(a) = \\sigma(a)$$", symbols={"a": "real"})
    assert result.verdict is Verdict.REFUTED
    lhs = prepare(result.claim).lhs
    (a,) = lhs.free_symbols
    assert lhs.has(sympy.Derivative)
    assert _evaluate(lhs, a, [0.0])[0] != _evaluate(lhs, a, [0.0])[0]  # NaN as it stands
    (value,) = _evaluate(_carry_out(lhs), a, [0.0])
    assert value == pytest.approx(0.5)  # 1 - sigma(0)


def test_a_slow_curve_stops_at_its_budget():
    x = sympy.Symbol("x")
    assert all(v != v for v in _evaluate(x**2, x, [1.0, 2.0, 3.0], budget=-1.0))  # all NaN, none evaluated
    assert _evaluate(x**2, x, [1.0, 2.0], budget=10.0) == [1.0, 4.0]


# ---------------------------------------------------------------------------------------
# The data behind a refuted step's figure (issue: sides with an expectation or a divergence).


def _interp(xs, ys, x):
    k = min(range(len(xs) - 1), key=lambda i: abs(xs[i] - x))
    t = (x - xs[k]) / (xs[k + 1] - xs[k])
    return ys[k] + t * (ys[k + 1] - ys[k])


def test_an_expectation_side_is_drawn_from_its_closed_form_and_never_fixes_the_random_variable(tmp_path):

    text = "---\nderive:\n  symbols: {p: probability}\n---\n$$\\mathbb{E}_{z\\sim \\mathrm{Bern}(p)}[z^2] = p^2$$\n"
    (result,) = check_latex(text)
    assert result.verdict is Verdict.REFUTED
    curves = side_curves(result)
    assert str(curves.var) == "p"
    assert all(str(s) != "z" for s in curves.fixed)  # the random variable is averaged over, not fixed
    assert all(0 < x < 1 for x in curves.xs)
    assert all(y == pytest.approx(x) for x, y in zip(curves.xs, curves.lhs, strict=True))  # E[z^2] = p
    assert all(y == pytest.approx(x * x) for x, y in zip(curves.xs, curves.rhs, strict=True))
    assert curves.is_counterexample and curves.anchor == pytest.approx(0.4)
    assert _interp(curves.xs, curves.difference, curves.anchor) == pytest.approx(0.24, abs=1e-3)
    assert curves.evidence_values == pytest.approx((0.4, 0.16))
    assert not curves.notes
    assert plot_result(result, tmp_path / "bern.png").stat().st_size > 1000


def test_a_divergence_side_is_drawn_and_its_difference_is_the_constant_the_proof_found(tmp_path):

    text = (
        "---\nderive:\n  symbols: {sigma: positive}\n---\n"
        "$$D_{KL}(\\mathcal{N}(0,1)\\|\\mathcal{N}(0,\\sigma^2)) = \\log\\sigma + \\frac{1}{2\\sigma^2}$$\n"
    )
    (result,) = check_latex(text)
    assert result.verdict is Verdict.REFUTED
    curves = side_curves(result)
    assert str(curves.var) == "sigma" and not curves.from_evidence
    assert all(y == y for y in curves.lhs)  # finite wherever sigma > 0
    assert all(d == pytest.approx(-0.5) for d in curves.difference)
    assert plot_result(result, tmp_path / "kl.png").stat().st_size > 1000


def test_a_side_with_no_closed_form_is_named_in_the_figure_not_drawn_as_zeros(tmp_path):

    claim = Claim("mc", "E(exp(sin(a*x)))", "a", symbols={"a": "positive"}, random={"x": "Normal(0, 1)"})
    point = Counterexample((("a", "2"),), lhs="1.2", rhs="2", difference="-0.8", digits=30)
    result = _result(claim, Verdict.REFUTED, Evidence(Method.NUMERIC, "differs", counterexample=point))
    curves = side_curves(result)
    assert all(y != y for y in curves.lhs)  # NaN: not drawn
    assert curves.notes and "lhs has no closed form or quadrature along a" in curves.notes[0]
    assert all(d != d for d in curves.difference)
    assert plot_result(result, tmp_path / "mc.png").stat().st_size > 1000
