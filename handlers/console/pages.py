"""Rendering console pages: Jinja2 templates in the person's language, and the strict headers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.i18n import Catalogs
from flows.vocabulary import Locale

HERE = Path(__file__).resolve().parent
PREFIX = "/console"
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
            return self.catalogs.gettext(locale, msgid)

        page = self.env.get_template(name).render(
            _=gettext, gettext=gettext, locale=locale.value, **context
        )
        return HTMLResponse(page, status_code=status)


async def secure_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Adds the Content-Security-Policy and its companions to every console response."""
    response = await call_next(request)
    if request.url.path == PREFIX or request.url.path.startswith(PREFIX + "/"):
        response.headers.update(SECURITY_HEADERS)
    return response
