"""Golden Telegram transcripts: corpus updates through the webhook, a driver and the fake Bot API.

A turn posts one update (`command`, `say`, `press`, `send` a corpus message with `fields`,
`post` any other corpus update), scripts
a failure of the fake (`fail`), queues a long reply (`long_reply`) or lets the outbox retry now
(`retry`). Recorded per turn: what the reporter's chat received (`replies`, texts and buttons; a
long text as its start and length; a refused send marked) and every other Bot API call (`calls`,
getFile and file downloads included). `expect.evidence` lists, by hand, the evidence rows the
conversation must hold. `SUARA_UPDATE_TRANSCRIPTS=1` rewrites the recorded parts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fakebot import Call
from sqlmodel import col, select
from tg_harness import Harness, Reporter

from bot.envelopes import OutgoingMessage
from bot.i18n import Catalogs
from flows.vocabulary import Locale
from storage import db, models, outbox

FOLDER = Path(__file__).parent.parent / "transcripts" / "telegram"
SHOWN_WHOLE = 300
"""Longer texts are recorded as their start and their length."""
REPLIES = frozenset({"sendMessage", "editMessageText"})
EVIDENCE_FIELDS = ("kind", "status", "size_bytes", "mime_type", "caption", "shared")


class TgPlayer:
    """Plays one transcript for one reporter and records what reached the fake."""

    def __init__(self, harness: Harness, reporter: Reporter, catalogs: Catalogs) -> None:
        self.harness, self.reporter, self.catalogs = harness, reporter, catalogs
        self.locale = Locale(reporter.build.language)

    async def play(self, turn: dict[str, Any]) -> dict[str, Any]:
        """Runs one turn; returns its replies and other calls."""
        fake = self.harness.fake
        start, downloads = len(fake.calls), len(fake.downloads)
        await self._do(turn)
        calls = fake.calls[start:]
        replies = [reply(c) for c in calls if c.method in REPLIES]
        others = [c.method for c in calls if c.method not in REPLIES]
        others += ["download"] * (len(fake.downloads) - downloads)
        self.reporter.new()  # the next turn records only its own messages
        return {"replies": replies, "calls": others}

    async def _do(self, turn: dict[str, Any]) -> None:
        reporter = self.reporter
        if "command" in turn:
            await reporter.command(str(turn["command"]))
        elif "say" in turn:
            await reporter.say(str(turn["say"]))
        elif "press" in turn:
            await reporter.press(str(turn["press"]))
        elif "send" in turn:
            await reporter.send(str(turn["send"]), **turn.get("fields", {}))
        elif "post" in turn:  # an update that is not a message (a reaction, an unknown kind)
            await reporter.do(reporter.build.own(str(turn["post"])))
        elif "fail" in turn:
            failure = dict(turn["fail"])
            self.harness.fake.fail(failure.pop("method"), failure.pop("status"), **failure)
        elif "long_reply" in turn:
            await self._long_reply(dict(turn["long_reply"]))
        elif "retry" in turn:
            self._due_now()
            await self.harness.settle()
        else:
            raise AssertionError(f"unknown turn {turn}")

    async def _long_reply(self, spec: dict[str, Any]) -> None:
        """Queues one reply too long for one Telegram message, as a caseworker's could be."""
        line = self.catalogs.gettext(self.locale, str(spec["sentence"]))
        text = "\n".join(f"{n}. {line}" for n in range(1, int(spec["lines"]) + 1))
        conversation = self.conversation()
        with db.session(self.harness.core.engine) as session:
            outbox.enqueue_outbox(
                session=session,
                conversation_id=conversation.id or 0,
                channel=conversation.channel,
                chat_id=conversation.chat_id,
                payloads=[OutgoingMessage(text, self.locale.value).to_payload()],
            )
        await self.harness.settle()

    def _due_now(self) -> None:
        """Makes every message waiting for a retry due now (the backoff is not under test)."""
        past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        with db.session(self.harness.core.engine) as session:
            pending = col(models.OutboxMessage.status) == "pending"
            for row in session.exec(select(models.OutboxMessage).where(pending)):
                row.next_attempt_at = past

    def conversation(self) -> models.Conversation:
        """Returns the reporter's conversation."""
        with db.session(self.harness.core.engine) as session:
            query = select(models.Conversation).where(
                col(models.Conversation.chat_id) == str(self.reporter.user_id)
            )
            return session.exec(query).one()

    def evidence(self) -> list[dict[str, Any]]:
        """Returns the conversation's evidence rows, oldest first, as the transcript lists them."""
        conversation = self.conversation()
        with db.session(self.harness.core.engine) as session:
            query = (
                select(models.Attachment)
                .where(col(models.Attachment.conversation_id) == conversation.id)
                .order_by(col(models.Attachment.id))
            )
            rows = list(session.exec(query))
        return [
            {name: getattr(row, name) for name in EVIDENCE_FIELDS if getattr(row, name)}
            for row in rows
        ]


def reply(call: Call) -> Any:
    """Returns one sent message as compact YAML: its text, or text and buttons."""
    text = str(call.params.get("text", ""))
    if len(text) > SHOWN_WHOLE:
        text = f"{text[:60]}… [{len(text)} characters]"
    if call.result is None:
        return f"REFUSED: {text}"
    rows = call.params.get("reply_markup", {}).get("inline_keyboard", [])
    buttons = [f"{b['callback_data']} = {b['text']}" for row in rows for b in row]
    if call.method == "editMessageText":
        return {"text": text, "edits": "an earlier message", "buttons": buttons}
    return {"text": text, "buttons": buttons} if buttons else text
