"""WhatsApp bookkeeping: who a chat is, the 24-hour customer-service window, templates, statuses.

The window opens (or extends) with every message a reporter sends: free-form messages may go out
until 24 hours after the last one (Reporter.wa_window_until). Outside it only the approved
template may be sent; the messages held back meanwhile go out when the reporter writes again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.envelopes import Channel
from bot.whatsapp.texts import UNPROMPTED
from storage import db, models, outbox, queries
from storage import whatsapp as wa

log = logging.getLogger(__name__)

WINDOW = dt.timedelta(hours=24)
"""How long after a reporter's last message free-form messages may be sent."""

WINDOW_SLACK = dt.timedelta(minutes=1)
"""How much of the window may go unrecorded to spare a write per message (errs on closed)."""

RELEASE_WITHIN = dt.timedelta(days=7)
"""Held messages older than this are not sent when the reporter writes again."""

TEMPLATE_PAYLOAD = "template"
"""The `whatsapp` key of an outbox payload that asks for the re-engagement template only."""

HELD = wa.HELD


@dataclass(frozen=True)
class Seen:
    """The chat a message came from, and until when free-form replies may go to it."""

    chat_id: str
    window_until: dt.datetime
    released: int


@dataclass(frozen=True)
class StatusReport:
    """One status webhook about a message Suara sent."""

    wamid: str
    status: str
    at: dt.datetime
    chat_id: str | None
    error_code: int | None = None
    error_title: str | None = None


def utcnow() -> dt.datetime:
    """Returns the current time in UTC."""
    return dt.datetime.now(dt.UTC)


def covers(until: dt.datetime | None, at: dt.datetime) -> bool:
    """Whether a window recorded open until `until` needs no write for a message sent at `at`."""
    return until is not None and until >= at + WINDOW - WINDOW_SLACK


def _extend(session: Session, reporter: models.Reporter, at: dt.datetime) -> dt.datetime:
    """Opens a reporter's window until `at` + 24 h; returns until when it is recorded open."""
    current = reporter.wa_window_until
    if current is not None and covers(current, at):
        return current
    reporter.wa_window_until = until = at + WINDOW
    session.add(reporter)
    return until


def note_inbound(engine: Engine, *, wa_id: str | None, bsuid: str | None, at: dt.datetime) -> Seen:
    """Resolves the sender's chat, opens its window until `at` + 24 h, releases held messages.

    The stored window moves only when it gains more than WINDOW_SLACK, so most messages of a
    conversation cost no write; the window is then at most that much shorter, never longer.
    """
    with db.session(engine) as session:
        contact = wa.resolve_chat(session=session, wa_id=wa_id, bsuid=bsuid)
        reporter = _find_reporter(session, contact.chat_id) or _reporter(session, contact.chat_id)
        until = _extend(session, reporter, at)
        released = _release_held(session, contact.chat_id, at)
        return Seen(contact.chat_id, until, released)


def window_until(engine: Engine, chat_id: str) -> dt.datetime | None:
    """Returns until when a chat's window is open (None: it never opened)."""
    with db.session(engine) as session:
        reporter = _find_reporter(session, chat_id)
        return reporter.wa_window_until if reporter else None


def close_window(engine: Engine, chat_id: str, at: dt.datetime) -> None:
    """Records that WhatsApp refused free-form messages at `at` (error 131047)."""
    with db.session(engine) as session:
        _close(session, chat_id, at)


def claim_template(engine: Engine, chat_id: str, now: dt.datetime) -> bool:
    """Returns True (and marks it) when no template went out since the reporter last wrote."""
    with db.session(engine) as session:
        reporter = _find_reporter(session, chat_id)
        until = reporter.wa_window_until if reporter else None
        since = until - WINDOW if until else None
        return wa.claim_template(session=session, chat_id=chat_id, since=since, now=now)


def release_template(engine: Engine, chat_id: str) -> None:
    """Undoes a template claim whose send failed."""
    with db.session(engine) as session:
        wa.release_template(session=session, chat_id=chat_id)


def apply_status(engine: Engine, report: StatusReport) -> bool:
    """Records a delivery status; a 131047 failure holds the message and queues the template.

    Returns whether something was queued (so the dispatcher should be woken).
    """
    with db.session(engine) as session:
        wa.apply_status(
            session=session,
            wamid=report.wamid,
            chat_id=report.chat_id,
            status=report.status,
            at=report.at,
            error_code=report.error_code,
            error_title=report.error_title,
        )
        if report.status != "failed":
            return False
        row = wa.outbox_by_external_id(session=session, external_id=report.wamid)
        if row is None or row.id is None:
            return False
        if report.error_code != 131047:
            error = f"whatsapp {report.error_code}: {report.error_title or 'failed'}"[:200]
            outbox.fail_outbox(session=session, message_id=row.id, error=error)
            return False
        outbox.fail_outbox(session=session, message_id=row.id, error=HELD)
        reporter = _find_reporter(session, row.chat_id)
        until = reporter.wa_window_until if reporter else None
        if until is not None and until - WINDOW > report.at:  # they wrote since: send it now
            _release_held(session, row.chat_id, report.at)
            return True
        _close(session, row.chat_id, report.at)
        _queue_template(session, row)
        return True


def window_states(
    engine: Engine, cases: Sequence[models.Case], now: dt.datetime | None = None
) -> dict[int, str]:
    """Returns, per WhatsApp case id, whether free-form replies can reach the reporter now."""
    moment = now or utcnow()
    ids = {c.reporter_id for c in cases if c.channel == Channel.WHATSAPP.value}
    if not ids:
        return {}
    with db.session(engine) as session:
        rows = session.exec(select(models.Reporter).where(col(models.Reporter.id).in_(ids)))
        until = {r.id: r.wa_window_until for r in rows}
    return {
        c.id or 0: describe_window(until.get(c.reporter_id), moment)
        for c in cases
        if c.channel == Channel.WHATSAPP.value
    }


def describe_window(until: dt.datetime | None, now: dt.datetime) -> str:
    """Returns a caseworker's one-line view of a window."""
    if until is None:
        return "closed: template only"
    stamp = until.strftime("%Y-%m-%d %H:%M UTC")
    if until > now:
        return f"open until {stamp}"
    return f"closed since {stamp}: template only"


def _reporter(session: Session, chat_id: str) -> models.Reporter:
    return queries.get_or_create_reporter(
        session=session, channel=Channel.WHATSAPP.value, channel_user_id=chat_id
    )


def _find_reporter(session: Session, chat_id: str) -> models.Reporter | None:
    query = select(models.Reporter).where(
        col(models.Reporter.channel) == Channel.WHATSAPP.value,
        col(models.Reporter.channel_user_id) == chat_id,
    )
    return session.exec(query).first()


def _close(session: Session, chat_id: str, at: dt.datetime) -> None:
    """Shortens the window to `at`, unless the reporter wrote after that moment."""
    reporter = _find_reporter(session, chat_id)
    if reporter is None or reporter.wa_window_until is None:
        return
    if reporter.wa_window_until - WINDOW <= at < reporter.wa_window_until:
        reporter.wa_window_until = at
        session.add(reporter)


def _queue_template(session: Session, row: models.OutboxMessage) -> None:
    """Queues the re-engagement template for the chat of a message WhatsApp refused."""
    locale = str(row.payload.get("locale", "id"))
    payload = {"text": "", "locale": locale, "buttons": [], "whatsapp": TEMPLATE_PAYLOAD}
    outbox.enqueue_outbox(
        session=session,
        conversation_id=row.conversation_id,
        channel=row.channel,
        chat_id=row.chat_id,
        payloads=[payload],
    )


def _release_held(session: Session, chat_id: str, at: dt.datetime) -> int:
    """Queues again the messages held back while the window was closed; returns how many."""
    held = wa.held_messages(session=session, chat_id=chat_id, since=at - RELEASE_WITHIN)
    if not held:
        return 0
    for row in held:
        row.error = wa.RELEASED
        session.add(row)
        outbox.enqueue_outbox(
            session=session,
            conversation_id=row.conversation_id,
            channel=Channel.WHATSAPP.value,
            chat_id=chat_id,
            payloads=[{k: v for k, v in row.payload.items() if k != UNPROMPTED}],
        )
    log.info("held messages released", extra={"count": len(held)})
    return len(held)
