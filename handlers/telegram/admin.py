"""`suara telegram-webhook set|delete|info`: the operator's webhook commands (no token printed)."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from typing import Any

from bot.settings import Settings
from handlers.telegram.drivers import Driver, make_driver
from handlers.telegram.updates import ALLOWED_UPDATES, TgError

SECRET_FORMAT = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
"""What Telegram accepts as a secret_token."""
WEBHOOK_PATH = "/webhooks/telegram"
SET, DELETE = "suara telegram-webhook set", "suara telegram-webhook delete"
RECENT_ERROR = dt.timedelta(hours=1)
"""A delivery error Telegram reports from within this long fails `suara check`."""


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


async def webhook_info(settings: Settings) -> dict[str, Any]:
    """Returns getWebhookInfo's fields, or refuses with Telegram's reason (or the network's)."""
    driver = make_driver(settings)
    try:
        return await driver.webhook_info()
    except TgError as error:
        raise AdminError(f"Bot API call failed: {error.reason}") from None
    finally:
        await driver.close()


def check(settings: Settings) -> tuple[bool | None, str]:
    """Returns what `suara check` says of the webhook: ok, failed or not configured (None)."""
    if settings.telegram.bot_token is None:
        return None, "not configured (TELEGRAM_BOT_TOKEN unset)"
    try:
        expected = webhook_url(settings) if settings.telegram.webhook_url else ""
        info = asyncio.run(webhook_info(settings))
    except AdminError as error:
        return False, str(error)
    actual = str(info.get("url") or "")
    if actual != expected and expected:
        return False, f"webhook is {actual or 'not set'}, not {expected}: run `{SET}`"
    if actual != expected:
        return False, f"a webhook is set but TELEGRAM_WEBHOOK_URL is not: run `{DELETE}`"
    failed_at = dt.datetime.fromtimestamp(int(info.get("last_error_date") or 0), dt.UTC)
    if info.get("last_error_message") and dt.datetime.now(dt.UTC) - failed_at < RECENT_ERROR:
        return False, f"Telegram's last delivery failed: {info['last_error_message']}"
    if not expected:
        return True, "long polling (no webhook set)"
    return True, f"webhook {actual}, {info.get('pending_update_count', 0)} updates pending"


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
