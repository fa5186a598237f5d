"""Console settings from the environment or `.env` (names start with CONSOLE_)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ConsoleSettings(BaseSettings):
    """How long console sessions and sign-in links live, and how sign-in is throttled."""

    model_config = SettingsConfigDict(env_file=".env", env_prefix="CONSOLE_", extra="ignore")

    session_idle_minutes: int = Field(default=30, ge=1)
    """A session unused this long is over."""
    session_max_hours: int = Field(default=12, ge=1)
    """A session is over this long after sign-in, used or not."""
    cookie_secure: bool = True
    """Send the session cookie over HTTPS only; false only for the demo and tests."""
    link_hours: int = Field(default=24, ge=1)
    """How long a one-time sign-in link printed by the CLI stays good."""
    lockout_failures: int = Field(default=5, ge=1)
    """Failed sign-ins of one account within lockout_minutes that lock it."""
    lockout_minutes: int = Field(default=15, ge=1)
    ip_failures: int = Field(default=20, ge=1)
    """Failed sign-ins from one address within lockout_minutes before it is refused."""
