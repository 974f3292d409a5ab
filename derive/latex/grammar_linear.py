"""Linear algebra of the LaTeX reader: matrix arithmetic helpers and the matrix environments mixin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy

from derive._exact import _power, is_huge
from derive.latex.tokens import _EXPLICIT_INVERSE, _fail, _Tok

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
    def __init__(self, text: str) -> None:
        self.text = text

    def add(self, a: Any, b: Any) -> Any:
        if _is_matrix(a) and _is_matrix(b) and a.shape == b.shape:
            return a + b
        a, b = _scalar(a), _scalar(b)
        if _is_matrix(a) or _is_matrix(b):
            what = f"{_shape(a)} matrix" if _is_matrix(a) else "scalar"
            other = f"{_shape(b)} matrix" if _is_matrix(b) else "scalar"
            raise _fail(self.text, f"cannot add a {what} and a {other}")
        return a + b

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
        # The claim language's guard (derive._exact): an exact number too large to expand
        # becomes an opaque HugePower. An unevaluated Pow is not enough: sympy re-expands it
        # at the first + or simplify, so 10^{10^{10}} + 1 would spend the whole budget.
        return _power(a, b)

    def inverse(self, a: Any) -> Any:
        a = _scalar(a)
        if not _is_matrix(a):
            return 1 / a
        if isinstance(a, sympy.MatrixBase) and a.shape[0] <= _EXPLICIT_INVERSE:
            return sympy.ImmutableMatrix(a.inv())
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
        return x.det()
    if isinstance(x, sympy.MatrixExpr):
        return sympy.Determinant(x).doit()
    return sympy.Abs(x)


class _LinearGrammar:
    """`_Parser` grammar: matrices and arrays (environments)."""

    # -- environments ---------------------------------------------------------------------
    def environment(self) -> Any:
        name = "".join(t.text for t in self.balanced("{", "}"))
        if name not in ("matrix", "pmatrix", "bmatrix", "vmatrix", "Bmatrix", "smallmatrix"):
            raise self.fail(f"the environment {name!r} inside an expression")
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
        rows: list[list[Any]] = [[]]
        cell: list[_Tok] = []
        for t in [*body, _Tok("sym", "&", -1)]:
            if t.kind == "sym" and t.text == "&":
                rows[-1].append(cell)
                cell = []
            elif t.kind == "cmd" and t.text == "\\":
                rows[-1].append(cell)
                rows.append([])
                cell = []
            else:
                cell.append(t)
        rows = [r for r in rows if any(c for c in r)]
        values = [[_scalar(self.sub(c).parse_all()) for c in r] for r in rows]
        if not values or len({len(r) for r in values}) != 1:
            raise self.fail(f"a {name} with rows of different lengths")
        matrix = sympy.ImmutableMatrix(values)
        return _det(matrix) if name == "vmatrix" else matrix
