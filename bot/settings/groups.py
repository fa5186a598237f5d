"""The settings groups, one per concern; each reads its own environment variables."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings

from bot.settings.common import Secret, group_config, packaged_config
from storage.db import Timeouts


class TelegramDriver(StrEnum):
    PTB = "ptb"
    AIOGRAM = "aiogram"


class DatabaseSettings(BaseSettings):
    """Where cases, conversations and the queues are stored."""

    model_config = group_config("database_")

    url: str = "sqlite:///var/suara.db"
    """SQLite file, or `postgresql+psycopg://user@host/db`; unset: `suara.db` in SUARA_DATA_DIR."""
    connect_timeout_seconds: float = Field(default=2.0, gt=0, le=60)
    """How long opening a PostgreSQL connection may take (libpq: whole seconds, 2 at least)."""
    statement_timeout_seconds: float = Field(default=5.0, gt=0, le=600)
    """Longest statement of the web process (PostgreSQL); SQLite's wait for a lock."""
    worker_statement_timeout_seconds: float = Field(default=30.0, gt=0, le=3600)
    """Longest statement of the worker process and of `suara` commands (retention, sweeps)."""
    record_wait_seconds: float = Field(default=1.5, gt=0, le=30)
    """How long a webhook waits for its update to be recorded before it answers 503."""

    def timeouts(self, *, worker: bool = False) -> Timeouts:
        """Returns the timeouts an engine of the web process (or of the worker) opens with."""
        statement = (
            self.worker_statement_timeout_seconds if worker else self.statement_timeout_seconds
        )
        return Timeouts(self.connect_timeout_seconds, statement)


class FileSettings(BaseSettings):
    """Files on disk: the data directory, evidence and the help numbers."""

    model_config = group_config("file_")

    data_dir: Path = Field(default=Path("var"), validation_alias="SUARA_DATA_DIR")
    """Where every data path not set on its own lives: the SQLite file, the file store, keys."""
    store: Path = Path("var/files")
    """Where evidence files are kept (named by sha256); unset: `files` in SUARA_DATA_DIR."""
    help_contacts_file: Path = Field(
        default_factory=lambda: packaged_config("help_contacts.toml"),
        validation_alias="HELP_CONTACTS_FILE",
    )
    """Help numbers per country, with a last-verified date (unset: the packaged copy)."""


class ServerSettings(BaseSettings):
    """How the outside world reaches this server."""

    model_config = group_config()

    public_base_url: str = "http://127.0.0.1:8000"
    """The public base URL links and the demo inbox endpoint are built on."""
    forwarded_allow_ips: str = "127.0.0.1"
    """Comma-separated proxy addresses (or `*`) whose X-Forwarded-For and -Proto are believed."""


class TelegramSettings(BaseSettings):
    """The Telegram channel: bot credentials, webhook or polling, and send pacing."""

    model_config = group_config("telegram_")

    bot_token: Secret = None
    webhook_secret: Secret = None
    api_base_url: str = "https://api.telegram.org"
    driver: TelegramDriver = TelegramDriver.PTB
    webhook_url: str | None = None
    """Public https URL Telegram posts updates to; unset (with a token): long polling."""
    max_connections: int = Field(default=40, ge=1, le=100)
    poll_timeout: int = Field(default=25, ge=0, le=50)
    chat_rate: float = Field(default=1.0, gt=0)
    """Messages per second to one chat, after a burst of TELEGRAM_CHAT_BURST."""
    chat_burst: int = Field(default=3, ge=1)
    overall_rate: float = Field(default=30.0, gt=0)
    """Messages per second to all chats together."""


class WhatsAppSettings(BaseSettings):
    """The WhatsApp Cloud API channel: credentials, the template, and send pacing."""

    model_config = group_config("whatsapp_")

    access_token: Secret = None
    app_secret: Secret = None
    verify_token: Secret = None
    phone_number_id: str | None = None
    api_base_url: str = "https://graph.facebook.com/v23.0"
    template_name: str = "suara_pesan_baru"
    """Approved utility template (no variables) sent instead of free text outside the window."""
    template_language: str = "id,en"
    """Languages the template is approved in; the reporter's if listed, else the first."""
    pair_burst: int = Field(default=20, ge=1)
    """Messages sent to one reporter back to back before pacing (Meta's pair rate limit)."""
    pair_interval_seconds: float = Field(default=6.0, ge=0)
    """One more message to the same reporter per this many seconds once the burst is used."""
    mark_read: bool = False
    """Send read receipts (blue ticks); off, since an onlooker may read them too."""
    timeout_seconds: float = Field(default=15.0, gt=0)


class EscalationSettings(BaseSettings):
    """Hand-off to caseworkers: offices, signed webhooks and their delivery queue."""

    model_config = group_config("escalation_")

    webhook_url: str | None = None
    webhook_secret: Secret = None
    offices_file: Path = Field(default_factory=lambda: packaged_config("offices.toml"))
    """Offices, their webhook endpoints by level, and the acknowledgement deadlines (unset: the
    packaged copy)."""
    allow_private_targets: bool = Field(
        default=False, validation_alias="ALLOW_PRIVATE_WEBHOOK_TARGETS"
    )
    """Allow http and private or loopback webhook targets: tests and the demo only."""
    request_timeout_seconds: float = Field(default=15.0, gt=0, le=30)
    connect_timeout_seconds: float = Field(default=3.0, gt=0)
    retry_schedule: tuple[float, ...] = (
        5, 30, 120, 300, 900, 1800, 3600, 7200, 14400, 28800, 43200, 86400,
    )  # fmt: skip
    """Seconds after each failed attempt (+-20 % jitter); after the last one: dead letter."""
    retry_floor_seconds: float = Field(default=60.0, ge=0)
    """Least wait after a 429, 502, 503, 504 or a timeout."""
    lease_seconds: float = Field(default=60.0, gt=0)
    """How long a dispatcher holds a delivery before another may take it."""
    poll_seconds: float = Field(default=1.0, gt=0)
    """How often the dispatcher looks for due deliveries."""
    sweep_seconds: float = Field(default=15.0, gt=0)
    """How often the sweep checks acknowledgement deadlines."""
    concurrency: int = Field(default=64, ge=1)
    """Deliveries in flight at once."""
    dispatch: bool = True
    """Run the webhook dispatcher and the sweep in this process."""


class SafetySettings(BaseSettings):
    """Encryption at rest, its keys, and how long personal data is kept."""

    model_config = group_config()

    encryption_keys: SecretStr | None = None
    """Comma-separated Fernet keys: the first encrypts, all decrypt (make one: `suara keys new`)."""
    encryption_key_file: Path | None = None
    """The generated key used when ENCRYPTION_KEYS is unset; default: <sqlite database>.key."""
    encryption_allow_key_file: bool = False
    """Let `suara serve` use the generated key file instead of ENCRYPTION_KEYS (the demo may)."""
    encryption_address_key: SecretStr | None = None
    """Seals chat ids and phone numbers deterministically (`suara keys new --address`)."""
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


class WorkerSettings(BaseSettings):
    """The background work: the worker process, timers and the outbox."""

    model_config = group_config("worker_")

    process: bool = False
    """Run turns, sending and timers in a second process, so that this one only takes webhooks
    in (`suara serve` turns it on unless set; tests and the demo keep one process)."""
    nice: int = Field(default=10, ge=0, le=19)
    """How much the worker process gives way to the webhook process when both want the CPU."""
    timer_tick_seconds: float = Field(default=30.0, gt=0, validation_alias="TIMER_TICK_SECONDS")
    """How often reminders, expiries and the inbox retry are checked."""
    outbox_lease_seconds: float = Field(default=5, gt=0, validation_alias="OUTBOX_LEASE_SECONDS")
    """How long a sender's claim on an outgoing message lasts unless renewed (it renews it while
    sending): a sender that died leaves its message to another process for this long at most."""
    inbox_lease_seconds: float = Field(default=5, gt=0, validation_alias="INBOX_LEASE_SECONDS")
    """How long a worker's claim on a received update lasts unless renewed (it renews it while
    working): the updates of a worker that died wait this long at most for another."""


class LogFormat(StrEnum):
    PLAIN = "plain"
    JSON = "json"


class ObservabilitySettings(BaseSettings):
    """What operators watch: the /metrics scrape and the log format."""

    model_config = group_config()

    metrics_token: Secret = None
    """Bearer token that opens GET /metrics on the main port; unset: no /metrics there."""
    metrics_bind: str | None = None
    """`host:port` of a separate, unauthenticated /metrics listener (keep it on loopback)."""
    metrics_dir: Path = Path("var/metrics")
    """Where web and worker keep counters for one scrape; unset: `metrics` in SUARA_DATA_DIR."""
    log_format: LogFormat = LogFormat.PLAIN
    """`plain` (one line, ids as key=value after the message) or `json` (one object a line)."""

    @property
    def metrics_on(self) -> bool:
        """Whether any /metrics is served."""
        return self.metrics_token is not None or bool(self.metrics_bind)


class DemoSettings(BaseSettings):
    """The local demo: browser chat, case pages and caseworker inbox."""

    model_config = group_config()

    enabled: bool = Field(default=False, validation_alias="DEMO")
    """Serve the demo chat and pages (set by `suara demo`)."""


class ConsoleSettings(BaseSettings):
    """How long console sessions and sign-in links live, and how sign-in is throttled."""

    model_config = group_config("CONSOLE_")

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
