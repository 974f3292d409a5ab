"""Entropies of random variables the text names: the chain rule and Shannon's inequalities.

Texts on information theory rearrange entropies without a law: ``H(Y \\mid X) = H(X, Y) - H(X)``,
``H(X, Y) \\le H(X) + H(Y)``. Such a step holds for *every* law when it follows from

- the chain rule, ``H(A \\mid B) = H(A, B) - H(B)`` (the definition of conditional entropy, with
  ``log p(a|b) = log p(a, b) - log p(b)``), each joint entropy taken over the *set* of variables it names
  (written order and repeats do not matter), and
- the nonnegativity of conditional mutual information, ``I(A; B \\mid C) = H(A, C) + H(B, C) - H(A, B, C)
  - H(C) \\ge 0`` (Gibbs' inequality for the law of A, B given C against the product of its conditionals).

Both hold for discrete (Shannon) and continuous (differential) entropy alike, wherever the entropies are
finite; so a step proved here holds under either reading. ``H(Y) \\le H(X, Y)`` (``H(X \\mid Y) \\ge 0``)
holds for discrete variables only and is not proved: a differential entropy may be negative.

`entropy_proof` proves (never refutes) an equation or a non-strict inequality whose sides are sums of
rational multiples of entropies and a rational constant, each entropy ``H(...)`` of plain names, optionally
with a bar before more plain names (``H(Y \\mid X)``; a condition on an event, ``H(Y \\mid X = x)``, is
another quantity and stands down). An equation is proved when both sides have the same normal form over
joint entropies; an inequality when its slack is a nonnegative combination of the elemental mutual
informations ``I(i; j \\mid K)`` plus a nonnegative constant, found by an exact linear program (sympy's
simplex, rational arithmetic).

H is read as entropy only where the text before the step calls something H an entropy (a sentence with
"entropy" and ``H(`` or ``H[``), H is declared as nothing else, and no sentence writes a cross-entropy as H
(``H(p, q)`` is then two laws, not two variables).
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import sympy
from sympy.core.function import AppliedUndef

__all__ = ["ENTROPY_ROUTE", "entropy_normal_form", "entropy_proof", "gibbs_proof", "shannon_certificate"]

#: At most this many variables in a step (the elemental inequalities grow as n^2 2^n).
_MAX_VARIABLES = 5
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n\s*\n")
_NAMES_H = re.compile(r"\bH\s*(?:\\left\s*)?[(\[]|\bH\s*\\(?:big|Big)l?[(\[]")
_ENTROPY = re.compile(r"entrop", re.IGNORECASE)
#: Entropies with other rules than Shannon's (no chain rule, not subadditive) or of two laws.
_OTHER_ENTROPY = re.compile(
    r"cross[\s-]*entrop|r[ée]nyi|renyi|\bmin[\s-]*entrop|\bmax[\s-]*entrop|collision|tsallis|hartley|\bsmooth|"
    r"relative\s+entrop|\border\b|\\alpha|α|\balpha\b|\bgeneralized\b|\bquantum\b|\bvon\s+neumann",
    re.IGNORECASE,
)
#: Names of laws (densities) rather than of random variables.
_LAW_NAME = re.compile(r"[pqPQ](?:_.*)?|p_hat|q_hat|p_tilde|q_tilde")
#: Other things written H: a role that is no entropy.
_OTHER_ROLE = re.compile(
    r"hessian|hamiltonian|heaviside|hypothes[ie]s|enthalpy|harmonic|hilbert|\bany\s+function|\bsome\s+function|"
    r"\binstead\b|\bkernel\b|\bheight",
    re.IGNORECASE,
)
#: Words that make what a sentence calls an entropy another quantity: an entropy given an event or a value (not
#: a variable), a difference or weighted sum of entropies, an estimate, a bound (attacker A3).
_OTHER_QUANTITY = re.compile(
    r"\bevents?\b|\bvalues?\b|\bobserv|\breali[sz]|\boutcomes?\b|\bminus\b|\bplus\b|\bdifferences?\b|"
    r"\bestimat|\bempirical\b|\bplug-?in\b|\bweight|\bapproximat|\bsampled?\b|\bsurrogate\b|\bproxy\b|"
    r"\bbounds?\b|\brates?\b|\bper\b|\bnormali[sz]ed\b|\bscaled\b|\btimes\b|\btwice\b|\bhalf\b|\bratio\b|"
    r"\bsums?\b|\bcombination\b|\bmultiple\b",
    re.IGNORECASE,
)
#: A sentence that states a relation of entropies under a hypothesis ("if $X$ and $Y$ are independent then ..."),
#: not a definition of H.
_HYPOTHESIS = re.compile(
    r"\bif\b|\bwhen(?:ever)?\b|\bsuppos|\bassum|\bindependen|\bprovided\b|\bonly\s+if\b|\biff\b|\bequality\b|"
    r"\bfunction\s+of\b|\bdetermin|\bidentical\b|\bcase\b",
    re.IGNORECASE,
)
_NEGATED = re.compile(r"\bnot\b|n't\b|\bnever\b|\bno\s+longer\b|\brather\s+than\b|\bunlike\b", re.IGNORECASE)
#: A sentence giving H a role: "$H(X)$ denotes ...", "Let $H(a, b)$ be ...", "we use $H$ for ...".
_H_ROLE = re.compile(
    r"\$H(?:[^$A-Za-z][^$]{0,40})?\$\s*(?:\w+\s+){0,2}?(?:is|be|denotes?|stands?\s+for|represents?|means?|refers?\s+to)\b|"
    r"\b(?:use|write|reserve|call)s?\s+\$H(?:[^$A-Za-z][^$]{0,40})?\$\s+(?:for|as|to)\b",
    re.IGNORECASE,
)
#: ``H(...)`` as a whole side of a formula the text writes, and what an entropy's body holds.
_H_HEAD = re.compile(r"H\s*(?:\\left)?\s*[(\[](?P<args>[^()\[\]]*)(?:\\right)?\s*[)\]]")
_ENTROPY_BODY = re.compile(r"\\log|\\ln|\\mathbb\{E\}|\bE_|\bE\s*\[|\bH\s*[(\[]|\\operatorname\{E\}|\\sum|\\int")
#: The route of a proof by the entropy calculus (`derive.latex.context` reads H as a function there).
ENTROPY_ROUTE = "entropy calculus"


def _name(node: sympy.Basic) -> str:
    return str(node.func) if isinstance(node, AppliedUndef) else ""


def entropy_normal_form(
    expr: sympy.Expr,
) -> tuple[dict[frozenset[sympy.Symbol], sympy.Rational], sympy.Rational] | None:
    """``expr`` as a linear combination of joint entropies: ({set of variables: coefficient}, constant),
    every ``H(A | B)`` written ``H(A, B) - H(B)``; None where ``expr`` is anything else.

    >>> X, Y = sympy.symbols("X Y")
    >>> H, given = sympy.Function("H"), sympy.Function("given")
    >>> entropy_normal_form(H(Y, given(X)) - H(X, Y) + H(X))
    ({}, 0)
    """
    found = {app: sympy.Dummy("h") for app in expr.atoms(AppliedUndef) if _name(app) == "H"}
    if not found:
        return None
    linear = expr.xreplace(found)
    # what is left is a number: no other function (a given outside H) and no name outside an entropy
    if linear.atoms(AppliedUndef) or linear.free_symbols - set(found.values()):
        return None
    try:
        poly = sympy.Poly(sympy.expand(linear), *found.values())
    except sympy.PolynomialError:
        return None
    if poly.total_degree() > 1 or not all(c.is_Rational for c in poly.coeffs()):
        return None
    terms: dict[frozenset[sympy.Symbol], sympy.Rational] = {}
    for app, h in found.items():
        sets = _sets(app)
        if sets is None:
            return None
        coefficient = poly.coeff_monomial(h)
        for variables, sign in sets:
            if variables:
                terms[variables] = terms.get(variables, sympy.Integer(0)) + sign * coefficient
    constant = poly.coeff_monomial(1)
    return {s: c for s, c in terms.items() if c != 0}, sympy.Rational(constant)


def _sets(app: AppliedUndef) -> list[tuple[frozenset[sympy.Symbol], int]] | None:
    """``H(A, B)`` -> [({A, B}, 1)]; ``H(A | B)`` -> [({A, B}, 1), ({B}, -1)]; None for anything but names."""
    before: list[sympy.Symbol] = []
    after: list[sympy.Symbol] | None = None
    for i, arg in enumerate(app.args):
        if isinstance(arg, sympy.Symbol):
            before.append(arg)
        elif _name(arg) == "given" and i == len(app.args) - 1 and arg.args:
            if not all(isinstance(a, sympy.Symbol) for a in arg.args):
                return None
            after = list(arg.args)
        else:
            return None
    if not before:
        return None
    if after is None:
        return [(frozenset(before), 1)]
    return [(frozenset(before + after), 1), (frozenset(after), -1)]


def shannon_certificate(
    slack: dict[frozenset[sympy.Symbol], sympy.Rational], constant: sympy.Rational
) -> list[tuple[sympy.Rational, str]] | None:
    """Nonnegative weights of elemental mutual informations I(i; j | K) whose sum, plus ``constant`` >= 0,
    is exactly ``slack`` (a combination of joint entropies); None where there is none (or too many names)."""
    if constant < 0:
        return None
    variables = sorted(set().union(*slack) if slack else set(), key=str)
    if not slack:
        return []
    if len(variables) > _MAX_VARIABLES:
        return None
    elementals: list[tuple[str, dict[frozenset[sympy.Symbol], int]]] = []
    for i, j in itertools.combinations(variables, 2):
        rest = [v for v in variables if v not in (i, j)]
        for k in range(len(rest) + 1):
            for cond in itertools.combinations(rest, k):
                c = frozenset(cond)
                form: dict[frozenset[sympy.Symbol], int] = {}
                for s, sign in ((c | {i}, 1), (c | {j}, 1), (c | {i, j}, -1), (c, -1)):
                    if s:
                        form[s] = form.get(s, 0) + sign
                given = f" | {', '.join(map(str, cond))}" if cond else ""
                elementals.append((f"I({i}; {j}{given})", form))
    # plain symbols: with nonnegative=True, ``w >= 0`` is True and dropped, and the simplex takes w free
    weights = sympy.symbols(f"w0:{len(elementals)}", real=True)
    sets = set(slack) | {s for _, f in elementals for s in f}
    constraints = [
        sympy.Eq(sum(w * f.get(s, 0) for w, (_, f) in zip(weights, elementals, strict=True)), slack.get(s, 0))
        for s in sets
    ]
    constraints += [w >= 0 for w in weights]
    try:
        from sympy.solvers.simplex import lpmin  # noqa: PLC0415

        _, solution = lpmin(sum(weights), constraints)
    except (ValueError, TypeError, NotImplementedError, ArithmeticError) as _infeasible:
        return None
    except Exception:  # sympy's InfeasibleLPError is no ValueError in every version
        return None
    chosen = [(sympy.Rational(solution[w]), name) for w, (name, _) in zip(weights, elementals, strict=True)]
    # the simplex works in rationals; check the certificate exactly all the same
    for s in sets:
        total = sum(wt * f.get(s, 0) for wt, (_, f) in zip((c for c, _ in chosen), elementals, strict=True))
        if total != slack.get(s, 0):
            return None
    if any(c < 0 for c, _ in chosen):
        return None
    return [(c, name) for c, name in chosen if c != 0]


def _h_is_entropy(before: str) -> str | None:
    """The sentence of ``before`` that calls H an entropy, or None: also where any sentence applying H names
    another entropy (cross, Rényi, min-, collision, ...) or another role for H (a Hessian, a Hamiltonian, "any
    function"), or negates its entropy ("H is not the entropy"), or a formula gives H a body that is no entropy's
    (no log, expectation or entropy in it) or a two-variable H without the word "joint" before it."""
    said = None
    for sentence in _SENTENCE.split(before):
        applied = _NAMES_H.search(sentence) is not None
        role = _H_ROLE.search(sentence) is not None
        if not applied and not role:
            continue
        entropy = _ENTROPY.search(sentence) is not None
        if _OTHER_ENTROPY.search(sentence) or _OTHER_ROLE.search(sentence) or (entropy and _NEGATED.search(sentence)):
            return None
        if entropy and _OTHER_QUANTITY.search(sentence):
            return None  # "the entropy of $Y$ given the event $X = 1$", "the entropy of $X$ minus that of $Y$"
        if entropy and re.search(r"\bgiven\b|\bconditional|\bconditioned\b", sentence, re.IGNORECASE):
            written = [h.group("args") for h in _H_HEAD.finditer(sentence)]
            if written and not any("|" in a or "mid" in a for a in written):
                return None  # "$H(X)$ is the entropy of $X$ given $Z$": a conditional entropy written without a bar
        if role and not entropy:
            return None  # "Let $H(a, b)$ be the hinge loss", "We now use $H$ for the Hamiltonian"
        if entropy and applied:
            said = said or " ".join(sentence.split())
    if said is None:
        return None
    from derive.latex.prob_stated import _MATH, _split_top  # noqa: PLC0415

    for m in _MATH.finditer(before):
        body = next(g for g in (m.group("d1"), m.group("d2"), m.group("d3"), m.group("i1"), m.group("i2")) if g)
        sides = _split_top(re.sub(r"\\(?:tag|label)\{[^{}]*\}|&", " ", body))
        for left, right in itertools.pairwise(sides):
            head = _H_HEAD.fullmatch(left.strip())
            if head is None:
                continue
            if not _ENTROPY_BODY.search(right):
                return None  # H given another body: H(a, b) = a - b
            if _defines_otherwise(left, right) and not _HYPOTHESIS.search(_sentence_of(before, m)):
                return None  # "$H(X, Y) = H(X) + 2H(Y)$ the weighted sum": no Shannon identity, so H's own
            defines = not re.search(r"\bH\s*[(\[]", right)  # H(X, Y) = H(X) + H(Y) relates, it defines nothing
            if (
                defines
                and "," in head.group("args")
                and "|" not in head.group("args")
                and "mid" not in head.group("args")
                and "joint" not in before[max(0, m.start() - 300) : m.start()].lower()
            ):
                return None  # H(p, q) defined without "joint": a cross-entropy as often
    return said


def _sentence_of(text: str, m: re.Match[str]) -> str:
    """The sentence of ``text`` around the formula ``m``; a display with the sentence it ends or continues."""
    starts = [b.end() for b in _SENTENCE.finditer(text, 0, m.start())]
    start = starts[-1] if starts else 0
    if text[m.start() : m.start() + 2] in ("$$", "\\[") or text[m.start() :].startswith("\\begin"):
        start = starts[-2] if len(starts) > 1 else 0  # "If X and Y are independent, then\n\n$$...$$"
    after = _SENTENCE.search(text, m.end())
    return text[start : after.start() if after is not None else len(text)]


def _entropy_side(tex: str) -> Any | None:
    """``tex`` read with H a function, as `entropy_proof` reads a step's side; None where it does not read."""
    from derive.errors import DeriveError  # noqa: PLC0415
    from derive.language.symbols import SymbolTable  # noqa: PLC0415
    from derive.latex.parser import parse_latex  # noqa: PLC0415

    try:
        return parse_latex(f"\\left. {tex} \\right|_{{H(\\cdot)}}", SymbolTable({}))
    except (DeriveError, RecursionError, ValueError, TypeError):
        return None


def _defines_otherwise(left: str, right: str) -> bool:
    """Whether ``left = right``, both sides combinations of entropies, is no identity of Shannon's entropies
    (their normal forms differ): a text writing it without a hypothesis gives H a meaning of its own."""
    if not re.search(r"\bH\s*[(\[]", right):
        return False
    sides = [_entropy_side(t) for t in (left, right)]
    if not all(isinstance(v, sympy.Expr) for v in sides):
        return False
    forms = [entropy_normal_form(v) for v in sides]
    if forms[0] is None or forms[1] is None:
        return False
    return forms[0] != forms[1]


def _conditioned_on_values(sides: list[Any], prose: str) -> bool:
    """Whether an entropy of the step conditions on a value rather than a variable: a lowercase name beside
    capital variables (``H(Y \\mid x)``: X random, x its value), or one the prose sets a capital to (``$X = x$``)."""
    apps = [a for v in sides for a in v.atoms(AppliedUndef) if _name(a) == "H"]
    names = {str(x) for a in apps for x in a.free_symbols}
    capitals = any(n[:1].isupper() for n in names)
    for app in apps:
        for given in (g for g in app.args if _name(g) == "given"):
            for x in (str(a) for a in given.args):
                if not x[:1].islower():
                    continue
                if capitals or re.search(rf"(?<![A-Za-z\\])[A-Z]\s*=\s*{re.escape(x)}(?![A-Za-z])", prose):
                    return True
    return False


def entropy_proof(step: Any, result: Any, prose: str, full: str = "") -> Any | None:
    """A PROVED result for ``step`` (undecided in ``result``) by the entropy calculus, or None."""
    from derive.errors import DeriveError  # noqa: PLC0415
    from derive.language.symbols import SymbolTable  # noqa: PLC0415
    from derive.latex.parser import parse_latex  # noqa: PLC0415
    from derive.model import Evidence, Method, Outcome, Relation, Result, Verdict  # noqa: PLC0415

    claim = getattr(step, "claim", None)
    if claim is None or claim.relation not in (Relation.EQ, Relation.LE, Relation.GE):
        return None
    if getattr(step, "kind", "step") != "step" or getattr(step, "uses", ()):
        return None
    lhs_tex, rhs_tex = str(claim.lhs), str(claim.rhs)
    if "H" not in lhs_tex + rhs_tex or "H" in dict(claim.symbols):
        return None
    said = _h_is_entropy(prose)
    if said is None:
        return None
    try:
        table = SymbolTable(dict(claim.symbols))
        sides = [parse_latex(f"\\left. {tex} \\right|_{{H(\\cdot)}}", table) for tex in (lhs_tex, rhs_tex)]
    except (DeriveError, RecursionError, ValueError, TypeError):
        return None
    if not all(isinstance(s, sympy.Expr) for s in sides):
        return None
    for app in (a for s in sides for a in s.atoms(AppliedUndef) if _name(a) == "H"):
        plain = [a for a in app.args if isinstance(a, sympy.Symbol)]
        if len(plain) > 1 and any(_LAW_NAME.fullmatch(str(a)) for a in plain):
            return None  # H(p, q) of two laws: a cross-entropy, not the joint entropy of two variables
    if _conditioned_on_values(sides, prose):
        return None  # H(Y | x) given the value x: the entropy of Y given an event, which may exceed H(Y)
    forms = [entropy_normal_form(s) for s in sides]
    if forms[0] is None or forms[1] is None:
        return None
    (left, lc), (right, rc) = forms
    small, large = (left, lc), (right, rc)
    if claim.relation is Relation.GE:
        small, large = large, small
    slack = {s: large[0].get(s, 0) - small[0].get(s, 0) for s in set(left) | set(right)}
    slack = {s: c for s, c in slack.items() if c != 0}
    constant = large[1] - small[1]
    reading = (
        f"H read as entropy (discrete or differential; the text: \u201c{said[:160]}\u201d), each joint entropy "
        "taken over the set of variables it names, wherever the entropies are finite"
    )
    if claim.relation is Relation.EQ:
        if slack or constant != 0:
            return None
        summary = f"proved for every law by the chain rule of entropy, H(A | B) = H(A, B) - H(B); {reading}"
    else:
        certificate = shannon_certificate(slack, constant)
        if certificate is None:
            return None
        terms = " + ".join(f"{c}*{n}" if c != 1 else n for c, n in certificate) or "0"
        extra = f" + {constant}" if constant else ""
        summary = (
            f"proved for every law: the larger side minus the smaller is {terms}{extra}, and every (conditional) "
            f"mutual information is >= 0 (Gibbs' inequality), by the chain rule of entropy; {reading}"
        )
    evidence = Evidence(
        Method.SYMBOLIC, summary, difference="0" if claim.relation is Relation.EQ else None, route=ENTROPY_ROUTE
    )
    return Result(result.claim, Verdict.PROVED, Method.SYMBOLIC, result.seconds, (Outcome(Verdict.PROVED, evidence),))


#: A KL divergence written as notation (``D_{\\textrm{KL}}(P\\|Q)``, ``\\mathrm{KL}[P || Q]``, ``KL(p||q)``).
_KL_WRITTEN = re.compile(r"KL\b|KL\}|\\operatorname\{KL\}")
#: What says a law of the text need not sum to 1.
_UNNORMALISED = re.compile(r"un-?normali[sz]|not\s+(?:be\s+)?normali[sz]|improper", re.IGNORECASE)


def _kl_unknown(node: sympy.Basic) -> bool:
    """Whether ``node`` is the reader's ``∫ p log(p / q)`` over the whole space of the variables p and q take:
    the definition a KL of two laws derive does not know is read as (`derive.latex.prob_densities`)."""
    if not isinstance(node, sympy.Integral) or not all(
        len(lim) == 3 and lim[1] is sympy.S.NegativeInfinity and lim[2] is sympy.S.Infinity for lim in node.limits
    ):
        return False
    variables = tuple(lim[0] for lim in node.limits)
    body = node.function
    if not isinstance(body, sympy.Mul) or len(body.args) != 2:
        return False
    p = next((a for a in body.args if isinstance(a, AppliedUndef)), None)
    log = next((a for a in body.args if isinstance(a, sympy.log)), None)
    if p is None or log is None or p.args != variables:
        return False
    ratio = sympy.together(log.args[0])
    numerator, denominator = ratio.as_numer_denom()
    return numerator == p and isinstance(denominator, AppliedUndef) and denominator.args == variables


def gibbs_proof(step: Any, result: Any, prose: str, full: str = "") -> Any | None:
    """A PROVED result for a non-strict inequality that follows from KL(P || Q) >= 0 (Gibbs' inequality) for
    each KL the step writes as notation of two laws derive does not know (``D_{KL}(P||Q) \\ge 0``,
    ``H(P) + D_{KL}(P||Q) \\ge H(P)``): each is replaced by a fresh unknown u >= 0, and the larger side minus
    the smaller must be a nonnegative multiple of the unknowns plus a provably nonnegative rest. A step that
    also writes an integral stands down (its ∫ p log(p/q) may be a function's, not a KL's). Never refutes."""
    from derive.errors import DeriveError  # noqa: PLC0415
    from derive.language.symbols import SymbolTable  # noqa: PLC0415
    from derive.latex.parser import parse_latex  # noqa: PLC0415
    from derive.model import Evidence, Method, Outcome, Relation, Result, Verdict  # noqa: PLC0415

    claim = getattr(step, "claim", None)
    if claim is None or claim.relation not in (Relation.LE, Relation.GE) or getattr(step, "uses", ()):
        return None
    if _UNNORMALISED.search(prose):
        return None  # an unnormalised q (an energy, a joint as a function of z) may have KL(p || q) < 0
    texts = (str(claim.lhs), str(claim.rhs))
    written = sum(len(_KL_WRITTEN.findall(t)) for t in texts)
    if not written or any("\\int" in t or "\\iint" in t for t in texts):
        return None
    try:
        table = SymbolTable(dict(claim.symbols))
        sides = [parse_latex(t, table) for t in texts]
    except (DeriveError, RecursionError, ValueError, TypeError):
        return None
    if not all(isinstance(s, sympy.Expr) for s in sides):
        return None
    larger, smaller = sides if claim.relation is Relation.GE else sides[::-1]
    gap = larger - smaller
    nodes = sorted({n for n in gap.atoms(sympy.Integral) if _kl_unknown(n)}, key=str)
    if not nodes or len(nodes) > written or set(gap.atoms(sympy.Integral)) != set(nodes):
        return None
    unknowns = [sympy.Dummy("u") for _ in nodes]
    linear = sympy.expand(gap.xreplace(dict(zip(nodes, unknowns, strict=True))))
    if linear.has(sympy.Integral) or linear.atoms(AppliedUndef):
        return None
    try:
        poly = sympy.Poly(linear, *unknowns)
    except sympy.PolynomialError:
        return None
    if poly.total_degree() > 1:
        return None
    weights = [poly.coeff_monomial(u) for u in unknowns]
    rest = poly.coeff_monomial(1)
    if any(w.free_symbols or not w.is_nonnegative for w in weights) or not (rest == 0 or rest.is_nonnegative):
        return None
    shown = ", ".join(f"KL({_law_names(n)})" for n in nodes)
    summary = (
        f"proved for any two laws by Gibbs' inequality, KL(P || Q) >= 0: the larger side minus the smaller is "
        f"a nonnegative multiple of {shown}{' plus ' + str(rest) if rest != 0 else ''} (each KL written as notation "
        "of two laws, read as ∫ p log(p/q))"
    )
    evidence = Evidence(Method.SYMBOLIC, summary, route="Gibbs' inequality")
    return Result(result.claim, Verdict.PROVED, Method.SYMBOLIC, result.seconds, (Outcome(Verdict.PROVED, evidence),))


def _law_names(node: sympy.Integral) -> str:
    p = next(a for a in node.function.args if isinstance(a, AppliedUndef))
    q = sympy.together(next(a for a in node.function.args if isinstance(a, sympy.log)).args[0]).as_numer_denom()[1]
    return f"{_name(p)} || {_name(q)}"
