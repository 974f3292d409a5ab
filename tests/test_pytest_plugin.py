"""The pytest plugin: YAML claim files collected and run as test items (through `pytester`)."""

from __future__ import annotations

import importlib

import pytest

# pytester's in-process runs remove the modules first imported inside them, and PyYAML's C
# loader cannot be imported twice in one process: import derive's pipeline here, once.
import derive.engine
import derive.language.loading
import derive.reporting.report  # noqa: F401

pytest_plugins = ("pytester",)

# pytester's in-process runs drop the modules first imported inside them, and compiled
# extensions the engine uses (PyYAML's C loader, numpy) cannot be loaded twice in one
# process: import the whole pipeline here, once, so that the inner runs reuse it.
for _module in (
    "language.loading",
    "engine",
    "language.parsing",
    "tiers.symbolic",
    "tiers.numeric",
    "montecarlo.tier",
    "reporting.report",
    "cache",
    "runner",
):
    importlib.import_module(f"derive.{_module}")

CLAIMS = """
# A small claim file: two that hold, one known-wrong step, one wrong step, one unreadable expression.
claims:
  - id: sigmoid.grad
    symbols: {a: real}
    lhs: diff(sigmoid(a), a)
    rhs: sigmoid(a)*(1 - sigmoid(a))
    tags: [sigmoid]
  - id: square.expand
    symbols: {x: real, y: real}
    lhs: (x + y)**2
    rhs: x**2 + 2*x*y + y**2
  - id: square.known_wrong
    symbols: {x: real}
    lhs: (x + 1)**2
    rhs: x**2 + 1
    expect: fails
    reason: the cross term 2x is missing
    tags: [textbook]
  - id: square.wrong
    symbols: {x: real}
    lhs: (x + 1)**2
    rhs: x**2 + 1
  - id: hostile.import
    lhs: __import__('os')
    rhs: "1"
"""


@pytest.fixture
def claims(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".yaml", algebra=CLAIMS)
    # YAML that is not a claim file must be left alone.
    pytester.makefile(".yaml", config="name: not a claim file\nitems: [1, 2]\n")
    pytester.makefile(".yml", notes="# claims: only mentioned in a comment\nvalue: 3\n")
    return pytester


def test_collects_one_item_per_claim_by_id(claims):
    result = claims.runpytest("--collect-only", "-q")
    out = result.stdout.str()
    for cid in ("sigmoid.grad", "square.expand", "square.known_wrong", "square.wrong", "hostile.import"):
        assert f"algebra.yaml::{cid}" in out
    assert "config.yaml" not in out
    assert "notes.yml" not in out
    assert "5 tests collected" in out


def test_outcomes_and_failure_text(claims):
    result = claims.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=2)
    out = result.stdout.str()
    # The wrong step fails with its verdict, method and counterexample, not a traceback.
    assert "claim square.wrong (" in out
    assert "expected holds, got refuted (" in out
    assert "counterexample: at x = " in out
    assert "Traceback" not in out
    # The hostile expression is an error verdict, and nothing was executed.
    assert "expected holds, got error (parse" in out
    # The failure header is the label from reportinfo.
    assert "_ claim square.wrong _" in out


def test_keyword_selection_by_id_and_tag(claims):
    claims.runpytest("-k", "square and not wrong").assert_outcomes(passed=1, deselected=4)
    claims.runpytest("-k", "sigmoid").assert_outcomes(passed=1, deselected=4)
    claims.runpytest("-k", "textbook").assert_outcomes(passed=1, deselected=4)


def test_exitfirst_stops_after_first_failure(claims):
    result = claims.runpytest("-x", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1)


def test_last_failed_reruns_only_failures(claims):
    claims.runpytest().assert_outcomes(passed=3, failed=2)
    result = claims.runpytest("--lf")
    result.assert_outcomes(failed=2)
    assert "run-last-failure: rerun previous 2 failures" in result.stdout.str()


def test_broken_claim_fails_alone(pytester):
    pytester.makefile(
        ".yaml",
        broken="""
claims:
  - id: ok.one
    lhs: 2 + 2
    rhs: "4"
  - id: missing.rhs
    lhs: x
""",
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    assert "claim missing.rhs could not be read" in result.stdout.str()


def test_unreadable_yaml_is_a_collection_error(pytester):
    pytester.makefile(".yaml", bad="claims:\n  - id: a\n    lhs: [unclosed\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    assert "bad.yaml" in result.stdout.str()
    assert "Traceback" not in result.stdout.str()


def test_duplicate_ids_break_the_file(pytester):
    pytester.makefile(".yaml", dup="claims:\n  - {id: a, lhs: '1', rhs: '1'}\n  - {id: a, lhs: '2', rhs: '2'}\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    assert "duplicate" in result.stdout.str().lower()


def test_options_and_plugin_can_be_disabled(claims, monkeypatch, tmp_path):
    claims.runpytest("--derive-seed", "3", "-k", "expand").assert_outcomes(passed=1, deselected=4)
    # Through derive's result cache: the second run reads what the first stored.
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(tmp_path / "cache"))
    for _ in range(2):
        claims.runpytest("--derive-cache", "-k", "square", "-p", "no:cacheprovider").assert_outcomes(
            passed=2, failed=1, deselected=2
        )
    assert (tmp_path / "cache").is_dir()
    # In a worker process under the time budget: same outcomes.
    result = claims.runpytest("--derive-isolated", "--derive-timeout", "20", "-k", "square", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1, deselected=2)
    result = claims.runpytest("-p", "no:derive", "--collect-only", "-q")
    assert "algebra.yaml" not in result.stdout.str()


def test_runs_under_xdist(claims):
    pytest.importorskip("xdist")
    result = claims.runpytest("-p", "xdist", "-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=2)


MODULE = '''
"""Claims built in code, as claims/*.py are."""
from derive import Claim

CLAIMS = [
    Claim(id="module.square", lhs="(x + 1)**2", rhs="x**2 + 2*x + 1", symbols={"x": "real"}),
    Claim(id="module.wrong", lhs="(x + 1)**2", rhs="x**2 + 1", symbols={"x": "real"}),
]
'''


def test_python_claim_modules_are_collected_like_derive_check_reads_them(pytester):
    # `pytest claims/` and `derive check claims/` must agree on the library.
    pytester.makepyfile(algebra_claims=MODULE)
    # A test module that happens to name CLAIMS is pytest's, and a module without derive is not ours.
    pytester.makepyfile(test_other="from derive import Claim\nCLAIMS = []\n\ndef test_nothing():\n    pass\n")
    pytester.makepyfile(helper="CLAIMS = [1, 2]\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "algebra_claims.py", "test_other.py", "helper.py")
    result.assert_outcomes(passed=2, failed=1)
    out = result.stdout.str()
    assert "claim module.wrong (" in out
    assert "expected holds, got refuted (" in out
