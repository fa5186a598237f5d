"""Telegram caseworker groups: a neutral alert with Acknowledge and Claim buttons, queued in the
reporter outbox in the escalation's own transaction, and the text that shows who holds a case."""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlmodel import Session

from bot.casework import texts as tx
from bot.envelopes import EDIT_MESSAGE_ID, Channel, OutButton, OutgoingMessage
from bot.i18n import Catalogs
from escalation.alerts import Alert
from escalation.offices import JAKARTA, LEVELS, Directory
from flows.vocabulary import Locale
from storage import outbox
from storage.escalation_models import Escalation
from storage.models import Case

log = logging.getLogger(__name__)

PREFIX = "cw"
"""Every group button's callback_data starts with "cw:" (the reporter's buttons never do)."""
EDIT_KEY = EDIT_MESSAGE_ID
"""Payload key of an outbox row that replaces an earlier group message (see docs/escalation.md)."""


class GroupVerb(StrEnum):
    ACKNOWLEDGE = "ack"
    CLAIM = "claim"


def button_data(verb: GroupVerb, escalation_id: int) -> str:
    """Returns a button's callback_data, e.g. "cw:claim:12" (far below Telegram's 64 bytes)."""
    return f"{PREFIX}:{verb.value}:{escalation_id}"


def parse_press(data: str | None) -> tuple[GroupVerb, int] | None:
    """Returns the verb and escalation id of a group button, or None for anything else."""
    parts = (data or "").split(":")
    if len(parts) != 3 or parts[0] != PREFIX or not parts[2].isdigit():
        return None
    verbs = {v.value: v for v in GroupVerb}
    verb = verbs.get(parts[1])
    return (verb, int(parts[2])) if verb else None


@dataclass(frozen=True)
class Group:
    """One office's caseworker group: its chat and the language it reads."""

    office: str
    chat_id: str
    locale: Locale = Locale.ID


@dataclass(frozen=True)
class Groups:
    """The caseworker groups by office."""

    by_office: Mapping[str, Group]

    def for_alert(self, alert: Alert) -> Group | None:
        """Returns the group an alert goes to: the office's up to supervisor, then Jakarta's."""
        if alert.level_name in ("office", "supervisor"):
            return self.by_office.get(alert.office)
        return self.by_office.get(JAKARTA)

    def copied(self, alert: Alert, offices: list[str]) -> list[Group]:
        """Returns the groups of the offices copied on a new case (Jakarta on TPPO, say)."""
        if alert.level != 0 or alert.event_type != "escalation.created":
            return []
        found = (self.by_office.get(o) for o in offices if o != alert.office)
        return [g for g in found if g is not None]

    def of_chat(self, chat_id: int | str | None) -> Group | None:
        """Returns the group of a chat, or None when the chat is no caseworker group."""
        return next((g for g in self.by_office.values() if g.chat_id == str(chat_id)), None)


def load_groups(directory: Directory, path: Path | None) -> Groups:
    """Returns the groups of the offices with a telegram_group_id (group_locale: default id)."""
    locales: dict[str, Any] = {}
    if path is not None and path.exists():
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        locales = {str(o.get("id")): o.get("group_locale") for o in data.get("office", [])}
    found = {}
    for office in directory.offices.values():
        if office.telegram_group_id:
            wanted = str(locales.get(office.id) or Locale.ID.value)
            locale = Locale(wanted) if wanted in set(Locale) else Locale.ID
            found[office.id] = Group(office.id, office.telegram_group_id, locale)
    return Groups(found)


class Writer:
    """Writes group texts in a group's language."""

    def __init__(self, catalogs: Catalogs, directory: Directory) -> None:
        self.catalogs, self.directory = catalogs, directory

    def say(self, locale: Locale, msgid: str, **values: str) -> str:
        """Returns one sentence translated, its placeholders filled."""
        return self.catalogs.gettext(locale, msgid).format_map(values)

    def summary(self, locale: Locale, case: Case, escalation: Escalation, headline: str) -> str:
        """Returns the neutral lines about a case: reference, urgency, problems, office, level."""
        say = self.say
        office = self.directory.offices.get(escalation.office)
        words = [say(locale, tx.CATEGORIES.get(c, c)) for c in case.categories or ()]
        level = LEVELS[min(escalation.level, len(LEVELS) - 1)]
        urgency = tx.URGENCIES.get(escalation.urgency)
        lines = [
            say(locale, headline, reference=case.reference),
            say(locale, tx.URGENCY, urgency=say(locale, urgency) if urgency else "?"),
            say(locale, tx.PROBLEMS, categories=", ".join(words) or say(locale, tx.NO_PROBLEM)),
            say(
                locale,
                tx.OFFICE_LEVEL,
                office=office.name if office else escalation.office,
                level=say(locale, tx.LEVELS[level]),
            ),
        ]
        return "\n".join(lines)

    def buttons(self, locale: Locale, escalation_id: int, status: str) -> tuple[OutButton, ...]:
        """Returns the buttons still useful in a status: both, Claim only, or none."""
        claim = OutButton(button_data(GroupVerb.CLAIM, escalation_id), self.say(locale, tx.CLAIM))
        if status == "acknowledged":
            return (claim,)
        if status in ("claimed", "resolved", "cancelled"):
            return ()
        ack = button_data(GroupVerb.ACKNOWLEDGE, escalation_id)
        return (OutButton(ack, self.say(locale, tx.ACKNOWLEDGE)), claim)


def queue(
    session: Session, group: Group, text: str, buttons: tuple[OutButton, ...], **extra: Any
) -> None:
    """Queues one group message in the reporter outbox (no conversation: a group is nobody's)."""
    message = OutgoingMessage(text=text, locale=group.locale.value, buttons=buttons, extra=extra)
    outbox.enqueue_outbox(
        session=session,
        conversation_id=None,
        channel=Channel.TELEGRAM.value,
        chat_id=group.chat_id,
        payloads=[message.to_payload()],
    )


class GroupAlerts:
    """The AlertChannel of Telegram caseworker groups (escalation.alerts)."""

    def __init__(self, groups: Groups, writer: Writer) -> None:
        self.groups, self.writer = groups, writer

    def alert(self, session: Session, alert: Alert) -> None:
        """Queues the alert for the group of the alerted office and level (and copied offices')."""
        escalation = session.get(Escalation, alert.escalation_id)
        case = session.get(Case, escalation.case_id) if escalation is not None else None
        if escalation is None or case is None:
            return
        own = self.groups.for_alert(alert)
        targets = [own] if own is not None else []
        targets += [g for g in self.groups.copied(alert, case.copy_offices) if g not in targets]
        headline = HEADLINES.get(alert.event_type, tx.NEW_CASE)
        for group in targets:
            lines = [self.writer.summary(group.locale, case, escalation, headline)]
            lines.append(self.writer.say(group.locale, tx.PRESS))
            buttons = self.writer.buttons(group.locale, alert.escalation_id, escalation.status)
            queue(session, group, "\n".join(lines), buttons, escalation_id=alert.escalation_id)
        log.info(
            "group alert queued",
            extra={
                "escalation_id": alert.escalation_id,
                "level": alert.level,
                "groups": len(targets),
            },
        )


HEADLINES = {"escalation.re_escalated": tx.MOVED_UP, "escalation.urgency_raised": tx.MORE_URGENT}
"""The first line of a group alert per escalation event (a new case otherwise)."""


def group_alerts(catalogs: Catalogs, directory: Directory, path: Path | None) -> GroupAlerts:
    """Returns the group alert channel for a desk's directory and office config file."""
    return GroupAlerts(load_groups(directory, path), Writer(catalogs, directory))
