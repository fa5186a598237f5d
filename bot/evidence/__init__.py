"""bot.evidence package."""
