"""An inequality accepted for a name whose stated interval derive did not sample (attacker K30b).

``$p \\in [0, 1]$`` (or ``0 \\le p \\le 1``, ``p \\in [0, 1)``) states a range no kind expresses
(`derive.latex.assumptions`: only the open ``(0, 1)`` is the kind ``probability``): the name stays real, and the
numeric tier samples it as any real, skipping the points where a side is not real. An inequality then "holds" on
the samples inside the interval, but neither its closed ends (``\\log 0`` is -inf: ``\\log p + \\log(1 - p) \\ge
-100`` is not shown at p = 0) nor the points near them (p = 1e-50) were looked at, and the declared range allows
both. Such an accept is undecided, naming the range; an equality holds where it is defined, as before, and a
refutation stands or falls as before (`derive.latex.context`: not at a point outside the range).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from derive.model import Relation, Verdict

if TYPE_CHECKING:
    from derive.latex.records import Step
    from derive.model import Result

__all__ = ["range_unsampled"]

_NUMBER = r"-?\s*\d+(?:\.\d+)?"
#: An interval (``[0, 1]``, ``[0, 1)``, ``(0, 2)``, ``[a, b]``) or a chain of bounds (``0 \\le p \\le 1``): a range
#: whose ends (or the points near them) the declaration allows. (``(0, 1)`` and the half-lines are kinds.)
_BOUNDED = re.compile(
    r"\\in(?![A-Za-z])\s*(?:\\left\s*)?[\[(][^\[\]()]{1,60},[^\[\]()]{1,60}(?:\\right\s*)?[\])]"
    rf"|{_NUMBER}\s*(?:<|\\lt|\\leq?|\\leqslant)(?![A-Za-z]).*(?:<|\\lt|\\leq?|\\leqslant)(?![A-Za-z])\s*{_NUMBER}"
)
#: What may leave a side undefined or infinite at a point of a range: a division, a log, a root, a negative power,
#: a function with poles, anything not a polynomial's.
_UNDEFINED_SOMEWHERE = re.compile(
    r"\\(?:[dt]?frac|log|ln|sqrt|tan|cot|sec|csc|arc\w+|Gamma|operatorname|mathrm|exp|sum|int|prod)(?![A-Za-z])|/|\^\s*\{?\s*-|\^\s*\{[^}]*/"
)
_ACCEPTED = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)
_ORDER = (Relation.LE, Relation.GE, Relation.LT, Relation.GT)


def range_unsampled(step: Step, result: Result) -> str | None:
    """Why an accepted inequality ``step`` is not shown on the whole interval the text states for one of its
    names (see the module), or None."""
    if result.verdict not in _ACCEPTED or step.claim.relation not in _ORDER or not step.ranges:
        return None
    if result.verdict is Verdict.PROVED and not any(_UNDEFINED_SOMEWHERE.search(t) for t in _texts(step)):
        return None  # proved over every real, with sides defined everywhere (no division, log, root): so on the range
    kinds = {name for name, _ in step.claim.symbols}
    texts = _texts(step)
    from derive.latex.names import mentions  # noqa: PLC0415 - the names module imports the parser

    for name, where in step.ranges:
        if name in kinds and dict(step.claim.symbols).get(name) not in (None, "real"):
            continue  # a kind the tier samples (declared as well)
        if _BOUNDED.search(where) and any(mentions(text, name) for text in texts):
            return (
                f"the text states a range for {name} ({where}) that derive samples as any real: the inequality is not "
                "checked at the range's ends or near them, which the range allows; declare its kind (front matter "
                "or --symbols, e.g. probability for (0, 1)) to check the step"
            )
    return None


def _texts(step: Step) -> list[str]:
    return [str(getattr(side, "text", side)) for side in (step.claim.lhs, step.claim.rhs)]
