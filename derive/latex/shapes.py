"""Shapes: the sizes and shapes a step is checked at, and whether a scalar reading says anything.

- Letter sizes (``\\mathbf{x} \\in \\mathbb{R}^D``, ``x: vector D``): the step is checked at several sizes
  (`size_readings`), one claim per size, and `combine` reads their results together.
- Undeclared names a step transposes or takes the norm of: the step is checked in each shape they
  may have where it reads (`shape_readings`), and decided only when every reading agrees.
- Otherwise undeclared names are real scalars. A step that transposes such a name, or applies a
  matrix operator to an undeclared capital, or uses a name the prose declares as no real scalar
  (``z \\in \\mathbb{C}``), was read in a reading the text does not mean; `settle`
  (`derive.latex.context`) leaves its verdict undecided with the reasons given here.

`StepRun` is the one helper every caller (``derive latex``, `derive.check_latex`, grading, the
real-document bench) runs steps through: it lists the claims to run and combines their results.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from derive.errors import DeriveError
from derive.language._indexed import far_mixed_sizes
from derive.language.symbols import parse_kind
from derive.latex.names import name_marks, transposed_names
from derive.latex.parser import name_of
from derive.latex.structure_defs import TUPLE_MARK
from derive.model import Claim, Evidence, LatexSource, Method, Outcome, Relation, Result, Verdict

if TYPE_CHECKING:
    from derive.latex.records import Step

#: A range the prose states that makes a name no real scalar: R^D, R^{n x n}, C, a definite matrix.
_NOT_SCALAR = re.compile(
    r"\\mathbb\s*\{?\s*C\b|\\mathbb\s*\{?\s*R\s*\}?\s*\^|\\succ|matri|vector|projection|projector|linear\s+(?:map|operator|transf)"
    r"|idempotent|nilpotent|orthonormal|unitary|hermitian",
    re.IGNORECASE,
)
#: A bold name applied to arguments (``\\mathbf{f}(x)``, ``\\boldsymbol\\phi(x)``): vector- or matrix-valued.
#: A bold capital before a parenthesis is a matrix times what follows, which the reader reads as such.
_BOLD_APPLIED = re.compile(r"\\(?:mathbf|boldsymbol|bm|vec)\s*(?:\{\s*(?:\\[a-z]+|[a-z])\s*\}|\\[a-z]+|[a-z])\s*\(")


#: An operator applied to a function, then to an argument (``\\mathcal{F}\\{f\\}(\\omega)``, ``\\mathcal{L}[f](s)``,
#: ``\\mathcal F(f)(\\omega)``): a transform; its values are complex.
_TRANSFORM_APPLIED = re.compile(
    r"\\mathcal\s*(?:\{\s*[FLZH]\s*\}|[FLZH])\s*(?:\\left\s*)?(?:\\\{[^{}]*\\\}|\[[^\[\]]*\]|\([^()]*\))"
    r"\s*(?:\\right\s*\S\s*)?(?:\\left\s*)?\("
)
#: Operators of matrices: applied to an undeclared capital, derive read it as a scalar.
_MATRIX_OPERATOR = re.compile(
    r"\\det\b|\\(?:mathrm|operatorname|text)\s*\{\s*(?:tr|Tr|det|rank|diag)\s*\}|\\(?:tr|Tr)\b"
)

#: A Greek or bold capital alone between bars, ``|\\Sigma|``, ``|\\boldsymbol{\\Sigma}_k|``, ``\\lvert \\Lambda
#: \\rvert``: a determinant as plausibly as an absolute value (a plain ``|A|`` or ``|C_k|`` may be a number or a count).
_DET_BARS = re.compile(
    r"(?:\|(?!\|)|\\lvert|\\vert|\\left\s*\|)\s*((?:\\(?:mathbf|boldsymbol|bm)\s*\{\s*\\?[A-Za-z]+\s*\}"
    r"|\\(?:Sigma|Lambda|Gamma|Psi|Phi|Omega|Theta))(?:\s*_\s*(?:\{[^{}]*\}|[0-9A-Za-z]))?)\s*"
    r"(?:\||\\rvert|\\vert|\\right\s*\|)"
)


def _barred_name(m: re.Match[str]) -> str | None:
    """The derive name between the bars `_DET_BARS` found, if it is a capital."""
    try:
        name = name_of(re.sub(r"\\(?:mathbf|boldsymbol|bm)\s*\{\s*(\\?[A-Za-z]+)\s*\}", r"\1", m.group(1)))
    except DeriveError:
        return None
    return name if _capital(name) else None


#: Words said only of matrices (a number is none of these), right after the name: "$M$ be an idempotent",
#: "$I$ the $n \\times n$ identity matrix", "$Q$ is orthogonal".
_MATRIX_WORDS = (
    r"idempotent|nilpotent|orthogonal|orthonormal|unitary|hermitian|projection|positive[- ]definite|"
    r"semi-?\s*definite|identity|zero\s+matri"
)
_SAID_OF = re.compile(
    r"\s*,?\s*(?:(?:is|be|denotes?)\s+)?(?:(?:the|an?)\s+)?(?:\$[^$]{0,40}\$\s+)?(?:[a-z-]+\s+)?"
    rf"(?P<word>{_MATRIX_WORDS})",
    re.IGNORECASE,
)


def _matrix_word(step: Step, name: str) -> str | None:
    """The word of `_MATRIX_WORDS` the prose says of ``name`` itself: ``$M$ be an idempotent ...``, ``$I$ the
    $n \\times n$ identity matrix`` (not ``$P$ be the probability of the projection event``)."""
    prose = (step.prose or "")[-20000:]
    for m in _INLINE.finditer(prose):
        try:
            if name_of(m.group(1).strip()) != name:
                continue
        except DeriveError:
            continue
        said = _SAID_OF.match(prose[m.end() : m.end() + 120])
        if said is not None:
            return said.group("word").lower()
    return None


#: Greek capitals that name matrices as often as Latin ones (\\det\\Sigma, \\mathrm{tr}\\,\\Lambda).
_GREEK_CAPITAL = re.compile(r"Sigma|Lambda|Gamma|Delta|Theta|Phi|Psi|Omega|Xi|Upsilon")


def _capital(name: str) -> bool:
    """Whether a name is a capital (``A``, ``\\Sigma_1``) that may name a matrix; ``I_3`` is an identity already."""
    base = name.split("_", maxsplit=1)[0]
    if re.fullmatch(r"I_\d+", name):
        return False
    return bool(_GREEK_CAPITAL.fullmatch(base) or (len(base) == 1 and base.isupper()))


def not_a_scalar(step: Step) -> str | None:
    """Why a step read with some name as a real scalar says nothing: the prose declares it a vector,
    a matrix or a complex number no kind expresses (``A \\in \\mathbb{R}^{n \\times n}``,
    ``z \\in \\mathbb{C}``), or a matrix operator (``\\det``, ``\\mathrm{tr}``) is applied to an undeclared
    capital. A proof over scalars is then no proof, and a refutation no refutation."""
    from derive.latex.names import names_in  # noqa: PLC0415

    tex = f"{step.lhs_tex} {step.rhs_tex}"
    found = names_in(step.lhs_tex), names_in(step.rhs_tex)
    used = set().union(*(f[0] for f in found if f is not None))
    for name, where in step.ranges:
        if name in used and _NOT_SCALAR.search(where):
            return f"{name} is declared as no real scalar ({where}) that derive can sample; derive read it as one"
    declared = {n for n, _ in step.claim.symbols}
    same = "".join(step.lhs_tex.split()) == "".join(step.rhs_tex.split())  # a = a holds in any reading
    # the sides as checked: a function the document defines is already replaced by its body there
    claimed = " ".join(_sides(step))
    transform = _TRANSFORM_APPLIED.search(claimed)
    if transform is not None and not same:
        return (
            f"{transform.group().strip()} applies an operator to a function and the result to an argument: a transform "
            "(Fourier, Laplace) under a plausible reading, with complex values, which derive read as real numbers"
        )
    # a declared vector or matrix before a parenthesis is a product (\mathbf{w}(a + b)), no application
    bold = next(
        (m for m in _BOLD_APPLIED.finditer(claimed) if name_of(m.group().rstrip("(").strip()) not in declared), None
    )
    if bold is not None and not same:
        return (
            f"{bold.group().rstrip('(').strip()} is written in bold and applied: a vector- or matrix-valued function "
            "under a plausible reading, whose values derive read as real numbers"
        )
    shaped = any(_parses(kind) and parse_kind(kind).is_matrix for _, kind in step.claim.symbols)
    for name in sorted(n for n in used if _capital(n) and n not in declared):
        word = _matrix_word(step, name)
        if word is not None and not same:
            return (
                f"the text calls {name} {word}: a matrix, which derive read as a number; declare its shape "
                f"(e.g. `{name}: matrix 2x2`) to check the step"
            )
    barred = sorted({_barred_name(m) for m in _DET_BARS.finditer(tex)} - declared - {None})
    if barred and not same and not shaped:
        return (
            f"{', '.join(barred)} between bars (|\\Sigma|) is not declared: a determinant of a matrix under a "
            "plausible reading, which derive read as the absolute value of a number; declare its shape (e.g. "
            f"`{barred[0]}: spd matrix 2x2`) to check the step"
        )
    if _MATRIX_OPERATOR.search(tex) and not same and not shaped:
        # I_3 is an identity; T and H mark transposes
        bases = {n.split("_")[0] for n in used if not re.fullmatch(r"I_\d+|T|H", n)}
        capitals = sorted(
            b for b in bases if (_GREEK_CAPITAL.fullmatch(b) or (len(b) == 1 and b.isupper())) and b not in declared
        )
        # a name the step is read with as a matrix written out (A := \begin{pmatrix}...) is that matrix, and an
        # undeclared I beside only such matrices is the identity of their size (unless the text says what else I is)
        written = _written_out_names(step)
        capitals = [c for c in capitals if c not in written]
        if capitals == ["I"] and written & set(bases) and _i_is_identity(step):
            capitals = []
        if capitals:
            return (
                f"{', '.join(capitals)} under a matrix operator is not declared, so derive read it as a scalar; "
                f"declare its shape (e.g. `{capitals[0]}: matrix 2x2`) to check the step"
            )
    return None


def _written_out_names(step: Step) -> set[str]:
    """The names the step is read with as a matrix or vector written out (``A := \\begin{pmatrix} ...``)."""
    out: set[str] = set()
    for used in step.uses:
        head, sep, body = used.partition(":=")
        if sep and re.search(r"\\begin\s*\{\s*[pbvBV]?matrix\s*\}", body):
            try:
                out.add(name_of(head.strip()))
            except DeriveError:
                continue
    return out


def scalar_reading(step: Step) -> str | None:
    """The names a step transposes although none of them is declared as a vector or matrix.

    Undeclared names are real scalars, where ``(x - \\mu)^T (x - \\mu)`` is ``(x - \\mu)^2``: a
    verdict reached that way says nothing about the vectors the text means (the seed's trace
    step holds for scalars and fails for vectors), so `settle` leaves such steps undecided.
    A transpose of a declared matrix, of a name the document defined, or of a matrix written
    out is read as written.
    """
    shaped: set[str] = set()
    for name, kind in step.claim.symbols:
        try:
            if parse_kind(kind).is_matrix:
                shaped.add(name)
        except DeriveError:
            continue
    shaped |= {f"{name}_0" for name in shaped}  # \mathbf{w}_0 next to a declared vector w has its kind (the reader)
    sides = [str(getattr(side, "text", side)) for side in (step.claim.lhs, step.claim.rhs)]
    shaped |= {f"I_{size}" for tex in sides for size in re.findall(r"I_\{(\d+)\}", tex)}  # an identity of a size
    for used in step.uses:  # "W_1 := B (line 59)": a defined name keeps its definition's shape
        if ":=" in used and _shaped_body(used.split(":=", 1)[1], shaped):
            try:
                shaped.add(name_of(used.split(":=", 1)[0]))
            except DeriveError:
                continue
    # the claim's own text: the step with the definitions it is read under (W_2 := B^T)
    sides = [str(getattr(side, "text", side)) for side in (step.claim.lhs, step.claim.rhs)]
    for side in sides:
        for names in transposed_names(side) or []:
            if names and not names & shaped:
                return ", ".join(sorted(names))
    return None


#: A body written out as a vector or matrix: a tuple, a column, a matrix environment.
_WRITTEN_OUT = re.compile(r"\\begin\s*\{|\\vdots|\\ldots|\\cdots|,|\\\\")


def _shaped_body(body: str, shaped: set[str]) -> bool:
    """Whether a definition's body gives the defined name a shape: it is written out (a tuple, a column, a
    matrix), or every name it uses is declared a vector or matrix (u := a - b of undeclared a, b is none: a
    transposed u is then as undecided as a transposed a; attack H195)."""
    from derive.latex.names import names_in  # noqa: PLC0415

    body = _PROVENANCE.sub("", body)
    if _WRITTEN_OUT.search(body):
        return True
    found = names_in(body)
    if found is None:
        return True  # read as before
    unshaped = {n for n in found[0] if not _MARKS.fullmatch(n)} - shaped
    # an undeclared capital in the body (M := BC): `derive.latex.context` says why the step is undecided
    return not unshaped or any(_capital(n) for n in unshaped)


# --- Letter sizes: a step over x ∈ R^D is checked at several sizes -------------------------------------

#: The small sizes every sweep checks (then each size up to one past `derive.latex.shapes_far.far_size`); sizes
#: ``values:`` may fix go up to `_PAST_LIMIT`.
_SIZES = (1, 2, 3)
_PAST_LIMIT = 6
#: Claims one step may become; a step with more readings is undecided, as before. Shapes of undeclared
#: names may need a few more (X, beta, epsilon of a regression: 11 readings conform).
MAX_READINGS = 9
MAX_SHAPE_READINGS = 12
#: What `shape_readings` says when its readings are too many: then the shape families are tried (`readings`).
_TOO_MANY_SHAPES = "make the step read, more than derive checks"
_IDENTITY = r"(?<![A-Za-z\\])I\s*_\s*(?:\{{\s*{0}\s*\}}|{0}(?![A-Za-z0-9]))"


@dataclass(frozen=True)
class Reading:
    """One way to check a step: ``label`` says which (``D = 2``), ``step`` holds the claim to run."""

    label: str
    step: Step
    #: The size each letter takes in this reading (empty for the step as written).
    sizes: tuple[tuple[str, int], ...] = ()
    #: "size" (a letter size swept), "shape" (a shape given to undeclared names), "mixed" (both), "" (the step).
    kind: str = "size"
    #: Checked here with numbers, not run by the engine (a far size: `derive.latex.shapes_far.planned`).
    offline: bool = False
    #: Letters the text gives one value as an example (`_example_values`): a counterexample stands only there.
    example: tuple[tuple[str, int], ...] = ()
    #: Its result when checked here (``offline``).
    checked: Result | None = None

    @property
    def off_example(self) -> bool:
        """Whether some letter takes here another size than the one value the text gives it."""
        sizes = dict(self.sizes)
        return any(sizes.get(letter, value) != value for letter, value in self.example)

    @property
    def unequal(self) -> bool:
        """Whether letters take different sizes here (then a product may not conform)."""
        return len({n for _, n in self.sizes}) > 1

    @property
    def size_one(self) -> bool:
        return any(n == 1 for _, n in self.sizes)


def _letters_of(step: Step, texts: list[str]) -> tuple[dict[str, None], set[str]]:
    """The letter sizes of the declared kinds of the names the step uses, in order, and the names
    declared as matrices (a size of a matrix the step does not use is no reading of its own)."""
    from derive.latex.names import mentions  # noqa: PLC0415

    letters: dict[str, None] = {}
    shaped: set[str] = set()
    for name, kind in step.claim.symbols:
        try:
            parsed = parse_kind(kind)
        except DeriveError:
            continue
        if parsed.is_matrix:
            shaped.add(name)
        if parsed.size_letters and any(mentions(tex, name) for tex in texts):
            letters.update(dict.fromkeys(sorted(parsed.size_letters)))
    return letters, shaped


def _sides(step: Step) -> list[str]:
    return [str(getattr(side, "text", side)) for side in (step.claim.lhs, step.claim.rhs)]


def _identity_letters(step: Step, texts: list[str]) -> set[str]:
    """Letters that size an identity (``I_D``) in a step whose other names are all declared: no
    undeclared scalar then meets an identity of a concrete size."""
    from derive.latex.names import identity_sizes, names_in  # noqa: PLC0415

    sizes: set[str] = set()
    for tex in texts:
        sizes |= identity_sizes(tex)
    if not sizes:
        return set()
    declared = {name for name, _ in step.claim.symbols}
    for tex in texts:
        found = names_in(tex)
        if found is None or any(
            n not in declared | sizes and not _MARKS.fullmatch(n) for n in found[0] - _identity_names(sizes)
        ):
            return set()
    return sizes


def _identity_names(sizes: set[str]) -> set[str]:
    return {f"I_{s}" for s in sizes}


#: A value ``values:`` fixes (``D = 3 (values:)`` among a step's uses).
_FIXED = re.compile(r"^\s*(?P<name>[A-Za-z][A-Za-z0-9_]*)\s*=\s*(?P<value>\d+)\s*\(values:\)\s*$")


def _fixed_sizes(step: Step, letters: set[str]) -> dict[str, int]:
    """The letter sizes front matter fixes to a number (``values: {D: 3}``): checked at that size only."""
    fixed: dict[str, int] = {}
    for used in step.uses:
        m = _FIXED.match(used)
        if m is not None and m.group("name") in letters and 1 <= int(m.group("value")) <= _PAST_LIMIT:
            fixed[m.group("name")] = int(m.group("value"))
    return fixed


def _settled_elsewhere(
    step: Step, letters: set[str], examples: dict[str, int] | None = None, *, counted: bool = True
) -> str | None:
    """A letter size the document gives a value (other than a small number under ``values:``), defines,
    defines right after the step, or states a condition on: not free to sweep. A range that only says the
    letter counts something ("$N$ is the number of cars") allows every size a sweep checks; a letter in
    ``examples`` (`_example_values`) is swept with its value among the sizes."""
    from derive.latex.names import mentions  # noqa: PLC0415

    given = set(step.defined_after)
    given |= {name for name, said in step.ranges if not (counted and _COUNTS.search(_PROVENANCE.sub("", said)))}
    given |= {name for name, _ in step.claim.random}
    given |= {used.split("=", 1)[0].rstrip(":").strip() for used in step.uses if "=" in used}
    given -= set(_fixed_sizes(step, letters))
    for letter in sorted(letters):
        if letter in given:
            return _given_a_value(letter)
        if letter in (examples or {}):
            continue
        conditioned = [c for c in step.conditions if mentions(_condition_math(c), letter)]
        if letter in step.defined and not _only_described(step, letter, conditioned):
            return _given_a_value(letter)
        if any(mentions(_as_a_number(_condition_math(c), letter), letter) for c in conditioned):
            return _given_a_value(letter)
    return None


#: A range that says a letter counts things ("$N$ is the number of cars", "$k$ denotes the count of"): every
#: positive size is such a number.
_COUNTS = re.compile(r"^\$[^$]{1,40}\$\s+[a-z ]{0,30}\b(?:number\s+of|counts?)\b[^$=<>\d]*$", re.IGNORECASE)
#: A condition that gives a letter one whole value (``k = 3``), with its provenance stripped.
_ONE_VALUE = re.compile(r"^\s*(?:(?P<a>[A-Za-z])\s*=\s*(?P<v>\d{1,2})|(?P<w>\d{1,2})\s*=\s*(?P<b>[A-Za-z]))\s*$")


def _example_values(step: Step, letters: set[str]) -> dict[str, int]:
    """Letter sizes the text gives exactly one whole value, and nothing else (``we have $k = 3$`` in an example
    before the general case): each is swept with that value among its sizes, and a counterexample stands only at
    that value (`Reading.example`), so the verdict holds under both readings, the letter general and the letter
    that number. A letter given anything else (a definition, a range, two values, a bound, a use as a number in
    another condition, a value past the sizes checked) is not."""
    from derive.latex.names import mentions  # noqa: PLC0415

    out: dict[str, int] = {}
    prose = step.prose or ""
    for letter in sorted(letters):
        values: set[int] = set()
        for said in (_condition_math(c) for c in step.conditions):
            if not mentions(said, letter):
                continue
            m = _ONE_VALUE.match(said)
            if m is None or (m.group("a") or m.group("b")) != letter:
                values.add(0)  # another condition: no example value
                continue
            values.add(int(m.group("v") or m.group("w")))
        # every place the text writes the letter next to a relation is such a value ("$k=3$"): no other value, bound
        # or definition (the prose holds the displays before the step too)
        assigned = re.findall(_ASSIGNED.format(re.escape(letter)), prose)
        plain = re.findall(rf"(?<![A-Za-z\\_^{{]){re.escape(letter)}\s*=\s*(\d{{1,2}}){_VALUE_END}", prose)
        if len(assigned) != len(plain):
            continue
        values |= {int(v) for v in plain}
        if len(values) == 1 and 1 <= min(values) <= _PAST_LIMIT:
            out[letter] = values.pop()
    return out


#: What may follow a value the text gives a letter (``$k=3$``, ``k = 3,``, ``k=3 \quad``): no more of a formula.
_VALUE_END = r"(?=\s*(?:\$|\\\)|[,;.](?!\d)|\\[,;!]|\\q?quad(?![A-Za-z])|\\text|\n|$))"


def _given_a_value(letter: str) -> str:
    return (
        f"the size {letter} is given a value or a condition in the document, so derive does not check the "
        f"step at several sizes of {letter}; declare the shapes with numbers (vector 3) to check it"
    )


#: Where a letter counts things in a formula and says nothing of its value: the bound of a sum or product
#: (``\\sum_{i=1}^{k} a_i^2``), the size of a space (``\\mathbb{R}^{N}``, ``N \\times k``).
_SIZE_POSITION = (
    r"\\(?:sum|prod)\s*(?:\\limits\s*)?(?:_\s*(?:\{{[^{{}}]*\}}|\S)\s*)?\^\s*(?:\{{\s*{0}\s*\}}|{0}(?![A-Za-z]))"
    r"|\\mathbb\s*\{{?\s*R\s*\}}?\s*\^\s*(?:\{{[^{{}}]*\}}|{0}(?![A-Za-z]))"
    r"|(?<![A-Za-z\\]){0}\s*\\times|\\times\s*{0}(?![A-Za-z])"
)


def _as_a_number(condition: str, letter: str) -> str:
    """``condition`` without the places where ``letter`` is only a size (`_SIZE_POSITION`); unchanged when nothing
    but the letter and sum indices is left (``\\sum_{i=1}^k i = 6`` says k = 3)."""
    from derive.latex.names import names_in  # noqa: PLC0415

    stripped = re.sub(_SIZE_POSITION.format(re.escape(letter)), " ", condition)
    found = names_in(stripped)
    others = None if found is None else set(found[0]) - {letter, "i", "j"}
    return stripped if others else condition


#: A relation a letter may stand next to in the prose's math.
_RELATION = (
    r"(?:=|:=|<|>|\\(?:coloneqq|eqqcolon|equiv|triangleq|doteq|defeq|overset|stackrel|le|leq|ge|geq|neq|ne|in|sim"
    r"|approx|propto|mid|leqslant|geqslant|lesssim|gtrsim)(?![A-Za-z]))"
)
#: A letter standing alone next to a relation (``N = 50``, ``k \\geq 3``, ``n := |D|``, ``N^2 = 4``, ``50 = N``):
#: a value or a condition the text gives it.
_ASSIGNED = (
    r"(?<![A-Za-z\\_^{{]){0}(?![A-Za-z0-9_(}}])\s*(?:\^\s*(?:\{{[^{{}}]*\}}|\w)\s*)?"
    + _RELATION
    + r"|"
    + _RELATION
    + r"\s*{0}(?![A-Za-z0-9_(^}}])"
)


def _only_described(step: Step, letter: str, conditioned: list[str]) -> bool:
    """Whether a size letter the reader lists among the names defined before the step (`Step.defined`) is only
    described there: the prose never writes it alone next to a relation (`_ASSIGNED`: no ``N = 50``, no
    ``k \\geq 3``, no definition), some condition of the step names it and all of them use it only as a size
    (`_as_a_number`), and the step does not apply it as a function (``p(y \\mid \\mu)``). Such a letter is listed
    because an equation the text states counts with it (``\\|S\\|^2 = \\sum_{i=1}^{k} a_i^2``): the size is free
    to sweep. A letter listed for another reason (a definition outside the prose the step sees, defined twice) is
    not: no condition names it."""
    from derive.latex.names import mentions  # noqa: PLC0415

    if not conditioned:
        return False
    applied = re.compile(rf"(?<![A-Za-z\\]){re.escape(letter)}\s*(?:\\left\s*)?\(")
    if any(applied.search(t) for t in (step.lhs_tex, step.rhs_tex, *_sides(step))):
        return False
    if re.search(_ASSIGNED.format(re.escape(letter)), step.prose or ""):
        return False
    return not any(mentions(_as_a_number(_condition_math(c), letter), letter) for c in conditioned)


#: Where a condition came from, after its math: `` (line 41, stated in the text)``.
_PROVENANCE = re.compile(r"\s*\((?:[^()]*, )?(?:before )?line \d+[^()]*\)\s*$")


def _condition_math(condition: str) -> str:
    """The math of a recorded condition: its provenance is words ("line", "in") whose letters are no size."""
    from derive.latex.context import DISTINCT  # noqa: PLC0415

    return _PROVENANCE.sub("", condition.removeprefix(DISTINCT))


#: A letter in a font (``\mathcal{D}``, ``\mathbf{D}``): a derive name D too, but another object than the size.
_FONT_LETTER = r"\\(?:math(?:cal|bf|scr|frak|bb|rm|sf|it|bfit)|bm|boldsymbol|text(?:bf|rm|it)?)\s*\{{\s*{0}\s*\}}"

#: A size letter bound by a sum or product in the step (``\sum_{n=1}^N`` next to ``\mathbb{R}^n``).
_BOUND_LETTER = r"\\(?:sum|prod)\s*(?:\\limits\s*)?_\s*\{{?\s*{0}\s*(?:=|\\in|\}}|$|[^A-Za-z0-9_])"


def _letter_in_a_font(step: Step, letters: set[str]) -> str | None:
    """A size letter the step also writes in a font (a data set ``\\mathcal{D}`` next to ``\\mathbb{R}^D``):
    derive names both D, so giving the size a value would give the data set one too."""
    texts = [step.lhs_tex, step.rhs_tex, *_sides(step)]
    for letter in sorted(letters):
        pattern = re.compile(_FONT_LETTER.format(re.escape(letter)))
        bound = re.compile(_BOUND_LETTER.format(re.escape(letter)))
        if any(bound.search(tex) for tex in texts):
            return (
                f"{letter} is a size here and also the index of a sum or product in the step: derive does not "
                f"check the step at several sizes of {letter}; rename the index to check it"
            )
        if any(pattern.search(tex) for tex in texts):
            return (
                f"{letter} is a size here and also written in a font (a data set, a distribution?): derive reads both "
                f"as one name, so it does not check the step at several sizes of {letter}; rename one to check it"
            )
    return None


#: What prose may say of a size letter in words: its parity (sampled), or another property (not sampled).
_SIZE_WORDS = re.compile(
    r"^\s*(?:is|be|are)\s+(?:an?\s+)?(?:(?P<parity>even|odd)\b|(?P<other>prime|a\s+multiple|a\s+power|divisible|"
    r"greater|larger|smaller|less|more|at\s+least|at\s+most|bigger|square|fixed|known|given|large|small)\b)",
    re.IGNORECASE,
)


def _size_said(step: Step, letter: str) -> str | None:
    """What the prose says in words of a size letter (``$k$ is even``): "even" or "odd", which the sizes swept
    follow; a reason not to sweep for any other property (``$k$ is prime``, ``$k$ is at least 3``); None."""
    prose = (step.prose or "")[-20000:]
    for m in _INLINE.finditer(prose):
        try:
            if name_of(m.group(1).strip()) != letter:
                continue
        except DeriveError:
            continue
        words = _SIZE_WORDS.match(prose[m.end() : m.end() + 40])
        if words is None:
            continue
        if words.group("parity"):
            return words.group("parity").lower()
        return (
            f"the text says {letter} {words.group().strip()} in words, which derive does not sample: it does not "
            f"check the step at several sizes of {letter}; declare the shapes with numbers (vector 3) to check it"
        )
    return None


def _size_values(texts: list[str]) -> tuple[int, ...]:
    """The sizes to check: every size from 1 to one past the far size, which is past 3 and past every number the
    step writes or computes (`far_size`): a step true only at small sizes, at sizes its numbers name, below a
    threshold (\\max(0, 5 - n)) or at every other size (\\sin(\\pi n / 2)) fails at one of them."""
    from derive.latex.shapes_far import swept_sizes  # noqa: PLC0415 - it builds on this module

    return swept_sizes(texts)


def _combinations(letters: list[str], values: tuple[int, ...]) -> list[dict[str, int]]:
    """Size assignments: all letters equal (every size of ``values``), then unequal ones among 1, 2, 3, the smallest
    first, up to `MAX_READINGS` in all and at least five."""
    equal = [dict.fromkeys(letters, v) for v in values]
    if len(letters) == 1:
        return equal
    small = [v for v in values if v <= max(_SIZES)]  # unequal sizes test conformity: the small ones do
    mixed = [
        dict(zip(letters, combo, strict=True))
        for combo in itertools.product(small, repeat=len(letters))
        if len(set(combo)) > 1
    ]
    mixed.sort(key=lambda sizes: (sum(sizes.values()), max(sizes.values())))
    # unequal sizes past the small ones too ((D-1)(D-2)(D-3)(D-N) vanishes on the equal sizes and on every
    # mix of 1..3): the same far mixes the claim language's indexed sums take
    far = [dict(zip(letters, t, strict=True)) for t in far_mixed_sizes([sorted(values)] * len(letters))]
    far = [f for f in far if f not in mixed]
    return equal + far + mixed[: max(5, MAX_READINGS - len(equal) - len(far))]


def size_readings(step: Step) -> list[Reading] | str | None:
    """The step at several concrete sizes when its declarations have letter sizes (``x: vector D``,
    ``A \\in \\mathbb{R}^{m \\times n}``), or an identity ``I_D`` sizes an otherwise declared step:
    None when no letter size is involved, a reason (str) when the sizes cannot be swept.

    Each letter takes 1, 2, 3 and one size past the claim's largest integer (at most 6); equal
    letters are equal; a letter the formula uses as a number (``\\mathrm{tr}(I_D) = D``) takes the
    size's value, and ``I_D`` becomes the identity of that size."""
    texts = _sides(step)
    letters, shaped = _letters_of(step, texts)
    if not letters:
        letters = dict.fromkeys(sorted(_identity_letters(step, texts)))
        if not letters:
            return None
    if set(letters) & shaped:
        both = ", ".join(sorted(set(letters) & shaped))
        return f"{both} is both a size and a vector or matrix here; rename one to check the step"
    examples = _example_values(step, set(letters))
    why = _settled_elsewhere(step, set(letters), examples) or _letter_in_a_font(step, set(letters))
    if why is not None:
        return why
    fixed = _fixed_sizes(step, set(letters))
    if fixed.keys() == set(letters):
        # every size is given: the step at those sizes is the step itself, and a proof there is a proof
        return [Reading("", _at_sizes(step, fixed), tuple(fixed.items()), kind="")]
    said = {letter: _size_said(step, letter) for letter in letters if letter not in fixed}
    words = next((w for w in said.values() if w not in (None, "even", "odd")), None)
    if words is not None:
        return words
    values = _size_values(texts)
    values = tuple(sorted({*values, *examples.values()}))
    parity = {letter: w for letter, w in said.items() if w in ("even", "odd")}
    if parity:
        # "k is even": only the sizes the text allows (2, 4, 6, ... up past the far size), no counterexample at k = 3
        values = (*values, values[-1] + 1)
    combos = [{**c, **fixed} for c in _combinations([x for x in letters if x not in fixed], values)]
    if parity:
        combos = [c for c in combos if all((c[x] % 2 == 0) == (w == "even") for x, w in parity.items())]
    example = tuple(sorted(examples.items()))
    return [
        Reading(
            ", ".join(f"{k} = {v}" for k, v in sizes.items()),
            _at_sizes(step, sizes),
            tuple(sizes.items()),
            example=example,
        )
        for sizes in combos
    ]


def _at_sizes(step: Step, sizes: dict[str, int]) -> Step:
    """The step with each letter size replaced by its number (see `size_readings`)."""
    from derive.latex.ellipsis import expand_dotted_vectors  # noqa: PLC0415
    from derive.latex.names import latex_of_name, mentions  # noqa: PLC0415

    symbols: dict[str, str] = {}
    for name, kind in step.claim.symbols:
        try:
            parsed = parse_kind(kind)
        except DeriveError:
            symbols[name] = kind
            continue
        if parsed.size_letters - set(sizes):
            continue  # a name the step does not use (its sizes are not swept)
        symbols[name] = str(parsed.at(sizes)) if parsed.size_letters else kind

    def concrete(tex: str) -> str:
        for letter, n in sizes.items():
            tex = re.sub(_IDENTITY.format(re.escape(letter)), f"I_{{{n}}}", tex)
        return expand_dotted_vectors(tex, sizes)  # a_1 \\ \vdots \\ a_n: its n entries

    def side(value: object) -> object:
        tex = concrete(str(getattr(value, "text", value)))
        used = [letter for letter in sizes if mentions(tex, letter)]
        for letter in used:
            symbols.setdefault(letter, "positive integer")
        if used:
            at = ", ".join(f"{latex_of_name(letter)} = {sizes[letter]}" for letter in used)
            tex = f"\\left. {tex} \\right|_{{{at}}}"
        return replace(value, text=tex) if isinstance(value, LatexSource) else tex

    lhs, rhs = side(step.claim.lhs), side(step.claim.rhs)
    label = ",".join(f"{k}={v}" for k, v in sizes.items())
    claim = step.claim.evolve(id=f"{step.claim.id}[{label}]", lhs=lhs, rhs=rhs, symbols=tuple(sorted(symbols.items())))
    ranges = tuple((n, w) for n, w in step.ranges if n not in symbols)
    return replace(step, claim=claim, lhs_tex=concrete(step.lhs_tex), rhs_tex=concrete(step.rhs_tex), ranges=ranges)


# --- Running steps: one shared helper for every caller ----------------------------------------------------

_ACCEPTED = (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT)


def readings(step: Step, *, written_out: int = 0) -> list[Reading] | str:
    """The claims a step is checked as (`_readings`), each once per reading of a derivative by a vector or
    matrix the step can mean (layout, a symmetric matrix's entries: `derive.latex.matcal_readings`).
    ``written_out``: characters a sweep added to the sides (the n terms of a sum of samples), which the limit on
    the text whose undeclared names are shaped (`mixed_readings`) does not count: the author wrote the rest."""
    from derive.latex.matcal_readings import matrix_calculus_readings  # noqa: PLC0415 - it builds on this module

    return matrix_calculus_readings(step, _readings(step, written_out))


def _readings(step: Step, written_out: int = 0) -> list[Reading] | str:
    """The claims a step is checked as: itself, or one per size (`size_readings`); a reason when
    it cannot be checked (too many readings, a size the document fixes)."""
    step = _without_unused_letters(step)
    from derive.latex.structure_samples import sample_readings  # noqa: PLC0415 - it builds on this module

    sampled = sample_readings(step)  # y_i = [y_{i1} \\ \vdots \\ y_{ip}]: the samples written out at swept sizes
    if sampled is not None:
        return sampled
    from derive.latex.shapes_transposed import transposed_family_readings  # noqa: PLC0415 - it builds on this module

    sampled = transposed_family_readings(step)  # \mathbf{x}_i^T under \sum_{i=1}^n: a family of vectors by its marks
    if sampled is not None:
        return sampled
    marked = _mark_named(step)
    if marked is not None:
        return marked
    sized = size_readings(step)
    if isinstance(sized, list):
        mixed = mixed_readings(step, sized, written_out=written_out)
        sized = sized if mixed is None else mixed
    if sized is None:
        sized = shape_readings(step)
        if isinstance(sized, list):
            sized = at_far_size(step, at_size_one(step, sized))
        if sized is None or (isinstance(sized, str) and _TOO_MANY_SHAPES in sized):
            from derive.latex.shapes_family import family_readings  # noqa: PLC0415 - it builds on this module

            sized = family_readings(step) or sized
    if sized is None:
        sized = entry_readings(step)
    if sized is None:
        sized = commute_readings(step)
    if sized is None:
        return [Reading("", step, kind="")]
    return sized


#: A plain T or H raised (``x^T``, ``A^{H}``): a transpose mark, or a power of the quantity T.
_PLAIN_MARK = re.compile(r"\^\s*(?:\{\s*(?P<a>[TH])\s*\}|(?P<b>[TH])(?![A-Za-z]))")


def _mark_named(step: Step, *, strict: bool = False) -> str | None:
    """A step that raises to a plain T (or H) where the text makes T a quantity (declares it, gives it a range or a
    value, or names ``$T$`` in its prose): ``x^T x`` may be a transpose or the power x^{T+1}; a reason (undecided).
    A bold lower-case base (``\\mathbf{w}^T``) is a vector, which has no power: there the mark is a transpose."""
    marks = {m.group("a") or m.group("b") for t in (step.lhs_tex, step.rhs_tex) for m in _PLAIN_MARK.finditer(t)}
    prose = step.prose or ""
    for mark in sorted(marks):
        if not strict and all(_on_a_bold_vector(t, mark) for t in (step.lhs_tex, step.rhs_tex)):
            continue  # \mathbf{w}^T: a vector has no power, so the mark is a transpose whatever T is
        # listed as defined only where the prose writes the letter as a quantity, not only as the mark (a condition
        # \mathbf{w}^T\bm{\phi} = 0 lists T) or in a font (\mathbf{T}, a target matrix, raises nothing to a power)
        defined = mark in step.defined and (strict or _plain_letter(prose[-20000:], mark))
        named = mark in dict(step.claim.symbols) or mark in {n for n, _ in step.ranges} or defined
        named = named or any(m.group(1).strip() == mark for m in _INLINE.finditer(prose[-20000:]))
        if named:
            return (
                f"{mark} is a quantity in the text, so ^{mark} may be a power of it as well as a transpose; write "
                "^\\top for the transpose (or rename the quantity) to check the step"
            )
    return None


#: A bold lower-case name (``\mathbf{w}``, ``\bm{\phi}_n``, ``\boldsymbol{\mu}_{k}``) raised to a plain mark.
_BOLD_MARKED = (
    r"\\(?:mathbf|boldsymbol|bm|vec)\s*\{{\s*\\?[a-z][A-Za-z]*\s*\}}\s*(?:_\s*(?:\{{[^{{}}^]*\}}|\\?[A-Za-z0-9]+)\s*)?"
    r"\^\s*(?:\{{\s*{0}\s*\}}|{0}(?![A-Za-z]))"
)


def _on_a_bold_vector(tex: str, mark: str) -> bool:
    """Whether every plain ``^T`` of ``tex`` raises a bold lower-case name, a vector: no vector has a power T."""
    every = len(re.findall(_PLAIN_MARK.pattern.replace("TH", mark), tex))
    return every == len(re.findall(_BOLD_MARKED.format(mark), tex))


def _plain_letter(prose: str, mark: str) -> bool:
    """Whether the prose writes ``mark`` as a letter of its own: not as a raised mark (``^T``) and not in a font
    (``\\mathbf{T}``, ``\\text{T}``)."""
    text = re.sub(rf"\^\s*(?:\{{\s*{mark}\s*\}}|{mark}(?![A-Za-z]))", " ", prose)
    text = re.sub(rf"\\[A-Za-z]+\s*\{{\s*{mark}\s*\}}", " ", text)
    return re.search(rf"(?<![A-Za-z\\]){mark}(?![A-Za-z'])", text) is not None


def _without_unused_letters(step: Step) -> Step:
    """The step without the declarations of letter size (``A \\in \\mathbb{R}^{D \\times D}``) of names it does
    not use: no claim can hold a letter size, and a name the step does not use needs none."""
    from derive.latex.names import mentions  # noqa: PLC0415

    texts = _sides(step)
    unused = {
        name
        for name, kind in step.claim.symbols
        if _parses(kind) and parse_kind(kind).size_letters and not any(mentions(t, name) for t in texts)
    }
    if not unused:
        return step
    symbols = tuple((n, k) for n, k in step.claim.symbols if n not in unused)
    return replace(step, claim=step.claim.evolve(symbols=symbols))


def _fixed(step: Step, why: str) -> Result:
    ev = Evidence(Method.NONE, why, reason="shape")
    return Result(step.claim, Verdict.UNDECIDED, Method.NONE, 0.0, (Outcome(Verdict.UNDECIDED, ev),))


def _said(result: Result, prefix: str) -> Result:
    """``result`` as the step's own, with ``prefix`` before its last summary."""
    if not result.outcomes:
        return result
    last = result.outcomes[-1]
    note = replace(last.evidence, summary=f"{prefix}{last.evidence.summary}")
    return Result(
        result.claim,
        result.verdict,
        result.method,
        result.seconds,
        (*result.outcomes[:-1], Outcome(last.verdict, note)),
    )


def combine(step: Step, pairs: Sequence[tuple[Reading, Result]]) -> Result:
    """One result for a step checked under several readings (`_combine`), no refutation standing through a
    matrix the text calls symmetric, orthogonal, a covariance... that derive samples as a general one
    (`_structure_doubt`)."""
    from derive.latex.matcal_readings import combine_readings  # noqa: PLC0415 - it builds on this module

    structured = [(g, _structured_again(g, r)) for g, r in pairs]
    out = _dimension_doubt(step, _structure_doubt(step, combine_readings(step, structured, _combine)))
    return _unread_once_open(step, out) if out.verdict is Verdict.ERROR else out


def _unread_once_open(step: Step, result: Result) -> Result:
    """A step derive cannot read now that a letter it swept no size of is swept (a count, `_settled_elsewhere`) or a
    ^T it read as a possible power is read as a transpose (`_mark_named`): what left it open before still leaves
    it open (undecided, that reason first, then why it does not read), not an error."""
    if _mark_named(step, strict=True) is not None and _mark_named(step) is None:
        why = (
            "^T is read as a transpose here (of a bold vector, or T is only the mark in the text), and so the step "
            "does not read; declare the shapes of its names to check it: "
        )
        out = _said(result, why)
        return Result(step.claim, Verdict.UNDECIDED, out.method, result.seconds, out.outcomes)
    letters, _ = _letters_of(step, _sides(step))
    if not letters or _settled_elsewhere(step, set(letters), counted=False) is None:
        return result
    if _settled_elsewhere(step, set(letters), _example_values(step, set(letters))) is None:
        shown = f"size {next(iter(letters))} is" if len(letters) == 1 else f"sizes {', '.join(letters)} are"
        why = (
            f"the {shown} swept (the text says what it counts, or gives one value), and the step reads at no size "
            "checked; declare the shapes of its other names to check it: "
        )
        out = _said(result, why)
        return Result(step.claim, Verdict.UNDECIDED, out.method, result.seconds, out.outcomes)
    return result


def _dimension_doubt(step: Step, result: Result) -> Result:
    """A refuted step with an undeclared letter in a Gaussian normaliser (``(2\\pi)^{D/2} |\\Sigma|^{1/2}``): D is the
    dimension under the text's reading, which derive sampled as any real number: undecided, saying so."""
    from derive.latex.shapes_family import gaussian_dimension  # noqa: PLC0415 - it builds on this module

    if result.verdict is not Verdict.REFUTED:
        return result
    letter = gaussian_dimension(step, _sides(step))
    if letter is None:
        return result
    why = (
        f"{letter} in the Gaussian normaliser (2\\pi)^{{{letter}/2}} is the dimension of the vectors under the text's "
        f"reading, which derive sampled as a real number; declare it (`{letter}: positive integer`) or the shapes "
        "to check the step (where the step is refuted): "
    )
    out = _said(result, why)
    return Result(result.claim, Verdict.UNDECIDED, out.method, result.seconds, out.outcomes)


#: Words that say a matrix has a structure a general sample lacks (a counterexample may not have it).
_STRUCTURE = re.compile(
    r"symmetric|orthogonal|orthonormal|diagonal|triangular|covariance|precision|semi-?\s*definite|idempotent|"
    r"projection|unitary|hermitian|rotation|permutation|gram\b|correlation|stochastic|rank|skew|nilpotent|"
    r"unit\b|variances?\b|sparse|banded|toeplitz|circulant|hessian|jacobian|laplacian|adjacency|transition|"
    r"kernel|scatter|fisher|information|invertible|singular|eigen|identity|zero|ones\b|basis|one-?\s*hot|indicator",
    re.IGNORECASE,
)
_INLINE = re.compile(r"(?<![$\\])\$(?!\$)([^$]{1,80})\$")


def _math_about(math: str) -> str | None:
    """The name an inline formula of the prose is about: the name alone, or first before a range or a value
    (``P \\in \\mathbb{R}^{k \\times k}``, ``P = QQ^T``); None when that is no name."""
    head = re.split(r"\\in(?![A-Za-z])|[=,:<>]|\\(?:coloneqq|equiv|sim)(?![A-Za-z])", math, maxsplit=1)[0]
    try:
        return name_of(head.strip())
    except DeriveError:
        return None


def _structure_said(step: Step, name: str) -> str | None:
    """What the text says of a declared vector or matrix that a general sample may lack: the words of its
    declaration ("the $k \\times k$ covariance matrix"), or a sentence of the prose that names it in math
    with such a word ("$\\Sigma$ is symmetric")."""
    said = [m.group("where") for m in _SOURCE.finditer(step.claim.statement or "") if m.group("name") == name]
    said = [w for w in said if _STRUCTURE.search(w)]
    prose = (step.prose or "")[-20000:]
    for m in _INLINE.finditer(prose):
        if _math_about(m.group(1)) != name:
            continue
        start = max(prose.rfind(".", 0, m.start()), prose.rfind("\n\n", 0, m.start()), 0)
        ends = [e for e in (prose.find(". ", m.end()), prose.find("\n\n", m.end())) if e >= 0]
        sentence = " ".join(prose[start : min(ends, default=len(prose))].split()).lstrip(". ")
        if _STRUCTURE.search(sentence):
            said.append(sentence[:160])  # every sentence: "a covariance matrix with unit variances"
    return "; ".join(dict.fromkeys(said)) or None


#: Structures a symmetric positive definite sample lacks (orthogonal, diagonal...): no recheck draws them.
_OTHER_STRUCTURE = re.compile(
    r"orthogonal|orthonormal|diagonal|triangular|idempotent|projection|unitary|rotation|permutation|correlation|"
    r"stochastic|rank|skew|nilpotent|\bunit\b|\bvariances?\b|trace|determinant|eigen|entr(?:y|ies)|sparse|block|"
    r"banded|toeplitz|circulant|constant|known|fixed|given|singular|laplacian|adjacency|transition|with\b",
    re.IGNORECASE,
)
#: Structures a symmetric positive definite sample has: a counterexample drawn so is one of them.
_SPD_STRUCTURE = re.compile(r"symmetric|covariance|precision|semi-?\s*definite|gram\b", re.IGNORECASE)


def _structured_again(reading: Reading, result: Result) -> Result:
    """A reading refuted through a square matrix the text calls symmetric or a covariance (`_structure_said`),
    checked again with that matrix drawn symmetric positive definite: its counterexample, if it still fails,
    is a covariance; otherwise the reading's result stands, for `_structure_doubt` to leave undecided."""
    from derive.engine import check_claim  # noqa: PLC0415 - the engine runs claims; shapes only plans them

    if result.verdict is not Verdict.REFUTED:
        return result
    step = reading.step
    symbols = dict(step.claim.symbols)
    again = dict(symbols)
    for name, kind in symbols.items():
        m = re.fullmatch(r"matrix (\d+)x(\d+)", kind)
        said = _structure_said(step, name) if m and m.group(1) == m.group(2) else None
        if said is not None:
            if not _SPD_STRUCTURE.search(said) or _OTHER_STRUCTURE.search(said):
                return result
            again[name] = f"spd {kind}"
    if again == symbols:
        return result
    checked = check_claim(step.claim.evolve(symbols=tuple(sorted(again.items()))))
    if checked.verdict is not Verdict.REFUTED:
        return result
    drawn = ", ".join(n for n in again if again[n] != symbols[n])
    return _said(
        replace(checked, claim=result.claim), f"with {drawn} drawn symmetric positive definite, as the text says: "
    )


def _structure_doubt(step: Step, result: Result) -> Result:
    """A refuted step through a matrix the text says more of (`_structure_said`) than its kind states: undecided."""
    from derive.latex.names import mentions  # noqa: PLC0415

    if result.verdict is not Verdict.REFUTED or any(
        "drawn symmetric positive definite, as the text says" in o.evidence.summary for o in result.outcomes
    ):
        return result
    for name, kind in step.claim.symbols:
        if not _parses(kind) or not parse_kind(kind).is_matrix or kind.startswith("spd "):
            continue
        if not any(mentions(t, name) for t in (step.lhs_tex, step.rhs_tex, *_sides(step))):
            continue
        said = _structure_said(step, name)
        if said is not None and not _invertible_at_counterexample(result, name, said):
            why = (
                f"{name} is declared {kind}, but the text says more of it ({said}): derive samples a general "
                f"{kind.split()[0]}, which may lack that structure, so the counterexample may not be one "
                "(where the step is refuted): "
            )
            out = _said(result, why)
            return Result(result.claim, Verdict.UNDECIDED, out.method, result.seconds, out.outcomes)
    return result


#: The one structure a counterexample is checked for exactly: invertible means a nonzero determinant there.
_INVERTIBLE = re.compile(r"\b(?:invertible|non-?\s*singular)\b", re.IGNORECASE)


def _invertible_at_counterexample(result: Result, name: str, said: str) -> bool:
    """Whether all the text says of the matrix ``name`` is that it is invertible, and the counterexample's
    ``name`` is: then it is a counterexample of the step as the text states it (``(A^{-1} + B^{-1})^{-1} =
    (A + B)^{-1}`` for invertible A, B stays refuted)."""
    import sympy  # noqa: PLC0415 - only a refuted step through an invertible matrix needs it

    ce = result.evidence.counterexample
    if ce is None or not _INVERTIBLE.search(said) or _STRUCTURE.search(_INVERTIBLE.sub(" ", said)):
        return False
    entries: dict[tuple[int, int], str] = {}
    for key, value in ce.values:
        m = re.fullmatch(rf"{re.escape(name)}\[(\d+),\s*(\d+)\]", key)
        if m:
            entries[int(m.group(1)), int(m.group(2))] = value
    n = max((i for i, _ in entries), default=0)
    if n == 0 or set(entries) != {(i, j) for i in range(1, n + 1) for j in range(1, n + 1)}:
        return False  # not a square matrix written out entry by entry
    try:
        matrix = sympy.Matrix(n, n, lambda i, j: sympy.Rational(entries[i + 1, j + 1]))
    except (TypeError, ValueError, SyntaxError):
        return False
    return matrix.det() != 0


def _combine(step: Step, pairs: Sequence[tuple[Reading, Result]]) -> Result:
    """One result for a step checked under several readings (each result is `settle`-d first):

    - a reading where letters take unequal sizes and the step's products or sides do not conform
      (x^T y with x in R^n, y in R^N at n = 2, N = 3; X^{-1} of an N x D matrix) says the step holds
      only if those sizes are equal, which the text does not say: undecided, unless refuted elsewhere;
    - refuted at a size past 1: refuted, showing that size and its counterexample; refuted only at
      size 1, where vectors are numbers, undecided;
    - accepted in every reading: ``verified`` at best, naming the sizes checked (sizes not checked
      are the gap it leaves: no proof for every size); size 1 may stay unread (a norm of a number);
    - otherwise undecided (or the error, when no reading could be read), naming the reading."""
    from derive.latex.context import settle  # noqa: PLC0415 - context imports this module

    settled = [(reading, _shape_refuted(reading, settle(reading.step, result))) for reading, result in pairs]
    if len(settled) == 1 and not settled[0][0].label:
        only = settled[0][1]  # the step as written (maybe without unused declarations): keep its own claim
        return only if only.claim is step.claim else replace(only, claim=step.claim)
    if settled[0][0].kind == "shape":
        return _combine_shapes(step, settled)
    if settled[0][0].kind in ("mixed", "family"):
        return _combine_mixed(step, settled)
    if settled[0][0].kind == "commute":
        return _combine_commute(step, settled, [r for _, r in pairs[1:]])
    if settled[0][0].kind == "entries":
        return _combine_entries(step, settled)
    seconds = sum(r.seconds for _, r in settled)
    settled = [(g, _off_example(g, r)) for g, r in settled]
    unfit = [(g, r) for g, r in settled if g.unequal and _not_conformable(r)]
    refuted = [(g, r) for g, r in settled if r.verdict is Verdict.REFUTED and (g, r) not in unfit]
    refuted.sort(key=lambda pair: pair[0].size_one)  # a size past 1 first: there a vector is no number
    if refuted and refuted[0][0].size_one:
        # fails only where vectors are numbers and matrices 1x1 (notation such as x^2 reads there and
        # nowhere else): the text may mean the larger sizes, where it holds or derive cannot read it
        reading, result = refuted[0]
        others = "; ".join(f"{g.label}: {r.verdict.value}" for g, r in settled if not g.size_one) or "none"
        why = f"fails only at size 1 ({reading.label}; other sizes {others}); declare the sizes to settle: "
        out = _said(result, why)
        return Result(step.claim, Verdict.UNDECIDED, out.method, seconds, out.outcomes)
    if refuted:
        reading, result = refuted[0]
        out = _said(result, f"at {reading.label}: ")
        return Result(step.claim, out.verdict, out.method, seconds, out.outcomes)
    if unfit:
        reading, result = unfit[0]
        fit = "; ".join(g.label for g, r in settled if r.verdict in _ACCEPTED) or "no size"
        why = (
            f"the shapes do not fit at {reading.label} (holds at {fit}): the step holds only if those sizes are "
            "equal, which the text does not state; declare them equal (one letter) to check it: "
        )
        out = _said(result, why)
        return Result(step.claim, Verdict.UNDECIDED, out.method, seconds, out.outcomes)
    read = [(reading, result) for reading, result in settled if result.verdict is not Verdict.ERROR]
    # a 1x1 matrix reads as a scalar, and some notation (a norm) then cannot be read: size 1 is a gap
    # of its own when every other size holds; an error at any other size is the step's answer
    unread = [(g, r) for g, r in settled if r.verdict is Verdict.ERROR and not (read and g.size_one)]
    unread.sort(key=lambda pair: pair[0].size_one)  # an error past size 1 says more (1x1 reads as a number)
    for reading, result in [*unread, *((g, r) for g, r in read if r.verdict not in _ACCEPTED)]:
        out = _said(result, f"at {reading.label}: ")
        verdict = Verdict.ERROR if len(read) == 0 else Verdict.UNDECIDED
        return Result(step.claim, verdict, out.method, seconds, out.outcomes)
    verdict = Verdict.CONSISTENT if any(r.verdict is Verdict.CONSISTENT for _, r in read) else Verdict.VERIFIED
    how = sorted({r.verdict.value for _, r in read})
    labels = "; ".join(_shown(reading) for reading, _ in read)
    skipped = [reading.label for reading, r in settled if r.verdict is Verdict.ERROR]
    gap = f"; not checked at {'; '.join(skipped)} (not readable at that size)" if skipped else ""
    summary = (
        f"holds at every size checked ({labels}: {' or '.join(how)} at each){gap}; sizes not checked are the "
        "gap: not a proof for every size"
    )
    method = settled[-1][1].method
    outcomes = (*settled[-1][1].outcomes, Outcome(verdict, Evidence(method, summary, reason="sizes")))
    return Result(step.claim, verdict, method, seconds, outcomes)


#: What the parser and the symbolic tier say of shapes that do not fit together.
_NOT_CONFORMABLE = re.compile(r"cannot (?:multiply|add) a|NonSquareMatrixError|shapes differ|must be square")


def _off_example(reading: Reading, result: Result) -> Result:
    """A refutation at a size other than the one value the text gives the letter (``$k = 3$``, maybe only an
    example) is no counterexample under the reading where the letter is that value: undecided, saying so."""
    if result.verdict is not Verdict.REFUTED or not reading.off_example:
        return result
    given = ", ".join(f"{letter} = {value}" for letter, value in reading.example)
    out = _said(result, f"fails here, but the text gives {given} (an example, or the size throughout?): ")
    return Result(result.claim, Verdict.UNDECIDED, out.method, result.seconds, out.outcomes)


def _failed_here(reading: Reading, result: Result) -> bool:
    """Whether a reading checked here with numbers found the step false there (`derive.latex.shapes_far`)."""
    from derive.latex.shapes_far import FAILS  # noqa: PLC0415 - it builds on this module

    return reading.offline and result.evidence.reason == FAILS


def _shown(reading: Reading) -> str:
    """A reading's label in a summary, saying when it was checked with numbers (`derive.latex.shapes_far`)."""
    return f"{reading.label} (checked with numbers)" if reading.offline else reading.label


def _not_conformable(result: Result) -> bool:
    """Whether a reading's result says its shapes do not fit (an error, or sides of two shapes)."""
    if result.verdict in _ACCEPTED:
        return False
    return any(_NOT_CONFORMABLE.search(o.evidence.summary) for o in result.outcomes)


#: Names a step's text holds that are marks, operators or concrete identities, not quantities.
_MARKS = re.compile(r"T|H|top|intercal|tr|Tr|det|rank|diag|I_\d+")


#: ``\\nabla``: a gradient, which may stay an unknown application of unknown shape (`_shape_refuted`).
_NABLA = re.compile(r"\\nabla(?![A-Za-z])")


def _shape_refuted(reading: Reading, result: Result) -> Result:
    """At a concrete size where every name is declared, sides of different shapes (``x x^T`` is 2x2,
    ``x^T x`` a scalar) make the step false at that size: refuted, saying so. An undeclared name
    could be the matrix that makes the shapes agree, so then the result stands."""
    from derive.latex.names import names_in  # noqa: PLC0415

    if reading.kind != "size":
        return result  # shapes guessed for undeclared names ("mixed") are no certain shapes to refute with
    if any(TUPLE_MARK in used for used in reading.step.uses):
        return result  # x = (x_1, \ldots, x_n) read as a column: as a row, the shapes may fit
    if not reading.sizes or reading.unequal or reading.size_one or result.verdict is not Verdict.UNDECIDED:
        return result  # unequal sizes: the shapes say which sizes the text means (see `combine`)
    differ = next((o.evidence for o in result.outcomes if o.evidence.summary.startswith("shapes differ")), None)
    if differ is None:
        return result
    from derive.latex.matcal_readings import nabla_by_declared  # noqa: PLC0415 - it builds on this module

    declared = {name for name, _ in reading.step.claim.symbols}
    for tex in _sides(reading.step):
        if _NABLA.search(tex) and not nabla_by_declared(tex, declared):
            # a gradient by no declared vector stays an unknown function nabla(...) of unknown shape, which
            # the shape check took for a scalar; one by a declared vector is read, but the text cannot tell them apart
            return result
        found = names_in(tex)
        if found is None or found[1] or any(n not in declared and not _MARKS.fullmatch(n) for n in found[0]):
            return result
    ev = replace(differ, summary=f"{differ.summary}: the sides cannot be equal at this size", reason=None)
    return Result(result.claim, Verdict.REFUTED, differ.method, result.seconds, (Outcome(Verdict.REFUTED, ev),))


class StepRun:
    """What running a document's steps needs: ``claims`` to run (in the caller's pool, cache,
    executor), then `results` turns what they gave into one result per step, in order.

    Errors and definitions are answered without running; every other step runs as its
    `readings`, and `combine` reads their results in the document."""

    def __init__(self, steps: Sequence[Step], error: Callable[[Step], Result]) -> None:
        from derive.latex.context import definition_result  # noqa: PLC0415
        from derive.latex.shapes_far import planned  # noqa: PLC0415 - it builds on this module

        self.steps = list(steps)
        self.plans: list[Result | list[Reading]] = []
        self.claims: list[Claim] = []
        for step in self.steps:
            fixed = error(step) if step.error is not None else definition_result(step)
            if fixed is None:
                found = readings(step)
                fixed = _fixed(step, found) if isinstance(found, str) else None
            if fixed is not None:
                self.plans.append(fixed)
                continue
            # a far size is checked here with numbers first; the engine runs it only where that does not settle it
            found = [planned(r) for r in found]
            self.plans.append(found)
            self.claims += [r.step.claim for r in found if not r.offline]

    def results(self, ran: Sequence[Result]) -> list[Result]:
        """One result per step; when the run stopped early (``ran`` shorter than `claims`), the steps
        whose claims did not all run are left out (the caller reports the interruption)."""
        out: list[Result] = []
        at = 0
        for step, plan in zip(self.steps, self.plans, strict=True):
            if isinstance(plan, Result):
                out.append(plan)
                continue
            engine = [r for r in plan if not r.offline]
            got = list(ran[at : at + len(engine)])
            at += len(engine)
            if len(got) < len(engine):
                break
            results = iter(got)
            pairs = [(r, r.checked if r.offline and r.checked is not None else next(results)) for r in plan]
            out.append(combine(step, pairs))
        return out


# --- Shape readings of undeclared names: x^T y, \\|x\\|, X^T X with nothing declared ---------------------------

#: The shapes an undeclared name may take (sizes 2 and 3, square and not); a transposed name is no scalar.
_SHAPES = ("real", "vector 2", "vector 3", "matrix 2x2", "matrix 3x3", "matrix 2x3", "matrix 3x2")
_SHAPE_NAMES = 3  # undeclared names a step may have for its shapes to be enumerated
_SHAPE_TEXT = 600  # characters of a step's sides read here, in the reader's process
_SHAPE_SECONDS = 3.0  # reading the candidate shapes here stops after this long (no reading: as before)
_NORM = re.compile(r"\\\||\\[lr]?Vert(?![A-Za-z])")
#: What the reader says of a norm, or a dot, of names it read as numbers: bold or normed names are vectors by
#: their notation, so the step is read in their shapes (`shape_readings`), not refused.
_NORM_ERROR = re.compile(r"norm \\\|\.\.\.\\\| of what is not declared|\\cdot between bold names read as scalars")
_NO_SHAPE = frozenset({"e", "pi", "i"})


_BOLD_CAPITAL = re.compile(
    r"\\(?:mathbf|boldsymbol|bm|pmb)\s*\{\s*(?:([A-Z])|\\(Sigma|Lambda|Gamma|Phi|Psi|Omega|Theta|Delta|Xi))\s*\}"
)


def _shaped_candidates(step: Step, texts: list[str]) -> tuple[list[str], set[str]] | None:
    """The undeclared names of a step that transposes or takes the norm of undeclared names, and those
    transposed; None when the step does neither, or has names derive cannot list (entries x_i of a family)."""
    from derive.latex.names import names_in  # noqa: PLC0415

    if any(parse_kind(kind).is_matrix for _, kind in step.claim.symbols if _parses(kind)):
        return None  # shapes declared for some names: the others are read as written
    transposed: set[str] = set()
    for tex in texts:
        for names in transposed_names(tex) or []:
            transposed |= names
    # bold capitals (\mathbf{W}, \boldsymbol{\Sigma}) are matrices by convention, no scalars: two of them may
    # not commute, which their scalar reading assumes (one alone times vectors reads as before)
    declared = {n for n, _ in step.claim.symbols}
    bold = {m.group(1) or m.group(2) for tex in texts for m in _BOLD_CAPITAL.finditer(tex)} - declared
    # with another bold capital, bold I is the identity (A + I) or, named in the prose, a matrix of its own
    if len(bold) > 1 or (bold and _bold_vectors(texts) - declared):
        transposed |= bold  # a bold capital times a bold vector: the order matters (H v is no v H)
    operated = any(_MATRIX_OPERATOR.search(tex) for tex in texts)
    normed = not transposed and not operated and any(_NORM.search(tex) for tex in texts) and _norm_of_a_number(step)
    if not transposed and not normed and not operated:
        return None
    settled = {n for n, _ in step.claim.symbols} | {n for n, _ in step.claim.random} | set(step.functions)
    settled |= {used.split(":=", 1)[0].strip() for used in step.uses if ":=" in used}
    names: dict[str, None] = {}
    for tex in texts:
        found, marks = names_in(tex), name_marks(tex)
        if found is None or found[1] or marks is None:
            return None
        # T and H mark transposes, but a bold H (\mathbf{H}, a Hessian) is a name
        listed = (n for n in found[0] if n not in settled and (n in marks[0] or not _MARKS.fullmatch(n)))
        names.update(dict.fromkeys(sorted(listed)))
    names = {n: None for n in names if n not in _NO_SHAPE}
    if operated:
        # \det(A - \lambda I), \mathrm{tr}(ABC): the capitals of the step are matrices (`not_a_scalar`), I the identity
        ranged = {n for n, _ in step.ranges}  # the prose says what they are (`not_a_scalar`): read as before
        transposed |= {n for n in names if _capital(n) and n not in ranged}
        if "I" in names and any(_APPLIED_I.search(t) for t in texts):
            return None  # I(X; Y): a function, no identity
    if not names or (not (transposed & set(names)) and not normed):
        return None
    return list(names), transposed & set(names)


def _bold_vectors(texts: list[str]) -> set[str]:
    """The names the texts write in bold lower case (``\\mathbf{x}``, ``\\boldsymbol{\\mu}_k``): vectors."""
    out: set[str] = set()
    for tex in texts:
        marks = name_marks(tex)
        out |= {n for n in (marks[0] if marks else ()) if n.split("_", maxsplit=1)[0][:1].islower()}
    return out


#: I in inline math in the prose (``$\\mathbf{I}$ is``, ``$I = 4$``, ``$I \\in \\mathbb{N}$``): the text says what I is.
_I_NAMED = re.compile(
    r"(?<![$\\])\$(?!\$)[^$]{0,60}?(?:\\(?:mathbf|boldsymbol|bm|pmb)\s*(?:\{\s*I\s*\}|\s+I(?![A-Za-z]))"
    r"|\\I(?![A-Za-z])|(?<![A-Za-z\\{])I(?![A-Za-z_]))[^$]{0,60}\$"
)


def _i_is_identity(step: Step) -> bool:
    """Whether an undeclared I is the identity here: unless the text defines I (``I = 4``, a value or a kind), or
    the prose writes I in a sentence that does not call it the identity ("Here $\\mathbf{I}$ is the Fisher
    information matrix", "Let $I = 4$ denote the number of iterations"), or states a range for it."""
    if any(name == "I" and "identity" not in where.lower() for name, where in step.ranges):
        return False
    if "I" in step.defined or "I" in step.defined_after or "I" in dict(step.claim.symbols):
        return False
    if any(re.match(r"\s*I\s*(?::=|=|:|\\in\b)", used) for used in (*step.uses, *step.conditions)):
        return False
    prose = step.prose or ""
    for m in _I_NAMED.finditer(prose):
        start = max(prose.rfind(".", 0, m.start()), prose.rfind("\n\n", 0, m.start()), 0)
        ends = [e for e in (prose.find(". ", m.end()), prose.find("\n\n", m.end())) if e >= 0]
        sentence = prose[start : min(ends, default=len(prose))].lower()
        if "identity" not in sentence or re.search(r"\bnot\b|n't\b|\bno\b|\bnever\b", sentence):
            return False  # "the Fisher information, not the identity"
    return True


def _shape_options(
    names: list[str], transposed: set[str], texts: list[str], *, identity: bool = True
) -> list[list[str]] | None:
    """The shapes each undeclared name may take, from how the text writes it: a bold (or arrowed) lower-case
    name is a vector (``\\mathbf{y}``, ``\\boldsymbol{\\mu}``: no scalar, no matrix, in any reading); a bold
    capital or a transposed name is no scalar; a plain lower-case name written as a number, raised to one
    (``\\sigma^2``) or divided by (``\\frac{n}{2 s}``), and never in a norm is a scalar; any other name (``\\beta``
    of a regression, plain but a vector) may take every shape. None when the shapes combine in more ways
    than `_SHAPE_NAMES` names of every shape do, or the text cannot be read for these marks."""
    bold: set[str] = set()
    normed: set[str] = set()
    numbers: set[str] = set()
    for tex in texts:
        marks = name_marks(tex)
        if marks is None:
            return None
        bold |= marks[0]
        normed |= marks[1]
        numbers |= marks[2]
    options: list[list[str]] = []
    for n in names:
        lower = n.split("_")[0][:1].islower()
        if n == "I" and n in transposed and identity:
            options.append(["identity 2", "identity 3"])  # among matrices (`_shaped_candidates`)
        elif n in bold and lower:
            options.append([k for k in _SHAPES if k.startswith("vector")])
        elif n in bold or n in transposed:
            options.append([k for k in _SHAPES if k != "real"])
        elif lower and n in numbers and n not in normed:
            options.append(["real"])
        else:
            options.append(list(_SHAPES))
    if math.prod(len(o) for o in options) > len(_SHAPES) ** _SHAPE_NAMES:
        return None  # more combinations than 3 names of every shape give
    return options


#: What the prose says a matrix is: "a (square) matrix", "the data matrix"; "matrix" alone, not "matrices of".
_SAID_MATRIX = re.compile(r"\bmatri(?:x|ces)\b", re.IGNORECASE)
_SAID_SQUARE = re.compile(r"\bsquare\b|\bcovariance\b|\bprecision\b|\binvertible\b|\bsymmetric\b", re.IGNORECASE)


def _said_matrix(step: Step, name: str, options: list[str], bold: bool) -> list[str]:
    """The shapes of a name the prose calls a matrix (a range: "$A$ be a square matrix") or a bold capital are
    matrices only, square ones where the text says square, covariance, invertible or symmetric: a vector reading
    of such a name is no reading of the text (A^T A = tr(A^T A) holds for vectors only)."""
    said = " ".join(where for n, where in step.ranges if n == name)
    if not _SAID_MATRIX.search(said) and not bold:
        return options
    matrices = [o for o in options if o.startswith(("matrix", "spd matrix", "identity"))]
    if _SAID_SQUARE.search(said):
        shapes = [re.search(r"matrix\s+(\w+?)\s*x\s*(\w+)$", o) for o in matrices]
        matrices = [o for o, m in zip(matrices, shapes, strict=True) if m is None or m.group(1) == m.group(2)]
    return matrices or options


def _norm_of_a_number(step: Step) -> bool:
    """Whether the step, read as written, takes the norm of what is no vector (``\\|a\\|`` of an undeclared a);
    ``\\|`` in ``KL(p \\| q)`` is no norm, and a step that reads is read as written."""
    for side in (step.claim.lhs, step.claim.rhs):
        _, error = _read_side(step, side, dict(step.claim.symbols), 0, frobenius=False)
        if error is not None and _NORM_ERROR.search(error):
            return True
    return False


def _parses(kind: str) -> bool:
    try:
        parse_kind(kind)
    except DeriveError:
        return False
    return True


def _shape_of(value: object) -> tuple[int, int]:
    import sympy  # noqa: PLC0415

    if isinstance(value, (sympy.MatrixBase, sympy.MatrixExpr)):
        rows, cols = value.shape
        return (int(rows), int(cols)) if str(rows).isdigit() and str(cols).isdigit() else (-1, -1)
    return (1, 1)


#: What the reader says when shapes cannot fit (a product or sum that does not conform, an inverse or
#: determinant of a non-square matrix, a norm of a number): these shapes are no reading of the step.
#: Any other refusal (exp or log of a matrix, a norm that may be spectral or Frobenius) may be a reading
#: derive cannot check, so the step is then read as before.
_NO_FIT = re.compile(
    r"cannot (?:multiply|add|divide by) a|NonSquareMatrixError|must be square|a power of a non-square"
    r"|ShapeError|size mismatch|norm \\\|\.\.\.\\\| of what is not declared"
    # a law's parameters or its point of the wrong shape: N(x | mu, Sigma) with x of another size than mu
    r"|needs a point of size|does not fit covariance|takes a mean vector and a covariance|the density of .* at a vector"
    r"|needs a square|\|\.\.\.\| of a \d+x\d+ matrix"
)


def _consistent(step: Step, symbols: dict[str, str]) -> bool | None:
    """Whether the step reads with these shapes: products conform and both sides have one shape
    (scalars for an inequality); None when derive cannot tell (a side it cannot read for another
    reason): then no set of shape readings of the step is complete.

    Names get numbers for entries (`derive.language.symbols.SymbolTable.stand_in`); an inverse that does not
    exist at two sets of numbers is taken for a structurally singular one (X^T X of a wide X).
    A norm is read as the Frobenius norm here: every norm is a number, so the shapes are the same."""
    shapes: list[tuple[int, int]] = []
    unknown = False
    for side in (step.claim.lhs, step.claim.rhs):
        got = _side_shape(step, side, symbols, 0)
        if got == "singular":
            got = _side_shape(step, side, symbols, 1)
            got = False if got == "singular" else got
        if got is False:
            return False
        if got is None:
            unknown = True
            continue
        shapes.append(got)
    if unknown or (-1, -1) in shapes:
        return None  # a size derive does not know (I_n), or a side it cannot read: no complete set
    if step.relation is not Relation.EQ and step.relation is not Relation.APPROX:
        return shapes == [(1, 1), (1, 1)]
    return shapes[0] == shapes[1]


_NORM_PAIR = re.compile(r"\\\||\\[lr]?Vert(?![A-Za-z])")


def _frobenius(tex: str) -> str:
    """``tex`` with each norm without a subscript marked ``_F`` (every second norm bar closes one)."""
    out, at, closing = [], 0, False
    for m in _NORM_PAIR.finditer(tex):
        out.append(tex[at : m.end()])
        at = m.end()
        if closing and not tex[at:].lstrip().startswith("_"):
            out.append("_F")
        closing = not closing
    out.append(tex[at:])
    return "".join(out)


def _read_side(
    step: Step, side: object, symbols: dict[str, str], seed: int, *, frobenius: bool = True
) -> tuple[object, str | None]:
    """One side read with numbers for the names of matrix kinds: (value, None) or (None, what went wrong)."""
    from derive.language.symbols import SymbolTable  # noqa: PLC0415
    from derive.latex.parser import parse_latex  # noqa: PLC0415

    try:
        table = SymbolTable({n: k for n, k in symbols.items() if not parse_kind(k).is_matrix})
        for n, k in symbols.items():
            if parse_kind(k).is_matrix:
                table.stand_in(n, parse_kind(k), seed)  # numbers: only the shapes matter here
        text = str(getattr(side, "text", side))
        value = parse_latex(
            _frobenius(text) if frobenius else text,
            table,
            random=dict(step.claim.random),
            densities=dict(getattr(side, "densities", ())),
            bound=frozenset(getattr(side, "bound", ())),
        )
    except Exception as exc:  # sympy's ShapeError, NonSquareMatrixError, the reader's LatexError...
        return None, f"{type(exc).__name__}: {exc}"
    return value, None


def _side_shape(step: Step, side: object, symbols: dict[str, str], seed: int) -> tuple[int, int] | bool | str | None:
    """The shape of one side with numbers for the shaped names; False when the shapes cannot fit,
    "singular" for an inverse that does not exist at these numbers, None when derive cannot read it."""
    value, error = _read_side(step, side, symbols, seed)
    if error is not None:
        if "NonInvertible" in error:
            return "singular"
        return False if _NO_FIT.search(error) else None
    return _shape_of(value)


def shape_readings(step: Step) -> list[Reading] | str | None:
    """The step under each shape its undeclared names may have (`_SHAPES`: scalar, vectors and square or
    rectangular matrices of sizes 2 and 3; a transposed name is no scalar), keeping those where the
    step reads: products conform and both sides have one shape. None when the step transposes or
    norms no undeclared name, has more than 3 undeclared names, or no shape makes it read (then it
    is read as before); a reason when more than `MAX_SHAPE_READINGS` shapes make it read."""
    import time  # noqa: PLC0415

    texts = _sides(step)
    if sum(len(t) for t in texts) > _SHAPE_TEXT:
        return None
    found = _shaped_candidates(step, texts)
    if found is None:
        return None
    names, transposed = found
    options = _shape_options(names, transposed, texts, identity=_i_is_identity(step))
    if options is None:
        return None
    from derive.latex.shapes_family import structured  # noqa: PLC0415 - it builds on this module

    # a bold capital keeps its vector shapes here (X of a regression may be read as a column), only the prose's own
    # "matrix" drops them
    options = [structured(step, n, _said_matrix(step, n, o, False)) for n, o in zip(names, options, strict=True)]
    start = time.monotonic()
    kept: list[dict[str, str]] = []
    for combo in itertools.product(*options):
        if time.monotonic() - start > _SHAPE_SECONDS:
            return None
        if all(k == "real" for k in combo):
            continue  # every name a scalar is the reading derive already has
        # a scalar stays undeclared, as derive reads it anyway: declared real, g(x) would be g times x,
        # and the checks of notation `settle` makes for undeclared names (g a function?) would not apply
        assigned = _assigned(step, names, combo)  # an identity "identity 2" is written I_{2}
        fits = _consistent(assigned, dict(assigned.claim.symbols))
        if fits is None:
            return None  # a reading derive cannot read: the readings it can read are not all of them
        if fits:
            kept.append(dict(zip(names, combo, strict=True)))
    if not kept:
        if any(transposed_names(t) for t in texts) or not any(_capital(n) for n in transposed):
            return None  # read as before (transposed names: undecided there, `scalar_reading`)
        return (
            f"{', '.join(names)} {'is' if len(names) == 1 else 'are'} not declared, and no shape their marks allow "
            "(bold capitals: matrices, bold lower-case: vectors, of sizes 2 and 3) makes the step read: it reads only "
            "with them as numbers; declare their shapes to check it"
        )
    vectors_only = _bold_capitals_as_vectors(texts, names, kept)
    if vectors_only:
        shown = " | ".join(", ".join(f"{n}: {'scalar' if k == 'real' else k}" for n, k in c.items()) for c in kept)
        return (
            f"{', '.join(vectors_only)} {'is a bold capital' if len(vectors_only) == 1 else 'are bold capitals'}, a "
            f"matrix by convention, but the step reads only with {'it' if len(vectors_only) == 1 else 'them'} a "
            f"vector ({shown}): as a matrix the sides do not have one shape, so the step does not hold for one; "
            f"declare the shape (e.g. `{vectors_only[0]}: vector 3`) to check it"
        )
    if len(kept) > MAX_SHAPE_READINGS:
        listed = ", ".join(names)
        return (
            f"{listed} {'is' if len(names) == 1 else 'are'} not declared, and {len(kept)} shapes (scalars, vectors, "
            f"matrices) make the step read, more than derive checks; declare {'its' if len(names) == 1 else 'their'} "
            f"shapes (e.g. `{names[0]}: vector 3`) to check it"
        )
    return [_shape_reading(step, shapes) for shapes in kept]


def _bold_capitals_as_vectors(texts: list[str], names: list[str], kept: list[dict[str, str]]) -> list[str]:
    """The bold capitals (``\\mathbf{A}``) no reading kept gives a matrix shape: a matrix by convention, a vector in
    some texts, so the step must hold in both readings, and it does not read as a matrix."""
    bold: set[str] = set()
    for tex in texts:
        marks = name_marks(tex)
        bold |= marks[0] if marks else set()
    capitals = [n for n in names if n in bold and _capital(n) and n != "I"]
    return [n for n in capitals if not any(c[n].startswith(("matrix", "spd matrix")) for c in kept)]


def _shape_reading(
    step: Step, shapes: dict[str, str], sizes: tuple[tuple[str, int], ...] = (), *, norms: bool = True
) -> Reading:
    label = ", ".join(f"{n}: {'scalar' if k == 'real' else k}" for n, k in shapes.items())
    assigned = _assigned(step, list(shapes), tuple(shapes.values()))
    if sizes and norms:
        assigned = _norms_at_size_one(assigned)
    claim = assigned.claim.evolve(id=f"{step.claim.id}[{label}]")
    return Reading(label, replace(assigned, claim=claim), sizes, kind="shape")


def at_size_one(step: Step, shaped: list[Reading]) -> list[Reading]:
    """The shape readings (`shape_readings`) at size 1 too, once per family of sizes: a vector is one number there,
    and a step may fail there only (det(x x^T) = 0 holds at sizes 2 and 3, not at 1)."""
    ones: list[dict[str, str]] = []
    for reading in shaped:
        shapes = {}
        for part in reading.label.split(", "):
            name, _, kind = part.partition(": ")
            shapes[name] = _size_one("real" if kind == "scalar" else kind)
        if shapes not in ones and any(k != "real" for k in shapes.values()):
            ones.append(shapes)
    return [*shaped, *(_shape_reading(step, shapes, (("size", 1),)) for shapes in ones)]


def at_far_size(step: Step, shaped: list[Reading]) -> list[Reading]:
    r"""The shape readings at every size from 4 to one past the far size too (`derive.latex.shapes_far`), once per
    family of shapes, every dimension that size: a step may hold at sizes 1, 2, 3 only
    (``(\mathrm{tr}(I) - 1)(\mathrm{tr}(I) - 2)(\mathrm{tr}(I) - 3) = 0``)."""
    from derive.latex.shapes_far import far_kind, far_sizes  # noqa: PLC0415 - it builds on this module

    out = list(shaped)
    for size in far_sizes(_sides(step)):  # every size past 3 up to one past the far size
        fars: list[dict[str, str]] = []
        for reading in shaped:
            if reading.sizes:
                continue  # the readings at size 1
            shapes = {}
            for part in reading.label.split(", "):
                name, _, kind = part.partition(": ")
                shapes[name] = far_kind("real" if kind == "scalar" else kind, size)
            if shapes not in fars and any(k != "real" for k in shapes.values()):
                fars.append(shapes)
        out += [_shape_reading(step, shapes, (("size", size),), norms=False) for shapes in fars]
    return out


#: A norm's bar and the subscript of a closing one (\|x\|_2, \rVert_F): at size 1 every norm is |x|.
_NORM_BAR = re.compile(r"(?:\\\||\\[lr]?Vert(?![A-Za-z]))(?:\s*_\s*(?:\{[^{}]*\}|\\infty|[0-9A-Za-z]))?")


def _norms_at_size_one(step: Step) -> Step:
    """At size 1 a vector is one number, which derive reads as a scalar, and every norm of it (any p, Frobenius,
    spectral) its absolute value: the step with ``|...|`` for its norms, when they are norms that derive cannot
    read there (``KL(p \\| q)`` reads and stays)."""
    sides = (step.claim.lhs, step.claim.rhs)
    symbols = dict(step.claim.symbols)
    if not any(_NORM_ERROR.search(_read_side(step, side, symbols, 0, frobenius=False)[1] or "") for side in sides):
        return step

    def bars(tex: str) -> str:
        return _NORM_BAR.sub("|", tex)

    def side(value: object) -> object:
        return replace(value, text=bars(value.text)) if isinstance(value, LatexSource) else bars(str(value))

    claim = step.claim.evolve(lhs=side(step.claim.lhs), rhs=side(step.claim.rhs))
    return replace(step, claim=claim, lhs_tex=bars(step.lhs_tex), rhs_tex=bars(step.rhs_tex))


def _size_one(kind: str) -> str:
    """``kind`` at size 1: ``vector 1``, ``matrix 1x1`` (``spd`` kept), ``identity 1``; a scalar stays one."""
    if kind.startswith("identity "):
        return "identity 1"
    if kind.startswith("vector "):
        return "vector 1"
    return re.sub(r"matrix \d+x\d+$", "matrix 1x1", kind)


def _combine_shapes(step: Step, settled: list[tuple[Reading, Result]]) -> Result:
    """Accepted in every shape reading is ``verified`` (each reading is one size: no proof); anything else
    is undecided, naming what each reading gave. A refutation in every reading stays undecided too: the
    names are undeclared, and a text that leaves a matrix undeclared usually defines it in words (W with
    orthonormal columns, D_0 a covariance), which no shape guessed here knows."""
    seconds = sum(r.seconds for _, r in settled)
    labels = " | ".join(_shown(g) for g, _ in settled if not g.size_one)
    ones = " | ".join(g.label for g, _ in settled if g.size_one)
    last = settled[-1][1]
    if all(r.verdict in _ACCEPTED for _, r in settled):
        verdict = Verdict.CONSISTENT if any(r.verdict is Verdict.CONSISTENT for _, r in settled) else Verdict.VERIFIED
        how = " or ".join(sorted({r.verdict.value for _, r in settled}))
        also = f", and at size 1 ({ones})" if ones else ""
        summary = (
            f"holds in every shape the undeclared names may have here ({labels}: {how} in each){also}; other sizes "
            "are the gap: not a proof"
        )
        outcomes = (*last.outcomes, Outcome(verdict, Evidence(last.method, summary, reason="shapes")))
        return Result(step.claim, verdict, last.method, seconds, outcomes)
    gave = "; ".join(f"{r.verdict.value} with {g.label}" for g, r in settled)
    refuted = next(((g, r) for g, r in settled if r.verdict is Verdict.REFUTED), None)
    reading, result = refuted or next((g, r) for g, r in settled if r.verdict not in _ACCEPTED)
    # what the engine found at sizes 2 and 3 says it (a far size checked here draws its scalars positive)
    if all(r.verdict is Verdict.REFUTED or _failed_here(g, r) for g, r in settled if not g.size_one and not g.offline):
        why = (
            f"fails in every shape the undeclared names may have ({labels}), but they are not declared: the text may "
            "define them in words (orthonormal, a covariance); declare them (front matter or --symbols) to check "
            f"the step; with {reading.label}: "
        )
    else:
        why = (
            f"the undeclared names may have several shapes and the step depends on them ({gave}); declare their "
            f"shapes (front matter or --symbols) to settle; with {reading.label}: "
        )
    operated = sorted({n for g, _ in settled for n in re.findall(r"(\w+): ", g.label) if _capital(n)})
    if operated and any(_MATRIX_OPERATOR.search(t) for t in _sides(step)):
        # the names \det or \mathrm{tr} makes matrices: what derive said of them before it checked their shapes
        why = f"{', '.join(operated)} under a matrix operator is not declared; {why}"
    out = _said(result, why)
    return Result(step.claim, Verdict.UNDECIDED, out.method, seconds, out.outcomes)


# --- Undeclared names next to declared ones of letter size: w in R^n declared, \mathbf{H}, \mathbf{g} not ---

#: Letters a free size of undeclared names may take (an inner size no declaration gives: A n x k times B k x n).
_FREE_LETTERS = ("k", "q", "r", "s", "p", "K")
_MIXED_COMBOS = 400  # shape families tried; past it the step is read as before
_MIXED_SECONDS = 4.0  # trying them stops after this long (then read as before)
MAX_MIXED_READINGS = 27  # three families of two letters, each at 9 sizes (the far one among them)
#: The identity written as a name: \mathbf{I}, \boldsymbol{I}, \bm{I} or a bare I (not I_3, not I(X; Y)).
_IDENTITY_NAME = re.compile(
    r"\\(?:mathbf|boldsymbol|bm|pmb)\s*(?:\{\s*I\s*\}|\s+I(?![A-Za-z]))|(?<![A-Za-z\\{])I(?![A-Za-z_])"
)
_APPLIED_I = re.compile(r"(?:\\(?:mathbf|boldsymbol|bm|pmb)\s*\{\s*I\s*\}|(?<![A-Za-z\\{])I)\s*(?:\\left\s*)?\(")


def _marked_names(
    texts: list[str] | tuple[str, ...], settled: set[str]
) -> tuple[dict[str, None], set[str], set[str], set[str], set[str]] | None:
    """The undeclared names of ``texts`` (first seen first, none of ``settled`` or `_NO_SHAPE`), with the names
    transposed alone, those transposed together in a group, the bold ones and those written as numbers; None
    when derive cannot list them (a name it cannot read, entries of a family)."""
    from derive.latex.names import names_in  # noqa: PLC0415

    names: dict[str, None] = {}
    alone: set[str] = set()
    together: set[str] = set()
    bold: set[str] = set()
    numbers: set[str] = set()
    for tex in texts:
        found, marks, groups = names_in(tex), name_marks(tex), transposed_names(tex)
        if found is None or found[1] or marks is None or groups is None:
            return None
        # T and H mark transposes, but a bold H (\mathbf{H}, a Hessian) is a name
        listed = (n for n in found[0] if n not in settled and (n in marks[0] or not _MARKS.fullmatch(n)))
        names.update(dict.fromkeys(sorted(listed)))
        bold |= marks[0]
        numbers |= marks[2] - marks[1]
        for group in groups:
            (alone if len(group) == 1 else together).update(group)
    return {n: None for n in names if n not in _NO_SHAPE}, alone, together, bold, numbers


def _mixed_options(step: Step, texts: list[str], dims: list[str]) -> tuple[list[str], list[list[str]]] | None:
    """The undeclared names of a step that also uses declared vectors or matrices, and the shapes each may
    take with sizes among ``dims`` (letters), when the step transposes an undeclared name or writes one in
    bold; None otherwise.

    From how the text writes a name: ``I`` (bold or not) is the identity; a bold lower-case name is a vector,
    a bold capital a matrix; a plain lower-case name that is a number (``\\sigma^2``) or stands next to bold
    vectors is a scalar; a name transposed alone (``a^T``) is a vector or a matrix; any other name may be a
    scalar too. Every size is a letter, swept from 1 up: a vector of size 1 is a point of the sweep, not a
    family of its own (a bold H that reads only as a number is no reading of a matrix)."""

    shaped = {n for n, k in step.claim.symbols if _parses(k) and parse_kind(k).is_matrix}
    if not shaped:
        return None  # nothing declared: `shape_readings` enumerates every name's shape
    settled = {n for n, _ in step.claim.symbols} | {n for n, _ in step.claim.random} | set(step.functions)
    settled |= {used.split(":=", 1)[0].strip() for used in step.uses if ":=" in used}
    from derive.latex.shapes_said import stated_symmetric_only  # noqa: PLC0415 - it builds on this module

    settled |= {n for n in step.defined if not stated_symmetric_only(step, n)} | set(step.defined_after)
    settled |= {f"{n}_0" for n in shaped}  # \mathbf{w}_0 next to a declared w has w's kind (the reader)
    marked_names = _marked_names(texts, settled)
    if marked_names is None:
        return None  # names derive cannot list, or entries of a family: read as before
    names, alone, together, bold, numbers = marked_names
    if not names or len(names) > _SHAPE_NAMES or not (set(names) & (bold | alone | together)):
        return None  # no undeclared name the text marks as a vector or matrix: read as before
    if "I" in names and any(_APPLIED_I.search(t) for t in texts):
        return None  # I(X; Y), I(\theta): a function, no identity
    vectors = [f"vector {d}" for d in dims]
    matrices = [f"matrix {r} x {c}" for r in dims for c in dims]
    marked = any(n.split("_")[0][:1].islower() for n in bold)  # the text writes its vectors in bold
    options: list[list[str]] = []
    for n in names:
        lower = n.split("_")[0][:1].islower()
        if n == "I" and _i_is_identity(step):
            options.append([f"identity {d}" for d in dims])
        elif n in bold:
            options.append(vectors if lower else matrices)
        elif lower and (n in numbers or marked) and n not in alone:
            options.append(["real"])
        elif n in alone:
            options.append(vectors + matrices)
        else:
            options.append(["real", *vectors, *matrices])
    return list(names), options


def _with_identity(step: Step, size: str) -> Step:
    """The step with its identity written ``I_{size}``, which the reader reads as the identity of that size."""

    def sub(tex: str) -> str:
        return _IDENTITY_NAME.sub(f"I_{{{size}}}", tex)

    def side(value: object) -> object:
        return replace(value, text=sub(value.text)) if isinstance(value, LatexSource) else sub(str(value))

    claim = step.claim.evolve(lhs=side(step.claim.lhs), rhs=side(step.claim.rhs))
    return replace(step, claim=claim, lhs_tex=sub(step.lhs_tex), rhs_tex=sub(step.rhs_tex))


def _assigned(step: Step, names: list[str], combo: tuple[str, ...]) -> Step:
    """The step with these shapes declared for its undeclared names (a scalar stays undeclared, as derive reads it)."""
    shapes = dict(zip(names, combo, strict=True))
    if shapes.get("I", "").startswith("identity "):
        step = _with_identity(step, shapes.pop("I").split()[1])
        step = replace(step, ranges=tuple((n, w) for n, w in step.ranges if n != "I"))  # "the identity matrix"
    given = {n: k for n, k in shapes.items() if k != "real"}
    symbols = tuple(sorted({**dict(step.claim.symbols), **given}.items()))
    ranges = tuple((n, w) for n, w in step.ranges if n not in given)  # "Q is a matrix": the shape given here
    return replace(step, claim=step.claim.evolve(symbols=symbols), ranges=ranges)


def mixed_readings(step: Step, sized: list[Reading], *, written_out: int = 0) -> list[Reading] | str | None:
    """A step with letter sizes (``\\mathbf{w} \\in \\mathbb{R}^n``) that transposes or writes in bold names it
    does not declare: each shape family those names may have (`_mixed_options`: each size a letter of the
    step or one free letter) that makes the step read at distinct sizes of its letters (2, 3, 4 or 4, 3, 2), swept over
    sizes as declared ones are (`size_readings`). A family that reads only at some sizes (a 2x2 matrix next
    to a vector of size 1) is no reading of a text written for every size.

    None when no name needs a shape or derive cannot tell whether a family reads (then the step is read as
    before); a reason when no family reads or the families are too many: the step read with those names as
    numbers would say nothing of the vectors and matrices the text writes. ``written_out``: see `readings`."""

    from derive.latex.names import mentions  # noqa: PLC0415

    texts = _sides(step)
    if sum(len(t) for t in texts) > _SHAPE_TEXT + written_out or any(not r.sizes or r.kind != "size" for r in sized):
        return None
    letters = list(dict.fromkeys(letter for r in sized for letter, _ in r.sizes))
    declared = {n for n, _ in step.claim.symbols}
    free = next(
        (c for c in _FREE_LETTERS if c not in letters and c not in declared and not any(mentions(t, c) for t in texts)),
        None,
    )
    found = _mixed_options(step, texts, [*letters, free]) if free is not None else None
    if found is None:
        return None
    names, options = found
    # a matrix the text states symmetric or positive definite is drawn so (`derive.latex.shapes_said`)
    from derive.latex.shapes_said import structured_options  # noqa: PLC0415 - it builds on this module

    said = [structured_options(step, n, o) for n, o in zip(names, options, strict=True)]
    options = [o for o, _ in said]
    notes = [note for _, note in said if note is not None]
    listed = ", ".join(names)
    too_many = (
        f"{listed} {'is' if len(names) == 1 else 'are'} not declared, and the shapes they may have next to the "
        f"declared vectors and matrices are more than derive checks; declare them (e.g. `{names[0]}: matrix "
        f"{letters[0]} x {letters[0]}`) to check the step"
    )
    if math.prod(len(o) for o in options) > _MIXED_COMBOS:
        return too_many
    families = read_families(step, names, options, [*letters, free])
    if families is None or isinstance(families, str):
        return too_many if families == "" else families
    if not families:
        return (
            f"{listed} {'is' if len(names) == 1 else 'are'} not declared, and no shape the text's marks allow (bold: "
            f"a vector or matrix of the step's sizes, {', '.join(letters)} or another) makes the step read at every "
            "size: it reads only with them as numbers; declare their shapes to check it"
        )
    swept = swept_families(families, too_many)
    if notes and isinstance(swept, list):
        # the label names what the text says: "H: spd matrix n x n (H drawn symmetric positive definite: ...)"
        said_here = "; ".join(notes)
        swept = [replace(r, label=r.label.replace("; ", f" ({said_here}); ", 1)) for r in swept]
    return swept


def read_families(
    step: Step,
    names: list[str],
    options: list[list[str]],
    order: list[str],
    *,
    keep: Callable[[tuple[str, ...]], bool] | None = None,
) -> list[tuple[str, Step]] | str | None:
    """The shape families (one option per name, sizes letters of ``order``) that make the step read at distinct
    sizes of the letters (2, 3, ... and the reverse: X^T X of an n x k X is invertible only where k <= n), with
    their labels. None when derive cannot tell whether some family reads (then no set of families is complete);
    "" when trying them takes too long; ``keep`` skips combinations (one of two that only swap letters)."""
    import time  # noqa: PLC0415

    generics = [{x: 2 + i for i, x in enumerate(order)}, {x: 1 + len(order) - i for i, x in enumerate(order)}]
    start = time.monotonic()
    families: list[tuple[str, Step]] = []
    for combo in itertools.product(*options):
        if keep is not None and not keep(combo):
            continue
        if time.monotonic() - start > _MIXED_SECONDS:
            return ""
        family = _assigned(step, names, combo)
        fits: bool | None = False
        for generic in generics:  # the second only where the first does not read (a wide X^T X)
            at = _at_sizes(family, generic)
            fits = _consistent(at, dict(at.claim.symbols))
            if fits is not False:
                break
        if fits is None:
            return None  # a reading derive cannot read: the readings it can read are not all of them
        if fits:
            families.append((", ".join(f"{n}: {k}" for n, k in zip(names, combo, strict=True)), family))
    return families


def swept_families(families: list[tuple[str, Step]], too_many: str) -> list[Reading] | str | None:
    """Each family at the sizes `size_readings` sweeps, as "mixed" readings (`_combine_mixed`); ``too_many`` when
    they are more than `MAX_MIXED_READINGS`, None when a family's sizes cannot be swept as letter sizes."""
    out: list[Reading] = []
    for label, family in families:
        swept = size_readings(family)
        if isinstance(swept, str):
            return swept
        if swept is None or any(r.kind != "size" for r in swept):
            return None
        # at size 1 a vector reads as a number, and its norm as its absolute value
        out += [
            Reading(f"{label}; {r.label}", _norms_at_size_one(r.step) if r.size_one else r.step, r.sizes, "mixed")
            for r in swept
        ]
        if len(out) > MAX_MIXED_READINGS:
            return too_many
    return out


def _combine_mixed(step: Step, settled: list[tuple[Reading, Result]]) -> Result:
    """Accepted in every shape family of the undeclared names at every size is ``verified`` (sampled sizes,
    no proof); anything else is undecided, naming the reading: the shapes of undeclared names are guessed,
    so no failure in them refutes what the text means (it may say "orthogonal" or "symmetric" in words)."""
    seconds = sum(r.seconds for _, r in settled)
    last = settled[-1][1]
    families = list(dict.fromkeys(g.label.split("; ", 1)[0] for g, _ in settled))
    sizes = "; ".join(dict.fromkeys(_shown(g).split("; ", 1)[1] for g, _ in settled))
    shown = " | ".join(families)
    if all(r.verdict in _ACCEPTED for _, r in settled):
        verdict = Verdict.CONSISTENT if any(r.verdict is Verdict.CONSISTENT for _, r in settled) else Verdict.VERIFIED
        how = " or ".join(sorted({r.verdict.value for _, r in settled}))
        beside = " next to the declared ones" if settled[0][0].kind == "mixed" else ""
        summary = (
            f"holds in every shape the undeclared names may have{beside} ({shown}) at every "
            f"size checked ({sizes}: {how} at each); other sizes are the gap: not a proof"
        )
        outcomes = (*last.outcomes, Outcome(verdict, Evidence(last.method, summary, reason="shapes")))
        return Result(step.claim, verdict, last.method, seconds, outcomes)
    failed = sorted(
        ((g, r) for g, r in settled if r.verdict not in _ACCEPTED),
        key=lambda pair: (pair[1].verdict is not Verdict.REFUTED, pair[0].size_one),  # a counterexample past size 1
    )
    reading, result = failed[0]
    gave = ", ".join(sorted({r.verdict.value for _, r in settled}))
    why = (
        f"the undeclared names may have several shapes ({shown}; {gave} across the sizes {sizes}) and they are "
        "not declared (the text may say orthogonal or symmetric in words), so derive does not decide; declare "
        f"their shapes (front matter or --symbols) to settle; with {reading.label}: "
    )
    out = _said(result, why)
    return Result(step.claim, Verdict.UNDECIDED, out.method, seconds, out.outcomes)


# --- Undeclared capitals that may be matrices: (A + B)^2 = A^2 + 2AB + B^2 holds for numbers only -------------

#: A capital the text uses as a number: a bound or an index (``\\sum_{n=1}^N``, ``x_N``), a denominator.
_COUNT_USE = (
    r"[_^]\s*(?:\{{[^{{}}]*(?<![A-Za-z\\]){0}(?![A-Za-z])[^{{}}]*\}}|{0}(?![A-Za-z]))"
    r"|\\frac\s*\{{[^{{}}]*\}}\s*\{{\s*{0}\s*\}}"
)


#: Capitals as events, sets or random variables: probabilities, conditioning, set operations, laws.
_EVENTS = re.compile(
    r"(?<![A-Za-z\\])P\s*(?:\\left\s*)?\(|\\Pr\b|\\mathbb\s*\{?\s*[PE]|\\(?:cap|cup|mid|setminus|subset|subseteq|in|sim|"
    r"notin|emptyset|complement|bar|overline)(?![A-Za-z])|\||\^\s*\{?\s*c\b|\\vert"
)


def commute_readings(step: Step) -> list[Reading] | None:
    """A step with two or more undeclared plain capitals (``A``, ``B``) and nothing declared as a vector or matrix:
    the step as written (capitals as numbers) and with the capitals square matrices of every size from 2 to one past
    the far size (`derive.latex.shapes_far.far_sizes`; past 3 checked with numbers first), where that reads at 2x2.
    A step that holds for numbers only because they commute is then no identity of the matrices the capitals may be
    (`_combine_commute`), nor one that holds for 2x2 matrices only (Hall's ``(AB - BA)^2 C = C (AB - BA)^2``). None
    when the capitals are fewer, used as counts (bounds, indices, denominators), or the matrix reading does not
    read."""
    from derive.latex.names import names_in  # noqa: PLC0415
    from derive.latex.shapes_far import far_sizes  # noqa: PLC0415 - it builds on this module

    if any(_parses(k) and parse_kind(k).is_matrix for _, k in step.claim.symbols):
        return None
    texts = _sides(step)
    if sum(len(t) for t in texts) > _SHAPE_TEXT or any(_EVENTS.search(t) for t in (*texts, step.lhs_tex, step.rhs_tex)):
        return None
    settled = {n for n, _ in step.claim.symbols} | {n for n, _ in step.claim.random} | set(step.functions)
    settled |= {used.split(":=", 1)[0].strip() for used in step.uses if ":=" in used}
    settled |= set(step.defined) | set(step.defined_after) | {n for n, _ in step.ranges}
    capitals: set[str] = set()
    for tex in texts:
        found, marks = names_in(tex), name_marks(tex)
        if found is None or found[1] or marks is None:
            return None
        capitals |= {n for n in found[0] if len(n) == 1 and n.isupper() and n not in marks[0]}
    capitals -= settled | {"I", "T", "H", "E", "P"}  # identity, transpose marks, expectation, probability
    count = [c for c in capitals if any(re.search(_COUNT_USE.format(c), t) for t in texts)]
    capitals -= set(count)
    if len(capitals) < 2:
        return None
    square = {**dict(step.claim.symbols), **dict.fromkeys(capitals, "matrix 2x2")}
    if _consistent(step, square) is not True and not _equal_to_zero(step, square):
        return None
    out = [Reading("", step, kind="commute")]
    for size in (2, 3, *far_sizes(texts)):
        symbols = {**dict(step.claim.symbols), **dict.fromkeys(capitals, f"matrix {size}x{size}")}
        label = f"{', '.join(sorted(capitals))}: matrix {size}x{size}"
        claim = step.claim.evolve(id=f"{step.claim.id}[{label}]", symbols=tuple(sorted(symbols.items())))
        # past 3 the size is named so that `shapes_far.planned` checks it with numbers first
        sized = (("size", size),) if size > 3 else ()
        out.append(Reading(label, replace(step, claim=claim), sized, kind="commute"))
    return out


#: A side that is zero written alone (``0``, ``\\mathbf{0}``): the zero matrix of the other side's shape too.
_ZERO_SIDE = re.compile(r"\s*(?:0|\\(?:mathbf|boldsymbol|bm)\s*\{?\s*0\s*\}?)\s*")


def _equal_to_zero(step: Step, symbols: dict[str, str]) -> bool:
    """Whether the step is an equation of a side that reads with these shapes and a zero written alone
    (``AB - BA = 0``): the reader takes that 0 for the zero matrix, so the matrices read the step too."""
    if step.relation is not Relation.EQ:
        return False
    sides = (step.claim.lhs, step.claim.rhs)
    texts = [str(getattr(side, "text", side)) for side in sides]
    zero = [bool(_ZERO_SIDE.fullmatch(t)) for t in texts]
    if zero.count(True) != 1:
        return False
    other = sides[zero.index(False)]
    return isinstance(_side_shape(step, other, symbols, 0), tuple)


def _combine_commute(step: Step, settled: list[tuple[Reading, Result]], matrices: Sequence[Result]) -> Result:
    """The step as written, unless it is accepted there and fails with the capitals matrices of some size (refuted
    with a confirmed counterexample, or found false exactly with numbers past 3): then undecided, naming both."""
    (_, written), *rest = settled
    written = written if written.claim is step.claim else replace(written, claim=step.claim)
    failed = [
        (reading, result)
        for (reading, _), result in zip(rest, matrices, strict=True)
        if result.verdict is Verdict.REFUTED or _failed_here(reading, result)
    ]
    if written.verdict not in _ACCEPTED or not failed:
        return written
    reading, result = failed[0]
    why = (
        f"read with its undeclared capitals as numbers the step is {written.verdict.value}, but with them matrices "
        f"({_shown(reading)}), which need not commute, it fails; declare them (real, or a matrix kind) to settle: "
    )
    out = _said(result, why)
    seconds = written.seconds + sum(r.seconds for r in matrices)
    return Result(step.claim, Verdict.UNDECIDED, out.method, seconds, out.outcomes)


# --- Entries of a name declared as a scalar: w > 0 says something of w_i only if w is their family ---------------


def _subscripted(step: Step) -> tuple[dict[str, tuple[str, list[str]]], set[str]] | None:
    """name -> (its scalar kind, the undeclared subscripted names of it the step uses: w_i, w_1), for
    names declared with a scalar kind other than real; and the names the step uses bare."""
    from derive.latex.names import names_in  # noqa: PLC0415

    used: set[str] = set()
    for tex in _sides(step):
        found = names_in(tex)
        if found is None:
            return None
        used |= found[0]
    declared = dict(step.claim.symbols)
    # only what the prose said: a kind the user declares (front matter, --symbols) covers the entries by
    # derive's own rule (x_i of a declared positive x is positive), which the user has read
    said = {m.group("name") for m in _SOURCE.finditer(step.claim.statement or "")}
    out: dict[str, tuple[str, list[str]]] = {}
    for name, kind in step.claim.symbols:
        if name not in said or not _parses(kind) or parse_kind(kind).is_matrix or parse_kind(kind).base == "real":
            continue
        forms = sorted(u for u in used if u.startswith(name + "_") and "_" not in u[len(name) + 1 :])
        forms = [u for u in forms if u not in declared]
        if forms:
            out[name] = (kind, forms)
    return (out, used) if out else None


#: 2\\pi, the constant of a Gaussian's normaliser, written where \\pi is declared as a name.
_TWO_PI = re.compile(r"(?<![\w.])2\s*\\pi(?![A-Za-z])")
#: Sets whose boundary the texts disagree on: \\mathbb{N} with or without 0, \\mathbb{R}_+ with or without 0.
_BOUNDARY_SETS = (
    (
        re.compile(r"\\mathbb\s*(?:\{\s*N\s*\}|N)(?!\s*[_^])"),
        "positive integer",
        "nonnegative integer",
        "0 a natural number",
    ),
    (
        re.compile(r"\\mathbb\s*\{?\s*R\s*\}?\s*(?:\^\s*\{?\s*\+|_\s*\{?\s*\+)"),
        "positive",
        "nonnegative",
        "0 in the set",
    ),
)
_SOURCE = re.compile(r"(?:^|\[|; )(?P<name>[A-Za-z][A-Za-z0-9_]*): (?P<kind>[a-z ]+), from (?P<where>.*?) \(line \d+\)")


def _boundary_kinds(step: Step) -> dict[str, tuple[str, str, str]]:
    """name -> (narrow kind, wide kind, what the wide one adds) for names whose kind derive took from a set
    whose boundary texts disagree on (``n \\in \\mathbb{N}``: is 0 in it?), as the statement's notes say."""
    out: dict[str, tuple[str, str, str]] = {}
    kinds = dict(step.claim.symbols)
    for m in _SOURCE.finditer(step.claim.statement or ""):
        name = m.group("name")
        for pattern, narrow, wide, adds in _BOUNDARY_SETS:
            if kinds.get(name) in (narrow, wide) and pattern.search(m.group("where")):
                out[name] = (narrow, wide, adds)
    return out


def entry_readings(step: Step) -> list[Reading] | None:
    """A step using w_i (or w_1) where only w is declared with a kind (``w > 0``): the kind may be said of
    the family w_i belongs to, or of another quantity that shares the letter (a bandwidth w next to
    weights w_i). Two readings: the kind covers the entries, or they are any reals; None when the step
    has no such names, or uses the bare name too while a sum binds an entry's index (then the entries
    inherit the kind in derive's reading and no other reading can be written here)."""
    found = _subscripted(step)
    boundary = _boundary_kinds(step)
    if found is None and not boundary and "pi" not in dict(step.claim.symbols):
        return None
    families, used = found or ({}, set())
    texts = _sides(step)
    narrow = dict(step.claim.symbols)
    wide = dict(step.claim.symbols)
    said: list[str] = []
    for name, (kind, forms) in families.items():
        bound = [
            u for u in forms if any(re.search(_BOUND_LETTER.format(re.escape(u[len(name) + 1 :])), t) for t in texts)
        ]
        if bound and name in used:
            continue  # the entries inherit the kind in derive's reading: no other reading can be written here
        narrow.update(dict.fromkeys(forms, kind))
        if bound:
            wide.pop(name)  # unused bare: the entries a sum binds then inherit nothing
        said.append(f"{name}: {kind} may or may not be said of {', '.join(forms)}")
    for name, (small, large, adds) in boundary.items():
        if name in narrow:
            narrow[name], wide[name] = small, large
            said.append(f"{name}: {small} or {large} ({adds})")
    if "pi" in narrow and any(_TWO_PI.search(t) for t in texts):
        # a prior \pi declared, and 2\pi as in a Gaussian's normaliser: either may be meant here
        wide.pop("pi")
        said.append(f"\\pi the declared {narrow['pi']} or the constant 3.14159... (2\\pi written)")
    if not said:
        return None
    out = []
    for label, symbols in (("narrow", narrow), ("wide", wide)):
        claim = step.claim.evolve(id=f"{step.claim.id}[{label}]", symbols=tuple(sorted(symbols.items())))
        out.append(Reading(f"{label}: {'; '.join(said)}", replace(step, claim=claim), kind="entries"))
    return out


def _combine_entries(step: Step, settled: list[tuple[Reading, Result]]) -> Result:
    """Accepted with the entries any reals holds in the other reading too: that result. Refuted where the
    kind covers the entries: its counterexample is one in both readings. Otherwise undecided, naming both."""
    (covered, with_kind), (_, apart) = settled
    seconds = with_kind.seconds + apart.seconds
    if apart.verdict in _ACCEPTED and with_kind.verdict in _ACCEPTED:
        out = _said(apart, f"holds in both readings ({covered.label[len('narrow: ') :]}): ")
        return Result(step.claim, apart.verdict, apart.method, seconds, out.outcomes)
    if with_kind.verdict is Verdict.REFUTED and apart.verdict is Verdict.REFUTED:
        out = _said(with_kind, f"fails in both readings ({covered.label[len('narrow: ') :]}); in the narrower: ")
        return Result(step.claim, Verdict.REFUTED, out.method, seconds, out.outcomes)
    if with_kind.verdict is Verdict.ERROR and apart.verdict is Verdict.ERROR:
        return replace(apart, claim=step.claim, seconds=seconds)
    shown = with_kind if with_kind.verdict is not Verdict.REFUTED else apart
    why = (
        f"the declarations read two ways ({covered.label[len('narrow: ') :]}): the step is {with_kind.verdict.value} "
        f"in the narrower reading and {apart.verdict.value} in the wider one; declare the names exactly (front "
        "matter, --symbols, or w_i > 0 for entries) to settle: "
    )
    out = _said(shown, why)
    return Result(step.claim, Verdict.UNDECIDED, out.method, seconds, out.outcomes)
