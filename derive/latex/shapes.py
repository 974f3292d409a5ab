"""Shapes: whether a step read with its names as real scalars says anything.

Undeclared names are real scalars. A step that transposes such a name, or applies a matrix
operator to an undeclared capital, or uses a name the prose declares as no real scalar
(``A \\in \\mathbb{R}^{n \\times n}``), was read in a reading the text does not mean; `settle`
(`derive.latex.context`) leaves its verdict undecided with the reasons given here.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from derive.errors import DeriveError
from derive.latex.names import transposed_names
from derive.latex.parser import name_of
from derive.symbols import parse_kind

if TYPE_CHECKING:
    from derive.latex.records import Step

#: A range the prose states that makes a name no real scalar: R^D, R^{n x n}, C, a definite matrix.
_NOT_SCALAR = re.compile(r"\\mathbb\s*\{?\s*C\b|\\mathbb\s*\{?\s*R\s*\}?\s*\^|\\succ|matri|vector", re.IGNORECASE)
#: Operators of matrices: applied to an undeclared capital, derive read it as a scalar.
_MATRIX_OPERATOR = re.compile(
    r"\\det\b|\\(?:mathrm|operatorname|text)\s*\{\s*(?:tr|Tr|det|rank|diag)\s*\}|\\(?:tr|Tr)\b"
)


def not_a_scalar(step: Step) -> str | None:
    """Why a step read with some name as a real scalar says nothing: the prose declares it a vector,
    a matrix or a complex number no kind expresses (``A \\in \\mathbb{R}^{n \\times n}``,
    ``z \\in \\mathbb{C}``), or a matrix operator (``\\det``, ``\\mathrm{tr}``) is applied to an undeclared
    capital. A proof over scalars is then no proof, and a refutation no refutation."""
    from derive.latex.names import names_in  # noqa: PLC0415

    tex = f"{step.lhs_tex} {step.rhs_tex}"
    found = names_in(step.lhs_tex), names_in(step.rhs_tex)
    used = set().union(*(f[0] for f in found if f is not None))
    for name, where in step.ranges:
        if name in used and _NOT_SCALAR.search(where):
            return f"{name} is declared as no real scalar ({where}) that derive can sample; derive read it as one"
    declared = {n for n, _ in step.claim.symbols}
    same = "".join(step.lhs_tex.split()) == "".join(step.rhs_tex.split())  # a = a holds in any reading
    if _MATRIX_OPERATOR.search(tex) and not same and not any("matrix" in kind for _, kind in step.claim.symbols):
        bases = {n.split("_")[0] for n in used}
        capitals = sorted(b for b in bases if len(b) == 1 and b.isupper() and b not in declared)
        if capitals:
            return (
                f"{', '.join(capitals)} under a matrix operator is not declared, so derive read it as a scalar; "
                f"declare its shape (e.g. `{capitals[0]}: matrix 2x2`) to check the step"
            )
    return None


def scalar_reading(step: Step) -> str | None:
    """The names a step transposes although none of them is declared as a vector or matrix.

    Undeclared names are real scalars, where ``(x - \\mu)^T (x - \\mu)`` is ``(x - \\mu)^2``: a
    verdict reached that way says nothing about the vectors the text means (the seed's trace
    step holds for scalars and fails for vectors), so `settle` leaves such steps undecided.
    A transpose of a declared matrix, of a name the document defined, or of a matrix written
    out is read as written.
    """
    shaped: set[str] = set()
    for name, kind in step.claim.symbols:
        try:
            if parse_kind(kind).is_matrix:
                shaped.add(name)
        except DeriveError:
            continue
    for used in step.uses:  # "W_1 := B (line 59)": a defined name keeps its definition's shape
        if ":=" in used:
            try:
                shaped.add(name_of(used.split(":=", 1)[0]))
            except DeriveError:
                continue
    # the claim's own text: the step with the definitions it is read under (W_2 := B^T)
    sides = [str(getattr(side, "text", side)) for side in (step.claim.lhs, step.claim.rhs)]
    for side in sides:
        for names in transposed_names(side) or []:
            if names and not names & shaped:
                return ", ".join(sorted(names))
    return None
