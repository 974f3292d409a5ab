"""A discrete law stated by its values: is it a law, and what are its moments ``E[X^k] = sum_i p_i v_i^k``.

"$X$ takes the value $a - 2$ with probability $p$, $a + 2$ with probability $p$ and $a$ with probability
$1 - 2p$" states the law of X completely: every expectation of a function of X alone is the weighted sum over
the listed values. `table_law` accepts such a table only when it is one: its probabilities sum to 1 for every
value of their parameters (sympy proves the sum minus 1 is 0), there are at least two of them, and no
probability is identically negative or above 1. A table that does not sum to 1 (a typo, a partial table,
"with probability $p$ ... and $a$ with probability $1 - p$" after two other values) is no law: nothing is read.
The moments are only ever *substituted* into the general-law normal form (`derive.tiers._general_law_facts`),
so they prove steps and never refute one.
"""

from __future__ import annotations

import sympy

__all__ = ["table_law"]

_MAX_VALUES = 12


def table_law(values: list[sympy.Expr], probabilities: list[sympy.Expr]) -> str | None:
    """None when the table is a law; else why it is not (for a note).

    >>> a, p = sympy.symbols("a p", real=True)
    >>> table_law([a - 2, a, a + 2], [p, 1 - 2 * p, p]) is None
    True
    >>> table_law([0, 1], [p, p])
    'its probabilities sum to 2*p, not 1'
    """
    if len(values) != len(probabilities) or not 2 <= len(values) <= _MAX_VALUES:
        return "it lists fewer than two values or more than a handful"
    try:
        total = sympy.simplify(sympy.Add(*probabilities))
    except (TypeError, ValueError, AttributeError, RecursionError):
        return "its probabilities could not be added"
    if total != 1:
        return f"its probabilities sum to {total}, not 1"
    for q in probabilities:
        if q.is_negative or (q - 1).is_positive:
            return f"the probability {q} is outside [0, 1]"
    return None
