"""An on-disk cache of results, so that re-checking an unchanged library is nearly free.

The key is a SHA-256 of everything that can change a verdict: the claim's sides (text, or
``srepr`` of sympy objects), relation, symbol kinds, random variables, tolerance and
timeout; the settings (seed, precision, sample budgets, ...); and the engine itself
(``derive.__version__``, `CACHE_SCHEMA` and a digest of the package's source files, so
that a changed engine never serves a stale verdict). Names, statements, sources, tags and
file locations do not enter the key: renaming a claim keeps its cached result, and the
result is always returned with the caller's claim.

Rows are data, never code: a result is stored as the JSON of `Result.to_dict` (with
unrounded seconds) inside an envelope naming `CACHE_SCHEMA`, and read back with
`Result.from_dict`, which builds only derive's own result classes from strings, numbers
and lists. A row that does not parse (a foreign schema, a pickle from an older derive,
a crafted value) is dropped and recomputed, and the run says so once. Anyone who can write
the cache folder can therefore at worst make derive report a wrong verdict (as they could
by editing its report), never run code as the user; ``--no-cache`` ignores the cache.

The store is one SQLite file in WAL mode with a busy timeout, safe for concurrent runs. The
file is opened with ``trusted_schema`` off, a database holding anything but derive's one
table is refused, and a symbolic link in its place is removed, never followed. It
is corruption tolerant: an unreadable database is deleted and rebuilt (with one notice),
an unreadable row is dropped, and if the cache cannot be used at all it turns itself off
with one warning; it never fails a run.

Stored: decisive verdicts, parse errors and tier-declined ``undecided`` results that no
budget cut short. Never stored, because they depend on the machine's load or state or on
a bug rather than on the claim: an ``undecided`` result some tier reached because a time
or memory budget ran out (`Result.load_dependent`: it must run again, not be served as
the answer); a decisive verdict reached after such a cut while the worker was starved of
CPU (the runner measures it: a ``consistent`` where a calm machine proves); workers the
runner stopped or something killed; interruptions, internal errors and MemoryErrors.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

from platformdirs import user_cache_dir

import derive
from derive.model import Claim, LatexSource, Method, Result, Settings, Verdict

__all__ = [
    "CACHE_SCHEMA",
    "ENV_VAR",
    "ResultCache",
    "cacheable",
    "claim_fingerprint",
    "decode",
    "default_cache_dir",
    "encode",
    "engine_version",
]

#: Bump when the stored value's layout changes (2: JSON rows; 1 stored pickles).
CACHE_SCHEMA = 2
#: Environment variable overriding the cache directory (tests point it at a temporary folder).
ENV_VAR = "DERIVE_CACHE_DIR"
_DB_NAME = "results.sqlite3"
#: Rows longer than this are neither written nor read (a result is a few kilobytes; a
#: planted row of a gigabyte must not be parsed).
_MAX_ROW = 8 << 20
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
        "reporting/report.py",
        "reporting/_html.py",
        "reporting/index.py",
        "reporting/plotting.py",
        "reporting/_plot_mc.py",
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
            if path.relative_to(package).as_posix() in _PRESENTATION:
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
        "nonrandom=" + ",".join(claim.nonrandom),
        "independent=" + ";".join(",".join(g) for g in claim.independent),
        "moments=" + ";".join(f"{_canon(a)}={_canon(b)}" for a, b, _ in claim.moments),
    ]
    return "\n".join(parts)


def _settings_fingerprint(settings: Settings) -> str:
    # Every field: cheap and safe (threads and backend promise identical verdicts, but a
    # cache must not be the place that promise is relied upon).
    return ";".join(f"{f.name}={getattr(settings, f.name)!r}" for f in dataclasses.fields(settings))


def cacheable(result: Result, *, starved: bool | None = None) -> bool:
    """Whether ``result`` may be stored (see the module docstring).

    ``starved``: the worker got well under a core while it checked the claim (the machine
    was loaded), so a budget that ran out says more about the load than about the claim;
    None (not measured, as in an in-process check) counts as starved.
    """
    if result.method is Method.BUDGET:
        return False  # stopped by the runner, or killed: nothing certain about the claim
    if result.load_dependent and (starved is not False or not result.verdict.decisive):
        # A budget cut a tier short: an undecided result may be decided on a calmer machine
        # (it must run again, not be served as the answer), and a decisive one reached under
        # load (consistent where the symbolic tier ran out) may be stronger there.
        return False
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


def encode(result: Result) -> str | None:
    """The JSON row of ``result``, or None when it would not read back as an equal result."""
    try:
        # ASCII: a lone surrogate from odd input stays an escape, which SQLite can store.
        text = json.dumps({"schema": CACHE_SCHEMA, "result": result.to_dict(exact=True)})
        back = decode(text, result.claim)
    except (TypeError, ValueError, RecursionError):
        return None
    # repr as well: a NaN estimate is never equal to itself, yet it reads back exactly.
    return text if back == result or repr(back) == repr(result) else None


def decode(row: str | bytes, claim: Claim) -> Result:
    """The result a row stores, for ``claim``; ValueError if the row is anything else."""
    if not isinstance(row, (str, bytes)) or len(row) > _MAX_ROW:
        raise ValueError(f"a cache row is JSON text of at most {_MAX_ROW} characters")
    if isinstance(row, bytes):
        row = row.decode("utf-8")  # a UnicodeDecodeError is a ValueError
    try:
        data = json.loads(row)
    except RecursionError:
        raise ValueError("a cache row nested too deeply") from None
    if not isinstance(data, dict) or set(data) != {"schema", "result"} or data["schema"] != CACHE_SCHEMA:
        raise ValueError(f"a cache row is {{'schema': {CACHE_SCHEMA}, 'result': ...}}")
    return Result.from_dict(data["result"], claim)


def _check_schema(conn: sqlite3.Connection) -> None:
    """Refuse a database holding more than our one table (triggers and views run SQL on access)."""
    objects = conn.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall()
    if sorted(objects) != [("table", "results")]:
        names = ", ".join(f"{kind} {name}" for kind, name in objects)
        msg = f"not a derive cache (it holds {names})"
        raise sqlite3.DatabaseError(msg)
    columns = [row[1] for row in conn.execute("PRAGMA table_info(results)")]
    if columns != ["key", "value", "created"]:
        msg = f"not a derive cache (its results table has columns {', '.join(columns)})"
        raise sqlite3.DatabaseError(msg)


class ResultCache:
    """A SQLite-backed map from claim keys to results. Every failure degrades to a miss."""

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_cache_dir()
        self.path = self.directory / _DB_NAME
        self.enabled = True
        self.hits = 0
        self.misses = 0
        self.warning: str | None = None
        self.dropped = 0  # rows that did not read back as a result (dropped and recomputed)
        self._notices: list[str] = []
        self._conn: sqlite3.Connection | None = None

    @property
    def messages(self) -> list[str]:
        """What the run should tell the user about the cache, one line each (at most once per run)."""
        lines = list(dict.fromkeys(self._notices))
        if self.dropped:
            lines.append(
                f"dropped {self.dropped} unreadable cache row(s) from {self.path} (not a result of this derive);"
                " those claims were checked again"
            )
        if self.warning:
            lines.append(self.warning)
        return lines

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
                self._unlink_symlinks()
                conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
                conn.execute("PRAGMA busy_timeout = 10000")
                # A database file is input too: no SQL functions from its schema, and checked pages.
                conn.execute("PRAGMA trusted_schema = OFF")
                conn.execute("PRAGMA cell_size_check = ON")
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS results "
                    "(key TEXT PRIMARY KEY, value BLOB NOT NULL, created REAL NOT NULL)"
                )
                conn.execute("SELECT count(*) FROM results WHERE key = ''").fetchone()
                _check_schema(conn)
            except sqlite3.DatabaseError as exc:
                with contextlib.suppress(Exception):
                    conn.close()
                if attempt == 0 and self._discard_files():
                    self._notices.append(f"discarded the unreadable cache {self.path} ({exc}); rebuilt it empty")
                    continue
                return self._disable(f"cache at {self.path} is unusable ({exc}); running without it")
            except OSError as exc:
                return self._disable(f"cache directory {self.directory} is unusable ({exc}); running without it")
            self._conn = conn
            return conn
        return None

    def _unlink_symlinks(self) -> None:
        # In a folder others can write, a link named like our files would have SQLite write
        # into whatever it points at: remove the link (never its target) and start afresh.
        for suffix in ("", "-wal", "-shm"):
            path = Path(str(self.path) + suffix)
            if path.is_symlink():
                path.unlink()
                self._notices.append(f"removed {path}, a symbolic link where the cache keeps its file")

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
            result = decode(row[0], claim)
        except ValueError:  # a damaged, foreign or crafted row: forget it, and say so once
            with contextlib.suppress(sqlite3.DatabaseError):
                conn.execute("DELETE FROM results WHERE key = ?", (key,))
            self.dropped += 1
            self.misses += 1
            return None
        self.hits += 1
        return result

    def put(self, key: str, result: Result, *, starved: bool | None = None) -> bool:
        """Store ``result`` if it is `cacheable` (``starved``: see there); return whether it was stored."""
        if not cacheable(result, starved=starved):
            return False
        conn = self._connect()
        if conn is None:
            return False
        value = encode(result)
        if value is None:
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
        if self._discard_files():
            self._notices.append(f"discarded the corrupt cache {self.path} ({exc}); rebuilt it empty")
        else:
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
