"""What the case page shows of evidence: a file offered too large, a caption, a contact, a place."""

from __future__ import annotations

from console_apps import account, make_case, sign_in
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.settings import Settings
from storage import db
from storage.models import Attachment, Case

MB = 1024 * 1024


def add_evidence(engine: Engine, reference: str) -> None:
    """Adds one row of each kind of evidence the reporter can send to a case."""
    with db.session(engine) as session:
        case = session.exec(select(Case).where(col(Case.reference) == reference)).one()
        common = {"case_id": case.id, "conversation_id": case.conversation_id}
        session.add_all(
            [
                Attachment(
                    **common,
                    kind="document",
                    mime_type="application/pdf",
                    size_bytes=48 * MB,
                    status="too_large",
                ),
                Attachment(**common, kind="voice", mime_type="audio/ogg", caption="slip gaji"),
                Attachment(**common, kind="contact", shared={"phone": "+6281299", "is_own": True}),
                Attachment(**common, kind="location", shared={"latitude": 3.1, "longitude": 101.7}),
            ]
        )


def test_the_case_page_shows_every_kind_of_evidence(web: TestClient, config: Settings) -> None:
    assert sign_in(web, account(config, "rina@example.org", "jember", "caseworker")) == 303
    engine: Engine = web.app.state.handoff.engine  # type: ignore[attr-defined]
    reference = make_case(engine, "jember")
    add_evidence(engine, reference)
    page = web.get(f"/console/cases/{reference}?reason=casework").text
    # the console speaks Indonesian unless the caseworker chose English
    assert (
        "Ditawarkan tetapi tidak diterima (terlalu besar): document, 48.0 MB, application/pdf"
        in page
    )
    assert "Keterangan: slip gaji" in page
    assert "Nomor telepon: +6281299 · nomor pelapor sendiri" in page
    assert "Tempat: lintang 3.1, bujur 101.7" in page
