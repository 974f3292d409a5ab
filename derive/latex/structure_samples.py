"""Steps read under a family of vectors: ``y_i = [y_{i1} \\\\ \\vdots \\\\ y_{ip}]``, i = 1..n (`structure_family`).

Each y_i is a p-vector, one per sample. A step such as ``\\sum_{i=1}^n (y_i - \\mu)^T \\Sigma^{-1} (y_i - \\mu)``
cannot be read with one symbol y_i (the sum of a fixed vector is n y_i, a false identity for samples), so
it is checked written out at concrete sizes: each ``\\sum_{i=1}^n`` (``\\prod``) over the family's index
becomes the n terms with y_1, ..., y_n, each an independent p-vector, and n and p take the values
swept (`sample_readings`). The count n takes every value a size sweep takes
(`derive.latex.shapes_far.swept_sizes`): 1 to one past a far count past 3 and past every number the step
writes or computes, so that a step true only at n = 1, 2, 3 (a closed form that meets the sum there) is no
identity; a far count past `derive.latex.shapes_far.FAR_LIMIT`, or more readings than `_MAX_READINGS`, leave
the step undecided, never verified at fewer counts. Names the text does not declare (μ, Σ) then take the
shapes the step allows (`derive.latex.shapes.readings`). The readings are of kind ``"family"``: ``verified`` at
the sizes checked at most, saying which, and never refuted (the sizes and the other shapes are a reading).

Anything else about the family is left undecided, with the reason: a sum over i whose bounds are not
1 and one letter, a member written with another free index (``y_j``), an entry (``y_{i1}``), the index
used for anything but the family (``\\sum_i i\\, y_i``), a body derive cannot delimit.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from derive.latex.tokens import _GREEK

if TYPE_CHECKING:
    from derive.latex.records import Step
    from derive.latex.shapes import Reading

#: In what a step is read with: the note of a family of vectors (`derive.latex.structure_family`).
FAMILY_MARK = "a family of vectors, one per sample"
_NOTE = re.compile(r"^(?P<base>\S+)_(?P<index>[a-z]): vector (?P<size>[A-Za-z]) for every (?P=index), ")
#: Readings one step may take, over the counts (each size of the vectors, shapes of undeclared names): the
#: counts 1 to 5 of a step that writes no number past 3, each with the sizes of the vectors 1 to 5 (to 7 at
#: n = 5, past the numbers written out), are 28; past 3 most are checked with numbers (`shapes_far.planned`).
_MAX_READINGS = 32
_ACCENTS = frozenset({"hat", "bar", "tilde", "star", "check"})
_BIG = re.compile(r"\\(?P<op>sum|prod)(?![A-Za-z])\s*(?:\\limits\s*)?")
_STOP = frozenset("+-=,&<>")
#: ``\\sim \\mathcal{N}(`` (``\\mathcal N``, ``N``, ``\\left(``): a normal law, its mean and covariance follow.
_NORMAL = re.compile(
    r"\\sim\s*(?:\\mathcal\s*\{\s*N\s*\}|\\mathcal\s+N|N)\s*(?:_\s*\{?\s*\w\s*\}?\s*)?(?:\\left\s*)?\("
)
#: How far before the law the family's member (or its column's last entry) must be written.
_LAW_REACH = 160


def _law(step: Step, base: str, index: str, size: str) -> dict[str, str]:
    """The shapes the text's law of the family gives its parameters: ``y_i \\sim \\mathcal{N}(\\mu, \\Sigma)`` (or the
    column defining y_i, then the law) makes μ a vector of the family's size and Σ its covariance (symmetric
    positive definite); nothing when the law is not written there or its parameters are no plain names."""
    from derive.latex.structure_defs import _name, _top_split  # noqa: PLC0415

    member = _member(base, index)
    entry = re.compile(re.escape(base) + r"\s*_\s*\{\s*" + index + r"\s*,?\s*" + size + r"\s*\}")
    prose = (step.prose or "")[-20000:]
    for m in _NORMAL.finditer(prose):
        before = prose[max(0, m.start() - _LAW_REACH) : m.start()]
        marks = [*member.finditer(before), *entry.finditer(before)]
        last = max((x.end() for x in marks), default=None)
        if last is None or "$" in before[last:] or "\n\n" in before[last:] or "," in before[last:]:
            continue  # the law of another name, or of a name in another formula
        depth, end = 1, None
        for k in range(m.end(), min(len(prose), m.end() + 200)):
            depth += {"(": 1, ")": -1}.get(prose[k], 0)
            if depth == 0:
                end = k
                break
        if end is None:
            return {}
        args = [re.sub(r"\\right\s*$", "", a).strip() for a in _top_split(prose[m.end() : end])]
        names = [_name(a) for a in args]
        if len(names) != 2 or None in names or names[0] == names[1]:
            return {}
        mean, cov = names
        if not (cov or "")[:1].isupper():
            return {}  # N(\mu, \sigma^2): no covariance matrix
        return {str(mean): f"vector {size}", str(cov): f"spd matrix {size} x {size}"}
    return {}


def family_of(step: Step) -> tuple[str, str, str] | None:
    """(base, index, size) of the family of vectors the step is read under, from its notes; None if none."""
    for used in step.uses:
        if FAMILY_MARK in used and (m := _NOTE.match(used)):
            return m.group("base"), m.group("index"), m.group("size")
    return None


def _script(tex: str, at: int) -> tuple[str, int] | None:
    """The script at ``at`` (after ``_`` or ``^``): its text and the index past it."""
    while at < len(tex) and tex[at].isspace():
        at += 1
    if at >= len(tex):
        return None
    if tex[at] == "{":
        depth = 0
        for k in range(at, len(tex)):
            depth += {"{": 1, "}": -1}.get(tex[k], 0)
            if depth == 0:
                return tex[at + 1 : k], k + 1
        return None
    if tex[at] == "\\":
        m = re.match(r"\\[A-Za-z]+", tex[at:])
        return (m.group(), at + m.end()) if m else None
    return tex[at], at + 1


def _limits(tex: str, at: int) -> tuple[str, str, int] | None:
    """``_{i=1}^{n}`` (either order) at ``at``: the lower and upper scripts and the index past them."""
    scripts: dict[str, str] = {}
    while True:
        while at < len(tex) and tex[at].isspace():
            at += 1
        if at < len(tex) and tex[at] in "_^" and tex[at] not in scripts:
            found = _script(tex, at + 1)
            if found is None:
                return None
            scripts[tex[at]], at = found[0], found[1]
            continue
        break
    if set(scripts) != {"_", "^"}:
        return None
    return scripts["_"], scripts["^"], at


def _body_end(tex: str, start: int) -> int | None:
    """Where the body of a sum starting at ``start`` ends: at a sign, relation or comma outside every bracket
    (a leading sign is the body's), or at the bracket that closes around the sum; None if unbalanced."""
    depth, k = 0, start
    while k < len(tex):
        c = tex[k]
        if c == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", tex[k:])
            word = m.group(1) if m else ""
            if word in ("left", "right"):
                # \left( ... \right): one bracket with its delimiter
                d = re.match(r"\\(?:left|right)\s*(\\[A-Za-z]+|\\.|.)", tex[k:])
                if d is None:
                    return None
                if word == "right" and depth == 0:
                    return k
                depth += 1 if word == "left" else -1
                k += d.end()
                continue
            if word in ("{", "lbrace", "begin"):
                depth += 1
            elif word in ("}", "rbrace", "end"):
                if depth == 0:
                    return k
                depth -= 1
            elif word == "\\" and depth == 0:
                return k
            k += len(word) + 1
            continue
        if c in "{([":
            depth += 1
        elif c in "})]":
            if depth == 0:
                return k
            depth -= 1
        elif depth == 0 and c in _STOP and tex[start:k].strip():
            return k
        k += 1
    return k if depth == 0 else None


def _member(base: str, index: str) -> re.Pattern[str]:
    """``y_i``, ``y_{i}``, ``\\mathbf{y}_i`` of the family ``base`` at the letter ``index``."""
    head = re.escape(base) if len(base) == 1 else r"\\" + re.escape(base)
    head = rf"(?:\\(?:mathbf|boldsymbol|bm|vec)\s*\{{\s*{head}\s*\}}|(?<![A-Za-z\\]){head}(?![A-Za-z]))"
    return re.compile(head + rf"\s*_\s*(?:\{{\s*{index}\s*\}}|{index}(?![A-Za-z0-9]))")


#: A name in a plain, accented or bold letter, or a Greek letter: the head of a name subscripted by the index.
_HEAD = (
    r"(?P<head>\\(?:mathbf|boldsymbol|bm|hat|tilde|bar)\s*\{\s*[A-Za-z]\s*\}"
    r"|\\(?:" + "|".join(sorted(_GREEK, key=len, reverse=True)) + r")(?![A-Za-z])|(?<![A-Za-z\\])[A-Za-z])"
)


def _co_indexed(index: str) -> re.Pattern[str]:
    """A name subscripted by the sum's index alone (``y_n``, ``p_{n}``, ``\\sigma_n``, ``\\hat{y}_n``): in a sum
    over the samples, one number per sample, which the written-out term numbers as the member."""
    return re.compile(_HEAD + rf"\s*_\s*(?:\{{\s*{index}\s*\}}|{index}(?![A-Za-z0-9]))")


def _in_a_subscript(tex: str, index: str) -> bool:
    """Whether ``index`` is still a letter of a subscript (``I_{nk}``: one entry per sample and class), which
    writing the term out would leave one number for every sample."""
    return any(index in re.sub(r"\\[A-Za-z]+", " ", m.group(1)) for m in re.finditer(r"_\s*\{([^{}]*)\}", tex))


def write_out(tex: str, base: str, index: str, count: str, n: int) -> str:
    """``tex`` with each ``\\sum_{index=1}^{count}`` (``\\prod``) written out as its n terms, the family's member at
    the index the term's number (``y_1``, ..., ``y_n``). Raises ValueError, saying why, where it cannot."""
    member = _member(base, index)
    out, at = "", 0
    for m in _BIG.finditer(tex):
        if m.start() < at:
            continue
        limits = _limits(tex, m.end())
        if limits is None:
            continue
        lower, upper, body_start = limits
        bound = re.fullmatch(rf"\s*{index}\s*=\s*1\s*", lower)
        if not re.match(rf"\s*{index}(?![A-Za-z])", lower):
            continue  # a sum over another index
        if bound is None or upper.strip() != count:
            raise ValueError(f"a sum over {index} from {lower} to {upper}, not from 1 to {count}")
        end = _body_end(tex, body_start)
        if end is None:
            raise ValueError("a sum whose body derive cannot delimit")
        body = tex[body_start:end]
        inner = write_out(body, base, index, count, n)
        terms = []
        scalars = _co_indexed(index)
        for k in range(1, n + 1):
            # y_n, p_n, \sigma_n next to the member: one number per sample, y_1, ..., y_n (before the member, whose
            # written-out name would run into the index: y_n\mathbf{x}_n)
            term = scalars.sub(lambda s, k=k: f"{s.group('head')}_{{{k}}}", inner)
            # a function, not a template: a Greek base (\\phi_1) has a backslash re would read as an escape; a space
            # before it, so that no command runs into it (\top\mathbf{x}_n: \top x_{1}, not \topx_{1})
            term = member.sub(lambda _, k=k: f" {base if len(base) == 1 else chr(92) + base}_{{{k}}}", term)
            if re.search(rf"(?<![A-Za-z\\]){index}(?![A-Za-z])", term) or _in_a_subscript(term, index):
                raise ValueError(f"{index} is used in the sum for more than the family's member")
            terms.append(f"\\left({term}\\right)")
        joined = " + ".join(terms) if m.group("op") == "sum" else " \\cdot ".join(terms)
        out += tex[at : m.start()] + f"\\left({joined}\\right)"
        at = end
    return out + tex[at:]


def sample_readings(step: Step) -> list[Reading] | str | None:
    """The step written out at swept counts and sizes when it is read under a family of vectors (module
    docstring); a reason (str) where it cannot be; None when no family is involved."""
    from derive.latex.names import mentions, names_in  # noqa: PLC0415
    from derive.latex.shapes import Reading  # noqa: PLC0415 - shapes calls this lazily

    family = family_of(step)
    if family is None:
        return None
    base, index, size = family
    texts = [str(getattr(side, "text", side)) for side in (step.claim.lhs, step.claim.rhs)]
    counts = {
        lim[1].strip()
        for t in texts
        for m in _BIG.finditer(t)
        if (lim := _limits(t, m.end())) and re.match(rf"\s*{index}(?![A-Za-z])", lim[0])
    }
    if len(counts) > 1 or any(not re.fullmatch(r"[A-Za-z]", c) or c in (size, index, base) for c in counts):
        return f"the sums over {index} run to {', '.join(sorted(counts))}, not to one count of samples"
    count = next(iter(counts), None)
    # the law's parameters (and their estimates, \\hat\\mu: a vector too; \\hat\\Sigma a general matrix) where used
    law = {k: v for k, v in _law(step, base, index, size).items() if any(mentions(t, k) for t in texts)}
    for name, kind in _law(step, base, index, size).items():
        for t in texts:
            found = names_in(t)
            for other in found[0] if found else ():
                if other.startswith(f"{name}_") and other.split("_", 1)[1] in _ACCENTS:
                    law[other] = kind.removeprefix("spd ")
    swept = _counts(texts, count, index) if count else (0,)
    if isinstance(swept, str):
        return swept
    out: list[Reading] = []
    said = f"{base}_{index}: vector {size} for each {index}, written out for {index} = 1..{count or 1}"
    said += f" at {count} = {', '.join(map(str, swept))}" if count else ""
    said += "".join(f", {k}: {v}" for k, v in law.items()) + (" (from the law of the samples)" if law else "")
    first: tuple[str, frozenset[str]] | None = None
    for n in swept:
        at = f"{count} = {n}" if count else "one sample"
        inner = _at_count(step, texts, family, count=count, n=n, law=law)
        if isinstance(inner, str):
            return inner
        if len(out) + len(inner) > _MAX_READINGS:
            # a step true only at small counts holds at the counts that fit: never verified at fewer of them
            every = f" of {count} = {', '.join(map(str, swept))}" if count else ""
            return (
                f"the step written out at {at} has more readings than derive checks (more than {_MAX_READINGS} "
                f"over the counts{every}, {base}_{index} a vector of {size} entries at each); declare the shapes of "
                "its other names (or the size of the vectors) to check it"
            )
        shapes = _shapes_read(inner)
        first = first or (at, shapes)
        if shapes != first[1]:
            # a name shaped at one count and a number at another: the counts would check two different steps
            return (
                f"the undeclared names read with other shapes at {at} ({', '.join(sorted(shapes)) or 'numbers'}) "
                f"than at {first[0]} ({', '.join(sorted(first[1])) or 'numbers'}); declare their shapes to check it"
            )
        for r in inner:
            if r.kind not in ("", "shape", "family", "mixed", "size"):
                return f"at {at}: the step reads only as a comparison of readings ({r.kind})"
            if not r.label:
                return f"at {at}: no size of {size} to check the step at; declare the shapes to check it"
            shown = f"{at}, {r.label.replace('; ', ', ')}"
            out.append(Reading(f"{said}; {shown}", r.step, ((count, n), *r.sizes) if count else r.sizes, kind="family"))
    return out or f"no size of the family {base}_{index} reads"


def _at_count(
    step: Step, texts: list[str], family: tuple[str, str, str], *, count: str | None, n: int, law: dict[str, str]
) -> list[Reading] | str:
    """The readings of the step with its sums over the family written out at ``n`` samples (none: the step as it
    is, ``count`` None), the members and the law's parameters declared, the vectors' size swept; a reason."""
    from derive.latex.names import mentions  # noqa: PLC0415
    from derive.latex.shapes import readings  # noqa: PLC0415 - shapes calls this lazily

    base, index, size = family
    at = f"{count} = {n}" if count else "one sample"
    shaped = _co_indexed_names(step, texts, base, index, declared=True)
    if count and shaped:
        # a declared (or random) y_n would be written out y_1, ..., y_n without its kind: read as before
        listed = ", ".join(f"{b}_{index}" for b in sorted(shaped))
        return f"{listed}, declared and indexed by {index} next to the family {base}_{index}, is not written out"
    try:
        sides = [write_out(t, base, index, count, n) if count else t for t in texts]
    except ValueError as e:
        return f"{e}: derive reads the family {base}_{index} only in sums from 1 to the count of samples"
    why = _strays(sides, base, index)
    if why is not None:
        return why
    members = {f"{base}_{k}": f"vector {size}" for k in range(1, n + 1)}
    if count:
        # y_n of the sums, written out y_1, ..., y_n: numbers of the samples (as many as the count, none shaped)
        members.update(
            {f"{b}_{k}": "real" for b in _co_indexed_names(step, texts, base, index) for k in range(1, n + 1)}
        )
    if any(mentions(t, f"{base}_{index}") for t in sides):
        members[f"{base}_{index}"] = f"vector {size}"
    symbols = {**law, **dict(step.claim.symbols), **members}
    if count:
        # the count is a number in the step (\frac{1}{n}, n \mu): the value the sums were written out at
        symbols[count] = "positive integer"
        sides = [f"\\left. {t} \\right|_{{{count} = {n}}}" if mentions(t, count) else t for t in sides]
    lhs = _with_text(step.claim.lhs, sides[0])
    rhs = _with_text(step.claim.rhs, sides[1])
    claim = step.claim.evolve(
        id=f"{step.claim.id}[{count}={n}]", lhs=lhs, rhs=rhs, symbols=tuple(sorted(symbols.items()))
    )
    # the size letter p is swept there as any declared letter size, undeclared names shaped next to it
    defined = step.defined
    if size in defined and not any(re.search(rf"(?<![A-Za-z\\]){size}\s*(?:\\left\s*)?\(", t) for t in sides):
        # p(y_i | \mu) defined as a density elsewhere, not applied here: p is only the size the family declares
        defined = tuple(d for d in defined if d != size)
    kept = tuple(u for u in step.uses if FAMILY_MARK not in u)
    # the n copies of each sum are the sweep's, not the author's: the text limit of shaping names is on the step
    added = sum(len(t) for t in sides) - sum(len(t) for t in texts)
    inner = readings(replace(step, claim=claim, uses=kept, defined=defined), written_out=max(0, added))
    if isinstance(inner, str):
        return f"at {at}, with {base}_{index} a vector of {size} entries: {inner}"
    return inner


def _co_indexed_names(step: Step, texts: list[str], base: str, index: str, *, declared: bool = False) -> set[str]:
    """The bases of the undeclared names subscripted by the index alone (``y`` of ``y_n``), other than the family's
    (``declared``: those declared, random or functions instead)."""
    from derive.latex.names import names_in  # noqa: PLC0415

    said = {n for n, _ in step.claim.symbols} | {n for n, _ in step.claim.random} | set(step.functions)
    out: set[str] = set()
    for t in texts:
        found = names_in(t)
        for name in found[0] if found else ():
            head, sep, sub = name.rpartition("_")
            if sep and sub == index and head != base and (name in said) is declared and "_" not in head:
                out.add(head)
    return out


#: A letter size and its value in a reading's label (``p = 3``): what changes from one count to the next.
_SIZE_PART = re.compile(r"\s*[A-Za-z][A-Za-z0-9_]* = \d+\s*")


#: A number of one written-out term (``y_2: real``, from ``y_n`` in the sum): there are as many as the count.
_NUMBERED_SCALAR = re.compile(r"\s*[A-Za-z]+(?:_[A-Za-z]+)*_\d+: real\s*")


def _shapes_read(inner: list[Reading]) -> frozenset[str]:
    """What a count's readings give the undeclared names (``m: vector p``), without the sizes swept."""
    return frozenset(
        part.strip()
        for r in inner
        for part in r.label.replace("; ", ", ").split(", ")
        if not _SIZE_PART.fullmatch(part) and not _NUMBERED_SCALAR.fullmatch(part)
    )


def _counts(texts: list[str], count: str, index: str) -> tuple[int, ...] | str:
    """The counts the sums are written out at: every size a sweep checks (`derive.latex.shapes_far.swept_sizes`),
    past every number the step writes; a reason when the far count is too large to write the sums out at."""
    from derive.latex.shapes_far import FAR_LIMIT, far_size, swept_sizes  # noqa: PLC0415 - it builds on shapes

    far = far_size(texts)
    if far > FAR_LIMIT:
        return (
            f"the sums over {index} would be written out at every {count} from 1 to {far + 1}, past every number "
            f"the step writes, which is more than derive writes out (past {FAR_LIMIT}): the counts it could check do "
            f"not exclude a step true only at small {count}, so it is left undecided"
        )
    return swept_sizes(texts)


def _strays(sides: list[str], base: str, index: str) -> str | None:
    """Why a written-out step cannot be read: a member of the family at another free index (``y_j``), or one
    whose subscript derive cannot read; None when every member is ``y_i`` or numbered."""
    from derive.latex.names import names_in  # noqa: PLC0415

    for t in sides:
        found = names_in(t)
        if found is None or any(f.split("_", 1)[0] == base and f != f"{base}_{index}" for f in found[1]):
            return f"a member of {base}_{index} derive cannot read here; declare the shapes to check the step"
        strays = [
            f
            for f in found[0]
            if f.split("_", 1)[0] == base and "_" in f and not re.fullmatch(rf"{base}_(?:\d+|{index})", f)
        ]
        if strays:
            return f"{strays[0]} with {base}_{index} a vector of the family: declare {strays[0]} to check the step"
    return None


def _with_text(side: object, tex: str) -> object:
    return replace(side, text=tex) if hasattr(side, "text") else tex  # type: ignore[type-var]
