"""Sample sets and families of vectors a definition declares (`derive.latex.structure_family`)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from derive.latex.structure_defs import Structure, _top_split, tuple_entries
from derive.latex.structure_family import Family, sample_set, vector_family
from derive.latex.structure_samples import _law, write_out

_LIKELIHOOD = [r"p(y|\mu,\Sigma)", r"\prod_{i=1}^n p(y_i|\mu,\Sigma)"]


@pytest.mark.parametrize(
    "rhs",
    [
        r"\left\lbrace y_1, \ldots, y_n \right\rbrace",
        r"\{y_1, \ldots, y_n\}",
        r"\lbrace y_1, y_2, \dots, y_n \rbrace",
        r"\left\{ y_{1}, \cdots, y_{n} \right\}",
    ],
)
def test_a_sample_set_declares_nothing_and_is_not_substituted(rhs: str) -> None:
    found = sample_set("y", rhs, _LIKELIHOOD)
    assert isinstance(found, Structure)
    assert (found.name, found.kind, found.value) == ("y", None, None)
    assert found.said.startswith("y: the sample {y_") and "declares nothing" in found.said


def test_a_sample_of_another_family_in_bold() -> None:
    found = sample_set("D", r"\{\mathbf{x}_1, \ldots, \mathbf{x}_N\}", [r"\log p(D \mid \theta)", "0"])
    assert found is not None and (found.name, found.value) == ("D", None)


@pytest.mark.parametrize(
    "sides",
    [
        [r"|y|", "n"],  # counts the set
        [r"y + 1", "2"],  # a set is no number
        [r"p(y|\mu)", r"p(y|\mu) + y"],  # also outside the likelihood
        [r"p(y)", r"q(y)"],  # no bar or semicolon: p(y) may be a product
        [r"p(y_1, y|\mu)", "1"],  # y next to another argument: still whole, but ...
        [r"f(y^2|\mu)", "1"],  # not the whole argument
        [r"p(y|\mu", "1"],  # unbalanced
    ],
)
def test_a_set_used_as_a_value_keeps_its_definition(sides: list[str]) -> None:
    found = sample_set("y", r"\{y_1, \ldots, y_n\}", sides)
    if sides[0] == r"p(y_1, y|\mu)":
        # y is a whole argument of a conditional law there: the set is data, opaque on both sides
        assert found is not None
        return
    assert found is None


def test_bar_and_semicolon_and_mid() -> None:
    assert sample_set("y", r"\{y_1, \ldots, y_n\}", [r"L(\theta; y)", r"\ell(\theta; y)"]) is not None
    assert sample_set("y", r"\{y_1, \ldots, y_n\}", [r"p(y \mid \theta)", "0"]) is not None
    assert sample_set("y", r"\{y_1, \ldots, y_n\}", [r"p\left(y \middle| \theta\right)", "0"]) is not None
    # \bar{y} is another name (the mean), which the set's definition does not concern
    assert sample_set("y", r"\{y_1, \ldots, y_n\}", [r"\bar{y}", "1"]) is not None


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        ("S", r"\{1, 2, \ldots, n\}"),  # the indices: a value a step may count
        ("S", r"\{a, b, c\}"),  # values a step may compare
        ("S", r"\{x : x > 0\}"),  # set-builder
        ("S", r"\{x \mid x > 0\}"),
        ("A_k", r"\{a_1, \ldots, a_n\}"),  # a family of sets
        ("y", r"\{y_1, \ldots, y_y\}"),  # the size is the name
        ("y", r"\{y_1, \ldots\}"),  # no last entry
        ("y", r"\{y_1, x_2, \ldots, y_n\}"),  # two families
        ("y", r"\{y_0, \ldots, y_n\}"),  # counted from 0
        ("y", r"\{\{y_1\}, \ldots, y_n\}"),
        ("y", r"(y_1, \ldots, y_n)"),  # a tuple, structure_defs' reading
    ],
)
def test_not_a_sample_set(lhs: str, rhs: str) -> None:
    assert sample_set(lhs, rhs, [r"p(y|\mu)", "1"]) is None


def test_a_family_of_vectors() -> None:
    column = r"\left[ \begin{matrix} y_{i1} \\ \vdots \\ y_{ip} \end{matrix} \right]"
    assert vector_family("y_i", column) == Family("y", "i", "p", f"y_i: vector p for every i, from y_i = {column}")
    found = vector_family("x_n", r"\begin{pmatrix} x_{n,1} \\ x_{n,2} \\ \vdots \\ x_{n,D} \end{pmatrix}")
    assert found is not None and (found.name, found.index, found.size) == ("x", "n", "D")


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        ("y_i", r"\begin{pmatrix} x_{i1} \\ \vdots \\ x_{ip} \end{pmatrix}"),  # another family's entries
        ("y_i", r"\begin{pmatrix} y_{1i} \\ \vdots \\ y_{pi} \end{pmatrix}"),  # the index second
        ("y_i", r"\begin{pmatrix} y_{i0} \\ \vdots \\ y_{ip} \end{pmatrix}"),  # counted from 0
        ("y_i", r"\begin{pmatrix} y_{i1} \\ y_{i3} \\ \vdots \\ y_{ip} \end{pmatrix}"),  # steps by 2
        ("y_i", r"\begin{pmatrix} y_{i1} \\ \vdots \\ y_{ii} \end{pmatrix}"),  # the size is the index
        ("y_i", r"\begin{pmatrix} y_{i1} \\ y_{i2} \end{pmatrix}"),  # no ellipsis: structure_defs' reading
        ("y_i", r"\begin{pmatrix} y_{i1} & \cdots & y_{ip} \end{pmatrix}"),  # a row
        ("y", r"\begin{pmatrix} y_{1} \\ \vdots \\ y_{p} \end{pmatrix}"),  # no family
        ("y_{ij}", r"\begin{pmatrix} y_{ij1} \\ \vdots \\ y_{ijp} \end{pmatrix}"),
    ],
)
def test_not_a_family_of_vectors(lhs: str, rhs: str) -> None:
    assert vector_family(lhs, rhs) is None


def test_lbrace_is_a_brace_in_a_tuple() -> None:
    assert tuple_entries(r"(a, \lbrace b, c \rbrace)") == ["a", r"\lbrace b, c \rbrace"]
    assert _top_split(r"a, \left\lbrace b, c\right\rbrace, d") == ["a", r" \left\lbrace b, c\right\rbrace", " d"]


# --- Steps under a family of vectors, written out at counts (structure_samples) ----------------------------


def test_write_out_sums_and_products() -> None:
    assert write_out(r"\frac{1}{n}\sum_{i=1}^n y_i", "y", "i", "n", 2) == (
        r"\frac{1}{n}\left(\left(y_{1}\right) + \left(y_{2}\right)\right)"
    )
    # the body runs to the next sign outside brackets, and to the bracket closing around the sum
    assert write_out(r"\sum_{i=1}^{n} y_i - n \mu", "y", "i", "n", 1) == r"\left(\left(y_{1} \right)\right)- n \mu"
    assert write_out(r"\left( \sum_{i=1}^n y_i y_i^T \right) A", "y", "i", "n", 2) == (
        r"\left( \left(\left(y_{1} y_{1}^T \right) + \left(y_{2} y_{2}^T \right)\right)\right) A"
    )
    assert write_out(r"\prod_{i=1}^n p(y_i|\mu)", "y", "i", "n", 2) == (
        r"\left(\left(p(y_{1}|\mu)\right) \cdot \left(p(y_{2}|\mu)\right)\right)"
    )
    assert write_out(r"\sum_{j=1}^n y_j", "y", "i", "n", 2) == r"\sum_{j=1}^n y_j"  # another index: left


@pytest.mark.parametrize(
    ("tex", "why"),
    [
        (r"\sum_{i=0}^n y_i", "not from 1 to n"),
        (r"\sum_{i=1}^{N} y_i", "not from 1 to n"),
        (r"\sum_{i=1}^n i\, y_i", "more than the family's member"),
        (r"\sum_{i=1}^n y_{i1}", "more than the family's member"),
        (r"\sum_{i=1}^n (y_i", "cannot delimit"),
    ],
)
def test_write_out_refuses(tex: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        write_out(tex, "y", "i", "n", 2)


def test_the_law_of_the_samples_gives_its_parameters_shapes() -> None:
    @dataclass
    class _Prose:
        prose: str

    column = r"y_i = \left[ \begin{matrix} y_{i1} \\ \vdots \\ y_{ip} \end{matrix} \right]"
    law = _law(_Prose(column + r" \sim \mathcal{N}\left( \mu, \Sigma \right), \quad i"), "y", "i", "p")  # type: ignore[arg-type]
    assert law == {"mu": "vector p", "Sigma": "spd matrix p x p"}
    assert _law(_Prose(r"y_i \sim \mathcal{N}(\mu, \Sigma)"), "y", "i", "p") == law  # type: ignore[arg-type]
    # a scalar variance, another name's law, or a law far from the family: nothing
    assert _law(_Prose(r"y_i \sim \mathcal{N}(\mu, \sigma^2)"), "y", "i", "p") == {}  # type: ignore[arg-type]
    assert _law(_Prose(r"x_i \sim \mathcal{N}(\mu, \Sigma)"), "y", "i", "p") == {}  # type: ignore[arg-type]
    assert _law(_Prose(r"y_i$ and then we see $z \sim \mathcal{N}(\mu, \Sigma)"), "y", "i", "p") == {}  # type: ignore[arg-type]
    assert _law(_Prose(r"y_i, z \sim \mathcal{N}(\mu, \Sigma)"), "y", "i", "p") == {}  # type: ignore[arg-type]
