"""Typed dependencies of the console: the signed-in person and the CSRF check of a form.

A request without a live session is sent to sign-in; a form without its token gets 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from bot.casework.handoff import Handoff
from bot.staff import ConsoleSettings, SignIn, csrf_token, current_account, same
from handlers.console.pages import Pages
from storage.escalation_models import Caseworker
from storage.types import utcnow

SESSION_COOKIE = "suara_console"
FORM_COOKIE = "suara_console_form"
"""Before sign-in, the CSRF token of the sign-in forms is derived from this random cookie."""


@dataclass(frozen=True)
class Console:
    """What the console's routes share: settings, sign-in, pages and the hand-off."""

    settings: ConsoleSettings
    signin: SignIn
    pages: Pages
    handoff: Handoff


@dataclass(frozen=True)
class Staff:
    """The signed-in person, with their session token and the CSRF token of their forms."""

    account: Caseworker
    token: str

    @property
    def csrf(self) -> str:
        """The token every form of this session carries."""
        return csrf_token(self.token)


class NotSignedIn(Exception):
    """No live session: the answer is a redirect to the sign-in page."""


class CsrfRefused(Exception):
    """A form came without the token of its session: the answer is 403."""


def get_console(request: Request) -> Console:
    """Returns the console of the running app."""
    console: Console = request.app.state.console
    return console


ConsoleDep = Annotated[Console, Depends(get_console)]


def signed_in_staff(request: Request, console: ConsoleDep) -> Staff:
    """Returns the person of the session cookie; NotSignedIn when there is no live session."""
    token = request.cookies.get(SESSION_COOKIE)
    if token is None:
        raise NotSignedIn()
    account = current_account(console.handoff.engine, token, console.settings, utcnow())
    if account is None:
        raise NotSignedIn()
    return Staff(account, token)


SignedInStaff = Annotated[Staff, Depends(signed_in_staff)]


def form_secret(request: Request) -> str | None:
    """Returns the cookie a page's CSRF token is derived from: the session's, else the form's."""
    return request.cookies.get(SESSION_COOKIE) or request.cookies.get(FORM_COOKIE)


async def csrf_checked(request: Request) -> None:
    """Refuses a form whose `csrf` field is not the token of the cookie it came with."""
    form = await request.form()
    secret, given = form_secret(request), form.get("csrf")
    if secret is None or not isinstance(given, str) or not same(given, csrf_token(secret)):
        raise CsrfRefused()


CsrfChecked = Annotated[None, Depends(csrf_checked)]
