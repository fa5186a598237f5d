"""Queue depths: one reading for /metrics and `suara queues`, true to the rows, with no ids."""

from __future__ import annotations

import datetime as dt

import pytest
from esc_helpers import desk_of, endpoint, escalate, make_case
from metrics_helpers import parse, value
from prometheus_client import generate_latest
from sqlalchemy import Engine, update
from sqlmodel import col, select

from bot.cli.commands import main
from bot.observability import QueueCollector, depth_report, read_depths
from storage import db, outbox, queries
from storage.escalation_models import Delivery, Escalation, WebhookEndpoint
from storage.models import Case

SECRET = "whsec_" + "A" * 44


def fill(engine: Engine) -> tuple[list[str], dt.datetime]:
    """Leaves work in every queue; returns the case references and the moment it is read at."""
    desk = desk_of(endpoint("jkt", "jakarta", "https://jakarta.example.org/h", SECRET))
    cases = [make_case(engine), make_case(engine), make_case(engine, lead="kuala_lumpur")]
    for case in cases:
        escalate(engine, desk, case)
    now = dt.datetime.now(dt.UTC)
    with db.session(engine) as session:
        for external in ("u1", "u2"):
            queries.record_inbound(
                session=session,
                channel="telegram",
                external_id=external,
                chat_id="5551",
                payload=b"{}",
            )
        outbox.enqueue_outbox(
            session=session, conversation_id=None, channel="telegram", chat_id="5551",
            payloads=[{"text": "a"}, {"text": "b"}],
        )  # fmt: skip
        session.exec(  # the first escalation is overdue at level 1, the second at level 0
            update(Escalation)
            .where(col(Escalation.case_id) == cases[0].id)
            .values(ack_due_at=now - dt.timedelta(minutes=5), level=1)
        )
        session.exec(
            update(Escalation)
            .where(col(Escalation.case_id) == cases[1].id)
            .values(ack_due_at=now - dt.timedelta(minutes=1))
        )
        first = session.exec(select(Delivery).order_by(col(Delivery.id))).first()
        assert first is not None
        first.state, first.attempts = "dead", 12
        session.exec(update(WebhookEndpoint).values(paused_until=now + dt.timedelta(minutes=1)))
        references = list(session.exec(select(Case.reference)))
    return references, dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)


def test_the_depths_count_every_queue(engine: Engine) -> None:
    _, at = fill(engine)
    depths = read_depths(engine, at)
    assert depths.inbox["telegram"].count == 2
    assert depths.inbox["telegram"].oldest_seconds >= 30
    assert depths.outbox == {("telegram", "pending"): 2}
    assert depths.outbox_oldest["telegram"] >= 30
    assert depths.deliveries == {"pending": 1, "dead": 1}  # Kuala Lumpur has no endpoint here
    assert depths.breakers_open == 1
    assert depths.overdue_acknowledgements == {("jakarta", 1): 1, ("jakarta", 0): 1}


def test_metrics_and_the_command_show_the_same_figures_and_no_ids(
    engine: Engine,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    references, _ = fill(engine)
    samples = parse(generate_latest(QueueCollector(engine)).decode())
    assert value(samples, "suara_inbox_pending", channel="telegram") == 2
    assert value(samples, "suara_outbox_messages", channel="telegram", status="pending") == 2
    assert value(samples, "suara_escalation_deliveries", state="dead") == 1
    assert value(samples, "suara_escalation_breakers_open") == 1
    assert value(samples, "suara_escalations_overdue", office="jakarta", level="supervisor") == 1

    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["queues"]) == 0
    printed = capsys.readouterr().out
    assert "  telegram\t2\t" in printed  # inbox: two pending
    assert "  telegram\t2\t0\t0\t0\t" in printed  # outbox: pending, sending, failed, dead
    assert "escalation deliveries\tpending 1, sending 0, dead 1" in printed
    assert "breakers open 1" in printed
    assert "  jakarta\tsupervisor\t1" in printed
    body = generate_latest(QueueCollector(engine)).decode() + printed
    for private in [*references, "5551", "user-", "chat-"]:
        assert private not in body


def test_an_empty_database_reads_as_empty(engine: Engine) -> None:
    lines = depth_report(read_depths(engine))
    assert "  empty" in lines
    assert "  none" in lines
