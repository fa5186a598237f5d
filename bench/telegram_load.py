"""Simulated Telegram reporters for the webhook benchmark: one whole report each."""

from __future__ import annotations

import json
import time
from typing import Any

from corpus import Builder
from webhook_load import Reporter

SECRET = "bench-webhook-secret_0123456789"
PHOTO = "AgACAgUAAxkBAAIBbench-x"
REPORT: list[tuple[str, str]] = [
    ("cmd", "/start"), ("tap", "danger.no"), ("tap", "safe_now.safe"), ("tap", "role.worker"),
    ("tap", "consent.agree"), ("tap", "self_country.MY"), ("say", "Johor Bahru"),
    ("tap", "self_help.wages"), ("tap", "cmd:done"), ("say", "1, 2"),
    ("tap", "self_freedom.both"), ("say", "3"), ("say", "RM 4.500"),
    ("say", "Majikan menahan paspor saya, gaji belum dibayar sejak Agustus."), ("say", "Sari"),
    ("tap", "self_contact.this_chat"), ("tap", "self_times.evening"),
    ("tap", "self_regency.Indramayu"), ("tap", "self_job.domestic"), ("tap", "self_route.p3mi"),
    ("tap", "cmd:skip"), ("say", "Agustus 2026"), ("photo", PHOTO), ("tap", "cmd:done"),
    ("tap", "review.confirm"),
]  # fmt: skip
"""One whole self report in Indonesian: 25 updates, each answered by at least one message."""


HEADERS = {"content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET}


def reporter(user_id: int) -> Reporter:
    """Returns a reporter whose requests are one whole report as Telegram would post it."""
    build = Builder(user_id, "id")
    shown = {"message_id": 1, "date": int(time.time()), "text": "…"}
    shown["chat"] = {"id": user_id, "type": "private", "first_name": "Sari"}
    found = Reporter(str(user_id))
    for kind, what in REPORT:
        if kind == "say":
            update = build.text(what)
        elif kind == "cmd":
            update = build.command(what)
        elif kind == "photo":
            update = build.message("photo", photo=[photo_size()])
        else:
            keys = [
                [{"text": "·", "callback_data": what}],
                [{"text": "Menu", "callback_data": "cmd:menu"}],
            ]
            update = build.press(what, {**shown, "reply_markup": {"inline_keyboard": keys}})
        found.requests.append((json.dumps(update, ensure_ascii=False).encode(), HEADERS))
    return found


def photo_size() -> dict[str, Any]:
    return {
        "file_id": PHOTO,
        "file_unique_id": "Ubench",
        "file_size": 24004,
        "width": 1280,
        "height": 960,
    }
