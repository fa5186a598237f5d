"""The console's settings group, read where the console needs it alone (CLI, sign-in)."""

from bot.settings import ConsoleSettings

__all__ = ["ConsoleSettings"]
