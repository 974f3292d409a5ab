"""Tests for the ``derive`` command: exit codes, output shapes, selection, Ctrl-C."""

from __future__ import annotations

import codecs
import contextlib
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import derive.latex
from derive import cli
from derive.model import Claim, Method, Result, Verdict
from derive.reporting.report import load_schema

GOOD = """\
claims:
  - id: sigmoid.grad
    lhs: diff(log(1 - sigmoid(a)), a)
    rhs: -sigmoid(a)
    tags: [gan, sigmoid]
  - id: algebra.square
    lhs: (a + b)**2
    rhs: a**2 + 2*a*b + b**2
    tags: [algebra]
  - id: algebra.wrong_square
    lhs: (a + b)**2
    rhs: a**2 + b**2
    expect: fails
    reason: the cross term 2ab is missing
    tags: [algebra]
"""

WRONG = """\
claims:
  - id: wrong.expected_to_hold
    lhs: exp(pi*sqrt(163))
    rhs: 640320**3 + 744
"""


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("NO_COLOR", raising=False)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_all_as_expected_exits_0_with_the_json_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "good.yaml", GOOD)
    code, out, _ = _run(capsys, "check", str(path), "--format", "json", "--jobs", "2")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"claims", "summary"}
    assert [c["id"] for c in data["claims"]] == ["sigmoid.grad", "algebra.square", "algebra.wrong_square"]
    for entry in data["claims"]:
        assert {"id", "file", "verdict", "expect", "ok", "method", "seconds", "detail"} <= set(entry)
        assert entry["file"] == str(path)
        assert entry["ok"] is True
    assert data["claims"][2]["verdict"] == "refuted"
    assert data["claims"][2]["expect"] == "fails"
    summary = data["summary"]
    assert (summary["total"], summary["ok"], summary["failed"], summary["refuted"]) == (3, 3, 0, 1)


def test_a_claim_that_does_not_hold_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "wrong.yaml", WRONG)
    code, out, _ = _run(capsys, "check", str(path))
    assert code == 1
    assert "wrong.expected_to_hold" in out
    assert "refuted" in out


def test_missing_path_is_a_one_line_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "check", str(tmp_path / "nope"))
    assert code == 2
    assert out == ""
    assert err.strip().count("\n") == 0
    assert "no such file or folder" in err
    assert "Traceback" not in err


def test_a_folder_without_claims_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    code, _, err = _run(capsys, "check", str(tmp_path / "empty"))
    assert code == 2
    assert "no claims found" in err


def test_an_unreadable_file_exits_2_but_the_rest_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, "a_good.yaml", GOOD)
    _write(tmp_path, "b_bad.yaml", "claims: [unclosed\n  - id: x\n")
    code, out, err = _run(capsys, "check", str(tmp_path), "--format", "json")
    assert code == 2
    data = json.loads(out)
    assert [c["verdict"] for c in data["claims"]][:3] == ["proved", "proved", "refuted"]
    assert data["claims"][-1]["verdict"] == "error"
    assert "b_bad.yaml" in err


def test_a_malformed_claim_in_a_readable_file_is_an_error_row_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = GOOD + "  - id: typo.key\n    lhs: a\n    rhs: a\n    expcet: holds\n"
    path = _write(tmp_path, "typo.yaml", text)
    code, out, _ = _run(capsys, "check", str(path), "--format", "json")
    assert code == 1
    rows = {c["id"]: c for c in json.loads(out)["claims"]}
    assert rows["typo.key"]["verdict"] == "error"
    assert "expcet" in rows["typo.key"]["detail"]
    assert rows["sigmoid.grad"]["ok"] is True


def test_k_selects_by_id_and_tag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "good.yaml", GOOD)
    code, out, _ = _run(capsys, "check", str(path), "-k", "algebra and not wrong", "--format", "json")
    assert code == 0
    assert [c["id"] for c in json.loads(out)["claims"]] == ["algebra.square"]
    code, out, _ = _run(capsys, "check", str(path), "-k", "gan or wrong_square", "--format", "json")
    assert [c["id"] for c in json.loads(out)["claims"]] == ["sigmoid.grad", "algebra.wrong_square"]


@pytest.mark.parametrize("expression", ["gan and", "(gan", "and gan", "gan )", ""])
def test_a_bad_k_expression_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], expression: str) -> None:
    path = _write(tmp_path, "good.yaml", GOOD)
    code, _, err = _run(capsys, "check", str(path), "-k", expression)
    assert code == 2
    assert "-k" in err


def test_k_that_selects_nothing_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "good.yaml", GOOD)
    code, _, err = _run(capsys, "check", str(path), "-k", "nothing_like_this")
    assert code == 2
    assert "no claims match" in err


def test_select_follows_boolean_precedence() -> None:
    claim = Claim(id="gan.d_star", lhs="1", rhs="1", tags=("gan", "js"))
    assert cli.select("GAN")(claim)
    assert cli.select("js and d_star")(claim)
    assert not cli.select("not gan")(claim)
    assert cli.select("vae or gan and js")(claim)
    assert not cli.select("(vae or gan) and not js")(claim)


def test_junit_output_parses_as_xml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "good.yaml", GOOD)
    code, out, _ = _run(capsys, "check", str(path), "--format", "junit")
    assert code == 0
    root = ET.fromstring(out)
    cases = root.iter("testcase")
    assert sorted(c.get("name") for c in cases) == sorted(["sigmoid.grad", "algebra.square", "algebra.wrong_square"])


def test_markdown_and_table_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "good.yaml", GOOD)
    code, out, _ = _run(capsys, "check", str(path), "--format", "markdown")
    assert code == 0
    assert "algebra.wrong_square" in out
    code, out, _ = _run(capsys, "check", str(path), "--show-evidence")
    assert "lhs - rhs" in out
    assert "\x1b[" not in out  # no colour when not a TTY
    code, out, _ = _run(capsys, "check", str(path), "--quiet")
    assert "sigmoid.grad" not in out
    assert "2 proved" in out


def test_order_is_identical_for_jobs_1_and_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = ["claims:"]
    for i in range(8):
        lines += [f"  - id: c{i}", f"    lhs: (x + {i})**2", f"    rhs: x**2 + {2 * i}*x + {i * i + (i % 3 == 0)}"]
    path = _write(tmp_path, "many.yaml", "\n".join(lines) + "\n")

    def rows(jobs: str) -> list[tuple[str, str]]:
        _, out, _ = _run(capsys, "check", str(path), "--format", "json", "--jobs", jobs, "--no-cache")
        return [(c["id"], c["verdict"]) for c in json.loads(out)["claims"]]

    one, two = rows("1"), rows("2")
    assert one == two
    assert [v for _, v in one].count("refuted") == 3


def test_no_python_refuses_named_modules_and_skips_them_in_folders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, "good.yaml", GOOD)
    module = _write(tmp_path, "mod.py", "import os\nos.environ['DERIVE_RAN'] = '1'\nCLAIMS = []\n")
    code, _, err = _run(capsys, "check", str(module), "--no-python")
    assert code == 2
    assert "--no-python" in err
    code, out, err = _run(capsys, "check", str(tmp_path), "--no-python", "--format", "json")
    assert code == 0
    assert len(json.loads(out)["claims"]) == 3
    assert "skipped 1 Python claim module" in err
    assert "DERIVE_RAN" not in os.environ


def test_unknown_format_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "good.yaml", GOOD)
    with pytest.raises(SystemExit) as info:
        cli.main(["check", str(path), "--format", "yaml"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


class _FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_shows_on_a_terminal_once_a_run_passes_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    result = Result(Claim(id="c.one", lhs="1", rhs="1"), Verdict.PROVED, Method.SYMBOLIC, 0.0)
    err = _FakeTTY()
    monkeypatch.setattr(sys, "stderr", err)
    bar = cli._ProgressBar(True, "checking")
    bar(1, 3, result)
    assert err.getvalue() == ""  # a run shorter than a second shows nothing
    bar.start -= 2
    bar(2, 3, result)
    bar.close()
    assert "checking" in err.getvalue()
    assert "2/3" in err.getvalue()
    assert "c.one" in err.getvalue()
    for enabled, stream in ((False, _FakeTTY()), (True, io.StringIO())):  # --quiet; not a terminal
        monkeypatch.setattr(sys, "stderr", stream)
        quiet = cli._ProgressBar(enabled, "checking")
        quiet.start -= 2
        quiet(2, 3, result)
        quiet.close()
        assert stream.getvalue() == ""


def test_every_option_of_every_command_is_documented_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    parser = cli.build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert set(commands) == set(cli._COMMANDS)
    for name, sub in [("derive", parser), *commands.items()]:
        for action in sub._actions:
            if action.dest in ("help", "command"):
                continue
            assert action.help, f"{name}: {action.option_strings or action.dest} has no help text"
        with pytest.raises(SystemExit):
            sub.parse_args(["--help"])
        text = capsys.readouterr().out
        for action in sub._actions:
            for flag in action.option_strings:
                assert flag in text, f"{name} --help does not show {flag}"
        if name != "cache":
            assert "exit status:" in text
            assert "NO_COLOR" in text


def test_an_internal_error_exits_3_with_a_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(args: object) -> int:
        msg = "simulated bug"
        raise RuntimeError(msg)

    monkeypatch.setitem(cli._COMMANDS, "check", broken)
    code, _, err = _run(capsys, "check")
    assert code == 3
    assert "internal error: RuntimeError: simulated bug" in err
    assert "Traceback" not in err


def test_html_report_is_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "good.yaml", GOOD)
    code, _, _ = _run(capsys, "check", str(path), "--html", str(tmp_path / "report.html"), "--quiet")
    assert code == 0
    assert "sigmoid.grad" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_the_second_run_is_served_from_the_cache(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "good.yaml", GOOD)
    _run(capsys, "check", str(path), "--verbose", "--quiet")
    code, _, err = _run(capsys, "check", str(path), "--verbose", "--quiet")
    assert code == 0
    assert "cache: 3 hits, 0 misses" in err
    code, _, err = _run(capsys, "check", str(path), "--verbose", "--quiet", "--no-cache")
    assert "cache:" not in err


# ---------------------------------------------------------------------------------------
# derive latex


HOMEWORK = """\
---
derive:
  symbols: {a: real}
---
The gradient:

$$\\frac{d}{da} \\log(1 - \\sigma(a)) = -\\sigma(a)$$

A wrong expansion:

$$(a + 1)^2 = a^2 + 1$$
"""


def test_latex_json_shape_and_exit_1_on_a_refuted_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "hw.md", HOMEWORK)
    code, out, _ = _run(capsys, "latex", str(path), "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["file"] == str(path)
    assert set(data["summary"]) == {"proved", "verified", "consistent", "refuted", "undecided", "error"}
    keys = {"block", "index", "line", "lhs", "rhs", "relation", "verdict", "method", "detail"}
    assert all(keys <= set(step) for step in data["steps"])
    assert [s["block"] for s in data["steps"]] == [1, 2]
    assert data["steps"][1]["verdict"] == "refuted"
    assert data["steps"][0]["verdict"] in ("proved", "verified")


def test_latex_several_files_give_a_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one = _write(tmp_path, "one.md", "$$x + x = 2x$$\n")
    two = _write(tmp_path, "two.md", "$$x \\cdot x = x^2$$\n")
    code, out, _ = _run(capsys, "latex", str(one), str(two), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [d["file"] for d in data] == [str(one), str(two)]


def test_json_of_real_runs_validates_against_the_shipped_schemas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    claims = _write(tmp_path, "good.yaml", GOOD)
    broken = _write(tmp_path, "broken.yaml", "claims:\n  - id: broken.one\n    lhs: __import__('os')\n    rhs: 1\n")
    _, out, _ = _run(capsys, "check", str(claims), str(broken), "--format", "json")
    jsonschema.validate(json.loads(out), load_schema("check"))
    hw = _write(tmp_path, "hw.md", HOMEWORK + "\n$$\\foo{x} = 1$$\n")
    _, out, _ = _run(capsys, "latex", str(hw), "--format", "json")
    one = json.loads(out)
    jsonschema.validate(one, load_schema("latex"))
    assert [s["verdict"] for s in one["steps"]][-1] == "error"
    two = _write(tmp_path, "two.md", "$$x + x = 2x$$\n")
    _, out, _ = _run(capsys, "latex", str(hw), str(two), "--format", "json")
    jsonschema.validate(json.loads(out), load_schema("latex"))


def test_latex_junit_has_one_testcase_per_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "hw.md", HOMEWORK)
    code, out, _ = _run(capsys, "latex", str(path), "--format", "junit")
    assert code == 1
    root = ET.fromstring(out)
    cases = list(root.iter("testcase"))
    assert [c.get("name") for c in cases] == ["block 1 step 1", "block 2 step 1"]
    assert cases[0].find("failure") is None
    assert "refuted" in cases[1].find("failure").get("message")
    assert root.get("tests") == "2"
    assert root.get("failures") == "1"


def test_latex_unreadable_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "latex", str(tmp_path / "missing.md"))
    assert code == 2
    assert "no such file" in err
    hw = _write(tmp_path, "hw.md", "$$a = a$$\n")
    bad = _write(tmp_path, "symbols.yaml", "derive:\n  symbols: {a: wobbly}\n")
    code, _, err = _run(capsys, "latex", str(hw), "--symbols", str(bad))
    assert code == 2
    assert "wobbly" in err
    code, _, err = _run(capsys, "latex", str(hw), "--symbols", str(tmp_path / "absent.yaml"))
    assert code == 2


# ---------------------------------------------------------------------------------------
# derive index / plot


def test_index_check_detects_a_stale_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    _write(folder, "good.yaml", GOOD)
    out = folder / "README.md"
    code, _, _ = _run(capsys, "index", str(folder), "-o", str(out))
    assert code == 0
    assert "sigmoid.grad" in out.read_text(encoding="utf-8")
    code, _, _ = _run(capsys, "index", str(folder), "-o", str(out), "--check")
    assert code == 0
    out.write_text(out.read_text(encoding="utf-8") + "edited by hand\n", encoding="utf-8")
    code, _, err = _run(capsys, "index", str(folder), "-o", str(out), "--check")
    assert code == 1
    assert "out of date" in err


def test_plot_unknown_claim_suggests_close_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "good.yaml", GOOD)
    code, _, err = _run(capsys, "plot", "algebra.wrong_sqare", str(path), "-o", str(tmp_path / "p.png"))
    assert code == 2
    assert "algebra.wrong_square" in err


def test_plot_writes_a_file_for_a_refuted_claim(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    path = _write(tmp_path, "good.yaml", GOOD)
    code, _, _ = _run(capsys, "plot", "algebra.wrong_square", str(path), "-o", str(tmp_path / "p.png"))
    assert code == 0
    assert (tmp_path / "p.png").stat().st_size > 0


# ---------------------------------------------------------------------------------------
# Ctrl-C


SLOW = """\
claims:
  - id: quick.one
    lhs: x + 1
    rhs: 1 + x
  - id: slow.one
    lhs: x + 2
    rhs: 2 + x
    timeout: 120
"""

# The child runs the real CLI with an engine that sleeps on claims whose id starts with "slow".
CHILD = """
import faulthandler, signal, sys, time
faulthandler.register(signal.SIGUSR1, all_threads=True)
# Ctrl-C as a terminal's foreground job gets it: a test run started in the background of a script
# (`cmd &`, nohup, some CI runners) passes SIGINT on ignored, and Python then installs no handler for it
signal.signal(signal.SIGINT, signal.default_int_handler)
import derive.engine
real = derive.engine.check_claim
def check_claim(claim, settings=None):
    if claim.id.startswith("slow"):
        time.sleep(600)
    return real(claim, settings)
derive.engine.check_claim = check_claim
from derive.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def test_ctrl_c_prints_what_finished_and_exits_130(tmp_path: Path) -> None:
    path = _write(tmp_path, "slow.yaml", SLOW)
    cache_dir = tmp_path / "cache"
    env = dict(os.environ, DERIVE_CACHE_DIR=str(cache_dir))
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, "check", str(path), "--jobs", "1", "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # its own process group, as a shell gives a foreground job
    )
    try:
        # The quick claim's result lands in the cache: then the slow one is running.
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if _cached_rows(cache_dir / "results.sqlite3") >= 1:
                break
            time.sleep(0.2)
        else:
            pytest.fail("the quick claim never finished")
        time.sleep(0.5)
        os.killpg(proc.pid, signal.SIGINT)  # like Ctrl-C: the parent and its workers all get it
        out, err = _communicate_or_explain(proc)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert proc.returncode == 130, err
    rows = {c["id"]: c for c in json.loads(out)["claims"]}
    assert rows["quick.one"]["verdict"] == "proved"
    assert rows["slow.one"]["detail"] == "not run (interrupted)"
    assert "interrupted: 1 of 2 finished" in err
    assert "Traceback" not in err


def _communicate_or_explain(proc: subprocess.Popen[str]) -> tuple[str, str]:
    """``proc.communicate``; if the child has not stopped 60 s after Ctrl-C, fail with why.

    The message shows each thread's signal state (a SIGINT blocked, ignored or pending, and in
    which thread) and the Python stacks of the child and its workers, so that a hang seen
    once on a CI machine can be understood from its log.
    """
    try:
        return proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        pass
    pids = [proc.pid]
    with contextlib.suppress(OSError):
        pids += [int(p) for p in Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()]
    state = [_signal_state(pid) for pid in pids]
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGUSR1)  # faulthandler: every thread's stack on stderr
    time.sleep(2)
    os.killpg(proc.pid, signal.SIGKILL)
    _, err = proc.communicate()
    pytest.fail("the child did not stop within 60 s of Ctrl-C\n" + "\n".join(state) + "\n" + err[-8000:])


def _group_empties(pgid: int) -> bool:
    """Whether every process of the process group ``pgid`` is gone within a few seconds."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def _signal_state(pid: int) -> str:
    lines = [f"process {pid}:"]
    for task in sorted(Path(f"/proc/{pid}/task").glob("*")):
        with contextlib.suppress(OSError):
            status = dict(line.split(":\t", 1) for line in (task / "status").read_text().splitlines() if ":\t" in line)
            keys = ("State", "SigBlk", "SigIgn", "SigCgt", "SigPnd", "ShdPnd")
            wchan = (task / "wchan").read_text()
            lines.append(
                f"  thread {task.name}: " + " ".join(f"{k}={status.get(k, '?')}" for k in keys) + f" wchan={wchan}"
            )
    return "\n".join(lines)


def _cached_rows(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM results").fetchone()[0]
    except sqlite3.Error:
        return 0


# The child for Ctrl-C at other moments of a run. DERIVE_TEST_PHASE says where the run waits
# once it has written DERIVE_TEST_MARKER: "startup" before the pool exists (the parent still
# importing the tiers), "compiled" with the slow claim's worker busy in C code that holds the
# GIL and never looks at signals (as numba's compiler does), "thread" with the slow claim
# running while a Ctrl-C is delivered to another thread of the parent (the kernel may hand a
# process's signal to any thread that does not block it; numpy's BLAS threads are such), and
# "fork" with the Ctrl-C arriving while the pool forks its first worker.
CHILD_AT = """
import faulthandler, os, re, signal, sys, threading, time
from pathlib import Path
faulthandler.register(signal.SIGUSR1, all_threads=True)
# Ctrl-C as a terminal's foreground job gets it: a test run started in the background of a script
# (`cmd &`, nohup, some CI runners) passes SIGINT on ignored, and Python then installs no handler for it
signal.signal(signal.SIGINT, signal.default_int_handler)
import derive.engine, derive.runner
phase, marker = os.environ["DERIVE_TEST_PHASE"], Path(os.environ["DERIVE_TEST_MARKER"])
real_check, real_preload = derive.engine.check_claim, derive.runner._preload
def check_claim(claim, settings=None):
    if claim.id.startswith("slow"):
        marker.write_text("slow")
        if phase == "compiled":
            re.match(r"(a+)+$", "a" * 64 + "b")
        time.sleep(600)
    return real_check(claim, settings)
def preload():
    if phase == "startup":
        marker.write_text("startup")
        time.sleep(600)
    real_preload()
def take_the_ctrl_c():
    while not marker.exists():
        time.sleep(0.05)
    time.sleep(0.5)
    signal.pthread_kill(threading.get_ident(), signal.SIGINT)
if phase == "thread":
    threading.Thread(target=take_the_ctrl_c, daemon=True).start()
if phase == "fork":
    import multiprocessing.process
    real_start = multiprocessing.process.BaseProcess.start
    def start(self):
        marker.write_text("fork")
        os.kill(os.getpid(), signal.SIGINT)
        real_start(self)
    multiprocessing.process.BaseProcess.start = start
derive.engine.check_claim = check_claim
derive.runner._preload = preload
from derive.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def _interrupt_at(tmp_path: Path, phase: str) -> tuple[dict[str, dict], str, float]:
    """Run `CHILD_AT` in ``phase``, Ctrl-C it there; return its rows, stderr and the seconds it took to stop."""
    path = _write(tmp_path, "slow.yaml", SLOW)
    marker = tmp_path / "marker"
    env = dict(
        os.environ,
        DERIVE_CACHE_DIR=str(tmp_path / "cache"),
        DERIVE_TEST_PHASE=phase,
        DERIVE_TEST_MARKER=str(marker),
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD_AT, "check", str(path), "--jobs", "1", "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while not marker.exists():
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail(f"the run never reached the {phase} phase")
            time.sleep(0.05)
        time.sleep(0.5)
        sent = time.monotonic()
        if phase not in ("thread", "fork"):  # there the child gives itself the Ctrl-C
            os.killpg(proc.pid, signal.SIGINT)
        out, err = _communicate_or_explain(proc)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert _group_empties(proc.pid), "a worker outlived the interrupted run"
    return {c["id"]: c for c in json.loads(out)["claims"]}, err, took


def test_ctrl_c_before_the_pool_starts_marks_every_claim_not_run(tmp_path: Path) -> None:
    rows, err, took = _interrupt_at(tmp_path, "startup")
    assert rows["quick.one"]["detail"] == rows["slow.one"]["detail"] == "not run (interrupted)"
    assert "interrupted: 0 of 2 finished" in err
    assert took < 20


def test_ctrl_c_while_the_pool_forks_stops_the_new_worker_too(tmp_path: Path) -> None:
    rows, err, took = _interrupt_at(tmp_path, "fork")
    assert rows["quick.one"]["detail"] == rows["slow.one"]["detail"] == "not run (interrupted)"
    assert "interrupted: 0 of 2 finished" in err
    assert took < 20


def test_ctrl_c_while_a_worker_is_busy_in_compiled_code_stops_it(tmp_path: Path) -> None:
    rows, err, took = _interrupt_at(tmp_path, "compiled")
    assert rows["quick.one"]["verdict"] == "proved"
    assert rows["slow.one"]["detail"] == "not run (interrupted)"
    assert "interrupted: 1 of 2 finished" in err
    assert took < 20


def test_ctrl_c_taken_by_another_thread_of_the_parent_still_stops_the_run(tmp_path: Path) -> None:
    # The parent sleeps in poll() until the slow claim's 120 s deadline unless it wakes by itself:
    # Python runs the handler only in the main thread, which that signal does not interrupt.
    rows, err, took = _interrupt_at(tmp_path, "thread")
    assert rows["quick.one"]["verdict"] == "proved"
    assert rows["slow.one"]["detail"] == "not run (interrupted)"
    assert "interrupted: 1 of 2 finished" in err
    assert took < 20


# ---------------------------------------------------------------------------------------
# Issue 18: nothing is lost silently.


def test_latex_a_document_over_the_limit_is_an_error_never_all_proved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ten good steps, then a wrong one beyond the limit: reading only the beginning reported
    # "every step proved" and exit 0.
    text = "$$x + x = 2x$$\n" * 10 + " " * 200 + "\n$$(a + 1)^2 = a^2 + 1$$\n"
    path = _write(tmp_path, "long.md", text)
    code, out, err = _run(capsys, "latex", str(path), "--max-chars", "100", "--format", "json")
    assert code == 2
    data = json.loads(out)
    assert data["summary"]["error"] == 1
    assert data["summary"]["proved"] == 0
    [step] = data["steps"]
    assert step["verdict"] == "error"
    assert f"the document has {len(text)} characters, more than the limit of 100 characters" in step["detail"]
    assert "--max-chars" in err
    # The default limit is the front end's, and raising it reads the document whole.
    monkeypatch.setattr(derive.latex, "MAX_DOCUMENT", 100)
    code, out, _ = _run(capsys, "latex", str(path), "--format", "json")
    assert code == 2
    code, out, _ = _run(capsys, "latex", str(path), "--max-chars", str(len(text)), "--format", "json")
    assert code == 1
    assert [s["verdict"] for s in json.loads(out)["steps"]][-1] == "refuted"


def test_latex_reports_each_bad_path_and_checks_the_rest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _write(tmp_path, "good.md", "$$(a + 1)^2 = a^2 + 1$$\n")
    (tmp_path / "folder.md").mkdir()
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)  # opening it would wait for a writer for ever
    paths = [str(tmp_path / "missing.md"), str(tmp_path / "folder.md"), str(fifo), str(good)]
    code, out, err = _run(capsys, "latex", *paths, "--format", "json")
    assert code == 2
    data = json.loads(out)
    assert [d["file"] for d in data] == paths
    details = [d["steps"][0]["detail"] for d in data[:3]]
    assert details == [
        f"{paths[0]}: no such file or directory",
        f"{paths[1]}: a folder, not a file",
        f"{paths[2]}: a FIFO (named pipe), not a file; derive reads regular files only",
    ]
    assert data[3]["steps"][0]["verdict"] == "refuted"
    assert all(path in err for path in paths[:3])


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_latex_reads_a_file_with_a_byte_order_mark(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str
) -> None:
    text = "---\nderive:\n  symbols: {a: real}\n---\n$$(a + 1)^2 = a^2 + 1$$\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    path = tmp_path / "hw.md"
    path.write_bytes(data)
    code, out, err = _run(capsys, "latex", str(path), "--format", "json")
    assert code == 1, err
    assert "replaced" not in err
    [step] = json.loads(out)["steps"]
    assert (step["line"], step["verdict"]) == (5, "refuted")


def test_latex_refuses_a_file_whose_byte_order_mark_lies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "hw.md"
    path.write_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8a\x00")  # a lone surrogate
    code, out, _ = _run(capsys, "latex", str(path), "--format", "json")
    assert code == 2
    assert "starts with a UTF-16 byte-order mark but is not UTF-16 text" in json.loads(out)["steps"][0]["detail"]


def test_check_reports_a_bad_path_among_good_ones(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _write(tmp_path, "good.yaml", GOOD)
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    code, out, _ = _run(capsys, "check", str(tmp_path / "missing.yaml"), str(fifo), str(good), "--format", "json")
    assert code == 2
    claims = json.loads(out)["claims"]
    assert [c["verdict"] for c in claims if c["file"] == str(good)] == ["proved", "proved", "refuted"]
    errors = {c["file"]: c["detail"] for c in claims if c["verdict"] == "error"}
    assert errors == {
        str(tmp_path / "missing.yaml"): "no such file or directory",
        str(fifo): "a FIFO (named pipe), not a file; derive reads regular files only",
    }


def test_a_corrupt_cache_is_discarded_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "good.yaml", GOOD)
    _run(capsys, "check", str(path), "--quiet")
    database = tmp_path / "cache" / "results.sqlite3"
    for suffix in ("-wal", "-shm"):
        (tmp_path / "cache" / f"results.sqlite3{suffix}").unlink(missing_ok=True)
    database.write_bytes(b"garbage" * 1000)
    code, _, err = _run(capsys, "check", str(path), "--quiet")
    assert code == 0
    assert err.count("\n") == 1
    assert err.startswith(f"warning: discarded the unreadable cache {database} (")
    code, _, err = _run(capsys, "check", str(path), "--quiet", "--verbose")
    assert "cache: 3 hits, 0 misses" in err
    assert "warning" not in err
