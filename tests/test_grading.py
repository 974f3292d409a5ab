"""Tests for `derive grade` (derive/grading.py): submissions, notebooks, problems, the key, outputs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import jsonschema
import nbformat
import pytest

from derive import cli, grading
from derive.errors import UsageError

FRONT = "---\nderive:\n  symbols: {a: real, x: real}\n---\n"
KEY = FRONT + (
    "# Problem 1\n$$\\frac{d}{da}\\log(1-\\sigma(a)) = -\\sigma(a)$$\n\n# Problem 2\n$$(x+1)^2 = x^2 + 2x + 1$$\n"
)
RIGHT = FRONT + (
    "# Problem 1\n"
    "$$\\frac{d}{da}\\log(1-\\sigma(a)) = \\frac{-\\sigma(a)(1-\\sigma(a))}{1-\\sigma(a)} = -\\sigma(a)$$\n\n"
    "# Problem 2\n$$(x+1)^2 = x^2 + 2x + 1$$\n"
)
WRONG = FRONT + (
    "# Problem 1\n$$\\frac{d}{da}\\log(1-\\sigma(a)) = \\sigma(a)$$\n\n# Problem 2\n$$(x+1)^2 = x^2 + 1$$\n"
)
SCHEMA = json.loads((Path(__file__).parent / "data" / "gradescope_results.schema.json").read_text(encoding="utf-8"))


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _notebook(path: Path, cells: list[tuple[str, str]]) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(t) if kind == "md" else nbformat.v4.new_code_cell(t) for kind, t in cells]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


@pytest.fixture
def klass(tmp_path: Path) -> Path:
    """A class folder: alice right, bob wrong with an unreadable notebook, carol a notebook."""
    root = tmp_path / "class"
    _write(root / "alice" / "hw.md", RIGHT)
    _write(root / "bob" / "hw.md", WRONG)
    _write(root / "bob" / "broken.ipynb", '{"cells": [')
    _notebook(
        root / "carol" / "hw.ipynb",
        [
            ("md", FRONT + "# Problem 1"),
            ("code", "print(1)"),
            ("md", "$$\\frac{d}{da}\\log(1-\\sigma(a)) = -\\sigma(a)$$"),
            ("md", "# Problem 2\n\n$$(x+1)^2 = x^2 + 2x$$\n\nso $$\\boxed{x^2+2x+1}$$"),
        ],
    )
    _write(tmp_path / "key.md", KEY)
    return root


def _grade(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(["grade", *argv, "--no-cache", "--jobs", "2", "-q"])
    out, err = capsys.readouterr()
    return code, out, err


def _gradebook(outdir: Path) -> dict[str, dict[str, str]]:
    with (outdir / "gradebook.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == grading.GRADEBOOK_COLUMNS
    return {row["student"]: row for row in rows}


def test_a_class_is_graded_with_reports_summary_gradebook_and_gradescope(klass, tmp_path, capsys):
    out = tmp_path / "out"
    code, stdout, err = _grade(
        capsys, str(klass), "--key", str(tmp_path / "key.md"), "-o", str(out), "-f", "gradescope"
    )
    assert code == 0
    assert "graded 3 submissions" in stdout
    # The malformed notebook is reported, and bob's other file is still graded.
    assert "warning: bob: " in err and "broken.ipynb: not a Jupyter notebook nbformat can read" in err
    book = _gradebook(out)
    assert book["alice"]["score"] == "100.0"
    assert (book["alice"]["steps"], book["alice"]["proved"], book["alice"]["answers_correct"]) == ("3", "3", "2")
    assert (book["bob"]["refuted"], book["bob"]["error"], book["bob"]["answers_correct"], book["bob"]["score"]) == (
        "2",
        "1",
        "0",
        "0.0",
    )
    # carol: problem 1 right (1.0), problem 2 a refuted step but the boxed result matches (0.5).
    assert book["carol"]["score"] == "75.0"
    for student in ("alice", "bob", "carol"):
        assert (out / f"{student}.md").is_file()
        assert (out / f"{student}.html").is_file()
        result = json.loads((out / "gradescope" / f"{student}.json").read_text(encoding="utf-8"))
        jsonschema.validate(result, SCHEMA)
        assert [t["name"] for t in result["tests"]] == ["Problem 1", "Problem 2"]
        assert result["score"] == pytest.approx(sum(t["score"] for t in result["tests"]))
    carol = (out / "carol.md").read_text(encoding="utf-8")
    assert "Score: **75 / 100**" in carol
    assert "| 2 | $x^2+2x+1$ | matches the key |" in carol  # never the check's evidence (it tells the key)
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "3 students; 1 unreadable files." in summary
    assert "| 1 | 4 | 1 | 0 | 0 | 2 | 1 |" in summary  # problem 1: 4 steps, 1 refuted; 2 answers right, 1 wrong
    assert "$\\frac{d}{da}\\log(1-\\sigma(a)) = \\sigma(a)$ | bob (" in summary
    assert (out / "scores.png").read_bytes().startswith(b"\x89PNG")
    assert "data:image/png;base64," in (out / "summary.html").read_text(encoding="utf-8")


def test_one_submission_gets_results_json_for_the_autograder(klass, tmp_path, capsys):
    out = tmp_path / "ag"
    code, _, _ = _grade(
        capsys, str(klass / "alice"), "--key", str(tmp_path / "key.md"), "-o", str(out), "-f", "gradescope"
    )
    assert code == 0
    result = json.loads((out / "results.json").read_text(encoding="utf-8"))
    jsonschema.validate(result, SCHEMA)
    assert result["score"] == 100.0
    assert {t["status"] for t in result["tests"]} == {"passed"}


def test_points_weight_problems_and_unlisted_problems_weigh_nothing(klass, tmp_path, capsys):
    points = _write(tmp_path / "points.yaml", "'Problem 1': 3\n2: 1\n")
    out = tmp_path / "pts"
    _grade(capsys, str(klass), "--key", str(tmp_path / "key.md"), "-o", str(out), "--points", str(points))
    assert _gradebook(out)["carol"]["score"] == str(round(100 * (3 * 1.0 + 1 * 0.5) / 4, 2))
    only = _write(tmp_path / "only.yaml", "points: {1: 1}\n")
    _grade(capsys, str(klass), "--key", str(tmp_path / "key.md"), "-o", str(out), "--points", str(only))
    assert _gradebook(out)["carol"]["score"] == "100.0"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1, 2]\n", "must be a mapping"),
        ("1: -2\n", "must be a finite number >= 0"),
        ("1: yes\n", "must be a finite number"),
        ("1: .nan\n", "must be a finite number"),
        ("1: .inf\n", "must be a finite number"),
        (f"1: {'9' * 400}\n", "must be a finite number"),
        ("a: " + "[" * 5000 + "]" * 5000 + "\n", "cannot read the points file"),
        ("'Problem 1': 1\n1: 0\n", "gives problem 1 two values"),
    ],
)
def test_bad_points_files_are_usage_errors(tmp_path, text, message):
    with pytest.raises(UsageError, match=message):
        grading.read_points(_write(tmp_path / "p.yaml", text))


def test_without_a_key_the_students_own_problems_are_scored(klass, tmp_path, capsys):
    out = tmp_path / "nokey"
    _grade(capsys, str(klass / "alice"), str(klass / "bob"), "-o", str(out))
    book = _gradebook(out)
    assert (book["alice"]["score"], book["bob"]["score"]) == ("100.0", "0.0")
    assert book["alice"]["answers_total"] == "0"


def test_submissions_files_folders_a_class_folder_and_name_clashes(tmp_path):
    a = _write(tmp_path / "x" / "alice.md", RIGHT)
    _write(tmp_path / "x" / "alice" / "one.tex", RIGHT)
    _write(tmp_path / "x" / "alice" / "notes.pdf", "not read")
    subs = grading.find_submissions([a, tmp_path / "x" / "alice"])
    assert [(s.student, [f.name for f in s.files]) for s in subs] == [("alice", ["alice.md"]), ("alice_2", ["one.tex"])]
    # a folder with files of its own is one student (a Gradescope submission with a figures/ folder)
    (one,) = grading.find_submissions([tmp_path / "x"])
    assert (one.student, [f.name for f in one.files]) == ("x", ["alice.md", "one.tex"])
    _write(tmp_path / "c" / "bob" / "hw.md", RIGHT)
    _write(tmp_path / "c" / "carol" / "hw.md", RIGHT)
    _write(tmp_path / "c" / "carol" / ".ipynb_checkpoints" / "hw-checkpoint.md", WRONG)  # autosave: skipped
    (tmp_path / "c" / "__MACOSX").mkdir()
    (tmp_path / "c" / "dave.md").symlink_to(tmp_path / "x" / "alice.md")  # a link (to the key?): skipped
    klass = grading.find_submissions([tmp_path / "c"])  # only folders: a class
    assert [(s.student, [f.name for f in s.files]) for s in klass] == [("bob", ["hw.md"]), ("carol", ["hw.md"])]
    assert grading.find_submissions([tmp_path / "c"], exclude=tmp_path / "c" / "bob")[0].student == "carol"
    with pytest.raises(UsageError, match="no such file or folder"):
        grading.find_submissions([tmp_path / "missing"])


def test_a_student_with_no_readable_file_scores_zero_and_is_named(tmp_path, capsys):
    _write(tmp_path / "key.md", KEY)
    (tmp_path / "c" / "dave").mkdir(parents=True)
    _write(tmp_path / "c" / "erin" / "hw.md", RIGHT)
    out = tmp_path / "o"
    code, _, err = _grade(capsys, str(tmp_path / "c"), "--key", str(tmp_path / "key.md"), "-o", str(out))
    assert code == 0
    assert "dave: no readable file" in err
    assert _gradebook(out)["dave"]["score"] == "0.0"


def test_an_unreadable_key_is_a_usage_error(klass, tmp_path, capsys):
    code, _, err = _grade(capsys, str(klass), "--key", str(tmp_path / "nope.md"), "-o", str(tmp_path / "o"))
    assert code == 2
    assert "no such key file" in err


def test_notebook_markdown_cells_in_order_with_their_cell_numbers():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(FRONT + "# P1"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_markdown_cell("text\n$$a = a$$"),
    ]
    text, starts = grading.notebook_text(nbformat.writes(nb))
    assert text.startswith(FRONT)  # front matter opens the text, so it is read as front matter
    assert "<!-- cell 1 -->\n# P1" in text and "<!-- cell 3 -->\ntext\n$$a = a$$" in text
    assert "x = 1" not in text
    line = text.splitlines().index("$$a = a$$") + 1
    assert grading.cell_of(line, text, starts) == "cell 3, line 2"


@pytest.mark.parametrize("data", ['{"cells": [', "[]", "", '{"nbformat": 99}'])
def test_broken_notebooks_are_usage_errors_not_crashes(data):
    with pytest.raises(UsageError, match="not a Jupyter notebook"):
        grading.notebook_text(data)


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("Problem 3", "3"),
        ("Question 2(a)", "2a"),
        ("Q2 (b): the gradient", "2b"),
        ("Exercise 1.2", "1.2"),
        ("3. Gaussian MLE", "3"),
        ("The KL divergence", "the kl divergence"),
    ],
)
def test_problem_keys(title, key):
    assert grading.problem_key(title) == key


def test_headings_of_markdown_and_latex():
    text = "intro\n# Problem 1\n$$a$$\n\\section{Problem 2}\n\\subsection*{Part (a)}\n"
    # problems are the numbered headings' level; "Part (a)" (a subsection) belongs to Problem 2
    assert grading.headings(text) == [(2, "Problem 1"), (4, "Problem 2")]
    assert grading.problem_of(3, grading.headings(text)) == "1"
    assert grading.problem_of(1, grading.headings(text)) == grading.UNTITLED


def test_padding_subheadings_and_a_boxed_relation_do_not_game_the_score(tmp_path, capsys):
    _write(tmp_path / "key.md", KEY)
    # right work under "## Solution" subheadings, the final result boxed as a relation
    right = FRONT + (
        "# Problem 1\n## Solution\n$$\\frac{d}{da}\\log(1-\\sigma(a)) = -\\sigma(a)$$\n\n"
        "# Problem 2\n## Solution\n$$(x+1)^2 = x^2 + 2x + 1$$\n"
    )
    # both steps wrong, padded with trivial identities
    padded = FRONT + (
        "# Problem 1\n$$0 = 0$$\n$$a = a$$\n$$\\frac{d}{da}\\log(1-\\sigma(a)) = \\sigma(a)$$\n\n"
        "# Problem 2\n$$1 = 1$$\n$$(x+1)^2 = x^2 + 1$$\n"
    )
    _write(tmp_path / "c" / "right" / "hw.md", right)
    _write(tmp_path / "c" / "padded" / "hw.md", padded)
    out = tmp_path / "o"
    _grade(capsys, str(tmp_path / "c"), "--key", str(tmp_path / "key.md"), "-o", str(out))
    book = _gradebook(out)
    assert book["right"]["score"] == "100.0"
    assert book["padded"]["score"] == "0.0"


def test_relation_and_set_answers_are_not_compared_and_count_neither_way():
    assert grading._answer_of("x = 3") == "3"
    assert grading._answer_of("3 = x") == "3"
    assert grading._answer_of("x < 3") is None
    assert grading._answer_of("x = 2 \\text{ or } x = 3") is None
    assert grading._answer_of("x \\in \\{2, 3\\}") is None


def test_report_names_are_distinct_safe_and_never_a_class_output(tmp_path, capsys):
    for name in ("a b", "a_b", "summary", "=HYPERLINK(1)"):
        _write(tmp_path / "c" / name / "hw.md", RIGHT)
    out = tmp_path / "o"
    _grade(capsys, str(tmp_path / "c"), "-o", str(out))
    names = sorted(p.name for p in out.glob("*.md"))
    assert names == ["HYPERLINK_1.md", "a_b.md", "a_b_2.md", "summary.md", "summary_student.md"]
    assert "'=HYPERLINK(1)" in (out / "gradebook.csv").read_text(encoding="utf-8")  # no formula


def test_gradescope_output_never_shows_the_evidence_of_an_answer_check(tmp_path, capsys):
    _write(tmp_path / "key.md", KEY)
    _write(tmp_path / "s" / "hw.md", WRONG)
    out = tmp_path / "g"
    _grade(capsys, str(tmp_path / "s"), "--key", str(tmp_path / "key.md"), "-o", str(out), "-f", "gradescope")
    result = json.loads((out / "results.json").read_text(encoding="utf-8"))
    text = json.dumps(result)
    assert "does not match the key" in text
    assert "lhs - rhs" not in "".join(t["output"].split("final result")[-1] for t in result["tests"])
