"""Notation with a second plausible reading (``K(\\sigma)``: K times sigma or a function K; ``\\log ab``)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from derive.errors import DeriveError
from derive.language.symbols import SymbolTable
from derive.latex.grammar_expressions import _read_name
from derive.latex.names import _each_name, names_in
from derive.latex.parser import _Parser
from derive.latex.state import _State
from derive.latex.tokens import (
    _ACCENTS,
    _DISTS,
    _FONTS,
    _FUNCS,
    _FUNCTION_LETTERS,
    _GREEK,
    _KL_NAMES,
    _OPERATOR_NAMES,
    _RELATIONS,
    _TRACE,
    _WORDS,
    _tokenize,
)

if TYPE_CHECKING:
    from derive.latex.tokens import _Tok


#: Names whose application to a bracket derive knows: functions it reads, constants, operators.
_KNOWN_APPLIED = frozenset(
    {"sigma", "Gamma", "delta", "nabla", "I", "det", "min", "max", *_KL_NAMES, *_OPERATOR_NAMES, *_DISTS}
    | _WORDS
    | _TRACE
    | set(_FUNCS)
)
_GREEK_CAPITALS = frozenset(g for g in _GREEK if g[0].isupper())


def ambiguous_readings(
    tex: str,
    known: frozenset[str] | set[str],
    random: frozenset[str] | set[str],
    meant: frozenset[str] | set[str] | None = None,
) -> list[tuple[str, str]]:
    """The notation in ``tex`` that derive reads one way although another reading is as plausible.

    - ``K(\\sigma)``, ``K(x - y)``, ``H[x]``, ``H[q(z)]``: an undeclared name before a bracket is
      read as a factor (K·σ); it may be a function K of σ. Reported when the bracket holds one
      name, a parenthesis does not use the name itself (``x(1 - x)``, ``N(N - 1)`` are products),
      or it is a square bracket after a capital; names
      derive reads as functions (``f``, ``p``, ``\\Phi``, ``h'``) or knows (``\\sigma(a)``,
      ``\\Gamma(x)``, ``\\mathrm{Exp}(\\lambda)``) are not.
    - ``E(\\mathbf{w})``: an expectation of w, or a function E of w (an error function), when
      nothing random is in the bracket.
    - ``\\pi(a)``, ``e(x)``: the constant times a, or a function (a policy) of a.
    - ``E[2x]``, ``E_D[w]``, ``E(x)`` of a random x: a plain E the text gives a meaning of its
      own (``E(w) = w^2``, ``E = mc^2``, ``symbols: {E: real}``) is read as an expectation by the
      parser, so the text's E is the other reading (``\\mathbb{E}`` is the expectation by its font).

    ``\\sigma(...)`` is the sigmoid by the notation profile (the README), declared σ or not.

    ``known``: names declared (symbols, functions) or defined, whose reading is settled.
    ``meant``: of those, the names the text gives a meaning other than an expectation's; None: all
    of ``known`` (a statement ``E[X] = \\mu`` is about an expectation, and a caller that can tell
    it from ``E(w) = w^2`` leaves its E out).
    Each entry is (the name, what it says: "K(\\sigma) may be K·(sigma) or a function K of sigma").
    """
    try:
        toks = _tokenize(tex)
    except DeriveError:
        return []

    def read(p: _Parser) -> str:
        t = p.peek()
        return p.name_suffixes("pi") if t.kind == "cmd" and t.text == "pi" and p.next() else _read_name(p)

    out: list[tuple[str, str]] = []
    starters = _GREEK | _FONTS | set(_ACCENTS) | {"pi"}
    # a name the step also writes as a value (a(1 - 2p) beside (a + 2)p, t_n(1 - y_n) beside (1 - t_n)):
    # one name means one thing within a step, so before a bracket it is a factor, not a function
    bare = {name for _, p, name in _each_name(tex, toks, starters, read) if name is not None and not _applied(p)}
    for j, p, name in _each_name(tex, toks, starters, read):
        if name is None:
            continue
        t = toks[j]
        after_script = j > 0 and toks[j - 1].kind == "sym" and toks[j - 1].text in ("^", "_")
        if not p.at_sym("(", "[") or after_script:
            continue  # x^T(x - mu), e^x(1 + x): a superscript is not applied to what follows
        shadowed = name in (known if meant is None else meant) and _plain_expectation(name, t)
        if name in known and not shadowed:
            continue
        close = {"(": ")", "[": "]"}[p.peek().text]
        start = p.i
        try:
            inner = p.balanced(p.peek().text, close)
        except (DeriveError, RecursionError):
            continue
        shown = tex[t.pos : toks[p.i - 1].pos + 1]
        args = names_in(tex[toks[start].pos : toks[p.i - 1].pos + 1]) if inner else None
        arg_names = args[0] if args is not None else frozenset()
        if shadowed:
            # E(w) = w^2 or E = mc^2 in the text, then E[2x]: the parser still reads an unknown-law
            # expectation, to which linearity applies; the text's E is as plausible. E(w) of nothing
            # random is already an unknown function (or, E declared, a product), to which none applies
            if name == "V":
                out.append((name, f"{shown} may be a variance or the {name} the text defines or declares"))
            elif toks[start].text == "[" or arg_names & set(random):
                out.append((name, f"{shown} may be an expectation or the {name} the text defines or declares"))
            continue
        upright = t.kind == "cmd" and t.text in ("mathrm", "operatorname", "mathsf", "text")
        if name == "H" and upright and close == "]" and arg_names and arg_names <= set(random):
            continue  # \mathrm{H}[x] of a random variable: the entropy, as the probability profile reads it
        said = _other_reading(name, t, bracket=toks[start].text, inner=inner, arg_names=arg_names, random=random)
        if said and name not in bare:
            out.append((name, f"{shown} may be {said}"))
    return out


#: ``I_{nk}``, ``I_{k,j}``: a capital I with two different index letters.
_I_ENTRY = re.compile(r"(?<![A-Za-z\\])I\s*_\s*\{\s*([a-z])\s*,?\s*([a-z])\s*\}")


def _indicator_or_delta(tex: str, declared: frozenset[str] | set[str]) -> str:
    """``I_{nk}`` (I not declared) under a sum over n or k, which the parser sums out as a Kronecker delta
    (``\\sum_k I_{kj} a_k = a_j``), or "". In mixture models and classification the same notation is an
    indicator matrix (``\\sum_n I_{nk} = N_k``, ``\\sum_k I_{nk} = 1`` for one-hot rows), under which the
    delta's verdict may be wrong either way: a verdict must hold under both."""
    for m in _I_ENTRY.finditer(tex):
        first, second = m.group(1), m.group(2)
        if first == second or "I" in declared or f"I_{first}{second}" in declared:
            continue
        if any(
            re.search(r"\\(?:sum|prod)\s*(?:\\limits\s*)?_\s*\{?\s*" + letter + r"(?![A-Za-z])", tex)
            for letter in (first, second)
        ):
            return m.group(0).replace(" ", "")
    return ""


def _applied(p: _Parser) -> bool:
    """Whether the name just read by ``p`` stands before a bracket (``K(``, ``K\\left(``, ``H[``)."""
    t = p.peek()
    if t.kind == "cmd" and t.text in ("left", "big", "Big", "bigg", "Bigg", "bigl", "Bigl"):
        t = p.peek(1)
    return t.kind == "sym" and t.text in ("(", "[")


def _plain_expectation(name: str, first: _Tok) -> bool:
    """Whether ``name`` is a plain letter E (``E``, ``E_D``) the parser reads as an expectation before
    a bracket; ``\\mathbb{E}``, ``\\mathrm{E}`` are the expectation by their font."""
    if name == "V" and first.kind == "cmd" and first.text == "mathbb":
        return True  # \\mathbb{V}[x] is read as the variance: a V the text gives a meaning is as plausible
    return (name == "E" or name.startswith("E_")) and first.kind == "letter" and first.text == "E"


def _other_reading(
    name: str,
    first: _Tok,
    *,
    bracket: str,
    inner: list[_Tok],
    arg_names: frozenset[str],
    random: frozenset[str] | set[str],
) -> str:
    """What ``name`` before ``bracket`` may also mean (see `ambiguous_readings`), or ""."""
    if name.startswith("E_"):
        return ""  # E_p[...], E_{x \\sim p}(...): an expectation with its law
    if name == "E":
        blackboard = first.kind == "cmd" and first.text == "mathbb"  # \\mathbb{E}(X) is an expectation
        if bracket == "(" and not blackboard and not arg_names & random:
            return f"an expectation or a function E of {', '.join(sorted(arg_names)) or 'it'}"
        return ""
    base = name.split("_", 1)[0]
    if name == "O" and bracket == "(" and len(arg_names) == 1 and _power_tokens(inner):
        return ""  # O(\\epsilon^2), O(1/n): a Landau remainder (grammar_functions.landau_term)
    if name == "I" and _single_name(inner):
        # I(s_i): the information content of s_i as often as I times it (an identity is I_n)
        what = _single_name(inner)
        return f"{name}·({what}) or a function {name} of {what}"
    if base == "V" and name != "V" and first.kind == "cmd" and first.text == "mathbb":
        # \\mathbb{V}_q[2u]: the variance under q, which the parser does not read with a label, or V_q times it
        return f"the variance under the law {name[2:]} or {name}·(its argument)"
    if name in _KNOWN_APPLIED or {name, base} & _FUNCTION_LETTERS or name.endswith("_prime") or name in random:
        return ""
    if any(u.kind == "sym" and u.text in (",", "|") for u in _top_level(inner)):
        return ""  # f(a, b), q(z | x): read as applications already
    single = _single_name(inner)
    capital = base[:1].isupper() or base in _GREEK_CAPITALS
    if single or (capital and bracket == "["):
        what = single or "its argument"
        return f"{name}·({what}) or a function {name} of {what}"
    inside = arg_names | {n.split("_", 1)[0] for n in arg_names}  # y(1 - \\hat y) uses y too
    if bracket == "(" and inner and name not in inside and base not in inside:
        # K(x - y), R(\theta + 1), \pi(a + 1): a product, or a function (a kernel, a policy) of it
        return f"{name}·(its argument) or a function {name} of its argument"
    return ""  # x(1 - x), N(N - 1): the name inside its own argument, a product


def _power_tokens(inner: list[_Tok]) -> bool:
    """Whether a bracket holds only a power of its one name: ``\\epsilon^2``, ``n^{-1}``, ``1/n``, ``2h^3``."""
    prev = ""
    for t in inner:
        ok = t.kind in ("letter", "num") or (t.kind == "cmd" and t.text in _GREEK) or t.text in ("^", "{", "}", "/")
        ok = ok or (t.kind == "cmd" and t.text == "frac") or (t.text == "-" and prev in ("^", "{"))
        if not ok:
            return False
        prev = t.text
    return True


#: ``x^{(1)}``, ``W^{[2]}``: a superscript that is a whole bracket is an index label (a sample, a
#: layer) as often as a power.
_LABEL_SUPERSCRIPT = re.compile(r"\^\s*\{\s*[(\[][^{}()\[\]]*[)\]]\s*\}")
#: ``\sigma^{-1}(a)``, ``\sigma^2(a)``, ``f^{2}(x)``: a function name with a power before its argument: an
#: inverse or an iterate, a power of the value, or a product.
_POWERED_CALL = re.compile(
    r"(?<![A-Za-z\\])(?P<name>\\(?:sigma|phi|psi|varphi|Phi|Psi)(?![A-Za-z])|[fghpq](?![A-Za-z]))"
    r"\s*\^\s*(?P<power>\{[^{}]*\}|[0-9A-Za-z])\s*(?:\(|\\left\s*\()"
)
#: ``1/2x``, ``a/bc``: 1/(2x) or (1/2)x.
_SLASH_PRODUCT = re.compile(
    r"(?<![A-Za-z0-9}\\])(?:\d+(?:\.\d+)?|[A-Za-z])\s*/\s*(?:\d+(?:\.\d+)?|[A-Za-z])"
    r"(?=\s*(?:[A-Za-z]|\\(?:" + "|".join(sorted(_GREEK)) + r")(?![A-Za-z])))"
)
_SIGMA_CALL = re.compile(r"\\sigma\s*(?:\(|\\left\s*\()")
_SIGMA_BARE = re.compile(r"\\sigma(?![A-Za-z])(?!\s*(?:\(|\\left|_|\^))")


def notation_readings(tex: str, declared: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Notation in ``tex`` with two plausible readings that no declaration of a name's kind
    settles (see `ambiguous_readings` for names before a bracket), each said in words:

    - ``x^{(1)}``, ``W^{[2]}``: a power, or an index label (the first sample, the second layer);
    - ``\\sigma^{-1}(a)``, ``\\sigma^2(a)``: the inverse (logit) or iterate, a power of σ(a), or σ^k·a;
    - ``1/2x``: 1/(2x) or x/2;
    - ``\\sigma(x + 1) = \\sigma x + \\sigma`` when σ is ``declared`` as a quantity and the text
      also uses it bare: the sigmoid, or σ·(x + 1) (``\\sigma(a)`` alone stays the sigmoid, the
      notation profile's reading, so a homework may declare the Gaussian σ and use σ(a)).
    """
    out: list[str] = []
    m = _LABEL_SUPERSCRIPT.search(tex)
    if m:
        label = m.group(0).strip()
        out.append(f"{label} may be a power or an index label (a sample, a layer); write it as a subscript")
    for m in _POWERED_CALL.finditer(tex):
        power = m.group("power").strip("{} ")
        if power in ("\\prime", "'", "\\prime\\prime", "''", "T", "\\top", "*") or "prime" in power:
            continue
        name = m.group("name")
        out.append(
            f"{name}^{{{power}}}(...) may be the inverse or an iterate of {name}, a power of its value, or a "
            f"product; write \\left({name}(\\cdot)\\right)^{{{power}}}, or name the inverse "
            "(e.g. \\operatorname{logit})"
        )
        break
    m = _SLASH_PRODUCT.search(tex)
    if m:
        out.append(f"{m.group(0).strip()}... may be read as a/(b·c) or (a/b)·c; write \\frac{{..}}{{..}}")
    try:
        toks = _tokenize(tex)
    except DeriveError:
        toks = []
    if "i" not in declared and not _BINDS_I.search(tex) and _bare_letter(toks, "i"):
        out.append(
            "i may be the imaginary unit or an index/real variable; declare `i: real` (a variable) or write "
            "\\mathrm{i} for the imaginary unit"
        )
    said = _log_of_product(toks)
    if said:
        out.append(
            f"\\{said} without brackets before several factors may be the log of their product or the log of "
            f"the first times the rest; write \\{said}(...) around what it applies to"
        )
    pairs = _pairs_or_fixed(tex)
    if pairs:
        out.append(
            f"\\sum_{{... \\ne {pairs}}} with {pairs} used nowhere else may leave out one fixed {pairs} or run over "
            f"all pairs with different indices; write \\sum_{pairs} \\sum_{{... \\ne {pairs}}} for the pairs"
        )
    count = _unbounded_with_count(tex)
    if count:
        out.append(
            f"a sum without bounds next to {count} may run from 1 to {count} or over another index set; write "
            f"the bounds, _{{i=1}}^{{{count}}}"
        )
    same = _bounded_and_not(tex)
    if same:
        out.append(
            f"\\sum_{same} without bounds (an unspecified finite index set) and a sum over {same} with bounds may "
            f"run over the same indices or not; write the bounds on every sum over {same}"
        )
    over = _named_set_doubt(tex)
    if over:
        out.append(over)
    indicator = _indicator_or_delta(tex, declared)
    if indicator:
        out.append(
            f"{indicator} under a sum over its index may be an entry of the identity (a Kronecker delta) or of "
            "another matrix (an indicator, 1 when item n is in class k); write \\delta for the first, or "
            "another letter (z_{nk}) for the second"
        )
    numbered = sorted(n for n in (names_in(tex) or (frozenset(), frozenset()))[0] if _DELTA_OF_NUMBERS.fullmatch(n))
    if numbered:
        out.append(
            f"{numbered[0]} may be a Kronecker delta (1 when its two numbers agree, else 0) or an entry of a "
            "quantity delta; write 1 or 0, or declare it under symbols:"
        )
    operator = _derivative_of_bracket_then_factor(tex)
    if operator:
        out.append(
            f"{operator}[...] followed by more factors may differentiate the bracket alone (then multiply) or the "
            "whole product; write the product inside the bracket, or the factors before the derivative"
        )
    if "sigma" in declared and _SIGMA_CALL.search(tex) and _SIGMA_BARE.search(tex):
        out.append(
            "\\sigma(...) may be the sigmoid or the declared quantity σ times the bracket; declare "
            "`functions: [sigma]` for the sigmoid, or write \\sigma \\cdot (...)"
        )
    return out


#: ``\\sum_j``, ``\\sum_{k=1}``, ``\\prod_{\\mathbf x}``: a big operator's subscript (group 1).
_BIG_SUBSCRIPT = re.compile(r"\\(?:sum|prod)\s*(?:\\limits\s*)?_\s*(\{(?:[^{}]|\{[^{}]*\})*\}|\\?[A-Za-z]+)")
_INDEX_LETTER = re.compile(r"\s*\{?\s*(?:\\(?:mathbf|boldsymbol|bm|mathrm)\s*\{?\s*)?([A-Za-z])")


_EXCLUDING = re.compile(r"\\(?:sum|prod)\s*(?:\\limits\s*)?_\s*\{[^{}]*\\neq?\s*([A-Za-z])\s*\}")
_NAME_USE = r"(?<![A-Za-z\\]){letter}(?![A-Za-z])"


def _pairs_or_fixed(tex: str) -> str:
    """The excluded index of a ``\\sum_{k \\ne i}`` that ``tex`` uses only in that sum's own summand
    and no outer sum binds (all pairs k ≠ i, or one fixed i?), or ""."""
    for m in _EXCLUDING.finditer(tex):
        letter = m.group(1)
        if re.search(r"\\(?:sum|prod)\s*_\s*\{?\s*" + letter + r"(?![A-Za-z])", tex):
            continue  # an outer \sum_i binds it
        end = _summand_end(tex, m.end())
        outside = tex[: m.start()] + " " + tex[end:]
        if not re.search(_NAME_USE.format(letter=letter), outside):
            return letter
    return ""


def _summand_end(tex: str, i: int) -> int:
    """Where the summand starting at ``tex[i]`` ends: the next ``+``, ``-``, ``=`` or relation at its level."""
    depth = 0
    while i < len(tex):
        c = tex[i]
        if c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
            if depth < 0:
                return i
        elif depth == 0 and c in "+-=<>&":
            return i
        i += 1
    return i


#: Names texts give the number of terms of a sum (1/N Σ_i): next to a sum without bounds, its range.
_COUNT_NAMES = ("N", "M", "K", "T", "n", "m")
#: ``\\sum t_n``: a sum with neither subscript nor superscript.
_BARE_SUM = re.compile(r"\\(?:sum|prod)(?![A-Za-z])\s*(?:\\limits(?![A-Za-z])\s*)?(?![\s_^])")


def _unbounded_with_count(tex: str) -> str:
    """A count name (``N``) in ``tex`` when it also has a sum without bounds, or ""."""
    unbounded = [
        m for m in _BIG_SUBSCRIPT.finditer(tex) if "=" not in m.group(1) and not tex[m.end() :].lstrip().startswith("^")
    ]
    if not unbounded and not _BARE_SUM.search(tex):  # \sum t_n: its index found after it (sums_unbounded)
        return ""
    found = names_in(tex)
    names = found[0] if found is not None else frozenset()
    indices = {letter.group(1) for m in unbounded if (letter := _INDEX_LETTER.match(m.group(1)))}
    return next((n for n in _COUNT_NAMES if n in names and n not in indices), "")


#: ``\\sum_{n \\in C_k}``, ``\\prod_{x \\in \\mathcal{D}}``: a sum over a named set (groups: its index, the set).
_SET_SUM = re.compile(
    r"\\(?:sum|prod)\s*(?:\\limits\s*)?_\s*\{\s*(?:\\[A-Za-z]+\s*)?\{?\s*(?P<index>[A-Za-z])\s*\}?\s*\\in(?![A-Za-z])\s*"
    r"(?P<set>(?:\\math(?:cal|scr|frak)\s*\{?\s*)?[A-Z]\s*\}?\s*(?:_\s*(?:\{[A-Za-z0-9\s]*\}|[A-Za-z0-9]))?)\s*\}"
)


def _named_set_doubt(tex: str) -> str:
    """Why a sum over a named set (``\\sum_{n \\in C_k}``, read as an index set of its own size |C_k|) may
    mean more than derive reads, or "": another sum in the step may run over part of the same indices
    (C_k within 1..N, or not); the set's name is used outside the sum (``|C_k|``: its size?); a count
    (``N_k``, ``N``) may be its size, which derive reads as a number of its own."""
    found = [m for m in _SET_SUM.finditer(tex)]
    if not found:
        return ""
    sets = {re.sub(r"\s+", "", m.group("set")) for m in found}
    shown = ", ".join(sorted(sets))
    starts = {m.start() for m in found}
    if any(m.start() not in starts for m in _BIG_SUBSCRIPT.finditer(tex)):
        return (
            f"a sum over {shown} and another sum in one step may run over overlapping indices or not; write the "
            "bounds of every sum"
        )
    rest = _SET_SUM.sub("", tex)
    found_names = names_in(rest)
    names = found_names[0] if found_names is not None else frozenset()
    written = _entry_outside(names, {m.group("index") for m in found})
    if written:
        return (
            f"{written} names an entry of a family the sum over {shown} also runs over, and derive does not know "
            f"which indices {shown} holds (whether it holds that one or not); list the set or write the bounds, "
            "_{n=1}^{N}"
        )
    # a calligraphic set is met again only in its font (\\mathcal{D} of data next to a dimension D)
    plain = {s for s in sets if not s.startswith("\\")}
    fonts = {s for s in sets if s.startswith("\\") and re.sub(r"\s+", "", rest).find(s) >= 0}
    again = sorted((names & {s.replace("{", "").replace("}", "") for s in plain}) | fonts)
    if again:
        return f"{', '.join(again)} also appears outside the sum over it (its size?), which derive does not read"
    counts = sorted(n for n in names if n.split("_")[0] in _COUNT_NAMES)
    if counts:
        return (
            f"{counts[0]} may be the size of {shown}, which derive reads as a number of its own; write the bounds, "
            f"_{{n=1}}^{{{counts[0]}}}"
        )
    return ""


#: ``delta_11``, ``delta_2,1``: a delta of two numbers (a Kronecker delta's value, or an entry of delta).
_DELTA_OF_NUMBERS = re.compile(r"delta_\d,?\d")
#: ``\\frac{d}{dx}``, ``\\dfrac{\\partial}{\\partial w}`` right before a bracket (``(``, ``[``, ``\\left[``).
_DERIVATIVE_BRACKET = re.compile(
    r"\\[dt]?frac\s*\{\s*(?:d|\\partial)\s*\}\s*\{[^{}]*\}\s*(?:\\left\s*|\\(?:big|Big|bigg|Bigg)l?\s*)?[\[(]"
)
#: What may follow a derivative's bracket without multiplying it: a sum, relation, end of a group or row.
_NOT_A_FACTOR = re.compile(
    r"$|[-+=<>&,.;)\]}|]|\\(?:right|[lg]eq?|neq?|ne|approx|equiv|sim|propto|quad|qquad|text|mathrm\{\s*(?:for|if)|"
    r"[Bb]ig+[rg]?|\\|end|pm|mp|le|ge|ll|gg|to|implies|Rightarrow|iff)(?![a-z])"
)


def _derivative_of_bracket_then_factor(tex: str) -> str:
    """``\\frac{d}{dx}[A]\\,B``: the derivative operator before a bracket that more factors follow, or "".
    derive reads the operator as applying to the whole product A B; a reader may mean (dA/dx) B, and the
    two differ whenever B depends on x."""
    for m in _DERIVATIVE_BRACKET.finditer(tex):
        close = _closing(tex, m.end())
        if close >= len(tex):
            continue
        # a power or index of the bracket belongs to the operand: (w x - y)^2
        after = re.sub(r"^(?:\s|\\[,;:! ]|[\^_]\s*(?:\{[^{}]*\}|\\?[A-Za-z0-9]+))*", "", tex[close + 1 :])
        after = re.sub(r"^(?:\\cdot|\\times)\s*", "", after)
        if not _NOT_A_FACTOR.match(after):
            return tex[m.start() : m.end() - 1].rstrip().removesuffix("\\left").rstrip()
    return ""


def _closing(tex: str, i: int) -> int:
    """Where the bracket opened just before ``tex[i]`` closes (its closing character), or len(tex)."""
    depth = 1
    for k in range(i, len(tex)):
        if tex[k] in "{([":
            depth += 1
        elif tex[k] in "})]":
            depth -= 1
            if depth == 0:
                return k
    return len(tex)


def _entry_outside(names: frozenset[str], indices: set[str]) -> str:
    """An entry (``x_1``, ``x_j``, ``r_{1k}``) of a family whose entries a sum over a named set also takes
    (``x_n``, ``r_{nk}`` under ``\\sum_{n \\in C_k}``) by an index no such sum binds, or "". derive reads the set
    as 1..|C_k|, so it would take 1 (or j) to be a member; the text has not said which indices the set holds."""
    entries: dict[str, list[list[str]]] = {}
    for name in names:
        base, _, script = name.partition("_")
        parts = script.split(",") if "," in script else list(script)
        # a subscript that is a word (x_ML, x_max) names a quantity, not an entry of the family x
        if base and script and all(len(p) == 1 and (p.isdigit() or p.islower()) for p in parts):
            entries.setdefault(base, []).append(parts)
    for base, scripts in sorted(entries.items()):
        if not any(indices & set(parts) for parts in scripts):
            continue
        outside = sorted(f"{base}_{''.join(parts)}" for parts in scripts if not indices & set(parts))
        if outside:
            return outside[0]
    return ""


def _bounded_and_not(tex: str) -> str:
    """An index letter that one sum in ``tex`` takes without bounds (``\\sum_n``) and another with
    bounds (``\\sum_{n=1}^N``), or ""."""
    bounded: set[str] = set()
    unbounded: set[str] = set()
    for m in _BIG_SUBSCRIPT.finditer(tex):
        letter = _INDEX_LETTER.match(m.group(1))
        if letter is None:
            continue
        with_upper = tex[m.end() :].lstrip().startswith("^")
        (bounded if "=" in m.group(1) or with_upper else unbounded).add(letter.group(1))
    return min(bounded & unbounded, default="")


_BINDS_I = re.compile(r"\\(?:sum|prod)\s*_\s*\{?\s*i(?![A-Za-z])")
_TEXT_GROUPS = frozenset({"text", "textrm", "mathrm", "operatorname", "mbox", "label", "tag", "begin", "end"})


def _past(toks: list[_Tok], k: int, opening: str, closing: str) -> int:
    """The index after the bracket ``opening``..``closing`` that starts at ``toks[k]`` (the end if unclosed)."""
    depth = 0
    while k < len(toks):
        if toks[k].kind == "sym" and toks[k].text == opening:
            depth += 1
        elif toks[k].kind == "sym" and toks[k].text == closing:
            depth -= 1
            if depth == 0:
                return k + 1
        k += 1
    return k


def _skip_group(toks: list[_Tok], k: int) -> int:
    """The index after the group or single token starting at ``toks[k]``."""
    if k < len(toks) and toks[k].kind == "sym" and toks[k].text == "{":
        return _past(toks, k, "{", "}")
    return k + 1


def _bare_letter(toks: list[_Tok], letter: str) -> bool:
    """Whether ``letter`` occurs outside subscripts and text (``x_{n,i}`` does not count, ``e^{i\\pi}`` does)."""
    k = 0
    while k < len(toks):
        t = toks[k]
        if t.kind == "sym" and t.text == "_":
            k = _skip_group(toks, k + 1)
            continue
        if t.kind == "cmd" and t.text in _TEXT_GROUPS:
            k = _skip_group(toks, k + 1)
            continue
        if t.kind == "letter" and t.text == letter:
            return True
        k += 1
    return False


_PRODUCT_ENDS = frozenset({"+", "-", "=", "<", ">", ")", "]", "}", ",", ";", "|", "&", "\\\\"})


def _log_of_product(toks: list[_Tok]) -> str:
    """``log`` or ``ln`` when one is written without brackets before a product of several factors
    (``\\log \\sigma(a) \\sigma(b)``, ``\\log x y``), else ""."""
    for k, t in enumerate(toks):
        if not (t.kind == "cmd" and t.text in ("log", "ln")):
            continue
        j = k + 1
        while j < len(toks) and toks[j].kind == "sym" and toks[j].text in ("_", "^"):
            j = _skip_group(toks, j + 1)  # \log_2, \log^2
        if (
            j >= len(toks)
            or (toks[j].kind == "sym" and toks[j].text in ("(", "[", "{"))
            or (toks[j].kind == "cmd" and toks[j].text in ("left", "big", "Big", "bigg", "Bigg", "bigl", "Bigl"))
        ):
            continue
        if toks[j].kind == "cmd" and toks[j].text in ("sum", "prod", "int", "iint", "oint", "lim", "max", "min"):
            continue  # \\log \\prod_i x_i: the big operator takes all that follows
        # one factor: a name, number or command with its scripts and an applied bracket
        if toks[j].kind == "sym" and toks[j].text == "|":
            # \\log|X|, \\log|\\Sigma|: a determinant or absolute value is one factor, to its closing bar
            close = next((m for m in range(j + 1, len(toks)) if toks[m].kind == "sym" and toks[m].text == "|"), None)
            if close is None:
                continue
            j = close + 1
        elif toks[j].kind == "cmd" and toks[j].text in _FONTS | set(_ACCENTS):
            j = _skip_group(toks, j + 1)
        elif toks[j].kind == "cmd" and toks[j].text == "det" and j + 1 < len(toks) and toks[j + 1].kind == "letter":
            j += 2  # \\log\\det S: the determinant of the one name after it is one factor
        else:
            j += 1
        while j < len(toks) and toks[j].kind == "sym" and toks[j].text in ("_", "^", "'"):
            j = j + 1 if toks[j].text == "'" else _skip_group(toks, j + 1)
        if j < len(toks) and toks[j].kind == "sym" and toks[j].text == "(":
            j = _past(toks, j, "(", ")")
        if j >= len(toks):
            continue
        nxt = toks[j]
        if nxt.kind == "sym" and nxt.text in _PRODUCT_ENDS:
            continue
        if nxt.kind == "cmd" and (nxt.text in _RELATIONS or nxt.text in ("\\", "right", "end", "cdot", "times")):
            continue
        if nxt.kind == "letter" and nxt.text == "d" and j + 1 < len(toks) and toks[j + 1].kind in ("letter", "cmd"):
            continue  # \\int \\log 2 \\, dx: the differential ends the integrand
        if nxt.kind in ("letter", "num", "cmd") or (nxt.kind == "sym" and nxt.text == "("):
            return t.text
    return ""


def _top_level(toks: list[_Tok]) -> list[_Tok]:
    depth, out = 0, []
    for t in toks:
        if t.kind == "sym" and t.text in ("(", "[", "{", "\\{"):
            depth += 1
        elif t.kind == "sym" and t.text in (")", "]", "}", "\\}"):
            depth -= 1
        elif depth == 0:
            out.append(t)
    return out


def _single_name(toks: list[_Tok]) -> str:
    """The name a bracket holds when it holds exactly one (``(\\sigma)``, ``[\\mathbf{x}]``), else ""."""
    if not toks:
        return ""
    state = _State(table=SymbolTable(), text="", random={}, found={}, implicit=set())
    p = _Parser(list(toks), state)
    try:
        name = _read_name(p)
    except (DeriveError, RecursionError):
        return ""
    return name if p.peek().kind == "end" else ""
