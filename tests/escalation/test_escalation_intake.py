"""A whole report through the runner: exactly one thin, signed webhook; doubles are harmless."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from esc_helpers import desk_of, dispatcher, endpoint, escalate, make_case
from esc_receiver import Receiver
from settings_helpers import make_settings
from sqlalchemy import Engine
from sqlmodel import col, func, select

from bot.casework.desk import EscalationHook, triggers
from bot.envelopes import Channel, InboundEvent, StoredMedia
from bot.i18n import Catalogs
from bot.runtime.runner import Runner
from escalation import service
from escalation.desk import Desk
from flows.context import Context
from flows.vocabulary import Event, EventName, InputKind, MediaKind
from storage import db
from storage.escalation_models import Delivery, Escalation
from storage.models import Case, CaseEvent

Start = Callable[..., Receiver]
PLANTED = ("ZZCITY", "ZZSTORY", "ZZNAME", "Aminah", "+85291234567", "9,000", "Madam Chan")


def runner(engine: Engine, desk: Desk, tmp_path: Path) -> Runner:
    settings = make_settings(escalation_offices_file=tmp_path / "none.toml")
    return Runner(engine, Catalogs(), Context(), after_turn=[EscalationHook(settings, desk)])


class Reporter:
    """Sends what a reporter on the demo chat would."""

    def __init__(self, runner: Runner) -> None:
        self.runner, self.count = runner, 0
        self.at = dt.datetime.now(dt.UTC)

    def __call__(self, text: str = "", choice: str | None = None, photo: bool = False) -> None:
        self.count += 1
        self.at += dt.timedelta(seconds=20)
        media = (
            StoredMedia(kind=MediaKind.PHOTO, mime_type="image/jpeg", size_bytes=9, sha256="0" * 64)
            if photo
            else None
        )
        kind = InputKind.MEDIA if photo else InputKind.CHOICE if choice else InputKind.TEXT
        self.runner.handle(
            InboundEvent(
                channel=Channel.WEB,
                chat_id="chat-e2e",
                user_id="chat-e2e",
                kind=kind,
                at=self.at,
                text=text,
                choice_id=choice,
                media=media,
                locale_hint="en-GB",
                message_ref=f"m{self.count}",
            )
        )


def file_report(say: Reporter) -> None:
    say("Hello")
    for choice in ("danger.no", "safe_now.safe", "role.worker", "consent.agree", "self_country.HK"):
        say(choice=choice)
    say("Kampung ZZCITY near Mong Kok")
    say("4")
    say("done")  # a typed pick ticks the checklist; done ends it
    say("1")
    say("done")
    say("3")
    say("HK$ 9,000")
    say("ZZSTORY: Madam Chan keeps my passport, call me on +85291234567")
    say("Siti ZZNAME Aminah")
    for choice in ("self_contact.this_chat", "self_times.any", "self_regency.Jember"):
        say(choice=choice)
    for _ in range(4):
        say(choice="cmd:skip")
    say(photo=True)
    say(choice="cmd:done")
    say(choice="review.confirm")


async def test_a_filed_report_sends_exactly_one_thin_signed_webhook(
    engine: Engine, receivers: Start, tmp_path: Path
) -> None:
    receiver = receivers()
    desk = desk_of(endpoint("all", "*", receiver.url, receiver.secret))
    file_report(Reporter(runner(engine, desk, tmp_path)))
    sender = dispatcher(engine, desk)
    await sender.drain()
    await sender.aclose()
    [request] = receiver.requests
    assert request.verified
    body = json.loads(request.body)
    assert body["type"] == "escalation.created"
    with db.session(engine) as session:
        case = session.exec(select(Case)).one()
        stored = session.exec(select(Delivery)).one()
    assert case.status == "submitted"
    assert body["data"]["case_ref"] == case.reference
    assert body["data"]["destination_country"] == "HK"
    assert body["data"]["language"] == "en"
    assert body["data"]["reasons"] == ["case_submitted"]
    text = request.body.decode() + stored.payload
    for planted in PLANTED:
        assert planted not in text
    assert len(request.body) < 20_000


async def test_a_message_after_submitting_updates_the_escalation(
    engine: Engine, receivers: Start, tmp_path: Path
) -> None:
    receiver = receivers()
    desk = desk_of(endpoint("all", "*", receiver.url, receiver.secret))
    say = Reporter(runner(engine, desk, tmp_path))
    file_report(say)
    say("ZZSTORY one more thing")
    sender = dispatcher(engine, desk)
    await sender.drain()
    await sender.aclose()
    types = [json.loads(r.body)["type"] for r in receiver.requests]
    assert sorted(types) == ["escalation.created", "report.updated"]
    assert all("ZZSTORY" not in r.body.decode() for r in receiver.requests)


def test_submitting_twice_or_urgent_then_submitted_keeps_one_escalation(engine: Engine) -> None:
    desk = desk_of(endpoint("all", "*", "https://hooks.example.org/x", "whsec_" + "A" * 44))
    case = make_case(engine)
    first = escalate(engine, desk, case, "urgent")
    assert escalate(engine, desk, case, "case_submitted") == first
    assert escalate(engine, desk, case, "case_submitted") == first
    assert escalate(engine, desk, case, "urgent") == first
    with db.session(engine) as session:
        assert session.exec(select(func.count()).select_from(Escalation)).one() == 1
        types = session.exec(select(Delivery.event_type).order_by(col(Delivery.id))).all()
        reasons = session.exec(select(Escalation.reasons)).one()
    assert types == ["escalation.created", "escalation.updated"]
    assert reasons == ["urgent", "case_submitted"]


def test_an_update_records_the_sequence_number_its_webhook_carries(engine: Engine) -> None:
    desk = desk_of(endpoint("all", "*", "https://hooks.example.org/x", "whsec_" + "A" * 44))
    case = make_case(engine)
    escalate(engine, desk, case, "urgent")
    escalate(engine, desk, case, "report_updated")
    escalate(engine, desk, case, "report_updated")
    with db.session(engine) as session:
        query = select(CaseEvent).where(col(CaseEvent.type) == "escalation_updated")
        recorded = [e.data["sequence"] for e in session.exec(query.order_by(col(CaseEvent.id)))]
        bodies = session.exec(select(Delivery.payload).order_by(col(Delivery.id))).all()
    carried = [json.loads(body)["data"]["sequence"] for body in bodies[1:]]
    assert recorded == carried == [1, 2]


def test_a_rolled_back_turn_leaves_no_escalation_or_delivery(engine: Engine) -> None:
    desk = desk_of(endpoint("all", "*", "https://hooks.example.org/x", "whsec_" + "A" * 44))
    case = make_case(engine)

    def failing_turn() -> None:
        with db.session(engine) as session:
            row = session.get(Case, case.id)
            assert row is not None
            service.open_or_update(session, desk, row, "case_submitted", dt.datetime.now(dt.UTC))
            raise RuntimeError("the turn failed after the escalation")

    with pytest.raises(RuntimeError):
        failing_turn()
    with db.session(engine) as session:
        assert session.exec(select(func.count()).select_from(Escalation)).one() == 0
        assert session.exec(select(func.count()).select_from(Delivery)).one() == 0


def test_only_urgent_levels_and_handover_open_an_escalation() -> None:
    events = [
        Event(EventName.URGENCY_RAISED, {"to_level": "P2"}),
        Event(EventName.URGENCY_RAISED, {"to_level": "P1"}),
        Event(EventName.HANDOVER_REQUESTED),
        Event(EventName.EVIDENCE_ADDED),
        Event(EventName.ANSWER_RECORDED),
        Event(EventName.CASE_SUBMITTED),
    ]
    assert triggers(events) == ["urgent", "handover_requested", "report_updated", "case_submitted"]
