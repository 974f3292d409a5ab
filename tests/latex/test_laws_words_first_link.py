"""A law stated by the first link of a display: E[g(x)] = int N(x | m, v) g(x) dx (derive.latex.laws_words)."""

from __future__ import annotations

import pytest

import derive
from derive.latex.laws_words import laws_in_first_links, laws_in_words

_BISHOP = r"""We start by computing the expected value of the Gaussian:
$$\mathbb{E}[x] = \int_{-\infty}^{\infty} \mathcal{N}(x | \mu, \sigma^2) x \, dx$$
"""


def _laws(text: str) -> list[tuple[str, str | None]]:
    return [(name, kind) for _, _, name, kind, _ in laws_in_first_links(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (_BISHOP, [("x", r"~ \mathcal{N}(\mu, \sigma^{2})")]),
        # the square of the body, the semicolon notation, an explicit density with its constant outside
        (
            r"$$E[x^2] = \int_{-\infty}^{\infty} \mathcal{N}(x ; m, s^2) x^2 \, dx$$",
            [("x", r"~ \mathcal{N}(m, s^{2})")],
        ),
        (
            r"\[ \mathbb{E}[t] = \frac{1}{\sqrt{2\pi}} \int_{-\infty}^{\infty} t \exp\left(-\frac{t^2}{2}\right) dt \]",
            [("t", r"~ \mathcal{N}(0, 1)")],
        ),
        # an align whose first row is the first link
        (
            "\\begin{align*}\n\\mathbb{E}[y] &= \\int_{-\\infty}^{\\infty} \\mathcal{N}(y | 2, 3) y \\, dy \\\\\n"
            "&= 2\n\\end{align*}",
            [("y", r"~ \mathcal{N}(2, 3)")],
        ),
    ],
)
def test_a_first_link_through_a_normal_density_states_the_law(text: str, expected: list[tuple[str, str]]) -> None:
    assert _laws(text) == expected
    assert [(n, k) for _, _, n, k, _ in laws_in_words(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        # not normalised (the literal reading of e^{-x^2/2\sigma^2} is exp(-x^2 sigma^2 / 2)), a wrong constant
        r"$$E[x] = \frac{1}{\sigma\sqrt{2\pi}}\int_{-\infty}^{\infty} xe^{-x^2/2\sigma^2}dx$$",
        r"$$E[x] = \frac{1}{\sqrt{3\pi}}\int_{-\infty}^{\infty} x e^{-x^2/2} dx$$",
        r"$$E[x] = 2 \int_{-\infty}^{\infty} \mathcal{N}(x | \mu, \sigma^2) x \, dx$$",
        # 1/sigma is a density only for sigma > 0, which nothing here states
        r"$$E[x] = \frac{1}{\sigma\sqrt{2\pi}}\int_{-\infty}^{\infty} x e^{-(x - \mu)^2/(2\sigma^2)} dx$$",
        # the body and the integrand disagree: no density left over
        r"$$E[x] = \int_{-\infty}^{\infty} \mathcal{N}(x | \mu, \sigma^2) x^2 \, dx$$",
        r"$$E[x^2] = \int_{-\infty}^{\infty} \mathcal{N}(x | \mu, \sigma^2) x \, dx$$",
        # another variable, a half line, a conditional or labelled expectation, E as a function, no E
        r"$$E[x] = \int_{-\infty}^{\infty} \mathcal{N}(y | \mu, \sigma^2) y \, dy$$",
        r"$$E[x] = \int_{0}^{\infty} \mathcal{N}(x | \mu, \sigma^2) x \, dx$$",
        r"$$E[x | y] = \int_{-\infty}^{\infty} \mathcal{N}(x | y, 1) x \, dx$$",
        r"$$E_{q}[x] = \int_{-\infty}^{\infty} \mathcal{N}(x | \mu, 1) x \, dx$$",
        r"$$E(x) = \int_{-\infty}^{\infty} \mathcal{N}(x | \mu, 1) x \, dx$$",
        r"$$F[x] = \int_{-\infty}^{\infty} \mathcal{N}(x | \mu, 1) x \, dx$$",
        # an unknown function of x under E, an unknown density, a sign of unknown sign in the exponent
        r"$$E[f(x)] = \int_{-\infty}^{\infty} \mathcal{N}(x | \mu, 1) f(x) \, dx$$",
        r"$$E[x] = \int_{-\infty}^{\infty} p(x) x \, dx$$",
        r"$$E[x] = \sqrt{\frac{a}{2\pi}} \int_{-\infty}^{\infty} x e^{-a x^2/2} dx$$",
        # the link is not the first one, or the sentence makes it a case, or the text denies it
        r"$$\mu = E[x] = \int_{-\infty}^{\infty} \mathcal{N}(x | \mu, 1) x \, dx$$",
        "If $x$ were Gaussian, then\n$$E[x] = \\int_{-\\infty}^{\\infty} \\mathcal{N}(x | \\mu, 1) x \\, dx$$",
        "$$E[x] = \\int_{-\\infty}^{\\infty} \\mathcal{N}(x | \\mu, 1) x \\, dx$$\nwhich is wrong here.",
    ],
)
def test_no_law_from_anything_else(text: str) -> None:
    assert _laws(text) == []


def _verdicts(text: str) -> list[tuple[str, str]]:
    return [(r.verdict.value, r.detail) for r in derive.check_latex(text, timeout=8)]


def test_the_law_decides_the_later_steps_of_its_section() -> None:
    text = (
        _BISHOP
        + "Therefore\n$$\\mathbb{E}[x] = \\mu$$\nand likewise\n$$E[x^2] - E[x]^2 = \\sigma^2$$\n"
        + "A slip:\n$$E[x^2] = \\mu^2$$\n"
    )
    results = _verdicts(text)[1:]
    assert [v for v, _ in results] == ["proved", "proved", "refuted"]
    assert all("from the first link" in d for _, d in results)


def test_the_law_ends_at_the_next_heading() -> None:
    text = "\\section*{Exercise 1}\n" + _BISHOP + "\\section*{Exercise 2}\nNow\n$$\\mathbb{E}[x] = \\mu$$\n"
    assert _verdicts(text)[-1][0] == "undecided"


@pytest.mark.parametrize(
    "before",
    [
        r"Let $x \sim \mathcal{N}(\mu, \sigma^2)$.",
        r"Let $x$ be uniformly distributed on $[1, 2]$.",
        r"$$x \sim \mathcal{N}(3, 4)$$",
        r"Let $x$ take the value $0$ with probability $q$ and $1$ with probability $1-q$.",
    ],
)
def test_a_law_the_text_states_before_wins_over_a_first_link(before: str) -> None:
    # attacker E39: the first link's N(0, 1) would decide E[x] against the stated law
    text = before + "\n\n$$E[x] = \\int_{-\\infty}^{\\infty} \\mathcal{N}(x | 0, 1) x \\, dx$$\n\n$$E[x] = 0$$\n"
    assert all(kind is None or "N}(0, 1)" not in kind for _, _, _, kind, _ in laws_in_words(text))
    assert _verdicts(text)[-1][0] != "proved"


def test_the_first_link_is_not_proved_by_the_law_it_states() -> None:
    # attacker E39 (circular): the link states the law, it is not checked under it
    text = "$$E[x^2] = \\int_{-\\infty}^{\\infty} \\mathcal{N}(x | 0, 1) x^2 \\, dx$$\n\nSo\n\n$$E[x^2] = 1$$\n"
    first, after = _verdicts(text)
    assert first[0] == "undecided" and "from the first link" not in first[1]
    assert after[0] == "proved" and "from the first link" in after[1]


def test_a_later_sentence_that_may_give_x_another_law_ends_it() -> None:
    text = (
        "\\section*{One}\n"
        + _BISHOP
        + "So\n$$\\mathbb{E}[x] = \\mu$$\nNow suppose $x$ is uniform instead. Then\n$$E[x] = \\frac{a+b}{2}$$\n"
    )
    kinds = [(n, k) for _, _, n, k, _ in laws_in_words(text)]
    assert kinds == [("x", r"~ \mathcal{N}(\mu, \sigma^{2})"), ("x", None)]
    assert [v for v, _ in _verdicts(text)] == ["undecided", "proved", "undecided"]


_SCALED = r"$$E[x] = \frac{1}{\sigma\sqrt{2\pi}}\int_{-\infty}^{\infty} x e^{-(x - \mu)^2/(2\sigma^2)} dx$$"


@pytest.mark.parametrize(
    ("before", "read"),
    [
        # 1/sigma is a density's constant only where the text states sigma > 0 (in the section, not as a case)
        ("", False),
        (r"Let $\sigma > 0$. ", True),
        (r"If $\sigma > 0$ then ", False),
        (r"Let $\mu > 0$. ", False),
        ("\\section{A}\nLet $\\sigma > 0$.\n\\section{B}\n", False),
    ],
)
def test_a_scale_stated_positive_makes_its_density_normalised(before: str, read: bool) -> None:
    assert bool(_laws(before + "\n\n" + _SCALED)) is read
