"""An on-disk cache of results, so that re-checking an unchanged library is nearly free.

The key is a SHA-256 of everything that can change a verdict: the claim's sides (text, or
``srepr`` of sympy objects), relation, symbol kinds, random variables, tolerance and
timeout; the settings (seed, precision, sample budgets, ...); and the engine itself
(``derive.__version__``, `CACHE_SCHEMA` and a digest of the package's source files, so
that a changed engine never serves a stale verdict). Names, statements, sources, tags and
file locations do not enter the key: renaming a claim keeps its cached result, and the
result is always returned with the caller's claim.

The store is one SQLite file in WAL mode with a busy timeout, safe for concurrent runs. It
is corruption tolerant: an unreadable database is deleted and rebuilt, an unreadable row is
dropped, and if the cache cannot be used at all it turns itself off with one warning; it
never fails a run.

Stored: decisive verdicts, parse errors, tier-declined ``undecided`` results, and claims
stopped by their budget (timeout or memory: the budget is part of the key, and a cached
one says so in its evidence, so ``--no-cache`` or a larger ``--timeout`` re-runs it).
Never stored: crashed workers, interruptions, internal errors and MemoryErrors caught
inside a tier, which depend on a bug or on the machine's state.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import pickle
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

from platformdirs import user_cache_dir

import derive
from derive.model import Claim, LatexSource, Method, Outcome, Result, Settings, Verdict

__all__ = [
    "CACHE_SCHEMA",
    "ENV_VAR",
    "ResultCache",
    "cacheable",
    "claim_fingerprint",
    "default_cache_dir",
    "engine_version",
]

#: Bump when the stored value's layout changes.
CACHE_SCHEMA = 1
#: Environment variable overriding the cache directory (tests point it at a temporary folder).
ENV_VAR = "DERIVE_CACHE_DIR"
_DB_NAME = "results.sqlite3"
#: Undecided reasons that depend on the machine (load, memory) rather than on the claim.
_VOLATILE_REASONS = frozenset({"MemoryError", "interrupted", "internal"})

_engine_version: str | None = None


def default_cache_dir() -> Path:
    """``$DERIVE_CACHE_DIR`` if set, else the platform's user cache directory for derive."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    return Path(user_cache_dir("derive"))


#: Modules that only present results: editing them cannot change a verdict.
_PRESENTATION = frozenset(
    {
        "__main__.py",
        "cli.py",
        "report.py",
        "_html.py",
        "index.py",
        "plotting.py",
        "_plot_mc.py",
        "pytest_plugin.py",
        "api.py",
    }
)


def engine_version() -> str:
    """``__version__``, the cache schema and a digest of the engine's source, computed once per process.

    The digest covers every module of the package except the presentation ones, so that an
    edited engine (an editable install under development, a patched site-packages) never
    serves a verdict computed by its previous self.
    """
    global _engine_version  # noqa: PLW0603 - a per-process memo of an immutable fact
    if _engine_version is None:
        digest = hashlib.sha256()
        package = Path(derive.__file__).parent
        for path in sorted(package.rglob("*.py")):
            if path.name in _PRESENTATION and path.parent == package:
                continue
            digest.update(str(path.relative_to(package)).encode())
            with contextlib.suppress(OSError):
                digest.update(path.read_bytes())
        _engine_version = f"{derive.__version__}/{CACHE_SCHEMA}/{digest.hexdigest()[:16]}"
    return _engine_version


def _canon(value: Any) -> str:
    """A stable text for one side of a claim or one random-variable value."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return f"{type(value).__name__}:{value!r}"
    if isinstance(value, LatexSource):
        scope = "".join(f";{p}~{x}" for p, x in value.densities) + "".join(f";bound:{p}" for p in value.bound)
        return f"latex:{value.text!r}{scope}"
    if "sympy" in sys.modules:
        import sympy  # noqa: PLC0415 - only when sympy is already loaded

        if isinstance(value, (sympy.Basic, sympy.MatrixBase)):
            return f"sympy:{sympy.srepr(value)}"
    return f"{type(value).__module__}.{type(value).__qualname__}:{value!r}"


def claim_fingerprint(claim: Claim) -> str:
    """The parts of a claim that can change its verdict, as one canonical string."""
    parts = [
        f"lhs={_canon(claim.lhs)}",
        f"rhs={_canon(claim.rhs)}",
        f"relation={claim.relation.value}",
        "symbols=" + ";".join(f"{k}:{v}" for k, v in sorted(claim.symbols)),
        "random=" + ";".join(f"{k}:{_canon(v)}" for k, v in claim.random),
        f"tolerance={claim.tolerance!r}",
        f"timeout={claim.timeout!r}",
    ]
    return "\n".join(parts)


def _settings_fingerprint(settings: Settings) -> str:
    # Every field: cheap and safe (threads and backend promise identical verdicts, but a
    # cache must not be the place that promise is relied upon).
    return ";".join(f"{f.name}={getattr(settings, f.name)!r}" for f in dataclasses.fields(settings))


def cacheable(result: Result) -> bool:
    """Whether ``result`` may be stored (see the module docstring)."""
    if result.method is Method.BUDGET:
        # A claim stopped by its budget is stored under that budget (timeout and memory cap
        # are in the key), so an unchanged library does not pay for it again; crashes are not.
        reason = result.evidence.reason if result.evidence is not None else None
        return reason in ("timeout", "memory")
    if result.verdict.decisive:
        return True
    for outcome in result.outcomes:
        reason = outcome.evidence.reason
        # A MemoryError caught inside the engine depends on the cap, not only on the claim.
        if reason in _VOLATILE_REASONS or "MemoryError" in outcome.evidence.summary:
            return False
    if result.verdict is Verdict.ERROR:
        # Parse errors are reproducible; internal errors are bugs that may be fixed any minute.
        return result.method is Method.PARSE
    return True


def _mark_cached(result: Result) -> Result:
    """Say so when a budget-stopped result comes from the cache: the reader may want a retry."""
    if result.method is not Method.BUDGET or not result.outcomes:
        return result
    last = result.outcomes[-1]
    note = " [cached from an earlier run; --no-cache runs it again]"
    evidence = dataclasses.replace(last.evidence, summary=last.evidence.summary + note)
    return dataclasses.replace(result, outcomes=(*result.outcomes[:-1], Outcome(last.verdict, evidence)))


class ResultCache:
    """A SQLite-backed map from claim keys to results. Every failure degrades to a miss."""

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_cache_dir()
        self.path = self.directory / _DB_NAME
        self.enabled = True
        self.hits = 0
        self.misses = 0
        self.warning: str | None = None
        self._conn: sqlite3.Connection | None = None

    # -- keys --------------------------------------------------------------------------

    def key(self, claim: Claim, settings: Settings) -> str:
        """The cache key of ``claim`` under ``settings`` with this engine."""
        text = "\n".join((engine_version(), _settings_fingerprint(settings), claim_fingerprint(claim)))
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    # -- storage -----------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection | None:
        if not self.enabled:
            return None
        if self._conn is not None:
            return self._conn
        for attempt in range(2):
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
                conn.execute("PRAGMA busy_timeout = 10000")
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS results "
                    "(key TEXT PRIMARY KEY, value BLOB NOT NULL, created REAL NOT NULL)"
                )
                conn.execute("SELECT count(*) FROM results WHERE key = ''").fetchone()
            except sqlite3.DatabaseError as exc:
                with contextlib.suppress(Exception):
                    conn.close()
                if attempt == 0 and self._discard_files():
                    continue
                return self._disable(f"cache at {self.path} is unusable ({exc}); running without it")
            except OSError as exc:
                return self._disable(f"cache directory {self.directory} is unusable ({exc}); running without it")
            self._conn = conn
            return conn
        return None

    def _discard_files(self) -> bool:
        # A corrupt database is worth nothing: remove it (and its WAL) and start afresh.
        try:
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    Path(str(self.path) + suffix).unlink()
        except OSError:
            return False
        return True

    def _disable(self, message: str) -> None:
        self.enabled = False
        self.warning = message
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None

    def get(self, key: str, claim: Claim) -> Result | None:
        """The cached result for ``key`` (with ``claim`` as its claim), or None."""
        conn = self._connect()
        if conn is None:
            self.misses += 1
            return None
        try:
            row = conn.execute("SELECT value FROM results WHERE key = ?", (key,)).fetchone()
        except sqlite3.DatabaseError as exc:
            self._recover(exc)
            self.misses += 1
            return None
        if row is None:
            self.misses += 1
            return None
        try:
            verdict, method, seconds, outcomes = pickle.loads(row[0])  # noqa: S301 - our own cache file
            result = Result(claim, Verdict(verdict), Method(method), float(seconds), tuple(outcomes))
        except Exception:  # a damaged or foreign row: forget it
            with contextlib.suppress(sqlite3.DatabaseError):
                conn.execute("DELETE FROM results WHERE key = ?", (key,))
            self.misses += 1
            return None
        self.hits += 1
        return _mark_cached(result)

    def put(self, key: str, result: Result) -> bool:
        """Store ``result`` if it is `cacheable`; return whether it was stored."""
        if not cacheable(result):
            return False
        conn = self._connect()
        if conn is None:
            return False
        try:
            value = pickle.dumps(
                (result.verdict.value, result.method.value, result.seconds, result.outcomes), protocol=4
            )
        except Exception:
            return False
        try:
            conn.execute(
                "INSERT OR REPLACE INTO results (key, value, created) VALUES (?, ?, ?)", (key, value, time.time())
            )
        except sqlite3.DatabaseError as exc:
            self._recover(exc)
            return False
        return True

    def _recover(self, exc: Exception) -> None:
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            return  # another run holds the lock past our timeout: a miss, not corruption
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None
        if not self._discard_files():
            self._disable(f"cache at {self.path} is corrupt and cannot be removed ({exc}); running without it")

    def clear(self) -> None:
        """Remove every cached result."""
        conn = self._connect()
        if conn is not None:
            with contextlib.suppress(sqlite3.DatabaseError):
                conn.execute("DELETE FROM results")

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
