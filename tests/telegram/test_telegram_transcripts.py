"""Golden Telegram transcripts through both drivers: nothing a reporter sends is dropped."""

from __future__ import annotations

from pathlib import Path

import pytest
from tg_harness import Harness
from tg_transcripts import FOLDER, TgPlayer
from transcripts import UPDATE, load, save

from bot.i18n import Catalogs

PATHS = sorted(FOLDER.glob("*.yaml"))
CATALOGS = Catalogs()


def test_there_is_a_transcript_per_behaviour_and_language() -> None:
    names = {p.stem for p in PATHS}
    for behaviour in ("too_large", "caption", "shared", "unreadable", "split_reply"):
        assert {f"{behaviour}_id", f"{behaviour}_en"} <= names, behaviour


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
async def test_transcript(path: Path, harness: Harness) -> None:
    data = load(path)
    player = TgPlayer(harness, harness.reporter(data["locale"]), CATALOGS)
    for number, turn in enumerate(data["turns"], start=1):
        got = await player.play(turn)
        if UPDATE:
            turn.update(got)
            continue
        expected = {"replies": turn.get("replies", []), "calls": turn.get("calls", [])}
        assert got == expected, f"turn {number} ({turn}) differs"
    if UPDATE:
        save(path, data)
    assert player.evidence() == data.get("expect", {}).get("evidence", [])
