"""Grammar mixin of `derive.latex.parser._Parser`: sums, products, powers, atoms, brackets, names."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import sympy
from sympy import S
from sympy.core.function import AppliedUndef

from derive.errors import LatexError
from derive.language._exact import _ceiling, _factorial, _floor
from derive.language._indexed import index_terms
from derive.language.functions import sigmoid
from derive.latex.ellipsis import ELLIPSES, read_tuple
from derive.latex.entry_notation import identity_entries
from derive.latex.grammar_linear import _det, _is_matrix, _scalar, _transpose
from derive.latex.norm_limits import opens_substituted, substituted
from derive.latex.structure_entries import subscripted_value
from derive.latex.tokens import _ACCENTS, _ARROWS, _BOLD, _DISTS, _FONTS, _GREEK, _KL_NAMES, _MULTIPLY, _RELATIONS
from derive.tiers._linearity import is_unknown_law

#: Commands that end a product: a bar, a membership (``X \\in``, ``X \\notin``, ``X \\not\\in``), a line break.
_NOT_FACTORS = frozenset({"div", "mid", "in", "notin", "not", "\\", "circ"})
#: The letters whose subscript makes a declaration speak for a whole family (a_i > 0: every a_k).
_FAMILY_LETTERS = frozenset("ijklmn")

if TYPE_CHECKING:
    from derive.latex.parser import _Parser
    from derive.latex.tokens import _Tok


def _read_name(p: _Parser) -> str:
    """The name that starts at the parser's position (a letter, Greek letter, font or accent)."""
    t = p.next()
    if t.kind == "letter" or (t.kind == "cmd" and t.text in _GREEK):
        return p.name_suffixes(t.text)
    if t.kind == "cmd" and t.text == "pi" and (p.at_sym("_", "'") or p._at_star_superscript()):
        return p.name_suffixes("pi")  # \pi_k, \pi^*: a name (mixture weights, a policy), not the constant
    if t.kind == "cmd" and t.text in _FONTS | set(_ACCENTS):
        return p.name_suffixes(accented_name(p, p.group_tokens(), _ACCENTS.get(t.text, "")))
    raise p.fail(f"expected a name, found {t!r}")


#: Fonts that write a word as text: in a script it is a label (``x_\\text{max}``), never a product of letters.
_TEXT_FONTS = frozenset({"text", "textrm", "textit", "textbf", "textsf", "mbox", "mathrm", "operatorname"})


#: Upright fonts: an i or j in one is the imaginary unit (ISO 80000-2).
_UPRIGHT = frozenset({"mathrm", "text", "textrm", "operatorname", "rm", "mathup", "textup"})


def _text_word(toks: list[_Tok]) -> bool:
    """Whether ``toks`` (a script's group) is a word of two or more letters in a text font."""
    inner = [t for t in toks if not (t.kind == "sym" and t.text in "{}")]
    if not inner or inner[0].kind != "cmd" or inner[0].text not in _TEXT_FONTS:
        return False
    rest = inner[1:]
    return sum(len(t.text) for t in rest) >= 2 and all(t.kind in ("letter", "word") for t in rest)


def accented_name(p: _Parser, toks: list[_Tok], suffix: str) -> str:
    """The name under a font or an accent: ``\\hat{\\mu}`` -> mu_hat; ``\\hat{\\mu_k}`` -> mu_hat_k, the name
    ``\\hat{\\mu}_k`` gives (the accent over a subscripted name; a power inside, ``\\hat{\\sigma^2}``, is not one)."""
    inner = p.sub(toks)
    bare = toks[1:-1] if len(toks) > 2 and toks[0].text == "{" and toks[-1].text == "}" else toks
    if not suffix and bare and bare[0].kind == "cmd" and bare[0].text in _ACCENTS:
        # \boldsymbol{\hat{\beta}}: a font over an accented name is that name (beta_hat), as an expression reads it
        accented = p.sub(bare)
        try:
            name = _read_name(accented)
        except LatexError:
            name = None
        if name is not None and accented.peek().kind == "end":
            return name
    try:
        base = inner.base_name()
    except LatexError:
        if not suffix or not any(t.kind == "sym" and t.text == "_" for t in toks):
            raise
        name = _read_name(inner)
        if inner.peek().kind != "end" or "_" not in name:
            raise
        head, _, rest = name.partition("_")
        return f"{head}_{suffix}_{rest}"
    return f"{base}_{suffix}" if suffix else base


def _ellipsis_reason(name: str) -> str:
    """Why an ellipsis left after `derive.latex.ellipsis.rewrite_ellipses` is not read."""
    if name in ("vdots", "ddots", "iddots", "adots"):
        return f"\\{name} outside a matrix derive can write out"
    return (
        f"an ellipsis \\{name} here (a list or a point of unwritten length; derive reads x_1 + x_2 + \\{name} + x_n, "
        f"a_1 a_2 \\{name} a_n and f(x_1, \\{name}, x_n) of an unknown f)"
    )


def _unwrap_name(p: _Parser, start: int, inner: list[_Tok]) -> bool:
    """``{\\boldsymbol{w}}_{ML}``: TeX's grouping around a name before its subscript is the name w_ML. When
    the group just read (from ``start``) is one such name, its braces are dropped and the parser steps back."""
    if not (p.at_sym("_") and _lone_name(inner)):
        return False
    p.toks[start : p.i] = inner
    p.i = start
    return True


def _lone_name(toks: list[_Tok]) -> bool:
    """Whether ``toks`` are one name without scripts: ``w``, ``\\theta``, ``\\mathbf{w}``, ``\\hat{\\mu}``
    (a font or accent over one letter or Greek letter). A script inside (``{x_1}_2``, ``{x^2}_i``)
    or several letters (``{ab}_i``: an entry of a product?) are not one name."""
    words = [t for t in toks if not (t.kind == "sym" and t.text in "{}")]
    *marks, last = words or [None]
    if last is None or not (last.kind == "letter" or (last.kind == "cmd" and last.text in _GREEK | {"pi"})):
        return False
    if any(not (m.kind == "cmd" and (m.text in _FONTS or m.text in _ACCENTS)) for m in marks):
        return False
    return len(last.text) == 1 or last.kind == "cmd"


def _family_entry(p: _Parser, name: str) -> Any:
    """The symbol of a plain name, with its family's kind when it is an entry (`_family_entry_kind`), or
    the family's value when the document defines the family (`_family_instance`)."""
    instance = _family_instance(p, name)
    if instance is not None:
        return instance
    _family_entry_kind(p, name)
    return p.symbol(name)


def _family_entry_kind(p: _Parser, name: str) -> None:
    """``a_1`` after "let $a_i > 0$": the family's kind reaches the entry (log(a_1 a_2) splits).

    Only a declaration under an index letter (i to n) is a family's: sigma_x is one name.
    Read as an undeclared real, a_1 could take a value the declaration excludes and a true
    step would be refuted against it. Declarations of the family under several letters that
    disagree leave no single kind: the step is not read (undecided), never refuted.
    """
    base, _, sub = name.rpartition("_")
    table = p.st.table
    if not base or name in table or not (sub.isdigit() or index_terms(sub) is not None):
        return
    if base in table and _is_matrix(table[base].obj):
        return
    kinds: dict[str, str] = {}
    for other in table:
        other_base, _, letter = other.rpartition("_")
        # an index letter (a_i, N_k, x_n) names a family; sigma_x > 0 says nothing about sigma_1
        if other_base != base or letter not in _FAMILY_LETTERS or other in p.st.implicit:
            continue
        kind = table[other].kind
        if not kind.is_matrix and kind.base != "real":
            kinds.setdefault(str(kind), other)
    if len(kinds) > 1:
        listed = ", ".join(f"{n}: {k}" for n, k in sorted((n, k) for k, n in kinds.items()))
        raise p.fail(f"{name} is an entry of families declared differently ({listed})")
    if kinds:
        table.declare(name, table[next(iter(kinds.values()))].kind)
        p.st.implicit.add(name)  # not the user's own declaration: "declared?" still says no


def _family_instance(p: _Parser, name: str) -> Any:
    """``y_1`` after the document defined ``y_i := 2 x_i``: the family's value at that index, 2 x_1.

    Read as a name of its own, y_1 would be a free number, and a step that holds by the definition
    (``y_1 + y_2 = 2(x_1 + x_2)``) would be refuted against it. Only a family under an index letter
    (i to n) that is not itself defined reaches its numbered entries; under two letters it is not read.
    """
    base, _, sub = name.rpartition("_")
    # y_0 is often its own thing (a start value, a bias), not the family's first entry: not read through it
    if not base or not sub.isdigit() or sub.startswith("0") or name in p.st.table or not p.st.definitions:
        return None
    defined = sorted(n for n in p.st.definitions if re.fullmatch(re.escape(base) + r"_[a-z]", n))
    letters = [n[len(base) + 1 :] for n in defined]
    if not letters or any(letter not in _FAMILY_LETTERS or letter in p.st.definitions for letter in letters):
        return None
    if len(defined) > 1:
        raise p.fail(f"the document defines {', '.join(defined)} for every index, so {name} has two readings")
    value = p._family_value(defined[0], letters[0], None)
    if _is_matrix(value) or not isinstance(value, sympy.Basic):
        return None
    return p.family_at(defined[0], letters[0], value, sympy.Integer(sub))


def extended_and_free(name: str, letter: str) -> str:
    """Why a step with a summand taken on over a later term and an entry of its index written free is not read."""
    return (
        f"{name} is written with {letter} free, and a sum over {letter} takes a later term that writes {letter} into "
        f"its summand: the term may belong to the sum or use the free {letter} (\\sum_{letter} x_{letter} - "
        f"x_{letter}: leave one out?); put the summand in brackets"
    )


def _shifted_entry(p: _Parser, name: str) -> Any:
    """``x_{n-i+1}`` under a sum over i: the entry x[n - i + 1], never a name of its own that is
    one number for every i (the reversed sum ``\\prod_i x_{n-i+1}`` would then be refuted)."""
    base, _, sub = name.rpartition("_")
    terms = index_terms(sub) if base and sub else None
    if terms is None or not any(atom in p.st.bound for _, atom in terms):
        return None
    p.tuple_guard(name)
    p.st.indexed.add(name)
    for _, atom in terms:
        if atom in p.st.bound:
            p.st.index_uses[atom] = p.st.index_uses.get(atom, 0) + 1
    own = p._scalar_assumptions(name)
    assumptions = own if set(own) - {"real"} else p._scalar_assumptions(base)
    index = sympy.Add(*(sign * (p.symbol(a) if isinstance(a, str) else sympy.Integer(a)) for sign, a in terms))
    return sympy.Indexed(sympy.IndexedBase(base, **assumptions), index)


def _declared_array(p: _Parser, name: str) -> bool:
    """Whether ``name`` is declared a vector or matrix (its prime may be its transpose)."""
    return p.declared(name) and _is_matrix(p.st.table[name].obj)


def _at_range(p: _Parser) -> bool:
    """Whether an index range follows: ``_{n=1}^N``, ``_{k = 1}``."""
    if not p.at_sym("_"):
        return False
    j = p._group_end(p.i + 1)
    return any(t.kind == "sym" and t.text == "=" for t in p.toks[p.i + 1 : j])


def _argument_at(p: _Parser, start: int) -> bool:
    """Whether the group starting at token ``start`` (its range after it) is a whole argument of the
    application being read: ``(`` or a separator before it, and ``)`` or a separator after its range
    (inside ``|...|`` or a sum it is part of a value, whose meaning derive does not know)."""
    before = p.toks[start - 1] if start > 0 else None
    if before is None or before.kind != "sym" or before.text not in ("(", ",", ";"):
        return False
    j = p._group_end(p.i + 1)
    if j < len(p.toks) and p.toks[j].kind == "sym" and p.toks[j].text == "^":
        j = p._group_end(j + 1)
    after = p.toks[j] if j < len(p.toks) else None
    return after is not None and after.kind == "sym" and after.text in (")", ",", ";", "|")


def _indexed_set(p: _Parser, inner: list[_Tok]) -> Any:
    """``\\{\\mathbf x_n, y_n\\}_{n=1}^N`` as an argument of an unknown function (``L(\\theta; \\{x_n\\}_{n=1}^N)``,
    a likelihood of the data): one opaque value, the same for the same text. Its members are bound by
    the range and never read, so nothing relates them to the names outside: a function of the set
    is only ever compared with the same function of the same set (or a definition applied)."""
    p.i += 1  # the "_"
    scripts = [p.group_tokens()]
    if p.at_sym("^"):
        p.i += 1
        scripts.append(p.group_tokens())
    text = "\\{" + p._src(inner) + "\\}_{" + "}^{".join(p._src(s) for s in scripts) + "}"
    return p.symbol(" ".join(text.split()))


def _names_a_vector(p: _Parser, start: int) -> bool:
    """Whether the tokens from ``start`` to the parser's position name a declared vector."""
    for t in p.toks[start : p.i]:
        if t.kind in ("letter", "cmd") and p.declared(t.text):
            kind = getattr(p.st.table[t.text], "kind", None)
            if getattr(kind, "base", None) == "vector":
                return True
    return False


def _unambiguous_name(p: _Parser, base: str, font: str) -> str:
    """The name of ``base`` with its suffixes, refusing the readings real documents leave open:
    ISO's upright i (engineering's j) is the imaginary unit (e^{\\mathrm{i}\\pi} = -1 holds, and read
    as a real name it was refuted); x' of a vector or matrix is its transpose in econometrics
    (X'X) as often as another vector."""
    if base in ("i", "j") and font in _UPRIGHT and not p.declared(base) and base not in p.st.definitions:
        raise p.fail(f"\\{font}{{{base}}}: the imaginary unit (derive reads real values) or a name? declare {base}")
    name = p.name_suffixes(base)
    prime = name.removesuffix("_prime")
    if prime != name and not p.declared(name) and (font in _BOLD or _declared_array(p, prime)):
        raise p.fail(
            f"{prime}' of a vector or matrix: its transpose or another one? write ^\\top for the transpose, "
            f"or declare {name}"
        )
    return name


class _EntryGrammar:
    """`_Parser` grammar: which subscripted names are entries of a family, an identity or a variance (mixed into
    `_ExpressionGrammar`)."""

    def _variance_v(self) -> Any:
        """``\\mathbb{V}[x]``, ``\\mathbb{V}(x)``: the variance (Murphy, Gutmann), as ``\\mathrm{Var}[x]`` is, of an
        argument that mentions a random variable; of nothing random V may as well be the text's own function
        (a value function): an unknown function V, to which no law of moments applies."""
        value = self.operator_name("Var")
        if isinstance(value, AppliedUndef) and is_unknown_law(value):
            return sympy.Function("V")(*value.args)
        return value

    def _free_entry(self, name: str) -> None:
        """Note ``x_i`` read with no sum binding i, for both sides of the step (the table is theirs): a sum
        over i whose summand took a later term in (`_SumGrammar._extended_summand`, ``\\sum_i x_i - x_i``)
        then has a second plausible reading, the leave-one-out ``(\\sum_i x_i) - x_i`` of a free i."""
        letter = name.rpartition("_")[2]
        if not (len(letter) == 1 and letter.isalpha() and letter.islower()) or letter in self.st.bound:
            return
        table = self.st.table
        free = getattr(table, "_latex_free_indices", None)
        if free is None:
            free = set()
            table._latex_free_indices = free  # type: ignore[attr-defined]
        free.add(letter)
        if letter in getattr(table, "_latex_extended_indices", set()):
            raise self.fail(extended_and_free(name, letter))

    def _identity_entry(self, name: str) -> bool:
        """Whether ``I_kj`` (written ``I_{kj}`` next to names indexed by k and j, outside any sum over
        them) is an entry of a matrix I, read as a name of its own, not an identity of size kj
        (`derive.latex.entry_notation`; the readings leave a verdict through it undecided)."""
        return (
            not self.declared("I")
            and "I" not in self.st.definitions
            and not any(letter in self.st.bound for letter in name[2:])
            and name in identity_entries(self.st.text)
        )


class _ScriptGrammar:
    """`_Parser` grammar: the subscripts and suffixes of a name, and starred superscripts."""

    def subscript_name(self) -> str:
        """The text of a subscript for a name: ``{data}`` -> ``data``, ``\\theta`` -> ``theta``."""
        toks = self.group_tokens()
        parts: list[str] = []
        for t in toks:
            if t.kind == "cmd" and (t.text in _FONTS or t.text in _ACCENTS):
                continue
            if t.kind == "sym" and t.text in "{}":
                continue
            if t.kind == "sym" and t.text in ("_", "*"):
                parts.append("_" if t.text == "_" else "ast")  # \sigma_* is \sigma_\ast, not the optimum \sigma^*
                continue
            # k_{\circ *}, \mathbf{k}_\circ: a marker in a name (GP notes' test points), like * or \star
            if t.kind == "cmd" and t.text not in _GREEK and t.text not in ("infty", "star", "ast", "prime", "circ"):
                raise self.fail(f"\\{t.text} in a subscript")
            parts.append(t.text)
        if not parts:
            raise self.fail("an empty subscript")
        return "".join(parts)

    def name_suffixes(self, name: str) -> str:
        while True:
            if self.at_sym("_"):
                self.i += 1
                name = f"{name}_{self.subscript_name()}"
            elif self.at_sym("^") and self._star_superscript():
                name = f"{name}_star"
            elif self.at_sym("'"):
                self.i += 1
                name = f"{name}_prime"
            elif not (self.at_sym("^") and self._subscript_after_power()):
                return name

    def _group_end(self, j: int) -> int:
        """The index just past the script argument at ``self.toks[j]`` (a ``{...}`` group or one token)."""
        if not (j < len(self.toks) and self.toks[j].kind == "sym" and self.toks[j].text == "{"):
            return j + 1
        depth = 0
        for k in range(j, len(self.toks)):
            t = self.toks[k]
            if t.kind == "sym" and t.text in ("{", "}"):
                depth += 1 if t.text == "{" else -1
                if depth == 0:
                    return k + 1
        return len(self.toks)

    def _subscript_after_power(self) -> bool:
        """``\\sigma^2_S`` typesets as ``\\sigma_S^2``: when a subscript follows the power of a name, the
        two are swapped in the token stream, so that the subscript joins the name."""
        sub = self._group_end(self.i + 1)
        if not (sub < len(self.toks) and self.toks[sub].kind == "sym" and self.toks[sub].text == "_"):
            return False
        end = self._group_end(sub + 1)
        self.toks[self.i : end] = self.toks[sub:end] + self.toks[self.i : sub]
        return True

    def _at_star_superscript(self) -> bool:
        """Whether ``^*`` (``^{*}``, ``^\\ast``, ``^\\star``) follows, without reading it."""
        star = self.peek(2) if self.at_sym("{", k=1) else self.peek(1)
        return self.at_sym("^") and star.kind in ("sym", "cmd") and star.text in ("*", "ast", "star")

    def _star_superscript(self) -> bool:
        nxt = self.peek(1)
        if (nxt.kind == "sym" and nxt.text == "*") or (nxt.kind == "cmd" and nxt.text in ("ast", "star")):
            self.i += 2
            return True
        if nxt.kind == "sym" and nxt.text == "{":
            inner = self.peek(2)
            if (
                (inner.kind == "sym" and inner.text == "*") or (inner.kind == "cmd" and inner.text in ("ast", "star"))
            ) and (self.at_sym("}", k=3)):
                self.i += 4
                return True
        return False


class _ExpressionGrammar(_EntryGrammar, _ScriptGrammar):
    """`_Parser` grammar: sums of terms, products, powers, atoms, brackets, names and commands."""

    def expr(self) -> Any:
        value = self.signed_term()
        terms = 1
        while self.at_sym("+", "-"):
            op = self.next().text
            right = self.term()
            value = self.ar.add(value, right if op == "+" else -right)
            terms += 1
        if self.bars == 0 and self.bar_bounds_follow():
            value = self.trailing_bar(value, terms)  # F\big|_0^1 (grammar_calculus)
        return value

    def signed_term(self) -> Any:
        if self.at_sym("-"):
            self.i += 1
            return -self.term()
        if self.at_sym("+"):
            self.i += 1
        return self.term()

    def unary_factor(self) -> Any:
        if self.at_sym("-"):
            self.i += 1
            return -self.factor()
        if self.at_sym("+"):
            self.i += 1
        return self.factor()

    def term(self) -> Any:
        logged = self._at_log()
        last = self.i  # where the latest factor starts
        value = self.factor()
        while True:
            t = self.peek()
            if (t.kind == "sym" and t.text == "*") or (t.kind == "cmd" and t.text in _MULTIPLY):
                self.i += 1
                right_logged = self._at_log()
                left_start, last = last, self.i
                right = self.unary_factor()
                product = self._vector_product(t.text, value, right)  # x \cdot y, x \times y of vectors
                # a declared vector of size 1 is a 1x1 matrix, no scalar read for a bold name (its dot is the product)
                scalars = not (_is_matrix(value) and _is_matrix(right))
                if (
                    product is None
                    and t.text in ("cdot", "times")
                    and scalars
                    and self._vectors_by_font(left_start, last)
                ):
                    raise self.fail(
                        f"\\{t.text} between bold names read as scalars (not declared): a product of vectors (dot or "
                        "cross) or of scalars; declare them (e.g. `a: vector 3`)"
                    )
                value = self._times(value, logged, right, right_logged) if product is None else product
            elif t.kind == "cmd" and t.text == "circ":
                self.i += 1
                value = self._hadamard(value, self.unary_factor())
                right_logged = False
            elif (t.kind == "sym" and t.text == "/") or (t.kind == "cmd" and t.text == "div"):
                self.i += 1
                value = self.ar.div(value, self.unary_factor())
                right_logged = False
            elif self.starts_factor():
                right_logged = self._at_log()
                last = self.i
                value = self._times(value, logged, self.factor(), right_logged)
            else:
                return value
            logged = right_logged

    def _at_log(self) -> bool:
        t = self.peek()
        return t.text in ("log", "ln") and t.kind in ("cmd", "word")

    def _times(self, left: Any, left_logged: bool, right: Any, right_logged: bool) -> Any:
        """``0 \\log\\frac{0}{q}`` and ``0 \\log\\frac{0}{0}`` are 0 (the convention that makes a
        KL term vanish where the first density does): a literal zero times a logarithm that is
        infinite or undefined. Any other product is the ordinary one."""
        undefined = (S.Infinity, S.NegativeInfinity, S.NaN, S.ComplexInfinity)
        if (left == 0 and right_logged and right in undefined) or (right == 0 and left_logged and left in undefined):
            return S.Zero
        return self.ar.mul(left, right)

    def at_differential(self, k: int = 0) -> bool:
        if self.integral <= 0:
            return False
        t = self.peek(k)
        is_d = (t.kind == "letter" and t.text == "d") or (
            t.kind == "cmd" and t.text in ("mathrm", "rm", "operatorname", "text") and self._font_word(k) == "d"
        )
        if not is_d:
            return False
        k2 = k + 1 if t.kind == "letter" else k + 1 + self._font_len(k)
        nxt = self.peek(k2)
        return nxt.kind == "letter" or (nxt.kind == "cmd" and (nxt.text in _GREEK or nxt.text in _FONTS))

    def _font_len(self, k: int) -> int:
        """Tokens taken by a font command's group at offset k (the command excluded)."""
        if not self.at_sym("{", k=k + 1):
            return 1
        depth, j = 0, k + 1
        while True:
            t = self.peek(j)
            if t.kind == "end":
                return j - k
            if t.kind == "sym" and t.text == "{":
                depth += 1
            elif t.kind == "sym" and t.text == "}":
                depth -= 1
                if depth == 0:
                    return j - k
            j += 1

    def _font_word(self, k: int) -> str:
        n = self._font_len(k)
        return "".join(t.text for t in self.toks[self.i + k + 1 : self.i + k + 1 + n] if t.kind != "sym")

    def starts_factor(self) -> bool:
        t = self.peek()
        if t.kind == "end" or self.at_differential():
            return False
        if t.kind in ("num", "letter", "word"):
            return True
        if t.kind == "sym":
            if t.text == "‖" and self.bars and not self.norms and not self.dist_context:
                # inside a function's brackets or a conditional's bar (\sigma(\|w\| \|x\|)) a "‖" ends no
                # norm, so it opens one; in KL(p \| q) it separates the laws
                return True
            if t.text in ("|", "‖"):
                return (self.bars == 0 and not self.bar_bounds_follow()) or opens_substituted(self)
            return t.text in ("(", "[", "{", "\\{", "⌊", "⌈", "⟨")
        return t.kind == "cmd" and t.text not in _MULTIPLY | _RELATIONS | _ARROWS | _NOT_FACTORS

    def factor(self) -> Any:
        value = self.primary()
        return self.postfix(value)

    def postfix(self, value: Any) -> Any:
        while True:
            if self.at_sym("^"):
                self.i += 1
                value = self.superscript(value, self.group_tokens())
            elif self.at_sym("!"):
                self.i += 1
                if self.at_sym("!"):  # n!! is the double factorial, not (n!)!
                    raise self.fail("a double factorial n!! (derive does not read it; write the product)")
                value = _scalar(value)
                value = _factorial(value)
            elif self.at_sym("'"):
                raise self.fail("a prime ' after an expression (write the derivative with \\frac{d}{dx})")
            elif self.at_evaluation_bar() and self.toks[self.i - 1].text in ("]", ")"):
                value = self.evaluation_bar(value)  # [F]_a^b (grammar_calculus)
            elif self.at_sym("_") and self.toks[self.i - 1].text in ("]", ")"):
                # (A^T)_{ki} (structure_entries); of a number it says why: (AB)_{il} of undeclared A, B, (x)_+
                self.i += 1
                value = subscripted_value(self, value, self.group_tokens())
            else:
                return value

    def superscript(self, base: Any, toks: list[_Tok]) -> Any:
        words = [t.text for t in toks if t.kind != "sym" or t.text not in "{}"]
        transposes = (["T"], ["top"], ["intercal"], ["mathsf", "T"], ["mathrm", "T"])
        if words in transposes:
            return _transpose(base)
        if words == ["-", "1"]:
            return self.ar.inverse(base)
        if words[:1] == ["-"] and words[1:] in transposes:
            return _transpose(self.ar.inverse(base))  # \Sigma^{-\top}: the inverse of the transpose
        if _text_word(toks):
            # x^{\\text{new}}, \\theta^\\mathrm{MAP}: a label (a name of its own), not x to the power n·e·w
            raise self.fail(
                f"a word as a superscript ({self._src(toks)}): a label naming another quantity, or a power? "
                "write the label as a subscript, x_{\\text{new}}"
            )
        exponent = self.sub(toks).parse_all()
        if _is_matrix(base) or _is_matrix(exponent):
            return self.ar.power(base, exponent)
        if base == S.Exp1:
            return sympy.exp(exponent)
        return self.ar.power(base, exponent)

    # -- primaries ----------------------------------------------------------------------
    def primary(self) -> Any:
        t = self.peek()
        if t.kind == "num":
            self.i += 1
            return sympy.Rational(t.text)
        if t.kind == "sym":
            return self.bracketed()
        if t.kind == "word":
            self.i += 1
            return self.word(t.text, "")
        if t.kind == "letter":
            self.i += 1
            return self.named(t.text, "")
        if t.kind == "tuple":
            self.i += 1
            return read_tuple(self, t)
        if t.kind == "cmd" and t.text in ELLIPSES:
            raise self.fail(_ellipsis_reason(t.text))
        if t.kind == "cmd":
            self.i += 1
            return self.command(t.text)
        raise self.fail("an expression ends too early")

    def bracketed(self) -> Any:
        t = self.peek()
        pairs = {"(": ")", "[": "]", "{": "}", "\\{": "\\}"}
        if t.text in pairs:
            start = self.i
            inner = self.balanced(t.text, pairs[t.text])
            if t.text == "\\{" and self.st.applying and _at_range(self) and _argument_at(self, start):
                return _indexed_set(self, inner)
            if t.text == "{" and _unwrap_name(self, start, inner):
                return self.primary()
            if not inner:
                raise self.fail(f"empty {t.text}{pairs[t.text]}")
            p = self.sub(inner)
            value = p.expr()
            if p.at_sym(","):
                raise self.fail(
                    f"a point ({self._src(inner)}) is not a value; derive cannot tell which function is evaluated there"
                )
            if p.peek().kind != "end":
                raise self.fail(p._unexpected(p.peek()))
            return value
        if t.text == "|":
            self.i += 1
            opened = self.i
            self.bars += 1
            inner = self.expr()
            self.bars -= 1
            self.expect_sym("|")
            if isinstance(inner, sympy.MatrixBase) and inner.shape == (1, 1) and _names_a_vector(self, opened):
                # a vector of size 1 (or a number a vector's product gives) between bars: its absolute value, no
                # determinant (|x| of a 1-vector is its length)
                return sympy.Abs(inner[0, 0])
            a = _scalar(inner)
            if isinstance(a, sympy.MatrixBase) and a.rows != a.cols:
                # |x| of a vector: its length, or its entries' absolute values; not guessed
                raise self.fail(
                    f"|...| of a {a.rows}x{a.cols} matrix: write \\|x\\| for a norm, \\det for a determinant"
                )
            return _det(inner)
        if t.text == "‖":
            through_limit = substituted(self)  # the norm an enclosing \lim_{\|w\| \to a} tends by
            if through_limit is not None:
                return through_limit
            self.i += 1
            self.bars += 1  # a "‖" inside closes the norm, it does not open another
            self.norms += 1
            try:
                inner = self.expr()
            finally:
                self.norms -= 1
            self.bars -= 1
            self.expect_sym("‖")
            if self.at_sym("^"):
                self._subscript_after_power()  # \|x\|^2_2 is \|x\|_2^2
            return self.norm(inner)
        if t.text == "⟨":
            return self.inner_product()
        if t.text in ("⌊", "⌈"):
            self.i += 1
            inner = self.expr()
            self.expect_sym("⌋" if t.text == "⌊" else "⌉")
            which, func = ("floor", _floor) if t.text == "⌊" else ("ceiling", _ceiling)
            return self.ar.apply(which, func, inner)
        raise self.fail(self._unexpected(t))

    def named(self, base: str, font: str) -> Any:
        """A letter or Greek command, with its subscripts, then what it is applied to."""
        if (
            base == "E"
            and font in ("", "mathbb", "mathrm", "operatorname", "mathop")
            and (
                self.at_sym("_", "[")
                or (font == "mathbb" and self.at_sym("("))
                # E(X) of an undeclared E is an expectation too, never E times (X)
                or (self.at_sym("(") and not self.declared("E") and "E" not in self.st.definitions)
            )
            and "E" not in self.functions
        ):
            return self.expectation()
        if (
            base == "V"
            and font == "mathbb"
            and self.at_sym("(", "[")
            and "V" not in self.functions
            and not self.declared("V")
        ):
            return self._variance_v()
        if base == "sigma" and not font and self.at_sym("("):
            arg = _scalar(self.call_args("sigma")[0][0])
            if isinstance(arg, sympy.MatrixBase):
                return sympy.ImmutableMatrix(arg.applyfunc(sigmoid))  # σ(z) of a vector: entry by entry
            return self.ar.apply("sigmoid", sigmoid, arg)
        name = _unambiguous_name(self, base, font)
        if name == "sigma_prime" and not font and self.at_sym("(") and not self.declared("sigma"):
            # σ'(a): the sigmoid's derivative at a, σ(a)(1 - σ(a))
            a = _scalar(self.call_args(name)[0][0])
            return sigmoid(a) * (1 - sigmoid(a))
        if base == "Gamma" and name == "Gamma" and self.at_sym("(") and not self.declared(name):
            return sympy.gamma(_scalar(self.call_args(name)[0][0]))
        # O(\epsilon^2): a Landau term (grammar_functions, never falsy); p(x|mu), P(Y = 1), H[x]: prob_conditionals
        notation = self.landau_term(name, font) or self.probability_notation(base, name, font)
        if notation is not None:
            return notation
        if name in _KL_NAMES and self.at_sym("("):
            return self.divergence(_KL_NAMES[name])
        if name in ("Var", "Cov", "Corr", "Std") and self.at_sym("[") and not self.declared(name):
            return self.operator_name(name)
        if font == "mathcal" and name in _DISTS and self.at_sym("(", "["):
            return self.distribution(name)
        if self.dist_context and name in _DISTS and self.at_sym("(", "["):
            return self.distribution(name)
        if name == "e" and not self.declared("e") and "e" not in self.functions:
            return S.Exp1
        if name == "delta" and self.at_sym("("):
            return sympy.DiracDelta(self.call_args(name)[0][0])
        if base == "I" and name.startswith("I_") and not self.declared(name) and not self._identity_entry(name):
            return self.identity(name[2:])
        if name in self.functions and self.at_sym("["):
            # H[x] of a name declared a function (functions:): the functional H applied to x
            arg = self.sub(self.balanced("[", "]")).parse_all()
            return sympy.Function(name)(*(list(arg) if _is_matrix(arg) else [arg]))
        if self.at_sym("(") and (name in self.functions or (not self.declared(name) and self.is_function(base, name))):
            return self._function_call(name)
        if self.st.sample and self.st.densities.over.get(name) == self.st.sample and not self.declared(name):
            # E_p[log p - log q]: the densities at the sample, p(x) and q(x)
            var = self.symbol(self.st.sample)
            return sympy.Function(name)(*(list(var) if _is_matrix(var) else [var]))
        for bound in self.st.bound:
            shifted = re.fullmatch(rf"(.+)_{re.escape(bound)}([+-]\d{{1,3}})", name)
            if (name.endswith("_" + bound) and name != bound) or shifted:
                base = shifted.group(1) if shifted else name[: -len(bound) - 1]
                self.tuple_guard(name)
                self.st.indexed.add(name)
                self.st.index_uses[bound] = self.st.index_uses.get(bound, 0) + 1
                # x_i of a declared positive x is positive too (log of a product splits); a
                # declaration of the written name itself (N_k: positive) comes first
                own = self._scalar_assumptions(name)
                assumptions = own if set(own) - {"real"} else self._scalar_assumptions(base)
                # x_{i+1} is the entry after x_i, never a name of its own that is one number for every i
                index = self.symbol(bound) + (int(shifted.group(2)) if shifted else 0)
                return sympy.Indexed(sympy.IndexedBase(base, **assumptions), index)
        if (shifted_entry := _shifted_entry(self, name)) is not None:
            return shifted_entry
        if name in self.st.indexed and name not in self.st.bound:
            raise self.fail(
                f"{name} appears outside the sum or product that binds its index: put the whole summand in "
                "brackets, \\sum_{i=1}^n [ ... ]"
            )
        self._free_entry(name)
        if name in self.st.definitions and name not in self.st.bound and name not in self.st.shadow:
            return self.definition_value(name)
        entry = self._vector_entry(name, font)
        return _family_entry(self, name) if entry is None else entry

    def _function_call(self, name: str) -> Any:
        """``name(...)`` of a function (declared one, or an undeclared name read as one) at its arguments, each
        entry of a vector one; the ones after a bar wrapped in ``given`` (``p(x | \\mu)``)."""
        self.st.applying += 1
        try:
            args, given = self.call_args(name)
        finally:
            self.st.applying -= 1
        func = sympy.Function(name)
        # p(x) of a declared vector x is a function of its entries
        flat = [list(_scalar(a)) if _is_matrix(_scalar(a)) else [_scalar(a)] for a in args]
        if any(isinstance(e, sympy.MatrixExpr) for part in flat for e in part):
            raise self.fail(f"a symbolic-size matrix argument to the unknown function {name}")
        before = [e for part in flat[: given or len(flat)] for e in part]
        if given:
            after = [e for part in flat[given:] for e in part]
            return func(*before, sympy.Function("given")(*after))
        return func(*before)
