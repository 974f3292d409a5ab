"""Landau remainders: ``f(w + εh) = f(w) + 2εwᵀh + O(ε²)`` as the one-way equality of asymptotics.

``A = B`` with O-terms means (de Bruijn, Knuth): every function of the form A is of the form B as
the variable tends to its limit. Each O(g) on the left becomes ``g·t_i`` with ``t_i`` a fresh,
arbitrary bounded quantity (analytic dependence, as in a Taylor remainder); the right side is
split into ``B0 + Σ c_j·O(g_j)`` (it must be linear in its O-terms, each coefficient with a
nonzero leading term, so that the weakest term can absorb any function of its order), and the
step holds when every series coefficient of ``A - B0`` below that order is zero identically in
the t_i and the other names. Zero is only ever concluded by the symbolic tier's exact test.

The limit matters: O(ε²) is a Taylor remainder as ε → 0 and a growth bound as ε → ∞, and
``e^ε = 1 + ε + O(ε²)`` holds at 0 only. A stated limit (the second argument of `Landau`) picks
the reading; otherwise a verdict stands only when both readings give it (negative powers too: O(1/ε)
is as plausible at 0 as O(1/n) at ∞; only a variable declared integer is read at ∞ alone). The
reading at ∞ is attempted only for a difference rational in the variable, where sympy's series
cannot pick a wrong branch. A refutation shows an exact nonzero
coefficient, proved nonzero for every admissible value or at an exact point of a polynomial.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import sympy
from sympy import S
from sympy.core.symbol import Str

from derive.model import Evidence, Method, Outcome, Relation, Verdict

__all__ = ["Landau", "check_landau", "has_landau", "landau", "landau_order"]

#: The limit a Landau term was stated for: "0", "oo", or "?" (not stated by the text).
LIMITS = ("0", "oo", "?")

#: A zero test: "zero", "nonzero" (for every admissible value) or "unknown".
ZeroStatus = Callable[[sympy.Expr], str]


class Landau(sympy.Function):
    """O(g): some function bounded by a constant times ``g`` as its variable tends to the limit.

    Arguments: ``g``, the limit (``Str`` "0", "oo" or "?"), and a tag (a Dummy) that keeps two
    occurrences apart, so that ``O(ε²) - O(ε²)`` is not cancelled to zero. Build it with `landau`.
    """

    nargs = 3

    @classmethod
    def eval(cls, g: sympy.Expr, limit: sympy.Basic, tag: sympy.Basic) -> None:
        return None

    def _eval_evalf(self, prec: int) -> None:
        return None  # no value: a class of functions, never a number

    def _sympystr(self, printer: sympy.printing.str.StrPrinter) -> str:
        return f"O({printer.doprint(self.args[0])})"

    def _latex(self, printer: sympy.printing.latex.LatexPrinter) -> str:
        return rf"O\left({printer.doprint(self.args[0])}\right)"


def landau(g: sympy.Expr, limit: str | None = None) -> Landau:
    """One occurrence of O(g); ``limit`` is "0" or "oo" when the text states it."""
    where = limit if limit in LIMITS else "?"
    return Landau(sympy.sympify(g), Str(where), sympy.Dummy("o"))


def landau_order(g: object) -> bool:
    """Whether ``g`` may stand in O(g) read as a Landau term: c·v**k, one name v, k a nonzero rational.

    The LaTeX reader asks this before reading ``O(...)`` as `Landau`; O(ε δ), O(sin ε), O(x - y)
    keep their other readings (a product, a function O).
    """
    if not isinstance(g, sympy.Expr):
        return False
    coeff, rest = g.as_coeff_Mul()
    base, power = rest.as_base_exp()
    return bool(coeff.is_number and coeff != 0 and isinstance(base, sympy.Symbol) and power.is_Rational and power != 0)


def has_landau(*exprs: object) -> bool:
    """Whether any of ``exprs`` (expressions or matrices) holds a Landau term."""
    for e in exprs:
        if isinstance(e, sympy.MatrixBase) and any(x.has(Landau) for x in e):
            return True
        if isinstance(e, sympy.Basic) and e.has(Landau):
            return True
    return False


@dataclass(frozen=True)
class _Term:
    atom: Landau
    power: sympy.Rational  # g = c·v**power


@dataclass(frozen=True)
class _Reading:
    status: str  # "holds", "fails", "unknown"
    detail: str


def check_landau(lhs: object, rhs: object, relation: Relation, zero: ZeroStatus) -> Outcome:
    """Decide ``lhs = rhs`` with Landau terms; UNDECIDED with the reason whenever it cannot."""
    if relation is not Relation.EQ:
        return _undecided("an inequality with O-terms is not checked", "landau relation")
    lpairs, rpairs = _entries(lhs), _entries(rhs)
    if lpairs is None or rpairs is None or len(lpairs) != len(rpairs):
        return _undecided("the two sides with O-terms have different shapes", "landau shape")
    latoms = [a for e in lpairs for a in e.atoms(Landau)]
    ratoms = [a for e in rpairs for a in e.atoms(Landau)]
    if len(set(ratoms)) != len(ratoms) or set(latoms) & set(ratoms):
        # On the right each entry is split by its own O-terms: one atom in two entries would be
        # read as two independent functions, a larger class than the notation means. (On the left
        # a product spreads an O-term over entries legitimately.)
        return _undecided("an O-term of the right side stands in several entries at once", "landau shared")
    latoms = list(dict.fromkeys(latoms))
    parsed = _parse_terms([*latoms, *ratoms])
    if isinstance(parsed, str):
        return _undecided(parsed, "landau argument")
    var, terms, limits = parsed
    if not ratoms:
        return _exact_class(lpairs, latoms, zero)
    # Every power, negative ones too, has both readings: O(1/ε) is as plausible at 0 (a variance
    # bound) as O(1/n) at ∞. Only a variable declared integer cannot tend to 0.
    readings = limits or ({"oo"} if var.is_integer else {"0", "oo"})
    results = {
        r: _reading(lpairs, rpairs, latoms=latoms, ratoms=ratoms, var=var, terms=terms, limit=r, zero=zero)
        for r in sorted(readings)
    }
    return _verdict(results, var, stated=bool(limits))


def _entries(side: object) -> list[sympy.Expr] | None:
    if isinstance(side, sympy.MatrixBase):
        return list(side)
    if isinstance(side, sympy.Expr):
        return [side]
    return None


def _parse_terms(atoms: list[Landau]) -> tuple[sympy.Symbol, dict[Landau, _Term], set[str]] | str:
    """The common variable, each term's power, and the limits stated; a message when not Landau."""
    var: sympy.Symbol | None = None
    powers: dict[Landau, sympy.Rational] = {}
    limits: set[str] = set()
    for atom in atoms:
        g, limit = atom.args[0], str(atom.args[1])
        if limit != "?":
            limits.add(limit)
        coeff, rest = g.as_coeff_Mul()
        if coeff == 0 or not coeff.is_number:
            return f"O({g}) is not of the form O(ε^k)"
        if rest == 1:
            powers[atom] = S.Zero
            continue
        base, power = rest.as_base_exp()
        if not isinstance(base, sympy.Symbol) or not power.is_Rational:
            return f"O({g}) is not of the form O(ε^k) with one variable: the limit it is taken in is not known"
        if var is not None and base != var:
            return f"O-terms in two variables ({var}, {base}): the joint limit is not known"
        var, powers[atom] = base, power
    if var is None:
        return "O(1) with no variable: the limit it is taken in is not known"
    if len(limits) > 1:
        return "the O-terms are stated for different limits"
    return var, {a: _Term(a, p) for a, p in powers.items()}, limits


def _exact_class(lpairs: list, latoms: list[Landau], zero: ZeroStatus) -> Outcome:
    """No O-term on the right: the step gives one value to a whole class of functions.

    Never refuted: a text that writes ``O(t) = t^2`` most likely gives O a meaning of its own (a
    definition the reader missed), so the Landau reading is the doubtful one here.
    """
    for atom in latoms:
        for left in lpairs:
            if not left.has(atom):
                continue
            s = sympy.Dummy("s")
            slope = sympy.diff(left.xreplace({atom: s}), s).xreplace({a: S.Zero for a in latoms}).xreplace({s: S.Zero})
            if zero(slope) == "nonzero":
                return _undecided(
                    f"the right side has no O-term: read as a Landau remainder, {atom} on the left may be any "
                    f"function of its order and the left side changes with it ({slope}·δ), so the step would "
                    "fail; O may mean something else here: define or declare it to settle",
                    "landau exact",
                )
    return _undecided(
        "the right side has no O-term, so the step claims an exact value for a class of functions; "
        "write the O-term on the right (or drop it on the left) to have it checked",
        "landau exact",
    )


def _reading(
    lpairs: list,
    rpairs: list,
    *,
    latoms: list[Landau],
    ratoms: list[Landau],
    var: sympy.Symbol,
    terms: dict[Landau, _Term],
    limit: str,
    zero: ZeroStatus,
) -> _Reading:
    """Whether the step holds as ``var`` → ``limit``, as a series in u (u = var, or 1/var at ∞)."""
    u = sympy.Dummy("u", positive=True) if limit == "oo" else var
    ts = {a: sympy.Dummy(f"landau_t{i}") for i, a in enumerate(latoms)}
    svars = {a: sympy.Dummy(f"landau_s{i}") for i, a in enumerate(latoms)}
    order = math.inf
    diffs: list[sympy.Expr] = []
    for left, right in zip(lpairs, rpairs, strict=True):
        a = left.xreplace({atom: atom.args[0] * ts[atom] for atom in latoms if left.has(atom)})
        here = [atom for atom in ratoms if right.has(atom)]
        slots = {atom: sympy.Dummy("s") for atom in here}
        b = right.xreplace(slots)
        b0 = b.xreplace({s: S.Zero for s in slots.values()})
        coeffs = {atom: sympy.diff(b, s).xreplace({x: S.Zero for x in slots.values()}) for atom, s in slots.items()}
        residual = b - b0 - sum((c * slots[atom] for atom, c in coeffs.items()), S.Zero)
        if here and zero(residual) != "zero":
            return _Reading("unknown", "the right side is not linear in its O-terms")
        for atom, c in coeffs.items():
            got = _order_of_term(c, terms[atom].power, var=var, u=u, limit=limit, zero=zero)
            if got is None:
                return _Reading("unknown", f"the coefficient {c} of {atom} on the right may vanish")
            order = min(order, got)
        if limit == "0" and not _regular(left.xreplace(svars) - b0, var, list(svars.values())):
            return _Reading("unknown", "an O-term stands where it may vanish in a denominator or under a root")
        diffs.append(a - b0)
    if order is math.inf:
        return _Reading("unknown", "an entry has no O-term on the right")
    for d in diffs:
        got = _low_coefficients(d, order, var=var, u=u, limit=limit, zero=zero)
        if got.status != "holds":
            return got
    return _Reading("holds", f"lhs − rhs = O({_power_text(var, -order if limit == 'oo' else order)})")


def _regular(ds: sympy.Expr, var: sympy.Symbol, svars: list[sympy.Dummy]) -> bool:
    """Whether ``ds`` (each O-term a plain symbol s_i) is analytic in the s_i at ε = s = 0.

    Only then does a bounded t in s = t·ε^k give a remainder bounded uniformly in t: ε/O(ε) is not
    O(1) (take O(ε) = ε²). Scaling ε and every s_i by λ, each coefficient of the series in λ must be
    a polynomial in the s_i.
    """
    here = [x for x in svars if ds.has(x)]
    if not here or ds.is_polynomial(*here):
        return True
    lam = sympy.Dummy("lam", positive=True)
    scaled = ds.xreplace({var: lam * var, **{x: lam * x for x in here}})
    try:
        series = sympy.series(scaled, lam, 0, 3).removeO()
    except Exception:  # sympy signals "cannot" in many ways
        return False
    parts = sympy.collect(sympy.expand(series), lam, evaluate=False)
    return all(not c.has(lam) and c.is_polynomial(*here) for c in parts.values())


def _in_u(expr: sympy.Expr, var: sympy.Symbol, u: sympy.Symbol, limit: str) -> sympy.Expr:
    return expr.xreplace({var: 1 / u}) if limit == "oo" else expr


def _order_of_term(
    c: sympy.Expr, power: sympy.Rational, *, var: sympy.Symbol, u: sympy.Symbol, limit: str, zero: ZeroStatus
) -> sympy.Rational | None:
    """The order in u of c·O(var**power), or None when c's leading coefficient may be zero."""
    if c.has(Landau) or (limit == "oo" and c.has(var) and not c.is_rational_function(var)):
        return None
    cu = _in_u(c, var, u, limit)
    lead = cu.as_leading_term(u) if cu.has(u) else cu
    coeff, exponent = lead.as_coeff_exponent(u)
    if coeff.has(u) or not exponent.is_Rational or zero(coeff) != "nonzero":
        return None
    base = -power if limit == "oo" else power
    return base + exponent


def _low_coefficients(
    d: sympy.Expr, order: sympy.Rational, *, var: sympy.Symbol, u: sympy.Symbol, limit: str, zero: ZeroStatus
) -> _Reading:
    """``holds`` when d = O(u**order): every series coefficient below ``order`` zero identically."""
    if limit == "oo" and d.has(var) and not d.is_rational_function(var):
        return _Reading("unknown", f"the difference is not rational in {var}; its behaviour at ∞ is not checked")
    if limit == "oo" and (var.is_nonpositive or not _polynomial_in_ts(d, d)):
        # at ∞ a bounded t may still tend to 0: only a polynomial in the t's keeps each coefficient bounded
        return _Reading("unknown", "an O-term stands in a denominator or a root; the behaviour at ∞ is not checked")
    du = _in_u(d, var, u, limit)
    # sympy's series is one-sided (from the right by default): ε → 0 is checked from both sides
    # unless the sign of ε is declared (|ε| - ε vanishes from the right only).
    sides = ("+",) if limit == "oo" or var.is_nonnegative else ("-",) if var.is_nonpositive else ("+", "-")
    got = [_one_side(du, d, order, var=var, u=u, limit=limit, side=side, zero=zero) for side in sides]
    if all(r.status == "fails" for r in got):
        return got[0]
    if any(r.status == "fails" for r in got):
        # ε a small step (ε > 0) is as plausible a reading as a two-sided ε: the sign settles it
        said = "; ".join(
            f"{var} {'>' if side == '+' else '<'} 0: {r.detail or r.status}" for side, r in zip(sides, got, strict=True)
        )
        return _Reading("unknown", f"{said}; declare the sign of {var} to settle")
    return next((r for r in got if r.status != "holds"), got[0])


def _one_side(
    du: sympy.Expr,
    d: sympy.Expr,
    order: sympy.Rational,
    *,
    var: sympy.Symbol,
    u: sympy.Symbol,
    limit: str,
    side: str,
    zero: ZeroStatus,
) -> _Reading:
    n = max(1, math.ceil(order) if order > 0 else 1)
    try:
        series = sympy.series(du, u, 0, n, dir=side) if du.has(u) else du
    except Exception as exc:  # sympy signals "cannot" in many ways
        return _Reading("unknown", f"no series of the difference ({type(exc).__name__})")
    rest = series.getO() if isinstance(series, sympy.Expr) else None
    body = series.removeO() if rest is not None else series
    if rest is not None:
        _, rest_exp = rest.expr.as_coeff_exponent(u)
        if not rest_exp.is_Rational or rest_exp < order:
            return _Reading("unknown", "the series of the difference is too short")
    parts = sympy.collect(sympy.expand(body), u, evaluate=False)
    found: list[tuple[sympy.Rational, sympy.Expr]] = []
    for key, coeff in parts.items():
        _, p = (S.One, S.Zero) if key == 1 else key.as_coeff_exponent(u)
        if coeff.has(u) or not p.is_Rational or key.has(sympy.log):
            return _Reading("unknown", "the series of the difference has logarithms or is not a power series")
        if p < order:
            found.append((p, coeff))
    if any(not _polynomial_in_ts(c, d) for _, c in found):
        # 1/O(ε): a coefficient with a t in a denominator is unbounded as t tends to 0
        return _Reading("unknown", "an O-term stands where it may vanish in a denominator or under a root")
    for p, coeff in sorted(found, key=lambda pc: pc[0]):
        if zero(coeff) == "zero":
            continue
        shown = _nonzero_witness(coeff, d)
        where = _power_text(var, -p if limit == "oo" else p)
        if shown is not None:
            return _Reading("fails", f"the coefficient of {where} in lhs − rhs is {coeff}{shown}, not zero")
        return _Reading("unknown", f"the coefficient of {where} in lhs − rhs, {coeff}, is not shown to vanish")
    return _Reading("holds", "")


def _ts(d: sympy.Expr) -> list[sympy.Dummy]:
    """The bounded unknowns that stand for the O-terms of the left side in ``d``."""
    return sorted((s for s in d.free_symbols if isinstance(s, sympy.Dummy) and s.name.startswith("landau_t")), key=str)


def _polynomial_in_ts(expr: sympy.Expr, d: sympy.Expr) -> bool:
    ts = _ts(d)
    return not ts or sympy.sympify(expr).is_polynomial(*ts)


def _nonzero_witness(coeff: sympy.Expr, d: sympy.Expr) -> str | None:
    """How ``coeff`` is known nonzero for some admissible choice, or None.

    Each t may be any bounded function, so a constant 0 or 1 is allowed for it.
    """
    ts = _ts(d)
    choices = [{t: S.Zero for t in ts}] + [{t: S.One if t == one else S.Zero for t in ts} for one in ts]
    for choice in choices:
        told = f"O-terms taken as {'their order times 1' if any(choice.values()) else '0'}"
        at = sympy.sympify(coeff).xreplace(choice)
        if at.is_number and at.is_finite and at != 0:
            return f" (= {at} with the {told})"
        point = _point(at, d)
        if point is not None:
            value = at.xreplace(point)
            if value.is_number and value.is_finite and value != 0:
                shown = ", ".join(f"{k} = {v}" for k, v in sorted(point.items(), key=lambda kv: str(kv[0])))
                return f" (= {value} at {shown}, the {told})"
    return None


def _point(at: sympy.Expr, d: sympy.Expr) -> dict[sympy.Symbol, sympy.Rational] | None:
    """An exact admissible point for the names of ``at``, only where ``d`` is a polynomial.

    A point of a rational or transcendental difference might lie outside its domain.
    """
    if not d.is_polynomial(*d.free_symbols) or not at.is_polynomial(*at.free_symbols):
        return None
    point = {name: _admissible(name) for name in at.free_symbols}
    return None if any(v is None for v in point.values()) else point


def _admissible(name: sympy.Symbol) -> sympy.Rational | None:
    for value in (S.One, S(2), S.NegativeOne, S.Half):
        excluded = (
            (name.is_positive and value <= 0)
            or (name.is_negative and value >= 0)
            or (name.is_integer and not value.is_integer)
            or (name.is_nonpositive and value > 0)
            or (name.is_nonnegative and value < 0)
            or name.is_zero
        )
        if excluded:
            continue
        return value
    return None


def _power_text(var: sympy.Symbol, p: object) -> str:
    """``var**p`` as the text writes it: ε, ε^2, 1/n, n^-2."""
    if p == 0:
        return "1"
    return str(var) if p == 1 else f"1/{var}" if p == -1 else f"{var}^{p}"


def _verdict(results: dict[str, _Reading], var: sympy.Symbol, *, stated: bool) -> Outcome:
    names = {"0": f"{var} → 0", "oo": f"{var} → ∞"}
    statuses = {r.status for r in results.values()}
    told = (
        ""
        if stated
        else f" ({var} is an integer: read as {var} → ∞)"
        if set(results) == {"oo"}
        else " (the text does not say which limit; every reading gives this)"
    )
    said = "; ".join(f"as {names[k]}: {r.detail or r.status}" for k, r in results.items())
    if statuses == {"holds"}:
        summary = (
            f"holds as the one-way equality of asymptotics{told}: "
            f"each O-term on the left is any function of its order; {said}"
        )
        return Outcome(Verdict.PROVED, Evidence(Method.SYMBOLIC, summary, route="landau: series coefficients"))
    if statuses == {"fails"}:
        summary = f"fails as an equality of asymptotics{told}: {said}"
        return Outcome(Verdict.REFUTED, Evidence(Method.SYMBOLIC, summary, route="landau: series coefficients"))
    settle = "" if stated or len(results) < 2 else f"; stating the limit (e.g. 'as {var} → 0') would settle the reading"
    return _undecided(f"O-terms: {said}{settle}", "landau")


def _undecided(summary: str, reason: str) -> Outcome:
    return Outcome(Verdict.UNDECIDED, Evidence(Method.SYMBOLIC, summary, reason=reason))
