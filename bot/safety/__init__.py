"""bot.safety package."""
