"""bot.rights package."""
