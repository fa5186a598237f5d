"""`suara demo`'s own set-up: its environment and the console accounts it prints at every start."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from sqlalchemy.engine import make_url

from bot.cli.setup import config_offices
from bot.settings import Settings
from bot.staff import DemoAccount, demo_accounts, demo_secret, ensure_demo_account
from escalation import offices
from flows.routing import Office
from storage import db
from storage.types import utcnow

BRANCH = Office.JEMBER.value


def demo_environment() -> None:
    """Turns the demo on (its own database, demo.db in SUARA_DATA_DIR) and console cookies that
    plain http carries."""
    os.environ["DEMO"] = "true"
    # The demo serves http on localhost: a Secure cookie would never come back. Demo only.
    os.environ["CONSOLE_COOKIE_SECURE"] = "false"


def secret_path(settings: Settings) -> Path:
    """Returns where the demo secret lives: beside the SQLite database, else in the data dir."""
    url = make_url(settings.database.url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(f"{url.database}.console")
    return settings.files.data_dir / "demo.console"


def demo_offices(known: Sequence[offices.Office]) -> tuple[str, str]:
    """Returns the admin's office (the config's first) and the caseworker's (Jember, or the
    first branch: neither the first office nor a partner)."""
    if not known:
        return Office.JAKARTA.value, BRANCH
    branches = [o.id for o in known[1:] if not o.third_party]
    ids = {o.id for o in known}
    return known[0].id, BRANCH if BRANCH in ids else (branches or [known[0].id])[0]


def console_accounts(settings: Settings) -> tuple[DemoAccount, ...]:
    """Makes the demo's console accounts, or puts them back as printed; returns them."""
    admin_office, branch_office = demo_offices(config_offices(settings))
    wanted = demo_accounts(demo_secret(secret_path(settings)), admin_office, branch_office)
    engine = db.make_engine(settings.database.url, settings.database.timeouts(worker=True))
    try:
        with db.session(engine) as session:
            for account in wanted:
                ensure_demo_account(session, account, utcnow())
    finally:
        engine.dispose()
    return wanted


def welcome(settings: Settings, host: str, port: int, out: TextIO = sys.stdout) -> None:
    """Makes the console accounts and prints where the demo is and how to sign in."""
    accounts = console_accounts(settings)
    base = f"http://{host}:{port}"
    print(f"Suara demo: open {base}/demo in your browser (Ctrl+C to stop)", file=out)
    print(f"Console: {base}/console/login (the same accounts at every start)", file=out)
    for account in accounts:
        print(
            f"  {account.role:<10} {account.email:<24} password {account.password}"
            f"  (office {account.office})",
            file=out,
        )
    for account in accounts:
        if account.totp_secret is not None:
            secret = account.totp_secret
            print(f"  {account.role}'s code: secret {secret}, or scan {account.totp_uri}", file=out)
            hint = f"import pyotp; print(pyotp.TOTP('{secret}').now())"
            print(f'  a code now: {sys.executable} -c "{hint}"', file=out)
