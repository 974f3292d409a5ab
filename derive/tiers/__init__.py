"""The deciding tiers: symbolic (expectations, divergences) and numeric (the precision ladder)."""
