"""Cases for the dashboard and export tests: codes, times and acknowledgements as asked, and a
reporter's name and phone number planted in the answers, which nothing may show."""

from __future__ import annotations

import datetime as dt

from console_apps import make_case
from sqlalchemy import Engine
from sqlmodel import col, select

from storage import db
from storage.escalation_models import CaseNote, Caseworker, Escalation
from storage.models import Case
from storage.types import utcnow

NAME, PHONE = "Siti Rahayu", "+6281234567890"


def plant(
    engine: Engine,
    office: str,
    *,
    category: str = "GAJI",
    country: str = "MY",
    regency: str = "Jember",
    days_ago: int = 3,
    acked_after: dt.timedelta | None = None,
    urgency: str = "P1",
    replied_after: dt.timedelta | None = None,
) -> str:
    """Files a case led by an office, with a name and phone number in its answers and reply."""
    reference = make_case(engine, office)
    at = utcnow() - dt.timedelta(days=days_ago)
    with db.session(engine) as session:
        case = session.exec(select(Case).where(col(Case.reference) == reference)).one()
        case.primary_category, case.destination_country = category, country
        case.home_regency, case.submitted_at, case.reporter_role = regency, at, "worker"
        case.urgency = urgency
        case.answers = {"name": NAME, "phone": PHONE, "story": f"Saya {NAME}, HP {PHONE}"}
        session.add(case)
        if acked_after is not None:
            session.add(
                Escalation(
                    case_id=case.id or 0,
                    kind="case",
                    urgency=case.urgency,
                    office=office,
                    status="acknowledged",
                    created_at=at,
                    acknowledged_at=at + acked_after,
                )
            )
        if replied_after is not None:
            worker = Caseworker(name="Ani", office=office)
            session.add(worker)
            session.flush()
            session.add(
                CaseNote(
                    case_id=case.id or 0,
                    caseworker_id=worker.id or 0,
                    kind="reply",
                    text=f"Ibu {NAME}, kami hubungi {PHONE}.",
                    created_at=at + replied_after,
                )
            )
    return reference
