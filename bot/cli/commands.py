"""The `suara` console script: one entry point; each command group has its own module.

A group's module is loaded only for its own commands (or for the full help), so that
`suara serve` carries no code of the other commands into the processes it runs.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from pydantic import ValidationError
from pydantic_settings import SettingsError

from bot.cli import startup
from bot.observability import configure_logging, observe
from bot.settings import ObservabilitySettings, Settings

APP_FACTORY = "handlers.app:create_app"
"""Loaded by name so that bot/ never imports handlers/ (the import rules point the other way)."""
TELEGRAM_ADMIN = "handlers.telegram.admin"
"""The telegram-webhook command's module, loaded by name for the same reason."""
GROUPS = {
    "check": "bot.cli.check",
    "setup": "bot.cli.setup",
    "queues": "bot.cli.queues",
    **dict.fromkeys(("token", "deliveries", "endpoints", "caseworkers"), "bot.cli.handoff"),
    **dict.fromkeys(("backup", "restore"), "bot.cli.backup"),
}
"""Commands whose module adds their parsers, by command name."""
ADDERS = {
    "bot.cli.check": "add_parser",
    "bot.cli.setup": "add_setup_parser",
    "bot.cli.queues": "add_queues_parser",
    "bot.cli.handoff": "add_escalation_commands",
    "bot.cli.backup": "add_parsers",
}
"""The function of each group's module that adds its parsers."""
OWN = frozenset({"demo", "serve", "migrate", "locales", "telegram-webhook", "retention", "keys"})
"""Commands this module adds itself."""


def migrate(settings: Settings) -> None:
    """Brings the database schema up to date."""
    from storage.migrate import upgrade

    with startup.database_errors(settings.database.url):
        upgrade(settings.database.url)


def ensure_catalogs() -> None:
    """Compiles the catalogs when a compiled one is missing (a fresh clone)."""
    from bot.cli.locales import compile_catalogs
    from bot.i18n import LOCALES_DIR

    if not all(
        (LOCALES_DIR / loc / "LC_MESSAGES" / "messages.mo").exists() for loc in ("id", "en")
    ):
        compile_catalogs()


def with_keys(settings: Settings) -> Settings:
    """Installs the encryption keys the settings name; refuses in one line when there are none."""
    startup.check_keys(settings)
    return settings


def prepare(*, demo: bool) -> Settings:
    """Reads the settings, refuses a start its files or keys would stop (installing the keys),
    compiles catalogs and migrates before serving."""
    if demo:
        from bot.cli.demo import demo_environment

        demo_environment()
    settings = startup.read_settings()
    if not demo and "process" not in settings.worker.model_fields_set:
        # this process answers webhooks, a worker process does the rest (README, "How it works")
        worker = settings.worker.model_copy(update={"process": True})
        settings = settings.model_copy(update={"worker": worker})
    ensure_catalogs()  # the office check below loads them (group alerts)
    startup.preflight(settings)
    migrate(settings)
    return settings


def serve(host: str, port: int, *, demo: bool) -> None:
    """Runs the web server (the demo adds the browser chat, the local inbox and its accounts)."""
    import uvicorn

    settings = prepare(demo=demo)
    if demo:
        from bot.cli.demo import welcome

        welcome(settings, host, port)
    observe(settings, first=True)
    module, name = APP_FACTORY.split(":")
    app = getattr(importlib.import_module(module), name)(settings)
    forwarded = settings.server.forwarded_allow_ips
    uvicorn.run(
        app, host=host, port=port, log_level="info", log_config=None, forwarded_allow_ips=forwarded
    )


def parser(command: str | None = None) -> argparse.ArgumentParser:
    """Returns the command-line parser (for one command: without the other groups' modules)."""
    root = argparse.ArgumentParser(prog="suara", description="Suara complaint intake")
    commands = root.add_subparsers(dest="command", required=True)
    for name, text in (
        ("demo", "local demo: browser chat, no tokens"),
        ("serve", "production server"),
    ):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("--host", default="127.0.0.1")
        sub.add_argument("--port", type=int, default=8000)
    commands.add_parser("migrate", help="bring the database schema up to date")
    for module, adder in ADDERS.items():
        if command not in OWN and GROUPS.get(command or "", module) == module:
            getattr(importlib.import_module(module), adder)(commands)
    locales = commands.add_parser("locales", help="extract, update and compile the catalogs")
    locales.add_argument("--compile-only", action="store_true", help="only compile .po to .mo")
    add_telegram_commands(commands)
    purge = commands.add_parser("retention", help="run the retention job and print its counts")
    purge.add_argument("--run-once", action="store_true", required=True, help="run it now")
    keys = commands.add_parser("keys", help="encryption keys: new key, re-encrypt with the current")
    keys.add_argument("action", choices=("new", "rotate"))
    keys.add_argument("--batch-size", type=int, default=500)
    keys.add_argument(
        "--address", action="store_true", help="new: an address key; rotate: re-seal addresses"
    )
    return root


def add_telegram_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds `suara telegram-webhook set|delete|info`."""
    webhook = subparsers.add_parser(
        "telegram-webhook", help="set, delete or show the Telegram webhook"
    )
    webhook.add_argument(
        "action",
        choices=("set", "delete", "info"),
        help="set: TELEGRAM_WEBHOOK_URL with the secret; delete: back to long polling",
    )


def telegram_webhook(action: str) -> int:
    """Runs the telegram-webhook command (its code lives with the Telegram channel)."""
    admin = importlib.import_module(TELEGRAM_ADMIN)
    status: int = admin.main(action)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Runs one `suara` command; a setting that stops it is one line on stderr and exit 2."""
    given = list(sys.argv[1:] if argv is None else argv)
    args = parser(given[0] if given else None).parse_args(given)
    try:
        configure_logging(ObservabilitySettings().log_format)
        return run(args)
    except (ValidationError, SettingsError) as error:
        refused = startup.setting_error(error)
        if refused is None:
            raise
        print(refused, file=sys.stderr)  # noqa: T201
    except startup.StartupError as error:
        print(error, file=sys.stderr)  # noqa: T201
    return startup.EXIT_CODE


def run(args: argparse.Namespace) -> int:
    """Runs the command the arguments name."""
    if args.command in ("demo", "serve"):
        serve(args.host, args.port, demo=args.command == "demo")
    elif args.command == "migrate":
        migrate(Settings())
    elif args.command in GROUPS:
        return run_group(args)
    elif args.command == "keys":
        from bot.cli.keys import run as run_keys_command

        return run_keys_command(args.action, args.batch_size, Settings(), address=args.address)
    elif args.command == "retention":
        from bot.safety import retention_command

        return retention_command(Settings())
    elif args.command == "telegram-webhook":
        return telegram_webhook(args.action)
    elif args.command == "locales":
        from bot.cli.locales import compile_catalogs, refresh

        compile_catalogs() if args.compile_only else refresh()
    return 0


def run_group(args: argparse.Namespace) -> int:
    """Runs a command whose module is one of the groups."""
    module = importlib.import_module(GROUPS[args.command])
    status: int
    if args.command == "check":
        status = module.run(args, sys.stdout)
    elif args.command == "queues":
        status = module.run_queues(Settings())
    elif args.command == "setup":
        status = module.run_setup(args, Settings(), sys.stdout)
    elif module.__name__ == "bot.cli.handoff":
        status = module.run(args, with_keys(Settings()))
    else:
        status = module.run(args, Settings(), sys.stdout)
    return status


if __name__ == "__main__":
    sys.exit(main())
