"""flows.intake package."""
