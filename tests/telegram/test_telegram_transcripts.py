"""Golden Telegram transcripts through both drivers: nothing a reporter sends is dropped in silence."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from tg_harness import Harness
from tg_transcripts import FOLDER, TgPlayer

from bot.i18n import Catalogs

UPDATE = os.environ.get("SUARA_UPDATE_TRANSCRIPTS") == "1"
PATHS = sorted(FOLDER.glob("*.yaml"))
CATALOGS = Catalogs()


def test_there_is_a_transcript_per_behaviour_and_language() -> None:
    names = {p.stem for p in PATHS}
    for behaviour in ("too_large", "caption", "shared", "unreadable", "split_reply"):
        assert {f"{behaviour}_id", f"{behaviour}_en"} <= names, behaviour


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
async def test_transcript(path: Path, harness: Harness) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    player = TgPlayer(harness, harness.reporter(data["locale"]), CATALOGS)
    for number, turn in enumerate(data["turns"], start=1):
        got = await player.play(turn)
        if UPDATE:
            turn.update(got)
            continue
        expected = {"replies": turn.get("replies", []), "calls": turn.get("calls", [])}
        assert got == expected, f"turn {number} ({turn}) differs"
    if UPDATE:
        path.write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8"
        )
    assert player.evidence() == data.get("expect", {}).get("evidence", [])
