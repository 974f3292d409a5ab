"""Indexed variables: concrete instances in which every x_i is its own number.

``\\sum_{i=1}^{n} x_i`` (LaTeX) and ``Sum(x_i, (i, 1, n))`` (claim language) become
``Sum(x[i], (i, 1, n))`` with a sympy ``Indexed`` entry. Evaluated as it stands, ``x[i]``
would be one number for every i, and anything true for equal terms would pass: a reversed
Jensen or AM-GM inequality holds when all the x_i are equal. So the numeric tier never sees
an indexed claim directly. `instances` builds concrete problems instead:

* each symbol in the bounds of an indexed sum or product (the *size*, n) takes the values
  1 to 6 and 8 that its declared kind allows (several sizes: the equal tuples and a few
  mixed ones), and is replaced by that value everywhere, also outside the sum (the 1/n);
* every indexed sum or product is written out as an explicit ``Add``/``Mul``;
* every entry ``x[k]`` becomes a scalar symbol ``x_k`` of its own, declared in a copy of
  the problem's symbol table with the kind declared for ``x_k``, else for ``x_i`` (the
  name under the sum), else for ``x``, else the assumptions the reader gave ``x``, else
  real: the first of them that says more than ``real``. Sampling then draws each entry
  independently and within its declaration.

A name ``x_1`` that the claim uses outside the sum *is* the sum's first term, as in the
notation ``\\sum_{i=1}^n x_i = x_1 + \\sum_{i=2}^n x_i``: it becomes the same symbol as the
entry x[1], with the entry's kind. An instance whose sums do not reach the claim's own x_k
(n = 1 in ``\\sum_{i=1}^n x_i \\ge x_2``) is left out: the claim does not speak about it.
So is a name whose subscript is a sum of size letters and numbers: x_{n+1} at n = 3 is the
entry x[4] (a number of its own when no sum reaches it, never one shared with a summed term),
and under a sum over i, ``x_{n-i+1}`` is the entry x[n - i + 1]. A letter in such a subscript
that no size fixes (x_{k+1} beside sums up to 3) is `IndexedError`, not an independent name.

The entries of a declared vector ``x`` are the vector's own entry symbols (a size that
reaches beyond its length is left out). A matrix base, an infinite sum of indexed terms, an
index that is not a whole number, or an entry whose index no sum binds is `IndexedError`:
the engine then says undecided with that reason instead of sharing one value. An instance
with more than `MAX_ENTRIES` entries (or `MAX_TERMS` terms), nested sums at size 8, is left
out (the evidence lists the sizes checked); when every instance is that large, it is
`IndexedError` too.

An index no sum binds (``x_{si}`` beside ``\\sum_s``, i for every i) is a *free index*
(`_Plan`, `_free_patterns`): at each size it takes every value and equality pattern that can
change the step's value, since an entry's value depends on its label only through which other
entries it equals: each value another index takes at its positions, all of a sum's range when it
shares a position with the summed index (then nothing outside it: a value outside one of several
tying ranges is *fringe*, and a failure there refutes nothing), else also one value no index takes
there, the free indices equal and unequal. The claim's own ``mu_i``, ``sigma_ij`` (a subscript of
free indices) and ``z_nk`` beside ``z[n, j]`` are entries of their family. A free index used as a
number or inside an index expression is `IndexedError`. A bound that is an entry (``n_i`` in
``\\sum_{j=1}^{n_i}``, a *ragged* sum) takes the values of `RAGGED`, cycled over i. Free-index
and ragged claims are checked on at most `MAX_INSTANCES` instances, whole sizes at a time.
A refutation must also hold under the other readings an instance offers (`Instance.readings`):
square two-index families symmetric, a collapsed delta's range condition holding.

An instance at sizes ``b < a - 1`` (a sum ``\\sum_{i=a}^{b}`` whose bounds are reversed by
more than an empty range) is left out: sympy's convention for such sums (Karr's) is not
what an author means by them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy
from sympy import Indexed, Product, Sum

from derive.language._exact import has_type
from derive.language.symbols import SymbolKind, SymbolTable, kind_from_assumptions
from derive.model import Problem

__all__ = [
    "MAX_ENTRIES",
    "MAX_TERMS",
    "SIZES",
    "IndexedError",
    "Instance",
    "entry_derivative",
    "entry_derivatives",
    "far_mixed_sizes",
    "has_indexed",
    "instances",
]

#: The sizes each bound symbol takes (those its declared kind allows).
#: 4 and 6 are there because a claim can fail at one size only ((2n - 7)(2n - 9) < 0 at n = 4)
#: or from some size on (Σx_i² >= (Σx_i)²/5 fails from n = 6).
SIZES: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 8)
#: Most fresh entry symbols one instance may have; beyond, sampling gets too thin to mean much.
MAX_ENTRIES = 40
#: Most terms written out in one instance (nested sums multiply): the expansion runs before
#: any tier's clock, so it must stay cheap.
MAX_TERMS = 2000
_MIXED = 4  # mixed size tuples, with more than one bound symbol
_ENTRY_NAME = re.compile(r"(.+)_(\d+)")  # x_1, N_12: the claim's own name for an entry
_SIZED_NAME = re.compile(r"(.+)_([A-Za-z]\w*)")  # x_n, a_i: an entry when the instance fixes n (or i)
# x_n+1, x_n-i+1: a subscript that is a sum of letters and whole numbers, with at least one sign
_SHIFTED_NAME = re.compile(r"(.+?)_((?:[+-]?(?:[A-Za-z]|\d{1,3}))(?:[+-](?:[A-Za-z]|\d{1,3}))+)")
_INDEX_TERM = re.compile(r"([+-]?)([A-Za-z]|\d{1,3})")


def index_terms(text: str) -> list[tuple[int, str | int]] | None:
    """``n-i+1`` -> [(1, 'n'), (-1, 'i'), (1, 1)]: the signed letters and numbers of a shifted
    subscript, or None when ``text`` is not such a sum (a letter beside a number, 2n, is not read)."""
    if _SHIFTED_NAME.fullmatch("x_" + text) is None:
        return None
    out: list[tuple[int, str | int]] = []
    for sign, atom in _INDEX_TERM.findall(text):
        out.append((-1 if sign == "-" else 1, int(atom) if atom.isdigit() else atom))
    return out


class IndexedError(Exception):
    """The claim has indexed entries that cannot be given independent values soundly."""


class _TooLargeError(IndexedError):
    """This instance has more entries or terms than one draw may have (nested sums at a large size)."""


class _TooManyError(IndexedError):
    """More patterns of the free indices at one size than one claim is checked on."""


class _SkipInstanceError(Exception):
    """This instance has no meaning: a sum's bounds are reversed by more than an empty range,
    or an entry lies beyond the declared length of its vector."""


@dataclass(frozen=True)
class Instance:
    """One concrete problem: the sizes it fixes and the entry symbols it introduced."""

    sizes: tuple[tuple[str, int], ...]  # (bound symbol name, value), in name order
    problem: Problem
    entries: tuple[str, ...]  # names of the independent entry symbols, in order
    bases: tuple[str, ...] = ()  # the indexed names as the sums wrote them (x_i, N_k), in order
    identified: tuple[str, ...] = ()  # the claim's own names read as entries (x_1 outside the sum)
    free: tuple[tuple[str, int], ...] = ()  # the values the free indices took (i = 2), in name order
    ragged: tuple[tuple[str, int], ...] = ()  # the entries of ragged bounds (n_1 = 2), in index order
    #: a free index took a value outside one of the ranges that tie it: a failure here is no refutation
    fringe: bool = False
    #: the same instance under the other readings (a two-index family symmetric, a Kronecker delta's
    #: partner index inside its range): a refutation must hold under every one of them
    readings: Callable[[], list[tuple[str, Problem]]] | None = field(default=None, compare=False, repr=False)

    def label(self) -> str:
        """``n = 2`` (or ``n = 2, m = 3``, ``k = 3, i = 1``); empty when the bounds were fixed numbers."""
        return ", ".join(f"{name} = {value}" for name, value in self.fixed())

    def fixed(self) -> tuple[tuple[str, int], ...]:
        """The sizes, then the ragged bounds' entries, then the free indices: what the instance fixed."""
        return self.sizes + self.ragged + self.free


def has_indexed(problem: Problem) -> bool:
    """Whether either side (or a distribution) has an indexed entry such as ``x[i]``."""
    parts: list[Any] = [problem.lhs, problem.rhs, *(dist for _, dist in problem.random)]
    for part in parts:
        if isinstance(part, sympy.Basic) and has_type(part, Indexed):
            return True
        free = getattr(part, "free_symbols", None)  # a Distribution is no sympy.Basic
        if free is not None and not isinstance(part, sympy.Basic) and any(isinstance(s, Indexed) for s in free):
            return True
    return False


def entry_derivative(expr: Any, var: Any) -> str | None:
    """Why d expr / d var cannot be taken as written, when var is an entry of an indexed sum in expr.

    ``var`` named ``w_j`` and an entry ``w[i]`` inside ``expr``: w_j is one of the w_i (the
    derivative of Σ_i w_i x_i by w_j is x_j, through the Kronecker delta δ_ij), but as a plain
    symbol it is independent of every w[i] and the derivative would come out 0.
    """
    if not isinstance(var, sympy.Symbol) or not isinstance(expr, sympy.Basic) or "_" not in var.name:
        return None
    bases = {str(entry.base.label) for entry in expr.atoms(Indexed)}
    # An index is a letter, a letter and a digit, or a number (w_j, w_k1, w_3); x_hat is a name.
    base = next((b for b in sorted(bases) if re.fullmatch(re.escape(b) + r"_([A-Za-z]\d?|\d+)", var.name)), None)
    if base is None:
        return None
    return (
        f"a derivative by {var.name} of an expression with the indexed entries {base}[i]: {var.name} is one of"
        " them (through the Kronecker delta), which derive does not write out, and read as a separate name"
        " the derivative would be 0"
    )


def entry_derivatives(problem: Problem) -> str | None:
    """`entry_derivative` for every derivative left unevaluated on either side (LaTeX steps hold them)."""
    for side in (problem.lhs, problem.rhs):
        cells = side if isinstance(side, sympy.MatrixBase) else (side,)
        for cell in cells:
            if not isinstance(cell, sympy.Basic) or not has_type(cell, sympy.Derivative):
                continue
            for node in cell.atoms(sympy.Derivative):
                for var in node.variables:
                    why = entry_derivative(node.expr, var)
                    if why is not None:
                        return why
    return None


def _past_constants(sides: Sequence[Any], sizes: Sequence[int]) -> tuple[int, ...]:
    """``sizes`` and one size past the largest integer in the claim (up to 24): a bound written
    to hold only up to some size ((Σ a_j)² <= 8 Σ a_j², true for 8 terms, false for 9) fails just
    beyond the number the claim itself holds."""
    numbers = [
        abs(int(a))  # n - 7 holds its 7 as the Integer -7
        for side in sides
        if isinstance(side, (sympy.Basic, sympy.MatrixBase))
        for a in side.atoms(sympy.Integer)
        if 2 <= abs(int(a)) <= 23
    ]
    extra = max(numbers, default=0) + 1
    # every size up to one past that number, not only the sizes listed: a claim writing 1..6 and 8
    # ((n-1)...(n-6)(n-8) times anything) fails at 7 alone
    return tuple(sorted(set(sizes) | set(range(min(sizes), extra + 1))))


def instances(problem: Problem, sizes: Sequence[int] = SIZES) -> list[Instance]:
    """The concrete problems of an indexed claim, one per size tuple (see the module docstring).

    With free indices or ragged bounds, one per size tuple, ragged pattern and free-index
    pattern (`_Plan`), whole size tuples at a time up to `MAX_INSTANCES`.
    Raises `IndexedError` when no sound instance can be built; the message says why.
    """
    for _, dist in problem.random:
        if any(isinstance(s, Indexed) for s in getattr(dist, "free_symbols", ())):
            msg = "an indexed entry inside a distribution: its entries cannot be drawn independently here"
            raise IndexedError(msg)
    sides = (problem.lhs, problem.rhs)
    ragged = _ragged_bases(sides)
    bound = sorted(set().union(*(_size_symbols(s, frozenset(), ragged) for s in sides)), key=sympy.default_sort_key)
    # n_1 (or n_k) in a bound beside a ragged n_i is that family's entry, never a size of its own
    bound = [s for s in bound if not ((m := _NAMED_OR_NUMBERED.fullmatch(s.name)) and m.group(1) in ragged)]
    plan = _Plan.of(problem, sides, bound, ragged)
    tuples = _size_tuples(bound, problem.symbols, _past_constants(sides, sizes))
    if plan.free or plan.ragged:
        tuples = sorted(tuples, key=lambda t: max(t, default=0))  # small sizes first: the cap drops the largest
    out: list[Instance] = []
    too_large: _TooLargeError | None = None
    for values in tuples:
        env = dict(zip(bound, (sympy.Integer(v) for v in values), strict=True))
        fixed = tuple((str(s), v) for s, v in zip(bound, values, strict=True))
        try:
            group = plan.group(problem, env, fixed)
        except _TooManyError:
            if out:  # the sizes so far, each with every pattern; the evidence lists them
                break
            raise
        except _TooLargeError as exc:
            # nested sums at size 8 have 64 entries: that size is left out (the evidence lists
            # the sizes checked); a claim whose every instance is too large is not checked
            too_large = too_large or exc
            continue
        if (plan.free or plan.ragged) and len(out) + len(group) > MAX_INSTANCES:
            if not out and group:
                msg = (
                    f"{len(group)} patterns of the free indices and ragged bounds at {_label(fixed)}"
                    f" (at most {MAX_INSTANCES} are checked, and never a part of the patterns at one size)"
                )
                raise IndexedError(msg)
            break
        out.extend(group)
    if not out and too_large is not None:
        raise too_large
    if not out:
        names = ", ".join(str(s) for s in bound)
        msg = (
            f"no size in {', '.join(map(str, sizes))} gives every indexed sum a range within its vectors (for {names})"
        )
        raise IndexedError(msg)
    return out


def _label(fixed: Sequence[tuple[str, int]]) -> str:
    return ", ".join(f"{name} = {value}" for name, value in fixed) or "the fixed bounds"


#: Most instances (sizes x ragged patterns x free-index patterns) one claim is checked on.
MAX_INSTANCES = 30
#: The values a ragged bound's entries take (n_i in \\sum_{j=1}^{n_i}), cycled over the index:
#: equal ones, unequal ones in both orders, and one far value.
RAGGED: tuple[tuple[int, ...], ...] = ((1,), (2,), (3,), (1, 2, 3), (3, 2, 1), (2, 3, 1), (6,))
_FRESH = -1  # a free index's value that no other index at its positions takes


@dataclass
class _Plan:
    """What varies besides the sizes: the free indices, the ragged bounds, the readings."""

    base: Mapping[str, Any]  # what every `_Builder` of the claim shares
    sides: tuple[Any, Any]
    free: tuple[sympy.Symbol, ...] = ()
    ragged: tuple[str, ...] = ()
    squares: tuple[str, ...] = ()  # two-index families a text may mean symmetric (d_ij beside d_ji)
    piecewise: bool = False  # a range condition of a collapsed Kronecker delta is in the claim

    @staticmethod
    def of(problem: Problem, sides: tuple[Any, Any], bound: Sequence[sympy.Symbol], ragged: Sequence[str]) -> _Plan:
        unders: dict[str, set[str]] = {}
        labels: dict[str, sympy.Symbol] = {}
        for side in sides:
            for e in side.atoms(Indexed) if isinstance(side, (sympy.Basic, sympy.MatrixBase)) else ():
                unders.setdefault(str(e.base.label), set()).add(_written(e))
                labels.setdefault(str(e.base.label), e.base.label)
        # Names an entry may not take over: random variables and declared matrices keep theirs.
        reserved = {n for n, spec in problem.symbols.items() if spec.kind.is_matrix}
        reserved |= {str(e) for rv, _ in problem.random for e in (rv if is_matrix(rv) else (rv,))}
        walk = _Walk(frozenset(bound))
        for side in sides:
            walk.visit(side, frozenset())
        user = _user_names(sides)
        free: tuple[sympy.Symbol, ...] = ()
        named: dict[sympy.Symbol, tuple[str, tuple[sympy.Symbol, ...]]] = {}
        if any(_has_big(s) for s in sides):
            free, named = _named_entries(user, walk, bound, reserved, _arities(sides))
        base = {
            "base_table": problem.symbols,
            "user": user,
            "unders": unders,
            "reserved": reserved,
            "labels": labels,
            "free": frozenset(free),
            "named": named,
        }
        squares = tuple(b for b in walk.squares() if b not in reserved)
        index_like = set(bound) | set(free) | walk.sum_vars | walk.limit_letters
        base["range_letters"] = frozenset(index_like)
        piecewise = any(
            isinstance(side, sympy.Basic)
            and any(
                bool(c.free_symbols) and c.free_symbols <= index_like
                for pw in side.atoms(sympy.Piecewise)
                for _, c in pw.args
                if c is not sympy.true
            )
            for side in sides
        )
        return _Plan(base, sides, tuple(free), tuple(ragged), squares, piecewise)

    def builder(
        self, *, scan: _Scan | None = None, square: frozenset[str] = frozenset(), in_range: bool = False
    ) -> _Builder:
        return _Builder(
            **self.base, ragged_values=dict.fromkeys(self.ragged, (1,)), scan=scan, square=square, in_range=in_range
        )

    def group(
        self, problem: Problem, env: Mapping[sympy.Symbol, sympy.Expr], fixed: tuple[tuple[str, int], ...]
    ) -> list[Instance]:
        """The instances at one size tuple: every ragged pattern, and at each every free-index pattern."""
        out: list[Instance] = []
        seen: set[Any] = set()
        for pattern in RAGGED if self.ragged else ((1,),):
            patterns: list[tuple[dict[sympy.Symbol, int], bool]] = [({}, False)]
            if self.free:
                scan = _Scan()
                try:
                    self._build(env, {}, pattern, self.builder(scan=scan))
                except _SkipInstanceError:
                    continue
                patterns = _free_patterns(self.free, scan)
                if len(patterns) > MAX_INSTANCES:
                    msg = f"{len(patterns)} equality patterns of the free indices at {_label(fixed)}"
                    raise _TooManyError(f"{msg} (at most {MAX_INSTANCES} are checked)")
            for values, fringe in patterns:
                try:
                    inst = self._instance(problem, env, fixed, values, fringe=fringe, pattern=pattern)
                except _SkipInstanceError:
                    continue
                key = (inst.ragged, inst.free)
                if key not in seen:
                    seen.add(key)
                    out.append(inst)
        return out

    def _build(
        self,
        env: Mapping[sympy.Symbol, sympy.Expr],
        values: Mapping[sympy.Symbol, int],
        pattern: tuple[int, ...],
        builder: _Builder,
    ) -> tuple[Any, Any]:
        builder.ragged_values = dict.fromkeys(self.ragged, pattern)
        full = {**env, **{k: sympy.Integer(v) for k, v in values.items()}}
        lhs, rhs = (builder.build(s, full) for s in self.sides)
        builder.adopt(builder.labels, sized=bool(env), sizes={str(k): int(v) for k, v in env.items()})
        return builder.identify(lhs), builder.identify(rhs)

    def _instance(
        self,
        problem: Problem,
        env: Mapping[sympy.Symbol, sympy.Expr],
        fixed: tuple[tuple[str, int], ...],
        values: Mapping[sympy.Symbol, int],
        *,
        fringe: bool,
        pattern: tuple[int, ...],
    ) -> Instance:
        builder = self.builder()
        lhs, rhs = self._build(env, values, pattern, builder)
        free = tuple((str(f), int(values[f])) for f in self.free if f in values)

        def readings() -> list[tuple[str, Problem]]:
            return self._readings(problem, env, values, pattern)

        return Instance(
            fixed,
            _concrete(problem, lhs, rhs, builder.table),
            builder.names(),
            tuple(sorted(builder.written)),
            builder.identified(),
            free,
            tuple(sorted(builder.ragged_used.items())),
            fringe,
            readings if self.squares or self.piecewise else None,
        )

    def _readings(
        self,
        problem: Problem,
        env: Mapping[sympy.Symbol, sympy.Expr],
        values: Mapping[sympy.Symbol, int],
        pattern: tuple[int, ...],
    ) -> list[tuple[str, Problem]]:
        """The instance under every other reading: each subset of the square families symmetric,
        with and without the collapsed deltas' partner indices inside their ranges."""
        if len(self.squares) > 3:
            msg = f"{len(self.squares)} two-index families that may each be symmetric"
            raise IndexedError(msg)
        out = []
        subsets = [frozenset(c) for r in range(len(self.squares) + 1) for c in itertools.combinations(self.squares, r)]
        for square in subsets:
            for in_range in (False, True) if self.piecewise else (False,):
                if not square and not in_range:
                    continue
                builder = self.builder(square=square, in_range=in_range)
                lhs, rhs = self._build(env, values, pattern, builder)
                words = [f"{', '.join(sorted(square))} symmetric"] if square else []
                words += ["every Kronecker delta's index inside its range"] if in_range else []
                out.append((" and ".join(words), _concrete(problem, lhs, rhs, builder.table)))
        return out


def _concrete(problem: Problem, lhs: Any, rhs: Any, table: SymbolTable) -> Problem:
    return Problem(
        lhs,
        rhs,
        problem.relation,
        table,
        problem.random,
        problem.tolerance,
        problem.nonrandom,
        problem.independent,
        problem.moments,
    )


def _has_big(expr: Any) -> bool:
    if is_matrix(expr):
        return any(_has_big(e) for e in expr)
    return isinstance(expr, sympy.Basic) and has_type(expr, (Sum, Product))


@dataclass
class _Walk:
    """The indices of a claim: which letters no sum binds (free), where each letter stands."""

    sizes: frozenset[sympy.Symbol]
    letters: dict[tuple[str, int], set[str]] = field(default_factory=dict)  # (base, position) -> letters there
    free: set[sympy.Symbol] = field(default_factory=set)
    compound: list[str] = field(default_factory=list)  # x[i + 1] with i free
    numbers: set[sympy.Symbol] = field(default_factory=set)  # letters used outside any index
    sum_vars: set[sympy.Symbol] = field(default_factory=set)
    limit_letters: set[sympy.Symbol] = field(default_factory=set)  # letters in any sum's bounds (K of Σ_{k=1}^K 0)

    def visit(self, expr: Any, bound: frozenset[sympy.Symbol]) -> None:
        if is_matrix(expr):
            for e in expr:
                self.visit(e, bound)
            return
        if not isinstance(expr, sympy.Basic):
            return
        if isinstance(expr, Indexed):
            self._indices(str(expr.base.label), expr.indices, bound, str(expr))
        elif isinstance(expr, sympy.KroneckerDelta):
            self._indices("δ", expr.args, bound, str(expr), one_position=True)
        elif isinstance(expr, (Sum, Product)):
            inner = set(bound)
            for var, lo, hi in reversed(expr.limits):
                self.visit(lo, frozenset(inner))
                self.visit(hi, frozenset(inner))
                inner.add(var)
                self.sum_vars.add(var)
                self.limit_letters |= {s for s in (lo.free_symbols | hi.free_symbols) if isinstance(s, sympy.Symbol)}
            self.visit(expr.function, frozenset(inner))
        elif isinstance(expr, sympy.Symbol):
            if expr not in bound:
                self.numbers.add(expr)
        else:
            inner_bound = bound | frozenset(getattr(expr, "bound_symbols", ()) or ())
            for arg in expr.args:
                self.visit(arg, inner_bound)

    def _indices(
        self,
        base: str,
        indices: Sequence[Any],
        bound: frozenset[sympy.Symbol],
        shown: str,
        *,
        one_position: bool = False,
    ) -> None:
        for pos, idx in enumerate(indices):
            where = (base, 0 if one_position else pos)
            self.letters.setdefault(where, set()).update(s.name for s in idx.free_symbols)
            loose = {s for s in idx.free_symbols if isinstance(s, sympy.Symbol)} - bound - self.sizes
            if not loose:
                continue
            if isinstance(idx, sympy.Symbol):
                self.free.add(idx)
            else:
                self.compound.append(f"{shown} (the index {idx})")
            self.free |= loose

    def free_indices(self) -> tuple[sympy.Symbol, ...]:
        if not self.free:
            return ()
        if self.compound:
            msg = f"a free index inside an index expression, {self.compound[0]}: its value matters, not its equalities"
            raise IndexedError(msg)
        numbers = sorted(self.free & self.numbers, key=sympy.default_sort_key)
        if numbers:
            msg = (
                f"the free index {numbers[0]} is also used as a number: its value matters beyond which entries it picks"
            )
            raise IndexedError(msg)
        return tuple(sorted(self.free, key=sympy.default_sort_key))

    def squares(self) -> list[str]:
        """Two-index families with a letter in both positions (d_ij beside d_ji): a text's
        d_{ij} is often a symmetric matrix's entry without saying so."""
        bases = {b for b, _ in self.letters if b != "δ"}
        return sorted(
            b
            for b in bases
            if (b, 2) not in self.letters and self.letters.get((b, 0), set()) & self.letters.get((b, 1), set())
        )


_NAMED = re.compile(r"(.+)_([A-Za-z]+)")
_NAMED_OR_NUMBERED = re.compile(r"(.+)_([A-Za-z]+|\d+)")


def _named_entries(
    user: Mapping[str, sympy.Symbol],
    walk: _Walk,
    bound: Sequence[sympy.Symbol],
    reserved: set[str],
    arities: Mapping[str, int],
) -> tuple[tuple[sympy.Symbol, ...], dict[sympy.Symbol, tuple[str, tuple[sympy.Symbol, ...]]]]:
    """The free indices, and the claim's own names that are entries of a family (mu_i, z_nk).

    A name whose base is an indexed family of as many indices (z_nk beside z[n, j]) is that
    family's entry, every letter in it not a size a free index; a name whose subscript is free
    indices (mu_i beside x[s, i]) is an entry of a family of its own. Left a name of its own,
    z_nk would be independent of z[n, 1] at k = 1, and mu_i - mu_j would not vanish at i = j.
    """
    sizes = {s.name: s for s in bound}
    letters = {s.name: s for s in walk.free}
    letters.update({s.name: s for s in walk.sum_vars if s.name not in letters})
    found: list[tuple[sympy.Symbol, str, str]] = []
    extra: set[str] = set()
    for name, sym in user.items():
        m = _NAMED.fullmatch(name)
        if m is None or name in reserved or sym in walk.free or sym in bound or sym in walk.sum_vars:
            continue
        base, suffix = m.group(1), m.group(2)
        if arities.get(base) == len(suffix) and len(set(suffix)) == len(suffix):
            extra |= {c for c in suffix if c not in sizes}
            found.append((sym, base, suffix))
            for pos, c in enumerate(suffix):  # d_ji beside d[i, j]: the family may be square
                walk.letters.setdefault((base, pos), set()).add(c)
        elif all(c in sizes or c in letters for c in suffix) and any(c not in sizes for c in suffix):
            found.append((sym, base, suffix))
    new = {c: sympy.Symbol(c) for c in sorted(extra) if c not in letters}
    letters.update(new)
    walk.free |= {letters[c] for c in extra}
    free = walk.free_indices()
    named = {
        sym: (base, tuple(sizes.get(c) or letters[c] for c in suffix))
        for sym, base, suffix in found
        if any(letters.get(c) in walk.free for c in suffix if c not in sizes)
    }
    return free, named


def _arities(sides: Iterable[Any]) -> dict[str, int]:
    """The number of indices of each indexed family (none when it is written with several)."""
    seen: dict[str, set[int]] = {}
    for side in sides:
        if isinstance(side, (sympy.Basic, sympy.MatrixBase)):
            for e in side.atoms(Indexed):
                seen.setdefault(str(e.base.label), set()).add(len(e.indices))
    return {base: next(iter(n)) for base, n in seen.items() if len(n) == 1}


@dataclass
class _Scan:
    """Where the free indices stand and which values the other indices take there, at one size."""

    positions: dict[sympy.Symbol, set[tuple[str, int]]] = field(default_factory=dict)
    occupied: dict[tuple[str, int], set[int]] = field(default_factory=dict)
    ranges: dict[tuple[str, int], set[tuple[int, int]]] = field(default_factory=dict)  # of summed indices there

    def at(self, letter: sympy.Symbol, where: tuple[str, int]) -> None:
        self.positions.setdefault(letter, set()).add(where)

    def occupy(self, where: tuple[str, int], value: int, summed: tuple[int, int] | None) -> None:
        self.occupied.setdefault(where, set()).add(value)
        if summed is not None:
            self.ranges.setdefault(where, set()).add(summed)


def _free_patterns(free: Sequence[sympy.Symbol], scan: _Scan) -> list[tuple[dict[sympy.Symbol, int], bool]]:
    """Every assignment of the free indices that can change the step's value, and whether it is fringe.

    An entry's value depends on its label only through which other entries it equals: a free
    index takes each value another index takes at its positions (all of them, when a sum ties
    it to its range: i in d_{ij} beside \\sum_{j=1}^k), or else one value no index takes there;
    the free indices that take such a fresh value are equal or not in every way (set partitions).
    A value outside one of the ranges that tie it is fringe: the step may not speak about it.
    """
    wheres = [scan.positions.get(f, set()) for f in free]
    taken = [set().union(set(), *(scan.occupied.get(p, set()) for p in where)) for where in wheres]
    ties = [set().union(set(), *(scan.ranges.get(p, set()) for p in where)) for where in wheres]
    top = max((v for t in taken for v in t), default=0)
    # An untied index that shares a position with another free index may also equal the value
    # that one takes (from its own positions): carried along shared positions to a fixpoint.
    changed = True
    while changed:
        changed = False
        for a, b in itertools.permutations(range(len(free)), 2):
            if not ties[a] and wheres[a] & wheres[b] and not taken[b] <= taken[a]:
                taken[a] |= taken[b]
                changed = True
    options = [sorted(t) if tied else [*sorted(t), _FRESH] for t, tied in zip(taken, ties, strict=True)]
    out: list[tuple[dict[sympy.Symbol, int], bool]] = []
    seen: set[tuple[int, ...]] = set()
    for combo in itertools.product(*options):
        fresh = [k for k, v in enumerate(combo) if v == _FRESH]
        for blocks in _partitions(fresh):
            values = list(combo)
            for b, block in enumerate(blocks):
                for k in block:
                    values[k] = top + 1 + b
            key = tuple(values)
            if key in seen:
                continue
            seen.add(key)
            fringe = any(not a <= v <= b for v, tied in zip(values, ties, strict=True) for a, b in tied)
            out.append((dict(zip(free, values, strict=True)), fringe))
    return out


def _partitions(items: Sequence[int]) -> list[list[list[int]]]:
    """The set partitions of ``items`` (which of them are equal), blocks in first-appearance order."""
    if not items:
        return [[]]
    head, rest = items[0], items[1:]
    out: list[list[list[int]]] = []
    for blocks in _partitions(rest):
        out.append([[head], *blocks])
        for k in range(len(blocks)):
            out.append([*blocks[:k], [head, *blocks[k]], *blocks[k + 1 :]])
    return [sorted(p, key=min) for p in out]


def _ragged_bases(sides: Iterable[Any]) -> tuple[str, ...]:
    """Bases whose entries bound a sum (n in \\sum_{i=1}^{N}\\sum_{j=1}^{n_i}): ragged sums."""
    out: set[str] = set()
    for side in sides:
        cells = side if is_matrix(side) else (side,)
        for cell in cells:
            if not isinstance(cell, sympy.Basic):
                continue
            for big in cell.atoms(Sum, Product):
                for _, lo, hi in big.limits:
                    out |= {str(e.base.label) for e in (lo.atoms(Indexed) | hi.atoms(Indexed))}
    return tuple(sorted(out))


# ---------------------------------------------------------------------------------------
# Sizes.


def _size_symbols(expr: Any, bound: frozenset[sympy.Symbol], ragged: Sequence[str] = ()) -> set[sympy.Symbol]:
    """The free symbols in the bounds of the sums and products that have indexed terms (not the
    base n of a ragged bound n_i, nor the indices inside it)."""
    if is_matrix(expr):
        return set().union(set(), *(_size_symbols(e, bound, ragged) for e in expr))
    if not isinstance(expr, sympy.Basic) or not expr.has(Indexed):
        return set()
    out: set[sympy.Symbol] = set()
    if isinstance(expr, (Sum, Product)):
        inner = set(bound)
        # limits[0] is the innermost: an inner bound may use an outer index, never the reverse
        for var, lo, hi in reversed(expr.limits):
            for end in (lo, hi):
                entries = end.atoms(Indexed)
                inside = {s for e in entries for s in (e.base.label, *e.free_symbols)}
                out |= {s for s in end.free_symbols if isinstance(s, sympy.Symbol)} - inner - inside
            inner.add(var)
        return out | _size_symbols(expr.function, frozenset(inner), ragged)
    for arg in expr.args:
        out |= _size_symbols(arg, bound, ragged)
    return out


def _size_tuples(bound: Sequence[sympy.Symbol], table: SymbolTable, sizes: Sequence[int]) -> list[tuple[int, ...]]:
    if not bound:
        return [()]
    allowed = [[v for v in sizes if _allows(table, s, v)] for s in bound]
    for s, values in zip(bound, allowed, strict=True):
        if not values:
            msg = f"the bound {s} of an indexed sum may not take any of the sizes {', '.join(map(str, sizes))}"
            raise IndexedError(msg)
    if len(bound) == 1:
        return [(v,) for v in allowed[0]]
    # Every size tuple would be too many instances for the budget: the equal tuples (what a
    # single n would test) and a few mixed ones (sums of different lengths against each other).
    equal = [(v,) * len(bound) for v in sizes if all(v in a for a in allowed)]
    mixed = [t for t in itertools.product(*(a[:3] for a in allowed)) if len(set(t)) > 1][:_MIXED]
    mixed += [t for t in far_mixed_sizes(allowed) if t not in mixed]
    return equal + mixed or [tuple(a[0] for a in allowed)]


def far_mixed_sizes(allowed: Sequence[Sequence[int]]) -> list[tuple[int, ...]]:
    """Unequal sizes past the small ones, one tuple per letter's ascending ``allowed`` sizes: each letter at its
    largest size beside the others at their smallest, and all at their largest but the first a size below
    ((n-1)(n-2)(n-3)(n-m) vanishes on the equal tuples and on every mix of 1..3). Shared with the LaTeX
    reader's letter sizes (`derive.latex.shapes`)."""
    out = [tuple(a[-1] if j == k else a[0] for j, a in enumerate(allowed)) for k in range(len(allowed))]
    out.append(tuple(a[-1] if j else a[max(0, len(a) - 2)] for j, a in enumerate(allowed)))
    return [t for k, t in enumerate(out) if len(set(t)) > 1 and t not in out[:k]]


def _allows(table: SymbolTable, sym: sympy.Symbol, value: int) -> bool:
    from derive.tiers.sampling import allows, kind_of  # noqa: PLC0415 - sampling pulls numpy in

    spec, kind = kind_of(table, sym)
    if spec is not None and spec.kind.is_matrix:
        return False
    return allows(kind, sympy.Integer(value))


# ---------------------------------------------------------------------------------------
# Writing an instance out.


def is_matrix(value: Any) -> bool:
    return isinstance(value, sympy.MatrixBase)


def _user_names(sides: Iterable[Any]) -> dict[str, sympy.Symbol]:
    """The plain symbols the claim itself uses, by name (x_1 outside a sum, for `_Builder.identify`)."""
    out: dict[str, sympy.Symbol] = {}
    for side in sides:
        if isinstance(side, (sympy.Basic, sympy.MatrixBase)):
            for s in side.atoms(sympy.Symbol):
                out[s.name] = s
    return out


@dataclass
class _Builder:
    """Writes one instance out; collects the entry symbols it declares."""

    base_table: SymbolTable
    user: Mapping[str, sympy.Symbol]
    unders: Mapping[str, set[str]]  # base -> the names it is written with under the sums (x -> {x_i, x_j})
    reserved: set[str]  # names an entry must not take (random variables, matrices)
    labels: Mapping[str, sympy.Symbol] = field(default_factory=dict)  # the indexed bases, by name
    free: frozenset[sympy.Symbol] = frozenset()  # the free indices (their values come in env)
    named: Mapping[sympy.Symbol, tuple[str, tuple[sympy.Symbol, ...]]] = field(default_factory=dict)  # mu_i
    ragged_values: dict[str, tuple[int, ...]] = field(
        default_factory=dict
    )  # n -> the values n_1, n_2, ... cycle through
    scan: _Scan | None = None  # only record where the free indices stand (`_Plan.group`)
    square: frozenset[str] = frozenset()  # two-index families read symmetric (d_21 is d_12)
    in_range: bool = False  # a collapsed delta's range condition read as holding
    range_letters: frozenset[sympy.Symbol] = frozenset()  # indices and sizes: what a range condition compares
    ragged_used: dict[str, int] = field(default_factory=dict)  # n_2 -> 3: the ragged entries this instance used
    active: dict[sympy.Symbol, tuple[int, int]] = field(default_factory=dict)  # summed index -> its range now
    terms: int = 0  # terms written out so far
    aliases: dict[sympy.Symbol, sympy.Basic] = field(default_factory=dict)  # the claim's own x_1 -> entry x[1]
    table: SymbolTable = field(init=False)
    entries: dict[tuple[str, tuple[int, ...]], sympy.Symbol] = field(default_factory=dict)
    written: dict[str, None] = field(default_factory=dict)  # the names under the sums (x_i, z_j), in order

    def __post_init__(self) -> None:
        # A copy: the instance's entries must not leak into the claim's own table.
        self.table = SymbolTable((name, spec.kind) for name, spec in self.base_table.items())

    def names(self) -> tuple[str, ...]:
        return tuple(str(s) for s in self.entries.values())

    def identified(self) -> tuple[str, ...]:
        return tuple(sorted(str(own) for own, sym in self.aliases.items() if own != sym))

    def identify(self, expr: Any) -> Any:
        """The claim's own x_1 outside the sum becomes the entry x[1] (same symbol, same value)."""
        mapping = {own: sym for own, sym in self.aliases.items() if own != sym}
        if not mapping or not isinstance(expr, (sympy.Basic, sympy.MatrixBase)):
            return expr
        return expr.xreplace(mapping)

    def build(self, expr: Any, env: Mapping[sympy.Symbol, sympy.Expr]) -> Any:
        if is_matrix(expr):
            return sympy.ImmutableMatrix(expr.rows, expr.cols, [self.build(e, env) for e in expr])
        if not isinstance(expr, sympy.Basic):
            return expr
        if isinstance(expr, sympy.Symbol):
            if expr in self.named:
                return self.named_entry(expr, env)
            m = _ENTRY_NAME.fullmatch(expr.name) if self.ragged_values else None
            if m is not None and m.group(1) in self.ragged_values:  # the claim's own n_1 of a ragged n_i
                return self._ragged(m.group(1), (int(m.group(2)),))
            return env.get(expr, expr)
        if not expr.has(Indexed, *env, *self.named):
            return expr
        if isinstance(expr, Indexed):
            return self.entry(expr, env)
        if isinstance(expr, (Sum, Product)):
            return self.big_operator(expr, env)
        if self.scan is not None and isinstance(expr, sympy.KroneckerDelta):
            self._record("δ", expr.args, env, one_position=True)
            return sympy.Symbol("_scanned")
        if (
            self.in_range
            and isinstance(expr, sympy.Piecewise)
            and _range_condition(expr.args[0][1], self.range_letters)
        ):
            return self.build(expr.args[0][0], env)
        inner = env
        bound = getattr(expr, "bound_symbols", None)
        if bound:  # an integral or lambda over a name the sum also uses: its own variable wins
            inner = {k: v for k, v in env.items() if k not in bound}
        args = [self.build(a, inner) for a in expr.args]
        if all(a is b for a, b in zip(args, expr.args, strict=True)):
            return expr
        return expr.func(*args)

    def big_operator(self, expr: Sum | Product, env: Mapping[sympy.Symbol, sympy.Expr]) -> Any:
        if not expr.function.has(Indexed) and not any(lim.has(Indexed) for lim in expr.limits):
            # No entry inside (nor a ragged bound): only the bounds (and outer indices) are substituted; the
            # numeric tier evaluates a sum with concrete bounds as it is.
            return self._substituted(expr, env)
        return self._expand(type(expr), expr.function, list(expr.limits), env)

    def _substituted(self, expr: Sum | Product, env: Mapping[sympy.Symbol, sympy.Expr]) -> Any:
        limits = []
        inner = dict(env)
        for var, lo, hi in reversed(expr.limits):
            limits.append((var, self.build(lo, inner), self.build(hi, inner)))
            inner.pop(var, None)
        limits.reverse()
        return type(expr)(self.build(expr.function, inner), *limits)

    def _expand(
        self, cls: type, function: sympy.Expr, limits: list[tuple[Any, ...]], env: Mapping[sympy.Symbol, sympy.Expr]
    ) -> sympy.Expr:
        if not limits:
            return self.build(function, env)
        var, lo, hi = limits[-1]
        a, b = self.build(lo, env), self.build(hi, env)
        for end in (a, b):
            if end.has(sympy.oo, -sympy.oo, sympy.zoo):
                raise IndexedError(f"an infinite {cls.__name__.lower()} over indexed entries ({var} up to {hi})")
            if not isinstance(end, sympy.Integer):
                msg = f"the range of {var} in an indexed {cls.__name__.lower()} is not a whole number here ({end})"
                raise IndexedError(msg)
        if b < a - 1:
            raise _SkipInstanceError
        what = cls.__name__.lower()
        if b - a + 1 > MAX_ENTRIES:
            raise _TooLargeError(f"an indexed {what} of {b - a + 1} terms (at most {MAX_ENTRIES} are drawn)")
        self.terms += int(b - a + 1)
        if self.terms > MAX_TERMS:
            raise _TooLargeError(f"nested indexed sums of more than {MAX_TERMS} terms in all")
        before = self.active.get(var)
        self.active[var] = (int(a), int(b))
        try:
            terms = [self._expand(cls, function, limits[:-1], {**env, var: sympy.Integer(k)}) for k in range(a, b + 1)]
        finally:
            if before is None:
                self.active.pop(var, None)
            else:
                self.active[var] = before
        return sympy.Add(*terms) if cls is Sum else sympy.Mul(*terms)

    def named_entry(self, sym: sympy.Symbol, env: Mapping[sympy.Symbol, sympy.Expr]) -> sympy.Basic:
        """The claim's own mu_i (i free) as the entry mu[i] at this instance's value of i."""
        base, letters = self.named[sym]
        if self.scan is not None:
            self._record(base, letters, env)
            return sym
        index = tuple(env.get(letter) for letter in letters)
        if not all(isinstance(i, sympy.Integer) for i in index):
            msg = f"{sym} names an entry of {base} at an index no sum binds here: it has no single value"
            raise IndexedError(msg)
        return self.make((base, tuple(int(i) for i in index)), self.labels.get(base, sym), (sym.name,))

    def _record(
        self, base: str, indices: Sequence[Any], env: Mapping[sympy.Symbol, sympy.Expr], *, one_position: bool = False
    ) -> None:
        """Scan: where each free index stands, and the values the other indices take there."""
        assert self.scan is not None
        for pos, idx in enumerate(indices):
            where = (base, 0 if one_position else pos)
            if idx in self.free and idx not in self.active:  # a free letter a sum binds here is the sum's
                self.scan.at(idx, where)
                continue
            value = self.build(idx, env)
            if isinstance(value, sympy.Integer):
                self.scan.occupy(where, int(value), self.active.get(idx))

    def entry(self, expr: Indexed, env: Mapping[sympy.Symbol, sympy.Expr]) -> sympy.Basic:
        base = str(expr.base.label)
        if self.scan is not None and base not in self.ragged_values:
            self._record(base, expr.indices, env)
            return sympy.Symbol("_scanned")
        index = tuple(self.build(i, env) for i in expr.indices)
        if not all(isinstance(i, sympy.Integer) for i in index):
            shown = ", ".join(map(str, index))
            msg = f"the entry {base}[{shown}] has an index no sum binds to a whole number: it has no single value"
            raise IndexedError(msg)
        self.written.setdefault(_written(expr), None)
        return self.make((base, tuple(int(i) for i in index)), expr.base.label)

    def make(self, key: tuple[str, tuple[int, ...]], label: sympy.Symbol, own: Sequence[str] = ()) -> sympy.Basic:
        """The symbol of entry ``key`` (base, index), declared on first use (a ragged bound's entry:
        its whole value in this instance)."""
        base, index = key
        if base in self.ragged_values:
            return self._ragged(base, index)
        if base in self.square and len(index) == 2:
            key = (base, tuple(sorted(index)))
            index = key[1]
        if key in self.entries:
            return self.entries[key]
        spec = self.base_table.get(base)
        if spec is not None and spec.kind.is_matrix:
            sym = self._vector_entry(spec, index)
        else:
            name = f"{base}_{','.join(map(str, index))}"
            while name in self.reserved:
                name += "'"
            if len(self.entries) >= MAX_ENTRIES:
                raise _TooLargeError(f"more than {MAX_ENTRIES} independent entries ({name}, ...)")
            # x_i declared under any of the sums speaks for every entry of x
            unders = sorted(self.unders.get(base, ()))
            kind = _entry_kind(self.base_table, (name, *own, *unders, base), label)
            sym = self.table.declare(name, kind).obj
        self.entries[key] = sym
        return sym

    def _ragged(self, base: str, index: tuple[int, ...]) -> sympy.Integer:
        """n_k of a ragged bound: the pattern's values cycled over k, checked against n's declaration."""
        pattern = self.ragged_values[base]
        value = pattern[(sum(index) - 1) % len(pattern)]
        name = f"{base}_{','.join(map(str, index))}"
        kind = _entry_kind(self.base_table, (name, *sorted(self.unders.get(base, ())), base), sympy.Symbol(base))
        from derive.tiers.sampling import allows  # noqa: PLC0415 - sampling pulls numpy in

        if not allows(kind.base, sympy.Integer(value)) or kind.is_matrix:
            raise _SkipInstanceError
        self.ragged_used[name] = value
        return sympy.Integer(value)

    def adopt(self, labels: Mapping[str, sympy.Symbol], *, sized: bool, sizes: Mapping[str, int] | None = None) -> None:
        """The claim's own x_1, x_2 are entries of x: same symbol, same kind (`identify`).

        So is x_n for a symbol n the instance fixes (n = 3: x_n is x_3): the last term of
        ``\\sum_{i=1}^n x_i``, or the term a sum ``\\sum_{k \\ne i}`` leaves out (a_i); and
        x_{n+1}, x_{n-i+1} (a sum of size letters and numbers, `_shifted_index`), the entry there.
        With sizes, an instance that no sum gives the entry x_3 (n = 2 in a claim that
        writes x_3) is below what the claim itself needs: it is left out.
        """
        for name, own in self.user.items():
            m = _ENTRY_NAME.fullmatch(name)
            index = int(m.group(2)) if m is not None else None
            shifted = m is None and _SHIFTED_NAME.fullmatch(name) is not None
            if shifted:
                m = _SHIFTED_NAME.fullmatch(name)
                index = _shifted_index(name, m, labels, sizes or {}) if m is not None else None
            if m is None:
                m = _SIZED_NAME.fullmatch(name)
                index = (sizes or {}).get(m.group(2)) if m is not None else None
            if m is None or index is None or m.group(1) not in labels or name in self.reserved or own in self.named:
                continue
            key = (m.group(1), (index,))
            if self.scan is not None:  # the claim's own x_1: a value a free index must also take
                self.scan.occupy((key[0], 0), index, None)
            # x_{n+1} beyond every sum is still the family's entry after x_n (a number of its own,
            # never one of the summed ones); an index below 1 (x_{n-1} at n = 1) is not in the family
            if key not in self.entries and key[0] not in self.ragged_values and sized and (not shifted or index < 1):
                raise _SkipInstanceError
            entry = self.make(key, labels[m.group(1)])
            self._same_kind(name, entry)
            self.aliases[own] = entry

    def _same_kind(self, name: str, entry: sympy.Basic) -> None:
        """The claim's own x_n read as an entry must not lose its declaration: a kind declared for
        it that differs from the entry's would let a counterexample contradict it."""
        spec = self.base_table.get(name)
        if spec is None or spec.kind.is_matrix or spec.kind.base == "real" or isinstance(entry, sympy.Integer):
            return  # a ragged bound's entry is a whole number its declaration allows (`_ragged`)
        drawn = self.table.spec_of(entry) if isinstance(entry, sympy.Symbol) else None
        if drawn is None or str(drawn.kind) != str(spec.kind):
            shown = drawn.kind if drawn is not None else "another kind"
            msg = f"{name} is declared {spec.kind} but, as a term of the sum, is drawn as {shown}"
            raise IndexedError(msg)

    @staticmethod
    def _vector_entry(spec: Any, index: tuple[int, ...]) -> sympy.Basic:
        if spec.kind.base != "vector" or len(index) != 1:
            msg = f"{spec.name} is declared '{spec.kind}': its indexed entries are not read as independent numbers"
            raise IndexedError(msg)
        k = index[0]
        if not 1 <= k <= spec.kind.rows:
            raise _SkipInstanceError
        return spec.obj[k - 1]


def _range_condition(cond: Any, letters: frozenset[sympy.Symbol]) -> bool:
    """Whether a Piecewise condition compares only indices and sizes (n <= K: a collapsed delta's range)."""
    return (
        isinstance(cond, sympy.Basic)
        and cond is not sympy.true
        and bool(cond.free_symbols)
        and cond.free_symbols <= letters
    )


def _shifted_index(name: str, m: re.Match[str], labels: Mapping[str, Any], sizes: Mapping[str, int]) -> int | None:
    """The index of the claim's own x_n+1 in this instance (n = 3: 4), when x is a family the sums use.

    Read as a name of its own, x_{n+1} would be one more independent number, and a true
    ``\\sum_{i=1}^n x_i + x_{n+1} = \\sum_{i=1}^{n+1} x_i`` would be refuted. A letter in it that
    the instance does not fix leaves the entry with no single index: `IndexedError`.
    """
    if m.group(1) not in labels:
        return None
    total = 0
    for sign, atom in index_terms(m.group(2)) or ():
        if isinstance(atom, str) and atom not in sizes:
            msg = f"{name} is an entry of {m.group(1)} at an index ({atom}) that no sum's size fixes"
            raise IndexedError(msg)
        total += sign * (sizes[atom] if isinstance(atom, str) else atom)
    return total


def _written(entry: Indexed) -> str:
    """The name an entry is written with under its sum: x_i for x[i], x_{-i + n + 1} for a shifted index."""
    if len(entry.indices) == 1 and not entry.indices[0].is_Atom:
        return f"{entry.base.label}_{{{entry.indices[0]}}}"
    return f"{entry.base.label}_{''.join(str(i) for i in entry.indices)}"


def _entry_kind(table: SymbolTable, names: Sequence[str], label: sympy.Symbol) -> SymbolKind:
    """The first kind that says more than ``real``: declared for x_k, for x_i, for x, or the reader's assumptions.

    A declaration of the family under any other index letter (``N_k: positive`` for a sum
    over j) speaks for every entry too: texts declare ``N_k > 0`` once and sum over any
    letter. Family declarations that disagree leave no single kind to draw from, so the
    entries are not drawn at all (`IndexedError`): a counterexample outside one of them
    would contradict a declaration.
    """
    for name in names:
        spec = table.get(name)
        if spec is not None and not spec.kind.is_matrix and spec.kind.base != "real":
            return spec.kind
    family = _family_kinds(table, names[-1])
    if len(family) > 1:
        listed = ", ".join(f"{name}: {kind}" for name, kind in family)
        msg = f"the entries of {names[-1]} are declared differently under different index letters ({listed})"
        raise IndexedError(msg)
    if family:
        return table[family[0][0]].kind
    return kind_from_assumptions(label)


_FAMILY_INDEX = re.compile(r"_[A-Za-z]")  # N_k, N_j: the family under one index letter (N_1 is one entry)


def _family_kinds(table: SymbolTable, base: str) -> list[tuple[str, str]]:
    """The declarations ``base_<letter>`` that say more than ``real``, one per distinct kind."""
    seen: dict[str, str] = {}
    for name in table:
        if not name.startswith(base) or not _FAMILY_INDEX.fullmatch(name[len(base) :]):
            continue
        kind = table[name].kind
        if not kind.is_matrix and kind.base != "real":
            seen.setdefault(str(kind), name)
    return sorted((name, kind) for kind, name in seen.items())
