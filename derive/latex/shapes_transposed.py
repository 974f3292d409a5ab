"""A family of vectors named by its marks: ``\\sum_{i=1}^n (\\mathbf{x}_i - \\hat{\\boldsymbol\\mu})(\\mathbf{x}_i -
\\hat{\\boldsymbol\\mu})^\\top`` with nothing declared.

A member of a family (``x_i`` under ``\\sum_{i=1}^n``) that the text writes in bold lower case, or transposes alone
(``x_i^\\top``), in a step that transposes names it does not declare, is a vector in every plausible reading (no
author transposes a number, and bold lower case is the text's mark of a vector): one p-vector per sample, for
every i. Read as a number (``x[i]``), the step says nothing of the vectors the text means
(`derive.latex.shapes.scalar_reading`: undecided). Here the family is given to the reading of samples
(`derive.latex.structure_samples.sample_readings`), as a column ``x_i = [x_{i1} \\\\ \\vdots \\\\ x_{ip}]`` would
declare it: the sums over i are written out at swept counts, each member an independent vector of a swept size
p, the other undeclared names shaped as the step allows. Those readings are ``verified`` at most (every count,
size and shape checked holds) and never refuted (the shapes are a reading).

Nothing is inferred when the step transposes no undeclared name, when a family is declared already, when the
candidate member is declared, defined or random, when two names could each be the family (derive reads one), or
when no sum over the member's index runs from 1 to a letter: the step is read as before.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from derive.latex.names import mentions, name_marks, names_in, transposed_names

if TYPE_CHECKING:
    from derive.latex.records import Step
    from derive.latex.shapes import Reading

#: Letters the vectors' size may take (the first the step, its notes and declarations do not use).
_SIZE_LETTERS = ("p", "d", "q", "r", "s", "m")
#: ``\\sum_{i=1}^{n}`` / ``\\prod``: the index and the count, either script order.
_BIG = re.compile(r"\\(?:sum|prod)(?![A-Za-z])\s*(?:\\limits\s*)?")
#: A member's name: a one-letter or Greek base and a one-letter index (``x_i``, ``phi_n``).
_MEMBER = re.compile(r"(?P<base>[A-Za-z]+)_(?P<index>[a-z])")


def _sum_indices(texts: list[str]) -> set[str]:
    """The indices of the sums and products that run from 1 to a letter (``\\sum_{i=1}^n``)."""
    from derive.latex.structure_samples import _limits  # noqa: PLC0415 - it builds on shapes

    out: set[str] = set()
    for tex in texts:
        for m in _BIG.finditer(tex):
            limits = _limits(tex, m.end())
            if limits is None:
                continue
            lower, upper = limits[0], limits[1]
            bound = re.fullmatch(r"\s*([a-z])\s*=\s*1\s*", lower)
            if bound is not None and re.fullmatch(r"\s*[A-Za-z]\s*", upper):
                out.add(bound.group(1))
    return out


def _settled(step: Step) -> set[str]:
    """Names the text says something of: declared, random, functions, defined (before or after), ranged."""
    settled = {n for n, _ in step.claim.symbols} | {n for n, _ in step.claim.random} | set(step.functions)
    settled |= {used.split(":=", 1)[0].strip() for used in step.uses if ":=" in used}
    settled |= set(step.defined) | set(step.defined_after) | {n for n, _ in step.ranges}
    return settled


def inferred_family(step: Step) -> tuple[str, str, str] | None:
    """(base, index, size letter) of the family of vectors the step's marks name (module docstring); None when
    they name none, or more than one."""
    from derive.latex.shapes import _PROVENANCE, _condition_math, _sides, scalar_reading  # noqa: PLC0415
    from derive.latex.structure_samples import family_of  # noqa: PLC0415

    if family_of(step) is not None or scalar_reading(step) is None:
        return None
    texts = _sides(step)
    indices = _sum_indices(texts)
    if not indices:
        return None
    bold: set[str] = set()
    alone: set[str] = set()
    every: set[str] = set()
    for tex in texts:
        found, marks, groups = names_in(tex), name_marks(tex), transposed_names(tex)
        if found is None or found[1] or marks is None or groups is None:
            return None  # names derive cannot list: read as before
        every |= found[0]
        bold |= marks[0]
        alone |= {n for g in groups if len(g) == 1 for n in g}
    settled = _settled(step)
    members: set[tuple[str, str]] = set()
    for name in every:
        m = _MEMBER.fullmatch(name)
        if m is None or m.group("index") not in indices or name in settled:
            continue
        base = m.group("base")
        if not base[:1].islower() or (len(base) > 1 and not _greek(base)):
            continue  # a capital (X_i: a matrix per sample?) or a word is no vector by its marks
        if name in bold or name in alone:
            members.add((base, m.group("index")))
    if len(members) != 1:
        return None
    base, index = members.pop()
    if any(mentions(t, base) for t in texts):
        return None  # x itself in the step too (x and x_i): which is the family is not said
    taken = every | settled | {index}
    # the math of the conditions and notes, not their provenance ("(line 79, after "for")" names no letter)
    said = [*texts, *(_condition_math(c) for c in step.conditions), *(_PROVENANCE.sub("", u) for u in step.uses)]
    size = next((c for c in _SIZE_LETTERS if c not in taken and not any(mentions(t, c) for t in said)), None)
    return None if size is None else (base, index, size)


def _greek(base: str) -> bool:
    from derive.latex.tokens import _GREEK  # noqa: PLC0415

    return base in _GREEK


def transposed_family_readings(step: Step) -> list[Reading] | str | None:
    """The step read under the family its marks name (`inferred_family`), through
    `derive.latex.structure_samples.sample_readings`; None when they name none."""
    from derive.latex.structure_samples import FAMILY_MARK, sample_readings  # noqa: PLC0415

    found = inferred_family(step)
    if found is None:
        return None
    base, index, size = found
    note = (
        f"{base}_{index}: vector {size} for every {index}, by its marks (bold or transposed under a sum over "
        f"{index}: no number) ({FAMILY_MARK})"
    )
    try:
        return sample_readings(replace(step, uses=(*step.uses, note)))
    except re.error:
        # a base derive cannot write the sums out with (a Greek member, before the writing out takes a function)
        return f"{base}_{index} is a vector per sample by its marks, and derive cannot write its sums out; declare it"
