"""The claim model: what a claim is, what the engine answers, and the evidence it shows.

Everything here is immutable so results can be cached, pickled across worker processes
and compared in tests. Sympy expressions are kept as sympy objects (they are immutable too).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from derive.errors import ClaimError, Location

__all__ = [
    "BUDGET_REASONS",
    "Claim",
    "Counterexample",
    "Estimate",
    "Evidence",
    "Expect",
    "LatexSource",
    "Method",
    "Outcome",
    "Point",
    "Problem",
    "Relation",
    "Result",
    "Settings",
    "Verdict",
]


class Verdict(enum.Enum):
    """The engine's answer for one claim or step."""

    PROVED = "proved"  # symbolic proof under the declared assumptions
    VERIFIED = "verified"  # agreement at every high-precision test point
    CONSISTENT = "consistent"  # Monte Carlo estimate within its confidence bound
    REFUTED = "refuted"  # confirmed counterexample, or symbolic proof of the opposite
    UNDECIDED = "undecided"  # no tier could decide within budget; the evidence says why
    ERROR = "error"  # the input could not be read; the evidence says what is wrong

    @property
    def holds(self) -> bool:
        """True for the verdicts that count as "the claim holds"."""
        return self in (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)

    @property
    def decisive(self) -> bool:
        return self not in (Verdict.UNDECIDED, Verdict.ERROR)


class Method(enum.Enum):
    """How a verdict was reached."""

    SYMBOLIC = "symbolic"
    NUMERIC = "numeric"
    MONTECARLO = "montecarlo"
    PARSE = "parse"  # the input was rejected before any tier ran
    BUDGET = "budget"  # the worker was stopped (timeout or memory)
    NONE = "none"  # no tier applied


class Relation(enum.Enum):
    """The relation a claim asserts between lhs and rhs."""

    EQ = "=="
    LE = "<="
    GE = ">="
    LT = "<"
    GT = ">"
    APPROX = "~="  # LaTeX \approx: numeric agreement to a tolerance, never a proof

    @classmethod
    def parse(cls, text: str) -> Relation:
        aliases = {"=": "==", "≤": "<=", "≥": ">=", "≈": "~=", "approx": "~="}
        text = aliases.get(text.strip(), text.strip())
        for member in cls:
            if member.value == text:
                return member
        accepted = ", ".join(repr(m.value) for m in cls)
        msg = f"unknown relation {text!r}; expected one of {accepted}"
        raise ClaimError(msg)

    def flipped(self) -> Relation:
        """The relation with its sides swapped (a <= b  is  b >= a)."""
        return {
            Relation.LE: Relation.GE,
            Relation.GE: Relation.LE,
            Relation.LT: Relation.GT,
            Relation.GT: Relation.LT,
        }.get(self, self)


class Expect(enum.Enum):
    """What the claim's author expects: the step holds, or it is a known-wrong step."""

    HOLDS = "holds"
    FAILS = "fails"

    def matches(self, verdict: Verdict) -> bool:
        if self is Expect.HOLDS:
            return verdict.holds
        return verdict is Verdict.REFUTED


# ---------------------------------------------------------------------------------------
# Evidence records.  Values are strings (exact sympy/mpmath renderings) so that evidence
# is hashable, JSON-ready and never loses precision through float conversion.


@dataclass(frozen=True, slots=True)
class Point:
    """One test point: the values of the free symbols and both sides there."""

    values: tuple[tuple[str, str], ...]  # (symbol, value) pairs, sorted by symbol
    lhs: str
    rhs: str
    difference: str  # lhs - rhs at the point
    digits: int  # working precision (decimal digits) the values were computed at

    def __repr__(self) -> str:
        at = ", ".join(f"{k}={v}" for k, v in self.values)
        return f"Point({at}: lhs={self.lhs}, rhs={self.rhs}, diff={self.difference}, {self.digits} digits)"


@dataclass(frozen=True, slots=True)
class Counterexample:
    """A point where the claim fails, confirmed at ``digits`` decimal digits."""

    values: tuple[tuple[str, str], ...]
    lhs: str
    rhs: str
    difference: str
    digits: int

    def __repr__(self) -> str:
        at = ", ".join(f"{k}={v}" for k, v in self.values) or "(no free symbols)"
        return (
            f"Counterexample({at}: lhs={self.lhs}, rhs={self.rhs}, lhs - rhs = {self.difference}, {self.digits} digits)"
        )

    def describe(self) -> str:
        at = ", ".join(f"{k} = {v}" for k, v in self.values) or "no free symbols"
        return f"at {at}: lhs = {self.lhs}, rhs = {self.rhs} (lhs - rhs = {self.difference})"


@dataclass(frozen=True, slots=True)
class Estimate:
    """A Monte Carlo estimate of lhs - rhs (or of lhs, compared against ``target``)."""

    mean: float
    stderr: float
    n: int
    target: float  # the value the claim predicts for the estimated quantity
    p_value: float
    backend: str  # "numpy" or "numba", with thread count, e.g. "numpy x2"
    params: tuple[tuple[str, str], ...] = ()  # parameter point the estimate was made at
    nonfinite: int = 0  # samples that were inf/nan (counted, never dropped silently)

    def describe(self) -> str:
        at = ", ".join(f"{k}={v}" for k, v in self.params)
        where = f" at {at}" if at else ""
        return (
            f"estimate {self.mean:.6g} ± {self.stderr:.2g} (n={self.n}, target {self.target:.6g}, "
            f"p={self.p_value:.3g}, {self.backend}){where}"
        )


#: `Evidence.reason` of a row for a claim that did not load (a file-level problem or a bad entry):
#: no claim of the file stands behind it, so reports show no expectation for it.
LOAD_ERROR = "load"


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a tier found, whether or not it decided.

    ``summary`` is one line a human reads; the other fields hold the data behind it.
    """

    method: Method
    summary: str
    difference: str | None = None  # simplified lhs - rhs (symbolic tier)
    route: str | None = None  # the rewrite or strategy that decided (symbolic tier)
    points: tuple[Point, ...] = ()
    counterexample: Counterexample | None = None
    estimates: tuple[Estimate, ...] = ()
    seed: int | None = None
    reason: str | None = None  # why a tier declined or a check stopped ("timeout", "memory", ...)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"method": self.method.value, "summary": self.summary}
        if self.difference is not None:
            out["difference"] = self.difference
        if self.route is not None:
            out["route"] = self.route
        if self.points:
            out["points"] = [
                {"values": dict(p.values), "lhs": p.lhs, "rhs": p.rhs, "difference": p.difference, "digits": p.digits}
                for p in self.points
            ]
        if self.counterexample is not None:
            c = self.counterexample
            out["counterexample"] = {
                "values": dict(c.values),
                "lhs": c.lhs,
                "rhs": c.rhs,
                "difference": c.difference,
                "digits": c.digits,
            }
        if self.estimates:
            out["estimates"] = [
                {
                    "mean": e.mean,
                    "stderr": e.stderr,
                    "n": e.n,
                    "target": e.target,
                    "p_value": e.p_value,
                    "backend": e.backend,
                    "params": dict(e.params),
                    "nonfinite": e.nonfinite,
                }
                for e in self.estimates
            ]
        if self.seed is not None:
            out["seed"] = self.seed
        if self.reason is not None:
            out["reason"] = self.reason
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Evidence:
        """The evidence `to_dict` described; ValueError for anything else (unknown keys, wrong types).

        Only the fields above are read and only these classes are built: the input may come
        from a file someone else can write (the result cache).
        """
        _keys(data, _EVIDENCE_KEYS, "evidence")
        counterexample = data.get("counterexample")
        return cls(
            method=Method(_text(data, "method")),
            summary=_text(data, "summary"),
            difference=_text(data, "difference", optional=True),
            route=_text(data, "route", optional=True),
            points=tuple(Point(**_point_fields(p)) for p in _list(data, "points")),
            counterexample=None if counterexample is None else Counterexample(**_point_fields(counterexample)),
            estimates=tuple(_estimate(e) for e in _list(data, "estimates")),
            seed=_whole(data, "seed", optional=True),
            reason=_text(data, "reason", optional=True),
        )

    @property
    def budget_limited(self) -> bool:
        """Whether a time or memory budget cut this check short, so that its outcome depends on
        the machine's load rather than on the claim alone (see `BUDGET_REASONS`)."""
        if self.method is Method.BUDGET or self.reason in BUDGET_REASONS:
            return True
        summary = self.summary.lower()
        return any(phrase in summary for phrase in _BUDGET_PHRASES)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One tier's answer: a verdict (UNDECIDED when the tier declines) and its evidence."""

    verdict: Verdict
    evidence: Evidence

    def to_dict(self) -> dict[str, Any]:
        return self.evidence.to_dict() | {"verdict": self.verdict.value}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Outcome:
        if not isinstance(data, Mapping):
            raise ValueError("an outcome must be a mapping")
        evidence = {k: v for k, v in data.items() if k != "verdict"}
        return cls(Verdict(_text(data, "verdict")), Evidence.from_dict(evidence))


# ---------------------------------------------------------------------------------------
# Claims.


@dataclass(frozen=True, slots=True)
class LatexSource:
    """A side of a claim written in LaTeX; parsed by `derive.latex.parser` inside the worker.

    ``densities`` names the densities in scope and the variable each is over (``("p", "x")``);
    ``bound`` lists those whose distribution is the claim's ``random`` entry for that
    variable: ``E_p[...]`` and ``E_{x \\sim p}[...]`` then average over ``x``, and inside them
    a bare density name ``q`` over the same variable means ``q(x)``.
    """

    text: str
    densities: tuple[tuple[str, str], ...] = ()
    bound: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Claim:
    """A claimed step ``lhs <relation> rhs`` under declared assumptions.

    ``lhs`` and ``rhs`` are expression strings in derive's expression language (parsed
    safely, inside the worker, under the time budget), `LatexSource` fragments from the
    LaTeX front end, or sympy expressions built in Python. ``symbols`` maps names to kinds
    (``"positive"``, ``"spd matrix 3x3"``, ...);
    ``random`` maps random-variable names to distribution strings or sympy distribution
    objects.
    """

    id: str
    lhs: Any
    rhs: Any
    relation: Relation = Relation.EQ
    symbols: tuple[tuple[str, str], ...] = ()
    random: tuple[tuple[str, Any], ...] = ()
    expect: Expect = Expect.HOLDS
    statement: str | None = None
    source: str | None = None
    tags: tuple[str, ...] = ()
    reason: str | None = None  # why a known-wrong step is wrong (expect: fails)
    timeout: float | None = None  # per-claim override of Settings.timeout (seconds)
    tolerance: float | None = None  # relative tolerance for Monte Carlo and \approx
    where: Location = field(default_factory=Location)
    #: Names the text says are not random (constants, numbers beside random variables): an expectation
    #: takes them out (derive.tiers._linearity).
    nonrandom: tuple[str, ...] = ()
    #: Groups of names the text states mutually independent: a plain expectation of a product of
    #: their powers factors (derive.tiers._linearity).
    independent: tuple[tuple[str, ...], ...] = ()
    #: Moments the text states without a law, ``(lhs, rhs, said)``: ``E[X] = mu`` (sides as the claim's
    #: are given, LaTeX sources from the LaTeX front end); the general-law prover substitutes them
    #: (derive.tiers._general_law_facts) and quotes ``said``.
    moments: tuple[tuple[Any, Any, str], ...] = ()

    def __post_init__(self) -> None:
        # Accept mappings and lists for convenience; store hashable tuples.
        if isinstance(self.symbols, Mapping):
            object.__setattr__(self, "symbols", tuple(sorted((str(k), str(v)) for k, v in self.symbols.items())))
        if isinstance(self.random, Mapping):
            object.__setattr__(self, "random", tuple((str(k), v) for k, v in self.random.items()))
        if isinstance(self.relation, str):
            object.__setattr__(self, "relation", Relation.parse(self.relation))
        if isinstance(self.expect, str):
            try:
                object.__setattr__(self, "expect", Expect(self.expect))
            except ValueError:
                msg = f"expect must be 'holds' or 'fails', not {self.expect!r}"
                raise ClaimError(msg, claim_id=self.id, where=self.where) from None
        if isinstance(self.tags, (list, str)):
            object.__setattr__(self, "tags", (self.tags,) if isinstance(self.tags, str) else tuple(self.tags))

    def evolve(self, **changes: Any) -> Claim:
        """A copy with some fields changed (claims are immutable)."""
        return replace(self, **changes)

    @property
    def text(self) -> str:
        """The claim as one line: ``lhs <relation> rhs``."""
        return f"{self.lhs} {self.relation.value} {self.rhs}"


@dataclass(frozen=True)
class Problem:
    """A claim after parsing, ready for the engine tiers.

    ``symbols`` is the `derive.language.symbols.SymbolTable` of every declared or implied symbol;
    ``random`` maps each random-variable sympy object (a Symbol, or an ImmutableMatrix of
    entry symbols for a random vector) to its distribution (a `derive.language.distributions`
    object).
    """

    lhs: Any
    rhs: Any
    relation: Relation
    symbols: Any  # derive.language.symbols.SymbolTable
    random: tuple[tuple[Any, Any], ...] = ()
    tolerance: float | None = None
    nonrandom: tuple[str, ...] = ()  # see Claim.nonrandom
    independent: tuple[tuple[str, ...], ...] = ()  # see Claim.independent
    moments: tuple[tuple[Any, Any, str], ...] = ()  # see Claim.moments, parsed like the sides


@dataclass(frozen=True, slots=True)
class Settings:
    """Knobs shared by every tier. Defaults are the CLI's defaults."""

    seed: int = 0
    timeout: float = 10.0  # seconds per claim, wall time
    memory_mb: int = 2048  # address-space cap per worker
    numeric_points: int = 12  # random test points in the numeric tier
    digits: int = 50  # starting working precision of the numeric tier (decimal digits)
    mc_max_samples: int = 20_000_000  # Monte Carlo budget per parameter point
    mc_param_points: int = 3  # random parameter points for MC claims with free parameters
    mc_tolerance: float = 1e-3  # default relative tolerance band for Monte Carlo
    mc_threads: int = 0  # 0: all cores
    mc_backend: str = "auto"  # "auto", "numpy" or "numba" (see README, Monte Carlo backends)


@dataclass(frozen=True)
class Result:
    """The engine's verdict on one claim, with every tier's evidence in order."""

    claim: Claim
    verdict: Verdict
    method: Method
    seconds: float
    outcomes: tuple[Outcome, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the verdict matches what the claim's author expected."""
        return self.claim.expect.matches(self.verdict)

    @property
    def not_loaded(self) -> bool:
        """Whether this row stands for a claim (or file) that did not load: it has no expectation."""
        return any(o.evidence.reason == LOAD_ERROR for o in self.outcomes)

    @property
    def evidence(self) -> Evidence | None:
        """The deciding tier's evidence (the last one run)."""
        return self.outcomes[-1].evidence if self.outcomes else None

    @property
    def detail(self) -> str:
        """One line explaining the verdict, for tables and JSON."""
        ev = self.evidence
        if ev is None:
            return ""
        if self.verdict is Verdict.UNDECIDED and len(self.outcomes) > 1:
            # Every tier that tried has a reason; the last one alone ("no expectation to
            # estimate") rarely tells the reader what stood in the way.
            tried = [o.evidence for o in self.outcomes if o.evidence.reason != "no expectation"]
            return "; ".join(f"{e.method.value}: {e.summary}" for e in tried or [ev])
        if ev.counterexample is not None:
            described = ev.counterexample.describe()
            # The numeric tier's summary already gives both sides' values; say them once.
            if "lhs = " not in ev.summary:
                return f"{ev.summary}; counterexample {described}"
        return ev.summary

    @property
    def load_dependent(self) -> bool:
        """Whether this verdict could differ on a less loaded machine or with a larger budget.

        True when some tier's check was cut short by a time or memory budget
        (`Evidence.budget_limited`): a claim that ran out of time inside an integral may be
        proved on a calm machine, and a ``consistent`` reached after the symbolic tier ran out
        may be ``proved``. A refutation is the exception: it rests on a confirmed
        counterexample or a proof of the opposite, which more time cannot undo.
        """
        if self.method is Method.BUDGET:
            return True
        if self.verdict is Verdict.REFUTED:
            return False
        return any(o.evidence.budget_limited for o in self.outcomes)

    def to_dict(self, *, exact: bool = False) -> dict[str, Any]:
        """The result as JSON-ready data (the ``derive check --format json`` entry).

        ``exact`` keeps ``seconds`` unrounded, so that `from_dict` gives back an equal result.
        """
        return {
            "id": self.claim.id,
            "file": self.claim.where.file,
            "line": self.claim.where.line,
            "verdict": self.verdict.value,
            "expect": self.claim.expect.value,
            "ok": self.ok,
            "method": self.method.value,
            "seconds": self.seconds if exact else round(self.seconds, 4),
            "detail": self.detail,
            "evidence": [o.to_dict() for o in self.outcomes],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], claim: Claim) -> Result:
        """The result `to_dict` described, for ``claim``; ValueError for anything else.

        The claim is the caller's: the entries that describe it (id, file, line, expect, ok,
        detail) are derived from it and are not read back.
        """
        _keys(data, _RESULT_KEYS, "result")
        seconds = data.get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds >= 0:
            raise ValueError("result: 'seconds' must be a nonnegative number")
        outcomes = tuple(Outcome.from_dict(o) for o in _list(data, "evidence"))
        return cls(claim, Verdict(_text(data, "verdict")), Method(_text(data, "method")), seconds, outcomes)


# ---------------------------------------------------------------------------------------
# Reading evidence back from data (`Evidence.from_dict`, `Result.from_dict`): strict, so
# that a row nobody should have written is refused rather than half-believed.

#: Evidence reasons that say a time or memory budget ran out. Every tier reports a
#: budget-limited decline with reason "timeout"; the others are older markers: the symbolic
#: tier's own budget, the numeric ladder's skip note (`derive.tiers._ladder.BUDGET`), the worker's
#: memory cap and a MemoryError caught inside a tier.
BUDGET_REASONS = frozenset({"timeout", "memory", "MemoryError", "symbolic time budget exhausted", "time budget"})
#: Phrases of summaries that report running out of time without it being the reason: the
#: symbolic tier's heavy pass ("evaluating integrals/expectations ran out of time", which
#: keeps the light pass's reason) and its rewrites ("cancel (failed or timed out)"), and a
#: numeric verdict that stopped early ("stopped early: time budget", "2 skipped: time budget").
_BUDGET_PHRASES = ("ran out of time", "timed out", "time budget")

_EVIDENCE_KEYS = frozenset(
    {"method", "summary", "difference", "route", "points", "counterexample", "estimates", "seed", "reason"}
)
_RESULT_KEYS = frozenset({"id", "file", "line", "verdict", "expect", "ok", "method", "seconds", "detail", "evidence"})
_POINT_KEYS = frozenset({"values", "lhs", "rhs", "difference", "digits"})
_ESTIMATE_KEYS = frozenset({"mean", "stderr", "n", "target", "p_value", "backend", "params", "nonfinite"})


def _keys(data: Any, allowed: frozenset[str], what: str) -> None:
    if not isinstance(data, Mapping):
        raise ValueError(f"{what} must be a mapping")
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"{what}: unknown key {sorted(map(str, unknown))[0]!r}")


def _text(data: Mapping[str, Any], key: str, *, optional: bool = False) -> Any:
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{key!r} must be text")
    return value


def _whole(data: Mapping[str, Any], key: str, *, optional: bool = False) -> Any:
    value = data.get(key)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{key!r} must be a whole number")
    return value


def _real(data: Mapping[str, Any], key: str) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{key!r} must be a number")
    return value


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ValueError(f"{key!r} must be a list")
    return value


def _pairs(data: Mapping[str, Any], key: str) -> tuple[tuple[str, str], ...]:
    value = data.get(key, {})
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ValueError(f"{key!r} must map names to text")
    return tuple(value.items())


def _point_fields(data: Any) -> dict[str, Any]:
    _keys(data, _POINT_KEYS, "point")
    return {
        "values": _pairs(data, "values"),
        "lhs": _text(data, "lhs"),
        "rhs": _text(data, "rhs"),
        "difference": _text(data, "difference"),
        "digits": _whole(data, "digits"),
    }


def _estimate(data: Any) -> Estimate:
    _keys(data, _ESTIMATE_KEYS, "estimate")
    return Estimate(
        mean=_real(data, "mean"),
        stderr=_real(data, "stderr"),
        n=_whole(data, "n"),
        target=_real(data, "target"),
        p_value=_real(data, "p_value"),
        backend=_text(data, "backend"),
        params=_pairs(data, "params"),
        nonfinite=_whole(data, "nonfinite"),
    )
