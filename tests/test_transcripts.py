"""Golden conversations through the real runner: every path in both languages, and the controls."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select
from transcripts import FOLDER, UPDATE, Player, load, save

from bot.i18n import Catalogs
from bot.runtime.runner import Runner
from bot.safety.help_contacts import load_contacts
from bot.settings import Settings
from flows.context import Context
from storage import db, models
from storage.migrate import upgrade

PATHS = sorted(FOLDER.glob("*.yaml"))


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs()


@pytest.fixture(scope="module")
def context(catalogs: Catalogs) -> Context:
    contacts = load_contacts(Settings().files.help_contacts_file)
    return Context(contacts=contacts.contacts, aliases=catalogs.aliases())


def test_there_is_a_transcript_per_path_and_language() -> None:
    names = {p.stem for p in PATHS}
    for path in (
        "self_report",
        "family",
        "emergency",
        "resume",
        "back_and_edit",
        "cancel",
        "language_switch",
        "numbered_answers",
        "rights",
        "codeword",
        "clear_chat",
        "first_language",
        "implausible_count",
        "month_duration",
        "bare_amount",
        "checklist",
        "checklist_typed",
    ):
        assert {f"{path}_id", f"{path}_en"} <= names, path


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_transcript(path: Path, tmp_path: Path, catalogs: Catalogs, context: Context) -> None:
    url = f"sqlite:///{tmp_path / 'transcript.db'}"
    upgrade(url)
    engine = db.make_engine(url)
    player = Player(engine, Runner(engine, catalogs, context))
    data = load(path)
    player.edits = bool(data.get("edits"))
    try:
        for number, turn in enumerate(data["turns"], start=1):
            got = player.play(turn, data.get("locale_hint"))
            if UPDATE:
                turn.update(got)
                continue
            expected = {"replies": turn.get("replies", []), "events": turn.get("events", [])}
            assert got == expected, (
                f"turn {number} ({turn.get('send') or turn.get('press')}) differs"
            )
        if UPDATE:
            save(path, data)
        check_case(engine, data.get("expect", {}))
    finally:
        engine.dispose()


def check_case(engine: Engine, expect: dict[str, object]) -> None:
    """Checks the hand-written facts about the case the transcript ends with."""
    with db.session(engine) as session:
        cases = list(session.exec(select(models.Case).order_by(col(models.Case.id))))
        if "cases" in expect:
            assert len(cases) == expect["cases"]
        if not cases:
            assert not {k for k in expect if k != "cases"}, "the transcript expected a case"
            return
        case = cases[-1]
        for name, value in expect.items():
            if name == "answers":
                assert isinstance(value, dict)
                for step, stored in value.items():
                    assert (case.answers or {}).get(step) == stored, step
            elif name != "cases":
                assert getattr(case, name) == value, name
