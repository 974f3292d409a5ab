"""Grammar mixin of `derive.latex.parser._Parser`: expectations, divergences, densities, distributions.

The mixin is assembled from `derive.latex.prob_densities` (distributions, Bishop's densities,
divergences) and `derive.latex.prob_conditionals` (conditional applications, events, moments);
`derive.latex.prob_marks` holds what they share (the conditioning bar, events, given(...)).

Probability notation as real documents write it:

- a conditional bar in an application, ``p(x|\\mu)``, ``p(x \\mid \\mu)``, ``p(x \\vert \\mu)``,
  ``p\\left(x \\middle| \\mu\\right)``, is the unknown function p of x and of ``given(mu)``;
  semicolon parameters ``p(\\mathcal{D}; \\theta)`` give ``parameters(theta)`` instead, so
  p(x|μ), p(x, μ), p(x; μ) and p(μ|x) are four different values derive cannot evaluate
  (steps that only rearrange them can be proved; a log of their product does not split, as
  nothing says an unknown density is positive there). An event ``p(x=0|\\mu)``, ``P(X > 0)`` is
  the opaque ``event(x, 0)``, ``event_gt(X, 0)``: P(X=1) and P(Y=1) stay apart;
- Bishop's density notation (PRML, Appendix B) is the density at the point before the bar:
  ``\\mathcal{N}(x|\\mu,\\sigma^2)``, ``\\mathcal{N}(\\mathbf{x}|\\boldsymbol\\mu,\\Sigma)``
  (declared vectors), ``\\mathrm{Bern}(x|\\mu)``, ``\\mathrm{Beta}(\\mu|a,b)``, ``\\mathrm{Gam}(\\lambda|a,b)``,
  ``\\mathrm{Bin}(m|N,\\mu)``, each in the closed form Bishop writes; without a bar
  ``\\mathcal{N}(\\mu,\\sigma^2)`` stays a distribution. Inside ``\\mathrm{KL}(\\cdot\\|\\cdot)`` a density at a
  plain variable is its distribution, so the divergence has its closed form;
- ``\\mathbb{E}[x \\mid y]`` is an opaque conditional expectation, never the unconditional one;
- ``\\text{var}[x]``, ``\\mathrm{Var}(x)``, ``\\mathrm{Cov}[x, y]``, ``\\mathrm{Std}``, ``\\mathrm{Corr}`` and
  the entropy ``\\mathrm{H}[x]`` of arguments that mention random variables (declared under
  ``random:`` or drawn in a subscript) are their definitions under that law (E[(x - E x)^2],
  ..., -E[log p(x)]); of anything else they stay unknown functions (`moment`);
- a subscripted plain ``E_x`` not followed by a bracket is a name (an energy), not an expectation.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sympy
from sympy.core.function import AppliedUndef

from derive.errors import DeriveError, LatexError
from derive.language.distributions import Distribution
from derive.language.functions import Expectation
from derive.language.symbols import SymbolKind
from derive.latex.grammar_linear import _is_matrix, _scalar
from derive.latex.prob_conditionals import _ConditionalGrammar
from derive.latex.prob_densities import _DensityGrammar
from derive.latex.prob_marks import _GIVEN, _condition_mark, _conditioning, _flat
from derive.latex.tokens import _ACCENTS, _DISTS, _FONTS, _GREEK, _split_top
from derive.latex.tokens import _Tok as _T
from derive.tiers._linearity import expectation_operator

if TYPE_CHECKING:
    from derive.latex.tokens import _Tok

#: An attribute of the parse state: how many bodies of certain expectations enclose the parser
#: (E[x - E(x)]: the inner plain E(...) is then an expectation, never an error function E of x).
_AVERAGING = "averaging"


class _ProbabilityGrammar(_ConditionalGrammar, _DensityGrammar):
    """`_Parser` grammar: expectations, variances, KL/JS divergences, densities and distributions."""

    def expectation(self) -> Any:
        start = self.i
        sub_toks = None
        if self.at_sym("_"):
            self.i += 1
            sub_toks = self.group_tokens()
        if sub_toks is not None and not self.at_sym("[", "(") and self._plain_e(start):
            # E_x + E_y: a subscripted plain E before no bracket is a name (an energy, a count); read
            # as the italic name, whose font is not an expectation's
            self.i = start
            return self.named("E", "mathit")
        inner: list[_Tok] | None = None
        if self.at_sym("["):
            inner = self.balanced("[", "]")
        elif self.at_sym("("):
            inner = self.balanced("(", ")")
        elif self._plain_e(start) or not self.starts_factor():
            raise self.fail("an expectation E needs its argument in brackets: E[...]")
        if inner is not None and not inner:
            raise self.fail("an empty expectation E[]")
        wrap, sample = self._expectation_operator(sub_toks)
        if inner is not None and _conditioning(inner):
            return self._conditional_expectation(inner, wrap)
        nested = getattr(self.st, _AVERAGING, 0)
        # E[...], \mathbb{E}(...), E_{\mathcal T}(...): an expectation whatever its body, so a plain E(...)
        # inside it is one too (E[(x - E(x))^2]); a plain E(...) may be Bishop's error function
        certain = not self._plain_e(start) or self.toks[self.i - 1].text == "]" or _names_a_law(sub_toks)
        saved, self.st.sample = self.st.sample, sample or self.st.sample
        setattr(self.st, _AVERAGING, nested + 1 if certain and inner is not None else nested)
        try:
            with self.shadowing(self._averaged_names(sub_toks, sample)):
                # \mathbb{E}_{q(z)} \log p(x, z) - ...: without brackets an expectation, like a sum,
                # is of the term that follows (up to the next + or -)
                body = self.sub(inner).parse_all() if inner is not None else self.term()
        finally:
            self.st.sample = saved
            setattr(self.st, _AVERAGING, nested)
        if sub_toks is None and not self._mentions_random(body):
            # E[X^2] with nothing declared random: reading X as a constant would make
            # E[X^2] = E[X]^2 an identity. An opaque E(...) leaves such steps undecided.
            wrap = expectation_operator("E")
        elif wrap is not Expectation and certain and self._over_all_its_names(sub_toks, body):
            # E_{x,y}[xy], E_x[x^2]: over the joint law of every name the body has, which is the plain
            # E[xy], under the declared laws as E[xy] is (Bishop's E_x[f(x, y)] holds y fixed: a name
            # outside the subscript keeps E_x apart)
            over = tuple(sorted(str(x) for x in body.free_symbols))
            wrap = Expectation if self._mentions_random(body) else expectation_operator("E", averaged=over)
        if (
            wrap is not Expectation
            and self._plain_e(start)
            and inner is not None
            and self.toks[self.i - 1].text == ")"
            and not _names_a_law(sub_toks)
            and not (nested and sub_toks is None)
        ):
            # E(w), E_D(w) of nothing random: Bishop's error functions as plausibly as expectations, so
            # an unknown function, to which no law of expectations applies (derive.tiers._linearity)
            wrap = sympy.Function(wrap.__name__)
        if _is_matrix(body):
            if body.shape == (1, 1):
                return wrap(body[0, 0])
            return sympy.ImmutableMatrix(body.shape[0], body.shape[1], [wrap(e) for e in body])
        return wrap(body)

    def _over_all_its_names(self, sub_toks: list[_Tok] | None, body: Any) -> bool:
        """Whether the subscript ``sub_toks`` lists two or more plain names (``x, y``; no font, which may
        name a set or a law: ``\\mathcal{T}``) and the body's names are all among them (so nothing is
        held fixed). One name is left alone: ``E_q[q]`` may average over a law q."""
        if not sub_toks or not isinstance(body, sympy.Basic) or not body.free_symbols:
            return False
        if any(t.kind == "cmd" and (t.text in _FONTS or t.text in _ACCENTS) for t in sub_toks):
            return False
        names = set()
        for part in _split_top(sub_toks, {","}):
            try:
                names.add(self.sub(part).name_only())
            except LatexError:
                return False
        return len(names) >= 2 and {str(s) for s in body.free_symbols} <= names

    def _plain_e(self, start: int) -> bool:
        """Whether the E before ``start`` is a plain letter (not ``\\mathbb{E}``, ``\\mathbb E``, ``\\mathrm{E}``)."""
        prev = self.toks[start - 1] if start > 0 else None
        font = self.toks[start - 2] if start > 1 else None
        if font is not None and font.kind == "cmd" and font.text in _FONTS:
            return False
        return prev is not None and prev.kind == "letter" and prev.text == "E"

    def _conditional_expectation(self, inner: list[_Tok], wrap: Callable[[Any], Any]) -> Any:
        """``E[x \\mid y]``, ``E_z[f(z) | x]``: an opaque E of the body and given(condition).

        derive knows no conditional law, so it is never the unconditional expectation: a step
        through it is proved only where it rearranges the same conditional expectations."""
        q = self.sub(inner)
        q.bars += 1
        body = _scalar(q.expr())
        if _condition_mark(q) != "given":
            raise self.fail(q._unexpected(q.peek()))
        q.i += 1
        condition = [q.expr()]
        while q.at_sym(","):
            q.i += 1
            condition.append(q.expr())
        if q.peek().kind != "end":
            raise self.fail(q._unexpected(q.peek()))
        if _is_matrix(body):
            raise self.fail("a conditional expectation of a vector or matrix")
        opaque = expectation_operator("E") if wrap is Expectation else wrap
        return opaque(body, _GIVEN(*_flat(condition)))

    def _averaged_names(self, sub_toks: list[_Tok] | None, sample: str) -> set[str]:
        """The variable an expectation averages over (``y`` of ``E_{y \\sim N(0,1)}``, ``x`` of
        ``E_x`` or of a bound ``E_p``): bound inside it, so its definitions do not apply there."""
        names = {sample} if sample else set()
        if sub_toks is None:
            return names
        sim = next((k for k, t in enumerate(sub_toks) if t.kind == "cmd" and t.text == "sim"), None)
        with contextlib.suppress(LatexError):  # E_{x_1, x_2}: nothing single to bind
            names.add(self.sub(sub_toks[:sim] if sim is not None else sub_toks).name_only())
        return names

    def _mentions_random(self, body: Any) -> bool:
        names = set(self.st.random) | set(self.st.found)
        free = body.free_symbols if isinstance(body, (sympy.Basic, sympy.MatrixBase)) else set()
        return any(str(sym).split("[", 1)[0] in names for sym in free)

    def _expectation_operator(self, sub_toks: list[_Tok] | None) -> tuple[Callable[[Any], Any], str]:
        """The operator for ``E_{sub}`` and, for a bound density, the variable it averages over."""
        if sub_toks is None:
            return Expectation, ""
        sim = next((k for k, t in enumerate(sub_toks) if t.kind == "cmd" and t.text == "sim"), None)
        label = re.sub(r"\s+", "", self._src(sub_toks)).replace("\\sim", "~")
        label = re.sub(r"\\(?:mathcal|mathbb|mathrm|mathbf|boldsymbol|bm|text|operatorname)\{([^{}]*)\}", r"\1", label)
        label = label.replace("\\", "")
        law = self._law_density(sub_toks, sim)
        opaque = expectation_operator(
            f"E_{label}" if len(sub_toks) == 1 else f"E_{{{label}}}",
            law,
            self._conditioned_names(sub_toks) if sim is None else (),
            self._averaged_over(sub_toks, sim, law),
        )
        if sim is None:
            p = self.sub(sub_toks)
            try:
                name = p.base_name() if len(sub_toks) == 1 else p.name_only()
            except LatexError:
                return opaque, ""
            if name in self.st.random:
                return Expectation, ""
            var = self.st.densities.variable(name)
            return (Expectation, var) if var is not None and var in self.st.random else (opaque, "")
        var_name = self.sub(sub_toks[:sim]).name_only()
        dist_toks = sub_toks[sim + 1 :]
        p = self.sub(dist_toks)
        p.dist_context = True
        if not p.starts_distribution():
            # E_{x ~ p}[...] of a bound density p over x; otherwise (E_{x ~ p_G}[...]) a
            # distribution derive cannot name.
            try:
                name = self.sub(dist_toks).name_only()
            except LatexError:
                return opaque, ""
            var = self.st.densities.variable(name)
            return (Expectation, var) if var == var_name and var in self.st.random else (opaque, "")
        dist = p.parse_all()
        if not isinstance(dist, Distribution):
            return opaque, ""
        self.declare_random(var_name, dist)
        return Expectation, ""

    def _averaged_over(self, sub_toks: list[_Tok], sim: int | None, law: Any) -> tuple[str, ...]:
        """The names a subscript says its expectation averages over: z of ``E_{z \\sim q}`` and of ``E_{q(z|x)}``,
        y_0 of ``E_{y_0|x_0}``, x of ``E_x``, x and y of ``E_{x,y}``; () when it names none (``E_{\\mathcal T}``)."""
        if law is not None:
            return tuple(str(a) for a in law.args if isinstance(a, sympy.Symbol))
        bars = [k for k, t in enumerate(sub_toks) if _is_bar(t)]
        cut = sim if sim is not None else (bars[0] if bars else len(sub_toks))
        names = []
        for part in _split_top(sub_toks[:cut], {","}):
            try:
                names.append(self.sub(part).name_only())
            except LatexError:
                return ()
        return tuple(names)

    def _conditioned_names(self, sub_toks: list[_Tok]) -> tuple[str, ...]:
        """The plain names after a subscript's bar, ``x_0`` of ``E_{y_0|x_0}``: held fixed under it; () when there
        is no bar at the subscript's own depth, or a piece after it is no plain name."""
        bars = [k for k, t in enumerate(sub_toks) if _is_bar(t)]
        if len(bars) != 1 or any(t.kind == "sym" and t.text == "(" for t in sub_toks[: bars[0]]):
            return ()  # q(y|x): a density's bar, read with the density (`_law_density`)
        after = sub_toks[bars[0] + 1 :]
        if any(t.kind == "cmd" and t.text in _FONTS for t in after):
            return ()  # E_{\\epsilon|\\mathcal X}: a set may be meant, not the name X the body writes
        names = []
        for part in _split_top(after, {","}):
            try:
                names.append(self.sub(part).name_only())
            except LatexError:
                return ()
        return tuple(names)

    def _law_density(self, sub_toks: list[_Tok], sim: int | None) -> Any:
        """The density a subscript names, ``q(y, given(x))`` of ``E_{q(\\mathbf y|\\mathbf x)}``: an application
        of an unknown function to names, read as the body reads it; None for anything else (a set
        ``\\mathcal T``, a name, ``y|x``, a product of densities). ``E_{z \\sim q}`` names q(z)."""
        toks = sub_toks
        if sim is not None:
            # E_{z \sim q}: the density q(z); E_{z \sim q(z|x)}: that density, if it is of z
            var, dist = sub_toks[:sim], sub_toks[sim + 1 :]
            opened = any(t.kind == "sym" and t.text == "(" for t in dist)
            at = sub_toks[sim].pos
            toks = dist if opened else [*dist, _T("sym", "(", at), *var, _T("sym", ")", at)]
            try:
                variable = self.sub(var).name_only()
            except LatexError:
                return None
        elif not any(t.kind == "sym" and t.text == "(" for t in sub_toks):
            return None
        try:
            law = self.sub(toks).parse_all()
        except (DeriveError, RecursionError, ValueError, TypeError):  # a subscript that is no density: none
            return None
        if sim is not None and (not isinstance(law, AppliedUndef) or variable not in {str(a) for a in law.args}):
            return None
        if not isinstance(law, AppliedUndef) or not law.free_symbols or law.func.__name__ in _MARKS:
            return None
        # q(2), q(x + 1), P(X = 1): a value of the density or a probability, not the law it names
        return law if all(_plain_argument(a) for a in law.args) else None

    def name_only(self) -> str:
        t = self.next()
        if t.kind == "letter" or (t.kind == "cmd" and t.text in _GREEK):
            name = self.name_suffixes(t.text)
        elif t.kind == "cmd" and t.text in _FONTS | set(_ACCENTS):
            inner = self.sub(self.group_tokens()).base_name()
            suffix = _ACCENTS.get(t.text, "")
            name = self.name_suffixes(f"{inner}_{suffix}" if suffix else inner)
        else:
            raise self.fail(f"expected a variable name, found {t!r}")
        if self.peek().kind != "end":
            raise self.fail(f"expected a variable name, found more after {name!r}")
        return name

    def starts_distribution(self) -> bool:
        t = self.peek()
        if t.kind in ("letter", "word") and t.text in _DISTS:
            return True
        if t.kind == "cmd" and t.text in _FONTS:
            return self._font_word(0) in _DISTS
        return False

    def declare_random(self, name: str, dist: Distribution) -> None:
        table = self.st.table
        previous = self.st.found.get(name) or self.st.random.get(name)
        if isinstance(previous, Distribution) and previous != dist:
            raise self.fail(f"{name} is drawn from two different distributions ({previous} and {dist})")
        size = dist.size
        if size is not None:
            spec = table.get(name)
            if spec is None or spec.kind.shape != (size, 1):
                table.declare(name, SymbolKind("vector", size, 1))
        else:
            self.symbol(name)
        self.st.found[name] = dist
        self.st.random[name] = dist

    def angle_average(self) -> Any | None:
        """``\\langle f \\rangle_{q}``, ``\\langle f \\rangle_{p(x)}``: physics' average, read as
        ``\\mathbb{E}_{q}[f]`` (the same operator: an expectation under a law derive knows, else opaque);
        ``\\langle f \\rangle`` with no subscript only when f mentions a declared random variable (then
        ``\\mathbb{E}[f]``). None, nothing consumed, when the angle brackets hold a comma at their own
        depth (an inner product, `inner_product`); with neither a subscript nor a random variable, an
        error: ``\\langle x \\rangle`` may be an average under an unstated law, or something else."""
        start = self.i
        inner = self._angle_tokens()
        if inner is None:
            return None
        sub = None
        if self.at_sym("_"):
            self.i += 1
            sub = self.group_tokens()
        if not inner:
            raise self.fail("an empty average \\langle \\rangle")
        if sub is not None and any(t.kind == "cmd" and t.text == "sim" for t in sub):
            # the steps learn the laws of E_{x \sim D} from the text before reading it (steps.py), not
            # from an angle bracket's subscript: read here, x would be random in one tier only
            raise self.fail("\\langle f \\rangle_{x \\sim D}: write \\mathbb{E}_{x \\sim D}[f]")
        if sub is None:
            body = self.sub(inner).parse_all()
            if not self._mentions_random(body):
                self.i = start
                raise self.fail(
                    "\\langle ... \\rangle without a comma may be an average under an unstated law; write "
                    "\\mathbb{E}[...], a subscript (\\langle f \\rangle_{p(x)}), or declare the random variable"
                )
        at = self.toks[start].pos
        toks = [_T("cmd", "mathbb", at), _T("sym", "{", at), _T("letter", "E", at), _T("sym", "}", at)]
        if sub is not None:
            toks += [_T("sym", "_", at), _T("sym", "{", at), *sub, _T("sym", "}", at)]
        toks += [_T("sym", "[", at), *inner, _T("sym", "]", at)]
        return self.sub(toks).parse_all()

    def _angle_tokens(self) -> list[_Tok] | None:
        """The tokens inside ``⟨ ... ⟩`` (consumed), or None (nothing consumed) when a comma stands at their
        own depth."""
        depth, j = 0, self.i + 1
        while True:
            t = self.peek(j - self.i)
            if t.kind == "end":
                raise self.fail("unbalanced \\langle: no matching \\rangle")
            if t.kind == "sym" and t.text in ("(", "[", "{", "\\{", "⟨"):
                depth += 1
            elif t.kind == "sym" and t.text in (")", "]", "}", "\\}", "⟩"):
                if depth == 0 and t.text == "⟩":
                    inner = self.toks[self.i + 1 : j]
                    self.i = j + 1
                    return inner
                depth -= 1
            elif depth == 0 and t.kind == "sym" and t.text == ",":
                return None
            j += 1


#: The reader's marks, never a density: the conditioning bar, semicolon parameters.
_MARKS = ("given", "parameters")


def _plain_argument(arg: Any) -> bool:
    """A name, or a conditioning/parameter mark of names (``given(x)``): what a density's argument list holds."""
    if isinstance(arg, sympy.Symbol):
        return True
    return (
        isinstance(arg, AppliedUndef)
        and arg.func.__name__ in _MARKS
        and all(isinstance(a, sympy.Symbol) for a in arg.args)
    )


def _is_bar(t: _Tok) -> bool:
    return (t.kind == "sym" and t.text == "|") or (t.kind == "cmd" and t.text in ("mid", "vert"))


def _names_a_law(sub_toks: list[_Tok] | None) -> bool:
    """Whether an expectation's subscript names what it averages over as only a law does: a
    calligraphic set (``E_{\\mathcal{T}}``), a bar or ``\\sim`` (``E_{y|x}``, ``E_{x \\sim p}``); a plain
    letter (``E_D``, ``E_W``) may as well name one of Bishop's error functions."""
    return bool(sub_toks) and any(
        (t.kind == "cmd" and t.text in ("mathcal", "mathscr", "sim", "mid", "vert"))
        or (t.kind == "sym" and t.text == "|")
        for t in sub_toks
    )
