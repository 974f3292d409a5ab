"""Grammar mixin of `derive.latex.parser._Parser`: the derivative of a scalar by a vector or a matrix.

``\\frac{\\partial f}{\\partial X}``, ``\\frac{\\partial}{\\partial X} f``, ``\\partial_X f``,
``\\frac{d}{d\\Sigma} f`` and ``\\nabla_X f`` by a declared (or shape-read) matrix X are the matrix of the
partial derivatives ∂f/∂X_ij, taken entry by entry at the size being checked (the sizes are swept by
`derive.latex.shapes`).

Two conventions decide what that matrix is, and real texts use both of each:

- **Layout.** In the denominator layout (the Matrix Cookbook) ∂f/∂X has X's shape, ∂tr(AX)/∂X = A^T; in the
  numerator layout it has X^T's shape, ∂tr(AX)/∂X = A (for a vector x, a row). ``\\nabla_X f`` is the gradient,
  which has X's shape in every text. Each ``\\partial``/``d`` notation is read in the layout the claim's marker
  (`LAYOUT_MARKS`, added by `derive.latex.matcal_readings` for one reading of the step each) names; without a
  marker a column vector keeps derive's column gradient, and a matrix whose derivative is not symmetric is not
  read (the two layouts give different values: no reading is picked for the text).
- **Symmetric matrices.** For S declared symmetric (spd), one text differentiates with the entries independent
  (the Cookbook's ∂/∂X_ij, then set X = S: ∂log|S|/∂S = S^{-1}), another by the distinct entries, an
  off-diagonal entry standing for two (2S^{-1} - diag S^{-1}). The marker (`ENTRY_MARKS`) names which; without
  one the derivative is read only where both agree.

Everything here is exact: the entries are sympy derivatives of the operand read on explicit entries.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import sympy

from derive.language.symbols import SymbolKind, SymbolTable
from derive.latex.grammar_linear import _is_matrix, _scalar

#: Claim-symbol names that fix a reading of the matrix-calculus notation (``layout__numerator: real``).
#: No LaTeX name can be written with a double underscore, so a document cannot declare one by accident.
LAYOUT_MARKS = {"denominator": "layout__denominator", "numerator": "layout__numerator"}
ENTRY_MARKS = {"independent": "entries__independent", "symmetric": "entries__symmetric"}
#: Present in every variant `derive.latex.matcal_readings` runs: a step true only for a symmetric X is then also
#: run with X symmetric, so a derivative by a general square matrix may be read (without it: not read).
READINGS_MARK = "matcal__readings"

#: Reads the operand of a derivative again under another symbol table (the entries made independent).
Reread = Callable[[SymbolTable], Any]


class _MatrixCalculusGrammar:
    """`_Parser` grammar: ∂f/∂x and ∂f/∂X, entry by entry, in the layout and entry reading the claim names."""

    def matrix_derivative(
        self, operand: Any, var: Any, *, gradient: bool, reread: Reread | None, inverse: bool = False
    ) -> Any:
        """The matrix of ∂ ``operand`` / ∂ ``var`` entry, for a vector or matrix ``var`` (``gradient``: written
        with ``\\nabla``, so in X's shape whatever the layout; ``inverse``: by var^{-1}, `_by_inverse`)."""
        if not gradient and _is_matrix(operand) and READINGS_MARK not in self.st.table:
            # a^T x by x as a fraction is a column (denominator layout) or a row (numerator layout): read only
            # with both layouts run (before, this was no reading at all)
            raise self.fail(
                "the derivative of a product of vectors by a vector or matrix may be a column or a row (the layout); "
                "it is read only with both layouts checked"
            )
        operand = _scalar(operand)
        if _is_matrix(operand):
            raise self.fail("the derivative of a vector or matrix by a vector or matrix (a Jacobian) is not read")
        if not all(isinstance(e, sympy.Symbol) for e in var):
            return self._at_numbers(var, gradient=gradient, reread=reread, inverse=inverse)
        entries = list(var)
        rows, cols = var.shape
        if inverse:
            return self._laid_out(self._by_inverse(operand, var, reread), var)
        if len(set(entries)) == len(entries):
            if rows == cols > 1 and READINGS_MARK not in self.st.table:
                raise self.fail(
                    "a derivative by a general square matrix is read only with the step also checked for a "
                    "symmetric matrix (a text's matrix is often a covariance without saying so)"
                )
            value = self._entrywise(operand, var)
        else:
            value = self._symmetric_derivative(operand, var, reread)
        return value if gradient else self._laid_out(value, var)

    def _at_numbers(self, var: Any, *, gradient: bool, reread: Reread | None, inverse: bool) -> Any:
        """The derivative by a matrix given numbers for entries (a far size checked with numbers,
        `derive.latex.shapes_far`): taken with symbols for its entries, the operand read again, then the numbers
        put in (no derivative is taken by a number)."""
        from derive.latex.parser import _Parser  # noqa: PLC0415 - the parser is assembled from this mixin

        spec = next((s for s in self.st.table.values() if s.obj is var), None)
        if spec is None or reread is None:
            raise self.fail("a derivative by a matrix of numbers")
        table = copy.deepcopy(self.st.table)
        symbols = table.declare(spec.name, spec.kind).obj
        try:
            operand = _scalar(reread(table))
        except (ArithmeticError, LookupError, TypeError, ValueError) as exc:
            raise self.fail(f"a derivative by a matrix of numbers ({type(exc).__name__})") from exc
        inner = _Parser([], replace(self.st, table=table, reread={}))
        value = inner.matrix_derivative(operand, symbols, gradient=gradient, reread=reread, inverse=inverse).doit()
        if value.has(sympy.Derivative, sympy.Subs):
            raise self.fail("a derivative by a matrix of numbers of an unknown function of it")
        return value.xreplace(dict(zip(list(symbols), list(var), strict=True)))

    def _by_inverse(self, operand: Any, var: Any, reread: Reread | None) -> Any:
        """∂f/∂P for P = X^{-1} (``\\frac{\\partial \\ell}{\\partial \\Sigma^{-1}}``, by the precision): from
        dX = -X dP X, -X^T F X^T for F = ∂f/∂X with independent entries; for a symmetric X by P's distinct
        entries, that matrix G read as G + G^T - diag(G) (an off-diagonal entry of P standing for two)."""
        rows, cols = var.shape
        if rows != cols:
            raise self.fail("a derivative by the inverse of a matrix that is not square")
        entries = list(var)
        if len(set(entries)) == len(entries):
            if rows > 1 and READINGS_MARK not in self.st.table:
                raise self.fail(
                    "a derivative by the inverse of a general square matrix is read only with the step also checked "
                    "for a symmetric matrix (a text's matrix is often a covariance without saying so)"
                )
            # taken now: the product with X's entries would otherwise carry every unevaluated derivative n^2 times
            by_x = self._entrywise(operand, var).doit()
            if by_x.has(sympy.Derivative, sympy.Subs):
                raise self.fail("a derivative by the inverse of a matrix of an unknown function of it is not read")
            return -(var.T * by_x * var.T).applyfunc(sympy.cancel)
        independent = self._independent_entries(var, reread)
        if independent is None:
            raise self.fail("cannot read this derivative by the inverse of a symmetric matrix")
        by_p = -(var * independent * var).applyfunc(sympy.cancel)
        distinct = by_p + by_p.T - sympy.diag(*[by_p[i, i] for i in range(rows)])
        reading = self._marked(ENTRY_MARKS)
        if reading == "independent" or (reading is None and _exactly_zero(by_p - distinct)):
            return by_p
        if reading == "symmetric":
            return distinct
        raise self.fail(
            "the derivative by the inverse of a symmetric matrix depends on the reading: with the entries "
            "independent or by the distinct entries; the text does not say which"
        )

    def _entrywise(self, operand: Any, var: Any) -> sympy.ImmutableMatrix:
        rows, cols = var.shape
        return sympy.ImmutableMatrix(rows, cols, [self._differentiate(operand, [(e, 1)]) for e in var])

    def _marked(self, marks: dict[str, str]) -> str | None:
        """The reading ``marks`` the claim names (one of its keys), or None."""
        found = [reading for reading, name in marks.items() if name in self.st.table]
        if len(found) > 1:
            raise self.fail(f"two readings of the matrix derivative declared at once ({', '.join(found)})")
        return found[0] if found else None

    def _laid_out(self, value: sympy.ImmutableMatrix, var: Any) -> Any:
        """``value`` (in X's shape) in the layout the claim names."""
        layout = self._marked(LAYOUT_MARKS)
        if layout == "numerator":
            return value.T
        if layout == "denominator" or var.shape[1] == 1:
            return value  # a column vector without a marker: derive's column gradient
        if _exactly_zero(value - value.T):
            return value  # both layouts give this value
        raise self.fail(
            "the derivative of a scalar by a matrix depends on the layout: in the denominator layout (the Matrix "
            "Cookbook) it has the matrix's shape, d tr(AX)/dX = A^T, in the numerator layout its transpose, "
            "d tr(AX)/dX = A; declare layout: denominator (or numerator) to check the step"
        )

    def _symmetric_derivative(self, operand: Any, var: Any, reread: Reread | None) -> sympy.ImmutableMatrix:
        """∂f/∂S for S whose (i, j) and (j, i) entries are one symbol: by the distinct entries, or with the
        entries independent (then S put in), as the claim's marker says; unmarked, only where both agree."""
        by_distinct = self._entrywise(operand, var)  # d/ds_ij of the shared symbol counts both places
        reading = self._marked(ENTRY_MARKS)
        if reading == "symmetric":
            return by_distinct
        independent = self._independent_entries(var, reread)
        if reading == "independent":
            if independent is None:
                raise self.fail("cannot read this derivative by a symmetric matrix with its entries independent")
            return independent
        if independent is not None and _exactly_zero(independent - by_distinct.doit()):
            return by_distinct
        raise self.fail(
            "the derivative by a symmetric matrix depends on the reading: with its entries independent (the Matrix "
            "Cookbook, d log|S|/dS = S^{-1}) or by its distinct entries, an off-diagonal one standing for two "
            "(2 S^{-1} - diag(S^{-1})); the text does not say which (declare the matrix a general matrix, or say "
            "which entries are independent)"
        )

    def _independent_entries(self, var: Any, reread: Reread | None) -> sympy.ImmutableMatrix | None:
        """∂f/∂X_ij with X a general matrix, read from the operand again, at X = S; None if it cannot be read."""
        spec = self.st.table.spec_of(var[0, 0])
        if reread is None or spec is None or spec.obj != var:
            return None
        rows, cols = var.shape
        table = copy.deepcopy(self.st.table)
        general = table.declare(spec.name, SymbolKind("matrix", rows, cols)).obj
        try:
            operand = _scalar(reread(table))
        except (ArithmeticError, LookupError, TypeError, ValueError):
            return None
        if _is_matrix(operand) or not isinstance(operand, sympy.Basic):
            return None
        at = dict(zip(list(general), list(var), strict=True))
        values = []
        for e in general:
            d = sympy.diff(operand, e)
            if d.has(sympy.Derivative, sympy.Subs):
                return None  # an unknown function of the entries: its value at S is not this substitution
            values.append(d.xreplace(at))
        return sympy.ImmutableMatrix(rows, cols, values)

    def reread_tokens(self, toks: list[Any], names: set[str]) -> Reread:
        """A `Reread` of ``toks`` (the operand as written) with ``names`` bound, as the derivative reads it."""
        from derive.latex.parser import _Parser  # noqa: PLC0415 - the parser is assembled from this mixin

        state = self.st

        def read(table: SymbolTable) -> Any:
            p = _Parser(list(toks), replace(state, table=table, reread={}))
            with p.shadowing(names):
                return p.parse_all()

        return read


def _exactly_zero(m: Any) -> bool:
    """Whether every entry of ``m`` is exactly 0 (derivatives taken; False when that cannot be shown)."""
    for e in m:
        d = e.doit() if isinstance(e, sympy.Basic) else e
        if d == 0:
            continue
        if d.has(sympy.Derivative, sympy.Subs):
            return False
        try:
            if sympy.cancel(sympy.together(sympy.expand(d))) != 0:
                return False
        except (sympy.PolynomialError, TypeError, ValueError):
            return False
    return True
