"""Canon: the Gumbel-max trick over five categories, built in code.

P(argmax_j (log π_j + g_j) = i) = π_i with g_j ~ Gumbel(0, 1) independent. With K
categories the indicator of "i wins" is a conjunction of K - 1 comparisons, tedious to
write by hand, so the expressions are generated here (in the expression language, so
they read like the YAML claims). The Monte Carlo tier's default band applies: relative
1e-3 of π_i, floored at 1e-3 of the indicator's standard deviation sqrt(π_i(1 - π_i)).
"""

from __future__ import annotations

from derive import Claim

_PROBS = ("0.1", "0.15", "0.2", "0.25", "0.3")
_RANDOM = {f"g{j}": "Gumbel(0, 1)" for j in range(len(_PROBS))}


def _wins(i: int) -> str:
    """The indicator that category i has the largest perturbed logit."""
    mine = f"log({_PROBS[i]}) + g{i}"
    beats = " & ".join(f"({mine} >= log({p}) + g{j})" for j, p in enumerate(_PROBS) if j != i)
    return f"Piecewise((1, {beats}), (0, True))"


def _claim(i: int, rhs: str, **extra: object) -> Claim:
    return Claim(
        id=f"gumbel.max_five_categories.index{i}" + ("_wrong" if extra else ""),
        statement=f"P(argmax_j (log π_j + g_j) = {i}) = {rhs} for π = ({', '.join(_PROBS)})",
        lhs=f"E({_wins(i)})",
        rhs=rhs,
        random=_RANDOM,
        timeout=30,
        source="canon: the Gumbel-max trick samples Categorical(π), five categories",
        tags=("gumbel", "categorical", "expectation", *(("deliberate-error",) if extra else ())),
        **extra,  # type: ignore[arg-type]
    )


CLAIMS = [
    _claim(2, _PROBS[2]),
    _claim(4, _PROBS[4]),
    # Deliberately wrong: the softmax of the logits is π itself, not π².
    _claim(
        4,
        "0.3**2/(0.1**2 + 0.15**2 + 0.2**2 + 0.25**2 + 0.3**2)",
        expect="fails",
        reason=(
            "the winner is distributed as π itself; π_4²/Σπ_j² = 0.4 would need Gumbel noise scaled by 1/2"
            " (deliberately wrong canon claim)"
        ),
    ),
]
