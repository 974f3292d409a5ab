"""pytest plugin: ``pytest claims/`` runs every claim as a test item named by its id.

Registered through the ``pytest11`` entry point ``derive``, so it is active wherever derive is
installed (disable it with ``-p no:derive``). It follows pytest's non-Python collection
example: `pytest_collect_file` accepts YAML files with a top-level ``claims:`` list and Python
claim modules (a ``.py`` file that imports derive and assigns a top-level ``CLAIMS``, as
``derive check`` reads them; like ``conftest.py`` they are trusted project code, and test
modules are left to pytest), a `ClaimFile` yields one `ClaimItem` per claim, and a mismatch
between verdict and ``expect`` fails with the verdict, method and counterexample instead of a
Python traceback.

Importing this module must stay cheap (it is imported by every pytest run in the
environment): derive's engine is imported inside the hooks, only when a claim file is found.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

__all__ = ["ClaimFile", "ClaimItem", "ClaimLoadError", "ClaimMismatchError", "pytest_addoption", "pytest_collect_file"]

_SUFFIXES = (".yaml", ".yml")
_CLAIMS_KEY = re.compile(rb"^claims\s*:", re.MULTILINE)
_SNIFF_BYTES = 1 << 16


class ClaimMismatchError(Exception):
    """Raised by `ClaimItem.runtest` when the verdict does not match the claim's ``expect``."""

    def __init__(self, result: Any) -> None:
        super().__init__(result.claim.id)
        self.result = result


class ClaimLoadError(Exception):
    """Raised by an item standing for a claim that could not be loaded."""

    def __init__(self, error: Any) -> None:
        super().__init__(str(error))
        self.error = error


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("derive", "derive claim files")
    group.addoption("--derive-seed", type=int, default=None, help="seed for derive's numeric and Monte Carlo tiers")
    group.addoption("--derive-timeout", type=float, default=None, help="per-claim time budget in seconds")
    group.addoption(
        "--derive-isolated",
        action="store_true",
        default=False,
        help="run each claim in a worker process under derive's time and memory budget (for untrusted claims)",
    )
    group.addoption(
        "--derive-cache",
        action="store_true",
        default=False,
        help="reuse (and fill) derive's result cache, as `derive check` does; off by default so tests really run",
    )


def _is_claim_file(path: Path) -> bool:
    """A YAML file with a top-level ``claims:`` key (a cheap textual sniff; the loader decides the rest)."""
    if path.suffix.lower() not in _SUFFIXES:
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return False
    return _CLAIMS_KEY.search(head) is not None


_MODULE_MARKS = (
    re.compile(rb"^CLAIMS\s*=", re.MULTILINE),
    re.compile(rb"^(from derive import|import derive)\b", re.MULTILINE),
)


def _is_claim_module(path: Path) -> bool:
    """A Python claim module: imports derive and assigns a top-level ``CLAIMS`` (not a test module)."""
    name = path.name
    if path.suffix != ".py" or name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py"):
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES * 4)
    except OSError:
        return False
    return all(mark.search(head) for mark in _MODULE_MARKS)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> ClaimFile | None:
    if _is_claim_file(file_path) or _is_claim_module(file_path):
        return ClaimFile.from_parent(parent, path=file_path)
    return None


class ClaimFile(pytest.File):
    """One claim file (YAML or a Python claim module); its items are its claims, in file order."""

    def collect(self) -> list[pytest.Item]:
        from derive.errors import DeriveError
        from derive.language.loading import load_claims

        try:
            claims, errors = load_claims([self.path])
        except DeriveError as exc:
            raise self.CollectError(str(exc)) from None
        # A claim the loader rejected becomes a failing item of its own; errors that belong
        # to no single claim (bad YAML, a duplicate id) break the file: pytest's
        # CollectError shows its message without a traceback.
        ids = {c.id for c in claims}
        loose = [e for e in errors if not e.claim_id or e.claim_id in ids]
        if loose:
            raise self.CollectError("\n".join(str(e) for e in loose))
        items: list[tuple[int, pytest.Item]] = []
        for error in errors:
            line = error.where.line if error.where is not None and error.where.line else 0
            items.append((line, BrokenClaimItem.from_parent(self, name=error.claim_id, error=error)))
        for claim in claims:
            items.append((claim.where.line or 0, ClaimItem.from_parent(self, name=claim.id, claim=claim)))
        return [item for _, item in sorted(items, key=lambda pair: pair[0])]


def _settings(config: pytest.Config) -> Any:
    from derive.model import Settings

    changes: dict[str, Any] = {}
    if config.getoption("derive_seed", None) is not None:
        changes["seed"] = config.getoption("derive_seed")
    if config.getoption("derive_timeout", None) is not None:
        changes["timeout"] = config.getoption("derive_timeout")
    return Settings(**changes)


_CACHE_KEY = pytest.StashKey[Any]()


def _cache(config: pytest.Config) -> Any:
    """derive's result cache when ``--derive-cache`` is given (one per session), else None."""
    if not config.getoption("derive_cache", False):
        return None
    if _CACHE_KEY not in config.stash:
        from derive.cache import ResultCache

        config.stash[_CACHE_KEY] = ResultCache()
    return config.stash[_CACHE_KEY]


def _failure_text(result: Any) -> str:
    from derive.reporting._text import _evidence_lines

    claim = result.claim
    lines = [
        f"claim {claim.id} ({claim.where}): expected {claim.expect.value}, "
        f"got {result.verdict.value} ({result.method.value}, {result.seconds:.2f} s)",
        f"  claim:    {claim.text}",
    ]
    if claim.statement:
        lines.append(f"  statement: {claim.statement}")
    if claim.symbols:
        lines.append("  symbols:  " + ", ".join(f"{k}: {v}" for k, v in claim.symbols))
    if result.detail:
        lines.append(f"  detail:   {result.detail}")
    ev = result.evidence
    if ev is not None and ev.counterexample is not None:
        lines.append(f"  counterexample: {ev.counterexample.describe()}")
    evidence = _evidence_lines(result)
    if evidence:
        lines.append("  evidence:")
        lines.extend(f"    {line}" for line in evidence)
    return "\n".join(lines)


class ClaimItem(pytest.Item):
    """One claim: passes when the engine's verdict matches the claim's ``expect``."""

    def __init__(self, *, claim: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.claim = claim
        # `-k gan` selects by tag as well as by id.
        self.extra_keyword_matches.update(claim.tags)

    def runtest(self) -> None:
        settings = _settings(self.config)
        cache = _cache(self.config)
        if self.config.getoption("derive_isolated", False):
            from derive.runner import run_claims

            result = run_claims([self.claim], settings, jobs=1, cache=cache)[0]
        else:
            from derive.engine import check_claim

            key = cache.key(self.claim, settings) if cache is not None else None
            result = cache.get(key, self.claim) if cache is not None else None
            if result is None:
                result = check_claim(self.claim, settings)
                if cache is not None:
                    cache.put(key, result)
        self.user_properties.append(("verdict", result.verdict.value))
        self.user_properties.append(("method", result.method.value))
        if not result.ok:
            raise ClaimMismatchError(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, ClaimMismatchError):
            return _failure_text(excinfo.value.result)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = self.claim.where.line
        return self.path, (line - 1 if line else None), f"claim {self.claim.id}"


class BrokenClaimItem(pytest.Item):
    """A claim the loader rejected (missing field, unknown key...): it fails with the loader's message."""

    def __init__(self, *, error: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error

    def runtest(self) -> None:
        raise ClaimLoadError(self.error)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, ClaimLoadError):
            return f"claim {self.name} could not be read: {excinfo.value}"
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        where = getattr(self.error, "where", None)
        line = getattr(where, "line", None)
        return self.path, (line - 1 if line else None), f"claim {self.name}"
