"""The Monte Carlo tier: lowering, batch statistics, the numba backend, the claim-level test."""
