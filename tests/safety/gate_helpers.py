"""Helpers for the referral-gate, audit and data-request tests: an app with a partner office,
cases, consents, tokens and a fixed clock."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import sys
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from settings_helpers import make_settings
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.casework.handoff import Handoff
from bot.settings import Settings
from handlers.app import create_app
from storage import caseworkers, db, queries
from storage.models import Case, CaseEvent, Consent, OutboxMessage
from storage.safety_models import DataRequest

ESCALATION_TESTS = str(Path(__file__).resolve().parents[1] / "escalation")
if ESCALATION_TESTS not in sys.path:
    sys.path.append(ESCALATION_TESTS)  # the loopback receiver of the hand-off tests

SECRET = "whsec_" + "SmFrYXJ0YS1zZWNyZXQtMzItYnl0ZXMtbG9uZy0xMjM="
PARTNER = "sari_solo"
START = dt.datetime(2026, 11, 28, 1, 0, tzinfo=dt.UTC)
_numbers = itertools.count(1)


def offices_toml(partner_url: str = "https://partner.example.org/hooks") -> str:
    """Jakarta (Migrant CARE) and a third-party partner office, each with one endpoint."""
    return f"""
[[office]]
id = "jakarta"
[[office.endpoint]]
name = "jkt"
url = "https://jakarta.example.org/hooks"
secret = "{SECRET}"

[[office]]
id = "kuala_lumpur"

[[office]]
id = "{PARTNER}"
third_party = true
[[office.endpoint]]
name = "partner"
url = "{partner_url}"
secret = "{SECRET}"
"""


def settings(database_url: str, tmp_path: Path, partner_url: str | None = None) -> Settings:
    path = tmp_path / "offices.toml"
    path.write_text(offices_toml(partner_url or "https://partner.example.org/hooks"), "utf-8")
    return make_settings(
        database_url=database_url,
        escalation_offices_file=path,
        file_store=tmp_path / "files",
        public_base_url="https://suara.example.org",
        allow_private_webhook_targets=partner_url is not None,
    )


def client(database_url: str, tmp_path: Path) -> TestClient:
    os.environ.pop("DEMO", None)
    return TestClient(create_app(settings(database_url, tmp_path), background=False))


def handoff(api: TestClient) -> Handoff:
    found: Handoff = api.app.state.handoff  # type: ignore[attr-defined]
    return found


def token(engine: Engine, office: str, name: str = "Rina", supervisor: bool = False) -> str:
    with db.session(engine) as session:
        who = caseworkers.create_caseworker(
            session=session,
            name=name,
            office=office,
            role="supervisor" if supervisor else "caseworker",
        )
        return caseworkers.issue_token(session=session, caseworker_id=who.id or 0)


def auth(value: str, reason: str | None = None) -> dict[str, str]:
    headers = {"authorization": f"Bearer {value}"}
    if reason:
        headers["x-suara-reason"] = reason
    return headers


def make_case(
    engine: Engine, *, lead: str = "jakarta", urgency: str = "P1", locale: str = "id"
) -> Case:
    """Creates a reporter, a conversation and a submitted case; returns the case."""
    number = next(_numbers)
    with db.session(engine) as session:
        reporter = queries.get_or_create_reporter(
            session=session, channel="web", channel_user_id=f"gate-user-{number}"
        )
        conversation, _ = queries.lock_conversation(
            session=session,
            channel="web",
            chat_id=f"gate-chat-{number}",
            reporter_id=reporter.id or 0,
        )
        case = Case(
            reference=queries.next_case_reference(session=session, year=2026),
            conversation_id=conversation.id or 0,
            reporter_id=reporter.id or 0,
            status="submitted",
            urgency=urgency,
            categories=["GAJI"],
            primary_category="GAJI",
            destination_country="MY",
            lead_office=lead,
            locale=locale,
            channel="web",
            submitted_at=START,
        )
        session.add(case)
        session.flush()
        return case


def consent(
    engine: Engine, case: Case, answer: str, recipient: str = PARTNER, at: dt.datetime = START
) -> None:
    """Stores the reporter's answer to sharing the case with a recipient."""
    with db.session(engine) as session:
        session.add(
            Consent(
                reporter_id=case.reporter_id,
                case_id=case.id,
                purpose="share",
                recipient=recipient,
                text_version="test",
                locale="id",
                channel="web",
                answer=answer,
                at=at,
            )
        )


def events(engine: Engine, case: Case, *types: str) -> list[CaseEvent]:
    with db.session(engine) as session:
        query = select(CaseEvent).where(col(CaseEvent.case_id) == case.id)
        if types:
            query = query.where(col(CaseEvent.type).in_(types))
        return list(session.exec(query.order_by(col(CaseEvent.id))))


def outbox(engine: Engine, case: Case) -> list[dict[str, Any]]:
    with db.session(engine) as session:
        query = select(OutboxMessage).where(
            col(OutboxMessage.conversation_id) == case.conversation_id
        )
        return [dict(r.payload) for r in session.exec(query.order_by(col(OutboxMessage.id)))]


def data_request(
    engine: Engine,
    case: Case | None,
    kind: str,
    *,
    reporter_id: int | None = None,
    at: dt.datetime = START,
    locale: str = "id",
) -> int:
    """Stores an open data-rights request made at `at` (due 72 h, escalated at 48 h)."""
    with db.session(engine) as session:
        row = DataRequest(
            reporter_id=reporter_id or (case.reporter_id if case else 0),
            case_id=case.id if case else None,
            kind=kind,
            channel="web",
            locale=locale,
            due_at=at + dt.timedelta(hours=72),
            escalate_at=at + dt.timedelta(hours=48),
        )
        row.created_at = at
        session.add(row)
        session.flush()
        return row.id or 0
