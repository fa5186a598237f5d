"""The dashboard in Debian's Chromium, headless, on a phone and on a desktop: no sideways scroll, no
error in the browser's console (a blocked inline style or script shows up there), screenshots."""

from __future__ import annotations

import datetime as dt
import os
import random
from pathlib import Path

import pytest
from console_apps import PASSWORD, account, cli, settings, totp_of
from insight_cases import plant
from loopback import LoopbackServer
from playwright.sync_api import Page, sync_playwright

from handlers.app import create_app
from storage import db
from storage.migrate import upgrade

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
OFFICES = ("jember", "jember", "kuala_lumpur", "indramayu", "kebumen")
PROBLEMS = ("GAJI", "GAJI", "DOKUMEN", "KEKERASAN", "TPPO", "JAMKERJA", "PHK", "LAIN")
COUNTRIES = ("MY", "MY", "HK", "TW", "SA", "SG", "OTHER:Qatar")
REGENCIES = ("Jember", "Indramayu", "Kebumen", "Cilacap", "Lumajang", "Desa Siti", "")


def _plant_a_year(url: str) -> None:
    """Files forty cases over twelve months, acknowledged and answered, some of them late."""
    choose = random.Random(7)
    engine = db.make_engine(url)
    try:
        for _ in range(40):
            late = choose.random() < 0.25
            plant(
                engine,
                choose.choice(OFFICES),
                category=choose.choice(PROBLEMS),
                country=choose.choice(COUNTRIES),
                regency=choose.choice(REGENCIES),
                days_ago=choose.randrange(0, 330),
                urgency=choose.choice(("P0", "P1", "P1", "P2", "P3")),
                acked_after=dt.timedelta(minutes=300 if late else choose.randrange(3, 14)),
                replied_after=dt.timedelta(hours=choose.choice((0.5, 3, 6, 20, 30, 80))),
            )
    finally:
        engine.dispose()


def _look(page: Page, base: str, shot: Path) -> int:
    """Opens the dashboard, saves a screenshot of the whole page; returns its scroll width."""
    page.goto(base + "/console/dashboard")
    page.screenshot(path=str(shot), full_page=True)
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


def test_the_dashboard_reads_on_a_phone_and_on_a_desktop(
    chromium: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONSOLE_COOKIE_SECURE", "false")
    shots = Path(os.environ.get("SUARA_SCREENSHOTS") or tmp_path)
    url = f"sqlite:///{tmp_path / 'suara.db'}"
    upgrade(url)
    config = settings(url, tmp_path)
    account(config, "ana@example.org", "jakarta", "admin")
    totp = totp_of(cli(config, "totp", "ana@example.org")[1])
    _plant_a_year(url)
    with (
        LoopbackServer(create_app(config, background=False), "console") as server,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
        phone = context.new_page()
        complaints: list[str] = []
        phone.on("console", lambda message: complaints.append(message.text))
        phone.on("pageerror", lambda error: complaints.append(str(error)))
        phone.goto(server.base_url + "/console/login")
        phone.fill("#email", "ana@example.org")
        phone.fill("#password", PASSWORD)
        phone.fill("#code", totp.now())
        phone.click("button[type=submit]")
        phone.wait_for_url(server.base_url + "/console")
        narrow = _look(phone, server.base_url, shots / "console-dashboard-phone.png")
        charts = phone.locator("svg[role=img]").count()
        for summary in phone.locator("summary").all():
            summary.click()  # every table opened must fit too
        opened: int = phone.evaluate("document.documentElement.scrollWidth")
        tables = phone.locator("details[open] table").count()
        desk = browser.new_context(viewport=DESKTOP, storage_state=context.storage_state())
        desktop = desk.new_page()
        desktop.on("console", lambda message: complaints.append(message.text))
        desktop.on("pageerror", lambda error: complaints.append(str(error)))
        wide = _look(desktop, server.base_url, shots / "console-dashboard-desktop.png")
        browser.close()
    assert charts == 8
    assert tables == 6
    assert max(narrow, opened) <= PHONE["width"], "the dashboard scrolls sideways on a phone"
    assert wide <= DESKTOP["width"], "the dashboard scrolls sideways on a desktop"
    assert complaints == [], "the browser reported errors (a blocked style or script?)"
