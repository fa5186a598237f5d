"""The desk: what the hand-off needs (offices, the referral gate, links, response targets, other
alert channels), and the case timeline every step writes to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlmodel import Session

from escalation.alerts import AlertChannel
from escalation.offices import LEVELS, Directory
from escalation.sharing import SharingGate
from storage import escalations
from storage.types import utcnow

LAST_LEVEL = len(LEVELS) - 1


@dataclass(frozen=True)
class Desk:
    """What the hand-off needs: the offices, the referral gate, links, response targets and other
    alert channels."""

    directory: Directory
    sharing: SharingGate
    base_url: str = "http://127.0.0.1:8000"
    respond: Mapping[str, dt.timedelta] = field(default_factory=dict)
    alerts: Sequence[AlertChannel] = ()


def timeline(session: Session, case_id: int, type: str, actor: str, **data: object) -> None:
    """Appends one entry to the case timeline (ids and codes only)."""
    event = {"case_id": case_id, "type": type, "actor": actor, "data": data, "at": utcnow()}
    escalations.add_events(session=session, events=[event])
