"""The claim index: deterministic rendering, and the committed claims/README.md is not stale."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from derive.cache import ENV_VAR
from derive.cli import main
from derive.errors import Location
from derive.language.loading import load_claims
from derive.model import Claim, Evidence, Expect, Method, Outcome, Result, Verdict
from derive.reporting.index import COMMAND, render_index

ROOT = Path(__file__).resolve().parents[2]
CLAIMS = ROOT / "claims"


def _result(cid: str, file: str, verdict: Verdict, method: Method, *, expect=Expect.HOLDS, seconds=0.1, **kw):
    claim = Claim(cid, "x", "x", expect=expect, where=Location(file, 1), **kw)
    return Result(claim, verdict, method, seconds, (Outcome(verdict, Evidence(method, "s")),))


def _sample(base: Path, seconds: float = 0.1) -> list[Result]:
    return [
        _result("gan.d_star", str(base / "gan.yaml"), Verdict.PROVED, Method.SYMBOLIC, seconds=seconds,
                statement="D*(x) = p/(p+q) | pointwise", source="homework, problem 3"),
        _result("gan.wrong", str(base / "gan.yaml"), Verdict.REFUTED, Method.NUMERIC, expect=Expect.FAILS,
                seconds=seconds, statement="a wrong\nstep"),
        _result("kl.gauss", str(base / "kl" / "gauss.yaml"), Verdict.CONSISTENT, Method.MONTECARLO, seconds=seconds),
        _result("kl.hard", str(base / "kl" / "gauss.yaml"), Verdict.UNDECIDED, Method.NUMERIC, seconds=seconds),
    ]  # fmt: skip


def test_index_is_grouped_by_file_with_a_header(tmp_path):
    text = render_index(_sample(tmp_path / "claims"))
    assert COMMAND in text
    assert "do not edit" in text
    assert "## [gan.yaml](gan.yaml)" in text
    assert "## [kl/gauss.yaml](kl/gauss.yaml)" in text
    assert text.index("gan.d_star") < text.index("gan.wrong") < text.index("kl.gauss")
    row = next(line for line in text.splitlines() if "gan.d_star" in line)
    assert row == "| `gan.d_star` | D*(x) = p/(p+q) \\| pointwise | homework, problem 3 | proved | symbolic |"
    assert "| `gan.wrong` | a wrong step |  | refuted (known-wrong step) | numeric |" in text
    # The undecided claim does not have its expected outcome: it is flagged.
    assert "**undecided (expected to hold)**" in text
    assert "- Not as expected (1): `kl.hard`." in text
    assert "- 4 claims in 2 files: 1 proved, 1 consistent, 1 refuted, 1 undecided." in text


def test_index_is_deterministic_across_timings_and_locations(tmp_path):
    a = render_index(_sample(tmp_path / "one" / "claims", seconds=0.1))
    b = render_index(_sample(tmp_path / "other" / "claims", seconds=9.9))
    assert a == b
    assert str(tmp_path) not in a
    assert render_index(_sample(tmp_path / "c"), root=tmp_path) != a  # labels now include the folder


_HOLDS = {"proved", "verified", "consistent"}


def _rows(text: str, *, outcome: bool = False) -> list[tuple[str, ...]]:
    """The file headings and the (claim, statement, source) cells of an index, in order.

    With ``outcome``, each row also carries the verdict reduced to what a reader relies on:
    "holds" for proved, verified and consistent, the verdict itself otherwise (refuted,
    undecided, error). Which of the three holding verdicts a claim gets, and by which method,
    can depend on how busy the machine is (a proof that needs 8 of its 10 seconds may end as
    a numeric verification on a loaded CI runner); that is not staleness.
    """
    out: list[tuple[str, ...]] = []
    for line in text.splitlines():
        if line.startswith("## "):
            out.append((line,))
        elif line.startswith("| `"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            if not outcome:
                out.append(tuple(cells[:3]))
                continue
            verdict = cells[3].strip("*")
            out.append((*cells[:3], "holds" if verdict in _HOLDS else verdict))
    return out


def test_committed_index_lists_the_library_as_it_is():
    """The cheap half of the staleness check, without running the engine: the index lists
    every claim of the library, with its statement and source, file by file, in order."""
    index = CLAIMS / "README.md"
    assert index.is_file(), f"claims/README.md is missing; generate it with `{COMMAND}`"
    claims, errors = load_claims([CLAIMS])
    assert not errors, [str(e) for e in errors]
    not_run = (Outcome(Verdict.UNDECIDED, Evidence(Method.NONE, "not run")),)
    placeholder = [Result(c, Verdict.UNDECIDED, Method.NONE, 0.0, not_run) for c in claims]
    expected = _rows(render_index(placeholder, root=CLAIMS))
    committed = _rows(index.read_text(encoding="utf-8"))
    if committed != expected:
        diff = "\n".join(
            difflib.unified_diff(
                [" | ".join(r) for r in committed],
                [" | ".join(r) for r in expected],
                "claims/README.md (committed)",
                "claims (now)",
                lineterm="",
            )
        )
        raise AssertionError(f"claims/README.md is stale; run `{COMMAND}`\n{diff}")


def test_committed_index_is_not_stale(tmp_path, request, monkeypatch):
    """claims/README.md must list what `derive index claims/` finds now, outcomes included.

    The fresh index is written by the command itself, so the test checks what the command
    produces, with the command's own loader and settings. Results are cached in pytest's
    cache folder when it is enabled: the key holds a digest of the engine's source, so a
    changed engine or claim is re-checked, and an unchanged library (the usual case) takes
    seconds instead of the minute or so a cold run of the whole library takes on two cores.
    """
    index = CLAIMS / "README.md"
    assert index.is_file(), f"claims/README.md is missing; generate it with `{COMMAND}`"
    cache = getattr(request.config, "cache", None)
    monkeypatch.setenv(ENV_VAR, str(cache.mkdir("derive-results") if cache else tmp_path / "cache"))
    fresh = tmp_path / "README.md"
    status = main(["index", str(CLAIMS), "-o", str(fresh), "--jobs", "2"])
    assert status == 0, "derive index failed"
    committed = index.read_text(encoding="utf-8")
    expected = fresh.read_text(encoding="utf-8")
    assert "Every claim has its expected outcome." in expected, expected[:2000]
    if _rows(committed, outcome=True) != _rows(expected, outcome=True):
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(keepends=True),
                expected.splitlines(keepends=True),
                "claims/README.md (committed)",
                "claims/README.md (fresh run)",
            )
        )
        raise AssertionError(f"claims/README.md is stale; run `{COMMAND}`\n{diff}")
