"""Linear algebra of the LaTeX reader: matrix arithmetic helpers and the matrix environments mixin.

Also the notation of vectors: norms (``\\|x\\|_2``, ``\\|x\\|_1``, ``\\|x\\|_\\infty``, ``\\|A\\|_F``),
``x \\cdot y`` (dot) and ``x \\times y`` (cross) of declared vectors, ``A \\circ B`` (Hadamard), and the
ML vocabulary over vectors (``\\mathrm{ReLU}``, ``\\mathrm{softmax}(\\mathbf a)_i``, ``\\mathrm{LSE}``,
``\\mathrm{onehot}(y)_k``), read as the closed forms of `derive.language.functions`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy
from sympy import S
from sympy.matrices.exceptions import NonInvertibleMatrixError

from derive.errors import DeriveError
from derive.language._exact import _power, is_huge
from derive.language.functions import log_softmax, logsumexp, relu, softmax
from derive.latex.structure_entries import declared_matrix_entry
from derive.latex.tokens import _ACCENTS, _BOLD, _ELLIPSES, _EXPLICIT_INVERSE, _FONTS, _fail, _Tok

_MAX_DIAGONAL = 12  # as the largest declared matrix (derive.language.symbols)
_MAX_SYMBOLIC_DET = 7  # 8x8 took 3 s to read, 9x9 over 50 s
_MAX_LISTED = 32  # softmax(a_1, ..., a_n) is n entries of n terms each
#: The environments read inside an expression: matrices, and cases (`derive.latex.structure_cases`).
_ENVIRONMENTS = frozenset({"matrix", "pmatrix", "bmatrix", "vmatrix", "Bmatrix", "smallmatrix", "array", "cases"})

# ----------------------------------------------------------------------------------------
# Shape-aware arithmetic: ML texts treat 1x1 matrices as scalars (x^T A x).


def _is_matrix(x: object) -> bool:
    return isinstance(x, (sympy.MatrixBase, sympy.MatrixExpr))


def _scalar(x: Any) -> Any:
    if _is_matrix(x) and x.shape == (1, 1):
        return x[0, 0]
    return x


def _shape(x: Any) -> str:
    return "x".join(str(d) for d in x.shape)


class _Arith:
    def __init__(self, text: str, bare_identity: Callable[[], bool] = lambda: False) -> None:
        self.text = text
        #: whether a bare I is the reader's to take for an identity (the text neither declares nor defines I)
        self.bare_identity = bare_identity

    def add(self, a: Any, b: Any) -> Any:
        if _is_matrix(a) and _is_matrix(b) and a.shape == b.shape:
            return a + b
        if _is_matrix(a) != _is_matrix(b):
            # before a 1x1 matrix becomes its entry: A - \lambda I at size 1 is still A - \lambda I_1
            square = a if _is_matrix(a) else b
            identity = self._identity_multiple(b if _is_matrix(a) else a, square)
            if identity is not None:
                return _scalar(square + identity)
        a, b = _scalar(a), _scalar(b)
        if _is_matrix(a) or _is_matrix(b):
            what = f"{_shape(a)} matrix" if _is_matrix(a) else "scalar"
            other = f"{_shape(b)} matrix" if _is_matrix(b) else "scalar"
            raise _fail(self.text, f"cannot add a {what} and a {other}")
        return a + b

    def _identity_multiple(self, scalar: Any, square: Any) -> Any | None:
        """``A - \\lambda I``, ``A^\\top - I`` of a square A and a bare I nothing declares: c I is c times the
        identity of A's size (scalar plus matrix has no other reading), or None for any other scalar."""
        if not isinstance(scalar, sympy.Basic) or square.shape[0] != square.shape[1] or not self.bare_identity():
            return None
        ident = next((s for s in scalar.free_symbols if getattr(s, "name", None) == "I"), None)
        if ident is None:
            return None
        factor = sympy.expand(scalar).coeff(ident)
        if factor == 0 or ident in factor.free_symbols or sympy.expand(scalar - factor * ident) != 0:
            return None
        size = square.shape[0]
        eye = sympy.ImmutableMatrix(sympy.eye(size)) if isinstance(square, sympy.MatrixBase) else sympy.Identity(size)
        return factor * eye

    def mul(self, a: Any, b: Any) -> Any:
        if _is_matrix(a) and _is_matrix(b):
            if a.shape[1] == b.shape[0]:
                return a * b
            if a.shape == (1, 1) or b.shape == (1, 1):
                return _scalar(a) * _scalar(b)
            raise _fail(self.text, f"cannot multiply a {_shape(a)} matrix by a {_shape(b)} matrix")
        return a * b

    def div(self, a: Any, b: Any) -> Any:
        b = _scalar(b)
        if _is_matrix(b):
            raise _fail(self.text, f"cannot divide by a {_shape(b)} matrix")
        return a / b

    def power(self, a: Any, b: Any) -> Any:
        a, b = _scalar(a), _scalar(b)
        if _is_matrix(b):
            raise _fail(self.text, "a matrix exponent")
        if _is_matrix(a):
            if a.shape[0] != a.shape[1]:
                raise _fail(self.text, f"a power of a non-square {_shape(a)} matrix")
            if b == -1:
                return self.inverse(a)
            if b.is_Integer and 0 <= int(b) <= 12:
                return a ** int(b)
            raise _fail(self.text, f"the matrix power {b} (only integers 0..12 and -1)")
        if b.is_number and is_huge(b):
            # a tower over a HugePower (2^{2^{2^{65536}}}): sympy's assumption queries on an
            # evaluated Pow would compute its digits (OverflowError); nothing can expand it
            return sympy.Pow(a, b, evaluate=False)
        # The claim language's guard (derive.language._exact): an exact number too large to expand
        # becomes an opaque HugePower. An unevaluated Pow is not enough: sympy re-expands it
        # at the first + or simplify, so 10^{10^{10}} + 1 would spend the whole budget.
        return _power(a, b)

    def inverse(self, a: Any) -> Any:
        a = _scalar(a)
        if not _is_matrix(a):
            return 1 / a
        if isinstance(a, sympy.MatrixBase) and a.shape[0] <= _EXPLICIT_INVERSE:
            # adjugate / determinant (Berkowitz, division free), as the claim language writes it
            # (derive.language._grammar): sympy's inv() cancels each entry with a multivariate gcd, which
            # on nested inverses of symbolic 3x3 matrices ran for minutes while reading, outside
            # any time budget. Left uncancelled, the engine's exact test (derive.tiers._matrix) decides.
            det = a.det(method="berkowitz")
            if det == 0:
                # sympy's own error, as inv() raised it: the shape checks (shapes.py) read its name
                raise NonInvertibleMatrixError(f"the inverse of a {_shape(a)} matrix whose determinant is 0")
            return sympy.ImmutableMatrix(a.adjugate(method="berkowitz") * _power(det, S.NegativeOne))
        return sympy.Inverse(a)

    def apply(self, name: str, f: Callable[[Any], Any], x: Any) -> Any:
        x = _scalar(x)
        if _is_matrix(x):
            raise _fail(self.text, f"{name} of a {_shape(x)} matrix")
        if isinstance(f, sympy.FunctionClass) and x.is_number and not x.is_Atom:
            # log(log(log(2))): sympy's eager evaluation of nested constants grows exponentially
            # with depth; leave them for the engine, which works under a time budget.
            return f(x, evaluate=False)
        return f(x)


def _transpose(x: Any) -> Any:
    return x.T if _is_matrix(x) else x


def _trace(x: Any) -> Any:
    if isinstance(x, sympy.MatrixBase):
        return x.trace()
    if isinstance(x, sympy.MatrixExpr):
        return sympy.Trace(x).doit()
    return x  # the trace of a scalar is the scalar


def _det(x: Any) -> Any:
    if isinstance(x, sympy.MatrixBase):
        if x.shape[0] > _MAX_SYMBOLIC_DET and x.free_symbols:
            # n! terms: past 7x7 even building and scanning the expression while reading took
            # minutes (12x12 never ended), and reading has no time budget
            raise DeriveError(
                f"the determinant of a symbolic {_shape(x)} matrix is too large to write out "
                f"(at most {_MAX_SYMBOLIC_DET}x{_MAX_SYMBOLIC_DET}); state the identity for a smaller size"
            )
        # Berkowitz (division free), as the claim language: sympy's default Bareiss cancels a
        # quotient at every step and took minutes on a declared 6x6 while reading, unbudgeted.
        return x.det(method="berkowitz")
    if isinstance(x, sympy.MatrixExpr):
        return sympy.Determinant(x).doit()
    return sympy.Abs(x)


class _LinearGrammar:
    """`_Parser` grammar: matrices and arrays (environments), norms, products of vectors, ML functions."""

    # -- environments ---------------------------------------------------------------------
    def environment(self) -> Any:
        name = "".join(t.text for t in self.balanced("{", "}"))
        if name not in _ENVIRONMENTS:
            raise self.fail(f"the environment {name!r} inside an expression")
        if name == "array":
            # \\begin{array}[t]{c|cc}: the position and the column layout carry no values
            if self.at_sym("["):
                self.balanced("[", "]")
            self.balanced("{", "}")
        start, depth = self.i, 0
        while True:
            t = self.peek()
            if t.kind == "end":
                raise self.fail(f"\\begin{{{name}}} without \\end{{{name}}}")
            if t.kind == "cmd" and t.text == "begin":
                depth += 1
            if t.kind == "cmd" and t.text == "end":
                if depth == 0:
                    break
                depth -= 1
            self.i += 1
        body = self.toks[start : self.i]
        self.i += 1
        self.balanced("{", "}")
        if name == "cases":
            from derive.latex.structure_cases import read_cases  # noqa: PLC0415 - it reads values with this module

            return read_cases(self, body)
        rows: list[list[Any]] = [[]]
        cell: list[_Tok] = []
        for t in [*body, _Tok("sym", "&", -1)]:
            if t.kind == "cmd" and t.text in ("hline", "cline"):
                continue
            if t.kind == "sym" and t.text == "&":
                rows[-1].append(cell)
                cell = []
            elif t.kind == "cmd" and t.text in ("\\", "cr"):  # plain TeX ends a row with \cr
                rows[-1].append(cell)
                rows.append([])
                cell = []
            else:
                cell.append(t)
        rows = [r for r in rows if any(c for c in r)]
        dots = next((t.text for t in body if t.kind == "cmd" and t.text in _ELLIPSES), None)
        if dots:
            # x_1, \\vdots, x_n: a matrix of a size the text leaves open, never the rows written
            raise self.fail(f"a {name} with \\{dots} has no fixed size; derive reads only matrices written out in full")
        values = [[_scalar(self.sub(c).parse_all()) for c in r] for r in rows]
        if not values or len({len(r) for r in values}) != 1:
            raise self.fail(f"a {name} with rows of different lengths")
        blocks = [
            str(v) for r, vs in zip(rows, values, strict=True) for c, v in zip(r, vs, strict=True) if self._block(c, v)
        ]
        if blocks and len(values) * len(values[0]) > 1:
            # [[A, B], [C, D]] of undeclared capitals is a block matrix; read with scalars, its
            # determinant AD - BC is not det(A) det(D - C A^-1 B)
            listed = ", ".join(blocks)
            raise self.fail(
                f"a {name} of blocks {listed} whose shapes are not declared; declare them (`A: matrix 2x2`)"
            )
        matrix = sympy.ImmutableMatrix(values)
        return _det(matrix) if name == "vmatrix" else matrix

    def _block(self, cell: list[_Tok], value: Any) -> bool:
        """Whether a matrix cell is an undeclared capital name (``A``, ``\\Sigma_{11}``): a block."""
        first = cell[0] if cell else None
        capital = first is not None and first.kind in ("letter", "cmd") and first.text[:1].isupper()
        return capital and isinstance(value, sympy.Symbol) and not self.declared(value.name)

    # -- norms and products of vectors ------------------------------------------------------
    def _vectors_by_font(self, left: int, right: int) -> bool:
        """Whether the factors starting at token indices ``left`` and ``right`` are both written as
        vectors (``\\mathbf{a}``, ``\\vec{a}``) but were read as scalars (not declared)."""

        def vector_font(j: int) -> bool:
            t = self.toks[j] if j < len(self.toks) else None
            if t is not None and t.kind == "cmd" and t.text in _ACCENTS and t.text != "vec":
                # an accent over a bold name (\hat{\mathbf{v}}, a unit vector) marks a vector as well
                after = [u for u in self.toks[j + 1 : j + 3] if not (u.kind == "sym" and u.text == "{")]
                t = after[0] if after else None
            return t is not None and t.kind == "cmd" and (t.text in _BOLD or t.text == "vec")

        return vector_font(left) and vector_font(right)

    def _vector_entry(self, name: str, font: str) -> Any | None:
        """``x_2`` of a declared vector x (``x_2`` itself undeclared): its second entry, not a new
        scalar (a step through x_1 + x_2 = x^T 1 was refuted at x_1 != x[1]); ``A_{12}`` of a
        declared matrix of at most 9 rows and columns: entry (1, 2). Bold ``\\mathbf{x}_2`` is as
        often the second sample, itself a vector: not guessed. None for any other name."""
        matrix_entry = declared_matrix_entry(self, name, font)  # A_{kj} at a summation index
        if matrix_entry is not None:
            return matrix_entry
        base, _, index = name.rpartition("_")
        if not (base and index.isdigit() and self.declared(base)) or name in self.st.table:
            return None
        obj = self.st.table[base].obj
        if not isinstance(obj, sympy.MatrixBase):
            return None
        vector = 1 in obj.shape
        if not vector and not (len(index) == 2 and max(obj.shape) <= 9):
            return None  # A_{123}: no single reading as (row, column)
        if font in _BOLD and index == "0" and vector and obj.shape[1] == 1:
            # \mathbf{w}_0 next to a declared vector w: no entry 0 (entries count from 1), a vector of
            # w's kind (a starting point, a reference), as its bold letter says; read as a scalar, w - w_0
            # did not conform
            self.st.implicit.add(name)
            return self.st.table.declare(name, self.st.table[base].kind).obj
        if font in _BOLD:
            raise self.fail(
                f"{name} may be entry {index} of the declared {'vector' if vector else 'matrix'} {base} or another "
                f"{'vector (a sample)' if vector else 'matrix'}; declare {name}, or write the entry without bold"
            )
        if vector:
            if not 1 <= int(index) <= len(obj):
                raise self.fail(f"{name}: the declared vector {base} has {len(obj)} entries")
            return obj[int(index) - 1]
        row, col = int(index[0]), int(index[1])
        if not (1 <= row <= obj.rows and 1 <= col <= obj.cols):
            raise self.fail(f"{name}: the declared matrix {base} is {obj.rows}x{obj.cols}")
        return obj[row - 1, col - 1]

    def norm(self, inner: Any) -> Any:
        """``\\|x\\|`` and its subscript, just read: ``_2`` (Euclidean, also when unwritten), ``_1``,
        ``_\\infty``, ``_p`` (an integer) of a declared vector; ``_F`` (Frobenius) of a declared matrix.
        A matrix norm without ``_F`` may be the spectral or the Frobenius norm, and a norm of what
        is not declared a vector is written for a vector the text did not declare (``a \\cdot b =
        \\|a\\| \\|b\\| \\cos\\theta`` is false for scalars): neither is guessed."""
        which = ""
        if self.at_sym("_"):
            self.i += 1
            which = "".join(t.text for t in self.group_tokens() if t.kind != "sym" and t.text not in _FONTS)
        if isinstance(inner, sympy.MatrixBase) and inner.shape == (1, 1):
            return sympy.Abs(inner[0, 0])  # a declared vector (or matrix) of size 1: every norm is the absolute value
        a = _scalar(inner)
        if not _is_matrix(a):
            raise self.fail(
                "a norm \\|...\\| of what is not declared a vector or matrix; declare its vectors (e.g. `a: vector 3`)"
            )
        if not isinstance(a, sympy.MatrixBase):
            raise self.fail("the norm of a matrix of symbolic size")
        squares = sum((e**2 for e in a), S.Zero)  # entries of declared matrices are real
        if 1 not in a.shape:
            if which == "F":
                return sympy.sqrt(squares)
            raise self.fail(
                f"\\|A\\|{'_' + which if which else ''} of a {_shape(a)} matrix may be the spectral or the "
                "Frobenius norm; write \\|A\\|_F for the Frobenius norm"
            )
        if which in ("", "2", "F"):
            return sympy.sqrt(squares)
        if which == "infty":
            return sympy.Max(*(sympy.Abs(e) for e in a))
        if which.isdigit() and 1 <= int(which) <= 12:
            p = int(which)
            total = sum((sympy.Abs(e) ** p for e in a), S.Zero)
            return total if p == 1 else total ** sympy.Rational(1, p)
        raise self.fail(f"the vector norm \\|x\\|_{which}")

    def inner_product(self) -> Any:
        """``\\langle x, y \\rangle`` of two declared vectors (or matrices) of one shape: the sum of the
        products of their entries. One argument (``\\langle x \\rangle``, an average in physics) or
        names not declared vectors are not guessed."""
        average = self.angle_average()  # no comma: physics' average <f>_q (grammar_probability)
        if average is not None:
            return average
        self.expect_sym("⟨")
        self.bars += 1  # a "|" inside is a bra-ket bar, not an absolute value: not read
        left = _scalar(self.expr())
        if not self.at_sym(","):
            raise self.fail("\\langle ... \\rangle without a comma may be an average; write \\mathbb{E}[...]")
        self.i += 1
        right = _scalar(self.expr())
        self.bars -= 1
        self.expect_sym("⟩")
        if self.at_sym("_"):
            raise self.fail("\\langle a, b \\rangle with a subscript (an inner product in another metric)")
        if isinstance(left, sympy.MatrixBase) and isinstance(right, sympy.MatrixBase) and left.shape == right.shape:
            return sum((u * v for u, v in zip(left, right, strict=True)), S.Zero)
        raise self.fail(
            "\\langle a, b \\rangle of what is not two declared vectors or matrices of one shape; declare them "
            "(e.g. `a: vector 3`)"
        )

    def _vector_product(self, op: str, left: Any, right: Any) -> Any | None:
        """``x \\cdot y`` of two declared vectors of one shape is their dot product, ``x \\times y`` of
        two 3-vectors their cross product; None where the operator is the ordinary product
        (scalars, matrices whose shapes fit)."""
        a, b = _scalar(left), _scalar(right)
        if not (isinstance(a, sympy.MatrixBase) and isinstance(b, sympy.MatrixBase)) or a.shape != b.shape:
            return None
        if 1 not in a.shape:
            return None  # two square matrices: the matrix product
        if op == "cdot":
            return sum((u * v for u, v in zip(a, b, strict=True)), S.Zero)
        if op == "times":
            if len(a) != 3:
                raise self.fail(f"\\times between two {_shape(a)} vectors: a cross product needs two 3-vectors")
            return sympy.ImmutableMatrix(a.cross(b))
        return None

    def _hadamard(self, left: Any, right: Any) -> Any:
        """``A \\circ B``: the entrywise (Hadamard) product of two declared matrices or vectors of one
        shape. Between anything else it may be a composition of functions: not guessed."""
        a, b = _scalar(left), _scalar(right)
        if isinstance(a, sympy.MatrixBase) and isinstance(b, sympy.MatrixBase) and a.shape == b.shape:
            return sympy.ImmutableMatrix(a.multiply_elementwise(b))
        raise self.fail(
            "\\circ here may be a composition of functions or a Hadamard product; derive reads it only between "
            "declared matrices or vectors of one shape (the Hadamard product)"
        )

    def diagonal(self) -> Any:
        """``\\mathrm{diag}(\\mathbf{x})``: the diagonal matrix of a declared vector (or of the scalars
        listed); ``\\mathrm{diag}(A)`` of a declared square matrix: the vector of its diagonal."""
        if not self.at_sym("("):
            raise self.fail("diag without parentheses around its argument")
        args, given = self.call_args("diag")
        if given:
            raise self.fail("a bar '|' inside diag(...)")
        if len(args) > _MAX_DIAGONAL:
            raise self.fail(f"diag of more than {_MAX_DIAGONAL} entries")
        if len(args) > 1:
            return sympy.ImmutableMatrix(sympy.diag(*self._ml_values("diag", args)))
        a = _scalar(args[0])
        if isinstance(a, sympy.MatrixBase) and 1 not in a.shape and a.rows == a.cols:
            return sympy.ImmutableMatrix([a[i, i] for i in range(a.rows)])
        return sympy.ImmutableMatrix(sympy.diag(*self._ml_values("diag", [a])))

    # -- the ML vocabulary ------------------------------------------------------------------
    def ml_function(self, name: str) -> Any:
        """``\\mathrm{ReLU}(x)``, ``\\mathrm{softmax}(\\mathbf a)_i``, ``\\mathrm{LSE}(\\mathbf a)``,
        ``\\mathrm{onehot}(y)_k``: the closed forms of `derive.language.functions`. softmax and LSE run over a
        declared vector or the scalars listed; an index is an integer or the index of an enclosing
        sum or product, and the entries count from 1. What none of these settles (the size of a
        vector that is not declared) is not guessed."""
        if name == "relu":
            arg = _scalar(self.operand())
            if isinstance(arg, sympy.MatrixBase):
                return sympy.ImmutableMatrix(arg.applyfunc(relu))  # entry by entry
            if _is_matrix(arg):
                raise self.fail("ReLU of a matrix of symbolic size")
            return relu(arg)
        if not self.at_sym("("):
            raise self.fail(f"{name} without parentheses around its argument")
        args, given = self.call_args(name)
        if given:
            raise self.fail(f"a bar '|' inside {name}(...)")
        index = self._ml_index()
        if name == "onehot":
            return self._one_hot(args, index)
        values = self._ml_values(name, args)
        if name == "logsumexp":
            if index is not None:
                raise self.fail("an index on logsumexp(...), which is a number")
            return logsumexp(values)
        per_entry = softmax if name == "softmax" else log_softmax
        if index is None:
            return sympy.ImmutableMatrix([per_entry(values, j) for j in range(1, len(values) + 1)])
        if index.is_Integer:
            if not 1 <= int(index) <= len(values):
                raise self.fail(f"{name}(...)_{index} of a vector of {len(values)} entries")
            return per_entry(values, int(index))
        if str(index) in self.st.bound:
            # the entry at a summation index; past the last entry it is an unknown value, never 0,
            # so a sum that runs past the vector stays undecided
            pieces = [(per_entry(values, j), sympy.Eq(index, j)) for j in range(1, len(values) + 1)]
            return sympy.Piecewise(*pieces, (sympy.Function(f"{name}_outside")(index), True))
        raise self.fail(f"{name}(...)_{index}: an index no sum binds; write the entry's number, or sum over it")

    def _ml_index(self) -> Any | None:
        if not self.at_sym("_"):
            return None
        self.i += 1
        return _scalar(self.sub(self.group_tokens()).parse_all())

    def _ml_values(self, name: str, args: list[Any]) -> list[Any]:
        """The entries a vector function runs over: one declared vector, or the scalars listed."""
        if len(args) == 1:
            v = _scalar(args[0])
            if isinstance(v, sympy.MatrixBase) and 1 in v.shape:
                return list(v)
            if _is_matrix(v):
                raise self.fail(f"{name} of a matrix, not a vector")
            raise self.fail(f"{name} of {v}, which is not declared a vector: declare it (e.g. `a: vector 3`)")
        if len(args) > _MAX_LISTED:
            raise self.fail(f"{name} of more than {_MAX_LISTED} values")
        values = [_scalar(a) for a in args]
        if any(_is_matrix(v) for v in values):
            raise self.fail(f"{name} of a list holding a vector or matrix")
        return values

    def _one_hot(self, args: list[Any], index: Any | None) -> Any:
        """``\\mathrm{onehot}(y)_k``: 1 where y = k, else 0, for integers y and k."""
        if len(args) != 1 or index is None:
            raise self.fail("onehot(y) needs one argument and an index, \\mathrm{onehot}(y)_k (its size is unwritten)")
        k = _scalar(args[0])
        if _is_matrix(k) or not (getattr(k, "is_integer", False) and getattr(index, "is_integer", False)):
            raise self.fail("onehot(y)_k compares integers: declare y and k as integers")
        return sympy.KroneckerDelta(k, index)
