"""Retention (R-09) with a fixed clock: drafts erased, idle cases minimised, old ids dropped."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from planted_rows import NOW, dump_database, plant_case
from settings_helpers import make_settings
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.cli.commands import main
from bot.evidence.files import FileStore
from bot.safety import retention
from bot.safety.erasure import ErasureEvent
from bot.settings import Settings
from storage import db
from storage.models import Case, CaseEvent, InboundUpdate, OutboxMessage
from storage.safety_models import ChatMessage, JobRun

DAY = dt.timedelta(days=1)


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "files")


def settings_for(engine: Engine, store: FileStore) -> Settings:
    return make_settings(database_url=engine.url.render_as_string(hide_password=False),
                    file_store=store.root)  # fmt: skip


def case(engine: Engine, case_id: int) -> Case:
    with db.session(engine) as session:
        found = session.get(Case, case_id)
        assert found is not None
        return found


def hold(engine: Engine, case_id: int) -> None:
    with db.session(engine) as session:
        found = session.get(Case, case_id)
        assert found is not None
        found.legal_hold = True


def ids(engine: Engine) -> set[str]:
    with db.session(engine) as session:
        return {r.message_id for r in session.exec(select(ChatMessage))}


def test_retention_rules_with_a_fixed_clock(engine: Engine, store: FileStore) -> None:
    plant = {
        "draft_old": dict(status="draft", consent=False, at=NOW - 8 * DAY),
        "draft_consented": dict(status="draft", consent=True, at=NOW - 8 * DAY),
        "draft_new": dict(status="draft", consent=False, at=NOW - 2 * DAY),
        "draft_held": dict(status="draft", consent=False, at=NOW - 8 * DAY),
        "idle": dict(status="submitted", at=NOW - 91 * DAY),
        "idle_held": dict(status="submitted", at=NOW - 91 * DAY),
        "busy": dict(status="submitted", at=NOW - 10 * DAY),
    }
    cases = {
        name: plant_case(engine, store, f"RET{i}X{name.upper()}", phone=f"62811{i:06d}", **kw)  # type: ignore[arg-type]
        for i, (name, kw) in enumerate(plant.items())
    }
    hold(engine, cases["draft_held"].case_id)
    hold(engine, cases["idle_held"].case_id)
    with db.session(engine) as session:
        for label, hours in (("fresh", 47), ("stale", 49)):
            at = NOW - dt.timedelta(hours=hours)
            session.add(
                ChatMessage(
                    channel="telegram", chat_id="1", message_id=label, direction="out", at=at
                )
            )

    counts = retention.run_once(engine, settings_for(engine, store), NOW)

    assert counts is not None
    assert (counts.drafts_erased, counts.cases_minimised) == (1, 1)
    assert case(engine, cases["draft_old"].case_id).status == "erased"
    for name in ("draft_consented", "draft_new", "draft_held"):
        assert case(engine, cases[name].case_id).status == "draft"
    idle = case(engine, cases["idle"].case_id)
    assert (idle.minimised_at, idle.answers, idle.status) == (NOW, {}, "submitted")
    assert (idle.urgency, idle.primary_category, idle.destination_country) == ("P2", "wages", "MY")
    assert not any(path.exists() for path in cases["idle"].files[:1])
    assert case(engine, cases["idle_held"].case_id).minimised_at is None
    assert case(engine, cases["busy"].case_id).minimised_at is None
    everything = dump_database(engine)
    for name in ("draft_consented", "draft_new", "draft_held", "idle_held", "busy"):
        assert cases[name].markers[0] in everything  # answers kept
    assert cases["draft_old"].markers[0] not in everything
    assert cases["idle"].markers[1] not in everything  # the passport number went with the answers
    assert "fresh" in ids(engine)
    assert "stale" not in ids(engine)
    with db.session(engine) as session:
        old_raw = session.exec(
            select(InboundUpdate).where(col(InboundUpdate.received_at) < NOW - 7 * DAY)
        ).all()
        assert old_raw == []
        sent = session.exec(select(OutboxMessage).where(col(OutboxMessage.status) == "sent"))
        assert [r.created_at for r in sent] == [NOW - 2 * DAY]  # only draft_new's is recent
        events = session.exec(select(CaseEvent).where(col(CaseEvent.case_id) == idle.id))
        assert ErasureEvent.CASE_MINIMISED.value in {e.type for e in events}
        job = session.get(JobRun, retention.JOB)
        assert job is not None
        assert (job.last_started_at, job.last_finished_at, job.last_error) == (NOW, NOW, None)
        assert job.last_count == counts.total


def test_retention_runs_once_per_period_and_twice_safely(engine: Engine, store: FileStore) -> None:
    plant_case(engine, store, "TWICE1", phone="6281199", status="draft", consent=False,
               at=NOW - 30 * DAY)  # fmt: skip
    settings = settings_for(engine, store)
    first = retention.run_once(engine, settings, NOW)
    assert first is not None
    assert first.drafts_erased == 1
    assert retention.run_once(engine, settings, NOW + dt.timedelta(minutes=5)) is None
    again = retention.run_once(engine, settings, NOW + dt.timedelta(minutes=5), force=True)
    assert again == retention.Counts()
    later = retention.run_once(engine, settings, NOW + dt.timedelta(hours=2))
    assert later == retention.Counts()


def test_cli_prints_counts(
    engine: Engine,
    store: FileStore,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plant_case(
        engine, store, "CLI1", phone="6281198", status="draft", consent=False, at=NOW - 30 * DAY
    )
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("FILE_STORE", str(store.root))
    assert main(["retention", "--run-once"]) == 0
    out = capsys.readouterr().out
    assert "drafts_erased: 1" in out
    assert "chat_ids_deleted:" in out
