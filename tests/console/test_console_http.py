"""The console over HTTP: sign-in, sessions, CSRF, lockout, TOTP, one-time links, the rule."""

from __future__ import annotations

import datetime as dt

import pytest
from console_apps import (
    PASSWORD,
    account,
    cli,
    client,
    csrf,
    link_of,
    make_case,
    sign_in,
    totp_of,
)
from fastapi.testclient import TestClient
from sqlmodel import col, select, update

from bot.settings import Settings
from storage import caseworkers, db
from storage.staff_models import AccountEvent, StaffSession


def _events(web: TestClient) -> list[str]:
    with db.session(web.app.state.handoff.engine) as session:  # type: ignore[attr-defined]
        return [e.type for e in session.exec(select(AccountEvent).order_by(col(AccountEvent.id)))]


def test_signed_out_the_console_sends_you_to_sign_in(web: TestClient) -> None:
    answer = web.get("/console", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/login"


def test_the_pages_carry_a_strict_policy_and_the_cookie_its_flags(
    web: TestClient, config: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = web.get("/console/login")
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script" not in page.text
    assert 'name="code"' in page.text
    account(config, "sri@example.org", "jember")
    token = csrf(page.text)
    form = {"csrf": token, "email": "sri@example.org", "password": PASSWORD}
    cookie = web.post("/console/login", data=form, follow_redirects=False).headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/console" in cookie
    monkeypatch.setenv("CONSOLE_COOKIE_SECURE", "true")
    with client(config) as secure:
        assert "Secure" in secure.get("/console/login").headers["set-cookie"]


def test_sign_in_lists_only_the_cases_of_the_office_and_sign_out_ends_it(
    web: TestClient, config: Settings
) -> None:
    engine = web.app.state.handoff.engine  # type: ignore[attr-defined]
    mine, theirs = make_case(engine, "jember"), make_case(engine, "kuala_lumpur")
    account(config, "sri@example.org", "jember")
    assert sign_in(web, "sri@example.org") == 303
    home = web.get("/console")
    assert home.status_code == 200
    assert mine in home.text
    assert theirs not in home.text
    answer = web.post("/console/logout", data={"csrf": csrf(home.text)}, follow_redirects=False)
    assert answer.status_code == 303
    assert web.get("/console", follow_redirects=False).status_code == 303
    assert _events(web) == ["account_added", "signed_in", "signed_out"]


def test_an_admin_sees_every_office(web: TestClient, config: Settings) -> None:
    engine = web.app.state.handoff.engine  # type: ignore[attr-defined]
    theirs = make_case(engine, "kuala_lumpur")
    account(config, "ana@example.org", "jakarta", "admin")
    totp = totp_of(cli(config, "totp", "ana@example.org")[1])
    assert sign_in(web, "ana@example.org", code=totp.now()) == 303
    assert theirs in web.get("/console").text


def test_unknown_email_and_wrong_password_get_the_same_answer(
    web: TestClient, config: Settings
) -> None:
    account(config, "sri@example.org", "jember")
    pages = []
    for email, password in (("nobody@example.org", PASSWORD), ("sri@example.org", "wrong one!")):
        form = {"csrf": csrf(web.get("/console/login").text), "email": email, "password": password}
        answer = web.post("/console/login", data=form)
        pages.append((answer.status_code, answer.text.replace(email, "")))
    assert pages[0] == pages[1]
    assert pages[0][0] == 401


def test_a_form_without_its_token_is_refused_with_a_page(web: TestClient, config: Settings) -> None:
    account(config, "sri@example.org", "jember")
    web.get("/console/login")
    form = {"email": "sri@example.org", "password": PASSWORD}
    refused = web.post("/console/login", data=form)
    assert refused.status_code == 403
    assert "Formulir ini ditolak" in refused.text
    assert web.post("/console/login", data={**form, "csrf": "0" * 64}).status_code == 403
    assert sign_in(web, "sri@example.org") == 303
    assert web.post("/console/logout", data={}).status_code == 403
    assert web.get("/console").status_code == 200


def test_five_failures_lock_the_account_and_it_is_audited(
    web: TestClient, config: Settings
) -> None:
    account(config, "sri@example.org", "jember")
    for _ in range(5):
        assert sign_in(web, "sri@example.org", "wrong password") == 401
    assert sign_in(web, "sri@example.org") == 429
    assert _events(web).count("sign_in_failed") == 5
    assert "account_locked" in _events(web)


def test_many_failures_from_one_address_are_refused(web: TestClient, config: Settings) -> None:
    for number in range(20):
        assert sign_in(web, f"n{number}@example.org", "wrong password") == 401
    account(config, "sri@example.org", "jember")
    assert sign_in(web, "sri@example.org") == 429


def test_totp_is_asked_and_a_code_is_good_once(web: TestClient, config: Settings) -> None:
    account(config, "sri@example.org", "jember")
    totp = totp_of(cli(config, "totp", "sri@example.org")[1])
    assert sign_in(web, "sri@example.org") == 401
    code = totp.now()
    assert sign_in(web, "sri@example.org", code=code) == 303
    web.cookies.clear()
    assert sign_in(web, "sri@example.org", code=code) == 401


def test_an_admin_without_totp_cannot_sign_in(web: TestClient, config: Settings) -> None:
    account(config, "ana@example.org", "jakarta", "admin")
    form = {"csrf": csrf(web.get("/console/login").text), "email": "ana@example.org"}
    answer = web.post("/console/login", data={**form, "password": PASSWORD})
    assert answer.status_code == 401
    assert "perlu faktor kedua" in answer.text
    assert "sign_in_refused_without_totp" in _events(web)


def test_a_link_signs_in_once_and_sets_the_password(web: TestClient, config: Settings) -> None:
    status, printed = cli(
        config, "add", "sri@example.org", "--office", "jember", "--role", "caseworker"
    )
    path = link_of(printed)
    page = web.get(path)
    assert page.status_code == 200
    assert 'name="code"' not in page.text
    form = {"csrf": csrf(page.text), "password": "a new long password"}
    assert web.post(path, data=form, follow_redirects=False).status_code == 303
    assert web.get("/console").status_code == 200
    web.cookies.clear()
    assert web.get(path).status_code == 404
    assert sign_in(web, "sri@example.org", "a new long password") == 303
    assert "sign_in_link_used" in _events(web)


def test_reset_and_disable_end_every_session(web: TestClient, config: Settings) -> None:
    account(config, "sri@example.org", "jember")
    assert sign_in(web, "sri@example.org") == 303
    assert cli(config, "reset", "sri@example.org")[0] == 0
    assert web.get("/console", follow_redirects=False).status_code == 303
    assert sign_in(web, "sri@example.org") == 401
    account(config, "ana@example.org", "jember")
    assert sign_in(web, "ana@example.org") == 303
    assert cli(config, "disable", "ana@example.org")[0] == 0
    assert web.get("/console", follow_redirects=False).status_code == 303


def test_an_idle_or_old_session_is_over(web: TestClient, config: Settings) -> None:
    account(config, "sri@example.org", "jember")
    assert sign_in(web, "sri@example.org") == 303
    engine = web.app.state.handoff.engine  # type: ignore[attr-defined]
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    with db.session(engine) as session:
        session.exec(update(StaffSession).values(last_seen_at=long_ago))
    assert web.get("/console", follow_redirects=False).status_code == 303
    assert sign_in(web, "sri@example.org") == 303
    with db.session(engine) as session:
        session.exec(update(StaffSession).values(expires_at=long_ago))
    assert web.get("/console", follow_redirects=False).status_code == 303


def test_the_language_switch_is_kept_per_person(web: TestClient, config: Settings) -> None:
    account(config, "sri@example.org", "jember")
    assert sign_in(web, "sri@example.org") == 303
    home = web.get("/console")
    assert "<h1>Antrean</h1>" in home.text
    assert 'lang="id"' in home.text
    web.post("/console/locale", data={"csrf": csrf(home.text), "locale": "en"})
    assert "<h1>Queue</h1>" in web.get("/console").text
    assert "Sign in to the Suara console" in web.get("/console/login?lang=en").text


def test_api_tokens_go_through_the_same_rule(web: TestClient) -> None:
    engine = web.app.state.handoff.engine  # type: ignore[attr-defined]
    theirs = make_case(engine, "kuala_lumpur")
    tokens = {}
    with db.session(engine) as session:
        for role in ("caseworker", "admin"):
            who = caseworkers.create_caseworker(
                session=session, name=role, office="jember", role=role
            )
            tokens[role] = caseworkers.issue_token(session=session, caseworker_id=who.id or 0)
    for role, status in (("caseworker", 404), ("admin", 200)):
        headers = {"authorization": f"Bearer {tokens[role]}"}
        assert web.get(f"/api/v1/cases/{theirs}", headers=headers).status_code == status
    me = web.get("/api/v1/me", headers={"authorization": f"Bearer {tokens['admin']}"}).json()
    assert (me["role"], me["supervisor"]) == ("admin", True)
