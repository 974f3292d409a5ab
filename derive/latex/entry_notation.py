"""``I_{kj}`` outside a sum, next to names indexed by k or j (``y_k(I_{kj} - y_j)``): an entry of a
matrix I, not an identity matrix of size kj. Which entry (the identity's, a Kronecker delta, or an
indicator matrix's, 1 when item k is in class j) the text does not say, so the parser reads it as a
name of its own and `derive.latex.readings` leaves every verdict through it undecided. Text-level,
so the parser (one side) and the readings (the whole step) ask the same question."""

from __future__ import annotations

import re

#: ``I_{kj}``, ``I_{k,j}``: a capital I with two index letters.
I_ENTRY = re.compile(r"(?<![A-Za-z\\])I\s*_\s*\{\s*([a-z])\s*,?\s*([a-z])\s*\}")
#: A subscript: ``_k``, ``_{nk}``, ``_{n,k}`` (group 1 a braced group's text, group 2 one letter).
_SUBSCRIPT = re.compile(r"_\s*(?:\{([^{}]*)\}|([A-Za-z]))")
#: A big operator over a letter: ``\sum_k``, ``\prod_{j=1}``.
_BIG = r"\\(?:sum|prod)\s*(?:\\limits\s*)?_\s*\{{?\s*{letter}(?![A-Za-z])"


def subscript_letters(tex: str) -> set[str]:
    """The lower-case letters ``tex`` writes as indices of names other than a bare I (``a_k``, ``y_{nj}``)."""
    out: set[str] = set()
    for m in _SUBSCRIPT.finditer(tex):
        before = tex[: m.start()].rstrip()
        if re.search(r"(?<![A-Za-z\\])I$", before):
            continue  # I_{kj} itself
        group = m.group(1) if m.group(1) is not None else m.group(2)
        if re.fullmatch(r"[a-z\s,]+", group):
            out |= set(re.sub(r"[\s,]", "", group))
    return out


def identity_entries(tex: str) -> set[str]:
    """The names ``I_kj`` of ``tex`` written ``I_{kj}`` (two different letters) that are entries: no sum or
    product over k or j (under one, the parser sums I_{kj} out as a Kronecker delta), and k or j indexes
    another name of ``tex`` (``(I_{kj} - y_{nj})``: an entry; ``I_{mn} = I_m \\otimes I_n``: an identity)."""
    letters = subscript_letters(tex)
    out: set[str] = set()
    for m in I_ENTRY.finditer(tex):
        first, second = m.group(1), m.group(2)
        if first == second or not {first, second} & letters:
            continue
        if any(re.search(_BIG.format(letter=x), tex) for x in (first, second)):
            continue
        out.add(f"I_{first},{second}" if "," in m.group(0) else f"I_{first}{second}")
    return out
