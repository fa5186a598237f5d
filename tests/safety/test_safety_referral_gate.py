"""The consent gate (R-04): without the reporter's consent nothing reaches a third party; with it,
the share is made and audited; an emergency exception (R-03) opens it for P0 only; a withdrawal
closes it again."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from gate_helpers import PARTNER, START, consent, events, make_case

from bot.casework.referrals import GATE

from esc_receiver import Receiver  # isort: skip  (found through gate_helpers)
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.casework import referrals
from escalation import service
from escalation.alerts import Alert
from escalation.delivery.dispatcher import Dispatcher, Tuning
from escalation.delivery.retry import Policy
from escalation.delivery.signing import decode_secret
from escalation.desk import Desk
from escalation.offices import Directory, Endpoint, Office
from storage import db, escalations
from storage.escalation_models import Delivery
from storage.models import Case


@pytest.fixture
def partner() -> Iterator[Receiver]:
    """A partner organisation's webhook receiver (a third party)."""
    from escalation.delivery.signing import new_secret

    receiver = Receiver(secret=new_secret()).start()
    yield receiver
    receiver.stop()


def desk_for(receiver: Receiver) -> Desk:
    endpoint = Endpoint(
        name="partner",
        office=PARTNER,
        level="office",
        url=receiver.url,
        secrets=(decode_secret(receiver.secret),),
    )
    offices = {
        "jakarta": Office("jakarta", "Jakarta"),
        PARTNER: Office(PARTNER, "SARI Solo", (endpoint,), third_party=True),
    }
    return Desk(directory=Directory(offices), sharing=GATE, base_url="https://suara.example.org")


async def deliver(engine: Engine, desk: Desk) -> int:
    tuning = Tuning(
        request_timeout=1.0,
        connect_timeout=0.5,
        lease_seconds=2.0,
        poll_seconds=0.05,
        allow_private=True,
        dispatcher_lease_seconds=2.0,
    )
    sender = Dispatcher(
        engine,
        desk,
        policy=Policy(schedule=(0.2,), floor=0.5, retry_after_cap=60),
        tuning=tuning,
        clock=lambda: dt.datetime.now(dt.UTC),
    )
    try:
        return await sender.drain()
    finally:
        await sender.aclose()


def escalate(engine: Engine, desk: Desk, case: Case, trigger: str = "case_submitted") -> None:
    with db.session(engine) as session:
        row = session.get(Case, case.id)
        assert row is not None
        service.open_or_update(session, desk, row, trigger, dt.datetime.now(dt.UTC))


def partner_deliveries(engine: Engine, case: Case) -> list[Delivery]:
    with db.session(engine) as session:
        query = select(Delivery).where(col(Delivery.office) == PARTNER)
        rows = session.exec(query.order_by(col(Delivery.id)))
        return [d for d in rows if json.loads(d.payload)["data"]["case_ref"] == case.reference]


async def test_without_consent_the_partner_receives_nothing(
    engine: Engine, partner: Receiver
) -> None:
    desk = desk_for(partner)
    case = make_case(engine, lead=PARTNER)
    escalate(engine, desk, case)
    await deliver(engine, desk)
    assert partner.requests == []
    assert partner_deliveries(engine, case) == []
    [refused] = events(engine, case, "share_refused")
    assert refused.data == {"recipient": PARTNER, "code": "consent_missing"}
    assert refused.actor == "system"
    assert events(engine, case, "case_shared") == []


async def test_with_consent_the_partner_receives_the_thin_payload_and_it_is_audited(
    engine: Engine, partner: Receiver
) -> None:
    desk = desk_for(partner)
    case = make_case(engine, lead=PARTNER)
    consent(engine, case, "given")
    escalate(engine, desk, case)
    assert await deliver(engine, desk) == 1
    [request] = partner.requests
    assert request.verified
    body = json.loads(request.body)["data"]
    assert body["case_ref"] == case.reference
    assert "answers" not in body
    [shared] = events(engine, case, "case_shared")
    assert shared.data == {"recipient": PARTNER, "reason": "escalation", "basis": "consent"}


async def test_a_withdrawn_consent_blocks_the_next_share(engine: Engine, partner: Receiver) -> None:
    desk = desk_for(partner)
    case = make_case(engine, lead=PARTNER)
    consent(engine, case, "given")
    escalate(engine, desk, case)
    assert len(partner_deliveries(engine, case)) == 1
    consent(engine, case, "withdrawn", at=START + dt.timedelta(hours=1))
    escalate(engine, desk, case, service.UPDATE)
    await deliver(engine, desk)
    assert len(partner.requests) == 1
    assert len(partner_deliveries(engine, case)) == 1
    [refused] = events(engine, case, "share_refused")
    assert refused.data["code"] == "consent_withdrawn"


async def test_an_emergency_exception_opens_the_gate_for_a_p0_case(
    engine: Engine, partner: Receiver
) -> None:
    desk = desk_for(partner)
    case = make_case(engine, lead=PARTNER, urgency="P0")
    with db.session(engine) as session:
        row = session.get(Case, case.id)
        assert row is not None
        referrals.log_emergency_exception(session, row, "caseworker:1", "life_at_risk", START)
    escalate(engine, desk, case)
    assert await deliver(engine, desk) == 1
    assert len(partner.requests) == 1
    [logged] = events(engine, case, "emergency_exception_logged")
    assert (logged.actor, logged.data) == ("caseworker:1", {"justification": "life_at_risk"})
    [shared] = events(engine, case, "case_shared")
    assert shared.data["basis"] == "emergency_exception"


def test_an_emergency_exception_is_refused_for_other_cases_and_codes(engine: Engine) -> None:
    case = make_case(engine, urgency="P1")
    urgent = make_case(engine, urgency="P0")
    with db.session(engine) as session:
        row, p0 = session.get(Case, case.id), session.get(Case, urgent.id)
        assert row is not None
        assert p0 is not None
        with pytest.raises(referrals.ExceptionNotAllowed):
            referrals.log_emergency_exception(session, row, "caseworker:1", "life_at_risk", START)
        with pytest.raises(referrals.ExceptionNotAllowed):
            referrals.log_emergency_exception(session, p0, "caseworker:1", "she is scared", START)
    assert events(engine, case, "emergency_exception_logged") == []
    assert events(engine, urgent, "emergency_exception_logged") == []


def test_an_explicit_refusal_beats_an_emergency_exception(engine: Engine) -> None:
    case = make_case(engine, urgency="P0")
    consent(engine, case, "refused", recipient="police")
    with db.session(engine) as session:
        row = session.get(Case, case.id)
        assert row is not None
        referrals.log_emergency_exception(session, row, "caseworker:1", "detained", START)
        assert referrals.ensure_may_share(session, row, "kbri", "caseworker:1", START) == (
            referrals.Basis.EMERGENCY
        )
        with pytest.raises(referrals.ShareRefused) as refused:
            referrals.ensure_may_share(session, row, "police", "caseworker:1", START)
    assert refused.value.code is referrals.Refusal.REFUSED


def test_the_latest_answer_wins_and_consents_are_per_recipient(engine: Engine) -> None:
    case = make_case(engine)
    consent(engine, case, "refused", at=START)
    consent(engine, case, "given", at=START + dt.timedelta(minutes=5))
    consent(engine, case, "given", recipient="kp2mi", at=START)
    consent(engine, case, "withdrawn", recipient="kp2mi", at=START + dt.timedelta(minutes=5))
    with db.session(engine) as session:
        row = session.get(Case, case.id)
        assert row is not None
        assert referrals.ensure_may_share(session, row, PARTNER, "system", START) == (
            referrals.Basis.CONSENT
        )
        for recipient, code in (("kp2mi", "consent_withdrawn"), ("police", "consent_missing")):
            with pytest.raises(referrals.ShareRefused) as refused:
                referrals.ensure_may_share(session, row, recipient, "system", START)
            assert refused.value.code.value == code


@dataclass
class GroupChannel:
    """An alert channel that notes what it was told (a partner's Telegram group)."""

    told: list[Alert] = field(default_factory=list)

    def alert(self, session: Session, alert: Alert) -> None:
        self.told.append(alert)


def test_a_partner_group_is_alerted_only_with_consent(engine: Engine) -> None:
    group = GroupChannel()
    offices = {PARTNER: Office(PARTNER, "SARI Solo", third_party=True)}
    desk = Desk(directory=Directory(offices), sharing=GATE, alerts=(group,))
    refused, given = make_case(engine, lead=PARTNER), make_case(engine, lead=PARTNER)
    consent(engine, given, "given")
    escalate(engine, desk, refused)
    escalate(engine, desk, given)
    told = [(a.case_reference, a.office) for a in group.told]
    assert told == [(refused.reference, "jakarta"), (given.reference, PARTNER)]
    assert events(engine, refused, "share_refused")
    [shared] = events(engine, given, "case_shared")
    assert shared.data["reason"] == "group_alert"


def escalation_office(engine: Engine, case: Case) -> str:
    with db.session(engine) as session:
        found = escalations.escalation_of_case(session=session, case_id=case.id or 0)
        assert found is not None
        return found.office


async def test_a_case_led_by_a_partner_goes_to_jakarta_until_the_reporter_agrees(
    engine: Engine, partner: Receiver
) -> None:
    desk = desk_for(partner)
    waiting = make_case(engine, lead=PARTNER)
    escalate(engine, desk, waiting)
    assert escalation_office(engine, waiting) == "jakarta"  # someone at Migrant CARE sees it
    agreed = make_case(engine, lead=PARTNER)
    consent(engine, agreed, "given")
    escalate(engine, desk, agreed)
    assert escalation_office(engine, agreed) == PARTNER
