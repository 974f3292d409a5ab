"""Named events, additive constants and multiple integrals as lecture notes write them.

- class labels and words as events inside a probability: ``P(\\mathbf{great} | +)``, ``P(+ | \\sim A)``,
  ``P(f | \\pm)``, ``P(S+)``, ``P(B \\cap A)``, ``\\Pr(A \\cup B)`` (`derive.latex.prob_events`): opaque,
  never a number, ``\\pm`` a label only inside a probability;
- ``+ \\text{const}`` (any text font) as the additive-constant idiom, never refuted through a constant
  hidden on both sides;
- ``\\iint f\\,dx\\,dy`` and ``\\iiint``: one differential per sign, never ``d`` times ``y``.
"""

from __future__ import annotations

import pytest

from derive.api import check_latex
from derive.errors import LatexError
from derive.language.symbols import SymbolTable
from derive.latex.parser import parse_latex
from derive.model import Verdict

P, V, R, U, E = Verdict.PROVED, Verdict.VERIFIED, Verdict.REFUTED, Verdict.UNDECIDED, Verdict.ERROR


def one(text: str, symbols: dict[str, str] | None = None):
    (r,) = check_latex(f"$${text}$$\n", symbols=symbols)
    return r


def read(tex: str) -> str:
    return str(parse_latex(tex, SymbolTable()))


# -- named events ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tex", "reading"),
    [
        (r"P(\mathbf{great} | +)", "P(great, given(event_plus()))"),
        (r"P(+|\mathbf{great})", "P(event_plus(), given(great))"),
        (r"P(-|S)", "P(event_minus(), given(S))"),
        (r"P(+|\sim\mathbf{great})", "P(event_plus(), given(event_not(great)))"),
        (r"P(\mathbf{great},\sim\mathbf{waste}|\pm)", "P(great, event_not(waste), given(event_pm()))"),
        (r"P(f \mid \mp)", "P(f, given(event_mp()))"),
        (r"P(+)", "P(event_plus())"),
        (r"P(-)", "P(event_minus())"),
        (r"P(W+)", "P(event_and(W, event_plus()))"),
        (r"P(B\cap A)", "P(event_and(A, B))"),
        (r"\Pr(A \cup B)", "Pr(event_or(A, B))"),
        (r"\mathbb{P}(\neg A \cap B)", "P(event_and(B, event_not(A)))"),
        (r"P(X = 1 \cap Y = 2)", "P(event_and(event(X, 1), event(Y, 2)))"),
        (r"L(+|\mathbf{great},\lnot\mathbf{waste})", "L(event_plus(), given(great, event_not(waste)))"),
    ],
)
def test_labels_words_and_set_operations_are_opaque_events(tex: str, reading: str) -> None:
    assert read(tex) == reading


@pytest.mark.parametrize(
    "tex",
    [
        r"a \pm b",  # arithmetic: two claims, not a label
        r"P(x \pm 1)",  # not alone in its argument
        r"f(x+)",  # a one-sided limit or a typo, not an event: only probabilities hold labels
        r"P(A \cup B \cap C)",  # two readings without brackets
        r"P(\cap A)",
        r"P(\sim)",
        r"P(+-)",
    ],
)
def test_labels_only_alone_inside_a_probability(tex: str) -> None:
    with pytest.raises(LatexError):
        parse_latex(tex, SymbolTable())


def test_absolute_value_bars_are_not_conditioning_bars() -> None:
    # a sign before an absolute value is arithmetic, not a label before a bar
    assert read(r"P(x - |y| > 0)") == "P(event_gt(x - Abs(y), 0))"
    assert read(r"P(|x| | y)") == "P(Abs(x), given(y))"
    assert read(r"P(A, B)") == "P(A, B)"  # no event marks: the plain application, as before


def test_an_event_label_is_never_a_number() -> None:
    # the labels carry no free symbol: nothing can give them a value
    for tex in (r"P(+)", r"P(-|S)", r"P(\mathbf{f}|\pm)"):
        value = parse_latex(tex, SymbolTable())
        assert all(str(s) in ("S", "f") for s in value.free_symbols), value
    r = one(r"P(+) = \frac{1}{2}")
    assert r.verdict is not R


def test_identities_of_the_same_events_are_proved_and_others_undecided() -> None:
    assert one(r"P(B \cap A) = P(A \cap B)").verdict is P
    assert one(r"\frac{P(B\cap A)}{P(B)} = \frac{P(A \cap B)}{P(B)}").verdict is P
    assert one(r"\log P(\pm|f) + \log P(f) = \log P(f) + \log P(\pm|f)").verdict is P
    # Bayes' rule follows from the definition of conditional probability alone (proved for every
    # law); the naive-Bayes factorisation needs an independence derive does not assume
    assert one(r"P(\pm|f) = \frac{P(f|\pm)P(\pm)}{P(f)}").verdict is P
    assert one(r"P(\mathbf{great},\mathbf{waste}|\pm) = P(\mathbf{great}|\pm)P(\mathbf{waste}|\pm)").verdict is U
    # different labels are different events: + is not -, A \cap B is not A \cup B
    assert one(r"P(+|S) = P(-|S)").verdict is U
    assert one(r"P(A \cap B) = P(A \cup B)").verdict is R  # by an exact measure (derive.tiers._events)
    assert one(r"P(+|S) = P(+|\sim S)").verdict is U


def test_a_refutation_through_labels_holds_for_every_class() -> None:
    # the same opaque value on both sides cancels: false whatever the class
    r = one(r"P(\pm|f) + 1 = P(\pm|f)")
    assert r.verdict is R


def test_the_naive_bayes_document_reads() -> None:
    doc = "\n".join(
        [
            r"$$P(\mathbf{great} | +) = \frac{92}{500} = .184$$",
            r"$$P(+|\mathbf{great}) = \frac{.184}{.097}(.5) = 0.948$$",
            r"$$P(+|\sim\mathbf{great}) = \frac{408}{903}$$",
            r"$$P(S+) = P(S)P(+|S)$$",
        ]
    )
    results = check_latex(doc)
    assert [r.verdict for r in results if r.verdict is E] == []
    assert all(r.verdict is not R for r in results)


# -- additive constants ------------------------------------------------------------------------


@pytest.mark.parametrize("const", [r"\text{const}", r"\mathrm{const}", r"\text{const.}", r"\textrm{const}"])
def test_a_constant_on_one_side_is_checked_as_the_idiom(const: str) -> None:
    r = one(f"(x-1)^2 + x^2 = 2 x^2 - 2x + {const}")
    assert r.verdict is P, r.detail
    assert "up to an additive constant" in r.detail
    wrong = one(f"(x-1)^2 + x^2 = 2 x^2 - 3x + {const}")
    assert wrong.verdict is not P


@pytest.mark.parametrize("const", [r"\text{const}", r"\mathrm{const}"])
def test_constants_on_both_sides_are_never_refuted_through_them(const: str) -> None:
    # true as meant: the two constants differ by 1/2, free of x, the only name (CONST: proved, every reading)
    assert one(f"-\\frac{{1}}{{2}}(x-1)^2 + {const} = -\\frac12 x^2 + x + {const}").verdict is P
    # ... or by a term in m, not in y: which name is the variable is not said, so undecided
    r = one(f"-\\frac{{1}}{{2}}\\frac{{(y-m)^2}}{{\\sigma^2}} + {const} = -\\frac{{y^2}}{{2\\sigma^2}} + {const}")
    assert r.verdict is U
    # written alike, the sides are the same
    assert one(f"x^2 + {const} = x^2 + {const}").verdict is P


def test_a_declared_const_is_an_ordinary_name() -> None:
    r = one(r"x^2 + 1 + \mathrm{const} = x^2 + \mathrm{const}", symbols={"const": "real"})
    assert r.verdict is R


# -- multiple integrals ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tex",
    [
        r"\iint p(x, y) xy \,\mathrm{d} x \,\mathrm{d} y",
        r"\iint p(x, y) xy \!\mathrm{d} x \!\mathrm{d} y",
        r"\iint p(x, y)\, xy \, dx\, dy",
    ],
)
def test_a_double_integral_takes_two_differentials(tex: str) -> None:
    assert read(tex) == "Integral(x*y*p(x, y), (x, -oo, oo), (y, -oo, oo))"


@pytest.mark.parametrize(
    "tex",
    [
        r"\iint p(x, y)\, xy \, dx",  # one differential: never d times something
        r"\iint p(x, y)\, xy \, dx\, dx",
        r"\iint_{D} xy \, dx\, dy",  # a region derive cannot read
        r"\iiint xyz \, dx\, dy",
    ],
)
def test_a_double_integral_with_too_few_differentials_is_not_read(tex: str) -> None:
    with pytest.raises(LatexError):
        parse_latex(tex, SymbolTable())


def test_double_and_triple_integrals_are_decided() -> None:
    assert one(r"\iint \exp(-x^2-y^2)\, dx\, dy = \pi").verdict in (P, V)
    assert one(r"\iint \exp(-x^2-y^2)\, dx\, dy = 2\pi").verdict is R
    assert one(r"\iiint \exp(-x^2-y^2-z^2)\, dx\, dy\, dz = \pi^{3/2}").verdict in (P, V)


# -- physics' averages <f>_q ---------------------------------------------------------------------

LAW_FRONT = '---\nderive:\n  random: {x: "Normal(0, 1)", X: "Normal(mu, 1)"}\n---\n'


def test_an_angle_average_with_a_subscript_is_the_expectation_under_it() -> None:
    assert read(r"\left\langle \ln \frac{p(x)}{q(x)} \right\rangle_{p(x)}") == "E_{p(x)}(log(p(x)/q(x)))"
    assert read(r"\langle f(x, y) \rangle_q") == "E_q(f(x, y))"
    # an opaque law: the same average on both sides is proved, a value of it is not
    assert one(r"\langle x^2 \rangle_{p(x)} + 1 = 1 + \langle x^2 \rangle_{p(x)}").verdict is P
    assert one(r"\langle x^2 \rangle_{q} = \langle x \rangle_q^2").verdict is U


def test_an_angle_average_of_a_declared_random_variable_is_its_expectation() -> None:
    (r,) = check_latex(LAW_FRONT + r"$$\left\langle 2X + 1 \right\rangle = 2\mu + 1$$" + "\n")
    assert r.verdict is P, r.detail
    (r,) = check_latex(LAW_FRONT + r"$$\langle x^2 \rangle_{x} = 1$$" + "\n")
    assert r.verdict is P, r.detail
    (r,) = check_latex(LAW_FRONT + r"$$\langle x^2 \rangle = 2$$" + "\n")
    assert r.verdict is R
    assert "-1" in r.detail


@pytest.mark.parametrize(
    "tex",
    [
        r"\langle x \rangle",  # no subscript, nothing random: an average under an unstated law, or else
        r"\langle \rangle",
        r"\langle x^2 \rangle_{x \sim \mathcal{N}(0, 1)}",  # the law belongs in \mathbb{E}_{x \sim D}
    ],
)
def test_an_angle_average_without_a_law_is_not_read(tex: str) -> None:
    with pytest.raises(LatexError):
        parse_latex(tex, SymbolTable())


def test_an_average_with_a_law_in_its_subscript_is_never_refuted_at_a_fixed_point() -> None:
    # read as an average over x in one tier and as a fixed x in another, 1 would be "refuted"
    r = one(r"\langle x^2 \rangle_{x \sim \mathcal{N}(0, 1)} = 1")
    assert r.verdict is E


def test_a_comma_keeps_the_inner_product() -> None:
    r = one(r"\langle a, b \rangle = a^T b", symbols={"a": "vector 3", "b": "vector 3"})
    assert r.verdict is P
    with pytest.raises(LatexError, match="declared vectors"):
        parse_latex(r"\langle x, y \rangle", SymbolTable())


# -- labelled operators and markers in names ------------------------------------------------------


def test_a_subscripted_variance_is_an_unknown_function_per_label() -> None:
    assert read(r"\operatorname{var}_{n-1}(f(\mathbf{x}_*))") == "Var_{n-1}(f(x_ast))"
    assert read(r"\operatorname{var}_n(f(x))") == read(r"\operatorname{var}_{n}(f(x))")
    assert read(r"\mathrm{Cov}_q[x, y]") == "Cov_{q}(x, y)"
    # the same label is the same function (the step's readings may still leave it undecided)
    assert one(r"\operatorname{var}_n(f(x)) - \operatorname{var}_{n}(f(x)) = 0").verdict in (P, U)
    # after n - 1 and after n observations: two different variances, neither with a value
    assert one(r"\operatorname{var}_{n-1}(f(x)) = \operatorname{var}_n(f(x))").verdict is U
    assert one(r"\operatorname{var}_{n-1}(f(x)) \geq \operatorname{var}_n(f(x))").verdict is U
    with pytest.raises(LatexError, match="without its argument"):
        parse_latex(r"\operatorname{var}_n x", SymbolTable())


def test_circ_in_a_subscript_is_part_of_a_name() -> None:
    assert read(r"k_{\circ *}") == "k_circast"
    assert read(r"\mathbf{k}_\circ") == read(r"\mathbf{k}_{\circ}")
    assert read(r"k_{\circ\circ}") != read(r"k_{\circ}")
    with pytest.raises(LatexError, match="composition"):
        parse_latex(r"f \circ g", SymbolTable())


def test_pr_is_always_a_probability() -> None:
    assert read(r"\Pr(A|B)") == "Pr(A, given(B))"
    for tex in (r"\Pr X", r"\Pr", r"\Pr[X = 1]"):
        with pytest.raises(LatexError):
            parse_latex(tex, SymbolTable())


def test_an_integral_of_its_differential_alone_is_the_integral_of_one() -> None:
    assert read(r"\int_{0}^{2\pi} \!\mathrm{d} \theta") == "Integral(1, (theta, 0, 2*pi))"
    assert one(r"\sigma^2 \int_{0}^{2\pi} \mathrm{d} \theta = 2\pi\sigma^2").verdict is P
    assert one(r"\sigma^2 \int_{0}^{2\pi} \mathrm{d} \theta = \pi\sigma^2").verdict is R
    assert read(r"\int_0^1 \int_0^1 dx\, dy") == "Integral(1, (x, 0, 1), (y, 0, 1))"
    # physics' \int dx f(x) may also be (\int dx) f(x): not guessed
    with pytest.raises(LatexError, match="after its differential"):
        parse_latex(r"\int_0^1 dx\, x^2", SymbolTable())


def test_a_derivative_by_a_subscripted_pi_is_by_the_name() -> None:
    assert read(r"\frac{\partial \log \pi_k}{\partial \pi_k}") == "Derivative(log(pi_k), pi_k)"
    kinds = {"N_k": "positive", "lambda": "real"}
    step = r"\frac{\partial}{\partial \pi_k} \left(N_k \log \pi_k - \lambda \pi_k\right) = "
    assert one(step + r"\frac{N_k}{\pi_k} - \lambda", kinds).verdict is P
    assert one(step + r"\frac{N_k}{\pi_k}", kinds).verdict is R
    # a bare \pi is the constant: no derivative by it
    with pytest.raises(LatexError):
        parse_latex(r"\frac{d}{d\pi} \sin(\pi)", SymbolTable())


@pytest.mark.parametrize(
    "tex",
    [
        r"\frac{\mathrm{d}}{\mathrm{d}x} x^2",
        r"\frac{\mathrm{d} x^2}{\mathrm{d}x}",
        r"\frac{\mathrm d x^2}{\mathrm d x}",
    ],
)
def test_an_upright_differential_starts_a_derivative(tex: str) -> None:
    assert read(tex) == "Derivative(x**2, x)"


def test_an_upright_differential_is_decided_and_stays_a_d_elsewhere() -> None:
    assert one(r"\frac{\mathrm{d}}{\mathrm{d}x} \sin(x) = \cos(x)").verdict is P
    assert one(r"\frac{\mathrm{d}}{\mathrm{d}x} \sin(x) = \sin(x)").verdict is R
    assert read(r"\frac{\mathrm{d}^2 x^3}{\mathrm{d}x^2}") == "Derivative(x**3, (x, 2))"
    # an upright d that starts no derivative is no differential: still an error
    for tex in (r"\frac{a \mathrm{d}}{\mathrm{d}x}", r"\frac{d x}{\mathrm{d}}"):
        with pytest.raises(LatexError):
            parse_latex(tex, SymbolTable())
    # \mathrm{LL}(\mu) may be LL times mu: the step says so instead of proving through one reading
    assert one(r"\frac{\mathrm{d}\mathrm{LL}(\mu)}{\mathrm{d}\mu} = \mathrm{LL}").verdict is U


def test_a_sum_over_two_letters_is_the_double_sum() -> None:
    assert read(r"\sum_{ij} a_{ij}") == read(r"\sum_{i,j} a_{ij}")
    assert one(r"\sum_i \sum_j M_{ji} M_{ji} = \sum_{ij} (M_{ji})^2").verdict is P
    r = one(r"\sum_{ij=1}^n a_i b_j = \sum_{i=1}^n a_i b_i")
    assert r.verdict is R
    assert "n = 2" in r.detail
    # the same letter twice is no pair of indices
    assert "ii" in read(r"\sum_{ii} a_i")
