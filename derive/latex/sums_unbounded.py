"""Sums whose index set is not written as bounds: no subscript, several indices, an index used as a value.

Reached from `derive.latex.grammar_calculus._SumGrammar` (a few hook lines):

- ``\\sum t_n``, ``\\sum \\ln p(x_n)`` (no subscript at all, `implicit_index`): the index is the one letter
  written as a subscript from the sum to the end of its expression (the next relation or closing bracket)
  that no sum there binds; with two such letters, or none, the sum is refused as before. A count beside it
  (``\\frac{1}{n} \\sum x_i``: the sum may run from 1 to n) is a doubt `derive.latex.readings` reports.
- ``\\sum_{s,t,u}`` (`index_list`, `nested_operator`): three or more single letters, nested sums over each,
  as ``\\sum_{i,j}`` is read.
- ``\\sum_x x\\, p(x)``, ``\\sum_{x \\in D} \\log p(x)`` (`over_set`): an index used as a value runs over an
  unspecified finite set of values: Sum_{k=1}^{N} f(x_k) with the values x_k a family of independent free
  numbers (named ``values of x`` / ``values in D``, entries no document can write) and N the set's size
  (``|index set|``, ``|D|``), swept at several sizes by `derive.language._indexed` as the sums
  over an unspecified index set are. Functions of the index become functions of x_k. Two sums over the
  same name (or the same named set) share the values; a step with two different value sets, or a value set
  and an index set (``\\sum_x p(x) = \\sum_j p(x_j)``: the same values or not?) is refused, since the
  text does not say how the sets relate.
"""

from __future__ import annotations

from typing import Any

import sympy

from derive.latex.tokens import _RELATIONS, _Tok

#: Token texts that end the expression a bare sum belongs to (a relation, a column, a new row).
_ENDS = frozenset({"=", "<", ">", "&", "\\\\", ",", ";"})
_OPEN = frozenset({"(", "[", "{"})
#: Letters read as whole-number indices: a sum over one of them used as a number is not read over values.
_INTEGER_LETTERS = frozenset("ijklmn")
_CLOSE = frozenset({")", "]", "}"})
#: What a sum over values cannot carry the index through (a derivative or integral by it).
_BINDERS = (sympy.Derivative, sympy.Integral, sympy.Subs, sympy.Lambda, sympy.KroneckerDelta)


def _letters_after(toks: list[_Tok], k: int) -> tuple[list[_Tok], int]:
    """The letters of the subscript starting at ``toks[k]`` (a letter, or a braced group) and where it ends."""
    if k >= len(toks):
        return [], k
    if toks[k].kind == "letter":
        return [toks[k]], k + 1
    if toks[k].kind == "sym" and toks[k].text == "{":
        depth, j, found = 0, k, []
        while j < len(toks):
            t = toks[j]
            if t.kind == "sym" and t.text in _OPEN:
                depth += 1
            elif t.kind == "sym" and t.text in _CLOSE:
                depth -= 1
                if depth == 0:
                    return found, j + 1
            elif t.kind == "letter":
                found.append(t)
            j += 1
        return found, j
    return [], k


def _ends_here(t: _Tok) -> bool:
    if t.kind == "sym" and t.text in _ENDS:
        return True
    return t.kind == "cmd" and t.text in _RELATIONS


def _expression_end(toks: list[_Tok], k: int) -> int:
    """Where the expression going on at ``toks[k]`` ends: a bracket it did not open closes, or a relation or
    separator at its own depth (`_ends_here`); the length of ``toks`` when neither comes."""
    depth = 0
    for j in range(k, len(toks)):
        t = toks[j]
        if t.kind == "sym" and t.text in _OPEN:
            depth += 1
        elif t.kind == "sym" and t.text in _CLOSE:
            depth -= 1
            if depth < 0:
                return j
        elif depth == 0 and _ends_here(t):
            return j
    return len(toks)


def implicit_index(p: Any, name: str) -> list[_Tok]:
    """The index of a ``\\sum`` written without subscript (the parser stands after ``\\sum``): the one letter
    written in a subscript from here to the end of the expression that no sum there binds and no enclosing
    sum binds. None or several: a `LatexError` (which letter would the sum run over?)."""
    toks, k = p.toks, p.i
    end = _expression_end(toks, k)
    free: dict[str, _Tok] = {}
    bound: set[str] = set(p.st.bound)
    while k < end:
        t = toks[k]
        if t.kind == "sym" and t.text == "_":
            letters, after = _letters_after(toks, k + 1)
            before = toks[k - 1] if k > 0 else None
            is_binder = before is not None and before.kind == "cmd" and before.text in ("sum", "prod")
            for letter in letters:
                if is_binder:
                    bound.add(letter.text)
                else:
                    free.setdefault(letter.text, letter)
            k = max(after, k + 1)
            continue
        k += 1
    candidates = sorted(n for n in free if n not in bound)
    if len(candidates) != 1:
        shown = ", ".join(candidates) if candidates else "none"
        raise p.fail(
            f"\\{name} without a subscript: its index is not the one letter written as a subscript after it "
            f"({shown}); write the index and bounds such as _{{i=1}}^{{n}} (or _j: an unspecified index set)"
        )
    return [free[candidates[0]]]


def _value_name(body: Any, var: sympy.Symbol, written: list[_Tok]) -> bool:
    """Whether the index of a sum whose summand uses it as a number may run over unlisted values: one plain
    letter (not bold or accented: a vector, another quantity), not a conventional integer index (i, j, k, l, m,
    n: its values are whole numbers, at which cos(2 pi n) = 1), and not also an entry's index (``j a_j``)."""
    words = [t for t in written if not (t.kind == "sym" and t.text in "{}")]
    if len(words) != 1 or words[0].kind != "letter" or words[0].text in _INTEGER_LETTERS:
        return False
    entries = [e for e in body.atoms(sympy.Indexed) if not str(e.base.label).startswith(("values of ", "values in "))]
    return not any(var in i.free_symbols for e in entries for i in e.indices)


def _named_after(p: Any, letter: str) -> bool:
    """Whether ``letter`` is written as a name after the parser's place up to the end of the expression, before
    another sum binds it (``\\sum_x f(x) + x``: is the last x in the sum or not?)."""
    toks = p.toks
    for k in range(p.i, _expression_end(toks, p.i)):
        t = toks[k]
        if t.kind == "cmd" and t.text in ("sum", "prod") and k + 1 < len(toks) and toks[k + 1].text == "_":
            letters, _ = _letters_after(toks, k + 2)
            if letters and letters[0].text == letter:
                return False  # a sum of its own over the name: its uses are its own
        elif t.kind == "letter" and t.text == letter and not (k > 0 and toks[k - 1].text == "_"):
            return True
    return False


def index_list(lo: list[_Tok]) -> list[list[_Tok]] | None:
    """``s,t,u`` (three or more different single letters, nothing else) as a big operator's subscript: the
    subscript of each nested operator, outermost first; None for any other subscript."""
    parts: list[list[_Tok]] = [[]]
    for t in lo:
        if t.kind == "sym" and t.text == ",":
            parts.append([])
        else:
            parts[-1].append(t)
    if len(parts) < 3 or any(len(part) != 1 or part[0].kind != "letter" for part in parts):
        return None
    if len({part[0].text for part in parts}) != len(parts):
        return None
    return parts


def nested_operator(p: Any, name: str, subscripts: list[list[_Tok]], hi: list[_Tok] | None) -> Any:
    """The big operator over each subscript in turn, each over the same range (``\\sum_{s,t,u}``)."""

    def read(k: int) -> Any:
        if k == len(subscripts) - 1:
            return p._big_operator(name, subscripts[k], hi, None)
        return p._big_operator(name, subscripts[k], hi, lambda: read(k + 1))

    return read(0)


def _as_value(expr: Any, var: sympy.Symbol, value: Any) -> Any:
    """``expr`` with ``var`` replaced by ``value`` where it is a number: not as an entry's index (``a_x`` stays
    the entry at the k-th value) nor inside an inner sum that binds it again."""
    if not isinstance(expr, sympy.Basic) or isinstance(expr, sympy.Indexed) or not expr.has(var):
        return expr
    if expr == var:
        return value
    if isinstance(expr, (sympy.Sum, sympy.Product)) and var in {lim[0] for lim in expr.limits}:
        return expr
    return expr.func(*[_as_value(a, var, value) for a in expr.args])


def _carried(body: Any, var: sympy.Symbol) -> bool:
    """Whether a derivative, integral, substitution or Kronecker delta in ``body`` involves ``var``."""
    return any(var in node.free_symbols or var in getattr(node, "variables", ()) for node in body.atoms(*_BINDERS))


def over_set(p: Any, name: str, body: Any, index: tuple[sympy.Symbol, list[_Tok]], named_set: str | None) -> Any | None:
    """A sum over an unspecified (``\\sum_j``, ``\\sum_x``) or named (``\\sum_{x \\in D}``) set, its summand read:
    when the index is used as a value, Sum_{x=1}^{N} f(v[x]) over the values v (`values of x` / `values in D`,
    a family of independent numbers) and N the set's size; else None (a sum over indices, read as before).
    Each set's size says what runs over it; a second kind in one step is refused: indices and values
    (``\\sum_x p(x) = \\sum_j p(x_j)``), or the values of two names (``\\sum_x f(x) = \\sum_z f(z)``)."""
    from derive.latex.grammar_calculus import INDEX_SET_SIZE, _shifted, _uses_value  # noqa: PLC0415 - imports us

    var, written = index
    valued = _uses_value(body, var)
    if var not in getattr(body, "free_symbols", ()):
        return None  # a summand free of the index: the same read over indices or values
    if valued and not _value_name(body, var, written):
        return None  # an integer index used as a number (\\sum_j j a_j): refused as before
    table = p.st.table
    size_name = INDEX_SET_SIZE if named_set is None else f"|{named_set}|"
    which = f"values of {var.name}" if named_set is None else f"values in {named_set}"
    users = getattr(table, "_latex_set_users", None)
    if users is None:
        users = {}
        table._latex_set_users = users
    kinds = users.setdefault(size_name, set())
    kinds.add(which if valued else "indices")
    if len(kinds) > 1:
        shown = " and ".join(sorted(k if k != "indices" else "indices" for k in kinds))
        raise p.fail(
            f"sums over {shown} in one step: derive does not know whether they run over the same set; write "
            "the bounds, _{i=1}^{n}"
        )
    if not valued:
        return None
    if _shifted(body, var):
        raise p.fail(f"\\{name} over the values of {var.name} of an entry shifted from {var.name}")
    if _named_after(p, var.name):
        raise p.fail(
            f"{var.name} after \\{name} over the values of {var.name}: a term of the sum or a number of its own? "
            "put the summand in brackets, or rename the sum's index"
        )
    if _carried(body, var):
        raise p.fail(
            f"\\{name} over the values of {var.name} of a derivative, integral or Kronecker delta in {var.name}"
        )
    if which not in table and var.name in table:
        table.declare(which, table[var.name].kind)
    value = sympy.Indexed(sympy.IndexedBase(which), var)
    cls = sympy.Sum if name == "sum" else sympy.Product
    return cls(_as_value(body, var, value), (var, sympy.S.One, table[size_name].obj))


def over_unlisted_values(expr: Any) -> bool:
    """Whether ``expr`` holds a sum over an unspecified set of values (`over_set`): read so only because the
    text gave the parser no set, where a caller that knows the stated set reads the step again with it."""
    if not isinstance(expr, sympy.Basic):
        return False
    return any(str(e.base.label).startswith(("values of ", "values in ")) for e in expr.atoms(sympy.Indexed))


def value_sum_doubt(step: Any, result: Any) -> str | None:
    """Why a refutation of a step with a sum over unlisted values (`over_set`) is no verdict, or None: the
    counterexample is a set of values the text never gives (the step may hold for the text's own set, as
    ``\\sum_x x^2 = \\sum_x x`` does over {0, 1}); an identity over every set is accepted, a failure is not
    refuted."""
    from derive.model import Verdict  # noqa: PLC0415

    if result.verdict is not Verdict.REFUTED:
        return None
    shown = " ".join(
        f"{o.evidence.summary} {o.evidence.difference} {o.evidence.counterexample}" for o in result.outcomes
    )
    if "values of " not in shown and "values in " not in shown:
        return None
    return (
        "the step fails for some set of values of a sum whose values the text does not list, but may hold for "
        "the text's own set; list the values or write the bounds to decide"
    )
