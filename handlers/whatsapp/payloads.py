"""Normalises a Cloud API webhook body into items recorded one by one in the inbox.

Every entry, change, message and status is read (Meta batches them); messages come out in
timestamp order. Older shapes (no `contacts`, integer timestamps, the on-premises top level)
and the business-scoped user ids (`user_id`, `from_user_id`, `recipient_user_id`) are accepted.
A media object's ready `url` is dropped: short-lived links are never stored.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from handlers.json_depth import too_deep

MAX_ID = 512
"""Longer ids are not Meta's: the item is skipped."""


class BadBody(ValueError):
    """The body is not JSON, or not shaped like a webhook body at all."""


@dataclass(frozen=True)
class Item:
    """One message or status, with what is recorded for it."""

    external_id: str
    chat_id: str | None
    timestamp: int
    record: dict[str, Any]
    wa_id: str | None = None
    bsuid: str | None = None

    @property
    def payload(self) -> bytes:
        """Returns the compact JSON of the record."""
        return dump(self.record)


@dataclass
class Notification:
    """Everything a body carried: messages (timestamp order), statuses, errors, what was skipped."""

    messages: list[Item] = field(default_factory=list)
    statuses: list[Item] = field(default_factory=list)
    errors: list[tuple[int | None, str]] = field(default_factory=list)
    skipped: int = 0


def parse(raw: bytes, phone_number_id: str | None) -> Notification:
    """Reads a verified body; raises BadBody when it is not a webhook body."""
    if too_deep(raw):
        raise BadBody("nested too deep")
    try:
        data = json.loads(raw)
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError
        raise BadBody("not JSON") from error
    if not isinstance(data, dict):
        raise BadBody("not a JSON object")
    values, skipped = _values(data, phone_number_id)
    found = Notification(skipped=skipped)
    ordered: list[tuple[int, int, Item]] = []
    for value in values:
        contacts = [c for c in _list(value.get("contacts")) if isinstance(c, dict)]
        for message in _list(value.get("messages")):
            item = _message(message, contacts, value)
            if item is None:
                found.skipped += 1
            else:
                ordered.append((item.timestamp, len(ordered), item))
        for status in _list(value.get("statuses")):
            item = _status(status)
            if item is None:
                found.skipped += 1
            else:
                found.statuses.append(item)
        found.errors.extend(_error(e) for e in _list(value.get("errors")) if isinstance(e, dict))
    found.messages.extend(item for _, _, item in sorted(ordered, key=lambda t: t[:2]))
    return found


def _values(data: dict[str, Any], phone_number_id: str | None) -> tuple[list[dict[str, Any]], int]:
    """Returns the `value` objects of every change about messages, and how many were skipped."""
    if "entry" not in data and any(k in data for k in ("messages", "statuses")):
        return [data], 0  # the on-premises API's top-level shape
    entries = data.get("entry")
    if not isinstance(entries, list):
        raise BadBody("no entry list")
    values, skipped = [], 0
    for entry in entries:
        changes = entry.get("changes") if isinstance(entry, dict) else None
        for change in _list(changes):
            value = change.get("value") if isinstance(change, dict) else None
            field_name = change.get("field", "messages") if isinstance(change, dict) else None
            if not isinstance(value, dict) or field_name != "messages":
                skipped += 1
                continue
            metadata = value.get("metadata")
            number = metadata.get("phone_number_id") if isinstance(metadata, dict) else None
            if phone_number_id and number and str(number) != phone_number_id:
                skipped += 1  # another number of the same app: not ours to answer
                continue
            values.append(value)
    return values, skipped


def _message(message: Any, contacts: list[dict[str, Any]], value: dict[str, Any]) -> Item | None:
    """Returns the item of one inbound message, or None when it has no usable id or sender."""
    if not isinstance(message, dict) or not _ok_id(message.get("id")):
        return None
    contact = _contact_of(message, contacts)
    wa_id = _text(message.get("from")) or _text(contact.get("wa_id"))
    user_id = _text(message.get("from_user_id")) or _text(contact.get("user_id"))
    if not wa_id and not user_id:
        return None
    metadata = _dict(value.get("metadata"))
    record = {
        "type": "message",
        "message": _without_urls(message),
        "wa_id": wa_id,
        "user_id": user_id,
        "phone_number_id": _text(metadata.get("phone_number_id")),
    }
    return Item(str(message["id"]), wa_id or user_id, _timestamp(message), record, wa_id, user_id)


def _status(status: Any) -> Item | None:
    """Returns the item of one status of a message Suara sent, or None when unusable."""
    if not isinstance(status, dict) or not _ok_id(status.get("id")):
        return None
    state = _text(status.get("status"))
    if not state or len(state) > 32:
        return None
    errors = [_error(e) for e in _list(status.get("errors")) if isinstance(e, dict)]
    record = {
        "type": "status",
        "id": str(status["id"]),
        "status": state,
        "timestamp": _timestamp(status),
        "recipient_id": _text(status.get("recipient_id")),
        "recipient_user_id": _text(status.get("recipient_user_id")),
        "errors": [{"code": code, "title": title} for code, title in errors],
    }
    chat = record["recipient_id"] or record["recipient_user_id"]
    external_id = f"status:{status['id']}:{state}"
    return Item(external_id, str(chat) if chat else None, _timestamp(status), record)


def _contact_of(message: dict[str, Any], contacts: list[dict[str, Any]]) -> dict[str, Any]:
    """Returns the sender's entry of `contacts` (matched by either id), or an empty one."""
    for contact in contacts:
        if message.get("from") and contact.get("wa_id") == message.get("from"):
            return contact
        if message.get("from_user_id") and contact.get("user_id") == message.get("from_user_id"):
            return contact
    return contacts[0] if len(contacts) == 1 else {}


def _without_urls(message: dict[str, Any]) -> dict[str, Any]:
    """Returns the message with any ready download link removed from its media object."""
    kind = message.get("type")
    media = _dict(message.get(kind)) if isinstance(kind, str) else {}
    if isinstance(kind, str) and "url" in media and "id" in media:
        return {**message, kind: {k: v for k, v in media.items() if k != "url"}}
    return message


def _error(error: dict[str, Any]) -> tuple[int | None, str]:
    code = error.get("code")
    title = error.get("title") or error.get("message") or ""
    return (code if isinstance(code, int) else _int_or_none(code)), str(title)[:200]


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _timestamp(item: dict[str, Any]) -> int:
    return _int_or_none(item.get("timestamp")) or 0


def _ok_id(value: Any) -> bool:
    return isinstance(value, str | int) and 0 < len(str(value)) <= MAX_ID


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, str | int) and str(value) else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def moment(timestamp: Any) -> dt.datetime:
    """Returns a webhook's Unix timestamp in UTC (now when missing or in the future)."""
    now = dt.datetime.now(dt.UTC)
    try:
        at = dt.datetime.fromtimestamp(int(timestamp), dt.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return now
    return min(at, now) if at.year > 2000 else now


def dump(record: dict[str, Any]) -> bytes:
    """Returns a record as compact JSON (UTF-8)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()
