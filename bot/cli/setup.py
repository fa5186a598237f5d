"""A new installation's set-up: what it reads from the office config."""

from __future__ import annotations

from bot.settings import Settings
from escalation import offices


def config_offices(settings: Settings) -> tuple[offices.Office, ...]:
    """Returns the offices of the office config, in its order (the headquarters first)."""
    allow_private = settings.escalation.allow_private_targets or settings.demo.enabled
    directory = offices.load(settings.escalation.offices_file, allow_private=allow_private)
    return tuple(directory.offices.values())
