"""handlers.worker package."""
