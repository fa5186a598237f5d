"""The hand-off as one process sees it: cases by office, caseworker actions, signed callbacks."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.casework import actions as casework
from bot.casework import desk as escalations
from bot.casework.actions import Action, Outcome
from bot.i18n import Catalogs
from bot.settings import Settings
from bot.staff import visible_offices
from escalation.desk import Desk
from storage import caseworkers, db
from storage import escalations as rows
from storage.escalation_models import CaseNote, Caseworker, Escalation
from storage.models import Attachment, Case, CaseEvent
from storage.types import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CaseFile:
    """One case as a caseworker reads it."""

    case: Case
    escalation: Escalation | None
    timeline: list[CaseEvent]
    notes: list[CaseNote]
    evidence: list[Attachment]


class Handoff:
    """Reads and changes cases for caseworkers; wakes both outboxes after each commit."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        catalogs: Catalogs,
        desk: Desk,
        wake_reporter: Callable[[], None],
    ) -> None:
        self.engine, self.settings, self.catalogs, self.desk = engine, settings, catalogs, desk
        self.wake_reporter = wake_reporter
        self.dispatcher = escalations.dispatcher(engine, settings, desk)
        self.sweeper = escalations.sweeper(engine, settings, desk)

    def authenticate(self, token: str) -> Caseworker | None:
        """Returns the caseworker of a bearer token, or None."""
        with db.session(self.engine) as session:
            return caseworkers.caseworker_by_token(session=session, token=token, now=utcnow())

    def find(self, who: Caseworker, reference: str) -> Case | None:
        """Returns a case the person may see (bot.staff.visible_offices), or None."""
        with db.session(self.engine) as session:
            offices = visible_offices(who)
            found = rows.office_case(session=session, offices=offices, reference=reference)
            return found[0] if found else None

    def act(self, case_id: int, who: Caseworker, action: Action) -> Outcome:
        """Carries out one caseworker action in its own transaction."""
        with db.session(self.engine) as session:
            outcome = self.apply(session, case_id, who, action)
        self.after_commit(outcome)
        return outcome

    def apply(self, session: Session, case_id: int, who: Caseworker, action: Action) -> Outcome:
        """Carries out one action in the caller's transaction (the case row is locked)."""
        case = session.exec(select(Case).where(col(Case.id) == case_id).with_for_update()).one()
        return casework.perform(session, self.desk, self.catalogs, case, who, action, utcnow())

    def after_commit(self, outcome: Outcome) -> None:
        """Wakes the reporter outbox when a notice was queued."""
        if outcome.notices:
            self.wake_reporter()

    def callback(
        self,
        endpoint: str,
        webhook_id: str,
        body: bytes,
        handle: Callable[[Session], tuple[int, dict[str, Any], Outcome | None]],
    ) -> tuple[int, dict[str, Any]]:
        """Applies a verified callback once; a replayed webhook-id gets the stored answer."""
        digest = hashlib.sha256(body).hexdigest()
        with db.session(self.engine) as session:
            stored = caseworkers.claim_callback(
                session=session,
                webhook_id=webhook_id,
                endpoint=endpoint,
                request_sha256=digest,
                now=utcnow(),
            )
            if stored is not None:
                return stored.response_status, dict(stored.response_body)
            nested = session.begin_nested()
            status, answer, outcome = handle(session)
            if status >= 400:
                nested.rollback()
            else:
                nested.commit()
            caseworkers.answer_callback(
                session=session, webhook_id=webhook_id, status=status, body=answer
            )
        if outcome is not None:
            self.after_commit(outcome)
        return status, answer

    def system_caseworker(self, session: Session, endpoint: str, office: str) -> Caseworker:
        """Returns the caseworker standing for a caseworker system."""
        return caseworkers.system_caseworker(
            session=session, key=f"endpoint:{endpoint}", name=endpoint, office=office
        )
