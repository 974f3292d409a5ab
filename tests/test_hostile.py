"""Hostile but valid inputs end within their budget, and the run goes on.

Each hostile claim runs through the real engine in worker processes with short budgets
(3 s, a 700 MB cap). A claim may end decided, but only with the verdict that is true (the
text says which); otherwise it must be ``undecided`` with a reason (timeout, memory, ...)
or ``error`` with a message. It must never hang the run, crash it, or be called correct
when it is not. A plain claim after each hostile one gets its normal verdict.

The whole module runs in well under two minutes on two cores (see /tmp/readme or the
README's robustness section for the measured figures).
"""

from __future__ import annotations

import json
import pickle
import sqlite3
import time
from pathlib import Path

import pytest
import sympy

import derive
from derive.cache import ResultCache
from derive.language.loading import load_claims
from derive.model import Claim, Result, Settings, Verdict
from derive.runner import run_claims

BUDGET = Settings(timeout=3.0, memory_mb=700)
HOLDS = {Verdict.PROVED, Verdict.VERIFIED, Verdict.UNDECIDED, Verdict.ERROR}
FAILS = {Verdict.REFUTED, Verdict.UNDECIDED, Verdict.ERROR}
NOT_DECIDED = {Verdict.UNDECIDED, Verdict.ERROR}


def _hostile() -> list[tuple[Claim, set[Verdict]]]:
    nested = "(" * 10_000 + "x" + ")" * 10_000
    megabyte = " + ".join(f"x**{i % 7}" for i in range(150_000))  # about 1 MB of text
    assert len(megabyte) > 1_000_000
    n = 500
    entries = sympy.symbols(f"m0:{n * n}")
    matrix = sympy.ImmutableMatrix(n, n, entries)
    return [
        (Claim(id="tower.ten", lhs="10**10**10", rhs="10**10**10 + 1"), FAILS),
        (Claim(id="tower.two", lhs="2**2**2**2**2**2", rhs="2**2**2**2**2**2 + 1"), FAILS),
        (Claim(id="nested.parens", lhs=nested, rhs="x"), HOLDS),
        (Claim(id="one.megabyte", lhs=megabyte, rhs="x"), FAILS),
        (
            Claim(id="integral.hard", lhs="integrate(exp(-x**2)*log(1 + x**4)*sin(x**3), (x, 0, oo))", rhs="0"),
            FAILS,  # the integrand is positive on (0, 1.4) and damped beyond: the integral is not 0
        ),
        (Claim(id="sum.trillion", lhs="Sum(1/n**2, (n, 1, 10**12))", rhs="pi**2/6"), FAILS),
        (Claim(id="factorial.billion", lhs="factorial(10**9)", rhs="factorial(10**9) + 1"), FAILS),
        (Claim(id="det.500", lhs=sympy.Determinant(matrix), rhs=sympy.Determinant(matrix.T)), HOLDS),
        (Claim(id="det.12", lhs="det(A)", rhs="det(transpose(A))", symbols={"A": "matrix 12x12"}), HOLDS),
        # An exact integer of 2**33 bits is a gigabyte: beyond the 700 MB cap.
        (Claim(id="memory.bomb", lhs="floor(2**(2**33)/3)", rhs="5"), FAILS),
        (Claim(id="product.bomb", lhs="Product(1 + x**k, (k, 1, 3000))", rhs="0"), FAILS),
    ]


def _plain(i: int) -> Claim:
    return Claim(id=f"plain.{i}", lhs=f"(a + {i})**2", rhs=f"a**2 + {2 * i}*a + {i * i}")


def test_hostile_claims_end_within_budget_and_the_run_continues() -> None:
    cases = _hostile()
    claims: list[Claim] = []
    for i, (claim, _) in enumerate(cases):
        claims += [claim, _plain(i)]
    start = time.monotonic()
    results = run_claims(claims, BUDGET, jobs=2)
    elapsed = time.monotonic() - start
    assert [r.claim.id for r in results] == [c.id for c in claims]
    by_id: dict[str, Result] = {r.claim.id: r for r in results}
    for claim, allowed in cases:
        result = by_id[claim.id]
        assert result.verdict in allowed, (claim.id, result.verdict, result.detail)
        if result.verdict in NOT_DECIDED:
            assert result.detail, claim.id  # a reason or a message, never silence
        if result.verdict is Verdict.UNDECIDED and result.method.value == "budget":
            assert result.evidence is not None
            assert result.evidence.reason in ("timeout", "memory"), (claim.id, result.detail)
    for i in range(len(cases)):
        assert by_id[f"plain.{i}"].verdict is Verdict.PROVED, by_id[f"plain.{i}"].detail
    # Every claim is bounded by its budget (plus start-up and the pickling of the 500x500 matrix).
    assert elapsed < len(cases) * (BUDGET.timeout + 2), elapsed


def test_the_memory_bomb_is_stopped_by_the_cap_not_the_machine() -> None:
    # floor(2**(2**33)/3) is an integer of a gigabyte: evaluating it exactly needs more than the cap.
    bomb = Claim(id="memory.bomb", lhs="floor(2**(2**33)/3)", rhs="5")
    (result,) = run_claims([bomb, _plain(0)], Settings(timeout=20, memory_mb=500), jobs=1)[:1]
    assert result.verdict in FAILS
    if result.verdict in NOT_DECIDED:
        assert "memory" in result.detail.lower(), result.detail


def test_a_tower_of_ten_powers_is_refuted_not_an_internal_error() -> None:
    # 2**2**...**2 with ten levels: every level above 2**65536 stands over a HugePower, and
    # sympy's evaluated Pow computed the exponent's digits (internal error: OverflowError).
    tower = "**".join(["2"] * 10)
    claims = [
        Claim(id="tower.10", lhs=tower, rhs=f"{tower} + 1"),
        Claim(id="tower.20", lhs="**".join(["2"] * 20), rhs="0"),
    ]
    equal, zero = run_claims(claims, BUDGET, jobs=1)
    assert equal.verdict is Verdict.REFUTED, equal.detail
    assert equal.evidence is not None and equal.evidence.difference == "-1"
    # No tier can evaluate twenty levels: undecided with each tier's reason, never an error.
    assert zero.verdict in {Verdict.REFUTED, Verdict.UNDECIDED}, zero.detail
    assert zero.detail


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        ("exp(10**-300)", "1"),  # differs from 1 in the 300th digit
        ("2**(2**33) - 2**(2**33 - 1)", "2**(2**33 - 1) + 1"),  # differs by exactly 1, relative 2**-(2**33)
    ],
)
def test_differences_below_any_working_precision_are_never_accepted(lhs: str, rhs: str) -> None:
    (result,) = run_claims([Claim(id="near.miss", lhs=lhs, rhs=rhs)], Settings(timeout=20), jobs=1)
    assert result.verdict in FAILS, result.detail


def test_ten_thousand_claims_load_run_and_come_back_from_the_cache(tmp_path: Path) -> None:
    lines = ["claims:"]
    for i in range(10_000):
        wrong = i % 1000 == 7  # ten known-wrong steps among them
        lines += [f"  - id: bulk.c{i}", f"    lhs: x + {i}", f"    rhs: {i + wrong} + x"]
        if wrong:
            lines += ["    expect: fails", "    reason: off by one"]
    path = tmp_path / "bulk.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    claims, errors = load_claims([path])
    assert errors == []
    assert len(claims) == 10_000
    with ResultCache(tmp_path / "cache") as cache:
        first = run_claims(claims, Settings(timeout=5), jobs=2, cache=cache)
        assert all(r.ok for r in first), [r.claim.id for r in first if not r.ok][:5]
        assert sum(r.verdict is Verdict.REFUTED for r in first) == 10
        second = run_claims(claims, Settings(timeout=5), jobs=2, cache=cache)
        assert cache.hits == 10_000
    assert [r.verdict for r in second] == [r.verdict for r in first]


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('touch /tmp/derive_pwned')",
        "x.__class__.__bases__[0].__subclasses__()",
        "(lambda: 1)()",
        "[c for c in ().__class__.__base__.__subclasses__()]",
        "x" * 100_000,
    ],
)
def test_injection_attempts_are_errors_without_side_effects(text: str) -> None:
    (result,) = run_claims([Claim(id="inject", lhs=text, rhs="1")], BUDGET, jobs=1)
    assert result.verdict in NOT_DECIDED | {Verdict.REFUTED}
    assert result.verdict is not Verdict.UNDECIDED or result.detail
    assert not Path("/tmp/derive_pwned").exists()


class _Exploit:
    """A pickle that runs a shell command when loaded: what a crafted cache row used to do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple:
        import os  # noqa: PLC0415

        return (os.system, (f"touch {self.marker}",))


def test_a_planted_cache_row_never_runs_code_in_derive_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Issue 18: anyone who can write a shared DERIVE_CACHE_DIR used to own the next `derive check`.
    from derive import cli  # noqa: PLC0415

    monkeypatch.setenv("DERIVE_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "claims.yaml"
    path.write_text(
        "claims:\n  - {id: ok, lhs: (a + 1)**2, rhs: a**2 + 2*a + 1}\n"
        "  - {id: wrong, lhs: (a + 1)**2, rhs: a**2 + 1, expect: fails, reason: cross term}\n",
        encoding="utf-8",
    )
    assert cli.main(["check", str(path), "--quiet"]) == 0
    marker = tmp_path / "owned"
    claims, _ = load_claims([path])
    with ResultCache() as cache:
        keys = [cache.key(c, Settings()) for c in claims]
        cache.close()
        with sqlite3.connect(cache.path) as conn:
            for key in keys:
                conn.execute("UPDATE results SET value = ? WHERE key = ?", (pickle.dumps(_Exploit(marker)), key))
    capsys.readouterr()
    assert cli.main(["check", str(path), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert not marker.exists()
    assert [c["verdict"] for c in json.loads(out)["claims"]] == ["proved", "refuted"]
    assert err.count("dropped 2 unreadable cache row(s)") == 1
    assert cli.main(["check", str(path), "--quiet"]) == 0  # recomputed and stored as JSON again
    assert "dropped" not in capsys.readouterr().err


def test_a_hundred_thousand_digit_literal_names_derives_limit_not_pythons() -> None:
    result = derive.check(("1" * 50_000) + " == 1")
    assert result.verdict is derive.Verdict.ERROR
    assert "digits" in result.detail and "10**100000" in result.detail
    assert "set_int_max_str_digits" not in result.detail
