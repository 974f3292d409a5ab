"""Tokens of a LaTeX fragment and the command tables the grammar reads them with."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import sympy

from derive.errors import LatexError
from derive.language.distributions import (
    Bernoulli,
    Beta,
    Categorical,
    Distribution,
    Exponential,
    Gamma,
    Gumbel,
    Normal,
    Uniform,
)
from derive.language.functions import JS, KL, sigmoid

#: Longest fragment read; longer input is rejected at once (a side is rarely over 2 000 chars).
MAX_LENGTH = 20_000
#: Deepest nesting of braces, brackets and parentheses.
MAX_DEPTH = 60
_MAX_TOKENS = 3_000
_MAX_DIGITS = 200
_MAX_ORDER = 20
_EXPLICIT_INVERSE = 3  # explicit symbolic inverses up to this size; larger stay Inverse(M)

#: Commands that read files, run programs or redefine the language: always refused.
HOSTILE_COMMANDS = frozenset(
    {
        "input", "include", "includeonly", "InputIfFileExists", "write", "write18", "immediate", "openout",
        "openin", "read", "readline", "closeout", "closein", "def", "edef", "gdef", "xdef", "let", "futurelet",
        "newcommand", "renewcommand", "providecommand", "DeclareMathOperator", "newenvironment",
        "renewenvironment", "catcode", "csname", "endcsname", "expandafter", "usepackage", "RequirePackage",
        "documentclass", "makeatletter", "makeatother", "special", "directlua", "luaexec", "pdfshellescape",
        "ShellEscape", "loop", "repeat", "jobname", "verbatiminput", "lstinputlisting", "import", "subimport",
    }
)  # fmt: skip

# Spacing and sizing commands carry no mathematics.
_IGNORED = frozenset(
    {
        ",", ";", ":", "!", " ", "quad", "qquad", "displaystyle", "textstyle", "scriptstyle", "limits",
        "nolimits", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl",
        "Biggr", "bigm", "Bigm", "left", "right", "middle", "enspace", "thinspace", "medspace", "thickspace",
        "negthinspace", "mathstrut", "strut", "nonumber", "notag", "allowbreak",
    }
)  # fmt: skip

_GREEK = frozenset(
    {
        "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota",
        "kappa", "lambda", "mu", "nu", "xi", "rho", "varrho", "sigma", "varsigma", "tau", "upsilon", "phi",
        "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon",
        "Phi", "Psi", "Omega", "ell",
    }
)  # fmt: skip

_FONTS = frozenset(
    {
        "mathrm", "mathbf", "mathit", "mathsf", "mathtt", "mathbb", "mathcal", "mathfrak", "mathscr",
        "boldsymbol", "bm", "pmb", "operatorname", "text", "textrm", "textit", "textbf", "textsf", "mbox",
        "rm", "bf", "it", "mathnormal", "mathop",
    }
)  # fmt: skip
_ACCENTS = {
    "hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar", "tilde": "tilde", "widetilde": "tilde",
    "dot": "dot", "ddot": "ddot", "check": "check", "breve": "breve", "vec": "", "underline": "",
    # amsmath's capital accents (\Bar{x}) are the same accents, placed for stacking
    "Bar": "bar", "Hat": "hat", "Tilde": "tilde", "Dot": "dot", "Ddot": "ddot", "Check": "check",
    "Breve": "breve", "Vec": "",
}  # fmt: skip
_FUNCS: dict[str, Callable[[sympy.Expr], sympy.Expr]] = {
    "log": sympy.log, "ln": sympy.log, "exp": sympy.exp, "sin": sympy.sin, "cos": sympy.cos,
    "tan": sympy.tan, "tanh": sympy.tanh, "sinh": sympy.sinh, "cosh": sympy.cosh, "arctan": sympy.atan,
    "arcsin": sympy.asin, "arccos": sympy.acos, "erf": sympy.erf, "sgn": sympy.sign, "sign": sympy.sign,
    "softplus": lambda x: sympy.log(1 + sympy.exp(x)), "sigmoid": sigmoid, "sec": sympy.sec, "csc": sympy.csc,
    "cot": sympy.cot, "coth": sympy.coth,
}  # fmt: skip
#: Letter runs read as one word when written without a backslash (``exp(x)``, ``tr\{A\}``, ``KL(p||q)``).
_WORDS = frozenset(
    {"exp", "log", "ln", "tr", "Tr", "trace", "Trace", "det", "KL", "JS", "sin", "cos", "tan", "tanh", "sigmoid"}
)
#: ``\sin^{-1}``: the inverse function, as ISO 80000-2 writes it (``\sigma^{-1}`` stays ambiguous).
_INVERSES: dict[str, Callable[[sympy.Expr], sympy.Expr]] = {
    "sin": sympy.asin, "cos": sympy.acos, "tan": sympy.atan, "sinh": sympy.asinh, "cosh": sympy.acosh,
    "tanh": sympy.atanh,
}  # fmt: skip
#: Fonts that only make letters bold: over a group (``\mathbf{x^T A x}``) they apply letter by letter.
_BOLD = frozenset({"mathbf", "boldsymbol", "bm", "pmb", "mathbfit"})
#: The ML vocabulary as documents spell it (``\mathrm{ReLU}``, ``\operatorname{LSE}``) -> `derive.language.functions`.
_ML_NAMES = {
    "relu": "relu", "ReLU": "relu", "Relu": "relu", "RELU": "relu", "softmax": "softmax", "Softmax": "softmax",
    "logsumexp": "logsumexp", "LogSumExp": "logsumexp", "LSE": "logsumexp", "lse": "logsumexp",
    "logsoftmax": "log_softmax", "LogSoftmax": "log_softmax", "onehot": "onehot", "OneHot": "onehot",
}  # fmt: skip
#: The ML vocabulary and diag are words too: ``softmax(a)``, and never the product s·o·f·t·m·a·x.
_WORDS |= {*_ML_NAMES, "diag", "Diag"}
#: Names of losses and errors texts type without \\mathrm (ESL's ``MSE\\left(x_0\\right)``, ``RSS(\\theta)``): one name
#: each, as ``\\mathrm{MSE}`` is, never the product M·S·E (whose E(x_0) would even be an expectation).
_LOSS_NAMES = frozenset({"MSE", "RMSE", "MAE", "RSS", "RSE", "TSS", "ESS", "SSE", "SSR", "EPE", "NLL", "ELBO"})
_WORDS |= _LOSS_NAMES
#: Moments texts type without \\mathrm (ESL's ``Var_{\\mathcal{T}}\\left(\\hat{y}_0\\right)``): the variance or
#: covariance, as ``\\mathrm{Var}`` is, never the product V·a·r.
_MOMENT_WORDS = frozenset({"Var", "Cov"})
_WORDS |= _MOMENT_WORDS
#: Ellipses: a matrix written with them has a size the text leaves open.
_ELLIPSES = frozenset({"vdots", "cdots", "ddots", "ldots", "dots", "dotsc", "iddots"})
_TRACE = frozenset({"tr", "Tr", "trace", "Trace"})
_KL_NAMES = {"KL": KL, "D_KL": KL, "JS": JS, "D_JS": JS, "JSD": JS, "D_JSD": JS}
_DISTS: dict[str, type[Distribution]] = {
    "N": Normal, "Normal": Normal, "Gaussian": Normal, "U": Uniform, "Uniform": Uniform, "Unif": Uniform,
    "Bern": Bernoulli, "Bernoulli": Bernoulli, "Exp": Exponential, "Exponential": Exponential,
    "Gumbel": Gumbel, "Beta": Beta, "Gamma": Gamma, "Cat": Categorical, "Categorical": Categorical,
}  # fmt: skip
#: Base letters that conventionally name functions: ``p(x)`` is an application, ``a(b+c)`` a product.
_FUNCTION_LETTERS = frozenset("fghpqrDFGLVPQJ") | {"phi", "psi", "varphi", "gamma", "pi_theta", "ell"}
# \\Phi(x) (the normal CDF, or a feature map), \\Psi, Var(X), Cov(X, Y), Pr(A): applications, not
# products; derive knows none of them, so steps through them stay undecided rather than wrong.
_FUNCTION_LETTERS |= {"Phi", "Psi", "Var", "Cov", "Corr", "Pr", "Prob", "Std"}
#: Operator names written as words (``\\mathrm{Var}[X]``, ``\\text{var}[x]``, ``\\operatorname{cov}(X, Y)``): read
#: as these unknown functions, applied to what follows in brackets or parentheses, never as factors.
_OPERATOR_NAMES = {
    "Var": "Var", "var": "Var", "Variance": "Var", "Cov": "Cov", "cov": "Cov", "Corr": "Corr", "corr": "Corr",
    "Std": "Std", "std": "Std", "SD": "Std",
}  # fmt: skip
_RELATIONS = frozenset({"le", "leq", "ge", "geq", "ne", "neq", "approx", "leqslant", "geqslant", "equiv", "sim"})
_ARROWS = frozenset(
    {"to", "rightarrow", "Rightarrow", "implies", "longrightarrow", "Longrightarrow", "iff", "Leftrightarrow"}
)
_MULTIPLY = frozenset({"cdot", "times", "ast", "cdotp"})
_ROUTINES = frozenset({"sum", "prod", "int", "lim", "frac", "dfrac", "tfrac", "cfrac", "sqrt", "binom"})


@dataclass(slots=True)
class _Tok:
    kind: str  # "cmd", "letter", "word", "num", "sym", "end"
    text: str
    pos: int

    def __repr__(self) -> str:
        return ("\\" if self.kind == "cmd" else "") + self.text


_NUMBER = re.compile(r"\d+(?:\.\d+)?")
#: ``.4``: a decimal without its leading zero, read only where a value may start (`_starts_value`).
_BARE_DECIMAL = re.compile(r"\.\d+")
#: The delimiters of the integer parts, as the grammar sees them.
_FLOOR_CEILING = {"lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉"}
_COMMAND = re.compile(r"\\([A-Za-z]+|.)", re.DOTALL)
_LETTERS = re.compile(r"[A-Za-z]+")
_UNICODE_REL = {"≤": "<=", "≥": ">=", "≈": "~=", "≠": "!=", "·": "*", "×": "*", "−": "-", "∞": "oo"}


def _fail(text: str, why: str) -> LatexError:
    short = text if len(text) <= 80 else text[:77] + "..."
    return LatexError(f"cannot read LaTeX {short!r}: {why}", fragment=text)


def _tokenize(text: str) -> list[_Tok]:  # noqa: PLR0915 - one pass over the characters keeps it linear
    toks: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace() or c == "~":
            i += 1
            continue
        if c == "\\":
            m = _COMMAND.match(text, i)
            if m is None:  # a lone backslash at the end
                raise _fail(text, "a lone backslash at the end")
            name = m.group(1)
            i = m.end()
            if name == "write" and text.startswith("18", i):
                name = "write18"
            if name in HOSTILE_COMMANDS:
                raise _fail(
                    text, f"\\{name} is not allowed (derive never reads files, runs programs or defines macros)"
                )
            if name in _IGNORED:
                if name in ("left", "right", "middle", "bigl", "bigr", "Bigl", "Bigr") and i < n and text[i] == ".":
                    i += 1  # \left. is an invisible delimiter
                continue
            if name in ("{", "}"):
                toks.append(_Tok("sym", "\\" + name, m.start()))
            elif name == "|":
                toks.append(_Tok("sym", "‖", m.start()))
            elif name in ("lbrace", "rbrace", "lbrack", "rbrack", "langle", "rangle", "lvert", "rvert", "vert"):
                # \langle a, b \rangle is an inner product (or an average), never a parenthesis
                mapped = {"lbrace": "\\{", "rbrace": "\\}", "lbrack": "[", "rbrack": "]", "langle": "⟨",
                          "rangle": "⟩"}.get(name, "|")  # fmt: skip
                toks.append(_Tok("sym", mapped, m.start()))
            elif name in ("lVert", "rVert", "Vert", "parallel"):
                toks.append(_Tok("sym", "‖", m.start()))
            elif name in _FLOOR_CEILING:
                toks.append(_Tok("sym", _FLOOR_CEILING[name], m.start()))
            else:
                # the plain-TeX switch {\cal N} is the calligraphic N of \mathcal{N}
                toks.append(_Tok("cmd", "mathcal" if name == "cal" else name, m.start()))
            continue
        if text.startswith("...", i):
            toks.append(_Tok("cmd", "ldots", i))  # typed dots are the ellipsis \ldots
            i += 3
            continue
        if c.isdigit() or (c == "." and _starts_value(toks) and _BARE_DECIMAL.match(text, i)):
            m = _NUMBER.match(text, i) or _BARE_DECIMAL.match(text, i)
            assert m is not None
            digits, end = m.group(), m.end()
            if not _script_argument(toks):
                digits, end = _grouped_number(text, digits, end)
            if len(digits) > _MAX_DIGITS:
                raise _fail(text, f"a number with more than {_MAX_DIGITS} digits")
            if e_notation := _E_NOTATION.match(text, end):
                raise _fail(
                    text,
                    f"{text[i : e_notation.end()]!r} may be e-notation (a power of 10) or a product with "
                    "Euler's e: write 10^{...}, or a space or \\cdot between them",
                )
            toks.append(_Tok("num", digits, i))
            i = end
            continue
        if "A" <= c <= "z" and c.isalpha():
            m = _LETTERS.match(text, i)
            assert m is not None
            run = m.group()
            if run in _WORDS:
                toks.append(_Tok("word", run, i))
            else:
                toks.extend(_Tok("letter", ch, i + k) for k, ch in enumerate(run))
            i = m.end()
            continue
        if c in _UNICODE_REL:
            mapped = _UNICODE_REL[c]
            toks.append(_Tok("cmd", "infty", i) if mapped == "oo" else _Tok("sym", mapped, i))
            i += 1
            continue
        if c.isalpha():  # a Greek letter typed directly, or another script's letter
            uname = unicodedata.name(c, "")
            if uname.startswith("GREEK"):
                word = uname.split()[-1].lower()
                word = word.capitalize() if "CAPITAL" in uname else word
                toks.append(_Tok("cmd", word, i))
            else:
                toks.append(_Tok("letter", c, i))
            i += 1
            continue
        if c in "+-*/^_()[]{}|,;:!'=<>&.⌊⌋⌈⌉⟨⟩":
            toks.append(_Tok("sym", c, i))
            i += 1
            continue
        if c == "#" and _opens_text(toks):
            # "\\text{# heads}": the number of heads, a name in words (Markdown keeps a bare #)
            toks.extend(_Tok("letter", ch, i) for ch in "num")
            i += 1
            continue
        raise _fail(text, f"unexpected character {c!r} at column {i}")
    depth = 0
    for t in toks:
        if t.kind == "sym" and t.text in ("(", "[", "{", "\\{", "⌊", "⌈", "⟨"):
            depth += 1
            if depth > MAX_DEPTH:
                raise _fail(text, f"brackets nested more than {MAX_DEPTH} deep")
        elif t.kind == "sym" and t.text in (")", "]", "}", "\\}", "⌋", "⌉", "⟩"):
            depth -= 1
    if len(toks) > _MAX_TOKENS:
        raise _fail(text, f"more than {_MAX_TOKENS} tokens")
    _refuse_adjacent_numerals(text, toks)
    _refuse_mixed_numbers(text, toks)
    return _double_bars(_font_groups(_upright_transposes(toks)))


def _opens_text(toks: list[_Tok]) -> bool:
    """Whether the tokens so far end with the opening of a text group, ``\\text{``."""
    return (
        len(toks) >= 2
        and toks[-1].kind == "sym"
        and toks[-1].text == "{"
        and toks[-2].kind == "cmd"
        and toks[-2].text in ("text", "textrm", "textit", "mbox", "mathrm")
    )


def _font_groups(toks: list[_Tok]) -> list[_Tok]:
    """``{\\cal N}``, ``{\\bf x}``, ``{\\mathcal N}``: a group holding only a font and one letter is that letter
    in the font, as ``\\mathcal{N}`` (the braces would make ``{\\cal N}(x | 0, 1)`` a product)."""
    out: list[_Tok] = []
    k = 0
    while k < len(toks):
        window = toks[k : k + 4]
        after_script = bool(out) and out[-1].kind == "sym" and out[-1].text in ("_", "^")
        if (
            not after_script  # x_{\\mathbf y}, E_{\\mathcal T}: the braces are the script's
            and len(window) == 4
            and window[0].kind == "sym"
            and window[0].text == "{"
            and window[1].kind == "cmd"
            and window[1].text in _FONTS - {"text", "textrm", "textit", "textbf", "textsf", "mbox", "operatorname"}
            and window[2].kind == "letter"
            and window[3].kind == "sym"
            and window[3].text == "}"
        ):
            out += window[1:3]
            k += 4
            continue
        out.append(toks[k])
        k += 1
    return out


#: Upright fonts: ``^{\\mathrm{T}}``, ``^{\\text{T}}``, ``^{\\rm T}`` are the transpose, written as ``^T``.
_UPRIGHT_T = frozenset(
    {"mathrm", "mathsf", "text", "textrm", "textsf", "textnormal", "textup", "mathup", "mbox", "operatorname",
     "rm", "sf"}
)  # fmt: skip


def _upright_transposes(toks: list[_Tok]) -> list[_Tok]:
    """``^{\\text{T}}``, ``^\\mathrm{T}``, ``^{\\rm T}`` as ``^{T}``: every later stage (the grammar, the
    check that a transposed name was read as a scalar) then knows them as the transpose; an italic
    ``^{\\mathit{T}}`` stays a power."""

    def sym(k: int, text: str) -> bool:
        return k < len(toks) and toks[k].kind == "sym" and toks[k].text == text

    def letter_t(k: int) -> bool:
        return k < len(toks) and toks[k].kind == "letter" and toks[k].text == "T"

    def font(k: int) -> bool:
        return k < len(toks) and toks[k].kind == "cmd" and toks[k].text in _UPRIGHT_T

    out: list[_Tok] = []
    k = 0
    while k < len(toks):
        out.append(toks[k])
        if not sym(k, "^"):
            k += 1
            continue
        # ^{\font{T}}, ^{\rm T}, ^\font{T}: the group's tokens to replace, from k + 1
        length = 0
        if (
            sym(k + 1, "{")
            and font(k + 2)
            and sym(k + 3, "{")
            and letter_t(k + 4)
            and sym(k + 5, "}")
            and sym(k + 6, "}")
        ):
            length = 6
        elif (
            letter_t(k + 3)
            and sym(k + 4, "}")
            and ((sym(k + 1, "{") and font(k + 2)) or (font(k + 1) and sym(k + 2, "{")))
        ):
            length = 4
        if length:
            t = toks[k + 1]
            out += [_Tok("sym", "{", t.pos), _Tok("letter", "T", t.pos), _Tok("sym", "}", t.pos)]
        k += 1 + length
    return out


def _double_bars(toks: list[_Tok]) -> list[_Tok]:
    """``||\\mathbf{w}||_2``, ``x||y||``: two bars typed side by side where a value starts or no ``|...|`` is
    open, closed by two side by side after a value, with no single bar between, are a norm (as ``\\|w\\|``).
    ``|a||b|`` (a product of absolute values), ``D(p||q)`` and ``||a| - |b||`` keep their bars."""

    out = list(toks)

    def pair(k: int) -> bool:
        # on the list as merged so far: an earlier norm's two bars are one token there
        return (
            k + 1 < len(out)
            and all(u.kind == "sym" and u.text == "|" for u in out[k : k + 2])
            and out[k + 1].pos == out[k].pos + 1
        )

    k = 0
    while k < len(out):
        # an opening: where a value starts, or after one with no |...| open (x||y||, not |a||b|)
        bars = sum(1 for u in out[:k] if u.kind == "sym" and u.text == "|")
        if not (pair(k) and (_starts_value(out[:k]) or bars % 2 == 0)):
            k += 1
            continue
        j = k + 2
        while j < len(out) and not (out[j].kind == "sym" and out[j].text == "|"):
            j += 1
        if j > k + 2 and pair(j) and not _starts_value(out[:j]):
            out[k : k + 2] = [_Tok("sym", "‖", out[k].pos)]
            j -= 1
            out[j : j + 2] = [_Tok("sym", "‖", out[j].pos)]
            k = j + 1
            continue
        k += 1
    return out


def _refuse_adjacent_numerals(text: str, toks: list[_Tok]) -> None:
    """Two numerals still side by side once digit groups are joined (``1 \\quad 2``, ``3\\,4``) are
    no product derive can trust; only a one-digit argument may precede a numeral (``\\frac1 2``, ``x^2 3``)."""
    for k in range(len(toks) - 1):
        if toks[k].kind == "num" and toks[k + 1].kind == "num" and not _script_argument(toks[:k]):
            raise _fail(
                text,
                f"numerals side by side ({toks[k].text} {toks[k + 1].text}): write a product with \\cdot or "
                "\\times, or group a number's digits by three",
            )


_FRACTIONS = frozenset({"frac", "dfrac", "tfrac", "cfrac"})


def _integer_argument(toks: list[_Tok], k: int) -> tuple[str, int] | None:
    """The integer that is the argument of a command at ``toks[k]`` (``{2}`` or one digit), and where it ends."""
    t = toks[k] if k < len(toks) else None
    if t is not None and t.kind == "num" and t.text.isdigit():
        return t.text[0], (k + 1 if len(t.text) == 1 else k)
    if (
        k + 2 < len(toks)
        and toks[k].text == "{"
        and toks[k + 1].kind == "num"
        and toks[k + 1].text.isdigit()
        and toks[k + 2].text == "}"
    ):
        return toks[k + 1].text, k + 3
    return None


def _refuse_mixed_numbers(text: str, toks: list[_Tok]) -> None:
    """``2\\tfrac{1}{2}`` is the mixed number 2 1/2 in school arithmetic and 2·(1/2) as a product: a
    numeral followed by a fraction of two integers has no reading derive can trust. (``2\\frac{x}{3}``
    and ``2\\frac{1}{\\sqrt{2}}`` are products: nobody writes a mixed number that way.)"""
    for k in range(len(toks) - 2):
        if toks[k].kind != "num" or toks[k + 1].kind != "cmd" or toks[k + 1].text not in _FRACTIONS:
            continue
        if _script_argument(toks[:k]):
            continue  # x^2 \frac12: the digit is an exponent, not a whole part
        numerator = _integer_argument(toks, k + 2)
        if numerator is None:
            continue
        after = toks[numerator[1]] if numerator[1] < len(toks) else None
        if numerator[1] == k + 2 and len(toks[k + 2].text) > 1:  # \frac12: both digits in one token
            denominator: tuple[str, int] | None = (toks[k + 2].text[1], k + 3)
        else:
            denominator = _integer_argument(toks, numerator[1]) if after is not None else None
        if denominator is not None:
            whole, num, den = toks[k].text, numerator[0], denominator[0]
            raise _fail(
                text,
                f"{whole} followed by the fraction {num}/{den} is the mixed number {whole} {num}/{den} or the "
                f"product {whole}·{num}/{den}: write + or \\cdot between them",
            )


#: What may stand between two digit groups: spaces, ties and TeX's spacing commands (``12\\,345``), or the
#: braced comma ``{,}`` (``12{,}345``) that keeps TeX from spacing a comma.
_DIGIT_GAP = re.compile(r"(?:\s|~|\\[,:;> !]|\\(?:thinspace|medspace|negthinspace)(?![A-Za-z])|\{,\})+")
_NEXT_DIGITS = re.compile(r"\d+(?:\.\d+)?")
#: ``1.5e3``, ``1e-3``, ``2E+5``: a numeral followed at once by e and an exponent.
_E_NOTATION = re.compile(r"[eE][+-]?\d")
#: Commands whose arguments may be single digits (``\frac12``, ``\sqrt2``): digits after them are arguments.
_DIGIT_ARGUMENTS = frozenset({"frac", "dfrac", "tfrac", "cfrac", "sqrt", "binom", "dbinom", "tbinom"})


def _script_argument(toks: list[_Tok]) -> bool:
    """Whether a numeral starting after ``toks`` is a one-token argument (``x^2 3``, ``\\frac1 2``):
    TeX takes its first digit alone, and what follows it is the next factor, never more digits."""
    last = toks[-1] if toks else None
    if last is None:
        return False
    return (last.kind == "sym" and last.text in ("^", "_")) or (last.kind == "cmd" and last.text in _DIGIT_ARGUMENTS)


def _grouped_number(text: str, digits: str, end: int) -> tuple[str, int]:
    """The numeral that starts with ``digits`` (ending at ``end``), with the digit groups that follow it.

    Typeset numerals group digits by three with thin spaces (``12\\,345``, SI style), spaces (which TeX
    drops: ``1 000`` prints 1000) or braced commas (``1{,}000{,}000``): one number, never the product
    12·345. Numerals side by side in any other way (``3\\,4``, ``2 3``) have no reading derive can
    trust and are refused; so is ``12{,}345`` with one braced comma, which is 12345 with a thousands
    separator or 12.345 with a decimal comma (``1{,}5`` has only the decimal reading)."""
    groups: list[str] = [digits]
    gaps: list[str] = []
    while True:
        gap = _DIGIT_GAP.match(text, end)
        nxt = _NEXT_DIGITS.match(text, gap.end()) if gap else None
        if gap is None or nxt is None:
            break
        gaps.append(re.sub(r"\s+", "", gap.group()) or " ")
        groups.append(nxt.group())
        end = nxt.end()
    if len(groups) == 1:
        return digits, end
    commas = [g == "{,}" for g in gaps]
    if all(commas) and len(groups) == 2 and "." not in "".join(groups) and len(groups[1]) != 3:
        return f"{groups[0]}.{groups[1]}", end  # 1{,}5: a decimal comma
    grouped = (
        (all(commas) or not any(commas))
        and groups[0].isdigit()
        and 1 <= len(groups[0]) <= 3
        and all(len(g.split(".")[0]) == 3 and g.split(".")[0].isdigit() for g in groups[1:])
        and all("." not in g for g in groups[1:-1])
    )
    if grouped and all(commas) and len(groups) == 2:
        raise _fail(
            text,
            f"{groups[0]}{{,}}{groups[1]} is {groups[0]}{groups[1]} with a thousands separator or "
            f"{groups[0]}.{groups[1]} with a decimal comma: write the number without the separator",
        )
    if not grouped:
        raise _fail(
            text,
            f"numerals side by side ({' '.join(groups)}): write a product with \\cdot or \\times, or group "
            "a number's digits by three",
        )
    return "".join(groups), end


def _split_top(toks: list[_Tok], seps: frozenset[str] | set[str]) -> list[list[_Tok]]:
    """``toks`` cut at the separator symbols ``seps`` that stand outside every bracket."""
    parts: list[list[_Tok]] = [[]]
    depth = 0
    for t in toks:
        if t.kind == "sym" and t.text in ("(", "[", "{", "\\{"):
            depth += 1
        elif t.kind == "sym" and t.text in (")", "]", "}", "\\}"):
            depth -= 1
        if depth == 0 and t.kind == "sym" and t.text in seps:
            parts.append([])
            continue
        parts[-1].append(t)
    return parts


def _starts_value(toks: list[_Tok]) -> bool:
    """Whether a value may start after ``toks``: ``.4`` is 0.4 after an operator, a relation, an
    opening bracket or a command (``2 \\cdot .5``), but ``x.4`` or ``2).4`` is punctuation or a
    typo, never a product with 0.4."""
    if not toks:
        return True
    last = toks[-1]
    if last.kind in ("letter", "word", "num"):
        return False
    if last.kind == "cmd":
        return last.text not in _GREEK
    return last.text not in (")", "]", "}", "\\}", "|", "‖", "⌋", "⌉", "'", "!")
