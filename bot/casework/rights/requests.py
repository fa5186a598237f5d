"""Data-rights requests from chat: each becomes a DataRequest row, due in 72 h, on the timeline."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping

from sqlmodel import Session, col, select

from bot.hooks import SavedTurn
from flows.consent import Purpose
from flows.mydata import RIGHTS_DEADLINE, RequestKind
from flows.vocabulary import EventName
from storage import models
from storage.safety_models import DataRequest

log = logging.getLogger(__name__)

ESCALATE_AFTER = dt.timedelta(hours=48)
"""When an unanswered request is escalated to the desk (R-06)."""

RESTRICTING = frozenset({RequestKind.WITHDRAW, RequestKind.RESTRICT})
"""Requests that stop automated processing of the reporter's data at once."""


def latest_case(session: Session, reporter_id: int) -> models.Case | None:
    """Returns the reporter's most recent case, if any."""
    query = (
        select(models.Case)
        .where(col(models.Case.reporter_id) == reporter_id)
        .order_by(col(models.Case.id).desc())
    )
    return session.exec(query).first()


def apply_rights(saved: SavedTurn) -> list[DataRequest]:
    """Creates a DataRequest for each request the turn made and restricts processing if asked."""
    made = []
    for event in saved.turn.events:
        if event.name is EventName.CONSENT_RECORDED:
            _lift_restriction(saved.reporter, event.data)
        if event.name is not EventName.DATA_REQUEST_MADE:
            continue
        made.append(open_request(saved, RequestKind(str(event.data["kind"]))))
    return made


def open_request(saved: SavedTurn, kind: RequestKind) -> DataRequest:
    """Stores one request with its deadlines and audits it on the case timeline."""
    session, reporter, case, at = saved.session, saved.reporter, saved.case, saved.at
    assert reporter.id is not None
    target = case or latest_case(session, reporter.id)
    row = DataRequest(
        reporter_id=reporter.id,
        case_id=target.id if target else None,
        kind=kind.value,
        channel=saved.channel.value,
        locale=saved.turn.state.locale.value,
        purpose=Purpose.CASE_HANDLING.value if kind is RequestKind.WITHDRAW else None,
        due_at=at + RIGHTS_DEADLINE,
        escalate_at=at + ESCALATE_AFTER,
        created_at=at,
    )
    session.add(row)
    session.flush()
    if kind in RESTRICTING:
        reporter.restricted_at = at
    if target is not None and target.id is not None:
        data = {"request_id": row.id, "kind": kind.value}
        session.add(
            models.CaseEvent(
                case_id=target.id, type="data_request_opened", actor="reporter", data=data, at=at
            )
        )
    log.info(
        "data request opened",
        extra={"request_id": row.id, "kind": kind.value, "reporter_id": reporter.id},
    )
    return row


def _lift_restriction(reporter: models.Reporter, data: Mapping[str, object]) -> None:
    """A fresh case-handling consent lifts the reporter's own earlier restriction."""
    if data.get("purpose") == Purpose.CASE_HANDLING and data.get("answer") == "given":
        reporter.restricted_at = None
