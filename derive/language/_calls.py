"""The function table of the expression language: name -> (handler, min args, max args, usage).

Each handler receives the `derive.language._grammar.Builder` (for errors with columns and argument
checks), the call node and the already-built arguments, and returns a sympy object.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import sympy

from derive.errors import ClaimError
from derive.language._exact import _binomial, _ceiling, _factorial, _floor, _gamma, is_matrix, safe_replace
from derive.language._indexed import entry_derivative
from derive.language.distributions import DISTRIBUTIONS, Distribution, MultivariateNormal
from derive.language.functions import JS, KL, ML_FUNCTIONS, W1, Expectation, logit, sigmoid, softplus
from derive.language.symbols import SymbolKind, SymbolSpec

if TYPE_CHECKING:
    from derive.language._grammar import Builder

__all__ = ["FUNCTIONS", "HeldDerivative", "derivative"]

_MAX_MATRIX_ENTRIES = 250_000


def _shape(m: Any) -> str:
    return f"{m.rows}x{m.cols}"


Handler = Callable[..., Any]


def _unary(func: Callable[[Any], Any], name: str) -> Handler:
    def handler(b: Builder, node: ast.Call, args: list[Any]) -> Any:
        return func(b.scalar(args[0], node.args[0], name))

    return handler


def _nary(func: Callable[..., Any], name: str) -> Handler:
    def handler(b: Builder, node: ast.Call, args: list[Any]) -> Any:
        return func(*(b.scalar(a, sub, name) for a, sub in zip(args, node.args, strict=True)))

    return handler


def _log(b: Builder, node: ast.Call, args: list[Any]) -> Any:
    x = b.scalar(args[0], node.args[0], "log")
    if len(args) == 2:
        return sympy.log(x, b.scalar(args[1], node.args[1], "log"))
    return sympy.log(x)


def _piecewise(b: Builder, node: ast.Call, args: list[Any]) -> Any:
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


def _diff(b: Builder, node: ast.Call, args: list[Any]) -> Any:
    expr = b.value(args[0], node.args[0], "diff")
    rest = args[1:]
    if len(rest) == 1 and is_matrix(rest[0]) and rest[0].shape != (1, 1):
        # Gradient with respect to a vector or matrix symbol: the matrix of partial
        # derivatives, shaped like the variable (d/dx x^T A x = (A + A^T) x).
        f = b.scalar(expr, node.args[0], "diff with respect to a vector or matrix")
        var = rest[0]
        if len(set(var)) < len(var):
            return _gradient_in_repeated(b, node, var)
        return sympy.ImmutableMatrix(var.rows, var.cols, [derivative(f, e, b.random) for e in var])
    steps: list[sympy.Symbol] = []
    after_variable = False
    for a, sub in zip(rest, node.args[1:], strict=True):
        if isinstance(a, sympy.Integer) and after_variable:
            if not 0 <= int(a) <= 50:
                raise b.error("diff: the order of a derivative must be between 0 and 50 (column {col})", sub)
            var = steps.pop()
            steps.extend([var] * int(a))  # diff(f, x, 3) is three steps in x
            after_variable = False
        else:
            steps.append(b.variable(a, sub, "diff"))
            after_variable = True

    def apply(e: Any) -> Any:
        for var in steps:
            e = derivative(e, var, b.random)
        return e

    if is_matrix(expr):
        return expr.applyfunc(apply)
    return apply(expr)


def _gradient_in_repeated(b: Builder, node: ast.Call, var: Any) -> Any:
    """d f / d S for an spd matrix S, whose entries (i, j) and (j, i) are one symbol.

    Matrix calculus treats the entries as independent: d(x^T S x)/dS = x x^T, d log det S/dS
    = S^-1, d tr(A S)/dS = A^T. Differentiating in the shared symbol counts each off-diagonal
    entry twice, and halving is no cure (tr(A S) would give the symmetric part of A^T). So
    f is built again from its syntax tree with S standing for a matrix of independent
    symbols, differentiated entry by entry, and the entries are read back as S's.
    """
    sub = node.args[1]
    spec = b.table.get(sub.id) if isinstance(sub, ast.Name) else None
    if spec is None or spec.kind.base != "spd" or spec.obj != var:
        msg = (
            "diff: the variable at column {col} has repeated entries, so its partial derivatives are not"
            " defined; differentiate with respect to a declared spd matrix by its name, or a matrix of"
            " distinct symbols"
        )
        raise b.error(msg, sub)
    name, n = spec.name, var.rows
    entries = set(var)
    general = sympy.ImmutableMatrix(
        n, n, lambda i, j: sympy.Dummy(f"{name}[{i + 1},{j + 1}]", **({"positive": True} if i == j else {"real": True}))
    )
    f = b.scalar(b.rebuild(node.args[0], SymbolSpec(name, SymbolKind("matrix", n, n), general)), node.args[0], "diff")
    tied = [
        _short(str(obj[0]).partition("[")[0] if is_matrix(obj) else str(obj), 30)
        for obj, dist in b.random
        if entries & (dist.free_symbols | set(obj if is_matrix(obj) else (obj,)))
    ]
    if (tied and f.has(Expectation, HeldDerivative)) or entries & f.free_symbols:
        # The distributions of Problem.random were read with S itself, and no substitution
        # can separate S[i,j] from S[j,i] inside them.
        msg = (
            f"diff with respect to the spd matrix {name} at column {{col}}: {name} is random or sets the"
            f" distribution of {', '.join(tied) or 'a random variable'}, so the entries of {name} cannot be"
            " taken apart inside E(...); write the expectation in closed form first"
        )
        raise b.error(msg, sub)
    back = dict(zip(general, var, strict=True))
    return sympy.ImmutableMatrix(n, n, [safe_replace(derivative(f, e, b.random), back) for e in general])


class HeldDerivative(sympy.Function):
    """``d/dvar expr`` kept whole: ``expr`` has an expectation whose distribution moves with ``var``
    and no closed form was found for it when the claim was read.

    The claim is valid, so it must not be an input error; nor may the derivative be guessed.
    The node is opaque to every rule that could guess it: sympy's chain rule never passes
    through it (its derivative is another held derivative), ``doit`` leaves it alone, and it
    has no numeric value, so the numeric tier declines with `reason`. It never differentiates
    its argument later, even once no E(...) is left inside: the symbolic tier replaces
    expectations by opaque symbols while it simplifies, and d/dθ of such a symbol is not 0.
    """

    nargs = 2

    @classmethod
    def eval(cls, expr: sympy.Expr, var: sympy.Symbol) -> None:
        return None

    @property
    def reason(self) -> str:
        expr, var = self.args
        return (
            f"d/d{var} of {_short(expr)}: a distribution inside E(...) depends on {var}, so the derivative"
            " does not pass inside, and the expectation has no closed form here"
        )

    def _eval_derivative(self, s: sympy.Symbol) -> sympy.Expr:
        return HeldDerivative(self, s)

    def _sympystr(self, printer: Any) -> str:
        expr, var = self.args
        return f"diff({printer.doprint(expr)}, {printer.doprint(var)})"

    def _latex(self, printer: Any, exp: Any = None) -> str:
        expr, var = self.args
        tex = rf"\frac{{\partial}}{{\partial {printer.doprint(var)}}}\left({printer.doprint(expr)}\right)"
        return tex if exp is None else rf"\left({tex}\right)^{{{exp}}}"


def _short(expr: Any, limit: int = 60) -> str:
    text = str(expr)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def derivative(expr: Any, var: sympy.Symbol, random: Sequence[tuple[Any, Distribution]] = ()) -> Any:
    """d expr / d var, with E(...) treated as the integral it is, not as a function.

    sympy would differentiate E(f) by the chain rule like any function, E'(f) * df/dvar.
    ``random`` is ``Problem.random``: the random variables and their distributions. An
    expectation integrates its random variables out, so its derivative with respect to one
    of them is 0. For a parameter θ that no distribution mentions, d/dθ E[f] = E[df/dθ]
    (differentiation under the integral sign). When θ moves a distribution (x ~ N(θ, 1))
    the gradient does not pass inside: the expectation is evaluated in closed form first,
    and if it has none the derivative is kept whole as a `HeldDerivative`, never guessed
    (the claim is then undecided, with the reason).
    """
    entry = entry_derivative(expr, var)
    if entry is not None:
        raise ClaimError(entry)
    moving = [str(obj) for obj, dist in random if var in dist.free_symbols]
    if isinstance(expr, sympy.Basic) and expr.has(HeldDerivative):
        # A held derivative is no function of the values inside it: hold this one too,
        # unless var cannot change anything in it.
        return HeldDerivative(expr, var) if (moving or var in expr.free_symbols) else sympy.S.Zero
    marks: dict[Any, sympy.Dummy] = {}
    if isinstance(expr, sympy.Basic):
        found = expr.atoms(Expectation)
        outer = [e for e in found if not any(o is not e and o.has(e) for o in found)]
        marks = {e: sympy.Dummy("E") for e in outer}
    if not marks:
        return sympy.diff(expr, var)
    entries = {e for obj, _ in random for e in (obj if is_matrix(obj) else (obj,))}
    if moving and var not in entries:
        from derive.tiers.expectation import evaluate_expectations, has_expectation  # noqa: PLC0415 - engine module

        closed = evaluate_expectations(expr, random)
        if has_expectation(closed):
            return HeldDerivative(expr, var)
        return sympy.diff(closed, var)
    plain = expr.xreplace(marks)
    total = sympy.diff(plain, var)
    if var not in entries:
        for e, mark in marks.items():
            inner = derivative(e.args[0], var, random)
            if inner != 0:
                total += sympy.diff(plain, mark) * Expectation(inner)
    return total.xreplace({mark: e for e, mark in marks.items()})


def _integrate(b: Builder, node: ast.Call, args: list[Any]) -> Any:
    expr = b.value(args[0], node.args[0], "integrate")
    lims = [b.limits(a, sub, "integrate") for a, sub in zip(args[1:], node.args[1:], strict=True)]
    if is_matrix(expr):
        return expr.applyfunc(lambda e: sympy.Integral(e, *lims))
    return sympy.Integral(expr, *lims)


def _sum_product(cls: type) -> Handler:
    name = cls.__name__

    def handler(b: Builder, node: ast.Call, args: list[Any]) -> Any:
        expr = b.scalar(args[0], node.args[0], name)
        lims = []
        for a, sub in zip(args[1:], node.args[1:], strict=True):
            if not isinstance(a, tuple):
                raise b.error(f"{name} takes limits (k, a, b), e.g. {name}(k**2, (k, 1, n)); column {{col}}", sub)
            lims.append(b.limits(a, sub, name))
        return cls(expr, *lims)

    return handler


def _limit(b: Builder, node: ast.Call, args: list[Any], dir: Any = None) -> Any:
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


def _subs(b: Builder, node: ast.Call, args: list[Any]) -> Any:
    expr = b.value(args[0], node.args[0], "subs")
    old, new = args[1], b.value(args[2], node.args[2], "subs")
    if is_matrix(old) and old.shape != (1, 1):
        if not is_matrix(new) or new.shape != old.shape:
            raise b.error(f"subs: replace a {_shape(old)} symbol by a {_shape(old)} matrix (column {{col}})", node)
        mapping: dict[Any, Any] = {}
        for o, n in zip(old, new, strict=True):
            mapping.setdefault(b.variable(o, node.args[1], "subs"), n)
    else:
        mapping = {b.variable(old, node.args[1], "subs"): b.scalar(new, node.args[2], "subs")}
    return safe_replace(expr, mapping)


def _matrix(b: Builder, node: ast.Call, args: list[Any]) -> Any:
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


def _dims(b: Builder, node: ast.Call, args: list[Any], name: str) -> tuple[int, int]:
    dims = []
    for a in args:
        if not isinstance(a, sympy.Integer) or a < 1:
            raise b.error(f"{name}: sizes must be positive integers (column {{col}})", node)
        dims.append(int(a))
    n, m = (dims[0], dims[0]) if len(dims) == 1 else (dims[0], dims[1])
    if n * m > _MAX_MATRIX_ENTRIES:
        raise b.error(f"{name}({n}, {m}) at column {{col}} is too large (at most {_MAX_MATRIX_ENTRIES} entries)", node)
    return n, m


def _eye(b: Builder, node: ast.Call, args: list[Any]) -> Any:
    n, m = _dims(b, node, args, "eye")
    return sympy.ImmutableMatrix(sympy.eye(n, m))


def _zeros(b: Builder, node: ast.Call, args: list[Any]) -> Any:
    n, m = _dims(b, node, args, "zeros")
    return sympy.ImmutableMatrix(sympy.zeros(n, m))


def _ones(b: Builder, node: ast.Call, args: list[Any]) -> Any:
    n, m = _dims(b, node, args, "ones")
    return sympy.ImmutableMatrix(sympy.ones(n, m))


def _matrix_arg(b: Builder, node: ast.Call, args: list[Any], name: str, *, square: bool) -> Any:
    m = b.value(args[0], node.args[0], name)
    if is_matrix(m) and square and m.rows != m.cols:
        raise b.error(f"shapes do not fit: {name} of a non-square {_shape(m)} matrix (column {{col}})", node)
    return m


def _transpose(b: Builder, node: ast.Call, args: list[Any]) -> Any:
    m = _matrix_arg(b, node, args, "transpose", square=False)
    return m.T if is_matrix(m) else m


def _inverse(b: Builder, node: ast.Call, args: list[Any]) -> Any:
    return b.inverse(_matrix_arg(b, node, args, "inverse", square=True), node)


def _trace(b: Builder, node: ast.Call, args: list[Any]) -> Any:
    m = _matrix_arg(b, node, args, "trace", square=True)
    return m.trace() if is_matrix(m) else m


def _det(b: Builder, node: ast.Call, args: list[Any]) -> Any:
    m = _matrix_arg(b, node, args, "det", square=True)
    return m.det(method="berkowitz") if is_matrix(m) else m


def _hessian(b: Builder, node: ast.Call, args: list[Any]) -> Any:
    f = b.scalar(args[0], node.args[0], "hessian")
    return sympy.hessian(f, b.variables(args[1], node.args[1], "hessian"))


def _jacobian(b: Builder, node: ast.Call, args: list[Any]) -> Any:
    fs = args[0]
    if is_matrix(fs):
        funcs = list(fs)
    elif isinstance(fs, (tuple, list)):
        funcs = [b.scalar(f, node.args[0], "jacobian") for f in fs]
    else:
        funcs = [b.scalar(fs, node.args[0], "jacobian")]
    return sympy.Matrix(funcs).jacobian(b.variables(args[1], node.args[1], "jacobian"))


def _eigenvals(b: Builder, node: ast.Call, args: list[Any]) -> Any:
    m = _matrix_arg(b, node, args, "eigenvals", square=True)
    if not is_matrix(m):
        return sympy.FiniteSet(m)
    return sympy.FiniteSet(*m.eigenvals())


def _expectation(b: Builder, node: ast.Call, args: list[Any]) -> Any:
    v = b.value(args[0], node.args[0], "E")
    if is_matrix(v):
        if v.shape == (1, 1):
            return Expectation(v[0, 0])
        # The expectation of a random vector or matrix is taken entry by entry.
        return v.applyfunc(Expectation)
    return Expectation(v)


def _divergence(cls: type) -> Handler:
    name = cls.__name__

    def handler(b: Builder, node: ast.Call, args: list[Any]) -> Any:
        for a, sub in zip(args, node.args, strict=True):
            if not isinstance(a, Distribution):
                msg = f"{name} takes two distributions, e.g. {name}(Normal(0, 1), Normal(mu, s2)); column {{col}}"
                raise b.error(msg, sub)
        return cls(*args)

    return handler


def _distribution(cls: type[Distribution]) -> Handler:
    def handler(b: Builder, node: ast.Call, args: list[Any]) -> Any:
        values = []
        for a, sub in zip(args, node.args, strict=True):
            if cls is MultivariateNormal and isinstance(a, (list, tuple)):
                a = _matrix(b, node, [a])  # noqa: PLW2901 - a list is the textbook way to write a vector
            elif isinstance(a, (list, tuple)):
                a = [b.scalar(e, sub, cls.__name__) for e in a]  # noqa: PLW2901
            elif not is_matrix(a):
                a = b.scalar(a, sub, cls.__name__)  # noqa: PLW2901
            values.append(a)
        return cls(*values)

    return handler


_SCALAR_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "exp": sympy.exp,
    "sqrt": sympy.sqrt,
    "Abs": sympy.Abs,
    "sign": sympy.sign,
    "floor": _floor,
    "ceiling": _ceiling,
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "tanh": sympy.tanh,
    "asin": sympy.asin,
    "acos": sympy.acos,
    "atan": sympy.atan,
    "asinh": sympy.asinh,
    "acosh": sympy.acosh,
    "atanh": sympy.atanh,
    "erf": sympy.erf,
    "erfc": sympy.erfc,
    "erfi": sympy.erfi,
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
    **ML_FUNCTIONS,
    **{
        name: (_distribution(cls), len(cls.params), len(cls.params), f"{name}({', '.join(cls.params)})")
        for name, cls in DISTRIBUTIONS.items()
    },
}

_KEYWORDS = {("limit", "dir")}
