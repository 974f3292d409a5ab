"""Definitions of a sample set and of a family of vectors.

Texts on data name their sample before using it:

* ``y = \\left\\lbrace y_1, \\ldots, y_n \\right\\rbrace`` (``\\{x_1, x_2, \\ldots, x_N\\}``, ``\\lbrace``):
  the data set, a name for the sample. It declares nothing a step is checked in, and its value (a set) is
  nothing derive computes with: `sample_set` reads it as a `Structure` that is not substituted, so the
  steps under it (``p(y | \\mu, \\Sigma) = \\prod_i p(y_i | \\mu, \\Sigma)``) are read with y as the name
  the text writes, instead of failing on a set they never evaluate.
* ``y_i = \\left[ \\begin{matrix} y_{i1} \\\\ \\vdots \\\\ y_{ip} \\end{matrix} \\right]``: each member y_i of
  the family is a vector of p entries y_{ij}. `vector_family` reads what it declares (`Family`: the
  family y, its index i and its size letter p). A step under it is about p-vectors y_1, ..., y_n, which
  derive checks only written out at concrete counts (`derive.latex.structure_samples`), never with y_i
  read as a number; where that reading is not wired, the definition stays as it was (undecided).

Never a sample set: set-builder notation (``\\{x : x > 0\\}``, ``\\{x \\mid ...\\}``), a set of numbers
(``\\{1, 2, 3\\}``: a value a step may count or compare), entries of more than one family, an indexed
name on the left (``A_k = \\{...\\}``: a family of sets).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from derive.latex.ellipsis import HORIZONTAL, dotted_size_letter
from derive.latex.names import mentions
from derive.latex.structure_defs import Structure, _name, _top_split

#: ``\\{ ... \\}``, ``\\lbrace ... \\rbrace``, ``\\left\\{ ... \\right\\}``, ``\\left\\lbrace ... \\right\\rbrace``.
_SET = re.compile(
    r"^(?:\\left\s*)?(?:\\\{|\\lbrace(?![A-Za-z]))(?P<body>.*)(?:\\right\s*)?(?:\\\}|\\rbrace(?![A-Za-z]))$", re.S
)
_ELLIPSIS = re.compile(r"^\s*(?:\\(?:" + "|".join(sorted(HORIZONTAL)) + r")(?![A-Za-z])|\.\.\.)\s*$")
_BUILDER = re.compile(r"\\mid(?![A-Za-z])|[:|;]|\\(?:colon|vert|lvert|in|forall|exists)(?![A-Za-z])")
_SCRIPT_BRACES = re.compile(r"([_^])\{\s*([A-Za-z0-9])\s*\}")
_TRAILING_RIGHT = re.compile(r"\\right\s*$")

_COLUMN = re.compile(
    r"^(?:\\left\s*[(\[]\s*)?\\begin\s*\{(?P<env>[pb]?matrix|array)\}(?:\s*\{[^{}]*\})?(?P<body>.*?)"
    r"\\end\s*\{(?P=env)\}\s*(?:\\right\s*[)\]])?$",
    re.S,
)
_ROW_BREAK = re.compile(r"\\\\(?:\[[^\]]*\])?")


@dataclass(frozen=True)
class Family:
    """``name_index`` is a vector of ``size`` entries for every index (y_i: vector p), as ``said``."""

    name: str
    index: str
    size: str
    said: str


#: A law or a likelihood at its arguments: ``p(``, ``P(``, ``\\mathcal{L}(``, ``L(``, ``\\ell(``, ``f(``, ``\\left(``.
_APPLIED = re.compile(
    r"(?<![A-Za-z\\])(?:p|P|L|f|q|\\ell|\\mathcal\s*\{\s*L\s*\}|\\mathcal\s+L)\s*(?:_\s*(?:\{[^{}]*\}|\w))?\s*"
    r"(?:\\left\s*)?\("
)


def _argument_end(tex: str, start: int) -> int | None:
    """The index past the parenthesis that closes the one before ``start``."""
    depth = 1
    for k in range(start, len(tex)):
        if tex[k] == "(":
            depth += 1
        elif tex[k] == ")":
            depth -= 1
            if depth == 0:
                return k + 1
    return None


def _only_conditioned(name: str, sides: Sequence[str]) -> bool:
    """Whether each side uses ``name`` only as a whole argument of a law or likelihood whose arguments are
    split by ``|`` or ``;`` (``p(y | \\mu, \\Sigma)``, ``L(\\theta; y)``): there the set is the data the function
    is taken at, an opaque argument on both sides; anywhere else it would be read as a number it is not."""
    for side in sides:
        rest, at = "", 0
        for m in _APPLIED.finditer(side):
            if m.start() < at:
                continue
            end = _argument_end(side, m.end())
            if end is None:
                return False
            inner = re.sub(r"\\right\s*$", "", side[m.end() : end - 1]).replace("\\mid", "|")
            parts = [q.strip() for q in re.split(r"[|;,]", inner)]
            if ("|" in inner or ";" in inner) and any(_name(q) == name for q in parts if q):
                rest += side[at : m.start()] + " 1 "
                at = end
        rest += side[at:]
        if mentions(rest, name):
            return False
    return True


def _set_entries(rhs: str) -> list[str] | None:
    m = _SET.match(" ".join(rhs.split()))
    if m is None:
        return None
    body = _TRAILING_RIGHT.sub("", m.group("body"))
    if "\\{" in body or "\\lbrace" in body or _BUILDER.search(body):
        return None
    return [p.strip() for p in _top_split(body)]


def sample_set(lhs: str, rhs: str, sides: Sequence[str]) -> Structure | None:
    """The definition ``lhs = rhs`` of a data set ``\\{a_1, \\ldots, a_n\\}`` (one indexed family counted from 1
    to a letter), when ``sides`` (the step's) use the set only as what a law or a likelihood is conditioned on or
    evaluated at (`_only_conditioned`): a `Structure` that declares nothing and is not substituted; None for
    anything else (``|y| = n`` counts the set, ``y + 1`` is no value: the definition stays, the step undecided)."""
    name = _name(lhs)
    if name is None or "_" in name or not _only_conditioned(name, sides):
        return None  # A_k = \{...\}: a family of sets, whose members a step may compare
    entries = _set_entries(rhs)
    if entries is None or len(entries) < 3 or any(not e for e in entries):
        return None
    dots = [k for k, e in enumerate(entries) if _ELLIPSIS.match(e)]
    if len(dots) != 1 or dots[0] != len(entries) - 2:
        return None  # {1, 2, 3} or {a, b, c}: a set of values a step may count or compare
    if not all("_" in e for e in (*entries[: dots[0]], entries[-1])):
        return None  # {1, 2, \ldots, n}: the indices, a value a step may count
    written = [_SCRIPT_BRACES.sub(r"\1\2", e) for e in entries[: dots[0]]]
    last = _SCRIPT_BRACES.sub(r"\1\2", entries[-1])
    letter = dotted_size_letter(written, last)
    if letter is None or letter == name:
        return None
    said = f"{name}: the sample {{{', '.join(entries)}}}, from {lhs.strip()} = {rhs.strip()}"
    said += " (a data set: declares nothing)"
    return Structure(name, None, None, said)


def vector_family(lhs: str, rhs: str) -> Family | None:
    """``y_i = [y_{i1} \\\\ \\vdots \\\\ y_{ip}]``: the family y, index i, of p-vectors; None for anything else
    (entries of another family, a second index that is not counted from 1 to a letter, no ellipsis)."""
    name = _name(lhs)
    if name is None:
        return None
    base, _, index = name.partition("_")
    if not base or len(index) != 1 or not index.isalpha():
        return None
    m = _COLUMN.match(" ".join(rhs.split()))
    if m is None:
        return None
    rows = [r.strip() for r in _ROW_BREAK.split(m.group("body")) if r.strip()]
    if len(rows) < 3 or any("&" in r for r in rows) or rows[-2] != "\\vdots" or "\\vdots" in " ".join(rows[:-2]):
        return None
    head = lhs.strip().rsplit("_", 1)[0].strip()
    entry = re.compile(r"^" + re.escape(head) + r"\s*_\s*\{\s*" + index + r"\s*,?\s*(?P<second>[A-Za-z0-9]+)\s*\}$")
    matched = [entry.match(r) for r in (*rows[:-2], rows[-1])]
    if any(x is None for x in matched):
        return None
    seconds = [x.group("second") for x in matched if x is not None]
    written, last = seconds[:-1], seconds[-1]
    if written != [str(k) for k in range(1, len(written) + 1)] or not re.fullmatch(r"[A-Za-z]", last):
        return None
    if last in (index, base):
        return None  # y_{ii}, y_{iy}: no size of its own
    said = f"{name}: vector {last} for every {index}, from {lhs.strip()} = {rhs.strip()}"
    return Family(base, index, last, said)
