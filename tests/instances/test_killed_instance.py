"""SIGKILL of the web process and its worker mid-burst, then a restart: nothing acknowledged lost,
nothing done twice but the one message a chat had in flight, every chat answered again soon."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from crowd import EMERGENCY, REPORT, Crowd, Observer, extra_copies, texts
from fakebot import FakeBotAPI
from processes import Hook, Instance, instances
from schemas import fresh_schema
from sqlmodel import col, select

from storage import db
from storage.models import InboundUpdate

log = logging.getLogger(__name__)

REPORTERS = 60
KILL_AFTER = 90
"""Updates acknowledged before the kill (of about 220 the crowd posts)."""
ANSWERED_AGAIN_SECONDS = 10.0


async def kill_mid_burst(instance: Instance, crowd: Crowd) -> tuple[float, float]:
    """Kills the instance once KILL_AFTER updates were taken, restarts it; returns both times."""
    await crowd.taken(KILL_AFTER)
    instance.kill()
    killed = time.monotonic()
    await asyncio.sleep(0.5)
    instance.start()
    return killed, time.monotonic()


def inbox_rows(url: str) -> dict[str, str]:
    """Returns each recorded update's status by its update id."""
    engine = db.make_engine(url)
    try:
        with db.session(engine) as session:
            rows = session.exec(select(InboundUpdate.external_id, col(InboundUpdate.status)))
            return dict(rows.all())
    finally:
        engine.dispose()


async def test_a_killed_instance_loses_nothing_and_repeats_at_most_the_message_in_flight(
    bot_api: FakeBotAPI, hook: tuple[Hook, str], user_ids: Iterator[int], tmp_path: Path
) -> None:
    _, hook_url = hook
    with fresh_schema() as url:
        async with instances(1, url, bot_api.base_url, hook_url, tmp_path) as (instance,):
            reference = Crowd(bot_api, Observer(bot_api), [instance])
            await reference.run([next(user_ids), next(user_ids)], first_index=4)
            expected = {
                REPORT: texts(reference.observer.messages(str(min(reference.chats)))),
                EMERGENCY: texts(reference.observer.messages(str(max(reference.chats)))),
            }
            crowd = Crowd(bot_api, Observer(bot_api), [instance])
            people = asyncio.create_task(crowd.run([next(user_ids) for _ in range(REPORTERS)]))
            killed, restarted = await kill_mid_burst(instance, crowd)
            await instance.ready()
            await people
            await asyncio.sleep(1.0)  # the last marks are written a moment after the last reply
        statuses = inbox_rows(url)

    acknowledged = {str(update_id) for update_id in crowd.posted}
    assert acknowledged <= set(statuses)
    assert {statuses[update_id] for update_id in acknowledged} == {"processed"}
    answers = Counter(c.params["callback_query_id"] for c in bot_api.of("answerCallbackQuery"))
    assert all(1 <= answers[press] <= 2 for press in crowd.presses)
    waited, repeated = [], 0
    for chat, script in crowd.chats.items():
        calls = crowd.observer.messages(str(chat))
        copies = extra_copies(texts(calls), expected[script])
        assert copies is not None, (chat, texts(calls))
        assert copies <= 1, chat
        repeated += copies
        after = [call.at for call in calls if call.at > killed]
        if after:
            waited.append(after[0] - restarted)
    again = sum(1 for press in crowd.presses if answers[press] == 2)
    log.info(
        "chats answered after the restart: %d, within %.1f s; messages sent twice: %d; "
        "presses answered twice: %d",
        len(waited),
        max(waited),
        repeated,
        again,
    )
    assert len(waited) >= REPORTERS // 2  # most chats were mid-report at the kill
    assert max(waited) <= ANSWERED_AGAIN_SECONDS, sorted(waited)[-5:]
