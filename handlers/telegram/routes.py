"""POST /webhooks/telegram: check the secret header, record the update, answer 200 at once."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request, Response
from pydantic import SecretStr

from handlers.telegram.processing import MAX_BODY, Processor
from handlers.telegram.updates import BadUpdate

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def secret_status(given: str | None, secret: SecretStr | None) -> int | None:
    """Returns 401 (no header), 403 (wrong, or no secret configured) or None (it matches)."""
    if given is None:
        return 401
    if secret is None:
        return 403
    expected = secret.get_secret_value().encode("utf-8")
    return None if hmac.compare_digest(given.encode("latin-1"), expected) else 403


def build_router(processor: Processor, secret: SecretStr | None) -> APIRouter:
    """Returns the webhook route, bound to the channel's processor and secret."""
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
            await processor.record(body)
        except BadUpdate:
            return Response(status_code=400)
        return Response(status_code=200)

    return router
