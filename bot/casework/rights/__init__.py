"""bot.casework.rights package."""
