"""Papercuts a new user hit (issue 17): labels and messages that must not contradict the file."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest

from derive import check_latex, cli
from derive.model import Claim, Evidence, Method, Outcome, Point, Result, Verdict
from derive.reporting._text import _evidence_lines, shorten_numbers
from derive.reporting.report import make_console, print_table


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # one table row per line, so a row can be found by its text


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main([*argv, "--no-cache"])
    out, err = capsys.readouterr()
    return code, out, err


def _row(out: str, needle: str) -> str:
    return next(line for line in out.splitlines() if needle in line)


def test_expect_fails_without_reason_is_a_load_error_with_its_line_not_an_expectation(tmp_path, capsys):
    path = tmp_path / "c.yaml"
    path.write_text(
        "claims:\n"
        "  - id: sq.ok\n    lhs: x**2\n    rhs: x*x\n"
        "  - id: sq.wrong\n    lhs: x**2\n    rhs: x*x + 1\n    expect: fails\n",
        encoding="utf-8",
    )
    code, out, _ = _run(capsys, "check", str(path))
    assert code == 1
    row = _row(out, "sq.wrong")
    assert "error (not loaded)" in row
    assert "expected holds" not in row and "expected fails" not in row
    assert "line 5: a claim with `expect: fails` needs a `reason:`" in row


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file: a claim file is a mapping with a top-level `claims:` list"),
        ("# only a comment\n", "empty file: a claim file is a mapping with a top-level `claims:` list"),
        ("foo: 1\n", "a claim file is a mapping with a top-level `claims:` list"),
    ],
)
def test_file_level_problems_say_what_is_wrong_without_an_expectation(tmp_path, capsys, text, message):
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = _run(capsys, "check", str(path))
    assert code == 2
    row = _row(out, "f.yaml")
    assert "error (not loaded)" in row
    assert "(expected" not in out
    assert message in row and message in err
    if text != "foo: 1\n":
        assert "empty file" in row


def test_junit_of_a_claim_that_did_not_load_names_no_expectation(tmp_path, capsys):
    path = tmp_path / "c.yaml"
    path.write_text("claims:\n  - id: a.b\n    lhs: x\n    rhs: x\n    expect: fails\n", encoding="utf-8")
    _, out, _ = _run(capsys, "check", str(path), "--format", "junit")
    failure = next(el for el in ET.fromstring(out).iter() if el.tag in {"error", "failure"})
    assert not failure.get("message", "").startswith("expected")
    assert "needs a `reason:`" in failure.get("message", "")


def test_strict_fails_on_undecided_and_error_steps_while_the_default_fails_only_on_refuted(tmp_path, capsys):
    path = tmp_path / "h.md"
    path.write_text("$$x = y$$\n\n$$a^2 = a \\cdot a$$\n", encoding="utf-8")  # x = y: a relation between free names
    code, out, _ = _run(capsys, "latex", str(path))
    assert code == 0
    assert "1 undecided" in out and "1 proved" in out
    code, _, _ = _run(capsys, "latex", str(path), "--strict")
    assert code == 1
    path.write_text("$$a^2 = a \\cdot a$$\n", encoding="utf-8")
    assert _run(capsys, "latex", str(path), "--strict")[0] == 0


def test_a_file_with_only_inline_math_says_that_inline_checks_it(tmp_path, capsys):
    path = tmp_path / "h.md"
    path.write_text("We have $x^2 = x \\cdot x$ and $(a+b)^2 = a^2+b^2$.\n", encoding="utf-8")
    code, out, err = _run(capsys, "latex", str(path))
    assert code == 0
    assert "0 steps" in out
    assert "no step in display math; its inline math ($...$) is checked only with --inline" in err
    code, out, err = _run(capsys, "latex", str(path), "--inline")
    assert "2 steps: 1 proved, 1 refuted" in out
    assert "--inline" not in err


def test_points_in_the_evidence_read_as_text_and_long_numbers_are_cut_in_tables_only():
    pi = "3.14159265358979323846264338327950288419716939937510"
    point = Point((("x", pi),), lhs="1", rhs="1", difference="0", digits=60)
    evidence = Evidence(Method.NUMERIC, f"agrees at x = {pi}", points=(point,))
    outcome = Outcome(Verdict.VERIFIED, evidence)
    result = Result(Claim(id="c", lhs="1", rhs="1"), Verdict.VERIFIED, Method.NUMERIC, 0.1, (outcome,))
    lines = _evidence_lines(result)
    assert f"  point 1: at x = {pi}: lhs = 1, rhs = 1, lhs - rhs = 0 (60 digits)" in lines
    assert not any("Point(" in line for line in lines)
    assert shorten_numbers(f"x = {pi}") == "x = 3.14159265358979…(52 chars)"
    short = "x = 1.5, y = 2/3, id abc123456789012345678901234"
    assert shorten_numbers(short) == short

    buffer = io.StringIO()
    print_table([result], make_console(file=buffer, width=200))
    assert "3.14159265358979…(52 chars)" in buffer.getvalue()
    assert pi not in buffer.getvalue()
    assert pi in result.detail  # the JSON report's detail keeps the value whole


def test_an_undecided_condition_shows_only_its_reason_not_a_counterexample():
    # issue 17: "differs at w = -5/2 ... (confirmed at 100 digits)" read like a refutation
    first, *rest = check_latex(r"$$2w - 3 = 5 \implies 2w = 8 \implies w = 4$$")
    assert first.verdict is Verdict.UNDECIDED
    assert first.detail == "a condition (equation to solve), not an identity"
    assert "differs at" not in first.detail and "confirmed" not in first.detail
    assert [r.verdict for r in rest] == [Verdict.PROVED, Verdict.PROVED]
