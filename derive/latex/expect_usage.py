"""Random variables by a step's own usage: a name centred by its own expectation (``X - E(X)``).

``E(\\hat\\theta_n)`` with nothing declared random may be an expectation or a function E of the estimate
(`derive.latex.readings`); a step that writes ``\\hat\\theta_n - E(\\hat\\theta_n)`` (the centring of a variance, a
covariance) takes the expectation of the very name it subtracts it from, which no energy or error function E
does: the name is a random variable of the step, and every E(...) of it there an expectation.
"""

from __future__ import annotations

import re

from derive.errors import DeriveError
from derive.latex.parser import name_of

__all__ = ["centred_names"]

#: An expectation's spelling (plain, upright, blackboard) and its opening bracket.
_E = re.compile(
    r"(?<![A-Za-z\\])(?:\\(?:operatorname|mathrm|mathbb|textrm|text)\s*\{\s*E\s*\}|E)\s*(?:\\left|\\big|\\Big)?\s*([(\[])"
)
_CLOSE = {"(": ")", "[": "]"}
#: What may wrap the name beside the minus sign: \left( ... \right), plain brackets, spaces.
_WRAP = re.compile(r"^(?:\\left|\\right|\\big|\\Big|[\s()\[\]])+|(?:\\left|\\right|\\big|\\Big|[\s()\[\]])+$")
_LIMIT = 20000  # characters of a step's text read for centring


def _balanced(tex: str, at: int, opening: str) -> int | None:
    """The index just past the bracket closing the one opened at ``at`` (None when unbalanced)."""
    depth = 0
    close = _CLOSE[opening]
    i = at
    while i < len(tex):
        c = tex[i]
        if c == opening:
            depth += 1
        elif c == close:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def _inner(text: str) -> str:
    inner = text.strip()
    inner = re.sub(r"\\right\s*$", "", inner).strip()
    return inner


def centred_names(texts: list[str] | tuple[str, ...]) -> set[str]:
    """The derive names u the texts write as ``u - E(u)`` or ``E(u) - u`` (any E spelling, ( or [), u one name.

    >>> sorted(centred_names([r"\\sqrt{E[(\\hat{\\theta}_n - E(\\hat{\\theta}_n))^2]}"]))
    ['theta_hat_n']
    >>> sorted(centred_names([r"E[(X - \\operatorname{E}(X))(Y - E(Y))]"]))
    ['X', 'Y']
    >>> sorted(centred_names([r"E[E(x)] = E(x)", r"x - E(y)", r"2x - E(x)", r"x^2 - E(x)"]))
    []
    """
    found: set[str] = set()
    for tex in texts:
        if len(tex) > _LIMIT:
            continue
        for m in _E.finditer(tex):
            end = _balanced(tex, m.start(1), m.group(1))
            if end is None:
                continue
            inner = _inner(tex[m.end(1) : end - 1])
            if not inner:
                continue
            try:
                name = name_of(inner)
            except (DeriveError, RecursionError, ValueError):
                continue
            before = _WRAP.sub("", tex[max(0, m.start() - 200) : m.start()].rstrip())
            after = _WRAP.sub("", tex[end : end + 200].lstrip())
            if _ends_with_minus_of(before, inner) or _starts_with_minus_of(after, inner):
                found.add(name)
    return found


def _ends_with_minus_of(before: str, inner: str) -> bool:
    """Whether ``before`` ends with ``inner -`` as a whole term (nothing multiplying or powering inner)."""
    m = re.search(r"-\s*$", before)
    if m is None:
        return False
    term = _WRAP.sub("", before[: m.start()].rstrip())
    if not term.endswith(inner):
        return False
    head = term[: len(term) - len(inner)].rstrip()
    # the term is inner alone: after an opening bracket, a sign, or nothing
    return head == "" or head[-1] in "([{+-=," or head.endswith(("\\left(", "\\left[", "\\Big(", "\\big("))


def _starts_with_minus_of(after: str, inner: str) -> bool:
    """Whether ``after`` starts with ``- inner`` as a whole term."""
    m = re.match(r"-\s*", after)
    if m is None:
        return False
    rest = after[m.end() :]
    if not rest.startswith(inner):
        return False
    tail = rest[len(inner) :].lstrip()
    return tail == "" or (tail[0] in ")]}+-=,\\" and not tail.startswith(("^", "_")))
