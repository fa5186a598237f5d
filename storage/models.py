"""SQLModel tables: reporters, conversations, the inbox, cases, their audit trail and the outbox.

Statuses, channels and kinds are stored as plain strings; callers pass their StrEnum members.
JSON columns track top-level changes only: reassign or copy nested values before changing them.
Columns that can hold personal data or free text are encrypted (storage.crypto); the ones used
for search and routing stay plain.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, UniqueConstraint, text
from sqlalchemy.ext.mutable import MutableDict, MutableList
from sqlmodel import Field, SQLModel

from storage.crypto import EncryptedBytes, EncryptedDict, EncryptedText, SealedText
from storage.types import UTCDateTime, utcnow

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSONDict = MutableDict.as_mutable(JSON())
JSONList = MutableList.as_mutable(JSON())


_PENDING_ROWS = text("status = 'pending'")
"""The inbox rows still to process: the condition of their partial index."""


def _utc(*, index: bool = False, on_update: bool = False) -> Any:
    """Declare a nullable UTC timestamp column."""
    kwargs = {"onupdate": utcnow} if on_update else {}
    return Field(default=None, sa_type=UTCDateTime, index=index, sa_column_kwargs=kwargs)


def _utc_now(*, on_update: bool = False) -> Any:
    """Declare a required UTC timestamp column that defaults to now."""
    kwargs = {"onupdate": utcnow} if on_update else {}
    return Field(default_factory=utcnow, sa_type=UTCDateTime, sa_column_kwargs=kwargs)


class _Row(SQLModel):
    """Columns every table shares: an integer id and the UTC creation time."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = _utc_now()


class Reporter(_Row, table=True):
    """A person writing to the bot on one channel."""

    __tablename__ = "reporter"
    __table_args__ = (UniqueConstraint("channel", "channel_user_id"),)

    channel: str
    channel_user_id: str = Field(sa_type=SealedText)
    locale: str | None = None
    referral: str | None = None
    unreachable: bool = False
    unreachable_at: datetime | None = _utc()
    wa_window_until: datetime | None = _utc()
    code_word_hash: str | None = None
    code_word_failures: int = 0
    safe_times: list[str] = Field(default_factory=list, sa_type=JSONList)
    utc_offset_minutes: int | None = None
    restricted_at: datetime | None = _utc()
    erased_at: datetime | None = _utc()


class Conversation(_Row, table=True):
    """One chat's place in a flow plus the engine's serialised state."""

    __tablename__ = "conversation"
    __table_args__ = (UniqueConstraint("channel", "chat_id"),)

    reporter_id: int = Field(foreign_key="reporter.id", index=True)
    channel: str
    chat_id: str = Field(sa_type=SealedText)
    flow_id: str = ""
    step_id: str = ""
    status: str = "active"
    state: dict[str, Any] = Field(default_factory=dict, sa_type=EncryptedDict)
    version: int = 0
    last_inbound_at: datetime | None = _utc()
    next_timer_at: datetime | None = _utc(index=True)
    timer_kind: str | None = None
    updated_at: datetime = _utc_now(on_update=True)


class InboundUpdate(_Row, table=True):
    """A channel update exactly as received: the durable inbox and the dedupe key."""

    __tablename__ = "inbound_update"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        Index(None, "status", "received_at"),
        Index(None, "status", "id"),  # claims read pending rows in id order, unsorted
        # PostgreSQL's planner walks the primary key past every processed row without this.
        Index(
            "ix_inbound_update_pending",
            "id",
            sqlite_where=_PENDING_ROWS,
            postgresql_where=_PENDING_ROWS,
        ),
        Index(None, "channel", "chat_id", "status"),
    )

    channel: str
    external_id: str
    chat_id: str | None = Field(default=None, sa_type=SealedText)
    payload: bytes = Field(sa_type=EncryptedBytes)
    received_at: datetime = _utc_now()
    processed_at: datetime | None = _utc()
    status: str = "pending"
    attempts: int = 0
    error: str | None = None
    step_id: str | None = None
    next_attempt_at: datetime | None = _utc()
    lease_owner: str | None = None
    """The process that claimed the update to process it (None: free to claim)."""
    lease_until: datetime | None = _utc()
    """When the claim lapses unless its owner renews it (the owner died: another may take it)."""


class Case(_Row, table=True):
    """A complaint: the reporter's answers, triage results and routing."""

    __tablename__ = "case"
    __table_args__ = (Index(None, "status", "urgency"),)

    reference: str = Field(unique=True)
    conversation_id: int = Field(foreign_key="conversation.id", index=True)
    reporter_id: int = Field(foreign_key="reporter.id", index=True)
    status: str = "draft"
    reporter_role: str | None = None
    primary_category: str | None = None
    categories: list[str] = Field(default_factory=list, sa_type=JSONList)
    urgency: str = "P3"
    urgency_triggers: list[str] = Field(default_factory=list, sa_type=JSONList)
    destination_country: str | None = None
    home_regency: str | None = None
    lead_office: str | None = None
    liaison_office: str | None = None
    copy_offices: list[str] = Field(default_factory=list, sa_type=JSONList)
    locale: str
    channel: str
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=EncryptedDict)
    needs_human: bool = False
    submitted_at: datetime | None = _utc()
    legal_hold: bool = False
    legal_hold_reason: str | None = None
    minimised_at: datetime | None = _utc()
    erased_at: datetime | None = _utc()
    updated_at: datetime = _utc_now(on_update=True)


class CaseEvent(_Row, table=True):
    """One entry of a case's append-only audit timeline."""

    __tablename__ = "case_event"

    case_id: int = Field(foreign_key="case.id", index=True)
    type: str
    actor: str
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSONDict)
    at: datetime = _utc_now()


class Attachment(_Row, table=True):
    """A file, or a shared contact or place, received in a conversation; captions encrypted."""

    __tablename__ = "attachment"

    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    conversation_id: int = Field(foreign_key="conversation.id", index=True)
    step_id: str | None = None
    kind: str
    mime_type: str | None = None
    size_bytes: int = 0
    sha256: str | None = None
    path: str | None = None
    status: str = "stored"
    external_ref: str | None = None
    clean_path: str | None = None
    clean_sha256: str | None = None
    caption: str | None = Field(default=None, sa_type=EncryptedText)
    """The words sent with the file, kept with it."""
    shared: dict[str, Any] | None = Field(default=None, sa_type=EncryptedDict)
    """A shared contact's phone (and whose it is) or a place's coordinates."""


class OutboxMessage(_Row, table=True):
    """A rendered message waiting to be sent; id is the per-chat sending order."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index(None, "status", "next_attempt_at"),
        Index(None, "status", "id"),  # claims read unsettled rows in id order, unsorted
        Index(None, "channel", "chat_id", "status"),
    )

    conversation_id: int | None = Field(default=None, foreign_key="conversation.id", index=True)
    channel: str
    chat_id: str = Field(sa_type=SealedText)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=EncryptedDict)
    status: str = "pending"
    attempts: int = 0
    next_attempt_at: datetime = _utc_now()
    lease_until: datetime | None = _utc()
    lease_owner: str | None = None
    """The process sending the message; its outcome is written only under this owner."""
    external_id: str | None = None
    error: str | None = None
    sent_at: datetime | None = _utc()
    parts_sent: int = 0
    """How many parts of a split message the channel already took: a retry sends the rest."""


class Consent(_Row, table=True):
    """A consent answer, with the wording version and language it was given in."""

    __tablename__ = "consent"

    reporter_id: int = Field(foreign_key="reporter.id", index=True)
    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    purpose: str
    recipient: str | None = None
    text_version: str
    locale: str
    channel: str
    answer: str
    actor: str = "self"
    at: datetime = _utc_now()


class ReferenceCounter(SQLModel, table=True):
    """The last case number handed out in a year."""

    __tablename__ = "reference_counter"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_value: int = 0
    created_at: datetime = _utc_now()
