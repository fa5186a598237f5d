"""Renders one outgoing message for WhatsApp: reply buttons, a list, or a numbered text menu.

Reply buttons when there are at most 3 and every title fits 20 characters; a list when there are
at most 10 rows (titles within 24, a longer label shortened with the whole label as the row's
description); otherwise numbered text ("1. label") that the engine reads back as typed numbers,
with the commands as words to type. The button ids are the engine's ids, so a tap comes back as
the same choice on every channel. Text is split at 4096 characters, interactive bodies at 1024.
"""

from __future__ import annotations

from typing import Any

from bot.envelopes import OutButton, OutgoingMessage
from flows.commands import command_of_button, parse_command
from flows.vocabulary import Command
from handlers.whatsapp.client import text_content

TEXT_LIMIT = 4096
BODY_LIMIT = 1024
BUTTONS_MAX, BUTTON_TITLE = 3, 20
ROWS_MAX, ROW_TITLE, ROW_DESCRIPTION = 10, 24, 72
ID_LIMIT = 200

CHOOSE = {"id": "Pilih", "en": "Choose"}
"""The list's button (at most 20 characters)."""
TYPE = {"id": "Ketik", "en": "Type"}
"""Opens the line of commands under a numbered menu."""
WORDS: dict[Command, dict[str, str]] = {
    Command.DONE: {"id": "selesai", "en": "done"},
    Command.SKIP: {"id": "lewati", "en": "skip"},
    Command.MENU: {"id": "menu", "en": "menu"},
    Command.BACK: {"id": "kembali", "en": "back"},
    Command.HELP: {"id": "bantuan", "en": "help"},
    Command.CANCEL: {"id": "batal", "en": "cancel"},
    Command.RESTART: {"id": "ulang", "en": "restart"},
    Command.HUMAN: {"id": "petugas", "en": "person"},
    Command.LANGUAGE: {"id": "bahasa", "en": "language"},
    Command.START: {"id": "/start", "en": "/start"},
}
"""A word the engine reads as each command, when the button's own label is not one."""


def render(message: OutgoingMessage) -> list[dict[str, Any]]:
    """Returns the message contents to send, in order."""
    if not message.buttons:
        return [text_content(chunk) for chunk in split(message.text, TEXT_LIMIT)]
    for shape in (reply_buttons, row_list):
        interactive = shape(message)
        if interactive is not None:
            return _with_body(message.text, interactive)
    return [text_content(chunk) for chunk in split(numbered(message), TEXT_LIMIT)]


def reply_buttons(message: OutgoingMessage) -> dict[str, Any] | None:
    """Returns reply buttons, or None when they do not fit."""
    buttons = message.buttons
    titles = [b.label.strip() for b in buttons]
    if len(buttons) > BUTTONS_MAX or not _fits(buttons, titles, BUTTON_TITLE):
        return None
    replies = [
        {"type": "reply", "reply": {"id": b.id, "title": t}}
        for b, t in zip(buttons, titles, strict=True)
    ]
    return {"type": "button", "action": {"buttons": replies}}


def row_list(message: OutgoingMessage) -> dict[str, Any] | None:
    """Returns a one-section list, or None when it does not fit."""
    buttons = message.buttons
    labels = [b.label.strip() for b in buttons]
    if len(buttons) > ROWS_MAX or any(len(label) > ROW_DESCRIPTION for label in labels):
        return None
    titles = [shorten(label, ROW_TITLE) for label in labels]
    if not _fits(buttons, titles, ROW_TITLE):
        return None
    rows = []
    for button, title, label in zip(buttons, titles, labels, strict=True):
        row = {"id": button.id, "title": title}
        if title != label:
            row["description"] = label
        rows.append(row)
    action = {"button": CHOOSE.get(message.locale, CHOOSE["id"]), "sections": [{"rows": rows}]}
    return {"type": "list", "action": action}


def numbered(message: OutgoingMessage) -> str:
    """Returns the text with its options numbered and its commands as words to type."""
    options = [b for b in message.buttons if command_of_button(b.id) is None]
    commands = [b for b in message.buttons if command_of_button(b.id) is not None]
    lines = [message.text.rstrip()]
    if options:
        lines += ["", *(f"{n}. {b.label.strip()}" for n, b in enumerate(options, start=1))]
    if commands:
        words = " · ".join(typed_word(b, message.locale).upper() for b in commands)
        lines += ["", f"{TYPE.get(message.locale, TYPE['id'])}: {words}"]
    return "\n".join(lines)


def typed_word(button: OutButton, locale: str) -> str:
    """Returns what to type for a command button: its label when the engine reads it so."""
    command = command_of_button(button.id)
    parsed = parse_command(button.label)
    if command is None or (parsed is not None and parsed[0] is command):
        return button.label.strip()
    return WORDS[command].get(locale, WORDS[command]["id"])


def shorten(label: str, limit: int) -> str:
    """Returns a label cut at a word boundary to fit `limit` characters, with an ellipsis."""
    if len(label) <= limit:
        return label
    cut = label[: limit - 1]
    if label[limit - 1] != " " and " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:/-") + "…"


def split(text: str, limit: int) -> list[str]:
    """Returns text in pieces of at most `limit` characters, cut at lines or spaces if possible."""
    pieces, rest = [], text
    while len(rest) > limit:
        cut = _cut_point(rest, limit)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    pieces.append(rest)
    return [p for p in pieces if p] or [text[:limit] or "…"]


def _cut_point(text: str, limit: int) -> int:
    for separator in ("\n\n", "\n", " "):
        at = text.rfind(separator, limit // 2, limit)
        if at > 0:
            return at
    return limit


def _with_body(text: str, interactive: dict[str, Any]) -> list[dict[str, Any]]:
    """Returns the interactive message with the text as its body (leading text sent first)."""
    pieces = split(text.strip() or "…", BODY_LIMIT)
    head = "\n".join(pieces[:-1])
    leading = [text_content(chunk) for chunk in split(head, TEXT_LIMIT)] if head else []
    content = {**interactive, "body": {"text": pieces[-1]}}
    return [*leading, {"type": "interactive", "interactive": content}]


def _fits(buttons: tuple[OutButton, ...], titles: list[str], limit: int) -> bool:
    return (
        all(0 < len(t) <= limit for t in titles)
        and len(set(titles)) == len(titles)
        and all(0 < len(b.id) <= ID_LIMIT for b in buttons)
    )
