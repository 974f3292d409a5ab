"""Symbol kinds: what a declared name means (``positive``, ``spd matrix 3x3``, ...).

Scalar kinds become sympy Symbols with the matching assumptions. Matrix and vector kinds
become explicit immutable matrices of entry symbols (``A[1,2]``), so that determinants,
traces and inverses are ordinary sympy expressions of known size. An SPD matrix shares
one symbol between entries (i, j) and (j, i) and has positive diagonal entries; the
numeric tier draws its entries jointly so that the matrix is positive definite.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from derive.errors import SymbolKindError

if TYPE_CHECKING:
    import sympy

__all__ = ["KINDS", "SymbolKind", "SymbolSpec", "SymbolTable", "kind_from_assumptions", "parse_kind"]

#: The scalar kinds and the sympy assumptions each implies.
_SCALAR_ASSUMPTIONS: dict[str, dict[str, bool]] = {
    "real": {"real": True},
    "positive": {"positive": True},
    "nonnegative": {"nonnegative": True},
    "negative": {"negative": True},
    "integer": {"integer": True},
    "positive integer": {"integer": True, "positive": True},
    # \mathbb{N} where the text may count 0 among the naturals (the LaTeX front end reads both)
    "nonnegative integer": {"integer": True, "nonnegative": True},
    # sympy cannot state p < 1; the numeric tier samples probabilities in (0, 1).
    "probability": {"positive": True},
}

#: Every kind a user may write, for documentation and error messages.
KINDS: tuple[str, ...] = (*_SCALAR_ASSUMPTIONS, "matrix NxM", "spd matrix NxN", "vector N", "vector D", "matrix n x d")

_MAX_DIM = 12  # explicit symbolic matrices beyond this are too slow to be useful

_MATRIX = re.compile(r"^(spd\s+)?matrix\s+(\d+)\s*[x×]\s*(\d+)$")
_VECTOR = re.compile(r"^vector\s+(\d+)$")
#: A size written as a letter (``D``, ``n``, ``d_1``): the LaTeX front end checks such a kind at several sizes.
_SIZE = r"(\d+|[A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?)"
# between letters only a spaced "x", "×" or "\times": "nxd" could be one name
_BY = r"(?:\s+x\s+|\s*(?:×|\\times)\s*|(?<=\d)\s*x\s*|\s*x\s*(?=\d))"
_LETTER_MATRIX = re.compile(rf"^(spd\s+)?matrix\s+{_SIZE}{_BY}{_SIZE}$", re.IGNORECASE)
_LETTER_VECTOR = re.compile(rf"^vector\s+{_SIZE}$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SymbolKind:
    """A parsed kind. ``base`` is a scalar kind name, ``"matrix"``, ``"spd"`` or ``"vector"``."""

    base: str
    rows: int = 1
    cols: int = 1
    #: Letter sizes (``("D", "")`` for ``vector D``, ``("n", "d")`` for ``matrix n x d``; "" a number):
    #: such a kind has no objects of its own until `at` gives each letter a number.
    letters: tuple[str, str] = ("", "")

    @property
    def is_matrix(self) -> bool:
        return self.base in ("matrix", "spd", "vector")

    @property
    def size_letters(self) -> frozenset[str]:
        """The letters this kind's size is written with (empty for numbers and scalars)."""
        return frozenset(x for x in self.letters if x)

    def at(self, sizes: Mapping[str, int]) -> SymbolKind:
        """This kind with each letter size replaced by its number in ``sizes``.

        >>> str(parse_kind("spd matrix D x D").at({"D": 2}))
        'spd matrix 2x2'
        """
        rows = sizes[self.letters[0]] if self.letters[0] else self.rows
        cols = sizes[self.letters[1]] if self.letters[1] else self.cols
        return SymbolKind(self.base, rows, cols)

    @property
    def shape(self) -> tuple[int, int] | None:
        return (self.rows, self.cols) if self.is_matrix else None

    def __str__(self) -> str:
        if self.size_letters:
            rows, cols = (x or str(n) for x, n in zip(self.letters, (self.rows, self.cols), strict=True))
            spd = "spd " if self.base == "spd" else ""
            return f"vector {rows}" if self.base == "vector" else f"{spd}matrix {rows} x {cols}"
        if self.base == "vector":
            return f"vector {self.rows}"
        if self.base == "matrix":
            return f"matrix {self.rows}x{self.cols}"
        if self.base == "spd":
            return f"spd matrix {self.rows}x{self.cols}"
        return self.base


def parse_kind(text: str) -> SymbolKind:
    """Read a kind as users write it.

    >>> parse_kind("spd matrix 3x3")
    SymbolKind(base='spd', rows=3, cols=3)
    >>> parse_kind("Positive Integer").base
    'positive integer'
    """
    if not isinstance(text, str):
        msg = f"a symbol kind must be a string such as 'positive', not {text!r}"
        raise SymbolKindError(msg)
    norm = " ".join(text.strip().lower().replace("_", " ").split())
    if norm in _SCALAR_ASSUMPTIONS:
        return SymbolKind(norm)
    if m := _MATRIX.match(norm):
        rows, cols = int(m.group(2)), int(m.group(3))
        spd = m.group(1) is not None
        _check_dims(text, rows, cols)
        if spd and rows != cols:
            msg = f"an spd matrix must be square, not {rows}x{cols} (in {text!r})"
            raise SymbolKindError(msg)
        return SymbolKind("spd" if spd else "matrix", rows, cols)
    if m := _VECTOR.match(norm):
        n = int(m.group(1))
        _check_dims(text, n, 1)
        return SymbolKind("vector", n, 1)
    lettered = _letter_kind(text, " ".join(text.strip().split()))
    if lettered is not None:
        return lettered
    msg = f"unknown symbol kind {text!r}; expected one of: {', '.join(KINDS)}"
    raise SymbolKindError(msg)


def _letter_kind(text: str, spaced: str) -> SymbolKind | None:
    """``vector D``, ``matrix n x d``, ``spd matrix D x D`` (letters keep their case: N is not n)."""
    if m := _LETTER_VECTOR.match(spaced):
        sizes = [m.group(1)]
        spd = False
    elif m := _LETTER_MATRIX.match(spaced):
        sizes = [m.group(2), m.group(3)]
        spd = m.group(1) is not None
    else:
        return None
    letters = ["" if x.isdigit() else x.replace("{", "").replace("}", "") for x in sizes]
    numbers = [int(x) if x.isdigit() else 1 for x in sizes]
    for n in numbers:
        _check_dims(text, n, 1)
    if len(sizes) == 1:
        return SymbolKind("vector", 1, 1, (letters[0], ""))
    if spd and sizes[0] != sizes[1]:
        msg = f"an spd matrix must be square, not {sizes[0]} x {sizes[1]} (in {text!r})"
        raise SymbolKindError(msg)
    return SymbolKind("spd" if spd else "matrix", numbers[0], numbers[1], (letters[0], letters[1]))


def kind_from_assumptions(sym: sympy.Symbol) -> SymbolKind:
    """The kind of an undeclared sympy symbol, from its own assumptions (real if none)."""
    if sym.is_integer:
        return SymbolKind("positive integer" if sym.is_positive else "integer")
    for base in ("positive", "nonnegative", "negative"):
        if getattr(sym, f"is_{base}"):
            return SymbolKind(base)
    return SymbolKind("real")


def _check_dims(text: str, rows: int, cols: int) -> None:
    if not (1 <= rows <= _MAX_DIM and 1 <= cols <= _MAX_DIM):
        msg = f"matrix and vector sizes must be between 1 and {_MAX_DIM} (got {rows}x{cols} in {text!r})"
        raise SymbolKindError(msg)


@dataclass(frozen=True)
class SymbolSpec:
    """A declared name: its kind and its sympy object (a Symbol or an ImmutableMatrix)."""

    name: str
    kind: SymbolKind
    obj: sympy.Basic

    @property
    def entries(self) -> tuple[sympy.Symbol, ...]:
        """The distinct scalar symbols this name stands for, in row-major order."""
        if not self.kind.is_matrix:
            return (self.obj,)
        seen: dict[sympy.Symbol, None] = {}
        for e in self.obj:  # type: ignore[attr-defined]
            seen.setdefault(e, None)
        return tuple(seen)


def _make(name: str, kind: SymbolKind) -> sympy.Basic:
    # Imported here, not at the top: reading claim files needs `parse_kind` but not sympy,
    # and a warm, fully cached run should not pay sympy's import time.
    import sympy  # noqa: PLC0415

    if not kind.is_matrix:
        return sympy.Symbol(name, **_SCALAR_ASSUMPTIONS[kind.base])
    if kind.base == "vector":
        return sympy.ImmutableMatrix(
            kind.rows, 1, [sympy.Symbol(f"{name}[{i + 1}]", real=True) for i in range(kind.rows)]
        )

    def entry(i: int, j: int) -> sympy.Symbol:
        if kind.base == "spd":
            if i == j:
                return sympy.Symbol(f"{name}[{i + 1},{i + 1}]", positive=True)
            i, j = min(i, j), max(i, j)
        return sympy.Symbol(f"{name}[{i + 1},{j + 1}]", real=True)

    return sympy.ImmutableMatrix(kind.rows, kind.cols, entry)


class SymbolTable(Mapping[str, SymbolSpec]):
    """Declared names and the sympy objects they stand for; undeclared names are real.

    >>> t = SymbolTable({"sigma": "positive", "S": "spd matrix 2x2"})
    >>> t["sigma"].obj.is_positive
    True
    >>> t["S"].obj.shape
    (2, 2)
    >>> t.symbol("y").is_real
    True
    """

    def __init__(self, declared: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        items = declared.items() if isinstance(declared, Mapping) else declared
        self._specs: dict[str, SymbolSpec] = {}
        for name, kind_text in items:
            self.declare(name, kind_text if isinstance(kind_text, SymbolKind) else parse_kind(kind_text))

    def declare(self, name: str, kind: SymbolKind) -> SymbolSpec:
        if kind.size_letters:
            msg = (
                f"{name} is declared as {kind}, whose size is a letter: a claim needs numbers (vector 3); "
                "derive latex checks such a declaration at several sizes"
            )
            raise SymbolKindError(msg)
        spec = SymbolSpec(name, kind, _make(name, kind))
        self._specs[name] = spec
        return spec

    def stand_in(self, name: str, kind: SymbolKind, seed: int = 0) -> SymbolSpec:
        """Declare ``name`` with numbers for entries, for checking which shapes an expression reads with
        (fast: an inverse of numbers is cheap). The numbers differ between names and between seeds, so
        that A - B is no zero matrix by accident."""
        import hashlib  # noqa: PLC0415

        import sympy  # noqa: PLC0415

        if not kind.is_matrix or kind.size_letters:
            return self.declare(name, kind)

        def entry(i: int, j: int) -> sympy.Rational:
            digest = hashlib.sha256(f"{seed}:{name}:{i}:{j}".encode()).digest()
            return sympy.Rational(
                int.from_bytes(digest[:2], "big") % 97 + 1, int.from_bytes(digest[2:4], "big") % 89 + 2
            )

        obj = sympy.ImmutableMatrix(kind.rows, kind.cols, entry)
        spec = SymbolSpec(name, kind, obj)
        self._specs[name] = spec
        return spec

    def symbol(self, name: str) -> sympy.Basic:
        """The object for ``name``, declaring it ``real`` if it was not declared."""
        spec = self._specs.get(name)
        if spec is None:
            spec = self.declare(name, SymbolKind("real"))
        return spec.obj

    def spec_of(self, sym: sympy.Symbol) -> SymbolSpec | None:
        """The declaration a scalar symbol (or matrix entry symbol) belongs to."""
        for spec in self._specs.values():
            if sym in spec.entries:
                return spec
        return None

    def __getitem__(self, name: str) -> SymbolSpec:
        return self._specs[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}: {s.kind}" for n, s in self._specs.items())
        return f"SymbolTable({{{inner}}})"
