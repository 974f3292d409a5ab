"""A density the text names for a random variable: ``P(X \\in (a, b]) = \\int_a^b p(x)\\,dx``, ``\\int p(x)\\,dx = 1``.

"a random variable $X$ with density $p(x)$", "Let $X$ be a random variable with density $p(x)$", "the density
function ... for a random variable $X$ ... is a function $p(x)$", "$p$ is the density of $X$" make p the density
of X (in the part of the text up to the next heading).
`density_proof` then proves a step (never refutes one) that holds by what a density is:

- a probability of an interval of X alone (``P(X \\in (a, b])``, ``P(X \\le x)``, ``P(X \\in \\mathbb{R})``, ends open
  or closed: a density puts no mass on a point) is the integral of p over it;
- the integral of p over the whole line is 1, and each integral of p alone over [a, b] is F(b) - F(a) for its
  distribution function F (0 at -oo, 1 at oo), so integrals over adjoining ranges add up.

Both sides so rewritten must then be equal exactly (bound names renamed alike). The sentence must stand (no "if",
"not", "would", "might", "could", "whether" in it), name one capital letter X and a lower-case x = X's letter as
p's argument; a second density named for X (or for p) in the part, a formula for p stated after it (``p(x) =
...``: then p is that function), a ``p`` the step's symbols declare, or another name than ``P`` for the
probability makes it stand down.
"""

from __future__ import annotations

import re
from typing import Any

import sympy
from sympy.core.function import AppliedUndef

__all__ = ["densities_in", "density_proof"]

_P = r"\$(?P<p>p(?:_\{?[A-Za-z]\}?)?)\s*(?:\(\s*(?P<x>[a-z])\s*\))?\s*\$"
_X = r"\$(?P<X>[A-Z])\$"
_DENSITY = r"(?:probability\s+)?density(?:\s+function)?"
#: Words within one paragraph and sentence, no math.
_WORDS = r"(?:(?!\n\s*\n)[^.$]){0,80}?"
_STATED = [
    # "a random variable $X$ with density $p(x)$"
    re.compile(rf"random\s+variable\s+{_X}\s+(?:with|having)\s+(?:a\s+|the\s+)?{_DENSITY}\s+(?:given\s+by\s+)?{_P}"),
    # "Let $X$ be a random variable with density $p(x)$"
    re.compile(
        rf"{_X}\s+(?:is|be)\s+(?:a|an)\s+(?:continuous\s+)?random\s+variable\s+(?:with|having)\s+(?:a\s+|the\s+)?"
        rf"{_DENSITY}\s+(?:given\s+by\s+)?{_P}"
    ),
    # "$p(x)$ is the density of $X$", "$p_X$ is the probability density function of $X$"
    re.compile(rf"{_P}\s+(?:is|be|denotes?)\s+(?:the|a)\s+{_DENSITY}\s+of\s+{_X}"),
    # "a probability density function ... for a random variable $X$, namely the density function is a function $p(x)$"
    re.compile(
        rf"{_DENSITY}{_WORDS}\b(?:for|of)\s+(?:a|the|some)?\s*(?:continuous\s+)?random\s+variable\s+{_X}"
        rf"{_WORDS}\b(?:is|be)\s+(?:a\s+function\s+|the\s+function\s+)?{_P}",
        re.IGNORECASE,
    ),
]
_HEDGE = re.compile(r"\bif\b|\bnot\b|n't\b|\bnever\b|\bwould\b|\bmight\b|\bcould\b|\bwhether\b|\bunless\b", re.I)
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n\s*\n")
_HEADING = re.compile(
    r"\\(?:part|chapter|section|subsection|subsubsection|paragraph)\*?\s*[\[{]|^ {0,3}#{1,6}[ \t]+\S", re.MULTILINE
)
_INTERVAL = {"event_gt": ("lo",), "event_ge": ("lo",), "event_lt": ("hi",), "event_le": ("hi",)}


def densities_in(before: str) -> dict[str, tuple[str, str, int]]:
    """p's name -> (X, what was said, its offset in ``before``) for each density ``before`` states after its last
    heading (see the module docstring); a name or a variable stated twice differently is left out."""
    start = 0
    for m in _HEADING.finditer(before):
        start = m.start()
    text = before[start:]
    found: dict[str, tuple[str, str, int]] = {}
    clash: set[str] = set()
    for pattern in _STATED:
        for m in pattern.finditer(text):
            name, var, arg = m.group("p"), m.group("X"), m.group("x")
            if arg is not None and arg != var.lower():
                continue
            cut = 0
            for e in _SENTENCE_END.finditer(text, max(0, m.start() - 300), m.start()):
                cut = e.end()
            end = _SENTENCE_END.search(text, m.end())
            sentence = re.sub(r"\$[^$]*\$", " x ", text[cut : end.start() if end else len(text)])
            if _HEDGE.search(sentence):
                continue
            key = name.replace("{", "").replace("}", "").replace(" ", "")
            if key in found and found[key][0] != var:
                clash.add(key)
            found.setdefault(key, (var, " ".join(m.group().split()), start + m.start()))
    variables = [v for v, _, _ in found.values()]
    return {k: v for k, v in found.items() if k not in clash and variables.count(v[0]) == 1}


def density_proof(step: Any, result: Any, before: str, full: str = "") -> Any | None:
    """A PROVED result for ``step`` through a density the text states before it, or None."""
    from derive.errors import DeriveError  # noqa: PLC0415
    from derive.language.symbols import SymbolTable  # noqa: PLC0415
    from derive.latex.parser import parse_latex  # noqa: PLC0415
    from derive.model import Evidence, Method, Outcome, Relation, Result, Verdict  # noqa: PLC0415

    claim = getattr(step, "claim", None)
    if claim is None or claim.relation is not Relation.EQ or getattr(step, "kind", "step") != "step":
        return None
    if getattr(step, "uses", ()) or "densit" not in before:
        return None
    stated = densities_in(before)
    if not stated:
        return None
    symbols = dict(claim.symbols)
    try:
        table = SymbolTable(symbols)
        sides = [parse_latex(str(claim.lhs), table), parse_latex(str(claim.rhs), table)]
    except (DeriveError, RecursionError, ValueError, TypeError):
        return None
    if not all(isinstance(s, sympy.Expr) for s in sides):
        return None
    for name, (var, said, at) in stated.items():
        fname = name
        if fname in symbols or var in symbols or "P" in symbols:
            continue
        head = re.escape(name).replace("_", r"_?\{?") + r"\}?"
        if re.search(rf"(?<![A-Za-z\\]){head}\s*(?:\([^()]*\))?\s*=(?!=)", before[at:]):
            continue  # the text gives p a formula (or another meaning) after saying it is the density
        try:
            rewritten = [_rewrite(s, fname, var) for s in sides]
        except (RecursionError, ValueError, TypeError, AttributeError):
            continue
        if any(r is None for r in rewritten) or rewritten == sides:
            continue
        try:
            zero = sympy.simplify(rewritten[0].as_dummy() - rewritten[1].as_dummy()) == 0
        except (RecursionError, ValueError, TypeError, AttributeError):
            zero = False
        if not zero:
            continue
        full = full if full.startswith(before) else before
        line = getattr(step, "line", 0) - full[at:].count("\n")
        summary = (
            f"proved with {name} the density of {var}, as the text states (“{said}”, line {line}): the probability "
            f"of an interval of {var} is the integral of {name} over it (its ends carry no mass), and {name} "
            "integrates to 1 over the whole line"
        )
        ev = Evidence(Method.SYMBOLIC, summary, difference="0", route="stated density")
        return Result(result.claim, Verdict.PROVED, Method.SYMBOLIC, result.seconds, (Outcome(Verdict.PROVED, ev),))
    return None


def _rewrite(expr: sympy.Expr, name: str, var: str) -> sympy.Expr | None:
    """``expr`` with each ``P(interval of var)`` the integral of ``name`` over it and each whole-line integral of
    ``name`` 1; None when another application of P or of the density is there (``P(X \\le x | Y)``, ``p(x, y)``)."""
    X = sympy.Symbol(var, real=True)  # noqa: N806
    replacements: dict[sympy.Basic, sympy.Basic] = {}
    for node in sympy.preorder_traversal(expr):
        if not isinstance(node, AppliedUndef):
            continue
        head = node.func.__name__
        if head == "P":
            if len(node.args) != 1:
                return None
            ends = _interval(node.args[0], X)
            if ends is None:
                return None
            t = sympy.Dummy("t", real=True)
            replacements[node] = sympy.Integral(sympy.Function(name)(t), (t, *ends))
        elif head == name and len(node.args) != 1:
            return None
    out = expr.xreplace(replacements)
    cdf = sympy.Function(f"{name}[distribution function]")
    ends: dict[sympy.Basic, sympy.Basic] = {-sympy.oo: sympy.Integer(0), sympy.oo: sympy.Integer(1)}
    integrals: dict[sympy.Basic, sympy.Basic] = {}
    for node in sympy.preorder_traversal(out):
        if isinstance(node, sympy.Integral) and len(node.limits) == 1 and len(node.limits[0]) == 3:
            v, lo, hi = node.limits[0]
            body = node.function
            if isinstance(body, AppliedUndef) and body.func.__name__ == name and body.args == (v,):
                # the integral of a density over [lo, hi] is its distribution function's increase there
                integrals[node] = ends.get(hi, cdf(hi)) - ends.get(lo, cdf(lo))
    return out.xreplace(integrals)


def _interval(event: sympy.Basic, X: sympy.Symbol) -> tuple[sympy.Expr, sympy.Expr] | None:  # noqa: N803
    """(lower end, upper end) of an event that is an interval of X (``X > a``, ``a < X \\le b``), or None."""
    parts = list(event.args) if isinstance(event, AppliedUndef) and event.func.__name__ == "event_and" else [event]
    lo: sympy.Expr = -sympy.oo
    hi: sympy.Expr = sympy.oo
    seen: set[str] = set()
    for part in parts:
        if not isinstance(part, AppliedUndef) or part.func.__name__ not in _INTERVAL or len(part.args) != 2:
            return None
        left, bound = part.args
        if left != X or X in bound.free_symbols or not isinstance(bound, sympy.Expr):
            return None
        (side,) = _INTERVAL[part.func.__name__]
        if side in seen:
            return None
        seen.add(side)
        if side == "lo":
            lo = bound
        else:
            hi = bound
    return lo, hi
