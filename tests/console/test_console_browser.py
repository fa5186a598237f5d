"""The console in Debian's Chromium, headless, on a phone: sign in, see cases, see a case change."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from console_apps import PASSWORD, account, make_case, settings
from loopback import LoopbackServer
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import Engine
from sqlmodel import select

from bot.settings import Settings
from handlers import console
from handlers.app import create_app
from storage import db
from storage.migrate import upgrade
from storage.models import Case, CaseEvent

PHONE = {"width": 390, "height": 844}
SHOTS = Path(os.environ.get("SUARA_SCREENSHOTS", "/tmp"))


def _console(tmp_path: Path, offices: list[str]) -> tuple[Settings, list[str]]:
    """Returns a migrated console's settings, with Jember's caseworker and one case per office."""
    url = f"sqlite:///{tmp_path / 'suara.db'}"
    upgrade(url)
    config = settings(url, tmp_path)
    account(config, "sri@example.org", "jember")
    with _database(url) as engine:
        return config, [make_case(engine, office) for office in offices]


@contextlib.contextmanager
def _database(url: str) -> Iterator[Engine]:
    """Yields an engine on the console's database, disposed after."""
    engine = db.make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def test_a_caseworker_signs_in_on_a_phone_and_sees_only_their_office(
    chromium: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONSOLE_COOKIE_SECURE", "false")
    config, (mine, theirs) = _console(tmp_path, ["jember", "kuala_lumpur"])
    with (
        LoopbackServer(create_app(config, background=False), "console") as server,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True)
        refused: list[str] = []
        page.on("console", lambda message: refused.append(message.text))
        page.goto(server.base_url + "/console/login")
        page.fill("#email", "sri@example.org")
        page.fill("#password", PASSWORD)
        page.screenshot(path=str(SHOTS / "console-login.png"), full_page=True)
        page.click("button[type=submit]")
        page.wait_for_url(server.base_url + "/console")
        page.screenshot(path=str(SHOTS / "console-home.png"), full_page=True)
        assert page.locator(".case .ref").all_inner_texts() == [mine]
        assert theirs not in page.content()
        width = page.evaluate("document.documentElement.scrollWidth")
        browser.close()
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"
    assert refused == [], "the browser reported errors (a blocked style or script?)"


def _changed(url: str, reference: str) -> None:
    """Records something new on a case, as a reporter's message or a colleague's note would."""
    with _database(url) as engine, db.session(engine) as session:
        case = session.exec(select(Case).where(Case.reference == reference)).one()
        session.add(CaseEvent(case_id=case.id or 0, type="note_added", actor="colleague"))


def test_an_open_case_reloads_on_news_unless_the_caseworker_has_begun_something(
    chromium: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONSOLE_COOKIE_SECURE", "false")
    monkeypatch.setattr(console.case_page, "POLL_SECONDS", 1)
    config, [reference] = _console(tmp_path, ["jember"])
    url = config.database.url
    with (
        LoopbackServer(create_app(config, background=False), "console") as server,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        page = browser.new_page(viewport=PHONE)
        page.goto(server.base_url + "/console/login")
        page.fill("#email", "sri@example.org")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(server.base_url + "/console")
        page.goto(f"{server.base_url}/console/cases/{reference}?reason=casework")
        page.evaluate("window.stayed = true")
        with page.expect_navigation(timeout=10000):
            _changed(url, reference)
        assert page.evaluate("window.stayed === undefined"), "an untouched page should reload"

        page.fill("#note-text", "half a note")
        page.locator("#note-text").blur()  # begun, then looked elsewhere on the page
        page.evaluate("window.stayed = true")
        _changed(url, reference)
        expect(page.locator("#news")).to_be_visible(timeout=10000)
        assert page.evaluate("window.stayed === true"), "the page reloaded over the caseworker"
        assert page.input_value("#note-text") == "half a note"
        browser.close()
