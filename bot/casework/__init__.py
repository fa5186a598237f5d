"""bot.casework package."""
