"""Shape families of undeclared names in a step that declares no vector or matrix.

A step that transposes an undeclared name (``(\\mathbf{x} - \\boldsymbol{\\mu})^\\top \\boldsymbol{\\Sigma}^{-1}
(\\mathbf{x} - \\boldsymbol{\\mu})``), or applies ``\\det``/``\\mathrm{tr}`` to an undeclared capital, is about vectors
and matrices, though nothing declares them. `derive.latex.shapes.shape_readings` tries every name at sizes 2
and 3 independently, which stops at three names of every shape. Here each name's shape is a *family* with
letter sizes instead (``x: vector n``, ``Sigma: matrix n x n``, ``X: matrix n x m``), from how the text writes
it (`_options`), and each family that reads is checked at swept sizes 1, 2, 3, ... like a declared one
(`derive.latex.shapes.size_readings`). The step is ``verified`` only when every family holds at every size
checked; a failure in a guessed shape never refutes (the text may say orthogonal or symmetric in words), and a
step whose readings derive cannot all read is left to the scalar reading's undecided answer.

A matrix the text calls a covariance, symmetric, positive definite or a precision (``\\Sigma \\succ 0``) is
drawn symmetric positive definite, so a step that needs that structure (the expansion of a quadratic form)
holds in it; any other structure word leaves the matrix general (a general draw that holds covers it).
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from derive.errors import DeriveError
from derive.language.symbols import parse_kind
from derive.latex.names import mentions, names_in
from derive.latex.parser import name_of
from derive.latex.shapes import (
    _APPLIED_I,
    _COUNT_USE,
    _INLINE,
    _MATRIX_OPERATOR,
    _OTHER_STRUCTURE,
    _SHAPE_TEXT,
    Reading,
    _capital,
    _condition_math,
    _i_is_identity,
    _marked_names,
    _math_about,
    _parses,
    _said_matrix,
    _sides,
    read_families,
    swept_families,
)
from derive.model import Relation

if TYPE_CHECKING:
    from derive.latex.records import Step

#: Letters the two free sizes of a family may take (a step that writes one of them keeps it for itself).
_LETTERS = ("n", "m", "k", "q", "r", "s", "p", "d", "K", "L", "M")
#: Combinations of shapes tried (after the swap of the two letters); past it the step is read as before.
_COMBOS = 600
#: A name applied to a parenthesis (``\\sigma(\\ldots)``, ``p(x)``, ``f(\\mathbf{x})``): a function, scalar-valued in
#: derive's reading; a bold capital before a parenthesis is a product, which the options say apart.
_APPLIED = r"(?<![A-Za-z\\]){0}\s*(?:\\left\s*)?\("
#: A letter in a font of sets, classes and laws (``\mathcal{C}_1``, ``\mathcal N``).
_FONT = re.compile(r"\\(?:mathcal|mathscr|mathfrak|mathbb)\s*(?:\{\s*([A-Za-z])\s*\}|([A-Za-z]))")
#: A sentence that negates, supposes or hedges what it says, or speaks of two matrices' covariance.
_DOUBT = re.compile(
    r"\bnot\b|n't\b|\bno\b|\bnever\b|\bwere\b|\bsuppos|\bif\b|\bwhether\b|\bonly\b|\bcross|\bbetween\b|"
    r"\bassume[sd]?\s+for\b|\bcontradict|\bnor\b|\bneither\b",
    re.IGNORECASE,
)
_KIND = r"(?:(?:symmetric\s+)?positive[- ]definite\s+)?(?:covariance|precision)\s+matri(?:x|ces)"
#: ``$\\Sigma$ is the (d x d) covariance matrix``, ``$A$ be positive definite``: the word said of the name itself.
_NAMED_AFTER = re.compile(
    rf"\s*(?:is|be|denotes?)\s+(?:(?:the|a|an)\s+(?:\$[^$]*\$\s+)?{_KIND}"
    r"|(?:a\s+|an\s+)?(?:symmetric\s+)?positive[- ]definite\b)",
    re.IGNORECASE,
)
#: ``the (d x d) covariance matrix $\\Sigma$``: the word right before the name.
_NAMED_BEFORE = re.compile(rf"(?:^|\s)(?:the|a|an|let|and)\s+(?:\$[^$]*\$\s+)?{_KIND}\s*$", re.IGNORECASE)
#: A Gaussian normaliser's power of 2 pi: (2\pi)^{D/2}, (2\pi)^{-D/2}, (2\pi)^{\frac{D}{2}}, (2\pi)^D (under a root).
_NORMALISER = re.compile(
    r"\(\s*2\s*\\pi\s*\)\s*\^\s*(?:\{\s*-?\s*(?:([A-Za-z])\s*(?:/\s*2)?|\\frac\s*\{?\s*([A-Za-z])\s*\}?\s*\{?\s*2\s*\}?)\s*\}"
    r"|([A-Za-z])(?![A-Za-z]))"
)
#: A determinant: |\Sigma|, \det, \lvert ... \rvert.
_DETERMINANT = re.compile(r"\\det(?![A-Za-z])|\|\s*\\?(?:mathbf|boldsymbol|bm)?\s*\{?\s*\\?[A-Za-z]+|\\[lr]vert")
#: A normal law's opening parenthesis: \mathcal{N}(, \mathcal N(.
_NORMAL = re.compile(r"\\mathcal\s*(?:\{\s*N\s*\}|N)\s*(?:\\left\s*)?\(")
#: A matrix the text states positive definite in math: ``\\Sigma \\succ 0`` (``\\succeq``: semidefinite, no inverse).
_SUCCEEDS = re.compile(r"\\succ(?![A-Za-z])")


def family_readings(step: Step) -> list[Reading] | None:
    """The step in every shape family its undeclared names may have (see the module), as "family" readings
    for `derive.latex.shapes._combine_mixed`; None when the step names no vector or matrix by its marks,
    declares one (`derive.latex.shapes.mixed_readings` reads those), has names derive cannot list, more
    combinations than `_COMBOS`, a family derive cannot read, or no family that reads (then it is read as
    before: undecided through `derive.latex.shapes.scalar_reading`)."""
    texts = _sides(step)
    if sum(len(t) for t in texts) > _SHAPE_TEXT:
        return None
    if any(_parses(k) and parse_kind(k).is_matrix for _, k in step.claim.symbols):
        return None
    dimension = gaussian_dimension(step, texts)
    if dimension is not None and _named_otherwise(step, dimension):
        dimension = None  # "D the number of data points": no size to tie
    letters = _free_letters(step, texts, dimension)
    if letters is None:
        return None
    found = _options(step, texts, letters)
    if found is None:
        return None
    names, options = found
    if dimension is not None:  # the size itself, given its value at each size (`size_readings`)
        options = [o for n, o in zip(names, options, strict=True) if n != dimension]
        names = [n for n in names if n != dimension]
    if math.prod(len(o) for o in options) > 2 * _COMBOS:
        return None

    def first_letter_first(combo: tuple[str, ...]) -> bool:
        # two families that only swap the letters are one family: keep the one whose first size is letters[0]
        used = [w for kind in combo for w in kind.split() if w in letters]
        return not used or used[0] == letters[0]

    families = read_families(step, names, options, list(letters), keep=first_letter_first)
    if not families or isinstance(families, str):
        return None
    listed = ", ".join(names)
    too_many = f"{listed}: more shape families than derive checks"
    swept = swept_families(families, too_many)
    if not isinstance(swept, list):
        return None
    return [Reading(r.label, r.step, r.sizes, "family") for r in swept]


def gaussian_dimension(step: Step, texts: list[str]) -> str | None:
    """The letter of a Gaussian normaliser ``(2\\pi)^{D/2}`` (``(2\\pi)^{-D/2}``, ``\\sqrt{(2\\pi)^D |\\Sigma|}``) in
    a step that takes a determinant: the dimension of its vectors, the only reading under which the normaliser is
    one; None when the step writes none, or the letter is declared, given a value or a condition."""
    letters = {a or b or c for t in texts for a, b, c in _NORMALISER.findall(t)}
    if len(letters) != 1 or not any(_DETERMINANT.search(t) for t in texts):
        return None
    letter = letters.pop()
    said = {n for n, _ in step.claim.symbols} | {n for n, _ in step.ranges} | set(step.defined)
    if letter in said or any(mentions(_condition_math(c), letter) for c in step.conditions):
        return None
    if any(re.match(rf"\s*{letter}\s*(?::=|=|:|\\in\b)", used) for used in step.uses):
        return None  # D = 3 (values:), D := ...
    return letter


def _named_otherwise(step: Step, letter: str) -> bool:
    """Whether the prose names ``$letter$`` in a sentence that does not call it a dimension (a count of points)."""
    prose = (step.prose or "")[-20000:]
    for m in _INLINE.finditer(prose):
        if m.group(1).strip() != letter:
            continue
        start = max(prose.rfind(".", 0, m.start()), prose.rfind("\n\n", 0, m.start()), 0)
        ends = [e for e in (prose.find(". ", m.end()), prose.find("\n\n", m.end())) if e >= 0]
        if "dimension" not in prose[start : min(ends, default=len(prose))].lower():
            return True
    return False


def _free_letters(step: Step, texts: list[str], dimension: str | None = None) -> tuple[str, str] | None:
    """Two letters for the sizes, which the step, its declarations and what the document says of it do not use
    (the first one ``dimension``, when the step writes its vectors' dimension)."""
    taken = {n for n, _ in step.claim.symbols} | {n for n, _ in step.claim.random} | set(step.functions)
    taken |= set(step.defined) | set(step.defined_after) | {n for n, _ in step.ranges}
    said = [*texts, step.lhs_tex, step.rhs_tex, *step.conditions, *step.uses]
    for tex in texts:  # x_n: n names an entry here, and a size n would be substituted into it
        found = names_in(tex)
        taken |= {part for name in (found[0] if found else ()) for part in re.split(r"_|(?<=\d)(?=[A-Za-z])", name)}
    free = [c for c in _LETTERS if c not in taken and not any(mentions(t, c) for t in said)]
    if dimension is not None:
        free = [dimension, *(c for c in free if c != dimension)]
    return (free[0], free[1]) if len(free) >= 2 else None


def _options(step: Step, texts: list[str], letters: tuple[str, str]) -> tuple[list[str], list[list[str]]] | None:
    """The undeclared names of the step and the shapes each may take with sizes among ``letters``, from how the
    text writes it; None when no name is marked as a vector or matrix, or the text cannot be read for marks.

    ``I`` is the identity (unless the text says otherwise); a bold lower-case name is a vector, a bold capital a
    matrix; a name transposed alone is a vector or a matrix (a capital: a matrix); a name written as a number
    (``\\sigma^2``, a bound, an index, a denominator, an exponent: ``(2\\pi)^{D/2}``) or applied to a parenthesis
    (a function) is a scalar, and so is a plain lower-case name where the text writes its vectors in bold; a
    capital under ``\\det`` or ``\\mathrm{tr}`` is a matrix; any other capital a scalar or a matrix, any other name
    a scalar, a vector or a matrix."""
    settled = {n for n, _ in step.claim.symbols} | {n for n, _ in step.claim.random} | set(step.functions)
    settled |= {used.split(":=", 1)[0].strip() for used in step.uses if ":=" in used}
    marked_names = _marked_names(texts, settled)
    if marked_names is None:
        return None
    names, alone, together, bold, numbers = marked_names
    # the capitals \det or \mathrm{tr} makes matrices, unless the prose says what they are (`not_a_scalar` then)
    ranged = {n for n, _ in step.ranges}
    operated = (
        {n for n in names if _capital(n) and n not in ranged}
        if any(_MATRIX_OPERATOR.search(t) for t in texts)
        else set()
    )
    if not names or not (set(names) & (alone | together | operated)):
        return None  # nothing transposed or under a matrix operator: read as before
    if "I" in names and any(_APPLIED_I.search(t) for t in texts):
        return None  # I(X; Y), I(\theta): a function, no identity
    vectors = [f"vector {d}" for d in letters]
    matrices = [f"matrix {r} x {c}" for r in letters for c in letters]
    marked = any(n.split("_")[0][:1].islower() for n in bold)  # the text writes its vectors in bold
    # \mathcal{C}_1, \mathcal{N}: a class, a set, a law, no matrix (derive reads them as numbers)
    fonts = {a or b for t in texts for a, b in _FONT.findall(t)} - {n.split("_")[0] for n in bold}
    options: list[list[str]] = []
    for n in names:
        lower = n.split("_")[0][:1].islower()
        if n == "I" and n not in alone and _i_is_identity(step):
            options.append([f"identity {d}" for d in letters])
        elif n in bold:
            options.append(vectors if lower else matrices)
        elif n in alone:
            options.append(vectors + matrices if lower else matrices)
        elif n in operated:
            options.append(matrices)
        elif _number_use(n, texts, numbers) or (lower and marked) or n.split("_")[0] in fonts:
            options.append(["real"])
        elif not lower:
            options.append(["real", *matrices])
        else:
            options.append(["real", *vectors, *matrices])
    return list(names), [
        structured(step, n, _said_matrix(step, n, o, False)) for n, o in zip(names, options, strict=True)
    ]


def _number_use(name: str, texts: list[str], numbers: set[str]) -> bool:
    """Whether the text writes ``name`` as a number: raised to a number or in a denominator (`name_marks`), as a
    bound, an index or an exponent (a one-letter name), or applied to a parenthesis (a function)."""
    if name in numbers:
        return True
    base = name.split("_", maxsplit=1)[0]
    latex = re.escape(f"\\{base}" if len(base) > 1 else base)
    if "_" not in name and any(re.search(_APPLIED.format(latex), t) for t in texts):
        return True
    bare = [_without_definitions(t) for t in texts]
    return len(name) == 1 and any(re.search(_COUNT_USE.format(re.escape(name)), t) for t in bare)


def _without_definitions(tex: str) -> str:
    """``tex`` without the definitions it is read under (``\\right|_{M := K + \\sigma^2 I}``): a name there is no
    index or bound."""
    m = re.search(r"\\right\s*\|\s*_\s*\{", tex)
    if m is None:
        return tex
    depth = 1
    for k in range(m.end(), len(tex)):
        depth += {"{": 1, "}": -1}.get(tex[k], 0)
        if depth == 0:
            return tex[: m.start()] + tex[k + 1 :]
    return tex[: m.start()]


def _succeeds(condition: str) -> str | None:
    """The name a condition states positive definite (``\\Sigma \\succ 0``), if it states so of one name."""
    head, mark, _ = condition.partition("\\succ")
    if not mark or _.startswith("eq"):
        return None
    try:
        return name_of(head.strip())
    except DeriveError:
        return None


def _normal_covariances(texts: list[str]) -> set[str]:
    """The names written as the covariance of a normal law, ``\\mathcal{N}(\\mathbf{x} | \\boldsymbol{\\mu}, \\Sigma)``
    or ``\\mathcal{N}(\\boldsymbol{\\mu}, \\Sigma)``: a covariance, whatever else the text says."""
    out: set[str] = set()
    for tex in texts:
        for m in _NORMAL.finditer(tex):
            depth, k = 1, m.end()
            while k < len(tex) and depth:
                depth += {"(": 1, ")": -1}.get(tex[k], 0)
                k += 1
            inner = tex[m.end() : k - 1].split("|")[-1]
            parts = inner.split(",")
            found = names_in(parts[-1]) if len(parts) == 2 else None  # mean, covariance
            if found is not None and len(found[0]) == 1 and not found[1]:
                out |= found[0]
    return out


def _said_positive_definite(step: Step, name: str) -> bool:
    """Whether the prose calls ``name`` itself a covariance or precision matrix, or positive definite, in a sentence
    that neither negates nor supposes it: ``$\\Sigma$ is the covariance matrix``, ``the $d \\times d$ covariance
    matrix $\\Sigma$``, ``let $A$ be positive definite`` (not ``$\\Sigma$ is not a covariance matrix``, ``suppose
    $\\Sigma$ were positive definite``, a cross-covariance, a word said of another name of the sentence)."""
    prose = (step.prose or "")[-20000:]
    for m in _INLINE.finditer(prose):
        if _math_about(m.group(1)) != name:
            continue
        start = max(prose.rfind(".", 0, m.start()), prose.rfind("\n\n", 0, m.start()), prose.rfind(";", 0, m.start()))
        ends = [e for e in (prose.find(". ", m.end()), prose.find("\n\n", m.end()), prose.find(";", m.end())) if e >= 0]
        sentence = " ".join(prose[max(start, 0) : min(ends, default=len(prose))].split())
        if _DOUBT.search(sentence) or _OTHER_STRUCTURE.search(sentence):
            continue
        before = " ".join(prose[max(start, 0) : m.start()].split())
        after = " ".join(prose[m.end() : min(ends, default=len(prose))].split())
        if _NAMED_AFTER.match(after) or _NAMED_BEFORE.search(before):
            return True
    return False


def structured(step: Step, name: str, options: list[str]) -> list[str]:
    """A matrix the text calls a covariance, symmetric, positive definite or a precision (in words, or
    ``\\Sigma \\succ 0``) is square and drawn symmetric positive definite; other options stand."""
    if not any(o.startswith("matrix") for o in options):
        return options
    if step.relation not in (Relation.EQ, Relation.APPROX):
        return options  # a covariance may be singular: x^T Sigma x > 0 does not follow from positive definite draws
    spd = _said_positive_definite(step, name)
    spd = spd or any(n == name and _SUCCEEDS.search(where) for n, where in step.ranges)
    spd = spd or name in _normal_covariances(_sides(step))
    spd = spd or any(_succeeds(c) == name for c in step.conditions)
    if not spd:
        return options
    out = []
    for o in options:
        m = re.fullmatch(r"matrix (\w+?)\s*x\s*(\w+)", o)
        if m is None:
            out.append(o)
        elif m.group(1) == m.group(2):
            out.append(f"spd {o}")
    return out
