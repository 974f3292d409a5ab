"""A plain norm the text says is not the Euclidean one (attacker A5 of session 11).

derive reads ``\\|\\mathbf{x}\\|`` without a subscript as the Euclidean norm (`derive.latex.grammar_linear`). A text
may say otherwise in words: "Here $\\|\\cdot\\|$ is the $\\ell_1$ norm", "$\\|\\cdot\\|$ denotes the max norm",
"for any norm $\\|\\cdot\\|$", "a norm induced by $\\mathbf{A}$". A step with plain bars is then checked under a
reading the text excludes (``\\|x + y\\|^2 = \\|x\\|^2 + \\|y\\|^2 + 2x^\\top y`` holds for the Euclidean norm only),
so its verdict, accepted or refuted, does not stand: `stated_norm_doubt` says why, and the step is undecided.

A sentence states the kind of the plain norm when it has the word "norm" with a kind other than the Euclidean
one next to it (``\\ell_1``, ``L^\\infty``, ``$p$-norm``, max, sup, spectral, nuclear, induced, weighted, any, a
norm, ...), and the norm written nearest to that word in the sentence has no subscript (``$\\|\\cdot\\|$``, not
``$\\|\\mathbf{x}\\|_1$``, which names the subscripted norm only); a sentence without any norm written counts when it
sets a scope ("throughout", "below", "all norms", "we use"). The statement holds until a later sentence states the
plain norm Euclidean ("$\\|\\cdot\\|$ is the Euclidean norm", ``\\ell_2``).
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING

from derive.model import Verdict

if TYPE_CHECKING:
    from derive.latex.records import Step
    from derive.model import Result

__all__ = ["plain_norms", "stated_norm", "stated_norm_doubt"]

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n\s*\n")
#: A norm's bar: ``\\|``, ``\\Vert``, ``\\lVert``/``\\rVert``, ``‖``.
_BAR = re.compile(r"\\\||\\[lr]?Vert(?![A-Za-z])|‖")
#: After a closing bar: an optional power (``^2``, ``^{2}``), then a subscript or not.
_AFTER_BAR = re.compile(r"\s*(?:\^\s*(?:\{[^{}]*\}|\\?[A-Za-z0-9]+)\s*)?(?P<sub>_)?")
_NORM_WORD = re.compile(r"\bnorms?\b", re.IGNORECASE)
#: Kinds of norm other than the Euclidean one, written right before the word "norm" (or "-norm").
_OTHER_BEFORE = re.compile(
    r"(?:\\ell|ℓ|\b[lL])\s*[_^]?\s*\{?\s*(?:[013-9]|\\infty|∞|\\infinity|p|q|\\star|\*|₁)\s*\}?\s*\$?\s*-?\s*$|"
    r"\$\s*(?:[013-9]|p|q|\\infty|r|k)\s*\$\s*-?\s*$|"
    r"\b(?:1|one|infinity|inf|max|maximum|sup|supremum|uniform|chebyshev|chebychev|taxicab|manhattan|city[- ]block|"
    r"nuclear|trace|spectral|operator|induced|weighted|mahalanobis|dual|energy|schatten|ky[- ]fan|h[öo]lder|matrix|"
    r"p|any|arbitrary|some|every|general|abstract|other|different|a|an|given|certain)\s*-?\s*(?:vector\s+)?$",
    re.IGNORECASE,
)
#: After the word "norm": "induced by", "weighted by", "defined by", "with respect to" something that is not the
#: standard inner product.
_OTHER_AFTER = re.compile(
    r"^\s*(?:induced|defined|given|weighted|generated)\s+by\s+(?!(?:the\s+)?(?:standard|usual|euclidean|dot)\b)|"
    r"^\s*with\s+respect\s+to\s+(?!(?:the\s+)?(?:standard|usual|euclidean|dot)\b)|^\s*of\s+order\b|"
    # "all norms below are $\ell_1$", "norms are taxicab norms here"
    r"^\s*(?:\w+\s+){0,3}?(?:are|is)\s+(?:taken\s+(?:in|as)\s+)?(?:the\s+|an?\s+)?(?:\$\s*)?(?:(?:\\ell|ℓ|\b[lL])\s*[_^]?\s*\{?"
    r"\s*(?:[013-9]|\\infty|∞|p|q)|(?:max|maximum|sup|supremum|uniform|chebyshev|taxicab|manhattan|nuclear|spectral|"
    r"operator|induced|weighted|mahalanobis)\b)",
    re.IGNORECASE,
)
#: The Euclidean norm named: it states (or restates) the plain bars' reading.
_EUCLIDEAN = re.compile(
    r"euclidean|(?:\\ell|ℓ|\b[lL])\s*[_^]?\s*\{?\s*2\b|\b2-norm|two-norm|\$\s*2\s*\$\s*-?\s*norm|\bstandard\s+norm|"
    r"\busual\s+norm",
    re.IGNORECASE,
)
#: A sentence without a norm written that still sets the plain norm's kind for what follows.
_SCOPE = re.compile(
    r"\bthroughout\b|\bbelow\b|\bhereafter\b|\bfrom\s+now\s+on\b|\bin\s+this\s+(?:section|chapter|paper|note|work)\b|"
    r"\ball\s+norms\b|\bevery\s+norm\b|\bnorms\s+are\b|\bunless\b|\bwe\s+use\b|\bwe\s+write\b|\bdenotes?\b|\bhere\b",
    re.IGNORECASE,
)
#: Words that make a plain norm written beside a subscripted one its short form.
_ABBREVIATES = re.compile(
    r"\bwrite\b|\bwritten\b|\bdenot|\babbreviat|\bshort\b|\bdrop|\bomit|\bsuppress|\bsimply\b|\bfor\s+brevity\b",
    re.IGNORECASE,
)
#: Between a plain norm and a subscripted one: the plain one stands for it ("$\\|x\\|$ for $\\|x\\|_1$").
_SHORT_FOR = re.compile(r"^\s*(?:for|as|to\s+mean|short\s+for|instead\s+of|in\s+place\s+of|meaning)\b", re.I)
#: Between a subscripted norm and a plain one: it is written so ("$\\|x\\|_1$, written $\\|x\\|$").
_WRITTEN_AS = re.compile(
    r"\b(?:written|denoted|abbreviated|write|denote|abbreviate)\b(?:\s+(?:as|by|simply))?\s*$", re.I
)
#: The right side of a Euclidean norm's definition: a root, a transpose, an inner product.
_EUCLIDEAN_BODY = re.compile(r"\\sqrt|\\top|\^\s*\{?\s*T\b|\\langle|\\intercal|\\cdot|\^\s*\{?\s*2(?!\d)")
#: A formula that starts with one norm (and a power) and an equals sign: the norm's definition.
_NORM_DEFINED = re.compile(
    r"\s*(?P<norm>(?:\\\||\\lVert|‖)(?:(?!\\\||\\rVert|‖).)+(?:\\\||\\rVert|‖))\s*(?:\^\s*(?:\{[^{}]*\}|\S))?\s*=(?P<rhs>.+)",
    re.DOTALL,
)
#: Inline or display math of the prose.
_MATH = re.compile(r"\$\$(.+?)\$\$|\$([^$]+)\$|\\\((.+?)\\\)|\\\[(.+?)\\\]", re.DOTALL)


def plain_norms(tex: str) -> list[bool]:
    """For each norm written in ``tex`` (a pair of bars), whether it is plain (no subscript after its closing bar,
    past a power: ``\\|x\\|^2`` is plain, ``\\|x\\|_1``, ``\\|x\\|^2_2`` are not)."""
    out: list[bool] = []
    opening = True
    for m in _BAR.finditer(tex):
        if m.group().startswith("\\l"):
            opening = True
        elif m.group().startswith("\\r"):
            opening = False
        if opening:
            opening = False
            continue
        opening = True
        after = _AFTER_BAR.match(tex, m.end())
        out.append(after is None or after.group("sub") is None)
    return out


def stated_norm(prose: str) -> str | None:
    """The last sentence of ``prose`` that states the plain norm's kind other than Euclidean (see the module), or
    None (never stated, or restated Euclidean after it)."""
    said: str | None = None
    for sentence in _SENTENCE.split(prose):
        if _abbreviates(sentence):
            said = " ".join(sentence.split())
            continue
        if not _NORM_WORD.search(sentence):
            continue
        kind = _kind_stated(sentence)
        if kind == "other":
            said = " ".join(sentence.split())
        elif kind == "euclidean":
            said = None
    return said


#: A norm's subscript: ``\|x\|_1``, ``\|x\|^2_{M}`` (1, M).
_SUBSCRIPT = re.compile(r"(?:\\\||\\r?Vert|‖)\s*(?:\^\s*(?:\{[^{}]*\}|\S)\s*)?_\s*\{?\s*([^\s{}$]+)")


def _abbreviates(sentence: str) -> bool:
    """Whether the sentence makes a plain norm the short form of a subscripted one other than the Euclidean
    (``we write $\\|x\\|$ for $\\|x\\|_M$``, ``$\\|x\\|_1$, written $\\|x\\|$``, ``dropping the subscript``),
    or defines the plain norm by a formula that is not the Euclidean one (``$\\|x\\| = \\sum_i |x_i|$``)."""
    maths = list(_MATH.finditer(sentence))
    subscripted = [m for m in maths if any(x not in ("2", "F") for x in _SUBSCRIPT.findall(m.group()))]
    if subscripted and re.search(r"\b(?:drop|omit|suppress)\w*\s+(?:\w+\s+){0,2}subscripts?\b", sentence, re.I):
        return True
    for first, second in itertools.pairwise(maths):
        between = sentence[first.end() : second.start()]
        if len(between) > 40:
            continue
        plain_first = any(plain_norms(first.group())) and second in subscripted
        plain_second = any(plain_norms(second.group())) and first in subscripted
        if (plain_first and _SHORT_FOR.search(between)) or (plain_second and _WRITTEN_AS.search(between)):
            return True
    for m in maths:
        body = next(g for g in m.groups() if g)
        head = _NORM_DEFINED.match(body)
        if head is None or _BAR.search(head.group("rhs")):
            continue  # "$$\\|x - y\\| = \\|y - x\\|$$" relates norms, it defines none
        if all(plain_norms(head.group("norm"))) and not _EUCLIDEAN_BODY.search(head.group("rhs")):
            return True  # "$\\|x\\| = \\sum_i |x_i|$": the plain norm defined as another
    return False


def _kind_stated(sentence: str) -> str | None:
    """ "other" when the sentence states the plain norm of another kind than Euclidean, "euclidean" when it states it
    Euclidean, None when it says neither of the plain norm."""
    norms = [(m.start(), m.end(), plain_norms(next(g for g in m.groups() if g))) for m in _MATH.finditer(sentence)]
    norms = [(a, b, p) for a, b, p in norms if p]
    other = euclidean = False
    for word in _NORM_WORD.finditer(sentence):
        before = sentence[max(0, word.start() - 60) : word.start()]
        after = sentence[word.end() : word.end() + 80]
        if norms:
            nearest = min(norms, key=lambda n: min(abs(n[0] - word.start()), abs(n[1] - word.end())))
            if not all(nearest[2]):
                continue  # "the $\ell_1$ norm $\|x\|_1$": said of the subscripted norm
        elif not _SCOPE.search(sentence):
            continue  # "the l1 norm promotes sparsity": nothing said of the plain bars
        if _OTHER_BEFORE.search(before) or _OTHER_AFTER.search(after):
            other = True
        elif _EUCLIDEAN.search(before[-30:] + " " + after[:30]):
            euclidean = True
    if other:
        return "other"
    return "euclidean" if euclidean else None


def stated_norm_doubt(step: Step, result: Result) -> str | None:
    """Why a decided step that writes a plain norm does not stand when the prose states that norm of another kind
    than the Euclidean one derive reads (see the module), or None."""
    if result.verdict not in (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT, Verdict.REFUTED):
        return None
    texts = [str(getattr(side, "text", side)) for side in (step.claim.lhs, step.claim.rhs)]
    texts += [step.lhs_tex, step.rhs_tex]
    if not any(any(plain_norms(t)) for t in texts) or not step.prose:
        return None
    said = stated_norm(step.prose[-20000:])
    if said is None:
        return None
    return (
        f'derive reads the norm without a subscript as the Euclidean norm, but the text says: "{said[:140]}"; '
        "write the norm's subscript (\\|x\\|_1, \\|x\\|_\\infty) or define it to check the step"
    )
