"""The WhatsApp webhook routes: the subscription handshake and the notifications."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse

from handlers.unavailable import unavailable
from handlers.whatsapp.intake import MAX_BODY, Intake

router = APIRouter(tags=["whatsapp"])
PATH = "/webhooks/whatsapp"


def intake_of(request: Request) -> Intake:
    """Returns the app's WhatsApp intake."""
    intake: Intake = request.app.state.whatsapp
    return intake


@router.get(PATH, response_class=PlainTextResponse)
def verify(request: Request) -> PlainTextResponse:
    """Echoes hub.challenge when hub.verify_token is ours; 403 otherwise."""
    query = request.query_params
    if intake_of(request).subscribe(query.get("hub.mode"), query.get("hub.verify_token")):
        return PlainTextResponse(query.get("hub.challenge", ""))
    return PlainTextResponse("forbidden", status_code=403)


@router.post(PATH)
async def receive(request: Request) -> Response:
    """Records a signed notification; 200 only once every item in it is stored."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return Response(status_code=413)
    raw = await request.body()
    status = await intake_of(request).accept(raw, request.headers.get("x-hub-signature-256"))
    return unavailable() if status == 503 else Response(status_code=status)
