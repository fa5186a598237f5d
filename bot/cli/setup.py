"""`suara setup --admin EMAIL`: the first admin of a new installation, with a second factor."""

from __future__ import annotations

import argparse
from typing import TextIO

from sqlmodel import Session

from bot.safety import KeyringError, install_keys
from bot.settings import Settings
from bot.staff import AccountError, Role, add_account, enrol_totp, new_link
from escalation import offices
from storage import db, staff
from storage.migrate import upgrade
from storage.types import utcnow


def add_setup_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds `suara setup`."""
    setup = subparsers.add_parser(
        "setup", help="a new installation: migrate, then add the first admin (prints a link)"
    )
    setup.add_argument("--admin", required=True, metavar="EMAIL", help="the first admin's e-mail")
    setup.add_argument("--office", help="the admin's office (default: the config's first office)")
    setup.add_argument("--name", help="the name shown in the console (default: from the e-mail)")


def config_offices(settings: Settings) -> tuple[offices.Office, ...]:
    """Returns the offices of the office config, in its order (the headquarters first)."""
    allow_private = settings.escalation.allow_private_targets or settings.demo.enabled
    directory = offices.load(settings.escalation.offices_file, allow_private=allow_private)
    return tuple(directory.offices.values())


def run_setup(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Migrates and adds the first admin; refuses (1) a second admin or an unknown office."""
    try:
        install_keys(settings)  # the TOTP secret is stored encrypted
        known = [office.id for office in config_offices(settings)]
    except (KeyringError, offices.ConfigError) as error:
        print(f"suara setup: {error}", file=out)
        return 1
    office = args.office or (known[0] if known else None)
    if office not in known:
        where, choices = settings.escalation.offices_file, ", ".join(known) or "none"
        print(
            f"suara setup: office {office or '(none)'} is not in the office config ({where});"
            f" its offices: {choices}.",
            file=out,
        )
        return 1
    upgrade(settings.database.url)
    engine = db.make_engine(settings.database.url, settings.database.timeouts(worker=True))
    try:
        with db.session(engine) as session:
            return _first_admin(session, args, office, settings, out)
    finally:
        engine.dispose()


def _first_admin(
    session: Session, args: argparse.Namespace, office: str, settings: Settings, out: TextIO
) -> int:
    """Adds the admin, enrols its second factor and prints both, once."""
    if staff.admin_exists(session=session):
        print(
            "suara setup: an admin account exists already, so this installation is set up;"
            " add more accounts with `suara caseworkers add`.",
            file=out,
        )
        return 1
    console, now = settings.console, utcnow()
    try:
        who = add_account(
            session,
            email=args.admin,
            office=office,
            role=Role.ADMIN,
            name=args.name,
            password=None,
            now=now,
        )
    except AccountError as error:
        print(f"suara setup: {error}", file=out)
        return 1
    enrolment = enrol_totp(session, who.email or "", now)
    link = settings.server.public_base_url.rstrip("/") + new_link(session, who, console, now)
    print(f"admin {who.id}: {who.email}, office {who.office}", file=out)
    print(link, file=out)
    print(f"# one-time sign-in link, good for {console.link_hours} h: shown once", file=out)
    print(enrolment.uri, file=out)
    print(f"secret {enrolment.secret}", file=out)
    print("# the second factor, shown once: scan it into an authenticator app now", file=out)
    return 0
