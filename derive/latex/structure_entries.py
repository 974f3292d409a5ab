"""Entries of matrices at summation indices: ``A_{kj}``, ``(\\mathbf{A}^\\top)_{ki}``, ``(AB)_{il}``, ``(A x)_k``.

A declared matrix (at the concrete size a step is checked at) written with two indices, each an integer
or the index of an enclosing sum or product, is its entry there; so is a bracketed matrix expression
followed by such a subscript (``(M^\\top M)_{ii}``), and a bracketed vector expression by one index
(``(A w)_k``). At a summation index the entry is a choice among the matrix's entries by the index's value;
past the last row or column it is an unknown value, never 0, so a sum that runs past the matrix stays
undecided rather than dropping terms. Entries count from 1.

An index letter no sum binds (``(AB)_{il}``, k of ``(A^\\top)_{ki}``) stands for every index: an identity
proved with it holds at each index, and since no value of it past the matrix is known, none refutes.
A declared matrix's name with indices none of which a sum binds (``A_{ij} = A_{ji}``) is read as before.
Not read (the reason is given): an index that is an expression (``A_{k+1,j}``), a bold matrix with
indices (``\\mathbf{A}_{ij}`` may be a block), a matrix of symbolic size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy

from derive.latex.tokens import _BOLD

if TYPE_CHECKING:
    from derive.latex.parser import _Parser
    from derive.latex.tokens import _Tok


#: Letters that index rows and columns where no sum binds them (``(A^\\top)_{ki}`` for every k).
_INDEX_LETTERS = frozenset("ijklmnpqrst")


def _indices(p: _Parser, text: str) -> list[Any] | None:
    """The indices written ``kj``, ``k,j``, ``1j``, ``ii`` or ``k`` as values: integers, bound indices or index
    letters (i to t) no sum binds, which stand for every index (an entry past the matrix is unknown, so an
    identity proved there holds at each, and no value of such a letter refutes); None for anything else."""
    parts = [s.strip() for s in text.split(",")] if "," in text else list(text)
    out: list[Any] = []
    for part in parts:
        if part.isdigit():
            out.append(sympy.Integer(int(part)))
        elif part in p.st.bound or (part in _INDEX_LETTERS and not p.declared(part)):
            out.append(p.symbol(part))
        else:
            return None
    return out


def _inside(p: _Parser, index: Any, size: int) -> bool:
    """Whether ``index`` takes only values 1 to ``size``: an integer there, or the index of an enclosing sum or
    product whose bounds are integers there (``\\sum_{i=1}^{3}`` at size 3). An index letter no sum binds, or one
    whose sum runs past the matrix or has bounds that are not numbers, may take other values."""
    if index.is_Integer:
        return 1 <= int(index) <= size
    name = str(index)
    if name not in p.st.bound or name not in p.st.ranges:
        return False
    lower, upper = p.st.ranges[name]
    # the values an evaluation bar puts in after reading (n = 3 of a size reading), for names nothing here binds
    values = getattr(p.st.table, "_latex_values", {})
    lower, upper = (_given(b, values, p.st.bound, p.st.shadow) for b in (lower, upper))
    if not (getattr(lower, "is_Integer", False) and getattr(upper, "is_Integer", False)):
        return False
    return 1 <= int(lower) <= int(upper) <= size  # an empty range may still be summed (sympy's Karr convention)


def _given(bound: Any, values: dict[str, Any], binding: tuple[str, ...], shadow: frozenset[str]) -> Any:
    """A sum's bound with the values an evaluation bar gives its names (by name: the reader's symbol carries
    assumptions), except names something here binds."""
    if not isinstance(bound, sympy.Basic):
        return bound
    swap = {
        s: values[s.name]
        for s in bound.free_symbols
        if isinstance(s, sympy.Symbol) and s.name in values and s.name not in binding and s.name not in shadow
    }
    return bound.xreplace(swap) if swap else bound


def _entry(p: _Parser, matrix: sympy.MatrixBase, indices: list[Any], label: str) -> Any:
    """``matrix`` at ``indices`` (one per dimension that is not 1 for a vector, two for a matrix)."""
    if len(indices) == 1:
        if 1 not in matrix.shape:
            raise p.fail(f"{label} with one index: a {matrix.rows}x{matrix.cols} matrix needs two")
        flat = list(matrix)
        (index,) = indices
        if index.is_Integer:
            if not 1 <= int(index) <= len(flat):
                raise p.fail(f"{label}: entry {index} of a vector of {len(flat)} entries")
            return flat[int(index) - 1]
        pieces = [(v, sympy.Eq(index, k)) for k, v in enumerate(flat, start=1)]
        if _inside(p, index, len(flat)):
            return sympy.Piecewise(*pieces[:-1], (pieces[-1][0], True))
        return sympy.Piecewise(*pieces, (sympy.Function(f"{label}_outside")(index), True))
    row, col = indices
    if row.is_Integer and col.is_Integer:
        if not (1 <= int(row) <= matrix.rows and 1 <= int(col) <= matrix.cols):
            raise p.fail(f"{label}: entry ({row}, {col}) of a {matrix.rows}x{matrix.cols} matrix")
        return matrix[int(row) - 1, int(col) - 1]
    pieces = []
    for a in range(matrix.rows):
        for b in range(matrix.cols):
            cond = sympy.And(sympy.Eq(row, a + 1), sympy.Eq(col, b + 1))
            if cond is not sympy.false:
                pieces.append((matrix[a, b], cond))
    if _inside(p, row, matrix.rows) and _inside(p, col, matrix.cols):
        # every value the sums give the indices is an entry: no term past the matrix to leave unknown
        return sympy.Piecewise(*pieces[:-1], (pieces[-1][0], True))
    # past the matrix: an unknown of its own (never 0, never the same unknown as another matrix's)
    return sympy.Piecewise(*pieces, (sympy.Function(f"{label}_outside")(row, col), True))


def declared_matrix_entry(p: _Parser, name: str, font: str) -> Any | None:
    """``A_{kj}`` of a declared matrix A at two indices, at least one bound by an enclosing sum: its entry
    there (see the module's docstring). None for any other name, which is read as before."""
    base, _, index = name.partition("_")
    if not index or font in _BOLD or not p.declared(base) or name in p.st.table:
        return None
    spec = p.st.table[base]
    if not isinstance(spec.obj, sympy.MatrixBase) or spec.kind.base == "vector":
        return None  # x_{ij} next to a declared vector x: another family (data), read as before
    obj = spec.obj
    indices = _indices(p, index)
    if indices is None or len(indices) != 2 or not any(str(i) in p.st.bound for i in indices):
        return None  # digits alone: `_vector_entry` reads A_{12}; A_{ij} at no summation index stays a name
    return _entry(p, obj, indices, base)


def subscripted_value(p: _Parser, value: Any, toks: list[_Tok]) -> Any:
    """``(M)_{ij}`` of a bracketed matrix (``(M)_k`` of a vector) just read, with its subscript ``toks``."""
    text = "".join(t.text for t in toks if not (t.kind == "sym" and t.text in "{}"))
    if text.strip() in ("+", "-"):
        # the positive (negative) part max(x, 0) in some texts, an entry in none: not guessed
        raise p.fail(f"(...)_{text.strip()}: the positive or negative part? write \\max(x, 0) or \\min(x, 0)")
    if isinstance(value, sympy.MatrixExpr) and not isinstance(value, sympy.MatrixBase):
        raise p.fail(f"a subscript _{{{text}}} after a bracket around a matrix of symbolic size")
    if not isinstance(value, sympy.MatrixBase):
        raise p.fail(
            f"(...)_{{{text}}} is an entry of a matrix or vector, but the bracket holds what derive reads as a number "
            "(names not declared as vectors or matrices are numbers); declare their shapes (e.g. `A: matrix n x m`)"
        )
    indices = _indices(p, text.replace(" ", ""))
    if indices is None or len(indices) not in (1, 2):
        raise p.fail(
            f"the entry (...)_{{{text}}}: derive reads entries at integers and index letters (one index of a vector, "
            "two of a matrix)"
        )
    return _entry(p, value, indices, "entry")
