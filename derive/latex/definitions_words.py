"""Definitions the words around an equation make of it (issues 15/20: functions a text defines, then uses).

- `introduced_by_name`: "We now maximise the function $J(\\mu, v)$, $$J(\\mu, v) = ...$$": the sentence before a
  display ends by naming the very application the display's equation starts with, so the equation says what that
  function is (a definition), even when the sentence also has a word of a result ("thus", "so", "then").
- `log_definition_target`: ``\\log L(\\theta) = body`` (or ``\\ln``) with L given no other meaning: L is defined
  through its log; a later ``\\log L(a)`` reads as the body at a, a bare ``L(a)`` stays unknown.
"""

from __future__ import annotations

import re

from derive.latex.assumptions import _INLINE_MATH, _SENTENCE_END
from derive.latex.names import definition_target, mentions, names_in

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
