"""Two `suara serve` on one PostgreSQL database: every update once, every answer once, in order.

A hundred reporters press buttons and type; their updates go to either instance, a fifth of them
to both at the same moment. One instance alone takes the same crowd first, as the measure of lag.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from crowd import EMERGENCY, REPORT, Crowd, Observer, p90, texts
from fakebot import FakeBotAPI
from processes import Hook, Instance, describe, instances
from schemas import fresh_schema
from sqlalchemy import func
from sqlmodel import col, select

from storage import db
from storage.escalation_models import Delivery
from storage.models import InboundUpdate

log = logging.getLogger(__name__)

REPORTERS = 100
LAG_RATIO, LAG_MARGIN = 1.25, 1.0
"""How far the two instances' 90th-percentile lag may exceed one instance's: a quarter more (the
machine's load changes between the two runs) plus a second. With one instance's 0.1 s, the
2 s that every worker taking every update cost is well beyond it."""


async def crowd_on(
    targets: list[Instance], bot_api: FakeBotAPI, ids: Iterator[int], *, duplicates: float
) -> Crowd:
    """Runs the crowd against the instances; returns what it did."""
    crowd = Crowd(bot_api, Observer(bot_api), targets, duplicates)
    await crowd.run([next(ids) for _ in range(REPORTERS)])
    return crowd


async def warm_up(targets: list[Instance], bot_api: FakeBotAPI, ids: Iterator[int]) -> Crowd:
    """One reporter of each kind per instance (its worker is up); returns their crowd."""
    crowd = Crowd(bot_api, Observer(bot_api), targets[:1])
    for target in targets:
        crowd.targets = [target]
        await crowd.run([next(ids), next(ids)], first_index=4)  # a report, then an emergency
    return crowd


async def settled(url: str, limit: float = 30) -> tuple[dict[str, int], dict[str, int]]:
    """Waits until no update or delivery is left to do; returns both tables' status counts."""
    engine = db.make_engine(url)
    try:
        for _ in range(int(limit * 10)):
            with db.session(engine) as session:
                inbox = dict(
                    session.exec(
                        select(InboundUpdate.status, func.count()).group_by(
                            col(InboundUpdate.status)
                        )
                    ).all()
                )
                sent = dict(
                    session.exec(
                        select(Delivery.state, func.count()).group_by(col(Delivery.state))
                    ).all()
                )
            if not set(inbox) - {"processed"} and not set(sent) - {"delivered"}:
                return inbox, sent
            await asyncio.sleep(0.1)
        return inbox, sent
    finally:
        engine.dispose()


def delivered_ids(url: str) -> list[str]:
    engine = db.make_engine(url)
    try:
        with db.session(engine) as session:
            return list(session.exec(select(Delivery.msg_id)).all())
    finally:
        engine.dispose()


async def test_two_instances_on_one_database_do_each_update_once_in_order(
    bot_api: FakeBotAPI, hook: tuple[Hook, str], user_ids: Iterator[int], tmp_path: Path
) -> None:
    receiver, hook_url = hook
    with fresh_schema() as alone_url:
        async with instances(1, alone_url, bot_api.base_url, hook_url, tmp_path / "one") as one:
            reference = await warm_up(one, bot_api, user_ids)
            alone = await crowd_on(one, bot_api, user_ids, duplicates=0)
    expected = {
        REPORT: texts(reference.observer.messages(str(min(reference.chats)))),
        EMERGENCY: texts(reference.observer.messages(str(max(reference.chats)))),
    }
    mark = len(receiver.received)
    with fresh_schema() as url:
        async with instances(2, url, bot_api.base_url, hook_url, tmp_path / "two") as two:
            started = await warm_up(two, bot_api, user_ids)
            crowd = await crowd_on(two, bot_api, user_ids, duplicates=0.2)
            inbox, deliveries = await settled(url)
            logs = describe(*two)
        msg_ids = delivered_ids(url)

    for chat, script in crowd.chats.items():
        assert texts(crowd.observer.messages(str(chat))) == expected[script], chat
    for user_id in started.chats:
        assert texts(started.observer.messages(str(user_id))) == expected[started.chats[user_id]]
    answered = Counter(c.params["callback_query_id"] for c in bot_api.of("answerCallbackQuery"))
    assert {press: answered[press] for press in crowd.presses if answered[press] != 1} == {}
    ours = {str(chat) for chat in crowd.chats}
    edits = Counter(
        (str(c.params["chat_id"]), c.params["message_id"])
        for c in bot_api.of("editMessageReplyMarkup")
        if str(c.params["chat_id"]) in ours
    )
    assert {key: times for key, times in edits.items() if times != 1} == {}
    assert len(edits) == len(crowd.presses)

    assert sum(1 for times in crowd.posted.values() if times == 2) >= 50  # a fifth of 380
    assert inbox == {"processed": len(crowd.posted) + len(started.posted)}, logs
    emergencies = sum(1 for script in crowd.chats.values() if script is EMERGENCY)
    assert deliveries.get("delivered", 0) >= emergencies
    assert deliveries == {"delivered": len(msg_ids)}
    posted = Counter(receiver.received[mark:])
    assert posted == Counter(msg_ids), (posted - Counter(msg_ids), Counter(msg_ids) - posted)
    assert receiver.refused == 0

    lags = {"one": round(p90(alone.lags), 2), "two": round(p90(crowd.lags), 2)}
    log.info("90th percentile lag, seconds: %s", lags)
    assert lags["two"] <= lags["one"] * LAG_RATIO + LAG_MARGIN, lags
