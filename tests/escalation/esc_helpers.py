"""Helpers for the hand-off tests: a fake clock, offices, cases and dispatchers."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from sqlalchemy import Engine

from bot.casework.referrals import GATE
from escalation import offices
from escalation.delivery.dispatcher import Dispatcher, Tuning
from escalation.delivery.retry import Policy
from escalation.delivery.signing import decode_secret
from escalation.desk import Desk
from escalation.offices import Deadlines, Directory, Endpoint, Office
from storage import db, queries
from storage.models import Case

START = dt.datetime(2026, 11, 28, 1, 0, tzinfo=dt.UTC)
FAST = Policy(schedule=(0.2, 0.4, 0.8), floor=0.5, retry_after_cap=3600)
_numbers = itertools.count(1)


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: dt.datetime

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> dt.datetime:
        self.now += dt.timedelta(seconds=seconds)
        return self.now


def endpoint(
    name: str, office: str, url: str, secret: str, level: str = "office", max_in_flight: int = 8
) -> Endpoint:
    return Endpoint(
        name=name,
        office=office,
        level=level,
        url=url,
        secrets=(decode_secret(secret),),
        max_in_flight=max_in_flight,
    )


def desk_of(*endpoints: Endpoint, deadlines: Deadlines | None = None) -> Desk:
    """Returns a desk whose offices hold the given endpoints (office "operator": operators)."""
    by_office: dict[str, list[Endpoint]] = {}
    for found in endpoints:
        by_office.setdefault(found.office, []).append(found)
    operators = tuple(by_office.pop(offices.OPERATOR, ()))
    catch_all = tuple(by_office.pop(offices.ANY_OFFICE, ()))
    directory = Directory(
        offices={k: Office(k, k, tuple(v)) for k, v in by_office.items()},
        operators=operators,
        catch_all=catch_all,
        deadlines=deadlines or Deadlines(),
    )
    return Desk(directory=directory, sharing=GATE, base_url="https://suara.example.org")


def make_case(
    engine: Engine,
    *,
    lead: str = "jakarta",
    urgency: str = "P1",
    categories: tuple[str, ...] = ("GAJI",),
    copies: tuple[str, ...] = (),
    locale: str = "id",
    status: str = "submitted",
) -> Case:
    """Creates a reporter, a conversation and a submitted case; returns the case."""
    number = next(_numbers)
    with db.session(engine) as session:
        reporter = queries.get_or_create_reporter(
            session=session, channel="web", channel_user_id=f"user-{number}"
        )
        conversation, _ = queries.lock_conversation(
            session=session, channel="web", chat_id=f"chat-{number}", reporter_id=reporter.id or 0
        )
        case = Case(
            reference=queries.next_case_reference(session=session, year=2026),
            conversation_id=conversation.id or 0,
            reporter_id=reporter.id or 0,
            status=status,
            urgency=urgency,
            categories=list(categories),
            primary_category=categories[0] if categories else None,
            destination_country="MY" if lead == "kuala_lumpur" else "HK",
            lead_office=lead,
            liaison_office="jember",
            copy_offices=list(copies),
            locale=locale,
            channel="web",
            submitted_at=dt.datetime.now(dt.UTC),
        )
        session.add(case)
        session.flush()
        return case


def dispatcher(
    engine: Engine,
    desk: Desk,
    clock: Clock | None = None,
    *,
    policy: Policy = FAST,
    owner: str | None = None,
    **tuning: object,
) -> Dispatcher:
    """Returns a dispatcher with short deadlines, allowed to call loopback receivers."""
    options: dict[str, object] = {
        "request_timeout": 1.0,
        "connect_timeout": 0.5,
        "lease_seconds": 2.0,
        "poll_seconds": 0.05,
        "allow_private": True,
        "dispatcher_lease_seconds": 2.0,
    }
    options.update(tuning)
    return Dispatcher(
        engine,
        desk,
        policy=policy,
        tuning=Tuning(**options),  # type: ignore[arg-type]
        owner=owner,
        clock=clock or (lambda: dt.datetime.now(dt.UTC)),
    )


def escalate(
    engine: Engine,
    desk: Desk,
    case: Case,
    trigger: str = "case_submitted",
    now: dt.datetime | None = None,
) -> int:
    """Runs one trigger for a case in its own transaction; returns the escalation id."""
    from escalation import service

    with db.session(engine) as session:
        row = session.get(Case, case.id)
        assert row is not None
        found = service.open_or_update(session, desk, row, trigger, now or dt.datetime.now(dt.UTC))
        assert found is not None
        return found.id or 0
