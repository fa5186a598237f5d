"""Data-rights requests (R-06) for caseworkers: the office's list and resolving one. Resolving
an erasure erases the case (a legal hold refuses it); an access request records the export; the
reporter is told in their language through the outbox, inside their safe times."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.casework.audit import EXPORTED
from bot.casework.rights.texts import DATA_REQUEST_DONE, DATA_REQUEST_REFUSED
from bot.casework.verbs import actor_of
from bot.i18n import Catalogs
from bot.safety import erase_case, queue_when_safe
from flows.mydata import RequestKind
from flows.vocabulary import Locale
from storage import data_requests, db, referrals
from storage.escalation_models import Caseworker
from storage.models import Case, Conversation
from storage.safety_models import DataRequest

Kind = RequestKind
"""The kinds of request (flows/mydata.py), as stored in DataRequest.kind."""


class Outcome(StrEnum):
    DONE = "done"
    REFUSED = "refused"


class RequestNotFound(LookupError):
    """No such request for the caseworker's office (answered with 404)."""


class RequestConflict(Exception):
    """The request cannot be resolved so (answered with 409); `code` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def office_requests(
    engine: Engine, who: Caseworker, **filters: Any
) -> list[tuple[DataRequest, Case | None]]:
    """Returns the requests the caseworker's office handles, open ones first."""
    with db.session(engine) as session:
        return data_requests.office_requests(session=session, office=who.office, **filters)


def resolve(
    engine: Engine,
    catalogs: Catalogs,
    request_id: int,
    who: Caseworker,
    outcome: Outcome,
    reason: str,
    at: dt.datetime,
    files: Path | None = None,
) -> tuple[DataRequest, Case | None]:
    """Resolves an open request and tells the reporter; returns it with its case. Raises
    RequestNotFound or RequestConflict (a refused erasure is audited and committed first)."""
    conflict: RequestConflict | None = None
    with db.session(engine) as session:
        found = data_requests.office_request(
            session=session, office=who.office, request_id=request_id
        )
        if found is None:
            raise RequestNotFound(request_id)
        request, case = found
        if request.status != data_requests.OPEN:
            raise RequestConflict("already_resolved")
        decision = _Decision(request, case, who, outcome, reason, at)
        try:
            _carry_out(session, decision, files)
        except RequestConflict as error:
            conflict = error
        else:
            _close(session, catalogs, decision)
            return request, case
    raise conflict


@dataclass(frozen=True)
class _Decision:
    """A caseworker's answer to one request: carried out, recorded, then told to the reporter."""

    request: DataRequest
    case: Case | None
    who: Caseworker
    outcome: Outcome
    reason: str
    at: dt.datetime


def _carry_out(session: Session, decision: _Decision, files: Path | None) -> None:
    request, case, actor = decision.request, decision.case, actor_of(decision.who)
    if decision.outcome is not Outcome.DONE or case is None or case.id is None:
        return
    if request.kind == Kind.DELETE:
        result = erase_case(session, case.id, actor, decision.reason, decision.at, files=files)
        if not result.erased:
            raise RequestConflict(result.refused or "erasure_refused")
    elif request.kind == Kind.ACCESS:
        data = {"reason": "access_request", "request_id": request.id}
        referrals.add_event(
            session=session, case_id=case.id, type=EXPORTED, actor=actor, at=decision.at, data=data
        )


def _close(session: Session, catalogs: Catalogs, decision: _Decision) -> None:
    request, case, outcome, at = decision.request, decision.case, decision.outcome, decision.at
    request.status, request.outcome = outcome.value, decision.reason
    request.resolved_at, request.resolved_by = at, actor_of(decision.who)
    session.add(request)
    if case is not None and case.id is not None:
        data = {"request_id": request.id, "kind": request.kind, "outcome": outcome.value}
        referrals.add_event(
            session=session,
            case_id=case.id,
            type="data_request_resolved",
            actor=actor_of(decision.who),
            at=at,
            data={**data, "reason": decision.reason},
        )
    tell_reporter(session, catalogs, request, case, outcome, at)


def tell_reporter(
    session: Session,
    catalogs: Catalogs,
    request: DataRequest,
    case: Case | None,
    outcome: Outcome,
    at: dt.datetime,
) -> int:
    """Queues the 'request handled' sentence in the reporter's language; 0 without a chat."""
    conversation = _conversation(session, request, case)
    if conversation is None or conversation.id is None:
        return 0
    locale = Locale(request.locale) if request.locale in set(Locale) else Locale.ID
    msgid = DATA_REQUEST_DONE if outcome is Outcome.DONE else DATA_REQUEST_REFUSED
    text = catalogs.gettext(locale, msgid)
    payload: dict[str, Any] = {"text": text, "locale": locale.value, "buttons": []}
    queue_when_safe(session, conversation, request.reporter_id, [payload], at)
    return 1


def _conversation(session: Session, request: DataRequest, case: Case | None) -> Conversation | None:
    if case is not None:
        return session.get(Conversation, case.conversation_id)
    query = select(Conversation).where(
        col(Conversation.reporter_id) == request.reporter_id,
        col(Conversation.channel) == request.channel,
    )
    return session.exec(query.order_by(col(Conversation.id).desc())).first()
