"""handlers.demo package."""
