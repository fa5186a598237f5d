"""bot.runtime package."""
