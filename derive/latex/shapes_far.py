"""The far size of a sweep: one size past the small ones and past every number the step writes.

A step whose truth depends on the size (``(\\mathrm{tr}(I) - 1)(\\mathrm{tr}(I) - 2)(\\mathrm{tr}(I) - 3) = 0``,
``\\mathrm{tr}(I) \\le 3``) can hold at the sizes 1, 2, 3 every sweep checks and fail past them. Every sweep
(declared letter sizes, `derive.latex.shapes.size_readings`; shapes of undeclared names,
`derive.latex.shapes.shape_readings`; shape families) therefore also checks the step at `far_size`: past 3 and past
every number written in it, so that a polynomial in the size whose roots are the step's own numbers, or a
threshold at one of them, cannot vanish or hold there.

A symbolic matrix of size 4 or more is costly to invert (the reader builds ``A^{-1}`` of a 4x4 matrix of symbols
in seconds, of a 5x5 in minutes) or to take the determinant of past size 5. Such a far reading is not run by the
engine: it is checked here (`offline_result`), exactly, with rational numbers for the entries of every vector and
matrix (symmetric positive definite ones for an ``spd`` kind) and for the scalars left, at two points, within
`_SECONDS`. It can only hold there (then the sweep may be ``verified``, naming that check) or leave the step
undecided: a failure found so is no refutation (the engine's readers, Landau terms, laws, may read the step
otherwise), and a step it cannot read or finish is not checked at that size, which it says.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
import threading
import time
from dataclasses import replace
from fractions import Fraction
from typing import TYPE_CHECKING

from derive.errors import DeriveError
from derive.language.symbols import SymbolKind, parse_kind
from derive.model import Evidence, Method, Outcome, Relation, Result, Verdict

if TYPE_CHECKING:
    from derive.latex.records import Step
    from derive.latex.shapes import Reading

#: The far size is at least this: past the small sizes 1, 2, 3 every sweep checks.
FAR_MIN = 4
#: Past this the far size is too large to check even with numbers (a step that writes 20 or 1000).
FAR_LIMIT = 12
#: The engine runs a far reading up to this size when no inverse is in it; past it, or with one, `offline_result`.
ENGINE_LIMIT = 5
#: The reason of a check with numbers that found the step false there (exactly), not merely unread.
FAILS = "fails with numbers"
#: Time for the check with numbers (each of its two points).
_SECONDS = 4.0
#: A number written in the step (``3``, ``4.0``, ``10``): the far size passes it.
_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")
#: A negative power (``A^{-1}``, ``\\Sigma^{-\\frac12}``, ``X^{-2}``): an inverse the reader builds of symbols.
_INVERSE = re.compile(r"\^\s*\{?\s*-|\\inv(?![A-Za-z])|\\operatorname\s*\{\s*inv")
#: A determinant, whose symbolic expansion has n! terms (not the bar of an evaluation ``\\right|_{n = 4}``).
_DETERMINANT = re.compile(
    r"\\det(?![A-Za-z])|\\(?:mathrm|operatorname|text)\s*\{\s*det\s*\}|\\[lr]?vert|(?<!\\right)\|"
)


def far_size(texts: list[str] | tuple[str, ...]) -> int:
    """The far size of a step whose sides are ``texts``: past `FAR_MIN` - 1, past every number written and every
    number the step computes from numbers alone (``2^2``, ``\\frac{8}{2}``, ``- 3 - 1``: a root at 4 hidden so) or
    from constants as the reader reads them (``2\\pi``, ``e^{\\sqrt{3}}``, ``\\lceil \\pi \\rceil + 3``), and past
    where a kink of the size sits (``\\lfloor n / \\pi^2 \\rfloor`` at 9.87: `_read_values`)."""
    numbers = [float(n) for tex in texts for n in _NUMBER.findall(tex) if len(n) < 12]
    numbers += [abs(v) for tex in texts for v in _computed(tex)]
    numbers += [v for tex in texts for v in _read_values(tex)]
    return max(FAR_MIN, math.floor(min(max(numbers, default=0), _BIG)) + 1)


def far_sizes(texts: list[str] | tuple[str, ...]) -> tuple[int, ...]:
    """The sizes past 3 a sweep checks: each one up to one past the far size (a factor that vanishes at the far size
    but not below it, or at every other size, fails at one of them); when the far size is past `FAR_LIMIT`, 4 and
    the far size alone, which `offline_result` reports as too large to check (the step is then never verified)."""
    far = far_size(texts)
    return tuple(range(FAR_MIN, far + 2)) if far <= FAR_LIMIT else (FAR_MIN, far)


def swept_sizes(texts: list[str] | tuple[str, ...]) -> tuple[int, ...]:
    """Every size a sweep checks: 1 to `FAR_MIN` - 1, then `far_sizes`."""
    return (*range(1, FAR_MIN), *far_sizes(texts))


_BIG = 10**6  # a computed number past this is past any size checked anyway
#: Characters of a side read here for its constants, the parts of it looked at and the seconds spent (in the reader).
_READ_TEXT = 1500
_READ_NODES = 3000
_READ_SECONDS = 2.0
#: Functions whose value jumps or bends where their argument changes sign (or, `_STEPS`, crosses an integer).
_KINKS = frozenset(
    {"Max", "Min", "Abs", "Heaviside", "sign", "Piecewise", "binomial", "RisingFactorial", "FallingFactorial"}
)
_STEPS = frozenset({"floor", "ceiling", "frac", "Mod", "round"})
#: A kink in LaTeX (`_KINKS`, `_STEPS`), in a side too long to read here.
_BENDS = re.compile(r"\\(?:max|min|[lr]floor|[lr]ceil|binom|operatorname|mathrm\s*\{\s*sign)(?![A-Za-z])")
#: The values of a letter a kink's argument is scanned at (the sizes a sweep might check and past them).
_SCAN = range(1, 65)
#: Values past the scan where a kink's argument must keep its last sign or integer part (else a kink lies beyond).
_BEYOND = (10**3, 10**6, 10**12, 10**100)


@functools.lru_cache(maxsize=512)
def _read_values(tex: str) -> tuple[float, ...]:
    """Magnitudes the far size must pass, from a side as the reader reads it: the side's value when it is a constant
    (``2\\pi`` of ``\\mathrm{tr}(I) \\le 2\\pi``), the constant part of each sum or product with a letter in it
    (``2\\pi`` of ``n - 2\\pi``, ``e^{\\ln 2 + \\ln 3}``), and the first two values of a letter where the argument of
    a kink of that letter alone changes sign or integer part (``\\lfloor \\log_2 n \\rfloor - 2`` under a max: 8).
    A side that does not read here without its declarations (``(AB)_{ii}``) is read in its brackets and kinks
    (`_fragments`); a kink that does not read so, or a side too long or slow to read, is past every size."""
    if len(tex) > _READ_TEXT:
        # too long to read here: its written numbers stand alone, unless it bends (then past any size checked)
        return (_BIG,) if _BENDS.search(tex) else ()
    whole = _values_of(tex)
    if whole is not None:
        return whole
    out: list[float] = []
    for part in _fragments(tex):
        found = _values_of(part)
        if found is None and _BENDS.search(part):
            return (*out, _BIG)  # a kink derive cannot read here: where it sits is unknown
        out += found or ()
    return tuple(out)


def _values_of(tex: str) -> tuple[float, ...] | None:
    """`_read_values` of a text that reads with nothing declared; None where it does not read."""
    import sympy  # noqa: PLC0415

    from derive.language.symbols import SymbolTable  # noqa: PLC0415
    from derive.latex.parser import parse_latex  # noqa: PLC0415

    try:
        expr = parse_latex(tex, SymbolTable({}))
    except Exception:  # the reader's LatexError, sympy's errors: read in parts, or only its written numbers
        return None
    if not isinstance(expr, sympy.Basic):
        return None
    out = _magnitude(expr) if not expr.free_symbols else []
    start = time.perf_counter()
    for k, node in enumerate(sympy.preorder_traversal(expr)):
        if k > _READ_NODES or time.perf_counter() - start > _READ_SECONDS:
            return (*out, _BIG)  # not read to the end: a constant may be left, so the step is past any size checked
        if isinstance(node, (sympy.Add, sympy.Mul)) and node.free_symbols:
            out += _magnitude(node.func(*(a for a in node.args if not a.free_symbols)))
        name = type(node).__name__
        if name in _KINKS or name in _STEPS:
            arguments = [a for a in node.args if isinstance(a, sympy.Expr)]
            arguments += [a - b for a in arguments for b in arguments if a is not b]
            deadline = start + _READ_SECONDS
            out += [float(m) for a in dict.fromkeys(arguments) for m in _changes(a, name in _STEPS, deadline)]
    return tuple(out)


#: A kink written as a call or between floor or ceiling bars: read on its own where its side does not read.
_KINK_CALL = re.compile(r"\\(?:max|min)\s*(?:\\left\s*)?\(")
_BARS = re.compile(r"(?:\\left\s*)?\\l(floor|ceil)(?![A-Za-z]).*?(?:\\right\s*)?\\r\1(?![A-Za-z])", re.DOTALL)
_FRAGMENTS = 80


def _fragments(tex: str) -> list[str]:
    """The parts of a side read on their own: the contents of each bracket and brace, each ``\\max(...)`` and
    ``\\min(...)`` call and each ``\\lfloor ... \\rfloor`` (``\\lceil``), at most `_FRAGMENTS` of them."""
    out = [m.group() for m in _BARS.finditer(tex)]
    opened: list[int] = []
    for k, c in enumerate(tex):
        if c in "({" and (k == 0 or tex[k - 1] != "\\"):
            opened.append(k)
        elif c in ")}" and opened and (k == 0 or tex[k - 1] != "\\"):
            at = opened.pop()
            out.append(tex[at + 1 : k])
            call = next((m for m in _KINK_CALL.finditer(tex, max(0, at - 12), at + 1) if m.end() == at + 1), None)
            if call is not None:
                out.append(tex[call.start() : k + 1])
    return [f for f in dict.fromkeys(out) if f.strip()][:_FRAGMENTS]


def _magnitude(value: object) -> list[float]:
    """|value| when it is a finite real number without sums or integrals to evaluate, else nothing."""
    import sympy  # noqa: PLC0415

    if not isinstance(value, sympy.Expr) or value.has(sympy.Integral, sympy.Sum, sympy.Product, sympy.Limit):
        return []
    try:
        number = complex(sympy.N(value, 15))
    except (TypeError, ValueError, AttributeError):
        return []
    if not math.isfinite(number.real) or abs(number.imag) > 1e-9 * max(1.0, abs(number.real)):
        return []
    return [abs(number.real)]


def _changes(argument: object, steps: bool, deadline: float) -> list[int]:
    """The first two values of the one letter of ``argument`` (in `_SCAN`) where its sign, or with ``steps`` its
    integer part, differs from the value before: where a kink of it sits (none for an argument of other letters, or
    `_BIG` when the scan passes ``deadline``, a `time.perf_counter` value: the sweep is then too large to check)."""
    import sympy  # noqa: PLC0415

    letters = getattr(argument, "free_symbols", set())
    if len(letters) != 1 or argument.has(sympy.Integral, sympy.Sum, sympy.Product, sympy.Limit):
        return []
    (letter,) = letters
    seen: list[int] = []
    last = None
    for m in _SCAN:
        if time.perf_counter() > deadline:
            return [_BIG]  # not scanned to the end: where the kink sits is unknown, past any size checked
        try:
            value = complex(argument.subs(letter, m).evalf(15))
        except (TypeError, ValueError, AttributeError, ZeroDivisionError):
            continue
        if not math.isfinite(value.real) or abs(value.imag) > 1e-9:
            continue
        level = math.floor(value.real) if steps else (value.real > 0) - (value.real < 0)
        if last is not None and level != last:
            seen.append(m)
            if len(seen) == 2:
                return seen
        last = level
    # fewer than two kinks in the scan: one far past it (\lfloor \ln n / 2\pi \rfloor at 536) is past every size checked
    for m in _BEYOND:
        try:
            value = complex(argument.subs(letter, m).evalf(15))
        except (TypeError, ValueError, AttributeError, ZeroDivisionError):
            return [*seen, _BIG]
        level = math.floor(value.real) if steps else (value.real > 0) - (value.real < 0)
        if not math.isfinite(value.real) or level != last:
            return [*seen, _BIG]
    return seen


#: What joins numbers into a number: operators, parentheses, braces (``\\frac``, ``\\cdot``, ``\\times`` rewritten).
_RUN = re.compile(r"[0-9.+\-*/^()\s]+")


def _computed(tex: str) -> list[Fraction]:
    """The values of the runs of ``tex`` made of numbers and operators alone, each evaluated as far as it reads."""
    flat = re.sub(r"\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}", r"((\1)/(\2))", tex)
    flat = re.sub(r"\\(?:cdot|times)(?![A-Za-z])", "*", flat).replace("{", "(").replace("}", ")")
    flat = re.sub(r"\\(?:left|right)(?![A-Za-z])", "", flat)
    out: list[Fraction] = []
    for m in _RUN.finditer(flat):
        tokens = _balanced(re.findall(r"\d+(?:\.\d+)?|[-+*/^()]", m.group()))
        if tokens[:1] == ["^"] or flat[: m.start()].rstrip().endswith("_"):
            # x^2 + 2, x_{12} + 3: the exponent or subscript belongs to the name before, the rest stands apart
            tokens = tokens[1:] if tokens[:1] == ["^"] else tokens
            first = _primary_end(tokens)
            out += [v for v in (_Folder(tokens[:first]).value(), _Folder(tokens[first:]).value()) if v is not None]
            continue
        value = _Folder(tokens).value()
        if value is not None:
            out.append(value)
    return out


def _primary_end(tokens: list[str]) -> int:
    """Where the first number or parenthesised group of ``tokens`` ends."""
    depth = 0
    for k, t in enumerate(tokens):
        depth += {"(": 1, ")": -1}.get(t, 0)
        if depth == 0 and t not in ("-", "+"):
            return k + 1
    return len(tokens)


def _balanced(tokens: list[str]) -> list[str]:
    """``tokens`` without the parentheses that close or open outside the run."""
    keep = [True] * len(tokens)
    opened: list[int] = []
    for k, t in enumerate(tokens):
        if t == "(":
            opened.append(k)
        elif t == ")":
            if opened:
                opened.pop()
            else:
                keep[k] = False
    for k in opened:
        keep[k] = False
    out = [t for t, kept in zip(tokens, keep, strict=True) if kept]
    while out and out[-1] in "+-*/^":
        out.pop()  # "3 -" before a letter: the number stands alone
    while out and out[0] in "*/":
        out.pop(0)
    return out


class _Folder:
    """A number-only expression evaluated exactly (+ - * / ^ and parentheses); None where it does not read."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens, self.at = tokens, 0

    def value(self) -> Fraction | None:
        try:
            v = self._sum()
        except (ValueError, ZeroDivisionError, OverflowError, IndexError):
            return None
        return v if self.at == len(self.tokens) and abs(v) < _BIG else None

    def _peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _sum(self) -> Fraction:
        v = self._product()
        while self._peek() in ("+", "-"):
            op = self.tokens[self.at]
            self.at += 1
            v = v + self._product() if op == "+" else v - self._product()
        return v

    def _product(self) -> Fraction:
        v = self._power()
        while self._peek() in ("*", "/", "(") or (self._peek() or "x")[0].isdigit():
            op = self.tokens[self.at] if self._peek() in ("*", "/") else "*"  # 2(3) and 2 3: a product
            self.at += self._peek() in ("*", "/")
            v = v * self._power() if op == "*" else v / self._power()
        return v

    def _power(self) -> Fraction:
        base = self._unary()
        if self._peek() == "^":
            self.at += 1
            exponent = self._power()
            if exponent.denominator != 1 or abs(exponent) > 40 or abs(base) > _BIG:
                raise ValueError(exponent)
            return base ** int(exponent)
        return base

    def _unary(self) -> Fraction:
        item = self._peek()
        if item in ("-", "+"):
            self.at += 1
            v = self._unary()
            return -v if item == "-" else v
        if item == "(":
            self.at += 1
            v = self._sum()
            if self._peek() != ")":
                raise ValueError(item)
            self.at += 1
            return v
        if item is None or not item[0].isdigit():
            raise ValueError(item)
        self.at += 1
        return Fraction(item)


def far_kind(kind: str, size: int) -> str:
    """``kind`` at the far size: every vector and matrix dimension becomes ``size`` (all equal, so whatever
    conformed at 2 and 3 conforms), an identity too; a scalar stays."""
    if kind.startswith("identity "):
        return f"identity {size}"
    if kind.startswith("vector "):
        return f"vector {size}"
    return re.sub(r"matrix \S+?\s*x\s*\S+$", f"matrix {size}x{size}", kind)


def costly(step: Step, texts: list[str] | tuple[str, ...], size: int) -> bool:
    """Whether the engine would build something too costly of symbols at ``size``: an inverse past size 3; with
    matrices of symbols, a size past `ENGINE_LIMIT` or a determinant (or bars that may be one) past size 4."""
    if size <= 3:
        return False
    if any(_INVERSE.search(t) for t in texts):
        return True
    kinds = [parse_kind(k) for _, k in step.claim.symbols if _known(k)]
    if not any(k.is_matrix and k.base != "vector" for k in kinds):
        return False  # vectors and scalars: n symbols at size n
    return size > ENGINE_LIMIT or (size > FAR_MIN and any(_DETERMINANT.search(t) for t in texts))


def _known(kind: str) -> bool:
    try:
        parse_kind(kind)
    except DeriveError:
        return False
    return True


def offline_result(reading: Reading) -> Result:
    """The far reading checked with numbers (see the module): ``verified`` when both sides agree exactly at two
    points, otherwise undecided, saying what was found."""
    step = reading.step
    start = time.perf_counter()
    size = max((n for _, n in reading.sizes), default=0)
    if size > FAR_LIMIT:
        why = (
            f"not checked at size {size} (past every number the step writes, too large to check): the sizes checked "
            "do not exclude a step true only at small sizes; declare the sizes with numbers (vector 3) to check it"
        )
        return _result(step.claim, Verdict.UNDECIDED, why, start, "size")
    if threading.current_thread() is not threading.main_thread():
        why = f"not checked at {reading.label}: the check with numbers needs the main thread for its time budget"
        return _result(step.claim, Verdict.UNDECIDED, why, start, "size")
    from derive.tiers.symbolic import bounded  # noqa: PLC0415 - only a far reading needs the budget

    for seed in (0, 1):
        got = bounded(lambda seed=seed: _difference(step, seed), _SECONDS)
        if got is None:
            why = f"not checked at {reading.label}: the check with numbers ran out of its {_SECONDS:g} s"
            return _result(step.claim, Verdict.UNDECIDED, why, start, "timeout")
        if got != "holds":
            why = f"checked with numbers for the entries and scalars, the step does not hold there: {got}"
            failed = got.startswith(("lhs - rhs =", "the sides have different shapes"))
            return _result(step.claim, Verdict.UNDECIDED, why, start, FAILS if failed else "unread")
    if step.claim.relation not in (Relation.EQ, Relation.APPROX):
        # an inequality may fail only near where its sides meet ((x_1 + ... + x_4)^2 <= 3 x^T x at equal
        # entries): two points cannot see that, only the engine's margin search can
        why = f"holds at two points with numbers at {reading.label}, which says little of an inequality"
        return _result(step.claim, Verdict.UNDECIDED, why, start, "unread")
    summary = (
        f"holds exactly at {reading.label} at two points with rational numbers for every entry and scalar "
        "(a symbolic check at that size costs too much)"
    )
    return _result(step.claim, Verdict.VERIFIED, summary, start, None)


def _result(claim: object, verdict: Verdict, summary: str, start: float, reason: str | None) -> Result:
    ev = Evidence(Method.NUMERIC, summary, reason=reason)
    return Result(claim, verdict, Method.NUMERIC, time.perf_counter() - start, (Outcome(verdict, ev),))  # type: ignore[arg-type]


def _number(key: str, *, positive: bool = False, integer: bool = False) -> object:
    """A rational (or integer) drawn from ``key``: signed unless ``positive``."""
    import sympy  # noqa: PLC0415

    digest = hashlib.sha256(key.encode()).digest()
    if integer:
        return sympy.Integer(digest[0] % 5 + 2)
    value = sympy.Rational(int.from_bytes(digest[:2], "big") % 97 + 1, int.from_bytes(digest[2:4], "big") % 89 + 2)
    return value if positive or digest[4] % 2 == 0 else -value


def _matrix(name: str, kind: SymbolKind, seed: int) -> object:
    """Rational entries for a vector or matrix kind; an ``spd`` one is B B^T + I, symmetric positive definite."""
    import sympy  # noqa: PLC0415

    def entry(i: int, j: int) -> object:
        return _number(f"{seed}:{name}:{i}:{j}")

    if kind.base == "spd":
        b = sympy.Matrix(kind.rows, kind.rows, entry)
        return sympy.ImmutableMatrix(b * b.T + sympy.eye(kind.rows))
    return sympy.ImmutableMatrix(kind.rows, kind.cols, entry)


def _difference(step: Step, seed: int) -> str:
    """ "holds" when the step holds exactly with numbers drawn from ``seed``, else what was found.

    The scalars' numbers go in before reading where that reads (fast, `_plain_scalars`); where it does not hold
    so, the step is read again with its symbols (a name the step reads as a vector, w_0 beside a declared w, was
    taken for a scalar there), and that reading's answer stands."""
    plain = _plain_scalars(step, dict(step.claim.symbols), seed)
    found = _difference_with(step, seed, plain) if plain else None
    return found if found == "holds" else _difference_with(step, seed, {})


def _difference_with(step: Step, seed: int, plain: dict[str, object]) -> str:
    import sympy  # noqa: PLC0415

    from derive.language.symbols import SymbolSpec, SymbolTable  # noqa: PLC0415
    from derive.latex.parser import parse_latex  # noqa: PLC0415

    symbols = dict(step.claim.symbols)
    try:
        table = SymbolTable({n: k for n, k in symbols.items() if not parse_kind(k).is_matrix})
        for name, kind in symbols.items():
            parsed = parse_kind(kind)
            if parsed.is_matrix:
                table._specs[name] = SymbolSpec(name, parsed, _matrix(name, parsed, seed))
        for name, value in plain.items():
            table._specs[name] = SymbolSpec(name, parse_kind("real"), value)
        values = []
        for side in (step.claim.lhs, step.claim.rhs):
            values.append(
                parse_latex(
                    str(getattr(side, "text", side)),
                    table,
                    random=dict(step.claim.random),
                    densities=dict(getattr(side, "densities", ())),
                    bound=frozenset(getattr(side, "bound", ())),
                )
            )
    except Exception as exc:  # the reader's LatexError, sympy's ShapeError...
        return f"derive could not read the step there ({type(exc).__name__})"
    try:
        lhs, rhs = (v.doit() if isinstance(v, sympy.Basic) else v for v in values)  # Inverse(...) of numbers: computed
    except Exception as exc:  # a limit whose value depends on a sign sympy cannot tell (NotImplementedError), ...
        return f"derive could not compute the sides there ({type(exc).__name__})"
    lhs, rhs = (sympy.ImmutableMatrix(v) if isinstance(v, sympy.MatrixExpr) else v for v in (lhs, rhs))
    lhs_m, rhs_m = isinstance(lhs, sympy.MatrixBase), isinstance(rhs, sympy.MatrixBase)
    if lhs_m != rhs_m and sympy.sympify(rhs if lhs_m else lhs) == 0:
        # A B - B A = 0: the reader takes a zero side for the zero matrix of the other side's shape
        lhs, rhs = (lhs, sympy.zeros(*lhs.shape)) if lhs_m else (sympy.zeros(*rhs.shape), rhs)
        lhs_m = rhs_m = True
    if lhs_m != rhs_m or (lhs_m and lhs.shape != rhs.shape):
        return "the sides have different shapes there"
    if lhs_m and step.claim.relation not in (Relation.EQ, Relation.APPROX):
        return "an inequality between matrices, which this check does not read"
    entries = list(lhs - rhs) if lhs_m else [sympy.sympify(lhs - rhs)]
    shaped = {n for n, k in symbols.items() if parse_kind(k).is_matrix}
    free = {str(s) for e in entries for s in sympy.sympify(e).free_symbols}
    if any(re.split(r"[_\[]", name, maxsplit=1)[0] in shaped for name in free):
        return "entries of a vector or matrix written apart (w_i), which this check does not read"
    return _entries_hold(entries, step.claim.relation, seed)


#: What makes a scalar more than a number to put in before reading: calculus over it, an index, a function.
_NOT_PLAIN = re.compile(
    r"\\(?:partial|nabla|int|oint|lim|sum|prod|frac\s*\{\s*d|mathrm\s*\{\s*d|operatorname)(?![A-Za-z])"
)


def _plain_scalars(step: Step, symbols: dict[str, str], seed: int) -> dict[str, object]:
    """The scalars of a step with no calculus or sums (not integers or negative ones), each given the number
    `_entries_hold` gives it (the same rational), so the reader computes with numbers from the start: an inverse of
    K + \\sigma^2 I at size 4 with a symbol sigma costs seconds, with a number none. The result is the same exact
    arithmetic in another order. The scalars are the symbols of the step read with every name a number (an
    applied function is no symbol there); a step with anything else, or that does not read so, keeps its symbols
    (empty)."""
    from derive.language.symbols import SymbolTable  # noqa: PLC0415
    from derive.latex.parser import parse_latex  # noqa: PLC0415

    texts = [str(getattr(side, "text", side)) for side in (step.claim.lhs, step.claim.rhs)]
    if step.claim.random or any(_NOT_PLAIN.search(t) for t in texts):
        return {}
    free: set[object] = set()
    try:
        for tex in texts:
            # every name a number, an identity of a size (I_{4}, `shapes._with_identity`) one: only the names matter
            scalars = SymbolTable({n: k for n, k in symbols.items() if not parse_kind(k).is_matrix})
            free |= getattr(parse_latex(re.sub(r"I_\{\d+\}", "1", tex), scalars), "free_symbols", set())
    except Exception:
        return {}
    return {
        str(s): _number(f"{seed}:{s}", positive=True)
        for s in free
        if not (str(s) in symbols and parse_kind(symbols[str(s)]).is_matrix)
        and not getattr(s, "is_integer", False)
        and not getattr(s, "is_negative", False)
    }


def _entries_hold(entries: list[object], relation: Relation, seed: int) -> str:
    """ "holds" when every entry of lhs - rhs, at numbers for its scalars, is exactly zero (an equation) or has the
    relation's sign (an inequality), else what was found."""
    import sympy  # noqa: PLC0415

    free = sorted({s for e in entries for s in sympy.sympify(e).free_symbols}, key=str)
    at = {s: _number(f"{seed}:{s}", positive=True, integer=bool(s.is_integer)) for s in free}
    at = {s: -v if s.is_negative else v for s, v in at.items()}
    for entry in entries:
        value = sympy.sympify(entry).subs(at)
        if value.free_symbols or not value.is_number:
            return "a difference derive cannot evaluate there"
        exact = sympy.simplify(value)
        if relation in (Relation.EQ, Relation.APPROX):
            if exact == 0:
                continue
            return f"lhs - rhs = {sympy.N(exact, 6)} there, not 0" if _clearly_nonzero(exact) else "no exact zero"
        if not _clearly_nonzero(exact) and exact != 0:
            return "a difference too close to 0 to sign"
        approx = sympy.N(exact, 30)
        if exact != 0 and not approx.is_real:
            return "a difference derive cannot evaluate there (not a real number)"
        sign = 0 if exact == 0 else (1 if approx > 0 else -1)
        ok = {Relation.LE: sign <= 0, Relation.LT: sign < 0, Relation.GE: sign >= 0, Relation.GT: sign > 0}[relation]
        if not ok:
            return f"lhs - rhs = {sympy.N(exact, 6)} there, which the relation does not allow"
    return "holds"


def _clearly_nonzero(value: object) -> bool:
    import sympy  # noqa: PLC0415

    try:
        return abs(complex(sympy.N(value, 60))) > 1e-30
    except (TypeError, ValueError):
        return False


def planned(reading: Reading) -> Reading:
    """A reading past size 3 checked here with numbers first (cheap, exact): where it holds there, or the engine's
    check would be too costly, its result is that; otherwise (a failure or a step the check cannot read) the engine
    runs it, which may refute a declared size's step with its own counterexample. A guessed shape's failure (an
    undeclared capital read as a matrix too) is the step's answer already (undecided)."""
    size = max((n for _, n in reading.sizes), default=0)
    if size <= FAR_MIN - 1:
        return reading
    checked = offline_result(reading)
    texts = [str(getattr(side, "text", side)) for side in (reading.step.claim.lhs, reading.step.claim.rhs)]
    engine = size <= FAR_LIMIT and not costly(reading.step, texts, size)
    failed = checked.evidence.reason == FAILS
    guessed = reading.kind in ("shape", "mixed", "family", "commute")
    if checked.verdict is Verdict.VERIFIED or not engine or (failed and guessed):
        return replace(reading, offline=True, checked=checked)
    return reading  # a failure of a declared size (the engine may refute it), or a step read here otherwise
