"""POST /webhooks/telegram: check the secret header, record the update, answer 200 at once.

While the database is down or silent the answer is 503 within DATABASE_RECORD_WAIT_SECONDS:
Telegram sends the update again later, and the update's id keeps a repeat from counting twice.
"""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request, Response
from pydantic import SecretStr

from handlers.telegram.processing import MAX_BODY, Processor
from handlers.telegram.updates import BadUpdate
from handlers.unavailable import DatabaseDown, Outage, unavailable, within

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def secret_status(given: str | None, secret: SecretStr | None) -> int | None:
    """Returns 401 (no header), 403 (wrong, or no secret configured) or None (it matches)."""
    if given is None:
        return 401
    if secret is None:
        return 403
    expected = secret.get_secret_value().encode("utf-8")
    return None if hmac.compare_digest(given.encode("latin-1"), expected) else 403


def build_router(
    processor: Processor, secret: SecretStr | None, outage: Outage, wait_seconds: float
) -> APIRouter:
    """Returns the webhook route, bound to the channel's processor, secret and outage log."""
    router = APIRouter(tags=["telegram"])

    @router.post("/webhooks/telegram")
    async def telegram_webhook(request: Request) -> Response:
        """Takes one update from Telegram; processing happens after the answer."""
        refused = secret_status(request.headers.get(SECRET_HEADER), secret)
        if refused is not None:
            return Response(status_code=refused)
        body = await request.body()
        if len(body) > MAX_BODY:
            return Response(status_code=413)
        try:
            await within(processor.record(body), wait_seconds, outage, "telegram webhook")
        except BadUpdate:
            return Response(status_code=400)
        except DatabaseDown:
            return unavailable()
        return Response(status_code=200)

    return router
