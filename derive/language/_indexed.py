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

An instance at sizes ``b < a - 1`` (a sum ``\\sum_{i=a}^{b}`` whose bounds are reversed by
more than an empty range) is left out: sympy's convention for such sums (Karr's) is not
what an author means by them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
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

    def label(self) -> str:
        """``n = 2`` (or ``n = 2, m = 3``); empty when the bounds were fixed numbers."""
        return ", ".join(f"{name} = {value}" for name, value in self.sizes)


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
        int(a)
        for side in sides
        if isinstance(side, (sympy.Basic, sympy.MatrixBase))
        for a in side.atoms(sympy.Integer)
        if 2 <= int(a) <= 23
    ]
    extra = max(numbers, default=0) + 1
    return tuple(sizes) if extra <= max(sizes) else (*sizes, extra)


def instances(problem: Problem, sizes: Sequence[int] = SIZES) -> list[Instance]:
    """The concrete problems of an indexed claim, one per size tuple (see the module docstring).

    Raises `IndexedError` when no sound instance can be built; the message says why.
    """
    for _, dist in problem.random:
        if any(isinstance(s, Indexed) for s in getattr(dist, "free_symbols", ())):
            msg = "an indexed entry inside a distribution: its entries cannot be drawn independently here"
            raise IndexedError(msg)
    sides = (problem.lhs, problem.rhs)
    bound = sorted(set().union(*(_size_symbols(s, frozenset()) for s in sides)), key=sympy.default_sort_key)
    tuples = _size_tuples(bound, problem.symbols, _past_constants(sides, sizes))
    unders: dict[str, set[str]] = {}
    labels: dict[str, sympy.Symbol] = {}
    for side in sides:
        for e in side.atoms(Indexed) if isinstance(side, (sympy.Basic, sympy.MatrixBase)) else ():
            unders.setdefault(str(e.base.label), set()).add(_written(e))
            labels.setdefault(str(e.base.label), e.base.label)
    # Names an entry may not take over: random variables and declared matrices keep theirs.
    reserved = {n for n, spec in problem.symbols.items() if spec.kind.is_matrix}
    reserved |= {str(e) for rv, _ in problem.random for e in (rv if is_matrix(rv) else (rv,))}
    out: list[Instance] = []
    too_large: _TooLargeError | None = None
    for values in tuples:
        env = dict(zip(bound, (sympy.Integer(v) for v in values), strict=True))
        builder = _Builder(problem.symbols, _user_names(sides), unders, reserved)
        try:
            lhs, rhs = (builder.build(s, env) for s in sides)
            builder.adopt(labels, sized=bool(bound), sizes={str(k): int(v) for k, v in env.items()})
        except _SkipInstanceError:
            continue
        except _TooLargeError as exc:
            # nested sums at size 8 have 64 entries: that size is left out (the evidence lists
            # the sizes checked); a claim whose every instance is too large is not checked
            too_large = too_large or exc
            continue
        lhs, rhs = builder.identify(lhs), builder.identify(rhs)
        fixed = tuple((str(s), v) for s, v in zip(bound, values, strict=True))
        concrete = Problem(
            lhs,
            rhs,
            problem.relation,
            builder.table,
            problem.random,
            problem.tolerance,
            problem.nonrandom,
            problem.independent,
            problem.moments,
        )
        bases = tuple(sorted(builder.written))
        out.append(Instance(fixed, concrete, builder.names(), bases, builder.identified()))
    if not out and too_large is not None:
        raise too_large
    if not out:
        names = ", ".join(str(s) for s in bound)
        msg = (
            f"no size in {', '.join(map(str, sizes))} gives every indexed sum a range within its vectors (for {names})"
        )
        raise IndexedError(msg)
    return out


# ---------------------------------------------------------------------------------------
# Sizes.


def _size_symbols(expr: Any, bound: frozenset[sympy.Symbol]) -> set[sympy.Symbol]:
    """The free symbols in the bounds of the sums and products that have indexed terms."""
    if is_matrix(expr):
        return set().union(set(), *(_size_symbols(e, bound) for e in expr))
    if not isinstance(expr, sympy.Basic) or not expr.has(Indexed):
        return set()
    out: set[sympy.Symbol] = set()
    if isinstance(expr, (Sum, Product)):
        inner = set(bound)
        # limits[0] is the innermost: an inner bound may use an outer index, never the reverse
        for var, lo, hi in reversed(expr.limits):
            out |= {s for s in (lo.free_symbols | hi.free_symbols) if isinstance(s, sympy.Symbol)} - inner
            inner.add(var)
        return out | _size_symbols(expr.function, frozenset(inner))
    for arg in expr.args:
        out |= _size_symbols(arg, bound)
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
    return equal + mixed or [tuple(a[0] for a in allowed)]


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
            return env.get(expr, expr)
        if not expr.has(Indexed, *env):
            return expr
        if isinstance(expr, Indexed):
            return self.entry(expr, env)
        if isinstance(expr, (Sum, Product)):
            return self.big_operator(expr, env)
        inner = env
        bound = getattr(expr, "bound_symbols", None)
        if bound:  # an integral or lambda over a name the sum also uses: its own variable wins
            inner = {k: v for k, v in env.items() if k not in bound}
        args = [self.build(a, inner) for a in expr.args]
        if all(a is b for a, b in zip(args, expr.args, strict=True)):
            return expr
        return expr.func(*args)

    def big_operator(self, expr: Sum | Product, env: Mapping[sympy.Symbol, sympy.Expr]) -> Any:
        if not expr.function.has(Indexed):
            # No entry inside: only the bounds (and outer indices) are substituted; the
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
        terms = [self._expand(cls, function, limits[:-1], {**env, var: sympy.Integer(k)}) for k in range(a, b + 1)]
        return sympy.Add(*terms) if cls is Sum else sympy.Mul(*terms)

    def entry(self, expr: Indexed, env: Mapping[sympy.Symbol, sympy.Expr]) -> sympy.Basic:
        base = str(expr.base.label)
        index = tuple(self.build(i, env) for i in expr.indices)
        if not all(isinstance(i, sympy.Integer) for i in index):
            shown = ", ".join(map(str, index))
            msg = f"the entry {base}[{shown}] has an index no sum binds to a whole number: it has no single value"
            raise IndexedError(msg)
        self.written.setdefault(_written(expr), None)
        return self.make((base, tuple(int(i) for i in index)), expr.base.label)

    def make(self, key: tuple[str, tuple[int, ...]], label: sympy.Symbol) -> sympy.Basic:
        """The symbol of entry ``key`` (base, index), declared on first use."""
        if key in self.entries:
            return self.entries[key]
        base, index = key
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
            sym = self.table.declare(name, _entry_kind(self.base_table, (name, *unders, base), label)).obj
        self.entries[key] = sym
        return sym

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
            if m is None or index is None or m.group(1) not in labels or name in self.reserved:
                continue
            key = (m.group(1), (index,))
            # x_{n+1} beyond every sum is still the family's entry after x_n (a number of its own,
            # never one of the summed ones); an index below 1 (x_{n-1} at n = 1) is not in the family
            if key not in self.entries and sized and (not shifted or index < 1):
                raise _SkipInstanceError
            entry = self.make(key, labels[m.group(1)])
            self._same_kind(name, entry)
            self.aliases[own] = entry

    def _same_kind(self, name: str, entry: sympy.Basic) -> None:
        """The claim's own x_n read as an entry must not lose its declaration: a kind declared for
        it that differs from the entry's would let a counterexample contradict it."""
        spec = self.base_table.get(name)
        if spec is None or spec.kind.is_matrix or spec.kind.base == "real":
            return
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
