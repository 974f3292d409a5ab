"""The public API is small and listed in derive/__init__.py."""

from __future__ import annotations

import derive
from derive import Verdict, errors


def test_everything_listed_is_importable_from_the_package():
    for name in derive.__all__:
        assert hasattr(derive, name), name


def test_notebook_entry_points_are_top_level():
    result = derive.check("tanh(a) == 2*sigmoid(2*a) - 1", symbols={"a": "real"})
    assert result.verdict is Verdict.PROVED
    steps = derive.check_latex(r"$$\frac{d}{da}\log(1-\sigma(a)) = -\sigma(a)$$")
    assert [s.verdict for s in steps] == [Verdict.PROVED]


def test_internal_exceptions_share_one_root():
    for name in dir(errors):
        obj = getattr(errors, name)
        if isinstance(obj, type) and issubclass(obj, Exception) and obj.__module__ == "derive.errors":
            assert issubclass(obj, derive.DeriveError), name
