"""Console render times: the queue and a case page with 10,000 cases, on SQLite and PostgreSQL.

Each request goes through the whole app in process (routing, session check, the queue query, the
audit rows it writes, the template); p50 and p99 over --requests requests per page and database.
Usage: python bench/console.py [--postgres URL] [--cases 10000] [--requests 200]
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi.testclient import TestClient  # noqa: E402
from harness import fresh_database, machine, parser  # noqa: E402

from bot.cli.commands import parser as suara_parser  # noqa: E402
from bot.cli.handoff import run  # noqa: E402
from bot.settings import DatabaseSettings, FileSettings, Settings  # noqa: E402
from handlers.app import create_app  # noqa: E402
from storage import db  # noqa: E402
from storage.escalation_models import Escalation  # noqa: E402
from storage.models import Case, Conversation, Reporter  # noqa: E402

OFFICES = ("jember", "kuala_lumpur", "jakarta", "indramayu", "kebumen")
URGENCIES = ("P0", "P1", "P2", "P3")
PASSWORD = "bench horse battery staple"


def seed(url: str, count: int) -> str:
    """Files `count` cases over five offices, half of them escalated; returns a Jember reference."""
    engine = db.make_engine(url)
    now = dt.datetime.now(dt.UTC)
    with db.session(engine) as session:
        reporter = Reporter(channel="telegram", channel_user_id="bench")
        session.add(reporter)
        session.flush()
        chat = Conversation(reporter_id=reporter.id or 0, channel="telegram", chat_id="bench")
        session.add(chat)
        session.flush()
        for number, office, urgency in zip(
            range(count), itertools.cycle(OFFICES), itertools.cycle(URGENCIES), strict=False
        ):
            case = Case(
                reference=f"MC-2026-{number + 1:06d}",
                conversation_id=chat.id or 0,
                reporter_id=reporter.id or 0,
                urgency=urgency,
                categories=["GAJI"],
                primary_category="GAJI",
                destination_country="MY",
                home_regency="Jember",
                lead_office=office,
                locale="id",
                channel="telegram",
                status="submitted",
                submitted_at=now - dt.timedelta(minutes=number),
                answers={"self_problem": "GAJI", "self_city": {"text": "Johor Bahru"}},
            )
            session.add(case)
            session.flush()
            if number % 2 == 0:
                due = now + dt.timedelta(hours=number % 48 - 24)
                session.add(
                    Escalation(
                        case_id=case.id or 0,
                        kind="case",
                        urgency=urgency,
                        office=office,
                        ack_due_at=due,
                    )
                )
    engine.dispose()
    return "MC-2026-000001"


def _account(config: Settings) -> None:
    args = suara_parser().parse_args(
        [
            "caseworkers",
            "add",
            "bench@example.org",
            "--office",
            "jember",
            "--role",
            "caseworker",
            "--password-stdin",
        ]
    )
    assert run(args, config, io.StringIO(), stdin=io.StringIO(PASSWORD + "\n")) == 0


def measure(url: str, count: int, requests: int) -> dict[str, tuple[float, float, int]]:
    """Returns p50 and p99 in milliseconds, and the size in bytes, of the queue and a case page."""
    reference = seed(url, count)
    with tempfile.TemporaryDirectory() as folder:
        config = Settings(
            database=DatabaseSettings(url=url), files=FileSettings(store=Path(folder))
        )
        _account(config)
        with TestClient(create_app(config, background=False), base_url="https://testserver") as web:
            page = web.get("/console/login").text
            token = page.split('name="csrf" value="')[1].split('"')[0]
            form = {"csrf": token, "email": "bench@example.org", "password": PASSWORD, "code": ""}
            assert web.post("/console/login", data=form, follow_redirects=False).status_code == 303
            paths = {
                "queue": "/console",
                "case page": f"/console/cases/{reference}?reason=casework",
            }
            return {name: _timed(web, path, requests) for name, path in paths.items()}


def _timed(web: TestClient, path: str, requests: int) -> tuple[float, float, int]:
    first = web.get(path)
    assert first.status_code == 200
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        answer = web.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200
    cuts = statistics.quantiles(times, n=100)
    return statistics.median(times), cuts[98], len(first.content)


def main() -> None:
    """Prints one line per database and page: p50 and p99 in ms, the page's size in KB."""
    args = parser(__doc__, runs=1)
    args.add_argument("--cases", type=int, default=10_000)
    args.add_argument("--requests", type=int, default=200)
    options = args.parse_args()
    print(machine())  # noqa: T201
    for name, postgres in (("SQLite", None), ("PostgreSQL", options.postgres)):
        if name == "PostgreSQL" and not postgres:
            continue
        with fresh_database(postgres) as url:
            for page, (p50, p99, size) in measure(url, options.cases, options.requests).items():
                figures = f"p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  {size / 1024:5.1f} KB"
                print(f"{name:10} {page:9} {options.cases} cases: {figures}")  # noqa: T201


if __name__ == "__main__":
    main()
