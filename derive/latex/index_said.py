"""Indices the prose speaks of, where a reading of a sum takes them for granted.

Two readings of a sum rest on what an index is not:

- the Kronecker pick ``\\sum_{k=1}^K \\delta_{jk} a_k = a_j`` (`derive.latex.grammar_calculus._sift`)
  takes the free index j to lie in 1..K, as every text means it when it says nothing of j. Where the text
  does say something of j before the step ("Here $j \\in \\{0, 1, \\ldots, K\\}$", "Let $j = K + 1$", "For the
  new class $j > K$") or the step's row carries a condition derive does not read (``\\text{for } j > K``),
  the pick rests on a guess unless what it says is exactly the sum's range (``j \\in \\{1, \\ldots, K\\}``,
  ``1 \\le j \\le K``, ``j = 1, \\ldots, K``);
- a summand that runs on, ``\\sum_{i=1}^n x_i + y_i`` read as one summand, rests on the premise that
  outside the sum ``y_i`` would have no index. Where the prose gives i a meaning of its own ("Fix an index
  $i$"), ``(\\sum_i x_i) + y_i`` is the other plausible reading.

`index_doubt` says why such a step is not decided; the caller makes an accepted or refuted step undecided.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from derive.latex.records import Step

__all__ = ["index_doubt"]

_DISPLAY = re.compile(
    r"\$\$(.*?)\$\$|\\\[(.*?)\\\]|\\begin\{(?:equation|align|gather|multline|eqnarray)\*?\}(.*?)"
    r"\\end\{(?:equation|align|gather|multline|eqnarray)\*?\}",
    re.S,
)
_INLINE = re.compile(r"(?<!\$)\$(?!\$)([^$]{1,400}?)\$|\\\((.{1,400}?)\\\)", re.S)
_GROUP = r"(?:\{([^{}]*)\}|(\\?[A-Za-z0-9]+))"
#: ``\\sum_{k=1}^{K}`` (or ``\\sum_k``): the index, its lower and upper bound as written.
_SUM = re.compile(r"\\sum\s*_\s*(?:\{\s*([A-Za-z])\s*(?:=\s*([^{}]*?))?\s*\}|([A-Za-z]))\s*(?:\^\s*" + _GROUP + ")?")
_DELTA = re.compile(r"\\delta\s*_\s*(?:\{\s*([A-Za-z])\s*,?\s*([A-Za-z])\s*\}|([A-Za-z])([A-Za-z]))")
_SPACE = re.compile(r"\s+|\\[,;:! ]|\\left|\\right")
_RUN_ON = re.compile(r"^\s*(?:\\left)?\s*[({\[]")


def index_doubt(step: Step) -> str | None:
    """Why ``step``'s verdict rests on an index the text speaks of (see the module), or None."""
    return _kronecker_doubt(step) or _run_on_doubt(step)


def _math_before(prose: str) -> list[str]:
    """The math of ``prose``, displayed and inline (before the step; its own display, still open at the end,
    left out): a display ``$$j = K + 1$$`` or ``$$j > K$$`` says as much of j as inline math does."""
    shown = [next((g for g in m.groups() if g is not None), "") for m in _DISPLAY.finditer(prose)]
    text = _DISPLAY.sub(" ", prose)
    cut = text.rfind("$$")
    if cut >= 0:
        text = text[:cut]
    cut = text.rfind("\\[")
    if cut >= 0 and "\\]" not in text[cut:]:
        text = text[:cut]
    return shown + [m.group(1) or m.group(2) or "" for m in _INLINE.finditer(text)]


def _names(tex: str) -> frozenset[str]:
    from derive.latex.names import names_in  # noqa: PLC0415

    found = names_in(tex)
    return found[0] if found is not None else frozenset()


_RELATION = r"(?:\\in|\\notin|=|<|>|\\neq?|\\leq?|\\geq?|\\leqslant|\\geqslant)(?![A-Za-z])"


def _mentions(prose: str, index: str) -> list[str]:
    """The math before the step that says something of ``index`` itself: the index alone (``$j$``) or
    one side of a relation (``$j > K$``, ``$0 \\le j \\le K$``, ``$j = K + 1$``); not ``$a_j$``, ``$f(j)$``, a sum's
    ``\\sum_{j=1}^K``."""
    alone = re.compile(rf"\s*{index}\s*")
    token = rf"(?<![\\A-Za-z0-9_^{{(,]){index}(?![A-Za-z0-9_^}}(])"
    related = re.compile(rf"{token}\s*{_RELATION}|{_RELATION}\s*{token}\s*(?:$|[,.;]|{_RELATION})")
    return [m for m in _math_before(prose) if alone.fullmatch(m) or related.search(m)]


def _in_range(said: str, index: str, lower: str, upper: str) -> bool:
    """Whether ``said`` states exactly that ``index`` runs over ``lower``..``upper``."""
    s = _SPACE.sub("", said).rstrip(".,;")
    lo, up = _SPACE.sub("", lower), _SPACE.sub("", upper)
    dots = r"(?:\\[lc]?dots|\.\.\.)"
    second = re.escape(str(int(lo) + 1)) + "," if lo.isdigit() else ""
    forms = [
        rf"{index}\\in\\{{{re.escape(lo)},(?:{second})?{dots},{re.escape(up)}\\}}",
        rf"{re.escape(lo)}\\(?:le|leq|leqslant){index}\\(?:le|leq|leqslant){re.escape(up)}",
        rf"{index}=\s*{re.escape(lo)},{dots},{re.escape(up)}",
    ]
    if lo == "1":
        forms.append(rf"{index}\\in\[{re.escape(up)}\]")
    return any(re.fullmatch(f, s) for f in forms)


def _kronecker_doubt(step: Step) -> str | None:
    for side in (step.lhs_tex, step.rhs_tex):
        sums = [(m.group(1) or m.group(3), m.group(2), m.group(4) or m.group(5)) for m in _SUM.finditer(side)]
        bound = {s[0] for s in sums}
        for d in _DELTA.finditer(side):
            pair = (d.group(1) or d.group(3), d.group(2) or d.group(4))
            for index, other in (pair, pair[::-1]):
                if index in bound or other not in bound:
                    continue
                lower, upper = next((lo, up) for v, lo, up in sums if v == other)
                lower = (lower or "1").strip()
                why = _said_of(step, index, lower, upper)
                if why is not None:
                    end = upper or "its end"
                    return (
                        f"the Kronecker delta of {other} picks the term {other} = {index}, which lies in the sum's "
                        f"range only if {index} does; {why}, so derive does not take {index} to be in "
                        f"{lower}..{end} (state {index} \\in \\{{{lower}, \\ldots, {end}\\}} to check it)"
                    )
    return None


def _said_of(step: Step, index: str, lower: str, upper: str | None) -> str | None:
    if step.annotated:
        return "the row carries a condition derive does not read, which may place it elsewhere"
    said = [m for m in _mentions(step.prose, index) if upper is None or not _in_range(m, index, lower, upper)]
    if said:
        return f"the text says ${said[-1].strip()}$ before the step"
    return None


def _run_on_tail(rest: str) -> str | None:
    """What follows the first top-level + or - of a summand that is not bracketed (``x_i + y_i = ...``: ``+ y_i``),
    up to the next relation or sum; None for a bracketed summand, a nested sum or no such sign."""
    if _RUN_ON.match(rest) or re.match(r"\s*\\(?:sum|prod)(?![A-Za-z])", rest):
        return None
    depth, start = 0, None
    for k, ch in enumerate(rest):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                return None  # the sum sits inside a bracket that closes first: its summand ends there
        elif depth == 0 and ch in "+-" and k > 0 and rest[:k].strip():
            start = k
            break
        elif depth == 0 and ch in "=<>":
            return None
    if start is None:
        return None
    return re.split(r"\\(?:sum|prod)(?![A-Za-z])|=|<|>|\\[lg]eq?(?![A-Za-z])", rest[start:])[0]


def _run_on_doubt(step: Step) -> str | None:
    for side in (step.lhs_tex, step.rhs_tex):
        for m in _SUM.finditer(side):
            index = m.group(1) or m.group(3)
            tail = _run_on_tail(side[m.end() :])
            if tail is None or not re.search(rf"_\s*\{{?\s*{index}(?![A-Za-z])", tail):
                continue
            said = _mentions(step.prose, index)
            if said:
                return (
                    f"the summand of the sum over {index} may end before the + or - after it: the text gives "
                    f"{index} a meaning outside the sum (${said[-1].strip()}$), so (\\sum_{index} ...) + ... with "
                    f"that {index} is as plausible as one summand (bracket the summand to say which)"
                )
    return None
