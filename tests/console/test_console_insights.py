"""The dashboard and the research export over HTTP: the offices a person sees, the filters, the
admin-only download, its audit, and no personal data in the file or the logs."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from console_apps import account, cli, csrf, sign_in, totp_of
from fastapi.testclient import TestClient
from insight_cases import NAME, PHONE, plant
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.insights import EXPORTED, FIELDS
from bot.settings import Settings
from storage import db
from storage.staff_models import AccountEvent
from storage.types import utcnow


def _engine(web: TestClient) -> Engine:
    engine: Engine = web.app.state.handoff.engine  # type: ignore[attr-defined]
    return engine


def admin(web: TestClient, config: Settings) -> None:
    account(config, "ana@example.org", "jakarta", "admin")
    totp = totp_of(cli(config, "totp", "ana@example.org")[1])
    assert sign_in(web, "ana@example.org", code=totp.now()) == 303


def caseworker(web: TestClient, config: Settings, office: str = "jember") -> None:
    account(config, f"sri.{office}@example.org", office)
    assert sign_in(web, f"sri.{office}@example.org") == 303


def table(page: str, caption: str) -> dict[str, int]:
    """Returns the rows of the figure table with this caption: label to count."""
    found = re.search(rf"<caption>{re.escape(caption)}</caption>(.*?)</table>", page, re.S)
    assert found, caption
    rows = re.findall(r'<th scope="row">([^<]*)</th><td>(\d+)</td>', found.group(1))
    return {name: int(count) for name, count in rows}


def total(page: str) -> int:
    found = re.search(r"Kasus sejak [^:]+: (\d+)", page)
    assert found, page
    return int(found.group(1))


def test_signed_out_both_pages_send_you_to_sign_in(web: TestClient) -> None:
    for path in ("/console/dashboard", "/console/export/research.csv"):
        answer = web.get(path, follow_redirects=False)
        assert (answer.status_code, answer.headers["location"]) == (303, "/console/login")


def test_a_jember_caseworker_counts_only_jember_cases_in_words(
    web: TestClient, config: Settings
) -> None:
    engine = _engine(web)
    plant(engine, "jember", category="GAJI", country="MY")
    plant(engine, "jember", category="TPPO", country="HK", regency="Lumajang")
    for _ in range(3):
        plant(engine, "kuala_lumpur", category="DOKUMEN", country="SA", regency="Kebumen")
    caseworker(web, config)
    page = web.get("/console/dashboard")
    assert page.status_code == 200
    assert total(page.text) == 2
    assert table(page.text, "Kasus per masalah") == {
        "Gaji ditahan/dipotong": 1,
        "Perdagangan orang": 1,
    }
    assert table(page.text, "Kasus per negara tujuan") == {"Malaysia": 1, "Hong Kong": 1}
    assert table(page.text, "Kasus per kabupaten asal") == {"Jember": 1, "Lumajang": 1}
    assert table(page.text, "Kasus per kantor") == {"Jember": 2}
    assert "Arab Saudi" not in page.text
    assert NAME not in page.text
    assert PHONE not in page.text
    assert "style=" not in page.text  # the policy forbids inline styles
    assert "<style" not in page.text
    assert page.text.count("<svg") == 8  # six figures and two gauges


def test_an_admin_sees_every_office_and_can_choose_one(web: TestClient, config: Settings) -> None:
    engine = _engine(web)
    plant(engine, "jember")
    for _ in range(3):
        plant(engine, "kuala_lumpur", country="SA")
    admin(web, config)
    everything = web.get("/console/dashboard").text
    assert total(everything) == 4
    assert table(everything, "Kasus per kantor") == {"Kuala Lumpur": 3, "Jember": 1}
    one = web.get("/console/dashboard", params={"office": "kuala_lumpur"}).text
    assert total(one) == 3
    assert table(one, "Kasus per negara tujuan") == {"Arab Saudi": 3}


def test_the_period_counts_whole_months_back_from_this_one(
    web: TestClient, config: Settings
) -> None:
    engine = _engine(web)
    plant(engine, "jember", days_ago=1)
    plant(engine, "jember", days_ago=200)
    plant(engine, "jember", days_ago=500)
    caseworker(web, config)
    assert total(web.get("/console/dashboard").text) == 2  # the last 12 months by default
    assert total(web.get("/console/dashboard", params={"months": "3"}).text) == 1
    longest = web.get("/console/dashboard", params={"months": "24"}).text
    assert total(longest) == 3
    assert len(table(longest, "Kasus per bulan")) == 24  # empty months are shown too


def test_bad_filters_are_left_out_and_named(web: TestClient, config: Settings) -> None:
    engine = _engine(web)
    plant(engine, "jember")
    plant(engine, "kuala_lumpur")
    caseworker(web, config)
    for query in ({"months": "abc"}, {"months": "-1"}, {"months": "7"}, {"months": "9" * 40}):
        answer = web.get("/console/dashboard", params=query)
        assert answer.status_code == 200
        assert "tidak berlaku dan tidak dipakai: months" in answer.text
        assert total(answer.text) == 1
    # An office the person may not see is not a way in: it is dropped, not shown.
    other = web.get("/console/dashboard", params={"office": "kuala_lumpur"})
    assert "tidak berlaku dan tidak dipakai: office" in other.text
    assert total(other.text) == 1
    assert table(other.text, "Kasus per kantor") == {"Jember": 1}


def test_the_gauge_compares_acknowledgements_with_the_deadline(
    web: TestClient, config: Settings
) -> None:
    engine = _engine(web)
    # P1 allows an hour to acknowledge and a day to reply; the second case is late on both.
    plant(
        engine, "jember", acked_after=dt.timedelta(minutes=20), replied_after=dt.timedelta(hours=2)
    )
    plant(engine, "jember", acked_after=dt.timedelta(hours=3))
    caseworker(web, config)
    page = web.get("/console/dashboard").text
    assert page.count("✗ 50%") == 2
    assert page.count("1 dari 2 kasus tepat waktu") == 2
    assert NAME not in page  # the reply's text is never read
    assert re.search(r"P1 · mendesak</th><td>1 jam</td><td>[^<]+</td><td>1 / 2</td>", page)


def test_in_english_the_same_figures_read_in_english(web: TestClient, config: Settings) -> None:
    plant(_engine(web), "jember", category="SEKSUAL", regency="Lombok Tengah")
    caseworker(web, config)
    token = csrf(web.get("/console/dashboard").text)
    web.post("/console/locale", data={"csrf": token, "locale": "en"})
    page = web.get("/console/dashboard").text
    assert table(page, "Cases by problem") == {"Sexual harassment or assault": 1}
    assert table(page, "Cases by home regency") == {"Central Lombok": 1}
    assert "Cases since " in page
    assert "Kasus" not in page


def test_an_empty_period_says_so(web: TestClient, config: Settings) -> None:
    caseworker(web, config)
    page = web.get("/console/dashboard").text
    assert total(page) == 0
    assert "Tidak ada kasus yang dilaporkan" in page
    assert "<svg" not in page


def test_only_an_admin_may_download_the_research_export(web: TestClient, config: Settings) -> None:
    plant(_engine(web), "jember")
    caseworker(web, config)
    refused = web.get("/console/export/research.csv")
    assert refused.status_code == 403
    assert "Halaman ini tidak terbuka untuk Anda" in refused.text
    assert "text/csv" not in refused.headers["content-type"]
    with db.session(_engine(web)) as session:
        audit = session.exec(select(AccountEvent).where(col(AccountEvent.type) == EXPORTED))
        assert audit.all() == []


def test_the_admin_export_is_anonymised_audited_and_keeps_names_out_of_the_logs(
    web: TestClient, config: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    engine = _engine(web)
    references = [plant(engine, "jember", days_ago=0) for _ in range(5)]
    admin(web, config)
    with caplog.at_level(logging.DEBUG):
        answer = web.get("/console/export/research.csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    month = utcnow().astimezone(dt.timezone(dt.timedelta(hours=7))).strftime("%Y-%m")
    disposition = f'attachment; filename="suara-research-{month}.csv"'
    assert answer.headers["content-disposition"] == disposition
    lines = answer.text.splitlines()
    assert lines[0] == ",".join(FIELDS)
    assert len(lines) == 6
    assert all(line.startswith(f"{month},GAJI,P1,MY,east_java,jember,") for line in lines[1:])
    assert [r.__dict__.get("rows") for r in caplog.records if r.name.endswith("insights")] == [5]
    logged = "\n".join(r.getMessage() + repr(r.__dict__) for r in caplog.records)
    for secret in (NAME, PHONE, "Siti", "81234567890", *references):
        assert secret not in answer.text
        assert secret not in logged
    with db.session(engine) as session:
        entry = session.exec(select(AccountEvent).where(col(AccountEvent.type) == EXPORTED)).one()
        assert entry.item_count == 5
        assert entry.caseworker_id is not None
        assert (utcnow() - entry.at) < dt.timedelta(minutes=1)
