"""escalation.delivery package."""
