"""bench/realworld.py: matching derive's steps to judged ones, the counts, and the JSON line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import realworld  # bench/ is not a package

DOC = r"""Expanding the square,
$$
(a+b)^2 = a^2 + 2ab + b^2 \\ = a^2 + b^2 .
$$
"""

JUDGED = r"""source: {url: "https://example.org/hw", repo: "someone/hw", commit: "abc", path: hw.md, lines: "1-4",
         licence: MIT, author_kind: student-homework}
steps:
  - {block: 1, lhs: "\\left(a+b\\right)^{2}", rel: "=", rhs: "a^2 + 2 a b+b^2", holds: true, why: "expand"}
  - {block: 1, lhs: "a^2 + 2ab + b^2", rel: "=", rhs: "a^2 + b^2", holds: false, why: "drops 2ab"}
  - {block: 2, lhs: "x", rel: "=", rhs: "y", holds: unclear, why: "no such block"}
"""


def _corpus(tmp_path: Path, judged: str = JUDGED) -> Path:
    folder = tmp_path / "s-demo"
    folder.mkdir()
    (folder / "doc.md").write_text(DOC, encoding="utf-8")
    (folder / "judged.yaml").write_text(judged, encoding="utf-8")
    return tmp_path


def test_normalise_drops_layout_only() -> None:
    assert realworld.normalise(r"\left( a \,+\, {b} \right)^{2} \nonumber \\ .") == "(a+b)^2"
    assert realworld.normalise(r"\{a\}") == r"\{a\}"
    assert realworld.normalise(r"\frac{a}{b}") != realworld.normalise(r"\frac{a}{c}")
    # Sentence punctuation in text mode, explicit spaces and the differential idiom are layout.
    assert realworld.normalise(r"k_{**} - x \text{,}") == "k_**-x"
    assert realworld.normalise(r"\int f \hspace{0.25em} \mathop{}\!\mathrm{d} x") == realworld.normalise(
        r"\int f\,\mathrm{d}x"
    )


def test_counts_and_json_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = realworld.main(["--corpus", str(_corpus(tmp_path)), "--jobs", "1", "--show"])
    out = capsys.readouterr().out
    assert code == 0
    summary = json.loads(out.strip().splitlines()[-1])
    totals = summary["totals"]
    assert {k: totals[k] for k in ("judged", "read", "decided", "right", "unclear")} == {
        "judged": 2,
        "read": 2,
        "decided": 2,
        "right": 2,
        "unclear": 1,
    }
    assert (totals["false_accepts"], totals["false_refutes"]) == (0, 0)
    assert (totals["mistakes_caught"], totals["mistakes"]) == (1, 1)
    assert totals["extra_steps"] == 0
    assert summary["files"]["s-demo"]["judged"] == 2
    # --show names each judged step with derive's verdict; the step in a missing block is not read.
    assert "holds true    -> proved" in out
    assert "holds FALSE   -> refuted" in out
    assert "holds unclear -> not read" in out


def test_wrong_judgement_is_a_false_refute(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Judging the dropped 2ab as true makes derive's (right) refutation count as a false refute:
    # the bench trusts the judgement, so the marks follow it.
    judged = JUDGED.replace("holds: false", "holds: true")
    realworld.main(["--corpus", str(_corpus(tmp_path, judged)), "--jobs", "1"])
    out = capsys.readouterr().out
    totals = json.loads(out.strip().splitlines()[-1])["totals"]
    assert (totals["false_refutes"], totals["mistakes"], totals["right"]) == (1, 0, 1)
    assert "FR s-demo #2 block 1" in out


def test_unmatched_derive_step_is_extra(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    judged = "\n".join(line for line in JUDGED.splitlines() if "drops 2ab" not in line)
    realworld.main(["--corpus", str(_corpus(tmp_path, judged)), "--jobs", "1"])
    totals = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["totals"]
    assert (totals["judged"], totals["extra_steps"]) == (1, 1)


def test_malformed_corpus_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    judged = JUDGED.replace("holds: unclear", "holds: maybe")
    assert realworld.main(["--corpus", str(_corpus(tmp_path, judged))]) == 2
    err = capsys.readouterr().err
    assert "judged.yaml: step 3: holds must be true, false or unclear" in err


def test_renumbered_block_still_matches_a_unique_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A judged block number that derive numbers differently (comments, inline math) still
    # finds the one step of the document with the same sides.
    judged = JUDGED.replace('{block: 1, lhs: "\\\\left', '{block: 7, lhs: "\\\\left')
    assert "block: 7" in judged
    realworld.main(["--corpus", str(_corpus(tmp_path, judged)), "--jobs", "1"])
    totals = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["totals"]
    assert (totals["read"], totals["right"], totals["extra_steps"]) == (2, 2, 0)


def test_judged_sides_in_the_authors_macros_match(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "m-macros"
    folder.mkdir()
    (folder / "doc.tex").write_text(
        "\\newcommand{\\sq}[1]{#1^{2}}\n\\begin{document}\n\\[ \\sq{(a+b)} = a^2 + 2ab + b^2 \\]\n\\end{document}\n",
        encoding="utf-8",
    )
    (folder / "judged.yaml").write_text(
        JUDGED.split("steps:", maxsplit=1)[0]
        + 'steps:\n  - {block: 1, lhs: "\\\\sq{(a+b)}", rel: "=", rhs: "a^2 + 2ab + b^2",'
        + ' holds: true, why: "expand"}\n',
        encoding="utf-8",
    )
    realworld.main(["--corpus", str(tmp_path), "--jobs", "1"])
    totals = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["totals"]
    assert (totals["judged"], totals["read"], totals["right"]) == (1, 1, 1)
