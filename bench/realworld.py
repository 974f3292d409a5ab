"""How much of real, hand-judged derivations derive reads and decides, and whether it is right.

Usage (from the repository root)::

    .venv/bin/python bench/realworld.py                  # every folder of bench/corpus/
    .venv/bin/python bench/realworld.py --show s-foo     # one folder, every judged step listed

Each folder of the corpus (see ``bench/corpus/README.md``) holds one document excerpt
(``doc.tex`` or ``doc.md``), optionally the author's macro file ``macros.tex`` and a
``symbols.yaml`` (derive's ``--symbols`` format), and ``judged.yaml``: the source and one
hand judgement (``holds: true|false|unclear``) per step. derive reads the document as
``derive latex`` does (same per-step budgets, one worker pool for all files, no result cache
unless ``--cache``; ``macros.tex`` is given as a macro file) and its steps are matched to the
judged ones by block number and both sides, compared after `normalise` and, since derive
reports sides with the author's macros expanded, after expanding the judged sides the same
way; a judged step whose block has no such step takes the one step of the document with
those sides, if there is exactly one. Per file and in total it prints:

- judged: judged steps (``unclear`` ones are counted apart and not scored);
- read: matched to a derive step whose verdict is not ``error``;
- decided: read and proved, verified, consistent or refuted;
- right: decided and agreeing with the judgement;
- FA (false accepts: accepted, judged false) and FR (false refutes: refuted, judged true);
- caught: mistakes refuted, of all steps judged false;
- s/step: derive's checking seconds per judged step.

``--show`` lists every judged step with derive's verdict and detail, marks FA and FR, and
lists the steps derive found that match no judged step (not scored; those it refuted, mostly
definitions and conditions, are listed after the table in any case). The last line is one
JSON object with the totals and per-file figures. The exit status is 0 unless the corpus
is malformed (2, naming the file and the problem).
"""

from __future__ import annotations

import argparse
import collections
import inspect
import json
import re
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

import derive.latex
from derive.cache import ResultCache
from derive.errors import UsageError
from derive.latex.shapes import StepRun
from derive.model import Evidence, Method, Outcome, Result, Settings, Verdict
from derive.runner import run_claims

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bench" / "corpus"
ACCEPTS = {"proved", "verified", "consistent"}
AUTHOR_KINDS = {"manual", "lecture-notes", "student-homework"}
SOURCE_KEYS = ("url", "repo", "commit", "path", "lines", "licence", "author_kind")


class CorpusError(Exception):
    """A corpus folder that cannot be measured (exit 2): the message names the file."""


# ---------------------------------------------------------------------------------------
# Text normalisation: two sides match when they differ only in layout.

# Spacing and sizing commands that change nothing a grader reads; \left/\right go too.
_LAYOUT = re.compile(
    r"\\(?:left|right|[bB]igg?[lrm]?|displaystyle|textstyle|nonumber|notag|quad|qquad)(?![A-Za-z])"
    r"|\\[,;:! ]|~|&"
)
# Labels, tags, explicit spaces and the empty \mathop{} of the `\mathop{}\!\mathrm{d}` idiom.
_LABEL = re.compile(r"\\(?:label|tag\*?|[hv]space\*?)\s*\{[^{}]*\}|\\mathop\s*\{\s*\}")
_BRACE = re.compile(r"(?<!\\)[{}]")
# A sentence's punctuation set in text mode at the end of a side: \text{,} or \text.
_TEXT_PUNCTUATION = re.compile(r"\\text\s*(?:\{\s*[.,;]\s*\}|[.,;])\s*$")


def normalise(tex: str) -> str:
    """``tex`` without whitespace, alignment, spacing/sizing commands, labels and bare braces.

    Escaped braces ``\\{`` ``\\}`` stay (they are set braces); a trailing ``.`` or ``,`` (the
    sentence's punctuation) goes. Matching is within one block, so dropping grouping braces
    cannot confuse two sides a grader would tell apart.
    """
    text = _LABEL.sub("", tex).replace("\\\\", "")  # a row break first: its second \ is not a spacing
    text = _LAYOUT.sub("", text)
    text = _TEXT_PUNCTUATION.sub("", text)
    text = _BRACE.sub("", text)
    text = re.sub(r"\s+", "", text)
    return text.rstrip(".,;")


# ---------------------------------------------------------------------------------------
# The corpus.


@dataclass
class Judged:
    """One hand-judged step of a document."""

    block: int
    lhs: str
    rel: str
    rhs: str
    holds: bool | None  # None: unclear
    why: str

    @property
    def text(self) -> str:
        return f"{self.lhs} {self.rel} {self.rhs}"


@dataclass
class Folder:
    """One corpus folder: the document, its optional files and its judged steps."""

    slug: str
    doc: Path
    symbols: Path | None
    macros: Path | None
    source: dict[str, Any]
    steps: list[Judged]


def _holds(value: Any, where: str) -> bool | None:
    if value is True or value is False:
        return value
    if value == "unclear":
        return None
    msg = f"{where}: holds must be true, false or unclear, not {value!r}"
    raise CorpusError(msg)


def load_folder(path: Path) -> Folder:
    """Read and validate one corpus folder (`CorpusError` naming the file if malformed)."""
    docs = [p for p in (path / "doc.tex", path / "doc.md") if p.is_file()]
    if len(docs) != 1:
        msg = f"{path}: needs exactly one of doc.tex or doc.md, found {len(docs)}"
        raise CorpusError(msg)
    judged_path = path / "judged.yaml"
    if not judged_path.is_file():
        msg = f"{judged_path}: missing"
        raise CorpusError(msg)
    try:
        data = yaml.safe_load(judged_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        msg = f"{judged_path}: not YAML: {exc}"
        raise CorpusError(msg) from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("source"), dict)
        or not isinstance(data.get("steps"), list)
    ):
        msg = f"{judged_path}: needs a 'source' mapping and a 'steps' list"
        raise CorpusError(msg)
    source = data["source"]
    missing = [k for k in SOURCE_KEYS if k not in source]
    if missing:
        msg = f"{judged_path}: source lacks {', '.join(missing)}"
        raise CorpusError(msg)
    if source["author_kind"] not in AUTHOR_KINDS:
        msg = f"{judged_path}: author_kind must be one of {', '.join(sorted(AUTHOR_KINDS))}"
        raise CorpusError(msg)
    steps = []
    for n, entry in enumerate(data["steps"], 1):
        where = f"{judged_path}: step {n}"
        if not isinstance(entry, dict):
            msg = f"{where}: not a mapping"
            raise CorpusError(msg)
        lacking = [k for k in ("block", "lhs", "rel", "rhs", "holds", "why") if k not in entry]
        if lacking:
            msg = f"{where}: lacks {', '.join(lacking)}"
            raise CorpusError(msg)
        if not isinstance(entry["block"], int) or entry["block"] < 1:
            msg = f"{where}: block must be a positive integer"
            raise CorpusError(msg)
        for key in ("lhs", "rel", "rhs", "why"):
            if not isinstance(entry[key], str) or not entry[key].strip():
                msg = f"{where}: {key} must be a non-empty string"
                raise CorpusError(msg)
        steps.append(
            Judged(
                entry["block"], entry["lhs"], entry["rel"], entry["rhs"], _holds(entry["holds"], where), entry["why"]
            )
        )
    symbols = path / "symbols.yaml"
    macros = path / "macros.tex"
    return Folder(
        path.name, docs[0], symbols if symbols.is_file() else None, macros if macros.is_file() else None, source, steps
    )


def load_corpus(root: Path, only: Sequence[str] = ()) -> list[Folder]:
    """Every folder of ``root`` (or those named in ``only``), validated, in name order."""
    if not root.is_dir():
        msg = f"{root}: no such corpus folder"
        raise CorpusError(msg)
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    if only:
        unknown = sorted(set(only) - {p.name for p in folders})
        if unknown:
            msg = f"{root}: no folder named {', '.join(unknown)}"
            raise CorpusError(msg)
        folders = [p for p in folders if p.name in only]
    return [load_folder(p) for p in folders]


# ---------------------------------------------------------------------------------------
# Running derive (as `derive latex` does) and matching its steps.


def _accepts(function: Callable[..., Any], name: str) -> bool:
    try:
        return name in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


def _macro_expander(macros_text: str, doc_text: str) -> Callable[[str], str] | None:
    """Expand a judged side with the document's macros, as derive expands a block's.

    derive reports a step's sides after expanding the author's macros, so a judged side
    written in the author's commands matches only once expanded the same way. Returns None
    when derive has no macro module (then only unexpanded sides match).
    """
    try:
        from derive.latex import macros as macros_module  # noqa: PLC0415 - absent before the LaTeX package
    except ImportError:
        return None
    reader = getattr(macros_module, "read_definitions", None)
    expand = getattr(macros_module, "expand", None)
    if reader is None or expand is None:
        return None
    try:
        table = reader(macros_text + "\n" + doc_text)
        if isinstance(table, tuple):  # (table, problems)
            table = table[0]
    except Exception:  # a probe of an API in flux: no expansion rather than no bench
        return None

    def run(tex: str) -> str:
        try:
            out = expand(tex, table)
        except Exception:  # a side derive could not expand either: compare it as written
            return tex
        return out if isinstance(out, str) else tex

    return run


@dataclass
class Read:
    """derive's reading of one folder: its steps and (after the run) their results."""

    folder: Folder
    steps: list[Any] = field(default_factory=list)
    results: list[Any] = field(default_factory=list)
    crash: str | None = None  # a traceback (derive raised: a bug to report) or why derive refused it
    expand: Callable[[str], str] | None = None


def read_folder(folder: Folder) -> Read:
    """`derive.latex.read_document` on the folder's document, with its symbols and macros."""
    text = folder.doc.read_text(encoding="utf-8")
    options: dict[str, Any] = {"path": str(folder.doc)}
    if folder.symbols is not None:
        options["symbols"] = str(folder.symbols)
    out = Read(folder)
    if folder.macros is not None:
        macros_text = folder.macros.read_text(encoding="utf-8")
        if _accepts(derive.latex.read_document, "macros"):
            options["macros"] = str(folder.macros)  # a macro file, read for its definitions only
        out.expand = _macro_expander(macros_text, text)
    else:
        out.expand = _macro_expander("", text)
    try:
        out.steps = list(derive.latex.read_document(text, **options).steps)
    except UsageError as exc:  # a symbols or macro file derive refuses: said, not a traceback
        out.crash = f"derive refused the document: {exc}"
    except Exception:  # a crash is a finding, reported with its traceback
        out.crash = traceback.format_exc()
    return out


def run_all(reads: list[Read], jobs: int, timeout: float | None, cache: bool) -> None:
    """Check every step of every document in one worker pool, as ``derive latex`` does."""
    settings = Settings() if timeout is None else Settings(timeout=timeout)

    def error(step: Any) -> Result:
        ev = Evidence(Method.PARSE, str(step.error), reason="input")
        return Result(step.claim, Verdict.ERROR, Method.PARSE, 0.0, (Outcome(Verdict.ERROR, ev),))

    run = StepRun([step for read in reads for step in read.steps], error)
    store = None
    if cache and run.claims:
        store = ResultCache()
    try:
        ran = run_claims(run.claims, settings, jobs=jobs, cache=store) if run.claims else []
    finally:
        if store is not None:
            store.close()
    results = iter(run.results(ran))
    for read in reads:
        read.results = [next(results) for _ in read.steps]


@dataclass
class Match:
    """A judged step and the derive step matched to it (None: not read)."""

    judged: Judged
    step: Any = None
    result: Any = None

    @property
    def verdict(self) -> str:
        return "not read" if self.result is None else self.result.verdict.value

    @property
    def mark(self) -> str:
        holds, verdict = self.judged.holds, self.verdict
        if holds is False and verdict in ACCEPTS:
            return "FA"
        if holds is True and verdict == "refuted":
            return "FR"
        return ""


def match(read: Read) -> tuple[list[Match], list[int]]:
    """Pair judged steps with derive's steps: same block and same normalised sides.

    A judged step with no such step in its block takes the one step of the whole document
    with those sides, if there is exactly one (so a change in how derive numbers blocks does
    not unmatch a corpus). Returns the matches in judged order and the indices of derive's
    steps left unmatched.
    """
    sides = [(normalise(s.lhs_tex), normalise(s.rhs_tex)) for s in read.steps]
    used: set[int] = set()
    out = []
    for judged in read.folder.steps:
        wanted = {(normalise(judged.lhs), normalise(judged.rhs))}
        if read.expand is not None:
            wanted.add((normalise(read.expand(judged.lhs)), normalise(read.expand(judged.rhs))))
        free = [i for i, key in enumerate(sides) if i not in used and key in wanted]
        in_block = [i for i in free if read.steps[i].block == judged.block]
        hit = in_block[0] if in_block else (free[0] if len(free) == 1 else None)
        if hit is None:
            out.append(Match(judged))
        else:
            used.add(hit)
            out.append(Match(judged, read.steps[hit], read.results[hit]))
    return out, [i for i in range(len(read.steps)) if i not in used]


# ---------------------------------------------------------------------------------------
# Scoring and output.


def _key(detail: str) -> str:
    detail = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", "'…'", detail)  # the quoted text differs per step
    return re.sub(r"\d+", "N", detail)[:90]


def _reason(m: Match, read: Read) -> str:
    """Why a judged step was not read, as a short key that groups alike failures."""
    if read.crash is not None:
        if read.crash.startswith("derive refused"):
            return _key(read.crash)
        return "derive raised an exception on the document"
    if m.result is not None:
        return _key(m.result.detail or "error")
    in_block = [i for i, s in enumerate(read.steps) if s.block == m.judged.block]
    if not in_block:
        return "no step matches (derive found no step in that block)"
    errors = [
        read.results[i] for i in in_block if read.results[i] is not None and read.results[i].verdict.value == "error"
    ]
    if errors:
        # The block's sides differ from the judged ones because derive could not split it.
        return "no step matches; the block has an error: " + _key(errors[0].detail or "error")
    return "no step matches (the block is split or read differently)"


def score(matches: list[Match], seconds: float) -> dict[str, Any]:
    """The figures of one file (or of all, given all matches)."""
    scored = [m for m in matches if m.judged.holds is not None]
    read_ = [m for m in scored if m.verdict not in ("not read", "error")]
    decided = [m for m in read_ if m.verdict in ACCEPTS or m.verdict == "refuted"]
    right = [m for m in decided if (m.verdict == "refuted") == (m.judged.holds is False)]
    mistakes = [m for m in scored if m.judged.holds is False]
    return {
        "judged": len(scored),
        "read": len(read_),
        "decided": len(decided),
        "right": len(right),
        "false_accepts": sum(m.mark == "FA" for m in scored),
        "false_refutes": sum(m.mark == "FR" for m in scored),
        "mistakes_caught": sum(m.verdict == "refuted" for m in mistakes),
        "mistakes": len(mistakes),
        "unclear": len(matches) - len(scored),
        "seconds_per_step": round(seconds / len(matches), 3) if matches else 0.0,
    }


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:3.0f}%" if whole else "  -"


def _row(name: str, s: dict[str, Any]) -> str:
    n = s["judged"]
    return (
        f"{name:<34} {n:>4} {s['read']:>4} {_pct(s['read'], n)} {s['decided']:>4} {_pct(s['decided'], n)}"
        f" {s['right']:>4} {s['false_accepts']:>3} {s['false_refutes']:>3} {s['mistakes_caught']:>3}/{s['mistakes']:<3}"
        f" {s['unclear']:>4} {s['seconds_per_step']:>7.2f}"
    )


def _one_line(text: str, width: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def show(read: Read, matches: list[Match], extra: list[int]) -> None:
    """Every judged step with derive's verdict, then derive's unmatched steps."""
    print(f"\n== {read.folder.slug} ({read.folder.doc.name})")
    if read.crash is not None:
        print("  derive raised:\n" + "\n".join("    " + line for line in read.crash.splitlines()))
    for n, m in enumerate(matches, 1):
        j = m.judged
        holds = {True: "true", False: "FALSE", None: "unclear"}[j.holds]
        where = f"{m.step.block}.{m.step.index}" if m.step is not None else f"{j.block}.?"
        print(f"  {m.mark or '  '} #{n:<3} {where:<6} holds {holds:<7} -> {m.verdict:<10} {_one_line(j.text, 90)}")
        if m.result is not None and m.result.detail:
            print(f"         {_one_line(m.result.detail)}")
        elif m.result is None:
            print(f"         {_reason(m, read)}")
    if extra:
        print(f"  {len(extra)} step(s) derive found that match no judged step:")
        for i in extra:
            s, r = read.steps[i], read.results[i]
            verdict = r.verdict.value if r is not None else "?"
            text = _one_line(f"{s.lhs_tex} {s.relation.value} {s.rhs_tex}", 90)
            print(f"    {s.block}.{s.index:<3} {verdict:<10} {text}")


def measure(
    folders: list[Folder], *, jobs: int, timeout: float | None, cache: bool, show_steps: bool
) -> dict[str, Any]:
    """Run derive on every folder, print the table (and ``--show`` listing); return the JSON totals."""
    start = time.perf_counter()
    reads = [read_folder(f) for f in folders]
    run_all(reads, jobs, timeout, cache)
    wall = time.perf_counter() - start

    print(f"{'file':<34} {'jdg':>4} {'read':>9} {'decided':>9} {'right':>4} {'FA':>3} {'FR':>3}", end="")
    print(f" {'caught':>7} {'uncl':>4} {'s/step':>7}")
    per_file: dict[str, Any] = {}
    everything: list[Match] = []
    reasons: collections.Counter[str] = collections.Counter()
    wrong: list[str] = []
    unjudged: list[str] = []  # derive refuted a step nobody judged (a definition, a condition): worth a look
    total_seconds = 0.0
    extra_total = 0
    for read in reads:
        matches, extra = match(read)
        seconds = sum(r.seconds for r in read.results if r is not None)
        total_seconds += seconds
        figures = score(matches, seconds)
        figures["extra_steps"] = len(extra)
        refuted_extra = [i for i in extra if read.results[i] is not None and read.results[i].verdict.value == "refuted"]
        figures["extra_refuted"] = len(refuted_extra)
        for i in refuted_extra:
            s = read.steps[i]
            unjudged.append(f"{read.folder.slug} {s.block}.{s.index}: {_one_line(f'{s.lhs_tex} = {s.rhs_tex}', 80)}")
        figures["crashed"] = read.crash is not None
        per_file[read.folder.slug] = figures
        everything += matches
        extra_total += len(extra)
        print(_row(read.folder.slug, figures) + ("  (derive raised: see --show)" if read.crash else ""))
        for n, m in enumerate(matches, 1):
            if m.judged.holds is not None and m.verdict in ("not read", "error"):
                reasons[_reason(m, read)] += 1
            if m.mark:
                wrong.append(f"{m.mark} {read.folder.slug} #{n} block {m.judged.block}: {_one_line(m.judged.text, 80)}")
        if show_steps:
            show(read, matches, extra)
    totals = score(everything, total_seconds)
    totals["extra_steps"] = extra_total
    totals["extra_refuted"] = len(unjudged)
    totals["files"] = len(folders)
    totals["wall_seconds"] = round(wall, 1)
    print(_row("TOTAL", totals))
    if wrong:
        print("\nwrong verdicts:")
        for line in wrong:
            print("  " + line)
    if unjudged:
        print("\nrefuted steps that match no judged step (definitions, conditions; not scored):")
        for line in unjudged:
            print("  " + line)
    if reasons:
        print("\nmost frequent reasons a judged step is not read:")
        for reason, count in reasons.most_common(8):
            print(f"  {count:>4}  {reason}")
    return {"totals": totals, "files": per_file, "top_not_read": reasons.most_common(5)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", help="corpus folder names (default: all)")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="corpus root (default bench/corpus)")
    parser.add_argument("--jobs", "-j", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per step (default: the CLI's)")
    parser.add_argument("--cache", action="store_true", help="use the result cache (default: no cache)")
    parser.add_argument("--show", action="store_true", help="list every judged step with derive's verdict")
    args = parser.parse_args(argv)
    try:
        folders = load_corpus(args.corpus, args.folders)
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    summary = measure(folders, jobs=args.jobs, timeout=args.timeout, cache=args.cache, show_steps=args.show)
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
