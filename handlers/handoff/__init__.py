"""handlers.handoff package."""
