"""Definitions that declare structure, and equations between tuples.

Real texts define vectors by listing their entries, and read every later step under that:

* ``\\mathbf{x} = (x_1, \\ldots, x_n)``, ``u = [u_1, u_2, \\ldots, u_k]``: a column of n (k) entries, one
  indexed family counted from 1 up to a letter. Where the entries are the name's own (x and x_i),
  the definition says what derive's reading of a declared vector already says (x_i is entry i of x):
  it declares ``x: vector n`` and is not substituted. Entries of another family (``X = (x_1, \\ldots,
  x_N)``) are substituted as the column ``x_1 \\\\ \\vdots \\\\ x_N``, written out at each size checked, and
  declare ``X: vector N``, so that the size is swept (`derive.latex.shapes.size_readings`).
* A column (row) environment written with ``\\vdots`` (``\\cdots``) whose entries are one such family
  (``Y = \\left[\\begin{matrix} y_1 \\\\ \\vdots \\\\ y_N \\end{matrix}\\right]``): declares ``Y: vector N``
  (``matrix 1 x N``) and is substituted as written (`derive.latex.ellipsis.expand_dotted_vectors`).
* A tuple written out in full (``u = [u_0, u_1]``, ``\\boldsymbol\\theta = (\\mu, \\sigma)``): a column of
  those entries, substituted; an unknown function of it (``\\ell(\\boldsymbol\\theta)``) is a function
  of its entries (``\\ell(\\mu, \\sigma)``), as for any declared vector.

Never read as a structure (the definition stays as it was: a step under it is undecided, never
refuted through a guessed reading): an entry list of two numbers (``(0, 1)``: an interval or a point),
two entries given to a capital (``I = [a, b]``, ``\\Omega = (0, 1)``: an interval as plausibly), entries
in bold or capitals (``(\\mathbf{x}_1, \\ldots, \\mathbf{x}_N)``: samples, columns of a matrix), a set
(``\\{y_1, \\ldots, y_n\\}``), a name with an index (``y_i = ...``: a family), an ellipsis whose
entries follow no single pattern counted from 1, a size letter that is the name itself.

`tuple_sides` reads an equation between two tuples of one length (``(\\hat\\mu, \\hat\\sigma^2) = (\\bar x,
s^2)``) componentwise: both sides become columns, which are equal exactly when each pair of entries
is. A tuple on one side only, or tuples of different lengths, are left as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from derive.errors import DeriveError
from derive.latex.ellipsis import HORIZONTAL, dotted_size_letter

#: Entries of a tuple written out in full that derive reads as one column (as the largest declared vector).
_MAX_ENTRIES = 12
_OPENERS = {"(": ")", "[": "]"}
_LEFT = re.compile(r"^\\left\s*([(\[])(.*)\\right\s*([)\]])$", re.S)
_ENV = re.compile(
    r"^(?:\\left\s*[(\[]\s*)?\\begin\s*\{(?P<env>[pb]?matrix|array)\}(?:\s*\{[^{}]*\})?(?P<body>.*?)"
    r"\\end\s*\{(?P=env)\}\s*(?:\\right\s*[)\]])?$",
    re.S,
)
_VERTICAL = re.compile(r"^\s*\\vdots\s*$")
_ACROSS = re.compile(r"^\s*\\(?:cdots|ldots|dots|dotsc)\s*$")
_ELLIPSIS_ENTRY = re.compile(r"^\s*(?:\\(?:" + "|".join(sorted(HORIZONTAL)) + r")|\.\.\.)\s*$")
_NUMBER = re.compile(r"^\s*-?\s*\d+(?:\.\d*)?\s*$|^\s*-?\s*\.\d+\s*$")
#: Marks of a vector or a matrix in an entry: bold fonts, or a capital letter as the entry's name.
_BOLD = re.compile(r"\\(?:mathbf|boldsymbol|bm|vec|mathbfit|pmb)\b")
_CAPITAL_NAME = re.compile(r"^\s*(?:\\(?:math\w+|operatorname)\s*\{?\s*)?(?:[A-Z]|\\[A-Z][a-z]+)(?![a-z])")
#: A transpose after a list: ``(a, b)^\\top``, ``[a, b]^T``, ``^{\\mathsf{T}}``.
_TRANSPOSED = re.compile(
    r"\s*\^\s*(?:\{\s*)?(?:\\top|T|\\intercal|\\(?:mathsf|mathrm)\s*\{\s*T\s*\}|\\(?:mathsf|mathrm)\s*T)(?:\s*\})?\s*$"
)
_SCRIPT_BRACES = re.compile(r"([_^])\{\s*([A-Za-z0-9])\s*\}")
_ROW_BREAK = re.compile(r"\\\\(?:\[[^\]]*\])?")
_BRACE_WORD = re.compile(r"\\([lr])brace(?![A-Za-z])")


#: In what a step is read with: a vector the text wrote as a list, whose orientation derive chose (a column).
TUPLE_MARK = "a list read as a column"


@dataclass(frozen=True)
class Structure:
    """What a definition declares: ``name`` (derive's name) is a vector (``kind``, None when the value
    written out says it all), substituted as ``value`` (None: the declaration alone reads it), as ``said``."""

    name: str
    kind: str | None
    value: str | None
    said: str


def _name(tex: str) -> str | None:
    from derive.latex.parser import name_of  # noqa: PLC0415 - the parser imports the grammar, which imports this

    try:
        return name_of(tex.strip())
    except (DeriveError, RecursionError, IndexError, ValueError):
        return None


def _top_split(text: str) -> list[str]:
    """``text`` split at the commas outside any bracket or brace."""
    parts: list[str] = []
    depth, start, i = 0, 0, 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            if text.startswith(("\\{", "\\left", "\\right"), i):
                word = "\\{" if text.startswith("\\{", i) else ("\\left" if text.startswith("\\left", i) else "\\right")
                i += len(word)
                if word == "\\{":
                    depth += 1
                continue
            if text.startswith("\\}", i):
                depth -= 1
                i += 2
                continue
            # \lbrace ... \rbrace is the brace \{ ... \}: a comma in it is the set's, not the tuple's
            word = _BRACE_WORD.match(text, i)
            if word is not None:
                depth += 1 if word.group(1) == "l" else -1
                i += len(word.group())
                continue
            i += 2
            continue
        if c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def _closes_at_end(text: str, opener: str) -> bool:
    """Whether the bracket opening ``text`` closes at its very end (``(a, b)``, not ``(a)(b)``)."""
    depth = 0
    for k, c in enumerate(text):
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return k == len(text) - 1
    return False


def tuple_entries(tex: str) -> list[str] | None:
    """The entries of ``tex`` when it is one tuple ``(a, b, ...)`` / ``[a, b, ...]`` (``\\left`` ``\\right`` too)
    of at least two entries, else None. Sets (``\\{...\\}``) and half-open intervals are no tuples."""
    s = " ".join(tex.split())
    m = _LEFT.match(s)
    if m is not None:
        if _OPENERS[m.group(1)] != m.group(3) or "\\left" in m.group(2) or "\\right" in m.group(2):
            return None
        inner = m.group(2)
    else:
        if not s or s[0] not in _OPENERS or s[-1] != _OPENERS[s[0]] or not _closes_at_end(s, s[0]):
            return None
        inner = s[1:-1]
    if "\\left" in inner or "\\right" in inner:
        return None
    parts = [p.strip() for p in _top_split(inner)]
    if len(parts) < 2 or any(not p for p in parts):
        return None
    return parts


def _scalar_entry(entry: str) -> bool:
    """Whether an entry reads as a scalar: not bold, not named by a capital (a sample, a matrix, a column)."""
    return not (_BOLD.search(entry) or _CAPITAL_NAME.match(entry))


def _capital(name: str) -> bool:
    head = name.split("_", 1)[0]
    return head[:1].isupper()


def _indexed(name: str) -> bool:
    """``y_i``, ``x_{n}``: a family's member (its definition speaks for every index)."""
    _, _, index = name.partition("_")
    return bool(index) and index.isalpha() and len(index) == 1


def _own_entries(name: str, entries: list[str]) -> bool:
    """Whether ``entries`` (written out, counted from 1) are ``name_1``, ``name_2``, ... (x and x_i)."""
    return all(_name(e) == f"{name}_{k}" for k, e in enumerate(entries, start=1))


def _column(entries: list[str]) -> str:
    return "\\begin{pmatrix}" + " \\\\ ".join(entries) + "\\end{pmatrix}"


def _dotted(name: str, lhs: str, written: list[str], last: str, *, row: bool, listed: bool = False) -> Structure | None:
    """A vector of one indexed family written with an ellipsis: ``written`` entries, then ``last``."""
    if not written or not all(_scalar_entry(e) for e in (*written, last)):
        return None
    # u_{k} and u_1 are one pattern: a one-token script written in braces or not
    written, last = [_SCRIPT_BRACES.sub(r"\1\2", e) for e in written], _SCRIPT_BRACES.sub(r"\1\2", last)
    letter = dotted_size_letter(written, last)
    if letter is None or letter == name or letter == name.split("_", 1)[0]:
        return None
    from derive.latex.ellipsis import dotted_entries  # noqa: PLC0415

    sample = dotted_entries(written, last, letter, 3) or []
    kind = f"matrix 1 x {letter}" if row else f"vector {letter}"
    said = f"{name}: {kind}, from {lhs.strip()} = ({', '.join(written)}, \\ldots, {last})"
    said += f" ({TUPLE_MARK})" if listed else ""
    if not row and _own_entries(name, sample):
        return Structure(name, kind, None, said)
    sep = " & " if row else " \\\\ "
    dots = "\\cdots" if row else "\\vdots"
    value = "\\begin{pmatrix}" + sep.join([*written, dots, last]) + "\\end{pmatrix}"
    return Structure(name, kind, value, said)


def structure_of(lhs: str, rhs: str) -> Structure | None:
    """What the definition ``lhs = rhs`` declares when its value is a tuple or a column written with an
    ellipsis (see the module's docstring); None for any other definition."""
    name = _name(lhs)
    if name is None or _indexed(name):
        return None
    env = _ENV.match(" ".join(rhs.split()))
    if env is not None:
        rows = [r for r in _ROW_BREAK.split(env.group("body")) if r.strip()]
        if len(rows) > 2 and all("&" not in r for r in rows) and sum(bool(_VERTICAL.match(r)) for r in rows) == 1:
            at = next(k for k, r in enumerate(rows) if _VERTICAL.match(r))
            if at != len(rows) - 2:
                return None
            found = _dotted(name, lhs, [r.strip() for r in rows[:at]], rows[-1].strip(), row=False)
            return None if found is None else Structure(found.name, found.kind, rhs.strip(), found.said)
        if len(rows) == 1:
            cells = rows[0].split("&")
            dots = [k for k, c in enumerate(cells) if _ACROSS.match(c)]
            if len(dots) != 1 or dots[0] != len(cells) - 2:
                return None
            found = _dotted(name, lhs, [c.strip() for c in cells[: dots[0]]], cells[-1].strip(), row=True)
            return None if found is None else Structure(found.name, found.kind, rhs.strip(), found.said)
        return None
    # (u_0, u_1)^\top: a row transposed, a column the text writes as one (no orientation guessed, no interval)
    row, transposed = _TRANSPOSED.subn("", rhs.strip())
    entries = tuple_entries(row if transposed else rhs)
    if entries is None:
        return None
    dots = [k for k, e in enumerate(entries) if _ELLIPSIS_ENTRY.match(e)]
    if dots:
        if len(dots) != 1 or dots[0] != len(entries) - 2:
            return None
        return _dotted(name, lhs, entries[: dots[0]], entries[-1], row=False, listed=not transposed)
    return _written_out(name, lhs, entries, listed=not transposed)


def _written_out(name: str, lhs: str, entries: list[str], *, listed: bool) -> Structure | None:
    """A tuple written out in full: a column of its entries, where no other reading is as plausible."""
    if len(entries) > _MAX_ENTRIES or not all(_scalar_entry(e) for e in entries):
        return None
    if any(any(c in e for c in ";|") or "\\in" in e or "\\mid" in e for e in entries):
        return None  # p(x; θ), (a | b): no list of values
    numbers = sum(bool(_NUMBER.match(e)) for e in entries)
    if listed and len(entries) == 2 and (numbers == 2 or _capital(name)):
        return None  # (0, 1), I = [a, b]: an interval as plausibly as a point
    said = f"{name}: the column ({', '.join(entries)}), from {lhs.strip()} = ({', '.join(entries)})"
    return Structure(name, None, _column(entries), f"{said} ({TUPLE_MARK})" if listed else said)


_SQUARED = re.compile(r"\^\s*(?:2|\{\s*2\s*\})\s*$")


def _named(entry: str) -> bool:
    """Whether an entry is a name, or a name squared (``\\hat\\sigma^2``, which texts define as one unknown)."""
    return _name(entry) is not None or _name(_SQUARED.sub("", entry)) is not None


def tuple_sides(lhs: str, rhs: str) -> tuple[str, str] | None:
    """Both sides of an equation as columns when each is a tuple written out in full, of one length
    (``(\\partial_x f, \\partial_y f) = (2x, 2y)``): equal exactly when every pair of entries is. None
    otherwise (a tuple on one side only, an ellipsis, lengths that differ, entries that are no scalars), and
    None when one side lists only names: ``(\\hat\\mu, \\hat\\sigma^2) = (\\bar x, s^2)`` defines them."""
    left, right = tuple_entries(lhs), tuple_entries(rhs)
    if left is None or right is None or len(left) != len(right) or len(left) > _MAX_ENTRIES:
        return None
    every = (*left, *right)
    if any(_ELLIPSIS_ENTRY.match(e) or any(c in e for c in ";|") or "\\mid" in e for e in every):
        return None
    if not all(_scalar_entry(e) for e in every):
        return None  # (\mathbf{a}, B): vectors or matrices side by side, no column of numbers
    if all(_named(e) for e in left) or all(_named(e) for e in right):
        # (\hat\mu, \hat\sigma^2) = (\bar x, s^2) names its entries as much as it claims: a definition of
        # \hat\mu and \hat\sigma^2 (as \hat\mu = \bar x is one), never refuted as an identity
        return None
    return _column(left), _column(right)
