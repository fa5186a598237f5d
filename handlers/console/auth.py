"""Console sign-in routes: the form, one-time links, sign-out and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from bot.staff import Refusal, close_session, csrf_token, new_token, set_locale
from flows.vocabulary import Locale
from handlers.console.deps import (
    FORM_COOKIE,
    SESSION_COOKIE,
    ConsoleDep,
    CsrfChecked,
    SignedInStaff,
    form_secret,
)
from handlers.console.pages import PREFIX, locale_of
from storage.types import utcnow

router = APIRouter(prefix=PREFIX, tags=["console"], include_in_schema=False)

FormText = Annotated[str, Form(max_length=256)]
Code = Annotated[str, Form(max_length=16)]


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _form_page(
    request: Request, console: ConsoleDep, name: str, status: int = 200, **context: object
) -> Response:
    """Renders a sign-in form with the CSRF token of its cookie (made here when missing)."""
    secret = form_secret(request)
    made = None if secret else new_token()
    locale = locale_of(request.query_params.get("lang"))
    page = console.pages.render(
        name, locale, status=status, csrf=csrf_token(secret or made or ""), **context
    )
    if made:
        _set_cookie(page, console, FORM_COOKIE, made)
    return page


def _set_cookie(
    page: Response, console: ConsoleDep, name: str, value: str, max_age: int | None = None
) -> None:
    """Sets a console cookie: HttpOnly, SameSite=Lax, Secure unless turned off, path /console."""
    page.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=console.settings.cookie_secure,
        path=PREFIX,
    )


def _signed_in(console: ConsoleDep, token: str) -> Response:
    """Sends the newly signed-in person to the console with their session cookie."""
    page = RedirectResponse(PREFIX, status_code=303)
    max_age = console.settings.session_max_hours * 3600
    _set_cookie(page, console, SESSION_COOKIE, token, max_age)
    page.delete_cookie(FORM_COOKIE, path=PREFIX)
    return page


_STATUS = {Refusal.THROTTLED: 429, Refusal.BAD_LINK: 404, Refusal.SHORT_PASSWORD: 400}


def _answer(
    request: Request, console: ConsoleDep, result: str | Refusal, form: str, **context: object
) -> Response:
    """Signs the person in, or shows the form again with the reason it was refused."""
    if not isinstance(result, Refusal):
        return _signed_in(console, result)
    status = _STATUS.get(result, 401)
    return _form_page(request, console, form, status, refusal=result.value, **context)


@router.get("/login")
def login_page(request: Request, console: ConsoleDep) -> Response:
    """Shows the sign-in form: e-mail, password and, for a second factor, the code."""
    return _form_page(request, console, "login.html")


@router.post("/login")
async def login(
    request: Request,
    console: ConsoleDep,
    _: CsrfChecked,
    email: FormText,
    password: FormText,
    code: Code = "",
) -> Response:
    """Signs in, or shows the form again with one reason that gives nothing away."""
    result = await run_in_threadpool(
        console.signin.with_password, email, password, code, _address(request)
    )
    return _answer(request, console, result, "login.html", email=email)


@router.get("/login/link/{token}")
def link_page(request: Request, console: ConsoleDep, token: str) -> Response:
    """Shows the form of a one-time link: choose a password (and give the code); uses nothing."""
    account = console.signin.link_account(token)
    if account is None:
        return _form_page(request, console, "link.html", 404, refusal=Refusal.BAD_LINK.value)
    return _form_page(request, console, "link.html", needs_code=account.totp_secret is not None)


@router.post("/login/link/{token}")
async def use_link(
    request: Request,
    console: ConsoleDep,
    _: CsrfChecked,
    token: str,
    password: FormText,
    code: Code = "",
) -> Response:
    """Uses a one-time link: sets the password and signs in."""
    result = await run_in_threadpool(
        console.signin.with_link, token, password, code, _address(request)
    )
    return _answer(request, console, result, "link.html", needs_code=result != Refusal.BAD_LINK)


@router.post("/logout")
def logout(staff: SignedInStaff, console: ConsoleDep, _: CsrfChecked) -> Response:
    """Ends this session and returns to the sign-in page."""
    close_session(console.handoff.engine, staff.token, staff.account, utcnow())
    page = RedirectResponse(PREFIX + "/login", status_code=303)
    page.delete_cookie(SESSION_COOKIE, path=PREFIX)
    return page


@router.post("/locale")
def switch_locale(
    staff: SignedInStaff,
    console: ConsoleDep,
    _: CsrfChecked,
    locale: Annotated[Locale, Form()],
) -> Response:
    """Keeps the person's language for their next pages."""
    set_locale(console.handoff.engine, staff.account, locale.value, utcnow())
    return RedirectResponse(PREFIX, status_code=303)
