"""bot.whatsapp package."""
