"""Grading a class: many submissions in one run, a report per student, a summary and a gradebook.

`derive grade` (see `derive.cli`) reads every submission with the LaTeX front end, checks all
their steps in one run (so the worker pool and the result cache are shared, and a step many
students wrote alike is decided once, see `derive.runner.run_claims`), and writes:

- ``<student>.md`` / ``<student>.html``: the student's documents with a verdict after each block;
- ``summary.md`` / ``summary.html`` (+ ``scores.png`` with matplotlib): per problem how many
  students' steps were refuted, undecided or unreadable, the most frequent refuted steps with
  one example each, and the distribution of scores;
- ``gradebook.csv``: one row per student (`GRADEBOOK_COLUMNS`);
- with ``--format gradescope``: ``gradescope/<student>.json`` in the Gradescope autograder's
  ``results.json`` shape (and ``results.json`` itself when there is one submission).

**Submissions.** Each path given is one submission: a file (the student is its name without
suffix) or a folder (the student is the folder's name; its ``.md``, ``.markdown``, ``.tex``,
``.txt`` and ``.ipynb`` files, in path order). A single folder that holds folders and no such
file of its own is a class folder: each of its entries is one submission. Links, hidden files
and folders (``.ipynb_checkpoints``), ``__MACOSX`` and anything but regular files are never
read; nor is the output folder. Notebooks (``.ipynb``, read with nbformat) give their Markdown
cells, in cell order; locations name the cell (`Paper.where`).

**Problems.** A problem is the part of a document under one heading of the problem level:
the highest heading level (Markdown ``#``..``######`` and setext, a bold ``**Problem n**`` line,
LaTeX ``\\section``/``\\subsection``/``\\subsubsection``) that has a numbered heading, else the
highest there is; lower headings (``## Solution``) belong to the problem above them, and
headings in code fences or TeX comments do not count. Steps before the first problem belong to
``(untitled)``. Problems of a student and of the key are matched by `problem_key`: the number
of a numbered heading ("Problem 3", "Question 2(a)", "Q3 a", "Exercise 1.2", "3.") — ``3``,
``2a``, ``1.2`` — else the heading's words, lower-cased.

**The key** (``--key``): for each of its problems, the final result is the last ``\\boxed{...}``
in the problem (display or inline), else the right side of its last step; ``x = 3`` and
``3 = x`` state 3. The student's final result, found the same way, is compared with the key's
by derive's own tiers, as the step ``student = key`` under the key's front matter. Answers
that are relations, sets or several values, answers derive cannot decide, and a refuted answer
that uses names the key's does not (the student's own definitions) are not compared: they
count neither way and are listed for the grader. Reports say only whether an answer matches,
never the check's evidence (it would tell the key's answer). A key with no problem is an error.

**Score** (0–100, `score`): a problem scores the share of its decided steps that are accepted
(proved, verified or consistent, over those and the refuted ones; undecided and unreadable
steps are derive's limits, not the student's mistakes, and have their own gradebook columns;
definitions and steps with identical sides, ``0 = 0``, are not steps); with a compared key
answer, half that share plus half for a matching final result (the answer alone when no step
was decided). The score is the weighted mean over the key's problems (without a key: the
student's own problems), weights from ``--points`` (a YAML mapping ``problem: points``;
problems it does not list weigh 0), else 1 each. A problem of the key the student did not
attempt, or with nothing decided and no compared answer, scores 0.
"""

from __future__ import annotations

import base64
import bisect
import csv
import html
import io
import json
import math
import re
import statistics
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from derive.errors import UsageError
from derive.model import Result, Verdict

__all__ = [
    "GRADEBOOK_COLUMNS",
    "SUBMISSION_SUFFIXES",
    "Grade",
    "Paper",
    "Submission",
    "find_submissions",
    "notebook_text",
    "problem_key",
]

SUBMISSION_SUFFIXES = (".md", ".markdown", ".tex", ".txt", ".ipynb")
ACCEPTED = frozenset({Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT})
GRADEBOOK_COLUMNS = (
    "student",
    "files",
    "steps",
    "proved",
    "verified",
    "consistent",
    "refuted",
    "undecided",
    "error",
    "answers_correct",
    "answers_total",
    "score",
)
UNTITLED = "(untitled)"


# ---------------------------------------------------------------------------------------
# Submissions and their files.


@dataclass(frozen=True)
class Submission:
    """One student's work: a name and the files to read, in order."""

    student: str
    files: tuple[Path, ...]


def _skipped(path: Path) -> bool:
    """Hidden files and folders (.ipynb_checkpoints), archive litter (__MACOSX) and links:
    never part of a submission (a link may point at the key, or at /dev/zero)."""
    return path.name.startswith(".") or path.name == "__MACOSX" or path.is_symlink()


def _readable(folder: Path) -> tuple[Path, ...]:
    found: list[Path] = []
    for entry in sorted(folder.iterdir()):
        if _skipped(entry):
            continue
        if entry.is_dir():
            found.extend(_readable(entry))
        elif entry.is_file() and entry.suffix.lower() in SUBMISSION_SUFFIXES:  # regular files only
            found.append(entry)
    return tuple(sorted(found, key=str))  # files in path order as text: alice.md before alice/one.tex


def _is_class(folder: Path) -> bool:
    """A folder of submissions: it holds folders and no readable file of its own."""
    entries = [e for e in folder.iterdir() if not _skipped(e)]
    own = any(e.is_file() and e.suffix.lower() in SUBMISSION_SUFFIXES for e in entries)
    return any(e.is_dir() for e in entries) and not own


def find_submissions(paths: Sequence[str | Path], *, exclude: Path | None = None) -> list[Submission]:
    """The submissions named by ``paths`` (see the module docstring); a bad path raises UsageError.

    ``exclude`` (the output folder) is never read as a submission.
    """
    given = [Path(p) for p in paths]
    missing = [str(p) for p in given if not p.exists()]
    if missing:
        msg = f"no such file or folder: {', '.join(missing)}"
        raise UsageError(msg)
    if len(given) == 1 and given[0].is_dir() and _is_class(given[0]):
        given = sorted(
            p
            for p in given[0].iterdir()
            if not _skipped(p) and (p.is_dir() or (p.is_file() and p.suffix.lower() in SUBMISSION_SUFFIXES))
        )
    if exclude is not None:
        out = exclude.resolve()
        given = [p for p in given if p.resolve() != out]
    submissions: list[Submission] = []
    names: Counter[str] = Counter()
    for path in given:
        files = _readable(path) if path.is_dir() else (path,)
        name = path.name if path.is_dir() else path.stem
        names[name] += 1
        # Two submissions with one name (alice/ and alice.md) must not overwrite each other's report.
        student = name if names[name] == 1 else f"{name}_{names[name]}"
        submissions.append(Submission(student, files))
    if not submissions:
        msg = f"no submissions found in {', '.join(str(p) for p in paths)}"
        raise UsageError(msg)
    return submissions


def notebook_text(data: bytes | str) -> tuple[str, tuple[int, ...]]:
    """The Markdown cells of a Jupyter notebook as one text, and the first line of each cell.

    Each Markdown cell is preceded by a line ``<!-- cell N -->`` (N counts every cell from 1, code
    cells too, as Jupyter shows them); ``starts[k]`` is the text line where the cell numbered
    ``cells[k]`` begins — `cell_of` maps a line back. Raises UsageError for a file that is not a
    notebook nbformat can read.
    """
    try:
        import nbformat  # noqa: PLC0415 - an optional extra
    except ImportError as exc:
        msg = f"reading notebooks needs nbformat ({exc}); install it with: pip install 'derive[notebook]'"
        raise UsageError(msg) from None
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    try:
        notebook = nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat raises JSON, validation and version errors of its own
        msg = f"not a Jupyter notebook nbformat can read ({type(exc).__name__}: {str(exc)[:200]})"
        raise UsageError(msg) from None
    parts: list[str] = []
    starts: list[int] = []
    line = 1
    for number, cell in enumerate(notebook.get("cells", []), 1):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        front = _front_matter(source) if not parts else ""
        if front:  # front matter must open the text to be read as such; it came first anyway
            parts.append(front)
            line += front.count("\n")
            source = source[len(front) :]
        chunk = f"<!-- cell {number} -->\n{source}\n\n"
        starts.append(line)
        parts.append(chunk)
        line += chunk.count("\n")
    return "".join(parts), tuple(starts)


def cell_of(line: int | None, text: str, starts: Sequence[int]) -> str:
    """``cell N, line k`` for a line of `notebook_text`'s text (k counts from the cell's first line)."""
    if line is None or not starts:
        return ""
    index = max((i for i, s in enumerate(starts) if s <= line), default=0)
    first = starts[index]
    header = text.splitlines()[first - 1] if first - 1 < len(text.splitlines()) else ""
    number = re.search(r"cell (\d+)", header)
    return f"cell {number.group(1) if number else index + 1}, line {line - first}"


@dataclass
class Paper:
    """One file of a submission as read: its document and steps, or why it could not be read."""

    student: str
    file: str
    document: Any = None  # derive.latex.Document
    steps: tuple[Any, ...] = ()
    error: str = ""
    notebook: tuple[int, ...] = ()  # first line of each Markdown cell, for notebooks
    results: list[Result] = field(default_factory=list)

    def where(self, line: int | None) -> str:
        """A step's location as a grader reads it: ``file, line 12`` or ``file, cell 3, line 2``."""
        if self.notebook and self.document is not None:
            return f"{self.file}, {cell_of(line, self.document.text, self.notebook)}"
        return f"{self.file}, line {line}" if line else self.file


def read_paper(student: str, path: Path, read: Callable[..., Any], *, max_chars: int) -> Paper:
    """Read one file with ``read`` (`derive.latex.read_document` and its options); never raises."""
    file = str(path)
    try:
        size = path.stat().st_size
        if size > 4 * max_chars + 4:  # UTF-8 needs at most 4 bytes a character
            return Paper(student, file, error=f"the file has {size} bytes, more than --max-chars allows")
        data = path.read_bytes()
        starts: tuple[int, ...] = ()
        source: bytes | str = data
        if path.suffix.lower() == ".ipynb":
            source, starts = notebook_text(data)
        document = read(source, path=file, max_chars=max_chars)
    except (OSError, UsageError) as exc:
        return Paper(student, file, error=str(exc) if isinstance(exc, UsageError) else f"cannot read: {exc}")
    return Paper(student, file, document, tuple(document.steps), notebook=starts)


# ---------------------------------------------------------------------------------------
# Problems and final answers.

_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_BOLD_PROBLEM = re.compile(r"^\s*\*\*((?:problem|question|exercise|task|q)\b[^*]*)\*\*", re.IGNORECASE)
_TEX_HEADING = re.compile(r"\\((?:sub){0,2})section\*?\s*\{")
_FENCE_LINE = re.compile(r"^ {0,3}(```|~~~)")
_TEX_COMMENT = re.compile(r"(?<!\\)%.*")
_NUMBERED = re.compile(
    r"(?i)(?:\b(?:problem|question|exercise|task|part|q|ex)\s*\.?\s*|^\s*)"
    r"(\d+(?:\.\d+)*)\s*(?:\(?\s*([a-z])\b\s*\)?)?"
)
_BOXED = re.compile(r"\\boxed\s*\{")


def problem_key(title: str) -> str:
    """How a heading is matched between files: ``Problem 2(a)`` -> ``2a``, else its words lower-cased."""
    m = _NUMBERED.search(title)
    if m:
        return m.group(1) + (m.group(2) or "").lower()
    return " ".join(re.findall(r"\w+", title.lower())) or UNTITLED


def _heading_of(lines: list[str], number: int, line: str) -> tuple[int, str] | None:
    """(level, title) if ``line`` (number ``number``, from 1) is a heading."""
    m = _MD_HEADING.match(line)
    if m:
        return len(m.group(1)), m.group(2).strip()
    below = lines[number] if number < len(lines) else ""
    if _SETEXT.match(below) and line.strip() and not line.lstrip().startswith(("$", "\\", "|", "-", "*")):
        return (1 if below.lstrip().startswith("=") else 2), line.strip()
    m = _BOLD_PROBLEM.match(line)
    if m:
        return 1, m.group(1).strip()
    m = _TEX_HEADING.search(line)
    if m:
        end = _group_end(line, m.end() - 1)
        if end > m.end():
            return 1 + len(m.group(1)) // 3, line[m.end() : end].strip()
    return None


def _all_headings(text: str) -> list[tuple[int, int, str]]:
    """(line, level, title) of every heading: Markdown ``#`` and setext, a bold **Problem n** line,
    LaTeX ``\\section``/``\\subsection``/``\\subsubsection`` (titles may hold braces); none
    inside a code fence or a TeX comment."""
    out: list[tuple[int, int, str]] = []
    fenced = False
    lines = text.split("\n")
    for number, raw in enumerate(lines, 1):
        if _FENCE_LINE.match(raw):
            fenced = not fenced
            continue
        line = _TEX_COMMENT.sub("", raw)
        if fenced or not line.strip():
            continue
        found = _heading_of(lines, number, line)
        if found is not None:
            out.append((number, *found))
    return out


def headings(text: str) -> list[tuple[int, str]]:
    """(line, title) of the headings that open problems, in order.

    Problems are the headings of one level: the highest level that has a numbered heading
    ("Problem 3", "Q2"), else the highest level there is; lower headings (``## Solution``,
    ``\\subsection{(a)}``) belong to the problem above them.
    """
    found = _all_headings(text)
    if not found:
        return []
    numbered = [level for _, level, title in found if _NUMBERED.search(title)]
    top = min(numbered) if numbered else min(level for _, level, _ in found)
    return [(line, title) for line, level, title in found if level == top]


def problem_of(line: int | None, marks: Sequence[tuple[int, str]]) -> str:
    """The key of the problem a line belongs to (the last heading at or before it)."""
    if line is None or not marks:
        return UNTITLED
    k = bisect.bisect_right([at for at, _ in marks], line) - 1  # marks are in line order
    return problem_key(marks[k][1]) if k >= 0 else UNTITLED


def _group_end(text: str, i: int) -> int:
    """The index of the ``}`` closing the group that opens at ``text[i]`` (-1 when unclosed)."""
    from derive.latex import brace_end  # noqa: PLC0415 - the LaTeX front end is heavy

    end = brace_end(text, i)
    return end - 1 if end > 0 else -1


def _answer_of(tex: str) -> str | None:
    """The value a final result states, or None when it is not one value to compare.

    ``x = 3`` and ``3 = x`` state 3; ``x < 3``, ``x = 2 \\text{ or } x = 3``, ``x \\in \\{2, 3\\}`` and
    chains with several relations are answers of another kind, left to the grader.
    """
    from derive.latex import split_block  # noqa: PLC0415 - the LaTeX front end is heavy
    from derive.latex.parser import name_of  # noqa: PLC0415
    from derive.model import Relation  # noqa: PLC0415

    if re.search(r"\\(?:text|mbox|textrm)\s*\{[^{}]*\bor\b|\\(?:in|lor|vee|cup|pm|mp)(?![A-Za-z])|\\\{|,", tex):
        return None
    try:
        steps = split_block(tex)
    except Exception:  # an unreadable box is no answer to compare, not a crash
        return None
    if not steps:
        return tex.strip() or None
    if len(steps) > 1 and any(rel is not Relation.EQ for _, rel, _ in steps):
        return None
    lhs, rel, rhs = steps[0] if len(steps) == 1 else (steps[0][0], steps[-1][1], steps[-1][2])
    if rel is not Relation.EQ:
        return None

    def lone(side: str) -> bool:
        try:
            name_of(side)
        except Exception:  # not a name
            return False
        return True

    if lone(rhs) and not lone(lhs):
        return lhs.strip()  # 3 = x
    return rhs.strip()


def _boxes(text: str) -> list[tuple[int, str]]:
    """(line, content) of every ``\\boxed{...}`` in the text, display or inline math."""
    out = []
    for m in _BOXED.finditer(text):
        end = _group_end(text, m.end() - 1)
        if end > m.end():
            out.append((text.count("\n", 0, m.start()) + 1, text[m.end() : end]))
    return out


def final_answers(paper: Paper) -> dict[str, tuple[str | None, int | None]]:
    """problem -> (final result or None, line): the last ``\\boxed{}`` of the problem, else the right
    side of its last step (a definition's too); None: an answer derive does not compare."""
    if paper.document is None:
        return {}
    marks = headings(paper.document.text)
    answers: dict[str, tuple[str | None, int | None]] = {}
    for step in paper.steps:
        if step.kind != "unreadable" and step.rhs_tex.strip() and not step.error:
            if getattr(step, "proportional_in", ""):
                continue  # A \propto B states no value
            value = step.rhs_tex.strip()
            if step.relation.value != "==":
                value = None
            answers[problem_of(step.line, marks)] = (value, step.line)
    boxed = {problem_of(line, marks): (_answer_of(content), line) for line, content in _boxes(paper.document.text)}
    return answers | boxed


def _front_matter(text: str) -> str:
    m = re.match(r"\A(?:\ufeff)?---[ \t]*\r?\n.*?\r?\n(?:---|\.\.\.)[ \t]*\r?\n", text, re.DOTALL)
    return m.group(0) if m else ""


# ---------------------------------------------------------------------------------------
# Scores.


@dataclass
class Grade:
    """One student's outcome: papers, answers compared with the key, counts and score."""

    student: str
    papers: list[Paper]
    answers: dict[str, tuple[str, Result]] = field(default_factory=dict)  # problem -> (student's result, check)
    problems: dict[str, list[Result]] = field(default_factory=dict)  # problem -> step results
    uncompared: dict[str, str] = field(default_factory=dict)  # problem -> why its answer was not compared
    score: float = 0.0

    def counts(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for paper in self.papers:
            counts["files"] += 1
            if paper.error:
                counts["error"] += 1
            for step, result in zip(paper.steps, paper.results, strict=False):
                if step.kind == "definition":
                    continue
                counts["steps"] += 1
                counts[result.verdict.value] += 1
        counts["answers_total"] = len(self.answers)
        counts["answers_correct"] = sum(1 for _, r in self.answers.values() if r.verdict in ACCEPTED)
        return counts


def problem_score(results: Sequence[Result], answer: Result | None) -> float:
    """Accepted steps over decided ones (undecided and unreadable steps are derive's limits, not the
    student's mistakes; they are counted apart); with a compared key answer, half that share and
    half for the answer. A problem with no decided step and no compared answer scores 0."""
    accepted = sum(1 for r in results if r.verdict in ACCEPTED)
    decided = accepted + sum(1 for r in results if r.verdict is Verdict.REFUTED)
    share = accepted / decided if decided else None
    if answer is None:
        return share or 0.0
    right = 1.0 if answer.verdict in ACCEPTED else 0.0
    return right if share is None else 0.5 * share + 0.5 * right


def score(grade: Grade, problems: Sequence[str], points: Mapping[str, float] | None) -> float:
    """The 0–100 score of the module docstring over ``problems`` (the key's, else the student's)."""
    weights = {p: float(points.get(p, 0.0)) if points is not None else 1.0 for p in problems}
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    earned = 0.0
    for problem, weight in weights.items():
        results = grade.problems.get(problem, [])
        answer = grade.answers.get(problem, (None, None))[1]
        attempted = bool(results) or answer is not None
        earned += weight * (problem_score(results, answer) if attempted else 0.0)
    return round(100.0 * earned / total, 2)


def read_points(path: str | Path) -> dict[str, float]:
    """A ``--points`` file: a YAML mapping from problem (a heading or its number) to points."""
    import yaml  # noqa: PLC0415 - only --points needs it

    try:
        text = Path(path).read_text(encoding="utf-8")
        if len(text) > 100_000:
            msg = f"the points file {path} is over 100 kB: a points file is a short mapping"
            raise UsageError(msg)
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError, MemoryError) as exc:
        msg = f"cannot read the points file {path}: {str(exc)[:200]}"
        raise UsageError(msg) from None
    if isinstance(data, Mapping) and isinstance(data.get("points"), Mapping):
        data = data["points"]
    if not isinstance(data, Mapping) or not data:
        msg = f"the points file {path} must be a mapping from problem to points, e.g. {{'1': 10, '2': 20}}"
        raise UsageError(msg)
    out: dict[str, float] = {}
    for name, value in data.items():
        try:
            number = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else -1.0
        except OverflowError:
            number = math.inf
        if not (0 <= number < math.inf):
            shown, given = str(name)[:40], str(value)[:40]
            msg = f"the points file {path}: points for {shown!r} must be a finite number >= 0, not {given}"
            raise UsageError(msg)
        problem = problem_key(str(name))
        if problem in out and out[problem] != number:
            msg = f"the points file {path} gives problem {problem} two values ({out[problem]:g} and {number:g})"
            raise UsageError(msg)
        out[problem] = number
    return out


# ---------------------------------------------------------------------------------------
# One run over the class.


def _answer_step(where: str, tex: str, key_tex: str, front: str, read: Callable[..., Any]) -> Any:
    """The step ``student = key`` for one problem, read under the key's front matter (None: unreadable)."""
    text = f"{front}\n$$\n{{{tex}}} = {{{key_tex}}}\n$$\n"
    try:
        document = read(text, path=where)
    except UsageError:
        return None
    steps = [s for s in document.steps if s.kind == "step"]
    return steps[0] if len(steps) == 1 else None


def _read_key(key: Path, read: Callable[..., Any], max_chars: int) -> tuple[dict, list[str], str]:
    """The key's final answers per problem, its problems in order, and its front matter."""
    paper = read_paper("key", key, read, max_chars=max_chars)
    if paper.error:
        msg = f"cannot read the key {key}: {paper.error}"
        raise UsageError(msg)
    answers = final_answers(paper)
    problems = list(dict.fromkeys(problem_of(s.line, headings(paper.document.text)) for s in paper.steps))
    problems += [p for p in answers if p not in problems]
    if len(problems) > 1 and UNTITLED in problems:
        problems.remove(UNTITLED)  # what the key says before its first problem is no problem
        answers.pop(UNTITLED, None)
    if not problems:
        msg = f"the key {key} has no problem with a step or a final result (headings and display math)"
        raise UsageError(msg)
    return answers, problems, _front_matter(paper.document.text)


def grade_class(
    submissions: Sequence[Submission],
    *,
    read: Callable[..., Any],
    check: Callable[[list[Any]], list[Result]],
    key: Path | None = None,
    points: Mapping[str, float] | None = None,
    max_chars: int,
) -> tuple[list[Grade], list[str], list[str]]:
    """Read, check and score every submission; returns (grades, problems scored, warnings).

    ``read`` is `derive.latex.read_document` with the run's options bound; ``check`` runs a list
    of steps (the caller's worker pool, cache and `settle`) and returns their results in order.
    """
    warnings: list[str] = []
    grades = [
        Grade(s.student, [read_paper(s.student, f, read, max_chars=max_chars) for f in s.files]) for s in submissions
    ]
    for grade in grades:
        if not grade.papers:
            warnings.append(f"{grade.student}: no readable file (.md, .tex, .txt, .ipynb) in the submission")
        warnings.extend(f"{grade.student}: {p.file}: {p.error}" for p in grade.papers if p.error)
    key_answers, problems, front = _read_key(key, read, max_chars) if key is not None else ({}, [], "")
    # Every step of every student, then the answers: one run, one pool, one cache.
    steps: list[Any] = [s for g in grades for p in g.papers for s in p.steps]
    pending: list[tuple[Grade, str, Any]] = []
    for grade in grades:
        mine: dict[str, tuple[str | None, int | None]] = {}
        for paper in grade.papers:
            mine |= final_answers(paper)
        for problem, (key_tex, _) in key_answers.items():
            if problem not in mine:
                continue
            if key_tex is None or mine[problem][0] is None:
                grade.uncompared[problem] = "a relation, a set or several values: compare it by hand"
                continue
            where = f"{grade.student}: answer to problem {problem}"
            step = _answer_step(where, mine[problem][0], key_tex, front, read)
            if step is not None:
                pending.append((grade, problem, step))
            else:
                grade.uncompared[problem] = "the final result could not be read: compare it by hand"
    results = check(steps + [s for _, _, s in pending])
    at = 0
    for grade in grades:
        for paper in grade.papers:
            paper.results = results[at : at + len(paper.steps)]
            at += len(paper.steps)
            marks = headings(paper.document.text) if paper.document is not None else []
            for step, result in zip(paper.steps, paper.results, strict=True):
                if step.kind != "definition" and not _trivial(step):
                    grade.problems.setdefault(problem_of(step.line, marks), []).append(result)
    for (grade, problem, step), result in zip(pending, results[at:], strict=True):
        why = _not_comparable(step, result)
        if why is not None:
            grade.uncompared[problem] = why
            continue
        grade.answers[problem] = (step.lhs_tex.strip()[1:-1], result)  # the student's result, unbraced
    if points is not None and problems:
        unknown = sorted(set(points) - set(problems))
        if unknown:
            warnings.append(f"--points names problems the key does not have: {', '.join(unknown)}")
    for grade in grades:
        own = problems or list(grade.problems)
        grade.score = score(grade, own, points)
    return grades, problems, warnings


def _trivial(step: Any) -> bool:
    """A step that states nothing (``0 = 0``, ``a = a``): padding is not work, so it is not scored."""
    lhs, rhs = (re.sub(r"\s+|\\[,;:! ]", "", t) for t in (step.lhs_tex, step.rhs_tex))
    return lhs == rhs


def _not_comparable(step: Any, result: Result) -> str | None:
    """Why an answer check says nothing about the answer (it then counts neither way)."""
    from derive.latex.names import names_in  # noqa: PLC0415

    if result.verdict in (Verdict.ERROR, Verdict.UNDECIDED):
        return f"not decided ({result.verdict.value}): compare it by hand"
    if result.verdict is Verdict.REFUTED:
        mine, key = names_in(step.lhs_tex), names_in(step.rhs_tex)
        if mine is None or key is None or not mine[0] <= key[0]:
            return "it uses names the key's answer does not (its own definitions?): compare it by hand"
    return None


# ---------------------------------------------------------------------------------------
# Outputs.


_RESERVED = frozenset({"summary", "gradebook", "scores", "results", "katex", "gradescope"})


def _file_names(grades: Sequence[Grade]) -> dict[str, str]:
    """student -> a file name of their own: safe characters, at most 80 of them, none of the class
    outputs' names, and distinct after cleaning (``a b`` and ``a_b`` get two files)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for grade in grades:
        base = re.sub(r"[^\w.-]+", "_", grade.student).strip("._")[:80] or "student"
        if base.lower() in _RESERVED:
            base += "_student"
        name, k = base, 1
        while name.lower() in used:
            k += 1
            name = f"{base}_{k}"
        used.add(name.lower())
        out[grade.student] = name
    return out


def _csv_cell(value: Any) -> Any:
    """A gradebook cell a spreadsheet will not run: text starting with = + - @ is quoted."""
    return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _step_line(step: Any) -> str:
    relation = {"==": "=", "<=": "≤", ">=": "≥", "~=": "≈", "<": "<", ">": ">"}.get(step.relation.value, "=")
    relation = "\\propto" if getattr(step, "proportional_in", "") else relation
    return f"{step.lhs_tex.strip()} {relation} {step.rhs_tex.strip()}"


def student_markdown(grade: Grade) -> str:
    """The student's report: score, answers, then each document echoed with verdicts."""
    from derive.reporting import report  # noqa: PLC0415 - report imports rich lazily; keep this module light

    counts = grade.counts()
    lines = [f"# {grade.student}", "", f"Score: **{grade.score:g} / 100** (rule: `derive grade --help`)", ""]
    lines.append(
        f"{counts['steps']} steps: {counts['proved']} proved, {counts['verified']} verified, "
        f"{counts['consistent']} consistent, {counts['refuted']} refuted, {counts['undecided']} undecided, "
        f"{counts['error']} error"
    )
    if grade.answers or grade.uncompared:
        # Whether it matches, never the check's evidence: lhs - rhs would tell the key's answer.
        lines += ["", "| problem | final result | compared with the key |", "|---|---|---|"]
        for problem, (tex, result) in sorted(grade.answers.items()):
            said = "matches the key" if result.verdict in ACCEPTED else "does not match the key"
            lines.append(f"| {problem} | ${_cell(tex)}$ | {said} |")
        for problem, why in sorted(grade.uncompared.items()):
            lines.append(f"| {problem} | | not compared: {_cell(why)} |")
    for paper in grade.papers:
        lines += ["", f"## {paper.file}", ""]
        if paper.error:
            lines.append(f"> derive could not read this file: {paper.error}")
            continue
        if not paper.steps:
            lines.append("> no step found in display math")
        lines.append(report.render(paper.results, "markdown", steps=paper.steps, document=paper.document))
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")[:300]


def gradebook_rows(grades: Sequence[Grade]) -> list[dict[str, Any]]:
    rows = []
    for grade in grades:
        counts = grade.counts()
        row: dict[str, Any] = {c: counts.get(c, 0) for c in GRADEBOOK_COLUMNS}
        row["student"] = _csv_cell(grade.student)
        row["files"] = counts["files"]
        row["score"] = grade.score
        rows.append(row)
    return rows


def gradescope_result(grade: Grade, problems: Sequence[str], points: Mapping[str, float] | None) -> dict[str, Any]:
    """The Gradescope autograder ``results.json`` for one student: one test per problem."""
    names = list(problems) or list(grade.problems)
    weights = {p: float(points.get(p, 0.0)) if points is not None else 1.0 for p in names}
    total = sum(weights.values()) or 1.0
    tests = []
    for problem in names:
        results = grade.problems.get(problem, [])
        answer = grade.answers.get(problem, (None, None))[1]
        attempted = bool(results) or answer is not None
        max_score = round(100.0 * weights[problem] / total, 4)
        earned = round(max_score * (problem_score(results, answer) if attempted else 0.0), 4)
        bad = [r for r in results if r.verdict not in ACCEPTED]
        plural = "" if len(results) == 1 else "s"
        output = (
            [f"{len(results)} step{plural}, {len(results) - len(bad)} accepted"] if attempted else ["not attempted"]
        )
        output += [f"- {r.verdict.value}: {r.claim.text} — {r.detail}" for r in bad[:20]]
        if answer is not None:
            # Only whether it matches: the evidence (lhs - rhs = ...) would tell the key's answer.
            output.append(
                "final result: matches the key"
                if answer.verdict in ACCEPTED
                else "final result: does not match the key"
            )
        elif problem in grade.uncompared:
            output.append(f"final result: not compared ({grade.uncompared[problem]})")
        tests.append(
            {
                "name": f"Problem {problem}",
                "score": earned,
                "max_score": max_score,
                "output": "\n".join(output),
                "status": "passed" if earned >= max_score - 1e-9 else "failed",
            }
        )
    return {
        "score": grade.score,  # out of 100: the tests' max_scores add up to 100
        "output": f"checked by derive: {grade.counts()['steps']} steps",
        "tests": tests,
    }


def summary(grades: Sequence[Grade], problems: Sequence[str]) -> dict[str, Any]:
    """Per problem counts, the most frequent refuted steps, and the scores."""
    per: dict[str, Counter[str]] = {}
    unreadable = 0
    refuted: Counter[str] = Counter()
    example: dict[str, str] = {}
    for grade in grades:
        for paper in grade.papers:
            marks = headings(paper.document.text) if paper.document is not None else []
            unreadable += bool(paper.error)
            for step, result in zip(paper.steps, paper.results, strict=False):
                if step.kind == "definition":
                    continue
                counts = per.setdefault(problem_of(step.line, marks), Counter())
                counts["steps"] += 1
                counts[result.verdict.value] += 1
                if result.verdict is Verdict.REFUTED:
                    text = re.sub(r"\s+", " ", _step_line(step))
                    refuted[text] += 1
                    example.setdefault(text, f"{grade.student} ({paper.where(step.line)}): {result.detail}")
        for problem, (_, result) in grade.answers.items():
            per.setdefault(problem, Counter())[
                "answers correct" if result.verdict in ACCEPTED else "answers wrong"
            ] += 1
    order = list(problems) + sorted(p for p in per if p not in problems)
    return {
        "students": len(grades),
        "unreadable": unreadable,
        "problems": {p: dict(per.get(p, Counter())) for p in order},
        "refuted": [(text, n, example[text]) for text, n in refuted.most_common(10)],
        "scores": [g.score for g in grades],
    }


_PROBLEM_COLUMNS = ("steps", "refuted", "undecided", "error", "answers correct", "answers wrong")


def summary_markdown(data: Mapping[str, Any], plot: str | None) -> str:
    scores = sorted(data["scores"])
    mid = statistics.median(scores) if scores else 0.0
    lines = ["# derive grading summary", "", f"{data['students']} students; {data['unreadable']} unreadable files."]
    if scores:
        lines.append(
            f"Scores: mean {sum(scores) / len(scores):.1f}, median {mid:g}, min {scores[0]:g}, max {scores[-1]:g}."
        )
    lines += ["", "| problem | " + " | ".join(_PROBLEM_COLUMNS) + " |", "|---" * (len(_PROBLEM_COLUMNS) + 1) + "|"]
    for problem, counts in data["problems"].items():
        lines.append(f"| {problem} | " + " | ".join(str(counts.get(c, 0)) for c in _PROBLEM_COLUMNS) + " |")
    if data["refuted"]:
        lines += ["", "## Most frequent refuted steps", "", "| students | step | one example |", "|---|---|---|"]
        lines += [f"| {n} | ${_cell(text)}$ | {_cell(ex)} |" for text, n, ex in data["refuted"]]
    if plot:
        lines += ["", "## Scores", "", f"![distribution of scores]({plot})"]
    return "\n".join(lines) + "\n"


def summary_html(data: Mapping[str, Any], png: bytes | None) -> str:
    esc = html.escape
    head = "".join(f"<th>{esc(c)}</th>" for c in ("problem", *_PROBLEM_COLUMNS))
    rows = "".join(
        "<tr><td>" + esc(p) + "</td>" + "".join(f"<td>{c.get(k, 0)}</td>" for k in _PROBLEM_COLUMNS) + "</tr>"
        for p, c in data["problems"].items()
    )
    refuted = "".join(
        f"<tr><td>{n}</td><td><code>{esc(text)}</code></td><td>{esc(ex)}</td></tr>" for text, n, ex in data["refuted"]
    )
    image = (
        f'<img alt="distribution of scores" src="data:image/png;base64,{base64.b64encode(png).decode()}">'
        if png
        else ""
    )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>derive grading summary</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:4px 8px}</style></head><body>"
        f"<h1>derive grading summary</h1><p>{data['students']} students; {data['unreadable']} unreadable files.</p>"
        f"<table><tr>{head}</tr>{rows}</table>"
        + (
            "<h2>Most frequent refuted steps</h2><table><tr><th>students</th><th>step</th><th>one example</th></tr>"
            f"{refuted}</table>"
            if refuted
            else ""
        )
        + (f"<h2>Scores</h2>{image}" if image else "")
        + "</body></html>\n"
    )


def score_plot(scores: Sequence[float]) -> bytes | None:
    """A histogram of the scores as PNG bytes (None without matplotlib)."""
    try:
        import matplotlib  # noqa: PLC0415 - an optional extra

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # noqa: PLC0415
    except ImportError:
        return None
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.hist(list(scores), bins=[i * 10 for i in range(11)], color="#4a7bb7", edgecolor="white")
    ax.set_xlabel("score (0-100)")
    ax.set_ylabel("students")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_xlim(0, 100)
    ax.set_title("derive grade: distribution of scores")
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def write_outputs(
    grades: Sequence[Grade],
    problems: Sequence[str],
    outdir: Path,
    *,
    points: Mapping[str, float] | None = None,
    gradescope: bool = False,
    html_reports: bool = True,
) -> list[Path]:
    """Write every output of the module docstring into ``outdir``; returns the paths written."""
    from derive.reporting import report  # noqa: PLC0415

    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def put(name: str, data: str | bytes) -> None:
        path = outdir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
        written.append(path)

    if html_reports:  # one copy of KaTeX beside the class's reports, not one per report
        from derive.reporting._html import write_katex  # noqa: PLC0415

        written += write_katex(outdir / "katex")
    names = _file_names(grades)
    for grade in grades:
        name = names[grade.student]
        put(f"{name}.md", student_markdown(grade))
        if html_reports:
            steps = [s for p in grade.papers for s in p.steps]
            results = [r for p in grade.papers for r in p.results]
            path = report.write_html(
                results,
                outdir / f"{name}.html",
                steps=steps,
                title=f"derive — {grade.student}",
                auto_plots=False,
                katex="katex",
            )
            written.append(path)
        if gradescope:
            put(f"gradescope/{name}.json", json.dumps(gradescope_result(grade, problems, points), indent=2) + "\n")
    if gradescope and len(grades) == 1:
        put("results.json", json.dumps(gradescope_result(grades[0], problems, points), indent=2) + "\n")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=GRADEBOOK_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(gradebook_rows(grades))
    put("gradebook.csv", buffer.getvalue())
    data = summary(grades, problems)
    png = score_plot(data["scores"])
    if png is not None:
        put("scores.png", png)
    put("summary.md", summary_markdown(data, "scores.png" if png is not None else None))
    put("summary.html", summary_html(data, png))
    return written
