"""Grammar mixins of `derive.latex.parser._Parser`: derivatives, integrals, sums, products, limits, extrema.

`_SumGrammar` reads ``\\sum``/``\\prod``: with bounds (``_{i=1}^{n}``; ``_i^n`` runs from 1), over an
unspecified finite index set (``\\sum_j``: from 1 to the size `INDEX_SET_SIZE`, one size for every
such sum of a claim, checked by `derive.language._indexed` at sizes 1 to 8 with independent terms), over
every index but one (``\\sum_{k \\ne i}``, ``\\sum_{k=1, k \\ne j}^K``) and over two indices
(``\\sum_{i,j}``). Under a sum, ``x_{si}`` is the table entry x[s, i], a family the document
defines (``a_k = w_k x``) is put in, and a Kronecker delta ``\\delta_{kj}``/``I_{kj}`` of the index
picks its term. What it cannot read soundly (the index of a sum without bounds used as a
number, a set it does not know, a delta inside a function) is a `LatexError` naming why.

`_ShorthandGrammar` holds ``\\partial_\\mu f``, ``\\nabla_{\\mathbf w} f`` (the gradient by a declared
vector; otherwise opaque), ``\\arg\\max_x`` (opaque: never a guessed value) and evaluation bars
``[F]_a^b``, ``F\\big|_{x=a}^{b}`` (F(b) - F(a); a limit at an infinite bound; not read at a pole,
after several terms, or with several names and no variable written). They are reached from the
dispatch in `grammar_functions` (``command``) and `grammar_expressions` (``starts_factor``,
``postfix``, ``expr``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import sympy
from sympy import S
from sympy.core.function import AppliedUndef

from derive.errors import DeriveError
from derive.language._exact import safe_replace
from derive.language.functions import JS, KL, Expectation
from derive.language.symbols import SymbolKind, SymbolTable
from derive.latex.grammar_expressions import _read_name, extended_and_free
from derive.latex.grammar_linear import _is_matrix, _scalar
from derive.latex.grammar_matrix_calculus import _MatrixCalculusGrammar
from derive.latex.norm_limits import norm_limit
from derive.latex.sums_unbounded import implicit_index, index_list, nested_operator, over_set
from derive.latex.tokens import _ACCENTS, _FONTS, _GREEK, _MAX_ORDER, _split_top, _Tok

#: The size of the unspecified finite index set of a sum without bounds (``\\sum_j``): a name no
#: document can write, so that the evidence says which sizes were checked.
INDEX_SET_SIZE = "|index set|"
#: The size of a named index set (``|C_k|`` for ``\\sum_{n \\in C_k}``, `_SumGrammar._named_set`).
_SET_SIZE = re.compile(r"\|[^|]+\|")
#: The fonts a named index set may be written in (``\\mathcal{D}``); bold and blackboard letters are
#: number sets as often (``\\mathbf{Z}``, ``\\mathbb{N}``).
_SET_FONTS = frozenset({"mathcal", "mathscr", "mathfrak"})
#: Capitals that alone may name a number set (R, Z, N, Q, C written without \\mathbb).
_NUMBER_SET_LETTERS = frozenset("RZNQC")
#: ``delta_kj``, ``delta_k,j``: the name a Kronecker delta's subscript gives.
_KRONECKER = re.compile(r"delta_([A-Za-z]),?([A-Za-z])")
#: A definition's text that may hold a Kronecker delta (``\\delta_{nk}``, ``I_{nk}``).
_KRONECKER_TEX = re.compile(r"\\delta(?![A-Za-z])|(?<![A-Za-z\\])I\s*_")
#: ``delta_k1``, ``delta_2,k``: a Kronecker delta of an index and one digit.
_NUMBERED_DELTA = re.compile(r"delta_(?:([A-Za-z]),?(\d)|(\d),?([A-Za-z]))")
#: ``x_si``, ``t_nk``, ``x_s,1``: a name whose subscript is two indices (one letter or digit each).
_DOUBLE_INDEX = re.compile(r"([A-Za-z]+)_([A-Za-z0-9]),?([A-Za-z0-9])")
#: The integral signs and how many differentials each takes.
_MULTIPLE_INTEGRALS = {"int": 1, "iint": 2, "iiint": 3}
#: The fonts of an upright differential, \mathrm{d}x.
_UPRIGHT_FONTS = frozenset({"mathrm", "operatorname", "text", "textrm", "rm", "mathop"})
#: What may follow the d or \partial of a derivative's denominator as a command: a Greek name
#: (\pi_k too: a name, not the constant, once subscripted), a font or an accent.
_DERIVATIVE_NAMES = _GREEK | _FONTS | set(_ACCENTS) | {"pi"}


class _IdentityDelta(_Tok):
    """A ``\\delta`` `_KroneckerGrammar._kronecker_tokens` wrote for a written ``I`` (put back after the sum)."""

    __slots__ = ()


class _KroneckerGrammar:
    """`_Parser` grammar: the Kronecker deltas a sum over their index picks its term with (mixed into `_SumGrammar`)."""

    def _kronecker_tokens(self, var_name: str) -> list[tuple[_Tok, _Tok]]:
        """``I_{kj}`` of the index j (and no declared I_kj) is the Kronecker delta ``\\delta_{kj}``, not an
        identity matrix of size kj: rewrite the tokens ahead as ``\\delta`` (put back by `_restore_tokens`).
        Each pair is (the delta written, the I it replaced)."""
        kept: list[tuple[_Tok, _Tok]] = []
        toks = self.toks
        for k in range(self.i, len(toks) - 4):
            t = toks[k]
            if not (t.kind == "letter" and t.text == "I" and toks[k + 1].kind == "sym" and toks[k + 1].text == "_"):
                continue
            group = toks[k + 2 : k + 6]
            texts = [g.text for g in group]
            if (
                len(group) == 4
                and texts[0] == "{"
                and texts[3] == "}"
                and all(g.kind == "letter" and len(g.text) == 1 for g in group[1:3])
            ):
                pair = texts[1:3]
                if var_name in pair and not self.declared(f"I_{''.join(pair)}") and not self.declared("I"):
                    toks[k] = _IdentityDelta("cmd", "delta", t.pos)
                    kept.append((toks[k], t))
        return kept

    def _written_identity_entries(self) -> dict[str, Any]:
        """Under a product, the deltas `_kronecker_tokens` wrote for ``I_{nk}`` ahead (this product's or an outer
        sum's or product's; name -> the entry I[n, k]): a product picks no term, and ``\\prod_k \\pi_k^{I_{nk}}`` is
        the likelihood of an indicator matrix I as much as a power of the identity's entries, so I_{nk} is read as
        an entry of a matrix I. What holds for every such matrix holds for both; `derive.latex.readings` leaves
        any other verdict through it undecided. A ``\\delta`` the text writes stays unread under a product."""
        out: dict[str, Any] = {}
        for k in range(self.i, len(self.toks) - 4):
            if isinstance(self.toks[k], _IdentityDelta):
                a, b = self.toks[k + 3].text, self.toks[k + 4].text
                out[f"delta_{a}{b}"] = sympy.Indexed(sympy.IndexedBase("I"), self.symbol(a), self.symbol(b))
        return out

    def _restore_tokens(self, kept: list[tuple[_Tok, _Tok]]) -> None:
        # found by identity, not by place: reading the summand may have moved the deltas (\frac12 split
        # into two digits, \sigma^2_S reordered), and a place would put an I over another token
        originals = {id(delta): t for delta, t in kept}
        for k, t in enumerate(self.toks):
            if id(t) in originals:
                self.toks[k] = originals[id(t)]

    def _sift(self, name: str, body: Any, var: sympy.Symbol, excluded: Any, span: tuple[Any, Any]) -> tuple[Any, Any]:
        """(what the Kronecker deltas of ``var`` in ``body`` pick out, the rest of the summand).

        ``\\delta_{kj} a_j`` summed over j is a_k: the term j = k (k is in the index set, as the
        notation says). The picked term's entries a[k] of an index k no outer sum binds are the
        names a_k, the same names the text writes outside the sum. That k lies in the range is
        what `_picked_where` decides: the notation implies it only for the generic index set.
        """
        if not isinstance(body, sympy.Basic):
            return S.Zero, body
        deltas = {}
        for s in body.free_symbols:
            m = _KRONECKER.fullmatch(getattr(s, "name", ""))
            if m is None or self.declared(s.name) or s.name in self.st.definitions:
                continue
            first, second = m.group(1), m.group(2)
            if var.name not in (first, second):
                continue
            other = second if first == var.name else first
            deltas[s] = (self.symbol(other), other)
        if not deltas:
            return S.Zero, body
        if name != "sum":
            raise self.fail("a Kronecker delta under a product (only sums are summed out)")
        picked, rest = [], []
        for term in sympy.Add.make_args(sympy.expand_mul(body)):
            factors = sympy.Mul.make_args(term)
            hits = [f for f in factors if f in deltas]
            if not hits:
                if term.free_symbols & deltas.keys():
                    raise self.fail(
                        "a Kronecker delta inside a function or power under a sum (derive sums out only a factor)"
                    )
                rest.append(term)
                continue
            if len(hits) > 1 or term.free_symbols & deltas.keys() != {hits[0]} or factors.count(hits[0]) > 1:
                raise self.fail("several Kronecker deltas in one term of a sum")
            other, other_name = deltas[hits[0]]
            if other_name == var.name:
                rest.append(term.xreplace({hits[0]: S.One}))
                continue
            if excluded is not None:
                if excluded != other:
                    raise self.fail("a Kronecker delta in a sum that leaves out another index")
                continue  # the one term the delta picks is the one left out
            value = sympy.Mul(*[f for f in factors if f is not hits[0]]).xreplace({var: other})
            value = value.replace(lambda e: isinstance(e, sympy.Indexed), self._named_entry)
            picked.append(self._picked_where(value, other, other_name, span))
        return sympy.Add(*picked), sympy.Add(*rest)

    def _picked_where(self, value: Any, other: Any, other_name: str, span: tuple[Any, Any]) -> Any:
        """The term a delta ``\\delta_{kj}`` picks, where j lies in the sum's range ``span``, else 0.

        Under the generic index set (no bounds, or from 0 or 1 to a name such as n or K) a free j
        is taken to lie in it, as every text means ``\\sum_{i=1}^n \\delta_{ki} a_i = a_k``; so is an
        outer sum's index over the same range. Under a specific range (``\\sum_{k=1}^{3}``) or an
        outer index over another range, the term is kept only where j lies in it: j = 4 makes
        ``\\sum_{k=1}^{3} \\delta_{kj}`` 0, not 1. A free j the text never says is an integer has
        no such reading (a real j picks nothing): that is an error naming the missing range.
        """
        lower, upper = span
        generic = lower in (S.Zero, S.One) and (isinstance(upper, sympy.Symbol) or upper.is_Symbol)
        outer = self.st.ranges.get(other_name) if other_name in self.st.bound else None
        if (outer is None and other_name not in self.st.bound and generic) or outer == span:
            return value
        integer = other.is_integer or other_name in self.st.bound
        if not integer:
            raise self.fail(
                f"the Kronecker delta picks the term of {other_name} only where {other_name} lies in "
                f"{lower}..{upper}, which the text does not say: declare {other_name} an integer or sum over it"
            )
        return sympy.Piecewise((value, sympy.And(lower <= other, other <= upper)), (S.Zero, True))

    def _named_entry(self, entry: sympy.Indexed) -> Any:
        """The entry a[k] picked by a Kronecker delta: a[k] under an outer sum over k, else the name a_k."""
        indices = [str(i) for i in entry.indices]
        if any(i in self.st.bound for i in indices):
            return entry
        return self.symbol(f"{entry.base.label}_{''.join(indices)}")


class _SumGrammar(_KroneckerGrammar):
    """`_Parser` grammar: sums and products, with and without bounds, and the Kronecker deltas under them."""

    # -- big operators ----------------------------------------------------------------------
    def limits(self) -> tuple[list[_Tok] | None, list[_Tok] | None]:
        lo = hi = None
        for _ in range(2):
            if self.at_sym("_") and lo is None:
                self.i += 1
                lo = self.group_tokens()
            elif self.at_sym("^") and hi is None:
                self.i += 1
                hi = self.group_tokens()
        return lo, hi

    def big_operator(self, name: str) -> Any:
        """``\\sum``/``\\prod`` with ``_{i=1}^{n}``, ``_i^n`` (from 1), ``_j`` (an unspecified finite index
        set: 1 to `INDEX_SET_SIZE`, one size for every such sum of the claim), ``_{k \\ne i}`` and
        ``_{k=1, k \\ne j}^K`` (every index but one). A Kronecker delta ``\\delta_{kj}`` (or ``I_{kj}``) of the
        sum's index picks the term j = k out of the sum (`_sift`)."""
        lo, hi = self.limits()
        lo = lo if lo is not None else implicit_index(self, name)  # \sum t_n: the one subscript letter after it
        several = _index_pair(lo) or index_list(lo)
        if several is not None:  # \sum_{i,j}, \sum_{i,j=1}^n, \sum_{s,t,u}: over each index, each over the same range
            return nested_operator(self, name, list(several), hi)
        return self._big_operator(name, lo, hi, None)

    def _big_operator(self, name: str, lo: list[_Tok], hi: list[_Tok] | None, read_body: Any) -> Any:
        """`big_operator` once its subscript and superscript are read; ``read_body`` reads the summand
        (the next product when None, an inner sum for ``\\sum_{i,j}``)."""
        var_toks, lower_toks, excluded_toks, named_set = self._sum_index(name, lo)
        var_name = self.sub(var_toks).base_name()
        if self.declared(var_name) and _is_matrix(self.st.table[var_name].obj):
            raise self.fail(f"\\{name} over {var_name}, which is declared as a vector or matrix")
        var = self.symbol(var_name)
        unbounded = lower_toks is None and hi is None
        for toks in (lower_toks, hi):
            self._integer_bound(toks)
        lower = self.sub(lower_toks).parse_all() if lower_toks is not None else S.One
        finite = getattr(self.st.table, "_latex_finite", {}).get(var_name) if unbounded and not excluded_toks else None
        upper = self._upper(name, var_name, hi, named_set) if finite is None else S.One
        excluded = None
        if excluded_toks is not None:
            excluded = self.sub(excluded_toks).parse_all()
            if not isinstance(excluded, (sympy.Symbol, sympy.Integer)) or excluded == var:
                raise self.fail(f"\\{name} over {var_name} \\ne {self._src(excluded_toks)}: leave out one other index")
        body = self._summand_over(name, var_name, (lower, upper), read_body)
        body = self._double_indices(body, var_name)
        body = self._numbered_deltas(body, var_name)
        body = self._defined_family(body, var_name, (lower, upper))
        if finite is not None:
            return _over_values(name, body, var, finite)
        valued = over_set(self, name, body, (var, var_toks), named_set) if unbounded or named_set else None
        if valued is not None:  # \sum_x p(x): over an unspecified finite set of values
            return valued
        if named_set is not None:
            self._set_summand(name, named_set, body, var)
        if unbounded and _uses_value(body, var):
            raise self.fail(
                f"the index {var_name} of a \\{name} without bounds is used as a number (or it sums over the values "
                f"of {var_name}, which the text does not list): write the bounds, _{{{var_name}=1}}^{{n}}"
            )
        picked, body = self._sift(name, body, var, excluded, (lower, upper))
        cls = sympy.Sum if name == "sum" else sympy.Product
        if excluded is None:
            whole = cls(body, (var, lower, upper))
        else:
            # every index but one: the ranges below and above it (the excluded index lies in the range)
            below, above = cls(body, (var, lower, excluded - 1)), cls(body, (var, excluded + 1, upper))
            whole = below + above if cls is sympy.Sum else below * above
        return picked + whole

    def _summand_over(self, name: str, var_name: str, bounds: tuple[Any, Any], read_body: Any) -> Any:
        """The summand of a ``\\sum``/``\\prod`` over ``var_name`` (read by ``read_body``, the next product when
        None), read with the index bound over ``bounds``; the reader's state of the index is put back after it.
        A matrix summand is refused; in a product an entry of a written identity matrix is its value."""
        saved, saved_range = self.st.bound, self.st.ranges.get(var_name)
        saved_uses = self.st.index_uses.get(var_name, 0)  # this sum's own uses of its index stay its own
        self.st.bound = (*saved, var_name)
        self.st.ranges[var_name] = bounds
        kept = self._kronecker_tokens(var_name)
        written_i = self._written_identity_entries() if name == "prod" else {}
        try:
            with self.shadowing({var_name}):
                body = _scalar(self._summand() if read_body is None else read_body())
                if read_body is None and name == "sum":
                    body = self._extended_summand(body, var_name)
        finally:
            self.st.bound = saved
            self.st.index_uses[var_name] = saved_uses
            if saved_range is None:
                self.st.ranges.pop(var_name, None)
            else:
                self.st.ranges[var_name] = saved_range
            self._restore_tokens(kept)
        if _is_matrix(body):
            raise self.fail(f"\\{name} of a matrix")
        if written_i:
            body = body.xreplace({s: written_i[s.name] for s in body.free_symbols if s.name in written_i})
        return body

    def _summand(self) -> Any:
        """The summand of a ``\\sum``/``\\prod``: the next product, its factors joined by juxtaposition or by
        ``\\cdot``, ``\\times``, ``/`` (``\\sum_i x_i \\cdot y_i`` is the sum of the products; a factor free of
        the index gives the same value inside or outside)."""
        if self.peek().kind == "end" or self.at_sym(")", "]", "}", "\\}", "+", "=", "<", ">"):
            raise self.fail("an operator with nothing to apply to")
        sign = 1
        if self.at_sym("-", "+"):
            sign = -1 if self.next().text == "-" else 1
        value = self.term()
        return -value if sign < 0 else value

    def _extended_summand(self, body: Any, var_name: str) -> Any:
        """The summand of ``\\sum_n y_n a_n - (1 - y_n) b_n``: every term after the first that writes an
        entry of the index n (``y_n``) belongs to the sum, since outside it that entry would have no
        index (the one sensible reading). Only when each term up to the end of the expression does so;
        a term without the index (``\\sum_i a_i + c``: c summed n times, or once?) leaves the summand
        as written and the reader refuses the entry outside. Where an inner sum's summand stopped
        before a term that uses only this outer index (``\\sum_n \\sum_k a_{nk} + b_n``: inside the
        k-sum, counted K times, or after it?) derive refuses: both readings are plausible."""
        start = self.i
        if not self.at_sym("+", "-"):
            return body
        st = self.st
        # (st.implicit is not rolled back: a name the trial read stays in the table, and must stay
        # marked implicit there, or `declared` would take delta_ki for the user's own name)
        saved = (set(st.indexed), dict(st.found), dict(st.index_uses))
        # what a construct the trial left by an error raised inside it had not yet counted back down
        # (|...| and f(...) count bars, \int counts integrands); a '|' of the terms read again must not
        # end an expression that is not open
        context = (self.bars, self.integral, self.dist_context, st.applying, st.sample, st.shadow, st.expanding)
        terms: list[Any] = []
        used = st.index_uses.get(var_name, 0)
        whole = True  # every term read and each uses the index
        try:
            while self.at_sym("+", "-"):
                sign = -1 if self.next().text == "-" else 1
                before = st.index_uses.get(var_name, 0)
                term = _scalar(self.term())
                whole = whole and st.index_uses.get(var_name, 0) > before and not _is_matrix(term)
                terms.append(sign * term)
        except DeriveError:
            whole = False
        if not whole:
            self.i = start
            # an entry of the index met in a term left out stays one the reader refuses outside the sum
            # (``\sum_i x_i + c + y_i``: y_i is no name of its own)
            indexed = st.indexed if st.index_uses.get(var_name, 0) > used else saved[0]
            st.indexed, st.index_uses = indexed, saved[2]
            self.bars, self.integral, self.dist_context = context[:3]
            st.applying, st.sample, st.shadow, st.expanding = context[3:]
            # in place: st.found is the table's registry of random variables, which both sides share
            st.found.clear()
            st.found.update(saved[1])
            if any(outer != var_name for outer in st.bound):
                st.declined[id(self.toks), start] = self.toks  # the list kept alive: its id stays its own
            return body
        if (id(self.toks), start) in st.declined:
            raise self.fail(
                f"a term after a sum inside the sum over {var_name} uses {var_name}: it may belong to the inner "
                "sum or follow it; put the summands in brackets"
            )
        table = st.table
        if var_name in getattr(table, "_latex_free_indices", set()):
            raise self.fail(extended_and_free(f"an entry of {var_name}", var_name))
        extended = getattr(table, "_latex_extended_indices", None)
        if extended is None:
            extended = set()
            table._latex_extended_indices = extended  # type: ignore[attr-defined]
        extended.add(var_name)
        return sympy.Add(body, *terms)

    def _upper(self, name: str, var_name: str, hi: list[_Tok] | None, named_set: str | None) -> Any:
        """The upper bound: written, or the size of the unspecified (or named) index set."""
        if named_set is not None and hi is not None:
            raise self.fail(f"\\{name} over {var_name} \\in {named_set} with an upper bound: which range is meant?")
        return self.sub(hi).parse_all() if hi is not None else self._index_set_size(named_set or INDEX_SET_SIZE)

    def _set_summand(self, name: str, named_set: str, body: Any, var: sympy.Symbol) -> None:
        """Refuse a summand over a named set (read as 1..|C|) that depends on which numbers its indices are."""
        if _shifted(body, var):
            # x_{n+1} over n \\in C: the set is not 1..|C|, so the entry after x_n need not be in it
            raise self.fail(f"\\{name} over {var} \\in {named_set} of an entry shifted from {var}")
        if _uses_value(body, var):
            raise self.fail(
                f"the index {var} of a \\{name} over {named_set} is used as a number, and derive does not know "
                f"that set's values; write the bounds, _{{{var}=1}}^{{n}}"
            )

    def _double_indices(self, body: Any, var_name: str) -> Any:
        """``x_{si}``, ``t_{nk}``, ``x_{s,1}`` under a sum over s: the entry x[s, i] of a table, not a
        name x_si that is the same number for every s. An index no sum binds (i here) leaves the
        entry without a single value, which the indexed instances say (undecided)."""
        if not isinstance(body, sympy.Basic):
            return body
        swap: dict[Any, Any] = {}
        for s in body.free_symbols:
            m = _DOUBLE_INDEX.fullmatch(getattr(s, "name", ""))
            if m is None or var_name not in (m.group(2), m.group(3)):
                continue
            if self.declared(s.name) and _is_matrix(self.st.table[s.name].obj):
                continue
            if s.name in self.st.definitions or _KRONECKER.fullmatch(s.name) or m.group(1) in ("I", "delta"):
                continue
            indices = [sympy.Integer(c) if c.isdigit() else self.symbol(c) for c in (m.group(2), m.group(3))]
            swap[s] = sympy.Indexed(sympy.IndexedBase(m.group(1)), *indices)
        return body.xreplace(swap) if swap else body

    def _numbered_deltas(self, body: Any, var_name: str) -> Any:
        """``\\delta_{k1}``, ``\\delta_{2k}`` under a sum over k: the Kronecker delta of k and that number (1 at
        one term, 0 elsewhere), not a name delta_k1 that is the same number for every k. A delta the text
        declares or defines keeps its meaning."""
        if not isinstance(body, sympy.Basic):
            return body
        swap: dict[Any, Any] = {}
        for s in body.free_symbols:
            m = _NUMBERED_DELTA.fullmatch(getattr(s, "name", ""))
            if m is None or self.declared(s.name) or s.name in self.st.definitions:
                continue
            pair = [p for p in m.groups() if p is not None]
            if var_name not in pair:
                continue
            number = next(p for p in pair if p.isdigit())
            swap[s] = sympy.KroneckerDelta(self.symbol(var_name), sympy.Integer(number))
        return body.xreplace(swap) if swap else body

    def _defined_family(self, body: Any, var_name: str = "", span: tuple[Any, Any] | None = None) -> Any:
        """The summand with the document's definition of a family put in: ``a_k = w_k^T x`` (for
        every k) makes the entry a[j] under a sum over j the value w_j^T x. Read as independent
        numbers instead, the entries would refute a step that holds by the definition. A family
        defined under two letters, or as a matrix, is not read (derive does not pick one). A value that
        sums out a Kronecker delta of its letter (``N_k = \\sum_{n=1}^N \\delta_{nk}``) is read again with the
        letter over the range of the index it stands for (``span`` for the sum over ``var_name`` just read):
        read with the letter free, the delta would pick its term for every k, also outside 1..N."""
        if not isinstance(body, sympy.Basic) or not self.st.definitions:
            return body
        swap: dict[Any, Any] = {}
        for entry in body.atoms(sympy.Indexed):
            base = str(entry.base.label)
            defined = sorted(n for n in self.st.definitions if re.fullmatch(re.escape(base) + r"_[A-Za-z]", n))
            if not defined:
                continue
            if defined[0] in self.st.expanding:
                raise self.fail(f"the document defines {defined[0]} through itself, which derive does not unroll")
            letter = defined[0][len(base) + 1 :]
            index = str(entry.indices[0]) if len(entry.indices) == 1 else ""
            value = self._family_value(
                defined[0], letter, span if index == var_name and var_name else self.st.ranges.get(index)
            )
            if len(defined) > 1 or len(entry.indices) != 1 or _is_matrix(value) or not isinstance(value, sympy.Basic):
                raise self.fail(
                    f"the document defines {', '.join(defined)} for every index, which derive does not substitute "
                    "under this sum; write the summand with the definition put in"
                )
            swap[entry] = self.family_at(defined[0], letter, value, entry.indices[0])
        return body.xreplace(swap) if swap else body

    def family_at(self, name: str, letter: str, value: Any, index: Any) -> Any:
        """``value`` (family ``name`` read with ``letter`` bound, `_family_value`) at ``index``: its own family
        entries put in as well (y_k := exp(a_k)/..., a_k := w_k x), then the letter replaced by the index. A family
        defined through itself (a recurrence) is not read (`_defined_family`)."""
        saved = self.st.expanding
        self.st.expanding = (*saved, name)
        try:
            value = self._defined_family(value)
        finally:
            self.st.expanding = saved
        own = [s for s in value.free_symbols if getattr(s, "name", None) == letter]
        return value.xreplace({own[0]: index}) if own else value

    def _family_value(self, name: str, letter: str, span: tuple[Any, Any] | None) -> Any:
        """The value of family ``name`` (``N_k``) for its letter ranging over ``span``, read again from its
        text with the letter bound (its entries x_k become x[k]); a Kronecker delta of the letter needs that
        range (with no range known, the delta's reading depends on where the family is used: not read here)."""
        from derive.latex.parser import _Parser  # noqa: PLC0415 - the parser is assembled from this mixin
        from derive.latex.tokens import _tokenize  # noqa: PLC0415

        d = self.st.definitions[name]
        if name in self.st.expanding:
            return d.value
        kronecker = _KRONECKER_TEX.search(d.tex) is not None
        if kronecker and span is None:
            raise self.fail(
                f"the document defines {name} with a Kronecker delta of {letter}, which picks a term only where "
                f"{letter} lies in the delta's range; derive does not substitute it here: write the summand out"
            )
        # Read again with the letter bound, so the family's own entries follow it: y_i := 2 x_i makes
        # y_j the entry 2 x[j], never 2 times one name x_i that is the same number for every j.
        ranges = {**self.st.ranges, letter: span} if span is not None else self.st.ranges
        state = replace(
            self.st,
            text=d.tex,
            expanding=(*self.st.expanding, name),
            bound=(*self.st.bound, letter),
            ranges=ranges,
            shadow=self.st.shadow | {letter},
            # its own count of index uses: the entries of the definition's text (y_{ij} of ybar_i) are no
            # uses the text makes of an enclosing sum's index, which decide where that sum's summand ends
            index_uses=dict(self.st.index_uses),
        )
        return _scalar(_Parser(_tokenize(d.tex), state).parse_all())

    def _sum_index(
        self, name: str, lo: list[_Tok]
    ) -> tuple[list[_Tok], list[_Tok] | None, list[_Tok] | None, str | None]:
        """The index, the lower bound (None: from 1), the excluded index of a big operator's subscript
        (``i=1``, ``j``, ``k \\ne i``, ``k=1, k \\ne j``) and the set named in ``n \\in C_k`` (`_named_set`)."""
        parts = _split_top(lo, {","})
        unreadable = self.fail(f"cannot read the subscript of \\{name}: {self._src(lo)} (write i=1, j, k \\ne i)")
        if len(parts) > 2 or not parts[0]:
            raise unreadable
        first = parts[0]
        eq = _cut(first, _is_eq)
        ne = _cut(first, _is_ne)
        if eq is not None and ne is not None:
            raise unreadable
        excluded = ne[1] if ne is not None else None
        if len(parts) == 2:
            # k=1, k \ne j: the second part leaves out one index of the first's
            second = _cut(parts[1], _is_ne)
            index = eq[0] if eq is not None else first
            if second is None or ne is not None or self._src(second[0]).strip() != self._src(index).strip():
                raise unreadable
            excluded = second[1]
        if eq is not None:
            return eq[0], eq[1], excluded, None
        if ne is not None:
            return ne[0], None, excluded, None
        if any(_is_set_mark(t) for t in first):
            member = self._named_set(first) if len(parts) == 1 else None
            if member is None:
                raise self.fail(
                    f"\\{name} over {self._src(lo)}: derive does not know that set; write the bounds, _{{i=1}}^{{n}}"
                )
            return member[0], None, None, member[1]
        return first, None, excluded, None

    def _named_set(self, toks: list[_Tok]) -> tuple[list[_Tok], str] | None:
        """``n \\in C_k``, ``x \\in \\mathcal{D}``: (the index, the set's name) when the set is a capital letter
        (in a calligraphic font or none, with a subscript or not) the text does not define, read as an
        unspecified finite index set of its own size |C_k|, as a sum without bounds is. Not read: number
        sets (\\mathbb{R}, a bare R, Z, N, Q, C, \\mathbf{Z}), sets written out or built (\\{1, 2\\}, A \\cup B),
        a defined or declared name, and a set whose subscript is the index of an enclosing sum (C_k under
        \\sum_k: one set per k, which one size cannot stand for)."""
        at = next(k for k, t in enumerate(toks) if _is_set_mark(t))
        index, where = toks[:at], toks[at + 1 :]
        if toks[at].text != "in" or not _lone_index(index):
            return None
        words = [t for t in where if not (t.kind == "sym" and t.text in "{}")]
        if words and words[0].kind == "cmd" and words[0].text in _SET_FONTS:
            font, words = words[0].text, words[1:]
        else:
            font = ""
        if not words or words[0].kind != "letter" or not words[0].text.isupper() or len(words[0].text) != 1:
            return None
        letter, script = words[0].text, words[1:]
        if not script and not font and letter in _NUMBER_SET_LETTERS:
            return None  # \\sum_{a \\in Z}: the integers, for all derive knows
        if script and (script[0].kind != "sym" or script[0].text != "_" or len(script) < 2):
            return None
        subscript = script[1:]
        if any(t.kind not in ("letter", "num") for t in subscript):
            return None
        if any(t.text in self.st.bound for t in subscript):
            return None
        plain = letter + ("_" + "".join(t.text for t in subscript) if script else "")
        label = f"\\{font}{{{letter}}}{plain[1:]}" if font else plain
        if self.declared(plain) or plain in self.st.definitions:
            return None
        return index, label

    def _integer_bound(self, toks: list[_Tok] | None) -> None:
        """A bound ``k``, ``k + 1`` or ``N - 1`` whose name the claim has not used before is a positive
        integer: read as a real, k = 5/2 would give ``\\sum_{m=0}^{k}`` a meaning it does not have
        (sympy's closed forms at a fractional k refuted the binomial theorem). A name met earlier
        keeps its reading (its object is already in the claim; `declare_sum_bounds` run before
        reading a side reaches those too), as does a declared one."""
        name = _bound_name(toks or [])
        if name and name not in self.st.bound and name not in self.st.definitions:
            _declare_integer(self.st.table, self.st.implicit, name)

    def _index_set_size(self, which: str) -> Any:
        """The size of an unspecified finite index set: of the sums without bounds (`INDEX_SET_SIZE`, one
        per claim) or of a named set C_k (``|C_k|``). One claim has at most one such set: read as 1..|A|
        and 1..|B|, two sets would be nested, which the text does not say (they may be disjoint)."""
        size = which if which == INDEX_SET_SIZE else f"|{which}|"
        others = [n for n in self.st.table if n != size and (n == INDEX_SET_SIZE or _SET_SIZE.fullmatch(n))]
        if others:
            shown = "a sum without bounds" if others[0] == INDEX_SET_SIZE else f"a sum over {others[0][1:-1]}"
            here = "a sum without bounds" if size == INDEX_SET_SIZE else f"a sum over {which}"
            raise self.fail(
                f"{here} and {shown} in one step: derive does not know whether the two index sets overlap; write "
                "the bounds, _{i=1}^{n}"
            )
        if size not in self.st.table:
            self.st.table.declare(size, SymbolKind("positive integer"))
        return self.st.table[size].obj


class _ShorthandGrammar:
    """`_Parser` grammar: ``\\partial_\\mu f``, ``\\nabla_{\\mathbf w} f``, ``\\arg\\max_x``, bars ``[F]_a^b``."""

    def subscript_derivative(self) -> Any:
        """``\\partial_\\mu f``, ``\\partial_{x} f``: the partial derivative ∂f/∂μ of the next product."""
        if not self.at_sym("_"):
            raise self.fail("\\partial outside a \\frac{\\partial ...}{\\partial ...} derivative")
        self.i += 1
        toks = self.group_tokens()
        probe = self.sub(toks)
        name = _read_name(probe)
        if probe.peek().kind != "end":
            raise self.fail(f"\\partial_{{{self._src(toks)}}}: the subscript of \\partial must be one name")
        with self.shadowing({name}):  # \partial_y after y := 3 differentiates by y, not by 3
            var = self.sub(toks).parse_all()
            start = self.i
            operand = self._scoped_operand(var, name)
            reread = self.reread_tokens(self.toks[start : self.i], {name})
            value = self._differentiate(operand, [(var, 1)], reread=reread)
            self._note_constants(operand, {name})
        return self._at_definitions(value, {name})

    def _scoped_operand(self, var: Any, name: str) -> Any:
        """What ``\\partial_x`` applies to: the next product, when that is its only reading.

        Without brackets, ``\\partial_x f g`` is ∂(fg) to some and (∂f) g to others (physics'
        ``\\partial_\\mu \\phi \\partial^\\mu \\phi``). The readings agree when every factor after the
        first is constant in x; otherwise the step has two meanings (``\\partial_x x \\, x`` is 2x or x),
        an error naming them.
        """
        start = self.i
        operand = self.operand_term()
        probe = self.sub(self.toks[start : self.i])
        if probe.at_sym("-", "+"):
            probe.i += 1
        entries = set(var) if _is_matrix(var) else {var}
        defined = set(self.st.definitions) - {name}

        def varies(factor: Any) -> bool:
            found = getattr(factor, "free_symbols", set())
            return bool(found & entries) or bool({getattr(s, "name", "") for s in found} & defined)

        # ∂ of constant factors alone (∂_x 3 x^2 as 0 · x^2) is no reading anyone means: the readings
        # start at the first factor that varies, and agree when no later factor varies
        seen = False
        with self.shadowing({name}):
            while probe.peek().kind != "end":
                if varies(probe.factor()):
                    if seen:
                        raise self.fail(
                            f"\\partial_{{{name}}} before several factors may apply to the first only or to "
                            "their product; write brackets around what it applies to"
                        )
                    seen = True
        return operand

    def gradient(self) -> Any:
        """``\\nabla_{\\mathbf w} E``: the gradient of a scalar by a declared vector (the column of its
        partial derivatives) or matrix (``\\nabla_\\Sigma``: the matrix of them, in Sigma's shape); without a
        subscript, by the one declared vector the scalar depends on (`_gradient_variable`).
        ``\\nabla f(\\mathbf w)^T \\mathbf v``: a transpose right after the function is the gradient's (a
        scalar's transpose says nothing), and what follows multiplies the row. By anything else (an undeclared
        name) it stays an unknown function ``nabla_w(E)``, which no tier evaluates: derive does not guess the
        shape; of a vector (a Jacobian) it is not read."""
        sub_toks: list[_Tok] = []
        if self.at_sym("_"):
            self.i += 1
            sub_toks = self.group_tokens()
        vector = self._declared_vector(sub_toks) or self._declared_matrix(sub_toks)
        names = {vector[0]} if vector is not None else set()
        with self.shadowing(names):
            start = self.i
            operand, transposed = self._gradient_operand()
            reread = self.reread_tokens(self.toks[start : self.i], names)
        label = "".join(t.text for t in sub_toks if not (t.kind == "sym" and t.text in "{}") and t.text not in _FONTS)
        by = vector[0] if vector is not None else self._declared_scalar(sub_toks)
        if by is None and not sub_toks and isinstance(operand, sympy.Basic) and not _is_matrix(operand):
            by = self._gradient_variable(operand)
        if by is None:
            if _is_matrix(operand) and (vector is not None or not sub_toks):
                raise self.fail("the gradient of a vector (a Jacobian) is not read")
            return sympy.Function(f"nabla_{label}" if label else "nabla")(operand)
        if _is_matrix(operand):
            raise self.fail("the gradient of a vector (a Jacobian) is not read")
        value = self._differentiate(operand, [(self.st.table[by].obj, 1)], gradient=True, reread=reread)
        self._note_constants(operand, {by})
        return value.T if transposed else value

    def _gradient_operand(self) -> tuple[Any, bool]:
        """What ``\\nabla`` applies to, and whether a transpose written after it is the gradient's: a first
        factor that is a scalar written transposed (``J(\\mathbf w)^T``, ``(\\mathbf w^T A \\mathbf w)^\\top``)
        alone; otherwise the whole next product (``\\nabla_{\\mathbf w} \\mathbf w^T A \\mathbf w``)."""
        start = self.i
        first = _scalar(self.factor())
        toks = self.toks[start : self.i]
        if not _is_matrix(first) and _ends_transposed(toks) and not self._starts_with_array(toks):
            return first, True
        self.i = start
        return _scalar(self.operand_term()), False

    def _gradient_variable(self, operand: sympy.Basic) -> str | None:
        """``\\nabla J(\\mathbf{w})``, ``\\nabla (\\mathbf{w}^T A \\mathbf{w})`` without a subscript: the one declared
        vector whose entries the scalar depends on (declared matrices are its parameters). Read as an opaque
        scalar, the gradient was refuted against the vector it equals; none or several vectors: an error."""
        used = operand.free_symbols
        vectors = sorted(
            name
            for name in self.st.table
            if name not in self.st.implicit
            and _is_matrix(obj := self.st.table[name].obj)
            and isinstance(obj, sympy.MatrixBase)
            and obj.shape[1] == 1
            and any(e in used for e in obj)
        )
        if len(vectors) == 1:
            return vectors[0]
        shaped = any(
            _is_matrix(obj := self.st.table[name].obj) and isinstance(obj, sympy.MatrixBase) and set(obj) & used
            for name in self.st.table
        )
        if vectors or shaped:
            listed = ", ".join(vectors) or "no declared vector"
            raise self.fail(
                f"\\nabla without a subscript of a scalar in {listed}: which variable? write it, \\nabla_{{\\mathbf w}}"
            )
        return None

    def _starts_with_array(self, toks: list[_Tok]) -> bool:
        """Whether ``toks`` start with a name declared as a vector or matrix: ``\\mathbf x^T`` at size 1 reads as
        a number, but it is a vector's transpose, not a scalar whose transpose says nothing."""
        probe = self.sub(toks)
        try:
            name = _read_name(probe)
        except DeriveError:
            return False
        return self.declared(name) and _is_matrix(self.st.table[name].obj)

    def _declared_matrix(self, toks: list[_Tok]) -> tuple[str, Any] | None:
        """(name, its matrix) when ``toks`` is exactly one name declared as a matrix (``\\nabla_\\Sigma``)."""
        found = self._declared_name(toks)
        return found if found is not None and _is_matrix(found[1]) else None

    def _declared_scalar(self, toks: list[_Tok]) -> str | None:
        """The name ``toks`` is when it is exactly one name declared as a scalar (``\\nabla_{x}`` with ``x: real``):
        the gradient by one coordinate is the derivative. An undeclared name may be a vector: None."""
        found = self._declared_name(toks)
        if found is None or found[0] in self.st.implicit:
            return None
        return found[0] if isinstance(found[1], sympy.Symbol) else None

    def _declared_vector(self, toks: list[_Tok]) -> tuple[str, Any] | None:
        """(name, its column) when ``toks`` is exactly one name declared as a vector."""
        found = self._declared_name(toks)
        if found is None or not _is_matrix(found[1]) or found[1].shape[1] != 1:
            return None
        return found

    def _declared_name(self, toks: list[_Tok]) -> tuple[str, Any] | None:
        """(name, its object) when ``toks`` is exactly one declared name."""
        if not toks:
            return None
        probe = self.sub(toks)
        try:
            name = _read_name(probe)
        except DeriveError:
            return None
        if probe.peek().kind != "end" or not self.declared(name):
            return None
        return name, self.st.table[name].obj

    def at_evaluation_bar(self) -> bool:
        """Whether an evaluation bar's bounds follow: ``_a^b`` or ``^b_a`` (after ``]`` or a bar ``|``)."""
        if not self.at_sym("_", "^"):
            return False
        return self.at_sym("^", "_", k=self._group_length(1) + 1)

    def _group_length(self, k: int) -> int:
        """The number of tokens of the group or single token at ``peek(k)``."""
        t = self.peek(k)
        if not (t.kind == "sym" and t.text == "{"):
            return 1
        depth, n = 0, 0
        while True:
            t = self.peek(k + n)
            if t.kind == "end":
                return n
            if t.kind == "sym" and t.text == "{":
                depth += 1
            elif t.kind == "sym" and t.text == "}":
                depth -= 1
                if depth == 0:
                    return n + 1
            n += 1

    def evaluation_bar(self, value: Any) -> Any:
        """``\\Big[F\\Big]_a^b``, ``F\\big|_{x=a}^{b}``: F(b) - F(a).

        The variable is the one written (``_{x=0}``), else the only name F uses; with several
        names and none written the bar is not read (derive does not guess which one varies).
        An infinite bound is a limit (sympy's, undecided when it cannot take it); a finite bound
        where F has no value (``[\\log x]_0^1``) is not read: the one-sided limit an improper
        integral means is not what the bar says.
        """
        lo, hi = self.limits()
        if lo is None or hi is None:
            raise self.fail("an evaluation bar needs both bounds, _a^b")
        value = _scalar(value)
        if _is_matrix(value) or not isinstance(value, sympy.Basic):
            raise self.fail("an evaluation bar of a matrix")
        eq = _cut(lo, _is_eq)
        if eq is not None:
            name = self.sub(eq[0]).base_name()
            var = self.symbol(name)
            lo = eq[1]
        else:
            free = sorted((s for s in value.free_symbols if isinstance(s, sympy.Symbol)), key=str)
            if len(free) != 1:
                listed = ", ".join(map(str, free)) or "no name"
                raise self.fail(f"an evaluation bar of an expression in {listed}: write its variable, _{{x=0}}^{{1}}")
            var = free[0]
        if not isinstance(var, sympy.Symbol):
            raise self.fail(f"an evaluation bar over {var}, which is not a scalar name")
        a = _scalar(self.sub(lo).parse_all())
        b = _scalar(self.sub(hi).parse_all())
        return self._at_bound(value, var, b) - self._at_bound(value, var, a)

    def bar_bounds_follow(self) -> bool:
        """Whether a bar ``|`` here is an evaluation bar (``F\\big|_0^1``), not an absolute value's."""
        if not self.at_sym("|"):
            return False
        self.i += 1
        try:
            return self.at_evaluation_bar()
        finally:
            self.i -= 1

    def trailing_bar(self, value: Any, terms: int) -> Any:
        """``F\\Big|_{x=0}^{1}`` after the expression ``value`` of ``terms`` terms: F(1) - F(0).

        After several terms (``a + F|_0^1``) the bar may cover them all or the last one only,
        which give different values: such a bar is not read (write ``\\Big[a + F\\Big]_0^1``).
        """
        if terms > 1:
            raise self.fail(
                "an evaluation bar after several terms may cover all of them or the last one only; write "
                "\\Big[ ... \\Big]_a^b around what it evaluates"
            )
        self.expect_sym("|")
        return self.evaluation_bar(value)

    def arg_extremum(self) -> Any:
        """``\\arg\\max_x f``, ``\\arg\\min_\\theta f``: the maximiser, opaque like ``\\operatorname{argmax}_x``.

        No tier evaluates it, so a step ``\\arg\\max_x f = x_0`` stays undecided: checking that x_0
        maximises f needs the global maximum, which sampling cannot establish.
        """
        t = self.peek()
        if t.kind != "cmd" or t.text not in ("max", "min"):
            raise self.fail("\\arg without \\max or \\min after it")
        self.i += 1
        return self.extremum(f"arg{t.text}")

    def _at_bound(self, value: sympy.Basic, var: sympy.Symbol, bound: Any) -> Any:
        if bound in (S.Infinity, S.NegativeInfinity):
            return sympy.Limit(value, var, bound)
        at = value.subs(var, bound) if value.has(sympy.Derivative) else safe_replace(value, {var: bound})
        if isinstance(at, sympy.Basic) and at.has(S.NaN, S.ComplexInfinity, S.Infinity, S.NegativeInfinity):
            raise self.fail(
                f"the evaluation bar's expression has no value at {var} = {bound} (a pole or 0/0 there); "
                "derive does not take the one-sided limit for it"
            )
        return at


class _CalculusGrammar(_SumGrammar, _ShorthandGrammar, _MatrixCalculusGrammar):
    """`_Parser` grammar: derivatives, integrals, limits, max/min/argmax (sums in `_SumGrammar`, shorthands in
    `_ShorthandGrammar`)."""

    # -- derivative, fraction -------------------------------------------------------------
    def fraction(self) -> Any:
        num = self.group_tokens()
        den = self.group_tokens()
        deriv = self._derivative(num, den)
        if deriv is not None:
            return deriv
        before = set(self.st.indexed)
        a = self.sub(num).parse_all()
        b = self.sub(den).parse_all()
        self._close_group_sums(before)
        return self.ar.div(a, b)

    def _close_group_sums(self, before: set[str]) -> None:
        """After a group (a fraction's parts) whose sums began and ended inside it: entries of their indices
        written after the group are free (``\\frac{1}{\\sum_k \\pi_k} \\pi_k``: no reading puts the second
        \\pi_k in that sum), so they are no longer refused as outside it. Entries of an index a sum around
        the group binds stay noted."""
        outer = self.st.bound
        for name in self.st.indexed - before:
            letters = name.rpartition("_")[2]
            if not any(b in re.findall(r"[A-Za-z]+", letters) or name.endswith("_" + b) for b in outer):
                self.st.indexed.discard(name)

    def _derivative(self, num: list[_Tok], den: list[_Tok]) -> Any | None:
        def is_d(t: _Tok) -> bool:
            return (t.kind == "letter" and t.text == "d") or (t.kind == "cmd" and t.text == "partial")

        num, den = _upright_d(num, first_only=True), _upright_d(den, first_only=False)
        if not num or not is_d(num[0]) or not den or not is_d(den[0]):
            return None
        den = self._unbraced_variables(den, is_d)
        order_num, rest = 1, num[1:]
        if rest and rest[0].kind == "sym" and rest[0].text == "^":
            p = self.sub(rest[1:])
            toks = p.group_tokens()
            order_num = self._order(toks)
            rest = rest[1 + p.i :]
        variables: list[tuple[Any, int]] = []
        names: set[str] = set()
        inverse = False
        p = self.sub(den)
        while p.peek().kind != "end":
            if not is_d(p.peek()):
                return None
            p.i += 1
            t = p.peek()
            if t.kind not in ("letter", "cmd") or (t.kind == "cmd" and t.text not in _DERIVATIVE_NAMES):
                return None
            probe = self.sub(den)
            probe.i = p.i
            name = _read_name(probe)
            names.add(name)
            p.i += 1
            with self.shadowing({name}):  # d/dy after y := 3 differentiates by y, not by 3
                var = p.command(t.text) if t.kind == "cmd" else p.named(t.text, "")
            if var is S.Pi:
                # \partial \pi_k is by the name pi_k (mixture weights); a bare \pi is the constant
                raise self.fail("a derivative by the constant \\pi: write \\pi_k, or declare pi as a name")
            order = 1
            if p.at_sym("^"):
                p.i += 1
                script = p.group_tokens()
                if _is_matrix(var) and _minus_one(script):
                    inverse = True  # \partial \Sigma^{-1}: by the precision, the inverse of Sigma
                else:
                    order = self._order(script)
            variables.append((var, order))
        if not variables or sum(o for _, o in variables) != order_num:
            if variables and order_num != 1:
                raise self.fail("the orders of a derivative's numerator and denominator differ")
            if not variables:
                return None
        with self.shadowing(names):
            start = self.i
            operand = self.sub(rest).parse_all() if rest else self.operand_term()
            reread = self.reread_tokens(rest or self.toks[start : self.i], names)
            value = self._differentiate(operand, variables, reread=reread, inverse=inverse)
            self._note_constants(operand, names)
        return self._at_definitions(value, names)

    def _unbraced_variables(self, den: list[_Tok], is_d: Any) -> list[_Tok]:
        """``\\partial{w_i}``: a differential's variable in braces reads as ``\\partial w_i`` when the braces hold
        one name and nothing else; ``\\partial{x^2}`` keeps them (by x², not x to the order 2)."""
        out: list[_Tok] = []
        k = 0
        while k < len(den):
            t = den[k]
            out.append(t)
            k += 1
            if not is_d(t) or k >= len(den) or den[k].kind != "sym" or den[k].text != "{":
                continue
            depth, close = 0, None
            for m in range(k, len(den)):
                if den[m].kind == "sym" and den[m].text == "{":
                    depth += 1
                elif den[m].kind == "sym" and den[m].text == "}":
                    depth -= 1
                    if depth == 0:
                        close = m
                        break
            inner = den[k + 1 : close] if close is not None else []
            if inner and self._one_name(inner):
                out.extend(inner)
                k = close + 1  # type: ignore[operator]
        return out

    def _one_name(self, toks: list[_Tok]) -> bool:
        probe = self.sub(toks)
        try:
            _read_name(probe)
        except DeriveError:
            return False
        return probe.peek().kind == "end"

    def _note_constants(self, operand: Any, variables: set[str]) -> None:
        """Record, for `derivative_constants`, the names a derivative treats as constants.

        A name in the differentiated expression that the user did not declare, that is not
        random and that no binder binds here is read as a constant in the variables: its
        derivative by them is taken to be 0. ``y_{nk}`` in ∂/∂w may well depend on w.
        """
        notes = getattr(self.st.table, "_latex_notes", None)
        if notes is None or not isinstance(operand, (sympy.Basic, sympy.MatrixBase)):
            return
        if isinstance(operand, sympy.Symbol) and not self.declared(operand.name):
            operand = sympy.S.Zero  # dy/dx of a bare undeclared y: read as a function y(x), nothing assumed
        free = operand.free_symbols
        skip = variables | self.st.shadow | set(self.st.bound) | set(self.st.random) | set(self.st.found)
        names = {str(sym).split("[", 1)[0] for sym in free}
        constant = {n for n in names if n not in skip and not self.declared(n)}
        notes.setdefault("variables", set()).update(variables)
        notes.setdefault("constants", set()).update(constant)

    def _at_definitions(self, value: Any, names: set[str]) -> Any:
        """A derivative by a defined name, evaluated where the name has its value:
        ``\\frac{d}{dy} y^2`` after ``y := 3`` is 2y at y = 3 (the variable is bound only inside)."""
        for name in sorted(names):
            if name not in self.st.definitions or name in self.st.shadow or name in self.st.bound:
                continue
            at = self.definition_value(name)
            var = self.symbol(name)
            if _is_matrix(at) or _is_matrix(value) or _is_matrix(var):
                raise self.fail(f"a derivative by {name}, which the document defines as {at}: derive cannot place it")
            value = sympy.Subs(value, var, at)
        return value

    def _order(self, toks: list[_Tok]) -> int:
        text = "".join(t.text for t in toks if t.kind == "num")
        if not text.isdigit() or len(toks) != 1:
            raise self.fail("a derivative order must be a small whole number")
        n = int(text)
        if not 1 <= n <= _MAX_ORDER:
            raise self.fail(f"a derivative of order {n} (at most {_MAX_ORDER})")
        return n

    def operand_term(self) -> Any:
        """What an operator such as d/dx, \\sum or \\lim applies to: the next product (sign included)."""
        if self.peek().kind == "end" or self.at_sym(")", "]", "}", "\\}", "+", "=", "<", ">"):
            raise self.fail("an operator with nothing to apply to")
        sign = 1
        if self.at_sym("-", "+"):
            sign = -1 if self.next().text == "-" else 1
        value = self.factor()
        while self.starts_factor():
            value = self.ar.mul(value, self.factor())
        return -value if sign < 0 else value

    def _differentiate(
        self,
        operand: Any,
        variables: list[tuple[Any, int]],
        *,
        gradient: bool = False,
        reread: Any = None,
        inverse: bool = False,
    ) -> Any:
        """The derivative of ``operand`` by ``variables``; by a vector or matrix, the matrix of its entries'
        (``gradient``: written with ``\\nabla``; ``reread`` reads the operand again; ``inverse``: by the inverse
        of the one matrix variable; see `grammar_matrix_calculus`)."""
        plain: list[tuple[sympy.Symbol, int]] = []
        for var, order in variables:
            if _is_matrix(var):
                if len(variables) != 1 or order != 1:
                    raise self.fail("only first derivatives of a scalar by a vector or matrix are read")
                # a symmetric matrix's reading and the layout: `grammar_matrix_calculus`
                return self.matrix_derivative(operand, var, gradient=gradient, reread=reread, inverse=inverse)
            if not isinstance(var, sympy.Symbol):
                raise self.fail(f"cannot differentiate with respect to {var}")
            plain.append((var, order))
        wrt = {v for v, _ in plain}
        opaque_nodes = (KL, JS, Expectation)
        if isinstance(operand, sympy.Basic) and any(
            not wrt <= node.free_symbols
            for node in operand.atoms(*opaque_nodes, sympy.Integral)
            if isinstance(node, opaque_nodes) or node.has(AppliedUndef)
        ):
            # ∂/∂μ KL(p||q) with q depending on μ implicitly: derive cannot know, so it stays opaque
            label = "".join(f"{v}" + (f"^{o}" if o > 1 else "") for v, o in plain)
            return sympy.Function(f"partial_{label}")(operand)
        if isinstance(operand, sympy.Symbol) and operand not in wrt and not self.declared(operand.name):
            # ∂f/∂x: a bare name being differentiated is a function of the variable
            operand = sympy.Function(operand.name)(*sorted(wrt, key=str))
        elif isinstance(operand, sympy.Basic):
            # D(x) inside d/da depends on a implicitly (D = σ(a)): make that dependence explicit
            # so the derivative stays unknown instead of silently becoming 0.
            def widen(app: sympy.Basic) -> sympy.Basic:
                missing = [v for v in sorted(wrt, key=str) if v not in app.free_symbols]
                return app.func(*app.args, *missing) if missing else app

            operand = operand.replace(lambda e: isinstance(e, sympy.core.function.AppliedUndef), widen)
        if _is_matrix(operand):
            return operand.applyfunc(lambda e: sympy.Derivative(e, *plain))
        return sympy.Derivative(operand, *plain)

    def integral_sign(self, name: str = "int") -> Any:
        """``\\int_a^b f\\,dx``, ``\\int p(x)\\,dx`` (over the real line), ``\\int_{\\mathbb{R}^D}``;
        ``\\iint f\\,dx\\,dy`` and ``\\iiint`` are the integrals over the plane and space, with one
        differential per sign (a region under them is not read)."""
        count = _MULTIPLE_INTEGRALS[name]
        lo, hi = self.limits()
        if count > 1 and (lo is not None or hi is not None):
            # \iint_D: a region derive cannot read; never the integral of one variable
            raise self.fail(f"\\{name} over a region: write one \\int per coordinate, with its bounds")
        space = _whole_space(lo) if lo is not None and hi is None else None
        if space is not None:
            lo = None  # \\int_{\\mathbb{R}^D}: over the whole space, as without bounds
        if (lo is None) != (hi is None):
            raise self.fail("an integral needs both bounds or neither (or a whole space, \\int_{\\mathbb{R}^D})")
        if self.at_differential_here():
            # \int_0^{2\pi} d\theta: the integral of 1; an integrand after it (physics' \int dx\, f(x)) is
            # not guessed, since \int dx\, f(x) may also be (\int dx) f(x)
            variables = self._differentials(count)
            if self.starts_factor():
                raise self.fail("an integrand after its differential (\\int dx\\, f(x)): write the differential last")
            return self._integral_of(S.One, variables, lo, hi, space, name)
        self.integral += 1
        try:
            bound = self._integration_variables(count)
            with self.shadowing(bound):
                body = self.expr()
        finally:
            self.integral -= 1
        body = _scalar(body)
        if _is_matrix(body):
            raise self.fail("an integral of a matrix")
        with self.shadowing(bound):
            variables = self._differentials(count) if self.at_differential_here() else self._implied_differential(body)
        return self._integral_of(body, variables, lo, hi, space, name)

    def _integral_of(  # noqa: PLR0917 - the parts of one integral sign, read above
        self, body: Any, variables: list[sympy.Symbol], lo: Any, hi: Any, space: int | None, name: str
    ) -> Any:
        count = _MULTIPLE_INTEGRALS[name]
        if count > 1 and (len(variables) != count or len(set(variables)) != count):
            # \iint f dx dy has two variables; one d, or d x d x, is a typo or another integral
            raise self.fail(f"\\{name} needs {count} different differentials (dx dy) after its integrand")
        if space is not None and space > 0 and space != len(variables):
            raise self.fail(f"an integral over R^{space} with {len(variables)} variable(s)")
        if lo is None or hi is None:
            # ML texts write \int p(x) dx for the integral over the whole real line (over R^n
            # for a declared vector x: one integral per entry)
            return sympy.Integral(body, *[(v, S.NegativeInfinity, S.Infinity) for v in variables])
        if len(variables) != 1:
            raise self.fail("bounds on an integral over a vector (write the region one coordinate at a time)")
        a = self.sub(lo).parse_all()
        b = self.sub(hi).parse_all()
        var = variables[0]
        if body in (S.Infinity, S.NegativeInfinity) and (b - a).is_positive:
            # ∫_1^2 ∞ dx, from the KL convention p log(p/0) = ∞: infinite (sympy says nan)
            return body
        return sympy.Integral(body, (var, a, b))

    def _differentials(self, count: int) -> list[sympy.Symbol]:
        """The variables of the ``count`` differentials that end a (multiple) integral's integrand."""
        variables = self.differential()
        while count > 1 and len(variables) < count and self.at_differential_here():
            variables += self.differential()
        return variables

    def _integration_variables(self, count: int = 1) -> set[str]:
        """The name of this integral's differential (``dy`` -> {"y"}), found before its integrand
        is read so that a definition of y does not apply inside it; empty when none is written.

        The differentials of integrals nested in the integrand (``\\int\\int f\\,dx\\,dy``) belong
        to them: each ``\\int`` met on the way takes the next differential.
        """
        from derive.latex.parser import _Parser  # noqa: PLC0415 - the parser is assembled from this mixin

        nested, depth, k, names = 0, 0, 0, set()
        while len(names) < count:
            t = self.peek(k)
            if t.kind == "end":
                return names
            if t.kind == "sym" and t.text in ("(", "[", "{", "\\{"):
                depth += 1
            elif t.kind == "sym" and t.text in (")", "]", "}", "\\}"):
                depth -= 1
                if depth < 0:
                    return names
            elif depth == 0 and t.kind == "cmd" and t.text in _MULTIPLE_INTEGRALS:
                nested += _MULTIPLE_INTEGRALS[t.text]
            elif depth == 0 and self.at_differential(k):
                if nested == 0:
                    probe = _Parser(self.toks, self.st)
                    probe.i = self.i + k + (1 if t.kind == "letter" else 1 + self._font_len(k))
                    try:
                        names.add(_read_name(probe))
                    except DeriveError:
                        return names
                else:
                    nested -= 1
            k += 1
        return names

    def _implied_differential(self, body: Any) -> list[sympy.Symbol]:
        """The variable of ``\\int p(x) (...)`` written without ``dx``: the one argument that
        every unknown function in the integrand is applied to (``p(x)``, ``q(x)``), else an error."""
        calls = body.atoms(AppliedUndef) if isinstance(body, sympy.Basic) else set()
        arguments = {app.args for app in calls}
        if len(arguments) == 1:
            (args,) = arguments
            if args and all(isinstance(a, sympy.Symbol) for a in args) and len(set(args)) == len(args):
                return list(args)
        raise self.fail(
            "\\int without its differential (write dx after the integrand; derive infers it only when every"
            " unknown function in the integrand takes the same variable, as in \\int p(x) \\log p(x))"
        )

    def at_differential_here(self) -> bool:
        self.integral += 1
        try:
            return self.at_differential()
        finally:
            self.integral -= 1

    def differential(self) -> list[sympy.Symbol]:
        """The variables of ``dx``: one symbol, or the entries of a declared vector x."""
        t = self.next()
        if t.kind == "cmd":  # \mathrm{d}
            self.group_tokens()
        t = self.next()
        var = self.command(t.text) if t.kind == "cmd" else self.named(t.text, "")
        if isinstance(var, sympy.MatrixBase) and 1 in var.shape and all(isinstance(e, sympy.Symbol) for e in var):
            return list(var)
        if not isinstance(var, sympy.Symbol):
            raise self.fail(f"cannot integrate with respect to {var}")
        return [var]

    def limit(self) -> Any:
        if not self.at_sym("_"):
            raise self.fail("\\lim needs a subscript such as _{n\\to\\infty}")
        self.i += 1
        toks = self.group_tokens()
        arrow = next((k for k, t in enumerate(toks) if t.kind == "cmd" and t.text in ("to", "rightarrow")), None)
        if arrow is None:
            raise self.fail("\\lim needs a subscript such as _{n\\to\\infty}")
        try:
            var_name = self.sub(toks[:arrow]).base_name()
        except DeriveError:
            # \lim_{\|w\| \to \infty} of what depends on w only through that norm: a limit in r = \|w\|
            through_norm = norm_limit(self, toks, arrow)
            if through_norm is not None:
                return through_norm
            # of another expression: it grows along which directions? one variable only
            raise self.fail(
                f"a limit as {_written(toks[:arrow])} tends to something: derive reads limits of one "
                "variable (\\lim_{n \\to \\infty}), not of an expression such as a norm"
            ) from None
        var = self.symbol(var_name)
        target_toks = toks[arrow + 1 :]
        direction = "+-"
        if len(target_toks) >= 2 and target_toks[-2].text == "^" and target_toks[-1].text in "+-":
            direction = target_toks[-1].text
            target_toks = target_toks[:-2]
        target = self.sub(target_toks).parse_all()
        with self.shadowing({var_name}):
            body = _scalar(self.operand_term())
        if target in (S.Infinity, S.NegativeInfinity):
            return sympy.Limit(body, var, target)
        return sympy.Limit(body, var, target, dir=direction)

    def extremum(self, name: str) -> Any:
        if self.at_sym("_"):
            self.i += 1
            over = self.sub(self.group_tokens())
            label = "".join(t.text for t in over.toks if not (t.kind == "sym" and t.text in "{}"))
            # \max_x binds x: an earlier definition of x (x = 2) does not apply in its body
            with self.shadowing(self._extremum_variables(over.toks)):
                body = _scalar(self.operand_term())
            # min over a function space: opaque, but the same expression twice is still equal
            return sympy.Function(f"{name}_{label}")(body)
        if name in ("min", "max") and self.at_sym("("):
            args, given = self.call_args(name)
            if given:
                raise self.fail(f"\\{name} with a '|' in its arguments")
            return (sympy.Min if name == "min" else sympy.Max)(*[_scalar(a) for a in args])
        raise self.fail(f"\\{name} needs a subscript or (a, b) arguments")

    def _extremum_variables(self, toks: list[_Tok]) -> frozenset[str]:
        """The names the subscript of ``\\max_{x \\in [0, 1]}`` binds (what comes before ``\\in``,
        ``:`` or ``\\sim``); every defined name when they cannot be listed (never a definition
        applied to a bound name)."""
        from derive.latex.names import _names_of_text  # noqa: PLC0415 - names are read with the assembled parser

        cut = len(toks)
        for k, t in enumerate(toks):
            if (t.kind == "cmd" and t.text in ("in", "sim", "colon")) or (t.kind == "sym" and t.text in (":", "|")):
                cut = k
                break
        found = _names_of_text(self._src(toks[:cut])) if cut else None
        if found is None or found[1]:
            return frozenset(self.st.definitions)
        return frozenset(found[0])


def _over_values(name: str, body: Any, var: sympy.Symbol, values: list[Any]) -> Any:
    """``\\sum_x p(x)`` where the text gives x a finite set of values (``x \\in \\{0, 1\\}``, checked at each):
    the sum (product) of the summand at those values, as ``\\sum_{x \\in \\{0, 1\\}}``."""
    terms = [safe_replace(body, {var: v}) for v in values]
    return sympy.Add(*terms) if name == "sum" else sympy.Mul(*terms)


def _written(toks: list[_Tok]) -> str:
    """Tokens as LaTeX again, for a message (``\\Vert w \\Vert``)."""
    return " ".join("\\" + t.text if t.kind == "cmd" else t.text for t in toks)


def _minus_one(toks: list[_Tok]) -> bool:
    """Whether a superscript is ``-1`` (``\\Sigma^{-1}``): an inverse, not an order."""
    return [t.text for t in toks if not (t.kind == "sym" and t.text in "{}")] == ["-", "1"]


def _ends_transposed(toks: list[_Tok]) -> bool:
    """Whether ``toks`` end with a transpose mark: ``^T``, ``^\\top``, ``^{\\intercal}``, ``^{\\mathsf{T}}``."""
    words = [t.text for t in toks if not (t.kind == "sym" and t.text in "{}")]
    marks = (["T"], ["top"], ["intercal"], ["mathsf", "T"], ["mathrm", "T"])
    return any(len(words) > len(m) and words[-len(m) - 1] == "^" and words[-len(m) :] == m for m in marks)


def _lone_index(toks: list[_Tok]) -> bool:
    """One letter (``n``), possibly in a font (``\\mathbf{x}``): an index a set sum can bind."""
    words = [t for t in toks if not (t.kind == "sym" and t.text in "{}")]
    if len(words) == 2 and words[0].kind == "cmd" and words[0].text in _FONTS:
        words = words[1:]
    return len(words) == 1 and words[0].kind == "letter" and len(words[0].text) == 1


def _shifted(body: Any, var: sympy.Symbol) -> bool:
    """Whether ``body`` has an entry whose index is ``var`` shifted (``x_{n+1}``), not ``var`` itself."""
    if not isinstance(body, sympy.Basic):
        return False
    return any(var in i.free_symbols and i != var for e in body.atoms(sympy.Indexed) for i in e.indices)


def _uses_value(body: Any, var: sympy.Symbol) -> bool:
    """Whether ``var`` occurs in ``body`` as a number: not as the index of an entry (``a_j``) nor in
    the bounds of an inner sum that leaves it out (``\\sum_{k \\ne j}``), where only its place counts."""
    if not isinstance(body, sympy.Basic):
        return False
    if isinstance(body, sympy.Indexed):
        return False
    if isinstance(body, (sympy.Sum, sympy.Product)):
        return _uses_value(body.function, var) and var not in {lim[0] for lim in body.limits}
    if isinstance(body, sympy.Symbol):
        return body == var
    return any(_uses_value(arg, var) for arg in body.args)


def _cut(toks: list[_Tok], test: Any) -> tuple[list[_Tok], list[_Tok]] | None:
    """``toks`` split at the first token passing ``test`` (which is dropped), or None."""
    at = next((k for k, t in enumerate(toks) if test(t)), None)
    return None if at is None else (toks[:at], toks[at + 1 :])


def _is_eq(t: _Tok) -> bool:
    return t.kind == "sym" and t.text == "="


def _is_ne(t: _Tok) -> bool:
    return (t.kind == "cmd" and t.text in ("ne", "neq")) or (t.kind == "sym" and t.text == "!=")


_SET_MARKS = frozenset({"in", "subset", "subseteq", "colon", "sim", "le", "leq", "ge", "geq", "lt", "gt", "notin"})


def _is_set_mark(t: _Tok) -> bool:
    """A token that makes a subscript a set or a condition (``i \\in S``, ``i < j``), not an index."""
    return (t.kind == "cmd" and t.text in _SET_MARKS) or (t.kind == "sym" and t.text in ("<", ">", ":", "|"))


def _whole_space(toks: list[_Tok]) -> int | None:
    """The dimension of ``\\mathbb{R}`` (1), ``\\mathbb{R}^3`` (3) or ``\\mathbb{R}^D`` (-1: any) as an
    integral's region, or None when the subscript is something else (a lower bound)."""
    words = [t for t in toks if not (t.kind == "sym" and t.text in "{}")]
    if len(words) < 2 or words[0].kind != "cmd" or words[0].text != "mathbb" or words[1].text != "R":
        return None
    rest = words[2:]
    if not rest:
        return 1
    if rest[0].kind != "sym" or rest[0].text != "^" or len(rest) != 2:
        return None
    power = rest[1]
    if power.kind == "num" and power.text.isdigit():
        return int(power.text)
    return -1 if power.kind == "letter" else None


def _upright_d(toks: list[_Tok], *, first_only: bool) -> list[_Tok]:
    """``\\frac{\\mathrm{d}f}{\\mathrm{d}x}``: the upright differential (``\\mathrm{d}``, ``\\mathrm d``,
    ``\\operatorname{d}``, ``\\text{d}``, ``\\rm d``) as the letter d a derivative's fraction starts with: in
    the numerator only its first token (after it comes the operand, where d is a name), in the
    denominator every one (it holds differentials only)."""
    out: list[_Tok] = []
    k = 0
    while k < len(toks):
        t = toks[k]
        if (not first_only or k == 0) and t.kind == "cmd" and t.text in _UPRIGHT_FONTS:
            rest = [x.text for x in toks[k + 1 : k + 4]]
            if rest[:3] == ["{", "d", "}"] and toks[k + 2].kind == "letter":
                out.append(_Tok("letter", "d", t.pos))
                k += 4
                continue
            if rest[:1] == ["d"] and toks[k + 1].kind == "letter":
                out.append(_Tok("letter", "d", t.pos))
                k += 2
                continue
        out.append(t)
        k += 1
        if first_only and k == 1:
            out.extend(toks[k:])
            break
    return out


def _bound_name(toks: list[_Tok]) -> str:
    """The name of a bound written ``k``, ``{k + 1}`` or ``N - 1`` (one letter), or ""."""
    words = [t for t in toks if not (t.kind == "sym" and t.text in "{}")]
    shape_ok = len(words) == 1 or (
        len(words) == 3 and words[1].kind == "sym" and words[1].text in "+-" and words[2].kind == "num"
    )
    if not shape_ok or words[0].kind != "letter" or len(words[0].text) != 1:
        return ""
    return words[0].text


def _declare_integer(table: SymbolTable, implicit: set[str], name: str) -> None:
    if name in table:
        return
    table.declare(name, SymbolKind("positive integer"))
    implicit.add(name)  # not the user's declaration: readings that ask "declared?" still say no


def declare_sum_bounds(toks: list[_Tok], table: SymbolTable, implicit: set[str]) -> None:
    """Before a side is read: the one-letter bounds of its sums and products (``\\sum_{m=0}^{k}``) not
    yet in the claim's table become positive integers, so that ``\\binom{k+1}{0}`` written before the
    sum reads the same integer k (see `_CalculusGrammar._integer_bound`). Index names bound by a sum
    (the m) are left alone."""
    for k, t in enumerate(toks):
        if t.kind != "cmd" or t.text not in ("sum", "prod"):
            continue
        j = k + 1
        for _ in range(2):
            if j >= len(toks) or toks[j].kind != "sym" or toks[j].text not in ("_", "^"):
                break
            script = toks[j].text
            group, j = _script_group(toks, j + 1)
            if script == "_":
                eq = _cut(group, _is_eq)
                group = eq[1] if eq is not None else []
            name = _bound_name(group)
            if name:
                _declare_integer(table, implicit, name)


def _script_group(toks: list[_Tok], j: int) -> tuple[list[_Tok], int]:
    """The tokens of the group (or single token) at ``toks[j]``, and the index after it."""
    if j >= len(toks):
        return [], j
    if not (toks[j].kind == "sym" and toks[j].text == "{"):
        return [toks[j]], j + 1
    depth = 0
    for end in range(j, len(toks)):
        if toks[end].kind == "sym" and toks[end].text == "{":
            depth += 1
        elif toks[end].kind == "sym" and toks[end].text == "}":
            depth -= 1
            if depth == 0:
                return toks[j + 1 : end], end + 1
    return [], len(toks)


def _two_letters(toks: list[_Tok]) -> bool:
    """Two different single letters (the indices of ``\\sum_{ij}``)."""
    return (
        len(toks) == 2 and all(t.kind == "letter" and len(t.text) == 1 for t in toks) and toks[0].text != toks[1].text
    )


def _index_pair(lo: list[_Tok]) -> tuple[list[_Tok], list[_Tok]] | None:
    """``i,j``, ``i,j=1``, ``ij`` or ``ij=1`` as a big operator's subscript: the subscripts of the outer and
    the inner operator (``i=1`` and ``j=1``), or None for any other subscript."""
    comma = [k for k, t in enumerate(lo) if t.kind == "sym" and t.text == ","]
    if not comma and _two_letters(lo[:2]) and (len(lo) == 2 or (len(lo) > 3 and _is_eq(lo[2]))):
        # \sum_{ij}, \sum_{ij=1}^n: the physicists' double sum over i and j, as \sum_{i,j}
        return [lo[0], *lo[2:]], [lo[1], *lo[2:]]
    if len(comma) != 1:
        return None
    first, second = lo[: comma[0]], lo[comma[0] + 1 :]
    if len(first) != 1 or first[0].kind != "letter" or not second or second[0].kind != "letter":
        return None
    if any(_is_ne(t) or _is_set_mark(t) for t in second):
        return None
    eq = _cut(second, _is_eq)
    if eq is None:
        return (first, second) if len(second) == 1 else None
    if len(eq[0]) != 1:
        return None
    return [*first, *second[1:]], second
