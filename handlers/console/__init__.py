"""The caseworker console: server-rendered pages under /console, signed in with a session.

Routes stay thin: sign-in, sessions and the authorisation rule live in bot.staff.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from bot.casework.handoff import Handoff
from bot.core import Core
from bot.staff import ConsoleSettings, SignIn
from handlers.console import auth, case_actions, case_page, insights, queue
from handlers.console.deps import Console, CsrfRefused, NotSignedIn, get_console
from handlers.console.pages import HERE, PREFIX, Pages, SecureHeaders, locale_of


async def _to_sign_in(_: Request, __: Exception) -> Response:
    return RedirectResponse(PREFIX + "/login", status_code=303)


async def _refused(request: Request, _: Exception) -> Response:
    console = get_console(request)
    locale = locale_of(request.query_params.get("lang"))
    return console.pages.render("refused.html", locale, status=403)


def register(core: Core, app: FastAPI, handoff: Handoff) -> None:
    """Adds the console's routes, static files, headers and error pages."""
    settings = ConsoleSettings()
    app.state.console = Console(
        settings, SignIn(core.engine, settings), Pages(core.catalogs), handoff
    )
    app.mount(PREFIX + "/static", StaticFiles(directory=HERE / "static"), name="console-static")
    app.include_router(auth.router)
    app.include_router(queue.router)
    app.include_router(case_page.router)
    app.include_router(case_actions.router)
    app.include_router(insights.router)
    app.add_exception_handler(case_page.CaseNotFound, case_page.not_found)
    app.add_exception_handler(NotSignedIn, _to_sign_in)
    app.add_exception_handler(CsrfRefused, _refused)
    app.add_middleware(SecureHeaders)
