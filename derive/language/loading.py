"""Claim files: YAML (plain data, read with a safe loader) and Python claim modules.

A YAML claim file has a top-level ``claims:`` list and an optional ``defaults:`` mapping
whose keys apply to every claim of the file (``symbols`` and ``random`` are merged name by
name, ``tags`` are joined, other keys are used when the claim does not set them). Every bad
claim becomes one `ClaimError` with its file and line; the other claims still load.

Python claim modules (``claims/*.py``) are imported, which runs their code: like
``conftest.py``, they are trusted project code, never student input. Callers that read
untrusted folders pass ``python=False``.
"""

from __future__ import annotations

import codecs
import difflib
import errno
import hashlib
import importlib.util
import os
import reprlib
import stat
import sys
import traceback
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from derive.errors import ClaimError, DeriveError, Location
from derive.language._names import check_name
from derive.language.symbols import parse_kind
from derive.model import Claim, Expect, Relation

__all__ = [
    "CLAIM_KEYS",
    "MAX_FILE_BYTES",
    "file_problem",
    "load_claims",
    "load_python_claims",
    "load_yaml_claims",
    "utf8_bytes",
]

#: Keys a claim may have in a YAML file.
CLAIM_KEYS: tuple[str, ...] = (
    "id",
    "statement",
    "symbols",
    "random",
    "lhs",
    "rhs",
    "relation",
    "expect",
    "reason",
    "source",
    "tags",
    "timeout",
    "tolerance",
)
_DEFAULT_KEYS = tuple(k for k in CLAIM_KEYS if k not in ("id", "lhs", "rhs"))
_TOP_KEYS = ("claims", "defaults")
#: Claim files larger than this are refused before reading.
MAX_FILE_BYTES = 50_000_000

_SUFFIXES = (".yaml", ".yml", ".py")
_MAX_ID = 200


# ---------------------------------------------------------------------------------------
# YAML: a safe loader that remembers lines and keeps numbers as the text the author wrote.


class _Number(str):
    """A YAML number kept as its source text (``0.1`` stays ``"0.1"``, never a binary float)."""

    __slots__ = ()


class _Mapping(dict):  # type: ignore[type-arg]
    """A YAML mapping that remembers its 1-based start line."""

    line: int = 0


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):  # type: ignore[valid-type, misc]
    """SafeLoader (C-accelerated when available) recording mapping lines; no Python tags."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> _Mapping:
    loader.flatten_mapping(node)
    out = _Mapping()
    out.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            msg = f"line {key_node.start_mark.line + 1}: mapping keys must be text, not {key!r}"
            raise ClaimError(msg)
        if key in out:
            msg = f"line {key_node.start_mark.line + 1}: duplicate key {key!r}"
            raise ClaimError(msg)
        out[str(key)] = loader.construct_object(value_node, deep=True)
    return out


def _construct_number(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> _Number:
    return _Number(node.value)


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_number)
_LineLoader.add_constructor("tag:yaml.org,2002:float", _construct_number)


def _read_yaml(path: Path, display: str) -> Any:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            msg = f"claim file is larger than {MAX_FILE_BYTES // 1_000_000} MB"
            raise ClaimError(msg, where=Location(display))
        text = utf8_bytes(path.read_bytes()).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ClaimError(f"claim file is not UTF-8 text ({exc.reason})", where=Location(display)) from None
    except ValueError as exc:  # a byte-order mark that lies
        raise ClaimError(f"claim file {exc}", where=Location(display)) from None
    except OSError as exc:
        raise ClaimError(f"cannot read claim file: {exc.strerror or exc}", where=Location(display)) from None
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader subclass
    except ClaimError as exc:
        raise ClaimError(exc.message, where=Location(display)) from None
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
        tag = _tag_of(exc)
        msg = f"unsupported YAML tag {tag}; claim files are plain data (strings, numbers, lists, mappings)"
        raise ClaimError(msg, where=Location(display, line)) from None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
        problem = exc.problem or "invalid YAML"
        raise ClaimError(f"invalid YAML: {problem}", where=Location(display, line)) from None
    except yaml.YAMLError as exc:
        raise ClaimError(f"invalid YAML: {exc}", where=Location(display)) from None
    except RecursionError:
        raise ClaimError("invalid YAML: nested too deeply", where=Location(display)) from None


def _tag_of(exc: yaml.constructor.ConstructorError) -> str:
    problem = exc.problem or ""
    start = problem.find("'")
    if start >= 0:
        tag = problem[start + 1 : problem.rfind("'")]
        return repr(tag.replace("tag:yaml.org,2002:", "!!"))
    return "(unknown)"


def load_yaml_claims(path: str | Path, *, display: str | None = None) -> tuple[list[Claim], list[ClaimError]]:
    """Claims of one YAML file and the errors of its bad claims."""
    path = Path(path)
    display = display or str(path)
    try:
        data = _read_yaml(path, display)
    except ClaimError as exc:
        return [], [exc]
    where = Location(display, getattr(data, "line", None))
    if data is None:
        msg = "empty file: a claim file is a mapping with a top-level `claims:` list"
        return [], [ClaimError(msg, where=Location(display, 1))]
    if not isinstance(data, Mapping) or "claims" not in data:
        msg = "a claim file is a mapping with a top-level `claims:` list"
        return [], [ClaimError(msg, where=Location(display, where.line or 1))]
    unknown = [k for k in data if k not in _TOP_KEYS]
    if unknown:
        msg = f"unknown top-level key {unknown[0]!r}; a claim file has `claims:` and optionally `defaults:`"
        return [], [ClaimError(msg, where=where)]
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, Mapping):
        return [], [ClaimError("`defaults:` must be a mapping of claim keys", where=where)]
    bad_default = [k for k in defaults if k not in _DEFAULT_KEYS]
    if bad_default:
        msg = f"`defaults:` cannot set {bad_default[0]!r}; allowed: {', '.join(_DEFAULT_KEYS)}"
        return [], [ClaimError(msg, where=Location(display, getattr(defaults, "line", where.line)))]
    items = data["claims"]
    if items is None:
        items = []
    if not isinstance(items, list):
        return [], [ClaimError("`claims:` must be a list of claims (each starting with '- id: ...')", where=where)]
    claims: list[Claim] = []
    errors: list[ClaimError] = []
    for index, item in enumerate(items):
        line = getattr(item, "line", None) or where.line
        try:
            if not isinstance(item, Mapping):
                msg = f"claim #{index + 1} must be a mapping with id, lhs and rhs, not {_short(item)}"
                raise ClaimError(msg)
            claims.append(_claim_from_mapping(_merge(defaults, item), Location(display, line)))
        except ClaimError as exc:
            if exc.where is None:
                exc.where = Location(display, line)
            if exc.claim_id is None and isinstance(item, Mapping) and _is_text(item.get("id")):
                exc.claim_id = str(item["id"])
            errors.append(exc)
    return claims, errors


def _short(value: Any) -> str:
    # Never repr() a container: YAML aliases can make a small file hold an exponentially
    # large nested list ("billion laughs").
    if isinstance(value, str):
        text = repr(str(value)[:60])
    elif isinstance(value, Mapping):
        text = "a mapping"
    elif isinstance(value, (list, tuple)):
        text = "a list"
    else:
        text = reprlib.repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _merge(defaults: Mapping[str, Any], item: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(item)
    for key, value in defaults.items():
        if key not in merged:
            merged[key] = value
        elif key in ("symbols", "random") and isinstance(value, Mapping) and isinstance(merged[key], Mapping):
            merged[key] = {**value, **merged[key]}
        elif key == "tags":
            own = merged[key] if isinstance(merged[key], list) else [merged[key]]
            shared = value if isinstance(value, list) else [value]
            if all(_is_text(t) for t in [*shared, *own]):  # otherwise validation reports it
                merged[key] = list(dict.fromkeys([*shared, *own]))
    return merged


def _is_text(value: Any) -> bool:
    """A YAML string (a number kept as its source text does not count)."""
    return isinstance(value, str) and not isinstance(value, _Number)


def _text(value: Any, key: str, *, numbers: bool = False) -> str | None:
    if value is None:
        return None
    if not (_is_text(value) or (numbers and isinstance(value, _Number))):
        msg = f"{key!r} must be text, not {_short(value)}"
        raise ClaimError(msg)
    return str(value)


def _side(value: Any, key: str) -> str:
    if value is None:
        msg = f"missing required key {key!r} (an expression such as 'diff(sigmoid(a), a)')"
        raise ClaimError(msg)
    if isinstance(value, bool) or not isinstance(value, str):
        msg = f"{key!r} must be an expression written as text, not {_short(value)}"
        raise ClaimError(msg)
    text = str(value)
    if not text.strip():
        msg = f"{key!r} is empty"
        raise ClaimError(msg)
    return text


def _positive(value: Any, key: str) -> float | None:
    if value is None:
        return None
    try:
        number = float(value) if isinstance(value, str) and not isinstance(value, bool) else None
    except ValueError:
        number = None
    if number is None or not number > 0 or number == float("inf"):
        msg = f"{key!r} must be a positive number, not {_short(value)}"
        raise ClaimError(msg)
    return number


def _names(value: Any, key: str, check_value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        msg = (
            f"{key!r} must be a mapping of name: {'kind' if key == 'symbols' else 'distribution'}, not {_short(value)}"
        )
        raise ClaimError(msg)
    out: dict[str, Any] = {}
    for name, item in value.items():
        try:
            check_name(name)
        except DeriveError as exc:
            raise ClaimError(f"{key}: {exc.message}") from None
        out[name] = check_value(name, item)
    return out


def _kind(name: str, value: Any) -> str:
    if not _is_text(value):
        msg = f"symbols: the kind of {name!r} must be text such as 'positive', not {_short(value)}"
        raise ClaimError(msg)
    try:
        parse_kind(value)
    except DeriveError as exc:
        raise ClaimError(f"symbols: {name!r}: {exc.message}") from None
    return str(value)


def _distribution(name: str, value: Any) -> str:
    if not _is_text(value):
        msg = f"random: the distribution of {name!r} must be text such as 'Normal(0, 1)', not {_short(value)}"
        raise ClaimError(msg)
    return str(value)


def _claim_from_mapping(item: Mapping[str, Any], where: Location) -> Claim:
    unknown = [k for k in item if k not in CLAIM_KEYS]
    claim_id = item.get("id")
    claim_id = str(claim_id).strip() if _is_text(claim_id) and claim_id.strip() else None
    if unknown:
        close = difflib.get_close_matches(unknown[0], CLAIM_KEYS, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}? " if close else ""
        msg = f"unknown key {unknown[0]!r}; {hint}valid keys are: {', '.join(CLAIM_KEYS)}"
        raise ClaimError(msg, where=where, claim_id=claim_id)
    if claim_id is None:
        raw = item.get("id")
        msg = "missing required key 'id'" if raw is None else f"'id' must be non-empty text, not {_short(raw)}"
        raise ClaimError(msg, where=where)
    if len(claim_id) > _MAX_ID or any(c.isspace() or not c.isprintable() for c in claim_id):
        msg = f"'id' must be one word of at most {_MAX_ID} printable characters, such as 'gan.sigmoid.grad'"
        raise ClaimError(msg, where=where)
    try:
        expect_text = _text(item.get("expect"), "expect") or "holds"
        try:
            expect = Expect(expect_text.strip())
        except ValueError:
            msg = f"'expect' must be 'holds' or 'fails', not {expect_text!r}"
            raise ClaimError(msg) from None
        reason = _text(item.get("reason"), "reason", numbers=True)
        if expect is Expect.FAILS and not (reason and reason.strip()):
            msg = "a claim with `expect: fails` needs a `reason:` saying why the step is wrong"
            raise ClaimError(msg)
        tags = item.get("tags")
        if tags is None:
            tags = []
        elif isinstance(tags, str):
            tags = [tags]
        if not isinstance(tags, list) or not all(_is_text(t) for t in tags):
            msg = f"'tags' must be a list of text, not {_short(tags)}"
            raise ClaimError(msg)
        relation = Relation.parse(_text(item.get("relation"), "relation") or "==")
        return Claim(
            id=claim_id,
            lhs=_side(item.get("lhs"), "lhs"),
            rhs=_side(item.get("rhs"), "rhs"),
            relation=relation,
            symbols=_names(item.get("symbols"), "symbols", _kind),
            random=_names(item.get("random"), "random", _distribution),
            expect=expect,
            statement=_text(item.get("statement"), "statement", numbers=True),
            source=_text(item.get("source"), "source", numbers=True),
            tags=tuple(str(t) for t in tags),
            reason=reason,
            timeout=_positive(item.get("timeout"), "timeout"),
            tolerance=_positive(item.get("tolerance"), "tolerance"),
            where=where,
        )
    except ClaimError as exc:
        exc.where = exc.where or where
        exc.claim_id = exc.claim_id or claim_id
        raise


# ---------------------------------------------------------------------------------------
# Python claim modules (trusted project code).


def load_python_claims(path: str | Path, *, display: str | None = None) -> tuple[list[Claim], list[ClaimError]]:
    """Import a Python claim module and collect its claims.

    The module's ``CLAIMS`` list is used when present, otherwise every module-level `Claim`.
    Importing runs the module's code: only load trusted project files this way.
    """
    path = Path(path)
    display = display or str(path)
    digest = hashlib.sha1(str(path.resolve()).encode(), usedforsecurity=False).hexdigest()[:12]
    name = f"derive_claims_{digest}_{''.join(c if c.isalnum() else '_' for c in path.stem)}"
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            msg = "cannot import claim module"
            return [], [ClaimError(msg, where=Location(display))]
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # any failure of the module is reported as a claim error
        sys.modules.pop(name, None)
        line = _error_line(exc, path)
        return [], [
            ClaimError(
                f"error while importing claim module: {type(exc).__name__}: {exc}", where=Location(display, line)
            )
        ]
    except SystemExit as exc:
        sys.modules.pop(name, None)
        return [], [ClaimError(f"claim module called exit({exc.code})", where=Location(display))]
    source = _read_source(path)
    found = getattr(module, "CLAIMS", None)
    errors: list[ClaimError] = []
    if found is None:
        found = [v for v in vars(module).values() if isinstance(v, Claim)]
    elif not isinstance(found, (list, tuple)):
        return [], [ClaimError("CLAIMS must be a list of derive.Claim objects", where=Location(display))]
    claims: list[Claim] = []
    for item in found:
        if not isinstance(item, Claim):
            errors.append(
                ClaimError(f"CLAIMS holds {_short(item)}, which is not a derive.Claim", where=Location(display))
            )
            continue
        if item.where.file is None:
            item = item.evolve(where=Location(display, _line_of_id(source, item.id)))  # noqa: PLW2901
        claims.append(item)
    return claims, errors


def _error_line(exc: BaseException, path: Path) -> int | None:
    if isinstance(exc, SyntaxError) and exc.lineno is not None:
        return exc.lineno
    target = str(path.resolve())
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        try:
            if str(Path(frame.filename).resolve()) == target:
                line = frame.lineno
        except OSError:
            continue
    return line


def _read_source(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _line_of_id(source: str, claim_id: str) -> int | None:
    for quote in ('"', "'"):
        pos = source.find(f"{quote}{claim_id}{quote}")
        if pos >= 0:
            return source.count("\n", 0, pos) + 1
    return None


# ---------------------------------------------------------------------------------------
# Files and folders.


#: Byte-order marks of the Unicode encodings a text file may come in besides UTF-8; UTF-32
#: first, since its little-endian mark begins with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def utf8_bytes(data: bytes) -> bytes:
    """``data`` as UTF-8: a UTF-16 or UTF-32 text (named by its byte-order mark) decoded, a
    UTF-8 mark dropped, anything else unchanged. ValueError when the mark lies."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            name = encoding.upper()
            try:
                return data.decode(encoding).encode("utf-8")
            except UnicodeDecodeError as exc:
                msg = f"starts with a {name} byte-order mark but is not {name} text ({exc.reason})"
                raise ValueError(msg) from None
    return data.removeprefix(codecs.BOM_UTF8)


def file_problem(p: Path) -> str | None:
    """Why ``p`` is neither a folder nor a regular file derive can read, or None.

    Asked before opening anything: opening a FIFO would wait for a writer for ever.
    """
    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        return "broken symbolic link" if p.is_symlink() else "no such file or directory"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
        return f"cannot read: {exc.strerror or exc}"
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        kind = "a FIFO (named pipe)"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    else:
        kind = "a device"
    return f"{kind}, not a file; derive reads regular files only"


def _files(paths: Iterable[str | Path], errors: list[ClaimError]) -> list[tuple[Path, str]]:
    out: list[tuple[Path, str]] = []
    seen: set[str] = set()

    def add(p: Path, display: str) -> None:
        # The real path, once: a file reached through a symbolic link (or named twice) is read once.
        key = os.path.realpath(p)
        if key not in seen:
            seen.add(key)
            out.append((p, display))

    for raw in paths:
        p = Path(raw)
        problem = file_problem(p)
        if problem is not None:
            errors.append(ClaimError(problem, where=Location(str(raw))))
        elif p.is_dir():
            found = []
            for f in p.rglob("*"):
                rel = f.relative_to(p)
                if any(part.startswith((".", "_")) for part in rel.parts) or f.name == "__pycache__":
                    continue
                if f.suffix.lower() not in _SUFFIXES or f.name.lower().startswith("readme") or f.name == "conftest.py":
                    continue
                problem = file_problem(f)
                if problem is not None:
                    errors.append(ClaimError(problem, where=Location(str(f))))
                elif f.is_file():
                    found.append(f)
            for f in sorted(found):
                add(f, str(f))
        else:
            if p.suffix.lower() not in _SUFFIXES:
                msg = f"not a claim file (expected {', '.join(_SUFFIXES)})"
                errors.append(ClaimError(msg, where=Location(str(raw))))
                continue
            add(p, str(raw))
    return out


def load_claims(
    paths: str | Path | Iterable[str | Path], *, python: bool = True
) -> tuple[list[Claim], list[ClaimError]]:
    """Load every claim under ``paths`` (files or folders, recursively, in sorted order).

    Returns the claims and one `ClaimError` per problem (bad file, bad claim, duplicate id);
    good claims load even when others in the same file are bad. With ``python=False``,
    ``.py`` claim modules are refused (they would run code).
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    errors: list[ClaimError] = []
    claims: list[Claim] = []
    first: dict[str, Claim] = {}
    for path, display in _files(paths, errors):
        if path.suffix.lower() == ".py":
            if not python:
                msg = "Python claim modules are not loaded here (they run code); use YAML claim files"
                errors.append(ClaimError(msg, where=Location(display)))
                continue
            found, errs = load_python_claims(path, display=display)
        else:
            found, errs = load_yaml_claims(path, display=display)
        errors.extend(errs)
        for claim in found:
            earlier = first.get(claim.id)
            if earlier is not None:
                msg = f"duplicate claim id {claim.id!r} (first defined at {earlier.where})"
                errors.append(ClaimError(msg, where=claim.where, claim_id=claim.id))
                continue
            first[claim.id] = claim
            claims.append(claim)
    return claims, errors
