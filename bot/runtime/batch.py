"""Group-committed turns: the turns of many conversations saved in one transaction.

A group holds at most one turn per conversation; a later turn of a chat already in the group
goes to the next group, after the earlier one is committed, so a chat's turns keep their order.
The group's conversations, reporters, cases and inbox rows load in one query per table, and
its saves, replies and inbox marks are written once at its end (storage.turn_rows). When the
group fails, nothing of it is kept and each of its turns runs again alone, through the runner's
own single-turn path: the others commit, and only the failing one raises.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from bot.envelopes import Channel, InboundEvent
from bot.observability import metrics
from bot.runtime.recording import GroupCommit
from bot.runtime.runner import Runner, TurnResult
from storage import db, models, turn_rows
from storage.turn_rows import TurnRows

log = logging.getLogger(__name__)

MAX_GROUP = 48
"""Most turns saved in one transaction: enough to share a commit, few enough to hold locks
briefly (on SQLite the group holds the one writer while its turns run)."""


@dataclass(frozen=True)
class TurnJob:
    """One reporter turn to run: its event and, from the inbox, the update it settles."""

    event: InboundEvent
    inbound_id: int | None = None
    lease_owner: str | None = None
    outcome: str = "processed"


Outcome = TurnResult | None | Exception
"""A job's result (None: not this process's to do), or what running it alone raised."""


class GroupRunner:
    """Runs jobs in groups of distinct conversations, one transaction per group."""

    def __init__(self, runner: Runner, *, most: int = MAX_GROUP) -> None:
        self.runner, self.most = runner, most

    def run(self, jobs: Sequence[TurnJob]) -> list[TurnResult | None]:
        """Runs jobs in order; raises (after the others are saved) the first failure alone."""
        outcomes = self.outcomes(jobs)
        for outcome in outcomes:
            if isinstance(outcome, Exception):
                raise outcome
        return [o for o in outcomes if not isinstance(o, Exception)]

    def outcomes(self, jobs: Sequence[TurnJob]) -> list[Outcome]:
        """Runs jobs group after group; answers each job's result or its lone failure."""
        outcomes: list[Outcome] = [None] * len(jobs)
        for group in groups(jobs, self.most):
            try:
                results = self._group([jobs[i] for i in group])
            except Exception as error:  # nothing of the group was kept: each runs alone
                log.warning(
                    "turn group failed; running its turns alone",
                    extra={"size": len(group), "error": type(error).__name__},
                )
                for i in group:
                    outcomes[i] = self._alone(jobs[i])
                continue
            for i, result in zip(group, results, strict=True):
                outcomes[i] = result
        return outcomes

    def _alone(self, job: TurnJob) -> Outcome:
        """Runs one job through the runner's single-turn path; answers what it raised."""
        try:
            return self._handle(job)
        except Exception as error:  # handed to the job's caller, never to the group's others
            return error

    def _handle(self, job: TurnJob) -> TurnResult | None:
        """Runs one job through the runner's single-turn path."""
        return self.runner.handle(
            job.event, inbound_id=job.inbound_id, lease_owner=job.lease_owner, outcome=job.outcome
        )

    def _group(self, jobs: list[TurnJob]) -> list[TurnResult | None]:
        """Runs a group's turns and saves them all in one transaction."""
        if len(jobs) == 1:
            return [self._handle(jobs[0])]
        rows = TurnRows()
        with db.session(self.runner.engine) as session:
            loaded = _load(session, jobs)
            results = [self._turn(session, job, loaded, rows) for job in jobs]
            rows.write(session)
        self.runner.on_commit()
        for job, result in zip(jobs, results, strict=True):
            if result is not None:
                metrics().turns.labels(channel=job.event.channel.value, kind="message").inc()
        return results

    def _turn(
        self, session: Session, job: TurnJob, loaded: Loaded, rows: TurnRows
    ) -> TurnResult | None:
        """Runs one turn of the group; None when its update is not this process's to do."""
        if job.inbound_id is not None and not loaded.holds(job):
            return None
        event = job.event
        reporter = loaded.reporters[(event.channel, event.user_id)]
        conversation = loaded.conversations[(event.channel, event.chat_id)]
        state, envelope, turn = self.runner.play(session, conversation, reporter, event)
        result = self.runner.save(
            session, conversation, reporter, envelope, turn, event.channel, event.at, rows
        )
        if job.inbound_id is not None:
            rows.mark(
                inbound_id=job.inbound_id,
                status=job.outcome,
                step_id=state.step_id if state else None,
            )
        return result


class GroupedTurns:
    """Runs the turns handed in from the event loop in groups, on a thread of their own.

    The turns waiting while a group runs make the next group, so the busier the worker, the
    more turns share a commit; a quiet worker runs each turn alone, at once.
    """

    def __init__(self, runner: Runner) -> None:
        self._commit = GroupCommit(GroupRunner(runner).outcomes, name="turns")

    async def run(self, job: TurnJob) -> TurnResult | None:
        """Returns the job's result once its group is committed; raises what it raised alone."""
        outcome = await self._commit.submit(job)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def aclose(self) -> None:
        """Finishes the groups in hand and stops the thread."""
        await self._commit.aclose()


@dataclass(frozen=True)
class Loaded:
    """A group's rows, loaded and locked at its start."""

    reporters: dict[tuple[Channel, str], models.Reporter]
    conversations: dict[tuple[Channel, str], models.Conversation]
    leases: dict[int, str | None]
    cases: list[models.Case]
    """Kept here so that the session (which holds rows weakly) answers lookups of them."""

    def holds(self, job: TurnJob) -> bool:
        """Tells whether the job's update still waits under its owner's claim."""
        if job.inbound_id not in self.leases:
            return False
        return job.lease_owner is None or self.leases[job.inbound_id] == job.lease_owner


def _load(session: Session, jobs: Sequence[TurnJob]) -> Loaded:
    """Loads and locks a group's reporters, conversations, cases and inbox rows."""
    reporters: dict[tuple[Channel, str], models.Reporter] = {}
    conversations: dict[tuple[Channel, str], models.Conversation] = {}
    for channel in dict.fromkeys(job.event.channel for job in jobs):
        events = [job.event for job in jobs if job.event.channel is channel]
        users = turn_rows.reporters(
            session=session, channel=channel.value, user_ids=[e.user_id for e in events]
        )
        reporters.update({(channel, user): r for user, r in users.items()})
        chats = {e.chat_id: users[e.user_id].id or 0 for e in events}
        locked = turn_rows.lock_conversations(session=session, channel=channel.value, chats=chats)
        conversations.update({(channel, chat): c for chat, c in locked.items()})
    ids = [job.inbound_id for job in jobs if job.inbound_id is not None]
    leases = turn_rows.held(session=session, inbound_ids=ids)
    cases = turn_rows.load_cases(
        session=session, case_ids=[(c.state or {}).get("case_id") for c in conversations.values()]
    )
    return Loaded(reporters, conversations, leases, cases)


def groups(jobs: Sequence[TurnJob], most: int) -> list[list[int]]:
    """Splits jobs (by index, in order) into groups of at most `most`, one job per chat each.

    A job whose chat is in the current group starts the next one, so a chat's turns keep their
    order: the later turn is run after the earlier one's group has committed.
    """
    found: list[list[int]] = []
    chats: set[tuple[Channel, str]] = set()
    for index, job in enumerate(jobs):
        chat = (job.event.channel, job.event.chat_id)
        if not found or chat in chats or len(found[-1]) >= most:
            found.append([])
            chats = set()
        found[-1].append(index)
        chats.add(chat)
    return found
