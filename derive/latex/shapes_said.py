"""What the text states of an undeclared matrix: symmetric, positive definite, a covariance, a Hessian.

A step that writes a bold capital next to declared vectors (``\\mathbf{w}_0^\\top \\mathbf{H}^\\top \\mathbf{w} =
\\mathbf{w}_0^\\top \\mathbf{H} \\mathbf{w}``) is checked in every shape the capital may have
(`derive.latex.shapes.mixed_readings`), drawn general; a step true only because the matrix is symmetric then
stays undecided even where the text says so ("$\\mathbf{H}$ a symmetric positive definite matrix"). Here the
prose's words about the name decide how it is drawn (`said_structure`):

- positive definite, a covariance or precision matrix (``\\Sigma \\succ 0`` too): square, drawn symmetric
  positive definite (``spd``) in an equation, as `derive.latex.shapes_family.structured` draws it;
- symmetric, a Hessian, a Gram matrix, ``H = H^\\top`` stated: square and symmetric. derive has no kind of
  symmetric matrices that are not definite; it draws it ``spd`` only where that covers every symmetric matrix
  (`covers_symmetric`): an equation whose sides are rational or analytic in the entries (no root, logarithm,
  absolute value, norm, fractional power, sign or extremum), which holds on the open set of positive definite
  matrices only if it holds on every symmetric one (a rational function zero on an open set is zero), and
  that does not differentiate by that matrix (a derivative by a symmetric matrix has readings of its own); a
  gradient by a vector of a rational side stays rational, and is covered. Elsewhere the
  matrix stays general, and the step undecided as before.

Only a sentence that states the word of the name itself counts: not one that negates, supposes or hedges it
(``if $A$ is symmetric``, ``$A$ need not be symmetric``), nor a skew-, anti- or non-symmetric matrix, nor a
word said of another name of the sentence.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from derive.model import Relation

if TYPE_CHECKING:
    from derive.latex.records import Step

#: Words that make a matrix symmetric positive definite.
_DEFINITE = re.compile(
    r"(?<![\w-])(?:positive[- ]definite|covariance\s+matri(?:x|ces)|precision\s+matri(?:x|ces)|spd)(?![\w-])",
    re.IGNORECASE,
)
#: Words that make a matrix symmetric (of any sign).
_SYMMETRIC = re.compile(r"(?<![\w-])(?:symmetric|hessian|gram\s+matri(?:x|ces))(?![\w-])", re.IGNORECASE)
#: Words and marks that negate or undo a symmetric or definite matrix in the clause.
_UNDONE = re.compile(
    r"skew|anti-?\s*symmetric|non-?\s*symmetric|asymmetric|unsymmetric|semi-?\s*definite|indefinite|"
    r"negative[- ]definite|cross[- ]?covariance|\bnot\b|n't\b|\bnever\b|\bneed\b|\bno\b|\bnor\b",
    re.IGNORECASE,
)
#: A sentence that supposes or hedges what it says.
_HEDGE = re.compile(
    r"\bif\b|\bsuppos|\bwere\b|\bwhether\b|\bunless\b|\bassume[sd]?\s+for\b|\bcontradict|\bwould\b|\bmight\b|"
    r"\bmay\b|\bcould\b|\bnot\b|n't\b|\bnever\b|\bneither\b|\bwhen(?:ever)?\b|\bcases?\b|\bspecial\b",
    re.IGNORECASE,
)
#: A sentence that calls the name general: any statement of its structure elsewhere is then in doubt.
_GENERAL = re.compile(r"\bgeneral\b|\barbitrary\b|\bany\b|\bnot\s+necessarily\b|\bneed\s+not\b", re.IGNORECASE)
#: "symmetric in distribution", "symmetric about zero": a law's symmetry, not W = W^T.
_SYMMETRIC_LAW = re.compile(
    r"symmetric\s+(?:in\b|about\b|around\b|with\b|w\.?r\.?t|under\b|part\b|distribut|law\b|density\b)",
    re.IGNORECASE,
)
#: A covariance of two vectors (a cross-covariance): "between $x$ and $y$", "of $x$ and $y$", Cov(x, y).
_TWO_VECTORS = re.compile(
    r"\bbetween\b|\bcross|\bof\s+\$[^$]*\$\s*(?:,|and)\s*\$|\bCov\s*\(|\\(?:operatorname|mathrm)\s*\{\s*Cov",
    re.IGNORECASE,
)
#: An inline formula of the prose.
_INLINE = re.compile(r"(?<![$\\])\$(?!\$)([^$]{1,80})\$")
#: What the clause after the name may say before the word: ``is``, ``be``, ``a``, ``the``, ``real``, a size.
_AFTER = re.compile(
    r"^\s*(?:,\s*)?(?:(?:is|be|being|denotes?|was|are)\s+)?(?:(?:the|a|an)\s+)?"
    r"(?:(?:real|square|invertible|non-?singular|constant|\$[^$]{0,40}\$|and|,)\s+)*(?P<word>[\w-]+(?:\s+[\w-]+){0,2})",
    re.IGNORECASE,
)
#: What may stand between the word and the name before it: ``the symmetric matrix $H$``, ``the Hessian $H$``.
_BEFORE = re.compile(
    r"(?P<word>(?:[\w-]+\s+){0,2}(?:symmetric|definite|hessian|covariance|precision|gram)"
    r"(?:\s+(?:\$[^$]{0,40}\$\s+)?matri(?:x|ces))?)\s*$",
    re.IGNORECASE,
)
#: Operations whose value on a symmetric matrix is not the continuation of its value on definite ones.
_NOT_ANALYTIC = re.compile(
    r"\\sqrt|\\log|\\ln\b|\\lg\b|\||\\[lr]?[vV]ert|\\abs|\\norm|\\max|\\min|\\sup|\\inf|\\operatorname\s*\{\s*sign|"
    r"\\mathrm\s*\{\s*sign|\\sign|\\lfloor|\\lceil|\^\s*\{?\s*-?\s*\\?(?:frac|tfrac|dfrac)|\^\s*\{\s*-?\s*\d+\s*/|"
    r"\^\s*\{?\s*-?\s*0?\.\d|\\int|\\lim|\\succ|\\prec|"
    r"\\mathcal\s*\{?\s*N",
)


def said_structure(step: Step, name: str) -> tuple[str, str] | None:
    """("spd", words) when the text states ``name`` positive definite or a covariance, ("symmetric", words) when
    it states it symmetric (a Hessian, ``H = H^\\top``), with what it says; None otherwise (see the module)."""
    from derive.latex.shapes import _math_about  # noqa: PLC0415 - shapes imports this module

    for where in (w for n, w in step.ranges if n == name):
        if re.search(r"\\succ(?![A-Za-z])(?!eq)", where):
            return "spd", where
    for condition in step.conditions:
        if _states_transpose(condition, name):
            return "symmetric", condition
    prose = (step.prose or "")[-20000:]
    found: tuple[str, str] | None = None
    about = [m for m in _INLINE.finditer(prose) if _math_about(m.group(1)) == name]
    sentences = {m.start(): _sentence(prose, m) for m in about}
    if any(_GENERAL.search(_without_parentheses(s[0])) for s in sentences.values()):
        return None  # "here $A$ is a general square matrix": what any sentence says of its structure is in doubt
    for m in about:
        sentence, start, ends = sentences[m.start()]
        if _HEDGE.search(_without_parentheses(sentence)):  # a parenthesis hedges only itself
            continue
        if _states_transpose(m.group(1), name):
            found = found or ("symmetric", m.group())
            continue
        if re.search(r"\^\s*\{?\s*(?:T|\\top|\\intercal)", m.group(1)):
            continue  # words said of a product or transpose
        after = " ".join(prose[m.end() : min(ends, default=len(prose))].split())
        before = " ".join(prose[start : m.start()].split())
        for clause, pattern in ((_clause_after(after), _AFTER), (_clause_before(before), _BEFORE)):
            said = pattern.search(clause)
            if said is None or _UNDONE.search(clause):
                continue
            word = re.split(r"\bof\b", said.group("word"))[0]  # "the inverse of the symmetric ...": another matrix
            words = f"{m.group()} {clause}" if pattern is _AFTER else f"{clause} {m.group()}"
            two = re.search("covariance|precision", word, re.IGNORECASE) and _TWO_VECTORS.search(sentence)
            if _DEFINITE.search(word) and not two:
                return "spd", words
            if _SYMMETRIC.search(word) and not _SYMMETRIC_LAW.search(clause) and found is None:
                found = ("symmetric", words)
    return found


def _sentence(prose: str, m: re.Match[str]) -> tuple[str, int, list[int]]:
    """The sentence of the prose around the inline math ``m``, its start and the ends found after it."""
    start = max(prose.rfind(". ", 0, m.start()), prose.rfind("\n\n", 0, m.start()), 0)
    ends = [e for e in (prose.find(". ", m.end()), prose.find("\n\n", m.end())) if e >= 0]
    return " ".join(prose[start : min(ends, default=len(prose))].split()).lstrip(". "), start, ends


def _without_parentheses(text: str) -> str:
    """``text`` without its parenthesised asides (nested ones too)."""
    while True:
        out = re.sub(r"\([^()]*\)", " ", text)
        if out == text:
            return out
        text = out


def _clause_after(text: str) -> str:
    """The clause right after a name: up to a comma, semicolon, parenthesis or another name in math."""
    cut = re.search(r"[,;(]|\$[^$]*\$\s*(?:is|are|be|and)\b|\band\b\s+\$", text)
    return text[: cut.start()] if cut is not None else text[:160]


def _clause_before(text: str) -> str:
    """The clause right before a name: from the last comma, semicolon or parenthesis."""
    cut = max(text.rfind(","), text.rfind(";"), text.rfind("("), text.rfind(")"))
    return text[cut + 1 :][-160:]


def _states_transpose(condition: str, name: str) -> bool:
    """Whether a stated condition is ``A = A^\\top`` (or ``A^\\top = A``) of ``name``."""
    from derive.latex.shapes import _condition_math, _math_about  # noqa: PLC0415

    sides = _condition_math(condition).split("=")
    if len(sides) != 2:
        return False
    bare = [re.sub(r"\^\s*\{?\s*(?:T|\\top|\\intercal|\\mathrm\s*\{\s*T\s*\})\s*\}?\s*$", "", s.strip()) for s in sides]
    marked = [b != s.strip() for b, s in zip(bare, sides, strict=True)]
    return marked.count(True) == 1 and all(_math_about(b) == name for b in bare)


def stated_symmetric_only(step: Step, name: str) -> bool:
    """Whether the only conditions the text states of ``name`` say it is symmetric (``H = H^\\top``): the reader
    lists it among the names given before the step (`Step.defined`), yet no value, only a structure, is given."""
    from derive.latex.names import mentions  # noqa: PLC0415
    from derive.latex.shapes import _condition_math  # noqa: PLC0415

    if any(u.split(":=", 1)[0].strip() == name for u in step.uses if ":=" in u):
        return False
    about = [c for c in step.conditions if mentions(_condition_math(c), name)]
    return bool(about) and all(_states_transpose(c, name) for c in about)


#: A derivative by a name (``\\partial \\mathbf{H}``, ``\\nabla_{\\mathbf H}``, ``\\mathrm{d}H``), ``{0}`` its letters.
_BY_NAME = (
    r"(?:\\partial|\\nabla\s*_|\\mathrm\s*\{{\s*d\s*\}}|(?<![A-Za-z\\])d)\s*\{{?\s*"
    r"(?:\\(?:mathbf|boldsymbol|bm)\s*\{{?\s*)?{0}(?![A-Za-z])"
)
#: An unsubscripted gradient of a function applied to an argument: ``\\nabla f(\\mathbf{w})``.
_GRADIENT_OF = re.compile(r"\\nabla\s*(?!_)\\?[A-Za-z]+\s*(?:\\left\s*)?\(([^()]*)\)")


def covers_symmetric(step: Step, name: str) -> bool:
    """Whether the symmetric matrix ``name`` of ``step`` may be drawn symmetric positive definite (see the module):
    an equation, both sides free of the operations of `_NOT_ANALYTIC`, that does not differentiate by the matrix
    (a derivative by a symmetric matrix has readings of its own, `derive.latex.matcal_readings`)."""
    from derive.latex.names import latex_of_name, mentions  # noqa: PLC0415

    if step.relation not in (Relation.EQ, Relation.APPROX):
        return False
    texts = [step.lhs_tex, step.rhs_tex, *(str(getattr(s, "text", s)) for s in (step.claim.lhs, step.claim.rhs))]
    if any(_NOT_ANALYTIC.search(t) for t in texts):
        return False
    letters = re.escape(latex_of_name(name).split("_", 1)[0])
    if any(re.search(_BY_NAME.format(letters), t) for t in texts):
        return False
    return not any(mentions(m.group(1), name) for t in texts for m in _GRADIENT_OF.finditer(t))


def structured_options(step: Step, name: str, options: list[str]) -> tuple[list[str], str | None]:
    """The options of an undeclared name the text states symmetric or positive definite (`said_structure`):
    its square matrices drawn ``spd`` where that is sound, with what the text says; ``options`` and None
    otherwise."""
    if not any(o.startswith("matrix") for o in options):
        return options, None
    said = said_structure(step, name)
    if said is None:
        return options, None
    kind, words = said
    if step.relation not in (Relation.EQ, Relation.APPROX):
        return options, None  # a covariance may be singular: x^T Sigma x > 0 does not follow from definite draws
    if kind == "symmetric" and not covers_symmetric(step, name):
        return options, None
    out = []
    for o in options:
        m = re.fullmatch(r"matrix (\w+?)\s*x\s*(\w+)", o)
        if m is None:
            out.append(o)
        elif m.group(1) == m.group(2):
            out.append(f"spd {o}")
    if not any(o.startswith("spd") for o in out):
        return options, None
    words = " ".join(words.split())[:80].rstrip(" .,;")
    if kind == "spd":
        return out, f'{name} drawn symmetric positive definite: the text says "{words}"'
    return out, (
        f"{name} drawn symmetric positive definite, which stands for every symmetric matrix in an equation without "
        f'roots, logarithms or absolute values: the text says "{words}"'
    )
