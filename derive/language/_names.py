"""Names in the expression language: which identifiers a claim may use.

Kept free of sympy so that reading claim files (and answering them from the cache) does not
pay sympy's import time.
"""

from __future__ import annotations

import keyword
import re

from derive.errors import ParseError

__all__ = ["MAX_NAME_LENGTH", "check_name", "short"]

#: Identifiers longer than this are refused (they only ever come from hostile input).
MAX_NAME_LENGTH = 64
_NAME_RE = re.compile(r"^[^\W\d]\w*$")


def short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_name(name: str, *, keywords: bool = False) -> None:
    """Reject identifiers the language does not allow (leading ``_``, too long, not a name).

    ``keywords``: allow Python keywords (``lambda`` for ``\\lambda``), for claims written
    only in LaTeX, whose names never pass through the expression parser.
    """
    if not isinstance(name, str) or not _NAME_RE.match(name):
        msg = f"{name!r} is not a valid name (letters, digits and '_', not starting with a digit)"
        raise ParseError(msg, token=str(name))
    if name.startswith("_"):
        msg = f"names starting with '_' are reserved: {short(name)!r}"
        raise ParseError(msg, token=name)
    if keyword.iskeyword(name) and not keywords:
        msg = f"{name!r} is a Python keyword and cannot be a name (write 'lam' for lambda)"
        raise ParseError(msg, token=name)
    if len(name) > MAX_NAME_LENGTH:
        msg = f"identifier of {len(name)} characters is too long (at most {MAX_NAME_LENGTH}): {short(name)!r}"
        raise ParseError(msg, token=short(name))
