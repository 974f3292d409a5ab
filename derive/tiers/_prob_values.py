"""Probability notation at values: ``p(x = 0 | \\mu)``, sums over the values written out, marginals.

`derive.tiers._probability` reads each conditional application as a quotient of joints over the
*set* of events and names on both sides of its bar, and gives up on an event with a value
(``x = 0``) next to a plain ``x`` of the same variable: the set reading cannot see that
``p(x = 0 | \\mu)`` is ``p(x | \\mu)`` at 0. This module reads the same notation as the law of each
variable *at a value* (Bishop's convention: ``p(x)`` is the density of the variable x at the value
x, ``p(x = 0)`` the same law at 0), which every law satisfies by definition:

- each argument of a probability application is a variable at a value: a name alone (``x``,
  ``t_n``) is that variable at its own value, an event ``x = v`` with a name on its left is x at v
  (any value: ``x = 0``, ``X = a + 1``); the joint is keyed by its *variables* (sorted: a joint does
  not depend on the order it is written in), and takes the values as arguments. Other events
  (``X \\le x``, a label ``+``, a complement) stay opaque events of the joint, as in the set reading;
- a variable twice (``p(x, x)``, ``p(x | x = 0)``, ``P(X = 0, X = 1)``) is no joint of distinct
  variables (a sequence of outcomes, an impossible event): the step is left to the other tiers.
  The same event written twice counts once;
- a sum or a product over a short list of integer values (``\\sum_{x=0}^{1}``) is written out, so
  ``\\sum_{x=0}^{1} x\\,p(x|\\mu) = 0 \\cdot p(x=0|\\mu) + 1 \\cdot p(x=1|\\mu)`` holds for every law of x;
- an integral over the whole real line (``\\int_{-\\infty}^{\\infty}``, or no bounds) of a joint
  whose values hold the integration variable once, times factors free of it, is the joint without
  that variable (the sum rule: ``\\int p(x, y|\\mu)\\,dy = p(x|\\mu)``, ``\\int p(y|x)\\,dy = 1``,
  ``\\int p(x|\\theta)p(\\theta)\\,d\\theta = p(x)``). An integral over a bounded range, of a joint at the
  variable twice, of a product of two joints in the variable, or over an integer variable stays as
  written, and so is one that leaves another value of the same variable (``\\int p(s'|s)p(s)\\,ds``:
  s and s' may be one chain at two times, p its initial law). A variable keyed by an entry whose
  index a sum, product or integral binds
  (``\\prod_n p(t_n)``: a different variable for each n) is not keyed at all: the step is left alone.

A density named by its variables' subscript (``p_X(x)``, ``p_{X,Y}(x, y)``, ``p_{XY}``: capital letters, one per
argument, each argument the letter's lower-case name or a number; `subscript_variables`) is the joint of those
variables at its arguments, so ``\\int p_{X,Y}(x, y)\\,dy = p_X(x)`` by the sum rule; ``p_\\theta(x)`` (a parameter)
and ``p_K(x)`` (a polynomial of degree K?) are not read so.

Every joint is an unknown positive number, as in the set reading, so proofs hold wherever the
probabilities taken are positive.

A law the problem states for a scalar random variable (prose ``$x \\sim \\mathcal{N}(0, 1)$``,
``random:``, a subscript ``E_{x \\sim ...}``) is put in for ``p(x)``, ``p(x = v)`` and
``p(x = v | \\mu)`` (conditioning only on the law's own parameters): its density (`law_of` says
exactly when), then integrals and sums of it are worked out. A mass function is put in only at an
integer of its support; ``P`` only for a discrete law (``P(x)`` of a continuous x may be its
distribution function); ``q`` and decorated or subscripted names never (another law, by
convention). Such a proof holds under the stated law, and says so. Nothing here refutes: a step
false under the law stays undecided (the reading of p as that law's density is a convention).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import sympy
from sympy.core.function import AppliedUndef

from derive.language.distributions import Distribution

__all__ = ["LAW", "MARGINAL", "WRITTEN_OUT", "law_of", "split_roles", "subscript_variables", "value_normal_form"]

_GIVEN = "given"
_PARAMETERS = "parameters"
#: The longest list of values a sum or a product over is written out.
_MAX_TERMS = 64
#: Name parts the LaTeX reader gives accents, primes and stars (``\\bar{p}`` is ``p_bar``).
DECORATIONS = frozenset({"bar", "tilde", "hat", "dot", "ddot", "check", "breve", "prime", "star"})
#: Between the variables in a joint's name (an entry prints as ``x[i, j]``: no comma).
_SEP = ";"
#: What `value_normal_form` reports it used, for the evidence.
WRITTEN_OUT = "written out"
MARGINAL = "marginal"
LAW = "stated law"
#: The name of a stated law's placeholder: ``p[pdf|x]`` at a value.
_LAW_MARK = "[pdf|"


def value_normal_form(
    expr: sympy.Expr, names: Iterable[str], laws: Mapping[sympy.Basic, Distribution] | None = None
) -> tuple[sympy.Expr, set[str]] | None:
    """``expr`` with every application of the functions ``names`` replaced by its joint-over-marginal
    form in positive unknown joints keyed by variable (see the module docstring), sums over short
    integer ranges written out and whole-line integrals of joints marginalised; with the rules
    used (`WRITTEN_OUT`, `MARGINAL`, `LAW`). ``laws``: the stated law of each random variable, put
    in for the applications `law_of` allows. None when an application is not readable so."""
    wanted = set(names)
    bound = _bound_symbols(expr)
    replacements: dict[sympy.Basic, sympy.Expr] = {}
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, AppliedUndef) and _name(node) in wanted and node not in replacements:
            form = _rewrite(node, bound, laws or {})
            if form is None:
                return None
            replacements[node] = form
    used: set[str] = set()
    reduced = _reduce(expr.xreplace(replacements), used)
    return _put_in_laws(reduced, laws or {}, used), used


def law_of(
    app: AppliedUndef, laws: Mapping[sympy.Basic, Distribution], bound: Iterable[sympy.Basic] = ()
) -> sympy.Basic | None:
    """The random variable whose stated law the application ``p(x)``, ``p(x = v | \\mu)`` is the density
    (or mass function) of, or None: one variable (a name alone or at a value) before the bar, a scalar
    law stated for it, the name p (P or Pr only of a discrete law: P(x) of a continuous x may be its
    distribution function), and nothing after the bar or the semicolon but the law's own parameters
    (conditioning on them changes nothing); never an opaque event (``X \\le x``). A law whose
    parameters are random (``x \\sim \\mathcal{N}(\\mu, 1)`` with μ random: the marginal of x is
    another law) or bound in the step (``\\int p(x)\\, d\\mu``: p(x) does not vary with μ) is not put in."""
    name = _name(app)
    main = [a for a in app.args if not (isinstance(a, AppliedUndef) and _name(a) in (_GIVEN, _PARAMETERS))]
    rest = [g for a in app.args if isinstance(a, AppliedUndef) and _name(a) in (_GIVEN, _PARAMETERS) for g in a.args]
    pairs = _pairs(main, set())
    if pairs is None or len(pairs) != 1 or pairs[0][1] is None:
        return None
    variable = pairs[0][0]
    law = laws.get(variable)
    if law is None or law.size is not None or (name != "p" and not (name in ("P", "Pr") and law.discrete)):
        return None
    own = law.free_symbols
    if own & (set(laws) | set(bound)):
        return None
    if any(not (_is_name(g) and g in own) for g in rest):
        return None
    return variable


def _rewrite(
    app: AppliedUndef, bound: set[sympy.Symbol], laws: Mapping[sympy.Basic, Distribution]
) -> sympy.Expr | None:
    """``p(x = v, y | z; theta)`` -> ``J_{x,y,z}(theta; v, y, z) / J_{z}(theta; z)``, or None; the
    placeholder of a stated law at v where `law_of` allows it."""
    named = subscript_variables(app)
    if named is not None:
        # p_X(x), p_{X,Y}(x, y): the density of the variables the subscript names, at the arguments
        return _joint("p", (), [(sympy.Symbol(v), a) for v, a in zip(named, app.args, strict=True)])
    variable = law_of(app, laws, bound)
    if variable is not None:
        (pair,) = _pairs(
            [a for a in app.args if not (isinstance(a, AppliedUndef) and _name(a) in (_GIVEN, _PARAMETERS))], set()
        )
        return sympy.Function(f"{_LAW_MARK}{variable}]", positive=True)(pair[1])
    main, given, params = split_roles(app)
    if not main:
        return None
    pairs_main, pairs_given = _pairs(main, bound), _pairs(given, bound)
    if pairs_main is None or pairs_given is None:
        return None
    every = _distinct([*pairs_main, *pairs_given])
    if every is None:
        return None
    joint = _joint(_name(app), params, every)
    if not pairs_given:
        return joint
    condition = _distinct(pairs_given)
    return None if condition is None else joint / _joint(_name(app), params, condition)


#: A variable at a value: (the variable, its value); an opaque event: (the event, None).
_Pair = tuple[sympy.Basic, sympy.Basic | None]


def _pairs(args: Iterable[sympy.Basic], bound: set[sympy.Symbol]) -> list[_Pair] | None:
    """Each argument as a variable at a value or an opaque event (``event_and`` flattened), or None
    when an argument is a value naming no variable (``1``, ``x + 1``, ``H^2``) or a variable is an
    entry whose index is bound (``t_n`` under a product over n)."""
    out: list[_Pair] = []
    for arg in args:
        if isinstance(arg, AppliedUndef) and _name(arg) == "event_and":
            inner = _pairs(arg.args, bound)
            if inner is None:
                return None
            out.extend(inner)
        elif isinstance(arg, AppliedUndef) and _name(arg) == "event" and len(arg.args) == 2 and _is_name(arg.args[0]):
            out.append((arg.args[0], arg.args[1]))
        elif _is_event(arg):
            out.append((arg, None))
        elif _is_name(arg):
            out.append((arg, arg))
        else:
            return None
    for variable, value in out:
        if value is not None and isinstance(variable, sympy.Indexed) and variable.free_symbols & bound:
            return None  # the variable itself changes with a bound index: no one key names it
    return out


def _distinct(pairs: list[_Pair]) -> list[_Pair] | None:
    """The pairs with a repeated event once, or None when a variable appears at two values or a
    name twice (a sequence of outcomes: ``P(H, H)``)."""
    seen: dict[sympy.Basic, sympy.Basic | None] = {}
    for variable, value in pairs:
        if variable in seen and (seen[variable] != value or value is variable):
            return None
        seen[variable] = value
    return list(seen.items())


def _joint(name: str, params: tuple[sympy.Basic, ...], pairs: list[_Pair]) -> sympy.Expr:
    """The positive unknown joint of ``pairs`` under ``params``: keyed in its name by the variables
    (sorted), with the opaque events and then the variables' values as arguments, so a sum over a
    variable's values substitutes the values and never the key."""
    keyed = sorted(((v, x) for v, x in pairs if x is not None), key=lambda p: sympy.default_sort_key(p[0]))
    opaque = sorted((v for v, x in pairs if x is None), key=sympy.default_sort_key)
    if not keyed and not opaque:
        return sympy.Integer(1)  # the sure event: every variable marginalised out
    label = _SEP.join(str(v) for v, _ in keyed)
    function = sympy.Function(f"{name}[law|{label}|{len(opaque)}]", positive=True)
    return function(*params, *opaque, *(x for _, x in keyed))


def _put_in_laws(expr: sympy.Basic, laws: Mapping[sympy.Basic, Distribution], used: set[str]) -> sympy.Basic:
    """``expr`` with each stated law's placeholder replaced by the law's density at its value; a
    discrete law only at an integer of its support (Bernoulli's p^x (1-p)^(1-x) is no mass
    function at 2): elsewhere the placeholder stays an unknown, so nothing is proved through it."""
    by_name = {str(v): law for v, law in laws.items()}
    integrated = {
        limit[0] for node in sympy.preorder_traversal(expr) if isinstance(node, sympy.Integral) for limit in node.limits
    }
    replacements: dict[sympy.Basic, sympy.Basic] = {}
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, AppliedUndef) and _name(node).startswith(_LAW_MARK):
            law = by_name[_name(node)[len(_LAW_MARK) : -1]]
            (value,) = node.args
            if (law.discrete and not _in_support(value, law)) or (
                not law.discrete and value not in integrated and _at_an_end(value, law)
            ):
                continue
            replacements[node] = law.pdf(value)
            used.add(f"{LAW}: {_name(node)[len(_LAW_MARK) : -1]} ~ {law}")
    return expr.xreplace(replacements)


def _at_an_end(value: sympy.Basic, law: Distribution) -> bool:
    """Whether ``value`` is (or may be) an end of a continuous law's support, where its density is a
    convention (the uniform's on [0, 1] or on (0, 1)): a value that is no number may be one (an
    integration variable is not asked: one point does not change an integral)."""
    ends = [e for e in law.support() if e.is_finite]
    if not ends:
        return False
    if not value.is_number:
        return True
    return any(sympy.simplify(value - e) == 0 for e in ends)


def _in_support(value: sympy.Basic, law: Distribution) -> bool:
    low, high = law.support()
    return isinstance(value, sympy.Integer) and bool(low <= value) and bool(value <= high)


def _reduce(expr: sympy.Basic, used: set[str]) -> sympy.Basic:
    """``expr`` with its sums and products over short integer ranges written out and its whole-line
    integrals of joints marginalised, innermost first."""
    if not expr.args or isinstance(expr, AppliedUndef):
        return expr
    rebuilt = expr.func(*(_reduce(a, used) for a in expr.args)) if isinstance(expr, sympy.Expr) else expr
    if isinstance(rebuilt, (sympy.Sum, sympy.Product)):
        return _written_out(rebuilt, used)
    if isinstance(rebuilt, sympy.Integral):
        return _marginalised(rebuilt, used)
    return rebuilt


def _written_out(node: sympy.Sum | sympy.Product, used: set[str]) -> sympy.Basic:
    """A sum or a product over one short range of integers, written out term by term."""
    if len(node.limits) != 1:
        return node
    variable, low, high = node.limits[0]
    if not (isinstance(low, sympy.Integer) and isinstance(high, sympy.Integer)) or not 0 <= high - low < _MAX_TERMS:
        return node
    if variable in _bound_symbols(node.function):
        return node  # an inner binder of the same name shadows it: substituting would reach into it
    terms = [node.function.xreplace({variable: sympy.Integer(k)}) for k in range(int(low), int(high) + 1)]
    used.add(WRITTEN_OUT)
    return sympy.Add(*terms) if isinstance(node, sympy.Sum) else sympy.Mul(*terms)


def _marginalised(node: sympy.Integral, used: set[str]) -> sympy.Basic:
    """An integral over the whole real line of joints at its variable: each term's joint without the
    variable (the sum rule), integrated innermost limit first; the integral as written when a
    limit is bounded, the variable is an integer, or a term is no joint at it times factors free of it."""
    body = node.function
    for k, limit in enumerate(node.limits):
        if len(limit) != 3 or limit[1] != -sympy.oo or limit[2] != sympy.oo or limit[0].is_integer:
            return _rest(body, node.limits[k:])
        reduced = _sum_rule(body, limit[0])
        if reduced is None:
            return _rest(body, node.limits[k:])
        body = reduced
        used.add(MARGINAL)
    return body


def _rest(body: sympy.Expr, limits: tuple[sympy.Tuple, ...]) -> sympy.Expr:
    return sympy.Integral(body, *limits) if limits else body


def _sum_rule(body: sympy.Expr, variable: sympy.Symbol) -> sympy.Expr | None:
    """``body`` integrated over the real line in ``variable`` when each term (after cancelling) is a
    factor free of it times one joint whose values hold it once and nowhere else; else None."""
    out = []
    for term in sympy.Add.make_args(sympy.expand(sympy.cancel(sympy.together(body)))):
        free = [f for f in sympy.Mul.make_args(term) if variable not in f.free_symbols]
        rest = [f for f in sympy.Mul.make_args(term) if variable in f.free_symbols]
        if len(rest) != 1 or not _is_law(rest[0]):
            return None
        marginal = _without(rest[0], variable)
        if marginal is None:
            return None
        out.append(sympy.Mul(*free, marginal))
    return sympy.Add(*out)


def _without(joint: AppliedUndef, variable: sympy.Symbol) -> sympy.Expr | None:
    """``joint`` with the variable whose value is ``variable`` dropped, or None when ``variable`` is
    not exactly one value or appears elsewhere in it."""
    head, label, opaque_count = _name(joint)[:-1].rsplit("|", 2)
    keys = label.split(_SEP) if label else []
    n_opaque = int(opaque_count)
    values = list(joint.args[len(joint.args) - len(keys) :])
    others = joint.args[: len(joint.args) - len(keys)]
    hits = [i for i, v in enumerate(values) if v == variable]
    if len(hits) != 1 or any(variable in v.free_symbols for i, v in enumerate(values) if i != hits[0]):
        return None
    if any(variable in o.free_symbols for o in others):
        return None
    gone = undecorated(keys[hits[0]])
    del keys[hits[0]], values[hits[0]]
    if any(undecorated(k) == gone for k in keys):
        # p(s'|s) p(s) integrated over s: s and s' may be one variable at two times (a transition
        # kernel and an initial law p), and then the result is the next law, not p(s')
        return None
    if not keys and n_opaque == 0:
        return sympy.Integer(1)
    function = sympy.Function(f"{head}|{_SEP.join(keys)}|{n_opaque}]", positive=True)
    return function(*others, *values)


#: ``p_X``, ``p_{X,Y}``, ``p_{XY}`` as the reader names them: p, then capital letters (with digits) split by commas.
_SUBSCRIPTED = re.compile(r"p_(?P<vars>[A-Z][0-9]*(?:,?[A-Z][0-9]*)*)")


def subscript_variables(app: sympy.Basic) -> tuple[str, ...] | None:
    """The random variables ``p_X(x)``, ``p_{X,Y}(x, y)`` is the density of (the subscript names them, one
    capital letter each, in the order of the arguments, each argument the lower-case name or a number), or None:
    another name, another count of arguments, a letter twice, an argument of another name, a bar or a parameter
    (``p_\\theta(x)``, a lower-case subscript, is a parameterised density, not the density of theta)."""
    if not isinstance(app, AppliedUndef):
        return None
    m = _SUBSCRIPTED.fullmatch(_name(app))
    if m is None:
        return None
    named = tuple(re.findall(r"[A-Z][0-9]*", m.group("vars")))
    if len(named) != len(app.args) or len(set(named)) != len(named):
        return None
    for v, a in zip(named, app.args, strict=True):
        # each argument a value of its variable: its lower-case name (x, x_1, x') or a number; p_K(x) may be
        # a polynomial of degree K, p_N(x) an estimate from N samples: no density of K or N at x
        if not (a.is_number or (isinstance(a, sympy.Symbol) and str(a).split("_")[0] == v[0].lower())):
            return None
    return named


def undecorated(name: object) -> str:
    """A name without its primes, stars and accents: ``s_prime`` and ``s`` are values of one variable."""
    return "_".join(part for part in str(name).split("_") if part not in DECORATIONS)


def _is_law(node: sympy.Basic) -> bool:
    return isinstance(node, AppliedUndef) and "[law|" in _name(node)


def _bound_symbols(expr: sympy.Basic) -> set[sympy.Symbol]:
    """The symbols a sum, product or integral of ``expr`` binds."""
    out: set[sympy.Symbol] = set()
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, (sympy.Sum, sympy.Product, sympy.Integral)):
            out |= {limit[0] for limit in node.limits}
    return out


def _is_name(arg: sympy.Basic) -> bool:
    """A variable's name: a symbol (not a bound dummy) or an indexed entry x_n of names and integers."""
    if isinstance(arg, sympy.Indexed):
        return all(isinstance(i, (sympy.Symbol, sympy.Integer)) for i in arg.indices)
    return isinstance(arg, sympy.Symbol) and not isinstance(arg, sympy.Dummy)


def _is_event(node: sympy.Basic) -> bool:
    return isinstance(node, AppliedUndef) and _name(node).startswith("event")


def _name(node: AppliedUndef) -> str:
    return str(node.func.__name__)


def split_roles(app: AppliedUndef) -> tuple[list[sympy.Basic], list[sympy.Basic], tuple[sympy.Basic, ...]]:
    """The arguments of ``P(A, B | C; theta)`` by role: what the law is of (A, B), what it is conditioned
    on (C), and its parameters (the ``parameters(theta)`` application, or nothing)."""
    main: list[sympy.Basic] = []
    given: list[sympy.Basic] = []
    params: tuple[sympy.Basic, ...] = ()
    for arg in app.args:
        role = _name(arg) if isinstance(arg, AppliedUndef) else ""
        if role == _GIVEN:
            given.extend(arg.args)
        elif role == _PARAMETERS:
            params = (arg,)
        else:
            main.append(arg)
    return main, given, params
