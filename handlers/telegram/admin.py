"""`suara telegram-webhook set|delete|info`: the operator's webhook commands (no token printed)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from bot.settings import Settings
from handlers.telegram.drivers import Driver, make_driver
from handlers.telegram.updates import ALLOWED_UPDATES, TgError

SECRET_FORMAT = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
"""What Telegram accepts as a secret_token."""
WEBHOOK_PATH = "/webhooks/telegram"


class AdminError(RuntimeError):
    """The command cannot run: a setting is missing or Telegram refused."""


def webhook_url(settings: Settings) -> str:
    """Returns the public webhook URL: TELEGRAM_WEBHOOK_URL, completed with the route if needed."""
    url = settings.telegram.webhook_url
    if not url:
        raise AdminError("set TELEGRAM_WEBHOOK_URL to the public https URL of this server")
    if not url.startswith("https://"):
        raise AdminError("Telegram only calls https webhooks: TELEGRAM_WEBHOOK_URL must be https")
    return url if url.rstrip("/").endswith(WEBHOOK_PATH) else url.rstrip("/") + WEBHOOK_PATH


async def run(action: str, settings: Settings) -> list[str]:
    """Runs one action against the Bot API; returns lines to print."""
    if settings.telegram.bot_token is None:
        raise AdminError("set TELEGRAM_BOT_TOKEN first")
    driver = make_driver(settings)
    try:
        if action == "set":
            return await _set(settings, driver)
        if action == "delete":
            await driver.delete_webhook()
            return ["webhook deleted: Suara will use long polling"]
        return _describe(await driver.webhook_info())
    except TgError as error:
        raise AdminError(f"Telegram refused: {error.reason}") from None
    finally:
        await driver.close()


async def _set(settings: Settings, driver: Driver) -> list[str]:
    url = webhook_url(settings)
    secret = settings.telegram.webhook_secret
    if secret is None or not SECRET_FORMAT.match(secret.get_secret_value()):
        raise AdminError("set TELEGRAM_WEBHOOK_SECRET: 1-256 characters of A-Z a-z 0-9 _ -")
    await driver.set_webhook(url, secret.get_secret_value(), settings.telegram.max_connections)
    return [f"webhook set: {url}", f"update types: {', '.join(ALLOWED_UPDATES)}"]


def _describe(info: dict[str, Any]) -> list[str]:
    keys = ("url", "pending_update_count", "max_connections", "allowed_updates")
    lines = [f"{key}: {info.get(key, '')}" for key in keys]
    if info.get("last_error_message"):
        lines.append(f"last_error_message: {info['last_error_message']}")
    return lines


def main(action: str, settings: Settings | None = None) -> int:
    """Runs the command; prints its result; returns the exit status."""
    try:
        lines = asyncio.run(run(action, settings or Settings()))
    except AdminError as error:
        print(f"suara telegram-webhook {action}: {error}")  # noqa: T201
        return 2
    for line in lines:
        print(line)  # noqa: T201
    return 0
