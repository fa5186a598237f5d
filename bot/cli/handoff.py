"""`suara token`, `caseworkers`, `deliveries` and `endpoints`: what hand-off operators need."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TextIO

from sqlmodel import Session, col, func, select

from bot.casework import build_desk
from bot.cli.accounts import ACCOUNT_ACTIONS, add_account_parsers, run_account
from bot.settings import Settings
from bot.staff import Role
from escalation.delivery import endpoints
from flows.routing import Office
from storage import caseworkers, db, deliveries
from storage.escalation_models import Delivery
from storage.types import utcnow

COMMANDS = frozenset({"token", "deliveries", "endpoints", "caseworkers"})


def add_escalation_commands(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """Adds the hand-off's commands to the `suara` parser."""
    token = subparsers.add_parser("token", help="caseworker API tokens").add_subparsers(
        dest="action", required=True
    )
    create = token.add_parser("create", help="make a token (printed once, stored hashed)")
    create.add_argument("--office", required=True, choices=[o.value for o in Office])
    create.add_argument("--name", required=True, help="the caseworker or system using it")
    create.add_argument("--supervisor", action="store_true", help="may take over claims")
    revoke = token.add_parser("revoke", help="revoke tokens by their first characters")
    revoke.add_argument("prefix", help="at least the 12 characters `token create` showed")
    sent = subparsers.add_parser("deliveries", help="the webhook outbox").add_subparsers(
        dest="action", required=True
    )
    replay = sent.add_parser("replay", help="send dead (or named) deliveries again, same id")
    replay.add_argument("--dead", action="store_true", help="every dead delivery")
    replay.add_argument("--id", type=int, action="append", default=[], help="one delivery id")
    replay.add_argument("--since", type=dt.datetime.fromisoformat, help="created after (ISO)")
    sent.add_parser("list", help="dead and pending deliveries")
    ends = subparsers.add_parser("endpoints", help="webhook endpoints").add_subparsers(
        dest="action", required=True
    )
    ends.add_parser("list", help="endpoints from the office config, with their state")
    people = subparsers.add_parser("caseworkers", help="caseworkers").add_subparsers(
        dest="action", required=True
    )
    add_account_parsers(people)
    link = people.add_parser("link-telegram", help="let a Telegram user press group buttons")
    link.add_argument("caseworker", type=int, help="the id `token create` showed")
    link.add_argument("telegram_user", nargs="?", help="the numeric Telegram user id")
    link.add_argument("--unlink", action="store_true", help="remove the caseworker's link")


def run(
    args: argparse.Namespace,
    settings: Settings,
    out: TextIO = sys.stdout,
    stdin: TextIO = sys.stdin,
) -> int:
    """Runs one hand-off command; returns the exit status."""
    engine = db.make_engine(settings.database.url, settings.database.timeouts(worker=True))
    try:
        with db.session(engine) as session:
            if args.command == "token":
                return _token(session, args, out)
            if args.command == "caseworkers" and args.action in ACCOUNT_ACTIONS:
                return run_account(session, args, settings, out, stdin)
            if args.command == "caseworkers":
                return _link_telegram(session, args, out)
            if args.command == "deliveries" and args.action == "replay":
                return _replay(session, args, out)
            if args.command == "deliveries":
                return _list_deliveries(session, out)
            rows = endpoints.sync_endpoints(session, build_desk(settings).directory, utcnow())
            load = deliveries.endpoint_load(session=session)
            for row in rows.values():
                state = "enabled" if row.enabled else f"disabled ({row.disabled_reason})"
                print(
                    f"{row.name}\t{row.office}\t{row.level}\t{row.url}\t{state}"
                    f"\tin flight {load.get(row.id or 0, 0)}",
                    file=out,
                )
            return 0
    finally:
        engine.dispose()


def _token(session: Session, args: argparse.Namespace, out: TextIO) -> int:
    if args.action == "revoke":
        count = caseworkers.revoke_tokens(session=session, prefix=args.prefix, now=utcnow())
        print(f"revoked {count} token(s)", file=out)
        return 0 if count else 1
    who = caseworkers.create_caseworker(
        session=session,
        name=args.name,
        office=args.office,
        role=Role.SUPERVISOR if args.supervisor else Role.CASEWORKER,
    )
    token = caseworkers.issue_token(session=session, caseworker_id=who.id or 0)
    print(token, file=out)
    print(
        f"# caseworker {who.id}, office {who.office}: shown once, only its hash is kept", file=out
    )
    return 0


def _link_telegram(session: Session, args: argparse.Namespace, out: TextIO) -> int:
    user = None if args.unlink else (args.telegram_user or "").strip()
    if user is not None and not user.isdigit():
        print("give the numeric Telegram user id (or --unlink)", file=out)
        return 2
    who = caseworkers.link_telegram(
        session=session, caseworker_id=args.caseworker, telegram_user_id=user
    )
    if who is None:
        print(f"no caseworker {args.caseworker} (system caseworkers cannot be linked)", file=out)
        return 1
    state = f"linked to Telegram user {user}" if user else "unlinked from Telegram"
    print(f"caseworker {who.id} ({who.office}) {state}", file=out)
    return 0


def _replay(session: Session, args: argparse.Namespace, out: TextIO) -> int:
    if not args.dead and not args.id:
        print("name --dead or --id", file=out)
        return 2
    count = deliveries.replay_deliveries(
        session=session, now=utcnow(), ids=args.id, since=args.since
    )
    print(f"queued {count} delivery(ies) again", file=out)
    return 0


def _list_deliveries(session: Session, out: TextIO) -> int:
    query = (
        select(Delivery.state, func.count())
        .where(col(Delivery.state).in_(("pending", "sending", "dead")))
        .group_by(col(Delivery.state))
    )
    for state, count in session.exec(query):
        print(f"{state}\t{count}", file=out)
    dead = select(Delivery).where(col(Delivery.state) == "dead").order_by(col(Delivery.id))
    for row in session.exec(dead.limit(50)):
        print(f"dead\t{row.id}\t{row.msg_id}\t{row.last_error}", file=out)
    return 0
