"""The readings of a step that differentiates by a vector or a matrix, and one verdict from them.

``\\frac{\\partial f}{\\partial X}`` means different matrices in the denominator layout (the Matrix Cookbook:
X's shape, ∂tr(AX)/∂X = A^T) and the numerator layout (X^T's shape, = A; for a vector x, a row), and by a
symmetric S either the derivative with S's entries independent (∂log|S|/∂S = S^{-1}) or by its distinct
entries (2S^{-1} - diag S^{-1}). Real texts use all of these, so a verdict must hold under each the step can
mean (`derive.latex.grammar_matrix_calculus` reads one of them, named by a marker in the claim's symbols):

- `matrix_calculus_readings` runs every reading of the step (its sizes, shapes...) once per such variant;
- `combine_readings` accepts only when every variant whose shapes fit accepts (a column where the numerator
  layout gives a row is the denominator layout's step), refutes only when every fitting variant is refuted,
  and otherwise says which variant holds and what declaration settles it. A step refuted by a general
  square matrix is refuted only if it also fails with that matrix symmetric (a text's Sigma in R^{D x D} is a
  covariance more often than not): otherwise undecided, naming both.

The prose fixes the layout when it names one ("we use the denominator layout"); ``\\nabla_X f`` is the
gradient, in X's shape, in every text, so it alone needs no layout variant.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from derive.errors import DeriveError
from derive.language.symbols import parse_kind
from derive.latex.grammar_matrix_calculus import ENTRY_MARKS, LAYOUT_MARKS, READINGS_MARK
from derive.latex.names import names_in
from derive.model import Result, Verdict

if TYPE_CHECKING:
    from derive.latex.records import Step
    from derive.latex.shapes import Reading

#: The kind of a reading run as one variant: ``matcal|<variant>|<the reading's own kind>``.
_KIND = "matcal"
_ACCEPTED = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)
#: What follows a derivative's d or ∂ (and ∇'s subscript): the variable, as text names_in reads.
_VARIABLE = (
    r"(\{(?:[^{}]|\{[^{}]*\})*\}|\\(?:mathbf|boldsymbol|bm|vec)\s*(?:\{[^{}]*\}|\\?[A-Za-z]+)|\\[A-Za-z]+|[A-Za-z])"
)
_NABLA_BY = re.compile(r"\\nabla\s*_\s*" + _VARIABLE)
_PARTIAL_BY = re.compile(r"\\partial\s*(?:_\s*)?" + _VARIABLE)
_D_BY = re.compile(r"\{\s*(?:\\(?:mathrm|operatorname|text)\s*\{\s*d\s*\}|\\mathrm\s+d|d)\s*" + _VARIABLE)
#: The prose naming a layout: "in the denominator layout", "numerator-layout convention".
_LAYOUT_SAID = re.compile(r"\b(denominator|numerator)[\s-]+layout\b", re.IGNORECASE)
_SHAPES_DIFFER = re.compile(r"shapes differ|cannot (?:multiply|add) a|NonSquareMatrixError|must be square")
#: Words that make a matrix symmetric (`_said_symmetric`).
_SYMMETRIC_SAID = re.compile(
    r"symmetric|covariance|precision|positive\s*(?:semi-?\s*)?definite|\bgram\b|hessian|\bspd\b", re.IGNORECASE
)
#: How each variant is said.
_LAYOUT_WORDS = {"denominator": "the denominator layout", "numerator": "the numerator layout"}
_ENTRY_WORDS = {"independent": "independent entries", "symmetric": "the distinct entries (an off-diagonal one twice)"}
#: The front-matter keys that fix a reading for the whole document (`declared_marks`), and their values.
_KEYS = {"layout": LAYOUT_MARKS, "entries": ENTRY_MARKS}


def _variables(tex: str) -> tuple[set[str], set[str]]:
    """(the names a ``\\partial``/``d`` derivative may be by, those a ``\\nabla`` is by) in ``tex``: more than the
    variables (a numerator's first name too), which only costs a variant that changes nothing."""

    def named(pattern: re.Pattern[str]) -> set[str]:
        out: set[str] = set()
        for m in pattern.finditer(tex):
            found = names_in(m.group(1).strip("{} ") or "x")
            if found is not None:
                out |= set(found[0])
        return out

    return named(_PARTIAL_BY) | named(_D_BY), named(_NABLA_BY)


def _kinds(readings: Sequence[Reading]) -> dict[str, set[tuple[str, bool]]]:
    """name -> the (base, square past size 1) its kind has in some reading: "vector", "matrix", "spd"."""
    out: dict[str, set[tuple[str, bool]]] = {}
    for reading in readings:
        for name, kind in reading.step.claim.symbols:
            try:
                parsed = parse_kind(kind)
            except DeriveError:
                continue
            if parsed.is_matrix:
                square = parsed.rows == parsed.cols and (parsed.rows or 0) > 1
                out.setdefault(name, set()).add((parsed.base, square))
    return out


def _said_symmetric(step: Step, name: str) -> bool:
    """Whether the text calls the declared matrix ``name`` symmetric (a covariance, positive definite...)."""
    from derive.latex.shapes import _structure_said  # noqa: PLC0415 - shapes runs this module's readings

    said = _structure_said(step, name)
    return said is not None and _SYMMETRIC_SAID.search(said) is not None


def _variants(step: Step, readings: Sequence[Reading]) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """The variants to run, (layout or "", entries or "" or "guard"), the general square matrices the guard
    variants make symmetric, and those every variant makes symmetric (the text calls them so)."""
    by_partial: set[str] = set()
    by_nabla: set[str] = set()
    for tex in (step.lhs_tex, step.rhs_tex):
        partial, nabla = _variables(tex)
        by_partial |= partial
        by_nabla |= nabla
    kinds = _kinds(readings)
    shaped = {n for n in by_partial if n in kinds}
    every = {n for n in by_partial | by_nabla if n in kinds}
    declared = {name for name, _ in readings[0].step.claim.symbols}
    layouts = [""]
    if shaped and not declared & set(LAYOUT_MARKS.values()):
        said = {m.group(1).lower() for m in _LAYOUT_SAID.finditer(step.prose or "")}
        layouts = sorted(said) if len(said) == 1 else ["denominator", "numerator"]
    general = sorted(n for n in every if ("matrix", True) in kinds[n])
    # a general matrix the text calls symmetric (a covariance, positive definite): read as one (M81)
    said = [n for n in general if _said_symmetric(step, n)]
    general = [n for n in general if n not in said]
    symmetric = bool(said) or any(base == "spd" for n in every for base, _ in kinds[n])
    entries = ["independent", "symmetric"] if symmetric and not declared & set(ENTRY_MARKS.values()) else [""]
    variants = [(layout, entry) for layout in layouts for entry in entries]
    if general and not declared & set(ENTRY_MARKS.values()):
        variants += [(layout, "guard") for layout in layouts]
    return ([] if variants == [("", "")] else variants), general, said


def _label(variant: tuple[str, str]) -> str:
    layout, entry = variant
    parts = [_LAYOUT_WORDS[layout]] if layout else []
    if entry == "guard":
        parts.append("the matrix symmetric")
    elif entry:
        parts.append(_ENTRY_WORDS[entry])
    return " and ".join(parts) or "the step as written"


def declared_marks(section: Mapping[str, object], where: str) -> tuple[dict[str, str], list[str]]:
    """The marker symbols a ``derive:`` front matter (or symbols file) declares for every step with ``layout:
    denominator`` (or ``numerator``) and ``entries: independent`` (or ``symmetric``), and the errors in them."""
    marks: dict[str, str] = {}
    errors: list[str] = []
    for key, choices in _KEYS.items():
        value = section.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or value.strip().lower() not in choices:
            errors.append(f"{where}: 'derive: {key}:' must be one of {', '.join(choices)}, not {value!r}")
            continue
        marks[choices[value.strip().lower()]] = "real"
    return marks, errors


def _spd(symbols: dict[str, str], names: list[str]) -> None:
    """``names`` of square general matrix kinds made symmetric positive definite in ``symbols``."""
    for name in names:
        kind = symbols.get(name, "")
        try:
            parsed = parse_kind(kind) if kind else None
        except DeriveError:
            # a far size past the limit (10^{-30} in the step): that reading reports itself as not checked
            continue
        if parsed is not None and parsed.base == "matrix" and parsed.rows == parsed.cols:
            symbols[name] = f"spd matrix {parsed.rows} x {parsed.cols}"


def _as_variant(reading: Reading, variant: tuple[str, str], general: list[str], said: list[str]) -> Reading:
    layout, entry = variant
    symbols = dict(reading.step.claim.symbols)
    _spd(symbols, said)
    symbols[READINGS_MARK] = "real"
    if layout:
        symbols[LAYOUT_MARKS[layout]] = "real"
    if entry == "guard":
        symbols[ENTRY_MARKS["independent"]] = "real"
        _spd(symbols, general)
    elif entry:
        symbols[ENTRY_MARKS[entry]] = "real"
    tag = "|".join(variant)
    claim = reading.step.claim.evolve(id=f"{reading.step.claim.id}[{tag}]", symbols=tuple(sorted(symbols.items())))
    return replace(reading, step=replace(reading.step, claim=claim), kind=f"{_KIND}|{tag}|{reading.kind}")


def matrix_calculus_readings(step: Step, found: list[Reading] | str) -> list[Reading] | str:
    """``found`` (the step's readings, or why it has none), each run once per variant of the matrix calculus
    the step can mean (see the module's docstring); ``found`` itself when there is no such variant."""
    if isinstance(found, str) or not found:
        return found
    variants, general, said = _variants(step, found)
    if not variants:
        return found
    return [_as_variant(reading, variant, general, said) for variant in variants for reading in found]


def _shapes_differ(result: Result) -> bool:
    if result.verdict in _ACCEPTED:
        return False
    return any(_SHAPES_DIFFER.search(o.evidence.summary) for o in result.outcomes)


def _prefixed(result: Result, prefix: str, verdict: Verdict, claim: object, seconds: float) -> Result:
    from derive.latex.shapes import _said  # noqa: PLC0415 - shapes runs this module's readings

    out = _said(result, prefix)
    return Result(claim, verdict, out.method, seconds, out.outcomes)  # type: ignore[arg-type]


def combine_readings(
    step: Step,
    pairs: Sequence[tuple[Reading, Result]],
    combine: Callable[[Step, Sequence[tuple[Reading, Result]]], Result],
) -> Result:
    """One result for a step run as `matrix_calculus_readings`: each variant's readings combined by ``combine``
    (the step's own rule for its sizes and shapes), then the variants as the module's docstring says."""
    if not pairs or not pairs[0][0].kind.startswith(_KIND + "|"):
        return combine(step, pairs)
    groups: dict[tuple[str, str], list[tuple[Reading, Result]]] = {}
    for reading, result in pairs:
        _, layout, entry, inner = reading.kind.split("|", 3)
        groups.setdefault((layout, entry), []).append((replace(reading, kind=inner), result))
    results = {variant: combine(step, group) for variant, group in groups.items()}
    seconds = sum(r.seconds for r in results.values())
    primary = [v for v in results if v[1] != "guard"]
    guard = [v for v in results if v[1] == "guard"]
    fits = [v for v in primary if not _shapes_differ(results[v])] or primary
    unfit = [v for v in primary if v not in fits]
    dropped = f" ({' and '.join(_label(v) for v in unfit)}: the shapes do not fit)" if unfit else ""
    names = ", ".join(_label(v) for v in fits)
    if primary == [("", "")] and (results[primary[0]].verdict is not Verdict.REFUTED or not guard):
        return results[primary[0]]  # one reading; the guard only keeps a refutation from standing
    if all(results[v].verdict in _ACCEPTED for v in fits):
        order = (Verdict.CONSISTENT, Verdict.VERIFIED, Verdict.PROVED)
        verdict = next(o for o in order if any(results[v].verdict is o for v in fits))
        prefix = f"holds in every reading of the matrix derivative ({names}){dropped}; "
        return _prefixed(results[fits[0]], prefix, verdict, step.claim, seconds)
    if all(results[v].verdict is Verdict.REFUTED for v in fits):
        first = results[fits[0]]
        if guard and not all(results[v].verdict is Verdict.REFUTED for v in guard):
            held = next((v for v in guard if results[v].verdict in _ACCEPTED), guard[0])
            prefix = (
                f"fails for a general matrix ({names}), but {results[held].verdict.value} with {_label(held)}: a "
                "text's matrix is often symmetric (a covariance) without saying so; declare it spd, or say it is "
                "general, to settle; for a general matrix: "
            )
            return _prefixed(first, prefix, Verdict.UNDECIDED, step.claim, seconds)
        prefix = f"fails in every reading of the matrix derivative ({names}){dropped}: "
        return _prefixed(first, prefix, Verdict.REFUTED, step.claim, seconds)
    gave = "; ".join(f"{results[v].verdict.value} with {_label(v)}" for v in fits)
    worst = next(v for v in fits if results[v].verdict not in _ACCEPTED)
    settle = []
    if _matters(results, fits, 0):
        settle.append("the layout (layout: denominator or numerator)")
    if _matters(results, fits, 1):
        settle.append("how the symmetric matrix is differentiated (entries: independent or symmetric)")
    prefix = (
        f"the step depends on the reading of the matrix derivative ({gave}){dropped}; say "
        f"{' and '.join(settle) or 'which reading is meant'} to settle; in {_label(worst)}: "
    )
    return _prefixed(results[worst], prefix, Verdict.UNDECIDED, step.claim, seconds)


def _matters(results: dict[tuple[str, str], Result], fits: list[tuple[str, str]], part: int) -> bool:
    """Whether two fitting variants that differ only in ``part`` (0: layout, 1: entries) give different verdicts."""
    return any(
        v[part] != w[part] and v[1 - part] == w[1 - part] and results[v].verdict is not results[w].verdict
        for v in fits
        for w in fits
    )


def nabla_by_declared(tex: str, declared: set[str] | frozenset[str]) -> bool:
    """Whether every ``\\nabla`` in ``tex`` is by a name of ``declared`` (``\\nabla_X``, ``\\nabla_{\\mathbf w}``):
    then the parser reads each as the matrix of partial derivatives, of a known shape."""
    total = len(re.findall(r"\\nabla(?![A-Za-z])", tex))
    by = [m.group(1) for m in _NABLA_BY.finditer(tex)]
    if total == 0 or len(by) != total:
        return False
    for text in by:
        found = names_in(text.strip("{} ") or "x")
        if found is None or found[1] or len(found[0]) != 1 or not found[0] <= declared:
            return False
    return True
