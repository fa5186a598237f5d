"""Golden transcripts: a YAML file lists what a reporter does; replies and events are recorded.

Run `SUARA_UPDATE_TRANSCRIPTS=1 pytest tests/test_transcripts.py` to rewrite the expected parts;
the review is the diff.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.envelopes import EDIT_MESSAGE_ID, Channel, InboundEvent, StoredMedia
from bot.i18n import Catalogs
from bot.runtime.runner import Runner
from flows.context import Context
from flows.vocabulary import Command, InputKind, MediaKind, Timeout, TimerKind
from storage import db, models

FOLDER = Path(__file__).parent / "transcripts"
START = dt.datetime(2026, 11, 28, 1, 0, tzinfo=dt.UTC)
UPDATE = os.environ.get("SUARA_UPDATE_TRANSCRIPTS") == "1"
DURATION = re.compile(r"^(\d+)([smhd])$")


def duration(text: str) -> dt.timedelta:
    """Returns '30s', '5m', '26h' or '8d' as a timedelta."""
    match = DURATION.match(text)
    assert match, f"bad duration {text!r}"
    unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}[match[2]]
    return dt.timedelta(**{unit: int(match[1])})


@dataclass
class Player:
    """Plays one transcript through the real runner and records what came out."""

    engine: Engine
    runner: Runner
    chat_id: str = "chat-1"
    now: dt.datetime = START
    counter: int = 0
    refs: dict[str, str] = field(default_factory=dict)
    edits: bool = False
    """Presses name the message they were on, as Telegram's do (the outbox id stands for it)."""
    shown: dict[str, str] = field(default_factory=dict)

    def event(self, turn: dict[str, Any], hint: str | None) -> InboundEvent | Timeout:
        """Returns the input a transcript turn describes."""
        self.counter += 1
        base = {
            "channel": Channel.WEB,
            "chat_id": self.chat_id,
            "user_id": self.chat_id,
            "at": self.now,
            "message_ref": f"m{self.counter}",
            "locale_hint": hint,
        }
        if "timer" in turn:
            return Timeout(kind=TimerKind(turn["timer"]), at=self.now)
        if "press" in turn:
            pressed_on = self.shown.get(turn["press"]) if self.edits else None
            return InboundEvent(
                kind=InputKind.CHOICE, choice_id=turn["press"], pressed_on=pressed_on, **base
            )
        if "command" in turn:
            name, _, argument = str(turn["command"]).partition(" ")
            return InboundEvent(
                kind=InputKind.COMMAND, command=Command(name), argument=argument or None, **base
            )
        if "file" in turn:
            media = StoredMedia(
                kind=MediaKind(turn["file"]),
                mime_type="image/jpeg",
                size_bytes=1234,
                sha256="0" * 64,
                path="2026/11/x.jpg",
                too_large=bool(turn.get("too_large")),
            )
            return InboundEvent(kind=InputKind.MEDIA, media=media, **base)
        if "edit" in turn:
            return InboundEvent(
                kind=InputKind.EDIT, text=turn["text"], edited_ref=turn["edit"], **base
            )
        if "location" in turn:
            return InboundEvent(kind=InputKind.LOCATION, location=tuple(turn["location"]), **base)
        return InboundEvent(kind=InputKind.TEXT, text=str(turn["send"]), **base)

    def play(self, turn: dict[str, Any], hint: str | None) -> dict[str, Any]:
        """Runs one turn; returns the replies and events it produced."""
        if "after" in turn:
            self.now += duration(turn["after"])
        event = self.event(turn, hint)
        if isinstance(event, Timeout):
            conversation_id = self.conversation_id()
            result = self.runner.fire_timer(conversation_id, event)
        else:
            result = self.runner.handle(event)
        self.now += dt.timedelta(seconds=30)
        replies = self.replies(result.outbox_ids if result else ())
        events = [e.name.value for e in result.turn.events] if result else []
        return {"replies": replies, "events": events}

    def conversation_id(self) -> int:
        """Returns the id of the transcript's conversation."""
        with db.session(self.engine) as session:
            query = select(models.Conversation).where(
                col(models.Conversation.chat_id) == self.chat_id
            )
            return session.exec(query).one().id or 0

    def replies(self, ids: tuple[int, ...]) -> list[Any]:
        """Returns the rendered replies, as compact YAML-friendly values."""
        found = []
        with db.session(self.engine) as session:
            for outbox_id in ids:
                payload = session.get(models.OutboxMessage, outbox_id).payload  # type: ignore[union-attr]
                buttons = [f"{b['id']} = {b['label']}" for b in payload["buttons"]]
                replaced = payload.get(EDIT_MESSAGE_ID)
                shown_as = str(replaced or outbox_id)
                self.shown.update({b["id"]: shown_as for b in payload["buttons"]})
                reply: dict[str, Any] = {"text": payload["text"]}
                if replaced:
                    reply["replaces"] = f"reply {replaced}"
                if buttons:
                    reply["buttons"] = buttons
                found.append(reply if len(reply) > 1 else payload["text"])
        return found


def load(path: Path) -> dict[str, Any]:
    """Reads one transcript file."""
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")))


def save(path: Path, data: dict[str, Any]) -> None:
    """Writes one transcript file, readable and stable."""
    path.write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8"
    )


def make_runner(engine: Engine, catalogs: Catalogs, context: Context) -> Runner:
    """Returns a runner over a migrated database."""
    return Runner(engine, catalogs, context)
