"""Seed homework, problem 5, part 3b: the full table of simultaneous GDA on f(x, y) = xy.

The homework starts at (1, 1) with step η = 0.2, lets x ascend and y descend, and lists
16 iterates (itr 1 is the start) with the value xy at each. Simultaneous GDA multiplies
the iterate by G = [[1, η], [-η, 1]] each step, so itr k is G^(k-1) (1, 1)ᵀ. For every k
the library states:

* ``itrKK.point``: the true iterate (computed here by the scalar recurrence
  x' = x + ηy, y' = y - ηx in exact fractions; the claim's left side is the matrix power,
  a different computation);
* ``itrKK.value``: xy at the true iterate;
* ``itrKK.point_as_written``: the homework's point, which from itr 3 on is not the GDA
  iterate (expect: fails): it moves x and y by a constant ±0.2 as if the gradient never
  changed;
* ``itrKK.arithmetic_as_written``: the homework's product of its own coordinates (right
  except at itr 13, whose slip is in seed5b_saddle_gda.yaml).

The points of itr 2 and 3 are in seed5b_saddle_gda.yaml, with the explanation.
"""

from __future__ import annotations

from fractions import Fraction

from derive import Claim

_ETA = Fraction(1, 5)
_G = "Matrix([[1, 0.2], [-0.2, 1]])"
_START = "Matrix([[1], [1]])"

#: The homework's table: itr -> (x, y, written value of xy).
_HOMEWORK = {
    1: ("1", "1", "1"),
    2: ("1.2", "0.8", "0.96"),
    3: ("1.4", "0.6", "0.84"),
    4: ("1.6", "0.4", "0.64"),
    5: ("1.8", "0.2", "0.36"),
    6: ("2", "0", "0"),
    7: ("1.8", "-0.2", "-0.36"),
    8: ("1.6", "-0.4", "-0.64"),
    9: ("1.4", "-0.6", "-0.84"),
    10: ("1.2", "-0.8", "-0.96"),
    11: ("1", "-1", "-1"),
    12: ("0.8", "-1.2", "-0.96"),
    13: ("0.6", "-1.4", "-0.86"),
    14: ("0.4", "-1.6", "-0.64"),
    15: ("0.2", "-1.8", "-0.36"),
    16: ("0", "-2", "0"),
}


def _decimal(q: Fraction) -> str:
    """The exact decimal expansion of q, whose denominator is a power of 5 (so it terminates)."""
    n = 0
    while 5**n < q.denominator:
        n += 1
    if 5**n != q.denominator:
        msg = f"{q} has no terminating decimal expansion"
        raise ValueError(msg)
    scaled = abs(q.numerator) * 2**n  # q = ±scaled / 10**n
    digits = str(scaled).rjust(n + 1, "0")
    text = digits[: len(digits) - n] + ("." + digits[len(digits) - n :] if n else "")
    text = ("-" if q < 0 else "") + text
    if Fraction(text) != q:
        msg = f"decimal expansion of {q} went wrong: {text}"
        raise ValueError(msg)
    return text


def _true_iterates() -> dict[int, tuple[Fraction, Fraction]]:
    x, y = Fraction(1), Fraction(1)
    out = {}
    for k in range(1, 17):
        out[k] = (x, y)
        x, y = x + _ETA * y, y - _ETA * x  # simultaneous: both use the old point
    return out


def _iterate(k: int) -> str:
    return f"{_G}**{k - 1}*{_START}" if k > 1 else _START


def _claims() -> list[Claim]:
    claims: list[Claim] = []
    source = "homework (seed), problem 5, part 3b: simultaneous GDA on xy, itr {k}"
    for k, (x, y) in _true_iterates().items():
        if k == 1:
            continue  # the starting point, given
        hx, hy, hv = _HOMEWORK[k]
        tags = ("seed", "gda", "saddle")
        if k > 3:  # the points of itr 2 and 3 are spelled out, with reasons, in seed5b_saddle_gda.yaml
            claims.append(
                Claim(
                    id=f"seed.gda.part3b.table.itr{k:02d}.point",
                    statement=f"itr {k}: G^{k - 1} (1, 1) = ({float(x):.6g}, {float(y):.6g}), the true GDA iterate",
                    lhs=_iterate(k),
                    rhs=f"Matrix([[{_decimal(x)}], [{_decimal(y)}]])",
                    source=source.format(k=k) + " (true iterate)",
                    tags=tags,
                )
            )
        e1, e2 = "transpose(Matrix([[1], [0]]))", "transpose(Matrix([[0], [1]]))"
        claims.append(
            Claim(
                id=f"seed.gda.part3b.table.itr{k:02d}.value",
                statement=f"itr {k}: xy = {float(x * y):.6g} at the true GDA iterate",
                lhs=f"trace({e1}*{_iterate(k)}) * trace({e2}*{_iterate(k)})",
                rhs=_decimal(x * y),
                source=source.format(k=k) + " (value of the objective)",
                tags=tags,
            )
        )
        if k > 3 and (Fraction(hx), Fraction(hy)) != (x, y):
            claims.append(
                Claim(
                    id=f"seed.gda.part3b.table.itr{k:02d}.point_as_written",
                    statement=f"itr {k}: G^{k - 1} (1, 1) = ({hx}, {hy}) (the homework's table)",
                    lhs=_iterate(k),
                    rhs=f"Matrix([[{hx}], [{hy}]])",
                    expect="fails",
                    reason=(
                        f"the homework steps x and y by a constant ±0.2; simultaneous GDA gives "
                        f"({float(x):.6g}, {float(y):.6g}) at itr {k}, spiralling outwards"
                    ),
                    source=source.format(k=k),
                    tags=(*tags, "homework-error"),
                )
            )
        if k != 13:  # the itr 13 slip is a named claim in seed5b_saddle_gda.yaml
            claims.append(
                Claim(
                    id=f"seed.gda.part3b.table.itr{k:02d}.arithmetic_as_written",
                    statement=f"itr {k}: {hx}·({hy}) = {hv} (the homework's product of its own point)",
                    lhs=f"({hx})*({hy})",
                    rhs=hv,
                    source=source.format(k=k) + " (the homework's arithmetic)",
                    tags=(*tags, "arithmetic"),
                )
            )
    return claims


CLAIMS = _claims()
