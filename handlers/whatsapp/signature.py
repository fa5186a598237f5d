"""Meta's X-Hub-Signature-256: HMAC-SHA256 of the raw request body, keyed with the app secret."""

from __future__ import annotations

import hashlib
import hmac
import re
from enum import StrEnum

_HEADER = re.compile(r"sha256=([0-9a-fA-F]{64})")


class Verdict(StrEnum):
    VALID = "valid"
    MISSING = "missing"
    MALFORMED = "malformed"
    WRONG = "wrong"


def sign(body: bytes, secret: bytes) -> str:
    """Returns the header value Meta sends for a body: "sha256=<lowercase hex>"."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify(body: bytes, header: str | None, secret: bytes) -> Verdict:
    """Checks a header against the exact bytes received (never re-encoded JSON)."""
    if not header:
        return Verdict.MISSING
    match = _HEADER.fullmatch(header.strip())
    if match is None:
        return Verdict.MALFORMED
    expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
    given = match[1].lower()
    return Verdict.VALID if hmac.compare_digest(expected, given) else Verdict.WRONG
