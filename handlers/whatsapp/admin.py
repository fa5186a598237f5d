"""`suara check`'s look at WhatsApp: the token is valid, may send, and reaches the phone number.

Two Graph API reads through WHATSAPP_API_BASE_URL: `debug_token` for validity and scopes, and the
phone number id itself; the token travels in the Authorization header and is never printed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from bot.settings import Settings
from handlers.whatsapp.client import json_object

SEND_SCOPE = "whatsapp_business_messaging"
"""The permission a token needs to send messages."""


def check(settings: Settings) -> tuple[bool | None, str]:
    """Returns what `suara check` says of the token: ok, failed or not configured (None)."""
    wa = settings.whatsapp
    if wa.access_token is None or not wa.phone_number_id:
        return None, "not configured (WHATSAPP_ACCESS_TOKEN or WHATSAPP_PHONE_NUMBER_ID unset)"
    token = wa.access_token.get_secret_value()
    headers = {"Authorization": f"Bearer {token}"}
    base = wa.api_base_url.rstrip("/")
    try:
        with httpx.Client(base_url=base, headers=headers, timeout=wa.timeout_seconds) as client:
            debug = client.get("/debug_token", params={"input_token": token})
            number = client.get(f"/{wa.phone_number_id}", params={"fields": "id"})
    except httpx.HTTPError as error:
        return False, f"Graph API unreachable ({type(error).__name__})"
    if debug.status_code != httpx.codes.OK:
        return False, f"debug_token refused: {_title(debug)}"
    data: dict[str, Any] = json_object(debug).get("data") or {}
    if not data.get("is_valid"):
        return False, "the access token is not valid (expired or revoked)"
    scopes = [str(scope) for scope in data.get("scopes") or []]
    if SEND_SCOPE not in scopes:
        return False, f"the access token lacks {SEND_SCOPE} (it has: {', '.join(scopes) or 'none'})"
    if number.status_code != httpx.codes.OK:
        return False, f"phone number id {wa.phone_number_id} not reachable: {_title(number)}"
    expires = int(data.get("expires_at") or 0)
    until = f", expires {dt.datetime.fromtimestamp(expires, dt.UTC):%Y-%m-%d}" if expires else ""
    return True, f"token valid with {SEND_SCOPE}{until}; phone number id {wa.phone_number_id}"


def _title(response: httpx.Response) -> str:
    """Returns Meta's error message, or the HTTP status."""
    error = json_object(response).get("error")
    message = error.get("message") if isinstance(error, dict) else None
    return f"{response.status_code} {message or response.reason_phrase}"
