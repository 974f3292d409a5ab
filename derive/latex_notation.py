"""The machine-learning notation profile: one LaTeX fragment (a side of a step) -> sympy.

derive reads LaTeX with its own small recursive-descent parser rather than a general
LaTeX-to-sympy converter (the README's "Why derive has its own LaTeX reader" compares it
with latex2sympy2 and latex2sympy2-extended): ML texts need ``\\log`` to be natural, ``\\sigma(a)``
to be the sigmoid, ``|\\Sigma|`` to be a determinant, ``E_{x\\sim\\mathcal{N}(\\mu,\\sigma^2)}[...]``
to be an expectation with its random variable, and transposes of declared vectors to
survive; and input is untrusted, so nothing here evaluates text.

Every name comes from the `SymbolTable` (so declared kinds, matrices included, apply).
Names: a command loses its backslash and subscripts join with ``_`` (``\\Sigma_1`` is
``Sigma_1``, ``p_{data}`` is ``p_data``, ``\\hat{x}`` is ``x_hat``, ``D^*`` is ``D_star``).
Unknown functions (``p(x)``, ``q_\\phi(z|x)``) become undefined sympy functions; expectations
over a distribution derive cannot name (``\\mathbb{E}_p[...]``) become an opaque function
``E_p(...)``, which no tier can evaluate, so such steps end undecided rather than wrong,
unless the document binds the density p to a random variable (``densities:``, see
`parse_latex`).

Divergences of densities derive cannot name are their definitions: ``D_{KL}(p\\|q)`` is
∫ p(x) log(p(x)/q(x)) dx (over R^n for a declared vector x) and ``D_{JS}`` is ½KL(p‖m) +
½KL(q‖m) with m = (p + q)/2; divergences of named distributions (``\\mathcal{N}(0, 1)``) stay
KL/JS for the engine's closed forms. Literal zeros in a KL term follow information
theory's conventions (``0 \\log\\frac{0}{q} = 0``, ``\\log 0 = -\\infty``, ``\\log\\frac{p}{0} = +\\infty``
for a number p > 0); ``\\int p(x) (...)`` without ``dx`` integrates over the one variable its
unknown functions share.

Binders bind their variable: inside a limit, integral, derivative, expectation, sum or product
over y, an earlier definition of y (an evaluation bar's ``y := 3``) does not apply, and a
definition that uses y is read again there with y free; a derivative by a defined y is then
evaluated at y's value. `derivative_constants` says which undeclared names the derivatives of
a side treat as constants, and `ambiguous_readings` which notation has a second plausible
reading (``K(\\sigma)``: K·σ or a function K); `derive.latex_context.settle` uses both.

Random variables found in ``E_{x\\sim D}[...]`` subscripts are declared in the table and
reported through `random_variables(table)` (and the optional ``random`` mapping argument),
so that the caller can put them into `derive.model.Problem.random`.
"""

from __future__ import annotations

import contextlib
import functools
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from typing import Any

import sympy
from sympy import S
from sympy.core.function import AppliedUndef

from derive._exact import _binomial, _factorial, _power, is_huge, safe_replace
from derive.distributions import (
    Bernoulli,
    Beta,
    Categorical,
    Distribution,
    Exponential,
    Gamma,
    Gumbel,
    MultivariateNormal,
    Normal,
    Uniform,
)
from derive.errors import DeriveError, LatexError
from derive.functions import JS, KL, Expectation, sigmoid
from derive.symbols import SymbolKind, SymbolTable

__all__ = [
    "HOSTILE_COMMANDS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "ambiguous_readings",
    "brace_end",
    "definition_target",
    "derivative_constants",
    "identity_sizes",
    "latex_of_name",
    "mentions",
    "name_of",
    "names_in",
    "notation_readings",
    "parse_latex",
    "random_variables",
    "transposed_names",
]

#: Longest fragment read; longer input is rejected at once (a side is rarely over 2 000 chars).
MAX_LENGTH = 20_000
#: Deepest nesting of braces, brackets and parentheses.
MAX_DEPTH = 60
_MAX_TOKENS = 3_000
_MAX_DIGITS = 200
_MAX_ORDER = 20
_EXPLICIT_INVERSE = 3  # explicit symbolic inverses up to this size; larger stay Inverse(M)

#: Commands that read files, run programs or redefine the language: always refused.
HOSTILE_COMMANDS = frozenset(
    {
        "input", "include", "includeonly", "InputIfFileExists", "write", "write18", "immediate", "openout",
        "openin", "read", "readline", "closeout", "closein", "def", "edef", "gdef", "xdef", "let", "futurelet",
        "newcommand", "renewcommand", "providecommand", "DeclareMathOperator", "newenvironment",
        "renewenvironment", "catcode", "csname", "endcsname", "expandafter", "usepackage", "RequirePackage",
        "documentclass", "makeatletter", "makeatother", "special", "directlua", "luaexec", "pdfshellescape",
        "ShellEscape", "loop", "repeat", "jobname", "verbatiminput", "lstinputlisting", "import", "subimport",
    }
)  # fmt: skip

# Spacing and sizing commands carry no mathematics.
_IGNORED = frozenset(
    {
        ",", ";", ":", "!", " ", "quad", "qquad", "displaystyle", "textstyle", "scriptstyle", "limits",
        "nolimits", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl",
        "Biggr", "bigm", "Bigm", "left", "right", "middle", "enspace", "thinspace", "medspace", "thickspace",
        "negthinspace", "mathstrut", "strut", "nonumber", "notag", "allowbreak",
    }
)  # fmt: skip

_GREEK = frozenset(
    {
        "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota",
        "kappa", "lambda", "mu", "nu", "xi", "rho", "varrho", "sigma", "varsigma", "tau", "upsilon", "phi",
        "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon",
        "Phi", "Psi", "Omega", "ell",
    }
)  # fmt: skip

_FONTS = frozenset(
    {
        "mathrm", "mathbf", "mathit", "mathsf", "mathtt", "mathbb", "mathcal", "mathfrak", "mathscr",
        "boldsymbol", "bm", "pmb", "operatorname", "text", "textrm", "textit", "textbf", "textsf", "mbox",
        "rm", "bf", "it", "mathnormal", "mathop",
    }
)  # fmt: skip
_ACCENTS = {
    "hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar", "tilde": "tilde", "widetilde": "tilde",
    "dot": "dot", "ddot": "ddot", "check": "check", "breve": "breve", "vec": "", "underline": "",
}  # fmt: skip
_FUNCS: dict[str, Callable[[sympy.Expr], sympy.Expr]] = {
    "log": sympy.log, "ln": sympy.log, "exp": sympy.exp, "sin": sympy.sin, "cos": sympy.cos,
    "tan": sympy.tan, "tanh": sympy.tanh, "sinh": sympy.sinh, "cosh": sympy.cosh, "arctan": sympy.atan,
    "arcsin": sympy.asin, "arccos": sympy.acos, "erf": sympy.erf, "sgn": sympy.sign, "sign": sympy.sign,
    "softplus": lambda x: sympy.log(1 + sympy.exp(x)), "sigmoid": sigmoid,
}  # fmt: skip
#: Letter runs read as one word when written without a backslash (``exp(x)``, ``tr\{A\}``, ``KL(p||q)``).
_WORDS = frozenset({"exp", "log", "ln", "tr", "Tr", "det", "KL", "JS", "sin", "cos", "tan", "tanh", "sigmoid"})
_TRACE = frozenset({"tr", "Tr", "trace", "Trace"})
_KL_NAMES = {"KL": KL, "D_KL": KL, "JS": JS, "D_JS": JS, "JSD": JS, "D_JSD": JS}
_DISTS: dict[str, type[Distribution]] = {
    "N": Normal, "Normal": Normal, "Gaussian": Normal, "U": Uniform, "Uniform": Uniform, "Unif": Uniform,
    "Bern": Bernoulli, "Bernoulli": Bernoulli, "Exp": Exponential, "Exponential": Exponential,
    "Gumbel": Gumbel, "Beta": Beta, "Gamma": Gamma, "Cat": Categorical, "Categorical": Categorical,
}  # fmt: skip
#: Base letters that conventionally name functions: ``p(x)`` is an application, ``a(b+c)`` a product.
_FUNCTION_LETTERS = frozenset("fghpqrDFGLVPQJ") | {"phi", "psi", "varphi", "gamma", "pi_theta", "ell"}
# \\Phi(x) (the normal CDF, or a feature map), \\Psi, Var(X), Cov(X, Y), Pr(A): applications, not
# products; derive knows none of them, so steps through them stay undecided rather than wrong.
_FUNCTION_LETTERS |= {"Phi", "Psi", "Var", "Cov", "Corr", "Pr", "Prob", "Std"}
#: Operator names written as words (``\\mathrm{Var}[X]``, ``\\text{var}[x]``, ``\\operatorname{cov}(X, Y)``): read
#: as these unknown functions, applied to what follows in brackets or parentheses, never as factors.
_OPERATOR_NAMES = {
    "Var": "Var", "var": "Var", "Variance": "Var", "Cov": "Cov", "cov": "Cov", "Corr": "Corr", "corr": "Corr",
    "Std": "Std", "std": "Std", "SD": "Std",
}  # fmt: skip
_RELATIONS = frozenset({"le", "leq", "ge", "geq", "ne", "neq", "approx", "leqslant", "geqslant", "equiv", "sim"})
_ARROWS = frozenset(
    {"to", "rightarrow", "Rightarrow", "implies", "longrightarrow", "Longrightarrow", "iff", "Leftrightarrow"}
)
_MULTIPLY = frozenset({"cdot", "times", "ast", "cdotp"})
_ROUTINES = frozenset({"sum", "prod", "int", "lim", "frac", "dfrac", "tfrac", "cfrac", "sqrt", "binom"})


@dataclass(slots=True)
class _Tok:
    kind: str  # "cmd", "letter", "word", "num", "sym", "end"
    text: str
    pos: int

    def __repr__(self) -> str:
        return ("\\" if self.kind == "cmd" else "") + self.text


_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_COMMAND = re.compile(r"\\([A-Za-z]+|.)", re.DOTALL)
_LETTERS = re.compile(r"[A-Za-z]+")
_UNICODE_REL = {"≤": "<=", "≥": ">=", "≈": "~=", "≠": "!=", "·": "*", "×": "*", "−": "-", "∞": "oo"}


def _fail(text: str, why: str) -> LatexError:
    short = text if len(text) <= 80 else text[:77] + "..."
    return LatexError(f"cannot read LaTeX {short!r}: {why}", fragment=text)


def _tokenize(text: str) -> list[_Tok]:  # noqa: PLR0915 - one pass over the characters keeps it linear
    toks: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace() or c == "~":
            i += 1
            continue
        if c == "\\":
            m = _COMMAND.match(text, i)
            if m is None:  # a lone backslash at the end
                raise _fail(text, "a lone backslash at the end")
            name = m.group(1)
            i = m.end()
            if name == "write" and text.startswith("18", i):
                name = "write18"
            if name in HOSTILE_COMMANDS:
                raise _fail(
                    text, f"\\{name} is not allowed (derive never reads files, runs programs or defines macros)"
                )
            if name in _IGNORED:
                if name in ("left", "right", "middle", "bigl", "bigr", "Bigl", "Bigr") and i < n and text[i] == ".":
                    i += 1  # \left. is an invisible delimiter
                continue
            if name in ("{", "}"):
                toks.append(_Tok("sym", "\\" + name, m.start()))
            elif name == "|":
                toks.append(_Tok("sym", "‖", m.start()))
            elif name in ("lbrace", "rbrace", "lbrack", "rbrack", "langle", "rangle", "lvert", "rvert", "vert"):
                mapped = {"lbrace": "\\{", "rbrace": "\\}", "lbrack": "[", "rbrack": "]", "langle": "(",
                          "rangle": ")"}.get(name, "|")  # fmt: skip
                toks.append(_Tok("sym", mapped, m.start()))
            elif name in ("lVert", "rVert", "Vert", "parallel"):
                toks.append(_Tok("sym", "‖", m.start()))
            else:
                toks.append(_Tok("cmd", name, m.start()))
            continue
        if c.isdigit():
            m = _NUMBER.match(text, i)
            assert m is not None
            if len(m.group()) > _MAX_DIGITS:
                raise _fail(text, f"a number with more than {_MAX_DIGITS} digits")
            toks.append(_Tok("num", m.group(), i))
            i = m.end()
            continue
        if "A" <= c <= "z" and c.isalpha():
            m = _LETTERS.match(text, i)
            assert m is not None
            run = m.group()
            if run in _WORDS:
                toks.append(_Tok("word", run, i))
            else:
                toks.extend(_Tok("letter", ch, i + k) for k, ch in enumerate(run))
            i = m.end()
            continue
        if c in _UNICODE_REL:
            mapped = _UNICODE_REL[c]
            toks.append(_Tok("cmd", "infty", i) if mapped == "oo" else _Tok("sym", mapped, i))
            i += 1
            continue
        if c.isalpha():  # a Greek letter typed directly, or another script's letter
            uname = unicodedata.name(c, "")
            if uname.startswith("GREEK"):
                word = uname.split()[-1].lower()
                word = word.capitalize() if "CAPITAL" in uname else word
                toks.append(_Tok("cmd", word, i))
            else:
                toks.append(_Tok("letter", c, i))
            i += 1
            continue
        if c in "+-*/^_()[]{}|,;:!'=<>&.":
            toks.append(_Tok("sym", c, i))
            i += 1
            continue
        raise _fail(text, f"unexpected character {c!r} at column {i}")
    depth = 0
    for t in toks:
        if t.kind == "sym" and t.text in ("(", "[", "{", "\\{"):
            depth += 1
            if depth > MAX_DEPTH:
                raise _fail(text, f"brackets nested more than {MAX_DEPTH} deep")
        elif t.kind == "sym" and t.text in (")", "]", "}", "\\}"):
            depth -= 1
    if len(toks) > _MAX_TOKENS:
        raise _fail(text, f"more than {_MAX_TOKENS} tokens")
    return toks


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


# ----------------------------------------------------------------------------------------


def derivative_constants(
    text: str,
    table: SymbolTable,
    *,
    random: Mapping[str, Any] | None = None,
    densities: Mapping[str, str] | None = None,
    bound: frozenset[str] = frozenset(),
) -> tuple[frozenset[str], frozenset[str]]:
    """What the derivatives of one side assume: (the names they differentiate by, the names
    in their operands they treat as constants in those variables).

    The side is read as `parse_latex` reads it (definitions in its evaluation bar substituted)
    but nothing is evaluated. Names the table declares, random variables and names a binder
    binds are not constants here: declared names are independent variables. Raises
    `LatexError` when the side cannot be read.
    """
    notes: dict[str, set[str]] = {}
    table._latex_notes = notes  # type: ignore[attr-defined]
    try:
        parse_latex(text, table, random=dict(random or {}), densities=densities, bound=bound)
    finally:
        del table._latex_notes  # type: ignore[attr-defined]
    return frozenset(notes.get("variables", ())), frozenset(notes.get("constants", ()))


def random_variables(table: SymbolTable) -> dict[str, Distribution]:
    """The random variables `parse_latex` found in ``E_{x\\sim D}[...]`` subscripts of ``table``.

    Names map to `derive.distributions` objects; each name is declared in the table (a
    vector of the right size for a multivariate normal).
    """
    found = getattr(table, "_latex_random", None)
    return dict(found) if found else {}


def parse_latex(
    text: str,
    table: SymbolTable,
    *,
    random: MutableMapping[str, Any] | None = None,
    densities: Mapping[str, str] | None = None,
    bound: frozenset[str] = frozenset(),
) -> sympy.Basic:
    """Read one side of a step written in LaTeX under the ML notation profile.

    ``random``, when given, receives the random variables found in expectation subscripts
    (name -> distribution), and names already in it count as random variables for
    ``E_x[...]``. ``densities`` maps density names to the variable each is over; for the
    names in ``bound`` (whose distribution is ``random``'s entry for that variable),
    ``E_p[...]`` and ``E_{x \\sim p}[...]`` average over x, and inside them a bare density
    name over x is its value at the sample (``E_p[\\log p - \\log q]`` reads p(x), q(x)).
    Raises `LatexError` (with ``fragment`` set) for anything it cannot read, including file
    and shell commands, which it never executes.

    >>> t = SymbolTable({"a": "real"})
    >>> parse_latex(r"\\frac{\\partial}{\\partial a}\\log(1-\\sigma(a))", t)
    Derivative(log(1 - sigmoid(a)), a)
    """
    if not isinstance(text, str):
        raise LatexError(f"a LaTeX fragment must be text, not {type(text).__name__}", fragment=str(text)[:200])
    if len(text) > MAX_LENGTH:
        raise LatexError(f"LaTeX fragment of {len(text)} characters is longer than {MAX_LENGTH}", fragment=text[:200])
    if not text.strip():
        raise LatexError("empty LaTeX fragment: nothing to read on this side", fragment=text)
    scope = _Densities(dict(densities or {}), frozenset(bound))
    return _parse_text(text, table, random, {}, scope)


def _parse_text(
    text: str,
    table: SymbolTable,
    random: MutableMapping[str, Any] | None,
    definitions: dict[str, _Definition],
    densities: _Densities | None = None,
) -> Any:
    bar = _split_evaluation(text)
    if bar is not None:
        return _evaluate(bar[0], bar[1], text, table, random, definitions, densities)
    toks = _tokenize(text)
    # Per-table memory shared by the two sides of a step: random variables found in
    # subscripts, and names first seen as implicit reals (which do not count as declared).
    registry = getattr(table, "_latex_random", None)
    if registry is None:
        registry = {}
        table._latex_random = registry  # type: ignore[attr-defined]
    implicit = getattr(table, "_latex_implicit", None)
    if implicit is None:
        implicit = set()
        table._latex_implicit = implicit  # type: ignore[attr-defined]
    known = dict(registry)
    if random is not None:
        known.update(random)
    state = _State(
        table=table,
        text=text,
        random=known,
        found=registry,
        implicit=implicit,
        definitions=definitions,
        densities=densities or _Densities(),
    )
    try:
        result = _Parser(toks, state).parse_all()
    except LatexError:
        raise
    except DeriveError as exc:
        raise _fail(text, exc.message) from exc
    except (
        TypeError,
        ValueError,
        AttributeError,
        IndexError,
        KeyError,
        ZeroDivisionError,
        NotImplementedError,
        OverflowError,
    ) as exc:
        # sympy refuses some combinations (a matrix inside a scalar function, ...).
        raise _fail(text, f"{type(exc).__name__}: {str(exc)[:120]}") from exc
    except RecursionError as exc:
        raise _fail(text, "nested too deeply") from exc
    if random is not None:
        random.update(registry)
    return _checked(_scalar(result), text)


def _checked(result: Any, text: str) -> Any:
    if isinstance(result, sympy.Basic) and not _is_matrix(result):
        if result.has(S.NaN):
            raise _fail(text, "the expression is undefined (nan), e.g. 0·log 0 or 0/0 written out literally")
        if result.has(S.ComplexInfinity):
            raise _fail(text, "the expression divides by zero (complex infinity), e.g. log(1/0)")
    return result


@dataclass(frozen=True)
class _Densities:
    """Density names in scope (name -> the variable it is over) and those bound to ``random``."""

    over: dict[str, str] = field(default_factory=dict)
    bound: frozenset[str] = frozenset()

    def variable(self, name: str) -> str | None:
        """The variable a bound ``E_name`` averages over, or None."""
        return self.over.get(name) if name in self.bound else None


@dataclass(frozen=True)
class _Definition:
    """A name defined by an evaluation bar (``name := tex``): its value, read under the
    definitions before it, and its text, read again where a binder shadows a name it uses."""

    value: Any
    tex: str


@dataclass
class _State:
    table: SymbolTable
    text: str
    random: dict[str, Any]
    found: dict[str, Any]
    implicit: set[str]
    bound: tuple[str, ...] = ()
    definitions: dict[str, _Definition] = field(default_factory=dict)  # ``name := ...``
    #: Names a binder (limit, integral, derivative, expectation, sum, product) binds where the
    #: parser is: their definitions do not apply there (``E_{y \sim N(0,1)}[y^2]`` after ``y = 3``).
    shadow: frozenset[str] = frozenset()
    expanding: tuple[str, ...] = ()  # definitions being read again under a shadow (a cycle guard)
    #: Definitions read again under a shadow, by (name, shadow, bound, sample): a chain of
    #: definitions that each use the one before twice is read once per link, not 2^n times.
    reread: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    densities: _Densities = field(default_factory=_Densities)
    sample: str = ""  # inside a bound E_p[...]: the variable averaged over (bare densities over it are q(x))
    indexed: set[str] = field(default_factory=set)  # x_i read as an indexed term inside a sum or product


_END = _Tok("end", "", -1)


class _Shadow:
    """Context manager: names bound by a binder while its body is read, restored after."""

    def __init__(self, state: _State, names: frozenset[str]) -> None:
        self.state, self.names, self.saved = state, names, state.shadow

    def __enter__(self) -> None:
        self.state.shadow = self.saved | self.names

    def __exit__(self, *exc: object) -> None:
        self.state.shadow = self.saved


class _Parser:
    def __init__(self, toks: list[_Tok], state: _State, integral: int = 0) -> None:
        self.toks = toks
        self.i = 0
        self.st = state
        self.ar = _Arith(state.text)
        self.bars = 0  # > 0: a "|" ends the expression being read (inside |...| or p(z|x))
        self.integral = integral  # > 0: "d x" ends the integrand
        self.dist_context = False

    # -- names ----------------------------------------------------------------------------
    def symbol(self, name: str) -> Any:
        """The table's object for ``name``; names first seen here are remembered as implicit."""
        if name not in self.st.table:
            self.st.implicit.add(name)
        return self.st.table.symbol(name)

    def declared(self, name: str) -> bool:
        """Whether the user declared ``name`` (an implicit real from an earlier side does not count)."""
        return name in self.st.table and name not in self.st.implicit

    # -- token helpers ------------------------------------------------------------------
    def peek(self, k: int = 0) -> _Tok:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else _END

    def next(self) -> _Tok:
        t = self.peek()
        self.i += 1
        return t

    def at(self, kind: str, text: str | None = None, k: int = 0) -> bool:
        t = self.peek(k)
        return t.kind == kind and (text is None or t.text == text)

    def at_sym(self, *texts: str, k: int = 0) -> bool:
        t = self.peek(k)
        return t.kind == "sym" and t.text in texts

    def fail(self, why: str) -> LatexError:
        return _fail(self.st.text, why)

    def expect_sym(self, text: str) -> None:
        if not self.at_sym(text):
            t = self.peek()
            got = "the end" if t.kind == "end" else repr(t)
            raise self.fail(f"expected {text!r} but found {got}")
        self.i += 1

    def sub(self, toks: list[_Tok], *, keep_integral: bool = False) -> _Parser:
        p = _Parser(toks, self.st, self.integral if keep_integral else 0)
        p.dist_context = self.dist_context
        return p

    def group_tokens(self) -> list[_Tok]:
        """The tokens of a ``{...}`` group, or the single next token (``\\frac12``, ``x^2``)."""
        t = self.peek()
        if t.kind == "end":
            raise self.fail("a command is missing its argument")
        if t.kind == "sym" and t.text == "{":
            return self.balanced("{", "}")
        self.i += 1
        if t.kind == "num" and len(t.text) > 1 and "." not in t.text:
            # x^23 is x^2 * 3 in TeX: only the first digit is the argument
            self.toks.insert(self.i, _Tok("num", t.text[1:], t.pos + 1))
            return [_Tok("num", t.text[0], t.pos)]
        if t.kind == "cmd" and t.text in _FONTS | set(_ACCENTS):
            return [t, *self.group_tokens()] if self.at_sym("{") else [t]
        return [t]

    def balanced(self, open_: str, close: str) -> list[_Tok]:
        """Consume ``open_ ... close`` (nesting aware) and return the tokens inside."""
        self.expect_sym(open_)
        start, depth = self.i, 1
        opens, closes = {"{", "(", "[", "\\{"}, {"}", ")", "]", "\\}"}
        while True:
            t = self.peek()
            if t.kind == "end":
                raise self.fail(f"unbalanced {open_!r}: no matching {close!r}")
            if t.kind == "sym" and t.text in opens:
                depth += 1
            elif t.kind == "sym" and t.text in closes:
                depth -= 1
                if depth == 0:
                    if t.text != close:
                        raise self.fail(f"{open_!r} closed by {t.text!r}")
                    inner = self.toks[start : self.i]
                    self.i += 1
                    return inner
            self.i += 1

    # -- grammar ------------------------------------------------------------------------
    def parse_all(self) -> Any:
        value = self.expr()
        t = self.peek()
        if t.kind != "end":
            raise self.fail(self._unexpected(t))
        return value

    def _unexpected(self, t: _Tok) -> str:
        if (t.kind == "sym" and t.text in ("=", "<", ">", "<=", ">=", "~=", "!=")) or (
            t.kind == "cmd" and t.text in _RELATIONS | _ARROWS
        ):
            return f"a relation {t!r} inside one side (steps are split at relations before parsing)"
        if t.kind == "sym" and t.text == "&":
            return "a stray '&' (alignment marks belong between steps)"
        if t.kind == "sym" and t.text in (")", "]", "}", "\\}"):
            return f"unbalanced {t.text!r}"
        if t.kind == "sym" and t.text == ",":
            return "a ',' list where one expression was expected"
        return f"unexpected {t!r} at column {t.pos}"

    def expr(self) -> Any:
        value = self.signed_term()
        while self.at_sym("+", "-"):
            op = self.next().text
            right = self.term()
            value = self.ar.add(value, right if op == "+" else -right)
        return value

    def signed_term(self) -> Any:
        if self.at_sym("-"):
            self.i += 1
            return -self.term()
        if self.at_sym("+"):
            self.i += 1
        return self.term()

    def unary_factor(self) -> Any:
        if self.at_sym("-"):
            self.i += 1
            return -self.factor()
        if self.at_sym("+"):
            self.i += 1
        return self.factor()

    def term(self) -> Any:
        logged = self._at_log()
        value = self.factor()
        while True:
            t = self.peek()
            if (t.kind == "sym" and t.text == "*") or (t.kind == "cmd" and t.text in _MULTIPLY):
                self.i += 1
                right_logged = self._at_log()
                value = self._times(value, logged, self.unary_factor(), right_logged)
            elif (t.kind == "sym" and t.text == "/") or (t.kind == "cmd" and t.text == "div"):
                self.i += 1
                value = self.ar.div(value, self.unary_factor())
                right_logged = False
            elif self.starts_factor():
                right_logged = self._at_log()
                value = self._times(value, logged, self.factor(), right_logged)
            else:
                return value
            logged = right_logged

    def _at_log(self) -> bool:
        t = self.peek()
        return t.text in ("log", "ln") and t.kind in ("cmd", "word")

    def _times(self, left: Any, left_logged: bool, right: Any, right_logged: bool) -> Any:
        """``0 \\log\\frac{0}{q}`` and ``0 \\log\\frac{0}{0}`` are 0 (the convention that makes a
        KL term vanish where the first density does): a literal zero times a logarithm that is
        infinite or undefined. Any other product is the ordinary one."""
        undefined = (S.Infinity, S.NegativeInfinity, S.NaN, S.ComplexInfinity)
        if (left == 0 and right_logged and right in undefined) or (right == 0 and left_logged and left in undefined):
            return S.Zero
        return self.ar.mul(left, right)

    def at_differential(self, k: int = 0) -> bool:
        if self.integral <= 0:
            return False
        t = self.peek(k)
        is_d = (t.kind == "letter" and t.text == "d") or (
            t.kind == "cmd" and t.text in ("mathrm", "rm", "operatorname", "text") and self._font_word(k) == "d"
        )
        if not is_d:
            return False
        k2 = k + 1 if t.kind == "letter" else k + 1 + self._font_len(k)
        nxt = self.peek(k2)
        return nxt.kind == "letter" or (nxt.kind == "cmd" and (nxt.text in _GREEK or nxt.text in _FONTS))

    def _font_len(self, k: int) -> int:
        """Tokens taken by a font command's group at offset k (the command excluded)."""
        if not self.at_sym("{", k=k + 1):
            return 1
        depth, j = 0, k + 1
        while True:
            t = self.peek(j)
            if t.kind == "end":
                return j - k
            if t.kind == "sym" and t.text == "{":
                depth += 1
            elif t.kind == "sym" and t.text == "}":
                depth -= 1
                if depth == 0:
                    return j - k
            j += 1

    def _font_word(self, k: int) -> str:
        n = self._font_len(k)
        return "".join(t.text for t in self.toks[self.i + k + 1 : self.i + k + 1 + n] if t.kind != "sym")

    def starts_factor(self) -> bool:
        t = self.peek()
        if t.kind == "end" or self.at_differential():
            return False
        if t.kind in ("num", "letter", "word"):
            return True
        if t.kind == "sym":
            if t.text in ("|", "‖"):
                return self.bars == 0
            return t.text in ("(", "[", "{", "\\{")
        return t.kind == "cmd" and t.text not in _MULTIPLY | _RELATIONS | _ARROWS | {"div", "mid", "in", "\\"}

    def factor(self) -> Any:
        value = self.primary()
        return self.postfix(value)

    def postfix(self, value: Any) -> Any:
        while True:
            if self.at_sym("^"):
                self.i += 1
                value = self.superscript(value, self.group_tokens())
            elif self.at_sym("!"):
                self.i += 1
                value = _scalar(value)
                value = _factorial(value)
            elif self.at_sym("'"):
                raise self.fail("a prime ' after an expression (write the derivative with \\frac{d}{dx})")
            else:
                return value

    def superscript(self, base: Any, toks: list[_Tok]) -> Any:
        words = [t.text for t in toks if t.kind != "sym" or t.text not in "{}"]
        if words in (["T"], ["top"], ["intercal"], ["mathsf", "T"], ["mathrm", "T"]):
            return _transpose(base)
        if words == ["-", "1"]:
            return self.ar.inverse(base)
        exponent = self.sub(toks).parse_all()
        if _is_matrix(base) or _is_matrix(exponent):
            return self.ar.power(base, exponent)
        if base == S.Exp1:
            return sympy.exp(exponent)
        return self.ar.power(base, exponent)

    # -- primaries ----------------------------------------------------------------------
    def primary(self) -> Any:
        t = self.peek()
        if t.kind == "num":
            self.i += 1
            return sympy.Rational(t.text)
        if t.kind == "sym":
            return self.bracketed()
        if t.kind == "word":
            self.i += 1
            return self.word(t.text, "")
        if t.kind == "letter":
            self.i += 1
            return self.named(t.text, "")
        if t.kind == "cmd":
            self.i += 1
            return self.command(t.text)
        raise self.fail("an expression ends too early")

    def bracketed(self) -> Any:
        t = self.peek()
        pairs = {"(": ")", "[": "]", "{": "}", "\\{": "\\}"}
        if t.text in pairs:
            inner = self.balanced(t.text, pairs[t.text])
            if not inner:
                raise self.fail(f"empty {t.text}{pairs[t.text]}")
            p = self.sub(inner)
            value = p.expr()
            if p.at_sym(","):
                raise self.fail(
                    f"a point ({self._src(inner)}) is not a value; derive cannot tell which function is evaluated there"
                )
            if p.peek().kind != "end":
                raise self.fail(p._unexpected(p.peek()))
            return value
        if t.text == "|":
            self.i += 1
            self.bars += 1
            inner = self.expr()
            self.bars -= 1
            self.expect_sym("|")
            return _det(inner)
        if t.text == "‖":
            self.i += 1
            inner = self.expr()
            self.expect_sym("‖")
            if _is_matrix(inner):
                return sympy.sqrt(sum((e**2 for e in inner), S.Zero))
            return sympy.Abs(inner)
        raise self.fail(self._unexpected(t))

    def _src(self, toks: list[_Tok]) -> str:
        if not toks:
            return ""
        end = toks[-1].pos + len(toks[-1].text) + (1 if toks[-1].kind == "cmd" else 0)
        return self.st.text[toks[0].pos : end]

    def subscript_name(self) -> str:
        """The text of a subscript for a name: ``{data}`` -> ``data``, ``\\theta`` -> ``theta``."""
        toks = self.group_tokens()
        parts: list[str] = []
        for t in toks:
            if t.kind == "cmd" and (t.text in _FONTS or t.text in _ACCENTS):
                continue
            if t.kind == "sym" and t.text in "{}":
                continue
            if t.kind == "sym" and t.text == "_":
                parts.append("_")
                continue
            if t.kind == "cmd" and t.text not in _GREEK and t.text not in ("infty", "star", "ast", "prime"):
                raise self.fail(f"\\{t.text} in a subscript")
            parts.append(t.text)
        if not parts:
            raise self.fail("an empty subscript")
        return "".join(parts)

    def name_suffixes(self, name: str) -> str:
        while True:
            if self.at_sym("_"):
                self.i += 1
                name = f"{name}_{self.subscript_name()}"
            elif self.at_sym("^") and self._star_superscript():
                name = f"{name}_star"
            elif self.at_sym("'"):
                self.i += 1
                name = f"{name}_prime"
            else:
                return name

    def _star_superscript(self) -> bool:
        nxt = self.peek(1)
        if (nxt.kind == "sym" and nxt.text == "*") or (nxt.kind == "cmd" and nxt.text in ("ast", "star")):
            self.i += 2
            return True
        if nxt.kind == "sym" and nxt.text == "{":
            inner = self.peek(2)
            if (
                (inner.kind == "sym" and inner.text == "*") or (inner.kind == "cmd" and inner.text in ("ast", "star"))
            ) and (self.at_sym("}", k=3)):
                self.i += 4
                return True
        return False

    def named(self, base: str, font: str) -> Any:
        """A letter or Greek command, with its subscripts, then what it is applied to."""
        if (
            base == "E"
            and font in ("", "mathbb", "mathrm", "operatorname", "mathop")
            and (
                self.at_sym("_", "[")
                or (font == "mathbb" and self.at_sym("("))
                # E(X) of an undeclared E is an expectation too, never E times (X)
                or (self.at_sym("(") and not self.declared("E") and "E" not in self.st.definitions)
            )
            and "E" not in self.functions
        ):
            return self.expectation()
        if base == "sigma" and not font and self.at_sym("("):
            return self.ar.apply("sigmoid", sigmoid, self.call_args("sigma")[0][0])
        name = self.name_suffixes(base)
        if name == "sigma_prime" and not font and self.at_sym("(") and not self.declared("sigma"):
            # σ'(a): the sigmoid's derivative at a, σ(a)(1 - σ(a))
            a = _scalar(self.call_args(name)[0][0])
            return sigmoid(a) * (1 - sigmoid(a))
        if base == "Gamma" and name == "Gamma" and self.at_sym("(") and not self.declared(name):
            return sympy.gamma(_scalar(self.call_args(name)[0][0]))
        if name in _KL_NAMES and self.at_sym("("):
            return self.divergence(_KL_NAMES[name])
        if name in ("Var", "Cov", "Corr", "Std") and self.at_sym("[") and not self.declared(name):
            return self.operator_name(name)
        if font == "mathcal" and name in _DISTS and self.at_sym("(", "["):
            return self.distribution(name)
        if self.dist_context and name in _DISTS and self.at_sym("(", "["):
            return self.distribution(name)
        if name == "e" and not self.declared("e") and "e" not in self.functions:
            return S.Exp1
        if name == "delta" and self.at_sym("("):
            return sympy.DiracDelta(self.call_args(name)[0][0])
        if base == "I" and name.startswith("I_") and not self.declared(name):
            return self.identity(name[2:])
        if name in self.functions and self.at_sym("["):
            # H[x] of a name declared a function (functions:): the functional H applied to x
            arg = self.sub(self.balanced("[", "]")).parse_all()
            return sympy.Function(name)(*(list(arg) if _is_matrix(arg) else [arg]))
        if self.at_sym("(") and (name in self.functions or (not self.declared(name) and self.is_function(base, name))):
            args, given = self.call_args(name)
            func = sympy.Function(name)
            # p(x) of a declared vector x is a function of its entries
            flat = [list(_scalar(a)) if _is_matrix(_scalar(a)) else [_scalar(a)] for a in args]
            if any(isinstance(e, sympy.MatrixExpr) for part in flat for e in part):
                raise self.fail(f"a symbolic-size matrix argument to the unknown function {name}")
            before = [e for part in flat[: given or len(flat)] for e in part]
            if given:
                after = [e for part in flat[given:] for e in part]
                return func(*before, sympy.Function("given")(*after))
            return func(*before)
        if self.st.sample and self.st.densities.over.get(name) == self.st.sample and not self.declared(name):
            # E_p[log p - log q]: the densities at the sample, p(x) and q(x)
            var = self.symbol(self.st.sample)
            return sympy.Function(name)(*(list(var) if _is_matrix(var) else [var]))
        for bound in self.st.bound:
            if name.endswith("_" + bound) and name != bound:
                base = name[: -len(bound) - 1]
                self.st.indexed.add(name)
                # x_i of a declared positive x is positive too (log of a product splits); a
                # declaration of the written name itself (N_k: positive) comes first
                own = self._scalar_assumptions(name)
                assumptions = own if set(own) - {"real"} else self._scalar_assumptions(base)
                return sympy.Indexed(sympy.IndexedBase(base, **assumptions), self.symbol(bound))
        if name in self.st.indexed and name not in self.st.bound:
            raise self.fail(
                f"{name} appears outside the sum or product that binds its index: put the whole summand in "
                "brackets, \\sum_{i=1}^n [ ... ]"
            )
        if name in self.st.definitions and name not in self.st.bound and name not in self.st.shadow:
            return self.definition_value(name)
        return self.symbol(name)

    @property
    def functions(self) -> frozenset[str] | set[str]:
        """Names declared as functions (``functions:``, an evaluation bar's ``K(\\cdot)``)."""
        return getattr(self.st.table, "_latex_functions", frozenset())

    def definition_value(self, name: str) -> Any:
        """The value of a defined name where the parser is.

        A definition that uses a name a binder shadows here (``L := -y \\log \\hat{y}`` inside
        ``\\frac{\\partial}{\\partial \\hat{y}}`` after ``\\hat{y} := \\sigma(a)``) is read again from
        its text, so the bound name stays a variable inside it instead of taking its value.
        """
        d = self.st.definitions[name]
        hidden = self.st.shadow & self.st.definitions.keys()  # only a bound *defined* name reads differently
        if not hidden or name in self.st.expanding or not self._uses_shadowed(name, hidden):
            return d.value
        key = (name, self.st.shadow, self.st.bound, self.st.sample, self.st.expanding)
        if key not in self.st.reread:
            state = replace(self.st, text=d.tex, expanding=(*self.st.expanding, name))
            value = _Parser(_tokenize(d.tex), state).parse_all()
            self.st.indexed |= state.indexed
            self.st.reread[key] = _scalar(value)
        return self.st.reread[key]

    def _uses_shadowed(self, name: str, hidden: frozenset[str]) -> bool:
        """Whether the definition of ``name`` uses a name in ``hidden``, directly or through another definition."""
        seen: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            found = _names_of_text(self.st.definitions[current].tex)
            if found is None or found[1]:
                return True  # names derive cannot list: assume the worst and read it again
            if found[0] & hidden:
                return True
            todo += [n for n in found[0] if n in self.st.definitions]
        return False

    def shadowing(self, names: set[str] | frozenset[str]) -> _Shadow:
        """``with self.shadowing({"y"}):`` reads what follows with y bound (see `_State.shadow`)."""
        return _Shadow(self.st, frozenset(names))

    def operator_name(self, name: str) -> Any:
        """``\\mathrm{Var}[X]``, ``\\text{cov}(X, Y)``: an unknown function of the arguments."""
        close = {"(": ")", "[": "]"}[self.peek().text]
        inner = self.balanced(self.peek().text, close)
        if not inner:
            raise self.fail(f"{name} of nothing")
        q = self.sub(inner)
        q.bars += 1  # Var(X | Y): a bar is not an absolute value here (and is not read)
        args = [q.expr()]
        while q.at_sym(","):
            q.i += 1
            args.append(q.expr())
        if q.peek().kind != "end":
            raise self.fail(q._unexpected(q.peek()))
        flat = [e for a in args for e in (list(_scalar(a)) if _is_matrix(_scalar(a)) else [_scalar(a)])]
        return sympy.Function(name)(*flat)

    def _scalar_assumptions(self, base: str) -> dict[str, bool]:
        if not self.declared(base):
            return {}
        obj = self.st.table[base].obj
        if _is_matrix(obj):
            return {}
        return {k: True for k in ("positive", "nonnegative", "negative", "integer", "real") if getattr(obj, f"is_{k}")}

    def is_function(self, base: str, name: str) -> bool:
        if base in _FUNCTION_LETTERS or name.split("_", maxsplit=1)[0] in _FUNCTION_LETTERS:
            return True
        if name.endswith("_prime"):
            return True  # h'(x), \\phi'(t): a derivative of a function, never a product
        # f(a, b) and q(z|x) are applications whatever the letter
        depth, j = 0, 0
        while True:
            t = self.peek(j)
            if t.kind == "end":
                return False
            if t.kind == "sym" and t.text in ("(", "[", "{", "\\{"):
                depth += 1
            elif t.kind == "sym" and t.text in (")", "]", "}", "\\}"):
                depth -= 1
                if depth == 0:
                    return False
            elif depth == 1 and t.kind == "sym" and t.text in (",", "|"):
                return True
            j += 1

    def identity(self, size_text: str) -> Any:
        if size_text.isdigit():
            n = int(size_text)
            if not 1 <= n <= 12:
                raise self.fail(f"identity matrix I_{n} is too large")
            return sympy.ImmutableMatrix(sympy.eye(n))
        return sympy.Identity(self.symbol(size_text))

    def call_args(self, name: str) -> tuple[list[Any], int]:
        """``( a, b | c )``: the arguments, and the index where a conditional bar starts (0: none)."""
        self.expect_sym("(")
        self.bars += 1
        args: list[Any] = []
        given = 0
        while True:
            args.append(self.expr())
            if self.at_sym(","):
                self.i += 1
                continue
            if self.at_sym("|") and not given:
                self.i += 1
                given = len(args)
                continue
            break
        self.bars -= 1
        self.expect_sym(")")
        return args, given

    def word(self, word: str, font: str) -> Any:
        """A multi-letter operator name: tr, det, KL, exp, log, ..."""
        if word in _TRACE:
            return _trace(self.operand())
        if word == "det":
            return _det(self.operand())
        if word in ("KL", "JS", "JSD"):
            name = self.name_suffixes(word)
            if self.at_sym("("):
                return self.divergence(_KL_NAMES[word])
            return self.symbol(name)
        if word in ("log", "ln"):
            return self.logarithm()
        if word in _FUNCS:
            return self.ar.apply(word, _FUNCS[word], self.operand())
        if word in _DISTS and (font == "mathcal" or self.dist_context or font) and self.at_sym("(", "["):
            return self.distribution(word)
        if word in ("min", "max"):
            return self.extremum(word)
        if len(word) == 1 or font in ("mathcal", "mathbb", "mathbf", "boldsymbol", "bm", "mathit", "mathrm", "mathsf"):
            return self.named(word, font)
        raise self.fail(f"unknown operator {word!r}")

    def logarithm(self) -> Any:
        base = None
        if self.at_sym("_"):
            self.i += 1
            base = self.sub(self.group_tokens()).parse_all()
        start = self.i
        arg = self.operand()
        value = self._log_of_zero_or_ratio(arg, self.toks[start : self.i])
        if value is None:
            value = self.ar.apply("log", sympy.log, arg)
        return value / sympy.log(base) if base is not None else value

    def _log_of_zero_or_ratio(self, arg: Any, toks: list[_Tok]) -> Any | None:
        """Information theory's conventions for the literal zeros of a KL term written out:
        ``\\log 0 = -\\infty`` and ``\\log\\frac{p}{0} = +\\infty`` for a positive number p (the
        limits as the density goes to 0 from above). sympy would give complex infinity for
        both. ``\\log\\frac{0}{0}`` stays undefined; `_zero_times_log` makes ``0 \\log(...)`` zero."""
        if _scalar(arg) == 0:
            return S.NegativeInfinity
        if not (isinstance(arg, sympy.Basic) and arg.has(S.ComplexInfinity)):
            return None
        while len(toks) >= 2 and toks[0].kind == "sym" and toks[0].text == "(" and toks[-1].text == ")":
            toks = toks[1:-1]
        if not toks or toks[0].kind != "cmd" or toks[0].text not in ("frac", "dfrac", "tfrac"):
            return None
        q = self.sub(toks[1:])
        num, den = q.group_tokens(), q.group_tokens()
        if q.peek().kind != "end":
            return None
        a, b = _scalar(self.sub(num).parse_all()), _scalar(self.sub(den).parse_all())
        if b == 0 and getattr(a, "is_positive", False) and a.is_number:
            return S.Infinity
        return None

    def operand(self) -> Any:
        """What an operator without parentheses applies to: ``\\log 2\\pi`` is log(2 pi)."""
        if self.at_sym("(", "[", "\\{", "{"):
            return self.factor()
        value = self.factor()
        while self.starts_factor() and not self.at_sym("|") and not self._at_operator() and not self._after_bracket():
            value = self.ar.mul(value, self.factor())
        return value

    def _after_bracket(self) -> bool:
        # \log p(x) f(x) is log(p(x)) f(x): an application ends the argument
        prev = self.toks[self.i - 1] if self.i > 0 else None
        return prev is not None and prev.kind == "sym" and prev.text in (")", "]", "\\}")

    def _at_operator(self) -> bool:
        t = self.peek()
        if t.kind == "word":
            return True
        if t.kind == "cmd":
            return t.text in _FUNCS or t.text in _ROUTINES or t.text in ("det", "mathbb", "operatorname", "nabla")
        return False

    def command(self, name: str) -> Any:
        if name in _GREEK:
            return self.named(name, "")
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            return self.fraction()
        if name == "sqrt":
            if self.at_sym("["):
                index = self.sub(self.balanced("[", "]")).parse_all()
                return self.ar.apply("root", lambda x: sympy.root(x, index), self.sub(self.group_tokens()).parse_all())
            return self.ar.apply("sqrt", sympy.sqrt, self.sub(self.group_tokens()).parse_all())
        if name in ("log", "ln", "lg"):
            return self.logarithm()
        if name in _FUNCS:
            return self.ar.apply(name, _FUNCS[name], self.operand())
        if name == "det":
            return _det(self.operand())
        if name in ("min", "max", "sup", "inf", "argmin", "argmax"):
            return self.extremum(name)
        if name in _FONTS:
            return self.font(name)
        if name in _ACCENTS:
            toks = self.group_tokens()
            inner = self.sub(toks)
            base = inner.base_name()
            suffix = _ACCENTS[name]
            return self.named(f"{base}_{suffix}" if suffix else base, "accent")
        if name == "infty":
            return S.Infinity
        if name == "pi":
            return self.named("pi", "") if "pi" in self.functions else S.Pi
        if name in ("sum", "prod"):
            return self.big_operator(name)
        if name in ("int", "iint"):
            return self.integral_sign()
        if name == "lim":
            return self.limit()
        if name == "binom":
            n = self.sub(self.group_tokens()).parse_all()
            k = self.sub(self.group_tokens()).parse_all()
            return _binomial(_scalar(n), _scalar(k))
        if name == "nabla":
            sub = ""
            if self.at_sym("_"):
                self.i += 1
                sub = self.subscript_name()
            operand = self.operand_term()
            return sympy.Function(f"nabla_{sub}" if sub else "nabla")(_scalar(operand))
        if name == "begin":
            return self.environment()
        if name == "partial":
            raise self.fail("\\partial outside a \\frac{\\partial ...}{\\partial ...} derivative")
        if name in _RELATIONS | _ARROWS:
            raise self.fail(f"a relation \\{name} inside one side (steps are split at relations before parsing)")
        if name == "cdot":
            raise self.fail("\\cdot where a value was expected")
        if name == "\\":
            raise self.fail("a line break \\\\ inside one side")
        raise self.fail(f"unknown LaTeX command \\{name}")

    def base_name(self) -> str:
        """The plain name inside ``\\hat{x}`` / ``\\mathbf{x}``."""
        parts = [t.text for t in self.toks if not (t.kind == "sym" and t.text in "{}")]
        parts = [p for p in parts if p not in _FONTS]
        if not parts or any(not re.fullmatch(r"[A-Za-z0-9]+", p) for p in parts):
            raise self.fail(f"cannot read {self._src(self.toks)!r} as a name")
        return "".join(parts)

    def font(self, name: str) -> Any:
        toks = self.group_tokens()
        if name == "text" and any(t.kind == "sym" for t in toks if t.text not in "{}"):
            raise self.fail(f"text {self._src(toks)!r} inside an expression")
        words = [t for t in toks if not (t.kind == "sym" and t.text in "{}")]
        if len(words) == 1 and words[0].kind == "cmd" and words[0].text in _GREEK:
            return self.named(words[0].text, name)
        word = "".join(t.text for t in words)
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", word or "?"):
            if len(words) == 1 and words[0].kind == "num":
                return sympy.Rational(words[0].text)
            raise self.fail(f"cannot read \\{name}{{{self._src(toks)}}}")
        if word in ("d",):
            raise self.fail("a differential d outside an integral or derivative")
        bare = re.sub(r"^(?:mathrm|operatorname|text|textrm|mathit)+", "", word)
        if bare in ("argmin", "argmax", "sup", "inf") or (bare in ("min", "max") and bare != word):
            # \mathop{\mathrm{argmin}}_x, \operatorname{argmax}_x: a binder over its subscript, never a name
            return self.extremum(bare)
        if word in _TRACE or word in ("det", "KL", "JS", "JSD", "log", "ln", "min", "max") or word in _FUNCS:
            return self.word(word, name)
        if word in _DISTS and name != "mathbb" and self.at_sym("(", "["):
            return self.distribution(word)
        if word == "E" and name in ("mathbb", "mathrm", "operatorname", "mathop"):
            return self.named("E", "mathbb")
        if word in _OPERATOR_NAMES and self.at_sym("(", "["):
            return self.operator_name(_OPERATOR_NAMES[word])
        if name in ("text", "textrm", "textit", "textbf", "mbox", "operatorname") and len(word) > 1:
            raise self.fail(f"unknown operator \\{name}{{{word}}}")
        return self.named(word, name)

    # -- derivative, fraction -------------------------------------------------------------
    def fraction(self) -> Any:
        num = self.group_tokens()
        den = self.group_tokens()
        deriv = self._derivative(num, den)
        if deriv is not None:
            return deriv
        a = self.sub(num).parse_all()
        b = self.sub(den).parse_all()
        return self.ar.div(a, b)

    def _derivative(self, num: list[_Tok], den: list[_Tok]) -> Any | None:
        def is_d(t: _Tok) -> bool:
            return (t.kind == "letter" and t.text == "d") or (t.kind == "cmd" and t.text == "partial")

        if not num or not is_d(num[0]) or not den or not is_d(den[0]):
            return None
        order_num, rest = 1, num[1:]
        if rest and rest[0].kind == "sym" and rest[0].text == "^":
            p = self.sub(rest[1:])
            toks = p.group_tokens()
            order_num = self._order(toks)
            rest = rest[1 + p.i :]
        variables: list[tuple[Any, int]] = []
        names: set[str] = set()
        p = self.sub(den)
        while p.peek().kind != "end":
            if not is_d(p.peek()):
                return None
            p.i += 1
            t = p.peek()
            if t.kind not in ("letter", "cmd") or (t.kind == "cmd" and t.text not in _GREEK | _FONTS | set(_ACCENTS)):
                return None
            probe = self.sub(den)
            probe.i = p.i
            name = _read_name(probe)
            names.add(name)
            p.i += 1
            with self.shadowing({name}):  # d/dy after y := 3 differentiates by y, not by 3
                var = p.command(t.text) if t.kind == "cmd" else p.named(t.text, "")
            order = 1
            if p.at_sym("^"):
                p.i += 1
                order = self._order(p.group_tokens())
            variables.append((var, order))
        if not variables or sum(o for _, o in variables) != order_num:
            if variables and order_num != 1:
                raise self.fail("the orders of a derivative's numerator and denominator differ")
            if not variables:
                return None
        with self.shadowing(names):
            operand = self.sub(rest).parse_all() if rest else self.operand_term()
            value = self._differentiate(operand, variables)
            self._note_constants(operand, names)
        return self._at_definitions(value, names)

    def _note_constants(self, operand: Any, variables: set[str]) -> None:
        """Record, for `derivative_constants`, the names a derivative treats as constants.

        A name in the differentiated expression that the user did not declare, that is not
        random and that no binder binds here is read as a constant in the variables: its
        derivative by them is taken to be 0. ``y_{nk}`` in ∂/∂w may well depend on w.
        """
        notes = getattr(self.st.table, "_latex_notes", None)
        if notes is None or not isinstance(operand, (sympy.Basic, sympy.MatrixBase)):
            return
        if isinstance(operand, sympy.Symbol) and not self.declared(operand.name):
            operand = sympy.S.Zero  # dy/dx of a bare undeclared y: read as a function y(x), nothing assumed
        free = operand.free_symbols
        skip = variables | self.st.shadow | set(self.st.bound) | set(self.st.random) | set(self.st.found)
        names = {str(sym).split("[", 1)[0] for sym in free}
        constant = {n for n in names if n not in skip and not self.declared(n)}
        notes.setdefault("variables", set()).update(variables)
        notes.setdefault("constants", set()).update(constant)

    def _at_definitions(self, value: Any, names: set[str]) -> Any:
        """A derivative by a defined name, evaluated where the name has its value:
        ``\\frac{d}{dy} y^2`` after ``y := 3`` is 2y at y = 3 (the variable is bound only inside)."""
        for name in sorted(names):
            if name not in self.st.definitions or name in self.st.shadow or name in self.st.bound:
                continue
            at = self.definition_value(name)
            var = self.symbol(name)
            if _is_matrix(at) or _is_matrix(value) or _is_matrix(var):
                raise self.fail(f"a derivative by {name}, which the document defines as {at}: derive cannot place it")
            value = sympy.Subs(value, var, at)
        return value

    def _order(self, toks: list[_Tok]) -> int:
        text = "".join(t.text for t in toks if t.kind == "num")
        if not text.isdigit() or len(toks) != 1:
            raise self.fail("a derivative order must be a small whole number")
        n = int(text)
        if not 1 <= n <= _MAX_ORDER:
            raise self.fail(f"a derivative of order {n} (at most {_MAX_ORDER})")
        return n

    def operand_term(self) -> Any:
        """What an operator such as d/dx, \\sum or \\lim applies to: the next product (sign included)."""
        if self.peek().kind == "end" or self.at_sym(")", "]", "}", "\\}", "+", "=", "<", ">"):
            raise self.fail("an operator with nothing to apply to")
        sign = 1
        if self.at_sym("-", "+"):
            sign = -1 if self.next().text == "-" else 1
        value = self.factor()
        while self.starts_factor():
            value = self.ar.mul(value, self.factor())
        return -value if sign < 0 else value

    def _differentiate(self, operand: Any, variables: list[tuple[Any, int]]) -> Any:
        plain: list[tuple[sympy.Symbol, int]] = []
        for var, order in variables:
            if _is_matrix(var):
                if len(variables) != 1 or order != 1 or _is_matrix(operand):
                    raise self.fail("only first derivatives of a scalar by a vector are supported")
                entries = [e for e in var]
                if len(set(entries)) != len(entries):
                    # A symmetric (SPD) matrix shares one symbol between (i, j) and (j, i), so
                    # an entrywise derivative would count each off-diagonal entry twice and
                    # refute true identities such as d log det S / dS = S^{-1}. The expression
                    # language rebuilds the operand over independent entries; this reader
                    # cannot, so it declines rather than give a wrong gradient.
                    raise self.fail(
                        "derivatives with respect to a symmetric matrix are not supported in LaTeX; "
                        "write the claim in YAML, where diff(f, S) treats S's entries as independent"
                    )
                grad = [self._differentiate(operand, [(e, 1)]) for e in entries]
                return sympy.ImmutableMatrix(var.shape[0], var.shape[1], grad)
            if not isinstance(var, sympy.Symbol):
                raise self.fail(f"cannot differentiate with respect to {var}")
            plain.append((var, order))
        wrt = {v for v, _ in plain}
        opaque_nodes = (KL, JS, Expectation)
        if isinstance(operand, sympy.Basic) and any(
            not wrt <= node.free_symbols
            for node in operand.atoms(*opaque_nodes, sympy.Integral)
            if isinstance(node, opaque_nodes) or node.has(AppliedUndef)
        ):
            # ∂/∂μ KL(p||q) with q depending on μ implicitly: derive cannot know, so it stays opaque
            label = "".join(f"{v}" + (f"^{o}" if o > 1 else "") for v, o in plain)
            return sympy.Function(f"partial_{label}")(operand)
        if isinstance(operand, sympy.Symbol) and operand not in wrt and not self.declared(operand.name):
            # ∂f/∂x: a bare name being differentiated is a function of the variable
            operand = sympy.Function(operand.name)(*sorted(wrt, key=str))
        elif isinstance(operand, sympy.Basic):
            # D(x) inside d/da depends on a implicitly (D = σ(a)): make that dependence explicit
            # so the derivative stays unknown instead of silently becoming 0.
            def widen(app: sympy.Basic) -> sympy.Basic:
                missing = [v for v in sorted(wrt, key=str) if v not in app.free_symbols]
                return app.func(*app.args, *missing) if missing else app

            operand = operand.replace(lambda e: isinstance(e, sympy.core.function.AppliedUndef), widen)
        if _is_matrix(operand):
            return operand.applyfunc(lambda e: sympy.Derivative(e, *plain))
        return sympy.Derivative(operand, *plain)

    # -- big operators ----------------------------------------------------------------------
    def limits(self) -> tuple[list[_Tok] | None, list[_Tok] | None]:
        lo = hi = None
        for _ in range(2):
            if self.at_sym("_") and lo is None:
                self.i += 1
                lo = self.group_tokens()
            elif self.at_sym("^") and hi is None:
                self.i += 1
                hi = self.group_tokens()
        return lo, hi

    def big_operator(self, name: str) -> Any:
        lo, hi = self.limits()
        if lo is None or hi is None:
            raise self.fail(f"\\{name} needs bounds such as _{{i=1}}^{{n}}")
        eq = next((k for k, t in enumerate(lo) if t.kind == "sym" and t.text == "="), None)
        if eq is None:
            raise self.fail(f"\\{name} needs a lower bound such as _{{i=1}}")
        var_parser = self.sub(lo[:eq])
        var_name = var_parser.base_name()
        var = self.symbol(var_name)
        lower = self.sub(lo[eq + 1 :]).parse_all()
        upper = self.sub(hi).parse_all()
        saved = self.st.bound
        self.st.bound = (*saved, var_name)
        try:
            with self.shadowing({var_name}):
                body = _scalar(self.operand_term())
        finally:
            self.st.bound = saved
        if _is_matrix(body):
            raise self.fail(f"\\{name} of a matrix")
        cls = sympy.Sum if name == "sum" else sympy.Product
        return cls(body, (var, lower, upper))

    def integral_sign(self) -> Any:
        lo, hi = self.limits()
        if (lo is None) != (hi is None):
            raise self.fail("an integral needs both bounds or neither")
        self.integral += 1
        try:
            bound = self._integration_variables()
            with self.shadowing(bound):
                body = self.expr()
        finally:
            self.integral -= 1
        body = _scalar(body)
        if _is_matrix(body):
            raise self.fail("an integral of a matrix")
        with self.shadowing(bound):
            variables = self.differential() if self.at_differential_here() else self._implied_differential(body)
        if lo is None or hi is None:
            # ML texts write \int p(x) dx for the integral over the whole real line (over R^n
            # for a declared vector x: one integral per entry)
            return sympy.Integral(body, *[(v, S.NegativeInfinity, S.Infinity) for v in variables])
        if len(variables) != 1:
            raise self.fail("bounds on an integral over a vector (write the region one coordinate at a time)")
        a = self.sub(lo).parse_all()
        b = self.sub(hi).parse_all()
        var = variables[0]
        if body in (S.Infinity, S.NegativeInfinity) and (b - a).is_positive:
            # ∫_1^2 ∞ dx, from the KL convention p log(p/0) = ∞: infinite (sympy says nan)
            return body
        return sympy.Integral(body, (var, a, b))

    def _integration_variables(self) -> set[str]:
        """The name of this integral's differential (``dy`` -> {"y"}), found before its integrand
        is read so that a definition of y does not apply inside it; empty when none is written.

        The differentials of integrals nested in the integrand (``\\int\\int f\\,dx\\,dy``) belong
        to them: each ``\\int`` met on the way takes the next differential.
        """
        nested, depth, k = 0, 0, 0
        while True:
            t = self.peek(k)
            if t.kind == "end":
                return set()
            if t.kind == "sym" and t.text in ("(", "[", "{", "\\{"):
                depth += 1
            elif t.kind == "sym" and t.text in (")", "]", "}", "\\}"):
                depth -= 1
                if depth < 0:
                    return set()
            elif depth == 0 and t.kind == "cmd" and t.text in ("int", "iint"):
                nested += 1
            elif depth == 0 and self.at_differential(k):
                if nested == 0:
                    probe = _Parser(self.toks, self.st)
                    probe.i = self.i + k + (1 if t.kind == "letter" else 1 + self._font_len(k))
                    try:
                        return {_read_name(probe)}
                    except DeriveError:
                        return set()
                nested -= 1
            k += 1

    def _implied_differential(self, body: Any) -> list[sympy.Symbol]:
        """The variable of ``\\int p(x) (...)`` written without ``dx``: the one argument that
        every unknown function in the integrand is applied to (``p(x)``, ``q(x)``), else an error."""
        calls = body.atoms(AppliedUndef) if isinstance(body, sympy.Basic) else set()
        arguments = {app.args for app in calls}
        if len(arguments) == 1:
            (args,) = arguments
            if args and all(isinstance(a, sympy.Symbol) for a in args) and len(set(args)) == len(args):
                return list(args)
        raise self.fail(
            "\\int without its differential (write dx after the integrand; derive infers it only when every"
            " unknown function in the integrand takes the same variable, as in \\int p(x) \\log p(x))"
        )

    def at_differential_here(self) -> bool:
        self.integral += 1
        try:
            return self.at_differential()
        finally:
            self.integral -= 1

    def differential(self) -> list[sympy.Symbol]:
        """The variables of ``dx``: one symbol, or the entries of a declared vector x."""
        t = self.next()
        if t.kind == "cmd":  # \mathrm{d}
            self.group_tokens()
        t = self.next()
        var = self.command(t.text) if t.kind == "cmd" else self.named(t.text, "")
        if isinstance(var, sympy.MatrixBase) and 1 in var.shape and all(isinstance(e, sympy.Symbol) for e in var):
            return list(var)
        if not isinstance(var, sympy.Symbol):
            raise self.fail(f"cannot integrate with respect to {var}")
        return [var]

    def limit(self) -> Any:
        if not self.at_sym("_"):
            raise self.fail("\\lim needs a subscript such as _{n\\to\\infty}")
        self.i += 1
        toks = self.group_tokens()
        arrow = next((k for k, t in enumerate(toks) if t.kind == "cmd" and t.text in ("to", "rightarrow")), None)
        if arrow is None:
            raise self.fail("\\lim needs a subscript such as _{n\\to\\infty}")
        var_name = self.sub(toks[:arrow]).base_name()
        var = self.symbol(var_name)
        target_toks = toks[arrow + 1 :]
        direction = "+-"
        if len(target_toks) >= 2 and target_toks[-2].text == "^" and target_toks[-1].text in "+-":
            direction = target_toks[-1].text
            target_toks = target_toks[:-2]
        target = self.sub(target_toks).parse_all()
        with self.shadowing({var_name}):
            body = _scalar(self.operand_term())
        if target in (S.Infinity, S.NegativeInfinity):
            return sympy.Limit(body, var, target)
        return sympy.Limit(body, var, target, dir=direction)

    def extremum(self, name: str) -> Any:
        if self.at_sym("_"):
            self.i += 1
            over = self.sub(self.group_tokens())
            label = "".join(t.text for t in over.toks if not (t.kind == "sym" and t.text in "{}"))
            # \max_x binds x: an earlier definition of x (x = 2) does not apply in its body
            with self.shadowing(self._extremum_variables(over.toks)):
                body = _scalar(self.operand_term())
            # min over a function space: opaque, but the same expression twice is still equal
            return sympy.Function(f"{name}_{label}")(body)
        if name in ("min", "max") and self.at_sym("("):
            args, given = self.call_args(name)
            if given:
                raise self.fail(f"\\{name} with a '|' in its arguments")
            return (sympy.Min if name == "min" else sympy.Max)(*[_scalar(a) for a in args])
        raise self.fail(f"\\{name} needs a subscript or (a, b) arguments")

    def _extremum_variables(self, toks: list[_Tok]) -> frozenset[str]:
        """The names the subscript of ``\\max_{x \\in [0, 1]}`` binds (what comes before ``\\in``,
        ``:`` or ``\\sim``); every defined name when they cannot be listed (never a definition
        applied to a bound name)."""
        cut = len(toks)
        for k, t in enumerate(toks):
            if (t.kind == "cmd" and t.text in ("in", "sim", "colon")) or (t.kind == "sym" and t.text in (":", "|")):
                cut = k
                break
        found = _names_of_text(self._src(toks[:cut])) if cut else None
        if found is None or found[1]:
            return frozenset(self.st.definitions)
        return frozenset(found[0])

    # -- probability ----------------------------------------------------------------------
    def expectation(self) -> Any:
        sub_toks = None
        if self.at_sym("_"):
            self.i += 1
            sub_toks = self.group_tokens()
        if self.at_sym("["):
            inner = self.balanced("[", "]")
        elif self.at_sym("("):
            inner = self.balanced("(", ")")
        else:
            raise self.fail("an expectation E needs its argument in brackets: E[...]")
        if not inner:
            raise self.fail("an empty expectation E[]")
        wrap, sample = self._expectation_operator(sub_toks)
        saved, self.st.sample = self.st.sample, sample or self.st.sample
        try:
            with self.shadowing(self._averaged_names(sub_toks, sample)):
                body = self.sub(inner).parse_all()
        finally:
            self.st.sample = saved
        if sub_toks is None and not self._mentions_random(body):
            # E[X^2] with nothing declared random: reading X as a constant would make
            # E[X^2] = E[X]^2 an identity. An opaque E(...) leaves such steps undecided.
            wrap = sympy.Function("E")
        if _is_matrix(body):
            if body.shape == (1, 1):
                return wrap(body[0, 0])
            return sympy.ImmutableMatrix(body.shape[0], body.shape[1], [wrap(e) for e in body])
        return wrap(body)

    def _averaged_names(self, sub_toks: list[_Tok] | None, sample: str) -> set[str]:
        """The variable an expectation averages over (``y`` of ``E_{y \\sim N(0,1)}``, ``x`` of
        ``E_x`` or of a bound ``E_p``): bound inside it, so its definitions do not apply there."""
        names = {sample} if sample else set()
        if sub_toks is None:
            return names
        sim = next((k for k, t in enumerate(sub_toks) if t.kind == "cmd" and t.text == "sim"), None)
        with contextlib.suppress(LatexError):  # E_{x_1, x_2}: nothing single to bind
            names.add(self.sub(sub_toks[:sim] if sim is not None else sub_toks).name_only())
        return names

    def _mentions_random(self, body: Any) -> bool:
        names = set(self.st.random) | set(self.st.found)
        free = body.free_symbols if isinstance(body, (sympy.Basic, sympy.MatrixBase)) else set()
        return any(str(sym).split("[", 1)[0] in names for sym in free)

    def _expectation_operator(self, sub_toks: list[_Tok] | None) -> tuple[Callable[[Any], Any], str]:
        """The operator for ``E_{sub}`` and, for a bound density, the variable it averages over."""
        if sub_toks is None:
            return Expectation, ""
        sim = next((k for k, t in enumerate(sub_toks) if t.kind == "cmd" and t.text == "sim"), None)
        label = re.sub(r"\s+", "", self._src(sub_toks)).replace("\\sim", "~")
        label = re.sub(r"\\(?:mathcal|mathbb|mathrm|mathbf|boldsymbol|bm|text|operatorname)\{([^{}]*)\}", r"\1", label)
        label = label.replace("\\", "")
        opaque = sympy.Function(f"E_{label}" if len(sub_toks) == 1 else f"E_{{{label}}}")
        if sim is None:
            p = self.sub(sub_toks)
            try:
                name = p.base_name() if len(sub_toks) == 1 else p.name_only()
            except LatexError:
                return opaque, ""
            if name in self.st.random:
                return Expectation, ""
            var = self.st.densities.variable(name)
            return (Expectation, var) if var is not None and var in self.st.random else (opaque, "")
        var_name = self.sub(sub_toks[:sim]).name_only()
        dist_toks = sub_toks[sim + 1 :]
        p = self.sub(dist_toks)
        p.dist_context = True
        if not p.starts_distribution():
            # E_{x ~ p}[...] of a bound density p over x; otherwise (E_{x ~ p_G}[...]) a
            # distribution derive cannot name.
            try:
                name = self.sub(dist_toks).name_only()
            except LatexError:
                return opaque, ""
            var = self.st.densities.variable(name)
            return (Expectation, var) if var == var_name and var in self.st.random else (opaque, "")
        dist = p.parse_all()
        if not isinstance(dist, Distribution):
            return opaque, ""
        self.declare_random(var_name, dist)
        return Expectation, ""

    def name_only(self) -> str:
        t = self.next()
        if t.kind == "letter" or (t.kind == "cmd" and t.text in _GREEK):
            name = self.name_suffixes(t.text)
        elif t.kind == "cmd" and t.text in _FONTS | set(_ACCENTS):
            inner = self.sub(self.group_tokens()).base_name()
            suffix = _ACCENTS.get(t.text, "")
            name = self.name_suffixes(f"{inner}_{suffix}" if suffix else inner)
        else:
            raise self.fail(f"expected a variable name, found {t!r}")
        if self.peek().kind != "end":
            raise self.fail(f"expected a variable name, found more after {name!r}")
        return name

    def starts_distribution(self) -> bool:
        t = self.peek()
        if t.kind in ("letter", "word") and t.text in _DISTS:
            return True
        if t.kind == "cmd" and t.text in _FONTS:
            return self._font_word(0) in _DISTS
        return False

    def declare_random(self, name: str, dist: Distribution) -> None:
        table = self.st.table
        previous = self.st.found.get(name) or self.st.random.get(name)
        if isinstance(previous, Distribution) and previous != dist:
            raise self.fail(f"{name} is drawn from two different distributions ({previous} and {dist})")
        size = dist.size
        if size is not None:
            spec = table.get(name)
            if spec is None or spec.kind.shape != (size, 1):
                table.declare(name, SymbolKind("vector", size, 1))
        else:
            self.symbol(name)
        self.st.found[name] = dist
        self.st.random[name] = dist

    def distribution(self, word: str) -> Distribution:
        cls = _DISTS[word]
        close = {"(": ")", "[": "]"}[self.peek().text]
        inner = self.balanced(self.peek().text, close)
        parts: list[list[_Tok]] = [[]]
        depth = 0
        for t in inner:
            if t.kind == "sym" and t.text in ("(", "[", "{", "\\{"):
                depth += 1
            elif t.kind == "sym" and t.text in (")", "]", "}", "\\}"):
                depth -= 1
            if depth == 0 and t.kind == "sym" and t.text in (",", ";"):
                parts.append([])
                continue
            parts[-1].append(t)
        args = [self.sub(p).parse_all() for p in parts if p]
        point = None
        if any(t.kind == "sym" and t.text == ";" for t in inner):
            point, args = args[0], args[1:]  # \mathcal{N}(x; \mu, \sigma^2) is the density at x
        if cls is Normal and len(args) == 2 and (_is_matrix(args[0]) or _is_matrix(args[1])):
            mean, cov = args
            if not _is_matrix(cov) or cov.shape[0] != cov.shape[1]:
                raise self.fail("a multivariate normal needs a square covariance matrix")
            if not _is_matrix(mean):
                if mean != 0:
                    raise self.fail("a multivariate normal needs a mean vector")
                mean = sympy.zeros(cov.shape[0], 1)
            dist: Distribution = MultivariateNormal(sympy.ImmutableMatrix(mean), sympy.ImmutableMatrix(cov))
        elif cls is Categorical:
            dist = Categorical(list(args))
        else:
            dist = cls(*[_scalar(a) for a in args])
        return dist.pdf(point) if point is not None else dist  # type: ignore[return-value]

    def divergence(self, op: type[sympy.Function]) -> Any:
        self.expect_sym("(")
        saved = self.dist_context
        self.dist_context = True
        self.bars += 1
        try:
            first = self.expr()
            if self.at_sym("‖"):
                self.i += 1
            elif self.at_sym("|") and self.at_sym("|", k=1):
                self.i += 2
            elif self.at_sym(",", ";"):
                self.i += 1
            elif self.at(("cmd"), "mid") and self.at("cmd", "mid", k=1):
                self.i += 2
            else:
                raise self.fail(f"{op.__name__} needs two arguments separated by || or \\|")
            second = self.expr()
        finally:
            self.bars -= 1
            self.dist_context = saved
        self.expect_sym(")")
        first, second = _scalar(first), _scalar(second)
        if isinstance(first, Distribution) or isinstance(second, Distribution):
            return op(first, second)
        return self._density_divergence(op, first, second)

    def _density_divergence(self, op: type[sympy.Function], first: Any, second: Any) -> Any:
        """KL and JS of densities derive does not know (``D_{KL}(p||q)``, ``JS(p_{data}||p_g)``,
        ``KL(p || \\frac{p(x) + q(x)}{2})``) by their definitions: ∫ p log(p/q) dx, and
        ½KL(p||m) + ½KL(q||m) with m = (p + q)/2. A bare name is the density applied to the
        variable the other argument uses (x when neither names one; a declared vector x
        gives an integral over R^n). Anything else (a conditional q(z|x), a declared
        parameter, two different variables) stays an opaque divergence."""
        if _is_matrix(first) or _is_matrix(second):
            raise self.fail(f"{op.__name__} of a matrix")
        parts = [e for e in (first, second) if isinstance(e, sympy.Basic)]
        if len(parts) != 2:
            return op(first, second)
        arguments = {app.args for e in parts for app in e.atoms(AppliedUndef)}
        if len(arguments) > 1:
            return op(first, second)
        if arguments:
            (variables,) = arguments
            if not all(isinstance(v, sympy.Symbol) for v in variables) or len(set(variables)) != len(variables):
                return op(first, second)
            variables = tuple(variables)
        else:
            x = self.symbol("x")
            if isinstance(x, sympy.MatrixBase) and 1 in x.shape and all(isinstance(e, sympy.Symbol) for e in x):
                variables = tuple(x)
            elif isinstance(x, sympy.Symbol):
                variables = (x,)
            else:
                return op(first, second)
        names = (first.free_symbols | second.free_symbols) - set(variables)
        if any(self.declared(n.name) or not isinstance(n, sympy.Symbol) for n in names):
            return op(first, second)  # a declared parameter: not a density derive can name
        lift = {n: sympy.Function(n.name)(*variables) for n in names}
        p, q = first.xreplace(lift), second.xreplace(lift)
        if op is JS:
            m = (p + q) / 2
            return (self._kl_integral(p, m, variables) + self._kl_integral(q, m, variables)) / 2
        if op is KL:
            return self._kl_integral(p, q, variables)
        return op(first, second)

    @staticmethod
    def _kl_integral(p: Any, q: Any, variables: tuple[Any, ...]) -> Any:
        return sympy.Integral(p * sympy.log(p / q), *[(v, S.NegativeInfinity, S.Infinity) for v in variables])

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


# ----------------------------------------------------------------------------------------
# Evaluation bars and names: ``\left. f \right|_{x=1}``, and what a side names.
#
# The LaTeX front end writes what a step is checked under into the step's own text, so the
# text alone says what was checked (and results are cached by it): a definition made
# earlier in the document (``W_1 := B``, read wherever the side names W_1), a fixed value
# (``k = 2``), or the solutions of a premise (``x \in \{-2, 2\}``: the side is evaluated at
# each, giving a column with one entry per solution).

_BAR_OPEN = re.compile(r"\s*\\left\s*\.")
_BAR_CLOSE = re.compile(r"\\right\s*\|\s*_\s*\{")


def brace_end(text: str, i: int) -> int:
    """Given ``text[i] == '{'``, the index just after its matching ``}`` (-1 when unclosed)."""
    depth = 0
    j = i
    while j < len(text):
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return -1


def _split_evaluation(text: str) -> tuple[str, str] | None:
    """``\\left. f \\right|_{...}`` as a whole side -> (f, the subscript), else None."""
    opened = _BAR_OPEN.match(text)
    stripped = text.rstrip()
    if opened is None or not stripped.endswith("}"):
        return None
    closes = list(_BAR_CLOSE.finditer(stripped, opened.end()))
    for m in reversed(closes):
        if brace_end(stripped, m.end() - 1) == len(stripped):
            return stripped[opened.end() : m.start()], stripped[m.end() : -1]
    return None


def _top_split(text: str, sep: str) -> list[str]:
    """Split at ``sep`` outside braces, brackets, parentheses and ``\\{ \\}``."""
    parts: list[str] = []
    depth, start, i = 0, 0, 0
    while i < len(text):
        c = text[i]
        if depth == 0 and text.startswith(sep, i):
            parts.append(text[start:i])
            start = i + len(sep)
            i = start
            continue
        if c == "\\":
            if text.startswith("\\{", i):
                depth += 1
            elif text.startswith("\\}", i):
                depth -= 1
            i += 2
            continue
        if c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
        i += 1
    parts.append(text[start:])
    return parts


#: ``K(\\cdot)`` in an evaluation bar: K is a function (the ``functions:`` declaration).
_FUNCTION_ITEM = re.compile(r"\s*(.+?)\s*\(\s*\\cdot\s*\)\s*")


def _evaluate(  # noqa: PLR0917 - the parse state, passed down
    inner: str,
    subscript: str,
    text: str,
    table: SymbolTable,
    random: MutableMapping[str, Any] | None,
    definitions: dict[str, _Definition],
    densities: _Densities | None,
) -> Any:
    """Read ``inner`` under the assignments of an evaluation bar's subscript.

    ``name := tex`` defines ``name`` while ``inner`` is read (a matrix definition keeps its
    shape); ``name = value`` substitutes after reading (so ``\\frac{d}{dx}`` still sees x);
    ``name \\in \\{v_1, v_2\\}`` evaluates at each value and gives a column of the results.
    """
    defs = dict(definitions)
    points: list[tuple[Any, list[Any]]] = []
    for item in _top_split(subscript, ","):
        if not item.strip():
            continue
        declared = _FUNCTION_ITEM.fullmatch(item)
        if declared:
            functions = getattr(table, "_latex_functions", None)
            if functions is None:
                functions = set()
                table._latex_functions = functions  # type: ignore[attr-defined]
            functions.add(name_of(declared.group(1)))
            continue
        if ":=" in item:
            name_tex, value_tex = item.split(":=", 1)
            name = name_of(name_tex)
            defs[name] = _Definition(_parse_text(value_tex, table, random, defs, densities), value_tex)
            continue
        member = _top_split(item, "\\in")
        if len(member) == 2 and member[1].strip().startswith("\\{") and member[1].strip().endswith("\\}"):
            name_tex, values_tex = member[0], member[1].strip()[2:-2]
            values = [_number(v, table, text) for v in _top_split(values_tex, ",")]
        elif len(_top_split(item, "=")) == 2:
            name_tex, value_tex = _top_split(item, "=")
            values = [_number(value_tex, table, text)]
        else:
            hint = "write x=1, x \\in \\{1, 2\\} or y := ..."
            raise _fail(text, f"cannot read {item.strip()!r} after \\right| ({hint})")
        name = name_of(name_tex)
        obj = table.symbol(name) if name not in table else table[name].obj
        if _is_matrix(obj):
            raise _fail(text, f"{name} is a matrix; only scalars can be given values")
        points.append((obj, values))
    value = _parse_text(inner, table, random, defs, densities)
    several = [p for p in points if len(p[1]) > 1]
    if len(several) > 1:
        raise _fail(text, "only one name can take several values in one evaluation")
    for sym, values in points:
        if len(values) == 1:
            value = value.xreplace({sym: values[0]}) if _is_matrix(value) else _at(value, sym, values[0])
    for sym, values in several:
        if _is_matrix(value):
            raise _fail(text, "a matrix side cannot be evaluated at several points")
        value = sympy.ImmutableMatrix([[_at(value, sym, v)] for v in values])
    if isinstance(value, sympy.Basic) and value.has(sympy.Subs) and not hasattr(table, "_latex_notes"):
        # d/dx f at x = 1 is a Subs node; evaluate those, leave integrals and the rest to the engine
        value = value.applyfunc(_evaluate_subs) if _is_matrix(value) else _evaluate_subs(value)
    return _checked(value, text)


def _at(value: Any, sym: Any, number: Any) -> Any:
    """``value`` with ``sym`` replaced by ``number``, through the guards of `derive._exact`.

    ``x^{10^{10}}`` at x = 10 must become a HugePower, not a 10-billion-digit integer (plain
    ``subs`` would expand it). A derivative in x keeps ``subs``, which makes the Subs node
    that is evaluated below (replacing x inside d/dx would differentiate by a number).
    """
    hidden: dict[Any, Any] = {}
    if isinstance(value, sympy.Basic) and value.has(sympy.Limit):
        # a limit in x binds x (sympy's subs and xreplace would both replace it): set it aside
        hidden = {node: sympy.Dummy() for node in value.atoms(sympy.Limit) if node.args[1] == sym}
        value = value.xreplace(hidden)
    if isinstance(value, sympy.Basic) and value.has(sympy.Derivative):
        value = value.subs(sym, number)
    else:
        value = safe_replace(value, {sym: number})
    return value.xreplace({v: k for k, v in hidden.items()}) if hidden else value


def _evaluate_subs(expr: Any) -> Any:
    return expr.replace(lambda n: isinstance(n, sympy.Subs), lambda n: n.doit())


def _number(tex: str, table: SymbolTable, text: str) -> Any:
    value = _parse_text(tex, table, None, {})
    if _is_matrix(value) or not getattr(value, "is_number", False):
        raise _fail(text, f"the value {tex.strip()!r} after \\right| must be a number")
    return value


def _read_name(p: _Parser) -> str:
    """The name that starts at the parser's position (a letter, Greek letter, font or accent)."""
    t = p.next()
    if t.kind == "letter" or (t.kind == "cmd" and t.text in _GREEK):
        return p.name_suffixes(t.text)
    if t.kind == "cmd" and t.text in _FONTS | set(_ACCENTS):
        inner = p.sub(p.group_tokens()).base_name()
        suffix = _ACCENTS.get(t.text, "")
        return p.name_suffixes(f"{inner}_{suffix}" if suffix else inner)
    raise p.fail(f"expected a name, found {t!r}")


def _name_parser(text: str) -> _Parser:
    state = _State(table=SymbolTable(), text=text, random={}, found={}, implicit=set())
    return _Parser(_tokenize(text), state)


def name_of(tex: str) -> str:
    """The derive name of a LaTeX name: ``\\hat{x}`` -> ``x_hat``, ``D^*`` -> ``D_star``.

    >>> name_of(r"\\Sigma_{1}"), name_of(r"\\mathcal{L}_{MLE}")
    ('Sigma_1', 'L_MLE')
    """
    p = _name_parser(tex)
    name = _read_name(p)
    if p.peek().kind != "end":
        raise p.fail(f"expected a name, found more after {name!r}")
    return name


def latex_of_name(name: str) -> str:
    """LaTeX that `name_of` reads back as ``name`` (``mu_1`` -> ``\\mu_{1}``)."""
    base, _, rest = name.partition("_")
    head = f"\\{base}" if base in _GREEK else base if len(base) == 1 else f"\\mathrm{{{base}}}"
    return f"{head}_{{{rest}}}" if rest else head


_NOT_DEFINABLE = frozenset(
    {"e", "E", "pi", "sigma", "sigma_prime", "Gamma", "delta", "nabla", *_KL_NAMES, *_DISTS, *_OPERATOR_NAMES.values()}
)


def definition_target(tex: str) -> tuple[str, bool] | None:
    """What ``tex = ...`` would define: (name, True) for a bare name such as ``z``,
    ``\\hat{x}``, ``D^*``, (name, False) for an unknown function applied to names such as
    ``f(x)``, ``\\mathcal{L}_{MLE}(\\theta)``; None for anything else (expressions, known
    operators such as ``D_{KL}(p||q)``, ``\\sigma(a)``, ``E_p[...]``).

    >>> definition_target(r"\\hat{x}"), definition_target("f(x)"), definition_target("2x")
    (('x_hat', True), ('f', False), None)
    """
    try:
        p = _name_parser(tex)
        if p.peek().kind == "cmd" and p.peek().text in ("mathbb", "operatorname", "mathop"):
            return None
        base = p.peek().text
        name = _read_name(p)
        if name in _NOT_DEFINABLE or (base == "I" and name.startswith("I_")):
            return None
        if p.peek().kind == "end":
            return name, True
        if not p.at_sym("(") or not p.is_function(base, name):
            return None
        args = p.balanced("(", ")")
        if p.peek().kind != "end" or not args:
            return None
        q = p.sub(args)
        while True:
            _read_name(q)
            if q.peek().kind == "end":
                return name, False
            if not q.at_sym(",", "|"):
                return None
            q.i += 1
    except (DeriveError, RecursionError):
        return None


def names_in(tex: str) -> tuple[frozenset[str], frozenset[str]] | None:
    """The names ``tex`` reads as the parser would, and the tokens that start names it could
    not read (``E_{x \\sim p}``); None when ``tex`` cannot even be tokenized."""
    try:
        toks = _tokenize(tex)
    except DeriveError:
        return None
    names: set[str] = set()
    unsure: set[str] = set()
    for j, _p, name in _each_name(tex, toks, _GREEK | _FONTS | set(_ACCENTS), _read_name):
        if name is None:
            unsure.update(u.text for u in toks[j : j + 4])
        else:
            names.add(name)
    return frozenset(names), frozenset(unsure)


def _each_name(
    tex: str, toks: list[_Tok], starters: frozenset[str] | set[str], read: Callable[[_Parser], str]
) -> Iterator[tuple[int, _Parser, str | None]]:
    """(token index, a parser just past the name, the name) for each name ``tex`` starts; the
    name is None where ``read`` could not read one. The scan goes on right after each name, so
    names inside a bracket that follows it are found too, whatever the caller does with ``p``."""
    state = _State(table=SymbolTable(), text=tex, random={}, found={}, implicit=set())
    j = 0
    while j < len(toks):
        t = toks[j]
        if not (t.kind == "letter" or (t.kind == "cmd" and t.text in starters)):
            j += 1
            continue
        p = _Parser(toks, state)
        p.i = j
        try:
            name = read(p)
        except (DeriveError, RecursionError):
            yield j, p, None
            j += 1
            continue
        after = p.i
        yield j, p, name
        j = max(after, j + 1)


#: Names whose application to a bracket derive knows: functions it reads, constants, operators.
_KNOWN_APPLIED = frozenset(
    {"sigma", "Gamma", "delta", "nabla", "I", "det", "min", "max", *_KL_NAMES, *_OPERATOR_NAMES, *_DISTS}
    | _WORDS
    | _TRACE
    | set(_FUNCS)
)
_GREEK_CAPITALS = frozenset(g for g in _GREEK if g[0].isupper())


def ambiguous_readings(
    tex: str, known: frozenset[str] | set[str], random: frozenset[str] | set[str]
) -> list[tuple[str, str]]:
    """The notation in ``tex`` that derive reads one way although another reading is as plausible.

    - ``K(\\sigma)``, ``K(x - y)``, ``H[x]``, ``H[q(z)]``: an undeclared name before a bracket is
      read as a factor (K·σ); it may be a function K of σ. Reported when the bracket holds one
      name, a parenthesis does not use the name itself (``x(1 - x)``, ``N(N - 1)`` are products),
      or it is a square bracket after a capital; names
      derive reads as functions (``f``, ``p``, ``\\Phi``, ``h'``) or knows (``\\sigma(a)``,
      ``\\Gamma(x)``, ``\\mathrm{Exp}(\\lambda)``) are not.
    - ``E(\\mathbf{w})``: an expectation of w, or a function E of w (an error function), when
      nothing random is in the bracket.
    - ``\\pi(a)``, ``e(x)``: the constant times a, or a function (a policy) of a.

    ``\\sigma(...)`` is the sigmoid by the notation profile (the README), declared σ or not.

    ``known``: names declared (symbols, functions) or defined, whose reading is settled.
    Each entry is (the name, what it says: "K(\\sigma) may be K·(sigma) or a function K of sigma").
    """
    try:
        toks = _tokenize(tex)
    except DeriveError:
        return []
    def read(p: _Parser) -> str:
        t = p.peek()
        return p.name_suffixes("pi") if t.kind == "cmd" and t.text == "pi" and p.next() else _read_name(p)

    out: list[tuple[str, str]] = []
    for j, p, name in _each_name(tex, toks, _GREEK | _FONTS | set(_ACCENTS) | {"pi"}, read):
        if name is None:
            continue
        t = toks[j]
        after_script = j > 0 and toks[j - 1].kind == "sym" and toks[j - 1].text in ("^", "_")
        if not p.at_sym("(", "[") or name in known or after_script:
            continue  # x^T(x - mu), e^x(1 + x): a superscript is not applied to what follows
        close = {"(": ")", "[": "]"}[p.peek().text]
        start = p.i
        try:
            inner = p.balanced(p.peek().text, close)
        except (DeriveError, RecursionError):
            continue
        shown = tex[t.pos : toks[p.i - 1].pos + 1]
        args = names_in(tex[toks[start].pos : toks[p.i - 1].pos + 1]) if inner else None
        arg_names = args[0] if args is not None else frozenset()
        said = _other_reading(name, t, bracket=toks[start].text, inner=inner, arg_names=arg_names, random=random)
        if said:
            out.append((name, f"{shown} may be {said}"))
    return out


def _other_reading(
    name: str,
    first: _Tok,
    *,
    bracket: str,
    inner: list[_Tok],
    arg_names: frozenset[str],
    random: frozenset[str] | set[str],
) -> str:
    """What ``name`` before ``bracket`` may also mean (see `ambiguous_readings`), or ""."""
    if name.startswith("E_"):
        return ""  # E_p[...], E_{x \\sim p}(...): an expectation with its law
    if name == "E":
        blackboard = first.kind == "cmd" and first.text == "mathbb"  # \\mathbb{E}(X) is an expectation
        if bracket == "(" and not blackboard and not arg_names & random:
            return f"an expectation or a function E of {', '.join(sorted(arg_names)) or 'it'}"
        return ""
    base = name.split("_", 1)[0]
    if name in _KNOWN_APPLIED or {name, base} & _FUNCTION_LETTERS or name.endswith("_prime") or name in random:
        return ""
    if any(u.kind == "sym" and u.text in (",", "|") for u in _top_level(inner)):
        return ""  # f(a, b), q(z | x): read as applications already
    single = _single_name(inner)
    capital = base[:1].isupper() or base in _GREEK_CAPITALS
    if single or (capital and bracket == "["):
        what = single or "its argument"
        return f"{name}·({what}) or a function {name} of {what}"
    inside = arg_names | {n.split("_", 1)[0] for n in arg_names}  # y(1 - \\hat y) uses y too
    if bracket == "(" and inner and name not in inside and base not in inside:
        # K(x - y), R(\theta + 1), \pi(a + 1): a product, or a function (a kernel, a policy) of it
        return f"{name}·(its argument) or a function {name} of its argument"
    return ""  # x(1 - x), N(N - 1): the name inside its own argument, a product


#: ``x^{(1)}``, ``W^{[2]}``: a superscript that is a whole bracket is an index label (a sample, a
#: layer) as often as a power.
_LABEL_SUPERSCRIPT = re.compile(r"\^\s*\{\s*[(\[][^{}()\[\]]*[)\]]\s*\}")
#: ``\sigma^{-1}(a)``, ``\sigma^2(a)``, ``f^{2}(x)``: a function name with a power before its argument: an
#: inverse or an iterate, a power of the value, or a product.
_POWERED_CALL = re.compile(
    r"(?<![A-Za-z\\])(?P<name>\\(?:sigma|phi|psi|varphi|Phi|Psi)(?![A-Za-z])|[fghpq](?![A-Za-z]))"
    r"\s*\^\s*(?P<power>\{[^{}]*\}|[0-9A-Za-z])\s*(?:\(|\\left\s*\()"
)
#: ``1/2x``, ``a/bc``: 1/(2x) or (1/2)x.
_SLASH_PRODUCT = re.compile(
    r"(?<![A-Za-z0-9}\\])(?:\d+(?:\.\d+)?|[A-Za-z])\s*/\s*(?:\d+(?:\.\d+)?|[A-Za-z])"
    r"(?=\s*(?:[A-Za-z]|\\(?:" + "|".join(sorted(_GREEK)) + r")(?![A-Za-z])))"
)
_SIGMA_CALL = re.compile(r"\\sigma\s*(?:\(|\\left\s*\()")
_SIGMA_BARE = re.compile(r"\\sigma(?![A-Za-z])(?!\s*(?:\(|\\left|_|\^))")


def notation_readings(tex: str, declared: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Notation in ``tex`` with two plausible readings that no declaration of a name's kind
    settles (see `ambiguous_readings` for names before a bracket), each said in words:

    - ``x^{(1)}``, ``W^{[2]}``: a power, or an index label (the first sample, the second layer);
    - ``\\sigma^{-1}(a)``, ``\\sigma^2(a)``: the inverse (logit) or iterate, a power of σ(a), or σ^k·a;
    - ``1/2x``: 1/(2x) or x/2;
    - ``\\sigma(x + 1) = \\sigma x + \\sigma`` when σ is ``declared`` as a quantity and the text
      also uses it bare: the sigmoid, or σ·(x + 1) (``\\sigma(a)`` alone stays the sigmoid, the
      notation profile's reading, so a homework may declare the Gaussian σ and use σ(a)).
    """
    out: list[str] = []
    m = _LABEL_SUPERSCRIPT.search(tex)
    if m:
        label = m.group(0).strip()
        out.append(f"{label} may be a power or an index label (a sample, a layer); write it as a subscript")
    for m in _POWERED_CALL.finditer(tex):
        power = m.group("power").strip("{} ")
        if power in ("\\prime", "'", "\\prime\\prime", "''", "T", "\\top", "*") or "prime" in power:
            continue
        name = m.group("name")
        out.append(
            f"{name}^{{{power}}}(...) may be the inverse or an iterate of {name}, a power of its value, or a "
            f"product; write \\left({name}(\\cdot)\\right)^{{{power}}}, or name the inverse "
            "(e.g. \\operatorname{logit})"
        )
        break
    m = _SLASH_PRODUCT.search(tex)
    if m:
        out.append(f"{m.group(0).strip()}... may be read as a/(b·c) or (a/b)·c; write \\frac{{..}}{{..}}")
    try:
        toks = _tokenize(tex)
    except DeriveError:
        toks = []
    if "i" not in declared and not _BINDS_I.search(tex) and _bare_letter(toks, "i"):
        out.append(
            "i may be the imaginary unit or an index/real variable; declare `i: real` (a variable) or write "
            "\\mathrm{i} for the imaginary unit"
        )
    said = _log_of_product(toks)
    if said:
        out.append(
            f"\\{said} without brackets before several factors may be the log of their product or the log of "
            f"the first times the rest; write \\{said}(...) around what it applies to"
        )
    if "sigma" in declared and _SIGMA_CALL.search(tex) and _SIGMA_BARE.search(tex):
        out.append(
            "\\sigma(...) may be the sigmoid or the declared quantity σ times the bracket; declare "
            "`functions: [sigma]` for the sigmoid, or write \\sigma \\cdot (...)"
        )
    return out


_BINDS_I = re.compile(r"\\(?:sum|prod)\s*_\s*\{?\s*i(?![A-Za-z])")
_TEXT_GROUPS = frozenset({"text", "textrm", "mathrm", "operatorname", "mbox", "label", "tag", "begin", "end"})


def _skip_group(toks: list[_Tok], k: int) -> int:
    """The index after the group or single token starting at ``toks[k]``."""
    if k < len(toks) and toks[k].kind == "sym" and toks[k].text == "{":
        depth = 0
        while k < len(toks):
            if toks[k].kind == "sym" and toks[k].text == "{":
                depth += 1
            elif toks[k].kind == "sym" and toks[k].text == "}":
                depth -= 1
                if depth == 0:
                    return k + 1
            k += 1
        return k
    return k + 1


def _bare_letter(toks: list[_Tok], letter: str) -> bool:
    """Whether ``letter`` occurs outside subscripts and text (``x_{n,i}`` does not count, ``e^{i\\pi}`` does)."""
    k = 0
    while k < len(toks):
        t = toks[k]
        if t.kind == "sym" and t.text == "_":
            k = _skip_group(toks, k + 1)
            continue
        if t.kind == "cmd" and t.text in _TEXT_GROUPS:
            k = _skip_group(toks, k + 1)
            continue
        if t.kind == "letter" and t.text == letter:
            return True
        k += 1
    return False


_PRODUCT_ENDS = frozenset({"+", "-", "=", "<", ">", ")", "]", "}", ",", ";", "|", "&", "\\\\"})


def _log_of_product(toks: list[_Tok]) -> str:
    """``log`` or ``ln`` when one is written without brackets before a product of several factors
    (``\\log \\sigma(a) \\sigma(b)``, ``\\log x y``), else ""."""
    for k, t in enumerate(toks):
        if not (t.kind == "cmd" and t.text in ("log", "ln")):
            continue
        j = k + 1
        if j < len(toks) and toks[j].kind == "sym" and toks[j].text == "_":
            j = _skip_group(toks, j + 1)  # \log_2
        if j >= len(toks) or (toks[j].kind == "sym" and toks[j].text in ("(", "[", "{")) or (
            toks[j].kind == "cmd" and toks[j].text in ("left", "big", "Big", "bigg", "Bigg", "bigl", "Bigl")
        ):
            continue
        if toks[j].kind == "cmd" and toks[j].text in ("sum", "prod", "int", "iint", "oint", "lim", "max", "min"):
            continue  # \\log \\prod_i x_i: the big operator takes all that follows
        # one factor: a name, number or command with its scripts and an applied bracket
        if toks[j].kind == "cmd" and toks[j].text in _FONTS | set(_ACCENTS):
            j = _skip_group(toks, j + 1)
        else:
            j += 1
        while j < len(toks) and toks[j].kind == "sym" and toks[j].text in ("_", "^", "'"):
            j = j + 1 if toks[j].text == "'" else _skip_group(toks, j + 1)
        if j < len(toks) and toks[j].kind == "sym" and toks[j].text == "(":
            depth = 0
            while j < len(toks):
                if toks[j].kind == "sym" and toks[j].text == "(":
                    depth += 1
                elif toks[j].kind == "sym" and toks[j].text == ")":
                    depth -= 1
                    if depth == 0:
                        j += 1
                        break
                j += 1
        if j >= len(toks):
            continue
        nxt = toks[j]
        if nxt.kind == "sym" and nxt.text in _PRODUCT_ENDS:
            continue
        if nxt.kind == "cmd" and (nxt.text in _RELATIONS or nxt.text in ("\\", "right", "end", "cdot", "times")):
            continue
        if nxt.kind == "letter" and nxt.text == "d" and j + 1 < len(toks) and toks[j + 1].kind in ("letter", "cmd"):
            continue  # \\int \\log 2 \\, dx: the differential ends the integrand
        if nxt.kind in ("letter", "num", "cmd") or (nxt.kind == "sym" and nxt.text == "("):
            return t.text
    return ""


def _top_level(toks: list[_Tok]) -> list[_Tok]:
    depth, out = 0, []
    for t in toks:
        if t.kind == "sym" and t.text in ("(", "[", "{", "\\{"):
            depth += 1
        elif t.kind == "sym" and t.text in (")", "]", "}", "\\}"):
            depth -= 1
        elif depth == 0:
            out.append(t)
    return out


def _single_name(toks: list[_Tok]) -> str:
    """The name a bracket holds when it holds exactly one (``(\\sigma)``, ``[\\mathbf{x}]``), else ""."""
    if not toks:
        return ""
    state = _State(table=SymbolTable(), text="", random={}, found={}, implicit=set())
    p = _Parser(list(toks), state)
    try:
        name = _read_name(p)
    except (DeriveError, RecursionError):
        return ""
    return name if p.peek().kind == "end" else ""


@functools.lru_cache(maxsize=1024)
def _names_of_text(tex: str) -> tuple[frozenset[str], frozenset[str]] | None:
    return names_in(tex)


def mentions(tex: str, name: str) -> bool:
    """Whether ``tex`` may use ``name`` (True when unsure: a subscript it cannot read)."""
    found = names_in(tex)
    return found is None or name in found[0] or name.split("_", 1)[0] in found[1]


def _is_transpose_mark(toks: list[_Tok], j: int) -> bool:
    """Whether ``toks[j]`` is ``^`` followed by T, ``\\top``, ``\\intercal`` or one of those in braces."""
    if not (toks[j].kind == "sym" and toks[j].text == "^") or j + 1 >= len(toks):
        return False

    def mark(t: _Tok) -> bool:
        return (t.kind == "letter" and t.text == "T") or (t.kind == "cmd" and t.text in ("top", "intercal"))

    nxt = toks[j + 1]
    if mark(nxt):
        return True
    return (
        nxt.kind == "sym"
        and nxt.text == "{"
        and j + 3 < len(toks)
        and mark(toks[j + 2])
        and toks[j + 3].kind == "sym"
        and toks[j + 3].text == "}"
    )


def transposed_names(tex: str) -> list[frozenset[str]] | None:
    """The names under each transpose of ``tex``: ``x^T`` gives {x}, ``(x - \\mu_1)^T`` gives
    {x, mu_1}, a literal matrix gives the empty set. None when ``tex`` cannot be tokenized.

    `derive.latex_context.settle` uses it to tell a step about vectors from its scalar reading.
    """
    try:
        toks = _tokenize(tex)
    except DeriveError:
        return None
    state = _State(table=SymbolTable(), text=tex, random={}, found={}, implicit=set())
    found: list[frozenset[str]] = []
    starters = _GREEK | _FONTS | set(_ACCENTS)
    opens = {")": "(", "]": "[", "}": "{", "\\}": "\\{"}
    j = 0
    while j < len(toks):
        t = toks[j]
        if t.kind == "sym" and t.text in opens and j + 1 < len(toks) and _is_transpose_mark(toks, j + 1):
            depth, k = 0, j
            while k >= 0:
                u = toks[k]
                if u.kind == "sym" and u.text in opens:
                    depth += 1
                elif u.kind == "sym" and u.text in opens.values():
                    depth -= 1
                    if depth == 0:
                        break
                k -= 1
            if k >= 1 and toks[k - 1].kind == "cmd" and toks[k - 1].text == "end":
                found.append(frozenset())  # \end{bmatrix}^T: a matrix written out
            else:
                inner = names_in(tex[toks[k].pos : t.pos + len(t.text)]) if k >= 0 else None
                found.append(inner[0] if inner is not None else frozenset())
            j += 1
            continue
        if t.kind == "letter" or (t.kind == "cmd" and t.text in starters):
            p = _Parser(toks, state)
            p.i = j
            try:
                name = _read_name(p)
            except (DeriveError, RecursionError):
                j += 1
                continue
            if p.i < len(toks) and _is_transpose_mark(toks, p.i):
                found.append(frozenset({name}))
            j = max(p.i, j + 1)
            continue
        j += 1
    return found


def identity_sizes(tex: str) -> frozenset[str]:
    """The names that size an identity matrix in ``tex``: ``I_k`` and ``I_{k}`` give {k}."""
    try:
        toks = _tokenize(tex)
    except DeriveError:
        return frozenset()
    sizes: set[str] = set()
    for j, t in enumerate(toks[:-1]):
        if t.kind == "letter" and t.text == "I" and toks[j + 1].kind == "sym" and toks[j + 1].text == "_":
            nxt = toks[j + 2] if j + 2 < len(toks) else _END
            if nxt.kind == "sym" and nxt.text == "{":
                nxt = toks[j + 3] if j + 3 < len(toks) else _END
            if nxt.kind == "letter":
                sizes.add(nxt.text)
    return frozenset(sizes)
