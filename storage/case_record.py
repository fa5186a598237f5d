"""Everything recorded about one case, loaded in one session for the case page."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.escalation_models import CaseNote, Delivery, Escalation
from storage.models import Attachment, Case, CaseEvent, Consent, Reporter
from storage.safety_models import DataRequest


@dataclass(frozen=True)
class CaseRecord:
    """One case with its reporter, hand-off, timeline, notes, evidence, consents and requests."""

    case: Case
    reporter: Reporter | None
    escalation: Escalation | None
    events: list[CaseEvent]
    notes: list[CaseNote]
    evidence: list[Attachment]
    consents: list[Consent]
    data_requests: list[DataRequest]
    deliveries: list[Delivery]


Row = TypeVar("Row", CaseEvent, CaseNote, Attachment, Consent, DataRequest)


def _of_case(session: Session, model: type[Row], case_id: int) -> list[Row]:
    table: Any = model
    query = select(model).where(col(table.case_id) == case_id).order_by(col(table.id))
    return list(session.exec(query))


def case_record(*, session: Session, case: Case) -> CaseRecord:
    """Loads what the case page shows of a case, oldest first in each list."""
    case_id = case.id or 0
    escalation = session.exec(select(Escalation).where(col(Escalation.case_id) == case_id)).first()
    deliveries: list[Delivery] = []
    if escalation is not None:
        query = select(Delivery).where(col(Delivery.escalation_id) == escalation.id)
        deliveries = list(session.exec(query.order_by(col(Delivery.id))))
    return CaseRecord(
        case=case,
        reporter=session.get(Reporter, case.reporter_id),
        escalation=escalation,
        events=_of_case(session, CaseEvent, case_id),
        notes=_of_case(session, CaseNote, case_id),
        evidence=_of_case(session, Attachment, case_id),
        consents=_of_case(session, Consent, case_id),
        data_requests=_of_case(session, DataRequest, case_id),
        deliveries=deliveries,
    )


def case_mark(*, session: Session, case_id: int, ignoring: Collection[str]) -> int:
    """Returns the newest timeline event id of a case among the types not ignored (0: none)."""
    query = select(func.coalesce(func.max(CaseEvent.id), 0)).where(
        col(CaseEvent.case_id) == case_id, col(CaseEvent.type).not_in(ignoring)
    )
    return int(session.exec(query).one() or 0)
