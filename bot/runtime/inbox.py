"""The durable inbox: record an update before answering 200, process it (again after a crash).

An update is claimed by one process (storage.inbox_claims) before it is translated, since
translating answers button presses and fetches files; so however many processes share the
database, and whichever of them received it, each update is translated and answered once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence

from sqlalchemy import Engine

from bot.envelopes import Channel, InboundEvent, UnreadableUpdate
from bot.runtime.batch import MAX_GROUP, GroupedTurns, TurnJob
from bot.runtime.keeper import process_owner
from bot.runtime.recording import GroupCommit, LoopGroupCommit
from bot.runtime.runner import Runner
from storage import db, inbox_claims, models, queries
from storage.inbox_batch import AsyncInbox
from storage.inbox_claims import Claim

log = logging.getLogger(__name__)

YIELD_SECONDS = 2.0
"""How long turns give way to a burst of incoming webhooks, counted from its first update.

Recording comes first, so that a burst lands in the durable inbox at full speed and the turns
catch up right after it: on SQLite a turn holds the one writer for several milliseconds, and
each turn run during a burst stalls every acknowledgement behind it (0.25 s cost a quarter of
the burst throughput, see docs/benchmarks.md). Updates that keep coming without a 20 ms pause
are more than the turns could keep up with anyway, so the wait delays replies that a backlog
would delay too; past it, turns share the writer with the recording."""
QUIET_SECONDS = 0.02
"""A pause this long without an incoming update ends a burst: waiting turns start."""

RETRY_DELAYS = (10, 30, 120, 600, 1800, 3600, 3 * 3600, 6 * 3600)
"""Seconds before each new try of an update that failed; after the last one it is failed."""

UNREADABLE = "unreadable"
"""The status of an update refused at translation (a field of the wrong type)."""

Item = tuple[str, str | None, bytes]
"""(external id, chat id, payload) of one update."""

Translator = Callable[[bytes], Awaitable[InboundEvent | None]]
"""Turns one recorded payload into one inbound event (None: nothing for the engine)."""

Scheduler = Callable[[int, str], None]
"""Starts processing a recorded update (inbox id, chat key) after that chat's earlier ones."""


def recording_connection(engine: Engine) -> db.KeptConnection:
    """Returns a connection for a recording thread to keep: each statement commits on its own.

    A batch's insert stands alone (a WhatsApp batch's read is advisory: a window read a moment
    early only costs processing a transaction), so on PostgreSQL it commits in one round trip;
    on SQLite its transactions go before those of the worker process.
    """
    return db.KeptConnection(engine, autocommit=True, urgent=True)


class InboxWriter:
    """Records a channel's webhook updates in batches over one kept connection (one thread's)."""

    def __init__(self, engine: Engine, channel: Channel) -> None:
        self.channel = channel
        self.kept = recording_connection(engine)

    def record(self, items: Sequence[Item]) -> list[int | None]:
        """Stores updates that arrived together in one commit; None for each duplicate."""
        with self.kept.transaction() as connection:
            return queries.record_inbound_many(
                connection=connection, channel=self.channel.value, rows=items
            )

    def close(self) -> None:
        """Closes the kept connection."""
        self.kept.close()


Recorder = GroupCommit[Item, int | None] | LoopGroupCommit[Item, int | None]
"""Records a channel's webhook updates in group commits; each answers its id (None: duplicate)."""


def inbox_recorder(engine: Engine, channel: Channel) -> Recorder:
    """Returns the group commit for this database: on the event loop (PostgreSQL) or a thread."""
    if db.is_postgres(engine):
        inbox = AsyncInbox(engine)

        async def write(items: list[Item]) -> list[int | None]:
            return await inbox.record_many(channel.value, items)

        return LoopGroupCommit(write, on_close=inbox.close)
    writer = InboxWriter(engine, channel)
    return GroupCommit(writer.record, name=f"{channel.value}-inbox", on_close=writer.close)


class Inbox:
    """Records updates exactly once and feeds them to the runner in arrival order."""

    def __init__(
        self,
        engine: Engine,
        runner: Runner,
        translators: Mapping[Channel, Translator],
        *,
        owner: str | None = None,
        lease_seconds: float = 5,
    ):
        self.engine, self.runner, self.translators = engine, runner, dict(translators)
        self.owner, self.lease_seconds = owner or process_owner(), lease_seconds
        self._limit = asyncio.Semaphore(MAX_GROUP)
        self.turns = GroupedTurns(runner)
        """Where translated updates run: together, when several are ready at once."""
        self.schedulers: dict[Channel, Scheduler] = {}
        """How each channel runs a recorded update in the background, in its chat's order."""
        self.hand_off: Callable[[], None] | None = None
        """Set where another process (the worker) runs turns: called after each record."""
        self.after_each: Callable[[], None] | None = None
        """Called after each update is done (the worker's pump looks again: an update of the
        same chat that another process took in may be this one's to process now)."""
        self.in_flight: set[int] = set()
        """Updates scheduled or being processed here: their claims are renewed (the keeper),
        and the ticker's retry leaves them alone."""
        self._serial = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._last_arrival = self._burst_began = 0.0

    def arrived(self) -> None:
        """Notes that an update just came in: turns about to start give way for a moment."""
        now = time.monotonic()
        if now - self._last_arrival >= QUIET_SECONDS:
            self._burst_began = now
        self._last_arrival = now

    def schedule(self, channel: Channel, inbound_id: int, chat: str) -> None:
        """Processes a recorded update in the background, through its channel's scheduler."""
        self.in_flight.add(inbound_id)
        scheduler = self.schedulers.get(channel)
        if scheduler is not None:
            scheduler(inbound_id, chat)
            return
        task = asyncio.create_task(self._one_at_a_time(inbound_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _one_at_a_time(self, inbound_id: int) -> None:
        async with self._serial:
            await self.process_pending_one(inbound_id)

    def record(
        self, *, channel: Channel, external_id: str, chat_id: str | None, payload: bytes
    ) -> int | None:
        """Stores an update durably; returns its id, or None for a duplicate."""
        with db.session(self.engine) as session:
            row = queries.record_inbound(
                session=session,
                channel=channel.value,
                external_id=external_id,
                chat_id=chat_id,
                payload=payload,
            )
            return row.id if row is not None else None

    async def process(self, inbound_id: int) -> None:
        """Translates and runs one recorded update; failures stay pending for a retry."""
        self.in_flight.add(inbound_id)  # its claim is renewed while it is processed
        try:
            await self._process(inbound_id)
        finally:
            self.in_flight.discard(inbound_id)
            if self.after_each is not None:
                self.after_each()

    async def _process(self, inbound_id: int) -> None:
        await self.quiet()
        async with self._limit:
            row = await asyncio.to_thread(self._take, inbound_id)
            if row is None:  # done already, or another process holds it
                return
            translate = self.translators.get(Channel(row.channel))
            try:
                event = await translate(row.payload) if translate else None
            except UnreadableUpdate as refused:  # a wrong field stays wrong: no retry
                await asyncio.to_thread(self._refuse, inbound_id, refused)
                return
            if event is None:
                await asyncio.to_thread(self._mark, inbound_id, "ignored")
                return
            await self.turns.run(TurnJob(event, inbound_id, self.owner))

    async def process_pending(self, limit: int = 100, grace_seconds: float = 10.0) -> int:
        """Processes updates left pending (after a restart or a failure); returns how many.

        A channel's updates go through its scheduler, after those of their chat in hand here.
        """
        older_than = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=grace_seconds)
        claimed = await asyncio.to_thread(self.claim, limit, older_than)
        left = [row for row in claimed if row[0] not in self.in_flight]
        for inbound_id, channel, chat_id in left:
            if Channel(channel) in self.schedulers:
                self.schedule(Channel(channel), inbound_id, chat_id or f"inbound:{inbound_id}")
            else:
                await self.process_pending_one(inbound_id)
        return len(left)

    def claim(self, limit: int, received_before: dt.datetime | None = None) -> list[Claim]:
        """Claims due updates nobody holds for this process, in id order."""
        with db.session(self.engine) as session:
            return inbox_claims.claim_inbound(
                session=session,
                owner=self.owner,
                now=dt.datetime.now(dt.UTC),
                seconds=self.lease_seconds,
                limit=limit,
                received_before=received_before,
            )

    async def process_pending_one(self, inbound_id: int) -> None:
        """Processes one update; a failure counts a try and schedules the next one."""
        try:
            await self.process(inbound_id)
        except Exception as error:  # one bad update must not block the others
            log.warning(
                "inbound update failed",
                extra={"inbound_id": inbound_id, "error": type(error).__name__},
            )
            await self.failed(inbound_id, error)

    async def failed(self, inbound_id: int, error: Exception) -> None:
        """Counts a failed try of an update and frees it until its next try is due."""
        try:
            await asyncio.to_thread(self._retry_later, inbound_id, type(error).__name__)
        except Exception as again:  # the database is away too: the claim lapses, found again
            log.warning("inbound retry not scheduled", extra={"error": type(again).__name__})

    async def quiet(self) -> None:
        """Waits for a QUIET_SECONDS pause in arrivals, or until the burst is YIELD_SECONDS old."""
        give_up = self._burst_began + YIELD_SECONDS
        while (now := time.monotonic()) < give_up:
            quiet_for = now - self._last_arrival
            if quiet_for >= QUIET_SECONDS:
                return
            await asyncio.sleep(QUIET_SECONDS - quiet_for)

    def _refuse(self, inbound_id: int, refused: UnreadableUpdate) -> None:
        """Records an update as unreadable; re-prompts its reporter in the same turn if known."""
        log.warning(
            "inbound update unreadable", extra={"inbound_id": inbound_id, "reason": refused.reason}
        )
        if refused.reply_to is None:
            self._mark(inbound_id, UNREADABLE, refused.reason)
            return
        self.runner.handle(
            refused.reply_to, inbound_id=inbound_id, lease_owner=self.owner, outcome=UNREADABLE
        )

    def _retry_later(self, inbound_id: int, error: str) -> None:
        """Counts a failed try; schedules the next, or marks the update failed after the last."""
        with db.session(self.engine) as session:
            if not inbox_claims.holds(session=session, inbound_id=inbound_id, owner=self.owner):
                return
            row = session.get(models.InboundUpdate, inbound_id)
            if row is None:
                return
            if row.attempts >= len(RETRY_DELAYS):
                queries.mark_inbound(
                    session=session, inbound_id=inbound_id, status="failed", error=error
                )
                log.error("inbound update given up", extra={"inbound_id": inbound_id})
                return
            at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=RETRY_DELAYS[row.attempts])
            queries.defer_inbound(session=session, inbound_id=inbound_id, error=error, at=at)

    def _take(self, inbound_id: int) -> models.InboundUpdate | None:
        """Claims the update (or renews this process's claim); None when it is not ours to do."""
        with db.session(self.engine) as session:
            return inbox_claims.take_inbound(
                session=session,
                inbound_id=inbound_id,
                owner=self.owner,
                now=dt.datetime.now(dt.UTC),
                seconds=self.lease_seconds,
            )

    def _mark(self, inbound_id: int, status: str, error: str | None = None) -> None:
        with db.session(self.engine) as session:
            if inbox_claims.holds(session=session, inbound_id=inbound_id, owner=self.owner):
                queries.mark_inbound(
                    session=session, inbound_id=inbound_id, status=status, error=error
                )
