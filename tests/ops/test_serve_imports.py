"""`suara serve` carries only what each process uses: no other command's code, no bench, and
the Telegram library only where Bot API calls are made, and only the one configured.

Each check runs in a fresh interpreter (a subprocess), since this one has imported everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fakebot import TOKEN
from keyring_values import TEST_ADDRESS_KEY, TEST_KEYS

ROOT = Path(__file__).resolve().parents[2]
SERVE_MODULES = """
import json, sys
import uvicorn
def stop(app, **_):
    print(json.dumps(sorted(sys.modules)))
uvicorn.run = stop
from bot.cli import main
main(["serve"])
"""
"""Runs `suara serve` up to the point where uvicorn would serve, then lists the modules."""
DRIVER_MODULES = """
import json, sys
from bot.settings import Settings
from handlers.telegram.drivers import make_driver
driver = make_driver(Settings())
before = sorted(sys.modules)
driver.library
print(json.dumps([before, sorted(sys.modules)]))
"""
"""Makes the configured driver, lists the modules, makes its first call's library, lists again."""
OTHER_COMMANDS = ("check", "setup", "queues", "handoff", "accounts", "backup", "restore", "keys")


def modules(code: str, folder: Path, **settings: str) -> object:
    """Runs code in a fresh interpreter in folder with Suara's settings; returns what it printed."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "WHATSAPP_", "DATABASE_", "ENCRYPTION_"))
    }
    env |= {
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite:///{folder / 'suara.db'}",
        "ENCRYPTION_KEYS": ",".join(TEST_KEYS),
        "ENCRYPTION_ADDRESS_KEY": TEST_ADDRESS_KEY,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": "serve-imports_secret-0123456789",
        "TELEGRAM_WEBHOOK_URL": "https://suara.example.org/webhooks/telegram",
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9",
        "ESCALATION_DISPATCH": "false",
        **settings,
    }
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=folder, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def packages(names: object) -> set[str]:
    """Returns the top-level packages among module names."""
    assert isinstance(names, list)
    return {str(name).split(".")[0] for name in names}


def test_the_web_process_of_serve_imports_no_telegram_library_no_other_command_and_no_bench(
    tmp_path: Path,
) -> None:
    loaded = modules(SERVE_MODULES, tmp_path)
    assert isinstance(loaded, list)
    assert {"telegram", "aiogram", "aiohttp", "bench"}.isdisjoint(packages(loaded))
    assert not [f"bot.cli.{name}" for name in OTHER_COMMANDS if f"bot.cli.{name}" in loaded]
    assert "handlers.app" in loaded  # it did get as far as building the app


@pytest.mark.parametrize(
    ("driver", "library", "other"),
    [("ptb", "telegram", "aiogram"), ("aiogram", "aiogram", "telegram")],
)
def test_a_driver_loads_only_its_own_library_and_only_on_first_use(
    tmp_path: Path, driver: str, library: str, other: str
) -> None:
    before, after = modules(DRIVER_MODULES, tmp_path, TELEGRAM_DRIVER=driver)  # type: ignore[misc]
    assert {library, other}.isdisjoint(packages(before))
    assert library in packages(after)
    assert other not in packages(after)
