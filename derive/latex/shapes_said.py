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
    r"\bmay\b|\bcould\b|\bnot\b|n't\b|\bnever\b|\bneither\b|\bwhen(?:ever)?\b|\bcases?\b|\bspecial\b|"
    # qualifiers: the matrix is close to, sometimes, once or ideally symmetric, which is not that it is
    r"\bpossibl|\bperhaps\b|\bsometimes\b|\busually\b|\boften\b|\btypically\b|\bideally\b|\bapproximat|"
    r"\bnearly\b|\balmost\b|\broughly\b|\bessentially\b|\bclose\s+to\b|\bfirst\s+order\b|\bup\s+to\b|"
    r"\bshould\b|\bought\b|\bsupposed\b|\bexpected\s+to\b|\bin\s+(?:theory|principle)\b|\bperturb|\bnois|"
    r"\bexcept\b|\bnumerically\b|\bbut\b|\bbefore\b|\bafter\b|\buntil\b|\binitially\b|\boriginally\b|"
    r"\bwas\b|\bhad\b|\bbecomes?\b|\bbecame\b|\bassuming\b|\bprovided\b|\bas\s+long\s+as\b|\bhope|"
    r"\bwant\b|\bwish|\baim|\btry|\bbug",
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
#: The words that state the structure, at the head of what is said: ``symmetric (and positive definite)``, ``positive
#: definite``, ``a Hessian``, ``a Gram / covariance / precision matrix``.
_KEY = (
    r"(?:symmetric(?:\s+(?:and\s+)?positive[- ]definite)?|positive[- ]definite|spd|hessian|gram\s+matri(?:x|ces)|"
    r"covariance(?:\s+matri(?:x|ces))?|precision(?:\s+matri(?:x|ces))?)"
)
#: A size in math (``$n \times n$``, ``$\mathbb{R}^{n \times n}$``), not another name.
_SIZE = r"\$[^$]{0,40}?(?:\\times|\\in(?![A-Za-z]))[^$]{0,40}?\$"
#: The only words that may stand before the structure's word (an allow-list: "nearly", "possibly", "mixed",
#: "perturbed", "was" do not state it).
_ADJECTIVES = (
    r"(?:some|real|square|invertible|non-?singular|constant|given|fixed|full[- ]rank|full|true|sample|empirical|"
    rf"posterior|prior|predictive|noise|data|population|inverse|{_SIZE})"
)
#: What the clause after the name may say before the word: ``is``, ``be``, ``a``, ``the``, ``real``, a size.
_AFTER = re.compile(
    r"^\s*(?:,\s*)?(?:(?:is|be|being|denotes?|are)\s+)?(?:(?:the|a|an)\s+)?"
    rf"(?:{_ADJECTIVES}(?:\s*,)?\s+(?:and\s+)?)*(?P<word>{_KEY}(?P<tail>.*))$",
    re.IGNORECASE | re.DOTALL,
)
#: What may stand between the word and the name before it: ``the symmetric matrix $H$``, ``the Hessian $H$``;
#: ``head`` must end where a clause may open (`_OPENERS`).
_BEFORE = re.compile(
    rf"^(?P<head>.*?)(?:(?:the|a|an|some)\s+)?(?:{_ADJECTIVES}(?:\s*,)?\s+(?:and\s+)?)*(?P<word>{_KEY}(?:\s+(?:{_SIZE}\s+)?matri(?:x|ces))?)\s*$",
    re.IGNORECASE | re.DOTALL,
)
#: Words after which a clause naming the structure of the next name may open ("Let the symmetric matrix $H$").
_OPENERS = re.compile(
    r"(?:^|[,;:]|\b(?:let|be|is|are|where|and|with|consider|for|given|take|denotes?|define|call|by|now|that|fix|"
    r"choose|pick|here|then|so|thus|hence|using|use|write|we|has|have))$",
    re.IGNORECASE,
)
#: What may follow the structure's word in its clause: a size, "matrix", "and positive definite", a complement
#: ("of $f$ at $w_0$"), "by construction", or the start of another clause; anything else ("to first order",
#: "before the update") says something else of it.
_TAIL = re.compile(
    rf"^(?:\s+(?:(?:and\s+)?positive[- ]definite|{_SIZE}|matri(?:x|ces)))*"
    r"(?:\s+(?:of|for|at|in|on|with\s+respect\s+to|w\.r\.t\.)\s+(?P<of>.*?))?"
    r"(?:\s+by\s+(?:construction|definition))?"
    r"(?:\s*|\s*[.:;!?](?:\s.*)?|\s+(?:and|so|thus|hence|then|which|whose|since|because|while|where|we)\b.*)$",
    re.IGNORECASE | re.DOTALL,
)
#: The complement a symmetric or definite matrix may have: a size, or a space in math (``in $\mathbb{R}^{n}$``).
_OF_SIZE = re.compile(r"(?:size|order|dimension)\b|\$[^$]*\$\s*$|\$[^$]*\$\s*[.:;!?]", re.IGNORECASE)
#: A complement that names two things ("of $x$ with $y$", "in $x$ and $y$") or a part of the matrix: a cross
#: covariance, a mixed or off-diagonal Hessian block, which need not be symmetric.
_TWO_IN_COMPLEMENT = re.compile(
    r"\b(?:and|with|to|from|between|versus|vs\.?|minus|plus|times|linking)\b\s*(?:the\s+)?\$|"
    r"mixed|cross|off-?\s*diagonal|\bblock|\bpart\b|\bpartial",
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
        wide = re.split(r"[,;(]", after)[0]  # the clause after the name, not cut at "and $y$"
        for clause, pattern in ((_clause_after(after), _AFTER), (_clause_before(before), _BEFORE)):
            said = _head_word(clause, pattern, wide)
            if said is None or _UNDONE.search(clause):
                continue
            word = re.split(r"\bof\b", said)[0]  # "the inverse of the symmetric ...": another matrix
            words = f"{m.group()} {clause}" if pattern is _AFTER else f"{clause} {m.group()}"
            two = re.search("covariance|precision", word, re.IGNORECASE) and _TWO_VECTORS.search(sentence)
            if _DEFINITE.search(word) and not two:
                return "spd", words
            if _SYMMETRIC.search(word) and not _SYMMETRIC_LAW.search(clause) and found is None:
                found = ("symmetric", words)
    return found


def _head_word(clause: str, pattern: re.Pattern[str], wide: str) -> str | None:
    """The structure's word the clause states of the name, or None: the word must head what is said (only
    `_ADJECTIVES` before it, only `_TAIL` after it; a clause before the name opens at `_OPENERS`), and a covariance,
    precision, Gram matrix or Hessian may not be of two things or a part (`_TWO_IN_COMPLEMENT`) in ``wide``, the
    clause after the name up to a comma."""
    said = pattern.search(clause)
    if said is None:
        return None
    word = said.group("word")
    if pattern is _AFTER:
        tail = said.group("tail")
        word = word[: len(word) - len(tail)]
        if _TAIL.match(tail) is None:
            return None  # "symmetric to first order", "symmetric before the update"
        complement = wide[said.start("tail") :]
    else:
        if _OPENERS.search(said.group("head").rstrip()) is None:
            return None  # "the mixed Hessian $H$", "a nearly symmetric matrix $A$"
        complement = wide
    complement = re.sub(r"\bwith\s+respect\s+to\b|\bw\.\s*r\.\s*t\b\.?", " wrt ", complement, flags=re.IGNORECASE)
    of = _TAIL.match(said.group("tail")).group("of") if pattern is _AFTER else None  # type: ignore[union-attr]
    structure = re.search(r"covariance|precision|hessian|gram", word, re.IGNORECASE)
    # "symmetric matrix in expectation", "in the limit", "on average": said of something else than the matrix
    if of is not None and not structure and not _OF_SIZE.match(of):
        return None
    if re.search(r"covariance|precision|hessian|gram", word, re.IGNORECASE) and _TWO_IN_COMPLEMENT.search(complement):
        return None  # "the covariance matrix of $x$ with $y$", "the Hessian of $f$ in $x$ and $y$"
    if _TWO_IN_COMPLEMENT.search(complement) and re.search(r"mixed|cross|diagonal|block|part", complement, re.I):
        return None
    return word


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
    if any(mentions(m.group(1), name) for t in texts for m in _GRADIENT_OF.finditer(t)):
        return False
    return _rational_in_entries(step, name)


#: Functions analytic on the whole real line: an equation of them (and of rational functions) that holds on the
#: open set of positive definite matrices holds on every symmetric one.
_ENTIRE = ("exp", "sin", "cos", "sinh", "cosh")


def _rational_in_entries(step: Step, name: str) -> bool:
    """Whether both sides, read with ``name`` a 2x2 matrix of symbolic entries (each letter size 2; other bold
    names as numbers, else lowercase ones as vectors and capitals as matrices), are rational in the entries or
    built of functions analytic on the whole line (`_ENTIRE`): no power with an exponent that is not an integer
    (``\\det(A^2)^{2^{-1}}`` is ``|\\det A|``), no sign, absolute value, logarithm, extremum, rounding, piecewise
    function, integral or limit, whatever the LaTeX writes them with. False where derive cannot read the sides so."""
    for others in ("", "shaped"):
        values = _sides_with_entries(step, name, others)
        if values is not None:
            return all(_analytic(v) for v in values)
    return False


def _sides_with_entries(step: Step, name: str, others: str) -> list[object] | None:
    """Both sides of ``step`` read as `_rational_in_entries` says; None where they do not read."""
    from derive.errors import DeriveError  # noqa: PLC0415
    from derive.language.symbols import SymbolTable, parse_kind  # noqa: PLC0415
    from derive.latex.names import mentions  # noqa: PLC0415
    from derive.latex.parser import parse_latex  # noqa: PLC0415
    from derive.latex.shapes import _at_sizes  # noqa: PLC0415

    try:
        letters = {x for _, k in step.claim.symbols for x in parse_kind(k).size_letters}
    except DeriveError:
        return None
    at = _at_sizes(step, dict.fromkeys(sorted(letters), 2))
    symbols = {**dict(at.claim.symbols), name: "matrix 2x2"}
    sides = [str(getattr(side, "text", side)) for side in (at.claim.lhs, at.claim.rhs)]
    if others:
        for m in re.finditer(r"\\(?:mathbf|boldsymbol|bm)\s*\{\s*([A-Za-z])\s*\}", " ".join(sides)):
            bold = m.group(1)
            if bold not in symbols and any(mentions(t, bold) for t in sides):
                symbols[bold] = "matrix 2x2" if bold.isupper() else "vector 2"
    values = []
    for side, text in zip((at.claim.lhs, at.claim.rhs), sides, strict=True):
        try:
            values.append(
                parse_latex(
                    text,
                    SymbolTable(symbols),
                    random=dict(at.claim.random),
                    densities=dict(getattr(side, "densities", ())),
                    bound=frozenset(getattr(side, "bound", ())),
                )
            )
        except Exception:  # the reader's LatexError, sympy's ShapeError...: not read so
            return None
    return values


def _analytic(value: object) -> bool:
    """Whether ``value`` (a sympy expression or matrix) is built of rational operations and `_ENTIRE` functions."""
    import sympy  # noqa: PLC0415
    from sympy.core.function import Application, AppliedUndef  # noqa: PLC0415

    items = list(value) if isinstance(value, sympy.MatrixBase) else [value]
    for item in items:
        if not isinstance(item, sympy.Basic):
            return False
        for node in sympy.preorder_traversal(item):
            if isinstance(node, sympy.Pow) and node.exp.is_integer is not True:
                return False
            if isinstance(node, (sympy.Integral, sympy.Limit, sympy.Piecewise, sympy.Order)):
                return False
            applied = isinstance(node, Application) and not isinstance(node, AppliedUndef)
            if applied and getattr(node.func, "__name__", "") not in _ENTIRE:
                return False
            if isinstance(node, (sympy.core.relational.Relational, sympy.logic.boolalg.BooleanFunction)):
                return False
    return True


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
