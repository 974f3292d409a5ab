"""Refutations a real document does not support, though the step as read is false.

A step of a homework is read without the sentence around it. Where the refutation rests on a
reading the text need not mean, `unsupported` says why and the step is ``undecided``
(`derive.latex.context.settle` applies it); the evidence, point included, is kept:

- **a value statement**: the left side is a lone, undeclared quantity — a name, maybe with a
  power, an inverse, a transpose or a star (``\\sigma_1^2``, ``\\Sigma^{-1}``, ``\\sigma^2_*``), or
  any expression of one name only (``\\frac{p}{1-p} = e^{ax+b}``: p stated implicitly) — that the
  right side does not mention, and the step was refuted at a point giving it a value. That is
  how texts state results and assumptions (``\\sigma_1^2 = \\frac12``), never an identity in
  that name; the equations it comes from are what derive can check;
- **a rounded number**: ``\\frac{408}{903} = .452``: both sides are numbers, one a decimal
  written with k decimals, and they agree to half a unit of its last digit. ``=`` with a
  rounded number is not refuted (``\\approx`` has it checked to those digits);
- **the base of a logarithm**: a step of numbers with ``\\log`` that is false with the natural
  log but holds exactly with ``\\log_2`` or ``\\log_{10}`` (information theory writes ``\\log``
  for ``\\log_2``): the step names the base that makes it hold;
- **an inverse trig function**: ``\\sin^{-1} x`` is read as arcsin, but may mean 1/sin x;
- **a shape derive guessed**: a matrix side against a side whose names nobody declared, read as
  scalars (``\\Sigma^{-1} = \begin{pmatrix}..\\end{pmatrix}``): the declaration settles it;
- **a standard deviation below zero**: the counterexample gives an undeclared σ (``\\sigma``,
  ``\\sigma_k``) a value ≤ 0, and the step does not fail with those names positive
  (``\\frac{1}{\\sqrt{2\\pi\\sigma^2}} = \\frac{1}{\\sigma\\sqrt{2\\pi}}``): σ conventionally names a
  standard deviation, so the point may be one the text excludes (`_sign_convention`);
- **a point the text excludes**: the counterexample makes a name all zero that the text says is
  nonzero ("for any nonzero matrix $M$", ``$x \\neq 0$``), whatever the step was read under;
- **a condition solved from the display before**: a row that begins its display, refuted at a point, after
  a display that ends in a zero or that the words say the text solves, using only its names
  (``(A - 2I)\\mathbf{x} = \\mathbf{0}``, so ``x_1 - x_2 = 0``; `derive.latex.solving_context.solved_before`);
- **one of the solutions**: after an arrow, a row that some solutions of the premise satisfy and others
  do not (``x^2 = 4 \\Rightarrow x = 2``) names *a* solution (`derive.latex.solving.one_of_the_solutions`);
  a row stating a value of a random variable is no identity in it (`derive.latex.solving_context.loose_random`);

Steps read under a premise, a definition or a fixed value (``Step.premise``, ``Step.uses``)
keep their verdict: there the text itself supplies what the refutation rests on.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from derive.errors import DeriveError
from derive.model import Relation, Result, Verdict

__all__ = ["unsupported"]

_TRIG_INVERSE = re.compile(r"\\(sin|cos|tan|sinh|cosh|tanh)\s*\^\s*\{\s*-\s*1\s*\}")
_DECIMAL = re.compile(r"\s*(-?)\s*(\d*)\.(\d+)\s*")
#: A mark on a name that keeps it one quantity: a power, an inverse, a transpose, a star.
_MARK = re.compile(r"\s*\^\s*(?:\{[^{}]*\}|\\top|\\ast|\*|[0-9A-Za-z])\s*")
#: A note of a definition a step is read under (`derive.latex.steps`): "a := 1 (line 3)".
_DEFINITION_NOTE = re.compile(r"^[^:]+ := .+ \(line \d+\)$", re.S)
_VALUE_WHY = (
    "a value for {lone} (a result or an assumption of the text, not an identity in {lone}): "
    "not refuted at a point that gives it another value; the equations it comes from can be checked"
)
_LOG = re.compile(r"\\log(?![A-Za-z])(?!\s*_)")


def unsupported(step: Any, result: Result) -> str | None:
    """Why ``step``'s refutation should not stand (it becomes undecided), or None."""
    ev = result.evidence
    if ev is None or step.kind != "step":
        return None
    if ev.reason == "shape":  # a guessed shape, whatever the step was read under
        return _scalar_guess(step, ev.summary)
    if ev.counterexample is not None and ev.counterexample.values:
        # whatever the step was read under: the point gives a Kronecker delta a value it never takes
        entry = _delta_entry(step, ev.counterexample.values)
        if entry is not None:
            return entry
    if ev.counterexample is not None and ev.counterexample.values:
        # whatever the step was read under: the text excludes the point
        excluded = _zero_excluded(step, ev.counterexample.values)
        if excluded is not None:
            return excluded
        signed = _sign_convention(step, ev.counterexample.values)
        if signed is not None:
            return signed
    local = _local_approximation(step, result)
    if local is not None:
        return local
    mixed = _entries_and_whole(step)
    if mixed is not None:
        return mixed
    cex = ev.counterexample
    if step.premise is not None and cex is not None and cex.values:
        solved = _solved_name(step, {k for k, _ in cex.values})
        if solved is not None:
            return (
                f"after an arrow, {solved} = ... is what the text solves from the statement before it, not "
                f"an identity in {solved}: not refuted at a point that gives {solved} another value (derive "
                "did not solve for it: state the equation it solves to check the value)"
            )
    if step.premise is not None:
        from derive.latex.solving import one_of_the_solutions  # noqa: PLC0415
        from derive.latex.solving_context import loose_random  # noqa: PLC0415

        return one_of_the_solutions(step) or loose_random(step, ev.route)
    if cex is not None and cex.values and not step.uses:
        from derive.latex.solving_context import solved_before  # noqa: PLC0415

        before = solved_before(step)
        if before is not None:
            return before
    if step.uses and cex is not None and cex.values and all(_DEFINITION_NOTE.match(u) for u in step.uses):
        # \hat\mu = ..., \hat\sigma^2 = \frac{1}{n}\sum (x_i - \hat\mu)^2 (attacker M02): the definitions
        # in scope supply other names; the value the point gives sigma_hat is still the one the text states
        lone = _value_statement(step, {k for k, _ in cex.values})
        if lone is not None:
            return _VALUE_WHY.format(lone=lone)
    if step.uses:
        return None
    inverse = _TRIG_INVERSE.search(step.lhs_tex + " " + step.rhs_tex)
    if inverse is not None:
        f = inverse.group(1)
        return f"\\{f}^{{-1}} was read as the inverse function (arc{f}); it may mean 1/\\{f}"
    if cex is not None and cex.values:
        off = _off_support(step, dict(cex.values))
        if off is not None:
            return off
        lone = _value_statement(step, {k for k, _ in cex.values})
        if lone is not None:
            return _VALUE_WHY.format(lone=lone)
    if cex is None or not cex.values:
        return _rounded(step, result) or _log_base(step)
    return None


#: ``delta_kj``, ``delta_kk``: a delta with two index letters, read as a name of its own (outside a sum over them).
_DELTA_ENTRY = re.compile(r"delta_([a-z])([a-z])")


def _delta_entry(step: Any, values: tuple[tuple[str, str], ...]) -> str | None:
    """A refutation at a point giving ``\\delta_{kj}`` (delta undeclared), or ``I_{kj}`` read as an entry
    (`derive.latex.entry_notation`), a value of its own: either may be a Kronecker delta (1 when k = j,
    else 0), under which the point is none, or a number of its own (an indicator, a quantity delta).
    The step holds for every value when it is accepted, so only the refutation rests on the reading."""
    from derive.latex.entry_notation import identity_entries  # noqa: PLC0415

    declared = {name for name, _ in getattr(step.claim, "symbols", ())}
    entries = identity_entries(f"{step.lhs_tex} = {step.rhs_tex}")
    for name, _ in values:
        delta = _DELTA_ENTRY.fullmatch(name)
        if (name in entries and not {"I", name} & declared) or (delta and not {"delta", name} & declared):
            k, j = name.replace(",", "")[-2:]
            return (
                f"{name} was read as a number of its own, but it may be a Kronecker delta (1 when {k} = {j}, "
                f"else 0), which the point's value for it is not; write 1 or 0 for its cases, or declare {name} "
                "under symbols: as a number"
            )
    return None


#: Names that conventionally denote a standard deviation, positive unless the text says otherwise.
_STD_NAME = re.compile(r"sigma(?:_[A-Za-z0-9]+)?")


def _sign_convention(step: Any, values: tuple[tuple[str, str], ...]) -> str | None:
    """A refutation at a point that gives an undeclared σ a value ≤ 0, where the step does not fail
    with every such σ positive (checked again with them declared positive): σ conventionally names a
    standard deviation, and under that reading the point is not one the text means, so the refutation
    does not hold under every plausible reading. A step that fails with σ positive too stays refuted."""
    from derive.engine import check_claim  # noqa: PLC0415 - the engine runs claims; this module only reads them

    kinds = dict(step.claim.symbols)
    below = sorted(
        name for name, value in values if _STD_NAME.fullmatch(name) and name not in kinds and _nonpositive(value)
    )
    if not below:
        return None
    positive = tuple(sorted({**kinds, **{name: "positive" for name in below}}.items()))
    again = check_claim(step.claim.evolve(symbols=positive))
    if again.verdict is Verdict.REFUTED:
        return None
    listed = ", ".join(below)
    point = ", ".join(f"{name} = {value}" for name, value in values if name in below)
    return (
        f"refuted only at {point}, but {listed} conventionally names a standard deviation, which is positive; "
        f"with {listed} positive the step is {again.verdict.value}: declare {listed} real (any sign) or "
        "positive under symbols: to settle"
    )


def _nonpositive(value: str) -> bool:
    exact = _fraction(value)
    if exact is not None:
        return exact <= 0
    try:
        return float(value) <= 0
    except ValueError:
        return False


def _zero_excluded(step: Any, values: tuple[tuple[str, str], ...]) -> str | None:
    """A refutation at a point that makes a name all zero, where the text says it is nonzero ("for any
    nonzero matrix $M$", ``$x \\neq 0$``; `derive.latex.assumptions.nonzero_in_words`): the point is one
    the text excludes. The name's values at the point are its own (``x``), its entries (``v[2]``) or
    the entries a sum reads under it (``M_1,1``); all of them zero is the name zero."""
    from derive.latex.assumptions import stated_nonzero  # noqa: PLC0415

    kinds = dict(step.claim.symbols)
    for name, line, said in stated_nonzero(tuple(getattr(step, "conditions", ()))):
        mine = [v for k, v in values if k == name or k.startswith((f"{name}[", f"{name}_"))]
        if len(mine) < _entries(kinds.get(name, "")):
            continue  # an entry the step does not use may be nonzero: the point stands for a nonzero name
        if mine and all(_is_zero(v) for v in mine):
            return (
                f"the text says {name} is nonzero (line {line}: {said}); the counterexample sets {name} = 0, "
                "a point the text excludes: not refuted there"
            )
    return None


def _entries(kind: str) -> int:
    """How many entries a declared kind of numbers has (``vector 3``: 3, ``matrix 2x3``: 6; an spd matrix
    shares its symmetric entries), or 0 when unknown (a scalar, a size written as a letter)."""
    from derive.language.symbols import parse_kind  # noqa: PLC0415

    try:
        parsed = parse_kind(kind)
    except DeriveError:
        return 0
    if not parsed.is_matrix or parsed.size_letters:
        return 0
    n, m = parsed.rows, parsed.cols
    return n * (n + 1) // 2 if parsed.base == "spd" else n * m


def _fraction(value: str) -> Fraction | None:
    """A counterexample's value written exactly (``-5/2``, ``0``), or None."""
    try:
        return Fraction(value.strip())
    except (ValueError, ZeroDivisionError):
        return None


def _is_zero(value: str) -> bool:
    exact = _fraction(value)
    return exact is not None and exact == 0


def _local_approximation(step: Any, result: Result) -> str | None:
    """``\\sin x \\approx x``, ``n! \\approx \\sqrt{2\\pi n}(n/e)^n``: ``\\approx`` between expressions of
    free names states a local or asymptotic approximation (near which point, as what tends where,
    the text says in words or not at all); a far point where the sides differ does not refute it."""
    if step.relation is not Relation.APPROX:
        return None
    cex = result.evidence.counterexample if result.evidence is not None else None
    if cex is not None and cex.values:
        names = ", ".join(k for k, _ in cex.values)
        return (
            f"\\approx in free names ({names}) may be a local or asymptotic approximation (small {names}? "
            "large?): not refuted at a point the text need not mean; state the value to check it there"
        )
    return _coarse_figures(step, result)


#: A number whose trailing zeros leave its significant figures unclear: ``1200``, ``2 \times 10^{4}``.
_ROUND_NUMBER = re.compile(
    r"\s*-?\s*(?P<mant>\d+(?:\.(?P<dec>\d+))?)\s*(?:\\times|\\cdot)\s*10\s*\^\s*\{?\s*(?P<exp>-?\d+)\s*\}?\s*"
    r"|\s*-?\s*(?P<int>\d*[1-9])(?P<zeros>0+)\s*"
)


def _coarse_figures(step: Any, result: Result) -> str | None:
    """``e^{10} \\approx 2 \\times 10^4``, ``1234 \\approx 1200``: a number of numbers is rounded
    to figures the text does not fix; within half a unit of its last nonzero digit it stands."""
    gap = _difference(result)
    if gap is None:
        return None
    for side in (step.rhs_tex, step.lhs_tex):
        m = _ROUND_NUMBER.fullmatch(side)
        if m is None:
            continue
        if m.group("mant") is not None:
            unit = Fraction(10) ** (int(m.group("exp")) - len(m.group("dec") or ""))
        else:
            unit = Fraction(10) ** len(m.group("zeros"))
        if abs(gap) <= unit / 2:
            return (
                f"{side.strip()} may be rounded to its leading figures (to within {float(unit / 2):g}), "
                f"which the sides agree to (lhs - rhs = {float(gap):.3g}): its trailing zeros do not "
                "fix the tolerance"
            )
    return None


def _entries_and_whole(step: Any) -> str | None:
    """``Y \\cdot \\log\\sigma(XM) = \\sum_i y_i \\log\\sigma(\\sum_j x_{ij} m_j)``: undeclared Y and
    entries y_i in one step are one object in two notations, which derive reads as unrelated."""
    from derive.latex.names import names_in  # noqa: PLC0415

    found = [names_in(t) for t in (step.lhs_tex, step.rhs_tex)]
    if any(f is None for f in found):
        return None
    names = set().union(*(f[0] for f in found if f is not None))
    declared = {n for n, _ in step.claim.symbols}
    for whole in sorted(names):
        if len(whole) != 1 or not whole.isupper() or whole in declared:
            continue
        entries = sorted(n for n in names if n.startswith(whole.lower() + "_") and n.split("_")[0] not in declared)
        if entries:
            return (
                f"{entries[0]} may be an entry of {whole} (one object in two notations, read as unrelated): "
                f"declare {whole}'s shape to check the step"
            )
    return None


def _scalar_guess(step: Any, summary: str) -> str | None:
    """A matrix side against a side whose names nobody declared: derive read them as scalars."""
    from derive.latex.names import latex_of_name, names_in  # noqa: PLC0415

    # "shapes differ: rhs is a 2x2 matrix, the other side a scalar": the names that were guessed
    # are the other side's.
    scalar = step.lhs_tex if "rhs is a" in summary else step.rhs_tex if "lhs is a" in summary else None
    if scalar is None or "\\begin" in scalar:
        return None
    found = names_in(scalar)
    if found is None:
        return "the shapes of the sides could not be read: no refutation rests on them"
    declared = {name for name, _kind in step.claim.symbols} | {name for name, _law in step.claim.random}

    def applied(name: str) -> bool:  # E_p[...], f(x): an operator or a function, not a matrix
        base, _, sub = name.partition("_")
        tex = re.escape(latex_of_name(base))
        if sub:  # E_p, E_{p}
            tex += r"\s*_\s*(?:\{\s*" + re.escape(sub) + r"\s*\}|" + re.escape(sub) + ")"
        return re.search(tex + r"\s*(?:\[|\(|\\left)", scalar) is not None

    guessed = sorted(n for n in found[0] if n not in declared and not applied(n))
    if not guessed:
        return None
    names = ", ".join(guessed)
    return (
        f"{names} not declared, so derive read {'it' if len(guessed) == 1 else 'them'} as a scalar and the "
        f"shapes differ; declare the shape (e.g. `{guessed[0]}: matrix 2x2`) to check the step"
    )


_DISCRETE = re.compile(
    r"\\(?:mathrm|operatorname|text)\s*\{\s*(?:Bern|Bernoulli|Bin|Binomial|Mult|Cat|Pois|Poisson)\s*\}"
    r"\s*(?:\\left\s*)?\(\s*([^|,()]+?)\s*(?:\||\\mid)"
)


def _off_support(step: Any, values: dict[str, str]) -> str | None:
    """A discrete density (Bishop's Bern(x|μ)) refuted where its point is not a count: the text
    means x ∈ {0, 1} (or counts) even when it does not say so."""
    from derive.latex.parser import name_of  # noqa: PLC0415

    for tex in (step.lhs_tex, step.rhs_tex):
        for m in _DISCRETE.finditer(tex):
            try:
                name = name_of(m.group(1))
            except (DeriveError, RecursionError, ValueError):
                continue
            value = values.get(name)
            declared = any(n == name for n, _ in step.claim.symbols)  # x: real says Bishop's formula at any x
            if value is not None and not declared and Fraction(value).denominator != 1:
                return (
                    f"refuted at {name} = {value}, where {m.group(0).rstrip('|').strip()}...) is no probability: "
                    f"the density is meant at counts; declare {name}'s values (e.g. {name} \\in \\{{0, 1\\}}) "
                    "to check it there"
                )
    return None


def _lone_name(tex: str) -> str | None:
    """The name a side is, with at most one trailing power/inverse/transpose/star, else None."""
    from derive.latex.parser import name_of  # noqa: PLC0415 - the parser imports the package

    bare = _MARK.sub("", tex.strip(), count=1).strip()  # \sigma^2_* and \sigma_*^2 are sigma_ast
    for candidate in (tex.strip(), bare):
        try:
            return name_of(candidate)
        except (DeriveError, RecursionError, ValueError):
            continue
    return None


def _value_statement(step: Any, given: set[str]) -> str | None:
    from derive.latex.names import mentions  # noqa: PLC0415

    if step.relation is not Relation.EQ:
        return None
    # Only a name on the left is given a value (σ₁² = 1/2); one on the right is what a computed
    # left side is claimed to equal (Var[x] = σ), an identity to check. A declared name is a
    # parameter of the text, never assigned.
    side, other = step.lhs_tex, step.rhs_tex
    name = _lone_name(side) or _only_name(side)
    if name is None or mentions(other, name):
        return None
    declared = {n for n, _ in step.claim.symbols} | {n for n, _ in step.claim.random}
    base = name.split("_", 1)[0]
    if name in declared or base in declared:
        return None
    if name in given or any(k == base or k.startswith(base + "_") for k in given):
        return f"${side.strip()}$"
    return None


def _solved_name(step: Any, given: set[str]) -> str | None:
    """``(\\lambda - 1)^2 = 0 \\Rightarrow \\lambda_1 = 1``: the lone name left of ``=`` after an
    arrow, when the refuting point gives it (or an entry of it) a value, i.e. it was checked free."""
    from derive.latex.names import mentions  # noqa: PLC0415

    if step.relation is not Relation.EQ:
        return None
    name = _lone_name(step.lhs_tex)
    if name is None or mentions(step.rhs_tex, name):
        return None
    if name in given or any(k.startswith(name + "[") for k in given):
        return f"${step.lhs_tex.strip()}$"
    return None


def _only_name(tex: str) -> str | None:
    """The one name a side uses, when it uses exactly one (``\\frac{p}{1-p}``, ``\\log \\frac{p}{1-p}``):
    an equation between it and a side without that name states the name implicitly (the logistic
    model ``\\frac{p}{1-p} = e^{ax+b}``), as ``p = ...`` would."""
    from derive.latex.names import names_in  # noqa: PLC0415

    found = names_in(tex)
    if found is None or found[1] or len(found[0]) != 1:
        return None
    return next(iter(found[0]))


def _difference(result: Result) -> Fraction | None:
    ev = result.evidence
    text = (ev.difference or "") if ev is not None else ""
    cex = ev.counterexample if ev is not None else None
    if cex is not None and not cex.values:
        text = cex.difference
    try:
        return Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        pass
    try:
        import mpmath  # noqa: PLC0415

        return Fraction(str(mpmath.mpf(text.strip())))
    except (ValueError, TypeError):
        return None


def _rounded(step: Any, result: Result) -> str | None:
    if step.relation is not Relation.EQ:
        return None
    for side in (step.rhs_tex, step.lhs_tex):
        m = _DECIMAL.fullmatch(side)
        if m is None:
            continue
        gap = _difference(result)
        places = len(m.group(3))
        if gap is not None and abs(gap) <= Fraction(1, 2 * 10**places):
            return (
                f"the sides agree to the {places} decimals of {side.strip()} (lhs - rhs = {float(gap):.3g}): "
                "= with a rounded number is not refuted; write \\approx to have it checked to those digits"
            )
    return None


def _log_base(step: Any) -> str | None:
    """The base that makes a step of numbers with a bare ``\\log`` hold exactly, if one does."""
    if not (_LOG.search(step.lhs_tex) or _LOG.search(step.rhs_tex)):
        return None
    from derive.tiers.symbolic import bounded  # noqa: PLC0415

    for base in ("2", "10"):
        sides = [_LOG.sub(rf"\\log_{{{base}}}", tex) for tex in (step.lhs_tex, step.rhs_tex)]
        if bounded(lambda s=sides: _equal_numbers(*s), 2.0) is True:
            return f"false with the natural log, but it holds exactly with \\log read as \\log_{{{base}}}"
    return None


def _equal_numbers(lhs_tex: str, rhs_tex: str) -> bool:
    import sympy  # noqa: PLC0415

    from derive.language.symbols import SymbolTable  # noqa: PLC0415
    from derive.latex.parser import parse_latex  # noqa: PLC0415

    try:
        lhs, rhs = (parse_latex(t, SymbolTable()) for t in (lhs_tex, rhs_tex))
        d = sympy.simplify(lhs - rhs) if not (lhs.free_symbols or rhs.free_symbols) else None
    except Exception:  # an unreadable variant is no evidence either way
        return False
    return d is not None and d == 0
