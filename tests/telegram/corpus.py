"""The update corpus (real Bot API shapes, in updates/) and a builder of one reporter's updates."""

from __future__ import annotations

import copy
import itertools
import json
import time
from pathlib import Path
from typing import Any

UPDATES = Path(__file__).parent / "updates"
TEMPLATE_USER = 555000111
"""The reporter's id in the corpus files (a private chat's id is the user's id)."""

_update_ids = itertools.count(int(time.time()) % 1_000_000 * 1000)


def load(name: str) -> dict[str, Any]:
    """Returns one corpus update as JSON data."""
    data: dict[str, Any] = json.loads((UPDATES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def raw(name: str) -> bytes:
    """Returns one corpus update exactly as stored."""
    return (UPDATES / f"{name}.json").read_bytes()


def names() -> list[str]:
    """Returns the names of every corpus update."""
    return sorted(p.stem for p in UPDATES.glob("*.json"))


class Builder:
    """Makes one reporter's updates from the corpus: fresh ids, dated now, in their language."""

    def __init__(self, user_id: int, language: str) -> None:
        self.user_id, self.language = user_id, language
        self.message_ids = itertools.count(1)

    def own(self, name: str) -> dict[str, Any]:
        """Returns a corpus update as this reporter's, with a fresh update id."""
        text = (UPDATES / f"{name}.json").read_text(encoding="utf-8")
        data: dict[str, Any] = json.loads(text.replace(str(TEMPLATE_USER), str(self.user_id)))
        data["update_id"] = next(_update_ids)
        self._localise(data)
        return data

    def _localise(self, node: Any) -> None:
        if isinstance(node, dict):
            if "language_code" in node:
                node["language_code"] = self.language
            for value in node.values():
                self._localise(value)
        elif isinstance(node, list):
            for value in node:
                self._localise(value)

    def message(self, name: str, **fields: Any) -> dict[str, Any]:
        """Returns a new message update from a corpus file, with some fields replaced."""
        data = self.own(name)
        message = data["message"]
        message.update(fields, message_id=next(self.message_ids), date=int(time.time()))
        return data

    def text(self, text: str) -> dict[str, Any]:
        """Returns a text message."""
        return self.message("text", text=text)

    def command(self, text: str) -> dict[str, Any]:
        """Returns a message starting with a bot command."""
        length = len(text.split(" ", 1)[0])
        entity = {"offset": 0, "length": length, "type": "bot_command"}
        return self.message("command_help", text=text, entities=[entity])

    def press(self, data: str, shown: dict[str, Any]) -> dict[str, Any]:
        """Returns a press of a button on a message the bot sent (as sendMessage returned it)."""
        update = self.own("callback")
        query = update["callback_query"]
        query["id"] = str(next(_update_ids))
        query["data"] = data
        query["message"] = copy.deepcopy(shown)
        return update

    def edit(self, message_id: int, text: str) -> dict[str, Any]:
        """Returns an edit of an earlier message."""
        data = self.own("edited")
        data["edited_message"].update(
            message_id=message_id, text=text, date=int(time.time()) - 30, edit_date=int(time.time())
        )
        return data
