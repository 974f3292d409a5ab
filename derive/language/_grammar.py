"""The tree walk behind `derive.language.parsing`: syntax-tree nodes become sympy objects.

`Source` keeps the user's text and the code handed to ``ast.parse``; `parse_tree` turns
every parser failure into a `ParseError`; `Builder` walks the tree against the whitelist
(operators here, functions in `derive.language._calls`).
"""

from __future__ import annotations

import ast
import bisect
import difflib
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

import sympy
from sympy.matrices.exceptions import MatrixError

from derive.errors import DistributionError, ParseError, UnknownNameError
from derive.language._calls import _KEYWORDS, _MANY, FUNCTIONS
from derive.language._exact import HugePower, _power, freeze, is_matrix
from derive.language._names import MAX_NAME_LENGTH, check_name, short
from derive.language._regroup import regroup
from derive.language.distributions import Distribution
from derive.language.symbols import SymbolSpec, SymbolTable
from derive.model import Relation

__all__ = [
    "CONSTANTS",
    "MAX_DEPTH",
    "MAX_NAME_LENGTH",
    "MAX_NODES",
    "MAX_TEXT_LENGTH",
    "RELATIONS",
    "Builder",
    "Source",
    "check_name",
    "parse_tree",
    "short",
]

#: Texts longer than this (in characters) are rejected before parsing: Python's parser
#: takes seconds on a few hundred kilobytes, and no derivation step is that long.
MAX_TEXT_LENGTH = 100_000
#: Syntax-tree nodes allowed in one expression.
MAX_NODES = 200_000
#: Nesting depth allowed in one expression (long flat sums and products do not count).
MAX_DEPTH = 100
_LIMIT_BITS = 14_000  # exact decimal literals beyond this many bits stay unevaluated
_MAX_MATRIX_POWER = 64

#: Bare names with a fixed meaning (a declared symbol of the same name wins).
CONSTANTS: dict[str, sympy.Basic] = {"pi": sympy.pi, "oo": sympy.oo, "I": sympy.I}

#: Names people reach for, and the function the language calls it.
_FUNCTION_HINTS = {
    "ln": "log",
    "sigma": "sigmoid",
    "σ": "sigmoid",
    "logistic": "sigmoid",
    "tr": "trace",
    "Tr": "trace",
    "inv": "inverse",
    "T": "transpose",
    "abs": "Abs",
    "max": "Max",
    "min": "Min",
    "ceil": "ceiling",
    "sgn": "sign",
    "arctan": "atan",
    "arcsin": "asin",
    "arccos": "acos",
    "sum": "Sum",
    "prod": "Product",
    "Integral": "integrate",
    "int": "integrate",
    "lim": "limit",
    "Limit": "limit",
    "Derivative": "diff",
    "grad": "diff",
    "Expectation": "E",
    "expectation": "E",
    "N": "Normal",
    "normal": "Normal",
    "U": "Uniform",
    "uniform": "Uniform",
    "D_KL": "KL",
    "D_JS": "JS",
}


class Source:
    """The user's text and the code handed to ``ast.parse``.

    Whitespace becomes single spaces (so YAML block scalars may span lines) and ``^`` becomes
    ``**`` (Python's ``^`` is exclusive-or, with a lower precedence than ``+``).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        flat = re.sub(r"\s", " ", text)
        # Leading blanks would be an "unexpected indent" to Python; columns are shifted back.
        stripped = flat.lstrip(" ")
        self._lead = len(flat) - len(stripped)
        self.code = stripped.replace("^", "**")
        # Code positions of the characters inserted by the replacement, for mapping columns back.
        self._inserted = [i + k + 1 for k, i in enumerate(m.start() for m in re.finditer(r"\^", stripped))]
        self._regrouped: list[int] = []  # final-code positions of parentheses added by regroup()
        self._encode()

    def _encode(self) -> None:
        self._bytes = self.code.encode("utf-8", errors="surrogatepass")
        self._ascii = len(self._bytes) == len(self.code)

    def regroup(self) -> bool:
        """Parenthesise very long flat chains (a + b + ... , a*b*...) so Python can read them.

        Python's parser builds a left-deep tree for ``a + b + c ...`` and gives up after a
        few thousand terms. Grouping every `_CHUNK` terms as ``(a + ... ) + (- c + ...)``
        keeps the value (each chunk after the first carries its own leading sign) and the
        tree shallow. Returns False when nothing needed grouping.
        """
        new_code, positions = regroup(self.code)
        if not positions:
            return False
        self.code = new_code
        self._regrouped = positions
        self._encode()
        return True

    def _char(self, byte_offset: int) -> int:
        if self._ascii:
            return byte_offset
        return len(self._bytes[:byte_offset].decode("utf-8", errors="ignore"))

    def column(self, node: ast.AST) -> int:
        """0-based column in the original text of a node's start."""
        return self.char_column(getattr(node, "col_offset", 0) or 0)

    def char_column(self, byte_offset: int) -> int:
        """0-based column in the original text of a byte offset into the code."""
        return self.text_column(self._char(byte_offset))

    def text_column(self, c: int) -> int:
        """0-based column in the original text of a character index into the code."""
        c -= bisect.bisect_left(self._regrouped, c)
        return c - bisect.bisect_left(self._inserted, c) + self._lead

    def segment(self, node: ast.AST) -> str:
        start, end = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if start is None or end is None:
            return ""
        return self._bytes[start:end].decode("utf-8", errors="replace")


_DESCRIPTIONS: dict[type, str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscript",
    ast.Slice: "slice",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehension",
    ast.SetComp: "comprehension",
    ast.DictComp: "comprehension",
    ast.GeneratorExp: "generator expression",
    ast.Starred: "starred argument",
    ast.JoinedStr: "f-string",
    ast.FormattedValue: "f-string",
    ast.NamedExpr: "assignment expression ':='",
    ast.Dict: "dict literal",
    ast.IfExp: "conditional expression (use Piecewise((a, cond), (b, True)))",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}

_BINOP_NAMES: dict[type, str] = {
    ast.Mod: "%",
    ast.FloorDiv: "//",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitXor: "^",
    ast.BitAnd: "&",
    ast.BitOr: "|",
}

_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: sympy.Eq,
    ast.NotEq: sympy.Ne,
    ast.Lt: sympy.Lt,
    ast.LtE: sympy.Le,
    ast.Gt: sympy.Gt,
    ast.GtE: sympy.Ge,
}

RELATIONS: dict[type, Relation] = {
    ast.Eq: Relation.EQ,
    ast.LtE: Relation.LE,
    ast.GtE: Relation.GE,
    ast.Lt: Relation.LT,
    ast.Gt: Relation.GT,
}


def parse_tree(source: Source) -> ast.Expression:
    """``ast.parse`` with every failure turned into a ParseError."""
    text = source.text
    if len(text) > MAX_TEXT_LENGTH:
        msg = f"expression of {len(text)} characters is too long (at most {MAX_TEXT_LENGTH})"
        raise ParseError(msg, text=text[:80])
    if not text.strip():
        raise ParseError("empty expression", text=text, column=0)
    if "#" in text:
        # Lines are joined before parsing, so a comment would silently swallow the rest.
        col = text.index("#")
        raise ParseError(f"'#' at column {col}: comments are not allowed inside an expression", text=text, column=col)
    if "\x00" in text:
        raise ParseError("expression contains a NUL character", text=text, column=text.index("\x00"))
    try:
        try:
            tree = ast.parse(source.code, mode="eval")
        except RecursionError:
            if not source.regroup():
                raise
            tree = ast.parse(source.code, mode="eval")
    except (RecursionError, MemoryError):
        msg = "expression is too deeply nested or has too many terms in one chain to read"
        raise ParseError(msg, text=short(text, 80)) from None
    except SyntaxError as exc:
        raise _syntax_error(source, exc) from None
    except ValueError as exc:  # e.g. source with surrogates
        raise ParseError(f"cannot read expression: {exc}", text=short(text, 80)) from None
    for count, _ in enumerate(ast.walk(tree)):
        if count >= MAX_NODES:
            msg = f"expression has more than {MAX_NODES} syntax nodes; split it into smaller claims"
            raise ParseError(msg, text=short(text, 80))
    return tree


def _syntax_error(source: Source, exc: SyntaxError) -> ParseError:
    reason = exc.msg or "invalid syntax"
    if "integer string conversion" in reason:
        # Python's own advice (sys.set_int_max_str_digits) is not something a claim author can act on.
        limit = sys.get_int_max_str_digits()
        msg = f"a number with more than {limit} digits: derive reads integer literals of at most {limit} digits;"
        return ParseError(f"{msg} write a huge number as a power such as 10**100000", text=short(source.text, 80))
    if "too many nested parentheses" in reason or "too complex" in reason:
        return ParseError("expression is too deeply nested", text=short(source.text, 80))
    col = None
    if exc.offset is not None:
        col = max(0, min(len(source.text), source.text_column(exc.offset - 1)))
    token = source.text[col : col + 10] if col is not None else None
    hint = ""
    if re.search(r"\blambda\b", source.text):
        hint = "; 'lambda' is a Python keyword: name the variable 'lam'"
    elif re.search(r"(?<![<>=!~])=(?!=)", source.code):
        hint = "; use '==' for equality inside Piecewise conditions"
    elif "decimal literal" in reason or re.search(r"[\w)]\s+[^\W\d(]", source.text):
        hint = "; products need '*' (write 2*x and x*y, not 2x or x y) and calls need parentheses (sin(x))"
    where = f" at column {col}" if col is not None else ""
    msg = f"syntax error{where}: {reason}{hint}"
    return ParseError(msg, text=source.text, token=token, column=col)


class _Rebound(SymbolTable):
    """A symbol table in which one declared name stands for another object (`Builder.rebuild`)."""

    def __init__(self, base: SymbolTable, spec: SymbolSpec) -> None:
        super().__init__()
        self._base, self._spec = base, spec

    def symbol(self, name: str) -> sympy.Basic:
        return self._spec.obj if name == self._spec.name else self._base.symbol(name)

    def spec_of(self, sym: sympy.Symbol) -> SymbolSpec | None:
        return self._spec if sym in self._spec.entries else self._base.spec_of(sym)

    def __getitem__(self, name: str) -> SymbolSpec:
        return self._spec if name == self._spec.name else self._base[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._base)

    def __len__(self) -> int:
        return len(self._base)


class Builder:
    """Walks one syntax tree; ``arg`` is True inside function arguments (conditions allowed)."""

    def __init__(self, source: Source, table: SymbolTable, random: tuple[tuple[Any, Distribution], ...] = ()) -> None:
        self.source = source
        self.table = table
        self.random = random  # Problem.random: what E(...) integrates out, for diff
        # The index names of the enclosing Sum/Product calls, innermost last: under
        # Sum(..., (i, 1, n)) the name x_i is the entry x[i], not a symbol of its own.
        self.indices: list[str] = []

    def rebuild(self, node: ast.AST, spec: SymbolSpec) -> Any:
        """The argument ``node`` built again with the name ``spec.name`` standing for ``spec.obj``.

        For diff in an spd matrix: its entries (i, j) and (j, i) are one symbol, so no
        substitution in the built expression can tell them apart again; building the
        argument anew from the syntax tree can.
        """
        builder = Builder(self.source, _Rebound(self.table, spec), self.random)
        builder.indices = list(self.indices)
        return builder.build(node, 0, True)

    # -- errors ---------------------------------------------------------------------------

    def error(
        self, message: str, node: ast.AST, *, cls: type[ParseError] = ParseError, token: str | None = None
    ) -> ParseError:
        col = self.source.column(node)
        token = token if token is not None else short(self.source.segment(node))
        return cls(message.replace("{col}", str(col)), text=self.source.text, token=token, column=col)

    def not_allowed(self, node: ast.AST, what: str | None = None) -> ParseError:
        what = what or _DESCRIPTIONS.get(type(node), type(node).__name__)
        token = short(self.source.segment(node))
        return self.error(f"{what} {token!r} at column {{col}} is not part of the expression language", node)

    # -- dispatch -------------------------------------------------------------------------

    def build(self, node: ast.AST, depth: int, arg: bool) -> Any:
        if depth > MAX_DEPTH:
            raise self.error(f"expression is too deeply nested (more than {MAX_DEPTH} levels) at column {{col}}", node)
        visit = _VISITORS.get(type(node))
        if visit is None:
            raise self.not_allowed(node)
        return getattr(self, visit)(node, depth + 1, arg)

    def scalar(self, value: Any, node: ast.AST, what: str) -> sympy.Basic:
        """``value`` as a scalar expression (a 1x1 matrix counts as its entry)."""
        if is_matrix(value):
            if value.shape == (1, 1):
                return value[0, 0]
            raise self.error(f"{what} expects a scalar, got a {value.rows}x{value.cols} matrix at column {{col}}", node)
        return self.value(value, node, what)

    def value(self, value: Any, node: ast.AST, what: str) -> Any:
        """``value`` as an expression or matrix (not a tuple, list, string, distribution or condition)."""
        if isinstance(value, (tuple, list)):
            raise self.error(f"{what}: a tuple or list is not an expression here (column {{col}})", node)
        if isinstance(value, str):
            raise self.error(f"{what}: a string is not an expression here (column {{col}})", node)
        if isinstance(value, Distribution):
            raise self.error(f"{what}: the distribution {value} is not a number (column {{col}})", node)
        if isinstance(value, sympy.logic.boolalg.Boolean) and not isinstance(value, sympy.Expr):
            raise self.error(f"{what}: a condition is not an expression here (column {{col}})", node)
        if isinstance(value, sympy.FiniteSet):
            raise self.error(f"{what}: a set is not an expression here (column {{col}})", node)
        return value

    # -- leaves ---------------------------------------------------------------------------

    def visit_constant(self, node: ast.Constant, depth: int, arg: bool) -> Any:
        v = node.value
        if isinstance(v, bool):
            if not arg:
                raise self.error("True/False at column {col} may only appear in a condition (Piecewise)", node)
            return sympy.true if v else sympy.false
        if isinstance(v, int):
            return sympy.Integer(v)
        if isinstance(v, float):
            return self.decimal(node)
        if isinstance(v, str):
            if not arg:
                raise self.error("a string at column {col} is only allowed as limit's direction", node)
            return v
        if isinstance(v, complex):
            raise self.error("imaginary literal at column {col} is not supported; write 2*I for 2j", node)
        raise self.not_allowed(node, f"constant {type(v).__name__}")

    def decimal(self, node: ast.Constant) -> sympy.Basic:
        """An exact rational from the literal's source text (0.1 is 1/10, not a binary float)."""
        text = self.source.segment(node).replace("_", "").lower()
        m = re.fullmatch(r"(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?", text)
        if m is None or not (m.group(1) or m.group(2)):
            raise self.error("cannot read the number {tok} at column {col}".replace("{tok}", repr(text)), node)
        whole, frac, exp = m.group(1) or "", m.group(2) or "", int(m.group(3) or 0)
        mantissa = sympy.Rational(int(whole + frac or "0"), 10 ** len(frac))
        if abs(exp) * 4 > _LIMIT_BITS:
            return mantissa * HugePower(sympy.Integer(10), sympy.Integer(exp)) if mantissa != 0 else sympy.S.Zero
        return mantissa * sympy.Rational(10) ** exp

    def visit_name(self, node: ast.Name, depth: int, arg: bool) -> Any:
        name = node.id
        self.check_identifier(name, node)
        entry = self.indexed_entry(name)
        if entry is not None:
            return entry
        if name in self.table:
            return self.table[name].obj
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name == "E":
            msg = "bare 'E' at column {col}: E(...) is the expectation; Euler's number is exp(1)"
            raise self.error(msg, node, token=name)
        if name in FUNCTIONS:
            raise self.error(
                f"'{name}' at column {{col}} is a function; call it as {name}(...), "
                f"or declare '{name}' under symbols: to use it as a variable",
                node,
            )
        return self.table.symbol(name)

    def indexed_entry(self, name: str) -> sympy.Indexed | None:
        """x_i under a Sum or Product over i: the entry x[i] (`derive.language._indexed` draws each entry apart).

        Its assumptions are those declared for ``x_i`` itself, else for ``x`` (the first that
        says more than real); a declared vector or matrix ``x`` gives none here (its entries
        are its own symbols).
        """
        for index in reversed(self.indices):
            base = name[: -len(index) - 1]
            if not (name.endswith("_" + index) and base) or base.startswith("_"):
                continue
            position = self.table.get(index).obj if index in self.table else self.table.symbol(index)
            if not isinstance(position, sympy.Symbol):
                return None  # a matrix named like the index: Sum rejects it with its own message
            assumptions: dict[str, bool] = {}
            for owner in (name, base):
                spec = self.table.get(owner)
                # the first declaration that says more than real (an x_i used outside the
                # sum was declared real by that use alone)
                if spec is not None and not spec.kind.is_matrix and spec.kind.base != "real":
                    assumptions = {k: True for k, v in spec.obj.assumptions0.items() if v and k in _KINDS}
                    break
            return sympy.Indexed(sympy.IndexedBase(base, **assumptions), position)
        return None

    def check_identifier(self, name: str, node: ast.AST) -> None:
        if name.startswith("_"):
            raise self.error(f"names starting with '_' are not allowed: {short(name)!r} at column {{col}}", node)
        if len(name) > MAX_NAME_LENGTH:
            raise self.error(
                f"identifier of {len(name)} characters at column {{col}} is too long (at most {MAX_NAME_LENGTH})", node
            )

    # -- containers (function arguments only, except sets) --------------------------------

    def visit_tuple(self, node: ast.Tuple, depth: int, arg: bool) -> tuple[Any, ...]:
        if not arg:
            raise self.error("a tuple at column {col} is only allowed as a function argument", node)
        return tuple(self.build(e, depth, arg) for e in node.elts)

    def visit_list(self, node: ast.List, depth: int, arg: bool) -> list[Any]:
        if not arg:
            raise self.error("a list at column {col} is only allowed as a function argument (Matrix([...]))", node)
        return [self.build(e, depth, arg) for e in node.elts]

    def visit_set(self, node: ast.Set, depth: int, arg: bool) -> sympy.FiniteSet:
        return sympy.FiniteSet(*(self.value(self.build(e, depth, True), e, "a set element") for e in node.elts))

    # -- operators ------------------------------------------------------------------------

    def _chain(self, node: ast.BinOp, ops: tuple[type, ...]) -> list[tuple[type | None, ast.AST]]:
        """Flatten a left-deep chain like a + b - c into [(None, a), (Add, b), (Sub, c)] without recursion."""
        items: list[tuple[type | None, ast.AST]] = []
        cur: ast.AST = node
        while isinstance(cur, ast.BinOp) and isinstance(cur.op, ops):
            items.append((type(cur.op), cur.right))
            cur = cur.left
        items.append((None, cur))
        items.reverse()
        return items

    def visit_binop(self, node: ast.BinOp, depth: int, arg: bool) -> Any:
        op = node.op
        if isinstance(op, (ast.Add, ast.Sub)):
            return self.sum(self._chain(node, (ast.Add, ast.Sub)), depth, arg)
        if isinstance(op, (ast.Mult, ast.Div, ast.MatMult)):
            return self.product(self._chain(node, (ast.Mult, ast.Div, ast.MatMult)), depth, arg)
        if isinstance(op, ast.Pow):
            base = self.value(self.build(node.left, depth, arg), node.left, "'**'")
            exp = self.value(self.build(node.right, depth, arg), node.right, "'**'")
            return self.power(base, exp, node)
        if isinstance(op, (ast.BitAnd, ast.BitOr)):
            if not arg:
                raise self.error("'&' and '|' at column {col} may only join conditions inside a function call", node)
            left, right = self.build(node.left, depth, arg), self.build(node.right, depth, arg)
            for side, sub in ((left, node.left), (right, node.right)):
                if not isinstance(side, sympy.logic.boolalg.Boolean):
                    raise self.error("'&' and '|' join conditions; column {col} is not a condition", sub)
            return sympy.And(left, right) if isinstance(op, ast.BitAnd) else sympy.Or(left, right)
        name = _BINOP_NAMES.get(type(op), type(op).__name__)
        raise self.error(
            f"operator {name!r} at column {{col}} is not part of the expression language", node, token=name
        )

    def sum(self, items: list[tuple[type | None, ast.AST]], depth: int, arg: bool) -> Any:
        terms = []
        for op, sub in items:
            v = self.value(self.build(sub, depth, arg), sub, "'+'/'-'")
            terms.append((sub, -v if op is ast.Sub else v))
        if not any(is_matrix(t) for _, t in terms):
            return sympy.Add(*(t for _, t in terms))
        total = terms[0][1]
        for sub, t in terms[1:]:
            total = self.add(total, t, sub)
        return total

    def add(self, a: Any, b: Any, node: ast.AST) -> Any:
        if is_matrix(a) and is_matrix(b):
            if a.shape != b.shape:
                raise self.error(f"shapes do not fit: cannot add {_shape(a)} and {_shape(b)} (column {{col}})", node)
            return a + b
        if is_matrix(a) or is_matrix(b):
            m = a if is_matrix(a) else b
            if m.shape != (1, 1):
                raise self.error(
                    f"shapes do not fit: cannot add a scalar and a {_shape(m)} matrix (column {{col}}); "
                    f"write c*eye({m.rows}) for a multiple of the identity",
                    node,
                )
            a, b = (a[0, 0] if is_matrix(a) else a), (b[0, 0] if is_matrix(b) else b)
        return a + b

    def product(self, items: list[tuple[type | None, ast.AST]], depth: int, arg: bool) -> Any:
        factors = []
        for op, sub in items:
            if isinstance(sub, ast.UnaryOp) and isinstance(sub.op, ast.USub) and op is not ast.Div:
                # -(a + b)*c is the product (-1)(a + b)c, as sympy prints it; negating the sum
                # first would distribute the sign and print differently.
                v = self.value(self.build(sub.operand, depth, arg), sub.operand, "'*'/'/'")
                if not is_matrix(v):
                    factors.append((op, sub, sympy.S.NegativeOne))
                    factors.append((ast.Mult, sub, v))
                    continue
                v = -v
            else:
                v = self.value(self.build(sub, depth, arg), sub, "'*'/'/'")
            factors.append((op, sub, v))
        if not any(is_matrix(v) for _, _, v in factors):
            parts = [self.power(v, sympy.S.NegativeOne, sub) if op is ast.Div else v for op, sub, v in factors]
            return sympy.Mul(*parts)
        total = factors[0][2]
        for op, sub, v in factors[1:]:
            total = self.divide(total, v, sub) if op is ast.Div else self.multiply(total, v, sub)
        return total

    def multiply(self, a: Any, b: Any, node: ast.AST) -> Any:
        if is_matrix(a) and is_matrix(b):
            if a.cols == b.rows:
                return freeze(a * b)
            # A 1x1 product such as x^T x is a scalar factor in textbook notation.
            if a.shape == (1, 1):
                return freeze(a[0, 0] * b)
            if b.shape == (1, 1):
                return freeze(a * b[0, 0])
            raise self.error(f"shapes do not fit: cannot multiply {_shape(a)} by {_shape(b)} (column {{col}})", node)
        return freeze(a * b)

    def divide(self, a: Any, b: Any, node: ast.AST) -> Any:
        if is_matrix(b):
            if b.shape != (1, 1):
                raise self.error(f"division by a {_shape(b)} matrix at column {{col}}; write inverse(B)", node)
            b = b[0, 0]
        if is_matrix(a):
            return freeze(a * self.power(b, sympy.S.NegativeOne, node))
        return a * self.power(b, sympy.S.NegativeOne, node)

    def power(self, base: Any, exp: Any, node: ast.AST) -> Any:
        if is_matrix(exp):
            if exp.shape != (1, 1):
                raise self.error("a matrix exponent at column {col} is not supported", node)
            exp = exp[0, 0]
        if not is_matrix(base):
            return _power(base, exp)
        if base.shape == (1, 1):
            return _power(base[0, 0], exp)
        if not isinstance(exp, sympy.Integer):
            raise self.error(f"a {_shape(base)} matrix can only be raised to an integer power (column {{col}})", node)
        if base.rows != base.cols:
            raise self.error(f"shapes do not fit: a {_shape(base)} matrix is not square (column {{col}})", node)
        n = int(exp)
        if abs(n) > _MAX_MATRIX_POWER:
            raise self.error(f"matrix power {n} at column {{col}} is too large (at most {_MAX_MATRIX_POWER})", node)
        if n < 0:
            base, n = self.inverse(base, node), -n
        return freeze(base**n)

    def inverse(self, m: Any, node: ast.AST) -> Any:
        if not is_matrix(m):
            return self.power(m, sympy.S.NegativeOne, node)
        if m.rows != m.cols:
            raise self.error(f"shapes do not fit: a {_shape(m)} matrix has no inverse (column {{col}})", node)
        # adjugate / determinant (Berkowitz, division free): sympy's inv() first asks whether
        # the determinant is zero with simplify-based tests that can take minutes on the
        # symbolic entries of a Woodbury-style claim.
        det = m.det(method="berkowitz")
        if det.is_zero:
            raise self.error("matrix at column {col} is not invertible (its determinant is 0)", node)
        return freeze(m.adjugate(method="berkowitz") * self.power(det, sympy.S.NegativeOne, node))

    def visit_unaryop(self, node: ast.UnaryOp, depth: int, arg: bool) -> Any:
        if isinstance(node.op, (ast.Not, ast.Invert)):
            if not arg:
                raise self.error("negation of a condition at column {col} is only allowed inside a function call", node)
            v = self.build(node.operand, depth, arg)
            if not isinstance(v, sympy.logic.boolalg.Boolean):
                raise self.error("'not' at column {col} needs a condition", node)
            return sympy.Not(v)
        v = self.value(self.build(node.operand, depth, arg), node.operand, "unary '-'")
        return -v if isinstance(node.op, ast.USub) else v

    def visit_compare(self, node: ast.Compare, depth: int, arg: bool) -> Any:
        if not arg:
            raise self.error(
                "a comparison at column {col} is only allowed inside a function argument; "
                "the claim's relation goes in its `relation:` field",
                node,
            )
        values = [self.build(node.left, depth, arg)] + [self.build(c, depth, arg) for c in node.comparators]
        subs = [node.left, *node.comparators]
        parts = []
        for i, op in enumerate(node.ops):
            make = _COMPARE.get(type(op))
            if make is None:
                raise self.error(f"comparison {type(op).__name__!r} at column {{col}} is not supported", node)
            a = self.scalar(values[i], subs[i], "a comparison")
            b = self.scalar(values[i + 1], subs[i + 1], "a comparison")
            parts.append(make(a, b))
        return parts[0] if len(parts) == 1 else sympy.And(*parts)

    def visit_boolop(self, node: ast.BoolOp, depth: int, arg: bool) -> Any:
        if not arg:
            raise self.error("'and'/'or' at column {col} may only join conditions inside a function call", node)
        values = [self.build(v, depth, arg) for v in node.values]
        return sympy.And(*values) if isinstance(node.op, ast.And) else sympy.Or(*values)

    # -- calls ----------------------------------------------------------------------------

    def visit_call(self, node: ast.Call, depth: int, arg: bool) -> Any:
        if not isinstance(node.func, ast.Name):
            what = repr(short(self.source.segment(node.func)))
            msg = f"only named functions can be called; {what} at column {{col}} is not a function name"
            if isinstance(node.func, (ast.Constant, ast.BinOp, ast.UnaryOp)) or (
                isinstance(node.func, ast.Call) and isinstance(node.func.func, ast.Name)
            ):
                msg += " (products need '*': write 2*(x + 1), not 2(x + 1))"
            raise self.error(msg, node.func)
        name = node.func.id
        self.check_identifier(name, node.func)
        spec = FUNCTIONS.get(name)
        if spec is None:
            raise self.unknown_function(name, node.func)
        handler, lo, hi, usage = spec
        kwargs: dict[str, Any] = {}
        for kw in node.keywords:
            if kw.arg is None or (name, kw.arg) not in _KEYWORDS:
                label = "**kwargs" if kw.arg is None else kw.arg
                raise self.error(
                    f"keyword argument {label!r} at column {{col}} is not supported in {usage}", kw, token=label
                )
            kwargs[kw.arg] = self.build(kw.value, depth, True)
        for a in node.args:
            if isinstance(a, ast.Starred):
                raise self.not_allowed(a)
        bound = _bound_indices(name, node)
        self.indices.extend(bound)
        try:
            args = [self.build(a, depth, True) for a in node.args]
        finally:
            del self.indices[len(self.indices) - len(bound) :]
        if not (lo <= len(args) <= hi):
            wanted = str(lo) if lo == hi else (f"at least {lo}" if hi >= _MANY else f"{lo} to {hi}")
            plural = "" if wanted == "1" else "s"
            msg = f"wrong number of arguments at column {{col}}: {usage} takes {wanted} argument{plural}"
            msg += f", got {len(args)}"
            raise self.error(msg, node, token=name)
        try:
            return freeze(handler(self, node, args, **kwargs))
        except ParseError:
            raise
        except DistributionError as exc:
            raise self.error(f"{exc.message} (at column {{col}})", node) from None
        except MatrixError as exc:
            raise self.error(f"shapes do not fit in {name}(...) at column {{col}}: {exc}", node) from None
        except (TypeError, ValueError, AttributeError, NotImplementedError) as exc:
            raise self.error(f"cannot apply {name}(...) at column {{col}}: {exc}", node) from None

    def unknown_function(self, name: str, node: ast.AST) -> ParseError:
        if name in self.table:
            msg = f"'{name}' at column {{col}} is a symbol, not a function (write {name}*(...) for a product)"
            return self.error(msg, node, token=name)
        if name == "Eq":
            hint = "; the relation of a claim goes in its `relation:` field"
        else:
            close = [_FUNCTION_HINTS[name]] if name in _FUNCTION_HINTS else []
            close = close or difflib.get_close_matches(name, list(FUNCTIONS), n=1, cutoff=0.75)
            close = close or [f for f in FUNCTIONS if f.lower() == name.lower()]
            hint = f"; did you mean {close[0]!r}?" if close else ""
        return self.error(f"unknown function '{name}' at column {{col}}{hint}", node, cls=UnknownNameError, token=name)

    # -- argument helpers used by the function table ---------------------------------------

    def variable(self, value: Any, node: ast.AST, fname: str) -> sympy.Symbol:
        if is_matrix(value) and value.shape == (1, 1):
            value = value[0, 0]
        if not isinstance(value, sympy.Symbol):
            raise self.error(f"{fname}: {short(str(value))!r} at column {{col}} is not a variable", node)
        return value

    def variables(self, value: Any, node: ast.AST, fname: str) -> list[sympy.Symbol]:
        """A tuple/list of variables, or the entries of a vector symbol."""
        if is_matrix(value):
            items = list(dict.fromkeys(value))
        elif isinstance(value, (tuple, list)):
            items = list(value)
        else:
            items = [value]
        return [self.variable(v, node, fname) for v in items]

    def limits(self, value: Any, node: ast.AST, fname: str) -> Any:
        """``x`` or ``(x, a, b)`` for integrals, sums and products."""
        if isinstance(value, tuple):
            if len(value) != 3:
                raise self.error(f"{fname}: limits are written (x, a, b) (column {{col}})", node)
            x = self.variable(value[0], node, fname)
            return (x, self.scalar(value[1], node, fname), self.scalar(value[2], node, fname))
        return self.variable(value, node, fname)


#: The assumptions an indexed entry takes over from a declared scalar kind.
_KINDS = ("positive", "nonnegative", "negative", "integer", "real")


def _bound_indices(name: str, node: ast.Call) -> list[str]:
    """The index names a Sum or Product call binds: i and j in Sum(f, (i, 1, n), (j, 1, m))."""
    if name not in ("Sum", "Product"):
        return []
    out = []
    for lim in node.args[1:]:
        if isinstance(lim, ast.Tuple) and lim.elts and isinstance(lim.elts[0], ast.Name):
            out.append(lim.elts[0].id)
    return out


_VISITORS: dict[type, str] = {
    getattr(ast, n): f"visit_{n.lower()}"
    for n in ("Constant", "Name", "Tuple", "List", "Set", "BinOp", "UnaryOp", "Compare", "BoolOp", "Call")
}


def _shape(m: Any) -> str:
    return f"{m.rows}x{m.cols}"
