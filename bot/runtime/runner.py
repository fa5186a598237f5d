"""The turn runner: lock the conversation, run the engine, save state, case and outbox at once."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.envelopes import Channel, InboundEvent
from bot.hooks import AfterTurn
from bot.i18n import Catalogs, Renderer
from bot.observability import metrics
from bot.runtime.cases import apply_turn
from bot.runtime.inputs import user_input
from bot.safety import with_code_word
from flows.context import Context
from flows.engine import Turn, advance, next_timer
from flows.facts import case_facts
from flows.registry import INTAKE
from flows.state import State, from_json, to_json
from flows.vocabulary import Fact, Timeout
from storage import db, inbox_claims, models, queries, turn_rows
from storage.errors import StaleConversation
from storage.turn_rows import TurnRows

log = logging.getLogger(__name__)

MAX_REFS = 100
"""How many answered message ids a conversation remembers, so that edits find their step."""


@dataclass(frozen=True)
class TurnResult:
    """What a turn saved: ids only, for callers and tests."""

    conversation_id: int
    case_id: int | None
    outbox_ids: tuple[int, ...]
    turn: Turn


class Runner:
    """Runs turns against the database; one turn per conversation at a time."""

    def __init__(
        self,
        engine: Engine,
        catalogs: Catalogs,
        context: Context,
        on_commit: Callable[[], None] = lambda: None,
        after_turn: Sequence[AfterTurn] = (),
    ) -> None:
        self.engine, self.catalogs, self.context = engine, catalogs, context
        self.on_commit = on_commit
        self.after_turn = list(after_turn)

    def handle(
        self,
        event: InboundEvent,
        *,
        inbound_id: int | None = None,
        lease_owner: str | None = None,
        outcome: str = "processed",
    ) -> TurnResult | None:
        """Runs one reporter turn, marking its inbox row `outcome` in the turn's transaction.

        Returns None when the row was processed already or another process holds it now.
        """
        for attempt in range(3):
            try:
                result = self._handle_once(event, inbound_id, lease_owner, outcome)
            except StaleConversation:
                log.info("turn retried after a concurrent save", extra={"attempt": attempt})
                continue
            if result is not None:
                self.on_commit()
                metrics().turns.labels(channel=event.channel.value, kind="message").inc()
            return result
        raise StaleConversation(0, -1)

    def _handle_once(
        self, event: InboundEvent, inbound_id: int | None, lease_owner: str | None, outcome: str
    ) -> TurnResult | None:
        with db.session(self.engine) as session:
            reporter = queries.get_or_create_reporter(
                session=session, channel=event.channel.value, channel_user_id=event.user_id
            )
            conversation, _ = queries.lock_conversation(
                session=session,
                channel=event.channel.value,
                chat_id=event.chat_id,
                reporter_id=reporter.id or 0,
            )
            if inbound_id is not None and not inbox_claims.holds(
                session=session, inbound_id=inbound_id, owner=lease_owner
            ):
                return None
            state, envelope, turn = self.play(session, conversation, reporter, event)
            result = self.save(
                session, conversation, reporter, envelope, turn, event.channel, event.at
            )
            if inbound_id is not None:
                queries.mark_inbound(
                    session=session,
                    inbound_id=inbound_id,
                    status=outcome,
                    step_id=state.step_id if state else None,
                )
            return result

    def play(
        self,
        session: Session,
        conversation: models.Conversation,
        reporter: models.Reporter,
        event: InboundEvent,
    ) -> tuple[State | None, dict[str, Any], Turn]:
        """Runs the engine on a locked conversation; returns its old state, envelope and turn."""
        envelope = dict(conversation.state or {})
        state = from_json(envelope["engine"]) if envelope.get("engine") else None
        said = user_input(session, conversation, state, event, envelope)
        turn = advance(state, with_code_word(said, reporter, state, event), self.context)
        if event.message_ref and state is not None and state.prompted:
            refs = dict(envelope.get("refs", {}))
            refs[event.message_ref] = state.step_id
            envelope["refs"] = dict(list(refs.items())[-MAX_REFS:])
        return state, envelope, turn

    def fire_timer(
        self, conversation_id: int, timeout: Timeout, *, due_by: dt.datetime | None = None
    ) -> TurnResult | None:
        """Runs a timer turn for one conversation; with `due_by`, only if still due by then.

        The check and the turn share one transaction under the conversation's row lock, and a
        conversation another process is firing (or running a turn for) is skipped, so a timer
        several processes see due fires once.
        """
        with db.session(self.engine) as session:
            conversation = _locked_for_timer(session, conversation_id, due_by)
            if conversation is None:
                return None
            envelope = dict(conversation.state or {})
            if not envelope.get("engine"):
                return None
            reporter = session.get(models.Reporter, conversation.reporter_id)
            assert reporter is not None
            turn = advance(from_json(envelope["engine"]), timeout, self.context)
            result = self.save(
                session,
                conversation,
                reporter,
                envelope,
                turn,
                Channel(conversation.channel),
                timeout.at,
            )
        self.on_commit()
        metrics().turns.labels(channel=conversation.channel, kind="timer").inc()
        return result

    def save(
        self,
        session: Session,
        conversation: models.Conversation,
        reporter: models.Reporter,
        envelope: dict[str, Any],
        turn: Turn,
        channel: Channel,
        at: dt.datetime,
        group: TurnRows | None = None,
    ) -> TurnResult:
        """Applies a turn's case, replies and hooks; saves its state (or notes it in group)."""
        saved = apply_turn(
            session, conversation, reporter, turn, channel, at, envelope.get("case_id")
        )
        case = saved.case
        envelope["case_id"] = case.id if case else None
        envelope["engine"] = to_json(turn.state)
        facts = {Fact.CASE_REFERENCE: case.reference} if case else {}
        renderer = Renderer(
            self.catalogs, turn.state.locale, case_facts(turn.state).timezone, facts
        )
        payloads = [renderer.reply(reply).to_payload() for reply in turn.replies]
        outbox_ids = turn_rows.queue_replies(session, conversation, payloads)
        timer = next_timer(INTAKE, turn.state)
        conversation.state = envelope
        turn_rows.assign_changed(
            conversation,
            {
                "step_id": turn.state.step_id,
                "flow_id": INTAKE.flow_of[turn.state.step_id].id,
                "status": turn.state.status.value,
                "last_inbound_at": turn.state.last_input_at,
                "next_timer_at": timer[1] if timer else None,
                "timer_kind": timer[0].value if timer else None,
            },
        )
        if reporter.locale != turn.state.locale.value:
            reporter.locale = turn.state.locale.value
        for hook in self.after_turn:
            hook(saved)
        if group is None:
            queries.save_conversation(
                session=session, conversation=conversation, expected_version=conversation.version
            )
        else:
            group.save(conversation)
        log.info(
            "turn saved",
            extra={
                "conversation_id": conversation.id,
                "case_id": case.id if case else None,
                "replies": len(payloads),
            },
        )
        return TurnResult(conversation.id or 0, case.id if case else None, tuple(outbox_ids), turn)


def _locked_for_timer(
    session: Session, conversation_id: int, due_by: dt.datetime | None
) -> models.Conversation | None:
    """Locks a conversation for its timer turn; None if gone, locked, or (due_by) not due."""
    query = select(models.Conversation).where(col(models.Conversation.id) == conversation_id)
    if due_by is None:
        query = query.with_for_update()
    else:
        query = query.where(
            col(models.Conversation.status) == "active",
            col(models.Conversation.next_timer_at) <= due_by,
        ).with_for_update(skip_locked=True)
    found: models.Conversation | None = session.exec(
        query.execution_options(populate_existing=True)
    ).first()
    return found
