"""The WhatsApp Cloud API channel: webhook, client, sender; on only when configured."""

from __future__ import annotations

from fastapi import FastAPI

from bot.core import Core
from bot.envelopes import Channel
from bot.whatsapp.recording import Memo
from handlers.unavailable import outage_of
from handlers.webhook_routes import add_webhook_routes
from handlers.whatsapp import routes
from handlers.whatsapp.client import GraphClient
from handlers.whatsapp.intake import Intake
from handlers.whatsapp.sender import Pacer, Template, WhatsAppSender
from handlers.whatsapp.translate import Translator
from handlers.whatsapp.window import WindowBook


def register(core: Core, app: FastAPI) -> None:
    """Adds the channel when the access token, app secret and phone number id are all set."""
    settings = core.settings
    token, secret = settings.whatsapp.access_token, settings.whatsapp.app_secret
    phone_number_id = settings.whatsapp.phone_number_id
    if token is None or secret is None or not phone_number_id:
        return
    client = GraphClient(
        base_url=settings.whatsapp.api_base_url,
        token=token.get_secret_value(),
        phone_number_id=phone_number_id,
        timeout=settings.whatsapp.timeout_seconds,
    )
    languages = tuple(
        x.strip() for x in settings.whatsapp.template_language.split(",") if x.strip()
    )
    template = Template(settings.whatsapp.template_name, languages or ("id",))
    pacer = Pacer(settings.whatsapp.pair_burst, settings.whatsapp.pair_interval_seconds)
    memo = Memo()  # senders' chats and open windows; a closed window is forgotten here too
    windows = WindowBook(core.engine, memo)
    sender = WhatsAppSender(client, core.engine, windows, template, pacer)
    translator = Translator(core, client, windows, mark_read=settings.whatsapp.mark_read)
    core.add_channel(Channel.WHATSAPP, sender, translator)
    verify_token = settings.whatsapp.verify_token
    intake = Intake(
        core,
        app_secret=secret.get_secret_value(),
        verify_token=verify_token.get_secret_value() if verify_token else None,
        phone_number_id=phone_number_id,
        memo=memo,
        outage=outage_of(app),
    )
    app.state.whatsapp = intake
    core.inbox.schedulers[Channel.WHATSAPP] = intake.schedule
    add_webhook_routes(app, routes.router)
    core.on_stop.extend((intake.close, client.aclose))
