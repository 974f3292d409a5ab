"""The exception hierarchy: every error derive raises on purpose derives from `DeriveError`.

Each error keeps its data as attributes (not only as text) so reporters, the CLI and the
pytest plugin can show where it happened without parsing messages.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BudgetExceeded",
    "ClaimError",
    "DeriveError",
    "DistributionError",
    "LatexError",
    "Location",
    "ParseError",
    "SymbolKindError",
    "UnknownNameError",
    "UsageError",
]


@dataclass(frozen=True, slots=True)
class Location:
    """Where an input came from: a file and a 1-based line (either may be unknown)."""

    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.file is None:
            return "<input>" if self.line is None else f"<input>:{self.line}"
        return self.file if self.line is None else f"{self.file}:{self.line}"


class DeriveError(Exception):
    """Base of every error derive raises on purpose."""

    def __init__(self, message: str, *, where: Location | None = None, claim_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.claim_id = claim_id

    def __str__(self) -> str:
        prefix = ""
        if self.where is not None:
            prefix += f"{self.where}: "
        if self.claim_id is not None:
            prefix += f"claim '{self.claim_id}': "
        return prefix + self.message


class UsageError(DeriveError, ValueError):
    """The command line or an API call was given arguments it cannot use (exit status 2)."""


class ClaimError(DeriveError, ValueError):
    """A claim file or claim is malformed: missing field, duplicate id, bad YAML, wrong type."""


class ParseError(ClaimError):
    """An expression string is outside derive's expression language.

    ``token`` is the offending fragment and ``column`` its 0-based offset in ``text``.
    """

    def __init__(
        self,
        message: str,
        *,
        text: str | None = None,
        token: str | None = None,
        column: int | None = None,
        where: Location | None = None,
        claim_id: str | None = None,
    ) -> None:
        super().__init__(message, where=where, claim_id=claim_id)
        self.text = text
        self.token = token
        self.column = column


class UnknownNameError(ParseError):
    """A function or constant name is not in the whitelist (plain variables are always allowed)."""


class SymbolKindError(ClaimError):
    """A symbol declaration names a kind derive does not know (see `derive.language.symbols.KINDS`)."""


class DistributionError(ClaimError):
    """A distribution has the wrong number or kind of parameters."""


class LatexError(DeriveError, ValueError):
    """A LaTeX fragment could not be read; ``fragment`` holds the source that failed."""

    def __init__(self, message: str, *, fragment: str | None = None, where: Location | None = None) -> None:
        super().__init__(message, where=where)
        self.fragment = fragment


class BudgetExceeded(DeriveError):  # noqa: N818 -- names the event, like StopIteration
    """A check ran out of its time or memory budget; ``resource`` is ``"timeout"`` or ``"memory"``."""

    def __init__(self, message: str, *, resource: str, limit: float | None = None) -> None:
        super().__init__(message)
        self.resource = resource
        self.limit = limit
