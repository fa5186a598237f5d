"""The console in Debian's Chromium, headless, on a phone-sized window: sign in, see the cases."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from console_apps import PASSWORD, account, make_case, settings
from loopback import LoopbackServer
from playwright.sync_api import sync_playwright

from handlers.app import create_app
from storage import db
from storage.migrate import upgrade

PHONE = {"width": 390, "height": 844}
SHOTS = Path(os.environ.get("SUARA_SCREENSHOTS", "/tmp"))


def test_a_caseworker_signs_in_on_a_phone_and_sees_only_their_office(
    chromium: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONSOLE_COOKIE_SECURE", "false")
    url = f"sqlite:///{tmp_path / 'suara.db'}"
    upgrade(url)
    config = settings(url, tmp_path)
    account(config, "sri@example.org", "jember")
    engine = db.make_engine(url)
    try:
        mine, theirs = make_case(engine, "jember"), make_case(engine, "kuala_lumpur")
    finally:
        engine.dispose()
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
