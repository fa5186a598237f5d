"""Settings from the environment or `.env`, one group per concern; secrets are SecretStr.

Every field is read from the environment variable named by its group's prefix and the field
name in upper case (or by its own alias), so `settings.telegram.bot_token` is TELEGRAM_BOT_TOKEN;
an invalid value's error names that variable.
"""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.settings.common import PLACEHOLDERS, packaged_config
from bot.settings.groups import (
    ConsoleSettings,
    DatabaseSettings,
    DemoSettings,
    EscalationSettings,
    FileSettings,
    LogFormat,
    ObservabilitySettings,
    SafetySettings,
    ServerSettings,
    TelegramDriver,
    TelegramSettings,
    WhatsAppSettings,
    WorkerSettings,
)

__all__ = [
    "PLACEHOLDERS",
    "ConsoleSettings",
    "DatabaseSettings",
    "DemoSettings",
    "EscalationSettings",
    "FileSettings",
    "LogFormat",
    "ObservabilitySettings",
    "SafetySettings",
    "ServerSettings",
    "Settings",
    "TelegramDriver",
    "TelegramSettings",
    "WhatsAppSettings",
    "WorkerSettings",
    "packaged_config",
]


class Settings(BaseModel):
    """Every setting Suara reads, one group per concern; each group reads its own variables."""

    model_config = ConfigDict(extra="forbid")

    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    files: FileSettings = Field(default_factory=FileSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    whatsapp: WhatsAppSettings = Field(default_factory=WhatsAppSettings)
    escalation: EscalationSettings = Field(default_factory=EscalationSettings)
    safety: SafetySettings = Field(default_factory=SafetySettings)
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    observability: ObservabilitySettings = Field(default_factory=ObservabilitySettings)
    demo: DemoSettings = Field(default_factory=DemoSettings)
    console: ConsoleSettings = Field(default_factory=ConsoleSettings)

    @model_validator(mode="after")
    def _under_data_dir(self) -> Self:
        """Puts the database, the file store and the metrics files in SUARA_DATA_DIR unless set."""
        data = self.files.data_dir
        if "url" not in self.database.model_fields_set:
            name = "demo.db" if self.demo.enabled else "suara.db"
            url = f"sqlite:///{(data / name).as_posix()}"
            self.database = self.database.model_copy(update={"url": url})
        if "store" not in self.files.model_fields_set:
            self.files = self.files.model_copy(update={"store": data / "files"})
        if "metrics_dir" not in self.observability.model_fields_set:
            metrics = self.observability.model_copy(update={"metrics_dir": data / "metrics"})
            self.observability = metrics
        return self
