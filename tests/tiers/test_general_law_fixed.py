"""An application f(x_0) of a function declared non-random, at non-random arguments, comes out of an expectation."""

from __future__ import annotations

import sympy

from derive.tiers._linearity import expectation_operator, linear_form

E = expectation_operator("E_{T}")
f, given = sympy.Function("f"), sympy.Function("given")
x0, y = sympy.symbols("x_0 y", real=True)


def test_declared_function_at_declared_point_comes_out() -> None:
    form = linear_form(E(f(x0) * y), {"f", "x_0"})
    assert form is not None and form.value == f(x0) * E(y)
    assert form.pulled == {"f", "x_0"}


def test_anything_less_stays_inside() -> None:
    for nonrandom in ({"f"}, {"x_0"}, set()):
        form = linear_form(E(f(x0) * y), nonrandom)
        assert form is not None and form.value == E(f(x0) * y)
    # at the averaged estimate: E[f(y)] is never f(E[y]), nor a fixed value
    form = linear_form(E(f(y)), {"f"})
    assert form is not None and form.value == E(f(y))
    # the reader's marks are never functions the text declares
    form = linear_form(E(given(x0) * y), {"given", "x_0"})
    assert form is not None and form.value == E(given(x0) * y)
