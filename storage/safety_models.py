"""Tables for reporter safety and data protection: rights requests, chat message ids, job runs."""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.crypto import SealedText
from storage.models import _Row, _utc, _utc_now


class DataRequest(_Row, table=True):
    """A reporter's data-rights request (see, correct, delete, withdraw, restrict), due in 72 h."""

    __tablename__ = "data_request"
    __table_args__ = (Index(None, "status", "due_at"),)

    reporter_id: int = Field(foreign_key="reporter.id", index=True)
    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    kind: str
    status: str = "open"
    channel: str
    locale: str
    purpose: str | None = None
    due_at: datetime = _utc_now()
    escalate_at: datetime = _utc_now()
    escalated_at: datetime | None = _utc()
    resolved_at: datetime | None = _utc()
    resolved_by: str | None = None
    outcome: str | None = None


class ChatMessage(_Row, table=True):
    """A message id in a private chat, kept for 48 h so that a quick exit can delete it."""

    __tablename__ = "chat_message"
    __table_args__ = (
        UniqueConstraint("channel", "chat_id", "message_id", "direction"),
        Index(None, "channel", "chat_id", "at"),
    )

    channel: str
    chat_id: str = Field(sa_type=SealedText)
    message_id: str
    direction: str
    at: datetime = _utc_now()


class JobRun(SQLModel, table=True):
    """The last run of a scheduled job (retention, reminders), so that restarts resume it."""

    __tablename__ = "job_run"

    name: str = Field(primary_key=True)
    last_started_at: datetime | None = _utc()
    last_finished_at: datetime | None = _utc()
    last_count: int = 0
    last_error: str | None = None
