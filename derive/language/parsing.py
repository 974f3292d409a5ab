"""The safe expression language: claim text becomes sympy objects without running any code.

Text is parsed with ``ast.parse(..., mode="eval")``, which only builds a syntax tree, and the
tree is walked against a whitelist that constructs sympy objects directly. Nothing here calls
``eval``, ``exec``, ``sympify`` or ``parse_expr`` on input text. Anything outside the language
(attribute access, subscripts, lambdas, comprehensions, unknown functions, ...) is a
`ParseError` naming the offending token and its column.

Hostile but well-formed input must stay cheap to build: sympy evaluates integer powers,
factorials and binomials eagerly, so numbers whose exact value would be huge are kept
unevaluated (`HugePower`, ``factorial(n, evaluate=False)``) and left to the engine, which
works under a time budget.

Inside ``Sum(expr, (i, a, b))`` and ``Product(...)`` a name whose suffix is the bound index,
``x_i``, is the entry ``x[i]`` of an indexed family (a sympy ``Indexed``), as the LaTeX
reader reads ``\\sum_{i=1}^{n} x_i``: ``Sum(x_i, (i, 1, n))`` is x_1 + ... + x_n, not
n times one number. Only the index of an enclosing Sum or Product counts; ``x_i`` anywhere
else (a declared ``x_i`` outside the sum) stays a plain symbol. The entry takes the kind
declared for ``x_i``, else for ``x``; the numeric tier gives every entry its own value
(`derive.language._indexed`).

This module is the public face; the tree walk lives in `derive.language._grammar`, the function table
in `derive.language._calls`, the guards for huge numbers in `derive.language._exact` and the regrouping of very
long sums in `derive.language._regroup`.

>>> from derive.language.symbols import SymbolTable
>>> parse_expression("0.6*(-1.4)", SymbolTable())
-21/25
>>> split_relation("diff(x**2, x) == 2*x")
('diff(x**2, x)', <Relation.EQ: '=='>, '2*x')
"""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

import sympy
from sympy.matrices.utilities import dotprodsimp

from derive.errors import DeriveError, ParseError
from derive.language._calls import FUNCTIONS
from derive.language._exact import HugePower, freeze, is_matrix, safe_replace
from derive.language._grammar import (
    CONSTANTS,
    MAX_DEPTH,
    MAX_NAME_LENGTH,
    MAX_NODES,
    MAX_TEXT_LENGTH,
    RELATIONS,
    Builder,
    Source,
    check_name,
    parse_tree,
    short,
)
from derive.language.distributions import DISTRIBUTIONS, Distribution
from derive.language.symbols import SymbolKind, SymbolTable, kind_from_assumptions
from derive.model import Claim, LatexSource, Problem, Relation

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_NAME_LENGTH",
    "MAX_NODES",
    "MAX_TEXT_LENGTH",
    "HugePower",
    "check_name",
    "parse_distribution",
    "parse_expression",
    "prepare",
    "split_relation",
]


# ---------------------------------------------------------------------------------------
# Public entry points.


def parse_expression(text: str, table: SymbolTable, *, random: Iterable[tuple[Any, Distribution]] = ()) -> Any:
    """Parse ``text`` in derive's expression language into a sympy object.

    Undeclared names are declared in ``table`` as real symbols. Returns a sympy expression,
    an ``ImmutableMatrix``, a ``FiniteSet`` or a `Distribution`. ``random`` is
    ``Problem.random`` (random variables and their distributions): ``diff`` needs it to
    differentiate ``E(...)`` correctly.

    >>> parse_expression("diff(log(1 - sigmoid(a)), a)", SymbolTable())
    -sigmoid(a)
    >>> parse_expression("det(S)", SymbolTable({"S": "spd matrix 2x2"}))
    S[1,1]*S[2,2] - S[1,2]**2
    """
    if not isinstance(text, str):
        msg = f"an expression must be text, not {type(text).__name__}"
        raise ParseError(msg)
    source = Source(text)
    tree = parse_tree(source)
    builder = Builder(source, table, tuple(random))
    try:
        # No intermediate simplification inside matrix products and determinants: it is
        # what makes sympy take minutes on symbolic matrices; the engine simplifies later.
        with dotprodsimp(False):
            return builder.build(tree.body, 0, False)
    except RecursionError:
        msg = "expression is too deeply nested to build"
        raise ParseError(msg, text=short(source.text, 80)) from None
    except MemoryError:
        msg = "expression is too large to build (out of memory)"
        raise ParseError(msg, text=short(source.text, 80)) from None


def parse_distribution(text: str, table: SymbolTable) -> Distribution:
    """Parse a distribution such as ``"Normal(mu, sigma**2)"``."""
    value = parse_expression(text, table)
    if not isinstance(value, Distribution):
        names = ", ".join(DISTRIBUTIONS)
        msg = f"{short(text)!r} is not a distribution; expected one of {names}, e.g. Normal(0, 1)"
        raise ParseError(msg, text=text)
    return value


def split_relation(text: str) -> tuple[str, Relation, str]:
    """Split ``"lhs <relation> rhs"`` at its single top-level relation.

    ``==`` (or a single ``=``), ``<=``, ``>=``, ``<``, ``>`` and ``~=`` (approximately) are
    recognised; ``≤``, ``≥`` and ``≈`` too.

    >>> split_relation("x**2 >= 0")
    ('x**2', <Relation.GE: '>='>, '0')
    """
    if not isinstance(text, str):
        msg = f"a claim must be a string, not {type(text).__name__}"
        raise ParseError(msg)
    text = text.replace("≤", "<=").replace("≥", ">=").replace("≈", "~=")
    for marker, relation in (("~=", Relation.APPROX), ("=", Relation.EQ)):
        pattern = re.escape(marker) if marker == "~=" else r"(?<![<>=!~])=(?!=)"
        hits = [m.start() for m in re.finditer(pattern, text)]
        if hits:
            if len(hits) > 1:
                msg = f"more than one {marker!r} in {short(text)!r}; a claim has one relation"
                raise ParseError(msg, text=text, token=marker, column=hits[1])
            lhs, rhs = text[: hits[0]], text[hits[0] + len(marker) :]
            for side in (lhs, rhs):
                body = parse_tree(Source(side)).body
                if isinstance(body, ast.Compare):
                    msg = f"more than one relation in {short(text)!r}; a claim has one relation"
                    raise ParseError(msg, text=text, token=marker, column=hits[0])
            return lhs.strip(), relation, rhs.strip()
    source = Source(text)
    body = parse_tree(source).body
    if not isinstance(body, ast.Compare):
        msg = f"no relation in {short(text)!r}; write lhs == rhs (or <=, >=, <, >)"
        raise ParseError(msg, text=text)
    if len(body.ops) != 1:
        msg = f"chained relation in {short(text)!r}; a claim has one relation (split it into two claims)"
        raise ParseError(msg, text=text, column=source.column(body))
    relation = RELATIONS.get(type(body.ops[0]))
    if relation is None:
        msg = f"{type(body.ops[0]).__name__} is not a claim relation; use ==, <=, >=, < or >"
        raise ParseError(msg, text=text, column=source.column(body))
    # Slice the original text: between the two operands lies the operator (and maybe parentheses).
    lhs_end = source.column(_end_marker(body.left))
    rhs_start = source.column(body.comparators[0])
    start, end = source.column(body), source.column(_end_marker(body))
    between = text[lhs_end:rhs_start]
    op = {Relation.EQ: "==", Relation.LE: "<=", Relation.GE: ">=", Relation.LT: "<", Relation.GT: ">"}[relation]
    cut = lhs_end + between.index(op)
    return text[start:cut].strip(), relation, text[cut + len(op) : end].strip()


def _end_marker(node: ast.AST) -> ast.AST:
    marker = ast.Constant(0)
    marker.col_offset = node.end_col_offset  # type: ignore[attr-defined]
    return marker


# ---------------------------------------------------------------------------------------
# Claims -> problems.


def prepare(claim: Claim) -> Problem:
    """Parse a claim's symbols, random variables and sides into a `Problem` for the engine."""
    try:
        return _prepare(claim)
    except DeriveError as exc:
        if exc.claim_id is None:
            exc.claim_id = claim.id
        if exc.where is None and claim.where is not None:
            exc.where = claim.where
        raise


def _prepare(claim: Claim) -> Problem:
    latex = isinstance(claim.lhs, LatexSource) and isinstance(claim.rhs, LatexSource)
    for name, _ in claim.symbols:
        check_name(name, keywords=latex)  # \lambda is "lambda": fine where no Python is parsed
    table = SymbolTable(claim.symbols)
    random: list[tuple[Any, Distribution]] = []
    named: dict[str, Distribution] = {}
    for name, value in claim.random:
        check_name(name, keywords=latex)
        if isinstance(value, Distribution):
            dist = _adopt(value, table, f"random variable {name!r}", keywords=latex)
        elif isinstance(value, str):
            try:
                dist = parse_distribution(value, table)
            except ParseError as exc:
                exc.message = f"random variable {name!r}: {exc.message}"
                exc.args = (exc.message,)
                raise
        else:
            msg = f"random variable {name!r} needs a distribution such as 'Normal(0, 1)', not {value!r}"
            raise ParseError(msg)
        obj = _declare_random(table, name, dist)
        entries = set(obj) if is_matrix(obj) else {obj}
        if entries & dist.free_symbols:
            msg = f"random variable {name!r} appears in its own distribution {dist}"
            raise ParseError(msg, token=name)
        random.append((obj, dist))
        named[name] = dist
    lhs = _side(claim.lhs, table, "lhs", tuple(random), named)
    rhs = _side(claim.rhs, table, "rhs", tuple(random), named)
    moments = _moments(claim, table, tuple(random), named)
    return Problem(
        lhs, rhs, claim.relation, table, tuple(random), claim.tolerance, claim.nonrandom, claim.independent, moments
    )


def _moments(
    claim: Claim, table: SymbolTable, random: tuple[tuple[Any, Distribution], ...], named: Mapping[str, Distribution]
) -> tuple[tuple[Any, Any, str], ...]:
    """The moments the claim states, parsed like its sides in a copy of its table (a name only a
    statement uses is no name of the step); a statement that does not parse is left out."""
    if not claim.moments:
        return ()
    own = copy.deepcopy(table)
    out = []
    for lhs, rhs, said in claim.moments:
        try:
            out.append((_side(lhs, own, "moment", random, named), _side(rhs, own, "moment", random, named), said))
        except (DeriveError, RecursionError, TypeError, ValueError):
            continue
    return tuple(out)


def _declare_random(table: SymbolTable, name: str, dist: Distribution) -> Any:
    size = dist.size
    if name in table:
        kind = table[name].kind
        if size is None and kind.is_matrix:
            msg = f"random variable {name!r} is declared '{kind}' but {dist} draws scalars"
            raise ParseError(msg, token=name)
        if size is not None and kind.shape != (size, 1):
            msg = f"random variable {name!r} is declared '{kind}' but {dist} draws vectors of size {size}"
            raise ParseError(msg, token=name)
        return table[name].obj
    if size is not None:
        return table.declare(name, SymbolKind("vector", size, 1)).obj
    return table.symbol(name)


def _side(
    value: Any,
    table: SymbolTable,
    where: str,
    random: tuple[tuple[Any, Distribution], ...],
    named: Mapping[str, Distribution],
) -> Any:
    try:
        result = _side_value(value, table, random, named)
    except ParseError as exc:
        exc.message = f"{where}: {exc.message}"
        exc.args = (exc.message,)
        raise
    if isinstance(result, Distribution):
        msg = f"{where}: {result} is a distribution, not a value; compare divergences or expectations instead"
        raise ParseError(msg)
    return result


def _side_value(
    value: Any, table: SymbolTable, random: tuple[tuple[Any, Distribution], ...], named: Mapping[str, Distribution]
) -> Any:
    if isinstance(value, str):
        return parse_expression(value, table, random=random)
    if isinstance(value, LatexSource):
        from derive.latex.parser import parse_latex  # noqa: PLC0415 - optional front end, loaded on use

        # The claim's random variables count for E_x[...]; densities bind E_p[...] to them.
        return parse_latex(
            value.text, table, random=dict(named), densities=dict(value.densities), bound=frozenset(value.bound)
        )
    if isinstance(value, bool) or value is None:
        msg = f"a side must be an expression, not {value!r}"
        raise ParseError(msg)
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, float):
        # The shortest decimal that round-trips (repr) is what the author typed: 0.1 -> 1/10.
        return parse_expression(repr(value), table)
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, (sympy.Basic, sympy.MatrixBase)):
        return _adopt(value, table, "expression")
    msg = f"a side must be a string, LatexSource or sympy expression, not {type(value).__name__}"
    raise ParseError(msg)


def _adopt(value: Any, table: SymbolTable, what: str, *, keywords: bool = False) -> Any:
    """Replace the free symbols of a Python-built object by the table's objects of the same name.

    Undeclared symbols are declared from their own assumptions (``Symbol('s', positive=True)``
    becomes a ``positive`` symbol; a plain ``Symbol('x')`` becomes real, like any undeclared
    name), and ``MatrixSymbol('A', 2, 2)`` becomes the explicit matrix of its declaration.
    """
    value = freeze(value)
    mapping: dict[Any, Any] = {}
    free = value.free_symbols if hasattr(value, "free_symbols") else set()
    matrix_symbols = value.atoms(sympy.MatrixSymbol) if isinstance(value, sympy.Basic) else set()
    for ms in matrix_symbols:
        name = ms.name
        check_name(name, keywords=keywords)
        rows, cols = int(ms.rows), int(ms.cols)
        if name not in table:
            table.declare(name, SymbolKind("vector", rows, 1) if cols == 1 else SymbolKind("matrix", rows, cols))
        obj = table[name].obj
        if not is_matrix(obj) or obj.shape != (rows, cols):
            msg = f"{what}: {name} is a {rows}x{cols} MatrixSymbol but is declared '{table[name].kind}'"
            raise ParseError(msg, token=name)
        mapping[ms] = obj
    for sym in free:
        if not isinstance(sym, sympy.Symbol) or sym in mapping or sym in table_entries(table):
            continue
        name = sym.name
        if name not in table:
            check_name(name, keywords=keywords)
            table.declare(name, kind_from_assumptions(sym))
        obj = table[name].obj
        if is_matrix(obj):
            msg = f"{what}: {name} is a scalar Symbol but is declared '{table[name].kind}'; use MatrixSymbol"
            raise ParseError(msg, token=name)
        if obj != sym:
            mapping[sym] = obj
    return freeze(safe_replace(value, mapping)) if mapping else value


def table_entries(table: SymbolTable) -> set[sympy.Basic]:
    """Every scalar symbol the table's declarations stand for (matrix entries included)."""
    out: set[sympy.Basic] = set()
    for spec in table.values():
        if spec.kind.is_matrix:
            out.update(spec.entries)
    return out
