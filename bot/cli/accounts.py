"""`suara caseworkers add|disable|reset|totp|list`: console accounts as operators manage them."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from sqlmodel import Session, col, select

from bot.settings import Settings
from bot.staff import (
    MIN_PASSWORD,
    AccountError,
    ConsoleSettings,
    Role,
    add_account,
    disable_account,
    enrol_totp,
    new_link,
    reset_account,
)
from flows.routing import Office
from storage.escalation_models import Caseworker
from storage.types import utcnow

ACCOUNT_ACTIONS = frozenset({"add", "disable", "reset", "totp", "list"})


def add_account_parsers(people: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds the account commands under `suara caseworkers`."""
    people.add_parser("list", help="caseworkers: e-mail, role, office, disabled, TOTP, Telegram")
    add = people.add_parser("add", help="add a console account (prints a one-time sign-in link)")
    add.add_argument("email")
    add.add_argument("--office", required=True, choices=[o.value for o in Office])
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--name", help="the name shown in the console (default: from the e-mail)")
    add.add_argument(
        "--password-stdin", action="store_true", help="read a password from stdin, no link"
    )
    for action, text in (
        ("disable", "disable an account and end its sessions"),
        ("reset", "end an account's sessions and print a new sign-in link"),
        ("totp", "enrol a second factor: prints the provisioning URI and secret once"),
    ):
        people.add_parser(action, help=text).add_argument("email")


def run_account(
    session: Session,
    args: argparse.Namespace,
    settings: Settings,
    out: TextIO,
    stdin: TextIO = sys.stdin,
) -> int:
    """Runs one account command; returns the exit status."""
    if args.action == "list":
        return _list(session, out)
    console, now = ConsoleSettings(), utcnow()
    base = settings.server.public_base_url.rstrip("/")
    try:
        if args.action == "add":
            password = stdin.readline().rstrip("\n") if args.password_stdin else None
            if password is not None and len(password) < MIN_PASSWORD:
                print(f"a password needs at least {MIN_PASSWORD} characters", file=out)
                return 2
            who = add_account(
                session,
                email=args.email,
                office=args.office,
                role=Role(args.role),
                name=args.name,
                password=password,
                now=now,
            )
            print(f"caseworker {who.id}: {who.email}, {who.role}, {who.office}", file=out)
            if password is None:
                _link(base + new_link(session, who, console, now), console, out)
        elif args.action == "disable":
            who = disable_account(session, args.email, now)
            print(f"caseworker {who.id} disabled, sessions ended", file=out)
        elif args.action == "reset":
            _link(base + reset_account(session, args.email, console, now), console, out)
        else:
            enrolment = enrol_totp(session, args.email, now)
            print(enrolment.uri, file=out)
            print(f"secret {enrolment.secret}", file=out)
            print("# shown once: scan it into an authenticator app now", file=out)
    except AccountError as error:
        print(str(error), file=out)
        return 1
    return 0


def _link(url: str, console: ConsoleSettings, out: TextIO) -> None:
    print(url, file=out)
    print(f"# one-time sign-in link, good for {console.link_hours} h: shown once", file=out)


def _list(session: Session, out: TextIO) -> int:
    for row in session.exec(select(Caseworker).order_by(col(Caseworker.id))):
        role = "system" if row.system_key else row.role
        disabled = "disabled" if row.disabled_at else "enabled"
        totp = "totp" if row.totp_secret else "no totp"
        linked = "telegram linked" if row.telegram_user_id else "no telegram"
        email = row.email or "-"
        print(
            f"{row.id}\t{email}\t{role}\t{row.office}\t{disabled}\t{totp}\t{row.name}\t{linked}",
            file=out,
        )
    return 0
