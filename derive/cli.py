"""The ``derive`` command: ``check``, ``latex``, ``plot``, ``index`` and ``cache``.

Exit status (every command):

- 0: every claim's outcome matches its ``expect`` (``derive latex``: no step is refuted;
  ``derive index --check``: the index is up to date);
- 1: some outcome does not (an undecided or error claim counts as a mismatch; for
  ``derive latex``, some step is refuted; for ``index --check``, the file is stale);
- 2: usage error or unreadable input: unknown option or format, missing path, no claims
  found, a bad ``-k`` expression or ``--symbols`` file, or a load problem that cannot be
  tied to a claim id (a file that is not valid YAML or not UTF-8, a claim without an id);
  the report of everything else is still printed. A malformed claim *with* an id inside a
  readable file is an ``error`` row and exit 1, so one typo does not hide the rest of the run;
- 3: an internal error (a bug in derive): one line on stderr asking for a report
  (``DERIVE_DEBUG=1`` shows the traceback);
- 130: interrupted by Ctrl-C; the claims that finished are still reported.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import json
import os
import re
import signal
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from derive import __version__
from derive.cache import ResultCache
from derive.errors import DeriveError, Location, UsageError
from derive.model import LOAD_ERROR, Claim, Evidence, Method, Outcome, Relation, Result, Settings, Verdict
from derive.reporting import report
from derive.reporting.index import render_index
from derive.runner import RunInterrupted, run_claims

__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "build_parser",
    "main",
    "select",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130

_DEFAULTS = Settings()
_PROGRESS_AFTER = 1.0  # seconds before a progress bar appears


class _InputError(DeriveError):
    """Input that cannot be read at all (exit status 2)."""


def _either(a: Callable[[Claim], bool], b: Callable[[Claim], bool]) -> Callable[[Claim], bool]:
    return lambda c: a(c) or b(c)


def _both(a: Callable[[Claim], bool], b: Callable[[Claim], bool]) -> Callable[[Claim], bool]:
    return lambda c: a(c) and b(c)


# ---------------------------------------------------------------------------------------
# -k expressions: pytest-like `and` / `or` / `not` / parentheses over substrings.

_K_TOKEN = re.compile(r"\s*(\(|\)|[^\s()]+)")


def select(expression: str) -> Callable[[Claim], bool]:
    """A predicate for ``-k EXPR``: a word matches a claim whose id or one of whose tags
    contains it (case-insensitive); words combine with ``and``, ``or``, ``not`` and parentheses.

    >>> from derive.model import Claim
    >>> pick = select("gan and not sigmoid")
    >>> pick(Claim(id="gan.d_star", lhs="1", rhs="1")), pick(Claim(id="gan.sigmoid", lhs="1", rhs="1"))
    (True, False)
    """
    tokens = [m.group(1) for m in _K_TOKEN.finditer(expression)]
    if not tokens:
        msg = "-k expression is empty; give a word such as 'gan' or 'kl and not mc'"
        raise UsageError(msg)
    pos = 0

    def fail(why: str) -> UsageError:
        return UsageError(f"bad -k expression {expression!r}: {why}")

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def parse_or() -> Callable[[Claim], bool]:
        left = parse_and()
        while peek() == "or":
            take()
            right = parse_and()
            left = _either(left, right)
        return left

    def parse_and() -> Callable[[Claim], bool]:
        left = parse_not()
        while peek() == "and":
            take()
            right = parse_not()
            left = _both(left, right)
        return left

    def parse_not() -> Callable[[Claim], bool]:
        if peek() == "not":
            take()
            inner = parse_not()
            return lambda c: not inner(c)
        return parse_atom()

    def parse_atom() -> Callable[[Claim], bool]:
        token = peek()
        if token is None:
            raise fail("it ends where a word was expected")
        if token == "(":  # noqa: S105 - a parenthesis, not a password
            take()
            inner = parse_or()
            if peek() != ")":
                raise fail("missing ')'")
            take()
            return inner
        if token in (")", "and", "or"):
            raise fail(f"unexpected {token!r}")
        word = take().lower()
        return lambda c: word in c.id.lower() or any(word in str(t).lower() for t in c.tags)

    predicate = parse_or()
    if pos != len(tokens):
        raise fail(f"unexpected {tokens[pos]!r}")
    return predicate


# ---------------------------------------------------------------------------------------
# Argument parsing.


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, not {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, not {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, not {text!r}")
    return value


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None


def _add_run_options(parser: argparse.ArgumentParser, *, jobs: bool = True) -> None:
    parser.add_argument(
        "--timeout",
        type=_positive_float,
        default=_DEFAULTS.timeout,
        metavar="S",
        help=f"wall-time budget per claim in seconds (default {_DEFAULTS.timeout:g}; a claim's timeout: overrides)",
    )
    parser.add_argument(
        "--memory",
        type=_positive_int,
        default=_DEFAULTS.memory_mb,
        metavar="MB",
        help=f"memory cap per worker process in MB, beyond what it inherits (default {_DEFAULTS.memory_mb})",
    )
    parser.add_argument(
        "--seed",
        type=_int,
        default=_DEFAULTS.seed,
        metavar="N",
        help=f"seed of the random test points and Monte Carlo samples (default {_DEFAULTS.seed})",
    )
    if jobs:
        parser.add_argument(
            "--jobs",
            "-j",
            type=_positive_int,
            default=os.cpu_count() or 1,
            metavar="N",
            help=f"worker processes; the output order does not depend on it (default: cores, {os.cpu_count() or 1})",
        )
    parser.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the result cache (see: derive cache)"
    )
    if jobs:
        parser.add_argument(
            "--executor",
            metavar="URL",
            default=os.environ.get("DERIVE_EXECUTOR") or None,
            help="dask://HOST:PORT: check on that Dask cluster's workers instead of local processes, same "
            "budgets and results (default: local; env DERIVE_EXECUTOR)",
        )


def _add_output_options(parser: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    parser.add_argument("--format", "-f", choices=formats, default="table", help="output format (default table)")
    parser.add_argument("--html", metavar="FILE", help="also write a self-contained HTML report to FILE")
    parser.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="table: print only the rows that fail and a summary line; no progress bar",
    )
    parser.add_argument(
        "--verbose",
        "-v",
        action="store_true",
        help="table: every tier's evidence under each row; cache hits and misses on stderr",
    )


_ENVIRONMENT = """\
environment:
  NO_COLOR         set (to anything) for no colour; output that is not a terminal has none anyway
  COLUMNS          table width when stdout is not a terminal (default 160)
  DERIVE_CACHE_DIR folder of the result cache (default: the user cache folder; see: derive cache)
  DERIVE_DEBUG     set to show the traceback of an internal error (exit status 3)
  DERIVE_EXECUTOR  default for --executor (dask://HOST:PORT: a Dask scheduler)"""

_EXIT_STATUS = """\
exit status:
  0 every outcome as expected; 1 some claim not (undecided and error count as not);
  2 usage error or unreadable input; 3 internal error (a bug in derive);
  130 interrupted by Ctrl-C (what finished is still reported)"""

_LATEX_EXIT_STATUS = """\
exit status:
  0 no step refuted; 1 some step refuted (with --strict: or undecided, or an error);
  2 usage error or unreadable input;
  3 internal error (a bug in derive); 130 interrupted by Ctrl-C (what finished is still reported)"""


_GRADE_HELP = """\
submissions:
  Each SUBMISSION is one student: a file (named by its stem) or a folder (named by the folder,
  all its .md/.markdown/.tex/.txt/.ipynb files). A single folder holding only folders is a
  class: each entry is one student. Links, hidden files (.ipynb_checkpoints) and __MACOSX are
  skipped. Notebooks give their Markdown cells; locations name the cell.
problems and the key:
  A problem is what follows one heading of the numbered level (# Problem 1, \\section{Q2});
  lower headings (## Solution) belong to it. Problems are matched between files by their
  number ("Problem 3", "Q2(a)", "1.2") or else their words. With --key, each problem's final
  result (the last \\boxed{}, else the right side of the last step) is compared with the key's
  by derive's tiers; relations, sets and undecidable answers are left to the grader.
score (0-100):
  A problem scores the share of its decided steps (proved, verified, consistent or refuted)
  that are accepted; with a compared key answer, half that share plus half for a matching final
  result. The score is the mean over the key's problems (without --key: the student's own),
  weighted by --points; a problem not attempted scores 0. Undecided and error steps are not
  the student's mistakes: they do not count, and have their own gradebook columns."""

_GRADE_EXIT_STATUS = """\
exit status:
  0 graded and written (unreadable student files are reported in the outputs and on stderr);
  2 usage error (no submissions, unreadable key or points file, unwritable OUTDIR);
  3 internal error; 130 interrupted by Ctrl-C (nothing is written)"""


def _epilog(*parts: str) -> str:
    return "\n\n".join(parts)


def _para(text: str) -> str:
    # The raw formatter keeps the epilogs' layout, so descriptions are wrapped here.
    return textwrap.fill(text, width=88)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``derive`` command."""
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="derive",
        description=_para(
            "Check the steps of machine-learning derivations: proved, verified, consistent, refuted, "
            "undecided or error, with evidence. 'derive COMMAND --help' lists a command's options."
        ),
        epilog=_epilog(_EXIT_STATUS + "\n  (derive latex: 1 when some step is refuted)", _ENVIRONMENT),
        formatter_class=raw,
    )
    parser.add_argument("--version", action="version", version=f"derive {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser(
        "check",
        help="check claim files (YAML, and Python modules unless --no-python)",
        description=_para(
            "Check every claim in the claim files (YAML; Python modules unless --no-python), each in a "
            "worker process under a time and memory budget."
        ),
        epilog=_epilog(_EXIT_STATUS, _ENVIRONMENT),
        formatter_class=raw,
    )
    check.add_argument("paths", nargs="*", metavar="PATH", help="claim files or folders (default: claims/)")
    _add_output_options(check, ("table", "json", "junit", "markdown"))
    _add_run_options(check)
    check.add_argument(
        "-k",
        dest="keyword",
        metavar="EXPR",
        help="select claims whose id or a tag contains each word (case-insensitive), "
        "with and/or/not/parentheses: 'gan and not sigmoid'",
    )
    check.add_argument("--show-evidence", action="store_true", help="show every tier's evidence in the table")
    check.add_argument("--no-python", action="store_true", help="refuse Python claim modules (*.py), read YAML only")

    latex = sub.add_parser(
        "latex",
        help="check every display-math step of LaTeX/Markdown homework",
        description=_para(
            "Check every step of every display-math block ($$...$$, \\[...\\], equation, align, ...) "
            "of LaTeX or Markdown files."
        ),
        epilog=_epilog(_LATEX_EXIT_STATUS, _ENVIRONMENT),
        formatter_class=raw,
    )
    latex.add_argument("files", nargs="+", metavar="FILE", help=".md, .txt or .tex files")
    latex.add_argument("--symbols", metavar="F", help="YAML file with a derive: {symbols: {...}} mapping")
    latex.add_argument(
        "--macros",
        action="append",
        metavar="FILE",
        help="a .tex/.sty file whose macro definitions (\\newcommand, \\DeclareMathOperator, \\def, \\let) are read, "
        "never run; repeatable, later files win. A document's own definitions (preamble, $$\\newcommand..$$) win "
        "over these, a macros: mapping in front matter or --symbols over both; \\input is never followed",
    )
    latex.add_argument("--inline", action="store_true", help="also check inline $...$ math")
    latex.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when any step is refuted, undecided or an error (for CI; the default fails only on refuted)",
    )
    latex.add_argument(
        "--max-chars",
        type=_positive_int,
        default=None,
        metavar="N",
        help="longest document read, in characters (default 8000000); a longer file is an error row "
        "(exit 2), never checked in part",
    )
    _add_output_options(latex, ("table", "json", "junit", "markdown"))
    _add_run_options(latex)

    grade = sub.add_parser(
        "grade",
        help="grade a class: many submissions, a report per student, a summary and a gradebook",
        description=_para(
            "Check every step of every submission in one run (one worker pool, one result cache: a step "
            "many students wrote alike is decided once) and write OUTDIR/<student>.md and .html, "
            "OUTDIR/summary.md and .html (with scores.png), OUTDIR/gradebook.csv, and with --format "
            "gradescope the Gradescope results.json of each student."
        ),
        epilog=_epilog(_GRADE_HELP, _GRADE_EXIT_STATUS, _ENVIRONMENT),
        formatter_class=raw,
    )
    grade.add_argument(
        "submissions",
        nargs="+",
        metavar="SUBMISSION",
        help="a student's file or folder each (.md, .tex, .txt, .ipynb); one folder of such entries is a class",
    )
    grade.add_argument("--key", metavar="FILE", help="the instructor's solution: final results are compared with it")
    grade.add_argument(
        "--output", "-o", metavar="OUTDIR", default="derive-grades", help="where to write (default derive-grades)"
    )
    grade.add_argument("--points", metavar="F", help="YAML mapping problem -> points (default: 1 point per problem)")
    grade.add_argument(
        "--format",
        "-f",
        choices=("reports", "gradescope"),
        default="reports",
        help="reports (default), or also Gradescope results.json files",
    )
    grade.add_argument(
        "--symbols", metavar="F", help="YAML file with a derive: {symbols: {...}} mapping, for every file"
    )
    grade.add_argument("--no-html", action="store_true", help="no per-student HTML reports (faster for large classes)")
    grade.add_argument(
        "--max-chars", type=_positive_int, default=None, metavar="N", help="longest document read (default 8000000)"
    )
    grade.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    _add_run_options(grade)

    plot = sub.add_parser(
        "plot",
        help="plot a claim's evidence (needs matplotlib: pip install derive[plot])",
        description=_para(
            "Check one claim and plot its evidence: for a refuted numeric claim both sides over a range "
            "of the counterexample's variable; for a Monte Carlo claim the running estimate with its confidence band; "
            "for the GDA-on-xy claims the iterate trajectory; otherwise both sides along one variable."
        ),
        epilog=_epilog(
            "exit status:\n  0 plot written, 2 usage error (unknown id, no matplotlib) or unwritable file", _ENVIRONMENT
        ),
        formatter_class=raw,
    )
    plot.add_argument("claim_id", metavar="CLAIM_ID", help="id of the claim to plot, as in the table")
    plot.add_argument(
        "path", nargs="?", default="claims", metavar="PATH", help="claim files or folder (default claims/)"
    )
    plot.add_argument("-o", "--output", required=True, metavar="FILE", help="PNG or SVG file to write")
    _add_run_options(plot, jobs=False)

    index = sub.add_parser(
        "index",
        help="generate the claim library index (claims/README.md)",
        description=_para("Check every claim and write a Markdown index (claim, source, verdict, method)."),
        epilog=_epilog(
            "exit status:\n  0 written (or up to date with --check), 1 stale with --check, 2 unreadable input",
            _ENVIRONMENT,
        ),
        formatter_class=raw,
    )
    index.add_argument("path", nargs="?", default="claims", metavar="PATH", help="claim folder (default claims/)")
    index.add_argument("-o", "--output", default=None, metavar="FILE", help="file to write (default PATH/README.md)")
    index.add_argument("--check", action="store_true", help="exit 1 if the file on disk is not up to date")
    _add_run_options(index)

    cache = sub.add_parser(
        "cache",
        help="show or clear the result cache",
        description=_para(
            "Print the folder of the result cache (DERIVE_CACHE_DIR, else the user cache folder), or clear it."
        ),
    )
    cache.add_argument("--clear", action="store_true", help="remove every cached result")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    return Settings(seed=args.seed, timeout=args.timeout, memory_mb=args.memory)


# ---------------------------------------------------------------------------------------
# Shared plumbing.


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _open_cache(args: argparse.Namespace) -> Any:
    if getattr(args, "no_cache", False):
        return None
    return ResultCache()


def _close_cache(cache: Any, args: argparse.Namespace) -> None:
    if cache is None:
        return
    for message in cache.messages:
        _stderr(f"warning: {message}")
    if getattr(args, "verbose", False):
        _stderr(f"cache: {cache.hits} hits, {cache.misses} misses ({cache.path})")
    cache.close()


class _ProgressBar:
    """A rich progress bar on stderr, shown only on a TTY and only once a run passes a second.

    It refreshes from the callback (no background thread), because the runner forks workers.
    """

    def __init__(self, enabled: bool, label: str) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.label = label
        self.start = time.monotonic()
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, done: int, total: int, result: Result) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            if time.monotonic() - self.start < _PROGRESS_AFTER or done >= total:
                return
            from rich.console import Console  # noqa: PLC0415 - rich loads only when a bar is shown
            from rich.progress import (  # noqa: PLC0415
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            console = Console(stderr=True, no_color=bool(os.environ.get("NO_COLOR")))
            self.bar = Progress(
                TextColumn(self.label),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("eta"),
                TimeRemainingColumn(),
                TextColumn("{task.fields[rate]}"),
                TextColumn("{task.description}"),
                console=console,
                auto_refresh=False,
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("", total=total, rate="")
        rate = done / max(time.monotonic() - self.start, 1e-9)
        self.bar.update(self.task, completed=done, description=result.claim.id[:60], rate=f"{rate:.1f}/s")
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def _run(claims: list[Claim], settings: Settings, args: argparse.Namespace, label: str) -> tuple[list[Result], bool]:
    """Run ``claims``; return the results and whether Ctrl-C interrupted the run."""
    cache = _open_cache(args)
    bar = _ProgressBar(not getattr(args, "quiet", False), label)
    jobs = getattr(args, "jobs", 1)
    executor = getattr(args, "executor", None)
    try:
        if executor:
            from derive.cluster import run_on_dask  # noqa: PLC0415 - dask is an optional extra

            results = run_on_dask(claims, settings, executor, cache=cache, progress=bar)
        else:
            results = run_claims(claims, settings, jobs=jobs, cache=cache, progress=bar)
        interrupted = False
    except RunInterrupted as stop:
        results, interrupted = stop.results, True
    finally:
        bar.close()
        _close_cache(cache, args)
    if interrupted:
        finished = sum(1 for r in results if r.evidence is None or r.evidence.reason != "interrupted")
        _stderr(f"interrupted: {finished} of {len(results)} finished; the rest are marked not run")
    return results, interrupted


def _error_result(claim: Claim, message: str, *, reason: str = "input") -> Result:
    evidence = Evidence(Method.PARSE, message, reason=reason)
    return Result(claim, Verdict.ERROR, Method.PARSE, 0.0, (Outcome(Verdict.ERROR, evidence),))


def _emit(
    results: list[Result], args: argparse.Namespace, *, steps: list[Any] | None = None, text: str | None = None
) -> None:
    """Print ``results`` in ``args.format`` (``text``: a pre-rendered document) and write --html."""
    fmt = args.format
    if text is not None:
        sys.stdout.write(text)
    elif fmt == "table":
        # Piped output is read by people too (CI logs): wide rows rather than rich's 80 columns.
        width = None if sys.stdout.isatty() else _int_env("COLUMNS", 160)
        console = report.make_console(file=sys.stdout, no_color=_no_colour(), width=width)
        if args.quiet:
            bad = [i for i, r in enumerate(results) if (not _step_ok(r) if steps is not None else not r.ok)]
            failing = [results[i] for i in bad]
            kept = [steps[i] for i in bad] if steps is not None else None
            report.print_table(failing, console, verbose=args.verbose, steps=kept, summary_of=results)
        else:
            verbose = args.verbose or getattr(args, "show_evidence", False)
            report.print_table(results, console, verbose=verbose, steps=steps)
    else:
        sys.stdout.write(report.render(results, fmt, steps=steps))
    sys.stdout.flush()
    if args.html:
        try:
            report.write_html(results, args.html, steps=steps)
        except OSError as exc:
            msg = f"cannot write the HTML report {args.html}: {exc.strerror or exc}"
            raise _InputError(msg) from None


def _step_ok(result: Result) -> bool:
    return result.verdict is not Verdict.REFUTED and result.verdict is not Verdict.ERROR


def _int_env(name: str, default: int) -> int:
    try:
        return max(40, int(os.environ.get(name, default)))
    except ValueError:
        return default


def _no_colour() -> bool:
    return bool(os.environ.get("NO_COLOR")) or not sys.stdout.isatty()


# ---------------------------------------------------------------------------------------
# derive check / plot / index: loading claim files.


def _load(paths: Sequence[str], *, no_python: bool) -> tuple[list[Result | Claim], bool]:
    """Load claims; every load problem becomes an error row.

    Returns the rows in file order and whether some problem could not be attributed to a
    claim id (an unreadable file, invalid YAML, a claim without an id): that makes the run
    exit 2, after the report is printed.
    """
    from derive.language.loading import load_claims  # noqa: PLC0415 - imports the parser and sympy

    if not paths:
        paths = ["claims"]
    missing = [raw for raw in paths if not os.path.lexists(raw)]
    if len(missing) == len(paths):
        # Nothing to check at all: one line, no report. A bad path among good ones is an
        # error row (exit 2) and the rest is still checked.
        msg = f"no such file or folder: {', '.join(missing)}"
        raise _InputError(msg)
    for raw in paths:
        path = Path(raw)
        if no_python and path.is_file() and path.suffix.lower() == ".py":
            msg = f"{raw} is a Python claim module and --no-python refuses them (Python claims run code)"
            raise UsageError(msg)
    claims, errors = load_claims(list(paths), python=not no_python)
    unreadable = False
    skipped = 0
    rows: list[Result | Claim] = list(claims)
    for error in errors:
        where = error.where or Location()
        if no_python and error.claim_id is None and where.line is None and str(where.file).endswith(".py"):
            skipped += 1  # a module found inside a folder: --no-python skips it (named ones were refused above)
            continue
        if error.claim_id is None:
            unreadable = True
            _stderr(f"error: {error}")
        claim = Claim(id=error.claim_id or f"<{where}>", lhs="", rhs="", where=where)
        # The row is no claim of the file (it did not load), so it has no expectation to show;
        # the line is part of the message, as the table has no column for it.
        at = f"line {where.line}: " if where.line and error.claim_id else ""
        rows.append(_error_result(claim, at + error.message, reason=LOAD_ERROR))
    if skipped:
        _stderr(f"--no-python: skipped {skipped} Python claim module(s)")
    rank: dict[str | None, int] = {}
    for row in rows:
        rank.setdefault(_claim_of(row).where.file, len(rank))
    # Stable: claims keep the loader's order within a file; error rows fall in by line.
    rows.sort(key=lambda row: (rank[_claim_of(row).where.file], _claim_of(row).where.line or 0))
    if not rows:
        msg = f"no claims found in {', '.join(paths)}"
        raise _InputError(msg)
    return rows, unreadable


def _claim_of(row: Result | Claim) -> Claim:
    return row.claim if isinstance(row, Result) else row


def _run_rows(
    rows: list[Result | Claim], settings: Settings, args: argparse.Namespace, label: str
) -> tuple[list[Result], bool]:
    claims = [row for row in rows if isinstance(row, Claim)]
    results, interrupted = _run(claims, settings, args, label) if claims else ([], False)
    it = iter(results)
    merged = [row if isinstance(row, Result) else next(it) for row in rows]
    return merged, interrupted


def cmd_check(args: argparse.Namespace) -> int:
    rows, unreadable = _load(args.paths, no_python=args.no_python)
    if args.keyword is not None:
        pick = select(args.keyword)
        rows = [row for row in rows if pick(row.claim if isinstance(row, Result) else row)]
        if not rows:
            msg = f"no claims match -k {args.keyword!r}"
            raise UsageError(msg)
    results, interrupted = _run_rows(rows, _settings(args), args, "checking")
    _emit(results, args)
    if interrupted:
        return EXIT_INTERRUPTED
    if unreadable:
        return EXIT_USAGE
    return EXIT_OK if all(r.ok for r in results) else EXIT_FAILED


def _find_claim(rows: list[Result | Claim], claim_id: str) -> Result | Claim:
    for row in rows:
        claim = row.claim if isinstance(row, Result) else row
        if claim.id == claim_id:
            return row
    ids = [(row.claim if isinstance(row, Result) else row).id for row in rows]
    close = difflib.get_close_matches(claim_id, ids, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    msg = f"no claim with id {claim_id!r}{hint}"
    raise UsageError(msg)


def cmd_plot(args: argparse.Namespace) -> int:
    rows, _ = _load([args.path], no_python=False)
    row = _find_claim(rows, args.claim_id)
    try:
        from derive.reporting.plotting import plot_result  # noqa: PLC0415 - matplotlib is an optional extra
    except ImportError as exc:
        msg = f"derive plot needs matplotlib ({exc}); install it with: pip install 'derive[plot]'"
        raise UsageError(msg) from None
    args.jobs, args.quiet = 1, True
    results, interrupted = _run_rows([row], _settings(args), args, "checking")
    if interrupted:
        return EXIT_INTERRUPTED
    result = results[0]
    try:
        out = plot_result(result, args.output)
    except ImportError as exc:
        msg = f"derive plot needs matplotlib ({exc}); install it with: pip install 'derive[plot]'"
        raise UsageError(msg) from None
    except OSError as exc:
        msg = f"cannot write {args.output}: {exc.strerror or exc}"
        raise _InputError(msg) from None
    _stderr(f"{result.claim.id}: {result.verdict.value} ({result.method.value}); plot written to {out}")
    return EXIT_OK


def cmd_index(args: argparse.Namespace) -> int:
    rows, unreadable = _load([args.path], no_python=False)
    if unreadable:
        return EXIT_USAGE
    args.quiet = True
    results, interrupted = _run_rows(rows, _settings(args), args, "indexing")
    if interrupted:
        return EXIT_INTERRUPTED
    folder = Path(args.path) if Path(args.path).is_dir() else Path(args.path).parent
    output = Path(args.output) if args.output else folder / "README.md"
    text = render_index(results, root=folder)
    if args.check:
        try:
            current = output.read_text(encoding="utf-8")
        except OSError:
            current = None
        if current != text:
            _stderr(f"{output} is out of date; regenerate it with: derive index {args.path} -o {output}")
            return EXIT_FAILED
        _stderr(f"{output} is up to date")
        return EXIT_OK
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        msg = f"cannot write {output}: {exc.strerror or exc}"
        raise _InputError(msg) from None
    _stderr(f"wrote {output} ({len(results)} claims)")
    return EXIT_OK


def cmd_cache(args: argparse.Namespace) -> int:
    cache = ResultCache()
    if args.clear:
        cache.clear()
        print(f"cleared {cache.path}")
    else:
        print(cache.path)
    for message in cache.messages:
        _stderr(f"warning: {message}")
    cache.close()
    return EXIT_OK


# ---------------------------------------------------------------------------------------
# derive latex.


def _read_symbols(path: str) -> dict[str, Any]:
    """The ``derive:`` mapping of a ``--symbols`` file, with every kind checked (exit 2 if bad)."""
    from derive.language.symbols import parse_kind  # noqa: PLC0415 - imports sympy
    from derive.latex import load_symbols_file, read_symbols_file  # noqa: PLC0415 - the LaTeX front end is heavy

    if not Path(path).is_file():
        msg = f"--symbols file not found: {path}"
        raise UsageError(msg)
    try:
        symbols, _ = load_symbols_file(path)
    except (RecursionError, MemoryError):
        msg = f"--symbols file {path} is nested too deeply to read"
        raise UsageError(msg) from None
    for name, kind in symbols.items():
        try:
            parse_kind(kind)
        except DeriveError as exc:
            msg = f"--symbols file {path}: symbol {name!r}: {exc.message}"
            raise UsageError(msg) from None
    return {"derive": read_symbols_file(path)}


def _read_macros(paths: list[str]) -> Any:
    """The macros of the ``--macros`` files (exit 2 if one cannot be read); refused definitions are warnings."""
    from derive.latex.macros import load_macros  # noqa: PLC0415 - the LaTeX front end is heavy

    for path in paths:
        if not Path(path).is_file():
            msg = f"--macros file not found: {path}"
            raise UsageError(msg)
    table, problems = load_macros(paths)
    for problem in problems:
        _stderr(f"warning: --macros {problem}")
    return table


class _UnreadableError(DeriveError):
    """A homework file derive does not read (whole): it is an error row for that file, exit 2."""


def _read_homework(file: str, limit: int) -> bytes:
    """The UTF-8 bytes of one homework file, read whole, or `_UnreadableError` saying why not.

    A UTF-16 or UTF-32 file (named by its byte-order mark) is decoded, and a UTF-8 mark
    dropped. A file longer than ``limit`` characters is refused whole: checking only its
    beginning would report every step it read as the whole document.
    """
    from derive.language.loading import file_problem, utf8_bytes  # noqa: PLC0415 - imports sympy

    path = Path(file)
    problem = file_problem(path)
    if problem is None and path.is_dir():
        problem = "a folder, not a file"
    if problem is not None:
        raise _UnreadableError(problem)
    try:
        size = path.stat().st_size
        if size > 4 * limit + 4:  # no encoding spends more than 4 bytes on a character
            raise _UnreadableError(_too_long(f"{size} bytes", limit))
        data = path.read_bytes()
    except OSError as exc:
        raise _UnreadableError(f"cannot read: {exc.strerror or exc}") from None
    try:
        data = utf8_bytes(data)
    except ValueError as exc:
        raise _UnreadableError(str(exc)) from None
    chars = len(data.decode("utf-8", errors="replace"))  # as derive.latex counts them
    if chars > limit:
        raise _UnreadableError(_too_long(f"{chars} characters", limit))
    return data


def _too_long(size: str, limit: int) -> str:
    return (
        f"the document has {size}, more than the limit of {limit} characters; derive checks a document"
        " whole or not at all (raise the limit with --max-chars)"
    )


def _unreadable_step(file: str, message: str) -> Any:
    """The one error step that stands for a file derive did not read."""
    from derive.latex import Step  # noqa: PLC0415 - the LaTeX front end is heavy

    claim = Claim(id=f"{file}:unreadable", lhs="", rhs="", where=Location(file))
    return Step(1, 1, None, "(file not read)", "", Relation.EQ, claim, error=message, kind="unreadable")  # type: ignore[arg-type]


def cmd_latex(args: argparse.Namespace) -> int:
    import derive.latex  # noqa: PLC0415 - the LaTeX front end is heavy

    symbols = _read_symbols(args.symbols) if args.symbols else None
    macros = _read_macros(args.macros) if args.macros else None
    limit = args.max_chars if args.max_chars is not None else derive.latex.MAX_DOCUMENT
    documents: list[tuple[str, Any, tuple[Any, ...]]] = []  # (file, Document or None, steps)
    unreadable = False
    for file in args.files:
        try:
            data = _read_homework(file, limit)
            document = _read_whole(data, file, limit, symbols=symbols, inline=args.inline, macros=macros)
        except _UnreadableError as exc:
            unreadable = True
            _stderr(f"error: {file}: {exc.message}")
            documents.append((file, None, (_unreadable_step(file, f"{file}: {exc.message}"),)))
            continue
        for problem in document.errors:
            _stderr(f"warning: {file}: {problem}")
        if not document.steps and not args.inline and _INLINE_MATH.search(document.text):
            _stderr(f"note: {file}: no step in display math; its inline math ($...$) is checked only with --inline")
        documents.append((file, document, document.steps))

    # One run over every step of every file, so the worker pool is shared.
    all_steps = [step for _file, _document, steps in documents for step in steps]
    results, interrupted = _check_steps(all_steps, args)

    per_file: list[tuple[str, Any, list[Any], list[Result]]] = []
    at = 0
    for file, document, file_steps in documents:
        steps = list(file_steps)
        per_file.append((file, document, steps, results[at : at + len(steps)]))
        at += len(steps)
    rendered: str | None = None
    if args.format == "json":
        payloads = []
        for file, _document, steps, res in per_file:
            # One object per input file, named as the user gave it.
            payload = report.latex_payload(res, steps) if steps else {"steps": []}
            entries = payload["steps"] if isinstance(payload, dict) else [e for p in payload for e in p["steps"]]
            payloads.append({"file": file, "steps": entries, "summary": _latex_counts(res)})
        rendered = json.dumps(payloads[0] if len(payloads) == 1 else payloads, indent=2, ensure_ascii=False) + "\n"
    elif args.format == "markdown":
        rendered = "".join(
            report.render(res, "markdown", steps=steps, document=document) for _file, document, steps, res in per_file
        )
    _emit(results, args, steps=all_steps, text=rendered)
    if interrupted:
        return EXIT_INTERRUPTED
    if unreadable:
        return EXIT_USAGE
    failing = {Verdict.REFUTED, Verdict.UNDECIDED, Verdict.ERROR} if args.strict else {Verdict.REFUTED}
    return EXIT_FAILED if any(r.verdict in failing for r in results) else EXIT_OK


#: Inline math of the prose (``$x$``, ``\(x\)``), for the hint that --inline would check it.
_INLINE_MATH = re.compile(r"(?<![$\\])\$[^$\n]+\$(?!\$)|\\\(.+?\\\)")


def _check_steps(steps: list[Any], args: argparse.Namespace) -> tuple[list[Result], bool]:
    """Check homework steps in one run: errors and definitions answered here, the rest by the
    workers, each result then read in its document (`derive.latex.settle`)."""
    from derive.latex.shapes import StepRun  # noqa: PLC0415 - the LaTeX front end is heavy

    run = StepRun(steps, lambda step: _error_result(step.claim, str(step.error)))
    ran, interrupted = _run(run.claims, _settings(args), args, "checking steps") if run.claims else ([], False)
    return run.results(ran), interrupted


def cmd_grade(args: argparse.Namespace) -> int:
    import functools  # noqa: PLC0415

    import derive.latex  # noqa: PLC0415 - the LaTeX front end is heavy
    from derive import grading  # noqa: PLC0415

    symbols = _read_symbols(args.symbols) if args.symbols else None
    limit = args.max_chars if args.max_chars is not None else derive.latex.MAX_DOCUMENT
    points = grading.read_points(args.points) if args.points else None
    key = Path(args.key) if args.key else None
    if key is not None and not key.is_file():
        msg = f"no such key file: {args.key}"
        raise UsageError(msg)
    outdir = Path(args.output)
    try:  # before an hour of checking, not after it
        outdir.mkdir(parents=True, exist_ok=True)
        probe = outdir / ".derive-write-test"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        msg = f"cannot write to {outdir}: {exc.strerror or exc}"
        raise UsageError(msg) from None
    submissions = grading.find_submissions(args.submissions, exclude=outdir)
    read = functools.partial(derive.latex.read_document, symbols=symbols)
    interrupted = False

    def check(steps: list[Any]) -> list[Result]:
        nonlocal interrupted
        files = sum(len(s.files) for s in submissions)
        distinct = len({step.claim.text for step in steps})
        if not args.quiet:
            _stderr(f"grading {len(submissions)} submissions ({files} files): {len(steps)} steps, {distinct} distinct")
        results, interrupted = _check_steps(steps, args)
        broken = [r for r in results if r.evidence is not None and r.evidence.reason == "executor"]
        if results and len(broken) == len(results):
            msg = f"no step could be checked: {broken[0].detail}"  # a misconfigured cluster, not a class of zeros
            raise UsageError(msg)
        return results

    grades, problems, warnings = grading.grade_class(
        submissions, read=read, check=check, key=key, points=points, max_chars=limit
    )
    for warning in warnings:
        _stderr(f"warning: {warning}")
    if interrupted:
        _stderr("interrupted: no grades written")
        return EXIT_INTERRUPTED
    try:
        written = grading.write_outputs(
            grades,
            problems,
            outdir,
            points=points,
            gradescope=args.format == "gradescope",
            html_reports=not args.no_html,
        )
    except OSError as exc:
        msg = f"cannot write to {outdir}: {exc.strerror or exc}"
        raise UsageError(msg) from None
    scores = [g.score for g in grades]
    mean = sum(scores) / len(scores) if scores else 0.0
    print(f"graded {len(grades)} submissions (mean score {mean:.1f}); wrote {len(written)} files to {outdir}/")
    print(f"  {outdir / 'summary.md'}  {outdir / 'gradebook.csv'}")
    return EXIT_OK


def _read_whole(data: bytes, file: str, limit: int, **options: Any) -> Any:
    """`derive.latex.read_document` on ``data``, refused whole when longer than ``limit`` (``--max-chars``)."""
    import derive.latex  # noqa: PLC0415 - the LaTeX front end is heavy

    try:
        return derive.latex.read_document(data, path=file, max_chars=limit, **options)
    except UsageError as exc:
        raise _UnreadableError(str(exc)) from None


def _latex_counts(results: Sequence[Result]) -> dict[str, int]:
    return {v.value: sum(1 for r in results if r.verdict is v) for v in Verdict}


# ---------------------------------------------------------------------------------------
# Entry point.

_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check": cmd_check,
    "latex": cmd_latex,
    "grade": cmd_grade,
    "plot": cmd_plot,
    "index": cmd_index,
    "cache": cmd_cache,
}


def _accept_ctrl_c() -> None:
    """Let Ctrl-C reach this process even if whatever started it had SIGINT blocked.

    A blocked signal mask is inherited across fork and exec (from a thread of a test runner or
    a service that blocked SIGINT while it launched us), and a blocked Ctrl-C would stay
    pending until the run ended by itself. An *ignored* SIGINT is left alone: that is how a
    shell starts a background job (``derive check ... &``), which Ctrl-C must not stop.
    """
    if hasattr(signal, "pthread_sigmask"):
        with contextlib.suppress(OSError, ValueError):
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``derive`` command with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    try:
        _accept_ctrl_c()
        parser = build_parser()
        args, extra = parser.parse_known_args(argv)
    except KeyboardInterrupt:
        _stderr("interrupted")
        return EXIT_INTERRUPTED
    if extra:
        # Name the command's own usage, not the top-level one, for `derive check --bogus`.
        commands = next(a for a in parser._actions if a.dest == "command").choices
        commands.get(args.command, parser).error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return _COMMANDS[args.command](args)
    except KeyboardInterrupt:
        _stderr("interrupted")
        return EXIT_INTERRUPTED
    except (UsageError, _InputError) as exc:
        _stderr(f"derive {args.command}: error: {exc}")
        return EXIT_USAGE
    except DeriveError as exc:
        _stderr(f"derive {args.command}: error: {exc}")
        return EXIT_USAGE
    except BrokenPipeError:
        # `derive check | head`: the reader left; silence the final flush of stdout too.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except Exception as exc:
        if os.environ.get("DERIVE_DEBUG"):
            raise
        _stderr(
            f"derive {args.command}: internal error: {type(exc).__name__}: {exc} — this is a bug in derive; "
            "please report it with the command you ran (DERIVE_DEBUG=1 shows the traceback)"
        )
        return EXIT_INTERNAL
