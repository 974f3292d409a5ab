"""Steps read under definitions that declare structure (derive.latex.structure_defs, wired in steps.py)."""

from __future__ import annotations

import derive
from derive import Verdict


def _verdicts(text: str, **kw: object) -> list[tuple[Verdict, str]]:
    return [(r.verdict, r.detail or "") for r in derive.check_latex(text, **kw)]


def test_listed_vector_is_checked_at_several_sizes() -> None:
    (ok, ok_why), (bad, bad_why) = _verdicts(
        "Let $\\mathbf{x} = (x_1,\\ldots,x_n)$. Then\n"
        "$$\\|\\mathbf{x}\\|^2 = \\sum_{i=1}^n x_i^2$$\n"
        "$$\\|\\mathbf{x}\\|^2 = \\sum_{i=1}^n x_i^2 + 1$$\n"
    )
    # at n = 1 the norm of a 1-vector is its absolute value (READ, session 8): n = 1 is checked too
    assert ok is Verdict.VERIFIED and ok_why.startswith("holds at every size checked (n = 1; n = 2; n = 3")
    assert bad is Verdict.REFUTED and "x: vector n, from \\mathbf{x} = (x_1, \\ldots, x_n)" in bad_why


def test_listed_vector_of_other_entries_is_substituted() -> None:
    (ok, ok_why), (bad, _) = _verdicts(
        "The point $X=(x_1,\\ldots, x_N)$ and\n"
        "$$\\frac{1}{N} X^\\top X = \\frac{1}{N}\\sum_{i=1}^{N} x_i^2$$\n"
        "$$X^\\top X = \\sum_{i=1}^{N} x_i$$\n"
    )
    assert ok is Verdict.VERIFIED and "N = 1; N = 2; N = 3" in ok_why
    assert bad is Verdict.REFUTED


def test_column_with_vdots_is_substituted_at_each_size() -> None:
    (_, (v, why)) = _verdicts(
        "Let $$Y = \\left[\\begin{matrix} y_1 \\\\ y_2 \\\\ \\vdots \\\\ y_N\\end{matrix}\\right]$$ so that\n"
        "$$Y^\\top Y = \\sum_{j=1}^N y_j^2$$\n"
    )
    assert v is Verdict.VERIFIED and "N = 3" in why


def test_written_out_tuple_is_a_column() -> None:
    (ok, _), (bad, _) = _verdicts(
        "Let $u = [u_0,u_1]$.\n$$u^\\top u = u_0^2 + u_1^2$$\n$$u^\\top u = u_1^2 + u_2^2$$\n"
    )
    assert (ok, bad) == (Verdict.PROVED, Verdict.REFUTED)


def test_parameter_tuple_is_the_argument_list() -> None:
    ((v, _),) = _verdicts(
        "Let $\\boldsymbol\\theta = (\\mu, \\sigma)$.\n$$\\ell(\\boldsymbol\\theta) = \\ell(\\mu, \\sigma)$$\n"
    )
    assert v is Verdict.PROVED


def test_orientation_of_a_list_is_no_ground_to_refute() -> None:
    # x x^T = ||x||^2 holds when the list is a row: the column derive chose is no certain shape
    ((v, why),) = _verdicts(
        "Let $\\mathbf{x} = (x_1,\\ldots,x_n)$.\n$$\\mathbf{x}\\mathbf{x}^\\top = \\|\\mathbf{x}\\|^2$$\n"
    )
    assert v is Verdict.UNDECIDED and "as a row the shapes may fit" in why
    ((v, why),) = _verdicts("Let $u = [u_0,u_1]$.\n$$u u^\\top = u_0^2 + u_1^2$$\n")
    assert v is Verdict.UNDECIDED and "as a row the shapes may fit" in why


def test_intervals_stay_unread() -> None:
    ((v, why),) = _verdicts("Let $J = [a, b]$.\n$$|J| = b - a + 1$$\n")
    assert v is Verdict.UNDECIDED and "what cannot be read is in the definition" in why
    ((v, _),) = _verdicts("Let $p \\in (0, 1)$.\n$$p + 1 - p = 1$$\n")
    assert v is Verdict.PROVED


def test_a_declared_shape_wins_over_the_list() -> None:
    ((v, _),) = _verdicts(
        "Let $\\mathbf{x} \\in \\mathbb{R}^3$ and $\\mathbf{x} = (x_1,\\ldots,x_n)$.\n"
        "$$\\mathbf{x}^\\top\\mathbf{x} = \\sum_{i=1}^n x_i^2 + 1$$\n"
    )
    assert v is Verdict.UNDECIDED


def test_a_size_the_text_fixes_is_checked_at_its_value_among_others() -> None:
    # one whole value and nothing else (68a4a56): the step is checked at several sizes including it, refuted
    # only there; a step that reads only at the text's size is not accepted either
    ((v, why),) = _verdicts(
        "Let $\\mathbf{x} = (x_1,\\ldots,x_n)$ where $n = 3$.\n"
        "$$\\mathbf{x}^\\top\\mathbf{x} = \\sum_{i=1}^n x_i^2 + 1$$\n"
    )
    assert v is Verdict.REFUTED and why.startswith("at n = 3:"), why
    ((v, why),) = _verdicts(
        "Let $\\mathbf{x} = (x_1,\\ldots,x_n)$ where $n = 3$.\n"
        "$$\\mathbf{x}^\\top\\mathbf{x} = x_1^2 + x_2^2 + x_3^2$$\n"
    )
    assert v is Verdict.UNDECIDED, why


def test_tuple_equation_componentwise() -> None:
    (ok, _), (bad, bad_why) = _verdicts(
        "$$(\\frac{d}{dx} x^2, \\frac{d}{dx} x^3) = (2x, 3x^2)$$\n"
        "$$(\\frac{d}{dx} x^2, \\frac{d}{dx} x^3) = (2x, 3x)$$\n"
    )
    assert ok is Verdict.PROVED
    assert bad is Verdict.REFUTED and "entry by entry" in bad_why


def test_tuple_of_names_is_never_an_identity() -> None:
    for text in ("$$(a, b) = (b, a)$$", "$$(\\hat\\mu, \\hat\\sigma^2) = (\\bar x, s^2)$$"):
        (r,) = derive.check_latex(text)
        assert r.verdict not in (Verdict.PROVED, Verdict.VERIFIED, Verdict.CONSISTENT, Verdict.REFUTED)


def test_application_with_two_arguments_stays_an_application() -> None:
    ((v, _),) = _verdicts("$$f(a, b) = f(a, b)$$")
    assert v is Verdict.PROVED


def test_derivative_of_a_defined_function_at_a_point() -> None:
    got = _verdicts(
        "Let $f(x, y) = 9x^2 - y^3 + 9xy$.\n"
        "$$\\frac{\\partial^2 f}{\\partial x^2}(3, -3) = 18$$\n"
        "$$\\frac{\\partial^2 f}{\\partial y^2}(3, -3) = -6(-3)$$\n"
        "$$\\frac{\\partial^2 f}{\\partial x \\partial y}(3, -3) = 9$$\n"
        "$$\\frac{\\partial f}{\\partial x}(-3, 3) = 27$$\n"
    )
    # the point's numbers go to the parameters in their order: (-3, 3) is x = -3, y = 3, where f_x = -27
    assert [v for v, _ in got] == [Verdict.PROVED, Verdict.PROVED, Verdict.PROVED, Verdict.REFUTED]


def test_derivative_at_a_point_follows_the_parameter_order() -> None:
    ((v, _),) = _verdicts("Let $f(y, x) = x^2 y$.\n$$\\frac{\\partial f}{\\partial x}(3, 1) = 6$$\n")
    assert v is Verdict.PROVED  # y = 3, x = 1: 2xy = 6


def test_derivative_at_a_point_inside_a_side_or_at_names_stays_unread() -> None:
    for step in ("2\\frac{\\partial f}{\\partial x}(3, -3) = 54", "\\frac{\\partial f}{\\partial x}(a, b) = 18a + 9b"):
        ((v, _),) = _verdicts(f"Let $f(x, y) = 9x^2 + 9xy$.\n$${step}$$\n")
        assert v is Verdict.ERROR


def test_a_transposed_list_has_its_shape() -> None:
    # (u_0, u_1)^T is a column as written: no row reading is left to name (the undeclared entries still may be
    # matrices, so the shapes that differ do not refute)
    (ok, _), (bad, why) = _verdicts(
        "Let $u = [u_0, u_1]^\\top$ be the control vector.\n"
        "$$u^\\top u = u_0^2 + u_1^2$$\n"
        "$$u u^\\top = u_0^2 + u_1^2$$\n"
    )
    assert ok is Verdict.PROVED
    assert bad is Verdict.UNDECIDED and "shapes differ" in why and "as a row" not in why
