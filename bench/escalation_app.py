"""The escalation bench's app process: producer threads opening escalations, the real dispatcher."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlmodel import col, select

from bot.casework.referrals import GATE
from escalation import service
from escalation.delivery import signing
from escalation.delivery.dispatcher import Dispatcher, Tuning
from escalation.desk import Desk
from escalation.offices import Directory, Endpoint, Office
from storage import db, queries
from storage.escalation_models import Delivery
from storage.models import Case

SECRET = os.environ.setdefault("SUARA_BENCH_SECRET", signing.new_secret())
"""The receiver's signing secret, set before the processes start so that all of them share it."""

Schedule = list[tuple[int, float]]
"""(case id, when it is due, Unix seconds) for each submission of one app process."""


def prepare(engine: Any, count: int) -> list[int]:
    """Creates one reporter, one conversation and `count` submitted cases; returns their ids."""
    with db.session(engine) as session:
        reporter = queries.get_or_create_reporter(
            session=session, channel="web", channel_user_id="b"
        )
        chat, _ = queries.lock_conversation(
            session=session, channel="web", chat_id="b", reporter_id=reporter.id or 0
        )
        ids = []
        for number in range(count):
            case = _case(number, chat.id or 0, reporter.id or 0)
            session.add(case)
            session.flush()
            ids.append(case.id or 0)
        return ids


def _case(number: int, conversation_id: int, reporter_id: int) -> Case:
    """Returns a submitted case of the bench, numbered."""
    return Case(
        reference=f"MC-2026-{number + 1:06d}",
        conversation_id=conversation_id,
        reporter_id=reporter_id,
        urgency="P1",
        categories=["GAJI", "DOKUMEN"],
        primary_category="GAJI",
        destination_country="MY",
        lead_office="kuala_lumpur",
        liaison_office="jember",
        locale="id",
        channel="telegram",
        status="submitted",
        submitted_at=dt.datetime.now(dt.UTC),
    )


def submit(engine: Any, desk: Desk, case: Case, committed: dict[int, float]) -> None:
    """One submission: the escalation of a just-submitted case opens in its own transaction.

    This is the work the runner's after-turn hook adds to a turn, on the case the turn already
    holds (loaded before the run); the turn's own work is measured by bench/engine.py.
    """
    with db.session(engine) as session:
        session.add(case)
        service.open_or_update(session, desk, case, "case_submitted", dt.datetime.now(dt.UTC))
    committed[case.id or 0] = time.time()


def load_cases(engine: Any, ids: list[int]) -> dict[int, Case]:
    """Returns the cases by id, loaded once before the run (a turn holds its case already)."""
    with db.session(engine) as session:
        return {
            case.id or 0: case for case in session.exec(select(Case).where(col(Case.id).in_(ids)))
        }


def produce(
    engine: Any, desk: Desk, schedule: Schedule, producers: int, committed: dict[int, float]
) -> None:
    """Submits each case at its due time from a pool of threads (several reporters' turns).

    Latency counts from the due time, so a producer that falls behind shows up as latency
    instead of being hidden (no coordinated omission).
    """
    failed: list[BaseException] = []
    cases = load_cases(engine, [case_id for case_id, _ in schedule])
    # The preloaded cases are the bench's own objects: collect once now so that promoting them
    # does not trigger a full collection (a pause of 100 ms and more) in the measured minute.
    gc.collect()
    with ThreadPoolExecutor(max_workers=producers) as pool:
        for case_id, due in schedule:
            pause = due - time.time()
            if pause > 0:
                time.sleep(pause)
            future = pool.submit(submit, engine, desk, cases[case_id], committed)
            future.add_done_callback(lambda done: failed.extend(filter(None, [done.exception()])))
    if failed:
        print(f"{len(failed)} submissions failed, first: {failed[0]!r}", flush=True)


def make_desk(port: int) -> Desk:
    """Returns the desk of one office whose endpoint is the loopback receiver."""
    endpoint = Endpoint(
        name="bench",
        office="kuala_lumpur",
        level="office",
        url=f"http://127.0.0.1:{port}/hook",
        secrets=(signing.decode_secret(SECRET),),
        max_in_flight=64,
    )
    directory = Directory(offices={"kuala_lumpur": Office("kuala_lumpur", "KL", (endpoint,))})
    return Desk(directory=directory, sharing=GATE, base_url="https://suara.example.org")


def app_worker(url: str, port: int, schedule: Schedule, producers: int, out: Any) -> None:
    """One app process: producer threads and the dispatcher, woken on each commit."""
    out.put(asyncio.run(_app(url, port, schedule, producers)))


async def _app(
    url: str, port: int, schedule: Schedule, producers: int
) -> tuple[float, dict[int, float]]:
    """Produces the schedule, waits for its deliveries; returns when it was done and the commits."""
    engine = db.make_engine(url)
    desk = make_desk(port)
    dispatcher = Dispatcher(
        engine, desk, tuning=Tuning(allow_private=True, poll_seconds=1.0, concurrency=64)
    )
    task = asyncio.create_task(dispatcher.run())
    committed: dict[int, float] = {}
    producer = threading.Thread(target=produce, args=(engine, desk, schedule, producers, committed))
    producer.start()
    await asyncio.to_thread(producer.join)
    produced = time.time()
    await _delivered(engine, time.time() + 60)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    engine.dispose()
    return produced, committed


async def _delivered(engine: Any, deadline: float) -> None:
    """Waits until every delivery is delivered, or the deadline (Unix seconds) has passed."""
    while time.time() < deadline:
        with db.session(engine) as session:
            left = session.exec(
                select(Delivery.id).where(col(Delivery.state) != "delivered").limit(1)
            ).first()
        if left is None:
            return
        await asyncio.sleep(0.2)
