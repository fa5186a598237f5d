"""Cloud API webhook bodies built from Meta's field definitions, encoded and signed as Meta does.

Meta sends ASCII-only JSON (every non-ASCII code point as a lowercase \\uXXXX escape, slashes as
\\/) and signs exactly those bytes: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret)>`.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any

from fake_graph import PHONE_NUMBER_ID

APP_SECRET = "test-app-secret-4c1d8e"
VERIFY_TOKEN = "test-verify-token-77aa"
WABA_ID = "102290129340398"
DISPLAY_NUMBER = "15550783881"

_ids = itertools.count(1)


def meta_bytes(body: dict[str, Any]) -> bytes:
    """Returns a body encoded the way Meta sends it."""
    text = json.dumps(body, ensure_ascii=True, separators=(",", ":"))
    return text.replace("/", "\\/").encode("ascii")


def sign(raw: bytes, secret: str = APP_SECRET) -> str:
    """Returns the X-Hub-Signature-256 value for exact bytes."""
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def wamid() -> str:
    """Returns a fresh inbound message id."""
    return f"wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFDNBN0{next(_ids):012d}AA=="


def now() -> str:
    """Returns the current Unix time as Meta writes it (a string)."""
    return str(int(time.time()))


def envelope(*values: dict[str, Any]) -> dict[str, Any]:
    """Returns a body with one entry and one `messages` change per value."""
    changes = [{"value": value, "field": "messages"} for value in values]
    return {"object": "whatsapp_business_account", "entry": [{"id": WABA_ID, "changes": changes}]}


def value(
    *,
    messages: list[dict[str, Any]] | None = None,
    statuses: list[dict[str, Any]] | None = None,
    contacts: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Returns one change value from our business number."""
    found: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": DISPLAY_NUMBER, "phone_number_id": PHONE_NUMBER_ID},
    }
    if contacts is not None:
        found["contacts"] = contacts
    if messages is not None:
        found["messages"] = messages
    if statuses is not None:
        found["statuses"] = statuses
    return found


def contact(wa_id: str | None, name: str = "Sari", bsuid: str | None = None) -> dict[str, Any]:
    """Returns a `contacts` entry (a BSUID adds `user_id`)."""
    found: dict[str, Any] = {"profile": {"name": name}}
    if wa_id:
        found["wa_id"] = wa_id
    if bsuid:
        found["user_id"] = bsuid
    return found


def message(
    sender: str | None,
    kind: str,
    content: dict[str, Any],
    *,
    bsuid: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Returns one inbound message of a type with its content object."""
    found: dict[str, Any] = {"id": extra.pop("id", None) or wamid(), "timestamp": now()}
    if sender:
        found["from"] = sender
    if bsuid and not sender:
        found["from_user_id"] = bsuid
    found.update(extra)
    found |= {"type": kind, kind: content}
    return found


def text(sender: str, body: str, **extra: Any) -> dict[str, Any]:
    """Returns a text message."""
    return message(sender, "text", {"body": body}, **extra)


def reply(sender: str, kind: str, choice_id: str, title: str, context_id: str) -> dict[str, Any]:
    """Returns a tapped reply button (`button_reply`) or list row (`list_reply`)."""
    content = {"type": kind, kind: {"id": choice_id, "title": title}}
    context = {"from": DISPLAY_NUMBER, "id": context_id}
    return message(sender, "interactive", content, context=context)


def image(sender: str, media_id: str, sha256: str, caption: str | None = None) -> dict[str, Any]:
    """Returns a photo message."""
    content = {"mime_type": "image/jpeg", "sha256": sha256, "id": media_id}
    if caption:
        content["caption"] = caption
    return message(sender, "image", content)


def voice(sender: str, media_id: str, sha256: str) -> dict[str, Any]:
    """Returns a voice note."""
    content = {"mime_type": "audio/ogg; codecs=opus", "sha256": sha256, "id": media_id}
    return message(sender, "audio", {**content, "voice": True})


def status(
    wamid_: str, state: str, recipient: str, errors: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Returns one status of a message the business sent."""
    found: dict[str, Any] = {
        "id": wamid_,
        "status": state,
        "timestamp": now(),
        "recipient_id": recipient,
    }
    if state != "failed":
        found["pricing"] = {
            "billable": False,
            "pricing_model": "PMP",
            "category": "service",
            "type": "free_customer_service",
        }
    if errors:
        found["errors"] = errors
    return found


def error_131047() -> dict[str, Any]:
    """Returns the error object of a message refused outside the 24-hour window."""
    return {
        "code": 131047,
        "title": "Re-engagement message",
        "message": "Re-engagement message",
        "error_data": {
            "details": "Message failed to send because more than 24 hours have passed since "
            "the customer last replied to this number."
        },
        "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
    }
