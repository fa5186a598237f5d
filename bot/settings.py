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
    # --- telegram (issue 3)
    telegram_webhook_url: str | None = None
    """Public https URL Telegram posts updates to; unset (with a token): long polling."""
    telegram_max_connections: int = Field(default=40, ge=1, le=100)
    telegram_poll_timeout: int = Field(default=25, ge=0, le=50)
    telegram_chat_rate: float = Field(default=1.0, gt=0)
    """Messages per second to one chat, after a burst of telegram_chat_burst."""
    telegram_chat_burst: int = Field(default=3, ge=1)
    telegram_overall_rate: float = Field(default=30.0, gt=0)
    """Messages per second to all chats together."""
    # --- end telegram (issue 3)

    whatsapp_access_token: SecretStr | None = None
    whatsapp_app_secret: SecretStr | None = None
    whatsapp_verify_token: SecretStr | None = None
    whatsapp_phone_number_id: str | None = None
    whatsapp_api_base_url: str = "https://graph.facebook.com/v23.0"
    # --- whatsapp (issue 4)
    whatsapp_template_name: str = "suara_pesan_baru"
    """Approved utility template (no variables) sent instead of free text outside the window."""
    whatsapp_template_language: str = "id,en"
    """Languages the template is approved in; the reporter's if listed, else the first."""
    whatsapp_pair_burst: int = Field(default=20, ge=1)
    """Messages sent to one reporter back to back before pacing (Meta's pair rate limit)."""
    whatsapp_pair_interval_seconds: float = Field(default=6.0, ge=0)
    """One more message to the same reporter per this many seconds once the burst is used."""
    whatsapp_mark_read: bool = False
    """Send read receipts (blue ticks); off, since an onlooker may read them too."""
    whatsapp_timeout_seconds: float = Field(default=15.0, gt=0)
    # --- end whatsapp (issue 4)

    escalation_webhook_url: str | None = None
    escalation_webhook_secret: SecretStr | None = None
    # --- escalation (issue 5)
    escalation_offices_file: Path = Path("config/offices.toml")
    """Offices, their webhook endpoints by level, and the acknowledgement deadlines."""
    allow_private_webhook_targets: bool = False
    """Allow http and private or loopback webhook targets: tests and the demo only."""
    escalation_request_timeout_seconds: float = Field(default=15.0, gt=0, le=30)
    escalation_connect_timeout_seconds: float = Field(default=3.0, gt=0)
    escalation_retry_schedule: tuple[float, ...] = (
        5, 30, 120, 300, 900, 1800, 3600, 7200, 14400, 28800, 43200, 86400,
    )  # fmt: skip
    """Seconds after each failed attempt (+-20 % jitter); after the last one: dead letter."""
    escalation_retry_floor_seconds: float = Field(default=60.0, ge=0)
    """Least wait after a 429, 502, 503, 504 or a timeout."""
    escalation_lease_seconds: float = Field(default=60.0, gt=0)
    escalation_poll_seconds: float = Field(default=1.0, gt=0)
    escalation_sweep_seconds: float = Field(default=15.0, gt=0)
    escalation_concurrency: int = Field(default=64, ge=1)
    escalation_dispatch: bool = True
    """Run the webhook dispatcher and the sweep in this process."""
    # --- end escalation (issue 5)

    # --- issue 6: encryption
    encryption_keys: SecretStr | None = None
    """Comma-separated Fernet keys: the first encrypts, all decrypt (make one: `suara keys new`)."""
    encryption_key_file: Path | None = None
    """The generated key used when ENCRYPTION_KEYS is unset; default: <sqlite database>.key."""
    encryption_allow_key_file: bool = False
    """Let `suara serve` use the generated key file instead of ENCRYPTION_KEYS (the demo may)."""
    encryption_address_key: SecretStr | None = None
    """Seals chat ids and phone numbers deterministically (`suara keys new --address`)."""
    # --- end issue 6: encryption

    # --- issue 6: retention
    retention_draft_days: float = Field(default=7, gt=0)
    """Drafts without consent to handle the case, untouched this long, are erased (PROPOSAL)."""
    retention_raw_days: float = Field(default=7, gt=0)
    """Handled raw updates and sent messages older than this are deleted (PROPOSAL)."""
    retention_inactive_days: float = Field(default=90, gt=0)
    """Cases with no activity this long are minimised: free text and files go (PROPOSAL)."""
    retention_chat_message_hours: float = Field(default=48, gt=0)
    """Message ids kept for the quick exit (Telegram deletes only messages under 48 hours)."""
    retention_every_minutes: float = Field(default=60, gt=0)
    """How often the retention job runs (once per period across all processes)."""
    retention_enabled: bool = True
    """Run the retention job from the ticker in this process."""
    # --- end issue 6: retention

    worker_process: bool = False
    """Run turns, sending and timers in a second process, so that this one only takes webhooks
    in (`suara serve` turns it on unless set; tests and the demo keep one process)."""
    worker_nice: int = Field(default=10, ge=0, le=19)
    """How much the worker process gives way to the webhook process when both want the CPU."""
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
