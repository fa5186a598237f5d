"""A report filed on (fake) Telegram, worked in the console in Debian's Chromium, end to end.

The app runs with its background tasks on loopback; the reporter writes through the webhook and
reads what the fake Bot API received. Screenshots go to SUARA_SCREENSHOTS when it is set.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from chat_reporter import ChatReporter
from console_apps import PASSWORD, account, make_case
from fakebot import FakeBotAPI, served_fake
from loopback import LoopbackServer
from playwright.sync_api import Page, expect, sync_playwright
from sqlmodel import col, select, update
from tg_harness import webhook_settings

from bot.settings import Settings, TelegramDriver
from handlers import console
from handlers.app import create_app
from storage import db
from storage.migrate import upgrade
from storage.models import Case
from storage.staff_models import StaffSession

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
NAME, PHONE_NUMBER = "Siti Rahayu", "+852 9123 4567"
STORY = f"Majikan tidak bayar gaji 3 bulan. Hubungi saya di {PHONE_NUMBER}."
REPLY = "Kami sudah menerima laporan Anda. Apakah Anda aman sekarang?"
ANSWER = "Saya aman, terima kasih."


@pytest.fixture
def fake() -> Iterator[FakeBotAPI]:
    with served_fake() as api:
        yield api


@pytest.fixture
def config(tmp_path: Path, fake: FakeBotAPI, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("CONSOLE_COOKIE_SECURE", "false")
    monkeypatch.setattr(console.queue, "POLL_SECONDS", 1)
    monkeypatch.setattr(console.case_page, "POLL_SECONDS", 1)
    url = f"sqlite:///{tmp_path / 'suara.db'}"
    upgrade(url)
    settings = webhook_settings(url, tmp_path, fake, TelegramDriver.PTB)
    settings.server.public_base_url = "https://suara.example.org"
    return settings


def _shot(page: Page, name: str) -> None:
    folder = os.environ.get("SUARA_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def _sign_in(page: Page, base: str, email: str, code: str = "") -> None:
    page.goto(base + "/console/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    if code:
        page.fill("#code", code)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/console")


def _newest_reference(config: Settings) -> str:
    engine = db.make_engine(config.database.url)
    try:
        with db.session(engine) as session:
            query = select(Case).where(col(Case.status) != "draft").order_by(col(Case.id).desc())
            return session.exec(query).first().reference  # type: ignore[union-attr]
    finally:
        engine.dispose()


def _refuses_a_form_without_its_token(page: Page, base: str, reference: str) -> None:
    page.goto(f"{base}/console/cases/{reference}?reason=casework")
    page.fill("#note-text", "a note whose form lost its token")
    page.evaluate("document.querySelectorAll('input[name=csrf]').forEach(i => i.remove())")
    with page.expect_response(lambda r: r.url.endswith("/note")) as answer:
        page.click("#add-note")
    assert answer.value.status == 403
    page.goto(f"{base}/console/cases/{reference}?reason=casework")
    assert "a note whose form lost its token" not in page.content()


def _sends_an_expired_session_to_sign_in(page: Page, base: str, config: Settings) -> None:
    engine = db.make_engine(config.database.url)
    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    with db.session(engine) as session:
        session.exec(update(StaffSession).values(expires_at=past))  # type: ignore[call-overload]
    engine.dispose()
    page.goto(base + "/console")
    assert page.url == base + "/console/login"


def test_a_telegram_report_is_worked_in_the_console_from_new_to_resolved(
    chromium: Path,
    config: Settings,
    fake: FakeBotAPI,
    caplog: pytest.LogCaptureFixture,
    request: pytest.FixtureRequest,
) -> None:
    caplog.set_level(logging.DEBUG)
    account(config, "ana@example.org", "jakarta")
    account(config, "sri@example.org", "jember")
    engine = db.make_engine(config.database.url)
    theirs = make_case(engine, "kuala_lumpur")
    engine.dispose()
    app = create_app(config, background=True)
    with (
        LoopbackServer(app, "console", lifespan="on") as server,
        sync_playwright() as playwright,
    ):
        base = server.base_url
        browser = playwright.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True)
        complaints: list[str] = []
        page.on("pageerror", lambda error: complaints.append(str(error)))
        _sign_in(page, base, "ana@example.org")
        page.evaluate("window.stayed = true")

        reporter = ChatReporter(base, fake, 700_900_001, "id")
        request.addfinalizer(reporter.close)  # a failed step must not leave its socket to the GC
        reporter.file_report(STORY, NAME)
        reference = _newest_reference(config)
        expect(page.locator(f"a.ref:has-text('{reference}')")).to_be_visible(timeout=15000)
        assert page.evaluate("window.stayed === true"), "the queue reloaded instead of refreshing"
        _shot(page, "console-queue-phone.png")

        page.click(f"a.ref:has-text('{reference}')")
        expect(page.locator("h1")).to_have_text(reference)
        assert "Mong Kok" in page.content()
        page.click("#acknowledge")
        expect(page.locator(".done")).to_be_visible()
        page.click("#claim")
        expect(page.locator("#release")).to_be_visible()
        page.fill("#reply-text", REPLY)
        page.click("#send-reply")
        expect(page.locator(".done")).to_be_visible()
        reporter.wait_for(
            1 + len([m for m in fake.sent(reporter.user_id) if REPLY not in m["text"]])
        )
        assert any(REPLY in m["text"] for m in fake.sent(reporter.user_id))

        reporter.say(ANSWER)
        expect(page.locator(".timeline")).to_contain_text(ANSWER, timeout=15000)
        _shot(page, "console-case-phone.png")
        wide = browser.new_context(viewport=DESKTOP, storage_state=page.context.storage_state())
        desktop = wide.new_page()
        desktop.goto(base + "/console")
        _shot(desktop, "console-queue-desktop.png")
        desktop.goto(f"{base}/console/cases/{reference}?reason=casework")
        _shot(desktop, "console-case-desktop.png")
        assert desktop.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        wide.close()

        page.select_option("#outcome", "wages_recovered")
        page.click("#resolve")
        expect(page.locator(".done")).to_contain_text("Kasus selesai")

        page.goto(base + "/console")
        page.click("button[value=en]")
        expect(page.locator("h1")).to_have_text("Queue")
        _refuses_a_form_without_its_token(page, base, reference)
        _sends_an_expired_session_to_sign_in(page, base, config)

        branch = browser.new_page(viewport=DESKTOP)
        _sign_in(branch, base, "sri@example.org")
        assert theirs not in branch.content()
        missing = branch.goto(f"{base}/console/cases/{theirs}?reason=casework")
        assert missing is not None
        assert missing.status == 404
        assert theirs not in branch.content()
        browser.close()
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert NAME not in logged
    assert PHONE_NUMBER not in logged
    assert complaints == []
