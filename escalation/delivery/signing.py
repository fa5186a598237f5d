"""Standard Webhooks v1 signing and verification (HMAC-SHA256, whsec_ secrets, rotation)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping

PREFIX = "whsec_"
TOLERANCE = dt.timedelta(minutes=5)


class VerificationError(Exception):
    """A signed request is missing headers, malformed, too old or signed with another key."""


def decode_secret(secret: str) -> bytes:
    """Returns the key bytes of a `whsec_<base64>` secret; raises ValueError when malformed."""
    if not secret.startswith(PREFIX):
        raise ValueError("a webhook secret starts with whsec_")
    try:
        key = base64.b64decode(secret[len(PREFIX) :], validate=True)
    except binascii.Error as error:
        raise ValueError("a webhook secret is base64 after whsec_") from error
    if len(key) < 24:
        raise ValueError("a webhook secret holds at least 24 random bytes")
    return key


def new_secret() -> str:
    """Returns a fresh secret of 32 random bytes, as whsec_<base64>."""
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signature(key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    """Returns one `v1,<base64>` signature of id.timestamp.body."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def sign(keys: Iterable[bytes], msg_id: str, timestamp: int, body: bytes) -> str:
    """Returns the webhook-signature header: one signature per key, space-separated."""
    return " ".join(signature(key, msg_id, timestamp, body) for key in keys)


def unix(moment: dt.datetime) -> int:
    """Returns whole Unix seconds of an aware moment (converted, never relabelled)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime; pass an aware UTC moment")
    return int(moment.timestamp())


def headers(keys: Iterable[bytes], msg_id: str, body: bytes, now: dt.datetime) -> dict[str, str]:
    """Returns the three Standard Webhooks headers for one attempt."""
    stamp = unix(now)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": sign(keys, msg_id, stamp, body),
    }


def verify(
    keys: Iterable[bytes],
    body: bytes,
    received: Mapping[str, str],
    now: dt.datetime,
    tolerance: dt.timedelta = TOLERANCE,
) -> str:
    """Checks a signed request and returns its webhook-id; raises VerificationError."""
    msg_id = received.get("webhook-id", "")
    stamp_text = received.get("webhook-timestamp", "")
    header = received.get("webhook-signature", "")
    if not msg_id or not stamp_text or not header or "." in msg_id:
        raise VerificationError("missing or malformed webhook headers")
    try:
        stamp = int(stamp_text)
    except ValueError as error:
        raise VerificationError("malformed webhook-timestamp") from error
    if abs(unix(now) - stamp) > tolerance.total_seconds():
        raise VerificationError("webhook-timestamp outside the tolerance")
    offered = [part.partition(",") for part in header.split()]
    for key in keys:
        expected = signature(key, msg_id, stamp, body).encode()
        for version, comma, value in offered:
            if version == "v1" and comma and hmac.compare_digest(expected, f"v1,{value}".encode()):
                return msg_id
    raise VerificationError("no matching signature")
