"""The seam for other alert channels (a Telegram caseworker group, say): called in the transaction.

bot/ passes implementations to the Desk (bot.casework.group_alerts.GroupAlerts: Telegram
caseworker groups).
An implementation queues its own rows (the reporter outbox, for a group chat), never sends inline,
and is called once per office alert: on opening (and reopening) and on each re-escalation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlmodel import Session


@dataclass(frozen=True)
class Alert:
    """What an alert channel is told: ids and codes only, like the webhook payload."""

    escalation_id: int
    case_reference: str
    office: str
    level: int
    level_name: str
    event_type: str
    urgency: str


class AlertChannel(Protocol):
    """Queues an alert for one office's people inside the caller's transaction."""

    def alert(self, session: Session, alert: Alert) -> None: ...
