"""The ``derive:`` front matter and symbols files: sections, scopes, names, densities.

The ``derive:`` mapping takes ``scopes:``
(symbols and values for some blocks), ``values:`` (names fixed to numbers), ``constants:``
(names that depend on no differentiation variable), ``functions:`` (names applied to a
bracket, ``K(\\sigma)``; also ``symbols: {K: function}``) and ``macros:`` (author macros,
``{E: "\\\\mathbb{E}", vect: "\\\\mathbf{#1}"}``, see `derive.latex.macros.macros_from_mapping`;
they win over the document's own definitions) besides ``symbols:`` and ``random:``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from derive.errors import DeriveError, UsageError
from derive.language.symbols import parse_kind
from derive.latex.macros import MacroTable, macros_from_mapping
from derive.latex.matcal_readings import declared_marks
from derive.latex.parser import name_of

# ----------------------------------------------------------------------------------------
# Assumptions: front matter and --symbols files.


@dataclass
class _Section:
    """A ``derive:`` mapping: global symbols, random variables, fixed values, block scopes."""

    symbols: dict[str, str] = field(default_factory=dict)
    random: dict[str, Any] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    scopes: list[_Scope] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    densities: dict[str, tuple[str, str]] = field(default_factory=dict)  # p -> (x, "Normal(0, 1)")
    #: ``constants: [y_nk]``: names that depend on no differentiation variable.
    constants: tuple[str, ...] = ()
    #: ``functions: [K, H]``: names applied to what follows (``K(\\sigma)``, ``H[x]``), not factors.
    functions: tuple[str, ...] = ()
    #: ``macros: {E: "\\mathbb{E}"}``: author macros, over the document's own definitions.
    macros: MacroTable = field(default_factory=MacroTable)

    def over(self, other: _Section) -> _Section:
        """This section's entries win over ``other``'s (a --symbols file over front matter)."""
        return _Section(
            {**other.symbols, **self.symbols},
            {**other.random, **self.random},
            {**other.values, **self.values},
            other.scopes + self.scopes,
            other.errors + self.errors,
            {**other.densities, **self.densities},
            tuple(dict.fromkeys(other.constants + self.constants)),
            tuple(dict.fromkeys(other.functions + self.functions)),
            self.macros.over(other.macros),
        )

    def constants_for(self, block: int) -> tuple[str, ...]:
        """The ``constants:`` that hold in ``block``."""
        out = list(self.constants)
        for scope in self.scopes:
            if any(lo <= block <= hi for lo, hi in scope.ranges):
                out += scope.constants
        return tuple(dict.fromkeys(out))

    def functions_for(self, block: int) -> tuple[str, ...]:
        """The ``functions:`` that hold in ``block``."""
        out = list(self.functions)
        for scope in self.scopes:
            if any(lo <= block <= hi for lo, hi in scope.ranges):
                out += scope.functions
        return tuple(dict.fromkeys(out))

    def for_block(self, block: int) -> tuple[dict[str, str], dict[str, str]]:
        """The symbols and values that hold in ``block`` (later scopes win)."""
        symbols, values = dict(self.symbols), dict(self.values)
        for scope in self.scopes:
            if any(lo <= block <= hi for lo, hi in scope.ranges):
                symbols.update(scope.symbols)
                values.update(scope.values)
        return symbols, values

    def densities_for(self, block: int) -> dict[str, tuple[str, str]]:
        """The densities that hold in ``block``: name -> (variable, distribution)."""
        out = dict(self.densities)
        for scope in self.scopes:
            if any(lo <= block <= hi for lo, hi in scope.ranges):
                out.update(scope.densities)
        return out


@dataclass(frozen=True)
class _Scope:
    """``scopes:`` entry: what holds in some display blocks only."""

    ranges: tuple[tuple[int, int], ...]
    symbols: dict[str, str]
    values: dict[str, str]
    densities: dict[str, tuple[str, str]] = field(default_factory=dict)
    constants: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()


_SECTION_KEYS = (
    "symbols",
    "random",
    "values",
    "scopes",
    "densities",
    "constants",
    "functions",
    "macros",
    "layout",
    "entries",
)
_SCOPE_KEYS = ("blocks", "symbols", "values", "densities", "constants", "functions")
_DENSITY = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*)\s*~\s*(\S.*)")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:/\d+)?")
_RANGE = re.compile(r"(\d+)?\s*(-)?\s*(\d+)?")


def _block_ranges(spec: Any, where: str, errors: list[str]) -> tuple[tuple[int, int], ...]:
    """``"1-9"``, ``"12"``, ``"20-"``, ``"1-3, 7"`` or an integer -> inclusive (first, last) ranges."""
    if isinstance(spec, bool) or not isinstance(spec, (int, str)):
        errors.append(f'{where}: \'blocks:\' must be a range such as "1-9", "12" or "20-"')
        return ()
    out: list[tuple[int, int]] = []
    for part in str(spec).split(","):
        m = _RANGE.fullmatch(part.strip())
        if m is None or not (m.group(1) or m.group(3)) or (m.group(2) is None and m.group(3) and m.group(1)):
            errors.append(f'{where}: cannot read block range {part.strip()!r} (write "1-9", "12" or "20-")')
            continue
        lo = int(m.group(1)) if m.group(1) else 1
        hi = int(m.group(3)) if m.group(3) else (lo if m.group(2) is None else 10**9)
        out.append((lo, hi))
    return tuple(out)


def _name_map(value: Any, key: str, where: str, errors: list[str], *, numbers: bool = False) -> dict[str, str]:
    out: dict[str, str] = {}
    if value is None:
        return out
    if not isinstance(value, Mapping):
        errors.append(f"{where}: 'derive: {key}:' must be a mapping of name: value")
        return out
    for name, kind in value.items():
        if isinstance(kind, bool) or not isinstance(kind, (str, int, float)):
            hint = " (quote values that contain commas: {eps: 'Normal(0, 1)'})" if kind is None else ""
            errors.append(f"{where}: {key} entry {name!r} must be a string, not {type(kind).__name__}{hint}")
            continue
        if numbers and not _NUMBER.fullmatch(str(kind).strip()):
            errors.append(f"{where}: values entry {name!r} must be a number such as 2 or 0.5, not {kind!r}")
            continue
        out[str(name)] = str(kind).strip() if numbers else str(kind)
    return out


def _name_list(value: Any, key: str, where: str, errors: list[str]) -> tuple[str, ...]:
    """``constants: [y_nk, t_nk]`` (or one name) -> the names, each as derive spells it."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (str, int)) or not str(item).strip():
            errors.append(f"{where}: '{key}:' must be a list of names such as [y_nk, t], not {item!r}")
            continue
        text = str(item).strip()
        try:
            out.append(name_of(text) if "\\" in text or "{" in text else text)
        except DeriveError:
            errors.append(f"{where}: {key} entry {text!r} is not a name")
    return tuple(out)


def _functions_apart(symbols: dict[str, str]) -> tuple[dict[str, str], tuple[str, ...]]:
    """``symbols: {K: function}`` declares K a function (as ``functions: [K]`` does), not a kind."""
    functions = tuple(name for name, kind in symbols.items() if kind.strip().lower() == "function")
    return {name: kind for name, kind in symbols.items() if name not in functions}, functions


def _density_map(value: Any, where: str, errors: list[str]) -> dict[str, tuple[str, str]]:
    """``densities: {p: "x ~ MultivariateNormal(mu_1, Sigma_1)"}`` -> {p: (x, distribution)}."""
    out: dict[str, tuple[str, str]] = {}
    for name, text in _name_map(value, "densities", where, errors).items():
        m = _DENSITY.fullmatch(text)
        if m is None:
            errors.append(f"{where}: densities entry {name!r} must read 'x ~ Distribution(...)', not {text!r}")
            continue
        out[name] = (m.group(1), m.group(2).strip())
    return out


def _section(data: Any, where: str) -> _Section:
    sec = _Section()
    errors = sec.errors
    if data is None:
        return sec
    if not isinstance(data, Mapping):
        errors.append(f"{where}: expected a mapping with a 'derive:' key")
        return sec
    section = data.get("derive", None) if "derive" in data else None
    if section is None:
        return sec
    if not isinstance(section, Mapping):
        errors.append(f"{where}: 'derive:' must be a mapping with 'symbols:' and 'random:'")
        return sec
    unknown = sorted(str(k) for k in section if k not in _SECTION_KEYS)
    if unknown:
        errors.append(
            f"{where}: unknown key(s) under 'derive:': {', '.join(unknown)} "
            "(expected symbols, random, values, densities, constants, functions, scopes, macros, layout, entries)"
        )
    sec.symbols, declared = _functions_apart(_name_map(section.get("symbols"), "symbols", where, errors))
    # layout: denominator, entries: independent: how every matrix derivative reads (matcal_readings)
    marks, problems = declared_marks(section, where)
    sec.symbols.update(marks)
    errors.extend(problems)
    sec.random = dict(_name_map(section.get("random"), "random", where, errors))
    sec.values = _name_map(section.get("values"), "values", where, errors, numbers=True)
    sec.densities = _density_map(section.get("densities"), where, errors)
    sec.constants = _name_list(section.get("constants"), "constants", where, errors)
    sec.functions = _name_list(section.get("functions"), "functions", where, errors) + declared
    macros = section.get("macros")
    if macros is not None and not isinstance(macros, Mapping):
        errors.append(f"{where}: 'derive: macros:' must be a mapping of name: body, such as {{E: '\\mathbb{{E}}'}}")
    elif macros:
        sec.macros, problems = macros_from_mapping(macros, f"{where}: macros")
        errors.extend(problems)
    scopes = section.get("scopes") or []
    if not isinstance(scopes, list):
        errors.append(f"{where}: 'derive: scopes:' must be a list of {{blocks: ..., symbols: {{...}}}}")
        scopes = []
    for n, scope in enumerate(scopes, start=1):
        at = f"{where}: scope {n}"
        if not isinstance(scope, Mapping) or "blocks" not in scope:
            errors.append(f"{at}: expected a mapping with 'blocks:' and 'symbols:'")
            continue
        extra = sorted(str(k) for k in scope if k not in _SCOPE_KEYS)
        if extra:
            errors.append(f"{at}: unknown key(s) {', '.join(extra)} (expected {', '.join(_SCOPE_KEYS)})")
        ranges = _block_ranges(scope["blocks"], at, errors)
        symbols, declared = _functions_apart(_name_map(scope.get("symbols"), "symbols", at, errors))
        sec.scopes.append(
            _Scope(
                ranges,
                symbols,
                _name_map(scope.get("values"), "values", at, errors, numbers=True),
                _density_map(scope.get("densities"), at, errors),
                _name_list(scope.get("constants"), "constants", at, errors),
                _name_list(scope.get("functions"), "functions", at, errors) + declared,
            )
        )
    return sec


def _safe_yaml(text: str) -> Any:
    return yaml.safe_load(text)


def _symbols_section(path: str | os.PathLike[str]) -> _Section:
    try:
        text = Path(path).read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        msg = f"cannot read symbols file {os.fspath(path)!r}: {exc}"
        raise UsageError(msg) from exc
    if isinstance(data, Mapping) and "derive" not in data and any(k in data for k in _SECTION_KEYS):
        data = {"derive": data}
    sec = _section(data, os.fspath(path))
    kinds = [("symbols", sec.symbols)] + [(f"scope {n}", sc.symbols) for n, sc in enumerate(sec.scopes, start=1)]
    for where, mapping in kinds:
        for name, kind in mapping.items():
            try:
                parse_kind(kind)
            except DeriveError as exc:
                sec.errors.append(f"{os.fspath(path)}: {where}: symbol {name!r}: {exc.message}")
    if sec.errors:
        raise UsageError("; ".join(sec.errors))
    return sec


def load_symbols_file(path: str | os.PathLike[str]) -> tuple[dict[str, str], dict[str, Any]]:
    """Read a ``--symbols FILE.yaml`` holding ``derive: {symbols: {...}, random: {...}}``.

    A file with a bare ``symbols:``/``random:`` mapping (no ``derive:`` key) is accepted too.
    Raises `UsageError` when the file cannot be read or has the wrong shape. (`read_symbols_file`
    gives the whole mapping, ``values:`` and ``scopes:`` included.)
    """
    sec = _symbols_section(path)
    return sec.symbols, sec.random


def read_symbols_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The whole ``derive:`` mapping of a symbols file, every kind checked (`UsageError` if bad).

    The result can be passed as ``read_document(..., symbols={"derive": ...})``.
    """
    sec = _symbols_section(path)
    scopes = [
        {
            "blocks": ", ".join(_range_text(lo, hi) for lo, hi in sc.ranges),
            "symbols": sc.symbols,
            "values": sc.values,
            "densities": {p: f"{x} ~ {d}" for p, (x, d) in sc.densities.items()},
            "constants": list(sc.constants),
            "functions": list(sc.functions),
        }
        for sc in sec.scopes
    ]
    densities = {p: f"{x} ~ {d}" for p, (x, d) in sec.densities.items()}
    return {
        "symbols": sec.symbols,
        "random": sec.random,
        "values": sec.values,
        "densities": densities,
        "constants": list(sec.constants),
        "functions": list(sec.functions),
        "scopes": scopes,
        "macros": {name: ["".join(m.body), m.nargs] for name, m in sec.macros.macros.items()},
    }


def _range_text(lo: int, hi: int) -> str:
    return str(lo) if lo == hi else f"{lo}-" if hi >= 10**9 else f"{lo}-{hi}"


def _front_matter(text: str, file: str | None) -> tuple[_Section, int]:
    """The front matter's ``derive:`` section, and the offset where the body starts."""
    if not text.startswith("---"):
        return _Section(), 0
    m = re.match(r"---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*$", text, re.DOTALL | re.MULTILINE)
    if m is None:
        return _Section(), 0
    where = f"{file or '<input>'}:1 (front matter)"
    try:
        data = _safe_yaml(m.group(1))
    except Exception as exc:  # yaml.YAMLError and friends: report, keep reading the math
        return _Section(errors=[f"{where}: unreadable YAML: {str(exc).splitlines()[0]}"]), m.end()
    return _section(data, where), m.end()
