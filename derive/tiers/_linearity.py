"""Expectations whose law is unknown: prove a step from the laws every expectation obeys.

A text often writes ``E[x]``, ``E_{\\mathcal T}[\\hat y_0]`` or ``\\mathrm{Var}(x)`` without saying
what x is drawn from. The LaTeX reader then builds an *unknown-law operator*: an undefined
sympy function made by `expectation_operator` or `moment_operator` (marked, so that a
function the text declares or defines under the same name, ``functions: [E]``, is never taken
for an expectation). No tier can evaluate one, but many steps through them hold for every law:

- additivity: ``E[X + Y] = E[X] + E[Y]`` (where the expectations exist);
- non-random factors come out, ``E[c X] = c E[X]``, and ``E[c] = c``: a factor is non-random
  when it is built only from numbers, names declared non-random, names the operator
  conditions on (``E[g(z) x | z] = g(z) E[x | z]``), and applications of the *same* operator
  (``E[X]`` is a number for ``E``; ``E[X | z]`` is fixed given z), so ``E[E[X]^2] = E[X]^2``;
- ``Var(X) = E[X^2] - E[X]^2``, ``Cov(X, Y) = E[XY] - E[X] E[Y]``, ``Std(X) = sqrt(Var(X))``
  by definition (with the same conditioning);
- the tower property under the plain unconditional E: ``E[g(Y) E[X | Y]] = E[g(Y) X]`` for one
  conditional mean given plain names and other factors built from those names only (never given an
  event, never under a named law or a condition, never ``E[Z E[X | Y]]``).

`linear_form` rewrites each operator into that normal form: its argument is expanded into
monomials, each monomial split into a non-random coefficient and a random rest, and E of
the rest stays opaque. Two sides with the same normal form are equal for every law; two
with different normal forms may still be equal for some law, so a difference never refutes.
A name whose randomness nothing declares is never pulled out: `linear_form` reports such
names, so a step that would hold were they non-random says which ones (never the names the step
takes a moment of as a whole: in ``Cov(X, aX + b)`` X is the random variable, a and b the factors).

Independence is never assumed. Names a problem states mutually independent (an optional
``independent`` attribute: groups of names) factor a plain unconditional ``E`` of a product of
their powers, ``E[X^2 Y] = E[X^2] E[Y]``, and nothing else: not under a named law (``E_q``),
not given a condition, not through an unknown function. A step that would hold were some names
uncorrelated (``Var(X + Y) = Var(X) + Var(Y)``) says which ones.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace

import sympy
from sympy.core.function import AppliedUndef, UndefinedFunction

from derive.model import Evidence, Method, Outcome, Relation, Verdict
from derive.tiers._general_law_density import density_integrals
from derive.tiers._general_law_facts import Substitutions, stated_substitutions
from derive.tiers._general_law_order import nonnegative_for_every_law
from derive.tiers._general_law_sums import canonical_sums, fixed_size_sum, names_in_arguments

__all__ = [
    "LinearForm",
    "by_linearity",
    "expectation_operator",
    "independent_groups",
    "is_unknown_law",
    "linear_form",
    "moment_operator",
    "nonrandom_names",
]

#: The keyword that marks an undefined function as an unknown-law operator (sympy keeps it
#: in the function's identity: ``E`` marked and ``E`` declared by the text are different).
_MARK = "unknown_law"
#: The keyword under which an expectation keeps the density its subscript names (`expectation_operator`).
_LAW = "law"
#: ... and the names its subscript conditions on.
_HELD = "held"
#: ... and the names it averages over.
_AVERAGED = "averaged"
#: The keyword under which a moment keeps the expectation of its law (`moment_operator`'s ``under``).
_UNDER = "under"
_MOMENTS = ("Var", "Cov", "Std")
#: The reader's marks, never a function the text could declare non-random.
_MARKS = ("given", "parameters", "event")
#: Beyond this many operations an expansion is not attempted (the step stays undecided).
_MAX_OPS = 3000
_MAX_TERMS = 400
_MAX_POWER = 6
_MAX_HINT_NAMES = 6  # beyond this, pairs of names are not tried for the hint


def expectation_operator(
    name: str, law: sympy.Basic | None = None, held: tuple[str, ...] = (), averaged: tuple[str, ...] = ()
) -> UndefinedFunction:
    """The expectation ``name`` (``E``, ``E_{T}``) of an unknown law, as the LaTeX reader builds it.

    ``law``: the density the subscript names (``q(y, given(x))`` of ``E_{q(y|x)}``), an application
    of an unknown function; it is part of the operator's identity, and under it that density is
    positive almost surely (`linear_form` splits it out of a log). ``held``: the names the subscript
    conditions on (``x_0`` of ``E_{y_0|x_0}``), fixed under it as under ``E[. | x_0]``. ``averaged``: the
    names it says it averages over (``x, y`` of ``E_{x,y}``, ``z`` of ``E_{q(z)}``): random under it, never
    taken out, whatever else the text calls them; the plain ``E`` keeps no such mark in the normal form.

    >>> x = sympy.Symbol("x")
    >>> expectation_operator("E")(x) == sympy.Function("E")(x)
    False
    """
    marks: dict[str, object] = {_MARK: "E"}
    if law is not None:
        marks[_LAW] = law
    if held:
        marks[_HELD] = tuple(held)
    if averaged:
        marks[_AVERAGED] = tuple(averaged)
    return UndefinedFunction(name, **marks)


def moment_operator(name: str, under: UndefinedFunction | None = None, label: str = "") -> UndefinedFunction | None:
    """``Var``, ``Cov`` or ``Std`` of an unknown law (with the plain ``E``), or None for other names.

    ``under``: the expectation operator of the law a subscript names (``Var_{\\mathcal T}`` under the
    ``E_{T}`` the reader builds for ``E_{\\mathcal T}``; made by `expectation_operator`), written
    ``name_{label}``: its definition is then ``E_T[x^2] - E_T[x]^2``, the same operator as the step's E_T."""
    if name not in _MOMENTS:
        return None
    if under is None or _role_of_function(under) != "E":
        return UndefinedFunction(name, **{_MARK: name}) if under is None else None
    return UndefinedFunction(f"{name}_{{{label}}}" if label else name, **{_MARK: name, _UNDER: under})


def _role_of_function(func: object) -> str | None:
    role = (getattr(func, "_kwargs", None) or {}).get(_MARK)
    return role if role in ("E", *_MOMENTS) else None


def is_unknown_law(node: object) -> bool:
    """Whether ``node`` applies an operator made by `expectation_operator` or `moment_operator`."""
    return isinstance(node, AppliedUndef) and _role(node) is not None


def _role(node: AppliedUndef) -> str | None:
    kwargs = getattr(node.func, "_kwargs", None) or {}
    role = kwargs.get(_MARK)
    return role if role in ("E", *_MOMENTS) else None


def nonrandom_names(problem: object) -> frozenset[str]:
    """Names a problem declares non-random (an optional ``nonrandom`` attribute; none today)."""
    return frozenset(str(n) for n in getattr(problem, "nonrandom", ()) or ())


def independent_groups(problem: object) -> tuple[frozenset[str], ...]:
    """Groups of names a problem states mutually independent (an optional ``independent``
    attribute of name groups; none today). A group of one name says nothing."""
    groups = getattr(problem, "independent", ()) or ()
    return tuple(g for g in (frozenset(str(n) for n in group) for group in groups) if len(g) >= 2)


@dataclass
class LinearForm:
    """A side in normal form, the laws its rewriting used, and the names it could not pull out."""

    value: object
    laws: set[str] = field(default_factory=set)
    #: Names inside an operator whose randomness nothing declares (they stayed inside it).
    undeclared: set[str] = field(default_factory=set)
    #: The names declared non-random that were pulled out of an operator.
    pulled: set[str] = field(default_factory=set)
    #: The statements of the text (moments it states) substituted into the value, as it says them.
    stated: tuple[str, ...] = ()


class _TooBigError(Exception):
    pass


def linear_form(
    expr: object,
    nonrandom: Collection[str] = (),
    *,
    assume: Iterable[str] = (),
    independent: Iterable[frozenset[str]] = (),
) -> LinearForm | None:
    """``expr`` with every unknown-law operator in normal form, or None when there is none (or too big).

    ``nonrandom``: names declared non-random. ``assume``: names treated as non-random only to
    say which declaration would settle a step (never for a proof). ``independent``: groups of
    names stated mutually independent (a plain E of a product of their powers factors).

    >>> E = expectation_operator("E")
    >>> a, x = sympy.symbols("a x")
    >>> str(linear_form(E(2 * x + 3)).value)
    '2*E(x) + 3'
    >>> str(linear_form(E(a * x)).value), sorted(linear_form(E(a * x)).undeclared)
    ('E(a*x)', ['a', 'x'])
    >>> str(linear_form(E(a * x), {"a"}).value)
    'a*E(x)'
    """
    if isinstance(expr, sympy.MatrixBase):
        forms = [linear_form(e, nonrandom, assume=assume, independent=independent) for e in expr]
        if all(f is None for f in forms):
            return None
        out = LinearForm(None)
        values = []
        for e, f in zip(expr, forms, strict=True):
            values.append(e if f is None else f.value)
            if f is not None:
                out.laws |= f.laws
                out.undeclared |= f.undeclared
                out.pulled |= f.pulled
        out.value = sympy.ImmutableMatrix(expr.shape[0], expr.shape[1], values)
        return out
    if not isinstance(expr, sympy.Basic) or not any(is_unknown_law(n) for n in sympy.preorder_traversal(expr)):
        return None
    fixed = frozenset(nonrandom) | frozenset(assume)
    out = LinearForm(None)
    try:
        rewriter = _Rewriter(fixed, frozenset(nonrandom), out, tuple(independent))
        # a name inside an operator's argument may be random: a sum with it as a bound is no fixed size
        rewriter.maybe_random = frozenset(names_in_arguments(expr, is_unknown_law))
        out.value = canonical_sums(rewriter.walk(expr))
    except (_TooBigError, TypeError, ValueError, AttributeError, NotImplementedError, RecursionError):
        return None  # too big, or a node sympy will not rebuild: no normal form, the step stays undecided
    return out


class _Rewriter:
    def __init__(
        self,
        fixed: frozenset[str],
        declared: frozenset[str],
        out: LinearForm,
        independent: tuple[frozenset[str], ...] = (),
    ) -> None:
        self.fixed = fixed
        self.declared = declared
        self.out = out
        self.independent = independent
        self.maybe_random: frozenset[str] = frozenset()

    def walk(self, node: sympy.Basic) -> sympy.Basic:
        if not node.args:
            return node
        args = [self.walk(a) for a in node.args]
        if isinstance(node, AppliedUndef):
            rebuilt = node.func(*args)
            role = _role(node)
            if role == "E":
                return self.expectation(rebuilt)
            if role is not None:
                return self.moment(rebuilt, role)
            return rebuilt
        return node.func(*args) if args != list(node.args) else node

    # -- moments by definition --------------------------------------------------------

    def moment(self, node: AppliedUndef, role: str) -> sympy.Basic:
        values, rest = _split_conditions(node.args)
        e = (getattr(node.func, "_kwargs", None) or {}).get(_UNDER) or expectation_operator("E")
        if role in ("Var", "Std") and len(values) == 1:
            (x,) = values
            var = self.expectation(e(sympy.expand(x**2), *rest)) - self.expectation(e(x, *rest)) ** 2
            self.out.laws.add(f"{role} by definition")
            return sympy.sqrt(var) if role == "Std" else var
        if role == "Cov" and len(values) == 2:
            x, y = values
            cov = self.expectation(e(x * y, *rest)) - self.expectation(e(x, *rest)) * self.expectation(e(y, *rest))
            self.out.laws.add("Cov by definition")
            return cov
        return node

    # -- expectations -----------------------------------------------------------------

    def expectation(self, node: AppliedUndef) -> sympy.Basic:
        """E of a sum of monomials: the sum of each monomial's non-random coefficient times E of the rest."""
        if not node.args:
            return node
        body, rest = node.args[0], node.args[1:]
        if isinstance(body, sympy.MatrixBase) or _ops(body) > _MAX_OPS or _steep_power(body):
            raise _TooBigError
        if not all(_is_condition(a) for a in rest):
            return node  # E(x, y): not an expectation with a conditioning derive knows
        if not body.free_symbols and not body.has(AppliedUndef):
            # E[2] arises from a bound variable substituted into E[m] (sum_m (m - E[m])^2 Bin(m|N, mu),
            # where E[m] is the mean): kept opaque, so a sum written out never collapses to 0
            return node
        held = {str(s) for a in rest for s in _condition_symbols(a)}
        marks = getattr(node.func, "_kwargs", None) or {}
        held |= set(marks.get(_HELD, ()))
        # a name the subscript averages over is random under it, whatever else the text calls it
        averaged = set(marks.get(_AVERAGED, ()))
        func = node.func
        if averaged and func.__name__ == "E" and _LAW not in marks and _HELD not in marks:
            func = expectation_operator("E")  # E_{x,y}[xy] read as the plain E[xy]: one operator in the normal form
        law = _law_of(node.func)
        if law is not None:
            # E_{q(z|x)}: the density's own conditioning holds x fixed, as E[. | x] does
            held |= {str(s) for a in law.args for s in _condition_symbols(a)}
        body = self._law_logs_split(node.func, body)
        expanded = sympy.expand(body)
        terms = sympy.Add.make_args(expanded)
        if len(terms) > _MAX_TERMS:
            raise _TooBigError
        if len(terms) > 1:
            self.out.laws.add("linearity of expectation")
        total: list[sympy.Basic] = []
        for term in terms:
            total.append(self._monomial_expectation(term, func, rest, held, averaged))
        return sympy.Add(*total)

    def _monomial_expectation(
        self, term: sympy.Basic, func: object, rest: tuple, held: set[str], averaged: set[str]
    ) -> sympy.Basic:
        """E of one monomial ``term`` of the expanded body: its non-random coefficient (names fixed, or ``held``
        by the conditioning, and not ``averaged``) times E of the random factors (through the tower property, a
        finite sum, or kept as one expectation)."""
        coefficient, random = [], []
        for factor in sympy.Mul.make_args(term):
            names = self._outside_names(factor, func, rest)
            if names is not None and names <= (self.fixed | held) - averaged:
                coefficient.append(factor)
                self.out.pulled |= names & self.declared
            else:
                random.append(factor)
                if names is not None:
                    self.out.undeclared |= names - self.declared - held - averaged
        c = sympy.Mul(*coefficient)
        if not random:
            self.out.laws.add("E[c] = c for non-random c")
            return c
        tower = self._tower(func, random, rest)
        if tower is not None:
            if coefficient and c != 1:
                self.out.laws.add("non-random factors out of the expectation")
            return c * tower
        through = self._through_sum(func, random, rest, averaged)
        if through is not None:
            if coefficient and c != 1:
                self.out.laws.add("non-random factors out of the expectation")
            return c * through
        if coefficient and c != 1:
            self.out.laws.add("non-random factors out of the expectation")
        return c * self._factored(func, random, rest)

    def _tower(self, func: object, random: list[sympy.Basic], rest: tuple) -> sympy.Basic | None:
        """``E[g(Y) E[X | Y]] = E[g(Y) X]`` (the tower property) under the plain unconditional E, for one factor
        ``E[X | Y]`` of the same plain E given plain names only, the other random factors built from those names
        (and names declared non-random); else None. Never given an event (``E[X | X > 0]`` is a number, and
        ``E[E[X | A]] = E[X | A]``), never under a named law or a condition (another law, another sigma-field)."""
        if rest or (getattr(func, "_kwargs", None) or {}) != {_MARK: "E"}:
            return None
        inner = [
            f
            for f in random
            if isinstance(f, AppliedUndef)
            and f.func == func
            and len(f.args) >= 2
            and all(_is_condition(a) for a in f.args[1:])
        ]
        if len(inner) != 1:
            return None
        (conditional,) = inner
        given = conditional.args[1:]
        if not all(all(isinstance(a, sympy.Symbol) for a in g.args) and g.args for g in given):
            return None  # an event, an application, a bound: not a sigma-field of plain names
        held = {a.name for g in given for a in g.args}
        others = [f for f in random if f is not conditional]
        for factor in others:
            names = self._outside_names(factor, conditional.func, given)
            if names is None or not names <= held | self.fixed:
                return None  # a factor that may not be a function of Y: E[Z E[X | Y]] is not E[Z X]
        self.out.laws.add("the tower property E[g(Y) E[X | Y]] = E[g(Y) X]")
        return self.expectation(func(sympy.Mul(*others) * conditional.args[0]))

    def _through_sum(
        self, func: object, random: list[sympy.Basic], rest: tuple, averaged: set[str]
    ) -> sympy.Basic | None:
        """``E[r sum_i f_i] = sum_i E[r f_i]`` when exactly one random factor is a finite sum of fixed size
        (`fixed_size_sum`) and the other factors r do not use its indices; else None. Inside, the
        indices are fixed (an index is a position, not a draw)."""
        sums = [f for f in random if isinstance(f, sympy.Sum)]
        if len(sums) != 1 or not fixed_size_sum(sums[0], self.maybe_random | averaged):
            return None
        total = sums[0]
        indices = {limit[0] for limit in total.limits}
        others = [f for f in random if f is not total]
        if any(f.free_symbols & indices for f in others):
            return None  # an index also used outside its sum: not worth renaming
        names = frozenset(i.name for i in indices)
        if names & (self.maybe_random | averaged):
            return None  # the index's name also stands for something random: keep apart
        saved = self.fixed
        self.fixed = saved | names
        try:
            inner = self.expectation(func(sympy.Mul(*others) * total.function, *rest))
        finally:
            self.fixed = saved
        self.out.laws.add("linearity of expectation over a finite sum (its bounds are sizes)")
        return sympy.Sum(inner, *total.limits)

    def _law_logs_split(self, func: object, body: sympy.Basic) -> sympy.Basic:
        """``body`` with each ``log(q^k r)`` read as ``k log(q) + log(r)`` where q is the density the
        operator averages under (``E_{q(y|x)}[log(p/q)] = E_q[log p] - E_q[log q]``, the ELBO's split).

        Sound for any r: q > 0 almost surely under its own law, so q^k is a positive real there, and
        the principal log of a positive real times r is the sum of the logs (r = 0: both are -oo).
        Any other factor stays inside its log (nothing says an unknown density is positive)."""
        law = _law_of(func)
        if law is None or not body.has(law):
            return body

        def split(node: sympy.Basic) -> sympy.Basic:
            power = _law_power(node.args[0], law)
            if power == 0:
                return node
            self.out.laws.add(f"{law} > 0 almost surely under its own law (its log splits off)")
            return power * sympy.log(law) + sympy.log(sympy.powsimp(node.args[0] / law**power))

        # another operator inside the body averages under its own law: its logs are left to it
        inner = {n: sympy.Dummy() for n in sympy.preorder_traversal(body) if is_unknown_law(n)}
        masked = body.xreplace(inner)
        if not masked.has(law):
            return body
        done = masked.replace(lambda n: isinstance(n, sympy.log) and n.args[0] != law, split)
        return done.xreplace({d: n for n, d in inner.items()})

    def _factored(self, func: object, random: list[sympy.Basic], rest: tuple) -> sympy.Basic:
        """E of the product ``random``: one E per name when its factors are powers of distinct names
        of one independent group under the plain unconditional E; else E of the whole product."""
        whole = func(sympy.Mul(*random), *rest)
        if rest or getattr(func, "__name__", "") != "E" or not self.independent:
            return whole
        by_name: dict[str, list[sympy.Basic]] = {}
        for factor in random:
            base, exp = factor.as_base_exp()
            if not (isinstance(base, sympy.Symbol) and exp.is_Integer and int(exp) > 0):
                return whole  # E[f(X) Y], E[X/Y], E[(X + Y) Z]: only powers of plain names factor
            by_name.setdefault(base.name, []).append(factor)
        if len(by_name) < 2 or not any(set(by_name) <= group for group in self.independent):
            return whole
        self.out.laws.add(f"independence of {', '.join(sorted(by_name))} as stated")
        return sympy.Mul(*(func(sympy.Mul(*fs), *rest) for fs in by_name.values()))

    def _outside_names(self, factor: sympy.Basic, func: object, rest: tuple) -> set[str] | None:
        """The names ``factor`` depends on outside applications of the same operator (``func``
        with the same conditioning ``rest``), or None when it applies anything unknown (f(x),
        another expectation): its randomness is unknown whatever is declared."""
        names: set[str] = set()
        stack = [factor]
        while stack:
            n = stack.pop()
            if isinstance(n, AppliedUndef):
                if n.func == func and n.args[1:] == rest:
                    continue  # E[X] inside E: a number (fixed given the same conditioning)
                if _role(n) is None and n.func.__name__ in self.fixed and n.func.__name__ not in _MARKS:
                    # f(x_0) with f declared non-random: fixed where its arguments are (`constants: [f, x_0]`)
                    names.add(n.func.__name__)
                    stack.extend(n.args)
                    continue
                return None
            if isinstance(n, sympy.Symbol):
                names.add(n.name)
                continue
            written = _written_entry(n)
            if written is not None and written in self.fixed:
                names.add(written)  # c_k under a sum over k, where the text calls c_k constants
                continue
            if isinstance(n, (sympy.Derivative, sympy.Integral, sympy.Sum, sympy.Product, sympy.Lambda)):
                return None  # bound variables and unknown bodies: not worth the risk
            stack.extend(n.args)
        return names


def _written_entry(node: sympy.Basic) -> str | None:
    """``c_k`` for the entry ``c[k]`` of a sum over k (its indices plain names), as the text writes it; else None."""
    if not isinstance(node, sympy.Indexed) or not all(isinstance(i, sympy.Symbol) for i in node.indices):
        return None
    return f"{node.base.name}_{''.join(i.name for i in node.indices)}"


def _law_of(func: object) -> sympy.Basic | None:
    """The density an expectation operator averages under (`expectation_operator`), or None."""
    law = (getattr(func, "_kwargs", None) or {}).get(_LAW)
    return law if isinstance(law, AppliedUndef) else None


def _law_power(arg: sympy.Basic, law: sympy.Basic) -> int:
    """The integer k with ``arg = law^k * rest`` where rest has no factor of ``law`` (0 when it has none,
    or when ``law`` stands in arg otherwise than as such a factor: inside a sum, a non-integer power)."""
    power = 0
    for factor in sympy.Mul.make_args(arg):
        base, exp = factor.as_base_exp()
        if base == law and exp.is_Integer:
            power += int(exp)
        elif factor.has(law):
            return 0
    return power


def _split_conditions(args: tuple) -> tuple[list[sympy.Basic], tuple]:
    values = [a for a in args if not _is_condition(a)]
    rest = tuple(a for a in args if _is_condition(a))
    return values, rest


def _is_condition(arg: sympy.Basic) -> bool:
    """Whether ``arg`` is the conditioning mark ``given(...)`` of the LaTeX reader."""
    return isinstance(arg, AppliedUndef) and arg.func.__name__ == "given"


def _condition_symbols(arg: sympy.Basic) -> set[sympy.Symbol]:
    """The names an expectation conditions on and so holds fixed: plain names in ``given(...)``
    (``given(x > 0)`` fixes nothing, so an event's names are not held)."""
    if not _is_condition(arg):
        return set()
    return {a for a in arg.args if isinstance(a, sympy.Symbol)}


def _ops(expr: sympy.Basic) -> int:
    return int(sympy.count_ops(expr, visual=False))


def _steep_power(expr: sympy.Basic) -> bool:
    """A power of a sum whose expansion would be large: (a + b + c)^9 is not expanded here."""
    return any(
        isinstance(p, sympy.Pow) and p.base.is_Add and p.exp.is_Integer and abs(int(p.exp)) > _MAX_POWER
        for p in sympy.preorder_traversal(expr)
    )


# ---------------------------------------------------------------------------------------
# The strategy of the symbolic tier.


def by_linearity(problem: object, sides: object, light: Outcome, zero: Callable[[sympy.Expr], bool]) -> Outcome:
    """`_by_linearity`, and for a step left undecided the tables of values the text states that are no law of a
    variable the step averages (a statement whose two sides are the same moment, said "... is no law ...")."""
    out = _by_linearity(problem, sides, light, zero)
    if out.verdict is not Verdict.UNDECIDED or not isinstance(sides, tuple) or len(sides) != 2:
        return out
    taken = _whole_arguments(sides[0]) | _whole_arguments(sides[1])
    said = [
        str(fact[2])
        for fact in tuple(getattr(problem, "moments", ()) or ())
        if len(fact) == 3 and fact[0] == fact[1] and " is no law " in str(fact[2]) and _whole_arguments(fact[0]) & taken
    ]
    if not said:
        return out
    return replace(out, evidence=replace(out.evidence, summary=out.evidence.summary + "; " + "; ".join(said)))


def _by_linearity(problem: object, sides: object, light: Outcome, zero: Callable[[sympy.Expr], bool]) -> Outcome:
    """PROVED when both sides of an equation reach the same normal form; else ``light``.

    ``sides``: the sides as the symbolic tier prepared them; ``zero``: the tier's exact test
    that a difference is 0 (it simplifies what is outside the operators). When the normal
    forms differ only through names whose randomness nothing declares, ``light`` comes back
    with a note naming them. Never refutes: an unknown law may make a difference vanish.
    """
    if not isinstance(sides, tuple) or len(sides) != 2:
        return light
    if getattr(problem, "relation", None) in (Relation.GE, Relation.LE):
        return _by_order(problem, sides, light)
    if getattr(problem, "relation", None) is not Relation.EQ:
        return light
    lhs, rhs, reading = _functions_named_alone(*sides)
    lhs, rhs, densities = _densities_read(lhs, rhs)
    reading += densities
    declared = nonrandom_names(problem)
    independent = independent_groups(problem)
    forms = _both(lhs, rhs, declared, independent=independent)
    if forms is None:
        return light
    stated = None
    if not _same(forms, zero):
        # the moments the text states (E[X] = mu, Var(X) = sigma^2), substituted: a second chance, where a
        # name stated equal to an unconditional expectation (mu) is a number
        numbers = declared | _stated_numbers(problem)
        stated = _stated_substitutions(problem, numbers, independent, (lhs, rhs))
        again = _both(lhs, rhs, numbers, independent=independent) if stated is not None else None
        if stated is not None and again is not None:
            forms, declared = _with_stated(again, stated), numbers
    if _same(forms, zero):
        other = _square_inside(lhs), _square_inside(rhs)
        if (other[0] is not None or other[1] is not None) and not _holds(
            other[0] if other[0] is not None else lhs,
            other[1] if other[1] is not None else rhs,
            declared,
            zero,
            independent,
            stated=stated,
        ):
            note = (
                "; by linearity of expectation it holds reading E[a - b]^2 as (E[a - b])^2, but not reading it "
                "as E[(a - b)^2] (as ESL writes it): write the brackets out to settle"
            )
            return replace(light, evidence=replace(light.evidence, summary=light.evidence.summary + note))
        laws = sorted(forms[0].laws | forms[1].laws) or [_no_law_named(forms, densities)]
        pulled = sorted(forms[0].pulled | forms[1].pulled)
        said = f"; with {', '.join(pulled)} non-random as declared" if pulled else ""
        if pulled and stated is not None:
            said = f"; with {', '.join(pulled)} non-random as declared or stated"
        quoted = list(dict.fromkeys((*forms[0].stated, *forms[1].stated)))
        if quoted:
            said += f"; with {'; '.join(quoted)} as the text states"
        summary = (
            f"proved for every law (where the expectations exist): both sides have the same normal form by "
            f"{', '.join(laws)}{said}{reading}"
        )
        return Outcome(Verdict.PROVED, Evidence(Method.SYMBOLIC, summary, difference="0", route="linearity"))
    squared = _square_inside(lhs) is not None or _square_inside(rhs) is not None
    # E[a - b]^2 has two readings: a hint about non-random names would hold in one only
    unknown = (
        [] if squared else _settling(lhs, rhs, declared, sorted(forms[0].undeclared | forms[1].undeclared), independent)
    )
    if not unknown:
        note = _applications_note(
            lhs, rhs, declared, independent, squared=squared, declarable=hasattr(problem, "nonrandom")
        )
        if not note and not squared:
            names = _independent_names(lhs, rhs, independent)
            said = f"{', '.join(names[:-1])} and {names[-1]}" if names else ""
            note = f"; it holds if {said} are independent, which nothing states" if names else ""
        if not note and squared and _holds_inside(lhs, rhs, declared, zero, independent=independent, stated=stated):
            note = (
                "; by linearity of expectation it holds reading E[a - b]^2 as E[(a - b)^2] (as ESL writes it), but "
                "not reading it as (E[a - b])^2: write the brackets out to settle"
            )
        if not note:
            return light
        return replace(light, evidence=replace(light.evidence, summary=light.evidence.summary + note))
    names = ", ".join(unknown)
    verb = "is" if len(unknown) == 1 else "are"
    note = f"; by linearity of expectation it holds if {names} {verb} not random, which nothing declares"
    if hasattr(problem, "nonrandom"):
        note += f" (declare `constants: [{names}]` if so)"
    return replace(light, evidence=replace(light.evidence, summary=light.evidence.summary + note))


def _by_order(problem: object, sides: tuple, light: Outcome) -> Outcome:
    """PROVED when lhs - rhs (rhs - lhs for <=) is, in normal form, a sum of variances and means of nonnegative
    variables with positive numbers as coefficients, plus a nonnegative number (`_general_law_order`); else
    ``light``. Never for E[a - b]^2 (two readings), never refutes."""
    lhs, rhs, reading = _functions_named_alone(*sides)
    lhs, rhs, densities = _densities_read(lhs, rhs)
    if _square_inside(lhs) is not None or _square_inside(rhs) is not None:
        return light
    forms = _both(lhs, rhs, nonrandom_names(problem), independent=independent_groups(problem))
    if forms is None or not all(isinstance(f.value, sympy.Expr) for f in forms):
        return light
    first, second = (forms[0].value, forms[1].value)
    if getattr(problem, "relation", None) is Relation.LE:
        first, second = second, first

    def expectation(n: sympy.Basic) -> bool:
        return isinstance(n, AppliedUndef) and _role(n) == "E"

    why = nonnegative_for_every_law(sympy.expand(first - second), expectation)
    laws = sorted(forms[0].laws | forms[1].laws)
    by = f" (normal form by {', '.join(laws)})" if laws else ""
    if why is None and isinstance(lhs, sympy.Expr) and isinstance(rhs, sympy.Expr):
        # as written: E[(X - a)^2] >= 0 is the mean of a square, whatever a is
        written = lhs - rhs if getattr(problem, "relation", None) is Relation.GE else rhs - lhs
        why, by = nonnegative_for_every_law(written, expectation), ""
    if why is None:
        return light
    summary = (
        f"proved for every law (where the expectations exist): the difference of the sides is nonnegative: "
        f"{why}{by}{reading}{densities}"
    )
    return Outcome(Verdict.PROVED, Evidence(Method.SYMBOLIC, summary, route="linearity"))


def _no_law_named(forms: tuple[LinearForm, LinearForm], densities: str) -> str:
    """What a proof rests on when no law of expectation was needed."""
    if forms[0].stated or forms[1].stated:
        return "the moments the text states"
    if densities:
        return "the definition of an expectation as the integral against its density"
    return "the same unknown-law expectations on both sides"


def _densities_read(lhs: object, rhs: object) -> tuple[object, object, str]:
    """The sides with each integral against the density p_X of a random variable X of the step read as the
    plain expectation (`derive.tiers._general_law_density`), and a note saying so (else unchanged, "")."""
    if not (isinstance(lhs, sympy.Basic) and isinstance(rhs, sympy.Basic)) or not (
        lhs.has(sympy.Integral) or rhs.has(sympy.Integral)
    ):
        return lhs, rhs, ""
    random: dict[str, sympy.Symbol] = {}
    laws: dict[sympy.Basic, tuple[Callable[[sympy.Basic], sympy.Basic], tuple[str, ...]]] = {}
    for side in (lhs, rhs):
        for n in sympy.preorder_traversal(side):
            if not is_unknown_law(n):
                continue
            law = _law_of(n.func)
            marks = getattr(n.func, "_kwargs", None) or {}
            if law is not None and len(n.args) == 1:
                laws[law] = (n.func, tuple(marks.get(_AVERAGED, ())))  # E_{q(z)}: its own density over z
            elif law is None and _HELD not in marks and not any(_is_condition(a) for a in n.args):
                # the names of a plain moment (or E_{x,y} read as one) are the step's random variables
                random.update({s.name: s for s in n.free_symbols if isinstance(s, sympy.Symbol)})
    plain = expectation_operator("E")
    new_lhs, used_lhs = density_integrals(lhs, random, plain, _unconditional_moment, laws)
    new_rhs, used_rhs = density_integrals(rhs, random, plain, _unconditional_moment, laws)
    used = list(dict.fromkeys((*used_lhs, *used_rhs)))
    if not used:
        return lhs, rhs, ""
    said = ", ".join(used)
    return new_lhs, new_rhs, f"; reading each integral against {said} as an expectation (the density of its variable)"


def _functions_named_alone(lhs: object, rhs: object) -> tuple[object, object, str]:
    """Bishop's ``var[f]``, ``E[f]`` for the moment of f(x) where the step applies f to x: the sides with
    each such name read as its application, and a note saying so (else the sides unchanged, "").

    Only a name that stands alone as a whole argument of an operator and nowhere else, of an unknown
    function the step applies to one argument list only (``f(x)`` and ``f(y)`` leave it alone)."""
    if not (isinstance(lhs, sympy.Basic) and isinstance(rhs, sympy.Basic)):
        return lhs, rhs, ""
    alone = _whole_arguments(lhs) | _whole_arguments(rhs)
    applied: dict[str, set[sympy.Basic]] = {}
    for side in (lhs, rhs):
        for n in sympy.preorder_traversal(side):
            # f(x) of a variable only: f(2) is a number, never the f of var[f]
            if isinstance(n, AppliedUndef) and _role(n) is None and n.func.__name__ in alone and n.free_symbols:
                applied.setdefault(n.func.__name__, set()).add(n)
    readings: dict[sympy.Symbol, sympy.Basic] = {}
    for side in (lhs, rhs):
        for sym in side.free_symbols:
            apps = applied.get(getattr(sym, "name", ""), set())
            if len(apps) == 1:  # f(x) only: f(x) and f(y) leave var[f] unread
                readings[sym] = next(iter(apps))
    if not readings:
        return lhs, rhs, ""

    def read(side: sympy.Basic) -> sympy.Basic:
        def inside(n: sympy.Basic) -> sympy.Basic:
            return n.func(*(readings.get(a, a) for a in n.args))

        return side.replace(lambda n: isinstance(n, AppliedUndef) and _role(n) is not None, inside)

    new = read(lhs), read(rhs)
    if any(sym in side.free_symbols for side in new for sym in readings):
        return lhs, rhs, ""  # the name stands elsewhere too (f var[f]): a value, not only the function
    said = ", ".join(f"{sym} as {app}" for sym, app in sorted(readings.items(), key=lambda kv: str(kv[0])))
    what = "the function the step applies" if len(readings) == 1 else "the functions the step applies"
    return new[0], new[1], f"; reading {said} ({what}), as Bishop's var[f] and E[f]"


def _square_inside(side: object) -> object | None:
    """``side`` with E[u]^n of a compound u read as E[u^n] (ESL's E[Y - f(X)]^2), or None if it has none.

    ``\\mathbb{E}[a - b]^2`` is (E[a - b])^2 to Bishop and E[(a - b)^2] to ESL; the LaTeX reader
    builds the first, so a proof must also hold for the second."""
    if not isinstance(side, sympy.Basic):
        return None

    def compound_square(n: sympy.Basic) -> bool:
        if not (isinstance(n, sympy.Pow) and isinstance(n.base, AppliedUndef) and _role(n.base) == "E"):
            return False
        return n.exp.is_Integer and int(n.exp) >= 2 and isinstance(n.base.args[0], (sympy.Add, sympy.Mul))

    if not any(compound_square(n) for n in sympy.preorder_traversal(side)):
        return None
    return side.replace(compound_square, lambda n: n.base.func(n.base.args[0] ** n.exp, *n.base.args[1:]))


def _holds(
    lhs: object,
    rhs: object,
    declared: frozenset[str],
    zero: Callable[[sympy.Expr], bool],
    independent: tuple[frozenset[str], ...] = (),
    *,
    stated: Substitutions | None = None,
) -> bool:
    forms = _both(lhs, rhs, declared, independent=independent)
    if forms is not None and stated is not None and not _same(forms, zero):
        forms = _with_stated(forms, stated)
    return forms is not None and _same(forms, zero)


def _holds_inside(
    lhs: object,
    rhs: object,
    declared: frozenset[str],
    zero: Callable[[sympy.Expr], bool],
    *,
    independent: tuple[frozenset[str], ...],
    stated: Substitutions | None,
) -> bool:
    """Whether the step holds for every law reading each E[u]^n of a compound u as E[u^n] (`_square_inside`)."""
    inside = _square_inside(lhs), _square_inside(rhs)
    return _holds(
        inside[0] if inside[0] is not None else lhs,
        inside[1] if inside[1] is not None else rhs,
        declared,
        zero,
        independent,
        stated=stated,
    )


def _stated_substitutions(
    problem: object, declared: frozenset[str], independent: tuple[frozenset[str], ...], sides: tuple = ()
) -> Substitutions | None:
    """The substitutions of the moments the problem states (an optional ``moments`` attribute of
    ``(lhs, rhs, said)``), or None when it states none that solve for an expectation."""
    facts = tuple(getattr(problem, "moments", ()) or ())
    if not facts:
        return None

    def normal(expr: object) -> object | None:
        form = linear_form(expr, declared, independent=independent)
        return None if form is None else form.value

    subs = stated_substitutions(
        facts, normal, is_unknown_law, _random_names(problem, facts, sides), names=_stated_numbers(problem)
    )
    return subs if subs.values else None


def _random_names(problem: object, facts: tuple, sides: tuple) -> set[str]:
    """The names the step or a statement takes a moment of as a whole (Y of Var(Y)), and the random
    variables with a stated law: a stated moment whose value names one is conditional."""
    names = {str(getattr(sym, "name", sym)) for sym, _ in tuple(getattr(problem, "random", ()) or ())}
    for side in (*sides, *(x for f in facts for x in f[:2])):
        names |= _whole_arguments(side)
    return names


def _stated_numbers(problem: object) -> frozenset[str]:
    """The names a stated moment makes numbers: a plain name, or its square, that is a whole side of a statement
    whose other side is an unconditional moment (mu of ``E[X] = mu``, sigma of ``Var(X) = sigma^2``; never m of
    ``E[X | z] = m``, a function of z)."""
    names: set[str] = set()
    for fact in tuple(getattr(problem, "moments", ()) or ()):
        if len(fact) != 3:
            continue
        for side, other in ((fact[0], fact[1]), (fact[1], fact[0])):
            name = side.base if isinstance(side, sympy.Pow) and side.exp == 2 else side
            if isinstance(name, sympy.Symbol) and _unconditional_moment(other):
                names.add(name.name)
    return frozenset(names)


def _unconditional_moment(node: object) -> bool:
    if not (isinstance(node, AppliedUndef) and is_unknown_law(node)):
        return False
    marks = getattr(node.func, "_kwargs", None) or {}
    return not any(_is_condition(a) for a in node.args) and _HELD not in marks and _LAW not in marks


def _with_stated(forms: tuple[LinearForm, LinearForm], stated: Substitutions) -> tuple[LinearForm, LinearForm]:
    out = []
    for form in forms:
        value, used = stated.apply(form.value)
        out.append(replace(form, value=value, stated=used))
    return out[0], out[1]


def _independent_names(lhs: object, rhs: object, independent: tuple[frozenset[str], ...]) -> list[str]:
    """The fewest names the step takes moments of which, were they mutually independent, give both
    sides one normal form (``Var(X + Y) = Var(X) + Var(Y)``): pairs first, then all of them. A hint,
    never a proof; empty when none do."""
    taken = sorted(_whole_arguments(lhs) | _whole_arguments(rhs))
    if not 2 <= len(taken) <= _MAX_HINT_NAMES:
        return []
    tries = [[a, b] for i, a in enumerate(taken) for b in taken[i + 1 :]]
    if len(taken) > 2:
        tries.append(taken)
    for names in tries:
        if any(set(names) <= group for group in independent):
            continue  # already stated: factoring them did not settle the step
        both = _both(lhs, rhs, frozenset(), independent=(*independent, frozenset(names)))
        if both is not None and _same(both, lambda d: d == 0):
            return names
    return []


def _settling(
    lhs: object,
    rhs: object,
    declared: frozenset[str],
    candidates: list[str],
    independent: tuple[frozenset[str], ...] = (),
) -> list[str]:
    """The fewest undeclared names which, were they non-random, give both sides one normal form.

    Single names first, then pairs, then all of them; equality here is only expand's (a hint,
    never a proof)."""
    # a name the step takes a moment of as a whole (E[X], Var(X), Cov(X, aX + b)) is the random
    # variable by the text's own usage: the hint names the factors around it (a, b), never X
    taken = _whole_arguments(lhs) | _whole_arguments(rhs)
    candidates = [n for n in candidates if n not in taken]
    if not candidates:
        return []
    tries: list[list[str]] = [[n] for n in candidates]
    if len(candidates) <= _MAX_HINT_NAMES:
        tries += [[a, b] for i, a in enumerate(candidates) for b in candidates[i + 1 :]]
    tries.append(candidates)
    for names in tries:
        forms = _both(lhs, rhs, declared, assume=names, independent=independent)
        # the hint is about factors: names whose own expectation the step takes (E[x^2] = E[x]^2
        # "holds if x is not random") are not a declaration anyone would make
        if forms is not None and _same(forms, lambda d: d == 0) and _has_operator(forms):
            return names
    return []


def _applications_note(
    lhs: object,
    rhs: object,
    declared: frozenset[str],
    independent: tuple[frozenset[str], ...],
    *,
    squared: bool,
    declarable: bool = False,
) -> str:
    """The hint naming the applications (`_settling_applications`) that would settle the step, or "";
    ``declarable``: the problem takes declared constants (then the hint names the declaration)."""
    apps = _settling_applications(lhs, rhs, declared, independent)
    if not apps:
        return ""
    verb = "is" if len(apps) == 1 else "are"
    note = (
        f"; by linearity of expectation it holds if {', '.join(apps)} {verb} not random under the "
        "expectation (a fixed function at fixed points), which nothing states"
    )
    note += " (reading E[a - b]^2 either way)" if squared else ""
    names = _application_names(lhs, rhs, apps, declared) if declarable else []
    return note + (f" (declare `constants: [{', '.join(names)}]` if so)" if names else "")


def _application_names(lhs: object, rhs: object, apps: list[str], declared: frozenset[str]) -> list[str]:
    """The function names and argument names of the applications ``apps`` that nothing declares non-random."""
    found: list[str] = []
    for side in (lhs, rhs):
        for n in sympy.preorder_traversal(side) if isinstance(side, sympy.Basic) else ():
            if isinstance(n, AppliedUndef) and str(n) in apps:
                names = [n.func.__name__, *(s.name for s in n.free_symbols if isinstance(s, sympy.Symbol))]
                found += [m for m in names if m not in declared and m not in found]
    return found


def _settling_applications(
    lhs: object, rhs: object, declared: frozenset[str], independent: tuple[frozenset[str], ...] = ()
) -> list[str]:
    """The applications of unknown functions inside the operators (ESL's ``f(x_0)`` under ``E_T``) which,
    were they non-random, give both sides one normal form, in each reading of ``E[a - b]^2``: one of them,
    else all. A hint, never a proof: an unknown function may itself be random."""
    apps = sorted(_inner_applications(lhs) | _inner_applications(rhs), key=str)
    if not apps or len(apps) > _MAX_HINT_NAMES:
        return []
    tries = [[a] for a in apps] + ([apps] if len(apps) > 1 else [])
    for group in tries:
        stand = {a: sympy.Symbol(str(a)) for a in group}
        left, right = lhs.xreplace(stand), rhs.xreplace(stand)  # type: ignore[union-attr]
        readings = [(left, right)]
        other = _square_inside(left), _square_inside(right)
        if other[0] is not None or other[1] is not None:
            readings.append((left if other[0] is None else other[0], right if other[1] is None else other[1]))
        names = [s.name for s in stand.values()]
        if all(_holds_assuming(a, b, declared, names, independent) for a, b in readings):
            return [str(a) for a in group]
    return []


def _holds_assuming(
    lhs: object, rhs: object, declared: frozenset[str], names: list[str], independent: tuple[frozenset[str], ...]
) -> bool:
    forms = _both(lhs, rhs, declared, assume=names, independent=independent)
    return forms is not None and _same(forms, lambda d: d == 0) and _has_operator(forms)


def _inner_applications(side: object) -> set[sympy.Basic]:
    """The applications of unknown functions (no operator, no mark of the reader) inside the arguments
    of an unknown-law operator in ``side``."""
    if not isinstance(side, sympy.Basic):
        return set()
    found: set[sympy.Basic] = set()
    for n in sympy.preorder_traversal(side):
        if not (isinstance(n, AppliedUndef) and _role(n) is not None):
            continue
        for inner in sympy.preorder_traversal(sympy.Tuple(*n.args)):
            if (
                isinstance(inner, AppliedUndef)
                and _role(inner) is None
                and inner.func.__name__ not in ("given", "parameters")
                and not inner.func.__name__.startswith("event")
                and not any(is_unknown_law(m) for m in sympy.preorder_traversal(inner))
            ):
                found.add(inner)
    return found


def _whole_arguments(side: object) -> set[str]:
    """The plain names that stand alone as a value argument of an unknown-law operator in ``side``."""
    if not isinstance(side, sympy.Basic):
        return set()
    names: set[str] = set()
    for n in sympy.preorder_traversal(side):
        if isinstance(n, AppliedUndef) and _role(n) is not None:
            values, _ = _split_conditions(n.args)
            names |= {v.name for v in values if isinstance(v, sympy.Symbol)}
    return names


def _has_operator(forms: tuple[LinearForm, LinearForm]) -> bool:
    return any(
        is_unknown_law(n) for f in forms if isinstance(f.value, sympy.Basic) for n in sympy.preorder_traversal(f.value)
    )


def _both(
    lhs: object,
    rhs: object,
    declared: frozenset[str],
    assume: Iterable[str] = (),
    independent: tuple[frozenset[str], ...] = (),
) -> tuple | None:
    left = linear_form(lhs, declared, assume=assume, independent=independent)
    right = linear_form(rhs, declared, assume=assume, independent=independent)
    if left is None and right is None:
        return None
    return (left or LinearForm(lhs), right or LinearForm(rhs))


def _same(forms: tuple[LinearForm, LinearForm], zero: Callable[[sympy.Expr], bool]) -> bool:
    a, b = canonical_sums(forms[0].value), canonical_sums(forms[1].value)
    if isinstance(a, sympy.MatrixBase) or isinstance(b, sympy.MatrixBase):
        if not (isinstance(a, sympy.MatrixBase) and isinstance(b, sympy.MatrixBase)) or a.shape != b.shape:
            return False
        return all(zero(sympy.expand(x - y)) for x, y in zip(a, b, strict=True))
    return zero(sympy.expand(a - b))
