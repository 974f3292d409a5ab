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

>>> from derive.symbols import SymbolTable
>>> parse_expression("0.6*(-1.4)", SymbolTable())
-21/25
>>> split_relation("diff(x**2, x) == 2*x")
('diff(x**2, x)', <Relation.EQ: '=='>, '2*x')
"""

from __future__ import annotations

import ast
import bisect
import difflib
import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import sympy
from sympy.matrices.exceptions import MatrixError

from derive.distributions import DISTRIBUTIONS, Distribution, MultivariateNormal
from derive.errors import DeriveError, DistributionError, ParseError, UnknownNameError
from derive.functions import JS, KL, W1, Expectation, logit, sigmoid, softplus
from derive.model import Claim, LatexSource, Problem, Relation
from derive.symbols import SymbolKind, SymbolTable

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

#: Texts longer than this (in characters) are rejected before parsing: Python's parser
#: takes seconds on a few hundred kilobytes, and no derivation step is that long.
MAX_TEXT_LENGTH = 100_000
#: Syntax-tree nodes allowed in one expression.
MAX_NODES = 200_000
#: Nesting depth allowed in one expression (long flat sums and products do not count).
MAX_DEPTH = 100
#: Longest identifier accepted.
MAX_NAME_LENGTH = 64
#: Exact numbers beyond this many bits (about 4200 decimal digits) stay unevaluated.
_LIMIT_BITS = 14_000
_MAX_FACTORIAL = 1500  # 1500! has about 4100 digits
_MAX_MATRIX_ENTRIES = 250_000
_MAX_MATRIX_POWER = 64

#: Bare names with a fixed meaning (a declared symbol of the same name wins).
CONSTANTS: dict[str, sympy.Basic] = {"pi": sympy.pi, "oo": sympy.oo, "I": sympy.I}

_NAME_RE = re.compile(r"^[^\W\d]\w*$")


class HugePower(sympy.Function):
    """``base**exp`` for exact numbers too large to expand (``10**10**10``).

    sympy re-expands numeric powers whenever they take part in arithmetic, so a plain
    unevaluated ``Pow`` would hang the first ``+``. This opaque node keeps the value exact
    and evaluates numerically (mpmath handles huge exponents) without ever expanding.
    """

    nargs = 2

    @classmethod
    def eval(cls, base: sympy.Expr, exp: sympy.Expr) -> None:
        return None

    def _eval_evalf(self, prec: int) -> sympy.Expr:
        base, exp = self.args
        return sympy.Pow(base._eval_evalf(prec) if base.is_number else base, exp)

    def _eval_is_positive(self) -> bool | None:
        base, exp = self.args
        if base.is_positive:
            return True
        if base.is_negative and exp.is_integer:
            return exp.is_even
        return None

    def _eval_is_integer(self) -> bool | None:
        base, exp = self.args
        if base.is_integer and exp.is_integer and exp.is_nonnegative:
            return True
        return None

    def _eval_is_real(self) -> bool | None:
        base, exp = self.args
        if base.is_positive and exp.is_real:
            return True
        if base.is_real and exp.is_integer:
            return True
        return None

    def _eval_is_finite(self) -> bool | None:
        base, exp = self.args
        return True if (base.is_number and exp.is_number and base.is_nonzero) else None

    def _sympystr(self, printer: Any) -> str:
        base, exp = self.args
        return f"{printer.parenthesize(base, 60)}**{printer.parenthesize(exp, 60)}"

    def _latex(self, printer: Any) -> str:
        base, exp = self.args
        return f"{{{printer.doprint(base)}}}^{{{printer.doprint(exp)}}}"


# ---------------------------------------------------------------------------------------
# Guarded constructors: the only places exact numbers can grow.


def _bits(r: sympy.Rational) -> int:
    return max(int(r.p).bit_length(), int(r.q).bit_length())


def _power(base: sympy.Basic, exp: sympy.Basic) -> sympy.Basic:
    """``base**exp`` for scalars, keeping results with huge exact values unevaluated."""
    if isinstance(exp, sympy.Rational):
        magnitude = abs(int(exp.p)) // int(exp.q) + 1
        if isinstance(base, sympy.Rational):
            if base not in (sympy.S.Zero, sympy.S.One, sympy.S.NegativeOne) and _bits(base) * magnitude > _LIMIT_BITS:
                return HugePower(base, exp)
        elif not isinstance(base, sympy.Symbol) and magnitude > 4096:
            # Numeric factors inside the base (2*x, sqrt(2)) would be expanded to huge integers.
            return HugePower(base, exp)
    return sympy.Pow(base, exp)


def _factorial(n: sympy.Basic) -> sympy.Basic:
    if n.is_Number and n > _MAX_FACTORIAL:
        return sympy.factorial(n, evaluate=False)
    return sympy.factorial(n)


def _gamma(z: sympy.Basic) -> sympy.Basic:
    if z.is_Number and abs(z) > _MAX_FACTORIAL:
        return sympy.gamma(z, evaluate=False)
    return sympy.gamma(z)


def _binomial(n: sympy.Basic, k: sympy.Basic) -> sympy.Basic:
    if isinstance(n, sympy.Integer) and isinstance(k, sympy.Integer):
        small = min(int(k), int(n) - int(k))
        if small > 0 and small * max(int(n).bit_length(), 1) > _LIMIT_BITS:
            return sympy.binomial(n, k, evaluate=False)
    return sympy.binomial(n, k)


_GUARDED: dict[Any, Callable[..., sympy.Basic]] = {
    sympy.Pow: _power,
    sympy.factorial: _factorial,
    sympy.gamma: _gamma,
    sympy.binomial: _binomial,
}

_MATRIX_OPS = (
    sympy.MatMul,
    sympy.MatAdd,
    sympy.MatPow,
    sympy.Transpose,
    sympy.Inverse,
    sympy.Trace,
    sympy.Determinant,
)


def _safe_replace(expr: sympy.Basic, mapping: dict[sympy.Basic, sympy.Basic]) -> sympy.Basic:
    """``expr.xreplace(mapping)``, rebuilt bottom-up through the guarded constructors.

    Iterative, so deep expressions do not exhaust the Python stack. Matrix expressions whose
    arguments became explicit matrices are evaluated (``MatMul`` of explicit matrices).
    """
    if not mapping:
        return expr
    memo: dict[sympy.Basic, sympy.Basic] = {}
    stack: list[tuple[sympy.Basic, bool]] = [(expr, False)]
    while stack:
        node, ready = stack.pop()
        if node in memo:
            continue
        if node in mapping:
            memo[node] = mapping[node]
            continue
        is_matrix = isinstance(node, sympy.MatrixBase)
        args = tuple(node) if is_matrix else node.args
        if not args:
            memo[node] = node
            continue
        if not ready:
            stack.append((node, True))
            stack.extend((a, False) for a in args if a not in memo)
            continue
        new_args = [memo[a] for a in args]
        if all(n is o for n, o in zip(new_args, args, strict=True)):
            memo[node] = node
            continue
        func = node.func
        if is_matrix:
            built = sympy.ImmutableMatrix(node.rows, node.cols, new_args)
        elif func in _GUARDED:
            built = _GUARDED[func](*new_args)
        else:
            built = func(*new_args)
        if isinstance(built, _MATRIX_OPS) and not any(_is_symbolic_matrix(a) for a in built.args):
            built = built.doit(deep=False)
        memo[node] = _freeze(built)
    return memo[expr]


def _freeze(value: Any) -> Any:
    if isinstance(value, sympy.MatrixBase) and not isinstance(value, sympy.ImmutableMatrix):
        return sympy.ImmutableMatrix(value)
    return value


def _is_symbolic_matrix(value: Any) -> bool:
    return isinstance(value, sympy.MatrixExpr) and not isinstance(value, sympy.MatrixBase)


def _is_matrix(value: Any) -> bool:
    return isinstance(value, sympy.MatrixBase)


# ---------------------------------------------------------------------------------------
# Source bookkeeping: columns reported in errors are columns of the text the user wrote.


class _Source:
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
        self._bytes = self.code.encode("utf-8", errors="surrogatepass")
        self._ascii = len(self._bytes) == len(self.code)

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
        return c - bisect.bisect_left(self._inserted, c) + self._lead

    def segment(self, node: ast.AST) -> str:
        start, end = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if start is None or end is None:
            return ""
        return self._bytes[start:end].decode("utf-8", errors="replace")


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


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

_RELATIONS: dict[type, Relation] = {
    ast.Eq: Relation.EQ,
    ast.LtE: Relation.LE,
    ast.GtE: Relation.GE,
    ast.Lt: Relation.LT,
    ast.Gt: Relation.GT,
}


def _parse_tree(source: _Source, *, allow_top_compare: bool = False) -> ast.Expression:
    """``ast.parse`` with every failure turned into a ParseError."""
    text = source.text
    if not isinstance(text, str):
        msg = f"an expression must be a string, not {type(text).__name__}"
        raise ParseError(msg, text=None)
    if len(text) > MAX_TEXT_LENGTH:
        msg = f"expression of {len(text)} characters is too long (at most {MAX_TEXT_LENGTH})"
        raise ParseError(msg, text=text[:80])
    if not text.strip():
        raise ParseError("empty expression", text=text, column=0)
    if "\x00" in text:
        raise ParseError("expression contains a NUL character", text=text, column=text.index("\x00"))
    try:
        tree = ast.parse(source.code, mode="eval")
    except (RecursionError, MemoryError):
        msg = "expression is too deeply nested or has too many terms in one chain to read"
        raise ParseError(msg, text=_short(text, 80)) from None
    except SyntaxError as exc:
        raise _syntax_error(source, exc) from None
    except ValueError as exc:  # e.g. source with surrogates
        raise ParseError(f"cannot read expression: {exc}", text=_short(text, 80)) from None
    for count, _ in enumerate(ast.walk(tree)):
        if count >= MAX_NODES:
            msg = f"expression has more than {MAX_NODES} syntax nodes; split it into smaller claims"
            raise ParseError(msg, text=_short(text, 80))
    del allow_top_compare
    return tree


def _syntax_error(source: _Source, exc: SyntaxError) -> ParseError:
    reason = exc.msg or "invalid syntax"
    if "too many nested parentheses" in reason or "too complex" in reason:
        return ParseError("expression is too deeply nested", text=_short(source.text, 80))
    col = None
    if exc.offset is not None:
        col = max(0, min(len(source.text), source.text_column(exc.offset - 1)))
    token = source.text[col : col + 10] if col is not None else None
    hint = ""
    if re.search(r"\blambda\b", source.text):
        hint = "; 'lambda' is a Python keyword: name the variable 'lam'"
    elif re.search(r"(?<![<>=!~])=(?!=)", source.code):
        hint = "; use '==' for equality inside Piecewise conditions"
    where = f" at column {col}" if col is not None else ""
    msg = f"syntax error{where}: {reason}{hint}"
    return ParseError(msg, text=source.text, token=token, column=col)


def check_name(name: str) -> None:
    """Reject identifiers the language does not allow (leading ``_``, too long, not a name)."""
    if not isinstance(name, str) or not _NAME_RE.match(name):
        msg = f"{name!r} is not a valid name (letters, digits and '_', not starting with a digit)"
        raise ParseError(msg, token=str(name))
    if name.startswith("_"):
        msg = f"names starting with '_' are reserved: {_short(name)!r}"
        raise ParseError(msg, token=name)
    if len(name) > MAX_NAME_LENGTH:
        msg = f"identifier of {len(name)} characters is too long (at most {MAX_NAME_LENGTH}): {_short(name)!r}"
        raise ParseError(msg, token=_short(name))


# ---------------------------------------------------------------------------------------
# The tree walk.


class _Builder:
    """Walks one syntax tree; ``arg`` is True inside function arguments (conditions allowed)."""

    def __init__(self, source: _Source, table: SymbolTable) -> None:
        self.source = source
        self.table = table

    # -- errors ---------------------------------------------------------------------------

    def error(
        self, message: str, node: ast.AST, *, cls: type[ParseError] = ParseError, token: str | None = None
    ) -> ParseError:
        col = self.source.column(node)
        token = token if token is not None else _short(self.source.segment(node))
        return cls(message.replace("{col}", str(col)), text=self.source.text, token=token, column=col)

    def not_allowed(self, node: ast.AST, what: str | None = None) -> ParseError:
        what = what or _DESCRIPTIONS.get(type(node), type(node).__name__)
        token = _short(self.source.segment(node))
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
        if _is_matrix(value):
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

    def check_identifier(self, name: str, node: ast.AST) -> None:
        if name.startswith("_"):
            raise self.error(f"names starting with '_' are not allowed: {_short(name)!r} at column {{col}}", node)
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
        if not any(_is_matrix(t) for _, t in terms):
            return sympy.Add(*(t for _, t in terms))
        total = terms[0][1]
        for sub, t in terms[1:]:
            total = self.add(total, t, sub)
        return total

    def add(self, a: Any, b: Any, node: ast.AST) -> Any:
        if _is_matrix(a) and _is_matrix(b):
            if a.shape != b.shape:
                raise self.error(f"shapes do not fit: cannot add {_shape(a)} and {_shape(b)} (column {{col}})", node)
            return a + b
        if _is_matrix(a) or _is_matrix(b):
            m = a if _is_matrix(a) else b
            if m.shape != (1, 1):
                raise self.error(
                    f"shapes do not fit: cannot add a scalar and a {_shape(m)} matrix (column {{col}}); "
                    f"write c*eye({m.rows}) for a multiple of the identity",
                    node,
                )
            a, b = (a[0, 0] if _is_matrix(a) else a), (b[0, 0] if _is_matrix(b) else b)
        return a + b

    def product(self, items: list[tuple[type | None, ast.AST]], depth: int, arg: bool) -> Any:
        factors = []
        for op, sub in items:
            if isinstance(sub, ast.UnaryOp) and isinstance(sub.op, ast.USub) and op is not ast.Div:
                # -(a + b)*c is the product (-1)(a + b)c, as sympy prints it; negating the sum
                # first would distribute the sign and print differently.
                v = self.value(self.build(sub.operand, depth, arg), sub.operand, "'*'/'/'")
                if not _is_matrix(v):
                    factors.append((op, sub, sympy.S.NegativeOne))
                    factors.append((ast.Mult, sub, v))
                    continue
                v = -v
            else:
                v = self.value(self.build(sub, depth, arg), sub, "'*'/'/'")
            factors.append((op, sub, v))
        if not any(_is_matrix(v) for _, _, v in factors):
            parts = [self.power(v, sympy.S.NegativeOne, sub) if op is ast.Div else v for op, sub, v in factors]
            return sympy.Mul(*parts)
        total = factors[0][2]
        for op, sub, v in factors[1:]:
            total = self.divide(total, v, sub) if op is ast.Div else self.multiply(total, v, sub)
        return total

    def multiply(self, a: Any, b: Any, node: ast.AST) -> Any:
        if _is_matrix(a) and _is_matrix(b):
            if a.cols == b.rows:
                return _freeze(a * b)
            # A 1x1 product such as x^T x is a scalar factor in textbook notation.
            if a.shape == (1, 1):
                return _freeze(a[0, 0] * b)
            if b.shape == (1, 1):
                return _freeze(a * b[0, 0])
            raise self.error(f"shapes do not fit: cannot multiply {_shape(a)} by {_shape(b)} (column {{col}})", node)
        return _freeze(a * b)

    def divide(self, a: Any, b: Any, node: ast.AST) -> Any:
        if _is_matrix(b):
            if b.shape != (1, 1):
                raise self.error(f"division by a {_shape(b)} matrix at column {{col}}; write inverse(B)", node)
            b = b[0, 0]
        if _is_matrix(a):
            return _freeze(a * self.power(b, sympy.S.NegativeOne, node))
        return a * self.power(b, sympy.S.NegativeOne, node)

    def power(self, base: Any, exp: Any, node: ast.AST) -> Any:
        if _is_matrix(exp):
            if exp.shape != (1, 1):
                raise self.error("a matrix exponent at column {col} is not supported", node)
            exp = exp[0, 0]
        if not _is_matrix(base):
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
        return _freeze(base**n)

    def inverse(self, m: Any, node: ast.AST) -> Any:
        if not _is_matrix(m):
            return self.power(m, sympy.S.NegativeOne, node)
        if m.rows != m.cols:
            raise self.error(f"shapes do not fit: a {_shape(m)} matrix has no inverse (column {{col}})", node)
        try:
            return _freeze(m.inv(method="ADJ") if m.rows <= 3 else m.inv())
        except MatrixError as exc:
            raise self.error(f"matrix at column {{col}} is not invertible: {exc}", node) from None

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
            raise self.error(
                "only named functions can be called; {tok} at column {col} is not a function name".replace(
                    "{tok}", repr(_short(self.source.segment(node.func)))
                ),
                node.func,
            )
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
        args = [self.build(a, depth, True) for a in node.args]
        if not (lo <= len(args) <= hi):
            wanted = str(lo) if lo == hi else (f"at least {lo}" if hi >= _MANY else f"{lo} to {hi}")
            plural = "" if wanted == "1" else "s"
            msg = f"wrong number of arguments at column {{col}}: {usage} takes {wanted} argument{plural}"
            msg += f", got {len(args)}"
            raise self.error(msg, node, token=name)
        try:
            return _freeze(handler(self, node, args, **kwargs))
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
            return self.error(f"'{name}' at column {{col}} is a declared symbol, not a function", node, token=name)
        if name == "Eq":
            hint = "; the relation of a claim goes in its `relation:` field"
        else:
            close = difflib.get_close_matches(name, list(FUNCTIONS), n=1, cutoff=0.6)
            if not close:
                close = [f for f in FUNCTIONS if f.lower() == name.lower()]
            hint = f"; did you mean {close[0]!r}?" if close else ""
        return self.error(f"unknown function '{name}' at column {{col}}{hint}", node, cls=UnknownNameError, token=name)

    # -- argument helpers used by the function table ---------------------------------------

    def variable(self, value: Any, node: ast.AST, fname: str) -> sympy.Symbol:
        if _is_matrix(value) and value.shape == (1, 1):
            value = value[0, 0]
        if not isinstance(value, sympy.Symbol):
            raise self.error(f"{fname}: {_short(str(value))!r} at column {{col}} is not a variable", node)
        return value

    def variables(self, value: Any, node: ast.AST, fname: str) -> list[sympy.Symbol]:
        """A tuple/list of variables, or the entries of a vector symbol."""
        if _is_matrix(value):
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


_VISITORS: dict[type, str] = {
    getattr(ast, n): f"visit_{n.lower()}"
    for n in ("Constant", "Name", "Tuple", "List", "Set", "BinOp", "UnaryOp", "Compare", "BoolOp", "Call")
}


def _shape(m: Any) -> str:
    return f"{m.rows}x{m.cols}"


# ---------------------------------------------------------------------------------------
# The function table: name -> (handler, min args, max args, usage).

Handler = Callable[..., Any]


def _unary(func: Callable[[Any], Any], name: str) -> Handler:
    def handler(b: _Builder, node: ast.Call, args: list[Any]) -> Any:
        return func(b.scalar(args[0], node.args[0], name))

    return handler


def _nary(func: Callable[..., Any], name: str) -> Handler:
    def handler(b: _Builder, node: ast.Call, args: list[Any]) -> Any:
        return func(*(b.scalar(a, sub, name) for a, sub in zip(args, node.args, strict=True)))

    return handler


def _log(b: _Builder, node: ast.Call, args: list[Any]) -> Any:
    x = b.scalar(args[0], node.args[0], "log")
    if len(args) == 2:
        return sympy.log(x, b.scalar(args[1], node.args[1], "log"))
    return sympy.log(x)


def _piecewise(b: _Builder, node: ast.Call, args: list[Any]) -> Any:
    pairs = []
    for a, sub in zip(args, node.args, strict=True):
        if not (isinstance(a, tuple) and len(a) == 2):
            raise b.error(
                "Piecewise takes pairs (expr, condition), e.g. Piecewise((x, x > 0), (0, True)); column {col}", sub
            )
        cond = a[1]
        if not isinstance(cond, sympy.logic.boolalg.Boolean):
            raise b.error("Piecewise: the second item of each pair must be a condition (column {col})", sub)
        pairs.append((b.scalar(a[0], sub, "Piecewise"), cond))
    return sympy.Piecewise(*pairs)


def _diff(b: _Builder, node: ast.Call, args: list[Any]) -> Any:
    expr = b.value(args[0], node.args[0], "diff")
    rest = args[1:]
    if len(rest) == 1 and _is_matrix(rest[0]) and rest[0].shape != (1, 1):
        # Gradient with respect to a vector or matrix symbol: the matrix of partial
        # derivatives, shaped like the variable (d/dx x^T A x = (A + A^T) x).
        f = b.scalar(expr, node.args[0], "diff with respect to a vector or matrix")
        var = rest[0]
        return sympy.ImmutableMatrix(var.rows, var.cols, [sympy.diff(f, e) for e in var])
    spec: list[Any] = []
    for a, sub in zip(rest, node.args[1:], strict=True):
        if isinstance(a, sympy.Integer) and spec:
            if not 0 <= int(a) <= 50:
                raise b.error("diff: the order of a derivative must be between 0 and 50 (column {col})", sub)
            spec.append(int(a))
        else:
            spec.append(b.variable(a, sub, "diff"))
    if _is_matrix(expr):
        return expr.applyfunc(lambda e: sympy.diff(e, *spec))
    return sympy.diff(expr, *spec)


def _integrate(b: _Builder, node: ast.Call, args: list[Any]) -> Any:
    expr = b.value(args[0], node.args[0], "integrate")
    lims = [b.limits(a, sub, "integrate") for a, sub in zip(args[1:], node.args[1:], strict=True)]
    if _is_matrix(expr):
        return expr.applyfunc(lambda e: sympy.Integral(e, *lims))
    return sympy.Integral(expr, *lims)


def _sum_product(cls: type) -> Handler:
    name = cls.__name__

    def handler(b: _Builder, node: ast.Call, args: list[Any]) -> Any:
        expr = b.scalar(args[0], node.args[0], name)
        lims = []
        for a, sub in zip(args[1:], node.args[1:], strict=True):
            if not isinstance(a, tuple):
                raise b.error(f"{name} takes limits (k, a, b), e.g. {name}(k**2, (k, 1, n)); column {{col}}", sub)
            lims.append(b.limits(a, sub, name))
        return cls(expr, *lims)

    return handler


def _limit(b: _Builder, node: ast.Call, args: list[Any], dir: Any = None) -> Any:
    expr = b.scalar(args[0], node.args[0], "limit")
    x = b.variable(args[1], node.args[1], "limit")
    x0 = b.scalar(args[2], node.args[2], "limit")
    if len(args) == 4:
        if dir is not None:
            raise b.error("limit: give the direction once (column {col})", node)
        dir = args[3]
    if dir is None:
        # A limit at a finite point is two-sided, as in textbooks (sympy defaults to "+").
        dir = "+" if x0 in (sympy.oo, -sympy.oo) else "+-"
    if dir not in ("+", "-", "+-"):
        raise b.error("limit: the direction must be '+', '-' or '+-' (column {col})", node)
    return sympy.Limit(expr, x, x0, dir)


def _subs(b: _Builder, node: ast.Call, args: list[Any]) -> Any:
    expr = b.value(args[0], node.args[0], "subs")
    old, new = args[1], b.value(args[2], node.args[2], "subs")
    if _is_matrix(old) and old.shape != (1, 1):
        if not _is_matrix(new) or new.shape != old.shape:
            raise b.error(f"subs: replace a {_shape(old)} symbol by a {_shape(old)} matrix (column {{col}})", node)
        mapping: dict[Any, Any] = {}
        for o, n in zip(old, new, strict=True):
            mapping.setdefault(b.variable(o, node.args[1], "subs"), n)
    else:
        mapping = {b.variable(old, node.args[1], "subs"): b.scalar(new, node.args[2], "subs")}
    return _safe_replace(expr, mapping)


def _matrix(b: _Builder, node: ast.Call, args: list[Any]) -> Any:
    rows = args[0]
    if not isinstance(rows, (list, tuple)) or not rows:
        msg = "Matrix takes a list of rows, e.g. Matrix([[1, 2], [3, 4]]) or Matrix([a, b]); column {col}"
        raise b.error(msg, node)
    if all(isinstance(r, (list, tuple)) for r in rows):
        width = len(rows[0])
        if any(len(r) != width for r in rows) or width == 0:
            raise b.error("Matrix: every row must have the same, nonzero length (column {col})", node)
        data = [[b.scalar(e, node, "Matrix") for e in r] for r in rows]
    elif any(isinstance(r, (list, tuple)) for r in rows):
        raise b.error("Matrix: mix of rows and entries (column {col})", node)
    else:
        data = [[b.scalar(e, node, "Matrix")] for e in rows]
    return sympy.ImmutableMatrix(data)


def _dims(b: _Builder, node: ast.Call, args: list[Any], name: str) -> tuple[int, int]:
    dims = []
    for a in args:
        if not isinstance(a, sympy.Integer) or a < 1:
            raise b.error(f"{name}: sizes must be positive integers (column {{col}})", node)
        dims.append(int(a))
    n, m = (dims[0], dims[0]) if len(dims) == 1 else (dims[0], dims[1])
    if n * m > _MAX_MATRIX_ENTRIES:
        raise b.error(f"{name}({n}, {m}) at column {{col}} is too large (at most {_MAX_MATRIX_ENTRIES} entries)", node)
    return n, m


def _eye(b: _Builder, node: ast.Call, args: list[Any]) -> Any:
    n, m = _dims(b, node, args, "eye")
    return sympy.ImmutableMatrix(sympy.eye(n, m))


def _zeros(b: _Builder, node: ast.Call, args: list[Any]) -> Any:
    n, m = _dims(b, node, args, "zeros")
    return sympy.ImmutableMatrix(sympy.zeros(n, m))


def _ones(b: _Builder, node: ast.Call, args: list[Any]) -> Any:
    n, m = _dims(b, node, args, "ones")
    return sympy.ImmutableMatrix(sympy.ones(n, m))


def _matrix_arg(b: _Builder, node: ast.Call, args: list[Any], name: str, *, square: bool) -> Any:
    m = b.value(args[0], node.args[0], name)
    if _is_matrix(m) and square and m.rows != m.cols:
        raise b.error(f"shapes do not fit: {name} of a non-square {_shape(m)} matrix (column {{col}})", node)
    return m


def _transpose(b: _Builder, node: ast.Call, args: list[Any]) -> Any:
    m = _matrix_arg(b, node, args, "transpose", square=False)
    return m.T if _is_matrix(m) else m


def _inverse(b: _Builder, node: ast.Call, args: list[Any]) -> Any:
    return b.inverse(_matrix_arg(b, node, args, "inverse", square=True), node)


def _trace(b: _Builder, node: ast.Call, args: list[Any]) -> Any:
    m = _matrix_arg(b, node, args, "trace", square=True)
    return m.trace() if _is_matrix(m) else m


def _det(b: _Builder, node: ast.Call, args: list[Any]) -> Any:
    m = _matrix_arg(b, node, args, "det", square=True)
    return m.det() if _is_matrix(m) else m


def _hessian(b: _Builder, node: ast.Call, args: list[Any]) -> Any:
    f = b.scalar(args[0], node.args[0], "hessian")
    return sympy.hessian(f, b.variables(args[1], node.args[1], "hessian"))


def _jacobian(b: _Builder, node: ast.Call, args: list[Any]) -> Any:
    fs = args[0]
    if _is_matrix(fs):
        funcs = list(fs)
    elif isinstance(fs, (tuple, list)):
        funcs = [b.scalar(f, node.args[0], "jacobian") for f in fs]
    else:
        funcs = [b.scalar(fs, node.args[0], "jacobian")]
    return sympy.Matrix(funcs).jacobian(b.variables(args[1], node.args[1], "jacobian"))


def _eigenvals(b: _Builder, node: ast.Call, args: list[Any]) -> Any:
    m = _matrix_arg(b, node, args, "eigenvals", square=True)
    if not _is_matrix(m):
        return sympy.FiniteSet(m)
    return sympy.FiniteSet(*m.eigenvals())


def _expectation(b: _Builder, node: ast.Call, args: list[Any]) -> Any:
    v = b.value(args[0], node.args[0], "E")
    if _is_matrix(v):
        if v.shape == (1, 1):
            return Expectation(v[0, 0])
        # The expectation of a random vector or matrix is taken entry by entry.
        return v.applyfunc(Expectation)
    return Expectation(v)


def _divergence(cls: type) -> Handler:
    name = cls.__name__

    def handler(b: _Builder, node: ast.Call, args: list[Any]) -> Any:
        for a, sub in zip(args, node.args, strict=True):
            if not isinstance(a, Distribution):
                msg = f"{name} takes two distributions, e.g. {name}(Normal(0, 1), Normal(mu, s2)); column {{col}}"
                raise b.error(msg, sub)
        return cls(*args)

    return handler


def _distribution(cls: type[Distribution]) -> Handler:
    def handler(b: _Builder, node: ast.Call, args: list[Any]) -> Any:
        values = []
        for a, sub in zip(args, node.args, strict=True):
            if cls is MultivariateNormal and isinstance(a, (list, tuple)):
                a = _matrix(b, node, [a])  # noqa: PLW2901 - a list is the textbook way to write a vector
            elif isinstance(a, (list, tuple)):
                a = [b.scalar(e, sub, cls.__name__) for e in a]  # noqa: PLW2901
            elif not _is_matrix(a):
                a = b.scalar(a, sub, cls.__name__)  # noqa: PLW2901
            values.append(a)
        return cls(*values)

    return handler


_SCALAR_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "exp": sympy.exp,
    "sqrt": sympy.sqrt,
    "Abs": sympy.Abs,
    "sign": sympy.sign,
    "floor": sympy.floor,
    "ceiling": sympy.ceiling,
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "tanh": sympy.tanh,
    "asin": sympy.asin,
    "acos": sympy.acos,
    "atan": sympy.atan,
    "erf": sympy.erf,
    "erfc": sympy.erfc,
    "gamma": _gamma,
    "factorial": _factorial,
    "Heaviside": sympy.Heaviside,
    "sigmoid": sigmoid,
    "softplus": softplus,
    "logit": logit,
}

_MANY = 10_000

#: Every callable name of the language: name -> (handler, min args, max args, usage).
FUNCTIONS: dict[str, tuple[Handler, int, int, str]] = {
    **{name: (_unary(f, name), 1, 1, f"{name}(x)") for name, f in _SCALAR_FUNCTIONS.items()},
    "log": (_log, 1, 2, "log(x) or log(x, base)"),
    "Max": (_nary(sympy.Max, "Max"), 1, _MANY, "Max(a, b, ...)"),
    "Min": (_nary(sympy.Min, "Min"), 1, _MANY, "Min(a, b, ...)"),
    "binomial": (_nary(_binomial, "binomial"), 2, 2, "binomial(n, k)"),
    "Piecewise": (_piecewise, 1, _MANY, "Piecewise((expr, cond), ...)"),
    "diff": (_diff, 2, 12, "diff(expr, x), diff(expr, x, n) or diff(expr, x, y)"),
    "integrate": (_integrate, 2, 6, "integrate(expr, x) or integrate(expr, (x, a, b))"),
    "Sum": (_sum_product(sympy.Sum), 2, 6, "Sum(expr, (k, a, b))"),
    "Product": (_sum_product(sympy.Product), 2, 6, "Product(expr, (k, a, b))"),
    "limit": (_limit, 3, 4, "limit(expr, x, x0) or limit(expr, x, x0, '+')"),
    "subs": (_subs, 3, 3, "subs(expr, x, value)"),
    "Matrix": (_matrix, 1, 1, "Matrix([[a, b], [c, d]]) or Matrix([a, b])"),
    "eye": (_eye, 1, 2, "eye(n)"),
    "zeros": (_zeros, 1, 2, "zeros(n, m)"),
    "ones": (_ones, 1, 2, "ones(n, m)"),
    "transpose": (_transpose, 1, 1, "transpose(A)"),
    "inverse": (_inverse, 1, 1, "inverse(A)"),
    "trace": (_trace, 1, 1, "trace(A)"),
    "det": (_det, 1, 1, "det(A)"),
    "hessian": (_hessian, 2, 2, "hessian(f, (x, y))"),
    "jacobian": (_jacobian, 2, 2, "jacobian((f1, f2), (x, y))"),
    "eigenvals": (_eigenvals, 1, 1, "eigenvals(A)"),
    "E": (_expectation, 1, 1, "E(expr)"),
    "KL": (_divergence(KL), 2, 2, "KL(P, Q)"),
    "JS": (_divergence(JS), 2, 2, "JS(P, Q)"),
    "W1": (_divergence(W1), 2, 2, "W1(P, Q)"),
    **{
        name: (_distribution(cls), len(cls.params), len(cls.params), f"{name}({', '.join(cls.params)})")
        for name, cls in DISTRIBUTIONS.items()
    },
}

_KEYWORDS = {("limit", "dir")}


# ---------------------------------------------------------------------------------------
# Public entry points.


def parse_expression(text: str, table: SymbolTable) -> Any:
    """Parse ``text`` in derive's expression language into a sympy object.

    Undeclared names are declared in ``table`` as real symbols. Returns a sympy expression,
    an ``ImmutableMatrix``, a ``FiniteSet`` or a `Distribution`.

    >>> parse_expression("diff(log(1 - sigmoid(a)), a)", SymbolTable()).rewrite(sympy.exp).simplify()
    -1/(exp(-a) + 1)
    """
    source = _Source(text)
    tree = _parse_tree(source)
    builder = _Builder(source, table)
    try:
        return builder.build(tree.body, 0, False)
    except RecursionError:
        msg = "expression is too deeply nested to build"
        raise ParseError(msg, text=_short(source.text, 80)) from None


def parse_distribution(text: str, table: SymbolTable) -> Distribution:
    """Parse a distribution such as ``"Normal(mu, sigma**2)"``."""
    value = parse_expression(text, table)
    if not isinstance(value, Distribution):
        names = ", ".join(DISTRIBUTIONS)
        msg = f"{_short(text)!r} is not a distribution; expected one of {names}, e.g. Normal(0, 1)"
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
                msg = f"more than one {marker!r} in {_short(text)!r}; a claim has one relation"
                raise ParseError(msg, text=text, token=marker, column=hits[1])
            lhs, rhs = text[: hits[0]], text[hits[0] + len(marker) :]
            for side in (lhs, rhs):
                body = _parse_tree(_Source(side)).body
                if isinstance(body, ast.Compare):
                    msg = f"more than one relation in {_short(text)!r}; a claim has one relation"
                    raise ParseError(msg, text=text, token=marker, column=hits[0])
            return lhs.strip(), relation, rhs.strip()
    source = _Source(text)
    body = _parse_tree(source).body
    if not isinstance(body, ast.Compare):
        msg = f"no relation in {_short(text)!r}; write lhs == rhs (or <=, >=, <, >)"
        raise ParseError(msg, text=text)
    if len(body.ops) != 1:
        msg = f"chained relation in {_short(text)!r}; a claim has one relation (split it into two claims)"
        raise ParseError(msg, text=text, column=source.column(body))
    relation = _RELATIONS.get(type(body.ops[0]))
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
    for name, _ in claim.symbols:
        check_name(name)
    table = SymbolTable(claim.symbols)
    random: list[tuple[Any, Distribution]] = []
    for name, value in claim.random:
        check_name(name)
        if isinstance(value, Distribution):
            dist = _adopt(value, table, f"random variable {name!r}")
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
        random.append((_declare_random(table, name, dist), dist))
    lhs = _side(claim.lhs, table, "lhs")
    rhs = _side(claim.rhs, table, "rhs")
    return Problem(lhs, rhs, claim.relation, table, tuple(random), claim.tolerance)


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


def _side(value: Any, table: SymbolTable, where: str) -> Any:
    try:
        result = _side_value(value, table)
    except ParseError as exc:
        exc.message = f"{where}: {exc.message}"
        exc.args = (exc.message,)
        raise
    if isinstance(result, Distribution):
        msg = f"{where}: {result} is a distribution, not a value; compare divergences or expectations instead"
        raise ParseError(msg)
    return result


def _side_value(value: Any, table: SymbolTable) -> Any:
    if isinstance(value, str):
        return parse_expression(value, table)
    if isinstance(value, LatexSource):
        from derive.latex_notation import parse_latex  # noqa: PLC0415 - optional front end, loaded on use

        return parse_latex(value.text, table)
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


def _kind_from_assumptions(sym: sympy.Symbol) -> SymbolKind:
    if sym.is_integer:
        return SymbolKind("positive integer" if sym.is_positive else "integer")
    for base in ("positive", "nonnegative", "negative"):
        if getattr(sym, f"is_{base}"):
            return SymbolKind(base)
    return SymbolKind("real")


def _adopt(value: Any, table: SymbolTable, what: str) -> Any:
    """Replace the free symbols of a Python-built object by the table's objects of the same name.

    Undeclared symbols are declared from their own assumptions (``Symbol('s', positive=True)``
    becomes a ``positive`` symbol; a plain ``Symbol('x')`` becomes real, like any undeclared
    name), and ``MatrixSymbol('A', 2, 2)`` becomes the explicit matrix of its declaration.
    """
    value = _freeze(value)
    mapping: dict[Any, Any] = {}
    free = value.free_symbols if hasattr(value, "free_symbols") else set()
    matrix_symbols = value.atoms(sympy.MatrixSymbol) if isinstance(value, sympy.Basic) else set()
    for ms in matrix_symbols:
        name = ms.name
        check_name(name)
        rows, cols = int(ms.rows), int(ms.cols)
        if name not in table:
            table.declare(name, SymbolKind("vector", rows, 1) if cols == 1 else SymbolKind("matrix", rows, cols))
        obj = table[name].obj
        if not _is_matrix(obj) or obj.shape != (rows, cols):
            msg = f"{what}: {name} is a {rows}x{cols} MatrixSymbol but is declared '{table[name].kind}'"
            raise ParseError(msg, token=name)
        mapping[ms] = obj
    for sym in free:
        if not isinstance(sym, sympy.Symbol) or sym in mapping or sym in table_entries(table):
            continue
        name = sym.name
        if name not in table:
            check_name(name)
            table.declare(name, _kind_from_assumptions(sym))
        obj = table[name].obj
        if _is_matrix(obj):
            msg = f"{what}: {name} is a scalar Symbol but is declared '{table[name].kind}'; use MatrixSymbol"
            raise ParseError(msg, token=name)
        if obj != sym:
            mapping[sym] = obj
    return _freeze(_safe_replace(value, mapping)) if mapping else value


def table_entries(table: SymbolTable) -> set[sympy.Basic]:
    """Every scalar symbol the table's declarations stand for (matrix entries included)."""
    out: set[sympy.Basic] = set()
    for spec in table.values():
        if spec.kind.is_matrix:
            out.update(spec.entries)
    return out
