"""SQLModel tables of the hand-off: endpoints, escalations, the webhook outbox, caseworkers.

Secrets never live in these rows: endpoint secrets come from the office config, API tokens are
stored as SHA-256 hashes. The case timeline reuses CaseEvent (storage.models).
"""

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.crypto import EncryptedText
from storage.models import JSONDict, JSONList, _Row, _utc, _utc_now


class WebhookEndpoint(_Row, table=True):
    """A caseworker system that receives signed webhooks for one office and level."""

    __tablename__ = "webhook_endpoint"

    name: str = Field(unique=True)
    office: str = Field(index=True)
    level: str = "office"
    url: str
    enabled: bool = True
    disabled_reason: str | None = None
    disabled_at: datetime | None = _utc()
    paused_until: datetime | None = _utc()
    failing_since: datetime | None = _utc()
    consecutive_failures: int = 0
    max_in_flight: int = 8
    updated_at: datetime = _utc_now(on_update=True)


class Escalation(_Row, table=True):
    """The hand-off of one case to people: its level, status and deadlines."""

    __tablename__ = "escalation"
    __table_args__ = (Index(None, "status", "ack_due_at"),)

    case_id: int = Field(foreign_key="case.id", unique=True)
    kind: str
    reasons: list[str] = Field(default_factory=list, sa_type=JSONList)
    urgency: str
    office: str = Field(index=True)
    level: int = 0
    status: str = "open"
    sequence: int = 0
    reminders: int = 0
    opened_count: int = 1
    ack_due_at: datetime | None = _utc()
    delivered_at: datetime | None = _utc()
    acknowledged_at: datetime | None = _utc()
    acknowledged_by: str | None = None
    claimed_by: int | None = Field(default=None, foreign_key="caseworker.id")
    claimed_at: datetime | None = _utc()
    resolved_at: datetime | None = _utc()
    resolution: str | None = None
    version: int = 0
    updated_at: datetime = _utc_now(on_update=True)


class Delivery(_Row, table=True):
    """One signed webhook to send: the outbox row, holding the exact payload that is signed."""

    __tablename__ = "delivery"
    __table_args__ = (
        Index(None, "state", "next_attempt_at"),
        Index(None, "office", "escalation_id"),
    )

    msg_id: str = Field(unique=True)
    escalation_id: int = Field(foreign_key="escalation.id", index=True)
    endpoint_id: int = Field(foreign_key="webhook_endpoint.id", index=True)
    office: str
    event_type: str
    level: int = 0
    payload: str = Field(sa_type=Text)
    state: str = "pending"
    attempts: int = 0
    next_attempt_at: datetime = _utc_now()
    lease_owner: str | None = None
    lease_until: datetime | None = _utc()
    last_status: int | None = None
    last_error: str | None = None
    delivered_at: datetime | None = _utc()
    updated_at: datetime = _utc_now(on_update=True)


class DeliveryAttempt(_Row, table=True):
    """One HTTP attempt of a delivery, append-only."""

    __tablename__ = "delivery_attempt"
    __table_args__ = (UniqueConstraint("delivery_id", "attempt_no"),)

    delivery_id: int = Field(foreign_key="delivery.id")
    attempt_no: int
    started_at: datetime = _utc_now()
    duration_ms: int = 0
    status_code: int = 0
    error_class: str | None = None
    response_excerpt: str | None = None
    worker: str | None = None


class Caseworker(_Row, table=True):
    """A person or a caseworker system acting for one office."""

    __tablename__ = "caseworker"

    name: str
    office: str = Field(index=True)
    role: str = "caseworker"
    """caseworker, supervisor or admin (bot.staff.Role)."""
    system_key: str | None = Field(default=None, unique=True)
    telegram_user_id: str | None = Field(default=None, unique=True)
    """The Telegram user who may press a caseworker group's buttons as this caseworker."""
    email: str | None = Field(default=None, unique=True)
    password_hash: str | None = None
    totp_secret: str | None = Field(default=None, sa_type=EncryptedText)
    totp_last_step: int | None = None
    """The last TOTP time step accepted: a code is good once."""
    locked_until: datetime | None = _utc()
    disabled_at: datetime | None = _utc()
    locale: str = "id"


class ApiToken(_Row, table=True):
    """A bearer token of a caseworker; only its SHA-256 hash is kept."""

    __tablename__ = "api_token"

    caseworker_id: int = Field(foreign_key="caseworker.id", index=True)
    token_hash: str = Field(unique=True)
    prefix: str
    last_used_at: datetime | None = _utc()
    revoked_at: datetime | None = _utc()


class CaseNote(_Row, table=True):
    """Words kept apart from the timeline's codes: a caseworker's note or reply, or a reporter's
    message sent after the report (kind "reporter_message", no caseworker)."""

    __tablename__ = "case_note"

    case_id: int = Field(foreign_key="case.id", index=True)
    caseworker_id: int | None = Field(default=None, foreign_key="caseworker.id")
    kind: str = "note"
    """note, reply (storage.insights.REPLY_KIND) or reporter_message (storage.caseworkers)."""
    text: str = Field(sa_type=EncryptedText)


class InboundCallback(SQLModel, table=True):
    """A signed callback already applied, kept so that a replay gets the same answer."""

    __tablename__ = "inbound_callback"

    webhook_id: str = Field(primary_key=True)
    endpoint: str
    received_at: datetime = _utc_now()
    request_sha256: str
    response_status: int
    response_body: dict[str, Any] = Field(default_factory=dict, sa_type=JSONDict)


class DispatcherLease(SQLModel, table=True):
    """Which process may dispatch webhooks (SQLite runs exactly one dispatcher); also each
    background process's heartbeat, named `heartbeat:<host>:<pid>` (storage.leases.beat)."""

    __tablename__ = "dispatcher_lease"

    name: str = Field(primary_key=True)
    owner: str
    expires_at: datetime = _utc_now()
