"""Grammar mixin of `derive.latex.parser._Parser`: function application, named functions and operators."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import sympy
from sympy import S

from derive.errors import DeriveError
from derive.language._exact import _binomial
from derive.latex.expect_subscript import conditional_moment, labelled_moment
from derive.latex.grammar_expressions import accented_name
from derive.latex.grammar_linear import _det, _is_matrix, _scalar, _trace
from derive.latex.state import _Shadow
from derive.latex.tokens import (
    _ACCENTS,
    _ARROWS,
    _BOLD,
    _DISTS,
    _FONTS,
    _FUNCS,
    _FUNCTION_LETTERS,
    _GREEK,
    _INVERSES,
    _KL_NAMES,
    _LOSS_NAMES,
    _MAX_ORDER,
    _ML_NAMES,
    _MOMENT_WORDS,
    _OPERATOR_NAMES,
    _RELATIONS,
    _ROUTINES,
    _TRACE,
    _tokenize,
)
from derive.tiers._landau import landau, landau_order

if TYPE_CHECKING:
    from derive.latex.tokens import _Tok


#: The word of the additive-constant idiom in any text font: const, const., constant, cst.
_CONSTANT_WORD = re.compile(r"(const(?:ant)?|cst)\.?")


class _OperatorGrammar:
    """`_Parser` grammar: named operators (labelled moments), which names are functions, Landau terms."""

    def operator_name(self, name: str) -> Any:
        """``\\mathrm{Var}[X]``, ``\\text{cov}(X, Y)``: an unknown function of the arguments."""
        close = {"(": ")", "[": "]"}[self.peek().text]
        inner = self.balanced(self.peek().text, close)
        if not inner:
            raise self.fail(f"{name} of nothing")
        conditional = conditional_moment(self, name, inner)  # Var(y | x): under E[. | x] (expect_subscript)
        if conditional is not None:
            return conditional
        q = self.sub(inner)
        q.bars += 1  # Var(X | Y): a bar is not an absolute value here (and is not read)
        args = q.expression_list(self)
        return self.moment(name, args)  # the definition under the law, else the unknown function

    def labelled_operator(self, name: str) -> Any:
        """``\\operatorname{var}_{n-1}(f(\\mathbf{x}_*))``, ``\\mathrm{Cov}_q[x, y]``: a variance (covariance, ...)
        under a law its subscript only names (after n - 1 observations, under q): an unknown function
        of the arguments for each label, so var_{n-1} and var_n stay apart and neither has a value."""
        self.expect_sym("_")
        sub_toks = self.group_tokens()
        label = re.sub(r"\\s+", "", self._src(sub_toks)).strip("{}")
        if not self.at_sym("(", "["):
            raise self.fail(f"{name}_{{{label}}} without its argument in brackets")
        close = {"(": ")", "[": "]"}[self.peek().text]
        inner = self.balanced(self.peek().text, close)
        if not inner:
            raise self.fail(f"{name}_{{{label}}} of nothing")
        q = self.sub(inner)
        q.bars += 1
        args = [_scalar(a) for a in q.expression_list(self)]
        if any(_is_matrix(a) for a in args):
            raise self.fail(f"{name}_{{{label}}} of a vector or matrix")
        # Var_{\\mathcal T}(x): the moment under the law of E_{\\mathcal T} (expect_subscript); else one per label
        moment = labelled_moment(self, name, sub_toks, args)
        return moment if moment is not None else sympy.Function(f"{name}_{{{label}}}")(*args)

    def _scalar_assumptions(self, base: str) -> dict[str, bool]:
        if not self.declared(base):
            return {}
        obj = self.st.table[base].obj
        if _is_matrix(obj):
            return {}
        return {k: True for k in ("positive", "nonnegative", "negative", "integer", "real") if getattr(obj, f"is_{k}")}

    def is_function(self, base: str, name: str) -> bool:
        if base in _FUNCTION_LETTERS or name.split("_", maxsplit=1)[0] in _FUNCTION_LETTERS:
            return True
        if name.endswith("_prime"):
            return True  # h'(x), \\phi'(t): a derivative of a function, never a product
        if name in _LOSS_NAMES:
            return True  # MSE(x_0), RSS(\\theta): a loss of its argument, never the loss times it
        # f(a, b) and q(z|x) are applications whatever the letter
        depth, j = 0, 0
        while True:
            t = self.peek(j)
            if t.kind == "end":
                return False
            if t.kind == "sym" and t.text in ("(", "[", "{", "\\{"):
                depth += 1
            elif t.kind == "sym" and t.text in (")", "]", "}", "\\}"):
                depth -= 1
                if depth == 0:
                    return False
            elif depth == 1 and t.kind == "sym" and t.text in (",", "|"):
                return True
            j += 1

    def landau_term(self, name: str, font: str) -> Any | None:
        """``O(\\epsilon^2)``: a Landau remainder (`derive.tiers._landau`), or None with nothing read.

        Only where O has no meaning of its own in the text (declared, a function, defined) and the
        argument is a power of one name; O(x - y), O(\\epsilon\\delta) keep the product/function reading.
        """
        if name != "O" or font not in ("", "mathcal") or not self.at_sym("("):
            return None
        if self.declared("O") or "O" in self.functions or "O" in self.st.definitions:
            return None
        start = self.i
        try:
            args, given = self.call_args("O")
        except DeriveError:
            self.i = start
            return None
        arg = _scalar(args[0]) if len(args) == 1 and not given else None
        if not landau_order(arg):
            self.i = start
            return None
        return landau(arg)


class _FunctionGrammar(_OperatorGrammar):
    """`_Parser` grammar: function application and named functions/operators (log, exp, sigmoid, trace, det, ...)."""

    @property
    def functions(self) -> frozenset[str] | set[str]:
        """Names declared as functions (``functions:``, an evaluation bar's ``K(\\cdot)``)."""
        return getattr(self.st.table, "_latex_functions", frozenset())

    def definition_value(self, name: str) -> Any:
        """The value of a defined name where the parser is.

        A definition that uses a name a binder shadows here (``L := -y \\log \\hat{y}`` inside
        ``\\frac{\\partial}{\\partial \\hat{y}}`` after ``\\hat{y} := \\sigma(a)``) is read again from
        its text, so the bound name stays a variable inside it instead of taking its value.
        """
        from derive.latex.parser import _Parser  # noqa: PLC0415 - the parser is assembled from this mixin

        d = self.st.definitions[name]
        hidden = self.st.shadow & self.st.definitions.keys()  # only a bound *defined* name reads differently
        if not hidden or name in self.st.expanding or not self._uses_shadowed(name, hidden):
            return d.value
        key = (name, self.st.shadow, self.st.bound, self.st.sample, self.st.expanding)
        if key not in self.st.reread:
            state = replace(self.st, text=d.tex, expanding=(*self.st.expanding, name))
            value = _Parser(_tokenize(d.tex), state).parse_all()
            self.st.indexed |= state.indexed
            self.st.reread[key] = _scalar(value)
        return self.st.reread[key]

    def _uses_shadowed(self, name: str, hidden: frozenset[str]) -> bool:
        """Whether the definition of ``name`` uses a name in ``hidden``, directly or through another definition."""
        from derive.latex.names import _names_of_text  # noqa: PLC0415 - names are read with the assembled parser

        seen: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            found = _names_of_text(self.st.definitions[current].tex)
            if found is None or found[1]:
                return True  # names derive cannot list: assume the worst and read it again
            if found[0] & hidden:
                return True
            todo += [n for n in found[0] if n in self.st.definitions]
        return False

    def shadowing(self, names: set[str] | frozenset[str]) -> _Shadow:
        """``with self.shadowing({"y"}):`` reads what follows with y bound (see `_State.shadow`)."""
        return _Shadow(self.st, frozenset(names))

    def identity(self, size_text: str) -> Any:
        if size_text.isdigit():
            n = int(size_text)
            if not 1 <= n <= 12:
                raise self.fail(f"identity matrix I_{n} is too large")
            return sympy.ImmutableMatrix(sympy.eye(n))
        return sympy.Identity(self.symbol(size_text))

    def call_args(self, name: str) -> tuple[list[Any], int]:
        """``( a, b | c )``: the arguments, and the index where a conditional bar starts (0: none)."""
        self.expect_sym("(")
        self.bars += 1
        args: list[Any] = []
        given = 0
        while True:
            args.append(self.expr())
            if self.at_sym(","):
                self.i += 1
                continue
            if self.at_sym("|") and not given:
                self.i += 1
                given = len(args)
                continue
            break
        self.bars -= 1
        self.expect_sym(")")
        return args, given

    def word(self, word: str, font: str) -> Any:
        """A multi-letter operator name: tr, det, KL, exp, log, ..."""
        if word in _TRACE:
            return _trace(self.operand())
        if word == "det":
            return _det(self.operand())
        if word in ("KL", "JS", "JSD"):
            name = self.name_suffixes(word)
            if self.at_sym("(", "["):  # KL(q || p), \mathrm{KL}[q || p]
                return self.divergence(_KL_NAMES[word])
            return self.symbol(name)
        if word in ("log", "ln"):
            return self.logarithm()
        if word in _FUNCS:
            return self.named_function(word)
        if word in _DISTS and (font == "mathcal" or self.dist_context or font) and self.at_sym("(", "["):
            return self.distribution(word)
        if word in ("min", "max"):
            return self.extremum(word)
        if word in _ML_NAMES:
            return self.ml_function(_ML_NAMES[word])
        if word in ("diag", "Diag"):
            return self.diagonal()
        if word in _LOSS_NAMES:
            return self.named(word, "mathrm")  # as \\mathrm{MSE}: a name, applied where a bracket follows
        if word in _MOMENT_WORDS and not font:
            return self._moment_word(word)
        if len(word) == 1 or font in ("mathcal", "mathbb", "mathbf", "boldsymbol", "bm", "mathit", "mathrm", "mathsf"):
            return self.named(word, font)
        raise self.fail(f"unknown operator {word!r}")

    def _moment_word(self, word: str) -> Any:
        """``Var(X)``, ``Cov[X, Y]``, ``Var_{\\mathcal T}(X)`` typed without \\mathrm: read as the upright ones are,
        unless the text declares the word (a function or a symbol of its own); alone, a name."""
        if word in self.functions or self.declared(word):
            return self.named(word, "mathrm")
        if self.at_sym("(", "["):
            return self.operator_name(_OPERATOR_NAMES[word])
        if self.at_sym("_") and self._applied_after_subscript():
            return self.labelled_operator(_OPERATOR_NAMES[word])
        return self.named(word, "mathrm")

    def logarithm(self) -> Any:
        power = self.function_power("log")  # \log^2 x
        base = None
        if self.at_sym("_"):
            self.i += 1
            base = self.sub(self.group_tokens()).parse_all()
            power = power or self.function_power("log")  # \log_2^2 x
        start = self.i
        arg = self.operand()
        if self.toks[start].kind == "sym" and self.toks[start].text in ("(", "[") and self.at_sym("^"):
            raise self.fail(
                "\\log(...)^k may be the power of the logarithm or the logarithm of the power; write "
                "\\log^k(...) or \\log\\left((...)^k\\right)"
            )
        value = self._log_of_zero_or_ratio(arg, self.toks[start : self.i])
        if value is None:
            value = self.ar.apply("log", sympy.log, arg)
        value = value / sympy.log(base) if base is not None else value
        return value if power is None else self.ar.power(value, sympy.Integer(power))

    def function_power(self, name: str) -> int | None:
        """The power written on a function's name: ``\\sin^2 x`` is (sin x)^2, and ``\\sin^{-1} x`` is
        arcsin x (-1, for the trigonometric and hyperbolic functions only). Other exponents on a
        name (``\\log^{-1}``, ``\\sin^{-2}``, ``\\sin^n``) have no single reading: not guessed."""
        if not self.at_sym("^"):
            return None
        self.i += 1
        text = "".join(t.text for t in self.group_tokens() if not (t.kind == "sym" and t.text in "{}"))
        if text.isdigit() and 1 <= int(text) <= _MAX_ORDER:
            return int(text)
        if text == "-1" and name in _INVERSES:
            return -1
        raise self.fail(
            f"\\{name}^{{{text}}} may be an inverse, an iterate or a power of the value; write the inverse by "
            f"its name, or \\left(\\{name} x\\right)^{{{text}}}"
        )

    def named_function(self, name: str) -> Any:
        """``\\sin x``, ``\\sin^2 x`` (the power of the value), ``\\sin^{-1} x`` (arcsin): a function of its operand."""
        power = self.function_power(name)
        if power == -1:
            return self.ar.apply(f"{name}^-1", _INVERSES[name], self.operand())
        value = self.ar.apply(name, _FUNCS[name], self.operand())
        return value if power is None else self.ar.power(value, sympy.Integer(power))

    def _log_of_zero_or_ratio(self, arg: Any, toks: list[_Tok]) -> Any | None:
        """Information theory's conventions for the literal zeros of a KL term written out:
        ``\\log 0 = -\\infty`` and ``\\log\\frac{p}{0} = +\\infty`` for a positive number p (the
        limits as the density goes to 0 from above). sympy would give complex infinity for
        both. ``\\log\\frac{0}{0}`` stays undefined; `_zero_times_log` makes ``0 \\log(...)`` zero."""
        if _scalar(arg) == 0:
            return S.NegativeInfinity
        if not (isinstance(arg, sympy.Basic) and arg.has(S.ComplexInfinity)):
            return None
        while len(toks) >= 2 and toks[0].kind == "sym" and toks[0].text == "(" and toks[-1].text == ")":
            toks = toks[1:-1]
        if not toks or toks[0].kind != "cmd" or toks[0].text not in ("frac", "dfrac", "tfrac"):
            return None
        q = self.sub(toks[1:])
        num, den = q.group_tokens(), q.group_tokens()
        if q.peek().kind != "end":
            return None
        a, b = _scalar(self.sub(num).parse_all()), _scalar(self.sub(den).parse_all())
        if b == 0 and getattr(a, "is_positive", False) and a.is_number:
            return S.Infinity
        return None

    def operand(self) -> Any:
        """What an operator without parentheses applies to: ``\\log 2\\pi`` is log(2 pi). A bracket is
        the whole argument: a power after it is a power of the value (``\\sin(x)^2``, ``\\exp(x)^2``)."""
        if self.at_sym("(", "["):
            return self.primary()
        if self.at_sym("\\{", "{"):
            return self.factor()
        value = self.factor()
        while self.starts_factor() and not self.at_sym("|") and not self._at_operator() and not self._after_bracket():
            value = self.ar.mul(value, self.factor())
        return value

    def _after_bracket(self) -> bool:
        # \log p(x) f(x) is log(p(x)) f(x): an application ends the argument
        prev = self.toks[self.i - 1] if self.i > 0 else None
        return prev is not None and prev.kind == "sym" and prev.text in (")", "]", "\\}")

    def _at_operator(self) -> bool:
        t = self.peek()
        if t.kind == "word":
            return True
        if t.kind == "cmd":
            return t.text in _FUNCS or t.text in _ROUTINES or t.text in ("det", "mathbb", "operatorname", "nabla")
        return False

    def command(self, name: str) -> Any:
        if name in _GREEK:
            return self.named(name, "")
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            return self.fraction()
        if name == "sqrt":
            if self.at_sym("["):
                index = self.sub(self.balanced("[", "]")).parse_all()
                return self.ar.apply("root", lambda x: sympy.root(x, index), self.sub(self.group_tokens()).parse_all())
            return self.ar.apply("sqrt", sympy.sqrt, self.sub(self.group_tokens()).parse_all())
        if name == "lg":  # ISO's log base 10, computer science's log base 2: not a guess to make
            raise self.fail("\\lg is log base 10 (ISO) or base 2 (computer science): write \\log_{10} or \\log_2")
        if name in ("log", "ln"):
            return self.logarithm()
        if name in _FUNCS:
            return self.named_function(name)
        if name == "det":
            return _det(self.operand())
        if name in ("min", "max", "sup", "inf", "argmin", "argmax"):
            return self.extremum(name)
        if name in _FONTS:
            return self.font(name)
        if name in _ACCENTS:
            return self.named(accented_name(self, self.group_tokens(), _ACCENTS[name]), "accent")
        if name == "infty":
            return S.Infinity
        if name == "pi":
            # \\pi_k, \\pi^*, a declared or defined pi (mixture weights, priors, a policy): a name
            named = "pi" in self.functions or self.declared("pi") or "pi" in self.st.definitions
            if named or self.at_sym("_", "'") or self._at_star_superscript():
                return self.named("pi", "")
            return S.Pi
        if name == "Pr":  # \Pr(A), \Pr(A \cap B): a probability, like P (prob_events); never a name Pr
            if not self.at_sym("("):
                raise self.fail("\\Pr needs its event in parentheses: \\Pr(A)")
            return self.named("Pr", "mathrm")
        if name in ("sum", "prod"):
            return self.big_operator(name)
        if name in ("int", "iint", "iiint"):
            return self.integral_sign(name)
        if name == "lim":
            return self.limit()
        if name == "binom":
            n = self.sub(self.group_tokens()).parse_all()
            k = self.sub(self.group_tokens()).parse_all()
            return _binomial(_scalar(n), _scalar(k))
        if name == "nabla":
            return self.gradient()
        if name == "arg":
            return self.arg_extremum()
        if name == "begin":
            return self.environment()
        if name == "partial":
            return self.subscript_derivative()
        if name in _RELATIONS | _ARROWS:
            raise self.fail(f"a relation \\{name} inside one side (steps are split at relations before parsing)")
        if name == "cdot":
            raise self.fail("\\cdot where a value was expected")
        if name == "\\":
            raise self.fail("a line break \\\\ inside one side")
        raise self.fail(f"unknown LaTeX command \\{name}")

    def base_name(self) -> str:
        """The plain name inside ``\\hat{x}`` / ``\\mathbf{x}``."""
        parts = [t.text for t in self.toks if not (t.kind == "sym" and t.text in "{}")]
        parts = [p for p in parts if p not in _FONTS]
        if not parts or any(not re.fullmatch(r"[A-Za-z0-9]+", p) for p in parts):
            raise self.fail(f"cannot read {self._src(self.toks)!r} as a name")
        return "".join(parts)

    def font(self, name: str) -> Any:
        toks = self.group_tokens()
        constant = _CONSTANT_WORD.fullmatch(re.sub(r"[\s{}]", "", self._src(toks)))
        if constant is not None and name in ("text", "textrm", "mathrm", "operatorname", "mbox", "textit", "mathit"):
            return self._additive_constant(constant.group(1))
        if name == "text" and any(t.kind == "sym" for t in toks if t.text not in "{}"):
            raise self.fail(f"text {self._src(toks)!r} inside an expression")
        words = [t for t in toks if not (t.kind == "sym" and t.text in "{}")]
        if len(words) == 1 and words[0].kind == "cmd" and words[0].text in _GREEK:
            return self.named(words[0].text, name)
        if name in _BOLD and any(t.kind == "sym" or (t.kind == "cmd" and t.text not in _GREEK) for t in words):
            # \\mathbf{x^T A x}: the font applies letter by letter, and a bold letter is the plain name
            inner = toks[1:-1] if toks and toks[0].kind == "sym" and toks[0].text == "{" else toks
            return self.sub(inner).parse_all()
        word = "".join(t.text for t in words)
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", word or "?"):
            if len(words) == 1 and words[0].kind == "num":
                ones = self._sized_vector(words[0].text) if name in _BOLD else None
                if ones is not None:
                    return ones
                if words[0].text == "1" and name in (*_BOLD, "mathbb"):
                    # \mathbf{1}^T x is the sum of x's entries, \mathbb{1}[y = k] an indicator: never the number 1
                    raise self.fail(f"\\{name}{{1}} is a vector of ones or an indicator, of a size derive cannot tell")
                return sympy.Rational(words[0].text)
            raise self.fail(f"cannot read \\{name}{{{self._src(toks)}}}")
        if word in ("d",):
            raise self.fail("a differential d outside an integral or derivative")
        bare = re.sub(r"^(?:mathrm|operatorname|text|textrm|mathit)+", "", word)
        if bare in ("argmin", "argmax", "sup", "inf") or (bare in ("min", "max") and bare != word):
            # \mathop{\mathrm{argmin}}_x, \operatorname{argmax}_x: a binder over its subscript, never a name
            return self.extremum(bare)
        if word in _TRACE or word in ("det", "KL", "JS", "JSD", "log", "ln", "min", "max") or word in _FUNCS:
            return self.word(word, name)
        if word in _DISTS and name != "mathbb" and self.at_sym("(", "["):
            return self.distribution(word)
        if word == "E" and name in ("mathbb", "mathrm", "operatorname", "mathop"):
            return self.named("E", "mathbb")
        if word in _ML_NAMES:
            return self.ml_function(_ML_NAMES[word])
        if word in ("diag", "Diag"):
            return self.diagonal()
        if word in _LOSS_NAMES:
            return self.named(word, "mathrm")  # as \\mathrm{MSE}: a name, applied where a bracket follows
        if word in _OPERATOR_NAMES and self.at_sym("(", "["):
            return self.operator_name(_OPERATOR_NAMES[word])
        if word in _OPERATOR_NAMES and self.at_sym("_"):
            return self.labelled_operator(_OPERATOR_NAMES[word])
        notation = self.probability_notation(word, word, name)  # \text{Bin}(m|N, \mu): prob_conditionals
        if notation is not None:
            return notation
        if name in ("text", "textrm", "textit", "textbf", "mbox", "operatorname") and len(word) > 1:
            if self.at_sym("_") and not self._applied_after_subscript():
                # \text{Col}_1: a subscript makes the word a symbol's name (the first column), not prose
                return self.named(word, "mathrm")
            raise self.fail(f"unknown operator \\{name}{{{word}}}")
        return self.named(word, name)

    def _applied_after_subscript(self) -> bool:
        """Whether a bracket follows the subscript ahead (``\\text{sigmoid}_k(\\mathbf{z})``): an operator's label,
        not a symbol's name."""
        end = self.i + 2 if not self.at_sym("{", k=1) else self._group_end(self.i + 1)
        after = self.toks[end] if end < len(self.toks) else None
        return after is not None and (
            (after.kind == "sym" and after.text in ("(", "[")) or (after.kind == "cmd" and after.text == "left")
        )

    def _additive_constant(self, word: str) -> Any:
        """``+ \\text{const}``, ``\\mathrm{const.}``: "plus a term not depending on the variable of
        interest". On one side of a step it is checked as such before the sides are read
        (`derive.latex.context.additive_constant`); where it is read, it is an opaque value of its own
        side (a function of the side's text with no value): the same on two sides written alike, so
        ``f + const = f + const`` is proved, and otherwise never cancelled, so a step between two
        sides that each hide a different constant (``-(x-1)^2/2 + const = -x^2/2 + x + const``, true
        as meant) is never refuted through it. A declared ``const`` is an ordinary name."""
        if self.declared(word) or word in self.st.definitions:
            return self.named(word, "mathrm")
        side = hashlib.sha256(re.sub(r"\s+", "", self.st.text).encode()).hexdigest()[:6]
        return sympy.Function(f"{word}_{side}")()

    def _sized_vector(self, digit: str) -> Any | None:
        """``\\mathbf{1}_3``, ``\\mathbf{0}_{2}``: the column of ones or zeros of the size written (at most
        12); None without an integer size, where the size is the reader's guess."""
        if digit not in ("0", "1") or not self.at_sym("_"):
            return None
        start = self.i
        self.i += 1
        size = "".join(t.text for t in self.group_tokens() if not (t.kind == "sym" and t.text in "{}"))
        if not (size.isdigit() and 1 <= int(size) <= 12):
            self.i = start
            return None
        fill = sympy.ones if digit == "1" else sympy.zeros
        return sympy.ImmutableMatrix(fill(int(size), 1))
