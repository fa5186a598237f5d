"""Queries of the dashboard and the research export: the plain facts of the cases some offices see.

Two queries whatever the number of cases: the cases with their escalation, then each case's first
reply to the reporter. No encrypted column (answers, notes, chat ids) is read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, func, or_
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from storage.escalation_models import CaseNote, Delivery, Escalation
from storage.models import Case

REPLY_KIND = "reply"
"""The kind of CaseNote that holds a caseworker's reply to the reporter."""


@dataclass(frozen=True)
class CaseFacts:
    """What the dashboard and the export read of one case: codes and times, nothing personal."""

    case_id: int
    status: str
    urgency: str
    category: str | None
    destination_country: str | None
    home_regency: str | None
    office: str | None
    channel: str
    reporter_role: str | None
    created_at: dt.datetime
    opened_at: dt.datetime | None = None
    acknowledged_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    resolution: str | None = None
    first_reply_at: dt.datetime | None = None


def _visible(offices: Collection[str]) -> object:
    """The condition under which one of the offices may see a case (as storage.escalations)."""
    alerted = exists().where(
        col(Delivery.escalation_id) == col(Escalation.id), col(Delivery.office).in_(offices)
    )
    return or_(col(Case.lead_office).in_(offices), col(Escalation.office).in_(offices), alerted)


def case_facts(*, session: Session, offices: Collection[str]) -> list[CaseFacts]:
    """Returns the facts of every submitted case the offices may see, oldest first."""
    if not offices:
        return []
    query = (
        # One column per CaseFacts field, in its order; first_reply_at comes from the second query.
        select_columns(
            col(Case.id),
            func.coalesce(col(Escalation.status), col(Case.status)),
            col(Case.urgency),
            col(Case.primary_category),
            col(Case.destination_country),
            col(Case.home_regency),
            col(Case.lead_office),
            col(Case.channel),
            col(Case.reporter_role),
            func.coalesce(col(Case.submitted_at), col(Case.created_at)),
            col(Escalation.created_at),
            col(Escalation.acknowledged_at),
            col(Escalation.resolved_at),
            col(Escalation.resolution),
        )
        .join(Escalation, col(Escalation.case_id) == col(Case.id), isouter=True)
        .where(_visible(offices))  # type: ignore[arg-type]
        .where(or_(col(Escalation.id).is_not(None), col(Case.status) != "draft"))
        .order_by(col(Case.id))
    )
    rows = session.execute(query).all()
    replies = first_replies(session=session, case_ids=[r[0] for r in rows])
    return [CaseFacts(*_with_reply(row, replies)) for row in rows]


def _with_reply(row: Sequence[Any], replies: Mapping[int, dt.datetime]) -> tuple[Any, ...]:
    """Returns the row's values followed by the case's first reply time."""
    return (*row, replies.get(row[0]))


def first_replies(*, session: Session, case_ids: Collection[int]) -> dict[int, dt.datetime]:
    """Returns when a caseworker first replied to the reporter, per case that has a reply."""
    if not case_ids:
        return {}
    found: dict[int, dt.datetime] = {}
    ids = sorted(case_ids)
    # Chunks keep the IN list under the bound-parameter limits of SQLite and psycopg.
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        query = (
            select(col(CaseNote.case_id), func.min(col(CaseNote.created_at)))
            .where(and_(col(CaseNote.kind) == REPLY_KIND, col(CaseNote.case_id).in_(chunk)))
            .group_by(col(CaseNote.case_id))
        )
        found.update({case_id: at for case_id, at in session.exec(query)})
    return found
