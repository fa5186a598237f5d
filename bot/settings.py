"""Settings from the environment or `.env`; secrets are SecretStr and never printed."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDERS = frozenset({"changeme", "change-me", "secret", "token", "xxx", "todo"})


class TelegramDriver(StrEnum):
    PTB = "ptb"
    AIOGRAM = "aiogram"


class Settings(BaseSettings):
    """Every setting Suara reads; names match the environment variables."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = "sqlite:///var/suara.db"
    file_store: Path = Path("var/files")
    help_contacts_file: Path = Path("config/help_contacts.toml")
    public_base_url: str = "http://127.0.0.1:8000"

    telegram_bot_token: SecretStr | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org"
    telegram_driver: TelegramDriver = TelegramDriver.PTB

    whatsapp_access_token: SecretStr | None = None
    whatsapp_app_secret: SecretStr | None = None
    whatsapp_verify_token: SecretStr | None = None
    whatsapp_phone_number_id: str | None = None
    whatsapp_api_base_url: str = "https://graph.facebook.com/v23.0"

    escalation_webhook_url: str | None = None
    escalation_webhook_secret: SecretStr | None = None

    timer_tick_seconds: float = Field(default=30.0, gt=0)
    outbox_lease_seconds: int = Field(default=60, gt=0)
    demo: bool = False

    @field_validator(
        "telegram_bot_token",
        "telegram_webhook_secret",
        "whatsapp_access_token",
        "whatsapp_app_secret",
        "whatsapp_verify_token",
        "escalation_webhook_secret",
    )
    @classmethod
    def _refuse_placeholder(cls, value: SecretStr | None) -> SecretStr | None:
        """Refuses secrets that are obviously placeholders."""
        if value is not None and value.get_secret_value().strip().lower() in PLACEHOLDERS:
            raise ValueError("a placeholder is not a secret: set the real value")
        return value
