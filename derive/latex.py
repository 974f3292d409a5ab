"""Reading a homework: display math out of Markdown/LaTeX, chains split into checkable steps.

`read_document` finds the display-math blocks (``$$...$$``, ``\\[...\\]``, ``equation``,
``align``, ``gather``, ``eqnarray``, ``multline``, starred too; inline ``$...$`` only with
``inline=True``), numbers them from 1, and splits each into steps: a chain
``a = b \\le c = d`` gives (a, b), (b, c), (c, d). Each step carries a `derive.model.Claim`
whose sides are `derive.model.LatexSource` fragments: the LaTeX is parsed into sympy later,
inside a budgeted worker (`derive.parsing.prepare` -> `derive.latex_notation.parse_latex`),
so reading a document is fast and never runs into hostile input.

Splitting rules (the issue's): ``&`` and ``\\\\`` continue a chain (a row that begins with a
relation continues from the previous expression; one that begins with ``+``/``-`` continues
the expression); a block that begins with a relation continues the previous block's chain
(and one that begins with ``+`` continues its last expression); implication arrows
(``\\to``, ``\\Rightarrow``, ``\\implies``, ``\\xrightarrow{..}``, ``\\stackrel{..}{\\to}``, ...),
top-level ``,``/``;`` lists, definitions (``:=``) and ``\\sim``/``\\in`` start independent
statements; ``\\text{...}`` and ``\\quad`` annotations end the row (what follows is prose); a
``label:`` before the first relation is dropped. An ``&`` next to a relation is an alignment
mark in any block; elsewhere it separates columns in an alignment environment and is a stray
``&`` (an ``error`` step) outside one (see `_resolve_ampersands`). A block without a relation
has no step, and `Block.note` says why; a block whose brackets do not balance and that gives
no step gets one ``error`` step naming it, so every block appears in the report.

Steps are read in their document (see `Step`): the first equation of a statement may be a
definition (``z = B^T x``, or ``f := x^2``, which is no step of its own), which later steps use
when its name is defined once; a statement after a forward arrow is a conclusion whose premise
is the statement before it. Without ``inline=True`` the inline math of the prose gives no step
but is read as context: its definitions (``$\\hat y = \\sigma(a)$``) count like display ones
(a number given to a name, ``$x = 2$``, is not substituted) and its declarations
(``$y \\in \\{0, 1\\}$``, ``$\\sigma > 0$``) make names independent variables. Definitions a step
uses are applied in dependency order, so they compose (``\\hat y := \\sigma(a)`` after ``a := w x + b``).
An equation in the prose after a condition word (``If $\\hat y = y$``) is a case, never a definition;
a declaration gives its name a kind from there on where one states it exactly (``\\sigma > 0``:
positive, ``p \\in (0, 1)``: probability, ``n \\in \\mathbb{N}``: positive integer), a finite set of
numbers is checked at each value, and any other range only blocks refutations through the name.
After a condition annotation (``\\quad \\text{for } x, y > 0``, ``, \\quad a > 0, b > 0``) the rest of
the row is conditions: the statement is read under the kinds they state exactly and is not
refuted at a point outside them. ``+ \\mathrm{const}`` on one side is checked as "the difference
without it equals its value at one point" (see `Step.up_to_constant`). What a step
is read under is written into its claim's own LaTeX as an evaluation bar,
``\\left. W_1 x \\right|_{W_1 := B}`` or ``\\left. y \\right|_{y = 0}``, so the claim alone says
what was checked (and the result cache keys on it). The ``derive:`` mapping takes ``scopes:``
(symbols and values for some blocks), ``values:`` (names fixed to numbers), ``constants:``
(names that depend on no differentiation variable) and ``functions:`` (names applied to a
bracket, ``K(\\sigma)``; also ``symbols: {K: function}``) besides ``symbols:`` and ``random:``.
Callers answer definitions with `definition_result` and pass every result through `settle`
(both in `derive.latex_context`).
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from derive.errors import DeriveError, LatexError, Location, UsageError
from derive.latex_context import additive_constant, definition_result, settle, solve_premise, value_tex
from derive.latex_notation import (
    brace_end,
    definition_target,
    latex_of_name,
    mentions,
    name_of,
    names_in,
    parse_latex,
)
from derive.model import Claim, LatexSource, Relation
from derive.symbols import SymbolTable, parse_kind

__all__ = [
    "Block",
    "Document",
    "Step",
    "definition_result",
    "load_symbols_file",
    "read_document",
    "read_symbols_file",
    "settle",
    "split_block",
]

MAX_DOCUMENT = 8_000_000  # characters; a longer document is refused whole, never cut

_DISPLAY_ENVS = ("equation", "align", "gather", "eqnarray", "multline", "flalign", "alignat", "displaymath", "math")
_INNER_ENVS = ("aligned", "split", "gathered", "alignedat", "multlined")
#: Environments whose ``&`` separates columns (see `_resolve_ampersands`).
_ALIGN_ENVS = frozenset({"align", "alignat", "flalign", "eqnarray", "aligned", "alignedat", "split"})
_MATRIX_ENVS = ("matrix", "pmatrix", "bmatrix", "vmatrix", "Bmatrix", "Vmatrix", "smallmatrix", "cases", "array")
_REL_CMDS = {
    "le": Relation.LE, "leq": Relation.LE, "leqslant": Relation.LE, "ge": Relation.GE, "geq": Relation.GE,
    "geqslant": Relation.GE, "lt": Relation.LT, "gt": Relation.GT, "approx": Relation.APPROX, "equiv": Relation.EQ,
}  # fmt: skip
_REL_CHARS = {"=": Relation.EQ, "<": Relation.LT, ">": Relation.GT, "≤": Relation.LE, "≥": Relation.GE,
              "≈": Relation.APPROX}  # fmt: skip
_ARROW_CMDS = frozenset(
    {
        "to", "rightarrow", "Rightarrow", "implies", "longrightarrow", "Longrightarrow", "iff", "Leftrightarrow",
        "leftrightarrow", "Longleftrightarrow", "mapsto", "therefore", "because", "impliedby", "Leftarrow",
        "leftarrow", "longleftarrow", "Longleftarrow",
    }
)  # fmt: skip
#: Equivalences: both sides are conditions (checking one direction would accept a = 2 <=> a^2 = 4).
_EQUIVALENCES = frozenset({"iff", "Leftrightarrow", "leftrightarrow", "Longleftrightarrow"})
#: Arrows that read "the statement before gives the one after": the next statement is a
#: conclusion whose premise is the previous one (``\\Leftarrow``, ``\\because``, ``\\mapsto`` only separate).
_FORWARD_ARROWS = frozenset(
    {
        "to", "rightarrow", "Rightarrow", "implies", "longrightarrow", "Longrightarrow",
        "therefore", "xrightarrow", "xRightarrow", "xLongrightarrow",
    }
)  # fmt: skip
_BREAK_CMDS = frozenset({"sim", "in", "notin", "ne", "neq", "propto", "doteq",
                         "subset", "subseteq", "ll", "gg", "forall", "exists", "colon"})  # fmt: skip
#: Relations that claim something derive does not check (≠, ≐, ∝, ≪, ≃, ≅, ≲, ≦, ...): the block
#: gets an error step naming them, so a wrong "2 + 2 \\geqq 5" cannot vanish from the report.
_UNCHECKED_RELS = frozenset(
    {"ne", "neq", "doteq", "propto", "ll", "gg", "simeq", "approxeq", "cong", "lesssim", "gtrsim", "geqq", "leqq",
     "prec", "succ", "preceq", "succeq", "asymp", "eqsim", "backsimeq", "lessapprox", "gtrapprox", "nleq", "ngeq"}
)  # fmt: skip
_TEXT_CMDS = ("\\text", "\\textrm", "\\mbox", "\\textit", "\\textbf", "\\intertext")
#: An annotation starting with one of these words is followed by another claim, not a condition.
_CLAIM_WORDS = re.compile(r"\s*[,;.]?\s*(and|also|i\.?e\.?)\b", re.IGNORECASE)
#: ... by a consequence of what came before: read as an arrow (premise, conclusion).
_THEN_WORDS = re.compile(
    r"\s*[,;.]?\s*(so|thus|hence|therefore|then|we get|which gives|giving|gives|yields|implies)\b", re.IGNORECASE
)
#: A leading annotation with one of these words makes what follows a condition, not a claim.
_IF_WORDS = re.compile(
    r"\s*[,;.]?\s*(if|suppose|assume|assuming|let|setting|solving|given|for|when|where|with|since)\b",
    re.IGNORECASE,
)
_OPERATOR_WORDS = frozenset({"tr", "Tr", "KL", "JS", "det", "log", "exp", "E"})
# File, shell and macro commands: reported where they appear (never obeyed); inside a step
# they make the step an error. \usepackage and friends in a preamble are harmless and not reported.
_HOSTILE = re.compile(
    r"\\(input|include|write18|write|immediate|openout|openin|read|def|edef|gdef|xdef|let|newcommand|"
    r"renewcommand|providecommand|catcode|csname|expandafter|special|directlua)(?![A-Za-z])"
)


@dataclass(frozen=True)
class Block:
    """One display-math region: its number (from 1), first and last line, and its LaTeX."""

    index: int
    line: int
    end_line: int
    tex: str
    kind: str  # "$$", "\\[", an environment name, "inline"
    #: Why the block has no step of its own ("" when it has one): for the reports, which
    #: mark every block so that the echo of a homework is complete.
    note: str = ""


@dataclass(frozen=True)
class Step:
    """One checkable step ``lhs_tex <relation> rhs_tex`` of a block.

    ``error`` is set when the splitter already knows the step cannot be read (an empty
    side, a forbidden command); ``claim`` is built anyway, and checking it gives ``error``.

    ``kind`` is ``"unreadable"`` for the one ``error`` step of a block that could not be split
    (unbalanced braces hide its relations): ``lhs_tex`` is the whole block, ``rhs_tex`` empty.
    ``kind`` is ``"definition"`` for the first equation of a statement whose left side is a
    bare name (``z``, ``\\hat{x}``, ``D^*``) or an unknown function applied to names
    (``f(x)``, ``\\mathcal{L}(\\theta)``) that the right side does not use: ``defines`` names it,
    and `definition_result` answers for it. ``premise`` is the index (in `Document.steps`)
    of the last step of the statement an arrow leads from, ``premise_solution`` what solving
    it gave (``"y = 0"``; ``""`` nothing to solve; None could not solve), ``condition`` says
    an arrow follows this step's statement. ``uses`` lists the earlier definitions, fixed
    values and premise the claim's sides are read under; ``defined`` the names defined
    earlier that were not substituted (defined more than once, so not free either).
    """

    block: int
    index: int
    line: int
    lhs_tex: str
    rhs_tex: str
    relation: Relation
    claim: Claim
    error: str | None = None
    kind: str = "step"
    defines: str | None = None
    premise: int | None = None
    premise_solution: str | None = None
    condition: bool = False
    uses: tuple[str, ...] = ()
    defined: tuple[str, ...] = ()
    #: Names the prose defines right after the step's block ("where $z = Wx$"): the step was read
    #: with them free, so a counterexample that gives one of them a value does not refute it.
    defined_after: tuple[str, ...] = ()
    unread_premise: bool = False  # an arrow leads here from something derive could not read as a premise
    annotated: bool = False  # it follows an annotation such as \\text{for}: refuted, it is only undecided
    #: Names that do not depend on a differentiation variable: declared ``constants:`` and names the
    #: prose declares before the step (``$x \\in \\mathbb{R}$``, ``$\\sigma > 0$``).
    constants: tuple[str, ...] = ()
    #: The sides of the premise whose solution the step is read under, as they were read.
    premise_sides: tuple[str, str] = ()
    #: Names declared as functions (``functions: [K]``): ``K(\\sigma)`` applies K.
    functions: tuple[str, ...] = ()
    #: Equations the prose before the step states as conditions ("If $\\hat y = y$, then"), with
    #: their line and word: their names are neither substituted nor free.
    conditions: tuple[str, ...] = ()
    #: (name, where) of ranges the prose states that no kind expresses (``$y \\in \\{0, 1\\}$``):
    #: the step is read with the name real, so no refutation through it stands.
    ranges: tuple[tuple[str, str], ...] = ()
    #: The constant of "+ \\mathrm{const}" when the step was checked as "lhs - rhs without it is constant":
    #: the claim compares that difference with its value at one point (proved: equal up to a constant).
    up_to_constant: str = ""

    @property
    def id(self) -> str:
        return self.claim.id


@dataclass(frozen=True)
class Document:
    """What `read_document` found: the steps in order, the blocks, and reading problems."""

    file: str | None
    steps: tuple[Step, ...]
    blocks: tuple[Block, ...]
    errors: tuple[str, ...] = ()
    text: str = field(default="", repr=False)
    symbols: tuple[tuple[str, str], ...] = ()
    random: tuple[tuple[str, Any], ...] = ()


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


_SECTION_KEYS = ("symbols", "random", "values", "scopes", "densities", "constants", "functions")
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
            "(expected symbols, random, values, densities, constants, functions, scopes)"
        )
    sec.symbols, declared = _functions_apart(_name_map(section.get("symbols"), "symbols", where, errors))
    sec.random = dict(_name_map(section.get("random"), "random", where, errors))
    sec.values = _name_map(section.get("values"), "values", where, errors, numbers=True)
    sec.densities = _density_map(section.get("densities"), where, errors)
    sec.constants = _name_list(section.get("constants"), "constants", where, errors)
    sec.functions = _name_list(section.get("functions"), "functions", where, errors) + declared
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


# ----------------------------------------------------------------------------------------
# Finding the math.


def _mask(text: str, pattern: re.Pattern[str]) -> str:
    """Blank out regions (keeping newlines) so offsets and line numbers stay valid."""
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.DOTALL | re.MULTILINE)
_TEX_COMMENT = re.compile(r"(?<!\\)%[^\n]*")
_CODE_SPAN = re.compile(r"`[^`\n]+`")
_ONLY_INLINE = re.compile(r"[ \t,;.]*(\$[^$\n]+\$[ \t,;.]*)+")


@dataclass
class _Piece:
    text: str
    offset: int  # where ``text`` starts in the document


@dataclass
class _RawBlock:
    kind: str
    pieces: list[_Piece]
    start: int
    end: int


def _find_blocks(  # noqa: PLR0915 - one linear scan over the openers
    text: str,
    *,
    inline: bool,
    tex: bool,
    errors: list[str],
    line_of: Any,
    context: list[_RawBlock] | None = None,
) -> list[_RawBlock]:
    """The display blocks of ``text`` (and inline ones with ``inline``); without ``inline``,
    the inline ``$...$`` pieces go to ``context``, read for definitions and declarations only."""
    scan = _mask(text, _FENCE)
    scan = _mask(scan, _TEX_COMMENT if tex else _CODE_SPAN)
    scan = scan.replace("\\$", "  ")
    env_open = re.compile(r"\\begin\{(" + "|".join(_DISPLAY_ENVS) + r")(\*?)\}")
    blocks: list[_RawBlock] = []
    i, n = 0, len(scan)
    j = k = -2
    m: re.Match[str] | None = None
    m_start = -2
    while i < n:
        # each opener's next position is searched again only once scanning has passed it,
        # so a document with thousands of blocks is read in linear time
        if -1 < j < i or j == -2:
            j = scan.find("$", i)
        if -1 < k < i or k == -2:
            k = scan.find("\\[", i)
        if -1 < m_start < i or m_start == -2:
            m = env_open.search(scan, i)
            m_start = m.start() if m else -1
        candidates = [p for p in (j, k, m.start() if m else -1) if p >= 0]
        if not candidates:
            break
        start = min(candidates)
        if start == j and scan.startswith("$$", j):
            close = scan.find("$$", j + 2)
            if close < 0:
                errors.append(f"line {line_of(j)}: '$$' is never closed; the rest of the file is not read as math")
                break
            blocks.append(_RawBlock("$$", [_Piece(text[j + 2 : close], j + 2)], j, close + 2))
            i = close + 2
            i = _absorb_inline_lines(text, scan, i, blocks[-1])
        elif start == j:
            close = scan.find("$", j + 1)
            if close < 0:
                errors.append(f"line {line_of(j)}: '$' is never closed")
                break
            if inline:
                blocks.append(_RawBlock("inline", [_Piece(text[j + 1 : close], j + 1)], j, close + 1))
            elif context is not None:
                context.append(_RawBlock("context", [_Piece(text[j + 1 : close], j + 1)], j, close + 1))
            i = close + 1
        elif start == k:
            close = scan.find("\\]", k + 2)
            if close < 0:
                errors.append(f"line {line_of(k)}: '\\[' is never closed")
                break
            blocks.append(_RawBlock("\\[", [_Piece(text[k + 2 : close], k + 2)], k, close + 2))
            i = close + 2
        else:
            assert m is not None
            name = m.group(1) + m.group(2)
            end_tag = f"\\end{{{name}}}"
            close = scan.find(end_tag, m.end())
            if close < 0:
                errors.append(f"line {line_of(m.start())}: \\begin{{{name}}} is never closed")
                break
            blocks.append(_RawBlock(name, [_Piece(text[m.end() : close], m.end())], m.start(), close + len(end_tag)))
            i = close + len(end_tag)
    return blocks


def _absorb_inline_lines(text: str, scan: str, i: int, block: _RawBlock) -> int:
    """Lines right after a ``$$`` block made only of ``$...$`` pieces belong to it.

    PDF-to-text conversions (the seed homework) break ``$$z = B^T x, \\hat{x} = Bz$$`` into
    a display block and a line ``, $\\hat{x} = Bz$``; such lines (blank lines between are
    allowed) are read as more list items of the block. Returns where scanning resumes.
    """
    line_end = scan.find("\n", i)
    if line_end < 0 or scan[i:line_end].strip():
        return i  # something else follows on the closing line
    pos = line_end + 1
    resume = i
    while pos < len(scan):
        le = scan.find("\n", pos)
        le = len(scan) if le < 0 else le
        line = scan[pos:le]
        if not line.strip():
            pos = le + 1
            continue
        if "$$" in line or not _ONLY_INLINE.fullmatch(line.rstrip()):
            break
        for m in re.finditer(r"\$([^$\n]+)\$", line):
            block.pieces.append(_Piece(text[pos + m.start(1) : pos + m.end(1)], pos + m.start(1)))
        block.end = resume = le
        pos = le + 1
    return resume


# ----------------------------------------------------------------------------------------
# Splitting a block into statements and chains.


_TOKEN = re.compile(r"\\(?:[A-Za-z]+|.)|\s+|.", re.DOTALL)


@dataclass
class _Sep:
    kind: str  # "rel", "list", "arrow", "row", "drop", "label", "ignore"
    relation: Relation | None
    start: int
    end: int


def _group_end(text: str, i: int) -> int:
    """Given ``text[i] == '{'``, the index just after its matching ``}`` (or len(text))."""
    end = brace_end(text, i)
    return end if end >= 0 else len(text)


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _scan_separators(  # noqa: PLR0915 - one linear pass, one state
    tex: str, *, align: bool = False
) -> tuple[list[_Sep], bool]:
    """Top-level separators of a block's LaTeX, and whether its brackets balance.

    ``align``: the block is an alignment environment (``align``, ``eqnarray``, ...); an
    ``\\begin{aligned}`` inside the block makes what follows one too.
    """
    seps: list[_Sep] = []
    depth = 0
    aligning = 1 if align else 0
    balanced = True
    i, n = 0, len(tex)
    lead = re.match(r"\s*\{\s*\d+\s*\}", tex) if align else None
    if lead:  # the column count of a display alignat, \begin{alignat}{2} ...
        seps.append(_Sep("ignore", None, 0, lead.end()))
        i = lead.end()
    while i < n:
        m = _TOKEN.match(tex, i)
        assert m is not None
        tok, start = m.group(), i
        i = m.end()
        if tok.isspace():
            continue
        if tok in ("\\left", "\\right", "\\bigl", "\\bigr", "\\Bigl", "\\Bigr", "\\biggl", "\\biggr"):
            depth += 1 if tok in ("\\left", "\\bigl", "\\Bigl", "\\biggl") else -1
            j = _skip_space(tex, i)
            d = _TOKEN.match(tex, j) if j < n else None
            if d is not None:
                i = d.end()  # the delimiter belongs to \left / \right
            continue
        if tok in ("{", "(", "[", "\\{"):
            depth += 1
            continue
        if tok in ("}", ")", "]", "\\}"):
            depth -= 1
            if depth < 0:
                balanced, depth = False, 0
            continue
        if tok in ("\\begin", "\\end"):
            j = _skip_space(tex, i)
            if j < n and tex[j] == "{":
                end = _group_end(tex, j)
                name = tex[j + 1 : end - 1].strip().rstrip("*")
                if name in _INNER_ENVS or name in _DISPLAY_ENVS:
                    if tok == "\\begin" and name in ("alignat", "alignedat"):
                        k = _skip_space(tex, end)
                        if k < n and tex[k] == "{":
                            end = _group_end(tex, k)  # {3}: the number of columns, not a factor
                    seps.append(_Sep("env", None, start, end))
                    if name in _ALIGN_ENVS:
                        aligning += 1 if tok == "\\begin" else -1
                elif tok == "\\begin":
                    depth += 1
                else:
                    depth -= 1
                i = end
            continue
        if depth > 0:
            continue
        if tok == "&":
            seps.append(_Sep("amp" if aligning > 0 else "stray", None, start, i))
        elif tok == "\\\\":
            j = _skip_space(tex, i)
            if j < n and tex[j] == "[":  # \\[2pt]
                close = tex.find("]", j)
                i = close + 1 if close > 0 else i
            seps.append(_Sep("row", None, start, i))
        elif tok in _REL_CHARS:
            relation = _REL_CHARS[tok]
            if tok in "<>" and i < n and tex[i] == "=":
                relation, i = (Relation.LE if tok == "<" else Relation.GE), i + 1
            seps.append(_Sep("rel", relation, start, i))
        elif tok == ":":
            if i < n and tex[i] == "=":
                seps.append(_Sep("defn", Relation.EQ, start, i + 1))  # a definition: read, never checked
                i += 1
            else:
                seps.append(_Sep("label", None, start, i))
        elif tok in (",", ";"):
            seps.append(_Sep("list", None, start, i))
        elif tok.startswith("\\") and tok[1:] in _REL_CMDS:
            seps.append(_Sep("rel", _REL_CMDS[tok[1:]], start, i))
        elif tok in ("\\coloneqq", "\\triangleq", "\\defeq"):
            seps.append(_Sep("defn", Relation.EQ, start, i))
        elif tok.startswith("\\") and tok[1:] in _EQUIVALENCES:
            seps.append(_Sep("iff", None, start, i))  # both sides are conditions, neither a claim
        elif tok.startswith("\\") and tok[1:] in _ARROW_CMDS:
            seps.append(_Sep("arrow" if tok[1:] in _FORWARD_ARROWS else "list", None, start, i))
        elif tok in ("\\xrightarrow", "\\xleftarrow", "\\xRightarrow", "\\xLongrightarrow"):
            j = _skip_space(tex, i)
            if j < n and tex[j] == "[":
                close = tex.find("]", j)
                j = _skip_space(tex, close + 1 if close > 0 else j)
            if j < n and tex[j] == "{":
                j = _group_end(tex, j)
            seps.append(_Sep("arrow" if tok[1:] in _FORWARD_ARROWS else "list", None, start, j))
            i = j
        elif tok in ("\\stackrel", "\\overset", "\\underset"):
            j = _skip_space(tex, i)
            first_end = _group_end(tex, j) if j < n and tex[j] == "{" else j + 1
            k = _skip_space(tex, first_end)
            second_end = _group_end(tex, k) if k < n and tex[k] == "{" else k + 1
            base = tex[k:second_end].strip("{} \t\n")
            rel = _REL_CHARS.get(base) or _REL_CMDS.get(base.lstrip("\\"))
            arrow = "arrow" if base.lstrip("\\") in _FORWARD_ARROWS else "list"
            seps.append(_Sep("rel", rel, start, second_end) if rel else _Sep(arrow, None, start, second_end))
            i = second_end
        elif tok in _TEXT_CMDS:
            j = _skip_space(tex, i)
            end = _group_end(tex, j) if j < n and tex[j] == "{" else j
            word = tex[j + 1 : end - 1].strip() if end > j else ""
            if (tok == "\\text" and word in _OPERATOR_WORDS) or word.rstrip(".") in ("const", "constant"):
                # "+ \\text{const}" is the additive-constant idiom, an operand (see `additive_constant`)
                i = end
                continue
            if _applied_text(tex, j, end):
                # "\\text{var}[x]", "\\text{softmax}(z)": an operator name applied to what follows
                # is mathematics, never an annotation to drop; the reader reads it or says it cannot
                i = end
                continue
            if _leads(tex, seps, start):
                in_row = bool(seps) and seps[-1].kind in ("row", "amp")
                if not in_row and _starts_with_relation(_first_token(tex, end, n)):
                    continue  # "\\text{LHS} = ...": the text is an operand; the reader says it cannot read it
                if seps and seps[-1].kind == "list" and _THEN_WORDS.match(word):
                    # "2v - 4 = 0, \\text{ so } v = 2": the comma and the word make one arrow
                    seps[-1] = _Sep("arrow", None, seps[-1].start, end)
                    i = end
                    continue
                # "\\text{Suppose } k > 3": a condition; "\\text{Thus } a = b": an introduction
                seps.append(_Sep("cond" if _IF_WORDS.match(word) else "ignore", None, start, end))
            elif _CLAIM_WORDS.match(word):
                seps.append(_Sep("list", None, start, end))  # "a = b, \\text{ and } c = d": another claim
            elif _THEN_WORDS.match(word):
                seps.append(_Sep("arrow", None, start, end))  # "2w - 4 = 0 \\text{ gives } w = 2"
            else:
                seps.append(_Sep("drop", None, start, end))
            i = end
        elif tok in ("\\quad", "\\qquad"):
            if _leads(tex, seps, start):
                # "a = b, \\quad c = d" or "&\\qquad + 2x": spacing, not an annotation
                seps.append(_Sep("ignore", None, start, i))
                continue
            # an annotation follows; a relation after it is read as a condition (see the splitter)
            seps.append(_Sep("drop", None, start, i))
        elif tok in ("\\phantom", "\\hphantom", "\\vphantom", "\\hspace"):
            j = _skip_space(tex, i)
            end = _group_end(tex, j) if j < n and tex[j] == "{" else j
            seps.append(_Sep("ignore", None, start, end))  # invisible: "&\\phantom{=} + 1"
            i = end
        elif tok.startswith("\\") and tok[1:] in _UNCHECKED_RELS:
            seps.append(_Sep("unchecked", None, start, i))  # a claim derive does not check: said, not dropped
        elif tok.startswith("\\") and tok[1:] in _BREAK_CMDS:
            seps.append(_Sep("list", None, start, i))
        elif tok in ("\\nonumber", "\\notag", "\\displaystyle"):
            seps.append(_Sep("ignore", None, start, i))
        elif tok in ("\\tag", "\\label"):
            j = _skip_space(tex, i)
            end = _group_end(tex, j) if j < n and tex[j] == "{" else j
            seps.append(_Sep("ignore", None, start, end))
            i = end
    if depth != 0:
        balanced = False
    return _resolve_ampersands(tex, seps), balanced


#: A relation inside what an annotation drops (``\\quad (x, y > 0)``, ``\\text{for all } x \\ne 0``).
_CONDITION_INSIDE = re.compile(r"[<>=≤≥]|\\(?:le|ge|leq|geq|lt|gt|neq|ne|in|notin|leqslant|geqslant)(?![A-Za-z])")

#: Words in a dropped annotation that make the statement conditional ("(valid for positive reals)").
_ANNOTATION_CONDITION = re.compile(
    r"\b(if|when|whenever|assum\w*|suppos\w*|unless|provided|given|for|where|valid|s\.\s*t\.|such\s+that|with|only)\b",
    re.IGNORECASE,
)
#: An annotation that states where a statement does not hold: its relations give no kinds.
_NEGATED = re.compile(r"\b(except|unless|not|otherwise|fails?|never|but|outside|excluding)\b", re.IGNORECASE)
_UNIVERSAL = re.compile(r"\b(for\s+(all|every|any|each))\b|\\forall", re.IGNORECASE)

_APPLIED = re.compile(r"\(|\[|\\\{|\\left\b|_|\^")


_ONE_NAME = re.compile(
    r"(?:\\(?:quad|qquad|[,;: ])|~|\s)*(?:\\[A-Za-z]+|[A-Za-z])(?:\s*_\s*(?:\{[^{}]*\}|[A-Za-z0-9]))?"
    r"(?:\s*,\s*(?:\\[A-Za-z]+|[A-Za-z])(?:\s*_\s*(?:\{[^{}]*\}|[A-Za-z0-9]))?)*\s*"
)
_BOUND_RELATIONS = frozenset({Relation.LT, Relation.GT, Relation.LE, Relation.GE})


def _constrains_one_name(tex: str, seps: list[_Sep], k: int) -> bool:
    """Whether what follows the list separator ``seps[k]`` bounds single names (``a > 0``,
    ``\\quad x \\in \\mathbb{R}``, ``x, y > 0``): a condition of the statement before, not a claim."""
    j = k + 1
    while j < len(seps) and seps[j].kind in ("ignore", "list") and tex[seps[j].start : seps[j].end] not in (
        "\\in",
        "\\notin",
    ):
        if seps[j].kind == "list" and tex[seps[j].start : seps[j].end].strip() not in (",",):
            return False
        j += 1
    if j >= len(seps):
        return False
    nxt = seps[j]
    membership = nxt.kind == "list" and tex[nxt.start : nxt.end] in ("\\in", "\\notin")
    if not membership and not (nxt.kind == "rel" and nxt.relation in _BOUND_RELATIONS):
        return False
    segment = tex[seps[k].end : nxt.start]
    if _ONE_NAME.fullmatch(segment) is None:
        return False
    try:
        for part in segment.split(","):
            cleaned = re.sub(r"\\(?:quad|qquad|[,;: ])|~", " ", part).strip()
            name_of(cleaned)
    except DeriveError:
        return False
    return True


def _applied_text(tex: str, j: int, end: int) -> bool:
    """Whether the ``\\text{...}`` group ``tex[j:end]`` is one word applied to a bracket that
    follows it at once (``\\text{var}[x]``), rather than prose (``\\text{Thus } (a+b)^2``)."""
    word = tex[j + 1 : end - 1]
    return bool(re.fullmatch(r"[A-Za-z]+", word)) and _APPLIED.match(tex, end) is not None


def _leads(tex: str, seps: list[_Sep], start: int) -> bool:
    """Whether position ``start`` opens a statement, row or cell (nothing but a separator before it)."""
    if tex[seps[-1].end if seps else 0 : start].strip():
        return False
    return not seps or seps[-1].kind in ("list", "row", "amp", "env", "ignore")


def _resolve_ampersands(tex: str, seps: list[_Sep]) -> list[_Sep]:
    """Decide what each top-level ``&`` is.

    An ``&`` next to a relation (``&=``, ``= &``), at the start or end of the block or of a
    row, or next to another separator or annotation is an alignment mark and is ignored,
    in every kind of block. Markdown authors often write ``x &= y`` in a plain ``$$`` block
    and forget ``\\begin{aligned}``; MathJax would show an error there, but what the
    author meant is not in doubt. Any other ``&`` is not: in an alignment environment it
    separates columns (``x &= 1 & y &= 2``), so it ends the statement; outside one it is a
    stray ``&`` and stays in the step's text, where the LaTeX reader refuses it ("a stray
    '&'"), so the step is an ``error`` naming it. Dropping it would join its neighbours
    into a product (``2 & 3 = 6`` read as 2·3 = 6) and accept a step nobody wrote.
    """
    amps = [k for k, sep in enumerate(seps) if sep.kind in ("amp", "stray")]
    if not amps:
        return seps

    def touches(k: int, step: int) -> int | None:
        """The neighbour of seps[k] in direction ``step``: an index, -1 for the block edge,
        None when text lies between."""
        j = k + step
        if step < 0:
            gap = tex[seps[j].end if j >= 0 else 0 : seps[k].start]
        else:
            gap = tex[seps[k].end : seps[j].start if j < len(seps) else len(tex)]
        if gap.strip():
            return None
        return j if 0 <= j < len(seps) else -1

    anchored: set[int] = set()
    changed = True
    while changed:  # an anchored & anchors the & beside it (``&&`` before a comment)
        changed = False
        for k in amps:
            if k in anchored:
                continue
            for step in (-1, 1):
                j = touches(k, step)
                if j is None or (j >= 0 and seps[j].kind == "ignore"):
                    continue
                if j == -1 or seps[j].kind not in ("amp", "stray") or j in anchored:
                    anchored.add(k)
                    changed = True
                    break
    out: list[_Sep] = []
    for k, sep in enumerate(seps):
        if sep.kind not in ("amp", "stray"):
            out.append(sep)
        elif k in anchored:
            out.append(_Sep("ignore", None, sep.start, sep.end))
        elif sep.kind == "amp":
            out.append(_Sep("list", None, sep.start, sep.end))  # a column boundary
        # a stray & is left in the text
    return out


@dataclass
class _Expr:
    parts: list[tuple[int, int]]  # (start, end) offsets in the document
    blocks: set[int] = field(default_factory=set)  # the blocks its text comes from

    def text(self, doc: str) -> str:
        raw = " ".join(doc[a:b] for a, b in self.parts)
        raw = " ".join(raw.split())
        if raw.endswith(".") and not raw.endswith("\\."):
            raw = raw[:-1].rstrip()
        return raw


@dataclass
class _Rel:
    relation: Relation
    offset: int
    block: int


@dataclass(eq=False)
class _Chain:
    exprs: list[_Expr] = field(default_factory=list)
    rels: list[_Rel] = field(default_factory=list)
    premise: _Chain | None = None  # the statement before an arrow that leads to this one
    arrow_after: bool = False  # an arrow follows: this statement is a premise
    after_arrow: bool = False  # an arrow leads to this statement (its premise may be unreadable)
    annotated: bool = False  # it follows an annotation (\\quad \\text{for ...}): a condition, not a claim
    defining: bool = False  # its first relation is := (\\coloneqq, \\triangleq): a definition, not a step
    conditions: str = ""  # the conditions its row states after it ("x, y > 0"): kinds for its names


#: Layout that neither starts nor continues an expression: spacing, empty rows, phantoms.
_LAYOUT = frozenset({"&", "\\left", "\\right", "\\big", "\\Big", "\\quad", "\\qquad", "\\\\"})
_LAYOUT |= {"\\,", "\\;", "\\:", "\\!", "\\ "}
_LAYOUT_GROUPS = frozenset({"\\begin", "\\end", "\\phantom", "\\hphantom", "\\vphantom", "\\hspace"})


def _first_token(tex: str, start: int, end: int, *, skip_text: bool = False) -> str:
    """The first token of ``tex[start:end]`` that is mathematics, not layout.

    Spacing (``&\\qquad + 2x``, ``&\\phantom{=} + 1``) and empty rows (``\\\\ \\\\``) are skipped,
    so a continuation row is recognised by its ``+`` or ``=``.
    """
    j = start
    while j < end:
        m = _TOKEN.match(tex, j)
        assert m is not None
        tok = m.group()
        if tok in _LAYOUT_GROUPS or (skip_text and tok in _TEXT_CMDS):
            k = _skip_space(tex, m.end())
            j = _group_end(tex, k) if k < end and tex[k] == "{" else m.end()
            continue
        if tok == "\\\\":
            k = _skip_space(tex, m.end())
            j = tex.find("]", k) + 1 if k < end and tex[k] == "[" and "]" in tex[k:end] else m.end()
            continue
        if not tok.isspace() and tok not in _LAYOUT:
            return tok
        j = m.end()
    return ""


def _starts_with_relation(tok: str) -> bool:
    return tok in _REL_CHARS or (tok.startswith("\\") and tok[1:] in _REL_CMDS) or tok == "\\stackrel"


class _Splitter:
    """Walks the blocks in order, keeping the open chain across rows and blocks."""

    def __init__(self, doc: str) -> None:
        self.doc = doc
        self.chains: list[_Chain] = []
        self.chain: _Chain | None = None
        self.block_errors: dict[int, str] = {}
        self.flags: dict[int, set[str]] = {}  # what a block held, to say why it has no step
        self.block = 0  # the block being split
        self.arrowed = False  # an arrow was read and no statement has started since
        self.conditional = False  # the next statement is a condition (after \\iff)
        self.unchecked: dict[int, list[str]] = {}  # block -> relation commands it does not check
        self.last: _Chain | None = None  # the last closed statement with a relation
        self.pending: _Chain | None = None  # the premise of the next statement (after an arrow)

    def close(self) -> None:
        if self.chain is not None and (self.chain.rels or self.chain.exprs):
            self.chains.append(self.chain)
            if self.chain.rels:
                self.last = self.chain
        self.chain = None

    def new_chain(self, start: int) -> None:
        self.close()
        self.chain = _Chain([_Expr([])], [], premise=self.pending, after_arrow=self.arrowed, annotated=self.conditional)
        self.pending = None
        self.arrowed = self.conditional = False
        self._cursor = start

    def arrow(self) -> None:
        """An implication arrow: the statement before it is the premise of the next one."""
        current = self.chain
        empty = current is None or not any(e.parts for e in current.exprs)
        premise = current if current is not None and current.rels else (self.last if empty else None)
        self.close()
        if premise is not None:
            premise.arrow_after = True
        self.pending = premise
        self.arrowed = True

    def extend(self, start: int, end: int) -> None:
        if self.chain is None:
            if not self.doc[start:end].strip():
                return  # nothing after an arrow at the end of a block: the premise waits for the next
            self.new_chain(start)
        assert self.chain is not None
        if end > start:
            self.chain.exprs[-1].parts.append((start, end))
            if self.doc[start:end].strip():
                self.chain.exprs[-1].blocks.add(self.block)

    def piece(  # noqa: PLR0915 - one pass over the separators, one state
        self, piece: _Piece, block: int, first: bool, *, align: bool = False
    ) -> None:
        tex = piece.text
        self.block = block
        seps, balanced = _scan_separators(tex, align=align)
        if not balanced:
            self.block_errors[block] = "unbalanced braces or brackets in this block"
        lead = _first_token(tex, 0, len(tex))
        base = piece.offset
        flags = self.flags.setdefault(block, set())
        if tex.strip():
            flags.add("text")
        if first and lead == "+" and self.chain is not None and self.chain.exprs[-1].parts:
            flags.add("continued")  # "+ ..." continues the previous block's last expression
        elif _starts_with_relation(lead) and self.chain is not None and first:
            pass  # "= ..." continues the previous block's chain
        else:
            self.new_chain(base)
        cursor = 0
        k = 0
        # after a condition annotation ("\\text{at } a = 0, b = 0", "\\text{for } x, y > 0") the rest
        # of the row is conditions, comma-separated: none of them is a claim or a definition
        conditions_row = False
        stmt: _Chain | None = None  # the statement the row's conditions qualify
        cond_start = 0

        def qualify(chain: _Chain | None, start: int, said: str = "") -> None:
            nonlocal stmt, cond_start
            if _NEGATED.search(said):
                return  # "\\text{except when } x > 0": the statement is claimed outside that case
            if stmt is None and chain is not None and chain.rels:
                stmt, cond_start = chain, start

        def qualified(end: int) -> None:
            nonlocal stmt
            if stmt is not None:
                said = tex[cond_start:end]
                stmt.conditions = f"{stmt.conditions}, {said}" if stmt.conditions else said
            stmt = None

        while k < len(seps):
            sep = seps[k]
            self.extend(base + cursor, base + sep.start)
            cursor = sep.end
            if sep.kind == "rel":
                assert sep.relation is not None
                if self.chain is None:  # "= c" after an empty or annotation-only row
                    self.new_chain(base + sep.start)
                assert self.chain is not None
                self.chain.rels.append(_Rel(sep.relation, base + sep.start, block))
                self.chain.exprs.append(_Expr([]))
            elif sep.kind == "defn" and (self.chain is None or self.chain.rels):
                self.close()  # "a = b := c": a definition cannot continue a chain
                self.last = self.pending = None
            elif sep.kind == "defn":
                flags.add("definition")
                self.chain.defining = True
                self.chain.rels.append(_Rel(Relation.EQ, base + sep.start, block))
                self.chain.exprs.append(_Expr([]))
            elif sep.kind == "list":
                bound_next = _constrains_one_name(tex, seps, k)
                if bound_next and self.chain is not None and self.chain.rels and not conditions_row:
                    # "\\log(ab) = \\log a + \\log b, \\quad a > 0, b > 0": conditions of the statement
                    self.chain.annotated = True
                    conditions_row = True
                    qualify(self.chain, sep.end)
                if tex[sep.start : sep.end] in ("\\in", "\\notin") and conditions_row and self.chain is not None:
                    self.chain.annotated = True  # "\\text{for } x \\in [0, 1]": the membership is a condition
                self.close()
                self.last = self.pending = None
                if conditions_row:
                    self.conditional = True
            elif sep.kind == "arrow":
                flags.add("arrow")
                self.arrow()
            elif sep.kind == "unchecked":
                self.unchecked.setdefault(block, []).append(tex[sep.start : sep.end])
                self.close()
                self.last = self.pending = None
            elif sep.kind == "cond":
                if self.chain is not None and self.chain.rels:
                    self.chain.annotated = True  # "|d| &= d && \\text{if } d \\ge 0": a case, not an identity
                qualify(self.chain, sep.end, tex[sep.start : sep.end])
                self.close()
                self.last = self.pending = None
                self.conditional = True
                conditions_row = True
            elif sep.kind == "iff":
                if self.chain is not None:
                    self.chain.annotated = True
                self.close()
                self.last = self.pending = None
                self.conditional = True
            elif sep.kind == "label":
                assert self.chain is not None
                if not self.chain.rels:
                    self.chain.exprs[-1].parts.clear()  # "itr 1: (1,1) = 1": the label is not maths
                else:
                    self.close()
            elif sep.kind == "drop":
                j = k + 1
                while j < len(seps) and seps[j].kind != "row" and seps[j].kind != "rel":
                    j += 1
                end_row = j
                while end_row < len(seps) and seps[end_row].kind != "row":
                    end_row += 1
                member = any(tex[seps[m].start : seps[m].end] in ("\\in", "\\notin") for m in range(k + 1, end_row))
                if member and self.chain is not None and self.chain.rels:
                    self.chain.annotated = True  # "r = r^2 \\quad \\text{for } r \\in \\{0, 1\\}"
                if j < len(seps) and seps[j].kind == "rel":
                    # "\\quad \\text{for } x > 0": what follows the annotation is read, but as a
                    # condition or justification (see `Step.annotated`), never dropped unseen; the
                    # statement it qualifies holds under it, so it is conditional too
                    if self.chain is not None and self.chain.rels:
                        self.chain.annotated = True
                    qualify(self.chain, sep.end, tex[sep.start : seps[j].start])
                    self.close()
                    self.new_chain(base + sep.end)
                    assert self.chain is not None
                    self.chain.annotated = True
                    conditions_row = True
                else:
                    # prose follows an annotation: skip to the end of the row; a relation in it
                    # ("\\quad (x, y > 0)") is a condition the statement holds under
                    cursor = seps[j].start if j < len(seps) else len(tex)
                    dropped = tex[sep.start : cursor]
                    conditional = _CONDITION_INSIDE.search(tex[sep.end : cursor]) or (
                        _ANNOTATION_CONDITION.search(dropped) and not _UNIVERSAL.search(dropped)
                    )
                    if self.chain is not None and self.chain.rels and conditional:
                        self.chain.annotated = True
                        qualify(self.chain, sep.end, dropped)
                        qualified(cursor)
                    k = j - 1
            elif sep.kind == "row":
                conditions_row = False
                qualified(sep.start)
                lead = _first_token(tex, sep.end, len(tex), skip_text=True)
                if not (_starts_with_relation(lead) or lead in ("+", "-", "\\cdot", "\\times")):
                    self.close()
            k += 1
        self.extend(base + cursor, base + len(tex))
        qualified(len(tex))

    def steps(self) -> list[tuple[_Rel, str, str, _Chain, int]]:
        """(relation, lhs, rhs, statement, position in the statement) in document order."""
        self.close()
        out: list[tuple[_Rel, str, str, _Chain, int]] = []
        for chain in self.chains:
            for k, rel in enumerate(chain.rels):
                lhs = chain.exprs[k].text(self.doc)
                rhs = chain.exprs[k + 1].text(self.doc) if k + 1 < len(chain.exprs) else ""
                out.append((rel, lhs, rhs, chain, k))
        out.sort(key=lambda item: item[0].offset)
        return out


def split_block(tex: str) -> list[tuple[str, Relation, str]]:
    """The steps of one block of LaTeX, as (lhs, relation, rhs) text triples.

    >>> split_block(r"a = b \\le c")
    [('a', <Relation.EQ: '=='>, 'b'), ('b', <Relation.LE: '<='>, 'c')]
    """
    s = _Splitter(tex)
    s.piece(_Piece(tex, 0), 1, first=False)
    return [(lhs, rel.relation, rhs) for rel, lhs, rhs, chain, k in s.steps() if not (chain.defining and k == 0)]


# ----------------------------------------------------------------------------------------


def _read_source(source: Any, path: str | None, max_chars: int = MAX_DOCUMENT) -> tuple[str, str | None, list[str]]:
    errors: list[str] = []
    data: bytes | str
    file = path
    if isinstance(source, os.PathLike) or (
        isinstance(source, str) and "\n" not in source and len(source) < 4096 and _is_file(source)
    ):
        file = path or os.fspath(source)
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            msg = f"cannot read {os.fspath(source)!r}: {exc.strerror or exc}"
            raise UsageError(msg) from exc
    else:
        data = source
    if isinstance(data, bytes):
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        if bad:
            first = text.index("\ufffd")
            line = text.count("\n", 0, first) + 1
            errors.append(f"line {line}: the file is not valid UTF-8 ({bad} byte sequence(s) replaced by U+FFFD)")
    elif isinstance(data, str):
        text = data
    else:
        msg = f"read_document takes text, bytes or a path, not {type(source).__name__}"
        raise UsageError(msg)
    if len(text) > max_chars:
        # Checking only the beginning would report every step read as the whole document.
        name = f"{file}: " if file else ""
        msg = (
            f"{name}the document has {len(text)} characters, more than the limit of {max_chars}; derive checks a"
            " document whole or not at all (raise the limit with max_chars / --max-chars)"
        )
        raise UsageError(msg)
    return text, file, errors


def _is_file(name: str) -> bool:
    try:
        return Path(name).is_file()
    except (OSError, ValueError):
        return False


def read_document(
    source: str | bytes | os.PathLike[str],
    *,
    symbols: Mapping[str, Any] | str | os.PathLike[str] | None = None,
    inline: bool = False,
    path: str | None = None,
    max_chars: int = MAX_DOCUMENT,
) -> Document:
    """Read a Markdown/LaTeX homework into blocks and steps (no LaTeX is parsed here).

    ``source`` is the text (str or bytes) or a path to the file. ``symbols`` adds to the
    front matter's assumptions and wins over it: a mapping ``{name: kind}``, a mapping with
    a ``derive:`` key, or a path to a YAML file holding ``derive: {symbols:, random:}``.
    ``path`` names the file in locations when ``source`` is text. Never raises for bad
    content (non-UTF-8 bytes, unclosed math, hostile commands): those go to ``errors`` and
    to the affected steps. Raises `UsageError` only when a path cannot be read or the text
    is longer than ``max_chars`` characters (a document is read whole or not at all).

    >>> doc = read_document("$$a = b = c$$")
    >>> [(s.block, s.index, s.lhs_tex, s.rhs_tex) for s in doc.steps]
    [(1, 1, 'a', 'b'), (1, 2, 'b', 'c')]
    """
    text, file, errors = _read_source(source, path, max_chars)

    newlines = [m.start() for m in re.finditer("\n", text)]

    def line_of(offset: int) -> int:
        return bisect.bisect_left(newlines, offset) + 1

    fm, body = _front_matter(text, file)
    errors.extend(fm.errors)
    given = _Section()
    if isinstance(symbols, (str, os.PathLike)):
        given = _symbols_section(symbols)
    elif isinstance(symbols, Mapping):
        if "derive" in symbols:
            given = _section(symbols, "symbols")
            errors.extend(given.errors)
        else:
            plain, declared = _functions_apart({str(k): str(v) for k, v in symbols.items()})
            given = _Section(symbols=plain, functions=declared)
    section = given.over(fm)
    merged_symbols, merged_random = section.symbols, section.random
    for m in _HOSTILE.finditer(text):
        errors.append(
            f"line {line_of(m.start())}: \\{m.group(1)} is ignored (derive never reads files, runs programs "
            "or expands macros)"
        )
    tex_mode = bool(file and file.endswith((".tex", ".ltx"))) or "\\begin{document}" in text
    masked = (" " * body) + text[body:]
    prose: list[_RawBlock] = []
    raw_blocks = _find_blocks(masked, inline=inline, tex=tex_mode, errors=errors, line_of=line_of, context=prose)
    # _find_blocks slices pieces from the masked text; take them from the real text instead
    for rb in raw_blocks + prose:
        for p in rb.pieces:
            p.text = text[p.offset : p.offset + len(p.text)]
    # inline math in the prose (without --inline): its definitions (``$\hat y = \sigma(a)$``)
    # and declarations (``$x \in \mathbb{R}$``) hold for the display steps after it
    context = _Splitter(text)
    starts = [rb.start for rb in raw_blocks]
    for rb in prose:
        for piece in rb.pieces:
            context.piece(piece, bisect.bisect_left(starts, rb.start), first=False)
    # "If $x > 0$, ..." states a case, not a standing assumption: its range gives no kind
    declared_at = [
        (
            rb.start,
            name,
            None if _condition_word(text, rb.start) in _CASE_WORDS else kind,
            " ".join(rb.pieces[0].text.split()),
            line_of(rb.start),
        )
        for rb in prose
        for name, kind in _declared_kinds(rb.pieces[0].text)
    ]

    splitter = _Splitter(text)
    blocks: list[Block] = []
    offsets: list[tuple[int, int]] = []
    for number, rb in enumerate(raw_blocks, start=1):
        tex_joined = ", ".join(p.text.strip() for p in rb.pieces)
        blocks.append(Block(number, line_of(rb.start), line_of(rb.end), tex_joined, rb.kind))
        offsets.append((rb.start, rb.end))
        for k, piece in enumerate(rb.pieces):
            splitter.piece(piece, number, first=(k == 0), align=rb.kind.rstrip("*") in _ALIGN_ENVS)

    steps = _build_steps(splitter, section, file, line_of, context=context, declared_at=declared_at)
    # the steps that read text of another block ("+ ..." continuing an expression)
    carried: dict[int, list[str]] = {}
    shown = [item for item in splitter.steps() if not _hidden_definition(item, splitter)]
    for (_rel, _lhs, _rhs, chain, k), step in zip(shown, steps, strict=True):
        for expr in chain.exprs[k : k + 2]:
            for b in sorted(expr.blocks - {step.block}):
                label = f"block {step.block} step {step.index}"
                if label not in carried.setdefault(b, []):
                    carried[b].append(label)
    steps = _unreadable_blocks(steps, blocks, splitter, section, file)
    blocks = _explain_stepless(blocks, steps, splitter.flags, carried)
    sym_items = tuple(sorted(merged_symbols.items()))
    rnd_items = tuple(merged_random.items())
    return Document(file, tuple(steps), tuple(blocks), tuple(errors), text, sym_items, rnd_items)


_HIDDEN_RELATION = re.compile(r"(?<![\\&<>:])(?:=|<|>)|\\(?:le|ge|leq|geq|neq|ne|approx|leqslant|geqslant)(?![A-Za-z])")


def _unreadable_blocks(
    steps: list[Step], blocks: list[Block], splitter: _Splitter, section: _Section, file: str | None
) -> list[Step]:
    """Give a block one ``error`` step when relations in it would otherwise go unreported.

    That is a block with no step whose brackets do not balance (a relation inside an unclosed
    brace, ``\\frac{1}{2 = x``, is not at the top level) or whose relations sit inside
    ``\\underbrace``, an array or cases; and any block with a relation derive does not check
    (``\\ne``, ``\\propto``), after its own steps. The step's left side is the whole block, its
    right side empty. Indices of premises (into the steps) are renumbered around the inserted steps.
    """
    has_step = {s.block for s in steps}
    extra: dict[int, Step] = {}
    for b in blocks:
        problem = splitter.block_errors.get(b.index)
        unchecked = splitter.unchecked.get(b.index)
        if unchecked:
            names = ", ".join(dict.fromkeys(unchecked))
            problem = f"{names}: a relation derive does not check (it checks =, <, >, \\le, \\ge, \\approx)"
        elif (
            problem is None
            and _HIDDEN_RELATION.search(b.tex)
            and not splitter.flags.get(b.index, set()) & {"arrow", "continued"}
        ):
            # "a \\underbrace{=}_{...} b", "\\begin{array}...": relations derive does not split
            # must not vanish from the report
            problem = "its relations are not at the top level (inside \\underbrace, an array, cases or a matrix)"
        if problem is None or (b.index in has_step and not unchecked):
            continue
        fragment = " ".join(b.tex.split())
        symbols, _values = section.for_block(b.index)
        index = 1 + sum(1 for st in steps if st.block == b.index)  # after the block's own steps
        claim = Claim(
            id=f"block {b.index}, step {index}",
            lhs=LatexSource(fragment),
            rhs=LatexSource(""),
            symbols=tuple(sorted(symbols.items())),
            random=tuple(section.random.items()),
            statement=fragment,
            source=f"{file or '<input>'}, block {b.index}",
            tags=("latex",),
            where=Location(file, b.line),
        )
        tail = "no step can be read from it" if index == 1 else "its other relations are checked as steps"
        error = f"{problem}: {fragment!r} ({tail})"
        extra[b.index] = Step(b.index, index, b.line, fragment, "", Relation.EQ, claim, error, kind="unreadable")
    if not extra:
        return steps
    merged: list[Step] = []
    moved: dict[int, int] = {}
    pending = sorted(extra)
    for old, step in enumerate(steps):
        while pending and pending[0] < step.block:
            merged.append(extra[pending.pop(0)])
        moved[old] = len(merged)
        merged.append(step)
    merged += [extra[n] for n in pending]
    return [s if s.premise is None else replace(s, premise=moved[s.premise]) for s in merged]


def _explain_stepless(
    blocks: list[Block], steps: list[Step], flags: Mapping[int, set[str]], carried: Mapping[int, list[str]]
) -> list[Block]:
    """Set `Block.note` on each block that has no step of its own, saying why.

    ``carried``: block -> the steps of other blocks that read some of its text.
    """
    has_step = {s.block for s in steps}
    out: list[Block] = []
    for b in blocks:
        if b.index in has_step:
            out.append(b)
            continue
        seen = flags.get(b.index, set())
        if "text" not in seen:
            note = "the block is empty"
        elif "continued" in seen or b.index in carried:
            where = carried.get(b.index, [])
            note = (
                "it continues the expression of the block before it"
                if "continued" in seen
                else "its expression goes on in the next block"
            )
            note += f", checked in {' and '.join(where)}" if where else " and no relation follows"
        elif "arrow" in seen:
            note = "only an arrow; a label over an arrow is not checked"
        elif "definition" in seen:
            note = "a definition (:=): later steps are read with it, there is nothing to check"
        else:
            note = "no relation (=, \\le, ...) outside brackets: an expression, not a step"
        out.append(replace(b, note=note))
    return out


@dataclass
class _Draft:
    rel: _Rel
    lhs: str
    rhs: str
    chain: _Chain
    position: int
    index: int
    line: int
    error: str | None
    symbols: dict[str, str]
    values: dict[str, str]
    defines: tuple[str, bool] | None = None
    base: tuple[str, str] = ("", "")  # the sides read under earlier definitions and fixed values
    context: bool = False  # read for its definitions, not checked: inline math in the prose, or "f := x^2"
    prose: bool = False  # inline math in the prose
    #: (name, word): a prose equation stated as a condition ("When $\\hat y = y$ ..."), not a definition
    condition: tuple[str, str] | None = None


def _build_steps(  # noqa: PLR0915 - one pass: each step with its context
    splitter: _Splitter,
    section: _Section,
    file: str | None,
    line_of: Any,
    *,
    context: _Splitter | None = None,
    declared_at: list[tuple[int, str, str | None, str, int]] | None = None,
) -> list[Step]:
    """The steps of the display blocks, each read under the definitions before it.

    ``context`` holds the inline math of the prose: its definitions count like display ones
    (``$\\hat y = \\sigma(a)$`` is substituted into the later steps that use y-hat), but it
    gives no step. ``declared_at`` lists (offset, name, kind or None, text, line) of names the
    prose declares: a kind holds for the steps after it unless the front matter or --symbols
    declare the name; a range no kind states (None) leaves the name real but unrefutable through.
    """
    drafts: list[_Draft] = []
    per_block: dict[int, int] = {}
    found = [(*item, _hidden_definition(item, splitter), False) for item in splitter.steps()]
    if context is not None:
        found += [(*item, True, True) for item in context.steps()]
        found.sort(key=lambda item: item[0].offset)
    for rel, lhs, rhs, chain, k, hidden, prose in found:
        error = _step_error(lhs, rhs, None if prose else splitter.block_errors.get(rel.block))
        if not hidden:
            per_block[rel.block] = per_block.get(rel.block, 0) + 1
        symbols, values = section.for_block(rel.block)
        index = 0 if hidden else per_block[rel.block]
        line = line_of(rel.offset)
        drafts.append(_Draft(rel, lhs, rhs, chain, k, index, line, error, symbols, values, context=hidden, prose=prose))
    _find_definitions(drafts, splitter.doc)
    # a display statement right after "If" / "Suppose" prose is a case, not an identity to refute
    cases = {
        id(d.chain)
        for d in drafts
        if not d.prose and d.position == 0 and d.chain.exprs and d.chain.exprs[0].parts and _block_case(splitter.doc, d)
    }
    counts: dict[str, int] = {}
    for d in drafts:
        if d.defines:
            counts[d.defines[0]] = counts.get(d.defines[0], 0) + 1
    last_of: dict[int, int] = {}
    for i, d in enumerate(drafts):
        last_of[id(d.chain)] = i

    # plain names defined exactly once: later steps read them as their definitions; a number
    # given to a name in the prose ("at $x = 2$") is more often a point than a definition, so it
    # is not substituted (a step refuted where it gives x a value is then only undecided)
    once = {
        d.defines[0]: i
        for i, d in enumerate(drafts)
        if d.defines and d.defines[1] and counts[d.defines[0]] == 1 and not (d.prose and _is_number(d.rhs))
    }
    repeated: set[str] = set()  # names defined so far that are not substituted
    conditioned: set[str] = set()  # names the prose so far states conditions on ("if $x = 2$")
    conditions: list[str] = []
    seen_defs = 0
    names_cache: dict[str, Any] = {}
    steps: list[Step] = []
    solved: dict[int, str | tuple[str, list[Any]] | None] = {}
    pending_declarations = sorted(declared_at or (), reverse=True)
    after: dict[int, set[str]] = {}  # block -> names the prose defines between it and the next block
    for d in drafts:
        if d.prose and d.defines:
            after.setdefault(d.rel.block, set()).add(d.defines[0])
    declared: set[str] = set()  # names the prose declared before the step
    prose_kinds: dict[str, tuple[str, str]] = {}  # name -> (kind, "\\sigma > 0 (line 3)")
    ranges: dict[str, str] = {}  # name -> "y \\in \\{0, 1\\} (line 2)": a range no kind states
    for i, d in enumerate(drafts):
        while pending_declarations and pending_declarations[-1][0] < d.rel.offset:
            _, name, kind, said, at = pending_declarations.pop()  # the steps come in document order
            declared.add(name)
            if kind is None:
                ranges[name] = f"{said} (line {at})"
                prose_kinds.pop(name, None)
            else:
                prose_kinds[name] = (kind, f"{said} (line {at})")
                ranges.pop(name, None)
        given_kinds = {n: k for n, (k, _) in prose_kinds.items() if n not in d.symbols and n not in section.random}
        sources = {n: prose_kinds[n][1] for n in given_kinds}
        # the conditions the statement's own row states ("\\quad \\text{for } x, y > 0") win over the prose
        for n, k, said in _condition_kinds(d.chain.conditions):
            if n not in d.symbols and n not in section.random:
                given_kinds[n], sources[n] = k, f"the condition {said} (line {d.line})"
        if given_kinds:
            d.symbols = {**given_kinds, **d.symbols}
        op = {"==": "=", "~=": "≈"}.get(d.rel.relation.value, d.rel.relation.value)
        step_random = tuple(section.random.items())
        dens = section.densities_for(d.rel.block)
        bound: tuple[str, ...] = ()
        if d.error is None and not d.context:
            extra = _subscript_random((d.lhs, d.rhs), d.symbols, section.random)
            step_random = step_random + tuple(extra.items())
            taken = {name for name, _ in step_random}
            bound, drawn = _bound_densities((d.lhs, d.rhs), dens, taken)
            step_random = step_random + drawn
        over = tuple(sorted((name, var) for name, (var, _) in dens.items()))
        substitutable = {n: j for n, j in once.items() if j < i}
        items: list[str] = []
        notes: list[str] = []
        uses: list[int] = []
        cyclic: set[str] = set()
        premise = last_of.get(id(d.chain.premise)) if d.chain.premise is not None else None
        solution: str | None = None
        if d.error is None and d.defines is None and not d.context:
            reached = _definitions_used((d.lhs, d.rhs), substitutable, drafts, names_cache)
            uses = _composition_order(reached, drafts, names_cache)
            # definitions on a cycle are not applied; their names are not free either
            cyclic = {drafts[j].defines[0] for j in set(reached) - set(uses)}  # type: ignore[index]
            items += [f"{drafts[j].lhs} := {drafts[j].rhs}" for j in uses]
            notes += [f"{drafts[j].lhs} := {drafts[j].rhs} (line {drafts[j].line})" for j in uses]
            texts = " ".join([d.lhs, d.rhs, *(drafts[j].rhs for j in uses)])
            fixed = [(n, v) for n, v in sorted(d.values.items()) if _may_mention(texts, n)]
            items += [f"{latex_of_name(n)} = {v}" for n, v in fixed]
            notes += [f"{n} = {v} (values:)" for n, v in fixed]
            applied = [n for n in section.functions_for(d.rel.block) if _may_mention(texts, n)]
            items = [f"{latex_of_name(n)}(\\cdot)" for n in applied] + items  # before the definitions use them
            notes += [f"{n} a function (functions:)" for n in applied]
            notes += [f"{n}: {k}, from {sources[n]}" for n, k in given_kinds.items() if _may_mention(texts, n)]
            d.base = (_wrap(d.lhs, items), _wrap(d.rhs, items))
            if premise is not None:
                if premise not in solved:
                    solved[premise] = solve_premise(steps[premise], drafts[premise].base)
                found = solved[premise]
                pre = steps[premise]
                pre_op = {"==": "=", "~=": "≈"}.get(pre.relation.value, pre.relation.value)
                given = f"given {pre.lhs_tex} {pre_op} {pre.rhs_tex} (line {pre.line})"
                if isinstance(found, tuple):
                    name, roots = found
                    shown = [value_tex(r) for r in roots]
                    sym = latex_of_name(name)
                    items.append(f"{sym} = {shown[0]}" if len(shown) == 1 else f"{sym} \\in \\{{{', '.join(shown)}\\}}")
                    solution = f"{name} = {shown[0]}" if len(shown) == 1 else f"{name} in {{{', '.join(shown)}}}"
                    order = "" if len(shown) == 1 else " (checked at each, in that order: one entry per solution)"
                    notes.append(f"{given}, solved: {solution}{order}")
                else:
                    solution = found
                    notes.append(given if found == "" else f"{given}, which derive could not solve")
        step_ranges = {n: w for n, w in ranges.items() if n not in d.symbols}  # a declared kind wins
        if d.error is None and d.defines is None and not d.context and not any("\\in \\{" in it for it in items):
            # a finite set of numbers ("$y \\in \\{0, 1\\}$") is checked at each of its values, exactly
            texts = " ".join([d.lhs, d.rhs, *(drafts[j].rhs for j in uses)])
            sets = [(n, _finite_set(w)) for n, w in sorted(ranges.items()) if _may_mention(texts, n)]
            sets = [(n, vals) for n, vals in sets if vals]
            # an inequality between columns is no order derive knows: there the set stays a range
            if len(sets) == 1 and sets[0][0] not in d.symbols and d.rel.relation in (Relation.EQ, Relation.APPROX):
                name, vals = sets[0]
                items.append(f"{latex_of_name(name)} \\in \\{{{', '.join(vals)}\\}}")
                notes.append(f"{name} in {{{', '.join(vals)}}}, from {ranges[name]} (checked at each, in that order)")
                del step_ranges[name]
        lhs_src, rhs_src = _wrap(d.lhs, items), _wrap(d.rhs, items)
        up_to = ""
        plain = d.error is None and d.defines is None and not d.context and premise is None
        if plain and d.rel.relation is Relation.EQ:
            defined_names = {drafts[j].defines[0] for j in uses} | repeated | cyclic | conditioned  # type: ignore[index]
            found = additive_constant(d.lhs, d.rhs, set(d.symbols) | set(section.random) | defined_names)
            check = (
                _constant_check((d.lhs, d.rhs), found, items, d.symbols, d.values, random=frozenset(section.random))
                if found
                else None
            )
            if check is not None:
                up_to = found[0]  # type: ignore[index]
                lhs_src, rhs_src, point = check
                notes.append(f"up to an additive constant {up_to}: the difference without it is its value at {point}")
        statement = f"{d.lhs} {op} {d.rhs}"
        if d.defines is not None:
            statement += f" (defines {d.defines[0]})"
        elif notes:
            statement += " [" + "; ".join(notes) + "]"
        claim = Claim(
            id=f"block {d.rel.block}, step {d.index}",
            lhs=LatexSource(lhs_src, over, bound),
            rhs=LatexSource(rhs_src, over, bound),
            relation=d.rel.relation,
            symbols=tuple(sorted(d.symbols.items())),
            random=step_random,
            statement=statement,
            source=f"{file or '<input>'}, block {d.rel.block}",
            tags=("latex",),
            where=Location(file, d.line),
        )
        while seen_defs < i:
            if drafts[seen_defs].defines and drafts[seen_defs].defines[0] not in once:  # type: ignore[index]
                repeated.add(drafts[seen_defs].defines[0])  # type: ignore[index]
            cond = drafts[seen_defs].condition
            if cond is not None:
                # not substituted (a case, not a definition), and not free either: a refutation
                # that gives the name a value may be outside the case the text meant
                conditions.append(
                    f"{drafts[seen_defs].lhs} = {drafts[seen_defs].rhs} (line {drafts[seen_defs].line}, {cond[1]})"
                )
                conditioned.add(cond[0])
            seen_defs += 1
        defined = tuple(sorted(repeated | cyclic | conditioned))
        steps.append(
            Step(
                d.rel.block,
                d.index,
                d.line,
                d.lhs,
                d.rhs,
                d.rel.relation,
                claim,
                d.error,
                kind="definition" if d.defines else "step",
                defines=d.defines[0] if d.defines else None,
                premise=premise,
                premise_solution=solution,
                condition=d.chain.arrow_after and last_of[id(d.chain)] == i,
                unread_premise=d.chain.after_arrow and d.chain.premise is None,
                annotated=d.chain.annotated or d.condition is not None or id(d.chain) in cases,
                uses=tuple(notes),
                defined=defined,
                defined_after=tuple(sorted(after.get(d.rel.block, set()))),
                constants=tuple(sorted(declared | set(section.constants_for(d.rel.block)) | set(d.values))),
                premise_sides=drafts[premise].base if premise is not None and solution is not None else (),
                functions=section.functions_for(d.rel.block),
                conditions=tuple(conditions),
                ranges=tuple(sorted(step_ranges.items())),
                up_to_constant=up_to,
            )
        )
    return _without_context(steps, [d.context for d in drafts])


def _without_context(steps: list[Step], context: list[bool]) -> list[Step]:
    """The steps of the display blocks only (premise indices renumbered)."""
    if not any(context):
        return steps
    moved: dict[int, int] = {}
    kept: list[Step] = []
    for i, step in enumerate(steps):
        if not context[i]:
            moved[i] = len(kept)
            kept.append(step)
    return [s if s.premise is None else replace(s, premise=moved.get(s.premise)) for s in kept]


_PLAIN_NUMBER = re.compile(r"\s*-?\s*(\d+(\.\d+)?|\\[dt]?frac\s*\{\s*\d+\s*\}\s*\{\s*\d+\s*\}|\\frac\d\d)\s*")


def _is_number(tex: str) -> bool:
    return _PLAIN_NUMBER.fullmatch(tex) is not None


#: Inline declarations: ``x \in \mathbb{R}``, ``x, y \in \mathbb{R}^n``, ``p \in [0, 1]``, ``\sigma > 0``.
_DECLARED_IN = re.compile(r"(?P<names>[^=<>]+?)\\in(?![A-Za-z])\s*(?:\\mathbb\s*\{?\s*[RNZQC]|\\\{|\[|\()")
_DECLARED_BY = re.compile(r"(?P<names>[^=<>]+?)(?:>|<|\\geq?|\\leq?|\\gt|\\lt)(?![A-Za-z])\s*=?\s*-?\s*\d+(\.\d+)?\s*$")


_SET_KINDS = (
    (re.compile(r"\\mathbb\s*\{?\s*N\s*\}?(?:\s*_\s*\{?\s*(?:\+|>\s*0|\\geq?\s*1)\s*\}?)?"), "positive integer"),
    (
        re.compile(r"\\mathbb\s*\{?\s*Z\s*\}?\s*(?:\^\s*\{?\s*\+\s*\}?|_\s*\{?\s*(?:\+|>\s*0|\\geq?\s*1)\s*\}?)"),
        "positive integer",
    ),
    (re.compile(r"\\mathbb\s*\{?\s*Z\s*\}?"), "integer"),
    (re.compile(r"\\mathbb\s*\{?\s*R\s*\}?\s*(?:\^\s*\{?\s*\+\s*\}?|_\s*\{?\s*(?:\+|>\s*0)\s*\}?)"), "positive"),
    (re.compile(r"\\mathbb\s*\{?\s*R\s*\}?\s*_\s*\{?\s*(?:\\geq?\s*0)\s*\}?"), "nonnegative"),
    (re.compile(r"\\mathbb\s*\{?\s*R\s*\}?\s*\^\s*\{?\s*(\d+)\s*\}?"), "vector {0}"),
    (re.compile(r"\\mathbb\s*\{?\s*R\s*\}?\s*\^\s*\{\s*(\d+)\s*(?:\\times|x)\s*(\d+)\s*\}"), "matrix {0}x{1}"),
    (re.compile(r"\\mathbb\s*\{?\s*R\s*\}?"), "real"),
    (re.compile(r"(?:\\left\s*)?\(\s*0\s*,\s*1\s*(?:\\right\s*)?\)"), "probability"),
)
_BOUND_KINDS = {(">", "0"): "positive", ("\\gt", "0"): "positive", ("\\ge", "0"): "nonnegative",
                ("\\geq", "0"): "nonnegative", ("<", "0"): "negative", ("\\lt", "0"): "negative"}  # fmt: skip
_BOUND_DECLARATION = re.compile(
    r"(?P<names>[^=<>]+?)(?P<rel>>|<|\\geq?|\\leq?|\\gt|\\lt)(?![A-Za-z])\s*(?P<eq>=)?\s*(?P<value>-?\s*\d+(?:\.\d+)?)\s*$"
)


def _declared_kinds(tex: str) -> list[tuple[str, str | None]]:
    """What an inline declaration says of each name: the kind it maps to exactly (``\\sigma > 0``:
    positive, ``p \\in (0, 1)``: probability, ``n \\in \\mathbb{N}``: positive integer, ``x \\in
    \\mathbb{R}^3``: vector 3), or None for a range no kind states (``y \\in \\{0, 1\\}``, ``x \\in
    [a, b]``, ``t > 1``, ``x \\in \\mathbb{R}^n``): no refutation may rest on a value outside it."""
    names = _declared_names(tex)
    if not names:
        return []
    text = tex.strip()
    kind: str | None = None
    member = _DECLARED_IN.match(text)
    if member is not None:
        rest = text[member.end("names") :].strip()
        rest = re.sub(r"^\\in(?![A-Za-z])\s*", "", rest).rstrip(" .,;")
        for pattern, name in _SET_KINDS:
            m = pattern.fullmatch(rest)
            if m is not None:
                kind = name.format(*m.groups())
                break
    else:
        m = _BOUND_DECLARATION.match(text)
        if m is not None:
            rel = m.group("rel") + ("q" if m.group("eq") and m.group("rel").startswith("\\") else "")
            rel = {">": "\\gt", "<": "\\lt"}.get(rel, rel) if not m.group("eq") else {">": "\\ge", "<": "\\le"}.get(
                m.group("rel"), rel
            )
            value = m.group("value").replace(" ", "")
            kind = _BOUND_KINDS.get((rel, value)) or _BOUND_KINDS.get((rel.rstrip("q"), value))
    return [(name, kind) for name in names]


_FINITE_SET = re.compile(r".*?\\in(?![A-Za-z])\s*\\\{(?P<values>[^{}]*)\\\}\s*[.,;]?\s*\(line \d+\)$")


def _finite_set(where: str) -> list[str]:
    """The numbers of a declared finite set (``y \\in \\{0, 1\\} (line 2)``), or [] for any other range."""
    m = _FINITE_SET.fullmatch(where.strip())
    if m is None:
        return []
    values = [v.strip() for v in m.group("values").split(",")]
    return values if 0 < len(values) <= 8 and all(_is_number(v) for v in values) else []


def _top_commas(tex: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(tex):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(tex[start:i])
            start = i + 1
    parts.append(tex[start:])
    return parts


_ROW_WORDS = re.compile(r"\\(?:text|textrm|mbox|mathrm|begin|end)\s*\{[^{}]*\}|\\q?quad|\\[,;:! ]|~|&")


def _condition_kinds(conditions: str) -> list[tuple[str, str, str]]:
    """(name, kind, what was said) for each condition of a statement's row that states a kind
    exactly (``x, y > 0``: both positive; ``n \\in \\mathbb{N}``): the statement is read under them."""
    if not conditions or len(conditions) > 400:
        return []
    out: list[tuple[str, str, str]] = []
    pending: list[str] = []
    for raw in _top_commas(_ROW_WORDS.sub(" ", conditions)):
        part = raw.strip().strip("()").strip()
        if not part:
            continue
        if not _CONDITION_INSIDE.search(part):
            pending.append(part)  # "x" of "x, y > 0"
            continue
        said = ", ".join([*pending, part])
        pending = []
        out += [(name, kind, said) for name, kind in _declared_kinds(said) if kind is not None]
    return out


_BINDERS = re.compile(
    r"\\(?:int|iint|iiint|oint|sum|prod|lim|partial|nabla|max|min|sup|inf|arg|mathbb|operatorname|begin)(?![A-Za-z])"
    r"|\\[dt]?frac\s*\{\s*d|(?<![A-Za-z\\])E\s*[_\[(]|\\right\s*\||\\left\s*\."
)


def _constant_check(
    sides: tuple[str, str],
    found: tuple[str, str, str],
    items: list[str],
    symbols: dict[str, str],
    values: dict[str, str],
    *,
    random: frozenset[str] = frozenset(),
) -> tuple[str, str, str] | None:
    """The sides of "lhs - rhs without the constant equals its value at one point", or None when
    derive cannot write that safely (binders, shapes, names it cannot list).

    ``found`` is (the constant as written, the side it is on, that side without it). Equal to
    its value at one point everywhere means constant, so proved is "equal up to an additive
    constant"; refuted only says it is not constant in every name (`derive.latex_context.settle`).
    """
    lhs, rhs = sides
    _, where, without = found
    left, right = (without, rhs) if where == "lhs" else (lhs, without)
    difference = f"\\left({left}\\right) - \\left({right}\\right)"
    texts = [left, right, *items]
    if any(_BINDERS.search(t) for t in texts) or any(":=" in it or "\\in" in it for it in items):
        return None  # a bound variable cannot be given a value; definitions keep the plain reading
    names: set[str] = set()
    for t in (left, right):
        got = names_in(t)
        if got is None or got[1]:
            return None
        names |= set(got[0])
    if names & random:
        return None  # a random variable is not given a value at a point
    names -= set(values) | {"pi", "e"}
    point: list[str] = []
    for n in sorted(names):
        kind = symbols.get(n, "real")
        try:
            parsed = parse_kind(kind)
        except DeriveError:
            return None
        if parsed.is_matrix:
            return None
        point.append(f"{latex_of_name(n)} = {'1/2' if parsed.base == 'probability' else '1'}")
    if not point:
        return None
    at = ", ".join(point)
    return _wrap(difference, items), _wrap(difference, [*items, *point]), at


def _declared_names(tex: str) -> list[str]:
    """The names an inline formula declares as quantities of their own (``x \\in \\mathbb{R}``,
    ``\\sigma > 0``): they count as independent variables (see `Step.constants`)."""
    m = _DECLARED_IN.match(tex.strip()) or _DECLARED_BY.match(tex.strip())
    if m is None:
        return []
    out: list[str] = []
    for part in m.group("names").split(","):
        try:
            out.append(name_of(part.strip()))
        except DeriveError:
            return []
    return out


def _hidden_definition(item: tuple[_Rel, str, str, _Chain, int], splitter: _Splitter) -> bool:
    """Whether a split step is a ``f := x^2`` definition: read for the later steps, no step of its
    own (nothing to check). A malformed one (``a :=``) stays a step, whose error is reported."""
    rel, lhs, rhs, chain, k = item
    return chain.defining and k == 0 and _step_error(lhs, rhs, splitter.block_errors.get(rel.block)) is None


#: Words that make the inline math after them (in the same sentence) a condition, not a definition.
_CONDITION_WORDS = re.compile(
    r"\b(if|when|whenever|suppose|supposing|assume|assuming|unless|in\s+case|given\s+that|provided|for)\b",
    re.IGNORECASE,
)
_INLINE_MATH = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|\\\(.*?\\\)", re.DOTALL)
_SENTENCE_END = re.compile(r"[.!?;:](?:\s|$)|\n\s*\n")


#: Condition words that make a prose range a case rather than a standing assumption ("Let", "Assume", "For" declare).
_CASE_WORDS = frozenset({"if", "when", "whenever", "unless", "in case", "provided", "suppose", "supposing"})


def _condition_word(doc: str, start: int) -> str:
    """The condition word ("if", "when", "for", ...) that opens the sentence part before the
    inline math starting at ``start``, or "": ``When $\\hat y = y$ the loss is zero`` states a
    case, not a definition of ŷ for the rest of the document."""
    before = doc[max(0, start - 400) : start]
    opener = before.rstrip("$(\\ ")  # the inline math's own opener
    opener = _INLINE_MATH.sub(" x ", opener)
    ends = list(_SENTENCE_END.finditer(opener))
    sentence = opener[ends[-1].end() :] if ends else opener
    words = _CONDITION_WORDS.findall(sentence)
    return " ".join(words[-1].lower().split()) if words else ""


_BLOCK_OPENER = re.compile(r"(?:\$\$|\\\[|\\begin\s*\{[A-Za-z*]+\}(?:\s*\{\d+\})?)\s*$")


def _block_case(doc: str, d: _Draft) -> str:
    """The case word before a display block whose first statement is ``d`` ("If\\n$$\\hat y = y$$"),
    or "". "for" is left out here: "for the logistic model we define $$...$$" defines."""
    start = d.chain.exprs[0].parts[0][0]
    opener = _BLOCK_OPENER.search(doc[max(0, start - 200) : start])
    if opener is None:
        return ""  # not the block's first statement
    word = _condition_word(doc, max(0, start - 200) + opener.start())
    return word if word in _CASE_WORDS | {"assume", "assuming", "given that"} else ""


def _find_definitions(drafts: list[_Draft], doc: str = "") -> None:
    """Mark the steps that define a name (see `Step.kind`); an equation in the prose after a
    condition word is a condition (`_Draft.condition`), never a definition."""
    seen: set[str] = set()
    for d in drafts:
        if d.error is not None or d.position != 0 or d.rel.relation is not Relation.EQ:
            continue
        if d.chain.premise is not None or d.chain.after_arrow:
            continue  # "... \\implies x = 1": a conclusion, even when its premise cannot be read
        if d.chain.arrow_after:
            continue  # "x = 3 \\implies ...": a condition, not a definition
        if len(d.lhs) > 200:
            continue
        target = definition_target(d.lhs)
        if d.chain.annotated:
            # "\\text{at } a = 0, b = 0": conditions of their row, not definitions; the names are
            # not free afterwards either (the text may mean the case for what follows)
            if target is not None and not mentions(d.rhs, target[0]):
                d.condition = (target[0], "a condition after an annotation")
            continue
        if target is not None and d.chain.defining and mentions(d.rhs, target[0]):
            d.defines = (target[0], False)  # "x := x + 1", an update: x is not free, and not substituted
            continue
        if target is None or mentions(d.rhs, target[0]):
            continue
        if doc and d.chain.exprs and d.chain.exprs[0].parts:
            word = _condition_word(doc, d.chain.exprs[0].parts[0][0]) if d.prose else _block_case(doc, d)
            if word:
                d.condition = (target[0], f'after "{word}"')
                continue
        base = target[0]
        while base.endswith("_prime"):
            base = base[: -len("_prime")]
        if base != target[0] and base in seen:
            continue  # f'(x) = 3x after f(x) = x^2: a claim about f's derivative, not a new definition
        if d.chain.arrow_after and target[0] in seen:
            continue  # "L(θ) = M(θ) → ..." about an L defined before: a condition, not a new definition
        d.defines = target
        seen.add(target[0])


def _definitions_used(
    sides: tuple[str, str], candidates: dict[str, int], drafts: list[_Draft], cache: dict[str, Any]
) -> list[int]:
    """The candidate definitions (name -> draft index) the sides use, directly or through another."""
    used: set[int] = set()
    for side in sides:
        if side not in cache:
            cache[side] = names_in(side)
        if cache[side] is None:
            # the step's own text cannot even be tokenized (U+FFFD, a lone backslash): it is an
            # error whatever it is read under, and its message must name its own fragment
            return []
    todo = list(sides)
    while todo:
        tex = todo.pop()
        if tex not in cache:
            cache[tex] = names_in(tex)
        found = cache[tex]
        if found is None:
            hits = set(candidates.values())
        else:
            hits = {candidates[n] for n in found[0] if n in candidates}
            if found[1]:
                hits |= {j for n, j in candidates.items() if n.split("_", 1)[0] in found[1]}
        for j in hits - used:
            used.add(j)
            todo.append(drafts[j].rhs)
    return sorted(used)


def _composition_order(used: list[int], drafts: list[_Draft], cache: dict[str, Any]) -> list[int]:
    r"""The used definitions in the order an evaluation bar must apply them: each after the ones
    its right side uses (``\hat y := \sigma(a)`` after ``a := w x + b``, even when the text
    defines a second), so substitution composes. A bar reads each value under the definitions
    listed before it; read in document order, σ(a) would keep a free. Definitions on a cycle
    (``a := 2b``, ``b := a/2``) cannot be composed: they are left out, whatever uses them.
    """
    by_name = {drafts[j].defines[0]: j for j in used if drafts[j].defines}  # type: ignore[index]
    deps: dict[int, set[int]] = {}
    for j in used:
        found = cache.get(drafts[j].rhs)
        if found is None:
            found = cache[drafts[j].rhs] = names_in(drafts[j].rhs)
        names = set(by_name) if found is None else set(found[0])
        if found is not None and found[1]:
            names |= {n for n in by_name if n.split("_", 1)[0] in found[1]}
        deps[j] = {by_name[n] for n in names if n in by_name and by_name[n] != j}
    order: list[int] = []
    state: dict[int, int] = {}  # 1: being visited, 2: placed
    cyclic: set[int] = set()
    for root in used:  # depth-first, with an explicit stack: a long chain of definitions is no recursion
        if state.get(root):
            continue
        stack: list[tuple[int, list[int]]] = [(root, sorted(deps[root]))]
        state[root] = 1
        while stack:
            j, todo = stack[-1]
            if not todo:
                stack.pop()
                state[j] = 2
                order.append(j)
                continue
            k = todo.pop(0)
            if state.get(k) == 1:
                path = [item for item, _ in stack]
                cyclic.update(path[path.index(k) :])
            elif not state.get(k):
                state[k] = 1
                stack.append((k, sorted(deps[k])))
    if not cyclic:
        return order
    # a definition that uses one on a cycle cannot be composed either
    changed = True
    while changed:
        changed = False
        for j in used:
            if j not in cyclic and deps[j] & cyclic:
                cyclic.add(j)
                changed = True
    return [j for j in order if j not in cyclic]


def _may_mention(tex: str, name: str) -> bool:
    """Loose: the name's first letter or command appears (``I_k`` may use k). Evaluating at
    a value the side does not use changes nothing, so over-matching is harmless."""
    base = name.split("_", 1)[0]
    if len(base) == 1:
        return base in tex
    return re.search(r"\\" + re.escape(base) + r"(?![A-Za-z])", tex) is not None


def _wrap(side: str, items: list[str]) -> str:
    return f"\\left. {side} \\right|_{{{', '.join(items)}}}" if items else side


_EXPECTATION_SUB = re.compile(
    r"(?:\\mathbb\s*\{\s*E\s*\}|\\mathbb\s+E|(?<![A-Za-z\\])E|\\(?:operatorname|mathrm)\{E\})\s*_\s*(?:\{|[A-Za-z])"
)


def _expectation_subscripts(side: str) -> Iterator[str]:
    """The subscripts of the expectations in ``side``: ``x \\sim p`` of ``E_{x \\sim p}``, ``p`` of ``E_p``."""
    for m in _EXPECTATION_SUB.finditer(side):
        if side[m.end() - 1] == "{":
            yield side[m.end() : _group_end(side, m.end() - 1) - 1]
        else:
            yield side[m.end() - 1]


def _subscript_random(
    sides: tuple[str, str], symbols: Mapping[str, str], declared: Mapping[str, Any]
) -> dict[str, Any]:
    """Random variables named in ``E_{x \\sim D}`` subscripts, for the claim's ``random``.

    Only the short subscript is read here (parsing of the sides happens in the worker); a
    subscript that cannot be read is skipped, and the worker reports it with the side.
    """
    found: dict[str, Any] = {}
    for side in sides:
        if "\\sim" not in side:
            continue
        for content in _expectation_subscripts(side):
            if "\\sim" not in content or len(content) > 500:
                continue
            try:
                table = SymbolTable(symbols)
                parse_latex(f"\\mathbb{{E}}_{{{content}}}[1]", table, random=found)
            except (DeriveError, RecursionError, MemoryError):
                continue
    return {name: dist for name, dist in found.items() if name not in declared}


def _bound_densities(
    sides: tuple[str, str], densities: Mapping[str, tuple[str, str]], taken: set[str]
) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The densities a step averages over (``E_p[...]``, ``E_{x \\sim p}[...]``) that can be bound.

    Returns their names and the random variables they add to the step. A density is left
    unbound (its expectation stays opaque, so the step is undecided rather than misread)
    when its variable is already random in the step or when two densities over the same
    variable are averaged over in one step.
    """
    if not densities:
        return (), ()
    used: set[str] = set()
    for side in sides:
        for content in _expectation_subscripts(side):
            parts = content.split("\\sim")
            try:
                name = name_of(parts[-1])
                var = name_of(parts[0]) if len(parts) == 2 else None
            except DeriveError:
                continue
            if name in densities and var in (None, densities[name][0]):
                used.add(name)
    per_var: dict[str, set[str]] = {}
    for name in used:
        per_var.setdefault(densities[name][0], set()).add(name)
    bound = sorted(n for var, names in per_var.items() if len(names) == 1 and var not in taken for n in names)
    return tuple(bound), tuple((densities[n][0], densities[n][1]) for n in bound)


def _step_error(lhs: str, rhs: str, block_error: str | None) -> str | None:
    if not lhs:
        return "nothing before the relation (a chain cannot start with a relation here)"
    if not rhs:
        return "nothing after the relation"
    for side in (lhs, rhs):
        m = _HOSTILE.search(side)
        if m:
            return str(
                LatexError(f"\\{m.group(1)} is not allowed in a step (derive never reads files or runs programs)")
            )
    if block_error and (_unbalanced(lhs) or _unbalanced(rhs)):
        return f"{block_error}: {lhs if _unbalanced(lhs) else rhs!r}"
    for side in (lhs, rhs):
        if _stray_ampersand(side):
            # said here, so a definition "a = b & c" is an error too, not a name defined
            return (
                f"a stray '&' in {side!r}: outside an alignment environment an '&' may only stand next to a "
                "relation (x &= y); derive does not guess what it joins"
            )
    return None


def _stray_ampersand(side: str) -> bool:
    """Whether a step's side holds a top-level ``&`` (`_resolve_ampersands` left it as stray)."""
    if "&" not in side:
        return False
    seps, _balanced = _scan_separators(side, align=True)  # in align mode every top-level & is a separator
    return any(side[sep.start : sep.end] == "&" for sep in seps)


def _unbalanced(tex: str) -> bool:
    _seps, balanced = _scan_separators(tex)
    return not balanced
