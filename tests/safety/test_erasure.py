"""The erasure test (R-08): planted personal data is gone from every table and the file store."""

from __future__ import annotations

from pathlib import Path

import pytest
from planted_rows import NOW, dump_database, jpeg, plant_case
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.evidence.files import FileStore
from bot.safety.erasure import ErasureEvent, erase_case
from storage import db
from storage.models import Attachment, Case, CaseEvent, Reporter


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "files")


def test_erasure_leaves_nothing_but_a_tombstone(engine: Engine, store: FileStore) -> None:
    gone = plant_case(
        engine, store, "ERASEME4711", phone="6281100004711", shared_photo=jpeg("same")
    )
    kept = plant_case(engine, store, "KEEPME0815", phone="6281100000815", shared_photo=jpeg("same"))
    before = dump_database(engine)
    assert all(m in before for m in gone.markers + kept.markers)

    with db.session(engine) as session:
        result = erase_case(session, gone.case_id, "caseworker:7", "reporter asked", NOW,
                            reporter=True, files=store.root)  # fmt: skip
    assert result.erased

    after = dump_database(engine)
    leaks = [m for m in gone.markers if m in after]
    assert leaks == []
    assert all(m in after for m in kept.markers)  # the other case is untouched
    own_photo, shared_photo, own_clean, shared_clean = gone.files
    assert not own_photo.exists()
    assert not own_clean.exists()
    assert shared_photo.exists()
    assert shared_clean.exists()
    assert all(path.exists() for path in kept.files)
    with db.session(engine) as session:
        case = session.get(Case, gone.case_id)
        assert case is not None
        assert (case.status, case.erased_at, case.answers) == ("erased", NOW, {})
        assert (case.reference, case.urgency, case.primary_category) != (None, None, None)
        assert case.destination_country == "MY"
        events = session.exec(select(CaseEvent).where(col(CaseEvent.case_id) == gone.case_id))
        erased = [e for e in events if e.type == ErasureEvent.CASE_ERASED.value]
        assert [(e.actor, e.data) for e in erased] == [
            ("caseworker:7", {"reason": "reporter asked"})
        ]
        reporter = session.get(Reporter, gone.reporter_id)
        assert reporter is not None
        assert reporter.erased_at == NOW
        files = session.exec(select(Attachment).where(col(Attachment.case_id) == gone.case_id))
        assert {(a.status, a.path) for a in files} == {("erased", None)}


def test_case_only_erasure_keeps_the_reporter(engine: Engine, store: FileStore) -> None:
    gone = plant_case(engine, store, "CASEONLY3131", phone="6281100003131")
    with db.session(engine) as session:
        assert erase_case(
            session, gone.case_id, "caseworker:7", "asked", NOW, files=store.root
        ).erased
    after = dump_database(engine)
    assert [m for m in gone.markers if m in after] == [gone.markers[-1]]  # only the phone stays


def test_legal_hold_blocks_erasure_and_is_audited(engine: Engine, store: FileStore) -> None:
    held = plant_case(engine, store, "HELD2024", phone="6281100002024")
    with db.session(engine) as session:
        case = session.get(Case, held.case_id)
        assert case is not None
        case.legal_hold, case.legal_hold_reason = True, "court case"
    with db.session(engine) as session:
        result = erase_case(session, held.case_id, "caseworker:7", "asked", NOW, files=store.root)
    assert (result.erased, result.refused) == (False, "legal_hold")
    after = dump_database(engine)
    assert all(m in after for m in held.markers)
    assert all(path.exists() for path in held.files)
    with db.session(engine) as session:
        events = session.exec(select(CaseEvent).where(col(CaseEvent.case_id) == held.case_id))
        refused = [e for e in events if e.type == ErasureEvent.ERASURE_REFUSED.value]
        assert [e.data for e in refused] == [{"reason": "asked", "refused": "legal_hold"}]
