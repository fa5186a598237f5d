"""The `suara` console script: one entry point, one module per command group."""

from bot.cli.commands import main

__all__ = ["main"]
