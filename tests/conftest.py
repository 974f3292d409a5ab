"""Shared test configuration."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# CI machines have two cores and share them with the engine's worker processes: property
# tests get generous deadlines and a bounded number of examples. The default profile is
# derandomised, so a run of the suite is reproducible; HYPOTHESIS_PROFILE=dev explores new
# examples on every run (use it when working on the parser or the numeric tier).
_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("ci", max_examples=60, derandomize=True, **_COMMON)
settings.register_profile("dev", max_examples=200, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
