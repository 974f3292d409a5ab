"""Grammar mixin of `derive.latex.parser._Parser`: derivatives, integrals, sums, products, limits, extrema."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy
from sympy import S
from sympy.core.function import AppliedUndef

from derive.errors import DeriveError
from derive.functions import JS, KL, Expectation
from derive.latex.grammar_expressions import _read_name
from derive.latex.grammar_linear import _is_matrix, _scalar
from derive.latex.tokens import _ACCENTS, _FONTS, _GREEK, _MAX_ORDER

if TYPE_CHECKING:
    from derive.latex.tokens import _Tok


class _CalculusGrammar:
    """`_Parser` grammar: derivatives, integrals, sums and products, limits, max/min/argmax."""

    # -- derivative, fraction -------------------------------------------------------------
    def fraction(self) -> Any:
        num = self.group_tokens()
        den = self.group_tokens()
        deriv = self._derivative(num, den)
        if deriv is not None:
            return deriv
        a = self.sub(num).parse_all()
        b = self.sub(den).parse_all()
        return self.ar.div(a, b)

    def _derivative(self, num: list[_Tok], den: list[_Tok]) -> Any | None:
        def is_d(t: _Tok) -> bool:
            return (t.kind == "letter" and t.text == "d") or (t.kind == "cmd" and t.text == "partial")

        if not num or not is_d(num[0]) or not den or not is_d(den[0]):
            return None
        order_num, rest = 1, num[1:]
        if rest and rest[0].kind == "sym" and rest[0].text == "^":
            p = self.sub(rest[1:])
            toks = p.group_tokens()
            order_num = self._order(toks)
            rest = rest[1 + p.i :]
        variables: list[tuple[Any, int]] = []
        names: set[str] = set()
        p = self.sub(den)
        while p.peek().kind != "end":
            if not is_d(p.peek()):
                return None
            p.i += 1
            t = p.peek()
            if t.kind not in ("letter", "cmd") or (t.kind == "cmd" and t.text not in _GREEK | _FONTS | set(_ACCENTS)):
                return None
            probe = self.sub(den)
            probe.i = p.i
            name = _read_name(probe)
            names.add(name)
            p.i += 1
            with self.shadowing({name}):  # d/dy after y := 3 differentiates by y, not by 3
                var = p.command(t.text) if t.kind == "cmd" else p.named(t.text, "")
            order = 1
            if p.at_sym("^"):
                p.i += 1
                order = self._order(p.group_tokens())
            variables.append((var, order))
        if not variables or sum(o for _, o in variables) != order_num:
            if variables and order_num != 1:
                raise self.fail("the orders of a derivative's numerator and denominator differ")
            if not variables:
                return None
        with self.shadowing(names):
            operand = self.sub(rest).parse_all() if rest else self.operand_term()
            value = self._differentiate(operand, variables)
            self._note_constants(operand, names)
        return self._at_definitions(value, names)

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

    def _differentiate(self, operand: Any, variables: list[tuple[Any, int]]) -> Any:
        plain: list[tuple[sympy.Symbol, int]] = []
        for var, order in variables:
            if _is_matrix(var):
                if len(variables) != 1 or order != 1 or _is_matrix(operand):
                    raise self.fail("only first derivatives of a scalar by a vector are supported")
                entries = [e for e in var]
                if len(set(entries)) != len(entries):
                    # A symmetric (SPD) matrix shares one symbol between (i, j) and (j, i), so
                    # an entrywise derivative would count each off-diagonal entry twice and
                    # refute true identities such as d log det S / dS = S^{-1}. The expression
                    # language rebuilds the operand over independent entries; this reader
                    # cannot, so it declines rather than give a wrong gradient.
                    raise self.fail(
                        "derivatives with respect to a symmetric matrix are not supported in LaTeX; "
                        "write the claim in YAML, where diff(f, S) treats S's entries as independent"
                    )
                grad = [self._differentiate(operand, [(e, 1)]) for e in entries]
                return sympy.ImmutableMatrix(var.shape[0], var.shape[1], grad)
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
        lo, hi = self.limits()
        if lo is None or hi is None:
            raise self.fail(f"\\{name} needs bounds such as _{{i=1}}^{{n}}")
        eq = next((k for k, t in enumerate(lo) if t.kind == "sym" and t.text == "="), None)
        if eq is None:
            raise self.fail(f"\\{name} needs a lower bound such as _{{i=1}}")
        var_parser = self.sub(lo[:eq])
        var_name = var_parser.base_name()
        var = self.symbol(var_name)
        lower = self.sub(lo[eq + 1 :]).parse_all()
        upper = self.sub(hi).parse_all()
        saved = self.st.bound
        self.st.bound = (*saved, var_name)
        try:
            with self.shadowing({var_name}):
                body = _scalar(self.operand_term())
        finally:
            self.st.bound = saved
        if _is_matrix(body):
            raise self.fail(f"\\{name} of a matrix")
        cls = sympy.Sum if name == "sum" else sympy.Product
        return cls(body, (var, lower, upper))

    def integral_sign(self) -> Any:
        lo, hi = self.limits()
        if (lo is None) != (hi is None):
            raise self.fail("an integral needs both bounds or neither")
        self.integral += 1
        try:
            bound = self._integration_variables()
            with self.shadowing(bound):
                body = self.expr()
        finally:
            self.integral -= 1
        body = _scalar(body)
        if _is_matrix(body):
            raise self.fail("an integral of a matrix")
        with self.shadowing(bound):
            variables = self.differential() if self.at_differential_here() else self._implied_differential(body)
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

    def _integration_variables(self) -> set[str]:
        """The name of this integral's differential (``dy`` -> {"y"}), found before its integrand
        is read so that a definition of y does not apply inside it; empty when none is written.

        The differentials of integrals nested in the integrand (``\\int\\int f\\,dx\\,dy``) belong
        to them: each ``\\int`` met on the way takes the next differential.
        """
        from derive.latex.parser import _Parser  # noqa: PLC0415 - the parser is assembled from this mixin

        nested, depth, k = 0, 0, 0
        while True:
            t = self.peek(k)
            if t.kind == "end":
                return set()
            if t.kind == "sym" and t.text in ("(", "[", "{", "\\{"):
                depth += 1
            elif t.kind == "sym" and t.text in (")", "]", "}", "\\}"):
                depth -= 1
                if depth < 0:
                    return set()
            elif depth == 0 and t.kind == "cmd" and t.text in ("int", "iint"):
                nested += 1
            elif depth == 0 and self.at_differential(k):
                if nested == 0:
                    probe = _Parser(self.toks, self.st)
                    probe.i = self.i + k + (1 if t.kind == "letter" else 1 + self._font_len(k))
                    try:
                        return {_read_name(probe)}
                    except DeriveError:
                        return set()
                nested -= 1
            k += 1

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
        var_name = self.sub(toks[:arrow]).base_name()
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
