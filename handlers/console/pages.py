"""Rendering console pages: Jinja2 templates in the person's language, and the strict headers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_timedelta
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.i18n import Catalogs
from bot.staff import role_of
from flows.vocabulary import Locale
from storage.escalation_models import Caseworker

HERE = Path(__file__).resolve().parent
PREFIX = "/console"
SHOWN_TIME = "d MMM y HH:mm 'WIB'"
OFFICE_ZONE = ZoneInfo("Asia/Jakarta")
"""Times on the console are shown in the secretariat's time, as the case reference is."""
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}


def bar_context(account: Caseworker, csrf: str) -> dict[str, Any]:
    """Returns what a signed-in page's top bar needs: the person, their role, the forms' token."""
    return {"staff": account, "role": role_of(account).value, "csrf": csrf}


def locale_of(value: str | None) -> Locale:
    """Returns the locale named, Indonesian when it names none Suara speaks."""
    try:
        return Locale(value or Locale.ID.value)
    except ValueError:
        return Locale.ID


class Pages:
    """The console's templates, rendered with the catalogs of one locale per request."""

    def __init__(self, catalogs: Catalogs) -> None:
        self.catalogs = catalogs
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(["html"]),
            extensions=["jinja2.ext.i18n"],
        )

    def render(
        self, name: str, locale: Locale, *, status: int = 200, **context: Any
    ) -> HTMLResponse:
        """Returns a page; `_` in the template translates into the locale."""

        def gettext(msgid: str) -> str:
            return self.catalogs.gettext(locale, msgid) if msgid else ""

        page = self.env.get_template(name).render(
            _=gettext, gettext=gettext, locale=locale.value, **_clock(locale), **context
        )
        return HTMLResponse(page, status_code=status)


def _clock(locale: Locale) -> dict[str, Callable[..., str]]:
    """Returns `when` and `duration`: moments in the office's time and spans, in the locale."""

    def when(moment: dt.datetime | None) -> str:
        if moment is None:
            return ""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return format_datetime(moment, SHOWN_TIME, tzinfo=OFFICE_ZONE, locale=locale.value)

    def duration(span: dt.timedelta | None) -> str:
        if span is None:
            return ""
        return format_timedelta(abs(span), threshold=1.5, locale=locale.value)

    return {"when": when, "duration": duration}


class SecureHeaders:
    """ASGI middleware: the Content-Security-Policy and its companions on console responses.

    Other paths pass straight through, so that webhooks pay nothing for it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == PREFIX or path.startswith(PREFIX + "/")):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)
