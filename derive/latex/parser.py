"""The machine-learning notation profile: one LaTeX fragment (a side of a step) -> sympy.

derive reads LaTeX with its own small recursive-descent parser rather than a general
LaTeX-to-sympy converter (the README's "Why derive has its own LaTeX reader" compares it
with latex2sympy2 and latex2sympy2-extended): ML texts need ``\\log`` to be natural, ``\\sigma(a)``
to be the sigmoid, ``|\\Sigma|`` to be a determinant, ``E_{x\\sim\\mathcal{N}(\\mu,\\sigma^2)}[...]``
to be an expectation with its random variable, and transposes of declared vectors to
survive; and input is untrusted, so nothing here evaluates text.

Every name comes from the `SymbolTable` (so declared kinds, matrices included, apply).
Names: a command loses its backslash and subscripts join with ``_`` (``\\Sigma_1`` is
``Sigma_1``, ``p_{data}`` is ``p_data``, ``\\hat{x}`` is ``x_hat``, ``D^*`` is ``D_star``).
Unknown functions (``p(x)``, ``q_\\phi(z|x)``) become undefined sympy functions; expectations
over a distribution derive cannot name (``\\mathbb{E}_p[...]``) become an opaque function
``E_p(...)``, which no tier can evaluate, so such steps end undecided rather than wrong,
unless the document binds the density p to a random variable (``densities:``, see
`parse_latex`).

Divergences of densities derive cannot name are their definitions: ``D_{KL}(p\\|q)`` is
∫ p(x) log(p(x)/q(x)) dx (over R^n for a declared vector x) and ``D_{JS}`` is ½KL(p‖m) +
½KL(q‖m) with m = (p + q)/2; divergences of named distributions (``\\mathcal{N}(0, 1)``) stay
KL/JS for the engine's closed forms. Literal zeros in a KL term follow information
theory's conventions (``0 \\log\\frac{0}{q} = 0``, ``\\log 0 = -\\infty``, ``\\log\\frac{p}{0} = +\\infty``
for a number p > 0); ``\\int p(x) (...)`` without ``dx`` integrates over the one variable its
unknown functions share.

Binders bind their variable: inside a limit, integral, derivative, expectation, sum or product
over y, an earlier definition of y (an evaluation bar's ``y := 3``) does not apply, and a
definition that uses y is read again there with y free; a derivative by a defined y is then
evaluated at y's value. `derivative_constants` says which undeclared names the derivatives of
a side treat as constants, and `ambiguous_readings` which notation has a second plausible
reading (``K(\\sigma)``: K·σ or a function K); `derive.latex.context.settle` uses both.

Random variables found in ``E_{x\\sim D}[...]`` subscripts are declared in the table and
reported through `random_variables(table)` (and the optional ``random`` mapping argument),
so that the caller can put them into `derive.model.Problem.random`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from typing import Any

import sympy
from sympy import S
from sympy.core.function import AppliedUndef
from sympy.matrices.utilities import dotprodsimp

from derive.errors import DeriveError, LatexError
from derive.language._exact import safe_replace
from derive.language.distributions import Distribution
from derive.language.symbols import SymbolTable
from derive.latex.ellipsis import name_family, rewrite_ellipses
from derive.latex.grammar_calculus import _CalculusGrammar, declare_sum_bounds
from derive.latex.grammar_expressions import _ExpressionGrammar, _read_name
from derive.latex.grammar_functions import _FunctionGrammar
from derive.latex.grammar_linear import _Arith, _is_matrix, _LinearGrammar, _scalar
from derive.latex.grammar_probability import _ProbabilityGrammar
from derive.latex.state import _END, _Definition, _Densities, _State
from derive.latex.tokens import _ACCENTS, _ARROWS, _FONTS, _RELATIONS, MAX_LENGTH, _fail, _Tok, _tokenize

# ----------------------------------------------------------------------------------------


def derivative_constants(
    text: str,
    table: SymbolTable,
    *,
    random: Mapping[str, Any] | None = None,
    densities: Mapping[str, str] | None = None,
    bound: frozenset[str] = frozenset(),
) -> tuple[frozenset[str], frozenset[str]]:
    """What the derivatives of one side assume: (the names they differentiate by, the names
    in their operands they treat as constants in those variables).

    The side is read as `parse_latex` reads it (definitions in its evaluation bar substituted)
    but nothing is evaluated. Names the table declares, random variables and names a binder
    binds are not constants here: declared names are independent variables. Raises
    `LatexError` when the side cannot be read.
    """
    notes: dict[str, set[str]] = {}
    table._latex_notes = notes  # type: ignore[attr-defined]
    try:
        parse_latex(text, table, random=dict(random or {}), densities=densities, bound=bound)
    finally:
        del table._latex_notes  # type: ignore[attr-defined]
    return frozenset(notes.get("variables", ())), frozenset(notes.get("constants", ()))


def random_variables(table: SymbolTable) -> dict[str, Distribution]:
    """The random variables `parse_latex` found in ``E_{x\\sim D}[...]`` subscripts of ``table``.

    Names map to `derive.language.distributions` objects; each name is declared in the table (a
    vector of the right size for a multivariate normal).
    """
    found = getattr(table, "_latex_random", None)
    return dict(found) if found else {}


def parse_latex(
    text: str,
    table: SymbolTable,
    *,
    random: MutableMapping[str, Any] | None = None,
    densities: Mapping[str, str] | None = None,
    bound: frozenset[str] = frozenset(),
) -> sympy.Basic:
    """Read one side of a step written in LaTeX under the ML notation profile.

    ``random``, when given, receives the random variables found in expectation subscripts
    (name -> distribution), and names already in it count as random variables for
    ``E_x[...]``. ``densities`` maps density names to the variable each is over; for the
    names in ``bound`` (whose distribution is ``random``'s entry for that variable),
    ``E_p[...]`` and ``E_{x \\sim p}[...]`` average over x, and inside them a bare density
    name over x is its value at the sample (``E_p[\\log p - \\log q]`` reads p(x), q(x)).
    Raises `LatexError` (with ``fragment`` set) for anything it cannot read, including file
    and shell commands, which it never executes.

    >>> t = SymbolTable({"a": "real"})
    >>> parse_latex(r"\\frac{\\partial}{\\partial a}\\log(1-\\sigma(a))", t)
    Derivative(log(1 - sigmoid(a)), a)
    """
    if not isinstance(text, str):
        raise LatexError(f"a LaTeX fragment must be text, not {type(text).__name__}", fragment=str(text)[:200])
    if len(text) > MAX_LENGTH:
        raise LatexError(f"LaTeX fragment of {len(text)} characters is longer than {MAX_LENGTH}", fragment=text[:200])
    if not text.strip():
        raise LatexError("empty LaTeX fragment: nothing to read on this side", fragment=text)
    scope = _Densities(dict(densities or {}), frozenset(bound))
    return _parse_text(text, table, random, {}, scope)


def _parse_text(
    text: str,
    table: SymbolTable,
    random: MutableMapping[str, Any] | None,
    definitions: dict[str, _Definition],
    densities: _Densities | None = None,
) -> Any:
    bar = _split_evaluation(text)
    if bar is not None:
        return _evaluate(bar[0], bar[1], text, table, random, definitions, densities)
    # x_1 + x_2 + \cdots + x_n: the sum of the pattern (derive.latex.ellipsis)
    toks = rewrite_ellipses(_tokenize(text), text, frozenset(table))
    # Per-table memory shared by the two sides of a step: random variables found in
    # subscripts, and names first seen as implicit reals (which do not count as declared).
    registry = getattr(table, "_latex_random", None)
    if registry is None:
        registry = {}
        table._latex_random = registry  # type: ignore[attr-defined]
    implicit = getattr(table, "_latex_implicit", None)
    if implicit is None:
        implicit = set()
        table._latex_implicit = implicit  # type: ignore[attr-defined]
    declare_sum_bounds(toks, table, implicit)  # \binom{k+1}{0} + \sum_{m=1}^{k}: k an integer throughout
    known = dict(registry)
    if random is not None:
        known.update(random)
    state = _State(
        table=table,
        text=text,
        random=known,
        found=registry,
        implicit=implicit,
        definitions=definitions,
        densities=densities or _Densities(),
    )
    try:
        # No intermediate simplification inside matrix products, determinants and adjugates
        # (as in derive.language.parsing): sympy's dotprodsimp cancels every entry with a multivariate
        # gcd, minutes on nested symbolic 3x3 inverses, and reading runs outside the budget.
        with dotprodsimp(False):
            result = _Parser(toks, state).parse_all()
    except LatexError:
        raise
    except DeriveError as exc:
        raise _fail(text, exc.message) from exc
    except (
        TypeError,
        ValueError,
        AttributeError,
        IndexError,
        KeyError,
        ZeroDivisionError,
        NotImplementedError,
        OverflowError,
    ) as exc:
        # sympy refuses some combinations (a matrix inside a scalar function, ...).
        raise _fail(text, f"{type(exc).__name__}: {str(exc)[:120]}") from exc
    except RecursionError as exc:
        raise _fail(text, "nested too deeply") from exc
    if random is not None:
        random.update(registry)
    return _checked(_scalar(result), text)


def _checked(result: Any, text: str) -> Any:
    if isinstance(result, sympy.Basic) and not _is_matrix(result):
        if result.has(S.NaN):
            raise _fail(text, "the expression is undefined (nan), e.g. 0·log 0 or 0/0 written out literally")
        if result.has(S.ComplexInfinity):
            raise _fail(text, "the expression divides by zero (complex infinity), e.g. log(1/0)")
    return result


# ----------------------------------------------------------------------------------------
# Evaluation bars and names: ``\left. f \right|_{x=1}``, and what a side names.
#
# The LaTeX front end writes what a step is checked under into the step's own text, so the
# text alone says what was checked (and results are cached by it): a definition made
# earlier in the document (``W_1 := B``, read wherever the side names W_1), a fixed value
# (``k = 2``), or the solutions of a premise (``x \in \{-2, 2\}``: the side is evaluated at
# each, giving a column with one entry per solution).

_BAR_OPEN = re.compile(r"\s*\\left\s*\.")
_BAR_CLOSE = re.compile(r"\\right\s*\|\s*_\s*\{")


def brace_end(text: str, i: int) -> int:
    """Given ``text[i] == '{'``, the index just after its matching ``}`` (-1 when unclosed)."""
    depth = 0
    j = i
    while j < len(text):
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return -1


def _split_evaluation(text: str) -> tuple[str, str] | None:
    """``\\left. f \\right|_{...}`` as a whole side -> (f, the subscript), else None."""
    opened = _BAR_OPEN.match(text)
    stripped = text.rstrip()
    if opened is None or not stripped.endswith("}"):
        return None
    closes = list(_BAR_CLOSE.finditer(stripped, opened.end()))
    for m in reversed(closes):
        if brace_end(stripped, m.end() - 1) == len(stripped):
            return stripped[opened.end() : m.start()], stripped[m.end() : -1]
    return None


_BRACE_WORD = re.compile(r"\\([lr])brace(?![A-Za-z])")


def _top_split(text: str, sep: str) -> list[str]:
    """Split at ``sep`` outside braces, brackets, parentheses and ``\\{ \\}``."""
    parts: list[str] = []
    depth, start, i = 0, 0, 0
    while i < len(text):
        c = text[i]
        if depth == 0 and text.startswith(sep, i):
            parts.append(text[start:i])
            start = i + len(sep)
            i = start
            continue
        if c == "\\":
            # \lbrace ... \rbrace (\left\lbrace) is the brace \{ ... \}: no comma in it separates items
            word = _BRACE_WORD.match(text, i)
            if text.startswith("\\{", i) or (word is not None and word.group(1) == "l"):
                depth += 1
            elif text.startswith("\\}", i) or (word is not None and word.group(1) == "r"):
                depth -= 1
            i += len(word.group()) if word is not None else 2
            continue
        if c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
        i += 1
    parts.append(text[start:])
    return parts


#: ``K(\\cdot)`` in an evaluation bar: K is a function (the ``functions:`` declaration).
_FUNCTION_ITEM = re.compile(r"\s*(.+?)\s*\(\s*\\cdot\s*\)\s*")


def _evaluate(  # noqa: PLR0917 - the parse state, passed down
    inner: str,
    subscript: str,
    text: str,
    table: SymbolTable,
    random: MutableMapping[str, Any] | None,
    definitions: dict[str, _Definition],
    densities: _Densities | None,
) -> Any:
    """Read ``inner`` under the assignments of an evaluation bar's subscript.

    ``name := tex`` defines ``name`` while ``inner`` is read (a matrix definition keeps its
    shape); ``name = value`` substitutes after reading (so ``\\frac{d}{dx}`` still sees x);
    ``name \\in \\{v_1, v_2\\}`` evaluates at each value and gives a column of the results.
    """
    defs = dict(definitions)
    points: list[tuple[Any, list[Any]]] = []
    finite: dict[str, list[Any]] = {}
    for item in _top_split(subscript, ","):
        if not item.strip():
            continue
        declared = _FUNCTION_ITEM.fullmatch(item)
        if declared:
            functions = getattr(table, "_latex_functions", None)
            if functions is None:
                functions = set()
                table._latex_functions = functions  # type: ignore[attr-defined]
            functions.add(name_of(declared.group(1)))
            continue
        if ":=" in item:
            name_tex, value_tex = item.split(":=", 1)
            name = name_of(name_tex)
            defs[name] = _Definition(_parse_text(value_tex, table, random, defs, densities), value_tex)
            continue
        member = _top_split(item, "\\in")
        if len(member) == 2 and member[1].strip().startswith("\\{") and member[1].strip().endswith("\\}"):
            name_tex, values_tex = member[0], member[1].strip()[2:-2]
            values = [_number(v, table, text) for v in _top_split(values_tex, ",")]
        elif len(_top_split(item, "=")) == 2:
            name_tex, value_tex = _top_split(item, "=")
            values = [_number(value_tex, table, text)]
        else:
            hint = "write x=1, x \\in \\{1, 2\\} or y := ..."
            raise _fail(text, f"cannot read {item.strip()!r} after \\right| ({hint})")
        name = name_of(name_tex)
        obj = table.symbol(name) if name not in table else table[name].obj
        if _is_matrix(obj):
            raise _fail(text, f"{name} is a matrix; only scalars can be given values")
        points.append((obj, values))
        if len(values) > 1:
            finite[name] = values
    single = {str(sym): values[0] for sym, values in points if len(values) == 1}
    value = _parse_with_values(finite, inner, table, random, defs, densities, single)
    return _checked(_at_points(value, points, text, table), text)


def _at_points(value: Any, points: list[tuple[Any, list[Any]]], text: str, table: SymbolTable) -> Any:
    """``value`` (read under an evaluation bar) at the bar's ``points``: a name given one value put in, a name
    given several a column of the values at each; never at a kink of |.|, max or min."""
    several = [p for p in points if len(p[1]) > 1]
    if len(several) > 1:
        raise _fail(text, "only one name can take several values in one evaluation")
    for sym, values in points:
        for v in values:
            kink = _kink_where(value, sym, v)
            if kink is not None:
                raise _fail(
                    text,
                    f"the derivative has {kink} at {sym} = {v}: a derivative of |.|, max or min does not exist "
                    "where its argument is 0 (the one-sided derivatives differ), and its value there is only a "
                    "convention, so derive does not evaluate it",
                )
        if len(values) == 1:
            value = value.xreplace({sym: values[0]}) if _is_matrix(value) else _at(value, sym, values[0])
    for sym, values in several:
        if _is_matrix(value):
            raise _fail(text, "a matrix side cannot be evaluated at several points")
        value = sympy.ImmutableMatrix([[_at(value, sym, v)] for v in values])
    if isinstance(value, sympy.Basic) and value.has(sympy.Subs) and not hasattr(table, "_latex_notes"):
        # d/dx f at x = 1 is a Subs node; evaluate those, leave integrals and the rest to the engine
        value = value.applyfunc(_evaluate_subs) if _is_matrix(value) else _evaluate_subs(value)
    return value


def _parse_with_values(  # noqa: PLR0917 - the parse state, passed down
    finite: dict[str, list[Any]],
    inner: str,
    table: SymbolTable,
    random: MutableMapping[str, Any] | None,
    definitions: dict[str, _Definition],
    densities: _Densities | None,
    single: dict[str, Any] | None = None,
) -> Any:
    """Read ``inner`` knowing the names an evaluation bar gives a finite set of values (``x \\in \\{0, 1\\}``):
    a sum without bounds over such a name runs over those values (`derive.latex.grammar_calculus`). The
    names given one value (``n = 3``, put in after reading) are known too: a sum to n of entries of a 3x3
    matrix stays inside it (`derive.latex.structure_entries`)."""
    saved = getattr(table, "_latex_finite", {})
    saved_single = getattr(table, "_latex_values", {})
    table._latex_finite = {**saved, **finite}  # type: ignore[attr-defined]
    table._latex_values = {**saved_single, **(single or {})}  # type: ignore[attr-defined]
    try:
        return _parse_text(inner, table, random, definitions, densities)
    finally:
        table._latex_finite = saved  # type: ignore[attr-defined]
        table._latex_values = saved_single  # type: ignore[attr-defined]


def _at(value: Any, sym: Any, number: Any) -> Any:
    """``value`` with ``sym`` replaced by ``number``, through the guards of `derive.language._exact`.

    ``x^{10^{10}}`` at x = 10 must become a HugePower, not a 10-billion-digit integer (plain
    ``subs`` would expand it). A derivative in x keeps ``subs``, which makes the Subs node
    that is evaluated below (replacing x inside d/dx would differentiate by a number).
    """
    hidden: dict[Any, Any] = {}
    if isinstance(value, sympy.Basic) and value.has(sympy.Limit):
        # a limit in x binds x (sympy's subs and xreplace would both replace it): set it aside
        hidden = {node: sympy.Dummy() for node in value.atoms(sympy.Limit) if node.args[1] == sym}
    if isinstance(value, sympy.Basic):
        # the variable of an event, p(x = -1 | mu), names the random variable, not a value of it: x in
        # {-1, 1} puts -1 in for a value of x, never into the event (p(event(-1, -1)) is no probability)
        hidden.update(
            {node: sympy.Dummy() for node in value.atoms(AppliedUndef) if _event_of(node, sym) and node not in hidden}
        )
    if hidden:
        value = value.xreplace(hidden)
    if isinstance(value, sympy.Basic) and value.has(sympy.Derivative):
        value = value.subs(sym, number)
    else:
        value = safe_replace(value, {sym: number})
    return value.xreplace({v: k for k, v in hidden.items()}) if hidden else value


def _event_of(node: Any, sym: Any) -> bool:
    """Whether ``node`` is an event of the variable ``sym`` (``event(x, -1)``, ``event_le(x, 2)``)."""
    return str(node.func).startswith("event") and bool(node.args) and node.args[0] == sym


#: What differentiating a kink (|x|, max, min, a step) leaves: their value where the argument is 0 is a
#: convention (Heaviside(0) = 1/2, sign(0) = 0), not a derivative.
_KINKS = (sympy.Heaviside, sympy.sign, sympy.DiracDelta)
_KINK_OPS = 400  # derivatives larger than this are not differentiated here (the tiers see them)


def _kink_where(value: Any, sym: Any, at: Any) -> str | None:
    """The kink term (``Heaviside(x)``, ``sign(x - 1)``) that a derivative in ``value`` has at ``sym = at``
    (``d/dx max(0, x)`` at 0), or None."""
    if _is_matrix(value) or not isinstance(value, sympy.Basic) or not value.has(sympy.Derivative):
        return None
    for node in value.atoms(sympy.Derivative):
        if sym not in node.free_symbols or sympy.count_ops(node.expr) > _KINK_OPS:
            continue
        if not node.expr.has(sympy.Abs, sympy.Max, sympy.Min, *_KINKS):
            continue
        try:
            done = node.doit()
        except (TypeError, ValueError, NotImplementedError, RecursionError):
            return str(node)
        for kink in sorted(done.atoms(*_KINKS), key=str) if isinstance(done, sympy.Basic) else ():
            arg = kink.args[0].subs(sym, at)
            if sym in kink.free_symbols and arg.is_zero is not False:
                return str(kink)
    return None


def _evaluate_subs(expr: Any) -> Any:
    return expr.replace(lambda n: isinstance(n, sympy.Subs), lambda n: n.doit())


def _number(tex: str, table: SymbolTable, text: str) -> Any:
    value = _parse_text(tex, table, None, {})
    if _is_matrix(value) or not getattr(value, "is_number", False):
        raise _fail(text, f"the value {tex.strip()!r} after \\right| must be a number")
    return value


def _name_parser(text: str) -> _Parser:
    state = _State(table=SymbolTable(), text=text, random={}, found={}, implicit=set())
    return _Parser(_tokenize(text), state)


def name_of(tex: str) -> str:
    """The derive name of a LaTeX name: ``\\hat{x}`` -> ``x_hat``, ``D^*`` -> ``D_star``.

    >>> name_of(r"\\Sigma_{1}"), name_of(r"\\mathcal{L}_{MLE}")
    ('Sigma_1', 'L_MLE')
    """
    p = _name_parser(tex)
    name = _read_name(p)
    if p.peek().kind != "end":
        raise p.fail(f"expected a name, found more after {name!r}")
    return name


class _Parser(_ExpressionGrammar, _FunctionGrammar, _LinearGrammar, _CalculusGrammar, _ProbabilityGrammar):
    """Recursive descent over a token list: the state and low-level helpers; the grammar is in the mixins."""

    def __init__(self, toks: list[_Tok], state: _State, integral: int = 0) -> None:
        self.toks = toks
        self.i = 0
        self.st = state
        self.ar = _Arith(state.text, lambda: not self.declared("I") and "I" not in self.st.definitions)
        self.bars = 0  # > 0: a "|" ends the expression being read (inside |...| or p(z|x))
        self.norms = 0  # > 0: inside a norm's bars, where a "‖" closes it
        self.integral = integral  # > 0: "d x" ends the integrand
        self.dist_context = False

    # -- names ----------------------------------------------------------------------------
    def symbol(self, name: str) -> Any:
        """The table's object for ``name``; names first seen here are remembered as implicit."""
        self.tuple_guard(name)
        if name not in self.st.table:
            self.st.implicit.add(name)
        return self.st.table.symbol(name)

    def tuple_guard(self, name: str) -> None:
        """Refuse a name of the family of a list read as one opaque argument (``f(x_1, \\ldots, x_n)``
        and x_1 in one step): derive could not relate the two."""
        seen = getattr(self.st.table, "_latex_families", None)
        if seen is None:
            seen = set()
            self.st.table._latex_families = seen  # type: ignore[attr-defined]
        seen.add(name_family(name))  # both sides of a step: a list read later checks against these
        tuples = getattr(self.st.table, "_latex_tuple_bases", None)
        if tuples and name_family(name) in tuples:
            listed = tuples[name_family(name)]
            raise self.fail(
                f"{name} and the list {listed} in one step: derive reads the list as one opaque argument, "
                f"so it cannot relate {name} to it"
            )

    def declared(self, name: str) -> bool:
        """Whether the user declared ``name`` (an implicit real from an earlier side does not count)."""
        return name in self.st.table and name not in self.st.implicit

    # -- token helpers ------------------------------------------------------------------
    def peek(self, k: int = 0) -> _Tok:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else _END

    def next(self) -> _Tok:
        t = self.peek()
        self.i += 1
        return t

    def at(self, kind: str, text: str | None = None, k: int = 0) -> bool:
        t = self.peek(k)
        return t.kind == kind and (text is None or t.text == text)

    def at_sym(self, *texts: str, k: int = 0) -> bool:
        t = self.peek(k)
        return t.kind == "sym" and t.text in texts

    def fail(self, why: str) -> LatexError:
        return _fail(self.st.text, why)

    def expect_sym(self, text: str) -> None:
        if not self.at_sym(text):
            t = self.peek()
            got = "the end" if t.kind == "end" else repr(t)
            raise self.fail(f"expected {text!r} but found {got}")
        self.i += 1

    def sub(self, toks: list[_Tok], *, keep_integral: bool = False) -> _Parser:
        p = _Parser(toks, self.st, self.integral if keep_integral else 0)
        p.dist_context = self.dist_context
        return p

    def group_tokens(self) -> list[_Tok]:
        """The tokens of a ``{...}`` group, or the single next token (``\\frac12``, ``x^2``)."""
        t = self.peek()
        if t.kind == "end":
            raise self.fail("a command is missing its argument")
        if t.kind == "sym" and t.text == "{":
            return self.balanced("{", "}")
        self.i += 1
        script = self.i >= 2 and self.toks[self.i - 2].kind == "sym" and self.toks[self.i - 2].text in ("^", "_")
        if t.kind == "num" and len(t.text) > 1 and script:
            # 2^10 prints as 2^1 0 (TeX takes one digit), yet its author surely meant 2^{10}; x_12 likewise
            mark = self.toks[self.i - 2].text
            raise self.fail(
                f"{mark}{t.text} without braces: TeX reads {mark}{t.text[0]} {t.text[1:]}, the author may mean "
                f"{mark}{{{t.text}}}; write the braces (or a \\cdot)"
            )
        if t.kind == "num" and len(t.text) > 1 and "." not in t.text:
            # \frac12 is \frac{1}{2} in TeX: only the first digit is the argument
            self.toks.insert(self.i, _Tok("num", t.text[1:], t.pos + 1))
            return [_Tok("num", t.text[0], t.pos)]
        if t.kind == "cmd" and t.text in _FONTS | set(_ACCENTS):
            return [t, *self.group_tokens()] if self.at_sym("{") else [t]
        return [t]

    def balanced(self, open_: str, close: str) -> list[_Tok]:
        """Consume ``open_ ... close`` (nesting aware) and return the tokens inside."""
        self.expect_sym(open_)
        start, depth = self.i, 1
        opens, closes = {"{", "(", "[", "\\{"}, {"}", ")", "]", "\\}"}
        while True:
            t = self.peek()
            if t.kind == "end":
                raise self.fail(f"unbalanced {open_!r}: no matching {close!r}")
            if t.kind == "sym" and t.text in opens:
                depth += 1
            elif t.kind == "sym" and t.text in closes:
                depth -= 1
                if depth == 0:
                    if t.text != close:
                        raise self.fail(f"{open_!r} closed by {t.text!r}")
                    inner = self.toks[start : self.i]
                    self.i += 1
                    return inner
            self.i += 1

    # -- grammar ------------------------------------------------------------------------
    def parse_all(self) -> Any:
        value = self.expr()
        t = self.peek()
        if t.kind != "end":
            raise self.fail(self._unexpected(t))
        return value

    def expression_list(self, owner: _Parser) -> list[Any]:
        """``a, b, c`` to the end of this sub-parser; anything else left is ``owner``'s error."""
        args = [self.expr()]
        while self.at_sym(","):
            self.i += 1
            args.append(self.expr())
        if self.peek().kind != "end":
            raise owner.fail(self._unexpected(self.peek()))
        return args

    def _unexpected(self, t: _Tok) -> str:
        if (t.kind == "sym" and t.text in ("=", "<", ">", "<=", ">=", "~=", "!=")) or (
            t.kind == "cmd" and t.text in _RELATIONS | _ARROWS
        ):
            return f"a relation {t!r} inside one side (steps are split at relations before parsing)"
        if t.kind == "sym" and t.text == "&":
            return "a stray '&' (alignment marks belong between steps)"
        if t.kind == "sym" and t.text in (")", "]", "}", "\\}"):
            return f"unbalanced {t.text!r}"
        if t.kind == "sym" and t.text == ",":
            return "a ',' list where one expression was expected"
        return f"unexpected {t!r} at column {t.pos}"

    def _src(self, toks: list[_Tok]) -> str:
        if not toks:
            return ""
        end = toks[-1].pos + len(toks[-1].text) + (1 if toks[-1].kind == "cmd" else 0)
        return self.st.text[toks[0].pos : end]
