"""Acknowledge and Claim pressed in a caseworker group: checked against the registered caseworkers,
carried out like the caseworker API's verbs, answered at once, and shown to the group."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from sqlmodel import Session, col, select

from bot.casework import texts as tx
from bot.casework.actions import Action, Verb, perform
from bot.casework.desk import EscalationHook, build_desk
from bot.casework.group_alerts import (
    EDIT_KEY,
    Group,
    GroupVerb,
    Writer,
    load_groups,
    parse_press,
    queue,
)
from bot.casework.verbs import HeldByOther
from bot.core import Core
from bot.staff import Act, may
from escalation.desk import Desk
from escalation.status import InvalidTransition, Status
from flows.vocabulary import Locale
from handlers.telegram.drivers import Driver
from handlers.telegram.updates import TgCallback, TgError
from storage import caseworkers, db
from storage.escalation_models import Caseworker, Escalation
from storage.models import Case
from storage.types import utcnow

log = logging.getLogger(__name__)

VERBS = {GroupVerb.ACKNOWLEDGE: Verb.ACKNOWLEDGE, GroupVerb.CLAIM: Verb.CLAIM}


@dataclass(frozen=True)
class Answer:
    """What a press led to: the short answer for the presser, and whether the case changed."""

    code: str
    text: str
    changed: bool = False


def allowed(who: Caseworker, escalation: Escalation, group: Group) -> bool:
    """Whether a caseworker may act on an escalation from a group: same office, or a supervisor."""
    if who.system_key is not None:
        return False
    offices = (escalation.office, group.office)
    return may(who, Act.TAKE_OVER) or any(may(who, Act.READ, office) for office in offices)


class GroupPresses:
    """Handles presses of "cw:" buttons in caseworker groups."""

    def __init__(self, core: Core, driver: Driver) -> None:
        self.core, self.driver = core, driver
        hooks = [h for h in core.runner.after_turn if isinstance(h, EscalationHook)]
        self.desk: Desk = hooks[0].desk if hooks else build_desk(core.settings)
        self.groups = load_groups(self.desk.directory, core.settings.escalation.offices_file)
        self.writer = Writer(core.catalogs, self.desk.directory)

    async def handle(self, press: TgCallback) -> Answer:
        """Acts on a press, then answers it (always, so the client stops its spinner)."""
        answer = await asyncio.to_thread(self.apply, press)
        try:
            await self.driver.answer_callback(press.id, answer.text)
        except TgError as error:
            log.warning("group press not answered", extra={"reason": error.reason})
        if answer.changed:
            self.core.dispatcher.wake()
        log.info("group press", extra={"outcome": answer.code})
        return answer

    def apply(self, press: TgCallback) -> Answer:
        """Carries out a press in its own transaction; returns the answer for the presser."""
        group = self.groups.of_chat(press.chat_id)
        found = parse_press(press.data)
        if group is None or found is None:
            return self.answer(group, "unknown", tx.UNKNOWN_CASE)
        verb, escalation_id = found
        with db.session(self.core.engine) as session:
            who = caseworkers.caseworker_by_telegram(
                session=session, telegram_user_id=str(press.user_id)
            )
            escalation = session.get(Escalation, escalation_id)
            if escalation is None:
                return self.answer(group, "unknown", tx.UNKNOWN_CASE)
            if who is None or not allowed(who, escalation, group):
                return self.answer(group, "unregistered", tx.ONLY_REGISTERED)
            return self.act(session, group, press, who, escalation, verb)

    def act(
        self,
        session: Session,
        group: Group,
        press: TgCallback,
        who: Caseworker,
        escalation: Escalation,
        verb: GroupVerb,
    ) -> Answer:
        """Performs the verb as the caseworker API does; shows the group who holds the case."""
        case = session.exec(
            select(Case).where(col(Case.id) == escalation.case_id).with_for_update()
        ).one()
        nested = session.begin_nested()
        try:
            outcome = perform(
                session, self.desk, self.core.catalogs, case, who, Action(VERBS[verb]), utcnow()
            )
        except HeldByOther as held:
            nested.rollback()
            return self.held(session, group, held.holder)
        except InvalidTransition as error:
            nested.rollback()
            return self.unchanged(group, error.current.value)
        nested.commit()
        current = outcome.escalation
        if not outcome.changed:
            if current.status == Status.CLAIMED.value and current.claimed_by != who.id:
                return self.held(session, group, current.claimed_by)
            return self.unchanged(group, current.status)
        self.show(session, group, press, case, current, who)
        done = tx.DONE_CLAIMED if verb is GroupVerb.CLAIM else tx.DONE_ACKNOWLEDGED
        return Answer(verb.value, self.writer.say(group.locale, done), changed=True)

    def show(
        self,
        session: Session,
        group: Group,
        press: TgCallback,
        case: Case,
        escalation: Escalation,
        who: Caseworker,
    ) -> None:
        """Queues the group message again, saying who holds the case, with the buttons left."""
        locale = group.locale
        held = tx.CLAIMED_BY if escalation.status == Status.CLAIMED.value else tx.ACKNOWLEDGED_BY
        text = "\n".join(
            (
                self.writer.summary(locale, case, escalation, tx.NEW_CASE),
                self.writer.say(locale, held, name=who.name),
            )
        )
        buttons = self.writer.buttons(locale, escalation.id or 0, escalation.status)
        extra = {EDIT_KEY: press.message_id} if press.message_id is not None else {}
        queue(session, group, text, buttons, escalation_id=escalation.id, **extra)

    def held(self, session: Session, group: Group, holder: int | None) -> Answer:
        """The 409 of a press: someone else holds the case."""
        row = session.get(Caseworker, holder) if holder is not None else None
        name = row.name if row is not None else "?"
        return self.answer(group, "held_by_other", tx.ALREADY_HELD, name=name)

    def unchanged(self, group: Group, status: str) -> Answer:
        """A press that changed nothing (already acknowledged, resolved ...)."""
        word = self.writer.say(group.locale, tx.STATUSES.get(status, status))
        return self.answer(group, "unchanged", tx.NOTHING_CHANGED, status=word)

    def answer(self, group: Group | None, code: str, msgid: str, **values: str) -> Answer:
        """Returns an answer in the group's language (Indonesian for an unknown chat)."""
        locale = group.locale if group is not None else Locale.ID
        return Answer(code, self.writer.say(locale, msgid, **values))
