"""LaTeX for a claim side as its author wrote it, for the HTML report and notebook reprs.

Parsing a side with derive's parser evaluates it (``diff(x*y, x)`` becomes ``y``), which
would show a reader ``y = y`` instead of the step. This printer works on Python's syntax
tree of the *text* instead: `ast.parse` only builds the tree (nothing is evaluated or
executed), and a small whitelist of node types is printed; anything else gives None and the
caller shows the raw text. It is a display aid, never an input to the engine.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

__all__ = ["source_to_latex"]

_MAX_SOURCE = 4000

_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "lam",
    "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega",
    "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
}  # fmt: skip
_FUNCS = {
    "log": r"\log", "sin": r"\sin", "cos": r"\cos", "tan": r"\tan", "tanh": r"\tanh", "atan": r"\arctan",
    "det": r"\det", "trace": r"\operatorname{tr}", "erf": r"\operatorname{erf}", "sign": r"\operatorname{sign}",
    "sigmoid": r"\sigma", "softplus": r"\operatorname{softplus}", "logit": r"\operatorname{logit}",
    "Max": r"\max", "Min": r"\min", "Heaviside": r"H", "gamma": r"\Gamma", "eigenvals": r"\operatorname{eig}",
}  # fmt: skip
_DISTS = {"Normal": r"\mathcal{N}", "MultivariateNormal": r"\mathcal{N}", "Uniform": r"\mathcal{U}"}

_PREFIX = {"diff", "integrate", "Sum", "Product", "limit", "hessian"}

# Precedence: how tightly a printed node binds (higher binds tighter).
_ADD, _MUL, _NEG, _POW, _ATOM = 1, 2, 3, 4, 5


class _UnsupportedError(Exception):
    pass


def source_to_latex(text: str) -> str | None:
    r"""LaTeX for an expression in derive's language, or None when it cannot be printed.

    >>> print(source_to_latex("diff(log(1 - sigmoid(a)), a)"))
    \frac{\partial}{\partial a}\log\left(1 - \sigma\left(a\right)\right)
    >>> source_to_latex("__import__('os').system('x')") is None
    True
    """
    if not isinstance(text, str) or len(text) > _MAX_SOURCE:
        return None
    try:
        tree = ast.parse(text.strip(), mode="eval")
        return _Printer().tex(tree.body)[0]
    except (SyntaxError, ValueError, IndexError, RecursionError, MemoryError, _UnsupportedError):
        return None


def _name(name: str) -> str:
    if name.startswith("_"):
        raise _UnsupportedError(name)
    # eps is how claim files spell the noise ε of the reparameterisation trick.
    special = {"pi": r"\pi", "oo": r"\infty", "I": "i", "lam": r"\lambda", "eps": r"\varepsilon"}
    if name in special:
        return special[name]
    trailing = re.fullmatch(r"([A-Za-z]+)(\d+)", name)
    if trailing and trailing.group(1) in _GREEK:  # mu1 -> mu_1: a Greek letter has no other spelling
        name = f"{trailing.group(1)}_{trailing.group(2)}"
    elif trailing:  # s2, w2, x1 print as written: s2 may be a variance, not s with index 2
        return rf"\mathit{{{name}}}"
    base, _, sub = name.partition("_")
    head = f"\\{base}" if base in _GREEK else (base if len(base) == 1 else rf"\mathrm{{{base}}}")
    return f"{head}_{{{_name(sub) if sub else ''}}}" if sub else head


def _paren(tex: str) -> str:
    return rf"\left({tex}\right)"


class _Printer:
    def tex(self, node: ast.AST) -> tuple[str, int]:
        if isinstance(node, ast.Name):
            return _name(node.id), _ATOM
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return str(node.value), _ATOM
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return rf"\text{{{node.value}}}", _ATOM
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = self.wrap(node.operand, _NEG)
            return ("-" if isinstance(node.op, ast.USub) else "+") + inner, _NEG
        if isinstance(node, ast.BinOp):
            return self.binop(node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            return self.call(node.func.id, node.args)
        if isinstance(node, (ast.Tuple, ast.List)):
            return _paren(", ".join(self.tex(e)[0] for e in node.elts)), _ATOM
        if isinstance(node, ast.Set):
            return r"\left\{" + ", ".join(self.tex(e)[0] for e in node.elts) + r"\right\}", _ATOM
        raise _UnsupportedError(type(node).__name__)

    def wrap(self, node: ast.AST, level: int) -> str:
        tex, prec = self.tex(node)
        return _paren(tex) if prec < level else tex

    def binop(self, node: ast.BinOp) -> tuple[str, int]:
        op = node.op
        if isinstance(op, ast.Add):
            left, right = self.tex(node.left)[0], self.tex(node.right)[0]
            return (f"{left} - {right[1:]}" if right.startswith("-") else f"{left} + {right}"), _ADD
        if isinstance(op, ast.Sub):
            level = _POW if isinstance(node.right, ast.UnaryOp) else _MUL
            return f"{self.tex(node.left)[0]} - {self.wrap(node.right, level)}", _ADD
        if isinstance(op, ast.Div):
            return rf"\frac{{{self.tex(node.left)[0]}}}{{{self.tex(node.right)[0]}}}", _ATOM
        if isinstance(op, (ast.Mult, ast.MatMult)):
            left = self.wrap(node.left, _MUL)
            # A negative factor on the right gets parentheses: 0.6*(-1.4) is not "0.6 -1.4".
            right = self.wrap(node.right, _POW if isinstance(node.right, ast.UnaryOp) else _MUL)
            numeric_right = isinstance(node.right, (ast.Constant, ast.UnaryOp)) or right[:1].isdigit()
            return f"{left} \\cdot {right}" if numeric_right else f"{left} {right}", _MUL
        if isinstance(op, ast.Pow):
            base = self.wrap(node.left, _ATOM)
            return f"{base}^{{{self.tex(node.right)[0]}}}", _POW
        raise _UnsupportedError(type(op).__name__)

    def args(self, args: list[ast.expr]) -> list[str]:
        return [self.tex(a)[0] for a in args]

    def call(self, name: str, args: list[ast.expr]) -> tuple[str, int]:
        handler: Callable[[list[ast.expr]], str] | None = getattr(self, f"call_{name}", None)
        if handler is not None:
            # Prefix operators (d/dx, integrals, sums, limits) bind like a product.
            return handler(args), (_MUL if name in _PREFIX else _ATOM)
        parts = self.args(args)
        if name in _DISTS:
            return _DISTS[name] + _paren(", ".join(parts)), _ATOM
        head = _FUNCS.get(name)
        if head is None:
            head = _name(name)
        return head + _paren(", ".join(parts)), _ATOM

    # Calls with their own notation -------------------------------------------------------

    def call_exp(self, args: list[ast.expr]) -> str:
        return f"e^{{{self.args(args)[0]}}}"

    def call_sqrt(self, args: list[ast.expr]) -> str:
        return rf"\sqrt{{{self.args(args)[0]}}}"

    def call_Abs(self, args: list[ast.expr]) -> str:  # noqa: N802 - named after the function it prints
        return rf"\left|{self.args(args)[0]}\right|"

    def call_E(self, args: list[ast.expr]) -> str:  # noqa: N802
        return rf"\mathbb{{E}}\left[{', '.join(self.args(args))}\right]"

    def _divergence(self, label: str, args: list[ast.expr]) -> str:
        p, q = self.args(args)[:2]
        return rf"{label}\left({p} \,\|\, {q}\right)"

    def call_KL(self, args: list[ast.expr]) -> str:  # noqa: N802
        return self._divergence(r"D_{\mathrm{KL}}", args)

    def call_JS(self, args: list[ast.expr]) -> str:  # noqa: N802
        return self._divergence(r"D_{\mathrm{JS}}", args)

    def call_W1(self, args: list[ast.expr]) -> str:  # noqa: N802
        return r"W_1" + _paren(", ".join(self.args(args)))

    def call_diff(self, args: list[ast.expr]) -> str:
        f, *rest = args
        variables: list[str] = []
        for a in rest:
            if isinstance(a, ast.Constant) and isinstance(a.value, int) and variables:
                variables.extend([variables[-1]] * (a.value - 1))
            else:
                variables.append(self.tex(a)[0])
        variables = variables or ["x"]
        order = len(variables)
        top = r"\partial" if order == 1 else rf"\partial^{{{order}}}"
        groups: list[tuple[str, int]] = []
        for v in variables:
            if groups and groups[-1][0] == v:
                groups[-1] = (v, groups[-1][1] + 1)
            else:
                groups.append((v, 1))
        bottom = " ".join(rf"\partial {v}" if k == 1 else rf"\partial {v}^{{{k}}}" for v, k in groups)
        return rf"\frac{{{top}}}{{{bottom}}}" + self.wrap(f, _ATOM)

    def _bounds(self, spec: ast.expr) -> tuple[str, str | None, str | None]:
        if isinstance(spec, ast.Tuple) and len(spec.elts) == 3:
            v, lo, hi = self.args(spec.elts)
            return v, lo, hi
        return self.tex(spec)[0], None, None

    def call_integrate(self, args: list[ast.expr]) -> str:
        f, *specs = args
        out = ""
        for spec in specs:
            _, lo, hi = self._bounds(spec)
            out = out + (rf"\int_{{{lo}}}^{{{hi}}}" if lo is not None else r"\int") + " "
        tails = "".join(rf" \, d{self._bounds(s)[0]}" for s in reversed(specs))
        return out + self.tex(f)[0] + tails

    def _big(self, symbol: str, args: list[ast.expr]) -> str:
        f, spec = args[0], args[1]
        v, lo, hi = self._bounds(spec)
        return rf"{symbol}_{{{v}={lo}}}^{{{hi}}} " + self.wrap(f, _MUL)

    def call_Sum(self, args: list[ast.expr]) -> str:  # noqa: N802
        return self._big(r"\sum", args)

    def call_Product(self, args: list[ast.expr]) -> str:  # noqa: N802
        return self._big(r"\prod", args)

    def call_limit(self, args: list[ast.expr]) -> str:
        v, a = self.args(args[1:3])
        return rf"\lim_{{{v} \to {a}}} " + self.wrap(args[0], _MUL)

    def call_subs(self, args: list[ast.expr]) -> str:
        f, v, a = self.args(args)[:3]
        return rf"\left.{f}\right|_{{{v}={a}}}"

    def call_Matrix(self, args: list[ast.expr]) -> str:  # noqa: N802
        rows = args[0].elts if args and isinstance(args[0], (ast.List, ast.Tuple)) else []
        lines = []
        for row in rows:
            cells = row.elts if isinstance(row, (ast.List, ast.Tuple)) else [row]
            lines.append(" & ".join(self.args(cells)))
        return r"\begin{pmatrix}" + r" \\ ".join(lines) + r"\end{pmatrix}"

    def call_transpose(self, args: list[ast.expr]) -> str:
        return self.wrap(args[0], _ATOM) + r"^{\top}"

    def call_inverse(self, args: list[ast.expr]) -> str:
        return self.wrap(args[0], _ATOM) + r"^{-1}"

    def call_eye(self, args: list[ast.expr]) -> str:
        return f"I_{{{self.args(args)[0]}}}"

    def call_factorial(self, args: list[ast.expr]) -> str:
        return self.wrap(args[0], _ATOM) + "!"

    def call_binomial(self, args: list[ast.expr]) -> str:
        n, k = self.args(args)[:2]
        return rf"\binom{{{n}}}{{{k}}}"

    def call_hessian(self, args: list[ast.expr]) -> str:
        return r"\nabla^{2} " + self.wrap(args[0], _ATOM)

    def call_jacobian(self, args: list[ast.expr]) -> str:
        return r"J" + _paren(", ".join(self.args(args)))
