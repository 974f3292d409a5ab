"""Definitions the words around an equation make of it (issues 15/20: functions a text defines, then uses).

- `introduced_by_name`: "We now maximise the function $J(\\mu, v)$, $$J(\\mu, v) = ...$$": the sentence before a
  display ends by naming the very application the display's equation starts with, so the equation says what that
  function is (a definition), even when the sentence also has a word of a result ("thus", "so", "then").
- `log_definition_target`: ``\\log L(\\theta) = body`` (or ``\\ln``) with L given no other meaning: L is defined
  through its log; a later ``\\log L(a)`` reads as the body at a, a bare ``L(a)`` stays unknown.
"""

from __future__ import annotations

import re

from derive.errors import DeriveError
from derive.latex.assumptions import _INLINE_MATH, _SENTENCE_END
from derive.latex.grammar_expressions import _read_name
from derive.latex.names import _each_name, definition_target, mentions, name_of, names_in
from derive.latex.readings import _applied
from derive.latex.tokens import _ACCENTS, _FONTS, _GREEK, _tokenize

_SPACE = re.compile(r"\s+")
#: What may follow the naming math before the display: punctuation, or a short clause that does not state a
#: range or a case ("$J(\\mu, v)$, defined as", "$\\ell(\\theta)$ given by").
_NAMING_TAIL = re.compile(r"^[\s,:]*(?:(?:which\s+is\s+|that\s+is\s+)?(?:defined|given)\s+(?:as|by)|is|as|by)?[\s,:]*$")


def _squash(tex: str) -> str:
    return _SPACE.sub("", tex)


def _math_inner(math: str) -> str:
    inner = math.strip("$")
    return inner[2:-2] if inner.startswith("\\(") else inner


def introduced_by_name(doc: str, at: int, lhs: str, name: str) -> bool:
    """Whether the sentence ending at ``at`` (the text before a display, its opener skipped) ends by naming the
    application ``lhs`` the display's first equation starts with, as inline math written the same
    ("... the function $J(\\mu, v)$,"), with no other math of the sentence mentioning ``name`` (``g'(x)`` in
    "Integrating $g'(x) = \\cos x$ gives" is what the result is derived from, not a name)."""
    lo = max(0, at - 400)
    before = doc[lo:at]
    masked = _INLINE_MATH.sub(lambda g: " " * len(g.group()), before)
    ends = list(_SENTENCE_END.finditer(masked))
    start = ends[-1].end() if ends else 0
    sentence = before[start:]
    maths = list(_INLINE_MATH.finditer(sentence))
    if not maths or _NAMING_TAIL.match(sentence[maths[-1].end() :]) is None:
        return False
    last = _math_inner(maths[-1].group())
    if _squash(last) != _squash(lhs):
        return False
    return not any(_mentions_function(_math_inner(m.group()), name) for m in maths[:-1])


def _mentions_function(tex: str, name: str) -> bool:
    """Whether ``tex`` mentions function ``name`` or a derivative of it (``g'(x)``), or cannot be read."""
    found = names_in(tex)
    return found is None or any(n == name or n.startswith(name + "_prime") for n in found[0]) or mentions(tex, name)


_LOG_HEAD = re.compile(r"^\s*\\(?:log|ln)(?![A-Za-z])\s*")


def log_definition_target(lhs: str) -> tuple[str, str] | None:
    """(name, application) when ``lhs`` is the log of a function applied to names, ``\\log L(\\theta)``,
    ``\\ln \\mathcal{L}(\\mu, \\sigma)``: an equation with it on the left defines L through its log.
    None for anything else (``\\log p(x)`` is a density's log, which derive reads by its name)."""
    m = _LOG_HEAD.match(lhs)
    if m is None:
        return None
    rest = lhs[m.end() :].strip()
    target = definition_target(rest)
    if target is None or target[1]:
        return None
    return target[0], rest


_PLAIN_E = re.compile(r"^\s*E\s*(?=\(|$)")


def error_function_target(lhs: str) -> tuple[str, bool] | None:
    """What ``lhs = ...`` defines when ``lhs`` is a plain letter E (``E``, ``E(\\mathbf w)``, ``E(m, b)``), which
    `definition_target` reserves for the expectation: an error function, when nothing reads as an expectation.
    ``E(X)`` of a capital letter (a random variable by convention) is the expectation's definition as plausibly:
    None, as for ``E[X]``, ``E_p(x)``, ``\\mathbb{E}(w)``."""
    m = _PLAIN_E.match(lhs)
    if m is None:
        return None
    rest = lhs[m.end() :].strip()
    if not rest:
        return "E", True
    target = definition_target("f" + rest)  # read as f's would be: an application to distinct names
    inner = rest[1:-1]
    if target is None or target[1] or "|" in inner or "\\mid" in inner:
        return None  # E(t | w): a conditional expectation as plausibly
    found = names_in(inner)
    if found is None or any(n[:1].isupper() for n in found[0]):
        return None  # E(X), E(X, Y): an expectation as plausibly
    return "E", False


#: ``E[w]``, ``E\\left[w\\right]``, ``E(w)``: a plain E applied to what may be its parameters.
_E_APPLIED = re.compile(r"^\s*E\s*(?:\\left\s*)?(?P<open>[\[(])(?P<inner>.*?)(?:\\right\s*)?[\])]\s*$", re.DOTALL)
#: What binds a name on a right side: a sum, product or integral over it.
_BINDERS = re.compile(r"\\(?:sum|prod|int|iint|oint|mathbb\s*\{?\s*[EP]|operatorname|mathrm\s*\{\s*[EP])(?![A-Za-z])")
#: A plain E (or \\mathbb{E}) on the right side reading as an expectation: the equation is about expectations.
_E_ON_RIGHT = re.compile(r"(?<![A-Za-z\\])E\s*(?:_|\[|\\left|\\big)|\\mathbb\s*\{?\s*E")


def own_function_target(lhs: str, rhs: str) -> tuple[str, bool] | None:
    """("E", False) when ``lhs = rhs`` defines a function E of its own (K33): ``lhs`` is a plain E applied in square
    brackets to distinct names (``E[w]``, ``E[\\theta]``, ``E[w, b]``) and ``rhs`` uses each of them as a free value
    (``\\frac12 (w - 3)^2``, ``\\frac1N \\sum_n (y_n - w x_n)^2``), which no expectation's definition does: an
    expectation is not random, so its definition sums or integrates its argument out (``E[x] = \\int x p(x)
    dx``), applies it as a function (``E[f] = \\sum_x f(x) p(x)``) or gives it a value (``E[x] = \\mu``).
    None for those, for ``E[c] = c`` (the expectation of a constant) and for a right side that binds anything,
    whose bound names derive does not sort out (``\\sum``, ``\\int``: unless each bound name is listed and none is
    a parameter), or holds an expectation itself."""
    m = _E_APPLIED.match(lhs)
    if m is None or m.group("open") != "[" or len(rhs) > 600 or _E_ON_RIGHT.search(rhs):
        return None  # (E(w) = ...: an error function when words say so, `error_function_target`)
    inner = m.group("inner")
    target = definition_target("f(" + inner + ")")
    if target is None or target[1] or "|" in inner or "\\mid" in inner:
        return None
    params = names_in(inner)
    found = names_in(rhs)
    if params is None or found is None or not params[0] or found[1]:
        return None
    if _squash(rhs) == _squash(inner):
        return None  # E[c] = c: the expectation of a constant
    if any(p not in found[0] for p in params[0]):
        return None
    if any(_applied_in(rhs, p) for p in params[0]):
        # E[f] = \\sum_x f(x) p(x): an expectation sums or integrates f out; E[f] = \\max_x f(x) does neither
        return None if _SUMMED.search(rhs) else ("E", False)
    bound = _bound_names(rhs)
    if bound is None or bound & params[0]:
        return None
    return "E", False


def _applied_in(tex: str, name: str) -> bool:
    """Whether ``tex`` applies ``name`` to a bracket (``f(x)``, ``f\\left(x\\right)``, ``f_n(x)``): a function."""
    try:
        toks = _tokenize(tex)
    except DeriveError:
        return True
    for _j, p, found in _each_name(tex, toks, _GREEK | _FONTS | set(_ACCENTS), _read_name):
        if found is not None and found.split("_", 1)[0] == name.split("_", 1)[0] and _applied(p):
            return True
    return False


#: A sum or an integral: what an expectation of an applied function is written with.
_SUMMED = re.compile(r"\\(?:sum|int|iint|oint|mathbb\s*\{?\s*E)(?![A-Za-z])")
#: ``\\sum_{n=1}^N``, ``\\sum_n``, ``\\prod_{i}``: the name a sum or product runs over.
_SUM_INDEX = re.compile(r"\\(?:sum|prod)(?:\\limits)?\s*_\s*(?:\{\s*(?P<braced>[^{}]*)\}|(?P<bare>\\?[A-Za-z]+))")
#: ``dx``, ``d\\theta``, ``\\mathrm{d}x``, ``\\, dx``: an integral's variable.
_DIFFERENTIAL = re.compile(
    r"(?:\\mathrm\s*\{\s*d\s*\}|\\operatorname\s*\{\s*d\s*\}|(?<![A-Za-z\\])d)\s*(?P<var>\\[A-Za-z]+|[A-Za-z])"
)


def _bound_names(rhs: str) -> frozenset[str] | None:
    """The names the sums, products and integrals of ``rhs`` run over, or None when one cannot be told (an
    integral without a differential, a binder derive does not list: an expectation, a probability)."""
    out: set[str] = set()
    binders = _BINDERS.findall(rhs)
    if not binders:
        return frozenset()
    for b in binders:
        if not b.startswith(("\\sum", "\\prod", "\\int", "\\iint", "\\oint")):
            return None
    sums = list(_SUM_INDEX.finditer(rhs))
    if len(sums) != len(re.findall(r"\\(?:sum|prod)(?![A-Za-z])", rhs)):
        return None  # a sum without a subscript: over what is not said
    for s in sums:
        index = (s.group("braced") or s.group("bare") or "").split("=")[0]
        index = re.split(r"\\in(?![A-Za-z])|,", index)[0].strip()
        try:
            out.add(name_of(index))
        except DeriveError:
            return None
    integrals = len(re.findall(r"\\(?:int|iint|oint)(?![A-Za-z])", rhs))
    if integrals:
        variables = [d.group("var") for d in _DIFFERENTIAL.finditer(rhs)]
        if len(variables) < integrals:
            return None
        for v in variables:
            try:
                out.add(name_of(v))
            except DeriveError:
                return None
    return frozenset(out)


_EULER_MENTION = re.compile(r"(?<![A-Za-z\\])e(?![A-Za-z])")
#: A right side that is about Euler's number itself (a limit, a series, its digits): no other meaning of e.
_ABOUT_EULER = re.compile(r"\\(?:lim|sum|exp|approx)(?![A-Za-z])|2\.71|!")
#: Letters derive reads as a constant or a known function, and how a step uses that reading: e anywhere,
#: the sigmoid and the gamma function applied to a bracket.
_BUILT_IN = {
    "e": ("Euler's number", _EULER_MENTION),
    "\\sigma": ("the sigmoid", re.compile(r"\\sigma(?![A-Za-z])\s*(?:\\left\s*|\\big\w*\s*)?[(\[]")),
    "\\Gamma": ("the gamma function", re.compile(r"\\Gamma(?![A-Za-z])\s*(?:\\left\s*|\\big\w*\s*)?[(\[]")),
}


def built_in_given(lhs: str, rhs: str) -> str | None:
    """The built-in letter ``lhs = rhs`` gives a value of its own ("Let $e = 2$ denote the number of edges",
    "$\\sigma = 2$", "$\\Gamma = 5$ groups"), or None: derive reads it as Euler's number, the sigmoid, the gamma
    function everywhere, which the text then does not mean (or not only). A statement about Euler's number
    itself (``e = \\lim_n (1 + 1/n)^n``) gives e no other value."""
    name = lhs.strip()
    if name not in _BUILT_IN or _BUILT_IN[name][1].search(rhs) or (name == "e" and _ABOUT_EULER.search(rhs)):
        return None
    return name


def built_in_doubt(lhs: str, rhs: str, given: dict[str, list[str]]) -> str:
    """Why a step that uses a built-in letter the text gives a value (``given``: letter -> "e = 2 (line 1)", ...)
    is not checked, or ""."""
    for name, said in sorted(given.items()):
        what, used = _BUILT_IN[name]
        if used.search(lhs) or used.search(rhs):
            return (
                f"the text gives {name} a meaning of its own ({'; '.join(said)}), so {name} here may be that value "
                f"or {what}; rename it to check the step"
            )
    return ""


_ROLE_OF_LETTER = re.compile(
    r"\$\s*(e|\\sigma|\\Gamma)\s*\$\s*,?\s*(?:denotes?|be|is|stands?\s+for|represents?|will\s+denote|to\s+be)\s+"
    r"(?P<what>[^.;:$]{0,60})",
)
#: What the built-in meaning itself is called: "$\\sigma$ denotes the sigmoid" says nothing new.
_ITS_OWN_ROLE = re.compile(r"sigmoid|logistic|euler|natural|exponential|gamma\s+function|napier", re.IGNORECASE)


def built_in_roles(doc: str) -> list[tuple[int, str, str]]:
    """(offset, letter, what the text says) for each built-in letter the prose gives a role of its own ("Let $e$
    denote the error vector", "$\\\\sigma$ is the standard deviation of the noise"): derive's reading of the
    letter (Euler's number, the sigmoid, the gamma function) is then not the only plausible one."""
    out: list[tuple[int, str, str]] = []
    for m in _ROLE_OF_LETTER.finditer(doc):
        what = m.group("what").strip()
        if what and _ITS_OWN_ROLE.search(what) is None:
            out.append((m.start(), m.group(1), f"${m.group(1)}$ {m.group(0).split('$')[-1].strip()[:70]}"))
    return out
