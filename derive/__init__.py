"""derive: check the steps of machine-learning derivations symbolically, numerically and by Monte Carlo."""

from __future__ import annotations

from derive.api import check, check_latex
from derive.engine import check_claim
from derive.errors import DeriveError
from derive.model import Claim, Evidence, Expect, Method, Relation, Result, Settings, Verdict

__version__ = "0.1.0"

__all__ = [
    "Claim",
    "DeriveError",
    "Evidence",
    "Expect",
    "Method",
    "Relation",
    "Result",
    "Settings",
    "Verdict",
    "__version__",
    "check",
    "check_claim",
    "check_latex",
]
