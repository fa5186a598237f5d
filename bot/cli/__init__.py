"""The `suara` console script: one entry point, one module per command group."""

from bot.cli.main import main

__all__ = ["main"]
