"""The state a `derive.latex.parser._Parser` shares with its sub-parsers (definitions, densities, shadowing)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from derive.language.symbols import SymbolTable
from derive.latex.tokens import _Tok


@dataclass(frozen=True)
class _Densities:
    """Density names in scope (name -> the variable it is over) and those bound to ``random``."""

    over: dict[str, str] = field(default_factory=dict)
    bound: frozenset[str] = frozenset()

    def variable(self, name: str) -> str | None:
        """The variable a bound ``E_name`` averages over, or None."""
        return self.over.get(name) if name in self.bound else None


@dataclass(frozen=True)
class _Definition:
    """A name defined by an evaluation bar (``name := tex``): its value, read under the
    definitions before it, and its text, read again where a binder shadows a name it uses."""

    value: Any
    tex: str


@dataclass
class _State:
    table: SymbolTable
    text: str
    random: dict[str, Any]
    found: dict[str, Any]
    implicit: set[str]
    bound: tuple[str, ...] = ()
    #: The range (lower, upper) of each bounded sum index in ``bound``: a Kronecker delta of an outer
    #: index picks its term only where that index lies in the inner sum's range.
    ranges: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    definitions: dict[str, _Definition] = field(default_factory=dict)  # ``name := ...``
    #: Names a binder (limit, integral, derivative, expectation, sum, product) binds where the
    #: parser is: their definitions do not apply there (``E_{y \sim N(0,1)}[y^2]`` after ``y = 3``).
    shadow: frozenset[str] = frozenset()
    expanding: tuple[str, ...] = ()  # definitions being read again under a shadow (a cycle guard)
    #: Definitions read again under a shadow, by (name, shadow, bound, sample): a chain of
    #: definitions that each use the one before twice is read once per link, not 2^n times.
    reread: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    densities: _Densities = field(default_factory=_Densities)
    sample: str = ""  # inside a bound E_p[...]: the variable averaged over (bare densities over it are q(x))
    indexed: set[str] = field(default_factory=set)  # x_i read as an indexed term inside a sum or product
    #: How often each bound index was read in an entry such as x_i (a summand's use of its index): a
    #: term after a sum's summand that uses it extends the summand (`_SumGrammar._extended_summand`).
    index_uses: dict[str, int] = field(default_factory=dict)
    #: Token places (id of the token list, index) where a sum's summand ended although a term after it
    #: used an outer sum's index: an outer sum may not extend its summand across that place.
    declined: dict[tuple[int, int], list[_Tok]] = field(default_factory=dict)
    applying: int = 0  # > 0: reading the arguments of an unknown function, where f(x_1, \ldots, x_n) is read


_END = _Tok("end", "", -1)


class _Shadow:
    """Context manager: names bound by a binder while its body is read, restored after."""

    def __init__(self, state: _State, names: frozenset[str]) -> None:
        self.state, self.names, self.saved = state, names, state.shadow

    def __enter__(self) -> None:
        self.state.shadow = self.saved | self.names

    def __exit__(self, *exc: object) -> None:
        self.state.shadow = self.saved
