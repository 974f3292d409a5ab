"""Model statements: what the text states an opaque function, likelihood or probability is.

``$$P(X \\mid \\theta) = \\theta^{n_H}(1-\\theta)^{n_T}$$`` writes a probability derive cannot evaluate as a closed
form. Such a display (`model_statement`: one side an unknown function applied to arguments, possibly under
``\\log``/``\\ln``, the other side a closed form without unknown functions) is a statement of the model: the step
itself stays undecided, and the steps after it in its scope read **the same atom** (same arguments, same marks,
token for token: ``P(X \\mid \\boldsymbol\\theta)`` is another atom) as that formula (`apply_models`). Their
evidence names the statement and its line (`MODEL_NOTE`).

Soundness: a second formula for the same atom in the first one's scope that derive cannot prove equal to it
makes every step after it that uses the atom undecided, naming both (`ModelScope`); a statement after "if",
"suppose", in a chain's middle, or in the prose is none; a statement is never used before it is made, nor
inside a binder that would capture a name of its formula, nor after the text gives a name of it another
meaning. A step refuted with a model statement is undecided (`derive.latex.context.settle`): the model may
restrict its names (a probability's parameter in [0, 1], counts) in ways derive does not know.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from derive.errors import DeriveError
from derive.language.symbols import SymbolTable
from derive.latex.context import MODEL_NOTE, _bound_names
from derive.latex.names import names_in
from derive.latex.parser import parse_latex
from derive.latex.tokens import _tokenize

__all__ = ["MODEL_NOTE", "ModelScope", "ModelStatement", "apply_models", "atom_key", "model_statement"]

#: Letters that name a known operator or constant when applied (E[X], N(x|...), I(A), e, d), never an opaque model.
_NOT_OPAQUE = frozenset({"E", "N", "I", "e", "d", "O"})
#: Letters texts apply as probabilities, densities, likelihoods and functions: ``K(\\sigma)`` or ``a(b + c)`` is as
#: plausibly a product, so another letter states a model only with a conditioning bar or a semicolon in its
#: arguments (``K(x | \\theta)``).
_MODEL_LETTERS = frozenset({"P", "p", "q", "Q", "L", "l", "f", "g", "h", "F", "G", "J", "ell", "Pr"})
#: Fonts a model's letter may be written in (``\\mathcal L``, ``\\mathrm P``); a bold letter is a vector.
_HEAD_FONTS = frozenset({"mathcal", "mathrm", "mathscr", "mathbb", "operatorname"})
#: Commands that mark a letter as another function (``\\hat P``, ``\\tilde p``) or a font: no match starts after one.
_MARKS = frozenset(
    {
        "hat",
        "widehat",
        "bar",
        "overline",
        "tilde",
        "widetilde",
        "check",
        "breve",
        "dot",
        "ddot",
        "vec",
        "mathbf",
        "boldsymbol",
        "bm",
        "pmb",
        "mathcal",
        "mathrm",
        "mathscr",
        "mathbb",
        "operatorname",
        "mathit",
        "mathsf",
    }
)
_LOGS = frozenset({"log", "ln"})
#: Tokens of an atom's arguments that make it an event (``p(x = 0 | \\mu)``, ``P(X \\le 1)``, read by the probability
#: calculus and stated laws) or a tuple with an ellipsis (``g(x_1, \\ldots, x_n)``, an opaque argument): no model.
_NOT_IN_ARGUMENTS = frozenset(
    {("sym", "="), ("sym", "<"), ("sym", ">")}
    | {
        ("cmd", c)
        for c in ("le", "leq", "ge", "geq", "lt", "gt", "ne", "neq", "in", "notin", "ldots", "cdots", "dots", "vdots")
    }
)
_LIMIT = 600  # characters of a formula read as a model statement


Key = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ModelStatement:
    """``atom = formula`` at ``line``: ``key`` the atom's normalized tokens (with its ``\\log`` when stated through
    its log), ``head`` the letter it applies."""

    key: Key
    atom: str
    formula: str
    line: int
    head: str
    #: the names its arguments hold (``X``, ``theta``): a derivative in one holds the others constant
    arguments: frozenset[str] = frozenset()

    @property
    def note(self) -> str:
        return f"{MODEL_NOTE}{self.atom} = {self.formula} at line {self.line}"


def _normalized(tex: str) -> list[tuple[str, str, int, int]] | None:
    """(kind, text, start, end) of the tokens of ``tex`` as compared for one atom: ``\\mid`` and ``\\vert`` are
    ``|``, a brace group of one token is that token (``\\mathbf{w}`` is ``\\mathbf w``)."""
    try:
        toks = _tokenize(tex)
    except DeriveError:
        return None
    out: list[tuple[str, str, int, int]] = []
    for k, t in enumerate(toks):
        end = toks[k + 1].pos if k + 1 < len(toks) else len(tex)
        kind, text = t.kind, t.text
        if kind == "cmd" and text in ("mid", "vert"):
            kind, text = "sym", "|"
        out.append((kind, text, t.pos, end))
    squashed: list[tuple[str, str, int, int]] = []
    k = 0
    while k < len(out):
        if (
            out[k][:2] == ("sym", "{")
            and k + 2 < len(out)
            and out[k + 2][:2] == ("sym", "}")
            and out[k + 1][1] not in ("{", "}")
        ):
            squashed.append(out[k + 1])
            k += 3
            continue
        squashed.append(out[k])
        k += 1
    return squashed


def _group_end(toks: Sequence[tuple[str, str, int, int]], k: int) -> int | None:
    """The index just past the ``)`` that closes the ``(`` at ``toks[k]``."""
    depth = 0
    for m in range(k, len(toks)):
        if toks[m][:2] in (("sym", "("), ("sym", "["), ("sym", "{")):
            depth += 1
        elif toks[m][:2] in (("sym", ")"), ("sym", "]"), ("sym", "}")):
            depth -= 1
            if depth == 0:
                return m + 1 if toks[m][1] == ")" else None
    return None


def _head_length(toks: Sequence[tuple[str, str, int, int]], k: int) -> tuple[int, str] | None:
    """(tokens, letter) of an opaque function's name at ``toks[k]``: a letter (``P``, ``p``, ``L``), ``\\ell``,
    ``\\Pr``, one in a font (``\\mathcal L``), with one subscript token or group (``p_X``, ``q_{\\phi}``)."""
    n = 0
    kind, text = toks[k][:2]
    if kind == "cmd" and text in _HEAD_FONTS and k + 1 < len(toks) and toks[k + 1][0] == "letter":
        if toks[k + 1][1] in _NOT_OPAQUE:
            return None
        n, letter = 2, toks[k + 1][1]
    elif (kind == "letter" and text not in _NOT_OPAQUE) or (kind == "cmd" and text in ("ell", "Pr")):
        n, letter = 1, text
    else:
        return None
    if k + n < len(toks) and toks[k + n][:2] == ("sym", "_"):
        if k + n + 1 >= len(toks):
            return None
        if toks[k + n + 1][:2] == ("sym", "{"):
            depth, m = 0, k + n + 1
            while m < len(toks):
                depth += {"{": 1, "}": -1}.get(toks[m][1], 0) if toks[m][0] == "sym" else 0
                m += 1
                if depth == 0:
                    break
            n = m - k
        else:
            n += 2
    return n, letter


def atom_key(lhs: str) -> tuple[Key, str] | None:
    """The key of the atom ``lhs`` writes (``P(X \\mid \\theta)``, ``\\log L(\\mu)``, ``\\ln p(\\mathbf t|\\mathbf w)``)
    and its letter, or None when ``lhs`` is not one opaque function applied to arguments (or its log)."""
    toks = _normalized(lhs)
    if not toks:
        return None
    k, log = 0, False
    if toks[0][:2] in (("cmd", "log"), ("cmd", "ln")):
        k, log = 1, True
    wrapped = log and k < len(toks) and toks[k][:2] == ("sym", "(")
    start = k + 1 if wrapped else k
    if start >= len(toks):
        return None
    head = _head_length(toks, start)
    if head is None:
        return None
    open_at = start + head[0]
    if open_at >= len(toks) or toks[open_at][:2] != ("sym", "("):
        return None
    end = _group_end(toks, open_at)
    if end is None or end - open_at < 3:
        return None  # f() is no atom
    if wrapped:
        if end >= len(toks) or toks[end][:2] != ("sym", ")"):
            return None
        end += 1
    if end != len(toks):
        return None
    key = tuple(t[:2] for t in toks[start : end - 1 if wrapped else end])
    inside = key[head[0] + 1 : -1]
    if any(t in _NOT_IN_ARGUMENTS for t in inside):
        return None  # p(x = 0 | mu), P(X > 0), g(x_1, ..., x_n): an event or a tuple derive reads its own way
    if head[1] not in _MODEL_LETTERS and not any(t in (("sym", "|"), ("sym", ";")) for t in inside):
        return None  # K(\\sigma): K times sigma as plausibly as a function K
    return ((("cmd", toks[0][1]),) if log else ()) + key, head[1]


def _core(key: Key) -> Key:
    """The atom of a key, without the log it may be stated through."""
    return key[1:] if key and key[0][0] == "cmd" and key[0][1] in _LOGS else key


def _unknowns(tex: str, symbols: dict[str, str]) -> int | None:
    """How many unknown functions ``tex`` reads with (``P(X | \\theta)``: one), or None when it is no expression."""
    import sympy  # noqa: PLC0415 - only when a display could state a model
    from sympy.core.function import AppliedUndef  # noqa: PLC0415

    if not tex.strip() or len(tex) > _LIMIT:
        return None
    try:
        value = parse_latex(tex, SymbolTable(dict(symbols)))
    except (DeriveError, RecursionError, TypeError, ValueError, AttributeError, NotImplementedError):
        return None
    return len(value.atoms(AppliedUndef)) if isinstance(value, sympy.Expr) else None


def model_statement(lhs: str, rhs: str, line: int, symbols: dict[str, str]) -> ModelStatement | None:
    """The model ``lhs = rhs`` states (see the module), or None. Only the shape is read here: whether the display
    may state a model (its place in the text, an earlier definition) is the caller's."""
    if len(lhs) > 200:
        return None
    found = atom_key(lhs)
    if found is None or _unknowns(rhs, symbols) != 0 or not _unknowns(lhs, symbols):
        return None  # a right side derive cannot evaluate, or a left side it can (\\mathcal N(x | \\mu, \\sigma))
    key, head = found
    rhs_names = names_in(rhs)
    if rhs_names is None or head in rhs_names[0] or any(n.startswith(f"{head}_") for n in rhs_names[0]):
        return None  # K(\\sigma) = K \\sigma: the letter on the right too, so the left may be a product
    inner = lhs[lhs.index("(") + 1 : lhs.rindex(")")]
    arguments = names_in(inner)
    return ModelStatement(
        key, lhs.strip(), rhs.strip(), line, head, frozenset(arguments[0]) if arguments else frozenset()
    )


def _occurrences(tex: str, key: Key) -> list[tuple[int, int]] | None:
    """(start, end) in ``tex`` of each use of the atom ``key``, not after a mark, a font or an underscore
    (``\\hat P(X|\\theta)``, ``\\mathbf p(x)``, ``q_p(x)`` are other functions); a key stated through its log
    is used only under that log (``\\log P(X)`` or ``\\log(P(X))``). None when ``tex`` cannot be read."""
    toks = _normalized(tex)
    if toks is None:
        return None
    log = key[0] if key and key[0][0] == "cmd" and key[0][1] in _LOGS else None
    atom = key[1:] if log else key
    out: list[tuple[int, int]] = []
    n = len(atom)
    k = 0
    while k + n <= len(toks):
        if tuple(t[:2] for t in toks[k : k + n]) != atom:
            k += 1
            continue
        first, last = k, k + n - 1
        if log is not None:
            wrapped = first >= 2 and toks[first - 1][:2] == ("sym", "(") and toks[first - 2][:2] == log
            wrapped = wrapped and last + 1 < len(toks) and toks[last + 1][:2] == ("sym", ")")
            if wrapped:
                first, last = first - 2, last + 1
            elif first >= 1 and toks[first - 1][:2] == log:
                first -= 1
            else:
                k += 1
                continue
        before = toks[first - 1][:2] if first else ("", "")
        marked = before[0] == "cmd" and before[1] in _MARKS
        if marked or before in (("sym", "_"), ("sym", "^")) or (atom[0][0] == "letter" and before[0] == "letter"):
            k += 1  # \\hat P(X), x_p(x), Np(x): another function, or a longer name
            continue
        out.append((toks[first][2], toks[last][2] + 1))
        k = last + 1
    return out


def apply_models(tex: str, models: Iterable[ModelStatement]) -> tuple[str, list[ModelStatement]]:
    """``tex`` with each use of a model's atom replaced by its formula, and the models used. A model whose formula
    holds a name a binder of ``tex`` binds (``\\sum_{n_H}``) is not applied: the names would be captured; nor one
    whose formula does not hold an argument ``tex`` binds (``p(x) = 0.3`` in ``\\int_0^1 p(x) dx``, ``d/dx``): a
    value at a point as plausibly as a formula, and the two differ there."""
    used: list[ModelStatement] = []
    bound = _bound_names(tex)
    for m in models:
        found = names_in(m.formula)
        free = set(found[0]) if found is not None else {"*"}
        spans = _occurrences(tex, m.key)
        if not spans:
            continue
        atom_names = names_in(m.atom)
        held = set(atom_names[0]) if atom_names is not None else set()
        if "*" in free or (free - held) & bound or (m.arguments & bound) - free:
            continue
        for start, end in reversed(spans):
            tex = f"{tex[:start]}\\left({m.formula}\\right){tex[end:]}"
        used.append(m)
    return tex, used


@dataclass
class ModelScope:
    """The model statements of a document, each with where it holds (see the module)."""

    #: (index of the statement's draft, offset it holds until, statement)
    active: list[tuple[int, int, ModelStatement]] = field(default_factory=list)
    #: (index of the second statement's draft, offset the doubt holds until, key, what to say)
    conflicts: list[tuple[int, int, Key, str]] = field(default_factory=list)
    #: draft index -> the model it states (its own step is undecided, saying so)
    statements: dict[int, ModelStatement] = field(default_factory=dict)
    #: draft index -> why it is not checked (a second formula for a model's atom)
    doubted: dict[int, str] = field(default_factory=dict)
    #: draft index -> (item, what the text said) of the values a second formula follows from the first with
    derived: dict[int, list[tuple[str, str]]] = field(default_factory=dict)

    def add(
        self,
        i: int,
        found: ModelStatement,
        until: int,
        at: int,
        same: Callable[[str, str], bool],
        *,
        values: Callable[[int], list[tuple[str, str]]] | None = None,
        case: bool = False,
    ) -> None:
        """Draft ``i`` at offset ``at`` states ``found``, which would hold until ``until``. The log of an atom stated
        before (``\\log P(X) = ...`` after ``P(X) = ...``) is a claim about it, checked with it; the atom itself after
        its log was stated is one too when its log is provably that (else two formulas). A ``case`` (after "If") states
        no model: it is only checked with the values the text gives before it (``values``) when it follows with them."""
        for j, end, m in self.active:
            if j >= i or at >= end:
                continue
            if _core(found.key) == m.key and found.key != m.key:
                return  # \\log P(X) = ... after P(X) = ...: a claim, checked with P(X)'s formula
            if _core(m.key) == found.key and m.key != found.key and not case:
                log = m.key[0][1]
                same_log = same(m.formula, f"\\{log}\\left({found.formula}\\right)")
                self._second(i, end, until, m, found, same=same_log)
                return
            if m.key == found.key:
                if same(m.formula, found.formula):
                    return  # the same formula again: a claim, checked with the first
                given = values(j) if values is not None else []
                items = ", ".join(item for item, _ in given)
                if given and same(f"\\left. {m.formula} \\right|_{{{items}}}", found.formula):
                    # P(X|theta) = theta^9 (1-theta)^4 after "which has $n_H = 9$": checked with those values, and
                    # the formula later steps read from here on
                    self.derived[i] = given
                    if not case:
                        self.active.append((i, until, found))
                    return
                if not case:
                    self._second(i, end, until, m, found, same=False)
                return
        if not case:
            self.active.append((i, until, found))
            self.statements[i] = found

    def _second(self, i: int, end: int, until: int, m: ModelStatement, found: ModelStatement, *, same: bool) -> None:
        """``found`` states the atom of ``m`` again: a claim when provably the same, else two formulas."""
        if same:
            return  # the same formula again: a claim, checked with the first
        said = (
            f"the text gives {found.atom} two formulas: {m.atom} = {m.formula} (line {m.line}) and "
            f"{found.atom} = {found.formula} (line {found.line}); which one holds here?"
        )
        self.doubted[i] = said
        for key in {m.key, found.key, _core(found.key)}:
            self.conflicts.append((i, max(end, until), key, said))

    def for_step(self, i: int, at: int, shadowed: Callable[[int, ModelStatement], bool]) -> list[ModelStatement]:
        """The models a step (draft ``i`` at offset ``at``) is read under: stated before it, in their scope, with
        no second formula before it, and no name of theirs given another meaning in between (``shadowed``)."""
        doubted = {key for j, end, key, _ in self.conflicts if j < i and at < end}
        latest: dict[Key, ModelStatement] = {}  # a formula derived from the first with stated values wins after it
        for j, end, m in self.active:
            if j < i and at < end and m.key not in doubted and not shadowed(j, m):
                latest[m.key] = m
        return list(latest.values())

    def doubt(self, i: int, at: int, tex: str) -> str:
        """Why a step (draft ``i`` at ``at``, sides ``tex``) that uses an atom with two formulas is not checked."""
        if i in self.doubted:
            return self.doubted[i]
        for j, end, key, said in self.conflicts:
            if j < i and at < end and _occurrences(tex, key):
                return said
        return ""
