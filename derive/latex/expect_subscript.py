"""A variance, covariance or standard deviation whose subscript names its law (``\\mathrm{Var}_{\\mathcal T}``).

ESL writes ``Var_{\\mathcal{T}}(\\hat y_0)`` beside ``E_{\\mathcal{T}}[\\hat y_0]``: the variance over training sets
is the second moment about the mean under the *same* law the expectation ``E_{\\mathcal T}`` averages under.
GPML's ``\\mathrm{var}_{n-1}(f(\\mathbf x_*))`` is the variance under the posterior after n - 1 observations;
``\\mathrm{Cov}_q[x, y]`` a covariance under q. Each is read as the moment under the expectation operator the
reader builds for ``E_{sub}`` (`_ProbabilityGrammar._expectation_operator`):
``Var_{sub}(X) = E_{sub}[X^2] - E_{sub}[X]^2`` and ``Cov_{sub}(X, Y) = E_{sub}[XY] - E_{sub}[X] E_{sub}[Y]``
(derive.tiers._linearity), so a step through both is checked with one operator, and what the subscript says of
its law carries over: ``Var_{x}(2x)`` averages over x, ``Var_{y|x}(g(x) y)`` holds x fixed, and
``Var_{\\mathcal T}(a X)`` takes a out only if a is declared non-random.

Anything else keeps the older reading, an unknown function per label (never evaluated, never a law of moments):
a subscript that draws a variable (``Var_{x \\sim p}``: it would declare x random for the whole step), a law derive
knows (the subscript names a declared random variable), a name the text declares or defines as a function, a
vector argument, the wrong number of arguments (``Var_T(X, Y)``), and words with no moment definition (Corr).

A conditional moment, ``Var(y_0 | x_0)`` (one bar at the bracket's own depth), is the moment under the conditional
expectation the reader builds for ``E[y_0 | x_0]``: ``Var(y | x) = E[y^2 | x] - E[y | x]^2``, never the unconditional
one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sympy.core.function import UndefinedFunction

from derive.errors import DeriveError
from derive.latex.grammar_linear import _is_matrix, _scalar
from derive.latex.prob_marks import _GIVEN, _flat
from derive.tiers._linearity import moment_operator

if TYPE_CHECKING:
    from derive.latex.tokens import _Tok

__all__ = ["conditional_moment", "labelled_moment"]

#: How many arguments each moment takes (a conditioning ``| x`` is read apart, as ``given``).
_ARITY = {"Var": 1, "Std": 1, "Cov": 2}


def labelled_moment(parser: Any, name: str, sub_toks: list[_Tok], args: list[Any]) -> Any | None:
    """``name_{sub}(args)`` as the moment under the operator of ``E_{sub}`` (see the module), or None: the caller
    keeps its own reading. ``parser``: the `_Parser` reading the step (its subscript reader and declarations);
    ``args``: the arguments as read, a conditioning among them as ``given(...)``."""
    if name not in _ARITY or not sub_toks or name in parser.functions or parser.declared(name):
        return None
    if any(t.kind == "cmd" and t.text == "sim" for t in sub_toks):
        return None  # Var_{x \sim p}: reading the subscript would declare x random beyond this moment
    scalars = [_scalar(a) for a in args]
    if any(_is_matrix(a) for a in scalars):
        return None  # Cov_q[x] of a vector is a matrix, not one covariance
    values = [a for a in scalars if getattr(getattr(a, "func", None), "__name__", "") not in ("given", "parameters")]
    if len(values) != _ARITY[name]:
        return None
    operator, _ = parser._expectation_operator(sub_toks)
    if not isinstance(operator, UndefinedFunction):
        return None  # a law derive knows (the plain E): the moment's own reading there is the caller's
    label = operator.__name__.removeprefix("E_")
    if label.startswith("{") and label.endswith("}"):
        label = label[1:-1]
    moment = moment_operator(name, operator, label)
    if moment is None:
        return None
    return moment(*scalars)


def _top_bars(toks: list[_Tok]) -> list[int]:
    """The positions of the bars (``|``, ``\\mid``) outside every bracket of ``toks``."""
    out, depth = [], 0
    for k, t in enumerate(toks):
        if t.kind == "sym" and t.text in ("(", "[", "{", "\\{"):
            depth += 1
        elif t.kind == "sym" and t.text in (")", "]", "}", "\\}"):
            depth -= 1
        elif depth == 0 and ((t.kind == "sym" and t.text == "|") or (t.kind == "cmd" and t.text in ("mid", "vert"))):
            out.append(k)
    return out


def _parts(parser: Any, toks: list[_Tok]) -> list[Any] | None:
    """The comma-separated values of ``toks`` as scalars, or None (empty, unreadable, a vector)."""
    from derive.latex.tokens import _split_top  # noqa: PLC0415 - tokens imports nothing of the grammar

    out = []
    for part in _split_top(toks, {","}):
        if not part:
            return None
        try:
            value = _scalar(parser.sub(part).parse_all())
        except (DeriveError, ValueError, TypeError):
            return None
        if _is_matrix(value):
            return None
        out.append(value)
    return out


def conditional_moment(parser: Any, name: str, inner: list[_Tok]) -> Any | None:
    """``Var(y | x)``, ``Cov(y, z | x)`` (``inner``: the tokens inside the brackets) as the moment under the conditional
    expectation given what follows the bar; None when there is no single bar at the bracket's depth, the word is
    declared by the text, or a part is unreadable: the caller keeps its own reading."""
    if name not in _ARITY or name in parser.functions or parser.declared(name):
        return None
    bars = _top_bars(inner)
    if len(bars) != 1:
        return None
    values, given = _parts(parser, inner[: bars[0]]), _parts(parser, inner[bars[0] + 1 :])
    if values is None or given is None or len(values) != _ARITY[name]:
        return None
    moment = moment_operator(name)
    if moment is None:
        return None
    return moment(*values, _GIVEN(*_flat(given)))
